//! The generic JSON API of every entity: list, create, read, update, delete, history, confirm/dispute.

use crate::auth::{CurrentActor, SeenHead};
use crate::error::{ApiError, ApiResult};
use crate::extract::{parse_id, query_pairs, JsonBody};
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Json;
use duikou_domain::access;
use duikou_store::ListQuery;
use serde_json::{json, Value};

fn page_param(k: &str, v: &str) -> ApiResult<i64> {
    v.parse()
        .map_err(|_| ApiError::bad_request("bad_query", k, format!("参数 {k} 应为整数，收到“{v}”")))
}

/// `GET /api/v1/{entity}`.
pub async fn list(
    State(state): State<AppState>,
    CurrentActor(_actor): CurrentActor,
    Path(entity): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<duikou_store::Page>> {
    let mut q = ListQuery::default();
    for (k, v) in query_pairs(raw.as_deref())? {
        match k.as_str() {
            "q" => q.q = Some(v),
            "sort" => q.sort = Some(v),
            "page" => q.page = Some(page_param(&k, &v)?),
            "per_page" => q.per_page = Some(page_param(&k, &v)?),
            "after" => q.after = Some(page_param(&k, &v)?),
            "before" => q.before = Some(page_param(&k, &v)?),
            _ => {
                q.filters.insert(k, v);
            }
        }
    }
    Ok(Json(state.store.list(&entity, &q).await?))
}

/// `POST /api/v1/{entity}`.
pub async fn create(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(entity): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let rec = state.store.create(&actor, &entity, &body).await?;
    Ok((StatusCode::CREATED, Json(rec)).into_response())
}

/// `GET /api/v1/{entity}/{id}`.
pub async fn read(
    State(state): State<AppState>,
    CurrentActor(_actor): CurrentActor,
    Extension(SeenHead(head)): Extension<SeenHead>,
    Path((entity, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    // kept as served while no write has happened since (the head was read with the sign-in)
    let json = state.store.record_json(&entity, parse_id(&id)?, head).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], String::clone(&json)).into_response())
}

/// `PATCH /api/v1/{entity}/{id}` (also `PUT`): changes the given fields; send `version` to detect a stale edit.
pub async fn update(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((entity, id)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    Ok(Json(state.store.update(&actor, &entity, parse_id(&id)?, &body).await?))
}

/// `DELETE /api/v1/{entity}/{id}`.
pub async fn remove(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((entity, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.store.delete(&actor, &entity, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `period` and `as_of` of an obligations view.
fn assess_params(
    today: chrono::NaiveDate,
    pairs: Vec<(String, String)>,
) -> ApiResult<(Option<duikou_domain::Period>, chrono::NaiveDate)> {
    let mut period = None;
    let mut as_of = today;
    for (k, v) in pairs {
        match k.as_str() {
            "period" => {
                period = Some(v.parse().map_err(|e: duikou_domain::PeriodParseError| {
                    ApiError::bad_request("period", "period", e.to_string())
                })?)
            }
            "as_of" => {
                as_of = duikou_domain::validate::parse_date(&v).ok_or_else(|| {
                    ApiError::bad_request("date", "as_of", format!("评估日期（as_of）应为 YYYY-MM-DD，收到“{v}”"))
                })?
            }
            _ => {
                return Err(ApiError::bad_request(
                    "unknown_param",
                    &k,
                    format!("未知参数“{k}”（可用 period、as_of）"),
                ))
            }
        }
    }
    Ok((period, as_of))
}

/// `GET /api/v1/{entity}/{id}/{view}`: `audit` (the record's history), `detail` (a pairing with everything under it),
/// `obligations` (a pairing's or a program's obligations evaluated, `?period=&as_of=`).
/// A document's file is served by its own route.
pub async fn view(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((entity, id, view)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    match (entity.as_str(), view.as_str()) {
        (_, "audit") => {
            access::may_read_audit(&actor).map_err(|d| ApiError::forbidden(d.0))?;
            duikou_store::records::def(&entity)?;
            let events = state.store.audit_for(&entity, id).await?;
            Ok(Json(json!({ "items": events })).into_response())
        }
        ("pairings", "detail") => Ok(Json(state.store.pairing_detail(id).await?).into_response()),
        ("pairings", "obligations") => {
            let (period, as_of) = assess_params(state.store.today(), query_pairs(raw.as_deref())?)?;
            Ok(Json(state.store.assess_pairing(id, period.as_ref(), as_of).await?).into_response())
        }
        ("programs", "supervision") => {
            let mut ascending = false;
            let mut rest = Vec::new();
            for (k, v) in query_pairs(raw.as_deref())? {
                match (k.as_str(), v.as_str()) {
                    ("sort", "lateness") => ascending = true,
                    ("sort", "-lateness") => ascending = false,
                    ("sort", other) => {
                        return Err(ApiError::bad_request(
                            "sort",
                            "sort",
                            format!("排序（sort）只能是 lateness 或 -lateness，收到“{other}”"),
                        ))
                    }
                    _ => rest.push((k, v)),
                }
            }
            let (period, as_of) = assess_params(state.store.today(), rest)?;
            Ok(
                Json(json!({ "items": state.store.supervision_list(id, period.as_ref(), as_of, ascending).await? }))
                    .into_response(),
            )
        }
        ("programs", "obligations") => {
            let (period, as_of) = assess_params(state.store.today(), query_pairs(raw.as_deref())?)?;
            let lots = state.store.assess_program_lots(id, period.as_ref(), as_of).await?;
            Ok(stream_items(lots))
        }
        _ => Err(ApiError::no_route()),
    }
}

/// A program's assessment as `{"items": [...]}`, written a lot of pairings at a time as they are evaluated, so that
/// the server holds a few lots, not the whole reply (57 MB for the largest program of the national record). The
/// program was checked (and its first lot evaluated) before: a failure after the first bytes are sent can no longer
/// change the status, so it ends the reply unfinished (the client sees a cut-off body, never a complete wrong one).
fn stream_items(mut lots: duikou_store::assess::ProgramLots) -> Response {
    // two lots written ahead at most: a slow client holds the evaluation back instead of filling memory
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(2);
    tokio::spawn(async move {
        let mut buf = b"{\"items\":[".to_vec();
        let mut first = true;
        loop {
            let lot = match lots.next().await {
                Ok(Some(lot)) => lot,
                Ok(None) => break,
                Err(e) => {
                    tracing::error!("计划考核结果中途出错，应答未写完：{e}");
                    let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                    return;
                }
            };
            for a in &lot {
                if !first {
                    buf.push(b',');
                }
                first = false;
                if let Err(e) = serde_json::to_writer(&mut buf, a) {
                    let _ = tx.send(Err(std::io::Error::other(e))).await;
                    return;
                }
            }
            drop(lot);
            if tx.send(Ok(std::mem::take(&mut buf))).await.is_err() {
                return; // the client is gone: stop evaluating
            }
        }
        buf.extend_from_slice(b"]}");
        let _ = tx.send(Ok(buf)).await;
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        axum::body::Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx)),
    )
        .into_response()
}

/// `POST /api/v1/{entity}/{id}/{action}`: `confirm`, or `dispute` with `{"reason": "…"}`.
pub async fn act(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((entity, id, action)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    // the body of an action: nothing, `null` or a JSON object (anything else is refused, naming what came)
    let object_body = || -> ApiResult<Value> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(json!({}));
        }
        match crate::extract::parse_json(&body)? {
            Value::Null => Ok(json!({})),
            v @ Value::Object(_) => Ok(v),
            other => Err(ApiError::bad_request(
                "type",
                "",
                format!(
                    "请求体应为 JSON 对象（或为空），收到 {}",
                    crate::extract::json_kind_zh(&other)
                ),
            )),
        }
    };
    let text_param = |key: &str, label: &str| -> ApiResult<Option<String>> {
        let v = object_body()?;
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(ApiError::bad_request(
                "type",
                key,
                format!("{label}（{key}）应为文本，收到 {other}"),
            )),
        }
    };
    if entity == "programs" && action == "apply_template" {
        let v = object_body()?;
        let code = v["template"]
            .as_str()
            .ok_or_else(|| ApiError::bad_request("required", "template", "请给出模板代码（template）"))?;
        let assignments: Vec<duikou_store::assess::Assignment> = match v.get("assignments") {
            None | Some(Value::Null) => Vec::new(),
            Some(a) => serde_json::from_value(a.clone()).map_err(|e| {
                ApiError::bad_request("type", "assignments", format!("任务分配（assignments）格式有误：{e}"))
            })?,
        };
        let created = state.store.apply_template(&actor, id, code, &assignments).await?;
        return Ok(Json(json!({ "created": created })));
    }
    if entity == "documents" && action == "extract" {
        let v = object_body()?;
        let pairing = v["pairing_id"]
            .as_i64()
            .ok_or_else(|| ApiError::bad_request("required", "pairing_id", "请给出结对编号（pairing_id）"))?;
        let period = v["period"]
            .as_str()
            .ok_or_else(|| ApiError::bad_request("required", "period", "请给出期间（period），如 2014-2015"))?;
        let items = state.store.propose_from_document(&actor, id, pairing, period).await?;
        return Ok(Json(json!({ "items": items })));
    }
    if entity == "extractions" && (action == "accept" || action == "drop") {
        let v = object_body()?;
        let edited = match (v.get("target").and_then(Value::as_str), v.get("draft")) {
            (Some(t), Some(d)) => Some((t.to_string(), d.clone())),
            (None, None) => None,
            _ => {
                return Err(ApiError::bad_request(
                    "required",
                    "target",
                    "修改建议时须同时给出 target 和 draft",
                ))
            }
        };
        let edited_ref = edited.as_ref().map(|(t, d)| (t.as_str(), d));
        return Ok(Json(
            state
                .store
                .decide_extraction(&actor, id, action == "accept", edited_ref)
                .await?,
        ));
    }
    if entity == "assessments" && action == "unlock" {
        let reason = text_param("reason", "解锁理由")?.unwrap_or_default();
        return Ok(Json(state.store.unlock_assessment(&actor, id, &reason).await?));
    }
    if entity == "assessments" {
        let comments = text_param("comments", "评审意见")?;
        return Ok(Json(
            state
                .store
                .assessment_action(&actor, id, &action, comments.as_deref())
                .await?,
        ));
    }
    let reason = text_param("reason", "异议理由")?;
    let confirmed = match action.as_str() {
        "confirm" => true,
        "dispute" => false,
        _ => return Err(ApiError::no_route()),
    };
    Ok(Json(
        state
            .store
            .set_confirmation(&actor, &entity, id, confirmed, reason.as_deref())
            .await?,
    ))
}

/// `GET /api/v1/assessments`.
pub async fn list_assessments(
    state: State<AppState>,
    actor: CurrentActor,
    raw: RawQuery,
) -> ApiResult<Json<duikou_store::Page>> {
    list(state, actor, Path("assessments".to_string()), raw).await
}

/// `POST /api/v1/assessments`: opens a draft assessment with the results as they stand.
pub async fn create_assessment(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let new: duikou_store::assess::NewAssessment = serde_json::from_value(body)
        .map_err(|e| ApiError::bad_request("validation", "", format!("考核评估的字段有误：{e}")))?;
    let a = state.store.create_assessment(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

/// `GET /api/v1/obligation_templates`: the built-in templates and their rules.
pub async fn templates(CurrentActor(_actor): CurrentActor) -> Json<Value> {
    Json(json!({ "items": duikou_domain::templates::templates() }))
}
