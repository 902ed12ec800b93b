//! A program's assessment beyond its computation, on every backend: the rating scale refused field by field with
//! nothing written, signing refused while the period still has open results, signing twice, recomputing or commenting
//! on a signed one, and the admin's unlock with its required reason.

use duikou_domain::access::{Actor, Role};
use duikou_store::assess::NewAssessment;
use duikou_store::testing::{create_id, for_each_backend, user};
use duikou_store::{ListQuery, Store, StoreError};
use serde_json::{json, Value};

/// Two school pairings of a two-year program: each school year at least one training, over the whole term at least
/// three. 城关第一小学 trains its partner in October 2014; 城关实验中学 never does.
struct World {
    program: i64,
    authority: i64,
    supporter: i64,
}

async fn world(store: &Store) -> World {
    let bureau = create_id(store, "orgs", json!({"name": "某县教育局", "kind": "government"})).await;
    let org = |name: &str| json!({"name": name, "kind": "school", "parent_id": bureau});
    let a = create_id(store, "orgs", org("城关第一小学")).await;
    let b = create_id(store, "orgs", org("石桥乡中心小学")).await;
    let c = create_id(store, "orgs", org("城关实验中学")).await;
    let d = create_id(store, "orgs", org("石桥乡初级中学")).await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "校对校帮扶", "authority_org_id": bureau, "start_date": "2014-09-01", "end_date": "2016-08-31",
               "calendar": {"kind": "school_year"}, "only_confirmed": false}),
    )
    .await;
    let mut pairings = Vec::new();
    for (s, r) in [(a, b), (c, d)] {
        pairings.push(
            create_id(
                store,
                "pairings",
                json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "school_school"}),
            )
            .await,
        );
    }
    let rule = |window: &str, n: i64| {
        json!({"subject": {"type": "pairing"}, "window": {"type": window},
               "measure": {"type": "count", "records": {"entity": "activities", "filter": {"kind": ["training"]}}},
               "comparison": "at_least", "target": {"type": "fixed", "value": n}, "label": "全员培训", "unit": "次"})
    };
    create_id(
        store,
        "obligations",
        json!({"program_id": program, "title": "每学年全员培训不少于1次", "rule": rule("school_year", 1)}),
    )
    .await;
    create_id(
        store,
        "obligations",
        json!({"program_id": program, "title": "三年内培训不少于3次", "rule": rule("term", 3)}),
    )
    .await;
    create_id(
        store,
        "activities",
        json!({"pairing_id": pairings[0], "kind": "training", "title": "全员培训", "start_date": "2014-10-10"}),
    )
    .await;
    World {
        program,
        authority: bureau,
        supporter: a,
    }
}

fn refusal(e: &StoreError) -> (String, String) {
    match e {
        StoreError::Invalid(v) => (v.0[0].field.clone(), v.0[0].message.clone()),
        StoreError::Conflict { code, message, .. } => (code.to_string(), message.clone()),
        StoreError::Forbidden(m) => ("forbidden".into(), m.clone()),
        other => panic!("unexpected {other:?}"),
    }
}

async fn locks(store: &Store) -> i64 {
    store.list("period_locks", &ListQuery::default()).await.unwrap().total
}

#[tokio::test]
async fn a_rating_scale_is_checked_field_by_field_and_nothing_is_written_when_refused() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let coord = user(&store, "coord", Role::Coordinator, vec![w.authority]).await;
        let sup = user(&store, "sup", Role::SupporterEditor, vec![w.supporter]).await;
        let before = store.get("programs", w.program).await.unwrap();
        let scale = |levels: &[(&str, &str)]| {
            json!({"levels": levels.iter().map(|(l, m)| json!({"label": l, "min_score": m})).collect::<Vec<_>>()})
        };
        for (bad, says) in [
            (scale(&[("优秀", "90"), ("良好", "90"), ("不合格", "0")]), "重叠"),
            (scale(&[("优秀", "80"), ("良好", "85"), ("不合格", "0")]), "从高到低"),
            (scale(&[("优秀", "120"), ("不合格", "0")]), "0 到 100"),
            (scale(&[("优秀", "90"), ("", "0")]), "名称（label）不能为空"),
        ] {
            let e = store.set_rating_scale(&coord, w.program, &bad).await.unwrap_err();
            let (field, message) = refusal(&e);
            assert_eq!(field, "rating_scale", "{backend}: {message}");
            assert!(message.contains(says), "{backend}: {message}");
        }
        let e = store
            .set_rating_scale(&sup, w.program, &scale(&[("达标", "60"), ("不达标", "0")]))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{backend}: {e:?}");
        let unchanged = store.get("programs", w.program).await.unwrap();
        assert_eq!((&unchanged["rating_scale"], &unchanged["version"]), (&before["rating_scale"], &before["version"]), "{backend}");

        // a two-level scale, then an assessment rated on it: half the school-year duties met is 50 → 不达标
        store
            .set_rating_scale(&coord, w.program, &scale(&[("达标", "60"), ("不达标", "0")]))
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        let a = store
            .create_assessment(
                &coord,
                &NewAssessment {
                    program_id: w.program,
                    pairing_id: None,
                    period: "2014-2015".into(),
                    as_of: Some("2015-09-15".into()),
                    comments: None,
                },
            )
            .await
            .unwrap();
        let items = duikou_store::assessment::assessed_pairings(&a);
        let ratings: Vec<Option<&str>> = items.iter().map(|p| p.score.rating.as_deref()).collect();
        assert_eq!(ratings, [Some("达标"), Some("不达标")], "{backend}: {a}");
        assert_eq!(a["rating"], "不达标", "{backend}: the program's mean of 100 and 0");
    })
    .await;
}

#[tokio::test]
async fn signing_is_refused_while_the_period_is_open_and_an_admin_unlocks_with_a_reason() {
    for_each_backend(|store, backend| async move {
        let w = world(&store).await;
        let coord = user(&store, "coord", Role::Coordinator, vec![w.authority]).await;
        let admin = user(&store, "boss", Role::Admin, vec![]).await;
        let new = NewAssessment {
            program_id: w.program,
            pairing_id: None,
            period: "2014-2015".into(),
            as_of: Some("2015-06-01".into()),
            comments: Some("按期培训".into()),
        };
        let a = store.create_assessment(&coord, &new).await.unwrap();
        let id = a["id"].as_i64().unwrap();

        // judged before the school year ended: its duty is met where the training was held, open in the other pairing
        let e = store.assessment_action(&coord, id, "sign", None).await.unwrap_err();
        let (code, message) = refusal(&e);
        assert_eq!(code, "open_results", "{backend}: {message}");
        assert!(
            message.contains("还有 1 项结果") && message.contains("（城关实验中学 → 石桥乡初级中学 1 项）"),
            "{backend}: {message}"
        );
        let still = store.get("assessments", id).await.unwrap();
        assert_eq!(
            (still["status"].as_str(), still["version"].as_i64()),
            (Some("draft"), a["version"].as_i64())
        );
        assert_eq!(locks(&store).await, 0, "{backend}: nothing locked");

        // judged again after the school year: the term's duty runs on but is not this period's to decide
        let re = store
            .assessment_action_as_of(
                &coord,
                id,
                "recompute",
                None,
                chrono::NaiveDate::from_ymd_opt(2015, 9, 15),
            )
            .await
            .unwrap();
        assert_eq!(re["as_of"], "2015-09-15", "{backend}");
        let open: usize = duikou_store::assessment::assessed_pairings(&re)
            .iter()
            .map(|p| p.score.open)
            .sum();
        assert_eq!(open, 2, "{backend}: the three-year duty is still open in each pairing");
        let signed = store.assessment_action(&coord, id, "sign", None).await.unwrap();
        assert_eq!(signed["status"], "signed", "{backend}");
        assert_eq!(locks(&store).await, 2, "{backend}: one lock per pairing");

        // a signed assessment is not signed twice, recomputed or commented on
        for (action, says) in [
            ("sign", "不能重复签署"),
            ("recompute", "不再重新计算"),
            ("comment", "不能再修改"),
        ] {
            let e = store
                .assessment_action(&coord, id, action, Some("再改"))
                .await
                .unwrap_err();
            let (code, message) = refusal(&e);
            assert_eq!(code, "signed", "{backend} {action}: {message}");
            assert!(message.contains(says), "{backend} {action}: {message}");
        }
        let after = store.get("assessments", id).await.unwrap();
        assert_eq!(
            (&after["comments"], &after["version"]),
            (&signed["comments"], &signed["version"]),
            "{backend}"
        );

        // only an admin unlocks, and only with a reason
        let e = store.unlock_assessment(&coord, id, "补录").await.unwrap_err();
        assert_eq!(refusal(&e).0, "forbidden", "{backend}");
        let e = store.unlock_assessment(&admin, id, "   ").await.unwrap_err();
        let (field, message) = refusal(&e);
        assert_eq!(
            (field.as_str(), message.as_str()),
            ("reason", "解锁理由（reason）不能为空"),
            "{backend}"
        );
        assert_eq!(store.get("assessments", id).await.unwrap()["status"], "signed");
        assert_eq!(locks(&store).await, 2, "{backend}: nothing unlocked");
        let draft = store
            .unlock_assessment(&admin, id, "受援学校补报了2015年5月的培训签到表")
            .await
            .unwrap();
        assert_eq!(
            (draft["status"].as_str(), &draft["signed_by"]),
            (Some("draft"), &Value::Null),
            "{backend}"
        );
        assert_eq!(locks(&store).await, 0, "{backend}: the period's records are open again");
        let e = store.unlock_assessment(&admin, id, "再解锁").await.unwrap_err();
        assert_eq!(refusal(&e).0, "not_signed", "{backend}");
        let history = store.assessment_history(id).await.unwrap();
        let told: Vec<(&str, &str, &str)> = history
            .iter()
            .map(|h| (h.action.as_str(), h.by.as_str(), h.reason.as_str()))
            .collect();
        assert_eq!(
            told,
            [
                ("sign", "coord", ""),
                ("unlock", "boss", "受援学校补报了2015年5月的培训签到表")
            ],
            "{backend}"
        );
        // a draft again: recomputed and signed anew
        store.assessment_action(&coord, id, "recompute", None).await.unwrap();
        store.assessment_action(&coord, id, "sign", None).await.unwrap();
        assert!(store.audit_verify().await.unwrap().ok(), "{backend}");
        let _ = Actor::system();
    })
    .await;
}
