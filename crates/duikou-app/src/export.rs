//! Exporting the records of an entity, filtered as a list is, to a workbook: Chinese headers, money in 万元, dates as
//! dates, choices by their labels — the same columns the import reads back.

use crate::{App, AppError, File};
use duikou_store::ListQuery;

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
        let records = self.store.list_every(entity, &q).await?;
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
