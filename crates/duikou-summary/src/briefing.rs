//! The 简报: a one-page digest of a month or quarter — what happened, the key figures, and the warnings.

use crate::{zh, Figure, SummaryInput};
use duikou_domain::approx::{self, Total};
use duikou_domain::engine::Status;
use duikou_domain::record::Rec;
use duikou_domain::schema::{self, FieldKind};
use duikou_report::{Block, Cell, Column, ColumnKind, Document, Section, Span, Table};

fn label(entity: &str, field: &str, value: &str) -> String {
    schema::value_label(entity, field, value)
}

/// Writes the briefing of `input` (usually a month or a quarter); `issue` numbers it (第N期).
pub fn briefing(input: &SummaryInput, issue: u32) -> (Document, Vec<Figure>) {
    let (from, to) = input.period;
    // all of the date in the period (a month-precision fact in its month's briefing, never in a week's)
    let in_period = |d: Option<&str>| {
        d.and_then(|d| d.parse::<duikou_domain::RecDate>().ok())
            .is_some_and(|d| duikou_domain::date::attribute(d.interval(), (from, to)) == duikou_domain::Attribution::In)
    };
    let all = |entity: &str| -> Vec<&Rec> {
        input
            .pairings
            .iter()
            .flat_map(|p| p.records.get(entity).into_iter().flatten())
            .collect()
    };
    // the period's activities seen generically, by their fields (a briefing's month or quarter holds few)
    let taken = input.activities.taken(input);
    let act_recs = crate::pool::recs_of(&taken.started.iter().map(|a| a.activity()).collect::<Vec<_>>());
    let acts: Vec<&Rec> = act_recs.iter().collect();
    let dispatches: Vec<&Rec> = all("dispatches")
        .into_iter()
        .filter(|d| in_period(d["start_date"].as_str()))
        .collect();
    let events = events(&acts, &dispatches, &all("projects"), in_period);
    let (rows, figures) = key_figures(&acts, &dispatches);
    let warnings = warnings(input);
    let sections = vec![
        Section {
            heading: format!("{}本期动态", zh::heading(1)),
            blocks: vec![events_block(&events)],
        },
        Section {
            heading: format!("{}主要数据", zh::heading(2)),
            blocks: vec![Block::Table(Table {
                title: "本期主要数据".into(),
                columns: vec![
                    Column {
                        header: "项目".into(),
                        kind: ColumnKind::Text,
                    },
                    Column {
                        header: "数值".into(),
                        kind: ColumnKind::Text,
                    },
                ],
                rows,
            })],
        },
        Section {
            heading: format!("{}预警与提醒", zh::heading(3)),
            blocks: vec![if warnings.is_empty() {
                Block::Paragraph {
                    spans: vec![Span::text("本期各项目标任务进度正常。")],
                }
            } else {
                Block::List { items: warnings }
            }],
        },
    ];
    let doc = Document {
        title: format!("{}工作简报", input.scope_title),
        subtitle: Some(format!(
            "第{issue}期（{}）　{}",
            input.period_label,
            input.written_on.format("%Y年%-m月%-d日")
        )),
        sections,
        appendix: Vec::new(),
    };
    (doc, figures)
}

/// What happened, by its date: the activities, the people who arrived, the projects started, completed or handed over.
fn events(
    acts: &[&Rec],
    dispatches: &[&Rec],
    projects: &[&Rec],
    in_period: impl Fn(Option<&str>) -> bool,
) -> Vec<(String, String)> {
    let mut events: Vec<(String, String)> = Vec::new();
    for a in acts {
        let kind = label("activities", "kind", a["kind"].as_str().unwrap_or(""));
        let mut line = format!("【{kind}】{}", a["title"].as_str().unwrap_or(""));
        if let Some(f) = approx::figure_of(FieldKind::Int, *a, "person_times").filter(|f| f.value > 0) {
            line.push_str(&format!("，{}人次", zh::tally_total(&[f].into_iter().collect())));
        }
        events.push((a["start_date"].as_str().unwrap_or("").to_string(), line));
    }
    for d in dispatches {
        let role = label("dispatches", "role", d["role"].as_str().unwrap_or(""));
        let post = d["post"].as_str().map(|p| format!("，任{p}")).unwrap_or_default();
        events.push((
            d["start_date"].as_str().unwrap_or("").to_string(),
            format!("【援派】{role}1名到岗{post}"),
        ));
    }
    for p in projects {
        for (field, what) in [
            ("started_on", "开工"),
            ("completed_on", "竣工"),
            ("handed_over_on", "移交"),
        ] {
            if in_period(p[field].as_str()) {
                events.push((
                    p[field].as_str().unwrap_or("").to_string(),
                    format!("【项目】{}{what}", p["name"].as_str().unwrap_or("")),
                ));
            }
        }
    }
    events.sort();
    events
}

/// The events as a list, each by its day (or month).
fn events_block(events: &[(String, String)]) -> Block {
    if events.is_empty() {
        Block::Paragraph {
            spans: vec![Span::text("本期没有记录的活动。")],
        }
    } else {
        Block::List {
            items: events
                .iter()
                .map(|(d, t)| {
                    let day = match d.parse::<duikou_domain::RecDate>() {
                        Ok(d) if d.precision == duikou_domain::Precision::Day => {
                            d.first.format("%-m月%-d日").to_string()
                        }
                        Ok(d) if d.precision == duikou_domain::Precision::Month => d.first.format("%-m月").to_string(),
                        _ => String::new(),
                    };
                    format!("{day}　{t}")
                })
                .collect(),
        }
    }
}

/// The key figures of the period as the rows of a table, and the figures behind them.
fn key_figures(acts: &[&Rec], dispatches: &[&Rec]) -> (Vec<Vec<Cell>>, Vec<Figure>) {
    let mut figures = Vec::new();
    let mut counted = |key: &str, label_text: &str, value: String, records: Vec<(&'static str, i64)>| {
        figures.push(Figure {
            key: key.into(),
            label: label_text.into(),
            value: value.clone(),
            records: records.into(),
        });
        value
    };
    let ids = |entity: &'static str, v: &[&Rec]| {
        v.iter()
            .map(|r| (entity, r["id"].as_i64().unwrap_or(0)))
            .collect::<Vec<_>>()
    };
    // counts are at most 10 亿 each (the domain's ceiling): held at the end of i64, never wrapped
    // with their qualifiers and ranges, by the summing rule of `approx::Total` ("1500余", "20—50")
    let total = |k: &str| -> Total {
        acts.iter()
            .filter_map(|a| approx::figure_of(FieldKind::Int, *a, k))
            .collect()
    };
    let pt = total("person_times");
    let hours = total("hours");
    let rows = vec![
        vec![
            Cell::Text("开展活动".into()),
            Cell::Text(counted(
                "briefing.activities",
                "开展活动",
                format!("{}次", acts.len()),
                ids("activities", acts),
            )),
        ],
        vec![
            Cell::Text("参加人次".into()),
            Cell::Text(counted(
                "briefing.person_times",
                "参加人次",
                format!("{}人次", zh::tally_total(&pt)),
                ids("activities", acts),
            )),
        ],
        vec![
            Cell::Text("授课课时".into()),
            Cell::Text(counted(
                "briefing.hours",
                "授课课时",
                format!("{}课时", zh::tally_total(&hours)),
                ids("activities", acts),
            )),
        ],
        vec![
            Cell::Text("新到岗援派人员".into()),
            Cell::Text(counted(
                "briefing.dispatches",
                "新到岗援派人员",
                format!("{}名", dispatches.len()),
                ids("dispatches", dispatches),
            )),
        ],
    ];
    (rows, figures)
}

/// The warnings of the obligations, and those unmet whose window closed in the period.
fn warnings(input: &SummaryInput) -> Vec<String> {
    let (from, to) = input.period;
    let mut warnings = Vec::new();
    for p in &input.pairings {
        for r in &p.results {
            if r.warning {
                warnings.push(format!("预警：{}", r.text));
            } else if r.status == Status::Unmet && r.window_end >= from && r.window_end <= to {
                warnings.push(format!("未达标：{}", r.text));
            }
        }
    }
    warnings
}
