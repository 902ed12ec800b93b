//! （三）援建项目与资金, the projects: how many were new, carried on and completed, the key ones, their outputs
//! and the table of projects.

use crate::figures::Figures;
use crate::flows::{flows_para, money_chart, Flows};
use crate::outputs::outputs_blocks;
use crate::plans::{self, plan_blocks};
use crate::pool::Pool;
use crate::rec::{date, id, ids, label, money, money_sum};
use crate::words::{date_cell, joined, para};
use crate::{zh, SummaryInput};
use chrono::NaiveDate;
use duikou_domain::approx::{self, Figure as Fig, Total};
use duikou_domain::record::Rec;
use duikou_domain::schema::{self, FieldKind};
use duikou_report::{Block, Cell, Chart, ChartKind, Column, ColumnKind, Series, Span, Table};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Whether a project record stands for a yearly plan or batch of many projects (a 项目组: its 计划批次 gives a count,
/// "2013年度（300项）"). Until groups are their own records (issue #16), a sum over such a record and others may count
/// the same projects twice.
fn is_group(p: &Rec) -> bool {
    p["plan_batch"]
        .as_str()
        .is_some_and(|b| b.contains("项）") || b.contains("项)"))
}

/// Whether a sum over these projects' records would add a group to its possible members: then it is left out.
fn mixes_groups(projects: &[&Rec]) -> bool {
    let groups = projects.iter().filter(|p| is_group(p)).count();
    groups > 0 && projects.len() > 1
}

/// The projects of the period as the genre slices them (新安排, 续建, 竣工, 已开工), as of the period's end.
struct Slices<'a> {
    /// Every project of the period, those a plan holds included (the table lists them all).
    listed: Vec<&'a Rec>,
    /// The projects counted on their own: a project a plan of the period holds is counted in the plan, not again.
    projects: Vec<&'a Rec>,
    new: Vec<&'a Rec>,
    carried: Vec<&'a Rec>,
    completed: Vec<&'a Rec>,
    started: Vec<&'a Rec>,
    /// Whether a group is counted with other projects: then neither their number nor their money is summed.
    counted_together: bool,
    /// Whether the period is the whole term.
    whole: bool,
    /// The period's last day.
    to: NaiveDate,
}

impl<'a> Slices<'a> {
    /// The slices of the projects listed in the period.
    fn of(input: &SummaryInput, pool: &Pool<'a>, plans: &plans::Plans<'a>, listed: Vec<&'a Rec>) -> Slices<'a> {
        let projects: Vec<&Rec> = listed.iter().copied().filter(|p| plans.holder(p).is_none()).collect();
        let new: Vec<&Rec> = projects.iter().copied().filter(|p| pool.is_new(p)).collect();
        let carried: Vec<&Rec> = projects
            .iter()
            .copied()
            .filter(|p| !pool.is_new(p) && pool.is_carried(p))
            .collect();
        let mut s = Slices {
            counted_together: mixes_groups(&projects),
            listed,
            projects,
            new,
            carried,
            completed: Vec::new(),
            started: Vec::new(),
            whole: input.whole_term,
            to: input.period.1,
        };
        s.completed = s.projects.iter().copied().filter(|p| s.done_by(p)).collect();
        s.started = s.projects.iter().copied().filter(|p| s.begun_by(p)).collect();
        s
    }

    /// Whether a project was completed by the period's end (a project of the period completed by then was completed
    /// in it: it was planned before it was completed).
    fn done_by(&self, p: &Rec) -> bool {
        date(&p["completed_on"]).is_some_and(|d| d.last() <= self.to)
    }

    /// Whether a project was started by the period's end: a completed project was, whether or not its start date was
    /// recorded.
    fn begun_by(&self, p: &Rec) -> bool {
        date(&p["started_on"]).is_some_and(|d| d.last() <= self.to) || self.done_by(p)
    }
}

/// （三）援建项目与资金: projects told as the genre tells them per period — 新安排, 续建, 竣工 — and money counted
/// when it moved: a project's plan money when it is planned, transactions by their own dates.
pub(crate) fn projects(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    let plans = plans::of(pool);
    let listed = pool.in_period("projects");
    let txs = pool.transactions_in_period();
    if listed.is_empty() && txs.is_empty() && plans.top.is_empty() {
        return blocks;
    }
    let s = Slices::of(input, pool, &plans, listed);
    if !s.projects.is_empty() && s.counted_together {
        blocks.push(groups_para(&s));
    } else if !s.projects.is_empty() || !plans.top.is_empty() {
        let mut spans = new_spans(&s, &plans, figs);
        spans.extend(progress_spans(&s, &plans, figs));
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }
    // the money of the projects planned in the period, once
    let new_ids: BTreeSet<i64> = s.new.iter().map(id).collect();
    let funding: Vec<&Rec> = pool
        .in_period("project_funding")
        .into_iter()
        .filter(|f| new_ids.contains(&f["project_id"].as_i64().unwrap_or(0)))
        .collect();
    blocks.extend(money_para(pool, &s, &plans, &funding, figs));
    blocks.extend(key_projects(&s.new, &funding, figs));
    // money as it moved: commitments (计划) and disbursements (到位), each by its own date
    let flows = Flows::of(&txs);
    blocks.extend(flows_para(s.whole, &flows, figs));
    blocks.extend(outputs_blocks(pool, figs));
    if !plans.in_period.is_empty() {
        blocks.extend(plan_blocks(pool, &plans, figs));
    }
    if !s.listed.is_empty() {
        blocks.push(project_table(pool, &plans, &s.listed, &funding, s.counted_together));
    }
    blocks.extend(money_chart(&flows, figs));
    if !s.projects.is_empty() && !s.counted_together {
        blocks.push(progress_chart(&s, &plans, figs));
    }
    blocks
}

/// Groups counted with other projects: no number and no sum, and why.
fn groups_para(s: &Slices) -> Block {
    let names: Vec<String> = s
        .projects
        .iter()
        .filter(|p| is_group(p))
        .filter_map(|p| p["name"].as_str().map(|n| format!("“{n}”")))
        .collect();
    para(vec![Span::text(format!(
        "记录中{}为年度计划或项目批次（项目组），与其他项目记录可能重叠，现有记录尚不能区分，\
         为免重复计算，本总结不汇总项目个数和项目总投资，分项情况见表3。",
        names.join("、")
    ))])
}

/// The projects planned in the period ("本期新安排援建项目12个"), each plan counted as its number of projects, and
/// the livelihood projects among them.
fn new_spans(s: &Slices, plans: &plans::Plans, figs: &mut Figures) -> Vec<Span> {
    let (new, whole) = (&s.new, s.whole);
    let livelihood: Vec<&Rec> = new
        .iter()
        .copied()
        .filter(|p| schema::is_livelihood(p["category"].as_str().unwrap_or("")))
        .collect();
    let lead = if whole {
        "累计安排援建项目"
    } else {
        "本期新安排援建项目"
    };
    let label_new = if whole { "援建项目" } else { "新安排项目" };
    // each plan counts as its number of projects; a plan whose count is not recorded leaves the total unknown
    let counts: Vec<Option<Total>> = plans.top.iter().map(|g| plans.figure(g, "project_count")).collect();
    let mut spans = Vec::new();
    if plans.top.is_empty() {
        spans.push(Span::text(lead));
        spans.push(figs.span(
            "projects.new",
            label_new,
            format!("{}个", new.len()),
            ids("projects", new),
        ));
    } else {
        let names: Vec<String> = plans
            .top
            .iter()
            .filter_map(|g| g["name"].as_str().map(|n| format!("“{n}”")))
            .collect();
        let mut refs = ids("project_groups", &plans.top);
        refs.extend(ids("projects", new));
        if counts.iter().all(Option::is_some) {
            let mut total: Total = counts.iter().flatten().copied().fold(Total::new(), |mut a, t| {
                a.merge(t);
                a
            });
            total.add(Fig::exact(new.len() as i64));
            spans.push(Span::text(lead));
            spans.push(figs.span(
                "projects.new",
                label_new,
                format!("{}个", zh::count_total(&total)),
                refs,
            ));
            spans.push(Span::text(format!("（含{}", names.join("、"))));
            if !new.is_empty() {
                spans.push(Span::text(format!("，另单列项目{}个", new.len())));
            }
            spans.push(Span::text("）"));
        } else {
            spans.push(Span::text(format!(
                "{lead}计划/批次{}个（{}，部分未记录项目数）",
                plans.top.len(),
                names.join("、")
            )));
            if !new.is_empty() {
                spans.push(Span::text("，另单列项目"));
                spans.push(figs.span(
                    "projects.new",
                    label_new,
                    format!("{}个", new.len()),
                    ids("projects", new),
                ));
            }
        }
    }
    if !livelihood.is_empty() && plans.top.is_empty() {
        spans.push(Span::text("，其中民生项目"));
        spans.push(figs.span(
            "projects.livelihood",
            "民生项目",
            format!("{}个", livelihood.len()),
            ids("projects", &livelihood),
        ));
    }
    spans
}

/// The projects carried on, completed and started, with the rates of starting and completing.
fn progress_spans(s: &Slices, plans: &plans::Plans, figs: &mut Figures) -> Vec<Span> {
    let (projects, carried, completed, started, whole) = (&s.projects, &s.carried, &s.completed, &s.started, s.whole);
    let mut spans = Vec::new();
    // without plans the clauses speak of every project; with them, of the projects told on their own
    let who = if plans.top.is_empty() { "" } else { "单列项目中" };
    if !projects.is_empty() {
        if !whole {
            spans.push(Span::text(format!("；{who}续建项目")));
            spans.push(figs.span(
                "projects.carried",
                "续建项目",
                format!("{}个", carried.len()),
                ids("projects", carried),
            ));
        }
        spans.push(Span::text(format!(
            "；{who}{}",
            if whole { "已竣工" } else { "本期竣工" }
        )));
        spans.push(figs.span(
            "projects.completed",
            "竣工项目",
            format!("{}个", completed.len()),
            ids("projects", completed),
        ));
        spans.push(Span::text(if !who.is_empty() {
            "，已开工"
        } else if whole {
            "；累计已开工"
        } else {
            "；上述项目中已开工"
        }));
        spans.push(figs.span(
            "projects.started",
            "已开工项目",
            format!("{}个", started.len()),
            ids("projects", started),
        ));
        let rates = plans.top.is_empty();
        if let Some(rate) = zh::percent(started.len() as i64, projects.len() as i64).filter(|_| rates) {
            spans.push(Span::text("，开工率"));
            spans.push(figs.span("projects.start_rate", "项目开工率", rate, ids("projects", projects)));
        }
        if let Some(rate) = zh::percent(completed.len() as i64, started.len() as i64).filter(|_| rates) {
            spans.push(Span::text("，竣工率"));
            spans.push(figs.span("projects.completion_rate", "项目竣工率", rate, ids("projects", started)));
        }
    }
    spans
}

/// The money of the projects planned in the period, once: their total investment, their money by source (援助资金
/// first) and the investment they brought along. A plan's money once, as it states it (else as its parts do), with
/// the projects told on their own; a total that leaves out a plan whose figure is not recorded says so, naming the
/// plan (the domain's one rule).
fn money_para(pool: &Pool, s: &Slices, plans: &plans::Plans, funding: &[&Rec], figs: &mut Figures) -> Option<Block> {
    let (new, whole) = (&s.new, s.whole);
    let mut parts: Vec<Vec<Span>> = Vec::new();
    let with_investment: Vec<&Rec> = new
        .iter()
        .copied()
        .filter(|p| money(&p["total_investment"]).fen() > 0)
        .collect();
    let plan_investment = plans.known("total_investment");
    if (!with_investment.is_empty() || !plan_investment.counted.is_empty()) && !mixes_groups(&with_investment) {
        let mut total = money_sum(&with_investment, "total_investment");
        total.merge(plan_investment.total);
        let mut refs = ids("project_groups", &plan_investment.counted);
        refs.extend(ids("projects", &with_investment));
        parts.push(vec![
            Span::text(format!(
                "{}{}",
                if whole {
                    "项目总投资"
                } else {
                    "新安排项目总投资"
                },
                plan_investment.left_out_words("总投资")
            )),
            figs.span("money.total_investment", "项目总投资", zh::money_total(&total), refs),
        ]);
    }
    parts.extend(source_parts(pool, plans, funding, whole, figs));
    let leveraged: Vec<&Rec> = new
        .iter()
        .copied()
        .filter(|p| money(&p["leveraged_investment"]).fen() > 0)
        .collect();
    let plan_leveraged = plans.known("leveraged_investment");
    if (!leveraged.is_empty() || !plan_leveraged.counted.is_empty()) && !mixes_groups(&leveraged) {
        let mut lev = money_sum(&leveraged, "leveraged_investment");
        lev.merge(plan_leveraged.total);
        let mut lev_refs = ids("project_groups", &plan_leveraged.counted);
        lev_refs.extend(ids("projects", &leveraged));
        parts.push(vec![
            Span::text(format!("带动投资{}", plan_leveraged.left_out_words("带动投资"))),
            figs.span("money.leveraged", "带动投资", zh::money_total(&lev), lev_refs),
        ]);
    }
    if parts.is_empty() {
        return None;
    }
    let mut spans = Vec::new();
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::text("，"));
        }
        spans.extend(p);
    }
    spans.push(Span::text("。"));
    Some(para(spans))
}

/// The money of the new projects by source, 援助资金 first (with the plans' aid), then the other sources in the
/// schema's order; a source whose sum would add a group to other projects' money is left out.
fn source_parts(
    pool: &Pool,
    plans: &plans::Plans,
    funding: &[&Rec],
    whole: bool,
    figs: &mut Figures,
) -> Vec<Vec<Span>> {
    let project_of = |f: &&Rec| pool.projects.get(&f["project_id"].as_i64().unwrap_or(0)).copied();
    // a sum is left out when it would add a group to other projects' money
    let safe = |v: &[&Rec]| {
        let behind: BTreeMap<i64, &Rec> = v.iter().filter_map(project_of).map(|p| (id(p), p)).collect();
        !mixes_groups(&behind.into_values().collect::<Vec<_>>())
    };
    let mut by_source: BTreeMap<String, Vec<&Rec>> = BTreeMap::new();
    for f in funding {
        by_source
            .entry(f["source"].as_str().unwrap_or("").to_string())
            .or_default()
            .push(f);
    }
    let order = |s: &str| schema::FUNDING_SOURCES.iter().position(|(k, _)| *k == s);
    let plan_aid = plans.known("aid_amount");
    if !plan_aid.counted.is_empty() {
        by_source.entry("supporter".to_string()).or_default();
    }
    let mut sources: Vec<(&String, &Vec<&Rec>)> = by_source.iter().collect();
    sources.sort_by_key(|(s, _)| order(s));
    let mut parts = Vec::new();
    for (src, v) in sources {
        if !safe(v) {
            continue;
        }
        let mut m = money_sum(v, "amount");
        let mut refs = ids("project_funding", v);
        if src == "supporter" {
            m.merge(plan_aid.total);
            refs.extend(ids("project_groups", &plan_aid.counted));
        }
        let name = label("project_funding", "source", src);
        let (key, lead) = if src == "supporter" {
            (
                "money.supporter".to_string(),
                format!(
                    "{}{}",
                    if whole {
                        "累计投入援助资金"
                    } else {
                        "援助资金"
                    },
                    plan_aid.left_out_words("援助资金")
                ),
            )
        } else {
            (format!("money.{src}"), name.clone())
        };
        parts.push(vec![
            Span::text(lead),
            figs.span(&key, &name, zh::money_total(&m), refs),
        ]);
    }
    parts
}

/// The projects' progress as a pie: each project in exactly one slice, as of the period's end. A project completed
/// counts as 竣工 even when its start date was never recorded (the demo's 温州→拜城 kindergarten); the slices are the
/// prose's figures.
fn progress_chart(s: &Slices, plans: &plans::Plans, figs: &mut Figures) -> Block {
    let projects = &s.projects;
    let status_counts = [
        ("立项", projects.iter().filter(|p| !s.begun_by(p)).count()),
        (
            "在建",
            projects.iter().filter(|p| s.begun_by(p) && !s.done_by(p)).count(),
        ),
        ("竣工", s.completed.len()),
    ];
    figs.note(
        "projects.completed",
        "竣工项目",
        format!("{}个", status_counts[2].1),
        ids("projects", &s.completed),
    );
    Block::Chart(Chart {
        title: if plans.top.is_empty() {
            "项目进展".into()
        } else {
            "项目进展（单列项目）".into()
        },
        kind: ChartKind::Pie,
        categories: status_counts.iter().map(|(l, _)| l.to_string()).collect(),
        series: vec![Series {
            name: "项目数".into(),
            values: status_counts.iter().map(|(_, n)| *n as f64).collect(),
        }],
        unit: "个".into(),
    })
}

/// At most this many projects are told one by one with their money.
const PROJECTS_TOLD: usize = 10;

/// 重点项目: the largest projects planned in the period told one by one, each with its total investment and its money
/// by source as recorded ("吐鲁番实验中学总投资2.6亿元，其中援助资金3700万元"). Plans and batches are told apart.
fn key_projects(new: &[&Rec], funding: &[&Rec], figs: &mut Figures) -> Vec<Block> {
    let mut by_project: HashMap<i64, Vec<&Rec>> = HashMap::new();
    for f in funding {
        by_project
            .entry(f["project_id"].as_i64().unwrap_or(0))
            .or_default()
            .push(f);
    }
    let order = |s: &str| schema::FUNDING_SOURCES.iter().position(|(k, _)| *k == s);
    let mut told: Vec<(i64, Vec<Span>)> = Vec::new();
    for p in new.iter().copied().filter(|p| !is_group(p)) {
        let total = approx::figure_of(FieldKind::Money, p, "total_investment").filter(|f| f.value > 0);
        let mut parts = by_project.get(&id(p)).cloned().unwrap_or_default();
        parts.retain(|f| money(&f["amount"]).fen() > 0);
        if total.is_none() && parts.is_empty() {
            continue;
        }
        parts.sort_by_key(|f| order(f["source"].as_str().unwrap_or("")));
        let name = p["name"].as_str().unwrap_or("");
        let mut spans = vec![Span::text(name.to_string())];
        let mut size = 0;
        if let Some(t) = total {
            size = t.value;
            spans.push(Span::text("总投资"));
            spans.push(figs.span(
                &format!("projects.total_investment.{}", id(p)),
                &format!("{name}总投资"),
                approx::written(FieldKind::Money, t, ""),
                ids("projects", &[p]),
            ));
        }
        for (i, f) in parts.iter().enumerate() {
            let Some(fig) = approx::figure_of(FieldKind::Money, *f, "amount") else {
                continue;
            };
            size = size.max(fig.value);
            let source = label("project_funding", "source", f["source"].as_str().unwrap_or(""));
            spans.push(Span::text(match (i, total.is_some()) {
                (0, true) => format!("，其中{source}"),
                (0, false) => source.clone(),
                _ => format!("、{source}"),
            }));
            spans.push(figs.span(
                &format!("project_funding.{}", id(*f)),
                &format!("{name}{source}"),
                approx::written(FieldKind::Money, fig, ""),
                ids("project_funding", &[*f]),
            ));
        }
        told.push((size, spans));
    }
    if told.is_empty() {
        return Vec::new();
    }
    told.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
    let more = told.len().saturating_sub(PROJECTS_TOLD);
    let mut spans = joined("重点项目：", told.into_iter().take(PROJECTS_TOLD).map(|(_, p)| p), "；");
    if more > 0 {
        spans.push(Span::text(format!("；其余{more}个项目见援建项目表")));
    }
    spans.push(Span::text("。"));
    vec![para(spans)]
}

/// 表3: the projects of the period, with the money of those planned in it (a 续建 or 竣工 project's money was counted
/// when it was planned, so its cells stay empty here).
fn project_table(pool: &Pool, plans: &plans::Plans, projects: &[&Rec], funding: &[&Rec], groups: bool) -> Block {
    let mut support_of: HashMap<i64, Total> = HashMap::new();
    for f in funding.iter().filter(|f| f["source"] == "supporter") {
        if let (Some(p), Some(fig)) = (
            f["project_id"].as_i64(),
            approx::figure_of(FieldKind::Money, *f, "amount"),
        ) {
            support_of.entry(p).or_default().add(fig);
        }
    }
    let column = |header: &str, kind: ColumnKind| Column {
        header: header.into(),
        kind,
    };
    Block::Table(Table {
        title: if groups {
            "表3 援建项目（含项目组，金额不可相加）".into()
        } else {
            "表3 援建项目".into()
        },
        columns: vec![
            column("项目", ColumnKind::Text),
            column("类别", ColumnKind::Text),
            column("所属计划/批次", ColumnKind::Text),
            column("本期", ColumnKind::Text),
            column("总投资", ColumnKind::Money),
            column("援助资金", ColumnKind::Money),
            column("开工", ColumnKind::Text),
            column("竣工", ColumnKind::Text),
        ],
        rows: projects
            .iter()
            .map(|p| {
                let new = pool.is_new(p);
                let mut stage = Vec::new();
                if new {
                    stage.push("新安排");
                } else if pool.is_carried(p) {
                    stage.push("续建");
                }
                if pool.is_done(p) {
                    stage.push("竣工");
                }
                // an approximate amount keeps its words in its cell ("约1000万元")
                let cash = |t: Total| match (new, t.is_exact()) {
                    (false, _) => Cell::Empty,
                    (true, true) => Cell::Money(t.value()),
                    (true, false) => Cell::Text(zh::money_total(&t)),
                };
                vec![
                    Cell::Text(p["name"].as_str().unwrap_or("").into()),
                    Cell::Text(label("projects", "category", p["category"].as_str().unwrap_or(""))),
                    Cell::Text(plans.group_name(p).unwrap_or("").into()),
                    Cell::Text(stage.join("、")),
                    cash(money_sum(&[*p], "total_investment")),
                    cash(support_of.get(&id(p)).copied().unwrap_or_default()),
                    date_cell(&p["started_on"]),
                    date_cell(&p["completed_on"]),
                ]
            })
            .collect(),
    })
}
