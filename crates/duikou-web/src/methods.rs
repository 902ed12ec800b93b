//! Which methods each documented path answers, read from the OpenAPI document itself: any other method on such a path
//! is answered 405 with `Allow` and a Chinese message, so what the server accepts and what its document says cannot
//! drift apart (the generic `/api/v1/{entity}/…` routes would otherwise take any method on any entity).

use crate::error::ApiError;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::LazyLock;

/// A documented path: its segments (`None` for a `{parameter}`) and its methods, upper case.
struct Documented {
    segments: Vec<Option<String>>,
    methods: Vec<String>,
}

/// The documented paths, found by their shape: asked on every request, so a path is compared only with the templates
/// of its own length whose fourth segment (`/api/v1/<this>/…`) is the path's or a parameter.
struct Index {
    paths: Vec<Documented>,
    /// By segments, then the fourth segment: the templates with that literal there.
    literal: HashMap<usize, HashMap<String, Vec<usize>>>,
    /// By segments: the templates shorter than four segments or with a parameter in the fourth.
    open: HashMap<usize, Vec<usize>>,
    /// The most segments a template has; a longer path is none of them.
    longest: usize,
}

static DOCUMENTED: LazyLock<Index> = LazyLock::new(|| {
    let doc = crate::openapi::document();
    let paths: Vec<Documented> = doc["paths"]
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
        .unwrap_or_default();
    let mut literal: HashMap<usize, HashMap<String, Vec<usize>>> = HashMap::new();
    let mut open: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, d) in paths.iter().enumerate() {
        let n = d.segments.len();
        match d.segments.get(KEY) {
            Some(Some(s)) => literal.entry(n).or_default().entry(s.clone()).or_default().push(i),
            _ => open.entry(n).or_default().push(i),
        }
    }
    let longest = paths.iter().map(|d| d.segments.len()).max().unwrap_or(0);
    Index {
        paths,
        literal,
        open,
        longest,
    }
});

/// The segment the templates are indexed by (`""`, `api`, `v1`, then this one).
const KEY: usize = 3;

/// The documented methods of a request path, when the document has the path: of the templates it matches, the one
/// with the most literal segments (`/api/v1/audit/verify` before any `/api/v1/{…}/{…}`).
pub fn documented_methods(path: &str) -> Option<&'static [String]> {
    let index = &*DOCUMENTED;
    let n = path.split('/').count();
    if n > index.longest {
        return None;
    }
    let key = path.split('/').nth(KEY);
    let by_literal = key.and_then(|k| index.literal.get(&n)?.get(k));
    let candidates = by_literal
        .into_iter()
        .flatten()
        .chain(index.open.get(&n).into_iter().flatten());
    // the order of the document breaks a tie, as when every template was compared in turn
    candidates
        .map(|&i| (i, &index.paths[i]))
        .filter(|(_, d)| {
            d.segments.iter().zip(path.split('/')).all(|(t, s)| match t {
                Some(t) => t == s,
                // a parameter is never empty (`/api/v1/orgs//audit` is no record's history)
                None => !s.is_empty(),
            })
        })
        .max_by_key(|(i, d)| (d.segments.iter().filter(|s| s.is_some()).count(), *i))
        .map(|(_, d)| d.methods.as_slice())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every template compared in turn (what the index must answer).
    fn by_scan(path: &str) -> Option<&'static [String]> {
        let segments: Vec<&str> = path.split('/').collect();
        DOCUMENTED
            .paths
            .iter()
            .filter(|d| {
                d.segments.len() == segments.len()
                    && d.segments.iter().zip(&segments).all(|(t, s)| match t {
                        Some(t) => t == s,
                        None => !s.is_empty(),
                    })
            })
            .max_by_key(|d| d.segments.iter().filter(|s| s.is_some()).count())
            .map(|d| d.methods.as_slice())
    }

    #[test]
    fn the_index_answers_what_comparing_every_template_answers() {
        let mut paths = vec![
            "/".to_string(),
            "/api".into(),
            "/api/v1".into(),
            "/api/v1/".into(),
            "/api/v1/orgs//audit".into(),
            "/api/v1/audit/verify".into(),
            "/api/v1/pairings/1/obligations/x/y/z/w".into(),
            "/records/activities".into(),
        ];
        // every template with each parameter as a value, as a literal of another template, and empty
        for d in &DOCUMENTED.paths {
            for fill in ["7", "audit", "verify", "pairings", ""] {
                let p: Vec<&str> = d.segments.iter().map(|s| s.as_deref().unwrap_or(fill)).collect();
                paths.push(p.join("/"));
            }
        }
        assert!(paths.len() > 100, "the document has its paths");
        for p in &paths {
            assert_eq!(documented_methods(p), by_scan(p), "{p}");
        }
    }
}
