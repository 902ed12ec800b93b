//! Reading a record's fields: its id, dates, money and quantities, and the labels of its values.

use duikou_domain::approx::{self, Total};
use duikou_domain::record::{Fields, Rec};
use duikou_domain::schema::{self, FieldKind};
use duikou_domain::{Money, Qty, RecDate};
use serde_json::Value;

/// A record's date at its precision (a day, a month or a year).
pub(crate) fn date(v: &Value) -> Option<RecDate> {
    RecDate::of(v)
}

/// A record's id (0 when it has none).
pub(crate) fn id(r: &impl Fields) -> i64 {
    r.field("id").and_then(Value::as_i64).unwrap_or(0)
}

/// A money value (zero when absent or unreadable).
pub(crate) fn money(v: &Value) -> Money {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

/// The money of `field` over records, approximate when one of them is ("约1000万元"), by [`approx::Total`].
pub(crate) fn money_sum(v: &[&Rec], field: &str) -> Total {
    v.iter()
        .filter_map(|r| approx::figure_of(FieldKind::Money, *r, field))
        .collect()
}

/// A quantity (zero when absent or unreadable).
pub(crate) fn qty(v: &Value) -> Qty {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

/// The Chinese label of an enum value of a field.
pub(crate) fn label(entity: &str, field: &str, value: &str) -> String {
    schema::value_label(entity, field, value)
}

/// Records as the `(entity, id)` a figure carries.
pub(crate) fn ids(entity: &'static str, v: &[&Rec]) -> Vec<(&'static str, i64)> {
    v.iter().map(|r| (entity, id(r))).collect()
}

/// A field's label in the schema ("person_times" → 人次).
pub(crate) fn label_of(entity: &str, field: &str) -> String {
    schema::entity(entity)
        .and_then(|d| d.field(field))
        .map_or_else(|| field.to_string(), |f| f.label.to_string())
}
