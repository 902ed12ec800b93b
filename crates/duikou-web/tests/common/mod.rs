//! What the in-process page tests share: one request through the router as a browser sends it (a cookie, a form) and
//! its answer, and reading values out of a page. Each test binary uses what it needs.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// An answer: status, body, the cookies it sets (name=value), where it redirects, its content type.
pub struct Reply {
    pub status: StatusCode,
    pub body: Vec<u8>,
    pub cookies: Vec<String>,
    pub location: String,
    pub content_type: String,
}

impl Reply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
}

/// Sends `method uri` with the session `cookie` (empty for none) and, if given, a urlencoded form.
pub async fn send(app: &axum::Router, method: &str, uri: &str, cookie: &str, form: Option<String>) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    let body = match form {
        Some(f) => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(f)
        }
        None => Body::empty(),
    };
    let resp = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let header_text = |name| {
        resp.headers()
            .get(name)
            .map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (location, content_type) = (header_text(header::LOCATION), header_text(header::CONTENT_TYPE));
    let status = resp.status();
    let cookies = resp
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect();
    let body = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply {
        status,
        body,
        cookies,
        location,
        content_type,
    }
}

/// What follows `marker` in a page (panics, showing the page, when it is not there).
pub fn after<'a>(html: &'a str, marker: &str) -> &'a str {
    let i = html.find(marker).unwrap_or_else(|| panic!("no {marker} in {html}")) + marker.len();
    &html[i..]
}

/// The value of the input named `name` in a page (`name="csrf" value="…"`).
pub fn value_of(html: &str, name: &str) -> String {
    after(html, &format!("name=\"{name}\" value=\""))
        .chars()
        .take_while(|c| *c != '"')
        .collect()
}
