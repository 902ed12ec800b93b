//! Minimal .docx reader: find word/document.xml in the zip and return its paragraphs, one per line.
//!
//! Only what a Word summary needs: the zip central directory, stored or
//! DEFLATE members, and the `w:p` / `w:t` / `w:tab` / `w:br` elements. Every
//! length read from the file is checked against the buffer, and inflating
//! is capped, so a damaged or hostile file gives an error, not a panic or
//! an out-of-memory.

use crate::decode::DecodeError;

/// Largest document.xml we inflate (a zip bomb guard); real summaries are a few MB.
const MAX_XML_BYTES: usize = 512 * 1024 * 1024;

fn bad(reason: &'static str) -> DecodeError {
    DecodeError::BadDocx { reason }
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(4)?)?;
    usize::try_from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])).ok()
}

/// The paragraphs of a .docx as text, one line per `w:p`.
pub(crate) fn paragraphs(bytes: &[u8]) -> Result<String, DecodeError> {
    let xml = member(bytes, b"word/document.xml")?;
    let xml = std::str::from_utf8(&xml).map_err(|_| bad("document.xml 不是 UTF-8"))?;
    Ok(xml_paragraphs(xml))
}

/// Inflate one member of a zip archive by name.
fn member(zip: &[u8], name: &[u8]) -> Result<Vec<u8>, DecodeError> {
    // End of central directory: 22 bytes plus a comment of up to 65535.
    let search_from = zip.len().saturating_sub(22 + 65535);
    let eocd = (search_from..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip.get(i..i + 4) == Some(b"PK\x05\x06"))
        .ok_or_else(|| bad("压缩包不完整（找不到目录）"))?;
    let entries = u16_at(zip, eocd + 10).ok_or_else(|| bad("压缩包目录损坏"))?;
    let mut at = u32_at(zip, eocd + 16).ok_or_else(|| bad("压缩包目录损坏"))?;
    for _ in 0..entries {
        if zip.get(at..at + 4) != Some(b"PK\x01\x02") {
            return Err(bad("压缩包目录损坏"));
        }
        let field = |off: usize| u16_at(zip, at + off).ok_or_else(|| bad("压缩包目录损坏"));
        let method = field(10)?;
        let compressed = u32_at(zip, at + 20).ok_or_else(|| bad("压缩包目录损坏"))?;
        let name_len = field(28)?;
        let extra_len = field(30)?;
        let comment_len = field(32)?;
        let local = u32_at(zip, at + 42).ok_or_else(|| bad("压缩包目录损坏"))?;
        let entry_name = zip
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(|| bad("压缩包目录损坏"))?;
        if entry_name == name {
            return read_local(zip, local, method, compressed);
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    Err(bad("压缩包中没有 word/document.xml，可能不是 Word 文档"))
}

fn read_local(zip: &[u8], local: usize, method: usize, compressed: usize) -> Result<Vec<u8>, DecodeError> {
    if zip.get(local..local + 4) != Some(b"PK\x03\x04") {
        return Err(bad("压缩包条目损坏"));
    }
    let name_len = u16_at(zip, local + 26).ok_or_else(|| bad("压缩包条目损坏"))?;
    let extra_len = u16_at(zip, local + 28).ok_or_else(|| bad("压缩包条目损坏"))?;
    let start = local + 30 + name_len + extra_len;
    let data = zip
        .get(start..start.saturating_add(compressed))
        .ok_or_else(|| bad("压缩包条目被截断"))?;
    match method {
        0 => Ok(data.to_vec()),
        8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, MAX_XML_BYTES)
            .map_err(|_| bad("解压失败或内容过大")),
        _ => Err(bad("不支持的压缩方式")),
    }
}

/// Name of the element in a tag body like `w:t xml:space="preserve"`.
fn tag_name(tag: &str) -> &str {
    let tag = tag.trim_start_matches('/');
    let end = tag
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(tag.len());
    &tag[..end]
}

/// Walk the XML once: text inside `w:t` is kept, `w:p` ends a line.
fn xml_paragraphs(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() / 4);
    let mut line = String::new();
    let mut in_text = false;
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        if in_text {
            unescape_into(&rest[..lt], &mut line);
        }
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else { break };
        let tag = &after[..gt];
        let closing = tag.starts_with('/');
        let self_closing = tag.ends_with('/');
        match tag_name(tag) {
            "w:t" => in_text = !closing && !self_closing,
            "w:tab" if !closing => line.push('\t'),
            "w:br" | "w:cr" if !closing => line.push(' '),
            "w:p" if closing || self_closing => {
                out.push_str(line.trim_end());
                out.push('\n');
                line.clear();
            }
            _ => {}
        }
        rest = &after[gt + 1..];
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Append XML text with the five named and the numeric entities decoded.
fn unescape_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').filter(|&i| i <= 10);
        let decoded = semi.and_then(|i| {
            let ent = &after[..i];
            let c = match ent {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => ent
                    .strip_prefix("#x")
                    .or_else(|| ent.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, i))
        });
        match decoded {
            Some((c, i)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_entities() {
        let xml = r#"<w:document><w:body><w:p><w:pPr><w:tabs/></w:pPr><w:r><w:t>援建</w:t></w:r><w:r><w:t xml:space="preserve">14万套 &amp; </w:t></w:r></w:p><w:p/><w:p><w:r><w:t>54.63&#37;</w:t><w:tab/><w:t>完</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(xml_paragraphs(xml), "援建14万套 &\n\n54.63%\t完\n");
    }

    #[test]
    fn truncated_zip_is_an_error() {
        assert!(matches!(
            paragraphs(b"PK\x03\x04garbage"),
            Err(DecodeError::BadDocx { .. })
        ));
    }
}
