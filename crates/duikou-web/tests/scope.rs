//! Nobody writes outside their scope, each defect an outside tester found replayed through the HTTP API on SQLite
//! and PostgreSQL: the re-parent escape, an org its own parent or under its own child (by edit and by import),
//! document links on another's pairing, a program's document edited by an editor, a document's file replaced by a
//! page, a person without a home org edited by an editor.

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use duikou_domain::access::Role;
use duikou_store::testing::for_each_backend;
use duikou_store::testing::{create_id, user, PASSWORD};
use duikou_store::Store;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Client {
    app: Router,
    token: String,
}

impl Client {
    async fn as_user(app: &Router, name: &str) -> Client {
        let anon = Client {
            app: app.clone(),
            token: String::new(),
        };
        let (s, v, _) = anon
            .send(
                Method::POST,
                "/api/v1/auth/token",
                "application/json",
                json!({"username": name, "password": PASSWORD}).to_string().into_bytes(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{name}: {v}");
        Client {
            app: app.clone(),
            token: v["token"].as_str().expect("a token").to_string(),
        }
    }

    async fn send(
        &self,
        method: Method,
        uri: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, Value, HeaderMap) {
        let mut req = Request::builder().method(method).uri(uri);
        if !self.token.is_empty() {
            req = req.header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        }
        let req = req
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("a request");
        let resp = self.app.clone().oneshot(req).await.expect("an answer");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("a body").to_bytes();
        let v =
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, v, headers)
    }

    async fn json(&self, method: Method, uri: &str, body: Value) -> (StatusCode, Value) {
        let bytes = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        let (s, v, _) = self.send(method, uri, "application/json", bytes).await;
        (s, v)
    }
}

/// The refusal's message, which must be Chinese and contain `part`.
fn says(v: &Value, part: &str) -> bool {
    v["error"]["message"].as_str().is_some_and(|m| m.contains(part))
}

/// Two authorities, each with a program and a pairing, and a user of each role scoped to the first's side.
struct Fixture {
    store: Store,
    app: Router,
    authority: [i64; 2],
    supporter: [i64; 2],
    program: [i64; 2],
    pairing: [i64; 2],
}

async fn fixture(store: &Store) -> Fixture {
    let mut f = Fixture {
        store: store.clone(),
        app: duikou_web::app(duikou_web::AppState::new(store.clone())),
        authority: [0; 2],
        supporter: [0; 2],
        program: [0; 2],
        pairing: [0; 2],
    };
    for (i, side) in ["浙江", "江苏"].into_iter().enumerate() {
        f.authority[i] = create_id(
            store,
            "orgs",
            json!({"name": format!("{side}指挥部"), "kind": "command"}),
        )
        .await;
        f.supporter[i] = create_id(store, "orgs", json!({"name": format!("{side}中学"), "kind": "school"})).await;
        let receiver = create_id(
            store,
            "orgs",
            json!({"name": format!("{side}受援中学"), "kind": "school"}),
        )
        .await;
        f.program[i] = create_id(
            store,
            "programs",
            json!({"name": format!("{side}援疆"), "authority_org_id": f.authority[i]}),
        )
        .await;
        f.pairing[i] = create_id(
            store,
            "pairings",
            json!({"program_id": f.program[i], "supporter_org_id": f.supporter[i], "receiver_org_id": receiver,
                   "level": "school_school"}),
        )
        .await;
    }
    user(store, "admin", Role::Admin, vec![]).await;
    user(store, "coord", Role::Coordinator, vec![f.authority[0]]).await;
    user(store, "editor", Role::SupporterEditor, vec![f.supporter[0]]).await;
    f
}

#[tokio::test]
async fn a_scoped_coordinator_cannot_reparent_another_authority_s_org_into_its_scope() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let coord = Client::as_user(&f.app, "coord").await;
        // the escape: take the other authority under its own, then edit that authority's pairings
        let (s, v) = coord
            .json(
                Method::PATCH,
                &format!("/api/v1/orgs/{}", f.authority[1]),
                json!({"parent_id": f.authority[0]}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(says(&v, "不在您的权限范围内"), "{backend}: {v}");
        assert!(
            f.store.get("orgs", f.authority[1]).await.unwrap()["parent_id"].is_null(),
            "{backend}"
        );
        let (s, v) = coord
            .json(
                Method::PATCH,
                &format!("/api/v1/pairings/{}", f.pairing[1]),
                json!({"note": "越权修改"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        // nor give its own away, nor create an org under another's
        let (s, v) = coord
            .json(
                Method::PATCH,
                &format!("/api/v1/orgs/{}", f.authority[0]),
                json!({"parent_id": f.authority[1]}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(says(&v, "上级单位（parent_id）不在您的权限范围内"), "{backend}: {v}");
        let (s, v) = coord
            .json(
                Method::POST,
                "/api/v1/orgs",
                json!({"name": "江苏新学校", "kind": "school", "parent_id": f.authority[1]}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        // its own tree it arranges as it likes; other orgs' ordinary fields stay reference data it may correct
        let (s, v) = coord
            .json(
                Method::POST,
                "/api/v1/orgs",
                json!({"name": "浙江指挥部教育组", "kind": "agency", "parent_id": f.authority[0]}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
        let (s, v) = coord
            .json(
                Method::PATCH,
                &format!("/api/v1/orgs/{}", f.authority[1]),
                json!({"short_name": "江苏前指"}),
            )
            .await;
        // nor its plain fields: another authority's org is not its own (issue #21, part 2 follow-up)
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(says(&v, "不在您的权限范围内"), "{backend}: {v}");
    })
    .await;
}

#[tokio::test]
async fn an_org_is_neither_its_own_parent_nor_under_its_own_child() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let admin = Client::as_user(&f.app, "admin").await;
        let top = create_id(&store, "orgs", json!({"name": "某省", "kind": "government"})).await;
        let mid = create_id(
            &store,
            "orgs",
            json!({"name": "某市", "kind": "government", "parent_id": top}),
        )
        .await;
        let low = create_id(
            &store,
            "orgs",
            json!({"name": "某县", "kind": "government", "parent_id": mid}),
        )
        .await;
        for (parent, why) in [(top, "就是本单位"), (mid, "在本单位之下"), (low, "在本单位之下")] {
            let (s, v) = admin
                .json(
                    Method::PATCH,
                    &format!("/api/v1/orgs/{top}"),
                    json!({"parent_id": parent}),
                )
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {parent}: {v}");
            assert_eq!(v["error"]["field"], "parent_id", "{backend}: {v}");
            assert!(
                says(&v, "上级单位（parent_id）不能是本单位或其下级单位"),
                "{backend}: {v}"
            );
            assert!(says(&v, why), "{backend}: {v}");
        }
        assert!(
            store.get("orgs", top).await.unwrap()["parent_id"].is_null(),
            "{backend}"
        );
        // moving within the tree the right way round is fine
        let (s, v) = admin
            .json(Method::PATCH, &format!("/api/v1/orgs/{low}"), json!({"parent_id": top}))
            .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        // by import: the top org's row names its grandchild as its parent; nothing is written
        let csv = "名称,单位类型,上级单位\n某省,政府/部门,某县\n新乡,政府/部门,某县\n";
        let (s, v, _) = admin
            .send(
                Method::POST,
                "/api/v1/imports/orgs?file_name=orgs.csv",
                "text/csv",
                csv.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        let problems = v["problems"].as_array().cloned().unwrap_or_default();
        assert_eq!(problems.len(), 1, "{backend}: {v}");
        assert_eq!(problems[0]["row"], 2, "{backend}: {v}");
        assert!(
            problems[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("不能是本单位或其下级单位")),
            "{backend}: {v}"
        );
        assert!(
            store.get("orgs", top).await.unwrap()["parent_id"].is_null(),
            "{backend}"
        );
        let (_, list) = admin.json(Method::GET, "/api/v1/orgs?name=新乡", Value::Null).await;
        assert_eq!(list["total"], 0, "{backend}: nothing partial: {list}");
    })
    .await;
}

#[tokio::test]
async fn document_links_need_both_ends_in_the_editor_s_scope() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let editor = Client::as_user(&f.app, "editor").await;
        let mut doc = [0; 2];
        let mut activity = [0; 2];
        for i in 0..2 {
            doc[i] = create_id(
                &store,
                "documents",
                json!({"kind": "briefing", "title": format!("简报{i}"), "pairing_id": f.pairing[i]}),
            )
            .await;
            activity[i] = create_id(
                &store,
                "activities",
                json!({"pairing_id": f.pairing[i], "kind": "training", "title": format!("培训{i}"),
                       "start_date": "2015-03-01"}),
            )
            .await;
        }
        let link = |d: i64, a: i64| json!({"document_id": d, "entity": "activities", "entity_id": a});
        // its own document onto another pairing's activity, and another's document onto its own
        for (d, a) in [(doc[0], activity[1]), (doc[1], activity[0])] {
            let (s, v) = editor.json(Method::POST, "/api/v1/document_links", link(d, a)).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
            assert!(says(&v, "不能建立或删除文档关联"), "{backend}: {v}");
        }
        // another pairing's link stays
        let theirs = create_id(&store, "document_links", link(doc[1], activity[1])).await;
        let (s, v) = editor
            .json(Method::DELETE, &format!("/api/v1/document_links/{theirs}"), Value::Null)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(store.get("document_links", theirs).await.is_ok(), "{backend}");
        // within its own pairing it links and unlinks
        let (s, v) = editor
            .json(Method::POST, "/api/v1/document_links", link(doc[0], activity[0]))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
        let (s, v) = editor
            .json(
                Method::DELETE,
                &format!("/api/v1/document_links/{}", v["id"]),
                Value::Null,
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{backend}: {v}");
    })
    .await;
}

#[tokio::test]
async fn a_program_s_document_is_its_coordinators_and_an_editor_may_not_touch_it() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let editor = Client::as_user(&f.app, "editor").await;
        let coord = Client::as_user(&f.app, "coord").await;
        let doc = create_id(
            &store,
            "documents",
            json!({"kind": "plan", "title": "援疆工作实施方案", "program_id": f.program[0]}),
        )
        .await;
        let uri = format!("/api/v1/documents/{doc}");
        let (s, v) = editor.json(Method::PATCH, &uri, json!({"title": "改掉的标题"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(says(&v, "没有所属结对的文档"), "{backend}: {v}");
        let (s, v) = editor.json(Method::DELETE, &uri, Value::Null).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        let (s, v, _) = editor
            .send(
                Method::PUT,
                &format!("{uri}/content"),
                "application/pdf",
                b"%PDF-1.4".to_vec(),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        // nor made into its own pairing's document, nor one of its pairing's filed under another program
        let (s, v) = editor
            .json(Method::PATCH, &uri, json!({"pairing_id": f.pairing[0]}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        let (s, v) = editor
            .json(
                Method::POST,
                "/api/v1/documents",
                json!({"kind": "briefing", "title": "简报", "pairing_id": f.pairing[0], "program_id": f.program[1]}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {v}");
        assert_eq!(v["error"]["field"], "program_id", "{backend}: {v}");
        assert_eq!(
            store.get("documents", doc).await.unwrap()["title"],
            "援疆工作实施方案",
            "{backend}"
        );
        // the program's coordinator keeps it
        let (s, v) = coord
            .json(Method::PATCH, &uri, json!({"title": "援疆工作实施方案（修订）"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
    })
    .await;
}

#[tokio::test]
async fn a_document_s_file_is_never_replaced_by_a_page_and_downloads_are_attachments() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let admin = Client::as_user(&f.app, "admin").await;
        let doc = create_id(
            &store,
            "documents",
            json!({"kind": "plan", "title": "实施方案", "program_id": f.program[0], "file_name": "方案.pdf"}),
        )
        .await;
        let content = format!("/api/v1/documents/{doc}/content");
        let (s, v, _) = admin
            .send(Method::PUT, &content, "application/pdf", b"%PDF-1.4 plan".to_vec())
            .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        for active in [
            "text/html",
            "TEXT/HTML; charset=utf-8",
            "application/xhtml+xml",
            "image/svg+xml",
            "text/javascript",
            "application/xml",
        ] {
            let (s, v, _) = admin
                .send(Method::PUT, &content, active, b"<script>alert(1)</script>".to_vec())
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {active}: {v}");
            assert_eq!(v["error"]["field"], "content_type", "{backend}: {v}");
            assert!(says(&v, "不能作为文档上传"), "{backend}: {v}");
        }
        let (s, body, headers) = admin.send(Method::GET, &content, "application/json", Vec::new()).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert_eq!(body, Value::String("%PDF-1.4 plan".into()), "{backend}: the file stays");
        assert_eq!(headers[header::CONTENT_TYPE], "application/pdf", "{backend}");
        assert!(
            headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment"),
            "{backend}"
        );
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{backend}");
        // a page stored before uploads were checked is served as bytes to save, never as a page
        store
            .db()
            .execute(
                "UPDATE documents SET content_type = 'text/html' WHERE id = $1",
                &[duikou_store::db::Arg::Int(Some(doc))],
            )
            .await
            .unwrap();
        let (_, _, headers) = admin.send(Method::GET, &content, "application/json", Vec::new()).await;
        assert_eq!(headers[header::CONTENT_TYPE], "application/octet-stream", "{backend}");
        assert!(
            headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment"),
            "{backend}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_person_without_a_home_org_is_kept_by_admins_and_unscoped_coordinators_only() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let editor = Client::as_user(&f.app, "editor").await;
        let coord = Client::as_user(&f.app, "coord").await;
        let nobody_s = create_id(&store, "people", json!({"name": "张三"})).await;
        let uri = format!("/api/v1/people/{nobody_s}");
        let (s, v) = editor.json(Method::PATCH, &uri, json!({"title": "高级教师"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(says(&v, "没有派出单位（home_org_id）的人员"), "{backend}: {v}");
        let (s, v) = editor.json(Method::DELETE, &uri, Value::Null).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        // nor claimed by giving it the editor's own home org
        let (s, v) = editor
            .json(Method::PATCH, &uri, json!({"home_org_id": f.supporter[0]}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        let (s, v) = editor
            .json(Method::POST, "/api/v1/people", json!({"name": "李四"}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(
            store.get("people", nobody_s).await.unwrap()["title"].is_null(),
            "{backend}"
        );
        // another org's person is not the editor's either; its own org's is
        let theirs = create_id(&store, "people", json!({"name": "王五", "home_org_id": f.supporter[1]})).await;
        let (s, v) = editor
            .json(
                Method::PATCH,
                &format!("/api/v1/people/{theirs}"),
                json!({"title": "教师"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        let (s, v) = editor
            .json(
                Method::POST,
                "/api/v1/people",
                json!({"name": "赵六", "home_org_id": f.supporter[0]}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
        // someone of no home org is in no coordinator's scope: only unscoped coordinators and admins keep them
        let (s, v) = coord.json(Method::PATCH, &uri, json!({"title": "高级教师"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(says(&v, "不限单位范围的协调管理人员"), "{backend}: {v}");
        user(&store, "coord_all", Role::Coordinator, vec![]).await;
        let coord_all = Client::as_user(&f.app, "coord_all").await;
        let (s, v) = coord_all.json(Method::PATCH, &uri, json!({"title": "高级教师"})).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
    })
    .await;
}

#[tokio::test]
async fn an_editor_still_stages_an_import_file_though_documents_of_no_pairing_are_not_its_own() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let client = Client::as_user(&f.app, "editor").await;
        let (_, me) = client.json(Method::GET, "/api/v1/auth/me", Value::Null).await;
        let editor = store
            .actor(me["user_id"].as_i64().expect("the editor's id"))
            .await
            .unwrap()
            .expect("the editor");
        let staged = store
            .stage_import_file(&editor, "活动.csv", "标题\n培训\n".as_bytes())
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e:?}"));
        let (meta, bytes) = store.document_content(staged).await.unwrap();
        assert_eq!(bytes, "标题\n培训\n".as_bytes(), "{backend}");
        assert!(
            meta["pairing_id"].is_null() && meta["program_id"].is_null(),
            "{backend}: {meta}"
        );
        // staged, it is no more the editor's to change than any document of no pairing
        let (s, v) = client
            .json(Method::DELETE, &format!("/api/v1/documents/{staged}"), Value::Null)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        let reader = user(&store, "reader", Role::Viewer, vec![]).await;
        assert!(
            store.stage_import_file(&reader, "x.csv", b"a").await.is_err(),
            "{backend}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_pairing_is_neither_its_own_parent_nor_under_its_own_child() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let coord = Client::as_user(&f.app, "coord").await;
        let top = f.pairing[0];
        let mut below = Vec::new();
        let mut parent = top;
        for name in ["市级", "县级"] {
            let supporter = create_id(&store, "orgs", json!({"name": format!("{name}支援单位"), "kind": "school"})).await;
            let receiver = create_id(&store, "orgs", json!({"name": format!("{name}受援单位"), "kind": "school"})).await;
            let (s, v) = coord
                .json(
                    Method::POST,
                    "/api/v1/pairings",
                    json!({"program_id": f.program[0], "supporter_org_id": supporter, "receiver_org_id": receiver,
                           "level": "school_school", "parent_id": parent}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
            parent = v["id"].as_i64().expect("an id");
            below.push((parent, supporter, receiver));
        }
        let (mid, low) = (below[0].0, below[1].0);
        for (parent, why) in [(top, "就是本结对"), (mid, "在本结对之下"), (low, "在本结对之下")] {
            let (s, v) = coord
                .json(Method::PATCH, &format!("/api/v1/pairings/{top}"), json!({"parent_id": parent}))
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {v}");
            assert_eq!(v["error"]["field"], "parent_id", "{backend}: {v}");
            assert!(says(&v, "上级结对（parent_id）不能是本结对或其下级结对"), "{backend}: {v}");
            assert!(says(&v, why), "{backend}: {v}");
        }
        assert!(store.get("pairings", top).await.unwrap()["parent_id"].is_null(), "{backend}");
        // by import: the middle pairing's row names its child as its parent; nothing is written
        let (_, supporter, receiver) = below[0];
        let csv = format!(
            "program_id,supporter_org_id,receiver_org_id,level,parent_id\n{},{supporter},{receiver},school_school,{low}\n",
            f.program[0]
        );
        let (s, v, _) = coord
            .send(
                Method::POST,
                "/api/v1/imports/pairings?file_name=pairings.csv",
                "text/csv",
                csv.into_bytes(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        let problems = v["problems"].as_array().cloned().unwrap_or_default();
        assert_eq!(problems.len(), 1, "{backend}: {v}");
        assert_eq!(problems[0]["row"], 2, "{backend}: {v}");
        assert!(
            problems[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("上级结对（parent_id）不能是本结对或其下级结对")),
            "{backend}: {v}"
        );
        assert_eq!(store.get("pairings", mid).await.unwrap()["parent_id"], top, "{backend}");
        // the right way round is fine
        let (s, v) = coord
            .json(Method::PATCH, &format!("/api/v1/pairings/{low}"), json!({"parent_id": top}))
            .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
    })
    .await;
}

#[tokio::test]
async fn a_scoped_coordinator_keeps_only_the_orgs_people_and_figures_of_its_scope() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let coord = Client::as_user(&f.app, "coord").await;
        let own = create_id(
            &store,
            "orgs",
            json!({"name": "浙江指挥部教育组", "kind": "agency", "parent_id": f.authority[0]}),
        )
        .await;
        let theirs = f.authority[1];
        let indicator = create_id(
            &store,
            "indicators",
            json!({"code": "T1", "name": "入学率", "unit": "%"}),
        )
        .await;
        // another authority's org: no edit of its plain fields, no delete
        let (s, v) = coord
            .json(
                Method::PATCH,
                &format!("/api/v1/orgs/{theirs}"),
                json!({"short_name": "苏指"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(says(&v, "不在您的权限范围内"), "{backend}: {v}");
        let spare = create_id(&store, "orgs", json!({"name": "江苏空单位", "kind": "school"})).await;
        let (s, v) = coord
            .json(Method::DELETE, &format!("/api/v1/orgs/{spare}"), Value::Null)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        // a top-level org is nobody's scope
        let (s, v) = coord
            .json(
                Method::POST,
                "/api/v1/orgs",
                json!({"name": "新顶层单位", "kind": "school"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(says(&v, "上级单位 parent_id"), "{backend}: {v}");
        // regions and indicators likewise
        let (s, v) = coord
            .json(
                Method::POST,
                "/api/v1/regions",
                json!({"code": "990001", "name": "测试县", "level": "county"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(says(&v, "不限单位范围的协调管理人员"), "{backend}: {v}");
        // people and indicator values of another's org
        let person = create_id(&store, "people", json!({"name": "张三", "home_org_id": theirs})).await;
        let (s, v) = coord
            .json(
                Method::PATCH,
                &format!("/api/v1/people/{person}"),
                json!({"name": "李四"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        assert!(says(&v, "派出单位（home_org_id）"), "{backend}: {v}");
        let (s, v) = coord
            .json(
                Method::POST,
                "/api/v1/indicator_values",
                json!({"indicator_id": indicator, "org_id": theirs, "period": "2015", "value": "1"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {v}");
        // its own: all fine, and another's org may still be named (a pairing's receiver)
        let (s, v) = coord
            .json(
                Method::PATCH,
                &format!("/api/v1/orgs/{own}"),
                json!({"short_name": "教育组"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        let (s, v) = coord
            .json(
                Method::POST,
                "/api/v1/indicator_values",
                json!({"indicator_id": indicator, "org_id": own, "period": "2015", "value": "1"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
        let (s, v) = coord
            .json(
                Method::POST,
                "/api/v1/pairings",
                json!({"program_id": f.program[0], "supporter_org_id": own, "receiver_org_id": theirs,
                       "level": "school_school"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{backend}: {v}");
        assert_eq!(
            store.get("orgs", theirs).await.unwrap()["short_name"],
            Value::Null,
            "{backend}"
        );
    })
    .await;
}
