//! Fuzz target: decode arbitrary bytes (including broken .docx zips) without panicking, then extract.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match duikou_text::decode(data) {
        Ok(text) => {
            let _ = duikou_text::extract(&text);
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
        }
    }
});
