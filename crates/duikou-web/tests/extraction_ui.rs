//! The review of an old summary in the browser (issue 24 item 4, issue 19 item 5), page by page through the router
//! on SQLite and PostgreSQL: a supporting editor uploads a summary on the pairing's documents page, extracts it, and
//! sees each proposal beside its sentence with the figure marked, in words (names, never ids), with its doubts; accepts
//! one, edits one (a bad date answered in Chinese with the input kept), drops one, accepts the rest of a kind at once;
//! every decision is in the audit log. The receiving editor may not accept the supporter's facts.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{send, value_of};
use duikou_domain::access::Role;
use duikou_store::testing::{create_id, user, TestStore};
use serde_json::json;
use tower::ServiceExt;

/// A summary we wrote for this test (not seed text).
const SUMMARY: &str = "2013年，湖南省在长沙为吐鲁番培训骨干教师355名。\n\
2014年援建吐鲁番实验中学项目，总投资26000万元，其中湖南援助3700万元。\n\
2014年湖南省先后选派援疆干部110人，举办专题讲座12场。\n";

async fn login(app: &axum::Router, name: &str) -> (String, String) {
    let page = send(app, "GET", "/login", "", None).await;
    let token = value_of(&page.text(), "csrf");
    let r = send(
        app,
        "POST",
        "/login",
        &page.cookies.join("; "),
        Some(format!("username={name}&password=password-123&csrf={token}&next=%2F")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let session = r
        .cookies
        .into_iter()
        .find(|c| c.starts_with("duikou_session="))
        .expect("a session");
    let home = send(app, "GET", "/", &session, None).await;
    (session.clone(), value_of(&home.text(), "csrf"))
}

/// The ids of the proposals on a review page, in order (`<tr id="x12">`).
fn proposal_ids(html: &str) -> Vec<i64> {
    html.split("<tr id=\"x")
        .skip(1)
        .filter_map(|r| r.split('"').next()?.parse().ok())
        .collect()
}

/// The row of the proposal whose marked figure is `quote`.
fn row_of<'a>(html: &'a str, quote: &str) -> &'a str {
    let mark = format!("<mark>{quote}</mark>");
    let at = html.find(&mark).unwrap_or_else(|| panic!("no {mark} in {html}"));
    let start = html[..at].rfind("<tr id=\"x").unwrap();
    let end = html[at..].find("</tr>").map_or(html.len(), |e| at + e);
    &html[start..end]
}

fn id_in(row: &str) -> i64 {
    row["<tr id=\"x".len()..].split('"').next().unwrap().parse().unwrap()
}

fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn a_coordinator_reviews_an_old_summary_in_the_browser() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (t.store.clone(), t.backend);
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let a = create_id(&store, "orgs", json!({"name": "自治区教育厅", "kind": "government"})).await;
        let s = create_id(&store, "orgs", json!({"name": "湖南省", "kind": "government"})).await;
        let r = create_id(&store, "orgs", json!({"name": "吐鲁番地区", "kind": "government"})).await;
        let prog = create_id(
            &store,
            "programs",
            json!({"name": "对口援疆", "authority_org_id": a, "start_date": "2010-01-01"}),
        )
        .await;
        let p = create_id(
            &store,
            "pairings",
            json!({"program_id": prog, "supporter_org_id": s, "receiver_org_id": r, "level": "province_prefecture",
                   "start_date": "2010-01-01", "end_date": "2016-12-31"}),
        )
        .await;
        user(&store, "xiang", Role::SupporterEditor, vec![s]).await;
        user(&store, "tulufan", Role::ReceiverEditor, vec![r]).await;
        let (session, csrf) = login(&app, "xiang").await;

        // the pairing page leads to its documents
        let pairing = send(&app, "GET", &format!("/pairings/{p}"), &session, None).await;
        assert!(
            pairing.text().contains(&format!("/pairings/{p}/documents")),
            "{backend}"
        );

        // upload: a multipart form as a browser sends it
        let boundary = "----duikou-test";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n2014年援疆工作总结\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"zongjie.txt\"\r\nContent-Type: text/plain\r\n\r\n{SUMMARY}\r\n\
             --{boundary}--\r\n"
        );
        let req = Request::post(format!("/pairings/{p}/documents"))
            .header(header::COOKIE, &session)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{backend}");
        let to = resp.headers()[header::LOCATION].to_str().unwrap().to_string();
        let docs = send(&app, "GET", &to, &session, None).await;
        let html = docs.text();
        assert!(
            html.contains("2014年援疆工作总结") && html.contains("已上传"),
            "{backend}: {html}"
        );
        let doc: i64 = html
            .split(&format!("/pairings/{p}/documents/"))
            .nth(1)
            .and_then(|x| x.split('/').next())
            .and_then(|x| x.parse().ok())
            .expect("the extract form names the document");

        // extract, then the review page
        let r = send(
            &app,
            "POST",
            &format!("/pairings/{p}/documents/{doc}/extract"),
            &session,
            Some(format!("csrf={csrf}&period=term")),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        let review_uri = format!("/pairings/{p}/documents/{doc}/review");
        let page = send(&app, "GET", &review_uri, &session, None).await.text();
        assert_eq!(proposal_ids(&page).len(), 5, "{backend}: {page}");
        // in words, the figure marked, the doubts named, no ids or field codes
        let trained = row_of(&page, "355名");
        assert!(
            trained.contains("培训") && trained.contains("来访：受援方赴支援方") && trained.contains("骨干教师 355名"),
            "{trained}"
        );
        let share = row_of(&page, "3700万元");
        assert!(
            share.contains("所属项目") && share.contains("吐鲁番实验中学项目") && share.contains("援助资金"),
            "{share}"
        );
        assert!(
            share.contains("3700万元") && !share.contains("37000000"),
            "money in words: {share}"
        );
        let cadres = row_of(&page, "110人");
        assert!(cadres.contains("不生成人员"), "{cadres}");
        for code in [
            "pairing_id",
            "project_id",
            "to_supporter",
            "\"record\"",
            "activity_counts",
        ] {
            assert!(!page.contains(code), "{backend}: {code} shown to a person");
        }

        // accept one
        let id = id_in(row_of(&page, "26000万元"));
        let r = send(
            &app,
            "POST",
            &format!("/extractions/{id}/decide/accept"),
            &session,
            Some(format!("csrf={csrf}")),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = send(&app, "GET", &review_uri, &session, None).await.text();
        assert!(row_of(&page, "26000万元").contains("已采纳"), "{backend}");
        assert!(store
            .audit_for("extractions", id)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "accept"));

        // edit: a bad date is answered in Chinese with the input kept; a good one is accepted as edited
        let lecture = id_in(row_of(&page, "12场"));
        let form = send(&app, "GET", &format!("/extractions/{lecture}/edit"), &session, None)
            .await
            .text();
        assert!(form.contains("标题") && form.contains("开始日期"), "{backend}: {form}");
        let bad = send(
            &app,
            "POST",
            &format!("/extractions/{lecture}/edit"),
            &session,
            Some(format!(
                "csrf={csrf}&f.kind=lecture&f.title={}&f.start_date=2014-02-30&f.sessions=12",
                enc("援疆专题讲座")
            )),
        )
        .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend}: {}",
            bad.text()
        );
        assert!(
            bad.text().contains("开始日期") && bad.text().contains("援疆专题讲座"),
            "{}",
            bad.text()
        );
        let good = send(
            &app,
            "POST",
            &format!("/extractions/{lecture}/edit"),
            &session,
            Some(format!(
                "csrf={csrf}&f.kind=lecture&f.title={}&f.start_date=2014-05&f.sessions=12",
                enc("援疆专题讲座")
            )),
        )
        .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{backend}: {}", good.text());
        let ex = store.get("extractions", lecture).await.unwrap();
        let act = store
            .get("activities", ex["record_id"].as_i64().unwrap())
            .await
            .unwrap();
        assert_eq!(
            (act["title"].as_str(), act["start_date"].as_str()),
            (Some("援疆专题讲座"), Some("2014-05"))
        );

        // a funding share may be merged into a project the pairing has, chosen by its name
        let share_id = id_in(row_of(&page, "3700万元"));
        let form = send(&app, "GET", &format!("/extractions/{share_id}/edit"), &session, None)
            .await
            .text();
        assert!(
            form.contains("<option value=\"吐鲁番实验中学项目\">"),
            "{backend}: {form}"
        );

        // the receiver may not accept the supporter's facts: a refusal page, nothing written
        let (rsession, rcsrf) = login(&app, "tulufan").await;
        let cadres_id = id_in(row_of(&page, "110人"));
        let r = send(
            &app,
            "POST",
            &format!("/extractions/{cadres_id}/decide/accept"),
            &rsession,
            Some(format!("csrf={rcsrf}")),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
        assert_eq!(store.get("extractions", cadres_id).await.unwrap()["status"], "pending");

        // drop one, accept the rest of a kind at once
        let r = send(
            &app,
            "POST",
            &format!("/extractions/{cadres_id}/decide/drop"),
            &session,
            Some(format!("csrf={csrf}")),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = send(
            &app,
            "POST",
            &format!("/pairings/{p}/documents/{doc}/accept_all"),
            &session,
            Some(format!("csrf={csrf}&target=project_funding")),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = send(&app, "GET", &r.location, &session, None).await.text();
        assert!(page.contains("已采纳 1 条"), "{backend}: {page}");
        assert!(row_of(&page, "3700万元").contains("已采纳") && row_of(&page, "110人").contains("已舍弃"));
        assert!(row_of(&page, "355名").contains("待审核") || row_of(&page, "355名").contains("采纳</button>"));
        // the share joined the project accepted before, by name
        let projects = store.list_all("projects", "pairing_id", p).await.unwrap();
        assert_eq!(projects.len(), 1, "{backend}");
        assert!(store.audit_verify().await.unwrap().ok());
        t.finish().await.unwrap();
    }
}

/// A plan's rules, written for this test in the words such plans use.
const PLAN: &str = "三、帮扶任务\n\
支援学校和受援学校每学期互派至少1名经验丰富的管理人员到对口学校挂职。支教领导每学期支教累计不少于一个月，每次连续开展指导工作不少于一周。\n";

/// A rule is reviewed in its own words (never JSON), its window and target edited in Chinese (a bad number told,
/// naming the field), and accepted by the program's coordinator as the program's obligation; an editor of a side
/// accepting a paragraph at once is told the rule is the authority's, the rest accepted.
#[tokio::test]
async fn a_coordinator_reviews_a_plans_rules_in_words() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (t.store.clone(), t.backend);
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let sys = duikou_domain::access::Actor::system();
        let a = create_id(&store, "orgs", json!({"name": "县教育局", "kind": "government"})).await;
        let s = create_id(&store, "orgs", json!({"name": "城区第一小学", "kind": "school"})).await;
        let r = create_id(&store, "orgs", json!({"name": "乡中心小学", "kind": "school"})).await;
        let prog = create_id(
            &store,
            "programs",
            json!({"name": "校对校对口帮扶", "authority_org_id": a, "start_date": "2013-09-01",
                   "calendar": {"kind": "school_year"}}),
        )
        .await;
        let p = create_id(
            &store,
            "pairings",
            json!({"program_id": prog, "supporter_org_id": s, "receiver_org_id": r, "level": "school_school",
                   "start_date": "2013-09-01", "end_date": "2016-08-31"}),
        )
        .await;
        let doc = create_id(
            &store,
            "documents",
            json!({"kind": "plan", "title": "帮扶实施方案", "pairing_id": p}),
        )
        .await;
        store
            .put_document_content(&sys, doc, "text/plain", PLAN.as_bytes())
            .await
            .unwrap();
        store.propose_from_document(&sys, doc, p, "term").await.unwrap();
        user(&store, "jiaoyuju", Role::Coordinator, vec![a]).await;
        user(&store, "chengqu", Role::SupporterEditor, vec![s]).await;
        let (session, csrf) = login(&app, "jiaoyuju").await;
        let review_uri = format!("/pairings/{p}/documents/{doc}/review");
        let page = send(&app, "GET", &review_uri, &session, None).await.text();
        let exchange = row_of(&page, "至少1名");
        assert!(
            exchange.contains("目标任务")
                && exchange.contains("支援方派往受援方：每学期派出挂职管理人员不少于 1 名")
                && exchange.contains("受援方派往支援方：每学期受援方派出挂职管理人员不少于 1 名"),
            "{backend}: {exchange}"
        );
        for code in ["distinct_count", "\"subject\"", "{&quot;", "semester", "person_id"] {
            assert!(!page.contains(code), "{backend}: {code} shown to a person");
        }
        assert!(
            row_of(&page, "不少于一个月").contains("一个月按30天计，请核对"),
            "{backend}"
        );

        // edit the month: the form in words; a bad number told with the field named; then a school year of 20 days
        let month = id_in(row_of(&page, "不少于一个月"));
        let form = send(&app, "GET", &format!("/extractions/{month}/edit"), &session, None)
            .await
            .text();
        assert!(
            form.contains("考核期间")
                && form.contains("value=\"每学期\"")
                && form.contains("目标值")
                && form.contains("value=\"30\"")
                && form.contains("支援方管理人员每人每学期累计挂职指导不少于 1个月（按30天计）"),
            "{backend}: {form}"
        );
        assert!(!form.contains("cumulative_days"), "{backend}: {form}");
        let title = enc("挂职管理人员每学年累计指导");
        let bad = send(
            &app,
            "POST",
            &format!("/extractions/{month}/edit"),
            &session,
            Some(format!(
                "csrf={csrf}&f.title={title}&f.rule.window={}&f.rule.target=abc",
                enc("每学年")
            )),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(bad.text().contains("目标值“abc”不是数字"), "{}", bad.text());
        assert!(store
            .list_all("obligations", "program_id", prog)
            .await
            .unwrap()
            .is_empty());
        let good = send(
            &app,
            "POST",
            &format!("/extractions/{month}/edit"),
            &session,
            Some(format!(
                "csrf={csrf}&f.title={title}&f.rule.window={}&f.rule.target=20",
                enc("每学年")
            )),
        )
        .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{backend}: {}", good.text());
        let kept = store.list_all("obligations", "program_id", prog).await.unwrap();
        assert_eq!(kept.len(), 1, "{backend}");
        assert_eq!(kept[0]["title"], "挂职管理人员每学年累计指导");
        assert_eq!(
            duikou_domain::ObligationRule::from_json(&kept[0]["rule"])
                .unwrap()
                .text_zh(),
            "支援方管理人员每人每学年累计挂职指导不少于 20 天"
        );

        // a draft's kind changed while editing: the new kind's fields shown first (its name kept), nothing written;
        // then accepted as that kind
        let page = send(&app, "GET", &review_uri, &session, None).await.text();
        let week = id_in(row_of(&page, "不少于一周"));
        let form = send(&app, "GET", &format!("/extractions/{week}/edit"), &session, None)
            .await
            .text();
        assert!(
            form.contains("<option value=\"notes\">工作记述</option>")
                && form.contains("<option value=\"obligations\" selected>目标任务</option>"),
            "{backend}: {form}"
        );
        let bogus = send(
            &app,
            "POST",
            &format!("/extractions/{week}/edit"),
            &session,
            Some(format!("csrf={csrf}&shown=obligations&target=bogus&change=1")),
        )
        .await;
        assert_eq!(bogus.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(bogus.text().contains("记录类型“bogus”无效"), "{}", bogus.text());
        let shown = send(
            &app,
            "POST",
            &format!("/extractions/{week}/edit"),
            &session,
            Some(format!("csrf={csrf}&shown=obligations&target=notes&change=1")),
        )
        .await;
        assert_eq!(shown.status, StatusCode::OK, "{backend}");
        let html = shown.text();
        assert!(
            html.contains("已改为“工作记述”")
                && html.contains("name=\"f.text\" value=\"支援方管理人员每次连续指导不少于7天\"")
                && html.contains("<option value=\"notes\" selected>"),
            "{backend}: {html}"
        );
        assert_eq!(store.get("extractions", week).await.unwrap()["status"], "pending");
        let r = send(
            &app,
            "POST",
            &format!("/extractions/{week}/edit"),
            &session,
            Some(format!(
                "csrf={csrf}&shown=notes&target=notes&f.kind=plan&f.text={}",
                enc("每次连续指导不少于一周")
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        let ex = store.get("extractions", week).await.unwrap();
        let note = store.get("notes", ex["record_id"].as_i64().unwrap()).await.unwrap();
        assert_eq!(
            (note["kind"].as_str(), note["text"].as_str()),
            (Some("plan"), Some("每次连续指导不少于一周"))
        );
        assert_eq!(note["pairing_id"].as_i64(), Some(p));
        assert_eq!(
            store.list_all("obligations", "program_id", prog).await.unwrap().len(),
            1
        );

        // a side's editor accepting the paragraph: the rules are the authority's, told so, nothing of them written
        let (ssession, scsrf) = login(&app, "chengqu").await;
        let r = send(
            &app,
            "POST",
            &format!("/pairings/{p}/documents/{doc}/accept_all"),
            &ssession,
            Some(format!("csrf={scsrf}&target=obligations")),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}");
        let page = send(&app, "GET", &r.location, &ssession, None).await.text();
        assert!(
            page.contains("已采纳 0 条") && page.contains("主管部门"),
            "{backend}: {page}"
        );
        assert_eq!(
            store.list_all("obligations", "program_id", prog).await.unwrap().len(),
            1
        );
        assert!(store.audit_verify().await.unwrap().ok());
        t.finish().await.unwrap();
    }
}
