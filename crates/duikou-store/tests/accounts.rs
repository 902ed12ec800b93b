//! Who a session or an API token stands for, on both backends: the user's role and org scope expanded to every org
//! below, read in one statement; an expired session is refused and deleted, an inactive user (or one whose role is
//! no longer known) is refused by every credential, and a logout on one server is refused on another at once.

use duikou_domain::access::{Actor, Role};
use duikou_store::db::{Arg, Kind};
use duikou_store::testing::{self, TestStore};
use duikou_store::Store;
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
