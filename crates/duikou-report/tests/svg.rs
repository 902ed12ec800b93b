//! Charts as SVG: well-formed XML for every kind, including empty and degenerate data; Chinese labels, legend and
//! value labels present; no NaN; the same chart always gives the same text. Each also rasterises to PNG.

mod common;

use duikou_report::*;

const KINDS: [ChartKind; 4] = [ChartKind::Bar, ChartKind::StackedBar, ChartKind::Line, ChartKind::Pie];

fn chart(kind: ChartKind, categories: &[&str], series: &[(&str, &[f64])]) -> Chart {
    Chart {
        title: "援派人员按年度".into(),
        kind,
        categories: categories.iter().map(|c| c.to_string()).collect(),
        series: series
            .iter()
            .map(|(n, v)| Series {
                name: n.to_string(),
                values: v.to_vec(),
            })
            .collect(),
        unit: "人".into(),
    }
}

fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::to_string)
        .collect()
}

fn check(c: &Chart) -> Vec<String> {
    let out = svg(c);
    assert_eq!(out, svg(c), "deterministic");
    assert!(!out.contains("NaN") && !out.contains("inf"), "{out}");
    assert!(out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(
        out.contains("Noto Sans CJK SC") && out.contains("Microsoft YaHei"),
        "CJK font list"
    );
    let png = png(c).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    texts(&out)
}

#[test]
fn every_kind_with_data() {
    let years = ["2014年", "2015年", "2016年"];
    let series: &[(&str, &[f64])] = &[("教师", &[5.0, 4.0, 5.0]), ("管理干部", &[1.0, 0.0, 1.5])];
    for kind in KINDS {
        let t = check(&chart(kind, &years, series));
        assert!(t.contains(&"援派人员按年度".to_string()), "{kind:?}: title");
        if kind == ChartKind::Pie {
            assert!(
                t.iter()
                    .any(|s| s.starts_with("2014年") && s.contains("5人") && s.contains("35.7%")),
                "{t:?}"
            );
        } else {
            for label in ["2014年", "2015年", "2016年", "教师", "管理干部", "单位：人"] {
                assert!(t.contains(&label.to_string()), "{kind:?}: {label} in {t:?}");
            }
            assert!(t.contains(&"1.5".to_string()), "{kind:?}: value label in {t:?}");
        }
    }
    // Stacks are labelled with their totals.
    let t = check(&chart(ChartKind::StackedBar, &years, series));
    assert!(t.contains(&"6.5".to_string()), "{t:?}");
}

#[test]
fn empty_zero_and_broken_data() {
    let cases: Vec<Chart> = vec![
        chart(ChartKind::Bar, &[], &[]),
        chart(ChartKind::Bar, &["甲"], &[]),
        chart(ChartKind::Bar, &[], &[("教师", &[])]),
        chart(ChartKind::Bar, &["甲", "乙"], &[("教师", &[0.0, 0.0])]),
        chart(
            ChartKind::Bar,
            &["甲", "乙", "丙"],
            &[("教师", &[f64::NAN, f64::INFINITY, 3.0])],
        ),
        chart(ChartKind::Bar, &["甲", "乙", "丙"], &[("教师", &[1.0])]),
        chart(ChartKind::Bar, &["甲", "乙"], &[("增减", &[-12.5, 30.0])]),
        chart(
            ChartKind::StackedBar,
            &["甲", "乙"],
            &[("a", &[-1.0, 2.0]), ("b", &[3.0, -4.0])],
        ),
        chart(ChartKind::Line, &["甲", "乙", "丙"], &[("教师", &[1.0, f64::NAN, 3.0])]),
        chart(ChartKind::Line, &["甲"], &[("教师", &[0.0])]),
        chart(ChartKind::Pie, &["甲", "乙"], &[("人数", &[0.0, 0.0])]),
        chart(ChartKind::Pie, &["甲", "乙"], &[("人数", &[-5.0, 5.0])]),
        chart(ChartKind::Pie, &["甲"], &[]),
        chart(ChartKind::Pie, &[], &[("人数", &[1.0])]),
    ];
    for c in &cases {
        check(c);
    }
    for kind in KINDS {
        let t = check(&chart(kind, &[], &[]));
        assert!(t.contains(&"暂无数据".to_string()), "{kind:?}");
        let t = check(&chart(kind, &["甲"], &[("教师", &[0.0])]));
        assert_eq!(
            t.contains(&"暂无数据".to_string()),
            kind == ChartKind::Pie,
            "{kind:?}: zeros"
        );
    }
}

#[test]
fn markup_and_long_labels_stay_text() {
    let many: Vec<String> = (1..=24).map(|i| format!("新疆维吾尔自治区第{i}地区<b>")).collect();
    let cats: Vec<&str> = many.iter().map(String::as_str).collect();
    let values: Vec<f64> = (1..=24).map(f64::from).collect();
    for kind in KINDS {
        let mut c = chart(kind, &cats, &[("<script>alert(1)</script>", &values)]);
        c.title = "标题 & <i>斜体</i>".into();
        let out = svg(&c);
        assert!(!out.contains("<script>") && !out.contains("<b>") && !out.contains("<i>"));
        let t = check(&c);
        assert!(t.contains(&"标题 & <i>斜体</i>".to_string()));
    }
}

#[test]
fn snapshot_of_a_small_bar_chart_is_stable() {
    let c = chart(ChartKind::Bar, &["2014年", "2015年"], &[("教师", &[5.0, 4.0])]);
    let out = svg(&c);
    // Fixed formatting: coordinates with one decimal, values as given.
    assert!(out.contains(
        r##"<text x="320.0" y="28" text-anchor="middle" font-size="17" font-weight="bold" fill="#262626">援派人员按年度</text>"##
    ));
    assert!(out.contains(">5</text>") && out.contains(">4</text>"));
    assert_eq!(
        out.matches("<rect").count(),
        1 + 2 + 1,
        "background, two bars, one legend swatch"
    );
}

#[test]
fn the_sample_charts_render() {
    check(&common::money_chart());
    check(&common::people_chart());
}
