//! Reading one sheet of an .xlsx with calamine: values, formulas (with their cached values) and merged ranges.

use super::table::Grid;
use super::{MergedRange, RawCell, ReadError, ReadOptions};
use calamine::{Data, Reader, SheetType, SheetVisible, Xlsx};
use chrono::NaiveTime;
use std::io::Cursor;

/// Excel serial numbers that are real dates: 1900-01-01 up to 9999-12-31. Outside that a "date" cell is garbage,
/// and converting it would overflow.
const EXCEL_DATE_RANGE: std::ops::Range<f64> = 0.0..2_958_466.0;

pub(crate) fn read(bytes: &[u8], options: &ReadOptions) -> Result<Grid, ReadError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| ReadError::InvalidXlsx(e.to_string()))?;
    let name = choose_sheet(&book, options.sheet.as_deref())?;
    let values = book
        .worksheet_range(&name)
        .map_err(|e| ReadError::InvalidXlsx(e.to_string()))?;
    // Formulas and merged ranges are what the importer reports, not what it needs to read values: a failure to
    // read them leaves them out rather than failing the import.
    let formulas = book.worksheet_formula(&name).ok();
    let merged = book.merge_cells_by_sheet_name(&name).unwrap_or_default();

    let mut grid = Grid::new(Some(name));
    for (row, col, value) in values.used_cells() {
        let (r0, c0) = values.start().unwrap_or((0, 0));
        grid.put(r0 + row as u32, c0 + col as u32, cell(value));
    }
    if let Some(formulas) = formulas {
        let (r0, c0) = formulas.start().unwrap_or((0, 0));
        for (row, col, formula) in formulas.used_cells() {
            if formula.is_empty() {
                continue;
            }
            let (r, c) = (r0 + row as u32, c0 + col as u32);
            let cached = grid
                .cells
                .get_mut(&r)
                .and_then(|cells| cells.remove(&c))
                .unwrap_or(RawCell::Empty);
            let formula = formula.strip_prefix('=').unwrap_or(formula).to_string();
            grid.put(
                r,
                c,
                RawCell::Formula {
                    formula,
                    cached: Box::new(cached),
                },
            );
        }
    }
    grid.merged = merged
        .iter()
        .map(|d| MergedRange {
            first_row: d.start.0 + 1,
            first_column: d.start.1 + 1,
            last_row: d.end.0 + 1,
            last_column: d.end.1 + 1,
        })
        .collect();
    Ok(grid)
}

/// The sheet named in the options, or the first visible worksheet.
fn choose_sheet<R: std::io::Read + std::io::Seek>(book: &Xlsx<R>, wanted: Option<&str>) -> Result<String, ReadError> {
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
