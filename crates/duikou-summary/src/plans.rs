//! Plans and batches (援建计划/批次, 项目组) in a summary: a plan of the period counts once, as its number of
//! projects and its money, and neither its projects nor its smaller plans are counted again (issue #16 item 3).
//!
//! Which plans stand for their parts: every counted plan placed in the period, unless a larger counted plan of the
//! period holds it. A five-year plan (2010—2014) is not in the 2013 summary (its years run across the period's edge),
//! so there the 2013 plan stands for its projects; over the whole term the five-year plan stands for all of them.

use super::{id, Pool};
use duikou_domain::approx::{self, Figure as Fig, Total};
use duikou_domain::record::Rec;
use duikou_domain::schema::FieldKind;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How far up a chain of larger plans is followed (a stored chain is a tree; this only bounds a damaged one).
const DEPTH: usize = 32;

pub(crate) struct Plans<'a> {
    /// Counted plans placed in the period, by id.
    pub(crate) in_period: BTreeMap<i64, &'a Rec>,
    /// Of those, the ones no larger plan of the period holds, by start.
    pub(crate) top: Vec<&'a Rec>,
    /// Every counted plan of the record, by id.
    known: HashMap<i64, &'a Rec>,
    /// Counted projects of the record by plan.
    members: HashMap<i64, Vec<&'a Rec>>,
    /// Counted 援助资金 funding of the record by project.
    aid_of: HashMap<i64, Vec<&'a Rec>>,
}

fn int(r: &Rec, field: &str) -> Option<i64> {
    r[field].as_i64()
}

impl<'a> Plans<'a> {
    pub(crate) fn new(pool: &Pool<'a>) -> Plans<'a> {
        let known: HashMap<i64, &Rec> = pool
            .all("project_groups")
            .into_iter()
            .filter(|g| pool.counts(g))
            .map(|g| (id(g), g))
            .collect();
        let in_period: BTreeMap<i64, &Rec> = pool
            .in_period("project_groups")
            .into_iter()
            .map(|g| (id(g), g))
            .collect();
        let mut members: HashMap<i64, Vec<&Rec>> = HashMap::new();
        for p in pool.all("projects").into_iter().filter(|p| pool.counts(p)) {
            if let Some(g) = int(p, "group_id") {
                members.entry(g).or_default().push(p);
            }
        }
        let mut aid_of: HashMap<i64, Vec<&Rec>> = HashMap::new();
        for f in pool.all("project_funding") {
            if pool.counts(f) && f["source"] == "supporter" {
                if let Some(p) = int(f, "project_id") {
                    aid_of.entry(p).or_default().push(f);
                }
            }
        }
        let mut plans = Plans {
            in_period,
            top: Vec::new(),
            known,
            members,
            aid_of,
        };
        let mut top: Vec<&Rec> = plans
            .in_period
            .values()
            .copied()
            .filter(|g| {
                !plans
                    .chain(int(g, "parent_id"))
                    .any(|x| plans.in_period.contains_key(&x))
            })
            .collect();
        top.sort_by(|a, b| {
            a["start_on"]
                .as_str()
                .cmp(&b["start_on"].as_str())
                .then(id(a).cmp(&id(b)))
        });
        plans.top = top;
        plans
    }

    /// A plan and the larger plans above it, nearest first.
    fn chain(&self, start: Option<i64>) -> impl Iterator<Item = i64> + '_ {
        let mut next = start;
        let mut seen = BTreeSet::new();
        std::iter::from_fn(move || {
            let here = next?;
            if !seen.insert(here) || seen.len() > DEPTH {
                return None;
            }
            next = self.known.get(&here).and_then(|g| int(g, "parent_id"));
            Some(here)
        })
    }

    /// The plan of the period that holds a project, if any: then the project is counted in it, not on its own.
    pub(crate) fn holder(&self, p: &Rec) -> Option<&'a Rec> {
        self.chain(int(p, "group_id"))
            .filter_map(|g| self.in_period.get(&g).copied())
            .last()
    }

    /// A plan's figure of `field` (项目数, 援助资金, 总投资, 带动投资): as the plan states it, else what its smaller
    /// plans and its projects state, added up; `None` when nothing states it or a smaller plan leaves it unknown.
    pub(crate) fn figure(&self, g: &Rec, field: &str) -> Option<Total> {
        self.figure_at(g, field, 0)
    }

    fn figure_at(&self, g: &Rec, field: &str, depth: usize) -> Option<Total> {
        // "project_count_of_parts": the count its parts add up to, whatever the plan states
        let (field, stated_counts) = match field {
            "project_count_of_parts" => ("project_count", false),
            f => (f, true),
        };
        let kind = if field == "project_count" {
            FieldKind::Int
        } else {
            FieldKind::Money
        };
        if stated_counts {
            if let Some(f) = approx::figure_of(kind, g, field) {
                return Some([f].into_iter().collect());
            }
        }
        if depth > DEPTH {
            return None;
        }
        // the parts tell a plan's money only when they are all of it: a plan of 300 projects with two recorded does
        // not cost what those two cost
        if field != "project_count" {
            if let Some(stated) = approx::figure_of(FieldKind::Int, g, "project_count") {
                let known = self.figure_at(g, "project_count_of_parts", depth)?;
                if !stated.is_exact() || !known.is_exact() || known.value() != stated.value {
                    return None;
                }
            }
        }
        let gid = id(g);
        let mut total = Total::new();
        let mut any = false;
        // a smaller plan that does not state it (nor its parts) leaves this plan's figure unknown
        for child in self.known.values().filter(|c| int(c, "parent_id") == Some(gid)) {
            total.merge(self.figure_at(child, field, depth + 1)?);
            any = true;
        }
        for p in self.members.get(&gid).into_iter().flatten() {
            let figs: Vec<Fig> = match field {
                "project_count" => vec![Fig::exact(1)],
                "aid_amount" => self
                    .aid_of
                    .get(&id(p))
                    .into_iter()
                    .flatten()
                    .filter_map(|f| approx::figure_of(FieldKind::Money, *f, "amount"))
                    .collect(),
                _ => approx::figure_of(kind, *p, field).into_iter().collect(),
            };
            for f in figs {
                total.add(f);
                any = true;
            }
        }
        any.then_some(total)
    }

    /// The name of the plan a project is filed under, if it is recorded.
    pub(crate) fn group_name(&self, p: &Rec) -> Option<&'a str> {
        int(p, "group_id")
            .and_then(|g| self.known.get(&g))
            .and_then(|g| g["name"].as_str())
    }

    /// The name of the larger plan a plan belongs to, if it is recorded.
    pub(crate) fn parent_name(&self, g: &Rec) -> Option<&'a str> {
        int(g, "parent_id")
            .and_then(|p| self.known.get(&p))
            .and_then(|p| p["name"].as_str())
    }
}
