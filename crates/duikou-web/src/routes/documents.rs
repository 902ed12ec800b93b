//! Document files: uploaded into the database (so every app server sees them), their text kept for search.

use crate::auth::CurrentActor;
use crate::error::{ApiError, ApiResult};
use crate::extract::parse_id;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

/// `PUT /api/v1/documents/{id}/content`: the file itself as the body, its type in `Content-Type`.
pub async fn upload(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    let file =
        crate::extract::spool_upload(&headers, body, duikou_store::documents::MAX_DOCUMENT_BYTES, "content").await?;
    if file.size == 0 {
        return Err(ApiError::bad_request("empty", "content", "上传的文件为空"));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_string();
    Ok(Json(
        state
            .store
            .put_document_content(&actor, id, &content_type, &*file.path)
            .await?,
    ))
}

/// `GET /api/v1/documents/{id}/content`.
pub async fn download_route(
    State(state): State<AppState>,
    CurrentActor(_actor): CurrentActor,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    download(&state, parse_id(&id)?).await
}

/// The file of a document, always as an attachment with a type a browser will not run: a type stored before uploads
/// were checked, or one that would be run, is served as `application/octet-stream`.
pub async fn download(state: &AppState, id: i64) -> ApiResult<Response> {
    let (meta, bytes) = state.store.document_content(id).await?;
    let stored = meta["content_type"].as_str().unwrap_or_default();
    let ct = duikou_store::documents::safe_content_type(stored)
        .unwrap_or_else(|_| duikou_store::documents::OCTET_STREAM.to_string());
    let name = meta["file_name"].as_str().unwrap_or("document").to_string();
    let disposition = crate::extract::attachment_disposition(&name);
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}
