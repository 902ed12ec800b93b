//! Bad input to the extraction of old summaries (issue 24), on both backends: a scan with no text, a document with
//! no figures, a report too long for one extraction, a draft decided twice (one after the other, and by two at
//! once), a draft whose project was deleted meanwhile, and a draft whose attached record is bad. Each is told in
//! Chinese, naming what is wrong, and writes nothing: no extraction, no record, no audit event.

use duikou_domain::access::Actor;
use duikou_store::testing::{create_id, TestStore};
use duikou_store::{Store, StoreError};
use serde_json::{json, Value};

struct Setup {
    pairing: i64,
    doc: i64,
}

async fn setup(store: &Store) -> Setup {
    let a = create_id(store, "orgs", json!({"name": "教育厅", "kind": "government"})).await;
    let s = create_id(store, "orgs", json!({"name": "南京农业大学", "kind": "university"})).await;
    let r = create_id(store, "orgs", json!({"name": "新疆农业大学", "kind": "university"})).await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "对口支援西部地区高等学校计划", "authority_org_id": a, "start_date": "2001-01-01"}),
    )
    .await;
    let pairing = create_id(
        store,
        "pairings",
        json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "school_school",
               "start_date": "2001-01-01", "end_date": "2012-12-31"}),
    )
    .await;
    let doc = create_id(
        store,
        "documents",
        json!({"kind": "summary", "title": "2010年工作总结", "pairing_id": pairing}),
    )
    .await;
    Setup { pairing, doc }
}

/// Rows of the tables a failed step must leave alone.
async fn written(store: &Store) -> Vec<usize> {
    let mut out = Vec::new();
    for e in [
        "extractions",
        "activities",
        "activity_counts",
        "projects",
        "project_funding",
        "audit_events",
    ] {
        let n = match e {
            "audit_events" => store.audit_verify().await.map_or(0, |v| v.events as usize),
            _ => store
                .fields_where(e, &["id"], "1 = 1", &[])
                .await
                .map_or(0, |r| r.len()),
        };
        out.push(n);
    }
    out
}

fn message(e: &StoreError) -> String {
    e.to_string()
}

#[tokio::test]
async fn bad_documents_are_told_and_nothing_is_proposed() {
    for t in TestStore::all().await.expect("test stores") {
        let (store, backend) = (&t.store, t.backend);
        let sys = Actor::system();
        let f = setup(store).await;
        // a scan: the document has no text
        let before = written(store).await;
        let e = store
            .propose_from_document(&sys, f.doc, f.pairing, "2010")
            .await
            .unwrap_err();
        assert!(message(&e).contains("没有可读的文本"), "{backend}: {e}");
        assert_eq!(written(store).await, before, "{backend}: nothing written");
        // text without a single figure
        store
            .put_document_content(
                &sys,
                f.doc,
                "text/plain",
                "一年来，两校坚持互学互鉴，合作不断深化。".as_bytes(),
            )
            .await
            .unwrap();
        let before = written(store).await;
        let e = store
            .propose_from_document(&sys, f.doc, f.pairing, "2010")
            .await
            .unwrap_err();
        assert!(message(&e).contains("没有找到带单位的数字"), "{backend}: {e}");
        assert_eq!(written(store).await, before, "{backend}: nothing written");
        // a report longer than one extraction reads: told with its length and what to do
        let long = "二〇一〇年，我校派出3名教师赴新疆农业大学支教，授课120课时。".repeat(12_000);
        store
            .put_document_content(&sys, f.doc, "text/plain", long.as_bytes())
            .await
            .unwrap();
        let before = written(store).await;
        let e = store
            .propose_from_document(&sys, f.doc, f.pairing, "2010")
            .await
            .unwrap_err();
        assert!(message(&e).contains("拆成"), "{backend}: {e}");
        assert_eq!(written(store).await, before, "{backend}: nothing written");
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn a_draft_is_decided_once_and_a_gone_or_bad_target_writes_nothing() {
    for t in TestStore::all().await.expect("test stores") {
        let (store, backend) = (&t.store, t.backend);
        let sys = Actor::system();
        let f = setup(store).await;
        let text =
            "2010年，援建新疆农业大学实验楼项目，总投资800万元，其中我校援助300万元。2010年我校派出5名教师支教。";
        store
            .put_document_content(&sys, f.doc, "text/plain", text.as_bytes())
            .await
            .unwrap();
        let items = store
            .propose_from_document(&sys, f.doc, f.pairing, "2010")
            .await
            .unwrap();
        let find = |q: &str| -> Value {
            items
                .iter()
                .find(|i| i["quote"] == q)
                .unwrap_or_else(|| panic!("{q} in {items:?}"))
                .clone()
        };
        let id = |v: &Value| v["id"].as_i64().unwrap();
        // two figures about one project land on one project
        let total = store
            .decide_extraction(&sys, id(&find("800万元")), true, None)
            .await
            .unwrap();
        let share = store
            .decide_extraction(&sys, id(&find("300万元")), true, None)
            .await
            .unwrap();
        let funding = store
            .get("project_funding", share["record_id"].as_i64().unwrap())
            .await
            .unwrap();
        assert_eq!(funding["project_id"], total["record_id"], "{backend}");
        // accepted twice: told, nothing written
        let before = written(store).await;
        let e = store
            .decide_extraction(&sys, id(&find("800万元")), true, None)
            .await
            .unwrap_err();
        assert!(message(&e).contains("已经采纳"), "{backend}: {e}");
        assert_eq!(written(store).await, before, "{backend}");
        // merged into a project deleted meanwhile: told, nothing written
        let teachers = find("5名");
        let doomed = create_id(
            store,
            "projects",
            json!({"pairing_id": f.pairing, "name": "临时项目", "category": "other"}),
        )
        .await;
        store.delete(&sys, "projects", doomed).await.unwrap();
        let edited = json!({"record": {"project_id": doomed, "source": "supporter", "amount": "300万"}});
        let before = written(store).await;
        let e = store
            .decide_extraction(&sys, id(&teachers), true, Some(("project_funding", &edited)))
            .await
            .unwrap_err();
        assert!(message(&e).contains("已被删除"), "{backend}: {e}");
        assert_eq!(written(store).await, before, "{backend}");
        assert_eq!(
            store.get("extractions", id(&teachers)).await.unwrap()["status"],
            "pending"
        );
        // an activity whose attached count is bad: neither the activity nor the count is written
        let edited = json!({"record": {"kind": "other", "title": "派出支教教师（汇总）", "start_date": "2010"},
                            "children": [{"entity": "activity_counts", "record": {"value": "-5", "unit": "名"}}]});
        let e = store
            .decide_extraction(&sys, id(&teachers), true, Some(("activities", &edited)))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Invalid(_)), "{backend}: {e}");
        assert_eq!(written(store).await, before, "{backend}: nothing half-written");
        // as proposed, by two reviewers at once: one decision wins, the other is told; one aggregate record of
        // five, no person
        let activities = store
            .fields_where("activities", &["id"], "1 = 1", &[])
            .await
            .unwrap()
            .len();
        let (a, b) = tokio::join!(
            store.decide_extraction(&sys, id(&teachers), true, None),
            store.decide_extraction(&sys, id(&teachers), true, None)
        );
        assert_eq!(u8::from(a.is_ok()) + u8::from(b.is_ok()), 1, "{backend}: {a:?} {b:?}");
        let lost = a.err().or(b.err()).unwrap();
        assert!(matches!(lost, StoreError::Conflict { .. }), "{backend}: {lost}");
        assert_eq!(
            store
                .fields_where("activities", &["id"], "1 = 1", &[])
                .await
                .unwrap()
                .len(),
            activities + 1,
            "{backend}: written once"
        );
        assert_eq!(
            store.get("extractions", id(&teachers)).await.unwrap()["status"],
            "accepted"
        );
        assert_eq!(
            store.fields_where("people", &["id"], "1 = 1", &[]).await.unwrap().len(),
            0
        );
        assert!(store.audit_verify().await.unwrap().ok());
        t.finish().await.unwrap();
    }
}
