//! Validation of a record against its entity description: types, required fields, lengths, enums and cross-field rules.

use crate::schema::{EntityDef, FieldKind, JsonShape, Rule};
use crate::{Calendar, Money, Period, Qty, RatingScale, RecDate, ValidationErrors};
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// Fields the server keeps on every record; a caller may send them back (they are ignored, `version` is read for stale checks).
pub const SYSTEM_FIELDS: &[&str] = &["id", "version", "created_at", "updated_at"];

/// The largest whole number a count may hold (人次、场次、门次、课时、台套件、批次 …): 10 亿. Above any count one
/// record stands for, and small enough that i64 holds nine billion of them side by side, so no total of realistic
/// records overflows and one record cannot spoil anyone else's totals. Money and quantities have theirs on
/// [`Money::MAX`] and [`Qty::MAX`].
pub const MAX_COUNT: i64 = 1_000_000_000;

/// [`MAX_COUNT`] as a Chinese message writes it: `1 000 000 000`.
pub fn max_count_zh() -> String {
    crate::money::group_digits(&MAX_COUNT.to_string())
}

/// The years a year field may hold (年度、出生年份), the same span periods accept.
pub const YEARS: std::ops::RangeInclusive<i64> = 1900..=2200;

/// What range a whole-number field's values must lie in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntLimit {
    /// The id of a record (a reference): any positive number.
    Id,
    /// A calendar year within [`YEARS`].
    Year,
    /// A count from 0 to [`MAX_COUNT`].
    Count,
}

/// The range of a whole-number field: references (and `entity_id`, which names a record of any kind) are ids,
/// `year`/`birth_year` are years, every other whole number is a count.
pub fn int_limit(fld: &crate::schema::Field) -> IntLimit {
    match fld.name {
        _ if fld.refs.is_some() => IntLimit::Id,
        "entity_id" => IntLimit::Id,
        "year" | "birth_year" => IntLimit::Year,
        _ => IntLimit::Count,
    }
}

/// Parses a `YYYY-MM-DD` date (a day given by a caller: `as_of`, a command's option). A record's date field may be
/// a month or a year too: read those with [`RecDate`].
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
                if fld.approx {
                    // a figure given without its qualifier and range is that figure as given: a change to
                    // `hours` alone drops the `余` it had, unless the written form (`"1500余"`) brings it back
                    for c in [fld.approx_name(), fld.upper_name()] {
                        if !obj.contains_key(&c) {
                            out.insert(c, Value::Null);
                        }
                    }
                }
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
/// dates in their written form at their precision (`2011`, `2014-06`, `2014-06-15`), money as a yuan string with two decimals, periods in their one written form.
pub fn validate_record(def: &EntityDef, record: &Map<String, Value>) -> Result<Map<String, Value>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut out = Map::new();
    let written = split_written(def, record, &mut errors);
    let record = written.as_ref().unwrap_or(record);
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
            FieldKind::Int => match (v.as_i64(), int_limit(fld)) {
                (Some(i), IntLimit::Year) if !YEARS.contains(&i) => Err((
                    "out_of_range",
                    format!(
                        "{label}（{name}）应在 {} 至 {} 年之间，收到 {i}",
                        YEARS.start(),
                        YEARS.end()
                    ),
                )),
                (Some(i), _) if i < 0 => Err(("negative", format!("{label}（{name}）不能为负数：{i}"))),
                (Some(0), IntLimit::Id) => Err(("invalid_id", format!("{label}（{name}）不是有效的编号：0"))),
                (Some(i), IntLimit::Count) if i > MAX_COUNT => Err((
                    "too_large",
                    format!("{label}（{name}）超出上限：最多 {}，收到 {i}", max_count_zh()),
                )),
                (Some(i), _) => Ok(Value::from(i)),
                // a whole number past i64 is a count beyond its ceiling, not a malformed one
                (None, IntLimit::Count) if v.as_u64().is_some() => Err((
                    "too_large",
                    format!("{label}（{name}）超出上限：最多 {}，收到 {v}", max_count_zh()),
                )),
                (None, _) => Err(("type", format!("{label}（{name}）应为整数，收到 {v}"))),
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
                    format!("{label}（{name}）不是有效的行政区划代码：“{s}”（应为 6 位数字，乡镇、街道为 9 位）"),
                )),
                Some(s) => Ok(Value::from(s)),
                None => Err(("type", format!("{label}（{name}）应为文本，收到 {v}"))),
            },
            FieldKind::Date => match v.as_str().map(str::parse::<RecDate>) {
                Some(Ok(d)) => Ok(Value::from(d.to_string())),
                Some(Err(e)) => Err(("date", format!("{label}（{name}）{e}"))),
                None => Err((
                    "date",
                    format!("{label}（{name}）应为日期文本（2011、2014-06 或 2014-06-15），收到 {v}"),
                )),
            },
            FieldKind::Money => match serde_json::from_value::<Money>(v.clone()) {
                Ok(m) if m.fen() < 0 => Err(("negative", format!("{label}（{name}）不能为负数：{m} 元"))),
                Ok(m) if !m.within_limit() => Err((
                    "too_large",
                    format!("{label}（{name}）超出上限：最多 {}（收到 {m} 元）", Money::max_zh()),
                )),
                Ok(m) => Ok(Value::from(m.to_string())),
                Err(_) if plainly_above(&v, Money::MAX.fen() / 100) => Err((
                    "too_large",
                    format!("{label}（{name}）超出上限：最多 {}（收到 {v}）", Money::max_zh()),
                )),
                Err(_) => Err((
                    "money",
                    format!("{label}（{name}）应为金额（元，最多两位小数，可带 万/亿），收到 {v}"),
                )),
            },
            FieldKind::Qty => match serde_json::from_value::<Qty>(v.clone()) {
                Ok(q) if q.is_negative() => Err(("negative", format!("{label}（{name}）不能为负数：{q}"))),
                Ok(q) if !q.within_limit() => Err((
                    "too_large",
                    format!("{label}（{name}）超出上限：最多 {}（收到 {q}）", Qty::max_zh()),
                )),
                Ok(q) => Ok(serde_json::to_value(q).unwrap_or(Value::Null)),
                Err(_) if plainly_above(&v, Qty::MAX.raw() / Qty::from_int(1).raw()) => Err((
                    "too_large",
                    format!("{label}（{name}）超出上限：最多 {}（收到 {v}）", Qty::max_zh()),
                )),
                Err(_) => Err(("number", format!("{label}（{name}）应为数字（最多四位小数），收到 {v}"))),
            },
            FieldKind::Bool => match v.as_bool() {
                Some(b) => Ok(Value::from(b)),
                None => Err(("type", format!("{label}（{name}）应为 true 或 false，收到 {v}"))),
            },
            FieldKind::Enum(options) => match v.as_str() {
                Some(s) if options.iter().any(|(o, _)| *o == s) => Ok(Value::from(s)),
                _ if fld.companion.is_some() => Err((
                    "approx",
                    format!(
                        "{label}（{name}）的值 {v} 无效，可用：{}",
                        crate::approx::Qualifier::list_zh()
                    ),
                )),
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
    check_approx(def, &out, &refused, &mut errors);
    if def.name == "unit_tasks" {
        crate::task::check_record(&out, &refused, &mut errors);
    }
    errors.into_result().map(|_| out)
}

/// The record with every approximate field given in its written form (`"hours": "1500余"`, `"amount":
/// "约1000万元"`) split into its value and companions; `None` when there is none. A written form that cannot be
/// read, or that disagrees with a companion also given, is told on the field.
fn split_written(
    def: &EntityDef,
    record: &Map<String, Value>,
    errors: &mut ValidationErrors,
) -> Option<Map<String, Value>> {
    use crate::approx::{json_raw, parse_figure, raw_json};
    let mut out: Option<Map<String, Value>> = None;
    for fld in def.fields.iter().filter(|f| f.approx) {
        let Some(Value::String(text)) = record.get(fld.name) else {
            continue;
        };
        // money and quantities read plain strings themselves ("3700万"); a count only as a written figure
        if fld.kind != FieldKind::Int && !crate::approx::is_written(text) {
            continue;
        }
        if text.trim().is_empty() {
            continue;
        }
        let (name, label) = (fld.name, fld.label);
        let rec = out.get_or_insert_with(|| record.clone());
        match parse_figure(fld.kind, text) {
            Ok(fig) => {
                let q = fig.qualifier.map(|q| Value::from(q.word())).unwrap_or(Value::Null);
                let u = fig.upper.map(|u| raw_json(fld.kind, u)).unwrap_or(Value::Null);
                for (c, v) in [(fld.approx_name(), q), (fld.upper_name(), u)] {
                    let given = record.get(&c).filter(|g| !g.is_null());
                    let same = |g: &Value| {
                        if c.ends_with("_upper") {
                            json_raw(fld.kind, g).is_some() && json_raw(fld.kind, g) == json_raw(fld.kind, &v)
                        } else {
                            g.as_str().and_then(|s| s.parse::<crate::approx::Qualifier>().ok())
                                == v.as_str().and_then(|s| s.parse().ok())
                        }
                    };
                    if given.is_some_and(|g| !same(g)) {
                        errors.add(
                            c.clone(),
                            "approx_conflict",
                            format!("{label}（{name}）写作“{text}”，与同时填写的 {c} 不一致"),
                        );
                    }
                    rec.insert(c, v);
                }
                rec.insert(name.to_string(), raw_json(fld.kind, fig.value));
            }
            Err(e) => {
                errors.add(name, "approx", format!("{label}（{name}）：{e}，收到“{text}”"));
                rec.insert(name.to_string(), Value::Null);
                rec.insert(fld.approx_name(), Value::Null);
                rec.insert(fld.upper_name(), Value::Null);
            }
        }
    }
    out
}

/// The rules of an approximate field and its companions: a qualifier and an upper bound only with a value, the
/// upper bound not below the value, no 以上/以下 on a range.
fn check_approx(def: &EntityDef, rec: &Map<String, Value>, refused: &[String], errors: &mut ValidationErrors) {
    use crate::approx::{json_raw, Qualifier};
    for fld in def.fields.iter().filter(|f| f.approx) {
        let (an, un) = (fld.approx_name(), fld.upper_name());
        if [fld.name, an.as_str(), un.as_str()]
            .iter()
            .any(|f| refused.iter().any(|r| r == f))
        {
            continue;
        }
        let label_of = |n: &str| def.field(n).map(|f| f.label).unwrap_or("");
        let value = rec
            .get(fld.name)
            .filter(|v| !v.is_null())
            .and_then(|v| json_raw(fld.kind, v));
        let qualifier = rec
            .get(&an)
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<Qualifier>().ok());
        let upper = rec
            .get(&un)
            .filter(|v| !v.is_null())
            .and_then(|v| json_raw(fld.kind, v));
        let (name, label) = (fld.name, fld.label);
        if value.is_none() {
            for (c, set) in [(&an, qualifier.is_some()), (&un, upper.is_some())] {
                if set {
                    errors.add(
                        c.as_str(),
                        "approx_without_value",
                        format!("{}（{c}）只能与{label}（{name}）一起填写", label_of(c)),
                    );
                }
            }
            continue;
        }
        if let (Some(v), Some(u)) = (value, upper) {
            if u < v {
                errors.add(
                    un.as_str(),
                    "range_order",
                    format!(
                        "{}（{un}）{} 小于{label}（{name}）{}：范围的下限不能大于上限",
                        label_of(&un),
                        rec[&un]
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| rec[&un].to_string()),
                        rec[name]
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| rec[name].to_string()),
                    ),
                );
            }
            if let Some(q) = qualifier.filter(|q| !q.allows_range()) {
                errors.add(
                    an.as_str(),
                    "range_qualifier",
                    format!(
                        "{}（{an}）为“{q}”时不能再填{}（{un}）：范围不能带“{q}”",
                        label_of(&an),
                        label_of(&un)
                    ),
                );
            }
        }
    }
}

/// Whether a value that did not parse is a plain number above `max` (too many digits to hold at all, `1e30`): then
/// the caller is told it is beyond the ceiling rather than malformed.
fn plainly_above(v: &Value, max: i64) -> bool {
    let f = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace([',', '，'], "").parse::<f64>().ok(),
        _ => None,
    };
    f.is_some_and(|f| f.is_finite() && f > max as f64)
}

fn is_region_code(s: &str) -> bool {
    matches!(s.len(), 6 | 9) && s.bytes().all(|b| b.is_ascii_digit())
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
            Rule::ExactlyOne(fs) | Rule::AtMostOne(fs) | Rule::Together(fs) => fs,
        };
        if fields.iter().any(|f| refused.iter().any(|r| r == f)) {
            continue;
        }
        match *rule {
            Rule::DateOrder(a, b) => {
                let da = rec.get(a).and_then(RecDate::of);
                let db = rec.get(b).and_then(RecDate::of);
                // an end known to a month or a year is before the start only if all of it is
                if let (Some(x), Some(y)) = (da, db) {
                    if y.last() < x.first {
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
            Rule::Together(fields) => {
                let given: Vec<&str> = fields.iter().copied().filter(|k| set(k)).collect();
                if !given.is_empty() && given.len() < fields.len() {
                    let names: Vec<String> = fields.iter().map(|k| format!("{}（{k}）", label(k))).collect();
                    let missing = fields.iter().find(|k| !set(k)).copied().unwrap_or(fields[0]);
                    errors.add(
                        missing,
                        "together",
                        format!("{}须同时填写，缺少{}（{missing}）", names.join("、"), label(missing)),
                    );
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
    fn approximate_figures_are_split_checked_and_refused_when_bad() {
        let base = json!({"pairing_id": 1, "kind": "training", "title": "培训", "start_date": "2014-07-02"});
        let with = |extra: Value| {
            let mut v = base.clone();
            v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            check("activities", v)
        };
        let r = with(json!({"hours": "1500余", "person_times": "20-50", "amount": "约1000万元"})).unwrap();
        assert_eq!(r["hours"], json!(1500));
        assert_eq!(r["hours_approx"], json!("余"));
        assert_eq!(r["hours_upper"], Value::Null);
        assert_eq!(r["person_times"], json!(20));
        assert_eq!(r["person_times_upper"], json!(50));
        assert_eq!(r["person_times_approx"], Value::Null);
        assert_eq!(r["amount"], json!("10000000.00"));
        assert_eq!(r["amount_approx"], json!("约"));
        // the typed form is the same record
        let t = with(
            json!({"hours": 1500, "hours_approx": "余", "person_times": 20, "person_times_upper": 50,
                            "amount": "10000000", "amount_approx": "约"}),
        )
        .unwrap();
        assert_eq!(t, r);
        let e = with(json!({"hours": "1500许"})).unwrap_err();
        assert_eq!(e.0.len(), 1, "{e:?}");
        assert_eq!(e.0[0].field, "hours");
        assert_eq!(
            e.0[0].message,
            "课时（hours）：无法识别的限定词“许”，可用：余、多、近、约、左右、以上、不少于、至少、以下，收到“1500许”"
        );
        let e = with(json!({"hours": 10, "hours_approx": "许"})).unwrap_err();
        assert_eq!(e.0[0].field, "hours_approx");
        assert!(e.0[0].message.contains("可用：余、多"), "{e:?}");
        let e = with(json!({"person_times": "50-20"})).unwrap_err();
        assert_eq!(e.0[0].field, "person_times");
        assert!(e.0[0].message.contains("范围的下限 50 大于上限 20"), "{e:?}");
        let e = with(json!({"person_times": 50, "person_times_upper": 20})).unwrap_err();
        assert_eq!(e.0[0].field, "person_times_upper");
        assert!(e.0[0].message.contains("范围的下限不能大于上限"), "{e:?}");
        let e = with(json!({"person_times_approx": "余"})).unwrap_err();
        assert_eq!(
            e.0[0].message,
            "人次限定词（person_times_approx）只能与人次（person_times）一起填写"
        );
        let e = with(json!({"person_times": 20, "person_times_upper": 50, "person_times_approx": "以上"})).unwrap_err();
        assert_eq!(e.0[0].field, "person_times_approx");
        let e = with(json!({"hours": "1500余", "hours_approx": "约"})).unwrap_err();
        assert_eq!(e.0[0].field, "hours_approx");
        // money of a required approximate field
        let r = check(
            "transactions",
            json!({"project_id": 1, "kind": "disbursement", "source": "supporter", "amount": "1500余万元",
                   "date": "2014-01-01"}),
        )
        .unwrap();
        assert_eq!(r["amount"], json!("15000000.00"));
        assert_eq!(r["amount_approx"], json!("余"));
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
            json!({"pairing_id": "x", "kind": "party", "title": "", "start_date": "14年6月",
                   "amount": "-5", "hours": -1, "bogus": 1}),
        )
        .unwrap_err();
        assert_eq!(e.0.len(), 1, "unknown fields are reported first: {e:?}");
        let e = check(
            "activities",
            json!({"pairing_id": "x", "kind": "party", "title": "", "start_date": "14年6月", "amount": "-5", "hours": -1}),
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
    fn numbers_beyond_their_ceilings_are_refused_naming_the_field() {
        let act = |extra: Value| {
            let mut v = json!({"pairing_id": 1, "kind": "training", "title": "培训", "start_date": "2014-07-02"});
            for (k, x) in extra.as_object().unwrap() {
                v[k] = x.clone();
            }
            check("activities", v)
        };
        // the tester's probes: the largest amount i64 fen holds, and 2^63-1 person-times
        let e = act(json!({"amount": "92233720368547758.07", "person_times": i64::MAX})).unwrap_err();
        let by_field: Vec<(&str, &str)> = e.0.iter().map(|x| (x.field.as_str(), x.code)).collect();
        assert_eq!(
            by_field,
            [("person_times", "too_large"), ("amount", "too_large")],
            "{e:?}"
        );
        assert_eq!(
            e.0[1].message,
            "金额（amount）超出上限：最多 1 000 000 000 000.00 元（收到 92233720368547758.07 元）"
        );
        assert!(
            e.0[0]
                .message
                .starts_with("人次（person_times）超出上限：最多 1 000 000 000"),
            "{e:?}"
        );
        // the ceilings themselves are accepted, one more is not
        let ok = act(json!({"amount": "1万亿", "person_times": MAX_COUNT, "hours": MAX_COUNT}))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok["amount"], json!("1000000000000.00"));
        assert!(act(json!({"amount": "1000000000000.01"})).is_err());
        assert!(act(json!({"sessions": MAX_COUNT + 1})).is_err());
        // numbers too long to hold at all are beyond the ceiling too, not malformed
        for (field, value) in [
            ("amount", json!("99999999999999999999.99")),
            ("amount", json!(1e30)),
            ("person_times", json!(u64::MAX)),
        ] {
            let e = act(json!({ field: value })).unwrap_err();
            assert_eq!((e.0[0].field.as_str(), e.0[0].code), (field, "too_large"), "{e:?}");
        }
        assert_eq!(act(json!({"amount": "12.345"})).unwrap_err().0[0].code, "money");
        // a quantity and a year
        let iv = |value: Value| {
            check(
                "indicator_values",
                json!({"indicator_id": 1, "region_code": "652900", "period": "2014", "value": value}),
            )
        };
        assert!(iv(json!("9999999999.9999")).is_ok());
        let e = iv(json!("10000000000.0001")).unwrap_err();
        assert_eq!(e.0[0].code, "too_large");
        assert!(e.0[0].message.contains("最多 10 000 000 000"), "{e:?}");
        let e = check("people", json!({"name": "张三", "birth_year": 99999})).unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].code), ("birth_year", "out_of_range"));
        // an id may be any positive number: it is looked up, never added
        assert!(check(
            "transactions",
            json!({"project_id": i64::MAX, "kind": "commitment", "source": "supporter",
            "amount": "1", "date": "2012-05-01"})
        )
        .is_ok());
    }

    proptest::proptest! {
        /// The parsers of user text answer every input, multibyte and control characters included, with a value
        /// or an error, and never panic; a whole record of arbitrary texts is validated the same way.
        #[test]
        fn no_text_makes_a_parser_panic(
            s in "\\PC{0,30}",
            n in "[-+0-9.,，元万亿中e ]{0,30}",
            name in proptest::sample::select(crate::schema::ENTITIES.iter().map(|d| d.name).collect::<Vec<_>>()),
        ) {
            for t in [&s, &n] {
                let _ = t.parse::<Money>();
                let _ = t.parse::<Qty>();
                let _ = t.parse::<Period>();
                let _ = parse_date(t);
                let _ = t.parse::<RecDate>();
                let _ = serde_json::from_value::<Money>(Value::from(t.as_str()));
                let _ = serde_json::from_value::<Qty>(Value::from(t.as_str()));
            }
            let def = entity(name).unwrap();
            let every: Map<String, Value> = def
                .fields
                .iter()
                .filter(|f| !f.server)
                .enumerate()
                .map(|(i, f)| (f.name.to_string(), Value::from(if i % 2 == 0 { s.as_str() } else { n.as_str() })))
                .collect();
            let _ = validate_record(def, &every);
        }

        /// Whatever number is written, a money or quantity field holds it only within its ceiling.
        #[test]
        fn what_validates_lies_within_the_ceilings(whole in 0u64..=u64::MAX, frac in 0u32..100) {
            let text = format!("{whole}.{frac:02}");
            let tx = check("transactions", json!({"project_id": 1, "kind": "commitment", "source": "supporter",
                "amount": text, "date": "2012-05-01"}));
            let fen = u128::from(whole) * 100 + u128::from(frac);
            let within = fen <= Money::MAX.fen().unsigned_abs().into();
            proptest::prop_assert_eq!(tx.is_ok(), within, "{}: {:?}", text, tx);
        }
    }

    #[test]
    fn dates_keep_their_precision_and_ambiguous_ones_are_refused_naming_the_field() {
        let act = |start: &str, end: Value| {
            check(
                "activities",
                json!({"pairing_id": 1, "kind": "training", "title": "培训", "start_date": start, "end_date": end}),
            )
        };
        let ok = act("2011年", Value::Null).unwrap();
        assert_eq!(ok["start_date"], json!("2011"));
        let ok = act("2014年6月", json!("2014-06-20")).unwrap();
        assert_eq!(
            (ok["start_date"].clone(), ok["end_date"].clone()),
            (json!("2014-06"), json!("2014-06-20"))
        );
        // an end in the start's own month or year is not before it
        assert!(act("2014-06-20", json!("2014-06")).is_ok());
        assert!(act("2014-06-20", json!("2014")).is_ok());
        assert_eq!(
            act("2014-06-20", json!("2014-05")).unwrap_err().0[0].code,
            "end_before_start"
        );
        let e = act("14-6", Value::Null).unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].code), ("start_date", "date"));
        assert!(e.0[0].message.starts_with("开始日期（start_date）应为日期"), "{e:?}");
        assert!(e.0[0].message.contains("年份须写全四位数字"), "{e:?}");
        let e = act("201406", Value::Null).unwrap_err();
        assert!(e.0[0].message.contains("六位数字无法区分年月"), "{e:?}");
        // inherently dated records may not be undated
        for (entity, v) in [
            (
                "activities",
                json!({"pairing_id": 1, "kind": "training", "title": "培训"}),
            ),
            (
                "transactions",
                json!({"project_id": 1, "kind": "commitment", "source": "supporter", "amount": "1"}),
            ),
            ("stints", json!({"dispatch_id": 1, "start_date": "2014-09"})),
            (
                "outputs",
                json!({"project_id": 1, "name": "校舍", "unit": "平方米", "completed": 1}),
            ),
        ] {
            let e = check(entity, v).unwrap_err();
            assert_eq!(e.0[0].code, "required", "{entity}: {e:?}");
        }
    }

    #[test]
    fn a_figure_per_unit_comes_with_what_it_measures_and_its_unit() {
        let base = json!({"project_id": 1, "name": "赴湖南培养的科技英才", "unit": "名", "planned": "100-200",
                          "as_of": "2012"});
        let with = |extra: Value| {
            let mut v = base.clone();
            v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            check("outputs", v)
        };
        let ok = with(json!({"per_unit_what": "培养期", "per_unit": "6-12", "per_unit_unit": "个月"})).unwrap();
        assert_eq!(
            (ok["per_unit"].clone(), ok["per_unit_upper"].clone()),
            (json!(6), json!(12)),
            "{ok:?}"
        );
        let e = with(json!({"per_unit_what": "培养期", "per_unit": "6-12"})).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code),
            ("per_unit_unit", "together"),
            "{e:?}"
        );
        assert!(e.0[0].message.contains("缺少每单位计量单位（per_unit_unit）"), "{e:?}");
        assert!(with(json!({})).is_ok());
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
