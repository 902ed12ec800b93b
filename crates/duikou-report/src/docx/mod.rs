//! Word documents (.docx) written as OOXML parts in a zip, by hand.
//!
//! Why not docx-rs: it cannot put an SVG picture with a PNG fallback into a document, and the fallback chain of
//! Chinese fonts needs `w:altName` in fontTable.xml. The package is small (document, styles, fonts, settings,
//! footer, pictures) and written deterministically: the same document gives the same bytes.
//!
//! Charts: each chart goes in as a PNG (rasterised with the bundled CJK font, see [`crate::png`]) whose `a:blip`
//! carries an `asvg:svgBlip` extension pointing at the same chart as SVG. Word 2016+ and recent WPS/LibreOffice
//! draw the SVG (sharp at any zoom, text in the reader's fonts); older readers draw the PNG. Either way the Chinese
//! labels show without any font installed on the server.

mod parts;

use crate::chart;
use crate::error::RenderError;
use crate::format::{format_cell, header_text, is_numeric, is_wide};
use crate::model::{Block, Cell, Chart, ColumnKind, Document, Span, Table};
use crate::png;
use crate::xml::escape;
use parts::{Media, NS_R, NS_W, TEXT_WIDTH_TWIPS};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// A chart is printed 15 cm wide, its height in the SVG's 640:400 proportion. (EMU: 360 000 per cm.)
const CHART_CX: u64 = 5_400_000;
const CHART_CY: u64 = 3_375_000;

/// Renders a document as a .docx file (A4, Chinese government-document typography, page numbers, tables, charts).
pub fn docx(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let mut body = Body::default();
    body.write_document(doc)?;
    package(doc, &body)
}

/// document.xml being written, and the pictures it refers to.
#[derive(Default)]
struct Body {
    xml: String,
    media: Vec<Media>,
    charts: usize,
}

impl Body {
    fn write_document(&mut self, doc: &Document) -> Result<(), RenderError> {
        if !doc.title.trim().is_empty() {
            self.paragraph("Title", &doc.title, "");
        }
        if let Some(sub) = doc.subtitle.as_deref().filter(|s| !s.trim().is_empty()) {
            self.paragraph("Subtitle", sub, "");
        }
        for section in &doc.sections {
            self.paragraph("Heading1", &section.heading, "");
            let mut list_no = 0;
            for block in &section.blocks {
                if !matches!(block, Block::List { .. }) {
                    list_no = 0;
                }
                match block {
                    Block::Subheading { text } => self.paragraph("Heading2", text, ""),
                    Block::Paragraph { spans } => self.spans(spans),
                    Block::List { items } => {
                        for item in items {
                            list_no += 1;
                            self.paragraph("BodyText", &format!("{list_no}．{item}"), "");
                        }
                    }
                    Block::Table(table) => self.table(table),
                    Block::Chart(chart) => self.chart(chart)?,
                    Block::Map(m) => self.map(m)?,
                }
            }
        }
        if !doc.appendix.is_empty() {
            self.paragraph("Heading1", "附表", "");
            for table in &doc.appendix {
                self.table(table);
            }
        }
        if self.xml.is_empty() {
            self.xml.push_str("<w:p/>");
        }
        Ok(())
    }

    /// One paragraph of plain text in a style, with extra paragraph properties.
    fn paragraph(&mut self, style: &str, text: &str, extra_ppr: &str) {
        self.xml.push_str(&format!(
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra_ppr}</w:pPr>"#
        ));
        self.xml.push_str(&run(text, ""));
        self.xml.push_str("</w:p>");
    }

    fn spans(&mut self, spans: &[Span]) {
        self.xml.push_str(r#"<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr>"#);
        for span in spans {
            self.xml.push_str(&run(&span.text, ""));
        }
        self.xml.push_str("</w:p>");
    }

    fn table(&mut self, table: &Table) {
        if !table.title.trim().is_empty() {
            // The caption stays on the page of the table it names.
            self.paragraph("Caption", &table.title, "<w:keepNext/>");
        }
        if table.columns.is_empty() {
            // Word rejects a row without cells: a table without columns is said in words instead.
            self.paragraph("BodyText", "（无数据）", "");
            return;
        }
        let widths = column_widths(table);
        let cols = table.columns.len();
        let grid: String = widths.iter().map(|w| format!(r#"<w:gridCol w:w="{w}"/>"#)).collect();
        self.xml.push_str(&format!(
            r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>{}</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"#,
            widths.iter().sum::<u32>(),
            parts::table_borders(),
        ));
        // Header row: bold, repeated at the top of each page the table runs onto.
        self.xml
            .push_str(r#"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"#);
        for (col, w) in table.columns.iter().zip(&widths) {
            self.xml.push_str(&cell_xml(&header_text(col), *w, "center", true, 1));
        }
        self.xml.push_str("</w:tr>");
        for row in &table.rows {
            self.xml.push_str(r#"<w:tr><w:trPr><w:cantSplit/></w:trPr>"#);
            for (i, (col, w)) in table.columns.iter().zip(&widths).enumerate() {
                let cell = row.get(i).unwrap_or(&Cell::Empty);
                let align = if is_numeric(&col.kind) { "right" } else { "center" };
                self.xml.push_str(&cell_xml(&format_cell(cell), *w, align, false, 1));
            }
            self.xml.push_str("</w:tr>");
        }
        if table.rows.is_empty() {
            // An empty table still says so, rather than printing a header with nothing under it.
            self.xml.push_str("<w:tr>");
            self.xml
                .push_str(&cell_xml("（无）", widths.iter().sum(), "center", false, cols));
            self.xml.push_str("</w:tr>");
        }
        self.xml.push_str("</w:tbl>");
        // Word needs a paragraph between two tables, or it merges them.
        self.xml
            .push_str(r#"<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr></w:p>"#);
    }

    fn chart(&mut self, chart: &Chart) -> Result<(), RenderError> {
        let svg = chart::render(chart, false);
        let png = png::rasterise(&svg, &chart.title)?;
        self.figure(&chart.title, svg, png, CHART_CX, CHART_CY);
        Ok(())
    }

    /// The map of who helps whom: a PNG with its SVG, as tall as its outline needs at the charts' width.
    fn map(&mut self, m: &crate::model::MapFigure) -> Result<(), RenderError> {
        let svg = crate::map::render(m, false);
        let png = png::rasterise(&svg, &m.title)?;
        let (w, h) = svg_size(&svg).unwrap_or((4.0, 3.0));
        let cy = (CHART_CX as f64 * h / w).round() as u64;
        self.figure(&m.title, svg, png, CHART_CX, cy);
        Ok(())
    }

    /// A picture (PNG with its SVG) and its numbered caption.
    fn figure(&mut self, title: &str, svg: String, png: Vec<u8>, cx: u64, cy: u64) {
        self.charts += 1;
        let n = self.charts;
        let media = Media {
            png_name: format!("chart{n}.png"),
            png_rel: format!("rIdChart{n}Png"),
            png,
            svg_name: format!("chart{n}.svg"),
            svg_rel: format!("rIdChart{n}Svg"),
            svg,
        };
        let descr = escape(title);
        self.xml.push_str(&format!(
            r#"<w:p><w:pPr><w:pStyle w:val="Figure"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{n}" name="图{n}" descr="{descr}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name="{png_name}" descr="{descr}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{png_rel}"><a:extLst><a:ext uri="{{96DAC541-7B7A-43D3-8B79-37D633B846F1}}"><asvg:svgBlip r:embed="{svg_rel}"/></a:ext></a:extLst></a:blip><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#,
            png_name = media.png_name,
            png_rel = media.png_rel,
            svg_rel = media.svg_rel,
        ));
        let caption = if is_numbered(title, '图') || title.trim().is_empty() {
            title.to_string()
        } else {
            format!("图{n} {title}")
        };
        if !caption.is_empty() {
            self.paragraph("Caption", &caption, "");
        }
        self.media.push(media);
    }
}

/// The width and height an SVG's root declares.
fn svg_size(svg: &str) -> Option<(f64, f64)> {
    let attr = |name: &str| -> Option<f64> {
        let start = svg.find(&format!(" {name}=\""))? + name.len() + 3;
        let rest = &svg[start..];
        rest[..rest.find('"')?].parse().ok()
    };
    Some((attr("width")?, attr("height")?)).filter(|(w, h)| *w > 0.0 && *h > 0.0)
}

/// Whether a caption already starts with its number ("图1 …", "表2 …").
fn is_numbered(title: &str, prefix: char) -> bool {
    let mut chars = title.trim_start().chars();
    chars.next() == Some(prefix) && chars.next().is_some_and(|c| c.is_ascii_digit())
}

/// Runs for a piece of text: line breaks become `w:br`, tabs `w:tab`.
fn run(text: &str, rpr: &str) -> String {
    let rpr = if rpr.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{rpr}</w:rPr>")
    };
    let mut out = format!("<w:r>{rpr}");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.trim_end_matches('\r').split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                out.push_str(&format!(r#"<w:t xml:space="preserve">{}</w:t>"#, escape(piece)));
            }
        }
    }
    out.push_str("</w:r>");
    out
}

fn cell_xml(text: &str, width: u32, align: &str, bold: bool, span: usize) -> String {
    let span = if span > 1 {
        format!(r#"<w:gridSpan w:val="{span}"/>"#)
    } else {
        String::new()
    };
    let rpr = if bold { "<w:b/><w:bCs/>" } else { "" };
    format!(
        r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/><w:jc w:val="{align}"/></w:pPr>{}</w:p></w:tc>"#,
        run(text, rpr)
    )
}

/// Column widths in twips, laid out the way browsers lay out automatic tables. Each column has a natural width
/// (its widest content on one line, see [`text_twips`]) and a minimum: figures and dates never wrap, their header
/// may take two lines; text may wrap down to four characters. If the natural widths fit, the spare width is shared
/// in proportion; if not, every column gets its minimum and the rest goes to those that want more, in proportion
/// to how much more they want; only if even the minimums do not fit are they scaled down.
fn column_widths(table: &Table) -> Vec<u32> {
    const MARGINS: u64 = 2 * 108 + 60;
    let available = u64::from(TEXT_WIDTH_TWIPS);
    if table.columns.is_empty() {
        return vec![TEXT_WIDTH_TWIPS];
    }
    let (natural, minimum): (Vec<u64>, Vec<u64>) = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, col)| {
            let cells = table
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| longest_line(&format_cell(c)))
                .max();
            let cells = cells.unwrap_or(0);
            // The header is bold: a little wider than the same text in a cell.
            let header = longest_line(&header_text(col)) * 21 / 20;
            let natural = cells.max(header) + MARGINS;
            let wraps = matches!(col.kind, ColumnKind::Text | ColumnKind::Choice { .. });
            let minimum = if wraps {
                natural.min(4 * 240 + MARGINS)
            } else {
                cells.max(header / 2) + MARGINS
            };
            (
                natural,
                minimum.max(2 * 240 + MARGINS).min(natural.max(2 * 240 + MARGINS)),
            )
        })
        .unzip();
    let natural: Vec<u64> = natural.iter().zip(&minimum).map(|(n, m)| (*n).max(*m)).collect();
    let total: u64 = natural.iter().sum();
    let least: u64 = minimum.iter().sum();
    let mut widths: Vec<u64> = if total <= available {
        natural.iter().map(|w| w * available / total.max(1)).collect()
    } else if least <= available {
        let spare = available - least;
        let wanted = total - least;
        natural
            .iter()
            .zip(&minimum)
            .map(|(n, m)| m + (n - m) * spare / wanted.max(1))
            .collect()
    } else {
        minimum.iter().map(|m| m * available / least.max(1)).collect()
    };
    // Rounding leftovers go to the last column so the table spans the text width exactly.
    let used: u64 = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += available.saturating_sub(used);
    }
    widths
        .into_iter()
        .map(|w| u32::try_from(w).unwrap_or(TEXT_WIDTH_TWIPS))
        .collect()
}

/// Width in twips of the longest line of `text`.
fn longest_line(text: &str) -> u64 {
    text.lines().map(text_twips).max().unwrap_or(0)
}

/// Estimated width in twips of one line of table text (小四, 12 pt): a CJK character is 240, a Latin character
/// about half that, and Word/WPS/LibreOffice add about a quarter em where CJK meets Latin letters or digits
/// ("2014年9月1日" is wider than its characters).
fn text_twips(line: &str) -> u64 {
    let mut width = 0;
    let mut prev_wide: Option<bool> = None;
    for c in line.chars() {
        let wide = is_wide(c);
        width += if wide {
            240
        } else if c.is_ascii_uppercase() || c == 'm' || c == 'w' {
            170
        } else {
            125
        };
        if c.is_alphanumeric() || wide {
            if prev_wide.is_some_and(|p| p != wide) {
                width += 60;
            }
            prev_wide = Some(wide);
        }
    }
    width
}

fn package(doc: &Document, body: &Body) -> Result<Vec<u8>, RenderError> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{NS_W}" xmlns:r="{NS_R}" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" xmlns:asvg="http://schemas.microsoft.com/office/drawing/2016/SVG/main"><w:body>{}{}</w:body></w:document>"#,
        body.xml,
        parts::section_properties()
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let fail = |e: &dyn std::fmt::Display| RenderError::Docx(e.to_string());
    let mut add = |name: &str, bytes: &[u8], options: SimpleFileOptions| -> Result<(), RenderError> {
        zip.start_file(name, options).map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))
    };
    add("[Content_Types].xml", parts::content_types().as_bytes(), deflated)?;
    add("_rels/.rels", parts::package_rels().as_bytes(), deflated)?;
    add("docProps/core.xml", parts::core_props(&doc.title).as_bytes(), deflated)?;
    add("docProps/app.xml", parts::app_props().as_bytes(), deflated)?;
    add("word/document.xml", document.as_bytes(), deflated)?;
    add(
        "word/_rels/document.xml.rels",
        parts::document_rels(&body.media).as_bytes(),
        deflated,
    )?;
    add("word/styles.xml", parts::styles().as_bytes(), deflated)?;
    add("word/settings.xml", parts::settings().as_bytes(), deflated)?;
    add("word/fontTable.xml", parts::font_table().as_bytes(), deflated)?;
    add("word/footer1.xml", parts::footer().as_bytes(), deflated)?;
    for m in &body.media {
        // PNG is compressed already; deflating it again only costs time.
        add(&format!("word/media/{}", m.png_name), &m.png, stored)?;
        add(&format!("word/media/{}", m.svg_name), m.svg.as_bytes(), deflated)?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Column;

    #[test]
    fn widths_fill_the_text_width() {
        let table = Table {
            title: "表1".into(),
            columns: vec![
                Column {
                    header: "姓名".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "派出日期".into(),
                    kind: ColumnKind::Date,
                },
                Column {
                    header: "备注".into(),
                    kind: ColumnKind::Text,
                },
            ],
            rows: vec![vec![
                Cell::Text("张三".into()),
                Cell::Date(chrono::NaiveDate::from_ymd_opt(2014, 12, 20).unwrap()),
                Cell::Text("很长的备注".repeat(20)),
            ]],
        };
        let w = column_widths(&table);
        assert_eq!(w.iter().sum::<u32>(), TEXT_WIDTH_TWIPS);
        // The long remark wraps; the name and the date keep their one-line widths.
        assert!(w[2] > w[0]);
        assert!(u64::from(w[1]) >= text_twips("2014年12月20日"), "{w:?}");
        assert_eq!(text_twips("2014年9月1日"), 3 * 240 + 6 * 125 + 5 * 60);
    }

    #[test]
    fn captions_numbered_once() {
        assert!(is_numbered("图1 资金", '图'));
        assert!(!is_numbered("图表", '图'));
    }

    #[test]
    fn runs_keep_breaks_and_escape() {
        assert_eq!(
            run("a<b\nc", ""),
            r#"<w:r><w:t xml:space="preserve">a&lt;b</w:t><w:br/><w:t xml:space="preserve">c</w:t></w:r>"#
        );
    }
}
