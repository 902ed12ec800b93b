//! （三）援建项目与资金, the outputs (产出: 安居房, 学校, 培养人才 …): planned, started and completed, each output's
//! latest statement in the period.

use crate::figures::Figures;
use crate::pool::Pool;
use crate::rec::ids;
use crate::words::para;
use crate::zh;
use duikou_domain::approx::{self, Figure as Fig, Total};
use duikou_domain::record::Rec;
use duikou_domain::schema::FieldKind;
use duikou_report::{Block, Span};
use std::collections::{BTreeMap, BTreeSet};

/// Outputs: planned / started / completed, as of a day in the period, one sentence per output and unit. Each output's
/// latest statement in the period: statements of one output are never added together.
pub(crate) fn outputs_blocks(pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let outputs = duikou_domain::outputs::latest(&pool.in_period("outputs"));
    let mut by_output: BTreeMap<(String, String), Vec<&Rec>> = BTreeMap::new();
    for o in &outputs {
        by_output
            .entry((
                o["name"].as_str().unwrap_or("").to_string(),
                o["unit"].as_str().unwrap_or("").to_string(),
            ))
            .or_default()
            .push(o);
    }
    by_output
        .iter()
        .map(|((name, unit), v)| output_para(name, unit, v, figs))
        .collect()
}

/// One output's planned / started / completed sentence.
fn output_para(name: &str, unit: &str, v: &[&Rec], figs: &mut Figures) -> Block {
    // each stage's total as its records state it, qualifier and range kept (计划100—200名); `None` when no record
    // gives the stage
    let total = |f: &str| -> Option<Fig> {
        let given: Vec<Fig> = v
            .iter()
            .filter_map(|o| approx::figure_of(FieldKind::Qty, *o, f))
            .collect();
        (!given.is_empty()).then(|| given.into_iter().collect::<Total>().figure())
    };
    let (p, s, c) = (total("planned"), total("started"), total("completed"));
    let nonzero = |f: &Option<Fig>| f.is_some_and(|f| f.value > 0 || f.upper.is_some_and(|u| u > 0));
    let show = |f: Option<Fig>| approx::written(FieldKind::Qty, f.unwrap_or(Fig::exact(0)), unit);
    // a rate from exact figures only: a range or an 约 has no one rate
    let rate = |num: Option<Fig>, den: Option<Fig>| match (num, den) {
        (Some(n), Some(d)) if n.is_exact() && d.is_exact() => zh::percent(n.value, d.value),
        _ => None,
    };
    let mut spans = vec![Span::text(name.to_string())];
    // the same output counted in two units (安居富民房 in 套 in one pairing, in 户 in another) is two measures
    let key = format!("outputs.{name}.{unit}");
    // a quantity whose stage the source does not say ("安居富民3400户") is told as such, never as completed
    let reported: Vec<Fig> = v
        .iter()
        .filter_map(|o| approx::figure_of(FieldKind::Qty, *o, "reported"))
        .collect();
    if !reported.is_empty() {
        let total: Total = reported.into_iter().collect();
        spans.push(figs.span(
            &format!("{key}.reported"),
            &format!("{name}（未注明阶段）"),
            approx::written(FieldKind::Qty, total.figure(), unit),
            ids("outputs", v),
        ));
        if !nonzero(&p) && !nonzero(&s) && !nonzero(&c) {
            spans.push(Span::text("（未注明计划、开工或竣工）。"));
            return para(spans);
        }
        spans.push(Span::text("（未注明阶段），另"));
    }
    if nonzero(&p) {
        spans.extend(planned_spans(name, unit, &key, v, show(p), figs));
    }
    // a stage is told only where every record of the output gives it: 廉租房 planned 1000 and completed 1300, its
    // start not given, is never "已开工0套"
    let known = |f: &str| v.iter().all(|o| !o[f].is_null());
    let (told_s, told_c) = (known("started"), known("completed"));
    if told_s {
        spans.push(Span::text("已开工"));
        spans.push(figs.span(
            &format!("{key}.started"),
            &format!("{name}开工"),
            show(s),
            ids("outputs", v),
        ));
        if let Some(r) = rate(s, p) {
            spans.push(Span::text("，开工率达"));
            spans.push(figs.span(
                &format!("{key}.start_rate"),
                &format!("{name}开工率"),
                r,
                ids("outputs", v),
            ));
        }
        spans.push(Span::text("，"));
    }
    if told_c {
        spans.push(Span::text("竣工"));
        spans.push(figs.span(
            &format!("{key}.completed"),
            &format!("{name}竣工"),
            show(c),
            ids("outputs", v),
        ));
        if let Some(r) = rate(c, s).filter(|_| told_s) {
            spans.push(Span::text("，竣工率"));
            spans.push(figs.span(
                &format!("{key}.completion_rate"),
                &format!("{name}竣工率"),
                r,
                ids("outputs", v),
            ));
        }
    }
    // "计划建设1000套，" with nothing after it ends the sentence
    if let Some(last) = spans.last_mut().filter(|l| l.figure.is_none()) {
        if let Some(cut) = last.text.strip_suffix('，') {
            last.text = cut.to_string();
        }
    }
    spans.push(Span::text("。"));
    para(spans)
}

/// The planned stage of an output, with a figure of each unit when every record that gives one gives the same.
fn planned_spans(name: &str, unit: &str, key: &str, v: &[&Rec], planned: String, figs: &mut Figures) -> Vec<Span> {
    let mut spans = Vec::new();
    // people are planned, not built (计划100—200名 科技英才)
    let people = matches!(unit, "名" | "人" | "人次" | "位");
    spans.push(Span::text(if people { "计划" } else { "计划建设" }));
    spans.push(figs.span(
        &format!("{key}.planned"),
        &format!("{name}计划"),
        planned,
        ids("outputs", v),
    ));
    // a figure of each unit, when every record that gives one gives the same ("每名培养期6—12个月")
    let per_unit: BTreeSet<String> = v
        .iter()
        .filter_map(|o| {
            let what = o["per_unit_what"].as_str()?;
            let fig = approx::figure_of(FieldKind::Qty, *o, "per_unit")?;
            let of = o["per_unit_unit"].as_str()?;
            Some(format!("{what}{}", approx::written(FieldKind::Qty, fig, of)))
        })
        .collect();
    let givers: Vec<&Rec> = v.iter().copied().filter(|o| !o["per_unit"].is_null()).collect();
    if let (1, Some(each)) = (per_unit.len(), per_unit.first()) {
        spans.push(Span::text(format!("（每{unit}")));
        spans.push(figs.span(
            &format!("{key}.per_unit"),
            &format!("{name}每{unit}"),
            each.clone(),
            ids("outputs", &givers),
        ));
        spans.push(Span::text("）"));
    }
    spans.push(Span::text("，"));
    spans
}
