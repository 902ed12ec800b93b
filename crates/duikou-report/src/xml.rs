//! Escaping text for XML and HTML, shared by the SVG, .docx and HTML writers.

/// Escapes text for an XML/HTML text node or a quoted attribute value.
///
/// Characters XML 1.0 forbids (most C0 controls) are dropped rather than escaped: they cannot appear in a valid
/// document in any form, and a stray one pasted from elsewhere must not make Word refuse the whole file.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_controls() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("甲\u{0001}乙\n"), "甲乙\n");
    }
}
