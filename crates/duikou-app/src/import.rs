//! Importing a spreadsheet (.xlsx or .csv) into the record, all or nothing: every row checked first, every bad cell
//! reported with its row and column, and only then, when asked and nothing is wrong, written.

use crate::{App, AppError};
use duikou_domain::access::Actor;
use duikou_store::import::ImportReport;
use std::path::Path;

/// Whether an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Check every row and count what would be created, changed or left as it is; write nothing (a dry run).
    Check,
    /// Check every row, then, if none has a problem, write them all.
    Write,
}

impl App {
    /// Imports the file at `path` into `entity` as `actor`; `file_name` is the name the user gave it (its extension
    /// says .xlsx or .csv; messages name it). The file is read row by row, never whole. The report lists the problems
    /// (then nothing was written) or the counts.
    pub async fn import(
        &self,
        actor: &Actor,
        entity: &str,
        path: &Path,
        file_name: &str,
        mode: ImportMode,
    ) -> Result<ImportReport, AppError> {
        Ok(self
            .store
            .import_file(actor, entity, path, file_name, mode == ImportMode::Check)
            .await?)
    }
}

/// What an import without problems did (or, checked only, would do), counted the one way both front ends say it:
/// "1200 行，新建 1200，更新 0，不变 0" ("将新建" when nothing was written).
pub fn counts_zh(report: &ImportReport) -> String {
    format!(
        "{} 行，{}新建 {}，更新 {}，不变 {}",
        report.rows,
        if report.dry_run { "将" } else { "" },
        report.created,
        report.updated,
        report.unchanged
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counts_read_the_same_checked_or_written() {
        let mut r = ImportReport {
            entity: "activities".into(),
            rows: 3,
            created: 1,
            updated: 1,
            unchanged: 1,
            problems: Vec::new(),
            more_problems: 0,
            dry_run: true,
        };
        assert_eq!(counts_zh(&r), "3 行，将新建 1，更新 1，不变 1");
        r.dry_run = false;
        assert_eq!(counts_zh(&r), "3 行，新建 1，更新 1，不变 1");
    }
}
