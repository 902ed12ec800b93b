//! Import of an activity CSV against raw prepared inserts of the same rows, each into a fresh SQLite file.

use crate::{fixture, secs, system};
use duikou_domain::schema::{self, FieldKind};
use duikou_store::Store;
use std::fmt::Write;
use std::time::Instant;

/// One generated row, as the sheet says it and as typed values.
struct Row {
    pairing: usize,
    kind: (&'static str, &'static str),
    title: String,
    date: chrono::NaiveDate,
    person_times: i64,
    hours: i64,
}

/// The pairings the rows are spread over.
const PAIRINGS: usize = 20;

fn rows(n: usize) -> Vec<Row> {
    let kinds = match schema::entity("activities")
        .and_then(|d| d.field("kind"))
        .map(|f| f.kind)
    {
        Some(FieldKind::Enum(values)) => values,
        _ => &[("training", "培训")],
    };
    let start = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();
    // a fixed xorshift, so every run writes the same rows
    let mut x: u64 = 0x2026_1128;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|i| {
            let kind = kinds[(next() % kinds.len() as u64) as usize];
            Row {
                pairing: i % PAIRINGS,
                kind,
                title: format!("{}（第{}次）", kind.1, i + 1),
                date: start + chrono::Days::new(next() % 3650),
                person_times: (next() % 200) as i64,
                hours: (next() % 40) as i64,
            }
        })
        .collect()
}

fn csv(rows: &[Row], names: &[(String, i64)]) -> String {
    let mut out = String::with_capacity(rows.len() * 80);
    out.push_str("结对,活动类型,标题,开始日期,人次,课时\n");
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            names[r.pairing].0, r.kind.1, r.title, r.date, r.person_times, r.hours
        );
    }
    out
}

async fn fresh(dir: &std::path::Path, name: &str) -> anyhow::Result<(Store, Vec<(String, i64)>)> {
    let path = dir.join(name);
    let store = Store::open(&path.to_string_lossy()).await?;
    let names = fixture(&store, PAIRINGS).await?;
    Ok((store, names))
}

async fn raw_inserts(store: &Store, rows: &[Row], names: &[(String, i64)]) -> anyhow::Result<f64> {
    let duikou_store::Db::Sqlite(pool, _) = store.db() else {
        anyhow::bail!("raw inserts are measured on SQLite");
    };
    let now = chrono::Utc::now();
    let t = Instant::now();
    let mut tx = pool.begin().await?;
    for r in rows {
        sqlx::query(
            "INSERT INTO activities (version, created_at, updated_at, pairing_id, kind, title, start_date, person_times, hours) \
             VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(now)
        .bind(now)
        .bind(names[r.pairing].1)
        .bind(r.kind.0)
        .bind(&r.title)
        .bind(r.date)
        .bind(r.person_times)
        .bind(r.hours)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(secs(t))
}

/// Runs the comparison and prints it as Markdown.
pub async fn run(n: usize, dir: Option<&str>) -> anyhow::Result<()> {
    let scratch = match dir {
        Some(d) => tempfile::tempdir_in(d)?,
        None => tempfile::tempdir()?,
    };
    let rows = rows(n);

    let (raw_store, raw_names) = fresh(scratch.path(), "raw.db").await?;
    let raw = raw_inserts(&raw_store, &rows, &raw_names).await?;
    raw_store.db().close().await;

    let (store, names) = fresh(scratch.path(), "import.db").await?;
    let text = csv(&rows, &names);
    drop(rows);
    let size = text.len();
    let file = scratch.path().join("activities.csv");
    std::fs::write(&file, text)?;
    // the check alone (a dry run: read the file row by row, check every row, write nothing), then the import (the
    // same check, then the file read again and written)
    let t = Instant::now();
    let dry = store
        .import_file(&system(), "activities", &file, "activities.csv", true)
        .await?;
    let check = secs(t);
    anyhow::ensure!(
        dry.problems.is_empty() && dry.created == n,
        "dry run refused: {:?}",
        dry.problems.first()
    );
    let t = Instant::now();
    let report = store
        .import_file(&system(), "activities", &file, "activities.csv", false)
        .await?;
    let total = secs(t);
    anyhow::ensure!(
        report.problems.is_empty() && report.created == n,
        "import refused: {:?}",
        report.problems.iter().take(5).collect::<Vec<_>>()
    );
    let verified = store.audit_verify().await?.ok();
    println!("| path | rows | seconds | rows/s |");
    println!("|---|---:|---:|---:|");
    println!(
        "| raw prepared single-row INSERT (sqlx, one transaction) | {n} | {raw:.3} | {:.0} |",
        n as f64 / raw
    );
    println!(
        "| duikou import of the CSV ({} MB), read row by row: check {check:.3} s (as a dry run), check + write {total:.3} s | {n} | {total:.3} | {:.0} |",
        size / 1_000_000,
        n as f64 / total
    );
    println!(
        "\nimport rate = {:.0} % of raw inserts; audit chain verified: {verified}",
        100.0 * raw / total
    );
    Ok(())
}
