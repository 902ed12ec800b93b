//! The plain Chinese overview at `/`: what duikou holds and the published programs with their pairings.
//! (The full web UI is another issue; this page is server-rendered HTML with no script.)

use crate::error::ApiResult;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Html;
use duikou_domain::schema::{self, ENTITIES};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Escapes text for HTML so nothing a user typed is ever executed.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// How many pairings of each published program the overview lists (the rest are a filtered list away).
pub const OVERVIEW_PAIRINGS: i64 = 20;

/// Counts of every entity (kept at write time) and the published programs with their first pairings.
pub async fn overview_data(state: &AppState) -> ApiResult<Value> {
    let kept = state.store.row_counts().await?;
    let mut counts = serde_json::Map::new();
    for e in ENTITIES {
        let count = kept.get(e.name).copied().unwrap_or(0);
        counts.insert(e.name.into(), json!({ "label": e.label, "count": count }));
    }
    let programs = state.store.published_programs(OVERVIEW_PAIRINGS).await?;
    Ok(json!({ "counts": counts, "programs": programs }))
}

/// The public overview as made at one audit head: its data, the JSON text the API serves and the page `/` serves.
pub struct Overview {
    /// What [`overview_data`] made.
    pub data: Value,
    /// `data` as the JSON text the API serves.
    pub json: Bytes,
    /// The anonymous page drawn from `data`.
    pub html: Bytes,
}

/// The overview kept while the audit head (every write moves it) stays where it was when it was made, so several
/// servers against one database never serve each other a stale one: each reads the head on every request.
#[derive(Default)]
pub struct OverviewKept {
    kept: std::sync::Mutex<Option<(i64, Arc<Overview>)>>,
    /// One overview made at a time: readers who missed together wait for the first one's.
    making: tokio::sync::Mutex<()>,
    made: AtomicU64,
}

impl OverviewKept {
    /// The overview as of now: the kept one when no write happened since it was made, else a new one.
    pub async fn get(&self, state: &AppState) -> ApiResult<Arc<Overview>> {
        let head = state.store.audit_head_seq().await?;
        // one made at `head` or a later head already holds every write up to `head`
        let kept = || {
            let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            kept.as_ref().filter(|(h, _)| *h >= head).map(|(_, o)| o.clone())
        };
        if let Some(o) = kept() {
            return Ok(o);
        }
        let _making = self.making.lock().await;
        if let Some(o) = kept() {
            return Ok(o);
        }
        // read after `head`: it holds every write up to `head` (maybe later ones too, which only makes it fresher)
        let data = overview_data(state).await?;
        let json = Bytes::from(data.to_string());
        let html = Bytes::from(overview_page(&data));
        let made = Arc::new(Overview { data, json, html });
        self.made.fetch_add(1, Ordering::Relaxed);
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.as_ref().is_none_or(|(h, _)| *h <= head) {
            *kept = Some((head, made.clone()));
        }
        Ok(made)
    }

    /// How many overviews were made since start (a read with no write since the last adds none).
    pub fn made(&self) -> u64 {
        self.made.load(Ordering::Relaxed)
    }
}

/// `GET /` for anonymous users: the kept overview page.
pub async fn index(State(state): State<AppState>) -> ApiResult<Html<Bytes>> {
    Ok(Html(state.overview.get(&state).await?.html.clone()))
}

/// The plain overview page of `data`.
fn overview_page(data: &Value) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>对口 duikou · 对口支援工作平台</title>\
         <style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.6}\
         table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left}\
         th{background:#eef}h1{margin-bottom:0}.muted{color:#555}\
         .login{float:right;margin-top:.6rem;padding:.3rem 1rem;background:#1d4ed8;color:#fff;border-radius:4px;text-decoration:none}</style></head><body>\
         <a class=\"login\" href=\"/login\">登录</a><h1>对口 duikou</h1><p class=\"muted\">对口支援、对口帮扶、东西部协作的工作记录：结对、协议与目标任务、援派人员、援建项目与资金、活动，以及双方确认。</p>",
    );
    html.push_str("<h2>记录概况</h2><table><tr><th>记录</th><th>条数</th></tr>");
    if let Some(counts) = data["counts"].as_object() {
        for e in ENTITIES {
            if let Some(c) = counts.get(e.name) {
                html.push_str(&format!("<tr><td>{}</td><td>{}</td></tr>", esc(e.label), c["count"]));
            }
        }
    }
    html.push_str("</table><h2>公开的计划与结对</h2>");
    let programs = data["programs"].as_array().cloned().unwrap_or_default();
    if programs.is_empty() {
        html.push_str("<p>暂无公开的计划。可用 <code>duikou demo</code> 载入示例数据。</p>");
    }
    for p in programs {
        let prog = &p["program"];
        let zh = |v: &serde_json::Value| {
            v.as_str().map(|s| {
                s.parse::<duikou_domain::RecDate>()
                    .map(|d| d.label_zh())
                    .unwrap_or_else(|_| s.to_string())
            })
        };
        let period = match (zh(&prog["start_date"]), zh(&prog["end_date"])) {
            (Some(a), Some(b)) => format!("{a} 至 {b}"),
            (Some(a), None) => format!("{a} 起"),
            _ => String::new(),
        };
        html.push_str(&format!(
            "<h3>{}</h3><p class=\"muted\">{}</p><table><tr><th>编号</th><th>支援方</th><th>受援方</th><th>层级</th><th>期限</th></tr>",
            esc(prog["name"].as_str().unwrap_or("")),
            esc(&period)
        ));
        for pr in p["pairings"].as_array().cloned().unwrap_or_default() {
            let pairing = &pr["pairing"];
            let level = schema::entity("pairings")
                .and_then(|d| d.field("level"))
                .map(|f| match f.kind {
                    schema::FieldKind::Enum(o) => schema::enum_label(o, pairing["level"].as_str().unwrap_or("")),
                    _ => "",
                })
                .unwrap_or("");
            let term = format!(
                "{} — {}",
                pairing["start_date"].as_str().unwrap_or(""),
                pairing["end_date"].as_str().unwrap_or("")
            );
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                pairing["id"],
                esc(pr["supporter"].as_str().unwrap_or("")),
                esc(pr["receiver"].as_str().unwrap_or("")),
                esc(level),
                esc(&term)
            ));
        }
        html.push_str("</table>");
        let total = p["pairings_total"].as_i64().unwrap_or(0);
        let shown = p["pairings"].as_array().map_or(0, Vec::len);
        if total > shown as i64 {
            html.push_str(&format!(
                "<p class=\"muted\">共 {total} 个结对，此处列出前 {shown} 个；登录后可在<a href=\"/records/pairings?program_id={}\">结对列表</a>中查看全部。</p>",
                prog["id"]
            ));
        }
    }
    html.push_str(
        "<h2>接口</h2><p>JSON 接口位于 <code>/api/v1</code>，说明文档：<a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>。\
         先 <code>POST /api/v1/auth/token</code> 换取令牌，再以 <code>Authorization: Bearer …</code> 访问。</p></body></html>",
    );
    html
}
