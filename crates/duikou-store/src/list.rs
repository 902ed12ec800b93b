//! Lists of any entity: equality and date filters, Chinese search, sort, and pages — by page number near the start,
//! by cursor (`after` / `before` a record id) anywhere. No request reads more rows than a bound: totals come from
//! the trigger-kept `row_counts` table or a count that stops at [`COUNT_CAP`], pages from an index range after the
//! cursor. A search of [`INDEXED_CHARS`] or more characters is a filter answered by the search index (migration
//! 0024: FTS5 trigram tables on SQLite, pg_trgm GIN indexes on PostgreSQL) across the whole table; a shorter one
//! cannot use trigrams and examines at most [`SEARCH_WINDOW`] rows from where it starts.

use crate::db::{Arg, Backend, Kind, Val};
use crate::records::def;
use crate::rows::{columns, kind_of, row_json, select_cols};
use crate::{Result, Store, StoreError};
use chrono::{Datelike, NaiveDate};
use duikou_domain::schema::{EntityDef, Field, FieldKind};
use duikou_domain::{Calendar, Money, Period, Qty, RecDate, ValidationErrors};
use serde_json::Value;
use std::collections::BTreeMap;

/// A filtered list counts its matches up to this many; beyond it reports "at least this many" (`total_exact` false).
pub const COUNT_CAP: i64 = 10_000;
/// Page numbers reach this many records into a list; beyond it a caller pages with the `after` cursor.
pub const MAX_OFFSET: i64 = 10_000;
/// A search (`q`) shorter than [`INDEXED_CHARS`] examines at most this many records (in the list's order, from its
/// cursor) per request.
pub const SEARCH_WINDOW: i64 = 5_000;
/// A search of at least this many characters is answered by the search index (trigrams: three characters).
pub const INDEXED_CHARS: usize = 3;

/// A list's search text, as the index and the fallback each need it.
#[derive(Debug, Clone)]
pub(crate) struct Search {
    /// `%text%`, lower-cased and escaped for `LIKE … ESCAPE '\'`.
    like: String,
    /// The text as typed (trimmed), for the FTS5 phrase.
    text: String,
    /// Long enough for trigrams: answered by the index over the whole table, not by a window.
    pub(crate) indexed: bool,
    /// Found in many records (SQLite, see [`FREQUENT`]): a page walks the list's order and keeps the matches
    /// instead of sorting every match.
    frequent: bool,
}

/// A search found in more records than this (counted in its trigram table) reads a page in the list's order,
/// keeping the matches, rather than sorting all of them.
const FREQUENT: i64 = 500;

impl Search {
    /// The search for `q` as typed (trimmed); `None` when it is empty.
    pub(crate) fn new(q: &str) -> Option<Search> {
        let q = q.trim();
        if q.is_empty() {
            return None;
        }
        let escaped = q
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        Some(Search {
            like: format!("%{escaped}%"),
            text: q.to_string(),
            indexed: q.chars().count() >= INDEXED_CHARS,
            frequent: false,
        })
    }

    /// The text as an FTS5 phrase: in double quotes, quotes doubled (a substring of any column).
    fn phrase(&self) -> String {
        format!("\"{}\"", self.text.replace('"', "\"\""))
    }

    /// The condition on a row of `def`'s table (unqualified columns) that it matches: through the search index when
    /// the text is long enough (migration 0024), else `LIKE` on each search column.
    pub(crate) fn sql(&self, backend: Backend, def: &EntityDef, b: &mut Binds) -> String {
        if self.indexed && backend == Backend::Sqlite {
            // an FTS5 phrase (in double quotes, quotes doubled) of the trigram table: a substring of any column
            let t = format!("{}_search", def.name);
            let p = b.push(Arg::Text(Some(self.phrase())));
            // `+id` keeps SQLite from reading the matches by id (and sorting them all): it walks the order's index
            let plus = if self.frequent { "+" } else { "" };
            return format!("{plus}id IN (SELECT rowid FROM {t} WHERE {t} MATCH {p})");
        }
        let p = b.push(Arg::Text(Some(self.like.clone())));
        // PostgreSQL's LIKE escapes with a backslash by default; a plain LIKE lets the planner use the pg_trgm index
        let escape = if backend == Backend::Sqlite { " ESCAPE '\\'" } else { "" };
        let ors: Vec<String> = def
            .search
            .iter()
            .map(|c| format!("LOWER({c}) LIKE {p}{escape}"))
            .collect();
        format!("({})", ors.join(" OR "))
    }
}

/// A page of records.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page {
    /// The records of this page.
    pub items: Vec<Value>,
    /// How many records match in all — exact when `total_exact`, otherwise a lower bound.
    pub total: i64,
    /// Whether `total` is exact. A filtered list stops counting at [`COUNT_CAP`]; a search counts the matches
    /// among the records it examined.
    pub total_exact: bool,
    /// The page number, from 1 (1 when paging by cursor).
    pub page: i64,
    /// Records per page.
    pub per_page: i64,
    /// Pass as `after` for the next page; `None` at the end.
    pub next_after: Option<i64>,
    /// Pass as `before` for the previous page; `None` at the start.
    pub prev_before: Option<i64>,
}

/// Parameters of a list: equality filters by field, date ranges, search text, sort, page or cursor.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// `field` → value (as text, converted by the field's kind); `field_from` / `field_to` for dates.
    pub filters: BTreeMap<String, String>,
    /// Text searched in the entity's search fields.
    pub q: Option<String>,
    /// `field` ascending or `-field` descending.
    pub sort: Option<String>,
    /// From 1; `(page - 1) × per_page` at most [`MAX_OFFSET`].
    pub page: Option<i64>,
    /// At most 500.
    pub per_page: Option<i64>,
    /// The records after this one in the list's order (a `next_after` of an earlier page).
    pub after: Option<i64>,
    /// The records before this one in the list's order (a `prev_before` of an earlier page).
    pub before: Option<i64>,
}

fn text_arg(f: &Field, raw: &str) -> std::result::Result<Arg, String> {
    let bad = || format!("{}（{}）筛选值无效：“{raw}”", f.label, f.name);
    Ok(match f.kind {
        FieldKind::Int => Arg::Int(Some(raw.parse().map_err(|_| bad())?)),
        FieldKind::Money => Arg::Int(Some(raw.parse::<Money>().map_err(|_| bad())?.fen())),
        FieldKind::Qty => Arg::Int(Some(raw.parse::<Qty>().map_err(|_| bad())?.raw())),
        // a month or a year from its first day (`_to` takes its last: see `plan`)
        FieldKind::Date => Arg::Date(Some(raw.parse::<RecDate>().map_err(|_| bad())?.first)),
        FieldKind::Bool => Arg::Bool(Some(match raw {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => return Err(bad()),
        })),
        FieldKind::Json(_) => return Err(format!("{}（{}）不能用作筛选条件", f.label, f.name)),
        // an option that does not exist would only ever find nothing: say which ones do
        FieldKind::Enum(options) if !options.iter().any(|(v, _)| *v == raw) => {
            let known: Vec<String> = options.iter().map(|(v, l)| format!("{v}（{l}）")).collect();
            return Err(format!(
                "{}（{}）筛选值无效：“{raw}”，可选：{}",
                f.label,
                f.name,
                known.join("、")
            ));
        }
        _ => Arg::Text(Some(raw.to_string())),
    })
}

/// A list's `period=`: the entity's start (or only) date field, its end date field, the period's first and last day.
type PeriodFilter = (&'static str, Option<&'static str>, (NaiveDate, NaiveDate));

/// `period=` of a list: the entity's dates and the period's bounds (on the default calendar: school years from
/// 1 September, the spring semester from 1 February).
fn period_filter(def: &EntityDef, raw: &str) -> std::result::Result<PeriodFilter, String> {
    let Some((start, end)) = duikou_domain::schema::dated_by(def.name) else {
        return Err(format!("{}不能按期间（period）筛选", def.label));
    };
    let p: Period = raw
        .parse()
        .map_err(|e: duikou_domain::PeriodParseError| e.to_string())?;
    let bounds = p.bounds(&Calendar::default(), None).ok_or_else(|| {
        "列表的期间（period）不能是 term（帮扶期依结对而定），请写出年份、学年、学期或日期范围".to_string()
    })?;
    Ok((start, end, bounds))
}

/// Arguments of one statement, numbered as they are added.
#[derive(Default)]
pub(crate) struct Binds(pub(crate) Vec<Arg>);

impl Binds {
    pub(crate) fn push(&mut self, a: Arg) -> String {
        self.0.push(a);
        format!("${}", self.0.len())
    }
}

/// Where a run of the list's order starts, relative to the cursor. NULLs sort first on SQLite and last on
/// PostgreSQL (ascending; descending is the exact reverse on both), so a cursor on a nullable column splits the
/// rest of the list into the non-NULL run and the NULL run, each one index range.
#[derive(Clone)]
enum Run {
    All,
    IdPast(i64),
    RowPast(Val, i64),
    NullIdPast(i64),
    NotNull,
    Null,
}

/// A validated list query.
struct Plan {
    def: &'static EntityDef,
    filters: Vec<(&'static str, &'static str, Arg)>,
    /// `period=`: the record's dates (start, end) and the period's bounds, see [`Plan::period_sql`].
    period: Option<PeriodFilter>,
    like: Option<Search>,
    sort: &'static str,
    sort_kind: Kind,
    /// Descending in the order rows are read (flipped for `before`).
    desc: bool,
    backend: Backend,
}

impl Plan {
    fn dir(&self) -> &'static str {
        if self.desc {
            "DESC"
        } else {
            "ASC"
        }
    }

    fn order(&self) -> String {
        let d = self.dir();
        if self.sort == "id" {
            format!(" ORDER BY id {d}")
        } else {
            format!(" ORDER BY {} {d}, id {d}", self.sort)
        }
    }

    /// Whether the list is filtered at all (an indexed search is a filter).
    fn filtered(&self) -> bool {
        !self.filters.is_empty() || self.period.is_some() || self.like.as_ref().is_some_and(|s| s.indexed)
    }

    /// Whether the list searches a bounded window (a search too short for the index).
    fn windowed(&self) -> bool {
        self.like.as_ref().is_some_and(|s| !s.indexed)
    }

    /// `period=`: the records whose interval `[start.first, (end or start).last()]` lies within the period (the one
    /// rule of [`duikou_domain::date::attribute`]). A date column holds the first day of its month or year, so the
    /// interval's last day is within the period's end `to` exactly when the end's first day is on or before `to`
    /// (a day), before the first of the month after `to` (a month), before 1 January after `to` (a year).
    fn period_sql(&self, b: &mut Binds) -> Option<String> {
        let (start, end, (from, to)) = self.period?;
        let next = to.succ_opt().unwrap_or(to);
        let month_after = NaiveDate::from_ymd_opt(next.year(), next.month(), 1).unwrap_or(next);
        let year_after = NaiveDate::from_ymd_opt(next.year(), 1, 1).unwrap_or(next);
        let (end_col, end_precision) = match end {
            Some(e) => (
                format!("COALESCE({e}, {start})"),
                format!("CASE WHEN {e} IS NULL THEN {start}_precision ELSE {e}_precision END"),
            ),
            None => (start.to_string(), format!("{start}_precision")),
        };
        let f = b.push(Arg::Date(Some(from)));
        let t = b.push(Arg::Date(Some(to)));
        let m = b.push(Arg::Date(Some(month_after)));
        let y = b.push(Arg::Date(Some(year_after)));
        Some(format!(
            "{start} >= {f} AND ((COALESCE({end_precision}, 'day') = 'day' AND {end_col} <= {t}) \
             OR ({end_precision} = 'month' AND {end_col} < {m}) OR ({end_precision} = 'year' AND {end_col} < {y}))"
        ))
    }

    /// ` WHERE …` of the filters, the run and (when asked) the search.
    fn where_sql(&self, b: &mut Binds, run: &Run, search: bool) -> String {
        let mut conds: Vec<String> = self
            .filters
            .iter()
            .map(|(col, op, a)| format!("{col} {op} {}", b.push(a.clone())))
            .collect();
        conds.extend(self.period_sql(b));
        let op = if self.desc { "<" } else { ">" };
        let s = self.sort;
        match run {
            Run::All => {}
            Run::IdPast(id) => conds.push(format!("id {op} {}", b.push(Arg::Int(Some(*id))))),
            Run::RowPast(v, id) => {
                let (pv, pid) = (b.push(v.clone()), b.push(Arg::Int(Some(*id))));
                conds.push(format!("({s}, id) {op} ({pv}, {pid})"));
            }
            Run::NullIdPast(id) => conds.push(format!("{s} IS NULL AND id {op} {}", b.push(Arg::Int(Some(*id))))),
            Run::NotNull => conds.push(format!("{s} IS NOT NULL")),
            Run::Null => conds.push(format!("{s} IS NULL")),
        }
        if search {
            conds.extend(self.like_sql(b));
        }
        if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        }
    }

    /// The search condition, if the query searches: through the index when the text is long enough, else `LIKE`.
    fn like_sql(&self, b: &mut Binds) -> Option<String> {
        Some(self.like.as_ref()?.sql(self.backend, self.def, b))
    }

    /// The runs after the cursor whose sort value is `cursor`, in reading order.
    fn runs(&self, cursor: Option<(Option<Val>, i64)>) -> Vec<Run> {
        let Some((value, id)) = cursor else {
            return vec![Run::All];
        };
        if self.sort == "id" {
            return vec![Run::IdPast(id)];
        }
        let nulls_first = (self.backend == Backend::Sqlite) != self.desc;
        match value {
            None if nulls_first => vec![Run::NullIdPast(id), Run::NotNull],
            None => vec![Run::NullIdPast(id)],
            Some(v) if nulls_first => vec![Run::RowPast(v, id)],
            Some(v) => vec![Run::RowPast(v, id), Run::Null],
        }
    }
}

/// The value as a non-null argument, `None` for NULL.
fn non_null(v: Val) -> Option<Val> {
    let null = matches!(
        &v,
        Arg::Int(None)
            | Arg::Text(None)
            | Arg::Date(None)
            | Arg::Bool(None)
            | Arg::Json(None)
            | Arg::Ts(None)
            | Arg::Bytes(None)
    );
    (!null).then_some(v)
}

impl Store {
    /// A filtered, sorted page of records.
    pub async fn list(&self, entity: &str, query: &ListQuery) -> Result<Page> {
        let def = def(entity)?;
        let (mut plan, page, per_page) = self.plan(def, query)?;
        // SQLite: how many records the search finds (up to the cap), from its trigram table alone
        let mut search_hits = None;
        if let Some(search) = plan
            .like
            .as_mut()
            .filter(|s| s.indexed && self.backend() == Backend::Sqlite)
        {
            let n = self.trigram_count(def, search).await?;
            search.frequent = n > FREQUENT;
            search_hits = Some(n);
        }
        let cursor_id = query.after.or(query.before);
        let cursor = match cursor_id {
            None => None,
            Some(id) if plan.sort == "id" => Some((None, id)),
            Some(id) => Some((self.cursor_value(&plan, query, id).await?, id)),
        };
        let runs = plan.runs(cursor);
        let offset = (page - 1) * per_page;
        let want = per_page + 1;
        let (sel, kinds) = select_cols(def);
        let mut rows: Vec<Vec<Val>> = Vec::new();
        // Searches read a bounded window: (matches, examined, the last examined id when the window filled).
        let mut window: Option<(i64, i64, Option<i64>)> = None;
        // An unfiltered list's kept row count rides along with its first rows: one round trip, not two.
        let mut kept_total: Option<i64> = None;
        if !plan.windowed() {
            for (i, run) in runs.iter().enumerate() {
                let mut b = Binds::default();
                let w = plan.where_sql(&mut b, run, true);
                let limit = b.push(Arg::Int(Some(want - rows.len() as i64)));
                let off = b.push(Arg::Int(Some(offset)));
                let with_total = i == 0 && !plan.filtered();
                let mut kinds = kinds.clone();
                let extra = if with_total {
                    kinds.push(Kind::Int);
                    let e = b.push(Arg::Text(Some(def.name.into())));
                    format!(", (SELECT n FROM row_counts WHERE entity = {e})")
                } else {
                    String::new()
                };
                let sql = format!(
                    "SELECT {sel}{extra} FROM {}{w}{} LIMIT {limit} OFFSET {off}",
                    def.name,
                    plan.order()
                );
                let mut got = self.db().fetch(&sql, &b.0, &kinds).await?;
                if with_total {
                    for r in &mut got {
                        kept_total = r.pop().and_then(|v| v.int());
                    }
                }
                rows.extend(got);
                if rows.len() as i64 >= want {
                    break;
                }
            }
        } else {
            let (mut hits, mut examined, mut last) = (0, 0, None);
            for run in &runs {
                let budget = SEARCH_WINDOW - examined;
                if budget <= 0 {
                    break;
                }
                let mut b = Binds::default();
                let w = plan.where_sql(&mut b, run, false);
                let lim = b.push(Arg::Int(Some(budget)));
                let order = plan.order();
                let src = format!("(SELECT * FROM {}{w}{order} LIMIT {lim}) w", def.name);
                // the count reads only the searched columns
                let narrow = format!(
                    "(SELECT {} FROM {}{w}{order} LIMIT {lim}) w",
                    def.search.join(", "),
                    def.name
                );
                let like = plan.like_sql(&mut b).unwrap_or_else(|| "1 = 1".into());
                let counted = self
                    .db()
                    .fetch_opt(
                        &format!("SELECT COUNT(*), COALESCE(SUM(CASE WHEN {like} THEN 1 ELSE 0 END), 0) FROM {narrow}"),
                        &b.0,
                        &[Kind::Int, Kind::Int],
                    )
                    .await?;
                let (seen, found) = counted
                    .map(|r| (r[0].int().unwrap_or(0), r[1].int().unwrap_or(0)))
                    .unwrap_or((0, 0));
                if (rows.len() as i64) < want && found > 0 {
                    let limit = b.push(Arg::Int(Some(want - rows.len() as i64)));
                    let off = b.push(Arg::Int(Some(offset)));
                    let sql = format!(
                        "SELECT {sel} FROM {src} WHERE {like}{} LIMIT {limit} OFFSET {off}",
                        plan.order()
                    );
                    rows.extend(self.db().fetch(&sql, &b.0, &kinds).await?);
                }
                hits += found;
                examined += seen;
                if examined >= SEARCH_WINDOW {
                    let mut b = Binds::default();
                    let w = plan.where_sql(&mut b, run, false);
                    let off = b.push(Arg::Int(Some(seen - 1)));
                    let sql = format!("SELECT id FROM {}{w}{} LIMIT 1 OFFSET {off}", def.name, plan.order());
                    last = self
                        .db()
                        .fetch_opt(&sql, &b.0, &[Kind::Int])
                        .await?
                        .and_then(|r| r[0].int());
                }
            }
            window = Some((hits, examined, last));
        }
        let more = rows.len() as i64 > per_page;
        rows.truncate(per_page as usize);
        let mut items: Vec<Value> = rows.iter().map(|r| row_json(def, r)).collect();
        let id_at = |items: &[Value], i: usize| items.get(i).and_then(|v| v["id"].as_i64());
        // `further` is the id to continue reading from in the reading direction, when there is more to read.
        let further = if more {
            items.last().and_then(|v| v["id"].as_i64())
        } else {
            window.and_then(|w| w.2)
        };
        let (next_after, prev_before) = if query.before.is_some() {
            items.reverse();
            (id_at(&items, items.len().wrapping_sub(1)), further)
        } else {
            let back = (query.after.is_some() || offset > 0)
                .then(|| id_at(&items, 0))
                .flatten();
            (further, back)
        };
        let (total, total_exact) = match window {
            Some((hits, _, last)) => (hits, last.is_none() && cursor_id.is_none()),
            None => match kept_total {
                Some(n) => (n, true),
                // a search alone is counted already
                None => match search_hits {
                    Some(n) if plan.filters.is_empty() && plan.period.is_none() => (n.min(COUNT_CAP), n <= COUNT_CAP),
                    _ => self.total(&plan).await?,
                },
            },
        };
        Ok(Page {
            items,
            total,
            total_exact,
            page,
            per_page,
            next_after,
            prev_before,
        })
    }

    /// The number of rows of each entity table, kept by triggers (migration 0005).
    pub async fn row_counts(&self) -> Result<BTreeMap<String, i64>> {
        let rows = self
            .db()
            .fetch("SELECT entity, n FROM row_counts", &[], &[Kind::Text, Kind::Int])
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| Some((r[0].text()?.to_string(), r[1].int()?)))
            .collect())
    }

    /// How many records match: the kept row count when unfiltered, else a count that stops past [`COUNT_CAP`].
    async fn total(&self, plan: &Plan) -> Result<(i64, bool)> {
        if !plan.filtered() {
            let kept = self
                .db()
                .fetch_opt(
                    "SELECT n FROM row_counts WHERE entity = $1",
                    &[Arg::Text(Some(plan.def.name.into()))],
                    &[Kind::Int],
                )
                .await?
                .and_then(|r| r[0].int());
            if let Some(n) = kept {
                return Ok((n, true));
            }
        }
        let mut b = Binds::default();
        let w = plan.where_sql(&mut b, &Run::All, true);
        let cap = b.push(Arg::Int(Some(COUNT_CAP + 1)));
        let n = self
            .db()
            .fetch_opt(
                &format!(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM {}{w} LIMIT {cap}) c",
                    plan.def.name
                ),
                &b.0,
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        Ok((n.min(COUNT_CAP), n <= COUNT_CAP))
    }

    /// How many records of `def` a search (SQLite, long enough for trigrams) finds, up to [`COUNT_CAP`] + 1, read
    /// from its trigram table alone.
    async fn trigram_count(&self, def: &EntityDef, search: &Search) -> Result<i64> {
        let t = format!("{}_search", def.name);
        let n = self
            .db()
            .fetch_opt(
                &format!("SELECT COUNT(*) FROM (SELECT rowid FROM {t} WHERE {t} MATCH $1 LIMIT $2) c"),
                &[Arg::Text(Some(search.phrase())), Arg::Int(Some(COUNT_CAP + 1))],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        Ok(n)
    }

    /// The sort value of the cursor's record.
    async fn cursor_value(&self, plan: &Plan, query: &ListQuery, id: i64) -> Result<Option<Val>> {
        let name = if query.after.is_some() { "after" } else { "before" };
        let row = self
            .db()
            .fetch_opt(
                &format!("SELECT {} FROM {} WHERE id = $1", plan.sort, plan.def.name),
                &[Arg::Int(Some(id))],
                &[plan.sort_kind],
            )
            .await?;
        match row.and_then(|r| r.into_iter().next()) {
            Some(v) => Ok(non_null(v)),
            None => Err(StoreError::invalid(
                name,
                "unknown_cursor",
                format!(
                    "翻页游标 {name}={id} 所指的{}不存在（可能已被删除），请从第一页重新开始",
                    plan.def.label
                ),
            )),
        }
    }

    /// Checks every parameter, reporting all that are wrong at once.
    fn plan(&self, def: &'static EntityDef, query: &ListQuery) -> Result<(Plan, i64, i64)> {
        let mut errors = ValidationErrors::new();
        let mut filters = Vec::new();
        let mut period = None;
        for (k, raw) in &query.filters {
            if k == "period" && def.field("period").is_none() {
                match period_filter(def, raw) {
                    Ok(p) => period = Some(p),
                    Err(m) => errors.add("period", "period", m),
                }
                continue;
            }
            let (name, op) = if let Some(n) = k.strip_suffix("_from") {
                (n, ">=")
            } else if let Some(n) = k.strip_suffix("_to") {
                (n, "<=")
            } else {
                (k.as_str(), "=")
            };
            let field = columns(def).into_iter().find(|f| f.name == name).or_else(|| {
                // a field whose own name ends in _from/_to
                columns(def).into_iter().find(|f| f.name == k.as_str())
            });
            let Some(field) = field else {
                errors.add(
                    k.clone(),
                    "unknown_filter",
                    format!("{}没有可筛选的字段“{k}”", def.label),
                );
                continue;
            };
            let op = if field.name == k.as_str() { "=" } else { op };
            // up to a month or a year: all of it
            let arg = match (field.kind, op) {
                (FieldKind::Date, "<=") => raw
                    .parse::<RecDate>()
                    .map(|d| Arg::Date(Some(d.last())))
                    .map_err(|_| format!("{}（{}）筛选值无效：“{raw}”", field.label, field.name)),
                _ => text_arg(field, raw),
            };
            match arg {
                Ok(a) => filters.push((field.name, op, a)),
                Err(m) => errors.add(k.clone(), "filter", m),
            }
        }
        let mut like = None;
        if let Some(search) = query.q.as_deref().and_then(Search::new) {
            if def.search.is_empty() {
                errors.add("q", "no_search", format!("{}不支持全文搜索", def.label));
            } else {
                like = Some(search);
            }
        }
        let sort = query.sort.as_deref().unwrap_or(def.default_sort);
        let (sort_field, desc) = match sort.strip_prefix('-') {
            Some(s) => (s, true),
            None => (sort, false),
        };
        let system = [("id", Kind::Int), ("created_at", Kind::Ts), ("updated_at", Kind::Ts)];
        let sorted = system
            .iter()
            .find(|(n, _)| *n == sort_field)
            .map(|(n, k)| (*n, *k))
            .or_else(|| {
                columns(def)
                    .into_iter()
                    .find(|f| f.name == sort_field && !matches!(f.kind, FieldKind::Json(_)))
                    .map(|f| (f.name, kind_of(f)))
            });
        if sorted.is_none() {
            errors.add("sort", "unknown_sort", format!("{}不能按“{sort_field}”排序", def.label));
        }
        let page = query.page.unwrap_or(1);
        let per_page = query.per_page.unwrap_or(50);
        if page < 1 {
            errors.add("page", "range", "页码（page）应从 1 开始");
        }
        if !(1..=500).contains(&per_page) {
            errors.add("per_page", "range", "每页条数（per_page）应在 1 到 500 之间");
        }
        if page > 1 && (1..=500).contains(&per_page) && (page - 1).saturating_mul(per_page) > MAX_OFFSET {
            errors.add(
                "page",
                "range",
                format!(
                    "页码（page）最多翻到第 {MAX_OFFSET} 条记录（每页 {per_page} 条时为第 {} 页）；更远处请用上一页返回的 next_after 作为 after 参数继续翻页",
                    MAX_OFFSET / per_page + 1
                ),
            );
        }
        if query.after.is_some() && query.before.is_some() {
            errors.add("after", "cursor", "after 与 before 只能使用其中一个");
        }
        if (query.after.is_some() || query.before.is_some()) && page > 1 {
            errors.add("page", "cursor", "按游标（after / before）翻页时不能再指定页码（page）");
        }
        for (name, v) in [("after", query.after), ("before", query.before)] {
            if v.is_some_and(|v| v < 1) {
                errors.add(name, "cursor", format!("翻页游标 {name} 应为记录编号（正整数）"));
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let (sort, sort_kind) = sorted.unwrap_or(("id", Kind::Int));
        Ok((
            Plan {
                def,
                filters,
                period,
                like,
                sort,
                sort_kind,
                desc: desc != query.before.is_some(),
                backend: self.backend(),
            },
            page,
            per_page,
        ))
    }
}
