//! Imports and uploads over HTTP, on SQLite and on PostgreSQL, as they arrive in pieces: a dry run answered while
//! another write holds the lock, a real import blocked by it answered 503 with `Retry-After` and a Chinese message
//! (not 500), the import wizard taking files past axum's 2 MB default and refusing them past 50 MB, and a document of
//! several pieces stored and served back byte for byte.
//!
//! Every store in this file waits only one second for the write lock (`DUIKOU_LOCK_WAIT_MS`).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use duikou_domain::access::{Actor, Role};
use duikou_store::audit::WriteTx;
use duikou_store::testing::{create_id, user, TestStore};
use duikou_store::Store;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

async fn stores() -> Vec<TestStore> {
    std::env::set_var(duikou_store::db::LOCK_WAIT_ENV, "1000");
    TestStore::all().await.unwrap()
}

/// Sends a request; the status, the headers and the body (JSON when it is JSON, else its text).
async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, headers, v)
}

/// An admin's API token.
async fn token(app: &Router, store: &Store) -> String {
    user(store, "admin", Role::Admin, vec![]).await;
    let req = Request::post("/api/v1/auth/token")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": "admin", "password": "password-123"}).to_string(),
        ))
        .unwrap();
    let (s, _, v) = send(app, req).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    format!("Bearer {}", v["token"].as_str().unwrap())
}

async fn pairing(store: &Store) {
    let a = create_id(store, "orgs", json!({"name": "湖南省", "kind": "government"})).await;
    let b = create_id(store, "orgs", json!({"name": "吐鲁番市", "kind": "government"})).await;
    let p = create_id(
        store,
        "programs",
        json!({"name": "对口援疆", "authority_org_id": a, "start_date": "2010-01-01"}),
    )
    .await;
    create_id(
        store,
        "pairings",
        json!({"program_id": p, "supporter_org_id": a, "receiver_org_id": b, "level": "province_prefecture"}),
    )
    .await;
}

fn import(auth: &str, query: &str, body: &str) -> Request<Body> {
    Request::post(format!("/api/v1/imports/activities?file_name=a.csv{query}"))
        .header(header::AUTHORIZATION, auth)
        .body(Body::from(body.to_string()))
        .unwrap()
}

const CSV: &str = "结对,活动类型,标题,开始日期,人次\n湖南省→吐鲁番市,培训,骨干教师培训,2011年7月1日,355\n";

#[tokio::test]
async fn a_blocked_import_is_503_with_retry_after_and_a_dry_run_does_not_wait() {
    for t in stores().await {
        let (store, backend) = (t.store.clone(), t.backend);
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let auth = token(&app, &store).await;
        pairing(&store).await;
        let held = WriteTx::begin(&store, &Actor::system()).await.unwrap();
        let (s, _, v) = send(&app, import(&auth, "&dry_run=true", CSV)).await;
        assert_eq!((s, v["created"].as_i64()), (StatusCode::OK, Some(1)), "{backend}: {v}");
        let (s, headers, v) = send(&app, import(&auth, "", CSV)).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{backend}: {v}");
        assert_eq!(v["error"]["code"], "busy", "{backend}");
        assert_eq!(v["error"]["message"], "数据库正忙，请稍后重试", "{backend}");
        assert_eq!(headers[header::RETRY_AFTER], "5", "{backend}");
        held.tx.rollback().await.unwrap();
        let (s, _, v) = send(&app, import(&auth, "", CSV)).await;
        assert_eq!((s, v["created"].as_i64()), (StatusCode::OK, Some(1)), "{backend}: {v}");
        // the document says so
        let (_, _, doc) = send(&app, Request::get("/api/v1/openapi.json").body(Body::empty()).unwrap()).await;
        let busy = &doc["paths"]["/api/v1/imports/{entity}"]["post"]["responses"]["503"];
        assert!(busy["headers"]["Retry-After"].is_object(), "{backend}: {busy}");
        t.finish().await.unwrap();
    }
}

fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    html[i..i + 32].to_string()
}

/// A browser session of user `name` and its CSRF token.
async fn login(app: &Router, name: &str) -> (String, String) {
    let cookies = |h: &axum::http::HeaderMap| -> Vec<String> {
        h.get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
            .collect()
    };
    let (_, h, page) = send(app, Request::get("/login").body(Body::empty()).unwrap()).await;
    let form = format!(
        "username={name}&password=password-123&csrf={}&next=%2F",
        csrf_of(page.as_str().unwrap())
    );
    let req = Request::post("/login")
        .header(header::COOKIE, cookies(&h).join("; "))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (s, h, _) = send(app, req).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let session = cookies(&h)
        .into_iter()
        .find(|c| c.starts_with("duikou_session="))
        .unwrap();
    let req = Request::get("/import/orgs")
        .header(header::COOKIE, &session)
        .body(Body::empty())
        .unwrap();
    let (_, _, page) = send(app, req).await;
    (session, csrf_of(page.as_str().unwrap()))
}

fn wizard(session: &str, csrf: &str, content: &[u8]) -> Request<Body> {
    let b = "XBOUNDARYX";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"orgs.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    Request::post("/import/orgs")
        .header(header::COOKIE, session)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={b}"))
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn the_wizard_takes_a_file_of_megabytes_and_refuses_one_past_fifty() {
    for t in stores().await {
        let (store, backend) = (t.store.clone(), t.backend);
        user(&store, "boss", Role::Admin, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (session, csrf) = login(&app, "boss").await;
        // 1 200 orgs with a long note each: 3.3 MB, past the 2 MB a form takes by default
        let note = "对口支援".repeat(250);
        let mut csv = String::from("名称,单位类型,备注\n");
        for i in 0..1200 {
            csv.push_str(&format!("测试学校{i:04},中小学/幼儿园,{note}\n"));
        }
        assert!(csv.len() > 3_000_000);
        let (s, _, page) = send(&app, wizard(&session, &csrf, csv.as_bytes())).await;
        let page = page.as_str().unwrap().to_string();
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(page.contains("文件检查通过：1200 行，将新建 1200"), "{backend}: {page}");
        let i = page.find("name=\"document_id\" value=\"").unwrap() + 26;
        let doc: String = page[i..].chars().take_while(|c| c.is_ascii_digit()).collect();
        let (_, staged) = store.document_content(doc.parse().unwrap()).await.unwrap();
        assert!(staged == csv.as_bytes(), "{backend}: the file kept is the file checked");
        let req = Request::post("/import/orgs/confirm")
            .header(header::COOKIE, &session)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&document_id={doc}")))
            .unwrap();
        let (_, _, done) = send(&app, req).await;
        assert!(
            done.as_str().unwrap().contains("已导入：1200 行，新建 1200"),
            "{backend}: {done}"
        );
        assert_eq!(
            store.list("orgs", &Default::default()).await.unwrap().total,
            1200,
            "{backend}"
        );
        // past 50 MB: refused with the limit named, nothing kept
        let big = vec![b'x'; 50 * 1024 * 1024 + 1];
        let (s, _, page) = send(&app, wizard(&session, &csrf, &big)).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{backend}");
        assert!(page.as_str().unwrap().contains("文件过大：最大 50 MB"), "{backend}");
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn a_document_of_several_pieces_goes_up_and_comes_back_whole() {
    for t in stores().await {
        let (store, backend) = (t.store.clone(), t.backend);
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let auth = token(&app, &store).await;
        let id = create_id(
            &store,
            "documents",
            json!({"kind": "other", "title": "照片", "file_name": "a.jpg"}),
        )
        .await;
        let bytes: Vec<u8> = (0..3 * 1024 * 1024 + 5).map(|i: u32| (i % 253) as u8).collect();
        let req = Request::put(format!("/api/v1/documents/{id}/content"))
            .header(header::AUTHORIZATION, &auth)
            .header(header::CONTENT_TYPE, "image/jpeg")
            .body(Body::from(bytes.clone()))
            .unwrap();
        let (s, _, v) = send(&app, req).await;
        assert_eq!(
            (s, v["size"].as_i64()),
            (StatusCode::OK, Some(bytes.len() as i64)),
            "{backend}: {v}"
        );
        let req = Request::get(format!("/api/v1/documents/{id}/content"))
            .header(header::AUTHORIZATION, &auth)
            .body(Body::empty())
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let back = resp.into_body().collect().await.unwrap().to_bytes();
        assert!(back == bytes, "{backend}: the same bytes back");
        // an empty body is refused, the file kept stays
        let req = Request::put(format!("/api/v1/documents/{id}/content"))
            .header(header::AUTHORIZATION, &auth)
            .body(Body::empty())
            .unwrap();
        let (s, _, v) = send(&app, req).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("empty")),
            "{backend}"
        );
        assert_eq!(
            store.document_content(id).await.unwrap().1.len(),
            bytes.len(),
            "{backend}"
        );
        t.finish().await.unwrap();
    }
}
