//! Fuzz target: the numeral parser must not panic, and printed values must parse back to themselves.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    if let Some(v) = duikou_text::numeral::parse(&s) {
        // Our own canonical text is always a numeral with the same value.
        let again = duikou_text::numeral::parse(&v.to_string());
        assert_eq!(again, Some(v), "round trip of {s:?}");
    }
    let chars: Vec<char> = s.chars().collect();
    // Scanning from a handful of positions keeps each run linear.
    for start in (0..chars.len()).step_by(chars.len() / 8 + 1) {
        if let Some(n) = duikou_text::numeral::scan(&chars, start) {
            assert!(n.start == start && n.end > start && n.end <= chars.len());
            assert!(n.magnitude_chars <= n.end - n.start);
        }
    }
});
