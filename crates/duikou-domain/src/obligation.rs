//! Obligations as structured data: who is counted, in which window, what aggregate, against which (tiered) target.
//! The engine that evaluates them is separate; this module fixes the stored shape and checks it.

use crate::Qty;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One quantified duty: for each subject in each window, an aggregate of records compared with a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObligationRule {
    /// Who the duty is counted for.
    pub subject: Subject,
    /// The windows it is counted in.
    pub window: Window,
    /// What is counted.
    pub measure: Measure,
    /// How the actual compares with the target.
    pub comparison: Comparison,
    /// The target, fixed or tiered.
    pub target: Target,
    /// Upper bound for `between`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_max: Option<Qty>,
    /// What is counted, in the words of a report ("派出支教教师").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The unit of the actual and the target ("名", "天", "%").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Which way the duty runs; absent: the default of its subject ([`ObligationRule::direction`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
}

/// Which way a duty runs between the two sides of a pairing: whose people (and their stints) it holds and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The supporting side's people sent to the receiving side (支援方派往受援方).
    ToReceiver,
    /// The receiving side's people sent to the supporting side (受援方派往支援方，如跟岗学习).
    ToSupporter,
    /// Both ways (双方互派).
    Any,
}

impl Direction {
    /// The value a dispatch's `direction` holds for it (`None` for both ways).
    pub fn code(self) -> Option<&'static str> {
        match self {
            Direction::ToReceiver => Some("to_receiver"),
            Direction::ToSupporter => Some("to_supporter"),
            Direction::Any => None,
        }
    }

    /// Whose people: 支援方 / 受援方 / 双方.
    pub fn side_zh(self) -> &'static str {
        match self {
            Direction::ToReceiver => "支援方",
            Direction::ToSupporter => "受援方",
            Direction::Any => "双方",
        }
    }

    /// The way in words: 支援方派往受援方 / 受援方派往支援方 / 双方互派.
    pub fn label_zh(self) -> &'static str {
        match self {
            Direction::ToReceiver => "支援方派往受援方",
            Direction::ToSupporter => "受援方派往支援方",
            Direction::Any => "双方互派",
        }
    }

    /// Whether a record whose `direction` is `value` (absent: `to_receiver`, the schema's default) runs this way.
    pub fn admits(self, value: Option<&str>) -> bool {
        match self.code() {
            None => true,
            Some(c) => value.filter(|v| !v.is_empty()).unwrap_or("to_receiver") == c,
        }
    }

    fn parse(s: &str) -> Option<Direction> {
        match s {
            "to_receiver" => Some(Direction::ToReceiver),
            "to_supporter" => Some(Direction::ToSupporter),
            "any" => Some(Direction::Any),
            _ => None,
        }
    }
}

/// Who an obligation is counted for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Subject {
    /// The pairing as a whole.
    Pairing,
    /// Each dispatched person of a role (and direction).
    EachDispatch {
        /// The role counted (`teacher`, `manager` …).
        role: String,
        /// `to_receiver` (default) or `to_supporter`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        direction: Option<String>,
    },
    /// Each stint of a dispatched person of a role.
    EachStint {
        /// The role counted.
        role: String,
    },
}

/// The windows an obligation is counted in, on the program's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Window {
    /// Each semester.
    Semester,
    /// Each school year.
    SchoolYear,
    /// Each calendar year.
    Year,
    /// The pairing's whole term.
    Term,
    /// A custom inclusive range.
    Range {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
}

/// Records of one kind, filtered by field values (`role: [teacher]`, `project.category: [housing, …]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSet {
    /// The entity counted: `dispatches`, `stints`, `activities`, `transactions`, `projects`, `outputs`, `appraisals`, `project_funding`.
    pub entity: String,
    /// Field → accepted values; a dotted name reads the parent record (`project.category`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, Vec<String>>,
}

/// The aggregate an obligation compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Measure {
    /// How many records.
    Count {
        /// The records.
        records: RecordSet,
    },
    /// How many distinct values of a field (e.g. distinct persons).
    DistinctCount {
        /// The records.
        records: RecordSet,
        /// The field whose distinct values are counted.
        field: String,
    },
    /// The sum of a quantity or of money.
    Sum {
        /// The records.
        records: RecordSet,
        /// The summed field (`hours`, `person_times`, `amount` …).
        field: String,
    },
    /// Days present, adding up stints within the window.
    CumulativeDays {
        /// The stints.
        records: RecordSet,
    },
    /// The shortest stint, in days.
    MinStintDays {
        /// The stints.
        records: RecordSet,
    },
    /// The share (percent) of a sum where `numerator_filter` also holds.
    Ratio {
        /// The records of the denominator.
        records: RecordSet,
        /// The summed field.
        field: String,
        /// The extra filter of the numerator.
        numerator_filter: BTreeMap<String, Vec<String>>,
        /// What a window with nothing to divide by counts as (required).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zero_denominator: Option<ZeroDenominator>,
    },
}

/// How a ratio with a zero denominator is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZeroDenominator {
    /// No result for that window.
    Skip,
    /// Counts as met.
    Met,
    /// Counts as unmet.
    Unmet,
}

/// How the actual compares with the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// 不少于.
    AtLeast,
    /// 不超过.
    AtMost,
    /// 介于 target 与 target_max 之间.
    Between,
}

/// The target of an obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Target {
    /// The same for every subject.
    Fixed {
        /// The target value.
        value: Qty,
        /// The target as the source writes it, in a longer unit than the rule counts in ("不少于一个月": 1 个月 for
        /// a rule counting 30 天), so that it is kept and told in the source's words with the days it is judged by.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        written: Option<WrittenTarget>,
    },
    /// Chosen by an attribute of an org, in ascending tiers.
    Tiered {
        /// `receiver` or `supporter`: whose attribute.
        of: String,
        /// The attribute (e.g. `teacher_count`).
        attribute: String,
        /// Tiers in ascending order; the first whose `below` exceeds the attribute applies, the last has no bound.
        tiers: Vec<Tier>,
    },
}

/// A day target as written in weeks, months or years ([`Target::Fixed`]'s `written`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrittenTarget {
    /// How many of the unit.
    pub value: Qty,
    /// `周`, `个月` or `年`.
    pub unit: String,
}

/// The days a week, a month and a year are judged by when a rule counting days is written in them: a month is 30
/// days and a year 365, as the rule's text says ("1个月（按30天计）").
pub const DAYS_OF_UNIT: &[(&str, i64)] = &[("周", 7), ("个月", 30), ("年", 365)];

impl WrittenTarget {
    /// The days this is judged by, or why it cannot be (an unknown unit).
    pub fn days(&self) -> Result<Qty, String> {
        let per = DAYS_OF_UNIT
            .iter()
            .find(|(u, _)| *u == self.unit)
            .map(|(_, d)| *d)
            .ok_or_else(|| {
                format!(
                    "目标的书写单位（target.written.unit）“{}”无效，应为 周、个月 或 年",
                    self.unit
                )
            })?;
        self.value
            .raw()
            .checked_mul(per)
            .map(Qty::from_raw)
            .filter(|q| q.within_limit())
            .ok_or_else(|| "目标的书写值（target.written.value）过大".to_string())
    }
}

/// One tier of a tiered target, either by an upper bound (`below`: the first tier whose bound exceeds the attribute
/// applies) or as the source writes it, with both ends included (`from`/`to`: "20人以下" is `to: 20`, "20-50人"
/// `from: 20, to: 50`, "50人以上" `from: 50`). Written tiers may share an end, as the source's do: a value on a shared
/// end lies in two tiers, and the requirement is then not decided but named as the source's ambiguity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Applies when the attribute is below this (absent on the last tier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<Qty>,
    /// As written: the least value the tier holds ("50人以上": 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Qty>,
    /// As written: the greatest value the tier holds ("20人以下": 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Qty>,
    /// The target in this tier.
    pub target: Qty,
}

impl Tier {
    /// Whether the tier is written with its ends (`from`/`to`) rather than by `below`.
    pub fn written(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    /// Whether a value lies in the tier (written tiers include both ends).
    pub fn holds(&self, v: Qty) -> bool {
        if self.written() {
            self.from.is_none_or(|f| v >= f) && self.to.is_none_or(|t| v <= t)
        } else {
            self.below.is_none_or(|b| v < b)
        }
    }

    /// The tier's range in words with the attribute's unit: "20人以下", "20—50人", "50人以上", "不足20人".
    pub fn range_zh(&self, unit: &str, previous: Option<&Tier>) -> String {
        match (self.from, self.to, self.below) {
            (None, Some(t), _) => format!("{t}{unit}以下"),
            (Some(f), Some(t), _) => format!("{f}—{t}{unit}"),
            (Some(f), None, _) => format!("{f}{unit}以上"),
            (None, None, Some(b)) => match previous.and_then(|p| p.below) {
                Some(a) => format!("{a}—{}{unit}", Qty::from_raw(b.raw() - Qty::from_int(1).raw())),
                None => format!("不足{b}{unit}"),
            },
            (None, None, None) => match previous.and_then(|p| p.below) {
                Some(a) => format!("{a}{unit}及以上"),
                None => "其余".to_string(),
            },
        }
    }
}

/// The tiers of a tiered target in words: "按受援方教师人数分档：20人以下1名，20—50人2名，50人以上3名".
pub fn tiers_zh(of: &str, attribute: &str, tiers: &[Tier], unit: &str) -> String {
    let side = if of == "supporter" { "支援方" } else { "受援方" };
    // people are counted in 人 when a tier is named ("20人以下"); an attribute not in the registry goes by its key
    let (what, unit_of_attr) = match crate::attributes::org_attribute(attribute) {
        Some(a) if a.unit == "名" => (format!("{}人数", a.label), "人"),
        Some(a) => (format!("{}数", a.label), a.unit),
        None => (attribute.to_string(), ""),
    };
    let parts: Vec<String> = tiers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let prev = i.checked_sub(1).and_then(|j| tiers.get(j));
            format!("{}{}{unit}", t.range_zh(unit_of_attr, prev), t.target)
        })
        .collect();
    format!("按{side}{what}分档：{}", parts.join("，"))
}

/// The entities an obligation's records may come from: what the engine counts, and so what the store reads for an
/// assessment and watches to keep the status current (the one list of them).
pub const RECORD_ENTITIES: &[&str] = &[
    "dispatches",
    "stints",
    "activities",
    "transactions",
    "projects",
    "outputs",
    "appraisals",
    "project_funding",
    "needs",
];

/// Checks that `path` names a field of `entity` (or, dotted, of its parent), numeric when asked.
fn check_field(entity: &str, path: &str, numeric: bool) -> Result<(), String> {
    use crate::schema::{entity as def, FieldKind};
    let (owner, name) = match path.split_once('.') {
        None => (entity.to_string(), path),
        Some((parent, f)) => {
            let parent_entity = match parent {
                "project" => "projects",
                "dispatch" => "dispatches",
                "person" => "people",
                "need" => "needs",
                _ => return Err(format!("“{path}”：不能引用“{parent}”")),
            };
            let link = format!("{parent}_id");
            if def(entity).and_then(|d| d.field(&link)).is_none() {
                return Err(format!("“{path}”：{entity} 没有 {link}"));
            }
            (parent_entity.to_string(), f)
        }
    };
    let d = def(&owner).ok_or_else(|| format!("未知记录类型 {owner}"))?;
    if name == "id" {
        return Ok(());
    }
    let confirm = crate::schema::CONFIRMATION_FIELDS
        .iter()
        .find(|c| c.name == name && d.confirmable);
    let f = d
        .field(name)
        .or(confirm)
        .ok_or_else(|| format!("{}没有字段“{name}”", d.label))?;
    if numeric && !matches!(f.kind, FieldKind::Int | FieldKind::Money | FieldKind::Qty) {
        return Err(format!("字段“{name}”不是数量或金额，不能求和"));
    }
    Ok(())
}

impl Measure {
    /// What the measure is, in words, for a rule without a label.
    pub fn kind_zh(&self) -> &'static str {
        match self {
            Measure::Count { .. } => "记录数",
            Measure::DistinctCount { .. } => "人数",
            Measure::Sum { .. } => "合计",
            Measure::CumulativeDays { .. } => "累计天数",
            Measure::MinStintDays { .. } => "连续天数",
            Measure::Ratio { .. } => "占比",
        }
    }

    /// The records the measure aggregates over.
    pub fn records(&self) -> &RecordSet {
        match self {
            Measure::Count { records }
            | Measure::DistinctCount { records, .. }
            | Measure::Sum { records, .. }
            | Measure::CumulativeDays { records }
            | Measure::MinStintDays { records }
            | Measure::Ratio { records, .. } => records,
        }
    }
}

/// A short noun for a dispatched role, as a rule's text names whom it holds (教师, 管理人员 …).
pub fn role_noun(role: &str) -> &str {
    match role {
        "teacher" => "教师",
        "manager" => "管理人员",
        "cadre" => "干部",
        "doctor" => "医务人员",
        "expert" => "专家",
        "technician" => "技术人员",
        other => crate::schema::DISPATCH_ROLES
            .iter()
            .find(|(r, _)| *r == other)
            .map_or(other, |(_, l)| l),
    }
}

impl ObligationRule {
    /// Which way the duty runs: as the rule says; else as its subject says (`each_dispatch.direction`, kept from
    /// rules stored before rules had a direction); else the default of its kind — a duty per dispatched person or per
    /// stint holds the supporting side's people (第8篇: "支援学校教师每学期支教时间累积不得少于一个月，每次连续开展支教
    /// 时间不得少于一周"), a duty of the pairing as a whole counts both ways unless its filter says otherwise.
    pub fn direction(&self) -> Direction {
        if let Some(d) = self.direction {
            return d;
        }
        match &self.subject {
            Subject::EachDispatch { direction: Some(d), .. } => Direction::parse(d).unwrap_or(Direction::Any),
            Subject::EachDispatch { .. } | Subject::EachStint { .. } => Direction::ToReceiver,
            Subject::Pairing => Direction::Any,
        }
    }

    /// Whether the rule's direction decides anything for it: it holds people, or counts dispatches or stints.
    pub fn directed(&self) -> bool {
        !matches!(self.subject, Subject::Pairing)
            || matches!(self.measure.records().entity.as_str(), "dispatches" | "stints")
    }

    /// The rule in Chinese, with whom it holds and which way ("支援方教师每次连续支教不少于 7 天").
    pub fn text_zh(&self) -> String {
        let dir = self.direction();
        let label = self.label.clone().unwrap_or_else(|| self.measure.kind_zh().to_string());
        let unit = self.unit.clone().unwrap_or_default();
        let window = match &self.window {
            Window::Semester => "每学期".to_string(),
            Window::SchoolYear => "每学年".to_string(),
            Window::Year => "每年".to_string(),
            Window::Term => "帮扶期内".to_string(),
            Window::Range { from, to } => format!("{from}至{to}"),
        };
        let week = Qty::from_int(7).raw();
        let (target, unit) = match &self.target {
            // a target written in months or years reads as written, with the days it is judged by
            Target::Fixed {
                value,
                written: Some(w),
            } if w.unit != "周" => (format!("{}{}（按{value}天计）", w.value, w.unit), String::new()),
            // whole weeks read as the source writes them ("不少于一周"), with the days the rule counts
            Target::Fixed { value, .. } if unit == "天" && value.raw() > 0 && value.raw() % week == 0 => {
                (format!("{}周（{value}天）", value.raw() / week), String::new())
            }
            Target::Fixed { value, .. } => (value.to_string(), unit),
            // the tiers carry their own units
            Target::Tiered { of, attribute, tiers } => {
                (format!("（{}）", tiers_zh(of, attribute, tiers, &unit)), String::new())
            }
        };
        let demand = match self.comparison {
            Comparison::AtLeast => format!("不少于 {target} {unit}"),
            Comparison::AtMost => format!("不超过 {target} {unit}"),
            Comparison::Between => format!(
                "介于 {target} 与 {} {unit}之间",
                self.target_max.map(|m| m.to_string()).unwrap_or_default()
            ),
        };
        let demand = demand.trim_end();
        let text = match &self.subject {
            Subject::Pairing if self.directed() => format!("{}：{window}{label}{demand}", dir.label_zh()),
            Subject::Pairing => format!("{window}{label}{demand}"),
            Subject::EachDispatch { role, .. } => {
                format!("{}{}每人{window}{label}{demand}", dir.side_zh(), role_noun(role))
            }
            Subject::EachStint { role } => {
                let judged = match &self.window {
                    Window::Term => "帮扶期内考核".to_string(),
                    Window::Range { .. } => format!("{window}考核"),
                    _ => format!("按{}考核", window.trim_start_matches('每')),
                };
                format!("{}{}每次{label}{demand}（{judged}）", dir.side_zh(), role_noun(role))
            }
        };
        text.replace("  ", " ").trim().to_string()
    }

    /// Checks the rule's window exists on the program's calendar (no semesters in a calendar-year program).
    pub fn check_calendar(&self, calendar: &crate::Calendar) -> Result<(), String> {
        let school = matches!(self.window, Window::Semester | Window::SchoolYear);
        if school && calendar.kind == crate::CalendarKind::CalendarYear {
            return Err("该计划按自然年计（calendar.kind 为 calendar_year），没有学年和学期；规则期间（window）应为 year、term 或 range".into());
        }
        Ok(())
    }

    /// Parses and checks a stored rule, naming the offending part in Chinese.
    pub fn from_json(v: &serde_json::Value) -> Result<ObligationRule, String> {
        let rule: ObligationRule = serde_json::from_value(v.clone()).map_err(|e| format!("规则结构不正确：{e}"))?;
        rule.check()?;
        Ok(rule)
    }

    fn check(&self) -> Result<(), String> {
        let (set, field, numeric, stints) = match &self.measure {
            Measure::Count { records } => (records, None, false, false),
            Measure::CumulativeDays { records } | Measure::MinStintDays { records } => (records, None, false, true),
            Measure::DistinctCount { records, field } => (records, Some(field), false, false),
            Measure::Sum { records, field } => (records, Some(field), true, false),
            Measure::Ratio {
                records,
                field,
                numerator_filter,
                zero_denominator,
            } => {
                if numerator_filter.is_empty() {
                    return Err("比例规则需要分子条件（measure.numerator_filter）".into());
                }
                if zero_denominator.is_none() {
                    return Err(
                        "比例规则须说明分母为零时如何处理（measure.zero_denominator：skip、met 或 unmet）".into(),
                    );
                }
                for k in numerator_filter.keys() {
                    check_field(&records.entity, k, false)
                        .map_err(|e| format!("分子条件（measure.numerator_filter）：{e}"))?;
                }
                (records, Some(field), true, false)
            }
        };
        if !RECORD_ENTITIES.contains(&set.entity.as_str()) {
            return Err(format!(
                "规则统计的记录类型（measure.records.entity）“{}”不受支持",
                set.entity
            ));
        }
        if stints && set.entity != "stints" {
            return Err("按天数统计的规则只能统计支教时段（measure.records.entity 应为 stints）".into());
        }
        for k in set.filter.keys() {
            check_field(&set.entity, k, false).map_err(|e| format!("筛选条件（measure.records.filter）：{e}"))?;
        }
        if let Some(f) = field {
            if f.trim().is_empty() {
                return Err("规则的统计字段（measure.field）不能为空".into());
            }
            check_field(&set.entity, f, numeric).map_err(|e| format!("统计字段（measure.field）：{e}"))?;
        }
        if let Subject::EachDispatch { direction: Some(d), .. } = &self.subject {
            match Direction::parse(d) {
                None => {
                    return Err(format!(
                        "对象方向（subject.direction）“{d}”无效，应为 to_receiver（支援方派往受援方）、to_supporter（受援方派往支援方）或 any（双方互派）"
                    ))
                }
                Some(sd) if self.direction.is_some_and(|rd| rd != sd) => {
                    return Err("规则方向（direction）与对象方向（subject.direction）不一致".into())
                }
                _ => {}
            }
        }
        if let Subject::EachDispatch { role, .. } | Subject::EachStint { role } = &self.subject {
            if !crate::schema::DISPATCH_ROLES.iter().any(|(r, _)| r == role) {
                return Err(format!("对象（subject.role）“{role}”不是援派类别"));
            }
        }
        if let Window::Range { from, to } = &self.window {
            if to < from {
                return Err(format!("规则期间（window）结束日期 {to} 早于开始日期 {from}"));
            }
        }
        // an aggregate is never below zero: a negative target or bound is a slip, not a duty
        match &self.target {
            Target::Fixed { value, .. } if value.is_negative() => {
                return Err(format!("目标（target.value）不能为负数，收到 {value}"))
            }
            Target::Tiered { tiers, .. } if tiers.iter().any(|t| t.target.is_negative()) => {
                return Err("分档目标（target.tiers）不能为负数".into())
            }
            _ => {}
        }
        if self.target_max.is_some_and(Qty::is_negative) {
            return Err("上限（target_max）不能为负数".into());
        }
        match (&self.comparison, &self.target_max) {
            (Comparison::Between, None) => return Err("“介于”规则需要上限（target_max）".into()),
            (Comparison::Between, Some(m)) => {
                if let Target::Fixed { value, .. } = &self.target {
                    if m < value {
                        return Err("规则上限（target_max）小于下限（target）".into());
                    }
                }
            }
            _ => {}
        }
        if let Target::Fixed {
            value,
            written: Some(w),
        } = &self.target
        {
            if self.unit.as_deref() != Some("天") {
                return Err("只有以“天”计的规则可以按周、月或年书写目标（target.written）".into());
            }
            if w.days()? != *value {
                return Err(format!(
                    "目标（target.value）{value}天与书写的“{}{}”不符，应为{}天",
                    w.value,
                    w.unit,
                    w.days()?
                ));
            }
        }
        if let Target::Tiered { of, attribute, tiers } = &self.target {
            if of != "receiver" && of != "supporter" {
                return Err("分档目标的对象（target.of）应为 receiver 或 supporter".into());
            }
            if attribute.trim().is_empty() || tiers.is_empty() {
                return Err("分档目标需要属性（target.attribute）和至少一档（target.tiers）".into());
            }
            if tiers.iter().any(Tier::written) {
                return check_written_tiers(tiers);
            }
            let mut last: Option<Qty> = None;
            for (i, t) in tiers.iter().enumerate() {
                match (t.below, i + 1 == tiers.len()) {
                    (None, false) => return Err(format!("第 {} 档缺少上界（below），只有最后一档可以不设", i + 1)),
                    (Some(b), _) => {
                        if last.is_some_and(|l| b <= l) {
                            return Err("分档上界（below）应逐档递增".into());
                        }
                        last = Some(b);
                    }
                    (None, true) => {}
                }
            }
        }
        Ok(())
    }
}

/// Tiers written with their ends ("20人以下", "20-50人", "50人以上"): every tier so written, in ascending order, the
/// first open below and the last open above at most, each low end no higher than its high end, and each tier starting
/// on or just after the previous one's high end (sharing it, as the source may, or the next whole number) — no gap,
/// no overlap beyond a shared end.
fn check_written_tiers(tiers: &[Tier]) -> Result<(), String> {
    let one = Qty::from_int(1);
    let last = tiers.len() - 1;
    for (i, t) in tiers.iter().enumerate() {
        let n = i + 1;
        if t.below.is_some() {
            return Err(format!("第 {n} 档：按上下限（from/to）写的分档不能再用 below"));
        }
        if t.from.is_none() && i > 0 {
            return Err(format!("第 {n} 档缺少下限（from），只有第一档可以不设"));
        }
        if t.to.is_none() && i < last {
            return Err(format!("第 {n} 档缺少上限（to），只有最后一档可以不设"));
        }
        if let (Some(f), Some(to)) = (t.from, t.to) {
            if f > to {
                return Err(format!("第 {n} 档的下限 {f} 高于上限 {to}"));
            }
        }
        if let (Some(prev), Some(f)) = (i.checked_sub(1).and_then(|j| tiers[j].to), t.from) {
            if f < prev {
                return Err(format!("第 {n} 档的下限 {f} 低于上一档的上限 {prev}：分档应逐档递增"));
            }
            if f.raw() > prev.raw().saturating_add(one.raw()) {
                return Err(format!("第 {n} 档的下限 {f} 与上一档的上限 {prev} 之间有空档"));
            }
        }
    }
    Ok(())
}

/// A program's rating scale: levels in descending order of their minimum score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingScale {
    /// The levels, best first.
    pub levels: Vec<RatingLevel>,
}

/// One level of a rating scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingLevel {
    /// The label (优秀).
    pub label: String,
    /// The lowest score that reaches it.
    pub min_score: Qty,
}

impl Default for RatingScale {
    /// 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, else 不合格.
    fn default() -> Self {
        let l = |label: &str, min: i64| RatingLevel {
            label: label.into(),
            min_score: Qty::from_int(min),
        };
        RatingScale {
            levels: vec![l("优秀", 90), l("良好", 80), l("合格", 60), l("不合格", 0)],
        }
    }
}

impl RatingScale {
    /// Parses and checks a stored scale.
    pub fn from_json(v: &serde_json::Value) -> Result<RatingScale, String> {
        let s: RatingScale = serde_json::from_value(v.clone()).map_err(|e| format!("评定等次结构不正确：{e}"))?;
        if s.levels.is_empty() {
            return Err("评定等次至少需要一级".into());
        }
        if s.levels.windows(2).any(|w| w[1].min_score >= w[0].min_score) {
            return Err("评定等次应按最低分从高到低排列".into());
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_seed_rules_are_expressible() {
        // 第8篇: each school year at least 2 teachers.
        let teachers = json!({
            "subject": {"type": "pairing"},
            "window": {"type": "school_year"},
            "measure": {"type": "distinct_count", "field": "person_id",
                        "records": {"entity": "dispatches", "filter": {"role": ["teacher"]}}},
            "comparison": "at_least",
            "target": {"type": "fixed", "value": 2}
        });
        assert!(ObligationRule::from_json(&teachers).is_ok());
        // each semester a teacher's stints add up to >= 30 days.
        let days = json!({
            "subject": {"type": "each_dispatch", "role": "teacher"},
            "window": {"type": "semester"},
            "measure": {"type": "cumulative_days", "records": {"entity": "stints"}},
            "comparison": "at_least",
            "target": {"type": "fixed", "value": 30}
        });
        assert!(ObligationRule::from_json(&days).is_ok());
        // backbone teachers over the term by tiers of the receiver's teacher count.
        let tiers = json!({
            "subject": {"type": "pairing"},
            "window": {"type": "term"},
            "measure": {"type": "sum", "field": "person_times",
                        "records": {"entity": "activities", "filter": {"kind": ["training"]}}},
            "comparison": "at_least",
            "target": {"type": "tiered", "of": "receiver", "attribute": "teacher_count",
                       "tiers": [{"below": 20, "target": 1}, {"below": 51, "target": 2}, {"target": 3}]}
        });
        assert!(ObligationRule::from_json(&tiers).is_ok());
        // 第5篇: >= 80% of government aid money to livelihood projects.
        let ratio = json!({
            "subject": {"type": "pairing"},
            "window": {"type": "term"},
            "measure": {"type": "ratio", "field": "amount",
                        "records": {"entity": "transactions", "filter": {"kind": ["disbursement"], "source": ["supporter"]}},
                        "numerator_filter": {"project.category": ["housing", "education", "health", "culture", "employment"]}, "zero_denominator": "skip"},
            "comparison": "at_least",
            "target": {"type": "fixed", "value": 80}
        });
        assert!(ObligationRule::from_json(&ratio).is_ok());
    }

    #[test]
    fn a_month_is_kept_as_written_and_judged_by_its_days() {
        let with = |target: serde_json::Value, unit: &str| {
            ObligationRule::from_json(&json!({
                "subject": {"type": "each_dispatch", "role": "teacher"}, "window": {"type": "semester"},
                "measure": {"type": "cumulative_days", "records": {"entity": "stints"}},
                "comparison": "at_least", "target": target, "label": "累计支教", "unit": unit}))
        };
        let month = with(
            json!({"type": "fixed", "value": 30, "written": {"value": 1, "unit": "个月"}}),
            "天",
        )
        .expect("不少于一个月");
        assert_eq!(month.text_zh(), "支援方教师每人每学期累计支教不少于 1个月（按30天计）");
        // the days must be the month's, the rule must count days, and the unit must be one the text knows
        let wrong = with(
            json!({"type": "fixed", "value": 31, "written": {"value": 1, "unit": "个月"}}),
            "天",
        );
        assert_eq!(
            wrong.unwrap_err(),
            "目标（target.value）31天与书写的“1个月”不符，应为30天"
        );
        assert!(with(
            json!({"type": "fixed", "value": 30, "written": {"value": 1, "unit": "个月"}}),
            "名"
        )
        .unwrap_err()
        .contains("只有以“天”计的规则"));
        assert!(with(
            json!({"type": "fixed", "value": 30, "written": {"value": 1, "unit": "旬"}}),
            "天"
        )
        .unwrap_err()
        .contains("“旬”无效"));
        // two weeks still read as weeks
        let weeks = with(
            json!({"type": "fixed", "value": 14, "written": {"value": 2, "unit": "周"}}),
            "天",
        )
        .unwrap();
        assert_eq!(weeks.text_zh(), "支援方教师每人每学期累计支教不少于 2周（14天）");
    }

    #[test]
    fn tiers_as_written_are_ascending_without_gaps_and_name_the_tier() {
        let with = |tiers: serde_json::Value| {
            ObligationRule::from_json(&json!({
                "subject": {"type": "pairing"}, "window": {"type": "term"},
                "measure": {"type": "sum", "field": "person_times", "records": {"entity": "activities"}},
                "comparison": "at_least",
                "target": {"type": "tiered", "of": "receiver", "attribute": "teacher_count", "tiers": tiers}}))
        };
        // the seed's own tiers share 20 and 50; consecutive whole numbers are no gap either
        assert!(
            with(json!([{"to": 20, "target": 1}, {"from": 20, "to": 50, "target": 2}, {"from": 50, "target": 3}]))
                .is_ok()
        );
        assert!(with(json!([{"to": 19, "target": 1}, {"from": 20, "target": 2}])).is_ok());
        for (tiers, says) in [
            (
                json!([{"to": 20, "target": 1}, {"from": 25, "target": 2}]),
                "第 2 档的下限 25 与上一档的上限 20 之间有空档",
            ),
            (
                json!([{"to": 20, "target": 1}, {"from": 50, "to": 30, "target": 2}, {"from": 50, "target": 3}]),
                "第 2 档的下限 50 高于上限 30",
            ),
            (
                json!([{"to": 20, "target": 1}, {"from": 10, "target": 2}]),
                "第 2 档的下限 10 低于上一档的上限 20",
            ),
            (json!([{"to": 20, "target": 1}, {"target": 2}]), "第 2 档缺少下限"),
            (
                json!([{"to": 20, "target": 1}, {"below": 51, "from": 20, "target": 2}]),
                "不能再用 below",
            ),
        ] {
            let e = with(tiers).unwrap_err();
            assert!(e.contains(says), "{says}: {e}");
        }
    }

    fn rule_with(measure: serde_json::Value) -> Result<ObligationRule, String> {
        ObligationRule::from_json(
            &json!({"subject": {"type": "pairing"}, "window": {"type": "year"}, "measure": measure,
            "comparison": "at_least", "target": {"type": "fixed", "value": 1}}),
        )
    }

    #[test]
    fn rules_that_cannot_be_evaluated_are_refused_naming_the_part() {
        let e = rule_with(json!({"type": "sum", "field": "colour", "records": {"entity": "activities"}})).unwrap_err();
        assert!(e.contains("measure.field") && e.contains("colour"), "{e}");
        let e = rule_with(json!({"type": "sum", "field": "title", "records": {"entity": "activities"}})).unwrap_err();
        assert!(e.contains("不能求和"), "{e}");
        let e = rule_with(json!({"type": "count", "records": {"entity": "activities", "filter": {"flavour": ["x"]}}}))
            .unwrap_err();
        assert!(e.contains("measure.records.filter") && e.contains("flavour"), "{e}");
        let e =
            rule_with(json!({"type": "count", "records": {"entity": "stints", "filter": {"project.category": ["x"]}}}))
                .unwrap_err();
        assert!(e.contains("project_id"), "{e}");
        assert!(rule_with(
            json!({"type": "count", "records": {"entity": "stints", "filter": {"dispatch.role": ["teacher"]}}})
        )
        .is_ok());
        let e = rule_with(json!({"type": "cumulative_days", "records": {"entity": "activities"}})).unwrap_err();
        assert!(e.contains("stints"), "{e}");
        let e = rule_with(
            json!({"type": "ratio", "field": "amount", "records": {"entity": "transactions"},
            "numerator_filter": {"source": ["supporter"]}}),
        )
        .unwrap_err();
        assert!(e.contains("zero_denominator"), "{e}");
        let e = ObligationRule::from_json(
            &json!({"subject": {"type": "each_dispatch", "role": "pilot"}, "window": {"type": "year"},
            "measure": {"type": "count", "records": {"entity": "stints"}}, "comparison": "at_least",
            "target": {"type": "fixed", "value": 1}}),
        )
        .unwrap_err();
        assert!(e.contains("subject.role"), "{e}");
        let e = ObligationRule::from_json(&json!({"subject": {"type": "pairing"}, "window": {"type": "term"},
            "measure": {"type": "count", "records": {"entity": "activities"}}, "comparison": "at_least",
            "target": {"type": "tiered", "of": "receiver", "attribute": "teacher_count",
                       "tiers": [{"below": 50, "target": 2}, {"below": 20, "target": 1}, {"target": 3}]}}))
        .unwrap_err();
        assert!(e.contains("递增"), "overlapping tiers: {e}");
    }

    #[test]
    fn broken_rules_are_refused_in_chinese() {
        let bad = json!({"subject": {"type": "pairing"}, "window": {"type": "year"},
            "measure": {"type": "count", "records": {"entity": "bogus"}},
            "comparison": "at_least", "target": {"type": "fixed", "value": 1}});
        assert!(ObligationRule::from_json(&bad).unwrap_err().contains("bogus"));
        let between = json!({"subject": {"type": "pairing"}, "window": {"type": "year"},
            "measure": {"type": "count", "records": {"entity": "activities"}},
            "comparison": "between", "target": {"type": "fixed", "value": 1}});
        assert!(ObligationRule::from_json(&between).unwrap_err().contains("target_max"));
        let negative = json!({"subject": {"type": "pairing"}, "window": {"type": "year"},
            "measure": {"type": "count", "records": {"entity": "activities"}},
            "comparison": "at_least", "target": {"type": "fixed", "value": -3}});
        assert_eq!(
            ObligationRule::from_json(&negative).unwrap_err(),
            "目标（target.value）不能为负数，收到 -3"
        );
        assert!(RatingScale::from_json(
            &json!({"levels": [{"label": "a", "min_score": 1}, {"label": "b", "min_score": 5}]})
        )
        .is_err());
        assert!(RatingScale::from_json(&serde_json::to_value(RatingScale::default()).unwrap()).is_ok());
    }
}
