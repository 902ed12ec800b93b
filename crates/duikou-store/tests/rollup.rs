//! A region's indicator values and its children's (issue #16 item 7) on both backends: the value recorded for 新疆
//! and the sum of its prefectures' are two figures, told apart in the API's answer and in a region's work summary;
//! a child stands by its own value, else by its children's only when all of them have one; rates never add up;
//! periods are never mixed.

use duikou_store::summary::Scope;
use duikou_store::testing::{create_id, TestStore};
use duikou_store::Store;
use serde_json::json;

/// A quantity's raw unit: ten-thousandths.
const Q: i64 = 10_000;

fn text(doc: &duikou_report::Document) -> String {
    let mut out = String::new();
    for s in &doc.sections {
        for b in &s.blocks {
            if let duikou_report::Block::Paragraph { spans } = b {
                for sp in spans {
                    out.push_str(&sp.text);
                }
            }
            out.push('\n');
        }
    }
    out
}

async fn children(store: &Store, code: &str) -> usize {
    store
        .list_every(
            "regions",
            &duikou_store::ListQuery {
                filters: [("parent_code".to_string(), code.to_string())].into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_regions_own_value_and_its_childrens_sum_are_two_figures() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        store.load_regions_if_empty().await.unwrap();
        let indicator = |code: &str, name: &str, unit: &str, aggregation: &str| json!({"code": code, "name": name, "unit": unit, "aggregation": aggregation});
        let cadres = create_id(store, "indicators", indicator("cadres", "选派干部", "名", "sum")).await;
        let rate = create_id(store, "indicators", indicator("rate", "到位率", "%", "rate")).await;
        let value = |i: i64, region: &str, period: &str, v: &str| json!({"indicator_id": i, "region_code": region, "period": period, "value": v});
        let mut ids = Vec::new();
        for (i, region, period, v) in [
            (cadres, "650000", "2011", "3200多"),
            // 阿克苏地区 and 吐鲁番市 by their own values
            (cadres, "652900", "2011", "300"),
            (cadres, "650400", "2011", "110"),
            // 喀什地区 has a value for one county only: it is not counted
            (cadres, "653101", "2011", "50"),
            // another year is another figure
            (cadres, "652900", "2012", "280"),
            (rate, "652900", "2011", "90"),
            (rate, "650400", "2011", "80"),
        ] {
            ids.push(create_id(store, "indicator_values", value(i, region, period, v)).await);
        }
        let n = children(store, "650000").await;
        assert!(n >= 14, "{backend}: {n}");

        let all = store.region_indicators("650000").await.unwrap();
        let find = |code: &str, period: &str| {
            all.iter()
                .find(|a| a.code == code && a.period == period)
                .unwrap_or_else(|| panic!("{backend}: {code} {period}: {all:?}"))
        };
        let c = find("cadres", "2011");
        assert_eq!(
            c.recorded.map(|(f, id)| (f.value, id)),
            Some((3200 * Q, ids[0])),
            "{backend}"
        );
        let s = c.summed.as_ref().unwrap();
        assert_eq!(s.figure.value, 410 * Q, "{backend}: {s:?}");
        assert_eq!(
            s.counted,
            vec!["吐鲁番市".to_string(), "阿克苏地区".to_string()],
            "{backend}"
        );
        assert_eq!((s.children, s.complete()), (n, false), "{backend}");
        assert_eq!(
            s.records,
            vec![ids[1], ids[2]],
            "{backend}: 喀什's county is not summed"
        );
        let c12 = find("cadres", "2012");
        assert_eq!(
            (c12.recorded, c12.summed.as_ref().map(|s| s.figure.value)),
            (None, Some(280 * Q)),
            "{backend}"
        );
        assert!(
            !all.iter().any(|a| a.code == "rate"),
            "{backend}: rates never add up, and 新疆 has none of its own: {all:?}"
        );
        // one level down: 阿克苏地区's own value, nothing below it
        let aksu = store.region_indicators("652900").await.unwrap();
        assert!(
            aksu.iter().any(|a| a.code == "cadres"
                && a.period == "2011"
                && a.recorded.map(|f| f.0.value) == Some(300 * Q)
                && a.summed.is_none()),
            "{backend}: {aksu:?}"
        );
        assert!(store.region_indicators("999999").await.is_err(), "{backend}");

        // the region's summary tells both, apart, and says how many children the sum covers
        let s = create_id(
            store,
            "orgs",
            json!({"name": "浙江省", "kind": "government", "region_code": "330000"}),
        )
        .await;
        let r = create_id(
            store,
            "orgs",
            json!({"name": "阿克苏地区", "kind": "government", "region_code": "652900"}),
        )
        .await;
        let a = create_id(
            store,
            "orgs",
            json!({"name": "中央新疆工作协调小组", "kind": "government"}),
        )
        .await;
        let program = create_id(
            store,
            "programs",
            json!({"name": "对口援疆", "authority_org_id": a, "start_date": "2010-03-30"}),
        )
        .await;
        create_id(
            store,
            "pairings",
            json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "province_prefecture"}),
        )
        .await;
        let period: duikou_domain::Period = "2011".parse().unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let input = store
            .summary_input(&Scope::Region("650000".into()), &period, today)
            .await
            .unwrap();
        let (doc, figures) = duikou_summary::build(&input).unwrap();
        let t_ = text(&doc);
        assert!(
            t_.contains("新疆维吾尔自治区本级统计：选派干部2011年为3200多名"),
            "{backend}: {t_}"
        );
        assert!(
            t_.contains(&format!(
                "选派干部2011年下辖{n}个区划中有数值的2个（吐鲁番市、阿克苏地区）合计410名"
            )),
            "{backend}: {t_}"
        );
        assert!(!t_.contains("280"), "{backend}: 2012 is not in 2011's summary: {t_}");
        // the program of regions in 新疆 tells 新疆's own statistics, not its children's sums (the pairings' own)
        let input = store
            .summary_input(&Scope::Program(program), &period, today)
            .await
            .unwrap();
        let p_ = text(&duikou_summary::build(&input).unwrap().0);
        assert!(
            p_.contains("新疆维吾尔自治区本级统计：选派干部2011年为3200多名"),
            "{backend}: {p_}"
        );
        assert!(!p_.contains("合计410名"), "{backend}: {p_}");
        // a program of universities in 新疆 is not 新疆's aid: it tells none of 新疆's statistics
        let uni = create_id(
            store,
            "orgs",
            json!({"name": "塔里木大学", "kind": "university", "region_code": "652900"}),
        )
        .await;
        let helper = create_id(store, "orgs", json!({"name": "浙江大学", "kind": "university"})).await;
        let schools = create_id(
            store,
            "programs",
            json!({"name": "对口支援西部高校", "authority_org_id": a, "start_date": "2001-01-01"}),
        )
        .await;
        create_id(
            store,
            "pairings",
            json!({"program_id": schools, "supporter_org_id": helper, "receiver_org_id": uni, "level": "school_school"}),
        )
        .await;
        let input = store
            .summary_input(&Scope::Program(schools), &period, today)
            .await
            .unwrap();
        let u_ = text(&duikou_summary::build(&input).unwrap().0);
        assert!(!u_.contains("本级统计") && !u_.contains("3200"), "{backend}: {u_}");
        let summed = figures.iter().find(|f| f.key == "area.cadres.2011.summed").unwrap();
        assert_eq!(
            summed.records,
            vec![("indicator_values", ids[1]), ("indicator_values", ids[2])],
            "{backend}"
        );
        t.finish().await.unwrap();
    }
}

/// A total since a start to an end the source leaves open ("援疆以来") is a figure of the region that recorded it:
/// kept with how its period is meant, and never added to its siblings' into a parent's sum.
#[tokio::test]
async fn a_value_of_an_open_period_is_kept_as_meant_and_never_summed() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        store.load_regions_if_empty().await.unwrap();
        let projects = create_id(
            store,
            "indicators",
            json!({"code": "aid_projects_x", "name": "实施项目", "unit": "个", "aggregation": "sum"}),
        )
        .await;
        let since = |region: &str, v: &str| {
            json!({"indicator_id": projects, "region_code": region, "period": "2010-01-01..2012-12-31",
                   "period_basis": "since", "value": v})
        };
        let own = create_id(store, "indicator_values", since("650000", "1627")).await;
        for (region, v) in [("652900", "403"), ("650400", "31")] {
            create_id(store, "indicator_values", since(region, v)).await;
        }
        let all = store.region_indicators("650000").await.unwrap();
        let a = all
            .iter()
            .find(|a| a.code == "aid_projects_x")
            .unwrap_or_else(|| panic!("{backend}: {all:?}"));
        assert_eq!(a.basis.as_deref(), Some("since"), "{backend}");
        assert_eq!(
            a.recorded.map(|(f, id)| (f.value, id)),
            Some((1627 * Q, own)),
            "{backend}"
        );
        assert!(a.summed.is_none(), "{backend}: {a:?}");
        // a basis outside the kept list is refused, naming the field
        let err = store
            .create(
                &duikou_domain::access::Actor::system(),
                "indicator_values",
                &json!({"indicator_id": projects, "region_code": "650000", "period": "2011", "period_basis": "lately",
                        "value": "1"}),
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("期间说明"), "{backend}: {err}");
    }
}
