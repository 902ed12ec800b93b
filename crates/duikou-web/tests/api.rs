//! The JSON API through the router in-process, on SQLite and on PostgreSQL: auth, CSRF, bad input answered in
//! Chinese with the field, and the OpenAPI document matching the routes.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use duikou_domain::access::Role;
use duikou_store::testing::for_each_backend;
use duikou_store::testing::{user, TestStore};
use duikou_store::Store;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Client {
    app: Router,
    auth: Vec<(String, String)>,
}

impl Client {
    async fn send(
        &self,
        method: Method,
        uri: &str,
        body: Option<Vec<u8>>,
    ) -> (StatusCode, Value, axum::http::HeaderMap) {
        let mut req = Request::builder().method(method).uri(uri);
        for (k, v) in &self.auth {
            req = req.header(k.as_str(), v.as_str());
        }
        let req = req
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.map(Body::from).unwrap_or_else(Body::empty))
            .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let v =
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, v, headers)
    }
    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let (s, v, _) = self.send(Method::GET, uri, None).await;
        (s, v)
    }
    async fn post(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        let (s, v, _) = self.send(Method::POST, uri, Some(body.to_string().into_bytes())).await;
        (s, v)
    }
}

async fn setup(store: &Store) -> (Client, String) {
    for (name, role) in [("admin", Role::Admin), ("guest", Role::Viewer)] {
        user(store, name, role, vec![]).await;
    }
    let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
    let anon = Client {
        app: app.clone(),
        auth: vec![],
    };
    let (s, v) = anon
        .post(
            "/api/v1/auth/token",
            json!({"username": "admin", "password": "password-123"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().unwrap().to_string();
    (
        Client {
            app,
            auth: vec![("authorization".into(), format!("Bearer {token}"))],
        },
        token,
    )
}

/// method, uri, body, expected status, error code, error field.
type Case<'a> = (Method, &'a str, Vec<u8>, StatusCode, &'a str, &'a str);

#[tokio::test]
async fn bad_requests_get_a_code_a_chinese_message_and_the_field() {
    for_each_backend(|store, backend| async move {
        let (c, _) = setup(&store).await;
        let (s, org) = c.post("/api/v1/orgs", json!({"name": "吐鲁番市教育局", "kind": "government", "region_code": "650400"})).await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {org}");
        let org_id = org["id"].as_i64().unwrap();
        let org_uri = format!("/api/v1/orgs/{org_id}");
        let confirm_uri = format!("/api/v1/orgs/{org_id}/confirm");
        let cases: Vec<Case> = vec![
            (Method::POST, "/api/v1/orgs", b"{\"name\": \"\xff\"}".to_vec(), StatusCode::BAD_REQUEST, "bad_encoding", ""),
            (Method::POST, "/api/v1/orgs", b"{\"name\": ".to_vec(), StatusCode::BAD_REQUEST, "bad_json", ""),
            (Method::POST, "/api/v1/orgs", b"".to_vec(), StatusCode::BAD_REQUEST, "bad_json", ""),
            (Method::POST, "/api/v1/orgs", b"[1,2]".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "validation", ""),
            (Method::POST, "/api/v1/orgs", br#"{"name": 5, "kind": "school"}"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "validation", "name"),
            (Method::POST, "/api/v1/orgs", br#"{"name": "x", "kind": "school", "region_code": "123456"}"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "validation", "region_code"),
            (Method::POST, "/api/v1/orgs", r#"{"name": "吐鲁番市教育局", "kind": "government"}"#.as_bytes().to_vec(), StatusCode::CONFLICT, "duplicate", "name"),
            (Method::POST, "/api/v1/pairings", format!(r#"{{"program_id": 1, "supporter_org_id": {org_id}, "receiver_org_id": {org_id}, "level": "city_county"}}"#).into_bytes(), StatusCode::UNPROCESSABLE_ENTITY, "validation", "receiver_org_id"),
            (Method::GET, "/api/v1/orgs/abc", vec![], StatusCode::BAD_REQUEST, "bad_id", "id"),
            (Method::GET, "/api/v1/orgs/424242", vec![], StatusCode::NOT_FOUND, "not_found", ""),
            (Method::GET, "/api/v1/widgets", vec![], StatusCode::NOT_FOUND, "not_found", ""),
            (Method::GET, "/api/v1/orgs?per_page=9999", vec![], StatusCode::UNPROCESSABLE_ENTITY, "validation", "per_page"),
            (Method::GET, "/api/v1/orgs?page=x", vec![], StatusCode::BAD_REQUEST, "bad_query", "page"),
            (Method::GET, "/api/v1/orgs?after=x", vec![], StatusCode::BAD_REQUEST, "bad_query", "after"),
            (Method::GET, "/api/v1/orgs?page=999", vec![], StatusCode::UNPROCESSABLE_ENTITY, "validation", "page"),
            (Method::GET, "/api/v1/activities?after=424242", vec![], StatusCode::UNPROCESSABLE_ENTITY, "validation", "after"),
            (Method::GET, "/api/v1/orgs?after=1&before=2", vec![], StatusCode::UNPROCESSABLE_ENTITY, "validation", "after"),
            (Method::GET, "/api/v1/orgs?sort=colour", vec![], StatusCode::UNPROCESSABLE_ENTITY, "validation", "sort"),
            (Method::PATCH, &org_uri, br#"{"version": 7, "note": "x"}"#.to_vec(), StatusCode::CONFLICT, "stale", "version"),
            (Method::POST, &confirm_uri, vec![], StatusCode::UNPROCESSABLE_ENTITY, "validation", "entity"),
            (Method::GET, "/nowhere", vec![], StatusCode::NOT_FOUND, "no_route", ""),
        ];
        for (method, uri, body, status, code, field) in cases {
            let (s, v, _) = c.send(method.clone(), uri, Some(body.clone())).await;
            assert_eq!(s, status, "{backend}: {method} {uri} {}: {v}", String::from_utf8_lossy(&body));
            assert_eq!(v["error"]["code"], code, "{backend}: {uri}: {v}");
            if !field.is_empty() {
                assert_eq!(v["error"]["field"], field, "{backend}: {uri}: {v}");
            }
            let msg = v["error"]["message"].as_str().unwrap_or("");
            assert!(msg.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)), "{backend}: Chinese message: {v}");
        }
        let (_, list) = c.get("/api/v1/orgs").await;
        assert_eq!(list["total"], 1, "{backend}: nothing partial was written");
    })
    .await;
}

#[tokio::test]
async fn authentication_roles_and_csrf() {
    for_each_backend(|store, backend| async move {
        let (admin, _) = setup(&store).await;
        let anon = Client {
            app: admin.app.clone(),
            auth: vec![],
        };
        assert_eq!(anon.get("/api/v1/orgs").await.0, StatusCode::UNAUTHORIZED, "{backend}");
        let bad = Client {
            app: admin.app.clone(),
            auth: vec![("authorization".into(), "Bearer dk_nope".into())],
        };
        assert_eq!(bad.get("/api/v1/orgs").await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(
            anon.post(
                "/api/v1/auth/login",
                json!({"username": "admin", "password": "nope-nope"})
            )
            .await
            .0,
            StatusCode::UNAUTHORIZED
        );
        // cookie login: reads work, writes need the CSRF token
        let (s, body, headers) = anon
            .send(
                Method::POST,
                "/api/v1/auth/login",
                Some(
                    json!({"username": "guest", "password": "password-123"})
                        .to_string()
                        .into_bytes(),
                ),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let cookie = headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        assert!(cookie.starts_with("duikou_session="));
        let csrf = body["csrf_token"].as_str().unwrap().to_string();
        let mut guest = Client {
            app: admin.app.clone(),
            auth: vec![("cookie".into(), cookie.clone())],
        };
        let (s, me) = guest.get("/api/v1/auth/me").await;
        assert_eq!((s, me["role"].as_str()), (StatusCode::OK, Some("viewer")));
        let org = json!({"name": "某单位", "kind": "school"});
        let (s, v) = guest.post("/api/v1/orgs", org.clone()).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "no CSRF token"
        );
        guest.auth.push(("x-csrf-token".into(), csrf));
        let (s, v) = guest.post("/api/v1/orgs", org.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: a viewer reads only: {v}");
        assert_eq!(guest.get("/api/v1/users").await.0, StatusCode::FORBIDDEN);
        assert_eq!(guest.get("/api/v1/audit").await.0, StatusCode::FORBIDDEN);
        let (s, _, _) = guest.send(Method::POST, "/api/v1/auth/logout", None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert_eq!(
            guest.get("/api/v1/orgs").await.0,
            StatusCode::UNAUTHORIZED,
            "{backend}: session ended"
        );
        // admin manages users through the API
        let (s, v) = admin
            .post(
                "/api/v1/users",
                json!({"username": "bad", "password": "x", "role": "king"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, v) = admin
            .post(
                "/api/v1/users",
                json!({"username": "viewer2", "password": "password-123", "role": "viewer"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = admin.get("/api/v1/audit/verify").await;
        assert_eq!((s, v["ok"].as_bool()), (StatusCode::OK, Some(true)), "{v}");
    })
    .await;
}

#[tokio::test]
async fn every_documented_operation_is_served_and_every_entity_documented() {
    let t = TestStore::sqlite().await.unwrap();
    let (c, _) = setup(&t.store).await;
    let (s, doc) = c.get("/api/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.0.3");
    for e in duikou_domain::schema::ENTITIES {
        let name: String = e.name.split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect();
        let schema = &doc["components"]["schemas"][&name]["properties"];
        for f in e.fields {
            assert!(schema.get(f.name).is_some(), "{}.{} documented", e.name, f.name);
        }
    }
    let paths = doc["paths"].as_object().unwrap();
    // a method the document does not list is a 405 naming the ones it does, in Chinese
    for (method, uri) in [
        (Method::PUT, "/api/v1/assessments/1"),
        (Method::POST, "/api/v1/orgs/1/audit"),
        (Method::GET, "/api/v1/orgs/1/confirm"),
        (Method::OPTIONS, "/api/v1/audit/verify"),
        (Method::DELETE, "/api/v1/orgs"),
    ] {
        let (s, v, h) = c.send(method.clone(), uri, None).await;
        let path = paths.keys().find(|p| {
            let t: Vec<&str> = p.split('/').collect();
            let u: Vec<&str> = uri.split('/').collect();
            t.len() == u.len() && t.iter().zip(&u).all(|(t, u)| t == u || t.starts_with('{'))
        });
        let Some(path) = path else {
            // /api/v1/orgs/1/confirm: orgs are not confirmed, so the path itself is not there
            assert_eq!(s, StatusCode::NOT_FOUND, "{method} {uri}: {v}");
            continue;
        };
        assert!(
            paths[path].get(method.as_str().to_lowercase()).is_none(),
            "{method} {path}"
        );
        assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}: {v}");
        assert_eq!(v["error"]["code"], "method_not_allowed", "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("不支持"), "{v}");
        let mut listed: Vec<String> = paths[path]
            .as_object()
            .unwrap()
            .keys()
            .map(|m| m.to_uppercase())
            .collect();
        let mut allowed: Vec<String> = h[header::ALLOW]
            .to_str()
            .unwrap()
            .split(", ")
            .map(String::from)
            .collect();
        listed.sort();
        allowed.sort();
        assert_eq!(allowed, listed, "{method} {uri}");
    }
    // what ends the caller's own token (logging out with it, revoking a token) is probed last, so that every other
    // operation is reached with a valid token and answered by its handler
    let mut ops: Vec<(&String, &String)> = paths
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| (path, m)))
        .collect();
    let ends_the_token = |path: &str, method: &str| {
        path == "/api/v1/auth/logout" || (path.starts_with("/api/v1/auth/tokens/") && method == "delete")
    };
    ops.sort_by_key(|(path, method)| ends_the_token(path, method));
    let mut checked = 0;
    for (path, method) in ops {
        {
            let uri = path.replace("{id}", "1");
            let m: Method = method.to_uppercase().parse().unwrap();
            let body = if matches!(m, Method::POST | Method::PATCH | Method::PUT) {
                Some(b"{}".to_vec())
            } else {
                None
            };
            let (s, v, _) = c.send(m.clone(), &uri, body).await;
            assert_ne!(
                v["error"]["code"], "no_route",
                "{method} {path} is documented but not served"
            );
            assert_ne!(s, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            if !ends_the_token(path, method) {
                assert_ne!(s, StatusCode::UNAUTHORIZED, "{method} {path}: {v}");
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
    let (s, health) = c.get("/healthz").await;
    assert_eq!((s, health["status"].as_str()), (StatusCode::OK, Some("ok")));
    t.finish().await.unwrap();
}

#[tokio::test]
async fn the_overview_page_escapes_what_users_typed() {
    let t = TestStore::sqlite().await.unwrap();
    let (c, _) = setup(&t.store).await;
    let (s, org) = c
        .post(
            "/api/v1/orgs",
            json!({"name": "<script>alert(1)</script>教育局", "kind": "government"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, other) = c
        .post("/api/v1/orgs", json!({"name": "乡镇中学", "kind": "school"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, prog) = c
        .post(
            "/api/v1/programs",
            json!({"name": "计划", "authority_org_id": org["id"], "published": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{prog}");
    let (s, _) = c.post("/api/v1/pairings", json!({"program_id": prog["id"], "supporter_org_id": org["id"], "receiver_org_id": other["id"], "level": "other"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, page) = c.get("/").await;
    assert_eq!(s, StatusCode::OK);
    let html = page.as_str().unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;教育局"), "{html}");
    assert!(!html.contains("<script>"));
    t.finish().await.unwrap();
}

#[tokio::test]
async fn reports_templates_imports_and_exports_over_http() {
    for_each_backend(|store, backend| async move {
        let (c, _) = setup(&store).await;
        let (_, a) = c.post("/api/v1/orgs", json!({"name": "湖南省", "kind": "government"})).await;
        let (_, b) = c.post("/api/v1/orgs", json!({"name": "吐鲁番市", "kind": "government", "region_code": "650400"})).await;
        let (_, p) = c.post("/api/v1/programs", json!({"name": "对口援疆", "authority_org_id": a["id"], "start_date": "2010-01-01"})).await;
        let (s, pr) = c
            .post("/api/v1/pairings", json!({"program_id": p["id"], "supporter_org_id": a["id"], "receiver_org_id": b["id"], "level": "province_prefecture"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{pr}");
        let csv = "结对,活动类型,标题,开始日期,人次\n湖南省→吐鲁番市,培训,骨干教师培训,2011年7月1日,355\n湖南省→吐鲁番市,游园,x,2011-07-01,1\n";
        let (s, report, _) = c.send(Method::POST, "/api/v1/imports/activities?file_name=a.csv&dry_run=true", Some(csv.as_bytes().to_vec())).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {report}");
        assert_eq!(report["problems"][0]["row"], 3, "{report}");
        assert_eq!(report["problems"][0]["column"], "活动类型");
        let good = "结对,活动类型,标题,开始日期,人次\n湖南省→吐鲁番市,培训,骨干教师培训,2011年7月1日,355\n";
        let (s, report, _) = c.send(Method::POST, "/api/v1/imports/activities?file_name=a.csv", Some(good.as_bytes().to_vec())).await;
        assert_eq!((s, report["created"].as_i64()), (StatusCode::OK, Some(1)), "{report}");
        // the imported activity is in the dashboards of its pairing, program, region (up to the province) and all
        for scope in [format!("pairing:{}", pr["id"]), format!("program:{}", p["id"]), "region:650000".into(), "all".into()] {
            let (s, d) = c.get(&format!("/api/v1/dashboard?scope={scope}")).await;
            assert_eq!(s, StatusCode::OK, "{backend} {scope}: {d}");
            assert_eq!((d["pairings"].as_i64(), d["activities_total"].as_i64()), (Some(1), Some(1)), "{backend} {scope}: {d}");
            assert_eq!(d["activities_by_kind"][0]["person_times"], 355, "{backend} {scope}: {d}");
        }
        let (s, d) = c.get("/api/v1/dashboard?scope=region:540000").await;
        assert_eq!((s, d["activities_total"].as_i64()), (StatusCode::OK, Some(0)), "{d}");
        let (s, v) = c.get("/api/v1/dashboard?scope=county:1").await;
        assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("scope")), "{v}");
        let (s, v, _) = c.send(Method::POST, "/api/v1/imports/activities?file_name=a.xlsx", Some(b"junk".to_vec())).await;
        assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_file")), "{v}");
        let uri = format!("/api/v1/report?scope=pairing:{}&period=2011&format=json", pr["id"]);
        let (s, doc) = c.get(&uri).await;
        assert_eq!(s, StatusCode::OK, "{doc}");
        assert_eq!(doc["document"]["title"], "湖南省对口支援吐鲁番市2011年工作总结");
        let (s, _, headers) = c.send(Method::GET, &uri.replace("json", "docx"), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().contains("wordprocessingml"));
        let (s, v) = c.get("/api/v1/report?scope=pairing:1&period=2011&format=pdf").await;
        assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("format")));
        let (s, _, headers) = c.send(Method::GET, "/api/v1/templates/activities", None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("filename*=UTF-8''"));
        let (s, _, headers) = c.send(Method::GET, "/api/v1/exports/activities?kind=training", None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().contains("spreadsheetml"));
    })
    .await;
}

#[tokio::test]
async fn lists_page_by_cursor_and_keep_their_shape() {
    for_each_backend(|store, backend| async move {
        let (c, _) = setup(&store).await;
        let mut ids = Vec::new();
        for i in 0..5 {
            let (s, org) = c
                .post("/api/v1/orgs", json!({"name": format!("单位{i}"), "kind": "school"}))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{backend}: {org}");
            ids.push(org["id"].as_i64().unwrap());
        }
        let (s, first) = c.get("/api/v1/orgs?per_page=2&sort=-id").await;
        assert_eq!(s, StatusCode::OK, "{backend}: {first}");
        assert_eq!(
            (first["total"].as_i64(), first["total_exact"].as_bool()),
            (Some(5), Some(true)),
            "{first}"
        );
        assert_eq!((first["page"].as_i64(), first["per_page"].as_i64()), (Some(1), Some(2)));
        assert!(first["prev_before"].is_null(), "{first}");
        let mut seen: Vec<i64> = first["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_i64().unwrap())
            .collect();
        let mut next = first["next_after"].as_i64();
        while let Some(after) = next {
            let (s, p) = c.get(&format!("/api/v1/orgs?per_page=2&sort=-id&after={after}")).await;
            assert_eq!(s, StatusCode::OK, "{backend}: {p}");
            seen.extend(p["items"].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()));
            next = p["next_after"].as_i64();
        }
        ids.reverse();
        assert_eq!(seen, ids, "{backend}: every org once, newest first");
        let (_, o) = c.get("/api/v1/overview").await;
        assert_eq!(o["counts"]["orgs"]["count"], 5, "{backend}: {o}");
    })
    .await;
}

#[tokio::test]
async fn the_kept_overview_follows_every_write_on_every_server() {
    for t in TestStore::all().await.expect("test stores") {
        let backend = t.backend;
        let (a, token) = setup(&t.store).await;
        // a second server on the same database: it must see server A's writes, though its overview is kept
        let b_state = duikou_web::AppState::new(t.open_again().await.unwrap());
        let b = Client {
            app: duikou_web::app(b_state.clone()),
            auth: vec![("authorization".into(), format!("Bearer {token}"))],
        };
        let anon_b = Client {
            app: b.app.clone(),
            auth: vec![],
        };
        let (s, before, headers) = b.send(Method::GET, "/api/v1/overview", None).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {before}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        assert_eq!(before["programs"], json!([]), "{backend}");
        assert_eq!(before["counts"]["pairings"]["count"], 0, "{backend}");
        let (_, page) = anon_b.get("/").await;
        assert!(!page.as_str().unwrap().contains("援疆计划"), "{backend}");
        let made = b_state.overview.made();
        assert_eq!(b.get("/api/v1/overview").await.1, before, "{backend}");
        anon_b.get("/").await;
        assert_eq!(b_state.overview.made(), made, "{backend}: no write, nothing made again");

        let (_, org) = a
            .post("/api/v1/orgs", json!({"name": "自治区教育厅", "kind": "government"}))
            .await;
        let (_, school) = a
            .post("/api/v1/orgs", json!({"name": "乡镇中学", "kind": "school"}))
            .await;
        let (s, prog) = a
            .post(
                "/api/v1/programs",
                json!({"name": "援疆计划", "authority_org_id": org["id"], "published": true}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {prog}");
        let pairing = json!({"program_id": prog["id"], "supporter_org_id": org["id"], "receiver_org_id": school["id"], "level": "other"});
        let (s, v) = a.post("/api/v1/pairings", pairing.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");

        let (_, after) = b.get("/api/v1/overview").await;
        assert_eq!(
            after["programs"][0]["program"]["name"], "援疆计划",
            "{backend}: {after}"
        );
        assert_eq!(after["programs"][0]["pairings_total"], 1, "{backend}");
        assert_eq!(after["counts"]["pairings"]["count"], 1, "{backend}");
        let (_, page) = anon_b.get("/").await;
        assert!(
            page.as_str().unwrap().contains("援疆计划"),
            "{backend}: the page follows too"
        );

        // one more write: a second pairing appears on the next read of either server
        let (_, school2) = a
            .post("/api/v1/orgs", json!({"name": "县第二中学", "kind": "school"}))
            .await;
        let mut pairing = pairing;
        pairing["receiver_org_id"] = school2["id"].clone();
        let (s, v) = a.post("/api/v1/pairings", pairing).await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
        for c in [&a, &b] {
            let (_, now) = c.get("/api/v1/overview").await;
            assert_eq!(now["programs"][0]["pairings_total"], 2, "{backend}: {now}");
            assert_eq!(now["programs"][0]["pairings"].as_array().map(Vec::len), Some(2));
        }

        // the dashboard and a record read by id are kept by the head read with the sign-in: they follow too
        let (_, dash) = b.get("/api/v1/dashboard?scope=all").await;
        assert_eq!(dash["pairings"], 2, "{backend}: {dash}");
        let record = format!("/api/v1/orgs/{}", school2["id"]);
        let (_, kept) = b.get(&record).await;
        assert_eq!(b.get(&record).await.1, kept, "{backend}");
        let patch = json!({"note": "另一台服务器改的", "version": kept["version"]});
        let (s, v, _) = a
            .send(Method::PATCH, &record, Some(patch.to_string().into_bytes()))
            .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        let (_, now) = b.get(&record).await;
        assert_eq!(now["note"], "另一台服务器改的", "{backend}: {now}");
        let (s, v) = a.post("/api/v1/pairings", json!({"program_id": prog["id"], "supporter_org_id": org["id"], "receiver_org_id": school2["id"], "level": "school_school"})).await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
        let (_, dash) = b.get("/api/v1/dashboard?scope=all").await;
        assert_eq!(dash["pairings"], 3, "{backend}: {dash}");
        b_state.store.db().close().await;
        t.finish().await.expect("cleanup");
    }
}

/// One program with two pairings of two supporters, answering (pairing A, pairing B).
async fn two_pairings(c: &Client) -> (i64, i64) {
    let mut orgs = Vec::new();
    for (name, region) in [
        ("援疆指挥部", None),
        ("甲省", None),
        ("乙市", None),
        ("高昌区", Some("650402")),
        ("托克逊县", Some("650422")),
    ] {
        let (s, v) = c
            .post(
                "/api/v1/orgs",
                json!({"name": name, "kind": "government", "region_code": region}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        orgs.push(v["id"].as_i64().unwrap());
    }
    let (s, p) = c
        .post(
            "/api/v1/programs",
            json!({"name": "对口援疆", "authority_org_id": orgs[0]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let mut pairings = Vec::new();
    for (sup, rec) in [(orgs[1], orgs[3]), (orgs[2], orgs[4])] {
        let (s, v) = c
            .post("/api/v1/pairings", json!({"program_id": p["id"], "supporter_org_id": sup, "receiver_org_id": rec, "level": "province_prefecture"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        pairings.push(v["id"].as_i64().unwrap());
    }
    (pairings[0], pairings[1])
}

#[tokio::test]
async fn the_overflow_probes_are_refused_and_a_max_record_breaks_no_one_elses_write() {
    for_each_backend(|store, backend| async move {
        let (c, _) = setup(&store).await;
        let (a, b) = two_pairings(&c).await;
        let act = |pairing: i64, extra: Value| {
            let mut v = json!({"pairing_id": pairing, "kind": "training", "title": "培训", "start_date": "2014-07-02"});
            for (k, x) in extra.as_object().unwrap() {
                v[k] = x.clone();
            }
            v
        };
        // the tester's probes: refused with 422, the field named, nothing written
        for (extra, field) in [
            (json!({"amount": "92233720368547758.07"}), "amount"),
            (json!({"person_times": i64::MAX}), "person_times"),
            (json!({"hours": i64::MAX}), "hours"),
        ] {
            let (s, v) = c.post("/api/v1/activities", act(a, extra.clone())).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {extra}: {v}");
            assert_eq!(v["error"]["field"], field, "{backend}: {v}");
            assert!(v["error"]["message"].as_str().unwrap().contains("超出上限"), "{backend}: {v}");
        }
        let (s, v) = c
            .post("/api/v1/activities", act(a, json!({"amount": "92233720368547758.07"})))
            .await;
        assert_eq!(
            v["error"]["message"], "金额（amount）超出上限：最多 1 000 000 000 000.00 元（收到 92233720368547758.07 元）",
            "{backend}: {s}"
        );
        let (_, dash0) = c.get("/api/v1/dashboard").await;
        // a record at every ceiling, then others' writes of the same kind and month still go through, and every read
        // answers with integers
        let (s, max) = c
            .post("/api/v1/activities", act(a, json!({"amount": "1万亿", "person_times": 1_000_000_000, "sessions": 1_000_000_000, "hours": 1_000_000_000, "items": 1_000_000_000})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {max}");
        for i in 0..3 {
            let (s, v) = c.post("/api/v1/activities", act(b, json!({"amount": "1500.50", "person_times": 30 + i}))).await;
            assert_eq!(s, StatusCode::CREATED, "{backend}: another's write after the max record: {v}");
        }
        for uri in ["/api/v1/dashboard", &format!("/api/v1/dashboard?scope=pairing:{b}"), "/api/v1/dashboard?scope=region:650000"] {
            let (s, v) = c.get(uri).await;
            assert_eq!(s, StatusCode::OK, "{backend}: {uri}: {v}");
        }
        let (_, dash) = c.get("/api/v1/dashboard").await;
        assert_eq!(dash["money_total_fen"], json!(dash0["money_total_fen"].as_i64().unwrap()), "{backend}: activities are not transactions");
        let kinds = dash["activities_by_kind"].as_array().unwrap();
        assert_eq!(kinds[0]["amount_fen"], json!(100_000_000_000_000i64 + 3 * 150_050), "{backend}: {dash}");
        assert_eq!(kinds[0]["person_times"], json!(1_000_000_000i64 + 93), "{backend}");
        // deleting the max record restores the totals exactly
        let (s, _, _) = c.send(Method::DELETE, &format!("/api/v1/activities/{}", max["id"]), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{backend}");
        let (_, dash) = c.get("/api/v1/dashboard").await;
        let kinds = dash["activities_by_kind"].as_array().unwrap();
        assert_eq!(kinds[0]["amount_fen"], json!(3 * 150_050), "{backend}: {dash}");
        assert_eq!(kinds[0]["person_times"], json!(93), "{backend}");
        assert_eq!(kinds[0]["n"], json!(3), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_referenced_region_is_kept_and_the_answer_names_what_refers_to_it() {
    for_each_backend(|store, backend| async move {
        let (c, _) = setup(&store).await;
        let (s, org) = c
            .post(
                "/api/v1/orgs",
                json!({"name": "托克逊县教育局", "kind": "government", "region_code": "650422"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {org}");
        let (_, list) = c.get("/api/v1/regions?code=650422").await;
        let region = list["items"][0]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{backend}: {list}"));
        let (s, v, _) = c.send(Method::DELETE, &format!("/api/v1/regions/{region}"), None).await;
        assert_eq!(s, StatusCode::CONFLICT, "{backend}: {v}");
        assert_eq!(v["error"]["code"], "in_use", "{backend}: {v}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(
            msg.starts_with("该行政区划仍被引用，不能删除：") && msg.contains("单位 1 条（region_code）"),
            "{backend}: {msg}"
        );
        let (s, _) = c.get(&format!("/api/v1/regions/{region}")).await;
        assert_eq!(s, StatusCode::OK, "{backend}: the region is still there");
        // a prefecture is referred to by its counties
        let (_, list) = c.get("/api/v1/regions?code=650400").await;
        let prefecture = list["items"][0]["id"].as_i64().unwrap();
        let (s, v, _) = c
            .send(Method::DELETE, &format!("/api/v1/regions/{prefecture}"), None)
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{backend}: {v}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains("（parent_code）"),
            "{backend}: {v}"
        );
        // once nothing refers to it, it goes
        let (s, _, _) = c
            .send(Method::DELETE, &format!("/api/v1/orgs/{}", org["id"]), None)
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{backend}");
        let (s, v, _) = c.send(Method::DELETE, &format!("/api/v1/regions/{region}"), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{backend}: {v}");
    })
    .await;
}

#[tokio::test]
async fn a_nul_or_a_broken_period_in_a_query_is_a_clear_400() {
    for_each_backend(|store, backend| async move {
        let (c, _) = setup(&store).await;
        let (a, _) = two_pairings(&c).await;
        for uri in [
            "/api/v1/orgs?name=a%00b".to_string(),
            "/api/v1/orgs?q=%00".to_string(),
            "/api/v1/orgs?sort=name%00".to_string(),
            "/api/v1/regions?code=650422%00".to_string(),
            "/api/v1/dashboard?scope=region:65%00".to_string(),
            format!("/api/v1/pairings/{a}/obligations?period=2014%00"),
        ] {
            let (s, v) = c.get(&uri).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{backend}: {uri}: {v}");
            assert_eq!(v["error"]["code"], "control_char", "{backend}: {uri}: {v}");
            assert!(
                v["error"]["message"].as_str().unwrap().contains("空字符"),
                "{backend}: {v}"
            );
        }
        // the tester's probe: a multibyte period is refused, not a panic
        for uri in [
            format!("/api/v1/pairings/{a}/obligations?period=12%E4%B8%AD456789"),
            format!("/api/v1/report?scope=pairing:{a}&period=12%E4%B8%AD456789&format=json"),
        ] {
            let (s, v) = c.get(&uri).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{backend}: {uri}: {v}");
            assert_eq!(v["error"]["field"], "period", "{backend}: {v}");
        }
    })
    .await;
}

async fn boom() -> &'static str {
    panic!("boom")
}

#[tokio::test]
async fn a_panic_is_one_logged_500_and_the_next_request_is_served() {
    use axum::routing::get;
    let app = duikou_web::catch_panics::<()>(
        Router::new()
            .route("/api/v1/boom", get(boom))
            .route("/boom", get(boom))
            .route("/ok", get(|| async { "ok" })),
    );
    let c = Client { app, auth: vec![] };
    let (s, v) = c.get("/api/v1/boom").await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(v["error"]["code"], "internal", "{v}");
    assert!(
        !v.to_string().contains("boom"),
        "the panic's message is logged, not answered: {v}"
    );
    let (s, _, h) = c.send(Method::GET, "/boom", None).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        h[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"),
        "{h:?}"
    );
    let (s, v) = c.get("/ok").await;
    assert_eq!((s, v), (StatusCode::OK, Value::String("ok".into())));
}

#[tokio::test]
async fn dates_travel_at_their_precision_and_lists_take_a_period() {
    for_each_backend(|store, backend| async move {
        let (c, _) = setup(&store).await;
        let (pairing, _) = two_pairings(&c).await;
        let mut ids = Vec::new();
        for (title, start) in [("年度培训", "2011年"), ("六月授课", "2014-6"), ("考察", "2014-06-15")] {
            let (s, v) = c
                .post(
                    "/api/v1/activities",
                    json!({"pairing_id": pairing, "kind": "training", "title": title, "start_date": start}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
            ids.push(v["id"].as_i64().unwrap());
        }
        let (_, v) = c.get(&format!("/api/v1/activities/{}", ids[0])).await;
        assert_eq!(v["start_date"], "2011", "{backend}");
        let (_, v) = c.get(&format!("/api/v1/activities/{}", ids[1])).await;
        assert_eq!(v["start_date"], "2014-06", "{backend}");
        // the document describes what the server answers: every date read matches its pattern
        let (_, doc) = c.get("/api/v1/openapi.json").await;
        let pattern = doc["components"]["schemas"]["Activities"]["properties"]["start_date"]["pattern"].clone();
        assert_eq!(pattern, duikou_web::openapi::DATE_PATTERN, "{backend}");
        let titles = |v: &Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["title"].as_str().unwrap().to_string())
                .collect()
        };
        let (s, v) = c.get("/api/v1/activities?period=2011").await;
        assert_eq!(
            (s, titles(&v)),
            (StatusCode::OK, vec!["年度培训".to_string()]),
            "{backend}: {v}"
        );
        let (_, v) = c.get("/api/v1/activities?period=2012").await;
        assert!(titles(&v).is_empty(), "{backend}: {v}");
        let (_, v) = c.get("/api/v1/activities?period=2013-2014S2&sort=id").await;
        assert_eq!(titles(&v), ["六月授课", "考察"], "{backend}: {v}");
        // an ambiguous month is a 422 naming the field; a bad period a 400 naming the parameter
        let (s, v) = c
            .post(
                "/api/v1/activities",
                json!({"pairing_id": pairing, "kind": "training", "title": "x", "start_date": "14-6"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {v}");
        assert!(
            v.to_string().contains("start_date") && v.to_string().contains("年份须写全四位数字"),
            "{backend}: {v}"
        );
        let (s, v) = c.get("/api/v1/activities?period=2014-2016").await;
        assert!(s.is_client_error(), "{backend}: {s} {v}");
        assert!(v.to_string().contains("period"), "{backend}: {v}");
    })
    .await;
}

/// Every key a documented schema requires is in `v`, following `$ref`, `allOf` and arrays; TotalFigure's fields
/// have their documented types.
fn has_documented_shape(doc: &Value, schema: &Value, v: &Value, at: &str) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return has_documented_shape(doc, &doc["components"]["schemas"][name], v, at);
    }
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            has_documented_shape(doc, s, v, at);
        }
        return;
    }
    match schema["type"].as_str() {
        Some("object") => {
            assert!(v.is_object(), "{at}: {v}");
            for k in schema["required"].as_array().into_iter().flatten() {
                let k = k.as_str().unwrap();
                assert!(v.get(k).is_some(), "{at}.{k} missing: {v}");
            }
            for (k, s) in schema["properties"].as_object().into_iter().flatten() {
                if let Some(x) = v.get(k) {
                    has_documented_shape(doc, s, x, &format!("{at}.{k}"));
                }
            }
        }
        Some("array") => {
            for (i, x) in v.as_array().unwrap_or_else(|| panic!("{at}: {v}")).iter().enumerate() {
                has_documented_shape(doc, &schema["items"], x, &format!("{at}[{i}]"));
            }
        }
        Some("integer") => assert!(v.is_i64() || (v.is_null() && schema["nullable"] == true), "{at}: {v}"),
        Some("string") => {
            assert!(
                v.is_string() || (v.is_null() && schema["nullable"] == true),
                "{at}: {v}"
            );
            if let (Some(e), Some(s)) = (schema["enum"].as_array(), v.as_str()) {
                assert!(e.iter().any(|x| x == s), "{at}: {s} not in {e:?}");
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_dashboard_answers_written_totals_as_documented() {
    for_each_backend(|store, backend| async move {
        let (c, _) = setup(&store).await;
        let (_, a) = c.post("/api/v1/orgs", json!({"name": "湖南省", "kind": "government"})).await;
        let (_, b) = c.post("/api/v1/orgs", json!({"name": "吐鲁番市", "kind": "government", "region_code": "650400"})).await;
        let (_, p) = c.post("/api/v1/programs", json!({"name": "对口援疆", "authority_org_id": a["id"]})).await;
        let (_, pr) = c
            .post("/api/v1/pairings", json!({"program_id": p["id"], "supporter_org_id": a["id"], "receiver_org_id": b["id"], "level": "province_prefecture"}))
            .await;
        for body in [
            json!({"pairing_id": pr["id"], "kind": "teaching", "title": "支教", "start_date": "2014-09-01", "hours": "1500余课时", "amount": "约1000万元"}),
            json!({"pairing_id": pr["id"], "kind": "training", "title": "培训", "start_date": "2014-10-01", "hours": 20, "person_times": "20-50", "amount": "500万元"}),
        ] {
            let (s, v) = c.post("/api/v1/activities", body).await;
            assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
        }
        let (s, proj) = c
            .post("/api/v1/projects", json!({"pairing_id": pr["id"], "name": "教学楼", "category": "education", "total_investment": "20-50万元"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {proj}");
        for (kind, amount) in [("commitment", "约30万"), ("commitment", "10万")] {
            let (s, v) = c
                .post("/api/v1/transactions", json!({"project_id": proj["id"], "kind": kind, "source": "supporter", "amount": amount, "date": "2014-05-01"}))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
        }
        let (_, doc) = c.get("/api/v1/openapi.json").await;
        let schema = &doc["paths"]["/api/v1/dashboard"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        for scope in [format!("pairing:{}", pr["id"]), format!("program:{}", p["id"]), "all".into()] {
            let (s, d) = c.get(&format!("/api/v1/dashboard?scope={scope}")).await;
            assert_eq!(s, StatusCode::OK, "{backend} {scope}: {d}");
            has_documented_shape(&doc, schema, &d, "dashboard");
            let all = &d["activities_in_all"];
            assert_eq!(
                (&all["hours"], &all["hours_figure"]),
                (&json!(1520), &json!({"approx": "余", "upper": null, "written": "1520余课时"})),
                "{backend} {scope}"
            );
            assert_eq!(all["amount_figure"]["written"], "约1500万元", "{backend} {scope}");
            // an exact sum is its number: no written form beside it
            assert!(all.get("sessions_figure").is_none(), "{backend} {scope}: {all}");
            let training = d["activities_by_kind"].as_array().unwrap().iter().find(|a| a["kind"] == "training").unwrap();
            assert_eq!((&training["hours"], training.get("hours_figure")), (&json!(20), None), "{backend} {scope}");
            assert_eq!(
                all["person_times_figure"],
                json!({"approx": null, "upper": 50, "written": "20—50人次"}),
                "{backend} {scope}"
            );
            assert_eq!(d["money_total_figure"]["written"], "约40万元", "{backend} {scope}");
            assert_eq!(d["money"][0]["amount_figure"]["written"], "约40万元", "{backend} {scope}");
            assert_eq!(
                d["projects"]["investment_figure"],
                json!({"approx": null, "upper": 50_000_000, "written": "20—50万元"}),
                "{backend} {scope}"
            );
        }
    })
    .await;
}

/// Towns (乡镇/街道) load by themselves when a record or an import names one, or when asked; a region's indicator
/// values come with its children's sum apart, saying how many children it covers.
#[tokio::test]
async fn towns_load_when_named_and_a_regions_indicators_come_with_their_childrens_sum_apart() {
    for_each_backend(|store, backend| async move {
        let (c, _) = setup(&store).await;
        let (_, towns) = c.get("/api/v1/regions?parent_code=510683").await;
        assert_eq!(towns["items"].as_array().map(Vec::len), Some(0), "{backend}: {towns}");
        // an import row names the town after its county; the county's towns load with it, in the same write
        let csv = "名称,单位类型,所在区划\n九龙镇卫生院,医院,绵竹市九龙镇\n";
        let (s, v, _) = c
            .send(
                Method::POST,
                "/api/v1/imports/orgs?file_name=orgs.csv",
                Some(csv.as_bytes().to_vec()),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        assert_eq!(v["created"], 1, "{backend}: {v}");
        let (_, orgs) = c.get("/api/v1/orgs?name=九龙镇卫生院").await;
        assert_eq!(orgs["items"][0]["region_code"], "510683104", "{backend}: {orgs}");
        let (_, towns) = c.get("/api/v1/regions?parent_code=510683").await;
        let n = towns["items"].as_array().map(Vec::len).unwrap_or(0);
        assert!(n >= 10, "{backend}: {towns}");
        // asking again loads nothing; a prefecture is not a county
        let (s, v) = c.post("/api/v1/region_towns", json!({"county": "绵竹市"})).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        assert_eq!(
            (v["loaded"].as_i64(), v["items"].as_array().map(Vec::len)),
            (Some(0), Some(n)),
            "{backend}"
        );
        let (s, v) = c.post("/api/v1/region_towns", json!({"county": "德阳市"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {v}");
        assert_eq!(v["error"]["field"], "county", "{backend}: {v}");
        let (s, v) = c.post("/api/v1/region_towns", json!({})).await;
        assert_eq!(
            (s, v["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("county")),
            "{backend}: {v}"
        );
        // a bare town name shared by ten towns is refused in an import, naming the row and the cell
        let csv = "名称,单位类型,所在区划\n某卫生院,医院,九龙镇\n";
        let (_, v, _) = c
            .send(
                Method::POST,
                "/api/v1/imports/orgs?file_name=orgs.csv",
                Some(csv.as_bytes().to_vec()),
            )
            .await;
        assert_eq!(v["problems"][0]["row"], 2, "{backend}: {v}");
        assert!(
            v["problems"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("绵竹市九龙镇")),
            "{backend}: {v}"
        );

        // 九龙镇's households and 绵竹市's own: the county's value and its towns' sum are two figures
        let (_, ind) = c
            .post(
                "/api/v1/indicators",
                json!({"code": "households", "name": "户数", "unit": "户", "aggregation": "last"}),
            )
            .await;
        for (region, value) in [("510683104", "4729"), ("510683", "15万余")] {
            let (s, v) = c
                .post(
                    "/api/v1/indicator_values",
                    json!({"indicator_id": ind["id"], "region_code": region, "period": "2008", "value": value}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
        }
        let (s, v) = c.get("/api/v1/region_indicators?region=绵竹市").await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        let item = &v["items"][0];
        assert_eq!(item["recorded"]["value"], "150000余户", "{backend}: {v}");
        assert_eq!(item["summed"]["value"], "4729户", "{backend}: {v}");
        assert_eq!(item["summed"]["counted"], json!(["九龙镇"]), "{backend}: {v}");
        assert_eq!(
            (
                item["summed"]["children"].as_u64(),
                item["summed"]["complete"].as_bool()
            ),
            (Some(n as u64), Some(false)),
            "{backend}: {v}"
        );
        let (s, v) = c.get("/api/v1/region_indicators?region=没有这里").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{backend}: {v}");
    })
    .await;
}
