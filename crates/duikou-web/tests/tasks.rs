//! The 任务清单 page on both backends: the authority sees every task it assigned, a unit only its own, by name;
//! the authority assigns a task through the form (units chosen by name); a due date outside the year is refused with
//! a Chinese message naming the field, what was typed kept and nothing written; the responsible unit notes progress.

use axum::http::StatusCode;
use duikou_domain::access::Role;
use duikou_store::testing::{create_id, user, TestStore};
use serde_json::json;

mod common;
use common::value_of;

async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    cookie: &str,
    form: Option<String>,
) -> (StatusCode, String, Vec<String>) {
    let r = common::send(app, method, uri, cookie, form).await;
    let mut cookies = r.cookies.clone();
    if !r.location.is_empty() {
        cookies.push(format!("location={}", r.location));
    }
    (r.status, r.text(), cookies)
}

async fn login(app: &axum::Router, user: &str) -> (String, String) {
    let (_, page, cookies) = send(app, "GET", "/login?next=/tasks", "", None).await;
    let token = value_of(&page, "csrf");
    let (s, _, cookies) = send(
        app,
        "POST",
        "/login",
        &cookies.join("; "),
        Some(format!(
            "username={user}&password=password-123&csrf={token}&next=%2Ftasks"
        )),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let session = cookies.into_iter().find(|c| c.starts_with("duikou_session=")).unwrap();
    let (_, home, _) = send(app, "GET", "/tasks", &session, None).await;
    (session, value_of(&home, "csrf"))
}

fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The rows of the tasks tables (one string per task), to look for a task's words in its own row.
fn rows(html: &str) -> Vec<&str> {
    html.split("<tr data-task=")
        .skip(1)
        .map(|r| r.split("</tr>").next().unwrap_or(""))
        .collect()
}

#[tokio::test]
async fn the_task_list_by_role_the_form_round_trip_and_a_refusal() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let authority = create_id(&store, "orgs", json!({"name": "国家体育总局", "kind": "government"})).await;
        let mass = create_id(
            &store,
            "orgs",
            json!({"name": "国家体育总局群众体育司", "kind": "department", "parent_id": authority}),
        )
        .await;
        let youth = create_id(
            &store,
            "orgs",
            json!({"name": "国家体育总局青少年体育司", "kind": "department", "parent_id": authority}),
        )
        .await;
        let county = create_id(&store, "orgs", json!({"name": "崇义县", "kind": "government"})).await;
        let program = create_id(
            &store,
            "programs",
            json!({"name": "对口支援崇义", "authority_org_id": authority, "start_date": "2014-06-01"}),
        )
        .await;
        let pairing = create_id(
            &store,
            "pairings",
            json!({"program_id": program, "supporter_org_id": mass, "receiver_org_id": county, "level": "unit_county"}),
        )
        .await;
        let equipment = create_id(
            &store,
            "unit_tasks",
            json!({"authority_org_id": authority, "org_id": mass, "year": 2014, "program_id": program,
                   "title": "健身路径器材10套", "measure": "donated_quantity", "item_category": "sports",
                   "target_count": 10, "target_unit": "套"}),
        )
        .await;
        create_id(
            &store,
            "unit_tasks",
            json!({"authority_org_id": authority, "org_id": youth, "year": 2014,
                   "title": "捐赠健身器材14万元", "measure": "donated_value", "item_category": "sports",
                   "target_amount": "14万"}),
        )
        .await;
        // ten sets delivered and confirmed
        let gift = create_id(
            &store,
            "activities",
            json!({"pairing_id": pairing, "kind": "donation", "title": "捐赠健身路径", "start_date": "2014-09"}),
        )
        .await;
        let item = create_id(
            &store,
            "activity_items",
            json!({"activity_id": gift, "category": "sports", "quantity": 10, "unit": "套"}),
        )
        .await;
        let sys = duikou_domain::access::Actor::system();
        store
            .set_confirmation(&sys, "activities", gift, true, None)
            .await
            .unwrap();
        store
            .set_confirmation(&sys, "activity_items", item, true, None)
            .await
            .unwrap();
        user(&store, "zongju", Role::Coordinator, vec![authority]).await;
        user(&store, "qunti", Role::SupporterEditor, vec![mass]).await;
        user(&store, "qingshao", Role::SupporterEditor, vec![youth]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));

        // the authority sees both units' tasks, by name, with target, progress and status
        let (coord, csrf) = login(&app, "zongju").await;
        let (s, page, _) = send(&app, "GET", &format!("/tasks?org={authority}&year=2014"), &coord, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(page.contains("任务清单：国家体育总局 2014年"), "{backend}: {page}");
        let r = rows(&page);
        assert_eq!(r.len(), 2, "{backend}");
        assert!(
            r[0].contains("国家体育总局群众体育司") && r[0].contains("10套") && r[0].contains("已完成"),
            "{backend}: {}",
            r[0]
        );
        assert!(
            r[1].contains("国家体育总局青少年体育司") && r[1].contains("14万元") && r[1].contains("未完成"),
            "{backend}: {}",
            r[1]
        );
        assert!(r[1].contains("尚无已确认的相关记录"), "{backend}");
        assert!(
            page.contains("<a href=\"/tasks\">任务清单</a>"),
            "the nav links the page"
        );

        // a unit sees its own task, not its sibling's, on its own page and on the authority's
        let (qunti, qcsrf) = login(&app, "qunti").await;
        let (_, own, _) = send(&app, "GET", "/tasks?year=2014", &qunti, None).await;
        assert!(
            own.contains("任务清单：国家体育总局群众体育司 2014年"),
            "{backend}: {own}"
        );
        assert_eq!(rows(&own).len(), 1, "{backend}");
        assert!(!own.contains("14万元"), "{backend}");
        let (_, theirs, _) = send(&app, "GET", &format!("/tasks?org={authority}&year=2014"), &qunti, None).await;
        assert_eq!(rows(&theirs).len(), 1, "{backend}");
        assert!(!theirs.contains("青少年体育司</a></td>"), "{backend}");
        // and is offered no form to assign tasks
        assert!(!own.contains("action=\"/tasks\" aria-label=\"下达任务\""), "{backend}");

        // the form: a unit chosen by name, a target as written
        assert!(
            page.contains(&format!("<option value=\"{youth}\">国家体育总局青少年体育司</option>")),
            "{backend}"
        );
        let form = |due: &str| {
            format!(
                "csrf={csrf}&authority_org_id={authority}&year=2014&org_id={youth}&title={}&measure=donated_value\
                 &activity_kind=&item_category=books&target={}&target_unit=&due_on={due}&note=",
                enc("捐赠图书4万元"),
                enc("4万")
            )
        };
        let (s, _, loc) = send(&app, "POST", "/tasks", &coord, Some(form("2014-12"))).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{backend}");
        assert!(loc.iter().any(|l| l.contains("done=added")), "{loc:?}");
        let (_, page, _) = send(
            &app,
            "GET",
            &format!("/tasks?org={authority}&year=2014&done=added"),
            &coord,
            None,
        )
        .await;
        assert!(page.contains("已下达任务"), "{backend}");
        let added: Vec<&str> = rows(&page)
            .into_iter()
            .filter(|r| r.contains("捐赠图书4万元"))
            .collect();
        assert_eq!(added.len(), 1, "{backend}");
        assert!(
            added[0].contains("4万元") && added[0].contains("2014年12月") && added[0].contains("捐赠物资价值（图书）"),
            "{backend}: {}",
            added[0]
        );

        // a due date outside the year: the field named in Chinese, the form kept, nothing written
        let before = store.list_every("unit_tasks", &Default::default()).await.unwrap().len();
        let mut bad = form("2015-02");
        bad = bad.replace(&enc("捐赠图书4万元"), &enc("捐赠图书（补）"));
        let (s, page, _) = send(&app, "POST", "/tasks", &coord, Some(bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(
            page.contains("完成期限（due_on）2015-02 不在任务年度（year）2014年之内"),
            "{backend}: {page}"
        );
        assert!(
            page.contains("value=\"捐赠图书（补）\""),
            "what was typed is kept: {backend}"
        );
        assert_eq!(
            store.list_every("unit_tasks", &Default::default()).await.unwrap().len(),
            before
        );
        // an unknown measure and a negative target are refused the same way
        let odd = form("2014").replace("measure=donated_value", "measure=gifts");
        let (s, page, _) = send(&app, "POST", "/tasks", &coord, Some(odd)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(page.contains("进度计量（measure）"), "{backend}");
        let negative = form("2014")
            .replace("measure=donated_value", "measure=donated_quantity")
            .replace(&format!("target={}", enc("4万")), "target=-3");
        let (s, page, _) = send(&app, "POST", "/tasks", &coord, Some(negative)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(page.contains("目标数量（target_count）"), "{backend}: {page}");
        // a unit's editor may not assign
        let (s, page, _) = send(
            &app,
            "POST",
            "/tasks",
            &qunti,
            Some(form("2014").replace(&csrf, &qcsrf)),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}");
        assert!(page.contains("主管部门"), "{backend}");
        assert_eq!(
            store.list_every("unit_tasks", &Default::default()).await.unwrap().len(),
            before
        );

        // the responsible unit notes its progress; its sibling may not
        let note = format!("csrf={qcsrf}&org={mass}&year=2014&text={}", enc("10套已安装到位"));
        let (s, _, _) = send(&app, "POST", &format!("/tasks/{equipment}/notes"), &qunti, Some(note)).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{backend}");
        let (_, own, _) = send(&app, "GET", &format!("/tasks?org={mass}&year=2014"), &qunti, None).await;
        assert!(own.contains("10套已安装到位"), "{backend}");
        let (_, yhome, _) = send(&app, "GET", "/tasks", &login(&app, "qingshao").await.0, None).await;
        let (ysession, ycsrf) = login(&app, "qingshao").await;
        assert!(yhome.contains("青少年体育司"), "{backend}");
        let note = format!("csrf={ycsrf}&org={youth}&year=2014&text={}", enc("代为记录"));
        let (s, _, _) = send(
            &app,
            "POST",
            &format!("/tasks/{equipment}/notes"),
            &ysession,
            Some(note),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}");
        t.finish().await.unwrap();
    }
}
