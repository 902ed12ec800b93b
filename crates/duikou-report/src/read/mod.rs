//! Tables read back from files users upload for imports (.xlsx, .csv), cell by cell, with what the importer must
//! tell the user about: spreadsheet row numbers as the user sees them, formulas, merged cells.
//!
//! The reader does not interpret: it says what is in the file (a number, a date, some text, a formula and its cached
//! value) and leaves meaning and validation to the importer. It never panics on what it is given; garbage gives a
//! [`ReadError`] whose text can be shown to the user as is.
//!
//! Two ways in: [`read_table`] gives the whole table from bytes in memory (small files, tests), [`stream_table`]
//! reads a file on disk row by row into a [`TableSink`], holding one row at a time (uploads of tens of megabytes).

mod csv;
mod table;
mod xlsx;

use table::Grid;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::io::{Read, Seek};
use std::path::Path;

/// One row of a sheet as found in the file: its zero-based row, and its non-empty cells with zero-based columns.
pub(crate) type CellRow = (u32, Vec<(u32, RawCell)>);

/// What the file readers hand their findings to: the whole sheet's grid, or the row-by-row streamer.
pub(crate) trait Found {
    /// The sheet being read and its merged ranges (xlsx only; before any row).
    fn sheet(&mut self, name: String, merged: Vec<MergedRange>);
    /// One row with content, in file order; false to stop reading.
    fn row(&mut self, row: CellRow) -> bool;
}

/// A table read from a file: the header row and the data rows under it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawTable {
    /// The sheet it came from (None for CSV).
    pub sheet: Option<String>,
    /// Header texts, trimmed; "" for a column that has data but no header.
    pub headers: Vec<String>,
    /// The header's spreadsheet row number (1-based).
    pub header_row: u32,
    /// The spreadsheet column number (1-based: A = 1) of `headers[0]` and of each row's `cells[0]`.
    pub first_column: u32,
    /// The data rows, fully empty rows left out; each has exactly `headers.len()` cells.
    pub rows: Vec<RawRow>,
    /// Merged ranges on the sheet (1-based). An import should refuse or question any that touches its rows.
    pub merged: Vec<MergedRange>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawRow {
    /// The row number the user sees in Excel/WPS (1-based, counting the header and any rows above it).
    pub row: u32,
    /// One cell per header.
    pub cells: Vec<RawCell>,
}

/// What a cell holds, as found in the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum RawCell {
    /// Nothing, or only spaces.
    Empty,
    /// Text (CSV cells are always text: CSV has no types, and "007" must stay "007").
    Text(String),
    /// A number.
    Number(f64),
    /// TRUE / FALSE.
    Bool(bool),
    /// A date (a date-formatted cell without a time of day).
    Date(NaiveDate),
    /// A date with a time of day.
    DateTime(NaiveDateTime),
    /// An error value such as "#DIV/0!".
    Error(String),
    /// A formula; `cached` is the value the spreadsheet last computed (Empty if it never did).
    Formula {
        /// The formula text without the leading "=".
        formula: String,
        /// The last computed value.
        cached: Box<RawCell>,
    },
}

impl RawCell {
    /// Whether the cell has nothing in it.
    pub fn is_empty(&self) -> bool {
        matches!(self, RawCell::Empty)
    }

    /// The value to use: a formula's cached value, anything else itself.
    pub fn value(&self) -> &RawCell {
        match self {
            RawCell::Formula { cached, .. } => cached,
            other => other,
        }
    }
}

/// A merged range, 1-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MergedRange {
    /// First row.
    pub first_row: u32,
    /// First column (A = 1).
    pub first_column: u32,
    /// Last row.
    pub last_row: u32,
    /// Last column.
    pub last_column: u32,
}

impl MergedRange {
    /// The range as a user writes it ("B3:C4").
    pub fn a1(&self) -> String {
        format!(
            "{}{}:{}{}",
            column_name(self.first_column),
            self.first_row,
            column_name(self.last_column),
            self.last_row
        )
    }

    /// Whether the range covers a row.
    pub fn covers_row(&self, row: u32) -> bool {
        (self.first_row..=self.last_row).contains(&row)
    }
}

impl RawTable {
    /// The column letters ("C") of cell `index` in every row, for messages such as "第5行 C列".
    pub fn column_name(&self, index: usize) -> String {
        column_name(self.first_column.saturating_add(index as u32))
    }
}

/// Letters of a 1-based column number (1 → "A", 27 → "AA"); "?" for 0.
pub fn column_name(column: u32) -> String {
    match column.checked_sub(1) {
        Some(zero_based) => crate::xlsx::column_letters(zero_based),
        None => "?".to_string(),
    }
}

/// Where to look in the file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The sheet to read (matched exactly, then ignoring case and surrounding spaces); the first visible sheet when
    /// None. Ignored for CSV.
    pub sheet: Option<String>,
    /// Headers the importer expects. When given, the header row is the first row (of the first 20 with content)
    /// that contains one of them, so that title or note rows above the header are passed over; otherwise it is
    /// the first row with content.
    pub expected_headers: Vec<String>,
}

/// Why a file could not be read, worded for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// The file has no bytes.
    #[error("文件是空的")]
    Empty,
    /// Neither .xlsx nor .csv.
    #[error("无法识别的文件类型（支持 .xlsx 和 .csv）：{0}")]
    UnsupportedType(String),
    /// An old binary Excel file.
    #[error("不支持旧版 .xls 文件：请在 Excel 或 WPS 中另存为 .xlsx 后再导入")]
    OldExcel,
    /// A file named .xlsx that is not one.
    #[error("文件不是有效的 xlsx：{0}")]
    InvalidXlsx(String),
    /// The sheet asked for is not in the workbook.
    #[error("工作簿中没有名为“{name}”的工作表（现有：{available}）")]
    SheetNotFound {
        /// The name asked for.
        name: String,
        /// The sheets there are, joined with "、".
        available: String,
    },
    /// A workbook without any worksheet.
    #[error("工作簿中没有工作表")]
    NoSheet,
    /// Text in an encoding that is neither UTF-8 nor GBK/GB18030.
    #[error("无法识别文件编码（支持 UTF-8 和 GBK/GB18030）")]
    Encoding,
    /// Bytes that are not text at all.
    #[error("文件含有二进制内容，不是 CSV 文本")]
    Binary,
    /// A CSV syntax error.
    #[error("CSV 第 {line} 行：{message}")]
    Csv {
        /// The line (1-based) where the problem starts.
        line: u32,
        /// What is wrong.
        message: String,
    },
    /// The reader failed in a way it should not have (a bug below us): the file is damaged in an unusual way.
    #[error("文件已损坏，无法读取")]
    Corrupt,
}

/// Reads the first visible sheet of an .xlsx, or a .csv, choosing by the file name's extension.
pub fn read_table(bytes: &[u8], file_name: &str) -> Result<RawTable, ReadError> {
    read_table_with(bytes, file_name, &ReadOptions::default())
}

/// [`read_table`] with a sheet name and expected headers.
pub fn read_table_with(bytes: &[u8], file_name: &str, options: &ReadOptions) -> Result<RawTable, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let mut grid = Grid::new(None);
    guarded(|| each_row(std::io::Cursor::new(bytes), bytes, file_name, options, &mut grid))?;
    Ok(table::build(grid, &options.expected_headers))
}

/// The top of a table read row by row: what [`RawTable`] holds besides its rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableHead {
    /// The sheet it came from (None for CSV).
    pub sheet: Option<String>,
    /// Header texts, trimmed; "" for a column between headers that has none. Empty when the file has no content.
    pub headers: Vec<String>,
    /// The header's spreadsheet row number (1-based; 0 when there is none).
    pub header_row: u32,
    /// The spreadsheet column number (1-based: A = 1) of `headers[0]` and of each row's `cells[0]`.
    pub first_column: u32,
    /// Merged ranges on the sheet (1-based). An import should refuse or question any that touches its rows.
    pub merged: Vec<MergedRange>,
}

impl TableHead {
    /// The column letters ("C") of cell `index` in every row.
    pub fn column_name(&self, index: usize) -> String {
        column_name(self.first_column.saturating_add(index as u32))
    }
}

/// Where [`stream_table`] puts what it reads. Either method answers false to stop reading.
pub trait TableSink {
    /// The header row (called once, before any row; with no headers when the file has no content).
    fn head(&mut self, head: TableHead) -> bool;
    /// One data row under the header: fully empty rows are left out, and each row has one cell per header.
    fn row(&mut self, row: RawRow) -> bool;
}

/// Reads the table in the file at `path` (.xlsx or .csv by `file_name`'s extension) row by row into `sink`, holding
/// one row at a time: the header as [`read_table_with`] finds it among the first rows, then every data row under it,
/// with the header row's columns.
pub fn stream_table(
    path: &Path,
    file_name: &str,
    options: &ReadOptions,
    sink: &mut dyn TableSink,
) -> Result<(), ReadError> {
    let mut file = std::fs::File::open(path).map_err(|_| ReadError::Corrupt)?;
    let mut magic = [0u8; 4];
    let mut got = 0;
    while got < magic.len() {
        match file.read(&mut magic[got..]).map_err(|_| ReadError::Corrupt)? {
            0 => break,
            n => got += n,
        }
    }
    if got == 0 {
        return Err(ReadError::Empty);
    }
    file.rewind().map_err(|_| ReadError::Corrupt)?;
    let mut streamer = table::Streamer::new(sink, &options.expected_headers);
    let input = std::io::BufReader::with_capacity(64 * 1024, file);
    guarded(|| each_row(input, &magic[..got], file_name, options, &mut streamer))?;
    streamer.finish();
    Ok(())
}

/// Reads every row with content of a file whose first bytes are `magic`, choosing the reader by the extension of
/// `file_name` (and refusing a file whose content is not what its name says).
fn each_row<R: Read + Seek>(
    input: R,
    magic: &[u8],
    file_name: &str,
    options: &ReadOptions,
    found: &mut dyn Found,
) -> Result<(), ReadError> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let is_zip = magic.starts_with(b"PK\x03\x04");
    let is_ole = magic.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    match ext.as_str() {
        "xlsx" | "xlsm" => {
            if is_ole {
                return Err(ReadError::OldExcel);
            }
            if !is_zip {
                return Err(ReadError::InvalidXlsx(
                    "内容不是 xlsx 格式（可能是改了扩展名的其他文件）".to_string(),
                ));
            }
            xlsx::each_row(input, options, found)
        }
        "csv" | "txt" => {
            if is_zip {
                return Err(ReadError::Csv {
                    line: 1,
                    message: "这是一个 xlsx 文件，请把扩展名改为 .xlsx".to_string(),
                });
            }
            if is_ole {
                return Err(ReadError::OldExcel);
            }
            csv::each_row(input, found)
        }
        "xls" => Err(ReadError::OldExcel),
        _ => Err(ReadError::UnsupportedType(file_name.to_string())),
    }
}

/// Runs a reader, turning a panic inside a dependency into an error: an upload must never take the server down.
fn guarded<T>(f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(Err(ReadError::Corrupt))
}
