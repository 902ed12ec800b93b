//! Chinese numerals and quantified-fact extraction from narrative reports (issue 6); pure functions, no I/O.
//!
//! ```
//! let text = duikou_text::decode("共援建安居富民房14万套，投入4.0857亿元。".as_bytes()).unwrap_or_default();
//! let facts = duikou_text::extract(&text);
//! assert_eq!(facts[0].quote, "14万套");
//! assert_eq!(facts[1].value.map(|v| v.to_string()), Some("408570000".to_string()));
//! print!("{}", duikou_text::to_jsonl(&facts));
//! ```

pub mod decimal;
mod decode;
mod docx;
pub mod draft;
mod extract;
mod fact;
mod lexicon;
pub mod numeral;

pub use decimal::Decimal;
pub use decode::{decode, DecodeError};
pub use draft::{propose, propose_all, Draft, Parties, Proposal};
pub use extract::extract;
pub use fact::{to_jsonl, to_table, Approx, Fact, Kind};
