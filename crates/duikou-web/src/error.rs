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

impl From<duikou_app::AppError> for ApiError {
    fn from(e: duikou_app::AppError) -> Self {
        use duikou_app::AppError;
        match e {
            AppError::Store(e) => e.into(),
            AppError::NotImportable(_) => Self::bad_request("not_importable", "entity", e.to_string()),
            AppError::TooManyRows { .. } => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "too_many_rows", e.to_string()),
            // the writer refused a summary that would print one measure with two values: its own fault, logged
            AppError::Inconsistent(e) => {
                tracing::error!(error = %e, "inconsistent summary refused");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "inconsistent", e.to_string())
            }
            AppError::Render(e) => {
                tracing::error!(error = %e, "render failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "render",
                    format!("生成文件失败：{e}"),
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

/// Outside the panic catcher: a page (anything but `/api/` and `/healthz`) that fails is answered with a short HTML
/// page in Chinese — what went wrong in words, the message of the error, a way back — instead of the API's JSON or
/// a bare text; a panic with a page that says no more than that the server failed. The status and headers stay.
pub async fn error_pages_for_browsers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    // a script (a bearer token, or asking for JSON and not for HTML) keeps the JSON error wherever it asked
    let accept = req
        .headers()
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let script = req.headers().contains_key(axum::http::header::AUTHORIZATION)
        || (accept.contains("application/json") && !accept.contains("text/html"));
    let page = !script && !path.starts_with("/api/") && path != "/healthz";
    let resp = next.run(req).await;
    if !page || resp.status().as_u16() < 400 {
        return resp;
    }
    let panicked = resp.extensions().get::<Panicked>().is_some();
    let kind = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !panicked && !kind.starts_with("application/json") && !kind.starts_with("text/plain") {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let message = if panicked {
        "请稍后重试或联系管理员。".to_string()
    } else {
        // small bodies only (an error's JSON or text); anything larger is not an error message
        let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes).to_string();
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
            .unwrap_or(text)
    };
    let title = match parts.status.as_u16() {
        400 | 422 => "请求有误",
        401 => "请先登录",
        403 => "无权访问",
        404 => "找不到该页面或记录",
        405 => "不支持此操作",
        409 => "与现有记录冲突",
        413 => "文件过大",
        429 => "操作过于频繁",
        503 => "服务器正忙",
        s if s >= 500 => "服务器内部错误",
        _ => "无法完成请求",
    };
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <style>body{{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:40rem;margin:3rem auto;\
         padding:0 1rem;line-height:1.6;color:#1a1a1a}}</style></head>\
         <body><h1>{title}</h1><p role=\"alert\">{}</p><p><a href=\"/\">返回首页</a></p></body></html>",
        escape_html(&message)
    );
    parts.headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(html))
}

/// `<`, `>`, `&` and quotes as HTML entities.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
