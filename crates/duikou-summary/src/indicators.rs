//! The receivers' and the region's indicators told in words, before and after (前后对比), in 一、基本情况.

use crate::figures::Figures;
use crate::words::{based_period_words, para, when_words};
use crate::{IndicatorValue, PairingBundle, SummaryInput, PAIRINGS_TIMED};
use chrono::NaiveDate;
use duikou_domain::approx;
use duikou_domain::schema::FieldKind;
use duikou_domain::Qty;
use duikou_report::{Block, Cell, Chart, ChartKind, Column, ColumnKind, Series, Span, Table};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Whom an indicator value describes: the receiver itself (its own value, or its region's when it is that region's
/// government), or the area it lies in, by the area's name when the input carries it (a town's health centre is not
/// the county's 50万 people: "九龙镇：户数4729户", "绵竹市：人口50.1万人").
pub(crate) fn whose(p: &PairingBundle, v: &IndicatorValue) -> String {
    let receiver = p.receiver["name"].as_str().unwrap_or("");
    let governs = matches!(p.receiver["kind"].as_str(), Some("government" | "command"));
    let own_region = v.region_code.as_deref() == p.receiver["region_code"].as_str();
    if v.org_id.is_some() || v.region_code.is_none() || (governs && (own_region || v.region_name.is_none())) {
        receiver.to_string()
    } else if let Some(area) = &v.region_name {
        area.clone()
    } else {
        format!("{receiver}所在地区")
    }
}

/// A period's first and last day.
type Bounds = (NaiveDate, NaiveDate);

/// An indicator's values with their periods' bounds, by the indicator's name.
type ValuesByName<'a> = Vec<(&'a str, Vec<(Bounds, &'a IndicatorValue)>)>;

/// The receivers' indicators told in words, each with its values from the last one before the period to the last one
/// in it, oldest first (前后对比: "城镇登记失业率2010年为近4%、2014年为2%"), with the qualifier and unit recorded.
/// Statistics of the aid itself (`aid_…`) are not told: the record's own figures say those.
pub(crate) fn indicator_prose(input: &SummaryInput, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    // a program's hundreds of receivers are left to the table: the prose tells a few
    if input.pairings.len() > PAIRINGS_TIMED {
        return blocks;
    }
    let mut seen = BTreeSet::new();
    let mut comparisons: Vec<(String, String, &IndicatorValue, &IndicatorValue)> = Vec::new();
    for p in &input.pairings {
        if !seen.insert((p.receiver["name"].as_str().unwrap_or(""), Arc::as_ptr(&p.indicators))) {
            continue;
        }
        // (whose, indicator name) → [(period bounds, value)]: the receiver's own values, then its area's
        let mut by: BTreeMap<(String, &str), Vec<(Bounds, &IndicatorValue)>> = BTreeMap::new();
        for v in p.indicators.iter() {
            if v.of_the_aid() {
                continue;
            }
            let Some(b) = v
                .period
                .parse::<duikou_domain::Period>()
                .ok()
                .and_then(|x| x.bounds(&Default::default(), None))
            else {
                continue;
            };
            // a value of a time after the period is not yet known to it
            if b.1 > input.period.1 {
                continue;
            }
            by.entry((whose(p, v), v.indicator.name.as_str()))
                .or_default()
                .push((b, v));
        }
        let mut of_whom: BTreeMap<String, ValuesByName> = BTreeMap::new();
        for ((who, name), values) in by {
            of_whom.entry(who).or_default().push((name, values));
        }
        for (who, by) in of_whom {
            for (name, values) in &by {
                if let Some((first, last)) = compared(input, values) {
                    comparisons.push((who.clone(), name.to_string(), first, last));
                }
            }
            blocks.extend(indicator_para(input, &who, by, figs));
        }
    }
    blocks.extend(comparison_blocks(&comparisons));
    blocks
}

/// An indicator's value at the start and at the end of the period (前后对比): the last one before the period (over
/// the whole term, the first) and the last one in it. Values whose time the source leaves open (以来, 最高, 前后) are
/// left out: they are no one time's value. `None` without two such values, the later inside the period.
fn compared<'a>(
    input: &SummaryInput,
    values: &[(Bounds, &'a IndicatorValue)],
) -> Option<(&'a IndicatorValue, &'a IndicatorValue)> {
    let mut dated: Vec<(Bounds, &IndicatorValue)> = values.iter().filter(|(_, v)| v.of_its_period()).copied().collect();
    dated.sort_by_key(|(b, _)| (b.1, b.0));
    let first = if input.whole_term {
        0
    } else {
        dated.iter().rposition(|(b, _)| b.1 < input.period.0).unwrap_or(0)
    };
    let (lb, last) = *dated.last()?;
    let (_, start) = *dated.get(first)?;
    (dated.len() - first >= 2 && lb.1 >= input.period.0).then_some((start, last))
}

/// The change from one value to another when both are exact and in one unit ("增加1.3万人", "下降2个百分点"); else
/// why it is not computed. A rate's change is in 百分点.
fn change_words(first: &IndicatorValue, last: &IndicatorValue) -> String {
    let unit = first.indicator.unit.as_str();
    let exact = |v: &IndicatorValue| v.value.filter(|f| f.is_exact());
    let (Some(a), Some(b)) = (exact(first), exact(last)) else {
        return "—（约数，不计算变化）".into();
    };
    let diff = Qty::from_raw(b.value.saturating_sub(a.value));
    let (word, abs) = match diff.raw() {
        0 => return "持平".into(),
        d if d > 0 => ("增加", diff),
        _ => ("减少", Qty::from_raw(diff.raw().saturating_neg())),
    };
    match unit {
        "%" => format!("{}{abs}个百分点", if word == "增加" { "上升" } else { "下降" }),
        u => format!("{word}{abs}{u}"),
    }
}

/// 表 前后对比 and its chart: each compared indicator at the start and end of the period with the change; the chart
/// shows the indicators of the unit most of them share (indicators of different units are not drawn on one axis).
fn comparison_blocks(comparisons: &[(String, String, &IndicatorValue, &IndicatorValue)]) -> Vec<Block> {
    if comparisons.is_empty() {
        return Vec::new();
    }
    let text = |s: String| Cell::Text(s);
    let value_cell = |v: &IndicatorValue| match v.value {
        Some(f) if !f.is_exact() => Cell::Text(approx::cell(FieldKind::Qty, f)),
        _ => Cell::Number(v.number()),
    };
    let rows = comparisons
        .iter()
        .map(|(who, name, first, last)| {
            vec![
                text(who.clone()),
                text(name.clone()),
                text(first.indicator.unit.clone()),
                text(when_words(first)),
                value_cell(first),
                text(when_words(last)),
                value_cell(last),
                text(change_words(first, last)),
            ]
        })
        .collect();
    let column = |header: &str, kind: ColumnKind| Column {
        header: header.into(),
        kind,
    };
    let mut blocks = vec![Block::Table(Table {
        title: "表1-2 受援方主要指标前后对比".into(),
        columns: vec![
            column("受援方", ColumnKind::Text),
            column("指标", ColumnKind::Text),
            column("单位", ColumnKind::Text),
            column("期初", ColumnKind::Text),
            column("期初数值", ColumnKind::Number),
            column("期末", ColumnKind::Text),
            column("期末数值", ColumnKind::Number),
            column("变化", ColumnKind::Text),
        ],
        rows,
    })];
    // the chart: exact values only, of the unit most indicators share
    let mut by_unit: BTreeMap<&str, Vec<&(String, String, &IndicatorValue, &IndicatorValue)>> = BTreeMap::new();
    for c in comparisons {
        let exact = |v: &IndicatorValue| v.value.is_some_and(|f| f.is_exact());
        if exact(c.2) && exact(c.3) {
            by_unit.entry(c.2.indicator.unit.as_str()).or_default().push(c);
        }
    }
    if let Some((unit, drawn)) = by_unit.into_iter().max_by_key(|(_, v)| v.len()) {
        blocks.push(Block::Chart(Chart {
            title: "受援方主要指标前后对比".into(),
            kind: ChartKind::Bar,
            categories: drawn.iter().map(|c| format!("{}{}", c.0, c.1)).collect(),
            series: vec![
                Series {
                    name: "期初".into(),
                    values: drawn.iter().map(|c| c.2.number()).collect(),
                },
                Series {
                    name: "期末".into(),
                    values: drawn.iter().map(|c| c.3.number()).collect(),
                },
            ],
            unit: unit.to_string(),
        }));
    }
    blocks
}

/// One paragraph of [`indicator_prose`]: the values of one receiver, or of its area, by indicator.
fn indicator_para(input: &SummaryInput, who: &str, by: ValuesByName, figs: &mut Figures) -> Option<Block> {
    // each indicator's values told: from the last one before the period (over the whole term, every value)
    let mut chosen: Vec<(&str, Vec<&IndicatorValue>)> = Vec::new();
    for (name, mut values) in by {
        values.sort_by_key(|(b, _)| (b.1, b.0));
        let first = if input.whole_term {
            0
        } else {
            values.iter().rposition(|(b, _)| b.1 < input.period.0).unwrap_or(0)
        };
        chosen.push((name, values[first..].iter().map(|(_, v)| *v).collect()));
    }
    // one value each, all of one period: the period is said once ("霍城县2011年上半年：地区生产总值19.08亿元，…")
    let periods: BTreeSet<String> = chosen
        .iter()
        .flat_map(|(_, v)| v.iter().map(|v| when_words(v)))
        .collect();
    let common = (periods.len() == 1 && chosen.iter().all(|(_, v)| v.len() == 1))
        .then(|| periods.into_iter().next())
        .flatten();
    let mut parts: Vec<Vec<Span>> = Vec::new();
    for (name, values) in chosen {
        let mut s = vec![Span::text(name.to_string())];
        for (i, v) in values.into_iter().enumerate() {
            let Some(fig) = v.value else {
                continue;
            };
            if i > 0 {
                s.push(Span::text("、"));
            }
            let when = when_words(v);
            if common.is_none() {
                s.push(Span::text(format!("{when}为")));
            }
            s.push(figs.span(
                &format!("indicators.{}", v.id),
                &format!("{who}{name}（{when}）"),
                approx::written(FieldKind::Qty, fig, &v.indicator.unit),
                vec![("indicator_values", v.id)],
            ));
        }
        if s.len() > 1 {
            parts.push(s);
        }
    }
    if parts.is_empty() {
        return None;
    }
    let mut spans = vec![Span::text(format!("{who}{}：", common.as_deref().unwrap_or("")))];
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::text(if common.is_some() { "，" } else { "；" }));
        }
        spans.extend(part);
    }
    spans.push(Span::text("。"));
    Some(para(spans))
}

/// A region summary's own indicators: the values recorded for the region and, apart, what its children's add up to,
/// saying how many of its children have a value — a partial sum is never the region's total ("由下辖14个地州市中2个
/// 的数值合计"). Statistics of the aid itself (`aid_…`) are left to the record's own figures, as for receivers.
pub(crate) fn area_prose(input: &SummaryInput, figs: &mut Figures) -> Vec<Block> {
    let Some((region, values)) = &input.area else {
        return Vec::new();
    };
    let mut recorded: Vec<Vec<Span>> = Vec::new();
    let mut summed: Vec<Vec<Span>> = Vec::new();
    for a in values {
        if a.code.starts_with("aid_") {
            continue;
        }
        let Some(b) = a
            .period
            .parse::<duikou_domain::Period>()
            .ok()
            .and_then(|x| x.bounds(&Default::default(), None))
        else {
            continue;
        };
        // a value of the period (over the whole term, every value up to its end)
        if b.1 > input.period.1 || (!input.whole_term && b.0 < input.period.0) {
            continue;
        }
        let when = based_period_words(&a.period, a.basis.as_deref());
        if let Some((fig, id)) = a.recorded {
            recorded.push(vec![
                Span::text(format!("{}{when}为", a.name)),
                figs.span(
                    &format!("area.{}.{}.recorded", a.code, a.period),
                    &format!("{region}{}（{when}）", a.name),
                    approx::written(FieldKind::Qty, fig, &a.unit),
                    vec![("indicator_values", id)],
                ),
            ]);
        }
        if let Some(s) = &a.summed {
            let whose = if s.complete() {
                format!("下辖{}个区划", s.children)
            } else {
                format!(
                    "下辖{}个区划中有数值的{}个（{}）",
                    s.children,
                    s.counted.len(),
                    s.counted.join("、")
                )
            };
            summed.push(vec![
                Span::text(format!("{}{when}{whose}合计", a.name)),
                figs.span(
                    &format!("area.{}.{}.summed", a.code, a.period),
                    &format!("{region}{}（{when}，下级合计）", a.name),
                    approx::written(FieldKind::Qty, s.figure, &a.unit),
                    s.records.iter().map(|id| ("indicator_values", *id)).collect::<Vec<_>>(),
                ),
            ]);
        }
    }
    let mut out = Vec::new();
    for (parts, head, tail) in [
        (recorded, format!("{region}本级统计："), String::new()),
        (
            summed,
            format!("由{region}下级区划的数值合计："),
            "（下级合计与本级统计口径不一定相同，两者分列，不相互替代）".to_string(),
        ),
    ] {
        if parts.is_empty() {
            continue;
        }
        let mut spans = vec![Span::text(head)];
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::text("；"));
            }
            spans.extend(p);
        }
        spans.push(Span::text(format!("{tail}。")));
        out.push(para(spans));
    }
    out
}
