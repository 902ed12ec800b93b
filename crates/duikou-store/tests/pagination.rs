//! Lists page by cursor on both backends: a walk with `after` (and back with `before`) meets every record once,
//! in the list's order, for id, date and nullable sorts, filtered or not; totals stay exact where they are cheap;
//! a bad cursor, page or sort is refused with the field named.

use duikou_domain::access::Actor;
use duikou_store::testing::{create_id, TestStore};
use duikou_store::{ListQuery, Store, StoreError};
use serde_json::{json, Value};

async fn for_each_backend<F, Fut>(f: F)
where
    F: Fn(Store, &'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for t in TestStore::all().await.expect("test stores") {
        eprintln!("-- backend {}", t.backend);
        f(t.store.clone(), t.backend).await;
        t.finish().await.expect("cleanup");
    }
}

/// Two pairings with 23 and 7 activities; dates repeat and `person_times` is often empty.
async fn record(store: &Store) -> (i64, i64) {
    let authority = create_id(store, "orgs", json!({"name": "某县教育局", "kind": "government"})).await;
    let a = create_id(store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
    let b = create_id(store, "orgs", json!({"name": "乡镇中心小学", "kind": "school"})).await;
    let c = create_id(store, "orgs", json!({"name": "另一所小学", "kind": "school"})).await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "校对校对口帮扶", "authority_org_id": authority, "published": true,
               "start_date": "2013-10-01", "end_date": "2016-08-31"}),
    )
    .await;
    let mut pairings = Vec::new();
    for receiver in [b, c] {
        pairings.push(
            create_id(
                store,
                "pairings",
                json!({"program_id": program, "supporter_org_id": a, "receiver_org_id": receiver, "level": "school_school",
                       "start_date": "2013-10-01", "end_date": "2016-08-31"}),
            )
            .await,
        );
    }
    for i in 0..30i64 {
        let pairing = if i % 4 == 3 && i < 28 { pairings[1] } else { pairings[0] };
        let person_times = if i % 3 == 0 { Value::Null } else { json!((i * 7) % 5) };
        let title = if i % 5 == 0 {
            format!("支教教师培训 {i}")
        } else {
            format!("考察交流 {i}")
        };
        create_id(
            store,
            "activities",
            json!({"pairing_id": pairing, "kind": "training", "title": title,
                   "start_date": format!("2014-0{}-0{}", 1 + (i % 4), 1 + (i % 3)), "person_times": person_times}),
        )
        .await;
    }
    (pairings[0], pairings[1])
}

fn query(sort: &str, filter: Option<(&str, String)>, q: Option<&str>) -> ListQuery {
    ListQuery {
        sort: (!sort.is_empty()).then(|| sort.to_string()),
        filters: filter.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        q: q.map(str::to_string),
        ..Default::default()
    }
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|v| v["id"].as_i64().expect("id")).collect()
}

/// Every page forward by `after`, then every page back from the end by `before`.
async fn walk(store: &Store, base: &ListQuery, per_page: i64) -> (Vec<i64>, Vec<i64>) {
    let mut forward = Vec::new();
    let mut q = ListQuery {
        per_page: Some(per_page),
        ..base.clone()
    };
    let mut last_page = Vec::new();
    loop {
        let p = store.list("activities", &q).await.expect("page");
        assert!(p.items.len() as i64 <= per_page);
        last_page = if p.items.is_empty() { last_page } else { ids(&p.items) };
        forward.extend(ids(&p.items));
        match p.next_after {
            Some(a) => q.after = Some(a),
            None => break,
        }
        assert!(forward.len() < 1000, "the walk ends");
    }
    let mut backward: Vec<i64> = last_page.clone();
    let mut q = ListQuery {
        per_page: Some(per_page),
        before: last_page.first().copied(),
        ..base.clone()
    };
    while q.before.is_some() {
        let p = store.list("activities", &q).await.expect("page back");
        let mut page = ids(&p.items);
        page.extend(backward);
        backward = page;
        q.before = p.prev_before;
        assert!(backward.len() < 1000, "the walk back ends");
    }
    (forward, backward)
}

#[tokio::test]
async fn a_cursor_walk_meets_every_record_once_in_order() {
    for_each_backend(|store, backend| async move {
        let (p1, _) = record(&store).await;
        for sort in [
            "",
            "id",
            "-id",
            "start_date",
            "-start_date",
            "person_times",
            "-person_times",
            "-created_at",
        ] {
            for filter in [None, Some(("pairing_id", p1.to_string()))] {
                let base = query(sort, filter.clone(), None);
                let all = store
                    .list(
                        "activities",
                        &ListQuery {
                            per_page: Some(500),
                            ..base.clone()
                        },
                    )
                    .await
                    .expect("whole list");
                assert!(all.total_exact && all.next_after.is_none(), "{backend} {sort}");
                assert_eq!(all.total, all.items.len() as i64, "{backend} {sort} {filter:?}");
                let expected = ids(&all.items);
                for per_page in [1, 4, 7] {
                    let (forward, backward) = walk(&store, &base, per_page).await;
                    assert_eq!(
                        forward, expected,
                        "{backend}: sort {sort:?}, {filter:?}, {per_page} a page"
                    );
                    assert_eq!(
                        backward, expected,
                        "{backend}: back, sort {sort:?}, {filter:?}, {per_page} a page"
                    );
                }
            }
        }
        // a search continues with its cursor too
        let found = store
            .list_every("activities", &query("-start_date", None, Some("支教")))
            .await
            .unwrap();
        assert_eq!(found.len(), 6, "{backend}: every match");
        let (forward, _) = walk(&store, &query("-start_date", None, Some("支教")), 4).await;
        assert_eq!(forward, ids(&found), "{backend}: a search walks the same");
        // page numbers still work near the start and agree with the cursor
        let second = store
            .list(
                "activities",
                &ListQuery {
                    per_page: Some(4),
                    page: Some(2),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let first = store
            .list(
                "activities",
                &ListQuery {
                    per_page: Some(4),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let by_cursor = store
            .list(
                "activities",
                &ListQuery {
                    per_page: Some(4),
                    after: first.next_after,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(ids(&second.items), ids(&by_cursor.items), "{backend}");
        assert_eq!((second.total, by_cursor.total), (30, 30), "{backend}");
        assert_eq!(first.prev_before, None, "{backend}: nothing before the first page");
        assert_eq!(by_cursor.prev_before, by_cursor.items[0]["id"].as_i64(), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn totals_follow_writes_and_the_overview_lists_pairings_with_names() {
    for_each_backend(|store, backend| async move {
        let (p1, p2) = record(&store).await;
        let counts = store.row_counts().await.unwrap();
        assert_eq!(
            (counts["activities"], counts["pairings"], counts["orgs"]),
            (30, 2, 4),
            "{backend}"
        );
        let filtered = store
            .list("activities", &query("", Some(("pairing_id", p2.to_string())), None))
            .await
            .unwrap();
        assert_eq!((filtered.total, filtered.total_exact), (7, true), "{backend}");
        let one = store
            .list("activities", &query("id", Some(("pairing_id", p2.to_string())), None))
            .await
            .unwrap();
        store
            .delete(&Actor::system(), "activities", one.items[0]["id"].as_i64().unwrap())
            .await
            .unwrap();
        let all = store.list("activities", &ListQuery::default()).await.unwrap();
        assert_eq!(
            (all.total, all.total_exact),
            (29, true),
            "{backend}: a delete is counted"
        );
        assert_eq!(store.row_counts().await.unwrap()["activities"], 29, "{backend}");
        let programs = store.published_programs(1).await.unwrap();
        assert_eq!(programs.len(), 1, "{backend}");
        assert_eq!(programs[0].pairings_total, 2, "{backend}");
        assert_eq!(programs[0].pairings.len(), 1, "{backend}: limited");
        let first = &programs[0].pairings[0];
        assert_eq!(first.pairing["id"].as_i64(), Some(p1), "{backend}");
        assert_eq!(
            (first.supporter.as_deref(), first.receiver.as_deref()),
            (Some("城关第一小学"), Some("乡镇中心小学")),
            "{backend}"
        );
    })
    .await;
}

fn refused(r: Result<duikou_store::Page, StoreError>) -> (String, String, String) {
    match r {
        Err(StoreError::Invalid(v)) => (v.0[0].field.clone(), v.0[0].code.to_string(), v.0[0].message.clone()),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_cursors_pages_and_sorts_are_refused_precisely() {
    for_each_backend(|store, backend| async move {
        record(&store).await;
        let list = |q: ListQuery| {
            let store = store.clone();
            async move { store.list("activities", &q).await }
        };
        let (field, code, message) = refused(
            list(ListQuery {
                after: Some(999_999),
                ..Default::default()
            })
            .await,
        );
        assert_eq!(
            (field.as_str(), code.as_str()),
            ("after", "unknown_cursor"),
            "{backend}"
        );
        assert!(
            message.contains("999999") && message.contains("不存在"),
            "{backend}: {message}"
        );
        // sorted by id the cursor need not exist: the list after it is empty
        let past = list(ListQuery {
            after: Some(999_999),
            sort: Some("id".into()),
            ..Default::default()
        })
        .await
        .unwrap();
        assert!(past.items.is_empty() && past.next_after.is_none(), "{backend}");
        let both = ListQuery {
            after: Some(1),
            before: Some(2),
            ..Default::default()
        };
        assert_eq!(refused(list(both).await).0, "after", "{backend}");
        let (field, _, message) = refused(
            list(ListQuery {
                page: Some(202),
                ..Default::default()
            })
            .await,
        );
        assert!(field == "page" && message.contains("after"), "{backend}: {message}");
        assert!(
            list(ListQuery {
                page: Some(201),
                ..Default::default()
            })
            .await
            .is_ok(),
            "{backend}: 10 000 in is fine"
        );
        let with_page = ListQuery {
            page: Some(2),
            after: Some(1),
            ..Default::default()
        };
        assert_eq!(refused(list(with_page).await).0, "page", "{backend}");
        assert_eq!(
            refused(
                list(ListQuery {
                    before: Some(0),
                    ..Default::default()
                })
                .await
            )
            .0,
            "before"
        );
        let (field, code, message) = refused(list(query("colour", None, None)).await);
        assert_eq!((field.as_str(), code.as_str()), ("sort", "unknown_sort"), "{backend}");
        assert!(message.contains("colour"), "{message}");
    })
    .await;
}
