//! The forms' search-as-you-type pickers over HTTP, on SQLite and PostgreSQL: `GET /api/v1/pick/{kind}` answers
//! names (never beyond the caller's scope) to a browser session and to a token alike; bad parameters are named in
//! Chinese; a form marks its reference and region fields for the picker, names their current value, loads the one
//! script under a policy that allows only this site's scripts, and still takes a typed place name without script.

use axum::http::StatusCode;
use duikou_domain::access::Role;
use duikou_store::testing::{create_id, for_each_backend, user};
use serde_json::{json, Value};

mod common;
use common::send;

async fn login(app: &axum::Router, name: &str) -> String {
    let page = send(app, "GET", "/login", "", None).await;
    let html = page.text();
    let token = common::value_of(&html, "csrf");
    let r = send(
        app,
        "POST",
        "/login",
        &page.cookies.join("; "),
        Some(format!("username={name}&password=password-123&csrf={token}&next=%2F")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}: {}", r.text());
    r.cookies
        .into_iter()
        .find(|c| c.starts_with("duikou_session="))
        .expect("a session")
}

async fn pick(app: &axum::Router, session: &str, uri: &str) -> (StatusCode, Value) {
    let r = send(app, "GET", uri, session, None).await;
    let v = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

fn names(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .map(|a| a.iter().map(|i| i["name"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn pickers_answer_names_within_scope() {
    for_each_backend(|store, backend| async move {
        let authority = create_id(&store, "orgs", json!({"name": "某市教育局", "kind": "government"})).await;
        let a = create_id(&store, "orgs", json!({"name": "甲市第一中学", "kind": "school"})).await;
        let b = create_id(&store, "orgs", json!({"name": "乙市实验中学", "kind": "school"})).await;
        let r1 = create_id(&store, "orgs", json!({"name": "吐鲁番市第二中学", "kind": "school"})).await;
        let r2 = create_id(&store, "orgs", json!({"name": "哈密市第五中学", "kind": "school"})).await;
        let program = create_id(
            &store,
            "programs",
            json!({"name": "校对校结对帮扶", "authority_org_id": authority, "published": true,
                   "start_date": "2013-10-01", "end_date": "2016-08-31"}),
        )
        .await;
        let mut pairings = Vec::new();
        for (s, r) in [(a, r1), (b, r2)] {
            pairings.push(
                create_id(
                    &store,
                    "pairings",
                    json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r,
                           "level": "school_school", "start_date": "2013-10-01", "end_date": "2016-08-31"}),
                )
                .await,
            );
        }
        for (p, name) in [(pairings[0], "甲校援建实验楼"), (pairings[1], "乙校援建实验楼")] {
            create_id(
                &store,
                "projects",
                json!({"pairing_id": p, "name": name, "category": "education"}),
            )
            .await;
        }
        user(&store, "coord", Role::Coordinator, vec![]).await;
        user(&store, "clerk_a", Role::SupporterEditor, vec![a]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let coord = login(&app, "coord").await;
        let clerk = login(&app, "clerk_a").await;

        // a coordinator of everything sees both; the clerk of 甲 only its own, by any part of the names
        let (s, v) = pick(
            &app,
            &coord,
            "/api/v1/pick/projects?q=%E6%8F%B4%E5%BB%BA%E5%AE%9E%E9%AA%8C%E6%A5%BC",
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        assert_eq!(names(&v).len(), 2, "{backend}: {v}");
        let (_, v) = pick(
            &app,
            &clerk,
            "/api/v1/pick/projects?q=%E6%8F%B4%E5%BB%BA%E5%AE%9E%E9%AA%8C%E6%A5%BC",
        )
        .await;
        assert_eq!(names(&v), vec!["甲校援建实验楼"], "{backend}: {v}");
        assert_eq!(v["items"][0]["hint"], "甲市第一中学 → 吐鲁番市第二中学", "{backend}");
        let (_, v) = pick(&app, &clerk, "/api/v1/pick/orgs?q=%E4%B8%AD%E5%AD%A6").await; // 中学
        assert_eq!(names(&v), vec!["甲市第一中学", "吐鲁番市第二中学"], "{backend}: {v}");
        let (_, v) = pick(&app, &clerk, "/api/v1/pick/pairings?q=%E4%B9%99%E5%B8%82").await; // 乙市
        assert!(names(&v).is_empty(), "{backend}: never another's pairing: {v}");
        let (_, v) = pick(&app, &coord, "/api/v1/pick/pairings?q=%E4%B9%99%E5%B8%82").await;
        assert_eq!(names(&v), vec!["乙市实验中学 → 哈密市第五中学"], "{backend}: {v}");
        assert_eq!(v["items"][0]["hint"], "校对校结对帮扶", "{backend}");
        // the region tree: 吐鲁番 by name, with the province above it
        let (_, v) = pick(
            &app,
            &clerk,
            "/api/v1/pick/regions?q=%E5%90%90%E9%B2%81%E7%95%AA&limit=5",
        )
        .await;
        assert_eq!(v["items"][0]["value"], "650400", "{backend}: {v}");
        assert_eq!(v["items"][0]["hint"], "新疆维吾尔自治区", "{backend}: {v}");
        assert_eq!(v["partial"], false, "{backend}");

        // bad parameters, named; nobody signed in, refused
        let (s, v) = pick(&app, &clerk, "/api/v1/pick/users?q=a").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {v}");
        assert!(v.to_string().contains("users"), "{backend}: {v}");
        let (s, v) = pick(&app, &clerk, "/api/v1/pick/orgs?q=a&limit=500").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{backend}: {v}");
        assert!(v.to_string().contains("limit"), "{backend}: {v}");
        let (s, _) = pick(&app, "", "/api/v1/pick/orgs?q=%E4%B8%AD%E5%AD%A6").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{backend}");

        // a form: the pairing field of a coordinator's new project offers the picker, its script allowed
        let r = send(
            &app,
            "GET",
            &format!("/records/projects/new?pairing_id={}", pairings[1]),
            &coord,
            None,
        )
        .await;
        let html = r.text();
        assert_eq!(r.status, StatusCode::OK, "{backend}");
        assert!(html.contains("data-pick=\"pairings\""), "{backend}: {html}");
        assert!(
            html.contains("data-shown=\"乙市实验中学 → 哈密市第五中学\""),
            "{backend}: named, not numbered"
        );
        assert!(html.contains("data-pick=\"regions\""), "{backend}");
        assert!(
            html.contains("<script src=\"/assets/pick.js\" defer></script>"),
            "{backend}"
        );
        // without script the same field takes the pairing's name as the picker shows it; an unknown name is named
        let post = |pairing: &str| {
            let form = serde_urlencoded::to_string([
                ("_csrf", common::value_of(&html, "_csrf")),
                ("_token", common::value_of(&html, "_token")),
                ("version", String::new()),
                ("pairing_id", pairing.to_string()),
                ("name", "乙校新建食堂".to_string()),
                ("category", "education".to_string()),
            ])
            .unwrap();
            let (app, coord) = (app.clone(), coord.clone());
            async move { send(&app, "POST", "/records/projects/new", &coord, Some(form)).await }
        };
        let r = post("不存在的学校 → 哈密市第五中学").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(
            r.text().contains("找不到名为“不存在的学校 → 哈密市第五中学”的结对"),
            "{backend}: {}",
            r.text()
        );
        let r = post("乙市实验中学 → 哈密市第五中学").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        let made = store
            .list(
                "projects",
                &duikou_store::ListQuery {
                    filters: [("name".to_string(), "乙校新建食堂".to_string())].into(),
                    ..Default::default()
                },
            )
            .await
            .expect("list");
        assert_eq!(made.items[0]["pairing_id"], json!(pairings[1]), "{backend}");
        let script = send(&app, "GET", "/assets/pick.js", "", None).await;
        assert_eq!(script.status, StatusCode::OK, "{backend}");
        assert!(script.content_type.starts_with("text/javascript"), "{backend}");
        assert!(script.text().contains("/api/v1/pick/"), "{backend}");
    })
    .await;
}

/// A program and an agreement are chosen by name too (issue #19 item 1): an obligation's 计划 and 协议 are pickers, a
/// coordinator who leads a program finds it before it has any pairing, an editor finds only the programs and
/// agreements of its own pairings, and the form takes the name without script.
#[tokio::test]
async fn programs_and_agreements_are_picked_by_name() {
    for_each_backend(|store, backend| async move {
        let bureau = create_id(&store, "orgs", json!({"name": "某市教育局", "kind": "government"})).await;
        let other_bureau = create_id(&store, "orgs", json!({"name": "他市教育局", "kind": "government"})).await;
        let a = create_id(&store, "orgs", json!({"name": "甲市第一中学", "kind": "school"})).await;
        let r = create_id(&store, "orgs", json!({"name": "吐鲁番市第二中学", "kind": "school"})).await;
        let ours = create_id(
            &store,
            "programs",
            json!({"name": "校对校结对帮扶", "authority_org_id": bureau}),
        )
        .await;
        create_id(
            &store,
            "programs",
            json!({"name": "校对校新结对计划", "authority_org_id": bureau}),
        )
        .await;
        create_id(
            &store,
            "programs",
            json!({"name": "校对校他市计划", "authority_org_id": other_bureau}),
        )
        .await;
        let pairing = create_id(
            &store,
            "pairings",
            json!({"program_id": ours, "supporter_org_id": a, "receiver_org_id": r, "level": "school_school"}),
        )
        .await;
        create_id(
            &store,
            "agreements",
            json!({"pairing_id": pairing, "kind": "agreement", "title": "结对帮扶协议书（2014）"}),
        )
        .await;
        user(&store, "lead", Role::Coordinator, vec![bureau]).await;
        user(&store, "clerk", Role::SupporterEditor, vec![a]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (lead, clerk) = (login(&app, "lead").await, login(&app, "clerk").await);
        let q = |kind: &str, text: &str| format!("/api/v1/pick/{kind}?q={}", urlencode(text));

        let (s, v) = pick(&app, &lead, &q("programs", "校对校")).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        assert_eq!(
            names(&v),
            vec!["校对校结对帮扶", "校对校新结对计划"],
            "{backend}: led, not another's: {v}"
        );
        assert_eq!(v["items"][0]["hint"], "某市教育局", "{backend}");
        let (_, v) = pick(&app, &clerk, &q("programs", "校对校")).await;
        assert_eq!(
            names(&v),
            vec!["校对校结对帮扶"],
            "{backend}: the program of its own pairing: {v}"
        );
        let (_, v) = pick(&app, &clerk, &q("agreements", "帮扶协议")).await;
        assert_eq!(names(&v), vec!["结对帮扶协议书（2014）"], "{backend}: {v}");
        assert_eq!(v["items"][0]["hint"], "甲市第一中学 → 吐鲁番市第二中学", "{backend}");

        // the obligation form: 计划 is a picker, and its name (as the picker shows it) is taken without script
        let r = send(&app, "GET", "/records/obligations/new", &lead, None).await;
        let html = r.text();
        assert_eq!(r.status, StatusCode::OK, "{backend}");
        assert!(
            html.contains("name=\"program_id\" type=\"text\" value=\"\" data-pick=\"programs\""),
            "{backend}: {html}"
        );
        assert!(html.contains("data-pick=\"agreements\""), "{backend}");
        let r = send(
            &app,
            "GET",
            &format!("/records/obligations/new?program_id={ours}"),
            &lead,
            None,
        )
        .await;
        assert!(
            r.text().contains("data-shown=\"校对校结对帮扶\""),
            "{backend}: named, not numbered"
        );
    })
    .await;
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}
