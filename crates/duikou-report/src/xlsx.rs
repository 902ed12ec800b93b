//! Spreadsheets (.xlsx) from typed tables: exports of every table, and import templates with drop-down lists.
//!
//! Values stay values, so a reader can sum and sort them: money is a number of 万元 (fen / 1 000 000) shown with
//! `#,##0.00"万元"`, percents are fractions shown with `0.00%`, dates are Excel dates shown `yyyy-mm-dd`. The header
//! text is written exactly as given, so that the importer recognises its own templates.

use crate::error::RenderError;
use crate::format::display_width;
use crate::model::{Cell, ColumnKind, Sheet, Workbook};
use chrono::Datelike;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula,
    Workbook as XlsxBook, Worksheet, XlsxError,
};
use std::collections::HashSet;

/// The hidden sheet holding drop-down options too long (or with commas) for an inline list.
const OPTIONS_SHEET: &str = "_选项";
/// Excel's limits on an inline validation list (characters including the commas) and on a cell's text.
const INLINE_LIST_MAX: usize = 255;

/// Renders a workbook as an .xlsx file.
///
/// Each sheet gets a bold, frozen header row, column widths that fit Chinese text, number formats by column kind,
/// and — when `validation_rows` > 0 — a drop-down list on every `Choice` column over that many data rows.
pub fn xlsx(book: &Workbook) -> Result<Vec<u8>, RenderError> {
    let mut out = XlsxBook::new();
    let formats = Formats::new();
    let names = sheet_names(book);
    let mut options_columns: Vec<Vec<String>> = Vec::new();
    for (sheet, name) in book.sheets.iter().zip(&names) {
        let ws = out.add_worksheet();
        write_sheet(ws, sheet, name, &formats, &mut options_columns)
            .map_err(|e| RenderError::Xlsx(format!("工作表“{name}”：{e}")))?;
    }
    if book.sheets.is_empty() {
        out.add_worksheet()
            .set_name("工作表1")
            .map_err(|e| RenderError::Xlsx(e.to_string()))?;
    }
    if !options_columns.is_empty() {
        let ws = out.add_worksheet();
        write_options_sheet(ws, &options_columns).map_err(|e| RenderError::Xlsx(format!("下拉选项：{e}")))?;
    }
    out.save_to_buffer().map_err(|e| RenderError::Xlsx(e.to_string()))
}

/// Cell formats by column kind.
struct Formats {
    header: Format,
    text: Format,
    int: Format,
    number: Format,
    money: Format,
    percent: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap()
                .set_border(FormatBorder::Thin)
                .set_background_color(0xF2F2F2),
            // "@" keeps what users type into a template as text: ID numbers and codes keep their leading zeros.
            text: Format::new().set_num_format("@"),
            int: Format::new().set_num_format("0"),
            number: Format::new().set_num_format("General"),
            money: Format::new().set_num_format("#,##0.00\"万元\""),
            percent: Format::new().set_num_format("0.00%"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }

    fn for_kind(&self, kind: &ColumnKind) -> &Format {
        match kind {
            ColumnKind::Text | ColumnKind::Choice { .. } => &self.text,
            ColumnKind::Int => &self.int,
            ColumnKind::Number => &self.number,
            ColumnKind::Money => &self.money,
            ColumnKind::Percent => &self.percent,
            ColumnKind::Date => &self.date,
        }
    }
}

/// Sheet names Excel accepts: no `[]:*?/\`, at most 31 characters, unique regardless of case.
fn sheet_names(book: &Workbook) -> Vec<String> {
    let mut seen = HashSet::new();
    book.sheets
        .iter()
        .enumerate()
        .map(|(i, sheet)| {
            let clean: String = sheet
                .name
                .chars()
                .map(|c| {
                    if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                        '_'
                    } else {
                        c
                    }
                })
                .collect();
            let clean = clean.trim().trim_matches('\'').to_string();
            let base: String = if clean.is_empty() {
                format!("工作表{}", i + 1)
            } else {
                clean.chars().take(31).collect()
            };
            let mut name = base.clone();
            let mut n = 2;
            while !seen.insert(name.to_lowercase()) || name == OPTIONS_SHEET {
                let suffix = format!("({n})");
                name = base.chars().take(31 - suffix.chars().count()).collect::<String>() + &suffix;
                n += 1;
            }
            name
        })
        .collect()
}

fn write_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    name: &str,
    formats: &Formats,
    options_columns: &mut Vec<Vec<String>>,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let table = &sheet.table;
    for (c, col) in table.columns.iter().enumerate() {
        let c = col_num(c)?;
        ws.set_column_format(c, formats.for_kind(&col.kind))?;
        ws.write_string_with_format(0, c, &col.header, &formats.header)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = row_num(r + 1)?;
        for (c, (col, cell)) in table.columns.iter().zip(row).enumerate() {
            write_cell(ws, r, col_num(c)?, &col.kind, cell, formats)?;
        }
    }
    for (c, width) in column_widths(sheet).into_iter().enumerate() {
        ws.set_column_width(col_num(c)?, width)?;
    }
    if !table.columns.is_empty() {
        ws.set_freeze_panes(1, 0)?;
        if !table.rows.is_empty() && sheet.validation_rows == 0 {
            ws.autofilter(0, 0, row_num(table.rows.len())?, col_num(table.columns.len() - 1)?)?;
        }
    }
    if sheet.validation_rows > 0 {
        let last_row = row_num(table.rows.len().max(sheet.validation_rows as usize))?;
        for (c, col) in table.columns.iter().enumerate() {
            if let ColumnKind::Choice { options } = &col.kind {
                if let Some(validation) = choice_validation(options, options_columns)? {
                    ws.add_data_validation(1, col_num(c)?, last_row, col_num(c)?, &validation)?;
                }
            }
        }
    }
    Ok(())
}

/// A drop-down over `options`: inline when it fits Excel's 255-character list, else a range on the hidden sheet.
fn choice_validation(
    options: &[String],
    options_columns: &mut Vec<Vec<String>>,
) -> Result<Option<DataValidation>, XlsxError> {
    let inline_len: usize = options.iter().map(|o| o.encode_utf16().count() + 1).sum();
    let inline = inline_len <= INLINE_LIST_MAX && options.iter().all(|o| !o.contains(',') && !o.is_empty());
    let validation = if options.is_empty() {
        return Ok(None);
    } else if inline {
        DataValidation::new().allow_list_strings(options)?
    } else {
        options_columns.push(options.to_vec());
        let col = column_letters((options_columns.len() - 1) as u32);
        DataValidation::new().allow_list_formula(Formula::new(format!(
            "='{OPTIONS_SHEET}'!${col}$1:${col}${}",
            options.len()
        )))
    };
    let mut message = String::from("请从下拉列表中选择：");
    for (i, o) in options.iter().enumerate() {
        let piece = if i == 0 { o.clone() } else { format!("、{o}") };
        if message.chars().count() + piece.chars().count() > 250 {
            message.push('…');
            break;
        }
        message.push_str(&piece);
    }
    let validation = validation
        .set_error_title("输入值无效")?
        .set_error_message(message)?
        .set_error_style(DataValidationErrorStyle::Stop)
        .ignore_blank(true);
    Ok(Some(validation))
}

fn write_options_sheet(ws: &mut Worksheet, columns: &[Vec<String>]) -> Result<(), XlsxError> {
    ws.set_name(OPTIONS_SHEET)?;
    for (c, options) in columns.iter().enumerate() {
        for (r, option) in options.iter().enumerate() {
            ws.write_string(row_num(r)?, col_num(c)?, option)?;
        }
    }
    ws.set_hidden(true);
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    kind: &ColumnKind,
    cell: &Cell,
    formats: &Formats,
) -> Result<(), XlsxError> {
    // A cell's own kind wins over the column's: a "合计" text in a money column stays text.
    let number = |ws: &mut Worksheet, v: f64, f: &Format| -> Result<(), XlsxError> {
        if v.is_finite() {
            ws.write_number_with_format(r, c, v, f)?;
        }
        Ok(())
    };
    match cell {
        Cell::Empty => {}
        Cell::Text(t) => {
            ws.write_string_with_format(r, c, t, &formats.text)?;
        }
        Cell::Int(i) => number(ws, *i as f64, &formats.int)?,
        Cell::Number(v) => number(
            ws,
            *v,
            if matches!(kind, ColumnKind::Int) {
                &formats.int
            } else {
                &formats.number
            },
        )?,
        Cell::Money(fen) => number(ws, *fen as f64 / 1_000_000.0, &formats.money)?,
        Cell::Percent(p) => number(ws, p / 100.0, &formats.percent)?,
        Cell::Date(d) => {
            // Excel has no dates before 1900; such a date is kept as text rather than lost.
            match u16::try_from(d.year())
                .ok()
                .and_then(|y| ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok())
            {
                Some(date) => {
                    ws.write_datetime_with_format(r, c, &date, &formats.date)?;
                }
                None => {
                    ws.write_string_with_format(r, c, d.format("%Y-%m-%d").to_string(), &formats.text)?;
                }
            }
        }
    }
    Ok(())
}

/// Column widths in Excel's character units: the widest of header and cells as displayed (CJK counts double).
fn column_widths(sheet: &Sheet) -> Vec<f64> {
    sheet
        .table
        .columns
        .iter()
        .enumerate()
        .map(|(i, col)| {
            let header = display_width(&col.header) + 2; // room for the filter button
            let cells = sheet.table.rows.iter().filter_map(|r| r.get(i)).map(|cell| match cell {
                Cell::Empty => 0,
                Cell::Text(t) => t.lines().map(display_width).max().unwrap_or(0),
                Cell::Money(fen) => crate::format::money_wan(*fen).len() + 4,
                Cell::Date(_) => 10,
                other => crate::format::format_cell(other).len(),
            });
            let floor = match &col.kind {
                ColumnKind::Date => 12,
                ColumnKind::Choice { options } => options.iter().map(|o| display_width(o)).max().unwrap_or(0) + 3,
                _ => 8,
            };
            let widest = cells.chain([header, floor]).max().unwrap_or(8);
            (widest as f64 * 1.1 + 1.0).min(60.0)
        })
        .collect()
}

fn row_num(r: usize) -> Result<u32, XlsxError> {
    u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)
}

fn col_num(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

/// "A", "B", …, "Z", "AA" for a zero-based column.
pub(crate) fn column_letters(mut col: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, Table};

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn sheet_names_are_made_acceptable() {
        let sheet = |name: &str| Sheet {
            name: name.into(),
            table: Table {
                title: String::new(),
                columns: vec![Column {
                    header: "a".into(),
                    kind: ColumnKind::Text,
                }],
                rows: vec![],
            },
            validation_rows: 0,
        };
        let book = Workbook {
            sheets: vec![
                sheet("援派/人员"),
                sheet("援派_人员"),
                sheet(""),
                sheet(&"长".repeat(40)),
            ],
        };
        let names = sheet_names(&book);
        assert_eq!(names[0], "援派_人员");
        assert_eq!(names[1], "援派_人员(2)");
        assert_eq!(names[2], "工作表3");
        assert_eq!(names[3].chars().count(), 31);
    }
}
