//! Tables that read as cards on a phone: every data cell of a table with a header row is labelled with its column's
//! header (`data-label`), so that below ~600 px each row stands as a card of "header：value" lines (the page's CSS)
//! instead of a table scrolled sideways. One pass over the page the templates wrote; pages without tables are
//! returned as they are.

/// The page with each `<td>` under a `<thead>` row labelled by its column's header (colspans counted).
pub fn label_cells(html: &str) -> String {
    if !html.contains("<thead") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut headers: Vec<String> = Vec::new();
    let mut in_head = false;
    let mut col = 0usize;
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let tag = tag_name(rest);
        match tag.as_str() {
            "table" => {
                headers.clear();
                in_head = false;
            }
            "thead" => in_head = true,
            "/thead" => in_head = false,
            "tr" => col = 0,
            "th" if in_head => {
                // the header's text, tags stripped (a sort link, an abbreviation)
                let end = rest.find("</th>").unwrap_or(rest.len());
                let inner = rest[..end].split_once('>').map_or("", |(_, t)| t);
                let label = strip_tags(inner);
                for _ in 0..colspan(rest) {
                    headers.push(label.clone());
                }
            }
            "th" => col += colspan(rest),
            "td" if !headers.is_empty() => {
                let span = colspan(rest);
                if let Some(label) = headers.get(col).filter(|l| !l.is_empty()) {
                    if !opening(rest).contains("data-label") {
                        out.push_str("<td data-label=\"");
                        out.push_str(&label.replace('"', "&quot;"));
                        out.push('"');
                        rest = &rest[3..];
                        col += span;
                        continue;
                    }
                }
                col += span;
            }
            _ => {}
        }
        out.push('<');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

/// The tag's name at the start of `s` (`<td class="x">` → `td`, `</thead>` → `/thead`), lower case.
fn tag_name(s: &str) -> String {
    s[1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The opening tag at the start of `s`, up to its `>`.
fn opening(s: &str) -> &str {
    s.find('>').map_or(s, |e| &s[..e])
}

/// How many columns the cell at the start of `s` spans.
fn colspan(s: &str) -> usize {
    let tag = opening(s);
    tag.split_once("colspan=\"")
        .and_then(|(_, v)| v.split('"').next())
        .and_then(|v| v.parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(1)
}

/// Text without its tags, whitespace collapsed.
fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cell_is_labelled_by_its_column() {
        let page = r#"<p>x</p><table><thead><tr><th scope="col">结对</th><th colspan="2"><a href="?s=1">人数</a></th><th>状态</th></tr></thead>
<tbody><tr><td>湖南省→吐鲁番市</td><td class="num">3</td><td>名</td><td class="met">达标</td></tr>
<tr><td colspan="3">合计</td><td>—</td></tr></tbody></table>
<table><tr><th>键</th><td>值</td></tr></table>"#;
        let out = label_cells(page);
        assert!(out.contains(r#"<td data-label="结对">湖南省→吐鲁番市</td>"#), "{out}");
        assert!(
            out.contains(r#"<td data-label="人数" class="num">3</td><td data-label="人数">名</td>"#),
            "{out}"
        );
        assert!(out.contains(r#"<td data-label="状态" class="met">达标</td>"#), "{out}");
        assert!(
            out.contains(r#"<td data-label="结对" colspan="3">合计</td><td data-label="状态">—</td>"#),
            "{out}"
        );
        // a table of row headers (no header row) is left as it is
        assert!(out.contains("<table><tr><th>键</th><td>值</td></tr></table>"), "{out}");
        assert_eq!(label_cells("<p>无表格</p>"), "<p>无表格</p>");
    }
}
