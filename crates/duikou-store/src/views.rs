//! Read models a screen needs: a pairing with everything under it and its totals.

use crate::{ListQuery, Result, Store};
use duikou_domain::entities::{Coded, Confirmation, PairingId, Transaction};
use duikou_domain::{schema, Money, Qty};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

impl Store {
    /// Every record a query matches (its page and page size are ignored), in its order, read by cursor.
    pub async fn list_every(&self, entity: &str, query: &ListQuery) -> Result<Vec<Value>> {
        Ok(self.list_up_to(entity, query, usize::MAX).await?.0)
    }

    /// As [`Store::list_every`], reading no more than `max` records (500 at a time): the records, and whether the
    /// list holds more.
    pub async fn list_up_to(&self, entity: &str, query: &ListQuery, max: usize) -> Result<(Vec<Value>, bool)> {
        let mut out = Vec::new();
        let mut q = ListQuery {
            per_page: Some(500),
            page: None,
            after: None,
            before: None,
            ..query.clone()
        };
        loop {
            let p = self.list(entity, &q).await?;
            out.extend(p.items);
            if out.len() > max {
                out.truncate(max);
                return Ok((out, true));
            }
            match p.next_after {
                Some(after) => q.after = Some(after),
                None => return Ok((out, false)),
            }
        }
    }

    /// Every record of `entity` where `field` = `value`, in the entity's default order.
    pub async fn list_all(&self, entity: &str, field: &str, value: i64) -> Result<Vec<Value>> {
        let mut q = ListQuery::default();
        q.filters.insert(field.into(), value.to_string());
        self.list_every(entity, &q).await
    }

    /// A pairing with its program, both orgs, agreements, obligations, needs, projects (with funding, outputs,
    /// transactions), dispatches (with person, stints, appraisals), activities, child pairings and totals.
    pub async fn pairing_detail(&self, id: i64) -> Result<Value> {
        let pairing = self.get("pairings", id).await?;
        let program = self
            .get("programs", pairing["program_id"].as_i64().unwrap_or(0))
            .await?;
        let supporter = self
            .get("orgs", pairing["supporter_org_id"].as_i64().unwrap_or(0))
            .await?;
        let receiver = self
            .get("orgs", pairing["receiver_org_id"].as_i64().unwrap_or(0))
            .await?;
        let agreements = self.list_all("agreements", "pairing_id", id).await?;
        let mut obligations = self
            .list_all("obligations", "program_id", program["id"].as_i64().unwrap_or(0))
            .await?;
        for a in &agreements {
            obligations.extend(
                self.list_all("obligations", "agreement_id", a["id"].as_i64().unwrap_or(0))
                    .await?,
            );
        }
        let needs = self.list_all("needs", "pairing_id", id).await?;
        let funding = self.list_all("project_funding", "pairing_id", id).await?;
        let outputs = self.list_all("outputs", "pairing_id", id).await?;
        let transactions = self.transactions_of(&[PairingId(id)], None).await?;
        let stints = self.list_all("stints", "pairing_id", id).await?;
        let appraisals = self.list_all("appraisals", "pairing_id", id).await?;
        let activities = self.list_all("activities", "pairing_id", id).await?;
        let children = self.list_all("pairings", "parent_id", id).await?;
        let mut dispatches = self.list_all("dispatches", "pairing_id", id).await?;
        let mut people = Vec::new();
        for d in &mut dispatches {
            let person = self.get("people", d["person_id"].as_i64().unwrap_or(0)).await?;
            people.push(person.clone());
            let did = d["id"].clone();
            d["person"] = person;
            d["stints"] = Value::from(
                stints
                    .iter()
                    .filter(|s| s["dispatch_id"] == did)
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            d["appraisals"] = Value::from(
                appraisals
                    .iter()
                    .filter(|s| s["dispatch_id"] == did)
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
        let mut projects = self.list_all("projects", "pairing_id", id).await?;
        let plans = self.list_all("project_groups", "pairing_id", id).await?;
        let funds = self.list_all("funds", "pairing_id", id).await?;
        let totals = pairing_totals(&Bundle {
            agreements: &agreements,
            needs: &needs,
            plans: &plans,
            projects: &projects,
            funding: &funding,
            transactions: &transactions,
            funds: &funds,
            outputs: &outputs,
            dispatches: &dispatches,
            people: &people,
            activities: &activities,
            only_confirmed: false,
        });
        let confirmed = pairing_totals(&Bundle {
            agreements: &agreements,
            needs: &needs,
            plans: &plans,
            projects: &projects,
            funding: &funding,
            transactions: &transactions,
            funds: &funds,
            outputs: &outputs,
            dispatches: &dispatches,
            people: &people,
            activities: &activities,
            only_confirmed: true,
        });
        for p in &mut projects {
            let pid = p["id"].clone();
            let of =
                |v: &Vec<Value>| Value::from(v.iter().filter(|x| x["project_id"] == pid).cloned().collect::<Vec<_>>());
            p["funding"] = of(&funding);
            p["outputs"] = of(&outputs);
            p["transactions"] = Value::from(
                transactions
                    .iter()
                    .filter(|t| pid == t.project_id.0)
                    .map(Transaction::to_json)
                    .collect::<Vec<_>>(),
            );
        }
        Ok(json!({
            "pairing": pairing,
            "program": program,
            "supporter": supporter,
            "receiver": receiver,
            "agreements": agreements,
            "obligations": obligations,
            "needs": needs,
            "projects": projects,
            "plans": plans,
            "dispatches": dispatches,
            "activities": activities,
            "children": children,
            "totals": totals,
            "totals_confirmed": confirmed,
        }))
    }
}

/// The records of one pairing, as read for totals.
pub struct Bundle<'a> {
    /// Agreements.
    pub agreements: &'a [Value],
    /// Needs.
    pub needs: &'a [Value],
    /// Plans and batches of projects (援建计划/批次).
    pub plans: &'a [Value],
    /// Projects.
    pub projects: &'a [Value],
    /// Funding shares.
    pub funding: &'a [Value],
    /// Transactions, typed.
    pub transactions: &'a [Transaction],
    /// Money outside any project (项目外资金).
    pub funds: &'a [Value],
    /// Outputs.
    pub outputs: &'a [Value],
    /// Dispatches.
    pub dispatches: &'a [Value],
    /// The dispatched people.
    pub people: &'a [Value],
    /// Activities.
    pub activities: &'a [Value],
    /// Count only facts the other side confirmed.
    pub only_confirmed: bool,
}

fn money(v: &Value) -> Money {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

fn qty(v: &Value) -> Qty {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

fn percent(num: i64, den: i64) -> Value {
    if den == 0 {
        Value::Null
    } else {
        // whole percent, rounded half up, as reports print it (开工率109%)
        Value::from((num * 200 + den) / (den * 2))
    }
}

/// 开工率 is started over planned, 竣工率 completed over started (as 第9篇 reports them).
/// Totals a pairing's screen and summary show: people by role and batch, teaching, trainings, money by source, projects and outputs.
pub fn pairing_totals(b: &Bundle) -> Value {
    // a disputed fact never counts; a pending one only when the caller does not ask for confirmed facts alone
    let counts = |v: &Value| match v["confirmation"].as_str() {
        None | Some("confirmed") => true,
        Some("disputed") => false,
        Some(_) => !b.only_confirmed,
    };
    let counts_as = |c: Confirmation| match c {
        Confirmation::Confirmed => true,
        Confirmation::Disputed => false,
        Confirmation::Pending => !b.only_confirmed,
    };
    let key = |v: &Value, k: &str| v[k].as_str().unwrap_or("").to_string();

    // people
    let dispatches: Vec<&Value> = b.dispatches.iter().filter(|d| counts(d)).collect();
    let mut by_role: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    let mut batches: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    let mut persons = BTreeSet::new();
    for d in &dispatches {
        let pid = d["person_id"].as_i64().unwrap_or(0);
        persons.insert(pid);
        by_role.entry(key(d, "role")).or_default().insert(pid);
        if let Some(batch) = d["batch"].as_i64() {
            batches.entry(key(d, "role")).or_default().insert(batch);
        }
    }
    let people: Vec<&Value> = b
        .people
        .iter()
        .filter(|p| persons.contains(&p["id"].as_i64().unwrap_or(-1)))
        .collect();
    let mut seen = BTreeSet::new();
    let people: Vec<&Value> = people.into_iter().filter(|p| seen.insert(p["id"].as_i64())).collect();
    let postgraduates = people
        .iter()
        .filter(|p| matches!(p["education"].as_str(), Some("doctorate" | "master")))
        .count();
    let senior = people.iter().filter(|p| p["title_level"] == "senior").count();
    let birth_years: Vec<i64> = people.iter().filter_map(|p| p["birth_year"].as_i64()).collect();

    // activities
    let mut act_by_kind: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut sums: BTreeMap<&str, i64> = BTreeMap::new();
    let mut act_amount = Money::ZERO;
    // the qualifier and range of each total ("1500余", "20—50"), by the summing rule of `approx::Total`
    let mut approx_totals: BTreeMap<&str, duikou_domain::approx::Total> = BTreeMap::new();
    for a in b.activities.iter().filter(|a| counts(a)) {
        for (q, kind) in [
            ("person_times", schema::FieldKind::Int),
            ("sessions", schema::FieldKind::Int),
            ("courses", schema::FieldKind::Int),
            ("hours", schema::FieldKind::Int),
            ("items", schema::FieldKind::Int),
            ("amount", schema::FieldKind::Money),
        ] {
            if let Some(fig) = duikou_domain::approx::figure_of(kind, a, q) {
                approx_totals.entry(q).or_default().add(fig);
            }
        }
        let e = act_by_kind.entry(key(a, "kind")).or_default();
        let n = e.get("count").and_then(Value::as_i64).unwrap_or(0);
        e.insert("count".into(), Value::from(n + 1));
        for q in ["person_times", "sessions", "courses", "hours", "items"] {
            let v = a[q].as_i64().unwrap_or(0);
            // counts are at most 10 亿 each (the domain's ceiling): held at the end of i64, never wrapped
            let s = sums.entry(q).or_default();
            *s = s.saturating_add(v);
            let cur = e.get(q).and_then(Value::as_i64).unwrap_or(0);
            e.insert(q.into(), Value::from(cur.saturating_add(v)));
        }
        act_amount = act_amount.saturating_add(money(&a["amount"]));
    }

    // projects
    let projects: Vec<&Value> = b.projects.iter().filter(|p| counts(p)).collect();
    let started = projects.iter().filter(|p| !p["started_on"].is_null()).count() as i64;
    let completed = projects.iter().filter(|p| !p["completed_on"].is_null()).count() as i64;
    let mut by_category: BTreeMap<String, i64> = BTreeMap::new();
    let mut livelihood = 0;
    for p in &projects {
        *by_category.entry(key(p, "category")).or_default() += 1;
        if schema::is_livelihood(p["category"].as_str().unwrap_or("")) {
            livelihood += 1;
        }
    }
    let mut funding_by_source: BTreeMap<String, Money> = BTreeMap::new();
    for f in b.funding.iter().filter(|f| counts(f)) {
        let e = funding_by_source.entry(key(f, "source")).or_default();
        *e = e.saturating_add(money(&f["amount"]));
    }
    let mut tx: BTreeMap<String, BTreeMap<String, Money>> = BTreeMap::new();
    for t in b.transactions.iter().filter(|t| counts_as(t.confirmation)) {
        let e = tx
            .entry(t.kind.code().to_string())
            .or_default()
            .entry(t.source.code().to_string())
            .or_default();
        *e = e.saturating_add(t.amount);
    }
    // money outside any project, by purpose: counted beside the projects' money, never in it
    let mut funds_by_purpose: BTreeMap<String, Money> = BTreeMap::new();
    let mut funds_total = Money::default();
    for f in b.funds.iter().filter(|f| counts(f)) {
        let e = funds_by_purpose.entry(key(f, "purpose")).or_default();
        *e = e.saturating_add(money(&f["amount"]));
        funds_total = funds_total.saturating_add(money(&f["amount"]));
    }
    let mut outputs: BTreeMap<(String, String), [Qty; 3]> = BTreeMap::new();
    // each output's latest statement: the statements of one output over time are never added together
    let counted_outputs: Vec<&Value> = b.outputs.iter().filter(|o| counts(o)).collect();
    for o in duikou_domain::outputs::latest(&counted_outputs) {
        let e = outputs.entry((key(o, "name"), key(o, "unit"))).or_default();
        for (i, k) in ["planned", "started", "completed"].iter().enumerate() {
            e[i] = e[i].saturating_add(qty(&o[k]));
        }
    }
    let outputs_json: Vec<Value> = outputs
        .iter()
        .map(|((name, unit), [p, s, c])| {
            json!({
                "name": name, "unit": unit, "planned": p, "started": s, "completed": c,
                "start_rate": percent(s.raw(), p.raw()), "completion_rate": percent(c.raw(), s.raw()),
            })
        })
        .collect();
    // a plan counts once, as it states its figures (else as its parts do, when they are all of it); its projects are
    // not added again: the domain's one rule (issue #16 item 3), over the whole record
    let counted_plans: Vec<&Value> = b.plans.iter().filter(|g| counts(g)).collect();
    let counted_funding: Vec<&Value> = b.funding.iter().filter(|f| counts(f)).collect();
    let plans = duikou_domain::plans::Plans::new(
        counted_plans.iter().copied(),
        counted_plans.iter().copied(),
        projects.iter().copied(),
        counted_funding.iter().copied(),
    );
    let own: Vec<&Value> = projects.iter().copied().filter(|p| plans.holder(p).is_none()).collect();
    let plan_money = |field: &str| -> Option<Money> { plans.top_total(field).map(|t| Money::from_fen(t.value())) };
    let plan_projects: Option<i64> = plans.top_total("project_count").map(|t| t.value());
    // a total a plan leaves unknown is no figure at all (null), never the part that happens to be recorded
    let with_plans = |field: &str| -> Value {
        plan_money(field)
            .map(|m| {
                own.iter()
                    .map(|p| money(&p[field]))
                    .sum::<Money>()
                    .saturating_add(m)
                    .to_string()
            })
            .map(Value::from)
            .unwrap_or(Value::Null)
    };
    let total_investment = with_plans("total_investment");
    // the part known when a plan leaves the total unknown, with the plans it leaves out by name (the domain's rule,
    // as the summary tells it: "项目总投资（不含未记录总投资的“…”）")
    let investment_known = plans.known("total_investment");
    let total_investment_known = own
        .iter()
        .map(|p| money(&p["total_investment"]))
        .sum::<Money>()
        .saturating_add(Money::from_fen(investment_known.total.value()));
    let leveraged = with_plans("leveraged_investment");
    let mut needs_by_status: BTreeMap<String, i64> = BTreeMap::new();
    for n in b.needs {
        *needs_by_status.entry(key(n, "status")).or_default() += 1;
    }
    let mut agreements_by_kind: BTreeMap<String, i64> = BTreeMap::new();
    for a in b.agreements {
        let tier = a["tier"]
            .as_str()
            .map(|t| format!("{}:{t}", key(a, "kind")))
            .unwrap_or_else(|| key(a, "kind"));
        *agreements_by_kind.entry(tier).or_default() += 1;
    }
    // beside each total, its qualifier and range as a record carries them (`hours_approx`, `person_times_upper`)
    let mut approx_json = Map::new();
    for (q, t) in &approx_totals {
        let f = t.figure();
        if let Some(w) = f.qualifier {
            approx_json.insert(format!("{q}_approx"), Value::from(w.word()));
        }
        if let Some(u) = f.upper {
            let v = if *q == "amount" {
                Value::from(Money::from_fen(u).to_string())
            } else {
                Value::from(u)
            };
            approx_json.insert(format!("{q}_upper"), v);
        }
    }
    let money_map = |m: &BTreeMap<String, Money>| -> Value {
        Value::Object(m.iter().map(|(k, v)| (k.clone(), Value::from(v.to_string()))).collect())
    };
    let mut totals = json!({
        "only_confirmed": b.only_confirmed,
        "people": {
            "persons": persons.len(),
            "dispatches": dispatches.len(),
            "by_role": by_role.iter().map(|(k, v)| (k.clone(), Value::from(v.len()))).collect::<Map<_, _>>(),
            "batches_by_role": batches.iter().map(|(k, v)| (k.clone(), Value::from(v.len()))).collect::<Map<_, _>>(),
            "postgraduates": postgraduates,
            "senior_titles": senior,
            "average_birth_year": if birth_years.is_empty() { Value::Null } else { Value::from(birth_years.iter().sum::<i64>() / birth_years.len() as i64) },
        },
        "activities": {
            "count": b.activities.iter().filter(|a| counts(a)).count(),
            "by_kind": act_by_kind,
            "person_times": sums.get("person_times").copied().unwrap_or(0),
            "sessions": sums.get("sessions").copied().unwrap_or(0),
            "courses": sums.get("courses").copied().unwrap_or(0),
            "hours": sums.get("hours").copied().unwrap_or(0),
            "items": sums.get("items").copied().unwrap_or(0),
            "amount": act_amount.to_string(),
        },
        "projects": {
            "count": projects.len(),
            "livelihood": livelihood,
            "by_category": by_category,
            "started": started,
            "completed": completed,
            "start_rate": percent(started, projects.len() as i64),
            "completion_rate": percent(completed, started),
            "total_investment": total_investment,
            "total_investment_known": total_investment_known.to_string(),
            "total_investment_left_out": investment_known.left_out_names(),
            "leveraged_investment": leveraged,
            "plans": {
                "count": plans.top.len(),
                "project_count": plan_projects,
                "projects_outside_plans": own.len(),
                "aid_amount": plan_money("aid_amount").map(|m| m.to_string()),
            },
            "funding_by_source": money_map(&funding_by_source),
            "transactions": tx.iter().map(|(k, m)| (k.clone(), money_map(m))).collect::<Map<_, _>>(),
            "outputs": outputs_json,
        },
        "funds": {
            "count": b.funds.iter().filter(|f| counts(f)).count(),
            "amount": funds_total.to_string(),
            "by_purpose": money_map(&funds_by_purpose),
        },
        "needs_by_status": needs_by_status,
        "agreements_by_kind": agreements_by_kind,
    });
    if let Some(a) = totals["activities"].as_object_mut() {
        a.extend(approx_json);
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_whole_percents() {
        let outputs = vec![
            json!({"project_id": 1, "name": "安居富民房", "unit": "户", "planned": 8640, "started": 9426, "completed": 5780, "confirmation": "confirmed"}),
        ];
        let t = pairing_totals(&Bundle {
            agreements: &[],
            needs: &[],
            plans: &[],
            projects: &[],
            funding: &[],
            transactions: &[],
            funds: &[],
            outputs: &outputs,
            dispatches: &[],
            people: &[],
            activities: &[],
            only_confirmed: true,
        });
        let o = &t["projects"]["outputs"][0];
        assert_eq!(o["start_rate"], 109);
        // 竣工率 is completed over started, as the seeds count it (5780 / 9426 → 61%)
        assert_eq!(o["completion_rate"], 61);
    }
}
