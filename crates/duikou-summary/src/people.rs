//! （一）选派干部人才: the people sent, where they went, and how they were appraised.

use crate::figures::Figures;
use crate::pool::Pool;
use crate::rec::{date, id, ids, label};
use crate::words::para;
use crate::{zh, SummaryInput};
use duikou_domain::record::Rec;
use duikou_domain::schema::{self, FieldKind};
use duikou_report::{Block, Cell, Chart, ChartKind, Column, ColumnKind, Series, Span, Table};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// （一）选派干部人才: the cadres and teachers sent in the period (by the day they went).
pub(crate) fn people(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let dispatches: Vec<&Rec> = pool
        .in_period("dispatches")
        .into_iter()
        .filter(|d| d["direction"] != "to_supporter")
        .collect();
    let mut blocks = Vec::new();
    if !dispatches.is_empty() {
        let roles = Roles::of(&dispatches);
        blocks.push(sent_para(input, pool, &dispatches, &roles, figs));
        blocks.extend(hosts_para(&dispatches, pool, figs));
        blocks.extend(posts_paras(&dispatches, figs));
        blocks.push(batch_table(&dispatches));
        blocks.push(roles_chart(&roles, figs));
    }
    blocks.extend(appraisals_para(pool, figs));
    blocks
}

/// The people sent, by role: the persons of each, their dispatches, and the batches they went in.
struct Roles<'a> {
    by_role: BTreeMap<String, BTreeSet<i64>>,
    records: BTreeMap<String, Vec<&'a Rec>>,
    batches: BTreeSet<i64>,
    /// The roles sent and how many persons each, in the order of the schema (cadres, teachers, doctors, experts,
    /// managers …).
    in_order: Vec<(String, usize)>,
}

impl<'a> Roles<'a> {
    /// The roles of the dispatches.
    fn of(dispatches: &[&'a Rec]) -> Roles<'a> {
        let mut by_role: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
        let mut role_records: BTreeMap<String, Vec<&Rec>> = BTreeMap::new();
        let mut batches = BTreeSet::new();
        for d in dispatches {
            let role = d["role"].as_str().unwrap_or("").to_string();
            by_role
                .entry(role.clone())
                .or_default()
                .insert(d["person_id"].as_i64().unwrap_or(0));
            role_records.entry(role).or_default().push(d);
            if let Some(b) = d["batch"].as_i64() {
                batches.insert(b);
            }
        }
        let in_order = schema::DISPATCH_ROLES
            .iter()
            .filter_map(|(r, _)| by_role.get(*r).map(|s| (r.to_string(), s.len())))
            .collect();
        Roles {
            by_role,
            records: role_records,
            batches,
            in_order,
        }
    }
}

/// How many were sent, in how many batches, by role, how many postgraduates and seniors, and their average age.
fn sent_para(input: &SummaryInput, pool: &Pool, dispatches: &[&Rec], roles: &Roles, figs: &mut Figures) -> Block {
    let people: HashMap<i64, &Rec> = pool.all("people").into_iter().map(|p| (id(p), p)).collect();
    let persons: BTreeSet<i64> = dispatches.iter().filter_map(|d| d["person_id"].as_i64()).collect();
    let mut spans = vec![Span::text(format!("{}，", input.period_label))];
    if roles.batches.len() > 1 {
        spans.push(Span::text("先后分"));
        spans.push(figs.span(
            "people.batches",
            "派出批次",
            format!("{}批", roles.batches.len()),
            ids("dispatches", dispatches),
        ));
    }
    spans.push(Span::text("选派"));
    spans.push(figs.span(
        "people.total",
        "援派人员",
        format!("{}名", persons.len()),
        ids("dispatches", dispatches),
    ));
    let single_role = roles.by_role.len() == 1;
    spans.push(Span::text(match roles.by_role.keys().next() {
        Some(r) if single_role => label("dispatches", "role", r),
        _ => "援派人员".to_string(),
    }));
    if !roles.in_order.is_empty() && !single_role {
        spans.push(Span::text("，其中"));
        for (i, (r, n)) in roles.in_order.iter().enumerate() {
            if i > 0 {
                spans.push(Span::text("、"));
            }
            let name = label("dispatches", "role", r);
            spans.push(Span::text(name.clone()));
            spans.push(figs.span(
                &format!("people.{r}"),
                &name,
                format!("{n}名"),
                ids("dispatches", &roles.records[r]),
            ));
        }
    }
    let chosen: Vec<&&Rec> = persons.iter().filter_map(|p| people.get(p)).collect();
    let pg: Vec<&Rec> = chosen
        .iter()
        .filter(|p| matches!(p["education"].as_str(), Some("doctorate" | "master")))
        .map(|p| **p)
        .collect();
    let senior: Vec<&Rec> = chosen
        .iter()
        .filter(|p| p["title_level"] == "senior")
        .map(|p| **p)
        .collect();
    if !pg.is_empty() || !senior.is_empty() {
        spans.push(Span::text("；其中硕博研究生"));
        spans.push(figs.span(
            "people.postgraduates",
            "硕博研究生",
            format!("{}人", pg.len()),
            ids("people", &pg),
        ));
        spans.push(Span::text("，高级职称"));
        spans.push(figs.span(
            "people.senior",
            "高级职称",
            format!("{}人", senior.len()),
            ids("people", &senior),
        ));
    }
    spans.extend(age_spans(dispatches, &persons, &people, &chosen, figs));
    spans.push(Span::text("。"));
    para(spans)
}

/// Each person's age in the year they first went in the period, averaged and rounded half up; a person whose
/// dispatch has no date has no known age when sent, and is left out of the average.
fn age_spans(
    dispatches: &[&Rec],
    persons: &BTreeSet<i64>,
    people: &HashMap<i64, &Rec>,
    chosen: &[&&Rec],
    figs: &mut Figures,
) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut went: HashMap<i64, i64> = HashMap::new();
    for d in dispatches {
        let Some(year) = date(&d["start_date"]).map(|x| chrono::Datelike::year(&x.first) as i64) else {
            continue;
        };
        let e = went.entry(d["person_id"].as_i64().unwrap_or(0)).or_insert(year);
        *e = (*e).min(year);
    }
    let ages: Vec<i64> = persons
        .iter()
        .filter_map(|p| Some(went.get(p)? - people.get(p)?["birth_year"].as_i64()?))
        .collect();
    if !ages.is_empty() {
        let n = ages.len() as i64;
        let age = (ages.iter().sum::<i64>() * 2 + n) / (n * 2);
        spans.push(Span::text("，派出时平均年龄"));
        let with_age: Vec<&Rec> = chosen
            .iter()
            .filter(|p| p["birth_year"].is_i64() && went.contains_key(&id(**p)))
            .map(|p| **p)
            .collect();
        spans.push(figs.span(
            "people.age",
            "派出时平均年龄",
            format!("{age}岁"),
            ids("people", &with_age),
        ));
    }
    spans
}

/// The levels of the posts they hold, and the posts.
fn posts_paras(dispatches: &[&Rec], figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    let posts: Vec<String> = dispatches
        .iter()
        .filter_map(|d| d["post"].as_str())
        .map(str::to_string)
        .collect();
    // the levels of the posts they hold (第7篇: "其中6人担任领导岗位正职"), each person once
    let mut levels: Vec<Vec<Span>> = Vec::new();
    for (code, word) in schema::POST_LEVELS {
        let held: Vec<&Rec> = dispatches
            .iter()
            .copied()
            .filter(|d| d["post_level"] == *code)
            .collect();
        let persons: BTreeSet<i64> = held.iter().filter_map(|d| d["person_id"].as_i64()).collect();
        if !persons.is_empty() {
            levels.push(vec![
                Span::text(word.to_string()),
                figs.span(
                    &format!("people.post_level.{code}"),
                    &format!("担任领导岗位{word}"),
                    format!("{}名", persons.len()),
                    ids("dispatches", &held),
                ),
            ]);
        }
    }
    if !levels.is_empty() {
        let mut spans = vec![Span::text("援派人员在受援地担任领导岗位")];
        for (i, l) in levels.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::text("、"));
            }
            spans.extend(l);
        }
        spans.push(Span::text("。"));
        blocks.push(para(spans));
    }
    if !posts.is_empty() {
        let mut count: BTreeMap<String, usize> = BTreeMap::new();
        for p in posts {
            *count.entry(p).or_default() += 1;
        }
        let list: Vec<String> = count.iter().map(|(p, n)| format!("{p}{n}名")).collect();
        blocks.push(para(vec![Span::text(format!(
            "援派人员在受援地担任{}。",
            list.join("、")
        ))]));
    }
    blocks
}

/// 表2 援派人员（按批次和类别）.
fn batch_table(dispatches: &[&Rec]) -> Block {
    let mut table: BTreeMap<(i64, String), BTreeSet<i64>> = BTreeMap::new();
    for d in dispatches {
        table
            .entry((
                d["batch"].as_i64().unwrap_or(0),
                d["role"].as_str().unwrap_or("").to_string(),
            ))
            .or_default()
            .insert(d["person_id"].as_i64().unwrap_or(0));
    }
    Block::Table(Table {
        title: "表2 援派人员（按批次和类别）".into(),
        columns: vec![
            Column {
                header: "批次".into(),
                kind: ColumnKind::Text,
            },
            Column {
                header: "类别".into(),
                kind: ColumnKind::Text,
            },
            Column {
                header: "人数".into(),
                kind: ColumnKind::Int,
            },
        ],
        rows: table
            .iter()
            .map(|((b, r), s)| {
                let batch = if *b > 0 {
                    format!("第{}批", zh::numeral(*b as u32))
                } else {
                    "未注明".into()
                };
                vec![
                    Cell::Text(batch),
                    Cell::Text(label("dispatches", "role", r)),
                    Cell::Int(s.len() as i64),
                ]
            })
            .collect(),
    })
}

/// The people sent by role, as a chart: the prose's figures, each role's count the same measure.
fn roles_chart(roles: &Roles, figs: &mut Figures) -> Block {
    for (r, n) in &roles.in_order {
        figs.note(
            &format!("people.{r}"),
            &label("dispatches", "role", r),
            format!("{n}名"),
            ids("dispatches", &roles.records[r]),
        );
    }
    Block::Chart(Chart {
        title: "援派人员按类别".into(),
        kind: ChartKind::Bar,
        categories: roles
            .in_order
            .iter()
            .map(|(r, _)| label("dispatches", "role", r))
            .collect(),
        series: vec![Series {
            name: "人数".into(),
            values: roles.in_order.iter().map(|(_, n)| *n as f64).collect(),
        }],
        unit: "人".into(),
    })
}

/// 年度考核 of the period's years, by year and grade: how many, never who ("援派人员年度考核：2011年度优秀2名、称职8名").
fn appraisals_para(pool: &Pool, figs: &mut Figures) -> Option<Block> {
    let appraisals = pool.in_period("appraisals");
    let mut by: BTreeMap<i64, BTreeMap<usize, Vec<&Rec>>> = BTreeMap::new();
    let grades = schema::entity("appraisals")
        .and_then(|d| d.field("grade"))
        .and_then(|f| match f.kind {
            FieldKind::Enum(values) => Some(values),
            _ => None,
        })
        .unwrap_or(&[]);
    for a in &appraisals {
        let (Some(year), Some(g)) = (
            a["year"].as_i64(),
            grades.iter().position(|(code, _)| a["grade"] == *code),
        ) else {
            continue;
        };
        by.entry(year).or_default().entry(g).or_default().push(a);
    }
    if by.is_empty() {
        return None;
    }
    let mut spans = vec![Span::text("援派人员年度考核：")];
    for (i, (year, by_grade)) in by.iter().enumerate() {
        if i > 0 {
            spans.push(Span::text("；"));
        }
        spans.push(Span::text(format!("{year}年度")));
        for (j, (g, recs)) in by_grade.iter().enumerate() {
            if j > 0 {
                spans.push(Span::text("、"));
            }
            let (code, word) = grades[*g];
            spans.push(Span::text(word.to_string()));
            spans.push(figs.span(
                &format!("appraisals.{year}.{code}"),
                &format!("{year}年度考核{word}"),
                format!("{}名", recs.len()),
                ids("appraisals", recs),
            ));
        }
    }
    spans.push(Span::text("。"));
    Some(para(spans))
}

/// Where the people went and whom from, when they went to more than one host: by host, how many sending units sent
/// how many people (第4篇: 8个市选派126名教师至阿克苏教学点，3个市…至库车教学点). Orgs by name from the pool.
fn hosts_para(dispatches: &[&Rec], pool: &Pool, figs: &mut Figures) -> Option<Block> {
    let names: HashMap<i64, &str> = pool
        .all("orgs")
        .into_iter()
        .filter_map(|o| Some((id(o), o["name"].as_str()?)))
        .collect();
    // host → (home orgs, persons, dispatches)
    type Host<'r> = (BTreeSet<i64>, BTreeSet<i64>, Vec<&'r Rec>);
    let mut by: BTreeMap<i64, Host> = BTreeMap::new();
    for d in dispatches {
        let Some(host) = d["host_org_id"].as_i64() else {
            continue;
        };
        let e = by.entry(host).or_default();
        if let Some(home) = d["home_org_id"].as_i64() {
            e.0.insert(home);
        }
        e.1.insert(d["person_id"].as_i64().unwrap_or(0));
        e.2.push(d);
    }
    if by.len() < 2 || by.keys().any(|h| !names.contains_key(h)) {
        return None;
    }
    let mut spans = vec![Span::text("其中，")];
    for (i, (host, (homes, persons, recs))) in by.iter().enumerate() {
        if i > 0 {
            spans.push(Span::text("；"));
        }
        if !homes.is_empty() {
            spans.push(figs.span(
                &format!("people.host.{host}.homes"),
                &format!("派往{}的派出单位", names[host]),
                format!("{}个", homes.len()),
                ids("dispatches", recs),
            ));
            spans.push(Span::text("派出单位选派"));
        }
        spans.push(figs.span(
            &format!("people.host.{host}"),
            &format!("派往{}的人员", names[host]),
            format!("{}名", persons.len()),
            ids("dispatches", recs),
        ));
        spans.push(Span::text(format!("至{}", names[host])));
    }
    spans.push(Span::text("。"));
    Some(para(spans))
}
