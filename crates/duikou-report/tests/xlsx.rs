//! The .xlsx of typed tables: reopened with the import reader (read_table) it gives back the same headers, money in
//! 万元, percents as fractions and dates as dates; templates carry drop-down validation in the sheet XML.

mod common;

use duikou_report::*;
use std::io::{Cursor, Read};

fn sheet_xml(bytes: &[u8], path: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(path).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn reopens_with_the_same_headers_money_percent_and_dates() {
    let bytes = xlsx(&common::workbook()).unwrap();
    let table = read_table(&bytes, "援助资金.xlsx").unwrap();
    assert_eq!(table.sheet.as_deref(), Some("援助资金"));
    let expected: Vec<String> = common::money_table().columns.iter().map(|c| c.header.clone()).collect();
    assert_eq!(table.headers, expected);
    assert_eq!(table.header_row, 1);
    assert_eq!(table.rows.len(), 5);
    let first = &table.rows[0];
    assert_eq!(first.row, 2);
    assert_eq!(first.cells[0], RawCell::Number(2014.0));
    assert_eq!(first.cells[1], RawCell::Text("中央财政".into()));
    assert_eq!(first.cells[2], RawCell::Number(1200.0), "1 200 000 000 fen = 1200 万元");
    match first.cells[3] {
        RawCell::Number(p) => assert!((p - 0.5463).abs() < 1e-12),
        ref other => panic!("percent as a fraction, got {other:?}"),
    }
    assert_eq!(first.cells[4], RawCell::Date(common::date(2014, 12, 20)));
    assert_eq!(table.rows[2].cells[2], RawCell::Number(146.5555));
    // The 合计 row: text in a number column stays text, empty cells are empty.
    assert_eq!(table.rows[4].cells[0], RawCell::Text("合计".into()));
    assert_eq!(table.rows[4].cells[1], RawCell::Empty);
}

#[test]
fn template_sheet_by_name_with_validation_and_frozen_header() {
    let bytes = xlsx(&common::workbook()).unwrap();
    let options = ReadOptions {
        sheet: Some("援派人员".into()),
        ..ReadOptions::default()
    };
    let table = read_table_with(&bytes, "模板.xlsx", &options).unwrap();
    assert_eq!(table.headers[..3], ["批次", "姓名", "身份"]);
    assert_eq!(table.rows.len(), 16);
    assert_eq!(table.rows.last().unwrap().row, 17);
    assert_eq!(table.rows[0].cells[3], RawCell::Date(common::date(2004, 9, 1)));

    let sheet = sheet_xml(&bytes, "xl/worksheets/sheet2.xml");
    assert!(sheet.contains(r#"<dataValidation type="list""#), "{sheet}");
    assert!(
        sheet.contains(r#"sqref="C2:C201""#),
        "validation over validation_rows data rows"
    );
    assert!(sheet.contains("<formula1>\"教师,管理干部\"</formula1>"));
    assert!(sheet.contains(r#"state="frozen""#) && sheet.contains(r#"ySplit="1""#));
    // The export sheet has no validation but a frozen header too.
    let export = sheet_xml(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!export.contains("dataValidation"));
    assert!(export.contains(r#"state="frozen""#));

    let styles = sheet_xml(&bytes, "xl/styles.xml");
    assert!(styles.contains("#,##0.00&quot;万元&quot;"), "{styles}");
    assert!(styles.contains("yyyy-mm-dd"));
    assert!(styles.contains("0.00%"));
    assert!(styles.contains("<b/>"), "bold header");
}

#[test]
fn column_widths_fit_chinese_text() {
    let bytes = xlsx(&common::workbook()).unwrap();
    let sheet = sheet_xml(&bytes, "xl/worksheets/sheet2.xml");
    let doc = roxmltree::Document::parse(&sheet).unwrap();
    let widths: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("col"))
        .filter_map(|n| n.attribute("width").and_then(|w| w.parse().ok()))
        .collect();
    assert!(!widths.is_empty());
    // 备注 holds 27 characters of markup: its column is wider than 姓名's.
    assert!(widths.iter().all(|w| *w >= 8.0));
    assert!(widths.last().unwrap() > &widths[1]);
}

#[test]
fn long_option_lists_go_to_a_hidden_sheet() {
    let options: Vec<String> = (1..=60).map(|i| format!("新疆维吾尔自治区第{i}师")).collect();
    let mut with_comma = options.clone();
    with_comma.push("甲,乙".into());
    let book = Workbook {
        sheets: vec![Sheet {
            name: "需求".into(),
            table: Table {
                title: String::new(),
                columns: vec![
                    Column {
                        header: "所属单位".into(),
                        kind: ColumnKind::Choice { options },
                    },
                    Column {
                        header: "类别".into(),
                        kind: ColumnKind::Choice { options: with_comma },
                    },
                ],
                rows: vec![],
            },
            validation_rows: 50,
        }],
    };
    let bytes = xlsx(&book).unwrap();
    let sheet = sheet_xml(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<formula1>'_选项'!$A$1:$A$60</formula1>"), "{sheet}");
    assert!(sheet.contains("<formula1>'_选项'!$B$1:$B$61</formula1>"), "{sheet}");
    let workbook = sheet_xml(&bytes, "xl/workbook.xml");
    assert!(workbook.contains(r#"name="_选项""#) && workbook.contains(r#"state="hidden""#));
    // Reading without a sheet name takes the visible data sheet, not the options.
    let table = read_table(&bytes, "需求.xlsx").unwrap();
    assert_eq!(table.headers, ["所属单位", "类别"]);
    assert!(table.rows.is_empty());
}

#[test]
fn odd_workbooks_still_save() {
    assert!(xlsx(&Workbook { sheets: vec![] }).is_ok());
    let odd = Workbook {
        sheets: vec![Sheet {
            name: "a/b:c?".into(),
            table: Table {
                title: String::new(),
                columns: vec![
                    Column {
                        header: "数".into(),
                        kind: ColumnKind::Number,
                    },
                    Column {
                        header: "日期".into(),
                        kind: ColumnKind::Date,
                    },
                ],
                rows: vec![
                    vec![Cell::Number(f64::NAN), Cell::Date(common::date(1850, 1, 1))],
                    vec![Cell::Int(1)],
                ],
            },
            validation_rows: 0,
        }],
    };
    let bytes = xlsx(&odd).unwrap();
    let table = read_table(&bytes, "x.xlsx").unwrap();
    assert_eq!(table.sheet.as_deref(), Some("a_b_c_"));
    assert_eq!(
        table.rows[0].cells,
        [RawCell::Empty, RawCell::Text("1850-01-01".into())]
    );
    // A too-long string is refused with a message naming the sheet.
    let too_long = Workbook {
        sheets: vec![Sheet {
            name: "长".into(),
            table: Table {
                title: String::new(),
                columns: vec![Column {
                    header: "备注".into(),
                    kind: ColumnKind::Text,
                }],
                rows: vec![vec![Cell::Text("字".repeat(40_000))]],
            },
            validation_rows: 0,
        }],
    };
    let err = xlsx(&too_long).unwrap_err().to_string();
    assert!(err.starts_with("生成 xlsx 失败：工作表“长”"), "{err}");
}
