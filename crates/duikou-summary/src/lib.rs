//! The 工作总结 written from the record. Figures are computed from the records given, never typed; each figure in the
//! text carries a key into the explanation listing the records behind it.

pub mod briefing;
pub mod tables;
pub mod zh;

use chrono::NaiveDate;
use duikou_domain::engine::{ObligationResult, Status};
use duikou_domain::record::{Fields, Rec};
use duikou_domain::schema;
use duikou_domain::{Money, Qty};
use duikou_report::{Block, Cell, Chart, ChartKind, Column, ColumnKind, Document, Section, Series, Span, Table};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Every record field the writer (and the dates it keeps records by) reads: a store may read only these. The test
/// `fields_cover_what_the_writer_reads` holds it to the source.
pub const FIELDS: &[&str] = &[
    "amount",
    "approved_on",
    "as_of",
    "batch",
    "birth_year",
    "category",
    "completed",
    "completed_on",
    "confirmation",
    "courses",
    "date",
    "direction",
    "dispatch_id",
    "education",
    "end_date",
    "handed_over_on",
    "hours",
    "kind",
    "leveraged_investment",
    "met_on",
    "name",
    "pairing_id",
    "period",
    "person_id",
    "person_times",
    "planned",
    "post",
    "project_id",
    "raised_on",
    "role",
    "sessions",
    "signed_on",
    "source",
    "start_date",
    "started",
    "started_on",
    "status",
    "text",
    "tier",
    "title",
    "title_level",
    "total_investment",
    "unit",
    "value",
    "year",
];

/// Everything one pairing contributes to a summary.
#[derive(Debug, Clone, Default)]
pub struct PairingBundle {
    /// The pairing record.
    pub pairing: Value,
    /// Its program (shared by the bundles of its pairings).
    pub program: Arc<Value>,
    /// The supporting org.
    pub supporter: Arc<Value>,
    /// The receiving org.
    pub receiver: Arc<Value>,
    /// Its records by entity (agreements, projects, project_funding, transactions, outputs, dispatches, stints, people,
    /// activities, needs, notes, appraisals).
    pub records: HashMap<String, Vec<Rec>>,
    /// Its obligations evaluated for the period.
    pub results: Vec<ObligationResult>,
    /// Indicator values of the receiver's region or org, with `indicator` (the definition) merged in (shared by the
    /// bundles of one receiver).
    pub indicators: Arc<Vec<Value>>,
}

/// What a summary covers.
#[derive(Debug, Clone)]
pub struct SummaryInput {
    /// Who, in a title ("南京农业大学对口支援新疆农业大学").
    pub scope_title: String,
    /// The period label ("2014-2015学年").
    pub period_label: String,
    /// The period's first and last day.
    pub period: (NaiveDate, NaiveDate),
    /// The pairings in scope.
    pub pairings: Vec<PairingBundle>,
    /// The day it is written.
    pub written_on: NaiveDate,
}

/// A figure in the text and the records behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The key the text's span carries.
    pub key: String,
    /// What it is.
    pub label: String,
    /// As printed.
    pub value: String,
    /// The records counted, `(entity, id)`.
    pub records: Vec<(&'static str, i64)>,
}

/// Collects figures while the text is written.
#[derive(Default)]
struct Figures {
    list: Vec<Figure>,
}

impl Figures {
    fn span(&mut self, key: &str, label: &str, value: String, records: Vec<(&'static str, i64)>) -> Span {
        self.list.push(Figure {
            key: key.into(),
            label: label.into(),
            value: value.clone(),
            records,
        });
        Span::figure(value, key)
    }
}

fn date(v: &Value) -> Option<NaiveDate> {
    v.as_str().and_then(duikou_domain::validate::parse_date)
}

fn id(r: &impl Fields) -> i64 {
    r.field("id").and_then(Value::as_i64).unwrap_or(0)
}

fn money(v: &Value) -> Money {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

fn qty(v: &Value) -> Qty {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

fn label(entity: &str, field: &str, value: &str) -> String {
    schema::value_label(entity, field, value)
}

/// Records of one entity across the pairings, kept when they fall in the period.
struct Pool<'a> {
    input: &'a SummaryInput,
}

impl<'a> Pool<'a> {
    fn all(&self, entity: &str) -> Vec<&'a Rec> {
        self.input
            .pairings
            .iter()
            .flat_map(|p| p.records.get(entity).into_iter().flatten())
            .collect()
    }

    fn in_period(&self, entity: &str) -> Vec<&'a Rec> {
        self.in_period_if(entity, |_| true)
    }

    /// As [`Pool::in_period`], of the records `keep` keeps (checked first: it is cheaper than the dates).
    fn in_period_if(&self, entity: &str, keep: impl Fn(&Rec) -> bool) -> Vec<&'a Rec> {
        let (from, to) = self.input.period;
        self.all(entity)
            .into_iter()
            .filter(|r| keep(r))
            .filter(|r| {
                let span = match entity {
                    "agreements" => date(&r["signed_on"]).map(|d| (d, d)),
                    "projects" => {
                        let start = date(&r["approved_on"]).or_else(|| date(&r["started_on"]));
                        let end = date(&r["handed_over_on"]).or_else(|| date(&r["completed_on"]));
                        start.map(|s| (s, end.unwrap_or(to.max(s))))
                    }
                    "needs" => date(&r["raised_on"]).map(|d| (d, date(&r["met_on"]).unwrap_or(to.max(d)))),
                    "notes" => return true,
                    _ => duikou_domain::engine::record_dates(entity, r),
                };
                // undated records belong to every period
                span.is_none_or(|(a, b)| a <= to && b >= from)
            })
            .collect()
    }
}

/// What the summary counts of one activity, read from the record once.
struct Act<'a> {
    rec: &'a Rec,
    id: i64,
    kind: Option<&'a str>,
    courses: i64,
    hours: i64,
    sessions: i64,
    person_times: i64,
}

impl<'a> Act<'a> {
    fn of(a: &'a Rec) -> Act<'a> {
        let n = |f: &str| a[f].as_i64().unwrap_or(0);
        Act {
            rec: a,
            id: id(a),
            kind: a["kind"].as_str(),
            courses: n("courses"),
            hours: n("hours"),
            sessions: n("sessions"),
            person_times: n("person_times"),
        }
    }
}

fn ids(entity: &'static str, v: &[&Rec]) -> Vec<(&'static str, i64)> {
    v.iter().map(|r| (entity, id(r))).collect()
}

fn para(spans: Vec<Span>) -> Block {
    Block::Paragraph { spans }
}

/// Writes the summary: 一、基本情况 · 二、工作开展情况 · 三、存在问题 · 四、下一步建议, an appendix of every figure,
/// and the figures' explanation.
pub fn build(input: &SummaryInput) -> (Document, Vec<Figure>) {
    let pool = Pool { input };
    let mut figs = Figures::default();
    let sections = vec![
        Section {
            heading: format!("{}基本情况", zh::heading(1)),
            blocks: basics(input, &pool, &mut figs),
        },
        Section {
            heading: format!("{}工作开展情况", zh::heading(2)),
            blocks: work(input, &pool, &mut figs),
        },
        Section {
            heading: format!("{}存在问题", zh::heading(3)),
            blocks: problems(input, &pool, &mut figs),
        },
        Section {
            heading: format!("{}下一步建议", zh::heading(4)),
            blocks: plans(input, &pool),
        },
    ];
    let appendix = vec![Table {
        title: "附表 数字来源".into(),
        columns: vec![
            Column {
                header: "指标".into(),
                kind: ColumnKind::Text,
            },
            Column {
                header: "数值".into(),
                kind: ColumnKind::Text,
            },
            Column {
                header: "依据记录".into(),
                kind: ColumnKind::Text,
            },
        ],
        rows: figs
            .list
            .iter()
            .map(|f| {
                let mut by_entity: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
                for (e, i) in &f.records {
                    by_entity.entry(e).or_default().push(*i);
                }
                let src: Vec<String> = by_entity
                    .iter()
                    .map(|(e, v)| {
                        let name = schema::entity(e).map(|d| d.label).unwrap_or(e);
                        let shown: Vec<String> = v.iter().take(20).map(|i| i.to_string()).collect();
                        let more = if v.len() > 20 {
                            format!(" 等{}条", v.len())
                        } else {
                            String::new()
                        };
                        format!("{name} #{}{more}", shown.join(","))
                    })
                    .collect();
                vec![
                    Cell::Text(f.label.clone()),
                    Cell::Text(f.value.clone()),
                    Cell::Text(src.join("；")),
                ]
            })
            .collect(),
    }];
    let doc = Document {
        title: format!("{}{}工作总结", input.scope_title, input.period_label),
        subtitle: Some(format!(
            "（{}，由对口 duikou 依据记录生成）",
            input.written_on.format("%Y年%-m月%-d日")
        )),
        sections,
        appendix,
    };
    (doc, figs.list)
}

fn basics(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut programs: Vec<String> = input
        .pairings
        .iter()
        .filter_map(|p| p.program["name"].as_str().map(|n| format!("“{n}”")))
        .collect();
    programs.dedup();
    let pairs: Vec<String> = input
        .pairings
        .iter()
        .map(|p| {
            let term = match (p.pairing["start_date"].as_str(), p.pairing["end_date"].as_str()) {
                (Some(a), Some(b)) => format!("（{}至{}）", fmt_date(a), fmt_date(b)),
                (Some(a), None) => format!("（{}起）", fmt_date(a)),
                _ => String::new(),
            };
            format!(
                "{}对口支援{}{term}",
                p.supporter["name"].as_str().unwrap_or(""),
                p.receiver["name"].as_str().unwrap_or("")
            )
        })
        .collect();
    let n = input.pairings.len() as i64;
    let pairing_ids: Vec<(&'static str, i64)> = input.pairings.iter().map(|p| ("pairings", id(&p.pairing))).collect();
    blocks.push(para(vec![
        Span::text(format!("{}，根据{}的部署，", input.period_label, zh::join(&programs))),
        Span::text("本总结涉及结对关系"),
        figs.span("pairings", "结对关系", format!("{n}对"), pairing_ids),
        Span::text(format!("：{}。", pairs.join("；"))),
    ]));
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
    // the receivers' baseline indicators: the latest value per indicator up to the period's end
    let mut latest: BTreeMap<String, &Value> = BTreeMap::new();
    // pairings of one receiver share its values: each (receiver, values) once
    let mut seen = BTreeSet::new();
    for p in &input.pairings {
        if !seen.insert((p.receiver["name"].as_str().unwrap_or(""), Arc::as_ptr(&p.indicators))) {
            continue;
        }
        for v in p.indicators.iter() {
            let key = format!(
                "{}|{}",
                p.receiver["name"].as_str().unwrap_or(""),
                v["indicator"]["name"].as_str().unwrap_or("")
            );
            let period = v["period"].as_str().unwrap_or("");
            let bounds = period
                .parse::<duikou_domain::Period>()
                .ok()
                .and_then(|x| x.bounds(&Default::default(), None));
            if bounds.is_some_and(|(a, _)| a > input.period.1) {
                continue;
            }
            if latest
                .get(&key)
                .is_none_or(|old| old["period"].as_str().unwrap_or("") < period)
            {
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
                    Cell::Text(v["period"].as_str().unwrap_or("").into()),
                    Cell::Number(qty(&v["value"]).as_f64()),
                    Cell::Text(v["indicator"]["unit"].as_str().unwrap_or("").into()),
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
    blocks
}

fn fmt_date(s: &str) -> String {
    duikou_domain::validate::parse_date(s)
        .map(|d| d.format("%Y年%-m月").to_string())
        .unwrap_or_else(|| s.to_string())
}

fn work(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut sub = 0;
    let mut next_sub = |blocks: &mut Vec<Block>, text: &str| {
        sub += 1;
        blocks.push(Block::Subheading {
            text: format!("{}{text}", zh::subheading(sub)),
        });
    };

    // people
    let dispatches: Vec<&Rec> = pool
        .in_period("dispatches")
        .into_iter()
        .filter(|d| d["direction"] != "to_supporter")
        .collect();
    if !dispatches.is_empty() {
        next_sub(&mut blocks, "选派干部人才");
        let people: HashMap<i64, &Rec> = pool.all("people").into_iter().map(|p| (id(p), p)).collect();
        let mut by_role: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
        let mut role_records: BTreeMap<String, Vec<&Rec>> = BTreeMap::new();
        let mut batches = BTreeSet::new();
        for d in &dispatches {
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
        let persons: BTreeSet<i64> = dispatches.iter().filter_map(|d| d["person_id"].as_i64()).collect();
        let mut spans = vec![Span::text(format!("{}，", input.period_label))];
        if batches.len() > 1 {
            spans.push(Span::text("先后分"));
            spans.push(figs.span(
                "people.batches",
                "派出批次",
                format!("{}批", batches.len()),
                ids("dispatches", &dispatches),
            ));
        }
        spans.push(Span::text("选派"));
        spans.push(figs.span(
            "people.total",
            "援派人员",
            format!("{}名", persons.len()),
            ids("dispatches", &dispatches),
        ));
        let single_role = by_role.len() == 1;
        spans.push(Span::text(match by_role.keys().next() {
            Some(r) if single_role => label("dispatches", "role", r),
            _ => "援派人员".to_string(),
        }));
        // roles in the order of the schema (cadres, teachers, doctors, experts, managers …)
        let roles: Vec<(String, usize)> = schema::DISPATCH_ROLES
            .iter()
            .filter_map(|(r, _)| by_role.get(*r).map(|s| (r.to_string(), s.len())))
            .collect();
        if !roles.is_empty() && !single_role {
            spans.push(Span::text("，其中"));
            for (i, (r, n)) in roles.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::text("、"));
                }
                let name = label("dispatches", "role", r);
                spans.push(Span::text(name.clone()));
                spans.push(figs.span(
                    &format!("people.{r}"),
                    &name,
                    format!("{n}名"),
                    ids("dispatches", &role_records[r]),
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
        let years: Vec<i64> = chosen.iter().filter_map(|p| p["birth_year"].as_i64()).collect();
        if !years.is_empty() {
            let ref_year = chrono::Datelike::year(&input.period.0) as i64;
            let age = ref_year - years.iter().sum::<i64>() / years.len() as i64;
            spans.push(Span::text("，平均年龄"));
            let with_age: Vec<&Rec> = chosen
                .iter()
                .filter(|p| p["birth_year"].is_i64())
                .map(|p| **p)
                .collect();
            spans.push(figs.span("people.age", "平均年龄", format!("{age}岁"), ids("people", &with_age)));
        }
        spans.push(Span::text("。"));
        blocks.push(para(spans));
        let posts: Vec<String> = dispatches
            .iter()
            .filter_map(|d| d["post"].as_str())
            .map(str::to_string)
            .collect();
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
        // table by batch and role
        let mut table: BTreeMap<(i64, String), BTreeSet<i64>> = BTreeMap::new();
        for d in &dispatches {
            table
                .entry((
                    d["batch"].as_i64().unwrap_or(0),
                    d["role"].as_str().unwrap_or("").to_string(),
                ))
                .or_default()
                .insert(d["person_id"].as_i64().unwrap_or(0));
        }
        blocks.push(Block::Table(Table {
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
        }));
        blocks.push(Block::Chart(Chart {
            title: "援派人员按类别".into(),
            kind: ChartKind::Bar,
            categories: roles.iter().map(|(r, _)| label("dispatches", "role", r)).collect(),
            series: vec![Series {
                name: "人数".into(),
                values: roles.iter().map(|(_, n)| *n as f64).collect(),
            }],
            unit: "人".into(),
        }));
    }

    // teaching, training, exchanges
    // the many activities read once into their figures, then counted over and over
    let acts: Vec<Act> = pool.in_period("activities").into_iter().map(Act::of).collect();
    let non_donation: Vec<&Act> = acts.iter().filter(|a| a.kind != Some("donation")).collect();
    if !non_donation.is_empty() {
        next_sub(&mut blocks, "教学、培训与交流");
        let sum = |v: &[&Act], f: fn(&Act) -> i64| v.iter().map(|a| f(a)).sum::<i64>();
        let with = |f: fn(&Act) -> i64| non_donation.iter().copied().filter(|a| f(a) > 0).collect::<Vec<&Act>>();
        let ids = |v: &[&Act]| v.iter().map(|a| ("activities", a.id)).collect::<Vec<_>>();
        let mut parts: Vec<Vec<Span>> = Vec::new();
        let courses = with(|a| a.courses);
        if !courses.is_empty() {
            parts.push(vec![
                Span::text("帮助开出新课和急需课程"),
                figs.span(
                    "activities.courses",
                    "开设课程",
                    format!("{}门次", zh::tally(sum(&courses, |a| a.courses))),
                    ids(&courses),
                ),
            ]);
        }
        let hours = with(|a| a.hours);
        if !hours.is_empty() {
            parts.push(vec![
                Span::text("直接授课"),
                figs.span(
                    "activities.hours",
                    "授课课时",
                    format!("{}课时", zh::tally(sum(&hours, |a| a.hours))),
                    ids(&hours),
                ),
            ]);
        }
        let lectures: Vec<&Act> = with(|a| a.sessions)
            .into_iter()
            .filter(|a| a.kind == Some("lecture"))
            .collect();
        if !lectures.is_empty() {
            parts.push(vec![
                Span::text("举办学术讲座、专题报告"),
                figs.span(
                    "activities.lectures",
                    "讲座报告",
                    format!("{}场", zh::tally(sum(&lectures, |a| a.sessions))),
                    ids(&lectures),
                ),
            ]);
        }
        let trainings: Vec<&Act> = non_donation
            .iter()
            .copied()
            .filter(|a| a.kind == Some("training"))
            .collect();
        if !trainings.is_empty() {
            let pt = sum(&trainings, |a| a.person_times);
            let mut s = vec![
                Span::text("开展培训"),
                figs.span(
                    "activities.trainings",
                    "培训期数",
                    format!("{}期", trainings.len()),
                    ids(&trainings),
                ),
            ];
            if pt > 0 {
                s.push(Span::text("，培训各类人员"));
                s.push(figs.span(
                    "activities.training_person_times",
                    "培训人次",
                    format!("{}人次", zh::tally(pt)),
                    ids(&trainings),
                ));
            }
            parts.push(s);
        }
        let visits: Vec<&Act> = non_donation
            .iter()
            .copied()
            .filter(|a| a.kind == Some("visit"))
            .collect();
        if !visits.is_empty() {
            let pt = sum(&visits, |a| a.person_times);
            let text = if pt > 0 {
                format!("{}人次", zh::tally(pt))
            } else {
                format!("{}次", visits.len())
            };
            parts.push(vec![
                Span::text("双方互访"),
                figs.span("activities.visits", "互访", text, ids(&visits)),
            ]);
        }
        let research: Vec<&Act> = non_donation
            .iter()
            .copied()
            .filter(|a| a.kind == Some("research"))
            .collect();
        if !research.is_empty() {
            parts.push(vec![
                Span::text("联合开展科研合作"),
                figs.span(
                    "activities.research",
                    "科研合作",
                    format!("{}项", research.len()),
                    ids(&research),
                ),
            ]);
        }
        if !parts.is_empty() {
            let mut spans = vec![Span::text(format!("{}，", input.period_label))];
            for (i, p) in parts.into_iter().enumerate() {
                if i > 0 {
                    spans.push(Span::text("；"));
                }
                spans.extend(p);
            }
            spans.push(Span::text("。"));
            blocks.push(para(spans));
        }
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        for a in &acts {
            *by_kind.entry(a.kind.unwrap_or("").to_string()).or_default() += 1;
        }
        blocks.push(Block::Chart(Chart {
            title: "活动按类型".into(),
            kind: ChartKind::Bar,
            categories: by_kind.keys().map(|k| label("activities", "kind", k)).collect(),
            series: vec![Series {
                name: "次数".into(),
                values: by_kind.values().map(|n| *n as f64).collect(),
            }],
            unit: "次".into(),
        }));
    }

    // projects and money
    let projects = pool.in_period("projects");
    if !projects.is_empty() {
        next_sub(&mut blocks, "援建项目与资金");
        let project_ids: BTreeSet<i64> = projects.iter().map(id).collect();
        // a completed project was started, whether or not its start date was recorded
        let started: Vec<&Rec> = projects
            .iter()
            .copied()
            .filter(|p| !p["started_on"].is_null() || !p["completed_on"].is_null())
            .collect();
        let completed: Vec<&Rec> = projects
            .iter()
            .copied()
            .filter(|p| !p["completed_on"].is_null())
            .collect();
        let livelihood: Vec<&Rec> = projects
            .iter()
            .copied()
            .filter(|p| schema::is_livelihood(p["category"].as_str().unwrap_or("")))
            .collect();
        let mut spans = vec![
            Span::text("累计安排援建项目"),
            figs.span(
                "projects.count",
                "援建项目",
                format!("{}个", projects.len()),
                ids("projects", &projects),
            ),
        ];
        if !livelihood.is_empty() {
            spans.push(Span::text("，其中民生项目"));
            spans.push(figs.span(
                "projects.livelihood",
                "民生项目",
                format!("{}个", livelihood.len()),
                ids("projects", &livelihood),
            ));
        }
        spans.push(Span::text("；已开工"));
        spans.push(figs.span(
            "projects.started",
            "已开工项目",
            format!("{}个", started.len()),
            ids("projects", &started),
        ));
        if let Some(rate) = zh::percent(started.len() as i64, projects.len() as i64) {
            spans.push(Span::text("，开工率"));
            spans.push(figs.span("projects.start_rate", "项目开工率", rate, ids("projects", &projects)));
        }
        spans.push(Span::text("；已竣工"));
        spans.push(figs.span(
            "projects.completed",
            "已竣工项目",
            format!("{}个", completed.len()),
            ids("projects", &completed),
        ));
        if let Some(rate) = zh::percent(completed.len() as i64, started.len() as i64) {
            spans.push(Span::text("，竣工率"));
            spans.push(figs.span(
                "projects.completion_rate",
                "项目竣工率",
                rate,
                ids("projects", &started),
            ));
        }
        spans.push(Span::text("。"));
        blocks.push(para(spans));

        let funding: Vec<&Rec> = pool
            .all("project_funding")
            .into_iter()
            .filter(|f| project_ids.contains(&f["project_id"].as_i64().unwrap_or(0)))
            .collect();
        let supporter_money: Vec<&Rec> = funding.iter().copied().filter(|f| f["source"] == "supporter").collect();
        // each project's supporter money, for its row in the table
        let mut support_of: HashMap<i64, Vec<Money>> = HashMap::new();
        for f in &supporter_money {
            if let Some(p) = f["project_id"].as_i64() {
                support_of.entry(p).or_default().push(money(&f["amount"]));
            }
        }
        let total_support: Money = supporter_money.iter().map(|f| money(&f["amount"])).sum();
        let total_investment: Money = projects.iter().map(|p| money(&p["total_investment"])).sum();
        let leveraged: Vec<&Rec> = projects
            .iter()
            .copied()
            .filter(|p| money(&p["leveraged_investment"]).fen() > 0)
            .collect();
        let mut parts: Vec<Vec<Span>> = Vec::new();
        if total_investment.fen() > 0 {
            parts.push(vec![
                Span::text("项目总投资"),
                figs.span(
                    "money.total_investment",
                    "项目总投资",
                    zh::money(total_investment),
                    ids("projects", &projects),
                ),
            ]);
        }
        if total_support.fen() > 0 {
            parts.push(vec![
                Span::text("累计投入援助资金"),
                figs.span(
                    "money.supporter",
                    "援助资金",
                    zh::money(total_support),
                    ids("project_funding", &supporter_money),
                ),
            ]);
        }
        let other: Vec<&Rec> = funding.iter().copied().filter(|f| f["source"] != "supporter").collect();
        if !other.is_empty() {
            let mut by: BTreeMap<String, (Money, Vec<&Rec>)> = BTreeMap::new();
            for f in &other {
                let e = by.entry(f["source"].as_str().unwrap_or("").to_string()).or_default();
                e.0 = e.0.saturating_add(money(&f["amount"]));
                e.1.push(f);
            }
            for (src, (m, v)) in by {
                let name = label("project_funding", "source", &src);
                parts.push(vec![
                    Span::text(name.clone()),
                    figs.span(&format!("money.{src}"), &name, zh::money(m), ids("project_funding", &v)),
                ]);
            }
        }
        if !leveraged.is_empty() {
            let lev: Money = leveraged.iter().map(|p| money(&p["leveraged_investment"])).sum();
            parts.push(vec![
                Span::text("带动投资"),
                figs.span(
                    "money.leveraged",
                    "带动投资",
                    zh::money(lev),
                    ids("projects", &leveraged),
                ),
            ]);
        }
        if !parts.is_empty() {
            let mut spans = Vec::new();
            for (i, p) in parts.into_iter().enumerate() {
                if i > 0 {
                    spans.push(Span::text("，"));
                }
                spans.extend(p);
            }
            spans.push(Span::text("。"));
            blocks.push(para(spans));
        }
        // outputs: planned / started / completed
        let outputs: Vec<&Rec> = pool
            .all("outputs")
            .into_iter()
            .filter(|o| project_ids.contains(&o["project_id"].as_i64().unwrap_or(0)))
            .collect();
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
        for ((name, unit), v) in &by_output {
            let total = |f: &str| v.iter().map(|o| qty(&o[f]).raw()).sum::<i64>();
            let (p, s, c) = (total("planned"), total("started"), total("completed"));
            let show = |raw: i64| Qty::from_raw(raw).to_string();
            let mut spans = vec![Span::text(name.clone())];
            let key = format!("outputs.{name}");
            if p > 0 {
                spans.push(Span::text("计划建设"));
                spans.push(figs.span(
                    &format!("{key}.planned"),
                    &format!("{name}计划"),
                    format!("{}{unit}", show(p)),
                    ids("outputs", v),
                ));
                spans.push(Span::text("，"));
            }
            if s > 0 || p > 0 {
                spans.push(Span::text("已开工"));
                spans.push(figs.span(
                    &format!("{key}.started"),
                    &format!("{name}开工"),
                    format!("{}{unit}", show(s)),
                    ids("outputs", v),
                ));
                if let Some(r) = zh::percent(s, p) {
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
            spans.push(Span::text("竣工"));
            spans.push(figs.span(
                &format!("{key}.completed"),
                &format!("{name}竣工"),
                format!("{}{unit}", show(c)),
                ids("outputs", v),
            ));
            if let Some(r) = zh::percent(c, s) {
                spans.push(Span::text("，竣工率"));
                spans.push(figs.span(
                    &format!("{key}.completion_rate"),
                    &format!("{name}竣工率"),
                    r,
                    ids("outputs", v),
                ));
            }
            spans.push(Span::text("。"));
            blocks.push(para(spans));
        }
        blocks.push(Block::Table(Table {
            title: "表3 援建项目".into(),
            columns: vec![
                Column {
                    header: "项目".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "类别".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "总投资".into(),
                    kind: ColumnKind::Money,
                },
                Column {
                    header: "援助资金".into(),
                    kind: ColumnKind::Money,
                },
                Column {
                    header: "开工".into(),
                    kind: ColumnKind::Text,
                },
                Column {
                    header: "竣工".into(),
                    kind: ColumnKind::Text,
                },
            ],
            rows: projects
                .iter()
                .map(|p| {
                    let support: Money = p["id"]
                        .as_i64()
                        .and_then(|i| support_of.get(&i))
                        .map(|v| v.iter().copied().sum())
                        .unwrap_or_default();
                    vec![
                        Cell::Text(p["name"].as_str().unwrap_or("").into()),
                        Cell::Text(label("projects", "category", p["category"].as_str().unwrap_or(""))),
                        Cell::Money(money(&p["total_investment"]).fen()),
                        Cell::Money(support.fen()),
                        date(&p["started_on"]).map(Cell::Date).unwrap_or(Cell::Empty),
                        date(&p["completed_on"]).map(Cell::Date).unwrap_or(Cell::Empty),
                    ]
                })
                .collect(),
        }));
        // money by year and source, from disbursements (else commitments)
        let txs = pool.in_period("transactions");
        let kind = if txs.iter().any(|t| t["kind"] == "disbursement") {
            "disbursement"
        } else {
            "commitment"
        };
        let mut grid: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for t in txs.iter().filter(|t| t["kind"] == kind) {
            let year = t["date"].as_str().unwrap_or("").get(..4).unwrap_or("").to_string();
            let cell = grid
                .entry(t["source"].as_str().unwrap_or("").to_string())
                .or_default()
                .entry(year)
                .or_default();
            *cell = cell.saturating_add(money(&t["amount"]).fen());
        }
        if !grid.is_empty() {
            let years: BTreeSet<String> = grid.values().flat_map(|m| m.keys().cloned()).collect();
            blocks.push(Block::Chart(Chart {
                title: format!("资金按年度和来源（{}）", label("transactions", "kind", kind)),
                kind: ChartKind::StackedBar,
                categories: years.iter().map(|y| format!("{y}年")).collect(),
                series: grid
                    .iter()
                    .map(|(src, m)| Series {
                        name: label("transactions", "source", src),
                        values: years
                            .iter()
                            .map(|y| *m.get(y).unwrap_or(&0) as f64 / 1_000_000.0)
                            .collect(),
                    })
                    .collect(),
                unit: "万元".into(),
            }));
        }
        // each project in exactly one slice, by its own dates: a project completed counts as 竣工 even when its start
        // date was never recorded (the demo's 温州→拜城 kindergarten), so the slices are not differences of counts
        let done = |p: &&Rec| !p["completed_on"].is_null();
        let begun = |p: &&Rec| !p["started_on"].is_null();
        let status_counts = [
            ("立项", projects.iter().filter(|p| !done(p) && !begun(p)).count()),
            ("在建", projects.iter().filter(|p| !done(p) && begun(p)).count()),
            ("竣工", completed.len()),
        ];
        blocks.push(Block::Chart(Chart {
            title: "项目进展".into(),
            kind: ChartKind::Pie,
            categories: status_counts.iter().map(|(l, _)| l.to_string()).collect(),
            series: vec![Series {
                name: "项目数".into(),
                values: status_counts.iter().map(|(_, n)| *n as f64).collect(),
            }],
            unit: "个".into(),
        }));
    }

    // donations
    let donations: Vec<&Rec> = acts
        .iter()
        .filter(|a| a.kind == Some("donation"))
        .map(|a| a.rec)
        .collect();
    if !donations.is_empty() {
        next_sub(&mut blocks, "捐赠与物资支持");
        let items: Vec<String> = donations
            .iter()
            .filter_map(|d| d["title"].as_str())
            .map(str::to_string)
            .collect();
        let amount: Money = donations.iter().map(|d| money(&d["amount"])).sum();
        let mut spans = vec![Span::text(format!("支援方向受援方捐赠{}", items.join("、")))];
        if amount.fen() > 0 {
            spans.push(Span::text("，折合"));
            spans.push(figs.span(
                "donations.amount",
                "捐赠金额",
                zh::money(amount),
                ids("activities", &donations),
            ));
        }
        spans.push(Span::text("，改善了受援方的办学和工作条件。"));
        blocks.push(para(spans));
    }

    // needs
    let needs = pool.in_period("needs");
    if !needs.is_empty() {
        next_sub(&mut blocks, "落实受援方需求");
        let met: Vec<&Rec> = needs.iter().copied().filter(|n| n["status"] == "met").collect();
        let going: Vec<&Rec> = needs.iter().copied().filter(|n| n["status"] == "in_progress").collect();
        blocks.push(para(vec![
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
        ]));
    }

    // practices users wrote down
    let highlights: Vec<String> = pool
        .in_period("notes")
        .into_iter()
        .filter(|n| n["kind"] == "highlight")
        .filter_map(|n| n["text"].as_str().map(str::to_string))
        .collect();
    if !highlights.is_empty() {
        next_sub(&mut blocks, "主要做法与经验");
        blocks.push(Block::List { items: highlights });
    }
    if blocks.is_empty() {
        blocks.push(para(vec![Span::text("本期尚无记录的工作。")]));
    }
    blocks
}

fn problems(input: &SummaryInput, pool: &Pool, figs: &mut Figures) -> Vec<Block> {
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
    let disputed: Vec<&Rec> = [
        "projects",
        "transactions",
        "dispatches",
        "stints",
        "activities",
        "outputs",
        "project_funding",
    ]
    .iter()
    .flat_map(|e| pool.in_period_if(e, |r| r["confirmation"] == "disputed"))
    .collect();
    let mut blocks = Vec::new();
    if !disputed.is_empty() {
        let refs: Vec<(&'static str, i64)> = disputed.iter().map(|r| ("records", id(r))).collect();
        blocks.push(para(vec![
            Span::text("受援方对支援方填报的"),
            figs.span(
                "confirmations.disputed",
                "有异议的记录",
                format!("{}条", disputed.len()),
                refs,
            ),
            Span::text("记录提出异议，尚待双方核实。"),
        ]));
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

fn plans(input: &SummaryInput, pool: &Pool) -> Vec<Block> {
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

#[cfg(test)]
mod tests;
