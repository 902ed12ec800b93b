//! 一、基本情况: the pairings and their terms, the requirements set, the programs' terms, the orgs' attributes, the
//! agreements signed, the receivers' baseline, and the map of who helps whom.

use crate::figures::Figures;
use crate::indicators::{area_prose, indicator_prose, whose};
use crate::pool::{Place, Pool};
use crate::rec::{date, id, ids, label};
use crate::words::{fmt_date, joined, para, when_words, whole_months};
use crate::{zh, IndicatorValue, PairingBundle, SummaryInput, PAIRINGS_TIMED};
use chrono::{Datelike, NaiveDate};
use duikou_domain::approx;
use duikou_domain::record::Rec;
use duikou_domain::schema::FieldKind;
use duikou_domain::Precision;
use duikou_report::{map_figure, Block, Cell, Column, ColumnKind, MapEnd, MapPairing, Span, Table};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// 一、基本情况, in the genre's order: the pairings and their terms, the requirements, the programs' terms, the orgs'
/// attributes, the agreements signed, the receivers' baseline and their indicators before and after, and the map.
pub(crate) fn basics(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = pairings_para(input, figs);
    blocks.extend(requirements_para(input));
    blocks.extend(program_terms(input, figs));
    blocks.extend(org_attributes(input, figs));
    blocks.extend(agreements_para(pool, figs));
    let (table, aid_indicators) = baseline_table(input);
    blocks.extend(table);
    blocks.extend(indicator_prose(input, figs));
    blocks.extend(area_prose(input, figs));
    blocks.extend(aid_note(&aid_indicators));
    blocks.extend(pairing_map(input, pool));
    blocks
}

/// The opening paragraph: the programs, how many pairings (and supporting schools, universities or hospitals), and
/// each pairing with its term.
fn pairings_para(input: &SummaryInput, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut programs: Vec<String> = input
        .pairings
        .iter()
        .filter_map(|p| p.program["name"].as_str().map(|n| format!("“{n}”")))
        .collect();
    programs.dedup();
    // each pairing with its term, and how long it runs when that is whole months or years (为期2个月) — told for a
    // summary of a few pairings, not for a program's hundreds
    let few = input.pairings.len() <= PAIRINGS_TIMED;
    let pairs = pairing_terms(input, few, figs);
    let n = input.pairings.len() as i64;
    let pairing_ids: Vec<(&'static str, i64)> = input.pairings.iter().map(|p| ("pairings", id(&p.pairing))).collect();
    let mut first = vec![
        Span::text(format!("{}，根据{}的部署，", input.period_label, zh::join(&programs))),
        Span::text("本总结涉及结对关系"),
        figs.span("pairings", "结对关系", format!("{n}对"), pairing_ids.clone()),
    ];
    // the supporting schools, universities or hospitals counted as the genre counts them (五所支援高校)
    let supporters: BTreeSet<&str> = input
        .pairings
        .iter()
        .filter_map(|p| p.supporter["name"].as_str())
        .collect();
    let kinds: BTreeSet<&str> = input
        .pairings
        .iter()
        .map(|p| p.supporter["kind"].as_str().unwrap_or(""))
        .collect();
    let counted = match kinds.iter().next() {
        Some(&"university") => Some(("高校", "所")),
        Some(&"school") => Some(("学校", "所")),
        Some(&"hospital") => Some(("医院", "家")),
        _ => None,
    };
    if let (Some((what, unit)), true) = (counted, kinds.len() == 1 && supporters.len() > 1) {
        first.push(Span::text(format!("（支援{what}")));
        first.push(figs.span(
            "pairings.supporters",
            &format!("支援{what}"),
            format!("{}{unit}", supporters.len()),
            pairing_ids,
        ));
        first.push(Span::text("）"));
    }
    first.push(Span::text("："));
    for (i, p) in pairs.into_iter().enumerate() {
        if i > 0 {
            first.push(Span::text("；"));
        }
        first.extend(p);
    }
    first.push(Span::text("。"));
    blocks.push(para(first));
    blocks
}

/// Each pairing by its two sides, with its term; `few`: how long each runs is told too.
fn pairing_terms(input: &SummaryInput, few: bool, figs: &mut Figures) -> Vec<Vec<Span>> {
    let mut pairs: Vec<Vec<Span>> = Vec::new();
    for p in &input.pairings {
        let mut spans = vec![Span::text(format!(
            "{}对口支援{}",
            p.supporter["name"].as_str().unwrap_or(""),
            p.receiver["name"].as_str().unwrap_or("")
        ))];
        match (p.pairing["start_date"].as_str(), p.pairing["end_date"].as_str()) {
            (Some(a), Some(b)) => {
                spans.push(Span::text(format!("（{}至{}", fmt_date(a), fmt_date(b))));
                if let Some(length) = whole_months(&p.pairing).filter(|_| few) {
                    spans.push(Span::text("，为期"));
                    spans.push(figs.span(
                        &format!("pairings.term.{}", id(&p.pairing)),
                        "结对期限",
                        length,
                        vec![("pairings", id(&p.pairing))],
                    ));
                }
                spans.push(Span::text("）"));
            }
            (Some(a), None) => {
                spans.push(Span::text(format!("（{}起", fmt_date(a))));
                // how many calendar years it has run by the period's end, counted as the genre counts them, the first
                // year included (2002年起，至2011年已是第10个年头): the start's year alone decides it, whatever its precision
                let first = a.get(..4).and_then(|y| y.parse::<i32>().ok());
                let last = input.period.1.year();
                if let Some(n) = first.map(|f| last - f + 1).filter(|n| *n > 1 && few) {
                    spans.push(Span::text(format!("，至{last}年已是第")));
                    spans.push(figs.span(
                        &format!("pairings.years.{}", id(&p.pairing)),
                        "结对年头",
                        format!("{n}个年头"),
                        vec![("pairings", id(&p.pairing))],
                    ));
                }
                spans.push(Span::text("）"));
            }
            _ => {}
        }
        pairs.push(spans);
    }
    pairs
}

/// The quantified requirements of the programs and agreements.
fn requirements_para(input: &SummaryInput) -> Vec<Block> {
    let mut blocks = Vec::new();
    // the requirements the programs and agreements set, as their rules read (a program of many is left to its list)
    if !input.requirements.is_empty() && input.requirements.len() <= REQUIREMENTS_TOLD {
        let items = input.requirements.iter().map(|r| vec![Span::text(r.replace(' ', ""))]);
        let mut spans = joined(
            format!("协议和实施方案提出的量化要求{}项：", input.requirements.len()),
            items,
            "；",
        );
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }
    blocks
}

/// Each program's own term, once.
fn program_terms(input: &SummaryInput, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    // each program's own term, in years when it runs whole years (3年) or to the end of a year (2014—2020年，共7年)
    let mut told = BTreeSet::new();
    for p in &input.pairings {
        let prog = &p.program;
        let name = prog["name"].as_str().unwrap_or("");
        if !told.insert(name) {
            continue;
        }
        if let Some(text) = program_term(prog) {
            blocks.push(para(vec![
                Span::text(format!("“{name}”")),
                figs.span(
                    &format!("programs.term.{}", prog["id"].as_i64().unwrap_or(0)),
                    &format!("{name}实施期限"),
                    text,
                    vec![("programs", prog["id"].as_i64().unwrap_or(0))],
                ),
                Span::text("。"),
            ]));
        }
    }
    blocks
}

/// The orgs' own attributes, each org once.
fn org_attributes(input: &SummaryInput, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    let few = input.pairings.len() <= PAIRINGS_TIMED;
    // the receivers' and supporters' own attributes a person can read (职工13名, 援建学科10个), for a few pairings
    if few {
        let mut seen = BTreeSet::new();
        let orgs = input
            .pairings
            .iter()
            .map(|p| p.receiver.as_ref())
            .chain(input.pairings.iter().map(|p| p.supporter.as_ref()))
            // and the programs' authorities, when the store gives them
            .chain(
                input
                    .pairings
                    .iter()
                    .map(|p| &p.program["authority"])
                    .filter(|a| a.is_object()),
            );
        for org in orgs {
            if !seen.insert(id(org)) {
                continue;
            }
            if let Some(b) = attribute_para(org, figs) {
                blocks.push(b);
            }
        }
    }
    blocks
}

/// The agreements signed in the period, by tier and kind.
fn agreements_para(pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    let agreements = pool.in_period("agreements");
    if !agreements.is_empty() {
        // grouped by tier (校级 before 院级) and kind, in the schema's order
        let kinds = ["agreement", "memorandum", "responsibility_letter", "plan"];
        let mut by: BTreeMap<(usize, usize), (String, Vec<&Rec>)> = BTreeMap::new();
        for a in &agreements {
            let (tier_rank, tier) = match a["tier"].as_str() {
                Some("institution") => (0, "校级（省级）"),
                Some(_) => (1, "院级（部门级）"),
                None => (2, ""),
            };
            let kind = a["kind"].as_str().unwrap_or("");
            let kind_rank = kinds.iter().position(|k| *k == kind).unwrap_or(kinds.len());
            let e = by
                .entry((tier_rank, kind_rank))
                .or_insert_with(|| (format!("{tier}{}", label("agreements", "kind", kind)), Vec::new()));
            e.1.push(a);
        }
        let mut spans = vec![Span::text("期内双方签订")];
        let parts: Vec<(String, Vec<&Rec>)> = by.into_values().collect();
        for (i, (k, v)) in parts.iter().enumerate() {
            if i > 0 {
                spans.push(Span::text("、"));
            }
            spans.push(Span::text(k.clone()));
            spans.push(figs.span(
                &format!("agreements.{k}"),
                &format!("签订{k}"),
                format!("{}份", v.len()),
                ids("agreements", v),
            ));
        }
        spans.push(Span::text("，进一步明确了双方的责任和目标任务。"));
        blocks.push(para(spans));
    }
    blocks
}

/// 表1 受援方基本情况: the receivers' latest value of each indicator up to the period's end; and the names of the
/// indicators that state the aid itself, left out.
fn baseline_table(input: &SummaryInput) -> (Vec<Block>, BTreeSet<String>) {
    let mut blocks = Vec::new();
    // the receivers' baseline indicators: the latest value per indicator up to the period's end
    let mut latest: BTreeMap<String, &IndicatorValue> = BTreeMap::new();
    // pairings of one receiver share its values: each (receiver, values) once
    let mut seen = BTreeSet::new();
    let mut aid_indicators = BTreeSet::new();
    for p in &input.pairings {
        if !seen.insert((p.receiver["name"].as_str().unwrap_or(""), Arc::as_ptr(&p.indicators))) {
            continue;
        }
        for v in p.indicators.iter() {
            // the aid told as an indicator (投入援助资金, 援建项目数) is a measure the record itself counts: the document
            // states it once, from the records (二、), not a second time with a statistic's value
            if v.of_the_aid() {
                aid_indicators.insert(v.indicator.name.clone());
                continue;
            }
            let key = format!("{}|{}", whose(p, v), v.indicator.name);
            let period = v.period.as_str();
            let bounds = period
                .parse::<duikou_domain::Period>()
                .ok()
                .and_then(|x| x.bounds(&Default::default(), None));
            if bounds.is_some_and(|(a, _)| a > input.period.1) {
                continue;
            }
            if latest.get(&key).is_none_or(|old| old.period.as_str() < period) {
                latest.insert(key, v);
            }
        }
    }
    if !latest.is_empty() {
        let rows = latest
            .iter()
            .map(|(k, v)| {
                let (who, name) = k.split_once('|').unwrap_or(("", k));
                vec![
                    Cell::Text(who.into()),
                    Cell::Text(name.into()),
                    Cell::Text(when_words(v)),
                    match v.value {
                        Some(f) if !f.is_exact() => Cell::Text(approx::cell(FieldKind::Qty, f)),
                        _ => Cell::Number(v.number()),
                    },
                    Cell::Text(v.indicator.unit.clone()),
                ]
            })
            .collect();
        blocks.push(para(vec![Span::text("受援方主要指标如下表。")]));
        blocks.push(Block::Table(Table {
            title: "表1 受援方基本情况".into(),
            columns: vec![
                Column {
                    header: "受援方".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "指标".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "期间".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "数值".into(),
                    kind: ColumnKind::Number,
                },
                Column {
                    header: "单位".into(),
                    kind: ColumnKind::Text,
                },
            ],
            rows,
        }));
    }
    (blocks, aid_indicators)
}

/// Why the receivers' statistics of the aid itself are not told.
fn aid_note(aid_indicators: &BTreeSet<String>) -> Vec<Block> {
    let mut blocks = Vec::new();
    if !aid_indicators.is_empty() {
        let names: Vec<String> = aid_indicators.iter().map(|n| format!("“{n}”")).collect();
        blocks.push(para(vec![Span::text(format!(
            "受援方统计中的{}等援助指标与本总结依据的逐项记录口径不同，本文援助项目和资金数字一律依据记录汇总，上述指标不再列示。",
            names.join("、")
        ))]));
    }
    blocks
}

/// The map of who helps whom.
fn pairing_map(input: &SummaryInput, pool: &Pool) -> Vec<Block> {
    let mut blocks = Vec::new();
    // the map of who helps whom, for a summary of more than one pairing (a program's, a region's, an org's): each arc
    // as wide as the people the pairing sent in the period, counted as the text counts them (each person once, only
    // the facts the summary counts); all alike when none was sent
    if input.pairings.len() > 1 {
        let sent = |b: &PairingBundle| -> i64 {
            b.records
                .get("dispatches")
                .into_iter()
                .flatten()
                .filter(|d| pool.counts(d) && pool.place("dispatches", d) == Place::In)
                .filter_map(|d| d["person_id"].as_i64())
                .collect::<BTreeSet<i64>>()
                .len() as i64
        };
        let end = |org: &Value| MapEnd {
            name: org["name"].as_str().unwrap_or("").to_string(),
            region_code: org["region_code"].as_str().map(str::to_string),
        };
        let pairings: Vec<MapPairing> = input
            .pairings
            .iter()
            .map(|p| MapPairing {
                program: p.program["name"].as_str().unwrap_or("").to_string(),
                from: end(&p.supporter),
                to: end(&p.receiver),
                money_fen: 0,
                persons: sent(p),
            })
            .collect();
        blocks.push(Block::Map(map_figure("对口支援关系示意图", &pairings)));
    }
    blocks
}

/// A summary tells the requirements of its programs and agreements when there are at most this many.
const REQUIREMENTS_TOLD: usize = 20;

/// A program's term told in years: "实施期为2013年9月至2016年8月，为期3年" when it runs whole years, "实施期为
/// 2014—2020年，共7年" when it runs to the end of a year (the years it spans, counted as the genre counts them);
/// `None` otherwise, or without both dates at a day's precision.
pub(crate) fn program_term(prog: &Value) -> Option<String> {
    use chrono::Months;
    let (a, b) = (date(&prog["start_date"])?, date(&prog["end_date"])?);
    if a.precision != Precision::Day || b.precision != Precision::Day {
        return None;
    }
    let (a, b) = (a.first, b.first);
    let years = b.year() - a.year();
    let whole = (1..=50).find(|n| a.checked_add_months(Months::new(12 * n)).and_then(|d| d.pred_opt()) == Some(b));
    if let Some(n) = whole {
        return Some(format!(
            "实施期为{}至{}，为期{n}年",
            a.format("%Y年%-m月"),
            b.format("%Y年%-m月")
        ));
    }
    if let Some(text) = school_years_term(prog, a, b) {
        return Some(text);
    }
    ((b.month(), b.day()) == (12, 31) && years > 0)
        .then(|| format!("实施期为{}—{}年，共{}年", a.year(), b.year(), years + 1))
}

/// A school-year program's term told in school years, when it starts in the first semester of one and ends on the
/// last day of another: "实施期为2013年10月至2016年8月（2013—2014至2015—2016学年），按学年计为期3年".
fn school_years_term(prog: &Value, a: NaiveDate, b: NaiveDate) -> Option<String> {
    let calendar: duikou_domain::Calendar = serde_json::from_value(prog["calendar"].clone()).ok()?;
    if calendar.kind != duikou_domain::CalendarKind::SchoolYear {
        return None;
    }
    let (m, d) = calendar.school_year_start;
    let year_of = |x: NaiveDate| {
        if (x.month(), x.day()) >= (m, d) {
            x.year()
        } else {
            x.year() - 1
        }
    };
    let (first, last) = (year_of(a), year_of(b));
    let ends_a_year = b.succ_opt() == NaiveDate::from_ymd_opt(last + 1, m, d);
    let (m2, d2) = calendar.semester2_start;
    let in_first_semester = NaiveDate::from_ymd_opt(first + 1, m2, d2).is_some_and(|s2| a < s2);
    (ends_a_year && in_first_semester && last > first).then(|| {
        format!(
            "实施期为{}至{}（{first}—{}至{last}—{}学年），按学年计为期{}年",
            a.format("%Y年%-m月"),
            b.format("%Y年%-m月"),
            first + 1,
            last + 1,
            last - first + 1
        )
    })
}

/// One org's known attributes in a sentence ("九龙镇卫生院：职工13名，执业医师2名，无专职防保人员。"), in the
/// registry's order; attributes the registry does not know are not told.
fn attribute_para(org: &Value, figs: &mut Figures) -> Option<Block> {
    let attrs = org["attributes"].as_object()?;
    let name = org["name"].as_str().unwrap_or("");
    let mut spans = vec![Span::text(format!("{name}："))];
    let mut told = 0;
    for a in duikou_domain::attributes::ORG_ATTRIBUTES {
        let Some(v) = attrs.get(a.key) else { continue };
        let Some(written) = duikou_domain::attributes::written(a, v) else {
            continue;
        };
        if told > 0 {
            spans.push(Span::text("，"));
        }
        told += 1;
        match written.strip_prefix(a.label) {
            Some(figure) if !written.starts_with('无') => {
                spans.push(Span::text(a.label.to_string()));
                spans.push(figs.span(
                    &format!("orgs.{}.attributes.{}", id(org), a.key),
                    &format!("{name}{}", a.label),
                    figure.to_string(),
                    vec![("orgs", id(org))],
                ));
            }
            _ => spans.push(Span::text(written)),
        }
    }
    spans.push(Span::text("。"));
    (told > 0).then(|| para(spans))
}
