//! Reading one sheet of an .xlsx row by row with a reader of our own (zip + quick-xml), so that memory stays flat
//! however large the workbook: the shared strings are spooled to a temporary file with an offset per string in
//! memory, and the sheet's XML is streamed, one row at a time handed on.
//!
//! What it gives is what calamine's cell reader gave (calamine 0.38 with its "dates" feature, which it replaces here):
//! the same sheet chosen, the same values, dates, formulas (shared ones moved to their cell) and merged ranges.

mod formula;
mod package;
mod sheet;
mod strings;
mod styles;

use super::{CellRow, Found, ReadError, ReadOptions};
use package::{Kind, Package, Sheet};
use std::io::{BufRead, Read, Seek};

/// An XML part being read.
type Xml<B> = quick_xml::Reader<B>;

/// A file that is not a readable workbook, with what is wrong.
fn bad(message: impl Into<String>) -> ReadError {
    ReadError::InvalidXlsx(message.into())
}

/// An XML part that cannot be parsed: the zip under it is damaged or cut short, or the XML is not well formed.
fn xml_error(part: &str, e: quick_xml::Error) -> ReadError {
    match e {
        quick_xml::Error::Io(_) => bad(format!("压缩包中的 {part} 已损坏或不完整")),
        _ => bad(format!("{part} 不是有效的 XML")),
    }
}

/// Reads the chosen sheet: first its name and merged ranges, then each row with content (rows and columns
/// zero-based), stopping early when `found` wants no more.
pub(crate) fn each_row<R: Read + Seek>(
    input: R,
    options: &ReadOptions,
    found: &mut dyn Found,
) -> Result<(), ReadError> {
    let mut package = Package::open(input)?;
    let book = package.workbook()?;
    let sheet = choose_sheet(&book.sheets, options.sheet.as_deref())?;
    // Merged ranges are what the importer reports, not what it needs to read values: a failure to read them leaves
    // them out rather than failing the import. They sit after the cells in the file, so they are read first, apart.
    let merged = match package.xml(&sheet.path) {
        Ok(Some(mut xml)) => sheet::merged(&mut xml, &sheet.path).unwrap_or_default(),
        _ => Vec::new(),
    };
    let strings_part = format!("{}sharedStrings.xml", book.dir);
    let mut strings = match package.xml(&strings_part)? {
        Some(mut xml) => strings::Strings::spool(&mut xml, &strings_part)?,
        None => strings::Strings::none(),
    };
    let styles_part = format!("{}styles.xml", book.dir);
    let styles = match package.xml(&styles_part)? {
        Some(mut xml) => styles::read(&mut xml, &styles_part)?,
        None => Vec::new(),
    };
    found.sheet(sheet.name.clone(), merged);
    let xml = package
        .xml(&sheet.path)?
        .ok_or_else(|| bad(format!("缺少工作表“{}”的内容（{}）", sheet.name, sheet.path)))?;
    let mut cx = sheet::Context {
        strings: &mut strings,
        styles: &styles,
        is_1904: book.is_1904,
    };
    let cells = sheet::Cells::new(xml, &sheet.path)?;
    rows(cells, &mut cx, found)
}

/// Groups the cells into rows as they come, handing on each row with content.
fn rows<B: BufRead>(
    mut cells: sheet::Cells<'_, B>,
    cx: &mut sheet::Context<'_>,
    found: &mut dyn Found,
) -> Result<(), ReadError> {
    let mut current: Option<CellRow> = None;
    while let Some((r, c, value)) = cells.next(cx)? {
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
fn choose_sheet<'a>(sheets: &'a [Sheet], wanted: Option<&str>) -> Result<&'a Sheet, ReadError> {
    let worksheets: Vec<&Sheet> = sheets.iter().filter(|s| s.kind == Kind::Worksheet).collect();
    match wanted {
        Some(wanted) => {
            let loose = |n: &str| n.trim().to_lowercase();
            worksheets
                .iter()
                .find(|s| s.name == wanted)
                .or_else(|| worksheets.iter().find(|s| loose(&s.name) == loose(wanted)))
                .copied()
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
            .find(|s| s.visible)
            .or_else(|| worksheets.first())
            .copied()
            .ok_or(ReadError::NoSheet),
    }
}
