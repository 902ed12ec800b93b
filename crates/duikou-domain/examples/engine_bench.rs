//! The obligation engine alone on a synthetic school programme: `pairings` pairings of 第8篇's plan, each with
//! supporting and visiting teachers and managers (one dispatch per school year, two stays a semester) and activities,
//! evaluated against the 12 rules of the `school_pairing` template. Prints the median of `runs` evaluations.
//!
//! `cargo run --release -p duikou-domain --example engine_bench -- [pairings] [runs]`

use chrono::{Days, NaiveDate};
use duikou_domain::engine::{evaluate, EvalOptions, ObligationInput, PairingContext, Records};
use duikou_domain::record::recs;
use duikou_domain::templates::template;
use duikou_domain::{Calendar, Qty};
use serde_json::json;
use std::time::Instant;

fn pairing_records(p: i64) -> Records {
    let mut people = Vec::new();
    let mut dispatches = Vec::new();
    let mut stints = Vec::new();
    let mut activities = Vec::new();
    let first_year = NaiveDate::from_ymd_opt(2013, 9, 1).unwrap();
    let mut n = 0i64;
    for (role, direction, count) in [
        ("teacher", "to_receiver", 6),
        ("teacher", "to_supporter", 4),
        ("manager", "to_receiver", 2),
        ("manager", "to_supporter", 2),
    ] {
        for k in 0..count {
            let person = p * 1000 + n;
            n += 1;
            people.push(json!({"id": person, "name": format!("人员{person}")}));
            for year in 0..3u64 {
                let dispatch = person * 10 + year as i64;
                let open = first_year + Days::new(365 * year);
                dispatches.push(
                    json!({"id": dispatch, "person_id": person, "role": role, "direction": direction,
                    "start_date": open.to_string(), "end_date": (open + Days::new(300)).to_string(),
                    "confirmation": if (k + year) % 7 == 0 { "pending" } else { "confirmed" }}),
                );
                for (s, offset) in [0u64, 20, 160, 190].iter().enumerate() {
                    let start = open + Days::new(offset + k);
                    let len = if (k + s as u64).is_multiple_of(5) { 5 } else { 14 };
                    stints.push(json!({"id": dispatch * 10 + s as i64, "dispatch_id": dispatch,
                        "start_date": start.to_string(), "end_date": (start + Days::new(len)).to_string(),
                        "confirmation": if s == 3 && k == 1 { "disputed" } else { "confirmed" }}));
                }
            }
        }
    }
    for a in 0..30u64 {
        let day = first_year + Days::new(a * 35);
        let kind = ["training", "exchange", "teaching_research"][(a % 3) as usize];
        activities.push(
            json!({"id": p * 100 + a as i64, "kind": kind, "audience": "all_staff", "title": "活动",
            "start_date": day.to_string(), "person_times": 12, "confirmation": "confirmed"}),
        );
    }
    let mut r = Records::new();
    r.insert("people".into(), recs(people));
    r.insert("dispatches".into(), recs(dispatches));
    r.insert("stints".into(), recs(stints));
    r.insert("activities".into(), recs(activities));
    r
}

fn main() {
    let mut args = std::env::args().skip(1);
    let pairings: i64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1258);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let rules: Vec<ObligationInput> = template("school_pairing")
        .expect("template")
        .items
        .into_iter()
        .enumerate()
        .map(|(i, item)| ObligationInput {
            id: i as i64 + 1,
            title: item.title.to_string(),
            weight: Qty::from_int(1),
            rule: item.rule,
        })
        .collect();
    let data: Vec<Records> = (0..pairings).map(pairing_records).collect();
    let opts = EvalOptions {
        as_of: NaiveDate::from_ymd_opt(2016, 9, 30).unwrap(),
        range: None,
        warn_share: 0.5,
    };
    let mut times = Vec::new();
    let mut results = 0;
    for _ in 0..runs {
        let t = Instant::now();
        results = 0;
        for (p, records) in data.iter().enumerate() {
            let ctx = PairingContext {
                pairing_id: p as i64,
                term: (
                    NaiveDate::from_ymd_opt(2013, 10, 1).unwrap(),
                    NaiveDate::from_ymd_opt(2016, 8, 31).unwrap(),
                ),
                calendar: Calendar::school(),
                only_confirmed: true,
                supporter_attributes: json!({}),
                receiver_attributes: json!({"teacher_count": 35}),
            };
            results += evaluate(&ctx, &rules, records, &opts).len();
        }
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{pairings} pairings, {results} results: median {:.3} s of {runs} runs (each: {:?})",
        times[times.len() / 2],
        times.iter().map(|t| format!("{t:.3}")).collect::<Vec<_>>()
    );
}
