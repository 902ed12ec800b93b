//! Which methods each documented path answers, read from the OpenAPI document itself: any other method on such a path
//! is answered 405 with `Allow` and a Chinese message, so what the server accepts and what its document says cannot
//! drift apart (the generic `/api/v1/{entity}/…` routes would otherwise take any method on any entity).

use crate::error::ApiError;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

/// A documented path: its segments (`None` for a `{parameter}`) and its methods, upper case.
struct Documented {
    segments: Vec<Option<String>>,
    methods: Vec<String>,
}

static DOCUMENTED: LazyLock<Vec<Documented>> = LazyLock::new(|| {
    let doc = crate::openapi::document();
    doc["paths"]
        .as_object()
        .map(|paths| {
            paths
                .iter()
                .map(|(path, ops)| Documented {
                    segments: path
                        .split('/')
                        .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
                        .collect(),
                    methods: ops
                        .as_object()
                        .map(|o| o.keys().map(|m| m.to_uppercase()).collect())
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default()
});

/// The documented methods of a request path, when the document has the path: of the templates it matches, the one
/// with the most literal segments (`/api/v1/audit/verify` before any `/api/v1/{…}/{…}`).
pub fn documented_methods(path: &str) -> Option<&'static [String]> {
    let segments: Vec<&str> = path.split('/').collect();
    DOCUMENTED
        .iter()
        .filter(|d| {
            d.segments.len() == segments.len()
                && d.segments.iter().zip(&segments).all(|(t, s)| match t {
                    Some(t) => t == s,
                    // a parameter is never empty (`/api/v1/orgs//audit` is no record's history)
                    None => !s.is_empty(),
                })
        })
        .max_by_key(|d| d.segments.iter().filter(|s| s.is_some()).count())
        .map(|d| d.methods.as_slice())
}

/// Answers 405 (JSON, with `Allow`) to a method the document does not list for a documented path; `HEAD` goes with
/// `GET`. Paths the document does not have are left to the router (404).
pub async fn only_documented(req: Request, next: Next) -> Response {
    let Some(methods) = documented_methods(req.uri().path()) else {
        return next.run(req).await;
    };
    let m = req.method();
    let listed = |name: &str| methods.iter().any(|x| x == name);
    if listed(m.as_str()) || (m == Method::HEAD && listed("GET")) {
        return next.run(req).await;
    }
    let mut resp = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("该接口不支持 {m} 请求，可用：{}", methods.join("、")),
    )
    .into_response();
    if let Ok(allow) = HeaderValue::from_str(&methods.join(", ")) {
        resp.headers_mut().insert(header::ALLOW, allow);
    }
    resp
}
