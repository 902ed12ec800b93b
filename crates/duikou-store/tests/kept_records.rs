//! A record served as kept JSON (`Store::record_json`) is the record as it stands: kept only while the audit head
//! read with the caller's sign-in has not moved, so an edit — made here or by another server on the same database —
//! is served at once, on both backends.

use duikou_domain::access::{Actor, Role};
use duikou_store::testing::{create_id, user, TestStore};
use duikou_store::Store;
use serde_json::{json, Value};
use std::sync::Arc;

async fn head_of(store: &Store, session: &str) -> i64 {
    let (_, _, head) = store.session_seen(session).await.unwrap().expect("a live session");
    head
}

/// What a reader signing in now is served for the org: the head it read and the record.
async fn served(store: &Store, session: &str, org: i64) -> (i64, Value) {
    let head = head_of(store, session).await;
    let json = store.record_json("orgs", org, head).await.unwrap();
    (head, serde_json::from_str(&json).unwrap())
}

#[tokio::test]
async fn a_kept_record_is_served_until_the_next_write_anywhere() {
    for t in TestStore::all().await.unwrap() {
        let backend = t.backend;
        let store = t.store.clone();
        let org = create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let reader = user(&store, "reader", Role::Viewer, vec![]).await;
        let session = store.create_session(reader.user_id, 8).await.unwrap().id;

        // the head read with the sign-in is the audit head
        let head = head_of(&store, &session).await;
        assert_eq!(head, store.audit_head_seq().await.unwrap(), "{backend}");
        let (token_actor, token_head) = store
            .token_seen(&store.create_token(reader.user_id, "t").await.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((token_actor.user_id, token_head), (reader.user_id, head), "{backend}");

        // the same head: the kept text itself, equal to a fresh read
        let first = store.record_json("orgs", org, head).await.unwrap();
        let again = store.record_json("orgs", org, head).await.unwrap();
        assert!(Arc::ptr_eq(&first, &again), "{backend}: kept while nothing was written");
        let fresh = store.get("orgs", org).await.unwrap();
        assert_eq!(serde_json::from_str::<Value>(&first).unwrap(), fresh, "{backend}");

        // an edit here moves the head: the next reader is served the edit
        store
            .update(&Actor::system(), "orgs", org, &json!({"note": "本服务器改的"}))
            .await
            .unwrap();
        let (head2, edited) = served(&store, &session, org).await;
        assert!(head2 > head, "{backend}: every write moves the head");
        assert_eq!(edited["note"], "本服务器改的", "{backend}");

        // an edit by another server on the same database: this one serves it as soon as its reader signs in again
        let other = t.open_again().await.unwrap();
        other
            .update(&Actor::system(), "orgs", org, &json!({"note": "另一台服务器改的"}))
            .await
            .unwrap();
        let (head3, edited) = served(&store, &session, org).await;
        assert!(head3 > head2, "{backend}");
        assert_eq!(edited["note"], "另一台服务器改的", "{backend}");

        // a reader still holding an older head is answered from the database, not from what was kept later
        let late: Value = serde_json::from_str(&store.record_json("orgs", org, head).await.unwrap()).unwrap();
        assert_eq!(late["note"], "另一台服务器改的", "{backend}");

        // a deleted record is gone at once, and an unknown one is an error, not a kept answer
        store.delete(&Actor::system(), "orgs", org).await.unwrap();
        let head4 = head_of(&store, &session).await;
        assert!(store.record_json("orgs", org, head4).await.is_err(), "{backend}");
        assert!(store.record_json("nothing", 1, head4).await.is_err(), "{backend}");
        other.db().close().await;
        t.finish().await.unwrap();
    }
}
