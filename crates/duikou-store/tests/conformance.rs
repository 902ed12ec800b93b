//! The storage conformance story: the same behaviour, asserted on SQLite and on PostgreSQL
//! (PostgreSQL when DUIKOU_TEST_POSTGRES_URL is set; CI always sets it).

use duikou_domain::access::{Actor, Role};
use duikou_store::accounts::NewUser;
use duikou_store::testing::{create, user, TestStore};
use duikou_store::{ListQuery, Store, StoreError};
use serde_json::{json, Value};

struct Fixture {
    authority: i64,
    supporter: i64,
    receiver: i64,
    other: i64,
    program: i64,
    pairing: i64,
    other_pairing: i64,
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

async fn fixture(store: &Store) -> Fixture {
    let authority = id(&create(
        store,
        "orgs",
        json!({"name": "某县教育局", "kind": "government", "region_code": "650402"}),
    )
    .await);
    let supporter = id(&create(store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await);
    let receiver = id(&create(
        store,
        "orgs",
        json!({"name": "乡镇中心小学", "kind": "school", "attributes": {"teacher_count": 35}, "region_code": "650402"}),
    )
    .await);
    let other = id(&create(store, "orgs", json!({"name": "另一所小学", "kind": "school"})).await);
    let program = id(&create(
        store,
        "programs",
        json!({"name": "校对校对口帮扶", "authority_org_id": authority, "start_date": "2013-10-01", "end_date": "2016-08-31",
               "calendar": {"kind": "school_year"}, "published": true}),
    )
    .await);
    let pairing = id(&create(
        store,
        "pairings",
        json!({"program_id": program, "supporter_org_id": supporter, "receiver_org_id": receiver, "level": "school_school",
               "start_date": "2013-10-01", "end_date": "2016-08-31"}),
    )
    .await);
    let other_pairing = id(&create(
        store,
        "pairings",
        json!({"program_id": program, "supporter_org_id": other, "receiver_org_id": receiver, "level": "school_school"}),
    )
    .await);
    Fixture {
        authority,
        supporter,
        receiver,
        other,
        program,
        pairing,
        other_pairing,
    }
}

async fn count(store: &Store, entity: &str) -> i64 {
    store
        .list(
            entity,
            &ListQuery {
                per_page: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total
}

fn field_of(e: &StoreError) -> (String, String) {
    match e {
        StoreError::Invalid(v) => (v.0[0].field.clone(), v.0[0].code.to_string()),
        StoreError::Conflict { code, field, .. } => (field.clone().unwrap_or_default(), code.to_string()),
        other => (String::new(), format!("{other:?}")),
    }
}

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

#[tokio::test]
async fn regions_load_on_first_start_with_aliases() {
    for_each_backend(|store, backend| async move {
        assert!(count(&store, "regions").await > 3000, "{backend}: region tree loaded");
        assert_eq!(
            store.resolve_region("吐鲁番地区").await.unwrap().as_deref(),
            Some("650400"),
            "{backend}"
        );
        assert_eq!(
            store.resolve_region("新疆生产建设兵团第一师").await.unwrap().as_deref(),
            Some("660100"),
            "{backend}"
        );
        assert_eq!(
            store.resolve_region("崇义县").await.unwrap().as_deref(),
            Some("360725"),
            "{backend}"
        );
        assert_eq!(
            store.resolve_region("朝阳区").await.unwrap(),
            None,
            "{backend}: 朝阳区 is in 北京 and in 长春"
        );
        assert_eq!(store.resolve_region("110105").await.unwrap().as_deref(), Some("110105"));
        let turpan = store
            .list(
                "regions",
                &ListQuery {
                    filters: [("code".to_string(), "650400".to_string())].into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(turpan.items[0]["parent_code"], "650000", "{backend}");
        // loading again is a no-op
        assert_eq!(store.load_regions_if_empty().await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_and_nothing_is_written() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        let before = count(&store, "pairings").await;
        let cases: Vec<(&str, Value, &str, &str)> = vec![
            ("pairings", json!({"program_id": f.program, "supporter_org_id": f.receiver, "receiver_org_id": f.receiver, "level": "school_school"}), "receiver_org_id", "same_value"),
            ("pairings", json!({"program_id": f.program, "supporter_org_id": f.supporter, "receiver_org_id": f.other, "level": "school_school", "start_date": "2016-01-01", "end_date": "2015-01-01"}), "end_date", "end_before_start"),
            ("pairings", json!({"program_id": 9999, "supporter_org_id": f.supporter, "receiver_org_id": f.other, "level": "school_school"}), "program_id", "unknown_reference"),
            ("pairings", json!({"program_id": "一", "supporter_org_id": f.supporter, "receiver_org_id": f.other, "level": "school_school"}), "program_id", "type"),
            ("pairings", json!({"program_id": f.program, "supporter_org_id": f.supporter, "receiver_org_id": f.receiver, "level": "school_school"}), "program_id", "duplicate"),
            ("orgs", json!({"name": "某单位", "kind": "school", "region_code": "999999"}), "region_code", "unknown_reference"),
            ("orgs", json!({"name": "某单位", "kind": "school", "region_code": "吐鲁番"}), "region_code", "invalid_region_code"),
            ("orgs", json!({"name": "长".repeat(201), "kind": "school"}), "name", "too_long"),
            ("orgs", json!({"name": "城关第一小学", "kind": "school"}), "name", "duplicate"),
            ("orgs", json!({"name": "x", "kind": "bank"}), "kind", "enum"),
            ("orgs", json!({"name": "x\u{0}y", "kind": "school"}), "name", "control_char"),
            ("orgs", json!({"kind": "school", "colour": "red"}), "colour", "unknown_field"),
            ("projects", json!({"pairing_id": f.pairing, "name": "教学楼", "category": "education", "total_investment": "-1"}), "total_investment", "negative"),
            ("projects", json!({"pairing_id": f.pairing, "name": "教学楼", "category": "education", "total_investment": "1.234"}), "total_investment", "money"),
            ("activities", json!({"pairing_id": f.pairing, "kind": "training", "title": "全员培训", "start_date": "14年6月"}), "start_date", "date"),
            ("activities", json!({"pairing_id": f.pairing, "kind": "training", "title": "全员培训", "start_date": "2014-6-"}), "start_date", "date"),
            ("activities", json!({"pairing_id": f.pairing, "kind": "training", "title": "全员培训", "start_date": "201406"}), "start_date", "date"),
            ("activities", json!({"pairing_id": f.pairing, "kind": "training", "title": "全员培训"}), "start_date", "required"),
            ("activities", json!({"pairing_id": f.pairing, "kind": "training", "title": "全员培训", "start_date": "2014-06-01", "hours": -3}), "hours", "negative"),
            ("indicator_values", json!({"indicator_id": 1, "period": "2014-2016", "value": 1, "region_code": "650400"}), "period", "period"),
        ];
        for (entity, input, field, code) in cases {
            let err = store.create(&sys, entity, &input).await.expect_err(&format!("{backend}: {entity} {input} must fail"));
            let (got_field, got_code) = field_of(&err);
            assert_eq!((got_field.as_str(), got_code.as_str()), (field, code), "{backend}: {entity} {input}: {err}");
            assert!(err.to_string().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{backend}: message in Chinese: {err}");
        }
        assert_eq!(count(&store, "pairings").await, before, "{backend}: nothing written");
        // an activity may not point at another pairing's project
        let proj = id(&create(&store, "projects", json!({"pairing_id": f.other_pairing, "name": "操场", "category": "education"})).await);
        let err = store
            .create(&sys, "activities", &json!({"pairing_id": f.pairing, "kind": "donation", "title": "捐赠", "start_date": "2014-06-01", "project_id": proj}))
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), ("project_id".into(), "other_pairing".into()), "{backend}");
    })
    .await;
}

#[tokio::test]
async fn crud_list_search_sort_and_stale_edits() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        for (i, title) in ["支教教师座谈", "吐鲁番考察", "全员培训", "校风建设交流"].iter().enumerate() {
            create(&store, "activities", json!({"pairing_id": f.pairing, "kind": "training", "title": title,
                "start_date": format!("2014-0{}-01", i + 3), "person_times": 10 * (i + 1), "amount": "2.5万"})).await;
        }
        let q = |pairs: &[(&str, &str)]| ListQuery {
            filters: pairs.iter().filter(|(k, _)| !["q", "sort"].contains(k)).map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            q: pairs.iter().find(|(k, _)| *k == "q").map(|(_, v)| v.to_string()),
            sort: pairs.iter().find(|(k, _)| *k == "sort").map(|(_, v)| v.to_string()),
            ..Default::default()
        };
        let hits = store.list("activities", &q(&[("q", "吐鲁番")])).await.unwrap();
        assert_eq!(hits.total, 1, "{backend}: Chinese search");
        assert_eq!(hits.items[0]["amount"], "25000.00");
        let hits = store.list("activities", &q(&[("q", "支教")])).await.unwrap();
        assert_eq!(hits.total, 1, "{backend}");
        let ranged = store.list("activities", &q(&[("start_date_from", "2014-04-01"), ("start_date_to", "2014-05-31")])).await.unwrap();
        assert_eq!(ranged.total, 2, "{backend}: date range");
        let sorted = store.list("activities", &q(&[("sort", "-person_times"), ("pairing_id", &f.pairing.to_string())])).await.unwrap();
        assert_eq!(sorted.items[0]["person_times"], 40, "{backend}: sort desc");
        let page = store.list("activities", &ListQuery { per_page: Some(3), page: Some(2), ..Default::default() }).await.unwrap();
        assert_eq!((page.items.len(), page.total), (1, 4), "{backend}: pagination");
        assert!(store.list("activities", &q(&[("colour", "red")])).await.is_err());
        assert!(store.list("activities", &q(&[("sort", "colour")])).await.is_err());
        assert!(store.list("activities", &q(&[("person_times", "many")])).await.is_err());
        // LIKE wildcards are literal
        assert_eq!(store.list("activities", &q(&[("q", "%")])).await.unwrap().total, 0, "{backend}");

        let a = create(&store, "agreements", json!({"pairing_id": f.pairing, "kind": "responsibility_letter", "title": "帮扶责任书", "signed_on": "2013-10-08"})).await;
        let updated = store.update(&sys, "agreements", id(&a), &json!({"note": "三年目标", "version": 1})).await.unwrap();
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["title"], "帮扶责任书", "{backend}: untouched fields keep their values");
        let stale = store.update(&sys, "agreements", id(&a), &json!({"note": "覆盖", "version": 1})).await.unwrap_err();
        assert_eq!(field_of(&stale), ("version".into(), "stale".into()), "{backend}");
        assert!(matches!(store.get("agreements", 9999).await, Err(StoreError::NotFound { .. })));

        // deleting something still referred to is refused; a leaf deletes
        let err = store.delete(&sys, "pairings", f.pairing).await.unwrap_err();
        assert_eq!(field_of(&err).1, "in_use", "{backend}");
        store.delete(&sys, "agreements", id(&a)).await.unwrap();
        assert!(store.get("agreements", id(&a)).await.is_err());
        let history = store.audit_for("agreements", id(&a)).await.unwrap();
        let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["create", "update", "delete"], "{backend}");
        assert_eq!(history[1].before["note"], Value::Null);
        assert_eq!(history[1].after["note"], "三年目标");
    })
    .await;
}

#[tokio::test]
async fn children_take_their_pairing_and_detail_totals_add_up() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let person = create(&store, "people", json!({"name": "教师甲", "education": "master", "title_level": "senior"})).await;
        let d = create(&store, "dispatches", json!({"pairing_id": f.pairing, "person_id": id(&person), "role": "teacher", "batch": 1})).await;
        let s = create(&store, "stints", json!({"dispatch_id": id(&d), "start_date": "2014-03-03", "end_date": "2014-03-14"})).await;
        assert_eq!(s["pairing_id"], f.pairing, "{backend}: stint inherits the pairing");
        let p = create(&store, "projects", json!({"pairing_id": f.pairing, "name": "安居富民工程", "category": "housing", "started_on": "2011-04-01", "total_investment": "12.84亿"})).await;
        create(&store, "project_funding", json!({"project_id": id(&p), "source": "supporter", "amount": "3700万"})).await;
        create(&store, "outputs", json!({"project_id": id(&p), "name": "安居富民房", "unit": "户", "planned": 8640, "started": 9426, "completed": 5780, "as_of": "2012-12-31"})).await;
        create(&store, "activities", json!({"pairing_id": f.pairing, "kind": "teaching", "title": "授课", "start_date": "2014-03-03", "courses": 40, "hours": 1500})).await;
        let detail = store.pairing_detail(f.pairing).await.unwrap();
        let t = &detail["totals"];
        assert_eq!(t["people"]["by_role"]["teacher"], 1, "{backend}");
        assert_eq!(t["people"]["postgraduates"], 1);
        assert_eq!(t["activities"]["hours"], 1500);
        assert_eq!(t["projects"]["funding_by_source"]["supporter"], "37000000.00");
        assert_eq!(t["projects"]["total_investment"], "1284000000.00");
        assert_eq!(t["projects"]["outputs"][0]["start_rate"], 109);
        assert_eq!(detail["dispatches"][0]["stints"].as_array().map(Vec::len), Some(1));
        assert_eq!(detail["totals_confirmed"]["activities"]["hours"], 0, "{backend}: nothing confirmed yet");
        assert_eq!(detail["receiver"]["attributes"]["teacher_count"], 35);
    })
    .await;
}

#[tokio::test]
async fn roles_are_scoped_to_their_orgs_and_only_the_receiver_confirms() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sup = user(&store, "sup", Role::SupporterEditor, vec![f.supporter]).await;
        let rec = user(&store, "rec", Role::ReceiverEditor, vec![f.receiver]).await;
        let coord = user(&store, "coord", Role::Coordinator, vec![f.authority]).await;
        let stranger = user(&store, "stranger", Role::Coordinator, vec![f.other]).await;
        let viewer = user(&store, "viewer", Role::Viewer, vec![]).await;
        let act = json!({"pairing_id": f.pairing, "kind": "teaching", "title": "示范课", "start_date": "2014-03-05", "hours": 2});
        let a = store.create(&sup, "activities", &act).await.unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(a["confirmation"], "pending");
        let other = json!({"pairing_id": f.other_pairing, "kind": "teaching", "title": "示范课", "start_date": "2014-03-05"});
        assert!(matches!(store.create(&sup, "activities", &other).await, Err(StoreError::Forbidden(_))), "{backend}: not its pairing");
        assert!(matches!(store.create(&rec, "activities", &act).await, Err(StoreError::Forbidden(_))), "{backend}: receiver does not record supporter facts");
        assert!(matches!(store.create(&viewer, "activities", &act).await, Err(StoreError::Forbidden(_))));
        assert!(matches!(store.create(&sup, "orgs", &json!({"name": "新单位", "kind": "school"})).await, Err(StoreError::Forbidden(_))));
        assert!(store.create(&coord, "activities", &act).await.is_ok(), "{backend}: the program's coordinator may");
        assert!(matches!(store.create(&stranger, "activities", &act).await, Err(StoreError::Forbidden(_))));
        assert!(matches!(
            store.create(&sup, "pairings", &json!({"program_id": f.program, "supporter_org_id": f.supporter, "receiver_org_id": f.other, "level": "school_school"})).await,
            Err(StoreError::Forbidden(_))
        ));
        // needs belong to the receiver
        assert!(store.create(&rec, "needs", &json!({"pairing_id": f.pairing, "title": "英语教师"})).await.is_ok());
        assert!(matches!(store.create(&sup, "needs", &json!({"pairing_id": f.pairing, "title": "音乐教师"})).await, Err(StoreError::Forbidden(_))));
        // the supporter cannot move its record into a pairing it is not part of
        assert!(matches!(
            store.update(&sup, "activities", id(&a), &json!({"pairing_id": f.other_pairing})).await,
            Err(StoreError::Forbidden(_))
        ));
        // confirmation
        assert!(matches!(store.set_confirmation(&sup, "activities", id(&a), true, None).await, Err(StoreError::Forbidden(_))));
        assert!(store.set_confirmation(&rec, "activities", id(&a), false, None).await.is_err(), "a dispute needs a reason");
        let disputed = store.set_confirmation(&rec, "activities", id(&a), false, Some("课时有误")).await.unwrap();
        assert_eq!((disputed["confirmation"].as_str(), disputed["dispute_reason"].as_str()), (Some("disputed"), Some("课时有误")));
        let fixed = store.update(&sup, "activities", id(&a), &json!({"hours": 4})).await.unwrap();
        assert_eq!(fixed["confirmation"], "pending", "{backend}: a changed fact needs confirming again");
        let ok = store.set_confirmation(&rec, "activities", id(&a), true, None).await.unwrap();
        assert_eq!(ok["confirmation"], "confirmed");
        assert_eq!(ok["confirmed_by"], rec.user_id);
        let detail = store.pairing_detail(f.pairing).await.unwrap();
        assert_eq!(detail["totals_confirmed"]["activities"]["hours"], 4, "{backend}");
        // users are admin business
        assert!(store.list_users(&coord).await.is_err());
        assert!(store.create_user(&sup, &NewUser { username: "x".repeat(5), display_name: None, password: "password-123".into(), role: "admin".into(), org_ids: vec![] }).await.is_err());
    })
    .await;
}

#[tokio::test]
async fn accounts_sessions_and_tokens_live_in_the_database() {
    for_each_backend(|store, backend| async move {
        let sys = Actor::system();
        let bad = NewUser {
            username: "a".into(),
            display_name: None,
            password: "short".into(),
            role: "boss".into(),
            org_ids: vec![],
        };
        match store.create_user(&sys, &bad).await {
            Err(StoreError::Invalid(e)) => assert_eq!(e.0.len(), 3, "{backend}: {e}"),
            other => panic!("{other:?}"),
        }
        let admin = user(&store, "admin", Role::Admin, vec![]).await;
        assert!(store.authenticate("admin", "wrong-password").await.unwrap().is_none());
        assert!(store.authenticate("nobody", "password-123").await.unwrap().is_none());
        let s = store.create_session(admin.user_id, 1).await.unwrap();
        let (who, csrf) = store.session(&s.id).await.unwrap().expect("session");
        assert_eq!((who.username.as_str(), csrf), ("admin", s.csrf.clone()));
        // a second store on the same database (another app server) sees the session
        store.end_session(&s.id).await.unwrap();
        assert!(store.session(&s.id).await.unwrap().is_none(), "{backend}");
        let token = store.create_token(admin.user_id, "script").await.unwrap();
        assert_eq!(
            store.token_actor(&token).await.unwrap().map(|a| a.role),
            Some(Role::Admin)
        );
        assert!(store.token_actor("dk_forged").await.unwrap().is_none());
        store.set_password(&sys, "admin", "another-password").await.unwrap();
        assert!(store.authenticate("admin", "another-password").await.unwrap().is_some());
        let dup = store
            .create_user(
                &sys,
                &NewUser {
                    username: "admin".into(),
                    display_name: None,
                    password: "password-123".into(),
                    role: "viewer".into(),
                    org_ids: vec![],
                },
            )
            .await
            .unwrap_err();
        assert_eq!(field_of(&dup).1, "duplicate");
    })
    .await;
}

#[tokio::test]
async fn the_audit_chain_detects_tampering() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let v = store.audit_verify().await.unwrap();
        assert!(v.ok() && v.events >= 7, "{backend}: {v:?}");
        store
            .db()
            .execute("UPDATE audit_events SET action = 'forged' WHERE seq = 3", &[])
            .await
            .unwrap();
        let v = store.audit_verify().await.unwrap();
        assert_eq!(v.first_broken, Some(3), "{backend}");
        let _ = f.program;
    })
    .await;
}

#[tokio::test]
async fn documents_keep_their_file_and_text() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        let doc = create(
            &store,
            "documents",
            json!({"kind": "minutes", "title": "领导小组例会纪要", "pairing_id": f.pairing, "file_name": "纪要.txt"}),
        )
        .await;
        let text = "会议决定：每学期互派管理人员不少于1名。";
        store
            .put_document_content(&sys, id(&doc), "text/plain; charset=utf-8", text.as_bytes())
            .await
            .unwrap();
        let (meta, bytes) = store.document_content(id(&doc)).await.unwrap();
        assert_eq!(bytes, text.as_bytes(), "{backend}");
        assert_eq!(meta["size"], text.len());
        let hits = store
            .list(
                "documents",
                &ListQuery {
                    q: Some("互派管理人员".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(hits.total, 1, "{backend}: the text is searchable");
        create(
            &store,
            "document_links",
            json!({"document_id": id(&doc), "entity": "pairings", "entity_id": f.pairing}),
        )
        .await;
        let err = store
            .create(
                &sys,
                "document_links",
                &json!({"document_id": id(&doc), "entity": "projects", "entity_id": 999}),
            )
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), ("entity_id".into(), "unknown_reference".into()));
    })
    .await;
}

#[tokio::test]
async fn sqlite_backup_is_a_consistent_copy() {
    let t = TestStore::sqlite().await.unwrap();
    fixture(&t.store).await;
    let path = std::env::temp_dir().join(format!("duikou_backup_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    match t.store.backup_to(&path.to_string_lossy()).await.unwrap() {
        duikou_store::backup::Backup::Written(n) => assert!(n > 0),
        duikou_store::backup::Backup::UsePgDump(_) => panic!("sqlite"),
    }
    let copy = Store::open(&path.to_string_lossy()).await.unwrap();
    assert_eq!(count(&copy, "pairings").await, 2);
    assert!(copy.audit_verify().await.unwrap().ok());
    copy.db().close().await;
    let target = std::env::temp_dir().join(format!("duikou_restored_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&target);
    duikou_store::backup::restore_sqlite(
        &path.to_string_lossy(),
        &target.to_string_lossy(),
        false,
        &Default::default(),
    )
    .await
    .unwrap();
    assert!(
        duikou_store::backup::restore_sqlite(
            &path.to_string_lossy(),
            &target.to_string_lossy(),
            false,
            &Default::default()
        )
        .await
        .is_err(),
        "no silent overwrite"
    );
    let restored = Store::open(&target.to_string_lossy()).await.unwrap();
    assert_eq!(count(&restored, "pairings").await, 2);
    // a database some process has open is not replaced, not even with force; once closed, it is
    let (backup, target_s) = (path.to_string_lossy().to_string(), target.to_string_lossy().to_string());
    match duikou_store::backup::restore_sqlite(&backup, &target_s, true, &Default::default()).await {
        Err(e) => assert!(e.to_string().contains("正在使用中"), "{e}"),
        Ok(()) => panic!("restored over an open database"),
    }
    assert_eq!(count(&restored, "pairings").await, 2, "the open database is untouched");
    restored.db().close().await;
    drop(restored);
    duikou_store::backup::restore_sqlite(&backup, &target_s, true, &Default::default())
        .await
        .expect("restore once nobody has it open");
    // and while a restore holds it, no store opens it
    let lock = std::fs::File::open(duikou_store::backup::lock_path(&target_s)).unwrap();
    assert!(fs4::fs_std::FileExt::try_lock_exclusive(&lock).unwrap());
    match Store::open(&target_s).await {
        Err(e) => assert!(e.to_string().contains("正在恢复"), "{e}"),
        Ok(_) => panic!("opened a database being restored"),
    }
    drop(lock);
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&target);
    for f in [&backup, &target_s] {
        let _ = std::fs::remove_file(duikou_store::backup::lock_path(f));
    }
    t.finish().await.unwrap();
}

#[tokio::test]
async fn obligations_are_evaluated_from_the_stored_record() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        create(
            &store,
            "obligations",
            json!({"program_id": f.program, "title": "每学年派出支教教师不少于2名", "weight": 2,
                   "rule": {"subject": {"type": "pairing"}, "window": {"type": "school_year"},
                            "measure": {"type": "distinct_count", "field": "person_id", "records": {"entity": "dispatches", "filter": {"role": ["teacher"]}}},
                            "comparison": "at_least", "target": {"type": "fixed", "value": 2}, "label": "派出支教教师", "unit": "名"}}),
        )
        .await;
        let bad_rule = store
            .create(&sys, "obligations", &json!({"program_id": f.program, "title": "坏规则", "rule": {"subject": {"type": "nobody"}}}))
            .await
            .unwrap_err();
        assert_eq!(field_of(&bad_rule).0, "rule", "{backend}");
        for (i, (start, end)) in [("2013-10-08", "2014-06-30"), ("2013-11-01", "2014-06-30"), ("2014-09-01", "2015-06-30")].iter().enumerate() {
            let p = create(&store, "people", json!({"name": format!("教师{i}")})).await;
            let d = create(&store, "dispatches", json!({"pairing_id": f.pairing, "person_id": id(&p), "role": "teacher", "start_date": start, "end_date": end})).await;
            store.set_confirmation(&sys, "dispatches", id(&d), true, None).await.unwrap();
        }
        let as_of = duikou_domain::validate::parse_date("2016-05-01").unwrap();
        let a = store.assess_pairing(f.pairing, None, as_of).await.unwrap();
        let statuses: Vec<(String, String)> = a
            .results
            .iter()
            .map(|r| (r.window.clone(), serde_json::to_value(r.status).unwrap().as_str().unwrap().to_string()))
            .collect();
        assert_eq!(
            statuses,
            [("2013-2014".into(), "met".into()), ("2014-2015".into(), "unmet".into()), ("2015-2016".into(), "open".into())],
            "{backend}"
        );
        assert_eq!(a.results[1].text, "2014-2015学年 派出支教教师 1 名，要求不少于 2 名");
        assert_eq!((a.score.score, a.score.rating.as_deref()), (Some(50.0), Some("不合格")), "{backend}");
        let one_year: duikou_domain::Period = "2014-2015".parse().unwrap();
        let only = store.assess_pairing(f.pairing, Some(&one_year), as_of).await.unwrap();
        assert_eq!(only.results.len(), 1, "{backend}: the period limits the windows");
        let program = store.assess_program(f.program, None, as_of).await.unwrap();
        assert_eq!(program.len(), 2, "{backend}: every pairing of the program");
    })
    .await;
}

#[tokio::test]
async fn a_signed_assessment_is_frozen_and_locks_its_period() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        create(
            &store,
            "obligations",
            json!({"program_id": f.program, "title": "每年全员培训不少于1次",
                   "rule": {"subject": {"type": "pairing"}, "window": {"type": "school_year"},
                            "measure": {"type": "count", "records": {"entity": "activities", "filter": {"kind": ["training"]}}},
                            "comparison": "at_least", "target": {"type": "fixed", "value": 1}, "label": "全员培训", "unit": "次"}}),
        )
        .await;
        let t = create(&store, "activities", json!({"pairing_id": f.pairing, "kind": "training", "title": "全员培训", "start_date": "2014-10-10", "person_times": 35})).await;
        store.set_confirmation(&sys, "activities", id(&t), true, None).await.unwrap();
        let coord = user(&store, "coord", Role::Coordinator, vec![f.authority]).await;
        let sup = user(&store, "sup", Role::SupporterEditor, vec![f.supporter]).await;
        let new = duikou_store::assess::NewAssessment {
            program_id: f.program,
            pairing_id: Some(f.pairing),
            period: "2014-2015".into(),
            as_of: Some("2015-09-15".into()),
            comments: None,
        };
        assert!(matches!(store.create_assessment(&sup, &new).await, Err(StoreError::Forbidden(_))), "{backend}");
        let bad = duikou_store::assess::NewAssessment { period: "2014-2016".into(), ..new.clone() };
        assert_eq!(field_of(&store.create_assessment(&coord, &bad).await.unwrap_err()).0, "period");
        let a = store.create_assessment(&coord, &new).await.unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!((a["status"].as_str(), a["score"].as_i64(), a["rating"].as_str()), (Some("draft"), Some(100), Some("优秀")), "{backend}: {a}");
        let aid = id(&a);
        store.assessment_action(&coord, aid, "comment", Some("按期完成全员培训")).await.unwrap();
        // an unconfirmed change before sign-off shows on recompute
        store.set_confirmation(&sys, "activities", id(&t), false, Some("人次不符")).await.unwrap();
        let re = store.assessment_action(&coord, aid, "recompute", None).await.unwrap();
        assert_eq!(re["rating"], "不合格", "{backend}: {re}");
        store.set_confirmation(&sys, "activities", id(&t), true, None).await.unwrap();
        store.assessment_action(&coord, aid, "recompute", None).await.unwrap();
        let signed = store.assessment_action(&coord, aid, "sign", None).await.unwrap();
        assert_eq!((signed["status"].as_str(), signed["comments"].as_str()), (Some("signed"), Some("按期完成全员培训")));
        assert!(store.assessment_action(&coord, aid, "recompute", None).await.is_err(), "{backend}: signed is frozen");
        // the period's records are locked, others are not
        let in_period = json!({"pairing_id": f.pairing, "kind": "training", "title": "补录培训", "start_date": "2015-03-01"});
        let err = store.create(&sys, "activities", &in_period).await.unwrap_err();
        assert_eq!(field_of(&err).1, "locked", "{backend}: {err}");
        assert!(store.update(&sup, "activities", id(&t), &json!({"person_times": 40})).await.is_err());
        assert!(store.set_confirmation(&sys, "activities", id(&t), false, Some("x")).await.is_err());
        let later = json!({"pairing_id": f.pairing, "kind": "training", "title": "新学年培训", "start_date": "2015-10-01"});
        assert!(store.create(&sys, "activities", &later).await.is_ok(), "{backend}: outside the lock");
        let frozen = store.get("assessments", aid).await.unwrap();
        assert_eq!(frozen["results"], signed["results"]);
        // only an admin unlocks, and that is audited
        let locks = store.list("period_locks", &ListQuery::default()).await.unwrap();
        assert_eq!(locks.total, 1);
        let lock_id = id(&locks.items[0]);
        assert_eq!((locks.items[0]["start_date"].as_str(), locks.items[0]["end_date"].as_str()), (Some("2014-09-01"), Some("2015-08-31")));
        assert!(matches!(store.delete(&coord, "period_locks", lock_id).await, Err(StoreError::Forbidden(_))));
        assert!(store.create(&sys, "period_locks", &json!({})).await.is_err(), "locks come from sign-off only");
        store.delete(&sys, "period_locks", lock_id).await.unwrap();
        assert!(store.create(&sys, "activities", &in_period).await.is_ok(), "{backend}: unlocked");
        let trail: Vec<String> = store.audit_for("period_locks", lock_id).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(trail, ["create", "delete"]);
        assert!(store.audit_verify().await.unwrap().ok());
    })
    .await;
}

#[tokio::test]
async fn a_window_the_program_calendar_lacks_is_refused() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        let yearly = create(&store, "programs", json!({"name": "自然年计划", "authority_org_id": f.authority})).await;
        let semester_rule = json!({"subject": {"type": "pairing"}, "window": {"type": "semester"},
            "measure": {"type": "count", "records": {"entity": "activities"}}, "comparison": "at_least", "target": {"type": "fixed", "value": 1}});
        let err = store
            .create(&sys, "obligations", &json!({"program_id": id(&yearly), "title": "每学期活动", "rule": semester_rule}))
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), ("rule".into(), "calendar".into()), "{backend}: {err}");
        assert!(store.create(&sys, "obligations", &json!({"program_id": f.program, "title": "每学期活动", "rule": semester_rule})).await.is_ok());
        let applied = store.apply_template(&sys, f.program, "school_pairing", &[]).await.unwrap();
        assert_eq!(applied.len(), 12, "{backend}");
        assert!(store.apply_template(&sys, f.program, "school_pairing", &[]).await.unwrap().is_empty());
        let assigned = store
            .apply_template(&sys, f.program, "yearly_tasks", &[duikou_store::assess::Assignment { key: "equipment_sets".into(), org_id: f.supporter, year: 2014 }])
            .await
            .unwrap();
        assert_eq!((assigned.len(), assigned[0]["assigned_org_id"].as_i64(), assigned[0]["year"].as_i64()), (1, Some(f.supporter), Some(2014)));
    })
    .await;
}

#[tokio::test]
async fn supervision_lists_what_is_late_until_it_is_resolved() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        store.apply_template(&sys, f.program, "school_pairing", &[]).await.unwrap();
        let as_of = duikou_domain::validate::parse_date("2015-05-01").unwrap();
        let period: duikou_domain::Period = "2013-2014".parse().unwrap();
        let list = store.supervision_list(f.program, Some(&period), as_of, false).await.unwrap();
        assert!(!list.is_empty(), "{backend}: nothing was done in 2013-2014");
        // nothing is overdue before a deadline is set: days late count from a deadline, not from a window's end
        assert!(list.iter().all(|i| i.lateness_days == 0 && i.supervision.is_none()), "{backend}");
        let first = &list[0];
        let coord = user(&store, "coord", Role::Coordinator, vec![f.authority]).await;
        let sup = user(&store, "sup", Role::SupporterEditor, vec![f.supporter]).await;
        let mark = json!({"pairing_id": first.pairing_id, "obligation_id": first.result.obligation_id, "period": first.result.window,
                          "subject": first.subject, "note": "请于下学期补足", "due_on": "2015-04-20"});
        assert!(matches!(store.create(&sup, "supervisions", &mark).await, Err(StoreError::Forbidden(_))), "{backend}");
        let m = store.create(&coord, "supervisions", &mark).await.unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(m["status"], "open");
        let list = store.supervision_list(f.program, Some(&period), as_of, false).await.unwrap();
        assert!(list.windows(2).all(|w| w[0].lateness_days >= w[1].lateness_days), "latest first");
        let marked = &list[0];
        assert_eq!(marked.supervision.as_ref().unwrap()["note"], "请于下学期补足");
        assert_eq!(marked.lateness_days, 11, "{backend}: from the deadline");
        let list = store.supervision_list(f.program, Some(&period), as_of, true).await.unwrap();
        assert!(list.windows(2).all(|w| w[0].lateness_days <= w[1].lateness_days), "ascending on request");
        store
            .update(&coord, "supervisions", id(&m), &json!({"status": "resolved", "resolution": "已补派", "resolved_on": "2015-04-25"}))
            .await
            .unwrap();
        let dup = store.create(&coord, "supervisions", &mark).await.unwrap_err();
        assert_eq!(field_of(&dup).1, "duplicate", "{backend}");
    })
    .await;
}

#[tokio::test]
async fn every_described_field_has_its_column_on_both_backends() {
    for_each_backend(|store, backend| async move {
        for e in duikou_domain::schema::ENTITIES {
            // a list selects every described column, so a missing or misnamed column fails here
            let page = store
                .list(
                    e.name,
                    &ListQuery {
                        per_page: Some(1),
                        ..Default::default()
                    },
                )
                .await;
            assert!(page.is_ok(), "{backend}: {}: {:?}", e.name, page.err());
        }
    })
    .await;
}

fn text_row(row: u32, cells: &[&str]) -> (u32, Vec<duikou_store::import::CellValue>) {
    use duikou_store::import::CellValue;
    (
        row,
        cells
            .iter()
            .map(|c| {
                if c.is_empty() {
                    CellValue::Empty
                } else {
                    CellValue::Text(c.to_string())
                }
            })
            .collect(),
    )
}

#[tokio::test]
async fn imports_are_all_or_nothing_report_every_bad_cell_and_never_duplicate() {
    use duikou_store::import::{CellValue, ImportTable};
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        let orgs = ImportTable {
            headers: vec!["名称".into(), "单位类型".into(), "所在区划".into()],
            rows: vec![
                text_row(2, &["吐鲁番市第一中学", "中小学/幼儿园", "吐鲁番地区"]),
                text_row(3, &["鄯善县中学", "school", "650421"]),
                (
                    4,
                    vec![
                        CellValue::Text("托克逊县中学".into()),
                        CellValue::Text("school".into()),
                        CellValue::Number(650422.0),
                    ],
                ),
            ],
            merged: vec![],
        };
        let dry = store.import(&sys, "orgs", &orgs, true).await.unwrap();
        assert_eq!(
            (dry.created, dry.problems.len()),
            (3, 0),
            "{backend}: {:?}",
            dry.problems
        );
        assert_eq!(count(&store, "orgs").await, 4, "{backend}: a dry run writes nothing");
        let done = store.import(&sys, "orgs", &orgs, false).await.unwrap();
        assert_eq!(done.created, 3, "{backend}");
        let again = store.import(&sys, "orgs", &orgs, false).await.unwrap();
        assert_eq!(
            (again.created, again.unchanged),
            (0, 3),
            "{backend}: re-importing does not duplicate"
        );
        let turpan = store
            .list(
                "orgs",
                &ListQuery {
                    q: Some("吐鲁番市第一中学".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            turpan.items[0]["region_code"], "650400",
            "{backend}: 吐鲁番地区 is today's 吐鲁番市"
        );

        let bad = ImportTable {
            headers: vec![
                "结对".into(),
                "活动类型".into(),
                "标题".into(),
                "开始日期".into(),
                "课时".into(),
                "金额".into(),
                "颜色".into(),
            ],
            rows: vec![],
            merged: vec![],
        };
        let r = store.import(&sys, "activities", &bad, false).await.unwrap();
        assert!(
            r.problems.iter().any(|p| p.row == 1 && p.message.contains("颜色")),
            "{backend}: {:?}",
            r.problems
        );

        let pairing_name = "城关第一小学→乡镇中心小学";
        let acts = ImportTable {
            headers: vec![
                "结对".into(),
                "活动类型".into(),
                "标题".into(),
                "开始日期".into(),
                "课时".into(),
                "金额".into(),
            ],
            rows: vec![
                text_row(
                    2,
                    &[pairing_name, "授课", "示范课", "2014年6月1日", "１２课时", "3700万"],
                ),
                text_row(3, &[pairing_name, "培训", "全员培训", "2014.6.1", "", "4.08亿元"]),
                text_row(5, &[pairing_name, "联欢", "联欢会", "2014-06-01", "", ""]),
                text_row(
                    6,
                    &["不存在的学校→乡镇中心小学", "培训", "另一次培训", "去年", "x", "很多"],
                ),
                text_row(7, &[pairing_name, "授课", "示范课", "2014-06-01", "3", ""]),
            ],
            merged: vec![(8, 9, 2, 2)],
        };
        let before = count(&store, "activities").await;
        let r = store.import(&sys, "activities", &acts, false).await.unwrap();
        let where_: Vec<(u32, &str)> = r.problems.iter().map(|p| (p.row, p.column.as_str())).collect();
        for expected in [
            (5, "活动类型"),
            (6, "结对"),
            (6, "开始日期"),
            (6, "课时"),
            (6, "金额"),
            (7, "结对"),
            (8, "C"),
        ] {
            assert!(
                where_.contains(&expected),
                "{backend}: {expected:?} not in {:?}",
                r.problems
            );
        }
        assert!(
            r.problems.iter().any(|p| p.message.contains("与第2行重复")),
            "{backend}: duplicates inside the file"
        );
        assert_eq!(count(&store, "activities").await, before, "{backend}: nothing written");
        // the good rows alone go in, and the figures are right
        let good = ImportTable {
            rows: acts.rows[..2].to_vec(),
            merged: vec![],
            ..acts.clone()
        };
        let r = store.import(&sys, "activities", &good, false).await.unwrap();
        assert_eq!((r.created, r.problems.len()), (2, 0), "{backend}: {:?}", r.problems);
        let lesson = store
            .list(
                "activities",
                &ListQuery {
                    q: Some("示范课".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (lesson.items[0]["hours"].as_i64(), lesson.items[0]["amount"].as_str()),
            (Some(12), Some("37000000.00"))
        );
        assert_eq!(
            store.import(&sys, "activities", &good, false).await.unwrap().unchanged,
            2,
            "{backend}"
        );

        // dispatches create their people once
        let d = ImportTable {
            headers: vec![
                "结对".into(),
                "姓名".into(),
                "学历".into(),
                "援派类别".into(),
                "批次".into(),
                "开始日期".into(),
            ],
            rows: vec![
                text_row(
                    2,
                    &[
                        &f.pairing.to_string(),
                        "王老师",
                        "硕士研究生",
                        "支教教师",
                        "1",
                        "2014-09-01",
                    ],
                ),
                text_row(
                    3,
                    &[
                        &f.pairing.to_string(),
                        "李老师",
                        "大学本科",
                        "teacher",
                        "1",
                        "2014-09-01",
                    ],
                ),
            ],
            merged: vec![],
        };
        let people_before = count(&store, "people").await;
        let r = store.import(&sys, "dispatches", &d, false).await.unwrap();
        assert_eq!((r.created, r.problems.len()), (2, 0), "{backend}: {:?}", r.problems);
        assert_eq!(count(&store, "people").await, people_before + 2);
        let r = store.import(&sys, "dispatches", &d, false).await.unwrap();
        assert_eq!(r.unchanged, 2, "{backend}: {:?}", r);
        assert_eq!(
            count(&store, "people").await,
            people_before + 2,
            "{backend}: no new people on re-import"
        );
        assert!(store.audit_verify().await.unwrap().ok());
    })
    .await;
}

#[tokio::test]
async fn old_summaries_become_draft_records_only_when_a_person_accepts_them() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        let sup = user(&store, "sup", Role::SupporterEditor, vec![f.supporter]).await;
        let rec = user(&store, "rec", Role::ReceiverEditor, vec![f.receiver]).await;
        let doc = create(&store, "documents", json!({"kind": "summary", "title": "2014-2015学年工作总结", "pairing_id": f.pairing})).await;
        let text = "本学年先后派出3名支教教师，直接授课320课时，举办专题讲座12场，培训教师150人次，捐赠电脑20台，投入帮扶资金8.5万元，优秀率达95.5%。";
        store.put_document_content(&sys, id(&doc), "text/plain", text.as_bytes()).await.unwrap();
        let before = count(&store, "activities").await;
        let items = store.propose_from_document(&sup, id(&doc), f.pairing, "2014-2015").await.unwrap();
        assert_eq!(count(&store, "activities").await, before, "{backend}: nothing enters the record unreviewed");
        let targets: Vec<(&str, &str)> = items.iter().map(|i| (i["quote"].as_str().unwrap(), i["target"].as_str().unwrap_or(""))).collect();
        for expected in [("3名", "activities"), ("320课时", "activities"), ("12场", "activities"), ("150人次", "activities"),
                         ("20台", "activities"), ("8.5万元", "project_funding"), ("95.5%", "indicator_values")] {
            assert!(targets.contains(&expected), "{backend}: {expected:?} in {targets:?}");
        }
        let find = |q: &str| items.iter().find(|i| i["quote"] == q).unwrap().clone();
        let hours = store.decide_extraction(&sup, id(&find("320课时")), true, None).await.unwrap();
        assert_eq!(hours["status"], "accepted");
        let act = store.get("activities", hours["record_id"].as_i64().unwrap()).await.unwrap();
        assert_eq!((act["hours"].as_i64(), act["start_date"].as_str(), act["confirmation"].as_str()), (Some(320), Some("2014-09-01"), Some("pending")));
        assert!(store.decide_extraction(&sup, id(&find("320课时")), true, None).await.is_err(), "decided once");
        // edited before accepting
        let edited = json!({"kind": "training", "title": "全员培训", "audience": "all_staff", "start_date": "2014-10-10", "person_times": 150});
        let t = store.decide_extraction(&sup, id(&find("150人次")), true, Some(("activities", &edited))).await.unwrap();
        assert_eq!(store.get("activities", t["record_id"].as_i64().unwrap()).await.unwrap()["audience"], "all_staff");
        // three teachers sent: one aggregate record of 3, never three invented people
        let people_before = count(&store, "people").await;
        let teachers = store.decide_extraction(&sup, id(&find("3名")), true, None).await.unwrap();
        let agg = teachers["record_id"].as_i64().unwrap();
        let counts = store.list_all("activity_counts", "activity_id", agg).await.unwrap();
        assert_eq!((counts.len(), counts[0]["value"].as_i64(), counts[0]["unit"].as_str()), (1, Some(3), Some("名")), "{backend}");
        assert_eq!(count(&store, "people").await, people_before, "{backend}: no invented persons");
        // donated goods keep their items
        let pcs = store.decide_extraction(&sup, id(&find("20台")), true, None).await.unwrap();
        let items = store.list_all("activity_items", "activity_id", pcs["record_id"].as_i64().unwrap()).await.unwrap();
        assert_eq!((items[0]["category"].as_str(), items[0]["quantity"].as_i64()), (Some("computers"), Some(20)), "{backend}");
        // the receiver may not record the supporter's facts, even from a document
        assert!(matches!(store.decide_extraction(&rec, id(&find("12场")), true, None).await, Err(StoreError::Forbidden(_))), "{backend}");
        let dropped = store.decide_extraction(&rec, id(&find("12场")), false, None).await.unwrap();
        assert_eq!(dropped["status"], "dropped");
        // a new indicator is reference data: the receiver cannot create it, an admin or coordinator can
        assert!(matches!(store.decide_extraction(&rec, id(&find("95.5%")), true, None).await, Err(StoreError::Forbidden(_))));
        let pct = store.decide_extraction(&sys, id(&find("95.5%")), true, None).await.unwrap();
        let value = store.get("indicator_values", pct["record_id"].as_i64().unwrap()).await.unwrap();
        assert_eq!((value["value"].as_f64(), value["org_id"].as_i64()), (Some(95.5), Some(f.receiver)), "{backend}");
        assert!(store.audit_verify().await.unwrap().ok());
    })
    .await;
}

#[tokio::test]
async fn bulk_imports_check_what_single_writes_check_and_audit_every_record() {
    use duikou_store::import::ImportTable;
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let headers = vec![
            "结对".into(),
            "活动类型".into(),
            "标题".into(),
            "开始日期".into(),
            "人次".into(),
            "金额".into(),
        ];
        let pairing_name = "城关第一小学→乡镇中心小学";
        let sheet = |rows: &[[&str; 6]]| ImportTable {
            headers: headers.clone(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| text_row(i as u32 + 2, r))
                .collect(),
            merged: vec![],
        };
        // an editor of another school may not write into this pairing: every row is refused, nothing written
        let outsider = user(&store, "outsider", Role::SupporterEditor, vec![f.other]).await;
        let rows = [
            [pairing_name, "培训", "全员培训（一）", "2014-03-01", "40", ""],
            [pairing_name, "培训", "全员培训（二）", "2014-10-01", "38", "1.5万"],
            [pairing_name, "交流", "校风建设交流", "2015-04-20", "", ""],
        ];
        let before = count(&store, "activities").await;
        let r = store
            .import(&outsider, "activities", &sheet(&rows), false)
            .await
            .unwrap();
        assert_eq!(r.created, 0, "{backend}");
        assert_eq!(
            r.problems.iter().map(|p| p.row).collect::<Vec<_>>(),
            vec![2, 3, 4],
            "{backend}: {:?}",
            r.problems
        );
        assert_eq!(count(&store, "activities").await, before, "{backend}");
        // a locked period refuses the rows dated inside it, and only those are named
        store
            .db()
            .execute(
                "INSERT INTO period_locks (version, created_at, updated_at, pairing_id, start_date, end_date) \
                 VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', $1, '2014-09-01', '2015-01-31')",
                &[duikou_store::db::Arg::Int(Some(f.pairing))],
            )
            .await
            .unwrap();
        let sys = Actor::system();
        let r = store.import(&sys, "activities", &sheet(&rows), false).await.unwrap();
        assert_eq!(r.created, 0, "{backend}");
        assert_eq!(r.problems.len(), 1, "{backend}: {:?}", r.problems);
        assert_eq!(r.problems[0].row, 3, "{backend}");
        assert!(
            r.problems[0].message.contains("锁定"),
            "{backend}: {}",
            r.problems[0].message
        );
        store.db().execute("DELETE FROM period_locks", &[]).await.unwrap();
        // accepted: every record written once, each with its own audit event that reads as the record does
        let r = store.import(&sys, "activities", &sheet(&rows), false).await.unwrap();
        assert_eq!((r.created, r.problems.len()), (3, 0), "{backend}: {:?}", r.problems);
        let mut titles = Vec::new();
        for a in store.list_all("activities", "pairing_id", f.pairing).await.unwrap() {
            let id = a["id"].as_i64().unwrap();
            let events = store.audit_for("activities", id).await.unwrap();
            assert_eq!(events.len(), 1, "{backend}");
            assert_eq!(
                events[0].after, a,
                "{backend}: the audit event holds the record as stored"
            );
            assert_eq!(a["confirmation"], "pending", "{backend}");
            titles.push(a["title"].as_str().unwrap().to_string());
        }
        assert!(titles.contains(&"全员培训（二）".to_string()), "{backend}");
        let (kept, recomputed) = (
            duikou_store::aggregates::stored(&store).await.unwrap(),
            duikou_store::aggregates::recompute_from_base(&store).await.unwrap(),
        );
        assert!(
            kept == recomputed,
            "{backend}: the dashboard aggregates follow a bulk import"
        );
        assert!(store.audit_verify().await.unwrap().ok(), "{backend}");
        // the next record made one at a time gets a fresh id after the bulk ones
        let next = store
            .create(
                &sys,
                "activities",
                &json!({"pairing_id": f.pairing, "kind": "training", "title": "再培训", "start_date": "2016-01-05"}),
            )
            .await
            .unwrap();
        let max = store
            .list_all("activities", "pairing_id", f.pairing)
            .await
            .unwrap()
            .iter()
            .filter_map(|a| a["id"].as_i64())
            .max()
            .unwrap();
        assert_eq!(next["id"].as_i64(), Some(max), "{backend}");
        assert_eq!(
            store
                .import(&sys, "activities", &sheet(&rows), false)
                .await
                .unwrap()
                .unchanged,
            3
        );
    })
    .await;
}

#[tokio::test]
async fn dates_keep_their_precision_and_a_period_holds_only_what_lies_within_it() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        let year = create(&store, "activities", json!({"pairing_id": f.pairing, "kind": "training", "title": "年度培训", "start_date": "2011年", "person_times": 300})).await;
        let month = create(&store, "activities", json!({"pairing_id": f.pairing, "kind": "teaching", "title": "六月授课", "start_date": "2014年6月", "hours": 40})).await;
        let day = create(&store, "activities", json!({"pairing_id": f.pairing, "kind": "visit", "title": "考察", "start_date": "2014-06-15"})).await;
        assert_eq!(year["start_date"], "2011", "{backend}");
        assert_eq!(month["start_date"], "2014-06", "{backend}");
        assert_eq!(day["start_date"], "2014-06-15", "{backend}");
        // read back the same, one by one and in a list
        assert_eq!(store.get("activities", id(&year)).await.unwrap()["start_date"], "2011", "{backend}");
        assert_eq!(store.get("activities", id(&month)).await.unwrap()["start_date"], "2014-06", "{backend}");
        let titles = |period: &'static str| {
            let store = store.clone();
            async move {
                let q = ListQuery { filters: [("period".to_string(), period.to_string())].into(), ..Default::default() };
                let page = store.list("activities", &q).await.unwrap_or_else(|e| panic!("{period}: {e}"));
                assert_eq!(page.total, page.items.len() as i64, "{period}: the count agrees with the page");
                page.items.iter().map(|r| r["title"].as_str().unwrap().to_string()).collect::<Vec<_>>()
            }
        };
        assert_eq!(titles("2011").await, ["年度培训"], "{backend}: a fact of 2011 is in 2011");
        assert!(titles("2012").await.is_empty(), "{backend}: and in no other year");
        assert!(titles("2010").await.is_empty(), "{backend}");
        assert!(titles("2011H2").await.is_empty(), "{backend}: no half of 2011 holds all of it");
        assert!(titles("2011-2012S1").await.is_empty(), "{backend}: nor a semester");
        let mut june = titles("2013-2014S2").await;
        june.sort();
        assert_eq!(june, ["六月授课", "考察"], "{backend}: a semester holding all of June 2014 counts both");
        assert_eq!(titles("2014-06").await.len(), 2, "{backend}");
        // a range ending mid-June holds the day but not the month
        assert_eq!(titles("2014-02-15..2014-06-20").await, ["考察"], "{backend}");
        assert!(titles("2014-2015S1").await.is_empty(), "{backend}");
        // the same with an end date known to the month: the interval runs to its last day
        create(&store, "activities", json!({"pairing_id": f.pairing, "kind": "camp", "title": "夏令营", "start_date": "2014-07-10", "end_date": "2014-08"})).await;
        assert!(titles("2014-07").await.is_empty(), "{backend}: July does not hold an activity running into August");
        assert_eq!(titles("2014H2").await, ["夏令营"], "{backend}");
        // date ranges: a month or a year to its last day
        let ranged = |from: &str, to: &str| ListQuery {
            filters: [("start_date_from".to_string(), from.to_string()), ("start_date_to".to_string(), to.to_string())].into(),
            ..Default::default()
        };
        assert_eq!(store.list("activities", &ranged("2011", "2011")).await.unwrap().total, 1, "{backend}");
        assert_eq!(store.list("activities", &ranged("2014-06", "2014-06")).await.unwrap().total, 2, "{backend}");
        // a bad period and a list that cannot be dated are told, naming the parameter
        for (entity, p) in [("activities", "2014-2016"), ("activities", "term"), ("projects", "2014")] {
            let q = ListQuery { filters: [("period".to_string(), p.to_string())].into(), ..Default::default() };
            let e = store.list(entity, &q).await.unwrap_err();
            assert_eq!(field_of(&e).0, "period", "{backend}: {entity} {p}: {e}");
        }
        // an edit keeps or changes the precision as written
        let v = store.update(&sys, "activities", id(&month), &json!({"start_date": "2014-06-03"})).await.unwrap();
        assert_eq!(v["start_date"], "2014-06-03", "{backend}");
        let v = store.update(&sys, "activities", id(&month), &json!({"start_date": "2014.6"})).await.unwrap();
        assert_eq!(v["start_date"], "2014-06", "{backend}");
        // a stint starting in September 2014 and one starting on its first day start together (the natural key is
        // the first day): the second is told as a duplicate, not a database error
        let person = create(&store, "people", json!({"name": "教师乙"})).await;
        let d = create(&store, "dispatches", json!({"pairing_id": f.pairing, "person_id": id(&person), "role": "teacher"})).await;
        let s1 = create(&store, "stints", json!({"dispatch_id": id(&d), "start_date": "2014-09", "end_date": "2015-01"})).await;
        assert_eq!((s1["start_date"].as_str(), s1["end_date"].as_str()), (Some("2014-09"), Some("2015-01")), "{backend}");
        for start in ["2014-09-01", "2014年9月"] {
            let e = store.create(&sys, "stints", &json!({"dispatch_id": id(&d), "start_date": start, "end_date": "2015-01"})).await.unwrap_err();
            assert_eq!(field_of(&e).1, "duplicate", "{backend}: {start}: {e}");
        }
    })
    .await;
}

#[tokio::test]
async fn imports_read_dates_at_their_precision_refuse_ambiguous_ones_and_round_trip_through_export() {
    use duikou_store::import::{CellValue, ImportTable};
    for_each_backend(|store, backend| async move {
        let _f = fixture(&store).await;
        let sys = Actor::system();
        let pairing = "城关第一小学→乡镇中心小学";
        let headers = vec!["结对".into(), "活动类型".into(), "标题".into(), "开始日期".into()];
        let row = |n: u32, title: &str, date: CellValue| {
            (
                n,
                vec![
                    CellValue::Text(pairing.into()),
                    CellValue::Text("培训".into()),
                    CellValue::Text(title.into()),
                    date,
                ],
            )
        };
        let text = |s: &str| CellValue::Text(s.into());
        let day = chrono::NaiveDate::from_ymd_opt(2014, 6, 15).unwrap();
        // an ambiguous date anywhere: that row and column are named, and nothing at all is written
        let bad = ImportTable {
            headers: headers.clone(),
            rows: vec![
                row(2, "年度培训", text("2011年")),
                row(3, "六月培训", text("14-6")),
                row(4, "十月培训", CellValue::Number(2014.1)),
                row(5, "无日期培训", CellValue::Empty),
            ],
            merged: vec![],
        };
        let before = count(&store, "activities").await;
        let r = store.import(&sys, "activities", &bad, false).await.unwrap();
        let named: Vec<(u32, &str)> = r.problems.iter().map(|p| (p.row, p.column.as_str())).collect();
        assert_eq!(
            named,
            [(3, "开始日期"), (4, "开始日期"), (5, "开始日期")],
            "{backend}: {:?}",
            r.problems
        );
        assert!(
            r.problems[0].message.contains("年份须写全四位数字"),
            "{backend}: {:?}",
            r.problems[0]
        );
        assert!(
            r.problems[1].message.contains("2014.10"),
            "{backend}: {:?}",
            r.problems[1]
        );
        assert_eq!(
            count(&store, "activities").await,
            before,
            "{backend}: nothing partial written"
        );
        // the good forms, each at its precision
        let good = ImportTable {
            headers: headers.clone(),
            rows: vec![
                row(2, "年度培训", text("2011年")),
                row(3, "六月培训", text("2014年6月")),
                row(4, "六月集训", text("2014-06")),
                row(5, "现场培训", CellValue::Date(day)),
                row(6, "年度集训", CellValue::Number(2012.0)),
                row(7, "点号培训", text("２０１４．０６")),
            ],
            merged: vec![],
        };
        let r = store.import(&sys, "activities", &good, false).await.unwrap();
        assert_eq!((r.created, r.problems.len()), (6, 0), "{backend}: {:?}", r.problems);
        let all = store
            .list(
                "activities",
                &ListQuery {
                    sort: Some("id".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items;
        let dates: Vec<(&str, &str)> = all
            .iter()
            .map(|a| (a["title"].as_str().unwrap(), a["start_date"].as_str().unwrap()))
            .collect();
        assert_eq!(
            dates,
            [
                ("年度培训", "2011"),
                ("六月培训", "2014-06"),
                ("六月集训", "2014-06"),
                ("现场培训", "2014-06-15"),
                ("年度集训", "2012"),
                ("点号培训", "2014-06")
            ],
            "{backend}"
        );
        // export writes the date as it is known (2011年, 2014年6月, a date cell for a day) and imports back unchanged
        let table = duikou_summary::tables::entity_table(duikou_domain::schema::entity("activities").unwrap(), &all);
        let col = table.columns.iter().position(|c| c.header == "开始日期").unwrap();
        let cells: Vec<CellValue> = table
            .rows
            .iter()
            .map(|r| match &r[col] {
                duikou_report::Cell::Text(s) => CellValue::Text(s.clone()),
                duikou_report::Cell::Date(d) => CellValue::Date(*d),
                other => panic!("{backend}: a date exported as {other:?}"),
            })
            .collect();
        let shown: Vec<String> = cells
            .iter()
            .map(|c| match c {
                CellValue::Text(s) => s.clone(),
                CellValue::Date(d) => d.to_string(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            shown,
            ["2011年", "2014年6月", "2014年6月", "2014-06-15", "2012年", "2014年6月"],
            "{backend}"
        );
        let again = ImportTable {
            headers,
            rows: all
                .iter()
                .zip(cells)
                .enumerate()
                .map(|(i, (a, c))| row(i as u32 + 2, a["title"].as_str().unwrap(), c))
                .collect(),
            merged: vec![],
        };
        let r = store.import(&sys, "activities", &again, false).await.unwrap();
        assert_eq!(
            (r.created, r.unchanged, r.problems.len()),
            (0, 6, 0),
            "{backend}: {:?}",
            r.problems
        );
    })
    .await;
}

#[tokio::test]
async fn approximate_figures_and_ranges_are_stored_listed_updated_and_refused() {
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        // the written form and the typed form
        let a = create(
            &store,
            "activities",
            json!({"pairing_id": f.pairing, "kind": "training", "title": "全员培训",
            "start_date": "2014-06-01", "hours": "1500余", "person_times": "20-50", "amount": "约1000万元"}),
        )
        .await;
        let b = create(
            &store,
            "activities",
            json!({"pairing_id": f.pairing, "kind": "training", "title": "骨干培训",
            "start_date": "2014-07-01", "hours": 80, "hours_approx": "近", "sessions": 3}),
        )
        .await;
        let got = store.get("activities", id(&a)).await.unwrap();
        assert_eq!(
            (&got["hours"], &got["hours_approx"], &got["hours_upper"]),
            (&json!(1500), &json!("余"), &Value::Null),
            "{backend}"
        );
        assert_eq!(
            (&got["person_times"], &got["person_times_upper"]),
            (&json!(20), &json!(50)),
            "{backend}"
        );
        assert_eq!(
            (&got["amount"], &got["amount_approx"]),
            (&json!("10000000.00"), &json!("约")),
            "{backend}"
        );
        // the pairing's totals carry the qualifier and range by the summing rule: 1500余 + 近80 → 约1580
        let t = &store.pairing_detail(f.pairing).await.unwrap()["totals"]["activities"];
        assert_eq!(
            (&t["hours"], &t["hours_approx"]),
            (&json!(1580), &json!("约")),
            "{backend}"
        );
        assert_eq!(
            (&t["person_times"], &t["person_times_upper"]),
            (&json!(20), &json!(50)),
            "{backend}"
        );
        assert_eq!(t["sessions_approx"], Value::Null, "{backend}: exact stays exact");
        let b = store.get("activities", id(&b)).await.unwrap();
        assert_eq!(
            (&b["hours"], &b["hours_approx"], &b["sessions_approx"]),
            (&json!(80), &json!("近"), &Value::Null)
        );
        // lists carry the companions
        let listed = store
            .list(
                "activities",
                &ListQuery {
                    sort: Some("start_date".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(listed.items[0]["hours_approx"], "余", "{backend}");
        assert_eq!(listed.items[0]["person_times_upper"], 50, "{backend}");
        // a range and a qualifier on money of a required field
        let p = create(
            &store,
            "projects",
            json!({"pairing_id": f.pairing, "name": "教学楼", "category": "education",
            "total_investment": "20-50万元"}),
        )
        .await;
        assert_eq!(
            (&p["total_investment"], &p["total_investment_upper"]),
            (&json!("200000.00"), &json!("500000.00"))
        );
        let fu = create(
            &store,
            "project_funding",
            json!({"project_id": id(&p), "source": "supporter", "amount": "1500余万元"}),
        )
        .await;
        assert_eq!(
            (&fu["amount"], &fu["amount_approx"]),
            (&json!("15000000.00"), &json!("余")),
            "{backend}"
        );
        let o = create(
            &store,
            "outputs",
            json!({"project_id": id(&p), "name": "教室", "unit": "间", "planned": "30多", "as_of": "2014-12-31"}),
        )
        .await;
        assert_eq!(
            (&o["planned"], &o["planned_approx"]),
            (&json!(30), &json!("多")),
            "{backend}"
        );
        // updating the value alone makes it exact; the written form sets it again
        let u = store
            .update(&sys, "activities", id(&a), &json!({"hours": 1600}))
            .await
            .unwrap();
        assert_eq!(
            (&u["hours"], &u["hours_approx"]),
            (&json!(1600), &Value::Null),
            "{backend}"
        );
        assert_eq!(u["person_times_upper"], 50, "{backend}: other figures untouched");
        let u = store
            .update(&sys, "activities", id(&a), &json!({"hours": "1600多"}))
            .await
            .unwrap();
        assert_eq!(
            (&u["hours"], &u["hours_approx"]),
            (&json!(1600), &json!("多")),
            "{backend}"
        );
        let u = store
            .update(&sys, "activities", id(&a), &json!({"person_times_approx": "约"}))
            .await
            .unwrap();
        assert_eq!(
            (&u["person_times"], &u["person_times_approx"], &u["person_times_upper"]),
            (&json!(20), &json!("约"), &json!(50))
        );
        // bad input: named field, Chinese message, nothing written
        let before = count(&store, "activities").await;
        let base = json!({"pairing_id": f.pairing, "kind": "training", "title": "培训", "start_date": "2014-06-01"});
        let cases: Vec<(Value, &str, &str)> = vec![
            (json!({"hours": "1500许"}), "hours", "approx"),
            (json!({"hours": 10, "hours_approx": "许"}), "hours_approx", "approx"),
            (json!({"person_times": "50-20"}), "person_times", "approx"),
            (
                json!({"person_times": 50, "person_times_upper": 20}),
                "person_times_upper",
                "range_order",
            ),
            (
                json!({"person_times_upper": 20}),
                "person_times_upper",
                "approx_without_value",
            ),
            (
                json!({"person_times": 20, "person_times_upper": 50, "person_times_approx": "以上"}),
                "person_times_approx",
                "range_qualifier",
            ),
            (
                json!({"amount": "约1000万元", "amount_approx": "余"}),
                "amount_approx",
                "approx_conflict",
            ),
        ];
        for (extra, field, code) in cases {
            let mut input = base.clone();
            input
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            let err = store
                .create(&sys, "activities", &input)
                .await
                .expect_err(&format!("{backend}: {input} must fail"));
            assert_eq!(
                field_of(&err),
                (field.to_string(), code.to_string()),
                "{backend}: {input}: {err}"
            );
            assert!(err.to_string().contains(field), "{backend}: names the field: {err}");
        }
        let err = store
            .update(&sys, "activities", id(&a), &json!({"hours": "1500许", "title": "改"}))
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), ("hours".into(), "approx".into()), "{backend}");
        assert_eq!(count(&store, "activities").await, before, "{backend}: nothing written");
        let kept = store.get("activities", id(&a)).await.unwrap();
        assert_eq!(
            (&kept["title"], &kept["hours"], &kept["hours_approx"]),
            (&json!("全员培训"), &json!(1600), &json!("多")),
            "{backend}: nothing partial"
        );
    })
    .await;
}

#[tokio::test]
async fn imports_read_approximate_figures_and_name_the_row_of_a_bad_one() {
    use duikou_store::import::ImportTable;
    for_each_backend(|store, backend| async move {
        let f = fixture(&store).await;
        let sys = Actor::system();
        let p = f.pairing.to_string();
        let headers = vec![
            "结对".into(),
            "活动类型".into(),
            "标题".into(),
            "开始日期".into(),
            "课时".into(),
            "人次".into(),
            "金额".into(),
        ];
        let good = ImportTable {
            headers: headers.clone(),
            rows: vec![
                text_row(
                    2,
                    &[&p, "培训", "全员培训", "2014-06-01", "1500余", "20-50", "约1000万元"],
                ),
                text_row(
                    3,
                    &[&p, "授课", "送教", "2014-07-01", "1500余课时", "50人以上", "1500余万元"],
                ),
                text_row(4, &[&p, "授课", "示范课", "2014-08-01", "30", "20～50人", "2.5万"]),
            ],
            merged: vec![],
        };
        let before = count(&store, "activities").await;
        let bad = ImportTable {
            headers,
            rows: vec![
                text_row(2, &[&p, "培训", "全员培训甲", "2014-06-01", "1500余", "", ""]),
                text_row(3, &[&p, "培训", "全员培训乙", "2014-06-02", "1500许", "50-20", ""]),
            ],
            merged: vec![],
        };
        let r = store.import(&sys, "activities", &bad, false).await.unwrap();
        let problems: Vec<(u32, &str, &str)> = r
            .problems
            .iter()
            .map(|p| (p.row, p.column.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            problems,
            [(3, "课时", "1500许"), (3, "人次", "50-20")],
            "{backend}: {:?}",
            r.problems
        );
        assert!(
            r.problems[0]
                .message
                .contains("无法识别的限定词“许”，可用：余、多、近、约、左右、以上、不少于、至少、以下"),
            "{:?}",
            r.problems
        );
        assert!(
            r.problems[1].message.contains("范围的下限 50 大于上限 20"),
            "{:?}",
            r.problems
        );
        assert_eq!(count(&store, "activities").await, before, "{backend}: nothing written");

        let r = store.import(&sys, "activities", &good, false).await.unwrap();
        assert_eq!((r.created, r.problems.len()), (3, 0), "{backend}: {:?}", r.problems);
        let all = store
            .list(
                "activities",
                &ListQuery {
                    sort: Some("start_date".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items;
        let figure = |a: &Value, k: &str| {
            (
                a[k].clone(),
                a[format!("{k}_approx")].clone(),
                a[format!("{k}_upper")].clone(),
            )
        };
        assert_eq!(
            figure(&all[0], "hours"),
            (json!(1500), json!("余"), Value::Null),
            "{backend}"
        );
        assert_eq!(
            figure(&all[0], "person_times"),
            (json!(20), Value::Null, json!(50)),
            "{backend}"
        );
        assert_eq!(
            figure(&all[0], "amount"),
            (json!("10000000.00"), json!("约"), Value::Null),
            "{backend}"
        );
        assert_eq!(
            figure(&all[1], "person_times"),
            (json!(50), json!("以上"), Value::Null),
            "{backend}"
        );
        assert_eq!(
            figure(&all[1], "amount"),
            (json!("15000000.00"), json!("余"), Value::Null),
            "{backend}"
        );
        assert_eq!(
            figure(&all[2], "hours"),
            (json!(30), Value::Null, Value::Null),
            "{backend}"
        );
        assert_eq!(
            figure(&all[2], "amount"),
            (json!("25000.00"), Value::Null, Value::Null),
            "{backend}"
        );
        // the same file again changes nothing
        let again = store.import(&sys, "activities", &good, false).await.unwrap();
        assert_eq!(
            (again.created, again.unchanged),
            (0, 3),
            "{backend}: {:?}",
            again.problems
        );
    })
    .await;
}

/// A program made public as it is created has its publication in its history (新建, then 公开), as one published
/// later does; one created unpublished has its creation only.
#[tokio::test]
async fn a_program_created_public_has_its_publication_in_its_history() {
    for_each_backend(|store, backend| async move {
        let authority = create(
            &store,
            "orgs",
            json!({"name": "公开测试主管单位", "kind": "government"}),
        )
        .await;
        let make = |name: &str, published: bool| {
            json!({"name": name, "authority_org_id": authority["id"], "start_date": "2020-01-01",
                   "published": published})
        };
        let public = create(&store, "programs", make("生而公开的计划", true)).await;
        let actions: Vec<String> = store
            .audit_for("programs", public["id"].as_i64().unwrap())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["create", "publish"], "{backend}");
        let private = create(&store, "programs", make("未公开的计划", false)).await;
        let actions: Vec<String> = store
            .audit_for("programs", private["id"].as_i64().unwrap())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["create"], "{backend}");
    })
    .await;
}
