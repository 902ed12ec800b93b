//! Fuzz target: extract must not panic, and every fact's quote must sit at its offset, in text order.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let chars: Vec<char> = s.chars().collect();
    let facts = duikou_text::extract(&s);
    let mut last_end = 0;
    for f in &facts {
        let quote: Vec<char> = f.quote.chars().collect();
        assert!(!quote.is_empty());
        assert!(f.start >= last_end, "facts overlap or are out of order");
        assert_eq!(chars.get(f.start..f.start + quote.len()), Some(quote.as_slice()));
        last_end = f.start + quote.len();
    }
    for line in duikou_text::to_jsonl(&facts).lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
        assert!(v.get("quote").is_some() && v.get("kind").is_some());
    }
    let _ = duikou_text::to_table(&facts);
});
