//! Who is calling: an API token (`Authorization: Bearer dk_…`) or a browser session cookie, with a CSRF token
//! required on every unsafe request that rides on the cookie.

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
                    "API 令牌无效或用户已停用",
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
