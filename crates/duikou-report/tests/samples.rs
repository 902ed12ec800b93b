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
    for (i, chart) in [common::money_chart(), common::people_chart()].iter().enumerate() {
        std::fs::write(dir.join(format!("chart{}.svg", i + 1)), svg(chart)).unwrap();
        std::fs::write(dir.join(format!("chart{}.png", i + 1)), png(chart).unwrap()).unwrap();
    }
}
