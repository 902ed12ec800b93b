//! One worksheet's XML read cell by cell: positions, values (shared strings looked up, numbers in date styles turned
//! into dates), formulas with their cached values; and, in a pass of its own, its merged ranges.

use super::strings::{element_text, rich_text, unescape_excel, Strings};
use super::styles::Shown;
use super::{bad, xml_error, Xml};
use crate::read::{MergedRange, RawCell, ReadError};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use quick_xml::events::{BytesStart, Event};
use std::io::BufRead;

/// Excel serial numbers that are real dates: 1900-01-01 up to 9999-12-31. Outside that a "date" cell is garbage,
/// and converting it would overflow.
const EXCEL_DATE_RANGE: std::ops::Range<f64> = 0.0..2_958_466.0;

/// What the cells are read against.
pub(super) struct Context<'a> {
    pub strings: &'a mut Strings,
    pub styles: &'a [Shown],
    pub is_1904: bool,
}

/// The cells of a worksheet, one by one in file order.
pub(super) struct Cells<'p, B: BufRead> {
    xml: Xml<B>,
    part: &'p str,
    row: u32,
    col: u32,
    buf: Vec<u8>,
    inner: Vec<u8>,
    /// Shared formulas by their index: the formula as written and the cell it was written on.
    shared: Vec<Option<(String, (u32, u32))>>,
}

impl<'p, B: BufRead> Cells<'p, B> {
    /// Reads up to the sheet's data.
    pub(super) fn new(mut xml: Xml<B>, part: &'p str) -> Result<Self, ReadError> {
        let mut buf = Vec::with_capacity(1024);
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|e| xml_error(part, e))? {
                Event::Start(e) if e.local_name().as_ref() == "sheetData" => break,
                Event::Eof => return Err(bad(format!("{part} 中没有表格数据（sheetData）"))),
                _ => {}
            }
        }
        Ok(Cells {
            xml,
            part,
            row: 0,
            col: 0,
            buf,
            inner: Vec::with_capacity(1024),
            shared: Vec::new(),
        })
    }

    /// The next cell (zero-based row and column, and what it holds), None after the last.
    pub(super) fn next(&mut self, cx: &mut Context<'_>) -> Result<Option<(u32, u32, RawCell)>, ReadError> {
        let part = self.part;
        loop {
            self.buf.clear();
            let (at, style, kind) = match self
                .xml
                .read_event_into(&mut self.buf)
                .map_err(|e| xml_error(part, e))?
            {
                Event::Start(e) if e.local_name().as_ref() == "row" => {
                    if let Some(r) = attr(&e, "r", part)? {
                        self.row = row_number(&r).ok_or_else(|| bad(format!("{part} 中的行号“{r}”无效")))?;
                    }
                    continue;
                }
                Event::End(e) if e.local_name().as_ref() == "row" => {
                    self.row = self.row.saturating_add(1);
                    self.col = 0;
                    continue;
                }
                Event::End(e) if e.local_name().as_ref() == "sheetData" => return Ok(None),
                Event::Eof => return Err(bad(format!("{part} 不完整"))),
                Event::Start(e) if e.local_name().as_ref() == "c" => {
                    let (mut at, mut style, mut kind) = (None, None, None);
                    for a in e.attributes().with_checks(false) {
                        let a = a.map_err(|_| bad(format!("{part} 中有无法解析的属性")))?;
                        match a.key.as_ref() {
                            "r" => {
                                at = Some(
                                    cell_position(&a.value)
                                        .ok_or_else(|| bad(format!("{part} 中的单元格位置“{}”无效", a.value)))?,
                                )
                            }
                            "s" => style = Some(a.value.parse::<usize>().unwrap_or(0)),
                            "t" => kind = Some(CellType::of(&a.value)),
                            _ => {}
                        }
                    }
                    (at, style, kind)
                }
                _ => continue,
            };
            let pos = match at {
                Some(pos) => {
                    self.col = pos.1;
                    pos
                }
                None => (self.row, self.col),
            };
            let mut value = RawCell::Empty;
            let mut formula: Option<String> = None;
            loop {
                self.buf.clear();
                let (child, name, shared) = match self
                    .xml
                    .read_event_into(&mut self.buf)
                    .map_err(|e| xml_error(part, e))?
                {
                    Event::Start(e) => {
                        let shared = match e.local_name().as_ref() {
                            "f" => Some(SharedAttrs::of(&e, part)?),
                            _ => None,
                        };
                        (
                            e.local_name().as_ref().to_string(),
                            e.name().as_ref().to_string(),
                            shared,
                        )
                    }
                    Event::End(e) if e.local_name().as_ref() == "c" => break,
                    Event::Eof => return Err(bad(format!("{part} 不完整"))),
                    _ => continue,
                };
                match (child.as_str(), shared) {
                    ("f", Some(attrs)) => formula = self.formula(attrs, &name, pos)?,
                    ("is", _) => {
                        let s = rich_text(&mut self.xml, &name, &mut self.inner, part)?;
                        value = text(s);
                    }
                    ("v", _) if !matches!(kind, Some(CellType::Inline)) => {
                        let mut raw = String::new();
                        element_text(&mut self.xml, &name, &mut raw, part)?;
                        value = read_value(&raw, style, kind.as_ref(), cx).map_err(|m| {
                            bad(format!(
                                "单元格 {}{}：{m}",
                                crate::xlsx::column_letters(pos.1),
                                pos.0 + 1
                            ))
                        })?;
                    }
                    _ => {
                        self.inner.clear();
                        self.xml
                            .read_to_end_into(quick_xml::name::QName(&name), &mut self.inner)
                            .map_err(|e| xml_error(part, e))?;
                    }
                }
            }
            self.col = self.col.saturating_add(1);
            let cell = match formula.filter(|f| !f.is_empty()) {
                Some(f) => RawCell::Formula {
                    formula: f.strip_prefix('=').map(str::to_string).unwrap_or(f),
                    cached: Box::new(value),
                },
                None => value,
            };
            return Ok(Some((pos.0, pos.1, cell)));
        }
    }

    /// A cell's `<f>`: its text, or for a cell sharing a formula written elsewhere, that formula moved here.
    fn formula(&mut self, attrs: SharedAttrs, name: &str, pos: (u32, u32)) -> Result<Option<String>, ReadError> {
        let part = self.part;
        let mut text = String::new();
        element_text(&mut self.xml, name, &mut text, part)?;
        if !attrs.shared {
            return Ok(Some(text));
        }
        let index = attrs.index.ok_or_else(|| bad(format!("{part} 中的共享公式缺少编号")))?;
        if attrs.written_here {
            // the cell it is written on: kept for the cells sharing it
            if index < 1 << 20 {
                if self.shared.len() <= index {
                    self.shared.resize(index + 1, None);
                }
                self.shared[index] = Some((text.clone(), pos));
            }
            return Ok(Some(text));
        }
        Ok(self
            .shared
            .get(index)
            .and_then(Option::as_ref)
            .map(|(f, from)| super::formula::shifted(f, *from, pos)))
    }
}

/// A cell's type (`t`).
enum CellType {
    Shared,
    Bool,
    Error,
    Formula,
    Iso,
    Inline,
    Number,
    Other(String),
}

impl CellType {
    fn of(t: &str) -> Self {
        match t {
            "s" => CellType::Shared,
            "b" => CellType::Bool,
            "e" => CellType::Error,
            "str" => CellType::Formula,
            "d" => CellType::Iso,
            "inlineStr" | "is" => CellType::Inline,
            "n" => CellType::Number,
            other => CellType::Other(other.to_string()),
        }
    }
}

/// What an `<f>` says of sharing: whether it is shared, its index, and whether it is written here (has a `ref`).
struct SharedAttrs {
    shared: bool,
    index: Option<usize>,
    written_here: bool,
}

impl SharedAttrs {
    fn of(e: &BytesStart<'_>, part: &str) -> Result<Self, ReadError> {
        let mut out = SharedAttrs {
            shared: false,
            index: None,
            written_here: false,
        };
        for a in e.attributes().with_checks(false) {
            let a = a.map_err(|_| bad(format!("{part} 中有无法解析的属性")))?;
            match a.key.as_ref() {
                "t" => out.shared = a.value.as_ref() == "shared",
                "si" => out.index = a.value.trim().parse().ok(),
                "ref" => out.written_here = true,
                _ => {}
            }
        }
        Ok(out)
    }
}

/// The merged ranges of a worksheet (`<mergeCells>`, after the cells): read in a pass of their own.
pub(super) fn merged<B: BufRead>(xml: &mut Xml<B>, part: &str) -> Result<Vec<MergedRange>, ReadError> {
    let mut buf = Vec::with_capacity(1024);
    let mut out = Vec::new();
    let mut inside = false;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|e| xml_error(part, e))? {
            Event::Start(e) if e.local_name().as_ref() == "mergeCells" => inside = true,
            Event::Start(e) if inside && e.local_name().as_ref() == "mergeCell" => {
                if let Some(r) = attr(&e, "ref", part)? {
                    let (a, b) = r.split_once(':').unwrap_or((&r, &r));
                    let bad_range = || bad(format!("{part} 中的合并区域“{r}”无效"));
                    let (first, last) = (
                        cell_position(a).ok_or_else(bad_range)?,
                        cell_position(b).ok_or_else(bad_range)?,
                    );
                    out.push(MergedRange {
                        first_row: first.0 + 1,
                        first_column: first.1 + 1,
                        last_row: last.0 + 1,
                        last_column: last.1 + 1,
                    });
                }
            }
            Event::End(e) if e.local_name().as_ref() == "mergeCells" => return Ok(out),
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

fn attr(e: &BytesStart<'_>, name: &str, part: &str) -> Result<Option<String>, ReadError> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|_| bad(format!("{part} 中有无法解析的属性")))?;
        if a.key.as_ref() == name {
            return Ok(Some(a.value.into_owned()));
        }
    }
    Ok(None)
}

/// "C5" → (4, 2), zero-based (row, column); None for anything else.
fn cell_position(s: &str) -> Option<(u32, u32)> {
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 {
        return None;
    }
    let mut col: u32 = 0;
    for b in s[..letters].bytes() {
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)?;
    }
    Some((row_number(&s[letters..])?, col - 1))
}

/// A row number "5" → 4 (zero-based); None for anything else.
fn row_number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u32>().ok()?.checked_sub(1)
}

/// Text as a cell: nothing when it is only spaces.
fn text(s: String) -> RawCell {
    if s.trim().is_empty() {
        RawCell::Empty
    } else {
        RawCell::Text(s)
    }
}

/// The value in a cell's `<v>`, by the cell's type `t` and style `s`.
fn read_value(v: &str, style: Option<usize>, kind: Option<&CellType>, cx: &mut Context<'_>) -> Result<RawCell, String> {
    match kind {
        Some(CellType::Shared) => {
            if v.is_empty() {
                return Ok(RawCell::Empty);
            }
            let s = v
                .trim()
                .parse::<usize>()
                .ok()
                .map(|i| cx.strings.get(i))
                .transpose()
                .map_err(|e| e.to_string())?
                .flatten()
                .ok_or_else(|| format!("共享字符串“{v}”不存在"))?;
            Ok(text(s))
        }
        Some(CellType::Bool) => match v.trim() {
            "" => Ok(RawCell::Empty),
            "0" => Ok(RawCell::Bool(false)),
            "1" => Ok(RawCell::Bool(true)),
            t if t.eq_ignore_ascii_case("false") => Ok(RawCell::Bool(false)),
            t if t.eq_ignore_ascii_case("true") => Ok(RawCell::Bool(true)),
            _ => Err(format!("逻辑值“{v}”无法识别")),
        },
        Some(CellType::Error) => Ok(RawCell::Error(v.to_string())),
        Some(CellType::Formula) => Ok(text(unescape_excel(v))),
        Some(CellType::Iso) => Ok(iso_date(v)),
        // an inline string's value is in its <is>
        Some(CellType::Inline) => Ok(RawCell::Empty),
        Some(CellType::Number) | None => {
            if v.is_empty() {
                return Ok(RawCell::Empty);
            }
            match v.parse::<f64>() {
                Ok(n) => {
                    let shown = match style {
                        Some(s) => cx.styles.get(s).copied(),
                        None => Some(Shown::Number),
                    };
                    Ok(number(n, shown, cx.is_1904))
                }
                Err(_) if kind.is_none() => Ok(text(v.to_string())),
                Err(_) => Err(format!("数字“{v}”无法识别")),
            }
        }
        Some(CellType::Other(t)) => Err(format!("单元格类型“{t}”无法识别")),
    }
}

/// A number, or the date it stands for in a date style.
fn number(n: f64, shown: Option<Shown>, is_1904: bool) -> RawCell {
    if shown != Some(Shown::Date) || !EXCEL_DATE_RANGE.contains(&n) {
        return RawCell::Number(n);
    }
    match serial_to_datetime(n, is_1904) {
        Some(t) if t.time() == NaiveTime::MIN => RawCell::Date(t.date()),
        Some(t) => RawCell::DateTime(t),
        None => RawCell::Number(n),
    }
}

/// An Excel serial date-time as a date and time (to the millisecond), counting from 1899-12-30 with Excel's
/// fictitious 1900-02-29 (serial 60), or from 1904-01-01 in a 1904 workbook.
fn serial_to_datetime(serial: f64, is_1904: bool) -> Option<NaiveDateTime> {
    let days = if is_1904 { serial + 1462.0 } else { serial };
    let days = if days >= 60.0 { days } else { days + 1.0 };
    let ms = (days * 86_400_000.0).round() as i64;
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    epoch.checked_add_signed(TimeDelta::try_milliseconds(ms)?)
}

/// A `t="d"` cell: an ISO 8601 date or date-time.
fn iso_date(v: &str) -> RawCell {
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        RawCell::Date(d)
    } else if let Ok(t) = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f") {
        RawCell::DateTime(t)
    } else {
        RawCell::Text(v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::{cell_position, serial_to_datetime};
    use chrono::NaiveDate;

    #[test]
    fn positions() {
        assert_eq!(cell_position("A1"), Some((0, 0)));
        assert_eq!(cell_position("c5"), Some((4, 2)));
        assert_eq!(cell_position("AA10"), Some((9, 26)));
        for bad in ["", "A", "5", "A0", "A1B", "$A$1", "ZZZZZZZZZZ1"] {
            assert_eq!(cell_position(bad), None, "{bad}");
        }
    }

    #[test]
    fn serial_dates() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(serial_to_datetime(1.0, false), Some(day(1900, 1, 1)));
        assert_eq!(serial_to_datetime(61.0, false), Some(day(1900, 3, 1)));
        assert_eq!(serial_to_datetime(45_658.0, false), Some(day(2025, 1, 1)));
        assert_eq!(serial_to_datetime(0.0, true), Some(day(1904, 1, 1)));
        assert_eq!(
            serial_to_datetime(45_658.5, false),
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap().and_hms_opt(12, 0, 0)
        );
    }
}
