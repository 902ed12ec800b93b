//! Reports rendered from plain view models: a document (工作总结, 简报) of sections, paragraphs, tables and charts;
//! spreadsheets of typed columns. The models are built elsewhere (from the record); this crate only renders.

pub mod model;

pub use model::*;
