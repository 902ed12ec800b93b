//! The public portal: no login, Chinese first. `/` lists the published programs; `/public/programs/{id}` and
//! `/public/pairings/{id}` show one with its public pairings, headline figures and the 前后对比 of indicators; each
//! offers its confirmed facts as CSV, .xlsx and JSON (`/api/v1/public/…`, rate-limited per address).
//!
//! What is public, and which fields, is decided in one place: `duikou_store::public` (the publication rule and the
//! allow-list). Every answer here is drawn from its typed views only, so no other field can reach a page.
//! Answers are kept ([`PortalKept`]: after an ordinary write the kept answer is served at once while one rebuild makes
//! the new one; after a change on a program or pairing — a publication, withdrawal, withholding — the next reader waits
//! for the new one) and sent with `Cache-Control: public, max-age=60` and an `ETag` naming the audit head they were
//! made at. A program's page lists its pairings [`PER_PAGE`] to a page (`?page=N`). A program or pairing that is not
//! public answers 404 exactly as one that does not exist.

pub mod iati;

use crate::error::ApiError;
use crate::pages::esc;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use duikou_domain::Money;
use duikou_report::{Cell, Column, ColumnKind, Sheet, Table, Workbook};
use duikou_store::public::{
    label, map_pairings, PublicFacts, PublicFigures, PublicPairing, PublicPairingView, PublicProgramView,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV: &str = "text/csv; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";

/// The note an empty download carries.
pub const EMPTY_NOTE: &str = "本范围暂无已确认的公开事实：门户只公开受援方已确认的事实，待确认或有异议的事实不公开。";
/// What every download says of its content.
pub const SCOPE_NOTE: &str = "只含受援方已确认的事实；不含任何个人信息（姓名、证件号码、联系方式、考核结果等）。";

/// One answer as made: status, type, body, file name (for downloads).
pub struct Made {
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    file: Option<String>,
}

/// What the portal keeps: its answers (pages, downloads, JSON) and the program views its program pages are drawn
/// from (one view serves every page of a program's pairings), each with the audit head it was made at.
///
/// **No reader pays for an ordinary write.** An answer made before the last write is served at once while one
/// rebuild of it runs in the background (one at a time in the process; readers of the same answer never start a
/// second), and a later read finds the new one. **Nothing no longer public is ever served:** an answer is served
/// stale only when no event on a program or a pairing (publication, withdrawal, withholding, a move, a deletion —
/// [`duikou_store::Store::publication_event_between`]) came after it was made; otherwise the reader waits for the
/// fresh one. Checked against the database on every read, so servers sharing one database never serve each other a
/// stale one.
pub struct PortalKept {
    answers: Kept<Arc<Made>>,
    views: Kept<Option<Arc<PublicProgramView>>>,
    /// The audit events read so far for publication changes: up to which head, and the last such event seen.
    watched: Mutex<Option<(i64, i64)>>,
    /// One reader of new audit events at a time.
    reading: tokio::sync::Mutex<()>,
    /// One background rebuild at a time (the machine's cores are the readers' too).
    background: tokio::sync::Semaphore,
}

impl Default for PortalKept {
    fn default() -> Self {
        PortalKept {
            answers: Kept::default(),
            views: Kept::default(),
            watched: Mutex::new(None),
            reading: tokio::sync::Mutex::new(()),
            background: tokio::sync::Semaphore::new(1),
        }
    }
}

/// Values kept by key with the head each was made at, the keys being rebuilt in the background, and one lock per
/// stripe of keys so that readers who wait for the same value wait for one making of it.
pub struct Kept<T> {
    kept: Mutex<HashMap<String, (i64, T)>>,
    refreshing: Mutex<std::collections::HashSet<String>>,
    making: Vec<tokio::sync::Mutex<()>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept {
            kept: Mutex::new(HashMap::new()),
            refreshing: Mutex::new(Default::default()),
            making: (0..STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
        }
    }
}

/// Values kept at most in each kind; past that the oldest go first.
const KEPT: usize = 512;
/// Locks for making values (keys share one by their hash).
const STRIPES: usize = 64;

impl<T: Clone> Kept<T> {
    fn find(&self, key: &str) -> Option<(i64, T)> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(key).cloned()
    }

    /// Keeps `value` made at `head`, unless a newer one is kept already.
    fn put(&self, key: &str, head: i64, value: T) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        match kept.get(key) {
            Some((h, _)) if *h > head => return,
            Some(_) => {}
            None if kept.len() >= KEPT => {
                if let Some(oldest) = kept.iter().min_by_key(|(_, (h, _))| *h).map(|(k, _)| k.clone()) {
                    kept.remove(&oldest);
                }
            }
            None => {}
        }
        kept.insert(key.to_string(), (head, value));
    }

    fn stripe(&self, key: &str) -> &tokio::sync::Mutex<()> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        &self.making[(h.finish() % STRIPES as u64) as usize]
    }
}

/// Which of the portal's kinds of kept values a type is.
trait Keep: Clone + Send + Sync + 'static {
    fn kept(p: &PortalKept) -> &Kept<Self>;
}

impl Keep for Arc<Made> {
    fn kept(p: &PortalKept) -> &Kept<Self> {
        &p.answers
    }
}

impl Keep for Option<Arc<PublicProgramView>> {
    fn kept(p: &PortalKept) -> &Kept<Self> {
        &p.views
    }
}

/// Takes a key out of the keys being rebuilt when its rebuild ends, however it ends.
struct Rebuilt<T: Keep>(Arc<PortalKept>, String, std::marker::PhantomData<T>);

impl<T: Keep> Drop for Rebuilt<T> {
    fn drop(&mut self) {
        T::kept(&self.0)
            .refreshing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.1);
    }
}

impl PortalKept {
    /// The value kept under `key`, or made by `make`: `make(head, fresh)` makes it as of at least `head` and answers
    /// the head its value stands at (`fresh`: the values it draws on must be fresh too). With `fresh`, only a value
    /// made at the current head will do; without, a value older than the head is served when no publication change
    /// came after it, and rebuilt in the background.
    async fn get<T, F, Fut>(&self, state: &AppState, key: String, fresh: bool, make: F) -> Result<(i64, T), ApiError>
    where
        T: Keep,
        F: FnOnce(i64, bool) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<(i64, T), ApiError>> + Send + 'static,
    {
        let kept = T::kept(self);
        let head = state.store.audit_head_seq().await.map_err(internal)?;
        self.watch_from(head);
        let servable = |h: i64| async move {
            Ok::<_, ApiError>(h >= head || !fresh && !self.publication_changed(state, h, head).await?)
        };
        if let Some((h, v)) = kept.find(&key) {
            if servable(h).await? {
                if h < head {
                    self.rebuild(state, key, make);
                }
                return Ok((h, v));
            }
        }
        let _making = kept.stripe(&key).lock().await;
        // made while this reader waited
        if let Some((h, v)) = kept.find(&key) {
            if servable(h).await? {
                return Ok((h, v));
            }
        }
        let head = self.head(state).await?;
        let (h, v) = make(head, fresh).await?;
        kept.put(&key, h, v.clone());
        Ok((h, v))
    }

    async fn head(&self, state: &AppState) -> Result<i64, ApiError> {
        state.store.audit_head_seq().await.map_err(internal)
    }

    /// Starts watching the audit log at `head` on the first read (nothing is kept from before it).
    fn watch_from(&self, head: i64) {
        let mut watched = self.watched.lock().unwrap_or_else(|e| e.into_inner());
        if watched.is_none() {
            *watched = Some((head, head));
        }
    }

    /// Whether a publication change came after `after` (up to `head`, or later): reads only the audit events not
    /// read yet, one reader at a time.
    async fn publication_changed(&self, state: &AppState, after: i64, head: i64) -> Result<bool, ApiError> {
        let watched = || *self.watched.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((read_to, last)) = watched() {
            if read_to >= head {
                return Ok(last > after);
            }
        }
        let _reading = self.reading.lock().await;
        let (read_to, last) = watched().unwrap_or((head, head));
        if read_to >= head {
            return Ok(last > after);
        }
        let found = state
            .store
            .publication_event_between(read_to, head)
            .await
            .map_err(internal)?;
        let last = found.map_or(last, |f| f.max(last));
        *self.watched.lock().unwrap_or_else(|e| e.into_inner()) = Some((head, last));
        Ok(last > after)
    }

    /// Rebuilds `key` in the background unless it is being rebuilt already.
    fn rebuild<T, F, Fut>(&self, state: &AppState, key: String, make: F)
    where
        T: Keep,
        F: FnOnce(i64, bool) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<(i64, T), ApiError>> + Send + 'static,
    {
        let fresh_key = {
            let mut refreshing = T::kept(self).refreshing.lock().unwrap_or_else(|e| e.into_inner());
            refreshing.insert(key.clone())
        };
        if !fresh_key {
            return;
        }
        let state = state.clone();
        tokio::spawn(async move {
            let portal = state.portal.clone();
            let _done = Rebuilt::<T>(portal.clone(), key.clone(), std::marker::PhantomData);
            let Ok(_one) = portal.background.acquire().await else {
                return;
            };
            let kept = T::kept(&portal);
            let _making = kept.stripe(&key).lock().await;
            let Ok(head) = portal.head(&state).await else {
                return;
            };
            if kept.find(&key).is_some_and(|(h, _)| h >= head) {
                return;
            }
            if let Ok((h, v)) = make(head, true).await {
                kept.put(&key, h, v);
            }
        });
    }

    /// A published program's view (`None` when it is not public), kept like an answer.
    async fn program_view(
        &self,
        state: &AppState,
        id: i64,
        fresh: bool,
    ) -> Result<(i64, Option<Arc<PublicProgramView>>), ApiError> {
        let store = state.store.clone();
        self.get(state, format!("view:program:{id}"), fresh, move |head, _| async move {
            let v = store.public_program(id).await.map_err(internal)?;
            Ok((head, v.map(Arc::new)))
        })
        .await
    }
}

fn internal(e: duikou_store::StoreError) -> ApiError {
    ApiError::from(e)
}

/// The kept answer, or 304 when the client holds it already (`make` runs in the background when the kept answer is
/// served while a new one is made, so it owns what it reads).
async fn serve<F, Fut>(state: &AppState, headers: &HeaderMap, key: String, make: F) -> Response
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<Made, ApiError>> + Send + 'static,
{
    serve_at(
        state,
        headers,
        key,
        move |head, _| async move { Ok((head, make().await?)) },
    )
    .await
}

/// [`serve`] for an answer drawn from other kept values: `make(head, fresh)` answers the head its answer stands at.
async fn serve_at<F, Fut>(state: &AppState, headers: &HeaderMap, key: String, make: F) -> Response
where
    F: FnOnce(i64, bool) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(i64, Made), ApiError>> + Send + 'static,
{
    let made = state
        .portal
        .get(state, key, false, move |head, fresh| async move {
            let (h, m) = make(head, fresh).await?;
            Ok((h, Arc::new(m)))
        })
        .await;
    let (head, made) = match made {
        Ok(x) => x,
        Err(r) => return r.into_response(),
    };
    respond(headers, Some(head), &made)
}

/// An answer with its caching headers (`head`: the head it was made at, when it is kept).
fn respond(headers: &HeaderMap, head: Option<i64>, made: &Made) -> Response {
    let Some(head) = head else {
        let mut resp = (made.status, [(header::CACHE_CONTROL, "no-store")], made.body.clone()).into_response();
        if let Ok(v) = HeaderValue::from_str(made.content_type) {
            resp.headers_mut().insert(header::CONTENT_TYPE, v);
        }
        return resp;
    };
    let etag = format!("\"p{head}\"");
    let cache = [
        (header::CACHE_CONTROL, "public, max-age=60".to_string()),
        (header::ETAG, etag.clone()),
    ];
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if matches && made.status == StatusCode::OK {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    let mut resp = (made.status, cache, made.body.clone()).into_response();
    if let Ok(v) = HeaderValue::from_str(made.content_type) {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    if let Some(name) = &made.file {
        if let Ok(v) = HeaderValue::from_str(&crate::extract::attachment_disposition(name)) {
            resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
    }
    resp
}

fn made(content_type: &'static str, body: impl Into<Bytes>) -> Made {
    Made {
        status: StatusCode::OK,
        content_type,
        body: body.into(),
        file: None,
    }
}

/// The one page for anything not public, unknown or malformed alike.
fn not_found_page() -> Made {
    let mut html = head("未找到");
    html.push_str("<h1>未找到</h1><p>没有这一公开信息：它不存在，或尚未公开。</p><p><a href=\"/\">返回首页</a></p>");
    html.push_str(FOOT);
    Made {
        status: StatusCode::NOT_FOUND,
        ..made(HTML, html)
    }
}

fn not_found_json(what: &str) -> Made {
    let body = serde_json::json!({"error": {"code": "not_found", "message": format!("没有这一公开{what}：它不存在，或尚未公开"), "field": null}});
    Made {
        status: StatusCode::NOT_FOUND,
        ..made(JSON, body.to_string())
    }
}

fn parse_id(raw: &str) -> Option<i64> {
    raw.parse::<i64>().ok().filter(|i| *i >= 1)
}

// ---------------------------------------------------------------- pages

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:64rem;margin:1.5rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.6}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left}\
td.n{text-align:right}th{background:#eef}h1{margin-bottom:.2rem}.muted{color:#555}\
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}.card{border:1px solid #bbc;border-radius:6px;padding:.5rem 1rem;min-width:10rem}\
.card b{display:block;font-size:1.4rem}.login{float:right;margin-top:.6rem;padding:.3rem 1rem;background:#1d4ed8;color:#fff;border-radius:4px;text-decoration:none}\
.preview{border:3px solid #b45309;background:#fff7ed;padding:.6rem 1rem;margin-bottom:1rem}.preview button{margin-right:.6rem}\
.map{margin:.5rem 0 1.5rem}.map svg{max-width:100%;height:auto}.map figcaption{color:#555;font-size:.9rem}";

fn head(title: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · 对口 duikou 公开信息</title><style>{STYLE}</style></head><body>",
        esc(title)
    )
}

const FOOT: &str = "<hr><p class=\"muted\">公开信息只含受援方已确认的事实，不含任何个人信息。数据接口：\
<a href=\"/api/v1/public/programs\">/api/v1/public/programs</a>（说明见 <a href=\"/api/v1/openapi.json\">OpenAPI 文档</a>）。</p></body></html>";

/// Where the preview banner goes: right after `<body>`, between these marks.
pub const PREVIEW_START: &str = "<!--preview-->";
/// The end of the preview banner.
pub const PREVIEW_END: &str = "<!--/preview-->";

fn top(html: &mut String, crumbs: &[(&str, String)]) {
    html.push_str(
        "<a class=\"login\" href=\"/login\">登录</a><p class=\"muted\"><a href=\"/\">对口 duikou · 公开信息</a>",
    );
    for (href, text) in crumbs {
        html.push_str(&format!(" › <a href=\"{href}\">{}</a>", esc(text)));
    }
    html.push_str("</p>");
}

fn period(a: &Option<String>, b: &Option<String>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{a} 至 {b}"),
        (Some(a), None) => format!("{a} 起"),
        (None, Some(b)) => format!("至 {b}"),
        _ => "—".into(),
    }
}

fn money(m: Money) -> String {
    m.display_zh()
}

/// A total a plan may leave unknown: the figure; else the part known with the words naming the plans it leaves out
/// ("1000万元（不含未记录总投资的“…”）", the domain's words, as the summary writes them); else why there is none.
fn total_investment(f: &PublicFigures) -> String {
    if let Some(m) = f.total_investment {
        return money(m);
    }
    let names = &f.total_investment_left_out;
    if f.total_investment_known.fen() > 0 {
        format!(
            "{}{}",
            money(f.total_investment_known),
            duikou_domain::plans::left_out_words("总投资", names)
        )
    } else {
        let names: Vec<String> = names.iter().map(|n| format!("“{n}”")).collect();
        format!("未能统计（{}未记录总投资）", names.join("、"))
    }
}

/// What the plans and batches arrange, when there are any: "援建计划 2 个，安排项目 403 项，援助资金 50.56亿元".
fn plans_line(f: &PublicFigures) -> String {
    if f.plans == 0 {
        return String::new();
    }
    let mut s = format!("援建计划和批次 {} 个", f.plans);
    match f.plan_projects {
        Some(n) => s.push_str(&format!("，安排项目 {n} 项")),
        None => s.push_str("，有计划未写明项目数"),
    }
    match f.plan_aid {
        Some(m) => s.push_str(&format!("，援助资金 {}", money(m))),
        None => s.push_str("，有计划未写明援助资金"),
    }
    s
}

/// The map of who helps whom over some programs' public pairings, as a figure with its caption.
fn map_html(html: &mut String, views: &[&PublicProgramView]) {
    let pairings = map_pairings(views.iter().copied());
    if pairings.is_empty() {
        return;
    }
    let fig = duikou_report::map_figure("对口支援关系示意图", &pairings);
    html.push_str("<h2>哪里支援哪里</h2><figure class=\"map\" id=\"map\">");
    html.push_str(&duikou_report::map_svg(&fig));
    html.push_str(
        "<figcaption>图：对口支援关系示意图（线由支援方所在地指向受援方所在地，颜色表示计划）</figcaption></figure>",
    );
}

/// The map on a pairing's page: its arc from the supporter's place to the receiver's, as wide as its money (or
/// people), with the receiver's unit highlighted and named under it.
fn pairing_map_html(html: &mut String, v: &PublicPairingView) {
    let p = &v.pairing;
    if p.supporter_region.is_none() && p.receiver_region.is_none() {
        return;
    }
    let pairing = duikou_store::public::map_pairing(&p.program, p, &v.figures);
    let mut fig = duikou_report::map_figure("对口支援关系示意图", &[pairing]);
    fig.highlight = p.receiver_region.clone();
    html.push_str("<h2>哪里支援哪里</h2><figure class=\"map\" id=\"map\">");
    html.push_str(&duikou_report::map_svg(&fig));
    let lit = p
        .receiver_region
        .as_deref()
        .and_then(duikou_report::map_region_name)
        .map(|name| format!("，{}为受援方所在地区", esc(name)))
        .unwrap_or_default();
    html.push_str(&format!(
        "<figcaption>图：对口支援关系示意图（线由支援方所在地指向受援方所在地{lit}）</figcaption></figure>"
    ));
}

/// The portal's home page: the published programs with their headline figures and the map of their pairings.
pub fn home_page(views: &[PublicProgramView]) -> String {
    let mut html = head("对口支援公开信息");
    html.push_str(
        "<a class=\"login\" href=\"/login\">登录</a><h1>对口支援公开信息</h1>\
         <p class=\"muted\">对口支援、对口帮扶、东西部协作：哪里支援哪里、派了多少人、建了哪些项目、投入多少资金、办了多少培训。\
         只公开主管单位已公开的计划与结对，只计受援方已确认的事实。</p><h2>公开的计划</h2>",
    );
    if views.is_empty() {
        html.push_str("<p>暂无公开的计划。</p>");
    } else {
        html.push_str(
            "<table><tr><th>计划</th><th>主管单位</th><th>期间</th><th>公开结对</th><th>援派人员</th>\
             <th>援建项目（开工／竣工）</th><th>项目总投资</th><th>培训（次／人次）</th></tr>",
        );
        for v in views {
            let (p, f) = (&v.program, &v.figures);
            html.push_str(&format!(
                "<tr><td><a href=\"/public/programs/{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{} 名</td><td class=\"n\">{} 个（{}／{}）</td><td class=\"n\">{}</td><td class=\"n\">{}／{}</td></tr>",
                p.id,
                esc(&p.name),
                esc(&p.authority),
                esc(&period(&p.start_date, &p.end_date)),
                p.public_pairings,
                f.persons,
                f.projects,
                f.projects_started,
                f.projects_completed,
                esc(&total_investment(f)),
                f.trainings,
                f.training_person_times
            ));
        }
        html.push_str("</table>");
        map_html(&mut html, &views.iter().collect::<Vec<_>>());
    }
    html.push_str(FOOT);
    html
}

/// The money chart of a page: by year and source, from the disbursements (else the commitments) — as the work
/// summary draws it, so the two never add a commitment to the money that paid it.
pub fn money_chart(f: &PublicFigures) -> Option<duikou_report::Chart> {
    let kind = if f.money_by_year.iter().any(|m| m.kind == "disbursement") {
        "disbursement"
    } else if f.money_by_year.iter().any(|m| m.kind == "commitment") {
        "commitment"
    } else {
        return None;
    };
    let lines: Vec<_> = f.money_by_year.iter().filter(|m| m.kind == kind).collect();
    let years: std::collections::BTreeSet<i64> = lines.iter().map(|m| m.year).collect();
    let mut sources: Vec<&str> = lines.iter().map(|m| m.source.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    Some(duikou_report::Chart {
        title: format!("资金按年度和来源（{}，万元）", label("transactions", "kind", kind)),
        kind: duikou_report::ChartKind::StackedBar,
        categories: years
            .iter()
            .map(|y| {
                if *y > 0 {
                    format!("{y}年")
                } else {
                    "未注明年份".into()
                }
            })
            .collect(),
        series: sources
            .iter()
            .map(|src| duikou_report::Series {
                name: label("transactions", "source", src),
                values: years
                    .iter()
                    .map(|y| {
                        lines
                            .iter()
                            .filter(|m| m.year == *y && m.source == *src)
                            .map(|m| m.amount.fen())
                            .fold(0i64, i64::saturating_add) as f64
                            / 1_000_000.0
                    })
                    .collect(),
            })
            .collect(),
        unit: "万元".into(),
    })
}

/// A page's figures; `receivers`: on a program's page, the receivers of the pairings that page lists (the 前后对比 then
/// has only their rows, as a national program's receivers would fill a page; the downloads have them all).
fn figures_html(html: &mut String, f: &PublicFigures, receivers: Option<&std::collections::BTreeSet<&str>>) {
    html.push_str(&format!(
        "<div class=\"cards\"><div class=\"card\">援派人员<b>{} 名</b></div>\
         <div class=\"card\">援建项目<b>{} 个</b>开工 {}，竣工 {}{}</div>\
         <div class=\"card\">项目总投资<b>{}</b>{}</div>\
         <div class=\"card\">培训<b>{} 次</b>{} 人次</div>\
         <div class=\"card\">活动<b>{} 次</b></div></div>",
        f.persons,
        f.projects,
        f.projects_started,
        f.projects_completed,
        if f.plans == 0 {
            String::new()
        } else {
            format!("<br>{}", esc(&plans_line(f)))
        },
        esc(&total_investment(f)),
        if f.funds.fen() > 0 {
            format!("另有项目外资金 {}", money(f.funds))
        } else {
            String::new()
        },
        f.trainings,
        f.training_person_times,
        f.activities
    ));
    if !f.persons_by_role.is_empty() {
        html.push_str("<h2>援派人员（按类别）</h2><table><tr><th>类别</th><th>人数</th></tr>");
        for r in &f.persons_by_role {
            html.push_str(&format!(
                "<tr><td>{}</td><td class=\"n\">{} 名</td></tr>",
                esc(&label("dispatches", "role", &r.role)),
                r.persons
            ));
        }
        html.push_str("</table>");
    }
    if let Some(chart) = money_chart(f) {
        html.push_str("<figure class=\"map\">");
        html.push_str(&duikou_report::svg(&chart));
        html.push_str("</figure>");
    }
    if !f.money_by_source.is_empty() {
        html.push_str("<h2>资金（按类型和来源）</h2><table><tr><th>类型</th><th>来源</th><th>金额</th></tr>");
        for m in &f.money_by_source {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&label("transactions", "kind", &m.kind)),
                esc(&label("transactions", "source", &m.source)),
                money(m.amount)
            ));
        }
        html.push_str(
            "</table><h2>资金（按年度）</h2><table><tr><th>年度</th><th>类型</th><th>来源</th><th>金额</th></tr>",
        );
        for m in &f.money_by_year {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                if m.year > 0 {
                    m.year.to_string()
                } else {
                    "未注明".into()
                },
                esc(&label("transactions", "kind", &m.kind)),
                esc(&label("transactions", "source", &m.source)),
                money(m.amount)
            ));
        }
        html.push_str("</table>");
    }
    let listed: Vec<_> = f
        .indicators
        .iter()
        .filter(|i| receivers.is_none_or(|r| r.contains(i.receiver.as_str())))
        .collect();
    if !listed.is_empty() {
        html.push_str("<h2>前后对比</h2>");
        if listed.len() < f.indicators.len() {
            html.push_str(&format!(
                "<p class=\"muted\">此处列出本页所列结对的受援方的 {} 项；全部 {} 项见下方下载（Excel 的“指标前后对比”）。</p>",
                listed.len(),
                f.indicators.len()
            ));
        }
        html.push_str(
            "<table><tr><th>受援方</th><th>指标</th><th>基期</th><th>基期值</th><th>最新</th><th>最新值</th></tr>",
        );
        for i in listed {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{} {}</td><td>{}</td><td class=\"n\">{} {}</td></tr>",
                esc(&i.receiver),
                esc(&i.indicator),
                esc(&i.baseline_period),
                i.baseline,
                esc(&i.unit),
                esc(&i.latest_period),
                i.latest,
                esc(&i.unit)
            ));
        }
        html.push_str("</table>");
    }
}

fn downloads_html(html: &mut String, base: &str) {
    html.push_str(&format!(
        "<h2>下载数据</h2><p>本页已确认的公开事实：<a href=\"/api/v1/public/{base}/facts.csv\">CSV</a> · \
         <a href=\"/api/v1/public/{base}/facts.xlsx\">Excel</a> · <a href=\"/api/v1/public/{base}\">JSON</a>"
    ));
    if base.starts_with("programs/") {
        // the program's activities in the open aid-data standard (one iati-activity per public pairing)
        html.push_str(&format!(
            " · <a href=\"/api/v1/public/{base}/iati.xml\">IATI 2.03（XML，每个结对一项）</a>"
        ));
    }
    html.push_str("</p>");
}

/// Pairings a program's page lists on each of its pages (`?page=N`); the downloads and the JSON have them all.
pub const PER_PAGE: usize = 50;

/// How many pages a program's pairings fill (one, empty, when it has none).
pub fn pages(v: &PublicProgramView) -> usize {
    v.pairings.len().div_ceil(PER_PAGE).max(1)
}

/// A public program's page `page` (from 1; its pairings [`PER_PAGE`] to a page, the figures and map of them all on
/// every page). `banner`: the preview's, placed between [`PREVIEW_START`] and [`PREVIEW_END`]. The links to the other
/// pages are relative (`?page=N`), so the preview pages the same way.
pub fn program_page(v: &PublicProgramView, banner: Option<&str>, page: usize) -> String {
    let p = &v.program;
    let mut html = page_start(&p.name, banner, &[]);
    html.push_str(&format!(
        "<h1>{}</h1><p class=\"muted\">主管单位：{}　期间：{}　公开结对：{} 个</p>",
        esc(&p.name),
        esc(&p.authority),
        esc(&period(&p.start_date, &p.end_date)),
        p.public_pairings
    ));
    let (page, pages) = (page.clamp(1, pages(v)), pages(v));
    let from = (page - 1) * PER_PAGE;
    let shown = &v.pairings[from.min(v.pairings.len())..(from + PER_PAGE).min(v.pairings.len())];
    let receivers = (pages > 1).then(|| shown.iter().map(|p| p.receiver.as_str()).collect());
    figures_html(&mut html, &v.figures, receivers.as_ref());
    map_html(&mut html, &[v]);
    html.push_str("<h2 id=\"pairings\">结对</h2>");
    if v.pairings.is_empty() {
        html.push_str("<p>暂无公开的结对。</p>");
    } else {
        if pages > 1 {
            html.push_str(&format!(
                "<p class=\"muted\">共 {} 个结对，每页 {PER_PAGE} 个，本页为第 {}–{} 个。</p>",
                v.pairings.len(),
                from + 1,
                from + shown.len()
            ));
        }
        html.push_str("<table><tr><th>支援方 → 受援方</th><th>层级</th><th>期限</th></tr>");
        for pr in shown {
            html.push_str(&format!(
                "<tr><td><a href=\"/public/pairings/{}\">{} → {}</a></td><td>{}</td><td>{}</td></tr>",
                pr.id,
                esc(&pr.supporter),
                esc(&pr.receiver),
                esc(&label("pairings", "level", &pr.level)),
                esc(&period(&pr.start_date, &pr.end_date))
            ));
        }
        html.push_str("</table>");
        if pages > 1 {
            html.push_str("<nav class=\"pager\"><p>");
            if page > 1 {
                html.push_str(&format!(
                    "<a href=\"?page={}#pairings\" rel=\"prev\">上一页</a>　",
                    page - 1
                ));
            }
            html.push_str(&format!("第{page}页，共{pages}页"));
            if page < pages {
                html.push_str(&format!(
                    "　<a href=\"?page={}#pairings\" rel=\"next\">下一页</a>",
                    page + 1
                ));
            }
            html.push_str("</p></nav>");
        }
    }
    downloads_html(&mut html, &format!("programs/{}", p.id));
    html.push_str(FOOT);
    html
}

/// Activities a pairing's page lists (the latest; the downloads have them all).
pub const LISTED: usize = 200;

/// A public pairing's page.
pub fn pairing_page(v: &PublicPairingView, banner: Option<&str>) -> String {
    let p = &v.pairing;
    let title = pairing_title(p);
    let mut html = page_start(
        &title,
        banner,
        &[(&format!("/public/programs/{}", p.program_id), p.program.clone())],
    );
    html.push_str(&format!(
        "<h1>{}</h1><p class=\"muted\">计划：{}　层级：{}　期限：{}</p>",
        esc(&title),
        esc(&p.program),
        esc(&label("pairings", "level", &p.level)),
        esc(&period(&p.start_date, &p.end_date))
    ));
    figures_html(&mut html, &v.figures, None);
    pairing_map_html(&mut html, v);
    let facts = &v.facts;
    if !facts.projects.is_empty() {
        html.push_str(
            "<h2>援建项目</h2><table><tr><th>项目</th><th>类别</th><th>开工</th><th>竣工</th><th>总投资</th></tr>",
        );
        for pj in &facts.projects {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&pj.name),
                esc(&label("projects", "category", &pj.category)),
                esc(pj.started_on.as_deref().unwrap_or("—")),
                esc(pj.completed_on.as_deref().unwrap_or("—")),
                pj.total_investment.map(money).unwrap_or_else(|| "—".into())
            ));
        }
        html.push_str("</table>");
    }
    if !facts.outputs.is_empty() {
        html.push_str(
            "<h2>建设内容</h2><table><tr><th>项目</th><th>内容</th><th>计划</th><th>开工</th><th>完成</th><th>单位</th></tr>",
        );
        for o in &facts.outputs {
            let q = |x: &Option<duikou_domain::Qty>| x.map(|x| x.to_string()).unwrap_or_else(|| "—".into());
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(&o.project),
                esc(&o.name),
                q(&o.planned),
                q(&o.started),
                q(&o.completed),
                esc(&o.unit)
            ));
        }
        html.push_str("</table>");
    }
    if !facts.activities.is_empty() {
        html.push_str("<h2>活动</h2><table><tr><th>日期</th><th>类型</th><th>活动</th><th>人次</th></tr>");
        for a in facts.activities.iter().rev().take(LISTED) {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(a.start_date.as_deref().unwrap_or("")),
                esc(&label("activities", "kind", &a.kind)),
                esc(&a.title),
                a.person_times.map(|n| n.to_string()).unwrap_or_default()
            ));
        }
        html.push_str("</table>");
        if facts.activities.len() > LISTED {
            html.push_str(&format!(
                "<p class=\"muted\">共 {} 项活动，此处列出最近的 {LISTED} 项；全部见下方下载。</p>",
                facts.activities.len()
            ));
        }
    }
    downloads_html(&mut html, &format!("pairings/{}", p.id));
    html.push_str(FOOT);
    html
}

// ---------------------------------------------------------------- downloads

/// Each pairing's name as every download writes it ("支援方 → 受援方").
fn pairing_names(pairings: &[PublicPairing]) -> HashMap<i64, String> {
    pairings.iter().map(|p| (p.id, pairing_title(p))).collect()
}

/// A pairing's title on its page and in the downloads.
fn pairing_title(p: &PublicPairing) -> String {
    format!("{} → {}", p.supporter, p.receiver)
}

/// A public page's start: its head, the preview's banner when there is one, and the way home (`crumbs` between).
fn page_start(title: &str, banner: Option<&str>, crumbs: &[(&str, String)]) -> String {
    let mut html = head(title);
    if let Some(b) = banner {
        html.push_str(PREVIEW_START);
        html.push_str(b);
        html.push_str(PREVIEW_END);
    }
    top(&mut html, crumbs);
    html
}

/// The facts as sheets: one per kind of fact, each with its header (a scope with no facts still has every sheet,
/// with its header, and the first sheet says why it is empty).
pub fn fact_sheets(scope: &str, pairings: &[PublicPairing], facts: &PublicFacts) -> Vec<Sheet> {
    let names = pairing_names(pairings);
    let pairing = |id: i64| Cell::Text(names.get(&id).cloned().unwrap_or_default());
    let col = |h: &str, kind: ColumnKind| Column { header: h.into(), kind };
    let text = |s: &str| Cell::Text(s.to_string());
    let opt = |s: &Option<String>| s.as_deref().map(text).unwrap_or(Cell::Empty);
    let int = |n: Option<i64>| n.map(Cell::Int).unwrap_or(Cell::Empty);
    let fen = |m: Option<Money>| m.map(|m| Cell::Money(m.fen())).unwrap_or(Cell::Empty);
    let qty = |q: Option<duikou_domain::Qty>| q.map(|q| Cell::Number(q.as_f64())).unwrap_or(Cell::Empty);
    let sheet = |name: &str, columns: Vec<Column>, rows: Vec<Vec<Cell>>| Sheet {
        name: name.into(),
        table: Table {
            title: name.into(),
            columns,
            rows,
        },
        validation_rows: 0,
    };
    let mut notes = vec![vec![text("范围"), text(scope)], vec![text("口径"), text(SCOPE_NOTE)]];
    if facts.is_empty() {
        notes.push(vec![text("说明"), text(EMPTY_NOTE)]);
    }
    vec![
        sheet(
            "说明",
            vec![col("项目", ColumnKind::Text), col("内容", ColumnKind::Text)],
            notes,
        ),
        sheet(
            "活动",
            vec![
                col("结对", ColumnKind::Text),
                col("类型", ColumnKind::Text),
                col("标题", ColumnKind::Text),
                col("对象", ColumnKind::Text),
                col("开始日期", ColumnKind::Text),
                col("结束日期", ColumnKind::Text),
                col("人次", ColumnKind::Int),
                col("场次", ColumnKind::Int),
                col("门次", ColumnKind::Int),
                col("课时", ColumnKind::Int),
                col("台（套/件）", ColumnKind::Int),
                col("金额", ColumnKind::Money),
            ],
            facts
                .activities
                .iter()
                .map(|a| {
                    vec![
                        pairing(a.pairing_id),
                        text(&label("activities", "kind", &a.kind)),
                        text(&a.title),
                        a.audience
                            .as_deref()
                            .map(|x| text(&label("activities", "audience", x)))
                            .unwrap_or(Cell::Empty),
                        opt(&a.start_date),
                        opt(&a.end_date),
                        int(a.person_times),
                        int(a.sessions),
                        int(a.courses),
                        int(a.hours),
                        int(a.items),
                        fen(a.amount),
                    ]
                })
                .collect(),
        ),
        sheet(
            "援建项目",
            vec![
                col("结对", ColumnKind::Text),
                col("项目", ColumnKind::Text),
                col("类别", ColumnKind::Text),
                col("开工日期", ColumnKind::Text),
                col("竣工日期", ColumnKind::Text),
                col("总投资", ColumnKind::Money),
            ],
            facts
                .projects
                .iter()
                .map(|p| {
                    vec![
                        pairing(p.pairing_id),
                        text(&p.name),
                        text(&label("projects", "category", &p.category)),
                        opt(&p.started_on),
                        opt(&p.completed_on),
                        fen(p.total_investment),
                    ]
                })
                .collect(),
        ),
        sheet(
            // a sheet's name may not hold "/"
            "援建计划和批次",
            vec![
                col("结对", ColumnKind::Text),
                col("计划/批次", ColumnKind::Text),
                col("起始", ColumnKind::Text),
                col("截止", ColumnKind::Text),
                col("项目数", ColumnKind::Text),
                col("援助资金", ColumnKind::Money),
                col("总投资", ColumnKind::Money),
                col("属于更大的计划", ColumnKind::Text),
            ],
            facts
                .plans
                .iter()
                .map(|g| {
                    vec![
                        pairing(g.pairing_id),
                        text(&g.name),
                        opt(&g.start_on),
                        opt(&g.end_on),
                        text(&g.project_count.map(|c| c.to_string()).unwrap_or_default()),
                        fen(g.aid_amount),
                        fen(g.total_investment),
                        text(if g.within_larger { "是" } else { "" }),
                    ]
                })
                .collect(),
        ),
        sheet(
            "资金往来",
            vec![
                col("结对", ColumnKind::Text),
                col("项目", ColumnKind::Text),
                col("类型", ColumnKind::Text),
                col("来源", ColumnKind::Text),
                col("日期", ColumnKind::Text),
                col("金额", ColumnKind::Money),
            ],
            facts
                .transactions
                .iter()
                .map(|t| {
                    vec![
                        pairing(t.pairing_id),
                        text(&t.project),
                        text(&label("transactions", "kind", &t.kind)),
                        text(&label("transactions", "source", &t.source)),
                        opt(&t.date),
                        Cell::Money(t.amount.fen()),
                    ]
                })
                .collect(),
        ),
        sheet(
            "建设内容",
            vec![
                col("结对", ColumnKind::Text),
                col("项目", ColumnKind::Text),
                col("内容", ColumnKind::Text),
                col("单位", ColumnKind::Text),
                col("计划", ColumnKind::Number),
                col("开工", ColumnKind::Number),
                col("完成", ColumnKind::Number),
                col("截至日期", ColumnKind::Text),
            ],
            facts
                .outputs
                .iter()
                .map(|o| {
                    vec![
                        pairing(o.pairing_id),
                        text(&o.project),
                        text(&o.name),
                        text(&o.unit),
                        qty(o.planned),
                        qty(o.started),
                        qty(o.completed),
                        opt(&o.as_of),
                    ]
                })
                .collect(),
        ),
        sheet(
            "援派人数",
            vec![
                col("结对", ColumnKind::Text),
                col("类别", ColumnKind::Text),
                col("人数", ColumnKind::Int),
            ],
            facts
                .dispatches
                .iter()
                .map(|d| {
                    vec![
                        pairing(d.pairing_id),
                        text(&label("dispatches", "role", &d.role)),
                        Cell::Int(d.persons),
                    ]
                })
                .collect(),
        ),
        sheet(
            "指标前后对比",
            vec![
                col("受援方", ColumnKind::Text),
                col("指标", ColumnKind::Text),
                col("单位", ColumnKind::Text),
                col("基期", ColumnKind::Text),
                col("基期值", ColumnKind::Number),
                col("最新期", ColumnKind::Text),
                col("最新值", ColumnKind::Number),
            ],
            facts
                .indicators
                .iter()
                .map(|i| {
                    vec![
                        text(&i.receiver),
                        text(&i.indicator),
                        text(&i.unit),
                        text(&i.baseline_period),
                        Cell::Number(i.baseline.as_f64()),
                        text(&i.latest_period),
                        Cell::Number(i.latest.as_f64()),
                    ]
                })
                .collect(),
        ),
    ]
}

fn csv_field(s: &str) -> String {
    // a leading = + - @ would be a formula to a spreadsheet: quoted with a leading apostrophe
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The facts as one CSV (UTF-8 with a byte-order mark, so spreadsheets read the Chinese): one row per fact, its
/// kind in the first column; amounts in yuan with two decimals. A scope with no facts gives the header and a note row.
pub fn facts_csv(scope: &str, pairings: &[PublicPairing], facts: &PublicFacts) -> String {
    let mut out = String::from("\u{feff}类别,结对,名称,类型,来源或对象,日期,截止日期,数量,单位,金额（元）,说明\r\n");
    let mut row = |cells: [&str; 11]| {
        out.push_str(&cells.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    };
    let names = pairing_names(pairings);
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let n = |o: Option<i64>| o.map(|x| x.to_string()).unwrap_or_default();
    let m = |o: Option<Money>| o.map(|x| x.to_string()).unwrap_or_default();
    if facts.is_empty() {
        row([
            "说明",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            &format!("{scope}：{EMPTY_NOTE}"),
        ]);
    }
    for a in &facts.activities {
        let audience = a
            .audience
            .as_deref()
            .map(|x| label("activities", "audience", x))
            .unwrap_or_default();
        row([
            "活动",
            &name(a.pairing_id),
            &a.title,
            &label("activities", "kind", &a.kind),
            &audience,
            &s(&a.start_date),
            &s(&a.end_date),
            &n(a.person_times),
            if a.person_times.is_some() { "人次" } else { "" },
            &m(a.amount),
            "",
        ]);
    }
    for p in &facts.projects {
        row([
            "援建项目",
            &name(p.pairing_id),
            &p.name,
            &label("projects", "category", &p.category),
            "",
            &s(&p.started_on),
            &s(&p.completed_on),
            "",
            "",
            &m(p.total_investment),
            "日期为开工日期，截止日期为竣工日期；金额为总投资",
        ]);
    }
    for g in &facts.plans {
        let note = if g.within_larger {
            "属于一个更大的计划，其资金已含在该计划内；金额为援助资金"
        } else {
            "金额为援助资金"
        };
        row([
            "援建计划/批次",
            &name(g.pairing_id),
            &g.name,
            "",
            "",
            &s(&g.start_on),
            &s(&g.end_on),
            &n(g.project_count),
            if g.project_count.is_some() { "项" } else { "" },
            &m(g.aid_amount),
            note,
        ]);
    }
    for t in &facts.transactions {
        row([
            "资金往来",
            &name(t.pairing_id),
            &t.project,
            &label("transactions", "kind", &t.kind),
            &label("transactions", "source", &t.source),
            &s(&t.date),
            "",
            "",
            "",
            &t.amount.to_string(),
            "",
        ]);
    }
    for o in &facts.outputs {
        let q = |x: Option<duikou_domain::Qty>| x.map(|x| x.to_string()).unwrap_or_default();
        row([
            "建设内容",
            &name(o.pairing_id),
            &format!("{}：{}", o.project, o.name),
            "",
            "",
            "",
            &s(&o.as_of),
            &q(o.completed),
            &o.unit,
            "",
            &format!("计划 {}，开工 {}，完成 {}", q(o.planned), q(o.started), q(o.completed)),
        ]);
    }
    for d in &facts.dispatches {
        row([
            "援派人数",
            &name(d.pairing_id),
            &label("dispatches", "role", &d.role),
            "",
            "",
            "",
            "",
            &d.persons.to_string(),
            "人",
            "",
            "",
        ]);
    }
    for i in &facts.indicators {
        row([
            "指标",
            "",
            &i.indicator,
            "",
            &i.receiver,
            &i.baseline_period,
            &i.latest_period,
            &i.latest.to_string(),
            &i.unit,
            "",
            &format!("基期（{}）值 {}", i.baseline_period, i.baseline),
        ]);
    }
    out
}

// ---------------------------------------------------------------- handlers

fn store_err(e: duikou_store::StoreError) -> ApiError {
    internal(e)
}

/// `GET /` without a login: the published programs.
pub async fn home(state: &AppState, headers: &HeaderMap) -> Response {
    let store = state.store.clone();
    serve(state, headers, "html:/".into(), move || async move {
        Ok(made(
            HTML,
            home_page(&store.public_program_views().await.map_err(store_err)?),
        ))
    })
    .await
}

/// The page asked for in a query string (`?page=N`): 1 when none is, else the text given when it is not a whole
/// number from 1 on.
pub fn page_asked(query: Option<&str>) -> Result<usize, String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
    match pairs.into_iter().rev().find(|(k, _)| k == "page") {
        None => Ok(1),
        Some((_, v)) => v.trim().parse::<usize>().ok().filter(|n| *n >= 1).ok_or(v),
    }
}

/// `GET /public/programs/{id}` (`?page=N`: its pairings [`PER_PAGE`] to a page; a page that is not one answers 400
/// with a page saying which pages there are, once the program is known to be public).
pub async fn program(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(id) = parse_id(&raw) else {
        return respond(&headers, None, &not_found_page());
    };
    let page = match page_asked(query.as_deref()) {
        Ok(page) => page,
        Err(asked) => {
            // not kept: the answer names what was asked
            return match state.portal.program_view(&state, id, false).await {
                Ok((_, Some(v))) => respond(&headers, None, &bad_page(&v, &asked)),
                Ok((_, None)) => respond(&headers, None, &not_found_page()),
                Err(e) => e.into_response(),
            };
        }
    };
    let key = format!("html:program:{id}:page:{page}");
    let st = state.clone();
    serve_at(&state, &headers, key, move |_, fresh| async move {
        let (h, v) = st.portal.program_view(&st, id, fresh).await?;
        Ok((
            h,
            match v {
                Some(v) if page <= pages(&v) => made(HTML, program_page(&v, None, page)),
                Some(v) => bad_page(&v, &page.to_string()),
                None => not_found_page(),
            },
        ))
    })
    .await
}

/// The answer to a page of a program's pairings that is not one: which pages there are, with a link to the first.
fn bad_page(v: &PublicProgramView, asked: &str) -> Made {
    let p = &v.program;
    let mut html = page_start(
        &p.name,
        None,
        &[(&format!("/public/programs/{}", p.id), p.name.clone())],
    );
    html.push_str(&format!(
        "<h1>页码有误</h1><p>页码（page）“{}”不是有效的页码：本计划的结对共 {} 页，页码应为 1 到 {} 之间的整数。</p>\
         <p><a href=\"/public/programs/{}\">查看第1页</a></p>",
        esc(asked),
        pages(v),
        pages(v),
        p.id
    ));
    html.push_str(FOOT);
    Made {
        status: StatusCode::BAD_REQUEST,
        ..made(HTML, html)
    }
}

/// `GET /public/pairings/{id}`.
pub async fn pairing(State(state): State<AppState>, headers: HeaderMap, Path(raw): Path<String>) -> Response {
    let Some(id) = parse_id(&raw) else {
        return respond(&headers, None, &not_found_page());
    };
    let store = state.store.clone();
    serve(&state, &headers, format!("html:pairing:{id}"), move || async move {
        Ok(match store.public_pairing(id).await.map_err(store_err)? {
            Some(v) => made(HTML, pairing_page(&v, None)),
            None => not_found_page(),
        })
    })
    .await
}

fn json_made<T: serde::Serialize>(v: &T) -> Result<Made, ApiError> {
    serde_json::to_vec(v)
        .map(|b| made(JSON, b))
        .map_err(|e| internal(duikou_store::StoreError::Other(e.to_string())))
}

/// `GET /api/v1/public/programs`: the published programs with their headline figures.
pub async fn api_programs(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let store = state.store.clone();
    serve(&state, &headers, "json:programs".into(), move || async move {
        let items: Vec<serde_json::Value> = store
            .public_program_views()
            .await
            .map_err(store_err)?
            .into_iter()
            .map(|pv| {
                let mut v = serde_json::to_value(&pv.program).unwrap_or_default();
                v["figures"] = serde_json::to_value(&pv.figures).unwrap_or_default();
                v
            })
            .collect();
        let note = items.is_empty().then_some("暂无公开的计划");
        json_made(&serde_json::json!({"items": items, "note": note}))
    })
    .await
}

fn with_note<T: serde::Serialize>(v: &T, empty: bool) -> serde_json::Value {
    let mut out = serde_json::to_value(v).unwrap_or_default();
    out["note"] = if empty {
        serde_json::Value::from(EMPTY_NOTE)
    } else {
        serde_json::Value::Null
    };
    out
}

/// `GET /api/v1/public/programs/{id}` (drawn from the same kept view as the program's pages).
pub async fn api_program(State(state): State<AppState>, headers: HeaderMap, Path(raw): Path<String>) -> Response {
    let Some(id) = parse_id(&raw) else {
        return respond(&headers, None, &not_found_json("计划"));
    };
    let st = state.clone();
    serve_at(
        &state,
        &headers,
        format!("json:program:{id}"),
        move |_, fresh| async move {
            let (h, v) = st.portal.program_view(&st, id, fresh).await?;
            Ok((
                h,
                match v {
                    Some(v) => json_made(&with_note(&*v, v.figures.is_empty()))?,
                    None => not_found_json("计划"),
                },
            ))
        },
    )
    .await
}

/// `GET /api/v1/public/pairings/{id}`.
pub async fn api_pairing(State(state): State<AppState>, headers: HeaderMap, Path(raw): Path<String>) -> Response {
    let Some(id) = parse_id(&raw) else {
        return respond(&headers, None, &not_found_json("结对"));
    };
    let store = state.store.clone();
    serve(&state, &headers, format!("json:pairing:{id}"), move || async move {
        match store.public_pairing(id).await.map_err(store_err)? {
            Some(v) => json_made(&with_note(&v, v.facts.is_empty())),
            None => Ok(not_found_json("结对")),
        }
    })
    .await
}

/// A download's body in `format` (`csv` or `xlsx`).
fn download(
    format: &str,
    file: String,
    scope: &str,
    pairings: &[PublicPairing],
    facts: &PublicFacts,
) -> Result<Made, ApiError> {
    Ok(match format {
        "xlsx" => {
            let book = Workbook {
                sheets: fact_sheets(scope, pairings, facts),
            };
            let bytes =
                duikou_report::xlsx(&book).map_err(|e| internal(duikou_store::StoreError::Other(e.to_string())))?;
            Made {
                file: Some(format!("{file}.xlsx")),
                ..made(XLSX, bytes)
            }
        }
        _ => Made {
            file: Some(format!("{file}.csv")),
            ..made(CSV, facts_csv(scope, pairings, facts))
        },
    })
}

/// `GET /api/v1/public/programs/{id}/facts.csv`, `…/facts.xlsx` and `…/iati.xml` ([`iati`]).
pub async fn program_facts(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((raw, file)): Path<(String, String)>,
) -> Response {
    if file == "iati.xml" {
        return iati::program_iati(&state, &headers, &raw).await;
    }
    let Some(format) = file.strip_prefix("facts.").filter(|f| matches!(*f, "csv" | "xlsx")) else {
        return crate::error::ApiError::no_route().into_response();
    };
    let Some(id) = parse_id(&raw) else {
        return respond(&headers, None, &not_found_json("计划"));
    };
    let (store, format) = (state.store.clone(), format.to_string());
    serve(&state, &headers, format!("{format}:program:{id}"), move || async move {
        match store.public_program_facts(id).await.map_err(store_err)? {
            Some((v, facts)) => download(
                &format,
                format!("{}-公开数据", v.program.name),
                &format!("计划：{}", v.program.name),
                &v.pairings,
                &facts,
            ),
            None => Ok(not_found_json("计划")),
        }
    })
    .await
}

/// `GET /api/v1/public/pairings/{id}/facts.csv` and `…/facts.xlsx`.
pub async fn pairing_facts(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((raw, file)): Path<(String, String)>,
) -> Response {
    let Some(format) = file.strip_prefix("facts.").filter(|f| matches!(*f, "csv" | "xlsx")) else {
        return crate::error::ApiError::no_route().into_response();
    };
    let Some(id) = parse_id(&raw) else {
        return respond(&headers, None, &not_found_json("结对"));
    };
    let (store, format) = (state.store.clone(), format.to_string());
    serve(&state, &headers, format!("{format}:pairing:{id}"), move || async move {
        match store.public_pairing(id).await.map_err(store_err)? {
            Some(v) => {
                let name = pairing_title(&v.pairing);
                download(
                    &format,
                    format!("{}-{}-公开数据", v.pairing.supporter, v.pairing.receiver),
                    &format!("结对：{name}"),
                    std::slice::from_ref(&v.pairing),
                    &v.facts,
                )
            }
            None => Ok(not_found_json("结对")),
        }
    })
    .await
}

// ---------------------------------------------------------------- rate limit

/// A token bucket per client address: `burst` requests at once, then `per_second` more each second.
pub struct RateLimit {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::new(120, 4.0)
    }
}

impl RateLimit {
    /// A limit of `burst` requests at once, refilled at `per_second`.
    pub fn new(burst: u32, per_second: f64) -> Self {
        RateLimit {
            burst: f64::from(burst),
            per_second,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `address`: `Ok` or the whole seconds to wait.
    pub fn take(&self, address: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > 100_000 {
            // forget full buckets (addresses idle long enough to have refilled)
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (t, at)| *t + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(address.to_string()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

/// The public API's limit per address: past it, 429 with a Chinese message and `Retry-After`.
pub async fn limited(
    State(state): State<AppState>,
    address: crate::auth::ClientAddress,
    req: Request,
    next: Next,
) -> Response {
    let key = address.0.unwrap_or_else(|| "-".into());
    match state.public_limit.take(&key) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let mut resp = crate::error::ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("请求过于频繁，请 {wait} 秒后再试"),
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
    }
}
