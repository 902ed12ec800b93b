//! The IATI 2.03 export (`/api/v1/public/programs/{id}/iati.xml`) on SQLite and PostgreSQL: the demo's and a
//! generated program's files validate against IATI's XSD (xmllint) and every code they carry is in IATI's codelists
//! (`../shared/iati/`); exact figures for one pairing; no personal data; only confirmed facts of public pairings;
//! an empty file that says why; 404 alike for unpublished and unknown programs.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use duikou_domain::access::{Actor, Role};
use duikou_store::testing::{create_id, for_each_backend, user};
use duikou_store::Store;
use http_body_util::BodyExt;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use tower::ServiceExt;

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let req = Request::builder().uri(uri).body(Body::empty()).unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, ctype, String::from_utf8(body.to_vec()).unwrap())
}

fn app(store: &Store) -> axum::Router {
    duikou_web::app(duikou_web::AppState {
        public_limit: std::sync::Arc::new(duikou_web::portal::RateLimit::new(1_000_000, 1000.0)),
        ..duikou_web::AppState::new(store.clone())
    })
}

/// Says a check skipped; where CI requires the checks (`DUIKOU_REQUIRE_IATI_CHECKS=1`, set by `.ci/run`), fails.
fn skipped(why: &str) {
    if std::env::var("DUIKOU_REQUIRE_IATI_CHECKS").is_ok_and(|v| v == "1") {
        panic!("the IATI checks are required here (DUIKOU_REQUIRE_IATI_CHECKS=1), but {why}");
    }
    eprintln!("skipped: {why}");
}

/// `../shared/iati` beside the clone, or `None` (the checks that need it say they skipped).
fn shared() -> Option<PathBuf> {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/iati");
    if d.join("schema/iati-activities-schema.xsd").exists() {
        Some(d)
    } else {
        skipped("../shared/iati (IATI's schema and codelists) is absent beside the clone");
        None
    }
}

/// Validates with xmllint against the XSD; skips (saying so) without xmllint or `../shared`.
fn validate(xml: &str, what: &str) {
    let Some(dir) = shared() else { return };
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(dir.join("schema/iati-activities-schema.xsd"))
        .arg(file.path())
        .output();
    match out {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            skipped("xmllint is not installed (Debian package libxml2-utils; CI installs it)")
        }
        Err(e) => panic!("xmllint: {e}"),
        Ok(o) => assert!(
            o.status.success(),
            "{what} does not validate:\n{}\n{xml}",
            String::from_utf8_lossy(&o.stderr)
        ),
    }
}

/// An empty file: well-formed, and the one thing the 2.03 XSD finds wrong is the missing `iati-activity` (it wants
/// at least one; see docs/iati.md).
fn validate_empty(xml: &str) {
    roxmltree::Document::parse(xml).expect("well-formed");
    let Some(dir) = shared() else { return };
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), xml).unwrap();
    let Ok(o) = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(dir.join("schema/iati-activities-schema.xsd"))
        .arg(file.path())
        .output()
    else {
        skipped("xmllint is not installed (Debian package libxml2-utils; CI installs it)");
        return;
    };
    let err = String::from_utf8_lossy(&o.stderr);
    let complaints: Vec<&str> = err.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(complaints.len(), 1, "{err}");
    assert!(
        complaints[0].contains("Missing child element") && complaints[0].contains("iati-activity"),
        "{err}"
    );
}

/// The codes of one IATI codelist.
fn codelist(dir: &std::path::Path, name: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(dir.join(format!("codelists/{name}.xml"))).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let codes: BTreeSet<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("codelist-item"))
        .filter_map(|n| n.children().find(|c| c.has_tag_name("code")))
        .filter_map(|c| c.text().map(|t| t.trim().to_string()))
        .collect();
    assert!(codes.len() > 1, "codelist {name} read");
    codes
}

/// Every code the file carries is in its codelist, and each vocabulary's sector shares sum to 100; answers how many
/// values were checked.
fn check_codes(xml: &str) -> usize {
    let Some(dir) = shared() else { return 0 };
    let lists: BTreeMap<&str, BTreeSet<String>> = [
        "ActivityStatus",
        "ActivityDateType",
        "OrganisationRole",
        "OrganisationType",
        "TransactionType",
        "Currency",
        "Country",
        "SectorVocabulary",
        "Sector",
        "GeographicLocationClass",
        "ResultType",
        "IndicatorMeasure",
        "BudgetType",
        "BudgetStatus",
        "DescriptionType",
        "Language",
        "DocumentCategory",
        "FileFormat",
    ]
    .into_iter()
    .map(|n| (n, codelist(&dir, n)))
    .collect();
    let doc = roxmltree::Document::parse(xml).unwrap();
    let mut checked = 0;
    let mut check = |list: &str, value: Option<&str>, what: &str| {
        let v = value.unwrap_or_else(|| panic!("{what} has no code"));
        assert!(lists[list].contains(v), "{what} = {v} is not in the codelist {list}");
        checked += 1;
    };
    const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
    for n in doc.descendants().filter(|n| n.is_element()) {
        let a = |k: &str| n.attribute(k);
        match n.tag_name().name() {
            "iati-activity" => {
                check("Currency", a("default-currency"), "default-currency");
                check("Language", n.attribute((XML_NS, "lang")), "iati-activity/@xml:lang");
            }
            "activity-status" => check("ActivityStatus", a("code"), "activity-status"),
            "activity-date" => check("ActivityDateType", a("type"), "activity-date/@type"),
            "participating-org" => {
                check("OrganisationRole", a("role"), "participating-org/@role");
                check("OrganisationType", a("type"), "participating-org/@type");
            }
            "reporting-org" => check("OrganisationType", a("type"), "reporting-org/@type"),
            "provider-org" | "receiver-org" if a("type").is_some() => {
                check("OrganisationType", a("type"), "provider/receiver-org/@type")
            }
            "transaction-type" => check("TransactionType", a("code"), "transaction-type"),
            "value" => check("Currency", a("currency"), "value/@currency"),
            "recipient-country" => check("Country", a("code"), "recipient-country"),
            "sector" => {
                check("SectorVocabulary", a("vocabulary"), "sector/@vocabulary");
                if a("vocabulary") == Some("1") {
                    check("Sector", a("code"), "sector/@code (DAC 5-digit)");
                }
            }
            "location-class" => check("GeographicLocationClass", a("code"), "location-class"),
            "result" => check("ResultType", a("type"), "result/@type"),
            "indicator" => check("IndicatorMeasure", a("measure"), "indicator/@measure"),
            "budget" => {
                check("BudgetType", a("type"), "budget/@type");
                check("BudgetStatus", a("status"), "budget/@status");
            }
            "description" if n.parent().is_some_and(|p| p.has_tag_name("iati-activity")) => {
                check("DescriptionType", a("type"), "description/@type")
            }
            "narrative" => check("Language", n.attribute((XML_NS, "lang")), "narrative/@xml:lang"),
            "document-link" => check("FileFormat", a("format"), "document-link/@format"),
            "category" if n.parent().is_some_and(|p| p.has_tag_name("document-link")) => {
                check("DocumentCategory", a("code"), "document-link/category")
            }
            "language" if n.parent().is_some_and(|p| p.has_tag_name("document-link")) => {
                check("Language", a("code"), "document-link/language")
            }
            _ => {}
        }
    }
    // each vocabulary's sector shares sum to 100 when given
    for act in doc.descendants().filter(|n| n.has_tag_name("iati-activity")) {
        let mut by_vocab: BTreeMap<&str, (usize, i64)> = BTreeMap::new();
        for s in act.children().filter(|n| n.has_tag_name("sector")) {
            let e = by_vocab.entry(s.attribute("vocabulary").unwrap()).or_default();
            e.0 += 1;
            if let Some(p) = s.attribute("percentage") {
                let (w, f) = p.split_once('.').unwrap();
                e.1 += w.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap();
            }
        }
        for (v, (n, sum)) in by_vocab {
            if n > 1 {
                assert_eq!(sum, 10_000, "sector shares of vocabulary {v} sum to 100.00");
            }
        }
    }
    checked
}

/// The activity whose title is `title`.
fn activity<'a>(doc: &'a roxmltree::Document<'a>, title: &str) -> roxmltree::Node<'a, 'a> {
    doc.descendants()
        .filter(|n| n.has_tag_name("iati-activity"))
        .find(|a| narrative(a, "title") == title)
        .unwrap_or_else(|| panic!("an activity titled {title}"))
}

fn narrative(n: &roxmltree::Node, child: &str) -> String {
    n.children()
        .find(|c| c.has_tag_name(child))
        .and_then(|c| c.children().find(|x| x.has_tag_name("narrative")))
        .and_then(|x| x.text())
        .unwrap_or("")
        .to_string()
}

fn child_attr<'a>(n: &roxmltree::Node<'a, 'a>, child: &str, attr: &str) -> Option<&'a str> {
    n.children()
        .find(|c| c.has_tag_name(child))
        .and_then(|c| c.attribute(attr))
}

/// (type, date, value, description) of each transaction of an activity.
fn transactions(a: &roxmltree::Node) -> Vec<(String, String, String, String)> {
    a.children()
        .filter(|n| n.has_tag_name("transaction"))
        .map(|t| {
            let value = t.children().find(|c| c.has_tag_name("value")).unwrap();
            (
                child_attr(&t, "transaction-type", "code").unwrap().to_string(),
                child_attr(&t, "transaction-date", "iso-date").unwrap().to_string(),
                value.text().unwrap().to_string(),
                narrative(&t, "description"),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_demo_program_as_iati_validates_tells_exact_figures_and_no_person() {
    for_each_backend(|store, backend| async move {
        duikou_demo::load(&store).await.unwrap();
        let app = app(&store);
        let (s, ctype, xml) = get(&app, "/api/v1/public/programs/1/iati.xml").await;
        assert_eq!(s, StatusCode::OK, "{backend}: {xml}");
        assert_eq!(ctype, "application/xml; charset=utf-8");
        validate(&xml, "the demo program's IATI file");
        let checked = check_codes(&xml);
        assert!(
            shared().is_none() || checked > 100,
            "{backend}: {checked} codes checked"
        );

        // one activity per public pairing
        let (_, _, program) = get(&app, "/api/v1/public/programs/1").await;
        let program: serde_json::Value = serde_json::from_str(&program).unwrap();
        let pairings = program["pairings"].as_array().unwrap();
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let activities: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("iati-activity")).collect();
        assert_eq!(activities.len(), pairings.len(), "{backend}");
        assert_eq!(activities.len(), 6, "{backend}");
        let authority = program["program"]["authority"].as_str().unwrap().to_string();
        assert_eq!(authority, "中央新疆工作协调小组");

        // 湖南省 → 吐鲁番市: two confirmed commitments, known to the year only
        let hunan = pairings.iter().find(|p| p["receiver"] == "吐鲁番市").unwrap();
        let a = activity(&doc, "湖南省对口支援吐鲁番市");
        let id = a
            .children()
            .find(|c| c.has_tag_name("iati-identifier"))
            .unwrap()
            .text()
            .unwrap();
        assert!(
            id.starts_with("CN-DUIKOU-O") && id.ends_with(&format!("-P1-{}", hunan["id"])),
            "{id}"
        );
        assert!(id.starts_with(child_attr(&a, "reporting-org", "ref").unwrap()), "{id}");
        assert_eq!(narrative(&a, "reporting-org"), authority);
        let orgs: Vec<(String, String)> = a
            .children()
            .filter(|n| n.has_tag_name("participating-org"))
            .map(|o| {
                let name = o
                    .children()
                    .find(|x| x.has_tag_name("narrative"))
                    .unwrap()
                    .text()
                    .unwrap();
                (o.attribute("role").unwrap().to_string(), name.to_string())
            })
            .collect();
        assert_eq!(
            orgs,
            vec![
                ("1".to_string(), "湖南省".to_string()),
                ("2".to_string(), authority.clone()),
                ("4".to_string(), "吐鲁番市".to_string())
            ],
            "{backend}"
        );
        let tx = transactions(&a);
        assert_eq!(tx.len(), 2, "{backend}: {tx:?}");
        assert_eq!(tx[0].0, "2");
        assert_eq!(
            (tx[0].1.as_str(), tx[0].2.as_str()),
            ("2010-01-01", "45641000.00"),
            "{backend}"
        );
        assert!(tx[0].3.contains("日期仅知到2010年"), "{}", tx[0].3);
        assert_eq!(
            (tx[1].0.as_str(), tx[1].1.as_str(), tx[1].2.as_str()),
            ("2", "2011-01-01", "408570000.00")
        );
        let budgets: Vec<(String, String)> = a
            .children()
            .filter(|n| n.has_tag_name("budget"))
            .map(|b| {
                (
                    child_attr(&b, "period-start", "iso-date").unwrap().to_string(),
                    b.children()
                        .find(|c| c.has_tag_name("value"))
                        .unwrap()
                        .text()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect();
        assert_eq!(
            budgets,
            vec![
                ("2010-01-01".to_string(), "45641000.00".to_string()),
                ("2011-01-01".to_string(), "408570000.00".to_string())
            ]
        );
        // 浙江省 → 阿克苏地区: the five years' plan is one commitment of 50.56亿 from 2010 (known to the year), from
        // 浙江省 to 阿克苏地区; its yearly plans are within it and not committed again
        let z = activity(&doc, "浙江省对口支援阿克苏地区");
        let tx = transactions(&z);
        assert_eq!(tx.len(), 1);
        assert_eq!(
            (tx[0].0.as_str(), tx[0].1.as_str(), tx[0].2.as_str()),
            ("2", "2010-01-01", "5056000000.00")
        );
        let t = z.children().find(|n| n.has_tag_name("transaction")).unwrap();
        assert_eq!(
            (narrative(&t, "provider-org"), narrative(&t, "receiver-org")),
            ("浙江省".into(), "阿克苏地区".into())
        );
        let place = narrative(&z.children().find(|n| n.has_tag_name("location")).unwrap(), "name");
        assert_eq!(place, "阿克苏地区（GB/T 2260 行政区划代码 652900）");
        assert_eq!(child_attr(&z, "location", "ref"), Some("CN-GBT2260-652900"));
        // the demo program's transactions: all three, each confirmed
        assert_eq!(xml.matches("<transaction>").count(), 3, "{backend}");

        // no personal data: no person's or user's name, no appraisal comment or participants
        let mut private: Vec<String> = Vec::new();
        for p in store.list_every("people", &Default::default()).await.unwrap() {
            private.push(p["name"].as_str().unwrap().to_string());
        }
        for a in store.list_every("activities", &Default::default()).await.unwrap() {
            private.extend(a["participants"].as_str().map(str::to_string));
        }
        for a in store.list_every("appraisals", &Default::default()).await.unwrap() {
            private.extend(a["comment"].as_str().map(str::to_string));
        }
        for u in store.list_users(&Actor::system()).await.unwrap() {
            private.push(u.display_name.clone());
        }
        private.retain(|s| s.chars().count() >= 2);
        assert!(private.len() > 10, "{backend}");
        for program in 1..=6 {
            let (s, _, xml) = get(&app, &format!("/api/v1/public/programs/{program}/iati.xml")).await;
            if s != StatusCode::OK {
                continue;
            }
            for p in &private {
                assert!(
                    !xml.contains(p.as_str()),
                    "{backend}: {p} is in program {program}'s IATI file"
                );
            }
        }

        // unpublished (program 4) and unknown alike: 404
        let (s, _, unpublished) = get(&app, "/api/v1/public/programs/4/iati.xml").await;
        let (s2, _, unknown) = get(&app, "/api/v1/public/programs/987654/iati.xml").await;
        assert_eq!((s, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND), "{backend}");
        assert_eq!(unpublished, unknown);
        assert_eq!(
            get(&app, "/api/v1/public/programs/x/iati.xml").await.0,
            StatusCode::NOT_FOUND
        );
        // the program's public page links to it
        let (_, _, page) = get(&app, "/public/programs/1").await;
        assert!(
            page.contains("href=\"/api/v1/public/programs/1/iati.xml\""),
            "{backend}"
        );
    })
    .await;
}

/// A generated program: `n` pairings with every project category, every transaction kind, dates known to the day,
/// month and year, names with markup characters, a withheld pairing, pending and disputed facts, indicator values.
async fn generated(store: &Store, n: usize) -> (i64, Actor) {
    store.load_regions_if_empty().await.unwrap();
    let authority = create_id(
        store,
        "orgs",
        json!({"name": "协调<指挥部> & \"办公室\"", "kind": "command"}),
    )
    .await;
    let program = create_id(
        store,
        "programs",
        json!({"name": "合成计划 <测试> & 'IATI'", "authority_org_id": authority, "start_date": "2012", "end_date": "2030-12"}),
    )
    .await;
    let regions = ["650100", "652900", "653100", "540100"];
    let kinds = ["government", "university", "school", "hospital", "enterprise", "social"];
    let categories: Vec<&str> = duikou_domain::schema::PROJECT_CATEGORIES.iter().map(|c| c.0).collect();
    let mut receivers = Vec::new();
    let mut facts = Vec::new();
    let mut pending = Vec::new();
    for i in 0..n {
        let s = create_id(
            store,
            "orgs",
            json!({"name": format!("支援方{i} <&>"), "kind": kinds[i % kinds.len()]}),
        )
        .await;
        let r = create_id(
            store,
            "orgs",
            json!({"name": format!("受援方{i}"), "kind": kinds[(i + 2) % kinds.len()], "region_code": regions[i % regions.len()]}),
        )
        .await;
        receivers.push(r);
        let term = match i % 3 {
            0 => json!({"start_date": "2013-10-01", "end_date": "2016-08-31"}),
            1 => json!({"start_date": "2020-09", "end_date": "2031"}),
            _ => json!({}),
        };
        let mut pr = json!({"program_id": program, "supporter_org_id": s, "receiver_org_id": r, "level": "other", "withheld": i == n - 1});
        pr.as_object_mut().unwrap().extend(term.as_object().unwrap().clone());
        let pairing = create_id(store, "pairings", pr).await;
        for k in 0..(i % 4) + 1 {
            let category = categories[(i + k) % categories.len()];
            let project = create_id(
                store,
                "projects",
                json!({"pairing_id": pairing, "name": format!("项目{i}-{k} \"{category}\""), "category": category}),
            )
            .await;
            facts.push(("projects", project));
            for (j, kind) in ["commitment", "disbursement", "expenditure"].iter().enumerate() {
                let date = ["2014-06-15", "2015-03", "2016"][(j + k) % 3];
                let source = ["supporter", "central", "local"][j];
                let amount = format!("{}.{:02}", 1000 * (i + 1) + j, k);
                let t = create_id(
                    store,
                    "transactions",
                    json!({"project_id": project, "kind": kind, "source": source, "amount": amount, "date": date}),
                )
                .await;
                facts.push(("transactions", t));
            }
            pending.push(
                create_id(
                    store,
                    "transactions",
                    json!({"project_id": project, "kind": "disbursement", "source": "supporter", "amount": "77", "date": "2015"}),
                )
                .await,
            );
        }
        let indicator = create_id(
            store,
            "indicators",
            json!({"code": format!("gdp{i}"), "name": format!("地区生产总值{i}"), "unit": if i % 2 == 0 { "亿元" } else { "%" }}),
        )
        .await;
        for (period, value) in [("2012", "10.5"), ("2015", "12.25")] {
            create_id(
                store,
                "indicator_values",
                json!({"indicator_id": indicator, "org_id": r, "period": period, "value": value}),
            )
            .await;
        }
    }
    let receiver = user(store, "rec", Role::ReceiverEditor, receivers).await;
    for (e, id) in facts {
        store.set_confirmation(&receiver, e, id, true, None).await.unwrap();
    }
    store
        .set_confirmation(&receiver, "transactions", pending[0], false, Some("金额不符"))
        .await
        .unwrap();
    (program, receiver)
}

#[tokio::test]
async fn a_generated_program_validates_with_only_confirmed_facts_of_public_pairings() {
    for_each_backend(|store, backend| async move {
        let n = 7;
        let (program, _) = generated(&store, n).await;
        let app = app(&store);
        let uri = format!("/api/v1/public/programs/{program}/iati.xml");
        assert_eq!(
            get(&app, &uri).await.0,
            StatusCode::NOT_FOUND,
            "{backend}: not yet published"
        );
        store
            .set_public(&Actor::system(), "programs", program, true)
            .await
            .unwrap();
        let (s, _, xml) = get(&app, &uri).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        validate(&xml, "the generated program's IATI file");
        check_codes(&xml);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        // the withheld pairing (the last) is not exported; each other one is, with its confirmed transactions only
        let acts: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("iati-activity")).collect();
        assert_eq!(acts.len(), n - 1, "{backend}");
        let expected: usize = (0..n - 1).map(|i| 3 * ((i % 4) + 1)).sum();
        assert_eq!(xml.matches("<transaction>").count(), expected, "{backend}");
        assert!(
            !xml.contains(">77.00<"),
            "{backend}: pending and disputed transactions are not exported"
        );
        assert!(
            !xml.contains(&format!("支援方{} ", n - 1)),
            "{backend}: the withheld pairing"
        );
        // markup in names arrives escaped and reads back whole
        let a = activity(&doc, "支援方0 <&>对口支援受援方0");
        assert_eq!(narrative(&a, "reporting-org"), "协调<指挥部> & \"办公室\"");
        // pairing 0: term 2013-10-01..2016-08-31 is over: closed, with actual start and end
        assert_eq!(child_attr(&a, "activity-status", "code"), Some("4"));
        let dates: Vec<_> = a
            .children()
            .filter(|c| c.has_tag_name("activity-date"))
            .map(|d| (d.attribute("type").unwrap(), d.attribute("iso-date").unwrap()))
            .collect();
        assert_eq!(
            dates,
            vec![
                ("1", "2013-10-01"),
                ("2", "2013-10-01"),
                ("3", "2016-08-31"),
                ("4", "2016-08-31")
            ]
        );
        // pairing 1: 2020-09 .. 2031 is running: planned end 2031-12-31, no actual end
        let b = activity(&doc, "支援方1 <&>对口支援受援方1");
        assert_eq!(child_attr(&b, "activity-status", "code"), Some("2"));
        assert!(xml.contains("iso-date=\"2031-12-31\""));
        // pairing 0's transactions: commitment 1000.00 on 2014-06-15 (day), disbursement 1001.00 in 2015-03, …
        let tx = transactions(&a);
        assert_eq!(tx.len(), 3);
        assert_eq!(
            (tx[0].0.as_str(), tx[0].1.as_str(), tx[0].2.as_str()),
            ("2", "2014-06-15", "1000.00")
        );
        assert!(!tx[0].3.contains("仅知到"));
        assert_eq!(
            (tx[1].0.as_str(), tx[1].1.as_str(), tx[1].2.as_str()),
            ("3", "2015-03-01", "1001.00")
        );
        assert!(
            tx[1].3.contains("日期仅知到2015年3月") && tx[1].3.contains("资金来源：中央资金"),
            "{}",
            tx[1].3
        );
        assert_eq!(
            (tx[2].0.as_str(), tx[2].1.as_str(), tx[2].2.as_str()),
            ("4", "2016-01-01", "1002.00")
        );
        // results: the receiver's indicator from 2012 to 2015
        assert_eq!(a.descendants().filter(|n| n.has_tag_name("result")).count(), 1);
        assert!(xml.contains("<baseline year=\"2012\" iso-date=\"2012-01-01\" value=\"10.5\">"));
        assert!(xml.contains("<actual value=\"12.25\"/>"));
        // no public address configured: no document-link (a relative link means nothing in the file)
        assert!(!xml.contains("document-link"), "{backend}");

        // with the portal's address: each activity links its public page and its facts CSV, valid and coded
        let site = duikou_web::app(duikou_web::AppState {
            public_limit: std::sync::Arc::new(duikou_web::portal::RateLimit::new(1_000_000, 1000.0)),
            public_url: Some("https://duikou.example.cn/".into()),
            ..duikou_web::AppState::new(store.clone())
        });
        let (s, _, xml) = get(&site, &uri).await;
        assert_eq!(s, StatusCode::OK, "{backend}");
        validate(&xml, "the generated program's IATI file with its documents");
        check_codes(&xml);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let acts: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("iati-activity")).collect();
        for a in &acts {
            let links: Vec<_> = a.children().filter(|c| c.has_tag_name("document-link")).collect();
            assert_eq!(links.len(), 2, "{backend}");
        }
        let a = activity(&doc, "支援方0 <&>对口支援受援方0");
        let links: Vec<(&str, &str, &str)> = a
            .children()
            .filter(|c| c.has_tag_name("document-link"))
            .map(|l| {
                (
                    l.attribute("url").unwrap(),
                    l.attribute("format").unwrap(),
                    child_attr(&l, "category", "code").unwrap(),
                )
            })
            .collect();
        let pairing = store.public_program(program).await.unwrap().unwrap().pairings[0].id;
        assert_eq!(
            links,
            vec![
                (
                    format!("https://duikou.example.cn/public/pairings/{pairing}").as_str(),
                    "text/html",
                    "A12"
                ),
                (
                    format!("https://duikou.example.cn/api/v1/public/pairings/{pairing}/facts.csv").as_str(),
                    "text/csv",
                    "A08"
                ),
            ],
            "{backend}"
        );
        // the links answer: the page and the CSV of that pairing are public
        for url in [
            format!("/public/pairings/{pairing}"),
            format!("/api/v1/public/pairings/{pairing}/facts.csv"),
        ] {
            assert_eq!(get(&site, &url).await.0, StatusCode::OK, "{backend}: {url}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_program_with_no_public_facts_gives_an_empty_file_that_says_why() {
    for_each_backend(|store, backend| async move {
        let a = create_id(&store, "orgs", json!({"name": "甲单位", "kind": "government"})).await;
        let b = create_id(&store, "orgs", json!({"name": "乙单位", "kind": "school"})).await;
        let bare = create_id(&store, "programs", json!({"name": "空计划", "authority_org_id": a})).await;
        let program = create_id(&store, "programs", json!({"name": "未确认计划", "authority_org_id": a})).await;
        let pairing = create_id(&store, "pairings", json!({"program_id": program, "supporter_org_id": a, "receiver_org_id": b, "level": "other"})).await;
        let project = create_id(&store, "projects", json!({"pairing_id": pairing, "name": "待确认项目", "category": "education"})).await;
        create_id(&store, "transactions", json!({"project_id": project, "kind": "commitment", "source": "supporter", "amount": "100", "date": "2015"})).await;
        for p in [bare, program] {
            store.set_public(&Actor::system(), "programs", p, true).await.unwrap();
        }
        let app = app(&store);
        for (p, why) in [(bare, "没有公开的结对"), (program, "暂无已确认的公开事实")] {
            let (s, _, xml) = get(&app, &format!("/api/v1/public/programs/{p}/iati.xml")).await;
            assert_eq!(s, StatusCode::OK, "{backend}");
            validate_empty(&xml);
            assert!(!xml.contains("<iati-activity "), "{backend}: {xml}");
            assert!(xml.contains("<iati-activities version=\"2.03\""), "{xml}");
            let comment = xml.split("<!--").nth(1).unwrap().split("-->").next().unwrap();
            assert!(comment.contains(why), "{backend}: {comment}");
        }
    })
    .await;
}
