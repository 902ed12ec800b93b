//! A project's output is stated over time: "2011年计划建设富民安居房6160户", then "截至2013年初计划8640户，已开工9426户".
//! Each statement is a record of its own, dated by `as_of`; the statements of one output (one project, one name, one
//! unit) are not added together — a period takes the latest statement it holds, and a whole record the latest of all.
//! The one rule the summary, the pairing's totals and the obligation engine use.

use crate::record::Fields;
use crate::RecDate;
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::HashMap;

/// Of the statements given (already chosen for a period), the latest of each output, in the order given: by `as_of`
/// (a date known to a month or a year counts as of its last day), then by id. A statement without a date is older
/// than any dated one.
pub fn latest<'a, R: Fields + ?Sized>(statements: &[&'a R]) -> Vec<&'a R> {
    let text = |r: &R, f: &str| r.field(f).and_then(Value::as_str).unwrap_or("").to_string();
    let rank = |r: &R| -> (Option<(NaiveDate, NaiveDate)>, i64) {
        let when = r.field("as_of").and_then(RecDate::of).map(|d| (d.last(), d.first));
        (when, r.field("id").and_then(Value::as_i64).unwrap_or(0))
    };
    let mut best: HashMap<(i64, String, String), usize> = HashMap::new();
    for (i, r) in statements.iter().enumerate() {
        let key = (
            r.field("project_id").and_then(Value::as_i64).unwrap_or(0),
            text(r, "name"),
            text(r, "unit"),
        );
        match best.get(&key) {
            Some(&j) if rank(statements[j]) >= rank(r) => {}
            _ => {
                best.insert(key, i);
            }
        }
    }
    let mut chosen: Vec<usize> = best.into_values().collect();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| statements[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_latest_statement_of_each_output_stands_alone() {
        let recs = [
            json!({"id": 1, "project_id": 7, "name": "安居富民房", "unit": "户", "planned": 6160, "as_of": "2011"}),
            json!({"id": 2, "project_id": 7, "name": "安居富民房", "unit": "户", "planned": 8640, "as_of": "2013-01"}),
            json!({"id": 3, "project_id": 7, "name": "廉租房", "unit": "套", "planned": 1000, "as_of": "2011"}),
            // another project's output of the same name is another output
            json!({"id": 4, "project_id": 8, "name": "安居富民房", "unit": "户", "planned": 3400, "as_of": "2011"}),
            // an undated statement is older than any dated one
            json!({"id": 5, "project_id": 7, "name": "廉租房", "unit": "套", "planned": 900}),
        ];
        let all: Vec<&Value> = recs.iter().collect();
        let ids = |v: Vec<&Value>| v.iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>();
        assert_eq!(ids(latest(&all)), [2, 3, 4]);
        // a period holding only 2011's statements takes 2011's plan
        let in_2011: Vec<&Value> = recs.iter().filter(|r| r["as_of"] == "2011").collect();
        assert_eq!(ids(latest(&in_2011)), [1, 3, 4]);
        // a year and a day within it: the day is not later than the year's last day, so the year's statement stands
        let same = [
            json!({"id": 9, "project_id": 1, "name": "校舍", "unit": "平方米", "as_of": "2012"}),
            json!({"id": 8, "project_id": 1, "name": "校舍", "unit": "平方米", "as_of": "2012-06-30"}),
        ];
        let both: Vec<&Value> = same.iter().collect();
        assert_eq!(ids(latest(&both)), [9]);
    }
}
