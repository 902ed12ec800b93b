//! From the cells found in a file to a [`RawTable`] (the whole sheet) or to a [`TableSink`] (row by row): the header
//! row found, empty rows and trailing empty columns dropped, row numbers kept as the user sees them.

use super::{CellRow, Found, MergedRange, RawCell, RawRow, RawTable, TableHead, TableSink};
use std::collections::BTreeMap;

/// The cells of one sheet, before the header is known.
pub(crate) struct Grid {
    /// The sheet's name (None for CSV).
    pub sheet: Option<String>,
    /// Non-empty cells by zero-based row, then zero-based column.
    pub cells: BTreeMap<u32, BTreeMap<u32, RawCell>>,
    /// Merged ranges.
    pub merged: Vec<MergedRange>,
}

impl Grid {
    pub(crate) fn new(sheet: Option<String>) -> Grid {
        Grid {
            sheet,
            cells: BTreeMap::new(),
            merged: Vec::new(),
        }
    }
}

impl Found for Grid {
    fn sheet(&mut self, name: String, merged: Vec<MergedRange>) {
        self.sheet = Some(name);
        self.merged = merged;
    }

    /// Records a row's cells; empty ones are not kept, so that a row of empty cells counts as no row at all.
    fn row(&mut self, (row, cells): CellRow) -> bool {
        for (col, cell) in cells {
            if !cell.is_empty() {
                self.cells.entry(row).or_default().insert(col, cell);
            }
        }
        true
    }
}

/// How many rows with content may precede the header when expected headers are given.
const HEADER_SEARCH_ROWS: usize = 20;

pub(crate) fn build(grid: Grid, expected_headers: &[String]) -> RawTable {
    let Grid {
        sheet,
        mut cells,
        merged,
    } = grid;
    let header_row = find_header(&cells, expected_headers);
    let Some(header_row) = header_row else {
        return RawTable {
            sheet,
            headers: Vec::new(),
            header_row: 0,
            first_column: 1,
            rows: Vec::new(),
            merged,
        };
    };
    // Rows above the header (a title, notes) are not data.
    let data = cells.split_off(&(header_row + 1));
    let header = cells.remove(&header_row).unwrap_or_default();
    let used = || header.keys().chain(data.values().flat_map(|r| r.keys()));
    let first = used().copied().min().unwrap_or(0);
    let last = used().copied().max().unwrap_or(0);
    let headers = (first..=last)
        .map(|c| header.get(&c).map(header_text).unwrap_or_default())
        .collect();
    let rows = data
        .into_iter()
        .map(|(r, mut row)| RawRow {
            row: r + 1,
            cells: (first..=last)
                .map(|c| row.remove(&c).unwrap_or(RawCell::Empty))
                .collect(),
        })
        .collect();
    RawTable {
        sheet,
        headers,
        header_row: header_row + 1,
        first_column: first + 1,
        rows,
        merged,
    }
}

fn find_header(cells: &BTreeMap<u32, BTreeMap<u32, RawCell>>, expected: &[String]) -> Option<u32> {
    let first = cells.keys().next().copied()?;
    if expected.is_empty() {
        return Some(first);
    }
    let wanted = wanted(expected);
    cells
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .find(|(_, row)| row.values().any(|c| wanted.contains(&normalise(&header_text(c)))))
        .map(|(r, _)| *r)
        .or(Some(first))
}

fn wanted(expected: &[String]) -> Vec<String> {
    expected
        .iter()
        .map(|h| normalise(h))
        .filter(|h| !h.is_empty())
        .collect()
}

/// Finds the header among the first rows as they arrive, then hands the rows under it to a sink one by one, each with
/// one cell per header column. The columns are those the header row spans: a cell outside them has no header, and
/// the importer could not place it (a row whose only content is outside them still counts as a row, of empty cells).
pub(crate) struct Streamer<'a> {
    sink: &'a mut dyn TableSink,
    wanted: Vec<String>,
    sheet: Option<String>,
    merged: Vec<MergedRange>,
    /// Rows with content seen while the header is not yet known.
    pending: Vec<CellRow>,
    /// The header's first and last column (zero-based) once it is known.
    span: Option<(u32, u32)>,
    /// The sink asked to stop.
    stopped: bool,
}

impl<'a> Streamer<'a> {
    pub(crate) fn new(sink: &'a mut dyn TableSink, expected: &[String]) -> Self {
        Streamer {
            sink,
            wanted: wanted(expected),
            sheet: None,
            merged: Vec::new(),
            pending: Vec::new(),
            span: None,
            stopped: false,
        }
    }

    /// The end of the file: a header not found yet is the first row with content (or there is none).
    pub(crate) fn finish(mut self) {
        if self.span.is_none() && !self.stopped {
            if self.pending.is_empty() {
                self.sink.head(TableHead {
                    sheet: self.sheet.take(),
                    headers: Vec::new(),
                    header_row: 0,
                    first_column: 1,
                    merged: std::mem::take(&mut self.merged),
                });
            } else {
                self.first_row_is_header();
            }
        }
    }

    fn first_row_is_header(&mut self) -> bool {
        let mut rows = std::mem::take(&mut self.pending).into_iter();
        let Some(header) = rows.next() else { return true };
        if !self.header(header) {
            return false;
        }
        rows.all(|r| self.data(r))
    }

    fn header(&mut self, (r, cells): CellRow) -> bool {
        let first = cells.iter().map(|(c, _)| *c).min().unwrap_or(0);
        let last = cells.iter().map(|(c, _)| *c).max().unwrap_or(0);
        let mut by_column: BTreeMap<u32, RawCell> = cells.into_iter().collect();
        let headers = (first..=last)
            .map(|c| by_column.remove(&c).map(|h| header_text(&h)).unwrap_or_default())
            .collect();
        self.span = Some((first, last));
        let go_on = self.sink.head(TableHead {
            sheet: self.sheet.take(),
            headers,
            header_row: r.saturating_add(1),
            first_column: first + 1,
            merged: std::mem::take(&mut self.merged),
        });
        self.stopped = !go_on;
        go_on
    }

    fn data(&mut self, (r, cells): CellRow) -> bool {
        let Some((first, last)) = self.span else { return true };
        let mut row: Vec<RawCell> = vec![RawCell::Empty; (last - first + 1) as usize];
        for (c, cell) in cells {
            if (first..=last).contains(&c) {
                row[(c - first) as usize] = cell;
            }
        }
        let go_on = self.sink.row(RawRow {
            row: r.saturating_add(1),
            cells: row,
        });
        self.stopped = !go_on;
        go_on
    }
}

/// A header compared loosely: spaces and a required-field star do not count.
fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊')
        .collect()
}

/// The text of a header cell, whatever it holds.
fn header_text(cell: &RawCell) -> String {
    match cell {
        RawCell::Empty => String::new(),
        RawCell::Text(t) => t.trim().to_string(),
        RawCell::Number(v) => crate::format::trimmed(*v),
        RawCell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        RawCell::Date(d) => d.format("%Y-%m-%d").to_string(),
        RawCell::DateTime(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
        RawCell::Error(e) => e.clone(),
        RawCell::Formula { cached, .. } => header_text(cached),
    }
}

impl Found for Streamer<'_> {
    fn sheet(&mut self, name: String, merged: Vec<MergedRange>) {
        self.sheet = Some(name);
        self.merged = merged;
    }

    fn row(&mut self, row: CellRow) -> bool {
        if self.stopped {
            return false;
        }
        if self.span.is_some() {
            return self.data(row);
        }
        let is_header = self.wanted.is_empty()
            || row
                .1
                .iter()
                .any(|(_, c)| self.wanted.contains(&normalise(&header_text(c))));
        if is_header {
            self.pending.clear();
            return self.header(row);
        }
        self.pending.push(row);
        if self.pending.len() >= HEADER_SEARCH_ROWS {
            return self.first_row_is_header();
        }
        true
    }
}
