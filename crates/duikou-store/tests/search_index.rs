//! Search through the index (migration 0024) on both backends: a Chinese substring found anywhere in a table of more
//! than [`SEARCH_WINDOW`] rows — written by the bulk import path — with an exact count; an update or a delete moves
//! the index with the record; one- and two-character texts still answer (from a bounded window, saying so); and the
//! pickers offer names only within what the actor works on.

use duikou_domain::access::{Actor, Role};
use duikou_store::audit::WriteTx;
use duikou_store::list::SEARCH_WINDOW;
use duikou_store::testing::{create_id, for_each_backend, user};
use duikou_store::{Backend, ListQuery, Store};
use serde_json::{json, Map, Value};

/// Two pairings (orgs 甲 and 乙 supporting), and `rows` activities of the first one written in bulk.
struct Made {
    supporter_a: i64,
    supporter_b: i64,
    pairing_a: i64,
    pairing_b: i64,
}

async fn record(store: &Store, rows: usize) -> Made {
    let authority = create_id(store, "orgs", json!({"name": "某市教育局", "kind": "government"})).await;
    let supporter_a = create_id(store, "orgs", json!({"name": "甲市第一中学", "kind": "school"})).await;
    let supporter_b = create_id(store, "orgs", json!({"name": "乙市实验小学", "kind": "school"})).await;
    let receiver_a = create_id(
        store,
        "orgs",
        json!({"name": "吐鲁番市高昌区第二中学", "kind": "school"}),
    )
    .await;
    let receiver_b = create_id(store, "orgs", json!({"name": "哈密市伊州区第五小学", "kind": "school"})).await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "校对校结对帮扶", "authority_org_id": authority, "published": true,
               "start_date": "2013-10-01", "end_date": "2016-08-31"}),
    )
    .await;
    let pairing = |s: i64, r: i64| {
        json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "school_school",
               "start_date": "2013-10-01", "end_date": "2016-08-31"})
    };
    let pairing_a = create_id(store, "pairings", pairing(supporter_a, receiver_a)).await;
    let pairing_b = create_id(store, "pairings", pairing(supporter_b, receiver_b)).await;
    let sys = Actor::system();
    let mut w = WriteTx::begin(store, &sys).await.expect("begin");
    let def = duikou_domain::schema::entity("activities").expect("activities");
    let activities: Vec<Map<String, Value>> = (0..rows)
        .map(|i| {
            json!({"pairing_id": pairing_a, "kind": "training", "title": format!("考察交流第{i}批"),
                   "start_date": "2015-03-01", "participants": "教师"})
            .as_object()
            .cloned()
            .expect("object")
        })
        .collect();
    Store::create_many_in(&mut w, def, activities)
        .await
        .expect("bulk")
        .expect("all valid");
    w.commit().await.expect("commit");
    Made {
        supporter_a,
        supporter_b,
        pairing_a,
        pairing_b,
    }
}

fn search(q: &str) -> ListQuery {
    ListQuery {
        q: Some(q.into()),
        sort: Some("id".into()),
        ..Default::default()
    }
}

async fn titles(store: &Store, q: &str) -> (Vec<String>, i64, bool) {
    let page = store.list("activities", &search(q)).await.expect("search");
    let titles = page
        .items
        .iter()
        .map(|v| v["title"].as_str().unwrap_or("").to_string())
        .collect();
    (titles, page.total, page.total_exact)
}

/// SQLite's own check of an external-content FTS5 index against its table (PostgreSQL keeps its indexes itself).
async fn index_agrees(store: &Store, backend: &str) {
    if store.backend() == Backend::Sqlite {
        store
            .db()
            .execute(
                "INSERT INTO activities_search(activities_search, rank) VALUES ('integrity-check', 1)",
                &[],
            )
            .await
            .unwrap_or_else(|e| panic!("{backend}: the search index disagrees with its table: {e}"));
    }
}

#[tokio::test]
async fn a_substring_is_found_anywhere_in_a_large_table_and_follows_updates_and_deletes() {
    for_each_backend(|store, backend| async move {
        let rows = SEARCH_WINDOW as usize + 1_000;
        let made = record(&store, rows).await;
        let sys = Actor::system();
        // the one record to find, after every bulk row: beyond the first 5 000 a window would have read
        let needle = store
            .create(
                &sys,
                "activities",
                &json!({"pairing_id": made.pairing_a, "kind": "training", "title": "赴吐鲁番市开展支教送培",
                        "start_date": "2015-04-01", "description": "骨干教师 12 人"}),
            )
            .await
            .expect("needle")["id"]
            .as_i64()
            .expect("id");
        assert!(needle > SEARCH_WINDOW, "{backend}: the record lies beyond the window");
        for q in ["吐鲁番市", "鲁番市开展", "支教送培", "骨干教师"] {
            let (found, total, exact) = titles(&store, q).await;
            assert_eq!(found, vec!["赴吐鲁番市开展支教送培"], "{backend}: {q}");
            assert_eq!((total, exact), (1, true), "{backend}: {q} counts exactly");
        }
        // a text found in every bulk row: counted across the whole table (up to the cap), paged
        let (found, total, exact) = titles(&store, "考察交流").await;
        assert_eq!(found.len(), 50, "{backend}");
        assert_eq!((total, exact), (rows as i64, true), "{backend}: every bulk row counted");
        // the bulk rows' last one: found although written in one statement with thousands of others
        let last = format!("考察交流第{}批", rows - 1);
        assert_eq!(titles(&store, &last).await.0, vec![last.clone()], "{backend}");
        // LIKE's own characters are plain text in a search
        assert_eq!(titles(&store, "100%").await.1, 0, "{backend}");
        assert_eq!(titles(&store, "a\"b").await.1, 0, "{backend}");
        index_agrees(&store, backend).await;

        // an update moves the record in the index: found by its new words, not its old ones
        let version = store.get("activities", needle).await.expect("get")["version"].clone();
        store
            .update(
                &sys,
                "activities",
                needle,
                &json!({"title": "赴哈密市开展教研活动", "version": version}),
            )
            .await
            .expect("update");
        assert_eq!(titles(&store, "吐鲁番市").await.1, 0, "{backend}: old words gone");
        assert_eq!(
            titles(&store, "哈密市开展").await.0,
            vec!["赴哈密市开展教研活动"],
            "{backend}: new words found"
        );
        assert_eq!(titles(&store, "骨干教师").await.1, 1, "{backend}: untouched words stay");
        index_agrees(&store, backend).await;
        // a delete takes it out
        store.delete(&sys, "activities", needle).await.expect("delete");
        assert_eq!(titles(&store, "哈密市开展").await.1, 0, "{backend}: deleted");
        assert_eq!(titles(&store, "骨干教师").await.1, 0, "{backend}: deleted");
        index_agrees(&store, backend).await;

        // a text every remaining record holds pages exactly as the plain list, in its default order and by cursor
        let ids = |p: &duikou_store::Page| {
            p.items
                .iter()
                .map(|v| v["id"].as_i64().unwrap_or(0))
                .collect::<Vec<_>>()
        };
        let plain = store.list("activities", &ListQuery::default()).await.expect("plain");
        let every = ListQuery {
            q: Some("考察交流".into()),
            ..Default::default()
        };
        let searched = store.list("activities", &every).await.expect("searched");
        assert_eq!(ids(&searched), ids(&plain), "{backend}: first page");
        let next = |p: &duikou_store::Page, q: &ListQuery| ListQuery {
            after: p.next_after,
            ..q.clone()
        };
        let plain2 = store
            .list("activities", &next(&plain, &ListQuery::default()))
            .await
            .expect("plain 2");
        let searched2 = store
            .list("activities", &next(&searched, &every))
            .await
            .expect("searched 2");
        assert_eq!(ids(&searched2), ids(&plain2), "{backend}: second page");
        assert_eq!(ids(&searched2).len(), 50, "{backend}");
        // one and two characters cannot use trigrams: they read a bounded window and say the count is partial
        let (found, total, exact) = titles(&store, "交流").await;
        assert_eq!(found.len(), 50, "{backend}");
        assert_eq!((total, exact), (SEARCH_WINDOW, false), "{backend}: a window, said so");
        let (found, _, exact) = titles(&store, "批").await;
        assert_eq!((found.len(), exact), (50, false), "{backend}");
        // … and on a table smaller than the window they are complete
        let orgs = store.list("orgs", &search("中学")).await.expect("orgs");
        assert_eq!((orgs.total, orgs.total_exact), (2, true), "{backend}");
        let _ = made.pairing_b;
    })
    .await;
}

#[tokio::test]
async fn pickers_offer_names_only_within_the_actors_work() {
    for_each_backend(|store, backend| async move {
        let made = record(&store, 3).await;
        for (pairing, title, person, org) in [
            (made.pairing_a, "吐鲁番教学楼改扩建", "王建国", made.supporter_a),
            (made.pairing_b, "哈密教学楼维修", "王建华", made.supporter_b),
        ] {
            create_id(
                &store,
                "projects",
                json!({"pairing_id": pairing, "name": title, "category": "education"}),
            )
            .await;
            create_id(
                &store,
                "needs",
                json!({"pairing_id": pairing, "title": format!("{title}所需资金")}),
            )
            .await;
            create_id(
                &store,
                "people",
                json!({"name": person, "birth_year": 1980, "home_org_id": org}),
            )
            .await;
        }
        let admin = Actor::system();
        let editor_a = user(&store, "editor_a", Role::SupporterEditor, vec![made.supporter_a]).await;
        let names = |p: duikou_store::search::Picks| p.items.into_iter().map(|i| i.name).collect::<Vec<_>>();
        let pick = |actor: &Actor, kind: &'static str, q: &'static str| {
            let store = store.clone();
            let actor = actor.clone();
            async move { store.pick(&actor, kind, q, 20).await.expect("pick") }
        };
        // everyone's for an admin, by a part of either side's name or the program's
        let both = names(pick(&admin, "pairings", "中学").await);
        assert_eq!(both, vec!["甲市第一中学 → 吐鲁番市高昌区第二中学"], "{backend}");
        let both = names(pick(&admin, "pairings", "校结对").await);
        assert_eq!(both.len(), 2, "{backend}: {both:?}");
        assert_eq!(names(pick(&admin, "projects", "教学楼").await).len(), 2, "{backend}");
        assert_eq!(names(pick(&admin, "people", "王建").await).len(), 2, "{backend}");
        // an editor of 甲 sees its own pairing's and never 乙's
        assert_eq!(
            names(pick(&editor_a, "pairings", "校结对").await),
            vec!["甲市第一中学 → 吐鲁番市高昌区第二中学"],
            "{backend}"
        );
        assert!(pick(&editor_a, "pairings", "乙市").await.items.is_empty(), "{backend}");
        assert_eq!(
            names(pick(&editor_a, "projects", "教学楼").await),
            vec!["吐鲁番教学楼改扩建"],
            "{backend}"
        );
        assert_eq!(
            names(pick(&editor_a, "needs", "所需资金").await),
            vec!["吐鲁番教学楼改扩建所需资金"],
            "{backend}"
        );
        let people = pick(&editor_a, "people", "王建").await;
        assert_eq!(names(people.clone()), vec!["王建国"], "{backend}");
        assert_eq!(people.items[0].hint, "1980年生，甲市第一中学", "{backend}");
        let orgs = names(pick(&editor_a, "orgs", "学").await);
        assert_eq!(
            orgs,
            vec!["甲市第一中学", "吐鲁番市高昌区第二中学"],
            "{backend}: its own and its partner"
        );
        // a viewer of 乙 sees 乙's pairing only
        let viewer_b = user(&store, "viewer_b", Role::Viewer, vec![made.supporter_b]).await;
        assert_eq!(
            names(pick(&viewer_b, "pairings", "校结对").await),
            vec!["乙市实验小学 → 哈密市伊州区第五小学"],
            "{backend}"
        );
        assert!(
            pick(&viewer_b, "orgs", "中学").await.items.is_empty(),
            "{backend}: 甲's orgs unseen"
        );
        // regions are everyone's: by a part of the name, a two-character name or a code, with the places above
        let turpan = pick(&editor_a, "regions", "吐鲁番").await;
        let first = turpan.items.first().expect("吐鲁番市");
        assert_eq!(
            (first.name.as_str(), first.value.as_str()),
            ("吐鲁番市", "650400"),
            "{backend}"
        );
        assert_eq!(first.hint, "新疆维吾尔自治区", "{backend}");
        let hami = pick(&editor_a, "regions", "哈密").await;
        assert!(hami.items.iter().any(|r| r.value == "650500"), "{backend}: {hami:?}");
        let gaochang = pick(&editor_a, "regions", "650402").await;
        assert_eq!(
            gaochang.items.first().map(|r| r.hint.as_str()),
            Some("新疆维吾尔自治区 › 吐鲁番市"),
            "{backend}"
        );
        // nothing typed, nothing offered; an unknown kind named
        assert!(pick(&admin, "orgs", "  ").await.items.is_empty(), "{backend}");
        let err = store.pick(&admin, "users", "a", 20).await.expect_err("unknown kind");
        assert!(err.to_string().contains("users"), "{backend}: {err}");
    })
    .await;
}
