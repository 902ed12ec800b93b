//! Who is calling: an API token (`Authorization: Bearer dk_…`) or a browser session cookie, with a CSRF token
//! required on every unsafe request that rides on the cookie; the session cookie as set; the client's address.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};
use duikou_domain::access::Actor;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "duikou_session";
/// The header a cookie-authenticated unsafe request must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller; extracting it answers 401 when nobody is logged in.
pub struct CurrentActor(pub Actor);

/// The audit head as the caller's credential was read (in the same statement), left in the request's extensions by
/// [`CurrentActor`] for handlers that serve what is kept by head.
#[derive(Debug, Clone, Copy)]
pub struct SeenHead(pub i64);

/// The `Set-Cookie` value of the session cookie: `value` for `max_age` seconds (0 ends it), `Secure` when the
/// deployment is served over HTTPS ([`AppState::secure_cookies`]).
pub fn session_set_cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The address of the client as the connection shows it (no port): the key of the per-address login throttle.
/// Absent when the server was not started with connection info (tests calling the router directly).
#[derive(Debug, Clone, Default)]
pub struct ClientAddress(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
        ))
    }
}

/// The bearer token of a request, if it carries one.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// A cookie's value, if sent.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.split(';').find_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                (k == name).then(|| v.to_string())
            })
        })
}

/// The session cookie's value, if sent.
pub fn session_cookie(parts: &Parts) -> Option<String> {
    cookie(&parts.headers, SESSION_COOKIE)
}

impl FromRequestParts<AppState> for CurrentActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(ApiError::unauthorized)?;
            return match state.store.token_seen(token.trim()).await? {
                Some((a, head)) => {
                    parts.extensions.insert(SeenHead(head));
                    Ok(CurrentActor(a))
                }
                None => Err(ApiError::new(
                    axum::http::StatusCode::UNAUTHORIZED,
                    "bad_token",
                    "API 令牌无效、已过期或已吊销，或用户已停用",
                )),
            };
        }
        let Some(sid) = session_cookie(parts) else {
            return Err(ApiError::unauthorized());
        };
        let Some((actor, csrf, head)) = state.store.session_seen(&sid).await? else {
            return Err(ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "session_expired",
                "登录已过期，请重新登录",
            ));
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent != Some(csrf.as_str()) {
                return Err(ApiError::forbidden("缺少或错误的 CSRF 令牌（X-CSRF-Token）"));
            }
        }
        parts.extensions.insert(SeenHead(head));
        Ok(CurrentActor(actor))
    }
}
