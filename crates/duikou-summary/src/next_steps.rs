//! 四、下一步建议: the plans noted, and what the unmet targets ask for.

use crate::pool::Pool;
use crate::words::para;
use crate::SummaryInput;
use duikou_domain::engine::Status;
use duikou_report::{Block, Span};
use std::collections::BTreeSet;

/// 四、下一步建议: the plans noted, then each unmet or late target once; else the customary sentence.
pub(crate) fn next_steps(input: &SummaryInput, pool: &Pool) -> Vec<Block> {
    let mut items: Vec<String> = pool
        .in_period("notes")
        .into_iter()
        .filter(|n| n["kind"] == "plan")
        .filter_map(|n| n["text"].as_str().map(str::to_string))
        .collect();
    let mut seen = BTreeSet::new();
    for p in &input.pairings {
        for r in p.results.iter().filter(|r| r.status == Status::Unmet || r.warning) {
            if seen.insert(r.title.clone()) {
                items.push(format!("抓紧落实“{}”，在下一考核期内补足差距。", r.title));
            }
        }
    }
    if items.is_empty() {
        vec![para(vec![Span::text(
            "继续按照协议和年度计划推进各项工作，巩固已有成效。",
        )])]
    } else {
        vec![Block::List { items }]
    }
}
