//! Documents as HTML: a standalone page (print-friendly, Chinese fonts) or a fragment for the web UI's templates.
//!
//! Every piece of text goes through one escaping function, so HTML typed into any field shows as text. Charts are
//! inline SVG. A figure traced to records carries its key in `data-figure`, so the web UI can link it to them.

use crate::chart;
use crate::format::{format_cell, header_text, is_numeric};
use crate::model::{Block, Cell, Document, Table};
use crate::xml::escape;
use std::fmt::Write as _;

const STYLE: &str = r#"
body { margin: 0; background: #f5f5f5; color: #1a1a1a;
  font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", serif;
  font-size: 16pt; line-height: 28pt; }
.page { max-width: 156mm; margin: 0 auto; background: #fff; padding: 30mm 26mm 30mm 28mm; }
h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimHei", "黑体", "Noto Serif CJK SC", serif; font-size: 22pt;
  font-weight: normal; text-align: center; line-height: 1.5; margin: 0 0 8pt; }
.subtitle { font-family: "KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", serif; text-align: center; margin: 0 0 16pt; }
h2 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; font-size: 16pt; font-weight: normal;
  text-indent: 2em; margin: 0; }
h3 { font-family: "KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", serif; font-size: 16pt; font-weight: normal;
  text-indent: 2em; margin: 0; }
p, li { text-align: justify; margin: 0; }
p { text-indent: 2em; }
ol { margin: 0; padding-left: 4em; }
.figure-ref { background: #fff8dc; }
table { border-collapse: collapse; margin: 6pt auto 14pt; font-size: 12pt; line-height: 1.4; }
caption { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 14pt; padding: 6pt 0; }
th, td { border: 1px solid #000; padding: 3pt 6pt; text-align: center; }
th { font-weight: bold; }
td.num { text-align: right; }
figure { margin: 8pt 0 14pt; text-align: center; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 14pt; }
@media print { body { background: #fff; } .page { padding: 0; max-width: none; } }
"#;

/// Renders a document as a standalone HTML page.
pub fn html(doc: &Document) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main class=\"page\">\n{}</main>\n</body>\n</html>\n",
        escape(&doc.title),
        html_fragment(doc)
    )
}

/// Renders a document's content (title, sections, appendix) as HTML to place inside a page of the web UI.
pub fn html_fragment(doc: &Document) -> String {
    let mut out = String::new();
    if !doc.title.trim().is_empty() {
        let _ = writeln!(out, "<h1>{}</h1>", escape(&doc.title));
    }
    if let Some(sub) = doc.subtitle.as_deref().filter(|s| !s.trim().is_empty()) {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(sub));
    }
    let mut charts = 0;
    for section in &doc.sections {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", escape(&section.heading));
        for block in &section.blocks {
            match block {
                Block::Subheading { text } => {
                    let _ = writeln!(out, "<h3>{}</h3>", escape(text));
                }
                Block::Paragraph { spans } => {
                    out.push_str("<p>");
                    for span in spans {
                        let text = escape(&span.text).replace('\n', "<br>");
                        match &span.figure {
                            Some(key) => {
                                let _ = write!(
                                    out,
                                    "<span class=\"figure-ref\" data-figure=\"{}\">{text}</span>",
                                    escape(key)
                                );
                            }
                            None => out.push_str(&text),
                        }
                    }
                    out.push_str("</p>\n");
                }
                Block::List { items } => {
                    out.push_str("<ol>\n");
                    for item in items {
                        let _ = writeln!(out, "<li>{}</li>", escape(item));
                    }
                    out.push_str("</ol>\n");
                }
                Block::Table(table) => write_table(&mut out, table),
                Block::Map(m) => {
                    charts += 1;
                    let _ = writeln!(
                        out,
                        "<figure>\n{}\n<figcaption>图{charts} {}</figcaption>\n</figure>",
                        crate::map::svg(m),
                        escape(&m.title)
                    );
                }
                Block::Chart(c) => {
                    charts += 1;
                    // The SVG carries the chart's title already; the caption numbers it as the .docx does.
                    let _ = writeln!(
                        out,
                        "<figure>\n{}\n<figcaption>图{charts} {}</figcaption>\n</figure>",
                        chart::svg(c),
                        escape(&c.title)
                    );
                }
            }
        }
        out.push_str("</section>\n");
    }
    if !doc.appendix.is_empty() {
        out.push_str("<section>\n<h2>附表</h2>\n");
        for table in &doc.appendix {
            write_table(&mut out, table);
        }
        out.push_str("</section>\n");
    }
    out
}

fn write_table(out: &mut String, table: &Table) {
    out.push_str("<table>\n");
    if !table.title.trim().is_empty() {
        let _ = writeln!(out, "<caption>{}</caption>", escape(&table.title));
    }
    out.push_str("<thead><tr>");
    for col in &table.columns {
        let _ = write!(out, "<th>{}</th>", escape(&header_text(col)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, col) in table.columns.iter().enumerate() {
            let text = escape(&format_cell(row.get(i).unwrap_or(&Cell::Empty)));
            if is_numeric(&col.kind) {
                let _ = write!(out, "<td class=\"num\">{text}</td>");
            } else {
                let _ = write!(out, "<td>{text}</td>");
            }
        }
        out.push_str("</tr>\n");
    }
    if table.rows.is_empty() {
        let _ = writeln!(
            out,
            "<tr><td colspan=\"{}\">（无）</td></tr>",
            table.columns.len().max(1)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}
