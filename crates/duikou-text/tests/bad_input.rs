//! Hostile and degenerate input: empty, binary, GBK, huge files, million-character lines, 40-digit numbers, 亿亿 — no panic, linear time.
//!
//! Sizes are chosen so the suite stays quick in debug builds; the 50 MB run
//! is in examples/bench_extract.rs (release) and in an ignored test here.

use std::time::{Duration, Instant};

use duikou_text::{decode, extract, numeral, DecodeError};

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

#[test]
fn empty_input() {
    assert_eq!(decode(b""), Ok(String::new()));
    assert!(extract("").is_empty());
    assert_eq!(duikou_text::to_jsonl(&[]), "");
    assert!(duikou_text::to_table(&[]).contains("共 0 条"));
}

#[test]
fn binary_files_rejected() {
    // An ELF header, a PNG header and random-looking bytes.
    let elf = [0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(decode(&elf), Err(DecodeError::Binary));
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D];
    assert_eq!(decode(&png), Err(DecodeError::Binary));
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(decode(&noise).is_err());
}

#[test]
fn gbk_text_detected_and_converted() {
    let (bytes, _, _) = encoding_rs::GBK.encode("援建安居房1200套，投入资金4.0857亿元。");
    let text = decode(&bytes).expect("GBK decodes");
    let facts = extract(&text);
    assert_eq!(facts.len(), 2);
    assert_eq!(facts[1].value.map(|v| v.to_string()), Some("408570000".into()));
}

#[test]
fn forty_digit_numbers_are_unreadable_not_wrong() {
    let text = format!("投入{}元", "9".repeat(40));
    let facts = extract(&text);
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].value, None);
    assert_eq!(numeral::parse(&"1".repeat(40)), None);
    // 38 digits still fit exactly.
    let v = numeral::parse(&"1".repeat(38)).map(|d| d.to_string());
    assert_eq!(v, Some("1".repeat(38)));
}

#[test]
fn yi_yi_and_long_magnitude_chains() {
    assert_eq!(
        numeral::parse("一亿亿").map(|d| d.to_string()),
        Some("10000000000000000".into())
    );
    assert_eq!(numeral::parse("亿亿"), None);
    let facts = extract("投资1亿亿元，另有亿亿元");
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].quote, "1亿亿元");
    let chain = format!("一{}元", "亿".repeat(100_000));
    let (facts, took) = timed(|| extract(&chain));
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].value, None);
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// Lines of a million characters of several shapes must take linear time.
#[test]
fn million_character_lines() {
    let shapes: [&str; 7] = [
        "援建",
        "1",
        "十一",
        "一二三四五六七八九十百千万亿",
        "第1批",
        "(((((1",
        "20-",
    ];
    for unit in shapes {
        let reps = 1_000_000 / unit.chars().count();
        let line = unit.repeat(reps);
        let (_, took) = timed(|| extract(&line));
        assert!(took < Duration::from_secs(60), "{unit:?}: {took:?}");
    }
}

/// Doubling the input must roughly double the time, not quadruple it.
#[test]
fn time_grows_linearly() {
    let para = "援建安居房1200套，投入资金4.0857亿元，培训教师近500名，增长54.63%。第七批干部于2010年抵达，十二五期间两三年轮换。";
    let small = para.repeat(4_000);
    let large = para.repeat(16_000);
    // Warm up, then take the best of three to damp scheduler noise.
    let _ = extract(&small);
    let best = |s: &str| (0..3).map(|_| timed(|| extract(s)).1).min().unwrap_or_default();
    let (t_small, t_large) = (best(&small), best(&large));
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-6);
    assert!(
        ratio < 10.0,
        "4x input took {ratio:.1}x time ({t_small:?} → {t_large:?})"
    );
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A cheap deterministic generator stands in for the fuzzer in CI.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let alphabet: Vec<char> = "0123456789.,-~至到一二两三四五六七八九十百千万亿零〇廿多余近约左右以上下第年月日个名人次元万%％百分之倍“”、\n（）(xX".chars().collect();
    for _ in 0..2_000 {
        let mut s = String::new();
        for _ in 0..40 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.push(alphabet[(x % alphabet.len() as u64) as usize]);
        }
        for f in extract(&s) {
            let chars: Vec<char> = s.chars().collect();
            let quote: Vec<char> = f.quote.chars().collect();
            assert_eq!(chars.get(f.start..f.start + quote.len()), Some(quote.as_slice()), "{s}");
        }
        let _ = numeral::parse(&s);
        let _ = decode(s.as_bytes());
    }
}

#[test]
#[ignore = "50 MB: run with --release -- --ignored"]
fn fifty_megabytes() {
    let para = "援建安居房1200套，投入资金4.0857亿元，培训教师近500名。";
    let text = para.repeat(50 * 1024 * 1024 / para.len());
    let decoded = decode(text.as_bytes()).expect("decodes");
    let (facts, took) = timed(|| extract(&decoded));
    assert!(facts.len() > 1_000_000);
    println!("50 MB in {took:?}");
}
