//! Reading tables back for imports: CSV in UTF-8, UTF-8 with BOM and GBK; xlsx with a title row, merged cells and
//! formulas; and clean errors (never a panic) on empty, junk and truncated files.

mod common;

use duikou_report::*;
use rust_xlsxwriter::{Format, Formula, Workbook as XlsxBook};

const CSV: &str = "姓名,单位,派出日期,课时,,\n张三,南京农业大学,2014-09-01,120,,\n\n,,,,,\n李四,\"新疆农业大学,动科学院\",2015-03-01,\"8\"\"5\",,\n";

fn text(t: &str) -> RawCell {
    RawCell::Text(t.into())
}

fn check_csv_table(table: &RawTable) {
    assert_eq!(table.sheet, None);
    assert_eq!(
        table.headers,
        ["姓名", "单位", "派出日期", "课时"],
        "trailing empty columns dropped"
    );
    assert_eq!(table.rows.len(), 2, "empty rows skipped");
    assert_eq!(table.rows[0].row, 2);
    assert_eq!(
        table.rows[0].cells,
        [text("张三"), text("南京农业大学"), text("2014-09-01"), text("120")]
    );
    assert_eq!(table.rows[1].row, 5, "row numbers count the skipped empty rows");
    assert_eq!(table.rows[1].cells[1], text("新疆农业大学,动科学院"));
    assert_eq!(table.rows[1].cells[3], text("8\"5"));
}

#[test]
fn csv_in_utf8_with_and_without_bom_and_in_gbk() {
    check_csv_table(&read_table(CSV.as_bytes(), "援派人员.csv").unwrap());
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(CSV.as_bytes());
    check_csv_table(&read_table(&bom, "援派人员.CSV").unwrap());
    let (gbk, _, _) = encoding_rs::GBK.encode(CSV);
    assert!(std::str::from_utf8(&gbk).is_err(), "really GBK bytes");
    check_csv_table(&read_table(&gbk, "援派人员.csv").unwrap());
    let crlf = CSV.replace('\n', "\r\n");
    check_csv_table(&read_table(crlf.as_bytes(), "援派人员.csv").unwrap());
}

#[test]
fn csv_errors_say_where() {
    let err = read_table("姓名,备注\n张三,好\n李四,\"未闭合\n王五,x\n".as_bytes(), "a.csv").unwrap_err();
    assert_eq!(err.to_string(), "CSV 第 3 行：引号未闭合");
    assert_eq!(
        read_table(b"\x00\x01\x02binary", "a.csv").unwrap_err(),
        ReadError::Binary
    );
    assert_eq!(
        read_table(b"\xFF\xFF\x80\x80", "a.csv").unwrap_err(),
        ReadError::Encoding
    );
}

#[test]
fn header_found_below_a_title_when_expected_headers_are_given() {
    let csv = "援派人员导入模板,,\n说明：带*为必填,,\n姓名*,单位,备注\n张三,南京农业大学,\n";
    let options = ReadOptions {
        expected_headers: vec!["姓名".into(), "单位".into()],
        ..ReadOptions::default()
    };
    let table = read_table_with(csv.as_bytes(), "t.csv", &options).unwrap();
    assert_eq!(table.header_row, 3);
    assert_eq!(table.headers, ["姓名*", "单位", "备注"]);
    assert_eq!(table.rows[0].row, 4);
    // Without the hint the first row with content is the header.
    assert_eq!(read_table(csv.as_bytes(), "t.csv").unwrap().header_row, 1);
}

/// An xlsx as users make them: a merged title row, the header on row 2, a formula, a merged cell among the data,
/// data starting in column B.
fn messy_xlsx() -> Vec<u8> {
    let mut book = XlsxBook::new();
    let ws = book.add_worksheet();
    ws.set_name("援派人员").unwrap();
    let plain = Format::new();
    ws.merge_range(0, 1, 0, 4, "援派人员导入表", &plain).unwrap();
    for (c, h) in ["姓名", "课时", "双倍课时", "备注"].iter().enumerate() {
        ws.write_string(1, 1 + c as u16, *h).unwrap();
    }
    ws.write_string(2, 1, "张三").unwrap();
    ws.write_number(2, 2, 60.0).unwrap();
    ws.write_formula(2, 3, Formula::new("=C3*2").set_result("120")).unwrap();
    ws.merge_range(3, 1, 4, 1, "李四", &plain).unwrap();
    ws.write_number(3, 2, 45.0).unwrap();
    ws.write_boolean(4, 4, true).unwrap();
    ws.write_formula(6, 3, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_reports_merged_cells_and_formulas() {
    let bytes = messy_xlsx();
    let options = ReadOptions {
        expected_headers: vec!["姓名".into()],
        ..ReadOptions::default()
    };
    let table = read_table_with(&bytes, "援派人员.xlsx", &options).unwrap();
    assert_eq!(table.header_row, 2);
    assert_eq!(table.first_column, 2);
    assert_eq!(table.column_name(0), "B");
    assert_eq!(table.headers, ["姓名", "课时", "双倍课时", "备注"]);
    let rows: Vec<u32> = table.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, [3, 4, 5, 7]);
    assert_eq!(table.rows[0].cells[1], RawCell::Number(60.0));
    match &table.rows[0].cells[2] {
        RawCell::Formula { formula, cached } => {
            assert_eq!(formula, "C3*2");
            assert_eq!(**cached, RawCell::Number(120.0));
        }
        other => panic!("a formula, got {other:?}"),
    }
    assert_eq!(table.rows[0].cells[2].value(), &RawCell::Number(120.0));
    assert_eq!(table.rows[2].cells[3], RawCell::Bool(true));
    assert!(matches!(&table.rows[3].cells[2], RawCell::Formula { formula, .. } if formula == "1/0"));
    let merged: Vec<String> = table.merged.iter().map(MergedRange::a1).collect();
    assert!(merged.contains(&"B1:E1".to_string()), "{merged:?}");
    assert!(merged.contains(&"B4:B5".to_string()), "{merged:?}");
    let in_data: Vec<&MergedRange> = table.merged.iter().filter(|m| m.covers_row(4)).collect();
    assert_eq!(in_data.len(), 1);
}

#[test]
fn sheet_not_found_lists_the_sheets() {
    let options = ReadOptions {
        sheet: Some("项目".into()),
        ..ReadOptions::default()
    };
    let err = read_table_with(&messy_xlsx(), "a.xlsx", &options).unwrap_err();
    assert_eq!(err.to_string(), "工作簿中没有名为“项目”的工作表（现有：援派人员）");
    // Case and spaces do not matter.
    let options = ReadOptions {
        sheet: Some(" 援派人员 ".into()),
        ..ReadOptions::default()
    };
    assert!(read_table_with(&messy_xlsx(), "a.xlsx", &options).is_ok());
}

#[test]
fn unsupported_and_empty_files() {
    assert_eq!(read_table(b"", "a.xlsx").unwrap_err().to_string(), "文件是空的");
    assert_eq!(
        read_table(b"abc", "a.pdf").unwrap_err().to_string(),
        "无法识别的文件类型（支持 .xlsx 和 .csv）：a.pdf"
    );
    assert_eq!(
        read_table(b"abc", "无扩展名").unwrap_err(),
        ReadError::UnsupportedType("无扩展名".into())
    );
    assert_eq!(
        read_table(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], "a.xls").unwrap_err(),
        ReadError::OldExcel
    );
    assert_eq!(
        read_table(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], "a.xlsx").unwrap_err(),
        ReadError::OldExcel
    );
    let err = read_table("姓名,单位".as_bytes(), "a.xlsx").unwrap_err().to_string();
    assert!(err.starts_with("文件不是有效的 xlsx："), "{err}");
    let err = read_table(&messy_xlsx(), "a.csv").unwrap_err().to_string();
    assert!(err.contains("请把扩展名改为 .xlsx"), "{err}");
    // A sheet with nothing on it is an empty table, not an error.
    let mut book = XlsxBook::new();
    book.add_worksheet();
    let table = read_table(&book.save_to_buffer().unwrap(), "空.xlsx").unwrap();
    assert!(table.headers.is_empty() && table.rows.is_empty());
}

/// A small deterministic generator: the same "random" bytes on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 56) as u8
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next()).collect()
    }
}

#[test]
fn junk_gives_errors_not_panics() {
    let mut rng = Lcg(2014);
    for n in [1, 2, 7, 64, 1000, 20_000] {
        let junk = rng.bytes(n);
        assert!(read_table(&junk, "junk.xlsx").is_err());
        // A couple of random bytes can be a valid GBK character; longer junk cannot pass as text.
        let csv = read_table(&junk, "junk.csv");
        assert!(n < 64 || csv.is_err(), "{n} random bytes are not CSV text");
        // Junk behind a zip signature.
        let mut zipish = b"PK\x03\x04".to_vec();
        zipish.extend_from_slice(&junk);
        assert!(read_table(&zipish, "junk.xlsx").is_err());
    }
}

#[test]
fn truncated_and_corrupted_xlsx_never_panic() {
    let good = xlsx(&common::workbook()).unwrap();
    for cut in (0..good.len()).step_by(97) {
        let _ = read_table(&good[..cut], "cut.xlsx");
    }
    // Flip bytes here and there; whatever comes out must be a value or an error.
    let mut rng = Lcg(7);
    for _ in 0..200 {
        let mut bad = good.clone();
        for _ in 0..8 {
            let at = (usize::from(rng.next()) << 8 | usize::from(rng.next())) % bad.len();
            bad[at] = rng.next();
        }
        let _ = read_table(&bad, "bad.xlsx");
    }
    // A zip that is not a workbook.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("hello.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, b"hello").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let err = read_table(&bytes, "hello.xlsx").unwrap_err().to_string();
    assert!(err.starts_with("文件不是有效的 xlsx："), "{err}");
}

#[test]
fn round_trip_of_every_sheet_written_by_xlsx() {
    let book = common::workbook();
    let bytes = xlsx(&book).unwrap();
    for sheet in &book.sheets {
        let options = ReadOptions {
            sheet: Some(sheet.name.clone()),
            ..ReadOptions::default()
        };
        let table = read_table_with(&bytes, "book.xlsx", &options).unwrap();
        let headers: Vec<&str> = sheet.table.columns.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(table.headers, headers);
        assert_eq!(table.rows.len(), sheet.table.rows.len());
        for (read, written) in table.rows.iter().zip(&sheet.table.rows) {
            for (got, cell) in read.cells.iter().zip(written) {
                let expected = match cell {
                    Cell::Empty => RawCell::Empty,
                    Cell::Text(t) => RawCell::Text(t.clone()),
                    Cell::Int(i) => RawCell::Number(*i as f64),
                    Cell::Number(v) => RawCell::Number(*v),
                    Cell::Money(fen) => RawCell::Number(*fen as f64 / 1_000_000.0),
                    Cell::Percent(p) => RawCell::Number(p / 100.0),
                    Cell::Date(d) => RawCell::Date(*d),
                };
                match (got, &expected) {
                    (RawCell::Number(a), RawCell::Number(b)) => assert!((a - b).abs() < 1e-9, "{a} vs {b}"),
                    _ => assert_eq!(got, &expected),
                }
            }
        }
    }
}

/// What [`stream_table`] hands over: the head, then the rows.
#[derive(Default)]
struct Collected {
    head: Option<TableHead>,
    rows: Vec<RawRow>,
    /// Stop after this many rows (None: read all).
    stop_after: Option<usize>,
}

impl TableSink for Collected {
    fn head(&mut self, head: TableHead) -> bool {
        assert!(
            self.head.is_none() && self.rows.is_empty(),
            "the head comes once, first"
        );
        self.head = Some(head);
        true
    }
    fn row(&mut self, row: RawRow) -> bool {
        self.rows.push(row);
        self.stop_after.is_none_or(|n| self.rows.len() < n)
    }
}

fn streamed(bytes: &[u8], name: &str, options: &ReadOptions) -> Result<Collected, ReadError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload");
    std::fs::write(&path, bytes).unwrap();
    let mut got = Collected::default();
    stream_table(&path, name, options, &mut got)?;
    Ok(got)
}

/// Read row by row from a file, a table is what [`read_table_with`] reads from memory: same header, columns, rows and
/// merged ranges, in every encoding and for xlsx.
#[test]
fn streaming_a_file_gives_the_same_table() {
    let (gbk, _, _) = encoding_rs::GBK.encode(CSV);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(CSV.as_bytes());
    let title = "援派人员导入模板,,\n说明：带*为必填,,\n姓名*,单位,备注\n张三,南京农业大学,\n";
    let expect_title = ReadOptions {
        expected_headers: vec!["姓名".into(), "单位".into()],
        ..ReadOptions::default()
    };
    let expect_name = ReadOptions {
        expected_headers: vec!["姓名".into()],
        ..ReadOptions::default()
    };
    let plain = ReadOptions::default();
    let cases: Vec<(Vec<u8>, &str, &ReadOptions)> = vec![
        (CSV.as_bytes().to_vec(), "a.csv", &plain),
        (gbk.to_vec(), "a.csv", &plain),
        (bom, "a.csv", &plain),
        (CSV.replace('\n', "\r\n").into_bytes(), "a.csv", &plain),
        (title.as_bytes().to_vec(), "t.csv", &expect_title),
        (messy_xlsx(), "援派人员.xlsx", &expect_name),
    ];
    for (bytes, name, options) in cases {
        let whole = read_table_with(&bytes, name, options).unwrap();
        let got = streamed(&bytes, name, options).unwrap();
        let head = got.head.expect("a head");
        assert_eq!(head.sheet, whole.sheet, "{name}");
        assert_eq!(head.headers, whole.headers, "{name}");
        assert_eq!(
            (head.header_row, head.first_column),
            (whole.header_row, whole.first_column),
            "{name}"
        );
        assert_eq!(head.merged, whole.merged, "{name}");
        assert_eq!(got.rows, whole.rows, "{name}");
    }
}

#[test]
fn streaming_stops_when_asked_and_reports_errors_and_empty_files() {
    let mut csv = String::from("标题,人次\n");
    for i in 0..10_000 {
        csv.push_str(&format!("第{i}次,{i}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.csv");
    std::fs::write(&path, &csv).unwrap();
    let mut got = Collected {
        stop_after: Some(3),
        ..Collected::default()
    };
    stream_table(&path, "a.csv", &ReadOptions::default(), &mut got).unwrap();
    assert_eq!(got.rows.len(), 3, "no row read past the sink's stop");
    // an error half-way: the rows before it were handed over, then the error names its line
    let broken = format!("{csv}第x次,\"未闭合\n");
    let err = streamed(broken.as_bytes(), "a.csv", &ReadOptions::default())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(err.to_string(), "CSV 第 10002 行：引号未闭合");
    assert_eq!(
        streamed(b"", "a.csv", &ReadOptions::default()).map(|_| ()).unwrap_err(),
        ReadError::Empty
    );
    let blank = streamed(b"\n\n", "a.csv", &ReadOptions::default()).unwrap();
    assert_eq!(
        blank.head.map(|h| (h.headers.len(), h.header_row)),
        Some((0, 0)),
        "no content: an empty head"
    );
}
