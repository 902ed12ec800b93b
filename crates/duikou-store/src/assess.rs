//! Evaluating a pairing's obligations: load its program, orgs, obligations and records, run the pure engine.

use crate::db::{Arg, Kind, Val};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use duikou_domain::engine::{self, EvalOptions, ObligationInput, ObligationResult, PairingContext, Records, Score};
use duikou_domain::obligation::{Window, RECORD_ENTITIES};
use duikou_domain::record::{recs, Rec};
use duikou_domain::schema::{EntityDef, Field, FieldKind};
use duikou_domain::{Calendar, ObligationRule, Period, Qty, RatingScale};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Pairings read and evaluated together by [`Store::assess_program`].
const PAIRINGS_AT_ONCE: usize = 100;

/// One pairing's results and score.
#[derive(Debug, Clone, Serialize)]
pub struct PairingAssessment {
    /// The pairing.
    pub pairing_id: i64,
    /// The supporting org's name.
    pub supporter: String,
    /// The receiving org's name.
    pub receiver: String,
    /// Every obligation × subject × window.
    pub results: Vec<ObligationResult>,
    /// The weighted score and rating.
    pub score: Score,
}

/// A term's start: the first day of its date (a day, a month or a year).
fn parse_date(v: &Value) -> Option<NaiveDate> {
    duikou_domain::date::first_day(v)
}

/// A term's end: the last day of its date ("2016" ends on 31 December 2016).
fn end_date(v: &Value) -> Option<NaiveDate> {
    duikou_domain::date::last_day(v)
}

/// A pairing's term as the engine takes it (assessments, summaries): its own dates, else its program's; an open-ended
/// pairing runs until the day it is judged, a term ending in a month or a year to its end. `None` when neither the
/// pairing nor its program has a start.
pub(crate) fn term_of(pairing: &Value, program: &Value, as_of: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let start = parse_date(&pairing["start_date"]).or_else(|| parse_date(&program["start_date"]))?;
    let end = end_date(&pairing["end_date"]).or_else(|| end_date(&program["end_date"]));
    Some((start, end.unwrap_or(as_of.max(start))))
}

impl Store {
    /// Evaluates every obligation that applies to a pairing: its program's, its agreements', and the tasks assigned to its
    /// supporting org. `period` limits the windows; `as_of` decides which windows are over.
    pub async fn assess_pairing(
        &self,
        pairing_id: i64,
        period: Option<&Period>,
        as_of: NaiveDate,
    ) -> Result<PairingAssessment> {
        let pairing = self.get("pairings", pairing_id).await?;
        let program_id = pairing["program_id"].as_i64().unwrap_or(0);
        let inputs = self.load_inputs(program_id, Some(&[pairing_id])).await?;
        let (jobs, scale, warn_share, _) = inputs.jobs(as_of)?;
        run_jobs(jobs, period.cloned(), as_of, warn_share, scale)
            .await?
            .pop()
            .ok_or(StoreError::NotFound {
                label: "结对",
                id: pairing_id,
            })
    }

    /// The ids of a program's pairings, in order.
    pub(crate) async fn program_pairing_ids(&self, program_id: i64) -> Result<Vec<i64>> {
        Ok(self
            .db()
            .fetch(
                "SELECT id FROM pairings WHERE program_id = $1 ORDER BY id",
                &[Arg::Int(Some(program_id))],
                &[Kind::Int],
            )
            .await?
            .into_iter()
            .filter_map(|r| r[0].int())
            .collect())
    }

    /// Evaluates some pairings of a program (`pairings`, ids of the program's pairings; others are left out).
    pub async fn assess_pairings(
        &self,
        program_id: i64,
        pairings: &[i64],
        as_of: NaiveDate,
    ) -> Result<Vec<PairingAssessment>> {
        self.assess_pairings_in(program_id, pairings, None, as_of).await
    }

    /// Evaluates some pairings of a program in the windows overlapping `period` (all windows where `None`).
    pub async fn assess_pairings_in(
        &self,
        program_id: i64,
        pairings: &[i64],
        period: Option<&Period>,
        as_of: NaiveDate,
    ) -> Result<Vec<PairingAssessment>> {
        let mut out = Vec::new();
        for chunk in pairings.chunks(PAIRINGS_AT_ONCE) {
            let inputs = self.load_inputs(program_id, Some(chunk)).await?;
            let (jobs, scale, warn_share, _) = inputs.jobs(as_of)?;
            out.extend(run_jobs(jobs, period.cloned(), as_of, warn_share, scale).await?);
        }
        Ok(out)
    }

    /// Evaluates every pairing of a program, reading the records of all of them in one query per entity and running
    /// the engine on every core. Holds every result at once: for a large program, [`Store::assess_program_lots`]
    /// gives them a lot at a time.
    pub async fn assess_program(
        &self,
        program_id: i64,
        period: Option<&Period>,
        as_of: NaiveDate,
    ) -> Result<Vec<PairingAssessment>> {
        let mut lots = self.assess_program_lots(program_id, period, as_of).await?;
        let mut out = Vec::with_capacity(lots.pairings());
        while let Some(lot) = lots.next().await? {
            out.extend(lot);
        }
        Ok(out)
    }

    /// As [`Store::assess_program`], a lot of [`PAIRINGS_AT_ONCE`] pairings at a time, in pairing id order, so that
    /// memory stays bounded whatever the program's size (the next lot is read while one is evaluated). Checks the
    /// program exists before it returns.
    pub async fn assess_program_lots(
        &self,
        program_id: i64,
        period: Option<&Period>,
        as_of: NaiveDate,
    ) -> Result<ProgramLots> {
        let pairings = self.program_pairing_ids(program_id).await?;
        let mut lots = ProgramLots {
            store: self.clone(),
            program_id,
            period: period.cloned(),
            as_of,
            pairings: pairings.len(),
            ready: None,
            chunks: pairings
                .chunks(PAIRINGS_AT_ONCE)
                .map(<[i64]>::to_vec)
                .collect::<Vec<_>>()
                .into_iter(),
            reading: None,
        };
        if pairings.is_empty() {
            // still checks the program exists and its pairings' dates
            let inputs = self.load_inputs(program_id, None).await?;
            let (jobs, scale, warn_share, _) = inputs.jobs(as_of)?;
            lots.ready = Some(run_jobs(jobs, period.cloned(), as_of, warn_share, scale).await?);
        } else {
            // the first lot is read (and the program's existence checked) before the caller starts writing
            let first = lots.chunks.next().map(|c| lots.read(c));
            if let Some(reading) = first {
                let lot = lots.evaluate(reading).await?;
                lots.ready = Some(lot);
            }
        }
        Ok(lots)
    }
}

/// A program's assessment a lot of pairings at a time ([`Store::assess_program_lots`]).
pub struct ProgramLots {
    store: Store,
    program_id: i64,
    period: Option<Period>,
    as_of: NaiveDate,
    pairings: usize,
    ready: Option<Vec<PairingAssessment>>,
    chunks: std::vec::IntoIter<Vec<i64>>,
    reading: Option<tokio::task::JoinHandle<Result<Inputs>>>,
}

impl ProgramLots {
    /// How many pairings the program has.
    pub fn pairings(&self) -> usize {
        self.pairings
    }

    fn read(&self, chunk: Vec<i64>) -> tokio::task::JoinHandle<Result<Inputs>> {
        let store = self.store.clone();
        let program_id = self.program_id;
        tokio::spawn(async move { store.load_inputs(program_id, Some(&chunk)).await })
    }

    /// Waits for a lot's records, starts reading the next, and evaluates this one.
    async fn evaluate(&mut self, reading: tokio::task::JoinHandle<Result<Inputs>>) -> Result<Vec<PairingAssessment>> {
        let inputs = reading
            .await
            .map_err(|e| StoreError::Other(format!("考核读取中断：{e}")))??;
        self.reading = self.chunks.next().map(|c| self.read(c));
        let (jobs, scale, warn_share, _) = inputs.jobs(self.as_of)?;
        run_jobs(jobs, self.period, self.as_of, warn_share, scale).await
    }

    /// The next lot's results; `None` after the last.
    pub async fn next(&mut self) -> Result<Option<Vec<PairingAssessment>>> {
        if let Some(lot) = self.ready.take() {
            return Ok(Some(lot));
        }
        match self.reading.take() {
            Some(reading) => Ok(Some(self.evaluate(reading).await?)),
            None => Ok(None),
        }
    }
}

impl Drop for ProgramLots {
    /// A reader that stops early (a client gone) stops the read ahead too.
    fn drop(&mut self) {
        if let Some(r) = self.reading.take() {
            r.abort();
        }
    }
}

/// The columns the engine reads of each entity (its spans, links and subjects), besides those a rule names.
const BASE_COLUMNS: &[(&str, &[&str])] = &[
    (
        "dispatches",
        &["person_id", "role", "direction", "start_date", "end_date"],
    ),
    ("stints", &["dispatch_id", "start_date", "end_date"]),
    // (and `dispatch_id`, `person_id` where a rule counts them per person: see `Plan::rule`)
    ("activities", &["start_date", "end_date"]),
    ("transactions", &["project_id", "kind", "source", "amount", "date"]),
    ("projects", &["category", "approved_on", "started_on"]),
    ("outputs", &["project_id", "as_of"]),
    ("project_funding", &["project_id", "source", "amount"]),
    ("appraisals", &["dispatch_id", "year"]),
    ("needs", &["raised_on", "met_on"]),
    ("people", &["name"]),
];

/// The entity a dotted field's parent names (`project.category` → `projects`).
fn parent_entity(parent: &str) -> Option<&'static str> {
    Some(match parent {
        "project" => "projects",
        "dispatch" => "dispatches",
        "person" => "people",
        "need" => "needs",
        _ => return None,
    })
}

/// Field → accepted values, as a rule filters records.
type Filter = BTreeMap<String, Vec<String>>;

/// What the engine will read, worked out from the rules: entities, their columns, and the filters that may be applied
/// in SQL because every use of the entity applies them.
#[derive(Default)]
struct Plan {
    columns: BTreeMap<&'static str, BTreeSet<String>>,
    /// Entity → for each use as counted records, its filter (`None` where the entity is also read whole).
    uses: BTreeMap<&'static str, Vec<Option<Filter>>>,
}

impl Plan {
    fn need(&mut self, entity: &str, whole: bool) -> Option<&'static str> {
        let e = RECORD_ENTITIES
            .iter()
            .chain(&["people"])
            .find(|c| **c == entity)
            .copied()?;
        let cols = self.columns.entry(e).or_default();
        if let Some((_, base)) = BASE_COLUMNS.iter().find(|(n, _)| *n == e) {
            cols.extend(base.iter().map(|c| c.to_string()));
        }
        if whole {
            self.uses.entry(e).or_default().push(None);
        }
        Some(e)
    }

    fn field(&mut self, entity: &'static str, path: &str) {
        match path.split_once('.') {
            None => {
                self.columns.entry(entity).or_default().insert(path.to_string());
            }
            Some((parent, field)) => {
                self.columns.entry(entity).or_default().insert(format!("{parent}_id"));
                if let Some(p) = parent_entity(parent).and_then(|p| self.need(p, true)) {
                    self.columns.entry(p).or_default().insert(field.to_string());
                    if p == "dispatches" {
                        self.need("stints", true);
                    }
                }
            }
        }
    }

    fn rule(&mut self, rule: &ObligationRule) {
        use duikou_domain::obligation::{Measure, Subject};
        if !matches!(rule.subject, Subject::Pairing) {
            self.need("dispatches", true);
            self.need("stints", true);
            self.need("people", true);
        }
        let (set, fields, numerator): (_, Vec<&String>, _) = match &rule.measure {
            Measure::Count { records } => (records, vec![], None),
            Measure::DistinctCount { records, field } | Measure::Sum { records, field } => (records, vec![field], None),
            Measure::CumulativeDays { records } | Measure::MinStintDays { records } => (records, vec![], None),
            Measure::Ratio {
                records,
                field,
                numerator_filter,
                ..
            } => (records, vec![field], Some(numerator_filter)),
        };
        let Some(entity) = self.need(&set.entity, false) else {
            return;
        };
        if entity == "stints" && rule.direction().code().is_some() {
            // a stint runs the way its dispatch does
            self.need("dispatches", true);
        }
        self.uses.entry(entity).or_default().push(Some(set.filter.clone()));
        if !matches!(rule.subject, Subject::Pairing) {
            // a record counts for a person through its dispatch or the person
            if let Ok(def) = crate::records::def(entity) {
                for link in ["dispatch_id", "person_id"] {
                    if def.field(link).is_some() {
                        self.columns.entry(entity).or_default().insert(link.to_string());
                    }
                }
            }
        }
        for f in fields
            .into_iter()
            .chain(set.filter.keys())
            .chain(numerator.into_iter().flat_map(|n| n.keys()))
        {
            self.field(entity, f);
        }
        if entity == "dispatches" {
            // a dispatch without dates spans its stints
            self.need("stints", true);
            self.need("people", true);
        }
    }

    /// An `AND (…)` condition that keeps every record some use of `entity` may count — each use's filter on plain
    /// text fields, OR-ed — and its arguments; empty where some use reads the entity whole or filters on nothing SQL
    /// can check.
    fn pushdown(&self, entity: &str, def: &EntityDef, next: usize) -> (String, Vec<Arg>) {
        let uses = self.uses.get(entity).map(Vec::as_slice).unwrap_or(&[]);
        if uses.is_empty() || uses.iter().any(Option::is_none) {
            return (String::new(), Vec::new());
        }
        // (confirmation is left to the engine: a condition on it would lead the planner to its index, a scan of most
        // of the table, instead of the pairing's)
        let mut alternatives = Vec::new();
        let mut args = Vec::new();
        let distinct: BTreeSet<&Filter> = uses.iter().flatten().collect();
        for filter in distinct {
            let mut all = Vec::new();
            for (key, values) in filter {
                let Some(field) = def.field(key) else { continue };
                // the engine reads a missing value as empty text; SQL would not match it with IN
                if !matches!(field.kind, FieldKind::Text | FieldKind::Enum(_)) || values.iter().any(String::is_empty) {
                    continue;
                }
                let marks: Vec<String> = values
                    .iter()
                    .map(|v| {
                        args.push(Arg::Text(Some(v.clone())));
                        format!("${}", next + args.len() - 1)
                    })
                    .collect();
                all.push(format!("{key} IN ({})", marks.join(", ")));
            }
            if all.is_empty() {
                return (String::new(), Vec::new());
            }
            alternatives.push(format!("({})", all.join(" AND ")));
        }
        (format!(" AND ({})", alternatives.join(" OR ")), args)
    }
}

/// An obligation as read, with where it applies.
struct Stored {
    value: Value,
    program_id: Option<i64>,
    agreement_id: Option<i64>,
    assigned_org_id: Option<i64>,
}

/// Everything the evaluation of one program (or one of its pairings) needs, read in a handful of queries.
struct Inputs {
    program: Value,
    pairings: Vec<Value>,
    orgs: HashMap<i64, Value>,
    obligations: Vec<Stored>,
    agreement_pairing: HashMap<i64, i64>,
    records: HashMap<i64, Records>,
}

impl Store {
    /// Reads `SELECT id, <cols> FROM <entity> WHERE <cond>` as records holding only those fields.
    async fn select_json(&self, entity: &str, cols: &BTreeSet<String>, cond: &str, args: &[Arg]) -> Result<Vec<Value>> {
        let def = crate::records::def(entity)?;
        let fields: Vec<&Field> = cols
            .iter()
            .filter(|c| c.as_str() != "id")
            .filter_map(|c| {
                def.field(c)
                    .or_else(|| crate::rows::columns(def).into_iter().find(|f| f.name == c))
            })
            .collect();
        // dates are read as the text they are written as: the engine reads them from text anyway
        let kind = |f: &Field| match crate::rows::kind_of(f) {
            Kind::Date => Kind::Text,
            k => k,
        };
        let mut kinds = vec![Kind::Int];
        kinds.extend(fields.iter().map(|f| kind(f)));
        let names: Vec<String> = std::iter::once("id".to_string())
            .chain(fields.iter().map(|f| match crate::rows::kind_of(f) {
                // in their written form at their precision (2011, 2014-06, 2014-06-15)
                Kind::Date => crate::rows::date_expr(f.name),
                _ => f.name.to_string(),
            }))
            .collect();
        let sql = format!("SELECT {} FROM {entity} WHERE {cond} ORDER BY id", names.join(", "));
        let rows = self.db().fetch(&sql, args, &kinds).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let mut m = serde_json::Map::with_capacity(names.len());
                m.insert("id".into(), Value::from(row[0].int().unwrap_or(0)));
                for (f, v) in fields.iter().zip(&row[1..]) {
                    let v = match v {
                        Val::Text(Some(t)) if crate::rows::kind_of(f) == Kind::Date => Value::from(t.as_str()),
                        v => crate::rows::from_val(f, v),
                    };
                    m.insert(f.name.to_string(), v);
                }
                Value::Object(m)
            })
            .collect())
    }

    /// Reads the same records as [`Store::select_json`], in id order, but lets the database pack them into one JSON
    /// array: many rows then cross from the database as one value instead of one message each.
    async fn select_packed(&self, entity: &str, cols: &BTreeSet<String>, cond: &str, args: &[Arg]) -> Result<Vec<Rec>> {
        let def = crate::records::def(entity)?;
        let fields: Vec<&Field> = cols
            .iter()
            .filter(|c| c.as_str() != "id")
            .filter_map(|c| {
                def.field(c)
                    .or_else(|| crate::rows::columns(def).into_iter().find(|f| f.name == c))
            })
            .collect();
        if fields.iter().any(|f| crate::rows::kind_of(f) == Kind::Json) {
            return Ok(recs(self.select_json(entity, cols, cond, args).await?));
        }
        let mut rows = self.packed_rows(def, &fields, cond, args, None).await?;
        // in id order, as the engine counts them (sorted on the bare id, before the records are built)
        rows.sort_unstable_by_key(|r| r.first().and_then(Value::as_i64));
        let names = crate::rows::packed_names(&fields);
        Ok(rows
            .into_iter()
            .map(|row| crate::rows::packed_rec(&names, &fields, row))
            .collect())
    }

    /// Reads what evaluating `program_id` needs: for every pairing of it, or only for `only` (pairing ids).
    async fn load_inputs(&self, program_id: i64, only: Option<&[i64]>) -> Result<Inputs> {
        let program = self.get("programs", program_id).await?;
        // the pairings evaluated, as a condition on a `pairing_id` column (`$1`…`$k`)
        let (of_pairings, pargs, pairing_cond, supporters) = match only {
            Some(ids) => {
                let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
                let list = marks.join(", ");
                (
                    format!("pairing_id IN ({list})"),
                    ids.iter().map(|i| Arg::Int(Some(*i))).collect::<Vec<_>>(),
                    format!("id IN ({list}) AND program_id = ${}", ids.len() + 1),
                    format!("SELECT supporter_org_id FROM pairings WHERE id IN ({list})"),
                )
            }
            None => (
                "pairing_id IN (SELECT id FROM pairings WHERE program_id = $1)".to_string(),
                vec![Arg::Int(Some(program_id))],
                "program_id = $1".to_string(),
                "SELECT supporter_org_id FROM pairings WHERE program_id = $1".to_string(),
            ),
        };
        let set = |cols: &[&str]| cols.iter().map(|c| c.to_string()).collect::<BTreeSet<String>>();
        let mut pairing_args = pargs.clone();
        if only.is_some() {
            pairing_args.push(Arg::Int(Some(program_id)));
        }
        let pairings = self
            .select_json(
                "pairings",
                &set(&["supporter_org_id", "receiver_org_id", "start_date", "end_date"]),
                &pairing_cond,
                &pairing_args,
            )
            .await?;
        let org_ids: BTreeSet<i64> = pairings
            .iter()
            .flat_map(|p| [p["supporter_org_id"].as_i64(), p["receiver_org_id"].as_i64()])
            .flatten()
            .collect();
        let mut orgs = HashMap::new();
        for chunk in org_ids.iter().copied().collect::<Vec<_>>().chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let args: Vec<Arg> = chunk.iter().map(|i| Arg::Int(Some(*i))).collect();
            for o in self
                .select_json(
                    "orgs",
                    &set(&["name", "attributes"]),
                    &format!("id IN ({})", marks.join(", ")),
                    &args,
                )
                .await?
            {
                orgs.insert(o["id"].as_i64().unwrap_or(0), o);
            }
        }
        let agreements = self
            .select_json("agreements", &set(&["pairing_id"]), &of_pairings, &pargs)
            .await?;
        let agreement_pairing: HashMap<i64, i64> = agreements
            .iter()
            .filter_map(|a| Some((a["id"].as_i64()?, a["pairing_id"].as_i64()?)))
            .collect();
        let agreement_ids = format!("SELECT id FROM agreements WHERE {of_pairings}");
        let obligation_cond = format!(
            "program_id = ${n} OR agreement_id IN ({agreement_ids}) OR assigned_org_id IN ({supporters})",
            n = pargs.len() + 1
        );
        let mut oargs = pargs.clone();
        oargs.push(Arg::Int(Some(program_id)));
        let obligations: Vec<Stored> = self
            .select_json(
                "obligations",
                &set(&[
                    "program_id",
                    "agreement_id",
                    "assigned_org_id",
                    "year",
                    "title",
                    "weight",
                    "rule",
                ]),
                &obligation_cond,
                &oargs,
            )
            .await?
            .into_iter()
            .map(|o| Stored {
                program_id: o["program_id"].as_i64(),
                agreement_id: o["agreement_id"].as_i64(),
                assigned_org_id: o["assigned_org_id"].as_i64(),
                value: o,
            })
            .collect();
        // what the rules read
        let mut plan = Plan::default();
        for o in &obligations {
            if let Ok(rule) = ObligationRule::from_json(&o.value["rule"]) {
                plan.rule(&rule);
            }
        }
        let mut records: HashMap<i64, Records> = HashMap::new();
        for p in &pairings {
            let entry = records.entry(p["id"].as_i64().unwrap_or(0)).or_default();
            for e in RECORD_ENTITIES.iter().chain(&["people"]) {
                entry.insert(e.to_string(), Vec::new());
            }
        }
        let mut person_pairings: HashMap<i64, BTreeSet<i64>> = HashMap::new();
        for (entity, cols) in &plan.columns {
            if *entity == "people" {
                continue;
            }
            let def = crate::records::def(entity)?;
            let mut cols = cols.clone();
            cols.insert("pairing_id".into());
            if def.confirmable {
                cols.insert("confirmation".into());
            }
            let (extra, extra_args) = plan.pushdown(entity, def, pargs.len() + 1);
            let mut args = pargs.clone();
            args.extend(extra_args);
            let rows = self
                .select_packed(entity, &cols, &format!("{of_pairings}{extra}"), &args)
                .await?;
            for r in rows {
                let Some(p) = r["pairing_id"].as_i64() else { continue };
                if *entity == "dispatches" {
                    if let Some(person) = r["person_id"].as_i64() {
                        person_pairings.entry(person).or_default().insert(p);
                    }
                }
                if let Some(recs) = records.get_mut(&p).and_then(|m| m.get_mut(*entity)) {
                    recs.push(r);
                }
            }
        }
        if let Some(cols) = plan.columns.get("people") {
            let cond = format!("id IN (SELECT person_id FROM dispatches WHERE {of_pairings})");
            for person in recs(self.select_json("people", cols, &cond, &pargs).await?) {
                let id = person.id();
                for p in person_pairings.get(&id).into_iter().flatten() {
                    if let Some(recs) = records.get_mut(p).and_then(|m| m.get_mut("people")) {
                        recs.push(person.clone());
                    }
                }
            }
        }
        Ok(Inputs {
            program,
            pairings,
            orgs,
            obligations,
            agreement_pairing,
            records,
        })
    }
}

/// One pairing's evaluation, ready to run without the database.
struct Job {
    ctx: PairingContext,
    obligations: Vec<ObligationInput>,
    weights: HashMap<i64, Qty>,
    records: Records,
    supporter: String,
    receiver: String,
}

fn obligation_input(o: &Value) -> Option<(ObligationInput, Qty)> {
    let mut rule = ObligationRule::from_json(&o["rule"]).ok()?;
    if let Some(y) = o["year"].as_i64() {
        // a task assigned for one year is counted in that year only
        if let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(y as i32, 1, 1),
            NaiveDate::from_ymd_opt(y as i32, 12, 31),
        ) {
            rule.window = Window::Range { from, to };
        }
    }
    let weight: Qty = serde_json::from_value(o["weight"].clone()).unwrap_or(Qty::from_int(1));
    Some((
        ObligationInput {
            id: o["id"].as_i64().unwrap_or(0),
            title: o["title"].as_str().unwrap_or("").to_string(),
            weight,
            rule,
        },
        weight,
    ))
}

impl Inputs {
    /// Splits the inputs into one job per pairing, in pairing order.
    fn jobs(mut self, as_of: NaiveDate) -> Result<(Vec<Job>, RatingScale, f64, Calendar)> {
        let program = &self.program;
        let calendar: Calendar = serde_json::from_value(program["calendar"].clone()).unwrap_or_default();
        let scale = RatingScale::from_json(&program["rating_scale"]).unwrap_or_default();
        let warn_share = serde_json::from_value::<Qty>(program["warn_share"].clone())
            .map(Qty::as_f64)
            .unwrap_or(0.5);
        let only_confirmed = program["only_confirmed"].as_bool().unwrap_or(true);
        let program_id = program["id"].as_i64();
        let mut jobs = Vec::with_capacity(self.pairings.len());
        for pairing in &self.pairings {
            let pairing_id = pairing["id"].as_i64().unwrap_or(0);
            let Some((start, end)) = term_of(pairing, program, as_of) else {
                return Err(StoreError::invalid(
                    "start_date",
                    "required",
                    format!("结对 {pairing_id} 及其计划都没有开始日期（start_date），无法划分考核期"),
                ));
            };
            let supporter_id = pairing["supporter_org_id"].as_i64();
            let org = |id: Option<i64>| id.and_then(|i| self.orgs.get(&i)).cloned().unwrap_or(Value::Null);
            let (supporter, receiver) = (org(supporter_id), org(pairing["receiver_org_id"].as_i64()));
            // the program's duties, then its agreements', then the tasks assigned to its supporting org
            let mut mine: Vec<(u8, i64, i64, &Value)> = self
                .obligations
                .iter()
                .filter_map(|o| {
                    let id = o.value["id"].as_i64().unwrap_or(0);
                    if o.program_id.is_some() && o.program_id == program_id {
                        Some((0, 0, id, &o.value))
                    } else if let Some(a) = o
                        .agreement_id
                        .filter(|a| self.agreement_pairing.get(a) == Some(&pairing_id))
                    {
                        Some((1, a, id, &o.value))
                    } else if o.assigned_org_id.is_some() && o.assigned_org_id == supporter_id {
                        Some((2, 0, id, &o.value))
                    } else {
                        None
                    }
                })
                .collect();
            mine.sort_by_key(|(group, agreement, id, _)| (*group, *agreement, *id));
            let mut obligations = Vec::new();
            let mut weights = HashMap::new();
            for (_, _, _, o) in mine {
                if let Some((input, weight)) = obligation_input(o) {
                    weights.insert(input.id, weight);
                    obligations.push(input);
                }
            }
            jobs.push(Job {
                ctx: PairingContext {
                    pairing_id,
                    term: (start, end),
                    calendar,
                    only_confirmed,
                    supporter_attributes: supporter["attributes"].clone(),
                    receiver_attributes: receiver["attributes"].clone(),
                },
                obligations,
                weights,
                records: self.records.remove(&pairing_id).unwrap_or_default(),
                supporter: supporter["name"].as_str().unwrap_or("").into(),
                receiver: receiver["name"].as_str().unwrap_or("").into(),
            });
        }
        Ok((jobs, scale, warn_share, calendar))
    }
}

/// Runs the engine over every job, on every core.
async fn run_jobs(
    jobs: Vec<Job>,
    period: Option<Period>,
    as_of: NaiveDate,
    warn_share: f64,
    scale: RatingScale,
) -> Result<Vec<PairingAssessment>> {
    tokio::task::spawn_blocking(move || run_jobs_now(jobs, period.as_ref(), as_of, warn_share, &scale))
        .await
        .map_err(|e| StoreError::Other(format!("考核计算中断：{e}")))
}

fn run_jobs_now(
    jobs: Vec<Job>,
    period: Option<&Period>,
    as_of: NaiveDate,
    warn_share: f64,
    scale: &RatingScale,
) -> Vec<PairingAssessment> {
    let run = |job: Job| {
        let range = period.and_then(|p| p.bounds(&job.ctx.calendar, Some(job.ctx.term)));
        let opts = EvalOptions {
            as_of,
            range,
            warn_share,
        };
        let results = engine::evaluate(&job.ctx, &job.obligations, &job.records, &opts);
        let score = engine::score(&results, &job.weights, scale);
        PairingAssessment {
            pairing_id: job.ctx.pairing_id,
            supporter: job.supporter,
            receiver: job.receiver,
            results,
            score,
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len().max(1));
    if threads <= 1 {
        return jobs.into_iter().map(run).collect();
    }
    // deal the pairings out round-robin (their sizes vary), then put the results back in order
    let mut hands: Vec<Vec<(usize, Job)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, job) in jobs.into_iter().enumerate() {
        hands[i % threads].push((i, job));
    }
    let mut done: Vec<(usize, PairingAssessment)> = std::thread::scope(|s| {
        let handles: Vec<_> = hands
            .into_iter()
            .map(|hand| s.spawn(|| hand.into_iter().map(|(i, job)| (i, run(job))).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, a)| a).collect()
}

/// What it takes to open an assessment.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    /// The program.
    pub program_id: i64,
    /// One pairing, or the whole program when absent.
    #[serde(default)]
    pub pairing_id: Option<i64>,
    /// The period assessed (`2014-2015`, `2014-2015S1`, `term` …).
    pub period: String,
    /// Judge as of this day (default today).
    #[serde(default)]
    pub as_of: Option<String>,
    /// The reviewer's comments.
    #[serde(default)]
    pub comments: Option<String>,
}

impl Store {
    async fn may_assess(&self, actor: &duikou_domain::access::Actor, program_id: i64) -> Result<()> {
        let program = self.get("programs", program_id).await?;
        let target = duikou_domain::access::Target {
            authority: program["authority_org_id"].as_i64(),
            ..Default::default()
        };
        duikou_domain::access::may_write(actor, duikou_domain::schema::Owner::Program, "考核评估", &target)?;
        Ok(())
    }

    async fn compute(
        &self,
        program_id: i64,
        pairing_id: Option<i64>,
        period: &Period,
        as_of: NaiveDate,
    ) -> Result<(Value, Option<Qty>, Option<String>)> {
        let items = match pairing_id {
            Some(p) => {
                let pairing = self.get("pairings", p).await?;
                if pairing["program_id"].as_i64() != Some(program_id) {
                    return Err(StoreError::invalid(
                        "pairing_id",
                        "other_program",
                        format!("结对 {p} 不属于计划 {program_id}"),
                    ));
                }
                vec![self.assess_pairing(p, Some(period), as_of).await?]
            }
            None => self.assess_program(program_id, Some(period), as_of).await?,
        };
        let scores: Vec<f64> = items.iter().filter_map(|a| a.score.score).collect();
        let score =
            (!scores.is_empty()).then(|| (scores.iter().sum::<f64>() / scores.len() as f64 * 10.0).round() / 10.0);
        let program = self.get("programs", program_id).await?;
        let scale = RatingScale::from_json(&program["rating_scale"]).unwrap_or_default();
        let rating = score.and_then(|s| {
            scale
                .levels
                .iter()
                .find(|l| s >= l.min_score.as_f64())
                .map(|l| l.label.clone())
        });
        let score_qty = score.and_then(|s| format!("{s:.1}").parse::<Qty>().ok());
        Ok((serde_json::json!({ "items": items }), score_qty, rating))
    }

    /// Opens a draft assessment of a pairing (or a whole program) for a period, with the results as they stand.
    pub async fn create_assessment(&self, actor: &duikou_domain::access::Actor, new: &NewAssessment) -> Result<Value> {
        let period: Period = new.period.parse().map_err(|e: duikou_domain::PeriodParseError| {
            StoreError::invalid("period", "period", format!("考核期间（period）：{e}"))
        })?;
        let as_of = match &new.as_of {
            Some(d) => duikou_domain::validate::parse_date(d).ok_or_else(|| {
                StoreError::invalid("as_of", "date", format!("评估日期（as_of）应为 YYYY-MM-DD，收到“{d}”"))
            })?,
            None => self.today(),
        };
        if new.comments.as_deref().is_some_and(|c| c.chars().count() > 20_000) {
            return Err(StoreError::invalid(
                "comments",
                "too_long",
                "评审意见（comments）最多 20000 个字符",
            ));
        }
        self.may_assess(actor, new.program_id).await?;
        let (results, score, rating) = self.compute(new.program_id, new.pairing_id, &period, as_of).await?;
        let mut w = crate::audit::WriteTx::begin(self, actor).await?;
        let now = chrono::Utc::now();
        use crate::db::{Arg, Kind};
        let id = w
            .tx
            .fetch_opt(
                "INSERT INTO assessments (version, created_at, updated_at, program_id, pairing_id, period, as_of, status, score, rating, results, comments, reviewer_id) \
                 VALUES (1, $1, $1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10) RETURNING id",
                &[
                    Arg::Ts(Some(now)),
                    Arg::Int(Some(new.program_id)),
                    Arg::Int(new.pairing_id),
                    Arg::Text(Some(period.to_string())),
                    Arg::Date(Some(as_of)),
                    Arg::Int(score.map(Qty::raw)),
                    Arg::Text(rating),
                    Arg::Json(Some(results)),
                    Arg::Text(new.comments.clone()),
                    Arg::Int((actor.user_id > 0).then_some(actor.user_id)),
                ],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        let after = Self::get_in(&mut w.tx, crate::records::def("assessments")?, id).await?;
        w.record("create", "assessments", id, Value::Null, summary(&after))
            .await?;
        w.commit().await?;
        self.get("assessments", id).await
    }

    /// Changes a draft: recomputes its results (`recompute`), sets its comments, or signs it (`sign`), which freezes the
    /// results and locks the period's records of every pairing assessed. Signing is refused while a result the
    /// period decides is still open (see [`Store::open_in_period`]).
    pub async fn assessment_action(
        &self,
        actor: &duikou_domain::access::Actor,
        id: i64,
        action: &str,
        comments: Option<&str>,
    ) -> Result<Value> {
        self.assessment_action_as_of(actor, id, action, comments, None).await
    }

    /// [`Store::assessment_action`], where `recompute` may judge as of a new day (`as_of`, kept on the assessment).
    pub async fn assessment_action_as_of(
        &self,
        actor: &duikou_domain::access::Actor,
        id: i64,
        action: &str,
        comments: Option<&str>,
        new_as_of: Option<NaiveDate>,
    ) -> Result<Value> {
        use crate::db::{Arg, Kind};
        let before = self.get("assessments", id).await?;
        let program_id = before["program_id"].as_i64().unwrap_or(0);
        self.may_assess(actor, program_id).await?;
        if before["status"] == "signed" {
            let message = match action {
                "sign" => "该考核评估已经签署，不能重复签署".to_string(),
                "recompute" => "该考核评估已签署，结果不再重新计算；如需修改，请系统管理员先解锁".to_string(),
                _ => "该考核评估已签署，不能再修改；如需修改，请系统管理员先解锁".to_string(),
            };
            return Err(StoreError::conflict("signed", message, Some("status")));
        }
        let period: Period = before["period"]
            .as_str()
            .unwrap_or("term")
            .parse()
            .unwrap_or(Period::Term);
        let as_of = new_as_of.unwrap_or_else(|| {
            before["as_of"]
                .as_str()
                .and_then(duikou_domain::validate::parse_date)
                .unwrap_or_else(|| self.today())
        });
        let now = chrono::Utc::now();
        let mut w;
        match action {
            "recompute" => {
                let (results, score, rating) = self
                    .compute(program_id, before["pairing_id"].as_i64(), &period, as_of)
                    .await?;
                w = crate::audit::WriteTx::begin(self, actor).await?;
                // (a draft signed meanwhile is left as signed)
                let changed = w.tx.execute(
                    "UPDATE assessments SET results = $1, score = $2, rating = $3, as_of = $4, version = version + 1, updated_at = $5 \
                     WHERE id = $6 AND COALESCE(status, 'draft') <> 'signed'",
                    &[Arg::Json(Some(results)), Arg::Int(score.map(Qty::raw)), Arg::Text(rating), Arg::Date(Some(as_of)), Arg::Ts(Some(now)), Arg::Int(Some(id))],
                )
                .await?;
                if changed == 0 {
                    return Err(StoreError::conflict(
                        "signed",
                        "该考核评估已签署，结果不再重新计算；如需修改，请系统管理员先解锁",
                        Some("status"),
                    ));
                }
            }
            "comment" => {
                let c = comments.unwrap_or("");
                if c.chars().count() > 20_000 {
                    return Err(StoreError::invalid(
                        "comments",
                        "too_long",
                        "评审意见（comments）最多 20000 个字符",
                    ));
                }
                w = crate::audit::WriteTx::begin(self, actor).await?;
                let changed =
                    w.tx.execute(
                        "UPDATE assessments SET comments = $1, version = version + 1, updated_at = $2 \
                         WHERE id = $3 AND COALESCE(status, 'draft') <> 'signed'",
                        &[Arg::Text(Some(c.to_string())), Arg::Ts(Some(now)), Arg::Int(Some(id))],
                    )
                    .await?;
                if changed == 0 {
                    return Err(StoreError::conflict(
                        "signed",
                        "该考核评估已签署，不能再修改；如需修改，请系统管理员先解锁",
                        Some("status"),
                    ));
                }
            }
            "sign" => {
                let open = self.open_in_period(&before).await?;
                if !open.is_empty() {
                    let total: usize = open.iter().map(|(_, n)| n).sum();
                    let by: Vec<String> = open.iter().map(|(p, n)| format!("{p} {n} 项")).collect();
                    return Err(StoreError::conflict(
                        "open_results",
                        format!(
                            "还有 {total} 项结果在本考核期内尚未到期（{}），不能签署：请在考核期结束后重新计算再签署",
                            by.join("；")
                        ),
                        Some("status"),
                    ));
                }
                w = crate::audit::WriteTx::begin(self, actor).await?;
                let program = self.get("programs", program_id).await?;
                let calendar: Calendar = serde_json::from_value(program["calendar"].clone()).unwrap_or_default();
                let pairings: Vec<i64> = before["results"]["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a["pairing_id"].as_i64())
                    .collect();
                for p in pairings {
                    let pairing = self.get("pairings", p).await?;
                    let term = crate::assessment::stated_term(&program, &pairing);
                    let Some((from, to)) = period.bounds(&calendar, term) else {
                        continue;
                    };
                    let lock = w
                        .tx
                        .fetch_opt(
                            "INSERT INTO period_locks (version, created_at, updated_at, pairing_id, start_date, end_date, assessment_id) \
                             VALUES (1, $1, $1, $2, $3, $4, $5) RETURNING id",
                            &[Arg::Ts(Some(now)), Arg::Int(Some(p)), Arg::Date(Some(from)), Arg::Date(Some(to)), Arg::Int(Some(id))],
                            &[Kind::Int],
                        )
                        .await?
                        .and_then(|r| r[0].int())
                        .unwrap_or(0);
                    let lock_json = serde_json::json!({"pairing_id": p, "start_date": from.to_string(), "end_date": to.to_string(), "assessment_id": id});
                    w.record("create", "period_locks", lock, Value::Null, lock_json).await?;
                }
                // (two signatures at once leave one: the second finds it signed and writes nothing)
                let signed = w
                    .tx
                    .execute(
                        "UPDATE assessments SET status = 'signed', signed_by = $1, signed_at = $2, version = version + 1, updated_at = $3 \
                         WHERE id = $4 AND COALESCE(status, 'draft') <> 'signed'",
                        &[
                            Arg::Int((actor.user_id > 0).then_some(actor.user_id)),
                            Arg::Text(Some(crate::now_rfc3339())),
                            Arg::Ts(Some(now)),
                            Arg::Int(Some(id)),
                        ],
                    )
                    .await?;
                if signed == 0 {
                    return Err(StoreError::conflict(
                        "signed",
                        "该考核评估已经签署，不能重复签署",
                        Some("status"),
                    ));
                }
            }
            other => {
                return Err(StoreError::invalid(
                    "action",
                    "unknown",
                    format!("考核评估没有“{other}”操作（可用 recompute、comment、sign）"),
                ))
            }
        }
        let after_rows =
            w.tx.fetch_opt(
                "SELECT status, version FROM assessments WHERE id = $1",
                &[Arg::Int(Some(id))],
                &[Kind::Text, Kind::Int],
            )
            .await?;
        let mut after = summary(&before);
        if let Some(r) = after_rows {
            after["status"] = r[0].text().into();
            after["version"] = r[1].int().into();
        }
        after["action"] = Value::from(action);
        w.record(action, "assessments", id, summary(&before), after).await?;
        w.commit().await?;
        self.get("assessments", id).await
    }
}

/// An assessment without its bulky results, for the audit log.
fn summary(a: &Value) -> Value {
    let mut v = a.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("results");
    }
    v
}

/// One assigned task of a template: which unit, which year.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// The template item's key.
    pub key: String,
    /// The unit responsible.
    pub org_id: i64,
    /// The year.
    pub year: i64,
}

impl Store {
    /// Creates a template's obligations on a program (assigned tasks only where an assignment names the unit and year).
    /// Obligations whose title the program already has are skipped, so applying twice changes nothing.
    pub async fn apply_template(
        &self,
        actor: &duikou_domain::access::Actor,
        program_id: i64,
        code: &str,
        assignments: &[Assignment],
    ) -> Result<Vec<Value>> {
        let template = duikou_domain::templates::template(code).ok_or_else(|| {
            let codes: Vec<&str> = duikou_domain::templates::templates().iter().map(|t| t.code).collect();
            StoreError::invalid(
                "template",
                "unknown",
                format!("没有模板“{code}”，可用：{}", codes.join("、")),
            )
        })?;
        self.get("programs", program_id).await?;
        for a in assignments {
            if !template.items.iter().any(|i| i.assigned && i.key == a.key) {
                return Err(StoreError::invalid(
                    "assignments",
                    "unknown",
                    format!("模板“{code}”没有可分配的任务“{}”", a.key),
                ));
            }
        }
        let existing: Vec<String> = self
            .list_all("obligations", "program_id", program_id)
            .await?
            .iter()
            .filter_map(|o| o["title"].as_str().map(str::to_string))
            .collect();
        let mut w = crate::audit::WriteTx::begin(self, actor).await?;
        let mut created = Vec::new();
        for item in &template.items {
            let rule = serde_json::to_value(&item.rule).map_err(|e| StoreError::Other(e.to_string()))?;
            if item.assigned {
                for a in assignments.iter().filter(|a| a.key == item.key) {
                    let input = serde_json::json!({"assigned_org_id": a.org_id, "year": a.year, "title": item.title,
                                                   "weight": item.weight, "rule": rule, "note": item.source});
                    created.push(Self::create_in(&mut w, "obligations", &input).await?);
                }
            } else if !existing.iter().any(|t| t == item.title) {
                let input = serde_json::json!({"program_id": program_id, "title": item.title, "weight": item.weight,
                                               "rule": rule, "note": item.source});
                created.push(Self::create_in(&mut w, "obligations", &input).await?);
            }
        }
        w.commit().await?;
        Ok(created)
    }
}

/// The key of a result's subject as a 督办 item stores it: `pairing`, `dispatch:<id>` or `stint:<id>`.
pub fn subject_key(s: &engine::SubjectRef) -> String {
    match s {
        engine::SubjectRef::Pairing => "pairing".into(),
        engine::SubjectRef::Dispatch { dispatch_id, .. } => format!("dispatch:{dispatch_id}"),
        engine::SubjectRef::Stint { stint_id, .. } => format!("stint:{stint_id}"),
    }
}

/// One line of a program's 督办 list: an unmet or warned result, with its item if the coordinator opened one; an item
/// still being handled stays on the list whatever its result now is.
#[derive(Debug, Clone, Serialize)]
pub struct SupervisionItem {
    /// The pairing.
    pub pairing_id: i64,
    /// Supporting org.
    pub supporter: String,
    /// Receiving org.
    pub receiver: String,
    /// The result as evaluated now.
    pub result: ObligationResult,
    /// Days past the item's deadline: counted from the deadline (never from the window's end), and no longer once the
    /// unit has replied, the item is closed or the pairing's term is over; 0 without an item or a deadline.
    pub lateness_days: i64,
    /// The unit responsible: the supporting org, or the receiving one for a duty of the receiving side's people, or
    /// the unit a task was assigned to.
    pub org_id: Option<i64>,
    /// Its name.
    pub org: String,
    /// The result's subject key (see [`subject_key`]).
    pub subject: String,
    /// The pairing's term is over: an item may still be closed, but nothing piles up.
    pub ended: bool,
    /// The 督办 item, if the coordinator opened one.
    pub supervision: Option<Value>,
}

/// What a coordinator gives to open a 督办 item on a result.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSupervision {
    /// The pairing.
    pub pairing_id: i64,
    /// The obligation.
    pub obligation_id: i64,
    /// The result's window in its written form.
    pub period: String,
    /// The result's subject key (`pairing` when absent).
    #[serde(default)]
    pub subject: Option<String>,
    /// The coordinator's instruction.
    pub note: String,
    /// The deadline, `YYYY-MM-DD`, today or later.
    pub due_on: String,
}

fn day_of(v: &Value) -> Option<NaiveDate> {
    v.as_str().and_then(duikou_domain::validate::parse_date)
}

/// The day a period lock covering `[start, end]` was made (the assessment signed), the earliest if several.
fn closed_on(locks: &[Value], start: NaiveDate, end: NaiveDate) -> Option<NaiveDate> {
    locks
        .iter()
        .filter(|l| {
            day_of(&l["start_date"]).is_some_and(|s| s <= start) && day_of(&l["end_date"]).is_some_and(|e| end <= e)
        })
        .filter_map(|l| {
            l["created_at"]
                .as_str()
                .and_then(|t| t.get(..10))
                .and_then(duikou_domain::validate::parse_date)
        })
        .min()
}

/// Days past `item`'s deadline as of `as_of`, stopped by its reply, its close, the end of the pairing's term and the
/// signing of its period (`closed`): a closed period or an ended program does not pile up days.
fn overdue(item: &Value, term_end: Option<NaiveDate>, closed: Option<NaiveDate>, as_of: NaiveDate) -> i64 {
    let Some(due) = day_of(&item["due_on"]) else { return 0 };
    let stop = [
        Some(as_of),
        term_end,
        closed,
        day_of(&item["replied_on"]),
        day_of(&item["resolved_on"]),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(as_of);
    (stop - due).num_days().max(0)
}

/// 督办中 / 已回复 / 已整改 / 未整改 / 办结.
pub fn supervision_state_zh(status: &str) -> &'static str {
    match status {
        "replied" => "已回复",
        "rectified" => "已整改",
        "unrectified" => "未整改",
        "resolved" => "办结",
        _ => "督办中",
    }
}

impl Store {
    /// The unit responsible for an obligation's results in a pairing: the unit a task is assigned to; else the
    /// receiving org for a duty of the receiving side's people; else the supporting org.
    async fn responsible_org(&self, obligation: &Value, pairing: &Value) -> Option<i64> {
        if let Some(o) = obligation["assigned_org_id"].as_i64() {
            return Some(o);
        }
        let rule = ObligationRule::from_json(&obligation["rule"]).ok();
        match rule.map(|r| r.direction()) {
            Some(duikou_domain::obligation::Direction::ToSupporter) => pairing["receiver_org_id"].as_i64(),
            _ => pairing["supporter_org_id"].as_i64(),
        }
    }

    /// The end of a pairing's term (its own, else its program's).
    async fn term_end(&self, pairing: &Value) -> Option<NaiveDate> {
        match end_date(&pairing["end_date"]) {
            Some(d) => Some(d),
            None => {
                let program = self.get("programs", pairing["program_id"].as_i64()?).await.ok()?;
                end_date(&program["end_date"])
            }
        }
    }

    /// Unmet and warned results across a program with their 督办 items, and every item still being handled; most
    /// overdue first (`ascending` for the other way). Met results are never listed for themselves.
    pub async fn supervision_list(
        &self,
        program_id: i64,
        period: Option<&Period>,
        as_of: NaiveDate,
        ascending: bool,
    ) -> Result<Vec<SupervisionItem>> {
        let mut items = Vec::new();
        let mut obligations: HashMap<i64, Value> = HashMap::new();
        let mut org_names: HashMap<i64, String> = HashMap::new();
        for a in self.assess_program(program_id, period, as_of).await? {
            let marks = self.list_all("supervisions", "pairing_id", a.pairing_id).await?;
            let locks = self.list_all("period_locks", "pairing_id", a.pairing_id).await?;
            let pairing = self.get("pairings", a.pairing_id).await?;
            let term_end = self.term_end(&pairing).await;
            let ended = term_end.is_some_and(|e| e < as_of);
            for r in a.results {
                let subject = subject_key(&r.subject);
                let mark = marks
                    .iter()
                    .find(|m| {
                        m["obligation_id"].as_i64() == Some(r.obligation_id)
                            && m["period"].as_str() == Some(r.window.as_str())
                            && m["subject"].as_str().unwrap_or("pairing") == subject
                    })
                    .cloned();
                let problem = r.status == engine::Status::Unmet || r.warning && r.status == engine::Status::Open;
                let handling = mark.as_ref().is_some_and(|m| m["status"] != "resolved");
                if !(problem || handling) {
                    continue;
                }
                let org_id = match &mark {
                    Some(m) if m["org_id"].is_i64() => m["org_id"].as_i64(),
                    _ => {
                        if let std::collections::hash_map::Entry::Vacant(e) = obligations.entry(r.obligation_id) {
                            e.insert(self.get("obligations", r.obligation_id).await?);
                        }
                        self.responsible_org(&obligations[&r.obligation_id], &pairing).await
                    }
                };
                let org = match org_id {
                    Some(o) => {
                        if let std::collections::hash_map::Entry::Vacant(e) = org_names.entry(o) {
                            e.insert(self.get("orgs", o).await?["name"].as_str().unwrap_or("").to_string());
                        }
                        org_names[&o].clone()
                    }
                    None => String::new(),
                };
                items.push(SupervisionItem {
                    pairing_id: a.pairing_id,
                    supporter: a.supporter.clone(),
                    receiver: a.receiver.clone(),
                    lateness_days: mark.as_ref().map_or(0, |m| {
                        overdue(m, term_end, closed_on(&locks, r.window_start, r.window_end), as_of)
                    }),
                    result: r,
                    org_id,
                    org,
                    subject,
                    ended,
                    supervision: mark,
                });
            }
        }
        items.sort_by(|x, y| {
            let o = x.lateness_days.cmp(&y.lateness_days);
            let o = if ascending { o } else { o.reverse() };
            o.then(x.pairing_id.cmp(&y.pairing_id))
                .then(x.result.obligation_id.cmp(&y.result.obligation_id))
                .then(x.result.window_start.cmp(&y.result.window_start))
        });
        Ok(items)
    }

    /// Opens a 督办 item on one unmet or warned result, for the unit responsible, with a deadline no earlier than
    /// `today`. Refused, with nothing written, on a met result, a result still running without a warning, a past or
    /// missing deadline, an empty instruction, or a result already under 督办.
    pub async fn supervise(
        &self,
        actor: &duikou_domain::access::Actor,
        new: &NewSupervision,
        today: NaiveDate,
    ) -> Result<Value> {
        let note = new.note.trim();
        if note.is_empty() {
            return Err(StoreError::invalid("note", "required", "督办意见（note）不能为空"));
        }
        let due = duikou_domain::validate::parse_date(new.due_on.trim()).ok_or_else(|| {
            StoreError::invalid(
                "due_on",
                "date",
                format!("整改期限（due_on）应为 YYYY-MM-DD 格式的日期，收到“{}”", new.due_on),
            )
        })?;
        if due < today {
            return Err(StoreError::invalid(
                "due_on",
                "past",
                format!("整改期限（due_on）{due} 已经过去，应不早于今天（{today}）"),
            ));
        }
        let pairing = self.get("pairings", new.pairing_id).await?;
        let program_id = pairing["program_id"].as_i64().unwrap_or(0);
        self.may_assess(actor, program_id).await?;
        let subject = new.subject.clone().unwrap_or_else(|| "pairing".into());
        let a = self.assess_pairing(new.pairing_id, None, today).await?;
        let Some(result) = a.results.iter().find(|r| {
            r.obligation_id == new.obligation_id && r.window == new.period && subject_key(&r.subject) == subject
        }) else {
            return Err(StoreError::invalid(
                "period",
                "no_result",
                format!("该结对在考核期 {} 没有这项目标任务的结果，无法督办", new.period),
            ));
        };
        match result.status {
            engine::Status::Met => {
                return Err(StoreError::invalid(
                    "status",
                    "met",
                    format!("该结果已达标，不需督办：{}", result.text),
                ))
            }
            engine::Status::Open if !result.warning => {
                return Err(StoreError::invalid(
                    "status",
                    "open",
                    format!("该结果尚在进行中且未预警，不需督办：{}", result.text),
                ))
            }
            _ => {}
        }
        let existing = self.list_all("supervisions", "pairing_id", new.pairing_id).await?;
        if let Some(m) = existing.iter().find(|m| {
            m["obligation_id"].as_i64() == Some(new.obligation_id)
                && m["period"].as_str() == Some(new.period.as_str())
                && m["subject"].as_str().unwrap_or("pairing") == subject
        }) {
            return Err(StoreError::conflict(
                "duplicate",
                format!(
                    "该结果已有督办事项（{}），不再重复督办",
                    supervision_state_zh(m["status"].as_str().unwrap_or(""))
                ),
                Some("period"),
            ));
        }
        let obligation = self.get("obligations", new.obligation_id).await?;
        let org = self.responsible_org(&obligation, &pairing).await;
        let input = serde_json::json!({
            "pairing_id": new.pairing_id, "obligation_id": new.obligation_id, "period": new.period,
            "subject": subject, "org_id": org, "note": note, "due_on": due.to_string(), "status": "open",
        });
        self.create(actor, "supervisions", &input).await
    }

    /// The responsible unit answers a 督办 item with a note and, if it has one, a document already uploaded.
    pub async fn reply_supervision(
        &self,
        actor: &duikou_domain::access::Actor,
        id: i64,
        reply: &str,
        document_id: Option<i64>,
        today: NaiveDate,
    ) -> Result<Value> {
        use duikou_domain::access::Role;
        let before = self.get("supervisions", id).await?;
        if before["status"] == "resolved" {
            return Err(StoreError::conflict(
                "resolved",
                "该督办事项已办结，不能再回复",
                Some("status"),
            ));
        }
        let org = before["org_id"].as_i64();
        let mine =
            actor.role == Role::Admin || actor.role != Role::Viewer && org.is_some_and(|o| actor.scope.contains(&o));
        if !mine {
            return Err(StoreError::Forbidden("只有责任单位可以回复该督办事项".into()));
        }
        let reply = reply.trim();
        if reply.is_empty() {
            return Err(StoreError::invalid("reply", "required", "回复（reply）不能为空"));
        }
        if reply.chars().count() > 20_000 {
            return Err(StoreError::invalid(
                "reply",
                "too_long",
                "回复（reply）最多 20000 个字符",
            ));
        }
        if let Some(d) = document_id {
            let doc = self
                .get("documents", d)
                .await
                .map_err(|_| StoreError::invalid("document_id", "missing", "所附佐证材料（document_id）不存在"))?;
            if doc["pairing_id"]
                .as_i64()
                .is_some_and(|p| Some(p) != before["pairing_id"].as_i64())
            {
                return Err(StoreError::invalid(
                    "document_id",
                    "other_pairing",
                    "所附佐证材料（document_id）属于另一个结对",
                ));
            }
        }
        self.set_supervision(
            actor,
            id,
            &before,
            "reply",
            &[
                ("status", Arg::Text(Some("replied".into()))),
                ("reply", Arg::Text(Some(reply.to_string()))),
                ("replied_on", Arg::Date(Some(today))),
                ("document_id", Arg::Int(document_id)),
            ],
        )
        .await
    }

    /// The coordinator's decision on a 督办 item: `rectified` (已整改) or `unrectified` (未整改) on a reply, or
    /// `close` (办结, with a note) at any point before it is closed.
    pub async fn decide_supervision(
        &self,
        actor: &duikou_domain::access::Actor,
        id: i64,
        decision: &str,
        note: &str,
        today: NaiveDate,
    ) -> Result<Value> {
        let before = self.get("supervisions", id).await?;
        let pairing = self.get("pairings", before["pairing_id"].as_i64().unwrap_or(0)).await?;
        self.may_assess(actor, pairing["program_id"].as_i64().unwrap_or(0))
            .await?;
        if before["status"] == "resolved" {
            return Err(StoreError::conflict("resolved", "该督办事项已办结", Some("status")));
        }
        let note = note.trim();
        match decision {
            "rectified" | "unrectified" => {
                if before["status"] == "open" {
                    return Err(StoreError::invalid(
                        "status",
                        "not_replied",
                        "责任单位尚未回复，不能认定整改结果",
                    ));
                }
                let mut set = vec![("status", Arg::Text(Some(decision.to_string())))];
                if !note.is_empty() {
                    set.push(("resolution", Arg::Text(Some(note.to_string()))));
                }
                self.set_supervision(actor, id, &before, decision, &set).await
            }
            "close" => {
                if note.is_empty() {
                    return Err(StoreError::invalid(
                        "resolution",
                        "required",
                        "办结说明（resolution）不能为空",
                    ));
                }
                self.set_supervision(
                    actor,
                    id,
                    &before,
                    "close",
                    &[
                        ("status", Arg::Text(Some("resolved".into()))),
                        ("resolution", Arg::Text(Some(note.to_string()))),
                        ("resolved_on", Arg::Date(Some(today))),
                    ],
                )
                .await
            }
            other => Err(StoreError::invalid(
                "decision",
                "unknown",
                format!("督办事项没有“{other}”操作（可用 rectified、unrectified、close）"),
            )),
        }
    }

    /// Closes every 督办 item of a program still being handled whose result is now met, with a note saying so.
    /// Returns how many were closed.
    pub async fn settle_supervisions(&self, program_id: i64, as_of: NaiveDate) -> Result<usize> {
        let mut closed = 0;
        let pairings = self.program_pairing_ids(program_id).await?;
        for p in pairings {
            let open: Vec<Value> = self
                .list_all("supervisions", "pairing_id", p)
                .await?
                .into_iter()
                .filter(|m| m["status"] != "resolved")
                .collect();
            if open.is_empty() {
                continue;
            }
            let a = self.assess_pairing(p, None, as_of).await?;
            for m in open {
                let subject = m["subject"].as_str().unwrap_or("pairing");
                let met = a.results.iter().find(|r| {
                    m["obligation_id"].as_i64() == Some(r.obligation_id)
                        && m["period"].as_str() == Some(r.window.as_str())
                        && subject_key(&r.subject) == subject
                        && r.status == engine::Status::Met
                });
                if let Some(r) = met {
                    let id = m["id"].as_i64().unwrap_or(0);
                    let note = format!("结果已达标，自动办结（{as_of}）：{}", r.text);
                    self.set_supervision(
                        &duikou_domain::access::Actor::system(),
                        id,
                        &m,
                        "close",
                        &[
                            ("status", Arg::Text(Some("resolved".into()))),
                            ("resolution", Arg::Text(Some(note))),
                            ("resolved_on", Arg::Date(Some(as_of))),
                        ],
                    )
                    .await?;
                    closed += 1;
                }
            }
        }
        Ok(closed)
    }

    /// The 督办 items of some units still being handled, oldest deadline first, each with its pairing's sides and
    /// its obligation's title (`pairing`, `obligation`).
    pub async fn supervisions_of(&self, orgs: &BTreeSet<i64>) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        for o in orgs {
            for mut m in self.list_all("supervisions", "org_id", *o).await? {
                if m["status"] == "resolved" {
                    continue;
                }
                let pairing = self.get("pairings", m["pairing_id"].as_i64().unwrap_or(0)).await?;
                let name = |v: &Value| v["name"].as_str().unwrap_or("").to_string();
                let sup = self
                    .get("orgs", pairing["supporter_org_id"].as_i64().unwrap_or(0))
                    .await?;
                let rec = self
                    .get("orgs", pairing["receiver_org_id"].as_i64().unwrap_or(0))
                    .await?;
                let ob = self
                    .get("obligations", m["obligation_id"].as_i64().unwrap_or(0))
                    .await?;
                m["pairing"] = Value::from(format!("{} → {}", name(&sup), name(&rec)));
                m["obligation"] = ob["title"].clone();
                let closed = self
                    .period_closed_on(&pairing, m["period"].as_str().unwrap_or(""))
                    .await?;
                m["overdue_days"] = Value::from(overdue(&m, self.term_end(&pairing).await, closed, self.today()));
                out.push(m);
            }
        }
        out.sort_by(|a, b| a["due_on"].as_str().cmp(&b["due_on"].as_str()));
        Ok(out)
    }

    /// The day a 督办 item's period was signed for its pairing, if it was: the period read in its program's
    /// calendar, and a lock covering all of it.
    async fn period_closed_on(&self, pairing: &Value, period: &str) -> Result<Option<NaiveDate>> {
        let Ok(period) = period.parse::<Period>() else {
            return Ok(None);
        };
        let program = self
            .get("programs", pairing["program_id"].as_i64().unwrap_or(0))
            .await?;
        let calendar: Calendar = serde_json::from_value(program["calendar"].clone()).unwrap_or_default();
        let Some((start, end)) = period.bounds(&calendar, None) else {
            return Ok(None);
        };
        let locks = self
            .list_all("period_locks", "pairing_id", pairing["id"].as_i64().unwrap_or(0))
            .await?;
        Ok(closed_on(&locks, start, end))
    }

    /// Writes `set` to a 督办 item with its audit event (`action`).
    async fn set_supervision(
        &self,
        actor: &duikou_domain::access::Actor,
        id: i64,
        before: &Value,
        action: &str,
        set: &[(&str, Arg)],
    ) -> Result<Value> {
        let mut w = crate::audit::WriteTx::begin(self, actor).await?;
        let now = chrono::Utc::now();
        let mut cols: Vec<String> = set
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{c} = ${}", i + 1))
            .collect();
        cols.push(format!("updated_at = ${}", set.len() + 1));
        cols.push("version = version + 1".into());
        let mut args: Vec<Arg> = set.iter().map(|(_, a)| a.clone()).collect();
        args.push(Arg::Ts(Some(now)));
        args.push(Arg::Int(Some(id)));
        // (a status already closed is never written again: two closes at once leave one)
        let written =
            w.tx.execute(
                &format!(
                    "UPDATE supervisions SET {} WHERE id = ${} AND COALESCE(status, 'open') <> 'resolved'",
                    cols.join(", "),
                    set.len() + 2
                ),
                &args,
            )
            .await?;
        if written == 0 {
            return Err(StoreError::conflict("resolved", "该督办事项已办结", Some("status")));
        }
        let after = Self::get_in(&mut w.tx, crate::records::def("supervisions")?, id).await?;
        w.record(action, "supervisions", id, before.clone(), after.clone())
            .await?;
        w.commit().await?;
        Ok(after)
    }
}

#[cfg(test)]
mod overdue_tests {
    use super::{closed_on, overdue};
    use chrono::NaiveDate;
    use serde_json::json;

    fn day(s: &str) -> NaiveDate {
        duikou_domain::validate::parse_date(s).unwrap()
    }

    #[test]
    fn overdue_days_stop_when_the_period_is_signed_or_the_term_ends() {
        let item = json!({"due_on": "2014-01-10"});
        let as_of = day("2014-03-01");
        assert_eq!(overdue(&item, None, None, as_of), 50);
        // the term ended first
        assert_eq!(overdue(&item, Some(day("2014-01-31")), None, as_of), 21);
        // the period was signed on 2014-01-20: no day counts after it
        let locks = [
            json!({"start_date": "2013-09-01", "end_date": "2014-01-31", "created_at": "2014-01-20T08:00:00Z"}),
            // a lock of another period does not close this one
            json!({"start_date": "2014-02-01", "end_date": "2014-07-31", "created_at": "2014-01-11T08:00:00Z"}),
        ];
        let closed = closed_on(&locks, day("2013-09-01"), day("2014-01-31"));
        assert_eq!(closed, Some(day("2014-01-20")));
        assert_eq!(overdue(&item, None, closed, as_of), 10);
        // signed before the deadline: never overdue
        assert_eq!(overdue(&item, None, Some(day("2014-01-05")), as_of), 0);
        // a reply stops the count too
        let replied = json!({"due_on": "2014-01-10", "replied_on": "2014-01-15"});
        assert_eq!(overdue(&replied, None, closed, as_of), 5);
    }
}

#[cfg(test)]
mod term_tests {
    use super::term_of;
    use crate::assessment::stated_term;
    use chrono::NaiveDate;
    use serde_json::json;

    fn day(s: &str) -> NaiveDate {
        duikou_domain::validate::parse_date(s).unwrap()
    }

    #[test]
    fn the_engines_term_takes_each_end_apart_and_the_stated_term_both_together() {
        let as_of = day("2015-06-30");
        let program = json!({"start_date": "2011", "end_date": "2016-12"});
        // the pairing's own dates, a month or a year running to its end
        let own = json!({"start_date": "2012-03", "end_date": "2014"});
        assert_eq!(
            term_of(&own, &program, as_of),
            Some((day("2012-03-01"), day("2014-12-31")))
        );
        assert_eq!(
            stated_term(&program, &own),
            Some((day("2012-03-01"), day("2014-12-31")))
        );
        // a start of its own, no end: the engine takes the program's end, the stated term the program's two dates
        let half = json!({"start_date": "2013-01-01"});
        assert_eq!(
            term_of(&half, &program, as_of),
            Some((day("2013-01-01"), day("2016-12-31")))
        );
        assert_eq!(
            stated_term(&program, &half),
            Some((day("2011-01-01"), day("2016-12-31")))
        );
        // open-ended everywhere: the engine runs it until the day it is judged
        let open = json!({"start_date": "2013-01-01"});
        let no_end = json!({"start_date": "2011"});
        assert_eq!(term_of(&open, &no_end, as_of), Some((day("2013-01-01"), as_of)));
        assert_eq!(stated_term(&no_end, &open), None);
        // no start anywhere: no term
        assert_eq!(term_of(&json!({}), &json!({}), as_of), None);
    }
}
