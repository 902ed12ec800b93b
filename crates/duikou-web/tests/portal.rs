//! The public portal on SQLite and PostgreSQL: publication control (preview, publish, withhold, withdraw, history),
//! only confirmed facts in public figures (exact numbers), the public figure equal to the signed-in one, 404 alike
//! for unknown and unpublished, caching, the rate limit, and no private field anywhere public for the whole demo.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use duikou_domain::access::{Actor, Role};
use duikou_store::testing::{create_id, for_each_backend, user};
use duikou_store::Store;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    cookie: &str,
    form: Option<String>,
    extra: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let body = match form {
        Some(f) => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(f)
        }
        None => Body::empty(),
    };
    let resp = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let (parts, body) = resp.into_parts();
    (
        parts.status,
        parts.headers,
        body.collect().await.unwrap().to_bytes().to_vec(),
    )
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String) {
    let (s, _, b) = send(app, "GET", uri, "", None, &[]).await;
    (s, String::from_utf8_lossy(&b).to_string())
}

async fn get_json(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let (s, b) = get(app, uri).await;
    (s, serde_json::from_str(&b).unwrap_or(Value::Null))
}

fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    html[i..i + 32].to_string()
}

async fn login(app: &axum::Router, name: &str) -> String {
    let (_, h, page) = send(app, "GET", "/login", "", None, &[]).await;
    let page = String::from_utf8_lossy(&page).to_string();
    let cookies: Vec<String> = h
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect();
    let (s, h, _) = send(
        app,
        "POST",
        "/login",
        &cookies.join("; "),
        Some(format!(
            "username={name}&password=password-123&csrf={}&next=%2F",
            csrf_of(&page)
        )),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    h.get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("duikou_session="))
        .unwrap()
}

/// The page with its preview banner taken out.
fn without_banner(page: &str) -> String {
    let a = page.find(duikou_web::portal::PREVIEW_START).expect("a banner");
    let b = page.find(duikou_web::portal::PREVIEW_END).unwrap() + duikou_web::portal::PREVIEW_END.len();
    format!("{}{}", &page[..a], &page[b..])
}

struct World {
    program: i64,
    pairing: i64,
    receiver: Actor,
    coordinator: Actor,
}

/// A program (not yet published) with one pairing and facts in every confirmation state.
async fn world(store: &Store) -> World {
    let a = create_id(store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
    let b = create_id(store, "orgs", json!({"name": "石桥乡中心小学", "kind": "school"})).await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "校对校帮扶", "authority_org_id": a, "start_date": "2013-10-01", "end_date": "2016-08-31"}),
    )
    .await;
    let pairing = create_id(store, "pairings", json!({"program_id": program, "supporter_org_id": a, "receiver_org_id": b, "level": "school_school", "start_date": "2013-10-01", "end_date": "2016-08-31"})).await;
    let coordinator = user(store, "coord", Role::Coordinator, vec![a]).await;
    let receiver = user(store, "rec", Role::ReceiverEditor, vec![b]).await;
    World {
        program,
        pairing,
        receiver,
        coordinator,
    }
}

#[tokio::test]
async fn publishing_previews_then_shows_and_withdrawing_hides_with_only_confirmed_facts_counted() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let p = w.pairing;
        // facts: confirmed, pending and disputed of each kind
        let mut confirm = Vec::new();
        let mut dispute = Vec::new();
        let act = |pt: i64, title: &str| json!({"pairing_id": p, "kind": "training", "title": title, "start_date": "2014-10-10", "person_times": pt});
        confirm.push(("activities", create_id(&store, "activities", act(35, "全员培训")).await));
        create_id(&store, "activities", act(20, "骨干培训（待确认）")).await;
        dispute.push(("activities", create_id(&store, "activities", act(7, "送教（有异议）")).await));
        let teacher = create_id(&store, "people", json!({"name": "张三丰", "birth_year": 1980})).await;
        let other = create_id(&store, "people", json!({"name": "李四光", "birth_year": 1975})).await;
        confirm.push(("dispatches", create_id(&store, "dispatches", json!({"pairing_id": p, "person_id": teacher, "role": "teacher", "start_date": "2014-09-01"})).await));
        create_id(&store, "dispatches", json!({"pairing_id": p, "person_id": other, "role": "cadre", "start_date": "2014-09-01"})).await;
        let project = create_id(&store, "projects", json!({"pairing_id": p, "name": "教学楼", "category": "education", "started_on": "2014-03-01", "total_investment": "500万"})).await;
        confirm.push(("projects", project));
        create_id(&store, "projects", json!({"pairing_id": p, "name": "操场（待确认）", "category": "education"})).await;
        let tx = |amount: &str, date: &str| json!({"project_id": project, "kind": "disbursement", "source": "supporter", "amount": amount, "date": date});
        confirm.push(("transactions", create_id(&store, "transactions", tx("100万", "2014-05-01")).await));
        confirm.push(("transactions", create_id(&store, "transactions", tx("30万", "2015-05-01")).await));
        create_id(&store, "transactions", tx("50万", "2014-06-01")).await;
        dispute.push(("transactions", create_id(&store, "transactions", tx("9万", "2014-07-01")).await));
        for (e, id) in &confirm {
            store.set_confirmation(&w.receiver, e, *id, true, None).await.unwrap();
        }
        for (e, id) in &dispute {
            store.set_confirmation(&w.receiver, e, *id, false, Some("与实际不符")).await.unwrap();
        }
        let state = duikou_web::AppState::new(store.clone());
        let app = duikou_web::app(state.clone());

        // not published: 404, the same page as for an id that does not exist
        let (s, unpublished) = get(&app, &format!("/public/programs/{}", w.program)).await;
        let (s2, unknown) = get(&app, "/public/programs/987654").await;
        assert_eq!((s, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND), "{backend}");
        assert_eq!(unpublished, unknown, "{backend}");
        assert_eq!(get(&app, &format!("/public/pairings/{p}")).await.1, get(&app, "/public/pairings/987654").await.1);
        let (s, j1) = get(&app, &format!("/api/v1/public/programs/{}", w.program)).await;
        let (_, j2) = get(&app, "/api/v1/public/programs/987654").await;
        assert_eq!((s, &j1), (StatusCode::NOT_FOUND, &j2), "{backend}");
        let (_, home) = get(&app, "/").await;
        assert!(!home.contains("校对校帮扶") && home.contains("href=\"/login\">登录</a>"), "{home}");

        // the coordinator previews, then publishes
        let session = login(&app, "coord").await;
        let (s, _, page) = send(&app, "GET", &format!("/programs/{}/publication", w.program), &session, None, &[]).await;
        let page = String::from_utf8_lossy(&page).to_string();
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(page.contains("预览：公众将看到以下内容") && page.contains("尚未公开"), "{page}");
        let csrf = csrf_of(&page);
        let (s, _, _) = send(&app, "POST", &format!("/programs/{}/publication", w.program), &session, Some(format!("csrf=wrong{}&action=publish", &csrf[5..])), &[]).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: a wrong CSRF token publishes nothing");
        assert_eq!(get(&app, &format!("/public/programs/{}", w.program)).await.0, StatusCode::NOT_FOUND);
        let (s, h, _) = send(&app, "POST", &format!("/programs/{}/publication", w.program), &session, Some(format!("csrf={csrf}&action=publish")), &[]).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{backend}");
        assert_eq!(h[header::LOCATION], format!("/programs/{}/publication", w.program).as_str());

        // public now: the page is the preview without its banner
        let (s, h, public) = send(&app, "GET", &format!("/public/programs/{}", w.program), "", None, &[]).await;
        let public = String::from_utf8_lossy(&public).to_string();
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert_eq!(h[header::CACHE_CONTROL], "public, max-age=60");
        let etag = h[header::ETAG].to_str().unwrap().to_string();
        let (s, _, body) = send(&app, "GET", &format!("/public/programs/{}", w.program), "", None, &[("if-none-match", &etag)]).await;
        assert_eq!((s, body.len()), (StatusCode::NOT_MODIFIED, 0), "{backend}");
        let (_, _, preview) = send(&app, "GET", &format!("/programs/{}/publication", w.program), &session, None, &[]).await;
        let preview = String::from_utf8_lossy(&preview).to_string();
        assert!(preview.contains("撤回公开"), "{preview}");
        assert_eq!(without_banner(&preview), public, "{backend}: the preview is the public page");
        let (_, _, preview) = send(&app, "GET", &format!("/pairings/{p}/publication"), &session, None, &[]).await;
        let (_, pairing_page) = get(&app, &format!("/public/pairings/{p}")).await;
        assert_eq!(without_banner(&String::from_utf8_lossy(&preview)), pairing_page, "{backend}");
        assert!(public.contains("城关第一小学 → 石桥乡中心小学") && public.contains(&format!("href=\"/public/pairings/{p}\"")));
        let (_, home) = get(&app, "/").await;
        assert!(home.contains(&format!("href=\"/public/programs/{}\">校对校帮扶</a>", w.program)), "{home}");

        // only confirmed facts count: 1 training of 35 person-times, 1 teacher, 1 project, 130万 of which 100万 in 2014
        let (s, v) = get_json(&app, &format!("/api/v1/public/pairings/{p}")).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {v}");
        let f = &v["figures"];
        assert_eq!(
            (f["trainings"].as_i64(), f["training_person_times"].as_i64(), f["activities"].as_i64()),
            (Some(1), Some(35), Some(1)),
            "{backend}: {f}"
        );
        assert_eq!((f["persons"].as_i64(), f["projects"].as_i64(), f["projects_started"].as_i64()), (Some(1), Some(1), Some(1)));
        assert_eq!(f["persons_by_role"], json!([{"pairing_id": 0, "role": "teacher", "persons": 1}]));
        assert_eq!(f["total_investment"], "5000000.00");
        assert_eq!(f["money_by_source"], json!([{"year": 0, "kind": "disbursement", "source": "supporter", "amount": "1300000.00"}]));
        assert_eq!(
            f["money_by_year"],
            json!([
                {"year": 2014, "kind": "disbursement", "source": "supporter", "amount": "1000000.00"},
                {"year": 2015, "kind": "disbursement", "source": "supporter", "amount": "300000.00"}
            ])
        );
        assert_eq!(v["facts"]["transactions"].as_array().map(Vec::len), Some(2));
        // the page's money chart: the confirmed disbursements by year (万元), the pending 50万 and disputed 9万 not in it
        let view = store.public_pairing(p).await.unwrap().unwrap();
        let chart = duikou_web::portal::money_chart(&view.figures).unwrap();
        assert_eq!(chart.categories, ["2014年", "2015年"], "{backend}");
        assert_eq!(chart.series.len(), 1, "{backend}");
        assert_eq!(chart.series[0].values, [100.0, 30.0], "{backend}");
        assert!(chart.title.starts_with("资金按年度和来源"), "{}", chart.title);
        let (_, page) = get(&app, &format!("/public/pairings/{p}")).await;
        assert!(page.contains(&duikou_report::svg(&chart)), "{backend}: the chart on the page");
        assert_eq!(v["note"], Value::Null);
        let (_, prog) = get_json(&app, &format!("/api/v1/public/programs/{}", w.program)).await;
        assert_eq!(prog["figures"], v["figures"], "{backend}: one pairing, the same figures");
        assert_eq!(prog["program"]["public_pairings"], 1);
        for text in [&public, &pairing_page] {
            for private in ["张三丰", "李四光", "待确认）", "有异议）", "与实际不符", "coord"] {
                assert!(!text.contains(private), "{backend}: {private} in a public page");
            }
        }
        assert!(pairing_page.contains("全员培训") && pairing_page.contains("35"));

        // CSV and xlsx of the same facts
        let (s, h, csv) = send(&app, "GET", &format!("/api/v1/public/pairings/{p}/facts.csv"), "", None, &[]).await;
        let csv = String::from_utf8(csv).unwrap();
        assert_eq!(s, StatusCode::OK);
        assert!(h[header::CONTENT_DISPOSITION].to_str().unwrap().contains("attachment"));
        assert_eq!(csv.lines().filter(|l| l.starts_with("资金往来,")).count(), 2, "{csv}");
        assert!(csv.contains("援派人数,城关第一小学 → 石桥乡中心小学,支教教师,,,,,1,人"), "{csv}");
        let (s, _, xlsx) = send(&app, "GET", &format!("/api/v1/public/programs/{}/facts.xlsx", w.program), "", None, &[]).await;
        assert_eq!(s, StatusCode::OK);
        let sheet = read_sheet(&xlsx, "资金往来");
        assert_eq!(sheet.len(), 2, "{sheet:?}");

        // the publication is in the program's history, in words
        assert_eq!(store.audit_for("programs", w.program).await.unwrap().last().unwrap().action, "publish");
        let (_, _, record) = send(&app, "GET", &format!("/records/programs/{}", w.program), &session, None, &[]).await;
        let record = String::from_utf8_lossy(&record).to_string();
        assert!(record.contains("<td>公开</td>") || record.contains(">公开<"), "{backend}: {record}");

        // the pairing withheld: gone from the portal, the program counts no pairing and no fact
        let (_, _, page) = send(&app, "GET", &format!("/pairings/{p}/publication"), &session, None, &[]).await;
        let csrf = csrf_of(&String::from_utf8_lossy(&page));
        let (s, _, _) = send(&app, "POST", &format!("/pairings/{p}/publication"), &session, Some(format!("csrf={csrf}&action=withdraw")), &[]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(store.audit_for("pairings", p).await.unwrap().last().unwrap().action, "withdraw");
        assert_eq!(get(&app, &format!("/public/pairings/{p}")).await.0, StatusCode::NOT_FOUND);
        let (_, prog) = get_json(&app, &format!("/api/v1/public/programs/{}", w.program)).await;
        assert_eq!((prog["program"]["public_pairings"].as_i64(), prog["figures"]["persons"].as_i64()), (Some(0), Some(0)));
        assert_eq!(prog["note"], duikou_web::portal::EMPTY_NOTE, "{backend}: an empty scope says why");
        let (_, csv) = get(&app, &format!("/api/v1/public/programs/{}/facts.csv", w.program)).await;
        assert_eq!(csv.lines().count(), 2, "{backend}: a header and a note: {csv}");
        assert!(csv.contains("暂无已确认的公开事实"));
        let (s, _, xlsx) = send(&app, "GET", &format!("/api/v1/public/programs/{}/facts.xlsx", w.program), "", None, &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert!(format!("{:?}", read_sheet(&xlsx, "说明")).contains("暂无已确认的公开事实"));
        assert!(read_sheet(&xlsx, "活动").is_empty());

        // the program withdrawn: 404 again, like an unknown one
        let (_, _, page) = send(&app, "GET", &format!("/programs/{}/publication", w.program), &session, None, &[]).await;
        let csrf = csrf_of(&String::from_utf8_lossy(&page));
        send(&app, "POST", &format!("/programs/{}/publication", w.program), &session, Some(format!("csrf={csrf}&action=withdraw")), &[]).await;
        let (s, page) = get(&app, &format!("/public/programs/{}", w.program)).await;
        assert_eq!((s, page), (StatusCode::NOT_FOUND, unknown), "{backend}");

        // a receiver's editor may not publish
        let rec = login(&app, "rec").await;
        let (_, _, page) = send(&app, "GET", &format!("/programs/{}/publication", w.program), &rec, None, &[]).await;
        let csrf = csrf_of(&String::from_utf8_lossy(&page));
        let (s, _, _) = send(&app, "POST", &format!("/programs/{}/publication", w.program), &rec, Some(format!("csrf={csrf}&action=publish")), &[]).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}");
        assert_eq!(get(&app, &format!("/public/programs/{}", w.program)).await.0, StatusCode::NOT_FOUND);

        // published another way (the API's PATCH, an edit form, an import all write through `update`): still a
        // publication in the history, and so is a pairing shown again; an edit that does not publish stays 修改
        let coord = w.coordinator.clone();
        let last = |e: &'static str, id: i64| {
            let store = store.clone();
            async move { store.audit_for(e, id).await.unwrap().last().unwrap().action.clone() }
        };
        store.update(&coord, "programs", w.program, &json!({"published": true})).await.unwrap();
        assert_eq!(last("programs", w.program).await, "publish", "{backend}");
        store.update(&coord, "pairings", p, &json!({"withheld": false})).await.unwrap();
        assert_eq!(last("pairings", p).await, "publish", "{backend}");
        assert_eq!(get(&app, &format!("/public/pairings/{p}")).await.0, StatusCode::OK);
        store.update(&coord, "programs", w.program, &json!({"name": "校对校帮扶计划"})).await.unwrap();
        assert_eq!(last("programs", w.program).await, "update", "{backend}");
        store.update(&coord, "programs", w.program, &json!({"published": false})).await.unwrap();
        assert_eq!(last("programs", w.program).await, "withdraw", "{backend}");
    })
    .await;
}

fn read_sheet(xlsx: &[u8], name: &str) -> Vec<String> {
    let t = duikou_report::read_table_with(
        xlsx,
        "x.xlsx",
        &duikou_report::ReadOptions {
            sheet: Some(name.into()),
            expected_headers: vec![],
        },
    )
    .unwrap();
    t.rows.iter().map(|r| format!("{r:?}")).collect()
}

fn card(page: &str, label: &str) -> String {
    let i = page
        .find(&format!("<span class=\"muted\">{label}</span><b>"))
        .unwrap_or_else(|| panic!("{label}"));
    let rest = &page[i + label.len() + 30..];
    rest[..rest.find("</b>").unwrap()].to_string()
}

#[tokio::test]
async fn the_public_figure_is_the_signed_in_figure_when_all_is_confirmed() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let p = w.pairing;
        let mut ids = Vec::new();
        for (pt, day) in [(35, "2014-10-10"), (48, "2015-03-02")] {
            ids.push(("activities", create_id(&store, "activities", json!({"pairing_id": p, "kind": "training", "title": "培训", "start_date": day, "person_times": pt})).await));
        }
        for (name, role) in [("甲老师", "teacher"), ("乙老师", "teacher"), ("丙干部", "cadre")] {
            let person = create_id(&store, "people", json!({"name": name})).await;
            ids.push(("dispatches", create_id(&store, "dispatches", json!({"pairing_id": p, "person_id": person, "role": role})).await));
        }
        for name in ["教学楼", "食堂"] {
            ids.push(("projects", create_id(&store, "projects", json!({"pairing_id": p, "name": name, "category": "education"})).await));
        }
        for (e, id) in &ids {
            store.set_confirmation(&w.receiver, e, *id, true, None).await.unwrap();
        }
        store.set_public(&Actor::system(), "programs", w.program, true).await.unwrap();
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let session = login(&app, "coord").await;
        let (_, _, page) = send(&app, "GET", &format!("/pairings/{p}"), &session, None, &[]).await;
        let page = String::from_utf8_lossy(&page).to_string();
        let (_, v) = get_json(&app, &format!("/api/v1/public/pairings/{p}")).await;
        let f = &v["figures"];
        // the signed-in cards write figures with their unit ("83人次", "3 名"); the same number either way
        let bare = |s: String| s.replace(' ', "");
        assert_eq!(bare(card(&page, "援派人员")), format!("{}名", f["persons"]), "{backend}");
        assert_eq!(bare(card(&page, "培训")), format!("{}人次", f["training_person_times"]), "{backend}");
        assert_eq!(bare(card(&page, "援建项目")), format!("{}个", f["projects"]), "{backend}");
        assert_eq!((f["persons"].as_i64(), f["training_person_times"].as_i64(), f["projects"].as_i64()), (Some(3), Some(83), Some(2)));
    })
    .await;
}

#[tokio::test]
async fn the_public_api_is_rate_limited_per_address() {
    for_each_backend(|store, backend| async move {
        let state = duikou_web::AppState {
            public_limit: std::sync::Arc::new(duikou_web::portal::RateLimit::new(3, 0.01)),
            ..duikou_web::AppState::new(store.clone())
        };
        let app = duikou_web::app(state);
        for _ in 0..3 {
            assert_eq!(
                get(&app, "/api/v1/public/programs").await.0,
                StatusCode::OK,
                "{backend}"
            );
        }
        let (s, h, body) = send(&app, "GET", "/api/v1/public/programs", "", None, &[]).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{backend}");
        assert_eq!(h[header::RETRY_AFTER], "100");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["message"], "请求过于频繁，请 100 秒后再试");
        // the portal's pages are not the API: still served
        assert_eq!(get(&app, "/").await.0, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn no_private_field_of_the_demo_is_ever_public() {
    for_each_backend(|store, backend| async move {
        duikou_demo::load(&store).await.unwrap();
        // what must never be public: people's names, users, appraisal comments, dispute reasons, participants
        let mut private: Vec<String> = Vec::new();
        let every = |e: &'static str| {
            let store = store.clone();
            async move { store.list_every(e, &Default::default()).await.unwrap() }
        };
        for p in every("people").await {
            private.push(p["name"].as_str().unwrap().to_string());
        }
        for a in every("appraisals").await {
            private.extend(a["comment"].as_str().map(str::to_string));
        }
        for a in every("activities").await {
            private.extend(a["participants"].as_str().map(str::to_string));
            private.extend(a["dispute_reason"].as_str().map(str::to_string));
        }
        for u in store.list_users(&Actor::system()).await.unwrap() {
            private.push(u.display_name.clone());
        }
        private.retain(|s| s.chars().count() >= 2);
        assert!(private.len() > 10, "{backend}: the demo has people: {private:?}");
        let state = duikou_web::AppState {
            public_limit: std::sync::Arc::new(duikou_web::portal::RateLimit::new(1_000_000, 1000.0)),
            ..duikou_web::AppState::new(store.clone())
        };
        let app = duikou_web::app(state);
        let (s, list) = get_json(&app, "/api/v1/public/programs").await;
        assert_eq!(s, StatusCode::OK);
        let programs: Vec<i64> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        assert!(programs.len() >= 3, "{backend}: {list}");
        let mut uris = vec!["/".to_string(), "/api/v1/public/programs".to_string()];
        let mut pairings = 0;
        let mut funds_seen = 0i64;
        for id in &programs {
            uris.push(format!("/public/programs/{id}"));
            uris.push(format!("/api/v1/public/programs/{id}"));
            uris.push(format!("/api/v1/public/programs/{id}/facts.csv"));
            let (_, v) = get_json(&app, &format!("/api/v1/public/programs/{id}")).await;
            // a program's figures (counted by the database) are its public pairings' (counted by pairing_totals)
            let additive = [
                "projects",
                "projects_started",
                "projects_completed",
                "activities",
                "trainings",
                "training_person_times",
                "plans",
            ];
            let mut sums = [0i64; 7];
            // a total a plan leaves unknown is null in a pairing and then in the program
            let fen = |v: &Value| v.as_str().map(|m| m.parse::<duikou_domain::Money>().unwrap().fen());
            let mut investment = Some(0i64);
            let mut funds = 0i64;
            let mut known = 0i64;
            let mut left_out: Vec<Value> = Vec::new();
            for p in v["pairings"].as_array().unwrap() {
                let (_, pv) = get_json(&app, &format!("/api/v1/public/pairings/{}", p["id"])).await;
                for (s, k) in sums.iter_mut().zip(additive) {
                    *s += pv["figures"][k].as_i64().unwrap();
                }
                investment = investment
                    .zip(fen(&pv["figures"]["total_investment"]))
                    .map(|(a, b)| a + b);
                funds += fen(&pv["figures"]["funds"]).unwrap();
                known += fen(&pv["figures"]["total_investment_known"]).unwrap();
                left_out.extend(
                    pv["figures"]["total_investment_left_out"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .cloned(),
                );
            }
            let program_sums: Vec<i64> = additive.iter().map(|k| v["figures"][k].as_i64().unwrap()).collect();
            assert_eq!(sums.to_vec(), program_sums, "{backend}: program {id}");
            assert_eq!(
                fen(&v["figures"]["total_investment"]),
                investment,
                "{backend}: program {id}"
            );
            // the known part and the plans it leaves out, too
            assert_eq!(
                fen(&v["figures"]["total_investment_known"]),
                Some(known),
                "{backend}: program {id}"
            );
            let mut program_left_out = v["figures"]["total_investment_left_out"].as_array().unwrap().clone();
            let by_name = |a: &Value, b: &Value| a.as_str().cmp(&b.as_str());
            program_left_out.sort_by(by_name);
            left_out.sort_by(by_name);
            assert_eq!(program_left_out, left_out, "{backend}: program {id}");
            if investment.is_some() {
                assert_eq!(
                    investment,
                    Some(known),
                    "{backend}: program {id}: a whole total is all known"
                );
            }
            assert_eq!(
                fen(&v["figures"]["funds"]),
                Some(funds),
                "{backend}: program {id}: 项目外资金"
            );
            funds_seen += funds;
            for p in v["pairings"].as_array().unwrap() {
                pairings += 1;
                let pid = p["id"].as_i64().unwrap();
                uris.push(format!("/public/pairings/{pid}"));
                uris.push(format!("/api/v1/public/pairings/{pid}"));
                uris.push(format!("/api/v1/public/pairings/{pid}/facts.csv"));
            }
        }
        assert!(pairings > 5, "{backend}");
        // the demo's research funds and sports lottery fund (项目外资金) count in the figures of their public programs
        assert!(
            funds_seen > 0,
            "{backend}: no public program counts its money outside projects"
        );
        let mut texts = Vec::new();
        for uri in &uris {
            let (s, text) = get(&app, uri).await;
            assert_eq!(s, StatusCode::OK, "{backend}: {uri}");
            texts.push((uri.clone(), text));
        }
        for id in &programs {
            let uri = format!("/api/v1/public/programs/{id}/facts.xlsx");
            let (s, _, xlsx) = send(&app, "GET", &uri, "", None, &[]).await;
            assert_eq!(s, StatusCode::OK);
            for sheet in [
                "说明",
                "活动",
                "援建项目",
                "援建计划和批次",
                "资金往来",
                "建设内容",
                "援派人数",
                "指标前后对比",
            ] {
                texts.push((format!("{uri} {sheet}"), read_sheet(&xlsx, sheet).join("\n")));
            }
        }
        // the demo's confirmed plans are public facts: 浙江's five years (50.56亿) in its program's download
        assert!(
            texts.iter().any(|(uri, t)| uri.ends_with("援建计划和批次")
                && t.contains("2010—2014年公共设施援疆项目")
                && t.contains("403")),
            "{backend}: no plan in any public download"
        );
        assert!(
            texts
                .iter()
                .any(|(uri, t)| uri.ends_with("facts.csv") && t.contains("援建计划/批次,")),
            "{backend}: no plan in any public CSV"
        );
        // and they count once in the figures: 浙江→阿克苏's five-year plan stands for its 403 projects and 50.56亿 of
        // aid, whatever the yearly plans and projects inside it state; a program whose plans leave a total unknown
        // shows no total (null), never the part that happens to be recorded
        let mut checked = 0;
        for id in &programs {
            let (_, v) = get_json(&app, &format!("/api/v1/public/programs/{id}")).await;
            for p in v["pairings"].as_array().unwrap() {
                if p["supporter"] == "浙江省" && p["receiver"] == "阿克苏地区" {
                    let (_, pv) = get_json(&app, &format!("/api/v1/public/pairings/{}", p["id"])).await;
                    let f = &pv["figures"];
                    assert_eq!(f["plans"], 1, "{backend}: {f}");
                    assert_eq!(f["plan_projects"], 403, "{backend}: {f}");
                    assert_eq!(f["plan_aid"], "5056000000.00", "{backend}: {f}");
                    let (_, page) = get(&app, &format!("/public/pairings/{}", p["id"])).await;
                    assert!(
                        page.contains("援建计划和批次 1 个，安排项目 403 项，援助资金 50.56亿元"),
                        "{backend}: {page}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 1, "{backend}: 浙江→阿克苏 is not public in the demo");
        let mut facts = 0;
        for (uri, text) in &texts {
            for p in &private {
                assert!(!text.contains(p.as_str()), "{backend}: {p:?} in {uri}");
            }
            facts += text.matches("\"pairing_id\"").count();
        }
        assert!(facts > 20, "{backend}: the demo's public facts are shown ({facts})");
    })
    .await;
}

/// The arcs of the map in a page: (stroke colour, stroke width, its title).
fn arcs(page: &str) -> Vec<(String, f64, String)> {
    let attr = |tag: &str, name: &str| {
        let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        tag[start..start + tag[start..].find('"').unwrap()].to_string()
    };
    page.split("<path class=\"arc\"")
        .skip(1)
        .map(|rest| {
            let tag = &rest[..rest.find('>').unwrap()];
            let title = &rest[rest.find("<title>").unwrap() + 7..rest.find("</title>").unwrap()];
            (
                attr(tag, "stroke"),
                attr(tag, "stroke-width").parse().unwrap(),
                title.to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_map_draws_public_pairings_from_supporter_to_receiver_and_never_a_private_one() {
    for_each_backend(|store, backend| async move {
        store.load_regions_if_empty().await.unwrap();
        let org = |name: &'static str, code: Option<&'static str>| {
            let store = store.clone();
            async move { create_id(&store, "orgs", json!({"name": name, "kind": "government", "region_code": code})).await }
        };
        let js = org("江苏省", Some("320000")).await;
        let zj = org("浙江省", Some("330000")).await;
        let hc = org("霍城县", Some("654023")).await;
        let aks = org("阿克苏地区", Some("652900")).await;
        let nowhere = org("某援助单位", None).await;
        let secret = org("内部支援单位", Some("110000")).await;
        let program = |name: &'static str| {
            let store = store.clone();
            async move { create_id(&store, "programs", json!({"name": name, "authority_org_id": js, "start_date": "2014-01-01", "end_date": "2016-12-31"})).await }
        };
        let public = program("对口援疆").await;
        let private = program("内部计划").await;
        let pairing = |program: i64, a: i64, b: i64| {
            let store = store.clone();
            async move {
                create_id(&store, "pairings", json!({"program_id": program, "supporter_org_id": a, "receiver_org_id": b, "level": "province_prefecture"})).await
            }
        };
        let big = pairing(public, js, hc).await;
        let small = pairing(public, zj, aks).await;
        pairing(public, nowhere, hc).await;
        pairing(private, secret, hc).await;
        let receiver = user(&store, "rec", Role::ReceiverEditor, vec![hc, aks]).await;
        for (p, amount) in [(big, "1000万"), (small, "100万")] {
            let id = create_id(&store, "projects", json!({"pairing_id": p, "name": "援建项目", "category": "education", "total_investment": amount})).await;
            store.set_confirmation(&receiver, "projects", id, true, None).await.unwrap();
        }
        user(&store, "coord", Role::Coordinator, vec![js]).await;
        store.set_public(&Actor::system(), "programs", public, true).await.unwrap();
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));

        for uri in ["/".to_string(), format!("/public/programs/{public}")] {
            let (s, page) = get(&app, &uri).await;
            assert_eq!(s, StatusCode::OK, "{backend} {uri}");
            let a = arcs(&page);
            assert_eq!(a.len(), 2, "{backend} {uri}: one arc per pairing with both places: {a:?}");
            assert!(a[0].2.starts_with("江苏省 → 霍城县") && a[1].2.starts_with("浙江省 → 阿克苏地区"), "{a:?}");
            assert_eq!(a[0].0, a[1].0, "one program, one colour");
            assert!(a[0].1 > a[1].1, "{backend}: 1000万 is wider than 100万: {a:?}");
            assert!(page.contains("项目总投资（万元）") && page.contains("1 个结对缺少地点，未画出"), "{page}");
            assert!(page.contains("图：对口支援关系示意图"));
            assert!(!page.contains("内部支援单位") && !page.contains("内部计划"), "{backend} {uri}: a private pairing is never drawn");
            assert!(!page.contains("<script"), "no script");
        }
        assert_eq!(get(&app, &format!("/public/programs/{private}")).await.0, StatusCode::NOT_FOUND);

        // a public pairing's page: its own arc only, the receiver's unit highlighted and named (霍城县 is drawn in
        // 伊犁哈萨克自治州); the preview shows the same map
        let (s, page) = get(&app, &format!("/public/pairings/{big}")).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        let a = arcs(&page);
        assert_eq!(a.len(), 1, "{backend}: {a:?}");
        assert!(a[0].2.starts_with("江苏省 → 霍城县：1000 项目总投资（万元）"), "{backend}: {a:?}");
        assert_eq!(page.matches("class=\"highlight\" data-code=\"654000\"").count(), 1, "{backend}");
        assert!(page.contains("受援方所在地区：伊犁哈萨克自治州") && page.contains("伊犁哈萨克自治州为受援方所在地区"));
        assert!(!page.contains("浙江省") && !page.contains("内部支援单位") && !page.contains("<script"), "{backend}");
        let (_, page) = get(&app, &format!("/public/pairings/{small}")).await;
        assert!(page.contains("class=\"highlight\" data-code=\"652900\"") && arcs(&page)[0].2.starts_with("浙江省 → 阿克苏地区"));
        // a supporter without a place: the receiver still lit, the arc counted as not drawn
        let unplaced = store
            .public_program(public)
            .await
            .unwrap()
            .unwrap()
            .pairings
            .iter()
            .find(|p| p.supporter == "某援助单位")
            .unwrap()
            .id;
        let (_, page) = get(&app, &format!("/public/pairings/{unplaced}")).await;
        assert!(arcs(&page).is_empty() && page.contains("1 个结对缺少地点，未画出") && page.contains("data-code=\"654000\""), "{backend}");

        // the dashboard of the whole record draws every pairing
        let session = login(&app, "coord").await;
        let (s, _, page) = send(&app, "GET", "/dashboard", &session, None, &[]).await;
        let page = String::from_utf8_lossy(&page).to_string();
        assert_eq!(s, StatusCode::OK, "{backend}");
        let a = arcs(&page);
        assert_eq!(a.len(), 3, "{backend}: {a:?}");
        assert_ne!(a[0].0, a[2].0, "two programs, two colours");
        assert!(a[2].2.starts_with("内部支援单位 → 霍城县"), "{a:?}");

        // a program's summary has the map as a figure: a PNG with its SVG in the .docx
        let period: duikou_domain::Period = "2014".parse().unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
        let input = store
            .summary_input(&duikou_store::summary::Scope::Program(public), &period, today)
            .await
            .unwrap();
        let (doc, _) = duikou_summary::build(&input).unwrap();
        let maps: Vec<_> = doc
            .sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                duikou_report::Block::Map(m) => Some(m),
                _ => None,
            })
            .collect();
        assert_eq!(maps.len(), 1, "{backend}");
        assert_eq!(maps[0].arcs.len(), 3);
        assert_eq!(arcs(&duikou_report::map_svg(maps[0])).len(), 2, "{backend}: the two pairings with both places");
        // pictures are numbered in document order: the map's PNG and SVG parts are there under its number
        let n = doc
            .sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter(|b| matches!(b, duikou_report::Block::Chart(_) | duikou_report::Block::Map(_)))
            .position(|b| matches!(b, duikou_report::Block::Map(_)))
            .unwrap()
            + 1;
        let bytes = duikou_report::docx(&doc).unwrap();
        let has = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
        assert!(has(&format!("word/media/chart{n}.png")) && has(&format!("word/media/chart{n}.svg")), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_total_a_plan_leaves_unknown_shows_its_known_part_and_names_the_plans_left_out() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let a = w.pairing;
        let c = create_id(&store, "orgs", json!({"name": "城关第二小学", "kind": "school"})).await;
        let d = create_id(&store, "orgs", json!({"name": "九龙镇中心小学", "kind": "school"})).await;
        let b = create_id(&store, "pairings", json!({"program_id": w.program, "supporter_org_id": c, "receiver_org_id": d, "level": "school_school"})).await;
        let receiver = user(&store, "rec2", Role::ReceiverEditor, vec![d]).await;
        let mut mine = Vec::new(); // confirmed by the first pairing's receiver
        let mut theirs = Vec::new(); // by the second's
        // pairing A: a project of its own (500万) and a plan of 300 projects that states no total investment, with
        // one project of 100万 recorded (one of 300 never tells the plan's money); a pending plan, never counted
        mine.push(("projects", create_id(&store, "projects", json!({"pairing_id": a, "name": "教学楼", "category": "education", "total_investment": "500万"})).await));
        let y2013 = create_id(&store, "project_groups", json!({"pairing_id": a, "name": "2013年度援疆项目", "start_on": "2013", "project_count": "300"})).await;
        mine.push(("project_groups", y2013));
        mine.push(("projects", create_id(&store, "projects", json!({"pairing_id": a, "group_id": y2013, "name": "水厂", "category": "infrastructure", "total_investment": "100万"})).await));
        create_id(&store, "project_groups", json!({"pairing_id": a, "name": "待确认的计划", "start_on": "2014", "project_count": "5"})).await;
        // pairing B: a plan stating 2亿 (its project of 1.5亿 inside it, not added again), a project of its own
        // (1000万) and a disputed one (70万, never counted)
        let housing = create_id(&store, "project_groups", json!({"pairing_id": b, "name": "安居工程", "start_on": "2013", "project_count": "2", "total_investment": "2亿"})).await;
        theirs.push(("project_groups", housing));
        theirs.push(("projects", create_id(&store, "projects", json!({"pairing_id": b, "group_id": housing, "name": "安居一期", "category": "housing", "total_investment": "1.5亿"})).await));
        theirs.push(("projects", create_id(&store, "projects", json!({"pairing_id": b, "name": "食堂", "category": "education", "total_investment": "1000万"})).await));
        let disputed = create_id(&store, "projects", json!({"pairing_id": b, "name": "操场", "category": "education", "total_investment": "70万"})).await;
        for (e, id) in &mine {
            store.set_confirmation(&w.receiver, e, *id, true, None).await.unwrap();
        }
        for (e, id) in &theirs {
            store.set_confirmation(&receiver, e, *id, true, None).await.unwrap();
        }
        store.set_confirmation(&receiver, "projects", disputed, false, Some("未建")).await.unwrap();
        store.set_public(&Actor::system(), "programs", w.program, true).await.unwrap();
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let fig = |v: &Value| {
            let f = &v["figures"];
            (f["total_investment"].clone(), f["total_investment_known"].clone(), f["total_investment_left_out"].clone())
        };
        let left_out = json!(["2013年度援疆项目"]);

        let (s, va) = get_json(&app, &format!("/api/v1/public/pairings/{a}")).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert_eq!(fig(&va), (Value::Null, json!("5000000.00"), left_out.clone()), "{backend}: {}", va["figures"]);
        let (_, vb) = get_json(&app, &format!("/api/v1/public/pairings/{b}")).await;
        assert_eq!(fig(&vb), (json!("210000000.00"), json!("210000000.00"), json!([])), "{backend}: {}", vb["figures"]);
        // the program's (counted by the database) is its pairings' together: 500万 + 2亿 + 1000万 known, one plan out
        let (_, vp) = get_json(&app, &format!("/api/v1/public/programs/{}", w.program)).await;
        assert_eq!(fig(&vp), (Value::Null, json!("215000000.00"), left_out.clone()), "{backend}: {}", vp["figures"]);

        // the pages say it in the summary's words: the known part, then what it leaves out
        let (_, page) = get(&app, &format!("/public/pairings/{a}")).await;
        assert!(page.contains("<b>500万元（不含未记录总投资的“2013年度援疆项目”）</b>"), "{backend}: {page}");
        let (_, page) = get(&app, &format!("/public/pairings/{b}")).await;
        assert!(page.contains("<b>2.1亿元</b>") && !page.contains("不含未记录"), "{backend}: {page}");
        for uri in [format!("/public/programs/{}", w.program), "/".to_string()] {
            let (_, page) = get(&app, &uri).await;
            assert!(page.contains("2.15亿元（不含未记录总投资的“2013年度援疆项目”）"), "{backend} {uri}: {page}");
            assert!(!page.contains("待确认的计划") && !page.contains("未能统计"), "{backend} {uri}");
        }
        // the same words as the work summary's (one rule, in the domain)
        assert_eq!(
            duikou_domain::plans::left_out_words("总投资", &["2013年度援疆项目".to_string()]),
            "（不含未记录总投资的“2013年度援疆项目”）"
        );
        // the signed-in pairing totals carry the same known part; counting pending facts too, the pending plan
        // (which states no total investment either) is left out as well
        let t = store.pairing_detail(a).await.unwrap();
        let known = |t: &Value| (t["total_investment_known"].clone(), t["total_investment_left_out"].clone());
        assert_eq!(known(&t["totals_confirmed"]["projects"]), (json!("5000000.00"), left_out), "{backend}");
        assert_eq!(
            known(&t["totals"]["projects"]),
            (json!("5000000.00"), json!(["2013年度援疆项目", "待确认的计划"])),
            "{backend}"
        );
    })
    .await;
}

/// The figure of the training card on a public page ("培训<b>1 次</b>35 人次": 35).
fn person_times(page: &str) -> String {
    let i = page.find("<div class=\"card\">培训<b>").expect("the training card");
    let rest = &page[i..];
    let rest = &rest[rest.find("</b>").unwrap() + 4..];
    rest[..rest.find(" 人次").unwrap()].to_string()
}

/// Reads `uri` until `done` holds of its answer, at most `bound` times, letting the background rebuild run between
/// reads (a bound on reads, not on time: the assertion is on what is served, never on how fast).
async fn read_until(app: &axum::Router, uri: &str, bound: usize, done: impl Fn(&str) -> bool) -> Option<String> {
    for _ in 0..bound {
        let (_, body) = get(app, uri).await;
        if done(&body) {
            return Some(body);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test]
async fn after_a_write_the_reader_gets_the_kept_answer_at_once_and_a_later_read_the_new_figure() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let p = w.pairing;
        let training = |pt: i64, title: &str| json!({"pairing_id": p, "kind": "training", "title": title, "start_date": "2014-10-10", "person_times": pt});
        let first = create_id(&store, "activities", training(35, "全员培训")).await;
        store.set_confirmation(&w.receiver, "activities", first, true, None).await.unwrap();
        store.set_public(&Actor::system(), "programs", w.program, true).await.unwrap();
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let program_page = format!("/public/programs/{}", w.program);
        let program_json = format!("/api/v1/public/programs/{}", w.program);
        let pairing_json = format!("/api/v1/public/pairings/{p}");
        let figure = |v: &Value| v["figures"]["training_person_times"].as_i64();

        // the answers as made: 35 person-times
        assert_eq!(person_times(&get(&app, &program_page).await.1), "35", "{backend}");
        assert_eq!(figure(&get_json(&app, &program_json).await.1), Some(35), "{backend}");
        assert_eq!(figure(&get_json(&app, &pairing_json).await.1), Some(35), "{backend}");
        let (_, h, _) = send(&app, "GET", &program_page, "", None, &[]).await;
        let made_at = h[header::ETAG].to_str().unwrap().to_string();

        // an ordinary write: a second training of 48, confirmed (the audit head moves twice)
        let second = create_id(&store, "activities", training(48, "骨干培训")).await;
        store.set_confirmation(&w.receiver, "activities", second, true, None).await.unwrap();
        assert_eq!(store.public_pairing(p).await.unwrap().unwrap().figures.training_person_times, 83);

        // the very next reads: the kept answers, as they were (no reader waits for the rebuild)
        let (s, h, page) = send(&app, "GET", &program_page, "", None, &[]).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert_eq!(person_times(&String::from_utf8_lossy(&page)), "35", "{backend}: the kept page");
        assert_eq!(h[header::ETAG].to_str().unwrap(), made_at, "{backend}: it names the head it was made at");
        assert_eq!(figure(&get_json(&app, &program_json).await.1), Some(35), "{backend}: the kept JSON");
        assert_eq!(figure(&get_json(&app, &pairing_json).await.1), Some(35), "{backend}: the kept JSON");

        // a later read: the answer the background rebuild made, with the new figure and a new ETag
        let page = read_until(&app, &program_page, 500, |b| person_times(b) == "83").await;
        assert!(page.is_some(), "{backend}: the program page never showed 83");
        let (_, h, _) = send(&app, "GET", &program_page, "", None, &[]).await;
        assert_ne!(h[header::ETAG].to_str().unwrap(), made_at, "{backend}");
        let json = read_until(&app, &pairing_json, 500, |b| b.contains("\"training_person_times\":83")).await;
        assert!(json.is_some(), "{backend}: the pairing's JSON never showed 83");
        let json = read_until(&app, &program_json, 500, |b| b.contains("\"training_person_times\":83")).await;
        assert!(json.is_some(), "{backend}: the program's JSON never showed 83");
        // and the figure stays (nothing older is served once the new one is kept)
        assert_eq!(figure(&get_json(&app, &program_json).await.1), Some(83), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn a_withdrawal_or_a_withheld_pairing_is_off_the_portal_on_the_very_next_request() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let p = w.pairing;
        let act = create_id(&store, "activities", json!({"pairing_id": p, "kind": "training", "title": "全员培训", "start_date": "2014-10-10", "person_times": 35})).await;
        store.set_confirmation(&w.receiver, "activities", act, true, None).await.unwrap();
        let c = create_id(&store, "orgs", json!({"name": "河口村委会", "kind": "school"})).await;
        let supporter = store.get("pairings", p).await.unwrap()["supporter_org_id"].as_i64().unwrap();
        let other = create_id(&store, "pairings", json!({"program_id": w.program, "supporter_org_id": supporter, "receiver_org_id": c, "level": "school_school"})).await;
        store.set_public(&w.coordinator, "programs", w.program, true).await.unwrap();
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let uris = [
            format!("/public/programs/{}", w.program),
            format!("/public/pairings/{p}"),
            format!("/public/pairings/{other}"),
            format!("/api/v1/public/programs/{}", w.program),
            format!("/api/v1/public/pairings/{p}"),
            format!("/api/v1/public/programs/{}/facts.csv", w.program),
            format!("/api/v1/public/pairings/{p}/facts.csv"),
        ];
        for uri in &uris {
            assert_eq!(get(&app, uri).await.0, StatusCode::OK, "{backend}: {uri}");
        }
        assert!(get(&app, "/").await.1.contains("校对校帮扶"), "{backend}");
        assert!(get(&app, "/api/v1/public/programs").await.1.contains("校对校帮扶"), "{backend}");

        // an ordinary write makes every kept answer old, and a read starts rebuilding them
        let more = create_id(&store, "activities", json!({"pairing_id": p, "kind": "training", "title": "骨干培训", "start_date": "2014-11-10", "person_times": 48})).await;
        store.set_confirmation(&w.receiver, "activities", more, true, None).await.unwrap();
        for uri in &uris {
            assert_eq!(get(&app, uri).await.0, StatusCode::OK, "{backend}: {uri} kept");
        }

        // one pairing withheld: on the very next request it is gone from its page and from the program's
        store.set_public(&w.coordinator, "pairings", other, false).await.unwrap();
        assert_eq!(get(&app, &format!("/public/pairings/{other}")).await.0, StatusCode::NOT_FOUND, "{backend}");
        let (_, page) = get(&app, &uris[0]).await;
        assert!(!page.contains("河口村委会") && page.contains("石桥乡中心小学"), "{backend}: {page}");
        let (_, v) = get_json(&app, &uris[3]).await;
        assert_eq!(v["program"]["public_pairings"], 1, "{backend}");

        // the program withdrawn (by an edit, as an import would): every answer 404 on the very next request
        store.update(&w.coordinator, "programs", w.program, &json!({"published": false})).await.unwrap();
        for uri in &uris {
            assert_eq!(get(&app, uri).await.0, StatusCode::NOT_FOUND, "{backend}: {uri} after the withdrawal");
        }
        assert!(!get(&app, "/").await.1.contains("校对校帮扶"), "{backend}: the home page");
        assert!(!get(&app, "/api/v1/public/programs").await.1.contains("校对校帮扶"), "{backend}");
        // and stays so while ordinary writes go on (no rebuild begun before it brings an old answer back)
        let third = create_id(&store, "activities", json!({"pairing_id": p, "kind": "training", "title": "送教", "start_date": "2014-12-10", "person_times": 7})).await;
        store.set_confirmation(&w.receiver, "activities", third, true, None).await.unwrap();
        for _ in 0..20 {
            for uri in &uris {
                assert_eq!(get(&app, uri).await.0, StatusCode::NOT_FOUND, "{backend}: {uri}");
            }
            tokio::task::yield_now().await;
        }

        // published again: on the very next request, with the figures as they now stand
        store.set_public(&w.coordinator, "programs", w.program, true).await.unwrap();
        let (s, v) = get_json(&app, &uris[4]).await;
        assert_eq!((s, v["figures"]["training_person_times"].as_i64()), (StatusCode::OK, Some(90)), "{backend}");
        assert_eq!(get(&app, &format!("/public/pairings/{other}")).await.0, StatusCode::NOT_FOUND, "{backend}: still withheld");
    })
    .await;
}

/// The pairing links of a program page, in order.
fn pairing_links(page: &str) -> Vec<String> {
    page.match_indices("<a href=\"/public/pairings/")
        .map(|(i, _)| {
            let rest = &page[i + "<a href=\"/public/pairings/".len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_program_page_lists_its_pairings_fifty_to_a_page() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let supporter = store.get("pairings", w.pairing).await.unwrap()["supporter_org_id"].as_i64().unwrap();
        let mut ids = vec![w.pairing];
        for i in 0..119 {
            let org = create_id(&store, "orgs", json!({"name": format!("受援学校{i:03}"), "kind": "school"})).await;
            ids.push(create_id(&store, "pairings", json!({"program_id": w.program, "supporter_org_id": supporter, "receiver_org_id": org, "level": "school_school"})).await);
        }
        // the 前后对比 of the first receiver (page 1) and of the last (page 3)
        let indicator = create_id(&store, "indicators", json!({"code": "enrol", "name": "入学率", "unit": "%"})).await;
        let first = store.get("pairings", w.pairing).await.unwrap()["receiver_org_id"].as_i64().unwrap();
        let last = store.get("pairings", *ids.last().unwrap()).await.unwrap()["receiver_org_id"].as_i64().unwrap();
        for org in [first, last] {
            for (period, value) in [("2013", "90"), ("2016", "98.5")] {
                create_id(&store, "indicator_values", json!({"indicator_id": indicator, "org_id": org, "period": period, "value": value})).await;
            }
        }
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let base = format!("/public/programs/{}", w.program);
        // not public: 404 whatever the page, never a word about pages
        let (_, unknown) = get(&app, "/public/programs/987654").await;
        for q in ["", "?page=2", "?page=abc", "?page=0"] {
            let (s, page) = get(&app, &format!("{base}{q}")).await;
            assert_eq!((s, &page), (StatusCode::NOT_FOUND, &unknown), "{backend}: {q}");
        }
        store.set_public(&w.coordinator, "programs", w.program, true).await.unwrap();

        // 120 pairings: 50, 50 and 20, in id order, each page saying which it is
        let mut seen = Vec::new();
        for (q, n, label, prev, next) in [
            ("", 50, "第1页，共3页", false, true),
            ("?page=1", 50, "第1页，共3页", false, true),
            ("?page=2", 50, "第2页，共3页", true, true),
            ("?page=3", 20, "第3页，共3页", true, false),
        ] {
            let (s, page) = get(&app, &format!("{base}{q}")).await;
            assert_eq!(s, StatusCode::OK, "{backend}: {q}");
            let links = pairing_links(&page);
            assert_eq!(links.len(), n, "{backend}: {q}");
            assert!(page.contains(label), "{backend}: {q}: {label}");
            assert_eq!(page.contains(">上一页</a>"), prev, "{backend}: {q}");
            assert_eq!(page.contains(">下一页</a>"), next, "{backend}: {q}");
            assert!(page.contains("公开结对：120 个"), "{backend}: the figures are the whole program's on every page");
            if !q.is_empty() {
                seen.extend(links);
            }
        }
        let all: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        assert_eq!(seen, all, "{backend}: every pairing once, in order");
        // each page's 前后对比 has its own pairings' receivers, saying the rest are in the downloads
        let rows = |page: &str| page.matches("<td>入学率</td>").count();
        let (_, page1) = get(&app, &base).await;
        let (_, page3) = get(&app, &format!("{base}?page=3")).await;
        assert_eq!((rows(&page1), rows(&page3)), (1, 1), "{backend}");
        assert!(page1.contains("<td>石桥乡中心小学</td><td>入学率</td>") && !page1.contains("<td>受援学校118</td>"), "{backend}");
        assert!(page3.contains("<td>受援学校118</td><td>入学率</td>") && !page3.contains("<td>石桥乡中心小学</td>"), "{backend}");
        assert!(page1.contains("此处列出本页所列结对的受援方的 1 项；全部 2 项见下方下载"), "{backend}");
        let (_, page2) = get(&app, &format!("{base}?page=2")).await;
        assert!(!page2.contains("前后对比"), "{backend}: no receiver of page 2 has one");
        assert!(page2.contains("href=\"?page=1#pairings\" rel=\"prev\">上一页</a>") && page2.contains("href=\"?page=3#pairings\" rel=\"next\">下一页</a>"), "{backend}");

        // a page that is not one: 400, in Chinese, naming the field and the pages there are; never a 500
        for (q, asked) in [("?page=4", "4"), ("?page=abc", "abc"), ("?page=0", "0"), ("?page=-1", "-1"), ("?page=", ""), ("?page=99999999999999999999999", "99999999999999999999999")] {
            let (s, page) = get(&app, &format!("{base}{q}")).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{backend}: {q}");
            assert!(page.contains(&format!("页码（page）“{asked}”不是有效的页码：本计划的结对共 3 页，页码应为 1 到 3 之间的整数。")), "{backend}: {q}: {page}");
            assert!(page.contains(&format!("href=\"{base}\">查看第1页</a>")), "{backend}: {q}");
        }

        // the JSON keeps its shape: every pairing
        let (_, v) = get_json(&app, &format!("/api/v1/public/programs/{}", w.program)).await;
        assert_eq!(v["pairings"].as_array().map(Vec::len), Some(120), "{backend}");

        // the preview pages the same way
        let session = login(&app, "coord").await;
        let (_, _, preview) = send(&app, "GET", &format!("/programs/{}/publication?page=3", w.program), &session, None, &[]).await;
        let preview = String::from_utf8_lossy(&preview).to_string();
        assert_eq!(without_banner(&preview), get(&app, &format!("{base}?page=3")).await.1, "{backend}");

        // a program of 50 pairings has one page, no pager
        for id in &ids[50..] {
            store.set_public(&w.coordinator, "pairings", *id, false).await.unwrap();
        }
        let (_, page) = get(&app, &base).await;
        assert_eq!(pairing_links(&page).len(), 50, "{backend}");
        assert!(!page.contains("共1页") && !page.contains("下一页"), "{backend}");
        assert!(page.contains("<td>石桥乡中心小学</td><td>入学率</td>") && !page.contains("全部 2 项"), "{backend}: one page lists all its receivers");
        assert_eq!(get(&app, &format!("{base}?page=2")).await.0, StatusCode::BAD_REQUEST, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn only_an_event_on_a_program_or_a_pairing_is_a_publication_change() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let head = || {
            let store = store.clone();
            async move { store.audit_head_seq().await.unwrap() }
        };
        let between = |a: i64, b: i64| {
            let store = store.clone();
            async move { store.publication_event_between(a, b).await.unwrap() }
        };
        let h0 = head().await;
        // facts, their confirmation, people, an indicator: ordinary writes
        let act = create_id(
            &store,
            "activities",
            json!({"pairing_id": w.pairing, "kind": "training", "title": "全员培训", "start_date": "2014-10-10", "person_times": 35}),
        )
        .await;
        store
            .set_confirmation(&w.receiver, "activities", act, true, None)
            .await
            .unwrap();
        create_id(&store, "people", json!({"name": "张三丰"})).await;
        let h1 = head().await;
        assert!(h1 > h0, "{backend}");
        assert_eq!(between(h0, h1).await, None, "{backend}");
        // a publication
        store
            .set_public(&w.coordinator, "programs", w.program, true)
            .await
            .unwrap();
        let h2 = head().await;
        assert_eq!(between(h1, h2).await, Some(h2), "{backend}");
        assert_eq!(between(h0, h2).await, Some(h2), "{backend}");
        // a pairing withheld by an edit, then one of its other fields changed: each is one
        store
            .update(&w.coordinator, "pairings", w.pairing, &json!({"withheld": true}))
            .await
            .unwrap();
        let h3 = head().await;
        assert_eq!(between(h2, h3).await, Some(h3), "{backend}");
        store
            .update(
                &w.coordinator,
                "pairings",
                w.pairing,
                &json!({"end_date": "2017-08-31"}),
            )
            .await
            .unwrap();
        let h4 = head().await;
        assert_eq!(between(h3, h4).await, Some(h4), "{backend}");
        // only what lies between the two heads is read
        create_id(
            &store,
            "activities",
            json!({"pairing_id": w.pairing, "kind": "training", "title": "骨干培训", "start_date": "2014-11-10", "person_times": 8}),
        )
        .await;
        let h5 = head().await;
        assert_eq!(between(h4, h5).await, None, "{backend}");
        assert_eq!(between(h1, h3).await, Some(h3), "{backend}");
        assert_eq!(between(h0, h1).await, None, "{backend}");
    })
    .await;
}
