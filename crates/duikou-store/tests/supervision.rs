//! 督办 as a workflow, on both backends: one item per unmet result and responsible unit, a deadline from which overdue
//! days count (and stop), the unit's reply, the coordinator's decision, and items closed when their result turns met.

use chrono::NaiveDate;
use duikou_domain::access::{Actor, Role};
use duikou_store::assess::{NewSupervision, SupervisionItem};
use duikou_store::testing::{create_id, for_each_backend, user};
use duikou_store::{Store, StoreError};
use serde_json::{json, Value};

fn day(s: &str) -> NaiveDate {
    duikou_domain::validate::parse_date(s).unwrap()
}

struct World {
    program: i64,
    pairing: i64,
    supporter: i64,
    receiver: i64,
    authority: i64,
}

/// A school pairing of 第8篇's plan with every rule of the template, counting unconfirmed facts.
async fn world(store: &Store) -> World {
    let authority = create_id(store, "orgs", json!({"name": "某县教育局", "kind": "government"})).await;
    let supporter = create_id(store, "orgs", json!({"name": "城关第一小学", "kind": "school"})).await;
    let receiver = create_id(store, "orgs", json!({"name": "石桥乡中心小学", "kind": "school"})).await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "校对校对口帮扶", "authority_org_id": authority, "start_date": "2013-10-01",
               "end_date": "2016-08-31", "calendar": {"kind": "school_year"}, "only_confirmed": false}),
    )
    .await;
    let pairing = create_id(
        store,
        "pairings",
        json!({"program_id": program, "supporter_org_id": supporter, "receiver_org_id": receiver,
               "level": "school_school", "start_date": "2013-10-01", "end_date": "2016-08-31"}),
    )
    .await;
    store
        .apply_template(&Actor::system(), program, "school_pairing", &[])
        .await
        .unwrap();
    World {
        program,
        pairing,
        supporter,
        receiver,
        authority,
    }
}

/// A teacher sent `direction` with one stay; answers the stint's id.
async fn teacher(store: &Store, w: &World, name: &str, direction: &str, from: &str, to: &str) -> i64 {
    let home = if direction == "to_receiver" {
        w.supporter
    } else {
        w.receiver
    };
    let person = create_id(store, "people", json!({"name": name, "home_org_id": home})).await;
    let dispatch = create_id(
        store,
        "dispatches",
        json!({"pairing_id": w.pairing, "person_id": person, "role": "teacher", "direction": direction,
               "start_date": from, "end_date": to}),
    )
    .await;
    create_id(
        store,
        "stints",
        json!({"dispatch_id": dispatch, "start_date": from, "end_date": to}),
    )
    .await
}

fn row(list: &[SupervisionItem], stint: i64) -> Option<&SupervisionItem> {
    list.iter().find(|i| i.subject == format!("stint:{stint}"))
}

async fn items(store: &Store) -> Vec<Value> {
    store
        .list_every("supervisions", &duikou_store::ListQuery::default())
        .await
        .unwrap()
}

fn field(e: &StoreError) -> String {
    match e {
        StoreError::Invalid(errs) => errs.first().map(|f| f.field.clone()).unwrap_or_default(),
        StoreError::Conflict { code, .. } => (*code).to_string(),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn supervision_runs_from_the_warning_to_the_close() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let short = teacher(&store, &w, "张老师", "to_receiver", "2013-10-08", "2013-10-12").await;
        let long = teacher(&store, &w, "李老师", "to_receiver", "2013-10-08", "2013-11-20").await;
        let visiting = teacher(&store, &w, "王老师", "to_supporter", "2013-10-08", "2013-10-10").await;
        let today = day("2013-11-01");
        let coord = user(&store, "coord", Role::Coordinator, vec![w.authority]).await;
        let sup = user(&store, "sup", Role::SupporterEditor, vec![w.supporter]).await;
        let rec = user(&store, "rec", Role::ReceiverEditor, vec![w.receiver]).await;

        // the five-day stay ended short: unmet at once, the semester still running; the receiving school's visiting
        // teacher is held to nothing, and the teacher still in post is no item
        let list = store.supervision_list(w.program, None, today, false).await.unwrap();
        let it = row(&list, short).unwrap_or_else(|| panic!("{backend}: the short stint is listed"));
        assert_eq!(it.result.status, duikou_domain::engine::Status::Unmet, "{backend}");
        assert_eq!(
            (it.org_id, it.org.as_str()),
            (Some(w.supporter), "城关第一小学"),
            "{backend}"
        );
        assert_eq!(it.lateness_days, 0, "{backend}: no deadline yet, nothing overdue");
        assert!(
            row(&list, long).is_none() && row(&list, visiting).is_none(),
            "{backend}"
        );

        let new = |stint: i64, due: &str| NewSupervision {
            pairing_id: w.pairing,
            obligation_id: it.result.obligation_id,
            period: it.result.window.clone(),
            subject: Some(format!("stint:{stint}")),
            note: "请说明原因并补足".into(),
            due_on: due.into(),
        };
        // bad input: nothing written
        let e = store
            .supervise(&coord, &new(short, "2013-10-31"), today)
            .await
            .unwrap_err();
        assert_eq!(field(&e), "due_on", "{backend}: a deadline in the past: {e}");
        assert!(e.to_string().contains("整改期限"), "{backend}: {e}");
        let e = store.supervise(&coord, &new(short, "下周"), today).await.unwrap_err();
        assert_eq!(field(&e), "due_on", "{backend}");
        let e = store
            .supervise(&coord, &new(long, "2013-11-10"), today)
            .await
            .unwrap_err();
        assert_eq!(
            field(&e),
            "status",
            "{backend}: a stay still running and not short yet: {e}"
        );
        let e = store
            .supervise(&sup, &new(short, "2013-11-10"), today)
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Forbidden(_)),
            "{backend}: the supporter does not supervise itself"
        );
        assert!(items(&store).await.is_empty(), "{backend}: nothing written");

        let item = store.supervise(&coord, &new(short, "2013-11-10"), today).await.unwrap();
        assert_eq!(
            (item["status"].as_str(), item["org_id"].as_i64()),
            (Some("open"), Some(w.supporter))
        );
        let id = item["id"].as_i64().unwrap();
        let e = store
            .supervise(&coord, &new(short, "2013-11-15"), today)
            .await
            .unwrap_err();
        assert_eq!(field(&e), "duplicate", "{backend}: one item per result");

        // overdue days count from the deadline
        let late = store
            .supervision_list(w.program, None, day("2013-11-20"), false)
            .await
            .unwrap();
        let it = row(&late, short).unwrap();
        assert_eq!(it.lateness_days, 10, "{backend}");
        assert_eq!(it.supervision.as_ref().unwrap()["status"], "open");
        // and never pile up past the pairing's end, years later
        let years = store
            .supervision_list(w.program, None, day("2030-01-01"), false)
            .await
            .unwrap();
        let it = row(&years, short).unwrap();
        assert!(it.ended, "{backend}");
        assert_eq!(
            it.lateness_days,
            (day("2016-08-31") - day("2013-11-10")).num_days(),
            "{backend}"
        );
        // only that one teacher's result carries the item
        assert_eq!(years.iter().filter(|i| i.supervision.is_some()).count(), 1, "{backend}");

        // the unit sees it on its home page and replies; the other side may not
        let mine = store.supervisions_of(&sup.scope).await.unwrap();
        assert_eq!(mine.len(), 1, "{backend}");
        assert_eq!(mine[0]["obligation"], "支教教师每次连续支教不少于一周");
        assert!(store.supervisions_of(&rec.scope).await.unwrap().is_empty(), "{backend}");
        let e = store
            .reply_supervision(&rec, id, "不是我们的事", None, day("2013-11-15"))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{backend}");
        let e = store
            .reply_supervision(&sup, id, "  ", None, day("2013-11-15"))
            .await
            .unwrap_err();
        assert_eq!(field(&e), "reply", "{backend}");
        let doc = create_id(
            &store,
            "documents",
            json!({"kind": "other", "title": "补派说明", "pairing_id": w.pairing}),
        )
        .await;
        let replied = store
            .reply_supervision(
                &sup,
                id,
                "该教师因病提前返回，已安排下月补足",
                Some(doc),
                day("2013-11-15"),
            )
            .await
            .unwrap();
        assert_eq!(
            (replied["status"].as_str(), replied["document_id"].as_i64()),
            (Some("replied"), Some(doc))
        );
        let after = store
            .supervision_list(w.program, None, day("2013-12-01"), false)
            .await
            .unwrap();
        assert_eq!(
            row(&after, short).unwrap().lateness_days,
            5,
            "{backend}: the reply stops the clock"
        );

        // the coordinator decides, then closes; a closed item takes no reply and changes no more
        let e = store
            .decide_supervision(&sup, id, "rectified", "", day("2013-11-16"))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{backend}");
        let r = store
            .decide_supervision(&coord, id, "unrectified", "补足时段尚未登记", day("2013-11-16"))
            .await
            .unwrap();
        assert_eq!(r["status"], "unrectified");
        let e = store
            .decide_supervision(&coord, id, "close", " ", day("2013-11-16"))
            .await
            .unwrap_err();
        assert_eq!(field(&e), "resolution", "{backend}");
        let closed = store
            .decide_supervision(&coord, id, "close", "已约谈，列入年度考核", day("2013-11-16"))
            .await
            .unwrap();
        assert_eq!(closed["status"], "resolved");
        let e = store
            .reply_supervision(&sup, id, "再补充", None, day("2013-11-17"))
            .await
            .unwrap_err();
        assert_eq!(field(&e), "resolved", "{backend}: {e}");
        assert!(e.to_string().contains("已办结"), "{backend}: {e}");
        assert_eq!(
            store.get("supervisions", id).await.unwrap()["version"],
            closed["version"],
            "{backend}: nothing written"
        );
        assert!(store.supervisions_of(&sup.scope).await.unwrap().is_empty(), "{backend}");

        // an item whose result turns met is closed, saying so
        let brief = teacher(&store, &w, "赵老师", "to_receiver", "2013-10-15", "2013-10-17").await;
        let list = store.supervision_list(w.program, None, today, false).await.unwrap();
        let it = row(&list, brief).unwrap();
        let open = store
            .supervise(
                &coord,
                &NewSupervision {
                    pairing_id: w.pairing,
                    obligation_id: it.result.obligation_id,
                    period: it.result.window.clone(),
                    subject: Some(it.subject.clone()),
                    note: "请核实".into(),
                    due_on: "2013-11-30".into(),
                },
                today,
            )
            .await
            .unwrap();
        // the stay was entered wrong: it ran to the 24th (ten days)
        store
            .update(&Actor::system(), "stints", brief, &json!({"end_date": "2013-10-24"}))
            .await
            .unwrap();
        assert_eq!(
            store.settle_supervisions(w.program, today).await.unwrap(),
            1,
            "{backend}"
        );
        let settled = store.get("supervisions", open["id"].as_i64().unwrap()).await.unwrap();
        assert_eq!(settled["status"], "resolved", "{backend}");
        assert!(
            settled["resolution"].as_str().unwrap().contains("结果已达标"),
            "{backend}: {settled}"
        );
        assert_eq!(
            store.settle_supervisions(w.program, today).await.unwrap(),
            0,
            "{backend}: once"
        );
        // and a met result is never listed for itself
        let list = store.supervision_list(w.program, None, today, false).await.unwrap();
        assert!(row(&list, brief).is_none(), "{backend}");
    })
    .await;
}
