//! Exporting the records of an entity, filtered as a list is, to a workbook: Chinese headers, money in 万元, dates as
//! dates, choices by their labels — the same columns the import reads back.

use crate::{App, AppError, File};
use duikou_store::ListQuery;

/// The most records one worksheet holds below its header row (Excel and WPS: 1 048 576 rows).
pub const SHEET_ROWS: i64 = 1_048_575;

/// An export: the file, and what it holds.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The workbook, named `<label>.xlsx`.
    pub file: File,
    /// The entity's Chinese name.
    pub label: &'static str,
    /// How many records it holds.
    pub records: usize,
}

impl App {
    /// Every record of `entity` that passes `filters` — `field=value` pairs as a list takes them (`q` is the text
    /// searched) — as an .xlsx workbook of one sheet.
    pub async fn export<K, V>(
        &self,
        entity: &str,
        filters: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Exported, AppError>
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.export_within(entity, filters, SHEET_ROWS).await
    }

    /// As [`App::export`], refusing ([`AppError::TooManyRows`]) a list of more than `limit` records.
    pub async fn export_within<K, V>(
        &self,
        entity: &str,
        filters: impl IntoIterator<Item = (K, V)>,
        limit: i64,
    ) -> Result<Exported, AppError>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let def = duikou_store::records::def(entity)?;
        let mut q = ListQuery::default();
        for (k, v) in filters {
            let (k, v) = (k.into(), v.into());
            if k == "q" {
                q.q = Some(v);
            } else {
                q.filters.insert(k, v);
            }
        }
        // a sheet holds so many rows: a list known to be longer is refused before it is read, and reading stops
        // one record past the limit where the count is only a lower bound
        let too_many = |records: Option<i64>| AppError::TooManyRows {
            label: def.label,
            records,
            limit,
        };
        let counted = ListQuery {
            per_page: Some(1),
            ..q.clone()
        };
        let count = self.store.list(entity, &counted).await?;
        if count.total > limit {
            return Err(too_many(count.total_exact.then_some(count.total)));
        }
        let (records, more) = self
            .store
            .list_up_to(entity, &q, usize::try_from(limit).unwrap_or(0))
            .await?;
        if more {
            return Err(too_many(None));
        }
        let book = duikou_report::Workbook {
            sheets: vec![duikou_report::Sheet {
                name: def.label.to_string(),
                table: duikou_summary::tables::entity_table(def, &records),
                validation_rows: 0,
            }],
        };
        Ok(Exported {
            file: File {
                name: format!("{}.xlsx", def.label),
                bytes: duikou_report::xlsx(&book)?,
            },
            label: def.label,
            records: records.len(),
        })
    }
}
