//! `synth_bench --scale N --sqlite PATH [--postgres URL]`: generates the synthetic record into a fresh SQLite file (and
//! a fresh PostgreSQL database, dropped afterwards), then compares the bulk sink with single-row prepared INSERTs on
//! activities. Prints Markdown tables.

use duikou_store::{Db, Store};
use duikou_synth::{generate, Options};
use std::time::Instant;

struct Args {
    scale: f64,
    sqlite: Option<String>,
    postgres: Option<String>,
    seed: u64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        scale: 0.01,
        sqlite: None,
        postgres: None,
        seed: 2026,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().ok_or_else(|| format!("{k} 缺少取值"));
        match k.as_str() {
            "--scale" => a.scale = v()?.parse().map_err(|e| format!("--scale: {e}"))?,
            "--seed" => a.seed = v()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--sqlite" => a.sqlite = Some(v()?),
            "--postgres" => a.postgres = Some(v()?),
            _ => {
                return Err(format!(
                    "未知参数 {k}；用法：synth_bench --scale N --sqlite PATH [--postgres URL]"
                ))
            }
        }
    }
    if a.sqlite.is_none() && a.postgres.is_none() {
        return Err("至少给出 --sqlite PATH 或 --postgres URL".into());
    }
    Ok(a)
}

/// The URL with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let scheme_end = head.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

struct Row {
    backend: &'static str,
    rows: u64,
    secs: f64,
    bench_rows: u64,
    bulk_secs: f64,
    raw_secs: f64,
}

async fn measure(backend: &'static str, store: &Store, a: &Args) -> Result<Row, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut last = "";
    let counts = generate(
        store,
        &Options {
            scale: a.scale,
            seed: a.seed,
            force: false,
        },
        &mut |p| {
            if p.stage != last {
                last = p.stage;
                eprintln!("[{backend}] {:>7.1}s {}", started.elapsed().as_secs_f64(), p.stage);
            }
        },
    )
    .await?;
    let secs = started.elapsed().as_secs_f64();
    let bench_rows = ((1_000_000.0 * a.scale).round() as u64).max(1_000);
    eprintln!("[{backend}] activities: {bench_rows} rows bulk …");
    let bulk_secs = duikou_synth::bench::bench_activities(store, bench_rows, true, a.seed).await?;
    eprintln!("[{backend}] activities: {bench_rows} rows single-row …");
    let raw_secs = duikou_synth::bench::bench_activities(store, bench_rows, false, a.seed + 1).await?;
    Ok(Row {
        backend,
        rows: counts.total(),
        secs,
        bench_rows,
        bulk_secs,
        raw_secs,
    })
}

async fn run(a: Args) -> Result<Vec<Row>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    if let Some(path) = &a.sqlite {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        let store = Store::open(path).await?;
        out.push(measure("SQLite", &store, &a).await?);
        store.db().close().await;
    }
    if let Some(url) = &a.postgres {
        let name = format!("duikou_bench_{}", std::process::id());
        let admin = Db::connect(url).await?;
        admin.execute(&format!("DROP DATABASE IF EXISTS {name}"), &[]).await?;
        admin.execute(&format!("CREATE DATABASE {name}"), &[]).await?;
        let result = async {
            let store = Store::open_with(
                &with_database(url, &name),
                &duikou_store::KeyConfig::given(duikou_store::AuditKey::generate()),
            )
            .await?;
            let r = measure("PostgreSQL", &store, &a).await;
            store.db().close().await;
            r
        }
        .await;
        admin
            .execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), &[])
            .await?;
        admin.close().await;
        out.push(result?);
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("错误：{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let scale = a.scale;
    match run(a).await {
        Ok(rows) => {
            println!("Synthetic record, scale {scale}:\n");
            println!("| backend | rows | seconds | rows/s |");
            println!("|---|---:|---:|---:|");
            for r in &rows {
                println!(
                    "| {} | {} | {:.1} | {:.0} |",
                    r.backend,
                    r.rows,
                    r.secs,
                    r.rows as f64 / r.secs
                );
            }
            println!("\nActivities, one transaction each: bulk multi-row INSERT vs single-row prepared INSERT:\n");
            println!("| backend | rows | bulk s | bulk rows/s | single-row s | single-row rows/s | bulk time as % of single-row | bulk speed as % of single-row |");
            println!("|---|---:|---:|---:|---:|---:|---:|---:|");
            for r in &rows {
                println!(
                    "| {} | {} | {:.2} | {:.0} | {:.2} | {:.0} | {:.0} % | {:.0} % |",
                    r.backend,
                    r.bench_rows,
                    r.bulk_secs,
                    r.bench_rows as f64 / r.bulk_secs,
                    r.raw_secs,
                    r.bench_rows as f64 / r.raw_secs,
                    100.0 * r.bulk_secs / r.raw_secs,
                    100.0 * r.raw_secs / r.bulk_secs,
                );
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误：{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
