//! What a use case can fail with, in terms each front end turns into its own answer (a status and JSON, or a message
//! and an exit code).

use duikou_store::StoreError;

/// A use case's failure: the storage's, the user's (an entity that cannot be imported), or the writer's own.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// From storage (invalid input, not found, busy, a bad file, the database).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The entity is not one a spreadsheet may be imported into (the message lists those that are).
    #[error("不支持导入“{0}”，可导入：{list}", list = duikou_store::import::IMPORTABLE.join("、"))]
    NotImportable(String),
    /// An export would hold more records than one worksheet can (Excel's and WPS's limit of 1 048 576 rows, the
    /// header included): refused before anything is read, with the count, so the user narrows it.
    #[error(
        "要导出的{label}{counted}超过 Excel 单个工作表的上限（{limit} 条）：请按结对、年份或类型筛选后分批导出",
        counted = records.map(|n| format!("共 {n} 条，")).unwrap_or_default()
    )]
    TooManyRows {
        /// The entity's Chinese name.
        label: &'static str,
        /// How many records the filters select, where counted exactly.
        records: Option<i64>,
        /// The most a sheet holds below its header.
        limit: i64,
    },
    /// A summary would print one measure with two values: refused, the writer's own fault.
    #[error(transparent)]
    Inconsistent(#[from] duikou_summary::Inconsistent),
    /// A document or workbook could not be rendered.
    #[error("生成文件失败：{0}")]
    Render(#[from] duikou_report::RenderError),
}
