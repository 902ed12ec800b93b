//! The 工作总结 written from the record. Figures are computed from the records given, never typed; each figure in the
//! text carries a key into the explanation listing the records behind it.

mod activities;
mod basics;
pub mod briefing;
mod donations;
mod figures;
mod flows;
mod fold;
mod funds;
mod held;
mod indicators;
mod needs;
mod next_steps;
mod outputs;
mod pending;
mod people;
mod plans;
mod pool;
mod problems;
mod projects;
mod rec;
mod sources;
pub mod tables;
mod tasks;
mod words;
pub mod zh;

use crate::activities::activities;
use crate::basics::basics;
use crate::donations::donations;
use crate::figures::Figures;
use crate::funds::funds;
use crate::needs::{highlights, needs};
use crate::next_steps::next_steps;
use crate::pending::{apart, pending};
use crate::people::people;
use crate::pool::Pool;
use crate::problems::problems;
use crate::projects::projects;
use crate::sources::appendix;
use crate::tasks::tasks_prose;
use crate::words::para;
use chrono::NaiveDate;
use duikou_domain::engine::ObligationResult;
use duikou_domain::entities::Activity;
use duikou_domain::record::Rec;
use duikou_report::{Block, Document, Section, Span};
pub use fold::{ActivityFold, FoldRules, Folded};
pub use held::{ActivityLot, HeldTransaction};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
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
    /// Its records by entity (agreements, projects, project_funding, outputs, dispatches, stints, people,
    /// activity_counts, activity_items, needs, notes, appraisals), read generically; the typed entities are apart,
    /// below.
    pub records: HashMap<String, Vec<Rec>>,
    /// Its transactions (资金往来), as a summary holds them.
    pub transactions: Vec<HeldTransaction>,
    /// Its obligations evaluated for the period.
    pub results: Vec<ObligationResult>,
    /// Indicator values of the receiver's region or org, each with its indicator (shared by the bundles of one
    /// receiver).
    pub indicators: Arc<Vec<IndicatorValue>>,
}

/// An indicator as a summary tells it: what its values are of (shared by all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct Indicator {
    /// Its code (`aid_…` for a statistic of the aid itself).
    pub code: String,
    /// Its name ("地区生产总值").
    pub name: String,
    /// Its unit ("亿元", "%").
    pub unit: String,
}

/// An indicator value (指标值) of a receiver or of the area it lies in, with its indicator: read once, typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndicatorValue {
    /// Its id.
    pub id: i64,
    /// What it is a value of.
    pub indicator: Arc<Indicator>,
    /// The org it describes, if it is an org's own value.
    pub org_id: Option<i64>,
    /// The region it describes, if it is a region's value.
    pub region_code: Option<String>,
    /// That region's name, where the reader knows it.
    pub region_name: Option<String>,
    /// The period it is of ("2011", "2011H1", "2010-01-01..2012-12-31").
    pub period: String,
    /// What the period says of the value (`since`, `peak`, `within`, `about`), if it is not simply the period's.
    pub period_basis: Option<String>,
    /// The value with its qualifier or range; `None` where the record's value is missing or unreadable.
    pub value: Option<duikou_domain::approx::Figure>,
}

impl IndicatorValue {
    /// A value read from a record's fields (`id`, `org_id`, `region_code`, `region_name`, `period`, `period_basis`,
    /// `value` with `value_approx` and `value_upper`), of `indicator`.
    pub fn read(r: &impl duikou_domain::record::Fields, indicator: Arc<Indicator>) -> IndicatorValue {
        let text = |f: &str| r.field(f).and_then(Value::as_str).map(str::to_string);
        IndicatorValue {
            id: r.field("id").and_then(Value::as_i64).unwrap_or(0),
            indicator,
            org_id: r.field("org_id").and_then(Value::as_i64),
            region_code: text("region_code"),
            region_name: text("region_name"),
            period: text("period").unwrap_or_default(),
            period_basis: text("period_basis"),
            value: duikou_domain::approx::figure_of(duikou_domain::schema::FieldKind::Qty, r, "value"),
        }
    }

    /// The value as a number (zero where it is missing), for a table's cell or a chart.
    pub(crate) fn number(&self) -> f64 {
        duikou_domain::Qty::from_raw(self.value.map_or(0, |f| f.value)).as_f64()
    }

    /// Whether its time is simply its period (not "since", "the peak of", "some time in", "about").
    pub(crate) fn of_its_period(&self) -> bool {
        self.period_basis.as_deref().is_none_or(str::is_empty)
    }

    /// Whether it states the aid itself (投入援助资金, 援建项目数): the record's own figures say those.
    pub(crate) fn of_the_aid(&self) -> bool {
        self.indicator.code.starts_with("aid_")
    }
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
    /// The pairings' activities (活动), each pairing's in the order of [`SummaryInput::pairings`], by start date then
    /// id; those whose days may reach into the period (all of them over the whole term). The largest kind of record:
    /// a summary read by the store holds them taken as they were read ([`ActivityFold`]), by the rules of its
    /// [`Form`] (which `pending` must then be).
    pub activities: Activities,
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

/// The activities of a summary: as they were read (a test's few, in one lot), or already taken as they were read
/// ([`ActivityFold`]), which a summary of many holds instead of them.
#[derive(Debug, Clone)]
pub struct Activities(Taken);

#[derive(Debug, Clone)]
enum Taken {
    Read(ActivityLot),
    Folded(Box<Folded>),
}

impl Default for Activities {
    fn default() -> Activities {
        Activities(Taken::Read(ActivityLot::default()))
    }
}

impl Activities {
    /// The activities taken as they were read, by the rules of the summary they are for.
    pub fn folded(f: Folded) -> Activities {
        Activities(Taken::Folded(Box::new(f)))
    }

    /// The activities as the writer reads them: taken now by the rules of `input` if they are held as read.
    pub(crate) fn taken(&self, input: &SummaryInput) -> std::borrow::Cow<'_, Folded> {
        let rules = FoldRules::of(input);
        match &self.0 {
            Taken::Read(lot) => {
                let counted = rules.with_counts(
                    input
                        .pairings
                        .iter()
                        .flat_map(|p| p.records.get("activity_counts").into_iter().flatten()),
                );
                let mut fold = ActivityFold::new(rules, std::sync::Arc::new(counted));
                fold.take_lot(lot);
                std::borrow::Cow::Owned(fold.finish())
            }
            Taken::Folded(f) => {
                debug_assert!(
                    f.rules.period == rules.period
                        && f.rules.whole_term == rules.whole_term
                        && f.rules.pending == rules.pending,
                    "the activities were taken by the rules of another summary"
                );
                std::borrow::Cow::Borrowed(f)
            }
        }
    }
}

impl From<Vec<Activity>> for Activities {
    fn from(all: Vec<Activity>) -> Activities {
        let mut lot = ActivityLot::default();
        for a in all {
            lot.push(a);
        }
        Activities(Taken::Read(lot))
    }
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
    pub records: Records,
}

/// The ids of one entity's records behind a figure, in order: in 4 bytes each when every one fits (a national
/// record's do), else in 8. A figure of a program's whole term counts millions of activities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ids {
    /// Every id fits in 32 bits.
    Narrow(Arc<[u32]>),
    /// Some id does not.
    Wide(Arc<[i64]>),
}

impl Ids {
    /// How many there are.
    pub fn len(&self) -> usize {
        match self {
            Ids::Narrow(v) => v.len(),
            Ids::Wide(v) => v.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each id, in order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        let (narrow, wide) = match self {
            Ids::Narrow(v) => (Some(v.iter().map(|i| i64::from(*i))), None),
            Ids::Wide(v) => (None, Some(v.iter().copied())),
        };
        narrow.into_iter().flatten().chain(wide.into_iter().flatten())
    }
}

impl From<Vec<i64>> for Ids {
    fn from(v: Vec<i64>) -> Ids {
        match v.iter().map(|i| u32::try_from(*i)).collect::<Result<Arc<[u32]>, _>>() {
            Ok(narrow) => Ids::Narrow(narrow),
            Err(_) => Ids::Wide(Arc::from(v)),
        }
    }
}

/// The records behind a figure, `(entity, id)` in order, kept as runs of one entity's ids: a figure of a program's
/// whole term counts millions of activities. A run may be shared by the figures that count the same records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records(Vec<(&'static str, Ids)>);

impl Records {
    /// The records of one entity, in order.
    pub fn of(entity: &'static str, ids: Ids) -> Records {
        Records(if ids.is_empty() {
            Vec::new()
        } else {
            vec![(entity, ids)]
        })
    }

    /// Each record, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, i64)> + '_ {
        self.0.iter().flat_map(|(e, ids)| ids.iter().map(move |i| (*e, i)))
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.iter().map(|(_, ids)| ids.len()).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `record` is among them.
    pub fn contains(&self, record: &(&str, i64)) -> bool {
        self.0
            .iter()
            .any(|(e, ids)| *e == record.0 && ids.iter().any(|i| i == record.1))
    }

    /// These records followed by `other`'s.
    pub fn append(&mut self, other: Records) {
        self.0.extend(other.0);
    }

    /// Each record, in order, in a list.
    pub fn to_vec(&self) -> Vec<(&'static str, i64)> {
        self.iter().collect()
    }
}

impl From<Vec<(&'static str, i64)>> for Records {
    fn from(all: Vec<(&'static str, i64)>) -> Records {
        let mut runs: Vec<(&'static str, Vec<i64>)> = Vec::new();
        for (e, i) in all {
            match runs.last_mut() {
                Some((last, ids)) if *last == e => ids.push(i),
                _ => runs.push((e, vec![i])),
            }
        }
        Records(runs.into_iter().map(|(e, ids)| (e, Ids::from(ids))).collect())
    }
}

impl<const N: usize> PartialEq<[(&'static str, i64); N]> for Records {
    fn eq(&self, other: &[(&'static str, i64); N]) -> bool {
        self.len() == N && self.iter().eq(other.iter().copied())
    }
}

impl PartialEq<Vec<(&'static str, i64)>> for Records {
    fn eq(&self, other: &Vec<(&'static str, i64)>) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter().copied())
    }
}

/// As `[[entity, id], …]`, each record in order.
impl Serialize for Records {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
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

/// What is written from a summary's record: a summary whose pending facts enter as `pending` says, or a briefing.
/// Known before the record is read, which is taken for it as it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Form {
    /// How facts awaiting confirmation enter it.
    pub pending: Pending,
    /// Whether a briefing (简报) is written rather than a summary.
    pub briefing: bool,
}

/// The definitions of the measures, printed after the body (附：统计口径) so a reader takes each figure one way.
pub const DEFINITIONS: &[&str] = &[
    "项目总投资：援建项目各渠道资金之和（援助资金、中央资金、地方配套、社会资金、企业投资等），按项目立项（无立项日期的按开工日期）所在期间计入，即“新安排”时计入一次。",
    "援助资金：支援方投入项目的资金（资金构成中来源为“援助资金”的部分），与项目总投资同期计入；中央资金、地方配套、企业投资、带动投资分别列示，不计入援助资金。",
    "计划与到位：资金往来中“计划投资/承诺”按承诺日期计入计划，“拨付/到位”按拨付日期计入到位，各计一次；到位率 = 到位 ÷ 计划。项目竣工不再重复计入其资金。",
    "项目个数：新安排指本期立项（无立项日期的按开工日期）；续建指本期以前立项、本期初尚未竣工；竣工指本期内竣工。开工率 = 已开工 ÷ 项目数，竣工率 = 已竣工 ÷ 已开工。",
    "时间归属：每条记录按其自身日期计入期间；未注明日期或起止跨越本期边界的记录不计入本期数字，单独说明（全期总结除外）。",
    "约数与范围：记录中带“余、多、以上、不少于、至少”的数按下限计入，合计写作“余”；带“近、以下”的合计写作“近”；带“约、左右”或两类混合的合计写作“约”；范围按下限与上限分别相加（如“20—50人次”）。",
    "确认状态：已确认的记录作为事实陈述；待受援方确认的记录默认不计入合计、单独列示；受援方有异议的记录一律不计入，在“存在问题”中列明条数并逐条说明（超过50条时说明前50条）；捐赠超过30项时列出金额最大的30项，合计包括全部捐赠。",
];

/// Writes the summary: 一、基本情况 · 二、工作开展情况 · 三、存在问题 · 四、下一步建议, the definitions of the measures,
/// an appendix of every figure, and the figures' explanation. Refused ([`Inconsistent`]) if one measure would appear
/// with two values.
pub fn build(input: &SummaryInput) -> Result<(Document, Vec<Figure>), Inconsistent> {
    let views = pool::Views::of(input);
    let pool = Pool::new(input, &views);
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
            blocks: next_steps(input, &pool),
        },
        Section {
            heading: "附：统计口径".into(),
            blocks: DEFINITIONS.iter().map(|d| para(vec![Span::text(*d)])).collect(),
        },
    ];
    let figures = figs.check()?;
    let appendix = appendix(&pool, &figures);
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

/// A summary of at most this many pairings tells how long each runs, and its receivers' indicators in words.
pub const PAIRINGS_TIMED: usize = 20;

/// 二、工作开展情况: one numbered sub-section per kind of work that has records in the period, then what the period
/// leaves out (facts awaiting confirmation, records it cannot hold).
fn work(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut subs: Vec<(&str, Vec<Block>)> = vec![("选派干部人才", people(input, pool, figs))];
    let taught = activities(input, pool, figs);
    subs.push(("教学、培训与交流", taught));
    let mut money = projects(input, pool, figs);
    money.extend(funds(input, pool, figs));
    subs.push(("援建项目与资金", money));
    subs.push(("捐赠与物资支持", donations(pool, figs)));
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

#[cfg(test)]
mod tests;
