//! Numbers within their limits: records at (and beyond) the domain's ceilings, written by several organisations, never
//! make anyone else's write or read fail, keep every aggregate an exact integer, and come out exactly on delete —
//! on SQLite and PostgreSQL. A total that would overflow despite the ceilings is the writer's 409, with nothing
//! written.

use chrono::NaiveDate;
use duikou_domain::access::{Actor, Role};
use duikou_domain::validate::MAX_COUNT;
use duikou_domain::{Money, Qty};
use duikou_store::aggregates::{recompute_from_base, stored, Scope};
use duikou_store::import::{CellValue, ImportTable};
use duikou_store::list::ListQuery;
use duikou_store::testing::{create_id, user, TestStore};
use duikou_store::{Store, StoreError};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

/// Three supporting orgs, each with its pairing (one program), its project and its editor.
struct World {
    program: i64,
    pairings: Vec<i64>,
    projects: Vec<i64>,
    editors: Vec<Actor>,
}

async fn world(store: &Store) -> World {
    let authority = create_id(store, "orgs", json!({"name": "援疆前方指挥部", "kind": "command"})).await;
    let program = create_id(store, "programs", json!({"name": "对口援疆", "authority_org_id": authority, "start_date": "2014-01-01", "end_date": "2016-12-31"})).await;
    create_id(
        store,
        "obligations",
        json!({"program_id": program, "title": "每年援助资金", "rule": {"subject": {"type": "pairing"},
               "window": {"type": "year"}, "measure": {"type": "sum", "field": "amount", "records": {"entity": "activities"}},
               "comparison": "at_least", "target": {"type": "fixed", "value": 1000}}}),
    )
    .await;
    let (mut pairings, mut projects, mut editors) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (supporter, receiver, region)) in [
        ("甲省", "高昌区", "650402"),
        ("乙市", "托克逊县", "650422"),
        ("丙市", "城关区", "540102"),
    ]
    .into_iter()
    .enumerate()
    {
        let s = create_id(store, "orgs", json!({"name": supporter, "kind": "government"})).await;
        let r = create_id(
            store,
            "orgs",
            json!({"name": receiver, "kind": "government", "region_code": region}),
        )
        .await;
        let p = create_id(
            store,
            "pairings",
            json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "province_prefecture"}),
        )
        .await;
        pairings.push(p);
        projects.push(
            create_id(
                store,
                "projects",
                json!({"pairing_id": p, "name": format!("基础项目{i}"), "category": "education"}),
            )
            .await,
        );
        editors.push(user(store, &format!("editor{i}"), Role::SupporterEditor, vec![s]).await);
    }
    World {
        program,
        pairings,
        projects,
        editors,
    }
}

/// One write: by whom, of what kind, with numbers near (or beyond) the ceilings.
#[derive(Debug, Clone)]
struct Op {
    org: usize,
    kind: u8,
    fen: i64,
    counts: [i64; 5],
    qty: i64,
    month: u32,
}

/// Near a ceiling: at it, just below, anywhere up to it, or (now and then) beyond it up to i64.
fn near(max: i64) -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => Just(max),
        3 => (max - 1000)..=max,
        2 => 0..=max,
        1 => (max + 1)..=i64::MAX,
    ]
}

fn op() -> impl Strategy<Value = Op> {
    (
        0usize..3,
        0u8..4,
        near(Money::MAX.fen()),
        proptest::array::uniform5(near(MAX_COUNT)),
        near(Qty::MAX.raw()),
        1u32..=2,
    )
        .prop_map(|(org, kind, fen, counts, qty, month)| Op {
            org,
            kind,
            fen,
            counts,
            qty,
            month,
        })
}

/// Distinct names for records whose name is (part of) their natural key.
static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The record an op writes, and whether it lies within every ceiling.
fn record(w: &World, op: &Op) -> (&'static str, Value, bool) {
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let amount = Money::from_fen(op.fen).to_string();
    let qty = Qty::from_raw(op.qty).to_string();
    let [pt, sessions, courses, hours, items] = op.counts;
    let date = format!("2015-{:02}-10", op.month);
    match op.kind {
        0 => (
            "activities",
            json!({"pairing_id": w.pairings[op.org], "kind": "training", "title": "培训", "start_date": date,
                   "amount": amount, "person_times": pt, "sessions": sessions, "courses": courses, "hours": hours,
                   "items": items}),
            op.fen <= Money::MAX.fen() && op.counts.iter().all(|c| *c <= MAX_COUNT),
        ),
        1 => (
            "transactions",
            json!({"project_id": w.projects[op.org], "kind": "disbursement", "source": "supporter", "amount": amount,
                   "date": date}),
            op.fen <= Money::MAX.fen(),
        ),
        2 => (
            "projects",
            json!({"pairing_id": w.pairings[op.org], "name": format!("项目{seq}"), "category": "health",
                   "total_investment": amount, "leveraged_investment": amount}),
            op.fen <= Money::MAX.fen(),
        ),
        _ => (
            "outputs",
            json!({"project_id": w.projects[op.org], "name": format!("校舍{seq}"), "unit": "平方米", "planned": qty, "started": qty,
                   "completed": qty, "as_of": "2015-03-01"}),
            op.qty <= Qty::MAX.raw(),
        ),
    }
}

/// Every read a user of any org makes: dashboards of every scope, pairing pages, the program page's list and status.
async fn read_everything(store: &Store, w: &World, backend: &str, after: &str) {
    let today = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap();
    let mut scopes = vec![Scope::All, Scope::Program(w.program), Scope::Region("650000".into())];
    scopes.extend(w.pairings.iter().map(|p| Scope::Pairing(*p)));
    for scope in &scopes {
        let d = store
            .dashboard(scope)
            .await
            .unwrap_or_else(|e| panic!("{backend}: dashboard {scope} after {after}: {e:?}"));
        assert!(d.money_total_fen >= 0, "{backend}: {scope}: {d:?}");
        store
            .dashboard_json(scope)
            .await
            .unwrap_or_else(|e| panic!("{backend}: dashboard json {scope} after {after}: {e:?}"));
    }
    for p in &w.pairings {
        store
            .pairing_detail(*p)
            .await
            .unwrap_or_else(|e| panic!("{backend}: pairing {p} after {after}: {e:?}"));
        store
            .assess_pairing(*p, None, today)
            .await
            .unwrap_or_else(|e| panic!("{backend}: assessing pairing {p} after {after}: {e:?}"));
    }
    for entity in ["activities", "transactions", "projects", "outputs"] {
        store
            .list(entity, &ListQuery::default())
            .await
            .unwrap_or_else(|e| panic!("{backend}: list {entity} after {after}: {e:?}"));
    }
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

#[tokio::test]
async fn records_near_the_limits_never_fail_anyone_elses_write_or_read() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        let w = world(store).await;
        let mut runner = TestRunner::new(Config {
            rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
            ..Config::default()
        });
        let ops = proptest::collection::vec(op(), 2..6);
        for case in 0..6 {
            let before = stored(store).await.unwrap();
            let ops = ops.new_tree(&mut runner).unwrap().current();
            let mut made = Vec::new();
            for op in &ops {
                let (entity, v, within) = record(&w, op);
                let result = store.create(&w.editors[op.org], entity, &v).await;
                match (result, within) {
                    (Ok(r), true) => made.push((op.org, entity, r["id"].as_i64().unwrap())),
                    (Err(StoreError::Invalid(e)), false) => {
                        assert_eq!(e.first().map(|f| f.code), Some("too_large"), "{backend}: {op:?}: {e}")
                    }
                    // every ceiling-sized total fits i64 many thousand times over: no overflow in six cases
                    (r, _) => panic!("{backend}: case {case}: {op:?} ({within}): {r:?}"),
                }
                // every other org's ordinary write of the same kinds and month still goes through
                for other in (0..3).filter(|o| *o != op.org) {
                    let small = Op {
                        org: other,
                        fen: 150_050,
                        counts: [30, 1, 1, 4, 2],
                        qty: 12_345,
                        ..op.clone()
                    };
                    let (entity, v, _) = record(&w, &small);
                    let id = store
                        .create(&w.editors[other], entity, &v)
                        .await
                        .unwrap_or_else(|e| panic!("{backend}: org {other}'s write after {op:?}: {e:?}"));
                    made.push((other, entity, id["id"].as_i64().unwrap()));
                }
                read_everything(store, &w, backend, &format!("{op:?}")).await;
            }
            assert_consistent(store, backend, &format!("after case {case}")).await;
            // deleting what the case wrote (by whoever wrote it) restores every total exactly
            for (org, entity, id) in made.into_iter().rev() {
                store
                    .delete(&w.editors[org], entity, id)
                    .await
                    .unwrap_or_else(|e| panic!("{backend}: delete {entity} {id}: {e:?}"));
            }
            let after = stored(store).await.unwrap();
            assert!(
                before == after,
                "{backend}: case {case} not undone:\n{}",
                before.diff(&after)
            );
            read_everything(store, &w, backend, "the deletes").await;
        }
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn the_probes_are_refused_and_nothing_is_written() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        let w = world(store).await;
        let before = stored(store).await.unwrap();
        for (field, value) in [
            ("amount", json!("92233720368547758.07")),
            ("person_times", json!(i64::MAX)),
            ("sessions", json!(MAX_COUNT + 1)),
            ("amount", json!("1000000000000.01")),
        ] {
            let mut v =
                json!({"pairing_id": w.pairings[0], "kind": "training", "title": "培训", "start_date": "2015-01-10"});
            v[field] = value.clone();
            let e = store.create(&w.editors[0], "activities", &v).await.unwrap_err();
            let StoreError::Invalid(e) = e else {
                panic!("{backend}: {field}={value}: {e:?}")
            };
            assert_eq!(
                (e.0[0].field.as_str(), e.0[0].code),
                (field, "too_large"),
                "{backend}: {e}"
            );
        }
        assert_eq!(stored(store).await.unwrap(), before, "{backend}: nothing written");
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn a_total_that_would_overflow_is_the_writers_409_and_nothing_is_written() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        let w = world(store).await;
        let first = json!({"pairing_id": w.pairings[0], "kind": "training", "title": "培训", "start_date": "2015-01-10",
                           "amount": "1万亿", "person_times": 10});
        store.create(&w.editors[0], "activities", &first).await.unwrap();
        // as if tens of thousands of ceiling-sized records had been written before: the national row one record
        // short of i64 (the ceilings make this unreachable in practice; the write must still be refused cleanly)
        let near_end = i64::MAX - Money::MAX.fen() / 2;
        store
            .db()
            .execute(
                &format!("UPDATE agg_activities SET amount = {near_end} WHERE scope_kind = 'all'"),
                &[],
            )
            .await
            .unwrap();
        let before = stored(store).await.unwrap();
        let n_before = store.list("activities", &ListQuery::default()).await.unwrap().total;
        let second = json!({"pairing_id": w.pairings[1], "kind": "training", "title": "培训", "start_date": "2015-01-20",
                            "amount": "1万亿"});
        let e = store.create(&w.editors[1], "activities", &second).await.unwrap_err();
        assert!(
            matches!(&e, StoreError::Conflict { code: "overflow", .. }),
            "{backend}: {e:?}"
        );
        assert!(e.to_string().contains("超出可记录的范围"), "{backend}: {e}");
        assert_eq!(
            stored(store).await.unwrap(),
            before,
            "{backend}: no aggregate partly written"
        );
        assert_eq!(
            store.list("activities", &ListQuery::default()).await.unwrap().total,
            n_before,
            "{backend}: no record written"
        );
        // every column stays an integer, and reads still answer
        read_everything(store, &w, backend, "the refused write").await;
        // a write that does not reach the end still goes through
        let small = json!({"pairing_id": w.pairings[1], "kind": "training", "title": "培训", "start_date": "2015-01-20",
                           "amount": "100"});
        store.create(&w.editors[1], "activities", &small).await.unwrap();
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn a_nul_in_a_list_filter_is_the_callers_error_on_both_backends() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        let mut q = ListQuery::default();
        q.filters.insert("name".into(), "a\0b".into());
        match store.list("orgs", &q).await {
            Ok(page) => assert_eq!(page.items.len(), 0, "{backend}"),
            Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].code, "control_char", "{backend}: {e}"),
            Err(e) => panic!("{backend}: a NUL is not the database's failure: {e:?}"),
        }
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn an_import_row_beyond_a_ceiling_is_named_and_nothing_is_written() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        let w = world(store).await;
        let before = stored(store).await.unwrap();
        let row = |n: u32, person_times: CellValue, amount: CellValue| {
            (
                n,
                vec![
                    CellValue::Text("甲省→高昌区".into()),
                    CellValue::Text("培训".into()),
                    CellValue::Text(format!("导入活动{n}")),
                    CellValue::Text("2015-03-01".into()),
                    person_times,
                    amount,
                ],
            )
        };
        let table = ImportTable {
            headers: ["结对", "活动类型", "标题", "开始日期", "人次", "金额"]
                .map(String::from)
                .to_vec(),
            rows: vec![
                row(2, CellValue::Number(30.0), CellValue::Text("1万亿".into())),
                row(
                    3,
                    CellValue::Number(30.0),
                    CellValue::Text("92233720368547758.07".into()),
                ),
                row(
                    4,
                    CellValue::Text("9223372036854775807".into()),
                    CellValue::Text("100".into()),
                ),
                row(5, CellValue::Number(9.3e18), CellValue::Number(9.3e16)),
            ],
            merged: vec![],
        };
        let report = store.import(&w.editors[0], "activities", &table, false).await.unwrap();
        let told: Vec<(u32, &str)> = report.problems.iter().map(|p| (p.row, p.column.as_str())).collect();
        assert_eq!(
            told,
            [(3, "金额"), (4, "人次"), (5, "人次"), (5, "金额")],
            "{backend}: {:?}",
            report.problems
        );
        for p in &report.problems {
            assert!(
                p.message.contains("超出上限"),
                "{backend}: row {}: {}",
                p.row,
                p.message
            );
        }
        assert_eq!(report.created, 0, "{backend}");
        assert_eq!(
            stored(store).await.unwrap(),
            before,
            "{backend}: nothing written, not even row 2"
        );
        t.finish().await.unwrap();
    }
}

proptest! {
    /// The store's parsers of user text — dashboard scopes, dates as spreadsheets write them — answer every text.
    #[test]
    fn no_scope_or_sheet_date_text_makes_a_parser_panic(s in "\\PC{0,24}", t in "[0-9:年月日./\\-中a-z]{0,14}") {
        for x in [&s, &t] {
            let _ = Scope::parse(x);
            let _ = duikou_store::import::parse_loose_date(x);
        }
    }
}

#[tokio::test]
async fn any_filter_sort_or_search_text_is_answered_or_refused_never_a_database_failure() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        // a few records to list, sort and search
        world(store).await;
        let mut runner = TestRunner::new(Config {
            rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
            ..Config::default()
        });
        let text = "\\PC{0,12}|[0-9中\\-.]{0,10}|\u{0}";
        let fields = proptest::sample::select(vec![
            "name",
            "amount",
            "person_times",
            "start_date",
            "start_date_from",
            "kind",
            "pairing_id",
            "confirmation",
            "hours",
            "bogus",
        ]);
        let query = (fields, text, text, proptest::option::of(text), 0i64..3);
        for _ in 0..48 {
            let (field, value, sort, q, page) = query.new_tree(&mut runner).unwrap().current();
            let mut lq = ListQuery {
                sort: Some(sort.clone()),
                q,
                page: (page > 0).then_some(page),
                ..Default::default()
            };
            lq.filters.insert(field.to_string(), value.clone());
            for entity in ["activities", "orgs"] {
                match store.list(entity, &lq).await {
                    Ok(_) | Err(StoreError::Invalid(_)) => {}
                    Err(e) => panic!("{backend}: {entity} {field}={value:?} sort={sort:?}: {e:?}"),
                }
            }
        }
        t.finish().await.unwrap();
    }
}
