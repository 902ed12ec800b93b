//! An import run: the sheet checked row by row in a read transaction (no write, no write lock), and only when every
//! row is good, and it is not a dry run, read again and written row by row in one write transaction — all or nothing.
//! Memory stays flat in the size of the file: one row (or one batch of rows written together) at a time, plus a short
//! hash per row to find rows the sheet repeats.

use super::source::{Head, Source};
use super::{
    cell_json, column_letter, field_for, normalise, shown, ImportProblem, ImportReport, ImportTable, Resolver,
    IMPORTABLE, PERSON_COLUMNS,
};
use crate::audit::WriteTx;
use crate::db::{Arg, Kind, Tx};
use crate::records::def;
use crate::rows::to_arg;
use crate::{Backend, Result, Store, StoreError};
use duikou_domain::access::Actor;
use duikou_domain::schema::{EntityDef, Field, FieldKind};
use duikou_domain::validate::validate_record;
use duikou_domain::Money;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Problems listed in a report at most; past that they are only counted (`more_problems`).
pub const MAX_LISTED_PROBLEMS: usize = 1000;

/// New records of a bulk-capable entity checked, or written, together.
const BATCH: usize = 1000;

/// A placeholder id for a reference to a record the import makes first (a dispatch's new person) while the check
/// pass, which makes nothing, looks at the rest of the row.
const NOT_YET_MADE: i64 = i64::MAX;

impl Store {
    /// Imports a sheet into `entity` as `actor`: all rows or none. With `dry_run`, only checks and counts.
    pub async fn import(
        &self,
        actor: &Actor,
        entity: &str,
        table: &ImportTable,
        dry_run: bool,
    ) -> Result<ImportReport> {
        self.import_from(actor, entity, Source::Table(table), dry_run).await
    }

    /// Imports the .xlsx or .csv file at `path` (`file_name` is its name as the user gave it, whose extension says
    /// which) into `entity` as `actor`: all rows or none; with `dry_run`, only checks and counts. The file is read row
    /// by row — once to check, and once more to write when every row is good — so it is never held whole. A file that
    /// cannot be read is a [`StoreError::BadFile`] naming it.
    pub async fn import_file(
        &self,
        actor: &Actor,
        entity: &str,
        path: &Path,
        file_name: &str,
        dry_run: bool,
    ) -> Result<ImportReport> {
        self.import_from(actor, entity, Source::File { path, name: file_name }, dry_run)
            .await
    }

    async fn import_from(
        &self,
        actor: &Actor,
        entity: &str,
        source: Source<'_>,
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
        let expected: Vec<String> = super::template_headers(entity)?.into_iter().map(|(l, _)| l).collect();
        let mut report = ImportReport {
            entity: entity.into(),
            dry_run,
            ..Default::default()
        };
        let mut problems = Problems::default();
        let mut data_rows = RowRuns::default();

        // pass 1: check every row, writing nothing
        let (head, mut rows) = source.open(expected.clone()).await?;
        let sheet = Sheet::new(d, &head, &mut problems);
        if !problems.is_empty() {
            // the header is wrong: no row can be read right; only count them
            while let Some((row, _)) = rows.next().await? {
                data_rows.add(row);
                report.rows += 1;
            }
            sheet.merged_problems(&head, &data_rows, &mut problems);
            problems.into_report(&mut report);
            return Ok(report);
        }
        let mut resolver = Resolver {
            store: self,
            cache: HashMap::new(),
        };
        let mut seen: HashMap<KeyHash, u32> = HashMap::new();
        let mut on = On::check(self, actor).await?;
        let mut pass = Pass::new(d);
        while let Some((row, cells)) = rows.next().await? {
            data_rows.add(row);
            report.rows += 1;
            let Some(c) = sheet.candidate(row, &cells, &mut resolver, &mut problems).await else {
                continue;
            };
            if !sheet.first_sighting(&c, &mut seen, &mut problems) {
                continue;
            }
            pass.take(self, &mut on, c, &mut problems).await?;
        }
        pass.flush(&mut on, &mut problems).await?;
        on.end().await?;
        drop(seen);
        sheet.merged_problems(&head, &data_rows, &mut problems);
        if !problems.is_empty() {
            problems.into_report(&mut report);
            return Ok(report);
        }
        if dry_run {
            (report.created, report.updated, report.unchanged) = (pass.created, pass.updated, pass.unchanged);
            return Ok(report);
        }

        // pass 2: every row is good; read them again and write them, all in one transaction
        let (_, mut rows) = source.open(expected).await?;
        let mut on = On::Write(Box::new(WriteTx::begin(self, actor).await?));
        let mut pass = Pass::new(d);
        while let Some((row, cells)) = rows.next().await? {
            let Some(c) = sheet.candidate(row, &cells, &mut resolver, &mut problems).await else {
                continue;
            };
            pass.take(self, &mut on, c, &mut problems).await?;
        }
        pass.flush(&mut on, &mut problems).await?;
        let On::Write(mut w) = on else {
            return Err(StoreError::Other("导入写入阶段的事务丢失".into()));
        };
        if !problems.is_empty() {
            // the record changed between the check and the write (another user's write): nothing is written
            w.tx.rollback().await?;
            problems.into_report(&mut report);
            return Ok(report);
        }
        (report.created, report.updated, report.unchanged) = (pass.created, pass.updated, pass.unchanged);
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
}

/// The problems found: those of the first rows kept, [`MAX_LISTED_PROBLEMS`] at most, and the rest counted.
#[derive(Default)]
struct Problems {
    listed: Vec<ImportProblem>,
    /// The last row among those listed.
    last_row: u32,
    more: usize,
}

impl Problems {
    fn push(&mut self, p: ImportProblem) {
        if self.listed.len() < MAX_LISTED_PROBLEMS {
            self.last_row = self.last_row.max(p.row);
            self.listed.push(p);
            return;
        }
        self.more += 1;
        if p.row >= self.last_row {
            return;
        }
        // an earlier row's problem found late (a batch checked together, a merged range): it takes the place of one
        // of the last row listed
        if let Some(at) = self.listed.iter().rposition(|q| q.row == self.last_row) {
            self.listed[at] = p;
            self.last_row = self.listed.iter().map(|q| q.row).max().unwrap_or(0);
        }
    }

    /// A cell that cannot be taken: its row, its column's header, what it holds as the user sees it, and why.
    fn in_cell(&mut self, row: u32, column: String, cell: &super::CellValue, message: String) {
        self.push(ImportProblem {
            row,
            column,
            value: shown(cell),
            message,
        });
    }

    fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// Into the report, by row; nothing was or will be written, so nothing is counted as created or changed.
    fn into_report(self, report: &mut ImportReport) {
        let mut listed = self.listed;
        listed.sort_by_key(|p| p.row);
        report.problems = listed;
        report.more_problems = self.more;
        report.created = 0;
        report.updated = 0;
        report.unchanged = 0;
    }
}

/// The data rows of the sheet as runs of consecutive row numbers (a merged range is reported only over data rows).
#[derive(Default)]
struct RowRuns(Vec<(u32, u32)>);

impl RowRuns {
    fn add(&mut self, row: u32) {
        match self.0.last_mut() {
            Some((_, last)) if last.checked_add(1) == Some(row) => *last = row,
            _ => self.0.push((row, row)),
        }
    }

    fn meets(&self, first: u32, last: u32) -> bool {
        self.0.iter().any(|(a, b)| *a <= last && *b >= first)
    }
}

/// The sheet's columns as fields of the entity (and, on a dispatch sheet, of the person).
struct Sheet {
    d: &'static EntityDef,
    headers: Vec<String>,
    first_column: u32,
    columns: Vec<Option<&'static Field>>,
    person_cols: Vec<Option<&'static str>>,
    dispatches: bool,
}

impl Sheet {
    /// Reads the header, noting every header problem (row 1).
    fn new(d: &'static EntityDef, head: &Head, problems: &mut Problems) -> Sheet {
        let dispatches = d.name == "dispatches";
        let letter = |i: usize| column_letter(head.first_column.saturating_sub(1) as usize + i);
        let mut columns = Vec::new();
        let mut person_cols = Vec::new();
        for (i, h) in head.headers.iter().enumerate() {
            let f = field_for(d, h);
            let p = dispatches
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
                    column: letter(i),
                    value: h.clone(),
                    message: format!("无法识别的列名“{h}”（{}的列：{}）", d.label, known.join("、")),
                });
            }
            columns.push(f);
            person_cols.push(p);
        }
        for f in d.fields.iter().filter(|f| f.required && !f.server) {
            let person_given = dispatches && f.name == "person_id" && person_cols.contains(&Some("name"));
            if !columns.iter().any(|c| c.is_some_and(|c| c.name == f.name)) && !person_given {
                problems.push(ImportProblem {
                    row: 1,
                    column: String::new(),
                    value: String::new(),
                    message: format!("缺少必填列“{}”", f.label),
                });
            }
        }
        Sheet {
            d,
            headers: head.headers.clone(),
            first_column: head.first_column,
            columns,
            person_cols,
            dispatches,
        }
    }

    fn letter(&self, i: usize) -> String {
        column_letter(self.first_column.saturating_sub(1) as usize + i)
    }

    /// Each merged range over data rows is a problem: the import needs every row filled in.
    fn merged_problems(&self, head: &Head, data_rows: &RowRuns, problems: &mut Problems) {
        for (r1, r2, c1, c2) in head
            .merged
            .iter()
            .filter(|m| !head.merged_anywhere || data_rows.meets(m.0, m.1))
        {
            let cols = if c1 == c2 {
                self.letter(*c1)
            } else {
                format!("{}–{}", self.letter(*c1), self.letter(*c2))
            };
            problems.push(ImportProblem {
                row: *r1,
                column: cols.clone(),
                value: String::new(),
                message: format!("第{r1}–{r2}行 {cols} 列是合并单元格，请取消合并并在每一行填写"),
            });
        }
    }

    /// One row as the record it would write (names resolved to ids, every cell parsed, the whole validated) and, on a
    /// dispatch sheet, the person to make first; or None, with its problems noted.
    async fn candidate(
        &self,
        row: u32,
        cells: &[super::CellValue],
        resolver: &mut Resolver<'_>,
        problems: &mut Problems,
    ) -> Option<Candidate> {
        let d = self.d;
        let mut rec = Map::new();
        let mut person = Map::new();
        let mut row_ok = true;
        for (i, cell) in cells.iter().enumerate() {
            let header = self.headers.get(i).cloned().unwrap_or_else(|| self.letter(i));
            if let Some(Some(p)) = self.person_cols.get(i) {
                let pf = duikou_domain::schema::entity("people").and_then(|pd| pd.field(p));
                if let Some(pf) = pf {
                    match cell_json(pf, cell) {
                        Ok(v) => {
                            person.insert(p.to_string(), v);
                        }
                        Err(m) => {
                            row_ok = false;
                            problems.in_cell(row, header, cell, m);
                        }
                    }
                }
                continue;
            }
            let Some(Some(f)) = self.columns.get(i) else { continue };
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
                    problems.in_cell(row, header, cell, m);
                }
            }
        }
        if !row_ok {
            return None;
        }
        let person = if self.dispatches && rec.get("person_id").is_none_or(Value::is_null) {
            if person.get("name").is_none_or(Value::is_null) {
                problems.push(ImportProblem {
                    row,
                    column: "姓名".into(),
                    value: String::new(),
                    message: "缺少人员（填写“人员”编号或“姓名”）".into(),
                });
                return None;
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
                            row,
                            column: col,
                            value,
                            message: e.message,
                        });
                    }
                    return None;
                }
            }
        }
        Some(Candidate { row, rec, person })
    }

    /// Whether this is the first row of the sheet with its import key (a later one is a problem naming the first).
    /// Only a hash of the key is kept per row.
    fn first_sighting(&self, c: &Candidate, seen: &mut HashMap<KeyHash, u32>, problems: &mut Problems) -> bool {
        let d = self.d;
        let key = d.import_key();
        if key.is_empty() || c.person.is_some() {
            return true;
        }
        let k: Vec<String> = key
            .iter()
            .map(|f| c.rec.get(*f).map(|v| v.to_string()).unwrap_or_default())
            .collect();
        match seen.entry(hash128(&k.join("|"))) {
            std::collections::hash_map::Entry::Occupied(first) => {
                problems.push(ImportProblem {
                    row: c.row,
                    column: d.field(key[0]).map(|f| f.label.to_string()).unwrap_or_default(),
                    value: String::new(),
                    message: format!(
                        "与第{}行重复（{}相同）",
                        first.get(),
                        key.iter()
                            .filter_map(|f| d.field(f).map(|f| f.label))
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                });
                false
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(c.row);
                true
            }
        }
    }
}

/// A row's key as [`hash128`] keeps it: bytes rather than a u128, so that an entry of the map of rows seen (with its
/// row number) takes 20 bytes, not 32 (a u128 is aligned to 16): 44 MB rather than 69 MB at a million rows.
type KeyHash = [u8; 16];

/// 128 bits of a text's SHA-256: a key held per row without holding the key (two keys of a sheet share a hash with
/// odds far below one in 10^20).
fn hash128(s: &str) -> KeyHash {
    let digest = Sha256::digest(s.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b
}

/// A row ready to check or write: its spreadsheet row, the record, and the person to make first (dispatch sheets).
struct Candidate {
    row: u32,
    rec: Map<String, Value>,
    person: Option<Map<String, Value>>,
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// The transaction a pass runs in: a read transaction that writes nothing (the check), or the write transaction.
enum On {
    Check { tx: Tx, actor: Actor },
    Write(Box<WriteTx>),
}

impl On {
    /// A read transaction: on SQLite a deferred one, which never takes the write lock while it only reads; on
    /// PostgreSQL declared read-only.
    async fn check(store: &Store, actor: &Actor) -> Result<On> {
        let mut tx = store.db().begin().await?;
        if tx.backend() == Backend::Postgres {
            tx.execute("SET TRANSACTION READ ONLY", &[]).await?;
        }
        Ok(On::Check {
            tx,
            actor: actor.clone(),
        })
    }

    fn tx(&mut self) -> &mut Tx {
        match self {
            On::Check { tx, .. } => tx,
            On::Write(w) => &mut w.tx,
        }
    }

    /// Ends a check pass (nothing to keep).
    async fn end(self) -> Result<()> {
        match self {
            On::Check { tx, .. } => Ok(tx.rollback().await?),
            On::Write(w) => Ok(w.tx.rollback().await?),
        }
    }
}

/// One pass over the rows: what it counted, and the new records of a bulk-capable entity waiting to go together.
struct Pass {
    d: &'static EntityDef,
    bulk: bool,
    /// The import key field that anchors the keys already stored (the pairing of an activity, the project of a
    /// transaction): they are read per anchor, the first time a row names it.
    anchor: Option<&'static Field>,
    /// Hashes of the import keys stored under each anchor, before this pass wrote anything there.
    stored: HashMap<i64, HashSet<KeyHash>>,
    batch: Vec<(u32, Map<String, Value>)>,
    created: usize,
    updated: usize,
    unchanged: usize,
}

impl Pass {
    fn new(d: &'static EntityDef) -> Pass {
        let anchor = d
            .import_key()
            .iter()
            .filter_map(|k| d.field(k))
            .find(|f| f.refs.is_some() && matches!(f.kind, FieldKind::Int));
        Pass {
            d,
            bulk: crate::bulk::bulk_capable(d),
            anchor,
            stored: HashMap::new(),
            batch: Vec::new(),
            created: 0,
            updated: 0,
            unchanged: 0,
        }
    }

    /// Checks or writes one row; a refusal is noted as the row's problem, a failure of the database is returned.
    async fn take(&mut self, store: &Store, on: &mut On, c: Candidate, problems: &mut Problems) -> Result<()> {
        let d = self.d;
        let Candidate { row, mut rec, person } = c;
        if self.bulk && person.is_none() && !self.is_stored(on.tx(), &rec).await? {
            self.batch.push((row, rec));
            if self.batch.len() >= BATCH {
                self.flush(on, problems).await?;
            }
            return Ok(());
        }
        let outcome = match on {
            On::Check { tx, actor } => check_row(tx, actor, d, &mut rec, person).await,
            On::Write(w) => store.import_row(w, d, &mut rec, person).await,
        };
        match outcome {
            Ok(Outcome::Created) => self.created += 1,
            Ok(Outcome::Updated) => self.updated += 1,
            Ok(Outcome::Unchanged) => self.unchanged += 1,
            Err(e) if users(&e) => problems.push(problem_of(d, row, &e)),
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Checks or writes the waiting new records together.
    async fn flush(&mut self, on: &mut On, problems: &mut Problems) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let (rows, mut recs): (Vec<u32>, Vec<Map<String, Value>>) = std::mem::take(&mut self.batch).into_iter().unzip();
        let refused = match on {
            On::Check { tx, actor } => {
                let refused = Store::check_many(tx, actor, self.d, &mut recs).await?;
                if refused.is_empty() {
                    self.created += recs.len();
                }
                refused
            }
            On::Write(w) => match Store::create_many_in(w, self.d, recs).await? {
                Ok(ids) => {
                    self.created += ids.len();
                    Vec::new()
                }
                Err(refused) => refused,
            },
        };
        for (i, e) in refused {
            problems.push(problem_of(self.d, rows[i], &e));
        }
        Ok(())
    }

    /// Whether a record with this row's import key is already stored (then the row updates it, or leaves it as it
    /// is). The keys under the row's anchor are read once, before this pass writes anything under it.
    async fn is_stored(&mut self, tx: &mut Tx, rec: &Map<String, Value>) -> Result<bool> {
        let Some(anchor) = self.anchor else {
            return Ok(false);
        };
        let Some(at) = rec.get(anchor.name).and_then(Value::as_i64) else {
            return Ok(false);
        };
        if !self.stored.contains_key(&at) {
            let keys = stored_keys(tx, self.d, anchor, at).await?;
            self.stored.insert(at, keys);
        }
        Ok(self
            .stored
            .get(&at)
            .is_some_and(|keys| keys.contains(&hash128(&key_of(self.d, rec)))))
    }
}

/// Hashes of the import keys of `d`'s records under `anchor` = `at`.
async fn stored_keys(tx: &mut Tx, d: &'static EntityDef, anchor: &Field, at: i64) -> Result<HashSet<KeyHash>> {
    let fields: Vec<&Field> = d.import_key().iter().filter_map(|k| d.field(k)).collect();
    let kinds: Vec<Kind> = fields.iter().map(|f| crate::rows::kind_of(f)).collect();
    let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
    let rows = tx
        .fetch(
            &format!("SELECT {} FROM {} WHERE {} = $1", names.join(", "), d.name, anchor.name),
            &[Arg::Int(Some(at))],
            &kinds,
        )
        .await?;
    Ok(rows.iter().map(|r| hash128(&format!("{r:?}"))).collect())
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

/// Whether a failure is the row's (a refusal to show the user) rather than the database's.
fn users(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Invalid(_)
            | StoreError::NotFound { .. }
            | StoreError::UnknownEntity(_)
            | StoreError::Forbidden(_)
            | StoreError::Conflict { .. }
    )
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

/// What writing one row would do, found without writing: the checks of a create or an update, read in `tx`.
async fn check_row(
    tx: &mut Tx,
    actor: &Actor,
    d: &'static EntityDef,
    rec: &mut Map<String, Value>,
    person: Option<Map<String, Value>>,
) -> Result<Outcome> {
    let mut assumed: &[&str] = &[];
    if let Some(p) = person {
        let people = def("people")?;
        match find_by_key(tx, people, &p).await? {
            Some(existing) => {
                rec.insert("person_id".into(), existing["id"].clone());
            }
            None => {
                Store::check_create(tx, actor, people, &Value::Object(p), &[]).await?;
                rec.insert("person_id".into(), Value::from(NOT_YET_MADE));
                assumed = &["person_id"];
            }
        }
    }
    // a person not yet made has no dispatch yet
    let existing = match assumed.is_empty() {
        true => find_by_key(tx, d, rec).await?,
        false => None,
    };
    match existing {
        Some(existing) if same(rec, &existing) => Ok(Outcome::Unchanged),
        Some(existing) => {
            let id = existing["id"].as_i64().unwrap_or(0);
            Store::check_update(tx, actor, d, id, &Value::Object(rec.clone())).await?;
            Ok(Outcome::Updated)
        }
        None => {
            Store::check_create(tx, actor, d, &Value::Object(rec.clone()), assumed).await?;
            Ok(Outcome::Created)
        }
    }
}

/// Whether a row says nothing the stored record does not already hold.
fn same(rec: &Map<String, Value>, existing: &Value) -> bool {
    rec.iter()
        .all(|(k, v)| existing.get(k) == Some(v) || (v.is_null() && existing[k].is_null()))
}

impl Store {
    async fn import_row(
        &self,
        w: &mut WriteTx,
        d: &'static EntityDef,
        rec: &mut Map<String, Value>,
        person: Option<Map<String, Value>>,
    ) -> Result<Outcome> {
        if let Some(p) = person {
            let id = match find_by_key(&mut w.tx, def("people")?, &p).await? {
                Some(existing) => existing["id"].clone(),
                None => Self::create_in(w, "people", &Value::Object(p)).await?["id"].clone(),
            };
            rec.insert("person_id".into(), id);
        }
        match find_by_key(&mut w.tx, d, rec).await? {
            Some(existing) if same(rec, &existing) => Ok(Outcome::Unchanged),
            Some(existing) => {
                Self::update_in(
                    w,
                    d.name,
                    existing["id"].as_i64().unwrap_or(0),
                    &Value::Object(rec.clone()),
                )
                .await?;
                Ok(Outcome::Updated)
            }
            None => {
                Self::create_in(w, d.name, &Value::Object(rec.clone())).await?;
                Ok(Outcome::Created)
            }
        }
    }
}

/// The record with the same import key, read in `tx`.
async fn find_by_key(tx: &mut Tx, d: &'static EntityDef, rec: &Map<String, Value>) -> Result<Option<Value>> {
    let key = d.import_key();
    if key.is_empty() {
        return Ok(None);
    }
    let op = match tx.backend() {
        Backend::Sqlite => "IS",
        Backend::Postgres => "IS NOT DISTINCT FROM",
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
    let row = tx
        .fetch_opt(
            &format!("SELECT id FROM {} WHERE {} LIMIT 1", d.name, conds.join(" AND ")),
            &args,
            &[Kind::Int],
        )
        .await?;
    match row.and_then(|r| r[0].int()) {
        Some(id) => Ok(Some(Store::get_in(tx, d, id).await?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(row: u32) -> ImportProblem {
        ImportProblem {
            row,
            column: String::new(),
            value: String::new(),
            message: format!("第{row}行"),
        }
    }

    /// The problems listed are those of the first rows, even when an earlier row's problem is found after later
    /// ones (a batch checked together); the others are counted.
    #[test]
    fn the_first_rows_problems_are_listed() {
        let mut p = Problems::default();
        for row in 1000..1000 + MAX_LISTED_PROBLEMS as u32 + 10 {
            p.push(at(row));
        }
        p.push(at(2));
        p.push(at(3));
        let mut report = ImportReport::default();
        p.into_report(&mut report);
        assert_eq!(report.problems.len(), MAX_LISTED_PROBLEMS);
        assert_eq!(report.more_problems, 12);
        let rows: Vec<u32> = report.problems.iter().map(|q| q.row).collect();
        assert_eq!(&rows[..3], [2, 3, 1000]);
        assert_eq!(rows.last(), Some(&(1000 + MAX_LISTED_PROBLEMS as u32 - 3)));
    }
}
