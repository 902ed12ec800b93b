//! Validation of a record against its entity description: types, required fields, lengths, enums and cross-field rules.

use crate::schema::{EntityDef, FieldKind, JsonShape, Rule};
use crate::{Calendar, Money, Period, Qty, RatingScale, ValidationErrors};
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// Fields the server keeps on every record; a caller may send them back (they are ignored, `version` is read for stale checks).
pub const SYSTEM_FIELDS: &[&str] = &["id", "version", "created_at", "updated_at"];

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    // the written form `YYYY-MM-DD` read directly (dates are read for every record the engine counts)
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        r.map(|i| b[i])
            .try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b[4] == b'-' && b[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Checks that `input` is a JSON object with no unknown fields, returning its caller-settable fields.
pub fn caller_fields(def: &EntityDef, input: &Value) -> Result<Map<String, Value>, ValidationErrors> {
    let Value::Object(obj) = input else {
        return Err(ValidationErrors::single(
            "",
            "not_object",
            format!("请求体应为{}的 JSON 对象", def.label),
        ));
    };
    let mut errors = ValidationErrors::new();
    let mut out = Map::new();
    for (k, v) in obj {
        match def.field(k) {
            Some(fld) if !fld.server => {
                out.insert(k.clone(), v.clone());
            }
            Some(_) => {}
            None if SYSTEM_FIELDS.contains(&k.as_str()) => {}
            None if def.confirmable && crate::schema::CONFIRMATION_FIELDS.iter().any(|c| c.name == k) => {}
            None => errors.add(k.clone(), "unknown_field", format!("{}没有字段“{k}”", def.label)),
        }
    }
    errors.into_result().map(|_| out)
}

/// Validates a whole candidate record (caller fields; missing means null) and returns it normalised:
/// dates as `YYYY-MM-DD`, money as a yuan string with two decimals, periods in their one written form.
pub fn validate_record(def: &EntityDef, record: &Map<String, Value>) -> Result<Map<String, Value>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut out = Map::new();
    for fld in def.fields.iter().filter(|f| !f.server) {
        let mut v = record.get(fld.name).cloned().unwrap_or(Value::Null);
        if v.is_null() {
            if let Some(d) = fld.default {
                v = match fld.kind {
                    FieldKind::Bool => Value::from(d == "true"),
                    _ => Value::from(d),
                };
            }
        }
        let name = fld.name;
        let label = fld.label;
        if v.is_null() {
            if fld.required {
                errors.add(name, "required", format!("{label}（{name}）不能为空"));
            }
            out.insert(name.to_string(), Value::Null);
            continue;
        }
        let normalised = match fld.kind {
            FieldKind::Int => match v.as_i64() {
                Some(i) if i < 0 => Err(("negative", format!("{label}（{name}）不能为负数：{i}"))),
                Some(i) if fld.refs.is_some() && i == 0 => {
                    Err(("invalid_id", format!("{label}（{name}）不是有效的编号：0")))
                }
                Some(i) => Ok(Value::from(i)),
                None => Err(("type", format!("{label}（{name}）应为整数，收到 {v}"))),
            },
            FieldKind::Text | FieldKind::LongText => match v.as_str() {
                Some(s) if s.contains('\0') => Err(("control_char", format!("{label}（{name}）含有不允许的空字符"))),
                Some(s) if fld.required && s.trim().is_empty() => {
                    Err(("required", format!("{label}（{name}）不能为空")))
                }
                Some(s) if s.chars().count() > fld.max_len => Err((
                    "too_long",
                    format!(
                        "{label}（{name}）过长：{} 个字符，最多 {} 个",
                        s.chars().count(),
                        fld.max_len
                    ),
                )),
                Some(s) if fld.refs == Some(("regions", "code")) && !is_region_code(s) => Err((
                    "invalid_region_code",
                    format!("{label}（{name}）不是有效的行政区划代码：“{s}”（应为 6 位数字）"),
                )),
                Some(s) => Ok(Value::from(s)),
                None => Err(("type", format!("{label}（{name}）应为文本，收到 {v}"))),
            },
            FieldKind::Date => match v.as_str().and_then(parse_date) {
                Some(d) => Ok(Value::from(d.format("%Y-%m-%d").to_string())),
                None => Err(("date", format!("{label}（{name}）应为日期（YYYY-MM-DD），收到 {v}"))),
            },
            FieldKind::Money => match serde_json::from_value::<Money>(v.clone()) {
                Ok(m) if m.fen() < 0 => Err(("negative", format!("{label}（{name}）不能为负数：{m} 元"))),
                Ok(m) => Ok(Value::from(m.to_string())),
                Err(_) => Err((
                    "money",
                    format!("{label}（{name}）应为金额（元，最多两位小数，可带 万/亿），收到 {v}"),
                )),
            },
            FieldKind::Qty => match serde_json::from_value::<Qty>(v.clone()) {
                Ok(q) if q.is_negative() => Err(("negative", format!("{label}（{name}）不能为负数：{q}"))),
                Ok(q) => Ok(serde_json::to_value(q).unwrap_or(Value::Null)),
                Err(_) => Err(("number", format!("{label}（{name}）应为数字（最多四位小数），收到 {v}"))),
            },
            FieldKind::Bool => match v.as_bool() {
                Some(b) => Ok(Value::from(b)),
                None => Err(("type", format!("{label}（{name}）应为 true 或 false，收到 {v}"))),
            },
            FieldKind::Enum(options) => match v.as_str() {
                Some(s) if options.iter().any(|(o, _)| *o == s) => Ok(Value::from(s)),
                _ => {
                    let allowed: Vec<String> = options.iter().map(|(o, l)| format!("{o}（{l}）")).collect();
                    Err((
                        "enum",
                        format!("{label}（{name}）的值 {v} 无效，可选：{}", allowed.join("、")),
                    ))
                }
            },
            FieldKind::Period => match v.as_str().map(str::parse::<Period>) {
                Some(Ok(p)) => Ok(Value::from(p.to_string())),
                Some(Err(e)) => Err(("period", format!("{label}（{name}）：{e}"))),
                None => Err(("period", format!("{label}（{name}）应为期间文本，收到 {v}"))),
            },
            FieldKind::Json(shape) => check_json(shape, &v)
                .map(|_| v.clone())
                .map_err(|m| ("json", format!("{label}（{name}）：{m}"))),
        };
        match normalised {
            Ok(n) => {
                out.insert(name.to_string(), n);
            }
            Err((code, msg)) => {
                errors.add(name, code, msg);
                out.insert(name.to_string(), Value::Null);
            }
        }
    }
    // the rules between fields, where each of their fields is good by itself: every problem is told at once, and
    // none follows from a field already refused
    let refused: Vec<String> = errors.0.iter().map(|e| e.field.clone()).collect();
    check_rules(def, &out, &refused, &mut errors);
    errors.into_result().map(|_| out)
}

fn is_region_code(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())
}

fn check_json(shape: JsonShape, v: &Value) -> Result<(), String> {
    match shape {
        JsonShape::Object => {
            if v.is_object() {
                Ok(())
            } else {
                Err("应为 JSON 对象".into())
            }
        }
        JsonShape::Calendar => {
            let c: Calendar = serde_json::from_value(v.clone()).map_err(|e| format!("校历结构不正确：{e}"))?;
            c.validate()
        }
        JsonShape::RatingScale => RatingScale::from_json(v).map(|_| ()),
        JsonShape::ObligationRule => crate::ObligationRule::from_json(v).map(|_| ()),
    }
}

fn check_rules(def: &EntityDef, rec: &Map<String, Value>, refused: &[String], errors: &mut ValidationErrors) {
    let set = |k: &str| rec.get(k).is_some_and(|v| !v.is_null());
    let label = |k: &str| def.field(k).map(|f| f.label).unwrap_or("");
    for rule in def.rules {
        let fields: &[&str] = match rule {
            Rule::DateOrder(a, b) | Rule::Different(a, b) => &[a, b],
            Rule::NotAbove(f, _) => std::slice::from_ref(f),
            Rule::ExactlyOne(fs) | Rule::AtMostOne(fs) => fs,
        };
        if fields.iter().any(|f| refused.iter().any(|r| r == f)) {
            continue;
        }
        match *rule {
            Rule::DateOrder(a, b) => {
                let da = rec.get(a).and_then(Value::as_str).and_then(parse_date);
                let db = rec.get(b).and_then(Value::as_str).and_then(parse_date);
                if let (Some(x), Some(y)) = (da, db) {
                    if y < x {
                        errors.add(
                            b,
                            "end_before_start",
                            format!("{}（{b}）{y} 早于{}（{a}）{x}", label(b), label(a)),
                        );
                    }
                }
            }
            Rule::Different(a, b) => {
                if set(a) && rec.get(a) == rec.get(b) {
                    errors.add(
                        b,
                        "same_value",
                        format!("{}（{b}）不能与{}（{a}）相同", label(b), label(a)),
                    );
                }
            }
            Rule::NotAbove(field, limit) => {
                let v = rec
                    .get(field)
                    .cloned()
                    .and_then(|v| serde_json::from_value::<Qty>(v).ok());
                if v.is_some_and(|q| q > Qty::from_int(limit)) {
                    errors.add(field, "range", format!("{}（{field}）不能大于 {limit}", label(field)));
                }
            }
            Rule::ExactlyOne(fields) | Rule::AtMostOne(fields) => {
                let n = fields.iter().filter(|k| set(k)).count();
                let exactly = matches!(rule, Rule::ExactlyOne(_));
                if n > 1 || (exactly && n == 0) {
                    let names: Vec<String> = fields.iter().map(|k| format!("{}（{k}）", label(k))).collect();
                    let what = if exactly {
                        "必须且只能填写一项"
                    } else {
                        "最多填写一项"
                    };
                    errors.add(fields[0], "exactly_one", format!("{}{what}", names.join("、")));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::entity;
    use serde_json::json;

    fn check(name: &str, v: Value) -> Result<Map<String, Value>, ValidationErrors> {
        let def = entity(name).unwrap();
        let fields = caller_fields(def, &v)?;
        validate_record(def, &fields)
    }

    #[test]
    fn a_bad_field_and_a_rule_between_good_ones_are_both_told() {
        let e = check(
            "activities",
            json!({"pairing_id": 1, "kind": "training", "title": "联欢", "start_date": "2014-07-02",
                   "end_date": "2014-07-01", "person_times": -5}),
        )
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["person_times", "end_date"], "{e:?}");
        // a rule over a refused field is not checked: its complaint would follow from the first
        let e = check(
            "activities",
            json!({"pairing_id": 1, "kind": "training", "title": "联欢", "start_date": "2014-07-02",
                   "end_date": "昨天"}),
        )
        .unwrap_err();
        assert_eq!(e.0.len(), 1, "{e:?}");
        assert_eq!(e.0[0].field, "end_date");
    }

    #[test]
    fn a_pairing_with_itself_is_refused() {
        let e = check(
            "pairings",
            json!({"program_id": 1, "supporter_org_id": 3, "receiver_org_id": 3, "level": "school_school"}),
        )
        .unwrap_err();
        assert_eq!(e.0[0].field, "receiver_org_id");
        assert_eq!(e.0[0].code, "same_value");
        assert!(e.0[0].message.contains("支援方"), "{}", e.0[0].message);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let e = check(
            "activities",
            json!({"pairing_id": "x", "kind": "party", "title": "", "start_date": "2014年6月",
                   "amount": "-5", "hours": -1, "bogus": 1}),
        )
        .unwrap_err();
        assert_eq!(e.0.len(), 1, "unknown fields are reported first: {e:?}");
        let e = check(
            "activities",
            json!({"pairing_id": "x", "kind": "party", "title": "", "start_date": "2014年6月", "amount": "-5", "hours": -1}),
        )
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["pairing_id", "kind", "title", "start_date", "hours", "amount"]);
    }

    #[test]
    fn normalises_money_and_periods() {
        let ok = check(
            "transactions",
            json!({"project_id": 1, "kind": "commitment", "source": "supporter", "amount": "3700万", "date": "2012-05-01"}),
        )
        .unwrap();
        assert_eq!(ok["amount"], json!("37000000.00"));
        let iv = check(
            "indicator_values",
            json!({"indicator_id": 1, "region_code": "652900", "period": "2014-2015S1", "value": 54.63}),
        )
        .unwrap();
        assert_eq!(iv["period"], json!("2014-2015S1"));
        assert!(check(
            "indicator_values",
            json!({"indicator_id": 1, "period": "2014", "value": 1})
        )
        .is_err());
        let long = "长".repeat(201);
        let e = check("orgs", json!({"name": long, "kind": "school"})).unwrap_err();
        assert_eq!(e.0[0].code, "too_long");
        let e = check("orgs", json!({"name": "x", "kind": "school", "region_code": "99"})).unwrap_err();
        assert_eq!(e.0[0].code, "invalid_region_code");
    }

    #[test]
    fn end_before_start_names_the_end_field() {
        let e = check(
            "stints",
            json!({"dispatch_id": 1, "start_date": "2014-03-10", "end_date": "2014-03-01"}),
        )
        .unwrap_err();
        assert_eq!(e.0[0].field, "end_date");
        assert_eq!(e.0[0].code, "end_before_start");
    }
}
