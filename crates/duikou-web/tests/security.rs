//! What an attacker meets, in-process on SQLite and PostgreSQL: logins throttled per account and address (API and
//! form, 429 in Chinese), API tokens that expire, are listed and revoked and die with a logout, a password change or
//! a deactivation; redirects after login that stay on this site; security headers on every answer; Secure cookies.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use duikou_domain::access::Role;
use duikou_store::testing::for_each_backend;
use duikou_store::testing::{user, TestStore, PASSWORD};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::net::SocketAddr;
use tower::ServiceExt;

/// One request as from `from` (the connection's address, as `serve` gives it), with extra headers and a body.
async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    from: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, String)>,
) -> (StatusCode, HeaderMap, String) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let body = match body {
        Some((content_type, b)) => {
            req = req.header(header::CONTENT_TYPE, content_type);
            Body::from(b)
        }
        None => Body::empty(),
    };
    let mut req = req.body(body).unwrap();
    let addr: SocketAddr = format!("{from}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    let resp = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let text = String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).to_string();
    (status, headers, text)
}

async fn post_json(
    app: &Router,
    uri: &str,
    from: &str,
    auth: Option<&str>,
    body: Value,
) -> (StatusCode, HeaderMap, Value) {
    let bearer = auth.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer.iter().map(|b| ("authorization", b.as_str())).collect();
    let (s, h, text) = send(
        app,
        Method::POST,
        uri,
        from,
        &headers,
        Some(("application/json", body.to_string())),
    )
    .await;
    (s, h, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn get_json(app: &Router, uri: &str, token: &str) -> (StatusCode, Value) {
    let bearer = format!("Bearer {token}");
    let (s, _, text) = send(app, Method::GET, uri, "127.0.0.1", &[("authorization", &bearer)], None).await;
    (s, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn token_of(app: &Router, username: &str, password: &str) -> String {
    let (s, _, v) = post_json(
        app,
        "/api/v1/auth/token",
        "127.0.0.1",
        None,
        json!({"username": username, "password": password}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{username}: {v}");
    v["token"].as_str().unwrap().to_string()
}

fn cookies(h: &HeaderMap) -> Vec<String> {
    h.get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// The login page's CSRF token and the cookie carrying it.
async fn login_page(app: &Router, query: &str) -> (String, String, String) {
    let (_, h, page) = send(app, Method::GET, &format!("/login{query}"), "127.0.0.1", &[], None).await;
    let i = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let token = page[i..i + 32].to_string();
    let cookie = cookies(&h)[0].split(';').next().unwrap().to_string();
    (token, cookie, page)
}

/// Posts the login form from `from`.
async fn form_login(
    app: &Router,
    from: &str,
    username: &str,
    password: &str,
    next: &str,
) -> (StatusCode, HeaderMap, String) {
    let (token, cookie, _) = login_page(app, "").await;
    let form = serde_urlencoded::to_string([
        ("username", username),
        ("password", password),
        ("csrf", &token),
        ("next", next),
    ])
    .unwrap();
    send(
        app,
        Method::POST,
        "/login",
        from,
        &[("cookie", &cookie)],
        Some(("application/x-www-form-urlencoded", form)),
    )
    .await
}

/// "登录失败次数过多，请于 N 分钟后再试", with N.
fn wait_minutes(message: &str) -> i64 {
    let rest = message
        .strip_prefix("登录失败次数过多，请于 ")
        .unwrap_or_else(|| panic!("{message}"));
    let (n, tail) = rest.split_once(' ').unwrap();
    assert_eq!(tail, "分钟后再试", "{message}");
    n.parse().unwrap()
}

#[tokio::test]
async fn api_and_form_logins_are_throttled_with_a_chinese_message() {
    for_each_backend(|store, backend| async move {
        for name in ["clerk", "other"] {
            user(&store, name, Role::Viewer, vec![]).await;
        }
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let wrong = json!({"username": "clerk", "password": "wrong-password"});
        // five wrong passwords, through the API and the form alike, are told as wrong passwords
        for i in 0..3 {
            let (s, _, v) = post_json(&app, "/api/v1/auth/login", "192.0.2.1", None, wrong.clone()).await;
            assert_eq!(
                (s, v["error"]["code"].as_str()),
                (StatusCode::UNAUTHORIZED, Some("bad_credentials")),
                "{backend} {i}"
            );
        }
        let (s, _, v) = post_json(&app, "/api/v1/auth/token", "192.0.2.1", None, wrong.clone()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{backend}: {v}");
        let (s, _, page) = form_login(&app, "192.0.2.1", "clerk", "wrong-password", "/").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{backend}: {page}");
        // then the right password is refused too, from any address, by every door, saying when to come back
        let right = json!({"username": "clerk", "password": PASSWORD});
        for uri in ["/api/v1/auth/login", "/api/v1/auth/token"] {
            let (s, h, v) = post_json(&app, uri, "198.51.100.2", None, right.clone()).await;
            assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{backend} {uri}: {v}");
            assert_eq!(v["error"]["code"], "throttled");
            let minutes = wait_minutes(v["error"]["message"].as_str().unwrap());
            assert!((14..=15).contains(&minutes), "{backend}: {minutes}");
            let retry: i64 = h[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
            assert_eq!(retry, minutes * 60, "{backend}");
        }
        let (s, h, page) = form_login(&app, "198.51.100.2", "clerk", PASSWORD, "/").await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{backend}");
        assert!(
            cookies(&h).iter().all(|c| !c.starts_with("duikou_session=")),
            "{backend}: no session"
        );
        assert!(
            page.contains("登录失败次数过多，请于 15 分钟后再试")
                || page.contains("登录失败次数过多，请于 14 分钟后再试"),
            "{backend}: {page}"
        );
        assert!(page.contains("value=\"clerk\""), "{backend}: the name typed is kept");

        // one address trying many names is stopped after 20 failures, for every account; others are not
        for i in 0..20 {
            let body = json!({"username": format!("ghost{i}"), "password": "wrong-password"});
            let (s, _, _) = post_json(&app, "/api/v1/auth/token", "203.0.113.9", None, body).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{backend} {i}");
        }
        let other = json!({"username": "other", "password": PASSWORD});
        let (s, _, _) = post_json(&app, "/api/v1/auth/login", "203.0.113.9", None, other.clone()).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{backend}: the guessing address");
        let (s, _, v) = post_json(&app, "/api/v1/auth/login", "203.0.113.10", None, other).await;
        assert_eq!(s, StatusCode::OK, "{backend}: elsewhere: {v}");
    })
    .await;
}

#[tokio::test]
async fn tokens_expire_are_listed_and_revoked_and_users_are_deactivated_through_the_api() {
    for_each_backend(|store, backend| async move {
        user(&store, "admin", Role::Admin, vec![]).await;
        let clerk_id = user(&store, "clerk", Role::Viewer, vec![]).await.user_id;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let admin = token_of(&app, "admin", PASSWORD).await;

        // issued with an expiry, listed without the secret
        let (s, _, made) = post_json(
            &app,
            "/api/v1/auth/token",
            "127.0.0.1",
            None,
            json!({"username": "clerk", "password": PASSWORD, "name": "报表脚本", "expires_in_days": 30}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {made}");
        let secret = made["token"].as_str().unwrap().to_string();
        let expires: chrono::DateTime<chrono::Utc> = made["expires_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            (expires - chrono::Utc::now()).num_days(),
            29,
            "{backend}: 30 days less a moment"
        );
        let (s, _, v) = post_json(
            &app,
            "/api/v1/auth/token",
            "127.0.0.1",
            None,
            json!({"username": "clerk", "password": PASSWORD, "expires_in_days": 0}),
        )
        .await;
        assert_eq!(
            (s, v["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("expires_in_days")),
            "{v}"
        );
        let (s, listed) = get_json(&app, "/api/v1/auth/tokens", &secret).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {listed}");
        let items = listed["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{backend}: only the caller's own: {listed}");
        assert_eq!(items[0]["name"], "报表脚本");
        assert!(
            !listed.to_string().contains(&secret[3..]) && items[0].get("token").is_none(),
            "{listed}"
        );
        let id = items[0]["id"].as_i64().unwrap();

        // revoked by its owner only; a logout with a token revokes it
        let bearer = format!("Bearer {admin}");
        let (s, _, _) = send(
            &app,
            Method::DELETE,
            &format!("/api/v1/auth/tokens/{id}"),
            "127.0.0.1",
            &[("authorization", &bearer)],
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{backend}: not the admin's token");
        assert_eq!(get_json(&app, "/api/v1/auth/me", &secret).await.0, StatusCode::OK);
        let bearer = format!("Bearer {secret}");
        let (s, _, _) = send(
            &app,
            Method::DELETE,
            &format!("/api/v1/auth/tokens/{id}"),
            "127.0.0.1",
            &[("authorization", &bearer)],
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{backend}");
        let (s, v) = get_json(&app, "/api/v1/auth/me", &secret).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("bad_token")),
            "{backend}: revoked"
        );
        let second = token_of(&app, "clerk", PASSWORD).await;
        let (s, _, _) = post_json(&app, "/api/v1/auth/logout", "127.0.0.1", Some(&second), json!({})).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert_eq!(
            get_json(&app, "/api/v1/auth/me", &second).await.0,
            StatusCode::UNAUTHORIZED,
            "{backend}: logged out"
        );

        // one's own password: a weak new one is refused naming the field; a good one ends every token
        let third = token_of(&app, "clerk", PASSWORD).await;
        let (s, _, v) = post_json(
            &app,
            "/api/v1/auth/password",
            "127.0.0.1",
            Some(&third),
            json!({"current_password": PASSWORD, "new_password": "clerk12345678"}),
        )
        .await;
        assert_eq!(
            (s, v["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("new_password")),
            "{backend}: {v}"
        );
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("密码（new_password）不能是用户名或包含用户名"),
            "{v}"
        );
        let (s, _, v) = post_json(
            &app,
            "/api/v1/auth/password",
            "127.0.0.1",
            Some(&third),
            json!({"current_password": PASSWORD, "new_password": "援疆十年再出发"}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: seven characters: {v}");
        let (s, _, v) = post_json(
            &app,
            "/api/v1/auth/password",
            "127.0.0.1",
            Some(&third),
            json!({"current_password": PASSWORD, "new_password": "援疆十年再出发，不忘初心"}),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{backend}: {v}");
        assert_eq!(
            get_json(&app, "/api/v1/auth/me", &third).await.0,
            StatusCode::UNAUTHORIZED,
            "{backend}"
        );
        let fourth = token_of(&app, "clerk", "援疆十年再出发，不忘初心").await;

        // deactivated by an admin: its token stops, it cannot log in; activated again, it can (its old token cannot)
        let (s, _, v) = post_json(
            &app,
            &format!("/api/v1/users/{clerk_id}/deactivate"),
            "127.0.0.1",
            Some(&fourth),
            json!({}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: only admins: {v}");
        let (s, _, v) = post_json(
            &app,
            &format!("/api/v1/users/{clerk_id}/deactivate"),
            "127.0.0.1",
            Some(&admin),
            json!({}),
        )
        .await;
        assert_eq!(
            (s, v["active"].as_bool()),
            (StatusCode::OK, Some(false)),
            "{backend}: {v}"
        );
        assert_eq!(
            get_json(&app, "/api/v1/auth/me", &fourth).await.0,
            StatusCode::UNAUTHORIZED,
            "{backend}"
        );
        let clerk_login = json!({"username": "clerk", "password": "援疆十年再出发，不忘初心"});
        let (s, _, _) = post_json(&app, "/api/v1/auth/login", "127.0.0.1", None, clerk_login.clone()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{backend}: deactivated");
        let (s, _, v) = post_json(
            &app,
            &format!("/api/v1/users/{clerk_id}/activate"),
            "127.0.0.1",
            Some(&admin),
            json!({}),
        )
        .await;
        assert_eq!(
            (s, v["active"].as_bool()),
            (StatusCode::OK, Some(true)),
            "{backend}: {v}"
        );
        let (s, _, _) = post_json(&app, "/api/v1/auth/login", "127.0.0.1", None, clerk_login).await;
        assert_eq!(s, StatusCode::OK, "{backend}: active again");
        assert_eq!(
            get_json(&app, "/api/v1/auth/me", &fourth).await.0,
            StatusCode::UNAUTHORIZED,
            "{backend}"
        );
    })
    .await;
}

#[tokio::test]
async fn redirects_after_login_stay_on_this_site() {
    let t = TestStore::sqlite().await.unwrap();
    user(&t.store, "clerk", Role::Viewer, vec![]).await;
    let app = duikou_web::app(duikou_web::AppState::new(t.store.clone()));
    for probe in [
        "/\\evil.example",
        "//evil.example",
        "https://evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ] {
        // the form does not carry it on, and a posted one is not followed
        let query = serde_urlencoded::to_string([("next", probe)]).unwrap();
        let (_, _, page) = login_page(&app, &format!("?{query}")).await;
        assert!(
            page.contains("name=\"next\" value=\"&#47;\"") || page.contains("name=\"next\" value=\"/\""),
            "{probe:?}: {page}"
        );
        let (s, h, _) = form_login(&app, "127.0.0.1", "clerk", PASSWORD, probe).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{probe:?}");
        assert_eq!(h[header::LOCATION], "/", "{probe:?}");
    }
    let (s, h, _) = form_login(&app, "127.0.0.1", "clerk", PASSWORD, "/records/orgs?q=%E5%AD%A6").await;
    assert_eq!(
        (s, h[header::LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/records/orgs?q=%E5%AD%A6")
    );
    t.finish().await.unwrap();
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_secure_cookies_when_asked() {
    let t = TestStore::sqlite().await.unwrap();
    user(&t.store, "clerk", Role::Viewer, vec![]).await;
    let plain = duikou_web::app(duikou_web::AppState::new(t.store.clone()));
    let token = token_of(&plain, "clerk", PASSWORD).await;
    let bearer = format!("Bearer {token}");
    for (uri, auth) in [
        ("/", false),
        ("/login", false),
        ("/api/v1/orgs", true),
        ("/api/v1/orgs/999", true),
        ("/no/such/page", false),
        ("/healthz", false),
    ] {
        let headers: Vec<(&str, &str)> = if auth {
            vec![("authorization", bearer.as_str())]
        } else {
            vec![]
        };
        let (s, h, _) = send(&plain, Method::GET, uri, "127.0.0.1", &headers, None).await;
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("script-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{uri} {s}: {csp}"
        );
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{uri}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert!(h.contains_key(header::REFERRER_POLICY), "{uri}");
        assert!(
            !h.contains_key(header::STRICT_TRANSPORT_SECURITY),
            "{uri}: plain HTTP by default"
        );
    }
    // the pages need no script but the forms' pickers, loaded from this site (no inline script anywhere), so
    // `script-src 'none'` breaks nothing and the forms allow `'self'` only
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap().to_lowercase();
        let scripts = text.matches("<script").count();
        let own = text.matches("<script src=\"/assets/pick.js\" defer></script>").count();
        assert_eq!(scripts, own, "only the pickers' own script file");
        assert!(!text.contains(" onclick=") && !text.contains("javascript:"));
    }
    let script = duikou_web::FORM_CONTENT_SECURITY_POLICY
        .split(';')
        .find(|d| d.contains("script-src"))
        .unwrap();
    assert_eq!(script.trim(), "script-src 'self'");
    let (_, h, _) = form_login(&plain, "127.0.0.1", "clerk", PASSWORD, "/").await;
    let session = cookies(&h)
        .into_iter()
        .find(|c| c.starts_with("duikou_session="))
        .unwrap();
    assert!(session.contains("HttpOnly") && !session.contains("Secure"), "{session}");

    let secure = duikou_web::app(duikou_web::AppState {
        secure_cookies: true,
        ..duikou_web::AppState::new(t.store.clone())
    });
    let (_, h, _) = form_login(&secure, "127.0.0.1", "clerk", PASSWORD, "/").await;
    let session = cookies(&h)
        .into_iter()
        .find(|c| c.starts_with("duikou_session="))
        .unwrap();
    assert!(
        session.contains("; Secure") && session.contains("HttpOnly"),
        "{session}"
    );
    assert!(h[header::STRICT_TRANSPORT_SECURITY]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
    let (_, h, _) = post_json(
        &secure,
        "/api/v1/auth/login",
        "127.0.0.1",
        None,
        json!({"username": "clerk", "password": PASSWORD}),
    )
    .await;
    assert!(cookies(&h)[0].contains("; Secure"), "{:?}", cookies(&h));
    let (_, h, _) = post_json(&secure, "/api/v1/auth/logout", "127.0.0.1", None, json!({})).await;
    assert!(cookies(&h)[0].contains("Max-Age=0") && cookies(&h)[0].contains("; Secure"));
    t.finish().await.unwrap();
}
