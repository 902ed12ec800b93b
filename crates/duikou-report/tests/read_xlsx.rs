//! The .xlsx reader against calamine (the reader it replaced, kept here as the reference): the same cells, dates,
//! formulas and merged ranges for a workbook written by hand the way Excel and WPS write them (rich text, inline
//! strings, phonetic guides, escapes, a hidden first sheet, a lying `<dimension>`, shared formulas, rows and cells
//! without positions) and for generated ones (shared strings past the in-memory spool); clean errors for damaged ones.

use calamine::{Data, Reader, Xlsx};
use chrono::{NaiveDate, NaiveTime};
use duikou_report::*;
use rust_xlsxwriter::{Format, Formula, Workbook as XlsxBook};
use std::collections::BTreeMap;
use std::io::Write;

type Cells = BTreeMap<(u32, u32), RawCell>;

/// What calamine's cell reader gives for the sheet, converted as the reader before ours converted it.
fn calamine_cells(bytes: &[u8], sheet: Option<&str>) -> (String, Cells, Vec<MergedRange>) {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = match sheet {
        Some(s) => s.to_string(),
        None => book
            .sheets_metadata()
            .iter()
            .find(|s| s.typ == calamine::SheetType::WorkSheet && s.visible == calamine::SheetVisible::Visible)
            .unwrap()
            .name
            .clone(),
    };
    let merged = book
        .merge_cells_by_sheet_name(&name)
        .unwrap()
        .iter()
        .map(|d| MergedRange {
            first_row: d.start.0 + 1,
            first_column: d.start.1 + 1,
            last_row: d.end.0 + 1,
            last_column: d.end.1 + 1,
        })
        .collect();
    let mut cells = Cells::new();
    let mut reader = book.worksheet_cells_reader(&name).unwrap();
    while let Some(c) = reader.next_cell_with_formula().unwrap() {
        let value = convert(&Data::from(c.value));
        let value = match c.formula.filter(|f| !f.is_empty()) {
            Some(f) => RawCell::Formula {
                formula: f.strip_prefix('=').unwrap_or(&f).to_string(),
                cached: Box::new(value),
            },
            None => value,
        };
        if !value.is_empty() {
            cells.insert(c.pos, value);
        }
    }
    (name, cells, merged)
}

fn convert(value: &Data) -> RawCell {
    match value {
        Data::Empty => RawCell::Empty,
        Data::String(s) if s.trim().is_empty() => RawCell::Empty,
        Data::String(s) => RawCell::Text(s.clone()),
        Data::Int(i) => RawCell::Number(*i as f64),
        Data::Float(f) => RawCell::Number(*f),
        Data::Bool(b) => RawCell::Bool(*b),
        Data::Error(e) => RawCell::Error(e.to_string()),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if dt.is_duration() || !(0.0..2_958_466.0).contains(&serial) {
                return RawCell::Number(serial);
            }
            match dt.as_datetime() {
                Some(t) if t.time() == NaiveTime::MIN => RawCell::Date(t.date()),
                Some(t) => RawCell::DateTime(t),
                None => RawCell::Number(serial),
            }
        }
        Data::DateTimeIso(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(RawCell::Date)
            .unwrap_or_else(|_| RawCell::Text(s.clone())),
        Data::DurationIso(s) => RawCell::Text(s.clone()),
    }
}

/// What our reader gives, as cells by position: the data rows, and the header row (as the texts it has).
fn our_cells(bytes: &[u8], sheet: Option<&str>) -> (String, Cells, Vec<MergedRange>) {
    let options = ReadOptions {
        sheet: sheet.map(str::to_string),
        ..ReadOptions::default()
    };
    let table = read_table_with(bytes, "t.xlsx", &options).unwrap();
    let mut cells = Cells::new();
    for (i, h) in table.headers.iter().enumerate() {
        if !h.is_empty() {
            cells.insert(
                (table.header_row - 1, table.first_column - 1 + i as u32),
                RawCell::Text(h.clone()),
            );
        }
    }
    for row in &table.rows {
        for (i, c) in row.cells.iter().enumerate() {
            if !c.is_empty() {
                cells.insert((row.row - 1, table.first_column - 1 + i as u32), c.clone());
            }
        }
    }
    (table.sheet.unwrap(), cells, table.merged)
}

/// Both readers give the same sheet, cells and merged ranges; returns ours.
fn same_as_calamine(bytes: &[u8], sheet: Option<&str>) -> Cells {
    let (name, theirs, merged) = calamine_cells(bytes, sheet);
    let (our_name, ours, our_merged) = our_cells(bytes, sheet);
    assert_eq!(our_name, name);
    assert_eq!(our_merged, merged);
    assert_eq!(ours.len(), theirs.len(), "the same number of cells");
    for (pos, cell) in &theirs {
        // calamine reads the header row as values; the table gives headers as texts
        match (ours.get(pos), cell) {
            (Some(RawCell::Text(a)), RawCell::Text(b)) => assert_eq!(a.trim(), b.trim(), "{pos:?}"),
            (got, _) if pos.0 == 0 => assert!(got.is_some(), "{pos:?}"),
            (got, want) => assert_eq!(got, Some(want), "{pos:?}"),
        }
    }
    ours
}

fn zip(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        z.start_file(*name, options).unwrap();
        z.write_all(content.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A workbook written by hand: a hidden sheet first, then the data sheet; its parts in a zip.
fn handwritten(sheet: &str, date1904: bool) -> Vec<u8> {
    let rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook {NS}><workbookPr date1904="{}"/><sheets><sheet name="说明" sheetId="1" state="hidden" r:id="rId1"/><sheet name="数据 &amp; 统计" sheetId="2" r:id="rId2"/></sheets></workbook>"#,
        u8::from(date1904)
    );
    let book_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/worksheet" Target="/xl/worksheets/Sheet2.xml"/><Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId4" Type="{REL}/styles" Target="styles.xml"/></Relationships>"#
    );
    let strings = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="9" uniqueCount="9"><si><t>姓名</t></si><si><t>单位</t></si><si><r><rPr><b/></rPr><t>南京</t></r><r><t xml:space="preserve"> 农业 </t></r><r><t>大学</t></r></si><si><t>  两边有空格  </t></si><si><t xml:space="preserve">  保留空格  </t></si><si><t>A &amp; B &lt;C&gt; &#20013;&#x6587;</t></si><si><t>第一行_x000D_
第二行 _x005F_x000D_</t></si><si><t>张三</t><rPh sb="0" eb="2"><t>ちょうさん</t></rPh></si><si><t xml:space="preserve">   </t></si></sst>"#
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet {NS}><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" formatCode="[h]:mm"/><numFmt numFmtId="166" formatCode="0.00_);[Red]\(0.00\)"/></numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"><alignment horizontal="center"/></xf><xf numFmtId="22"/><xf numFmtId="165"/><xf numFmtId="166"/></cellXfs></styleSheet>"#
    );
    let hidden = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>不是这张</t></is></c></row></sheetData></worksheet>"#
    );
    zip(&[
        ("[Content_Types].xml", "<Types/>"),
        ("_rels/.rels", &rels),
        ("xl/workbook.xml", &workbook),
        ("xl/_rels/workbook.xml.rels", &book_rels),
        ("xl/sharedStrings.xml", &strings),
        ("xl/styles.xml", &styles),
        ("xl/worksheets/sheet1.xml", &hidden),
        // stored with another case than the relationship names it, as some writers do
        ("xl/worksheets/sheet2.xml", sheet),
    ])
}

/// The data sheet: a merged header, every kind of value, an empty row, rows and cells without positions, shared
/// formulas, and a `<dimension>` that covers a fraction of the cells.
fn data_sheet() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><dimension ref="A1:B2"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>日期</t></is></c><c r="D1" t="inlineStr"><is><r><t>金</t></r><r><t>额</t></r></is></c><c r="E1"/><c r="F1" t="str"><f>"备"&amp;"注"</f><v>备注</v></c></row>
<row r="2"><c r="A2" t="s"><v>7</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" s="1"><v>45658</v></c><c r="D2" s="5"><v>1234.5</v></c><c r="E2" t="b"><v>1</v></c><c r="F2" t="s"><v>3</v></c></row>
<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>5</v></c><c r="C3" s="2"><v>45659.5</v></c><c r="D3"><f t="shared" ref="D3:D5" si="0">D2*2</f><v>2469</v></c><c r="E3" t="e"><v>#DIV/0!</v></c><c r="F3" t="s"><v>6</v></c></row>
<row r="4"><c r="A4" t="s"><v>8</v></c><c r="B4" t="inlineStr"><is><t xml:space="preserve">  </t></is></c></row>
<row r="5"><c r="A5" t="inlineStr"><v>ignored</v><is><t>内联</t></is></c><c r="B5" s="3"><v>45660.25</v></c><c r="C5" s="4"><v>1.5</v></c><c r="D5"><f t="shared" si="0"/><v>4938</v></c><c r="E5" t="b"><v>0</v></c><c r="F5" t="n"><v>-0.125</v></c></row>
<row><c t="str"><v>无位置行</v></c><c><v>42</v></c><c t="d"><v>2024-02-29</v></c></row>
<row r="9" spans="1:3"><c r="A9" s="1"><v>-1</v></c><c r="B9" s="1"><v>3000000</v></c><c r="C9"><f>SUM(D2:D5)</f></c><c r="D9" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>
</sheetData><mergeCells count="2"><mergeCell ref="E1:F1"/><mergeCell ref="B7:C8"/></mergeCells><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>"#
    )
}

#[test]
fn handwritten_workbook_reads_as_calamine_reads_it() {
    let bytes = handwritten(&data_sheet(), false);
    let cells = same_as_calamine(&bytes, None);
    let text = |s: &str| Some(RawCell::Text(s.into()));
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    // the first visible sheet, not the hidden one before it; a lying <dimension> changes nothing
    let (name, _, merged) = our_cells(&bytes, None);
    assert_eq!(name, "数据 & 统计");
    assert_eq!(
        merged.iter().map(MergedRange::a1).collect::<Vec<_>>(),
        ["E1:F1", "B7:C8"]
    );
    // rich text joined; phonetic guide left out; spaces trimmed unless preserved; entities and _x000D_ resolved
    assert_eq!(cells.get(&(1, 1)).cloned(), text("南京 农业 大学"));
    assert_eq!(cells.get(&(1, 0)).cloned(), text("张三"));
    assert_eq!(cells.get(&(1, 5)).cloned(), text("两边有空格"));
    assert_eq!(cells.get(&(2, 0)).cloned(), text("  保留空格  "));
    assert_eq!(cells.get(&(2, 1)).cloned(), text("A & B <C> 中文"));
    assert_eq!(cells.get(&(2, 5)).cloned(), text("第一行\r\n第二行 _x000D_"));
    assert_eq!(cells.get(&(4, 0)).cloned(), text("内联"));
    // a whitespace-only string and the empty row 4 leave nothing
    assert!(!cells.contains_key(&(3, 0)) && !cells.contains_key(&(3, 1)));
    // dates by style, a duration and a styled number stay numbers
    assert_eq!(cells.get(&(1, 2)), Some(&RawCell::Date(date(2025, 1, 1))));
    assert_eq!(
        cells.get(&(2, 2)),
        Some(&RawCell::DateTime(date(2025, 1, 2).and_hms_opt(12, 0, 0).unwrap()))
    );
    assert_eq!(
        cells.get(&(4, 1)),
        Some(&RawCell::DateTime(date(2025, 1, 3).and_hms_opt(6, 0, 0).unwrap()))
    );
    assert_eq!(cells.get(&(4, 2)), Some(&RawCell::Number(1.5)));
    assert_eq!(cells.get(&(1, 3)), Some(&RawCell::Number(1234.5)));
    assert_eq!(cells.get(&(8, 0)), Some(&RawCell::Number(-1.0)));
    assert_eq!(cells.get(&(8, 1)), Some(&RawCell::Number(3_000_000.0)));
    assert_eq!(cells.get(&(5, 2)), Some(&RawCell::Date(date(2024, 2, 29))));
    // formulas with their cached values; the shared one moved to its cell; one never computed
    let formula = |f: &str, cached: RawCell| {
        Some(RawCell::Formula {
            formula: f.into(),
            cached: Box::new(cached),
        })
    };
    assert_eq!(cells.get(&(2, 3)).cloned(), formula("D2*2", RawCell::Number(2469.0)));
    assert_eq!(cells.get(&(4, 3)).cloned(), formula("D4*2", RawCell::Number(4938.0)));
    assert_eq!(cells.get(&(8, 2)).cloned(), formula("SUM(D2:D5)", RawCell::Empty));
    assert_eq!(
        cells.get(&(8, 3)).cloned(),
        formula("1/0", RawCell::Error("#DIV/0!".into()))
    );
    assert_eq!(cells.get(&(2, 4)), Some(&RawCell::Error("#DIV/0!".into())));
    assert_eq!(cells.get(&(1, 4)), Some(&RawCell::Bool(true)));
    assert_eq!(cells.get(&(4, 4)), Some(&RawCell::Bool(false)));
    // a row and cells without positions follow the ones before them
    assert_eq!(cells.get(&(5, 0)).cloned(), text("无位置行"));
    assert_eq!(cells.get(&(5, 1)), Some(&RawCell::Number(42.0)));
    // the hidden sheet by name
    let (_, hidden, _) = our_cells(&bytes, Some(" 说明 "));
    assert_eq!(hidden.get(&(0, 0)).cloned(), text("不是这张"));
    same_as_calamine(&bytes, Some("说明"));
}

#[test]
fn dates_of_a_1904_workbook() {
    let bytes = handwritten(&data_sheet(), true);
    let cells = same_as_calamine(&bytes, None);
    assert_eq!(
        cells.get(&(1, 2)),
        Some(&RawCell::Date(NaiveDate::from_ymd_opt(2029, 1, 2).unwrap()))
    );
}

/// A workbook as rust_xlsxwriter writes it (every text a shared string), with more distinct strings than the spool
/// keeps in memory and than the cache has slots, rich strings, dates, formulas and merged ranges.
#[test]
fn generated_workbook_with_many_strings_reads_as_calamine_reads_it() {
    let mut book = XlsxBook::new();
    let ws = book.add_worksheet();
    ws.set_name("名单").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let bold = Format::new().set_bold();
    ws.merge_range(0, 0, 0, 2, "人员名单（合并的标题）", &Format::new())
        .unwrap();
    for (c, h) in ["姓名", "单位", "派出日期", "课时", "合计"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for i in 0..40_000u32 {
        let r = i + 2;
        ws.write_string(r, 0, format!("第{i}位援派人员，来自一个很长的单位名称"))
            .unwrap();
        if i % 97 == 0 {
            ws.write_rich_string(r, 1, &[(&bold, "南京"), (&Format::new(), &format!("农业大学{i}"))])
                .unwrap();
        } else {
            ws.write_string(r, 1, ["南京农业大学", "新疆农业大学", "塔里木大学"][i as usize % 3])
                .unwrap();
        }
        // 41 883 is 2014-09-01
        ws.write_number_with_format(r, 2, 41_883.0 + f64::from(i % 3000), &date)
            .unwrap();
        ws.write_number(r, 3, f64::from(i % 200) / 4.0).unwrap();
        ws.write_formula(
            r,
            4,
            Formula::new(format!("=D{}*2", r + 1)).set_result((f64::from(i % 200) / 2.0).to_string()),
        )
        .unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let cells = same_as_calamine(&bytes, None);
    assert_eq!(
        cells.get(&(40_001, 0)),
        Some(&RawCell::Text("第39999位援派人员，来自一个很长的单位名称".into()))
    );
    assert_eq!(cells.get(&(2, 1)), Some(&RawCell::Text("南京农业大学0".into())));
}

#[test]
fn damaged_workbooks_give_clear_errors() {
    let error = |bytes: &[u8]| read_table(bytes, "坏.xlsx").unwrap_err().to_string();
    // the sheet's XML cut short inside the zip
    let sheet = data_sheet();
    let cut = handwritten(&sheet[..sheet.len() / 2], false);
    assert_eq!(error(&cut), "文件不是有效的 xlsx：xl/worksheets/Sheet2.xml 不完整");
    // a cell pointing past the shared strings
    let past = handwritten(&sheet.replace("<v>8</v>", "<v>99</v>"), false);
    assert_eq!(error(&past), "文件不是有效的 xlsx：单元格 A4：共享字符串“99”不存在");
    // a cell of an unknown type
    let odd = handwritten(&sheet.replace(r#"t="b"><v>1"#, r#"t="x"><v>1"#), false);
    assert_eq!(error(&odd), "文件不是有效的 xlsx：单元格 E2：单元格类型“x”无法识别");
    // bytes of the compressed sheet damaged: the zip's check of them fails
    let mut bytes = handwritten(&sheet, false);
    let at = bytes.windows(4).rposition(|w| w == b"PK\x03\x04").unwrap() + 120;
    for b in &mut bytes[at..at + 40] {
        *b ^= 0x5A;
    }
    let e = error(&bytes);
    assert!(e.starts_with("文件不是有效的 xlsx："), "{e}");
    // a workbook part missing
    let no_book = zip(&[(
        "_rels/.rels",
        r#"<Relationships><Relationship Id="rId1" Type="x/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    )]);
    assert_eq!(error(&no_book), "文件不是有效的 xlsx：缺少 xl/_rels/workbook.xml.rels");
}
