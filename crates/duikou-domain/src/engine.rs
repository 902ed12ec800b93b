//! The obligation engine: for each obligation, subject and window, the actual against the target, met / unmet / open,
//! an early warning, the records counted and the rule in Chinese. Pure and deterministic: records in, results out.

use crate::date::{attribute, record_interval, Attribution, RecDate};
use crate::obligation::{
    role_noun, Comparison, Direction, Measure, ObligationRule, Subject, Target, Window, ZeroDenominator,
};
use crate::record::{Fields, Rec};
use crate::{Calendar, Money, Period, Qty, RatingScale, WindowKind};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the engine needs to know about the pairing being evaluated.
#[derive(Debug, Clone)]
pub struct PairingContext {
    /// The pairing's id.
    pub pairing_id: i64,
    /// The pairing's whole term (falls back to the program's period).
    pub term: (NaiveDate, NaiveDate),
    /// The program's calendar.
    pub calendar: Calendar,
    /// Count only facts the other side confirmed (the program's setting).
    pub only_confirmed: bool,
    /// The supporting org's attributes (e.g. `teacher_count`).
    pub supporter_attributes: Value,
    /// The receiving org's attributes.
    pub receiver_attributes: Value,
}

/// An obligation as stored.
#[derive(Debug, Clone)]
pub struct ObligationInput {
    /// Its id.
    pub id: i64,
    /// Its title ("每学年互派教师不少于2名").
    pub title: String,
    /// Its weight in the assessment.
    pub weight: Qty,
    /// Its rule.
    pub rule: ObligationRule,
}

/// The records of one pairing, by entity name (`dispatches`, `stints`, `activities`, `people`, `projects` …).
pub type Records = HashMap<String, Vec<Rec>>;

/// How a result stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The target is reached.
    Met,
    /// The window is over and the target was missed.
    Unmet,
    /// The window is not over yet.
    Open,
}

impl Status {
    /// 达标 / 未达标 / 进行中.
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "达标",
            Status::Unmet => "未达标",
            Status::Open => "进行中",
        }
    }
}

/// One obligation evaluated for one subject in one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObligationResult {
    /// The obligation.
    pub obligation_id: i64,
    /// The obligation's title.
    pub title: String,
    /// The pairing.
    pub pairing_id: i64,
    /// The subject: `pairing`, or the dispatch / stint id counted for.
    pub subject: SubjectRef,
    /// The window in the one written form.
    pub window: String,
    /// First day of the window.
    pub window_start: NaiveDate,
    /// Last day of the window.
    pub window_end: NaiveDate,
    /// What was achieved.
    pub actual: Qty,
    /// The target (after tiers).
    pub target: Option<Qty>,
    /// The upper bound for `between`.
    pub target_max: Option<Qty>,
    /// Met, unmet or open.
    pub status: Status,
    /// The window is mostly gone and the actual lags the pro-rata target.
    pub warning: bool,
    /// The records counted, as `(entity, id)`.
    pub counted: Vec<(&'static str, i64)>,
    /// The result in Chinese ("2014-2015学年 派出支教教师 1 名，要求不少于 2 名").
    pub text: String,
}

/// Who a result is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SubjectRef {
    /// The pairing as a whole.
    Pairing,
    /// One dispatched person.
    Dispatch {
        /// The dispatch.
        dispatch_id: i64,
        /// The person.
        person_id: i64,
        /// The person's name.
        name: String,
    },
    /// One stint.
    Stint {
        /// The stint.
        stint_id: i64,
        /// The dispatch.
        dispatch_id: i64,
        /// The person's name.
        name: String,
    },
}

/// Settings of one evaluation.
#[derive(Debug, Clone, Copy)]
pub struct EvalOptions {
    /// The day results are judged on: windows ending after it are open.
    pub as_of: NaiveDate,
    /// Only windows overlapping this range.
    pub range: Option<(NaiveDate, NaiveDate)>,
    /// Warn once this share of an open window has passed and the actual lags pro rata (0.5 = half).
    pub warn_share: f64,
}

fn date(v: &Value) -> Option<RecDate> {
    RecDate::of(v)
}

fn id(v: &Value) -> Option<i64> {
    v.as_i64()
}

/// The dates a record stands for, to place it in windows.
fn span<R: Fields + ?Sized>(entity: &str, rec: &R, idx: &Index) -> Option<(NaiveDate, NaiveDate)> {
    let f = |name: &str| rec.field(name).and_then(date);
    // a date known to a month or a year stands for all of it: [start.first, (end or start).last()]
    let pair = |a: &str, b: &str| Some(record_interval(f(a)?, f(b)));
    let parent = |name: &str| rec.field(name).and_then(id);
    match entity {
        "activities" => pair("start_date", "end_date"),
        "transactions" => pair("date", "date"),
        "stints" => pair("start_date", "end_date"),
        "dispatches" => pair("start_date", "end_date").or_else(|| idx.stint_span(parent("id")?)),
        "projects" => f("approved_on").or_else(|| f("started_on")).map(|d| d.interval()),
        "outputs" => f("as_of")
            .map(|d| d.interval())
            .or_else(|| span("projects", idx.get("projects", parent("project_id")?)?, idx)),
        "project_funding" => span("projects", idx.get("projects", parent("project_id")?)?, idx),
        "appraisals" => {
            let y = rec.field("year")?.as_i64()? as i32;
            Some((NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y, 12, 31)?))
        }
        "needs" => pair("raised_on", "met_on"),
        _ => None,
    }
}

/// The dates a record stands for, from its own fields only (used to keep signed periods locked).
pub fn record_dates<R: Fields + ?Sized>(entity: &str, rec: &R) -> Option<(NaiveDate, NaiveDate)> {
    match entity {
        "dispatches" | "activities" | "transactions" | "stints" | "projects" | "appraisals" | "needs" => span(
            entity,
            rec,
            &Index {
                by_id: HashMap::new(),
                stints_of: HashMap::new(),
            },
        ),
        "outputs" => rec.field("as_of").and_then(date).map(|d| d.interval()),
        _ => None,
    }
}

struct Index<'a> {
    by_id: HashMap<(&'a str, i64), &'a Rec>,
    stints_of: HashMap<i64, Vec<&'a Rec>>,
}

impl<'a> Index<'a> {
    fn new(records: &'a Records) -> Self {
        let mut by_id = HashMap::new();
        let mut stints_of: HashMap<i64, Vec<&Rec>> = HashMap::new();
        for (entity, recs) in records {
            // only what a field, a span or a name is looked up in
            let parent = matches!(entity.as_str(), "projects" | "dispatches" | "people" | "needs");
            for r in recs {
                if parent {
                    if let Some(i) = id(&r["id"]) {
                        by_id.insert((entity.as_str(), i), r);
                    }
                }
                if entity == "stints" {
                    if let Some(d) = id(&r["dispatch_id"]) {
                        stints_of.entry(d).or_default().push(r);
                    }
                }
            }
        }
        Index { by_id, stints_of }
    }

    fn get(&self, entity: &str, i: i64) -> Option<&'a Rec> {
        self.by_id.get(&(entity, i)).copied()
    }

    fn stint_span(&self, dispatch: i64) -> Option<(NaiveDate, NaiveDate)> {
        let stints = self.stints_of.get(&dispatch)?;
        let starts = stints.iter().filter_map(|s| date(&s["start_date"]).map(|d| d.first));
        let ends = stints.iter().filter_map(|s| date(&s["end_date"]).map(|d| d.last()));
        Some((starts.min()?, ends.max()?))
    }

    /// A field by reference, following one dotted step to a parent as [`Index::field`] does; `None` where missing.
    fn field_ref<'r>(&'r self, rec: &'r Rec, path: &str) -> Option<&'r Value> {
        match path.split_once('.') {
            None => rec.get(path),
            Some((parent, field)) => {
                let entity = match parent {
                    "project" => "projects",
                    "dispatch" => "dispatches",
                    "person" => "people",
                    "need" => "needs",
                    _ => return None,
                };
                let id = rec.get(format!("{parent}_id").as_str()).and_then(Value::as_i64)?;
                self.by_id.get(&(entity, id)).and_then(|p| p.get(field))
            }
        }
    }

    /// A field, following one dotted step to a parent (`project.category`, `dispatch.role`, `person.education`).
    fn field(&self, rec: &Rec, path: &str) -> Value {
        match path.split_once('.') {
            None => rec[path].clone(),
            Some((parent, field)) => {
                let entity = match parent {
                    "project" => "projects",
                    "dispatch" => "dispatches",
                    "person" => "people",
                    "need" => "needs",
                    _ => return Value::Null,
                };
                id(&rec[format!("{parent}_id").as_str()])
                    .and_then(|i| self.by_id.get(&(entity, i)))
                    .map(|p| p[field].clone())
                    .unwrap_or(Value::Null)
            }
        }
    }
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn matches(idx: &Index, rec: &Rec, filter: &BTreeMap<String, Vec<String>>) -> bool {
    filter.iter().all(|(k, accepted)| match idx.field_ref(rec, k) {
        // (compared as text without copying it: this runs for every record of every rule)
        Some(Value::String(v)) => accepted.iter().any(|a| a == v),
        None | Some(Value::Null) => accepted.iter().any(String::is_empty),
        Some(other) => accepted.contains(&as_text(other)),
    })
}

fn numeric(v: &Value) -> Qty {
    match v {
        Value::Number(n) => n.to_string().parse().unwrap_or_default(),
        Value::String(s) => s
            .parse::<Money>()
            .map(|m| Qty::from_raw(m.fen().saturating_mul(100)))
            .or_else(|_| s.parse::<Qty>())
            .unwrap_or_default(),
        _ => Qty::default(),
    }
}

/// A total as a quantity, held at the ends of i64 instead of wrapping. Stored values are within [`Qty::MAX`]
/// (money within [`Money::MAX`]), so only tens of thousands of record-sized values reach the end; a held total still
/// compares correctly with any target, which is itself a quantity.
fn saturated(total: i128) -> Qty {
    Qty::from_raw(i64::try_from(total).unwrap_or(if total < 0 { i64::MIN } else { i64::MAX }))
}

/// Entities whose dates are a time in post or open (a stint, a dispatch, a need, a year's appraisal), not the date
/// of a fact: they count in every window they overlap.
fn presence(entity: &str) -> bool {
    matches!(entity, "stints" | "dispatches" | "needs" | "appraisals")
}

fn overlaps(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

fn days(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days() + 1
}

/// A subject and the records it may count.
struct SubjectScope<'a> {
    subject: SubjectRef,
    dispatch: Option<&'a Rec>,
    stint: Option<&'a Rec>,
    active: (NaiveDate, NaiveDate),
}

fn subjects<'a>(
    rule: &ObligationRule,
    ctx: &PairingContext,
    records: &'a Records,
    idx: &Index<'a>,
) -> Vec<SubjectScope<'a>> {
    let dispatches: &'a [Rec] = records.get("dispatches").map(Vec::as_slice).unwrap_or(&[]);
    let name_of = |d: &Rec| {
        id(&d["person_id"])
            .and_then(|p| idx.get("people", p))
            .and_then(|p| p["name"].as_str())
            .unwrap_or("")
            .to_string()
    };
    let direction = rule.direction();
    let way = |d: &Rec| direction.admits(d["direction"].as_str());
    match &rule.subject {
        Subject::Pairing => vec![SubjectScope {
            subject: SubjectRef::Pairing,
            dispatch: None,
            stint: None,
            active: ctx.term,
        }],
        Subject::EachDispatch { role, .. } => dispatches
            .iter()
            .filter(|d| d["role"] == role.as_str() && way(d) && counts(ctx, d))
            .filter_map(|d| {
                let active = span("dispatches", d, idx)?;
                Some(SubjectScope {
                    subject: SubjectRef::Dispatch {
                        dispatch_id: id(&d["id"])?,
                        person_id: id(&d["person_id"]).unwrap_or(0),
                        name: name_of(d),
                    },
                    dispatch: Some(d),
                    stint: None,
                    active,
                })
            })
            .collect(),
        Subject::EachStint { role } => {
            let mut out = Vec::new();
            for d in dispatches
                .iter()
                .filter(|d| d["role"] == role.as_str() && way(d) && counts(ctx, d))
            {
                let stints = idx.stints_of.get(&id(&d["id"]).unwrap_or(0));
                for s in stints.into_iter().flatten().filter(|s| counts(ctx, s)) {
                    if let (Some(sid), Some(active)) = (id(&s["id"]), span("stints", s, idx)) {
                        out.push(SubjectScope {
                            subject: SubjectRef::Stint {
                                stint_id: sid,
                                dispatch_id: id(&d["id"]).unwrap_or(0),
                                name: format!(
                                    "{}（{}至{}）",
                                    name_of(d),
                                    active.0.format("%Y年%-m月%-d日"),
                                    active.1.format("%Y年%-m月%-d日")
                                ),
                            },
                            dispatch: Some(d),
                            stint: Some(s),
                            active,
                        });
                    }
                }
            }
            out
        }
    }
}

/// Whether a record counts as fact: a confirmed one (or one that needs no confirmation) always, a pending one unless
/// only confirmed facts count, a disputed one never.
fn counts(ctx: &PairingContext, rec: &Rec) -> bool {
    match rec.get("confirmation").and_then(Value::as_str) {
        None | Some("confirmed") => true,
        Some("disputed") => false,
        Some(_) => !ctx.only_confirmed,
    }
}

/// Whether a record runs the rule's way: a dispatch by its own direction, a stint by its dispatch's; other records
/// have no direction.
fn runs_way(entity: &str, rec: &Rec, direction: Direction, idx: &Index) -> bool {
    match entity {
        "dispatches" => direction.admits(rec["direction"].as_str()),
        "stints" => {
            let dispatch = id(&rec["dispatch_id"]).and_then(|d| idx.get("dispatches", d));
            direction.admits(dispatch.and_then(|d| d["direction"].as_str()))
        }
        _ => true,
    }
}

/// The one window a stint is judged in for a per-stint rule: of the rule's windows it overlaps, the one holding most
/// of its days (the earlier on a tie); a whole-term or custom window is narrowed to the stint's days in it, so a
/// stint is listed only where it was.
fn stint_window(
    rule: &ObligationRule,
    ctx: &PairingContext,
    stint: (NaiveDate, NaiveDate),
) -> Option<(String, String, (NaiveDate, NaiveDate))> {
    let all = windows(rule, ctx, stint);
    let days_in = |b: (NaiveDate, NaiveDate)| days(stint.0.max(b.0), stint.1.min(b.1));
    let best = all.into_iter().filter(|(_, _, b)| overlaps(*b, stint)).fold(
        None,
        |best: Option<(String, String, (NaiveDate, NaiveDate))>, w| match &best {
            Some(b) if days_in(b.2) >= days_in(w.2) => best,
            _ => Some(w),
        },
    )?;
    match rule.window {
        Window::Term | Window::Range { .. } => {
            let narrowed = (stint.0.max(best.2 .0), stint.1.min(best.2 .1));
            // (said as the rule's window: the stint's own dates are in its name)
            Some((Period::Range(narrowed.0, narrowed.1).to_string(), best.1, narrowed))
        }
        _ => Some(best),
    }
}

fn windows(
    rule: &ObligationRule,
    ctx: &PairingContext,
    active: (NaiveDate, NaiveDate),
) -> Vec<(String, String, (NaiveDate, NaiveDate))> {
    let within = (active.0.max(ctx.term.0), active.1.min(ctx.term.1));
    if within.0 > within.1 {
        return Vec::new();
    }
    let kind = match rule.window {
        Window::Semester => WindowKind::Semester,
        Window::SchoolYear => WindowKind::SchoolYear,
        Window::Year => WindowKind::Year,
        Window::Term => {
            let p = Period::Range(ctx.term.0, ctx.term.1);
            return vec![(p.to_string(), format!("帮扶期内（{}）", p.label_zh()), ctx.term)];
        }
        Window::Range { from, to } => {
            let p = Period::Range(from, to);
            return vec![(p.to_string(), p.label_zh(), (from, to))];
        }
    };
    Period::windows(kind, within.0, within.1, &ctx.calendar)
        .into_iter()
        .filter_map(|p| Some((p.to_string(), p.label_zh(), p.bounds(&ctx.calendar, None)?)))
        .collect()
}

fn target_for(rule: &ObligationRule, ctx: &PairingContext) -> Option<Qty> {
    match &rule.target {
        Target::Fixed { value, .. } => Some(*value),
        Target::Tiered { of, attribute, tiers } => {
            let attrs = if of == "supporter" {
                &ctx.supporter_attributes
            } else {
                &ctx.receiver_attributes
            };
            let v = attrs.get(attribute).filter(|v| !v.is_null()).map(numeric)?;
            if !tiers.iter().any(|t| t.written()) {
                // by `below`: the first tier whose bound exceeds it
                return tiers.iter().find(|t| t.holds(v)).map(|t| t.target);
            }
            let mut holding = tiers.iter().filter(|t| t.holds(v));
            match (holding.next(), holding.next()) {
                (Some(t), None) => Some(t.target),
                // on an end two written tiers share, the source does not say which applies; outside all, none
                _ => None,
            }
        }
    }
}

/// Why a tiered target could not be chosen: the attribute is not recorded, or its value lies on an end two tiers
/// share ("科任教师20人：实施方案的“20人以下”和“20—50人”两档都含20人").
fn tier_doubt(of: &str, attribute: &str, tiers: &[crate::obligation::Tier], ctx: &PairingContext) -> String {
    let side = if of == "supporter" { "支援方" } else { "受援方" };
    let attrs = if of == "supporter" {
        &ctx.supporter_attributes
    } else {
        &ctx.receiver_attributes
    };
    let label = crate::attributes::org_attribute(attribute).map_or(attribute, |a| a.label);
    let Some(v) = attrs.get(attribute).filter(|v| !v.is_null()).map(numeric) else {
        return format!("无法确定要求：{side}未填写{label}");
    };
    let unit = crate::attributes::org_attribute(attribute).map_or("", |a| if a.unit == "名" { "人" } else { a.unit });
    let both: Vec<String> = tiers
        .iter()
        .enumerate()
        .filter(|(_, t)| t.holds(v))
        .map(|(i, t)| format!("“{}”", t.range_zh(unit, i.checked_sub(1).and_then(|j| tiers.get(j)))))
        .collect();
    if both.len() > 1 {
        format!(
            "无法确定要求：{side}{label}{v}{unit}，分档{}都含此数，依据未写明按哪一档",
            both.join("和")
        )
    } else {
        format!("无法确定要求：{side}{label}{v}{unit}不在任何一档内")
    }
}

fn fmt_qty(q: Qty) -> String {
    q.to_string()
}

/// Evaluates every obligation for one pairing.
pub fn evaluate(
    ctx: &PairingContext,
    obligations: &[ObligationInput],
    records: &Records,
    opts: &EvalOptions,
) -> Vec<ObligationResult> {
    let idx = Index::new(records);
    let mut rows: HashMap<&str, Vec<Row>> = HashMap::new();
    let mut out = Vec::new();
    for ob in obligations {
        let rule = &ob.rule;
        let target = target_for(rule, ctx);
        let set = rule.measure.records();
        // the entity's name as the schema spells it (rules are checked against the schema when saved)
        let entity_name = crate::schema::entity(&set.entity).map_or("", |d| d.name);
        let all = rows
            .entry(set.entity.as_str())
            .or_insert_with(|| prepare(&set.entity, ctx, records, &idx));
        // the rule's filter is applied once, not once per window
        let direction = rule.direction();
        let directed = direction != Direction::Any && matches!(set.entity.as_str(), "dispatches" | "stints");
        let candidates: Vec<&Row> = all
            .iter()
            .filter(|r| matches(&idx, r.rec, &set.filter))
            .filter(|r| !directed || runs_way(&set.entity, r.rec, direction, &idx))
            .collect();
        for scope in subjects(rule, ctx, records, &idx) {
            let mine: Vec<&Row> = candidates
                .iter()
                .copied()
                .filter(|r| in_subject(&set.entity, r.rec, &scope))
                .collect();
            let judged_in = match scope.stint {
                Some(_) => stint_window(rule, ctx, scope.active).into_iter().collect(),
                None => windows(rule, ctx, scope.active),
            };
            for (window, window_label, bounds) in judged_in {
                if opts.range.is_some_and(|r| !overlaps(r, bounds)) {
                    continue;
                }
                let whole_term = bounds == ctx.term;
                let rows: Vec<&Row> = mine
                    .iter()
                    .copied()
                    .filter(|r| match r.span {
                        // a time in post counts in every window it overlaps (its days are clipped to the window)
                        Some(s) if whole_term || presence(entity_name) => overlaps(s, bounds),
                        // a fact counts in the window that holds all of it; one that may lie on either side of
                        // the window's edge (a month or a year across it, an activity over it) is not attributable
                        Some(s) => attribute(s, bounds) == Attribution::In,
                        None => whole_term,
                    })
                    .collect();
                let mut selected: Vec<&Rec> = rows.iter().map(|r| r.rec).collect();
                // statements of one output over time are not added: the window takes the latest of each
                if entity_name == "outputs" {
                    selected = crate::outputs::latest(&selected);
                }
                let Some((actual, counted, forced)) = measure(&rule.measure, entity_name, &selected, &idx, bounds)
                else {
                    continue;
                };
                // a per-stint result is settled when its stint has ended, not when its window does
                let over = bounds.1 < opts.as_of || scope.stint.is_some() && scope.active.1 < opts.as_of;
                // a stay that has ended short of the minimum cannot be made up by a later one
                let ended_short = matches!(rule.measure, Measure::MinStintDays { .. })
                    && rule.comparison == Comparison::AtLeast
                    && target.is_some_and(|t| {
                        rows.iter().any(|s| {
                            s.span
                                .is_some_and(|(a, b)| b < opts.as_of && Qty::from_int(days(a, b)) < t)
                        })
                    });
                let status = forced.unwrap_or(match (target, rule.comparison) {
                    (None, _) => Status::Open,
                    (Some(t), Comparison::AtLeast) if actual >= t => Status::Met,
                    (Some(_), Comparison::AtLeast) if ended_short => Status::Unmet,
                    (Some(_), _) if !over => Status::Open,
                    (Some(t), Comparison::AtLeast) => {
                        if actual >= t {
                            Status::Met
                        } else {
                            Status::Unmet
                        }
                    }
                    (Some(t), Comparison::AtMost) => {
                        if actual <= t {
                            Status::Met
                        } else {
                            Status::Unmet
                        }
                    }
                    (Some(t), Comparison::Between) => {
                        if actual >= t && rule.target_max.is_none_or(|m| actual <= m) {
                            Status::Met
                        } else {
                            Status::Unmet
                        }
                    }
                });
                let warning = status == Status::Open
                    && rule.comparison == Comparison::AtLeast
                    && target.is_some_and(|t| {
                        let total = days(bounds.0, bounds.1) as f64;
                        let elapsed = days(bounds.0, opts.as_of.min(bounds.1)).max(0) as f64;
                        let share = elapsed / total;
                        share >= opts.warn_share && actual.as_f64() < t.as_f64() * share
                    });
                let text = describe(ob, &scope.subject, &window_label, actual, target, ctx);
                out.push(ObligationResult {
                    obligation_id: ob.id,
                    title: ob.title.clone(),
                    pairing_id: ctx.pairing_id,
                    subject: scope.subject.clone(),
                    window,
                    window_start: bounds.0,
                    window_end: bounds.1,
                    actual,
                    target,
                    target_max: rule.target_max,
                    status,
                    warning,
                    counted,
                    text,
                });
            }
        }
    }
    out
}

fn describe(
    ob: &ObligationInput,
    subject: &SubjectRef,
    window: &str,
    actual: Qty,
    target: Option<Qty>,
    ctx: &PairingContext,
) -> String {
    let rule = &ob.rule;
    let label = rule.label.clone().unwrap_or_else(|| ob.title.clone());
    let unit = rule.unit.clone().unwrap_or_default();
    // whom a per-person duty holds, so a reader sees it is the supporting side's teacher, not a visiting one
    let held = match &rule.subject {
        Subject::EachDispatch { role, .. } | Subject::EachStint { role } => {
            format!("{}{}", rule.direction().side_zh(), role_noun(role))
        }
        Subject::Pairing => String::new(),
    };
    let who = match subject {
        SubjectRef::Pairing => String::new(),
        SubjectRef::Dispatch { name, .. } => format!("{held}{name}："),
        SubjectRef::Stint { name, .. } => format!("{held}{name}："),
    };
    let demand = match (target, rule.comparison) {
        (None, _) => match &rule.target {
            Target::Tiered { of, attribute, tiers } => tier_doubt(of, attribute, tiers, ctx),
            Target::Fixed { .. } => "无法确定要求".to_string(),
        },
        (Some(t), Comparison::AtLeast) => format!("要求不少于 {} {unit}", fmt_qty(t)),
        (Some(t), Comparison::AtMost) => format!("要求不超过 {} {unit}", fmt_qty(t)),
        (Some(t), Comparison::Between) => format!(
            "要求介于 {} 与 {} {unit}之间",
            fmt_qty(t),
            rule.target_max.map(fmt_qty).unwrap_or_default()
        ),
    };
    format!("{who}{window} {label} {} {unit}，{demand}", fmt_qty(actual))
        .replace("  ", " ")
        .trim()
        .to_string()
}

fn in_subject(entity: &str, rec: &Rec, scope: &SubjectScope) -> bool {
    match (scope.dispatch, scope.stint) {
        (_, Some(s)) => entity == "stints" && rec["id"] == s["id"],
        (Some(d), None) => match entity {
            "dispatches" => rec["id"] == d["id"],
            _ => rec["dispatch_id"] == d["id"] || rec["person_id"] == d["person_id"] && entity != "stints",
        },
        (None, None) => true,
    }
}

/// A record that counts (confirmed where only confirmed facts count), with the days it stands for worked out once.
struct Row<'a> {
    rec: &'a Rec,
    span: Option<(NaiveDate, NaiveDate)>,
}

fn prepare<'a>(entity: &str, ctx: &PairingContext, records: &'a Records, idx: &Index) -> Vec<Row<'a>> {
    records
        .get(entity)
        .into_iter()
        .flatten()
        .filter(|r| counts(ctx, r))
        .map(|rec| Row {
            rec,
            span: span(entity, rec, idx),
        })
        .collect()
}

/// What a measure found: the actual, the records counted, and a status it decides by itself (a zero denominator).
type Measured = (Qty, Vec<(&'static str, i64)>, Option<Status>);

fn measure(
    m: &Measure,
    entity: &'static str,
    v: &[&Rec],
    idx: &Index,
    bounds: (NaiveDate, NaiveDate),
) -> Option<Measured> {
    let ids = |v: &[&Rec]| {
        v.iter()
            .filter_map(|r| Some((entity, id(&r["id"])?)))
            .collect::<Vec<_>>()
    };
    match m {
        Measure::Count { .. } => Some((Qty::from_int(v.len() as i64), ids(v), None)),
        Measure::DistinctCount { field, .. } => {
            let distinct: BTreeSet<String> = v
                .iter()
                .map(|r| as_text(&idx.field(r, field)))
                .filter(|s| !s.is_empty())
                .collect();
            Some((Qty::from_int(distinct.len() as i64), ids(v), None))
        }
        Measure::Sum { field, .. } => {
            let total: i128 = v.iter().map(|r| i128::from(numeric(&idx.field(r, field)).raw())).sum();
            Some((saturated(total), ids(v), None))
        }
        Measure::CumulativeDays { .. } => {
            let total: i128 = v
                .iter()
                .filter_map(|s| {
                    let (a, b) = span("stints", s, idx)?;
                    let (a, b) = (a.max(bounds.0), b.min(bounds.1));
                    (a <= b).then(|| i128::from(days(a, b)))
                })
                .sum();
            Some((
                saturated(total.saturating_mul(i128::from(Qty::from_int(1).raw()))),
                ids(v),
                None,
            ))
        }
        Measure::MinStintDays { .. } => {
            let min = v
                .iter()
                .filter_map(|s| span("stints", s, idx).map(|(a, b)| days(a, b)))
                .min()?;
            Some((Qty::from_int(min), ids(v), None))
        }
        Measure::Ratio {
            field,
            numerator_filter,
            zero_denominator,
            ..
        } => {
            let den: i128 = v.iter().map(|r| numeric(&idx.field(r, field)).raw() as i128).sum();
            if den == 0 {
                return match zero_denominator {
                    Some(ZeroDenominator::Met) => Some((Qty::default(), ids(v), Some(Status::Met))),
                    Some(ZeroDenominator::Unmet) => Some((Qty::default(), ids(v), Some(Status::Unmet))),
                    _ => None,
                };
            }
            let num: i128 = v
                .iter()
                .filter(|r| matches(idx, r, numerator_filter))
                .map(|r| numeric(&idx.field(r, field)).raw() as i128)
                .sum();
            // percent with four decimals, rounded half up (in i128: sums of i64 values times 2·10⁶ stay far inside it)
            let pct_raw = (num * 100 * 10_000 * 2 + den) / (den * 2);
            Some((saturated(pct_raw), ids(v), None))
        }
    }
}

/// A weighted score (0–100) and rating over the closed results: each obligation counts by its weight, by the share
/// of its closed windows that were met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// 0–100, one decimal.
    pub score: Option<f64>,
    /// The rating label on the program's scale.
    pub rating: Option<String>,
    /// Results met / unmet / open.
    pub met: usize,
    /// Unmet.
    pub unmet: usize,
    /// Open.
    pub open: usize,
    /// Open with a warning.
    pub warnings: usize,
}

/// Scores results with the obligations' weights on `scale`.
pub fn score(results: &[ObligationResult], weights: &HashMap<i64, Qty>, scale: &RatingScale) -> Score {
    let mut per: BTreeMap<i64, (usize, usize)> = BTreeMap::new();
    let (mut met, mut unmet, mut open, mut warnings) = (0, 0, 0, 0);
    for r in results {
        match r.status {
            Status::Met => met += 1,
            Status::Unmet => unmet += 1,
            Status::Open => open += 1,
        }
        if r.warning {
            warnings += 1;
        }
        if r.status != Status::Open {
            let e = per.entry(r.obligation_id).or_default();
            e.1 += 1;
            if r.status == Status::Met {
                e.0 += 1;
            }
        }
    }
    let (mut num, mut den) = (0.0, 0.0);
    for (ob, (m, n)) in &per {
        let w = weights.get(ob).map(|w| w.as_f64()).unwrap_or(1.0);
        num += w * (*m as f64) / (*n as f64);
        den += w;
    }
    let score = (den > 0.0).then(|| (num / den * 1000.0).round() / 10.0);
    let rating = score.and_then(|s| {
        scale
            .levels
            .iter()
            .find(|l| s >= l.min_score.as_f64())
            .map(|l| l.label.clone())
    });
    Score {
        score,
        rating,
        met,
        unmet,
        open,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::recs;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        crate::validate::parse_date(s).unwrap()
    }

    fn ctx() -> PairingContext {
        PairingContext {
            pairing_id: 1,
            term: (d("2013-10-01"), d("2016-08-31")),
            calendar: Calendar::school(),
            only_confirmed: true,
            supporter_attributes: json!({}),
            receiver_attributes: json!({"teacher_count": 35}),
        }
    }

    fn ob(id: i64, rule: Value) -> ObligationInput {
        ObligationInput {
            id,
            title: format!("规则{id}"),
            weight: Qty::from_int(1),
            rule: serde_json::from_value(rule).unwrap(),
        }
    }

    /// The 第8篇 school pairing: two teachers in 2013-2014, one in 2014-2015, one in 2015-2016 (still running).
    fn records() -> Records {
        let mut r = Records::new();
        r.insert(
            "people".into(),
            recs((1..=4).map(|i| json!({"id": i, "name": format!("教师{i}")})).collect()),
        );
        let disp = |id: i64, person: i64, start: &str, end: &str, conf: &str| {
            json!({"id": id, "pairing_id": 1, "person_id": person, "role": "teacher", "direction": "to_receiver",
                   "start_date": start, "end_date": end, "confirmation": conf})
        };
        r.insert(
            "dispatches".into(),
            recs(vec![
                disp(1, 1, "2013-10-08", "2014-06-30", "confirmed"),
                disp(2, 2, "2013-11-01", "2014-06-30", "confirmed"),
                disp(3, 3, "2014-09-01", "2015-06-30", "confirmed"),
                disp(4, 4, "2015-09-01", "2016-06-30", "confirmed"),
                disp(5, 2, "2014-09-01", "2015-06-30", "pending"),
            ]),
        );
        let stint = |id: i64, dispatch: i64, a: &str, b: &str| json!({"id": id, "dispatch_id": dispatch, "pairing_id": 1, "start_date": a, "end_date": b, "confirmation": "confirmed"});
        r.insert(
            "stints".into(),
            recs(vec![
                stint(1, 1, "2013-10-08", "2013-11-08"), // 32 days
                stint(2, 2, "2013-11-01", "2013-11-15"), // 15 days
                stint(3, 2, "2013-12-01", "2013-12-05"), // 5 days: too short
                stint(4, 3, "2014-09-01", "2014-10-15"),
                stint(5, 4, "2015-09-01", "2015-09-20"),
            ]),
        );
        r.insert(
            "activities".into(),
            recs(vec![
                json!({"id": 1, "pairing_id": 1, "kind": "training", "title": "全员培训", "start_date": "2014-03-01", "person_times": 30, "confirmation": "confirmed"}),
                json!({"id": 2, "pairing_id": 1, "kind": "training", "title": "骨干教师培训", "start_date": "2015-03-01", "person_times": 1, "confirmation": "confirmed"}),
            ]),
        );
        r
    }

    fn opts(as_of: &str) -> EvalOptions {
        EvalOptions {
            as_of: d(as_of),
            range: None,
            warn_share: 0.5,
        }
    }

    #[test]
    fn teachers_each_school_year() {
        let rule = ob(
            1,
            json!({
            "subject": {"type": "pairing"}, "window": {"type": "school_year"},
            "measure": {"type": "distinct_count", "field": "person_id", "records": {"entity": "dispatches", "filter": {"role": ["teacher"]}}},
            "comparison": "at_least", "target": {"type": "fixed", "value": 2}, "label": "派出支教教师", "unit": "名"}),
        );
        let res = evaluate(&ctx(), std::slice::from_ref(&rule), &records(), &opts("2016-05-01"));
        let by_window: Vec<(&str, Status, String)> = res
            .iter()
            .map(|r| (r.window.as_str(), r.status, r.actual.to_string()))
            .collect();
        assert_eq!(
            by_window,
            [
                ("2013-2014", Status::Met, "2".to_string()),
                ("2014-2015", Status::Unmet, "1".to_string()),
                ("2015-2016", Status::Open, "1".to_string()),
            ]
        );
        assert_eq!(res[1].text, "2014-2015学年 派出支教教师 1 名，要求不少于 2 名");
        assert_eq!(
            res[1].counted,
            [("dispatches", 3)],
            "the pending dispatch does not count"
        );
        assert!(res[2].warning, "two thirds of 2015-2016 are gone with 1 of 2 teachers");
        let early = evaluate(&ctx(), &[rule], &records(), &opts("2015-10-01"));
        assert!(!early[2].warning, "too early to warn");
    }

    #[test]
    fn each_teacher_each_semester_and_each_stint() {
        let days = ob(
            2,
            json!({
            "subject": {"type": "each_dispatch", "role": "teacher"}, "window": {"type": "semester"},
            "measure": {"type": "cumulative_days", "records": {"entity": "stints"}},
            "comparison": "at_least", "target": {"type": "fixed", "value": 30}, "label": "累计支教", "unit": "天"}),
        );
        let res = evaluate(&ctx(), &[days], &records(), &opts("2016-03-01"));
        let first: Vec<(String, Status)> = res
            .iter()
            .filter(|r| r.window == "2013-2014S1")
            .map(|r| (r.actual.to_string(), r.status))
            .collect();
        assert_eq!(
            first,
            [("32".to_string(), Status::Met), ("20".to_string(), Status::Unmet)]
        );
        let stint = ob(
            3,
            json!({
            "subject": {"type": "each_stint", "role": "teacher"}, "window": {"type": "term"},
            "measure": {"type": "min_stint_days", "records": {"entity": "stints"}},
            "comparison": "at_least", "target": {"type": "fixed", "value": 7}, "label": "连续支教", "unit": "天"}),
        );
        let res = evaluate(&ctx(), &[stint], &records(), &opts("2016-09-15"));
        let short: Vec<i64> = res
            .iter()
            .filter(|r| r.status == Status::Unmet)
            .filter_map(|r| match r.subject {
                SubjectRef::Stint { stint_id, .. } => Some(stint_id),
                _ => None,
            })
            .collect();
        assert_eq!(short, [3]);
        assert!(
            res[2]
                .text
                .starts_with("支援方教师教师2（2013年12月1日至2013年12月5日）：帮扶期内"),
            "{}",
            res[2].text
        );
    }

    #[test]
    fn a_fact_known_to_its_year_or_month_counts_only_in_a_window_holding_all_of_it() {
        let trainings = |start: &str, end: Option<&str>| {
            let mut r = Records::new();
            r.insert(
                "activities".into(),
                recs(vec![
                    json!({"id": 9, "pairing_id": 1, "kind": "training", "title": "培训", "start_date": start,
                                  "end_date": end, "person_times": 40, "confirmation": "confirmed"}),
                ]),
            );
            r
        };
        let rule = |window: &str| {
            ob(
                7,
                json!({"subject": {"type": "pairing"}, "window": {"type": window},
                       "measure": {"type": "sum", "field": "person_times", "records": {"entity": "activities"}},
                       "comparison": "at_least", "target": {"type": "fixed", "value": 1}}),
            )
        };
        let met = |window: &str, start: &str, end: Option<&str>| -> Vec<(String, String)> {
            evaluate(&ctx(), &[rule(window)], &trainings(start, end), &opts("2016-09-15"))
                .into_iter()
                .filter(|r| r.actual > Qty::default())
                .map(|r| (r.window, r.actual.to_string()))
                .collect()
        };
        // "2014" satisfies no semester and no school year: none holds all of 2014
        assert!(met("semester", "2014", None).is_empty());
        assert!(met("school_year", "2014", None).is_empty());
        // …but the calendar year 2014, once
        assert_eq!(met("year", "2014", None), [("2014".to_string(), "40".to_string())]);
        // June 2014 lies in the spring semester of 2013-2014 and nowhere else
        assert_eq!(
            met("semester", "2014-06", None),
            [("2013-2014S2".to_string(), "40".to_string())]
        );
        // a training from June to September 2014 runs across the semesters' edge: in neither, never in both
        assert!(met("semester", "2014-06", Some("2014-09")).is_empty());
        // a day is where it is
        assert_eq!(
            met("semester", "2014-06-15", None),
            [("2013-2014S2".to_string(), "40".to_string())]
        );
        // over the whole term all of them count
        assert_eq!(met("term", "2014", None).len(), 1);
        // a stint known to its months is in post for all of them (clipped to each window it overlaps)
        let mut r = Records::new();
        r.insert("people".into(), recs(vec![json!({"id": 1, "name": "教师甲"})]));
        r.insert(
            "dispatches".into(),
            recs(vec![
                json!({"id": 1, "pairing_id": 1, "person_id": 1, "role": "teacher", "confirmation": "confirmed"}),
            ]),
        );
        r.insert(
            "stints".into(),
            recs(vec![
                json!({"id": 1, "dispatch_id": 1, "pairing_id": 1, "start_date": "2014-01", "end_date": "2014-02",
                              "confirmation": "confirmed"}),
            ]),
        );
        let days = ob(
            8,
            json!({"subject": {"type": "pairing"}, "window": {"type": "semester"},
                   "measure": {"type": "cumulative_days", "records": {"entity": "stints"}},
                   "comparison": "at_least", "target": {"type": "fixed", "value": 1}}),
        );
        let by_window: Vec<(String, String)> = evaluate(&ctx(), &[days], &r, &opts("2016-09-15"))
            .into_iter()
            .filter(|r| r.actual > Qty::default())
            .map(|r| (r.window, r.actual.to_string()))
            .collect();
        // January 2014 (31 days) in the autumn semester, February 2014 (28 days) in the spring one
        assert_eq!(
            by_window,
            [
                ("2013-2014S1".to_string(), "31".to_string()),
                ("2013-2014S2".to_string(), "28".to_string())
            ]
        );
    }

    #[test]
    fn tiered_targets_ratios_and_scores() {
        let backbone = ob(
            4,
            json!({
            "subject": {"type": "pairing"}, "window": {"type": "term"},
            "measure": {"type": "sum", "field": "person_times", "records": {"entity": "activities", "filter": {"title": ["骨干教师培训"]}}},
            "comparison": "at_least",
            "target": {"type": "tiered", "of": "receiver", "attribute": "teacher_count",
                       "tiers": [{"below": 20, "target": 1}, {"below": 51, "target": 2}, {"target": 3}]}}),
        );
        let res = evaluate(&ctx(), std::slice::from_ref(&backbone), &records(), &opts("2016-09-15"));
        assert_eq!(
            (res[0].target, res[0].status),
            (Some(Qty::from_int(2)), Status::Unmet),
            "35 teachers → 2 backbone"
        );
        let mut small = ctx();
        small.receiver_attributes = json!({"teacher_count": 12});
        let res = evaluate(&small, std::slice::from_ref(&backbone), &records(), &opts("2016-09-15"));
        assert_eq!((res[0].target, res[0].status), (Some(Qty::from_int(1)), Status::Met));
        let mut unknown = ctx();
        unknown.receiver_attributes = json!({});
        let res = evaluate(&unknown, &[backbone], &records(), &opts("2016-09-15"));
        assert_eq!(res[0].status, Status::Open);
        assert!(res[0].text.contains("受援方未填写教师"), "{}", res[0].text);

        // tiers as the source writes them share their ends: a value on one is named, not decided
        let written = ob(
            5,
            json!({
            "subject": {"type": "pairing"}, "window": {"type": "term"},
            "measure": {"type": "sum", "field": "person_times", "records": {"entity": "activities", "filter": {"title": ["骨干教师培训"]}}},
            "comparison": "at_least",
            "target": {"type": "tiered", "of": "receiver", "attribute": "teacher_count",
                       "tiers": [{"to": 20, "target": 1}, {"from": 20, "to": 50, "target": 2}, {"from": 50, "target": 3}]},
            "unit": "名"}),
        );
        for (teachers, target) in [(12, Some(1)), (20, None), (35, Some(2)), (50, None), (51, Some(3))] {
            let mut c = ctx();
            c.receiver_attributes = json!({"teacher_count": teachers});
            let res = evaluate(&c, std::slice::from_ref(&written), &records(), &opts("2016-09-15"));
            assert_eq!(res[0].target, target.map(Qty::from_int), "{teachers}: {}", res[0].text);
            if target.is_none() {
                assert_eq!(res[0].status, Status::Open, "{teachers}");
                assert!(res[0].text.contains("都含此数"), "{}", res[0].text);
            }
        }
        assert!(
            written
                .rule
                .text_zh()
                .contains("按受援方教师人数分档：20人以下1名，20—50人2名，50人以上3名"),
            "{}",
            written.rule.text_zh()
        );

        let mut money = Records::new();
        money.insert(
            "projects".into(),
            recs(vec![
                json!({"id": 1, "category": "housing", "approved_on": "2011-03-01"}),
                json!({"id": 2, "category": "industry", "approved_on": "2011-03-01"}),
            ]),
        );
        money.insert("transactions".into(), recs(vec![
            json!({"id": 1, "project_id": 1, "kind": "disbursement", "source": "supporter", "amount": "8000000.00", "date": "2011-05-01"}),
            json!({"id": 2, "project_id": 2, "kind": "disbursement", "source": "supporter", "amount": "3000000.00", "date": "2011-06-01"}),
            json!({"id": 3, "project_id": 2, "kind": "disbursement", "source": "local", "amount": "9000000.00", "date": "2011-06-01"}),
        ]));
        let ratio = ob(
            5,
            json!({
            "subject": {"type": "pairing"}, "window": {"type": "year"},
            "measure": {"type": "ratio", "field": "amount",
                        "records": {"entity": "transactions", "filter": {"kind": ["disbursement"], "source": ["supporter"]}},
                        "numerator_filter": {"project.category": ["housing", "education", "health", "culture", "employment"]}, "zero_denominator": "skip"},
            "comparison": "at_least", "target": {"type": "fixed", "value": 80}, "label": "民生项目资金占比", "unit": "%"}),
        );
        let mut c = ctx();
        c.term = (d("2011-01-01"), d("2012-12-31"));
        c.only_confirmed = false;
        let res = evaluate(&c, &[ratio], &money, &opts("2013-01-01"));
        assert_eq!(res.len(), 1, "2012 has no money: no ratio");
        assert_eq!(res[0].actual.to_string(), "72.7273");
        assert_eq!(res[0].status, Status::Unmet);

        let results = [
            ObligationResult {
                status: Status::Met,
                ..res[0].clone()
            },
            ObligationResult {
                status: Status::Unmet,
                obligation_id: 6,
                ..res[0].clone()
            },
            ObligationResult {
                status: Status::Open,
                obligation_id: 6,
                warning: true,
                ..res[0].clone()
            },
        ];
        let weights: HashMap<i64, Qty> = [(5, Qty::from_int(3)), (6, Qty::from_int(1))].into();
        let s = score(&results, &weights, &RatingScale::default());
        assert_eq!((s.score, s.rating.as_deref()), (Some(75.0), Some("合格")));
        assert_eq!((s.met, s.unmet, s.open, s.warnings), (1, 1, 1, 1));
    }
}
