//! The appendix 附表 数字来源: each figure with the records behind it, by what a person knows them by.

use crate::pool::{held_recs, recs_of, Pool};
use crate::rec::id;
use crate::Figure;
use duikou_domain::entities::{Activity, Transaction, Typed};
use duikou_domain::record::Rec;
use duikou_domain::schema;
use duikou_report::{Cell, Column, ColumnKind, Table};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How many of a figure's records per kind are looked at for names in the appendix.
pub(crate) const NAMED: usize = 20;

/// What a person knows each record of the figures' appendix by, in a few words: its name or title; the person for
/// a dispatch or a stay; the project for money and outputs; else its date. Only the first [`NAMED`] records of each
/// kind in each figure are named, each kind read once.
fn record_names<'a>(pool: &Pool<'a>, figures: &[Figure]) -> HashMap<(&'static str, i64), String> {
    let mut wanted: BTreeMap<&'static str, HashSet<i64>> = BTreeMap::new();
    for f in figures {
        let mut per: BTreeMap<&'static str, usize> = BTreeMap::new();
        for (e, i) in f.records.iter() {
            let n = per.entry(e).or_default();
            if *n < NAMED {
                wanted.entry(e).or_default().insert(i);
                *n += 1;
            }
        }
    }
    let mut dispatch_person: HashMap<i64, i64> = HashMap::new();
    let mut person_name: HashMap<i64, &str> = HashMap::new();
    if wanted.contains_key("dispatches") || wanted.contains_key("stints") {
        for d in pool.all("dispatches") {
            if let Some(p) = d["person_id"].as_i64() {
                dispatch_person.insert(id(d), p);
            }
        }
        for p in pool.all("people") {
            if let Some(n) = p["name"].as_str() {
                person_name.insert(id(p), n);
            }
        }
    }
    let person = |dispatch: &Value| {
        dispatch
            .as_i64()
            .and_then(|d| dispatch_person.get(&d))
            .and_then(|p| person_name.get(p))
            .map(|n| n.to_string())
    };
    let text = |v: &Value| v.as_str().map(str::to_string);
    let mut out = HashMap::new();
    if let Some(ids) = wanted.get("pairings") {
        for b in &pool.input.pairings {
            let pid = b.pairing["id"].as_i64().unwrap_or(0);
            if ids.contains(&pid) {
                let side = |o: &Value| o["name"].as_str().unwrap_or("").to_string();
                out.insert(
                    ("pairings", pid),
                    format!("{}→{}", side(&b.supporter), side(&b.receiver)),
                );
            }
        }
    }
    if let Some(ids) = wanted.get("unit_tasks") {
        for t in pool.input.tasks.iter().filter(|t| ids.contains(&t.id)) {
            out.insert(("unit_tasks", t.id), format!("{}“{}”", t.org, t.title));
        }
    }
    // the activities and transactions named, seen generically: a figure's many are read typed, and only these are
    // copied
    let activities = match wanted.get(Activity::ENTITY) {
        Some(ids) => recs_of(&pool.activities().find(ids)),
        None => Vec::new(),
    };
    let transactions = match wanted.get(Transaction::ENTITY) {
        Some(ids) => held_recs(
            pool.input
                .pairings
                .iter()
                .flat_map(|p| &p.transactions)
                .filter(|t| ids.contains(&t.id.0)),
        ),
        None => Vec::new(),
    };
    for (e, ids) in &wanted {
        let records: Vec<&Rec> = match *e {
            "activities" => activities.iter().collect(),
            "transactions" => transactions.iter().collect(),
            _ => pool.all(e),
        };
        for r in records.into_iter().filter(|r| ids.contains(&id(*r))) {
            let named = text(&r["name"]).or_else(|| text(&r["title"])).or_else(|| match *e {
                "dispatches" => person(&r["id"]),
                "stints" => person(&r["dispatch_id"]),
                "project_funding" | "transactions" | "outputs" => pool
                    .projects
                    .get(&r["project_id"].as_i64().unwrap_or(0))
                    .and_then(|p| text(&p["name"])),
                _ => None,
            });
            let date = ["start_date", "date", "as_of", "start_on", "period"]
                .iter()
                .find_map(|f| text(&r[*f]));
            let name = match (named, date) {
                (Some(n), Some(d)) if matches!(*e, "stints" | "transactions") => format!("{n}（{d}）"),
                (Some(n), _) => n,
                (None, Some(d)) => d,
                (None, None) => String::new(),
            };
            out.insert((*e, id(r)), name);
        }
    }
    out
}

/// 附表 数字来源: each figure, its value, and the records behind it by what a person knows them by.
pub(crate) fn appendix(pool: &Pool, figures: &[Figure]) -> Vec<Table> {
    let names = record_names(pool, figures);
    vec![Table {
        title: "附表 数字来源".into(),
        columns: vec![
            Column {
                header: "指标".into(),
                kind: ColumnKind::Text,
            },
            Column {
                header: "数值".into(),
                kind: ColumnKind::Text,
            },
            Column {
                header: "依据记录".into(),
                kind: ColumnKind::Text,
            },
        ],
        rows: figures
            .iter()
            .map(|f| {
                // of each kind, how many and the first to be named
                let mut by_entity: BTreeMap<&str, (usize, Vec<i64>)> = BTreeMap::new();
                for (e, i) in f.records.iter() {
                    let (n, first) = by_entity.entry(e).or_default();
                    *n += 1;
                    if first.len() < NAMED {
                        first.push(i);
                    }
                }
                // the records by what a person knows them by (a name, a title, a person, a date), never an id
                let src: Vec<String> = by_entity
                    .iter()
                    .map(|(e, (n, v))| {
                        let label = schema::entity(e).map(|d| d.label).unwrap_or(e);
                        let mut shown: Vec<String> = Vec::new();
                        for i in v {
                            let n = names.get(&(*e, *i)).cloned().unwrap_or_default();
                            if !n.is_empty() && !shown.contains(&n) && shown.len() < 5 {
                                shown.push(n);
                            }
                        }
                        let count = if *n > shown.len() || shown.is_empty() {
                            format!("等{n}条")
                        } else {
                            String::new()
                        };
                        format!("{label}：{}{count}", shown.join("、"))
                    })
                    .collect();
                vec![
                    Cell::Text(f.label.clone()),
                    Cell::Text(f.value.clone()),
                    Cell::Text(src.join("；")),
                ]
            })
            .collect(),
    }]
}
