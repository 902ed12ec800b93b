//! Writes every output of the sample 工作总结 to the folder named by DUIKOU_REPORT_OUT, for looking at by eye
//! (open the .docx in Word/WPS, the .html in a browser). Does nothing when the variable is not set.

mod common;

use duikou_report::*;
use std::path::PathBuf;

#[test]
fn write_samples_when_asked() {
    let Some(dir) = std::env::var_os("DUIKOU_REPORT_OUT").map(PathBuf::from) else {
        return;
    };
    std::fs::create_dir_all(&dir).unwrap();
    let doc = common::summary();
    std::fs::write(dir.join("summary.docx"), docx(&doc).unwrap()).unwrap();
    std::fs::write(dir.join("summary.html"), html(&doc)).unwrap();
    std::fs::write(dir.join("summary.md"), markdown(&doc)).unwrap();
    std::fs::write(dir.join("tables.xlsx"), xlsx(&common::workbook()).unwrap()).unwrap();
    let regions: Vec<String> = [
        "喀什地区",
        "和田地区",
        "阿克苏地区",
        "克孜勒苏柯尔克孜自治州",
        "伊犁哈萨克自治州",
        "昌吉回族自治州",
    ]
    .map(String::from)
    .to_vec();
    let line = Chart {
        title: "受援地城镇居民人均可支配收入".into(),
        kind: ChartKind::Line,
        categories: (2011..=2016).map(|y| format!("{y}年")).collect(),
        series: vec![
            Series {
                name: "喀什".into(),
                values: vec![1.52, 1.71, 1.95, 2.18, 2.36, 2.55],
            },
            Series {
                name: "和田".into(),
                values: vec![1.31, 1.49, 1.66, f64::NAN, 2.05, 2.21],
            },
        ],
        unit: "万元".into(),
    };
    let bars = Chart {
        title: "各地区援建项目数".into(),
        kind: ChartKind::Bar,
        categories: regions,
        series: vec![
            Series {
                name: "已完工".into(),
                values: vec![12.0, 8.0, 15.0, 3.0, 9.0, 0.0],
            },
            Series {
                name: "在建".into(),
                values: vec![4.0, 6.0, 2.0, 5.0, 1.0, -2.0],
            },
        ],
        unit: "项".into(),
    };
    let charts = [common::money_chart(), common::people_chart(), line, bars];
    for (i, chart) in charts.iter().enumerate() {
        std::fs::write(dir.join(format!("chart{}.svg", i + 1)), svg(chart)).unwrap();
        std::fs::write(dir.join(format!("chart{}.png", i + 1)), png(chart).unwrap()).unwrap();
    }
}
