//! The generator on both backends at a tiny scale: sizes, reproducibility, refusal, atomicity, audit chain, reads.

use duikou_store::db::Kind;
use duikou_store::testing::TestStore;
use duikou_store::Store;
use duikou_synth::{generate, Counts, Options, SynthError, Targets};
use sha2::{Digest, Sha256};

const SCALE: f64 = 0.002;

fn opts(seed: u64, force: bool) -> Options {
    Options {
        scale: SCALE,
        seed,
        force,
    }
}

async fn run(store: &Store, o: &Options) -> Result<Counts, SynthError> {
    generate(store, o, &mut |_| {}).await
}

async fn count(store: &Store, table: &str) -> i64 {
    store
        .db()
        .fetch_opt(&format!("SELECT COUNT(*) FROM {table}"), &[], &[Kind::Int])
        .await
        .unwrap()
        .and_then(|r| r[0].int())
        .unwrap_or(0)
}

/// A digest of the rows of some tables, every column read as text in id order (timestamps included).
async fn checksum(store: &Store) -> String {
    let mut h = Sha256::new();
    for (table, cols) in [
        ("orgs", "id, name, kind, region_code, parent_id"),
        (
            "pairings",
            "id, program_id, supporter_org_id, receiver_org_id, level, start_date, end_date, parent_id",
        ),
        (
            "projects",
            "id, pairing_id, name, category, approved_on, completed_on, total_investment, confirmation",
        ),
        (
            "transactions",
            "id, project_id, kind, source, amount, date, confirmation, confirmed_at",
        ),
        ("dispatches", "id, pairing_id, person_id, role, start_date, end_date"),
        ("stints", "id, dispatch_id, start_date, end_date"),
        (
            "activities",
            "id, pairing_id, kind, title, audience, start_date, person_times, hours, confirmation, created_at",
        ),
        ("indicator_values", "id, indicator_id, region_code, period, value"),
    ] {
        let n = cols.split(", ").count();
        let cast: Vec<String> = cols.split(", ").map(|c| format!("CAST({c} AS TEXT)")).collect();
        let rows = store
            .db()
            .fetch(
                &format!("SELECT {} FROM {table} ORDER BY id", cast.join(", ")),
                &[],
                &vec![Kind::Text; n],
            )
            .await
            .unwrap();
        for r in rows {
            for v in r {
                h.update(v.text().unwrap_or("∅").as_bytes());
                h.update([0]);
            }
        }
    }
    hex::encode(h.finalize())
}

#[tokio::test]
async fn sizes_match_the_targets_and_records_read_back() {
    for ts in TestStore::all().await.unwrap() {
        let b = ts.backend;
        let mut stages = Vec::new();
        let counts = generate(&ts.store, &opts(7, false), &mut |p| {
            if stages.last() != Some(&p.stage) {
                stages.push(p.stage);
            }
        })
        .await
        .unwrap();
        let t = Targets::at(SCALE);
        assert_eq!(counts.pairings, t.pairings, "{b}");
        assert_eq!(counts.projects, t.projects, "{b}");
        assert_eq!(counts.transactions, t.transactions, "{b}");
        assert_eq!(counts.dispatches, t.dispatches, "{b}");
        assert_eq!(counts.people, t.dispatches, "{b}");
        assert_eq!(counts.activities, t.activities, "{b}");
        assert_eq!(counts.indicator_values, t.indicator_values, "{b}");
        assert_eq!(counts.programs, 4, "{b}");
        assert!(
            counts.stints >= t.dispatches && counts.stints <= 3 * t.dispatches,
            "{b}"
        );
        assert!(counts.appraisals >= t.dispatches, "{b}");
        assert!(counts.project_funding >= t.projects, "{b}");
        assert!(counts.obligations > 0, "{b}");
        assert!(stages.contains(&"活动"), "{b}: {stages:?}");
        for (table, n) in counts.rows() {
            if table == "indicators" {
                continue;
            }
            assert_eq!(count(&ts.store, table).await, n as i64, "{b}: {table}");
        }
        // the rows pass the store's normal read path
        for entity in [
            "orgs",
            "programs",
            "pairings",
            "obligations",
            "projects",
            "project_funding",
            "transactions",
            "people",
            "dispatches",
            "stints",
            "appraisals",
            "activities",
            "indicator_values",
        ] {
            for sql in [
                format!("SELECT MIN(id) FROM {entity}"),
                format!("SELECT MAX(id) FROM {entity}"),
            ] {
                let id = ts.store.db().fetch_opt(&sql, &[], &[Kind::Int]).await.unwrap().unwrap()[0]
                    .int()
                    .unwrap();
                let rec = ts
                    .store
                    .get(entity, id)
                    .await
                    .unwrap_or_else(|e| panic!("{b}: {entity} {id}: {e}"));
                assert_eq!(rec["id"], id, "{b}: {entity}");
            }
        }
        let v = ts.store.audit_verify().await.unwrap();
        assert!(v.ok(), "{b}: {v:?}");
        // the dashboard aggregates were rebuilt in the load's own transaction
        let kept = duikou_store::aggregates::stored(&ts.store).await.unwrap();
        let base = duikou_store::aggregates::recompute_from_base(&ts.store).await.unwrap();
        assert!(kept == base, "{b}: {}", kept.diff(&base));
        let national = ts.store.dashboard(&duikou_store::aggregates::Scope::All).await.unwrap();
        assert_eq!(national.pairings as u64, counts.pairings as u64, "{b}");
        // ids continue after the synthetic ones (the sequences moved on PostgreSQL)
        let actor = duikou_domain::access::Actor::system();
        let org = ts
            .store
            .create(
                &actor,
                "orgs",
                &serde_json::json!({"name": "测试单位", "kind": "other"}),
            )
            .await
            .unwrap();
        assert_eq!(org["id"].as_i64().unwrap(), counts.orgs as i64 + 1, "{b}");
        // livelihood money dominates
        let liv = ts
            .store
            .db()
            .fetch_opt(
                "SELECT CAST(SUM(CASE WHEN p.category IN ('housing','education','health','culture','employment') \
                 THEN t.amount ELSE 0 END) AS BIGINT), CAST(SUM(t.amount) AS BIGINT) FROM transactions t JOIN projects p ON p.id = t.project_id \
                 WHERE t.kind = 'disbursement' AND t.source = 'supporter'",
                &[],
                &[Kind::Int, Kind::Int],
            )
            .await
            .unwrap()
            .unwrap();
        let share = liv[0].int().unwrap() as f64 / liv[1].int().unwrap() as f64;
        assert!(share > 0.6, "{b}: livelihood share {share}");
        ts.finish().await.unwrap();
    }
}

#[tokio::test]
async fn same_seed_same_rows() {
    for backend in ["sqlite", "postgres"] {
        let (a, c) = if backend == "sqlite" {
            (TestStore::sqlite().await.unwrap(), TestStore::sqlite().await.unwrap())
        } else {
            match (
                TestStore::postgres().await.unwrap(),
                TestStore::postgres().await.unwrap(),
            ) {
                (Some(a), Some(c)) => (a, c),
                _ => continue,
            }
        };
        run(&a.store, &opts(42, false)).await.unwrap();
        run(&c.store, &opts(42, false)).await.unwrap();
        assert_eq!(checksum(&a.store).await, checksum(&c.store).await, "{backend}");
        let d = TestStore::sqlite().await.unwrap();
        if backend == "sqlite" {
            run(&d.store, &opts(43, false)).await.unwrap();
            assert_ne!(checksum(&a.store).await, checksum(&d.store).await);
        }
        for s in [a, c, d] {
            s.finish().await.unwrap();
        }
    }
}

#[tokio::test]
async fn refuses_a_database_with_records_unless_forced() {
    for ts in TestStore::all().await.unwrap() {
        let b = ts.backend;
        duikou_demo::load(&ts.store).await.unwrap();
        let pairings = count(&ts.store, "pairings").await;
        let err = run(&ts.store, &opts(1, false)).await.unwrap_err();
        assert!(matches!(err, SynthError::NotEmpty(_)), "{b}: {err}");
        assert!(err.to_string().contains("--force"), "{b}: {err}");
        assert_eq!(count(&ts.store, "pairings").await, pairings, "{b}");
        let counts = run(&ts.store, &opts(1, true)).await.unwrap();
        assert_eq!(
            count(&ts.store, "pairings").await,
            pairings + counts.pairings as i64,
            "{b}"
        );
        // and once more on top of that
        let again = run(&ts.store, &opts(1, true)).await.unwrap();
        assert_eq!(again.pairings, counts.pairings, "{b}");
        assert!(ts.store.audit_verify().await.unwrap().ok(), "{b}");
        ts.finish().await.unwrap();
    }
}

#[tokio::test]
async fn a_failure_midway_leaves_nothing() {
    for ts in TestStore::all().await.unwrap() {
        let b = ts.backend;
        let events = count(&ts.store, "audit_events").await;
        // a panic inside the run (here: in the progress callback, once activities are being written)
        let store = ts.store.clone();
        // (the progress callback is not Send, so the run is a local task)
        let local = tokio::task::LocalSet::new();
        let joined = local
            .run_until(async move {
                tokio::task::spawn_local(async move {
                    generate(&store, &opts(5, false), &mut |p| {
                        if p.stage == "活动" && p.done > 0 {
                            panic!("injected failure");
                        }
                    })
                    .await
                })
                .await
            })
            .await;
        assert!(joined.is_err(), "{b}: the run should have panicked");
        for table in ["orgs", "programs", "pairings", "projects", "transactions", "activities"] {
            assert_eq!(count(&ts.store, table).await, 0, "{b}: {table}");
        }
        assert_eq!(count(&ts.store, "audit_events").await, events, "{b}");
        // the run dropped part-way (a killed task or a cancelled request)
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let mut tx = Some(tx);
        let store = ts.store.clone();
        let o = opts(5, false);
        let mut cb = |p: duikou_synth::Progress| {
            if p.stage == "援派" && p.done > 0 {
                if let Some(t) = tx.take() {
                    let _ = t.send(true);
                }
            }
        };
        tokio::select! {
            r = generate(&store, &o, &mut cb) => panic!("{b}: finished before it was dropped: {r:?}"),
            _ = rx.changed() => {}
        }
        for table in ["orgs", "pairings", "projects", "dispatches"] {
            assert_eq!(count(&ts.store, table).await, 0, "{b}: {table}");
        }
        assert_eq!(count(&ts.store, "audit_events").await, events, "{b}");
        // and the database is usable afterwards
        let counts = run(&ts.store, &opts(5, false)).await.unwrap();
        assert!(counts.activities > 0, "{b}");
        assert!(ts.store.audit_verify().await.unwrap().ok(), "{b}");
        ts.finish().await.unwrap();
    }
}
