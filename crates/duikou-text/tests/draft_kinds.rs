//! Draft kind accuracy on the nine seed summaries (issue 24 item 5): for each fact of a hand-labelled sample
//! (`testdata/draft_labels.jsonl`: essay, start, the record kind we decided by reading the sentence), the kind
//! `duikou_text::propose` suggests. The seed text lives outside the repository; without it the test is skipped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Share of the sample whose proposed kind is the labelled one; set just under what is measured.
const KIND_FLOOR: f64 = 0.95;

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds")
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(name)
}

/// The supporting and receiving party each essay's facts are read for (as in the demo's ledger).
fn parties(essay: u64) -> duikou_text::Parties {
    let (s, r) = match essay {
        1 => ("南京农业大学", "新疆农业大学"),
        2 => ("××省第二批对口支援绵竹市医疗卫生总队××分队", "九龙镇卫生院"),
        3 => ("国家体育总局", "新疆维吾尔自治区体育局"),
        4 => ("浙江省", "阿克苏地区"),
        5 => ("北京市", "和田地区"),
        6 => ("××市", "××县"),
        7 => ("××中学", "××学校"),
        8 => ("××县城区学校", "××县农村学校"),
        _ => ("湖南省", "吐鲁番地区"),
    };
    duikou_text::Parties {
        supporter: s.into(),
        receiver: r.into(),
    }
}

#[test]
fn draft_kinds_on_the_labelled_sample() {
    let seed = seeds_dir().join("000_e7362edb924ee62c.txt");
    let Ok(bytes) = std::fs::read(&seed) else {
        eprintln!(
            "skipped: the seed summaries are not beside the workspace ({})",
            seed.display()
        );
        return;
    };
    let text = duikou_text::decode(&bytes).expect("the seed decodes");
    let facts: HashMap<usize, duikou_text::Fact> =
        duikou_text::extract(&text).into_iter().map(|f| (f.start, f)).collect();
    let labels = std::fs::read_to_string(data("draft_labels.jsonl")).expect("labels");
    let (mut right, mut total) = (0usize, 0usize);
    let mut wrong = Vec::new();
    for line in labels.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("a label line");
        let essay = v["essay"].as_u64().unwrap_or(0);
        let start = v["start"].as_u64().unwrap_or(0) as usize;
        let want = v["kind"].as_str().unwrap_or("");
        total += 1;
        let got = facts.get(&start).map_or("(not extracted)".to_string(), |f| {
            let p = duikou_text::propose(&text, f, &parties(essay), "2012-01-01", "2012");
            p.draft.map_or("none".to_string(), |d| d.target.to_string())
        });
        if got == want {
            right += 1;
        } else {
            let quote = facts.get(&start).map_or(String::new(), |f| {
                let p = duikou_text::propose(&text, f, &parties(essay), "2012-01-01", "2012");
                format!("{}（{} {}）{:?}", f.quote, f.unit, f.measure, p.doubts)
            });
            wrong.push(format!("第{essay}篇 @{start} {quote}: want {want}, got {got}"));
        }
    }
    let share = right as f64 / total.max(1) as f64;
    println!("draft kind accuracy: {right}/{total} = {:.1}%", share * 100.0);
    for w in &wrong {
        println!("  {w}");
    }
    assert!(total >= 50, "the sample has {total} labels");
    assert!(share >= KIND_FLOOR, "draft kind accuracy {share:.3} below {KIND_FLOOR}");
}
