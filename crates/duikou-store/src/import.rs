//! Importing a spreadsheet into the record: headers matched to fields by their Chinese labels, the common Chinese
//! spreadsheet habits understood (2014年6月1日, 2014.6.1, 3700万, 4.08亿元, full-width digits, names instead of ids),
//! every bad cell reported at once with its row and column, and nothing written unless every row is good.

use crate::audit::WriteTx;
use crate::db::Arg;
use crate::records::{def, to_arg};
use crate::{ListQuery, Result, Store, StoreError};
use chrono::NaiveDate;
use duikou_domain::access::Actor;
use duikou_domain::schema::{EntityDef, Field, FieldKind};
use duikou_domain::validate::validate_record;
use duikou_domain::RecDate;
use duikou_domain::{Money, Qty};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

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
    /// Every problem found; when not empty, nothing was written.
    pub problems: Vec<ImportProblem>,
    /// True when nothing was meant to be written.
    pub dry_run: bool,
}

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
    s.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '，' => ',',
            '－' | '—' => '-',
            '／' => '/',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
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
                    "找不到行政区划“{text}”，或有多个同名区划（请填 6 位代码，或名称、曾用名）"
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
        FieldKind::Enum(options) => match options.iter().find(|(v, l)| *v == text || *l == text) {
            Some((v, _)) => Value::from(*v),
            None => {
                let labels: Vec<&str> = options.iter().map(|(_, l)| *l).collect();
                return Err(format!("“{text}”不是可选值（可选：{}）", labels.join("、")));
            }
        },
        _ => Value::from(text),
    })
}

impl Store {
    /// Imports a sheet into `entity` as `actor`: all rows or none. With `dry_run`, only checks and counts.
    pub async fn import(
        &self,
        actor: &Actor,
        entity: &str,
        table: &ImportTable,
        dry_run: bool,
    ) -> Result<ImportReport> {
        if !IMPORTABLE.contains(&entity) {
            return Err(StoreError::invalid(
                "entity",
                "not_importable",
                format!("不支持导入“{entity}”，可导入：{}", IMPORTABLE.join("、")),
            ));
        }
        let d = def(entity)?;
        let mut report = ImportReport {
            entity: entity.into(),
            rows: table.rows.len(),
            dry_run,
            ..Default::default()
        };
        let mut problems = Vec::new();
        // headers
        let mut columns: Vec<Option<&'static Field>> = Vec::new();
        let mut person_cols: Vec<Option<&'static str>> = Vec::new();
        for (i, h) in table.headers.iter().enumerate() {
            let f = field_for(d, h);
            let p = (entity == "dispatches")
                .then(|| PERSON_COLUMNS.iter().find(|(l, _)| normalise(h) == *l).map(|(_, n)| *n))
                .flatten();
            if f.is_none() && p.is_none() && !h.trim().is_empty() {
                let known: Vec<&str> = d
                    .fields
                    .iter()
                    .filter(|f| !f.server && f.companion.is_none())
                    .map(|f| f.label)
                    .collect();
                problems.push(ImportProblem {
                    row: 1,
                    column: column_letter(i),
                    value: h.clone(),
                    message: format!("无法识别的列名“{h}”（{}的列：{}）", d.label, known.join("、")),
                });
            }
            columns.push(f);
            person_cols.push(p);
        }
        for f in d.fields.iter().filter(|f| f.required && !f.server) {
            let person_given = entity == "dispatches" && f.name == "person_id" && person_cols.contains(&Some("name"));
            if !columns.iter().any(|c| c.is_some_and(|c| c.name == f.name)) && !person_given {
                problems.push(ImportProblem {
                    row: 1,
                    column: String::new(),
                    value: String::new(),
                    message: format!("缺少必填列“{}”", f.label),
                });
            }
        }
        for (r1, r2, c1, c2) in &table.merged {
            let cols = if c1 == c2 {
                column_letter(*c1)
            } else {
                format!("{}–{}", column_letter(*c1), column_letter(*c2))
            };
            problems.push(ImportProblem {
                row: *r1,
                column: cols.clone(),
                value: String::new(),
                message: format!("第{r1}–{r2}行 {cols} 列是合并单元格，请取消合并并在每一行填写"),
            });
        }
        if !problems.is_empty() && problems.iter().any(|p| p.row == 1) {
            report.problems = problems;
            return Ok(report);
        }
        // rows → candidate records
        let mut resolver = Resolver {
            store: self,
            cache: HashMap::new(),
        };
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut seen: HashMap<String, u32> = HashMap::new();
        for (row, cells) in &table.rows {
            let mut rec = Map::new();
            let mut person = Map::new();
            let mut row_ok = true;
            for (i, cell) in cells.iter().enumerate() {
                let header = table.headers.get(i).cloned().unwrap_or_else(|| column_letter(i));
                if let Some(Some(p)) = person_cols.get(i) {
                    let pf = duikou_domain::schema::entity("people").and_then(|pd| pd.field(p));
                    if let Some(pf) = pf {
                        match cell_json(pf, cell) {
                            Ok(v) => {
                                person.insert(p.to_string(), v);
                            }
                            Err(m) => {
                                row_ok = false;
                                problems.push(ImportProblem {
                                    row: *row,
                                    column: header,
                                    value: shown(cell),
                                    message: m,
                                });
                            }
                        }
                    }
                    continue;
                }
                let Some(Some(f)) = columns.get(i) else { continue };
                let v = match cell_json(f, cell) {
                    Ok(Value::String(s)) if f.refs.is_some() => resolver.resolve(f, &s).await,
                    Ok(Value::Number(n)) if f.refs == Some(("regions", "code")) => {
                        resolver.resolve(f, &n.to_string()).await
                    }
                    other => other,
                };
                match v {
                    Ok(v) => {
                        rec.insert(f.name.to_string(), v);
                    }
                    Err(m) => {
                        row_ok = false;
                        problems.push(ImportProblem {
                            row: *row,
                            column: header,
                            value: shown(cell),
                            message: m,
                        });
                    }
                }
            }
            if !row_ok {
                continue;
            }
            let person = if entity == "dispatches" && rec.get("person_id").is_none_or(Value::is_null) {
                if person.get("name").is_none_or(Value::is_null) {
                    problems.push(ImportProblem {
                        row: *row,
                        column: "姓名".into(),
                        value: String::new(),
                        message: "缺少人员（填写“人员”编号或“姓名”）".into(),
                    });
                    continue;
                }
                person.insert(
                    "home_org_id".into(),
                    rec.get("home_org_id").cloned().unwrap_or(Value::Null),
                );
                Some(person)
            } else {
                None
            };
            if person.is_none() {
                match validate_record(d, &rec) {
                    Ok(norm) => rec = norm,
                    Err(errs) => {
                        for e in errs.0 {
                            let col = d
                                .field(&e.field)
                                .map(|f| f.companion.and_then(|b| d.field(b)).unwrap_or(f))
                                .map(|f| f.label.to_string())
                                .unwrap_or(e.field.clone());
                            let value = rec
                                .get(&e.field)
                                .map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
                                .unwrap_or_default();
                            problems.push(ImportProblem {
                                row: *row,
                                column: col,
                                value,
                                message: e.message,
                            });
                        }
                        continue;
                    }
                }
                let key = d.import_key();
                if !key.is_empty() {
                    let k: Vec<String> = key
                        .iter()
                        .map(|f| rec.get(*f).map(|v| v.to_string()).unwrap_or_default())
                        .collect();
                    let k = k.join("|");
                    if let Some(first) = seen.get(&k) {
                        problems.push(ImportProblem {
                            row: *row,
                            column: d.field(key[0]).map(|f| f.label.to_string()).unwrap_or_default(),
                            value: String::new(),
                            message: format!(
                                "与第{first}行重复（{}相同）",
                                key.iter()
                                    .filter_map(|f| d.field(f).map(|f| f.label))
                                    .collect::<Vec<_>>()
                                    .join("、")
                            ),
                        });
                        continue;
                    }
                    seen.insert(k, *row);
                }
            }
            candidates.push((*row, rec, person));
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.row);
            report.problems = problems;
            return Ok(report);
        }
        // write, all or nothing
        let mut w = WriteTx::begin(self, actor).await?;
        let candidates = if crate::bulk::bulk_capable(d) && candidates.iter().all(|c| c.2.is_none()) {
            // rows not seen before are checked and written together; the rest one by one below
            let existing = Self::existing_keys(&mut w, d, &candidates).await?;
            let (known, new): (Vec<Candidate>, Vec<Candidate>) = candidates
                .into_iter()
                .partition(|(_, rec, _)| !existing.is_empty() && existing.contains(&key_of(d, rec)));
            let (rows, recs): (Vec<u32>, Vec<Map<String, Value>>) = new.into_iter().map(|(r, rec, _)| (r, rec)).unzip();
            match Self::create_many_in(&mut w, d, recs).await? {
                Ok(ids) => report.created += ids.len(),
                Err(refusals) => {
                    for (i, e) in refusals {
                        report.problems.push(problem_of(d, rows[i], &e));
                    }
                }
            }
            known
        } else {
            candidates
        };
        for (row, mut rec, person) in candidates {
            let outcome = self.import_row(&mut w, d, &mut rec, person).await;
            match outcome {
                Ok(Outcome::Created) => report.created += 1,
                Ok(Outcome::Updated) => report.updated += 1,
                Ok(Outcome::Unchanged) => report.unchanged += 1,
                Err(e) => report.problems.push(problem_of(d, row, &e)),
            }
        }
        if !report.problems.is_empty() || dry_run {
            w.tx.rollback().await?;
            if !report.problems.is_empty() {
                report.created = 0;
                report.updated = 0;
                report.unchanged = 0;
            }
            return Ok(report);
        }
        w.record(
            "import",
            entity,
            0,
            Value::Null,
            serde_json::json!({"rows": report.rows, "created": report.created, "updated": report.updated}),
        )
        .await?;
        w.commit().await?;
        Ok(report)
    }

    async fn import_row(
        &self,
        w: &mut WriteTx,
        d: &'static EntityDef,
        rec: &mut Map<String, Value>,
        person: Option<Map<String, Value>>,
    ) -> Result<Outcome> {
        if let Some(p) = person {
            let id = match self.find_by_key(w, def("people")?, &p).await? {
                Some(existing) => existing["id"].clone(),
                None => Self::create_in(w, "people", &Value::Object(p)).await?["id"].clone(),
            };
            rec.insert("person_id".into(), id);
        }
        match self.find_by_key(w, d, rec).await? {
            Some(existing) => {
                let same = rec
                    .iter()
                    .all(|(k, v)| existing.get(k) == Some(v) || (v.is_null() && existing[k].is_null()));
                if same {
                    Ok(Outcome::Unchanged)
                } else {
                    Self::update_in(
                        w,
                        d.name,
                        existing["id"].as_i64().unwrap_or(0),
                        &Value::Object(rec.clone()),
                    )
                    .await?;
                    Ok(Outcome::Updated)
                }
            }
            None => {
                Self::create_in(w, d.name, &Value::Object(rec.clone())).await?;
                Ok(Outcome::Created)
            }
        }
    }

    /// The record with the same import key, read inside the write transaction.
    async fn find_by_key(
        &self,
        w: &mut WriteTx,
        d: &'static EntityDef,
        rec: &Map<String, Value>,
    ) -> Result<Option<Value>> {
        let key = d.import_key();
        if key.is_empty() {
            return Ok(None);
        }
        let op = match w.tx.backend() {
            crate::Backend::Sqlite => "IS",
            crate::Backend::Postgres => "IS NOT DISTINCT FROM",
        };
        let mut args = Vec::new();
        let mut conds = Vec::new();
        for k in key {
            let Some(f) = d.field(k) else { continue };
            let v = match (f.kind, rec.get(*k)) {
                (FieldKind::Money, Some(v)) => serde_json::from_value::<Money>(v.clone())
                    .map(|m| Value::from(m.to_string()))
                    .unwrap_or(Value::Null),
                (_, Some(v)) => v.clone(),
                (_, None) => Value::Null,
            };
            args.push(to_arg(f, &v));
            conds.push(format!("{k} {op} ${}", args.len()));
        }
        let row =
            w.tx.fetch_opt(
                &format!("SELECT id FROM {} WHERE {} LIMIT 1", d.name, conds.join(" AND ")),
                &args,
                &[crate::db::Kind::Int],
            )
            .await?;
        match row.and_then(|r| r[0].int()) {
            Some(id) => Ok(Some(Self::get_in(&mut w.tx, d, id).await?)),
            None => Ok(None),
        }
    }
}

/// A refused write as a problem of its spreadsheet row.
fn problem_of(d: &EntityDef, row: u32, e: &StoreError) -> ImportProblem {
    let (column, message) = match e {
        StoreError::Invalid(v) => (
            v.first()
                .and_then(|f| d.field(&f.field))
                .map(|f| f.label.to_string())
                .unwrap_or_default(),
            v.to_string(),
        ),
        other => (String::new(), other.to_string()),
    };
    ImportProblem {
        row,
        column,
        value: String::new(),
        message,
    }
}

/// A record's import key as the typed values stored, so a row of the sheet and a row of the table compare equal.
fn key_of(d: &EntityDef, rec: &Map<String, Value>) -> String {
    let args: Vec<Arg> = d
        .import_key()
        .iter()
        .filter_map(|k| d.field(k))
        .map(|f| to_arg(f, rec.get(f.name).unwrap_or(&Value::Null)))
        .collect();
    format!("{args:?}")
}

impl Store {
    /// The import keys already stored among the records the candidates could clash with: those under the same
    /// pairing (or parent) as one of them.
    async fn existing_keys(
        w: &mut WriteTx,
        d: &'static EntityDef,
        candidates: &[Candidate],
    ) -> Result<std::collections::HashSet<String>> {
        let key = d.import_key();
        let fields: Vec<&Field> = key.iter().filter_map(|k| d.field(k)).collect();
        let mut out = std::collections::HashSet::new();
        let Some(anchor) = fields
            .iter()
            .find(|f| f.refs.is_some() && matches!(f.kind, FieldKind::Int))
        else {
            return Ok(out);
        };
        let anchors: std::collections::BTreeSet<i64> = candidates
            .iter()
            .filter_map(|(_, rec, _)| rec.get(anchor.name).and_then(Value::as_i64))
            .collect();
        let kinds: Vec<crate::db::Kind> = fields.iter().map(|f| crate::records::kind_of(f)).collect();
        let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
        let anchors: Vec<i64> = anchors.into_iter().collect();
        for chunk in anchors.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let rows =
                w.tx.fetch(
                    &format!(
                        "SELECT {} FROM {} WHERE {} IN ({})",
                        names.join(", "),
                        d.name,
                        anchor.name,
                        marks.join(", ")
                    ),
                    &chunk.iter().map(|i| Arg::Int(Some(*i))).collect::<Vec<_>>(),
                    &kinds,
                )
                .await?;
            out.extend(rows.iter().map(|r| format!("{r:?}")));
        }
        Ok(out)
    }
}

/// A row ready to write: its spreadsheet row, the record, and the person to create first (dispatch sheets).
type Candidate = (u32, Map<String, Value>, Option<Map<String, Value>>);

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl ImportTable {
    /// The table a file reader found, as the importer takes it.
    pub fn from_raw(raw: duikou_report::RawTable) -> ImportTable {
        fn cell(c: duikou_report::RawCell) -> CellValue {
            use duikou_report::RawCell as R;
            match c {
                R::Empty => CellValue::Empty,
                R::Text(t) => CellValue::Text(t),
                R::Number(n) => CellValue::Number(n),
                R::Bool(b) => CellValue::Bool(b),
                R::Date(d) => CellValue::Date(d),
                R::DateTime(dt) => CellValue::Date(dt.date()),
                R::Error(e) => CellValue::Error(e),
                R::Formula { formula, cached } => {
                    let cached = match *cached {
                        R::Empty => None,
                        other => Some(Box::new(cell(other))),
                    };
                    CellValue::Formula { formula, cached }
                }
            }
        }
        let first = raw.first_column;
        let rows: Vec<(u32, Vec<CellValue>)> = raw
            .rows
            .into_iter()
            .map(|r| (r.row, r.cells.into_iter().map(cell).collect()))
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
