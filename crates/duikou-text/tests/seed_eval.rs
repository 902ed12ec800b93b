//! Evaluation on the nine seed summaries: checks the hand annotations and reports precision/recall/F1 of extract.
//!
//! The seed text is third-party and lives outside the repository
//! (../shared/seeds next to the workspace); only our annotations, with short
//! quotes, are kept in testdata/. Without the seeds the test is skipped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Overall F1 must stay above this. Set just under what the extractor
/// reaches (see BENCHMARKS.md); the rules were written while reading these
/// same texts, so this guards against regressions, not for generality.
const F1_FLOOR: f64 = 0.99;

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds")
}

/// (start, quote, value as JSON text, unit): what a match must agree on.
type Key = (usize, String, String, String);

fn key(v: &serde_json::Value) -> Option<Key> {
    Some((
        usize::try_from(v.get("start")?.as_u64()?).ok()?,
        v.get("quote")?.as_str()?.to_string(),
        // Compare numbers by value: 42.20 and 42.2 are the same.
        v.get("value").map(|x| match x.as_f64() {
            Some(f) => format!("{f}"),
            None => x.to_string(),
        })?,
        v.get("unit")?.as_str()?.to_string(),
    ))
}

/// Start offsets of "第N篇" headings: essay N runs from its heading to the next.
fn essay_starts(chars: &[char]) -> Vec<(usize, u64)> {
    let mut out = Vec::new();
    for i in 0..chars.len().saturating_sub(2) {
        if chars[i] == '第' {
            if let (Some(d), Some('篇')) = (chars[i + 1].to_digit(10), chars.get(i + 2)) {
                out.push((i, u64::from(d)));
            }
        }
    }
    out
}

fn essay_of(starts: &[(usize, u64)], offset: usize) -> u64 {
    starts
        .iter()
        .take_while(|(s, _)| *s <= offset)
        .last()
        .map_or(0, |(_, n)| *n)
}

#[derive(Default, Clone, Copy)]
struct Score {
    tp: usize,
    predicted: usize,
    gold: usize,
}

impl Score {
    fn prf(self) -> (f64, f64, f64) {
        let p = if self.predicted == 0 {
            1.0
        } else {
            self.tp as f64 / self.predicted as f64
        };
        let r = if self.gold == 0 {
            1.0
        } else {
            self.tp as f64 / self.gold as f64
        };
        let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        (p, r, f)
    }
}

#[test]
fn seed_precision_recall() {
    let dir = seeds_dir();
    if !dir.is_dir() {
        println!("skipped: ../shared/seeds not found (a user's clone); CI always has it");
        return;
    }
    let seed = dir.join("000_e7362edb924ee62c.txt");
    let bytes = std::fs::read(&seed).expect("seed file readable");
    let text = duikou_text::decode(&bytes).expect("seed decodes");
    let chars: Vec<char> = text.chars().collect();
    let starts = essay_starts(&chars);

    let annotations = include_str!("../testdata/seed_annotations.jsonl");
    let mut gold: HashMap<u64, Vec<Key>> = HashMap::new();
    for (n, line) in annotations.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).expect("annotation is JSON");
        let k = key(&v).unwrap_or_else(|| panic!("annotation line {} lacks fields", n + 1));
        let quote: Vec<char> = k.1.chars().collect();
        assert_eq!(
            chars.get(k.0..k.0 + quote.len()),
            Some(quote.as_slice()),
            "annotation line {}: quote {:?} not at offset {}",
            n + 1,
            k.1,
            k.0
        );
        let essay = v.get("essay").and_then(|e| e.as_u64()).expect("essay field");
        assert_eq!(essay, essay_of(&starts, k.0), "line {}: essay number", n + 1);
        gold.entry(essay).or_default().push(k);
    }

    let mut predicted: HashMap<u64, Vec<Key>> = HashMap::new();
    for fact in duikou_text::extract(&text) {
        let essay = essay_of(&starts, fact.start);
        if essay == 0 {
            continue; // the page header before 第1篇 is not part of any essay
        }
        let v = serde_json::to_value(&fact).expect("fact serialises");
        predicted.entry(essay).or_default().push(key(&v).expect("fact fields"));
    }

    let mut total = Score::default();
    println!("essay  gold  pred    tp      P      R     F1");
    for essay in 1..=9u64 {
        let g = gold.get(&essay).cloned().unwrap_or_default();
        let p = predicted.get(&essay).cloned().unwrap_or_default();
        let mut pool: HashMap<&Key, usize> = HashMap::new();
        for k in &g {
            *pool.entry(k).or_default() += 1;
        }
        let mut s = Score {
            tp: 0,
            predicted: p.len(),
            gold: g.len(),
        };
        for k in &p {
            if let Some(n) = pool.get_mut(k).filter(|n| **n > 0) {
                *n -= 1;
                s.tp += 1;
            } else {
                println!("  essay {essay} false positive: {k:?}");
            }
        }
        for (k, n) in &pool {
            if *n > 0 {
                println!("  essay {essay} missed: {k:?}");
            }
        }
        let (pr, rc, f1) = s.prf();
        println!(
            "{essay:>5} {:>5} {:>5} {:>5}  {pr:.3}  {rc:.3}  {f1:.3}",
            s.gold, s.predicted, s.tp
        );
        total.tp += s.tp;
        total.predicted += s.predicted;
        total.gold += s.gold;
    }
    let (pr, rc, f1) = total.prf();
    println!(
        "  all {:>5} {:>5} {:>5}  {pr:.3}  {rc:.3}  {f1:.3}",
        total.gold, total.predicted, total.tp
    );
    assert!(f1 >= F1_FLOOR, "overall F1 {f1:.3} fell below {F1_FLOOR}");
}
