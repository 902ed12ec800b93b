//! The national dashboard API (`GET /api/v1/dashboard?scope=…`, read from the write-time aggregates) against two
//! references computed in the same run from the base records: a plain SQL GROUP BY over the base tables in the same
//! database, and DuckDB scanning the same rows exported to Parquet (`bench/duckdb_dashboard.py`). Every scope's
//! figures are checked equal on all three before any time is reported.
//!
//! The figures compared (rows sorted, each a JSON array):
//! - `pairings`: pairings in scope;
//! - `money`: `[year, source, category, kind, n, amount, confirmed amount]` (transactions joined to their project);
//! - `projects`: `[category, n, planned, started, completed, investment]`;
//! - `people`: `[role, batch, n, confirmed]` (dispatches);
//! - `activities`: `[kind, month, n, confirmed, person_times, sessions, courses, hours, items, amount]`.

use crate::load::{drive, Measured};
use anyhow::{bail, Context};
use duikou_store::db::{Arg, Kind, Val};
use duikou_store::{Backend, Store};
use http_body_util::BodyExt;
use hyper::body::Bytes;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The options of `duikou-bench dashboard`.
pub struct Options {
    pub db: String,
    pub label: String,
    pub scopes: Vec<String>,
    pub serve: Option<String>,
    pub connections: usize,
    pub seconds: f64,
    pub ref_runs: usize,
    pub duckdb_dir: Option<String>,
    pub python: String,
    pub script: String,
    pub duckdb_runs: usize,
    pub json_out: Option<String>,
    pub rebuild_runs: usize,
}

/// The figures of one scope, in the shape described in the module docs.
#[derive(Debug, Clone, PartialEq)]
struct Figures {
    pairings: i64,
    tables: BTreeMap<&'static str, Vec<String>>,
}

const TABLES: [&str; 4] = ["money", "projects", "people", "activities"];

impl Figures {
    fn new(pairings: i64, mut tables: BTreeMap<&'static str, Vec<Value>>) -> Figures {
        let tables = TABLES
            .iter()
            .map(|t| {
                let mut rows: Vec<String> = tables
                    .remove(t)
                    .unwrap_or_default()
                    .iter()
                    .map(|r| serde_json::to_string(r).unwrap_or_default())
                    .collect();
                rows.sort();
                (*t, rows)
            })
            .collect();
        Figures { pairings, tables }
    }

    fn rows(&self) -> usize {
        self.tables.values().map(Vec::len).sum()
    }

    /// What differs, for the error message.
    fn diff(&self, other: &Figures) -> String {
        let mut out = String::new();
        if self.pairings != other.pairings {
            out.push_str(&format!("pairings {} vs {}\n", self.pairings, other.pairings));
        }
        for t in TABLES {
            let (a, b) = (&self.tables[t], &other.tables[t]);
            for r in a.iter().filter(|r| !b.contains(r)).take(5) {
                out.push_str(&format!("{t} - {r}\n"));
            }
            for r in b.iter().filter(|r| !a.contains(r)).take(5) {
                out.push_str(&format!("{t} + {r}\n"));
            }
        }
        out
    }
}

/// The API's dashboard JSON as figures.
fn from_api(v: &Value) -> anyhow::Result<Figures> {
    let rows = |key: &str, fields: &[&str]| -> anyhow::Result<Vec<Value>> {
        v[key]
            .as_array()
            .with_context(|| format!("API 返回中没有 {key}"))?
            .iter()
            .map(|r| Ok(Value::Array(fields.iter().map(|f| r[*f].clone()).collect())))
            .collect()
    };
    let mut t = BTreeMap::new();
    t.insert(
        "money",
        rows(
            "money",
            &["year", "source", "category", "kind", "n", "amount_fen", "confirmed_fen"],
        )?,
    );
    t.insert(
        "projects",
        rows(
            "projects_by_category",
            &["category", "n", "planned", "started", "completed", "investment_fen"],
        )?,
    );
    t.insert("people", rows("people", &["role", "batch", "n", "confirmed"])?);
    t.insert(
        "activities",
        rows(
            "activities_by_month",
            &[
                "kind",
                "month",
                "n",
                "confirmed",
                "person_times",
                "sessions",
                "courses",
                "hours",
                "items",
                "amount_fen",
            ],
        )?,
    );
    Ok(Figures::new(
        v["pairings"].as_i64().context("API 返回中没有 pairings")?,
        t,
    ))
}

/// DuckDB's figures (`duckdb_dashboard.py query`) as figures.
fn from_duckdb(v: &Value) -> anyhow::Result<Figures> {
    let mut t = BTreeMap::new();
    for name in TABLES {
        t.insert(
            name,
            v[name]
                .as_array()
                .with_context(|| format!("DuckDB 结果中没有 {name}"))?
                .clone(),
        );
    }
    Ok(Figures::new(
        v["pairings"].as_i64().context("DuckDB 结果中没有 pairings")?,
        t,
    ))
}

/// One named query with the kinds of its columns.
type Query = (&'static str, String, Vec<Kind>);

/// The plain GROUP BY queries over the base tables for one scope: `(name, SQL, kinds)`, and their arguments.
fn group_by_queries(backend: Backend, scope: &str) -> anyhow::Result<(Vec<Query>, Vec<Arg>)> {
    let (cond, args) = match scope.split_once(':') {
        None if scope == "all" => ("1 = 1".to_string(), vec![]),
        Some(("program", k)) => ("pr.program_id = $1".into(), vec![Arg::Int(Some(k.parse()?))]),
        Some(("pairing", k)) => ("pr.id = $1".into(), vec![Arg::Int(Some(k.parse()?))]),
        Some(("region", k)) => (
            "(o.region_code = $1 OR (length(o.region_code) = 6 AND (substr(o.region_code, 1, 4) || '00' = $1 \
             OR substr(o.region_code, 1, 2) || '0000' = $1)))"
                .into(),
            vec![Arg::Text(Some(k.to_string()))],
        ),
        _ => bail!("范围无效：{scope}"),
    };
    let (year, month) = match backend {
        Backend::Sqlite => ("CAST(substr(x.date, 1, 4) AS INTEGER)", "substr(a.start_date, 1, 7)"),
        Backend::Postgres => (
            "CAST(EXTRACT(YEAR FROM x.date) AS BIGINT)",
            "to_char(a.start_date, 'YYYY-MM')",
        ),
    };
    let sum = |e: &str| format!("CAST(COALESCE(SUM({e}), 0) AS BIGINT)");
    let conf = |c: &str| sum(&format!("CASE WHEN {c} = 'confirmed' THEN 1 ELSE 0 END"));
    let n = "CAST(COUNT(*) AS BIGINT)";
    let scoped = |col: &str| format!("JOIN pairings pr ON pr.id = {col} JOIN orgs o ON o.id = pr.receiver_org_id");
    use Kind::{Int, Text};
    let q = vec![
        (
            "pairings",
            format!("SELECT {n} FROM pairings pr JOIN orgs o ON o.id = pr.receiver_org_id WHERE {cond}"),
            vec![Int],
        ),
        (
            "money",
            format!(
                "SELECT {year}, x.source, p.category, x.kind, {n}, {}, {} FROM transactions x \
                 JOIN projects p ON p.id = x.project_id {} WHERE {cond} \
                 GROUP BY 1, 2, 3, 4",
                sum("x.amount"),
                sum("CASE WHEN x.confirmation = 'confirmed' THEN x.amount ELSE 0 END"),
                scoped("x.pairing_id"),
            ),
            vec![Int, Text, Text, Text, Int, Int, Int],
        ),
        (
            "projects",
            format!(
                "SELECT p.category, {n}, {}, {}, {}, {} FROM projects p {} \
                 WHERE {cond} GROUP BY 1",
                sum("CASE WHEN p.started_on IS NULL AND p.completed_on IS NULL THEN 1 ELSE 0 END"),
                sum("CASE WHEN p.started_on IS NOT NULL AND p.completed_on IS NULL THEN 1 ELSE 0 END"),
                sum("CASE WHEN p.completed_on IS NOT NULL THEN 1 ELSE 0 END"),
                sum("p.total_investment"),
                scoped("p.pairing_id"),
            ),
            vec![Text, Int, Int, Int, Int, Int],
        ),
        (
            "people",
            format!(
                "SELECT d.role, CAST(COALESCE(d.batch, 0) AS BIGINT), {n}, {} FROM dispatches d {} \
                 WHERE {cond} GROUP BY 1, 2",
                conf("d.confirmation"),
                scoped("d.pairing_id")
            ),
            vec![Text, Int, Int, Int],
        ),
        (
            "activities",
            format!(
                "SELECT a.kind, {month}, {n}, {}, {} FROM activities a {} \
                 WHERE {cond} GROUP BY 1, 2",
                conf("a.confirmation"),
                ["person_times", "sessions", "courses", "hours", "items", "amount"]
                    .iter()
                    .map(|c| sum(&format!("a.{c}")))
                    .collect::<Vec<_>>()
                    .join(", "),
                scoped("a.pairing_id")
            ),
            vec![Text, Text, Int, Int, Int, Int, Int, Int, Int, Int],
        ),
    ];
    Ok((q, args))
}

fn val_json(v: &Val) -> Value {
    match v {
        Val::Int(i) => json!(i.unwrap_or(0)),
        Val::Text(t) => json!(t.clone().unwrap_or_default()),
        other => json!(format!("{other:?}")),
    }
}

/// One scope's figures by plain GROUP BY in the database.
async fn group_by(store: &Store, scope: &str) -> anyhow::Result<Figures> {
    let (queries, args) = group_by_queries(store.backend(), scope)?;
    let mut pairings = 0;
    let mut tables = BTreeMap::new();
    for (name, sql, kinds) in queries {
        let rows = store
            .db()
            .fetch(&sql, &args, &kinds)
            .await
            .with_context(|| format!("GROUP BY {name}: {sql}"))?;
        if name == "pairings" {
            pairings = rows.first().and_then(|r| r[0].int()).unwrap_or(0);
        } else {
            tables.insert(
                name,
                rows.iter()
                    .map(|r| Value::Array(r.iter().map(val_json).collect()))
                    .collect(),
            );
        }
    }
    Ok(Figures::new(pairings, tables))
}

/// The scopes measured when none are given: everything, the program with the most pairings, the pairing with the
/// most activities, and the province with the most receiving pairings.
async fn default_scopes(store: &Store) -> anyhow::Result<Vec<String>> {
    let one = |sql: &'static str, kind: Kind| async move {
        store
            .db()
            .fetch_opt(sql, &[], &[kind])
            .await
            .map(|r| r.map(|r| val_json(&r[0])))
    };
    let mut out = vec!["all".to_string()];
    if let Some(p) = one(
        "SELECT program_id FROM pairings GROUP BY program_id ORDER BY COUNT(*) DESC, program_id LIMIT 1",
        Kind::Int,
    )
    .await?
    {
        out.push(format!("program:{p}"));
    }
    if let Some(p) = one(
        "SELECT pairing_id FROM activities GROUP BY pairing_id ORDER BY COUNT(*) DESC, pairing_id LIMIT 1",
        Kind::Int,
    )
    .await?
    {
        out.push(format!("pairing:{p}"));
    }
    if let Some(Value::String(r)) = one(
        "SELECT substr(o.region_code, 1, 2) || '0000' FROM pairings pr JOIN orgs o ON o.id = pr.receiver_org_id \
         WHERE length(o.region_code) = 6 GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1",
        Kind::Text,
    )
    .await?
    {
        out.push(format!("region:{r}"));
    }
    Ok(out)
}

/// One GET; the status and the body.
async fn get(addr: SocketAddr, path: &str, headers: &[(String, String)]) -> anyhow::Result<(u16, Bytes)> {
    send(addr, "GET", path, headers, None).await
}

/// One request with an optional JSON body, on a connection of its own; the status and the body.
async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    json_body: Option<&Value>,
) -> anyhow::Result<(u16, Bytes)> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let body = match json_body {
        Some(v) => {
            req = req.header("content-type", "application/json");
            http_body_util::Full::new(Bytes::from(serde_json::to_vec(v)?))
        }
        None => http_body_util::Full::new(Bytes::new()),
    };
    let resp = sender.send_request(req.body(body)?).await?;
    let status = resp.status().as_u16();
    Ok((status, resp.into_body().collect().await?.to_bytes()))
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

/// p50 and p99 of times in milliseconds (with few runs, p99 is the slowest).
fn p50_p99(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (percentile(&v, 0.5), percentile(&v, 0.99))
}

/// `duikou serve` as a child process, killed when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `VmHWM` (peak resident set) and `VmRSS` of a process, in MiB.
fn rss_mib(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

/// CPU time (user + system) a process has used, in milliseconds.
fn cpu_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // fields after the command name, which is in parentheses: state is field 3, utime 14, stime 15
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0) // USER_HZ is 100 on Linux
}

async fn serve_in_process(router: axum::Router) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(addr)
}

/// Starts `bin --database db serve` on a free loopback port and waits for `/healthz`.
async fn spawn_serve(bin: &str, db: &str) -> anyhow::Result<(Child, SocketAddr)> {
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        l.local_addr()?
    };
    let child = std::process::Command::new(bin)
        .args(["--database", db, "--log", "warn", "serve", "--addr", &addr.to_string()])
        .stdout(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("无法启动 {bin}"))?;
    let child = Child(child);
    let until = Instant::now() + Duration::from_secs(300);
    loop {
        if let Ok((200, _)) = get(addr, "/healthz", &[]).await {
            return Ok((child, addr));
        }
        if Instant::now() > until {
            bail!("{bin} serve 未在 300 秒内就绪");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn fmt_ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Runs the dashboard benchmark and prints a Markdown table.
pub async fn run(o: Options) -> anyhow::Result<()> {
    let store = Store::open(&o.db).await?;
    let backend = match store.backend() {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    let scopes = if o.scopes.is_empty() {
        default_scopes(&store).await?
    } else {
        o.scopes.clone()
    };
    eprintln!("[{}] scopes: {scopes:?}", o.label);

    // an administrator's API token (the API reads it on every request, as for any script)
    let sys = duikou_domain::access::Actor::system();
    let username = format!("bench{}", std::process::id());
    store
        .create_user(
            &sys,
            &duikou_store::accounts::NewUser {
                username: username.clone(),
                display_name: None,
                password: "bench-password-1".into(),
                role: "admin".into(),
                org_ids: vec![],
            },
        )
        .await?;
    let user = store.user_id(&username).await?.context("用户未建成")?;
    let token = store.create_token(user, "duikou-bench dashboard").await?;
    let headers = vec![("authorization".to_string(), format!("Bearer {token}"))];

    let (child, app) = match &o.serve {
        Some(bin) => {
            let (c, a) = spawn_serve(bin, &o.db).await?;
            (Some(c), a)
        }
        None => (
            None,
            serve_in_process(duikou_web::app(duikou_web::AppState::new(store.clone()))).await?,
        ),
    };
    let pid = child.as_ref().map(|c| c.0.id());
    let rss_idle = pid.and_then(rss_mib);
    let bare = serve_in_process(axum::Router::new().route(
        "/bare",
        axum::routing::get(|| async { axum::Json(json!({"status": "ok", "items": [1, 2, 3]})) }),
    ))
    .await?;

    // 1. the figures, three ways, must agree
    let mut api_figs = BTreeMap::new();
    let mut sql_figs = BTreeMap::new();
    let mut body_bytes = BTreeMap::new();
    for s in &scopes {
        let path = format!("/api/v1/dashboard?scope={s}");
        let (status, body) = get(app, &path, &headers).await?;
        if status != 200 {
            bail!("{path}: HTTP {status}: {}", String::from_utf8_lossy(&body));
        }
        let f = from_api(&serde_json::from_slice(&body)?)?;
        body_bytes.insert(s.clone(), body.len());
        let t = Instant::now();
        let g = group_by(&store, s).await?;
        eprintln!(
            "[{}] {s}: GROUP BY (first run) {:.1} s",
            o.label,
            t.elapsed().as_secs_f64()
        );
        if f != g {
            bail!("{s}: API 与 GROUP BY 结果不一致：\n{}", f.diff(&g));
        }
        api_figs.insert(s.clone(), f);
        sql_figs.insert(s.clone(), g);
    }

    // 2. DuckDB over the Parquet export: its figures and times
    let mut duck: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut duck_version = String::new();
    if let Some(dir) = &o.duckdb_dir {
        let mut cmd = std::process::Command::new(&o.python);
        cmd.args([
            o.script.as_str(),
            "query",
            "--dir",
            dir,
            "--runs",
            &o.duckdb_runs.to_string(),
        ]);
        for s in &scopes {
            cmd.args(["--scope", s]);
        }
        let out = cmd
            .output()
            .with_context(|| format!("无法运行 {} {}", o.python, o.script))?;
        if !out.status.success() {
            bail!("DuckDB 参照失败：{}", String::from_utf8_lossy(&out.stderr));
        }
        let v: Value = serde_json::from_slice(&out.stdout)?;
        duck_version = format!(
            "DuckDB {} ({} threads)",
            v["duckdb"].as_str().unwrap_or("?"),
            v["threads"]
        );
        for s in &scopes {
            let r = &v["scopes"][s];
            let f = from_duckdb(&r["figures"])?;
            if f != api_figs[s] {
                bail!("{s}: API 与 DuckDB 结果不一致：\n{}", api_figs[s].diff(&f));
            }
            let times: Vec<f64> = r["times_ms"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            duck.insert(s.clone(), p50_p99(times));
        }
    }

    // 3. the plain GROUP BY, timed
    let mut sql_times = BTreeMap::new();
    for s in &scopes {
        let mut times = Vec::new();
        for _ in 0..o.ref_runs {
            let t = Instant::now();
            let g = group_by(&store, s).await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if g != sql_figs[s] {
                bail!("{s}: GROUP BY 两次结果不同");
            }
        }
        sql_times.insert(s.clone(), p50_p99(times));
    }

    // 4. the API: one connection (latency), then `connections` connections (throughput), beside the bare handler
    let reference = drive(bare, "/bare", &[], o.connections, o.seconds).await?;
    let mut api1: BTreeMap<String, Measured> = BTreeMap::new();
    let mut api_n: BTreeMap<String, Measured> = BTreeMap::new();
    let mut cpu_per_request = BTreeMap::new();
    for s in &scopes {
        let path = format!("/api/v1/dashboard?scope={s}");
        api1.insert(s.clone(), drive(app, &path, &headers, 1, o.seconds).await?);
        let before = pid.and_then(cpu_ms);
        let m = drive(app, &path, &headers, o.connections, o.seconds).await?;
        if let (Some(a), Some(b)) = (before, pid.and_then(cpu_ms)) {
            cpu_per_request.insert(s.clone(), (b - a) / m.requests.max(1) as f64);
        }
        api_n.insert(s.clone(), m);
    }
    // 4b. the dashboard rebuilt after a write: every write moves the audit head, so the next read of any scope makes
    // its dashboard again from the aggregate tables (kept current by the write itself). One activity of the largest
    // pairing has its title changed through the API (and changed back on the next run), then each scope is read once:
    // the write's time and the read's time, `rebuild_runs` times.
    let mut rebuilt: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    if o.rebuild_runs > 0 {
        let target = store
            .db()
            .fetch_opt(
                "SELECT id, title FROM activities WHERE pairing_id = (SELECT pairing_id FROM activities \
                 GROUP BY pairing_id ORDER BY COUNT(*) DESC, pairing_id LIMIT 1) ORDER BY id LIMIT 1",
                &[],
                &[Kind::Int, Kind::Text],
            )
            .await?
            .context("没有活动记录可改")?;
        let (id, title) = (val_json(&target[0]), val_json(&target[1]));
        let title = title.as_str().unwrap_or("活动").to_string();
        for run in 0..o.rebuild_runs {
            for s in &scopes {
                let new_title = if run % 2 == 0 {
                    format!("{title}（基准改写）")
                } else {
                    title.clone()
                };
                let t = Instant::now();
                let (status, body) = send(
                    app,
                    "PATCH",
                    &format!("/api/v1/activities/{id}"),
                    &headers,
                    Some(&json!({ "title": new_title })),
                )
                .await?;
                let write_ms = t.elapsed().as_secs_f64() * 1000.0;
                if status != 200 {
                    bail!(
                        "PATCH activities/{id}: HTTP {status}: {}",
                        String::from_utf8_lossy(&body)
                    );
                }
                let path = format!("/api/v1/dashboard?scope={s}");
                let t = Instant::now();
                let (status, body) = get(app, &path, &headers).await?;
                let read_ms = t.elapsed().as_secs_f64() * 1000.0;
                if status != 200 {
                    bail!("{path}: HTTP {status}");
                }
                // a title is no figure: the rebuilt dashboard must say what the kept one said
                if from_api(&serde_json::from_slice(&body)?)? != api_figs[s] {
                    bail!("{s}: 改写标题后看板数字变了");
                }
                let e = rebuilt.entry(s.clone()).or_default();
                e.0.push(write_ms);
                e.1.push(read_ms);
            }
        }
        if o.rebuild_runs % 2 == 1 {
            // the title back as it was
            send(
                app,
                "PATCH",
                &format!("/api/v1/activities/{id}"),
                &headers,
                Some(&json!({ "title": title })),
            )
            .await?;
        }
    }

    let rss = pid.and_then(rss_mib);
    drop(child);

    // 5. the table
    println!(
        "\n**{}** ({backend}; API by {}; {} connections for {} s per scope; GROUP BY {} runs{})\n",
        o.label,
        if o.serve.is_some() {
            "`duikou serve`"
        } else {
            "the bench process"
        },
        o.connections,
        o.seconds,
        o.ref_runs,
        if duck_version.is_empty() {
            String::new()
        } else {
            format!("; {duck_version}, {} runs", o.duckdb_runs)
        }
    );
    println!(
        "| scope | pairings | rows | bytes | API p50 ms (kept) | API p99 ms | rebuilt after a write p50 / max ms | \
         the write p50 ms | GROUP BY p50 / max ms | DuckDB p50 / p99 ms | \
         API req/s @{c} | vs bare (in-process client) | p99 ms @{c} | serve CPU ms/req | failed |",
        c = o.connections
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut results = Vec::new();
    for s in &scopes {
        let (a1, an, g) = (&api1[s], &api_n[s], sql_times[s]);
        let d = duck.get(s).copied();
        let cpu = cpu_per_request.get(s).copied();
        let rb = rebuilt.get(s).map(|(w, r)| {
            let (r50, _) = p50_p99(r.clone());
            let rmax = r.iter().copied().fold(f64::NAN, f64::max);
            (r50, rmax, p50_p99(w.clone()).0)
        });
        println!(
            "| `{s}` | {} | {} | {} | {} | {} | {} | {} | {} / {} | {} | {:.0} | {:.1} % | {} | {} | {} |",
            api_figs[s].pairings,
            api_figs[s].rows(),
            body_bytes[s],
            fmt_ms(a1.p50_ms),
            fmt_ms(a1.p99_ms),
            rb.map_or("–".into(), |r| format!("{} / {}", fmt_ms(r.0), fmt_ms(r.1))),
            rb.map_or("–".into(), |r| fmt_ms(r.2)),
            fmt_ms(g.0),
            fmt_ms(g.1),
            d.map_or("–".into(), |d| format!("{} / {}", fmt_ms(d.0), fmt_ms(d.1))),
            an.per_second,
            100.0 * an.per_second / reference.per_second,
            fmt_ms(an.p99_ms),
            cpu.map_or("–".into(), |c| format!("{c:.1}")),
            a1.failures + an.failures,
        );
        results.push(json!({
            "scope": s, "pairings": api_figs[s].pairings, "rows": api_figs[s].rows(), "bytes": body_bytes[s],
            "serve_cpu_ms_per_request": cpu,
            "api_p50_ms": a1.p50_ms, "api_p99_ms": a1.p99_ms, "api_requests_1": a1.requests,
            "group_by_p50_ms": g.0, "group_by_max_ms": g.1,
            "duckdb_p50_ms": d.map(|d| d.0), "duckdb_p99_ms": d.map(|d| d.1),
            "api_rps": an.per_second, "api_p50_ms_n": an.p50_ms, "api_p99_ms_n": an.p99_ms,
            "rebuilt_p50_ms": rb.map(|r| r.0), "rebuilt_max_ms": rb.map(|r| r.1), "write_p50_ms": rb.map(|r| r.2),
            "failed": a1.failures + an.failures,
        }));
    }
    println!(
        "| bare axum handler (reference) | | | | | | | | | | {:.0} | 100 % | {} | | {} |",
        reference.per_second,
        fmt_ms(reference.p99_ms),
        reference.failures
    );
    println!(
        "\nFigures agree: API = GROUP BY{} for every scope.",
        if duck.is_empty() { "" } else { " = DuckDB" }
    );
    if let (Some(idle), Some(rss)) = (rss_idle, rss) {
        println!(
            "`duikou serve` memory: peak RSS (VmHWM) {:.0} MiB after the load, {:.0} MiB now; {:.0} MiB when idle.",
            rss.0, rss.1, idle.1
        );
    }
    if let Some(path) = &o.json_out {
        let v = json!({
            "label": o.label, "backend": backend, "connections": o.connections, "seconds": o.seconds,
            "load": crate::loadavg(), "machine": crate::machine(),
            "duckdb": duck_version, "bare_rps": reference.per_second, "bare_p99_ms": reference.p99_ms,
            "serve_peak_rss_mib": rss.map(|r| r.0), "serve_idle_rss_mib": rss_idle.map(|r| r.1),
            "scopes": results,
        });
        std::fs::write(path, serde_json::to_vec_pretty(&v)?)?;
    }
    Ok(())
}
