//! The 工作总结 written from the record. Figures are computed from the records given, never typed; each figure in the
//! text carries a key into the explanation listing the records behind it.

pub mod briefing;
mod plans;
pub mod tables;
pub mod zh;

use chrono::{Datelike, NaiveDate};
use duikou_domain::approx::{self, Figure as Fig, Total};
use duikou_domain::date::{attribute, record_interval};
use duikou_domain::engine::{ObligationResult, Status};
use duikou_domain::record::{Fields, Rec};
use duikou_domain::schema::{self, FieldKind};
use duikou_domain::{Attribution, Money, Precision, Qty, RecDate};
use duikou_report::{
    map_figure, Block, Cell, Chart, ChartKind, Column, ColumnKind, Document, MapEnd, MapPairing, Section, Series, Span,
    Table,
};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// Every record field the writer (and the dates it keeps records by) reads: a store may read only these. The test
/// `fields_cover_what_the_writer_reads` holds it to the source.
pub const FIELDS: &[&str] = &[
    "activity_id",
    "aid_amount",
    "amount",
    "approved_on",
    "as_of",
    "batch",
    "birth_year",
    "category",
    "category_count",
    "completed",
    "completed_on",
    "confirmation",
    "courses",
    "date",
    "direction",
    "dispatch_id",
    "dispute_reason",
    "education",
    "end_date",
    "end_on",
    "grade",
    "group_id",
    "handed_over_on",
    "home_org_id",
    "host_org_id",
    "hours",
    "items",
    "kind",
    "leveraged_investment",
    "met_on",
    "name",
    "org_id",
    "pairing_id",
    "parent_id",
    "period",
    "period_basis",
    "person_id",
    "person_times",
    "plan_batch",
    "planned",
    "per_unit",
    "per_unit_unit",
    "per_unit_what",
    "post",
    "post_level",
    "project_count",
    "project_id",
    "purpose",
    "quantity",
    "raised_on",
    "region_code",
    "reported",
    "role",
    "sessions",
    "signed_on",
    "source",
    "start_date",
    "start_on",
    "started",
    "started_on",
    "status",
    "text",
    "tier",
    "title",
    "title_level",
    "total_investment",
    "unit",
    "unit_value",
    "value",
    "what",
    "year",
    // the companions of the approximate figures read above (qualifier and range), read through `approx::figure_of`
    "quantity_approx",
    "quantity_upper",
    "reported_approx",
    "reported_upper",
    "unit_value_approx",
    "unit_value_upper",
    "value_approx",
    "value_upper",
    "aid_amount_approx",
    "aid_amount_upper",
    "project_count_approx",
    "project_count_upper",
    "amount_approx",
    "amount_upper",
    "courses_approx",
    "courses_upper",
    "hours_approx",
    "hours_upper",
    "items_approx",
    "items_upper",
    "leveraged_investment_approx",
    "leveraged_investment_upper",
    "person_times_approx",
    "person_times_upper",
    "sessions_approx",
    "sessions_upper",
    "total_investment_approx",
    "total_investment_upper",
    "planned_approx",
    "planned_upper",
    "started_approx",
    "started_upper",
    "completed_approx",
    "completed_upper",
    "per_unit_approx",
    "per_unit_upper",
];

/// Everything one pairing contributes to a summary.
#[derive(Debug, Clone, Default)]
pub struct PairingBundle {
    /// The pairing record.
    pub pairing: Value,
    /// Its program (shared by the bundles of its pairings).
    pub program: Arc<Value>,
    /// The supporting org.
    pub supporter: Arc<Value>,
    /// The receiving org.
    pub receiver: Arc<Value>,
    /// Its records by entity (agreements, projects, project_funding, transactions, outputs, dispatches, stints, people,
    /// activities, needs, notes, appraisals).
    pub records: HashMap<String, Vec<Rec>>,
    /// Its obligations evaluated for the period.
    pub results: Vec<ObligationResult>,
    /// Indicator values of the receiver's region or org, with `indicator` (the definition) merged in (shared by the
    /// bundles of one receiver).
    pub indicators: Arc<Vec<Value>>,
}

/// What a summary covers.
#[derive(Debug, Clone)]
pub struct SummaryInput {
    /// Who, in a title ("南京农业大学对口支援新疆农业大学").
    pub scope_title: String,
    /// The period label ("2014-2015学年").
    pub period_label: String,
    /// The period's first and last day.
    pub period: (NaiveDate, NaiveDate),
    /// The pairings in scope.
    pub pairings: Vec<PairingBundle>,
    /// The day it is written.
    pub written_on: NaiveDate,
    /// How facts awaiting confirmation enter it.
    pub pending: Pending,
    /// Whether the period is the whole term: then records without a date (or across a year's edge) belong to it too.
    pub whole_term: bool,
    /// A region scope's own indicator values and the sums of its children's (region summaries only): the region's
    /// name and its values.
    pub area: Option<(String, Vec<duikou_domain::rollup::AreaIndicator>)>,
    /// The yearly tasks (任务清单) of the period that serve the scope's programs or pairings, with their progress.
    pub tasks: Vec<TaskItem>,
    /// The quantified requirements (目标任务) the scope's programs and agreements set, each as its rule reads in
    /// Chinese ("支援方教师每人每学期累计支教不少于30天").
    pub requirements: Vec<String>,
}

/// One yearly task for [`SummaryInput::tasks`], its progress read by the one computation the task pages use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskItem {
    /// The task record's id.
    pub id: i64,
    /// Its year.
    pub year: i32,
    /// The assigning authority, by name.
    pub authority: String,
    /// The responsible unit, by name.
    pub org: String,
    /// What is to be done.
    pub title: String,
    /// The target as written (`10套`, `14万元`); `None` for a qualitative task.
    pub target: Option<String>,
    /// What the confirmed records add up to, as written (empty for a qualitative task).
    pub actual: String,
    /// 已完成 / 未完成 / 进行中.
    pub status: String,
}

/// A figure in the text and the records behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The key the text's span carries.
    pub key: String,
    /// What it is.
    pub label: String,
    /// As printed.
    pub value: String,
    /// The records counted, `(entity, id)`.
    pub records: Vec<(&'static str, i64)>,
}

/// A document in which one measure would be printed with two values: the writer refuses to produce it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistent {
    /// The measure's key.
    pub key: String,
    /// What it is.
    pub label: String,
    /// The value first written, and the other.
    pub values: (String, String),
}

impl std::fmt::Display for Inconsistent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "工作总结中“{}”（{}）出现两个不同的数值：{} 与 {}；为免前后矛盾，未生成文件",
            self.label, self.key, self.values.0, self.values.1
        )
    }
}

impl std::error::Error for Inconsistent {}

/// Collects figures while the text, the tables and the charts are written: each measure (key) once, with one value.
#[derive(Default)]
struct Figures {
    list: Vec<Figure>,
    /// Measures that were given a second, different value.
    clashes: Vec<Inconsistent>,
}

impl Figures {
    /// A figure of the prose.
    fn span(&mut self, key: &str, label: &str, value: String, records: Vec<(&'static str, i64)>) -> Span {
        self.note(key, label, value.clone(), records);
        Span::figure(value, key)
    }

    /// A figure a table or chart shows (or the prose states again): the same measure must have the same value.
    fn note(&mut self, key: &str, label: &str, value: String, records: Vec<(&'static str, i64)>) {
        match self.list.iter().find(|f| f.key == key) {
            Some(f) if f.value == value => {}
            Some(f) => self.clashes.push(Inconsistent {
                key: key.into(),
                label: label.into(),
                values: (f.value.clone(), value),
            }),
            None => self.list.push(Figure {
                key: key.into(),
                label: label.into(),
                value,
                records,
            }),
        }
    }

    /// The figures, or the first measure given two values.
    fn check(self) -> Result<Vec<Figure>, Inconsistent> {
        match self.clashes.into_iter().next() {
            Some(c) => Err(c),
            None => Ok(self.list),
        }
    }
}

/// A record's date at its precision (a day, a month or a year).
fn date(v: &Value) -> Option<RecDate> {
    RecDate::of(v)
}

fn id(r: &impl Fields) -> i64 {
    r.field("id").and_then(Value::as_i64).unwrap_or(0)
}

fn money(v: &Value) -> Money {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

/// The money of `field` over records, approximate when one of them is ("约1000万元"), by [`approx::Total`].
/// A lead and its parts, each part's spans kept (with their figures), the parts set apart by `sep`.
fn joined(lead: impl Into<String>, parts: impl IntoIterator<Item = Vec<Span>>, sep: &str) -> Vec<Span> {
    let mut spans = vec![Span::text(lead.into())];
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::text(sep));
        }
        spans.extend(p);
    }
    spans
}

fn money_sum(v: &[&Rec], field: &str) -> Total {
    v.iter()
        .filter_map(|r| approx::figure_of(FieldKind::Money, *r, field))
        .collect()
}

fn qty(v: &Value) -> Qty {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

fn label(entity: &str, field: &str, value: &str) -> String {
    schema::value_label(entity, field, value)
}

/// How facts still awaiting the receiving side's confirmation enter a summary (`pending=` on the API, `--pending` on
/// the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pending {
    /// Counted with the confirmed facts, as if confirmed.
    Include,
    /// Left out of every total and stated apart ("另有待受援方确认的…"): a leader signs only what both sides agree on.
    #[default]
    Separate,
    /// Left out entirely.
    Omit,
}

impl std::str::FromStr for Pending {
    type Err = String;

    fn from_str(s: &str) -> Result<Pending, String> {
        match s {
            "include" => Ok(Pending::Include),
            "separate" => Ok(Pending::Separate),
            "omit" => Ok(Pending::Omit),
            _ => Err(format!(
                "待确认事项的处理方式（pending）应为 include（计入）、separate（单列，默认）或 omit（不写），收到“{s}”"
            )),
        }
    }
}

/// Where a fact stands with the receiving side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// Confirmed, or of a kind that is not confirmed at all (agreements, needs, notes).
    Confirmed,
    /// Awaiting confirmation.
    Pending,
    /// Disputed: never counted.
    Disputed,
}

fn standing(r: &Rec) -> Standing {
    match r["confirmation"].as_str() {
        Some("pending") => Standing::Pending,
        Some("disputed") => Standing::Disputed,
        _ => Standing::Confirmed,
    }
}

/// Where a record falls against the period, by its own date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Counted in the period.
    In,
    /// Of another period.
    Out,
    /// No date: it cannot be placed in a dated period, so it is shown apart.
    Undated,
    /// Its dates run across the period's edge (an activity of 2010–2014 in a 2012 summary): shown apart.
    Straddles,
}

/// The date a project was planned (立项, else its start): when it is 新安排, and when its money was committed.
fn planned_on(p: &Rec) -> Option<RecDate> {
    date(&p["approved_on"]).or_else(|| date(&p["started_on"]))
}

/// Records of one entity across the pairings, kept by their standing and their place in the period.
struct Pool<'a> {
    input: &'a SummaryInput,
    /// Every project by id: project funding is placed by its project's plan date.
    projects: HashMap<i64, &'a Rec>,
}

impl<'a> Pool<'a> {
    fn new(input: &'a SummaryInput) -> Pool<'a> {
        let projects = input
            .pairings
            .iter()
            .flat_map(|p| p.records.get("projects").into_iter().flatten())
            .map(|r| (id(r), r))
            .collect();
        Pool { input, projects }
    }

    fn all(&self, entity: &str) -> Vec<&'a Rec> {
        self.input
            .pairings
            .iter()
            .flat_map(|p| p.records.get(entity).into_iter().flatten())
            .collect()
    }

    /// Where a date (all of it: a month or a year as well as a day) falls against the period.
    fn attribute(&self, d: RecDate) -> Attribution {
        attribute(d.interval(), self.input.period)
    }

    /// Whether all of a date lies in the period.
    fn within(&self, d: RecDate) -> bool {
        self.attribute(d) == Attribution::In
    }

    /// Whether a project is 新安排 in the period: planned in it (or, over the whole term, planned on no known day).
    fn is_new(&self, p: &Rec) -> bool {
        match planned_on(p) {
            Some(d) => self.within(d),
            None => self.input.whole_term,
        }
    }

    /// Whether a project is 竣工 in the period.
    fn is_done(&self, p: &Rec) -> bool {
        date(&p["completed_on"]).is_some_and(|d| self.within(d))
    }

    /// Whether a project is 续建 in the period: planned before it and not completed before it.
    fn is_carried(&self, p: &Rec) -> bool {
        let from = self.input.period.0;
        planned_on(p).is_some_and(|d| d.last() < from) && date(&p["completed_on"]).is_none_or(|d| d.last() >= from)
    }

    fn place(&self, entity: &str, r: &Rec) -> Place {
        let point = |d: Option<RecDate>| match d.map(|d| self.attribute(d)) {
            None => Place::Undated,
            Some(Attribution::In) => Place::In,
            Some(Attribution::Out) => Place::Out,
            // a month or a year across the period's edge may lie on either side of it
            Some(Attribution::Straddles) => Place::Straddles,
        };
        let place = match entity {
            "agreements" => point(date(&r["signed_on"])),
            "transactions" | "funds" => point(date(&r["date"])),
            "outputs" => point(date(&r["as_of"])),
            "needs" => point(date(&r["raised_on"])),
            // a year's appraisal belongs to that year
            "appraisals" => point(r["year"].as_i64().and_then(|y| date(&Value::String(y.to_string())))),
            // 选派 is told in the year the cadre went
            "dispatches" => point(date(&r["start_date"])),
            "projects" => {
                if planned_on(r).is_none() && r["completed_on"].is_null() {
                    Place::Undated
                } else if self.is_new(r) || self.is_done(r) || self.is_carried(r) {
                    Place::In
                } else if [planned_on(r), date(&r["completed_on"])]
                    .into_iter()
                    .flatten()
                    .any(|d| self.attribute(d) == Attribution::Straddles)
                {
                    // planned or completed in a month or a year across the period's edge
                    Place::Straddles
                } else {
                    Place::Out
                }
            }
            // a plan (项目组) belongs to the period that holds all its years
            "project_groups" => match date(&r["start_on"]) {
                None => Place::Undated,
                Some(a) => match attribute(record_interval(a, date(&r["end_on"])), self.input.period) {
                    Attribution::In => Place::In,
                    Attribution::Out => Place::Out,
                    Attribution::Straddles => Place::Straddles,
                },
            },
            // a plan's share by category belongs where its plan does
            "project_group_shares" => match self
                .all("project_groups")
                .into_iter()
                .find(|g| g["id"] == r["group_id"])
            {
                Some(g) => self.place("project_groups", g),
                None => Place::Undated,
            },
            // the money of a project's plan is committed when the project is planned
            "project_funding" => match self.projects.get(&r["project_id"].as_i64().unwrap_or(0)) {
                Some(p) => point(planned_on(p)),
                None => Place::Undated,
            },
            "activities" | "stints" => match date(&r["start_date"]) {
                None => Place::Undated,
                Some(a) => match attribute(record_interval(a, date(&r["end_date"])), self.input.period) {
                    Attribution::In => Place::In,
                    Attribution::Out => Place::Out,
                    Attribution::Straddles => Place::Straddles,
                },
            },
            // notes and people carry no date of their own
            _ => Place::In,
        };
        // over the whole term every record of the pairings belongs, dated or not
        match place {
            Place::Undated | Place::Straddles if self.input.whole_term => Place::In,
            p => p,
        }
    }

    /// Whether a fact enters the totals: confirmed, or pending when asked to include it.
    fn counts(&self, r: &Rec) -> bool {
        match standing(r) {
            Standing::Confirmed => true,
            Standing::Pending => self.input.pending == Pending::Include,
            Standing::Disputed => false,
        }
    }

    /// The counted records of an entity that fall in the period.
    fn in_period(&self, entity: &str) -> Vec<&'a Rec> {
        self.all(entity)
            .into_iter()
            .filter(|r| self.counts(r) && self.place(entity, r) == Place::In)
            .collect()
    }

    /// The records of an entity in the period that stand as `s` (the pending and the disputed, to be named apart).
    fn standing_in_period(&self, entity: &str, s: Standing) -> Vec<&'a Rec> {
        self.all(entity)
            .into_iter()
            .filter(|r| standing(r) == s && self.place(entity, r) == Place::In)
            .collect()
    }

    /// The counted records of an entity that the period cannot hold, at `place`.
    fn apart(&self, entity: &str, place: Place) -> Vec<&'a Rec> {
        self.all(entity)
            .into_iter()
            .filter(|r| self.counts(r) && self.place(entity, r) == place)
            .collect()
    }
}

/// What the summary counts of one activity, read from the record once.
struct Act<'a> {
    rec: &'a Rec,
    id: i64,
    kind: Option<&'a str>,
    courses: Fig,
    hours: Fig,
    sessions: Fig,
    person_times: Fig,
}

impl<'a> Act<'a> {
    fn of(a: &'a Rec) -> Act<'a> {
        // each count with its qualifier and range ("1500余", "20-50"), summed by the rule of `approx::Total`
        let n = |f: &str| approx::figure_of(FieldKind::Int, a, f).unwrap_or(Fig::exact(0));
        Act {
            rec: a,
            id: id(a),
            kind: a["kind"].as_str(),
            courses: n("courses"),
            hours: n("hours"),
            sessions: n("sessions"),
            person_times: n("person_times"),
        }
    }
}

fn ids(entity: &'static str, v: &[&Rec]) -> Vec<(&'static str, i64)> {
    v.iter().map(|r| (entity, id(r))).collect()
}

fn para(spans: Vec<Span>) -> Block {
    Block::Paragraph { spans }
}

/// The definitions of the measures, printed after the body (附：统计口径) so a reader takes each figure one way.
pub const DEFINITIONS: &[&str] = &[
    "项目总投资：援建项目各渠道资金之和（援助资金、中央资金、地方配套、社会资金、企业投资等），按项目立项（无立项日期的按开工日期）所在期间计入，即“新安排”时计入一次。",
    "援助资金：支援方投入项目的资金（资金构成中来源为“援助资金”的部分），与项目总投资同期计入；中央资金、地方配套、企业投资、带动投资分别列示，不计入援助资金。",
    "计划与到位：资金往来中“计划投资/承诺”按承诺日期计入计划，“拨付/到位”按拨付日期计入到位，各计一次；到位率 = 到位 ÷ 计划。项目竣工不再重复计入其资金。",
    "项目个数：新安排指本期立项（无立项日期的按开工日期）；续建指本期以前立项、本期初尚未竣工；竣工指本期内竣工。开工率 = 已开工 ÷ 项目数，竣工率 = 已竣工 ÷ 已开工。",
    "时间归属：每条记录按其自身日期计入期间；未注明日期或起止跨越本期边界的记录不计入本期数字，单独说明（全期总结除外）。",
    "约数与范围：记录中带“余、多、以上、不少于、至少”的数按下限计入，合计写作“余”；带“近、以下”的合计写作“近”；带“约、左右”或两类混合的合计写作“约”；范围按下限与上限分别相加（如“20—50人次”）。",
    "确认状态：已确认的记录作为事实陈述；待受援方确认的记录默认不计入合计、单独列示；受援方有异议的记录一律不计入，在“存在问题”中逐条列明。",
];

/// Writes the summary: 一、基本情况 · 二、工作开展情况 · 三、存在问题 · 四、下一步建议, the definitions of the measures,
/// an appendix of every figure, and the figures' explanation. Refused ([`Inconsistent`]) if one measure would appear
/// with two values.
pub fn build(input: &SummaryInput) -> Result<(Document, Vec<Figure>), Inconsistent> {
    let pool = Pool::new(input);
    let mut figs = Figures::default();
    let sections = vec![
        Section {
            heading: format!("{}基本情况", zh::heading(1)),
            blocks: basics(input, &pool, &mut figs),
        },
        Section {
            heading: format!("{}工作开展情况", zh::heading(2)),
            blocks: {
                let mut blocks = work(input, &pool, &mut figs);
                blocks.extend(tasks_prose(input, &mut figs));
                blocks
            },
        },
        Section {
            heading: format!("{}存在问题", zh::heading(3)),
            blocks: problems(input, &pool, &mut figs),
        },
        Section {
            heading: format!("{}下一步建议", zh::heading(4)),
            blocks: plans(input, &pool),
        },
        Section {
            heading: "附：统计口径".into(),
            blocks: DEFINITIONS.iter().map(|d| para(vec![Span::text(*d)])).collect(),
        },
    ];
    let figures = figs.check()?;
    let names = record_names(&pool, &figures);
    let appendix = vec![Table {
        title: "附表 数字来源".into(),
        columns: vec![
            Column {
                header: "指标".into(),
                kind: ColumnKind::Text,
            },
            Column {
                header: "数值".into(),
                kind: ColumnKind::Text,
            },
            Column {
                header: "依据记录".into(),
                kind: ColumnKind::Text,
            },
        ],
        rows: figures
            .iter()
            .map(|f| {
                let mut by_entity: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
                for (e, i) in &f.records {
                    by_entity.entry(e).or_default().push(*i);
                }
                // the records by what a person knows them by (a name, a title, a person, a date), never an id
                let src: Vec<String> = by_entity
                    .iter()
                    .map(|(e, v)| {
                        let label = schema::entity(e).map(|d| d.label).unwrap_or(e);
                        let mut shown: Vec<String> = Vec::new();
                        for i in v.iter().take(NAMED) {
                            let n = names.get(&(*e, *i)).cloned().unwrap_or_default();
                            if !n.is_empty() && !shown.contains(&n) && shown.len() < 5 {
                                shown.push(n);
                            }
                        }
                        let count = if v.len() > shown.len() || shown.is_empty() {
                            format!("等{}条", v.len())
                        } else {
                            String::new()
                        };
                        format!("{label}：{}{count}", shown.join("、"))
                    })
                    .collect();
                vec![
                    Cell::Text(f.label.clone()),
                    Cell::Text(f.value.clone()),
                    Cell::Text(src.join("；")),
                ]
            })
            .collect(),
    }];
    let doc = Document {
        title: format!("{}{}工作总结", input.scope_title, input.period_label),
        subtitle: Some(format!(
            "（{}，由对口 duikou 依据记录生成）",
            input.written_on.format("%Y年%-m月%-d日")
        )),
        sections,
        appendix,
    };
    Ok((doc, figures))
}

fn basics(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut programs: Vec<String> = input
        .pairings
        .iter()
        .filter_map(|p| p.program["name"].as_str().map(|n| format!("“{n}”")))
        .collect();
    programs.dedup();
    // each pairing with its term, and how long it runs when that is whole months or years (为期2个月) — told for a
    // summary of a few pairings, not for a program's hundreds
    let few = input.pairings.len() <= PAIRINGS_TIMED;
    let mut pairs: Vec<Vec<Span>> = Vec::new();
    for p in &input.pairings {
        let mut spans = vec![Span::text(format!(
            "{}对口支援{}",
            p.supporter["name"].as_str().unwrap_or(""),
            p.receiver["name"].as_str().unwrap_or("")
        ))];
        match (p.pairing["start_date"].as_str(), p.pairing["end_date"].as_str()) {
            (Some(a), Some(b)) => {
                spans.push(Span::text(format!("（{}至{}", fmt_date(a), fmt_date(b))));
                if let Some(length) = whole_months(&p.pairing).filter(|_| few) {
                    spans.push(Span::text("，为期"));
                    spans.push(figs.span(
                        &format!("pairings.term.{}", id(&p.pairing)),
                        "结对期限",
                        length,
                        vec![("pairings", id(&p.pairing))],
                    ));
                }
                spans.push(Span::text("）"));
            }
            (Some(a), None) => {
                spans.push(Span::text(format!("（{}起", fmt_date(a))));
                // how many calendar years it has run by the period's end, counted as the genre counts them, the first
                // year included (2002年起，至2011年已是第10个年头): the start's year alone decides it, whatever its precision
                let first = a.get(..4).and_then(|y| y.parse::<i32>().ok());
                let last = input.period.1.year();
                if let Some(n) = first.map(|f| last - f + 1).filter(|n| *n > 1 && few) {
                    spans.push(Span::text(format!("，至{last}年已是第")));
                    spans.push(figs.span(
                        &format!("pairings.years.{}", id(&p.pairing)),
                        "结对年头",
                        format!("{n}个年头"),
                        vec![("pairings", id(&p.pairing))],
                    ));
                }
                spans.push(Span::text("）"));
            }
            _ => {}
        }
        pairs.push(spans);
    }
    let n = input.pairings.len() as i64;
    let pairing_ids: Vec<(&'static str, i64)> = input.pairings.iter().map(|p| ("pairings", id(&p.pairing))).collect();
    let mut first = vec![
        Span::text(format!("{}，根据{}的部署，", input.period_label, zh::join(&programs))),
        Span::text("本总结涉及结对关系"),
        figs.span("pairings", "结对关系", format!("{n}对"), pairing_ids.clone()),
    ];
    // the supporting schools, universities or hospitals counted as the genre counts them (五所支援高校)
    let supporters: BTreeSet<&str> = input
        .pairings
        .iter()
        .filter_map(|p| p.supporter["name"].as_str())
        .collect();
    let kinds: BTreeSet<&str> = input
        .pairings
        .iter()
        .map(|p| p.supporter["kind"].as_str().unwrap_or(""))
        .collect();
    let counted = match kinds.iter().next() {
        Some(&"university") => Some(("高校", "所")),
        Some(&"school") => Some(("学校", "所")),
        Some(&"hospital") => Some(("医院", "家")),
        _ => None,
    };
    if let (Some((what, unit)), true) = (counted, kinds.len() == 1 && supporters.len() > 1) {
        first.push(Span::text(format!("（支援{what}")));
        first.push(figs.span(
            "pairings.supporters",
            &format!("支援{what}"),
            format!("{}{unit}", supporters.len()),
            pairing_ids,
        ));
        first.push(Span::text("）"));
    }
    first.push(Span::text("："));
    for (i, p) in pairs.into_iter().enumerate() {
        if i > 0 {
            first.push(Span::text("；"));
        }
        first.extend(p);
    }
    first.push(Span::text("。"));
    blocks.push(para(first));
    // the requirements the programs and agreements set, as their rules read (a program of many is left to its list)
    if !input.requirements.is_empty() && input.requirements.len() <= REQUIREMENTS_TOLD {
        let items = input.requirements.iter().map(|r| vec![Span::text(r.replace(' ', ""))]);
        let mut spans = joined(
            format!("协议和实施方案提出的量化要求{}项：", input.requirements.len()),
            items,
            "；",
        );
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }
    // each program's own term, in years when it runs whole years (3年) or to the end of a year (2014—2020年，共7年)
    let mut told = BTreeSet::new();
    for p in &input.pairings {
        let prog = &p.program;
        let name = prog["name"].as_str().unwrap_or("");
        if !told.insert(name) {
            continue;
        }
        if let Some(text) = program_term(prog) {
            blocks.push(para(vec![
                Span::text(format!("“{name}”")),
                figs.span(
                    &format!("programs.term.{}", prog["id"].as_i64().unwrap_or(0)),
                    &format!("{name}实施期限"),
                    text,
                    vec![("programs", prog["id"].as_i64().unwrap_or(0))],
                ),
                Span::text("。"),
            ]));
        }
    }
    // the receivers' and supporters' own attributes a person can read (职工13名, 援建学科10个), for a few pairings
    if few {
        let mut seen = BTreeSet::new();
        let orgs = input
            .pairings
            .iter()
            .map(|p| p.receiver.as_ref())
            .chain(input.pairings.iter().map(|p| p.supporter.as_ref()))
            // and the programs' authorities, when the store gives them
            .chain(
                input
                    .pairings
                    .iter()
                    .map(|p| &p.program["authority"])
                    .filter(|a| a.is_object()),
            );
        for org in orgs {
            if !seen.insert(id(org)) {
                continue;
            }
            if let Some(b) = attribute_para(org, figs) {
                blocks.push(b);
            }
        }
    }
    let agreements = pool.in_period("agreements");
    if !agreements.is_empty() {
        // grouped by tier (校级 before 院级) and kind, in the schema's order
        let kinds = ["agreement", "memorandum", "responsibility_letter", "plan"];
        let mut by: BTreeMap<(usize, usize), (String, Vec<&Rec>)> = BTreeMap::new();
        for a in &agreements {
            let (tier_rank, tier) = match a["tier"].as_str() {
                Some("institution") => (0, "校级（省级）"),
                Some(_) => (1, "院级（部门级）"),
                None => (2, ""),
            };
            let kind = a["kind"].as_str().unwrap_or("");
            let kind_rank = kinds.iter().position(|k| *k == kind).unwrap_or(kinds.len());
            let e = by
                .entry((tier_rank, kind_rank))
                .or_insert_with(|| (format!("{tier}{}", label("agreements", "kind", kind)), Vec::new()));
            e.1.push(a);
        }
        let mut spans = vec![Span::text("期内双方签订")];
        let parts: Vec<(String, Vec<&Rec>)> = by.into_values().collect();
        for (i, (k, v)) in parts.iter().enumerate() {
            if i > 0 {
                spans.push(Span::text("、"));
            }
            spans.push(Span::text(k.clone()));
            spans.push(figs.span(
                &format!("agreements.{k}"),
                &format!("签订{k}"),
                format!("{}份", v.len()),
                ids("agreements", v),
            ));
        }
        spans.push(Span::text("，进一步明确了双方的责任和目标任务。"));
        blocks.push(para(spans));
    }
    // the receivers' baseline indicators: the latest value per indicator up to the period's end
    let mut latest: BTreeMap<String, &Value> = BTreeMap::new();
    // pairings of one receiver share its values: each (receiver, values) once
    let mut seen = BTreeSet::new();
    let mut aid_indicators = BTreeSet::new();
    for p in &input.pairings {
        if !seen.insert((p.receiver["name"].as_str().unwrap_or(""), Arc::as_ptr(&p.indicators))) {
            continue;
        }
        for v in p.indicators.iter() {
            // the aid told as an indicator (投入援助资金, 援建项目数) is a measure the record itself counts: the document
            // states it once, from the records (二、), not a second time with a statistic's value
            if v["indicator"]["code"].as_str().is_some_and(|c| c.starts_with("aid_")) {
                aid_indicators.insert(v["indicator"]["name"].as_str().unwrap_or("").to_string());
                continue;
            }
            let key = format!("{}|{}", whose(p, v), v["indicator"]["name"].as_str().unwrap_or(""));
            let period = v["period"].as_str().unwrap_or("");
            let bounds = period
                .parse::<duikou_domain::Period>()
                .ok()
                .and_then(|x| x.bounds(&Default::default(), None));
            if bounds.is_some_and(|(a, _)| a > input.period.1) {
                continue;
            }
            if latest
                .get(&key)
                .is_none_or(|old| old["period"].as_str().unwrap_or("") < period)
            {
                latest.insert(key, v);
            }
        }
    }
    if !latest.is_empty() {
        let rows = latest
            .iter()
            .map(|(k, v)| {
                let (who, name) = k.split_once('|').unwrap_or(("", k));
                vec![
                    Cell::Text(who.into()),
                    Cell::Text(name.into()),
                    Cell::Text(when_words(v)),
                    match approx::figure_of(FieldKind::Qty, *v, "value") {
                        Some(f) if !f.is_exact() => Cell::Text(approx::cell(FieldKind::Qty, f)),
                        _ => Cell::Number(qty(&v["value"]).as_f64()),
                    },
                    Cell::Text(v["indicator"]["unit"].as_str().unwrap_or("").into()),
                ]
            })
            .collect();
        blocks.push(para(vec![Span::text("受援方主要指标如下表。")]));
        blocks.push(Block::Table(Table {
            title: "表1 受援方基本情况".into(),
            columns: vec![
                Column {
                    header: "受援方".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "指标".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "期间".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "数值".into(),
                    kind: ColumnKind::Number,
                },
                Column {
                    header: "单位".into(),
                    kind: ColumnKind::Text,
                },
            ],
            rows,
        }));
    }
    blocks.extend(indicator_prose(input, figs));
    blocks.extend(area_prose(input, figs));
    if !aid_indicators.is_empty() {
        let names: Vec<String> = aid_indicators.iter().map(|n| format!("“{n}”")).collect();
        blocks.push(para(vec![Span::text(format!(
            "受援方统计中的{}等援助指标与本总结依据的逐项记录口径不同，本文援助项目和资金数字一律依据记录汇总，上述指标不再列示。",
            names.join("、")
        ))]));
    }
    // the map of who helps whom, for a summary of more than one pairing (a program's, a region's, an org's): each arc
    // as wide as the people the pairing sent in the period, counted as the text counts them (each person once, only
    // the facts the summary counts); all alike when none was sent
    if input.pairings.len() > 1 {
        let sent = |b: &PairingBundle| -> i64 {
            b.records
                .get("dispatches")
                .into_iter()
                .flatten()
                .filter(|d| pool.counts(d) && pool.place("dispatches", d) == Place::In)
                .filter_map(|d| d["person_id"].as_i64())
                .collect::<BTreeSet<i64>>()
                .len() as i64
        };
        let end = |org: &Value| MapEnd {
            name: org["name"].as_str().unwrap_or("").to_string(),
            region_code: org["region_code"].as_str().map(str::to_string),
        };
        let pairings: Vec<MapPairing> = input
            .pairings
            .iter()
            .map(|p| MapPairing {
                program: p.program["name"].as_str().unwrap_or("").to_string(),
                from: end(&p.supporter),
                to: end(&p.receiver),
                money_fen: 0,
                persons: sent(p),
            })
            .collect();
        blocks.push(Block::Map(map_figure("对口支援关系示意图", &pairings)));
    }
    blocks
}

/// A summary tells the requirements of its programs and agreements when there are at most this many.
const REQUIREMENTS_TOLD: usize = 20;

/// A summary of at most this many pairings tells how long each runs, and its receivers' indicators in words.
pub const PAIRINGS_TIMED: usize = 20;

/// How long a record's term runs when it is whole months from its first day to its last, both known to the day:
/// "2个月", "3年"; `None` otherwise.
fn whole_months(r: &Value) -> Option<String> {
    whole_months_between(&r["start_date"], &r["end_date"])
}

/// [`whole_months`] of a first and a last day.
fn whole_months_between(start: &Value, end: &Value) -> Option<String> {
    use chrono::Months;
    let (a, b) = (date(start)?, date(end)?);
    if a.precision != Precision::Day || b.precision != Precision::Day {
        return None;
    }
    let n =
        (1..=600).find(|n| a.first.checked_add_months(Months::new(*n)).and_then(|d| d.pred_opt()) == Some(b.first))?;
    // 35个月 is true but no one writes it: months under a year, else whole years only
    match n {
        1..=11 => Some(format!("{n}个月")),
        _ if n % 12 == 0 => Some(format!("{}年", n / 12)),
        _ => None,
    }
}

/// A program's term told in years: "实施期为2013年9月至2016年8月，为期3年" when it runs whole years, "实施期为
/// 2014—2020年，共7年" when it runs to the end of a year (the years it spans, counted as the genre counts them);
/// `None` otherwise, or without both dates at a day's precision.
fn program_term(prog: &Value) -> Option<String> {
    use chrono::Months;
    let (a, b) = (date(&prog["start_date"])?, date(&prog["end_date"])?);
    if a.precision != Precision::Day || b.precision != Precision::Day {
        return None;
    }
    let (a, b) = (a.first, b.first);
    let years = b.year() - a.year();
    let whole = (1..=50).find(|n| a.checked_add_months(Months::new(12 * n)).and_then(|d| d.pred_opt()) == Some(b));
    if let Some(n) = whole {
        return Some(format!(
            "实施期为{}至{}，为期{n}年",
            a.format("%Y年%-m月"),
            b.format("%Y年%-m月")
        ));
    }
    if let Some(text) = school_years_term(prog, a, b) {
        return Some(text);
    }
    ((b.month(), b.day()) == (12, 31) && years > 0)
        .then(|| format!("实施期为{}—{}年，共{}年", a.year(), b.year(), years + 1))
}

/// A school-year program's term told in school years, when it starts in the first semester of one and ends on the
/// last day of another: "实施期为2013年10月至2016年8月（2013—2014至2015—2016学年），按学年计为期3年".
fn school_years_term(prog: &Value, a: NaiveDate, b: NaiveDate) -> Option<String> {
    let calendar: duikou_domain::Calendar = serde_json::from_value(prog["calendar"].clone()).ok()?;
    if calendar.kind != duikou_domain::CalendarKind::SchoolYear {
        return None;
    }
    let (m, d) = calendar.school_year_start;
    let year_of = |x: NaiveDate| {
        if (x.month(), x.day()) >= (m, d) {
            x.year()
        } else {
            x.year() - 1
        }
    };
    let (first, last) = (year_of(a), year_of(b));
    let ends_a_year = b.succ_opt() == NaiveDate::from_ymd_opt(last + 1, m, d);
    let (m2, d2) = calendar.semester2_start;
    let in_first_semester = NaiveDate::from_ymd_opt(first + 1, m2, d2).is_some_and(|s2| a < s2);
    (ends_a_year && in_first_semester && last > first).then(|| {
        format!(
            "实施期为{}至{}（{first}—{}至{last}—{}学年），按学年计为期{}年",
            a.format("%Y年%-m月"),
            b.format("%Y年%-m月"),
            first + 1,
            last + 1,
            last - first + 1
        )
    })
}

/// An indicator value's period in words: "2011年上半年", "2010—2014年" for a range of whole years.
fn period_words(period: &str) -> String {
    match period.parse::<duikou_domain::Period>() {
        Ok(duikou_domain::Period::Range(a, b))
            if (a.month(), a.day(), b.month(), b.day()) == (1, 1, 12, 31) && a.year() < b.year() =>
        {
            format!("{}—{}年", a.year(), b.year())
        }
        Ok(p) => p.label_zh(),
        Err(_) => period.to_string(),
    }
}

/// An indicator value's time in words, as its period is meant ([`schema::PERIOD_BASES`]): "2012年", "2010年以来"
/// (a total since then, its end left open by the source), "2010—2014年间最高", "2012年前后".
fn when_words(v: &Value) -> String {
    based_period_words(v["period"].as_str().unwrap_or(""), v["period_basis"].as_str())
}

/// [`when_words`] of a period and its basis.
fn based_period_words(period: &str, basis: Option<&str>) -> String {
    let words = period_words(period);
    match basis {
        Some("since") => match period
            .parse::<duikou_domain::Period>()
            .ok()
            .and_then(|p| p.bounds(&Default::default(), None))
        {
            Some((a, _)) => format!("{}年以来", a.year()),
            None => format!("{words}以来"),
        },
        Some("peak") => format!("{words}间最高"),
        Some("within") => format!("{words}间某时（未注明具体时间）"),
        Some("about") => format!("{words}前后"),
        _ => words,
    }
}

/// Whom an indicator value describes: the receiver itself (its own value, or its region's when it is that region's
/// government), or the area it lies in, by the area's name when the input carries it (a town's health centre is not
/// the county's 50万 people: "九龙镇：户数4729户", "绵竹市：人口50.1万人").
fn whose(p: &PairingBundle, v: &Value) -> String {
    let receiver = p.receiver["name"].as_str().unwrap_or("");
    let governs = matches!(p.receiver["kind"].as_str(), Some("government" | "command"));
    let own_region = v["region_code"] == p.receiver["region_code"];
    if v["org_id"].is_i64() || v["region_code"].is_null() || (governs && (own_region || v["region_name"].is_null())) {
        receiver.to_string()
    } else if let Some(area) = v["region_name"].as_str() {
        area.to_string()
    } else {
        format!("{receiver}所在地区")
    }
}

/// A period's first and last day.
type Bounds = (NaiveDate, NaiveDate);

/// An indicator's values with their periods' bounds, by the indicator's name.
type ValuesByName<'a> = Vec<(&'a str, Vec<(Bounds, &'a Value)>)>;

/// The receivers' indicators told in words, each with its values from the last one before the period to the last one
/// in it, oldest first (前后对比: "城镇登记失业率2010年为近4%、2014年为2%"), with the qualifier and unit recorded.
/// Statistics of the aid itself (`aid_…`) are not told: the record's own figures say those.
fn indicator_prose(input: &SummaryInput, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    // a program's hundreds of receivers are left to the table: the prose tells a few
    if input.pairings.len() > PAIRINGS_TIMED {
        return blocks;
    }
    let mut seen = BTreeSet::new();
    let mut comparisons: Vec<(String, String, &Value, &Value)> = Vec::new();
    for p in &input.pairings {
        if !seen.insert((p.receiver["name"].as_str().unwrap_or(""), Arc::as_ptr(&p.indicators))) {
            continue;
        }
        // (whose, indicator name) → [(period bounds, value)]: the receiver's own values, then its area's
        let mut by: BTreeMap<(String, &str), Vec<(Bounds, &Value)>> = BTreeMap::new();
        for v in p.indicators.iter() {
            if v["indicator"]["code"].as_str().is_some_and(|c| c.starts_with("aid_")) {
                continue;
            }
            let Some(b) = v["period"]
                .as_str()
                .and_then(|x| x.parse::<duikou_domain::Period>().ok())
                .and_then(|x| x.bounds(&Default::default(), None))
            else {
                continue;
            };
            // a value of a time after the period is not yet known to it
            if b.1 > input.period.1 {
                continue;
            }
            by.entry((whose(p, v), v["indicator"]["name"].as_str().unwrap_or("")))
                .or_default()
                .push((b, v));
        }
        let mut of_whom: BTreeMap<String, ValuesByName> = BTreeMap::new();
        for ((who, name), values) in by {
            of_whom.entry(who).or_default().push((name, values));
        }
        for (who, by) in of_whom {
            for (name, values) in &by {
                if let Some((first, last)) = compared(input, values) {
                    comparisons.push((who.clone(), name.to_string(), first, last));
                }
            }
            blocks.extend(indicator_para(input, &who, by, figs));
        }
    }
    blocks.extend(comparison_blocks(&comparisons));
    blocks
}

/// An indicator's value at the start and at the end of the period (前后对比): the last one before the period (over
/// the whole term, the first) and the last one in it. Values whose time the source leaves open (以来, 最高, 前后) are
/// left out: they are no one time's value. `None` without two such values, the later inside the period.
fn compared<'a>(input: &SummaryInput, values: &[(Bounds, &'a Value)]) -> Option<(&'a Value, &'a Value)> {
    let mut dated: Vec<(Bounds, &Value)> = values
        .iter()
        .filter(|(_, v)| v["period_basis"].as_str().is_none_or(str::is_empty))
        .copied()
        .collect();
    dated.sort_by_key(|(b, _)| (b.1, b.0));
    let first = if input.whole_term {
        0
    } else {
        dated.iter().rposition(|(b, _)| b.1 < input.period.0).unwrap_or(0)
    };
    let (lb, last) = *dated.last()?;
    let (_, start) = *dated.get(first)?;
    (dated.len() - first >= 2 && lb.1 >= input.period.0).then_some((start, last))
}

/// The change from one value to another when both are exact and in one unit ("增加1.3万人", "下降2个百分点"); else
/// why it is not computed. A rate's change is in 百分点.
fn change_words(first: &Value, last: &Value) -> String {
    let unit = first["indicator"]["unit"].as_str().unwrap_or("");
    let exact = |v: &Value| approx::figure_of(FieldKind::Qty, v, "value").filter(|f| f.is_exact());
    let (Some(a), Some(b)) = (exact(first), exact(last)) else {
        return "—（约数，不计算变化）".into();
    };
    let diff = Qty::from_raw(b.value.saturating_sub(a.value));
    let (word, abs) = match diff.raw() {
        0 => return "持平".into(),
        d if d > 0 => ("增加", diff),
        _ => ("减少", Qty::from_raw(diff.raw().saturating_neg())),
    };
    match unit {
        "%" => format!("{}{abs}个百分点", if word == "增加" { "上升" } else { "下降" }),
        u => format!("{word}{abs}{u}"),
    }
}

/// 表 前后对比 and its chart: each compared indicator at the start and end of the period with the change; the chart
/// shows the indicators of the unit most of them share (indicators of different units are not drawn on one axis).
fn comparison_blocks(comparisons: &[(String, String, &Value, &Value)]) -> Vec<Block> {
    if comparisons.is_empty() {
        return Vec::new();
    }
    let text = |s: String| Cell::Text(s);
    let value_cell = |v: &Value| match approx::figure_of(FieldKind::Qty, v, "value") {
        Some(f) if !f.is_exact() => Cell::Text(approx::cell(FieldKind::Qty, f)),
        _ => Cell::Number(qty(&v["value"]).as_f64()),
    };
    let rows = comparisons
        .iter()
        .map(|(who, name, first, last)| {
            vec![
                text(who.clone()),
                text(name.clone()),
                text(first["indicator"]["unit"].as_str().unwrap_or("").into()),
                text(when_words(first)),
                value_cell(first),
                text(when_words(last)),
                value_cell(last),
                text(change_words(first, last)),
            ]
        })
        .collect();
    let column = |header: &str, kind: ColumnKind| Column {
        header: header.into(),
        kind,
    };
    let mut blocks = vec![Block::Table(Table {
        title: "表1-2 受援方主要指标前后对比".into(),
        columns: vec![
            column("受援方", ColumnKind::Text),
            column("指标", ColumnKind::Text),
            column("单位", ColumnKind::Text),
            column("期初", ColumnKind::Text),
            column("期初数值", ColumnKind::Number),
            column("期末", ColumnKind::Text),
            column("期末数值", ColumnKind::Number),
            column("变化", ColumnKind::Text),
        ],
        rows,
    })];
    // the chart: exact values only, of the unit most indicators share
    let mut by_unit: BTreeMap<&str, Vec<&(String, String, &Value, &Value)>> = BTreeMap::new();
    for c in comparisons {
        let exact = |v: &Value| approx::figure_of(FieldKind::Qty, v, "value").is_some_and(|f| f.is_exact());
        if exact(c.2) && exact(c.3) {
            by_unit
                .entry(c.2["indicator"]["unit"].as_str().unwrap_or(""))
                .or_default()
                .push(c);
        }
    }
    if let Some((unit, drawn)) = by_unit.into_iter().max_by_key(|(_, v)| v.len()) {
        let value = |v: &Value| qty(&v["value"]).as_f64();
        blocks.push(Block::Chart(Chart {
            title: "受援方主要指标前后对比".into(),
            kind: ChartKind::Bar,
            categories: drawn.iter().map(|c| format!("{}{}", c.0, c.1)).collect(),
            series: vec![
                Series {
                    name: "期初".into(),
                    values: drawn.iter().map(|c| value(c.2)).collect(),
                },
                Series {
                    name: "期末".into(),
                    values: drawn.iter().map(|c| value(c.3)).collect(),
                },
            ],
            unit: unit.to_string(),
        }));
    }
    blocks
}

/// One paragraph of [`indicator_prose`]: the values of one receiver, or of its area, by indicator.
fn indicator_para(input: &SummaryInput, who: &str, by: ValuesByName, figs: &mut Figures) -> Option<Block> {
    // each indicator's values told: from the last one before the period (over the whole term, every value)
    let mut chosen: Vec<(&str, Vec<&Value>)> = Vec::new();
    for (name, mut values) in by {
        values.sort_by_key(|(b, _)| (b.1, b.0));
        let first = if input.whole_term {
            0
        } else {
            values.iter().rposition(|(b, _)| b.1 < input.period.0).unwrap_or(0)
        };
        chosen.push((name, values[first..].iter().map(|(_, v)| *v).collect()));
    }
    // one value each, all of one period: the period is said once ("霍城县2011年上半年：地区生产总值19.08亿元，…")
    let periods: BTreeSet<String> = chosen
        .iter()
        .flat_map(|(_, v)| v.iter().map(|v| when_words(v)))
        .collect();
    let common = (periods.len() == 1 && chosen.iter().all(|(_, v)| v.len() == 1))
        .then(|| periods.into_iter().next())
        .flatten();
    let mut parts: Vec<Vec<Span>> = Vec::new();
    for (name, values) in chosen {
        let unit = |v: &Value| v["indicator"]["unit"].as_str().unwrap_or("").to_string();
        let mut s = vec![Span::text(name.to_string())];
        for (i, v) in values.into_iter().enumerate() {
            let Some(fig) = approx::figure_of(FieldKind::Qty, v, "value") else {
                continue;
            };
            if i > 0 {
                s.push(Span::text("、"));
            }
            let when = when_words(v);
            if common.is_none() {
                s.push(Span::text(format!("{when}为")));
            }
            s.push(figs.span(
                &format!("indicators.{}", v["id"].as_i64().unwrap_or(0)),
                &format!("{who}{name}（{when}）"),
                approx::written(FieldKind::Qty, fig, &unit(v)),
                vec![("indicator_values", v["id"].as_i64().unwrap_or(0))],
            ));
        }
        if s.len() > 1 {
            parts.push(s);
        }
    }
    if parts.is_empty() {
        return None;
    }
    let mut spans = vec![Span::text(format!("{who}{}：", common.as_deref().unwrap_or("")))];
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::text(if common.is_some() { "，" } else { "；" }));
        }
        spans.extend(part);
    }
    spans.push(Span::text("。"));
    Some(para(spans))
}

/// The yearly tasks of the period, by year and authority: each unit's task, its target and where it stands
/// ("2014年国家体育总局下达年度任务3项：群众体育司“捐赠健身路径器材”，目标10套，完成10套，已完成；…").
fn tasks_prose(input: &SummaryInput, figs: &mut Figures) -> Vec<Block> {
    let mut by: BTreeMap<(i32, &str), Vec<&TaskItem>> = BTreeMap::new();
    for t in &input.tasks {
        by.entry((t.year, t.authority.as_str())).or_default().push(t);
    }
    let mut out = Vec::new();
    for ((year, authority), tasks) in by {
        let mut spans = vec![Span::text(format!(
            "{year}年{authority}下达年度任务{}项：",
            tasks.len()
        ))];
        for (i, t) in tasks.iter().enumerate() {
            if i > 0 {
                spans.push(Span::text("；"));
            }
            spans.push(Span::text(format!("{}“{}”", t.org, t.title)));
            if let Some(target) = &t.target {
                spans.push(Span::text("，目标"));
                spans.push(figs.span(
                    &format!("unit_tasks.{}.target", t.id),
                    &format!("{}年度任务目标（{}）", t.org, t.title),
                    target.clone(),
                    vec![("unit_tasks", t.id)],
                ));
                if !t.actual.is_empty() {
                    spans.push(Span::text(format!("，完成{}", t.actual)));
                }
            }
            spans.push(Span::text(format!("，{}", t.status)));
        }
        spans.push(Span::text("。"));
        out.push(para(spans));
    }
    out
}

/// A region summary's own indicators: the values recorded for the region and, apart, what its children's add up to,
/// saying how many of its children have a value — a partial sum is never the region's total ("由下辖14个地州市中2个
/// 的数值合计"). Statistics of the aid itself (`aid_…`) are left to the record's own figures, as for receivers.
fn area_prose(input: &SummaryInput, figs: &mut Figures) -> Vec<Block> {
    let Some((region, values)) = &input.area else {
        return Vec::new();
    };
    let mut recorded: Vec<Vec<Span>> = Vec::new();
    let mut summed: Vec<Vec<Span>> = Vec::new();
    for a in values {
        if a.code.starts_with("aid_") {
            continue;
        }
        let Some(b) = a
            .period
            .parse::<duikou_domain::Period>()
            .ok()
            .and_then(|x| x.bounds(&Default::default(), None))
        else {
            continue;
        };
        // a value of the period (over the whole term, every value up to its end)
        if b.1 > input.period.1 || (!input.whole_term && b.0 < input.period.0) {
            continue;
        }
        let when = based_period_words(&a.period, a.basis.as_deref());
        if let Some((fig, id)) = a.recorded {
            recorded.push(vec![
                Span::text(format!("{}{when}为", a.name)),
                figs.span(
                    &format!("area.{}.{}.recorded", a.code, a.period),
                    &format!("{region}{}（{when}）", a.name),
                    approx::written(FieldKind::Qty, fig, &a.unit),
                    vec![("indicator_values", id)],
                ),
            ]);
        }
        if let Some(s) = &a.summed {
            let whose = if s.complete() {
                format!("下辖{}个区划", s.children)
            } else {
                format!(
                    "下辖{}个区划中有数值的{}个（{}）",
                    s.children,
                    s.counted.len(),
                    s.counted.join("、")
                )
            };
            summed.push(vec![
                Span::text(format!("{}{when}{whose}合计", a.name)),
                figs.span(
                    &format!("area.{}.{}.summed", a.code, a.period),
                    &format!("{region}{}（{when}，下级合计）", a.name),
                    approx::written(FieldKind::Qty, s.figure, &a.unit),
                    s.records.iter().map(|id| ("indicator_values", *id)).collect(),
                ),
            ]);
        }
    }
    let mut out = Vec::new();
    for (parts, head, tail) in [
        (recorded, format!("{region}本级统计："), String::new()),
        (
            summed,
            format!("由{region}下级区划的数值合计："),
            "（下级合计与本级统计口径不一定相同，两者分列，不相互替代）".to_string(),
        ),
    ] {
        if parts.is_empty() {
            continue;
        }
        let mut spans = vec![Span::text(head)];
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::text("；"));
            }
            spans.extend(p);
        }
        spans.push(Span::text(format!("{tail}。")));
        out.push(para(spans));
    }
    out
}

/// 年度考核 of the period's years, by year and grade: how many, never who ("援派人员年度考核：2011年度优秀2名、称职8名").
fn appraisals_para(pool: &Pool, figs: &mut Figures) -> Option<Block> {
    let appraisals = pool.in_period("appraisals");
    let mut by: BTreeMap<i64, BTreeMap<usize, Vec<&Rec>>> = BTreeMap::new();
    let grades = schema::entity("appraisals")
        .and_then(|d| d.field("grade"))
        .and_then(|f| match f.kind {
            FieldKind::Enum(values) => Some(values),
            _ => None,
        })
        .unwrap_or(&[]);
    for a in &appraisals {
        let (Some(year), Some(g)) = (
            a["year"].as_i64(),
            grades.iter().position(|(code, _)| a["grade"] == *code),
        ) else {
            continue;
        };
        by.entry(year).or_default().entry(g).or_default().push(a);
    }
    if by.is_empty() {
        return None;
    }
    let mut spans = vec![Span::text("援派人员年度考核：")];
    for (i, (year, by_grade)) in by.iter().enumerate() {
        if i > 0 {
            spans.push(Span::text("；"));
        }
        spans.push(Span::text(format!("{year}年度")));
        for (j, (g, recs)) in by_grade.iter().enumerate() {
            if j > 0 {
                spans.push(Span::text("、"));
            }
            let (code, word) = grades[*g];
            spans.push(Span::text(word.to_string()));
            spans.push(figs.span(
                &format!("appraisals.{year}.{code}"),
                &format!("{year}年度考核{word}"),
                format!("{}名", recs.len()),
                ids("appraisals", recs),
            ));
        }
    }
    spans.push(Span::text("。"));
    Some(para(spans))
}

/// Where the people went and whom from, when they went to more than one host: by host, how many sending units sent
/// how many people (第4篇: 8个市选派126名教师至阿克苏教学点，3个市…至库车教学点). Orgs by name from the pool.
fn hosts_para(dispatches: &[&Rec], pool: &Pool, figs: &mut Figures) -> Option<Block> {
    let names: HashMap<i64, &str> = pool
        .all("orgs")
        .into_iter()
        .filter_map(|o| Some((id(o), o["name"].as_str()?)))
        .collect();
    // host → (home orgs, persons, dispatches)
    type Host<'r> = (BTreeSet<i64>, BTreeSet<i64>, Vec<&'r Rec>);
    let mut by: BTreeMap<i64, Host> = BTreeMap::new();
    for d in dispatches {
        let Some(host) = d["host_org_id"].as_i64() else {
            continue;
        };
        let e = by.entry(host).or_default();
        if let Some(home) = d["home_org_id"].as_i64() {
            e.0.insert(home);
        }
        e.1.insert(d["person_id"].as_i64().unwrap_or(0));
        e.2.push(d);
    }
    if by.len() < 2 || by.keys().any(|h| !names.contains_key(h)) {
        return None;
    }
    let mut spans = vec![Span::text("其中，")];
    for (i, (host, (homes, persons, recs))) in by.iter().enumerate() {
        if i > 0 {
            spans.push(Span::text("；"));
        }
        if !homes.is_empty() {
            spans.push(figs.span(
                &format!("people.host.{host}.homes"),
                &format!("派往{}的派出单位", names[host]),
                format!("{}个", homes.len()),
                ids("dispatches", recs),
            ));
            spans.push(Span::text("派出单位选派"));
        }
        spans.push(figs.span(
            &format!("people.host.{host}"),
            &format!("派往{}的人员", names[host]),
            format!("{}名", persons.len()),
            ids("dispatches", recs),
        ));
        spans.push(Span::text(format!("至{}", names[host])));
    }
    spans.push(Span::text("。"));
    Some(para(spans))
}

/// One org's known attributes in a sentence ("九龙镇卫生院：职工13名，执业医师2名，无专职防保人员。"), in the
/// registry's order; attributes the registry does not know are not told.
fn attribute_para(org: &Value, figs: &mut Figures) -> Option<Block> {
    let attrs = org["attributes"].as_object()?;
    let name = org["name"].as_str().unwrap_or("");
    let mut spans = vec![Span::text(format!("{name}："))];
    let mut told = 0;
    for a in duikou_domain::attributes::ORG_ATTRIBUTES {
        let Some(v) = attrs.get(a.key) else { continue };
        let Some(written) = duikou_domain::attributes::written(a, v) else {
            continue;
        };
        if told > 0 {
            spans.push(Span::text("，"));
        }
        told += 1;
        match written.strip_prefix(a.label) {
            Some(figure) if !written.starts_with('无') => {
                spans.push(Span::text(a.label.to_string()));
                spans.push(figs.span(
                    &format!("orgs.{}.attributes.{}", id(org), a.key),
                    &format!("{name}{}", a.label),
                    figure.to_string(),
                    vec![("orgs", id(org))],
                ));
            }
            _ => spans.push(Span::text(written)),
        }
    }
    spans.push(Span::text("。"));
    (told > 0).then(|| para(spans))
}

fn fmt_date(s: &str) -> String {
    match s.parse::<RecDate>() {
        Ok(d) if d.precision == Precision::Year => d.label_zh(),
        Ok(d) => d.first.format("%Y年%-m月").to_string(),
        Err(_) => s.to_string(),
    }
}

/// A date in a table: a day as a date cell, a month or a year in its Chinese form (never as its first day).
pub(crate) fn date_cell(v: &Value) -> Cell {
    match date(v) {
        Some(d) if d.precision == Precision::Day => Cell::Date(d.first),
        Some(d) => Cell::Text(d.label_zh()),
        None => Cell::Empty,
    }
}

/// （一）选派干部人才: the cadres and teachers sent in the period (by the day they went).
fn people(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let dispatches: Vec<&Rec> = pool
        .in_period("dispatches")
        .into_iter()
        .filter(|d| d["direction"] != "to_supporter")
        .collect();
    let mut blocks = Vec::new();
    if dispatches.is_empty() {
        blocks.extend(appraisals_para(pool, figs));
        return blocks;
    }
    {
        let people: HashMap<i64, &Rec> = pool.all("people").into_iter().map(|p| (id(p), p)).collect();
        let mut by_role: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
        let mut role_records: BTreeMap<String, Vec<&Rec>> = BTreeMap::new();
        let mut batches = BTreeSet::new();
        for d in &dispatches {
            let role = d["role"].as_str().unwrap_or("").to_string();
            by_role
                .entry(role.clone())
                .or_default()
                .insert(d["person_id"].as_i64().unwrap_or(0));
            role_records.entry(role).or_default().push(d);
            if let Some(b) = d["batch"].as_i64() {
                batches.insert(b);
            }
        }
        let persons: BTreeSet<i64> = dispatches.iter().filter_map(|d| d["person_id"].as_i64()).collect();
        let mut spans = vec![Span::text(format!("{}，", input.period_label))];
        if batches.len() > 1 {
            spans.push(Span::text("先后分"));
            spans.push(figs.span(
                "people.batches",
                "派出批次",
                format!("{}批", batches.len()),
                ids("dispatches", &dispatches),
            ));
        }
        spans.push(Span::text("选派"));
        spans.push(figs.span(
            "people.total",
            "援派人员",
            format!("{}名", persons.len()),
            ids("dispatches", &dispatches),
        ));
        let single_role = by_role.len() == 1;
        spans.push(Span::text(match by_role.keys().next() {
            Some(r) if single_role => label("dispatches", "role", r),
            _ => "援派人员".to_string(),
        }));
        // roles in the order of the schema (cadres, teachers, doctors, experts, managers …)
        let roles: Vec<(String, usize)> = schema::DISPATCH_ROLES
            .iter()
            .filter_map(|(r, _)| by_role.get(*r).map(|s| (r.to_string(), s.len())))
            .collect();
        if !roles.is_empty() && !single_role {
            spans.push(Span::text("，其中"));
            for (i, (r, n)) in roles.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::text("、"));
                }
                let name = label("dispatches", "role", r);
                spans.push(Span::text(name.clone()));
                spans.push(figs.span(
                    &format!("people.{r}"),
                    &name,
                    format!("{n}名"),
                    ids("dispatches", &role_records[r]),
                ));
            }
        }
        let chosen: Vec<&&Rec> = persons.iter().filter_map(|p| people.get(p)).collect();
        let pg: Vec<&Rec> = chosen
            .iter()
            .filter(|p| matches!(p["education"].as_str(), Some("doctorate" | "master")))
            .map(|p| **p)
            .collect();
        let senior: Vec<&Rec> = chosen
            .iter()
            .filter(|p| p["title_level"] == "senior")
            .map(|p| **p)
            .collect();
        if !pg.is_empty() || !senior.is_empty() {
            spans.push(Span::text("；其中硕博研究生"));
            spans.push(figs.span(
                "people.postgraduates",
                "硕博研究生",
                format!("{}人", pg.len()),
                ids("people", &pg),
            ));
            spans.push(Span::text("，高级职称"));
            spans.push(figs.span(
                "people.senior",
                "高级职称",
                format!("{}人", senior.len()),
                ids("people", &senior),
            ));
        }
        // each person's age in the year they first went in the period, averaged and rounded half up; a person whose
        // dispatch has no date has no known age when sent, and is left out of the average
        let mut went: HashMap<i64, i64> = HashMap::new();
        for d in &dispatches {
            let Some(year) = date(&d["start_date"]).map(|x| chrono::Datelike::year(&x.first) as i64) else {
                continue;
            };
            let e = went.entry(d["person_id"].as_i64().unwrap_or(0)).or_insert(year);
            *e = (*e).min(year);
        }
        let ages: Vec<i64> = persons
            .iter()
            .filter_map(|p| Some(went.get(p)? - people.get(p)?["birth_year"].as_i64()?))
            .collect();
        if !ages.is_empty() {
            let n = ages.len() as i64;
            let age = (ages.iter().sum::<i64>() * 2 + n) / (n * 2);
            spans.push(Span::text("，派出时平均年龄"));
            let with_age: Vec<&Rec> = chosen
                .iter()
                .filter(|p| p["birth_year"].is_i64() && went.contains_key(&id(**p)))
                .map(|p| **p)
                .collect();
            spans.push(figs.span(
                "people.age",
                "派出时平均年龄",
                format!("{age}岁"),
                ids("people", &with_age),
            ));
        }
        spans.push(Span::text("。"));
        blocks.push(para(spans));
        blocks.extend(hosts_para(&dispatches, pool, figs));
        let posts: Vec<String> = dispatches
            .iter()
            .filter_map(|d| d["post"].as_str())
            .map(str::to_string)
            .collect();
        // the levels of the posts they hold (第7篇: "其中6人担任领导岗位正职"), each person once
        let mut levels: Vec<Vec<Span>> = Vec::new();
        for (code, word) in schema::POST_LEVELS {
            let held: Vec<&Rec> = dispatches
                .iter()
                .copied()
                .filter(|d| d["post_level"] == *code)
                .collect();
            let persons: BTreeSet<i64> = held.iter().filter_map(|d| d["person_id"].as_i64()).collect();
            if !persons.is_empty() {
                levels.push(vec![
                    Span::text(word.to_string()),
                    figs.span(
                        &format!("people.post_level.{code}"),
                        &format!("担任领导岗位{word}"),
                        format!("{}名", persons.len()),
                        ids("dispatches", &held),
                    ),
                ]);
            }
        }
        if !levels.is_empty() {
            let mut spans = vec![Span::text("援派人员在受援地担任领导岗位")];
            for (i, l) in levels.into_iter().enumerate() {
                if i > 0 {
                    spans.push(Span::text("、"));
                }
                spans.extend(l);
            }
            spans.push(Span::text("。"));
            blocks.push(para(spans));
        }
        if !posts.is_empty() {
            let mut count: BTreeMap<String, usize> = BTreeMap::new();
            for p in posts {
                *count.entry(p).or_default() += 1;
            }
            let list: Vec<String> = count.iter().map(|(p, n)| format!("{p}{n}名")).collect();
            blocks.push(para(vec![Span::text(format!(
                "援派人员在受援地担任{}。",
                list.join("、")
            ))]));
        }
        // table by batch and role
        let mut table: BTreeMap<(i64, String), BTreeSet<i64>> = BTreeMap::new();
        for d in &dispatches {
            table
                .entry((
                    d["batch"].as_i64().unwrap_or(0),
                    d["role"].as_str().unwrap_or("").to_string(),
                ))
                .or_default()
                .insert(d["person_id"].as_i64().unwrap_or(0));
        }
        blocks.push(Block::Table(Table {
            title: "表2 援派人员（按批次和类别）".into(),
            columns: vec![
                Column {
                    header: "批次".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "类别".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "人数".into(),
                    kind: ColumnKind::Int,
                },
            ],
            rows: table
                .iter()
                .map(|((b, r), s)| {
                    let batch = if *b > 0 {
                        format!("第{}批", zh::numeral(*b as u32))
                    } else {
                        "未注明".into()
                    };
                    vec![
                        Cell::Text(batch),
                        Cell::Text(label("dispatches", "role", r)),
                        Cell::Int(s.len() as i64),
                    ]
                })
                .collect(),
        }));
        // the chart shows the prose's figures: each role's count is the same measure
        for (r, n) in &roles {
            figs.note(
                &format!("people.{r}"),
                &label("dispatches", "role", r),
                format!("{n}名"),
                ids("dispatches", &role_records[r]),
            );
        }
        blocks.push(Block::Chart(Chart {
            title: "援派人员按类别".into(),
            kind: ChartKind::Bar,
            categories: roles.iter().map(|(r, _)| label("dispatches", "role", r)).collect(),
            series: vec![Series {
                name: "人数".into(),
                values: roles.iter().map(|(_, n)| *n as f64).collect(),
            }],
            unit: "人".into(),
        }));
    }
    blocks.extend(appraisals_para(pool, figs));
    blocks
}

/// （二）教学、培训与交流: the activities held within the period; also hands back the activities read, donations among
/// them.
fn activities<'a>(input: &SummaryInput, pool: &Pool<'a>, figs: &mut Figures) -> (Vec<Block>, Vec<Act<'a>>) {
    // the many activities read once into their figures, then counted over and over
    let acts: Vec<Act> = pool.in_period("activities").into_iter().map(Act::of).collect();
    let non_donation: Vec<&Act> = acts.iter().filter(|a| a.kind != Some("donation")).collect();
    let mut blocks = Vec::new();
    if non_donation.is_empty() {
        return (blocks, acts);
    }
    {
        let sum = |v: &[&Act], f: fn(&Act) -> Fig| v.iter().map(|a| f(a)).collect::<Total>();
        let with = |f: fn(&Act) -> Fig| {
            non_donation
                .iter()
                .copied()
                .filter(|a| f(a).value > 0)
                .collect::<Vec<&Act>>()
        };
        let ids = |v: &[&Act]| v.iter().map(|a| ("activities", a.id)).collect::<Vec<_>>();
        let mut parts: Vec<Vec<Span>> = Vec::new();
        let courses = with(|a| a.courses);
        if !courses.is_empty() {
            parts.push(vec![
                Span::text("帮助开出新课和急需课程"),
                figs.span(
                    "activities.courses",
                    "开设课程",
                    format!("{}门次", zh::tally_total(&sum(&courses, |a| a.courses))),
                    ids(&courses),
                ),
            ]);
        }
        let hours = with(|a| a.hours);
        if !hours.is_empty() {
            parts.push(vec![
                Span::text("直接授课"),
                figs.span(
                    "activities.hours",
                    "授课课时",
                    format!("{}课时", zh::tally_total(&sum(&hours, |a| a.hours))),
                    ids(&hours),
                ),
            ]);
        }
        let lectures: Vec<&Act> = with(|a| a.sessions)
            .into_iter()
            .filter(|a| a.kind == Some("lecture"))
            .collect();
        if !lectures.is_empty() {
            parts.push(vec![
                Span::text("举办学术讲座、专题报告"),
                figs.span(
                    "activities.lectures",
                    "讲座报告",
                    format!("{}场", zh::tally_total(&sum(&lectures, |a| a.sessions))),
                    ids(&lectures),
                ),
            ]);
        }
        let trainings: Vec<&Act> = non_donation
            .iter()
            .copied()
            .filter(|a| a.kind == Some("training"))
            .collect();
        if !trainings.is_empty() {
            let pt = sum(&trainings, |a| a.person_times);
            let mut s = vec![
                Span::text("开展培训"),
                figs.span(
                    "activities.trainings",
                    "培训期数",
                    format!("{}期", trainings.len()),
                    ids(&trainings),
                ),
            ];
            if pt.value() > 0 {
                s.push(Span::text("，培训各类人员"));
                s.push(figs.span(
                    "activities.training_person_times",
                    "培训人次",
                    format!("{}人次", zh::tally_total(&pt)),
                    ids(&trainings),
                ));
            }
            parts.push(s);
        }
        let visits: Vec<&Act> = non_donation
            .iter()
            .copied()
            .filter(|a| a.kind == Some("visit"))
            .collect();
        if !visits.is_empty() {
            let pt = sum(&visits, |a| a.person_times);
            let text = if pt.value() > 0 {
                format!("{}人次", zh::tally_total(&pt))
            } else {
                format!("{}次", visits.len())
            };
            parts.push(vec![
                Span::text("双方互访"),
                figs.span("activities.visits", "互访", text, ids(&visits)),
            ]);
        }
        let research: Vec<&Act> = non_donation
            .iter()
            .copied()
            .filter(|a| a.kind == Some("research"))
            .collect();
        if !research.is_empty() {
            parts.push(vec![
                Span::text("联合开展科研合作"),
                figs.span(
                    "activities.research",
                    "科研合作",
                    format!("{}项", research.len()),
                    ids(&research),
                ),
            ]);
        }
        if !parts.is_empty() {
            let mut spans = joined(format!("{}，", input.period_label), parts, "；");
            spans.push(Span::text("。"));
            blocks.push(para(spans));
        }
        blocks.extend(activity_counts(pool, &non_donation, figs));
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        for a in &acts {
            *by_kind.entry(a.kind.unwrap_or("").to_string()).or_default() += 1;
        }
        blocks.push(Block::Chart(Chart {
            title: "活动按类型".into(),
            kind: ChartKind::Bar,
            categories: by_kind.keys().map(|k| label("activities", "kind", k)).collect(),
            series: vec![Series {
                name: "次数".into(),
                values: by_kind.values().map(|n| *n as f64).collect(),
            }],
            unit: "次".into(),
        }));
    }
    (blocks, acts)
}

/// Whether a project record stands for a yearly plan or batch of many projects (a 项目组: its 计划批次 gives a count,
/// "2013年度（300项）"). Until groups are their own records (issue #16), a sum over such a record and others may count
/// the same projects twice.
fn is_group(p: &Rec) -> bool {
    p["plan_batch"]
        .as_str()
        .is_some_and(|b| b.contains("项）") || b.contains("项)"))
}

/// Whether a sum over these projects' records would add a group to its possible members: then it is left out.
fn mixes_groups(projects: &[&Rec]) -> bool {
    let groups = projects.iter().filter(|p| is_group(p)).count();
    groups > 0 && projects.len() > 1
}

/// （三）援建项目与资金: projects told as the genre tells them per period — 新安排, 续建, 竣工 — and money counted
/// when it moved: a project's plan money when it is planned, transactions by their own dates.
fn projects(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    let plans = plans::of(pool);
    let listed = pool.in_period("projects");
    // a project a plan of the period holds is counted in the plan, not again on its own
    let projects: Vec<&Rec> = listed.iter().copied().filter(|p| plans.holder(p).is_none()).collect();
    let txs = pool.in_period("transactions");
    if listed.is_empty() && txs.is_empty() && plans.top.is_empty() {
        return blocks;
    }
    let whole = input.whole_term;
    let new: Vec<&Rec> = projects.iter().copied().filter(|p| pool.is_new(p)).collect();
    let carried: Vec<&Rec> = projects
        .iter()
        .copied()
        .filter(|p| !pool.is_new(p) && pool.is_carried(p))
        .collect();
    // as of the period's end: a project of the period completed by then was completed in it (it was planned before
    // it was completed), and a completed project was started, whether or not its start date was recorded
    let to = input.period.1;
    let done_by = |p: &&Rec| date(&p["completed_on"]).is_some_and(|d| d.last() <= to);
    let begun_by = |p: &&Rec| date(&p["started_on"]).is_some_and(|d| d.last() <= to) || done_by(p);
    let completed: Vec<&Rec> = projects.iter().copied().filter(done_by).collect();
    let started: Vec<&Rec> = projects.iter().copied().filter(begun_by).collect();
    let groups: Vec<&Rec> = projects.iter().copied().filter(|p| is_group(p)).collect();
    let counted_together = mixes_groups(&projects);
    if !projects.is_empty() && counted_together {
        let names: Vec<String> = groups
            .iter()
            .filter_map(|p| p["name"].as_str().map(|n| format!("“{n}”")))
            .collect();
        blocks.push(para(vec![Span::text(format!(
            "记录中{}为年度计划或项目批次（项目组），与其他项目记录可能重叠，现有记录尚不能区分，\
             为免重复计算，本总结不汇总项目个数和项目总投资，分项情况见表3。",
            names.join("、")
        ))]));
    } else if !projects.is_empty() || !plans.top.is_empty() {
        let livelihood: Vec<&Rec> = new
            .iter()
            .copied()
            .filter(|p| schema::is_livelihood(p["category"].as_str().unwrap_or("")))
            .collect();
        let lead = if whole {
            "累计安排援建项目"
        } else {
            "本期新安排援建项目"
        };
        let label_new = if whole { "援建项目" } else { "新安排项目" };
        // each plan counts as its number of projects; a plan whose count is not recorded leaves the total unknown
        let counts: Vec<Option<Total>> = plans.top.iter().map(|g| plans.figure(g, "project_count")).collect();
        let mut spans = Vec::new();
        if plans.top.is_empty() {
            spans.push(Span::text(lead));
            spans.push(figs.span(
                "projects.new",
                label_new,
                format!("{}个", new.len()),
                ids("projects", &new),
            ));
        } else {
            let names: Vec<String> = plans
                .top
                .iter()
                .filter_map(|g| g["name"].as_str().map(|n| format!("“{n}”")))
                .collect();
            let mut refs = ids("project_groups", &plans.top);
            refs.extend(ids("projects", &new));
            if counts.iter().all(Option::is_some) {
                let mut total: Total = counts.iter().flatten().copied().fold(Total::new(), |mut a, t| {
                    a.merge(t);
                    a
                });
                total.add(Fig::exact(new.len() as i64));
                spans.push(Span::text(lead));
                spans.push(figs.span(
                    "projects.new",
                    label_new,
                    format!("{}个", zh::count_total(&total)),
                    refs,
                ));
                spans.push(Span::text(format!("（含{}", names.join("、"))));
                if !new.is_empty() {
                    spans.push(Span::text(format!("，另单列项目{}个", new.len())));
                }
                spans.push(Span::text("）"));
            } else {
                spans.push(Span::text(format!(
                    "{lead}计划/批次{}个（{}，部分未记录项目数）",
                    plans.top.len(),
                    names.join("、")
                )));
                if !new.is_empty() {
                    spans.push(Span::text("，另单列项目"));
                    spans.push(figs.span(
                        "projects.new",
                        label_new,
                        format!("{}个", new.len()),
                        ids("projects", &new),
                    ));
                }
            }
        }
        if !livelihood.is_empty() && plans.top.is_empty() {
            spans.push(Span::text("，其中民生项目"));
            spans.push(figs.span(
                "projects.livelihood",
                "民生项目",
                format!("{}个", livelihood.len()),
                ids("projects", &livelihood),
            ));
        }
        // without plans the clauses speak of every project; with them, of the projects told on their own
        let who = if plans.top.is_empty() { "" } else { "单列项目中" };
        if !projects.is_empty() {
            if !whole {
                spans.push(Span::text(format!("；{who}续建项目")));
                spans.push(figs.span(
                    "projects.carried",
                    "续建项目",
                    format!("{}个", carried.len()),
                    ids("projects", &carried),
                ));
            }
            spans.push(Span::text(format!(
                "；{who}{}",
                if whole { "已竣工" } else { "本期竣工" }
            )));
            spans.push(figs.span(
                "projects.completed",
                "竣工项目",
                format!("{}个", completed.len()),
                ids("projects", &completed),
            ));
            spans.push(Span::text(if !who.is_empty() {
                "，已开工"
            } else if whole {
                "；累计已开工"
            } else {
                "；上述项目中已开工"
            }));
            spans.push(figs.span(
                "projects.started",
                "已开工项目",
                format!("{}个", started.len()),
                ids("projects", &started),
            ));
            let rates = plans.top.is_empty();
            if let Some(rate) = zh::percent(started.len() as i64, projects.len() as i64).filter(|_| rates) {
                spans.push(Span::text("，开工率"));
                spans.push(figs.span("projects.start_rate", "项目开工率", rate, ids("projects", &projects)));
            }
            if let Some(rate) = zh::percent(completed.len() as i64, started.len() as i64).filter(|_| rates) {
                spans.push(Span::text("，竣工率"));
                spans.push(figs.span(
                    "projects.completion_rate",
                    "项目竣工率",
                    rate,
                    ids("projects", &started),
                ));
            }
        }
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }

    // the money of the projects planned in the period, once
    let new_ids: BTreeSet<i64> = new.iter().map(id).collect();
    let funding: Vec<&Rec> = pool
        .in_period("project_funding")
        .into_iter()
        .filter(|f| new_ids.contains(&f["project_id"].as_i64().unwrap_or(0)))
        .collect();
    let project_of = |f: &&Rec| pool.projects.get(&f["project_id"].as_i64().unwrap_or(0)).copied();
    // a sum is left out when it would add a group to other projects' money
    let safe = |v: &[&Rec]| {
        let behind: BTreeMap<i64, &Rec> = v.iter().filter_map(project_of).map(|p| (id(p), p)).collect();
        !mixes_groups(&behind.into_values().collect::<Vec<_>>())
    };
    let mut parts: Vec<Vec<Span>> = Vec::new();
    let with_investment: Vec<&Rec> = new
        .iter()
        .copied()
        .filter(|p| money(&p["total_investment"]).fen() > 0)
        .collect();
    // a plan's money once, as it states it (else as its parts do), with the projects told on their own; a total
    // that leaves out a plan whose figure is not recorded says so, naming the plan (the domain's one rule)
    let plan_money = |field: &str| -> (Total, Vec<&Rec>) {
        let k = plans.known(field);
        (k.total, k.counted)
    };
    let unknown_in = |field: &str, what: &str| -> String { plans.known(field).left_out_words(what) };
    let (plan_investment, invested_plans) = plan_money("total_investment");
    if (!with_investment.is_empty() || !invested_plans.is_empty()) && !mixes_groups(&with_investment) {
        let mut total = money_sum(&with_investment, "total_investment");
        total.merge(plan_investment);
        let mut refs = ids("project_groups", &invested_plans);
        refs.extend(ids("projects", &with_investment));
        parts.push(vec![
            Span::text(format!(
                "{}{}",
                if whole {
                    "项目总投资"
                } else {
                    "新安排项目总投资"
                },
                unknown_in("total_investment", "总投资")
            )),
            figs.span("money.total_investment", "项目总投资", zh::money_total(&total), refs),
        ]);
    }
    let mut by_source: BTreeMap<String, Vec<&Rec>> = BTreeMap::new();
    for f in &funding {
        by_source
            .entry(f["source"].as_str().unwrap_or("").to_string())
            .or_default()
            .push(f);
    }
    // 援助资金 first, then the other sources in the schema's order
    let order = |s: &str| schema::FUNDING_SOURCES.iter().position(|(k, _)| *k == s);
    let (plan_aid, aided_plans) = plan_money("aid_amount");
    if !aided_plans.is_empty() {
        by_source.entry("supporter".to_string()).or_default();
    }
    let mut sources: Vec<(&String, &Vec<&Rec>)> = by_source.iter().collect();
    sources.sort_by_key(|(s, _)| order(s));
    for (src, v) in sources {
        if !safe(v) {
            continue;
        }
        let mut m = money_sum(v, "amount");
        let mut refs = ids("project_funding", v);
        if src == "supporter" {
            m.merge(plan_aid);
            refs.extend(ids("project_groups", &aided_plans));
        }
        let name = label("project_funding", "source", src);
        let (key, lead) = if src == "supporter" {
            (
                "money.supporter".to_string(),
                format!(
                    "{}{}",
                    if whole {
                        "累计投入援助资金"
                    } else {
                        "援助资金"
                    },
                    unknown_in("aid_amount", "援助资金")
                ),
            )
        } else {
            (format!("money.{src}"), name.clone())
        };
        parts.push(vec![
            Span::text(lead),
            figs.span(&key, &name, zh::money_total(&m), refs),
        ]);
    }
    let leveraged: Vec<&Rec> = new
        .iter()
        .copied()
        .filter(|p| money(&p["leveraged_investment"]).fen() > 0)
        .collect();
    let (plan_leveraged, leveraging_plans) = plan_money("leveraged_investment");
    if (!leveraged.is_empty() || !leveraging_plans.is_empty()) && !mixes_groups(&leveraged) {
        let mut lev = money_sum(&leveraged, "leveraged_investment");
        lev.merge(plan_leveraged);
        let mut lev_refs = ids("project_groups", &leveraging_plans);
        lev_refs.extend(ids("projects", &leveraged));
        parts.push(vec![
            Span::text(format!("带动投资{}", unknown_in("leveraged_investment", "带动投资"))),
            figs.span("money.leveraged", "带动投资", zh::money_total(&lev), lev_refs),
        ]);
    }
    if !parts.is_empty() {
        let mut spans = Vec::new();
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::text("，"));
            }
            spans.extend(p);
        }
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }

    blocks.extend(key_projects(&new, &funding, figs));

    // money as it moved: commitments (计划) and disbursements (到位), each by its own date
    let of_kind = |k: &str| txs.iter().copied().filter(|t| t["kind"] == k).collect::<Vec<&Rec>>();
    let (committed, disbursed) = (of_kind("commitment"), of_kind("disbursement"));
    let sum = |v: &[&Rec]| money_sum(v, "amount");
    if !committed.is_empty() || !disbursed.is_empty() {
        let mut spans = vec![Span::text(if whole {
            "资金往来："
        } else {
            "本期资金往来："
        })];
        if !committed.is_empty() {
            spans.push(Span::text("计划投资"));
            spans.push(figs.span(
                "money.committed",
                "计划投资",
                zh::money_total(&sum(&committed)),
                ids("transactions", &committed),
            ));
        }
        if !disbursed.is_empty() {
            if !committed.is_empty() {
                spans.push(Span::text("，"));
            }
            spans.push(Span::text("拨付到位"));
            spans.push(figs.span(
                "money.disbursed",
                "到位资金",
                zh::money_total(&sum(&disbursed)),
                ids("transactions", &disbursed),
            ));
        }
        if let (false, false) = (committed.is_empty(), disbursed.is_empty()) {
            if let Some(r) = zh::percent(sum(&disbursed).value(), sum(&committed).value()) {
                spans.push(Span::text("，到位率"));
                let both: Vec<&Rec> = committed.iter().chain(&disbursed).copied().collect();
                spans.push(figs.span("money.disbursed_rate", "到位率", r, ids("transactions", &both)));
            }
        }
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }

    // outputs: planned / started / completed, as of a day in the period
    // each output's latest statement in the period: statements of one output are never added together
    let outputs = duikou_domain::outputs::latest(&pool.in_period("outputs"));
    let mut by_output: BTreeMap<(String, String), Vec<&Rec>> = BTreeMap::new();
    for o in &outputs {
        by_output
            .entry((
                o["name"].as_str().unwrap_or("").to_string(),
                o["unit"].as_str().unwrap_or("").to_string(),
            ))
            .or_default()
            .push(o);
    }
    for ((name, unit), v) in &by_output {
        blocks.push(output_para(name, unit, v, figs));
    }
    if !plans.in_period.is_empty() {
        blocks.extend(plan_blocks(pool, &plans, figs));
    }
    if !listed.is_empty() {
        blocks.push(project_table(pool, &plans, &listed, &funding, counted_together));
    }
    // money by year and source, from disbursements (else commitments): the same transactions as the prose
    let (kind, chosen) = if disbursed.is_empty() {
        ("commitment", &committed)
    } else {
        ("disbursement", &disbursed)
    };
    let mut grid: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for t in chosen {
        let year = t["date"].as_str().unwrap_or("").get(..4).unwrap_or("").to_string();
        let cell = grid
            .entry(t["source"].as_str().unwrap_or("").to_string())
            .or_default()
            .entry(year)
            .or_default();
        *cell = cell.saturating_add(money(&t["amount"]).fen());
    }
    if !grid.is_empty() {
        let shown: i64 = grid
            .values()
            .flat_map(|m| m.values())
            .fold(0i64, |a, b| a.saturating_add(*b));
        let (key, name) = match kind {
            "disbursement" => ("money.disbursed", "到位资金"),
            _ => ("money.committed", "计划投资"),
        };
        figs.note(
            key,
            name,
            zh::money(Money::from_fen(shown)),
            ids("transactions", chosen),
        );
        let years: BTreeSet<String> = grid.values().flat_map(|m| m.keys().cloned()).collect();
        blocks.push(Block::Chart(Chart {
            title: format!("资金按年度和来源（{}）", label("transactions", "kind", kind)),
            kind: ChartKind::StackedBar,
            categories: years.iter().map(|y| format!("{y}年")).collect(),
            series: grid
                .iter()
                .map(|(src, m)| Series {
                    name: label("transactions", "source", src),
                    values: years
                        .iter()
                        .map(|y| *m.get(y).unwrap_or(&0) as f64 / 1_000_000.0)
                        .collect(),
                })
                .collect(),
            unit: "万元".into(),
        }));
    }
    if !projects.is_empty() && !counted_together {
        // each project in exactly one slice, as of the period's end: a project completed counts as 竣工 even when its
        // start date was never recorded (the demo's 温州→拜城 kindergarten); the slices are the prose's figures
        let status_counts = [
            ("立项", projects.iter().filter(|p| !begun_by(p)).count()),
            ("在建", projects.iter().filter(|p| begun_by(p) && !done_by(p)).count()),
            ("竣工", completed.len()),
        ];
        figs.note(
            "projects.completed",
            "竣工项目",
            format!("{}个", status_counts[2].1),
            ids("projects", &completed),
        );
        blocks.push(Block::Chart(Chart {
            title: if plans.top.is_empty() {
                "项目进展".into()
            } else {
                "项目进展（单列项目）".into()
            },
            kind: ChartKind::Pie,
            categories: status_counts.iter().map(|(l, _)| l.to_string()).collect(),
            series: vec![Series {
                name: "项目数".into(),
                values: status_counts.iter().map(|(_, n)| *n as f64).collect(),
            }],
            unit: "个".into(),
        }));
    }
    blocks
}

/// At most this many projects are told one by one with their money.
const PROJECTS_TOLD: usize = 10;

/// 重点项目: the largest projects planned in the period told one by one, each with its total investment and its money
/// by source as recorded ("吐鲁番实验中学总投资2.6亿元，其中援助资金3700万元"). Plans and batches are told apart.
fn key_projects(new: &[&Rec], funding: &[&Rec], figs: &mut Figures) -> Vec<Block> {
    let mut by_project: HashMap<i64, Vec<&Rec>> = HashMap::new();
    for f in funding {
        by_project
            .entry(f["project_id"].as_i64().unwrap_or(0))
            .or_default()
            .push(f);
    }
    let order = |s: &str| schema::FUNDING_SOURCES.iter().position(|(k, _)| *k == s);
    let mut told: Vec<(i64, Vec<Span>)> = Vec::new();
    for p in new.iter().copied().filter(|p| !is_group(p)) {
        let total = approx::figure_of(FieldKind::Money, p, "total_investment").filter(|f| f.value > 0);
        let mut parts = by_project.get(&id(p)).cloned().unwrap_or_default();
        parts.retain(|f| money(&f["amount"]).fen() > 0);
        if total.is_none() && parts.is_empty() {
            continue;
        }
        parts.sort_by_key(|f| order(f["source"].as_str().unwrap_or("")));
        let name = p["name"].as_str().unwrap_or("");
        let mut spans = vec![Span::text(name.to_string())];
        let mut size = 0;
        if let Some(t) = total {
            size = t.value;
            spans.push(Span::text("总投资"));
            spans.push(figs.span(
                &format!("projects.total_investment.{}", id(p)),
                &format!("{name}总投资"),
                approx::written(FieldKind::Money, t, ""),
                ids("projects", &[p]),
            ));
        }
        for (i, f) in parts.iter().enumerate() {
            let Some(fig) = approx::figure_of(FieldKind::Money, *f, "amount") else {
                continue;
            };
            size = size.max(fig.value);
            let source = label("project_funding", "source", f["source"].as_str().unwrap_or(""));
            spans.push(Span::text(match (i, total.is_some()) {
                (0, true) => format!("，其中{source}"),
                (0, false) => source.clone(),
                _ => format!("、{source}"),
            }));
            spans.push(figs.span(
                &format!("project_funding.{}", id(*f)),
                &format!("{name}{source}"),
                approx::written(FieldKind::Money, fig, ""),
                ids("project_funding", &[*f]),
            ));
        }
        told.push((size, spans));
    }
    if told.is_empty() {
        return Vec::new();
    }
    told.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
    let more = told.len().saturating_sub(PROJECTS_TOLD);
    let mut spans = joined("重点项目：", told.into_iter().take(PROJECTS_TOLD).map(|(_, p)| p), "；");
    if more > 0 {
        spans.push(Span::text(format!("；其余{more}个项目见援建项目表")));
    }
    spans.push(Span::text("。"));
    vec![para(spans)]
}

/// One output's planned / started / completed sentence.
fn output_para(name: &str, unit: &str, v: &[&Rec], figs: &mut Figures) -> Block {
    // each stage's total as its records state it, qualifier and range kept (计划100—200名); `None` when no record
    // gives the stage
    let total = |f: &str| -> Option<Fig> {
        let given: Vec<Fig> = v
            .iter()
            .filter_map(|o| approx::figure_of(FieldKind::Qty, *o, f))
            .collect();
        (!given.is_empty()).then(|| given.into_iter().collect::<Total>().figure())
    };
    let (p, s, c) = (total("planned"), total("started"), total("completed"));
    let nonzero = |f: &Option<Fig>| f.is_some_and(|f| f.value > 0 || f.upper.is_some_and(|u| u > 0));
    let show = |f: Option<Fig>| approx::written(FieldKind::Qty, f.unwrap_or(Fig::exact(0)), unit);
    // a rate from exact figures only: a range or an 约 has no one rate
    let rate = |num: Option<Fig>, den: Option<Fig>| match (num, den) {
        (Some(n), Some(d)) if n.is_exact() && d.is_exact() => zh::percent(n.value, d.value),
        _ => None,
    };
    let mut spans = vec![Span::text(name.to_string())];
    // the same output counted in two units (安居富民房 in 套 in one pairing, in 户 in another) is two measures
    let key = format!("outputs.{name}.{unit}");
    // a quantity whose stage the source does not say ("安居富民3400户") is told as such, never as completed
    let reported: Vec<Fig> = v
        .iter()
        .filter_map(|o| approx::figure_of(FieldKind::Qty, *o, "reported"))
        .collect();
    if !reported.is_empty() {
        let total: Total = reported.into_iter().collect();
        spans.push(figs.span(
            &format!("{key}.reported"),
            &format!("{name}（未注明阶段）"),
            approx::written(FieldKind::Qty, total.figure(), unit),
            ids("outputs", v),
        ));
        if !nonzero(&p) && !nonzero(&s) && !nonzero(&c) {
            spans.push(Span::text("（未注明计划、开工或竣工）。"));
            return para(spans);
        }
        spans.push(Span::text("（未注明阶段），另"));
    }
    if nonzero(&p) {
        // people are planned, not built (计划100—200名 科技英才)
        let people = matches!(unit, "名" | "人" | "人次" | "位");
        spans.push(Span::text(if people { "计划" } else { "计划建设" }));
        spans.push(figs.span(
            &format!("{key}.planned"),
            &format!("{name}计划"),
            show(p),
            ids("outputs", v),
        ));
        // a figure of each unit, when every record that gives one gives the same ("每名培养期6—12个月")
        let per_unit: BTreeSet<String> = v
            .iter()
            .filter_map(|o| {
                let what = o["per_unit_what"].as_str()?;
                let fig = approx::figure_of(FieldKind::Qty, *o, "per_unit")?;
                let of = o["per_unit_unit"].as_str()?;
                Some(format!("{what}{}", approx::written(FieldKind::Qty, fig, of)))
            })
            .collect();
        let givers: Vec<&Rec> = v.iter().copied().filter(|o| !o["per_unit"].is_null()).collect();
        if let (1, Some(each)) = (per_unit.len(), per_unit.first()) {
            spans.push(Span::text(format!("（每{unit}")));
            spans.push(figs.span(
                &format!("{key}.per_unit"),
                &format!("{name}每{unit}"),
                each.clone(),
                ids("outputs", &givers),
            ));
            spans.push(Span::text("）"));
        }
        spans.push(Span::text("，"));
    }
    // a stage is told only where every record of the output gives it: 廉租房 planned 1000 and completed 1300, its
    // start not given, is never "已开工0套"
    let known = |f: &str| v.iter().all(|o| !o[f].is_null());
    let (told_s, told_c) = (known("started"), known("completed"));
    if told_s {
        spans.push(Span::text("已开工"));
        spans.push(figs.span(
            &format!("{key}.started"),
            &format!("{name}开工"),
            show(s),
            ids("outputs", v),
        ));
        if let Some(r) = rate(s, p) {
            spans.push(Span::text("，开工率达"));
            spans.push(figs.span(
                &format!("{key}.start_rate"),
                &format!("{name}开工率"),
                r,
                ids("outputs", v),
            ));
        }
        spans.push(Span::text("，"));
    }
    if told_c {
        spans.push(Span::text("竣工"));
        spans.push(figs.span(
            &format!("{key}.completed"),
            &format!("{name}竣工"),
            show(c),
            ids("outputs", v),
        ));
        if let Some(r) = rate(c, s).filter(|_| told_s) {
            spans.push(Span::text("，竣工率"));
            spans.push(figs.span(
                &format!("{key}.completion_rate"),
                &format!("{name}竣工率"),
                r,
                ids("outputs", v),
            ));
        }
    }
    // "计划建设1000套，" with nothing after it ends the sentence
    if let Some(last) = spans.last_mut().filter(|l| l.figure.is_none()) {
        if let Some(cut) = last.text.strip_suffix('，') {
            last.text = cut.to_string();
        }
    }
    spans.push(Span::text("。"));
    para(spans)
}

/// The plans and batches of the period: a table of each (its years, count and money as written) and, for a plan
/// with category shares, a sentence of them ("其中民生·安居19.5亿元、…").
fn plan_blocks(pool: &Pool, plans: &plans::Plans, figs: &mut Figures) -> Vec<Block> {
    let column = |header: &str, kind: ColumnKind| Column {
        header: header.into(),
        kind,
    };
    let money_cell = |g: &Rec, field: &str| match approx::figure_of(FieldKind::Money, g, field) {
        None => Cell::Empty,
        Some(f) if f.is_exact() => Cell::Money(f.value),
        Some(f) => Cell::Text(zh::money_total(&[f].into_iter().collect())),
    };
    let years = |g: &Rec| {
        let start = g["start_on"].as_str().map(fmt_date).unwrap_or_default();
        match g["end_on"].as_str() {
            Some(e) => format!("{start}—{}", fmt_date(e)),
            None => start,
        }
    };
    // each plan in words, with its count and money as it states them ("“2013年度援疆项目”（2013年）安排项目300项，
    // 援助资金42.33亿元")
    let mut blocks = Vec::new();
    let mut told: Vec<Vec<Span>> = Vec::new();
    for g in plans.in_period.values() {
        let name = g["name"].as_str().unwrap_or("");
        let mut figures: Vec<(&str, &str, String)> = Vec::new();
        let kinds = g["category_count"].as_i64().filter(|n| *n > 0);
        if let Some(n) = kinds {
            figures.push(("category_count", "安排项目", format!("{n}类")));
        }
        if let Some(f) = approx::figure_of(FieldKind::Int, *g, "project_count") {
            let what = if kinds.is_some() { "" } else { "安排项目" };
            figures.push(("project_count", what, approx::written(FieldKind::Int, f, "项")));
        }
        for (field, what) in [
            ("aid_amount", "援助资金"),
            ("total_investment", "计划总投资"),
            ("leveraged_investment", "带动投资"),
        ] {
            if let Some(f) = approx::figure_of(FieldKind::Money, *g, field) {
                figures.push((field, what, approx::written(FieldKind::Money, f, "")));
            }
        }
        if figures.is_empty() {
            continue;
        }
        let mut spans = vec![Span::text(format!("“{name}”（{}）", years(g)))];
        for (i, (field, what, text)) in figures.into_iter().enumerate() {
            // "安排4类" then "6项" with no comma between: one phrase
            let sep = if i > 0 && !what.is_empty() { "，" } else { "" };
            spans.push(Span::text(format!("{sep}{what}")));
            spans.push(figs.span(
                &format!("plans.{}.{field}", id(*g)),
                &format!("{name}{}", if what.is_empty() { "项目数" } else { what }),
                text,
                ids("project_groups", &[*g]),
            ));
        }
        told.push(spans);
    }
    if !told.is_empty() {
        let mut spans = joined("援建计划/批次：", told, "；");
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }
    blocks.push(Block::Table(Table {
        title: "援建计划/批次".into(),
        columns: vec![
            column("计划/批次", ColumnKind::Text),
            column("年度", ColumnKind::Text),
            column("所属上级计划", ColumnKind::Text),
            column("项目数", ColumnKind::Text),
            column("援助资金", ColumnKind::Money),
            column("总投资", ColumnKind::Money),
            column("带动投资", ColumnKind::Money),
        ],
        rows: plans
            .in_period
            .values()
            .map(|g| {
                vec![
                    Cell::Text(g["name"].as_str().unwrap_or("").into()),
                    Cell::Text(years(g)),
                    Cell::Text(plans.parent_name(g).unwrap_or("").into()),
                    Cell::Text(
                        approx::figure_of(FieldKind::Int, *g, "project_count")
                            .map(|f| approx::written(FieldKind::Int, f, "项"))
                            .unwrap_or_default(),
                    ),
                    money_cell(g, "aid_amount"),
                    money_cell(g, "total_investment"),
                    money_cell(g, "leveraged_investment"),
                ]
            })
            .collect(),
    }));
    // the shares by plan, gathered once
    let mut shares: HashMap<i64, Vec<&Rec>> = HashMap::new();
    for s in pool.all("project_group_shares").into_iter().filter(|s| pool.counts(s)) {
        shares.entry(s["group_id"].as_i64().unwrap_or(0)).or_default().push(s);
    }
    for g in plans.in_period.values() {
        let Some(mine) = shares.get(&id(*g)) else {
            continue;
        };
        let mut spans = vec![Span::text(format!("“{}”按类别：", g["name"].as_str().unwrap_or("")))];
        for (i, sh) in mine.iter().enumerate() {
            if i > 0 {
                spans.push(Span::text("，"));
            }
            let cat = label(
                "project_group_shares",
                "category",
                sh["category"].as_str().unwrap_or(""),
            );
            let mut told = Vec::new();
            if let Some(f) = approx::figure_of(FieldKind::Int, *sh, "project_count") {
                told.push(approx::written(FieldKind::Int, f, "项"));
            }
            // one share's money as recorded, its own qualifier kept (1.5多亿元)
            if let Some(f) = approx::figure_of(FieldKind::Money, *sh, "aid_amount") {
                told.push(approx::written(FieldKind::Money, f, "元"));
            }
            spans.push(Span::text(cat.clone()));
            spans.push(figs.span(
                &format!("plans.share.{}.{}", id(g), sh["category"].as_str().unwrap_or("")),
                &format!("{}{cat}", g["name"].as_str().unwrap_or("")),
                told.join("、"),
                ids("project_group_shares", &[*sh]),
            ));
        }
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }
    blocks
}

/// 表3: the projects of the period, with the money of those planned in it (a 续建 or 竣工 project's money was counted
/// when it was planned, so its cells stay empty here).
fn project_table(pool: &Pool, plans: &plans::Plans, projects: &[&Rec], funding: &[&Rec], groups: bool) -> Block {
    let mut support_of: HashMap<i64, Total> = HashMap::new();
    for f in funding.iter().filter(|f| f["source"] == "supporter") {
        if let (Some(p), Some(fig)) = (
            f["project_id"].as_i64(),
            approx::figure_of(FieldKind::Money, *f, "amount"),
        ) {
            support_of.entry(p).or_default().add(fig);
        }
    }
    let column = |header: &str, kind: ColumnKind| Column {
        header: header.into(),
        kind,
    };
    Block::Table(Table {
        title: if groups {
            "表3 援建项目（含项目组，金额不可相加）".into()
        } else {
            "表3 援建项目".into()
        },
        columns: vec![
            column("项目", ColumnKind::Text),
            column("类别", ColumnKind::Text),
            column("所属计划/批次", ColumnKind::Text),
            column("本期", ColumnKind::Text),
            column("总投资", ColumnKind::Money),
            column("援助资金", ColumnKind::Money),
            column("开工", ColumnKind::Text),
            column("竣工", ColumnKind::Text),
        ],
        rows: projects
            .iter()
            .map(|p| {
                let new = pool.is_new(p);
                let mut stage = Vec::new();
                if new {
                    stage.push("新安排");
                } else if pool.is_carried(p) {
                    stage.push("续建");
                }
                if pool.is_done(p) {
                    stage.push("竣工");
                }
                // an approximate amount keeps its words in its cell ("约1000万元")
                let cash = |t: Total| match (new, t.is_exact()) {
                    (false, _) => Cell::Empty,
                    (true, true) => Cell::Money(t.value()),
                    (true, false) => Cell::Text(zh::money_total(&t)),
                };
                vec![
                    Cell::Text(p["name"].as_str().unwrap_or("").into()),
                    Cell::Text(label("projects", "category", p["category"].as_str().unwrap_or(""))),
                    Cell::Text(plans.group_name(p).unwrap_or("").into()),
                    Cell::Text(stage.join("、")),
                    cash(money_sum(&[*p], "total_investment")),
                    cash(support_of.get(&id(p)).copied().unwrap_or_default()),
                    date_cell(&p["started_on"]),
                    date_cell(&p["completed_on"]),
                ]
            })
            .collect(),
    })
}

/// The counted child records of `entity` (活动计数, 捐赠物资) of these activities, by activity.
fn of_activities<'a>(pool: &Pool<'a>, entity: &str, acts: &[&Act]) -> Vec<(i64, Vec<&'a Rec>)> {
    let mut by: BTreeMap<i64, Vec<&Rec>> = BTreeMap::new();
    for r in pool.all(entity).into_iter().filter(|r| pool.counts(r)) {
        by.entry(r["activity_id"].as_i64().unwrap_or(0)).or_default().push(r);
    }
    acts.iter()
        .filter_map(|a| by.remove(&a.id).map(|v| (a.id, v)))
        .collect()
}

/// At most this many activities are told one by one for their own figures alone (those with counts in their own
/// units are always told): a program's summary of thousands of activities names the largest.
const ACTIVITIES_TOLD: usize = 30;

/// The unit an activity's sessions are told in: 场 for a lecture, meeting, training or event, 次 for the rest
/// (检查300余次, 现场指导十多次).
fn sessions_unit(kind: Option<&str>) -> &'static str {
    match kind {
        Some("lecture" | "meeting" | "training" | "event" | "camp") => "场",
        _ => "次",
    }
}

/// An activity's own figures as recorded on it (人次, 场次, 门次, 课时, 金额), each with its qualifier. Its `items`
/// are told only for a gift: on another activity they may count anything (letters signed, kits handed out).
fn own_figures(a: &Act) -> Vec<(&'static str, &'static str, String)> {
    let mut out = Vec::new();
    for (field, what, fig, unit) in [
        ("person_times", "参加", a.person_times, "人次"),
        ("sessions", "开展", a.sessions, sessions_unit(a.kind)),
        ("courses", "开设课程", a.courses, "门次"),
        ("hours", "授课", a.hours, "课时"),
    ] {
        if fig.value > 0 {
            out.push((field, what, approx::written(FieldKind::Int, fig, unit)));
        }
    }
    if let Some(fig) = approx::figure_of(FieldKind::Money, a.rec, "amount").filter(|f| f.value > 0) {
        out.push(("amount", "金额", approx::written(FieldKind::Money, fig, "")));
    }
    out
}

/// Each activity's figures told with the activity: its counts in their own units ("“农牧民转移就业培训”：学员900人")
/// and its own 人次, 场次, 课时, 金额 ("“申报课题”：金额20万元"). Counts of different things and units are never added
/// together.
fn activity_counts(pool: &Pool, acts: &[&Act], figs: &mut Figures) -> Vec<Block> {
    let mut counts: HashMap<i64, Vec<&Rec>> = of_activities(pool, "activity_counts", acts).into_iter().collect();
    // the activities told for their own figures alone: the largest by money, then by person-times
    let mut alone: Vec<&Act> = acts
        .iter()
        .copied()
        .filter(|a| !counts.contains_key(&a.id) && !own_figures(a).is_empty())
        .collect();
    alone.sort_by_key(|a| {
        let amount = approx::figure_of(FieldKind::Money, a.rec, "amount").map_or(0, |f| f.value);
        std::cmp::Reverse((amount, a.person_times.value))
    });
    let alone: HashSet<i64> = alone.iter().take(ACTIVITIES_TOLD).map(|a| a.id).collect();
    let mut items = Vec::new();
    for a in acts {
        let mine = counts.remove(&a.id).unwrap_or_default();
        if mine.is_empty() && !alone.contains(&a.id) {
            continue;
        }
        let title = a.rec["title"].as_str().unwrap_or("");
        let mut spans = vec![Span::text(format!("“{title}”："))];
        let mut first = true;
        for c in &mine {
            let unit = c["unit"].as_str().unwrap_or("");
            let Some(fig) = approx::figure_of(FieldKind::Int, *c, "value") else {
                continue;
            };
            if !first {
                spans.push(Span::text("，"));
            }
            first = false;
            spans.push(Span::text(c["what"].as_str().unwrap_or("").to_string()));
            spans.push(figs.span(
                &format!("activities.count.{}", id(*c)),
                &format!("{title}{}", c["what"].as_str().unwrap_or(unit)),
                approx::written(FieldKind::Int, fig, unit),
                ids("activity_counts", &[*c]),
            ));
        }
        // how many days it ran, when both its days are known and it ran more than one (考察2天); a whole calendar
        // month (1 August to 31 August) more likely stands for "in August" than for a month of days, so it is not told
        let days = match (date(&a.rec["start_date"]), date(&a.rec["end_date"])) {
            (Some(s), Some(e)) if s.precision == Precision::Day && e.precision == Precision::Day => {
                let whole_month = s.first.day() == 1 && e.first.succ_opt().is_some_and(|n| n.day() == 1);
                Some((e.first - s.first).num_days() + 1).filter(|n| (2..=31).contains(n) && !whole_month)
            }
            _ => None,
        };
        if let Some(n) = days {
            spans.push(Span::text(if first { "历时" } else { "，历时" }));
            spans.push(figs.span(
                &format!("activities.days.{}", a.id),
                &format!("{title}天数"),
                format!("{n}天"),
                vec![("activities", a.id)],
            ));
            first = false;
        }
        for (field, what, text) in own_figures(a) {
            if !first {
                spans.push(Span::text("，"));
            }
            first = false;
            spans.push(Span::text(what));
            spans.push(figs.span(
                &format!("activities.{field}.{}", a.id),
                &format!("{title}{}", label_of("activities", field)),
                text,
                vec![("activities", a.id)],
            ));
        }
        spans.push(Span::text("。"));
        items.push(spans);
    }
    if items.is_empty() {
        return Vec::new();
    }
    let mut spans = vec![Span::text("其中，")];
    for (i, p) in items.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::text(" "));
        }
        spans.extend(p);
    }
    vec![para(spans)]
}

/// A field's label in the schema ("person_times" → 人次).
fn label_of(entity: &str, field: &str) -> String {
    schema::entity(entity)
        .and_then(|d| d.field(field))
        .map_or_else(|| field.to_string(), |f| f.label.to_string())
}

/// 捐赠与物资支持: the donations among the period's activities.
/// Money given outside any project (课题经费, 公益金, 培养资金 …: issue #16 item 4), counted once by its own date:
/// the total, its parts by purpose, and what it was for, each amount as written.
fn funds(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let funds = pool.in_period("funds");
    if funds.is_empty() {
        return Vec::new();
    }
    let mut spans = vec![Span::text(if input.whole_term {
        "项目之外安排资金"
    } else {
        "本期项目之外安排资金"
    })];
    spans.push(figs.span(
        "funds.total",
        "项目外资金",
        zh::money_total(&money_sum(&funds, "amount")),
        ids("funds", &funds),
    ));
    let purposes: Vec<(&str, Vec<&Rec>)> = schema::FUND_PURPOSES
        .iter()
        .map(|(code, _)| {
            let of: Vec<&Rec> = funds.iter().copied().filter(|f| f["purpose"] == *code).collect();
            (*code, of)
        })
        .filter(|(_, of)| !of.is_empty())
        .collect();
    if purposes.len() > 1 {
        spans.push(Span::text("，其中"));
        for (i, (code, of)) in purposes.iter().enumerate() {
            let name = label("funds", "purpose", code);
            if i > 0 {
                spans.push(Span::text("、"));
            }
            spans.push(Span::text(name.clone()));
            spans.push(figs.span(
                &format!("funds.{code}"),
                &name,
                zh::money_total(&money_sum(of, "amount")),
                ids("funds", of),
            ));
        }
    }
    // what each was for, the largest first, at most eight named
    let mut named: Vec<&Rec> = funds.clone();
    named.sort_by_key(|f| std::cmp::Reverse(money(&f["amount"]).fen()));
    spans.push(Span::text("，用于"));
    for (i, f) in named.iter().take(8).enumerate() {
        if i > 0 {
            spans.push(Span::text("、"));
        }
        let source = f["source"]
            .as_str()
            .filter(|s| *s != "supporter")
            .map(|s| label("funds", "source", s));
        spans.push(Span::text(format!(
            "{}{}（",
            f["title"].as_str().unwrap_or(""),
            source.map(|s| format!("，{s}")).unwrap_or_default()
        )));
        spans.push(figs.span(
            &format!("funds.item.{}", id(f)),
            f["title"].as_str().unwrap_or("项目外资金"),
            zh::money_total(&money_sum(&[*f], "amount")),
            ids("funds", &[*f]),
        ));
        spans.push(Span::text("）"));
    }
    if named.len() > 8 {
        spans.push(Span::text(format!("等{}项", named.len())));
    }
    spans.push(Span::text("。"));
    vec![para(spans)]
}

fn donations(pool: &Pool, acts: &[Act], figs: &mut Figures) -> Vec<Block> {
    let donations: Vec<&Rec> = acts
        .iter()
        .filter(|a| a.kind == Some("donation"))
        .map(|a| a.rec)
        .collect();
    if donations.is_empty() {
        return Vec::new();
    }
    let amount = money_sum(&donations, "amount");
    let mut spans = vec![Span::text("支援方向受援方捐赠")];
    for (i, d) in donations.iter().enumerate() {
        if i > 0 {
            spans.push(Span::text("、"));
        }
        // "捐赠希望工程爱心助学资金" after "捐赠" reads once
        let title = d["title"].as_str().unwrap_or("");
        spans.push(Span::text(title.strip_prefix("捐赠").unwrap_or(title).to_string()));
        // a gift made over whole years is told with them ("（2010—2014年，5年累计）")
        if let Some(years) =
            whole_months_between(&d["start_date"], &d["end_date"]).filter(|w| w.ends_with('年') && w != "1年")
        {
            let from = d["start_date"].as_str().map(|s| &s[..4]).unwrap_or("");
            let to = d["end_date"].as_str().map(|s| &s[..4]).unwrap_or("");
            spans.push(Span::text(format!("（{from}—{to}年，")));
            spans.push(figs.span(
                &format!("donations.years.{}", id(*d)),
                &format!("{title}（年数）"),
                years,
                vec![("activities", id(*d))],
            ));
            spans.push(Span::text("累计）"));
        }
        // each gift's own money and goods, when more than one is told (one alone is the total below)
        let mut own = Vec::new();
        if let Some(fig) = approx::figure_of(FieldKind::Int, *d, "items").filter(|f| f.value > 0) {
            own.push(("items", approx::written(FieldKind::Int, fig, "台（套）")));
        }
        if donations.len() > 1 {
            if let Some(fig) = approx::figure_of(FieldKind::Money, *d, "amount").filter(|f| f.value > 0) {
                own.push(("amount", approx::written(FieldKind::Money, fig, "")));
            }
        }
        for (j, (field, text)) in own.into_iter().enumerate() {
            if j > 0 {
                spans.push(Span::text("，"));
            }
            let title = d["title"].as_str().unwrap_or("捐赠");
            spans.push(figs.span(
                &format!("donations.{field}.{}", id(*d)),
                &format!("{title}（{}）", if field == "items" { "数量" } else { "金额" }),
                text,
                vec![("activities", id(*d))],
            ));
        }
    }
    if amount.value() > 0 {
        spans.push(Span::text("，折合"));
        spans.push(figs.span(
            "donations.amount",
            "捐赠金额",
            zh::money_total(&amount),
            ids("activities", &donations),
        ));
    }
    spans.push(Span::text("，改善了受援方的办学和工作条件。"));
    let mut blocks = vec![para(spans)];
    // the goods of each donation by kind, with quantity and value as written ("健身路径10套，每套5万元")
    let donating: Vec<&Act> = acts.iter().filter(|a| a.kind == Some("donation")).collect();
    let mut told = Vec::new();
    for (_, goods) in of_activities(pool, "activity_items", &donating) {
        for g in goods {
            let category = label("activity_items", "category", g["category"].as_str().unwrap_or(""));
            let name = g["name"].as_str().unwrap_or("").to_string();
            let unit = g["unit"].as_str().unwrap_or("");
            let mut text = name;
            if let Some(q) = approx::figure_of(FieldKind::Int, g, "quantity") {
                text.push_str(&approx::written(FieldKind::Int, q, unit));
            }
            if let Some(u) = approx::figure_of(FieldKind::Money, g, "unit_value") {
                text.push_str(&format!(
                    "，每{}{}",
                    if unit.is_empty() { "件" } else { unit },
                    zh::money_total(&[u].into_iter().collect())
                ));
            }
            let mut part = vec![Span::text(format!("{category}："))];
            match approx::figure_of(FieldKind::Money, g, "value") {
                Some(v) => {
                    part.push(Span::text(if text.is_empty() {
                        "价值".to_string()
                    } else {
                        format!("{text}，价值")
                    }));
                    part.push(figs.span(
                        &format!("donations.item.{}", id(g)),
                        &format!("捐赠{category}"),
                        zh::money_total(&[v].into_iter().collect()),
                        ids("activity_items", &[g]),
                    ));
                }
                None => part.push(Span::text(text)),
            }
            told.push(part);
        }
    }
    if !told.is_empty() {
        let mut spans = joined("捐赠物资按类别：", told, "；");
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }
    blocks
}

/// 落实受援方需求: the needs raised in the period.
fn needs(pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let needs = pool.in_period("needs");
    if needs.is_empty() {
        return Vec::new();
    }
    let met: Vec<&Rec> = needs.iter().copied().filter(|n| n["status"] == "met").collect();
    let going: Vec<&Rec> = needs.iter().copied().filter(|n| n["status"] == "in_progress").collect();
    vec![para(vec![
        Span::text("受援方提出需求"),
        figs.span(
            "needs.count",
            "受援方需求",
            format!("{}项", needs.len()),
            ids("needs", &needs),
        ),
        Span::text("，已满足"),
        figs.span(
            "needs.met",
            "已满足需求",
            format!("{}项", met.len()),
            ids("needs", &met),
        ),
        Span::text("，正在落实"),
        figs.span(
            "needs.in_progress",
            "落实中需求",
            format!("{}项", going.len()),
            ids("needs", &going),
        ),
        Span::text("。"),
    ])]
}

/// 主要做法与经验: the practices users wrote down.
fn highlights(pool: &Pool) -> Vec<Block> {
    let items: Vec<String> = pool
        .in_period("notes")
        .into_iter()
        .filter(|n| n["kind"] == "highlight")
        .filter_map(|n| n["text"].as_str().map(str::to_string))
        .collect();
    if items.is_empty() {
        Vec::new()
    } else {
        vec![Block::List { items }]
    }
}

/// The kinds of fact the receiving side confirms, as the summary names them.
const CONFIRMED_KINDS: &[&str] = &[
    "dispatches",
    "activities",
    "funds",
    "project_groups",
    "project_group_shares",
    "projects",
    "project_funding",
    "transactions",
    "outputs",
    "stints",
];

/// The money a fact states, if any.
fn amount_of(entity: &str, r: &Rec) -> Money {
    match entity {
        "projects" => money(&r["total_investment"]),
        "project_groups" => Some(money(&r["aid_amount"]))
            .filter(|m| m.fen() > 0)
            .unwrap_or_else(|| money(&r["total_investment"])),
        "project_funding" | "transactions" | "activities" | "funds" => money(&r["amount"]),
        "project_group_shares" => money(&r["aid_amount"]),
        _ => Money::default(),
    }
}

/// A fact's money as recorded, with its qualifier and range ("1.5多亿元"), if it states any.
fn amount_written(entity: &str, r: &Rec) -> Option<String> {
    let field = match entity {
        "projects" => "total_investment",
        "project_groups" if money(&r["aid_amount"]).fen() > 0 => "aid_amount",
        "project_groups" => "total_investment",
        "project_group_shares" => "aid_amount",
        "project_funding" | "transactions" | "activities" | "funds" => "amount",
        _ => return None,
    };
    approx::figure_of(FieldKind::Money, r, field)
        .filter(|f| f.value > 0)
        .map(|f| approx::written(FieldKind::Money, f, "元"))
}

/// How many of a figure's records per kind are looked at for names in the appendix.
const NAMED: usize = 20;

/// What a person knows each record of the figures' appendix by, in a few words: its name or title; the person for
/// a dispatch or a stay; the project for money and outputs; else its date. Only the first [`NAMED`] records of each
/// kind in each figure are named, each kind read once.
fn record_names<'a>(pool: &Pool<'a>, figures: &[Figure]) -> HashMap<(&'static str, i64), String> {
    let mut wanted: BTreeMap<&'static str, HashSet<i64>> = BTreeMap::new();
    for f in figures {
        let mut per: BTreeMap<&'static str, usize> = BTreeMap::new();
        for (e, i) in &f.records {
            let n = per.entry(e).or_default();
            if *n < NAMED {
                wanted.entry(e).or_default().insert(*i);
                *n += 1;
            }
        }
    }
    let mut dispatch_person: HashMap<i64, i64> = HashMap::new();
    let mut person_name: HashMap<i64, &str> = HashMap::new();
    if wanted.contains_key("dispatches") || wanted.contains_key("stints") {
        for d in pool.all("dispatches") {
            if let Some(p) = d["person_id"].as_i64() {
                dispatch_person.insert(id(d), p);
            }
        }
        for p in pool.all("people") {
            if let Some(n) = p["name"].as_str() {
                person_name.insert(id(p), n);
            }
        }
    }
    let person = |dispatch: &Value| {
        dispatch
            .as_i64()
            .and_then(|d| dispatch_person.get(&d))
            .and_then(|p| person_name.get(p))
            .map(|n| n.to_string())
    };
    let text = |v: &Value| v.as_str().map(str::to_string);
    let mut out = HashMap::new();
    if let Some(ids) = wanted.get("pairings") {
        for b in &pool.input.pairings {
            let pid = b.pairing["id"].as_i64().unwrap_or(0);
            if ids.contains(&pid) {
                let side = |o: &Value| o["name"].as_str().unwrap_or("").to_string();
                out.insert(
                    ("pairings", pid),
                    format!("{}→{}", side(&b.supporter), side(&b.receiver)),
                );
            }
        }
    }
    if let Some(ids) = wanted.get("unit_tasks") {
        for t in pool.input.tasks.iter().filter(|t| ids.contains(&t.id)) {
            out.insert(("unit_tasks", t.id), format!("{}“{}”", t.org, t.title));
        }
    }
    for (e, ids) in &wanted {
        for r in pool.all(e).into_iter().filter(|r| ids.contains(&id(r))) {
            let named = text(&r["name"]).or_else(|| text(&r["title"])).or_else(|| match *e {
                "dispatches" => person(&r["id"]),
                "stints" => person(&r["dispatch_id"]),
                "project_funding" | "transactions" | "outputs" => pool
                    .projects
                    .get(&r["project_id"].as_i64().unwrap_or(0))
                    .and_then(|p| text(&p["name"])),
                _ => None,
            });
            let date = ["start_date", "date", "as_of", "start_on", "period"]
                .iter()
                .find_map(|f| text(&r[*f]));
            let name = match (named, date) {
                (Some(n), Some(d)) if matches!(*e, "stints" | "transactions") => format!("{n}（{d}）"),
                (Some(n), _) => n,
                (None, Some(d)) => d,
                (None, None) => String::new(),
            };
            out.insert((*e, id(r)), name);
        }
    }
    out
}

/// What a fact is, in words, and how much it states ("援建项目“某中学”", "总投资2600万元").
fn describe(pool: &Pool, entity: &str, r: &Rec) -> (String, Option<String>) {
    let project = || {
        pool.projects
            .get(&r["project_id"].as_i64().unwrap_or(0))
            .and_then(|p| p["name"].as_str())
            .map(|n| format!("“{n}”"))
            .unwrap_or_default()
    };
    let name = r["name"].as_str().or_else(|| r["title"].as_str()).unwrap_or("");
    let what = match entity {
        "project_funding" => format!(
            "项目{}的{}",
            project(),
            label("project_funding", "source", r["source"].as_str().unwrap_or(""))
        ),
        "transactions" => format!(
            "项目{}的{}（{}）",
            project(),
            label("transactions", "kind", r["kind"].as_str().unwrap_or("")),
            r["date"].as_str().unwrap_or("")
        ),
        "project_group_shares" => {
            let plan = pool
                .all("project_groups")
                .into_iter()
                .find(|g| g["id"] == r["group_id"])
                .and_then(|g| g["name"].as_str())
                .unwrap_or("");
            format!(
                "援建计划“{plan}”中{}类的援助资金",
                label("project_group_shares", "category", r["category"].as_str().unwrap_or(""))
            )
        }
        "dispatches" => {
            let person = pool
                .all("people")
                .into_iter()
                .find(|p| p["id"] == r["person_id"])
                .and_then(|p| p["name"].as_str())
                .unwrap_or("");
            format!(
                "{}{person}的援派",
                label("dispatches", "role", r["role"].as_str().unwrap_or(""))
            )
        }
        _ => format!("{}“{name}”", schema::entity(entity).map(|d| d.label).unwrap_or(entity)),
    };
    let how_much = if let Some(m) = amount_written(entity, r) {
        Some(m)
    } else if let Some(n) = r["person_times"].as_i64().filter(|n| *n > 0) {
        Some(format!("{n}人次"))
    } else if let Some(n) = r["hours"].as_i64().filter(|n| *n > 0) {
        Some(format!("{n}课时"))
    } else if entity == "outputs" {
        Some(format!(
            "竣工{}{}",
            qty(&r["completed"]),
            r["unit"].as_str().unwrap_or("")
        ))
    } else {
        None
    };
    (what, how_much)
}

/// "另有待受援方确认的…": the pending facts of the period, left out of the totals above and stated apart. Their
/// money is told kind by kind, never added across kinds: a project's total investment, its funding and its
/// payments are the same money seen three ways, as a plan and its shares are.
fn pending(pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut parts: Vec<Vec<Span>> = Vec::new();
    for entity in CONFIRMED_KINDS {
        let v = pool.standing_in_period(entity, Standing::Pending);
        if v.is_empty() {
            continue;
        }
        let entity: &'static str = entity;
        let refs = ids(entity, &v);
        let mut total = Money::default();
        for r in &v {
            total = total.saturating_add(amount_of(entity, r));
        }
        let (what, value) = match entity {
            "dispatches" => {
                let persons: BTreeSet<i64> = v.iter().filter_map(|d| d["person_id"].as_i64()).collect();
                ("援派人员".to_string(), format!("{}名", persons.len()))
            }
            _ => (
                schema::entity(entity).map(|d| d.label).unwrap_or(entity).to_string(),
                format!("{}项", v.len()),
            ),
        };
        let mut part = vec![
            Span::text(what.clone()),
            figs.span(
                &format!("pending.{entity}"),
                &format!("待确认{what}"),
                value,
                refs.clone(),
            ),
        ];
        if total.fen() > 0 {
            part.push(Span::text("（金额"));
            part.push(figs.span(
                &format!("pending.{entity}.amount"),
                &format!("待确认{what}金额"),
                zh::money(total),
                refs,
            ));
            part.push(Span::text("）"));
        }
        parts.push(part);
    }
    if parts.is_empty() {
        return Vec::new();
    }
    let mut spans = vec![Span::text("另有待受援方确认的")];
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::text("、"));
        }
        spans.extend(p);
    }
    spans.push(Span::text("，经受援方确认前未计入以上数字。"));
    vec![para(spans)]
}

/// "另有 N 条记录未注明日期，未计入本期": the counted records a dated period cannot hold, never added silently.
fn apart(pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    const DATED: &[&str] = &[
        "agreements",
        "dispatches",
        "activities",
        "project_groups",
        "projects",
        "transactions",
        "outputs",
        "needs",
    ];
    let mut blocks = Vec::new();
    for (place, key, label, tail) in [
        (
            Place::Undated,
            "apart.undated",
            "未注明日期的记录",
            "未注明日期，未计入本期",
        ),
        (
            Place::Straddles,
            "apart.straddles",
            "跨越本期边界的记录",
            "的日期跨越本期边界（起止跨越本期，或只知年份、月份而该年、该月不全在本期内），无法确定是否属于本期，未计入本期",
        ),
    ] {
        let mut refs: Vec<(&'static str, i64)> = Vec::new();
        let mut kinds: Vec<String> = Vec::new();
        for entity in DATED {
            let v = pool.apart(entity, place);
            if !v.is_empty() {
                kinds.push(format!(
                    "{}{}条",
                    schema::entity(entity).map(|d| d.label).unwrap_or(entity),
                    v.len()
                ));
                refs.extend(ids(entity, &v));
            }
        }
        if refs.is_empty() {
            continue;
        }
        let n = refs.len();
        blocks.push(para(vec![
            Span::text("另有"),
            figs.span(key, label, format!("{n}条"), refs),
            Span::text(format!("记录（{}）{tail}。", kinds.join("、"))),
        ]));
    }
    blocks
}

/// 二、工作开展情况: one numbered sub-section per kind of work that has records in the period, then what the period
/// leaves out (facts awaiting confirmation, records it cannot hold).
fn work(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut subs: Vec<(&str, Vec<Block>)> = vec![("选派干部人才", people(input, pool, figs))];
    let (taught, acts) = activities(input, pool, figs);
    subs.push(("教学、培训与交流", taught));
    let mut money = projects(input, pool, figs);
    money.extend(funds(input, pool, figs));
    subs.push(("援建项目与资金", money));
    subs.push(("捐赠与物资支持", donations(pool, &acts, figs)));
    subs.push(("落实受援方需求", needs(pool, figs)));
    subs.push(("主要做法与经验", highlights(pool)));
    let mut blocks = Vec::new();
    let mut n = 0;
    for (title, content) in subs {
        if content.is_empty() {
            continue;
        }
        n += 1;
        blocks.push(Block::Subheading {
            text: format!("{}{title}", zh::subheading(n)),
        });
        blocks.extend(content);
    }
    if blocks.is_empty() {
        blocks.push(para(vec![Span::text("本期尚无记录的工作。")]));
    }
    if input.pending == Pending::Separate {
        blocks.extend(pending(pool, figs));
    }
    blocks.extend(apart(pool, figs));
    blocks
}

fn problems(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut items = Vec::new();
    for p in &input.pairings {
        for r in &p.results {
            if r.status == Status::Unmet {
                items.push(format!("未完成目标任务：{}。", r.text));
            } else if r.warning {
                items.push(format!("进度滞后（预警）：{}。", r.text));
            }
        }
    }
    // each disputed fact named: what, how much, which record, and the receiving side's reason
    let mut blocks = Vec::new();
    let mut disputed_items = Vec::new();
    let mut refs: Vec<(&'static str, i64)> = Vec::new();
    for entity in CONFIRMED_KINDS {
        for r in pool.standing_in_period(entity, Standing::Disputed) {
            let (what, how_much) = describe(pool, entity, r);
            let how_much = how_much.map(|m| format!("（{m}）")).unwrap_or_default();
            let reason = r["dispute_reason"]
                .as_str()
                .filter(|t| !t.trim().is_empty())
                .map(|t| format!("异议理由：{t}"))
                .unwrap_or_else(|| "未写明异议理由".into());
            disputed_items.push(format!(
                "受援方对{what}{how_much}提出异议，未计入本总结的任何数字；{reason}。"
            ));
            refs.push((entity, id(r)));
        }
    }
    if !disputed_items.is_empty() {
        blocks.push(para(vec![
            Span::text("受援方对支援方填报的"),
            figs.span(
                "confirmations.disputed",
                "有异议的记录",
                format!("{}条", disputed_items.len()),
                refs,
            ),
            Span::text("记录提出异议，尚待双方核实："),
        ]));
        blocks.push(Block::List { items: disputed_items });
    }
    let open_needs: Vec<String> = pool
        .in_period("needs")
        .into_iter()
        .filter(|n| matches!(n["status"].as_str(), Some("open") | Some("in_progress")))
        .filter_map(|n| n["title"].as_str().map(|t| format!("受援方需求“{t}”尚未满足。")))
        .collect();
    items.extend(open_needs);
    items.extend(
        pool.in_period("notes")
            .into_iter()
            .filter(|n| n["kind"] == "problem")
            .filter_map(|n| n["text"].as_str().map(str::to_string)),
    );
    if items.is_empty() && blocks.is_empty() {
        blocks.push(para(vec![Span::text(
            "本期目标任务均已完成或仍在进行中，未发现需要特别说明的问题。",
        )]));
    }
    if !items.is_empty() {
        blocks.push(Block::List { items });
    }
    blocks
}

fn plans(input: &SummaryInput, pool: &Pool) -> Vec<Block> {
    let mut items: Vec<String> = pool
        .in_period("notes")
        .into_iter()
        .filter(|n| n["kind"] == "plan")
        .filter_map(|n| n["text"].as_str().map(str::to_string))
        .collect();
    let mut seen = BTreeSet::new();
    for p in &input.pairings {
        for r in p.results.iter().filter(|r| r.status == Status::Unmet || r.warning) {
            if seen.insert(r.title.clone()) {
                items.push(format!("抓紧落实“{}”，在下一考核期内补足差距。", r.title));
            }
        }
    }
    if items.is_empty() {
        vec![para(vec![Span::text(
            "继续按照协议和年度计划推进各项工作，巩固已有成效。",
        )])]
    } else {
        vec![Block::List { items }]
    }
}

#[cfg(test)]
mod tests;
