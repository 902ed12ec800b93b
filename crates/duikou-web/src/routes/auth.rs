//! Logging in and out, API tokens, and who am I.

use crate::auth::{session_cookie, CurrentActor, SESSION_COOKIE};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

fn credentials(body: &Value) -> ApiResult<(String, String)> {
    let get = |k: &str, label: &str| -> ApiResult<String> {
        match body.get(k) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            _ => Err(ApiError::bad_request("required", k, format!("{label}（{k}）不能为空"))),
        }
    };
    Ok((get("username", "用户名")?, get("password", "密码")?))
}

fn bad_login() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "用户名或密码错误")
}

/// `POST /api/v1/auth/login`: opens a browser session (cookie) and returns the CSRF token.
pub async fn login(State(state): State<AppState>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let (username, password) = credentials(&body)?;
    let actor = state
        .store
        .authenticate(&username, &password)
        .await?
        .ok_or_else(bad_login)?;
    let session = state.store.create_session(actor.user_id, state.session_hours).await?;
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        session.id,
        state.session_hours * 3600
    );
    let body = json!({ "username": actor.username, "role": actor.role.as_str(), "csrf_token": session.csrf });
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// `POST /api/v1/auth/logout`.
pub async fn logout(State(state): State<AppState>, parts: Parts) -> ApiResult<Response> {
    if let Some(sid) = session_cookie(&parts) {
        state.store.end_session(&sid).await?;
    }
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok(([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response())
}

/// `POST /api/v1/auth/token`: trades a username and password for an API token for scripts.
pub async fn token(State(state): State<AppState>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let (username, password) = credentials(&body)?;
    let name = body.get("name").and_then(Value::as_str).unwrap_or("api").to_string();
    let actor = state
        .store
        .authenticate(&username, &password)
        .await?
        .ok_or_else(bad_login)?;
    let token = state.store.create_token(actor.user_id, &name).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "username": actor.username })),
    )
        .into_response())
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
