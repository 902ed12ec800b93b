//! Who a session or an API token stands for, on both backends: the user's role and org scope expanded to every org
//! below, read in one statement; an expired session is refused and deleted, an inactive user (or one whose role is
//! no longer known) is refused by every credential, and a logout on one server is refused on another at once. Logins
//! are throttled per account and address for every server; passwords follow the policy; tokens expire, are listed
//! and revoked, and end with a new password or a deactivation.

use duikou_domain::access::{Actor, Role};
use duikou_store::accounts::{Login, NewUser};
use duikou_store::db::{Arg, Kind};
use duikou_store::testing::{self, TestStore};
use duikou_store::Store;
use duikou_store::StoreError;
use serde_json::json;
use std::collections::BTreeSet;

/// Sets one column of a user's row behind the store's back, as an operator (or another tool) might.
async fn set_user(store: &Store, user_id: i64, column: &str, value: Arg) {
    store
        .db()
        .execute(
            &format!("UPDATE users SET {column} = $1 WHERE id = $2"),
            &[value, Arg::Int(Some(user_id))],
        )
        .await
        .unwrap();
}

async fn sessions_of(store: &Store, user_id: i64) -> i64 {
    store
        .db()
        .fetch_opt(
            "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
            &[Arg::Int(Some(user_id))],
            &[Kind::Int],
        )
        .await
        .unwrap()
        .and_then(|r| r[0].int())
        .unwrap_or(-1)
}

#[tokio::test]
async fn every_credential_answers_the_same_actor_with_its_scope_expanded() {
    for t in TestStore::all().await.expect("test stores") {
        let (store, backend) = (t.store.clone(), t.backend);
        // 教育厅 > 某县教育局 > 城关第一小学, 教育厅 > 另一县; a school elsewhere
        let top = testing::create_id(&store, "orgs", json!({"name": "教育厅", "kind": "government"})).await;
        let county = testing::create_id(
            &store,
            "orgs",
            json!({"name": "某县教育局", "kind": "government", "parent_id": top}),
        )
        .await;
        let school = testing::create_id(
            &store,
            "orgs",
            json!({"name": "城关第一小学", "kind": "school", "parent_id": county}),
        )
        .await;
        let other_county = testing::create_id(
            &store,
            "orgs",
            json!({"name": "另一县教育局", "kind": "government", "parent_id": top}),
        )
        .await;
        let elsewhere = testing::create_id(&store, "orgs", json!({"name": "另一所小学", "kind": "school"})).await;

        let coord = testing::user(&store, "coord", Role::Coordinator, vec![county, elsewhere])
            .await
            .user_id;
        let by_password = store
            .authenticate("coord", "password-123")
            .await
            .unwrap()
            .expect("login");
        assert_eq!(by_password.user_id, coord, "{backend}");
        assert_eq!(by_password.role, Role::Coordinator, "{backend}");
        assert_eq!(
            by_password.scope,
            BTreeSet::from([county, school, elsewhere]),
            "{backend}: the orgs given and every org below, not the ones above or beside"
        );
        let s = store.create_session(coord, 1).await.unwrap();
        let (by_session, csrf) = store.session(&s.id).await.unwrap().expect("session");
        assert_eq!(csrf, s.csrf, "{backend}");
        let token = store.create_token(coord, "script").await.unwrap();
        let by_token = store.token_actor(&token).await.unwrap().expect("token");
        let by_id = store.actor(coord).await.unwrap().expect("actor");
        for a in [&by_session, &by_token, &by_id] {
            assert_eq!(
                (a.user_id, a.username.as_str(), a.role, &a.scope),
                (coord, "coord", Role::Coordinator, &by_password.scope),
                "{backend}"
            );
        }

        // a user without orgs has an empty scope; the whole tree from its top
        let admin = testing::user(&store, "admin", Role::Admin, vec![]).await.user_id;
        assert!(
            store.actor(admin).await.unwrap().expect("admin").scope.is_empty(),
            "{backend}"
        );
        let wide = testing::user(&store, "wide", Role::Viewer, vec![top]).await.user_id;
        assert_eq!(
            store.actor(wide).await.unwrap().expect("wide").scope,
            BTreeSet::from([top, county, school, other_county]),
            "{backend}"
        );

        // nobody behind unknown credentials
        assert!(store.session("no-such-session").await.unwrap().is_none(), "{backend}");
        assert!(store.token_actor("dk_forged").await.unwrap().is_none(), "{backend}");
        assert!(store.actor(999_999).await.unwrap().is_none(), "{backend}");
        t.finish().await.expect("cleanup");
    }
}

#[tokio::test]
async fn expired_sessions_inactive_users_and_logouts_are_refused() {
    for t in TestStore::all().await.expect("test stores") {
        let (store, backend) = (t.store.clone(), t.backend);
        let org = testing::create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let editor = testing::user(&store, "editor", Role::SupporterEditor, vec![org])
            .await
            .user_id;

        // expired: refused, and the row is gone
        let old = store.create_session(editor, -1).await.unwrap();
        assert_eq!(sessions_of(&store, editor).await, 1, "{backend}");
        assert!(store.session(&old.id).await.unwrap().is_none(), "{backend}: expired");
        assert_eq!(
            sessions_of(&store, editor).await,
            0,
            "{backend}: the expired session is deleted"
        );

        // inactive: refused by session, token, password and id, the session kept; active again, accepted again
        let s = store.create_session(editor, 1).await.unwrap();
        let token = store.create_token(editor, "script").await.unwrap();
        assert!(store.session(&s.id).await.unwrap().is_some(), "{backend}");
        set_user(&store, editor, "active", Arg::Bool(Some(false))).await;
        assert!(
            store.session(&s.id).await.unwrap().is_none(),
            "{backend}: inactive, by session"
        );
        assert!(
            store.token_actor(&token).await.unwrap().is_none(),
            "{backend}: inactive, by token"
        );
        assert!(
            store.authenticate("editor", "password-123").await.unwrap().is_none(),
            "{backend}"
        );
        assert!(store.actor(editor).await.unwrap().is_none(), "{backend}");
        assert_eq!(
            sessions_of(&store, editor).await,
            1,
            "{backend}: an inactive user's session is kept"
        );
        set_user(&store, editor, "active", Arg::Bool(Some(true))).await;
        let (back, _) = store.session(&s.id).await.unwrap().expect("active again");
        assert_eq!(
            (back.role, back.scope),
            (Role::SupporterEditor, BTreeSet::from([org])),
            "{backend}"
        );

        // a role no longer known is refused like an inactive user
        set_user(&store, editor, "role", Arg::Text(Some("boss".into()))).await;
        assert!(store.session(&s.id).await.unwrap().is_none(), "{backend}: unknown role");
        assert!(
            store.token_actor(&token).await.unwrap().is_none(),
            "{backend}: unknown role"
        );
        set_user(&store, editor, "role", Arg::Text(Some("supporter_editor".into()))).await;

        // logout on another server (a second store on the same database) is refused here at once
        let other = t.open_again().await.unwrap();
        assert!(other.session(&s.id).await.unwrap().is_some(), "{backend}");
        other.end_session(&s.id).await.unwrap();
        assert!(
            store.session(&s.id).await.unwrap().is_none(),
            "{backend}: logged out elsewhere"
        );
        // a token revoked on another server is refused here at once, though this one has just read it
        let elsewhere = store.create_token(editor, "另一台服务器").await.unwrap();
        assert!(store.token_actor(&elsewhere).await.unwrap().is_some(), "{backend}");
        assert!(
            store.token_actor(&elsewhere).await.unwrap().is_some(),
            "{backend}: read again"
        );
        other.revoke_token_secret(&elsewhere).await.unwrap();
        assert!(
            store.token_actor(&elsewhere).await.unwrap().is_none(),
            "{backend}: revoked elsewhere"
        );
        // a new password ends every session of the user
        let s2 = store.create_session(editor, 1).await.unwrap();
        store
            .set_password(&Actor::system(), "editor", "another-password")
            .await
            .unwrap();
        assert!(
            store.session(&s2.id).await.unwrap().is_none(),
            "{backend}: password changed"
        );
        other.db().close().await;
        t.finish().await.expect("cleanup");
    }
}

/// Moves every recorded login failure `minutes` into the past, as if that time had gone by.
async fn age_failures(store: &Store, minutes: i64) {
    store
        .db()
        .execute(
            "UPDATE login_failures SET at_ms = at_ms - $1",
            &[Arg::Int(Some(minutes * 60_000))],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn logins_are_throttled_per_account_and_per_address_on_every_server() {
    for t in TestStore::all().await.expect("test stores") {
        let (store, backend) = (t.store.clone(), t.backend);
        let clerk = testing::user(&store, "clerk", Role::Viewer, vec![]).await.user_id;
        testing::user(&store, "other", Role::Viewer, vec![]).await;
        let a = Some("192.0.2.1");
        for i in 0..5 {
            assert_eq!(
                store.login("clerk", "wrong-password", a).await.unwrap(),
                Login::Bad,
                "{backend}: failure {i} is told as a wrong password"
            );
        }
        // the sixth attempt is refused unseen, even with the right password, from anywhere, on any server
        let other_server = t.open_again().await.unwrap();
        for (s, addr) in [(&store, a), (&store, Some("198.51.100.7")), (&other_server, None)] {
            match s.login("clerk", testing::PASSWORD, addr).await.unwrap() {
                Login::Throttled { minutes } => {
                    assert!((14..=15).contains(&minutes), "{backend}: {minutes} minutes")
                }
                other => panic!("{backend}: {other:?}"),
            }
        }
        // refusals add no failure: once the window has gone by, the right password works and clears the count
        age_failures(&store, 16).await;
        assert!(
            matches!(store.login("clerk", testing::PASSWORD, a).await.unwrap(), Login::Ok(ref x) if x.user_id == clerk),
            "{backend}"
        );
        // a success resets the account: four failures, a success, four more failures are still let through
        for _ in 0..4 {
            assert_eq!(store.login("clerk", "wrong-password", a).await.unwrap(), Login::Bad);
        }
        assert!(matches!(
            store.login("clerk", testing::PASSWORD, a).await.unwrap(),
            Login::Ok(_)
        ));
        for _ in 0..4 {
            assert_eq!(store.login("clerk", "wrong-password", a).await.unwrap(), Login::Bad);
        }
        assert!(
            matches!(store.login("clerk", testing::PASSWORD, a).await.unwrap(), Login::Ok(_)),
            "{backend}: a success reset the count"
        );

        // one address guessing many accounts (none of them five times) is stopped at 20 failures
        let guesser = Some("203.0.113.9");
        for i in 0..20 {
            assert_eq!(
                store
                    .login(&format!("ghost{i}"), "wrong-password", guesser)
                    .await
                    .unwrap(),
                Login::Bad,
                "{backend}"
            );
        }
        assert!(
            matches!(
                other_server.login("other", testing::PASSWORD, guesser).await.unwrap(),
                Login::Throttled { .. }
            ),
            "{backend}: the address is stopped, whatever account it tries"
        );
        assert!(
            matches!(
                store
                    .login("other", testing::PASSWORD, Some("192.0.2.200"))
                    .await
                    .unwrap(),
                Login::Ok(_)
            ),
            "{backend}: the account itself is not locked for others"
        );
        other_server.db().close().await;
        t.finish().await.expect("cleanup");
    }
}

#[tokio::test]
async fn passwords_follow_the_policy_on_creation_and_change() {
    for t in TestStore::all().await.expect("test stores") {
        let (store, backend) = (t.store.clone(), t.backend);
        let sys = Actor::system();
        for (password, code) in [
            ("12345678", "too_short"),
            ("1234567890", "common"),
            ("Password123", "common"),
            ("xiaowang-2024", "contains_username"),
        ] {
            let new = NewUser {
                username: "xiaowang".into(),
                display_name: None,
                password: password.into(),
                role: "viewer".into(),
                org_ids: vec![],
            };
            match store.create_user(&sys, &new).await {
                Err(StoreError::Invalid(e)) => {
                    assert_eq!(
                        (e.0[0].field.as_str(), e.0[0].code),
                        ("password", code),
                        "{backend}: {e}"
                    );
                    assert!(e.0[0].message.starts_with("密码（password）"), "{backend}: {e}");
                }
                other => panic!("{backend}: {password} {other:?}"),
            }
        }
        assert_eq!(store.user_count().await.unwrap(), 0, "{backend}: nothing written");
        let me = testing::user(&store, "xiaowang", Role::Viewer, vec![]).await;
        assert!(matches!(
            store.set_password(&sys, "xiaowang", "qwertyuiop").await,
            Err(StoreError::Invalid(_))
        ));
        // one's own change: the current password is checked, then the new one
        match store
            .change_own_password(&me, "wrong-password", "a-good-new-password", None)
            .await
        {
            Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].field, "current_password", "{backend}"),
            other => panic!("{backend}: {other:?}"),
        }
        match store
            .change_own_password(&me, testing::PASSWORD, "1qaz2wsx3edc", None)
            .await
        {
            Err(StoreError::Invalid(e)) => assert_eq!(
                (e.0[0].field.as_str(), e.0[0].code),
                ("new_password", "common"),
                "{backend}"
            ),
            other => panic!("{backend}: {other:?}"),
        }
        let s = store.create_session(me.user_id, 1).await.unwrap();
        let token = store.create_token(me.user_id, "script").await.unwrap();
        store
            .change_own_password(&me, testing::PASSWORD, "a-good-new-password", None)
            .await
            .unwrap();
        assert!(store.session(&s.id).await.unwrap().is_none(), "{backend}");
        assert!(store.token_actor(&token).await.unwrap().is_none(), "{backend}");
        assert!(store
            .authenticate("xiaowang", "a-good-new-password")
            .await
            .unwrap()
            .is_some());
        t.finish().await.expect("cleanup");
    }
}

#[tokio::test]
async fn tokens_expire_are_listed_revoked_and_end_with_the_password_or_the_user() {
    for t in TestStore::all().await.expect("test stores") {
        let (store, backend) = (t.store.clone(), t.backend);
        let sys = Actor::system();
        let admin = testing::user(&store, "admin", Role::Admin, vec![]).await;
        let clerk = testing::user(&store, "clerk", Role::Viewer, vec![]).await.user_id;
        let week = store.create_token_for(clerk, "week", 7).await.unwrap();
        let default = store.create_token(clerk, "default").await.unwrap();
        let days = (week.expires_at - chrono::Utc::now()).num_hours();
        assert!((7 * 24 - 1..=7 * 24).contains(&days), "{backend}: {days} hours");
        match store.create_token_for(clerk, "forever", 10_000).await {
            Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].field, "expires_in_days", "{backend}"),
            other => panic!("{backend}: {other:?}"),
        }
        // listed to its owner, newest first, without the secret
        let listed = store.list_tokens(clerk).await.unwrap();
        assert_eq!(
            listed.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["default", "week"],
            "{backend}"
        );
        let text = serde_json::to_string(&listed).unwrap();
        assert!(
            !text.contains(&week.token[3..]) && !text.contains(&default[3..]),
            "{backend}: {text}"
        );
        let left = listed[0].expires_at.unwrap() - chrono::Utc::now();
        assert!((89..=90).contains(&left.num_days()), "{backend}: {left}");
        assert!(store.list_tokens(admin.user_id).await.unwrap().is_empty());

        // expired: refused, and listed as expired
        store
            .db()
            .execute(
                "UPDATE api_tokens SET expires_at = $1 WHERE id = $2",
                &[
                    Arg::Ts(Some(chrono::Utc::now() - chrono::Duration::minutes(1))),
                    Arg::Int(Some(week.id)),
                ],
            )
            .await
            .unwrap();
        assert!(
            store.token_actor(&week.token).await.unwrap().is_none(),
            "{backend}: expired"
        );
        assert!(store.list_tokens(clerk).await.unwrap()[1].expired, "{backend}");
        assert!(store.token_actor(&default).await.unwrap().is_some(), "{backend}");

        // revoked by its owner only
        let default_id = listed[0].id;
        assert!(
            !store.revoke_token(admin.user_id, default_id).await.unwrap(),
            "{backend}"
        );
        assert!(store.token_actor(&default).await.unwrap().is_some(), "{backend}");
        assert!(store.revoke_token(clerk, default_id).await.unwrap(), "{backend}");
        assert!(
            store.token_actor(&default).await.unwrap().is_none(),
            "{backend}: revoked"
        );
        let logout = store.create_token(clerk, "logout").await.unwrap();
        store.revoke_token_secret(&logout).await.unwrap();
        assert!(store.token_actor(&logout).await.unwrap().is_none(), "{backend}");

        // a new password ends the tokens too
        let t1 = store.create_token(clerk, "before").await.unwrap();
        store.set_password(&sys, "clerk", "another-password").await.unwrap();
        assert!(
            store.token_actor(&t1).await.unwrap().is_none(),
            "{backend}: password changed"
        );

        // deactivated: no login, no session, no token, and activating again revives none of them
        let s = store.create_session(clerk, 1).await.unwrap();
        let t2 = store.create_token(clerk, "before").await.unwrap();
        let off = store.set_active(&admin, clerk, false).await.unwrap();
        assert!(!off.active, "{backend}");
        assert_eq!(
            store.login("clerk", "another-password", None).await.unwrap(),
            Login::Bad,
            "{backend}"
        );
        assert!(store.session(&s.id).await.unwrap().is_none(), "{backend}");
        assert!(store.token_actor(&t2).await.unwrap().is_none(), "{backend}");
        assert!(store.set_active(&admin, clerk, true).await.unwrap().active);
        assert!(store.session(&s.id).await.unwrap().is_none(), "{backend}: not revived");
        assert!(
            store.token_actor(&t2).await.unwrap().is_none(),
            "{backend}: not revived"
        );
        assert!(matches!(
            store.login("clerk", "another-password", None).await.unwrap(),
            Login::Ok(_)
        ));
        // an admin cannot lock itself out; a non-admin cannot deactivate anyone
        assert!(matches!(
            store.set_active(&admin, admin.user_id, false).await,
            Err(StoreError::Invalid(_))
        ));
        let clerk_actor = store.actor(clerk).await.unwrap().unwrap();
        assert!(matches!(
            store.set_active(&clerk_actor, admin.user_id, false).await,
            Err(StoreError::Forbidden(_))
        ));
        let events = store.audit_recent(10).await.unwrap();
        let text = serde_json::to_string(&events).unwrap();
        assert!(
            text.contains("deactivate") && text.contains("activate"),
            "{backend}: audited"
        );
        t.finish().await.expect("cleanup");
    }
}
