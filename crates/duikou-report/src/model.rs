//! The view models every renderer takes: plain data, no database, no HTTP.

use chrono::NaiveDate;
use serde::Serialize;

/// A document: a 工作总结 or a 简报.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// The title (e.g. "南京农业大学对口支援新疆农业大学2014-2015学年工作总结").
    pub title: String,
    /// A line under the title (scope, period, date written).
    pub subtitle: Option<String>,
    /// The sections in order (一、基本情况 … 四、下一步建议).
    pub sections: Vec<Section>,
    /// Tables after the body: where every figure comes from (附表).
    pub appendix: Vec<Table>,
}

/// A section with a level-1 heading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// The heading as printed ("一、基本情况").
    pub heading: String,
    /// Its content.
    pub blocks: Vec<Block>,
}

/// One piece of a section.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A level-2 heading ("（一）援派人员").
    Subheading {
        /// Its text.
        text: String,
    },
    /// A paragraph of running text, in spans so figures can be traced.
    Paragraph {
        /// The spans, concatenated in order.
        spans: Vec<Span>,
    },
    /// A numbered or bulleted list.
    List {
        /// The items.
        items: Vec<String>,
    },
    /// A table.
    Table(Table),
    /// A chart.
    Chart(Chart),
    /// The map of who helps whom.
    Map(MapFigure),
}

/// Text in a paragraph; a figure carries the key of the records behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    /// The text.
    pub text: String,
    /// For a computed figure: a key into the document's explanation (e.g. "people.teacher").
    pub figure: Option<String>,
}

impl Span {
    /// Plain text.
    pub fn text(t: impl Into<String>) -> Span {
        Span {
            text: t.into(),
            figure: None,
        }
    }

    /// A figure traced to `key`.
    pub fn figure(t: impl Into<String>, key: impl Into<String>) -> Span {
        Span {
            text: t.into(),
            figure: Some(key.into()),
        }
    }
}

/// A table with a caption, typed columns and rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Caption ("表1 援派人员").
    pub title: String,
    /// Column headers and kinds.
    pub columns: Vec<Column>,
    /// Rows; each has one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

/// A column of a table or sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Header in Chinese.
    pub header: String,
    /// What its cells hold.
    pub kind: ColumnKind,
}

/// What a column holds, which decides its format (e.g. money as 万元 with two decimals, dates as dates).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ColumnKind {
    /// Text.
    Text,
    /// Whole numbers.
    Int,
    /// Decimal quantities.
    Number,
    /// Money, given in fen, shown in 万元.
    Money,
    /// A percentage, given as the percent number (54.63).
    Percent,
    /// A date.
    Date,
    /// One of a list of values (offered as a drop-down in templates).
    Choice {
        /// The allowed values as shown.
        options: Vec<String>,
    },
}

/// One cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A decimal number (for display only; exact values stay in the record).
    Number(f64),
    /// Money in fen.
    Money(i64),
    /// A percent number.
    Percent(f64),
    /// A date.
    Date(NaiveDate),
}

/// A chart; rendered to SVG for the web and to an image inside .docx.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// Title ("援助资金按年度和来源").
    pub title: String,
    /// Bar, stacked bar, line or pie.
    pub kind: ChartKind,
    /// Category labels on the x axis (years, roles, kinds).
    pub categories: Vec<String>,
    /// One series per legend entry; each has one value per category.
    pub series: Vec<Series>,
    /// Unit of the values ("万元", "人", "项").
    pub unit: String,
}

/// The map of who helps whom: an arc from each supporter's region to each receiver's, coloured by program, as wide
/// as its value (rendered by [`crate::map_svg`]; a PNG of it inside .docx).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct MapFigure {
    /// Title ("对口支援关系示意图").
    pub title: String,
    /// The programs, in legend order; an arc's `program` indexes this.
    pub programs: Vec<String>,
    /// What an arc's width measures, with its unit ("项目总投资（万元）", "援派人员（人）"); empty: all alike.
    pub measure: String,
    /// One per pairing.
    pub arcs: Vec<MapArc>,
    /// A region code whose outline is drawn highlighted and named under the map (a pairing's receiver on its page):
    /// the unit its point is drawn in ([`crate::map_region_name`]); nothing when the map does not know it.
    pub highlight: Option<String>,
}

/// One pairing on the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapArc {
    /// Its program (index into [`MapFigure::programs`]).
    pub program: usize,
    /// The supporter.
    pub from: MapEnd,
    /// The receiver.
    pub to: MapEnd,
    /// Money or people, as [`MapFigure::measure`] says (0 when none).
    pub value: f64,
}

/// An end of an arc: a name and its region code (6 digits), if it has one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapEnd {
    /// The org's name (the label).
    pub name: String,
    /// Its region code.
    pub region_code: Option<String>,
}

/// The kinds of chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Grouped bars.
    Bar,
    /// Stacked bars.
    StackedBar,
    /// Lines.
    Line,
    /// A pie of the first series.
    Pie,
}

/// A named series of values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// One value per category.
    pub values: Vec<f64>,
}

/// A spreadsheet of one or more sheets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workbook {
    /// The sheets.
    pub sheets: Vec<Sheet>,
}

/// One sheet: a table plus an optional note row above the header (for import templates).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sheet {
    /// Sheet name (≤ 31 characters).
    pub name: String,
    /// The table.
    pub table: Table,
    /// Drop-down validation for `Choice` columns over this many data rows (templates); 0 for none.
    pub validation_rows: u32,
}
