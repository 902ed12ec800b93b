//! The obligation's rule as a form (issue #19 item 5): a coordinator makes a 目标任务 from labelled choices, never
//! JSON; the rule's sentence is previewed; a rule the store would refuse is refused naming the part of the form with
//! everything typed kept; every built-in template opens in the edit form and saves unchanged — on SQLite and
//! PostgreSQL.

use axum::http::StatusCode;
use duikou_domain::access::Role;
use duikou_domain::ObligationRule;
use duikou_store::testing::{create_id, user, TestStore};
use serde_json::json;

mod common;

async fn send(app: &axum::Router, method: &str, uri: &str, cookie: &str, form: Option<String>) -> common::Reply {
    common::send(app, method, uri, cookie, form).await
}

async fn login(app: &axum::Router, name: &str) -> String {
    let r = send(app, "GET", "/login", "", None).await;
    let token = common::value_of(&r.text(), "csrf");
    let r = send(
        app,
        "POST",
        "/login",
        &r.cookies.join("; "),
        Some(format!("username={name}&password=password-123&csrf={token}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    r.cookies
        .into_iter()
        .find(|c| c.starts_with("duikou_session="))
        .unwrap()
}

fn encode(pairs: &[(String, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find(';').unwrap_or(0);
        let entity = &after[1..end.max(1)];
        let c = match entity {
            "quot" => Some('"'),
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) if end > 0 => {
                out.push(c);
                rest = &after[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')? + i;
    Some(unescape(&tag[i..j]))
}

fn flag(tag: &str, name: &str) -> bool {
    tag.split(|c: char| c.is_whitespace() || c == '>').any(|w| w == name)
}

/// What a browser posts for the record form of `page` when its main submit button is pressed: every named input
/// (ticked boxes only), each select's chosen option (else its first), each textarea.
fn posted(page: &str) -> Vec<(String, String)> {
    let start = page
        .find("<form method=\"post\" action=\"/records/")
        .expect("the record form");
    let form = &page[start..];
    let form = &form[..form.find("</form>").unwrap()];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap();
        let tag = &rest[..=end];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
            if let Some(name) = attr(tag, "name") {
                if kind != "checkbox" || flag(tag, "checked") {
                    out.push((name, attr(tag, "value").unwrap_or_default()));
                }
            }
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap();
            let body = &rest[..rest.find("</select>").unwrap()];
            let options: Vec<&str> = body.split("<option").skip(1).collect();
            let chosen = options
                .iter()
                .find(|o| flag(o.split('>').next().unwrap(), "selected"))
                .or(options.first())
                .and_then(|o| attr(o.split('>').next().unwrap(), "value"))
                .unwrap_or_default();
            out.push((name, chosen));
        } else if tag.starts_with("<textarea") {
            let name = attr(tag, "name").unwrap();
            let body = &rest[end + 1..];
            out.push((name, unescape(&body[..body.find("</textarea>").unwrap()])));
        }
        rest = &rest[1..];
    }
    out
}

fn set(form: &mut Vec<(String, String)>, name: &str, value: &str) {
    form.retain(|(k, _)| k != name);
    form.push((name.to_string(), value.to_string()));
}

/// The duty 每个结对每年培训不少于200人次 as the form's fields, with the page's hidden values.
fn training_duty(page: &str) -> Vec<(String, String)> {
    let mut form = posted(page);
    for (k, v) in [
        ("title", "每个结对每年培训不少于200人次"),
        ("weight", "1"),
        ("rule_subject", "pairing"),
        ("rule_window", "year"),
        ("rule_kind", "sum"),
        ("rule_entity", "activities"),
        ("rule_field", "person_times"),
        ("rule_nf", "1"),
        ("rule_f0_field", "kind"),
        ("rule_f0_v_training", "1"),
        ("rule_comparison", "at_least"),
        ("rule_target_type", "fixed"),
        ("rule_value", "200"),
        ("rule_written", ""),
        ("rule_unit", "人次"),
        ("rule_label", "培训"),
    ] {
        set(&mut form, k, v);
    }
    form
}

#[tokio::test]
async fn a_coordinator_writes_a_rule_with_the_form_and_never_sees_json() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let a = create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let p = create_id(&store, "programs", json!({"name": "校对校帮扶", "authority_org_id": a, "start_date": "2013-10-01", "end_date": "2016-08-31", "calendar": {"kind": "school_year"}})).await;
        user(&store, "coord", Role::Coordinator, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let session = login(&app, "coord").await;
        let count = || async { store.list_all("obligations", "program_id", p).await.unwrap().len() };

        // the new form: the rule as labelled choices, no JSON box
        let r = send(&app, "GET", "/records/obligations/new", &session, None).await;
        let page = r.text();
        assert_eq!(r.status, StatusCode::OK, "{backend}");
        for part in [
            "考核对象",
            "考核期",
            "统计什么",
            "统计哪类记录",
            "筛选条件",
            "比较方式",
            "目标值",
            "单位",
            "说法",
            "方向",
            "从模板开始",
            "校对校对口帮扶（三年）",
        ] {
            assert!(page.contains(part), "{backend}: {part} on the form: {page}");
        }
        assert!(!page.contains("<textarea id=\"f_rule\""), "{backend}: no JSON box");
        // the entity chosen by its label, never its code
        assert!(
            page.contains(">活动</option>") && !page.contains(">activities<"),
            "{backend}"
        );

        // 预览: the sentence above the form, nothing saved, everything kept
        let mut form = training_duty(&page);
        form.retain(|(k, _)| k != "program_id");
        form.push(("program_id".into(), p.to_string()));
        let mut preview = form.clone();
        preview.push(("rule_do".into(), "preview".into()));
        let r = send(
            &app,
            "POST",
            "/records/obligations/new",
            &session,
            Some(encode(&preview)),
        )
        .await;
        let page = r.text();
        assert_eq!(r.status, StatusCode::OK, "{backend}: {page}");
        assert!(
            page.contains("规则预览：<strong>每年培训不少于 200 人次</strong>"),
            "{backend}: {page}"
        );
        assert!(
            page.contains("value=\"每个结对每年培训不少于200人次\""),
            "{backend}: title kept"
        );
        assert!(
            page.contains("<option value=\"person_times\" selected>人次</option>"),
            "{backend}: the summed field by its label, kept"
        );
        assert!(
            page.contains("name=\"rule_f0_v_training\" value=\"1\" checked"),
            "{backend}: {page}"
        );
        assert_eq!(count().await, 0, "{backend}: a preview saves nothing");

        // a row more without script
        let mut more = form.clone();
        more.push(("rule_do".into(), "add_filter".into()));
        let r = send(&app, "POST", "/records/obligations/new", &session, Some(encode(&more))).await;
        assert!(
            r.text().contains("name=\"rule_f1_field\""),
            "{backend}: a blank condition row"
        );

        // an invalid rule: between without its upper bound, refused naming 上限, everything kept
        let mut bad = form.clone();
        set(&mut bad, "rule_comparison", "between");
        let r = send(&app, "POST", "/records/obligations/new", &session, Some(encode(&bad))).await;
        let page = r.text();
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {page}");
        assert!(page.contains("上限：“介于”规则需要上限"), "{backend}: {page}");
        assert!(!page.contains("target_max"), "{backend}: no machine names");
        assert!(
            page.contains("name=\"rule_value\" value=\"200\""),
            "{backend}: input kept"
        );
        assert!(
            page.contains("value=\"每个结对每年培训不少于200人次\""),
            "{backend}: title kept"
        );
        // the preview says the same
        let mut bad_preview = bad.clone();
        bad_preview.push(("rule_do".into(), "preview".into()));
        let r = send(
            &app,
            "POST",
            "/records/obligations/new",
            &session,
            Some(encode(&bad_preview)),
        )
        .await;
        assert!(r.text().contains("上限：“介于”规则需要上限"), "{backend}");
        // a negative target
        let mut bad = form.clone();
        set(&mut bad, "rule_value", "-5");
        let r = send(&app, "POST", "/records/obligations/new", &session, Some(encode(&bad))).await;
        let page = r.text();
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {page}");
        assert!(page.contains("目标值：目标不能为负数"), "{backend}: {page}");
        assert!(
            page.contains("name=\"rule_value\" value=\"-5\""),
            "{backend}: input kept"
        );
        assert_eq!(count().await, 0, "{backend}: nothing written");

        // saved: the same rule the JSON API stores for this duty
        let r = send(&app, "POST", "/records/obligations/new", &session, Some(encode(&form))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        let id: i64 = r
            .location
            .trim_start_matches("/records/obligations/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let stored = store.get("obligations", id).await.unwrap();
        let expected = json!({
            "subject": {"type": "pairing"}, "window": {"type": "year"},
            "measure": {"type": "sum", "field": "person_times",
                        "records": {"entity": "activities", "filter": {"kind": ["training"]}}},
            "comparison": "at_least", "target": {"type": "fixed", "value": 200}, "label": "培训", "unit": "人次"
        });
        assert_eq!(
            ObligationRule::from_json(&stored["rule"]).unwrap(),
            ObligationRule::from_json(&expected).unwrap(),
            "{backend}"
        );
        // its page tells the rule in words
        let r = send(&app, "GET", &format!("/records/obligations/{id}"), &session, None).await;
        let page = r.text();
        assert!(page.contains("每年培训不少于 200 人次"), "{backend}: {page}");
        assert!(
            !page.contains("person_times") && !page.contains("\"subject\""),
            "{backend}: no JSON"
        );

        // a template fills the form (and the title) without saving
        let r = send(&app, "GET", "/records/obligations/new", &session, None).await;
        let mut tpl = posted(&r.text());
        set(&mut tpl, "rule_template", "school_pairing.backbone");
        set(&mut tpl, "rule_do", "template");
        let r = send(&app, "POST", "/records/obligations/new", &session, Some(encode(&tpl))).await;
        let page = r.text();
        assert!(
            page.contains("value=\"三年内培养县级学科骨干教师（按科任教师人数分档）\""),
            "{backend}: {page}"
        );
        assert!(
            page.contains("按受援方教师人数分档：20人以下1名，20—50人2名，50人以上3名"),
            "{backend}: {page}"
        );
        assert!(
            page.contains("<option value=\"teacher_count\" selected>教师</option>"),
            "{backend}"
        );
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn every_template_opens_in_the_form_and_saves_unchanged() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let a = create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let p = create_id(&store, "programs", json!({"name": "校对校帮扶", "authority_org_id": a, "start_date": "2013-10-01", "end_date": "2016-08-31", "calendar": {"kind": "school_year"}})).await;
        user(&store, "coord", Role::Coordinator, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let session = login(&app, "coord").await;
        for tpl in duikou_domain::templates::templates() {
            for item in &tpl.items {
                let rule = serde_json::to_value(&item.rule).unwrap();
                let owner = if item.assigned {
                    json!({"assigned_org_id": a, "year": 2014})
                } else {
                    json!({"program_id": p})
                };
                let mut rec = json!({"title": item.title, "weight": 1, "rule": rule});
                rec.as_object_mut().unwrap().extend(owner.as_object().unwrap().clone());
                let id = create_id(&store, "obligations", rec).await;
                let r = send(&app, "GET", &format!("/records/obligations/{id}/edit"), &session, None).await;
                let page = r.text();
                let what = format!("{backend}: {}.{}", tpl.code, item.key);
                assert!(
                    !page.contains("<textarea id=\"f_rule\""),
                    "{what}: shown as a form: {page}"
                );
                assert!(
                    page.contains(&item.rule.text_zh()),
                    "{what}: its sentence above the form"
                );
                let r = send(
                    &app,
                    "POST",
                    &format!("/records/obligations/{id}/edit"),
                    &session,
                    Some(encode(&posted(&page))),
                )
                .await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{what}: {}", r.text());
                let stored = store.get("obligations", id).await.unwrap();
                assert_eq!(ObligationRule::from_json(&stored["rule"]).unwrap(), item.rule, "{what}");
            }
        }
        // a rule in the old way (its direction inside the subject) is shown as JSON, saying why
        let old = json!({"subject": {"type": "each_dispatch", "role": "teacher", "direction": "to_supporter"},
            "window": {"type": "semester"}, "measure": {"type": "cumulative_days", "records": {"entity": "stints"}},
            "comparison": "at_least", "target": {"type": "fixed", "value": 30}, "unit": "天"});
        let id = create_id(
            &store,
            "obligations",
            json!({"program_id": p, "title": "旧规则", "rule": old}),
        )
        .await;
        let r = send(&app, "GET", &format!("/records/obligations/{id}/edit"), &session, None).await;
        let page = r.text();
        assert!(
            page.contains("<textarea id=\"f_rule\"") && page.contains("旧的写法"),
            "{backend}: {page}"
        );
        let r = send(
            &app,
            "POST",
            &format!("/records/obligations/{id}/edit"),
            &session,
            Some(encode(&posted(&page))),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        assert_eq!(
            ObligationRule::from_json(&store.get("obligations", id).await.unwrap()["rule"]).unwrap(),
            ObligationRule::from_json(&old).unwrap(),
            "{backend}: kept as it was"
        );
        t.finish().await.unwrap();
    }
}
