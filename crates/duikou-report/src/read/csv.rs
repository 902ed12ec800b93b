//! Reading CSV as Chinese users produce it: UTF-8 with or without BOM (WPS, LibreOffice, scripts), GBK/GB18030
//! (Excel's "CSV (逗号分隔)" on Chinese Windows), or UTF-16 with BOM (Excel's "Unicode 文本", tab-separated).
//!
//! The parser is a small RFC 4180 state machine rather than the csv crate because the importer must tell the user
//! where a quote was left open ("CSV 第 12 行：引号未闭合"), which the csv crate silently accepts. Otherwise it is
//! lenient the way Excel is: a stray quote inside an unquoted field is kept as text.

use super::table::Grid;
use super::{RawCell, ReadError};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

pub(crate) fn read(bytes: &[u8]) -> Result<Grid, ReadError> {
    let text = decode(bytes)?;
    if text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(ReadError::Binary);
    }
    let delimiter = sniff_delimiter(&text);
    let records = parse(&text, delimiter)?;
    // the decoded copy (if any) goes before the grid is built: only one form of the file is held at a time
    drop(text);
    let mut grid = Grid::new(None);
    for (r, record) in records.into_iter().enumerate() {
        let r = u32::try_from(r).map_err(|_| ReadError::Csv {
            line: u32::MAX,
            message: "行数过多".to_string(),
        })?;
        for (c, field) in record.into_iter().enumerate() {
            let cell = if field.trim().is_empty() {
                RawCell::Empty
            } else {
                RawCell::Text(field)
            };
            grid.put(r, c as u32, cell);
        }
    }
    Ok(grid)
}

/// Text from bytes: a BOM decides; else UTF-8 if it is valid UTF-8; else GB18030 (a superset of GBK and GB2312).
/// UTF-8 is borrowed, not copied: an upload of tens of megabytes is not held twice.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ReadError> {
    let decode_with = |enc: &'static Encoding, body: &[u8]| {
        enc.decode_without_bom_handling_and_without_replacement(body)
            .map(|t| Cow::Owned(t.into_owned()))
            .ok_or(ReadError::Encoding)
    };
    if let Some(body) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(body)
            .map(Cow::Borrowed)
            .map_err(|_| ReadError::Encoding);
    }
    if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_with(UTF_16LE, body);
    }
    if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_with(UTF_16BE, body);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    decode_with(GB18030, bytes)
}

/// Comma, unless the first line has tabs and no commas (Excel's Unicode text export).
fn sniff_delimiter(text: &str) -> char {
    let first = text.lines().next().unwrap_or("");
    if !first.contains(',') && first.contains('\t') {
        '\t'
    } else {
        ','
    }
}

/// Splits text into records of fields.
fn parse(text: &str, delimiter: char) -> Result<Vec<Vec<String>>, ReadError> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line: u32 = 1;
    // Where the open quote of the current field was, for the error message.
    let mut quote_line: u32 = 1;
    let mut in_quotes = false;
    let mut field_started_quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line = line.saturating_add(1);
                    field.push('\n');
                }
                '\r' => {
                    // Line breaks inside a quoted field are kept as "\n" whatever the file used.
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line = line.saturating_add(1);
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !field_started_quoted => {
                in_quotes = true;
                field_started_quoted = true;
                quote_line = line;
            }
            c if c == delimiter => {
                record.push(std::mem::take(&mut field));
                field_started_quoted = false;
            }
            '\n' | '\r' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                record.push(std::mem::take(&mut field));
                field_started_quoted = false;
                records.push(std::mem::take(&mut record));
                line = line.saturating_add(1);
            }
            c => field.push(c),
        }
    }
    if in_quotes {
        return Err(ReadError::Csv {
            line: quote_line,
            message: "引号未闭合".to_string(),
        });
    }
    // The last line may lack its line break.
    if !field.is_empty() || !record.is_empty() || field_started_quoted {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_commas_and_line_breaks() {
        let records = parse("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"x\r\ny\",2\n", ',').unwrap();
        assert_eq!(records, vec![vec!["a", "b,c", "say \"hi\""], vec!["x\ny", "2"]]);
    }

    #[test]
    fn last_line_without_break_and_empty_fields() {
        assert_eq!(parse("a,,b", ',').unwrap(), vec![vec!["a", "", "b"]]);
        assert_eq!(parse("a\n\nb", ',').unwrap(), vec![vec!["a"], vec![""], vec!["b"]]);
    }

    #[test]
    fn unclosed_quote_names_its_line() {
        let err = parse("a,b\nc,d\ne,\"f\ng,h\n", ',').unwrap_err();
        assert_eq!(err.to_string(), "CSV 第 3 行：引号未闭合");
    }

    #[test]
    fn stray_quote_inside_a_field_is_text() {
        assert_eq!(parse("5\"3,x", ',').unwrap(), vec![vec!["5\"3", "x"]]);
    }

    #[test]
    fn encodings() {
        let (gbk, _, _) = GB18030.encode("姓名,单位\n张三,新疆农业大学\n");
        assert_eq!(decode(&gbk).unwrap(), "姓名,单位\n张三,新疆农业大学\n");
        assert_eq!(decode(b"\xEF\xBB\xBFok").unwrap(), "ok");
        assert_eq!(decode(b"\xFF\xFEo\0k\0").unwrap(), "ok");
    }
}
