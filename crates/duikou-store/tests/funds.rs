//! Money outside any project (项目外资金, issue #16 item 4) on both backends: recorded with its purpose, source, amount
//! as written and date at its precision; counted once in the work summary and the pairing's totals — a disputed one
//! never, one of another year not in this year's summary; a bad record refused naming the field, nothing written.

use duikou_domain::access::Actor;
use duikou_store::summary::Scope;
use duikou_store::testing::{create_id, TestStore};
use duikou_store::{Store, StoreError};
use serde_json::{json, Value};

async fn pairing(store: &Store) -> i64 {
    let s = create_id(store, "orgs", json!({"name": "南京农业大学", "kind": "university"})).await;
    let r = create_id(store, "orgs", json!({"name": "新疆农业大学", "kind": "university"})).await;
    let a = create_id(store, "orgs", json!({"name": "教育部", "kind": "government"})).await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "对口支援西部地区高等学校计划", "authority_org_id": a, "start_date": "2001-01-01"}),
    )
    .await;
    create_id(
        store,
        "pairings",
        json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "school_school"}),
    )
    .await
}

fn text(doc: &duikou_report::Document) -> String {
    let mut out = String::new();
    for s in &doc.sections {
        for b in &s.blocks {
            match b {
                duikou_report::Block::Paragraph { spans } => {
                    for sp in spans {
                        out.push_str(&sp.text);
                    }
                }
                duikou_report::Block::List { items } => out.push_str(&items.join("\n")),
                _ => {}
            }
            out.push('\n');
        }
    }
    out
}

#[tokio::test]
async fn money_outside_projects_is_counted_once_where_money_is_counted() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        let sys = Actor::system();
        let p = pairing(store).await;
        let fund = |purpose: &str, title: &str, amount: &str, date: &str| {
            json!({"pairing_id": p, "purpose": purpose, "title": title, "source": "supporter", "amount": amount,
                   "date": date})
        };
        let ids = [
            create_id(store, "funds", fund("research", "创新群体课题经费", "20万", "2006")).await,
            create_id(store, "funds", fund("research", "鹰嘴豆课题经费", "10万", "2006-05")).await,
            create_id(store, "funds", fund("welfare", "体育公益金", "约10万", "2006-07-01")).await,
            // disputed by the receiver: never counted
            create_id(store, "funds", fund("talent", "人才培养资金", "1000万", "2006")).await,
            // another year
            create_id(store, "funds", fund("research", "次年课题经费", "5万", "2007")).await,
        ];
        let stored = store.get("funds", ids[0]).await.unwrap();
        assert_eq!(
            (stored["date"].as_str(), stored["amount"].as_str()),
            (Some("2006"), Some("200000.00")),
            "{backend}: {stored}"
        );
        for (i, id) in ids.iter().enumerate() {
            let ok = i != 3;
            store
                .set_confirmation(&sys, "funds", *id, ok, (!ok).then_some("并非项目外资金"))
                .await
                .unwrap();
        }

        let period: duikou_domain::Period = "2006".parse().unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let input = store.summary_input(&Scope::Pairing(p), &period, today).await.unwrap();
        let (doc, figures) = duikou_summary::build(&input).unwrap();
        let t_ = text(&doc);
        assert!(
            t_.contains("本期项目之外安排资金约40万元，其中课题/科研经费30万元、公益金约10万元"),
            "{backend}: {t_}"
        );
        assert!(t_.contains("创新群体课题经费（20万元）"), "{backend}: {t_}");
        assert!(
            !t_.contains("次年课题经费"),
            "{backend}: 2007 is not in the 2006 summary: {t_}"
        );
        assert!(
            t_.contains("受援方对项目外资金“人才培养资金”（1000万元）提出异议"),
            "{backend}: the disputed one is named in 存在问题: {t_}"
        );
        let total = figures
            .iter()
            .find(|f| f.key == "funds.total")
            .expect("the total is a traced figure");
        assert_eq!(total.records.len(), 3, "{backend}");

        // the pairing's totals: every confirmed one (all years), the disputed never
        let detail = store.pairing_detail(p).await.unwrap();
        assert_eq!(
            detail["totals"]["funds"]["amount"], "450000.00",
            "{backend}: {}",
            detail["totals"]["funds"]
        );
        assert_eq!(
            detail["totals"]["funds"]["by_purpose"]["research"], "350000.00",
            "{backend}"
        );

        // bad input: refused naming the field, nothing written
        let before = store.list("funds", &Default::default()).await.unwrap().total;
        for (bad, field) in [
            (
                json!({"pairing_id": p, "title": "无用途", "source": "supporter", "amount": "1万", "date": "2006"}),
                "purpose",
            ),
            (
                json!({"pairing_id": p, "purpose": "research", "title": "无日期", "source": "supporter", "amount": "1万"}),
                "date",
            ),
            (
                json!({"pairing_id": p, "purpose": "research", "title": "负数", "source": "supporter", "amount": "-1万", "date": "2006"}),
                "amount",
            ),
            (
                json!({"pairing_id": p, "purpose": "lottery", "title": "未知用途", "source": "supporter", "amount": "1万", "date": "2006"}),
                "purpose",
            ),
        ] {
            match store.create(&sys, "funds", &bad).await {
                Err(StoreError::Invalid(e)) => {
                    assert!(e.0.iter().any(|f| f.field == field), "{backend}: {bad}: {e}");
                    assert!(e.0.iter().all(|f| !f.message.is_empty()), "{backend}");
                }
                other => panic!("{backend}: {bad} was not refused: {other:?}"),
            }
        }
        assert_eq!(
            store.list("funds", &Default::default()).await.unwrap().total,
            before,
            "{backend}: nothing written"
        );
        let _: Value = store.get("funds", ids[0]).await.unwrap();
        t.finish().await.unwrap();
    }
}
