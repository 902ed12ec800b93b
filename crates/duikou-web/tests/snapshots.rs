//! Guard rails for the typed core (issue #22 item 5): what the demo record looks like to its users and to machines —
//! the OpenAPI document, representative JSON answers, the HTML of the main pages, the text of a generated work
//! summary (.docx) and of an Excel export — kept as snapshots (`tests/snapshots/`, insta). A change that moves any of
//! them fails here until the snapshot is reviewed and accepted (`cargo insta review`, or `INSTA_UPDATE=always` and
//! `git diff`), so a refactoring that means to change nothing can show that it changed nothing.
//!
//! Both backends must answer byte for byte the same (after the redactions below): SQLite is compared with the snapshot,
//! PostgreSQL with SQLite. The store is seen on a fixed day ([`duikou_store::Store::on_day`]); what changes from run
//! to run is redacted: the times of the writes and the CSRF token.

mod common;

use common::{send, value_of};
use duikou_store::testing::TestStore;
use serde_json::Value;

/// What one backend shows: (snapshot name, text), in a fixed order.
async fn looks(store: &duikou_store::Store) -> Vec<(&'static str, String)> {
    duikou_demo::load(store).await.unwrap();
    let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
    let coordinator = login(&app, "zhihuibu").await;
    let receiver = login(&app, "xinnong").await;
    let supporter = login(&app, "nanjing").await;

    let program = |name: &'static str| {
        let store = store.clone();
        async move {
            let mut q = duikou_store::ListQuery::default();
            q.filters.insert("name".into(), name.into());
            store.list("programs", &q).await.unwrap().items[0]["id"]
                .as_i64()
                .unwrap()
        }
    };
    let school = program("校对校“对口帮扶”（2013—2016）").await;
    let pairing = first_id(store, "pairings", &[("program_id", school.to_string())]).await;
    let dispatch = first_id(store, "dispatches", &[]).await;
    let activity = first_id(store, "activities", &[("pairing_id", pairing.to_string())]).await;

    let mut out: Vec<(&'static str, String)> = Vec::new();
    let json = |v: &Value| serde_json::to_string_pretty(v).unwrap();
    let get = |path: String, session: &String| {
        let (app, session) = (app.clone(), session.clone());
        async move {
            let r = send(&app, "GET", &path, &session, None).await;
            assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
            r
        }
    };

    // machines: the API's description and representative answers
    out.push((
        "openapi",
        json(&serde_json::from_slice(&get("/api/v1/openapi.json".into(), &coordinator).await.body).unwrap()),
    ));
    for (name, path) in [
        ("api_pairing", format!("/api/v1/pairings/{pairing}")),
        ("api_activity", format!("/api/v1/activities/{activity}")),
        ("api_dispatch", format!("/api/v1/dispatches/{dispatch}")),
        (
            "api_activities_page",
            format!("/api/v1/activities?pairing_id={pairing}&per_page=5"),
        ),
        (
            "api_dashboard_program",
            format!("/api/v1/dashboard?scope=program:{school}"),
        ),
        (
            "api_obligations_program",
            format!("/api/v1/programs/{school}/obligations"),
        ),
    ] {
        let r = get(path, &coordinator).await;
        out.push((name, json(&serde_json::from_slice(&r.body).unwrap())));
    }

    // people: the main pages, each as the role that works in it
    for (name, path, session) in [
        ("page_home_coordinator", "/".to_string(), &coordinator),
        ("page_home_receiver", "/".to_string(), &receiver),
        ("page_home_supporter", "/".to_string(), &supporter),
        ("page_dashboard", "/dashboard".to_string(), &coordinator),
        ("page_program", format!("/programs/{school}"), &coordinator),
        ("page_pairing", format!("/pairings/{pairing}"), &coordinator),
        (
            "page_activities",
            format!("/records/activities?pairing_id={pairing}"),
            &coordinator,
        ),
        ("page_activity", format!("/records/activities/{activity}"), &coordinator),
        ("page_dispatch", format!("/records/dispatches/{dispatch}"), &coordinator),
        ("page_inbox", "/inbox".to_string(), &receiver),
        (
            "page_assessment",
            format!("/programs/{school}/assessment"),
            &coordinator,
        ),
    ] {
        out.push((name, get(path, session).await.text()));
    }

    // documents: a work summary as Word, an export as Excel (their text, cell by cell)
    let docx = get(
        format!("/api/v1/report?scope=pairing:{pairing}&period=2014&format=docx&as_of=2016-12-31"),
        &coordinator,
    )
    .await;
    out.push(("docx_summary_pairing_2014", docx_text(&docx.body)));
    let xlsx = get(format!("/api/v1/exports/activities?pairing_id={pairing}"), &coordinator).await;
    out.push(("xlsx_activities", xlsx_text(&xlsx.body)));
    out
}

async fn login(app: &axum::Router, user: &str) -> String {
    let page = send(app, "GET", "/login", "", None).await;
    let token = value_of(&page.text(), "csrf");
    let r = send(
        app,
        "POST",
        "/login",
        &page.cookies.join("; "),
        Some(format!(
            "username={user}&password={}&csrf={token}&next=%2F",
            duikou_demo::DEMO_PASSWORD
        )),
    )
    .await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{user}");
    r.cookies
        .into_iter()
        .find(|c| c.starts_with("duikou_session="))
        .unwrap()
}

async fn first_id(store: &duikou_store::Store, entity: &str, filters: &[(&str, String)]) -> i64 {
    let mut q = duikou_store::ListQuery::default();
    for (k, v) in filters {
        q.filters.insert((*k).into(), v.clone());
    }
    q.sort = Some("id".into());
    store.list(entity, &q).await.unwrap().items[0]["id"].as_i64().unwrap()
}

/// The paragraphs and table cells of a .docx, one paragraph a line.
fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let mut lines = Vec::new();
    for p in doc.descendants().filter(|n| n.tag_name().name() == "p") {
        let text: String = p
            .descendants()
            .filter(|n| n.tag_name().name() == "t")
            .filter_map(|n| n.text())
            .collect();
        if !text.is_empty() {
            lines.push(text);
        }
    }
    lines.join("\n")
}

/// Every sheet of a workbook, a row a line, cells separated by tabs.
fn xlsx_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        out.push_str(&format!("## {name}\n"));
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
    out
}

/// The day the record is seen on: fixed, so warnings, deadlines and open stints read the same every day.
fn day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

/// What changes from run to run (the times of the writes, the CSRF token), replaced by a word.
fn redact(text: &str) -> String {
    let stamp = regex::Regex::new(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?").unwrap();
    let csrf = regex::Regex::new(r#"name="csrf" value="[^"]*""#).unwrap();
    let s = stamp.replace_all(text, "[时刻]");
    csrf.replace_all(&s, r#"name="csrf" value="[csrf]""#).into_owned()
}

#[tokio::test]
async fn the_demo_looks_the_same_through_the_change() {
    let mut first: Option<(&'static str, Vec<(&'static str, String)>)> = None;
    for t in TestStore::all().await.unwrap() {
        let seen: Vec<(&'static str, String)> = looks(&t.store.on_day(day()))
            .await
            .into_iter()
            .map(|(n, s)| (n, redact(&s)))
            .collect();
        match &first {
            None => {
                let mut settings = insta::Settings::clone_current();
                settings.set_prepend_module_to_snapshot(false);
                settings.bind(|| {
                    for (name, text) in &seen {
                        insta::assert_snapshot!(*name, text);
                    }
                });
                first = Some((t.backend, seen));
            }
            Some((backend, expected)) => {
                for ((name, want), (_, got)) in expected.iter().zip(&seen) {
                    assert!(
                        want == got,
                        "{name}: {} differs from {backend}; first difference at line {}",
                        t.backend,
                        want.lines().zip(got.lines()).position(|(a, b)| a != b).unwrap_or(0) + 1
                    );
                }
            }
        }
        t.finish().await.unwrap();
    }
}
