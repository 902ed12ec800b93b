//! The rule of a 目标任务 (obligation) as a form of its own, in place of the JSON box of the generic record form:
//! each part of [`ObligationRule`] a labelled control with Chinese choices, a template to start from, and the rule's
//! sentence ([`ObligationRule::text_zh`]) previewed above it, or [`ObligationRule::from_json`]'s message naming the
//! part of the form. Everything works without script: a step of the form (预览, a row more or less, a template
//! applied) is a submit button that answers the form again, nothing saved.
//!
//! [`forms`](super::forms) calls [`control`] to draw the field and [`step`] to read it back.

use askama::Template;
use duikou_domain::obligation::{
    Comparison, Direction, Measure, ObligationRule, RecordSet, Subject, Target, Tier, Window, WrittenTarget,
    ZeroDenominator, DAYS_OF_UNIT, RECORD_ENTITIES,
};
use duikou_domain::schema::{self, EntityDef, FieldKind, JsonShape};
use duikou_domain::Qty;
use std::collections::{BTreeMap, HashMap};

/// Whether `f` of `def` is the rule this form draws.
pub fn handles(def: &EntityDef, f: &schema::Field) -> bool {
    def.name == "obligations" && f.kind == FieldKind::Json(JsonShape::ObligationRule)
}

/// The marker a form drawn here posts (absent when the rule is shown as JSON).
const MARK: &str = "rule_form";
/// The marker of the JSON box, so that a refused JSON rule is shown again as typed.
const JSON_MARK: &str = "rule_json";
/// The button of a step of the form (its value names the step).
const DO: &str = "rule_do";

/// What a posted form asks of the rule.
pub enum Step {
    /// Not the rule form (the JSON box, or another entity): the generic form reads it.
    Generic,
    /// A step of the form (preview, a row more or less, a template): answer the form again, nothing saved.
    Stay,
    /// The form cannot be read as a rule: refused with this message, nothing saved.
    Refused(String),
    /// Save: `form["rule"]` holds the rule's JSON.
    Save,
}

/// Reads the rule form out of a posted `form`: a step answers again (the form's values rewritten for it), a save
/// puts the rule's JSON in `form["rule"]` for the store to check and keep.
pub fn step(def: &EntityDef, form: &mut HashMap<String, String>) -> Step {
    if def.name != "obligations" || !form.contains_key(MARK) {
        return Step::Generic;
    }
    let mut state = State::from_values(form);
    let action = form.remove(DO).unwrap_or_default();
    let stay = match action.as_str() {
        "" => false,
        "template" => {
            let chosen = form.get("rule_template").cloned().unwrap_or_default();
            if let Some((item_title, weight, rule)) = template_item(&chosen) {
                if let Ok(s) = State::from_rule(&rule) {
                    state = s;
                }
                for (k, v) in [("title", item_title), ("weight", weight)] {
                    if form.get(k).is_none_or(|t| t.trim().is_empty()) {
                        form.insert(k.to_string(), v);
                    }
                }
            }
            true
        }
        "add_filter" => {
            state.filters.push(Row::default());
            true
        }
        "add_num" => {
            state.numerator.push(Row::default());
            true
        }
        "add_tier" => {
            state.tiers.push(TierRow::default());
            true
        }
        other => {
            let at = |p: &str| other.strip_prefix(p).and_then(|i| i.parse::<usize>().ok());
            if let Some(i) = at("del_f") {
                remove(&mut state.filters, i);
            } else if let Some(i) = at("del_n") {
                remove(&mut state.numerator, i);
            } else if let Some(i) = at("del_t") {
                remove(&mut state.tiers, i);
            }
            // 预览 and 更新 only answer again
            true
        }
    };
    state.to_values(form);
    if stay {
        if action == "preview" {
            form.insert("rule_preview".into(), "1".into());
        }
        return Step::Stay;
    }
    match state.check() {
        Ok((_, json)) => {
            form.insert("rule".into(), json.to_string());
            Step::Save
        }
        Err(e) => Step::Refused(e),
    }
}

fn remove<T>(rows: &mut Vec<T>, i: usize) {
    if i < rows.len() {
        rows.remove(i);
    }
}

/// The template item `code.key` (模板代码.条目): its title, weight and rule.
fn template_item(chosen: &str) -> Option<(String, String, ObligationRule)> {
    let (code, key) = chosen.split_once('.')?;
    let t = duikou_domain::templates::template(code)?;
    let i = t.items.into_iter().find(|i| i.key == key)?;
    Some((i.title.to_string(), i.weight.to_string(), i.rule))
}

/// The rule field drawn for `values` (a posted form's, or a stored record's with its rule as JSON text), with the
/// message the field was refused with, if any.
pub fn control(values: &HashMap<String, String>, error: Option<&str>) -> String {
    let view = if values.contains_key(MARK) {
        Ok(State::from_values(values))
    } else if values.contains_key(JSON_MARK) {
        Err("按原样显示".to_string())
    } else {
        match values.get("rule").map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(State::blank()),
            Some(text) => match serde_json::from_str::<serde_json::Value>(text)
                .map_err(|_| "规则不是可读的结构".to_string())
                .and_then(|v| ObligationRule::from_json(&v))
            {
                Ok(rule) => State::from_rule(&rule),
                Err(e) => Err(format!("规则无法读出（{e}）")),
            },
        }
    };
    let html = match view {
        Ok(state) => state.view(values, error).render(),
        Err(why) => JsonView {
            why,
            text: values.get("rule").cloned().unwrap_or_default(),
            error: error.map(|e| said(e).1),
        }
        .render(),
    };
    html.unwrap_or_else(|e| {
        tracing::error!(error = %e, "rule form failed");
        String::new()
    })
}

/// A message about the rule as the form says it: the part of the form it is about (by its label on the form) and
/// the message without the machine names the API adds (`“介于”规则需要上限（target_max）` → `上限`,
/// `“介于”规则需要上限`).
fn said(message: &str) -> (&'static str, String) {
    let m = message.strip_prefix("规则：").unwrap_or(message);
    const PARTS: &[(&str, &str)] = &[
        ("target.written", "目标值"),
        ("target.value", "目标值"),
        ("target_max", "上限"),
        ("target.of", "分档依据"),
        ("target.attribute", "分档依据"),
        ("target.tiers", "分档"),
        ("（below）", "分档"),
        ("（from）", "分档"),
        ("（to）", "分档"),
        (" 档", "分档"),
        ("measure.records.entity", "统计哪类记录"),
        ("measure.records.filter", "筛选条件"),
        ("measure.numerator_filter", "分子条件"),
        ("measure.zero_denominator", "分母为零时"),
        ("measure.field", "统计字段"),
        ("subject.role", "派出类别"),
        ("subject.direction", "方向"),
        ("window", "考核期"),
        ("calendar", "考核期"),
        ("（direction）", "方向"),
    ];
    let part = PARTS
        .iter()
        .find(|(k, _)| m.contains(k))
        .map(|(_, l)| *l)
        .or_else(|| {
            m.split_once('：')
                .and_then(|(p, _)| LABELS.iter().find(|l| **l == p).copied())
        })
        .unwrap_or("规则");
    // the machine names in parentheses go: （target_max）, （measure.zero_denominator：skip、met 或 unmet）
    let mut out = String::new();
    let mut rest = m;
    while let Some(i) = rest.find('（') {
        let after = &rest[i + '（'.len_utf8()..];
        match after.find('）') {
            Some(j) if after.starts_with(|c: char| c.is_ascii_lowercase()) => {
                out.push_str(&rest[..i]);
                rest = &after[j + '）'.len_utf8()..];
            }
            _ => {
                out.push_str(&rest[..i + '（'.len_utf8()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let out = out.replace("应为 year、term 或 range", "应为 每年、帮扶期内 或 指定起止日期");
    let out = out
        .strip_prefix(&format!("{part}："))
        .map(str::to_string)
        .unwrap_or(out);
    (part, out)
}

/// The labels of the parts of the form, as messages name them.
const LABELS: &[&str] = &[
    "考核对象",
    "派出类别",
    "方向",
    "考核期",
    "统计什么",
    "统计哪类记录",
    "统计字段",
    "筛选条件",
    "分子条件",
    "分母为零时",
    "比较方式",
    "目标",
    "目标值",
    "上限",
    "分档依据",
    "分档",
    "说法",
    "单位",
];

const SUBJECTS: &[(&str, &str)] = &[
    ("pairing", "每个结对（整体）"),
    ("each_dispatch", "每名派出人员"),
    ("each_stint", "每名派出人员的每一次派出（每段时间）"),
];
const DIRECTIONS: &[(&str, &str)] = &[
    ("", "按考核对象默认（结对整体：双方都算；派出人员：支援方派往受援方）"),
    ("to_receiver", "支援方派往受援方"),
    ("to_supporter", "受援方派往支援方"),
    ("any", "双方互派"),
];
const WINDOWS: &[(&str, &str)] = &[
    ("semester", "每学期"),
    ("school_year", "每学年"),
    ("year", "每年"),
    ("term", "帮扶期内（整个结对期限）"),
    ("range", "指定起止日期"),
];
const KINDS: &[(&str, &str)] = &[
    ("count", "记录条数（如活动次数）"),
    ("distinct_count", "不同取值的个数（如派出人数）"),
    ("sum", "某项数量的合计（如培训人次、金额）"),
    ("cumulative_days", "累计在岗天数（支教时段相加）"),
    ("min_stint_days", "每次连续在岗天数（最短的一次）"),
    ("ratio", "占比（%）"),
];
const COMPARISONS: &[(&str, &str)] = &[
    ("at_least", "不少于"),
    ("at_most", "不超过"),
    ("between", "介于（含上下限）"),
];
const TARGET_TYPES: &[(&str, &str)] = &[("fixed", "固定目标"), ("tiered", "按单位情况分档（如按教师人数）")];
const SIDES: &[(&str, &str)] = &[("receiver", "受援方"), ("supporter", "支援方")];
const TIER_STYLES: &[(&str, &str)] = &[
    ("written", "按区间（如 20人以下、20—50人、50人以上，含两端）"),
    ("below", "按上界（低于某数为一档）"),
];
const ZEROS: &[(&str, &str)] = &[("skip", "该期不计结果"), ("met", "视为达标"), ("unmet", "视为未达标")];
/// Units a rule commonly counts in, offered as suggestions (any unit may be typed).
const UNITS: &[&str] = &["名", "人次", "次", "天", "元", "万元", "套", "个", "项", "%"];

/// The parents a dotted filter or field may read, by the link field that leads there.
const PARENTS: &[(&str, &str, &str)] = &[
    ("project", "project_id", "projects"),
    ("dispatch", "dispatch_id", "dispatches"),
    ("person", "person_id", "people"),
    ("need", "need_id", "needs"),
];

/// Which fields a control offers: the filters' (values a person can choose or type), the sums' (numbers), the
/// distinct counts' (any).
#[derive(Clone, Copy, PartialEq)]
enum Use {
    Filter,
    Sum,
    Distinct,
}

fn offered(f: &schema::Field, used: Use) -> bool {
    if f.companion.is_some() || matches!(f.kind, FieldKind::Json(_) | FieldKind::LongText) {
        return false;
    }
    match used {
        Use::Sum => f.refs.is_none() && matches!(f.kind, FieldKind::Int | FieldKind::Money | FieldKind::Qty),
        Use::Filter => {
            f.refs.is_none()
                && matches!(
                    f.kind,
                    FieldKind::Enum(_) | FieldKind::Bool | FieldKind::Text | FieldKind::Int
                )
        }
        Use::Distinct => !f.server && !matches!(f.kind, FieldKind::Date),
    }
}

/// The fields of `entity` a control offers: (path, label, field), its own first, then its parents' (`project.category`,
/// 项目·项目类别).
fn fields_of(entity: &str, used: Use) -> Vec<(String, String, &'static schema::Field)> {
    let Some(def) = schema::entity(entity) else {
        return Vec::new();
    };
    let own_server = |f: &schema::Field| f.server && !(used == Use::Filter && f.name == "confirmation");
    let mut out: Vec<(String, String, &'static schema::Field)> = def
        .fields
        .iter()
        .filter(|f| !own_server(f) && offered(f, used))
        .map(|f| (f.name.to_string(), f.label.to_string(), f))
        .collect();
    if def.confirmable && used == Use::Filter {
        out.extend(
            schema::CONFIRMATION_FIELDS
                .iter()
                .filter(|f| f.name == "confirmation")
                .map(|f| (f.name.to_string(), f.label.to_string(), f)),
        );
    }
    if used == Use::Distinct {
        return out;
    }
    for (prefix, link, parent) in PARENTS {
        let (Some(l), Some(p)) = (def.field(link), schema::entity(parent)) else {
            continue;
        };
        for f in p.fields.iter().filter(|f| !f.server && offered(f, used)) {
            out.push((format!("{prefix}.{}", f.name), format!("{}·{}", l.label, f.label), f));
        }
    }
    out
}

fn field_def(entity: &str, path: &str, used: Use) -> Option<&'static schema::Field> {
    fields_of(entity, used)
        .into_iter()
        .find(|(p, _, _)| p == path)
        .map(|(_, _, f)| f)
}

/// The choices of a field a filter offers as boxes to tick (an enum's values, 是/否), or `None` for a typed value.
fn value_choices(f: &schema::Field) -> Option<Vec<(&'static str, &'static str)>> {
    match f.kind {
        FieldKind::Enum(opts) => Some(opts.to_vec()),
        FieldKind::Bool => Some(vec![("true", "是"), ("false", "否")]),
        _ => None,
    }
}

/// What separates typed values of one condition.
const SEPARATORS: &[char] = &['、', ',', '，', ';', '；'];

/// One condition row: a field, and its accepted values (ticked codes, or typed text).
#[derive(Debug, Clone, Default, PartialEq)]
struct Row {
    field: String,
    ticked: Vec<String>,
    text: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct TierRow {
    from: String,
    to: String,
    below: String,
    target: String,
}

/// The form's values, as typed (so that nothing is lost when it is answered again).
#[derive(Debug, Clone, Default, PartialEq)]
struct State {
    subject: String,
    role: String,
    direction: String,
    window: String,
    from: String,
    to: String,
    kind: String,
    entity: String,
    field: String,
    filters: Vec<Row>,
    numerator: Vec<Row>,
    zero: String,
    comparison: String,
    target_type: String,
    value: String,
    written: String,
    max: String,
    of: String,
    attribute: String,
    tier_style: String,
    tiers: Vec<TierRow>,
    label: String,
    unit: String,
}

fn rows_from(values: &HashMap<String, String>, p: &str) -> Vec<Row> {
    let n = values
        .get(&format!("rule_n{p}"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        .min(50);
    (0..n)
        .map(|i| {
            let key = format!("rule_{p}{i}_v_");
            let mut ticked: Vec<String> = values
                .keys()
                .filter_map(|k| k.strip_prefix(&key))
                .map(str::to_string)
                .collect();
            ticked.sort();
            Row {
                field: values.get(&format!("rule_{p}{i}_field")).cloned().unwrap_or_default(),
                ticked,
                text: values.get(&format!("rule_{p}{i}_text")).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

fn rows_to(rows: &[Row], p: &str, out: &mut HashMap<String, String>) {
    out.insert(format!("rule_n{p}"), rows.len().to_string());
    for (i, r) in rows.iter().enumerate() {
        out.insert(format!("rule_{p}{i}_field"), r.field.clone());
        out.insert(format!("rule_{p}{i}_text"), r.text.clone());
        for t in &r.ticked {
            out.insert(format!("rule_{p}{i}_v_{t}"), "1".into());
        }
    }
}

impl State {
    fn blank() -> State {
        State {
            subject: "pairing".into(),
            window: "year".into(),
            kind: "count".into(),
            entity: "activities".into(),
            comparison: "at_least".into(),
            target_type: "fixed".into(),
            of: "receiver".into(),
            tier_style: "written".into(),
            ..State::default()
        }
    }

    fn from_values(values: &HashMap<String, String>) -> State {
        let get = |k: &str| {
            values
                .get(&format!("rule_{k}"))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let nt = get("nt").parse::<usize>().unwrap_or(0).min(50);
        State {
            subject: get("subject"),
            role: get("role"),
            direction: get("direction"),
            window: get("window"),
            from: get("from"),
            to: get("to"),
            kind: get("kind"),
            entity: get("entity"),
            field: get("field"),
            filters: rows_from(values, "f"),
            numerator: rows_from(values, "n"),
            zero: get("zero"),
            comparison: get("comparison"),
            target_type: get("target_type"),
            value: get("value"),
            written: get("written"),
            max: get("max"),
            of: get("of"),
            attribute: get("attribute"),
            tier_style: get("tier_style"),
            tiers: (0..nt)
                .map(|i| TierRow {
                    from: get(&format!("t{i}_from")),
                    to: get(&format!("t{i}_to")),
                    below: get(&format!("t{i}_below")),
                    target: get(&format!("t{i}_target")),
                })
                .collect(),
            label: get("label"),
            unit: get("unit"),
        }
    }

    /// Writes the state back as the form's values (every `rule_…` value replaced).
    fn to_values(&self, out: &mut HashMap<String, String>) {
        out.retain(|k, _| !k.starts_with("rule_") || k == "rule_template");
        out.insert("rule_template".into(), String::new());
        out.insert(MARK.into(), "1".into());
        for (k, v) in [
            ("subject", &self.subject),
            ("role", &self.role),
            ("direction", &self.direction),
            ("window", &self.window),
            ("from", &self.from),
            ("to", &self.to),
            ("kind", &self.kind),
            ("entity", &self.entity),
            ("field", &self.field),
            ("zero", &self.zero),
            ("comparison", &self.comparison),
            ("target_type", &self.target_type),
            ("value", &self.value),
            ("written", &self.written),
            ("max", &self.max),
            ("of", &self.of),
            ("attribute", &self.attribute),
            ("tier_style", &self.tier_style),
            ("label", &self.label),
            ("unit", &self.unit),
        ] {
            out.insert(format!("rule_{k}"), v.clone());
        }
        rows_to(&self.filters, "f", out);
        rows_to(&self.numerator, "n", out);
        out.insert("rule_nt".into(), self.tiers.len().to_string());
        for (i, t) in self.tiers.iter().enumerate() {
            for (k, v) in [
                ("from", &t.from),
                ("to", &t.to),
                ("below", &t.below),
                ("target", &t.target),
            ] {
                out.insert(format!("rule_t{i}_{k}"), v.clone());
            }
        }
    }

    /// The form of a stored rule, or why the form cannot show it (then it is shown as JSON).
    fn from_rule(rule: &ObligationRule) -> Result<State, String> {
        let code = |v: &dyn erased::Code| v.code();
        let mut s = State::blank();
        match &rule.subject {
            Subject::Pairing => s.subject = "pairing".into(),
            Subject::EachDispatch { role, direction } => {
                if direction.is_some() {
                    return Err("该规则按旧的写法在考核对象里写了派遣方向，表单无法显示".into());
                }
                s.subject = "each_dispatch".into();
                s.role = role.clone();
            }
            Subject::EachStint { role } => {
                s.subject = "each_stint".into();
                s.role = role.clone();
            }
        }
        s.direction = rule.direction.map(|d| code(&d)).unwrap_or_default();
        s.window = match &rule.window {
            Window::Range { from, to } => {
                s.from = from.to_string();
                s.to = to.to_string();
                "range".into()
            }
            w => code(w),
        };
        s.kind = code(&rule.measure);
        let records = rule.measure.records();
        s.entity = records.entity.clone();
        s.filters = rows_of(&records.entity, &records.filter)?;
        match &rule.measure {
            Measure::DistinctCount { field, .. } | Measure::Sum { field, .. } => s.field = field.clone(),
            Measure::Ratio {
                field,
                numerator_filter,
                zero_denominator,
                ..
            } => {
                s.field = field.clone();
                s.numerator = rows_of(&records.entity, numerator_filter)?;
                s.zero = zero_denominator.map(|z| code(&z)).unwrap_or_default();
            }
            _ => {}
        }
        s.comparison = code(&rule.comparison);
        s.max = rule.target_max.map(|m| m.to_string()).unwrap_or_default();
        s.put_target(&rule.target);
        s.label = rule.label.clone().unwrap_or_default();
        s.unit = rule.unit.clone().unwrap_or_default();
        // what the form would save must be the rule itself, else the form cannot show it
        match s.build() {
            Ok(back) if back == *rule => Ok(s),
            _ => Err("该规则的写法超出表单所能显示的范围".into()),
        }
    }

    /// The target of a stored rule put into the form: a fixed value (in the unit it was written in), or tiers.
    fn put_target(&mut self, target: &Target) {
        match target {
            Target::Fixed { value, written } => {
                self.target_type = "fixed".into();
                match written {
                    Some(w) => {
                        self.value = w.value.to_string();
                        self.written = w.unit.clone();
                    }
                    None => self.value = value.to_string(),
                }
            }
            Target::Tiered { of, attribute, tiers } => {
                self.target_type = "tiered".into();
                self.of = of.clone();
                self.attribute = attribute.clone();
                self.tier_style = if tiers.iter().any(Tier::written) {
                    "written"
                } else {
                    "below"
                }
                .into();
                let shown = |q: Option<Qty>| q.map(|q| q.to_string()).unwrap_or_default();
                self.tiers = tiers
                    .iter()
                    .map(|t| TierRow {
                        from: shown(t.from),
                        to: shown(t.to),
                        below: shown(t.below),
                        target: t.target.to_string(),
                    })
                    .collect();
            }
        }
    }

    /// The rule the form stands for, or what in it cannot be read (the part, and why): read part by part in the
    /// form's order, so the first part that cannot be read is the one named.
    fn build(&self) -> Result<ObligationRule, String> {
        let subject = self.read_subject()?;
        let window = self.read_window()?;
        let direction = match self.direction.as_str() {
            "" => None,
            d => Some(decode::<Direction>(d).ok_or("方向：请选择")?),
        };
        let entity = choice("统计哪类记录", &self.entity)?;
        let measure = self.read_measure(&entity)?;
        let comparison: Comparison = decode(&self.comparison).ok_or("比较方式：请选择")?;
        let target = self.read_target()?;
        let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        Ok(ObligationRule {
            subject,
            window,
            measure,
            comparison,
            target,
            target_max: if comparison == Comparison::Between {
                opt_qty("上限", &self.max)?
            } else {
                None
            },
            label: text(&self.label),
            unit: text(&self.unit),
            direction,
        })
    }

    /// Whom the rule is about: the pairing, or each dispatch or stint of a role.
    fn read_subject(&self) -> Result<Subject, String> {
        let role = || choice("派出类别", &self.role);
        Ok(match self.subject.as_str() {
            "each_dispatch" => Subject::EachDispatch {
                role: role()?,
                direction: None,
            },
            "each_stint" => Subject::EachStint { role: role()? },
            _ => Subject::Pairing,
        })
    }

    /// The period the rule is assessed over: one of the windows offered, or a range of two dates.
    fn read_window(&self) -> Result<Window, String> {
        let date = |v: &str| {
            v.trim()
                .parse::<chrono::NaiveDate>()
                .map_err(|_| format!("考核期：起止日期应写作 2014-09-01，收到“{v}”"))
        };
        Ok(match self.window.as_str() {
            "range" => Window::Range {
                from: date(&self.from)?,
                to: date(&self.to)?,
            },
            w => decode(w).ok_or("考核期：请选择")?,
        })
    }

    /// What is counted or summed over the records of `entity` the filters keep.
    fn read_measure(&self, entity: &str) -> Result<Measure, String> {
        let records = RecordSet {
            entity: entity.to_string(),
            filter: filter_of(entity, &self.filters, "筛选条件")?,
        };
        let field = || self.field.clone();
        Ok(match self.kind.as_str() {
            "count" => Measure::Count { records },
            "distinct_count" => Measure::DistinctCount {
                records,
                field: field(),
            },
            "sum" => Measure::Sum {
                records,
                field: field(),
            },
            "cumulative_days" => Measure::CumulativeDays { records },
            "min_stint_days" => Measure::MinStintDays { records },
            "ratio" => Measure::Ratio {
                records,
                field: field(),
                numerator_filter: filter_of(entity, &self.numerator, "分子条件")?,
                zero_denominator: match self.zero.as_str() {
                    "" => None,
                    z => Some(decode::<ZeroDenominator>(z).ok_or("分母为零时：请选择")?),
                },
            },
            _ => return Err("统计什么：请选择".into()),
        })
    }

    /// The target: a fixed value (maybe written in a unit of time), or tiers by an attribute of one side.
    fn read_target(&self) -> Result<Target, String> {
        if self.target_type == "tiered" {
            let tiers = self.read_tiers()?;
            return Ok(Target::Tiered {
                of: choice("分档依据", &self.of)?,
                attribute: choice("分档依据", &self.attribute)?,
                tiers,
            });
        }
        if self.value.is_empty() {
            return Err("目标值：请填写".into());
        }
        let v = qty("目标值", &self.value)?;
        Ok(match self.written.as_str() {
            "" => Target::Fixed {
                value: v,
                written: None,
            },
            unit => {
                let w = WrittenTarget {
                    value: v,
                    unit: unit.to_string(),
                };
                Target::Fixed {
                    value: w.days().map_err(|e| format!("目标值：{e}"))?,
                    written: Some(w),
                }
            }
        })
    }

    /// The tiers filled in (empty rows skipped), by ranges (`from`–`to`) or by upper bounds (`below`).
    fn read_tiers(&self) -> Result<Vec<Tier>, String> {
        let written = self.tier_style != "below";
        let mut tiers = Vec::new();
        for (i, t) in self.tiers.iter().enumerate() {
            if [&t.from, &t.to, &t.below, &t.target].iter().all(|v| v.is_empty()) {
                continue;
            }
            let part = format!("分档：第 {} 档", i + 1);
            let target = if t.target.is_empty() {
                return Err(format!("{part}还没有填目标"));
            } else {
                qty(&part, &t.target)?
            };
            tiers.push(if written {
                Tier {
                    below: None,
                    from: opt_qty(&part, &t.from)?,
                    to: opt_qty(&part, &t.to)?,
                    target,
                }
            } else {
                Tier {
                    below: opt_qty(&part, &t.below)?,
                    from: None,
                    to: None,
                    target,
                }
            });
        }
        Ok(tiers)
    }

    /// The rule checked as the store checks it ([`ObligationRule::from_json`]), with its JSON; else the message
    /// naming the part of the form ("上限：“介于”规则需要上限").
    fn check(&self) -> Result<(ObligationRule, serde_json::Value), String> {
        let rule = self.build()?;
        let json = serde_json::to_value(&rule).map_err(|e| format!("规则：{e}"))?;
        match ObligationRule::from_json(&json) {
            Ok(r) => Ok((r, json)),
            Err(e) => {
                let (part, m) = said(&e);
                Err(format!("{part}：{m}"))
            }
        }
    }

    /// The rows of a filter (`p`: `f` the records' filter, `n` the numerator's), with one empty row to add one.
    fn row_views(&self, rows: &[Row], p: &str) -> Vec<RowView> {
        let mut rows = rows.to_vec();
        if rows.last().is_none_or(|r| !r.field.is_empty()) {
            rows.push(Row::default());
        }
        let choices: Vec<(String, String)> = fields_of(&self.entity, Use::Filter)
            .into_iter()
            .map(|(p, l, _)| (p, l))
            .collect();
        rows.iter()
            .enumerate()
            .map(|(i, r)| {
                let f = field_def(&self.entity, &r.field, Use::Filter);
                let ticks = f.and_then(value_choices).unwrap_or_default();
                RowView {
                    n: i + 1,
                    name: format!("rule_{p}{i}"),
                    del: format!("del_{p}{i}"),
                    fields: choices
                        .iter()
                        .map(|(c, l)| Opt {
                            v: c.clone(),
                            l: l.clone(),
                            s: *c == r.field,
                        })
                        .collect(),
                    ticks: ticks
                        .iter()
                        .map(|(c, l)| Opt {
                            v: c.to_string(),
                            l: l.to_string(),
                            s: r.ticked.iter().any(|t| t == c),
                        })
                        .collect(),
                    typed: f.is_some() && f.and_then(value_choices).is_none(),
                    text: r.text.clone(),
                    blank: r.field.is_empty(),
                }
            })
            .collect()
    }

    /// What the form shows: every choice with the current one selected, and the rule's sentence or what is wrong.
    fn view(&self, values: &HashMap<String, String>, error: Option<&str>) -> RuleView {
        let opts = |list: &[(&str, &str)], v: &str| -> Vec<Opt> {
            list.iter()
                .map(|(c, l)| Opt {
                    v: c.to_string(),
                    l: l.to_string(),
                    s: *c == v,
                })
                .collect()
        };
        let checked = self.check();
        let (sentence, problem) = match (&checked, error) {
            (_, Some(e)) => (None, Some(said(e))),
            (Ok((rule, _)), None) => (Some(rule.text_zh()), None),
            (Err(e), None) if values.contains_key("rule_preview") => (None, Some(said(e))),
            (Err(_), None) => (None, None),
        };
        let days = matches!(self.kind.as_str(), "cumulative_days" | "min_stint_days");
        let entities: Vec<(&str, &str)> = RECORD_ENTITIES
            .iter()
            .filter(|e| !days || **e == "stints")
            .filter_map(|e| schema::entity(e).map(|d| (d.name, d.label)))
            .collect();
        // the field is offered whatever is counted (a count ignores it), so that choosing 合计 and its field takes
        // one pass; the numbers only when summing
        let used = if matches!(self.kind.as_str(), "sum" | "ratio") {
            Use::Sum
        } else {
            Use::Distinct
        };
        let fields: Vec<(String, String)> = fields_of(&self.entity, used)
            .into_iter()
            .map(|(p, l, _)| (p, l))
            .collect();
        let field_refs: Vec<(&str, &str)> = fields.iter().map(|(p, l)| (p.as_str(), l.as_str())).collect();
        let tiered = self.target_type == "tiered";
        let mut tiers = self.tiers.clone();
        if tiered && tiers.last().is_none_or(|t| !t.target.is_empty()) {
            tiers.push(TierRow::default());
        }
        let attributes: Vec<(&str, &str)> = duikou_domain::attributes::ORG_ATTRIBUTES
            .iter()
            .map(|a| (a.key, a.label))
            .collect();
        let roles: Vec<(&str, &str)> = schema::DISPATCH_ROLES.to_vec();
        let written: Vec<(&str, &str)> = std::iter::once(("", "按下面的单位"))
            .chain(DAYS_OF_UNIT.iter().map(|(u, _)| (*u, *u)))
            .collect();
        RuleView {
            sentence,
            bad: problem.as_ref().map(|p| p.0).unwrap_or(""),
            error: problem.map(|(part, m)| format!("{part}：{m}")),
            templates: template_choices(),
            subject: opts(SUBJECTS, &self.subject),
            each: self.subject != "pairing",
            role: opts(&roles, &self.role),
            direction: opts(DIRECTIONS, &self.direction),
            window: opts(WINDOWS, &self.window),
            range: self.window == "range",
            from: self.from.clone(),
            to: self.to.clone(),
            kind: opts(KINDS, &self.kind),
            entity: opts(&entities, &self.entity),
            field: opts(&field_refs, &self.field),
            filters: self.row_views(&self.filters, "f"),
            ratio: self.kind == "ratio",
            numerator: self.row_views(&self.numerator, "n"),
            zero: opts(ZEROS, &self.zero),
            comparison: opts(COMPARISONS, &self.comparison),
            between: self.comparison == "between",
            max: self.max.clone(),
            target_type: opts(TARGET_TYPES, &self.target_type),
            tiered,
            value: self.value.clone(),
            written: opts(&written, &self.written),
            of: opts(SIDES, &self.of),
            attribute: opts(&attributes, &self.attribute),
            tier_style: opts(TIER_STYLES, &self.tier_style),
            by_below: self.tier_style == "below",
            tiers,
            label: self.label.clone(),
            unit: self.unit.clone(),
            units: UNITS,
        }
    }
}

/// The templates' rules to start from: each template's name with its items (`code.key`, title).
fn template_choices() -> Vec<(String, Vec<(String, String)>)> {
    duikou_domain::templates::templates()
        .into_iter()
        .map(|t| {
            (
                t.name.to_string(),
                t.items
                    .iter()
                    .map(|i| (format!("{}.{}", t.code, i.key), i.title.to_string()))
                    .collect(),
            )
        })
        .collect()
}

/// The rows of a stored rule's filter, or the field the form cannot offer.
fn rows_of(entity: &str, filter: &BTreeMap<String, Vec<String>>) -> Result<Vec<Row>, String> {
    filter
        .iter()
        .map(|(k, vals)| {
            let f = field_def(entity, k, Use::Filter).ok_or_else(|| format!("条件“{k}”不是表单可选的字段"))?;
            Ok(match value_choices(f) {
                Some(_) => Row {
                    field: k.clone(),
                    ticked: vals.clone(),
                    text: String::new(),
                },
                None => Row {
                    field: k.clone(),
                    ticked: Vec::new(),
                    text: vals.join("、"),
                },
            })
        })
        .collect()
}

/// A choice the form needs, or `part：请选择`.
fn choice(part: &str, v: &str) -> Result<String, String> {
    if v.is_empty() {
        Err(format!("{part}：请选择"))
    } else {
        Ok(v.to_string())
    }
}

/// A figure (at most four decimals), or why it is not one.
fn qty(part: &str, v: &str) -> Result<Qty, String> {
    v.trim()
        .parse::<Qty>()
        .ok()
        .filter(|q| q.within_limit())
        .ok_or_else(|| format!("{part}：“{v}”不是数字（最多四位小数）"))
}

/// A figure that may be left empty.
fn opt_qty(part: &str, v: &str) -> Result<Option<Qty>, String> {
    if v.trim().is_empty() {
        Ok(None)
    } else {
        qty(part, v).map(Some)
    }
}

/// The filter of the rows filled in (`part`: 筛选条件 or 分子条件): each a field of `entity` with the values ticked
/// or typed, no field twice.
fn filter_of(entity: &str, rows: &[Row], part: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut out = BTreeMap::new();
    for (i, r) in rows.iter().enumerate().filter(|(_, r)| !r.field.is_empty()) {
        let n = i + 1;
        let f = field_def(entity, &r.field, Use::Filter).ok_or_else(|| {
            format!("{part}：第 {n} 条的字段不属于所选的记录，请重新选择（选好记录类型后按“更新选项”）")
        })?;
        let vals: Vec<String> = match value_choices(f) {
            Some(opts) => opts
                .iter()
                .filter(|(c, _)| r.ticked.iter().any(|t| t == c))
                .map(|(c, _)| c.to_string())
                .collect(),
            None => r
                .text
                .split(SEPARATORS)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .collect(),
        };
        if vals.is_empty() {
            return Err(format!(
                "{part}：第 {n} 条“{}”还没有选定取值",
                label_of(entity, &r.field)
            ));
        }
        if out.insert(r.field.clone(), vals).is_some() {
            return Err(format!(
                "{part}：第 {n} 条与前面一条是同一字段“{}”，请合为一条",
                label_of(entity, &r.field)
            ));
        }
    }
    Ok(out)
}

/// A field's label as a person reads it (项目·项目类别).
fn label_of(entity: &str, path: &str) -> String {
    fields_of(entity, Use::Filter)
        .into_iter()
        .find(|(p, _, _)| p == path)
        .map(|(_, l, _)| l)
        .unwrap_or_else(|| path.to_string())
}

/// A value of one of the rule's enums from its code (`at_least`, `semester`), as the stored rule spells it.
fn decode<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    if code.is_empty() {
        return None;
    }
    serde_json::from_value(serde_json::json!(code))
        .or_else(|_| serde_json::from_value(serde_json::json!({ "type": code })))
        .ok()
}

/// The codes of the rule's enums as the stored rule spells them (`"at_least"`, `{"type": "semester"}`).
mod erased {
    pub trait Code {
        fn code(&self) -> String;
    }
    impl<T: serde::Serialize> Code for T {
        fn code(&self) -> String {
            match serde_json::to_value(self) {
                Ok(serde_json::Value::String(s)) => s,
                Ok(v) => v["type"].as_str().unwrap_or_default().to_string(),
                Err(_) => String::new(),
            }
        }
    }
}

/// One choice of a list: its value, its words, whether chosen.
struct Opt {
    v: String,
    l: String,
    s: bool,
}

/// One condition row as drawn.
struct RowView {
    n: usize,
    name: String,
    del: String,
    fields: Vec<Opt>,
    ticks: Vec<Opt>,
    typed: bool,
    text: String,
    blank: bool,
}

#[derive(Template)]
#[template(path = "obligation_rule.html")]
struct RuleView {
    sentence: Option<String>,
    error: Option<String>,
    /// The part of the form the error is about.
    bad: &'static str,
    templates: Vec<(String, Vec<(String, String)>)>,
    subject: Vec<Opt>,
    each: bool,
    role: Vec<Opt>,
    direction: Vec<Opt>,
    window: Vec<Opt>,
    range: bool,
    from: String,
    to: String,
    kind: Vec<Opt>,
    entity: Vec<Opt>,
    field: Vec<Opt>,
    filters: Vec<RowView>,
    ratio: bool,
    numerator: Vec<RowView>,
    zero: Vec<Opt>,
    comparison: Vec<Opt>,
    between: bool,
    max: String,
    target_type: Vec<Opt>,
    tiered: bool,
    value: String,
    written: Vec<Opt>,
    of: Vec<Opt>,
    attribute: Vec<Opt>,
    tier_style: Vec<Opt>,
    by_below: bool,
    tiers: Vec<TierRow>,
    label: String,
    unit: String,
    units: &'static [&'static str],
}

/// The rule as JSON, when the form cannot show it, with why.
#[derive(Template)]
#[template(path = "obligation_rule_json.html")]
struct JsonView {
    why: String,
    text: String,
    error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_rule_is_shown_by_the_form_and_read_back_unchanged() {
        for t in duikou_domain::templates::templates() {
            for i in &t.items {
                let s = State::from_rule(&i.rule).unwrap_or_else(|e| panic!("{}.{}: {e}", t.code, i.key));
                let mut values = HashMap::new();
                s.to_values(&mut values);
                let back = State::from_values(&values);
                assert_eq!(back.check().map(|r| r.0), Ok(i.rule.clone()), "{}.{}", t.code, i.key);
            }
        }
    }

    #[test]
    fn messages_name_the_part_of_the_form() {
        assert_eq!(
            said("规则：“介于”规则需要上限（target_max）"),
            ("上限", "“介于”规则需要上限".to_string())
        );
        let (part, m) = said("比例规则须说明分母为零时如何处理（measure.zero_denominator：skip、met 或 unmet）");
        assert_eq!((part, m.as_str()), ("分母为零时", "比例规则须说明分母为零时如何处理"));
    }
}
