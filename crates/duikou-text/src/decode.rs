//! Turn the bytes of an uploaded summary into text: UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030, or a .docx.

use std::fmt;

use crate::docx;

/// Why a file could not be read as text. `Display` is in Chinese because
/// it is shown to the people uploading their summaries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// NUL bytes or many control characters: not a text file.
    Binary,
    /// Neither UTF-8 nor GB18030; `offset` is the first byte that fits neither.
    UnknownEncoding {
        /// Byte offset of the first undecodable byte (under GB18030).
        offset: usize,
    },
    /// A legacy format we recognise but do not read (.doc, PDF, …).
    Unsupported {
        /// Human name of the format, e.g. "旧版 Word（.doc）".
        format: &'static str,
    },
    /// A zip file that is not a readable .docx.
    BadDocx {
        /// What went wrong, in Chinese.
        reason: &'static str,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Binary => write!(f, "文件不是文本：检测到二进制内容"),
            DecodeError::UnknownEncoding { offset } => write!(
                f,
                "无法识别的编码：文件既不是 UTF-8 也不是 GBK/GB18030（第 {offset} 字节起无法解码），请另存为 UTF-8 文本"
            ),
            DecodeError::Unsupported { format } => {
                write!(f, "不支持的文件格式：{format}，请另存为 .docx 或 UTF-8 文本")
            }
            DecodeError::BadDocx { reason } => write!(f, "无法读取 Word 文档（.docx）：{reason}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decode a file's bytes to text.
///
/// * empty input → `Ok("")`;
/// * a zip (`PK\x03\x04`) is read as .docx: one line per paragraph (`w:p`);
/// * UTF-8, with or without BOM; UTF-16 only with a BOM;
/// * otherwise GBK/GB18030 (a superset of GBK and GB2312), if every byte decodes;
/// * binary content and unknown encodings give a [`DecodeError`].
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    if bytes.is_empty() {
        return Ok(String::new());
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return docx::paragraphs(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(DecodeError::Unsupported {
            format: "旧版 Word（.doc）或其他 OLE 文档",
        });
    }
    if bytes.starts_with(b"%PDF") {
        return Err(DecodeError::Unsupported { format: "PDF" });
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(DecodeError::Unsupported { format: "RTF" });
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8_or_gb(rest);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, had_errors) = encoding_rs::UTF_16LE.decode(bytes);
        // encoding_rs sniffs the BOM and switches to big-endian when needed.
        if had_errors {
            return Err(DecodeError::UnknownEncoding { offset: 0 });
        }
        return check_text(text.into_owned());
    }
    utf8_or_gb(bytes)
}

fn utf8_or_gb(bytes: &[u8]) -> Result<String, DecodeError> {
    if looks_binary(bytes) {
        return Err(DecodeError::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
            let capacity = decoder
                .max_utf8_buffer_length_without_replacement(bytes.len())
                .unwrap_or(bytes.len().saturating_mul(3));
            let mut out = String::with_capacity(capacity);
            let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
            match result {
                encoding_rs::DecoderResult::InputEmpty => check_text(out),
                encoding_rs::DecoderResult::Malformed(_, _) => Err(DecodeError::UnknownEncoding {
                    offset: read.saturating_sub(1),
                }),
                encoding_rs::DecoderResult::OutputFull => Err(DecodeError::UnknownEncoding { offset: read }),
            }
        }
    }
}

/// Binary if there is a NUL byte, or more than 1 in 50 bytes are control
/// characters other than tab, newline, carriage return, form feed and escape.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
        .count();
    controls * 50 > sample.len()
}

/// Reject decoded text that is mostly control characters (binary that
/// happened to decode).
fn check_text(text: String) -> Result<String, DecodeError> {
    let mut total = 0usize;
    let mut controls = 0usize;
    for c in text.chars().take(64 * 1024) {
        total += 1;
        if c == '\0' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}' | '\u{1b}')) {
            controls += 1;
        }
    }
    if controls * 50 > total {
        return Err(DecodeError::Binary);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_empty_text() {
        assert_eq!(decode(b""), Ok(String::new()));
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("援建14万套".as_bytes()), Ok("援建14万套".into()));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("援建".as_bytes());
        assert_eq!(decode(&bom), Ok("援建".into()));
    }

    #[test]
    fn gbk_is_converted() {
        let (gbk, _, _) = encoding_rs::GBK.encode("共有50.1万人口，21个乡镇。");
        assert_eq!(decode(&gbk), Ok("共有50.1万人口，21个乡镇。".into()));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "对口支援".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes), Ok("对口支援".into()));
    }

    #[test]
    fn binary_is_rejected_in_chinese() {
        let err = decode(&[0x7F, 0x45, 0x4C, 0x46, 0, 1, 2, 3]).err();
        assert_eq!(err, Some(DecodeError::Binary));
        let msg = DecodeError::Binary.to_string();
        assert_eq!(msg, "文件不是文本：检测到二进制内容");
    }

    #[test]
    fn undecodable_bytes_are_an_encoding_error() {
        // 0xFF is never valid as a GB18030 lead byte.
        let err = decode(&[b'a', 0xFF, 0xFF, b'b']).err();
        assert!(matches!(err, Some(DecodeError::UnknownEncoding { .. })), "{err:?}");
        assert!(err
            .map(|e| e.to_string())
            .unwrap_or_default()
            .starts_with("无法识别的编码"));
    }

    #[test]
    fn legacy_formats_named() {
        let err = decode(&[0xD0, 0xCF, 0x11, 0xE0, 1, 2]).err();
        assert!(matches!(err, Some(DecodeError::Unsupported { .. })));
        assert!(matches!(decode(b"%PDF-1.4"), Err(DecodeError::Unsupported { .. })));
    }
}
