//! （二）教学、培训与交流: the activities of the period, their counts and their own figures.

use crate::figures::Figures;
pub(crate) use crate::held::Act;
use crate::pool::Pool;
use crate::rec::{id, ids, label, label_of};
use crate::words::{joined, para};
use crate::{zh, SummaryInput};
use chrono::Datelike;
use duikou_domain::approx::{self, Figure as Fig, Total};
use duikou_domain::entities::{ActivityKind, Coded};
use duikou_domain::record::Rec;
use duikou_domain::schema::FieldKind;
use duikou_domain::Precision;
use duikou_report::{Block, Chart, ChartKind, Series, Span};
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

/// One figure over the activities: its sum, how many there are, and the records behind it.
struct Tallied {
    total: Total,
    n: usize,
    ids: Vec<(&'static str, i64)>,
}

impl Tallied {
    fn new() -> Tallied {
        Tallied {
            total: Total::new(),
            n: 0,
            ids: Vec::new(),
        }
    }

    /// Counts one more activity, adding `f` of it.
    fn add(&mut self, a: &Act, f: Fig) {
        self.total.add(f);
        self.n += 1;
        self.ids.push(("activities", a.id()));
    }
}

/// The activities' figures, each made in one pass over them: a program's term holds millions, which are never
/// gathered into lists of their own.
struct Tallies<'a> {
    courses: Tallied,
    hours: Tallied,
    lectures: Tallied,
    /// Trainings, with their 人次.
    trainings: Tallied,
    /// Visits, with their 人次.
    visits: Tallied,
    research: Tallied,
    /// How many activities of each kind (donations too).
    by_kind: BTreeMap<&'static str, usize>,
    /// The donations, told in their own part.
    gifts: Vec<Act<'a>>,
    /// The activities told one by one ([`activity_counts`]), with their place among those that are not donations.
    told: Told<'a>,
}

/// （二）教学、培训与交流: the activities held within the period; also hands back the donations among them.
pub(crate) fn activities<'a>(input: &SummaryInput, pool: &Pool<'a>, figs: &mut Figures) -> (Vec<Block>, Vec<Act<'a>>) {
    let counts = children_of(pool, "activity_counts");
    let mut t = Tallies {
        courses: Tallied::new(),
        hours: Tallied::new(),
        lectures: Tallied::new(),
        trainings: Tallied::new(),
        visits: Tallied::new(),
        research: Tallied::new(),
        by_kind: BTreeMap::new(),
        gifts: Vec::new(),
        told: Told::default(),
    };
    let mut non_donation = 0usize;
    for a in pool.activities_in_period() {
        *t.by_kind.entry(a.kind().code()).or_default() += 1;
        if a.kind() == ActivityKind::Donation {
            t.gifts.push(a);
            continue;
        }
        let at = non_donation;
        non_donation += 1;
        for (tally, f) in [(&mut t.courses, a.courses()), (&mut t.hours, a.hours())] {
            if f.value > 0 {
                tally.add(&a, f);
            }
        }
        match a.kind() {
            ActivityKind::Lecture if a.sessions().value > 0 => t.lectures.add(&a, a.sessions()),
            ActivityKind::Training => t.trainings.add(&a, a.person_times()),
            ActivityKind::Visit => t.visits.add(&a, a.person_times()),
            ActivityKind::Research => t.research.add(&a, Fig::exact(0)),
            _ => {}
        }
        t.told.consider(at, a, counts.contains_key(&a.id()));
    }
    let mut blocks = Vec::new();
    if non_donation == 0 {
        return (blocks, t.gifts);
    }
    let mut parts = teaching_parts(&mut t, figs);
    parts.extend(exchange_parts(&mut t, figs));
    if !parts.is_empty() {
        let mut spans = joined(format!("{}，", input.period_label), parts, "；");
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }
    blocks.extend(activity_counts(counts, std::mem::take(&mut t.told), figs));
    blocks.push(Block::Chart(Chart {
        title: "活动按类型".into(),
        kind: ChartKind::Bar,
        categories: t.by_kind.keys().map(|k| label("activities", "kind", k)).collect(),
        series: vec![Series {
            name: "次数".into(),
            values: t.by_kind.values().map(|n| *n as f64).collect(),
        }],
        unit: "次".into(),
    }));
    (blocks, t.gifts)
}

/// What was taught: courses opened, hours taught, lectures given.
fn teaching_parts(t: &mut Tallies, figs: &mut Figures) -> Vec<Vec<Span>> {
    let mut parts: Vec<Vec<Span>> = Vec::new();
    if t.courses.n > 0 {
        parts.push(vec![
            Span::text("帮助开出新课和急需课程"),
            figs.span(
                "activities.courses",
                "开设课程",
                format!("{}门次", zh::tally_total(&t.courses.total)),
                std::mem::take(&mut t.courses.ids),
            ),
        ]);
    }
    if t.hours.n > 0 {
        parts.push(vec![
            Span::text("直接授课"),
            figs.span(
                "activities.hours",
                "授课课时",
                format!("{}课时", zh::tally_total(&t.hours.total)),
                std::mem::take(&mut t.hours.ids),
            ),
        ]);
    }
    if t.lectures.n > 0 {
        parts.push(vec![
            Span::text("举办学术讲座、专题报告"),
            figs.span(
                "activities.lectures",
                "讲座报告",
                format!("{}场", zh::tally_total(&t.lectures.total)),
                std::mem::take(&mut t.lectures.ids),
            ),
        ]);
    }
    parts
}

/// The exchanges: trainings held and the people trained, visits, joint research.
fn exchange_parts(t: &mut Tallies, figs: &mut Figures) -> Vec<Vec<Span>> {
    let mut parts: Vec<Vec<Span>> = Vec::new();
    if t.trainings.n > 0 {
        let pt = t.trainings.total;
        let ids = std::mem::take(&mut t.trainings.ids);
        let mut s = vec![
            Span::text("开展培训"),
            figs.span(
                "activities.trainings",
                "培训期数",
                format!("{}期", t.trainings.n),
                ids.clone(),
            ),
        ];
        if pt.value() > 0 {
            s.push(Span::text("，培训各类人员"));
            s.push(figs.span(
                "activities.training_person_times",
                "培训人次",
                format!("{}人次", zh::tally_total(&pt)),
                ids,
            ));
        }
        parts.push(s);
    }
    if t.visits.n > 0 {
        let pt = t.visits.total;
        let text = if pt.value() > 0 {
            format!("{}人次", zh::tally_total(&pt))
        } else {
            format!("{}次", t.visits.n)
        };
        parts.push(vec![
            Span::text("双方互访"),
            figs.span("activities.visits", "互访", text, std::mem::take(&mut t.visits.ids)),
        ]);
    }
    if t.research.n > 0 {
        parts.push(vec![
            Span::text("联合开展科研合作"),
            figs.span(
                "activities.research",
                "科研合作",
                format!("{}项", t.research.n),
                std::mem::take(&mut t.research.ids),
            ),
        ]);
    }
    parts
}

/// The counted child records of `entity` (活动计数, 捐赠物资) of these activities, by activity.
pub(crate) fn of_activities<'a>(pool: &Pool<'a>, entity: &str, acts: &[&Act]) -> Vec<(i64, Vec<&'a Rec>)> {
    let mut by = children_of(pool, entity);
    acts.iter()
        .filter_map(|a| by.remove(&a.id()).map(|v| (a.id(), v)))
        .collect()
}

/// At most this many activities are told one by one for their own figures alone (those with counts in their own
/// units are always told): a program's summary of thousands of activities names the largest.
const ACTIVITIES_TOLD: usize = 30;

/// The unit an activity's sessions are told in: 场 for a lecture, meeting, training or event, 次 for the rest
/// (检查300余次, 现场指导十多次).
fn sessions_unit(kind: ActivityKind) -> &'static str {
    use ActivityKind::{Camp, Event, Lecture, Meeting, Training};
    match kind {
        Lecture | Meeting | Training | Event | Camp => "场",
        _ => "次",
    }
}

/// An activity's own figures as recorded on it (人次, 场次, 门次, 课时, 金额), those above zero, each with its field,
/// the verb it is told with, its kind and unit. Its `items` are told only for a gift: on another activity they may
/// count anything (letters signed, kits handed out).
fn own_counts(a: &Act) -> impl Iterator<Item = (&'static str, &'static str, FieldKind, Fig, &'static str)> {
    [
        ("person_times", "参加", FieldKind::Int, Some(a.person_times()), "人次"),
        (
            "sessions",
            "开展",
            FieldKind::Int,
            Some(a.sessions()),
            sessions_unit(a.kind()),
        ),
        ("courses", "开设课程", FieldKind::Int, Some(a.courses()), "门次"),
        ("hours", "授课", FieldKind::Int, Some(a.hours()), "课时"),
        ("amount", "金额", FieldKind::Money, a.amount_figure(), ""),
    ]
    .into_iter()
    .filter_map(|(field, what, kind, fig, unit)| fig.filter(|f| f.value > 0).map(|f| (field, what, kind, f, unit)))
}

/// An activity's own figures, written.
fn own_figures(a: &Act) -> Vec<(&'static str, &'static str, String)> {
    own_counts(a)
        .map(|(field, what, kind, fig, unit)| (field, what, approx::written(kind, fig, unit)))
        .collect()
}

/// The counted child records of `entity` (活动计数, 捐赠物资) of any activity, by activity.
fn children_of<'a>(pool: &Pool<'a>, entity: &str) -> HashMap<i64, Vec<&'a Rec>> {
    let mut by: HashMap<i64, Vec<&Rec>> = HashMap::new();
    for r in pool.all(entity).into_iter().filter(|r| pool.counts(r)) {
        by.entry(r["activity_id"].as_i64().unwrap_or(0)).or_default().push(r);
    }
    by
}

/// The activities told one by one with their own figures, gathered as the activities pass: every one with counts in
/// its own units, and the [`ACTIVITIES_TOLD`] largest of the others with figures of their own (by money, then by
/// person-times; of two the same, the earlier). Each is kept with its place, to be told in the order they came.
#[derive(Default)]
struct Told<'a> {
    counted: Vec<(usize, Act<'a>)>,
    alone: Vec<(Size, usize, Act<'a>)>,
}

/// How large an activity told alone is: by money, then by person-times, the largest first.
type Size = (Reverse<i64>, Reverse<i64>);

impl<'a> Told<'a> {
    /// Looks at the activity at place `at`.
    fn consider(&mut self, at: usize, a: Act<'a>, has_counts: bool) {
        if has_counts {
            self.counted.push((at, a));
            return;
        }
        if own_counts(&a).next().is_none() {
            return;
        }
        let amount = a.amount_figure().map_or(0, |f| f.value);
        self.alone
            .push(((Reverse(amount), Reverse(a.person_times().value)), at, a));
        // the largest kept, a few more than told while they pass
        if self.alone.len() >= 4 * ACTIVITIES_TOLD {
            self.keep_largest();
        }
    }

    fn keep_largest(&mut self) {
        self.alone.sort_unstable_by_key(|(size, at, _)| (*size, *at));
        self.alone.truncate(ACTIVITIES_TOLD);
    }

    /// The activities to tell, in the order they came.
    fn in_order(mut self) -> Vec<Act<'a>> {
        self.keep_largest();
        let mut all = self.counted;
        all.extend(self.alone.into_iter().map(|(_, at, a)| (at, a)));
        all.sort_unstable_by_key(|(at, _)| *at);
        all.into_iter().map(|(_, a)| a).collect()
    }
}

/// Each activity's figures told with the activity: its counts in their own units ("“农牧民转移就业培训”：学员900人")
/// and its own 人次, 场次, 课时, 金额 ("“申报课题”：金额20万元"). Counts of different things and units are never added
/// together.
fn activity_counts(mut counts: HashMap<i64, Vec<&Rec>>, told: Told, figs: &mut Figures) -> Vec<Block> {
    let mut items = Vec::new();
    for a in told.in_order() {
        let a = &a;
        let mine = counts.remove(&a.id()).unwrap_or_default();
        let title = a.title();
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
        let days = match (Some(a.start_date()), a.end_date()) {
            (Some(s), Some(e)) if s.precision == Precision::Day && e.precision == Precision::Day => {
                let whole_month = s.first.day() == 1 && e.first.succ_opt().is_some_and(|n| n.day() == 1);
                Some((e.first - s.first).num_days() + 1).filter(|n| (2..=31).contains(n) && !whole_month)
            }
            _ => None,
        };
        if let Some(n) = days {
            spans.push(Span::text(if first { "历时" } else { "，历时" }));
            spans.push(figs.span(
                &format!("activities.days.{}", a.id()),
                &format!("{title}天数"),
                format!("{n}天"),
                vec![("activities", a.id())],
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
                &format!("activities.{field}.{}", a.id()),
                &format!("{title}{}", label_of("activities", field)),
                text,
                vec![("activities", a.id())],
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
