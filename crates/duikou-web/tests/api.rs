//! The JSON API through the router in-process, on SQLite and on PostgreSQL: auth, CSRF, bad input answered in
//! Chinese with the field, and the OpenAPI document matching the routes.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use duikou_domain::access::Role;
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

async fn for_each_backend<F, Fut>(f: F)
where
    F: Fn(Store, &'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for t in TestStore::all().await.expect("test stores") {
        f(t.store.clone(), t.backend).await;
        t.finish().await.expect("cleanup");
    }
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
    let mut checked = 0;
    for (path, ops) in paths {
        for (method, _) in ops.as_object().unwrap() {
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
