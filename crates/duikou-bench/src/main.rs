//! `duikou-bench`: the performance figures of BENCHMARKS.md, each beside a reference measured in the same run.
//!
//! - `import`: a CSV of activity rows through duikou's import (read, check, write) against the strongest raw path, one
//!   prepared INSERT in one transaction through rusqlite (and the same through sqlx), each into a fresh SQLite file.
//! - `assess`: every pairing of every program of a database (e.g. one `duikou demo --scale 1` wrote) assessed.
//! - `summary`: a whole-program work summary (.docx) for one year.
//! - `dashboard`: `GET /api/v1/dashboard?scope=…`, as kept and as rebuilt after a write, against a plain SQL GROUP BY
//!   over the base tables and DuckDB over a Parquet export of the same rows, figures checked equal (`bench/run.sh`
//!   runs it on every database).

use anyhow::Context;
use clap::{Parser, Subcommand};
use duikou_domain::access::Actor;
use duikou_store::{ListQuery, Store};
use serde_json::json;

// the allocator `duikou` runs on
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::time::Instant;

mod dashboard;
mod import;
mod load;

#[derive(Parser)]
#[command(name = "duikou-bench", about = "duikou 性能基准 / duikou benchmarks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// CSV 导入与原始逐行 INSERT 对比 / import of an activity CSV vs raw prepared inserts
    Import {
        /// 行数 / rows
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// 存放临时数据库的目录 / directory for the scratch databases
        #[arg(long)]
        dir: Option<String>,
        /// 结果另存为 JSON / also write the results as JSON
        #[arg(long)]
        json_out: Option<String>,
    },
    /// 考核某库中全部计划的全部结对 / assess every pairing of every program
    Assess {
        /// 数据库 / database URL or SQLite path
        #[arg(long)]
        db: String,
        /// 评估日期 / judged as of
        #[arg(long, default_value = "2025-06-30")]
        as_of: String,
        /// 重复次数 / repetitions
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// 结果另存为 JSON / also write the results as JSON
        #[arg(long)]
        json_out: Option<String>,
    },
    /// 页面与接口在并发连接下的耗时 / page and API times under concurrent connections
    Load {
        /// 数据库 / database URL or SQLite path
        #[arg(long)]
        db: String,
        /// 路径（可多次）/ paths to measure
        #[arg(long = "path", default_values_t = [String::from("/"), String::from("/api/v1/overview"), String::from("/records/activities"), String::from("/api/v1/activities?per_page=50")])]
        paths: Vec<String>,
        /// 并发连接数 / concurrent connections
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// 每个路径的秒数 / seconds per path
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
    },
    /// 全国看板接口与 GROUP BY、DuckDB 参照对比 / dashboard API vs plain GROUP BY and DuckDB
    Dashboard {
        /// 数据库 / database URL or SQLite path
        #[arg(long)]
        db: String,
        /// 表格标题 / label of the table
        #[arg(long, default_value = "dashboard")]
        label: String,
        /// 范围（可多次；缺省：all、最大计划、最大结对、最大省份）/ scopes (default: all, largest program, pairing, province)
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// 以子进程运行此 duikou 可执行文件的 serve 并测其内存 / run `BIN serve` as a child process (and read its RSS)
        #[arg(long)]
        serve: Option<String>,
        /// 并发连接数 / concurrent connections
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// 每个范围、每种并发的秒数 / seconds per scope and concurrency
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// GROUP BY 参照的次数 / runs of the GROUP BY reference
        #[arg(long, default_value_t = 3)]
        ref_runs: usize,
        /// DuckDB 参照所读的 Parquet 目录 / Parquet directory for the DuckDB reference
        #[arg(long)]
        duckdb_dir: Option<String>,
        /// 装有 duckdb 的 Python / Python with duckdb installed
        #[arg(long, default_value = "python3")]
        python: String,
        /// DuckDB 参照脚本 / the DuckDB reference script
        #[arg(long, default_value = "bench/duckdb_dashboard.py")]
        script: String,
        /// DuckDB 参照的次数 / runs of the DuckDB reference
        #[arg(long, default_value_t = 10)]
        duckdb_runs: usize,
        /// 结果另存为 JSON / also write the results as JSON
        #[arg(long)]
        json_out: Option<String>,
        /// 写入后重建看板的次数（每个范围；0 为不测）/ runs of a write then a read of each scope (0: none)
        #[arg(long, default_value_t = 10)]
        rebuild_runs: usize,
    },
    /// 生成全计划年度工作总结 / whole-program annual summary
    Summary {
        /// 数据库 / database URL or SQLite path
        #[arg(long)]
        db: String,
        /// 计划编号（缺省：结对最多的计划）/ program id (default: the one with most pairings)
        #[arg(long)]
        program: Option<i64>,
        /// 期间 / period
        #[arg(long, default_value = "2024")]
        period: String,
        /// 重复次数 / repetitions
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// 结果另存为 JSON / also write the results as JSON
        #[arg(long)]
        json_out: Option<String>,
    },
}

/// One line naming the machine, read now (as bench/common.py's `machine()` writes it).
fn machine() -> String {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU", |(_, m)| m.trim());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_kib: f64 = read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let release = read("/proc/sys/kernel/osrelease");
    format!(
        "{model}, {cores} cores, {:.0} GiB, Linux {}",
        mem_kib / 1024.0 / 1024.0,
        release.trim()
    )
}

/// The one-minute load average, to print beside a figure measured on a shared machine (`None` without /proc).
fn loadavg() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Seconds since `t`, three decimals.
fn secs(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1000.0).round() / 1000.0
}

/// The median (the mean of the two middle values of an even count; NaN for none).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

async fn programs_by_size(store: &Store) -> anyhow::Result<Vec<(i64, String, usize)>> {
    let mut out = Vec::new();
    for p in store.list_every("programs", &ListQuery::default()).await? {
        let id = p["id"].as_i64().unwrap_or(0);
        let mut q = ListQuery {
            per_page: Some(1),
            ..Default::default()
        };
        q.filters.insert("program_id".into(), id.to_string());
        let n = store.list("pairings", &q).await?.total as usize;
        out.push((id, p["name"].as_str().unwrap_or("").to_string(), n));
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.2));
    Ok(out)
}

async fn assess(db: &str, as_of: &str, runs: usize, json_out: Option<&str>) -> anyhow::Result<()> {
    anyhow::ensure!(runs >= 1, "--runs 至少为 1");
    let as_of = duikou_domain::validate::parse_date(as_of).context("--as-of 应为 YYYY-MM-DD")?;
    let store = Store::open(db).await?;
    let programs = programs_by_size(&store).await?;
    println!("| program | pairings | results | seconds (median of {runs}) |");
    println!("|---|---:|---:|---:|");
    let mut total = Vec::new();
    // each program's times over the runs, and its count of results (the same every run)
    let mut each: Vec<(Vec<f64>, usize)> = vec![(Vec::new(), 0); programs.len()];
    for _ in 0..runs {
        let t = Instant::now();
        for ((id, _, _), (times, results)) in programs.iter().zip(each.iter_mut()) {
            let p = Instant::now();
            let assessed = store.assess_program(*id, None, as_of).await?;
            times.push(secs(p));
            *results = assessed.iter().map(|a| a.results.len()).sum();
        }
        total.push(secs(t));
    }
    for ((_, name, pairings), (times, results)) in programs.iter().zip(each) {
        println!("| {name} | {pairings} | {results} | {:.3} |", median(times));
    }
    let pairings: usize = programs.iter().map(|p| p.2).sum();
    println!(
        "\nall {} programs, {pairings} pairings: median {:.3} s over {runs} runs (each run: {:?})",
        programs.len(),
        median(total.clone()),
        total
    );
    if let Some(path) = json_out {
        let v = serde_json::json!({
            "programs": programs.len(), "pairings": pairings, "runs": total, "median_s": median(total.clone()),
            "as_of": as_of.to_string(), "machine": machine(), "load": loadavg(),
        });
        std::fs::write(path, serde_json::to_vec_pretty(&v)?)?;
    }
    Ok(())
}

async fn summary(
    db: &str,
    program: Option<i64>,
    period: &str,
    runs: usize,
    json_out: Option<&str>,
) -> anyhow::Result<()> {
    anyhow::ensure!(runs >= 1, "--runs 至少为 1");
    let store = Store::open(db).await?;
    let programs = programs_by_size(&store).await?;
    let (program, pairings) = match program {
        Some(p) => (p, programs.iter().find(|x| x.0 == p).map_or(0, |x| x.2)),
        None => programs.first().map(|x| (x.0, x.2)).context("数据库中没有计划")?,
    };
    let period: duikou_domain::Period = period.parse().map_err(|e| anyhow::anyhow!("--period：{e}"))?;
    let scope: duikou_store::summary::Scope = format!("program:{program}").parse()?;
    let as_of = chrono::Utc::now().date_naive();
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let input = store.summary_input(&scope, &period, as_of).await?;
        let read = secs(t);
        let (doc, figures) = duikou_summary::build(&input)?;
        let built = secs(t);
        let bytes = duikou_report::docx(&doc).map_err(|e| anyhow::anyhow!("{e}"))?;
        size = bytes.len();
        let all = secs(t);
        println!(
            "read {read:.3} s, text and tables {:.3} s, .docx {:.3} s, in all {all:.3} s: {} figures, {size} bytes",
            built - read,
            all - built,
            figures.len()
        );
        times.push(all);
    }
    println!(
        "\nprogram {program}, period {period}: median {:.3} s over {runs} runs ({size} bytes of .docx)",
        median(times.clone())
    );
    if let Some(path) = json_out {
        let v = serde_json::json!({
            "program": program, "pairings": pairings, "period": period.to_string(), "runs": times,
            "median_s": median(times.clone()), "docx_bytes": size, "machine": machine(), "load": loadavg(),
        });
        std::fs::write(path, serde_json::to_vec_pretty(&v)?)?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Import { rows, dir, json_out } => import::run(rows, dir.as_deref(), json_out.as_deref()).await,
        Command::Assess {
            db,
            as_of,
            runs,
            json_out,
        } => assess(&db, &as_of, runs, json_out.as_deref()).await,
        Command::Load {
            db,
            paths,
            connections,
            seconds,
        } => load::run(&db, &paths, connections, seconds).await,
        Command::Dashboard {
            db,
            label,
            scopes,
            serve,
            connections,
            seconds,
            ref_runs,
            duckdb_dir,
            python,
            script,
            duckdb_runs,
            json_out,
            rebuild_runs,
        } => {
            dashboard::run(dashboard::Options {
                db,
                label,
                scopes,
                serve,
                connections,
                seconds,
                ref_runs,
                duckdb_dir,
                python,
                script,
                duckdb_runs,
                json_out,
                rebuild_runs,
            })
            .await
        }
        Command::Summary {
            db,
            program,
            period,
            runs,
            json_out,
        } => summary(&db, program, &period, runs, json_out.as_deref()).await,
    }
}

/// The system actor, for writes the benchmarks make.
fn system() -> Actor {
    Actor::system()
}

/// A small fixture of orgs, one program and `n` pairings; returns the pairings' names (as a sheet writes them) and ids.
async fn fixture(store: &Store, n: usize) -> anyhow::Result<Vec<(String, i64)>> {
    let sys = system();
    let authority = store
        .create(&sys, "orgs", &json!({"name": "某省教育厅", "kind": "government"}))
        .await?;
    let program = store
        .create(
            &sys,
            "programs",
            &json!({"name": "基准计划", "authority_org_id": authority["id"], "start_date": "2015-01-01",
                    "end_date": "2024-12-31", "calendar": {"kind": "school_year"}}),
        )
        .await?;
    let mut out = Vec::new();
    for i in 0..n {
        let s = format!("支援学校{i:02}");
        let r = format!("受援学校{i:02}");
        let supporter = store
            .create(&sys, "orgs", &json!({"name": s, "kind": "school"}))
            .await?;
        let receiver = store
            .create(&sys, "orgs", &json!({"name": r, "kind": "school"}))
            .await?;
        let pairing = store
            .create(
                &sys,
                "pairings",
                &json!({"program_id": program["id"], "supporter_org_id": supporter["id"],
                        "receiver_org_id": receiver["id"], "level": "school_school"}),
            )
            .await?;
        out.push((format!("{s}→{r}"), pairing["id"].as_i64().unwrap_or(0)));
    }
    Ok(out)
}
