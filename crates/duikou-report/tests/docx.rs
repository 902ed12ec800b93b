//! The .docx of a 工作总结: a well-formed package with heading styles, Chinese fonts, page numbers, bordered tables
//! and one picture (PNG + SVG) per chart; converted to PDF by LibreOffice when it is installed.

mod common;

use duikou_report::*;
use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

fn unzip(bytes: &[u8]) -> zip::ZipArchive<Cursor<&[u8]>> {
    zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip package")
}

fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Vec<u8> {
    let mut f = zip.by_name(name).unwrap_or_else(|_| panic!("part {name}"));
    let mut buf = Vec::new();
    f.read_to_end(&mut buf).unwrap();
    buf
}

fn text_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> String {
    String::from_utf8(part(zip, name)).unwrap()
}

#[test]
fn every_xml_part_is_well_formed() {
    let bytes = docx(&common::summary()).unwrap();
    let mut zip = unzip(&bytes);
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    for required in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "word/footer1.xml",
    ] {
        assert!(names.iter().any(|n| n == required), "missing {required}");
    }
    for name in names
        .iter()
        .filter(|n| n.ends_with(".xml") || n.ends_with(".rels") || n.ends_with(".svg"))
    {
        let xml = text_part(&mut zip, name);
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn headings_use_heading_styles_and_body_text_is_there() {
    let doc = common::summary();
    let bytes = docx(&doc).unwrap();
    let xml = text_part(&mut unzip(&bytes), "word/document.xml");
    let parsed = roxmltree::Document::parse(&xml).unwrap();
    // Pair each paragraph's style with its text.
    let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let paragraphs: Vec<(String, String)> = parsed
        .descendants()
        .filter(|n| n.has_tag_name((w, "p")))
        .map(|p| {
            let style = p
                .descendants()
                .find(|n| n.has_tag_name((w, "pStyle")))
                .and_then(|n| n.attribute((w, "val")))
                .unwrap_or("")
                .to_string();
            let text: String = p
                .descendants()
                .filter(|n| n.has_tag_name((w, "t")))
                .filter_map(|n| n.text())
                .collect();
            (style, text)
        })
        .collect();
    for heading in ["一、基本情况", "二、工作开展情况", "三、存在问题", "四、下一步建议"] {
        assert!(
            paragraphs.contains(&("Heading1".into(), heading.into())),
            "{heading} as Heading1"
        );
    }
    assert!(paragraphs.contains(&("Heading2".into(), "（一）援教工作按计划实施".into())));
    assert!(paragraphs.contains(&("Title".into(), doc.title.clone())));
    let body = paragraphs
        .iter()
        .find(|(s, t)| s == "BodyText" && t.contains("先后分5批派出14名优秀教师"))
        .unwrap();
    assert!(body.1.contains("直接授课1500余课时"));
    assert!(paragraphs.contains(&(
        "BodyText".into(),
        "1．部分援教教师在岗时间不足一个月，未达到协议要求。".into()
    )));
    assert!(paragraphs.contains(&("Caption".into(), "图1 援派人员构成".into())));
    // Markup in a cell is text, escaped once.
    assert!(xml.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    // A4 with the footer attached.
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#));
    assert!(xml.contains(r#"<w:footerReference w:type="default" r:id="rIdFooter1"/>"#));
}

#[test]
fn styles_carry_chinese_fonts_sizes_and_outline_levels() {
    let bytes = docx(&common::summary()).unwrap();
    let mut zip = unzip(&bytes);
    let styles = text_part(&mut zip, "word/styles.xml");
    for font in ["仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"] {
        assert!(styles.contains(&format!(r#"w:eastAsia="{font}""#)), "eastAsia {font}");
    }
    assert!(styles.contains(r#"<w:name w:val="heading 1"/>"#) && styles.contains(r#"<w:outlineLvl w:val="0"/>"#));
    assert!(styles.contains(r#"<w:name w:val="heading 2"/>"#) && styles.contains(r#"<w:outlineLvl w:val="1"/>"#));
    assert!(styles.contains(r#"<w:sz w:val="32"/>"#), "三号 body");
    assert!(styles.contains(r#"<w:sz w:val="44"/>"#), "二号 title");
    assert!(
        styles.contains(r#"w:firstLineChars="200""#),
        "two-character first-line indent"
    );
    let fonts = text_part(&mut zip, "word/fontTable.xml");
    assert!(fonts.contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>"#));
    assert!(fonts.contains(r#"<w:font w:name="FangSong"><w:altName w:val="SimSun"/>"#));
}

#[test]
fn footer_has_a_centred_page_field() {
    let bytes = docx(&common::summary()).unwrap();
    let footer = text_part(&mut unzip(&bytes), "word/footer1.xml");
    assert!(footer.contains(r#"<w:instrText xml:space="preserve"> PAGE </w:instrText>"#));
    assert!(footer.contains("— </w:t>") && footer.contains(" —</w:t>"));
    assert!(footer.contains(r#"<w:pStyle w:val="Footer"/>"#));
}

#[test]
fn tables_have_borders_and_a_bold_repeated_header() {
    let bytes = docx(&common::summary()).unwrap();
    let xml = text_part(&mut unzip(&bytes), "word/document.xml");
    assert_eq!(xml.matches("<w:tbl>").count(), 3);
    assert!(xml.contains(r#"<w:tblBorders><w:top w:val="single""#));
    assert!(xml.contains(r#"<w:insideV w:val="single""#));
    assert!(xml.contains("<w:tblHeader/>"));
    assert!(xml.contains(r#"<w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">批次</w:t>"#));
    // Money in 万元 with two decimals, the unit in the header; percents and Chinese dates.
    assert!(xml.contains(">金额（万元）<"));
    assert!(xml.contains(">1,200.00<") && xml.contains(">146.56<") && xml.contains(">3,696.56<"));
    assert!(xml.contains(">54.63%<"));
    assert!(xml.contains(">2004年9月1日<") && xml.contains(">2014年12月20日<"));
}

#[test]
fn one_picture_per_chart_png_with_svg() {
    let bytes = docx(&common::summary()).unwrap();
    let mut zip = unzip(&bytes);
    let rels = text_part(&mut zip, "word/_rels/document.xml.rels");
    let images = rels.matches("relationships/image").count();
    assert_eq!(images, 4, "a PNG and an SVG for each of the two charts");
    let xml = text_part(&mut zip, "word/document.xml");
    assert_eq!(xml.matches("<pic:pic>").count(), 2);
    assert!(xml.contains(r#"<a:blip r:embed="rIdChart1Png">"#));
    assert!(xml.contains(r#"<asvg:svgBlip r:embed="rIdChart1Svg"/>"#));
    for n in 1..=2 {
        let png = part(&mut zip, &format!("word/media/chart{n}.png"));
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(png.len() > 10_000, "a real picture, not a blank");
        let svg = text_part(&mut zip, &format!("word/media/chart{n}.svg"));
        assert!(svg.contains("<svg"));
    }
    let types = text_part(&mut zip, "[Content_Types].xml");
    assert!(types.contains(r#"Extension="svg" ContentType="image/svg+xml""#));
}

#[test]
fn same_document_same_bytes() {
    let doc = common::summary();
    assert_eq!(docx(&doc).unwrap(), docx(&doc).unwrap());
}

#[test]
fn empty_and_odd_documents_still_make_valid_packages() {
    let empty = Document {
        title: String::new(),
        subtitle: None,
        sections: vec![],
        appendix: vec![],
    };
    let bytes = docx(&empty).unwrap();
    let xml = text_part(&mut unzip(&bytes), "word/document.xml");
    roxmltree::Document::parse(&xml).unwrap();

    let odd = Document {
        title: "标题\u{0007}带控制字符 & <尖括号>".into(),
        subtitle: Some(String::new()),
        sections: vec![Section {
            heading: "一、空表与空图".into(),
            blocks: vec![
                Block::Table(Table {
                    title: String::new(),
                    columns: vec![],
                    rows: vec![vec![Cell::Int(1)]],
                }),
                Block::Table(Table {
                    title: "表 无行".into(),
                    columns: vec![Column {
                        header: "甲".into(),
                        kind: ColumnKind::Text,
                    }],
                    rows: vec![],
                }),
                Block::Chart(Chart {
                    title: "空图".into(),
                    kind: ChartKind::Bar,
                    categories: vec![],
                    series: vec![],
                    unit: String::new(),
                }),
                Block::Paragraph {
                    spans: vec![Span::text("第一行\n第二行\t制表")],
                },
            ],
        }],
        appendix: vec![],
    };
    let bytes = docx(&odd).unwrap();
    let mut zip = unzip(&bytes);
    let xml = text_part(&mut zip, "word/document.xml");
    roxmltree::Document::parse(&xml).unwrap();
    assert!(xml.contains("（无）") && xml.contains("（无数据）") && xml.contains("<w:br/>"));
    roxmltree::Document::parse(&text_part(&mut zip, "docProps/core.xml")).unwrap();
}

/// The path of LibreOffice's command, if installed.
fn soffice() -> Option<&'static str> {
    ["soffice", "libreoffice"].into_iter().find(|cmd| {
        Command::new(cmd)
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    })
}

#[test]
fn libreoffice_converts_it_to_pdf() {
    let Some(soffice) = soffice() else {
        eprintln!(
            "skipped: LibreOffice (soffice/libreoffice) is not installed; apt-get install libreoffice-writer-nogui"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("summary.docx");
    std::fs::write(&input, docx(&common::summary()).unwrap()).unwrap();
    // A profile of its own, so a LibreOffice already running (or another test) does not take the conversion over.
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("profile").display());
    let out = Command::new(soffice)
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&input)
        .output()
        .unwrap();
    let pdf = dir.path().join("summary.pdf");
    assert!(
        pdf.exists(),
        "conversion failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    if let Some(text) = pdftotext(&pdf) {
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(flat.contains("一、基本情况"), "{text}");
        assert!(flat.contains("直接授课1500余课时"), "{text}");
        assert!(flat.contains("—1—"), "page number in the footer: {text}");
    }
}

fn pdftotext(pdf: &Path) -> Option<String> {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
