//! Plans and batches (援建计划/批次) in a summary: the domain's one rule ([`duikou_domain::plans`]) over the
//! summary's period and the facts it counts.

use crate::figures::Figures;
use crate::pool::Pool;
use crate::rec::{id, ids, label};
use crate::words::{fmt_date, joined, para};
use crate::zh;
use duikou_domain::approx;
use duikou_domain::record::Rec;
use duikou_domain::schema::FieldKind;
use duikou_report::{Block, Cell, Column, ColumnKind, Span, Table};
use std::collections::HashMap;

pub(crate) type Plans<'a> = duikou_domain::plans::Plans<'a, Rec>;

/// The plans of the pool: those placed in its period stand for their parts.
pub(crate) fn of<'a>(pool: &Pool<'a>) -> Plans<'a> {
    let counted = |entity: &str| -> Vec<&'a Rec> { pool.all(entity).into_iter().filter(|r| pool.counts(r)).collect() };
    Plans::new(
        counted("project_groups"),
        pool.in_period("project_groups"),
        counted("projects"),
        counted("project_funding"),
    )
}

/// The plans and batches of the period: a table of each (its years, count and money as written) and, for a plan
/// with category shares, a sentence of them ("其中民生·安居19.5亿元、…").
pub(crate) fn plan_blocks(pool: &Pool, plans: &Plans, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    blocks.extend(plans_para(plans, figs));
    blocks.push(plans_table(plans));
    blocks.extend(shares_paras(pool, plans, figs));
    blocks
}

/// A plan's years: "2013年", "2011年—2015年".
fn plan_years(g: &Rec) -> String {
    let start = g["start_on"].as_str().map(fmt_date).unwrap_or_default();
    match g["end_on"].as_str() {
        Some(e) => format!("{start}—{}", fmt_date(e)),
        None => start,
    }
}

/// Each plan in words, with its count and money as it states them ("“2013年度援疆项目”（2013年）安排项目300项，
/// 援助资金42.33亿元").
fn plans_para(plans: &Plans, figs: &mut Figures) -> Option<Block> {
    let mut told: Vec<Vec<Span>> = Vec::new();
    for g in plans.in_period.values() {
        let name = g["name"].as_str().unwrap_or("");
        let mut figures: Vec<(&str, &str, String)> = Vec::new();
        let kinds = g["category_count"].as_i64().filter(|n| *n > 0);
        if let Some(n) = kinds {
            figures.push(("category_count", "安排项目", format!("{n}类")));
        }
        if let Some(f) = approx::figure_of(FieldKind::Int, *g, "project_count") {
            let what = if kinds.is_some() { "" } else { "安排项目" };
            figures.push(("project_count", what, approx::written(FieldKind::Int, f, "项")));
        }
        for (field, what) in [
            ("aid_amount", "援助资金"),
            ("total_investment", "计划总投资"),
            ("leveraged_investment", "带动投资"),
        ] {
            if let Some(f) = approx::figure_of(FieldKind::Money, *g, field) {
                figures.push((field, what, approx::written(FieldKind::Money, f, "")));
            }
        }
        if figures.is_empty() {
            continue;
        }
        let mut spans = vec![Span::text(format!("“{name}”（{}）", plan_years(g)))];
        for (i, (field, what, text)) in figures.into_iter().enumerate() {
            // "安排4类" then "6项" with no comma between: one phrase
            let sep = if i > 0 && !what.is_empty() { "，" } else { "" };
            spans.push(Span::text(format!("{sep}{what}")));
            spans.push(figs.span(
                &format!("plans.{}.{field}", id(*g)),
                &format!("{name}{}", if what.is_empty() { "项目数" } else { what }),
                text,
                ids("project_groups", &[*g]),
            ));
        }
        told.push(spans);
    }
    if told.is_empty() {
        return None;
    }
    let mut spans = joined("援建计划/批次：", told, "；");
    spans.push(Span::text("。"));
    Some(para(spans))
}

/// The table of the plans: years, parent, count and money as written.
fn plans_table(plans: &Plans) -> Block {
    let column = |header: &str, kind: ColumnKind| Column {
        header: header.into(),
        kind,
    };
    let money_cell = |g: &Rec, field: &str| match approx::figure_of(FieldKind::Money, g, field) {
        None => Cell::Empty,
        Some(f) if f.is_exact() => Cell::Money(f.value),
        Some(f) => Cell::Text(zh::money_total(&[f].into_iter().collect())),
    };
    Block::Table(Table {
        title: "援建计划/批次".into(),
        columns: vec![
            column("计划/批次", ColumnKind::Text),
            column("年度", ColumnKind::Text),
            column("所属上级计划", ColumnKind::Text),
            column("项目数", ColumnKind::Text),
            column("援助资金", ColumnKind::Money),
            column("总投资", ColumnKind::Money),
            column("带动投资", ColumnKind::Money),
        ],
        rows: plans
            .in_period
            .values()
            .map(|g| {
                vec![
                    Cell::Text(g["name"].as_str().unwrap_or("").into()),
                    Cell::Text(plan_years(g)),
                    Cell::Text(plans.parent_name(g).unwrap_or("").into()),
                    Cell::Text(
                        approx::figure_of(FieldKind::Int, *g, "project_count")
                            .map(|f| approx::written(FieldKind::Int, f, "项"))
                            .unwrap_or_default(),
                    ),
                    money_cell(g, "aid_amount"),
                    money_cell(g, "total_investment"),
                    money_cell(g, "leveraged_investment"),
                ]
            })
            .collect(),
    })
}

/// Each plan's shares by category in a sentence ("“…”按类别：民生·安居19.5亿元、…").
fn shares_paras(pool: &Pool, plans: &Plans, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    // the shares by plan, gathered once
    let mut shares: HashMap<i64, Vec<&Rec>> = HashMap::new();
    for s in pool.all("project_group_shares").into_iter().filter(|s| pool.counts(s)) {
        shares.entry(s["group_id"].as_i64().unwrap_or(0)).or_default().push(s);
    }
    for g in plans.in_period.values() {
        let Some(mine) = shares.get(&id(*g)) else {
            continue;
        };
        let mut spans = vec![Span::text(format!("“{}”按类别：", g["name"].as_str().unwrap_or("")))];
        for (i, sh) in mine.iter().enumerate() {
            if i > 0 {
                spans.push(Span::text("，"));
            }
            let cat = label(
                "project_group_shares",
                "category",
                sh["category"].as_str().unwrap_or(""),
            );
            let mut told = Vec::new();
            if let Some(f) = approx::figure_of(FieldKind::Int, *sh, "project_count") {
                told.push(approx::written(FieldKind::Int, f, "项"));
            }
            // one share's money as recorded, its own qualifier kept (1.5多亿元)
            if let Some(f) = approx::figure_of(FieldKind::Money, *sh, "aid_amount") {
                told.push(approx::written(FieldKind::Money, f, "元"));
            }
            spans.push(Span::text(cat.clone()));
            spans.push(figs.span(
                &format!("plans.share.{}.{}", id(g), sh["category"].as_str().unwrap_or("")),
                &format!("{}{cat}", g["name"].as_str().unwrap_or("")),
                told.join("、"),
                ids("project_group_shares", &[*sh]),
            ));
        }
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }
    blocks
}
