//! The import template of an entity: the sheet a user fills in (Chinese headers, drop-downs for the choices), and
//! beside it a filled-in example on a sheet of its own.
//!
//! The example is not on the sheet to fill in: the importer reads the first sheet only, so a template imported as
//! downloaded (or with the user's rows under the headers) never turns the example into a record.

use crate::{AppError, File};
use duikou_domain::schema::EntityDef;
use duikou_report::{Cell, ColumnKind, Sheet, Workbook};
use duikou_store::import::{person_columns, IMPORTABLE};
use duikou_store::StoreError;

/// The name of the template's example sheet, which the importer does not read (it reads the first sheet).
pub const EXAMPLE_SHEET: &str = "示例（导入时不读取）";

/// The description of an entity a spreadsheet may be imported into; [`AppError::NotImportable`] for any other.
pub fn importable(entity: &str) -> Result<&'static EntityDef, AppError> {
    if !IMPORTABLE.contains(&entity) {
        return Err(AppError::NotImportable(entity.to_string()));
    }
    duikou_domain::schema::entity(entity).ok_or_else(|| StoreError::UnknownEntity(entity.to_string()).into())
}

/// The import template of `entity` as a workbook: the sheet to fill in (empty under its headers), then the example.
pub fn template_workbook(entity: &str) -> Result<Workbook, AppError> {
    let def = importable(entity)?;
    // a dispatch sheet also describes the person sent (created when not yet in the record)
    let extra: Vec<(&str, ColumnKind)> = match entity {
        "dispatches" => person_columns().iter().map(|(h, _)| (*h, ColumnKind::Text)).collect(),
        _ => Vec::new(),
    };
    let blank = duikou_summary::tables::template_sheet(def, &[], &extra);
    let filled = duikou_summary::tables::template_sheet(def, &example(entity), &extra);
    let shown = Sheet {
        name: EXAMPLE_SHEET.to_string(),
        table: duikou_report::Table {
            title: format!("{}导入示例", def.label),
            ..filled.table
        },
        // an example to read, not a sheet to fill in: no drop-downs
        validation_rows: 0,
    };
    Ok(Workbook {
        sheets: vec![blank, shown],
    })
}

/// The import template of `entity` as an .xlsx file, named `<label>导入模板.xlsx`.
pub fn template(entity: &str) -> Result<File, AppError> {
    let book = template_workbook(entity)?;
    let label = importable(entity)?.label;
    Ok(File {
        name: format!("{label}导入模板.xlsx"),
        bytes: duikou_report::xlsx(&book)?,
    })
}

/// One filled-in row of `entity`, by column header, as a user would write it (names for references, Chinese labels
/// for the choices).
fn example(entity: &str) -> Vec<(&'static str, Cell)> {
    use Cell::{Int, Money, Number, Text};
    let t = |s: &str| Text(s.to_string());
    let d = |s: &str| {
        duikou_domain::validate::parse_date(s)
            .map(Cell::Date)
            .unwrap_or(Cell::Empty)
    };
    match entity {
        "orgs" => vec![
            ("名称", t("吐鲁番市实验中学")),
            ("单位类型", t("中小学/幼儿园")),
            ("所在区划", t("吐鲁番市")),
        ],
        "pairings" => vec![
            ("所属计划", t("对口援疆")),
            ("支援方", t("湖南省")),
            ("受援方", t("吐鲁番市")),
            ("结对层级", t("省—地州")),
            ("开始日期", d("2011-01-01")),
        ],
        "projects" => vec![
            ("结对", t("湖南省→吐鲁番市")),
            ("项目名称", t("吐鲁番实验中学")),
            ("项目类别", t("民生·教育")),
            ("总投资", Money(26_000_000_000)),
            ("开工日期", d("2012-05-02")),
        ],
        "transactions" => vec![
            ("项目", t("吐鲁番实验中学")),
            ("类型", t("拨付/到位")),
            ("资金来源", t("援助资金")),
            ("金额", Money(3_700_000_000)),
            ("日期", d("2012-05-02")),
        ],
        "dispatches" => vec![
            ("结对", t("湖南省→吐鲁番市")),
            ("姓名", t("张三")),
            ("援派类别", t("援派干部")),
            ("批次", Int(6)),
            ("挂职岗位", t("副县长")),
            ("开始日期", d("2011-03-01")),
        ],
        "activities" => vec![
            ("结对", t("湖南省→吐鲁番市")),
            ("活动类型", t("培训")),
            ("标题", t("骨干教师培训")),
            ("开始日期", d("2011-07-01")),
            ("人次", Int(355)),
        ],
        "indicator_values" => vec![
            ("指标", t("地区生产总值")),
            ("区划", t("吐鲁番市")),
            ("期间", t("2012")),
            ("数值", Number(260.5)),
        ],
        "people" => vec![
            ("姓名", t("张三")),
            ("性别", t("男")),
            ("出生年份", Int(1975)),
            ("学历", t("大学本科")),
            ("职称", t("中学高级教师")),
            ("职称级别", t("高级")),
            ("派出单位", t("湖南省")),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_importable_entity_has_an_example_whose_every_cell_has_a_column() {
        for entity in IMPORTABLE {
            let book = template_workbook(entity).unwrap();
            let [blank, shown] = &book.sheets[..] else {
                panic!("{entity}: the sheet to fill in and the example");
            };
            assert_eq!(blank.table.columns, shown.table.columns, "{entity}");
            // the headers the importer looks for, in order, then a dispatch's person columns
            let mut expected: Vec<String> = duikou_store::import::template_headers(entity)
                .unwrap()
                .into_iter()
                .map(|(label, _)| label)
                .collect();
            if *entity == "dispatches" {
                expected.extend(person_columns().iter().map(|(h, _)| h.to_string()));
            }
            let headers: Vec<&str> = blank.table.columns.iter().map(|c| c.header.as_str()).collect();
            assert_eq!(headers, expected, "{entity}");
            assert!(
                blank.table.rows.iter().flatten().all(|c| *c == Cell::Empty),
                "{entity}: nothing under the headers of the sheet to fill in"
            );
            let written = example(entity);
            assert!(!written.is_empty(), "{entity} has an example");
            for (header, _) in &written {
                assert!(
                    shown.table.columns.iter().any(|c| c.header == *header),
                    "{entity}: the example's “{header}” is a column of the template"
                );
            }
            let filled = shown.table.rows[0].iter().filter(|c| **c != Cell::Empty).count();
            assert_eq!(
                filled,
                written.len(),
                "{entity}: every example value is on the example sheet"
            );
            assert_eq!((shown.name.as_str(), shown.validation_rows), (EXAMPLE_SHEET, 0));
        }
    }

    #[test]
    fn an_entity_that_cannot_be_imported_is_refused_naming_those_that_can() {
        let e = template("regions").unwrap_err();
        assert!(matches!(e, AppError::NotImportable(_)));
        assert!(e.to_string().contains("不支持导入“regions”，可导入：orgs、"), "{e}");
        assert!(matches!(template("nope"), Err(AppError::NotImportable(_))));
    }
}
