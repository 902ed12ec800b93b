//! Unit tasks (任务清单) in storage, on SQLite and PostgreSQL: created, changed and deleted through the generic record
//! path; bad input refused naming the field with nothing written; only the authority's coordinators assign, the
//! responsible unit's editors note progress; progress read from the unit's own confirmed records in the year.

use chrono::NaiveDate;
use duikou_domain::access::{Actor, Role};
use duikou_domain::task::TaskStatus;
use duikou_store::testing::{create_id, for_each_backend, user};
use duikou_store::{Store, StoreError};
use serde_json::{json, Value};

fn field_of(e: &StoreError) -> (String, String) {
    match e {
        StoreError::Invalid(v) => (v.0[0].field.clone(), v.0[0].message.clone()),
        StoreError::Conflict { code, field, .. } => (field.clone().unwrap_or_default(), code.to_string()),
        other => (String::new(), format!("{other:?}")),
    }
}

async fn count(store: &Store, entity: &str) -> usize {
    store
        .list_every(entity, &duikou_store::ListQuery::default())
        .await
        .unwrap()
        .len()
}

struct World {
    authority: i64,
    mass: i64,
    youth: i64,
    pairing: i64,
}

async fn world(store: &Store) -> World {
    let authority = create_id(store, "orgs", json!({"name": "国家体育总局", "kind": "government"})).await;
    let mass = create_id(
        store,
        "orgs",
        json!({"name": "群众体育司", "kind": "department", "parent_id": authority}),
    )
    .await;
    let youth = create_id(
        store,
        "orgs",
        json!({"name": "青少年体育司", "kind": "department", "parent_id": authority}),
    )
    .await;
    let county = create_id(store, "orgs", json!({"name": "崇义县", "kind": "government"})).await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "对口支援崇义", "authority_org_id": authority, "start_date": "2014-06-01"}),
    )
    .await;
    let pairing = create_id(
        store,
        "pairings",
        json!({"program_id": program, "supporter_org_id": mass, "receiver_org_id": county, "level": "unit_county"}),
    )
    .await;
    World {
        authority,
        mass,
        youth,
        pairing,
    }
}

fn equipment(w: &World) -> Value {
    json!({"authority_org_id": w.authority, "org_id": w.mass, "year": 2014, "title": "健身路径器材10套",
           "measure": "donated_quantity", "item_category": "sports", "target_count": 10, "target_unit": "套",
           "due_on": "2014"})
}

#[tokio::test]
async fn tasks_are_kept_checked_and_written_only_by_their_owners() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let coord = user(&store, "zongju", Role::Coordinator, vec![w.authority]).await;
        let elsewhere = create_id(&store, "orgs", json!({"name": "某省指挥部", "kind": "command"})).await;
        let other_coord = user(&store, "other", Role::Coordinator, vec![elsewhere]).await;
        let mass_editor = user(&store, "qunti", Role::SupporterEditor, vec![w.mass]).await;
        let youth_editor = user(&store, "qingshao", Role::SupporterEditor, vec![w.youth]).await;

        // the authority's coordinator assigns; a unit's editor and another authority's coordinator may not
        let task = store.create(&coord, "unit_tasks", &equipment(&w)).await.unwrap();
        let id = task["id"].as_i64().unwrap();
        assert_eq!(
            (task["target_count"].as_i64(), task["due_on"].as_str()),
            (Some(10), Some("2014")),
            "{backend}"
        );
        let mut second = equipment(&w);
        second["title"] = json!("另一项");
        assert!(
            matches!(
                store.create(&mass_editor, "unit_tasks", &second).await,
                Err(StoreError::Forbidden(_))
            ),
            "{backend}"
        );
        assert!(
            matches!(
                store.create(&other_coord, "unit_tasks", &second).await,
                Err(StoreError::Forbidden(_))
            ),
            "{backend}"
        );
        // the same task twice is a duplicate
        let dup = store.create(&coord, "unit_tasks", &equipment(&w)).await.unwrap_err();
        assert_eq!(field_of(&dup).1, "duplicate", "{backend}");

        // bad input: refused naming the field, nothing written
        let before = count(&store, "unit_tasks").await;
        let bad = |patch: Value| {
            let mut v = equipment(&w);
            v["title"] = json!("坏任务");
            v.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
            v
        };
        for (patch, field, words) in [
            (json!({"due_on": "2015-03-31"}), "due_on", "完成期限"),
            (json!({"target_count": -10}), "target_count", "不能为负数"),
            (json!({"target_count": 10_000_000_000i64}), "target_count", "超出上限"),
            (json!({"measure": "gifts"}), "measure", "进度计量"),
            (json!({"org_id": 999_999}), "org_id", "责任单位"),
            (json!({"org_id": w.authority}), "org_id", "不能与"),
            (json!({"measure": "donated_value"}), "target_count", "目标金额"),
            (json!({"activity_kind": "donation"}), "activity_kind", "不适用"),
            (json!({"year": 1800}), "year", "年度"),
        ] {
            let e = store
                .create(&coord, "unit_tasks", &bad(patch.clone()))
                .await
                .unwrap_err();
            let (f, msg) = field_of(&e);
            assert_eq!(f, field, "{backend} {patch}: {msg}");
            assert!(msg.contains(words), "{backend} {patch}: {msg}");
        }
        assert_eq!(count(&store, "unit_tasks").await, before, "{backend}");

        // a change is checked the same way; a good one is kept
        let e = store
            .update(&coord, "unit_tasks", id, &json!({"due_on": "2013-12"}))
            .await
            .unwrap_err();
        assert_eq!(field_of(&e).0, "due_on", "{backend}");
        let changed = store
            .update(&coord, "unit_tasks", id, &json!({"due_on": "2014-10"}))
            .await
            .unwrap();
        assert_eq!(changed["due_on"], "2014-10", "{backend}");
        assert!(matches!(
            store
                .update(&mass_editor, "unit_tasks", id, &json!({"target_count": 1}))
                .await,
            Err(StoreError::Forbidden(_))
        ));

        // the responsible unit notes its progress; another unit may not
        let note = json!({"task_id": id, "noted_on": "2014-08-01", "text": "已采购6套，待安装"});
        store.create(&mass_editor, "unit_task_notes", &note).await.unwrap();
        assert!(
            matches!(
                store.create(&youth_editor, "unit_task_notes", &note).await,
                Err(StoreError::Forbidden(_))
            ),
            "{backend}"
        );
        store
            .create(&coord, "unit_task_notes", &json!({"task_id": id, "text": "请抓紧"}))
            .await
            .unwrap();

        // a task with notes is in use; without, it goes
        let e = store.delete(&coord, "unit_tasks", id).await.unwrap_err();
        assert_eq!(field_of(&e).1, "in_use", "{backend}");
        let spare = store.create(&coord, "unit_tasks", &second).await.unwrap();
        store
            .delete(&coord, "unit_tasks", spare["id"].as_i64().unwrap())
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn progress_counts_the_unit_s_confirmed_records_of_the_year() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let sys = Actor::system();
        let id = create_id(&store, "unit_tasks", equipment(&w)).await;
        let books = create_id(
            &store,
            "unit_tasks",
            json!({"authority_org_id": w.authority, "org_id": w.mass, "year": 2014, "title": "图书4万元",
                   "measure": "donated_value", "item_category": "books", "target_amount": "4万"}),
        )
        .await;
        let donation = |date: &str| {
            json!({"pairing_id": w.pairing, "kind": "donation", "title": format!("捐赠{date}"), "start_date": date})
        };
        let may = create_id(&store, "activities", donation("2014-05")).await;
        let june = create_id(&store, "activities", donation("2014-06-10")).await;
        let old = create_id(&store, "activities", donation("2013-11")).await;
        let item = |activity: i64, qty: i64, category: &str| {
            json!({"activity_id": activity, "category": category, "quantity": qty, "unit": "套", "value": "20000"})
        };
        let i1 = create_id(&store, "activity_items", item(may, 6, "sports")).await;
        let i2 = create_id(&store, "activity_items", item(june, 4, "sports")).await;
        let i3 = create_id(&store, "activity_items", item(old, 10, "sports")).await;
        let i4 = create_id(&store, "activity_items", item(may, 100, "books")).await;
        for a in [may, june, old] {
            store.set_confirmation(&sys, "activities", a, true, None).await.unwrap();
        }
        for i in [i1, i3, i4] {
            store.set_confirmation(&sys, "activity_items", i, true, None).await.unwrap();
        }
        store
            .set_confirmation(&sys, "activity_items", i2, false, Some("数量与验收单不符"))
            .await
            .unwrap();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();

        let p = store.unit_task_progress(id, day("2014-09-01")).await.unwrap();
        assert_eq!((p.status, p.actual_written.as_str(), p.disputed), (TaskStatus::Open, "6套", 1), "{backend}");
        let p = store.unit_task_progress(id, day("2015-01-05")).await.unwrap();
        assert_eq!(p.status, TaskStatus::Unmet, "{backend}");
        let p = store.unit_task_progress(books, day("2014-09-01")).await.unwrap();
        assert_eq!((p.status, p.actual_written.as_str()), (TaskStatus::Open, "2万元"), "{backend}");

        // the disputed four sets corrected and confirmed: met
        store
            .update(&sys, "activity_items", i2, &json!({"quantity": 4, "note": "已核对"}))
            .await
            .unwrap();
        store.set_confirmation(&sys, "activity_items", i2, true, None).await.unwrap();
        let p = store.unit_task_progress(id, day("2015-01-05")).await.unwrap();
        assert_eq!((p.status, p.actual_written.as_str()), (TaskStatus::Met, "10套"), "{backend}");

        // the authority's list names the units, the unit's own list holds its task
        let list = store.unit_task_list(w.authority, 2014, day("2015-01-05")).await.unwrap();
        assert_eq!(list.assigned.len(), 2, "{backend}");
        assert_eq!((list.assigned[0].authority.as_str(), list.assigned[0].org.as_str()), ("国家体育总局", "群众体育司"));
        let own = store.unit_task_list(w.mass, 2014, day("2015-01-05")).await.unwrap();
        assert_eq!((own.assigned.len(), own.own.len()), (0, 2), "{backend}");
        assert_eq!(store.unit_task_years(w.mass).await.unwrap(), [2014], "{backend}");
        assert!(store.unit_task_list(w.youth, 2014, day("2015-01-05")).await.unwrap().own.is_empty());
    })
    .await;
}

/// A summary tells the yearly tasks of its period: a program's summary its program's tasks, a pairing's only those
/// serving that pairing (a program's task is not one pairing's); another year's never.
#[tokio::test]
async fn a_summary_tells_the_tasks_of_its_scope_and_period() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let pairing = store.get("pairings", w.pairing).await.unwrap();
        let program = pairing["program_id"].as_i64().unwrap();
        let sys = Actor::system();
        let task = |org: i64, year: i64, title: &str, serves: Value| {
            let mut t = json!({"authority_org_id": w.authority, "org_id": org, "year": year, "title": title,
                               "measure": "donated_quantity", "item_category": "sports", "target_count": 10,
                               "target_unit": "套"});
            if let (Some(t), Value::Object(s)) = (t.as_object_mut(), serves) {
                t.extend(s);
            }
            t
        };
        for t in [
            task(w.youth, 2014, "举办青少年夏令营", json!({"program_id": program})),
            task(
                w.mass,
                2014,
                "捐赠健身路径器材",
                json!({"served_pairing_id": w.pairing}),
            ),
            task(w.youth, 2015, "次年任务", json!({"program_id": program})),
        ] {
            store.create(&sys, "unit_tasks", &t).await.unwrap();
        }
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let period: duikou_domain::Period = "2014".parse().unwrap();
        let text = |scope: &str| {
            let store = store.clone();
            let scope: duikou_store::summary::Scope = scope.parse().unwrap();
            async move {
                let input = store.summary_input(&scope, &period, today).await.unwrap();
                let doc = duikou_summary::build(&input).unwrap().0;
                duikou_report::markdown(&doc)
            }
        };
        let prog = text(&format!("program:{program}")).await;
        assert!(
            prog.contains("2014年国家体育总局下达年度任务2项")
                && prog.contains("举办青少年夏令营")
                && prog.contains("捐赠健身路径器材"),
            "{backend}: {prog}"
        );
        assert!(
            !prog.contains("次年任务"),
            "{backend}: 2015 is not in 2014's summary: {prog}"
        );
        let one = text(&format!("pairing:{}", w.pairing)).await;
        assert!(
            one.contains("2014年国家体育总局下达年度任务1项：群众体育司“捐赠健身路径器材”，目标10套"),
            "{backend}: {one}"
        );
        assert!(
            !one.contains("举办青少年夏令营"),
            "{backend}: the program's task is not the pairing's: {one}"
        );
    })
    .await;
}
