//! Project groups (援建计划/批次, issue #16 item 3) on both backends: a plan holds its projects, smaller plans and
//! category shares, and a write after which the parts would certainly add up to more than the plan states is refused
//! with a message naming the field, nothing written; a plan never sits under itself or its own sub-plans.

use duikou_domain::access::Actor;
use duikou_store::testing::{create_id, TestStore};
use duikou_store::{Store, StoreError};
use serde_json::{json, Value};

async fn pairing(store: &Store) -> i64 {
    let s = create_id(store, "orgs", json!({"name": "浙江省", "kind": "government"})).await;
    let r = create_id(store, "orgs", json!({"name": "阿克苏地区", "kind": "government"})).await;
    let a = create_id(store, "orgs", json!({"name": "援疆指挥部", "kind": "command"})).await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "对口援疆", "authority_org_id": a, "start_date": "2010-01-01"}),
    )
    .await;
    create_id(
        store,
        "pairings",
        json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "province_prefecture"}),
    )
    .await
}

fn refused(r: Result<Value, StoreError>, field: &str, backend: &str) -> String {
    match r {
        Err(StoreError::Invalid(e)) => {
            let f = e.first().expect("one problem");
            assert_eq!((f.field.as_str(), f.code), (field, "group_exceeded"), "{backend}: {e}");
            f.message.clone()
        }
        other => panic!("{backend}: expected group_exceeded on {field}, got {other:?}"),
    }
}

async fn count(store: &Store, entity: &str) -> usize {
    store.list(entity, &Default::default()).await.unwrap().items.len()
}

#[tokio::test]
async fn a_plan_holds_its_parts_and_refuses_more_than_it_states() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        let sys = Actor::system();
        let p = pairing(store).await;
        // 近五年…累计投入公共设施援疆资金50.56亿元，实施各类援建项目403个
        let five = create_id(
            store,
            "project_groups",
            json!({"pairing_id": p, "name": "2010—2014年公共设施援疆项目", "start_on": "2010", "end_on": "2014",
                   "project_count": "403", "aid_amount": "50.56亿"}),
        )
        .await;
        let rec = store.get("project_groups", five).await.unwrap();
        assert_eq!(rec["start_on"], "2010", "{backend}: a year stays a year: {rec}");
        // 2013年共安排援疆项目300项，资金42.33亿元 — a plan within the five years
        let y2013 = create_id(
            store,
            "project_groups",
            json!({"pairing_id": p, "parent_id": five, "name": "2013年度援疆项目", "start_on": "2013",
                   "project_count": "300", "aid_amount": "42.33亿"}),
        )
        .await;
        // a second yearly plan of 86 projects fits (300 + 86 ≤ 403) …
        let y2014 = create_id(
            store,
            "project_groups",
            json!({"pairing_id": p, "parent_id": five, "name": "2014年度第二批", "start_on": "2014-07",
                   "project_count": "86", "total_investment": "5亿"}),
        )
        .await;
        // … one of 18 more does not (300 + 86 + 18 = 404 > 403), and nothing is written
        let before = count(store, "project_groups").await;
        let msg = refused(
            store
                .create(
                    &sys,
                    "project_groups",
                    &json!({"pairing_id": p, "parent_id": five, "name": "2012年度", "start_on": "2012",
                            "project_count": "18"}),
                )
                .await,
            "parent_id",
            backend,
        );
        assert!(msg.contains("403项") && msg.contains("404项"), "{backend}: {msg}");
        assert_eq!(
            count(store, "project_groups").await,
            before,
            "{backend}: nothing written"
        );
        // "18余" may be 17? no: 余 is at least 18 — still refused; "近18" may be fewer, so it is kept
        refused(
            store
                .create(
                    &sys,
                    "project_groups",
                    &json!({"pairing_id": p, "parent_id": five, "name": "2012年度", "start_on": "2012",
                            "project_count": "18余"}),
                )
                .await,
            "parent_id",
            backend,
        );
        create_id(
            store,
            "project_groups",
            json!({"pairing_id": p, "parent_id": five, "name": "2012年度", "start_on": "2012", "project_count": "近18"}),
        )
        .await;

        // category shares: 19.5 + 13.5 + 8 + 5.5 + 1.5多 ≤ 50.56亿; one more 3亿 would be 51.0亿 at least
        for (cat, amount) in [
            ("housing", "19.5亿"),
            ("education", "13.5亿"),
            ("industry", "8亿"),
            ("infrastructure", "5.5亿"),
            ("other", "1.5多亿"),
        ] {
            create_id(
                store,
                "project_group_shares",
                json!({"group_id": five, "category": cat, "aid_amount": amount}),
            )
            .await;
        }
        let share = store
            .list("project_group_shares", &Default::default())
            .await
            .unwrap()
            .items[0]
            .clone();
        assert_eq!(
            share["pairing_id"].as_i64(),
            Some(p),
            "{backend}: a share is its plan's pairing's"
        );
        let msg = refused(
            store
                .create(
                    &sys,
                    "project_group_shares",
                    &json!({"group_id": five, "category": "health", "aid_amount": "3亿"}),
                )
                .await,
            "group_id",
            backend,
        );
        assert!(msg.contains("援助资金"), "{backend}: {msg}");

        // projects under the 86-project batch: its 5亿 total investment holds 4亿 + 1亿, not 1.01亿 more
        let a = create_id(
            store,
            "projects",
            json!({"pairing_id": p, "group_id": y2014, "name": "安居富民", "category": "housing", "total_investment": "4亿"}),
        )
        .await;
        create_id(
            store,
            "projects",
            json!({"pairing_id": p, "group_id": y2014, "name": "双语幼儿园", "category": "education", "total_investment": "1亿"}),
        )
        .await;
        refused(
            store
                .create(
                    &sys,
                    "projects",
                    &json!({"pairing_id": p, "group_id": y2014, "name": "卫生院", "category": "health",
                            "total_investment": "100万"}),
                )
                .await,
            "group_id",
            backend,
        );
        // raising a member's money beyond the plan is refused too; lowering it is fine
        refused(
            store
                .update(&sys, "projects", a, &json!({"total_investment": "4.5亿"}))
                .await,
            "group_id",
            backend,
        );
        store
            .update(&sys, "projects", a, &json!({"total_investment": "3亿"}))
            .await
            .unwrap();
        // the plan's own figure may not drop below its parts
        let msg = refused(
            store
                .update(&sys, "project_groups", five, &json!({"project_count": "300"}))
                .await,
            "project_count",
            backend,
        );
        assert!(msg.contains("至多为300项"), "{backend}: {msg}");
        // "400余" holds any number from 400 up: allowed
        store
            .update(&sys, "project_groups", five, &json!({"project_count": "400余"}))
            .await
            .unwrap();

        // a plan never sits under itself or its own sub-plan
        for parent in [five, y2013] {
            match store
                .update(&sys, "project_groups", five, &json!({"parent_id": parent}))
                .await
            {
                Err(StoreError::Invalid(e)) => {
                    assert_eq!(e.first().map(|f| f.code), Some("group_cycle"), "{backend}: {e}")
                }
                other => panic!("{backend}: a cycle through {parent} was accepted: {other:?}"),
            }
        }
        // a plan with projects or sub-plans cannot be deleted from under them
        assert!(store.delete(&sys, "project_groups", y2014).await.is_err(), "{backend}");
    }
}

#[tokio::test]
async fn a_project_or_plan_of_another_pairing_cannot_join_a_plan() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        let p = pairing(store).await;
        let q = {
            let s = create_id(store, "orgs", json!({"name": "江苏省", "kind": "government"})).await;
            let r = create_id(store, "orgs", json!({"name": "霍城县", "kind": "government"})).await;
            let program = store.get("pairings", p).await.unwrap()["program_id"].as_i64().unwrap();
            create_id(
                store,
                "pairings",
                json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "province_county"}),
            )
            .await
        };
        let plan = create_id(
            store,
            "project_groups",
            json!({"pairing_id": p, "name": "2011年度", "start_on": "2011", "project_count": "15"}),
        )
        .await;
        match store
            .create(
                &Actor::system(),
                "projects",
                &json!({"pairing_id": q, "group_id": plan, "name": "霍城项目", "category": "health"}),
            )
            .await
        {
            Err(StoreError::Invalid(e)) => assert_eq!(e.first().map(|f| f.code), Some("other_pairing"), "{backend}"),
            other => panic!("{backend}: {other:?}"),
        }
    }
}
