//! Logging in and out (throttled per account and client address), API tokens (issued with an expiry, listed,
//! revoked), changing one's own password, and who am I.

use crate::auth::{bearer, session_cookie, session_set_cookie, ClientAddress, CurrentActor};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use duikou_domain::access::Actor;
use duikou_store::accounts::{Login, TOKEN_DAYS};
use duikou_store::StoreError;
use serde_json::{json, Value};

fn required(body: &Value, k: &str, label: &str) -> ApiResult<String> {
    match body.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(ApiError::bad_request("required", k, format!("{label}（{k}）不能为空"))),
    }
}

fn credentials(body: &Value) -> ApiResult<(String, String)> {
    Ok((
        required(body, "username", "用户名")?,
        required(body, "password", "密码")?,
    ))
}

fn bad_login() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "用户名或密码错误")
}

/// 429 with how long to wait, in words and in `Retry-After`.
pub(crate) fn throttled_response(minutes: i64) -> Response {
    let mut resp = ApiError::from(StoreError::Throttled { minutes }).into_response();
    if let Ok(v) = (minutes * 60).to_string().parse() {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// A login through the throttle: the actor, or the answer to give instead.
async fn log_in(state: &AppState, body: &Value, address: &ClientAddress) -> Result<Actor, Response> {
    let (username, password) = credentials(body).map_err(IntoResponse::into_response)?;
    match state.store.login(&username, &password, address.0.as_deref()).await {
        Ok(Login::Ok(actor)) => Ok(actor),
        Ok(Login::Bad) => Err(bad_login().into_response()),
        Ok(Login::Throttled { minutes }) => Err(throttled_response(minutes)),
        Err(e) => Err(ApiError::from(e).into_response()),
    }
}

/// `POST /api/v1/auth/login`: opens a browser session (cookie) and returns the CSRF token.
pub async fn login(State(state): State<AppState>, address: ClientAddress, JsonBody(body): JsonBody) -> Response {
    let actor = match log_in(&state, &body, &address).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let session = match state.store.create_session(actor.user_id, state.session_hours).await {
        Ok(s) => s,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let cookie = session_set_cookie(&state, &session.id, state.session_hours * 3600);
    let body = json!({ "username": actor.username, "role": actor.role.as_str(), "csrf_token": session.csrf });
    ([(header::SET_COOKIE, cookie)], Json(body)).into_response()
}

/// `POST /api/v1/auth/logout`: ends the session of the cookie, and revokes the API token the request carries.
pub async fn logout(State(state): State<AppState>, parts: Parts) -> ApiResult<Response> {
    if let Some(sid) = session_cookie(&parts) {
        state.store.end_session(&sid).await?;
    }
    if let Some(token) = bearer(&parts.headers) {
        state.store.revoke_token_secret(token).await?;
    }
    let cookie = session_set_cookie(&state, "", 0);
    Ok(([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response())
}

/// `POST /api/v1/auth/token`: trades a username and password for an API token for scripts, lasting
/// `expires_in_days` (default 90).
pub async fn token(State(state): State<AppState>, address: ClientAddress, JsonBody(body): JsonBody) -> Response {
    let name = body.get("name").and_then(Value::as_str).unwrap_or("api").to_string();
    let days = match body.get("expires_in_days") {
        None | Some(Value::Null) => TOKEN_DAYS,
        Some(v) => match v.as_i64() {
            Some(d) => d,
            None => {
                return ApiError::bad_request("range", "expires_in_days", "有效天数（expires_in_days）应为整数")
                    .into_response()
            }
        },
    };
    let actor = match log_in(&state, &body, &address).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    match state.store.create_token_for(actor.user_id, &name, days).await {
        Ok(t) => (
            StatusCode::CREATED,
            Json(json!({ "id": t.id, "token": t.token, "username": actor.username, "expires_at": t.expires_at })),
        )
            .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `GET /api/v1/auth/tokens`: the caller's own API tokens, without their secrets.
pub async fn list_tokens(State(state): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "items": state.store.list_tokens(actor.user_id).await? })))
}

/// `DELETE /api/v1/auth/tokens/{id}`: revokes one of the caller's own tokens.
pub async fn revoke_token(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = id
        .parse::<i64>()
        .map_err(|_| ApiError::bad_request("bad_id", "id", format!("令牌编号（id）应为整数，收到“{id}”")))?;
    if state.store.revoke_token(actor.user_id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("找不到您的编号为 {id} 的 API 令牌"),
        ))
    }
}

/// `POST /api/v1/auth/password`: changes the caller's own password (`current_password`, `new_password`); every
/// session and token of the caller ends, so the answer also clears the cookie.
pub async fn change_password(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    address: ClientAddress,
    JsonBody(body): JsonBody,
) -> Response {
    let (current, new) = match (
        required(&body, "current_password", "当前密码"),
        required(&body, "new_password", "新密码"),
    ) {
        (Ok(c), Ok(n)) => (c, n),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    match state
        .store
        .change_own_password(&actor, &current, &new, address.0.as_deref())
        .await
    {
        Ok(()) => {
            let cookie = session_set_cookie(&state, "", 0);
            ([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response()
        }
        Err(StoreError::Throttled { minutes }) => throttled_response(minutes),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `GET /api/v1/auth/me`: the caller's name, role and org scope.
pub async fn me(CurrentActor(actor): CurrentActor) -> Json<Value> {
    Json(json!({
        "user_id": actor.user_id,
        "username": actor.username,
        "role": actor.role.as_str(),
        "role_label": actor.role.label(),
        "org_scope": actor.scope,
    }))
}
