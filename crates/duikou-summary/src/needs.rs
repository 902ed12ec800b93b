//! （五）落实受援方需求 and （六）主要做法与经验: the receivers' needs met, and the practices worth telling.

use crate::figures::Figures;
use crate::pool::Pool;
use crate::rec::ids;
use crate::words::para;
use duikou_domain::record::Rec;
use duikou_report::{Block, Span};

/// 落实受援方需求: the needs raised in the period.
pub(crate) fn needs(pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let needs = pool.in_period("needs");
    if needs.is_empty() {
        return Vec::new();
    }
    let met: Vec<&Rec> = needs.iter().copied().filter(|n| n["status"] == "met").collect();
    let going: Vec<&Rec> = needs.iter().copied().filter(|n| n["status"] == "in_progress").collect();
    vec![para(vec![
        Span::text("受援方提出需求"),
        figs.span(
            "needs.count",
            "受援方需求",
            format!("{}项", needs.len()),
            ids("needs", &needs),
        ),
        Span::text("，已满足"),
        figs.span(
            "needs.met",
            "已满足需求",
            format!("{}项", met.len()),
            ids("needs", &met),
        ),
        Span::text("，正在落实"),
        figs.span(
            "needs.in_progress",
            "落实中需求",
            format!("{}项", going.len()),
            ids("needs", &going),
        ),
        Span::text("。"),
    ])]
}

/// 主要做法与经验: the practices users wrote down.
pub(crate) fn highlights(pool: &Pool) -> Vec<Block> {
    let items: Vec<String> = pool
        .in_period("notes")
        .into_iter()
        .filter(|n| n["kind"] == "highlight")
        .filter_map(|n| n["text"].as_str().map(str::to_string))
        .collect();
    if items.is_empty() {
        Vec::new()
    } else {
        vec![Block::List { items }]
    }
}
