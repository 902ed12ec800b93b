//! Where an import's rows come from: a file on disk, read row by row on a blocking thread and handed over in small
//! batches (so a 40 MB upload is never held whole, and can be read a second time to write), or a table in memory.

use super::{CellValue, ImportTable};
use crate::{Result, StoreError};
use duikou_report::{RawCell, RawRow, ReadError, ReadOptions, TableHead, TableSink};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use tokio::sync::mpsc;

/// Rows handed from the reading thread at a time.
const BATCH: usize = 256;
/// Batches in flight between the reading thread and the importer: the reader waits when the importer is behind.
const IN_FLIGHT: usize = 4;

/// Large workbooks read at a time in this process. The reader keeps a workbook's shared strings on disk, but a large
/// workbook holds many rows (970 000 in 40 MB), and checking an import keeps a key per row to find the rows it repeats
/// (tens of MB at a million rows): three such checks at once peaked at 390 MB, one after another at 206 MB
/// (BENCHMARKS.md), so large ones are still read one after another; CSV files and small workbooks are never held back.
static LARGE_WORKBOOKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// A workbook this large (compressed) counts as large.
const LARGE_WORKBOOK_BYTES: u64 = 4 * 1024 * 1024;

/// The rows of an import, as many times as asked.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// A .xlsx or .csv file (which one by the extension of `name`, the file's name as the user gave it).
    File {
        /// Where it is.
        path: &'a Path,
        /// Its name as uploaded.
        name: &'a str,
    },
    /// A table already in memory.
    Table(&'a ImportTable),
}

/// The top of the sheet: headers, where they start, and the merged ranges.
pub(crate) struct Head {
    /// Header texts.
    pub headers: Vec<String>,
    /// The spreadsheet column (A = 1) of `headers[0]`.
    pub first_column: u32,
    /// Merged ranges as (first row, last row, first column index, last column index): rows 1-based, columns as
    /// indexes into `headers`.
    pub merged: Vec<(u32, u32, usize, usize)>,
    /// Whether `merged` holds every merged range of the sheet (a file), of which only those over data rows matter;
    /// a table in memory holds only those.
    pub merged_anywhere: bool,
}

/// The data rows, one at a time.
pub(crate) enum Rows<'a> {
    Table(std::slice::Iter<'a, (u32, Vec<CellValue>)>),
    File {
        name: String,
        rx: mpsc::Receiver<Found>,
        ready: VecDeque<RawRow>,
    },
}

/// What the reading thread sends.
pub(crate) enum Found {
    Head(TableHead),
    Rows(Vec<RawRow>),
    Failed(ReadError),
}

impl<'a> Source<'a> {
    /// Starts reading: the head, and the rows under it. `expected` are the header labels the entity's template uses
    /// (to find the header below a title row).
    pub(crate) async fn open(&self, expected: Vec<String>) -> Result<(Head, Rows<'a>)> {
        match *self {
            Source::Table(t) => Ok((
                Head {
                    headers: t.headers.clone(),
                    first_column: 1,
                    merged: t.merged.clone(),
                    merged_anywhere: false,
                },
                Rows::Table(t.rows.iter()),
            )),
            Source::File { path, name } => {
                let (tx, mut rx) = mpsc::channel(IN_FLIGHT);
                let path: PathBuf = path.to_path_buf();
                let file_name = name.to_string();
                let options = ReadOptions {
                    sheet: None,
                    expected_headers: expected,
                };
                let workbook = name
                    .rsplit_once('.')
                    .is_some_and(|(_, ext)| matches!(ext.trim().to_ascii_lowercase().as_str(), "xlsx" | "xlsm"));
                let large = workbook && std::fs::metadata(&path).is_ok_and(|m| m.len() > LARGE_WORKBOOK_BYTES);
                let turn = match large {
                    true => Some(
                        LARGE_WORKBOOKS
                            .acquire()
                            .await
                            .map_err(|_| StoreError::Other("读取工作簿的排队已关闭".into()))?,
                    ),
                    false => None,
                };
                tokio::task::spawn_blocking(move || {
                    // held until the reading ends (the last row read, or the importer gone)
                    let _turn = turn;
                    let mut sink = ToChannel {
                        tx: tx.clone(),
                        batch: Vec::with_capacity(BATCH),
                    };
                    let read = duikou_report::stream_table(&path, &file_name, &options, &mut sink);
                    let rest = std::mem::take(&mut sink.batch);
                    match read {
                        Ok(()) if !rest.is_empty() => {
                            let _ = tx.blocking_send(Found::Rows(rest));
                        }
                        Ok(()) => {}
                        Err(e) => {
                            let _ = tx.blocking_send(Found::Failed(e));
                        }
                    }
                });
                let bad = |e: ReadError| StoreError::BadFile(format!("{name}：{e}"));
                let head = match rx.recv().await {
                    Some(Found::Head(h)) => h,
                    Some(Found::Failed(e)) => return Err(bad(e)),
                    Some(Found::Rows(_)) | None => return Err(bad(ReadError::Corrupt)),
                };
                let first = head.first_column;
                let merged = head
                    .merged
                    .iter()
                    .map(|m| {
                        (
                            m.first_row,
                            m.last_row,
                            m.first_column.saturating_sub(first) as usize,
                            m.last_column.saturating_sub(first) as usize,
                        )
                    })
                    .collect();
                Ok((
                    Head {
                        headers: head.headers,
                        first_column: head.first_column,
                        merged,
                        merged_anywhere: true,
                    },
                    Rows::File {
                        name: name.to_string(),
                        rx,
                        ready: VecDeque::new(),
                    },
                ))
            }
        }
    }
}

impl Rows<'_> {
    /// The next data row (spreadsheet row number and cells), None after the last; a file that turns out unreadable
    /// part-way is a [`StoreError::BadFile`].
    pub(crate) async fn next(&mut self) -> Result<Option<(u32, Vec<CellValue>)>> {
        match self {
            Rows::Table(rows) => Ok(rows.next().cloned()),
            Rows::File { name, rx, ready } => loop {
                if let Some(r) = ready.pop_front() {
                    return Ok(Some((r.row, r.cells.into_iter().map(cell_value).collect())));
                }
                match rx.recv().await {
                    Some(Found::Rows(rows)) => *ready = rows.into(),
                    Some(Found::Failed(e)) => return Err(StoreError::BadFile(format!("{name}：{e}"))),
                    Some(Found::Head(_)) => continue,
                    None => return Ok(None),
                }
            },
        }
    }
}

/// The sink on the reading thread: the head at once, rows in batches; a closed channel (the importer stopped) stops
/// the reading.
struct ToChannel {
    tx: mpsc::Sender<Found>,
    batch: Vec<RawRow>,
}

impl TableSink for ToChannel {
    fn head(&mut self, head: TableHead) -> bool {
        self.tx.blocking_send(Found::Head(head)).is_ok()
    }

    fn row(&mut self, row: RawRow) -> bool {
        self.batch.push(row);
        if self.batch.len() < BATCH {
            return true;
        }
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.tx.blocking_send(Found::Rows(full)).is_ok()
    }
}

/// A cell as the file reader found it, as the importer takes it.
pub(crate) fn cell_value(c: RawCell) -> CellValue {
    match c {
        RawCell::Empty => CellValue::Empty,
        RawCell::Text(t) => CellValue::Text(t),
        RawCell::Number(n) => CellValue::Number(n),
        RawCell::Bool(b) => CellValue::Bool(b),
        RawCell::Date(d) => CellValue::Date(d),
        RawCell::DateTime(dt) => CellValue::Date(dt.date()),
        RawCell::Error(e) => CellValue::Error(e),
        RawCell::Formula { formula, cached } => {
            let cached = match *cached {
                RawCell::Empty => None,
                other => Some(Box::new(cell_value(other))),
            };
            CellValue::Formula { formula, cached }
        }
    }
}
