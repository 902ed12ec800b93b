//! Reports rendered from plain view models: a document (工作总结, 简报) of sections, paragraphs, tables and charts;
//! spreadsheets of typed columns. The models are built elsewhere (from the record); this crate only renders, and reads
//! tables back from .xlsx/.csv files for imports.
//!
//! | output | function |
//! |---|---|
//! | Word (.docx) | [`docx`] |
//! | Markdown / standalone HTML page / HTML fragment | [`markdown`], [`html`], [`html_fragment`] |
//! | one chart as SVG / PNG | [`svg`], [`png`] |
//! | the map of who helps whom as SVG / PNG | [`map_svg`], [`map_png`] |
//! | spreadsheet (.xlsx) | [`xlsx`] |
//! | a table read back from .xlsx or .csv | [`read_table`], [`read_table_with`], row by row [`stream_table`] |

pub mod model;

mod chart;
mod docx;
mod error;
mod format;
mod html;
mod iati;
mod map;
mod markdown;
mod png;
mod read;
mod xlsx;
mod xml;

pub use chart::svg;
pub use docx::docx;
pub use error::RenderError;
pub use format::{format_cell, money_wan};
pub use html::{html, html_fragment};
pub use iati::{
    iati_xml, IatiActivity, IatiBudget, IatiDocument, IatiFile, IatiLocation, IatiOrg, IatiResult, IatiSector,
    IatiTransaction,
};
pub use map::{
    map_figure, map_provinces, map_source, outlines_svg as map_outlines_svg, overlay_svg as map_overlay_svg,
    png as map_png, region_name as map_region_name, region_point, svg as map_svg, unplaced, MapPairing, MapSource,
};
pub use markdown::markdown;
pub use model::*;
pub use png::png;
pub use read::{
    column_name, read_table, read_table_with, stream_table, MergedRange, RawCell, RawRow, RawTable, ReadError,
    ReadOptions, TableHead, TableSink,
};
pub use xlsx::xlsx;
