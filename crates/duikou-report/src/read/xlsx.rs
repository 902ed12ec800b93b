//! Reading one sheet of an .xlsx with calamine's cell reader: values, formulas (with their cached values) and merged
//! ranges, one row at a time, so that a large sheet is never held whole (calamine keeps the shared strings).

use super::{CellRow, Found, MergedRange, RawCell, ReadError, ReadOptions};
use calamine::{Data, Reader, SheetType, SheetVisible, Xlsx};
use chrono::NaiveTime;
use std::io::{Read, Seek};

/// Excel serial numbers that are real dates: 1900-01-01 up to 9999-12-31. Outside that a "date" cell is garbage,
/// and converting it would overflow.
const EXCEL_DATE_RANGE: std::ops::Range<f64> = 0.0..2_958_466.0;

/// Reads the chosen sheet: first its name and merged ranges, then each row with content (rows and columns
/// zero-based), stopping early when `found` wants no more.
pub(crate) fn each_row<R: Read + Seek>(
    input: R,
    options: &ReadOptions,
    found: &mut dyn Found,
) -> Result<(), ReadError> {
    let mut book: Xlsx<R> = Xlsx::new(input).map_err(|e| ReadError::InvalidXlsx(e.to_string()))?;
    let name = choose_sheet(&book, options.sheet.as_deref())?;
    // Merged ranges are what the importer reports, not what it needs to read values: a failure to read them leaves
    // them out rather than failing the import. They sit after the cells in the file, so they are read first, apart.
    let merged = book
        .merge_cells_by_sheet_name(&name)
        .unwrap_or_default()
        .iter()
        .map(|d| MergedRange {
            first_row: d.start.0 + 1,
            first_column: d.start.1 + 1,
            last_row: d.end.0 + 1,
            last_column: d.end.1 + 1,
        })
        .collect();
    found.sheet(name.clone(), merged);
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| ReadError::InvalidXlsx(e.to_string()))?;
    let mut current: Option<CellRow> = None;
    while let Some(next) = cells
        .next_cell_with_formula()
        .map_err(|e| ReadError::InvalidXlsx(e.to_string()))?
    {
        let (r, c) = next.pos;
        let value = cell(&Data::from(next.value));
        let value = match next.formula.filter(|f| !f.is_empty()) {
            Some(f) => RawCell::Formula {
                formula: f.strip_prefix('=').unwrap_or(&f).to_string(),
                cached: Box::new(value),
            },
            None => value,
        };
        if value.is_empty() {
            continue;
        }
        match current.as_mut() {
            Some((row, cells)) if *row == r => cells.push((c, value)),
            _ => {
                if let Some(done) = current.replace((r, vec![(c, value)])) {
                    if !found.row(done) {
                        return Ok(());
                    }
                }
            }
        }
    }
    if let Some(done) = current {
        found.row(done);
    }
    Ok(())
}

/// The sheet named in the options, or the first visible worksheet.
fn choose_sheet<R: Read + Seek>(book: &Xlsx<R>, wanted: Option<&str>) -> Result<String, ReadError> {
    let sheets = book.sheets_metadata();
    let worksheets: Vec<_> = sheets.iter().filter(|s| s.typ == SheetType::WorkSheet).collect();
    match wanted {
        Some(wanted) => {
            let loose = |n: &str| n.trim().to_lowercase();
            worksheets
                .iter()
                .find(|s| s.name == wanted)
                .or_else(|| worksheets.iter().find(|s| loose(&s.name) == loose(wanted)))
                .map(|s| s.name.clone())
                .ok_or_else(|| ReadError::SheetNotFound {
                    name: wanted.to_string(),
                    available: worksheets
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                })
        }
        None => worksheets
            .iter()
            .find(|s| s.visible == SheetVisible::Visible)
            .or_else(|| worksheets.first())
            .map(|s| s.name.clone())
            .ok_or(ReadError::NoSheet),
    }
}

fn cell(value: &Data) -> RawCell {
    match value {
        Data::Empty => RawCell::Empty,
        Data::String(s) if s.trim().is_empty() => RawCell::Empty,
        Data::String(s) => RawCell::Text(s.clone()),
        Data::Int(i) => RawCell::Number(*i as f64),
        Data::Float(f) => RawCell::Number(*f),
        Data::Bool(b) => RawCell::Bool(*b),
        Data::Error(e) => RawCell::Error(e.to_string()),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if dt.is_duration() || !EXCEL_DATE_RANGE.contains(&serial) {
                return RawCell::Number(serial);
            }
            match dt.as_datetime() {
                Some(t) if t.time() == NaiveTime::MIN => RawCell::Date(t.date()),
                Some(t) => RawCell::DateTime(t),
                None => RawCell::Number(serial),
            }
        }
        Data::DateTimeIso(s) => {
            if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                RawCell::Date(d)
            } else if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
                RawCell::DateTime(t)
            } else {
                RawCell::Text(s.clone())
            }
        }
        Data::DurationIso(s) => RawCell::Text(s.clone()),
    }
}
