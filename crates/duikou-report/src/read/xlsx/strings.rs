//! The workbook's shared strings, spooled to a temporary file as they are parsed, with their offsets in another:
//! memory holds a small cache of short, recently used strings, however many strings the workbook has.

use super::{bad, xml_error, Xml};
use crate::read::ReadError;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufRead, BufWriter, Read, Seek, SeekFrom, Write};
use tempfile::SpooledTempFile;

/// Strings are kept in memory up to this many bytes, then in a temporary file.
const IN_MEMORY: usize = 1024 * 1024;
/// More than this many bytes of shared strings is not a spreadsheet someone filled in (a zip bomb, say).
const MAX_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Slots of the cache in front of the file (direct-mapped by index).
const CACHE_SLOTS: usize = 4096;
/// Strings longer than this are never cached, so that the cache stays small.
const CACHE_MAX_LEN: usize = 256;

pub(super) struct Strings {
    file: SpooledTempFile,
    /// Where string i starts in `file`, 8 bytes (little-endian) each, with one more entry than strings (the end of
    /// the last): kept in a temporary file of its own too (15 MB for 1.94 M strings).
    offsets: SpooledTempFile,
    count: usize,
    cache: Vec<Option<(usize, String)>>,
    buf: Vec<u8>,
}

impl Strings {
    /// A workbook without shared strings.
    pub(super) fn none() -> Self {
        Strings {
            file: SpooledTempFile::new(0),
            offsets: SpooledTempFile::new(0),
            count: 0,
            cache: Vec::new(),
            buf: Vec::new(),
        }
    }

    /// Parses `sharedStrings.xml`, writing each string out as it is read.
    pub(super) fn spool<B: BufRead>(xml: &mut Xml<B>, part: &str) -> Result<Self, ReadError> {
        let mut buf = Vec::with_capacity(1024);
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|e| xml_error(part, e))? {
                Event::Start(e) if e.local_name().as_ref() == "sst" => break,
                Event::Eof => return Err(bad(format!("{part} 不完整"))),
                _ => {}
            }
        }
        let failed = |_| bad("无法写入临时文件以读取共享字符串");
        let mut out = BufWriter::with_capacity(64 * 1024, SpooledTempFile::new(IN_MEMORY));
        let mut offsets = BufWriter::with_capacity(64 * 1024, SpooledTempFile::new(IN_MEMORY));
        offsets.write_all(&0u64.to_le_bytes()).map_err(failed)?;
        let mut count = 0usize;
        let mut end = 0u64;
        let mut inner = Vec::with_capacity(1024);
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|e| xml_error(part, e))? {
                Event::Start(e) if e.local_name().as_ref() == "si" => {
                    let s = rich_text(xml, e.name().as_ref(), &mut inner, part)?;
                    out.write_all(s.as_bytes()).map_err(failed)?;
                    end += s.len() as u64;
                    if end > MAX_BYTES {
                        return Err(bad("共享字符串过大（超过 2 GB），不是可导入的表格"));
                    }
                    offsets.write_all(&end.to_le_bytes()).map_err(failed)?;
                    count += 1;
                }
                Event::End(e) if e.local_name().as_ref() == "sst" => break,
                Event::Eof => return Err(bad(format!("{part} 不完整"))),
                _ => {}
            }
        }
        let file = out.into_inner().map_err(|e| failed(e.into_error()))?;
        let offsets = offsets.into_inner().map_err(|e| failed(e.into_error()))?;
        Ok(Strings {
            file,
            offsets,
            count,
            cache: vec![None; CACHE_SLOTS],
            buf: Vec::new(),
        })
    }

    /// How many strings there are.
    pub(super) fn len(&self) -> usize {
        self.count
    }

    /// String `i`, or None when there is no such string.
    pub(super) fn get(&mut self, i: usize) -> Result<Option<String>, ReadError> {
        if i >= self.len() {
            return Ok(None);
        }
        let slot = i % CACHE_SLOTS;
        if let Some(Some((at, s))) = self.cache.get(slot) {
            if *at == i {
                return Ok(Some(s.clone()));
            }
        }
        let mut pair = [0u8; 16];
        self.offsets
            .seek(SeekFrom::Start(i as u64 * 8))
            .and_then(|_| self.offsets.read_exact(&mut pair))
            .map_err(|_| bad("无法读回共享字符串的临时文件"))?;
        let start = u64::from_le_bytes(pair[..8].try_into().map_err(|_| ReadError::Corrupt)?);
        let end = u64::from_le_bytes(pair[8..].try_into().map_err(|_| ReadError::Corrupt)?);
        let len = end
            .checked_sub(start)
            .and_then(|l| usize::try_from(l).ok())
            .ok_or(ReadError::Corrupt)?;
        self.buf.resize(len, 0);
        self.file
            .seek(SeekFrom::Start(start))
            .and_then(|_| self.file.read_exact(&mut self.buf))
            .map_err(|_| bad("无法读回共享字符串的临时文件"))?;
        let s = String::from_utf8(self.buf.clone()).map_err(|_| ReadError::Corrupt)?;
        if len <= CACHE_MAX_LEN {
            if let Some(entry) = self.cache.get_mut(slot) {
                *entry = Some((i, s.clone()));
            }
        }
        Ok(Some(s))
    }
}

/// The text of a string item (`<si>` of the shared strings, `<is>` of an inline string) up to its end tag `closing`:
/// its `<t>`, or the `<t>` of each run `<r>` joined; phonetic guides (`<rPh>`) left out. Text without
/// `xml:space="preserve"` is trimmed of ASCII white space, and Excel's `_xHHHH_` escapes are resolved.
pub(super) fn rich_text<B: BufRead>(
    xml: &mut Xml<B>,
    closing: &str,
    buf: &mut Vec<u8>,
    part: &str,
) -> Result<String, ReadError> {
    let mut text = String::new();
    let mut phonetic = false;
    loop {
        buf.clear();
        match xml.read_event_into(buf).map_err(|e| xml_error(part, e))? {
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::End(e) if e.name().as_ref() == closing => return Ok(text),
            Event::Start(e) if e.local_name().as_ref() == "t" && !phonetic => {
                let preserve = preserves_space(&e);
                let name = e.name().as_ref().to_string();
                let mut value = String::new();
                element_text(xml, &name, &mut value, part)?;
                let value = if preserve {
                    unescape_excel(&value)
                } else {
                    unescape_excel(value.trim_matches([' ', '\t', '\r', '\n']))
                };
                text.push_str(&value);
            }
            Event::Eof => return Err(bad(format!("{part} 不完整"))),
            _ => {}
        }
    }
}

fn preserves_space(e: &BytesStart<'_>) -> bool {
    e.attributes()
        .with_checks(false)
        .flatten()
        .any(|a| a.key.as_ref() == "xml:space" && a.value.as_ref() == "preserve")
}

/// Appends the text of the element just opened (named `name`) up to its end, XML entities resolved, and leaves the
/// reader after the end tag.
pub(super) fn element_text<B: BufRead>(
    xml: &mut Xml<B>,
    name: &str,
    out: &mut String,
    part: &str,
) -> Result<(), ReadError> {
    let mut buf = Vec::with_capacity(128);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|e| xml_error(part, e))? {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(t) => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(s) = quick_xml::escape::resolve_xml_entity(&r) {
                    out.push_str(s);
                } else {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => out.push(c),
                        _ => return Err(bad(format!("{part} 中有无法识别的字符引用“&{};”", &*r))),
                    }
                }
            }
            Event::End(e) if e.name().as_ref() == name => return Ok(()),
            Event::Eof => return Err(bad(format!("{part} 不完整"))),
            _ => {}
        }
    }
}

/// Resolves the `_xHHHH_` escapes Excel writes for characters XML cannot hold (`_x000D_` for a carriage return; a
/// character beyond the BMP as two, a surrogate pair; `_x005F_` for a literal underscore starting such a sequence).
/// A lone surrogate becomes U+FFFD.
pub(super) fn unescape_excel(s: &str) -> String {
    if !s.contains("_x") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("_x") {
        let Some(unit) = escape_at(rest, at) else {
            out.push_str(&rest[..at + 1]);
            rest = &rest[at + 1..];
            continue;
        };
        out.push_str(&rest[..at]);
        rest = &rest[at + 7..];
        let c = match unit {
            0xD800..=0xDBFF => match rest.find("_x").filter(|&i| i == 0).and_then(|_| escape_at(rest, 0)) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    rest = &rest[7..];
                    char::from_u32(0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00))
                }
                _ => None,
            },
            0xDC00..=0xDFFF => None,
            _ => char::from_u32(u32::from(unit)),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    out.push_str(rest);
    out
}

/// The UTF-16 unit of an `_xHHHH_` escape starting at byte `at`, if there is one.
fn escape_at(s: &str, at: usize) -> Option<u16> {
    let b = s.as_bytes().get(at..at + 7)?;
    if b[0] != b'_' || b[1] != b'x' || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::unescape_excel;

    #[test]
    fn excel_escapes() {
        assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
        assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_excel("_xD83D__xDE00_"), "😀");
        assert_eq!(unescape_excel("_xD83D_x"), "\u{FFFD}x");
        assert_eq!(unescape_excel("_xDE00_"), "\u{FFFD}");
        assert_eq!(unescape_excel("_x00_ x_x4E2D_"), "_x00_ x中");
        assert_eq!(unescape_excel("no escapes_"), "no escapes_");
    }
}
