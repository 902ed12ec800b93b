//! Unit tasks (任务清单, 第3篇): the yearly tasks an authority assigns to its departments or any unit, each with a
//! target, a due date and a measure of progress read from the responsible unit's own records, rated like an
//! obligation (已完成 / 未完成 / 进行中). The one computation of a task's progress lives here, for every page and
//! summary that shows one.

use crate::access::{Actor, Role};
use crate::approx::{figure_of, written, Figure, Total};
use crate::date::{attribute, record_interval, Attribution};
use crate::schema::FieldKind;
use crate::{RecDate, ValidationErrors};
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// How a task's progress is measured: which of the unit's own records count, and what of them is added up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Activities, counted (optionally of one kind).
    Activities,
    /// Activities' person-times (人次), summed.
    ActivityPersonTimes,
    /// Activities' amounts of money, summed.
    ActivityAmount,
    /// Donated goods' quantities (台/套/册 …), summed (optionally of one category).
    DonatedQuantity,
    /// Donated goods' value, summed (optionally of one category).
    DonatedValue,
    /// Money disbursed (拨付/到位) on the unit's projects, summed.
    Disbursed,
    /// Projects completed (竣工), counted.
    ProjectsCompleted,
}

/// The measures as the schema lists them: value and Chinese label.
pub const MEASURES: &[(&str, &str)] = &[
    ("activities", "活动次数"),
    ("activity_person_times", "活动人次"),
    ("activity_amount", "活动金额"),
    ("donated_quantity", "捐赠物资数量"),
    ("donated_value", "捐赠物资价值"),
    ("disbursed", "拨付到位资金"),
    ("projects_completed", "竣工项目数"),
];

/// Where a measure's records come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `activities`.
    Activities,
    /// `activity_items`, dated by their activity.
    Items,
    /// `transactions` of kind `disbursement`.
    Transactions,
    /// `projects`, dated by `completed_on`.
    Projects,
}

impl Measure {
    const ALL: [Measure; 7] = [
        Measure::Activities,
        Measure::ActivityPersonTimes,
        Measure::ActivityAmount,
        Measure::DonatedQuantity,
        Measure::DonatedValue,
        Measure::Disbursed,
        Measure::ProjectsCompleted,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        MEASURES[Self::ALL.iter().position(|m| *m == self).unwrap_or(0)].0
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        MEASURES[Self::ALL.iter().position(|m| *m == self).unwrap_or(0)].1
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Measure> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether it adds up money (its target is an amount) rather than a count.
    pub fn is_money(self) -> bool {
        matches!(
            self,
            Measure::ActivityAmount | Measure::DonatedValue | Measure::Disbursed
        )
    }

    /// The records it reads.
    pub fn source(self) -> Source {
        match self {
            Measure::Activities | Measure::ActivityPersonTimes | Measure::ActivityAmount => Source::Activities,
            Measure::DonatedQuantity | Measure::DonatedValue => Source::Items,
            Measure::Disbursed => Source::Transactions,
            Measure::ProjectsCompleted => Source::Projects,
        }
    }

    /// The task field that narrows it to one kind of record, if it has one.
    pub fn filter_field(self) -> Option<&'static str> {
        match self.source() {
            Source::Activities => Some("activity_kind"),
            Source::Items => Some("item_category"),
            Source::Transactions | Source::Projects => None,
        }
    }

    /// The unit a count is told in when the task names none.
    pub fn default_unit(self) -> &'static str {
        match self {
            Measure::Activities => "次",
            Measure::ActivityPersonTimes => "人次",
            Measure::ProjectsCompleted => "项",
            Measure::DonatedQuantity => "件",
            _ => "元",
        }
    }

    /// The record field added up (`None`: each record counts one).
    fn figure_field(self) -> Option<&'static str> {
        match self {
            Measure::Activities | Measure::ProjectsCompleted => None,
            Measure::ActivityPersonTimes => Some("person_times"),
            Measure::ActivityAmount | Measure::Disbursed => Some("amount"),
            Measure::DonatedQuantity => Some("quantity"),
            Measure::DonatedValue => Some("value"),
        }
    }

    fn kind(self) -> FieldKind {
        if self.is_money() {
            FieldKind::Money
        } else {
            FieldKind::Int
        }
    }
}

/// A task's target: a count with its unit (10 套) or an amount (50万元), each possibly approximate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A count, in its unit.
    Count(Figure, String),
    /// Money, in fen.
    Amount(Figure),
}

impl Target {
    /// The target as a person reads it with its unit price when one is given: `10套（每套5万元）`.
    pub fn written_with(&self, unit_value: Option<Figure>) -> String {
        match (self, unit_value) {
            (Target::Count(_, unit), Some(v)) => {
                let each = if unit.is_empty() { "单价" } else { unit.as_str() };
                format!("{}（每{each}{}）", self.written(), written(FieldKind::Money, v, ""))
            }
            _ => self.written(),
        }
    }

    /// The target as a person reads it: `10套`, `50万元`, `不少于14万元`.
    pub fn written(&self) -> String {
        match self {
            Target::Count(f, unit) => written(FieldKind::Int, *f, unit),
            Target::Amount(f) => written(FieldKind::Money, *f, ""),
        }
    }

    fn figure(&self) -> Figure {
        match self {
            Target::Count(f, _) | Target::Amount(f) => *f,
        }
    }
}

/// One yearly task, as stored in `unit_tasks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitTask {
    /// The record's id.
    pub id: i64,
    /// The assigning authority (下达单位).
    pub authority_org_id: i64,
    /// The responsible unit (责任单位).
    pub org_id: i64,
    /// The program it serves, if any.
    pub program_id: Option<i64>,
    /// The pairing it serves, if any.
    pub pairing_id: Option<i64>,
    /// The year it is for.
    pub year: i32,
    /// What is to be done.
    pub title: String,
    /// What counts as done; `None` for a qualitative task.
    pub target: Option<Target>,
    /// The price of one unit of a counted target ("每套5万元"), as written.
    pub unit_value: Option<Figure>,
    /// How progress is read from records; `None` for a qualitative task.
    pub measure: Option<Measure>,
    /// For activity measures: only activities of this kind.
    pub activity_kind: Option<String>,
    /// For donated goods: only goods of this category.
    pub item_category: Option<String>,
    /// When it is due (the end of the year when not given), at its precision.
    pub due_on: Option<RecDate>,
    /// For a qualitative task: when the authority found it done.
    pub done_on: Option<RecDate>,
}

impl UnitTask {
    /// Reads a stored task (JSON as the API answers it).
    pub fn from_json(v: &Value) -> Result<UnitTask, String> {
        let id = |k: &str| v[k].as_i64();
        let text = |k: &str| v[k].as_str().filter(|s| !s.is_empty()).map(str::to_string);
        let measure = match v["measure"].as_str() {
            Some(m) => Some(Measure::parse(m).ok_or_else(|| format!("未知的进度计量“{m}”"))?),
            None => None,
        };
        let target = if let Some(f) = figure_of(FieldKind::Money, v, "target_amount") {
            Some(Target::Amount(f))
        } else {
            figure_of(FieldKind::Int, v, "target_count").map(|f| {
                let unit =
                    text("target_unit").unwrap_or_else(|| measure.map(|m| m.default_unit()).unwrap_or("").to_string());
                Target::Count(f, unit)
            })
        };
        Ok(UnitTask {
            id: id("id").unwrap_or(0),
            authority_org_id: id("authority_org_id").ok_or("缺少下达单位")?,
            org_id: id("org_id").ok_or("缺少责任单位")?,
            program_id: id("program_id"),
            pairing_id: id("pairing_id"),
            year: id("year").ok_or("缺少年度")? as i32,
            title: text("title").unwrap_or_default(),
            target,
            unit_value: figure_of(FieldKind::Money, v, "unit_value"),
            measure,
            activity_kind: text("activity_kind"),
            item_category: text("item_category"),
            due_on: RecDate::of(&v["due_on"]),
            done_on: RecDate::of(&v["done_on"]),
        })
    }

    /// The task's year as an interval.
    pub fn year_span(&self) -> (NaiveDate, NaiveDate) {
        let first = NaiveDate::from_ymd_opt(self.year, 1, 1).unwrap_or_default();
        let last = NaiveDate::from_ymd_opt(self.year, 12, 31).unwrap_or_default();
        (first, last)
    }

    /// The last day it may be done by: its due date's last day, else the end of its year.
    pub fn due(&self) -> NaiveDate {
        self.due_on.map(|d| d.last()).unwrap_or(self.year_span().1)
    }

    /// How progress is measured, in Chinese: `捐赠物资数量（体育器材）`, or `定性任务（不计量）`.
    pub fn measure_zh(&self) -> String {
        let Some(m) = self.measure else {
            return "定性任务（不计量）".into();
        };
        let filter = match m.source() {
            Source::Activities => self
                .activity_kind
                .as_deref()
                .map(|k| crate::schema::enum_label(crate::schema::ACTIVITY_KINDS, k)),
            Source::Items => self
                .item_category
                .as_deref()
                .map(|k| crate::schema::enum_label(crate::schema::ITEM_CATEGORIES, k)),
            _ => None,
        };
        match filter {
            Some(f) if !f.is_empty() => format!("{}（{f}）", m.label()),
            _ => m.label().to_string(),
        }
    }
}

/// A record's confirmation by the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// Not yet confirmed.
    Pending,
    /// Confirmed: a fact.
    Confirmed,
    /// Disputed: never counted.
    Disputed,
}

impl Confirmation {
    /// Reads the stored word (`pending` when absent or unknown).
    pub fn parse(s: Option<&str>) -> Confirmation {
        match s {
            Some("confirmed") => Confirmation::Confirmed,
            Some("disputed") => Confirmation::Disputed,
            _ => Confirmation::Pending,
        }
    }

    /// Two confirmations together (a donated item and its activity): disputed if either is, confirmed if both are.
    pub fn and(self, other: Confirmation) -> Confirmation {
        use Confirmation::*;
        match (self, other) {
            (Disputed, _) | (_, Disputed) => Disputed,
            (Confirmed, Confirmed) => Confirmed,
            _ => Pending,
        }
    }
}

/// One of the unit's records as a task's measure reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The record's kind or category (activity kind, goods category, project category), for the task's filter.
    pub kind: Option<String>,
    /// Its start (or only) date.
    pub start: RecDate,
    /// Its end date, if it has one.
    pub end: Option<RecDate>,
    /// Its confirmation (for goods, with their activity's).
    pub confirmation: Confirmation,
    /// What it adds: a count or fen, possibly approximate (`None`: the record does not say).
    pub figure: Option<Figure>,
}

impl Fact {
    /// Reads one record (JSON as the API answers it) for `measure`. Donated goods carry their activity's dates and
    /// kind as `start_date`, `end_date`, `activity_kind` and its confirmation as `activity_confirmation`. `None` for
    /// a record that has no date to place it by (it is never counted).
    pub fn read(measure: Measure, rec: &Value) -> Option<Fact> {
        let date = |k: &str| RecDate::of(&rec[k]);
        let (start, end, kind) = match measure.source() {
            Source::Activities => (date("start_date")?, date("end_date"), &rec["kind"]),
            Source::Items => (date("start_date")?, date("end_date"), &rec["category"]),
            Source::Transactions => (date("date")?, None, &rec["kind"]),
            Source::Projects => (date("completed_on")?, None, &rec["category"]),
        };
        let mut confirmation = Confirmation::parse(rec["confirmation"].as_str());
        if measure.source() == Source::Items {
            confirmation = confirmation.and(Confirmation::parse(rec["activity_confirmation"].as_str()));
        }
        let figure = match measure.figure_field() {
            None => Some(Figure::exact(1)),
            Some(f) => figure_of(measure.kind(), rec, f),
        };
        Some(Fact {
            kind: kind.as_str().map(str::to_string),
            start,
            end,
            confirmation,
            figure,
        })
    }
}

/// A task's rating: as an obligation's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    /// The target is reached (or a qualitative task was found done).
    Met,
    /// The due date has passed short of the target.
    Unmet,
    /// Not reached yet, not yet due.
    Open,
}

impl TaskStatus {
    /// 已完成 / 未完成 / 进行中.
    pub fn label_zh(self) -> &'static str {
        match self {
            TaskStatus::Met => "已完成",
            TaskStatus::Unmet => "未完成",
            TaskStatus::Open => "进行中",
        }
    }

    /// The CSS class pages colour it with.
    pub fn class(self) -> &'static str {
        match self {
            TaskStatus::Met => "met",
            TaskStatus::Unmet => "unmet",
            TaskStatus::Open => "open",
        }
    }
}

/// A task's progress as of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// What the confirmed records in the year add up to (`None` for a qualitative task).
    pub actual: Option<Figure>,
    /// The actual written with the target's unit (`10套`, `14万元`); empty for a qualitative task.
    pub actual_written: String,
    /// How many confirmed records counted.
    pub counted: usize,
    /// Records in the year still pending confirmation (not counted).
    pub pending: usize,
    /// Records in the year disputed (never counted).
    pub disputed: usize,
    /// Records that straddle the year's edge (not attributable to it, not counted).
    pub straddling: usize,
    /// Counted records that do not say their figure (they add nothing).
    pub without_figure: usize,
    /// The rating.
    pub status: TaskStatus,
}

impl Progress {
    /// What the page says beside the figure: records left out and why, or that there are none.
    pub fn remarks_zh(&self) -> String {
        let mut out = Vec::new();
        if self.actual.is_some() && self.counted == 0 {
            out.push("尚无已确认的相关记录".to_string());
        }
        if self.pending > 0 {
            out.push(format!("另有{}条待确认，未计入", self.pending));
        }
        if self.disputed > 0 {
            out.push(format!("{}条有异议，不计入", self.disputed));
        }
        if self.straddling > 0 {
            out.push(format!("{}条跨年度，未计入", self.straddling));
        }
        if self.without_figure > 0 {
            out.push(format!("{}条未写明数量", self.without_figure));
        }
        out.join("；")
    }
}

/// The progress of `task` as of `as_of` from the responsible unit's records `facts` (read with [`Fact::read`] for
/// the task's measure): only confirmed records count, disputed ones never; a record counts in the task's year only
/// if all of it lies within the year; the task is met once the least the actual can be reaches the target's figure,
/// unmet once its due date has passed short of it, open before.
pub fn progress(task: &UnitTask, facts: &[Fact], as_of: NaiveDate) -> Progress {
    let due_passed = as_of > task.due();
    let Some(measure) = task.measure else {
        let done = task.done_on.is_some_and(|d| d.first <= as_of);
        let status = if done {
            TaskStatus::Met
        } else if due_passed {
            TaskStatus::Unmet
        } else {
            TaskStatus::Open
        };
        return Progress {
            actual: None,
            actual_written: String::new(),
            counted: 0,
            pending: 0,
            disputed: 0,
            straddling: 0,
            without_figure: 0,
            status,
        };
    };
    let filter = match measure.source() {
        Source::Activities => task.activity_kind.as_deref(),
        Source::Items => task.item_category.as_deref(),
        Source::Transactions => Some("disbursement"),
        Source::Projects => None,
    };
    let year = task.year_span();
    let mut total = Total::default();
    let mut p = Progress {
        actual: None,
        actual_written: String::new(),
        counted: 0,
        pending: 0,
        disputed: 0,
        straddling: 0,
        without_figure: 0,
        status: TaskStatus::Open,
    };
    for f in facts {
        if filter.is_some_and(|k| f.kind.as_deref() != Some(k)) {
            continue;
        }
        match attribute(record_interval(f.start, f.end), year) {
            Attribution::Out => continue,
            Attribution::Straddles => {
                p.straddling += 1;
                continue;
            }
            Attribution::In => {}
        }
        match f.confirmation {
            Confirmation::Disputed => p.disputed += 1,
            Confirmation::Pending => p.pending += 1,
            Confirmation::Confirmed => {
                p.counted += 1;
                match f.figure {
                    Some(fig) => total.add(fig),
                    None => p.without_figure += 1,
                }
            }
        }
    }
    let actual = total.figure();
    let reached = task.target.as_ref().is_some_and(|t| actual.least() >= t.figure().value);
    p.status = if reached {
        TaskStatus::Met
    } else if due_passed {
        TaskStatus::Unmet
    } else {
        TaskStatus::Open
    };
    p.actual_written = match &task.target {
        Some(Target::Amount(_)) => written(FieldKind::Money, actual, ""),
        Some(Target::Count(_, unit)) => written(FieldKind::Int, actual, unit),
        None if measure.is_money() => written(FieldKind::Money, actual, ""),
        None => written(FieldKind::Int, actual, measure.default_unit()),
    };
    p.actual = Some(actual);
    p
}

/// May `actor` see a task assigned by `authority` to `org`? Admins, viewers and coordinators of no org scope see
/// every task; anyone else the tasks its orgs assigned or were assigned (each org with those below it).
pub fn may_see(actor: &Actor, authority: i64, org: i64) -> bool {
    match actor.role {
        Role::Admin | Role::Viewer => true,
        Role::Coordinator if actor.scope.is_empty() => true,
        _ => actor.scope.contains(&authority) || actor.scope.contains(&org),
    }
}

/// The rules between a task's fields, checked on every write (each field already good by itself): the due date and
/// the done date lie within the task's year; a measured task has a target of the measure's kind (an amount for
/// money, a count for the rest) and a qualitative one none; a filter only with a measure it narrows.
pub fn check_record(rec: &Map<String, Value>, refused: &[String], errors: &mut ValidationErrors) {
    let ok = |k: &str| !refused.iter().any(|r| r == k);
    let set = |k: &str| rec.get(k).is_some_and(|v| !v.is_null());
    let year = rec.get("year").and_then(Value::as_i64);
    for (k, label) in [("due_on", "完成期限"), ("done_on", "完成日期")] {
        if !(ok(k) && ok("year")) {
            continue;
        }
        if let (Some(d), Some(y)) = (rec.get(k).and_then(RecDate::of), year) {
            let (a, b) = d.interval();
            if i64::from(chrono::Datelike::year(&a)) != y || i64::from(chrono::Datelike::year(&b)) != y {
                errors.add(
                    k,
                    "outside_year",
                    format!("{label}（{k}）{d} 不在任务年度（year）{y}年之内"),
                );
            }
        }
    }
    if !ok("measure") {
        return;
    }
    let measure = rec.get("measure").and_then(Value::as_str).and_then(Measure::parse);
    match measure {
        None => {
            for (k, label) in [
                ("target_count", "目标数量"),
                ("target_amount", "目标金额"),
                ("target_unit", "目标单位"),
                ("unit_value", "单价"),
                ("activity_kind", "活动类型"),
                ("item_category", "物资类别"),
            ] {
                if set(k) && ok(k) {
                    errors.add(
                        k,
                        "needs_measure",
                        format!("{label}（{k}）须与进度计量（measure）一起填写；定性任务不设目标"),
                    );
                }
            }
        }
        Some(m) => {
            if set("done_on") && ok("done_on") {
                errors.add(
                    "done_on",
                    "measured",
                    "完成日期（done_on）只用于不计量的定性任务：计量任务的完成情况由记录算出".to_string(),
                );
            }
            let (want, other, want_label) = if m.is_money() {
                ("target_amount", "target_count", "目标金额")
            } else {
                ("target_count", "target_amount", "目标数量")
            };
            if set(other) && ok(other) {
                errors.add(
                    other,
                    "target_kind",
                    format!(
                        "进度计量为“{}”时目标应填{want_label}（{want}），不能填 {other}",
                        m.label()
                    ),
                );
            } else if !set(want) && ok(want) {
                errors.add(
                    want,
                    "required",
                    format!("进度计量为“{}”时{want_label}（{want}）不能为空", m.label()),
                );
            }
            if m.is_money() && set("target_unit") && ok("target_unit") {
                errors.add(
                    "target_unit",
                    "target_kind",
                    "目标单位（target_unit）只用于数量目标：金额以元计".to_string(),
                );
            }
            if m.is_money() && set("unit_value") && ok("unit_value") {
                errors.add(
                    "unit_value",
                    "target_kind",
                    "单价（unit_value）只用于数量目标（如每套5万元的器材10套）".to_string(),
                );
            }
            for (k, label) in [("activity_kind", "活动类型"), ("item_category", "物资类别")] {
                if set(k) && ok(k) && m.filter_field() != Some(k) {
                    errors.add(
                        k,
                        "filter_kind",
                        format!("{label}（{k}）不适用于进度计量“{}”", m.label()),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn task(v: Value) -> UnitTask {
        let mut base = json!({"id": 1, "authority_org_id": 1, "org_id": 2, "year": 2014, "title": "健身路径器材"});
        base.as_object_mut().unwrap().extend(v.as_object().unwrap().clone());
        UnitTask::from_json(&base).unwrap()
    }

    fn item(date: &str, qty: i64, confirmation: &str) -> Value {
        json!({"category": "sports", "quantity": qty, "start_date": date,
               "confirmation": confirmation, "activity_confirmation": "confirmed"})
    }

    fn facts(m: Measure, rows: &[Value]) -> Vec<Fact> {
        rows.iter().filter_map(|r| Fact::read(m, r)).collect()
    }

    fn equipment() -> UnitTask {
        task(json!({"measure": "donated_quantity", "item_category": "sports",
                    "target_count": 10, "target_unit": "套", "due_on": "2014"}))
    }

    #[test]
    fn confirmed_goods_in_the_year_meet_the_target() {
        let t = equipment();
        let f = facts(
            Measure::DonatedQuantity,
            &[item("2014-05-01", 6, "confirmed"), item("2014-09", 4, "confirmed")],
        );
        let p = progress(&t, &f, d("2014-10-01"));
        assert_eq!(
            (p.status, p.actual_written.as_str(), p.counted),
            (TaskStatus::Met, "10套", 2)
        );
        assert_eq!(t.target.as_ref().unwrap().written(), "10套");
    }

    #[test]
    fn a_disputed_or_pending_fact_never_counts() {
        let t = equipment();
        let f = facts(
            Measure::DonatedQuantity,
            &[
                item("2014-05-01", 6, "confirmed"),
                item("2014-06-01", 4, "disputed"),
                item("2014-07-01", 4, "pending"),
            ],
        );
        let p = progress(&t, &f, d("2014-10-01"));
        assert_eq!((p.status, p.actual_written.as_str()), (TaskStatus::Open, "6套"));
        assert_eq!((p.disputed, p.pending), (1, 1));
        // a confirmed item of a disputed activity is disputed too
        let mut row = item("2014-05-01", 10, "confirmed");
        row["activity_confirmation"] = json!("disputed");
        let p = progress(&t, &facts(Measure::DonatedQuantity, &[row]), d("2014-10-01"));
        assert_eq!((p.counted, p.disputed), (0, 1));
    }

    #[test]
    fn a_passed_due_date_short_of_the_target_is_unmet() {
        let t = equipment();
        let f = facts(Measure::DonatedQuantity, &[item("2014-05-01", 6, "confirmed")]);
        assert_eq!(progress(&t, &f, d("2014-12-31")).status, TaskStatus::Open);
        let p = progress(&t, &f, d("2015-01-01"));
        assert_eq!(p.status, TaskStatus::Unmet);
        assert_eq!(p.status.label_zh(), "未完成");
        // nothing at all recorded: unmet, and said so
        let p = progress(&t, &[], d("2015-03-01"));
        assert_eq!((p.status, p.actual_written.as_str()), (TaskStatus::Unmet, "0套"));
        assert!(p.remarks_zh().contains("尚无已确认的相关记录"), "{}", p.remarks_zh());
    }

    #[test]
    fn a_record_outside_the_year_or_straddling_it_does_not_count() {
        let t = equipment();
        let mut straddling = item("2014-12-20", 5, "confirmed");
        straddling["end_date"] = json!("2015-01-10");
        let f = facts(
            Measure::DonatedQuantity,
            &[
                item("2013-12-31", 10, "confirmed"),
                item("2015", 10, "confirmed"),
                straddling,
            ],
        );
        let p = progress(&t, &f, d("2014-06-01"));
        assert_eq!((p.counted, p.straddling, p.actual_written.as_str()), (0, 1, "0套"));
        // a year-precision date of the task's own year lies within it
        let p = progress(
            &t,
            &facts(Measure::DonatedQuantity, &[item("2014", 10, "confirmed")]),
            d("2014-06-01"),
        );
        assert_eq!(p.status, TaskStatus::Met);
    }

    #[test]
    fn the_filter_and_the_money_measures() {
        let books = task(json!({"measure": "donated_value", "item_category": "books", "target_amount": "4万"}));
        let rows = [
            json!({"category": "books", "value": "30000.00", "start_date": "2014-03", "confirmation": "confirmed",
                   "activity_confirmation": "confirmed"}),
            json!({"category": "sports", "value": "140000.00", "start_date": "2014-03", "confirmation": "confirmed",
                   "activity_confirmation": "confirmed"}),
        ];
        let p = progress(&books, &facts(Measure::DonatedValue, &rows), d("2014-06-01"));
        assert_eq!((p.status, p.actual_written.as_str()), (TaskStatus::Open, "3万元"));
        assert_eq!(books.target.as_ref().unwrap().written(), "4万元");
        assert_eq!(books.measure_zh(), "捐赠物资价值（图书）");
        // approximate figures: "3万余元" may be more, but not certainly 4万
        let mut approx = rows[0].clone();
        approx["value_approx"] = json!("余");
        let p = progress(&books, &facts(Measure::DonatedValue, &[approx]), d("2015-01-02"));
        assert_eq!((p.status, p.actual_written.as_str()), (TaskStatus::Unmet, "3余万元"));
        // disbursements only, not commitments
        let money = task(json!({"measure": "disbursed", "target_amount": "10万"}));
        let tx = [
            json!({"kind": "commitment", "amount": "100000.00", "date": "2014-02-01", "confirmation": "confirmed"}),
            json!({"kind": "disbursement", "amount": "100000.00", "date": "2014-03-01", "confirmation": "confirmed"}),
        ];
        let p = progress(&money, &facts(Measure::Disbursed, &tx), d("2014-06-01"));
        assert_eq!((p.counted, p.status), (1, TaskStatus::Met));
    }

    #[test]
    fn a_qualitative_task_is_met_when_found_done() {
        let t = task(json!({"title": "建立自行车比赛路线", "due_on": "2014-10"}));
        assert_eq!(progress(&t, &[], d("2014-09-01")).status, TaskStatus::Open);
        assert_eq!(progress(&t, &[], d("2014-11-01")).status, TaskStatus::Unmet);
        let done = task(json!({"title": "建立自行车比赛路线", "done_on": "2014-09"}));
        assert_eq!(progress(&done, &[], d("2014-11-01")).status, TaskStatus::Met);
        assert_eq!(done.measure_zh(), "定性任务（不计量）");
    }

    #[test]
    fn the_rules_between_fields_name_the_field() {
        let check = |v: Value| {
            let mut e = ValidationErrors::new();
            check_record(v.as_object().unwrap(), &[], &mut e);
            e.0.iter()
                .map(|x| (x.field.clone(), x.message.clone()))
                .collect::<Vec<_>>()
        };
        let e = check(json!({"year": 2014, "due_on": "2015-03-01", "measure": "donated_quantity", "target_count": 10}));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].0, "due_on");
        assert!(e[0].1.contains("完成期限") && e[0].1.contains("2014"), "{e:?}");
        let e = check(json!({"year": 2014, "measure": "donated_value", "target_count": 10}));
        assert_eq!(e[0].0, "target_count", "{e:?}");
        let e = check(json!({"year": 2014, "measure": "donated_value"}));
        assert_eq!(e[0].0, "target_amount", "{e:?}");
        let e = check(json!({"year": 2014, "target_count": 10}));
        assert_eq!(e[0].0, "target_count", "{e:?}");
        let e = check(json!({"year": 2014, "measure": "disbursed", "target_amount": "1万", "item_category": "books"}));
        assert_eq!(e[0].0, "item_category", "{e:?}");
        assert!(check(json!({"year": 2014, "due_on": "2014", "measure": "activities", "target_count": 2})).is_empty());
        // a unit price belongs to a counted target ("每套5万元…10套"), never to one in money
        let e = check(json!({"year": 2014, "measure": "donated_value", "target_amount": "14万", "unit_value": "5万"}));
        assert_eq!(e[0].0, "unit_value", "{e:?}");
        assert!(e[0].1.contains("单价"), "{e:?}");
        assert!(
            check(json!({"year": 2014, "measure": "donated_quantity", "target_count": 10, "unit_value": "5万"}))
                .is_empty()
        );
        assert_eq!(
            equipment().target.unwrap().written_with(Some(Figure::exact(5_000_000))),
            "10套（每套5万元）"
        );
    }

    #[test]
    fn who_sees_a_task() {
        let a = |role, orgs: &[i64]| Actor {
            user_id: 1,
            username: "u".into(),
            role,
            scope: orgs.iter().copied().collect(),
        };
        assert!(may_see(&a(Role::Coordinator, &[1, 2, 3]), 1, 3));
        assert!(may_see(&a(Role::SupporterEditor, &[3]), 1, 3));
        assert!(!may_see(&a(Role::SupporterEditor, &[4]), 1, 3));
        assert!(!may_see(&a(Role::Coordinator, &[9]), 1, 3));
        assert!(may_see(&a(Role::Coordinator, &[]), 1, 3));
        assert!(may_see(&a(Role::Viewer, &[]), 1, 3));
    }
}
