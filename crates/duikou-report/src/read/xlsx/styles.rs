//! Which cell styles show numbers as dates: `styles.xml`'s number formats, built-in and custom, read the way
//! calamine's "dates" feature reads them (so that a date typed in Excel or WPS comes back as a date).

use super::package::{attributes, unescape};
use super::{xml_error, Xml};
use crate::read::ReadError;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::BufRead;

/// What a number format makes of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shown {
    /// A number.
    Number,
    /// A date, time or both.
    Date,
    /// A duration (`[h]:mm`).
    Duration,
}

/// The number format of each cell style (`<xf>` of `<cellXfs>`, in order: a cell's `s` is an index into it).
pub(super) fn read<B: BufRead>(xml: &mut Xml<B>, part: &str) -> Result<Vec<Shown>, ReadError> {
    let mut custom: HashMap<String, String> = HashMap::new();
    let mut styles = Vec::new();
    let mut in_num_fmts = false;
    let mut in_cell_xfs = false;
    let mut buf = Vec::with_capacity(1024);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|e| xml_error(part, e))? {
            Event::Start(e) => match e.local_name().as_ref() {
                "numFmts" => in_num_fmts = true,
                "cellXfs" => in_cell_xfs = true,
                "numFmt" if in_num_fmts => {
                    let attrs = attributes(&e, part)?;
                    let get = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
                    if let (Some(id), Some(code)) = (get("numFmtId"), get("formatCode")) {
                        custom.insert(id.to_string(), unescape(code, part)?);
                    }
                }
                "xf" if in_cell_xfs => {
                    let attrs = attributes(&e, part)?;
                    let shown = match attrs.iter().find(|(k, _)| k == "numFmtId") {
                        None => Shown::Number,
                        Some((_, id)) => match custom.get(id) {
                            Some(code) => custom_format(code),
                            None => builtin_format(id),
                        },
                    };
                    styles.push(shown);
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "numFmts" => in_num_fmts = false,
                "cellXfs" => in_cell_xfs = false,
                "styleSheet" => break,
                _ => {}
            },
            Event::Eof => return Err(super::bad(format!("{part} 不完整"))),
            _ => {}
        }
    }
    Ok(styles)
}

/// The built-in formats (ECMA-376 18.8.30) that show dates or times, East Asian ones included.
fn builtin_format(id: &str) -> Shown {
    match id.parse::<u32>() {
        Ok(14..=22 | 27..=36 | 45 | 47 | 50..=58) if id.bytes().all(|b| b.is_ascii_digit()) => Shown::Date,
        Ok(46) if id == "46" => Shown::Duration,
        _ => Shown::Number,
    }
}

/// Whether a custom format code shows a date: its first section has a date or time letter outside quotes, escapes
/// and brackets (`yyyy-mm-dd`, `h:mm AM/PM`), or an elapsed-time bracket (`[h]`, `[mm]`, `[ss]`) for a duration.
pub(super) fn custom_format(code: &str) -> Shown {
    let mut literal_next = false;
    let mut quoted = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut elapsed = false;
    let mut after_a = false;
    for c in code.chars() {
        if literal_next {
            literal_next = false;
        } else if matches!(c, '_' | '\\' | '*') {
            // `\` escapes, `_` skips a width, `*` repeats: the next character is a literal (in quotes too).
            literal_next = true;
        } else if quoted {
            if c == '"' {
                quoted = false;
            }
        } else {
            match c {
                '"' => quoted = true,
                // only the first section counts
                ';' => return Shown::Number,
                '[' => brackets = brackets.saturating_add(1),
                ']' if brackets == 1 && elapsed => return Shown::Duration,
                ']' => brackets = brackets.saturating_sub(1),
                'a' | 'A' if !after_a && brackets == 0 => after_a = true,
                'p' | 'm' | '/' | 'P' | 'M' if after_a && brackets == 0 => return Shown::Date,
                'd' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S' if !after_a && brackets == 0 => {
                    return Shown::Date
                }
                _ => {
                    if !(elapsed && c.eq_ignore_ascii_case(&prev)) {
                        elapsed = prev == '[' && matches!(c, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                    }
                }
            }
        }
        prev = c;
    }
    Shown::Number
}

#[cfg(test)]
mod tests {
    use super::{builtin_format, custom_format, Shown};

    #[test]
    fn custom_formats() {
        let cases = [
            ("DD/MM/YY", Shown::Date),
            ("yyyy\"年\"m\"月\"d\"日\"", Shown::Date),
            ("H:MM:SS;@", Shown::Date),
            ("#,##0\\ [$\\u20bd-46D]", Shown::Number),
            ("m\"M\"d\"D\";@", Shown::Date),
            ("[h]:mm:ss", Shown::Duration),
            ("\"Y: \"0.00\"m\";\"Y: \"-0.00\"m\";\"Y: <num>m\";@", Shown::Number),
            ("\"$\"#,##0_);[Red](\"$\"#,##0)", Shown::Number),
            ("[$-404]e\"\\xfc\"m\"\\xfc\"d\"\\xfc\"", Shown::Date),
            ("0_ ;[Red]\\-0\\ ", Shown::Number),
            ("\\Y000000", Shown::Number),
            ("#,##0.0####\" YMD\"", Shown::Number),
            ("[h]", Shown::Duration),
            ("[ss]", Shown::Duration),
            ("[s].000", Shown::Duration),
            ("[mm]", Shown::Duration),
            ("[Blue]\\+[h]:mm;[Red]\\-[h]:mm;[Green][h]:mm", Shown::Duration),
            ("[>=100][Magenta][s].00", Shown::Duration),
            ("[>=100][Magenta].00", Shown::Number),
            ("[>=100][Magenta]General", Shown::Number),
            ("ha/p\\\\m", Shown::Date),
            ("#,##0.00\\ _M\"H\"_);[Red]#,##0.00\\ _M\"S\"_)", Shown::Number),
            ("#,##0*y", Shown::Number),
            ("*-yyyy-mm-dd", Shown::Date),
            ("0.00%", Shown::Number),
            ("@", Shown::Number),
        ];
        for (code, shown) in cases {
            assert_eq!(custom_format(code), shown, "{code}");
        }
    }

    #[test]
    fn builtin_formats() {
        assert_eq!(builtin_format("14"), Shown::Date);
        assert_eq!(builtin_format("22"), Shown::Date);
        assert_eq!(builtin_format("31"), Shown::Date);
        assert_eq!(builtin_format("46"), Shown::Duration);
        assert_eq!(builtin_format("0"), Shown::Number);
        assert_eq!(builtin_format("49"), Shown::Number);
        assert_eq!(builtin_format("164"), Shown::Number);
    }
}
