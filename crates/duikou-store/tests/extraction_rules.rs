//! An old plan's rules read back in (issue 24, 第8篇), on both backends: a rule sentence is proposed as an obligation
//! draft; accepting it creates the obligation of the pairing's program (or of the agreement the document is attached
//! to) in one audited transaction, both sides' rules of a "互派"; the same rule accepted again is the one kept; a rule
//! of semesters in a program counted in calendar years is questioned when proposed and refused when accepted,
//! writing nothing.

use duikou_domain::access::Actor;
use duikou_domain::obligation::ObligationRule;
use duikou_store::testing::{create_id, TestStore};
use duikou_store::Store;
use serde_json::{json, Value};

const PLAN: &str = "三、帮扶任务\n\
    支援学校和受援学校每学期互派至少1名经验丰富的管理人员到对口学校挂职，参与学校的决策与管理。\
    支教领导每学期支教累计不少于一个月，每次连续开展指导工作不少于一周。\n";

/// A pairing of a program with `calendar`, and a document holding `PLAN`.
async fn setup(store: &Store, calendar: &str) -> (i64, i64, i64) {
    let sys = Actor::system();
    let a = create_id(store, "orgs", json!({"name": "县教育局", "kind": "government"})).await;
    let s = create_id(store, "orgs", json!({"name": "城区第一小学", "kind": "school"})).await;
    let r = create_id(store, "orgs", json!({"name": "乡中心小学", "kind": "school"})).await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "校对校对口帮扶", "authority_org_id": a, "start_date": "2013-09-01",
               "end_date": "2016-08-31", "calendar": {"kind": calendar}}),
    )
    .await;
    let pairing = create_id(
        store,
        "pairings",
        json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "school_school",
               "start_date": "2013-09-01", "end_date": "2016-08-31"}),
    )
    .await;
    let doc = create_id(
        store,
        "documents",
        json!({"kind": "plan", "title": "帮扶实施方案", "pairing_id": pairing}),
    )
    .await;
    store
        .put_document_content(&sys, doc, "text/plain", PLAN.as_bytes())
        .await
        .expect("upload");
    (program, pairing, doc)
}

fn with_quote<'a>(drafts: &'a [Value], quote: &str) -> &'a Value {
    drafts
        .iter()
        .find(|d| d["quote"] == quote)
        .unwrap_or_else(|| panic!("no draft of {quote}: {drafts:?}"))
}

/// The program's (or agreement's) obligations as their rules read.
async fn rules_of(store: &Store, field: &str, id: i64) -> Vec<String> {
    store
        .list_all("obligations", field, id)
        .await
        .expect("obligations")
        .iter()
        .map(|o| ObligationRule::from_json(&o["rule"]).expect("a rule").text_zh())
        .collect()
}

#[tokio::test]
async fn an_accepted_rule_is_the_programs_obligation_audited_and_kept_once() {
    for t in TestStore::all().await.expect("test stores") {
        let (store, backend) = (&t.store, t.backend);
        let sys = Actor::system();
        let (program, pairing, doc) = setup(store, "school_year").await;
        let drafts = store
            .propose_from_document(&sys, doc, pairing, "term")
            .await
            .expect("proposals");
        let exchange = with_quote(&drafts, "至少1名");
        assert_eq!(exchange["target"], "obligations", "{backend}");
        let accepted = store
            .decide_extraction(&sys, exchange["id"].as_i64().unwrap(), true, None)
            .await
            .expect("accepted");
        let made = accepted["record_id"].as_i64().expect("the obligation");
        assert_eq!(
            rules_of(store, "program_id", program).await,
            vec![
                "支援方派往受援方：每学期派出挂职管理人员不少于 1 名",
                "受援方派往支援方：每学期受援方派出挂职管理人员不少于 1 名"
            ],
            "{backend}"
        );
        // the obligation's creation and the acceptance are in the audit log
        let log = store.audit_for("obligations", made).await.expect("audit");
        assert!(log.iter().any(|e| e.action == "create"), "{backend}: {log:?}");
        let log = store
            .audit_for("extractions", exchange["id"].as_i64().unwrap())
            .await
            .expect("audit");
        assert!(log.iter().any(|e| e.action == "accept"), "{backend}");
        // the month and the week of the same sentence: 30 and 7 days, the month questioned
        let month = with_quote(&drafts, "不少于一个月");
        assert!(
            month["draft"]["doubts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d == "一个月按30天计，请核对"),
            "{backend}"
        );
        for q in ["不少于一个月", "不少于一周"] {
            store
                .decide_extraction(&sys, with_quote(&drafts, q)["id"].as_i64().unwrap(), true, None)
                .await
                .expect("accepted");
        }
        let rules = rules_of(store, "program_id", program).await;
        assert_eq!(rules.len(), 4, "{backend}: {rules:?}");
        assert!(rules.contains(&"支援方管理人员每人每学期累计挂职指导不少于 1个月（按30天计）".to_string()));
        assert!(rules.contains(&"支援方管理人员每次连续指导不少于 1周（7天）（按学期考核）".to_string()));
        // the plan read again: its rules are the ones kept, not a second copy
        let again = store
            .propose_from_document(&sys, doc, pairing, "term")
            .await
            .expect("proposals");
        let second = store
            .decide_extraction(&sys, with_quote(&again, "至少1名")["id"].as_i64().unwrap(), true, None)
            .await
            .expect("accepted");
        assert_eq!(second["record_id"].as_i64(), Some(made), "{backend}");
        assert_eq!(rules_of(store, "program_id", program).await.len(), 4, "{backend}");
        assert!(store.audit_verify().await.unwrap().ok(), "{backend}");
        t.finish().await.expect("cleanup");
    }
}

#[tokio::test]
async fn a_plan_attached_to_an_agreement_gives_the_agreements_obligations() {
    for t in TestStore::all().await.expect("test stores") {
        let (store, backend) = (&t.store, t.backend);
        let sys = Actor::system();
        let (program, pairing, doc) = setup(store, "school_year").await;
        let agreement = create_id(
            store,
            "agreements",
            json!({"pairing_id": pairing, "kind": "agreement", "title": "帮扶责任书", "signed_on": "2013-09"}),
        )
        .await;
        create_id(
            store,
            "document_links",
            json!({"document_id": doc, "entity": "agreements", "entity_id": agreement}),
        )
        .await;
        let drafts = store
            .propose_from_document(&sys, doc, pairing, "term")
            .await
            .expect("proposals");
        store
            .decide_extraction(
                &sys,
                with_quote(&drafts, "不少于一周")["id"].as_i64().unwrap(),
                true,
                None,
            )
            .await
            .expect("accepted");
        assert_eq!(
            rules_of(store, "agreement_id", agreement).await,
            vec!["支援方管理人员每次连续指导不少于 1周（7天）（按学期考核）"],
            "{backend}"
        );
        assert!(rules_of(store, "program_id", program).await.is_empty(), "{backend}");
        t.finish().await.expect("cleanup");
    }
}

#[tokio::test]
async fn a_semester_rule_in_a_calendar_year_program_is_questioned_and_refused_whole() {
    for t in TestStore::all().await.expect("test stores") {
        let (store, backend) = (&t.store, t.backend);
        let sys = Actor::system();
        let (program, pairing, doc) = setup(store, "calendar_year").await;
        let drafts = store
            .propose_from_document(&sys, doc, pairing, "term")
            .await
            .expect("proposals");
        let exchange = with_quote(&drafts, "至少1名");
        let doubts = exchange["draft"]["doubts"].to_string();
        assert!(doubts.contains("按自然年计，没有学期和学年"), "{backend}: {doubts}");
        let events = store.audit_verify().await.unwrap().events;
        let e = store
            .decide_extraction(&sys, exchange["id"].as_i64().unwrap(), true, None)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("学期"), "{backend}: {e}");
        // neither side's rule written, the draft still pending, nothing in the log
        assert!(rules_of(store, "program_id", program).await.is_empty(), "{backend}");
        let still = store
            .get("extractions", exchange["id"].as_i64().unwrap())
            .await
            .unwrap();
        assert_eq!(still["status"], "pending", "{backend}");
        assert_eq!(store.audit_verify().await.unwrap().events, events, "{backend}");
        t.finish().await.expect("cleanup");
    }
}
