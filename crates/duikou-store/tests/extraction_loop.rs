//! The closed loop of issue 24 item 5, on both backends: each of the nine seed essays is uploaded into an empty
//! pairing of a fresh store, its figures proposed as drafts, every draft accepted as proposed, and the pairing's
//! summary written again. Measured per essay, against our annotations and the demo's ledger of which facts are
//! about the record: the share of those facts the new summary restates with the same value and unit, the
//! contradictions (the fact's measure told with another value and never with its own), and the invented persons
//! (people created by an acceptance: must be none). The seeds live outside the repository; without them the test
//! is skipped, saying why.

use duikou_domain::access::Actor;
use duikou_store::summary::Scope;
use duikou_store::testing::{create_id, TestStore};
use duikou_store::Store;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Facts about the record restated by the summaries written from the accepted drafts, all essays together; set
/// at what is measured (see the printed table), so that a regression fails.
const RESTATED_AT_LEAST: usize = 248;

/// The same per essay, so that no essay falls while another rises (第8篇's rules come back as obligations, its months
/// as written, its three years as the term its pairing is set up with); every essay at 80 % or more (issue 24).
const ESSAY_RESTATED_AT_LEAST: [(u64, usize); 9] = [
    (1, 40),
    (2, 59),
    (3, 17),
    (4, 40),
    (5, 10),
    (6, 4),
    (7, 24),
    (8, 17),
    (9, 37),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn lines(path: PathBuf) -> Vec<Value> {
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// The supporting and receiving party of each essay, by the names the essays use.
fn parties(essay: u64) -> (&'static str, &'static str) {
    match essay {
        1 => ("南京农业大学", "新疆农业大学"),
        2 => ("××省第二批对口支援绵竹市医疗卫生总队××分队", "九龙镇卫生院"),
        3 => ("国家体育总局", "新疆维吾尔自治区体育局"),
        4 => ("浙江省", "阿克苏地区"),
        5 => ("北京市", "和田地区"),
        6 => ("××市", "××县"),
        7 => ("××中学", "××学校"),
        8 => ("××县城区学校", "××县农村学校"),
        _ => ("湖南省", "吐鲁番地区"),
    }
}

/// Char ranges of the essays ("第N篇" headings, each running to the next).
fn essays(chars: &[char]) -> Vec<(u64, usize, usize)> {
    let mut heads = Vec::new();
    for i in 0..chars.len().saturating_sub(2) {
        if chars[i] == '第' && chars[i + 2] == '篇' {
            if let Some(d) = chars[i + 1].to_digit(10) {
                heads.push((u64::from(d), i));
            }
        }
    }
    heads
        .iter()
        .enumerate()
        .map(|(k, (n, s))| (*n, *s, heads.get(k + 1).map_or(chars.len(), |(_, e)| *e)))
        .collect()
}

/// Value × 10⁴ as an integer, so 42.33亿 and 4233000000 compare exactly.
fn fixed(s: &str) -> Option<i128> {
    let (w, f) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
    if w.is_empty() || !w.bytes().all(|b| b.is_ascii_digit()) || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let f = f.trim_end_matches('0');
    if f.len() > 4 {
        return None;
    }
    Some(
        w.parse::<i128>().ok()? * 10_000
            + if f.is_empty() {
                0
            } else {
                format!("{f:0<4}").parse::<i128>().ok()?
            },
    )
}

fn magnitude(unit: &str) -> (i128, &str) {
    for (p, m) in [("亿", 100_000_000), ("万", 10_000)] {
        if let Some(r) = unit.strip_prefix(p) {
            return (m, r);
        }
    }
    (1, unit)
}

/// Every number of a text with its position and the words after it (magnitude applied, qualifiers skipped).
fn numbers(text: &str) -> Vec<(usize, i128, String)> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if !c[i].is_ascii_digit() || (i > 0 && (c[i - 1].is_ascii_digit() || c[i - 1] == '.')) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut n = String::new();
        while j < c.len() && (c[j].is_ascii_digit() || c[j] == '.' || c[j] == ',') {
            if c[j] != ',' {
                n.push(c[j]);
            }
            j += 1;
        }
        let rest: String = c[j..c.len().min(j + 10)].iter().collect();
        let rest = rest.trim_start_matches(['余', '多']);
        let (m, rest) = magnitude(rest);
        if let Some(v) = fixed(n.trim_end_matches('.')) {
            out.push((i, v * m, rest.trim_start_matches(['余', '多']).to_string()));
        }
        i = j;
    }
    out
}

/// The unit a fact is compared in: money in 元, else the unit without its magnitude.
fn unit_of(ann: &Value) -> String {
    if ann["kind"] == "money" {
        return "元".into();
    }
    magnitude(ann["unit"].as_str().unwrap_or("")).1.to_string()
}

fn same_unit(want: &str, rest: &str) -> bool {
    let alike: &[&str] = match want {
        "人" | "名" => &["人", "名"],
        "项" | "个" => &["项", "个"],
        u => &[u][..],
    };
    alike.iter().any(|u| rest.starts_with(u)) && !(rest.starts_with("人次") && want != "人次")
}

fn value_of(ann: &Value) -> Option<i128> {
    match &ann["value"] {
        Value::Number(n) => fixed(&n.to_string()),
        Value::String(s) => fixed(s),
        _ => None,
    }
}

/// Restated: the value and unit appear. Contradicted: the fact's measure is followed closely by a number in its
/// unit, never the fact's own value anywhere.
fn judge(summary: &str, nums: &[(usize, i128, String)], ann: &Value) -> (bool, bool) {
    let Some(value) = value_of(ann) else {
        return (false, false);
    };
    let unit = unit_of(ann);
    let restated = nums.iter().any(|(_, v, r)| *v == value && same_unit(&unit, r));
    let measure = ann["measure"].as_str().unwrap_or("");
    let mut contradicted = false;
    if !restated && measure.chars().count() >= 3 {
        let chars: Vec<char> = summary.chars().collect();
        let m: Vec<char> = measure.chars().collect();
        for (pos, v, r) in nums {
            let from = pos.saturating_sub(m.len() + 4);
            let window = &chars[from..*pos];
            let near = window.windows(m.len()).any(|w| w == &m[..]);
            if near && *v != value && same_unit(&unit, r) {
                contradicted = true;
            }
        }
    }
    (restated, contradicted)
}

async fn summary(store: &Store, pairing: i64) -> Result<String, String> {
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).ok_or("日期")?;
    let period: duikou_domain::Period = "term".parse().map_err(|e| format!("{e}"))?;
    let form = duikou_summary::Form {
        pending: duikou_summary::Pending::Include,
        briefing: false,
    };
    let input = store
        .summary_input_as(&Scope::Pairing(pairing), &period, as_of, form)
        .await
        .map_err(|e| e.to_string())?;
    duikou_summary::build(&input)
        .map(|(doc, _)| duikou_report::markdown(&doc))
        .map_err(|e| e.to_string())
}

async fn count(store: &Store, entity: &str) -> usize {
    store
        .fields_where(entity, &["id"], "1 = 1", &[])
        .await
        .map_or(0, |r| r.len())
}

#[derive(Default)]
struct Row {
    about: usize,
    restated: usize,
    contradicted: usize,
    drafts: usize,
    accepted: usize,
    refused: usize,
    people: usize,
}

#[tokio::test]
async fn each_essay_extracted_accepted_and_summarised_again() {
    let seed = root().join("../shared/seeds/000_e7362edb924ee62c.txt");
    let Ok(bytes) = std::fs::read(&seed) else {
        eprintln!(
            "skipped: the seed summaries are not beside the workspace ({})",
            seed.display()
        );
        return;
    };
    let text = duikou_text::decode(&bytes).expect("the seed decodes");
    let chars: Vec<char> = text.chars().collect();
    let annotations = lines(root().join("crates/duikou-text/testdata/seed_annotations.jsonl"));
    let ledger: HashMap<(u64, u64), String> = lines(root().join("crates/duikou-demo/tests/data/seed_ledger.jsonl"))
        .into_iter()
        .map(|l| {
            let k = (l["essay"].as_u64().unwrap_or(0), l["start"].as_u64().unwrap_or(0));
            (k, l["about"].as_str().unwrap_or("").to_string())
        })
        .collect();
    let sys = Actor::system();
    for t in TestStore::all().await.expect("test stores") {
        let (store, backend) = (&t.store, t.backend);
        let mut rows = Vec::new();
        let mut refusals = Vec::new();
        let mut contradictions = Vec::new();
        let mut unrestated = Vec::new();
        for (essay, s, e) in essays(&chars) {
            let (sup, rec) = parties(essay);
            let a = create_id(
                store,
                "orgs",
                json!({"name": format!("主管部门{essay}"), "kind": "government"}),
            )
            .await;
            let so = create_id(store, "orgs", json!({"name": sup, "kind": "other"})).await;
            let ro = create_id(store, "orgs", json!({"name": rec, "kind": "other"})).await;
            // 第8篇 is a school pairing's plan: its program counts school years and semesters, as its rules do, and
            // runs the term its coordinator sets up from the 实施方案 (2013-10 to 2016-08, three school years), as a
            // pairing is created with its term; the other essays' pairings run over all their years
            let (from, to) = if essay == 8 {
                ("2013-10-01", "2016-08-31")
            } else {
                ("1996-01-01", "2024-12-31")
            };
            let mut program = json!({"name": format!("第{essay}篇的计划"), "authority_org_id": a, "start_date": from});
            if essay == 8 {
                program["calendar"] = json!({"kind": "school_year"});
                program["end_date"] = json!(to);
            }
            let program = create_id(store, "programs", program).await;
            let pairing = create_id(
                store,
                "pairings",
                json!({"program_id": program, "supporter_org_id": so, "receiver_org_id": ro, "level": "other",
                       "start_date": from, "end_date": to}),
            )
            .await;
            let doc = create_id(
                store,
                "documents",
                json!({"kind": "summary", "title": format!("第{essay}篇"), "pairing_id": pairing}),
            )
            .await;
            let body: String = chars[s..e].iter().collect();
            store
                .put_document_content(&sys, doc, "text/plain", body.as_bytes())
                .await
                .expect("upload");
            let people_before = count(store, "people").await;
            let drafts = store
                .propose_from_document(&sys, doc, pairing, "term")
                .await
                .expect("proposals");
            let mut row = Row {
                drafts: drafts.iter().filter(|d| d["target"].is_string()).count(),
                ..Row::default()
            };
            for d in drafts.iter().filter(|d| d["target"].is_string()) {
                match store
                    .decide_extraction(&sys, d["id"].as_i64().unwrap_or(0), true, None)
                    .await
                {
                    Ok(_) => row.accepted += 1,
                    Err(err) => {
                        row.refused += 1;
                        refusals.push(format!("第{essay}篇 {} → {}: {err}", d["quote"], d["target"]));
                    }
                }
            }
            row.people = count(store, "people").await - people_before;
            let written = summary(store, pairing)
                .await
                .unwrap_or_else(|e| panic!("{backend} 第{essay}篇: {e}"));
            let nums = numbers(&written);
            for ann in annotations.iter().filter(|a| a["essay"].as_u64() == Some(essay)) {
                let key = (essay, ann["start"].as_u64().unwrap_or(0));
                if ledger.get(&key).map(String::as_str) != Some("record") {
                    continue;
                }
                row.about += 1;
                let (restated, contradicted) = judge(&written, &nums, ann);
                row.restated += usize::from(restated);
                if !restated {
                    unrestated.push(format!("第{essay}篇 {} ({})", ann["quote"], ann["measure"]));
                }
                if contradicted {
                    row.contradicted += 1;
                    contradictions.push(format!("第{essay}篇 {} ({})", ann["quote"], ann["measure"]));
                }
            }
            rows.push((essay, row));
        }
        println!("{backend}: essay | about the record | restated | % | contradicted | drafts | accepted | refused | invented persons");
        let mut all = Row::default();
        for (essay, r) in &rows {
            println!(
                "第{essay}篇 | {} | {} | {:.0}% | {} | {} | {} | {} | {}",
                r.about,
                r.restated,
                100.0 * r.restated as f64 / r.about.max(1) as f64,
                r.contradicted,
                r.drafts,
                r.accepted,
                r.refused,
                r.people
            );
            all.about += r.about;
            all.restated += r.restated;
            all.contradicted += r.contradicted;
            all.drafts += r.drafts;
            all.accepted += r.accepted;
            all.refused += r.refused;
            all.people += r.people;
        }
        println!(
            "all | {} | {} | {:.0}% | {} | {} | {} | {} | {}",
            all.about,
            all.restated,
            100.0 * all.restated as f64 / all.about.max(1) as f64,
            all.contradicted,
            all.drafts,
            all.accepted,
            all.refused,
            all.people
        );
        for r in &refusals {
            println!("  refused: {r}");
        }
        println!("  not restated: {}", unrestated.join("; "));
        for c in &contradictions {
            println!("  contradicted: {c}");
        }
        for (essay, floor) in ESSAY_RESTATED_AT_LEAST {
            let r = rows.iter().find(|(e, _)| *e == essay).map_or(0, |(_, r)| r.restated);
            assert!(r >= floor, "{backend} 第{essay}篇: {r} restated, fewer than {floor}");
        }
        assert_eq!(all.people, 0, "{backend}: no invented persons");
        assert!(
            all.restated >= RESTATED_AT_LEAST,
            "{backend}: {} restated",
            all.restated
        );
        assert_eq!(all.contradicted, 0, "{backend}: the new summary contradicts the essay");
        t.finish().await.expect("cleanup");
    }
}
