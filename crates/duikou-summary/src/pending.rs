//! What the period leaves out, stated apart: facts awaiting confirmation, and records it cannot hold (undated, or
//! across its edge).

use crate::figures::Figures;
use crate::pool::{Place, Pool, Standing};
use crate::rec::{label, money, qty};
use crate::words::para;
use crate::zh;
use crate::Records;
use duikou_domain::approx;
use duikou_domain::record::Rec;
use duikou_domain::schema::{self, FieldKind};
use duikou_report::{Block, Span};
use std::collections::BTreeSet;

/// The kinds of fact the receiving side confirms, as the summary names them.
pub(crate) const CONFIRMED_KINDS: &[&str] = &[
    "dispatches",
    "activities",
    "funds",
    "project_groups",
    "project_group_shares",
    "projects",
    "project_funding",
    "transactions",
    "outputs",
    "stints",
];

/// A fact's money as recorded, with its qualifier and range ("1.5多亿元"), if it states any.
fn amount_written(entity: &str, r: &Rec) -> Option<String> {
    let field = match entity {
        "projects" => "total_investment",
        "project_groups" if money(&r["aid_amount"]).fen() > 0 => "aid_amount",
        "project_groups" => "total_investment",
        "project_group_shares" => "aid_amount",
        "project_funding" | "transactions" | "activities" | "funds" => "amount",
        _ => return None,
    };
    approx::figure_of(FieldKind::Money, r, field)
        .filter(|f| f.value > 0)
        .map(|f| approx::written(FieldKind::Money, f, "元"))
}

/// What a fact is, in words, and how much it states ("援建项目“某中学”", "总投资2600万元").
pub(crate) fn describe(pool: &Pool, entity: &str, r: &Rec) -> (String, Option<String>) {
    let project = || {
        pool.projects
            .get(&r["project_id"].as_i64().unwrap_or(0))
            .and_then(|p| p["name"].as_str())
            .map(|n| format!("“{n}”"))
            .unwrap_or_default()
    };
    let name = r["name"].as_str().or_else(|| r["title"].as_str()).unwrap_or("");
    let what = match entity {
        "project_funding" => format!(
            "项目{}的{}",
            project(),
            label("project_funding", "source", r["source"].as_str().unwrap_or(""))
        ),
        "transactions" => format!(
            "项目{}的{}（{}）",
            project(),
            label("transactions", "kind", r["kind"].as_str().unwrap_or("")),
            r["date"].as_str().unwrap_or("")
        ),
        "project_group_shares" => {
            let plan = pool
                .all("project_groups")
                .into_iter()
                .find(|g| g["id"] == r["group_id"])
                .and_then(|g| g["name"].as_str())
                .unwrap_or("");
            format!(
                "援建计划“{plan}”中{}类的援助资金",
                label("project_group_shares", "category", r["category"].as_str().unwrap_or(""))
            )
        }
        "dispatches" => {
            let person = pool
                .all("people")
                .into_iter()
                .find(|p| p["id"] == r["person_id"])
                .and_then(|p| p["name"].as_str())
                .unwrap_or("");
            format!(
                "{}{person}的援派",
                label("dispatches", "role", r["role"].as_str().unwrap_or(""))
            )
        }
        _ => format!("{}“{name}”", schema::entity(entity).map(|d| d.label).unwrap_or(entity)),
    };
    let how_much = if let Some(m) = amount_written(entity, r) {
        Some(m)
    } else if let Some(n) = r["person_times"].as_i64().filter(|n| *n > 0) {
        Some(format!("{n}人次"))
    } else if let Some(n) = r["hours"].as_i64().filter(|n| *n > 0) {
        Some(format!("{n}课时"))
    } else if entity == "outputs" {
        Some(format!(
            "竣工{}{}",
            qty(&r["completed"]),
            r["unit"].as_str().unwrap_or("")
        ))
    } else {
        None
    };
    (what, how_much)
}

/// "另有待受援方确认的…": the pending facts of the period, left out of the totals above and stated apart. Their
/// money is told kind by kind, never added across kinds: a project's total investment, its funding and its
/// payments are the same money seen three ways, as a plan and its shares are.
pub(crate) fn pending(pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut parts: Vec<Vec<Span>> = Vec::new();
    for entity in CONFIRMED_KINDS {
        let entity: &'static str = entity;
        let v = pool.standing_in_period(entity, Standing::Pending);
        if v.is_empty() {
            continue;
        }
        let total = v.amount;
        let refs = v.ids.clone();
        let (what, value) = match entity {
            "dispatches" => {
                let persons: BTreeSet<i64> = v.recs.iter().filter_map(|d| d["person_id"].as_i64()).collect();
                ("援派人员".to_string(), format!("{}名", persons.len()))
            }
            _ => (
                schema::entity(entity).map(|d| d.label).unwrap_or(entity).to_string(),
                format!("{}项", v.len()),
            ),
        };
        let mut part = vec![
            Span::text(what.clone()),
            figs.span(
                &format!("pending.{entity}"),
                &format!("待确认{what}"),
                value,
                refs.clone(),
            ),
        ];
        if total.fen() > 0 {
            part.push(Span::text("（金额"));
            part.push(figs.span(
                &format!("pending.{entity}.amount"),
                &format!("待确认{what}金额"),
                zh::money(total),
                refs,
            ));
            part.push(Span::text("）"));
        }
        parts.push(part);
    }
    if parts.is_empty() {
        return Vec::new();
    }
    let mut spans = vec![Span::text("另有待受援方确认的")];
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::text("、"));
        }
        spans.extend(p);
    }
    spans.push(Span::text("，经受援方确认前未计入以上数字。"));
    vec![para(spans)]
}

/// "另有 N 条记录未注明日期，未计入本期": the counted records a dated period cannot hold, never added silently.
pub(crate) fn apart(pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    const DATED: &[&str] = &[
        "agreements",
        "dispatches",
        "activities",
        "project_groups",
        "projects",
        "transactions",
        "outputs",
        "needs",
    ];
    let mut blocks = Vec::new();
    for (place, key, label, tail) in [
        (
            Place::Undated,
            "apart.undated",
            "未注明日期的记录",
            "未注明日期，未计入本期",
        ),
        (
            Place::Straddles,
            "apart.straddles",
            "跨越本期边界的记录",
            "的日期跨越本期边界（起止跨越本期，或只知年份、月份而该年、该月不全在本期内），无法确定是否属于本期，未计入本期",
        ),
    ] {
        let mut refs = Records::default();
        let mut kinds: Vec<String> = Vec::new();
        for entity in DATED {
            let v = pool.apart(entity, place);
            if !v.is_empty() {
                kinds.push(format!(
                    "{}{}条",
                    schema::entity(entity).map(|d| d.label).unwrap_or(entity),
                    v.len()
                ));
                refs.append(v.ids);
            }
        }
        if refs.is_empty() {
            continue;
        }
        let n = refs.len();
        blocks.push(para(vec![
            Span::text("另有"),
            figs.span(key, label, format!("{n}条"), refs),
            Span::text(format!("记录（{}）{tail}。", kinds.join("、"))),
        ]));
    }
    blocks
}
