//! （三）援建项目与资金, the money given outside any project (课题经费, 公益金, 培养资金 …): its total, its parts by
//! purpose, and what it was for.

use crate::figures::Figures;
use crate::pool::Pool;
use crate::rec::{id, ids, label, money, money_sum};
use crate::words::para;
use crate::{zh, SummaryInput};
use duikou_domain::record::Rec;
use duikou_domain::schema;
use duikou_report::{Block, Span};

/// Money given outside any project (课题经费, 公益金, 培养资金 …: issue #16 item 4), counted once by its own date:
/// the total, its parts by purpose, and what it was for, each amount as written.
pub(crate) fn funds(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let funds = pool.in_period("funds");
    if funds.is_empty() {
        return Vec::new();
    }
    let mut spans = vec![Span::text(if input.whole_term {
        "项目之外安排资金"
    } else {
        "本期项目之外安排资金"
    })];
    spans.push(figs.span(
        "funds.total",
        "项目外资金",
        zh::money_total(&money_sum(&funds, "amount")),
        ids("funds", &funds),
    ));
    let purposes: Vec<(&str, Vec<&Rec>)> = schema::FUND_PURPOSES
        .iter()
        .map(|(code, _)| {
            let of: Vec<&Rec> = funds.iter().copied().filter(|f| f["purpose"] == *code).collect();
            (*code, of)
        })
        .filter(|(_, of)| !of.is_empty())
        .collect();
    if purposes.len() > 1 {
        spans.push(Span::text("，其中"));
        for (i, (code, of)) in purposes.iter().enumerate() {
            let name = label("funds", "purpose", code);
            if i > 0 {
                spans.push(Span::text("、"));
            }
            spans.push(Span::text(name.clone()));
            spans.push(figs.span(
                &format!("funds.{code}"),
                &name,
                zh::money_total(&money_sum(of, "amount")),
                ids("funds", of),
            ));
        }
    }
    // what each was for, the largest first, at most eight named
    let mut named: Vec<&Rec> = funds.clone();
    named.sort_by_key(|f| std::cmp::Reverse(money(&f["amount"]).fen()));
    spans.push(Span::text("，用于"));
    for (i, f) in named.iter().take(8).enumerate() {
        if i > 0 {
            spans.push(Span::text("、"));
        }
        let source = f["source"]
            .as_str()
            .filter(|s| *s != "supporter")
            .map(|s| label("funds", "source", s));
        spans.push(Span::text(format!(
            "{}{}（",
            f["title"].as_str().unwrap_or(""),
            source.map(|s| format!("，{s}")).unwrap_or_default()
        )));
        spans.push(figs.span(
            &format!("funds.item.{}", id(f)),
            f["title"].as_str().unwrap_or("项目外资金"),
            zh::money_total(&money_sum(&[*f], "amount")),
            ids("funds", &[*f]),
        ));
        spans.push(Span::text("）"));
    }
    if named.len() > 8 {
        spans.push(Span::text(format!("等{}项", named.len())));
    }
    spans.push(Span::text("。"));
    vec![para(spans)]
}
