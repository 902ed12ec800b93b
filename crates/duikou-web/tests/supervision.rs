//! 督办 in the browser's forms, on both backends: the coordinator opens an item on an unmet result, the responsible
//! unit replies from its home page, the coordinator closes it; a past deadline and a reply to a closed item are
//! refused with a Chinese message and nothing written.

use axum::http::StatusCode;
use duikou_domain::access::{Actor, Role};
use duikou_store::testing::{create_id, user, TestStore};
use serde_json::json;

mod common;
use common::{after, value_of};

async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    cookie: &str,
    form: Option<String>,
) -> (StatusCode, String, Vec<String>) {
    let r = common::send(app, method, uri, cookie, form).await;
    (r.status, r.text(), r.cookies)
}

async fn login(app: &axum::Router, user: &str) -> (String, String) {
    let (_, page, cookies) = send(app, "GET", "/login?next=/mine", "", None).await;
    let token = value_of(&page, "csrf");
    let (s, _, cookies) = send(
        app,
        "POST",
        "/login",
        &cookies.join("; "),
        Some(format!(
            "username={user}&password=password-123&csrf={token}&next=%2Fmine"
        )),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let session = cookies.into_iter().find(|c| c.starts_with("duikou_session=")).unwrap();
    let (_, home, _) = send(app, "GET", "/mine", &session, None).await;
    (session, value_of(&home, "csrf"))
}

fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn a_unit_replies_to_its_supervision_and_the_coordinator_closes_it() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let today = chrono::Utc::now().date_naive();
        let d = |days: i64| (today + chrono::Duration::days(days)).to_string();
        let bureau = create_id(&store, "orgs", json!({"name": "某县教育局", "kind": "government"})).await;
        let a = create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let b = create_id(&store, "orgs", json!({"name": "石桥乡中心小学", "kind": "school"})).await;
        let p = create_id(
            &store,
            "programs",
            json!({"name": "校对校帮扶", "authority_org_id": bureau, "start_date": d(-400),
            "end_date": d(700), "calendar": {"kind": "school_year"}, "only_confirmed": false}),
        )
        .await;
        let pairing = create_id(
            &store,
            "pairings",
            json!({"program_id": p, "supporter_org_id": a, "receiver_org_id": b,
            "level": "school_school", "start_date": d(-400), "end_date": d(700)}),
        )
        .await;
        store
            .apply_template(&Actor::system(), p, "school_pairing", &[])
            .await
            .unwrap();
        let person = create_id(&store, "people", json!({"name": "张老师", "home_org_id": a})).await;
        let dispatch = create_id(
            &store,
            "dispatches",
            json!({"pairing_id": pairing, "person_id": person, "role": "teacher",
            "direction": "to_receiver", "start_date": d(-12), "end_date": d(-10)}),
        )
        .await;
        let stint = create_id(
            &store,
            "stints",
            json!({"dispatch_id": dispatch, "start_date": d(-12), "end_date": d(-10)}),
        )
        .await;
        create_id(
            &store,
            "documents",
            json!({"kind": "other", "title": "补派计划", "pairing_id": pairing}),
        )
        .await;
        user(&store, "coord", Role::Coordinator, vec![bureau]).await;
        user(&store, "sup", Role::SupporterEditor, vec![a]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (coord, coord_csrf) = login(&app, "coord").await;
        let (sup, sup_csrf) = login(&app, "sup").await;

        // the three-day stay ended short: on the list, with its unit and a form
        let page = format!("/programs/{p}/supervision");
        let (s, list, _) = send(&app, "GET", &page, &coord, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(
            list.contains("<col class=\"pairing\">"),
            "{backend}: the pairing column keeps its width"
        );
        let row = after(&list, &format!("value=\"stint:{stint}\""));
        let form_of = |due: &str| {
            let start = list[..list.len() - row.len()].rfind("<form").unwrap();
            let form = &list[start..];
            format!(
                "csrf={coord_csrf}&pairing_id={pairing}&obligation_id={}&period={}&subject=stint:{stint}&note={}&due_on={due}",
                value_of(form, "obligation_id"),
                value_of(form, "period"),
                enc("请补足一周")
            )
        };
        // a deadline in the past: refused, said in Chinese, nothing written
        let (s, refused, _) = send(&app, "POST", &page, &coord, Some(form_of(&d(-1)))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {refused}");
        assert!(
            refused.contains("整改期限（due_on）") && refused.contains("已经过去"),
            "{backend}"
        );
        assert_eq!(
            store
                .list_all("supervisions", "pairing_id", pairing)
                .await
                .unwrap()
                .len(),
            0
        );
        let (s, done, _) = send(&app, "POST", &page, &coord, Some(form_of(&d(10)))).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {done}");
        assert!(
            done.contains("已督办") && done.contains("督办中：请补足一周"),
            "{backend}"
        );

        // the supporting school sees it on its home page and replies, attaching the plan
        let (_, home, _) = send(&app, "GET", "/mine", &sup, None).await;
        assert!(
            home.contains("督办事项") && home.contains("请补足一周") && home.contains("补派计划"),
            "{backend}: {home}"
        );
        let action: String = after(&home, "action=\"/supervisions/")
            .chars()
            .take_while(|c| *c != '"')
            .collect();
        let reply = format!("/supervisions/{action}");
        let doc_id: String = after(
            after(&home, "name=\"document_id\""),
            "<option value=\"\">（不附）</option><option value=\"",
        )
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
        let (s, _, _) = send(
            &app,
            "POST",
            &reply,
            &sup,
            Some(format!(
                "csrf={sup_csrf}&reply={}&document_id={doc_id}",
                enc("下周补派一周")
            )),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{backend}");
        let (_, home, _) = send(&app, "GET", "/mine?replied=1", &sup, None).await;
        assert!(home.contains("已回复：下周补派一周"), "{backend}: {home}");

        // the coordinator sees the reply and closes the item
        let (_, list, _) = send(&app, "GET", &page, &coord, None).await;
        assert!(list.contains("回复：下周补派一周"), "{backend}");
        let item_id = action.trim_end_matches("/reply").to_string();
        let (s, closed, _) = send(
            &app,
            "POST",
            &page,
            &coord,
            Some(format!(
                "csrf={coord_csrf}&item={item_id}&decision=close&note={}",
                enc("已补派，办结")
            )),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {closed}");
        assert!(closed.contains("已更新：办结"), "{backend}");

        // a reply to a closed item: refused, nothing written
        let before = store.list_all("supervisions", "pairing_id", pairing).await.unwrap();
        let (s, page2, _) = send(
            &app,
            "POST",
            &reply,
            &sup,
            Some(format!("csrf={sup_csrf}&reply={}", enc("再补充"))),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{backend}");
        assert!(page2.contains("该督办事项已办结，不能再回复"), "{backend}: {page2}");
        assert_eq!(
            store.list_all("supervisions", "pairing_id", pairing).await.unwrap(),
            before,
            "{backend}"
        );
        t.finish().await.unwrap();
    }
}
