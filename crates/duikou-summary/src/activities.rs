//! （二）教学、培训与交流: the activities of the period, their counts and their own figures.

use crate::figures::Figures;
use crate::fold::{Counted, Folded, Tally};
pub(crate) use crate::held::{Act, ActivityLot};
use crate::pool::Pool;
use crate::rec::{id, ids, label, label_of};
use crate::words::{joined, para};
use crate::{zh, Records, SummaryInput};
use chrono::Datelike;
use duikou_domain::approx::{self, Figure as Fig};
use duikou_domain::entities::ActivityKind;
use duikou_domain::record::Rec;
use duikou_domain::schema::FieldKind;
use duikou_domain::Precision;
use duikou_report::{Block, Chart, ChartKind, Series, Span};
use std::collections::HashMap;

/// （二）教学、培训与交流: the activities held within the period.
pub(crate) fn activities(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let taken = pool.activities();
    let mut blocks = Vec::new();
    if taken.others == 0 {
        return blocks;
    }
    let mut parts = teaching_parts(taken, figs);
    parts.extend(exchange_parts(taken, figs));
    if !parts.is_empty() {
        let mut spans = joined(format!("{}，", input.period_label), parts, "；");
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }
    blocks.extend(activity_counts(children_of(pool, "activity_counts"), &taken.told, figs));
    blocks.push(Block::Chart(Chart {
        title: "活动按类型".into(),
        kind: ChartKind::Bar,
        categories: taken.by_kind.keys().map(|k| label("activities", "kind", k)).collect(),
        series: vec![Series {
            name: "次数".into(),
            values: taken.by_kind.values().map(|n| *n as f64).collect(),
        }],
        unit: "次".into(),
    }));
    blocks
}

/// The activities behind a figure.
fn records(t: &Counted) -> Records {
    Records::of("activities", t.ids.clone())
}

/// What was taught: courses opened, hours taught, lectures given.
fn teaching_parts(t: &Folded, figs: &mut Figures) -> Vec<Vec<Span>> {
    let mut parts: Vec<Vec<Span>> = Vec::new();
    if t.tally(Tally::Courses).n() > 0 {
        parts.push(vec![
            Span::text("帮助开出新课和急需课程"),
            figs.span(
                "activities.courses",
                "开设课程",
                format!("{}门次", zh::tally_total(&t.tally(Tally::Courses).total)),
                records(t.tally(Tally::Courses)),
            ),
        ]);
    }
    if t.tally(Tally::Hours).n() > 0 {
        parts.push(vec![
            Span::text("直接授课"),
            figs.span(
                "activities.hours",
                "授课课时",
                format!("{}课时", zh::tally_total(&t.tally(Tally::Hours).total)),
                records(t.tally(Tally::Hours)),
            ),
        ]);
    }
    if t.tally(Tally::Lectures).n() > 0 {
        parts.push(vec![
            Span::text("举办学术讲座、专题报告"),
            figs.span(
                "activities.lectures",
                "讲座报告",
                format!("{}场", zh::tally_total(&t.tally(Tally::Lectures).total)),
                records(t.tally(Tally::Lectures)),
            ),
        ]);
    }
    parts
}

/// The exchanges: trainings held and the people trained, visits, joint research.
fn exchange_parts(t: &Folded, figs: &mut Figures) -> Vec<Vec<Span>> {
    let mut parts: Vec<Vec<Span>> = Vec::new();
    if t.tally(Tally::Trainings).n() > 0 {
        let pt = t.tally(Tally::Trainings).total;
        let ids = records(t.tally(Tally::Trainings));
        let mut s = vec![
            Span::text("开展培训"),
            figs.span(
                "activities.trainings",
                "培训期数",
                format!("{}期", t.tally(Tally::Trainings).n()),
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
    if t.tally(Tally::Visits).n() > 0 {
        let pt = t.tally(Tally::Visits).total;
        let text = if pt.value() > 0 {
            format!("{}人次", zh::tally_total(&pt))
        } else {
            format!("{}次", t.tally(Tally::Visits).n())
        };
        parts.push(vec![
            Span::text("双方互访"),
            figs.span("activities.visits", "互访", text, records(t.tally(Tally::Visits))),
        ]);
    }
    if t.tally(Tally::Research).n() > 0 {
        parts.push(vec![
            Span::text("联合开展科研合作"),
            figs.span(
                "activities.research",
                "科研合作",
                format!("{}项", t.tally(Tally::Research).n()),
                records(t.tally(Tally::Research)),
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
pub(crate) fn own_counts(a: &Act) -> impl Iterator<Item = (&'static str, &'static str, FieldKind, Fig, &'static str)> {
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

/// Each activity's figures told with the activity: its counts in their own units ("“农牧民转移就业培训”：学员900人")
/// and its own 人次, 场次, 课时, 金额 ("“申报课题”：金额20万元"). Counts of different things and units are never added
/// together.
fn activity_counts(mut counts: HashMap<i64, Vec<&Rec>>, told: &ActivityLot, figs: &mut Figures) -> Vec<Block> {
    let mut items = Vec::new();
    for a in told.iter() {
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
