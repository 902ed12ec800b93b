//! Several app servers on one PostgreSQL behave as one app: a login on one server is valid on the other, and a write
//! through one is read through the other. Two real servers on two loopback ports, each with its own connection pool.

use duikou_domain::access::Role;
use duikou_store::testing::TestStore;
use duikou_store::Store;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

async fn serve(store: Store) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = duikou_web::app(duikou_web::AppState::new(store));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

async fn call(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, Vec<String>) {
    let client: Client<_, Full<axum::body::Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mut req = axum::http::Request::builder()
        .method(method)
        .uri(format!("{base}{path}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = client
        .request(req.body(Full::new(axum::body::Bytes::from(body.to_string()))).unwrap())
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let cookies = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect();
    let text = String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).to_string();
    (status, text, cookies)
}

#[tokio::test]
async fn two_servers_on_one_postgresql_are_one_app() {
    let Some(t) = TestStore::postgres().await.unwrap() else {
        eprintln!("skipped: {} not set (CI sets it)", duikou_store::testing::POSTGRES_ENV);
        return;
    };
    duikou_store::testing::user(&t.store, "admin", Role::Admin, vec![]).await;
    let second = t.open_again().await.unwrap();
    let a = serve(t.store.clone()).await;
    let b = serve(second.clone()).await;
    assert_ne!(a, b);
    // log in on A, use the session on B
    let (s, body, cookies) = call(
        &a,
        "POST",
        "/api/v1/auth/login",
        &[("content-type", "application/json")],
        r#"{"username":"admin","password":"password-123"}"#,
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let session = cookies.into_iter().find(|c| c.starts_with("duikou_session=")).unwrap();
    let csrf = serde_json::from_str::<serde_json::Value>(&body).unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, me, _) = call(&b, "GET", "/api/v1/auth/me", &[("cookie", &session)], "").await;
    assert_eq!(s, 200, "the session made on A is valid on B: {me}");
    // write on B, read on A
    let (s, org, _) = call(
        &b,
        "POST",
        "/api/v1/orgs",
        &[
            ("cookie", &session),
            ("x-csrf-token", &csrf),
            ("content-type", "application/json"),
        ],
        r#"{"name":"吐鲁番市实验中学","kind":"school"}"#,
    )
    .await;
    assert_eq!(s, 201, "{org}");
    let id = serde_json::from_str::<serde_json::Value>(&org).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, read, _) = call(&a, "GET", &format!("/api/v1/orgs/{id}"), &[("cookie", &session)], "").await;
    assert_eq!(s, 200);
    assert!(read.contains("吐鲁番市实验中学"));
    // log out on B, refused on A; the audit chain written by both servers holds
    let (s, _, _) = call(&b, "POST", "/api/v1/auth/logout", &[("cookie", &session)], "").await;
    assert_eq!(s, 204);
    let (s, _, _) = call(&a, "GET", "/api/v1/auth/me", &[("cookie", &session)], "").await;
    assert_eq!(s, 401);
    assert!(t.store.audit_verify().await.unwrap().ok());
    second.db().close().await;
    t.finish().await.unwrap();
}
