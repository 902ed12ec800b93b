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
use std::collections::{BTreeMap, HashMap, HashSet};

/// （二）教学、培训与交流: the activities held within the period; also hands back the activities read, donations among
/// them.
pub(crate) fn activities<'a>(input: &SummaryInput, pool: &Pool<'a>, figs: &mut Figures) -> (Vec<Block>, Vec<Act<'a>>) {
    // the many activities read once into their figures, then counted over and over
    let acts: Vec<Act> = pool.activities_in_period();
    let non_donation: Vec<&Act> = acts.iter().filter(|a| a.kind() != ActivityKind::Donation).collect();
    let mut blocks = Vec::new();
    if non_donation.is_empty() {
        return (blocks, acts);
    }
    let mut parts = teaching_parts(&non_donation, figs);
    parts.extend(exchange_parts(&non_donation, figs));
    if !parts.is_empty() {
        let mut spans = joined(format!("{}，", input.period_label), parts, "；");
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }
    blocks.extend(activity_counts(pool, &non_donation, figs));
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for a in &acts {
        *by_kind.entry(a.kind().code().to_string()).or_default() += 1;
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
    (blocks, acts)
}

/// The sum of one figure over activities.
fn sum_of(v: &[&Act], f: fn(&Act) -> Fig) -> Total {
    v.iter().map(|a| f(a)).collect::<Total>()
}

/// The activities as the records behind a figure.
fn act_ids(v: &[&Act]) -> Vec<(&'static str, i64)> {
    v.iter().map(|a| ("activities", a.id())).collect::<Vec<_>>()
}

/// What was taught: courses opened, hours taught, lectures given.
fn teaching_parts(non_donation: &[&Act], figs: &mut Figures) -> Vec<Vec<Span>> {
    let with = |f: fn(&Act) -> Fig| {
        non_donation
            .iter()
            .copied()
            .filter(|a| f(a).value > 0)
            .collect::<Vec<&Act>>()
    };
    let mut parts: Vec<Vec<Span>> = Vec::new();
    let courses = with(|a| a.courses());
    if !courses.is_empty() {
        parts.push(vec![
            Span::text("帮助开出新课和急需课程"),
            figs.span(
                "activities.courses",
                "开设课程",
                format!("{}门次", zh::tally_total(&sum_of(&courses, |a| a.courses()))),
                act_ids(&courses),
            ),
        ]);
    }
    let hours = with(|a| a.hours());
    if !hours.is_empty() {
        parts.push(vec![
            Span::text("直接授课"),
            figs.span(
                "activities.hours",
                "授课课时",
                format!("{}课时", zh::tally_total(&sum_of(&hours, |a| a.hours()))),
                act_ids(&hours),
            ),
        ]);
    }
    let lectures: Vec<&Act> = with(|a| a.sessions())
        .into_iter()
        .filter(|a| a.kind() == ActivityKind::Lecture)
        .collect();
    if !lectures.is_empty() {
        parts.push(vec![
            Span::text("举办学术讲座、专题报告"),
            figs.span(
                "activities.lectures",
                "讲座报告",
                format!("{}场", zh::tally_total(&sum_of(&lectures, |a| a.sessions()))),
                act_ids(&lectures),
            ),
        ]);
    }
    parts
}

/// The exchanges: trainings held and the people trained, visits, joint research.
fn exchange_parts(non_donation: &[&Act], figs: &mut Figures) -> Vec<Vec<Span>> {
    let mut parts: Vec<Vec<Span>> = Vec::new();
    let trainings: Vec<&Act> = non_donation
        .iter()
        .copied()
        .filter(|a| a.kind() == ActivityKind::Training)
        .collect();
    if !trainings.is_empty() {
        let pt = sum_of(&trainings, |a| a.person_times());
        let mut s = vec![
            Span::text("开展培训"),
            figs.span(
                "activities.trainings",
                "培训期数",
                format!("{}期", trainings.len()),
                act_ids(&trainings),
            ),
        ];
        if pt.value() > 0 {
            s.push(Span::text("，培训各类人员"));
            s.push(figs.span(
                "activities.training_person_times",
                "培训人次",
                format!("{}人次", zh::tally_total(&pt)),
                act_ids(&trainings),
            ));
        }
        parts.push(s);
    }
    let visits: Vec<&Act> = non_donation
        .iter()
        .copied()
        .filter(|a| a.kind() == ActivityKind::Visit)
        .collect();
    if !visits.is_empty() {
        let pt = sum_of(&visits, |a| a.person_times());
        let text = if pt.value() > 0 {
            format!("{}人次", zh::tally_total(&pt))
        } else {
            format!("{}次", visits.len())
        };
        parts.push(vec![
            Span::text("双方互访"),
            figs.span("activities.visits", "互访", text, act_ids(&visits)),
        ]);
    }
    let research: Vec<&Act> = non_donation
        .iter()
        .copied()
        .filter(|a| a.kind() == ActivityKind::Research)
        .collect();
    if !research.is_empty() {
        parts.push(vec![
            Span::text("联合开展科研合作"),
            figs.span(
                "activities.research",
                "科研合作",
                format!("{}项", research.len()),
                act_ids(&research),
            ),
        ]);
    }
    parts
}

/// The counted child records of `entity` (活动计数, 捐赠物资) of these activities, by activity.
pub(crate) fn of_activities<'a>(pool: &Pool<'a>, entity: &str, acts: &[&Act]) -> Vec<(i64, Vec<&'a Rec>)> {
    let mut by: BTreeMap<i64, Vec<&Rec>> = BTreeMap::new();
    for r in pool.all(entity).into_iter().filter(|r| pool.counts(r)) {
        by.entry(r["activity_id"].as_i64().unwrap_or(0)).or_default().push(r);
    }
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

/// Each activity's figures told with the activity: its counts in their own units ("“农牧民转移就业培训”：学员900人")
/// and its own 人次, 场次, 课时, 金额 ("“申报课题”：金额20万元"). Counts of different things and units are never added
/// together.
pub(crate) fn activity_counts(pool: &Pool, acts: &[&Act], figs: &mut Figures) -> Vec<Block> {
    let mut counts: HashMap<i64, Vec<&Rec>> = of_activities(pool, "activity_counts", acts).into_iter().collect();
    // the activities told for their own figures alone: the largest by money, then by person-times
    let mut alone: Vec<&Act> = acts
        .iter()
        .copied()
        .filter(|a| !counts.contains_key(&a.id()) && own_counts(a).next().is_some())
        .collect();
    alone.sort_by_key(|a| {
        let amount = a.amount_figure().map_or(0, |f| f.value);
        std::cmp::Reverse((amount, a.person_times().value))
    });
    let alone: HashSet<i64> = alone.iter().take(ACTIVITIES_TOLD).map(|a| a.id()).collect();
    let mut items = Vec::new();
    for a in acts {
        let mine = counts.remove(&a.id()).unwrap_or_default();
        if mine.is_empty() && !alone.contains(&a.id()) {
            continue;
        }
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
