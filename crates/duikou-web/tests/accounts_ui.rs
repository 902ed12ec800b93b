//! Accounts in the browser, in-process on SQLite and PostgreSQL: an admin adds a user through the form (the org chosen
//! by name, mistakes answered beside their fields with the input kept, a generated password shown once); the new user
//! signs in, sees who it is and what it works on, makes an API token (shown once) and revokes it, changes its
//! password (a wrong old one refused, the field named, the input kept); a non-admin gets the 403 page and no menu
//! link; a deactivated user cannot sign in.

use axum::http::StatusCode;
use duikou_domain::access::Role;
use duikou_store::testing::{create_id, user, TestStore, PASSWORD};
use serde_json::json;

mod common;
use common::{value_of, Reply};

/// One request as a browser sends it (`common::send`), its page without the `data-label` each table cell carries for
/// the phone's cards, so the cells read as written.
async fn send(app: &axum::Router, method: &str, uri: &str, cookie: &str, form: Option<String>) -> Reply {
    let mut r = common::send(app, method, uri, cookie, form).await;
    let page = r.text();
    let mut out = String::with_capacity(page.len());
    let mut rest = page.as_str();
    while let Some(i) = rest.find(" data-label=\"") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " data-label=\"".len()..];
        rest = after.find('"').map_or("", |j| &after[j + 1..]);
    }
    out.push_str(rest);
    r.body = out.into_bytes();
    r
}

/// The status of a `GET` with an API token, as a script sends it.
async fn with_token(app: &axum::Router, uri: &str, token: &str) -> StatusCode {
    use tower::ServiceExt;
    let req = axum::http::Request::get(uri)
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    app.clone().oneshot(req).await.unwrap().status()
}

/// The page's CSRF token (every signed-in page's logout form carries it).
fn csrf(page: &str) -> String {
    value_of(page, "csrf")
}

/// Signs in through the login form: the session cookie, or the login page's answer when refused.
async fn sign_in(app: &axum::Router, username: &str, password: &str) -> Result<String, Reply> {
    let page = send(app, "GET", "/login", "", None).await;
    let token = csrf(&page.text());
    let form = serde_urlencoded::to_string([
        ("username", username),
        ("password", password),
        ("csrf", token.as_str()),
        ("next", "/account"),
    ])
    .unwrap();
    let r = send(app, "POST", "/login", &page.cookies.join("; "), Some(form)).await;
    if r.status != StatusCode::SEE_OTHER {
        return Err(r);
    }
    Ok(r.cookies
        .iter()
        .find(|c| c.starts_with("duikou_session="))
        .cloned()
        .expect("a session cookie"))
}

/// A form's body.
fn form(pairs: &[(&str, &str)]) -> Option<String> {
    Some(serde_urlencoded::to_string(pairs).unwrap())
}

/// The text of the first `<code>` after `marker`.
fn code_after(page: &str, marker: &str) -> String {
    let rest = common::after(page, marker);
    let rest = common::after(rest, "<code>");
    rest[..rest.find("</code>").unwrap()].to_string()
}

#[tokio::test]
async fn users_are_added_sign_in_keep_tokens_change_passwords_and_are_deactivated_in_the_browser() {
    for t in TestStore::all().await.unwrap() {
        let store = t.store.clone();
        let backend = t.backend;
        let a = create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let b = create_id(&store, "orgs", json!({"name": "石桥乡中心小学", "kind": "school"})).await;
        let p = create_id(&store, "programs", json!({"name": "校对校帮扶", "authority_org_id": a, "start_date": "2013-10-01", "end_date": "2016-08-31", "calendar": {"kind": "school_year"}})).await;
        create_id(&store, "pairings", json!({"program_id": p, "supporter_org_id": a, "receiver_org_id": b, "level": "school_school", "start_date": "2013-10-01", "end_date": "2016-08-31"})).await;
        user(&store, "root", Role::Admin, vec![]).await;
        user(&store, "zhb", Role::Coordinator, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));

        // ── a non-admin: no menu link, the 403 page, and nothing it posts is written
        let coord = sign_in(&app, "zhb", PASSWORD)
            .await
            .unwrap_or_else(|r| panic!("{}", r.text()));
        let home = send(&app, "GET", "/account", &coord, None).await.text();
        assert!(
            home.contains("href=\"/account\"") && !home.contains("href=\"/admin/users\""),
            "{backend}: {home}"
        );
        assert!(
            home.contains("协调管理（指挥部/教育局）") && home.contains("不限单位"),
            "{home}"
        );
        let r = send(&app, "GET", "/admin/users", &coord, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
        assert!(
            r.content_type.starts_with("text/html") && r.text().contains("只有系统管理员可以管理用户"),
            "{}",
            r.text()
        );
        let coord_csrf = csrf(&home);
        let r = send(
            &app,
            "POST",
            "/admin/users",
            &coord,
            form(&[
                ("csrf", &coord_csrf),
                ("username", "sneaky"),
                ("role", "admin"),
                ("password", "a-long-enough-one"),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
        assert_eq!(store.user_id("sneaky").await.unwrap(), None, "{backend}");

        // ── the admin: the menu link and the page
        let admin = sign_in(&app, "root", PASSWORD)
            .await
            .unwrap_or_else(|r| panic!("{}", r.text()));
        let page = send(&app, "GET", "/admin/users", &admin, None).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        let page = page.text();
        assert!(
            page.contains("href=\"/admin/users\"") && page.contains("添加用户"),
            "{page}"
        );
        assert!(
            page.contains("<td>zhb</td>") && page.contains("协调管理（指挥部/教育局）") && page.contains("已启用"),
            "{page}"
        );
        // no button the server would refuse: the admin cannot deactivate itself
        let root_id = store.user_id("root").await.unwrap().unwrap();
        assert!(
            !page.contains(&format!("/admin/users/{root_id}/deactivate")) && page.contains("不能停用自己的账户"),
            "{page}"
        );
        let admin_csrf = csrf(&page);
        let r = send(
            &app,
            "POST",
            "/admin/users",
            &admin,
            form(&[("csrf", "forged"), ("username", "zhangsan"), ("role", "viewer")]),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "a forged CSRF token, {backend}");

        // mistakes: each beside its field, named by its label, everything typed kept, nothing written
        let r = send(
            &app,
            "POST",
            "/admin/users",
            &admin,
            form(&[
                ("csrf", &admin_csrf),
                ("username", "zhangsan"),
                ("display_name", "张三"),
                ("role", "supporter_editor"),
                ("org", "没有这个单位"),
                ("password", ""),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        let page = r.text();
        assert!(
            common::after(&page, "id=\"e_org\"").contains("找不到名为“没有这个单位”的单位")
                && page.contains("value=\"zhangsan\"")
                && page.contains("value=\"张三\"")
                && page.contains("value=\"supporter_editor\" selected")
                && page.contains("value=\"没有这个单位\""),
            "{backend}: {page}"
        );
        let r = send(
            &app,
            "POST",
            "/admin/users",
            &admin,
            form(&[
                ("csrf", &admin_csrf),
                ("username", "li"),
                ("display_name", "李四"),
                ("role", "receiver_editor"),
                ("org", ""),
                ("password", "12345678"),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        let page = r.text();
        for (field, says) in [
            ("username", "用户名应为 3–50 个字母、数字或 _ . -"),
            ("password", "初始密码至少 10 个字符"),
            ("org", "支援方和受援方填报员必须指定所属单位"),
        ] {
            let beside = common::after(&page, &format!("id=\"e_{field}\""));
            assert!(
                beside[..beside.find("</span>").unwrap()].contains(says),
                "{backend} {field}: {page}"
            );
        }
        assert!(
            page.contains("value=\"li\"") && page.contains("value=\"李四\""),
            "{page}"
        );
        assert!(
            !page.contains("（password）") && !page.contains("（username）"),
            "machine names: {page}"
        );
        let r = send(
            &app,
            "POST",
            "/admin/users",
            &admin,
            form(&[
                ("csrf", &admin_csrf),
                ("username", "zhb"),
                ("role", "viewer"),
                ("password", ""),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{backend}");
        assert!(
            common::after(&r.text(), "id=\"e_username\"").starts_with(" class=\"error hint\">用户名“zhb”已被使用"),
            "{}",
            r.text()
        );
        assert_eq!(store.user_id("li").await.unwrap(), None);

        // added: the org typed by its name, the password generated and shown once
        let r = send(
            &app,
            "POST",
            "/admin/users",
            &admin,
            form(&[
                ("csrf", &admin_csrf),
                ("username", "zhangsan"),
                ("display_name", "张三"),
                ("role", "supporter_editor"),
                ("org", "城关第一小学"),
                ("password", ""),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        let zs = store.user_id("zhangsan").await.unwrap().expect("added");
        assert_eq!(r.location, format!("/admin/users?done=added&user={zs}"));
        let once = r
            .cookies
            .iter()
            .find(|c| c.starts_with("duikou_once="))
            .expect("the password's cookie")
            .clone();
        let shown = send(&app, "GET", &r.location, &format!("{admin}; {once}"), None).await;
        assert!(
            shown.cookies.contains(&"duikou_once=".to_string()),
            "dropped once shown"
        );
        let page = shown.text();
        assert!(
            page.contains("已添加用户 张三（zhangsan）") && page.contains("只显示这一次"),
            "{page}"
        );
        let generated = code_after(&page, "data-testid=\"generated-password\"");
        assert!(generated.len() >= 10, "{generated}");
        assert!(
            page.contains("<td>张三</td>") && page.contains("<td>城关第一小学</td>") && page.contains("支援方填报员"),
            "{page}"
        );
        let again = send(&app, "GET", "/admin/users", &admin, None).await.text();
        assert!(!again.contains(&generated), "shown once only");
        let added = store
            .list_users(&store.actor(root_id).await.unwrap().unwrap())
            .await
            .unwrap();
        let added = added.iter().find(|u| u.id == zs).unwrap();
        assert_eq!(
            (added.role.as_str(), added.org_ids.clone()),
            ("supporter_editor", vec![a])
        );
        let audit = store.audit_recent(20).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.action == "create" && e.entity == "users" && e.entity_id == zs && e.user_id == root_id),
            "{backend}: the same audit event as the API's"
        );

        // ── the new user: who it is and what it works on, no admin link
        let zs_session = sign_in(&app, "zhangsan", &generated)
            .await
            .unwrap_or_else(|r| panic!("{backend}: {}", r.text()));
        let page = send(&app, "GET", "/account", &zs_session, None).await.text();
        assert!(
            page.contains(">张三</dd>")
                && page.contains("支援方填报员")
                && common::after(&page, "data-testid=\"orgs\"").starts_with(">城关第一小学</dd>")
                && page.contains("城关第一小学 → 石桥乡中心小学")
                && !page.contains("href=\"/admin/users\""),
            "{backend}: {page}"
        );
        assert_eq!(
            send(&app, "GET", "/admin/users", &zs_session, None).await.status,
            StatusCode::FORBIDDEN
        );
        let zs_csrf = csrf(&page);

        // a token: mistakes named, then made and shown once, listed by its dates
        let r = send(
            &app,
            "POST",
            "/account/tokens",
            &zs_session,
            form(&[("csrf", &zs_csrf), ("name", ""), ("days", "0")]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        let page = r.text();
        assert!(
            common::after(&page, "id=\"e_name\"").contains("请填写令牌名称")
                && common::after(&page, "id=\"e_days\"").contains("有效天数应为 1–366 的整数")
                && page.contains("name=\"days\" inputmode=\"numeric\" value=\"0\""),
            "{backend}: {page}"
        );
        let r = send(
            &app,
            "POST",
            "/account/tokens",
            &zs_session,
            form(&[("csrf", &zs_csrf), ("name", "同步脚本"), ("days", "30")]),
        )
        .await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (StatusCode::SEE_OTHER, "/account?done=token")
        );
        let once = r
            .cookies
            .iter()
            .find(|c| c.starts_with("duikou_once="))
            .unwrap()
            .clone();
        let page = send(&app, "GET", &r.location, &format!("{zs_session}; {once}"), None)
            .await
            .text();
        let secret = code_after(&page, "data-testid=\"new-token\"");
        assert!(secret.starts_with("dk_") && page.contains("只显示这一次"), "{page}");
        let beijing = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        let today = chrono::Utc::now().with_timezone(&beijing);
        let until = today + chrono::Duration::days(30);
        assert!(
            page.contains("<td>同步脚本</td>")
                && page.contains(&format!("<td>{}</td>", today.format("%Y年%-m月%-d日")))
                && page.contains(&format!("<td>{}</td>", until.format("%Y年%-m月%-d日"))),
            "{backend}: {page}"
        );
        assert!(
            !page.contains(&format!("{}T", today.format("%Y-%m-%d"))),
            "no RFC 3339: {page}"
        );
        let page = send(&app, "GET", "/account", &zs_session, None).await.text();
        assert!(!page.contains(&secret), "shown once only");
        let me = with_token(&app, "/api/v1/auth/me", &secret).await;
        assert_eq!(me, StatusCode::OK, "{backend}: the token works");
        let token_id = store.list_tokens(zs).await.unwrap()[0].id;
        assert!(
            page.contains(&format!("action=\"/account/tokens/{token_id}/revoke\"")),
            "{page}"
        );
        let r = send(
            &app,
            "POST",
            &format!("/account/tokens/{token_id}/revoke"),
            &zs_session,
            form(&[("csrf", &zs_csrf)]),
        )
        .await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (StatusCode::SEE_OTHER, "/account?done=revoked")
        );
        let page = send(&app, "GET", &r.location, &zs_session, None).await.text();
        assert!(
            page.contains("已吊销 API 令牌") && page.contains("您还没有 API 令牌"),
            "{page}"
        );
        assert_eq!(
            with_token(&app, "/api/v1/auth/me", &secret).await,
            StatusCode::UNAUTHORIZED,
            "{backend}: revoked"
        );

        // the password: a wrong old one and two new ones that differ are refused, the field named, the input kept
        let new_password = "春风又绿江南岸2026";
        let r = send(
            &app,
            "POST",
            "/account/password",
            &zs_session,
            form(&[
                ("csrf", &zs_csrf),
                ("current_password", "not-my-password"),
                ("new_password", new_password),
                ("new_password_again", new_password),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        let page = r.text();
        assert!(
            common::after(&page, "id=\"e_current_password\"").starts_with(" class=\"error field-error\">原密码不正确")
                && page.contains(&format!(
                    "name=\"new_password\" type=\"password\" autocomplete=\"new-password\" value=\"{new_password}\""
                )),
            "{backend}: {page}"
        );
        let r = send(
            &app,
            "POST",
            "/account/password",
            &zs_session,
            form(&[
                ("csrf", &zs_csrf),
                ("current_password", &generated),
                ("new_password", new_password),
                ("new_password_again", "春风又绿江南岸2025"),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            common::after(&r.text(), "id=\"e_new_password_again\"").contains("两次输入的新密码不一致"),
            "{}",
            r.text()
        );
        let r = send(
            &app,
            "POST",
            "/account/password",
            &zs_session,
            form(&[
                ("csrf", &zs_csrf),
                ("current_password", &generated),
                ("new_password", "short"),
                ("new_password_again", "short"),
            ]),
        )
        .await;
        assert!(
            common::after(&r.text(), "id=\"e_new_password\"").contains("新密码至少 10 个字符"),
            "{}",
            r.text()
        );
        assert!(
            sign_in(&app, "zhangsan", &generated).await.is_ok(),
            "{backend}: unchanged so far"
        );
        let r = send(
            &app,
            "POST",
            "/account/password",
            &zs_session,
            form(&[
                ("csrf", &zs_csrf),
                ("current_password", &generated),
                ("new_password", new_password),
                ("new_password_again", new_password),
            ]),
        )
        .await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (StatusCode::SEE_OTHER, "/account?done=password"),
            "{backend}: {}",
            r.text()
        );
        // every old session ended; this browser has a new one
        let fresh = r
            .cookies
            .iter()
            .find(|c| c.starts_with("duikou_session="))
            .unwrap()
            .clone();
        assert_eq!(
            send(&app, "GET", "/account", &zs_session, None).await.status,
            StatusCode::SEE_OTHER
        );
        let page = send(&app, "GET", &r.location, &fresh, None).await.text();
        assert!(page.contains("已修改密码"), "{page}");
        assert!(
            sign_in(&app, "zhangsan", &generated).await.is_err(),
            "{backend}: the old password"
        );
        let zs_session = sign_in(&app, "zhangsan", new_password)
            .await
            .unwrap_or_else(|r| panic!("{}", r.text()));

        // ── deactivated: its session ends and it cannot sign in; reactivated, it can again
        let page = send(&app, "GET", "/admin/users", &admin, None).await.text();
        assert!(page.contains("停用后立即退出登录，其 API 令牌全部失效"), "{page}");
        let r = send(
            &app,
            "POST",
            &format!("/admin/users/{zs}/deactivate"),
            &admin,
            form(&[("csrf", &admin_csrf)]),
        )
        .await;
        assert_eq!(
            (r.status, r.location.clone()),
            (
                StatusCode::SEE_OTHER,
                format!("/admin/users?done=deactivated&user={zs}")
            )
        );
        let page = send(&app, "GET", &r.location, &admin, None).await.text();
        assert!(
            page.contains("已停用用户 张三（zhangsan）") && page.contains("已停用</td>"),
            "{page}"
        );
        assert_eq!(
            send(&app, "GET", "/account", &zs_session, None).await.status,
            StatusCode::SEE_OTHER
        );
        let refused = sign_in(&app, "zhangsan", new_password).await.expect_err("deactivated");
        assert!(refused.text().contains("用户名或密码错误"), "{backend}");
        let r = send(
            &app,
            "POST",
            &format!("/admin/users/{zs}/activate"),
            &admin,
            form(&[("csrf", &admin_csrf)]),
        )
        .await;
        let page = send(&app, "GET", &r.location, &admin, None).await.text();
        assert!(page.contains("已重新启用用户 张三（zhangsan）"), "{page}");
        assert!(sign_in(&app, "zhangsan", new_password).await.is_ok(), "{backend}");
        let actions: Vec<String> = store
            .audit_recent(50)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.entity == "users" && e.entity_id == zs)
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            ["activate", "deactivate", "set_password", "create"],
            "{backend}"
        );
        t.finish().await.unwrap();
    }
}
