//! Hard cases written for this crate (testdata/cases/*.txt) against hand-made expected facts (*.expected.jsonl).
//!
//! Every field but `measure` must match exactly; `measure` is a heuristic
//! label, so we only require it to be present.

use std::path::Path;

fn without_measure(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(obj) = v.as_object_mut() {
        let measure = obj.remove("measure");
        assert!(
            measure.as_ref().and_then(|m| m.as_str()).is_some_and(|m| !m.is_empty()),
            "fact without measure: {v}"
        );
    }
    v
}

#[test]
fn hand_written_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("testdata/cases exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    assert!(names.len() >= 4, "expected the case files, found {names:?}");
    let mut failures = Vec::new();
    for txt in names {
        let bytes = std::fs::read(&txt).expect("case readable");
        let text = duikou_text::decode(&bytes).expect("case decodes");
        let got: Vec<serde_json::Value> = duikou_text::extract(&text)
            .iter()
            .map(|f| without_measure(serde_json::to_value(f).expect("serialises")))
            .collect();
        let expected_path = txt.with_extension("expected.jsonl");
        let expected: Vec<serde_json::Value> = std::fs::read_to_string(&expected_path)
            .expect("expected file")
            .lines()
            .map(|l| serde_json::from_str(l).expect("expected line is JSON"))
            .collect();
        if got != expected {
            failures.push(format!(
                "{}:\n  got      {}\n  expected {}",
                txt.display(),
                got.iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join("\n           "),
                expected
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join("\n           ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn docx_fixture_reads_paragraphs() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/summary.docx");
    let bytes = std::fs::read(&path).expect("fixture exists");
    let text = duikou_text::decode(&bytes).expect("docx decodes");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text:?}");
    let facts = duikou_text::extract(&text);
    let quotes: Vec<&str> = facts.iter().map(|f| f.quote.as_str()).collect();
    assert_eq!(quotes, ["12名", "4.0857亿元", "54.63%"]);
}

#[test]
fn gbk_fixture_converts() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/gbk_summary.txt");
    let bytes = std::fs::read(&path).expect("fixture exists");
    assert!(std::str::from_utf8(&bytes).is_err(), "fixture must really be GBK");
    let text = duikou_text::decode(&bytes).expect("GBK decodes");
    let facts = duikou_text::extract(&text);
    assert_eq!(facts.len(), 2, "{text}");
    assert_eq!(facts[0].quote, "近500名");
}
