//! Reading CSV as Chinese users produce it: UTF-8 with or without BOM (WPS, LibreOffice, scripts), GBK/GB18030
//! (Excel's "CSV (逗号分隔)" on Chinese Windows), or UTF-16 with BOM (Excel's "Unicode 文本", tab-separated).
//!
//! The file is read record by record from a reader, decoded as it goes (a 40 MB upload is never held whole): only the
//! choice of encoding looks at the whole file first, once, without keeping it — a file is UTF-8 only if all of it is.
//!
//! The parser is a small RFC 4180 state machine rather than the csv crate because the importer must tell the user
//! where a quote was left open ("CSV 第 12 行：引号未闭合"), which the csv crate silently accepts. Otherwise it is
//! lenient the way Excel is: a stray quote inside an unquoted field is kept as text.

use super::{Found, RawCell, ReadError};
use encoding_rs::{Decoder, DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use std::io::{Read, Seek, SeekFrom};

/// Bytes read from the file at a time.
const CHUNK: usize = 64 * 1024;

/// Reads every record of a CSV file, handing each one with content to `found` as a row of non-empty cells (row 0 is
/// the file's first line); stops early when `found` wants no more.
pub(crate) fn each_row<R: Read + Seek>(input: R, found: &mut dyn Found) -> Result<(), ReadError> {
    let mut chars = Chars::open(input)?;
    let delimiter = sniff_delimiter(&mut chars)?;
    let mut parser = Parser::new(delimiter);
    let mut r: u32 = 0;
    while let Some(record) = parser.next_record(&mut chars)? {
        let cells: Vec<(u32, RawCell)> = record
            .into_iter()
            .enumerate()
            .filter(|(_, field)| !field.trim().is_empty())
            .map(|(c, field)| (u32::try_from(c).unwrap_or(u32::MAX), RawCell::Text(field)))
            .collect();
        if !cells.is_empty() && !found.row((r, cells)) {
            return Ok(());
        }
        r = r.checked_add(1).ok_or_else(|| ReadError::Csv {
            line: u32::MAX,
            message: "行数过多".to_string(),
        })?;
    }
    Ok(())
}

/// The encoding of a file: a BOM decides; else UTF-8 if the whole file is valid UTF-8; else GB18030 (a superset of
/// GBK and GB2312). Leaves the reader just after the BOM (or at the start) and says how long the BOM was.
fn detect<R: Read + Seek>(input: &mut R) -> Result<(&'static Encoding, u64), ReadError> {
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < head.len() {
        match input.read(&mut head[got..]).map_err(|_| ReadError::Corrupt)? {
            0 => break,
            n => got += n,
        }
    }
    let head = &head[..got];
    let (encoding, bom) = if head.starts_with(b"\xEF\xBB\xBF") {
        (UTF_8, 3)
    } else if head.starts_with(b"\xFF\xFE") {
        (UTF_16LE, 2)
    } else if head.starts_with(b"\xFE\xFF") {
        (UTF_16BE, 2)
    } else {
        input.seek(SeekFrom::Start(0)).map_err(|_| ReadError::Corrupt)?;
        let encoding = if all_utf8(input)? { UTF_8 } else { GB18030 };
        (encoding, 0)
    };
    input.seek(SeekFrom::Start(bom)).map_err(|_| ReadError::Corrupt)?;
    Ok((encoding, bom))
}

/// Whether everything left in `input` is valid UTF-8, read chunk by chunk (a sequence cut by a chunk's end is carried
/// over to the next).
fn all_utf8<R: Read>(input: &mut R) -> Result<bool, ReadError> {
    let mut buf = vec![0u8; CHUNK + 4];
    let mut carried = 0;
    loop {
        let n = input.read(&mut buf[carried..]).map_err(|_| ReadError::Corrupt)?;
        if n == 0 {
            return Ok(carried == 0);
        }
        let filled = carried + n;
        match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => carried = 0,
            // an incomplete sequence at the end: keep it for the next chunk
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..filled, 0);
                carried = filled - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// The decoded characters of a file, decoded a chunk at a time; any control character other than tab and line
/// breaks is refused as binary content.
struct Chars<R> {
    input: R,
    decoder: Decoder,
    raw: Vec<u8>,
    text: String,
    pos: usize,
    done: bool,
}

impl<R: Read + Seek> Chars<R> {
    fn open(mut input: R) -> Result<Self, ReadError> {
        let (encoding, _) = detect(&mut input)?;
        Ok(Chars {
            input,
            decoder: encoding.new_decoder_without_bom_handling(),
            raw: vec![0u8; CHUNK],
            text: String::new(),
            pos: 0,
            done: false,
        })
    }
}

impl<R: Read> Chars<R> {
    /// Decodes the next chunk onto the end of the buffer (keeping what was not yet read); false at the end.
    fn fill(&mut self) -> Result<bool, ReadError> {
        if self.done {
            return Ok(false);
        }
        if self.pos > 0 {
            self.text.drain(..self.pos);
            self.pos = 0;
        }
        let before = self.text.len();
        while self.text.len() == before && !self.done {
            let n = self.input.read(&mut self.raw).map_err(|_| ReadError::Corrupt)?;
            let last = n == 0;
            let mut src = &self.raw[..n];
            loop {
                let room = self
                    .decoder
                    .max_utf8_buffer_length_without_replacement(src.len())
                    .unwrap_or(src.len().saturating_mul(3).saturating_add(16));
                self.text.reserve(room);
                let (result, read) = self
                    .decoder
                    .decode_to_string_without_replacement(src, &mut self.text, last);
                src = &src[read..];
                match result {
                    DecoderResult::InputEmpty => break,
                    DecoderResult::OutputFull => continue,
                    DecoderResult::Malformed(_, _) => return Err(ReadError::Encoding),
                }
            }
            self.done = last;
        }
        Ok(self.text.len() > before)
    }

    fn peek(&mut self) -> Result<Option<char>, ReadError> {
        if self.pos >= self.text.len() && !self.fill()? {
            return Ok(None);
        }
        Ok(self.text[self.pos..].chars().next())
    }

    fn next(&mut self) -> Result<Option<char>, ReadError> {
        let c = self.peek()?;
        if let Some(c) = c {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                return Err(ReadError::Binary);
            }
            self.pos += c.len_utf8();
        }
        Ok(c)
    }

    /// The first line, without consuming it (the buffer grows until it holds a line break or the whole file).
    fn first_line(&mut self) -> Result<&str, ReadError> {
        while !self.text[self.pos..].contains('\n') && self.fill()? {}
        let rest = &self.text[self.pos..];
        let line = rest.split('\n').next().unwrap_or("");
        Ok(line.strip_suffix('\r').unwrap_or(line))
    }
}

/// Comma, unless the first line has tabs and no commas (Excel's Unicode text export).
fn sniff_delimiter<R: Read>(chars: &mut Chars<R>) -> Result<char, ReadError> {
    let first = chars.first_line()?;
    Ok(if !first.contains(',') && first.contains('\t') {
        '\t'
    } else {
        ','
    })
}

/// Splits characters into records of fields, one record at a time.
struct Parser {
    delimiter: char,
    /// The line (1-based) the next character is on.
    line: u32,
    finished: bool,
}

impl Parser {
    fn new(delimiter: char) -> Self {
        Parser {
            delimiter,
            line: 1,
            finished: false,
        }
    }

    /// The next record, or None at the end of the file.
    fn next_record<R: Read>(&mut self, chars: &mut Chars<R>) -> Result<Option<Vec<String>>, ReadError> {
        if self.finished {
            return Ok(None);
        }
        let mut record: Vec<String> = Vec::new();
        let mut field = String::new();
        // Where the open quote of the current field was, for the error message.
        let mut quote_line: u32 = self.line;
        let mut in_quotes = false;
        let mut field_started_quoted = false;
        while let Some(c) = chars.next()? {
            if in_quotes {
                match c {
                    '"' if chars.peek()? == Some('"') => {
                        chars.next()?;
                        field.push('"');
                    }
                    '"' => in_quotes = false,
                    '\n' => {
                        self.line = self.line.saturating_add(1);
                        field.push('\n');
                    }
                    '\r' => {
                        // Line breaks inside a quoted field are kept as "\n" whatever the file used.
                        if chars.peek()? == Some('\n') {
                            chars.next()?;
                        }
                        self.line = self.line.saturating_add(1);
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
                    quote_line = self.line;
                }
                c if c == self.delimiter => {
                    record.push(std::mem::take(&mut field));
                    field_started_quoted = false;
                }
                '\n' | '\r' => {
                    if c == '\r' && chars.peek()? == Some('\n') {
                        chars.next()?;
                    }
                    record.push(field);
                    self.line = self.line.saturating_add(1);
                    return Ok(Some(record));
                }
                c => field.push(c),
            }
        }
        self.finished = true;
        if in_quotes {
            return Err(ReadError::Csv {
                line: quote_line,
                message: "引号未闭合".to_string(),
            });
        }
        // The last line may lack its line break.
        if !field.is_empty() || !record.is_empty() || field_started_quoted {
            record.push(field);
            return Ok(Some(record));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn parse(text: &str, delimiter: char) -> Result<Vec<Vec<String>>, ReadError> {
        let mut chars = Chars::open(Cursor::new(text.as_bytes().to_vec()))?;
        let mut parser = Parser::new(delimiter);
        let mut out = Vec::new();
        while let Some(r) = parser.next_record(&mut chars)? {
            out.push(r);
        }
        Ok(out)
    }

    fn decode(bytes: &[u8]) -> Result<String, ReadError> {
        let mut chars = Chars::open(Cursor::new(bytes.to_vec()))?;
        let mut out = String::new();
        while let Some(c) = chars.next()? {
            out.push(c);
        }
        Ok(out)
    }

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
        assert_eq!(decode(b"\xEF\xBB\xBF\xFF").unwrap_err(), ReadError::Encoding);
    }

    /// A multibyte character cut by the end of a read chunk is put together again, in the encoding check and in
    /// decoding, for UTF-8 and GB18030 alike.
    #[test]
    fn characters_across_chunk_boundaries() {
        for offset in 0..3 {
            let text = format!("{}{}", "a".repeat(CHUNK - offset), "新疆农业大学,".repeat(5000));
            assert_eq!(decode(text.as_bytes()).unwrap(), text, "UTF-8, offset {offset}");
            let (gbk, _, _) = GB18030.encode(&text);
            assert_eq!(decode(&gbk).unwrap(), text, "GB18030, offset {offset}");
        }
    }

    #[test]
    fn binary_anywhere_is_refused() {
        let mut text = "姓名,单位\n".repeat(20_000).into_bytes();
        text.extend_from_slice(b"x\x01y\n");
        struct Count(usize);
        impl Found for Count {
            fn sheet(&mut self, _: String, _: Vec<crate::MergedRange>) {}
            fn row(&mut self, _: crate::read::CellRow) -> bool {
                self.0 += 1;
                true
            }
        }
        let mut rows = Count(0);
        let err = each_row(Cursor::new(text), &mut rows).unwrap_err();
        assert_eq!(err, ReadError::Binary);
        assert_eq!(rows.0, 20_000, "the rows before it were read one by one");
    }
}
