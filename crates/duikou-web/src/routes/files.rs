//! Documents and spreadsheets over HTTP: the 工作总结 as .docx/Markdown/HTML, lists as .xlsx, import templates and
//! imports (with a dry run that lists every bad cell).

use crate::auth::CurrentActor;
use crate::error::{ApiError, ApiResult};
use crate::extract::query_pairs;
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use duikou_app::{DocFormat, File, ImportMode, ReportRequest};
use duikou_store::summary::Scope;
use serde_json::json;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn attachment(file: File, content_type: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                crate::extract::attachment_disposition(&file.name),
            ),
        ],
        file.bytes,
    )
        .into_response()
}

/// `GET /api/v1/report?scope=pairing:1&period=2014-2015&format=docx|md|html|json&as_of=`.
pub async fn report(
    State(state): State<AppState>,
    CurrentActor(_a): CurrentActor,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let (mut scope, mut period, mut format, mut as_of) = (None, None, "docx".to_string(), state.store.today());
    let mut briefing: Option<u32> = None;
    let mut pending = duikou_summary::Pending::default();
    for (k, v) in query_pairs(raw.as_deref())? {
        match k.as_str() {
            "scope" => scope = Some(v.parse::<Scope>()?),
            "period" => {
                period = Some(
                    v.parse::<duikou_domain::Period>()
                        .map_err(|e| ApiError::bad_request("period", "period", e.to_string()))?,
                )
            }
            "format" => format = v,
            "pending" => {
                pending = v
                    .parse()
                    .map_err(|e: String| ApiError::bad_request("enum", "pending", e))?
            }
            "briefing" => {
                let bad = || {
                    ApiError::bad_request(
                        "type",
                        "briefing",
                        format!("简报期号（briefing）应为 1 至 1000000 的整数，收到“{v}”"),
                    )
                };
                let issue: u32 = v.parse().map_err(|_| bad())?;
                if !(1..=1_000_000).contains(&issue) {
                    return Err(bad());
                }
                briefing = Some(issue)
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
                    format!("未知参数“{k}”（可用 scope、period、format、as_of、briefing、pending）"),
                ))
            }
        }
    }
    let scope = scope.ok_or_else(|| ApiError::bad_request("required", "scope", "请给出范围（scope），如 pairing:1"))?;
    let period =
        period.ok_or_else(|| ApiError::bad_request("required", "period", "请给出期间（period），如 2014-2015"))?;
    let request = ReportRequest {
        scope,
        period,
        as_of,
        pending,
        briefing,
    };
    let report = state.app().report(&request).await?;
    Ok(match format.as_str() {
        "docx" => attachment(report.file(DocFormat::Docx)?, DOCX),
        "md" => attachment(report.file(DocFormat::Markdown)?, "text/markdown; charset=utf-8"),
        "html" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            report.file(DocFormat::Html)?.bytes,
        )
            .into_response(),
        "json" => Json(json!({ "document": report.document, "figures": report.figures })).into_response(),
        other => {
            return Err(ApiError::bad_request(
                "format",
                "format",
                format!("格式（format）应为 docx、md、html 或 json，收到“{other}”"),
            ))
        }
    })
}

/// `GET /api/v1/templates/{entity}`: the import template as .xlsx (the sheet to fill in, and an example beside it).
pub async fn template(CurrentActor(_a): CurrentActor, Path(entity): Path<String>) -> ApiResult<Response> {
    Ok(attachment(duikou_app::template(&entity)?, XLSX))
}

/// `POST /api/v1/imports/{entity}?file_name=x.xlsx&dry_run=true`: the file as the body.
pub async fn import(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(entity): Path<String>,
    RawQuery(raw): RawQuery,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> ApiResult<Json<duikou_store::import::ImportReport>> {
    let mut file_name = "upload.xlsx".to_string();
    let mut dry_run = false;
    for (k, v) in query_pairs(raw.as_deref())? {
        match k.as_str() {
            "file_name" => file_name = v,
            "dry_run" => dry_run = matches!(v.as_str(), "true" | "1" | "yes"),
            _ => {
                return Err(ApiError::bad_request(
                    "unknown_param",
                    &k,
                    format!("未知参数“{k}”（可用 file_name、dry_run）"),
                ))
            }
        }
    }
    let file =
        crate::extract::spool_upload(&headers, body, duikou_store::documents::MAX_DOCUMENT_BYTES, "file").await?;
    if file.size == 0 {
        return Err(ApiError::bad_request("empty", "file", "上传的文件为空"));
    }
    // read from the spooled file row by row: checked, and only then (not a dry run) read again and written
    let mode = if dry_run { ImportMode::Check } else { ImportMode::Write };
    let report = state
        .app()
        .import(&actor, &entity, &file.path, &file_name, mode)
        .await?;
    Ok(Json(report))
}

/// `GET /api/v1/exports/{entity}?field=value…`: the (filtered) list as .xlsx.
pub async fn export(
    State(state): State<AppState>,
    CurrentActor(_a): CurrentActor,
    Path(entity): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let exported = state.app().export(&entity, query_pairs(raw.as_deref())?).await?;
    Ok(attachment(exported.file, XLSX))
}
