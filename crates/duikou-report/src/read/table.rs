//! From the cells found in a file to a [`RawTable`]: the header row found, empty rows and trailing empty columns
//! dropped, row numbers kept as the user sees them.

use super::{MergedRange, RawCell, RawRow, RawTable};
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

    /// Records a cell; empty ones are not kept, so that a row of empty cells counts as no row at all.
    pub(crate) fn put(&mut self, row: u32, col: u32, cell: RawCell) {
        if !cell.is_empty() {
            self.cells.entry(row).or_default().insert(col, cell);
        }
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
    let wanted: Vec<String> = expected
        .iter()
        .map(|h| normalise(h))
        .filter(|h| !h.is_empty())
        .collect();
    cells
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .find(|(_, row)| row.values().any(|c| wanted.contains(&normalise(&header_text(c)))))
        .map(|(r, _)| *r)
        .or(Some(first))
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
