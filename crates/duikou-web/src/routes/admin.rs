//! Admin and operations endpoints: users, the audit log, health, overview, region lookup.

use crate::auth::CurrentActor;
use crate::error::{ApiError, ApiResult};
use crate::extract::{query_pairs, JsonBody};
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use duikou_domain::access;
use duikou_store::accounts::NewUser;
use serde_json::{json, Value};

/// `GET /api/v1/users`.
pub async fn list_users(State(state): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "items": state.store.list_users(&actor).await? })))
}

/// `POST /api/v1/users`.
pub async fn create_user(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    access::may_manage_users(&actor).map_err(|d| ApiError::forbidden(d.0))?;
    let new: NewUser = serde_json::from_value(body)
        .map_err(|e| ApiError::bad_request("validation", "", format!("用户信息不完整或字段有误：{e}")))?;
    let user = state.store.create_user(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

/// `POST /api/v1/users/{id}/deactivate` and `/activate`: users are deactivated, never deleted; a deactivated
/// user cannot log in and its sessions and tokens end.
pub async fn set_user_active(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((id, action)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    access::may_manage_users(&actor).map_err(|d| ApiError::forbidden(d.0))?;
    let id = id
        .parse::<i64>()
        .map_err(|_| ApiError::bad_request("bad_id", "id", format!("用户编号（id）应为整数，收到“{id}”")))?;
    let active = match action.as_str() {
        "activate" => true,
        "deactivate" => false,
        _ => return Err(ApiError::no_route()),
    };
    Ok(Json(json!(state.store.set_active(&actor, id, active).await?)))
}

/// `GET /api/v1/audit?limit=N`: the newest events.
pub async fn recent_audit(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    access::may_read_audit(&actor).map_err(|d| ApiError::forbidden(d.0))?;
    let mut limit = 100;
    for (k, v) in query_pairs(raw.as_deref())? {
        if k == "limit" {
            limit = v
                .parse::<i64>()
                .ok()
                .filter(|l| (1..=1000).contains(l))
                .ok_or_else(|| ApiError::bad_request("range", "limit", "条数（limit）应为 1–1000 的整数"))?;
        }
    }
    Ok(Json(json!({ "items": state.store.audit_recent(limit).await? })))
}

/// `GET /api/v1/audit/verify`: checks the hash chain, its MACs and every data table against it, naming what disagrees.
pub async fn verify_audit(State(state): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Value>> {
    access::may_read_audit(&actor).map_err(|d| ApiError::forbidden(d.0))?;
    let v = state.store.audit_verify().await?;
    Ok(Json(
        json!({ "ok": v.ok(), "events": v.events, "rows": v.rows, "first_broken": v.first_broken, "head_ok": v.head_ok,
                "problems": v.problems, "problem_count": v.problem_count }),
    ))
}

/// `GET /healthz`: the database answers.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.is_empty().await {
        Ok(_) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "backend": format!("{:?}", state.store.backend()).to_lowercase() })),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

/// A query parameter the request must carry, else 400 naming it.
fn required(raw: Option<String>, key: &str, message: &str) -> ApiResult<String> {
    query_pairs(raw.as_deref())?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .ok_or_else(|| ApiError::bad_request("required", key, message))
}

/// `GET /api/v1/region_lookup?q=吐鲁番地区`: a name, historical name or code → the current region.
pub async fn region_lookup(
    State(state): State<AppState>,
    CurrentActor(_actor): CurrentActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let q = required(raw, "q", "请提供要查找的区划名称或代码（q）")?;
    let code = state.store.resolve_region(&q).await?;
    match code {
        Some(code) => {
            let page = state
                .store
                .list(
                    "regions",
                    &duikou_store::ListQuery {
                        filters: [("code".to_string(), code)].into(),
                        ..Default::default()
                    },
                )
                .await?;
            Ok(Json(page.items.into_iter().next().unwrap_or(Value::Null)))
        }
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("找不到名称或代码为“{q}”的行政区划"),
        )),
    }
}

/// `POST /api/v1/region_towns` `{"county": "绵竹市"}`: loads a county's towns from the shipped registry (those not
/// loaded yet) and answers with all of them.
pub async fn load_towns(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    let county = body["county"]
        .as_str()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::bad_request("required", "county", "请给出县级区划的名称或代码（county）"))?;
    let loaded = state.store.load_towns(&actor, county).await?;
    let code = state.store.resolve_region(county).await?.unwrap_or_default();
    let items = state
        .store
        .list_every(
            "regions",
            &duikou_store::ListQuery {
                filters: [("parent_code".to_string(), code.clone())].into(),
                ..Default::default()
            },
        )
        .await?;
    Ok(Json(json!({"county": code, "loaded": loaded, "items": items})))
}

/// `GET /api/v1/region_indicators?region=新疆`: a region's indicator values, its own and its children's sum apart.
pub async fn region_indicators(
    State(state): State<AppState>,
    CurrentActor(_actor): CurrentActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let q = required(raw, "region", "请给出行政区划的名称或代码（region）")?;
    let code = state.store.resolve_region(&q).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("找不到名称或代码为“{q}”的行政区划"),
        )
    })?;
    let items: Vec<Value> = state
        .store
        .region_indicators(&code)
        .await?
        .iter()
        .map(duikou_store::rollup::area_json)
        .collect();
    Ok(Json(json!({"region": code, "items": items})))
}

/// `GET /api/v1/dashboard?scope=all|program:<id>|pairing:<id>|region:<code>`: the dashboard figures of a scope,
/// read from the write-time aggregates. Readable by every signed-in user, like the overview.
pub async fn dashboard(
    State(state): State<AppState>,
    CurrentActor(_actor): CurrentActor,
    axum::Extension(crate::auth::SeenHead(head)): axum::Extension<crate::auth::SeenHead>,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    let mut scope = "all".to_string();
    for (k, v) in query_pairs(raw.as_deref())? {
        match k.as_str() {
            "scope" => scope = v,
            other => {
                return Err(ApiError::bad_request(
                    "unknown_parameter",
                    other,
                    format!("不支持的查询参数“{other}”，可用：scope"),
                ))
            }
        }
    }
    let scope = duikou_store::aggregates::Scope::parse(&scope)
        .map_err(|m| ApiError::bad_request("invalid_scope", "scope", m))?;
    let json = state.store.dashboard_json_at(&scope, head).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        json.as_str().to_owned(),
    )
        .into_response())
}

/// `GET /api/v1/overview`: how many records of each kind, and the programs — the kept JSON text, as made once per
/// write.
pub async fn overview(State(state): State<AppState>, CurrentActor(_actor): CurrentActor) -> ApiResult<Response> {
    let kept = state.overview.get(&state).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        kept.json.clone(),
    )
        .into_response())
}
