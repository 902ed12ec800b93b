//! 三、存在问题: targets unmet or late, facts disputed, needs still open, problems noted.

use crate::figures::Figures;
use crate::pending::{describe, CONFIRMED_KINDS};
use crate::pool::{Pool, Standing, NAMED_APART};
use crate::words::para;
use crate::{Records, SummaryInput};
use duikou_domain::engine::Status;
use duikou_report::{Block, Span};

/// 三、存在问题: each disputed fact named with its reason, then targets unmet or late, needs still open and problems
/// noted; else the customary sentence.
pub(crate) fn problems(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut items = Vec::new();
    for p in &input.pairings {
        for r in &p.results {
            if r.status == Status::Unmet {
                items.push(format!("未完成目标任务：{}。", r.text));
            } else if r.warning {
                items.push(format!("进度滞后（预警）：{}。", r.text));
            }
        }
    }
    // each disputed fact named: what, how much, which record, and the receiving side's reason (the first
    // NAMED_APART of them: over a program's term they may be tens of thousands; all are in the count)
    let mut blocks = Vec::new();
    let mut disputed_items = Vec::new();
    let mut refs = Records::default();
    for entity in CONFIRMED_KINDS {
        let told = pool.standing_in_period(entity, Standing::Disputed);
        for r in told.recs {
            if disputed_items.len() == NAMED_APART {
                break;
            }
            let (what, how_much) = describe(pool, entity, r);
            let how_much = how_much.map(|m| format!("（{m}）")).unwrap_or_default();
            let reason = r["dispute_reason"]
                .as_str()
                .filter(|t| !t.trim().is_empty())
                .map(|t| format!("异议理由：{t}"))
                .unwrap_or_else(|| "未写明异议理由".into());
            disputed_items.push(format!(
                "受援方对{what}{how_much}提出异议，未计入本总结的任何数字；{reason}。"
            ));
        }
        refs.append(told.ids);
    }
    if !refs.is_empty() {
        let unnamed = refs.len() - disputed_items.len();
        blocks.push(para(vec![
            Span::text("受援方对支援方填报的"),
            figs.span(
                "confirmations.disputed",
                "有异议的记录",
                format!("{}条", refs.len()),
                refs,
            ),
            Span::text(if unnamed == 0 {
                "记录提出异议，尚待双方核实："
            } else {
                "记录提出异议，尚待双方核实，以下列出其中一部分："
            }),
        ]));
        if unnamed > 0 {
            disputed_items.push(format!(
                "另有{unnamed}条有异议的记录未逐条列出，同样未计入本总结的任何数字。"
            ));
        }
        blocks.push(Block::List { items: disputed_items });
    }
    let open_needs: Vec<String> = pool
        .in_period("needs")
        .into_iter()
        .filter(|n| matches!(n["status"].as_str(), Some("open") | Some("in_progress")))
        .filter_map(|n| n["title"].as_str().map(|t| format!("受援方需求“{t}”尚未满足。")))
        .collect();
    items.extend(open_needs);
    items.extend(
        pool.in_period("notes")
            .into_iter()
            .filter(|n| n["kind"] == "problem")
            .filter_map(|n| n["text"].as_str().map(str::to_string)),
    );
    if items.is_empty() && blocks.is_empty() {
        blocks.push(para(vec![Span::text(
            "本期目标任务均已完成或仍在进行中，未发现需要特别说明的问题。",
        )]));
    }
    if !items.is_empty() {
        blocks.push(Block::List { items });
    }
    blocks
}
