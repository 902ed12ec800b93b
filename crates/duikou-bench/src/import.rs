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

/// The strongest raw path: one rusqlite connection to the same file (same schema, indexes and triggers, the same
/// WAL and `synchronous = NORMAL` as duikou's pool), one transaction, one prepared statement, a bind and a step per row,
/// on a thread of its own — no driver thread or channel between the statement and the rows.
async fn raw_prepared(path: std::path::PathBuf, rows: std::sync::Arc<Vec<Row>>, ids: Vec<i64>) -> anyhow::Result<f64> {
    tokio::task::spawn_blocking(move || -> anyhow::Result<f64> {
        let mut conn = rusqlite::Connection::open(&path)?;
        conn.pragma_update(None, "journal_mode", "wal")?;
        conn.pragma_update(None, "synchronous", "normal")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
        let t = Instant::now();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO activities (version, created_at, updated_at, pairing_id, kind, title, start_date, \
                 person_times, hours) VALUES (1, ?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for r in rows.iter() {
                stmt.execute(rusqlite::params![
                    now,
                    ids[r.pairing],
                    r.kind.0,
                    r.title,
                    r.date.format("%F").to_string(),
                    r.person_times,
                    r.hours
                ])?;
            }
        }
        tx.commit()?;
        Ok(secs(t))
    })
    .await?
}

/// The raw path through sqlx: the same INSERT per row, prepared once (sqlx keeps it), in one transaction; each
/// statement crosses to sqlx's SQLite worker thread and back.
async fn raw_sqlx(store: &Store, rows: &[Row], names: &[(String, i64)]) -> anyhow::Result<f64> {
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

/// This process's peak resident memory so far (VmHWM), in MB; `None` where /proc is not there.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024.0 / 1e6)
}

/// Runs the comparison and prints it as Markdown.
pub async fn run(n: usize, dir: Option<&str>, json_out: Option<&str>) -> anyhow::Result<()> {
    let scratch = match dir {
        Some(d) => tempfile::tempdir_in(d)?,
        None => tempfile::tempdir()?,
    };
    let rows = std::sync::Arc::new(rows(n));

    // the strongest raw path (rusqlite, one prepared statement, one transaction) — the reference
    let (raw_store, raw_names) = fresh(scratch.path(), "raw.db").await?;
    raw_store.db().close().await;
    let ids: Vec<i64> = raw_names.iter().map(|(_, id)| *id).collect();
    let raw = raw_prepared(scratch.path().join("raw.db"), rows.clone(), ids).await?;
    // the same through sqlx (the reference of earlier sessions), for comparison
    let (sqlx_store, sqlx_names) = fresh(scratch.path(), "sqlx.db").await?;
    let via_sqlx = raw_sqlx(&sqlx_store, &rows, &sqlx_names).await?;
    sqlx_store.db().close().await;

    let (store, names) = fresh(scratch.path(), "import.db").await?;
    let text = csv(&rows, &names);
    drop(rows);
    let before = peak_rss_mb();
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
    let after = peak_rss_mb();
    println!("load average {:.2} at the end\n", crate::loadavg().unwrap_or(f64::NAN));
    println!("| path | rows | seconds | rows/s |");
    println!("|---|---:|---:|---:|");
    println!(
        "| raw: one prepared INSERT, one transaction (rusqlite, same schema, indexes and triggers) — reference | {n} | {raw:.3} | {:.0} |",
        n as f64 / raw
    );
    println!(
        "| raw: prepared single-row INSERT through sqlx, one transaction | {n} | {via_sqlx:.3} | {:.0} |",
        n as f64 / via_sqlx
    );
    println!(
        "| duikou import of the CSV ({} MB), read row by row: check {check:.3} s (as a dry run), check + write {total:.3} s | {n} | {total:.3} | {:.0} |",
        size / 1_000_000,
        n as f64 / total
    );
    println!(
        "\nimport rate = {:.0} % of the raw prepared statement (rusqlite), {:.0} % of sqlx single-row inserts; \
         audit chain verified: {verified}",
        100.0 * raw / total,
        100.0 * via_sqlx / total
    );
    let mb = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.0} MB"));
    println!(
        "peak RSS of this process: {} before the import (the generated rows and the references), {} after it",
        mb(before),
        mb(after)
    );
    if let Some(path) = json_out {
        let v = serde_json::json!({
            "rows": n, "csv_bytes": size, "raw_rusqlite_s": raw, "raw_sqlx_s": via_sqlx, "check_s": check,
            "import_s": total, "ratio": raw / total, "ratio_sqlx": via_sqlx / total, "audit_verified": verified,
            "peak_rss_mb_before": before, "peak_rss_mb_after": after, "load": crate::loadavg(),
            "machine": crate::machine(),
        });
        std::fs::write(path, serde_json::to_vec_pretty(&v)?)?;
    }
    Ok(())
}
