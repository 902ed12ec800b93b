//! One error type that becomes the HTTP answer: a stable code, a Chinese message, the offending field; anything
//! unexpected is logged and answered as a plain 500.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use duikou_domain::ValidationErrors;
use duikou_store::StoreError;
use serde_json::json;

/// An error answer of the JSON API.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code (`validation`, `not_found`, `forbidden`, `unauthorized`, `duplicate`, `stale`, `in_use`, `bad_json` …).
    pub code: &'static str,
    /// Chinese message.
    pub message: String,
    /// The offending field.
    pub field: Option<String>,
    /// Every field problem, for validation errors.
    pub details: Option<ValidationErrors>,
    /// Seconds after which the same request may succeed (sent as `Retry-After`): the database was busy.
    pub retry_after: Option<u32>,
}

/// How long a client is asked to wait when the database was busy: a write holds its lock for seconds at most.
pub const BUSY_RETRY_SECONDS: u32 = 5;

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            details: None,
            retry_after: None,
        }
    }

    /// 400 with a field.
    pub fn bad_request(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        ApiError {
            field: Some(field.into()),
            ..Self::new(StatusCode::BAD_REQUEST, code, message)
        }
    }

    /// 401.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "请先登录（或在 Authorization 头中提供 API 令牌）",
        )
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404 for an unknown path.
    pub fn no_route() -> Self {
        Self::new(StatusCode::NOT_FOUND, "no_route", "没有这个接口")
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(errors) => {
                let first = errors.first().cloned();
                ApiError {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    code: "validation",
                    message: errors.to_string(),
                    field: first.map(|f| f.field),
                    details: Some(errors),
                    retry_after: None,
                }
            }
            StoreError::NotFound { .. } | StoreError::UnknownEntity(_) => {
                Self::new(StatusCode::NOT_FOUND, "not_found", e.to_string())
            }
            StoreError::Forbidden(m) => Self::forbidden(m),
            StoreError::Throttled { .. } => Self::new(StatusCode::TOO_MANY_REQUESTS, "throttled", e.to_string()),
            StoreError::Conflict { code, message, field } => ApiError {
                field,
                ..Self::new(StatusCode::CONFLICT, code, message)
            },
            // the one place a busy database becomes an answer: 503, and when to try again
            StoreError::Busy => ApiError {
                retry_after: Some(BUSY_RETRY_SECONDS),
                ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", e.to_string())
            },
            StoreError::BadFile(m) => ApiError {
                field: Some("file".into()),
                ..Self::new(StatusCode::BAD_REQUEST, "bad_file", m)
            },
            other => {
                tracing::error!(error = %other, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请稍后重试或联系管理员",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "field": self.field,
                "details": self.details,
            }
        });
        let mut r = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            r.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
        }
        r
    }
}

/// Results of handlers.
pub type ApiResult<T> = Result<T, ApiError>;

/// Marks a response made from a caught panic, so pages can be answered in HTML.
#[derive(Debug, Clone, Copy)]
struct Panicked;

/// The message a panic carried (a `&str` or a `String`), for the log.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

/// The answer to a handler's panic: logged once, and a plain 500 in the API's error shape (no detail leaks).
pub fn panic_response(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!(panic = %panic_message(&*payload), "a request panicked; answered 500");
    let mut r = ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "服务器内部错误，请稍后重试或联系管理员",
    )
    .into_response();
    r.extensions_mut().insert(Panicked);
    r
}

/// Outside the panic catcher: a page (anything but `/api/`) that panicked is answered with a short HTML page instead
/// of the API's JSON.
pub async fn panic_page_for_browsers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let page = !req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    if page && resp.extensions().get::<Panicked>().is_some() {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::response::Html(
                "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>服务器内部错误</title>\
                 <h1>服务器内部错误</h1><p>请稍后重试或联系管理员。<a href=\"/\">返回首页</a></p></html>",
            ),
        )
            .into_response();
    }
    resp
}
