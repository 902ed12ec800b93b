//! The activities of a summary taken as they are read: each counted into the figures it enters once, and only the
//! few the text names one by one kept. A program's whole term holds millions of activities; a summary of it holds
//! their figures and a few hundred of them, never all.

use crate::held::{Act, ActivityLot};
use crate::pool::{Brief, Place, Standing};
use crate::{Pending, SummaryInput};
use chrono::NaiveDate;
use duikou_domain::approx::{Figure as Fig, Total};
use duikou_domain::date::{attribute, record_interval};
use duikou_domain::entities::{Activity, ActivityKind, Coded};
use duikou_domain::record::Rec;
use duikou_domain::Attribution;
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// How the activities of a summary are taken, known before any is read: the period and how it holds undated ones,
/// how pending facts count, and whether a briefing is written (it names every activity begun in its period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoldRules {
    /// The period's first and last day.
    pub period: (NaiveDate, NaiveDate),
    /// Whether the period is the whole term.
    pub whole_term: bool,
    /// How pending facts enter.
    pub pending: Pending,
    /// Whether a briefing is written from them.
    pub briefing: bool,
}

impl FoldRules {
    /// The rules of a summary's input (a briefing's too).
    pub fn of(input: &SummaryInput) -> FoldRules {
        FoldRules {
            period: input.period,
            whole_term: input.whole_term,
            pending: input.pending,
            briefing: true,
        }
    }

    /// Whether a fact that stands as `s` enters the totals: confirmed, or pending when asked to include it.
    pub(crate) fn counts_as(&self, s: Standing) -> bool {
        match s {
            Standing::Confirmed => true,
            Standing::Pending => self.pending == Pending::Include,
            Standing::Disputed => false,
        }
    }

    /// A record's place as the period takes it: over the whole term every record of the pairings belongs, dated
    /// or not.
    pub(crate) fn settle(&self, place: Place) -> Place {
        match place {
            Place::Undated | Place::Straddles if self.whole_term => Place::In,
            p => p,
        }
    }

    /// The activities that have counts of their own (活动计数) that enter the totals, of the counts given.
    pub fn with_counts<'r>(&self, counts: impl IntoIterator<Item = &'r Rec>) -> HashSet<i64> {
        counts
            .into_iter()
            .filter(|c| self.counts_as(crate::pool::standing(c)))
            .filter_map(|c| c["activity_id"].as_i64())
            .collect()
    }

    /// Where an activity falls against the period, by all the days from its start to its end, settled.
    fn place(&self, a: &Act) -> Place {
        self.settle(Place::from(attribute(
            record_interval(a.start_date(), a.end_date()),
            self.period,
        )))
    }
}

/// How many records of each figure, and of each standing and place told apart, are kept to be named: as many as the
/// appendix names of each kind in a figure.
const NAMED: usize = crate::sources::NAMED;

/// At most this many activities are told one by one for their own figures alone (those with counts in their own
/// units are always told): a program's summary of thousands of activities names the largest.
pub(crate) const ACTIVITIES_TOLD: usize = 30;

/// How many disputed activities of the period are named, each with its reason.
const DISPUTED_NAMED: usize = crate::pool::NAMED_APART;

/// One figure over the activities: its sum, how many there are, and the activities behind it.
#[derive(Debug, Clone, Default)]
struct Tallied {
    total: Total,
    ids: Vec<i64>,
}

/// One figure over the activities taken: its sum and the activities behind it, to be shared by the figures that
/// count them.
#[derive(Debug, Clone)]
pub(crate) struct Counted {
    pub(crate) total: Total,
    pub(crate) ids: crate::Ids,
}

impl Counted {
    /// How many activities it counts.
    pub(crate) fn n(&self) -> usize {
        self.ids.len()
    }
}

impl Tallied {
    fn then(&mut self, o: Tallied) {
        self.total.merge(o.total);
        self.ids.extend(o.ids);
    }
}

/// The activities' figures: 门次, 课时, 讲座, 培训 (with 人次), 互访 (with 人次), 科研.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tally {
    Courses = 0,
    Hours,
    Lectures,
    Trainings,
    Visits,
    Research,
}

const TALLIES: usize = 6;

/// How large an activity told alone is: by money, then by person-times, the largest first.
type Size = (Reverse<i64>, Reverse<i64>);

/// The activities of a summary taken one by one in their order (each pairing's by start date, then id, the
/// pairings in the summary's order). Read in lots, each lot may be taken by a fold of its own and the folds joined
/// in the lots' order ([`ActivityFold::then`]): the same as one fold over them all.
#[derive(Debug, Clone)]
pub struct ActivityFold {
    rules: FoldRules,
    /// The activities with counts of their own that enter the totals.
    with_counts: Arc<HashSet<i64>>,
    /// Those told apart, briefly.
    briefs: Vec<Brief>,
    /// How many of each standing and place told apart have been kept to be named.
    apart_named: [usize; 9],
    /// The first disputed of the period, named each with its reason.
    disputed: ActivityLot,
    tallies: [Tallied; TALLIES],
    /// How many counted activities of the period of each kind (donations too).
    by_kind: BTreeMap<&'static str, usize>,
    /// How many counted activities of the period are not donations: the place of the next.
    others: usize,
    /// The donations of the period, counted.
    gifts: ActivityLot,
    /// The activities with counts of their own, with their places among the others.
    counted: (Vec<usize>, ActivityLot),
    /// The largest of the others with figures of their own, a few more than told, with their places.
    alone: Vec<(Size, usize, Activity)>,
    /// The size of the smallest of the largest when they were last chosen: none no larger enters.
    alone_bar: Option<Size>,
    /// Activities kept to be named in the appendix: the first of each figure and of each kind told apart.
    named: ActivityLot,
    named_ids: HashSet<i64>,
    /// For a briefing, every activity begun in the period.
    started: ActivityLot,
}

impl ActivityFold {
    /// A fold that has taken nothing yet.
    pub fn new(rules: FoldRules, with_counts: Arc<HashSet<i64>>) -> ActivityFold {
        ActivityFold {
            rules,
            with_counts,
            briefs: Vec::new(),
            apart_named: [0; 9],
            disputed: ActivityLot::default(),
            tallies: Default::default(),
            by_kind: BTreeMap::new(),
            others: 0,
            gifts: ActivityLot::default(),
            counted: Default::default(),
            alone: Vec::new(),
            alone_bar: None,
            named: ActivityLot::default(),
            named_ids: HashSet::new(),
            started: ActivityLot::default(),
        }
    }

    /// Takes the activities of a lot, in its order.
    pub fn take_lot(&mut self, lot: &ActivityLot) {
        for a in lot.iter() {
            self.take(a);
        }
    }

    /// Keeps an activity to be named.
    fn name(&mut self, a: &Act) {
        if self.named_ids.insert(a.id()) {
            self.named.push(a.activity());
        }
    }

    /// Takes the next activity.
    pub(crate) fn take(&mut self, a: Act) {
        let rules = &self.rules;
        if rules.briefing && attribute(a.start_date().interval(), rules.period) == Attribution::In {
            self.started.push(a.activity());
        }
        let place = rules.place(&a);
        let standing = Standing::from(a.confirmation());
        if place == Place::Out {
            return;
        }
        if place == Place::In && rules.counts_as(standing) {
            self.count(a);
        }
        if place == Place::In && standing == Standing::Confirmed {
            return;
        }
        if place == Place::In && standing == Standing::Disputed && self.disputed.len() < DISPUTED_NAMED {
            self.disputed.push(a.activity());
        }
        // of each standing and place, the first are named
        let class = standing as usize * 3
            + match place {
                Place::In => 0,
                Place::Undated => 1,
                _ => 2,
            };
        if self.apart_named[class] < NAMED {
            self.apart_named[class] += 1;
            self.name(&a);
        }
        self.briefs.push(Brief {
            id: a.id(),
            standing,
            place,
            amount: a.amount(),
        });
    }

    /// Counts an activity of the period into the figures.
    fn count(&mut self, a: Act) {
        *self.by_kind.entry(a.kind().code()).or_default() += 1;
        if a.kind() == ActivityKind::Donation {
            self.gifts.push(a.activity());
            return;
        }
        let at = self.others;
        self.others += 1;
        let add = |t: Tally, f: Fig, fold: &mut ActivityFold| {
            let tally = &mut fold.tallies[t as usize];
            tally.total.add(f);
            tally.ids.push(a.id());
            if tally.ids.len() <= NAMED {
                fold.name(&a);
            }
        };
        for (t, f) in [(Tally::Courses, a.courses()), (Tally::Hours, a.hours())] {
            if f.value > 0 {
                add(t, f, self);
            }
        }
        match a.kind() {
            ActivityKind::Lecture if a.sessions().value > 0 => add(Tally::Lectures, a.sessions(), self),
            ActivityKind::Training => add(Tally::Trainings, a.person_times(), self),
            ActivityKind::Visit => add(Tally::Visits, a.person_times(), self),
            ActivityKind::Research => add(Tally::Research, Fig::exact(0), self),
            _ => {}
        }
        if self.with_counts.contains(&a.id()) {
            self.counted.0.push(at);
            self.counted.1.push(a.activity());
            return;
        }
        if crate::activities::own_counts(&a).next().is_none() {
            return;
        }
        let amount = a.amount_figure().map_or(0, |f| f.value);
        let size = (Reverse(amount), Reverse(a.person_times().value));
        // once the largest were chosen, one no larger than the smallest of them (and later) never enters
        if self.alone_bar.is_some_and(|bar| size >= bar) {
            return;
        }
        self.alone.push((size, at, a.activity()));
        if self.alone.len() >= 4 * ACTIVITIES_TOLD {
            self.keep_largest();
        }
    }

    fn keep_largest(&mut self) {
        self.alone.sort_unstable_by_key(|(size, at, _)| (*size, *at));
        self.alone.truncate(ACTIVITIES_TOLD);
        self.alone_bar = (self.alone.len() == ACTIVITIES_TOLD).then(|| self.alone[ACTIVITIES_TOLD - 1].0);
    }

    /// Takes, after what this fold has taken, what `next` has (a fold of the lot that follows).
    pub fn then(&mut self, next: ActivityFold) {
        let base = self.others;
        self.briefs.extend(next.briefs);
        for a in next.disputed.iter() {
            if self.disputed.len() < DISPUTED_NAMED {
                self.disputed.push(a.activity());
            }
        }
        for (t, o) in self.tallies.iter_mut().zip(next.tallies) {
            t.then(o);
        }
        for (k, n) in next.by_kind {
            *self.by_kind.entry(k).or_default() += n;
        }
        self.others += next.others;
        self.gifts.append(&next.gifts);
        self.counted.0.extend(next.counted.0.iter().map(|at| at + base));
        self.counted.1.append(&next.counted.1);
        self.alone
            .extend(next.alone.into_iter().map(|(size, at, a)| (size, at + base, a)));
        self.keep_largest();
        for a in next.named.iter() {
            if self.named_ids.insert(a.id()) {
                self.named.push(a.activity());
            }
        }
        self.started.append(&next.started);
    }

    /// What the writer reads of the activities taken.
    pub fn finish(mut self) -> Folded {
        self.keep_largest();
        let mut told: Vec<(usize, Activity)> = self
            .counted
            .0
            .into_iter()
            .zip(self.counted.1.iter().map(|a| a.activity()))
            .collect();
        told.extend(self.alone.into_iter().map(|(_, at, a)| (at, a)));
        told.sort_unstable_by_key(|(at, _)| *at);
        let mut told_lot = ActivityLot::default();
        for (_, a) in told {
            told_lot.push(a);
        }
        Folded {
            rules: self.rules,
            briefs: self.briefs,
            disputed: self.disputed,
            tallies: self.tallies.map(|t| Counted {
                total: t.total,
                ids: t.ids.into(),
            }),
            by_kind: self.by_kind,
            others: self.others,
            gifts: self.gifts,
            told: told_lot,
            named: self.named,
            started: self.started,
        }
    }
}

/// The activities of a summary as the writer reads them, taken ([`ActivityFold`]).
#[derive(Debug, Clone)]
pub struct Folded {
    pub(crate) rules: FoldRules,
    /// Those told apart (awaiting confirmation, disputed, across the period's edge), briefly, in order.
    pub(crate) briefs: Vec<Brief>,
    /// The first disputed of the period.
    pub(crate) disputed: ActivityLot,
    pub(crate) tallies: [Counted; TALLIES],
    /// How many counted activities of the period of each kind.
    pub(crate) by_kind: BTreeMap<&'static str, usize>,
    /// How many counted activities of the period are not donations.
    pub(crate) others: usize,
    /// The donations of the period, counted, in order.
    pub(crate) gifts: ActivityLot,
    /// The activities told one by one with their own figures, in order.
    pub(crate) told: ActivityLot,
    /// Others kept to be named.
    named: ActivityLot,
    /// For a briefing, every activity begun in the period, in order.
    pub(crate) started: ActivityLot,
}

impl Folded {
    /// A figure's tally.
    pub(crate) fn tally(&self, t: Tally) -> &Counted {
        &self.tallies[t as usize]
    }

    /// The activities kept whose ids are among `ids`, as records (each once).
    pub(crate) fn find(&self, ids: &HashSet<i64>) -> Vec<Activity> {
        let mut seen = HashSet::new();
        [&self.named, &self.disputed, &self.gifts, &self.told, &self.started]
            .into_iter()
            .flat_map(ActivityLot::iter)
            .filter(|a| ids.contains(&a.id()) && seen.insert(a.id()))
            .map(|a| a.activity())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An activity of many kinds, standings, dates and sizes, made from its number.
    fn activity(i: usize) -> Activity {
        let kinds = [
            "training", "lecture", "visit", "research", "donation", "teaching", "meeting",
        ];
        let standing = ["confirmed", "confirmed", "confirmed", "pending", "disputed"][i % 5];
        let start = [
            "2024-03-02",
            "2023-12-30",
            "2024",
            "2024-06",
            "2025-01-01",
            "2024-10-09",
        ][i % 6];
        let mut a = serde_json::json!({
            "id": i + 1, "version": 1, "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-02T03:04:05Z",
            "pairing_id": 1 + i / 40, "kind": kinds[i % kinds.len()], "title": format!("活动{i}"),
            "start_date": start, "confirmation": standing,
        });
        if i % 6 == 1 {
            a["end_date"] = "2024-01-03".into();
        }
        if i.is_multiple_of(2) {
            a["person_times"] = ((i * 37) % 500).into();
        }
        if i.is_multiple_of(3) {
            a["hours"] = ((i * 7) % 40).into();
            a["courses"] = (i % 4).into();
        }
        if i.is_multiple_of(4) {
            a["amount"] = format!("{}", (i * 13) % 90).into();
            a["sessions"] = (i % 9).into();
        }
        if standing == "disputed" {
            a["dispute_reason"] = "不符".into();
        }
        Activity::from_json(&a).unwrap()
    }

    /// What a fold keeps, each part by its activities' ids.
    fn outline(f: &Folded) -> String {
        let ids = |l: &ActivityLot| l.iter().map(|a| a.id()).collect::<Vec<_>>();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{}\n{:?}\n{:?}\n{:?}\n{:?}",
            f.briefs
                .iter()
                .map(|b| (b.id, b.standing, b.place, b.amount))
                .collect::<Vec<_>>(),
            ids(&f.disputed),
            f.tallies.iter().map(|t| (t.total, &t.ids)).collect::<Vec<_>>(),
            f.by_kind,
            f.others,
            ids(&f.gifts),
            ids(&f.told),
            ids(&f.started),
            {
                let mut named = ids(&f.named);
                named.sort_unstable();
                named
            },
        )
    }

    #[test]
    fn activities_taken_in_lots_and_joined_are_taken_as_one() {
        let all: Vec<Activity> = (0..2000).map(activity).collect();
        for pending in [Pending::Separate, Pending::Include] {
            for whole_term in [false, true] {
                let rules = FoldRules {
                    period: (
                        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
                    ),
                    whole_term,
                    pending,
                    briefing: true,
                };
                let with_counts = Arc::new((1..2000).step_by(97).collect::<HashSet<i64>>());
                let mut one = ActivityFold::new(rules.clone(), with_counts.clone());
                let mut lot = ActivityLot::default();
                all.iter().cloned().for_each(|a| lot.push(a));
                one.take_lot(&lot);
                let mut joined = ActivityFold::new(rules.clone(), with_counts.clone());
                for part in all.chunks(173) {
                    let mut lot = ActivityLot::default();
                    part.iter().cloned().for_each(|a| lot.push(a));
                    let mut fold = ActivityFold::new(rules.clone(), with_counts.clone());
                    fold.take_lot(&lot);
                    joined.then(fold);
                }
                let (one, joined) = (one.finish(), joined.finish());
                let told = one.told.len();
                assert!(told > ACTIVITIES_TOLD && told < 100, "{told} told");
                assert!(one.gifts.len() > 50 && !one.briefs.is_empty() && one.disputed.len() == DISPUTED_NAMED);
                // the named kept by the lots are a few more than by one fold: the first of each lot
                let (a, b) = (outline(&one), outline(&joined));
                let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
                assert_eq!(a[..8], b[..8], "{pending:?} {whole_term}");
            }
        }
    }
}
