//! Logging in and out: the login form (with its own CSRF cookie, before there is a session), the password check
//! and where to go back to, and the end of a session.

use super::{page_user, random_token, render, ui, ActionForm, Ui, ZH};
use crate::auth::{cookie, session_cookie, session_set_cookie, ClientAddress};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, RawQuery, State};
use axum::http::{header, request::Parts, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use duikou_store::accounts::Login;
use serde::Deserialize;

const LOGIN_CSRF_COOKIE: &str = "duikou_login_csrf";

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
