//! Importing a spreadsheet into the record: headers matched to fields by their Chinese labels, the common Chinese
//! spreadsheet habits understood (2014年6月1日, 2014.6.1, 3700万, 4.08亿元, full-width digits, names instead of ids),
//! every bad cell reported at once with its row and column, and nothing written unless every row is good.

mod run;
mod source;

use crate::records::def;
use crate::{ListQuery, Result, Store};
use chrono::NaiveDate;
use duikou_domain::schema::{EntityDef, Field, FieldKind};
use duikou_domain::RecDate;
use duikou_domain::{Money, Qty};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

pub use run::MAX_LISTED_PROBLEMS;

/// The entities a spreadsheet may be imported into.
pub const IMPORTABLE: &[&str] = &[
    "orgs",
    "pairings",
    "projects",
    "transactions",
    "dispatches",
    "activities",
    "indicator_values",
    "people",
];

/// Extra columns of a dispatch sheet that describe the person (created when not yet in the record).
const PERSON_COLUMNS: &[(&str, &str)] = &[
    ("姓名", "name"),
    ("性别", "gender"),
    ("出生年份", "birth_year"),
    ("学历", "education"),
    ("职称", "title"),
    ("职称级别", "title_level"),
];

/// A cell as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A date.
    Date(NaiveDate),
    /// A formula, with the value Excel last computed for it if the file kept one.
    Formula {
        /// The formula text.
        formula: String,
        /// The cached result.
        cached: Option<Box<CellValue>>,
    },
    /// An error value (#DIV/0! …) or an unreadable cell.
    Error(String),
}

/// A sheet as read from a file.
#[derive(Debug, Clone, Default)]
pub struct ImportTable {
    /// Header texts of row 1.
    pub headers: Vec<String>,
    /// Data rows with their spreadsheet row numbers (empty rows already skipped).
    pub rows: Vec<(u32, Vec<CellValue>)>,
    /// Merged ranges as (first row, last row, first column index, last column index), 1-based rows, 0-based columns.
    pub merged: Vec<(u32, u32, usize, usize)>,
}

/// One problem with one cell (or one row, or the header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    /// Spreadsheet row (1 = header).
    pub row: u32,
    /// Column header (or letter when there is none).
    pub column: String,
    /// The value as found.
    pub value: String,
    /// Why, in Chinese.
    pub message: String,
}

/// The outcome of an import (or of a dry run).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// The entity.
    pub entity: String,
    /// Data rows read.
    pub rows: usize,
    /// Records created (or that would be).
    pub created: usize,
    /// Records changed.
    pub updated: usize,
    /// Rows identical to what the record already holds.
    pub unchanged: usize,
    /// The problems found, by row, at most [`MAX_LISTED_PROBLEMS`]; when not empty, nothing was written.
    pub problems: Vec<ImportProblem>,
    /// How many problems there were beyond those listed.
    pub more_problems: usize,
    /// True when nothing was meant to be written.
    pub dry_run: bool,
}

/// The letters of a zero-based column (0 → A, 27 → AB).
fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    s
}

/// Full-width digits and punctuation to ASCII, spaces trimmed.
pub fn normalise(s: &str) -> String {
    s.trim().chars().map(normal_char).collect::<String>().trim().to_string()
}

/// A character as [`normalise`] writes it.
fn normal_char(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '．' => '.',
        '，' => ',',
        '－' | '—' => '-',
        '／' => '/',
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Whether `label` (an option's, without surrounding spaces) reads as `text` once normalised; no allocation.
fn is_label(label: &str, text: &str) -> bool {
    label.chars().map(normal_char).eq(text.chars())
}

/// A date as Chinese spreadsheets write it, at its precision: a day (2014-06-01, 2014/6/1, 2014.6.1,
/// 2014年6月1日, 20140601), a month (2014年6月, 2014-06, 2014.06) or a year (2011年, 2011); full-width digits and
/// separators are read as their ASCII forms. Ambiguous forms (14-6, 201406, 2014-6-) are refused with the reason.
pub fn parse_loose_date(s: &str) -> std::result::Result<RecDate, duikou_domain::date::DateParseError> {
    normalise(s).parse::<RecDate>()
}

/// Whether a cell that did not parse is a plain number above `max` (too many digits to hold at all): then the row is
/// told the value is beyond the ceiling, as a form would be, rather than malformed.
fn above(text: &str, max: f64) -> bool {
    text.replace([',', '，'], "")
        .parse::<f64>()
        .is_ok_and(|f| f.is_finite() && f > max)
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn shown(c: &CellValue) -> String {
    match c {
        CellValue::Empty => String::new(),
        CellValue::Text(s) => s.clone(),
        CellValue::Number(n) => number_text(*n),
        CellValue::Bool(b) => b.to_string(),
        CellValue::Date(d) => d.to_string(),
        CellValue::Formula { formula, .. } => format!("={formula}"),
        CellValue::Error(e) => e.clone(),
    }
}

/// Which field a header names: its Chinese label, its API name, or "label（name）".
fn field_for<'a>(d: &'a EntityDef, header: &str) -> Option<&'a Field> {
    let h = normalise(header).replace(['(', ')'], "").replace(['（', '）'], "");
    d.fields
        .iter()
        .filter(|f| !f.server && f.companion.is_none())
        .find(|f| {
            h == f.label
                || h == f.name
                || h == format!("{}{}", f.label, f.name)
                || normalise(f.label).replace(['（', '）'], "") == h
        })
}

/// The sheet headers of an entity's import template, in order, with the extra person columns of dispatches.
pub fn template_headers(entity: &str) -> Result<Vec<(String, &'static Field)>> {
    let d = def(entity)?;
    Ok(d.fields
        .iter()
        .filter(|f| !f.server && f.companion.is_none())
        .map(|f| (f.label.to_string(), f))
        .collect())
}

/// Extra person columns for the dispatch template.
pub fn person_columns() -> &'static [(&'static str, &'static str)] {
    PERSON_COLUMNS
}

struct Resolver<'a> {
    store: &'a Store,
    cache: HashMap<(String, String), std::result::Result<Value, String>>,
}

impl Resolver<'_> {
    /// A reference written as an id or a name.
    async fn resolve(&mut self, f: &Field, text: &str) -> std::result::Result<Value, String> {
        let Some((target, key)) = f.refs else {
            return Ok(Value::from(text));
        };
        let cache_key = (target.to_string(), text.to_string());
        if let Some(hit) = self.cache.get(&cache_key) {
            return hit.clone();
        }
        let out = self.lookup(target, key, text).await;
        self.cache.insert(cache_key, out.clone());
        out
    }

    async fn lookup(&self, target: &str, key: &str, text: &str) -> std::result::Result<Value, String> {
        let label = duikou_domain::schema::entity(target).map(|d| d.label).unwrap_or(target);
        if key == "code" {
            return match self.store.resolve_region(text).await {
                Ok(Some(code)) => Ok(Value::from(code)),
                _ => Err(format!(
                    "找不到行政区划“{text}”，或有多个同名区划（请填代码，或名称、曾用名；乡镇请连同县名，如“绵竹市九龙镇”）"
                )),
            };
        }
        if let Ok(id) = text.parse::<i64>() {
            return Ok(Value::from(id));
        }
        let by = |field: &str| ListQuery {
            filters: [(field.to_string(), text.to_string())].into(),
            per_page: Some(3),
            ..Default::default()
        };
        let candidates: Vec<&str> = match target {
            "orgs" => vec!["name", "short_name"],
            "programs" => vec!["name"],
            "indicators" => vec!["code", "name"],
            "people" => vec!["name"],
            "projects" => vec!["name"],
            "needs" => vec!["title"],
            _ => vec![],
        };
        for field in candidates {
            let page = self.store.list(target, &by(field)).await.map_err(|e| e.to_string())?;
            match page.total {
                0 => continue,
                1 => return Ok(page.items[0]["id"].clone()),
                n => return Err(format!("名称“{text}”对应 {n} 条{label}，请改填编号")),
            }
        }
        if target == "pairings" {
            let arrow = text.replace("->", "→").replace('—', "→");
            if let Some((s, r)) = arrow.split_once('→') {
                let org = |n: &str| ListQuery {
                    filters: [("name".to_string(), n.trim().to_string())].into(),
                    ..Default::default()
                };
                let so = self.store.list("orgs", &org(s)).await.map_err(|e| e.to_string())?.items;
                let ro = self.store.list("orgs", &org(r)).await.map_err(|e| e.to_string())?.items;
                if let (Some(so), Some(ro)) = (so.first(), ro.first()) {
                    let q = ListQuery {
                        filters: [
                            ("supporter_org_id".to_string(), so["id"].to_string()),
                            ("receiver_org_id".to_string(), ro["id"].to_string()),
                        ]
                        .into(),
                        ..Default::default()
                    };
                    let page = self.store.list("pairings", &q).await.map_err(|e| e.to_string())?;
                    return match page.total {
                        1 => Ok(page.items[0]["id"].clone()),
                        0 => Err(format!("找不到结对“{text}”")),
                        n => Err(format!("“{text}”对应 {n} 个结对（属于不同计划），请改填结对编号")),
                    };
                }
            }
            return Err(format!("找不到结对“{text}”（可填编号，或“支援方→受援方”）"));
        }
        Err(format!("找不到{label}“{text}”"))
    }
}

/// Turns one cell into the JSON value of a field, understanding the usual spreadsheet habits.
fn cell_json(f: &Field, c: &CellValue) -> std::result::Result<Value, String> {
    let c = match c {
        CellValue::Formula { cached: Some(v), .. } => v.as_ref(),
        CellValue::Formula { formula, cached: None } => {
            return Err(format!(
                "单元格是公式（={formula}）且没有计算结果，请复制后“粘贴为数值”"
            ))
        }
        other => other,
    };
    if let CellValue::Error(e) = c {
        return Err(format!("单元格有错误值 {e}"));
    }
    if matches!(c, CellValue::Empty) {
        return Ok(Value::Null);
    }
    let text = normalise(&shown(c));
    if text.is_empty() {
        return Ok(Value::Null);
    }
    Ok(match f.kind {
        // a figure written with its qualifier or range ("1500余", "约1000万元", "20-50") goes whole to validation,
        // which splits it into the value and its companions or names what it cannot read
        _ if f.approx && duikou_domain::approx::is_written(&text) => {
            match duikou_domain::approx::parse_figure(f.kind, &text) {
                Ok(fig) if fig.is_exact() => duikou_domain::approx::raw_json(f.kind, fig.value),
                Ok(_) => Value::from(text),
                Err(e) => return Err(format!("{e}，收到“{text}”")),
            }
        }
        FieldKind::Int if f.refs.is_none() => {
            let digits = text.trim_end_matches(|ch: char| !ch.is_ascii_digit());
            match digits.parse::<i64>() {
                Ok(i) => Value::from(i),
                Err(_) if above(&text, duikou_domain::validate::MAX_COUNT as f64) => {
                    return Err(format!(
                        "超出上限：最多 {}，收到“{text}”",
                        duikou_domain::validate::max_count_zh()
                    ))
                }
                Err(_) => return Err(format!("应为整数，收到“{text}”")),
            }
        }
        FieldKind::Money => {
            let m = match c {
                CellValue::Number(n) => format!("{n}").parse::<Money>(),
                _ => text.replace(',', "").parse::<Money>(),
            };
            match m {
                Ok(m) => Value::from(m.to_string()),
                Err(_) if above(&text, (Money::MAX.fen() / 100) as f64) => {
                    return Err(format!("超出上限：最多 {}，收到“{text}”", Money::max_zh()))
                }
                Err(_) => return Err(format!("应为金额（如 3700万、4.08亿元、12345.67），收到“{text}”")),
            }
        }
        FieldKind::Qty => match text.replace(',', "").trim_end_matches('%').parse::<Qty>() {
            Ok(q) => serde_json::to_value(q).unwrap_or(Value::Null),
            Err(_) => return Err(format!("应为数字（最多四位小数），收到“{text}”")),
        },
        FieldKind::Date => match c {
            // a date cell is a day
            CellValue::Date(d) => Value::from(RecDate::day(*d).to_string()),
            // a number cell: a whole year (2011); 2014.1 may be October cut short by the sheet, so it is not read
            CellValue::Number(n) if n.fract() != 0.0 => {
                return Err(format!(
                    "数字单元格“{text}”无法确定月份（2014.1 可能是 2014.10），请写作文本：2014年10月 或 2014-10"
                ))
            }
            _ => match parse_loose_date(&text) {
                Ok(d) => Value::from(d.to_string()),
                Err(e) => return Err(e.to_string()),
            },
        },
        FieldKind::Bool => match text.as_str() {
            "是" | "true" | "TRUE" | "1" | "√" | "Y" | "y" => Value::from(true),
            "否" | "false" | "FALSE" | "0" | "×" | "N" | "n" => Value::from(false),
            _ => return Err(format!("应为 是/否，收到“{text}”")),
        },
        // the text was normalised (— to -): a label is compared normalised too, or 省—地州 chosen from the
        // template's own drop-down would not be one of the choices
        FieldKind::Enum(options) => match options.iter().find(|(v, l)| *v == text || is_label(l, &text)) {
            Some((v, _)) => Value::from(*v),
            None => {
                let labels: Vec<&str> = options.iter().map(|(_, l)| *l).collect();
                return Err(format!("“{text}”不是可选值（可选：{}）", labels.join("、")));
            }
        },
        _ => Value::from(text),
    })
}

impl ImportTable {
    /// The table a file reader found, as the importer takes it.
    pub fn from_raw(raw: duikou_report::RawTable) -> ImportTable {
        let first = raw.first_column;
        let rows: Vec<(u32, Vec<CellValue>)> = raw
            .rows
            .into_iter()
            .map(|r| (r.row, r.cells.into_iter().map(source::cell_value).collect()))
            .collect();
        let data_rows: Vec<u32> = rows.iter().map(|r| r.0).collect();
        let merged = raw
            .merged
            .iter()
            .filter(|m| data_rows.iter().any(|r| m.covers_row(*r)))
            .map(|m| {
                (
                    m.first_row,
                    m.last_row,
                    m.first_column.saturating_sub(first) as usize,
                    m.last_column.saturating_sub(first) as usize,
                )
            })
            .collect();
        ImportTable {
            headers: raw.headers,
            rows,
            merged,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_spreadsheet_habits() {
        let d = |s: &str| parse_loose_date(s).ok().map(|d| d.to_string());
        assert_eq!(d("2014年6月1日").as_deref(), Some("2014-06-01"));
        assert_eq!(d("2014.6.1").as_deref(), Some("2014-06-01"));
        assert_eq!(d("2014/06/01").as_deref(), Some("2014-06-01"));
        // a month or a year stays one
        assert_eq!(d("２０１４年６月").as_deref(), Some("2014-06"));
        assert_eq!(d("2014.06").as_deref(), Some("2014-06"));
        assert_eq!(d("2011年").as_deref(), Some("2011"));
        assert_eq!(d("20140601").as_deref(), Some("2014-06-01"));
        assert_eq!(d("2014-13-01"), None);
        assert_eq!(d("去年"), None);
        assert_eq!(d("14-6"), None);
        assert_eq!(d("201406"), None);
        assert_eq!(normalise(" ３７００万 "), "3700万");
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(27), "AB");
        let money = duikou_domain::schema::entity("projects")
            .unwrap()
            .field("total_investment")
            .unwrap();
        assert_eq!(
            cell_json(money, &CellValue::Text("4.08亿元".into())),
            Ok(Value::from("408000000.00"))
        );
        assert_eq!(
            cell_json(money, &CellValue::Number(12345.5)),
            Ok(Value::from("12345.50"))
        );
        assert!(cell_json(money, &CellValue::Text("很多".into())).is_err());
        let hours = duikou_domain::schema::entity("activities")
            .unwrap()
            .field("hours")
            .unwrap();
        assert_eq!(
            cell_json(hours, &CellValue::Text("１５００课时".into())),
            Ok(Value::from(1500))
        );
        let kind = duikou_domain::schema::entity("activities")
            .unwrap()
            .field("kind")
            .unwrap();
        assert_eq!(
            cell_json(kind, &CellValue::Text("培训".into())),
            Ok(Value::from("training"))
        );
        // a label with a dash, as the template's drop-down writes it, and as typed with a hyphen
        let level = duikou_domain::schema::entity("pairings")
            .unwrap()
            .field("level")
            .unwrap();
        for written in ["省—地州", "省-地州", "省－地州"] {
            assert_eq!(
                cell_json(level, &CellValue::Text(written.into())),
                Ok(Value::from("province_prefecture")),
                "{written}"
            );
        }
        let f = CellValue::Formula {
            formula: "SUM(A1:A3)".into(),
            cached: None,
        };
        assert!(cell_json(hours, &f).unwrap_err().contains("粘贴为数值"));
        let f = CellValue::Formula {
            formula: "SUM(A1:A3)".into(),
            cached: Some(Box::new(CellValue::Number(12.0))),
        };
        assert_eq!(cell_json(hours, &f), Ok(Value::from(12)));
    }
}
