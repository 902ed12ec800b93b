//! The server-rendered, Chinese-first web pages: login, a dashboard of programs and obligation status, lists with
//! Chinese search, a pairing page with its obligations, and the receiver's confirmation inbox. Forms carry a CSRF
//! token; every page and action is checked by the same store permissions as the API.

pub mod accounts;
pub mod assessment;
mod cards;
pub mod extraction;
pub mod forms;
pub mod home;
pub mod import;
pub mod kept;
mod labels;
pub mod obligation_form;
pub mod program;
pub mod publication;
pub mod receiver;
pub(crate) mod summary_page;
pub(crate) mod summary_periods;
pub mod tasks;

use crate::auth::{cookie, session_cookie, session_set_cookie, ClientAddress};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{header, request::Parts, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use duikou_domain::access::{self, Actor, Role};
use duikou_domain::schema::{self, FieldKind};
use duikou_store::accounts::Login;
use duikou_store::ListQuery;
pub use home::home;
pub use labels::{Labels, ZH};
use serde::Deserialize;
use serde_json::Value;

const LOGIN_CSRF_COOKIE: &str = "duikou_login_csrf";

/// What every page knows: the language, the user, the CSRF token for its forms.
pub struct Ui {
    /// The words.
    pub l: &'static Labels,
    /// "name（role）", when logged in.
    pub who: Option<String>,
    /// The token forms echo.
    pub csrf: String,
    /// Whether to offer write actions (they are still checked by the server).
    pub can_write: bool,
    /// Whether to offer the receiver's pages (appraisals of the people sent, local indicators).
    pub receiver: bool,
    /// Whether to offer the program pages and their 督办 lists (coordinators, admins and viewers).
    pub overseer: bool,
    /// Whether to offer "my pairings" (editors and admins).
    pub mine: bool,
    /// Whether to offer the confirmation inbox (receiver editors and admins).
    pub inbox: bool,
    /// Whether to offer the users' administration (those [`access::may_manage_users`] admits).
    pub users: bool,
    /// How many facts wait for this user's confirmation, shown beside the inbox link (receiving editors; 0 for
    /// everyone else or when nothing waits).
    pub inbox_count: i64,
}

tokio::task_local! {
    /// The count of facts awaiting the requesting user's confirmation, read once by [`page_user`] and shown by every
    /// page's menu (see [`with_inbox_count`]).
    static INBOX_COUNT: std::cell::Cell<i64>;
}

/// How many facts await each receiving scope's confirmation, kept while the audit head stays: every write moves it
/// (on any server sharing the database), so a kept count is never older than the last write, and a page's menu costs
/// one look-up of the head instead of a count over every confirmable table.
#[derive(Default)]
pub struct InboxCounts(std::sync::Mutex<std::collections::HashMap<Vec<i64>, (i64, i64)>>);

impl InboxCounts {
    /// Scopes kept at most; all are dropped when one more comes.
    const KEPT: usize = 1024;

    /// The facts of the pairings `scope` receives that wait for confirmation.
    pub async fn count(&self, store: &duikou_store::Store, scope: &std::collections::BTreeSet<i64>) -> i64 {
        let key: Vec<i64> = scope.iter().copied().collect();
        let head = store.audit_head_seq().await.ok();
        if let Some(head) = head {
            let kept = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&key).copied();
            if let Some((_, n)) = kept.filter(|(at, _)| *at == head) {
                return n;
            }
        }
        let n = store
            .confirmation_count(duikou_store::worklist::Side::Receiving, scope, "pending")
            .await
            .map_err(|e| tracing::error!(error = %e, "inbox count"))
            .unwrap_or(0);
        if let Some(head) = head {
            let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
            if kept.len() >= Self::KEPT {
                kept.clear();
            }
            kept.insert(key, (head, n));
        }
        n
    }
}

/// Gives each request a place for its user's inbox count, so the menu of any page can show it without each page
/// reading it.
pub async fn with_inbox_count(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    INBOX_COUNT.scope(std::cell::Cell::new(0), next.run(req)).await
}

fn ui(who: Option<&Actor>, csrf: String) -> Ui {
    Ui {
        l: &ZH,
        who: who.map(|a| format!("{}（{}）", a.username, a.role.label())),
        csrf,
        can_write: who.is_some_and(|a| a.role != Role::Viewer),
        // each link is offered exactly when the page's own check would serve it
        receiver: who.is_some_and(|a| access::receiving_orgs(a).is_ok()),
        overseer: who.is_some_and(|a| program::may_oversee(a).is_ok()),
        mine: who.is_some_and(|a| access::may_list_own_pairings(a).is_ok()),
        inbox: who.is_some_and(|a| access::may_use_inbox(a).is_ok()),
        users: who.is_some_and(|a| access::may_manage_users(a).is_ok()),
        inbox_count: if who.is_some_and(|a| a.role == Role::ReceiverEditor) {
            INBOX_COUNT.try_with(std::cell::Cell::get).unwrap_or(0)
        } else {
            0
        },
    }
}

fn render(t: impl Template) -> Response {
    match t.render() {
        // tables become cards on a phone: each cell carries its column's header
        Ok(html) => Html(cards::label_cells(&html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "refused.html")]
struct RefusedPage {
    ui: Ui,
    title: String,
    message: String,
}

/// A page the user may not see: 403 and why, as a page with the navigation (not the API's JSON).
fn refused(actor: &Actor, csrf: String, message: String) -> Response {
    let l = &ZH;
    let mut resp = render(RefusedPage {
        ui: ui(Some(actor), csrf),
        title: l.refused.into(),
        message,
    });
    *resp.status_mut() = StatusCode::FORBIDDEN;
    resp
}

/// The logged-in user of a page, or a redirect to the login page.
async fn page_user(state: &AppState, parts: &Parts) -> Result<(Actor, String), Response> {
    let next = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let login = Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response();
    let Some(sid) = session_cookie(parts) else {
        return Err(login);
    };
    match state.store.session(&sid).await {
        Ok(Some(s)) => {
            if s.0.role == Role::ReceiverEditor {
                let n = state.inbox_counts.count(&state.store, &s.0.scope).await;
                let _ = INBOX_COUNT.try_with(|c| c.set(n));
            }
            Ok(s)
        }
        _ => Err(login),
    }
}

/// The logged-in user of a form's POST, whose CSRF token (`sent`) must be the session's: else a redirect to the
/// login page, or 403 for a missing or wrong token.
async fn posting_user(state: &AppState, parts: &Parts, sent: Option<&str>) -> Result<(Actor, String), Response> {
    let (actor, csrf) = page_user(state, parts).await?;
    if sent != Some(csrf.as_str()) {
        return Err((StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response());
    }
    Ok((actor, csrf))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_./".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ui: Ui,
    title: String,
    error: Option<String>,
    username: String,
    next: String,
    /// The demo accounts (username, who it is) when the demo record is loaded.
    demo_accounts: std::sync::Arc<[(&'static str, &'static str)]>,
}

/// `GET /login`.
pub async fn login_form(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let next = serde_urlencoded::from_str::<Vec<(String, String)>>(raw.as_deref().unwrap_or(""))
        .ok()
        .and_then(|v| v.into_iter().find(|(k, _)| k == "next").map(|(_, v)| v))
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".into());
    let token = random_token();
    let page = LoginPage {
        ui: ui(None, token.clone()),
        title: ZH.login.into(),
        error: None,
        username: String::new(),
        next,
        demo_accounts: state.demo_accounts.clone(),
    };
    let mut resp = render(page);
    if let Ok(v) = format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict{}",
        if state.secure_cookies { "; Secure" } else { "" }
    )
    .parse()
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// The login form.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`: a wrong password keeps what was typed and says why.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    address: ClientAddress,
    Form(f): Form<LoginForm>,
) -> Response {
    let l = &ZH;
    if cookie(&headers, LOGIN_CSRF_COOKIE).as_deref() != Some(f.csrf.as_str()) {
        return (StatusCode::FORBIDDEN, "表单已过期，请刷新登录页后重试").into_response();
    }
    let next = if is_local_path(&f.next) {
        f.next.clone()
    } else {
        "/".into()
    };
    let (error, status) = match state.store.login(&f.username, &f.password, address.0.as_deref()).await {
        Ok(Login::Ok(actor)) => match state.store.create_session(actor.user_id, state.session_hours).await {
            Ok(s) => {
                let mut resp = Redirect::to(&next).into_response();
                let cookie = session_set_cookie(&state, &s.id, state.session_hours * 3600);
                if let Ok(v) = cookie.parse() {
                    resp.headers_mut().append(header::SET_COOKIE, v);
                }
                return resp;
            }
            Err(e) => return crate::error::ApiError::from(e).into_response(),
        },
        Ok(Login::Bad) => (l.bad_login.to_string(), StatusCode::UNAUTHORIZED),
        Ok(Login::Throttled { minutes }) => (
            l.too_many_logins.replace("{n}", &minutes.to_string()),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let page = LoginPage {
        ui: ui(None, f.csrf.clone()),
        title: l.login.into(),
        error: Some(error),
        username: f.username,
        next,
        demo_accounts: state.demo_accounts.clone(),
    };
    let mut resp = render(page);
    *resp.status_mut() = status;
    resp
}

/// Whether `next` is a path on this site to go back to after login: `/` and one more character that is not `/` or
/// `\` (browsers read `//host` and `/\host` as another host), no scheme, and nothing a browser strips or rewrites
/// (control characters, spaces, backslashes anywhere).
fn is_local_path(next: &str) -> bool {
    let mut chars = next.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !next.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

/// A form with only the CSRF token (and maybe a reason).
#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /logout`.
pub async fn logout(State(state): State<AppState>, parts: Parts, Form(f): Form<ActionForm>) -> Response {
    if let Ok((_, csrf)) = page_user(&state, &parts).await {
        if csrf != f.csrf {
            return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response();
        }
        if let Some(sid) = session_cookie(&parts) {
            let _ = state.store.end_session(&sid).await;
        }
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = session_set_cookie(&state, "", 0).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

struct ProgramRow {
    id: i64,
    name: String,
    pairings: usize,
    met: usize,
    unmet: usize,
    open: usize,
    warnings: usize,
    /// No result at all though the program sets obligations of its own (no pairing yet, or none assessed).
    set_but_unassessed: bool,
}

/// What the dashboard shows that depends only on the record and the language: drawn once per write and day.
pub(crate) struct HomeView {
    cards: Vec<(String, String)>,
    programs: Vec<ProgramRow>,
    chart: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    ui: Ui,
    title: String,
    view: std::sync::Arc<HomeView>,
}

/// `GET /dashboard`: the figures, programs and charts of the whole record (every logged-in user's `/` showed it
/// before each role had its own home; linked from there).
pub async fn dashboard(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let l = &ZH;
    let view = match state.store.dashboard_kept(&duikou_store::aggregates::Scope::All).await {
        Ok((dash, _)) => {
            state
                .views
                .home
                .get_or_draw(&dash, || home_view(&state, Some(dash.as_ref()), l))
                .await
        }
        Err(e) => {
            tracing::error!(error = %e, "dashboard aggregates");
            std::sync::Arc::new(home_view(&state, None, l).await)
        }
    };
    render(Dashboard {
        ui: ui(Some(&actor), csrf),
        title: l.overview_all.into(),
        view,
    })
}

/// The figures, program rows and charts of the dashboard: one status read per program, then the drawing.
async fn home_view(state: &AppState, dash: Option<&duikou_store::aggregates::Dashboard>, l: &Labels) -> HomeView {
    let mut cards = Vec::new();
    if let Some(d) = dash {
        for (e, n) in [
            ("pairings", d.pairings),
            ("projects", d.projects.n),
            ("dispatches", d.people_total),
            ("activities", d.activities_total),
        ] {
            if let Some(def) = schema::entity(e) {
                cards.push((def.label.to_string(), n.to_string()));
            }
        }
        // sums as the summing rule writes them: 约1000万元 where a member is about 1000万元, 1500余课时 …
        for (label, figure) in [
            (l.money_total, &d.money_total_figure),
            (l.activity_person_times, &d.activities_in_all.person_times_figure),
            (l.activity_hours, &d.activities_in_all.hours_figure),
        ] {
            cards.push((label.to_string(), figure.written.clone()));
        }
    }
    let all = state
        .store
        .list(
            "programs",
            &ListQuery {
                per_page: Some(100),
                ..Default::default()
            },
        )
        .await;
    let programs = program_rows(state, all.map(|p| p.items).unwrap_or_default()).await;
    let mut chart = duikou_report::svg(&duikou_report::Chart {
        title: l.obligations.into(),
        kind: duikou_report::ChartKind::StackedBar,
        categories: programs.iter().map(|p| p.name.chars().take(12).collect()).collect(),
        series: vec![
            duikou_report::Series {
                name: l.met.into(),
                values: programs.iter().map(|p| p.met as f64).collect(),
            },
            duikou_report::Series {
                name: l.unmet.into(),
                values: programs.iter().map(|p| p.unmet as f64).collect(),
            },
            duikou_report::Series {
                name: l.open.into(),
                values: programs.iter().map(|p| p.open as f64).collect(),
            },
        ],
        unit: "项".into(),
    });
    for extra in dashboard_charts(dash) {
        chart.push_str(&duikou_report::svg(&extra));
    }
    // the map of who helps whom: every pairing, from the supporter's region to the receiver's
    match state.store.map_pairings(&[]).await {
        Ok(pairings) if !pairings.is_empty() => {
            let fig = duikou_report::map_figure("对口支援关系示意图", &pairings);
            chart.push_str("<figure class=\"map\" id=\"map\">");
            chart.push_str(&crate::layered_map(&fig));
            chart.push_str("<figcaption>图：对口支援关系示意图</figcaption></figure>");
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "map of pairings"),
    }
    HomeView { cards, programs, chart }
}

/// The programs' rows: their pairings and obligation results, one kept status read per program.
async fn program_rows(state: &AppState, programs: Vec<Value>) -> Vec<ProgramRow> {
    let today = state.store.today();
    let mut rows = Vec::new();
    for p in programs {
        let id = p["id"].as_i64().unwrap_or(0);
        // kept up to date from the audit log: a view re-evaluates only what changed since the last one
        let status = state
            .store
            .status_counts(id, today)
            .await
            .map_err(|e| tracing::error!(error = %e, program = id, "obligation status"))
            .unwrap_or_default();
        let set_but_unassessed = status.met + status.unmet + status.open == 0
            && state
                .store
                .list(
                    "obligations",
                    &ListQuery {
                        filters: [("program_id".to_string(), id.to_string())].into(),
                        per_page: Some(1),
                        ..Default::default()
                    },
                )
                .await
                .is_ok_and(|page| !page.items.is_empty());
        rows.push(ProgramRow {
            id,
            name: p["name"].as_str().unwrap_or("").into(),
            pairings: status.pairings as usize,
            met: status.met as usize,
            unmet: status.unmet as usize,
            open: status.open as usize,
            warnings: status.warnings as usize,
            set_but_unassessed,
        });
    }
    rows
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    ui: Ui,
    title: String,
    label: String,
    entity: String,
    q: String,
    total: String,
    page: i64,
    pages: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    note: Option<String>,
    headers: Vec<String>,
    /// Each record: its id (for the links), what it is called (its name, title or two sides), its cells.
    rows: Vec<(i64, String, Vec<String>)>,
    link_base: String,
}

/// What a person calls the record an id field points at: its name or title, a pairing by its two sides.
async fn reference_name(state: &AppState, entity: &str, id: i64) -> Option<String> {
    let rec = state.store.get(entity, id).await.ok()?;
    if entity == "pairings" {
        return pairing_name(state, &rec).await;
    }
    ["name", "title", "username"]
        .iter()
        .find_map(|k| rec[*k].as_str().filter(|s| !s.is_empty()))
        .map(str::to_string)
}

/// A pairing record by its two sides: «支援方 → 受援方».
async fn pairing_name(state: &AppState, pairing: &Value) -> Option<String> {
    let side = |field: &str| pairing[field].as_i64();
    let supporter = state.store.get("orgs", side("supporter_org_id")?).await.ok()?;
    let receiver = state.store.get("orgs", side("receiver_org_id")?).await.ok()?;
    Some(format!(
        "{} → {}",
        supporter["name"].as_str().unwrap_or(""),
        receiver["name"].as_str().unwrap_or("")
    ))
}

/// What a page of records calls things: `("", id)` → the record's own name (its name or title, a pairing's two
/// sides, a dispatch's person), and `(field, raw value)` → the name of what a reference field points to (an org, a
/// pairing, a person, a region by its code, a user). Read with one query per target and page.
async fn list_names(
    state: &AppState,
    entity: &str,
    fields: &[&schema::Field],
    items: &[Value],
) -> std::collections::HashMap<(&'static str, String), String> {
    use duikou_store::db::Arg;
    let mut out = std::collections::HashMap::new();
    let ids = |field: &str| -> Vec<i64> {
        let set: std::collections::BTreeSet<i64> = items.iter().filter_map(|r| r[field].as_i64()).collect();
        set.into_iter().collect()
    };
    // the names of `target` records by id
    async fn named(state: &AppState, target: &str, ids: &[i64]) -> std::collections::HashMap<i64, String> {
        let mut names = std::collections::HashMap::new();
        if ids.is_empty() {
            return names;
        }
        let args: Vec<Arg> = ids.iter().map(|i| Arg::Int(Some(*i))).collect();
        let Some(def) = schema::entity(target) else {
            return names;
        };
        if target == "pairings" {
            let Ok(rows) = state
                .store
                .fields_where_in_and(
                    "pairings",
                    &["supporter_org_id", "receiver_org_id"],
                    "id",
                    &args,
                    "",
                    &[],
                )
                .await
            else {
                return names;
            };
            let org_ids: Vec<i64> = rows
                .iter()
                .flat_map(|p| [p["supporter_org_id"].as_i64(), p["receiver_org_id"].as_i64()])
                .flatten()
                .collect();
            let orgs = Box::pin(named(state, "orgs", &org_ids)).await;
            for p in rows {
                let side = |k: &str| p[k].as_i64().and_then(|i| orgs.get(&i)).cloned().unwrap_or_default();
                names.insert(
                    p["id"].as_i64().unwrap_or(0),
                    format!("{} → {}", side("supporter_org_id"), side("receiver_org_id")),
                );
            }
            return names;
        }
        if target == "dispatches" {
            let Ok(rows) = state
                .store
                .fields_where_in_and("dispatches", &["person_id"], "id", &args, "", &[])
                .await
            else {
                return names;
            };
            let people: Vec<i64> = rows.iter().filter_map(|d| d["person_id"].as_i64()).collect();
            let people = Box::pin(named(state, "people", &people)).await;
            for d in rows {
                if let Some(n) = d["person_id"].as_i64().and_then(|i| people.get(&i)) {
                    names.insert(d["id"].as_i64().unwrap_or(0), n.clone());
                }
            }
            return names;
        }
        let Some(key) = ["name", "title"].into_iter().find(|k| def.field(k).is_some()) else {
            return names;
        };
        if let Ok(rows) = state
            .store
            .fields_where_in_and(target, &[key], "id", &args, "", &[])
            .await
        {
            for r in rows {
                if let Some(n) = r[key].as_str().filter(|n| !n.trim().is_empty()) {
                    names.insert(r["id"].as_i64().unwrap_or(0), n.to_string());
                }
            }
        }
        names
    }
    // each record's own name
    let own = ids("id");
    for (id, name) in named(state, entity, &own).await {
        out.insert(("", id.to_string()), name);
    }
    for f in fields {
        match f.refs {
            Some(("users", "id")) => {
                for (id, name) in state.store.user_names(&ids(f.name)).await.unwrap_or_default() {
                    out.insert((f.name, id.to_string()), name);
                }
            }
            Some(("regions", "code")) => {
                let codes: std::collections::BTreeSet<String> = items
                    .iter()
                    .filter_map(|r| r[f.name].as_str().map(str::to_string))
                    .collect();
                let args: Vec<Arg> = codes.into_iter().map(|c| Arg::Text(Some(c))).collect();
                if args.is_empty() {
                    continue;
                }
                if let Ok(rows) = state
                    .store
                    .fields_where_in_and("regions", &["code", "name"], "code", &args, "", &[])
                    .await
                {
                    for r in rows {
                        if let (Some(c), Some(n)) = (r["code"].as_str(), r["name"].as_str()) {
                            out.insert((f.name, c.to_string()), n.to_string());
                        }
                    }
                }
            }
            Some((target, "id")) => {
                for (id, name) in named(state, target, &ids(f.name)).await {
                    out.insert((f.name, id.to_string()), name);
                }
            }
            _ => {}
        }
    }
    out
}

/// A region by its name with the names above it (`新疆维吾尔自治区 阿克苏地区 温宿县`), for a page that would
/// otherwise show its code.
async fn region_name(state: &AppState, code: &str) -> Option<String> {
    let mut names = Vec::new();
    let mut next = Some(code.to_string());
    // at most four levels (province, prefecture, county, town)
    for _ in 0..4 {
        let Some(c) = next.take() else { break };
        let query = ListQuery {
            filters: [("code".to_string(), c)].into(),
            ..Default::default()
        };
        let found = state.store.list("regions", &query).await.ok()?;
        let r = found.items.first()?;
        names.push(r["name"].as_str().unwrap_or("").to_string());
        next = r["parent_code"].as_str().map(str::to_string);
    }
    names.reverse();
    Some(names.join(" "))
}

/// A server time (RFC 3339, UTC) as a person in China reads it: `2026-12-06 10:36`, Beijing time. Anything else is
/// shown as it came.
fn beijing_time(at: &str) -> String {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&beijing).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

fn shown(kind: FieldKind, v: &Value) -> String {
    match (kind, v) {
        (_, Value::Null) => String::new(),
        (FieldKind::Enum(options), Value::String(s)) => options
            .iter()
            .find(|(o, _)| o == s)
            .map(|(_, l)| l.to_string())
            .unwrap_or_else(|| s.clone()),
        // a date in its Chinese form at its precision: 2011年, 2014年6月, 2014年6月15日 (never a year's first day)
        (FieldKind::Date, Value::String(s)) => s
            .parse::<duikou_domain::RecDate>()
            .map(|d| d.label_zh())
            .unwrap_or_else(|_| s.clone()),
        (FieldKind::Money, Value::String(s)) => s
            .parse::<duikou_domain::Money>()
            .map(|m| m.display_zh())
            .unwrap_or_else(|_| s.clone()),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// A field of a record as a person reads it: an approximate figure in its written form (`1500余课时`).
fn shown_field(f: &schema::Field, rec: &Value) -> String {
    // an org's attributes by the registry's words (职工13名；无专职防保人员), others by their key
    if let (true, Value::Object(m)) = (f.name == "attributes", &rec[f.name]) {
        return m
            .iter()
            .map(|(k, v)| {
                duikou_domain::attributes::org_attribute(k)
                    .and_then(|a| duikou_domain::attributes::written(a, v))
                    .unwrap_or_else(|| format!("{k}：{}", shown(FieldKind::Text, v)))
            })
            .collect::<Vec<_>>()
            .join("；");
    }
    // an obligation's rule as its sentence (每年培训不少于 200 人次), never its JSON
    if f.kind == FieldKind::Json(schema::JsonShape::ObligationRule) {
        if let Ok(rule) = duikou_domain::ObligationRule::from_json(&rec[f.name]) {
            return rule.text_zh();
        }
    }
    if f.approx {
        if let Some(w) = duikou_domain::approx::written_field(f.kind, rec, f.name) {
            return w;
        }
    }
    shown(f.kind, &rec[f.name])
}

/// `GET /records/{entity}?q=&page=`: any list, searchable in Chinese, with an Excel download.
pub async fn list(State(state): State<AppState>, parts: Parts, Path(entity): Path<String>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(def) = schema::entity(&entity) else {
        return (StatusCode::NOT_FOUND, "没有这种记录").into_response();
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap_or_default();
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let q = get("q").unwrap_or_default();
    let cursor = |name: &str| get(name).and_then(|v| v.parse::<i64>().ok()).filter(|v| *v >= 1);
    let (after, before) = (cursor("after"), cursor("before"));
    // `page` pages by number near the start; with a cursor it only numbers the page shown.
    let page = get("page")
        .and_then(|v| v.parse().ok())
        .filter(|p: &i64| *p >= 1)
        .unwrap_or(1);
    // Field filters (`?program_id=3`, `?start_date_from=…`) and `sort` pass through to the list and its links.
    let is_field = |k: &str| {
        let base = k.strip_suffix("_from").or_else(|| k.strip_suffix("_to")).unwrap_or(k);
        def.fields.iter().any(|f| f.name == k || f.name == base)
    };
    let kept: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, v)| (k == "q" || k == "sort" || is_field(k)) && !v.is_empty())
        .cloned()
        .collect();
    let query = ListQuery {
        q: (!q.is_empty() && !def.search.is_empty()).then(|| q.clone()),
        filters: kept.iter().filter(|(k, _)| k != "q" && k != "sort").cloned().collect(),
        sort: get("sort").filter(|s| !s.is_empty()),
        page: (after.is_none() && before.is_none()).then_some(page),
        per_page: Some(50),
        after: after.filter(|_| before.is_none()),
        before,
    };
    let result = match state.store.list(&entity, &query).await {
        Ok(r) => r,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let base = serde_urlencoded::to_string(&kept).unwrap_or_default();
    let href = |extra: String| match (base.is_empty(), extra.is_empty()) {
        (true, _) => format!("?{extra}"),
        (false, true) => format!("?{base}"),
        (false, false) => format!("?{base}&{extra}"),
    };
    let prev_href = if after.is_none() && before.is_none() {
        (page > 1).then(|| {
            href(if page == 2 {
                String::new()
            } else {
                format!("page={}", page - 1)
            })
        })
    } else {
        result.prev_before.map(|b| {
            href(if page <= 2 {
                String::new()
            } else {
                format!("before={b}&page={}", page - 1)
            })
        })
    };
    let next_href = result.next_after.map(|a| href(format!("after={a}&page={}", page + 1)));
    let note = (!result.total_exact).then(|| {
        let short = query
            .q
            .as_deref()
            .is_some_and(|q| q.trim().chars().count() < duikou_store::list::INDEXED_CHARS);
        if short {
            format!(
                "一两个字的搜索不能用全文索引，每次只检索 {} 条记录，条数只计已检索的部分；点“下一页”继续检索，或多输入几个字在全部记录中查找。",
                duikou_store::list::SEARCH_WINDOW
            )
        } else {
            format!(
                "符合条件的记录超过 {} 条，只计到此为止。",
                duikou_store::list::COUNT_CAP
            )
        }
    });
    let (total, pages) = if result.total_exact {
        (result.total.to_string(), ((result.total + 49) / 50).max(1).to_string())
    } else {
        (
            format!("{}+", result.total),
            format!("{}+", ((result.total + 49) / 50).max(1)),
        )
    };
    let fields: Vec<&schema::Field> = def
        .fields
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::Json(_) | FieldKind::LongText) && f.companion.is_none())
        .take(8)
        .collect();
    let mut headers = vec![def.label.to_string()];
    headers.extend(fields.iter().map(|f| f.label.to_string()));
    // references by the names of what they point to, read once per page and target
    let names = list_names(&state, &entity, &fields, &result.items).await;
    let rows = result
        .items
        .iter()
        .map(|r| {
            let id = r["id"].as_i64().unwrap_or(0);
            let called = names
                .get(&("", id.to_string()))
                .cloned()
                .unwrap_or_else(|| "查看".to_string());
            let cells = fields
                .iter()
                .map(|f| {
                    let raw = match &r[f.name] {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => String::new(),
                    };
                    match names.get(&(f.name, raw)) {
                        Some(name) => name.clone(),
                        None if f.name.ends_with("_at") => beijing_time(&shown(f.kind, &r[f.name])),
                        None => shown_field(f, r),
                    }
                })
                .collect();
            (id, called, cells)
        })
        .collect();
    let link_base = if entity == "pairings" {
        "/pairings/".to_string()
    } else if entity == "programs" && program::may_oversee(&actor).is_ok() {
        "/programs/".to_string()
    } else {
        format!("/records/{entity}/")
    };
    render(ListPage {
        ui: ui(Some(&actor), csrf),
        title: def.label.into(),
        label: def.label.into(),
        entity,
        q,
        total,
        page,
        pages,
        prev_href,
        next_href,
        note,
        headers,
        rows,
        link_base,
    })
}

#[derive(Template)]
#[template(path = "pairing.html")]
struct PairingPage {
    ui: Ui,
    title: String,
    id: i64,
    heading: String,
    program: String,
    /// The program, for the link to its assessments (each side sees its own pairing's).
    program_id: i64,
    term: String,
    /// The periods its work summary is offered for, the last complete one first.
    periods: Vec<summary_periods::PeriodChoice>,
    cards: Vec<(String, String)>,
    score: String,
    results: Vec<(&'static str, &'static str, bool, String)>,
    /// The pairing's file (档案): each kind of record it holds, how many, and where to read them.
    file: Vec<FileTab>,
}

/// One kind of record in a pairing's file: its name, how many the pairing holds, the list of them, and what to do
/// when there are none.
struct FileTab {
    label: &'static str,
    count: String,
    href: String,
    /// Where to record the first one (for those who may write), shown when there are none.
    new_href: Option<String>,
}

/// The kinds of record a pairing's file lists, in the order a reader looks for them.
const FILE_ENTITIES: &[&str] = &[
    "agreements",
    "dispatches",
    "projects",
    "activities",
    "needs",
    "documents",
    "indicator_values",
];

/// The pairing's file: a count per kind of record (one small count each), linking to the list filtered to it.
async fn pairing_file(state: &AppState, id: i64, can_write: bool) -> Vec<FileTab> {
    let mut out = Vec::new();
    for entity in FILE_ENTITIES {
        let Some(def) = schema::entity(entity) else { continue };
        if def.field("pairing_id").is_none() {
            continue;
        }
        let query = ListQuery {
            filters: [("pairing_id".to_string(), id.to_string())].into(),
            per_page: Some(1),
            ..Default::default()
        };
        let (count, none) = match state.store.list(entity, &query).await {
            Ok(l) if l.total_exact => (l.total.to_string(), l.total == 0),
            Ok(l) => (format!("{}+", l.total), false),
            Err(_) => ("—".to_string(), false),
        };
        out.push(FileTab {
            label: def.label,
            count,
            href: format!("/records/{entity}?pairing_id={id}"),
            new_href: (none && can_write).then(|| format!("/records/{entity}/new?pairing_id={id}")),
        });
    }
    out
}

/// `GET /pairings/{id}`: who, what was done, and how the obligations stand.
pub async fn pairing(State(state): State<AppState>, parts: Parts, Path(id): Path<i64>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let detail = match state.store.pairing_detail(id).await {
        Ok(d) => d,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let today = state.store.today();
    let assessed = state.store.assess_pairing(id, None, today).await;
    let t = &detail["totals"];
    let cards = vec![
        ("援派人员".to_string(), format!("{} 名", t["people"]["persons"])),
        // totals carry their qualifier and range ("1500余课时", "20—50人次")
        (
            "授课".to_string(),
            duikou_domain::approx::written_field(FieldKind::Int, &t["activities"], "hours")
                .unwrap_or_else(|| "0课时".into()),
        ),
        (
            "培训".to_string(),
            duikou_domain::approx::written_field(FieldKind::Int, &t["activities"], "person_times")
                .unwrap_or_else(|| "0人次".into()),
        ),
        ("援建项目".to_string(), format!("{} 个", t["projects"]["count"])),
    ];
    let mut cards = cards;
    // money outside any project, when there is some
    if t["funds"]["count"].as_i64().unwrap_or(0) > 0 {
        let amount = t["funds"]["amount"]
            .as_str()
            .and_then(|m| m.parse::<duikou_domain::Money>().ok())
            .unwrap_or_default();
        cards.push(("项目外资金".to_string(), amount.display_zh()));
    }
    let (score, results) = match assessed {
        Ok(a) => (
            match (a.score.score, a.score.rating) {
                (Some(s), Some(r)) => format!("得分 {s:.1}，等次 {r}"),
                _ => "暂无可评分的结果".into(),
            },
            a.results
                .iter()
                .map(|r| {
                    let (class, label) = match r.status {
                        duikou_domain::engine::Status::Met => ("met", "达标"),
                        duikou_domain::engine::Status::Unmet => ("unmet", "未达标"),
                        duikou_domain::engine::Status::Open => ("open", "进行中"),
                    };
                    (class, label, r.warning, r.text.clone())
                })
                .collect(),
        ),
        Err(e) => (e.to_string(), Vec::new()),
    };
    let p = &detail["pairing"];
    let file = pairing_file(&state, id, actor.role != Role::Viewer).await;
    let heading = format!(
        "{} → {}",
        detail["supporter"]["name"].as_str().unwrap_or(""),
        detail["receiver"]["name"].as_str().unwrap_or("")
    );
    render(PairingPage {
        ui: ui(Some(&actor), csrf),
        title: heading.clone(),
        file,
        id,
        heading,
        program: detail["program"]["name"].as_str().unwrap_or("").into(),
        program_id: detail["program"]["id"].as_i64().unwrap_or(0),
        term: format!(
            "{} — {}",
            p["start_date"].as_str().unwrap_or(""),
            p["end_date"].as_str().unwrap_or("")
        ),
        periods: summary_periods::summary_periods(
            duikou_domain::date::first_day(&p["start_date"]),
            duikou_domain::date::last_day(&p["end_date"]),
            detail["program"]["calendar"]["kind"].as_str() == Some("school_year"),
            today,
            12,
        ),
        cards,
        score,
        results,
    })
}

struct InboxItem {
    entity: String,
    id: i64,
    label: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    ui: Ui,
    title: String,
    message: Option<String>,
    items: Vec<InboxItem>,
}

/// `GET /inbox`: facts recorded about the user's receiving orgs that wait for confirmation.
pub async fn inbox(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(denied) = access::may_use_inbox(&actor) {
        return refused(&actor, csrf, denied.0);
    }
    let mut pairings = Vec::new();
    if actor.role == Role::Admin {
        if let Ok(p) = state
            .store
            .list(
                "pairings",
                &ListQuery {
                    per_page: Some(500),
                    ..Default::default()
                },
            )
            .await
        {
            pairings = p.items;
        }
    } else if actor.role == Role::ReceiverEditor {
        for org in &actor.scope {
            pairings.extend(
                state
                    .store
                    .list_all("pairings", "receiver_org_id", *org)
                    .await
                    .unwrap_or_default(),
            );
        }
    }
    let mut items = Vec::new();
    for p in &pairings {
        let pid = p["id"].as_i64().unwrap_or(0);
        for e in schema::ENTITIES.iter().filter(|e| e.confirmable) {
            let q = ListQuery {
                filters: [
                    ("pairing_id".to_string(), pid.to_string()),
                    ("confirmation".to_string(), "pending".to_string()),
                ]
                .into(),
                per_page: Some(100),
                ..Default::default()
            };
            for r in state.store.list(e.name, &q).await.map(|p| p.items).unwrap_or_default() {
                let summary = fact_summary(&state, e, &r).await;
                items.push(InboxItem {
                    entity: e.name.into(),
                    id: r["id"].as_i64().unwrap_or(0),
                    label: e.label.into(),
                    summary,
                });
            }
        }
    }
    let message = parts
        .uri
        .query()
        .filter(|q| q.contains("done=1"))
        .map(|_| ZH.done.to_string());
    render(InboxPage {
        ui: ui(Some(&actor), csrf),
        title: ZH.inbox.into(),
        message,
        items,
    })
}

/// A fact in a line, for a person: whom it is about (a dispatch's person, a stint's or appraisal's through its
/// dispatch), then its title or name, role, kind, dates and figures, as shown on its page.
async fn fact_summary(state: &AppState, e: &schema::EntityDef, r: &Value) -> String {
    // who it is about (a dispatch's person; a stint's or an appraisal's through its dispatch), then what
    let person = match (r["person_id"].as_i64(), r["dispatch_id"].as_i64()) {
        (Some(p), _) => Some(p),
        (None, Some(d)) => state
            .store
            .get("dispatches", d)
            .await
            .ok()
            .and_then(|d| d["person_id"].as_i64()),
        _ => None,
    };
    let mut summary: Vec<String> = Vec::new();
    if let Some(p) = person {
        summary.extend(reference_name(state, "people", p).await);
    }
    for k in [
        "title",
        "name",
        "role",
        "kind",
        "start_date",
        "date",
        "amount",
        "hours",
        "person_times",
    ] {
        let Some(f) = e.field(k) else { continue };
        let mut shown_value = shown(f.kind, &r[k]);
        if k == "start_date" && !shown_value.is_empty() {
            if let Some(end) = r.get("end_date").filter(|v| !v.is_null()) {
                shown_value = format!("{shown_value} 至 {}", shown(f.kind, end));
            }
        }
        // a count says what it counts: 60人次, 2课时
        if matches!(k, "hours" | "person_times") && !shown_value.is_empty() && !shown_value.ends_with(f.label) {
            shown_value.push_str(f.label);
        }
        if !shown_value.is_empty() {
            summary.push(shown_value);
        }
    }
    summary.join("，")
}

/// `POST /inbox/{entity}/{id}/{confirm|dispute}`.
pub async fn decide(
    State(state): State<AppState>,
    parts: Parts,
    Path((entity, id, action)): Path<(String, i64, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    let (actor, _) = match posting_user(&state, &parts, Some(f.csrf.as_str())).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let confirmed = action == "confirm";
    match state
        .store
        .set_confirmation(&actor, &entity, id, confirmed, f.reason.as_deref())
        .await
    {
        Ok(_) => Redirect::to("/inbox?done=1").into_response(),
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    ui: Ui,
    title: String,
    heading: String,
    /// The scope of the record's work summary (`org:3`, `region:650000`), for programs, orgs and regions.
    summary_scope: Option<String>,
    /// Whether the user has just saved it (a form's redirect says so).
    saved: bool,
    entity: String,
    id: i64,
    fields: Vec<(String, String)>,
    history: Vec<(String, String, String, String)>,
}

fn action_label(a: &str) -> &str {
    match a {
        "create" => "新建",
        "update" => "修改",
        "delete" => "删除",
        "confirm" => "确认",
        "dispute" => "提出异议",
        "publish" => "公开",
        "withdraw" => "撤回公开",
        other => other,
    }
}

/// `GET /records/{entity}/{id}`: the record, its confirmation state and its history.
pub async fn record(State(state): State<AppState>, parts: Parts, Path((entity, id)): Path<(String, i64)>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if entity == "pairings" {
        return Redirect::to(&format!("/pairings/{id}")).into_response();
    }
    let Some(def) = schema::entity(&entity) else {
        return (StatusCode::NOT_FOUND, "没有这种记录").into_response();
    };
    let rec = match state.store.get(&entity, id).await {
        Ok(r) => r,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let confirm: &[schema::Field] = if def.confirmable {
        schema::CONFIRMATION_FIELDS
    } else {
        &[]
    };
    let mut fields = Vec::new();
    for f in def.fields.iter().chain(confirm).filter(|f| f.companion.is_none()) {
        let mut value = shown_field(f, &rec);
        match (f.refs, &rec[f.name]) {
            (Some(("users", "id")), Value::Number(n)) => {
                let uid = n.as_i64().unwrap_or(0);
                value = state
                    .store
                    .user_names(&[uid])
                    .await
                    .ok()
                    .and_then(|m| m.get(&uid).cloned())
                    .unwrap_or_default();
            }
            (Some((target, "id")), Value::Number(n)) => {
                if let Some(name) = reference_name(&state, target, n.as_i64().unwrap_or(0)).await {
                    value = name;
                }
            }
            (Some(("regions", "code")), Value::String(code)) => {
                if let Some(name) = region_name(&state, code).await {
                    value = name;
                }
            }
            _ if f.name.ends_with("_at") => value = beijing_time(&value),
            _ => {}
        }
        fields.push((f.label.to_string(), value));
    }
    let history = if duikou_domain::access::may_read_audit(&actor).is_ok() {
        let events = state.store.audit_for(&entity, id).await.unwrap_or_default();
        let user_ids: Vec<i64> = events.iter().map(|e| e.user_id).collect();
        let names = state.store.user_names(&user_ids).await.unwrap_or_default();
        // what the history's references point to, by name (a region, an org, a user), never by code or id
        let ref_fields: Vec<&schema::Field> = def.fields.iter().filter(|f| f.refs.is_some()).collect();
        let afters: Vec<Value> = events.iter().map(|e| e.after.clone()).collect();
        let ref_names = list_names(&state, &entity, &ref_fields, &afters).await;
        events
            .into_iter()
            .map(|e| {
                let changed: Vec<String> = e
                    .after
                    .as_object()
                    .map(|after| {
                        let mut seen = Vec::new();
                        after
                            .iter()
                            .filter(|(k, v)| e.before.get(k.as_str()) != Some(*v))
                            // a changed qualifier or range shows as its figure's new written form
                            .filter_map(|(k, _)| {
                                def.field(k)
                                    .map(|f| f.companion.and_then(|b| def.field(b)).unwrap_or(f))
                            })
                            .filter(|f| {
                                let fresh = !seen.contains(&f.name);
                                seen.push(f.name);
                                fresh
                            })
                            .map(|f| {
                                let raw = match &e.after[f.name] {
                                    Value::String(s) => s.clone(),
                                    Value::Number(n) => n.to_string(),
                                    _ => String::new(),
                                };
                                let shown = match ref_names.get(&(f.name, raw)) {
                                    Some(name) if f.refs.is_some() => name.clone(),
                                    _ => shown_field(f, &e.after),
                                };
                                format!("{}：{shown}", f.label)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let at = beijing_time(&e.at);
                (
                    at,
                    names.get(&e.user_id).cloned().unwrap_or_else(|| "系统".to_string()),
                    action_label(&e.action).to_string(),
                    changed.join("；"),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    // the record by what people call it: its name or title (a region's, an org's, an activity's …), else its kind
    let called = ["name", "title"]
        .iter()
        .find_map(|k| rec[*k].as_str().filter(|s| !s.trim().is_empty()))
        .map(|n| format!("{}：{n}", def.label))
        .unwrap_or_else(|| def.label.to_string());
    // where a work summary can be written for this record's scope
    let summary_scope = match entity.as_str() {
        "programs" => Some(format!("program:{id}")),
        "orgs" => Some(format!("org:{id}")),
        "regions" => rec["code"].as_str().map(|c| format!("region:{c}")),
        _ => None,
    };
    render(RecordPage {
        ui: ui(Some(&actor), csrf),
        title: called.clone(),
        heading: called,
        summary_scope,
        saved: parts.uri.query().is_some_and(|q| q.split('&').any(|p| p == "saved=1")),
        entity,
        id,
        fields,
        history,
    })
}

/// `POST /inbox/confirm_all`: confirms every listed fact the user may confirm; stops at the first refusal.
pub async fn confirm_all(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if !form.iter().any(|(k, v)| k == "csrf" && *v == csrf) {
        return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response();
    }
    for (_, item) in form.iter().filter(|(k, _)| k == "item") {
        let Some((entity, id)) = item
            .split_once(':')
            .and_then(|(e, i)| i.parse::<i64>().ok().map(|i| (e, i)))
        else {
            continue;
        };
        if let Err(e) = state.store.set_confirmation(&actor, entity, id, true, None).await {
            return crate::error::ApiError::from(e).into_response();
        }
    }
    Redirect::to("/inbox?done=1").into_response()
}

struct MinePairing {
    id: i64,
    heading: String,
    score: String,
    due: Vec<(&'static str, &'static str, bool, String, i64)>,
}

/// A 督办 item on a unit's home page, with the pairing's documents it may attach.
struct MineItem {
    mark: SupervisionMark,
    pairing: String,
    obligation: String,
    period: String,
    documents: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    ui: Ui,
    title: String,
    message: Option<String>,
    items: Vec<MineItem>,
    pairings: Vec<MinePairing>,
    /// The year whose work summary each pairing offers to download: the last complete one.
    period: String,
}

/// `GET /mine`: the pairings of the user's orgs, with what is still owed in the windows now running and how far along.
pub async fn mine(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let replied = parts
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "replied=1"));
    mine_page(&state, &actor, csrf, replied.then(|| "已回复".to_string())).await
}

/// The home page of a unit: its 督办 items to answer, then its pairings with what is still owed.
async fn mine_page(state: &AppState, actor: &Actor, csrf: String, message: Option<String>) -> Response {
    if let Err(denied) = access::may_list_own_pairings(actor) {
        return refused(actor, csrf, denied.0);
    }
    let mut items = Vec::new();
    for m in state.store.supervisions_of(&actor.scope).await.unwrap_or_default() {
        let pairing = m["pairing_id"].as_i64().unwrap_or(0);
        let documents = state
            .store
            .list_all("documents", "pairing_id", pairing)
            .await
            .unwrap_or_default()
            .iter()
            .map(|d| {
                (
                    d["id"].as_i64().unwrap_or(0),
                    d["title"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        items.push(MineItem {
            mark: mark_of(&m, m["overdue_days"].as_i64().unwrap_or(0)),
            pairing: m["pairing"].as_str().unwrap_or("").to_string(),
            obligation: m["obligation"].as_str().unwrap_or("").to_string(),
            period: m["period"].as_str().unwrap_or("").to_string(),
            documents,
        });
    }
    let mut ids: Vec<i64> = Vec::new();
    for org in &actor.scope {
        for field in ["supporter_org_id", "receiver_org_id"] {
            for p in state.store.list_all("pairings", field, *org).await.unwrap_or_default() {
                if let Some(id) = p["id"].as_i64().filter(|i| !ids.contains(i)) {
                    ids.push(id);
                }
            }
        }
    }
    let today = state.store.today();
    let mut pairings = Vec::new();
    for id in ids {
        let Ok(a) = state.store.assess_pairing(id, None, today).await else {
            continue;
        };
        let mut due: Vec<_> = a
            .results
            .iter()
            .filter(|r| r.status == duikou_domain::engine::Status::Open || r.warning)
            .map(|r| {
                let pct = match r.target {
                    Some(t) if t.as_f64() > 0.0 => {
                        ((r.actual.as_f64() / t.as_f64()) * 100.0).clamp(0.0, 100.0).round() as i64
                    }
                    _ => 0,
                };
                ("open", "进行中", r.warning, r.text.clone(), pct)
            })
            .collect();
        due.sort_by_key(|d| d.4);
        let score = match (a.score.score, a.score.rating.as_deref()) {
            (Some(s), Some(r)) => format!(
                "得分 {s:.1}，{r}；达标 {}，未达标 {}，进行中 {}",
                a.score.met, a.score.unmet, a.score.open
            ),
            _ => format!("进行中 {}", a.score.open),
        };
        pairings.push(MinePairing {
            id,
            heading: format!("{} → {}", a.supporter, a.receiver),
            score,
            due,
        });
    }
    let l = &ZH;
    render(MinePage {
        ui: ui(Some(actor), csrf),
        title: l.mine.into(),
        message,
        items,
        pairings,
        period: (chrono::Datelike::year(&state.store.today()) - 1).to_string(),
    })
}

struct SupervisionRow {
    pairing_id: i64,
    pairing: String,
    class: &'static str,
    text: String,
    org: String,
    obligation_id: i64,
    window: String,
    subject: String,
    /// The item: its id, state, instruction, deadline, overdue days, reply, decision note.
    item: Option<SupervisionMark>,
    /// The pairing's term is over: overdue days no longer count.
    ended: bool,
}

struct SupervisionMark {
    id: i64,
    status: String,
    state: &'static str,
    note: String,
    due_on: String,
    overdue: i64,
    reply: String,
    resolution: String,
}

fn mark_of(v: &Value, overdue: i64) -> SupervisionMark {
    let text = |k: &str| v[k].as_str().unwrap_or("").to_string();
    SupervisionMark {
        id: v["id"].as_i64().unwrap_or(0),
        status: text("status"),
        state: duikou_store::assess::supervision_state_zh(v["status"].as_str().unwrap_or("")),
        note: text("note"),
        due_on: text("due_on"),
        overdue,
        reply: text("reply"),
        resolution: text("resolution"),
    }
}

#[derive(Template)]
#[template(path = "supervision.html")]
struct SupervisionPage {
    ui: Ui,
    title: String,
    program: String,
    program_id: i64,
    message: Option<String>,
    items: Vec<SupervisionRow>,
    today: String,
}

async fn supervision_page(state: &AppState, actor: &Actor, csrf: String, id: i64, message: Option<String>) -> Response {
    let program = match state.store.get("programs", id).await {
        Ok(p) => p,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let today = state.store.today();
    // an item whose result has turned met is closed, saying so, before the list is drawn
    if let Err(e) = state.store.settle_supervisions(id, today).await {
        tracing::warn!(error = %e, program = id, "督办 not settled");
    }
    let items = match state.store.supervision_list(id, None, today, false).await {
        Ok(v) => v,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let rows = items
        .into_iter()
        .map(|i| SupervisionRow {
            pairing_id: i.pairing_id,
            pairing: format!("{} → {}", i.supporter, i.receiver),
            class: match i.result.status {
                duikou_domain::engine::Status::Unmet => "unmet",
                duikou_domain::engine::Status::Met => "met",
                duikou_domain::engine::Status::Open => "open",
            },
            text: i.result.text.clone(),
            org: i.org.clone(),
            obligation_id: i.result.obligation_id,
            window: i.result.window.clone(),
            subject: i.subject.clone(),
            item: i.supervision.as_ref().map(|m| mark_of(m, i.lateness_days)),
            ended: i.ended,
        })
        .collect();
    render(SupervisionPage {
        ui: ui(Some(actor), csrf),
        title: "督办清单".into(),
        program: program["name"].as_str().unwrap_or("").into(),
        program_id: id,
        message,
        items: rows,
        today: today.to_string(),
    })
}

/// `GET /programs/{id}/supervision`: the unmet and warned results across a program, with their 督办 items.
pub async fn supervision(State(state): State<AppState>, parts: Parts, Path(id): Path<i64>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(denied) = program::may_oversee(&actor) {
        return refused(&actor, csrf, denied.0);
    }
    supervision_page(&state, &actor, csrf, id, None).await
}

/// `POST /programs/{id}/supervision`: opens a 督办 item on a result (instruction and deadline), or decides one
/// (`decision`: 已整改 `rectified`, 未整改 `unrectified`, 办结 `close` with a note).
pub async fn supervise(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(denied) = program::may_oversee(&actor) {
        return refused(&actor, csrf, denied.0);
    }
    let get = |k: &str| {
        form.iter()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if get("csrf") != csrf {
        return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response();
    }
    let today = state.store.today();
    let decision = get("decision");
    let outcome = if decision.is_empty() {
        let new = duikou_store::assess::NewSupervision {
            pairing_id: get("pairing_id").parse().unwrap_or(0),
            obligation_id: get("obligation_id").parse().unwrap_or(0),
            period: get("period"),
            subject: Some(get("subject")).filter(|s| !s.is_empty()),
            note: get("note"),
            due_on: get("due_on"),
        };
        state
            .store
            .supervise(&actor, &new, today)
            .await
            .map(|_| "已督办".to_string())
    } else {
        let item = get("item").parse().unwrap_or(0);
        state
            .store
            .decide_supervision(&actor, item, &decision, &get("note"), today)
            .await
            .map(|after| {
                format!(
                    "已更新：{}",
                    duikou_store::assess::supervision_state_zh(after["status"].as_str().unwrap_or(""))
                )
            })
    };
    let (status, message) = match outcome {
        Ok(m) => (StatusCode::OK, m),
        Err(e) => {
            let e = crate::error::ApiError::from(e);
            (e.status, e.message)
        }
    };
    let mut page = supervision_page(&state, &actor, csrf, id, Some(message)).await;
    if page.status() == StatusCode::OK {
        *page.status_mut() = status;
    }
    page
}

/// `POST /supervisions/{id}/reply`: the responsible unit answers a 督办 item from its home page, with a note and
/// (if it chose one) a document of the pairing already uploaded.
pub async fn reply_supervision(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let get = |k: &str| {
        form.iter()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if get("csrf") != csrf {
        return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response();
    }
    let today = state.store.today();
    let document = get("document_id").parse::<i64>().ok();
    match state
        .store
        .reply_supervision(&actor, id, &get("reply"), document, today)
        .await
    {
        Ok(_) => Redirect::to("/mine?replied=1").into_response(),
        Err(e) => {
            let e = crate::error::ApiError::from(e);
            let mut page = mine_page(&state, &actor, csrf, Some(e.message)).await;
            *page.status_mut() = e.status;
            page
        }
    }
}

/// Money by year and source, people in post by role, activities by kind — read from the write-time aggregates.
fn dashboard_charts(dash: Option<&duikou_store::aggregates::Dashboard>) -> Vec<duikou_report::Chart> {
    use std::collections::BTreeMap;
    let mut money: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    let mut roles: BTreeMap<String, f64> = BTreeMap::new();
    let mut kinds: BTreeMap<String, f64> = BTreeMap::new();
    if let Some(d) = dash {
        for m in &d.money {
            let source = schema::value_label("transactions", "source", &m.source);
            let kind = schema::value_label("transactions", "kind", &m.kind);
            *money
                .entry(format!("{source}（{kind}）"))
                .or_default()
                .entry(m.year.to_string())
                .or_default() += m.amount_fen as f64 / 1e6;
        }
        for p in &d.people_by_role {
            *roles
                .entry(schema::value_label("dispatches", "role", &p.role))
                .or_default() += p.n as f64;
        }
        for a in &d.activities_by_kind {
            *kinds
                .entry(schema::value_label("activities", "kind", &a.kind))
                .or_default() += a.n as f64;
        }
    }
    let years: std::collections::BTreeSet<String> = money.values().flat_map(|m| m.keys().cloned()).collect();
    vec![
        duikou_report::Chart {
            title: "资金按年度和来源".into(),
            kind: duikou_report::ChartKind::StackedBar,
            categories: years.iter().map(|y| format!("{y}年")).collect(),
            series: money
                .iter()
                .map(|(name, m)| duikou_report::Series {
                    name: name.clone(),
                    values: years.iter().map(|y| *m.get(y).unwrap_or(&0.0)).collect(),
                })
                .collect(),
            unit: "万元".into(),
        },
        duikou_report::Chart {
            title: "援派人员按类别".into(),
            kind: duikou_report::ChartKind::Bar,
            categories: roles.keys().cloned().collect(),
            series: vec![duikou_report::Series {
                name: "人数".into(),
                values: roles.values().copied().collect(),
            }],
            unit: "人".into(),
        },
        duikou_report::Chart {
            title: "活动按类型".into(),
            kind: duikou_report::ChartKind::Bar,
            categories: kinds.keys().cloned().collect(),
            series: vec![duikou_report::Series {
                name: "次数".into(),
                values: kinds.values().copied().collect(),
            }],
            unit: "次".into(),
        },
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn server_times_are_read_in_beijing_time() {
        assert_eq!(super::beijing_time("2026-12-06T02:36:01.721603Z"), "2026-12-06 10:36");
        assert_eq!(super::beijing_time("2026-12-06T20:00:00+00:00"), "2026-12-07 04:00");
        assert_eq!(super::beijing_time("昨天"), "昨天");
    }
}
