//! Gathering what a 工作总结 covers: the pairings of a scope, their records, obligation results and the receivers'
//! indicators, handed to the pure writer in duikou-summary.

use crate::db::Arg;
use crate::{ListQuery, Result, Store, StoreError};
use chrono::NaiveDate;
use duikou_domain::{Calendar, Period};
use duikou_summary::{PairingBundle, SummaryInput};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a summary is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One pairing.
    Pairing(i64),
    /// Every pairing of a program.
    Program(i64),
    /// Every pairing an org (or an org below it) supports or receives.
    Org(i64),
    /// Every pairing whose receiver sits in a region (or below it).
    Region(String),
}

impl std::str::FromStr for Scope {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Scope> {
        let bad = || {
            StoreError::invalid(
                "scope",
                "scope",
                format!("范围（scope）应为 pairing:编号、program:编号、org:编号 或 region:区划代码，收到“{s}”"),
            )
        };
        let (kind, value) = s.split_once(':').ok_or_else(bad)?;
        let num = || value.parse::<i64>().ok().filter(|v| *v > 0).ok_or_else(bad);
        match kind {
            "pairing" => Ok(Scope::Pairing(num()?)),
            "program" => Ok(Scope::Program(num()?)),
            "org" => Ok(Scope::Org(num()?)),
            "region" if value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Scope::Region(value.into()))
            }
            _ => Err(bad()),
        }
    }
}

/// The entities a summary reads for each pairing.
const SUMMARY_ENTITIES: &[&str] = &[
    "agreements",
    "projects",
    "project_funding",
    "transactions",
    "outputs",
    "dispatches",
    "stints",
    "appraisals",
    "activities",
    "needs",
    "notes",
];

impl Store {
    async fn scope_pairings(&self, scope: &Scope) -> Result<(String, Vec<Value>)> {
        match scope {
            Scope::Pairing(id) => {
                let p = self.get("pairings", *id).await?;
                let s = self.get("orgs", p["supporter_org_id"].as_i64().unwrap_or(0)).await?;
                let r = self.get("orgs", p["receiver_org_id"].as_i64().unwrap_or(0)).await?;
                let title = format!(
                    "{}对口支援{}",
                    s["name"].as_str().unwrap_or(""),
                    r["name"].as_str().unwrap_or("")
                );
                Ok((title, vec![p]))
            }
            Scope::Program(id) => {
                let prog = self.get("programs", *id).await?;
                Ok((
                    format!("“{}”", prog["name"].as_str().unwrap_or("")),
                    self.list_all("pairings", "program_id", *id).await?,
                ))
            }
            Scope::Org(id) => {
                let org = self.get("orgs", *id).await?;
                let below = self.org_and_below(*id).await?;
                let mut out = Vec::new();
                for field in ["supporter_org_id", "receiver_org_id"] {
                    for o in &below {
                        for p in self.list_all("pairings", field, *o).await? {
                            if !out.iter().any(|x: &Value| x["id"] == p["id"]) {
                                out.push(p);
                            }
                        }
                    }
                }
                Ok((format!("{}对口支援", org["name"].as_str().unwrap_or("")), out))
            }
            Scope::Region(code) => {
                let regions = self.region_and_below(code).await?;
                let name = self
                    .list(
                        "regions",
                        &ListQuery {
                            filters: [("code".to_string(), code.clone())].into(),
                            ..Default::default()
                        },
                    )
                    .await?
                    .items
                    .first()
                    .and_then(|r| r["name"].as_str().map(str::to_string))
                    .ok_or_else(|| {
                        StoreError::invalid("scope", "unknown_reference", format!("找不到代码为 {code} 的行政区划"))
                    })?;
                let mut out = Vec::new();
                for r in &regions {
                    let q = ListQuery {
                        filters: [("region_code".to_string(), r.clone())].into(),
                        per_page: Some(500),
                        ..Default::default()
                    };
                    for org in self.list("orgs", &q).await?.items {
                        out.extend(
                            self.list_all("pairings", "receiver_org_id", org["id"].as_i64().unwrap_or(0))
                                .await?,
                        );
                    }
                }
                Ok((format!("对口支援{name}"), out))
            }
        }
    }

    async fn org_and_below(&self, id: i64) -> Result<Vec<i64>> {
        let rows = self
            .db()
            .fetch(
                "WITH RECURSIVE s(id) AS (SELECT CAST($1 AS BIGINT) UNION SELECT o.id FROM orgs o JOIN s ON o.parent_id = s.id) SELECT id FROM s",
                &[crate::db::Arg::Int(Some(id))],
                &[crate::db::Kind::Int],
            )
            .await?;
        Ok(rows.iter().filter_map(|r| r[0].int()).collect())
    }

    async fn region_and_below(&self, code: &str) -> Result<Vec<String>> {
        let rows = self
            .db()
            .fetch(
                "WITH RECURSIVE s(code) AS (SELECT CAST($1 AS TEXT) UNION SELECT r.code FROM regions r JOIN s ON r.parent_code = s.code) SELECT code FROM s",
                &[crate::db::Arg::Text(Some(code.into()))],
                &[crate::db::Kind::Text],
            )
            .await?;
        Ok(rows.iter().filter_map(|r| r[0].text().map(str::to_string)).collect())
    }

    /// Everything the summary writer needs for a scope and period, judged as of `as_of`.
    pub async fn summary_input(&self, scope: &Scope, period: &Period, as_of: NaiveDate) -> Result<SummaryInput> {
        let (scope_title, pairings) = self.scope_pairings(scope).await?;
        if pairings.is_empty() {
            return Err(StoreError::invalid("scope", "empty", "该范围内没有结对关系"));
        }
        let first_program = self
            .get("programs", pairings[0]["program_id"].as_i64().unwrap_or(0))
            .await?;
        let calendar: Calendar = serde_json::from_value(first_program["calendar"].clone()).unwrap_or_default();
        let term = match (
            first_program["start_date"]
                .as_str()
                .and_then(duikou_domain::validate::parse_date),
            first_program["end_date"]
                .as_str()
                .and_then(duikou_domain::validate::parse_date),
        ) {
            (Some(a), Some(b)) => Some((a, b)),
            (Some(a), None) => Some((a, as_of.max(a))),
            _ => None,
        };
        let bounds = period.bounds(&calendar, term).ok_or_else(|| {
            StoreError::invalid(
                "period",
                "period",
                "“term”需要计划有开始日期；请给出具体期间，如 2014-2015",
            )
        })?;
        // every entity read once for all the scope's pairings, then dealt out by pairing
        let ids: Vec<i64> = pairings.iter().filter_map(|p| p["id"].as_i64()).collect();
        let by_id = |rows: Vec<Value>| -> HashMap<i64, Value> {
            rows.into_iter().map(|r| (r["id"].as_i64().unwrap_or(0), r)).collect()
        };
        let linked = |field: &str| -> Vec<i64> {
            let set: BTreeSet<i64> = pairings.iter().filter_map(|p| p[field].as_i64()).collect();
            set.into_iter().collect()
        };
        let programs = by_id(self.all_where_in("programs", "id", &linked("program_id")).await?);
        let mut org_ids = linked("supporter_org_id");
        org_ids.extend(linked("receiver_org_id"));
        let orgs = by_id(self.all_where_in("orgs", "id", &org_ids).await?);
        let mut records: HashMap<i64, HashMap<String, Vec<Value>>> = HashMap::new();
        let within = [Arg::Date(Some(bounds.0)), Arg::Date(Some(bounds.1))];
        for e in SUMMARY_ENTITIES {
            // the many dated records are read for the period only, as the writer keeps them (undated ones always)
            let (and, args): (&str, &[Arg]) = match *e {
                "activities" | "stints" => (
                    "start_date IS NULL OR (start_date <= $2 AND COALESCE(end_date, start_date) >= $1)",
                    &within,
                ),
                "transactions" => ("date IS NULL OR (date >= $1 AND date <= $2)", &within),
                "outputs" => ("as_of IS NULL OR (as_of >= $1 AND as_of <= $2)", &within),
                _ => ("", &[]),
            };
            for r in self.all_where_in_and(e, "pairing_id", &ids, and, args).await? {
                let p = r["pairing_id"].as_i64().unwrap_or(0);
                records.entry(p).or_default().entry(e.to_string()).or_default().push(r);
            }
        }
        let person_ids: BTreeSet<i64> = records
            .values()
            .flat_map(|m| m.get("dispatches").into_iter().flatten())
            .filter_map(|d| d["person_id"].as_i64())
            .collect();
        let people = by_id(
            self.all_where_in("people", "id", &person_ids.into_iter().collect::<Vec<_>>())
                .await?,
        );
        // the receivers' indicator values, by org and by region, with their definitions
        let receivers = linked("receiver_org_id");
        let mut values_of_org: HashMap<i64, Vec<Value>> = HashMap::new();
        for v in self.all_where_in("indicator_values", "org_id", &receivers).await? {
            values_of_org
                .entry(v["org_id"].as_i64().unwrap_or(0))
                .or_default()
                .push(v);
        }
        let mut indicator_defs: HashMap<i64, Value> = HashMap::new();
        // obligation results: those kept for today where the summary is written today, else evaluated
        let mut results: HashMap<i64, Vec<duikou_domain::engine::ObligationResult>> = HashMap::new();
        let mut of_program: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for p in &pairings {
            of_program
                .entry(p["program_id"].as_i64().unwrap_or(0))
                .or_default()
                .push(p["id"].as_i64().unwrap_or(0));
        }
        for (program, list) in &of_program {
            for a in self.assess_pairings_in(*program, list, Some(period), as_of).await? {
                results.insert(a.pairing_id, a.results);
            }
        }
        let mut bundles = Vec::new();
        for pairing in pairings {
            let pid = pairing["id"].as_i64().unwrap_or(0);
            let program = programs
                .get(&pairing["program_id"].as_i64().unwrap_or(0))
                .cloned()
                .unwrap_or(Value::Null);
            let org = |field: &str| {
                let id = pairing[field].as_i64().unwrap_or(0);
                orgs.get(&id).cloned().ok_or(StoreError::NotFound { label: "单位", id })
            };
            let (supporter, receiver) = (org("supporter_org_id")?, org("receiver_org_id")?);
            let mut mine = records.remove(&pid).unwrap_or_default();
            for e in SUMMARY_ENTITIES {
                mine.entry(e.to_string()).or_default();
            }
            let mut people_of = Vec::new();
            for d in mine.get("dispatches").into_iter().flatten() {
                let person = d["person_id"].as_i64().unwrap_or(0);
                if !people_of.iter().any(|p: &Value| p["id"].as_i64() == Some(person)) {
                    people_of.push(people.get(&person).cloned().ok_or(StoreError::NotFound {
                        label: "人员",
                        id: person,
                    })?);
                }
            }
            mine.insert("people".into(), people_of);
            let mut indicators = values_of_org
                .get(&receiver["id"].as_i64().unwrap_or(0))
                .cloned()
                .unwrap_or_default();
            if let Some(code) = receiver["region_code"].as_str() {
                let q = ListQuery {
                    filters: [("region_code".to_string(), code.to_string())].into(),
                    per_page: Some(500),
                    ..Default::default()
                };
                indicators.extend(self.list("indicator_values", &q).await?.items);
            }
            for v in &mut indicators {
                let iid = v["indicator_id"].as_i64().unwrap_or(0);
                let definition = match indicator_defs.get(&iid) {
                    Some(d) => d.clone(),
                    None => {
                        let d = self.get("indicators", iid).await?;
                        indicator_defs.insert(iid, d.clone());
                        d
                    }
                };
                v["indicator"] = definition;
            }
            bundles.push(PairingBundle {
                results: results.remove(&pid).unwrap_or_default(),
                pairing,
                program,
                supporter,
                receiver,
                records: mine,
                indicators,
            });
        }
        Ok(SummaryInput {
            scope_title,
            period_label: period.label_zh(),
            period: bounds,
            pairings: bundles,
            written_on: as_of,
        })
    }
}
