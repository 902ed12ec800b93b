//! The demo record loads whole into a fresh database and its figures read back as the seed summaries state them — on
//! SQLite always, and on PostgreSQL too when `DUIKOU_TEST_POSTGRES_URL` is set.

use duikou_domain::access::Actor;
use duikou_store::{Db, ListQuery, Store};
use serde_json::Value;

/// Every entity the demo writes, for the counts printed with `--nocapture`.
const ENTITIES: &[&str] = &[
    "orgs",
    "programs",
    "pairings",
    "documents",
    "agreements",
    "obligations",
    "needs",
    "project_groups",
    "project_group_shares",
    "projects",
    "project_funding",
    "transactions",
    "funds",
    "outputs",
    "people",
    "dispatches",
    "stints",
    "appraisals",
    "activities",
    "activity_counts",
    "activity_items",
    "indicators",
    "indicator_values",
    "notes",
    "unit_tasks",
    "assessments",
    "period_locks",
    "supervisions",
];

async fn one(store: &Store, entity: &str, filters: &[(&str, &str)]) -> Value {
    let mut q = ListQuery {
        per_page: Some(2),
        ..ListQuery::default()
    };
    for (k, v) in filters {
        q.filters.insert(k.to_string(), v.to_string());
    }
    let page = store.list(entity, &q).await.unwrap();
    assert_eq!(page.total, 1, "{entity} {filters:?}: expected exactly one");
    page.items[0].clone()
}

async fn org(store: &Store, name: &str) -> i64 {
    one(store, "orgs", &[("name", name)]).await["id"].as_i64().unwrap()
}

async fn pairing(store: &Store, program: &str, supporter: &str, receiver: &str) -> i64 {
    let program = one(store, "programs", &[("name", program)]).await["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let s = org(store, supporter).await.to_string();
    let r = org(store, receiver).await.to_string();
    one(
        store,
        "pairings",
        &[
            ("program_id", &program),
            ("supporter_org_id", &s),
            ("receiver_org_id", &r),
        ],
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

async fn total(store: &Store, entity: &str) -> i64 {
    store
        .list(
            entity,
            &ListQuery {
                per_page: Some(1),
                ..ListQuery::default()
            },
        )
        .await
        .unwrap()
        .total
}

/// Loads the demo and checks its figures through the public store API.
async fn check(store: &Store, backend: &str) {
    assert!(store.is_empty().await.unwrap());
    let written = duikou_demo::load(store).await.unwrap();
    assert!(!store.is_empty().await.unwrap());
    let mut counted = 0;
    for e in ENTITIES {
        let n = total(store, e).await;
        println!("{backend}: {e} {n}");
        counted += n;
    }
    // an open 督办 item with the responsible school's reply (issue #18 item 5)
    let items = store.list_every("supervisions", &ListQuery::default()).await.unwrap();
    assert!(
        items
            .iter()
            .any(|m| m["status"] == "replied" && m["reply"].is_string() && m["org_id"].is_i64()),
        "{backend}: {items:?}"
    );
    // money outside projects is its own record, and no longer an activity's amount (counted once)
    let funds = store.list_every("funds", &ListQuery::default()).await.unwrap();
    assert_eq!(funds.len(), 5, "{backend}");
    let research: Vec<&Value> = funds.iter().filter(|f| f["purpose"] == "research").collect();
    assert_eq!(research.len(), 4, "{backend}");
    for f in &funds {
        let a = store
            .get("activities", f["activity_id"].as_i64().unwrap())
            .await
            .unwrap();
        assert!(a["amount"].is_null(), "{backend}: {a}");
    }
    let users = store.user_count().await.unwrap();
    println!("{backend}: users {users}; load returned {written}");
    assert_eq!(users, duikou_demo::DEMO_ACCOUNTS.len() as i64);
    assert_eq!(
        written as i64,
        counted + users,
        "load counts every record and user it wrote"
    );

    // 第1篇: 南农 → 新疆农大 under the western-universities plan
    let nau = pairing(store, "对口支援西部地区高等学校计划", "南京农业大学", "新疆农业大学").await;
    let t = &store.pairing_detail(nau).await.unwrap()["totals"];
    assert_eq!(t["people"]["by_role"]["teacher"], 14, "{t}");
    assert_eq!(t["people"]["by_role"]["manager"], 2);
    assert_eq!(t["people"]["batches_by_role"]["teacher"], 5);
    assert_eq!(t["activities"]["hours"], 1500);
    assert_eq!(t["activities"]["courses"], 40);
    assert_eq!(t["activities"]["by_kind"]["lecture"]["sessions"], 43);
    assert_eq!(t["activities"]["by_kind"]["visit"]["person_times"], 50);
    // students enrolled are people, not person-times: counted in their own unit on their activity
    assert_eq!(t["activities"]["by_kind"]["enrollment"]["person_times"], 0);
    let counts = store.list_all("activity_counts", "pairing_id", nau).await.unwrap();
    let told = |what: &str| {
        counts
            .iter()
            .find(|c| c["what"] == what)
            .map(|c| (c["value"].clone(), c["unit"].clone()))
    };
    assert_eq!(told("博士研究生"), Some((Value::from(11), Value::from("名"))));
    assert_eq!(told("硕士研究生"), Some((Value::from(2), Value::from("名"))));
    assert_eq!(
        told("本科生").map(|_| counts.iter().find(|c| c["what"] == "本科生").unwrap()["value_approx"].clone()),
        Some(Value::from("多"))
    );
    assert_eq!(t["agreements_by_kind"]["agreement:institution"], 3);
    assert_eq!(t["agreements_by_kind"]["agreement:department"], 3);
    // the same pairing counted on confirmed facts only gives the same figures: the receiving side confirmed them all
    let c = &store.pairing_detail(nau).await.unwrap()["totals_confirmed"];
    assert_eq!(c["activities"]["hours"], 1500);
    // 援疆学科建设计划: five supporting universities, 5 校级协议 and 3 备忘录 among them
    let discipline = one(store, "programs", &[("name", "援疆学科建设计划")]).await["id"]
        .as_i64()
        .unwrap();
    let pairings = store.list_all("pairings", "program_id", discipline).await.unwrap();
    assert_eq!(pairings.len(), 5);
    let (mut institution, mut memoranda, mut items) = (0, 0, 0);
    for p in &pairings {
        let t = &store.pairing_detail(p["id"].as_i64().unwrap()).await.unwrap()["totals"];
        institution += t["agreements_by_kind"]["agreement:institution"].as_i64().unwrap_or(0);
        memoranda += t["agreements_by_kind"]["memorandum:institution"].as_i64().unwrap_or(0);
        items += t["activities"]["by_kind"]["donation"]["items"].as_i64().unwrap_or(0);
    }
    assert_eq!((institution, memoranda), (5, 3));
    assert_eq!(items, 4 + 15, "computers, TV/DVD sets");
    // the soil sampler is goods in its own unit (1套), not a count of the generic 台（套/件）
    let goods = store.list_every("activity_items", &Default::default()).await.unwrap();
    let sampler = goods
        .iter()
        .find(|g| g["name"] == "电动取土机")
        .expect("the soil sampler");
    assert_eq!(
        (sampler["quantity"].as_i64(), sampler["unit"].as_str()),
        (Some(1), Some("套"))
    );

    // 第9篇: 湖南 → 吐鲁番
    let hunan = pairing(store, "对口援疆", "湖南省", "吐鲁番市").await;
    let detail = store.pairing_detail(hunan).await.unwrap();
    let t = &detail["totals"];
    let housing = t["projects"]["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "安居富民房")
        .unwrap();
    assert_eq!(
        (&housing["planned"], &housing["started"], &housing["completed"]),
        (&Value::from(8640), &Value::from(9426), &Value::from(5780))
    );
    assert_eq!(housing["start_rate"], 109);
    assert_eq!(housing["completion_rate"], 61);
    assert_eq!(t["people"]["by_role"]["cadre"], 110);
    assert_eq!(t["people"]["postgraduates"], 22);
    assert_eq!(t["people"]["senior_titles"], 31);
    assert_eq!(t["people"]["average_birth_year"], 1973, "average age 38 in 2011");
    let school = detail["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "吐鲁番实验中学")
        .unwrap();
    assert_eq!(school["total_investment"], "260000000.00");
    assert_eq!(school["started_on"], "2012-05-01");
    let funding = school["funding"].as_array().unwrap();
    let by = |s: &str| funding.iter().find(|f| f["source"] == s).unwrap()["amount"].clone();
    assert_eq!(by("supporter"), "37000000.00");
    assert_eq!(by("local"), "223000000.00");
    assert_eq!(
        t["projects"]["plans"]["aid_amount"], "454211000.00",
        "the two yearly plans: 4564.1万 + 4.0857亿"
    );

    // 第4篇: 浙江 → 阿克苏, with three city → county child pairings and 200 bilingual teachers in 6 batches
    let zj = pairing(store, "对口援疆", "浙江省", "阿克苏地区").await;
    let detail = store.pairing_detail(zj).await.unwrap();
    assert_eq!(detail["children"].as_array().unwrap().len(), 3);
    let t = &detail["totals"];
    assert_eq!(t["people"]["by_role"]["teacher"], 200);
    assert_eq!(t["people"]["batches_by_role"]["teacher"], 6);
    // the five years' plan states its 403 projects and its aid but not their leveraged money: the pairing's total of
    // it is unknown, not the 42.77亿 of the one batch that states it
    assert!(t["projects"]["leveraged_investment"].is_null(), "{}", t["projects"]);
    let batch = detail["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "2014年度第二批援疆项目")
        .unwrap();
    assert_eq!(batch["leveraged_investment"], "4277000000.00");
    assert_eq!(t["projects"]["plans"]["aid_amount"], "5056000000.00");
    assert!(
        detail["totals_confirmed"]["people"]["by_role"]["teacher"]
            .as_i64()
            .unwrap()
            < 200,
        "the last batches await confirmation"
    );

    // 第7篇: nine cadres of the 第七批 in 霍城县's posts
    let js = pairing(store, "对口援疆", "江苏省", "霍城县").await;
    let t = &store.pairing_detail(js).await.unwrap()["totals"];
    assert_eq!(t["people"]["by_role"]["cadre"], 9);
    assert_eq!(t["activities"]["by_kind"]["training"]["person_times"], 10768);

    // 第5篇's 80% rule sits on the program; 第3篇's tasks are assigned to units for 2014
    let xj = one(store, "programs", &[("name", "对口援疆")]).await["id"]
        .as_i64()
        .unwrap();
    let rules = store.list_all("obligations", "program_id", xj).await.unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["rule"]["measure"]["type"], "ratio");
    let mass = org(store, "国家体育总局群众体育司").await;
    let tasks = store.list_all("unit_tasks", "org_id", mass).await.unwrap();
    assert!(tasks.iter().all(|o| o["year"] == 2014) && tasks.len() == 1);
    assert_eq!(
        (tasks[0]["target_count"].as_i64(), tasks[0]["target_unit"].as_str()),
        (Some(10), Some("套"))
    );
    // the seed does not say the units delivered, and the demo holds no record that they did
    let gas = org(store, "国家体育总局").await;
    let as_of = chrono::NaiveDate::from_ymd_opt(2016, 12, 31).unwrap();
    let list = store.unit_task_list(gas, 2014, as_of).await.unwrap();
    assert_eq!(list.assigned.len(), 5);
    let written: Vec<String> = list
        .assigned
        .iter()
        .filter_map(|l| l.task.target.as_ref().map(|t| t.written()))
        .collect();
    assert_eq!(written, ["10套", "14万元", "4万元", "10万元"]);
    assert!(list
        .assigned
        .iter()
        .all(|l| l.progress.status == duikou_domain::task::TaskStatus::Unmet && l.progress.counted == 0));

    // 第8篇: the school program carries every rule of the plan; one pairing keeps them all, the other misses some
    let school_program = one(store, "programs", &[("name", "校对校“对口帮扶”（2013—2016）")]).await;
    let sp = school_program["id"].as_i64().unwrap();
    assert_eq!(school_program["calendar"]["kind"], "school_year");
    let rules = store.list_all("obligations", "program_id", sp).await.unwrap();
    assert_eq!(rules.len(), 12);
    let as_of = chrono::NaiveDate::from_ymd_opt(2016, 9, 30).unwrap();
    let good = pairing(store, "校对校“对口帮扶”（2013—2016）", "城关实验中学", "石桥乡初级中学").await;
    let a = store.assess_pairing(good, None, as_of).await.unwrap();
    let unmet: Vec<&str> = a
        .results
        .iter()
        .filter(|r| r.status != duikou_domain::engine::Status::Met)
        .map(|r| r.text.as_str())
        .collect();
    assert!(unmet.is_empty(), "the compliant pairing: {unmet:#?}");
    // its receiving school's teachers come for 5- and 10-day visits to learn (跟岗学习): not held to the supporting
    // teachers' one-week and one-month rules, and named by none of their results
    assert!(
        !a.results.iter().any(|r| r.text.contains("石桥乡初中交流教师")),
        "the visiting teachers are held to nothing"
    );
    assert!(a
        .results
        .iter()
        .filter(|r| matches!(r.subject, duikou_domain::engine::SubjectRef::Stint { .. }))
        .all(|r| r.text.starts_with("支援方")));
    let lagging = pairing(store, "校对校“对口帮扶”（2013—2016）", "城关第一小学", "石桥乡中心小学").await;
    let a = store.assess_pairing(lagging, None, as_of).await.unwrap();
    let missed = |title: &str, window: &str| {
        a.results.iter().any(|r| {
            r.title.contains(title) && r.window.starts_with(window) && r.status == duikou_domain::engine::Status::Unmet
        })
    };
    assert!(
        missed("派出教师到受援学校任教", "2014-2015"),
        "only one teacher in 2014-2015"
    );
    assert!(missed("每次连续支教", ""), "a five-day stint");
    assert!(missed("挂职管理人员每学期累计", "2015-2016S1"), "25 days");
    assert!(missed("受援学校派出管理人员", "2014-2015S2"));
    assert!(
        missed("支教教师每学期累计", "2013-2014S2"),
        "the disputed stint does not count"
    );
    assert!(missed("骨干教师", ""), "1 of 2 backbone teachers");
    assert!(missed("教研活动", "2015-2016S2"), "recorded but not confirmed");
    let met = a
        .results
        .iter()
        .filter(|r| r.status == duikou_domain::engine::Status::Met)
        .count();
    assert!(met > a.results.len() / 2, "most rules are still kept");
    // a semester's assessment lists that semester's stints only, the five-day one among them
    let s2: duikou_domain::Period = "2014-2015S2".parse().unwrap();
    let spring = store.assess_pairing(lagging, Some(&s2), as_of).await.unwrap();
    let per_stint: Vec<&duikou_domain::engine::ObligationResult> = spring
        .results
        .iter()
        .filter(|r| matches!(r.subject, duikou_domain::engine::SubjectRef::Stint { .. }))
        .collect();
    assert!(!per_stint.is_empty());
    assert!(
        per_stint.iter().all(|r| r.window == "2014-2015S2"),
        "no stint of another semester"
    );
    assert_eq!(
        per_stint
            .iter()
            .filter(|r| r.status == duikou_domain::engine::Status::Unmet)
            .count(),
        1,
        "the five-day stint"
    );
    let stints = store.list_all("stints", "pairing_id", lagging).await.unwrap();
    assert_eq!(stints.iter().filter(|s| s["confirmation"] == "disputed").count(), 1);

    assessment_reads_enough(store).await;

    // the whole load is one audited, chained transaction, and it refuses to run twice
    assert!(store.audit_verify().await.unwrap().ok());
    assert!(duikou_demo::load(store).await.is_err());
    assert!(store
        .authenticate("xinnong", duikou_demo::DEMO_PASSWORD)
        .await
        .unwrap()
        .is_some());

    // last: it disputes records
    status_follows_the_log(store).await;
    summary_from_kept_status(store).await;
    packed_reads_equal_whole_reads(store).await;
    taken_activities_write_what_all_of_them_write(store).await;
}

/// A summary read by the store takes its activities as they are read, in lots, keeping only their figures and the few
/// it names; it must write, figure for figure, what the writer writes from all of the same activities held whole, for
/// every program, several periods, each way of taking pending facts, and a briefing.
async fn taken_activities_write_what_all_of_them_write(store: &Store) {
    use duikou_domain::entities::PairingId;
    use duikou_store::summary::Scope;
    use duikou_summary::{Form, Pending};
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let mut compared = 0;
    for p in store.list_every("programs", &ListQuery::default()).await.unwrap() {
        let scope = Scope::Program(p["id"].as_i64().unwrap());
        for (period, pending, briefing) in [
            ("2014", Pending::Separate, false),
            ("2014-2015", Pending::Include, false),
            ("term", Pending::Separate, false),
            ("term", Pending::Include, false),
            ("2015", Pending::Omit, false),
            ("2014Q4", Pending::Separate, true),
        ] {
            let period: duikou_domain::Period = period.parse().unwrap();
            let form = Form { pending, briefing };
            let Ok(taken) = store.summary_input_as(&scope, &period, as_of, form).await else {
                continue;
            };
            let mut whole = taken.clone();
            let pairings: Vec<PairingId> = whole
                .pairings
                .iter()
                .map(|b| PairingId(b.pairing["id"].as_i64().unwrap()))
                .collect();
            let all = store.activities_of(&pairings, Some(whole.period)).await.unwrap();
            whole.activities = all.into();
            let write = |i: &duikou_summary::SummaryInput| {
                match briefing {
                    true => Ok(duikou_summary::briefing::briefing(i, 1)),
                    false => duikou_summary::build(i),
                }
                .map(|(doc, figures)| (duikou_report::markdown(&doc), figures))
            };
            let (a, b) = (write(&taken), write(&whole));
            assert_eq!(a, b, "{scope:?} {period} {pending:?}");
            compared += 1;
        }
    }
    assert!(compared >= 12, "compared {compared} summaries");
}

/// The assessment reads, for a whole program at once, only the columns and rows its rules need; it must come to exactly
/// what the engine says when given every record of each pairing whole.
async fn assessment_reads_enough(store: &Store) {
    use duikou_domain::engine::{self, EvalOptions, ObligationInput, PairingContext, Records};
    use duikou_domain::record::recs;
    use duikou_domain::{Calendar, ObligationRule, Qty};
    let date = |v: &Value| v.as_str().and_then(duikou_domain::validate::parse_date);
    let mut compared = 0;
    for as_of in [(2013, 11, 30), (2014, 12, 31), (2016, 9, 30), (2025, 1, 1)] {
        let as_of = chrono::NaiveDate::from_ymd_opt(as_of.0, as_of.1, as_of.2).unwrap();
        for program in store.list_every("programs", &ListQuery::default()).await.unwrap() {
            let program_id = program["id"].as_i64().unwrap();
            let Ok(bulk) = store.assess_program(program_id, None, as_of).await else {
                continue;
            };
            let pairings = store.list_all("pairings", "program_id", program_id).await.unwrap();
            assert_eq!(bulk.len(), pairings.len());
            for (pairing, got) in pairings.iter().zip(&bulk) {
                let pid = pairing["id"].as_i64().unwrap();
                assert_eq!(got.pairing_id, pid);
                let supporter = store
                    .get("orgs", pairing["supporter_org_id"].as_i64().unwrap())
                    .await
                    .unwrap();
                let receiver = store
                    .get("orgs", pairing["receiver_org_id"].as_i64().unwrap())
                    .await
                    .unwrap();
                let start = date(&pairing["start_date"])
                    .or_else(|| date(&program["start_date"]))
                    .unwrap();
                let end = date(&pairing["end_date"])
                    .or_else(|| date(&program["end_date"]))
                    .unwrap_or(as_of.max(start));
                let ctx = PairingContext {
                    pairing_id: pid,
                    term: (start, end),
                    calendar: serde_json::from_value::<Calendar>(program["calendar"].clone()).unwrap_or_default(),
                    only_confirmed: program["only_confirmed"].as_bool().unwrap_or(true),
                    supporter_attributes: supporter["attributes"].clone(),
                    receiver_attributes: receiver["attributes"].clone(),
                };
                let mut stored = store.list_all("obligations", "program_id", program_id).await.unwrap();
                for a in store.list_all("agreements", "pairing_id", pid).await.unwrap() {
                    stored.extend(
                        store
                            .list_all("obligations", "agreement_id", a["id"].as_i64().unwrap())
                            .await
                            .unwrap(),
                    );
                }
                for o in store
                    .list_all("obligations", "assigned_org_id", supporter["id"].as_i64().unwrap())
                    .await
                    .unwrap()
                {
                    if !stored.iter().any(|s| s["id"] == o["id"]) {
                        stored.push(o);
                    }
                }
                let obligations: Vec<ObligationInput> = stored
                    .iter()
                    .map(|o| {
                        let mut rule = ObligationRule::from_json(&o["rule"]).unwrap();
                        if let Some(y) = o["year"].as_i64() {
                            rule.window = duikou_domain::obligation::Window::Range {
                                from: chrono::NaiveDate::from_ymd_opt(y as i32, 1, 1).unwrap(),
                                to: chrono::NaiveDate::from_ymd_opt(y as i32, 12, 31).unwrap(),
                            };
                        }
                        ObligationInput {
                            id: o["id"].as_i64().unwrap(),
                            title: o["title"].as_str().unwrap().to_string(),
                            weight: serde_json::from_value(o["weight"].clone()).unwrap_or(Qty::from_int(1)),
                            rule,
                        }
                    })
                    .collect();
                let mut records: Records = Records::new();
                for entity in [
                    "dispatches",
                    "stints",
                    "activities",
                    "transactions",
                    "projects",
                    "outputs",
                    "appraisals",
                    "project_funding",
                    "needs",
                ] {
                    records.insert(
                        entity.into(),
                        recs(store.list_all(entity, "pairing_id", pid).await.unwrap()),
                    );
                }
                let mut people = Vec::new();
                for d in &records["dispatches"] {
                    people.push(store.get("people", d["person_id"].as_i64().unwrap()).await.unwrap());
                }
                records.insert("people".into(), recs(people));
                let warn_share = serde_json::from_value::<Qty>(program["warn_share"].clone())
                    .map(Qty::as_f64)
                    .unwrap_or(0.5);
                let opts = EvalOptions {
                    as_of,
                    range: None,
                    warn_share,
                };
                let want = engine::evaluate(&ctx, &obligations, &records, &opts);
                assert_eq!(got.results, want, "pairing {pid} as of {as_of}");
                compared += want.len();
            }
        }
    }
    assert!(compared > 100, "only {compared} results compared");
}

/// Results met / unmet / open / warned of a fresh evaluation of a program.
async fn fresh_counts(store: &Store, program_id: i64, as_of: chrono::NaiveDate) -> [i64; 5] {
    let all = store.assess_program(program_id, None, as_of).await.unwrap();
    let mut c = [all.len() as i64, 0, 0, 0, 0];
    for a in &all {
        c[1] += a.score.met as i64;
        c[2] += a.score.unmet as i64;
        c[3] += a.score.open as i64;
        c[4] += a.score.warnings as i64;
    }
    c
}

async fn kept_counts(store: &Store, program_id: i64, as_of: chrono::NaiveDate) -> [i64; 5] {
    let s = store.status_counts(program_id, as_of).await.unwrap();
    [s.pairings, s.met, s.unmet, s.open, s.warnings]
}

/// The packed read the summary uses gives the same records, values and order as the whole-record read, for every
/// entity with data (money, quantities, dates, flags, JSON, NULLs), with conditions and in lots.
async fn packed_reads_equal_whole_reads(store: &Store) {
    use duikou_store::db::Arg;
    let pairings: Vec<i64> = store
        .list_every("pairings", &ListQuery::default())
        .await
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let args: Vec<Arg> = pairings.iter().map(|i| Arg::Int(Some(*i))).collect();
    let mut compared = 0;
    for entity in ENTITIES {
        let def = duikou_domain::schema::entity(entity).unwrap();
        if def.field("pairing_id").is_none() {
            continue;
        }
        let fields: Vec<&str> = duikou_store::records::columns(def).iter().map(|f| f.name).collect();
        let since = [Arg::Int(Some(0))];
        let whole = store
            .all_where_in_and(entity, "pairing_id", &pairings, "id > $1", &since)
            .await
            .unwrap();
        let packed = store
            .fields_where_in_and(entity, &fields, "pairing_id", &args, "id > $1", &since)
            .await
            .unwrap();
        let packed: Vec<Value> = packed.iter().map(|r| r.to_value()).collect();
        let strip = |mut v: Value| {
            for k in ["version", "created_at", "updated_at"] {
                v.as_object_mut().unwrap().remove(k);
            }
            v
        };
        let whole: Vec<Value> = whole.into_iter().map(strip).collect();
        assert_eq!(packed, whole, "{entity}");
        compared += whole.len();
        // only the fields asked for
        let some = store
            .fields_where_in_and(entity, &["pairing_id"], "pairing_id", &args[..1], "", &[])
            .await
            .unwrap();
        assert!(some.iter().all(|r| r.iter().count() == 2), "{entity}");
    }
    assert!(compared > 500, "compared {compared} records");
}

/// A summary that takes its unmet and warned results from the kept status reads exactly as one that evaluates them,
/// for every program and several kinds of period.
async fn summary_from_kept_status(store: &Store) {
    use duikou_store::summary::{Judged, Scope};
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let mut problems = 0;
    for p in store.list_every("programs", &ListQuery::default()).await.unwrap() {
        let scope = Scope::Program(p["id"].as_i64().unwrap());
        for period in ["2014", "2014-2015", "2015-2016S2", "2024", "term"] {
            let period: duikou_domain::Period = period.parse().unwrap();
            let (scope, period) = (&scope, &period);
            let write = |judged| async move {
                let input = store.summary_input_from(scope, period, as_of, judged).await;
                input.map(|i| {
                    duikou_summary::build(&i)
                        .map(|(doc, _)| duikou_report::markdown(&doc))
                        .unwrap_or_else(|e| e.to_string())
                })
            };
            let (kept, evaluated) = (write(Judged::Kept).await, write(Judged::Evaluated).await);
            match (kept, evaluated) {
                (Ok(kept), Ok(evaluated)) => {
                    if evaluated.contains("未完成目标任务") || evaluated.contains("进度滞后") {
                        problems += 1;
                    }
                    assert_eq!(kept, evaluated, "{scope:?} {period}");
                }
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                (a, b) => panic!("{scope:?} {period}: kept {:?}, evaluated {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }
    assert!(problems > 0, "some summary must list unmet or warned results");
}

/// The obligation status kept for dashboards equals a fresh evaluation: at first, on another day, and after writes
/// that move it (followed from the audit log, pairing by pairing).
async fn status_follows_the_log(store: &Store) {
    use duikou_domain::engine::Status;
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let programs = store.list_every("programs", &ListQuery::default()).await.unwrap();
    for p in &programs {
        let id = p["id"].as_i64().unwrap();
        assert_eq!(
            kept_counts(store, id, as_of).await,
            fresh_counts(store, id, as_of).await
        );
        let day = chrono::NaiveDate::from_ymd_opt(2014, 12, 31).unwrap();
        assert_eq!(kept_counts(store, id, day).await, fresh_counts(store, id, day).await);
        // the problems kept are exactly the unmet and warned results
        let problems = store.status_problems(id, None, as_of).await.unwrap();
        let want: Vec<(i64, i64, String)> = store
            .assess_program(id, None, as_of)
            .await
            .unwrap()
            .iter()
            .flat_map(|a| a.results.iter())
            .filter(|r| r.status == Status::Unmet || r.warning)
            .map(|r| (r.pairing_id, r.obligation_id, r.text.clone()))
            .collect();
        let got: Vec<(i64, i64, String)> = problems
            .iter()
            .map(|p| (p.pairing_id, p.obligation_id, p.text.clone()))
            .collect();
        assert_eq!(got, want);
    }
    // dispute every record a closed, met result counted: the kept status must follow (outside the periods a signed
    // assessment locked: the demo signs 第8篇's 2013-2014, whose records can no longer be disputed)
    let locks = store.list_every("period_locks", &ListQuery::default()).await.unwrap();
    let day = |v: &Value| v.as_str().and_then(duikou_domain::validate::parse_date);
    let locked = |r: &duikou_domain::engine::ObligationResult| {
        locks.iter().any(|l| {
            l["pairing_id"].as_i64() == Some(r.pairing_id)
                && day(&l["start_date"]).is_some_and(|s| s <= r.window_end)
                && day(&l["end_date"]).is_some_and(|e| e >= r.window_start)
        })
    };
    let mut moved = false;
    'programs: for p in &programs {
        let id = p["id"].as_i64().unwrap();
        let before = kept_counts(store, id, as_of).await;
        for a in store.assess_program(id, None, as_of).await.unwrap() {
            for r in &a.results {
                let confirmable = r
                    .counted
                    .iter()
                    .all(|(e, _)| duikou_domain::schema::entity(e).is_some_and(|d| d.confirmable));
                if r.status != Status::Met || r.counted.is_empty() || !confirmable || locked(r) {
                    continue;
                }
                for (entity, rid) in &r.counted {
                    store
                        .set_confirmation(&Actor::system(), entity, *rid, false, Some("测试：并无此事"))
                        .await
                        .unwrap();
                }
                let after = kept_counts(store, id, as_of).await;
                assert_eq!(
                    after,
                    fresh_counts(store, id, as_of).await,
                    "program {id} after disputes"
                );
                assert_ne!(after, before, "disputing what a met result counted moves the status");
                moved = true;
                break 'programs;
            }
        }
    }
    assert!(moved, "no met result with confirmable records to dispute");
}

#[tokio::test]
async fn the_demo_loads_whole_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let store = Store::open(&path.to_string_lossy()).await.unwrap();
    check(&store, "sqlite").await;
    store.db().close().await;
}

/// The same server URL naming another database (keeps any `?query`).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let host_start = base.find("://").map_or(0, |i| i + 3);
    let head = match base[host_start..].find('/') {
        Some(i) => &base[..host_start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{head}/{name}?{q}"),
        None => format!("{head}/{name}"),
    }
}

#[tokio::test]
async fn the_demo_loads_whole_on_postgres() {
    let Ok(base) = std::env::var("DUIKOU_TEST_POSTGRES_URL") else {
        eprintln!("note: DUIKOU_TEST_POSTGRES_URL not set — the demo is checked on SQLite only");
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("duikou_demo_{}_{nanos}", std::process::id());
    let admin = Db::connect(&base).await.unwrap();
    admin.execute(&format!("CREATE DATABASE {name}"), &[]).await.unwrap();
    let store = Store::open_with(
        &with_database(&base, &name),
        &duikou_store::KeyConfig::given(duikou_store::AuditKey::generate()),
    )
    .await
    .unwrap();
    check(&store, "postgres").await;
    store.db().close().await;
    admin
        .execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), &[])
        .await
        .unwrap();
    admin.close().await;
}
