//! Plans and batches (援建计划/批次, `project_groups`): how a plan and its parts are counted (issue #16 item 3). One
//! rule for every place that counts projects — the pairing's totals, the summary, the portal — so they cannot differ.
//!
//! A counted plan stands for its parts: it counts once, as its number of projects and its money, and neither its
//! projects nor its smaller plans are counted again. Which plans stand: every counted plan placed in the span being
//! counted (a period, or the whole record), unless a larger counted plan of the same span holds it. A five-year plan
//! (2010—2014) is not in the 2013 summary (its years run across the period's edge), so there the 2013 plan stands for
//! its projects; over the whole term the five-year plan stands for all of them.
//!
//! A plan's figure is what it states; else what its smaller plans and projects state, added up — for money only when
//! those parts are all of it (a plan of 300 projects with two recorded does not cost what those two cost); else
//! unknown, and an unknown figure is never replaced by the part that happens to be recorded.

use crate::approx::{self, Figure, Total};
use crate::record::Fields;
use crate::schema::FieldKind;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How far up a chain of larger plans is followed (a stored chain is a tree; this only bounds a damaged one).
const DEPTH: usize = 32;

fn int(r: &impl Fields, field: &str) -> Option<i64> {
    r.field(field).and_then(serde_json::Value::as_i64)
}

fn id(r: &impl Fields) -> i64 {
    int(r, "id").unwrap_or_default()
}

/// The counted plans of a record and what they hold.
pub struct Plans<'a, R: Fields> {
    /// Counted plans placed in the span being counted, by id.
    pub in_period: BTreeMap<i64, &'a R>,
    /// Of those, the ones no larger plan of the span holds, by start.
    pub top: Vec<&'a R>,
    /// Every counted plan of the record, by id.
    known: HashMap<i64, &'a R>,
    /// Counted projects of the record by plan.
    members: HashMap<i64, Vec<&'a R>>,
    /// Counted 援助资金 funding shares (`project_funding` with source `supporter`) by project.
    aid_of: HashMap<i64, Vec<&'a R>>,
}

impl<'a, R: Fields> Plans<'a, R> {
    /// The plans of a record: `known` every counted plan, `in_period` the counted ones placed in the span, `projects`
    /// and `funding` the counted projects and funding shares (only the supporter's shares are read as 援助资金).
    pub fn new(
        known: impl IntoIterator<Item = &'a R>,
        in_period: impl IntoIterator<Item = &'a R>,
        projects: impl IntoIterator<Item = &'a R>,
        funding: impl IntoIterator<Item = &'a R>,
    ) -> Plans<'a, R> {
        let known: HashMap<i64, &R> = known.into_iter().map(|g| (id(g), g)).collect();
        let in_period: BTreeMap<i64, &R> = in_period.into_iter().map(|g| (id(g), g)).collect();
        let mut members: HashMap<i64, Vec<&R>> = HashMap::new();
        for p in projects {
            if let Some(g) = int(p, "group_id") {
                members.entry(g).or_default().push(p);
            }
        }
        let mut aid_of: HashMap<i64, Vec<&R>> = HashMap::new();
        for f in funding {
            if f.field("source").and_then(serde_json::Value::as_str) == Some("supporter") {
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
        let mut top: Vec<&R> = plans
            .in_period
            .values()
            .copied()
            .filter(|g| {
                !plans
                    .chain(int(*g, "parent_id"))
                    .any(|x| plans.in_period.contains_key(&x))
            })
            .collect();
        let start = |g: &R| {
            g.field("start_on")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
        };
        top.sort_by(|a, b| start(a).cmp(&start(b)).then(id(*a).cmp(&id(*b))));
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
            next = self.known.get(&here).and_then(|g| int(*g, "parent_id"));
            Some(here)
        })
    }

    /// The plan of the span that holds a project, if any: then the project is counted in it, not on its own.
    pub fn holder(&self, p: &R) -> Option<&'a R> {
        self.chain(int(p, "group_id"))
            .filter_map(|g| self.in_period.get(&g).copied())
            .last()
    }

    /// A plan's figure of `field` (`project_count`, `aid_amount`, `total_investment`, `leveraged_investment`): as the
    /// plan states it, else what its smaller plans and its projects state, added up; `None` when nothing states it
    /// or a part leaves it unknown.
    pub fn figure(&self, g: &R, field: &str) -> Option<Total> {
        self.figure_at(g, field, 0)
    }

    /// The total of `field` over the plans that stand ([`Plans::top`]); `None` when one of them leaves it unknown.
    pub fn top_total(&self, field: &str) -> Option<Total> {
        let mut total = Total::new();
        for g in &self.top {
            total.merge(self.figure(g, field)?);
        }
        Some(total)
    }

    /// The known part of `field` over the plans that stand: the plans that state it (or whose parts do) added up,
    /// and the plans that leave it unknown, left out and named. A total never silently holds less than it says: where
    /// [`Plans::top_total`] gives no figure, this gives the part known with the words naming what it leaves out
    /// ([`Known::left_out_words`]) — the one rule the summary and the portal both tell.
    pub fn known(&self, field: &str) -> Known<'a, R> {
        let mut k = Known {
            total: Total::new(),
            counted: Vec::new(),
            left_out: Vec::new(),
        };
        for g in &self.top {
            match self.figure(g, field) {
                Some(t) => {
                    k.total.merge(t);
                    k.counted.push(*g);
                }
                None => k.left_out.push(*g),
            }
        }
        k
    }

    fn figure_at(&self, g: &R, field: &str, depth: usize) -> Option<Total> {
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
        // the parts tell a plan's money only when they are all of it
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
        for child in self.known.values().filter(|c| int(*c, "parent_id") == Some(gid)) {
            total.merge(self.figure_at(child, field, depth + 1)?);
            any = true;
        }
        for p in self.members.get(&gid).into_iter().flatten() {
            let figs: Vec<Figure> = match field {
                "project_count" => vec![Figure::exact(1)],
                "aid_amount" => self
                    .aid_of
                    .get(&id(*p))
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
    pub fn group_name(&self, p: &R) -> Option<&'a str> {
        int(p, "group_id")
            .and_then(|g| self.known.get(&g).copied())
            .and_then(|g| g.field("name"))
            .and_then(serde_json::Value::as_str)
    }

    /// The name of the larger plan a plan belongs to, if it is recorded.
    pub fn parent_name(&self, g: &R) -> Option<&'a str> {
        int(g, "parent_id")
            .and_then(|p| self.known.get(&p).copied())
            .and_then(|p| p.field("name"))
            .and_then(serde_json::Value::as_str)
    }
}

/// The known part of a plans' total ([`Plans::known`]).
pub struct Known<'a, R: Fields> {
    /// The plans that state the figure (or whose parts do), added up.
    pub total: Total,
    /// Those plans, by start.
    pub counted: Vec<&'a R>,
    /// The plans that leave it unknown, by start.
    pub left_out: Vec<&'a R>,
}

impl<R: Fields> Known<'_, R> {
    /// The names of the plans left out, as recorded (a plan without a name is named "未命名的计划").
    pub fn left_out_names(&self) -> Vec<String> {
        self.left_out
            .iter()
            .map(|g| {
                g.field("name")
                    .and_then(serde_json::Value::as_str)
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or("未命名的计划")
                    .to_string()
            })
            .collect()
    }

    /// What a total of `what` (总投资, 援助资金 …) leaves out, as the words that follow its name:
    /// "（不含未记录总投资的“2013年度援疆项目”、“…”）", or nothing when it leaves nothing out.
    pub fn left_out_words(&self, what: &str) -> String {
        left_out_words(what, &self.left_out_names())
    }
}

/// "（不含未记录{what}的“A”、“B”）" for the plans named, or nothing when there are none: how every total that leaves
/// out plans whose figure is not recorded says so.
pub fn left_out_words(what: &str, names: &[String]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let names: Vec<String> = names.iter().map(|n| format!("“{n}”")).collect();
    format!("（不含未记录{what}的{}）", names.join("、"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn plan(id: i64, parent: Option<i64>, count: Option<i64>, aid: Option<&str>, start: &str) -> Value {
        json!({"id": id, "parent_id": parent, "project_count": count, "aid_amount": aid, "start_on": start,
               "name": format!("计划{id}")})
    }

    fn project(id: i64, group: Option<i64>, invest: &str) -> Value {
        json!({"id": id, "group_id": group, "total_investment": invest})
    }

    fn aid(project: i64, amount: &str, source: &str) -> Value {
        json!({"project_id": project, "amount": amount, "source": source})
    }

    #[test]
    fn a_larger_plan_stands_for_its_smaller_plans_and_projects() {
        let plans = [
            plan(1, None, Some(403), Some("5056000000.00"), "2010"),
            plan(2, Some(1), Some(300), Some("4233000000.00"), "2011"),
            plan(3, Some(1), Some(2), None, "2012"),
        ];
        let projects = [
            project(10, Some(3), "100.00"),
            project(11, Some(3), "50.00"),
            project(12, None, "7.00"),
        ];
        let funding = [
            aid(10, "80.00", "supporter"),
            aid(11, "20.00", "supporter"),
            aid(11, "5.00", "receiver"),
        ];
        let whole = Plans::new(&plans, &plans, &projects, &funding);
        assert_eq!(whole.top.len(), 1, "the five-year plan holds the yearly ones");
        assert_eq!(whole.top_total("project_count").map(|t| t.value()), Some(403));
        assert_eq!(whole.top_total("aid_amount").map(|t| t.value()), Some(505_600_000_000));
        assert!(whole.holder(&projects[0]).is_some());
        assert!(
            whole.holder(&projects[2]).is_none(),
            "a project outside every plan counts on its own"
        );

        // a span holding only the yearly plans: each stands for its own parts
        let yearly = Plans::new(&plans, &plans[1..], &projects, &funding);
        assert_eq!(yearly.top.len(), 2);
        assert_eq!(yearly.top_total("project_count").map(|t| t.value()), Some(302));
        // plan 3 states 2 projects and both are recorded: its aid is theirs (the supporter's shares only)
        assert_eq!(yearly.figure(&plans[2], "aid_amount").map(|t| t.value()), Some(10_000));
        assert_eq!(yearly.top_total("aid_amount").map(|t| t.value()), Some(423_300_010_000));
        // plan 2 states neither its investment nor has all its projects recorded: unknown, and so is the total
        assert_eq!(yearly.figure(&plans[1], "total_investment"), None);
        assert_eq!(yearly.top_total("total_investment"), None);
        assert_eq!(yearly.group_name(&projects[0]), Some("计划3"));
        assert_eq!(yearly.parent_name(&plans[1]), Some("计划1"));
    }

    #[test]
    fn parts_that_are_not_all_of_a_plan_never_stand_for_its_money() {
        let plans = [plan(1, None, Some(300), None, "2011")];
        let projects = [project(10, Some(1), "100.00")];
        let p = Plans::new(&plans, &plans, &projects, &[]);
        assert_eq!(p.figure(&plans[0], "total_investment"), None);
        assert_eq!(p.top_total("project_count").map(|t| t.value()), Some(300));
        // "300余项" is not exact either: its parts never tell its money
        let loose = [json!({"id": 1, "project_count": 1, "project_count_approx": "余"})];
        let p = Plans::new(&loose, &loose, &projects, &[]);
        assert_eq!(p.figure(&loose[0], "total_investment"), None);
    }

    #[test]
    fn the_known_part_names_the_plans_it_leaves_out() {
        let mut plans = vec![
            plan(1, None, Some(300), None, "2011"),
            plan(2, None, None, None, "2012"),
            plan(3, None, None, None, "2013"),
        ];
        plans[0]["name"] = json!("2011年度援疆项目");
        plans[1]["total_investment"] = json!("1000.00");
        let projects = [project(10, Some(1), "100.00"), project(11, Some(3), "7.00")];
        let p = Plans::new(&plans, &plans, &projects, &[]);
        assert_eq!(p.top_total("total_investment"), None);
        let k = p.known("total_investment");
        // plan 2 as it states it (1000.00), plan 3 as its only part does (7.00); plan 1's two of 300 never count
        assert_eq!(k.total.value(), 100_700);
        assert_eq!(k.counted.len(), 2);
        assert_eq!(k.left_out_names(), vec!["2011年度援疆项目".to_string()]);
        assert_eq!(k.left_out_words("总投资"), "（不含未记录总投资的“2011年度援疆项目”）");
        // a plan with neither a count nor a part leaves the count unknown; one part counts as one project
        let count = p.known("project_count");
        assert_eq!(count.total.value(), 300 + 1);
        assert_eq!(count.left_out_words("项目数"), "（不含未记录项目数的“计划2”）");
        let none = Plans::new(&plans[..1], &plans[..1], &projects, &[]).known("project_count");
        assert_eq!(
            (none.total.value(), none.left_out_words("项目数")),
            (300, String::new())
        );
    }

    #[test]
    fn a_damaged_chain_of_plans_ends() {
        let plans = [
            plan(1, Some(2), None, None, "2011"),
            plan(2, Some(1), None, None, "2011"),
        ];
        let p = Plans::new(&plans, &plans, &[], &[]);
        assert!(
            p.top.is_empty(),
            "each holds the other; neither stands, and nothing loops"
        );
        assert_eq!(p.figure(&plans[0], "aid_amount"), None);
    }
}
