//! A unit's confirmation worklist, on both backends: the facts of the pairings its orgs are on one side of, by
//! confirmation state, counted and listed newest first across entities — never another pairing's.

use duikou_domain::access::Actor;
use duikou_store::testing::{create_id, for_each_backend};
use duikou_store::worklist::Side;
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn counts_and_lists_each_sides_facts_by_confirmation_state() {
    for_each_backend(|store, backend| async move {
        let sys = Actor::system();
        let authority = create_id(&store, "orgs", json!({"name": "县教育局", "kind": "government"})).await;
        let a = create_id(&store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
        let b = create_id(&store, "orgs", json!({"name": "石桥乡中心小学", "kind": "school"})).await;
        let c = create_id(&store, "orgs", json!({"name": "河滨小学", "kind": "school"})).await;
        let p = create_id(&store, "programs", json!({"name": "校对校帮扶", "authority_org_id": authority})).await;
        let ours = create_id(&store, "pairings", json!({"program_id": p, "supporter_org_id": a, "receiver_org_id": b, "level": "school_school"})).await;
        let theirs = create_id(&store, "pairings", json!({"program_id": p, "supporter_org_id": c, "receiver_org_id": a, "level": "school_school"})).await;
        let activity = |pairing: i64, title: &str| {
            json!({"pairing_id": pairing, "kind": "training", "audience": "all_staff", "title": title, "start_date": "2014-10-10", "person_times": 30})
        };
        let first = create_id(&store, "activities", activity(ours, "第一期")).await;
        let person = create_id(&store, "people", json!({"name": "张老师"})).await;
        let dispatch = create_id(&store, "dispatches", json!({"pairing_id": ours, "person_id": person, "role": "teacher", "start_date": "2014-09-01"})).await;
        let second = create_id(&store, "activities", activity(ours, "第二期")).await;
        let disputed = create_id(&store, "activities", activity(ours, "第三期")).await;
        create_id(&store, "activities", activity(theirs, "河滨送教")).await;
        store
            .set_confirmation(&sys, "activities", disputed, false, Some("人次有误"))
            .await
            .unwrap();
        store.set_confirmation(&sys, "activities", first, true, None).await.unwrap();

        let orgs = |o: &[i64]| o.iter().copied().collect::<BTreeSet<i64>>();
        let count = |side, o: &[i64], state: &'static str| {
            let store = store.clone();
            let o = orgs(o);
            async move { store.confirmation_count(side, &o, state).await.unwrap() }
        };
        // a supports `ours` and receives `theirs`: each side counts only its own pairings
        assert_eq!(count(Side::Supporting, &[a], "pending").await, 2, "{backend}: the dispatch and 第二期");
        assert_eq!(count(Side::Receiving, &[a], "pending").await, 1, "{backend}: 河滨送教");
        assert_eq!(count(Side::Receiving, &[b], "pending").await, 2, "{backend}");
        assert_eq!(count(Side::Supporting, &[a], "disputed").await, 1, "{backend}");
        assert_eq!(count(Side::Supporting, &[a], "confirmed").await, 1, "{backend}");
        assert_eq!(count(Side::Supporting, &[c], "disputed").await, 0, "{backend}");
        assert_eq!(count(Side::Receiving, &[], "pending").await, 0, "{backend}: no orgs, nothing");
        assert_eq!(count(Side::Receiving, &[a, b], "pending").await, 3, "{backend}");

        // listed newest first across entities, at most the limit asked
        let items = store
            .confirmation_items(Side::Supporting, &orgs(&[a]), "pending", 10)
            .await
            .unwrap();
        let seen: Vec<(&str, i64)> = items
            .iter()
            .map(|i| (i.entity, i.record["id"].as_i64().unwrap()))
            .collect();
        assert_eq!(seen, [("activities", second), ("dispatches", dispatch)], "{backend}");
        // a change makes a fact the newest
        store
            .update(&sys, "dispatches", dispatch, &json!({"batch": 2}))
            .await
            .unwrap();
        let items = store
            .confirmation_items(Side::Supporting, &orgs(&[a]), "pending", 10)
            .await
            .unwrap();
        assert_eq!(
            items.iter().map(|i| i.entity).collect::<Vec<_>>(),
            ["dispatches", "activities"],
            "{backend}"
        );
        let one = store
            .confirmation_items(Side::Supporting, &orgs(&[a]), "pending", 1)
            .await
            .unwrap();
        assert_eq!(one.len(), 1, "{backend}");
        let disputes = store
            .confirmation_items(Side::Supporting, &orgs(&[a]), "disputed", 10)
            .await
            .unwrap();
        assert_eq!(disputes.len(), 1, "{backend}");
        assert_eq!(disputes[0].record["dispute_reason"], "人次有误", "{backend}");
        assert!(
            store
                .confirmation_items(Side::Receiving, &BTreeSet::new(), "pending", 10)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
    })
    .await;
}
