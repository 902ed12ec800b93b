//! The yearly tasks (任务清单) of the period and where they stand, at the end of 二、工作开展情况.

use crate::figures::Figures;
use crate::words::para;
use crate::{SummaryInput, TaskItem};
use duikou_report::{Block, Span};
use std::collections::BTreeMap;

/// The yearly tasks of the period, by year and authority: each unit's task, its target and where it stands
/// ("2014年国家体育总局下达年度任务3项：群众体育司“捐赠健身路径器材”，目标10套，完成10套，已完成；…").
pub(crate) fn tasks_prose(input: &SummaryInput, figs: &mut Figures) -> Vec<Block> {
    let mut by: BTreeMap<(i32, &str), Vec<&TaskItem>> = BTreeMap::new();
    for t in &input.tasks {
        by.entry((t.year, t.authority.as_str())).or_default().push(t);
    }
    let mut out = Vec::new();
    for ((year, authority), tasks) in by {
        let mut spans = vec![Span::text(format!(
            "{year}年{authority}下达年度任务{}项：",
            tasks.len()
        ))];
        for (i, t) in tasks.iter().enumerate() {
            if i > 0 {
                spans.push(Span::text("；"));
            }
            spans.push(Span::text(format!("{}“{}”", t.org, t.title)));
            if let Some(target) = &t.target {
                spans.push(Span::text("，目标"));
                spans.push(figs.span(
                    &format!("unit_tasks.{}.target", t.id),
                    &format!("{}年度任务目标（{}）", t.org, t.title),
                    target.clone(),
                    vec![("unit_tasks", t.id)],
                ));
                if !t.actual.is_empty() {
                    spans.push(Span::text(format!("，完成{}", t.actual)));
                }
            }
            spans.push(Span::text(format!("，{}", t.status)));
        }
        spans.push(Span::text("。"));
        out.push(para(spans));
    }
    out
}
