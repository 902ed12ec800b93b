//! Entity lists as spreadsheet tables (export) and import templates: Chinese headers, money in 万元, dates as dates,
//! enums shown by their Chinese labels and offered as drop-downs.

use duikou_domain::schema::{EntityDef, Field, FieldKind};
use duikou_domain::{Money, Qty};
use duikou_report::{Cell, Column, ColumnKind, Sheet, Table};
use serde_json::Value;

fn column(f: &Field) -> Column {
    let kind = match f.kind {
        FieldKind::Int => ColumnKind::Int,
        FieldKind::Qty => ColumnKind::Number,
        FieldKind::Money => ColumnKind::Money,
        FieldKind::Date => ColumnKind::Date,
        FieldKind::Enum(options) => ColumnKind::Choice {
            options: options.iter().map(|(_, l)| l.to_string()).collect(),
        },
        _ => ColumnKind::Text,
    };
    Column {
        header: f.label.to_string(),
        kind,
    }
}

fn cell(f: &Field, v: &Value) -> Cell {
    if v.is_null() {
        return Cell::Empty;
    }
    match f.kind {
        FieldKind::Int => v.as_i64().map(Cell::Int).unwrap_or(Cell::Empty),
        FieldKind::Qty => serde_json::from_value::<Qty>(v.clone())
            .map(|q| Cell::Number(q.as_f64()))
            .unwrap_or(Cell::Empty),
        FieldKind::Money => serde_json::from_value::<Money>(v.clone())
            .map(|m| Cell::Money(m.fen()))
            .unwrap_or(Cell::Empty),
        // a day as a date; a month or a year in its Chinese form (2014年6月, 2011年), which imports back as written
        FieldKind::Date => crate::date_cell(v),
        FieldKind::Bool => Cell::Text(if v.as_bool() == Some(true) { "是" } else { "否" }.into()),
        FieldKind::Enum(options) => {
            let s = v.as_str().unwrap_or("");
            Cell::Text(
                options
                    .iter()
                    .find(|(o, _)| *o == s)
                    .map(|(_, l)| l.to_string())
                    .unwrap_or_else(|| s.to_string()),
            )
        }
        FieldKind::Json(_) => Cell::Text(v.to_string()),
        _ => Cell::Text(v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())),
    }
}

/// Records of an entity as a table: 编号 first, then every field by its Chinese label.
pub fn entity_table(def: &EntityDef, records: &[Value]) -> Table {
    let fields: Vec<&Field> = def.fields.iter().collect();
    let mut columns = vec![Column {
        header: "编号".into(),
        kind: ColumnKind::Int,
    }];
    columns.extend(fields.iter().map(|f| column(f)));
    let rows = records
        .iter()
        .map(|r| {
            let mut row = vec![r["id"].as_i64().map(Cell::Int).unwrap_or(Cell::Empty)];
            row.extend(fields.iter().map(|f| cell(f, &r[f.name])));
            row
        })
        .collect();
    Table {
        title: def.label.to_string(),
        columns,
        rows,
    }
}

/// An import template: the fields a user fills in, by label, an example row, drop-downs for enums.
pub fn template_sheet(def: &EntityDef, example: &[(&str, Cell)], extra: &[(&str, ColumnKind)]) -> Sheet {
    let mut columns: Vec<Column> = def.fields.iter().filter(|f| !f.server).map(column).collect();
    columns.extend(extra.iter().map(|(h, k)| Column {
        header: h.to_string(),
        kind: k.clone(),
    }));
    let row = columns
        .iter()
        .map(|c| {
            example
                .iter()
                .find(|(h, _)| *h == c.header)
                .map(|(_, v)| v.clone())
                .unwrap_or(Cell::Empty)
        })
        .collect();
    Sheet {
        name: def.label.to_string(),
        table: Table {
            title: format!("{}导入模板", def.label),
            columns,
            rows: vec![row],
        },
        validation_rows: 1000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_become_tables_with_chinese_headers_and_typed_cells() {
        let def = duikou_domain::schema::entity("transactions").unwrap();
        let t = entity_table(
            def,
            &[
                json!({"id": 3, "project_id": 1, "kind": "disbursement", "source": "supporter",
            "amount": "37000000.00", "date": "2012-05-01"}),
            ],
        );
        assert_eq!(t.columns[0].header, "编号");
        let amount = t.columns.iter().position(|c| c.header == "金额").unwrap();
        assert_eq!(t.rows[0][amount], Cell::Money(3_700_000_000));
        let kind = t.columns.iter().position(|c| c.header == "类型").unwrap();
        assert_eq!(t.rows[0][kind], Cell::Text("拨付/到位".into()));
        let s = template_sheet(def, &[("金额", Cell::Money(100))], &[]);
        assert!(
            s.table.columns.iter().all(|c| c.header != "结对"),
            "server fields are not in templates"
        );
        assert!(
            matches!(&s.table.columns.iter().find(|c| c.header == "资金来源").unwrap().kind, ColumnKind::Choice { options } if options.contains(&"援助资金".to_string()))
        );
    }
}
