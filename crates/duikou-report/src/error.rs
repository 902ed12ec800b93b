//! The one error type of the renderers, worded in Chinese because it reaches users as is.

/// Why a document or workbook could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The spreadsheet writer refused the data (a sheet too large, a string over Excel's 32767 characters…).
    #[error("生成 xlsx 失败：{0}")]
    Xlsx(String),
    /// Writing the .docx package failed.
    #[error("生成 docx 失败：{0}")]
    Docx(String),
    /// A chart could not be turned into a picture.
    #[error("图表“{title}”无法转为图片：{reason}")]
    Chart {
        /// The chart's title.
        title: String,
        /// What went wrong.
        reason: String,
    },
}
