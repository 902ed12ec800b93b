//! Imports read from files row by row, on SQLite and on PostgreSQL: all or nothing across thousands of rows (a bad
//! row at the very end writes nothing and is named), the problems listed capped with the rest counted, a dry run that
//! takes no write lock, a real import that gives up as busy when another write holds the lock, CSV in GB18030 and with
//! a BOM, and merged cells in an .xlsx reported.
//!
//! Every store in this file waits only one second for the write lock (`DUIKOU_LOCK_WAIT_MS`), so that a write blocked
//! by a held lock answers busy at once.

use duikou_domain::access::Actor;
use duikou_store::audit::WriteTx;
use duikou_store::db::{Arg, Kind};
use duikou_store::import::MAX_LISTED_PROBLEMS;
use duikou_store::testing::{create, TestStore};
use duikou_store::{Store, StoreError};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

fn short_lock_wait() {
    std::env::set_var(duikou_store::db::LOCK_WAIT_ENV, "1000");
}

async fn for_each_backend<F, Fut>(f: F)
where
    F: Fn(Store, &'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    short_lock_wait();
    for t in TestStore::all().await.expect("test stores") {
        eprintln!("-- backend {}", t.backend);
        f(t.store.clone(), t.backend).await;
        t.finish().await.expect("cleanup");
    }
}

/// Two schools paired under a program; the pairing's id.
async fn pairing(store: &Store) -> i64 {
    let id = |v: serde_json::Value| v["id"].as_i64().expect("id");
    let authority = id(create(store, "orgs", json!({"name": "某县教育局", "kind": "government"})).await);
    let supporter = id(create(store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await);
    let receiver = id(create(store, "orgs", json!({"name": "乡镇中心小学", "kind": "school"})).await);
    let program = id(create(
        store,
        "programs",
        json!({"name": "校对校对口帮扶", "authority_org_id": authority, "start_date": "2013-10-01"}),
    )
    .await);
    id(create(
        store,
        "pairings",
        json!({"program_id": program, "supporter_org_id": supporter, "receiver_org_id": receiver, "level": "school_school"}),
    )
    .await)
}

const HEADER: &str = "结对,活动类型,标题,开始日期,人次";

/// `n` good activity rows: row i (from 0) has `i % 7 + 1` person-times.
fn activity_rows(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&format!(
            "城关第一小学→乡镇中心小学,培训,第{}次培训,2014-{:02}-{:02},{}\n",
            i + 1,
            i % 12 + 1,
            i % 28 + 1,
            i % 7 + 1
        ));
    }
    out
}

/// Sum of `i % 7 + 1` over `0..n`.
fn person_times(n: usize) -> i64 {
    (0..n).map(|i| (i % 7 + 1) as i64).sum()
}

/// (activities, their person-times) of the pairing as stored.
async fn stored(store: &Store, pairing: i64) -> (i64, i64) {
    let row = store
        .db()
        .fetch_opt(
            "SELECT COUNT(*), CAST(COALESCE(SUM(person_times), 0) AS BIGINT) FROM activities WHERE pairing_id = $1",
            &[Arg::Int(Some(pairing))],
            &[Kind::Int, Kind::Int],
        )
        .await
        .unwrap()
        .unwrap();
    (row[0].int().unwrap(), row[1].int().unwrap())
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[tokio::test]
async fn a_bad_row_at_the_end_of_thousands_writes_nothing_and_is_named() {
    for_each_backend(|store, backend| async move {
        let p = pairing(&store).await;
        let dir = tempfile::tempdir().unwrap();
        let sys = Actor::system();
        // 2 500 good rows (three batches written together) and, on row 2 502, a date nobody can read
        let good = format!("{HEADER}\n{}", activity_rows(2500));
        let bad = format!("{good}城关第一小学→乡镇中心小学,培训,最后一次培训,去年冬天,3\n");
        let path = write(dir.path(), "activities.csv", bad.as_bytes());
        let r = store
            .import_file(&sys, "activities", &path, "activities.csv", false)
            .await
            .unwrap();
        assert_eq!(r.rows, 2501, "{backend}");
        assert_eq!(r.problems.len(), 1, "{backend}: {:?}", r.problems);
        assert_eq!(
            (r.problems[0].row, r.problems[0].column.as_str()),
            (2502, "开始日期"),
            "{backend}"
        );
        assert_eq!(r.problems[0].value, "去年冬天");
        assert!(r.problems[0].message.contains("应为日期"), "{}", r.problems[0].message);
        assert_eq!(
            (r.created, r.updated, r.unchanged, r.more_problems),
            (0, 0, 0, 0),
            "{backend}"
        );
        assert_eq!(stored(&store, p).await, (0, 0), "{backend}: nothing written");

        // the good rows alone: every one written, with its figures
        let path = write(dir.path(), "good.csv", good.as_bytes());
        let dry = store
            .import_file(&sys, "activities", &path, "good.csv", true)
            .await
            .unwrap();
        assert_eq!(
            (dry.rows, dry.created, dry.problems.len()),
            (2500, 2500, 0),
            "{backend}: {:?}",
            dry.problems
        );
        assert_eq!(stored(&store, p).await, (0, 0), "{backend}: a dry run writes nothing");
        let r = store
            .import_file(&sys, "activities", &path, "good.csv", false)
            .await
            .unwrap();
        assert_eq!(
            (r.rows, r.created, r.problems.len()),
            (2500, 2500, 0),
            "{backend}: {:?}",
            r.problems
        );
        assert_eq!(stored(&store, p).await, (2500, person_times(2500)), "{backend}");
        assert_eq!(person_times(2500), 9997, "the sum the rows were made to have");
        let again = store
            .import_file(&sys, "activities", &path, "good.csv", false)
            .await
            .unwrap();
        assert_eq!(
            (again.created, again.unchanged),
            (0, 2500),
            "{backend}: imported twice, kept once"
        );

        // one row changed and two new: the stored keys are found across batches, the rest left as they are
        let mut changed = good.replacen(",第1次培训,2014-01-01,1\n", ",第1次培训,2014-01-01,50\n", 1);
        changed.push_str(
            "城关第一小学→乡镇中心小学,授课,示范课,2015-03-01,4\n城关第一小学→乡镇中心小学,授课,示范课,2015-03-02,6\n",
        );
        let path = write(dir.path(), "changed.csv", changed.as_bytes());
        let r = store
            .import_file(&sys, "activities", &path, "changed.csv", false)
            .await
            .unwrap();
        assert_eq!(
            (r.created, r.updated, r.unchanged),
            (2, 1, 2499),
            "{backend}: {:?}",
            r.problems
        );
        assert_eq!(
            stored(&store, p).await,
            (2502, person_times(2500) + 49 + 10),
            "{backend}"
        );
    })
    .await;
}

#[tokio::test]
async fn problems_past_a_thousand_are_counted_not_listed() {
    for_each_backend(|store, backend| async move {
        pairing(&store).await;
        let dir = tempfile::tempdir().unwrap();
        let mut csv = format!("{HEADER}\n");
        for i in 0..1500 {
            csv.push_str(&format!("城关第一小学→乡镇中心小学,游园,第{i}次,2014-06-01,1\n"));
        }
        let path = write(dir.path(), "a.csv", csv.as_bytes());
        let r = store
            .import_file(&Actor::system(), "activities", &path, "a.csv", true)
            .await
            .unwrap();
        assert_eq!(r.rows, 1500, "{backend}");
        assert_eq!(r.problems.len(), MAX_LISTED_PROBLEMS, "{backend}");
        assert_eq!(r.more_problems, 500, "{backend}");
        assert_eq!(
            (r.problems[0].row, r.problems[999].row),
            (2, 1001),
            "{backend}: the first ones, by row"
        );
        assert!(r.problems.iter().all(|p| p.column == "活动类型"), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_dry_run_takes_no_write_lock_and_a_blocked_import_is_busy() {
    for_each_backend(|store, backend| async move {
        let p = pairing(&store).await;
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "a.csv",
            format!("{HEADER}\n{}", activity_rows(300)).as_bytes(),
        );
        let sys = Actor::system();
        // another write holds the lock (on SQLite the database's, on PostgreSQL the audit head's)
        let held = WriteTx::begin(&store, &sys).await.unwrap();
        let dry = tokio::time::timeout(
            Duration::from_secs(20),
            store.import_file(&sys, "activities", &path, "a.csv", true),
        )
        .await
        .expect("a dry run does not wait for the write lock")
        .unwrap();
        assert_eq!((dry.created, dry.problems.len()), (300, 0), "{backend}");
        // a real import checks the same way, then waits for the lock, and gives up as busy: nothing written
        let blocked = store.import_file(&sys, "activities", &path, "a.csv", false).await;
        assert!(matches!(blocked, Err(StoreError::Busy)), "{backend}: {blocked:?}");
        assert_eq!(
            StoreError::Busy.to_string(),
            "数据库正忙，请稍后重试",
            "the message the user reads"
        );
        held.tx.rollback().await.unwrap();
        assert_eq!(stored(&store, p).await, (0, 0), "{backend}");
        // once the lock is free, the same import goes in
        let r = store
            .import_file(&sys, "activities", &path, "a.csv", false)
            .await
            .unwrap();
        assert_eq!(r.created, 300, "{backend}");
        assert_eq!(stored(&store, p).await, (300, person_times(300)), "{backend}");
    })
    .await;
}

#[test]
fn busy_errors_are_recognised() {
    assert!(duikou_store::is_busy(&sqlx::Error::PoolTimedOut));
    assert!(!duikou_store::is_busy(&sqlx::Error::RowNotFound));
    assert!(matches!(StoreError::from(sqlx::Error::PoolTimedOut), StoreError::Busy));
}

#[tokio::test]
async fn csv_in_gb18030_and_with_a_bom_still_imports() {
    for_each_backend(|store, backend| async move {
        let p = pairing(&store).await;
        let dir = tempfile::tempdir().unwrap();
        let sys = Actor::system();
        let text = format!("{HEADER}\n城关第一小学→乡镇中心小学,培训,骨干教师培训,2014年6月1日,35\n");
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        assert!(std::str::from_utf8(&gbk).is_err(), "really GB18030 bytes");
        let path = write(dir.path(), "gbk.csv", &gbk);
        let r = store
            .import_file(&sys, "activities", &path, "gbk.csv", false)
            .await
            .unwrap();
        assert_eq!((r.created, r.problems.len()), (1, 0), "{backend}: {:?}", r.problems);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(
            text.replace("骨干教师培训", "班主任培训")
                .replace(",35", ",12")
                .as_bytes(),
        );
        let path = write(dir.path(), "bom.csv", &bom);
        let r = store
            .import_file(&sys, "activities", &path, "bom.csv", false)
            .await
            .unwrap();
        assert_eq!((r.created, r.problems.len()), (1, 0), "{backend}: {:?}", r.problems);
        let titles = store
            .db()
            .fetch(
                "SELECT title, person_times FROM activities WHERE pairing_id = $1 ORDER BY title",
                &[Arg::Int(Some(p))],
                &[Kind::Text, Kind::Int],
            )
            .await
            .unwrap();
        let titles: Vec<(String, i64)> = titles
            .iter()
            .map(|r| (r[0].text().unwrap().to_string(), r[1].int().unwrap()))
            .collect();
        assert_eq!(
            titles,
            [("班主任培训".to_string(), 12), ("骨干教师培训".to_string(), 35)],
            "{backend}"
        );
        // an unreadable file is named, and is the user's fault
        let path = write(dir.path(), "bad.csv", b"\xFF\xFE\x00\xD8");
        let e = store
            .import_file(&sys, "activities", &path, "坏文件.csv", true)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::BadFile(m) if m.starts_with("坏文件.csv：")),
            "{backend}: {e:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn merged_cells_in_an_xlsx_are_reported_and_nothing_is_written() {
    use rust_xlsxwriter::{Format, Workbook};
    for_each_backend(|store, backend| async move {
        let p = pairing(&store).await;
        let dir = tempfile::tempdir().unwrap();
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        let plain = Format::new();
        // a merged title above the header is not data, and not a problem
        ws.merge_range(0, 0, 0, 4, "活动导入表", &plain).unwrap();
        for (c, h) in HEADER.split(',').enumerate() {
            ws.write_string(1, c as u16, h).unwrap();
        }
        for r in 2..6u32 {
            ws.write_string(r, 0, "城关第一小学→乡镇中心小学").unwrap();
            ws.write_string(r, 1, "培训").unwrap();
            ws.write_string(r, 3, "2014-06-01").unwrap();
            ws.write_number(r, 4, 10.0).unwrap();
        }
        ws.write_string(2, 2, "第一次").unwrap();
        ws.merge_range(3, 2, 4, 2, "第二次", &plain).unwrap();
        ws.write_string(5, 2, "第三次").unwrap();
        let path = dir.path().join("a.xlsx");
        book.save(&path).unwrap();
        let r = store
            .import_file(&Actor::system(), "activities", &path, "a.xlsx", false)
            .await
            .unwrap();
        assert_eq!(r.rows, 4, "{backend}");
        let merged: Vec<_> = r.problems.iter().filter(|p| p.message.contains("合并单元格")).collect();
        assert_eq!(merged.len(), 1, "{backend}: {:?}", r.problems);
        assert_eq!((merged[0].row, merged[0].column.as_str()), (4, "C"), "{backend}");
        assert!(merged[0].message.contains("第4–5行"), "{}", merged[0].message);
        assert_eq!(stored(&store, p).await, (0, 0), "{backend}");
        // unmerged, the same sheet goes in
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        for (c, h) in HEADER.split(',').enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        for (i, title) in ["第一次", "第二次", "第三次"].iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, "城关第一小学→乡镇中心小学").unwrap();
            ws.write_string(r, 1, "培训").unwrap();
            ws.write_string(r, 2, *title).unwrap();
            ws.write_string(r, 3, "2014-06-01").unwrap();
            ws.write_number(r, 4, 10.0).unwrap();
        }
        book.save(&path).unwrap();
        let r = store
            .import_file(&Actor::system(), "activities", &path, "a.xlsx", false)
            .await
            .unwrap();
        assert_eq!((r.created, r.problems.len()), (3, 0), "{backend}: {:?}", r.problems);
        assert_eq!(stored(&store, p).await, (3, 30), "{backend}");
    })
    .await;
}
