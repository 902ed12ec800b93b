//! A program's assessment in the browser's forms, on both backends: the coordinator opens it, is refused signing while
//! the period is open, recomputes, comments and signs; an admin unlocks it only with a reason; the rating scale is set
//! and refused field by field; each side sees only its own pairing; the .xlsx and .docx say what the page says, and
//! the page says what the engine computes.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use duikou_domain::access::Role;
use duikou_store::testing::{create_id, user, TestStore};
use duikou_store::Store;
use http_body_util::BodyExt;
use serde_json::json;
use std::io::Read;
use tower::ServiceExt;

mod common;
use common::value_of;

async fn send_bytes(
    app: &axum::Router,
    method: &str,
    uri: &str,
    cookie: &str,
    form: Option<String>,
) -> (StatusCode, Vec<u8>, Vec<String>, String) {
    let r = common::send(app, method, uri, cookie, form).await;
    (r.status, r.body, r.cookies, r.content_type)
}

async fn send(app: &axum::Router, method: &str, uri: &str, cookie: &str, form: Option<String>) -> (StatusCode, String) {
    let (s, b, _, _) = send_bytes(app, method, uri, cookie, form).await;
    (s, String::from_utf8_lossy(&b).to_string())
}

async fn login(app: &axum::Router, user: &str) -> (String, String) {
    login_with(app, user, "password-123").await
}

async fn login_with(app: &axum::Router, user: &str, password: &str) -> (String, String) {
    let (_, page, cookies, _) = send_bytes(app, "GET", "/login", "", None).await;
    let page = String::from_utf8_lossy(&page).to_string();
    let token = value_of(&page, "csrf");
    let (s, _, cookies, _) = send_bytes(
        app,
        "POST",
        "/login",
        &cookies.join("; "),
        Some(format!("username={user}&password={password}&csrf={token}&next=%2F")),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let session = cookies.into_iter().find(|c| c.starts_with("duikou_session=")).unwrap();
    let (_, home) = send(app, "GET", "/", &session, None).await;
    (session, value_of(&home, "csrf"))
}

fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The cells of the page's pairing table marked `data-testid="score"`, in order.
fn page_scores(html: &str) -> Vec<String> {
    html.split("data-testid=\"score\">")
        .skip(1)
        .map(|s| s.chars().take_while(|c| *c != '<').collect())
        .collect()
}

struct World {
    program: i64,
}

/// Two school pairings: 城关第一小学 trains its partner in October 2014, 城关实验中学 never does; a school-year duty and
/// a three-year one.
async fn world(store: &Store) -> World {
    let bureau = create_id(store, "orgs", json!({"name": "某县教育局", "kind": "government"})).await;
    let org = |name: &str| json!({"name": name, "kind": "school", "parent_id": bureau});
    let a = create_id(store, "orgs", org("城关第一小学")).await;
    let b = create_id(store, "orgs", org("石桥乡中心小学")).await;
    let c = create_id(store, "orgs", org("城关实验中学")).await;
    let d = create_id(store, "orgs", org("石桥乡初级中学")).await;
    let lone = create_id(store, "orgs", org("无结对学校")).await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "校对校帮扶", "authority_org_id": bureau, "start_date": "2014-09-01", "end_date": "2016-08-31",
               "calendar": {"kind": "school_year"}, "only_confirmed": false}),
    )
    .await;
    let mut pairings = Vec::new();
    for (s, r) in [(a, b), (c, d)] {
        pairings.push(
            create_id(
                store,
                "pairings",
                json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "school_school"}),
            )
            .await,
        );
    }
    let rule = |window: &str, n: i64| {
        json!({"subject": {"type": "pairing"}, "window": {"type": window},
               "measure": {"type": "count", "records": {"entity": "activities", "filter": {"kind": ["training"]}}},
               "comparison": "at_least", "target": {"type": "fixed", "value": n}, "label": "全员培训", "unit": "次"})
    };
    create_id(
        store,
        "obligations",
        json!({"program_id": program, "title": "每学年全员培训不少于1次", "rule": rule("school_year", 1)}),
    )
    .await;
    create_id(
        store,
        "obligations",
        json!({"program_id": program, "title": "三年内培训不少于3次", "rule": rule("term", 3)}),
    )
    .await;
    create_id(
        store,
        "activities",
        json!({"pairing_id": pairings[0], "kind": "training", "title": "全员培训", "start_date": "2014-10-10"}),
    )
    .await;
    user(store, "coord", Role::Coordinator, vec![bureau]).await;
    user(store, "boss", Role::Admin, vec![]).await;
    user(store, "guest", Role::Viewer, vec![]).await;
    user(store, "sup1", Role::SupporterEditor, vec![a]).await;
    user(store, "rec2", Role::ReceiverEditor, vec![d]).await;
    user(store, "lone", Role::ReceiverEditor, vec![lone]).await;
    World { program }
}

#[tokio::test]
async fn a_coordinator_assesses_signs_and_an_admin_unlocks_in_the_browser() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let w = world(&store).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (coord, coord_csrf) = login(&app, "coord").await;
        let page = format!("/programs/{}/assessment", w.program);
        let at = format!("{page}?period=2014-2015");

        // linked from the program page; nothing assessed yet: the coordinator is offered to open it
        let (_, program_page) = send(&app, "GET", &format!("/programs/{}", w.program), &coord, None).await;
        assert!(program_page.contains(&format!("href=\"{page}\"")), "{backend}");
        let (s, html) = send(&app, "GET", &at, &coord, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {html}");
        assert!(
            html.contains("2014-2015学年尚未开展考核评估") && html.contains("生成考核评估"),
            "{backend}"
        );

        // opened before the school year is over: signing is refused, saying how many and which pairing
        let form = |rest: &str| Some(format!("csrf={coord_csrf}&period=2014-2015&{rest}"));
        let (s, html) = send(
            &app,
            "POST",
            &page,
            &coord,
            form("action=create&as_of=2015-06-01&comments="),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {html}");
        assert!(html.contains("已生成考核评估草稿"), "{backend}");
        let aid = value_of(&html, "assessment");
        let (s, html) = send(
            &app,
            "POST",
            &page,
            &coord,
            form("action=create&as_of=2015-06-02&comments="),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::CONFLICT,
            "{backend}: a form sent twice opens one assessment"
        );
        assert!(html.contains("本期已有考核评估"), "{backend}");
        assert_eq!(store.program_assessments(w.program).await.unwrap().len(), 1);
        let (s, html) = send(
            &app,
            "POST",
            &page,
            &coord,
            form(&format!("action=sign&assessment={aid}")),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{backend}: {html}");
        assert!(
            html.contains("还有 1 项结果在本考核期内尚未到期（城关实验中学 → 石桥乡初级中学 1 项）"),
            "{backend}: {html}"
        );
        assert_eq!(
            store
                .list_all("period_locks", "assessment_id", aid.parse().unwrap())
                .await
                .unwrap()
                .len(),
            0
        );

        // recomputed after the school year, commented; the page's scores are the engine's
        let (s, html) = send(
            &app,
            "POST",
            &page,
            &coord,
            form(&format!("action=recompute&assessment={aid}&as_of=2015-09-15")),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {html}");
        let (s, _) = send(
            &app,
            "POST",
            &page,
            &coord,
            form(&format!(
                "action=comment&assessment={aid}&comments={}",
                enc("城关实验中学本学年未开展全员培训")
            )),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        let (_, html) = send(&app, "GET", &at, &coord, None).await;
        let period: duikou_domain::Period = "2014-2015".parse().unwrap();
        let engine = store
            .assess_program(
                w.program,
                Some(&period),
                chrono::NaiveDate::from_ymd_opt(2015, 9, 15).unwrap(),
            )
            .await
            .unwrap();
        let want: Vec<String> = engine
            .iter()
            .map(|a| format!("{:.1}", a.score.score.unwrap()))
            .collect();
        assert_eq!(page_scores(&html), want, "{backend}");
        assert_eq!(want, ["100.0", "0.0"], "{backend}");
        for name in [
            "城关第一小学",
            "石桥乡中心小学",
            "城关实验中学",
            "石桥乡初级中学",
            "每学年全员培训不少于1次",
            "城关实验中学本学年未开展全员培训",
        ] {
            assert!(html.contains(name), "{backend}: {name}");
        }
        assert!(
            html.contains("未达标") && html.contains("进行中") && html.contains("达标"),
            "{backend}"
        );
        let unmet = engine[1]
            .results
            .iter()
            .find(|r| r.status == duikou_domain::engine::Status::Unmet)
            .unwrap();
        assert!(
            html.contains(&unmet.text),
            "{backend}: the rule and the figure, in Chinese"
        );

        // a viewer reads everything and signs nothing
        let (guest, guest_csrf) = login(&app, "guest").await;
        let (s, html) = send(&app, "GET", &at, &guest, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(
            html.contains("城关实验中学") && !html.contains("value=\"sign\""),
            "{backend}"
        );
        let (s, html) = send(
            &app,
            "POST",
            &page,
            &guest,
            Some(format!(
                "csrf={guest_csrf}&period=2014-2015&action=sign&assessment={aid}"
            )),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {html}");
        assert_eq!(
            store.get("assessments", aid.parse().unwrap()).await.unwrap()["status"],
            "draft"
        );

        // each side sees its own pairing, nothing of the other's, and no program-wide figure or comment
        let (rec2, _) = login(&app, "rec2").await;
        let (s, html) = send(&app, "GET", &at, &rec2, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(
            html.contains("石桥乡初级中学") && html.contains("城关实验中学"),
            "{backend}"
        );
        assert!(
            !html.contains("石桥乡中心小学") && !html.contains("城关第一小学"),
            "{backend}: {html}"
        );
        assert!(
            !html.contains("data-testid=\"overall\"") && !html.contains("本学年未开展全员培训"),
            "{backend}"
        );
        let pairing = store.list_all("pairings", "program_id", w.program).await.unwrap()[1]["id"]
            .as_i64()
            .unwrap();
        let (_, file) = send(&app, "GET", &format!("/pairings/{pairing}"), &rec2, None).await;
        assert!(
            file.contains(&format!("href=\"{page}\"")),
            "{backend}: the pairing page links its assessment"
        );
        let (sup1, _) = login(&app, "sup1").await;
        let (_, html) = send(&app, "GET", &at, &sup1, None).await;
        assert!(
            html.contains("城关第一小学") && !html.contains("石桥乡初级中学"),
            "{backend}"
        );
        let (lone, _) = login(&app, "lone").await;
        let (s, html) = send(&app, "GET", &at, &lone, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: {html}");
        assert!(html.contains("没有结对"), "{backend}");
        let (_, xlsx, _, _) = send_bytes(&app, "GET", &format!("{page}/xlsx?period=2014-2015"), &rec2, None).await;
        let rows = sheet(&xlsx, "考核结果");
        assert_eq!(
            rows.len(),
            2,
            "{backend}: the header and its own pairing only: {rows:?}"
        );
        assert_eq!(rows[1][1], "石桥乡初级中学");

        // signed: locked, shown with the signer; not signed twice nor recomputed
        let (s, html) = send(
            &app,
            "POST",
            &page,
            &coord,
            form(&format!("action=sign&assessment={aid}")),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{backend}: {html}");
        assert!(
            html.contains("已签署（coord，") && html.contains("本期记录已锁定"),
            "{backend}"
        );
        assert_eq!(
            store
                .list_all("period_locks", "assessment_id", aid.parse().unwrap())
                .await
                .unwrap()
                .len(),
            2
        );
        let (s, html) = send(
            &app,
            "POST",
            &page,
            &coord,
            form(&format!("action=sign&assessment={aid}")),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{backend}");
        assert!(html.contains("不能重复签署"), "{backend}");
        let (s, html) = send(
            &app,
            "POST",
            &page,
            &coord,
            form(&format!("action=recompute&assessment={aid}&as_of=2015-10-01")),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{backend}");
        assert!(html.contains("不再重新计算"), "{backend}");
        assert_eq!(
            store.get("assessments", aid.parse().unwrap()).await.unwrap()["as_of"],
            "2015-09-15"
        );

        // the downloads say what the page says
        let (s, xlsx, _, kind) = send_bytes(&app, "GET", &format!("{page}/xlsx?period=2014-2015"), &coord, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(kind.contains("spreadsheetml"), "{backend}: {kind}");
        let rows = sheet(&xlsx, "考核结果");
        assert_eq!(
            rows[0],
            [
                "支援方",
                "受援方",
                "得分",
                "等次",
                "达标",
                "未达标",
                "进行中",
                "评审意见"
            ]
        );
        let got: Vec<(String, String, String, String)> = rows[1..]
            .iter()
            .map(|r| {
                (
                    r[0].clone(),
                    r[1].clone(),
                    format!("{:.1}", r[2].parse::<f64>().unwrap()),
                    r[3].clone(),
                )
            })
            .collect();
        let wanted: Vec<(String, String, String, String)> = engine
            .iter()
            .map(|a| {
                (
                    a.supporter.clone(),
                    a.receiver.clone(),
                    format!("{:.1}", a.score.score.unwrap()),
                    a.score.rating.clone().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, wanted, "{backend}");
        for (row, a) in rows[1..].iter().zip(&engine) {
            let counts: Vec<usize> = row[4..7].iter().map(|c| c.parse::<f64>().unwrap() as usize).collect();
            assert_eq!(counts, [a.score.met, a.score.unmet, a.score.open], "{backend}");
            assert_eq!(row[7], "城关实验中学本学年未开展全员培训");
        }
        assert!(sheet(&xlsx, "结果明细").len() > 2, "{backend}");
        let (s, docx, _, kind) = send_bytes(&app, "GET", &format!("{page}/docx?period=2014-2015"), &coord, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(kind.contains("wordprocessingml"), "{backend}");
        let text = docx_text(&docx);
        for want in [
            "关于校对校帮扶2014-2015学年考核结果的通报",
            "城关第一小学",
            "石桥乡初级中学",
            "100.0",
            "0.0",
            "未完成的目标任务",
            "签署人：coord",
            &unmet.text,
        ] {
            assert!(text.contains(want), "{backend}: {want} not in {text}");
        }

        // the rating scale: overlapping thresholds refused with what was typed kept, nothing written; then saved
        let before = store.get("programs", w.program).await.unwrap();
        let scale = |rows: &[(&str, &str)]| {
            let mut f = format!("csrf={coord_csrf}&period=2014-2015&action=scale");
            for (i, (l, m)) in rows.iter().enumerate() {
                f.push_str(&format!("&label{}={}&min{}={m}", i + 1, enc(l), i + 1));
            }
            Some(f)
        };
        let (s, html) = send(
            &app,
            "POST",
            &page,
            &coord,
            scale(&[("优秀", "90"), ("良好", "90"), ("不合格", "0")]),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {html}");
        assert!(
            html.contains("等次“优秀”与“良好”的最低分（min_score）都是 90，分数线重叠"),
            "{backend}: {html}"
        );
        assert!(
            html.contains("name=\"label2\" value=\"良好\"") && html.contains("name=\"min2\" value=\"90\""),
            "{backend}"
        );
        let (s, html) = send(&app, "POST", &page, &coord, scale(&[("优秀", "150"), ("不合格", "0")])).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(html.contains("超出范围"), "{backend}");
        let (s, html) = send(&app, "POST", &page, &coord, scale(&[("优秀", "90"), ("", "0")])).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(html.contains("第2个等次的名称（label）不能为空"), "{backend}");
        assert_eq!(
            store.get("programs", w.program).await.unwrap()["version"],
            before["version"],
            "{backend}"
        );
        let (s, html) = send(&app, "POST", &page, &coord, scale(&[("达标", "60"), ("不达标", "0")])).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {html}");
        assert_eq!(
            store.get("programs", w.program).await.unwrap()["rating_scale"],
            json!({"levels": [{"label": "达标", "min_score": 60}, {"label": "不达标", "min_score": 0}]})
        );
        let (guest_s, _) = send(
            &app,
            "POST",
            &page,
            &guest,
            Some(format!(
                "csrf={guest_csrf}&period=2014-2015&action=scale&label1=A&min1=0"
            )),
        )
        .await;
        assert_eq!(guest_s, StatusCode::FORBIDDEN, "{backend}");

        // an admin unlocks only with a reason
        let (boss, boss_csrf) = login(&app, "boss").await;
        let unlock = |reason: &str| {
            Some(format!(
                "csrf={boss_csrf}&period=2014-2015&action=unlock&assessment={aid}&reason={}",
                enc(reason)
            ))
        };
        let (_, html) = send(&app, "GET", &at, &boss, None).await;
        assert!(html.contains("解锁理由（必填）"), "{backend}");
        let (s, html) = send(&app, "POST", &page, &boss, unlock("")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(html.contains("解锁理由（reason）不能为空"), "{backend}");
        assert_eq!(
            store.get("assessments", aid.parse().unwrap()).await.unwrap()["status"],
            "signed"
        );
        let (s, _) = send(
            &app,
            "POST",
            &page,
            &coord,
            Some(format!(
                "csrf={coord_csrf}&period=2014-2015&action=unlock&assessment={aid}&reason=x"
            )),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{backend}: a coordinator does not unlock");
        let (s, html) = send(&app, "POST", &page, &boss, unlock("受援学校补报培训签到表")).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {html}");
        assert!(
            html.contains("已解锁")
                && html.contains("解锁，理由：受援学校补报培训签到表")
                && html.contains("coord 签署"),
            "{backend}: {html}"
        );
        assert_eq!(
            store
                .list_all("period_locks", "assessment_id", aid.parse().unwrap())
                .await
                .unwrap()
                .len(),
            0
        );
        // the API unlocks the same way: signed again in the browser, unlocked by an admin's token only with a reason
        let (s, _) = send(
            &app,
            "POST",
            &page,
            &coord,
            form(&format!("action=sign&assessment={aid}")),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        let api = |body: &'static str| {
            let app = app.clone();
            let uri = format!("/api/v1/assessments/{aid}/unlock");
            async move {
                let token = app
                    .clone()
                    .oneshot(
                        Request::post("/api/v1/auth/token")
                            .header(header::CONTENT_TYPE, "application/json")
                            .body(Body::from(r#"{"username": "boss", "password": "password-123"}"#))
                            .unwrap(),
                    )
                    .await
                    .unwrap();
                let token: serde_json::Value =
                    serde_json::from_slice(&token.into_body().collect().await.unwrap().to_bytes()).unwrap();
                let resp = app
                    .oneshot(
                        Request::post(uri)
                            .header(header::CONTENT_TYPE, "application/json")
                            .header(
                                header::AUTHORIZATION,
                                format!("Bearer {}", token["token"].as_str().unwrap()),
                            )
                            .body(Body::from(body))
                            .unwrap(),
                    )
                    .await
                    .unwrap();
                let status = resp.status();
                let v: serde_json::Value =
                    serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
                (status, v)
            }
        };
        let (s, v) = api("{}").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {v}");
        assert_eq!(v["error"]["field"], "reason", "{backend}: {v}");
        let (s, v) = api(r#"{"reason": "复核"}"#).await;
        assert_eq!(
            (s, v["status"].as_str()),
            (StatusCode::OK, Some("draft")),
            "{backend}: {v}"
        );
        // an unsigned draft's bulletin says so
        let (_, docx, _, _) = send_bytes(&app, "GET", &format!("{page}/docx?period=2014-2015"), &coord, None).await;
        assert!(docx_text(&docx).contains("尚未签署"), "{backend}");
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn the_demo_shows_the_signed_assessment_of_the_school_program() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        duikou_demo::load(&store).await.unwrap();
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let mut q = duikou_store::ListQuery::default();
        q.filters.insert("name".into(), "校对校“对口帮扶”（2013—2016）".into());
        let program = store.list("programs", &q).await.unwrap().items[0]["id"]
            .as_i64()
            .unwrap();
        let (coord, _) = login_with(&app, "zhihuibu", duikou_demo::DEMO_PASSWORD).await;
        let (s, html) = send(&app, "GET", &format!("/programs/{program}/assessment"), &coord, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(
            html.contains("2013-2014学年") && html.contains("已签署（指挥部协调员，"),
            "{backend}: {html}"
        );
        assert!(
            html.contains("城关第一小学") && html.contains("城关实验中学"),
            "{backend}"
        );
        let (rec, _) = login_with(&app, "xiangzhen", duikou_demo::DEMO_PASSWORD).await;
        let (s, html) = send(&app, "GET", &format!("/programs/{program}/assessment"), &rec, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        assert!(
            html.contains("石桥乡中心小学") && !html.contains("城关实验中学"),
            "{backend}"
        );
        println!("{backend}: {:?}", page_scores(&html));
        t.finish().await.unwrap();
    }
}

/// The cells of a sheet as text, read with calamine.
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an .xlsx");
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .filter(|r: &Vec<String>| r.iter().any(|c| !c.is_empty()))
        .collect()
}

/// The text of a .docx's body, opened as its zip.
fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    for part in ["[Content_Types].xml", "word/styles.xml"] {
        assert!(zip.by_name(part).is_ok(), "{part} in the package");
    }
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed document.xml");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "t")
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("")
}

/// `GET /api/v1/programs/{id}/obligations` is written a lot of pairings at a time: across several lots (205 pairings,
/// lots of 100) it says exactly what the engine says for the whole program, in pairing order, and a missing program or
/// a bad date is refused with a status before anything is written.
#[tokio::test]
async fn a_programs_assessment_streamed_in_lots_says_what_the_engine_says() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let w = world(&store).await;
        for i in 0..203 {
            let s = create_id(
                &store,
                "orgs",
                json!({"name": format!("支援校{i:03}"), "kind": "school"}),
            )
            .await;
            let r = create_id(
                &store,
                "orgs",
                json!({"name": format!("受援校{i:03}"), "kind": "school"}),
            )
            .await;
            let p = create_id(
                &store,
                "pairings",
                json!({"program_id": w.program, "supporter_org_id": s, "receiver_org_id": r, "level": "school_school"}),
            )
            .await;
            if i % 7 == 0 {
                create_id(
                    &store,
                    "activities",
                    json!({"pairing_id": p, "kind": "training", "title": "全员培训", "start_date": "2015-03-10"}),
                )
                .await;
            }
        }
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let (boss, _) = login(&app, "boss").await;
        let as_of = chrono::NaiveDate::from_ymd_opt(2016, 9, 1).unwrap();
        let uri = format!("/api/v1/programs/{}/obligations?as_of=2016-09-01", w.program);
        let (s, body) = send(&app, "GET", &uri, &boss, None).await;
        assert_eq!(s, StatusCode::OK, "{backend}: {body}");
        let got: serde_json::Value = serde_json::from_str(&body).expect("whole JSON");
        let items = got["items"].as_array().unwrap();
        assert_eq!(items.len(), 205, "{backend}");
        let ids: Vec<i64> = items.iter().map(|a| a["pairing_id"].as_i64().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "{backend}: pairing order across lots");
        let engine = store.assess_program(w.program, None, as_of).await.unwrap();
        assert_eq!(
            got,
            json!({ "items": serde_json::to_value(&engine).unwrap() }),
            "{backend}"
        );
        // the figures themselves: one training in 2014-2015 meets the school-year duty of the first pairing only,
        // and every 7th new pairing trained in 2014-2015 too
        let met = |a: &serde_json::Value| {
            a["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["status"] == "met" && r["window_start"] == "2014-09-01")
        };
        assert_eq!(
            items.iter().filter(|a| met(a)).count(),
            1 + 203usize.div_ceil(7),
            "{backend}"
        );

        let (s, body) = send(&app, "GET", "/api/v1/programs/999999/obligations", &boss, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{backend}: {body}");
        assert!(body.contains("找不到编号为 999999 的计划"), "{backend}: {body}");
        let (s, body) = send(
            &app,
            "GET",
            &format!("/api/v1/programs/{}/obligations?as_of=2016-13-01", w.program),
            &boss,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{backend}: {body}");
        assert!(body.contains("as_of"), "{backend}: {body}");
    }
}
