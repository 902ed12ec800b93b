//! Towns and streets below the county (乡镇/街道, issue #16 item 6) on both backends: shipped with the binary from the
//! NBS 统计用区划代码, loaded a county at a time — when a record first names one of its towns, or when asked — each
//! load in the audit log; a town found by its code or by its name after its county's; its records counted in its
//! county's, prefecture's and province's scopes; a bad code refused naming the field, nothing written.

use duikou_domain::access::{Actor, Role};
use duikou_store::aggregates::Scope;
use duikou_store::testing::{create_id, user, TestStore};
use duikou_store::{ListQuery, Store, StoreError};
use serde_json::json;

async fn towns_of(store: &Store, county: &str) -> Vec<(String, String)> {
    let q = ListQuery {
        filters: [("parent_code".to_string(), county.to_string())].into(),
        ..Default::default()
    };
    store
        .list_every("regions", &q)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap_or("").to_string(),
                r["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

async fn count(store: &Store, sql: &str) -> i64 {
    store
        .db()
        .fetch_opt(sql, &[], &[duikou_store::db::Kind::Int])
        .await
        .unwrap()
        .and_then(|r| r[0].int())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_record_naming_a_town_loads_its_countys_towns_once_and_counts_in_the_scopes_above() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        store.load_regions_if_empty().await.unwrap();
        let before = count(store, "SELECT COUNT(*) FROM regions").await;
        assert!(
            towns_of(store, "510683").await.is_empty(),
            "{backend}: towns are not loaded at first start"
        );

        // a name alone is ambiguous (ten 九龙镇); after its county's name it is one town, not loaded yet
        assert_eq!(store.resolve_region("九龙镇").await.unwrap(), None, "{backend}");
        assert_eq!(
            store.resolve_region("绵竹市九龙镇").await.unwrap().as_deref(),
            Some("510683104"),
            "{backend}"
        );
        assert_eq!(
            store.resolve_region("德阳市九龙镇").await.unwrap().as_deref(),
            Some("510683104"),
            "{backend}: after its prefecture's name"
        );
        assert_eq!(
            store.resolve_region("510683104").await.unwrap().as_deref(),
            Some("510683104"),
            "{backend}"
        );
        assert_eq!(store.resolve_region("510683999").await.unwrap(), None, "{backend}");
        assert_eq!(
            count(store, "SELECT COUNT(*) FROM regions").await,
            before,
            "{backend}: resolving writes nothing"
        );

        // the first record naming the town loads 绵竹市's towns, with their audit events
        let events = count(store, "SELECT COUNT(*) FROM audit_events").await;
        let centre = create_id(
            store,
            "orgs",
            json!({"name": "九龙镇卫生院", "kind": "hospital", "region_code": "510683104"}),
        )
        .await;
        let towns = towns_of(store, "510683").await;
        assert!(towns.len() >= 10, "{backend}: {towns:?}");
        assert!(
            towns.contains(&("510683104".into(), "九龙镇".into())),
            "{backend}: {towns:?}"
        );
        let loaded = towns.len() as i64;
        assert_eq!(
            count(store, "SELECT COUNT(*) FROM regions").await,
            before + loaded,
            "{backend}"
        );
        // one event per town row, one for the load, one for the org
        assert_eq!(
            count(store, "SELECT COUNT(*) FROM audit_events").await,
            events + loaded + 2,
            "{backend}"
        );
        let town = store
            .list(
                "regions",
                &ListQuery {
                    filters: [("code".to_string(), "510683104".to_string())].into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items
            .remove(0);
        assert_eq!(
            (town["level"].as_str(), town["parent_code"].as_str()),
            (Some("town"), Some("510683")),
            "{backend}"
        );
        // loaded now, the bare name still does not say which 九龙镇
        assert_eq!(store.resolve_region("九龙镇").await.unwrap(), None, "{backend}");

        // a second record of the same town, or asking again, loads nothing more
        create_id(
            store,
            "orgs",
            json!({"name": "九龙学校", "kind": "school", "region_code": "510683104"}),
        )
        .await;
        assert_eq!(
            store.load_towns(&Actor::system(), "绵竹市").await.unwrap(),
            0,
            "{backend}"
        );
        assert_eq!(
            count(store, "SELECT COUNT(*) FROM regions").await,
            before + loaded,
            "{backend}"
        );

        // a pairing whose receiver is in the town counts in 绵竹市, 德阳市 and 四川省
        let team = create_id(store, "orgs", json!({"name": "医疗卫生分队", "kind": "other"})).await;
        let authority = create_id(store, "orgs", json!({"name": "抗震救灾指挥部", "kind": "command"})).await;
        let program = create_id(
            store,
            "programs",
            json!({"name": "灾后对口支援", "authority_org_id": authority, "start_date": "2008-05-12"}),
        )
        .await;
        create_id(
            store,
            "pairings",
            json!({"program_id": program, "supporter_org_id": team, "receiver_org_id": centre, "level": "unit_town"}),
        )
        .await;
        for scope in ["510683104", "510683", "510600", "510000"] {
            let d = store.dashboard(&Scope::Region(scope.into())).await.unwrap();
            assert_eq!(d.pairings, 1, "{backend}: region {scope}");
        }
        let d = store.dashboard(&Scope::Region("510700".into())).await.unwrap();
        assert_eq!(d.pairings, 0, "{backend}: 绵阳市 has none");

        // a town code not in the registry, or a code of the wrong length, is refused naming the field
        for (code, says) in [("510683999", "找不到代码为 510683999"), ("5106831", "9 位")] {
            let err = store
                .create(
                    &Actor::system(),
                    "orgs",
                    &json!({"name": "某单位", "kind": "other", "region_code": code}),
                )
                .await
                .unwrap_err();
            let msg = err.to_string();
            assert!(
                matches!(err, StoreError::Invalid(_)) && msg.contains("region_code") && msg.contains(says),
                "{backend}: {code}: {msg}"
            );
        }
        assert_eq!(
            count(store, "SELECT COUNT(*) FROM regions").await,
            before + loaded,
            "{backend}"
        );

        // asking for a county's towns by its name; a prefecture or an unknown name is refused
        let n = store.load_towns(&Actor::system(), "霍城县").await.unwrap();
        assert!(n > 5, "{backend}: {n}");
        assert_eq!(towns_of(store, "654023").await.len(), n, "{backend}");
        for county in ["德阳市", "没有这个县"] {
            let err = store.load_towns(&Actor::system(), county).await.unwrap_err();
            assert!(matches!(err, StoreError::Invalid(_)), "{backend}: {county}: {err}");
        }
        let viewer = user(store, "viewer", Role::Viewer, vec![]).await;
        assert!(
            matches!(store.load_towns(&viewer, "崇义县").await, Err(StoreError::Forbidden(_))),
            "{backend}"
        );
        let v = store.audit_verify().await.unwrap();
        assert!(v.ok(), "{backend}: {:?}", v.problems);
        t.finish().await.unwrap();
    }
}
