//! Documents as Markdown (CommonMark with GFM pipe tables), for previews, diffs and pasting into other tools.
//!
//! All text is escaped: Markdown punctuation gets a backslash, and `<`, `>`, `&` become entities, so a field holding
//! "<script>" or "**" shows as typed. A chart becomes its data as a table, since Markdown has no pictures of its own.

use crate::format::{format_cell, header_text, is_numeric, trimmed};
use crate::model::{Block, Cell, Chart, ChartKind, Document, Table};
use std::fmt::Write as _;

/// Renders a document as Markdown.
pub fn markdown(doc: &Document) -> String {
    let mut out = String::new();
    if !doc.title.trim().is_empty() {
        let _ = writeln!(out, "# {}\n", inline(&doc.title));
    }
    if let Some(sub) = doc.subtitle.as_deref().filter(|s| !s.trim().is_empty()) {
        let _ = writeln!(out, "{}\n", line_start(sub));
    }
    let mut charts = 0;
    for section in &doc.sections {
        let _ = writeln!(out, "## {}\n", inline(&section.heading));
        for block in &section.blocks {
            match block {
                Block::Subheading { text } => {
                    let _ = writeln!(out, "### {}\n", inline(text));
                }
                Block::Paragraph { spans } => {
                    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
                    let _ = writeln!(out, "{}\n", paragraph(&text));
                }
                Block::List { items } => {
                    for (i, item) in items.iter().enumerate() {
                        let _ = writeln!(out, "{}. {}", i + 1, line_start(item));
                    }
                    out.push('\n');
                }
                Block::Table(table) => write_table(&mut out, table),
                Block::Chart(chart) => {
                    charts += 1;
                    write_chart(&mut out, chart, charts);
                }
                Block::Map(m) => {
                    charts += 1;
                    write_map(&mut out, m, charts);
                }
            }
        }
    }
    if !doc.appendix.is_empty() {
        out.push_str("## 附表\n\n");
        for table in &doc.appendix {
            write_table(&mut out, table);
        }
    }
    out
}

/// Escapes text for use inside a line: Markdown punctuation and HTML. Line breaks become spaces.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes text that starts a line: besides [`inline`], a leading "- ", "+ ", "1. " or "1) " would make a list,
/// a line of "=" or "-" a heading underline, and leading spaces an indented code block.
fn line_start(text: &str) -> String {
    let mut out = inline(text.trim_start_matches([' ', '\t']));
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    let rest = &out[digits..];
    let marker_then_space = |s: &str| s.len() == 1 || s[1..].starts_with([' ', '\t']);
    if digits > 0 && rest.starts_with(['.', ')']) && marker_then_space(rest) {
        out.insert(digits, '\\');
    } else if digits == 0 && out.starts_with(['-', '+']) && marker_then_space(&out)
        || !out.is_empty() && (out.chars().all(|c| c == '=') || out.chars().all(|c| c == '-'))
    {
        out.insert(0, '\\');
    }
    out
}

/// A paragraph; its own line breaks are kept as hard breaks.
fn paragraph(text: &str) -> String {
    text.lines().map(line_start).collect::<Vec<_>>().join("  \n")
}

fn write_table(out: &mut String, table: &Table) {
    if !table.title.trim().is_empty() {
        let _ = writeln!(out, "**{}**\n", inline(&table.title));
    }
    if table.columns.is_empty() {
        out.push_str("（无数据）\n\n");
        return;
    }
    let headers: Vec<String> = table.columns.iter().map(|c| inline(&header_text(c))).collect();
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let rule: Vec<&str> = table
        .columns
        .iter()
        .map(|c| if is_numeric(&c.kind) { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for row in &table.rows {
        let cells: Vec<String> = (0..table.columns.len())
            .map(|i| inline(&format_cell(row.get(i).unwrap_or(&Cell::Empty))))
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if table.rows.is_empty() {
        let mut cells = vec![String::new(); table.columns.len()];
        cells[0] = "（无）".to_string();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

/// A chart as the table of its data: categories down, series across (a pie: one column of values and shares).
fn write_chart(out: &mut String, chart: &Chart, n: usize) {
    let unit = if chart.unit.trim().is_empty() {
        String::new()
    } else {
        format!("（{}）", chart.unit.trim())
    };
    let _ = writeln!(out, "**图{n} {}**{}\n", inline(&chart.title), inline(&unit));
    if chart.categories.is_empty() || chart.series.is_empty() {
        out.push_str("暂无数据\n\n");
        return;
    }
    let value = |s: usize, c: usize| {
        chart
            .series
            .get(s)
            .and_then(|s| s.values.get(c))
            .copied()
            .filter(|v| v.is_finite())
    };
    let show = |v: Option<f64>| v.map(trimmed).unwrap_or_default();
    if chart.kind == ChartKind::Pie {
        let total: f64 = (0..chart.categories.len())
            .filter_map(|c| value(0, c))
            .filter(|v| *v > 0.0)
            .sum();
        let _ = writeln!(
            out,
            "| 类别 | {} | 占比 |\n| --- | ---: | ---: |",
            inline(&chart.series[0].name)
        );
        for (c, cat) in chart.categories.iter().enumerate() {
            let v = value(0, c);
            let share = match v {
                Some(v) if total > 0.0 && v > 0.0 => format!("{}%", crate::format::fixed(v / total * 100.0, 1)),
                _ => String::new(),
            };
            let _ = writeln!(out, "| {} | {} | {} |", inline(cat), show(v), share);
        }
    } else {
        let names: Vec<String> = chart.series.iter().map(|s| inline(&s.name)).collect();
        let _ = writeln!(out, "| 类别 | {} |", names.join(" | "));
        let _ = writeln!(out, "| --- |{}", " ---: |".repeat(names.len()));
        for (c, cat) in chart.categories.iter().enumerate() {
            let values: Vec<String> = (0..chart.series.len()).map(|s| show(value(s, c))).collect();
            let _ = writeln!(out, "| {} | {} |", inline(cat), values.join(" | "));
        }
    }
    out.push('\n');
}

/// The map as the list of its pairings (supporter → receiver, program, value).
fn write_map(out: &mut String, m: &crate::model::MapFigure, n: usize) {
    let _ = writeln!(out, "**图{n} {}**\n", inline(&m.title));
    if m.arcs.is_empty() {
        out.push_str("暂无结对\n\n");
        return;
    }
    let measure = if m.measure.is_empty() { "" } else { m.measure.as_str() };
    let _ = writeln!(out, "| 支援方 | 受援方 | 计划 | {} |", inline(measure));
    out.push_str("|---|---|---|---:|\n");
    for a in &m.arcs {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            inline(&a.from.name),
            inline(&a.to.name),
            inline(m.programs.get(a.program).map(String::as_str).unwrap_or("")),
            if a.value > 0.0 { trimmed(a.value) } else { String::new() }
        );
    }
    let missing = crate::map::unplaced(m);
    if missing > 0 {
        let _ = writeln!(out, "\n{missing} 个结对缺少地点，未画出");
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::{inline, line_start};

    #[test]
    fn escapes_markup() {
        assert_eq!(
            inline("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(inline("**粗体** | 竖线"), "\\*\\*粗体\\*\\* \\| 竖线");
        assert_eq!(line_start("1. 不是列表"), "1\\. 不是列表");
        assert_eq!(line_start("- 不是列表"), "\\- 不是列表");
        assert_eq!(line_start("54.63%"), "54.63%");
        assert_eq!(line_start("-5"), "-5");
        assert_eq!(line_start("---"), "\\---");
    }
}
