//! Page and API times under concurrent connections: duikou's pages against a bare axum handler served by the same
//! process in the same run, each driven by 64 keep-alive HTTP/1.1 connections on loopback for a fixed time.

use anyhow::Context;
use duikou_store::Store;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// What one path did under load.
pub struct Measured {
    pub requests: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub failures: usize,
}

async fn connection(
    addr: SocketAddr,
    path: String,
    headers: Vec<(String, String)>,
    until: Instant,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut times = Vec::new();
    let mut failures = 0;
    while Instant::now() < until {
        let mut req = hyper::Request::get(path.as_str()).header("host", addr.to_string());
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let req = req.body(Empty::<Bytes>::new())?;
        let t = Instant::now();
        let resp = sender.send_request(req).await?;
        let ok = resp.status().is_success();
        resp.into_body().collect().await?;
        times.push(t.elapsed());
        if !ok {
            failures += 1;
        }
    }
    Ok((times, failures))
}

/// Drives `path` with `connections` connections for `seconds`, each request carrying `headers`.
pub async fn drive(
    addr: SocketAddr,
    path: &str,
    headers: &[(String, String)],
    connections: usize,
    seconds: f64,
) -> anyhow::Result<Measured> {
    let start = Instant::now();
    let until = start + Duration::from_secs_f64(seconds);
    let tasks: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(connection(addr, path.to_string(), headers.to_vec(), until)))
        .collect();
    let mut all = Vec::new();
    let mut failures = 0;
    for t in tasks {
        let (times, f) = t.await??;
        all.extend(times);
        failures += f;
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort();
    let at = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .copied()
    };
    let ms = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
    Ok(Measured {
        requests: all.len(),
        per_second: all.len() as f64 / elapsed,
        p50_ms: ms(at(0.50)),
        p99_ms: ms(at(0.99)),
        failures,
    })
}

async fn serve(router: axum::Router) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(addr)
}

/// Serves the database and a bare handler, logs in as an administrator, and measures every path.
pub async fn run(db: &str, paths: &[String], connections: usize, seconds: f64) -> anyhow::Result<()> {
    let store = Store::open(db).await?;
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
    let session = store.create_session(user, 2).await?;
    let cookie = vec![("cookie".to_string(), format!("{}={}", "duikou_session", session.id))];
    let app = serve(duikou_web::app(duikou_web::AppState::new(store.clone()))).await?;
    let bare = serve(axum::Router::new().route(
        "/bare",
        axum::routing::get(|| async { axum::Json(serde_json::json!({"status": "ok", "items": [1, 2, 3]})) }),
    ))
    .await?;
    println!(
        "{connections} connections, {seconds} s per path, on {}\n",
        match store.backend() {
            duikou_store::Backend::Sqlite => "SQLite",
            duikou_store::Backend::Postgres => "PostgreSQL",
        }
    );
    println!("| path | requests | req/s | p50 ms | p99 ms | failed |");
    println!("|---|---:|---:|---:|---:|---:|");
    let reference = drive(bare, "/bare", &[], connections, seconds).await?;
    let row = |p: &str, m: &Measured| {
        println!(
            "| `{p}` | {} | {:.0} | {:.2} | {:.2} | {} |",
            m.requests, m.per_second, m.p50_ms, m.p99_ms, m.failures
        )
    };
    row("bare axum handler (reference)", &reference);
    for p in paths {
        let m = drive(app, p, &cookie, connections, seconds).await?;
        row(p, &m);
        if p.starts_with("/api/") {
            println!(
                "|  ↳ vs bare handler | | {:.0} % | | | |",
                100.0 * m.per_second / reference.per_second
            );
        }
    }
    Ok(())
}
