//! The web pages in-process: login with CSRF, redirects, the dashboard's who-am-I, Chinese search, the pairing page,
//! and the receiver confirming a fact from the inbox — on SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use duikou_domain::access::{Actor, Role};
use duikou_store::testing::{create, create_id, user, TestStore};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

mod common;

async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    cookie: &str,
    form: Option<String>,
) -> (StatusCode, String, Vec<String>, String) {
    let r = common::send(app, method, uri, cookie, form).await;
    (
        r.status,
        without_cell_labels(&r.text()),
        r.cookies.clone(),
        r.location.clone(),
    )
}

/// The page without the `data-label` each table cell carries for the phone's cards (`ui::cards`; checked in the
/// browser by `tests/e2e.rs`), so these tests read the cells' contents as written.
fn without_cell_labels(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(i) = rest.find(" data-label=\"") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " data-label=\"".len()..];
        rest = after.find('"').map_or("", |j| &after[j + 1..]);
    }
    out.push_str(rest);
    out
}

fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    html[i..i + 32].to_string()
}

async fn login(app: &axum::Router, user: &str) -> (String, String) {
    let (_, page, cookies, _) = send(app, "GET", "/login?next=/inbox", "", None).await;
    let token = csrf_of(&page);
    let login_cookie = cookies.join("; ");
    let (s, _, cookies, location) = send(
        app,
        "POST",
        "/login",
        &login_cookie,
        Some(format!(
            "username={user}&password=password-123&csrf={token}&next=%2Finbox"
        )),
    )
    .await;
    assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/inbox"));
    let session = cookies.into_iter().find(|c| c.starts_with("duikou_session=")).unwrap();
    let (_, inbox, _, _) = send(app, "GET", "/inbox", &session, None).await;
    (session, csrf_of(&inbox))
}

#[tokio::test]
async fn pages_for_each_role_with_csrf_and_confirmation() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let sys = Actor::system();
        let a = create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let b = create_id(&store, "orgs", json!({"name": "石桥乡中心小学", "kind": "school"})).await;
        let p = create_id(&store, "programs", json!({"name": "校对校帮扶", "authority_org_id": a, "start_date": "2013-10-01", "end_date": "2016-08-31", "calendar": {"kind": "school_year"}})).await;
        let pairing = create_id(&store, "pairings", json!({"program_id": p, "supporter_org_id": a, "receiver_org_id": b, "level": "school_school", "start_date": "2013-10-01", "end_date": "2016-08-31"})).await;
        store.apply_template(&sys, p, "school_pairing", &[]).await.unwrap();
        let act = create_id(&store, "activities", json!({"pairing_id": pairing, "kind": "training", "audience": "all_staff", "title": "全员培训<script>x</script>", "start_date": "2014-10-10", "person_times": 35})).await;
        for (name, role, org) in [("rec", Role::ReceiverEditor, b), ("sup", Role::SupporterEditor, a)] {
            user(&store, name, role, vec![org]).await;
        }
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let backend = t.backend;

        // not logged in: pages redirect to the login page, the home page is the public overview
        let (s, _, _, location) = send(&app, "GET", "/inbox", "", None).await;
        assert_eq!(
            (s, location.as_str()),
            (StatusCode::SEE_OTHER, "/login?next=/inbox"),
            "{backend}"
        );
        // a wrong password keeps the username and says why
        let (_, page, cookies, _) = send(&app, "GET", "/login", "", None).await;
        let token = csrf_of(&page);
        let (s, page, _, _) = send(
            &app,
            "POST",
            "/login",
            &cookies.join("; "),
            Some(format!("username=rec&password=nope&csrf={token}")),
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(
            page.contains("用户名或密码错误") && page.contains("value=\"rec\""),
            "{page}"
        );
        let (s, _, _, _) = send(
            &app,
            "POST",
            "/login",
            "",
            Some("username=rec&password=password-123&csrf=forged".into()),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "login needs its CSRF cookie");

        let (session, csrf) = login(&app, "rec").await;
        let (_, home, _, _) = send(&app, "GET", "/", &session, None).await;
        assert!(
            home.contains("rec（受援方填报员）") && home.contains("校对校帮扶"),
            "{backend}: {home}"
        );
        let (_, list, _, _) = send(&app, "GET", "/records/activities?q=%E5%85%A8%E5%91%98", &session, None).await;
        assert!(
            list.contains("共 1") && list.contains("全员培训&#60;script&#62;") && !list.contains("<script>x"),
            "{list}"
        );
        // a list names what its references point to, and each record by its own title, never by number
        assert!(
            list.contains("<td>城关第一小学 → 石桥乡中心小学</td>")
                && list.contains(&format!("<td><a href=\"/records/activities/{act}\">全员培训"))
                && !list.contains(&format!("<td>{pairing}</td>")),
            "{backend}: {list}"
        );
        // a filtered list pages by cursor and keeps its filter in the links; a bad cursor is answered in Chinese
        let (_, list, _, _) = send(&app, "GET", "/records/regions?level=county&sort=code", &session, None).await;
        let next = list
            .split("href=\"")
            .filter_map(|h| h.split('"').next())
            .find(|h| h.contains("after="))
            .unwrap_or_else(|| panic!("{backend}: a next link in {list}"))
            .replace("&#38;", "&")
            .replace("&amp;", "&");
        assert!(next.contains("level=county") && next.contains("page=2"), "{next}");
        let (s, second, _, _) = send(&app, "GET", &format!("/records/regions{next}"), &session, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(second.contains("2 / ") && second.contains("rel=\"prev\""), "{second}");
        let (s, bad, _, _) = send(&app, "GET", "/records/regions?after=99999999", &session, None).await;
        assert!(s.is_client_error() && bad.contains("不存在"), "{backend}: {s} {bad}");
        let (_, page, _, _) = send(&app, "GET", &format!("/pairings/{pairing}"), &session, None).await;
        assert!(
            page.contains("城关第一小学 → 石桥乡中心小学") && page.contains("全员培训"),
            "{page}"
        );
        // its file: each kind of record with its count, linking to the pairing's list; what is empty says what to do
        assert!(
            page.contains("<title>城关第一小学 → 石桥乡中心小学")
                && page.contains(&format!("<a href=\"/records/activities?pairing_id={pairing}\">1</a>"))
                && page.contains(&format!(
                    "<a href=\"/records/needs/new?pairing_id={pairing}\">新建需求</a>"
                )),
            "{backend}: {page}"
        );
        // its work summary is offered for the school years of its term, the last one first, and for the whole term
        // (never for the running calendar year, of which its records say nothing)
        let first = page.find("period=").map(|i| &page[i..]).unwrap_or("");
        assert!(first.starts_with("period=2015-2016&format=docx"), "{page}");
        assert!(
            page.contains("2015—2016学年：")
                && page.contains(&format!("/summary?scope=pairing:{pairing}&period=term"))
                && !page.contains("period=2026"),
            "{page}"
        );
        let (_, inbox, _, _) = send(&app, "GET", "/inbox", &session, None).await;
        assert!(
            inbox.contains(&format!("/inbox/activities/{act}/confirm")),
            "{backend}: {inbox}"
        );
        let (s, _, _, _) = send(
            &app,
            "POST",
            &format!("/inbox/activities/{act}/confirm"),
            &session,
            Some("csrf=wrong".into()),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _, _, location) = send(
            &app,
            "POST",
            &format!("/inbox/activities/{act}/confirm"),
            &session,
            Some(format!("csrf={csrf}")),
        )
        .await;
        assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/inbox?done=1"));
        assert_eq!(
            store.get("activities", act).await.unwrap()["confirmation"],
            "confirmed",
            "{backend}"
        );
        // bulk: two more pending facts confirmed at once
        let more: Vec<i64> = {
            let mut v = Vec::new();
            for title in ["教研活动一", "教研活动二"] {
                v.push(create_id(&store, "activities", json!({"pairing_id": pairing, "kind": "teaching_research", "title": title, "start_date": "2014-11-01"})).await);
            }
            v
        };
        let form = format!(
            "csrf={csrf}&item=activities%3A{}&item=activities%3A{}",
            more[0], more[1]
        );
        let (s, _, _, location) = send(&app, "POST", "/inbox/confirm_all", &session, Some(form)).await;
        assert_eq!(
            (s, location.as_str()),
            (StatusCode::SEE_OTHER, "/inbox?done=1"),
            "{backend}"
        );
        for m in &more {
            assert_eq!(
                store.get("activities", *m).await.unwrap()["confirmation"],
                "confirmed",
                "{backend}"
            );
        }
        // the supporter cannot confirm its own facts, even by posting the form
        let (sup_session, sup_csrf) = login(&app, "sup").await;
        let (s, _, _, _) = send(
            &app,
            "POST",
            &format!("/inbox/activities/{act}/dispute"),
            &sup_session,
            Some(format!("csrf={sup_csrf}&reason=x")),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}");
        let (s, mine, _, _) = send(&app, "GET", "/mine", &session, None).await;
        assert!(
            s == StatusCode::OK
                && mine.contains("城关第一小学 → 石桥乡中心小学")
                && mine.contains("得分")
                && mine.contains("&format=docx\">下载工作总结"),
            "{backend}: {mine}"
        );
        // a coordinator marks a late obligation 督办 from the program's list
        user(&store, "coord", Role::Coordinator, vec![a]).await;
        let (coord, coord_csrf) = login(&app, "coord").await;
        // the program's page offers the program's summaries the same way: school years, the last complete first, and
        // the whole term; the offered preview is the program's summary
        let (_, page, _, _) = send(&app, "GET", &format!("/programs/{p}"), &coord, None).await;
        let first = page.find("scope=program:").map(|i| &page[i..]).unwrap_or("");
        assert!(
            first.starts_with(&format!("scope=program:{p}&period=2015-2016&format=docx")),
            "{backend}: {page}"
        );
        assert!(
            page.contains("2015—2016学年：") && page.contains(&format!("/summary?scope=program:{p}&period=term")),
            "{backend}: {page}"
        );
        let (s, preview, _, _) = send(
            &app,
            "GET",
            &format!("/api/v1/report?scope=program:{p}&period=2014-2015&format=html"),
            &coord,
            None,
        )
        .await;
        assert!(
            s == StatusCode::OK && preview.contains("校对校帮扶"),
            "{backend}: {s} {preview}"
        );
        // the chooser: the last complete school year by default, its semesters, any dates; the preview on the page is
        // the summary of the period chosen, and the download link writes the same period
        let (s, chooser, _, _) = send(&app, "GET", &format!("/summary?scope=program:{p}"), &coord, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {chooser}");
        assert!(
            chooser.contains("<option value=\"2015-2016\" selected>")
                && chooser.contains("<option value=\"2014-2015S1\"")
                && chooser.contains(&format!(
                    "scope=program:{p}&period=2015-2016&pending=separate&format=docx"
                ))
                && chooser.contains("class=\"summary-preview\""),
            "{backend}: {chooser}"
        );
        let (s, chosen, _, _) = send(
            &app,
            "GET",
            &format!("/summary?scope=pairing:{pairing}&period=2014-2015S1&pending=include"),
            &coord,
            None,
        )
        .await;
        assert!(
            s == StatusCode::OK
                && chosen.contains("2014—2015学年第一学期（秋季）")
                && chosen.contains("<option value=\"include\" selected>")
                && chosen.contains(&format!(
                    "scope=pairing:{pairing}&period=2014-2015S1&pending=include&format=docx"
                )),
            "{backend}: {chosen}"
        );
        let (s, dates, _, _) = send(
            &app,
            "GET",
            &format!("/summary?scope=pairing:{pairing}&from=2014-09-01&to=2015-01-31"),
            &coord,
            None,
        )
        .await;
        assert!(
            s == StatusCode::OK
                && dates.contains("2014年9月1日 至 2015年1月31日")
                && dates.contains("period=2014-09-01..2015-01-31&"),
            "{backend}: {dates}"
        );
        for (query, message) in [
            (
                format!("scope=pairing:{pairing}&from=2015-02-01&to=2014-09-01"),
                "早于开始日期",
            ),
            (
                format!("scope=pairing:{pairing}&from=2014-13-01&to=2015-01-31"),
                "开始日期应为",
            ),
            ("scope=pairing:x".to_string(), "scope"),
            (format!("scope=pairing:{pairing}&period=2014Q9"), "期间（period）"),
        ] {
            let (s, page, _, _) = send(&app, "GET", &format!("/summary?{query}"), &coord, None).await;
            assert!(
                s == StatusCode::BAD_REQUEST && page.contains(message),
                "{backend}: {query}: {s} {page}"
            );
        }
        let (_, list, _, _) = send(&app, "GET", &format!("/programs/{p}/supervision"), &coord, None).await;
        assert!(list.contains("督办清单") && list.contains("class=\"unmet\""), "{list}");
        let marker = "name=\"obligation_id\" value=\"";
        let i = list.find(marker).unwrap() + marker.len();
        let ob: String = list[i..].chars().take_while(|c| c.is_ascii_digit()).collect();
        let marker = "name=\"period\" value=\"";
        let j = list.find(marker).unwrap() + marker.len();
        let period: String = list[j..].chars().take_while(|c| *c != '"').collect();
        let marker = "name=\"subject\" value=\"";
        let k = list.find(marker).unwrap() + marker.len();
        let subject: String = list[k..].chars().take_while(|c| *c != '"').collect();
        let due = chrono::Utc::now().date_naive() + chrono::Days::new(30);
        let form = format!("csrf={coord_csrf}&pairing_id={pairing}&obligation_id={ob}&period={period}&subject={subject}&note=%E8%AF%B7%E8%A1%A5%E8%B6%B3&due_on={due}");
        let (s, page, _, _) = send(&app, "POST", &format!("/programs/{p}/supervision"), &coord, Some(form)).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {page}");
        assert!(
            page.contains("已督办") && page.contains("督办中：请补足"),
            "{backend}: {page}"
        );
        // the workplace is Chinese only (issue #19 item 6: complete or not offered): no switch, no half-English page
        let (s, _, _, _) = send(&app, "GET", "/lang/en", &session, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{backend}");
        let (_, home, _, _) = send(&app, "GET", "/", &format!("{session}; duikou_lang=en"), None).await;
        assert!(
            home.contains("lang=\"zh-CN\"") && home.contains("我的工作台"),
            "{backend}: {home}"
        );
        assert!(
            !home.contains("English") && !home.contains("Dashboard"),
            "{backend}: {home}"
        );
        let (s, _, _, _) = send(&app, "POST", "/logout", &session, Some(format!("csrf={csrf}"))).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (s, _, _, _) = send(&app, "GET", "/inbox", &session, None).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{backend}: logged out");
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn forms_keep_input_show_errors_make_one_record_and_catch_stale_edits() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        user(&store, "boss", Role::Admin, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (session, csrf) = login(&app, "boss").await;
        let (s, form, _, _) = send(&app, "GET", "/records/orgs/new", &session, None).await;
        assert_eq!(s, StatusCode::OK);
        let i = form.find("name=\"_token\" value=\"").unwrap() + 21;
        let token = &form[i..i + 32];
        // bad input: messages next to the fields, what was typed kept (and escaped)
        let bad =
            format!("_csrf={csrf}&_token={token}&version=&name=%3Cb%3E%E5%8D%95%E4%BD%8D&kind=bank&region_code=123");
        let (s, page, _, _) = send(&app, "POST", "/records/orgs/new", &session, Some(bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(
            page.contains("id=\"e_kind\"") && page.contains("id=\"e_region_code\""),
            "{page}"
        );
        assert!(
            page.contains("value=\"&#60;b&#62;单位\""),
            "the typed name is kept, as text: {page}"
        );
        assert!(
            !page.contains("（region_code）") && !page.contains("（kind）"),
            "the field's label only: {page}"
        );
        assert_eq!(store.list("orgs", &Default::default()).await.unwrap().total, 0);
        // a good submit, then the same form again: one record
        let good =
            format!("_csrf={csrf}&_token={token}&version=&name=%E5%9F%8E%E5%85%B3%E5%B0%8F%E5%AD%A6&kind=school");
        let (s, _, _, location) = send(&app, "POST", "/records/orgs/new", &session, Some(good.clone())).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{backend}");
        let (s, _, _, again) = send(&app, "POST", "/records/orgs/new", &session, Some(good)).await;
        assert_eq!(
            (s, again),
            (StatusCode::SEE_OTHER, location.clone()),
            "{backend}: the double submit lands on the same record"
        );
        // it lands on the saved record, which says it was saved
        assert!(
            location.starts_with("/records/orgs/") && location.ends_with("?saved=1"),
            "{backend}: {location}"
        );
        let (_, saved, _, _) = send(&app, "GET", &location, &session, None).await;
        assert!(
            saved.contains("已保存") && saved.contains("单位：城关小学"),
            "{backend}: {saved}"
        );
        assert_eq!(
            store.list("orgs", &Default::default()).await.unwrap().total,
            1,
            "{backend}"
        );
        // someone else edits in between: the stale edit is shown, not saved
        let org = store.list("orgs", &Default::default()).await.unwrap().items[0].clone();
        let id = org["id"].as_i64().unwrap();
        let (_, edit, _, _) = send(&app, "GET", &format!("/records/orgs/{id}/edit"), &session, None).await;
        assert!(edit.contains("name=\"version\" value=\"1\""), "{edit}");
        store
            .update(&Actor::system(), "orgs", id, &json!({"note": "别人先改了"}))
            .await
            .unwrap();
        let post = format!("_csrf={csrf}&_token=x&version=1&name=%E5%9F%8E%E5%85%B3%E5%B0%8F%E5%AD%A6&kind=school&note=%E6%88%91%E7%9A%84");
        let (s, page, _, _) = send(&app, "POST", &format!("/records/orgs/{id}/edit"), &session, Some(post)).await;
        assert_eq!(s, StatusCode::CONFLICT, "{backend}");
        assert!(page.contains("已被他人修改") && page.contains("我的"), "{page}");
        assert_eq!(store.get("orgs", id).await.unwrap()["note"], "别人先改了");
        t.finish().await.unwrap();
    }
}

fn multipart(csrf: &str, name: &str, content: &str) -> (String, String) {
    let b = "XBOUNDARYX";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--{b}--\r\n"
    );
    (format!("multipart/form-data; boundary={b}"), body)
}

#[tokio::test]
async fn the_import_wizard_checks_first_then_writes_on_confirm() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        user(&store, "boss", Role::Admin, vec![]).await;
        user(&store, "other_boss", Role::Admin, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (session, csrf) = login(&app, "boss").await;
        let post = |ct: String, body: String| {
            let app = app.clone();
            let session = session.clone();
            async move {
                let req = Request::builder()
                    .method("POST")
                    .uri("/import/orgs")
                    .header(header::COOKIE, session)
                    .header(header::CONTENT_TYPE, ct)
                    .body(Body::from(body))
                    .unwrap();
                let resp = app.oneshot(req).await.unwrap();
                String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).to_string()
            }
        };
        let (ct, body) = multipart(
            &csrf,
            "orgs.csv",
            "名称,单位类型,所在区划\n吐鲁番市实验中学,学校,吐鲁番\n",
        );
        let page = post(ct, body).await;
        assert!(
            page.contains("未写入任何数据") && page.contains("单位类型") && page.contains("学校"),
            "{page}"
        );
        let (ct, body) = multipart(
            &csrf,
            "orgs.csv",
            "名称,单位类型,所在区划\n吐鲁番市实验中学,中小学/幼儿园,吐鲁番\n",
        );
        let page = post(ct, body).await;
        assert!(page.contains("将新建 1"), "{page}");
        assert_eq!(
            store.list("orgs", &Default::default()).await.unwrap().total,
            0,
            "a dry run writes nothing"
        );
        let i = page.find("name=\"document_id\" value=\"").unwrap() + 26;
        let doc: String = page[i..].chars().take_while(|c| c.is_ascii_digit()).collect();
        // only the user who staged the file confirms it: not another (even an admin), nor anyone any other document
        let (other_session, other_csrf) = login(&app, "other_boss").await;
        let (s, refused, _, _) = send(
            &app,
            "POST",
            "/import/orgs/confirm",
            &other_session,
            Some(format!("csrf={other_csrf}&document_id={doc}")),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{refused}");
        assert!(refused.contains("不是您本人上传并检查过的文件"), "{refused}");
        let plain = create_id(&store, "documents", json!({"kind": "other", "title": "普通文档"})).await;
        let (s, refused, _, _) = send(
            &app,
            "POST",
            "/import/orgs/confirm",
            &session,
            Some(format!("csrf={csrf}&document_id={plain}")),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{refused}");
        assert_eq!(
            store.list("orgs", &Default::default()).await.unwrap().total,
            0,
            "{}: a refused confirmation writes nothing",
            t.backend
        );
        let (_, done, _, _) = send(
            &app,
            "POST",
            "/import/orgs/confirm",
            &session,
            Some(format!("csrf={csrf}&document_id={doc}")),
        )
        .await;
        assert!(done.contains("已导入：1 行，新建 1"), "{done}");
        assert_eq!(
            store.list("orgs", &Default::default()).await.unwrap().items[0]["region_code"],
            "650400"
        );
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn a_record_page_shows_its_history_and_viewers_get_no_write_links() {
    let t = TestStore::sqlite().await.unwrap();
    let store = t.store.clone();
    let sys = Actor::system();
    for (name, role) in [("boss", Role::Admin), ("guest", Role::Viewer)] {
        user(&store, name, role, vec![]).await;
    }
    let org = create(&store, "orgs", json!({"name": "城关小学", "kind": "school"})).await;
    let id = org["id"].as_i64().unwrap();
    store
        .update(&sys, "orgs", id, &json!({"note": "第二次修改"}))
        .await
        .unwrap();
    let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
    let (session, _) = login(&app, "boss").await;
    let (s, page, _, _) = send(&app, "GET", &format!("/records/orgs/{id}"), &session, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("新建") && page.contains("修改") && page.contains("备注：第二次修改"),
        "{page}"
    );
    // the record by its name, who changed it by name (the server's own writes as 系统), never by number; an org's page
    // offers the work summary of its pairings
    assert!(
        page.contains("<h1>单位：城关小学</h1>")
            && page.contains("<td>系统</td>")
            && !page.contains("Z</td>")
            && !page.contains("单位 #")
            && !page.contains("用户 ")
            && page.contains(&format!("/summary?scope=org:{id}")),
        "{page}"
    );
    // a page that fails is a page, in Chinese, with the reason and a way back (never the API's JSON)
    for (uri, status, words) in [
        (
            "/records/orgs/999999".to_string(),
            StatusCode::NOT_FOUND,
            "找不到编号为 999999 的单位",
        ),
        ("/records/nonsense/1".to_string(), StatusCode::NOT_FOUND, "没有这种记录"),
        (format!("/records/orgs/{id}/edit?x=1"), StatusCode::OK, ""),
    ] {
        let (s, page, _, _) = send(&app, "GET", &uri, &session, None).await;
        assert_eq!(s, status, "{uri}: {page}");
        if s != StatusCode::OK {
            assert!(
                page.starts_with("<!doctype html>")
                    && page.contains("找不到该页面或记录")
                    && page.contains(words)
                    && page.contains("返回首页"),
                "{uri}: {page}"
            );
        }
    }
    let (s, summary, _, _) = send(&app, "GET", &format!("/summary?scope=org:{id}"), &session, None).await;
    assert!(
        s == StatusCode::OK && summary.contains("城关小学（所支援和受援的全部结对）"),
        "{s} {summary}"
    );
    let (guest, _) = login(&app, "guest").await;
    let (_, list, _, _) = send(&app, "GET", "/records/orgs", &guest, None).await;
    assert!(
        !list.contains("/records/orgs/new") && !list.contains("/edit"),
        "viewers are not offered writes: {list}"
    );
    let (_, page, _, _) = send(&app, "GET", &format!("/records/orgs/{id}"), &guest, None).await;
    assert!(!page.contains("备注：第二次修改"), "viewers do not read the audit log");
    t.finish().await.unwrap();
}

/// The figure of a card on a dashboard ("活动" → its count).
fn card(page: &str, label: &str) -> String {
    let marker = format!("<span class=\"muted\">{label}</span><b>");
    let i = page.find(&marker).unwrap_or_else(|| panic!("a card {label} in {page}")) + marker.len();
    page[i..].chars().take_while(|c| *c != '<').collect()
}

#[tokio::test]
async fn the_dashboard_is_drawn_once_per_write_and_follows_writes_made_on_another_server() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let sys = Actor::system();
        let a = create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let b = create_id(&store, "orgs", json!({"name": "石桥乡中心小学", "kind": "school"})).await;
        let p = create_id(&store, "programs", json!({"name": "校对校帮扶", "authority_org_id": a, "start_date": "2013-10-01", "end_date": "2016-08-31", "calendar": {"kind": "school_year"}})).await;
        let pairing = create_id(&store, "pairings", json!({"program_id": p, "supporter_org_id": a, "receiver_org_id": b, "level": "school_school", "start_date": "2013-10-01", "end_date": "2016-08-31"})).await;
        store.apply_template(&sys, p, "school_pairing", &[]).await.unwrap();
        // a program without obligations says so instead of 0 / 0 / 0 / 0
        let bare = create_id(&store, "programs", json!({"name": "无目标计划", "authority_org_id": a})).await;
        create_id(
            &store,
            "pairings",
            json!({"program_id": bare, "supporter_org_id": b, "receiver_org_id": a, "level": "school_school"}),
        )
        .await;
        user(&store, "boss", Role::Admin, vec![]).await;
        let state = duikou_web::AppState::new(store.clone());
        let app = duikou_web::app(state.clone());
        let (session, _) = login(&app, "boss").await;

        let (s, first, _, _) = send(&app, "GET", "/dashboard", &session, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert_eq!(card(&first, "活动"), "0", "{backend}");
        let bare_row = first
            .split("<tr>")
            .find(|r| r.contains("无目标计划"))
            .unwrap_or_default();
        assert!(
            bare_row.contains("无可考核目标") && !bare_row.contains("class=\"num met\""),
            "{backend}: {first}"
        );
        let unmet = |page: &str| {
            let i = page.find("class=\"num unmet\">").unwrap() + 18;
            page[i..].chars().take_while(|c| c.is_ascii_digit()).collect::<String>()
        };
        let unmet_before = unmet(&first);
        let drawn = state.views.drawn();
        assert!(drawn >= 1, "{backend}");
        // a repeat view of an unchanged record draws nothing and shows the same
        let (_, again, _, _) = send(&app, "GET", "/dashboard", &session, None).await;
        assert_eq!(state.views.drawn(), drawn, "{backend}: nothing drawn again");
        assert_eq!(again, first, "{backend}");
        // a cookie asking for another language changes nothing: the same kept view
        let (_, en, _, _) = send(&app, "GET", "/dashboard", &format!("{session}; duikou_lang=en"), None).await;
        assert_eq!((en, state.views.drawn()), (first.clone(), drawn), "{backend}");

        // another server writes to the same database: this one's next view shows it
        let other = t.open_again().await.unwrap();
        for (i, day) in ["2014-10-10", "2015-10-10"].into_iter().enumerate() {
            let act = create_id(&other, "activities", json!({"pairing_id": pairing, "kind": "training", "audience": "all_staff", "title": format!("全员培训{i}"), "start_date": day, "person_times": 40})).await;
            // assessment counts what the receiver confirmed
            other
                .set_confirmation(&sys, "activities", act, true, None)
                .await
                .unwrap();
        }
        let (_, after, _, _) = send(&app, "GET", "/dashboard", &session, None).await;
        assert_eq!(card(&after, "活动"), "2", "{backend}: the new activities are counted");
        assert!(after.contains("培训"), "{backend}: the activity chart names the kind");
        assert_ne!(
            unmet(&after),
            unmet_before,
            "{backend}: the yearly training obligations are met now"
        );
        assert_eq!(state.views.drawn(), drawn + 1, "{backend}: drawn once more");
        other.db().close().await;
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn receivers_appraise_the_people_sent_to_them_and_keep_their_local_indicators() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let org = |name: &str, region: Option<&str>| {
            let store = store.clone();
            let input = json!({"name": name, "kind": "school", "region_code": region});
            async move { create_id(&store, "orgs", input).await }
        };
        let sup = org("城关第一小学", None).await;
        let rec = org("石桥乡中心小学", Some("650402")).await;
        let other = org("河西小学", Some("650421")).await;
        let p = create_id(&store, "programs", json!({"name": "校对校帮扶", "authority_org_id": sup, "start_date": "2013-10-01", "end_date": "2016-08-31"})).await;
        let mut dispatch = Vec::new();
        for (receiver, name) in [(rec, "张<b>老师</b>"), (other, "李医生")] {
            let pairing = create_id(&store, "pairings", json!({"program_id": p, "supporter_org_id": sup, "receiver_org_id": receiver, "level": "school_school", "start_date": "2013-10-01", "end_date": "2016-08-31"})).await;
            let person = create_id(&store, "people", json!({"name": name})).await;
            dispatch.push(create_id(&store, "dispatches", json!({"pairing_id": pairing, "person_id": person, "role": "teacher", "batch": 7, "post": "副校长", "start_date": "2014-09-01", "end_date": "2015-07-10"})).await);
        }
        // a teacher the receiver seconded to the supporter is not the receiver's to appraise
        let seconded = create_id(&store, "people", json!({"name": "王挂职"})).await;
        let pairing1 = store.get("dispatches", dispatch[0]).await.unwrap()["pairing_id"].clone();
        create(&store, "dispatches", json!({"pairing_id": pairing1, "person_id": seconded, "role": "manager", "direction": "to_supporter", "start_date": "2014-09-01"})).await;
        create(
            &store,
            "appraisals",
            json!({"dispatch_id": dispatch[0], "year": 2014, "grade": "excellent"}),
        )
        .await;
        let gdp = create_id(
            &store,
            "indicators",
            json!({"code": "gdp", "name": "地区生产总值", "unit": "亿元"}),
        )
        .await;
        let teachers = create_id(
            &store,
            "indicators",
            json!({"code": "teachers", "name": "专任教师数", "unit": "人"}),
        )
        .await;
        for (field, value, v) in [
            ("org_id", json!(rec), "48"),
            ("org_id", json!(other), "31"),
            ("region_code", json!("650402"), "112.5"),
        ] {
            let indicator = if field == "org_id" { teachers } else { gdp };
            create(
                &store,
                "indicator_values",
                json!({"indicator_id": indicator, field: value, "period": "2014", "value": v, "source": "统计公报"}),
            )
            .await;
        }
        user(&store, "rec", Role::ReceiverEditor, vec![rec]).await;
        user(&store, "sup", Role::SupporterEditor, vec![sup]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (session, csrf) = login(&app, "rec").await;

        let (s, page, _, _) = send(&app, "GET", "/receiver/people", &session, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {page}");
        assert!(
            page.contains("href=\"/receiver/people\"") && page.contains("援派人员评价"),
            "{page}"
        );
        assert!(
            page.contains("张&#60;b&#62;老师&#60;/b&#62;") && !page.contains("<b>老师"),
            "{backend}: the name, as text: {page}"
        );
        assert!(
            !page.contains("李医生"),
            "{backend}: another receiver's people are not listed"
        );
        assert!(
            !page.contains("王挂职"),
            "{backend}: people seconded the other way are not listed"
        );
        assert!(
            page.contains("2014：优秀")
                && page.contains("支教教师")
                && page.contains("第7批")
                && page.contains("副校长"),
            "{backend}: {page}"
        );
        let new = format!(
            "/records/appraisals/new?dispatch_id={}&amp;year=2015&amp;next=/receiver/people",
            dispatch[0]
        );
        assert!(page.contains(&new), "{backend}: 2015 waits for its appraisal: {page}");

        // the link opens the generic form with the dispatch and year filled in; saving comes back to the list
        let (s, form, _, _) = send(&app, "GET", &new.replace("&amp;", "&"), &session, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(
            form.contains(&format!(
                "id=\"f_dispatch_id\" name=\"dispatch_id\" type=\"text\" value=\"{}\"",
                dispatch[0]
            )) && form.contains("value=\"2015\"")
                && form.contains("name=\"_next\" value=\"/receiver/people\""),
            "{backend}: {form}"
        );
        let i = form.find("name=\"_token\" value=\"").unwrap() + 21;
        let token = &form[i..i + 32];
        let post = format!(
            "_csrf={csrf}&_token={token}&version=&_next=%2Freceiver%2Fpeople&dispatch_id={}&year=2015&grade=competent&comment=%E8%AE%A4%E7%9C%9F",
            dispatch[0]
        );
        let (s, _, _, location) = send(&app, "POST", "/records/appraisals/new", &session, Some(post)).await;
        assert_eq!(
            (s, location.as_str()),
            (StatusCode::SEE_OTHER, "/receiver/people"),
            "{backend}"
        );
        let (_, page, _, _) = send(&app, "GET", "/receiver/people", &session, None).await;
        assert!(
            page.contains("2015：称职") && !page.contains("year=2015"),
            "{backend}: {page}"
        );

        let (s, page, _, _) = send(&app, "GET", "/receiver/indicators", &session, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {page}");
        assert!(
            page.contains("专任教师数") && page.contains("48 人") && page.contains("112.5 亿元"),
            "{backend}: its org's and its region's values: {page}"
        );
        assert!(!page.contains("31 人"), "{backend}: not another org's: {page}");
        assert!(
            page.contains(&format!(
                "/records/indicator_values/new?org_id={rec}&amp;next=/receiver/indicators"
            )) && page.contains("/records/indicator_values/new?region_code=650402"),
            "{backend}: {page}"
        );

        // a supporter is neither offered these pages nor let in
        let (sup_session, _) = login(&app, "sup").await;
        let (_, home, _, _) = send(&app, "GET", "/", &sup_session, None).await;
        assert!(!home.contains("/receiver/people"), "{backend}: not offered");
        for path in ["/receiver/people", "/receiver/indicators"] {
            let (s, page, _, _) = send(&app, "GET", path, &sup_session, None).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {path}");
            assert!(
                page.contains("受援方填报员") && !page.contains("张"),
                "{backend}: {page}"
            );
        }
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn a_program_page_drills_down_from_its_figures_to_its_pairings() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let authority = create_id(&store, "orgs", json!({"name": "援疆前方指挥部", "kind": "government"})).await;
        let sup = create_id(&store, "orgs", json!({"name": "湖南省", "kind": "government"})).await;
        let p = create_id(&store, "programs", json!({"name": "对口援疆", "authority_org_id": authority, "start_date": "2011-01-01", "end_date": "2020-12-31"})).await;
        let mut pairings = Vec::new();
        for i in 0..53 {
            let rec = create_id(
                &store,
                "orgs",
                json!({"name": format!("受援县{i:02}"), "kind": "government"}),
            )
            .await;
            pairings.push(create_id(&store, "pairings", json!({"program_id": p, "supporter_org_id": sup, "receiver_org_id": rec, "level": "unit_county", "start_date": "2011-01-01", "end_date": "2020-12-31"})).await);
        }
        let project = create_id(&store, "projects", json!({"pairing_id": pairings[0], "name": "吐鲁番市第一中学教学楼", "category": "education", "started_on": "2014-03-01", "total_investment": "3000000"})).await;
        for (kind, source, amount) in [
            ("commitment", "supporter", "300000"),
            ("disbursement", "supporter", "200000"),
            ("commitment", "local", "50000"),
        ] {
            create(
                &store,
                "transactions",
                json!({"project_id": project, "kind": kind, "source": source, "amount": amount, "date": "2014-05-01"}),
            )
            .await;
        }
        let person = create_id(&store, "people", json!({"name": "刘干部"})).await;
        create(&store, "dispatches", json!({"pairing_id": pairings[0], "person_id": person, "role": "cadre", "batch": 8, "start_date": "2014-02-01"})).await;
        user(&store, "coord", Role::Coordinator, vec![authority]).await;
        user(&store, "guest", Role::Viewer, vec![]).await;
        user(&store, "sup", Role::SupporterEditor, vec![sup]).await;
        let state = duikou_web::AppState::new(store.clone());
        let app = duikou_web::app(state.clone());
        let (coord, _) = login(&app, "coord").await;

        let (_, home, _, _) = send(&app, "GET", "/", &coord, None).await;
        assert!(
            home.contains(&format!("<a href=\"/programs/{p}\">对口援疆</a>")),
            "{backend}: {home}"
        );
        let path = format!("/programs/{p}");
        let (s, page, _, _) = send(&app, "GET", &path, &coord, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {page}");
        for want in [
            "资金按年度和来源",
            "<td>2014</td><td>援助资金</td><td class=\"num\">30万元</td><td class=\"num\">20万元</td>",
            "<td>地方配套</td><td class=\"num\">5万元</td>",
            "开工率",
            "100.0%",
            "援派干部",
            "第8批 1",
            "目标任务完成情况",
            "<svg",
            "1 / 2",
        ] {
            assert!(page.contains(want), "{backend}: {want} in {page}");
        }
        let links = page.matches("<tr><td><a href=\"/pairings/").count();
        assert_eq!(links, 50, "{backend}: 50 pairings to a page");
        assert!(
            page.contains(&format!("href=\"/pairings/{}\"", pairings[0])),
            "{backend}"
        );
        let next = page
            .split("href=\"")
            .filter_map(|h| h.split('"').next())
            .find(|h| h.contains("after="))
            .unwrap_or_else(|| panic!("{backend}: a next link in {page}"))
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        let (s, second, _, _) = send(&app, "GET", &format!("{path}{next}"), &coord, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert_eq!(second.matches("<tr><td><a href=\"/pairings/").count(), 3, "{backend}");
        assert!(
            second.contains(&format!("href=\"/pairings/{}\"", pairings[52]))
                && second.contains("2 / 2")
                && second.contains("rel=\"prev\""),
            "{backend}: {second}"
        );
        assert!(second.contains("受援县52") && !second.contains("受援县00"), "{backend}");

        // drawn once; a write changes the figures
        let drawn = state.views.drawn();
        send(&app, "GET", &path, &coord, None).await;
        assert_eq!(state.views.drawn(), drawn, "{backend}: a repeat view draws nothing");
        create(&store, "transactions", json!({"project_id": project, "kind": "disbursement", "source": "supporter", "amount": "100000", "date": "2014-06-01"})).await;
        let (_, page, _, _) = send(&app, "GET", &path, &coord, None).await;
        assert!(
            page.contains("<td>2014</td><td>援助资金</td><td class=\"num\">30万元</td><td class=\"num\">30万元</td>"),
            "{backend}: {page}"
        );

        // viewers read it; an editor is refused; an unknown program is not found
        let (guest, _) = login(&app, "guest").await;
        let (s, _, _, _) = send(&app, "GET", &path, &guest, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        let (sup_session, _) = login(&app, "sup").await;
        let (_, home, _, _) = send(&app, "GET", "/", &sup_session, None).await;
        assert!(
            !home.contains(&format!("href=\"/programs/{p}\"")),
            "{backend}: not offered"
        );
        let (s, page, _, _) = send(&app, "GET", &path, &sup_session, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}");
        assert!(!page.contains("30万元"), "{backend}");
        let (s, _, _, _) = send(&app, "GET", "/programs/999999", &coord, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{backend}");
        t.finish().await.unwrap();
    }
}

/// Where the navigation can send each role: a link is offered exactly when its page serves the role.
const NAV_LINKS: [&str; 10] = [
    "/",
    "/mine",
    "/inbox",
    "/records/programs",
    "/records/pairings",
    "/records/activities",
    "/records/needs",
    "/records/indicator_values",
    "/receiver/people",
    "/receiver/indicators",
];

#[tokio::test]
async fn each_role_is_offered_the_pages_it_may_use_and_refused_the_others() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let a = create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let b = create_id(&store, "orgs", json!({"name": "石桥乡中心小学", "kind": "school"})).await;
        let p = create_id(
            &store,
            "programs",
            json!({"name": "校对校帮扶", "authority_org_id": a, "start_date": "2013-10-01"}),
        )
        .await;
        create(
            &store,
            "pairings",
            json!({"program_id": p, "supporter_org_id": a, "receiver_org_id": b, "level": "school_school"}),
        )
        .await;
        user(&store, "boss", Role::Admin, vec![]).await;
        user(&store, "coord", Role::Coordinator, vec![]).await;
        user(&store, "sup", Role::SupporterEditor, vec![a]).await;
        user(&store, "rec", Role::ReceiverEditor, vec![b]).await;
        user(&store, "guest", Role::Viewer, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let lists = [
            "/",
            "/records/programs",
            "/records/pairings",
            "/records/activities",
            "/records/needs",
            "/records/indicator_values",
        ];
        let receiver = ["/receiver/people", "/receiver/indicators"];
        for (name, offered) in [
            ("boss", [&lists[..], &["/mine", "/inbox"]].concat()),
            ("coord", lists.to_vec()),
            ("sup", [&lists[..], &["/mine"]].concat()),
            ("rec", [&lists[..], &["/mine", "/inbox"], &receiver].concat()),
            ("guest", lists.to_vec()),
        ] {
            let (session, csrf) = login(&app, name).await;
            let (s, home, _, _) = send(&app, "GET", "/", &session, None).await;
            assert_eq!(s, StatusCode::OK, "{backend} {name}");
            let nav = &home[home.find("<nav").unwrap()..home.find("</nav>").unwrap()];
            for link in NAV_LINKS {
                let shown = nav.contains(&format!("href=\"{link}\""));
                assert_eq!(
                    shown,
                    offered.contains(&link),
                    "{backend} {name}: the link {link} in {nav}"
                );
                // what is not offered is refused by the server too, with a page that keeps the navigation
                let (s, page, _, _) = send(&app, "GET", link, &session, None).await;
                if shown {
                    assert_eq!(s, StatusCode::OK, "{backend} {name}: {link}: {page}");
                } else {
                    assert_eq!(s, StatusCode::FORBIDDEN, "{backend} {name}: {link}: {page}");
                    assert!(page.contains("<nav") && page.contains(name), "{backend} {name}: {page}");
                }
            }
            // the program pages and their 督办 lists: linked from the dashboard and the programs list for overseers only
            let oversees = ["boss", "coord", "guest"].contains(&name);
            let supervision = format!("/programs/{p}/supervision");
            assert_eq!(
                home.contains(&format!("href=\"{supervision}\"")),
                oversees,
                "{backend} {name}"
            );
            for page in [format!("/programs/{p}"), supervision.clone()] {
                let (s, body, _, _) = send(&app, "GET", &page, &session, None).await;
                let expected = if oversees {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(s, expected, "{backend} {name}: {page}: {body}");
            }
            if !oversees {
                let form = Some(format!("csrf={csrf}&note=x"));
                let (s, _, _, _) = send(&app, "POST", &supervision, &session, form).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{backend} {name}: marking 督办");
            }
            let (_, programs, _, _) = send(&app, "GET", "/records/programs", &session, None).await;
            let linked = programs.contains(&format!("href=\"/programs/{p}\""));
            assert_eq!(linked, oversees, "{backend} {name}: {programs}");
        }
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn editors_pick_their_pairings_people_and_orgs_from_lists() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let org = |name: &'static str| json!({"name": name, "kind": "school"});
        let a = create_id(&store, "orgs", org("城关第一小学")).await;
        let b = create_id(&store, "orgs", org("石桥乡中心小学")).await;
        let c = create_id(&store, "orgs", org("别县第三小学")).await;
        let p = create_id(
            &store,
            "programs",
            json!({"name": "校对校帮扶", "authority_org_id": a, "start_date": "2013-10-01"}),
        )
        .await;
        let pairing =
            |s: i64| json!({"program_id": p, "supporter_org_id": s, "receiver_org_id": b, "level": "school_school"});
        let mine = create_id(&store, "pairings", pairing(a)).await;
        let other = create_id(&store, "pairings", pairing(c)).await;
        let ours = create_id(&store, "people", json!({"name": "本校教师甲", "home_org_id": a})).await;
        let theirs = create_id(&store, "people", json!({"name": "别校教师乙", "home_org_id": c})).await;
        user(&store, "sup", Role::SupporterEditor, vec![a]).await;
        user(&store, "coord", Role::Coordinator, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));

        let (session, _) = login(&app, "sup").await;
        let (s, form, _, _) = send(&app, "GET", "/records/dispatches/new", &session, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        let option = |id: i64, label: &str| format!("<option value=\"{id}\">{label}</option>");
        for (want, what) in [
            (option(mine, "城关第一小学 → 石桥乡中心小学"), "its pairing"),
            (option(ours, "本校教师甲"), "a person of its org"),
            (option(b, "石桥乡中心小学"), "the receiving org of its pairing"),
        ] {
            assert!(form.contains(&want), "{backend}: {what} offered: {form}");
        }
        for (unwanted, what) in [
            (
                option(other, "别县第三小学 → 石桥乡中心小学"),
                "another supporter's pairing",
            ),
            (option(theirs, "别校教师乙"), "another org's person"),
            (option(c, "别县第三小学"), "an org of no pairing of its own"),
        ] {
            assert!(!form.contains(&unwanted), "{backend}: {what} not offered: {form}");
        }
        // a record pointing outside the lists keeps its value when edited
        let d = create_id(
            &store,
            "dispatches",
            json!({"pairing_id": mine, "person_id": theirs, "role": "teacher"}),
        )
        .await;
        let (_, edit, _, _) = send(&app, "GET", &format!("/records/dispatches/{d}/edit"), &session, None).await;
        assert!(
            edit.contains(&format!("<option value=\"{theirs}\" selected>别校教师乙</option>")),
            "{backend}: {edit}"
        );

        // a coordinator of every program types the id
        let (session, _) = login(&app, "coord").await;
        let (_, form, _, _) = send(&app, "GET", "/records/dispatches/new", &session, None).await;
        assert!(form.contains("<input id=\"f_pairing_id\""), "{backend}: {form}");
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn a_newcomer_finds_the_login_link_and_on_a_demo_the_accounts_to_try() {
    for t in TestStore::all().await.unwrap() {
        let backend = t.backend;
        let plain = duikou_web::app(duikou_web::AppState::new(t.store.clone()));
        let (s, home, _, _) = send(&plain, "GET", "/", "", None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(home.contains("href=\"/login\">登录</a>"), "{backend}: {home}");
        // a real deployment names no accounts and no password
        let (s, page, _, _) = send(&plain, "GET", "/login", "", None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(
            !page.contains("duikou-demo") && !page.contains("<code>admin</code>"),
            "{page}"
        );

        let demo = duikou_web::app(duikou_web::AppState {
            demo_accounts: vec![("admin", "系统管理员：用户、解锁和全部数据"), ("guest", "只读用户")].into(),
            ..duikou_web::AppState::new(t.store.clone())
        });
        let (s, page, _, _) = send(&demo, "GET", "/login", "", None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(
            page.contains("已载入示例数据") && page.contains("duikou-demo"),
            "{page}"
        );
        assert!(
            page.contains("<code>admin</code>") && page.contains("<code>guest</code>") && page.contains("只读用户")
        );
        // the hint stays after a wrong password
        let (_, page, cookies, _) = send(&demo, "GET", "/login", "", None).await;
        let token = csrf_of(&page);
        let (s, page, _, _) = send(
            &demo,
            "POST",
            "/login",
            &cookies.join("; "),
            Some(format!("username=admin&password=nope&csrf={token}")),
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{backend}");
        assert!(
            page.contains("已载入示例数据") && page.contains("<code>admin</code>"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn approximate_figures_show_as_written_and_forms_take_the_written_form() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        user(&store, "boss", Role::Admin, vec![]).await;
        let authority = create_id(&store, "orgs", json!({"name": "教育局", "kind": "government"})).await;
        let sup = create_id(&store, "orgs", json!({"name": "南京农业大学", "kind": "university"})).await;
        let rec = create_id(&store, "orgs", json!({"name": "新疆农业大学", "kind": "university"})).await;
        let program = create_id(
            &store,
            "programs",
            json!({"name": "对口支援", "authority_org_id": authority}),
        )
        .await;
        let pairing = create_id(
            &store,
            "pairings",
            json!({"program_id": program, "supporter_org_id": sup, "receiver_org_id": rec, "level": "school_school"}),
        )
        .await;
        let id = create_id(
            &store,
            "activities",
            json!({"pairing_id": pairing, "kind": "teaching", "title": "开设急需课程", "start_date": "2005-03-01",
                   "hours": "1500余", "person_times": "20-50", "amount": "约1000万元"}),
        )
        .await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (session, csrf) = login(&app, "boss").await;
        let (s, list, _, _) = send(&app, "GET", "/records/activities", &session, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        // the list's eighth column is 人次
        assert!(list.contains("20—50人次"), "{backend}: {list}");
        assert!(!list.contains("限定词"), "{backend}: no column of its own: {list}");
        let (_, page, _, _) = send(&app, "GET", &format!("/records/activities/{id}"), &session, None).await;
        for shown in ["1500余课时", "20—50人次", "约1000万元"] {
            assert!(page.contains(shown), "{backend}: {shown} in {page}");
        }
        assert!(
            !page.contains("课时限定词") && !page.contains("人次上限"),
            "{backend}: {page}"
        );
        let (_, card, _, _) = send(&app, "GET", &format!("/pairings/{pairing}"), &session, None).await;
        assert!(
            card.contains("1500余课时") && card.contains("20—50人次"),
            "{backend}: {card}"
        );
        let (_, edit, _, _) = send(&app, "GET", &format!("/records/activities/{id}/edit"), &session, None).await;
        assert!(edit.contains("value=\"1500余\""), "{backend}: {edit}");
        assert!(edit.contains("value=\"20-50\""), "{backend}: {edit}");
        let post = |hours: &str| {
            format!(
                "_csrf={csrf}&_token=x&version=1&pairing_id={pairing}&kind=teaching&title=x&start_date=2005-03-01&hours={}&person_times=20-50&amount=%E7%BA%A61000%E4%B8%87",
                hours
            )
        };
        // a qualifier not in the list: named at the field, the typed text kept, nothing saved
        let (s, page, _, _) = send(
            &app,
            "POST",
            &format!("/records/activities/{id}/edit"),
            &session,
            Some(post("1500%E8%AE%B8")),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(
            page.contains("id=\"e_hours\"") && page.contains("无法识别的限定词“许”"),
            "{backend}: {page}"
        );
        assert!(page.contains("value=\"1500许\""), "{backend}: {page}");
        assert_eq!(store.get("activities", id).await.unwrap()["hours_approx"], "余");
        let (s, _, _, _) = send(
            &app,
            "POST",
            &format!("/records/activities/{id}/edit"),
            &session,
            Some(post("1600%E5%A4%9A")),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{backend}");
        let saved = store.get("activities", id).await.unwrap();
        assert_eq!(
            (&saved["hours"], &saved["hours_approx"]),
            (&json!(1600), &json!("多")),
            "{backend}"
        );
        assert_eq!(
            (&saved["person_times"], &saved["person_times_upper"]),
            (&json!(20), &json!(50)),
            "{backend}"
        );
        assert_eq!(
            (&saved["amount"], &saved["amount_approx"]),
            (&json!("10000000.00"), &json!("约")),
            "{backend}"
        );
        t.finish().await.unwrap();
    }
}

/// The dashboard's and a program page's cards and money table print kept totals as the summing rule writes them,
/// and turn exact again when the only approximate member is deleted.
#[tokio::test]
async fn dashboard_and_program_pages_write_approximate_totals() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let sys = Actor::system();
        user(&store, "boss", Role::Admin, vec![]).await;
        let a = create_id(&store, "orgs", json!({"name": "湖南省", "kind": "government"})).await;
        let b = create_id(&store, "orgs", json!({"name": "吐鲁番市", "kind": "government"})).await;
        let p = create_id(&store, "programs", json!({"name": "对口援疆", "authority_org_id": a})).await;
        let pairing = create_id(
            &store,
            "pairings",
            json!({"program_id": p, "supporter_org_id": a, "receiver_org_id": b, "level": "province_prefecture"}),
        )
        .await;
        let first = create_id(
            &store,
            "activities",
            json!({"pairing_id": pairing, "kind": "teaching", "title": "支教", "start_date": "2014-09-01", "hours": "1500余课时"}),
        )
        .await;
        create_id(
            &store,
            "activities",
            json!({"pairing_id": pairing, "kind": "training", "title": "培训", "start_date": "2014-10-01", "hours": 20, "person_times": "20-50"}),
        )
        .await;
        let project = create_id(
            &store,
            "projects",
            json!({"pairing_id": pairing, "name": "教学楼", "category": "education"}),
        )
        .await;
        let approx = create_id(
            &store,
            "transactions",
            json!({"project_id": project, "kind": "commitment", "source": "supporter", "amount": "约30万", "date": "2014-05-01"}),
        )
        .await;
        create_id(
            &store,
            "transactions",
            json!({"project_id": project, "kind": "commitment", "source": "supporter", "amount": "10万", "date": "2014-06-01"}),
        )
        .await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (session, _) = login(&app, "boss").await;
        let cards = |page: &str| ["资金合计", "活动人次", "授课课时"].map(|label| card(page, label));
        let (_, home, _, _) = send(&app, "GET", "/dashboard", &session, None).await;
        assert_eq!(cards(&home), ["约40万元", "20—50人次", "1520余课时"], "{backend}");
        let (_, page, _, _) = send(&app, "GET", &format!("/programs/{p}"), &session, None).await;
        assert_eq!(cards(&page), ["约40万元", "20—50人次", "1520余课时"], "{backend}");
        // the card, the year's line and the total row of the money table
        assert_eq!(page.matches("约40万元").count(), 3, "{backend}: {page}");

        store.delete(&sys, "activities", first).await.unwrap();
        store.delete(&sys, "transactions", approx).await.unwrap();
        let (_, home, _, _) = send(&app, "GET", "/dashboard", &session, None).await;
        assert_eq!(cards(&home), ["10万元", "20—50人次", "20课时"], "{backend}");
        let (_, page, _, _) = send(&app, "GET", &format!("/programs/{p}"), &session, None).await;
        assert_eq!(cards(&page), ["10万元", "20—50人次", "20课时"], "{backend}");
        assert!(!page.contains("约"), "{backend}: nothing approximate is left: {page}");
        t.finish().await.unwrap();
    }
}

/// A place is typed and shown by its name, never its code: a town after its county's name, an ambiguous name refused
/// with a word on how to say which.
#[tokio::test]
async fn a_form_takes_a_place_by_its_name_and_shows_it_by_its_name() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        store.load_regions_if_empty().await.unwrap();
        user(&store, "boss", Role::Admin, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (session, csrf) = login(&app, "boss").await;
        let (_, form, _, _) = send(&app, "GET", "/records/orgs/new", &session, None).await;
        assert!(form.contains("绵竹市九龙镇"), "{backend}: the place's hint: {form}");
        let i = form.find("name=\"_token\" value=\"").unwrap() + 21;
        let token = form[i..i + 32].to_string();
        let post = |place: &str| {
            format!(
                "_csrf={csrf}&_token={token}&version=&name=%E4%B9%9D%E9%BE%99%E9%95%87%E5%8D%AB%E7%94%9F%E9%99%A2&kind=hospital&region_code={}",
                urlencoding(place)
            )
        };
        // ten towns are called 九龙镇: refused, the input kept, a word on how to say which
        let (s, page, _, _) = send(&app, "POST", "/records/orgs/new", &session, Some(post("九龙镇"))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(
            page.contains("绵竹市九龙镇") && page.contains("value=\"九龙镇\""),
            "{backend}: {page}"
        );
        assert!(!page.contains("6 位"), "{backend}: no word of codes: {page}");
        let (s, _, _, location) = send(&app, "POST", "/records/orgs/new", &session, Some(post("绵竹市九龙镇"))).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{backend}");
        let org = store.list("orgs", &Default::default()).await.unwrap().items[0].clone();
        assert_eq!(org["region_code"], "510683104", "{backend}");
        let (_, shown, _, _) = send(&app, "GET", &location, &session, None).await;
        assert!(
            shown.contains("九龙镇") && !shown.contains("510683104"),
            "{backend}: {shown}"
        );
        // its attributes by their words, not their keys
        store
            .update(
                &Actor::system(),
                "orgs",
                org["id"].as_i64().unwrap(),
                &json!({"attributes": {"staff": 13, "full_time_prevention_staff": 0}}),
            )
            .await
            .unwrap();
        let (_, shown, _, _) = send(&app, "GET", &location, &session, None).await;
        assert!(
            shown.contains("无专职防保人员；职工13名") && !shown.contains("\"staff\""),
            "{backend}: {shown}"
        );
        let (_, edit, _, _) = send(
            &app,
            "GET",
            &format!("/records/orgs/{}/edit", org["id"]),
            &session,
            None,
        )
        .await;
        assert!(
            edit.contains("value=\"绵竹市九龙镇\"") && !edit.contains("510683104"),
            "{backend}: {edit}"
        );
        t.finish().await.unwrap();
    }
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// A page's error is a page with the message in words: an unknown record, an unknown path, a kind of record that does
/// not exist — never raw JSON in the browser. The API keeps its JSON.
#[tokio::test]
async fn a_pages_error_is_a_page_and_the_apis_stays_json() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        user(&store, "boss", Role::Admin, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (session, _) = login(&app, "boss").await;
        for (uri, says) in [
            ("/records/orgs/999999", "找不到编号为 999999 的单位"),
            ("/records/orgs/999999/edit", "找不到编号为 999999 的单位"),
            ("/records/nothing", "没有这种记录"),
            ("/no/such/page", "没有这个接口"),
        ] {
            let r = common::send(&app, "GET", uri, &session, None).await;
            let (s, page, headers) = (r.status, r.text(), r.content_type);
            assert_eq!(s, StatusCode::NOT_FOUND, "{backend}: {uri}: {page}");
            assert!(
                headers.starts_with("text/html") && page.contains("<h1>找不到该页面或记录</h1>") && page.contains(says),
                "{backend}: {uri}: {headers}: {page}"
            );
            assert!(!page.contains("{\"error\""), "{backend}: {uri}: {page}");
        }
        let r = common::send(&app, "GET", "/api/v1/orgs/999999", &session, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend}");
        assert!(
            r.content_type.starts_with("application/json"),
            "{backend}: {}",
            r.content_type
        );
        t.finish().await.unwrap();
    }
}

/// The part of a page inside `<section … data-testid="{id}">`, empty when there is none.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let marker = format!("data-testid=\"{id}\"");
    let Some(i) = page.find(&marker) else { return "" };
    let rest = &page[i..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The count beside the menu's inbox link, when shown.
fn menu_count(page: &str) -> Option<i64> {
    let marker = "data-testid=\"inbox-count\">";
    let i = page.find(marker)? + marker.len();
    page[i..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

#[tokio::test]
async fn each_role_lands_on_its_own_home_with_its_own_work() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let sys = Actor::system();
        let bureau = create_id(&store, "orgs", json!({"name": "县教育局", "kind": "government"})).await;
        let a = create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let b = create_id(&store, "orgs", json!({"name": "石桥乡中心小学", "kind": "school"})).await;
        let c = create_id(&store, "orgs", json!({"name": "河滨小学", "kind": "school"})).await;
        let d = create_id(&store, "orgs", json!({"name": "山前村小学", "kind": "school"})).await;
        let p = create_id(&store, "programs", json!({"name": "校对校帮扶", "authority_org_id": bureau, "start_date": "2013-10-01", "end_date": "2016-08-31", "calendar": {"kind": "school_year"}})).await;
        let bare = create_id(
            &store,
            "programs",
            json!({"name": "无目标计划", "authority_org_id": bureau}),
        )
        .await;
        let ours = create_id(&store, "pairings", json!({"program_id": p, "supporter_org_id": a, "receiver_org_id": b, "level": "school_school", "start_date": "2013-10-01", "end_date": "2016-08-31"})).await;
        let theirs = create_id(
            &store,
            "pairings",
            json!({"program_id": bare, "supporter_org_id": c, "receiver_org_id": d, "level": "school_school"}),
        )
        .await;
        store.apply_template(&sys, p, "school_pairing", &[]).await.unwrap();
        // another authority's program: not this coordinator's
        create_id(&store, "programs", json!({"name": "他局计划", "authority_org_id": a})).await;
        // obligations set, no pairing yet: no results, but not "no obligations"
        let unpaired = create_id(&store, "programs", json!({"name": "新设计划", "authority_org_id": bureau, "start_date": "2013-10-01", "end_date": "2016-08-31", "calendar": {"kind": "school_year"}})).await;
        store
            .apply_template(&sys, unpaired, "school_pairing", &[])
            .await
            .unwrap();
        let activity = |pairing: i64, title: &str| json!({"pairing_id": pairing, "kind": "training", "audience": "all_staff", "title": title, "start_date": "2014-10-10", "person_times": 30});
        let pending1 = create_id(&store, "activities", activity(ours, "全员培训第一期")).await;
        create_id(&store, "activities", activity(ours, "全员培训第二期")).await;
        let disputed = create_id(&store, "activities", activity(ours, "教研观摩课")).await;
        let confirmed = create_id(&store, "activities", activity(ours, "校长论坛")).await;
        let other = create_id(&store, "activities", activity(theirs, "河滨送教下乡")).await;
        store
            .set_confirmation(&sys, "activities", disputed, false, Some("人次有误，实为25人次"))
            .await
            .unwrap();
        store
            .set_confirmation(&sys, "activities", confirmed, true, None)
            .await
            .unwrap();
        // 督办 on unmet results of the pairing: each addressed to the unit responsible for it
        let today = chrono::Utc::now().date_naive();
        let due = (today + chrono::Days::new(30)).to_string();
        let assessed = store.assess_pairing(ours, None, today).await.unwrap();
        let mut addressed = std::collections::BTreeMap::<i64, usize>::new();
        for r in assessed
            .results
            .iter()
            .filter(|r| {
                r.status == duikou_domain::engine::Status::Unmet
                    && r.subject == duikou_domain::engine::SubjectRef::Pairing
            })
            .take(3)
        {
            let new = duikou_store::assess::NewSupervision {
                pairing_id: ours,
                obligation_id: r.obligation_id,
                period: r.window.clone(),
                subject: None,
                note: "请说明原因并限期补足".into(),
                due_on: due.clone(),
            };
            let item = store.supervise(&sys, &new, today).await.unwrap();
            *addressed.entry(item["org_id"].as_i64().unwrap()).or_default() += 1;
        }
        let filed: usize = addressed.values().sum();
        assert!(filed > 0, "{backend}: the template's past windows are unmet");
        user(&store, "sup", Role::SupporterEditor, vec![a]).await;
        user(&store, "sup2", Role::SupporterEditor, vec![c]).await;
        user(&store, "rec", Role::ReceiverEditor, vec![b]).await;
        user(&store, "rec2", Role::ReceiverEditor, vec![d]).await;
        user(&store, "coord", Role::Coordinator, vec![bureau]).await;
        user(&store, "guest", Role::Viewer, vec![b]).await;
        user(&store, "guest2", Role::Viewer, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));

        // the supporting editor: what awaits the receiver, what it disputed and why, 督办 to answer, its pairing
        let (sup, _) = login(&app, "sup").await;
        let (s, home, _, _) = send(&app, "GET", "/", &sup, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {home}");
        assert!(
            home.contains("我的工作台") && home.contains("href=\"/dashboard\""),
            "{backend}: {home}"
        );
        let awaiting = section(&home, "awaiting");
        assert!(
            awaiting.contains("（2）")
                && awaiting.contains(&format!("href=\"/records/activities/{pending1}\""))
                && awaiting.contains("全员培训第一期")
                && awaiting.contains("全员培训第二期"),
            "{backend}: {awaiting}"
        );
        let dispute = section(&home, "disputed");
        assert!(
            dispute.contains(&format!("href=\"/records/activities/{disputed}\""))
                && dispute.contains("教研观摩课")
                && dispute.contains("异议理由：人次有误，实为25人次"),
            "{backend}: {dispute}"
        );
        for s in [awaiting, dispute] {
            assert!(!s.contains("校长论坛") && !s.contains("河滨送教下乡"), "{backend}: {s}");
        }
        let todo = section(&home, "supervision");
        let for_sup = addressed.get(&a).copied().unwrap_or(0);
        assert_eq!(
            todo.matches("请说明原因并限期补足").count(),
            for_sup,
            "{backend}: the 督办 items addressed to the supporter: {todo}"
        );
        if for_sup > 0 {
            assert!(
                todo.contains("href=\"/mine\"") && todo.contains("去回复"),
                "{backend}: {todo}"
            );
        } else {
            assert!(todo.contains("暂无待回复的督办事项"), "{backend}: {todo}");
        }
        let mine = section(&home, "pairings");
        assert!(
            mine.contains(&format!(
                "<a href=\"/pairings/{ours}\">校对校帮扶：城关第一小学 → 石桥乡中心小学</a>"
            )) && !mine.contains("河滨小学"),
            "{backend}: {mine}"
        );
        assert!(menu_count(&home).is_none(), "{backend}: a supporter confirms nothing");
        assert!(!home.contains(&format!("/programs/{p}/supervision")), "{backend}");

        // the other supporter sees only its own side
        let (sup2, _) = login(&app, "sup2").await;
        let (_, home, _, _) = send(&app, "GET", "/", &sup2, None).await;
        let awaiting = section(&home, "awaiting");
        assert!(
            awaiting.contains("河滨送教下乡") && awaiting.contains("（1）") && !home.contains("全员培训"),
            "{backend}: {home}"
        );
        assert!(
            section(&home, "disputed").contains("暂无被提出异议的记录")
                && !home.contains("人次有误")
                && !home.contains("请说明原因并限期补足"),
            "{backend}: {home}"
        );

        // the receiving editor: 待确认 2 on its home and in the menu of every page, its pairing, never the others'
        let (rec, _) = login(&app, "rec").await;
        let (_, home, _, _) = send(&app, "GET", "/", &rec, None).await;
        assert_eq!(menu_count(&home), Some(2), "{backend}: {home}");
        let confirm = section(&home, "to-confirm");
        assert!(
            confirm.contains("待确认 2 条") && confirm.contains("href=\"/inbox\""),
            "{backend}: {confirm}"
        );
        assert!(
            section(&home, "pairings").contains("校对校帮扶：城关第一小学 → 石桥乡中心小学")
                && !home.contains("山前村小学")
                && section(&home, "awaiting").is_empty(),
            "{backend}: {home}"
        );
        assert_eq!(
            section(&home, "supervision").matches("请说明原因并限期补足").count(),
            addressed.get(&b).copied().unwrap_or(0),
            "{backend}: {home}"
        );
        let (_, list, _, _) = send(&app, "GET", "/records/activities", &rec, None).await;
        assert_eq!(menu_count(&list), Some(2), "{backend}: the count on any page");
        // kept between writes, and a write (here straight to the store, as another server would) moves it
        create_id(&store, "activities", activity(ours, "全员培训第三期")).await;
        let (_, list, _, _) = send(&app, "GET", "/records/activities", &rec, None).await;
        assert_eq!(menu_count(&list), Some(3), "{backend}: the new record is counted");

        // the other receiver confirms its one record: the count goes, the home says what to do next
        let (rec2, csrf2) = login(&app, "rec2").await;
        let (_, home, _, _) = send(&app, "GET", "/", &rec2, None).await;
        assert_eq!(menu_count(&home), Some(1), "{backend}: {home}");
        assert!(!home.contains("全员培训"), "{backend}: {home}");
        let (s, _, _, _) = send(
            &app,
            "POST",
            &format!("/inbox/activities/{other}/confirm"),
            &rec2,
            Some(format!("csrf={csrf2}")),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{backend}");
        let (_, home, _, _) = send(&app, "GET", "/", &rec2, None).await;
        assert_eq!(menu_count(&home), None, "{backend}: {home}");
        assert!(
            section(&home, "to-confirm").contains("暂无待确认的记录"),
            "{backend}: {home}"
        );
        let (_, inbox, _, _) = send(&app, "GET", "/inbox", &rec2, None).await;
        assert!(inbox.contains("暂无待确认的记录"), "{backend}: {inbox}");

        // the coordinator: its programs with their results, a program without obligations said so, open 督办
        let (coord, _) = login(&app, "coord").await;
        let (_, home, _, _) = send(&app, "GET", "/", &coord, None).await;
        let programs = section(&home, "programs");
        let status = store.status_counts(p, today).await.unwrap();
        let row = programs
            .split("<tr>")
            .find(|r| r.contains("校对校帮扶"))
            .unwrap_or_default();
        assert!(
            row.contains(&format!("<a href=\"/programs/{p}\">校对校帮扶</a>"))
                && row.contains(&format!("class=\"num met\">{}<", status.met))
                && row.contains(&format!("class=\"num unmet\">{}<", status.unmet)),
            "{backend}: {row}"
        );
        let bare_row = programs
            .split("<tr>")
            .find(|r| r.contains("无目标计划"))
            .unwrap_or_default();
        assert!(
            bare_row.contains("无可考核目标（尚未设定目标任务）") && !bare_row.contains("class=\"num met\""),
            "{backend}: {bare_row}"
        );
        assert!(
            !home.contains("他局计划"),
            "{backend}: another authority's program: {programs}"
        );
        let unpaired_row = programs
            .split("<tr>")
            .find(|r| r.contains("新设计划"))
            .unwrap_or_default();
        assert!(
            unpaired_row.contains("已设定目标任务，暂无考核结果") && !unpaired_row.contains("无可考核目标"),
            "{backend}: {unpaired_row}"
        );
        let open = section(&home, "supervision");
        assert!(
            open.contains(&format!("（{filed}）"))
                && open.matches("请说明原因并限期补足").count() == filed
                && open.contains(&format!("href=\"/programs/{p}/supervision\""))
                && open.contains("校对校帮扶：城关第一小学 → 石桥乡中心小学"),
            "{backend}: {open}"
        );
        assert!(!section(&home, "warnings").is_empty(), "{backend}: {home}");
        assert!(menu_count(&home).is_none(), "{backend}");
        // the whole record's figures are one link away
        let (s, dash, _, _) = send(&app, "GET", "/dashboard", &coord, None).await;
        assert!(s == StatusCode::OK && dash.contains("全局总览"), "{backend}: {dash}");

        // viewers: the programs they may read, plainly
        let (guest, _) = login(&app, "guest").await;
        let (_, home, _, _) = send(&app, "GET", "/", &guest, None).await;
        let programs = section(&home, "programs");
        assert!(
            programs.contains("可查看的计划") && programs.contains("校对校帮扶") && !programs.contains("无目标计划"),
            "{backend}: {programs}"
        );
        assert!(
            section(&home, "awaiting").is_empty() && section(&home, "supervision").is_empty(),
            "{backend}"
        );
        let (guest2, _) = login(&app, "guest2").await;
        let (_, home, _, _) = send(&app, "GET", "/", &guest2, None).await;
        assert!(
            home.contains("校对校帮扶") && home.contains("无可考核目标") && home.contains("他局计划"),
            "{backend}: {home}"
        );
        t.finish().await.unwrap();
    }
}

/// A list is kept as shown until the next write anywhere (issue #19 item 8): a repeat view is the same page, and a
/// record written here or by another server on the same database is on the next view.
#[tokio::test]
async fn a_kept_list_follows_every_write_made_here_or_on_another_server() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let a = create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let b = create_id(&store, "orgs", json!({"name": "石桥乡中心小学", "kind": "school"})).await;
        let p = create_id(&store, "programs", json!({"name": "校对校帮扶", "authority_org_id": a})).await;
        let pairing = create_id(
            &store,
            "pairings",
            json!({"program_id": p, "supporter_org_id": a, "receiver_org_id": b, "level": "school_school"}),
        )
        .await;
        create_id(
            &store,
            "activities",
            json!({"pairing_id": pairing, "kind": "training", "title": "第一次送教", "start_date": "2014-03-01"}),
        )
        .await;
        user(&store, "boss", Role::Admin, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (session, _) = login(&app, "boss").await;
        let titles = |page: &str| ["第一次送教", "第二次送教", "第三次送教"].map(|t| page.contains(t));

        let (s, first, _, _) = send(&app, "GET", "/records/activities", &session, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {first}");
        assert_eq!(titles(&first), [true, false, false], "{backend}");
        let (_, again, _, _) = send(&app, "GET", "/records/activities", &session, None).await;
        assert_eq!(again, first, "{backend}: the kept page");

        create_id(
            &store,
            "activities",
            json!({"pairing_id": pairing, "kind": "training", "title": "第二次送教", "start_date": "2014-04-01"}),
        )
        .await;
        let (_, after, _, _) = send(&app, "GET", "/records/activities", &session, None).await;
        assert_eq!(
            titles(&after),
            [true, true, false],
            "{backend}: a write here is on the next view"
        );
        assert!(
            after.contains("<p class=\"muted\">共 2</p>"),
            "{backend}: the total follows: {after}"
        );

        let other = t.open_again().await.unwrap();
        create_id(
            &other,
            "activities",
            json!({"pairing_id": pairing, "kind": "training", "title": "第三次送教", "start_date": "2014-05-01"}),
        )
        .await;
        let (_, later, _, _) = send(&app, "GET", "/records/activities", &session, None).await;
        assert_eq!(
            titles(&later),
            [true, true, true],
            "{backend}: another server's write too"
        );
        other.db().close().await;
        t.finish().await.unwrap();
    }
}
