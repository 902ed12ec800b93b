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
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            details: None,
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
        (self.status, Json(body)).into_response()
    }
}

/// Results of handlers.
pub type ApiResult<T> = Result<T, ApiError>;
