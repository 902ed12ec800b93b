//! The records of a summary kept by their standing (confirmed, pending, disputed) and their place in the period.

use crate::fold::{FoldRules, Folded};
use crate::rec::{date, id, money};
use crate::{HeldTransaction, Records, SummaryInput};
use duikou_domain::date::{attribute, record_interval};
use duikou_domain::entities::{Activity, Confirmation, Transaction, Typed};
use duikou_domain::record::{names, Rec};
use duikou_domain::{Attribution, Money, RecDate};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;

/// Where a fact stands with the receiving side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Confirmed, or of a kind that is not confirmed at all (agreements, needs, notes).
    Confirmed,
    /// Awaiting confirmation.
    Pending,
    /// Disputed: never counted.
    Disputed,
}

/// Where a record stands, by its confirmation.
pub(crate) fn standing(r: &Rec) -> Standing {
    match r["confirmation"].as_str() {
        Some("pending") => Standing::Pending,
        Some("disputed") => Standing::Disputed,
        _ => Standing::Confirmed,
    }
}

impl From<Confirmation> for Standing {
    fn from(c: Confirmation) -> Standing {
        match c {
            Confirmation::Pending => Standing::Pending,
            Confirmation::Disputed => Standing::Disputed,
            Confirmation::Confirmed => Standing::Confirmed,
        }
    }
}

/// Where a record falls against the period, by its own date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Counted in the period.
    In,
    /// Of another period.
    Out,
    /// No date: it cannot be placed in a dated period, so it is shown apart.
    Undated,
    /// Its dates run across the period's edge (an activity of 2010–2014 in a 2012 summary): shown apart.
    Straddles,
}

impl From<Attribution> for Place {
    /// A dated record's place: all of its days in the period, none, or some.
    fn from(a: Attribution) -> Place {
        match a {
            Attribution::In => Place::In,
            Attribution::Out => Place::Out,
            Attribution::Straddles => Place::Straddles,
        }
    }
}

/// The date a project was planned (立项, else its start): when it is 新安排, and when its money was committed.
fn planned_on(p: &Rec) -> Option<RecDate> {
    date(&p["approved_on"]).or_else(|| date(&p["started_on"]))
}

/// Typed records seen generically, as [`Rec`]s named by their fields (the same as a generic read of their rows).
pub(crate) fn recs_of<'x, T: Typed + serde::Serialize + 'x>(items: impl IntoIterator<Item = &'x T>) -> Vec<Rec> {
    let fields = names(T::FIELDS.iter().map(|(n, _, _)| *n));
    items
        .into_iter()
        .map(|t| {
            let mut m = match serde_json::to_value(t) {
                Ok(Value::Object(m)) => m,
                _ => Default::default(),
            };
            let values = fields.iter().map(|n| m.remove(&**n).unwrap_or(Value::Null)).collect();
            Rec::new(fields.clone(), values)
        })
        .collect()
}

/// Held transactions seen generically, typed again from what is held (only the few a part names).
pub(crate) fn held_recs<'x>(items: impl IntoIterator<Item = &'x HeldTransaction>) -> Vec<Rec> {
    recs_of(&items.into_iter().map(HeldTransaction::transaction).collect::<Vec<_>>())
}

/// How many records of the typed kinds (activities, transactions) a part that names facts one by one (the disputed,
/// each with its reason) can name; the others are counted, and behind the figure all the same.
pub(crate) const NAMED_APART: usize = 50;

/// One typed record the summary tells apart rather than counts (awaiting confirmation, disputed, across the
/// period's edge), as much of it as is counted: its id, its standing, its place and its money.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Brief {
    pub(crate) id: i64,
    pub(crate) standing: Standing,
    pub(crate) place: Place,
    pub(crate) amount: Money,
}

/// The records of one typed kind told apart: each briefly, and the first [`NAMED_APART`] disputed of the period
/// seen generically, to be named.
#[derive(Default)]
struct Apart {
    briefs: Vec<Brief>,
    named: Vec<Rec>,
}

impl Apart {
    /// The briefs of the records of `items` that are not plainly counted (confirmed and of the period), placed by
    /// `place` and settled for the period; the first disputed of the period seen generically by `generic`.
    fn of<X>(
        input: &SummaryInput,
        items: impl IntoIterator<Item = X>,
        brief: impl Fn(&X) -> (i64, Confirmation, Place, Money),
        generic: impl Fn(Vec<X>) -> Vec<Rec>,
    ) -> Apart {
        let mut out = Apart::default();
        let mut disputed = Vec::new();
        let rules = FoldRules::of(input);
        for t in items {
            let (id, confirmation, place, amount) = brief(&t);
            let place = rules.settle(place);
            let standing = Standing::from(confirmation);
            if place == Place::Out || (place == Place::In && standing == Standing::Confirmed) {
                continue;
            }
            if place == Place::In && standing == Standing::Disputed && disputed.len() < NAMED_APART {
                disputed.push(t);
            }
            out.briefs.push(Brief {
                id,
                standing,
                place,
                amount,
            });
        }
        out.named = generic(disputed);
        out
    }
}

/// The typed records of a summary as the parts that tell facts apart see them (awaiting confirmation, disputed,
/// outside the period's reach): briefly, and only the few they name one by one generically. Figures are computed
/// from the typed records themselves; the many confirmed ones of the period are never copied. The activities are
/// as they were taken ([`Folded`]).
pub(crate) struct Views<'a> {
    transactions: Apart,
    activities: Cow<'a, Folded>,
    /// The first disputed activities of the period, seen generically.
    disputed_activities: Vec<Rec>,
}

impl<'a> Views<'a> {
    pub(crate) fn of(input: &'a SummaryInput) -> Views<'a> {
        let transactions = Apart::of(
            input,
            input.pairings.iter().flat_map(|p| &p.transactions),
            |t: &&HeldTransaction| {
                let place = Place::from(attribute(t.date.interval(), input.period));
                (t.id.0, t.confirmation, place, t.amount)
            },
            held_recs,
        );
        let activities = input.activities.taken(input);
        let disputed_activities = recs_of(&activities.disputed.iter().map(|a| a.activity()).collect::<Vec<_>>());
        Views {
            transactions,
            activities,
            disputed_activities,
        }
    }

    /// The typed kind's records told apart, if `entity` is one: briefly, and those named.
    fn apart(&self, entity: &str) -> Option<(&[Brief], &[Rec])> {
        match entity {
            e if e == Transaction::ENTITY => Some((&self.transactions.briefs, &self.transactions.named)),
            e if e == Activity::ENTITY => Some((&self.activities.briefs, &self.disputed_activities)),
            _ => None,
        }
    }
}

/// Facts of one kind a part tells apart: every one of them as the records behind its figure, the money they state,
/// and the records themselves to name (of a typed kind, at most [`NAMED_APART`], and only the disputed).
pub(crate) struct Told<'a> {
    /// Every one, as the records behind a figure.
    pub(crate) ids: Records,
    /// The money they state, added up as recorded.
    pub(crate) amount: Money,
    /// The records to name.
    pub(crate) recs: Vec<&'a Rec>,
}

impl Told<'_> {
    /// How many there are.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Records of one entity across the pairings, kept by their standing and their place in the period.
pub(crate) struct Pool<'a> {
    pub(crate) input: &'a SummaryInput,
    /// Every project by id: project funding is placed by its project's plan date.
    pub(crate) projects: HashMap<i64, &'a Rec>,
    /// How the period places records and how pending facts count.
    rules: FoldRules,
    views: &'a Views<'a>,
}

impl<'a> Pool<'a> {
    pub(crate) fn new(input: &'a SummaryInput, views: &'a Views<'a>) -> Pool<'a> {
        let projects = input
            .pairings
            .iter()
            .flat_map(|p| p.records.get("projects").into_iter().flatten())
            .map(|r| (id(r), r))
            .collect();
        Pool {
            input,
            projects,
            rules: FoldRules::of(input),
            views,
        }
    }

    /// Every record of an entity across the pairings, read generically (of a typed kind, only the few [`Views`]
    /// names: the figures read the typed ones, [`Pool::activities_in_period`], [`Pool::transactions_in_period`]).
    pub(crate) fn all(&self, entity: &str) -> Vec<&'a Rec> {
        if let Some((_, named)) = self.views.apart(entity) {
            return named.iter().collect();
        }
        self.input
            .pairings
            .iter()
            .flat_map(|p| p.records.get(entity).into_iter().flatten())
            .collect()
    }

    /// The counted transactions that fall in the period, typed.
    pub(crate) fn transactions_in_period(&self) -> Vec<&'a HeldTransaction> {
        self.input
            .pairings
            .iter()
            .flat_map(|p| &p.transactions)
            .filter(|t| self.counts_as(t.confirmation.into()) && self.settle(self.point(Some(t.date))) == Place::In)
            .collect()
    }

    /// The activities of the period as they were taken: their figures, and the few named one by one.
    pub(crate) fn activities(&self) -> &'a Folded {
        &self.views.activities
    }

    /// Where a record dated `d` (a point, however precise) falls against the period, before [`Pool::settle`].
    fn point(&self, d: Option<RecDate>) -> Place {
        match d.map(|d| self.attribute(d)) {
            None => Place::Undated,
            Some(Attribution::In) => Place::In,
            Some(Attribution::Out) => Place::Out,
            // a month or a year across the period's edge may lie on either side of it
            Some(Attribution::Straddles) => Place::Straddles,
        }
    }

    /// A record's place as the period takes it: over the whole term every record of the pairings belongs, dated or
    /// not.
    fn settle(&self, place: Place) -> Place {
        self.rules.settle(place)
    }

    /// Where a date (all of it: a month or a year as well as a day) falls against the period.
    pub(crate) fn attribute(&self, d: RecDate) -> Attribution {
        attribute(d.interval(), self.input.period)
    }

    /// Whether all of a date lies in the period.
    pub(crate) fn within(&self, d: RecDate) -> bool {
        self.attribute(d) == Attribution::In
    }

    /// Whether a project is 新安排 in the period: planned in it (or, over the whole term, planned on no known day).
    pub(crate) fn is_new(&self, p: &Rec) -> bool {
        match planned_on(p) {
            Some(d) => self.within(d),
            None => self.input.whole_term,
        }
    }

    /// Whether a project is 竣工 in the period.
    pub(crate) fn is_done(&self, p: &Rec) -> bool {
        date(&p["completed_on"]).is_some_and(|d| self.within(d))
    }

    /// Whether a project is 续建 in the period: planned before it and not completed before it.
    pub(crate) fn is_carried(&self, p: &Rec) -> bool {
        let from = self.input.period.0;
        planned_on(p).is_some_and(|d| d.last() < from) && date(&p["completed_on"]).is_none_or(|d| d.last() >= from)
    }

    /// Where a record falls against the period, by the date that places its entity.
    pub(crate) fn place(&self, entity: &str, r: &Rec) -> Place {
        let point = |d: Option<RecDate>| self.point(d);
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
                Some(a) => Place::from(attribute(record_interval(a, date(&r["end_on"])), self.input.period)),
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
                Some(a) => Place::from(attribute(record_interval(a, date(&r["end_date"])), self.input.period)),
            },
            // notes and people carry no date of their own
            _ => Place::In,
        };
        self.settle(place)
    }

    /// Whether a fact enters the totals: confirmed, or pending when asked to include it.
    pub(crate) fn counts(&self, r: &Rec) -> bool {
        self.counts_as(standing(r))
    }

    /// Whether a fact that stands as `s` enters the totals.
    fn counts_as(&self, s: Standing) -> bool {
        self.rules.counts_as(s)
    }

    /// The counted records of an entity that fall in the period.
    pub(crate) fn in_period(&self, entity: &str) -> Vec<&'a Rec> {
        self.all(entity)
            .into_iter()
            .filter(|r| self.counts(r) && self.place(entity, r) == Place::In)
            .collect()
    }

    /// The records of an entity in the period that stand as `s` (the pending and the disputed, to be named apart).
    pub(crate) fn standing_in_period(&self, entity: &'static str, s: Standing) -> Told<'a> {
        self.told(entity, |standing, place| standing == s && place == Place::In)
    }

    /// The counted records of an entity that the period cannot hold, at `place`.
    pub(crate) fn apart(&self, entity: &'static str, place: Place) -> Told<'a> {
        self.told(entity, |standing, p| self.counts_as(standing) && p == place)
    }

    /// The records of an entity whose standing and place (settled for the period) pass `keep`.
    fn told(&self, entity: &'static str, keep: impl Fn(Standing, Place) -> bool) -> Told<'a> {
        let views: &'a Views<'a> = self.views;
        if let Some((briefs, named)) = views.apart(entity) {
            let mut ids = Vec::new();
            let mut amount = Money::default();
            for b in briefs.iter().filter(|b| keep(b.standing, b.place)) {
                ids.push(b.id);
                amount = amount.saturating_add(b.amount);
            }
            return Told {
                ids: Records::of(entity, ids.into()),
                amount,
                recs: named
                    .iter()
                    .filter(|r| keep(standing(r), self.place(entity, r)))
                    .collect(),
            };
        }
        let recs: Vec<&'a Rec> = self
            .all(entity)
            .into_iter()
            .filter(|r| keep(standing(r), self.place(entity, r)))
            .collect();
        Told {
            ids: Records::of(entity, recs.iter().map(|r| id(*r)).collect::<Vec<_>>().into()),
            amount: recs
                .iter()
                .fold(Money::default(), |m, r| m.saturating_add(amount_of(entity, r))),
            recs,
        }
    }
}

/// The money a fact states, if any (zero when none).
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
