//! The records of a summary kept by their standing (confirmed, pending, disputed) and their place in the period.

use crate::rec::{date, id};
use crate::{Pending, SummaryInput};
use duikou_domain::date::{attribute, record_interval};
use duikou_domain::entities::{Activity, Confirmation, Transaction, Typed};
use duikou_domain::record::{names, Rec};
use duikou_domain::{Attribution, RecDate};
use serde_json::Value;
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

/// Where an activity falls against the period, by all the days from its start to its end, before [`Pool::settle`].
fn activity_point(input: &SummaryInput, a: &Activity) -> Place {
    match attribute(record_interval(a.start_date, a.end_date), input.period) {
        Attribution::In => Place::In,
        Attribution::Out => Place::Out,
        Attribution::Straddles => Place::Straddles,
    }
}

/// The typed records of a summary seen generically, for the parts that tell any record by its fields (facts awaiting
/// confirmation, disputed, records apart). Figures are computed from the typed records themselves.
pub(crate) struct Views {
    transactions: Vec<Rec>,
    /// Only the activities those parts can tell: the period's that are not confirmed (awaiting confirmation or
    /// disputed) and those it cannot hold (across its edge). The many confirmed ones of the period are never copied.
    activities: Vec<Rec>,
}

impl Views {
    pub(crate) fn of(input: &SummaryInput) -> Views {
        let transactions = recs_of(input.pairings.iter().flat_map(|p| &p.transactions));
        let told = input
            .activities
            .iter()
            .filter(|a| match settle(input, activity_point(input, a)) {
                Place::In => a.confirmation != Confirmation::Confirmed,
                Place::Undated | Place::Straddles => true,
                Place::Out => false,
            });
        Views {
            transactions,
            activities: recs_of(told),
        }
    }
}

/// A record's place as the period takes it: over the whole term every record of the pairings belongs, dated or
/// not.
fn settle(input: &SummaryInput, place: Place) -> Place {
    match place {
        Place::Undated | Place::Straddles if input.whole_term => Place::In,
        p => p,
    }
}

/// Records of one entity across the pairings, kept by their standing and their place in the period.
pub(crate) struct Pool<'a> {
    pub(crate) input: &'a SummaryInput,
    /// Every project by id: project funding is placed by its project's plan date.
    pub(crate) projects: HashMap<i64, &'a Rec>,
    views: &'a Views,
}

impl<'a> Pool<'a> {
    pub(crate) fn new(input: &'a SummaryInput, views: &'a Views) -> Pool<'a> {
        let projects = input
            .pairings
            .iter()
            .flat_map(|p| p.records.get("projects").into_iter().flatten())
            .map(|r| (id(r), r))
            .collect();
        Pool { input, projects, views }
    }

    /// Every record of an entity across the pairings (a typed entity's seen generically; of the activities, only
    /// those [`Views`] keeps: the figures read the typed ones, [`Pool::activities_in_period`]).
    pub(crate) fn all(&self, entity: &str) -> Vec<&'a Rec> {
        if entity == Transaction::ENTITY {
            return self.views.transactions.iter().collect();
        }
        if entity == Activity::ENTITY {
            return self.views.activities.iter().collect();
        }
        self.input
            .pairings
            .iter()
            .flat_map(|p| p.records.get(entity).into_iter().flatten())
            .collect()
    }

    /// The counted transactions that fall in the period, typed.
    pub(crate) fn transactions_in_period(&self) -> Vec<&'a Transaction> {
        self.input
            .pairings
            .iter()
            .flat_map(|p| &p.transactions)
            .filter(|t| self.counts_as(t.confirmation.into()) && self.settle(self.point(Some(t.date))) == Place::In)
            .collect()
    }

    /// The counted activities that fall in the period, typed, each pairing's in its order (by start date, then id).
    pub(crate) fn activities_in_period(&self) -> Vec<&'a Activity> {
        self.input
            .activities
            .iter()
            .filter(|a| {
                self.counts_as(a.confirmation.into()) && self.settle(activity_point(self.input, a)) == Place::In
            })
            .collect()
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
        settle(self.input, place)
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
        self.settle(place)
    }

    /// Whether a fact enters the totals: confirmed, or pending when asked to include it.
    pub(crate) fn counts(&self, r: &Rec) -> bool {
        self.counts_as(standing(r))
    }

    /// Whether a fact that stands as `s` enters the totals.
    fn counts_as(&self, s: Standing) -> bool {
        match s {
            Standing::Confirmed => true,
            Standing::Pending => self.input.pending == Pending::Include,
            Standing::Disputed => false,
        }
    }

    /// The counted records of an entity that fall in the period.
    pub(crate) fn in_period(&self, entity: &str) -> Vec<&'a Rec> {
        self.all(entity)
            .into_iter()
            .filter(|r| self.counts(r) && self.place(entity, r) == Place::In)
            .collect()
    }

    /// The records of an entity in the period that stand as `s` (the pending and the disputed, to be named apart).
    pub(crate) fn standing_in_period(&self, entity: &str, s: Standing) -> Vec<&'a Rec> {
        self.all(entity)
            .into_iter()
            .filter(|r| standing(r) == s && self.place(entity, r) == Place::In)
            .collect()
    }

    /// The counted records of an entity that the period cannot hold, at `place`.
    pub(crate) fn apart(&self, entity: &str, place: Place) -> Vec<&'a Rec> {
        self.all(entity)
            .into_iter()
            .filter(|r| self.counts(r) && self.place(entity, r) == place)
            .collect()
    }
}
