//! Throughput benchmark of `extract` (single thread): `cargo run --release -p duikou-text --example bench_extract`.
//!
//! Repeats the seed summaries (../shared/seeds) to about 20 MB and reports
//! MB/s, where 1 MB = 10^6 bytes of UTF-8 input. Without the seeds it says
//! so and uses the crate's own test documents instead. It then runs a 50 MB
//! input once to show the time stays linear.

use std::path::Path;
use std::time::Instant;

fn corpus() -> String {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let mut text = String::new();
    if let Ok(entries) = std::fs::read_dir(&seeds) {
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if let Ok(bytes) = std::fs::read(&p) {
                if let Ok(t) = duikou_text::decode(&bytes) {
                    text.push_str(&t);
                }
            }
        }
    }
    if text.is_empty() {
        println!("skipped seeds: ../shared/seeds not found; using testdata/cases instead");
        let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases");
        if let Ok(entries) = std::fs::read_dir(&cases) {
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "txt") {
                    text.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
                }
            }
        }
    }
    text
}

fn run(label: &str, text: &str, rounds: usize) -> f64 {
    let mut best = f64::INFINITY;
    let mut facts = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        facts = duikou_text::extract(text).len();
        best = best.min(t.elapsed().as_secs_f64());
    }
    let mb = text.len() as f64 / 1e6;
    let rate = mb / best;
    println!(
        "{label}: {mb:.1} MB ({} chars), {facts} facts, best of {rounds}: {best:.3} s → {rate:.1} MB/s",
        text.chars().count()
    );
    rate
}

fn main() {
    let base = corpus();
    if base.is_empty() {
        println!("no input text found");
        return;
    }
    let reps = (20_000_000 / base.len()).max(1);
    let text = base.repeat(reps);
    run("~20 MB", &text, 5);
    let reps = (50_000_000 / base.len()).max(1);
    let big = base.repeat(reps);
    run("~50 MB", &big, 1);
}
