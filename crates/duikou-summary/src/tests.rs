//! The summary of a pairing like 南京农业大学 → 新疆农业大学 and 湖南 → 吐鲁番, built from records.

use super::*;
use crate::basics::program_term;
use crate::words::whole_months;
use duikou_domain::engine::Status;
use duikou_domain::{schema, Qty};
use duikou_report::Cell;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

fn d(s: &str) -> NaiveDate {
    duikou_domain::validate::parse_date(s).unwrap()
}

fn text(doc: &Document) -> String {
    let mut out = String::new();
    for s in &doc.sections {
        out.push_str(&s.heading);
        out.push('\n');
        for b in &s.blocks {
            match b {
                Block::Paragraph { spans } => {
                    for sp in spans {
                        out.push_str(&sp.text);
                    }
                }
                Block::Subheading { text } => out.push_str(text),
                Block::List { items } => out.push_str(&items.join("\n")),
                _ => {}
            }
            out.push('\n');
        }
    }
    out
}

/// Transactions written by hand as the API's JSON, with only the fields a test cares for, made typed: the
/// columns every stored record has are filled in (version 1, the pairing 7, confirmed unless told otherwise).
fn typed_transactions(v: Vec<Value>) -> Vec<crate::HeldTransaction> {
    v.into_iter()
        .map(|mut t| {
            let defaults = json!({"version": 1, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
                                  "pairing_id": 7, "confirmation": "confirmed"});
            for (k, d) in defaults.as_object().unwrap() {
                if t.get(k).is_none_or(Value::is_null) {
                    t[k] = d.clone();
                }
            }
            duikou_domain::entities::Transaction::from_json(&t)
                .unwrap_or_else(|e| panic!("{e}: {t}"))
                .into()
        })
        .collect()
}

/// Activities written by hand as the API's JSON, made typed as [`typed_transactions`] makes transactions (an
/// activity without a title is given an empty one).
fn typed_activities(v: Vec<Value>) -> Vec<duikou_domain::entities::Activity> {
    v.into_iter()
        .map(|mut a| {
            let defaults = json!({"version": 1, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
                                  "pairing_id": 7, "confirmation": "confirmed", "title": ""});
            for (k, d) in defaults.as_object().unwrap() {
                if a.get(k).is_none_or(Value::is_null) {
                    a[k] = d.clone();
                }
            }
            duikou_domain::entities::Activity::from_json(&a).unwrap_or_else(|e| panic!("{e}: {a}"))
        })
        .collect()
}

fn bundle() -> PairingBundle {
    let mut records: HashMap<String, Vec<Value>> = HashMap::new();
    let mut people = Vec::new();
    let mut dispatches = Vec::new();
    for i in 0..16 {
        people.push(
            json!({"id": i + 1, "name": format!("教师{i}"), "education": if i < 3 { "doctorate" } else { "bachelor" },
                           "title_level": if i < 5 { "senior" } else { "intermediate" }, "birth_year": 1970 + i}),
        );
        dispatches.push(
            json!({"id": i + 1, "person_id": i + 1, "role": if i < 14 { "teacher" } else { "manager" },
            "batch": i % 5 + 1, "direction": "to_receiver", "start_date": "2004-09-01", "end_date": "2005-07-01",
            "post": if i == 14 { Value::from("副校长") } else { Value::Null }, "confirmation": "confirmed"}),
        );
    }
    records.insert("people".into(), people);
    records.insert("dispatches".into(), dispatches);
    records.insert(
        "agreements".into(),
        vec![
            json!({"id": 1, "kind": "agreement", "tier": "institution", "title": "校级协议一", "signed_on": "2004-06-01"}),
            json!({"id": 2, "kind": "agreement", "tier": "institution", "title": "校级协议二", "signed_on": "2004-07-01"}),
            json!({"id": 3, "kind": "memorandum", "title": "备忘录", "signed_on": "2005-06-02"}),
        ],
    );
    records.insert(
        "projects".into(),
        vec![
            json!({"id": 1, "name": "安居富民工程", "category": "housing", "approved_on": "2004-03-01", "started_on": "2004-04-01", "total_investment": "26000万"}),
            json!({"id": 2, "name": "实验中学", "category": "education", "approved_on": "2004-03-01", "started_on": "2004-05-01", "completed_on": "2005-06-01", "total_investment": "260000000.00", "leveraged_investment": "42.77亿"}),
            json!({"id": 3, "name": "中心医院新区", "category": "health", "approved_on": "2005-01-01"}),
        ],
    );
    records.insert(
        "project_funding".into(),
        vec![
            json!({"id": 1, "project_id": 2, "source": "supporter", "amount": "37000000.00"}),
            json!({"id": 2, "project_id": 2, "source": "local", "amount": "223000000.00"}),
        ],
    );
    records.insert(
        "outputs".into(),
        vec![json!({"id": 1, "project_id": 1, "name": "安居富民房", "unit": "户", "planned": 8640, "started": 9426, "completed": 5780, "as_of": "2005-06-30"})],
    );
    records.insert(
        "transactions".into(),
        vec![
            json!({"id": 1, "project_id": 2, "kind": "disbursement", "source": "supporter", "amount": "20000000.00", "date": "2004-06-01"}),
            json!({"id": 2, "project_id": 2, "kind": "disbursement", "source": "supporter", "amount": "17000000.00", "date": "2005-03-01", "confirmation": "disputed"}),
        ],
    );
    records.insert(
        "needs".into(),
        vec![
            json!({"id": 1, "title": "棉花分子育种实验室", "status": "in_progress", "raised_on": "2004-09-01"}),
            json!({"id": 2, "title": "研究生管理软件", "status": "met", "raised_on": "2004-10-01", "met_on": "2005-03-01"}),
        ],
    );
    records.insert(
        "notes".into(),
        vec![
            json!({"id": 1, "kind": "problem", "text": "援教教师生活保障需进一步加强。"}),
            json!({"id": 2, "kind": "plan", "text": "召开工作委员会第一次全体会议。"}),
        ],
    );
    let transactions = typed_transactions(records.remove("transactions").unwrap_or_default());
    records.remove("activities");
    PairingBundle {
        transactions,
        pairing: json!({"id": 7, "start_date": "2002-01-01"}),
        program: Arc::new(json!({"name": "对口支援西部地区高等学校计划"})),
        supporter: Arc::new(json!({"name": "南京农业大学"})),
        receiver: Arc::new(json!({"name": "新疆农业大学"})),
        records: records
            .into_iter()
            .map(|(k, v)| (k, duikou_domain::record::recs(v)))
            .collect(),
        results: vec![],
        indicators: indicator_values(vec![
            json!({"period": "2004", "value": 1200, "indicator": {"name": "专任教师", "unit": "人"}}),
        ]),
    }
}

/// Indicator values as a store gives them, from JSON with the indicator's code, name and unit under `indicator`.
fn indicator_values(v: Vec<Value>) -> Arc<Vec<crate::IndicatorValue>> {
    Arc::new(
        v.iter()
            .map(|v| {
                let indicator = serde_json::from_value(v["indicator"].clone()).unwrap();
                crate::IndicatorValue::read(v, Arc::new(indicator))
            })
            .collect(),
    )
}

/// The activities of [`bundle`]'s pairing.
fn bundle_activities() -> Vec<duikou_domain::entities::Activity> {
    typed_activities(vec![
        json!({"id": 1, "kind": "teaching", "title": "授课", "start_date": "2004-10-01", "courses": 40, "hours": 1523}),
        json!({"id": 2, "kind": "lecture", "title": "学术报告", "start_date": "2005-03-01", "sessions": 43}),
        json!({"id": 3, "kind": "visit", "title": "互访", "start_date": "2005-04-01", "person_times": 52}),
        json!({"id": 4, "kind": "donation", "title": "计算机4台", "start_date": "2005-05-01", "items": 4, "amount": "20000.00"}),
        json!({"id": 5, "kind": "training", "title": "骨干培训", "start_date": "2005-05-01", "person_times": 355}),
        json!({"id": 6, "kind": "teaching", "title": "早年授课", "start_date": "2001-05-01", "hours": 99}),
    ])
}

fn input() -> SummaryInput {
    SummaryInput {
        scope_title: "南京农业大学对口支援新疆农业大学".into(),
        period_label: "2004-2005学年".into(),
        period: (d("2004-01-01"), d("2005-08-31")),
        pairings: vec![bundle()],
        activities: bundle_activities().into(),
        written_on: d("2026-11-28"),
        pending: Pending::Separate,
        whole_term: false,
        area: None,
        tasks: Vec::new(),
        requirements: Vec::new(),
    }
}

#[test]
fn writes_the_four_sections_in_the_genres_words() {
    let (doc, figures) = build(&input()).unwrap();
    let t = text(&doc);
    assert_eq!(doc.title, "南京农业大学对口支援新疆农业大学2004-2005学年工作总结");
    let headings: Vec<&str> = doc.sections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(
        headings,
        [
            "一、基本情况",
            "二、工作开展情况",
            "三、存在问题",
            "四、下一步建议",
            "附：统计口径"
        ]
    );
    for expected in [
        "先后分5批选派16名援派人员，其中支教教师14名、管理人员2名；其中硕博研究生3人，高级职称5人",
        "期内双方签订校级（省级）协议2份、备忘录1份",
        "帮助开出新课和急需课程40门次；直接授课1500余课时；举办学术讲座、专题报告40余场",
        "培训各类人员350余人次",
        "双方互访50余人次",
        "本期新安排援建项目3个，其中民生项目3个；续建项目0个；本期竣工1个；上述项目中已开工2个，开工率67%，竣工率50%",
        "新安排项目总投资5.2亿元，援助资金3700万元，地方配套2.23亿元，带动投资42.77亿元",
        // the disputed 1700万 is not counted
        "本期资金往来：拨付到位2000万元。",
        "安居富民房计划建设8640户，已开工9426户，开工率达109%，竣工5780户，竣工率61%",
        "受援方提出需求2项，已满足1项，正在落实1项",
        "援派人员在受援地担任副校长1名",
        "受援方需求“棉花分子育种实验室”尚未满足",
        "援教教师生活保障需进一步加强",
        "召开工作委员会第一次全体会议",
        "受援方对支援方填报的1条记录提出异议",
        "受援方对项目“实验中学”的拨付/到位（2005-03-01）（1700万元）提出异议，未计入本总结的任何数字；未写明异议理由。",
    ] {
        assert!(t.contains(expected), "missing «{expected}» in:\n{t}");
    }
    assert!(!t.contains("1622"), "the 2001 teaching is outside the period");
    // every figure is traced
    let hours = figures.iter().find(|f| f.key == "activities.hours").unwrap();
    assert_eq!(hours.records, [("activities", 1)]);
    let teachers = figures.iter().find(|f| f.key == "people.teacher").unwrap();
    assert_eq!(teachers.records.len(), 14);
    let spans: Vec<&Span> = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Paragraph { spans } => Some(spans),
            _ => None,
        })
        .flatten()
        .filter(|s| s.figure.is_some())
        .collect();
    assert!(spans
        .iter()
        .all(|s| figures.iter().any(|f| Some(&f.key) == s.figure.as_ref())));
    assert_eq!(doc.appendix[0].rows.len(), figures.len());
    // the appendix names the records a figure rests on, never by id
    for row in &doc.appendix[0].rows {
        let Cell::Text(src) = &row[2] else { panic!("{row:?}") };
        assert!(!src.contains('#') && (src.is_empty() || src.contains('：')), "{src}");
    }
    let source = |label: &str| {
        doc.appendix[0]
            .rows
            .iter()
            .find(|r| matches!(&r[0], Cell::Text(t) if t == label))
            .map(|r| format!("{:?}", r[2]))
            .unwrap_or_default()
    };
    assert!(
        source("结对关系").contains("结对：南京农业大学→新疆农业大学"),
        "{}",
        source("结对关系")
    );
    assert!(
        source("支教教师").contains("援派：教师0、教师1、教师2、教师3、教师4等14条"),
        "{}",
        source("支教教师")
    );
    assert!(
        source("到位资金").contains("资金往来：实验中学（2004-06-01）"),
        "{}",
        source("到位资金")
    );
    let charts = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter(|b| matches!(b, Block::Chart(_)))
        .count();
    assert!(charts >= 3, "{charts}");
}

#[test]
fn unmet_obligations_become_problems_and_plans() {
    let mut i = input();
    let result = ObligationResult {
        obligation_id: 1,
        title: "每学年派出支教教师不少于2名".into(),
        pairing_id: 7,
        subject: duikou_domain::engine::SubjectRef::Pairing,
        window: "2004-2005".into(),
        window_start: d("2004-09-01"),
        window_end: d("2005-08-31"),
        actual: Qty::from_int(1),
        target: Some(Qty::from_int(2)),
        target_max: None,
        status: Status::Unmet,
        warning: false,
        counted: vec![],
        text: "2004-2005学年 派出支教教师 1 名，要求不少于 2 名".into(),
    };
    i.pairings[0].results = vec![result];
    let (doc, _) = build(&i).unwrap();
    let t = text(&doc);
    assert!(
        t.contains("未完成目标任务：2004-2005学年 派出支教教师 1 名，要求不少于 2 名。"),
        "{t}"
    );
    assert!(t.contains("抓紧落实“每学年派出支教教师不少于2名”"), "{t}");
}

#[test]
fn an_empty_period_still_reads_well() {
    let mut i = input();
    i.period = (d("2003-01-01"), d("2003-12-31"));
    i.period_label = "2003年".into();
    let (doc, _) = build(&i).unwrap();
    let t = text(&doc);
    assert!(t.contains("本期尚无记录的工作"), "{t}");
}

#[test]
fn a_quarterly_briefing_lists_what_happened_and_the_figures() {
    let mut i = input();
    i.period = (d("2005-04-01"), d("2005-06-30"));
    i.period_label = "2005年第二季度".into();
    let (doc, figures) = crate::briefing::briefing(&i, 3);
    let t = text(&doc);
    assert_eq!(doc.title, "南京农业大学对口支援新疆农业大学工作简报");
    assert!(doc
        .subtitle
        .as_deref()
        .unwrap_or("")
        .starts_with("第3期（2005年第二季度）"));
    assert!(t.contains("4月1日　【互访】互访，50余人次"), "{t}");
    assert!(t.contains("6月1日　【项目】实验中学竣工"), "{t}");
    assert!(!t.contains("授课，"), "March teaching is outside the quarter: {t}");
    let acts = figures.iter().find(|f| f.key == "briefing.activities").unwrap();
    assert_eq!(acts.value, "3次");
}

/// Every field name the writer's source spells out (as `rec["field"]`, or handed to a helper that reads it) of an
/// entity a store projects for it is in [`FIELDS`]; so is every date field the engine keeps records by.
#[test]
fn fields_cover_what_the_writer_reads() {
    let engine = include_str!("../../duikou-domain/src/engine.rs");
    let span = &engine[engine.find("fn span<").unwrap()..engine.find("pub fn record_dates").unwrap()];
    let sources = [
        include_str!("lib.rs"),
        include_str!("activities.rs"),
        include_str!("basics.rs"),
        include_str!("briefing.rs"),
        include_str!("donations.rs"),
        include_str!("figures.rs"),
        include_str!("flows.rs"),
        include_str!("funds.rs"),
        include_str!("indicators.rs"),
        include_str!("needs.rs"),
        include_str!("next_steps.rs"),
        include_str!("outputs.rs"),
        include_str!("pending.rs"),
        include_str!("people.rs"),
        include_str!("plans.rs"),
        include_str!("pool.rs"),
        include_str!("problems.rs"),
        include_str!("projects.rs"),
        include_str!("rec.rs"),
        include_str!("sources.rs"),
        include_str!("tasks.rs"),
        include_str!("words.rs"),
        span,
    ];
    let mut names = BTreeSet::new();
    for def in schema::ENTITIES {
        for f in def.fields.iter().chain(schema::CONFIRMATION_FIELDS) {
            names.insert(f.name);
        }
    }
    let mut missing = BTreeSet::new();
    let mut seen = 0;
    for src in sources {
        for (i, _) in src.match_indices('"') {
            let rest = &src[i + 1..];
            let Some(end) = rest.find('"') else { continue };
            let word = &rest[..end];
            if names.contains(word) {
                seen += 1;
                if !FIELDS.contains(&word) {
                    missing.insert(word.to_string());
                }
            }
        }
    }
    assert!(seen > 50, "the scan found the writer's fields ({seen})");
    // words that name a field of some entity but are used by the writer as entity names or values only
    for not_a_read in [
        "activities",
        "agreements",
        "people",
        "projects",
        "needs",
        "notes",
        "outputs",
        "code",
        // an org's: orgs come to the writer whole, not through FIELDS
        "attributes",
        // a program's: programs come whole too
        "calendar",
    ] {
        missing.remove(not_a_read);
    }
    assert!(
        missing.is_empty(),
        "fields the writer reads but FIELDS lacks: {missing:?}"
    );
}

#[test]
fn a_project_completed_without_a_recorded_start_is_counted_once_as_completed() {
    let mut inp = input();
    let b = &mut inp.pairings[0];
    let projects = vec![
        json!({"id": 1, "name": "幼儿园", "category": "education", "approved_on": "2004-03-01", "completed_on": "2005-06-01"}),
        json!({"id": 2, "name": "实验中学", "category": "education", "approved_on": "2004-03-01", "started_on": "2004-05-01"}),
        json!({"id": 3, "name": "中心医院新区", "category": "health", "approved_on": "2005-01-01"}),
    ];
    b.records
        .insert("projects".into(), duikou_domain::record::recs(projects));
    b.records.remove("project_funding");
    b.transactions.clear();
    b.records.remove("outputs");
    // before: 在建 = started − completed underflowed (a panic in debug, a huge figure in release)
    let (doc, _) = build(&inp).unwrap();
    let pie = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .find_map(|b| match b {
            Block::Chart(c) if c.title == "项目进展" => Some(c.clone()),
            _ => None,
        })
        .expect("the progress chart");
    assert_eq!(pie.categories, ["立项", "在建", "竣工"]);
    assert_eq!(pie.series[0].values, [1.0, 1.0, 1.0]);
    // and the prose counts it among the started: 2 of 3 started, 1 of those 2 completed
    let t = text(&doc);
    assert!(
        t.contains("本期竣工1个；上述项目中已开工2个，开工率67%，竣工率50%"),
        "{t}"
    );
}

/// One pairing holding exactly `records`, for the period `from..=to`.
fn only(records: Vec<(&str, Vec<Value>)>, from: &str, to: &str) -> SummaryInput {
    let mut i = input();
    i.period = (d(from), d(to));
    i.period_label = format!("{from}至{to}");
    let b = &mut i.pairings[0];
    b.indicators = indicator_values(vec![]);
    b.transactions = Vec::new();
    b.records = HashMap::new();
    i.activities = Default::default();
    for (k, v) in records {
        match k {
            "transactions" => b.transactions = typed_transactions(v),
            "activities" => i.activities = typed_activities(v).into(),
            _ => {
                b.records.insert(k.to_string(), duikou_domain::record::recs(v));
            }
        }
    }
    i
}

fn figure<'a>(figures: &'a [Figure], key: &str) -> Option<&'a Figure> {
    figures.iter().find(|f| f.key == key)
}

#[test]
fn an_undated_record_never_counts_in_a_dated_period_and_is_shown_apart() {
    let people = vec![json!({"id": 1, "name": "甲"}), json!({"id": 2, "name": "乙"})];
    let dispatches = vec![
        json!({"id": 1, "person_id": 1, "role": "cadre", "start_date": "2011-03-01", "confirmation": "confirmed"}),
        // the demo's 湖南 cadres: no date, so in no year's summary
        json!({"id": 2, "person_id": 2, "role": "cadre", "confirmation": "confirmed"}),
    ];
    let i = only(
        vec![("people", people.clone()), ("dispatches", dispatches.clone())],
        "2011-01-01",
        "2011-12-31",
    );
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert_eq!(figure(&figures, "people.total").unwrap().records, [("dispatches", 1)]);
    assert!(t.contains("另有1条记录（援派1条）未注明日期，未计入本期。"), "{t}");
    // a year with nothing dated writes nothing about the undated cadre but that it is apart
    let i = only(
        vec![("people", people), ("dispatches", dispatches)],
        "2026-01-01",
        "2026-12-31",
    );
    let (doc, figures) = build(&i).unwrap();
    assert!(figure(&figures, "people.total").is_none(), "{}", text(&doc));
    assert!(text(&doc).contains("未注明日期，未计入本期"));
}

#[test]
fn a_fact_dated_only_to_its_year_counts_in_that_year_and_no_other() {
    let records = || {
        vec![
            (
                "activities",
                vec![
                    json!({"id": 1, "kind": "training", "title": "农牧民培训", "start_date": "2011", "person_times": 10768,
                            "confirmation": "confirmed"}),
                    json!({"id": 2, "kind": "training", "title": "骨干培训", "start_date": "2012-05-10", "person_times": 35,
                            "confirmation": "confirmed"}),
                ],
            ),
            (
                "transactions",
                vec![
                    json!({"id": 1, "project_id": 1, "kind": "disbursement", "source": "supporter", "amount": "4233万",
                            "date": "2011", "confirmation": "confirmed"}),
                ],
            ),
        ]
    };
    let trained = |from: &str, to: &str| {
        let (doc, figures) = build(&only(records(), from, to)).unwrap();
        let fig = |k: &str| figure(&figures, k).map(|f| (f.value.clone(), f.records.clone()));
        (
            fig("activities.trainings"),
            fig("money.disbursed"),
            fig("apart.straddles"),
            text(&doc),
        )
    };
    let (t, m, apart, _) = trained("2011-01-01", "2011-12-31");
    assert_eq!(t.unwrap().1, [("activities", 1)], "the 2011 training in 2011");
    assert_eq!(m.unwrap().1, [("transactions", 1)], "the 2011 money in 2011");
    assert_eq!(apart, None);
    let (t, m, apart, _) = trained("2012-01-01", "2012-12-31");
    assert_eq!(t.unwrap().1, [("activities", 2)], "only 2012's own training in 2012");
    assert_eq!(m, None, "no money in 2012");
    assert_eq!(apart, None, "a fact of 2011 is simply not of 2012");
    for (from, to) in [("2010-01-01", "2010-12-31"), ("2013-01-01", "2013-12-31")] {
        let (t, m, _, _) = trained(from, to);
        assert_eq!((t, m), (None, None), "{from}");
    }
    // a school year or a half year cannot hold all of 2011: stated apart, never counted
    for (from, to) in [("2011-09-01", "2012-08-31"), ("2011-01-01", "2011-06-30")] {
        let (t, m, apart, doc) = trained(from, to);
        assert_eq!(m, None, "{from}");
        assert!(t.is_none_or(|t| !t.1.contains(&("activities", 1))), "{from}");
        let apart = apart.expect("stated apart");
        assert!(
            apart.1.contains(&("activities", 1)) && apart.1.contains(&("transactions", 1)),
            "{from}: {apart:?}"
        );
        assert!(doc.contains("无法确定是否属于本期，未计入本期"), "{doc}");
    }
}

#[test]
fn a_month_across_a_semesters_edge_is_stated_apart_in_both_semesters() {
    // a calendar whose spring semester starts on 15 February: February 2015 belongs wholly to neither semester
    let records = || {
        vec![(
            "activities",
            vec![
                json!({"id": 1, "kind": "teaching", "title": "寒假前后授课", "start_date": "2015-02", "hours": 60,
                        "confirmation": "confirmed"}),
                json!({"id": 2, "kind": "teaching", "title": "一月授课", "start_date": "2015-01", "hours": 40,
                        "confirmation": "confirmed"}),
            ],
        )]
    };
    let mut by_semester = Vec::new();
    for (from, to) in [("2014-09-01", "2015-02-14"), ("2015-02-15", "2015-08-31")] {
        let (doc, figures) = build(&only(records(), from, to)).unwrap();
        let hours = figure(&figures, "activities.hours")
            .map(|f| f.records.clone())
            .unwrap_or_default();
        let apart = figure(&figures, "apart.straddles")
            .map(|f| f.records.clone())
            .unwrap_or_default();
        assert_eq!(
            apart,
            [("activities", 1)],
            "{from}: February is stated apart\n{}",
            text(&doc)
        );
        by_semester.push(hours);
    }
    assert_eq!(
        by_semester,
        [vec![("activities", 2)], vec![]],
        "January counts in the first semester only"
    );
    // the whole school year holds all of February
    let (_, figures) = build(&only(records(), "2014-09-01", "2015-08-31")).unwrap();
    let mut hours = figure(&figures, "activities.hours").unwrap().records.to_vec();
    hours.sort();
    assert_eq!(hours, [("activities", 1), ("activities", 2)]);
    assert_eq!(figure(&figures, "activities.hours").unwrap().value, "100课时");
}

#[test]
fn a_project_completed_later_does_not_bring_its_money_again() {
    let records = || {
        vec![
            (
                "projects",
                vec![
                    json!({"id": 1, "name": "中学", "category": "education", "approved_on": "2011-03-01",
                            "started_on": "2011-04-01", "completed_on": "2012-06-01", "total_investment": "1000万",
                            "confirmation": "confirmed"}),
                ],
            ),
            (
                "project_funding",
                vec![
                    json!({"id": 1, "project_id": 1, "source": "supporter", "amount": "800万", "confirmation": "confirmed"}),
                ],
            ),
            (
                "transactions",
                vec![
                    json!({"id": 1, "project_id": 1, "kind": "commitment", "source": "supporter", "amount": "800万", "date": "2011-03-01", "confirmation": "confirmed"}),
                    json!({"id": 2, "project_id": 1, "kind": "disbursement", "source": "supporter", "amount": "800万", "date": "2011-09-01", "confirmation": "confirmed"}),
                ],
            ),
        ]
    };
    let (doc, f2011) = build(&only(records(), "2011-01-01", "2011-12-31")).unwrap();
    let t = text(&doc);
    assert!(t.contains("本期新安排援建项目1个"), "{t}");
    assert!(t.contains("新安排项目总投资1000万元，援助资金800万元"), "{t}");
    assert!(t.contains("计划投资800万元，拨付到位800万元，到位率100%"), "{t}");
    assert_eq!(figure(&f2011, "projects.completed").unwrap().value, "0个");
    let (doc, f2012) = build(&only(records(), "2012-01-01", "2012-12-31")).unwrap();
    let t = text(&doc);
    assert!(t.contains("本期新安排援建项目0个；续建项目1个；本期竣工1个"), "{t}");
    for key in [
        "money.supporter",
        "money.total_investment",
        "money.committed",
        "money.disbursed",
    ] {
        assert!(figure(&f2012, key).is_none(), "2012 restates {key}: {t}");
    }
}

fn confirmations() -> Vec<(&'static str, Vec<Value>)> {
    vec![
        (
            "people",
            vec![
                json!({"id": 1, "name": "甲"}),
                json!({"id": 2, "name": "乙"}),
                json!({"id": 3, "name": "丙"}),
            ],
        ),
        (
            "dispatches",
            vec![
                json!({"id": 1, "person_id": 1, "role": "teacher", "start_date": "2011-03-01", "confirmation": "confirmed"}),
                json!({"id": 2, "person_id": 2, "role": "teacher", "start_date": "2011-03-01", "confirmation": "pending"}),
                json!({"id": 3, "person_id": 3, "role": "teacher", "start_date": "2011-03-01", "confirmation": "disputed",
                       "dispute_reason": "该教师未到岗"}),
            ],
        ),
        (
            "activities",
            vec![
                json!({"id": 1, "kind": "training", "title": "骨干培训", "start_date": "2011-05-01", "person_times": 300, "confirmation": "disputed", "dispute_reason": "实际培训120人次"}),
            ],
        ),
    ]
}

#[test]
fn pending_facts_are_apart_by_default_and_disputed_ones_never_counted_but_named() {
    let mut i = only(confirmations(), "2011-01-01", "2011-12-31");
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert_eq!(figure(&figures, "people.total").unwrap().value, "1名", "{t}");
    assert!(
        t.contains("另有待受援方确认的援派人员1名，经受援方确认前未计入以上数字。"),
        "{t}"
    );
    assert!(
        figure(&figures, "activities.trainings").is_none(),
        "a disputed training is not counted: {t}"
    );
    assert!(
        !t.contains("活动按类型")
            && doc.sections[1]
                .blocks
                .iter()
                .all(|b| !matches!(b, Block::Chart(c) if c.title == "活动按类型"))
    );
    assert!(
        t.contains("受援方对支教教师丙的援派提出异议，未计入本总结的任何数字；异议理由：该教师未到岗。"),
        "{t}"
    );
    assert!(
        t.contains("受援方对活动“骨干培训”（300人次）提出异议，未计入本总结的任何数字；异议理由：实际培训120人次。"),
        "{t}"
    );
    i.pending = Pending::Include;
    let (doc, figures) = build(&i).unwrap();
    assert_eq!(figure(&figures, "people.total").unwrap().value, "2名");
    assert!(!text(&doc).contains("另有待受援方确认"));
    i.pending = Pending::Omit;
    let (doc, figures) = build(&i).unwrap();
    assert_eq!(figure(&figures, "people.total").unwrap().value, "1名");
    assert!(!text(&doc).contains("另有待受援方确认"));
    assert_eq!("separate".parse::<Pending>(), Ok(Pending::Separate));
    assert!("all".parse::<Pending>().unwrap_err().contains("include"));
}

#[test]
fn a_measure_written_with_two_values_is_refused() {
    let mut figs = Figures::default();
    figs.span("money.supporter", "援助资金", "48.08亿元".into(), vec![]);
    figs.note("money.supporter", "援助资金", "48.08亿元".into(), vec![]);
    assert_eq!(figs.list.len(), 1, "the same value twice is one figure");
    // planted: a table showing the same measure with another value
    figs.note("money.supporter", "援助资金", "50.56亿元".into(), vec![]);
    let err = figs.check().unwrap_err();
    assert_eq!(err.values, ("48.08亿元".to_string(), "50.56亿元".to_string()));
    assert!(err.to_string().contains("“援助资金”"), "{err}");
    // and a real document's charts are checked against its prose: the role chart's counts are the prose's
    let (_, figures) = build(&input()).unwrap();
    assert_eq!(figure(&figures, "people.teacher").unwrap().value, "14名");
}

#[test]
fn a_yearly_plan_is_not_added_to_the_projects_it_may_hold() {
    let projects = vec![
        json!({"id": 1, "name": "2013年度援疆项目", "category": "other", "plan_batch": "2013年度（300项）", "total_investment": "42.33亿", "confirmation": "confirmed"}),
        json!({"id": 2, "name": "安居工程（2010—2014年累计）", "category": "housing", "total_investment": "19.5亿", "confirmation": "confirmed"}),
    ];
    let mut i = only(vec![("projects", projects)], "2010-01-01", "2014-12-31");
    i.whole_term = true;
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(figure(&figures, "money.total_investment").is_none(), "{t}");
    assert!(figure(&figures, "projects.new").is_none(), "{t}");
    assert!(t.contains("“2013年度援疆项目”为年度计划或项目批次（项目组）"), "{t}");
}

#[test]
fn a_plan_counts_once_as_its_projects_and_money_and_its_parts_never_again() {
    let c = "confirmed";
    let plans = vec![
        json!({"id": 1, "name": "2010—2014年公共设施援疆项目", "start_on": "2010", "end_on": "2014", "project_count": 403,
               "aid_amount": "50.56亿", "confirmation": c}),
        json!({"id": 2, "parent_id": 1, "name": "2013年度援疆项目", "start_on": "2013", "project_count": 300,
               "aid_amount": "42.33亿", "confirmation": c}),
        json!({"id": 3, "parent_id": 1, "name": "2014年度第二批", "start_on": "2014-07", "project_count": 86,
               "total_investment": "5亿", "leveraged_investment": "42.77亿", "confirmation": c}),
    ];
    let projects = vec![
        // two of the 2013 plan's projects, with money of their own: inside the plan's 42.33亿, not added to it
        json!({"id": 1, "group_id": 2, "name": "安居富民", "category": "housing", "approved_on": "2013-03-01",
               "total_investment": "4亿", "confirmation": c}),
        json!({"id": 2, "group_id": 2, "name": "双语幼儿园", "category": "education", "approved_on": "2013-05-01",
               "total_investment": "1亿", "confirmation": c}),
        // a project of no plan
        json!({"id": 3, "name": "人才项目", "category": "talent", "approved_on": "2013-06-01", "total_investment": "1000万",
               "confirmation": c}),
    ];
    let funding = vec![
        json!({"id": 1, "project_id": 1, "source": "supporter", "amount": "3亿", "confirmation": c}),
        json!({"id": 2, "project_id": 3, "source": "supporter", "amount": "800万", "confirmation": c}),
    ];
    let records = || {
        vec![
            ("project_groups", plans.clone()),
            ("projects", projects.clone()),
            ("project_funding", funding.clone()),
        ]
    };
    // 2013: the 2013 plan stands for its projects; the five-year plan runs across the year's edge
    let (doc, figures) = build(&only(records(), "2013-01-01", "2013-12-31")).unwrap();
    let t = text(&doc);
    assert_eq!(figure(&figures, "projects.new").unwrap().value, "301个", "{t}");
    assert_eq!(
        figure(&figures, "money.supporter").unwrap().value,
        "42.41亿元",
        "42.33亿 + 800万: {t}"
    );
    assert!(t.contains("不含未记录总投资的“2013年度援疆项目”"), "{t}");
    // 2014: the second batch of 86 with its own money
    let (doc, figures) = build(&only(records(), "2014-01-01", "2014-12-31")).unwrap();
    let t = text(&doc);
    assert_eq!(figure(&figures, "projects.new").unwrap().value, "86个", "{t}");
    assert_eq!(
        figure(&figures, "money.total_investment").unwrap().value,
        "5亿元",
        "{t}"
    );
    assert_eq!(figure(&figures, "money.leveraged").unwrap().value, "42.77亿元", "{t}");
    // the whole term: the five-year plan holds the yearly ones; 403 + the one project of no plan
    let mut i = only(records(), "2010-01-01", "2014-12-31");
    i.whole_term = true;
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert_eq!(figure(&figures, "projects.new").unwrap().value, "404个", "{t}");
    assert_eq!(
        figure(&figures, "money.supporter").unwrap().value,
        "50.64亿元",
        "50.56亿 + 800万: {t}"
    );
    // a disputed plan is not counted: its projects are told on their own
    let mut disputed = plans.clone();
    disputed[1]["confirmation"] = json!("disputed");
    let (_, figures) = build(&only(
        vec![
            ("project_groups", disputed),
            ("projects", projects.clone()),
            ("project_funding", funding.clone()),
        ],
        "2013-01-01",
        "2013-12-31",
    ))
    .unwrap();
    assert_eq!(figure(&figures, "projects.new").unwrap().value, "3个");
    assert_eq!(figure(&figures, "money.total_investment").unwrap().value, "5.1亿元");
}

#[test]
fn counts_keep_their_units_and_goods_their_kinds() {
    let c = "confirmed";
    let acts = vec![
        json!({"id": 1, "kind": "training", "title": "选派未就业大学毕业生赴湖南培训", "start_date": "2011-05-01", "confirmation": c}),
        json!({"id": 2, "kind": "donation", "title": "捐赠体育器材和图书", "start_date": "2014-06-01", "amount": "18万", "confirmation": c}),
    ];
    let counts = vec![
        json!({"id": 1, "activity_id": 1, "what": "未就业大学毕业生", "value": 900, "unit": "名", "confirmation": c}),
        json!({"id": 2, "activity_id": 1, "what": "承担培训的院校", "value": 13, "unit": "所", "confirmation": c}),
        json!({"id": 3, "activity_id": 1, "what": "有异议的数", "value": 5, "unit": "人", "confirmation": "disputed"}),
    ];
    let items = vec![
        json!({"id": 1, "activity_id": 2, "category": "sports", "name": "健身路径", "quantity": 10, "unit": "套",
               "unit_value": "5万", "value": "50万", "confirmation": c}),
        json!({"id": 2, "activity_id": 2, "category": "books", "value": "4万", "confirmation": c}),
    ];
    let (doc, _) = build(&only(
        vec![
            ("activities", acts),
            ("activity_counts", counts),
            ("activity_items", items),
        ],
        "2011-01-01",
        "2014-12-31",
    ))
    .unwrap();
    let t = text(&doc);
    assert!(
        t.contains("“选派未就业大学毕业生赴湖南培训”：未就业大学毕业生900名，承担培训的院校13所。"),
        "{t}"
    );
    assert!(!t.contains("有异议的数"), "a disputed count is not told: {t}");
    assert!(t.contains("体育器材：健身路径10套，每套5万元，价值50万元"), "{t}");
    assert!(t.contains("图书：价值4万元"), "{t}");
}

/// A program's summary over years may hold thousands of gifts and disputed records: the largest gifts and the first
/// disputed records are named, the others counted, and every one is in the figures all the same.
#[test]
fn many_gifts_and_disputes_are_named_in_part_and_counted_in_full() {
    let mut acts = Vec::new();
    // 40 gifts of 1万 to 40万 (the 30 largest named), and 60 disputed trainings
    for i in 1..=40 {
        acts.push(
            json!({"id": i, "kind": "donation", "title": format!("捐赠第{i}批"), "start_date": "2014-06-01",
                         "amount": format!("{i}万"), "confirmation": "confirmed"}),
        );
    }
    for i in 41..=100 {
        acts.push(
            json!({"id": i, "kind": "training", "title": format!("培训{i}"), "start_date": "2014-07-01",
                         "person_times": 10, "confirmation": "disputed", "dispute_reason": "未举办"}),
        );
    }
    let (doc, figures) = build(&only(vec![("activities", acts)], "2014-01-01", "2014-12-31")).unwrap();
    let t = text(&doc);
    // 1 + 2 + … + 40 万 = 820万
    assert_eq!(figure(&figures, "donations.amount").unwrap().value, "820万元", "{t}");
    assert_eq!(figure(&figures, "donations.amount").unwrap().records.len(), 40);
    assert_eq!(figure(&figures, "donations.count").unwrap().value, "40项", "{t}");
    assert!(
        t.contains("第40批") && t.contains("第11批") && !t.contains("第10批、") && !t.contains("第1批"),
        "{t}"
    );
    assert!(t.contains("第40批40万元等40项，折合820万元"), "{t}");
    let disputed = figure(&figures, "confirmations.disputed").unwrap();
    assert_eq!((disputed.value.as_str(), disputed.records.len()), ("60条", 60), "{t}");
    let named = t.matches("提出异议，未计入本总结的任何数字；异议理由：未举办").count();
    assert_eq!(named, crate::pool::NAMED_APART, "{t}");
    assert!(
        t.contains("以下列出其中一部分") && t.contains("另有10条有异议的记录未逐条列出"),
        "{t}"
    );
    // the definitions printed with every summary say where the lists stop
    let rule = DEFINITIONS.iter().find(|d| d.starts_with("确认状态")).unwrap();
    assert!(
        rule.contains(&format!("前{}条", crate::pool::NAMED_APART))
            && rule.contains(&format!("最大的{}项", crate::donations::GIFTS_TOLD)),
        "{rule}"
    );
    // no figure is kept that the text does not print
    for f in &figures {
        assert!(t.contains(&f.value), "{} = {} is not in the text", f.key, f.value);
    }
}

mod additive {
    //! For every money and count measure that flows (things that happened: not 续建, not rates), the annual summaries
    //! of consecutive years count, between them, exactly the records the summary of those years together counts, each
    //! once — but for an activity running across the years' edge, which no single year can hold: the years set it
    //! apart and say so (`apart.straddles`), and only the years together count it.
    use super::*;
    use proptest::prelude::*;

    /// The measures that add up over periods.
    const FLOWS: &[&str] = &[
        "projects.new",
        "projects.completed",
        "money.total_investment",
        "money.supporter",
        "money.local",
        "money.committed",
        "money.disbursed",
        "people.total",
        "activities.hours",
        "activities.trainings",
        "donations.amount",
        "needs.count",
        "agreements.校级（省级）协议",
    ];

    fn day(year: i32, doy: u32) -> String {
        NaiveDate::from_yo_opt(year, doy.clamp(1, 365)).unwrap().to_string()
    }

    /// A day, or (one in seven) only its year, or (one in five of the rest) only its month: each a year's
    /// summary counts in its year alone.
    fn dated(year: Option<(i32, u32)>) -> Value {
        year.map(|(y, d)| {
            let day = day(y, d);
            Value::from(match d {
                _ if d % 7 == 0 => day[..4].to_string(),
                _ if d % 5 == 0 => day[..7].to_string(),
                _ => day,
            })
        })
        .unwrap_or(Value::Null)
    }

    /// A random record: its kind, two days (year, day of year), an amount and a confirmation standing.
    type Row = (u8, Option<(i32, u32)>, Option<(i32, u32)>, u32, u8);

    fn world(rows: Vec<Row>) -> Vec<(&'static str, Vec<Value>)> {
        let (mut projects, mut funding, mut txs, mut people, mut dispatches, mut acts, mut needs, mut agreements) =
            (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        let standing = |s: u8| ["confirmed", "confirmed", "pending", "disputed"][s as usize % 4];
        for (n, (kind, a, b, amount, s)) in rows.into_iter().enumerate() {
            let id = n as i64 + 1;
            let c = standing(s);
            match kind % 6 {
                0 => {
                    // a project planned on `a`, completed on `b` if after, with its plan money
                    let done = match (a, b) {
                        (Some(x), Some(y)) if y > x => dated(Some(y)),
                        _ => Value::Null,
                    };
                    projects.push(json!({"id": id, "name": format!("项目{id}"), "category": "education", "approved_on": dated(a),
                        "completed_on": done, "total_investment": format!("{amount}万"), "confirmation": c}));
                    funding.push(json!({"id": id, "project_id": id, "source": "supporter", "amount": format!("{}万", amount / 2), "confirmation": c}));
                    funding.push(json!({"id": id + 10_000, "project_id": id, "source": "local", "amount": format!("{}万", amount / 3), "confirmation": "confirmed"}));
                }
                1 => {
                    let kind = if s % 2 == 0 { "commitment" } else { "disbursement" };
                    if a.is_some() {
                        txs.push(json!({"id": id, "project_id": 1, "kind": kind, "source": "supporter", "amount": format!("{amount}万"), "date": dated(a), "confirmation": c}));
                    }
                }
                2 => {
                    people.push(json!({"id": id, "name": format!("人{id}")}));
                    dispatches.push(json!({"id": id, "person_id": id, "role": "cadre", "start_date": dated(a), "confirmation": c}));
                }
                // an activity always has its start (the schema requires it)
                3 if a.is_some() => {
                    let kind = ["teaching", "training", "donation"][s as usize % 3];
                    let end = match (a, b) {
                        (Some(x), Some(y)) if y >= x => dated(Some(y)),
                        _ => dated(a),
                    };
                    acts.push(json!({"id": id, "kind": kind, "title": format!("活动{id}"), "start_date": dated(a), "end_date": end,
                        "hours": amount, "person_times": amount, "amount": format!("{amount}万"), "confirmation": c}));
                }
                3 => {}
                4 => needs.push(json!({"id": id, "title": format!("需求{id}"), "status": "met", "raised_on": dated(a)})),
                _ => agreements.push(json!({"id": id, "kind": "agreement", "tier": "institution", "title": format!("协议{id}"), "signed_on": dated(a)})),
            }
        }
        vec![
            ("projects", projects),
            ("project_funding", funding),
            ("transactions", txs),
            ("people", people),
            ("dispatches", dispatches),
            ("activities", acts),
            ("needs", needs),
            ("agreements", agreements),
        ]
    }

    fn counted(
        records: &[(&'static str, Vec<Value>)],
        from: &str,
        to: &str,
    ) -> BTreeMap<String, Vec<(&'static str, i64)>> {
        let (_, figures) = build(&only(records.to_vec(), from, to)).unwrap();
        FLOWS
            .iter()
            .chain(&["apart.straddles"])
            .filter_map(|k| figure(&figures, k).map(|f| (k.to_string(), f.records.to_vec())))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn annual_summaries_add_up_to_the_years_together(
            rows in proptest::collection::vec(
                (0u8..6, proptest::option::weighted(0.9, (2010i32..2014, 1u32..366)),
                 proptest::option::weighted(0.7, (2010i32..2014, 1u32..366)), 1u32..5000, 0u8..4),
                0..40),
        ) {
            let records = world(rows);
            let together = counted(&records, "2011-01-01", "2012-12-31");
            let mut by_year: BTreeMap<String, Vec<(&'static str, i64)>> = BTreeMap::new();
            for (from, to) in [("2011-01-01", "2011-12-31"), ("2012-01-01", "2012-12-31")] {
                for (k, v) in counted(&records, from, to) {
                    by_year.entry(k).or_default().extend(v);
                }
            }
            let straddling = by_year.get("apart.straddles").cloned().unwrap_or_default();
            for key in FLOWS {
                let mut a = by_year.get(*key).cloned().unwrap_or_default();
                let mut b: Vec<(&'static str, i64)> = together
                    .get(*key)
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|r| !straddling.contains(r))
                    .collect();
                a.sort();
                b.sort();
                prop_assert_eq!(a, b, "{} counted differently by the years and by the years together", key);
            }
        }
    }
}

#[test]
fn approximate_figures_are_summed_and_written_back_in_the_same_words() {
    let acts = vec![
        json!({"id": 1, "kind": "teaching", "title": "送教", "start_date": "2014-03-01", "hours": 1500, "hours_approx": "余", "confirmation": "confirmed"}),
        json!({"id": 2, "kind": "teaching", "title": "示范课", "start_date": "2014-04-01", "hours": 20, "confirmation": "confirmed"}),
        json!({"id": 3, "kind": "training", "title": "全员培训", "start_date": "2014-05-01", "person_times": 20, "person_times_upper": 50, "confirmation": "confirmed"}),
        json!({"id": 4, "kind": "visit", "title": "互访", "start_date": "2014-05-02", "person_times": 300, "person_times_approx": "近", "confirmation": "confirmed"}),
        json!({"id": 5, "kind": "donation", "title": "图书", "start_date": "2014-06-01", "amount": "10000000.00", "amount_approx": "约", "confirmation": "confirmed"}),
    ];
    let projects = vec![
        json!({"id": 1, "name": "教学楼", "category": "education", "approved_on": "2014-03-01", "total_investment": "15000000.00", "total_investment_approx": "余", "confirmation": "confirmed"}),
    ];
    let i = only(
        vec![("activities", acts), ("projects", projects)],
        "2014-01-01",
        "2014-12-31",
    );
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    // 1500余 + 20 = 1520, at least: 1500余
    assert!(t.contains("直接授课1500余课时"), "{t}");
    assert!(t.contains("培训各类人员20—50人次"), "{t}");
    assert!(t.contains("双方互访近300人次"), "{t}");
    assert!(t.contains("折合约1000万元"), "{t}");
    assert!(t.contains("项目总投资1500余万元"), "{t}");
    assert!(t.contains("约数与范围："), "{t}");
    // the project table keeps the words in its cell
    let cells: Vec<&Cell> = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Table(t) if t.title.starts_with("表3") => Some(t.rows.iter().flatten()),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(cells.contains(&&Cell::Text("1500余万元".into())), "{cells:?}");
    assert_eq!(
        figure(&figures, "activities.hours").unwrap().records,
        [("activities", 1), ("activities", 2)]
    );
    // an exact record alone stays exact
    let i = only(
        vec![(
            "activities",
            vec![
                json!({"id": 2, "kind": "teaching", "title": "示范课", "start_date": "2014-04-01", "hours": 1523, "confirmation": "confirmed"}),
            ],
        )],
        "2014-01-01",
        "2014-12-31",
    );
    assert!(text(&build(&i).unwrap().0).contains("直接授课1500余课时"));
}

#[test]
fn the_map_of_a_summary_of_several_pairings_draws_each_arc_as_wide_as_the_people_it_sent() {
    let mut i = input();
    let mut other = bundle();
    other.pairing = json!({"id": 2});
    other.receiver = Arc::new(json!({"name": "塔里木大学", "region_code": "659002"}));
    // six dispatches: one person sent twice, one disputed and one outside the period; three people counted
    let dispatch = |id: i64, person: i64, confirmation: &str, start: &str, end: &str| {
        json!({"id": 100 + id, "person_id": person, "role": "teacher", "direction": "to_receiver",
               "start_date": start, "end_date": end, "confirmation": confirmation})
    };
    other.records.insert(
        "dispatches".into(),
        duikou_domain::record::recs(vec![
            dispatch(1, 1, "confirmed", "2004-09-01", "2005-07-01"),
            dispatch(2, 1, "confirmed", "2005-02-01", "2005-07-01"),
            dispatch(3, 2, "confirmed", "2004-09-01", "2005-07-01"),
            dispatch(4, 3, "disputed", "2004-09-01", "2005-07-01"),
            dispatch(5, 4, "confirmed", "2009-09-01", "2010-07-01"),
            dispatch(6, 5, "confirmed", "2004-09-01", "2005-01-01"),
        ]),
    );
    i.pairings.push(other);
    let (doc, _) = build(&i).unwrap();
    let map = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .find_map(|b| match b {
            Block::Map(m) => Some(m),
            _ => None,
        })
        .expect("a summary of two pairings draws the map");
    assert_eq!(map.measure, "援派人员（人）");
    let widths: Vec<f64> = map.arcs.iter().map(|a| a.value).collect();
    assert_eq!(widths, [16.0, 3.0]);
}

/// 前后对比 in words: each indicator from its last value before the period to its last in it, with the qualifier and
/// unit recorded; a value after the period and the aid's own statistics are not told.
#[test]
fn indicators_are_told_from_before_the_period_to_its_end() {
    let mut i = only(vec![], "2010-01-01", "2012-12-31");
    let ind = |name: &str, code: &str, unit: &str| json!({"name": name, "code": code, "unit": unit});
    let jobless = ind("城镇登记失业率", "unemployment", "%");
    i.pairings[0].indicators = indicator_values(vec![
        json!({"id": 1, "period": "2008", "value": 5, "indicator": jobless}),
        json!({"id": 2, "period": "2009", "value": 4, "value_approx": "近", "indicator": jobless}),
        json!({"id": 3, "period": "2012", "value": 2, "indicator": jobless}),
        json!({"id": 4, "period": "2015", "value": 1, "indicator": jobless}),
        json!({"id": 5, "period": "2010-01-01..2012-12-31", "value": 20, "value_approx": "左右",
               "indicator": ind("城镇居民人均可支配收入增速", "urban_income_growth", "%")}),
        json!({"id": 6, "period": "2011H1", "value": "19.08", "indicator": ind("地区生产总值", "gdp", "亿元")}),
        json!({"id": 7, "period": "2011", "value": 153, "indicator": ind("投入援助资金", "aid_money", "亿元")}),
    ]);
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(
        t.contains("新疆农业大学：地区生产总值2011年上半年为19.08亿元；城镇居民人均可支配收入增速2010—2012年为20%左右；城镇登记失业率2009年为近4%、2012年为2%。"),
        "{t}"
    );
    assert_eq!(figure(&figures, "indicators.2").unwrap().value, "近4%");
    assert_eq!(
        figure(&figures, "indicators.3").unwrap().records,
        [("indicator_values", 3)]
    );
    for absent in ["indicators.1", "indicators.4", "indicators.7"] {
        assert!(figure(&figures, absent).is_none(), "{absent}: {t}");
    }
    // a program's hundreds of receivers are left to the table
    let mut many = i.clone();
    for n in 0..PAIRINGS_TIMED {
        let mut b = i.pairings[0].clone();
        b.pairing = json!({"id": 100 + n});
        many.pairings.push(b);
    }
    let (_, figures) = build(&many).unwrap();
    assert!(figure(&figures, "indicators.2").is_none());
}

/// An output is told as its records state it: a planned range stays a range (people are planned, not built), a
/// figure of each unit with it, and no rate from a range; sent people by the level of the post they hold.
#[test]
fn outputs_keep_their_ranges_and_figures_per_unit_and_posts_their_level() {
    let projects =
        vec![json!({"id": 1, "name": "青年科技英才计划", "approved_on": "2012", "confirmation": "confirmed"})];
    let outputs = vec![
        json!({"id": 1, "project_id": 1, "name": "赴湖南培养的科技英才", "unit": "名",
                               "planned": 100, "planned_upper": 200, "started": 40, "per_unit_what": "培养期",
                               "per_unit": 6, "per_unit_upper": 12, "per_unit_unit": "个月", "as_of": "2012",
                               "confirmation": "confirmed"}),
    ];
    let (doc, figures) = build(&only(
        vec![("projects", projects), ("outputs", outputs)],
        "2012-01-01",
        "2012-12-31",
    ))
    .unwrap();
    let t = text(&doc);
    assert!(
        t.contains("赴湖南培养的科技英才计划100—200名（每名培养期6—12个月），已开工40名。"),
        "{t}"
    );
    assert_eq!(
        figure(&figures, "outputs.赴湖南培养的科技英才.名.per_unit")
            .unwrap()
            .value,
        "培养期6—12个月"
    );
    assert!(
        figure(&figures, "outputs.赴湖南培养的科技英才.名.start_rate").is_none(),
        "no rate from a range: {t}"
    );

    let people: Vec<Value> = (1..=4).map(|n| json!({"id": n, "name": format!("干部{n}")})).collect();
    let level = |n: i64| match n {
        1..=2 => json!("principal"),
        3 => json!("deputy"),
        _ => Value::Null,
    };
    let dispatches: Vec<Value> = (1..=4)
        .map(|n| {
            json!({"id": n, "person_id": n, "role": "cadre", "start_date": "2011", "post_level": level(n),
                        "confirmation": "confirmed"})
        })
        .collect();
    let (doc, figures) = build(&only(
        vec![("people", people), ("dispatches", dispatches)],
        "2011-01-01",
        "2011-12-31",
    ))
    .unwrap();
    let t = text(&doc);
    assert!(t.contains("援派人员在受援地担任领导岗位正职2名、副职1名。"), "{t}");
    assert_eq!(
        figure(&figures, "people.post_level.principal").unwrap().records,
        [("dispatches", 1), ("dispatches", 2)]
    );
}

/// 年度考核 is told by year and grade, as counts (never names), in the years of the period only — also in a year
/// that sends nobody new.
#[test]
fn appraisals_are_told_by_year_and_grade() {
    let people = vec![
        json!({"id": 1, "name": "甲"}),
        json!({"id": 2, "name": "乙"}),
        json!({"id": 3, "name": "丙"}),
    ];
    let dispatches: Vec<Value> = (1..=3)
        .map(
            |n| json!({"id": n, "person_id": n, "role": "cadre", "start_date": "2011-02", "confirmation": "confirmed"}),
        )
        .collect();
    let appraisals = vec![
        json!({"id": 1, "dispatch_id": 1, "year": 2011, "grade": "excellent"}),
        json!({"id": 2, "dispatch_id": 2, "year": 2011, "grade": "competent"}),
        json!({"id": 3, "dispatch_id": 3, "year": 2011, "grade": "competent"}),
        json!({"id": 4, "dispatch_id": 1, "year": 2012, "grade": "excellent"}),
    ];
    let records = || {
        vec![
            ("people", people.clone()),
            ("dispatches", dispatches.clone()),
            ("appraisals", appraisals.clone()),
        ]
    };
    let (doc, figures) = build(&only(records(), "2011-01-01", "2011-12-31")).unwrap();
    let t = text(&doc);
    assert!(t.contains("援派人员年度考核：2011年度优秀1名、称职2名。"), "{t}");
    assert_eq!(
        figure(&figures, "appraisals.2011.competent").unwrap().records,
        [("appraisals", 2), ("appraisals", 3)]
    );
    assert!(!t.contains("甲") && !t.contains("2012年度"), "{t}");
    // 2012 sends nobody new, and still tells its appraisals
    let t = text(&build(&only(records(), "2012-01-01", "2012-12-31")).unwrap().0);
    assert!(t.contains("援派人员年度考核：2012年度优秀1名。"), "{t}");
}

/// 前后对比 as a table and a chart: each indicator's value at the start and at the end of the period with the change,
/// computed only from exact values of one unit (a rate's in 百分点); a value whose time is left open is no start or end.
#[test]
fn indicators_are_compared_in_a_table_and_a_chart() {
    let mut i = only(vec![], "2011-01-01", "2014-12-31");
    let ind = |name: &str, code: &str, unit: &str| json!({"name": name, "code": code, "unit": unit});
    let jobless = ind("城镇登记失业率", "unemployment", "%");
    let gdp = ind("地区生产总值", "gdp", "亿元");
    let income = ind("农民人均纯收入", "rural_income", "元");
    i.pairings[0].indicators = indicator_values(vec![
        json!({"id": 1, "period": "2010", "value": 4, "indicator": jobless}),
        json!({"id": 2, "period": "2014", "value": "2.5", "indicator": jobless}),
        json!({"id": 3, "period": "2010", "value": "100.5", "indicator": gdp}),
        json!({"id": 4, "period": "2014", "value": 180, "indicator": gdp}),
        // the peak of the years is no one year's value
        json!({"id": 5, "period": "2010-01-01..2014-12-31", "value": 30, "period_basis": "peak", "indicator": gdp}),
        json!({"id": 6, "period": "2010", "value": 4000, "value_approx": "约", "indicator": income}),
        json!({"id": 7, "period": "2014", "value": 7000, "indicator": income}),
        // only one value: nothing to compare
        json!({"id": 8, "period": "2013", "value": 9, "indicator": ind("学校", "schools", "所")}),
    ]);
    let (doc, _) = build(&i).unwrap();
    let blocks: Vec<&Block> = doc.sections.iter().flat_map(|s| &s.blocks).collect();
    let table = blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) if t.title.contains("前后对比") => Some(t),
            _ => None,
        })
        .expect("the comparison table");
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Cell::Text(s) => s.clone(),
                    Cell::Number(n) => n.to_string(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect();
    let row = |name: &str| rows.iter().find(|r| r[1] == name).cloned().unwrap_or_default();
    assert_eq!(
        row("城镇登记失业率")[3..],
        ["2010年", "4", "2014年", "2.5", "下降1.5个百分点"],
        "{rows:?}"
    );
    assert_eq!(
        row("地区生产总值")[3..],
        ["2010年", "100.5", "2014年", "180", "增加79.5亿元"],
        "{rows:?}"
    );
    assert_eq!(
        row("农民人均纯收入")[4..],
        ["约4000", "2014年", "7000", "—（约数，不计算变化）"],
        "{rows:?}"
    );
    assert!(row("学校").is_empty(), "{rows:?}");
    let chart = blocks
        .iter()
        .find_map(|b| match b {
            Block::Chart(c) if c.title.contains("前后对比") => Some(c),
            _ => None,
        })
        .expect("the comparison chart");
    // 亿元 and % have one exact indicator each; the first unit in order wins the tie, and only one unit is drawn
    assert_eq!(chart.series.len(), 2);
    assert_eq!(chart.categories.len(), 1, "{:?}", chart.categories);
}

/// Each activity with figures of its own is told with them (金额, 场次 in the genre's 次, 人次); a disputed one never.
#[test]
fn each_activity_is_told_with_its_own_figures_and_a_disputed_one_never() {
    let c = "confirmed";
    let acts = vec![
        json!({"id": 1, "kind": "research", "title": "联合申报课题", "start_date": "2011-03-01", "amount": "200000.00",
               "confirmation": c}),
        json!({"id": 2, "kind": "inspection", "title": "食品安全监督检查", "start_date": "2011-04-01", "sessions": 300,
               "sessions_approx": "余", "confirmation": c}),
        json!({"id": 3, "kind": "training", "title": "农牧民培训", "start_date": "2011-05-01", "person_times": 10768,
               "confirmation": c}),
        json!({"id": 4, "kind": "training", "title": "干部培训", "start_date": "2011-06-01", "person_times": 500,
               "confirmation": c}),
        json!({"id": 5, "kind": "research", "title": "课题经费", "start_date": "2011-07-01", "amount": "80000.00",
               "confirmation": "disputed", "dispute_reason": "未到账"}),
    ];
    let (doc, figures) = build(&only(vec![("activities", acts)], "2011-01-01", "2011-12-31")).unwrap();
    let t = text(&doc);
    assert!(
        t.contains("其中，“联合申报课题”：金额20万元。 “食品安全监督检查”：开展300余次。 “农牧民培训”：参加10768人次。 “干部培训”：参加500人次。"),
        "{t}"
    );
    assert_eq!(figure(&figures, "activities.amount.1").unwrap().value, "20万元");
    assert_eq!(
        figure(&figures, "activities.person_times.3").unwrap().records,
        [("activities", 3)]
    );
    assert!(figure(&figures, "activities.amount.5").is_none(), "{t}");
    assert!(!t.contains("“课题经费”："), "{t}");
}

/// Each gift is told with its goods and, when there are several, its money; the total stays the sum of the counted
/// ones.
#[test]
fn each_gift_is_told_with_its_goods_and_money() {
    let c = "confirmed";
    let acts = vec![
        json!({"id": 1, "kind": "donation", "title": "赠送计算机", "start_date": "2011-03-01", "items": 4, "confirmation": c}),
        json!({"id": 2, "kind": "donation", "title": "助学资金", "start_date": "2011-04-01", "amount": "4200000.00",
               "confirmation": c}),
        json!({"id": 3, "kind": "donation", "title": "教育捐赠", "start_date": "2011-05-01", "amount": "20000000.00",
               "confirmation": c}),
        json!({"id": 4, "kind": "donation", "title": "图书捐赠", "start_date": "2011-06-01", "amount": "9990000.00",
               "confirmation": "disputed", "dispute_reason": "未收到"}),
    ];
    let (doc, figures) = build(&only(vec![("activities", acts)], "2011-01-01", "2011-12-31")).unwrap();
    let t = text(&doc);
    assert!(
        t.contains("支援方向受援方捐赠赠送计算机4台（套）、助学资金420万元、教育捐赠2000万元，折合2420万元，"),
        "{t}"
    );
    assert_eq!(figure(&figures, "donations.amount.2").unwrap().value, "420万元");
    assert!(figure(&figures, "donations.amount.4").is_none(), "{t}");
}

/// Universities counted in 所 as the genre counts them, and a program's term in years only when it runs whole years or
/// to the end of a year.
#[test]
fn supporting_universities_are_counted_and_a_programs_term_told_in_years() {
    let mut i = only(vec![], "2013-09-01", "2016-08-31");
    let mut other = i.pairings[0].clone();
    other.pairing = json!({"id": 8});
    other.supporter = Arc::new(json!({"name": "中国农业大学", "kind": "university"}));
    i.pairings[0].supporter = Arc::new(json!({"name": "南京农业大学", "kind": "university"}));
    let program =
        Arc::new(json!({"id": 3, "name": "校对校对口帮扶", "start_date": "2013-09-01", "end_date": "2016-08-31"}));
    i.pairings[0].program = program.clone();
    other.program = program;
    i.pairings.push(other);
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(t.contains("本总结涉及结对关系2对（支援高校2所）："), "{t}");
    assert!(
        t.contains("“校对校对口帮扶”实施期为2013年9月至2016年8月，为期3年。"),
        "{t}"
    );
    assert_eq!(figure(&figures, "pairings.supporters").unwrap().value, "2所");
    // supporters of different kinds are not counted as one kind
    i.pairings[1].supporter = Arc::new(json!({"name": "浙江省", "kind": "government"}));
    assert!(!text(&build(&i).unwrap().0).contains("支援高校"));
    // a term to the end of a year counts its years; one of 2 years 11 months is not called three years
    let term = |a: &str, b: &str| program_term(&json!({"start_date": a, "end_date": b}));
    assert_eq!(
        term("2014-06-01", "2020-12-31").as_deref(),
        Some("实施期为2014—2020年，共7年")
    );
    assert_eq!(term("2013-10-01", "2016-08-31"), None);
    assert_eq!(term("2013", "2016"), None);
}

/// A plan is told with its count and money as it states them; the largest projects with their money by source, a
/// disputed part never.
#[test]
fn plans_and_key_projects_are_told_with_their_money() {
    let c = "confirmed";
    let plans = vec![
        json!({"id": 2, "name": "2013年度援疆项目", "start_on": "2013", "project_count": 300,
                            "aid_amount": "4233000000.00", "confirmation": c}),
    ];
    let projects = vec![
        json!({"id": 1, "name": "实验中学", "category": "education", "approved_on": "2013-05-01",
               "total_investment": "260000000.00", "confirmation": c}),
        json!({"id": 2, "name": "装备制造产业", "category": "industry", "approved_on": "2013-06-01", "confirmation": c}),
    ];
    let funding = vec![
        json!({"id": 1, "project_id": 1, "source": "supporter", "amount": "37000000.00", "confirmation": c}),
        json!({"id": 2, "project_id": 2, "source": "enterprise", "amount": "50000000000.00", "confirmation": c}),
        json!({"id": 3, "project_id": 1, "source": "local", "amount": "1000000.00", "confirmation": "disputed",
               "dispute_reason": "未配套"}),
    ];
    let i = only(
        vec![
            ("project_groups", plans),
            ("projects", projects),
            ("project_funding", funding),
        ],
        "2013-01-01",
        "2013-12-31",
    );
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(
        t.contains("重点项目：装备制造产业企业投资500亿元；实验中学总投资2.6亿元，其中援助资金3700万元。"),
        "{t}"
    );
    assert!(
        t.contains("援建计划/批次：“2013年度援疆项目”（2013年）安排项目300项，援助资金42.33亿元。"),
        "{t}"
    );
    assert_eq!(figure(&figures, "plans.2.aid_amount").unwrap().value, "42.33亿元");
    assert!(figure(&figures, "project_funding.3").is_none(), "{t}");
}

/// A plan's share by category that the receiver disputes is never told as the plan's, and 存在问题 names it with its
/// money as recorded (1.5多亿元); a pending share is stated apart with its own money, never added to other kinds'.
#[test]
fn a_disputed_share_of_a_plan_is_named_with_its_money_as_written() {
    let plans = vec![
        json!({"id": 5, "name": "浙江援疆五年规划", "start_on": "2010", "end_on": "2014",
                            "aid_amount": "5056000000.00", "confirmation": "confirmed"}),
    ];
    let shares = vec![
        json!({"id": 1, "group_id": 5, "category": "housing", "aid_amount": "1950000000.00",
               "confirmation": "confirmed"}),
        json!({"id": 2, "group_id": 5, "category": "other", "aid_amount": "150000000.00", "aid_amount_approx": "多",
               "confirmation": "disputed", "dispute_reason": "只知下限"}),
        json!({"id": 3, "group_id": 5, "category": "infrastructure", "aid_amount": "550000000.00",
               "confirmation": "pending"}),
    ];
    let i = only(
        vec![("project_groups", plans), ("project_group_shares", shares)],
        "2010-01-01",
        "2014-12-31",
    );
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(
        t.contains("受援方对援建计划“浙江援疆五年规划”中其他类的援助资金（1.5多亿元）提出异议，未计入本总结的任何数字；异议理由：只知下限。"),
        "{t}"
    );
    let told = figure(&figures, "plans.share.5.other");
    assert!(told.is_none(), "a disputed share is not told as the plan's: {t}");
    assert!(figure(&figures, "plans.share.5.housing").is_some(), "{t}");
    let pending = figure(&figures, "pending.project_group_shares.amount").unwrap();
    assert_eq!(pending.value, "5.5亿元", "{t}");
    assert!(
        !t.contains("涉及金额合计"),
        "money of different kinds is never added: {t}"
    );
}

/// An open-ended pairing is told with the calendar years it has run by the period's end, the first included, as
/// the genre counts them (江苏→霍城 since 2002: the 10th year in 2011).
#[test]
fn an_open_pairing_is_told_in_its_years() {
    let mut i = only(vec![], "2011-01-01", "2011-12-31");
    i.pairings[0].pairing["start_date"] = json!("2002");
    i.pairings[0].pairing["end_date"] = Value::Null;
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(t.contains("（2002年起，至2011年已是第10个年头）"), "{t}");
    let f = figures.iter().find(|f| f.key.starts_with("pairings.years.")).unwrap();
    assert_eq!(f.value, "10个年头");
    // in its first year there is nothing to count
    let mut i = only(vec![], "2002-01-01", "2002-12-31");
    i.pairings[0].pairing["start_date"] = json!("2002-05");
    i.pairings[0].pairing["end_date"] = Value::Null;
    let t = text(&build(&i).unwrap().0);
    assert!(t.contains("（2002年5月起）"), "{t}");
}

/// The average age is each person's age in the year they went.
#[test]
fn the_average_age_is_taken_when_each_went() {
    let people = vec![
        json!({"id": 1, "name": "甲", "birth_year": 1970}),
        json!({"id": 2, "name": "乙", "birth_year": 1973}),
        json!({"id": 3, "name": "丙", "birth_year": 1950}),
    ];
    let dispatches = vec![
        json!({"id": 1, "person_id": 1, "role": "cadre", "start_date": "2011-03-01", "confirmation": "confirmed"}),
        json!({"id": 2, "person_id": 2, "role": "cadre", "start_date": "2012-03-01", "confirmation": "confirmed"}),
        // no date: no age when sent, so not in the average (over the whole term it is still counted as sent)
        json!({"id": 3, "person_id": 3, "role": "cadre", "confirmation": "confirmed"}),
    ];
    let mut i = only(
        vec![("people", people), ("dispatches", dispatches)],
        "2010-01-01",
        "2012-12-31",
    );
    i.whole_term = true;
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(t.contains("选派3名援派干部"), "{t}");
    assert!(t.contains("派出时平均年龄40岁"), "{t}");
    assert_eq!(
        figure(&figures, "people.age").unwrap().records,
        [("people", 1), ("people", 2)]
    );
}

/// A pairing's term is told in whole months or years when it runs so; an activity's days when it ran a few of them,
/// not when its dates are a whole calendar month.
#[test]
fn how_long_a_pairing_and_an_activity_ran() {
    let c = "confirmed";
    let acts = vec![
        json!({"id": 1, "kind": "visit", "title": "考察组来校交流", "start_date": "2008-08-05", "end_date": "2008-08-06",
               "person_times": 8, "confirmation": c}),
        json!({"id": 2, "kind": "meeting", "title": "经贸洽谈会", "start_date": "2008-08-01", "end_date": "2008-08-31",
               "sessions": 1, "confirmation": c}),
    ];
    let mut i = only(vec![("activities", acts)], "2008-07-22", "2008-09-21");
    i.pairings[0].pairing = json!({"id": 7, "start_date": "2008-07-22", "end_date": "2008-09-21"});
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(t.contains("（2008年7月至2008年9月，为期2个月）"), "{t}");
    assert_eq!(figure(&figures, "pairings.term.7").unwrap().value, "2个月");
    assert!(t.contains("“考察组来校交流”：历时2天，参加8人次。"), "{t}");
    assert!(t.contains("“经贸洽谈会”：开展1场。"), "{t}");
    let months = |a: &str, b: &str| whole_months(&json!({"start_date": a, "end_date": b}));
    assert_eq!(months("2013-09-01", "2016-08-31").as_deref(), Some("3年"));
    assert_eq!(
        months("2013-10-01", "2016-08-31"),
        None,
        "35个月 is not how anyone says it"
    );
    assert_eq!(months("2008-07-22", "2008-09-20"), None);
}

/// Values all of one period say the period once; a region's values are of the area a health centre lies in, and of
/// the county itself when the receiver is the county.
#[test]
fn indicators_of_one_period_say_it_once_and_name_whom_they_describe() {
    let mut i = only(vec![], "2011-01-01", "2011-12-31");
    let ind = |name: &str, code: &str, unit: &str| json!({"name": name, "code": code, "unit": unit});
    i.pairings[0].receiver = Arc::new(json!({"name": "九龙镇卫生院", "kind": "hospital"}));
    i.pairings[0].indicators = indicator_values(vec![
        json!({"id": 1, "period": "2011H1", "value": "19.08", "region_code": "654023",
               "indicator": ind("地区生产总值", "gdp", "亿元")}),
        json!({"id": 2, "period": "2011H1", "value": 12, "region_code": "654023",
               "indicator": ind("地区生产总值增速", "gdp_growth", "%")}),
        json!({"id": 3, "period": "2011", "value": 13, "org_id": 5, "indicator": ind("职工", "staff", "人")}),
    ]);
    let t = text(&build(&i).unwrap().0);
    assert!(t.contains("九龙镇卫生院2011年：职工13人。"), "{t}");
    assert!(
        t.contains("九龙镇卫生院所在地区2011年上半年：地区生产总值19.08亿元，地区生产总值增速12%。"),
        "{t}"
    );
    i.pairings[0].receiver = Arc::new(json!({"name": "霍城县", "kind": "government"}));
    let t = text(&build(&i).unwrap().0);
    assert!(t.contains("霍城县：地区生产总值2011年上半年为19.08亿元；"), "{t}");
    // a health centre in a town: the town's values and its county's, each area by its name
    i.pairings[0].receiver = Arc::new(json!({"name": "九龙镇卫生院", "kind": "hospital", "region_code": "510683104"}));
    i.pairings[0].indicators = indicator_values(vec![
        json!({"id": 4, "period": "2011", "value": 4729, "region_code": "510683104", "region_name": "九龙镇",
               "indicator": ind("户数", "households", "户")}),
        json!({"id": 5, "period": "2011", "value": "50.1", "region_code": "510683", "region_name": "绵竹市",
               "indicator": ind("常住人口", "population", "万人")}),
    ]);
    let t = text(&build(&i).unwrap().0);
    assert!(t.contains("九龙镇2011年：户数4729户。"), "{t}");
    assert!(t.contains("绵竹市2011年：常住人口50.1万人。"), "{t}");
    assert!(!t.contains("所在地区"), "{t}");
}

/// 基本情况 tells the receivers' and supporters' attributes by the registry's words, none as none, and never an
/// attribute nobody could name.
#[test]
fn the_receivers_attributes_are_told_by_their_words() {
    let mut i = only(vec![], "2008-07-22", "2008-09-21");
    i.pairings[0].receiver = Arc::new(json!({"id": 3, "name": "九龙镇卫生院", "kind": "hospital",
        "attributes": {"staff": 13, "licensed_physicians": 2, "full_time_prevention_staff": 0, "mystery_count": 77}}));
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(
        t.contains("九龙镇卫生院：职工13名，执业医师2名，无专职防保人员。"),
        "{t}"
    );
    assert!(!t.contains("mystery") && !t.contains("77"), "{t}");
    let f = figure(&figures, "orgs.3.attributes.staff").unwrap();
    assert_eq!((f.value.as_str(), f.records.to_vec()), ("13名", vec![("orgs", 3)]));
}

/// The yearly tasks of the period are told by year and authority, each unit's task with its target, what its records
/// add up to and where it stands.
#[test]
fn yearly_tasks_are_told_with_their_target_and_progress() {
    let mut i = only(vec![], "2014-01-01", "2014-12-31");
    let task = |id: i64, org: &str, title: &str, target: Option<&str>, actual: &str, status: &str| TaskItem {
        id,
        year: 2014,
        authority: "国家体育总局".into(),
        org: org.into(),
        title: title.into(),
        target: target.map(str::to_string),
        actual: actual.into(),
        status: status.into(),
    };
    i.tasks = vec![
        task(1, "群众体育司", "捐赠健身路径器材", Some("10套"), "10套", "已完成"),
        task(2, "青少年体育司", "举办夏令营", None, "", "进行中"),
    ];
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(
        t.contains(
            "2014年国家体育总局下达年度任务2项：群众体育司“捐赠健身路径器材”，目标10套，完成10套，已完成；青少年体育司“举办夏令营”，进行中。"
        ),
        "{t}"
    );
    assert_eq!(
        figure(&figures, "unit_tasks.1.target").unwrap().records,
        vec![("unit_tasks", 1)]
    );
}

/// People sent to more than one host are told by host: how many sending units sent how many people to each.
#[test]
fn people_are_told_by_where_they_went_and_from_how_many_units() {
    let d = |id: i64, person: i64, home: i64, host: i64| {
        json!({"id": id, "person_id": person, "role": "teacher", "home_org_id": home, "host_org_id": host,
               "start_date": "2012-03-01", "confirmation": "confirmed"})
    };
    let dispatches = vec![d(1, 1, 11, 21), d(2, 2, 12, 21), d(3, 3, 12, 21), d(4, 4, 13, 22)];
    let people: Vec<Value> = (1..=4).map(|i| json!({"id": i, "name": format!("教师{i}")})).collect();
    let orgs = vec![
        json!({"id": 21, "name": "阿克苏教学点"}),
        json!({"id": 22, "name": "库车教学点"}),
    ];
    let i = only(
        vec![("dispatches", dispatches), ("people", people), ("orgs", orgs)],
        "2012-01-01",
        "2012-12-31",
    );
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(
        t.contains("其中，2个派出单位选派3名至阿克苏教学点；1个派出单位选派1名至库车教学点。"),
        "{t}"
    );
    assert_eq!(figure(&figures, "people.host.21").unwrap().value, "3名");
}

/// A period the source leaves open is told as the source means it: a total since a start ("2010年以来"), a peak in
/// an unnamed year ("2010—2014年间最高"), a time known only roughly ("2012年前后") — never as that exact year.
#[test]
fn an_open_period_is_told_as_the_source_means_it() {
    let mut i = only(vec![], "2010-01-01", "2014-12-31");
    i.whole_term = true;
    let ind = |name: &str, code: &str, unit: &str| json!({"name": name, "code": code, "unit": unit});
    i.pairings[0].indicators = indicator_values(vec![
        json!({"id": 1, "period": "2010-01-01..2012-12-31", "period_basis": "since", "value": 1024,
               "indicator": ind("民生工程项目数", "livelihood_projects", "个")}),
        json!({"id": 2, "period": "2010-01-01..2014-12-31", "period_basis": "peak", "value": 30,
               "indicator": ind("地区生产总值增速", "gdp_growth", "%")}),
        json!({"id": 3, "period": "2012", "period_basis": "about", "value": 62,
               "indicator": ind("总人口", "population", "万人")}),
    ]);
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    for said in [
        "民生工程项目数2010年以来为1024个",
        "地区生产总值增速2010—2014年间最高为30%",
        "总人口2012年前后为62万人",
    ] {
        assert!(t.contains(said), "{said}: {t}");
    }
    assert!(!t.contains("总人口2012年为"), "{t}");
    assert_eq!(figure(&figures, "indicators.2").unwrap().value, "30%");
}

/// An output whose stage the source does not give is told as such, never as started or completed; a stage no record
/// gives is not told as 0 ("廉租房计划建设1000套，竣工1300套", never "已开工0套").
#[test]
fn an_output_is_told_only_at_the_stages_its_records_give() {
    let c = "confirmed";
    let records = vec![
        (
            "projects",
            vec![
                json!({"id": 1, "name": "安居富民工程", "category": "housing", "started_on": "2011-06", "confirmation": c}),
                json!({"id": 2, "name": "城镇廉租房项目", "category": "housing", "started_on": "2011", "confirmation": c}),
            ],
        ),
        (
            "outputs",
            vec![
                json!({"id": 1, "project_id": 1, "name": "安居富民房", "unit": "户", "reported": 3400,
                       "as_of": "2011-06-30", "confirmation": c}),
                json!({"id": 2, "project_id": 2, "name": "廉租房", "unit": "套", "planned": 1000, "completed": 1300,
                       "as_of": "2011-12-31", "confirmation": c}),
            ],
        ),
    ];
    let (doc, figures) = build(&only(records, "2011-01-01", "2011-12-31")).unwrap();
    let t = text(&doc);
    assert!(t.contains("安居富民房3400户（未注明计划、开工或竣工）"), "{t}");
    assert!(t.contains("廉租房计划建设1000套，竣工1300套。"), "{t}");
    assert!(!t.contains("已开工0"), "{t}");
    assert!(figure(&figures, "outputs.安居富民房.户.completed").is_none());
    assert_eq!(
        figure(&figures, "outputs.安居富民房.户.reported").unwrap().value,
        "3400户"
    );
}

/// A plan that says how many kinds its projects fall in, without naming them, is told so ("安排项目4类6项").
#[test]
fn a_plan_tells_how_many_kinds_of_projects_it_holds() {
    let records = vec![(
        "project_groups",
        vec![
            json!({"id": 1, "name": "2010年援疆试点项目", "start_on": "2010", "project_count": 6,
                    "category_count": 4, "aid_amount": "45641000.00", "confirmation": "confirmed"}),
        ],
    )];
    let (doc, _) = build(&only(records, "2010-01-01", "2010-12-31")).unwrap();
    let t = text(&doc);
    assert!(t.contains("安排项目4类6项"), "{t}");
}

/// 基本情况 tells the requirements the programs and agreements set, as their rules read, and the attributes of a
/// program's authority with the sides' ("国家体育总局：直属单位28个").
#[test]
fn the_basics_tell_the_requirements_and_the_authoritys_attributes() {
    let mut i = input();
    i.requirements = vec![
        "支援方教师每人每学期累计支教不少于 30 天".into(),
        "支援方教师每次连续支教不少于 1周（7天）（按学期考核）".into(),
    ];
    i.pairings[0].program = Arc::new(json!({"name": "对口支援西部地区高等学校计划",
        "authority": {"id": 99, "name": "国家体育总局", "attributes": {"direct_units": 28}}}));
    let (doc, _) = build(&i).unwrap();
    let t = text(&doc);
    assert!(
        t.contains("协议和实施方案提出的量化要求2项：支援方教师每人每学期累计支教不少于30天；支援方教师每次连续支教不少于1周（7天）（按学期考核）。"),
        "{t}"
    );
    assert!(t.contains("国家体育总局：直属单位28个"), "{t}");
}

/// A school-year program's term is told in school years when it covers whole ones ("按学年计为期3年"), and a gift
/// made over whole years with them ("（2010—2014年，5年累计）"), its title not repeating "捐赠".
#[test]
fn school_years_and_years_of_a_gift_are_told() {
    let mut i = only(
        vec![(
            "activities",
            vec![
                json!({"id": 1, "kind": "donation", "title": "捐赠希望工程爱心助学资金", "start_date": "2010-01-01",
                        "end_date": "2014-12-31", "amount": "420万", "confirmation": "confirmed"}),
            ],
        )],
        "2010-01-01",
        "2016-08-31",
    );
    i.whole_term = true;
    i.pairings[0].program = Arc::new(json!({"id": 6, "name": "校对校“对口帮扶”", "start_date": "2013-10-01",
        "end_date": "2016-08-31", "calendar": {"kind": "school_year"}}));
    let (doc, figures) = build(&i).unwrap();
    let t = text(&doc);
    assert!(t.contains("（2013—2014至2015—2016学年），按学年计为期3年"), "{t}");
    assert!(t.contains("捐赠希望工程爱心助学资金（2010—2014年，5年累计）"), "{t}");
    assert!(!t.contains("捐赠捐赠"), "{t}");
    assert_eq!(figure(&figures, "donations.years.1").unwrap().value, "5年");
    // a term that does not cover whole school years is not called so
    i.pairings[0].program = Arc::new(json!({"id": 6, "name": "校对校“对口帮扶”", "start_date": "2014-03-01",
        "end_date": "2016-08-31", "calendar": {"kind": "school_year"}}));
    let (doc, _) = build(&i).unwrap();
    assert!(!text(&doc).contains("按学年计"), "{}", text(&doc));
}

#[test]
fn ids_are_kept_narrow_only_when_every_one_fits() {
    let narrow = Ids::from(vec![3, 1, 4_000_000_000]);
    assert!(matches!(narrow, Ids::Narrow(_)));
    assert_eq!(narrow.iter().collect::<Vec<_>>(), [3, 1, 4_000_000_000]);
    let wide = Ids::from(vec![3, 5_000_000_000, -1]);
    assert!(matches!(wide, Ids::Wide(_)));
    assert_eq!(wide.iter().collect::<Vec<_>>(), [3, 5_000_000_000, -1]);
    let records = Records::of("activities", wide);
    assert!(records.contains(&("activities", 5_000_000_000)));
    assert_eq!(
        records,
        [("activities", 3), ("activities", 5_000_000_000), ("activities", -1)]
    );
}
