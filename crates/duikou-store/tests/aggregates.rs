//! Write-time aggregates stay equal to a recomputation from the base records, on SQLite and PostgreSQL,
//! through a seeded random sequence of creates, updates, moves, deletes, imports, confirmations and disputes.

use duikou_domain::access::Actor;
use duikou_store::aggregates::{self, recompute_from_base, stored, Scope};
use duikou_store::audit::WriteTx;
use duikou_store::import::{CellValue, ImportTable};
use duikou_store::testing::{create_id, TestStore};
use duikou_store::Store;
use serde_json::{json, Value};

/// A small deterministic generator (xorshift64*), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const CATEGORIES: &[&str] = &["housing", "education", "health", "industry", "infrastructure"];
const SOURCES: &[&str] = &["supporter", "central", "local", "social"];
const TX_KINDS: &[&str] = &["commitment", "disbursement", "expenditure"];
const ROLES: &[&str] = &["cadre", "teacher", "doctor", "expert"];
const ACT_KINDS: &[&str] = &["visit", "training", "teaching", "donation", "exchange"];
const ACT_LABELS: &[&str] = &["互访", "培训", "授课", "捐赠", "交流"];
const REGIONS: &[&str] = &["650402", "654201", "654202", "540102", "650400"];

struct World {
    programs: Vec<i64>,
    pairings: Vec<i64>,
    /// (pairing, supporter name → receiver name) as the import resolves it.
    pairing_names: Vec<(i64, String)>,
    receivers: Vec<i64>,
    /// The receivers a pairing may move between (only that pairing uses them).
    spare_receivers: (i64, i64),
    moving_pairing: i64,
    people: Vec<i64>,
}

async fn world(store: &Store) -> World {
    let authority = create_id(store, "orgs", json!({"name": "援疆前方指挥部", "kind": "command"})).await;
    let s1 = create_id(store, "orgs", json!({"name": "甲省", "kind": "government"})).await;
    let s2 = create_id(store, "orgs", json!({"name": "乙市", "kind": "government"})).await;
    let mut receivers = Vec::new();
    for (name, region) in [
        ("高昌区", Some("650402")),
        ("塔城市", Some("654201")),
        ("城关区", Some("540102")),
        ("某单位", None),
        ("另一单位", Some("654202")),
    ] {
        receivers.push(
            create_id(
                store,
                "orgs",
                json!({"name": name, "kind": "government", "region_code": region}),
            )
            .await,
        );
    }
    let mut programs = Vec::new();
    for name in ["对口援疆", "对口援藏"] {
        programs.push(create_id(store, "programs", json!({"name": name, "authority_org_id": authority})).await);
    }
    let plan = [
        (0, s1, 0, "甲省→高昌区"),
        (0, s2, 1, "乙市→塔城市"),
        (1, s1, 2, "甲省→城关区"),
        (1, s2, 3, "乙市→某单位"),
    ];
    let mut pairings = Vec::new();
    let mut pairing_names = Vec::new();
    for (g, s, r, name) in plan {
        let id = create_id(
            store,
            "pairings",
            json!({"program_id": programs[g], "supporter_org_id": s, "receiver_org_id": receivers[r], "level": "province_prefecture"}),
        )
        .await;
        pairings.push(id);
        pairing_names.push((id, name.to_string()));
    }
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(create_id(store, "people", json!({"name": format!("援派人员{i}")})).await);
    }
    World {
        programs,
        moving_pairing: pairings[3],
        spare_receivers: (receivers[3], receivers[4]),
        pairings,
        pairing_names,
        receivers,
        people,
    }
}

async fn ids(store: &Store, entity: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for r in store.list_every(entity, &Default::default()).await.unwrap() {
        out.push(r["id"].as_i64().unwrap());
    }
    out
}

/// A day mostly; sometimes only a month or a year, as the seeds give them (a year's facts go in no month).
fn date(rng: &mut Rng) -> String {
    let (y, m, d) = (2013 + rng.below(4), 1 + rng.below(12), 1 + rng.below(28));
    match rng.below(10) {
        0 => format!("{y}"),
        1 | 2 => format!("{y}-{m:02}"),
        _ => format!("{y}-{m:02}-{d:02}"),
    }
}

fn money(rng: &mut Rng) -> String {
    format!("{}.{:02}", rng.below(5_000_000), rng.below(100))
}

/// Money, now and then in a written form with a qualifier or a range (约…, …万元以上, 20-50万, 近…).
fn approx_money(rng: &mut Rng) -> Value {
    let wan = 1 + rng.below(99);
    match rng.below(8) {
        0 => json!(format!("约{}", money(rng))),
        1 => json!(format!("{wan}万元以上")),
        2 => json!(format!("{wan}-{}万", wan + 1 + rng.below(50))),
        3 => json!(format!("近{}", money(rng))),
        4 => json!(format!("{wan}万元左右")),
        _ => json!(money(rng)),
    }
}

/// A count, now and then written approximately (1500余, 20-50, 近30, 200左右).
fn approx_count(rng: &mut Rng, max: usize) -> Value {
    let n = rng.below(max);
    match rng.below(8) {
        0 => json!(format!("{n}余")),
        1 => json!(format!("{n}-{}", n + 1 + rng.below(max))),
        2 => json!(format!("近{}", n + 1)),
        3 => json!(format!("{n}左右")),
        _ => json!(n),
    }
}

fn project_dates(rng: &mut Rng) -> Value {
    let y = 2013 + rng.below(3);
    match rng.below(3) {
        0 => json!({"started_on": null, "completed_on": null}),
        1 => json!({"started_on": format!("{y}-03-01"), "completed_on": null}),
        _ => json!({"started_on": format!("{y}-03-01"), "completed_on": format!("{}-06-30", y + 1)}),
    }
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Some(b)) = (a.as_object_mut(), b.as_object()) {
        for (k, v) in b {
            a.insert(k.clone(), v.clone());
        }
    }
    a
}

async fn assert_consistent(store: &Store, backend: &str, when: &str) {
    let s = stored(store).await.unwrap();
    let r = recompute_from_base(store).await.unwrap();
    assert!(
        s == r,
        "{backend}: aggregates differ from base records {when}:\n{}",
        s.diff(&r)
    );
}

/// One random write; `Ok(true)` when it changed the record.
async fn random_write(store: &Store, w: &World, rng: &mut Rng, step: usize) -> bool {
    let sys = Actor::system();
    let op = rng.below(100);
    let result: Result<(), duikou_store::StoreError> = async {
        match op {
            0..=9 => {
                let v = merge(
                    json!({"pairing_id": *rng.pick(&w.pairings), "name": format!("项目{step}"),
                           "category": *rng.pick(CATEGORIES), "total_investment": approx_money(rng)}),
                    project_dates(rng),
                );
                store.create(&sys, "projects", &v).await.map(|_| ())
            }
            10..=27 => {
                let projects = ids(store, "projects").await;
                if projects.is_empty() {
                    return Ok(());
                }
                let v = json!({"project_id": *rng.pick(&projects), "kind": *rng.pick(TX_KINDS), "source": *rng.pick(SOURCES),
                               "amount": approx_money(rng), "date": date(rng)});
                store.create(&sys, "transactions", &v).await.map(|_| ())
            }
            28..=35 => {
                let v = json!({"pairing_id": *rng.pick(&w.pairings), "person_id": *rng.pick(&w.people),
                               "role": *rng.pick(ROLES), "batch": if rng.chance(30) { Value::Null } else { json!(1 + rng.below(3)) },
                               "start_date": date(rng)});
                store.create(&sys, "dispatches", &v).await.map(|_| ())
            }
            36..=45 => {
                let v = json!({"pairing_id": *rng.pick(&w.pairings), "kind": *rng.pick(ACT_KINDS), "title": format!("活动{step}"),
                               "start_date": date(rng), "person_times": approx_count(rng, 200), "sessions": approx_count(rng, 5),
                               "courses": if rng.chance(50) { Value::Null } else { approx_count(rng, 9) },
                               "hours": approx_count(rng, 40), "items": approx_count(rng, 3), "amount": approx_money(rng)});
                store.create(&sys, "activities", &v).await.map(|_| ())
            }
            46..=53 => {
                let all = ids(store, "transactions").await;
                if all.is_empty() {
                    return Ok(());
                }
                let id = *rng.pick(&all);
                let patch = match rng.below(5) {
                    0 => json!({"amount": approx_money(rng)}),
                    1 => json!({"date": date(rng)}),
                    2 => json!({"kind": *rng.pick(TX_KINDS), "source": *rng.pick(SOURCES)}),
                    _ => {
                        // a move to another project, perhaps of another pairing
                        let projects = ids(store, "projects").await;
                        json!({"project_id": *rng.pick(&projects)})
                    }
                };
                store.update(&sys, "transactions", id, &patch).await.map(|_| ())
            }
            54..=60 => {
                let all = ids(store, "projects").await;
                if all.is_empty() {
                    return Ok(());
                }
                let id = *rng.pick(&all);
                let patch = match rng.below(4) {
                    0 => json!({"category": *rng.pick(CATEGORIES)}),
                    1 => project_dates(rng),
                    2 => json!({"total_investment": if rng.chance(20) { Value::Null } else { approx_money(rng) }}),
                    _ => json!({"pairing_id": *rng.pick(&w.pairings)}),
                };
                store.update(&sys, "projects", id, &patch).await.map(|_| ())
            }
            61..=65 => {
                let all = ids(store, "dispatches").await;
                if all.is_empty() {
                    return Ok(());
                }
                let patch = match rng.below(3) {
                    0 => json!({"role": *rng.pick(ROLES)}),
                    1 => json!({"batch": if rng.chance(30) { Value::Null } else { json!(1 + rng.below(3)) }}),
                    _ => json!({"pairing_id": *rng.pick(&w.pairings)}),
                };
                store.update(&sys, "dispatches", *rng.pick(&all), &patch).await.map(|_| ())
            }
            66..=71 => {
                let all = ids(store, "activities").await;
                if all.is_empty() {
                    return Ok(());
                }
                let patch = match rng.below(5) {
                    0 => json!({"kind": *rng.pick(ACT_KINDS)}),
                    1 => json!({"start_date": date(rng), "end_date": null}),
                    2 => json!({"person_times": approx_count(rng, 300), "hours": if rng.chance(30) { Value::Null } else { approx_count(rng, 50) }}),
                    // a qualifier alone, on a figure that may be null (then refused)
                    3 => json!({*rng.pick(&["hours_approx", "amount_approx", "person_times_approx"]): *rng.pick(&["约", "余", "近", "以上"])}),
                    _ => json!({"pairing_id": *rng.pick(&w.pairings), "project_id": null, "dispatch_id": null, "need_id": null}),
                };
                store.update(&sys, "activities", *rng.pick(&all), &patch).await.map(|_| ())
            }
            72..=79 => {
                let entity = *rng.pick(&["transactions", "dispatches", "activities", "projects"]);
                let all = ids(store, entity).await;
                if all.is_empty() {
                    return Ok(());
                }
                let id = *rng.pick(&all);
                if rng.chance(70) {
                    store.set_confirmation(&sys, entity, id, true, None).await.map(|_| ())
                } else {
                    store.set_confirmation(&sys, entity, id, false, Some("金额与拨付凭证不符")).await.map(|_| ())
                }
            }
            80..=86 => {
                let entity = *rng.pick(&["transactions", "dispatches", "activities", "projects"]);
                let all = ids(store, entity).await;
                if all.is_empty() {
                    return Ok(());
                }
                store.delete(&sys, entity, *rng.pick(&all)).await
            }
            87..=89 => {
                // a pairing moves to the other program, or to another receiver
                let pairing = if rng.chance(50) { w.moving_pairing } else { *rng.pick(&w.pairings) };
                let patch = if pairing == w.moving_pairing && rng.chance(50) {
                    let current = store.get("pairings", pairing).await?["receiver_org_id"].as_i64();
                    let to = if current == Some(w.spare_receivers.0) {
                        w.spare_receivers.1
                    } else {
                        w.spare_receivers.0
                    };
                    json!({"receiver_org_id": to})
                } else {
                    json!({"program_id": *rng.pick(&w.programs)})
                };
                store.update(&sys, "pairings", pairing, &patch).await.map(|_| ())
            }
            90..=92 => {
                // a receiver's region changes
                let org = *rng.pick(&w.receivers);
                let region = if rng.chance(15) { Value::Null } else { json!(*rng.pick(REGIONS)) };
                store.update(&sys, "orgs", org, &json!({"region_code": region})).await.map(|_| ())
            }
            _ => {
                // a small sheet of activities through the import path
                let (_, name) = rng.pick(&w.pairing_names).clone();
                let current = store.get("pairings", w.moving_pairing).await?;
                if name.starts_with("乙市→某单位") && current["receiver_org_id"].as_i64() != Some(w.spare_receivers.0) {
                    return Ok(());
                }
                let rows: Vec<(u32, Vec<CellValue>)> = (0..1 + rng.below(4))
                    .map(|i| {
                        let k = rng.below(ACT_KINDS.len());
                        (
                            2 + i as u32,
                            vec![
                                CellValue::Text(name.clone()),
                                CellValue::Text(ACT_LABELS[k].into()),
                                CellValue::Text(format!("导入活动{step}-{i}")),
                                CellValue::Text(date(rng)),
                                CellValue::Number(rng.below(90) as f64),
                                CellValue::Text(format!("{}万", 1 + rng.below(9))),
                            ],
                        )
                    })
                    .collect();
                let table = ImportTable {
                    headers: vec![
                        "结对".into(),
                        "活动类型".into(),
                        "标题".into(),
                        "开始日期".into(),
                        "人次".into(),
                        "金额".into(),
                    ],
                    rows,
                    merged: vec![],
                };
                let report = store.import(&sys, "activities", &table, false).await?;
                assert!(report.problems.is_empty(), "import problems: {:?}", report.problems);
                assert!(report.created > 0, "import created nothing: {report:?}");
                Ok(())
            }
        }
    }
    .await;
    match result {
        Ok(()) => true,
        Err(e @ (duikou_store::StoreError::Database(_) | duikou_store::StoreError::Other(_))) => {
            panic!("step {step} (op {op}): {e:?}")
        }
        Err(e) => {
            eprintln!("refused (op {op}): {e}");
            false
        }
    }
}

#[tokio::test]
async fn write_time_aggregates_match_a_recomputation_after_random_writes() {
    for t in TestStore::all().await.unwrap() {
        let store = &t.store;
        let w = world(store).await;
        assert_consistent(store, t.backend, "after the fixture").await;
        let mut rng = Rng(0x0005_eedd_01c7);
        let mut ok = 0;
        for step in 1..=420 {
            if random_write(store, &w, &mut rng, step).await {
                ok += 1;
            }
            if step % 50 == 0 {
                assert_consistent(store, t.backend, &format!("after step {step}")).await;
            }
        }
        eprintln!("{}: {ok} of 420 writes succeeded", t.backend);
        assert!(ok >= 300, "{}: only {ok} writes succeeded", t.backend);
        assert_consistent(store, t.backend, "at the end").await;
        let snap = stored(store).await.unwrap();
        for kind in ["pairing", "program", "region", "all"] {
            assert!(
                snap.rows.iter().any(|r| r.scope_kind == kind),
                "{}: no {kind} rows",
                t.backend
            );
        }

        // the tally columns (after the plain values) were exercised: approximate members of each kind are kept
        for (table, plain) in [("agg_money", 2), ("agg_projects", 2), ("agg_activities", 7)] {
            let rows: Vec<_> = snap.rows.iter().filter(|r| r.table == table).collect();
            for part in 0..5 {
                assert!(
                    rows.iter()
                        .any(|r| r.vals[plain..].iter().skip(part).step_by(5).any(|v| *v != 0)),
                    "{}: {table} never kept tally part {part}",
                    t.backend
                );
            }
        }

        // rebuild_all yields the same rows as the incremental path
        let before = stored(store).await.unwrap();
        let mut tx = store.db().begin().await.unwrap();
        aggregates::rebuild_all(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        let after = stored(store).await.unwrap();
        assert!(
            before == after,
            "{}: rebuild differs:\n{}",
            t.backend,
            before.diff(&after)
        );

        // the dashboard reads these rows: national money equals the sum over transactions
        let d = store.dashboard(&Scope::All).await.unwrap();
        let mut total = 0i64;
        for tr in store.list_every("transactions", &Default::default()).await.unwrap() {
            total += tr["amount"]
                .as_str()
                .unwrap()
                .parse::<duikou_domain::Money>()
                .unwrap()
                .fen();
        }
        assert_eq!(d.money_total_fen, total, "{}", t.backend);
        assert_eq!(
            d.activities_total,
            store.list("activities", &Default::default()).await.unwrap().total,
            "{}",
            t.backend
        );
        assert_eq!(d.pairings, 4, "{}", t.backend);
        let program = store.dashboard(&Scope::Program(w.programs[0])).await.unwrap();
        let other = store.dashboard(&Scope::Program(w.programs[1])).await.unwrap();
        assert_eq!(program.pairings + other.pairings, 4, "{}", t.backend);
        assert_eq!(
            program.projects.n + other.projects.n,
            d.projects.n,
            "{}: every project counts in one program",
            t.backend
        );
        let xinjiang = store.dashboard(&Scope::Region("650000".into())).await.unwrap();
        assert!(xinjiang.projects.n <= d.projects.n, "{}", t.backend);
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn a_failed_write_leaves_the_aggregates_as_they_were() {
    for t in TestStore::all().await.unwrap() {
        let store = &t.store;
        let w = world(store).await;
        let sys = Actor::system();
        let p = create_id(
            store,
            "projects",
            json!({"pairing_id": w.pairings[0], "name": "安居工程", "category": "housing", "total_investment": "100万"}),
        )
        .await;
        create_id(
            store,
            "transactions",
            json!({"project_id": p, "kind": "disbursement", "source": "supporter", "amount": "30万", "date": "2014-05-01"}),
        )
        .await;
        let before = stored(store).await.unwrap();
        assert!(!before.rows.is_empty(), "{}", t.backend);

        // a write transaction that fails half-way (a good record, then a bad one) is rolled back with its aggregates
        let mut wtx = WriteTx::begin(store, &sys).await.unwrap();
        Store::create_in(
            &mut wtx,
            "transactions",
            &json!({"project_id": p, "kind": "disbursement", "source": "central", "amount": "50万", "date": "2015-05-01"}),
        )
        .await
        .unwrap();
        Store::update_in(&mut wtx, "projects", p, &json!({"category": "education"}))
            .await
            .unwrap();
        let bad = Store::create_in(
            &mut wtx,
            "transactions",
            &json!({"project_id": 999_999, "kind": "disbursement", "source": "central", "amount": "5", "date": "2015-05-01"}),
        )
        .await;
        assert!(bad.is_err(), "{}", t.backend);
        wtx.tx.rollback().await.unwrap();
        assert!(before == stored(store).await.unwrap(), "{}", t.backend);

        // an import whose second row fails is written not at all
        let table = ImportTable {
            headers: vec![
                "结对".into(),
                "活动类型".into(),
                "标题".into(),
                "开始日期".into(),
                "人次".into(),
            ],
            rows: vec![
                (
                    2,
                    vec![
                        CellValue::Text("甲省→高昌区".into()),
                        CellValue::Text("培训".into()),
                        CellValue::Text("全员培训".into()),
                        CellValue::Text("2014-06-01".into()),
                        CellValue::Number(30.0),
                    ],
                ),
                (
                    3,
                    vec![
                        CellValue::Text("甲省→高昌区".into()),
                        CellValue::Text("培训".into()),
                        CellValue::Text("骨干培训".into()),
                        CellValue::Text("2014-13-45".into()),
                        CellValue::Number(-3.0),
                    ],
                ),
            ],
            merged: vec![],
        };
        let report = store.import(&sys, "activities", &table, false).await.unwrap();
        assert!(!report.problems.is_empty(), "{}", t.backend);
        assert!(before == stored(store).await.unwrap(), "{}", t.backend);
        assert_consistent(store, t.backend, "after the failed writes").await;

        // and a good write afterwards still lands
        store
            .update(&sys, "projects", p, &json!({"started_on": "2014-04-01"}))
            .await
            .unwrap();
        assert_consistent(store, t.backend, "after a good write").await;
        let d = store.dashboard(&Scope::Pairing(w.pairings[0])).await.unwrap();
        assert_eq!(
            (d.projects.started, d.money_total_fen),
            (1, 30_000_000),
            "{}",
            t.backend
        );
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn opening_a_database_without_aggregates_builds_them() {
    for t in TestStore::all().await.unwrap() {
        let store = &t.store;
        let w = world(store).await;
        let p = create_id(
            store,
            "projects",
            json!({"pairing_id": w.pairings[1], "name": "学校", "category": "education", "started_on": "2014-03-01"}),
        )
        .await;
        create_id(
            store,
            "transactions",
            json!({"project_id": p, "kind": "commitment", "source": "supporter", "amount": "12.5万", "date": "2014-05-01"}),
        )
        .await;
        let built = stored(store).await.unwrap();
        // a database migrated from before the aggregates: base records, empty aggregate tables
        for table in [
            "agg_money",
            "agg_projects",
            "agg_people",
            "agg_activities",
            "agg_pairing_scope",
        ] {
            store.db().execute(&format!("DELETE FROM {table}"), &[]).await.unwrap();
        }
        assert!(stored(store).await.unwrap().rows.is_empty(), "{}", t.backend);
        let reopened = t.open_again().await.unwrap();
        let rebuilt = stored(&reopened).await.unwrap();
        assert!(built == rebuilt, "{}:\n{}", t.backend, built.diff(&rebuilt));
        reopened.db().close().await;
        t.finish().await.unwrap();
    }
}

/// The dashboard served as kept JSON is made again after every write: it always equals the one made afresh.
#[tokio::test]
async fn the_kept_dashboard_follows_every_write() {
    for t in TestStore::all().await.unwrap() {
        let store = &t.store;
        let w = world(store).await;
        let fresh = |scope: Scope| async move { serde_json::to_value(store.dashboard(&scope).await.unwrap()).unwrap() };
        let kept = |scope: Scope| async move {
            serde_json::from_str::<Value>(&store.dashboard_json(&scope).await.unwrap()).unwrap()
        };
        let all = kept(Scope::All).await;
        assert_eq!(all, fresh(Scope::All).await, "{}", t.backend);
        // served again as kept: the very same text
        assert!(std::sync::Arc::ptr_eq(
            &store.dashboard_json(&Scope::All).await.unwrap(),
            &store.dashboard_json(&Scope::All).await.unwrap()
        ));
        let p = create_id(
            store,
            "projects",
            json!({"pairing_id": w.pairings[0], "name": "医院", "category": "health", "started_on": "2014-03-01"}),
        )
        .await;
        create_id(
            store,
            "transactions",
            json!({"project_id": p, "kind": "disbursement", "source": "supporter", "amount": "7万", "date": "2014-05-01"}),
        )
        .await;
        let after = kept(Scope::All).await;
        assert_ne!(after, all, "{}: a write shows at once", t.backend);
        assert_eq!(after, fresh(Scope::All).await, "{}", t.backend);
        assert_eq!(
            kept(Scope::Pairing(w.pairings[0])).await,
            fresh(Scope::Pairing(w.pairings[0])).await,
            "{}",
            t.backend
        );
        t.finish().await.unwrap();
    }
}

/// The written totals of the kept dashboards (pairing, program, all) after a write.
async fn written(store: &Store, scope: Scope) -> [String; 6] {
    let d = store.dashboard(&scope).await.unwrap();
    let a = &d.activities_in_all;
    [
        a.hours_figure.written.clone(),
        a.person_times_figure.written.clone(),
        a.amount_figure.written.clone(),
        d.money_total_figure.written.clone(),
        d.projects.investment_figure.written.clone(),
        a.sessions_figure.written.clone(),
    ]
}

/// Approximate records make the kept totals approximate by the summing rule, updates follow, and deleting the
/// only approximate member makes a total exact again — the same in every scope the pairing counts in.
#[tokio::test]
async fn kept_totals_are_written_by_the_summing_rule() {
    for t in TestStore::all().await.unwrap() {
        let store = &t.store;
        let b = t.backend;
        let w = world(store).await;
        let sys = Actor::system();
        let pairing = w.pairings[0];
        let scopes = || [Scope::Pairing(pairing), Scope::Program(w.programs[0]), Scope::All];
        let check = |expect: [&'static str; 6], when: &'static str| {
            let scopes = scopes();
            async move {
                for scope in scopes {
                    let got = written(store, scope.clone()).await;
                    assert_eq!(got, expect.map(String::from), "{b}: {scope} {when}");
                }
                assert_consistent(store, b, when).await;
            }
        };
        check(["0课时", "0人次", "0元", "0元", "0元", "0场"], "at first").await;

        let a1 = create_id(
            store,
            "activities",
            json!({"pairing_id": pairing, "kind": "teaching", "title": "支教授课", "start_date": "2014-09-01",
                   "hours": "1500余课时", "person_times": 200, "amount": "约1000万元", "sessions": 4}),
        )
        .await;
        let a2 = create_id(
            store,
            "activities",
            json!({"pairing_id": pairing, "kind": "training", "title": "骨干培训", "start_date": "2014-10-01",
                   "hours": 20, "person_times": "20-50人次", "amount": "500万元", "sessions": 2}),
        )
        .await;
        let p = create_id(
            store,
            "projects",
            json!({"pairing_id": pairing, "name": "教学楼", "category": "education", "total_investment": "20-50万元"}),
        )
        .await;
        let t1 = create_id(
            store,
            "transactions",
            json!({"project_id": p, "kind": "disbursement", "source": "supporter", "amount": "约30万", "date": "2014-05-01"}),
        )
        .await;
        create_id(
            store,
            "transactions",
            json!({"project_id": p, "kind": "commitment", "source": "supporter", "amount": "10万", "date": "2014-03-01"}),
        )
        .await;
        check(
            [
                "1520余课时",
                "220—250人次",
                "约1500万元",
                "约40万元",
                "20—50万元",
                "6场",
            ],
            "after creating",
        )
        .await;
        let d = store.dashboard(&Scope::Pairing(pairing)).await.unwrap();
        let pt = &d.activities_in_all.person_times_figure;
        assert_eq!((pt.approx, pt.upper), (None, Some(250)), "{b}");
        let money = &d.money_total_figure;
        assert_eq!((money.approx.map(|q| q.word()), money.upper), (Some("约"), None), "{b}");
        let by_year: Vec<(i64, &str, &str)> = d
            .money_by_year_source
            .iter()
            .map(|m| (m.year, m.source.as_str(), m.amount_figure.written.as_str()))
            .collect();
        assert_eq!(by_year, vec![(2014, "supporter", "约40万元")], "{b}");
        let teaching = d.activities_by_kind.iter().find(|a| a.kind == "teaching").unwrap();
        assert_eq!(teaching.hours_figure.written, "1500余课时", "{b}");
        let training = d.activities_by_kind.iter().find(|a| a.kind == "training").unwrap();
        assert_eq!(
            training.hours_figure.written, "20课时",
            "{b}: an exact kind stays exact"
        );
        // the served JSON carries the written form
        let json: Value = serde_json::from_str(&store.dashboard_json(&Scope::All).await.unwrap()).unwrap();
        assert_eq!(
            json["activities_in_all"]["hours_figure"]["written"], "1520余课时",
            "{b}"
        );
        assert_eq!(json["activities_in_all"]["hours_figure"]["approx"], "余", "{b}");
        assert_eq!(json["money_total_figure"]["approx"], "约", "{b}");

        // updates: at most and at least together are 约; a qualifier alone changes the total
        store
            .update(&sys, "activities", a1, &json!({"hours": "近1500"}))
            .await
            .unwrap();
        check(
            [
                "近1520课时",
                "220—250人次",
                "约1500万元",
                "约40万元",
                "20—50万元",
                "6场",
            ],
            "after 近",
        )
        .await;
        store
            .update(&sys, "activities", a2, &json!({"hours": "30余"}))
            .await
            .unwrap();
        store
            .update(&sys, "activities", a2, &json!({"sessions_approx": "以上"}))
            .await
            .unwrap();
        check(
            [
                "约1530课时",
                "220—250人次",
                "约1500万元",
                "约40万元",
                "20—50万元",
                "6余场",
            ],
            "after 余 beside 近",
        )
        .await;
        store
            .update(&sys, "projects", p, &json!({"total_investment": "45万"}))
            .await
            .unwrap();
        check(
            ["约1530课时", "220—250人次", "约1500万元", "约40万元", "45万元", "6余场"],
            "after an exact investment",
        )
        .await;

        // deleting the only approximate member makes the total exact again
        store.delete(&sys, "activities", a1).await.unwrap();
        check(
            ["30余课时", "20—50人次", "500万元", "约40万元", "45万元", "2余场"],
            "after deleting the first activity",
        )
        .await;
        store.delete(&sys, "transactions", t1).await.unwrap();
        check(
            ["30余课时", "20—50人次", "500万元", "10万元", "45万元", "2余场"],
            "after deleting the approximate transaction",
        )
        .await;
        store
            .update(
                &sys,
                "activities",
                a2,
                &json!({"hours": 30, "person_times": 35, "sessions": 2}),
            )
            .await
            .unwrap();
        check(
            ["30课时", "35人次", "500万元", "10万元", "45万元", "2场"],
            "after making the last one exact",
        )
        .await;
        let d = store.dashboard(&Scope::All).await.unwrap();
        assert!(
            [&d.money_total_figure, &d.activities_in_all.person_times_figure]
                .iter()
                .all(|f| f.approx.is_none() && f.upper.is_none()),
            "{b}"
        );

        // a pairing that moves takes its approximate rows out of its old program
        store
            .update(&sys, "activities", a2, &json!({"hours": "30余"}))
            .await
            .unwrap();
        store
            .update(&sys, "pairings", pairing, &json!({"program_id": w.programs[1]}))
            .await
            .unwrap();
        assert_eq!(
            written(store, Scope::Program(w.programs[1])).await[0],
            "30余课时",
            "{b}"
        );
        assert_eq!(written(store, Scope::Program(w.programs[0])).await[0], "0课时", "{b}");
        assert_consistent(store, b, "after the move").await;
        t.finish().await.unwrap();
    }
}

/// A database whose aggregates were kept before the tally columns (migration 0017 clears the pairings' scopes) is
/// rebuilt on opening, approximate records included.
#[tokio::test]
async fn opening_rebuilds_the_tallies_of_approximate_records() {
    for t in TestStore::all().await.unwrap() {
        let store = &t.store;
        let w = world(store).await;
        create_id(
            store,
            "activities",
            json!({"pairing_id": w.pairings[1], "kind": "teaching", "title": "授课", "start_date": "2015-03-01",
                   "hours": "1500余"}),
        )
        .await;
        let built = stored(store).await.unwrap();
        // as the migration leaves it: tally columns at their default, no pairing scopes
        store
            .db()
            .execute("UPDATE agg_activities SET hours_ge = 0", &[])
            .await
            .unwrap();
        store.db().execute("DELETE FROM agg_pairing_scope", &[]).await.unwrap();
        let reopened = t.open_again().await.unwrap();
        let rebuilt = stored(&reopened).await.unwrap();
        assert!(built == rebuilt, "{}:\n{}", t.backend, built.diff(&rebuilt));
        assert_eq!(written(&reopened, Scope::All).await[0], "1500余课时", "{}", t.backend);
        reopened.db().close().await;
        t.finish().await.unwrap();
    }
}
