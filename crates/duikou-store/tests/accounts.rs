//! Who a session or an API token stands for, on both backends: the user's role and org scope expanded to every org
//! below, read in one statement; an expired session is refused and deleted, an inactive user (or one whose role is
//! no longer known) is refused by every credential, and a logout on one server is refused on another at once.

use duikou_domain::access::{Actor, Role};
use duikou_store::accounts::NewUser;
use duikou_store::db::{Arg, Kind};
use duikou_store::testing::TestStore;
use duikou_store::Store;
use serde_json::{json, Value};
use std::collections::BTreeSet;

async fn create(store: &Store, entity: &str, v: Value) -> i64 {
    store
        .create(&Actor::system(), entity, &v)
        .await
        .unwrap_or_else(|e| panic!("create {entity} {v}: {e:?}"))["id"]
        .as_i64()
        .expect("id")
}

async fn user(store: &Store, name: &str, role: Role, orgs: Vec<i64>) -> i64 {
    store
        .create_user(
            &Actor::system(),
            &NewUser {
                username: name.into(),
                display_name: None,
                password: "password-123".into(),
                role: role.as_str().into(),
                org_ids: orgs,
            },
        )
        .await
        .unwrap()
        .id
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
        let top = create(&store, "orgs", json!({"name": "教育厅", "kind": "government"})).await;
        let county = create(
            &store,
            "orgs",
            json!({"name": "某县教育局", "kind": "government", "parent_id": top}),
        )
        .await;
        let school = create(
            &store,
            "orgs",
            json!({"name": "城关第一小学", "kind": "school", "parent_id": county}),
        )
        .await;
        let other_county = create(
            &store,
            "orgs",
            json!({"name": "另一县教育局", "kind": "government", "parent_id": top}),
        )
        .await;
        let elsewhere = create(&store, "orgs", json!({"name": "另一所小学", "kind": "school"})).await;

        let coord = user(&store, "coord", Role::Coordinator, vec![county, elsewhere]).await;
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
        let admin = user(&store, "admin", Role::Admin, vec![]).await;
        assert!(
            store.actor(admin).await.unwrap().expect("admin").scope.is_empty(),
            "{backend}"
        );
        let wide = user(&store, "wide", Role::Viewer, vec![top]).await;
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
        let org = create(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let editor = user(&store, "editor", Role::SupporterEditor, vec![org]).await;

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
        let set_active = |on: bool| {
            let store = store.clone();
            async move {
                store
                    .db()
                    .execute(
                        "UPDATE users SET active = $1 WHERE id = $2",
                        &[Arg::Bool(Some(on)), Arg::Int(Some(editor))],
                    )
                    .await
                    .unwrap();
            }
        };
        set_active(false).await;
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
        set_active(true).await;
        let (back, _) = store.session(&s.id).await.unwrap().expect("active again");
        assert_eq!(
            (back.role, back.scope),
            (Role::SupporterEditor, BTreeSet::from([org])),
            "{backend}"
        );

        // a role no longer known is refused like an inactive user
        store
            .db()
            .execute(
                "UPDATE users SET role = $1 WHERE id = $2",
                &[Arg::Text(Some("boss".into())), Arg::Int(Some(editor))],
            )
            .await
            .unwrap();
        assert!(store.session(&s.id).await.unwrap().is_none(), "{backend}: unknown role");
        assert!(
            store.token_actor(&token).await.unwrap().is_none(),
            "{backend}: unknown role"
        );
        store
            .db()
            .execute(
                "UPDATE users SET role = $1 WHERE id = $2",
                &[Arg::Text(Some("supporter_editor".into())), Arg::Int(Some(editor))],
            )
            .await
            .unwrap();

        // logout on another server (a second store on the same database) is refused here at once
        let other = Store::open(&t.url).await.unwrap();
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
