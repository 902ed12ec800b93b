//! An entity's row in SQL and in JSON: its columns, how a field's value binds as an argument and reads back, the
//! column list a read selects and the record a row makes. Pure functions of the schema, used by every reader and
//! writer of records ([`crate::records`], [`crate::audit`], [`crate::list`], [`crate::bulk`] …).

use crate::db::{Arg, Kind, Val};
use chrono::{DateTime, Utc};
use duikou_domain::record::{names, Names, Rec};
use duikou_domain::schema::{self, EntityDef, Field, FieldKind};
use duikou_domain::{Money, Precision, Qty, RecDate};
use serde_json::{Map, Value};

/// The columns of an entity's table, in order: system columns, then fields, then confirmation fields.
pub fn columns(def: &EntityDef) -> Vec<&'static Field> {
    def.stored_fields().collect()
}

pub(crate) fn kind_of(f: &Field) -> Kind {
    match f.kind {
        FieldKind::Int | FieldKind::Money | FieldKind::Qty => Kind::Int,
        FieldKind::Date => Kind::Date,
        FieldKind::Bool => Kind::Bool,
        FieldKind::Json(_) => Kind::Json,
        FieldKind::Text | FieldKind::LongText | FieldKind::Enum(_) | FieldKind::Period => Kind::Text,
    }
}

/// The companion column of a date field holding its precision (`day`/`month`/`year`, NULL for a day).
pub(crate) fn precision_col(name: &str) -> String {
    format!("{name}_precision")
}

/// A date column read back in its written form at its precision (`2011`, `2014-06`, `2014-06-15`) as text, the
/// same on both backends: the first day's `YYYY-MM-DD` cut to the year or the month its precision keeps.
pub(crate) fn date_expr(name: &str) -> String {
    format!("SUBSTR(CAST({name} AS TEXT), 1, CASE {name}_precision WHEN 'year' THEN 4 WHEN 'month' THEN 7 ELSE 10 END)")
}

/// The precision column's value for a date field's normalised value: NULL for a day (as rows written before
/// precisions hold) or for no date.
pub(crate) fn precision_arg(v: &Value) -> Arg {
    let p = RecDate::of(v).map(|d| d.precision);
    Arg::Text(p.filter(|p| *p != Precision::Day).map(|p| p.as_str().to_string()))
}

/// The column list of an entity's rows (system columns first) and the kinds to read them as. Dates are read in
/// their written form at their precision (as text).
pub(crate) fn select_cols(def: &EntityDef) -> (String, Vec<Kind>) {
    select_cols_of(def, "")
}

/// [`select_cols`] of a table named in the statement as `alias` (`p` reads `p.id, p.version, …`).
pub(crate) fn select_cols_of(def: &EntityDef, alias: &str) -> (String, Vec<Kind>) {
    let q = if alias.is_empty() {
        String::new()
    } else {
        format!("{alias}.")
    };
    let cols = columns(def);
    let names: Vec<String> = schema::SYSTEM_COLUMNS
        .iter()
        .map(|c| format!("{q}{c}"))
        .chain(cols.iter().map(|f| match f.kind {
            FieldKind::Date => date_expr(&format!("{q}{}", f.name)),
            _ => format!("{q}{}", f.name),
        }))
        .collect();
    let mut kinds = vec![Kind::Int, Kind::Int, Kind::Ts, Kind::Ts];
    kinds.extend(cols.iter().map(|f| match kind_of(f) {
        Kind::Date => Kind::Text,
        k => k,
    }));
    (names.join(", "), kinds)
}

pub(crate) fn select_sql(def: &EntityDef) -> (String, Vec<Kind>) {
    let (cols, kinds) = select_cols(def);
    (format!("SELECT {cols} FROM {}", def.name), kinds)
}

/// The statement reading one record of an entity by id (`$1`) and its column kinds, made once per entity.
pub(crate) fn by_id_sql(def: &'static EntityDef) -> &'static (String, Vec<Kind>) {
    static MADE: std::sync::OnceLock<std::collections::HashMap<&'static str, (String, Vec<Kind>)>> =
        std::sync::OnceLock::new();
    let made = MADE.get_or_init(|| {
        schema::ENTITIES
            .iter()
            .map(|d| {
                let (sql, kinds) = select_sql(d);
                (d.name, (format!("{sql} WHERE id = $1"), kinds))
            })
            .collect()
    });
    &made[def.name]
}

/// A normalised JSON value of a field as a typed argument.
pub fn to_arg(f: &Field, v: &Value) -> Arg {
    let null = v.is_null();
    match f.kind {
        FieldKind::Int => Arg::Int(v.as_i64()),
        FieldKind::Money => Arg::Int(if null {
            None
        } else {
            serde_json::from_value::<Money>(v.clone()).ok().map(Money::fen)
        }),
        FieldKind::Qty => Arg::Int(if null {
            None
        } else {
            serde_json::from_value::<Qty>(v.clone()).ok().map(Qty::raw)
        }),
        // the first day the date may stand for; its precision goes in its own column ([`precision_arg`])
        FieldKind::Date => Arg::Date(RecDate::of(v).map(|d| d.first)),
        FieldKind::Bool => Arg::Bool(v.as_bool()),
        FieldKind::Json(_) => Arg::Json((!null).then(|| v.clone())),
        FieldKind::Text | FieldKind::LongText | FieldKind::Enum(_) | FieldKind::Period => {
            Arg::Text(v.as_str().map(str::to_string))
        }
    }
}

pub(crate) fn from_val(f: &Field, v: &Val) -> Value {
    match (f.kind, v) {
        (FieldKind::Money, Val::Int(Some(i))) => Value::from(Money::from_fen(*i).to_string()),
        (FieldKind::Qty, Val::Int(Some(i))) => serde_json::to_value(Qty::from_raw(*i)).unwrap_or(Value::Null),
        (_, Val::Int(Some(i))) => Value::from(*i),
        (_, Val::Text(Some(s))) => Value::from(s.clone()),
        (_, Val::Date(Some(d))) => Value::from(d.to_string()),
        (_, Val::Bool(Some(b))) => Value::from(*b),
        (_, Val::Json(Some(j))) => j.clone(),
        _ => Value::Null,
    }
}

fn ts_json(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| Value::from(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))
        .unwrap_or(Value::Null)
}

/// Turns a row read with [`select_sql`] into the record's JSON.
pub(crate) fn row_json(def: &EntityDef, row: &[Val]) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::from(row[0].int().unwrap_or(0)));
    m.insert("version".into(), Value::from(row[1].int().unwrap_or(1)));
    m.insert("created_at".into(), ts_json(row[2].ts()));
    m.insert("updated_at".into(), ts_json(row[3].ts()));
    for (f, v) in columns(def).iter().zip(&row[4..]) {
        m.insert(f.name.to_string(), from_val(f, v));
    }
    Value::Object(m)
}

/// The names of [`packed_rec`]'s records: `id`, then `cols`.
pub(crate) fn packed_names(cols: &[&Field]) -> Names {
    names(std::iter::once("id").chain(cols.iter().map(|f| f.name)))
}

/// One row of [`Store::packed_rows`] (`id`, then `cols`) as a [`Rec`] named by [`packed_names`]`(cols)`: the same
/// values a JSON object of them would hold, without a map per record.
pub(crate) fn packed_rec(names: &Names, cols: &[&Field], mut row: Vec<Value>) -> Rec {
    for (f, v) in cols.iter().zip(row.iter_mut().skip(1)) {
        match (kind_of(f), &*v) {
            (Kind::Int, Value::Number(n)) => *v = from_val(f, &Val::Int(n.as_i64())),
            (Kind::Bool, Value::Number(n)) => *v = Value::Bool(n.as_i64().is_some_and(|i| i != 0)),
            _ => {}
        }
    }
    Rec::new(names.clone(), row)
}
