//! （三）援建项目与资金, money as it moved: the period's transactions (资金往来), read typed — commitments (计划)
//! and disbursements (到位), each counted once by its own date, the rate between them, and the chart by year and
//! source.

use crate::figures::Figures;
use crate::words::para;
use crate::zh;
use crate::HeldTransaction;
use chrono::Datelike;
use duikou_domain::approx::Total;
use duikou_domain::entities::{Coded, FundingSource, Transaction, TransactionKind, Typed};
use duikou_domain::Money;
use duikou_report::{Block, Chart, ChartKind, Series, Span};
use std::collections::{BTreeMap, BTreeSet};

/// The period's counted transactions by kind.
pub(crate) struct Flows<'a> {
    committed: Vec<&'a HeldTransaction>,
    disbursed: Vec<&'a HeldTransaction>,
}

impl<'a> Flows<'a> {
    /// The commitments and the disbursements among `txs` (spending is not told here).
    pub(crate) fn of(txs: &[&'a HeldTransaction]) -> Flows<'a> {
        let of_kind = |k: TransactionKind| txs.iter().copied().filter(|t| t.kind == k).collect::<Vec<_>>();
        Flows {
            committed: of_kind(TransactionKind::Commitment),
            disbursed: of_kind(TransactionKind::Disbursement),
        }
    }
}

/// The amounts of transactions, approximate when one of them is, by [`Total`]'s rule.
fn sum(v: &[&HeldTransaction]) -> Total {
    v.iter().map(|t| t.amount_figure()).collect()
}

/// Transactions as the `(entity, id)` a figure carries.
fn refs(v: &[&HeldTransaction]) -> Vec<(&'static str, i64)> {
    v.iter().map(|t| (Transaction::ENTITY, t.id.0)).collect()
}

/// Money as it moved in the period: commitments (计划) and disbursements (到位), each by its own date, and the rate.
pub(crate) fn flows_para(whole: bool, flows: &Flows, figs: &mut Figures) -> Option<Block> {
    let (committed, disbursed) = (&flows.committed, &flows.disbursed);
    if committed.is_empty() && disbursed.is_empty() {
        return None;
    }
    let mut spans = vec![Span::text(if whole {
        "资金往来："
    } else {
        "本期资金往来："
    })];
    if !committed.is_empty() {
        spans.push(Span::text("计划投资"));
        spans.push(figs.span(
            "money.committed",
            "计划投资",
            zh::money_total(&sum(committed)),
            refs(committed),
        ));
    }
    if !disbursed.is_empty() {
        if !committed.is_empty() {
            spans.push(Span::text("，"));
        }
        spans.push(Span::text("拨付到位"));
        spans.push(figs.span(
            "money.disbursed",
            "到位资金",
            zh::money_total(&sum(disbursed)),
            refs(disbursed),
        ));
    }
    if !committed.is_empty() && !disbursed.is_empty() {
        if let Some(r) = zh::percent(sum(disbursed).value(), sum(committed).value()) {
            spans.push(Span::text("，到位率"));
            let both: Vec<&HeldTransaction> = committed.iter().chain(disbursed).copied().collect();
            spans.push(figs.span("money.disbursed_rate", "到位率", r, refs(&both)));
        }
    }
    spans.push(Span::text("。"));
    Some(para(spans))
}

/// Money by year and source, from disbursements (else commitments): the same transactions as the prose.
pub(crate) fn money_chart(flows: &Flows, figs: &mut Figures) -> Option<Block> {
    let (kind, chosen) = if flows.disbursed.is_empty() {
        (TransactionKind::Commitment, &flows.committed)
    } else {
        (TransactionKind::Disbursement, &flows.disbursed)
    };
    // by source (in the order of its code, as the chart has always listed them), then by year
    let mut grid: BTreeMap<&'static str, (FundingSource, BTreeMap<i32, i64>)> = BTreeMap::new();
    for t in chosen.iter() {
        let cell = grid
            .entry(t.source.code())
            .or_insert_with(|| (t.source, BTreeMap::new()))
            .1
            .entry(t.date.first.year())
            .or_default();
        *cell = cell.saturating_add(t.amount.fen());
    }
    if grid.is_empty() {
        return None;
    }
    let shown: i64 = grid
        .values()
        .flat_map(|(_, m)| m.values())
        .fold(0i64, |a, b| a.saturating_add(*b));
    let (key, name) = match kind {
        TransactionKind::Disbursement => ("money.disbursed", "到位资金"),
        _ => ("money.committed", "计划投资"),
    };
    figs.note(key, name, zh::money(Money::from_fen(shown)), refs(chosen));
    let years: BTreeSet<i32> = grid.values().flat_map(|(_, m)| m.keys().copied()).collect();
    Some(Block::Chart(Chart {
        title: format!("资金按年度和来源（{}）", kind.label_zh()),
        kind: ChartKind::StackedBar,
        categories: years.iter().map(|y| format!("{y}年")).collect(),
        series: grid
            .values()
            .map(|(source, m)| Series {
                name: source.label_zh().to_string(),
                values: years
                    .iter()
                    .map(|y| *m.get(y).unwrap_or(&0) as f64 / 1_000_000.0)
                    .collect(),
            })
            .collect(),
        unit: "万元".into(),
    }))
}
