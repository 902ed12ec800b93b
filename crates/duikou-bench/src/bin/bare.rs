//! `bare`: the reference of the API benchmark (`bench/api_vs_bare.sh`) — one axum handler answering a JSON body, in
//! a process of its own, on the same tokio, axum and allocator as `duikou serve` and nothing else: no database, no
//! sign-in, no middleware. The body is serialised from a JSON value on every request, as duikou's handlers do; by
//! default it is a pairing shaped like `GET /api/v1/pairings/1`, or, with `--body FILE`, the JSON in that file (the
//! script passes the reply duikou gave, so both sides write the same bytes).
//!
//! ```sh
//! target/release/bare --addr 127.0.0.1:8099 [--body reply.json]
//! ```

use clap::Parser;
use serde_json::{json, Value};
use std::sync::Arc;

// the allocator `duikou` runs on
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "bare",
    about = "基准参照：最简 axum JSON 处理器 / the bare axum JSON handler of the API benchmark"
)]
struct Cli {
    /// 监听地址 / listen address
    #[arg(long, default_value = "127.0.0.1:8099")]
    addr: String,
    /// 应答的 JSON 文件（缺省为一个结对记录）/ JSON file to answer (default: a pairing record)
    #[arg(long)]
    body: Option<String>,
}

fn default_body() -> Value {
    json!({
        "id": 1, "version": 1, "created_at": "2026-11-28T08:00:00Z", "updated_at": "2026-11-28T08:00:00Z",
        "program_id": 1, "program_id_label": "对口支援新疆（合成）",
        "supporter_org_id": 11, "supporter_org_id_label": "某省人民政府",
        "receiver_org_id": 12, "receiver_org_id_label": "某地区行政公署",
        "level": "province_prefecture", "start_date": "2015-01-01", "end_date": null, "status": "active",
        "notes": null, "_etag": "W/\"1\""
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let body: Arc<Value> = Arc::new(match &cli.body {
        Some(path) => serde_json::from_slice(&std::fs::read(path)?)?,
        None => default_body(),
    });
    let app = axum::Router::new().route(
        "/bare",
        axum::routing::get(move || {
            let body = body.clone();
            async move { axum::Json(Value::clone(&body)) }
        }),
    );
    let listener = tokio::net::TcpListener::bind(&cli.addr).await?;
    println!("bare 已启动：http://{}/bare", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
