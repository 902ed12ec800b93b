//! Accounts in the browser: 我的账户 (`/account`, every signed-in user: who I am and what I work on, changing my
//! password, my API tokens) and 用户管理 (`/admin/users`, for those [`access::may_manage_users`] admits: the users,
//! adding one, deactivating and reactivating). Each action calls the store function the JSON API calls (the same
//! permission checks and audit events) and comes back to its page with a notice (POST, redirect, GET); a secret
//! made by an action (a new API token, a generated initial password) is carried to that page once in a short-lived
//! cookie of the page's path, shown, and dropped.

use super::forms::{named_record, with_picker};
use super::names::reference_name;
use super::{page_user, posting_user, refused, render, ui, Ui};
use crate::auth::{cookie, session_set_cookie, ClientAddress};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use duikou_domain::access::{self, Actor, Role};
use duikou_domain::record::Rec;
use duikou_store::accounts::{NewUser, TokenInfo, User, MAX_TOKEN_DAYS, TOKEN_DAYS};
use duikou_store::db::Arg;
use duikou_store::StoreError;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The cookie carrying a secret made by an action to the page that shows it once.
const ONCE_COOKIE: &str = "duikou_once";

/// How many pairings or programs the account page names before saying how many more there are.
const LISTED: usize = 30;

/// A form's fields by name (the last of each), trimmed.
fn fields(form: Vec<(String, String)>) -> HashMap<String, String> {
    form.into_iter().map(|(k, v)| (k, v.trim().to_string())).collect()
}

/// A field of a form, or empty.
fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map(String::as_str).unwrap_or("")
}

/// A query parameter of the page's address.
fn query_value(parts: &Parts, name: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(parts.uri.query().unwrap_or(""))
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A server time as a person reads a date: `2026年12月7日`, Beijing time.
fn date_zh(at: Option<DateTime<Utc>>) -> String {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    at.map(|t| t.with_timezone(&beijing).format("%Y年%-m月%-d日").to_string())
        .unwrap_or_else(|| "—".into())
}

/// A store's message as a form shows it: the form's own label for the field, without the machine name the API adds
/// for scripts ("密码（new_password）至少 10 个字符" → "新密码至少 10 个字符"; "填报员必须指定所属单位（org_ids）" →
/// "填报员必须指定所属单位").
fn plain(message: &str, key: &str, label: &str) -> String {
    let tag = format!("（{key}）");
    let Some(i) = message.find(&tag) else {
        return message.to_string();
    };
    let before = &message[..i];
    // the store's own name of the field leads the message: the form's label takes its place
    if before.chars().count() <= 6 && !before.contains(['，', '：', '、', ' ']) {
        format!("{label}{}", &message[i + tag.len()..])
    } else {
        message.replacen(&tag, "", 1)
    }
}

/// The answer that sets a cookie of `path` (empty `value` ends it) and goes to `to`.
fn redirect_with_cookie(state: &AppState, to: &str, path: &str, value: &str) -> Response {
    let mut resp = Redirect::to(to).into_response();
    let max_age = if value.is_empty() { 0 } else { 120 };
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    if let Ok(v) =
        format!("{ONCE_COOKIE}={value}; Path={path}; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}").parse()
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// What the once-cookie carries (name → value), and whether the request sent one.
fn once(parts: &Parts) -> Option<HashMap<String, String>> {
    let raw = cookie(&parts.headers, ONCE_COOKIE).filter(|v| !v.is_empty())?;
    let text = String::from_utf8(hex::decode(raw).ok()?).ok()?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(&text)
        .ok()
        .map(|v| v.into_iter().collect())
}

/// A once-cookie's value for these pairs.
fn once_value(pairs: &[(&str, &str)]) -> String {
    hex::encode(serde_urlencoded::to_string(pairs).unwrap_or_default())
}

/// A page's answer that drops the once-cookie of `path` when the request carried one (it has been shown).
fn dropping_once(state: &AppState, parts: &Parts, path: &str, mut resp: Response) -> Response {
    if cookie(&parts.headers, ONCE_COOKIE).is_some() {
        let secure = if state.secure_cookies { "; Secure" } else { "" };
        if let Ok(v) = format!("{ONCE_COOKIE}=; Path={path}; HttpOnly; SameSite=Strict; Max-Age=0{secure}").parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    // a page showing a secret is not kept by the browser or anything between
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    resp
}

/// The names of orgs by id.
async fn org_names(state: &AppState, ids: &BTreeSet<i64>) -> BTreeMap<i64, (String, Option<i64>)> {
    let mut out = BTreeMap::new();
    if ids.is_empty() {
        return out;
    }
    let args: Vec<Arg> = ids.iter().map(|i| Arg::Int(Some(*i))).collect();
    match state
        .store
        .fields_where_in_and("orgs", &["id", "name", "parent_id"], "id", &args, "", &[])
        .await
    {
        Ok(rows) => {
            for r in rows {
                out.insert(
                    r["id"].as_i64().unwrap_or(0),
                    (r["name"].as_str().unwrap_or("").to_string(), r["parent_id"].as_i64()),
                );
            }
        }
        Err(e) => tracing::error!(error = %e, "org names"),
    }
    out
}

// ───────────────────────────── 我的账户 ─────────────────────────────

/// One API token as the account page lists it.
struct TokenRow {
    id: i64,
    name: String,
    created: String,
    expires: String,
    last_used: String,
    expired: bool,
}

/// What was typed into a form of the account page, and what was wrong with it (field → message).
#[derive(Default)]
struct Typed {
    values: HashMap<String, String>,
    errors: HashMap<String, String>,
}

impl Typed {
    fn value(&self, name: &str) -> &str {
        field(&self.values, name)
    }

    fn error(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ui: Ui,
    title: String,
    notice: Option<String>,
    /// The form's general complaint ("请按提示修改后重新提交").
    alert: Option<String>,
    display_name: String,
    username: String,
    role: &'static str,
    /// The orgs the account is scoped to, by name (the top ones: each counts with what is below it).
    orgs: Vec<String>,
    /// What the scope comes to, in words ("负责的结对", "主管的计划"), and the records by (link, name).
    works_on: &'static str,
    work: Vec<(String, String)>,
    /// How many more there are than listed.
    more: usize,
    /// Said when the account is not limited to some orgs (an admin; a coordinator or viewer of everything).
    unlimited: Option<&'static str>,
    tokens: Vec<TokenRow>,
    any_last_used: bool,
    /// A token just made: its name and secret, shown this once.
    new_token: Option<(String, String)>,
    password: Typed,
    token: Typed,
    min_chars: usize,
    max_days: i64,
    default_days: i64,
}

/// The account page of `actor`, with what a refused form left to show.
async fn account_page(
    state: &AppState,
    parts: &Parts,
    actor: &Actor,
    csrf: String,
    password: Typed,
    token: Typed,
) -> AccountPage {
    let notice = match query_value(parts, "done").as_deref() {
        Some("password") => Some("已修改密码。您在其他浏览器或设备上的登录和全部 API 令牌均已失效。".to_string()),
        Some("token") => Some("已创建 API 令牌。".to_string()),
        Some("revoked") => Some("已吊销 API 令牌：使用它的脚本将不能再访问本系统。".to_string()),
        _ => None,
    };
    let new_token = once(parts).and_then(|m| Some((m.get("name")?.clone(), m.get("token")?.clone())));
    let display_name = state
        .store
        .user_names(&[actor.user_id])
        .await
        .ok()
        .and_then(|n| n.get(&actor.user_id).cloned())
        .unwrap_or_else(|| actor.username.clone());
    // the orgs of the scope, named by the top ones (each counts with everything below it)
    let scope = org_names(state, &actor.scope).await;
    let orgs: Vec<String> = scope
        .values()
        .filter(|(_, parent)| !parent.is_some_and(|p| actor.scope.contains(&p)))
        .map(|(n, _)| n.clone())
        .collect();
    let (works_on, work, more) = work_of(state, actor, &scope).await;
    let unlimited = actor.scope.is_empty().then_some(match actor.role {
        Role::Admin => "系统管理员：可查看和维护全部数据，并管理用户",
        Role::Coordinator => "不限单位：协调全部计划",
        Role::Viewer => "不限单位：可查看全部数据",
        Role::SupporterEditor | Role::ReceiverEditor => "尚未指定所属单位，请联系系统管理员",
    });
    let listed = state.store.list_tokens(actor.user_id).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "tokens of the account page");
        Vec::new()
    });
    let any_last_used = listed.iter().any(|t| t.last_used_at.is_some());
    let tokens = listed
        .into_iter()
        .map(|t: TokenInfo| TokenRow {
            id: t.id,
            name: t.name,
            created: date_zh(t.created_at),
            expires: date_zh(t.expires_at),
            last_used: date_zh(t.last_used_at),
            expired: t.expired,
        })
        .collect();
    let alert = (!password.errors.is_empty() || !token.errors.is_empty()).then(|| "请按提示修改后重新提交".to_string());
    AccountPage {
        ui: ui(Some(actor), csrf),
        title: "我的账户".into(),
        notice,
        alert,
        display_name,
        username: actor.username.clone(),
        role: actor.role.label(),
        orgs,
        works_on,
        work,
        more,
        unlimited,
        tokens,
        any_last_used,
        new_token,
        password,
        token,
        min_chars: duikou_domain::password::MIN_CHARS,
        max_days: MAX_TOKEN_DAYS,
        default_days: TOKEN_DAYS,
    }
}

/// What the account works on by its scope: an editor's pairings (its side of them), a viewer's pairings on either
/// side, a coordinator's programs; as (heading, [(link, name)], how many more).
async fn work_of(
    state: &AppState,
    actor: &Actor,
    scope: &BTreeMap<i64, (String, Option<i64>)>,
) -> (&'static str, Vec<(String, String)>, usize) {
    if actor.scope.is_empty() {
        return ("", Vec::new(), 0);
    }
    let args: Vec<Arg> = actor.scope.iter().map(|i| Arg::Int(Some(*i))).collect();
    let named = |rows: Vec<Rec>, base: &str, name: &dyn Fn(&Rec) -> String| {
        let mut seen = BTreeSet::new();
        let mut all: Vec<(String, String)> = rows
            .iter()
            .filter(|r| seen.insert(r["id"].as_i64().unwrap_or(0)))
            .map(|r| (format!("{base}/{}", r["id"].as_i64().unwrap_or(0)), name(r)))
            .collect();
        all.sort_by(|a, b| a.1.cmp(&b.1));
        let more = all.len().saturating_sub(LISTED);
        all.truncate(LISTED);
        (all, more)
    };
    if actor.role == Role::Coordinator {
        let rows = state
            .store
            .fields_where_in_and("programs", &["id", "name"], "authority_org_id", &args, "", &[])
            .await
            .unwrap_or_default();
        let (list, more) = named(rows, "/programs", &|r| r["name"].as_str().unwrap_or("").to_string());
        return ("主管的计划", list, more);
    }
    let sides: &[&str] = match actor.role {
        Role::SupporterEditor => &["supporter_org_id"],
        Role::ReceiverEditor => &["receiver_org_id"],
        _ => &["supporter_org_id", "receiver_org_id"],
    };
    let mut rows = Vec::new();
    for side in sides {
        rows.extend(
            state
                .store
                .fields_where_in_and(
                    "pairings",
                    &["id", "supporter_org_id", "receiver_org_id"],
                    side,
                    &args,
                    "",
                    &[],
                )
                .await
                .unwrap_or_default(),
        );
    }
    // the other sides' names, with the scope's own already known
    let others: BTreeSet<i64> = rows
        .iter()
        .flat_map(|p| [p["supporter_org_id"].as_i64(), p["receiver_org_id"].as_i64()])
        .flatten()
        .filter(|o| !scope.contains_key(o))
        .collect();
    let mut names = org_names(state, &others).await;
    names.extend(scope.iter().map(|(k, v)| (*k, v.clone())));
    let side = |p: &Rec, k: &str| {
        p[k].as_i64()
            .and_then(|o| names.get(&o))
            .map(|n| n.0.clone())
            .unwrap_or_default()
    };
    let (list, more) = named(rows, "/pairings", &|p| {
        format!("{} → {}", side(p, "supporter_org_id"), side(p, "receiver_org_id"))
    });
    ("负责的结对", list, more)
}

/// `GET /account`: who I am, my password, my API tokens.
pub async fn show(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let page = account_page(&state, &parts, &actor, csrf, Typed::default(), Typed::default()).await;
    dropping_once(&state, &parts, "/account", render(page))
}

/// The account page again with a refused form's input and messages, answered with `status`.
async fn account_refused(
    state: &AppState,
    parts: &Parts,
    actor: &Actor,
    csrf: String,
    password: Typed,
    token: Typed,
    status: StatusCode,
) -> Response {
    let page = account_page(state, parts, actor, csrf, password, token).await;
    let mut resp = dropping_once(state, parts, "/account", render(page));
    *resp.status_mut() = status;
    resp
}

/// `POST /account/password` (`current_password`, `new_password`, `new_password_again`): the store's
/// [`duikou_store::Store::change_own_password`], as `POST /api/v1/auth/password`. Every session and token of the user
/// ends with it; the browser that changed it is given a new session, so the user stays signed in here.
pub async fn change_password(
    State(state): State<AppState>,
    parts: Parts,
    address: ClientAddress,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    // passwords are taken as typed (spaces count), the rest trimmed
    let raw: HashMap<String, String> = form.into_iter().collect();
    let (actor, csrf) = match posting_user(&state, &parts, raw.get("csrf").map(String::as_str)).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let current = field(&raw, "current_password").to_string();
    let new = field(&raw, "new_password").to_string();
    let again = field(&raw, "new_password_again").to_string();
    let mut typed = Typed {
        values: [
            ("current_password", &current),
            ("new_password", &new),
            ("new_password_again", &again),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect(),
        errors: HashMap::new(),
    };
    for (k, label) in [
        ("current_password", "原密码"),
        ("new_password", "新密码"),
        ("new_password_again", "再次输入新密码"),
    ] {
        if field(&raw, k).is_empty() {
            typed.errors.insert(k.into(), format!("请填写{label}"));
        }
    }
    if typed.errors.is_empty() && new != again {
        typed
            .errors
            .insert("new_password_again".into(), "两次输入的新密码不一致".into());
    }
    if !typed.errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return account_refused(&state, &parts, &actor, csrf, typed, Typed::default(), status).await;
    }
    match state
        .store
        .change_own_password(&actor, &current, &new, address.0.as_deref())
        .await
    {
        Ok(()) => {
            // the old session ended with every other credential of the user: this browser gets a new one
            let mut resp = Redirect::to("/account?done=password").into_response();
            match state.store.create_session(actor.user_id, state.session_hours).await {
                Ok(s) => {
                    let cookie = session_set_cookie(&state, &s.id, state.session_hours * 3600);
                    if let Ok(v) = cookie.parse() {
                        resp.headers_mut().append(header::SET_COOKIE, v);
                    }
                }
                Err(e) => return crate::error::ApiError::from(e).into_response(),
            }
            resp
        }
        Err(e) => {
            let status = match &e {
                StoreError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                StoreError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                _ => return crate::error::ApiError::from(e).into_response(),
            };
            match e {
                StoreError::Invalid(v) => {
                    for fe in v.0 {
                        let message = match (fe.field.as_str(), fe.code) {
                            ("current_password", "wrong") => "原密码不正确".to_string(),
                            ("new_password", "unchanged") => "新密码不能与原密码相同".to_string(),
                            (k, _) => plain(
                                &fe.message,
                                k,
                                if k == "current_password" {
                                    "原密码"
                                } else {
                                    "新密码"
                                },
                            ),
                        };
                        typed.errors.entry(fe.field).or_insert(message);
                    }
                }
                other => {
                    typed.errors.insert("current_password".into(), other.to_string());
                }
            }
            account_refused(&state, &parts, &actor, csrf, typed, Typed::default(), status).await
        }
    }
}

/// `POST /account/tokens` (`name`, `days`): a new API token of the user's own, as `POST /api/v1/auth/token` makes
/// one (the store's [`duikou_store::Store::create_token_for`]); its secret is shown on the account page this once.
pub async fn create_token(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = fields(form);
    let (actor, csrf) = match posting_user(&state, &parts, form.get("csrf").map(String::as_str)).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let name = field(&form, "name").to_string();
    let days_text = field(&form, "days").to_string();
    let mut typed = Typed {
        values: [
            ("name".to_string(), name.clone()),
            ("days".to_string(), days_text.clone()),
        ]
        .into(),
        errors: HashMap::new(),
    };
    let days = if days_text.is_empty() {
        Some(TOKEN_DAYS)
    } else {
        days_text
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=MAX_TOKEN_DAYS).contains(d))
    };
    if name.is_empty() {
        typed
            .errors
            .insert("name".into(), "请填写令牌名称，如“数据同步脚本”".into());
    }
    if days.is_none() {
        typed.errors.insert(
            "days".into(),
            format!("有效天数应为 1–{MAX_TOKEN_DAYS} 的整数，收到“{days_text}”"),
        );
    }
    let (Some(days), true) = (days, typed.errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return account_refused(&state, &parts, &actor, csrf, Typed::default(), typed, status).await;
    };
    match state.store.create_token_for(actor.user_id, &name, days).await {
        Ok(t) => redirect_with_cookie(
            &state,
            "/account?done=token",
            "/account",
            &once_value(&[("name", &name), ("token", &t.token)]),
        ),
        Err(StoreError::Invalid(v)) => {
            for fe in v.0 {
                let (key, label) = if fe.field == "expires_in_days" {
                    ("days", "有效天数")
                } else {
                    ("name", "令牌名称")
                };
                let message = plain(&fe.message, &fe.field, label);
                typed.errors.entry(key.to_string()).or_insert(message);
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            account_refused(&state, &parts, &actor, csrf, Typed::default(), typed, status).await
        }
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}

/// `POST /account/tokens/{id}/revoke`: revokes one of the user's own tokens, as `DELETE /api/v1/auth/tokens/{id}`.
pub async fn revoke_token(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = fields(form);
    let (actor, _) = match posting_user(&state, &parts, form.get("csrf").map(String::as_str)).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, "找不到这个 API 令牌").into_response();
    };
    match state.store.revoke_token(actor.user_id, id).await {
        Ok(true) => Redirect::to("/account?done=revoked").into_response(),
        // revoked already (a second click, another tab) or not the user's: nothing of it is left to revoke
        Ok(false) => (StatusCode::NOT_FOUND, "找不到这个 API 令牌：它可能已被吊销或已过期删除").into_response(),
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}

// ───────────────────────────── 用户管理 ─────────────────────────────

/// One user as the administration lists it.
struct UserRow {
    id: i64,
    display_name: String,
    username: String,
    role: String,
    orgs: String,
    active: bool,
    /// The signed-in admin itself (who cannot deactivate itself).
    me: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ui: Ui,
    title: String,
    notice: Option<String>,
    alert: Option<String>,
    users: Vec<UserRow>,
    /// The roles to choose from: (value, label, chosen).
    roles: Vec<(&'static str, &'static str, bool)>,
    typed: Typed,
    /// The org field's name for the picker to show (its value may be an id the picker chose).
    org_shown: String,
    /// A user just added with a generated password: (who, password), shown this once.
    generated: Option<(String, String)>,
    min_chars: usize,
}

/// The administration page, with what a refused form left to show.
async fn users_page(state: &AppState, parts: &Parts, actor: &Actor, csrf: String, typed: Typed) -> Response {
    let listed = match state.store.list_users(actor).await {
        Ok(u) => u,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let all_orgs: BTreeSet<i64> = listed.iter().flat_map(|u| u.org_ids.iter().copied()).collect();
    let names = org_names(state, &all_orgs).await;
    let called = |u: &User| {
        if u.display_name.trim().is_empty() {
            u.username.clone()
        } else {
            u.display_name.clone()
        }
    };
    let about = query_value(parts, "user")
        .and_then(|i| i.parse::<i64>().ok())
        .and_then(|i| listed.iter().find(|u| u.id == i))
        .map(|u| format!("{}（{}）", called(u), u.username))
        .unwrap_or_default();
    let notice = match query_value(parts, "done").as_deref() {
        Some("added") => Some(format!("已添加用户 {about}。")),
        Some("deactivated") => Some(format!(
            "已停用用户 {about}：其登录会话和 API 令牌均已失效，不能再登录。"
        )),
        Some("activated") => Some(format!(
            "已重新启用用户 {about}：可以用原密码登录，原有的 API 令牌不会恢复。"
        )),
        _ => None,
    };
    let generated = once(parts).and_then(|m| Some((m.get("who")?.clone(), m.get("password")?.clone())));
    let users = listed
        .iter()
        .map(|u| UserRow {
            id: u.id,
            display_name: called(u),
            username: u.username.clone(),
            role: Role::parse(&u.role)
                .map(|r| r.label().to_string())
                .unwrap_or_else(|| u.role.clone()),
            orgs: u
                .org_ids
                .iter()
                .filter_map(|o| names.get(o).map(|n| n.0.clone()))
                .collect::<Vec<_>>()
                .join("、"),
            active: u.active,
            me: u.id == actor.user_id,
        })
        .collect();
    let chosen = typed.value("role").to_string();
    let org_value = typed.value("org").to_string();
    let org_shown = match org_value.parse::<i64>() {
        Ok(id) => reference_name(state, "orgs", id).await.unwrap_or(org_value),
        Err(_) => org_value,
    };
    let alert = (!typed.errors.is_empty()).then(|| "未能添加用户：请按提示修改后重新提交".to_string());
    let page = UsersPage {
        ui: ui(Some(actor), csrf),
        title: "用户管理".into(),
        notice,
        alert,
        users,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.label(), r.as_str() == chosen))
            .collect(),
        typed,
        org_shown,
        generated,
        min_chars: duikou_domain::password::MIN_CHARS,
    };
    with_picker(dropping_once(state, parts, "/admin/users", render(page)))
}

/// `GET /admin/users`: every user, a form to add one; for those [`access::may_manage_users`] admits, else the 403
/// page.
pub async fn users(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(d) = access::may_manage_users(&actor) {
        return refused(&actor, csrf, d.0);
    }
    users_page(&state, &parts, &actor, csrf, Typed::default()).await
}

/// A password for a new user nobody typed one for: 14 letters and digits, none of those read one for another
/// (0/O, 1/l/I), as the policy allows.
fn generated_password(username: &str) -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    loop {
        let mut rng = rand::thread_rng();
        let p: String = (0..14).map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char).collect();
        if duikou_domain::password::check(username, &p, "password").is_ok() {
            return p;
        }
    }
}

/// `POST /admin/users` (`username`, `display_name`, `role`, `org`, `password`): adds a user through the store's
/// [`duikou_store::Store::create_user`], as `POST /api/v1/users`; the org is chosen by name with the picker. A
/// refused form comes back with its input and each message beside its field.
pub async fn add_user(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let raw: HashMap<String, String> = form.into_iter().collect();
    let (actor, csrf) = match posting_user(&state, &parts, raw.get("csrf").map(String::as_str)).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(d) = access::may_manage_users(&actor) {
        return refused(&actor, csrf, d.0);
    }
    let (mut typed, org_ids) = read_new_user(&state, &actor, &raw).await;
    let typed_password = typed.value("password").to_string();
    let username = typed.value("username").to_string();
    let role = typed.value("role").to_string();
    if !typed.errors.is_empty() {
        let mut resp = users_page(&state, &parts, &actor, csrf, typed).await;
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return resp;
    }
    let generated = typed_password.is_empty();
    let password = if generated {
        generated_password(&username)
    } else {
        typed_password
    };
    let display_name = Some(typed.value("display_name").to_string()).filter(|d| !d.is_empty());
    let new = NewUser {
        username: username.clone(),
        display_name: display_name.clone(),
        password: password.clone(),
        role,
        org_ids,
    };
    match state.store.create_user(&actor, &new).await {
        Ok(user) => {
            let to = format!("/admin/users?done=added&user={}", user.id);
            if generated {
                let who = format!("{}（{}）", display_name.as_deref().unwrap_or(&username), username);
                redirect_with_cookie(
                    &state,
                    &to,
                    "/admin/users",
                    &once_value(&[("who", &who), ("password", &password)]),
                )
            } else {
                Redirect::to(&to).into_response()
            }
        }
        Err(e) => {
            let status = match &e {
                StoreError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                StoreError::Conflict { .. } => StatusCode::CONFLICT,
                StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
                _ => return crate::error::ApiError::from(e).into_response(),
            };
            if let StoreError::Forbidden(m) = e {
                return refused(&actor, csrf, m);
            }
            refused_fields(e, generated, &mut typed);
            let mut resp = users_page(&state, &parts, &actor, csrf, typed).await;
            *resp.status_mut() = status;
            resp
        }
    }
}

/// The new user's form read: what was typed (the password as typed, spaces count) with a message for each field
/// missing or not found, and the org's id (the picker's choice, or a name typed without it).
async fn read_new_user(state: &AppState, actor: &Actor, raw: &HashMap<String, String>) -> (Typed, Vec<i64>) {
    let mut typed = Typed {
        values: ["username", "display_name", "role", "org"]
            .into_iter()
            .map(|k| (k.to_string(), field(raw, k).trim().to_string()))
            .collect(),
        errors: HashMap::new(),
    };
    // the password as typed (spaces count): kept only in the form it was typed into
    typed
        .values
        .insert("password".into(), field(raw, "password").to_string());
    if typed.value("username").is_empty() {
        typed
            .errors
            .insert("username".into(), "请填写用户名（登录时使用）".into());
    }
    if typed.value("role").is_empty() {
        typed.errors.insert("role".into(), "请选择角色".into());
    }
    // the org: the picker's choice (an id), or a name typed without the picker
    let org = typed.value("org").to_string();
    let mut org_ids = Vec::new();
    if !org.is_empty() {
        match org.parse::<i64>() {
            Ok(id) => org_ids.push(id),
            Err(_) => match named_record(state, actor, "orgs", &org).await {
                Some(id) => org_ids.push(id),
                None => {
                    typed.errors.insert(
                        "org".into(),
                        format!("找不到名为“{org}”的单位，或有多个同名的：请从列表中选择，或写出全称"),
                    );
                }
            },
        }
    }
    (typed, org_ids)
}

/// The store's refusal of a new user put beside the fields it names (`generated`: the password was generated).
fn refused_fields(e: StoreError, generated: bool, typed: &mut Typed) {
    let labels = |k: &str| match k {
        "username" => ("username", "用户名"),
        "display_name" => ("display_name", "姓名"),
        "role" => ("role", "角色"),
        "org_ids" => ("org", "所属单位"),
        _ => (
            "password",
            if generated {
                "自动生成的密码"
            } else {
                "初始密码"
            },
        ),
    };
    match e {
        StoreError::Invalid(v) => {
            for fe in v.0 {
                let (key, label) = labels(&fe.field);
                let message = match (key, fe.code) {
                    ("role", _) => "请从列表中选择角色".to_string(),
                    ("org", "unknown_reference") => "找不到所选的单位，请从列表中重新选择".to_string(),
                    ("org", "required") => "支援方和受援方填报员必须指定所属单位".to_string(),
                    _ => plain(&fe.message, &fe.field, label),
                };
                typed.errors.entry(key.to_string()).or_insert(message);
            }
        }
        StoreError::Conflict { message, field, .. } => {
            let (key, label) = labels(field.as_deref().unwrap_or("username"));
            typed
                .errors
                .insert(key.to_string(), plain(&message, field.as_deref().unwrap_or(""), label));
        }
        _ => {}
    }
}

/// `POST /admin/users/{id}/deactivate` and `/activate`: the store's [`duikou_store::Store::set_active`], as
/// `POST /api/v1/users/{id}/{action}`; deactivating ends the user's sessions and tokens.
pub async fn set_active(
    State(state): State<AppState>,
    parts: Parts,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = fields(form);
    let (actor, csrf) = match posting_user(&state, &parts, form.get("csrf").map(String::as_str)).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(d) = access::may_manage_users(&actor) {
        return refused(&actor, csrf, d.0);
    }
    let active = match action.as_str() {
        "activate" => true,
        "deactivate" => false,
        _ => return (StatusCode::NOT_FOUND, "没有这个操作").into_response(),
    };
    let Ok(id) = id.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, "找不到这个用户").into_response();
    };
    match state.store.set_active(&actor, id, active).await {
        Ok(u) => Redirect::to(&format!(
            "/admin/users?done={}&user={}",
            if active { "activated" } else { "deactivated" },
            u.id
        ))
        .into_response(),
        Err(StoreError::Invalid(v)) => {
            let message = v.0.first().map(|f| f.message.clone()).unwrap_or_default();
            refused(&actor, csrf, message)
        }
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_messages_name_the_form_s_fields() {
        assert_eq!(
            plain("密码（new_password）至少 10 个字符", "new_password", "新密码"),
            "新密码至少 10 个字符"
        );
        assert_eq!(
            plain("填报员必须指定所属单位（org_ids）", "org_ids", "所属单位"),
            "填报员必须指定所属单位"
        );
        assert_eq!(
            plain("用户名（username）应为 3–50 个字母、数字或 _ . -", "username", "用户名"),
            "用户名应为 3–50 个字母、数字或 _ . -"
        );
        assert_eq!(plain("用户名“li”已被使用", "username", "用户名"), "用户名“li”已被使用");
    }

    #[test]
    fn dates_as_people_read_them() {
        let t = DateTime::parse_from_rfc3339("2026-12-06T17:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(date_zh(Some(t)), "2026年12月7日", "Beijing time");
        assert_eq!(date_zh(None), "—");
    }

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let a = generated_password("zhangsan");
        assert!(
            duikou_domain::password::check("zhangsan", &a, "password").is_ok(),
            "{a}"
        );
        assert_ne!(a, generated_password("zhangsan"));
    }
}
