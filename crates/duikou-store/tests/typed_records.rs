//! Typed reads (issue #22 item 1) on both backends: a transaction read into its struct is the record the generic
//! read answers — every field, money exact, the date at its precision, the qualifier and range of its amount — and
//! the read keeps to the pairings and dates asked for, in each pairing's order by date. The same for an activity,
//! whose counts are approximate figures and whose days may run across the dates asked for.

use chrono::NaiveDate;
use duikou_domain::access::Actor;
use duikou_domain::approx::Figure;
use duikou_domain::approx::Qualifier;
use duikou_domain::entities::{
    Activity, ActivityKind, Audience, Confirmation, Direction, FundingSource, PairingId, Transaction, TransactionKind,
};
use duikou_domain::{Money, RecDate};
use duikou_store::testing::{create_id, TestStore};
use duikou_store::Store;
use serde_json::json;

async fn pairing_with_project(store: &Store, name: &str) -> (i64, i64) {
    let s = create_id(
        store,
        "orgs",
        json!({"name": format!("{name}支援方"), "kind": "government"}),
    )
    .await;
    let r = create_id(
        store,
        "orgs",
        json!({"name": format!("{name}受援方"), "kind": "government"}),
    )
    .await;
    let a = create_id(
        store,
        "orgs",
        json!({"name": format!("{name}主管部门"), "kind": "government"}),
    )
    .await;
    let program = create_id(
        store,
        "programs",
        json!({"name": format!("{name}计划"), "authority_org_id": a, "start_date": "2010-01-01"}),
    )
    .await;
    let p = create_id(
        store,
        "pairings",
        json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "province_county"}),
    )
    .await;
    let project = create_id(
        store,
        "projects",
        json!({"pairing_id": p, "name": format!("{name}中学"), "category": "education"}),
    )
    .await;
    (p, project)
}

#[tokio::test]
async fn a_typed_transaction_is_the_record_the_generic_read_answers() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        let (p, project) = pairing_with_project(store, "甲").await;
        let (q, other) = pairing_with_project(store, "乙").await;
        let tx = |project: i64, kind: &str, amount: &str, date: &str| json!({"project_id": project, "kind": kind, "source": "supporter", "amount": amount, "date": date});
        let ids = [
            create_id(
                store,
                "transactions",
                tx(project, "disbursement", "约1000万", "2014-06"),
            )
            .await,
            create_id(
                store,
                "transactions",
                tx(project, "commitment", "200000-500000", "2011"),
            )
            .await,
            create_id(
                store,
                "transactions",
                tx(project, "expenditure", "37000000.00", "2016-03-05"),
            )
            .await,
            create_id(store, "transactions", tx(other, "disbursement", "5万", "2014-01-01")).await,
        ];
        store
            .set_confirmation(&Actor::system(), "transactions", ids[0], false, Some("金额不符"))
            .await
            .unwrap();

        let mine = store.transactions_of(&[PairingId(p)], None).await.unwrap();
        let got: Vec<i64> = mine.iter().map(|t| t.id.0).collect();
        assert_eq!(got, [ids[1], ids[0], ids[2]], "{backend}: by date, then id");
        for t in &mine {
            let generic = store.get("transactions", t.id.0).await.unwrap();
            assert_eq!(t.to_json(), generic, "{backend}");
            // the JSON writes its moments to the second: read back, it writes the same JSON
            let back = Transaction::from_json(&generic).map(|b| b.to_json());
            assert_eq!(back, Ok(generic), "{backend}");
        }
        let d = &mine[1];
        assert_eq!(
            d.pairing_id,
            Some(PairingId(p)),
            "{backend}: the pairing the server set"
        );
        assert_eq!(
            (d.kind, d.source),
            (TransactionKind::Disbursement, FundingSource::Supporter)
        );
        assert_eq!(
            (d.amount, d.amount_approx),
            (Money::from_wan(1000), Some(Qualifier::Yue))
        );
        assert_eq!(d.date, RecDate::month(2014, 6).unwrap(), "{backend}");
        assert_eq!(d.confirmation, Confirmation::Disputed, "{backend}");
        assert_eq!(d.dispute_reason.as_deref(), Some("金额不符"));
        let c = &mine[0];
        assert_eq!(
            (c.amount, c.amount_upper),
            (Money::from_wan(20), Some(Money::from_wan(50)))
        );
        assert_eq!(c.date, RecDate::year(2011).unwrap());

        // a date's first day within the days asked for, for both pairings
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let within = store
            .transactions_of(
                &[PairingId(p), PairingId(q)],
                Some((day("2014-01-01"), day("2014-12-31"))),
            )
            .await
            .unwrap();
        let got: Vec<i64> = within.iter().map(|t| t.id.0).collect();
        assert_eq!(got, [ids[3], ids[0]], "{backend}");
        assert!(store.transactions_of(&[], None).await.unwrap().is_empty());
        t.finish().await.unwrap();
    }
}

#[tokio::test]
async fn a_typed_activity_is_the_record_the_generic_read_answers() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        let (p, project) = pairing_with_project(store, "丙").await;
        let (q, _) = pairing_with_project(store, "丁").await;
        let ids = [
            // a month's training with counts in their written forms
            create_id(
                store,
                "activities",
                json!({"pairing_id": p, "kind": "training", "title": "骨干教师培训", "start_date": "2014-06",
                       "audience": "backbone", "hours": "1500余", "person_times": "20-50", "amount": "约1000万",
                       "project_id": project, "description": "分三期举办"}),
            )
            .await,
            // a visit across the year's edge, to the day
            create_id(
                store,
                "activities",
                json!({"pairing_id": p, "kind": "visit", "title": "考察", "start_date": "2013-12-28",
                       "end_date": "2014-01-03", "direction": "to_supporter", "person_times": 12}),
            )
            .await,
            // a lecture of 2013 alone
            create_id(
                store,
                "activities",
                json!({"pairing_id": p, "kind": "lecture", "title": "讲座", "start_date": "2013-03-01", "sessions": 3}),
            )
            .await,
            // another pairing's gift, known to its year
            create_id(
                store,
                "activities",
                json!({"pairing_id": q, "kind": "donation", "title": "捐赠图书", "start_date": "2014", "items": "近300"}),
            )
            .await,
        ];
        store
            .set_confirmation(&Actor::system(), "activities", ids[1], false, Some("人数不符"))
            .await
            .unwrap();

        let mine = store.activities_of(&[PairingId(p)], None).await.unwrap();
        let got: Vec<i64> = mine.iter().map(|a| a.id.0).collect();
        assert_eq!(got, [ids[2], ids[1], ids[0]], "{backend}: by start date, then id");
        for a in &mine {
            let generic = store.get("activities", a.id.0).await.unwrap();
            assert_eq!(a.to_json(), generic, "{backend}");
            let back = Activity::from_json(&generic).map(|b| b.to_json());
            assert_eq!(back, Ok(generic), "{backend}");
        }
        let training = &mine[2];
        assert_eq!(
            (training.kind, training.audience),
            (ActivityKind::Training, Some(Audience::Backbone))
        );
        assert_eq!(training.start_date, RecDate::month(2014, 6).unwrap(), "{backend}");
        assert_eq!(
            training.hours_figure(),
            Some(Figure {
                value: 1500,
                qualifier: Some(Qualifier::Yu),
                upper: None
            }),
            "{backend}"
        );
        assert_eq!(
            training.person_times_figure(),
            Some(Figure {
                value: 20,
                qualifier: None,
                upper: Some(50)
            })
        );
        assert_eq!(
            (training.amount, training.amount_approx),
            (Some(Money::from_wan(1000)), Some(Qualifier::Yue))
        );
        assert_eq!(training.sessions_figure(), None, "a count not given is none, not zero");
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let visit = &mine[1];
        assert_eq!(visit.direction, Some(Direction::ToSupporter));
        assert_eq!(visit.end_date, Some(RecDate::day(day("2014-01-03"))));
        assert_eq!(
            (visit.confirmation, visit.dispute_reason.as_deref()),
            (Confirmation::Disputed, Some("人数不符"))
        );

        // the activities whose days may reach into 2014, for both pairings (by pairing): the visit begun in 2013 too
        let within = store
            .activities_of(
                &[PairingId(p), PairingId(q)],
                Some((day("2014-01-01"), day("2014-12-31"))),
            )
            .await
            .unwrap();
        let got: Vec<i64> = within.iter().map(|a| a.id.0).collect();
        assert_eq!(got, [ids[1], ids[0], ids[3]], "{backend}");
        assert!(store.activities_of(&[], None).await.unwrap().is_empty());
        t.finish().await.unwrap();
    }
}
