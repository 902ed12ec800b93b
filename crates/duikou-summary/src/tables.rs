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
        FieldKind::Date => crate::words::date_cell(v),
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

/// A field of a record as its cell: an approximate figure or a range in its written form (`1500余`, `20-50`,
/// `约1000万元`), which the import reads back into the same figure; any other value by its kind.
fn record_cell(f: &Field, rec: &Value) -> Cell {
    use duikou_domain::approx;
    if f.approx {
        if let Some(fig) = approx::figure_of(f.kind, rec, f.name).filter(|fig| !fig.is_exact()) {
            return Cell::Text(match f.kind {
                FieldKind::Money => approx::written(f.kind, fig, ""),
                _ => approx::cell(f.kind, fig),
            });
        }
    }
    cell(f, &rec[f.name])
}

/// Records of an entity as a table: 编号 first, then every field by its Chinese label (an approximate figure's
/// qualifier and range within its one column).
pub fn entity_table(def: &EntityDef, records: &[Value]) -> Table {
    let fields: Vec<&Field> = def.fields.iter().filter(|f| f.companion.is_none()).collect();
    let mut columns = vec![Column {
        header: "编号".into(),
        kind: ColumnKind::Int,
    }];
    columns.extend(fields.iter().map(|f| column(f)));
    let rows = records
        .iter()
        .map(|r| {
            let mut row = vec![r["id"].as_i64().map(Cell::Int).unwrap_or(Cell::Empty)];
            row.extend(fields.iter().map(|f| record_cell(f, r)));
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
    let mut columns: Vec<Column> = def
        .fields
        .iter()
        .filter(|f| !f.server && f.companion.is_none())
        .map(column)
        .collect();
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
    fn approximate_figures_export_in_their_written_form_in_one_column() {
        let def = duikou_domain::schema::entity("activities").unwrap();
        let t = entity_table(
            def,
            &[
                json!({"id": 1, "pairing_id": 1, "kind": "training", "title": "培训", "start_date": "2014-06-01",
                     "hours": 1500, "hours_approx": "余", "person_times": 20, "person_times_upper": 50,
                     "amount": "10000000.00", "amount_approx": "约", "sessions": 3}),
            ],
        );
        let headers: Vec<&str> = t.columns.iter().map(|c| c.header.as_str()).collect();
        assert!(
            !headers.iter().any(|h| h.contains("限定词") || h.contains("上限")),
            "{headers:?}"
        );
        let at = |h: &str| t.rows[0][headers.iter().position(|x| *x == h).unwrap()].clone();
        assert_eq!(at("课时"), Cell::Text("1500余".into()));
        assert_eq!(at("人次"), Cell::Text("20-50".into()));
        assert_eq!(at("金额"), Cell::Text("约1000万元".into()));
        assert_eq!(at("场次"), Cell::Int(3));
        // each written cell reads back to the same figure
        for (text, field) in [("1500余", "hours"), ("20-50", "person_times"), ("约1000万元", "amount")] {
            let f = def.field(field).unwrap();
            let fig = duikou_domain::approx::parse_figure(f.kind, text).unwrap();
            let rec = json!({"id": 1, "hours": 1500, "hours_approx": "余", "person_times": 20, "person_times_upper": 50,
                             "amount": "10000000.00", "amount_approx": "约"});
            assert_eq!(Some(fig), duikou_domain::approx::figure_of(f.kind, &rec, field));
        }
        let tpl = template_sheet(def, &[], &[]);
        assert!(!tpl.table.columns.iter().any(|c| c.header.contains("限定词")));
    }

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
