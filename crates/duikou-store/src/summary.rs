//! Gathering what a 工作总结 covers: the pairings of a scope, their records, obligation results and the receivers'
//! indicators, handed to the pure writer in duikou-summary.

use crate::db::Arg;
use crate::{ListQuery, Result, Store, StoreError};
use chrono::NaiveDate;
use duikou_domain::entities::{PairingId, Transaction};
use duikou_domain::record::Rec;
use duikou_domain::{Calendar, Period};
use duikou_summary::{Form, HeldTransaction, PairingBundle, SummaryInput};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// What a summary is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One pairing.
    Pairing(i64),
    /// Every pairing of a program.
    Program(i64),
    /// Every pairing an org (or an org below it) supports or receives.
    Org(i64),
    /// Every pairing whose receiver sits in a region (or below it).
    Region(String),
}

impl std::str::FromStr for Scope {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Scope> {
        let bad = || {
            StoreError::invalid(
                "scope",
                "scope",
                format!("范围（scope）应为 pairing:编号、program:编号、org:编号 或 region:区划代码，收到“{s}”"),
            )
        };
        let (kind, value) = s.split_once(':').ok_or_else(bad)?;
        let num = || value.parse::<i64>().ok().filter(|v| *v > 0).ok_or_else(bad);
        match kind {
            "pairing" => Ok(Scope::Pairing(num()?)),
            "program" => Ok(Scope::Program(num()?)),
            "org" => Ok(Scope::Org(num()?)),
            "region" if matches!(value.len(), 6 | 9) && value.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Scope::Region(value.into()))
            }
            _ => Err(bad()),
        }
    }
}

/// Where a summary's obligation results come from. Both give the same unmet and warned results, which are all the
/// writer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// Kept status for many pairings judged as of today, else evaluated.
    Either,
    /// The kept status (brought up to date for `as_of` first).
    Kept,
    /// The engine, over the records.
    Evaluated,
}

/// Above this many pairings of one program, a summary written as of today takes the obligation results from the kept
/// status (`status.rs`) instead of evaluating them.
const KEPT_FROM: usize = 40;

/// The fields of an entity the writer reads (`duikou_summary::FIELDS`); the rest are not read at all.
fn summary_fields(entity: &str) -> Vec<&'static str> {
    let Some(def) = duikou_domain::schema::entity(entity) else {
        return Vec::new();
    };
    crate::rows::columns(def)
        .into_iter()
        .filter(|f| duikou_summary::FIELDS.contains(&f.name))
        .map(|f| f.name)
        .collect()
}

/// At most this many pairings per read of a summary's records (and per task) …
const LOT: usize = 250;

/// … and at least this many reads of each entity where there are pairings enough, so both cores work on the largest.
const LOTS: usize = 4;

/// At most this many of a summary's reads run at once: each holds a connection, its page cache (2 MB) and a thread's
/// share of the allocator, and on two cores four at once were no faster than two (0.66 s against 0.68 s for program
/// 4's year) while they held 10 MB more.
const READS_AT_ONCE: usize = 2;

/// At most this many pairings' activities are read at once and taken into a summary's figures: a lot of program
/// 4's whole term (about 2 000 activities a pairing) holds about 6 MB while it is taken.
const ACTIVITY_LOT: usize = 25;

/// The activities' own counts (活动计数), read generically before the activities.
const COUNTS: &str = "activity_counts";

/// The entities a summary reads generically for each pairing (the typed ones, transactions and activities, are read
/// apart).
const SUMMARY_ENTITIES: &[&str] = &[
    "agreements",
    "project_groups",
    "project_group_shares",
    "projects",
    "project_funding",
    "funds",
    "outputs",
    "dispatches",
    "stints",
    "activity_items",
    "needs",
    "notes",
    "appraisals",
];

impl Store {
    async fn scope_pairings(&self, scope: &Scope) -> Result<(String, Vec<Value>)> {
        match scope {
            Scope::Pairing(id) => {
                let p = self.get("pairings", *id).await?;
                let s = self.get("orgs", p["supporter_org_id"].as_i64().unwrap_or(0)).await?;
                let r = self.get("orgs", p["receiver_org_id"].as_i64().unwrap_or(0)).await?;
                let title = format!(
                    "{}对口支援{}",
                    s["name"].as_str().unwrap_or(""),
                    r["name"].as_str().unwrap_or("")
                );
                Ok((title, vec![p]))
            }
            Scope::Program(id) => {
                let prog = self.get("programs", *id).await?;
                Ok((
                    format!("“{}”", prog["name"].as_str().unwrap_or("")),
                    self.list_all("pairings", "program_id", *id).await?,
                ))
            }
            Scope::Org(id) => {
                let org = self.get("orgs", *id).await?;
                let below = self.org_and_below(*id).await?;
                let mut out = Vec::new();
                for field in ["supporter_org_id", "receiver_org_id"] {
                    for o in &below {
                        for p in self.list_all("pairings", field, *o).await? {
                            if !out.iter().any(|x: &Value| x["id"] == p["id"]) {
                                out.push(p);
                            }
                        }
                    }
                }
                Ok((format!("{}对口支援", org["name"].as_str().unwrap_or("")), out))
            }
            Scope::Region(code) => {
                let regions = self.region_and_below(code).await?;
                let name = self
                    .list(
                        "regions",
                        &ListQuery {
                            filters: [("code".to_string(), code.clone())].into(),
                            ..Default::default()
                        },
                    )
                    .await?
                    .items
                    .first()
                    .and_then(|r| r["name"].as_str().map(str::to_string))
                    .ok_or_else(|| {
                        StoreError::invalid("scope", "unknown_reference", format!("找不到代码为 {code} 的行政区划"))
                    })?;
                let mut out = Vec::new();
                for r in &regions {
                    let q = ListQuery {
                        filters: [("region_code".to_string(), r.clone())].into(),
                        per_page: Some(500),
                        ..Default::default()
                    };
                    for org in self.list("orgs", &q).await?.items {
                        out.extend(
                            self.list_all("pairings", "receiver_org_id", org["id"].as_i64().unwrap_or(0))
                                .await?,
                        );
                    }
                }
                Ok((format!("对口支援{name}"), out))
            }
        }
    }

    /// The province every receiver of these pairings lies in, when every receiver is a region's government.
    async fn receivers_province(&self, pairings: &[Value]) -> Result<Option<String>> {
        let ids: BTreeSet<i64> = pairings.iter().filter_map(|p| p["receiver_org_id"].as_i64()).collect();
        let args: Vec<Arg> = ids.into_iter().map(|i| Arg::Int(Some(i))).collect();
        let rows = self
            .fields_where_in_and("orgs", &["region_code", "kind"], "id", &args, "", &[])
            .await?;
        if rows
            .iter()
            .any(|r| !matches!(r["kind"].as_str(), Some("government" | "command")))
        {
            return Ok(None);
        }
        let provinces: BTreeSet<Option<String>> = rows
            .iter()
            .map(|r| {
                r["region_code"]
                    .as_str()
                    .filter(|c| c.len() >= 6 && c.is_ascii())
                    .map(|c| format!("{}0000", &c[..2]))
            })
            .collect();
        Ok(match provinces.into_iter().collect::<Vec<_>>().as_slice() {
            [Some(p)] => Some(p.clone()),
            _ => None,
        })
    }

    async fn org_and_below(&self, id: i64) -> Result<Vec<i64>> {
        let rows = self
            .db()
            .fetch(
                "WITH RECURSIVE s(id) AS (SELECT CAST($1 AS BIGINT) UNION SELECT o.id FROM orgs o JOIN s ON o.parent_id = s.id) SELECT id FROM s",
                &[crate::db::Arg::Int(Some(id))],
                &[crate::db::Kind::Int],
            )
            .await?;
        Ok(rows.iter().filter_map(|r| r[0].int()).collect())
    }

    async fn region_and_below(&self, code: &str) -> Result<Vec<String>> {
        let rows = self
            .db()
            .fetch(
                "WITH RECURSIVE s(code) AS (SELECT CAST($1 AS TEXT) UNION SELECT r.code FROM regions r JOIN s ON r.parent_code = s.code) SELECT code FROM s",
                &[crate::db::Arg::Text(Some(code.into()))],
                &[crate::db::Kind::Text],
            )
            .await?;
        Ok(rows.iter().filter_map(|r| r[0].text().map(str::to_string)).collect())
    }

    /// One lot of a summary entity's records: the fields the writer reads, the dated ones for the period only (as
    /// the writer keeps them; undated ones always), the undated and the dated read apart so each read follows an
    /// index.
    async fn summary_rows(&self, entity: &str, pairings: &[Arg], within: &[Arg]) -> Result<Vec<Rec>> {
        let fields = summary_fields(entity);
        let dated = match entity {
            // a date column holds the first day of a month or a year: from 1 January of the period's first year ($1)
            // every month or year that may reach into the period is read, and the writer places each (in, out,
            // across the edge) by all of its days
            "activities" | "stints" => Some((
                "start_date",
                "start_date <= $2 AND COALESCE(end_date, start_date) >= $1",
            )),
            "funds" => Some(("date", "date >= $1 AND date <= $2")),
            "outputs" => Some(("as_of", "as_of >= $1 AND as_of <= $2")),
            _ => None,
        };
        // a year's appraisals: the years the period touches (the writer places each by its year)
        if entity == "appraisals" {
            let year = |a: Option<&Arg>| match a {
                Some(Arg::Date(Some(d))) => Some(i64::from(chrono::Datelike::year(d))),
                _ => None,
            };
            let years = [Arg::Int(year(within.first())), Arg::Int(year(within.get(1)))];
            return self
                .fields_where_in_and(
                    entity,
                    &fields,
                    "pairing_id",
                    pairings,
                    "year >= $1 AND year <= $2",
                    &years,
                )
                .await;
        }
        let Some((column, cond)) = dated else {
            return self
                .fields_where_in_and(entity, &fields, "pairing_id", pairings, "", &[])
                .await;
        };
        let undated = self
            .fields_where_in_and(
                entity,
                &fields,
                "pairing_id",
                pairings,
                &format!("{column} IS NULL"),
                &[],
            )
            .await?;
        let dated = self
            .fields_where_in_and(entity, &fields, "pairing_id", pairings, cond, within)
            .await?;
        // each pairing's records in the order one read sorted on the date gives: NULL first on SQLite, last on
        // PostgreSQL
        Ok(match self.backend() {
            crate::Backend::Sqlite => undated.into_iter().chain(dated).collect(),
            crate::Backend::Postgres => dated.into_iter().chain(undated).collect(),
        })
    }

    /// Everything the summary writer needs for a scope and period, judged as of `as_of`.
    pub async fn summary_input(&self, scope: &Scope, period: &Period, as_of: NaiveDate) -> Result<SummaryInput> {
        self.summary_input_as(scope, period, as_of, Form::default()).await
    }

    /// As [`Store::summary_input`], for what `form` says is written (pending facts entering as it says, or a
    /// briefing): the activities are taken for it as they are read.
    pub async fn summary_input_as(
        &self,
        scope: &Scope,
        period: &Period,
        as_of: NaiveDate,
        form: Form,
    ) -> Result<SummaryInput> {
        self.summary_input_read(scope, period, as_of, Judged::Either, form)
            .await
    }

    /// As [`Store::summary_input`], with the obligation results taken from where `judged` says.
    pub async fn summary_input_from(
        &self,
        scope: &Scope,
        period: &Period,
        as_of: NaiveDate,
        judged: Judged,
    ) -> Result<SummaryInput> {
        self.summary_input_read(scope, period, as_of, judged, Form::default())
            .await
    }

    async fn summary_input_read(
        &self,
        scope: &Scope,
        period: &Period,
        as_of: NaiveDate,
        judged: Judged,
        form: Form,
    ) -> Result<SummaryInput> {
        let (scope_title, pairings) = self.scope_pairings(scope).await?;
        if pairings.is_empty() {
            return Err(StoreError::invalid("scope", "empty", "该范围内没有结对关系"));
        }
        let first_program = self
            .get("programs", pairings[0]["program_id"].as_i64().unwrap_or(0))
            .await?;
        let calendar: Calendar = serde_json::from_value(first_program["calendar"].clone()).unwrap_or_default();
        let term = match (
            duikou_domain::date::first_day(&first_program["start_date"]),
            duikou_domain::date::last_day(&first_program["end_date"]),
        ) {
            (Some(a), Some(b)) => Some((a, b)),
            (Some(a), None) => Some((a, as_of.max(a))),
            _ => None,
        };
        let bounds = period.bounds(&calendar, term).ok_or_else(|| {
            StoreError::invalid(
                "period",
                "period",
                "“term”需要计划有开始日期；请给出具体期间，如 2014-2015",
            )
        })?;
        // a region's own indicator values, and its children's sums apart; for a program of regions whose receivers all
        // lie in one province (对口援疆: 新疆's prefectures and counties), that province's own statistics (its children's
        // sums are the pairings' own); a program of universities or schools in 新疆 is not 新疆's aid
        let region_name = |code: String| async move {
            self.fields_where_in_and("regions", &["name"], "code", &[Arg::Text(Some(code))], "", &[])
                .await
                .map(|rows| {
                    rows.first()
                        .and_then(|r| r["name"].as_str().map(str::to_string))
                        .unwrap_or_default()
                })
        };
        let area = match scope {
            Scope::Region(code) => Some((region_name(code.clone()).await?, self.region_indicators(code).await?)),
            Scope::Program(_) => match self.receivers_province(&pairings).await? {
                Some(province) => {
                    let mut own = self.region_indicators(&province).await?;
                    own.retain_mut(|a| {
                        a.summed = None;
                        a.recorded.is_some()
                    });
                    Some((region_name(province).await?, own))
                }
                None => None,
            },
            _ => None,
        };
        // the yearly tasks whose year lies in the period (over the whole term, every year that reaches into it) serving
        // the scope's pairings, and for a program's or an org's summary its programs' too: a program's task is not
        // one pairing's, nor a region's
        let tasks = {
            let programs: BTreeSet<i64> = match scope {
                Scope::Program(_) | Scope::Org(_) => pairings.iter().filter_map(|p| p["program_id"].as_i64()).collect(),
                _ => BTreeSet::new(),
            };
            let programs: Vec<i64> = programs.into_iter().collect();
            let served: Vec<i64> = pairings.iter().filter_map(|p| p["id"].as_i64()).collect();
            let whole = matches!(period, Period::Term);
            self.tasks_serving(&programs, &served, as_of)
                .await?
                .into_iter()
                .filter(|t| {
                    let (a, b) = t.task.year_span();
                    if whole {
                        a <= bounds.1 && b >= bounds.0
                    } else {
                        a >= bounds.0 && b <= bounds.1
                    }
                })
                .map(|t| duikou_summary::TaskItem {
                    id: t.task.id,
                    year: t.task.year,
                    authority: t.authority,
                    org: t.org,
                    title: t.task.title.clone(),
                    target: t.task.target.as_ref().map(|x| x.written_with(t.task.unit_value)),
                    actual: t.progress.actual_written.clone(),
                    status: t.progress.status.label_zh().to_string(),
                })
                .collect()
        };
        // the quantified requirements the scope's programs (and, for a few pairings, their agreements) set: records,
        // the same whichever way the results are judged
        let requirements = {
            let programs: BTreeSet<i64> = pairings.iter().filter_map(|p| p["program_id"].as_i64()).collect();
            let programs: Vec<i64> = programs.into_iter().collect();
            let mut obligations = self.all_where_in("obligations", "program_id", &programs).await?;
            if pairings.len() <= duikou_summary::PAIRINGS_TIMED {
                let served: Vec<i64> = pairings.iter().filter_map(|p| p["id"].as_i64()).collect();
                let agreements: Vec<i64> = self
                    .all_where_in("agreements", "pairing_id", &served)
                    .await?
                    .iter()
                    .filter_map(|a| a["id"].as_i64())
                    .collect();
                obligations.extend(self.all_where_in("obligations", "agreement_id", &agreements).await?);
            }
            obligations.sort_by_key(|o| o["id"].as_i64());
            obligations
                .iter()
                .filter_map(|o| duikou_domain::obligation::ObligationRule::from_json(&o["rule"]).ok())
                .map(|r| r.text_zh())
                .collect::<Vec<String>>()
        };
        // every entity read once for all the scope's pairings, then dealt out by pairing
        let ids: Vec<i64> = pairings.iter().filter_map(|p| p["id"].as_i64()).collect();
        let id_args: Vec<Arg> = ids.iter().map(|i| Arg::Int(Some(*i))).collect();
        let by_id = |rows: Vec<Value>| -> HashMap<i64, Value> {
            rows.into_iter().map(|r| (r["id"].as_i64().unwrap_or(0), r)).collect()
        };
        let linked = |field: &str| -> Vec<i64> {
            let set: BTreeSet<i64> = pairings.iter().filter_map(|p| p[field].as_i64()).collect();
            set.into_iter().collect()
        };
        let mut programs = by_id(self.all_where_in("programs", "id", &linked("program_id")).await?);
        let mut org_ids = linked("supporter_org_id");
        org_ids.extend(linked("receiver_org_id"));
        let orgs = by_id(self.all_where_in("orgs", "id", &org_ids).await?);
        // each program's authority, whose own attributes 基本情况 tells with the sides' (国家体育总局：直属单位28个)
        let authority_ids: Vec<i64> = programs
            .values()
            .filter_map(|p| p["authority_org_id"].as_i64())
            .collect();
        let authorities = by_id(self.all_where_in("orgs", "id", &authority_ids).await?);
        for p in programs.values_mut() {
            if let Some(a) = p["authority_org_id"].as_i64().and_then(|a| authorities.get(&a)) {
                p["authority"] = a.clone();
            }
        }
        // every entity read in lots of pairings at once, each lot its own task, while the obligations are judged
        let within = [
            Arg::Date(chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&bounds.0), 1, 1)),
            Arg::Date(Some(bounds.1)),
        ];
        let lot_size = id_args.len().div_ceil(LOTS).clamp(1, LOT);
        let gate = Arc::new(tokio::sync::Semaphore::new(READS_AT_ONCE));
        let mut reads = Vec::new();
        // the activities' own counts first: which activities have them is known before the activities are taken
        for e in std::iter::once(&COUNTS).chain(SUMMARY_ENTITIES) {
            for lot in id_args.chunks(lot_size) {
                let (store, lot, within) = (self.clone(), lot.to_vec(), within.clone());
                reads.push((
                    *e,
                    tokio::spawn(gated(gate.clone(), async move {
                        store.summary_rows(e, &lot, &within).await
                    })),
                ));
            }
        }
        // their transactions, typed, the same dates read
        let mut transaction_reads = Vec::new();
        if let [Arg::Date(Some(from)), Arg::Date(Some(to))] = &within {
            let (from, to) = (*from, *to);
            for lot in ids.chunks(lot_size) {
                let (store, lot) = (self.clone(), lot.iter().copied().map(PairingId).collect::<Vec<_>>());
                transaction_reads.push(tokio::spawn(gated(gate.clone(), async move {
                    let read = store.transactions_of(&lot, Some((from, to))).await?;
                    // held as the writer reads them and dealt out by pairing (each pairing is of one lot), each
                    // pairing's list made to its size: a program's whole term holds over a hundred thousand
                    let pairing = |t: &Transaction| t.pairing_id.map_or(0, |p| p.0);
                    let mut sizes: HashMap<i64, usize> = HashMap::new();
                    for t in &read {
                        *sizes.entry(pairing(t)).or_default() += 1;
                    }
                    let mut held: HashMap<i64, Vec<HeldTransaction>> =
                        sizes.into_iter().map(|(p, n)| (p, Vec::with_capacity(n))).collect();
                    for t in read {
                        held.entry(pairing(&t)).or_default().push(t.into());
                    }
                    Ok::<_, StoreError>(held)
                })));
            }
        }
        // the rules the activities are taken by, the input's own; then which activities have counts of their own
        // that enter the totals
        let rules = duikou_summary::FoldRules {
            period: bounds,
            // over the whole term a record without a date still belongs: every record of a pairing is of its term
            whole_term: matches!(period, Period::Term),
            pending: form.pending,
            briefing: form.briefing,
        };
        let (count_reads, reads): (Vec<_>, Vec<_>) = reads.into_iter().partition(|(e, _)| *e == COUNTS);
        let mut counts = Vec::new();
        for (_, read) in count_reads {
            counts.extend(
                read.await
                    .map_err(|err| StoreError::Other(format!("读取总结所需记录中断：{err}")))??,
            );
        }
        let with_counts = Arc::new(rules.with_counts(&counts));
        // their activities, typed, those whose days reach into the period (all or some of them), each small lot
        // taken as it is read: of the many, only their figures and the few the text names are kept
        let mut activity_reads = Vec::new();
        {
            let (from, to) = bounds;
            for lot in ids.chunks(ACTIVITY_LOT) {
                let (store, lot) = (self.clone(), lot.iter().copied().map(PairingId).collect::<Vec<_>>());
                let (rules, with_counts) = (rules.clone(), with_counts.clone());
                activity_reads.push(tokio::spawn(gated(gate.clone(), async move {
                    let read = store.summary_activities_of(&lot, Some((from, to))).await?;
                    let mut fold = duikou_summary::ActivityFold::new(rules, with_counts);
                    fold.take_lot(&read);
                    Ok::<_, StoreError>(fold)
                })));
            }
        }
        // the people of those pairings' dispatches (every dispatch is read, so these are all the writer meets)
        let mut people_reads = Vec::new();
        for lot in id_args.chunks(lot_size) {
            let (store, lot) = (self.clone(), lot.to_vec());
            people_reads.push(tokio::spawn(gated(gate.clone(), async move {
                let marks: Vec<String> = (1..=lot.len()).map(|i| format!("${i}")).collect();
                let cond = format!(
                    "id IN (SELECT person_id FROM dispatches WHERE pairing_id IN ({}))",
                    marks.join(", ")
                );
                store
                    .fields_where("people", &summary_fields("people"), &cond, &lot)
                    .await
            })));
        }
        // obligation results: those kept for today where the summary is written today, else evaluated
        let mut results: HashMap<i64, Vec<duikou_domain::engine::ObligationResult>> = HashMap::new();
        let mut of_program: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for p in &pairings {
            of_program
                .entry(p["program_id"].as_i64().unwrap_or(0))
                .or_default()
                .push(p["id"].as_i64().unwrap_or(0));
        }
        let today = self.today();
        for (program, list) in &of_program {
            let kept = match judged {
                Judged::Either => as_of == today && list.len() > KEPT_FROM,
                Judged::Kept => true,
                Judged::Evaluated => false,
            };
            if kept {
                // many pairings judged as of today: the kept status has their unmet and warned results already
                let prog = programs.get(program).cloned().unwrap_or(Value::Null);
                let calendar: Calendar = serde_json::from_value(prog["calendar"].clone()).unwrap_or_default();
                // every period but the term has the same days for each pairing of a program
                let within = match period {
                    Period::Term => None,
                    _ => Some(period.bounds(&calendar, None).ok_or_else(|| {
                        StoreError::invalid("period", "period", format!("无法确定期间“{period}”的起止日期"))
                    })?),
                };
                let terms: HashMap<i64, Option<(NaiveDate, NaiveDate)>> = pairings
                    .iter()
                    .filter(|p| p["program_id"].as_i64() == Some(*program))
                    .map(|p| (p["id"].as_i64().unwrap_or(0), crate::assess::term_of(p, &prog, as_of)))
                    .collect();
                for problem in self.status_problems_within(*program, Some(list), within, as_of).await? {
                    let range = period.bounds(&calendar, terms.get(&problem.pairing_id).copied().flatten());
                    if range.is_some_and(|(a, b)| problem.window_start <= b && problem.window_end >= a) {
                        results
                            .entry(problem.pairing_id)
                            .or_default()
                            .push(problem.into_result());
                    }
                }
            } else {
                for a in self.assess_pairings_in(*program, list, Some(period), as_of).await? {
                    results.insert(a.pairing_id, a.results);
                }
            }
        }
        let mut records: HashMap<i64, HashMap<String, Vec<Rec>>> = HashMap::new();
        for r in counts {
            let p = r["pairing_id"].as_i64().unwrap_or(0);
            records
                .entry(p)
                .or_default()
                .entry(COUNTS.to_string())
                .or_default()
                .push(r);
        }
        for (e, read) in reads {
            let rows = read
                .await
                .map_err(|err| StoreError::Other(format!("读取总结所需记录中断：{err}")))??;
            for r in rows {
                let p = r["pairing_id"].as_i64().unwrap_or(0);
                records.entry(p).or_default().entry(e.to_string()).or_default().push(r);
            }
        }
        let mut transactions: HashMap<i64, Vec<HeldTransaction>> = HashMap::new();
        for read in transaction_reads {
            transactions.extend(
                read.await
                    .map_err(|err| StoreError::Other(format!("读取总结所需记录中断：{err}")))??,
            );
        }
        // the lots' folds joined in the lots' order: the same as one fold over all the activities in order
        let mut fold = duikou_summary::ActivityFold::new(rules.clone(), with_counts);
        for read in activity_reads {
            fold.then(
                read.await
                    .map_err(|err| StoreError::Other(format!("读取总结所需记录中断：{err}")))??,
            );
        }
        let activities = duikou_summary::Activities::folded(fold.finish());
        let mut people: HashMap<i64, Rec> = HashMap::new();
        for read in people_reads {
            let rows = read
                .await
                .map_err(|err| StoreError::Other(format!("读取总结所需记录中断：{err}")))??;
            people.extend(rows.into_iter().map(|r| (r.id(), r)));
        }
        // the receivers' indicator values, by org and by region, with their definitions
        let receivers = linked("receiver_org_id");
        // of each value, the fields the writer reads and its indicator (the rest of a row, as JSON, takes twice the room)
        let value_fields = {
            let mut f = summary_fields("indicator_values");
            f.extend(
                ["id", "indicator_id"]
                    .into_iter()
                    .filter(|x| !f.contains(x))
                    .collect::<Vec<_>>(),
            );
            f
        };
        let indicator_values = |field: &'static str, args: Vec<Arg>| {
            let value_fields = &value_fields;
            async move {
                if args.is_empty() {
                    return Ok(Vec::new());
                }
                self.fields_where_in_and("indicator_values", value_fields, field, &args, "", &[])
                    .await
            }
        };
        let value_recs = indicator_values("org_id", receivers.iter().map(|i| Arg::Int(Some(*i))).collect()).await?;
        // a receiver in a town (九龙镇卫生院) is told its town's values and its county's
        let areas = |code: &str| -> Vec<String> {
            let mut out = vec![code.to_string()];
            if crate::regions::is_town_code(code) {
                out.push(code[..6].to_string());
            }
            out
        };
        let codes: BTreeSet<String> = orgs
            .values()
            .filter(|o| receivers.contains(&o["id"].as_i64().unwrap_or(0)))
            .filter_map(|o| o["region_code"].as_str())
            .flat_map(areas)
            .collect();
        let code_args: Vec<Arg> = codes.into_iter().map(|c| Arg::Text(Some(c))).collect();
        let region_names: HashMap<String, String> = if code_args.is_empty() {
            HashMap::new()
        } else {
            self.fields_where_in_and("regions", &["code", "name"], "code", &code_args, "", &[])
                .await?
                .into_iter()
                .filter_map(|r| Some((r["code"].as_str()?.to_string(), r["name"].as_str()?.to_string())))
                .collect()
        };
        let region_recs = indicator_values("region_code", code_args.clone()).await?;
        // each indicator's definition read once, shared by its values: what the writer reads of it
        let indicators: HashMap<i64, Arc<duikou_summary::Indicator>> = {
            let ids: BTreeSet<i64> = value_recs
                .iter()
                .chain(&region_recs)
                .filter_map(|v| v["indicator_id"].as_i64())
                .collect();
            let args: Vec<Arg> = ids.into_iter().map(|i| Arg::Int(Some(i))).collect();
            let rows = match args.is_empty() {
                true => Vec::new(),
                false => {
                    self.fields_where_in_and("indicators", &["code", "name", "unit"], "id", &args, "", &[])
                        .await?
                }
            };
            rows.iter()
                .map(|r| {
                    let text = |f: &str| r[f].as_str().unwrap_or("").to_string();
                    let def = duikou_summary::Indicator {
                        code: text("code"),
                        name: text("name"),
                        unit: text("unit"),
                    };
                    (r.id(), Arc::new(def))
                })
                .collect()
        };
        let typed = |r: &Rec| {
            let iid = r["indicator_id"].as_i64().unwrap_or(0);
            let indicator = indicators.get(&iid).cloned().ok_or(StoreError::NotFound {
                label: "指标", id: iid
            })?;
            let mut v = duikou_summary::IndicatorValue::read(r, indicator);
            v.region_name = v.region_code.as_ref().and_then(|c| region_names.get(c)).cloned();
            Ok::<_, StoreError>(v)
        };
        let mut values_of_org: HashMap<i64, Vec<duikou_summary::IndicatorValue>> = HashMap::new();
        for r in &value_recs {
            values_of_org
                .entry(r["org_id"].as_i64().unwrap_or(0))
                .or_default()
                .push(typed(r)?);
        }
        let mut values_of_region: HashMap<String, Vec<duikou_summary::IndicatorValue>> = HashMap::new();
        for r in &region_recs {
            if let Some(code) = r["region_code"].as_str() {
                values_of_region.entry(code.to_string()).or_default().push(typed(r)?);
            }
        }
        drop((value_recs, region_recs));
        // what several pairings share is made once and shared
        let programs: HashMap<i64, Arc<Value>> = programs.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
        let orgs: HashMap<i64, Arc<Value>> = orgs.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
        let mut indicators_of: HashMap<(i64, String), Arc<Vec<duikou_summary::IndicatorValue>>> = HashMap::new();
        // the orgs people were sent from and to, by name: the writer tells where they went and from how many units
        let dispatch_orgs: HashMap<i64, Rec> = {
            let ids: BTreeSet<i64> = records
                .values()
                .flat_map(|m| m.get("dispatches").into_iter().flatten())
                .flat_map(|d| [d["home_org_id"].as_i64(), d["host_org_id"].as_i64()])
                .flatten()
                .collect();
            let args: Vec<Arg> = ids.into_iter().map(|i| Arg::Int(Some(i))).collect();
            if args.is_empty() {
                HashMap::new()
            } else {
                self.fields_where_in_and("orgs", &["name"], "id", &args, "", &[])
                    .await?
                    .into_iter()
                    .map(|r| (r.id(), r))
                    .collect()
            }
        };
        // each person's last pairing, in the pairings' order: there the person is moved into the bundle, before it
        // copied (a person is seldom sent to more than one)
        let mut last_pairing_of: HashMap<i64, i64> = HashMap::new();
        for p in &pairings {
            let pid = p["id"].as_i64().unwrap_or(0);
            let dispatches = records.get(&pid).and_then(|m| m.get("dispatches"));
            for d in dispatches.into_iter().flatten() {
                last_pairing_of.insert(d["person_id"].as_i64().unwrap_or(0), pid);
            }
        }
        let mut bundles = Vec::with_capacity(pairings.len());
        for pairing in pairings {
            let pid = pairing["id"].as_i64().unwrap_or(0);
            let program = programs
                .get(&pairing["program_id"].as_i64().unwrap_or(0))
                .cloned()
                .unwrap_or_default();
            let org = |field: &str| {
                let id = pairing[field].as_i64().unwrap_or(0);
                orgs.get(&id).cloned().ok_or(StoreError::NotFound { label: "单位", id })
            };
            let (supporter, receiver) = (org("supporter_org_id")?, org("receiver_org_id")?);
            let mut mine = records.remove(&pid).unwrap_or_default();
            for e in SUMMARY_ENTITIES {
                mine.entry(e.to_string()).or_default();
            }
            let mut people_of = Vec::new();
            let mut seen = BTreeSet::new();
            for d in mine.get("dispatches").into_iter().flatten() {
                let person = d["person_id"].as_i64().unwrap_or(0);
                if seen.insert(person) {
                    let found = match last_pairing_of.get(&person) == Some(&pid) {
                        true => people.remove(&person),
                        false => people.get(&person).cloned(),
                    };
                    people_of.push(found.ok_or(StoreError::NotFound {
                        label: "人员",
                        id: person,
                    })?);
                }
            }
            mine.insert("people".into(), people_of);
            let mut orgs_of = Vec::new();
            let mut seen_orgs = BTreeSet::new();
            for d in mine.get("dispatches").into_iter().flatten() {
                for o in [d["home_org_id"].as_i64(), d["host_org_id"].as_i64()]
                    .into_iter()
                    .flatten()
                {
                    if let (true, Some(r)) = (seen_orgs.insert(o), dispatch_orgs.get(&o)) {
                        orgs_of.push(r.clone());
                    }
                }
            }
            mine.insert("orgs".into(), orgs_of);
            let receiver_id = receiver["id"].as_i64().unwrap_or(0);
            let code = receiver["region_code"].as_str().unwrap_or("").to_string();
            // a receiver with values of its own has its own list; the others share their region's
            let key = match values_of_org.contains_key(&receiver_id) {
                true => (receiver_id, String::new()),
                false => (0, code.clone()),
            };
            let indicators = match indicators_of.get(&key) {
                Some(list) => list.clone(),
                None => {
                    let mut list = values_of_org.get(&receiver_id).cloned().unwrap_or_default();
                    for area in areas(&code) {
                        list.extend(values_of_region.get(&area).into_iter().flatten().cloned());
                    }
                    let list = Arc::new(list);
                    indicators_of.insert(key, list.clone());
                    list
                }
            };
            bundles.push(PairingBundle {
                results: results.remove(&pid).unwrap_or_default(),
                pairing,
                program,
                supporter,
                receiver,
                records: mine,
                transactions: transactions.remove(&pid).unwrap_or_default(),
                indicators,
            });
        }
        Ok(SummaryInput {
            scope_title,
            period_label: period.label_zh(),
            period: rules.period,
            pairings: bundles,
            activities,
            written_on: as_of,
            // the caller chooses (`pending=`); separate unless told
            pending: rules.pending,
            whole_term: rules.whole_term,
            area,
            tasks,
            requirements,
        })
    }
}

/// A read that waits, before it starts, until fewer than [`READS_AT_ONCE`] of its summary's run.
async fn gated<T>(gate: Arc<tokio::sync::Semaphore>, read: impl std::future::Future<Output = T>) -> T {
    // the gate is never closed, so a permit always comes
    let _turn = gate.acquire_owned().await;
    read.await
}
