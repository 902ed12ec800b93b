//! Tamper evidence (issue #21), on SQLite and PostgreSQL: each way of changing the record behind the application's
//! back — a changed amount, a deleted row, confirmations flipped in bulk, a truncated log with its head rewound, a log
//! re-chained with plain SHA-256, an edited event, a row inserted without an event — is found by `audit_verify` and
//! named in Chinese; a record written only through the store verifies clean.

use duikou_domain::access::Actor;
use duikou_domain::audit::{chain_hash, row_hash, AuditContent};
use duikou_store::audit::{AuditVerification, WriteTx};
use duikou_store::db::Arg;
use duikou_store::testing::{create, TestStore};
use duikou_store::{AuditKey, KeyConfig, Store};
use serde_json::{json, Map, Value};

/// The ids a fixture made.
struct Made {
    transactions: Vec<i64>,
    activities: Vec<i64>,
    deleted: i64,
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

/// A small record written through every kind of store write: creates, an update, a confirmation, a dispute, a
/// delete, a bulk create.
async fn record(store: &Store) -> Made {
    let sys = Actor::system();
    let supporter = id(&create(store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await);
    let receiver = id(&create(
        store,
        "orgs",
        json!({"name": "乡镇中心小学", "kind": "school", "region_code": "650402"}),
    )
    .await);
    let program = id(&create(
        store,
        "programs",
        json!({"name": "校对校对口帮扶", "authority_org_id": supporter, "calendar": {"kind": "school_year"}}),
    )
    .await);
    let pairing = id(&create(
        store,
        "pairings",
        json!({"program_id": program, "supporter_org_id": supporter, "receiver_org_id": receiver, "level": "school_school"}),
    )
    .await);
    let project = id(&create(
        store,
        "projects",
        json!({"pairing_id": pairing, "name": "教学楼", "category": "education"}),
    )
    .await);
    let mut transactions = Vec::new();
    for i in 1..=4 {
        let t = create(
            store,
            "transactions",
            json!({"project_id": project, "kind": "disbursement", "source": "supporter", "amount": format!("{i}00.50"),
                   "date": format!("2015-0{i}-01")}),
        )
        .await;
        transactions.push(id(&t));
    }
    store
        .update(&sys, "transactions", transactions[0], &json!({"amount": "999.99"}))
        .await
        .expect("update");
    store
        .set_confirmation(&sys, "transactions", transactions[1], true, None)
        .await
        .expect("confirm");
    store
        .set_confirmation(&sys, "transactions", transactions[2], false, Some("金额有误"))
        .await
        .expect("dispute");
    let deleted = transactions.pop().expect("four");
    store.delete(&sys, "transactions", deleted).await.expect("delete");
    // a bulk create, as imports write
    let mut w = WriteTx::begin(store, &sys).await.expect("begin");
    let def = duikou_domain::schema::entity("activities").expect("activities");
    let rows: Vec<Map<String, Value>> = (1..=30)
        .map(|i| {
            json!({"pairing_id": pairing, "kind": "training", "title": format!("培训 {i}"),
                   "start_date": "2015-03-01", "person_times": i, "amount": "12.5"})
            .as_object()
            .cloned()
            .expect("object")
        })
        .collect();
    let activities = Store::create_many_in(&mut w, def, rows)
        .await
        .expect("bulk")
        .expect("all valid");
    w.commit().await.expect("commit");
    Made {
        transactions,
        activities,
        deleted,
    }
}

/// Runs `f` on a fresh store of each backend with the record above, after checking that it verifies clean.
async fn each_backend<F, Fut>(f: F)
where
    F: Fn(TestStore, Made) -> Fut,
    Fut: std::future::Future<Output = TestStore>,
{
    for t in TestStore::all().await.expect("test stores") {
        eprintln!("-- backend {}", t.backend);
        let made = record(&t.store).await;
        let v = t.store.audit_verify().await.expect("verify");
        assert!(
            v.ok(),
            "{}: a record written through the store verifies clean: {v:#?}",
            t.backend
        );
        let t = f(t, made).await;
        t.finish().await.expect("cleanup");
    }
}

async fn sql(store: &Store, q: &str, args: &[Arg]) -> u64 {
    store.db().execute(q, args).await.unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn has(v: &AuditVerification, needle: &str) -> bool {
    v.problems.iter().any(|p| p.contains(needle))
}

#[tokio::test]
async fn a_clean_record_verifies_with_its_exported_head() {
    each_backend(|t, _| async move {
        let head = t.store.audit_head().await.unwrap();
        assert_eq!(head.mac.len(), 64, "{}", t.backend);
        let v = t.store.audit_verify_against(Some(&head)).await.unwrap();
        assert!(v.ok(), "{}: {v:#?}", t.backend);
        assert!(
            v.rows > 3000,
            "{}: every table is read, regions included: {}",
            t.backend,
            v.rows
        );
        // another server with the same key agrees; one with another key does not
        let again = t.open_again().await.unwrap();
        assert!(again.audit_verify().await.unwrap().ok(), "{}", t.backend);
        again.db().close().await;
        let stranger = Store::open_with(&t.url, &KeyConfig::given(AuditKey::generate()))
            .await
            .unwrap();
        let v = stranger.audit_verify().await.unwrap();
        assert!(has(&v, "审计日志头的签名不符"), "{}: {v:#?}", t.backend);
        stranger.db().close().await;
        t
    })
    .await;
}

#[tokio::test]
async fn an_amount_changed_in_sql_is_named() {
    each_backend(|t, made| async move {
        let tx = made.transactions[1];
        sql(
            &t.store,
            "UPDATE transactions SET amount = amount + 100 WHERE id = $1",
            &[Arg::Int(Some(tx))],
        )
        .await;
        let v = t.store.audit_verify().await.unwrap();
        assert!(!v.ok(), "{}", t.backend);
        assert!(
            has(&v, &format!("transactions 第 {tx} 行的金额（amount）与审计日志不符")),
            "{}: {v:#?}",
            t.backend
        );
        assert_eq!(v.problem_count, 1, "{}: only that row: {v:#?}", t.backend);
        t
    })
    .await;
}

#[tokio::test]
async fn a_row_deleted_in_sql_is_named() {
    each_backend(|t, made| async move {
        let a = made.activities[4];
        sql(&t.store, "DELETE FROM activities WHERE id = $1", &[Arg::Int(Some(a))]).await;
        let v = t.store.audit_verify().await.unwrap();
        assert!(
            has(&v, &format!("activities 第 {a} 行已被删除，但审计日志中没有删除记录")),
            "{}: {v:#?}",
            t.backend
        );
        assert_eq!(v.problem_count, 1, "{}: {v:#?}", t.backend);
        // a row deleted through the store stays deleted in the log: putting it back is named too
        let gone = made.deleted;
        sql(
            &t.store,
            "INSERT INTO transactions (id, version, created_at, updated_at, project_id, pairing_id, kind, source, amount, date) \
             SELECT $1, version, created_at, updated_at, project_id, pairing_id, kind, source, amount, date FROM transactions WHERE id = $2",
            &[Arg::Int(Some(gone)), Arg::Int(Some(made.transactions[0]))],
        )
        .await;
        let v = t.store.audit_verify().await.unwrap();
        assert!(has(&v, &format!("transactions 第 {gone} 行在审计日志中已删除")), "{}: {v:#?}", t.backend);
        t
    })
    .await;
}

#[tokio::test]
async fn confirmations_flipped_in_bulk_are_each_named() {
    each_backend(|t, made| async move {
        let n = sql(
            &t.store,
            "UPDATE activities SET confirmation = 'confirmed', confirmed_by = NULL WHERE confirmation = 'pending'",
            &[],
        )
        .await;
        assert_eq!(n, 30, "{}", t.backend);
        let v = t.store.audit_verify().await.unwrap();
        assert_eq!(v.problem_count, 30, "{}: {v:#?}", t.backend);
        for a in &made.activities {
            assert!(
                has(
                    &v,
                    &format!("activities 第 {a} 行的确认状态（confirmation）与审计日志不符")
                ),
                "{}: {a} {v:#?}",
                t.backend
            );
        }
        t
    })
    .await;
}

#[tokio::test]
async fn a_truncated_log_with_its_head_rewound_is_caught() {
    each_backend(|t, made| async move {
        let exported = t.store.audit_head().await.unwrap();
        let keep = exported.seq - 5;
        // the careful attacker: drop the last events and rewind the head to the last kept one, MAC and all
        sql(&t.store, "DELETE FROM audit_events WHERE seq > $1", &[Arg::Int(Some(keep))]).await;
        sql(
            &t.store,
            "UPDATE audit_head SET seq = e.seq, hash = e.hash, mac = e.mac FROM (SELECT seq, hash, mac FROM audit_events WHERE seq = $1) e WHERE id = 1",
            &[Arg::Int(Some(keep))],
        )
        .await;
        let v = t.store.audit_verify_against(Some(&exported)).await.unwrap();
        assert!(
            has(&v, &format!("审计日志比已导出的日志头短：可能被截断（导出时有 {} 条，现在只有 {keep} 条）", exported.seq)),
            "{}: {v:#?}",
            t.backend
        );
        // and without the exported head, the rows written by the dropped events have no events any more
        let v = t.store.audit_verify().await.unwrap();
        let last = made.activities[29];
        assert!(has(&v, &format!("activities 第 {last} 行没有审计记录")), "{}: {v:#?}", t.backend);
        // the careless attacker rewinds the head without its MAC
        sql(&t.store, "UPDATE audit_head SET seq = seq - 1, hash = (SELECT hash FROM audit_events WHERE seq = $1)", &[Arg::Int(Some(keep - 1))]).await;
        let v = t.store.audit_verify().await.unwrap();
        assert!(has(&v, "审计日志头的签名不符：日志可能被重写"), "{}: {v:#?}", t.backend);
        t
    })
    .await;
}

#[tokio::test]
async fn a_log_rechained_without_the_key_is_caught() {
    each_backend(|t, made| async move {
        let exported = t.store.audit_head().await.unwrap();
        // change an amount, then rewrite its last event to match — after and row hash — and re-chain everything
        // after it with plain SHA-256, as anyone with the database (but not the key) can
        let tx = made.transactions[1];
        sql(
            &t.store,
            "UPDATE transactions SET amount = 1 WHERE id = $1",
            &[Arg::Int(Some(tx))],
        )
        .await;
        let row = t.store.get("transactions", tx).await.unwrap();
        let mut events = t.store.audit_recent(100_000).await.unwrap();
        events.reverse();
        let last_of_row = events
            .iter()
            .rposition(|e| e.entity == "transactions" && e.entity_id == tx)
            .expect("an event");
        events[last_of_row].after = row.clone();
        events[last_of_row].row_hash = Some(row_hash("transactions", &row));
        let mut prev = events[last_of_row - 1].hash.clone();
        for e in &mut events[last_of_row..] {
            let content = AuditContent {
                seq: e.seq,
                at: e.at.clone(),
                user_id: e.user_id,
                action: e.action.clone(),
                entity: e.entity.clone(),
                entity_id: e.entity_id,
                before: e.before.clone(),
                after: e.after.clone(),
                row_hash: e.row_hash.clone(),
            };
            e.prev_hash = prev.clone();
            e.hash = chain_hash(&prev, &content);
            prev = e.hash.clone();
            sql(
                &t.store,
                "UPDATE audit_events SET after_json = $1, row_hash = $2, prev_hash = $3, hash = $4 WHERE seq = $5",
                &[
                    Arg::Json((!e.after.is_null()).then(|| e.after.clone())),
                    Arg::Text(e.row_hash.clone()),
                    Arg::Text(Some(e.prev_hash.clone())),
                    Arg::Text(Some(e.hash.clone())),
                    Arg::Int(Some(e.seq)),
                ],
            )
            .await;
        }
        sql(&t.store, "UPDATE audit_head SET hash = $1", &[Arg::Text(Some(prev))]).await;
        let v = t.store.audit_verify().await.unwrap();
        assert!(!v.ok(), "{}", t.backend);
        assert_eq!(
            v.first_broken, None,
            "{}: the chain itself is consistent: {v:#?}",
            t.backend
        );
        assert!(
            !has(&v, "与审计日志不符"),
            "{}: the tables agree with the forged log: {v:#?}",
            t.backend
        );
        let first = events[last_of_row].seq;
        assert!(
            has(&v, &format!("审计日志自第 {first} 条起共")) && has(&v, "签名不符：日志可能被重写"),
            "{}: {v:#?}",
            t.backend
        );
        assert!(has(&v, "审计日志头的签名不符：日志可能被重写"), "{}: {v:#?}", t.backend);
        let v = t.store.audit_verify_against(Some(&exported)).await.unwrap();
        assert!(
            has(&v, &format!("审计日志第 {} 条与已导出的日志头不符", exported.seq)),
            "{}: {v:#?}",
            t.backend
        );
        t
    })
    .await;
}

#[tokio::test]
async fn an_edited_event_is_named() {
    each_backend(|t, made| async move {
        let events = t.store.audit_for("transactions", made.transactions[0]).await.unwrap();
        let update = events.iter().find(|e| e.action == "update").expect("the update");
        let mut after = update.after.clone();
        after["amount"] = "1.00".into();
        sql(
            &t.store,
            "UPDATE audit_events SET after_json = $1 WHERE seq = $2",
            &[Arg::Json(Some(after)), Arg::Int(Some(update.seq))],
        )
        .await;
        let v = t.store.audit_verify().await.unwrap();
        assert_eq!(v.first_broken, Some(update.seq), "{}", t.backend);
        assert!(
            has(
                &v,
                &format!(
                    "审计日志第 {} 条（update transactions 第 {} 行）的内容与其哈希不符",
                    update.seq, made.transactions[0]
                )
            ),
            "{}: {v:#?}",
            t.backend
        );
        t
    })
    .await;
}

#[tokio::test]
async fn a_row_inserted_without_an_event_is_named() {
    each_backend(|t, made| async move {
        sql(
            &t.store,
            "INSERT INTO transactions (version, created_at, updated_at, project_id, pairing_id, kind, source, amount, date) \
             SELECT version, created_at, updated_at, project_id, pairing_id, kind, source, amount, date FROM transactions WHERE id = $1",
            &[Arg::Int(Some(made.transactions[0]))],
        )
        .await;
        let new = t.store.db().fetch_opt("SELECT MAX(id) FROM transactions", &[], &[duikou_store::db::Kind::Int]).await.unwrap();
        let new = new.and_then(|r| r[0].int()).expect("a row");
        let v = t.store.audit_verify().await.unwrap();
        assert!(has(&v, &format!("transactions 第 {new} 行没有审计记录")), "{}: {v:#?}", t.backend);
        assert_eq!(v.problem_count, 1, "{}: {v:#?}", t.backend);
        t
    })
    .await;
}

#[tokio::test]
async fn a_log_from_before_signing_is_signed_once_and_then_holds() {
    each_backend(|t, made| async move {
        // as an earlier version left it: no MACs, no row hashes (chain hashes unchanged, since row hashes are
        // chained only when present — so drop them and re-chain as the old version would have)
        let mut events = t.store.audit_recent(100_000).await.unwrap();
        events.reverse();
        let mut prev = duikou_domain::audit::GENESIS_HASH.to_string();
        for e in &events {
            let content = AuditContent {
                seq: e.seq,
                at: e.at.clone(),
                user_id: e.user_id,
                action: e.action.clone(),
                entity: e.entity.clone(),
                entity_id: e.entity_id,
                before: e.before.clone(),
                after: e.after.clone(),
                row_hash: None,
            };
            let hash = chain_hash(&prev, &content);
            sql(
                &t.store,
                "UPDATE audit_events SET row_hash = NULL, mac = NULL, prev_hash = $1, hash = $2 WHERE seq = $3",
                &[
                    Arg::Text(Some(prev.clone())),
                    Arg::Text(Some(hash.clone())),
                    Arg::Int(Some(e.seq)),
                ],
            )
            .await;
            prev = hash;
        }
        sql(
            &t.store,
            "UPDATE audit_head SET hash = $1, mac = NULL",
            &[Arg::Text(Some(prev))],
        )
        .await;
        let reopened = t.open_again().await.unwrap();
        let v = reopened.audit_verify().await.unwrap();
        assert!(v.ok(), "{}: signed and given a baseline on opening: {v:#?}", t.backend);
        let a = made.activities[0];
        sql(
            &reopened,
            "UPDATE activities SET title = 'x' WHERE id = $1",
            &[Arg::Int(Some(a))],
        )
        .await;
        let v = reopened.audit_verify().await.unwrap();
        assert!(
            has(&v, &format!("activities 第 {a} 行的内容与审计日志不符")),
            "{}: {v:#?}",
            t.backend
        );
        reopened.db().close().await;
        t
    })
    .await;
}

#[tokio::test]
async fn postgresql_without_a_key_refuses_to_open() {
    let Some(t) = TestStore::postgres().await.unwrap() else {
        eprintln!("skipped: {} not set", duikou_store::testing::POSTGRES_ENV);
        return;
    };
    let e = Store::open_with(&t.url, &KeyConfig::default()).await.unwrap_err();
    assert!(e.to_string().contains("使用 PostgreSQL 时必须配置审计密钥"), "{e}");
    t.finish().await.unwrap();
}

#[tokio::test]
async fn a_sqlite_database_whose_signed_log_lost_its_key_refuses_to_open() {
    let t = TestStore::sqlite().await.unwrap();
    let key_file = format!("{}.audit-key", t.url);
    assert!(std::path::Path::new(&key_file).exists(), "made at first start");
    std::fs::remove_file(&key_file).unwrap();
    let e = Store::open(&t.url).await.unwrap_err();
    assert!(e.to_string().contains("不存在，但审计日志已用密钥签名"), "{e}");
    assert!(
        !std::path::Path::new(&key_file).exists(),
        "no new key made over a signed log"
    );
    t.finish().await.unwrap();
}
