//! The generator: the structure (orgs, programs, pairings, obligations) is planned in memory, then every table is
//! written through a [`Sink`] in dependency order inside one write transaction. Ids are assigned here, after the
//! largest id already in each table, so children point at parents without reading anything back.

use crate::data::{self, GOV_MONTHS, SCHOOL_MONTHS};
use crate::sink::Sink;
use crate::{Counts, Options, Progress, SynthError, Targets, FIRST_YEAR, LAST_YEAR};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use duikou_domain::access::Actor;
use duikou_store::audit::WriteTx;
use duikou_store::db::{Arg, Backend, Kind, Tx};
use duikou_store::{Store, StoreError};
use rand::distributions::{Distribution, WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------------------------------------------
// columns written per table (version keeps its default of 1; what a list leaves out is NULL), each a choice among
// the schema's columns of its table in their order (EntityDef::columns; the test `column_lists_are_the_schemas_columns`)

const ORG_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "name",
    "short_name",
    "kind",
    "region_code",
    "parent_id",
    "attributes",
    "note",
];
const PROGRAM_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "name",
    "authority_org_id",
    "start_date",
    "end_date",
    "calendar",
    "rating_scale",
    "only_confirmed",
    "warn_share",
    "published",
    "description",
];
const PAIRING_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "program_id",
    "supporter_org_id",
    "receiver_org_id",
    "level",
    "start_date",
    "end_date",
    "parent_id",
    "note",
    "withheld",
];
const OBLIGATION_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "program_id",
    "assigned_org_id",
    "year",
    "title",
    "weight",
    "rule",
    "note",
];
const INDICATOR_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "code",
    "name",
    "unit",
    "aggregation",
    "description",
];
const VALUE_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "indicator_id",
    "region_code",
    "period",
    "value",
    "source",
];
const PROJECT_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "pairing_id",
    "name",
    "category",
    "region_code",
    "delivery_mode",
    "plan_batch",
    "approved_on",
    "started_on",
    "completed_on",
    "total_investment",
    "confirmation",
    "confirmed_at",
    "dispute_reason",
];
const FUNDING_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "project_id",
    "pairing_id",
    "source",
    "amount",
    "confirmation",
    "confirmed_at",
    "dispute_reason",
];
const TX_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "project_id",
    "pairing_id",
    "kind",
    "source",
    "amount",
    "date",
    "confirmation",
    "confirmed_at",
    "dispute_reason",
];
const PEOPLE_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "name",
    "gender",
    "birth_year",
    "ethnicity",
    "education",
    "title",
    "title_level",
    "home_org_id",
];
const DISPATCH_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "pairing_id",
    "person_id",
    "role",
    "batch",
    "direction",
    "home_org_id",
    "host_org_id",
    "post",
    "start_date",
    "end_date",
    "confirmation",
    "confirmed_at",
    "dispute_reason",
];
const STINT_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "dispatch_id",
    "pairing_id",
    "start_date",
    "end_date",
    "confirmation",
    "confirmed_at",
    "dispute_reason",
];
const APPRAISAL_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "dispatch_id",
    "pairing_id",
    "year",
    "grade",
    "comment",
];
pub(crate) const ACTIVITY_COLS: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "pairing_id",
    "kind",
    "title",
    "audience",
    "start_date",
    "end_date",
    "region_code",
    "person_times",
    "sessions",
    "courses",
    "hours",
    "items",
    "amount",
    "dispatch_id",
    "confirmation",
    "confirmed_at",
    "dispute_reason",
];

/// Tables written, for the id bases and PostgreSQL's sequences.
const TABLES: &[&str] = &[
    "orgs",
    "programs",
    "pairings",
    "obligations",
    "indicators",
    "indicator_values",
    "projects",
    "project_funding",
    "transactions",
    "people",
    "dispatches",
    "stints",
    "appraisals",
    "activities",
];

/// The regional indicators: code, name, unit, aggregation.
const INDICATORS: &[(&str, &str, &str, &str)] = &[
    ("gdp", "地区生产总值", "亿元", "sum"),
    ("fiscal_revenue", "地方财政一般预算收入", "亿元", "sum"),
    ("population", "常住人口", "万人", "last"),
    ("rural_income", "农村居民人均可支配收入", "元", "last"),
    ("urban_income", "城镇居民人均可支配收入", "元", "last"),
];

const SOURCE: &str = "合成数据（duikou-synth）";

// ---------------------------------------------------------------------------------------------------------------
// small helpers

fn int(v: i64) -> Arg {
    Arg::Int(Some(v))
}
fn opt_int(v: Option<i64>) -> Arg {
    Arg::Int(v)
}
fn text(s: impl Into<String>) -> Arg {
    Arg::Text(Some(s.into()))
}
fn no_text() -> Arg {
    Arg::Text(None)
}
fn date(d: NaiveDate) -> Arg {
    Arg::Date(Some(d))
}
fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}
fn last_day() -> NaiveDate {
    ymd(LAST_YEAR, 12, 31)
}
/// When a fact about `d` was typed in: a few days later, in office hours (deterministic, unlike `now`).
fn stamp(d: NaiveDate, offset_days: i64) -> DateTime<Utc> {
    let d = d + Duration::days(offset_days);
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).unwrap_or_default())
}
fn ts_pair(d: NaiveDate, offset_days: i64) -> (Arg, Arg) {
    let t = stamp(d, offset_days);
    (Arg::Ts(Some(t)), Arg::Ts(Some(t)))
}
fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 { ymd(y + 1, 1, 1) } else { ymd(y, m + 1, 1) };
    (next - ymd(y, m, 1)).num_days() as u32
}
fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.gen_range(0..xs.len())]
}
fn pick_w<'a>(rng: &mut ChaCha8Rng, xs: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = xs.iter().map(|x| x.1).sum();
    let mut r = rng.gen_range(0..total.max(1));
    for (v, w) in xs {
        if r < *w {
            return v;
        }
        r -= w;
    }
    xs[0].0
}
/// A seed for one part of the record, so each part's rows do not depend on how many numbers the others drew.
fn sub_rng(seed: u64, part: u64, index: u64) -> ChaCha8Rng {
    let mixed = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(part.wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
        .wrapping_add(index.wrapping_mul(0x1656_67B1_9E37_79F9));
    ChaCha8Rng::seed_from_u64(mixed)
}
/// Splits `total` over `weights` exactly (cumulative rounding: the parts add up to `total`).
/// Each pairing's share of a total: a weight by level (province→prefecture, city→county, school, hospital) times its
/// years, times `behind` for the pairings that lag.
fn weights(pairs: &[Pair], by_level: [f64; 4], behind: f64) -> Vec<f64> {
    pairs
        .iter()
        .map(|p| {
            let level = match p.level {
                Level::ProvincePrefecture => by_level[0],
                Level::CityCounty => by_level[1],
                Level::School => by_level[2],
                Level::Hospital => by_level[3],
            };
            level * p.years() * if p.behind { behind } else { 1.0 }
        })
        .collect()
}

fn split(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let mut out = Vec::with_capacity(weights.len());
    let (mut acc, mut prev) = (0.0f64, 0u64);
    for w in weights {
        acc += w;
        let upto = ((total as f64) * acc / sum).round() as u64;
        let upto = upto.min(total);
        out.push(upto.saturating_sub(prev));
        prev = upto.max(prev);
    }
    // rounding at the very end can leave one out
    if let Some(last) = out.last_mut() {
        *last += total - prev;
    }
    out
}
/// A date in a month chosen by `weights`, in a year between `from` and `to`, inside `[from, to]`.
fn rhythm_date(rng: &mut ChaCha8Rng, months: &WeightedIndex<u32>, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let (y0, y1) = (from.year(), to.year().max(from.year()));
    for _ in 0..8 {
        let y = rng.gen_range(y0..=y1);
        let m = months.sample(rng) as u32 + 1;
        let d = ymd(y, m, rng.gen_range(1..=days_in_month(y, m)));
        if d >= from && d <= to {
            return d;
        }
    }
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.gen_range(0..=span))
}

/// Confirmation, confirmed_at and dispute reason of a fact dated `d`: most confirmed, recent ones often pending.
fn confirmation(rng: &mut ChaCha8Rng, d: NaiveDate) -> [Arg; 3] {
    let pending_share = if d >= ymd(LAST_YEAR, 7, 1) { 0.40 } else { 0.08 };
    let r: f64 = rng.gen();
    if r < pending_share {
        [text("pending"), no_text(), no_text()]
    } else if r < pending_share + 0.04 {
        let at = stamp(d, rng.gen_range(5..40)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let reason = *pick(
            rng,
            &[
                "金额与拨付凭证不符",
                "日期有误，请核对",
                "人数与签到表不符",
                "该项目不属于本结对",
            ],
        );
        [text("disputed"), text(at), text(reason)]
    } else {
        let at = stamp(d, rng.gen_range(3..30)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        [text("confirmed"), text(at), no_text()]
    }
}

// ---------------------------------------------------------------------------------------------------------------
// the plan held in memory

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    ProvincePrefecture,
    CityCounty,
    School,
    Hospital,
}

impl Level {
    fn code(self) -> &'static str {
        match self {
            Level::ProvincePrefecture => "province_prefecture",
            Level::CityCounty => "city_county",
            Level::School => "school_school",
            Level::Hospital => "hospital_hospital",
        }
    }
}

/// One pairing, as the later stages need it.
#[derive(Debug, Clone)]
pub(crate) struct Pair {
    pub(crate) id: i64,
    program: usize,
    pub(crate) level: Level,
    supporter: i64,
    receiver: i64,
    /// The receiving county's (or prefecture's) region code.
    pub(crate) region: String,
    /// The receiving place's name, for titles.
    pub(crate) place: String,
    pub(crate) start: NaiveDate,
    pub(crate) end: NaiveDate,
    parent: Option<i64>,
    /// Share of projects in livelihood categories.
    livelihood: f64,
    /// Behind on its obligations: fewer dispatches, trainings and exchanges.
    pub(crate) behind: bool,
}

impl Pair {
    fn years(&self) -> f64 {
        ((self.end - self.start).num_days().max(1) as f64) / 365.25
    }
}

struct OrgRow {
    id: i64,
    name: String,
    short: Option<String>,
    kind: &'static str,
    region: Option<String>,
    parent: Option<i64>,
    attributes: Option<Value>,
}

/// The org list being planned: ids assigned in order, names kept unique.
struct Orgs {
    next: i64,
    rows: Vec<OrgRow>,
    names: BTreeSet<String>,
    tag: String,
}

impl Orgs {
    fn add(
        &mut self,
        name: String,
        short: Option<String>,
        kind: &'static str,
        region: Option<&str>,
        parent: Option<i64>,
        attributes: Option<Value>,
    ) -> i64 {
        let mut name = format!("{name}{}", self.tag);
        if self.names.contains(&name) {
            let base = name.clone();
            let mut k = 2;
            while self.names.contains(&name) {
                name = format!("{base}（{k}）");
                k += 1;
            }
        }
        self.names.insert(name.clone());
        self.next += 1;
        self.rows.push(OrgRow {
            id: self.next,
            name,
            short,
            kind,
            region: region.map(str::to_string),
            parent,
            attributes,
        });
        self.next
    }
}

#[derive(Debug, Clone)]
struct Region {
    name: String,
    level: String,
    parent: Option<String>,
}

/// The writer: the open write transaction, the progress callback and the stage being written.
struct Out<'p> {
    w: WriteTx,
    backend: Backend,
    progress: &'p mut dyn FnMut(Progress),
    stage: &'static str,
    done: u64,
    total: u64,
}

impl Out<'_> {
    fn stage(&mut self, stage: &'static str, total: u64) {
        self.stage = stage;
        self.done = 0;
        self.total = total;
        self.report();
    }
    fn report(&mut self) {
        (self.progress)(Progress {
            stage: self.stage,
            done: self.done,
            total: self.total,
        });
    }
    fn sink(&self, table: &'static str, cols: &'static [&'static str]) -> Sink {
        Sink::new(self.backend, table, cols)
    }
    async fn put<const N: usize>(&mut self, sink: &mut Sink, row: [Arg; N]) -> Result<(), sqlx::Error> {
        let n = sink.row(&mut self.w.tx, row).await?;
        if n > 0 {
            self.done += n;
            self.report();
        }
        Ok(())
    }
    async fn flush(&mut self, sink: &mut Sink) -> Result<u64, sqlx::Error> {
        let n = sink.flush(&mut self.w.tx).await?;
        if n > 0 {
            self.done += n;
            self.report();
        }
        Ok(sink.written)
    }
}

async fn scalar(tx: &mut Tx, sql: &str) -> Result<i64, SynthError> {
    Ok(tx
        .fetch_opt(sql, &[], &[Kind::Int])
        .await?
        .and_then(|r| r[0].int())
        .unwrap_or(0))
}

// ---------------------------------------------------------------------------------------------------------------
// the entry point

/// Writes the synthetic record for `opts` into `store`, in one transaction with one audit event (`bulk_load`).
///
/// Refuses with [`SynthError::NotEmpty`] when the database already holds pairings, programs or orgs, unless
/// `opts.force`; then the synthetic record is written alongside (ids after the largest ones present, org and program
/// names tagged so they do not clash).
pub async fn generate(store: &Store, opts: &Options, progress: &mut dyn FnMut(Progress)) -> Result<Counts, SynthError> {
    if !(opts.scale.is_finite() && opts.scale > 0.0) {
        return Err(SynthError::BadScale(opts.scale));
    }
    let (pairings, programs, orgs) = crate::existing_records(store).await?;
    if (pairings > 0 || programs > 0 || orgs > 0) && !opts.force {
        return Err(SynthError::NotEmpty(format!(
            "{pairings} 个结对、{programs} 个计划、{orgs} 个单位"
        )));
    }
    let targets = Targets::at(opts.scale);
    let w = WriteTx::begin(store, &Actor::system()).await?;
    let mut out = Out {
        w,
        backend: store.backend(),
        progress,
        stage: "准备",
        done: 0,
        total: 0,
    };
    let mut base = BTreeMap::new();
    for t in TABLES {
        base.insert(
            *t,
            scalar(&mut out.w.tx, &format!("SELECT COALESCE(MAX(id), 0) FROM {t}")).await?,
        );
    }
    let tag = if orgs > 0 || programs > 0 {
        format!("·合成{}", base["orgs"] + 1)
    } else {
        String::new()
    };
    let mut counts = Counts::default();
    let plan = structure(&mut out, opts, &targets, &base, &tag, &mut counts).await?;
    indicator_values(&mut out, opts, &plan, &base, &mut counts).await?;
    let projects = projects(&mut out, opts, &targets, &plan.pairs, &base, &mut counts).await?;
    transactions(&mut out, opts, &targets, &projects, &base, &mut counts).await?;
    drop(projects);
    let dispatches = dispatches(&mut out, opts, &targets, &plan.pairs, &base, &mut counts).await?;
    activities(&mut out, opts, &targets, &plan.pairs, &dispatches, &base, &mut counts).await?;

    // one event per row loaded, each committing to the row as stored (no before/after, to keep the load small), so
    // `audit verify` accounts for every row of the synthetic record as for any other
    out.stage("审计", 0);
    for t in TABLES {
        if let Some(def) = duikou_domain::schema::entity(t) {
            out.w.seal_rows("create", def, base[t]).await?;
        }
    }
    out.w
        .record(
            "bulk_load",
            "synth",
            0,
            Value::Null,
            json!({"seed": opts.seed, "scale": opts.scale, "counts": counts, "total": counts.total()}),
        )
        .await?;
    // the dashboard aggregates are rebuilt from the base tables inside this transaction, at commit
    out.w.rebuild_aggregates();
    if out.backend == Backend::Postgres {
        for t in TABLES {
            out.w
                .tx
                .execute(
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t})) \
                         WHERE EXISTS (SELECT 1 FROM {t})"
                    ),
                    &[],
                )
                .await?;
        }
    }
    out.stage("提交", 0);
    out.w.commit().await?;
    if store.backend() == Backend::Sqlite {
        // fold the load's write-ahead log into the file at once, so that readers do not search a log of gigabytes
        store.db().execute("PRAGMA wal_checkpoint(TRUNCATE)", &[]).await?;
    }
    Ok(counts)
}

// ---------------------------------------------------------------------------------------------------------------
// structure: orgs, programs, pairings, obligations, indicators

struct Plan {
    pairs: Vec<Pair>,
    /// Receiving counties: code, name.
    counties: Vec<(String, String)>,
    /// Indicator code → id.
    indicators: BTreeMap<&'static str, i64>,
}

async fn structure(
    out: &mut Out<'_>,
    opts: &Options,
    targets: &Targets,
    base: &BTreeMap<&str, i64>,
    tag: &str,
    counts: &mut Counts,
) -> Result<Plan, SynthError> {
    let mut rng = sub_rng(opts.seed, 1, 0);
    let rows = out
        .w
        .tx
        .fetch(
            "SELECT code, name, level, parent_code FROM regions ORDER BY code",
            &[],
            &[Kind::Text, Kind::Text, Kind::Text, Kind::Text],
        )
        .await?;
    let regions: BTreeMap<String, Region> = rows
        .into_iter()
        .filter_map(|r| {
            Some((
                r[0].text()?.to_string(),
                Region {
                    name: r[1].text()?.to_string(),
                    level: r[2].text()?.to_string(),
                    parent: r[3].text().map(str::to_string),
                },
            ))
        })
        .collect();
    let name_of = |code: &str| {
        regions
            .get(code)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| code.to_string())
    };

    // receiving counties per group, spread evenly over each group's sorted county list
    let r_total = targets.receivers as usize;
    let n_x = ((r_total as f64 * data::RECEIVER_GROUPS[0].2).floor() as usize).max(1);
    let n_t = ((r_total as f64 * data::RECEIVER_GROUPS[1].2).floor() as usize).max(1);
    let wanted = [n_x, n_t, r_total.saturating_sub(n_x + n_t).max(1)];
    let mut counties: Vec<(usize, String)> = Vec::new(); // (program, county code)
    for ((program, prefixes, _), want) in data::RECEIVER_GROUPS.iter().zip(wanted) {
        let pool: Vec<&String> = regions
            .iter()
            .filter(|(code, r)| {
                r.level == "county"
                    && prefixes.iter().any(|p| code.starts_with(p))
                    && r.parent.as_ref().and_then(|p| regions.get(p)).is_some_and(|p| {
                        p.level == "prefecture" && !p.name.contains("直辖") && !p.name.contains("辖区")
                    })
            })
            .map(|(c, _)| c)
            .collect();
        if pool.is_empty() {
            return Err(SynthError::Regions(format!("{prefixes:?} 开头的县级区划")));
        }
        let want = want.min(pool.len());
        for i in 0..want {
            counties.push((*program, pool[i * pool.len() / want].clone()));
        }
    }
    // receiving prefectures, in code order, each supported by one province
    let prefectures: Vec<(usize, String)> = {
        let mut seen = BTreeMap::new();
        for (program, c) in &counties {
            if let Some(p) = regions.get(c).and_then(|r| r.parent.clone()) {
                seen.entry(p).or_insert(*program);
            }
        }
        seen.into_iter().map(|(p, prog)| (prog, p)).collect()
    };
    let supporter_codes: Vec<&str> = data::SUPPORTERS[..targets.supporters as usize].to_vec();
    for s in &supporter_codes {
        if !regions.contains_key(*s) {
            return Err(SynthError::Regions((*s).to_string()));
        }
    }

    let mut orgs = Orgs {
        next: base["orgs"],
        rows: Vec::new(),
        names: BTreeSet::new(),
        tag: tag.to_string(),
    };
    let authorities: Vec<i64> = data::PROGRAMS
        .iter()
        .map(|(_, authority, _)| orgs.add((*authority).to_string(), None, "government", Some("110000"), None, None))
        .collect();
    let supporter_orgs: Vec<i64> = supporter_codes
        .iter()
        .map(|c| {
            let n = name_of(c);
            orgs.add(format!("{n}人民政府"), Some(n), "government", Some(c), None, None)
        })
        .collect();
    // the cities of each supporting province: prefecture-level children, or county-level ones for municipalities
    let cities_of = |province: &str| -> Vec<String> {
        let kids = |level: &str| -> Vec<String> {
            regions
                .iter()
                .filter(|(_, r)| {
                    r.level == level
                        && r.parent.as_deref() == Some(province)
                        && !r.name.contains("直辖")
                        && !r.name.contains("辖区")
                })
                .map(|(c, _)| c.clone())
                .collect()
        };
        let p = kids("prefecture");
        if p.is_empty() {
            kids("county")
        } else {
            p
        }
    };
    let mut city_orgs: BTreeMap<String, i64> = BTreeMap::new();
    let mut next_city: BTreeMap<usize, usize> = BTreeMap::new();

    let mut next_pairing = base["pairings"];
    let mut pairs: Vec<Pair> = Vec::new();
    let mut pref_pairing: BTreeMap<String, (usize, i64)> = BTreeMap::new(); // prefecture → (supporter index, pairing)
    for (i, (program, pref)) in prefectures.iter().enumerate() {
        let s = i % supporter_orgs.len();
        let pname = name_of(pref);
        let suffix = if pname.ends_with("地区") {
            "行政公署"
        } else {
            "人民政府"
        };
        let receiver = orgs.add(
            format!("{pname}{suffix}"),
            Some(pname.clone()),
            "government",
            Some(pref),
            None,
            None,
        );
        next_pairing += 1;
        pairs.push(Pair {
            id: next_pairing,
            program: *program,
            level: Level::ProvincePrefecture,
            supporter: supporter_orgs[s],
            receiver,
            region: pref.clone(),
            place: pname,
            start: ymd(FIRST_YEAR, 1, 1),
            end: last_day(),
            parent: None,
            livelihood: 0.0,
            behind: false,
        });
        pref_pairing.insert(pref.clone(), (s, next_pairing));
    }
    // the county pairings, and per county the supporting city and the two orgs' names
    struct CountySide {
        program: usize,
        code: String,
        name: String,
        org: i64,
        city_org: i64,
        city_name: String,
        pairing: i64,
    }
    let mut sides: Vec<CountySide> = Vec::new();
    for (program, code) in &counties {
        let Some(pref) = regions.get(code).and_then(|r| r.parent.clone()) else {
            continue;
        };
        let Some(&(s, parent)) = pref_pairing.get(&pref) else {
            continue;
        };
        let cities = cities_of(supporter_codes[s]);
        let (city_org, city_name) = if cities.is_empty() {
            (supporter_orgs[s], name_of(supporter_codes[s]))
        } else {
            let k = next_city.entry(s).or_insert(0);
            let city = cities[*k % cities.len()].clone();
            *k += 1;
            let cname = name_of(&city);
            let prov = name_of(supporter_codes[s]);
            let id = *city_orgs.entry(city.clone()).or_insert_with(|| {
                orgs.add(
                    format!("{prov}{cname}人民政府"),
                    Some(cname.clone()),
                    "government",
                    Some(&city),
                    Some(supporter_orgs[s]),
                    None,
                )
            });
            (id, cname)
        };
        let cname = name_of(code);
        let county_org = orgs.add(
            format!("{}{cname}人民政府", name_of(&pref)),
            Some(cname.clone()),
            "government",
            Some(code),
            None,
            None,
        );
        next_pairing += 1;
        let start = if rng.gen_bool(0.1) {
            ymd(rng.gen_range(FIRST_YEAR + 1..=FIRST_YEAR + 3), 1, 1)
        } else {
            ymd(FIRST_YEAR, 1, 1)
        };
        pairs.push(Pair {
            id: next_pairing,
            program: *program,
            level: Level::CityCounty,
            supporter: city_org,
            receiver: county_org,
            region: code.clone(),
            place: cname.clone(),
            start,
            end: last_day(),
            parent: Some(parent),
            livelihood: 0.0,
            behind: false,
        });
        sides.push(CountySide {
            program: *program,
            code: code.clone(),
            name: cname,
            org: county_org,
            city_org,
            city_name,
            pairing: next_pairing,
        });
    }
    // school and hospital pairings fill the rest, round-robin over the counties
    let rest = (targets.pairings as usize).saturating_sub(pairs.len()).max(2);
    let n_school = (rest * 7 / 10).clamp(1, rest - 1);
    let mut serial: BTreeMap<String, u32> = BTreeMap::new();
    let mut next_no = |key: &str| -> u32 {
        let k = serial.entry(key.to_string()).or_insert(0);
        *k += 1;
        *k
    };
    for i in 0..rest {
        let side = &sides[i % sides.len()];
        next_pairing += 1;
        if i < n_school {
            let primary = rng.gen_bool(0.5);
            let (kind_s, kind_r) = if primary {
                ("实验小学", "小学")
            } else {
                ("中学", "中学")
            };
            let sup_no = next_no(&format!("{}{kind_s}", side.city_name));
            let rec_no = next_no(&format!("{}{kind_r}", side.name));
            let sup = orgs.add(
                format!("{}第{sup_no}{kind_s}", side.city_name),
                None,
                "school",
                None,
                Some(side.city_org),
                None,
            );
            let teachers = rng.gen_range(12..90);
            let rec = orgs.add(
                format!("{}第{rec_no}{kind_r}", side.name),
                None,
                "school",
                Some(&side.code),
                Some(side.org),
                Some(json!({"teacher_count": teachers})),
            );
            let y = rng.gen_range(FIRST_YEAR..=LAST_YEAR - 3);
            let start = ymd(y, 9, 1);
            pairs.push(Pair {
                id: next_pairing,
                program: 3,
                level: Level::School,
                supporter: sup,
                receiver: rec,
                region: side.code.clone(),
                place: side.name.clone(),
                start,
                end: ymd(y + 3, 8, 31).min(last_day()),
                parent: None,
                livelihood: 0.0,
                behind: false,
            });
        } else {
            let sup_no = next_no(&format!("{}医院", side.city_name));
            let rec_no = next_no(&format!("{}医院", side.name));
            let sup = orgs.add(
                format!("{}第{sup_no}人民医院", side.city_name),
                None,
                "hospital",
                None,
                Some(side.city_org),
                None,
            );
            let rec_name = if rec_no == 1 {
                format!("{}人民医院", side.name)
            } else {
                format!("{}第{rec_no}人民医院", side.name)
            };
            let rec = orgs.add(rec_name, None, "hospital", Some(&side.code), Some(side.org), None);
            let y = rng.gen_range(FIRST_YEAR..=LAST_YEAR - 4);
            pairs.push(Pair {
                id: next_pairing,
                program: side.program,
                level: Level::Hospital,
                supporter: sup,
                receiver: rec,
                region: side.code.clone(),
                place: side.name.clone(),
                start: ymd(y, 1, 1),
                end: last_day(),
                parent: Some(side.pairing),
                livelihood: 0.0,
                behind: false,
            });
        }
    }
    for p in &mut pairs {
        p.behind = rng.gen_bool(0.15);
        p.livelihood = if rng.gen_bool(0.15) {
            rng.gen_range(0.50..0.75)
        } else {
            rng.gen_range(0.86..0.98)
        };
    }

    // indicators present already are reused (the demo defines some of the same codes)
    let mut indicators: BTreeMap<&'static str, i64> = BTreeMap::new();
    let mut new_indicators = Vec::new();
    let mut next_indicator = base["indicators"];
    for (code, ..) in INDICATORS {
        let found = out
            .w
            .tx
            .fetch_opt(
                "SELECT id FROM indicators WHERE code = $1",
                &[text(*code)],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int());
        let id = match found {
            Some(id) => id,
            None => {
                next_indicator += 1;
                new_indicators.push(next_indicator);
                next_indicator
            }
        };
        indicators.insert(code, id);
    }
    let obligations = obligation_rows(&supporter_orgs, base["programs"]);

    let total = orgs.rows.len() + data::PROGRAMS.len() + pairs.len() + obligations.len() + new_indicators.len();
    out.stage("单位与结对", total as u64);
    let origin = ymd(FIRST_YEAR - 1, 12, 1);
    let mut sink = out.sink("orgs", ORG_COLS);
    for o in orgs.rows {
        let (c, u) = ts_pair(origin, 0);
        let row = [
            int(o.id),
            c,
            u,
            text(o.name),
            Arg::Text(o.short),
            text(o.kind),
            Arg::Text(o.region),
            opt_int(o.parent),
            Arg::Json(o.attributes),
            text("合成数据"),
        ];
        out.put(&mut sink, row).await?;
    }
    counts.orgs = out.flush(&mut sink).await?;

    let mut sink = out.sink("programs", PROGRAM_COLS);
    for (i, (name, _, description)) in data::PROGRAMS.iter().enumerate() {
        let school = i == 3;
        let template = duikou_domain::templates::template(if school { "school_pairing" } else { "livelihood_share" });
        let calendar = template.map(|t| t.calendar).unwrap_or(Value::Null);
        let (c, u) = ts_pair(origin, 0);
        let row = [
            int(base["programs"] + 1 + i as i64),
            c,
            u,
            text(format!("{name}{tag}")),
            int(authorities[i]),
            date(ymd(FIRST_YEAR, 1, 1)),
            date(last_day()),
            Arg::Json(Some(calendar)),
            Arg::Json(Some(
                json!({"levels": [{"label": "优秀", "min_score": 90}, {"label": "良好", "min_score": 80},
                                             {"label": "合格", "min_score": 60}, {"label": "不合格", "min_score": 0}]}),
            )),
            Arg::Bool(Some(true)),
            int(duikou_domain::Qty::from_int(1).raw() / 2),
            Arg::Bool(Some(true)),
            text(*description),
        ];
        out.put(&mut sink, row).await?;
    }
    counts.programs = out.flush(&mut sink).await?;

    let mut sink = out.sink("pairings", PAIRING_COLS);
    for p in &pairs {
        let (c, u) = ts_pair(p.start, -20);
        let row = [
            int(p.id),
            c,
            u,
            int(base["programs"] + 1 + p.program as i64),
            int(p.supporter),
            int(p.receiver),
            text(p.level.code()),
            date(p.start),
            date(p.end),
            opt_int(p.parent),
            if p.behind {
                text("合成数据：进度滞后的结对")
            } else {
                text("合成数据")
            },
            Arg::Bool(Some(false)),
        ];
        out.put(&mut sink, row).await?;
    }
    counts.pairings = out.flush(&mut sink).await?;

    let mut sink = out.sink("obligations", OBLIGATION_COLS);
    for (i, o) in obligations.into_iter().enumerate() {
        let (c, u) = ts_pair(origin, 0);
        let row = [
            int(base["obligations"] + 1 + i as i64),
            c,
            u,
            opt_int(o.program),
            opt_int(o.assigned),
            opt_int(o.year),
            text(o.title),
            int(o.weight),
            Arg::Json(Some(o.rule)),
            text(o.note),
        ];
        out.put(&mut sink, row).await?;
    }
    counts.obligations = out.flush(&mut sink).await?;

    let mut sink = out.sink("indicators", INDICATOR_COLS);
    for (code, name, unit, aggregation) in INDICATORS {
        if !new_indicators.contains(&indicators[code]) {
            continue;
        }
        let (c, u) = ts_pair(origin, 0);
        let row = [
            int(indicators[code]),
            c,
            u,
            text(*code),
            text(*name),
            text(*unit),
            text(*aggregation),
            text(SOURCE),
        ];
        out.put(&mut sink, row).await?;
    }
    counts.indicators = out.flush(&mut sink).await?;

    let counties = sides.into_iter().map(|s| (s.code, s.name)).collect();
    Ok(Plan {
        pairs,
        counties,
        indicators,
    })
}

struct ObligationRow {
    program: Option<i64>,
    assigned: Option<i64>,
    year: Option<i64>,
    title: String,
    weight: i64,
    rule: Value,
    note: String,
}

/// The templates applied to the programs: the 80 % livelihood rule to the three government programs, the school plan
/// to the school program, and the yearly donation tasks assigned to the first supporting provinces for the last years.
fn obligation_rows(supporters: &[i64], program_base: i64) -> Vec<ObligationRow> {
    let mut rows = Vec::new();
    let templates = duikou_domain::templates::templates();
    for t in &templates {
        for item in &t.items {
            let rule = serde_json::to_value(&item.rule).unwrap_or(Value::Null);
            let note = format!("模板 {}：{}", t.code, item.source);
            match t.code {
                "livelihood_share" | "school_pairing" => {
                    let programs: &[i64] = if t.code == "school_pairing" { &[3] } else { &[0, 1, 2] };
                    for p in programs {
                        rows.push(ObligationRow {
                            program: Some(program_base + 1 + p),
                            assigned: None,
                            year: None,
                            title: item.title.to_string(),
                            weight: item.weight.raw(),
                            rule: rule.clone(),
                            note: note.clone(),
                        });
                    }
                }
                _ if item.assigned => {
                    for org in supporters.iter().take(3) {
                        for year in LAST_YEAR - 2..=LAST_YEAR {
                            rows.push(ObligationRow {
                                program: None,
                                assigned: Some(*org),
                                year: Some(year as i64),
                                title: item.title.to_string(),
                                weight: item.weight.raw(),
                                rule: rule.clone(),
                                note: note.clone(),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }
    rows
}

// ---------------------------------------------------------------------------------------------------------------
// indicator values

async fn indicator_values(
    out: &mut Out<'_>,
    opts: &Options,
    plan: &Plan,
    base: &BTreeMap<&str, i64>,
    counts: &mut Counts,
) -> Result<(), SynthError> {
    // values already present (a forced second load) are left as they are
    let mut present: BTreeSet<(i64, String, String)> = BTreeSet::new();
    if base["indicator_values"] > 0 {
        for r in out
            .w
            .tx
            .fetch(
                "SELECT indicator_id, region_code, period FROM indicator_values WHERE region_code IS NOT NULL",
                &[],
                &[Kind::Int, Kind::Text, Kind::Text],
            )
            .await?
        {
            if let (Some(i), Some(c), Some(p)) = (r[0].int(), r[1].text(), r[2].text()) {
                present.insert((i, c.to_string(), p.to_string()));
            }
        }
    }
    let years = (LAST_YEAR - FIRST_YEAR + 1) as u64;
    out.stage("指标", plan.counties.len() as u64 * years * INDICATORS.len() as u64);
    let mut sink = out.sink("indicator_values", VALUE_COLS);
    let mut id = base["indicator_values"];
    for (k, (code, _)) in plan.counties.iter().enumerate() {
        let mut rng = sub_rng(opts.seed, 2, k as u64);
        let mut gdp: f64 = rng.gen_range(15.0..260.0);
        let fiscal_share: f64 = rng.gen_range(0.05..0.12);
        let mut population: f64 = rng.gen_range(4.0..65.0);
        let mut rural: f64 = rng.gen_range(7_000.0..11_000.0);
        let mut urban: f64 = rng.gen_range(24_000.0..31_000.0);
        for year in FIRST_YEAR..=LAST_YEAR {
            let values = [gdp, gdp * fiscal_share, population, rural.round(), urban.round()];
            for ((ind, ..), v) in INDICATORS.iter().zip(values) {
                let ind_id = plan.indicators[ind];
                if present.contains(&(ind_id, code.clone(), year.to_string())) {
                    continue;
                }
                id += 1;
                let (c, u) = ts_pair(ymd(year + 1, 3, 1), rng.gen_range(0..60));
                // two decimals, as the statistics bulletins give them
                let raw = ((v * 100.0).round() as i64) * (duikou_domain::Qty::from_int(1).raw() / 100);
                let row = [
                    int(id),
                    c,
                    u,
                    int(ind_id),
                    text(code.clone()),
                    text(year.to_string()),
                    int(raw),
                    text(SOURCE),
                ];
                out.put(&mut sink, row).await?;
            }
            gdp *= 1.0 + rng.gen_range(0.03..0.10);
            population *= 1.0 + rng.gen_range(-0.005..0.015);
            rural *= 1.0 + rng.gen_range(0.06..0.11);
            urban *= 1.0 + rng.gen_range(0.04..0.08);
        }
    }
    counts.indicator_values = out.flush(&mut sink).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// projects, funding, transactions

struct ProjectInfo {
    id: i64,
    pairing: i64,
    approved: NaiveDate,
    started: NaiveDate,
    completed: Option<NaiveDate>,
    supporter_fen: i64,
    local_fen: i64,
    weight: f64,
}

async fn projects(
    out: &mut Out<'_>,
    opts: &Options,
    targets: &Targets,
    pairs: &[Pair],
    base: &BTreeMap<&str, i64>,
    counts: &mut Counts,
) -> Result<Vec<ProjectInfo>, SynthError> {
    let weights = weights(pairs, [4.0, 3.0, 0.4, 0.6], 1.0);
    let per_pair = split(targets.projects, &weights);
    let funding_estimate = targets.projects * 2;
    out.stage("项目", targets.projects + funding_estimate);
    let mut infos = Vec::with_capacity(targets.projects as usize);
    let mut sink = out.sink("projects", PROJECT_COLS);
    let mut funding: Vec<(i64, i64, &'static str, i64, NaiveDate)> = Vec::new();
    let mut id = base["projects"];
    let months = WeightedIndex::new(GOV_MONTHS).map_err(|e| StoreError::Other(e.to_string()))?;
    for (k, (p, n)) in pairs.iter().zip(&per_pair).enumerate() {
        let mut rng = sub_rng(opts.seed, 3, k as u64);
        let last_approval = ymd(LAST_YEAR, 9, 30).min(p.end).max(p.start);
        for j in 1..=*n {
            id += 1;
            let category: &'static str = match p.level {
                Level::School => {
                    if rng.gen_bool(0.95) {
                        "education"
                    } else {
                        "intellectual"
                    }
                }
                Level::Hospital => {
                    if rng.gen_bool(0.9) {
                        "health"
                    } else {
                        "talent"
                    }
                }
                _ => {
                    if rng.gen_bool(p.livelihood) {
                        pick_w(&mut rng, data::LIVELIHOOD)
                    } else {
                        pick_w(&mut rng, data::NON_LIVELIHOOD)
                    }
                }
            };
            let approved = rhythm_date(&mut rng, &months, p.start, last_approval);
            let started = approved + Duration::days(rng.gen_range(20..120));
            let completed = started + Duration::days(rng.gen_range(120..700));
            let completed = (completed <= last_day()).then_some(completed);
            let yuan: i64 = match p.level {
                Level::School => rng.gen_range(50_000..2_000_000),
                Level::Hospital => rng.gen_range(200_000..8_000_000),
                _ => rng.gen_range(2_000_000..30_000_000),
            };
            let total_fen = yuan / 100 * 100 * 100;
            let supporter_share = match p.level {
                Level::School | Level::Hospital => 1.0,
                _ => rng.gen_range(0.7..1.0),
            };
            let supporter_fen = ((total_fen as f64 * supporter_share) as i64) / 10_000 * 10_000;
            let local_fen = total_fen - supporter_fen;
            let stem = *pick(&mut rng, data::project_stems(category));
            let [conf, at, reason] = confirmation(&mut rng, approved);
            let (c, u) = ts_pair(approved, rng.gen_range(1..20));
            let row = [
                int(id),
                c,
                u,
                int(p.id),
                text(format!("{}年{}{stem}（{j}）", approved.year(), p.place)),
                text(category),
                text(p.region.clone()),
                text(*pick(
                    &mut rng,
                    &["turnkey", "turnkey", "turnkey", "cheque", "cheque", "other"],
                )),
                text(format!("{}年度计划", approved.year())),
                date(approved),
                date(started),
                Arg::Date(completed),
                int(total_fen),
                conf,
                at,
                reason,
            ];
            out.put(&mut sink, row).await?;
            funding.push((id, p.id, "supporter", supporter_fen, approved));
            if local_fen > 0 {
                funding.push((id, p.id, "local", local_fen, approved));
            }
            infos.push(ProjectInfo {
                id,
                pairing: p.id,
                approved,
                started,
                completed,
                supporter_fen,
                local_fen,
                weight: rng.gen_range(0.5..1.5),
            });
        }
    }
    counts.projects = out.flush(&mut sink).await?;
    out.total = counts.projects + funding.len() as u64;
    let mut sink = out.sink("project_funding", FUNDING_COLS);
    let mut rng = sub_rng(opts.seed, 4, 0);
    let mut id = base["project_funding"];
    for (project, pairing, source, amount, approved) in funding {
        id += 1;
        let [conf, at, reason] = confirmation(&mut rng, approved);
        let (c, u) = ts_pair(approved, 2);
        let row = [
            int(id),
            c,
            u,
            int(project),
            int(pairing),
            text(source),
            int(amount),
            conf,
            at,
            reason,
        ];
        out.put(&mut sink, row).await?;
    }
    counts.project_funding = out.flush(&mut sink).await?;
    Ok(infos)
}

async fn transactions(
    out: &mut Out<'_>,
    opts: &Options,
    targets: &Targets,
    projects: &[ProjectInfo],
    base: &BTreeMap<&str, i64>,
    counts: &mut Counts,
) -> Result<(), SynthError> {
    let weights: Vec<f64> = projects.iter().map(|p| p.weight).collect();
    let per_project = split(targets.transactions, &weights);
    out.stage("资金往来", targets.transactions);
    let mut sink = out.sink("transactions", TX_COLS);
    let mut id = base["transactions"];
    for (k, (p, n)) in projects.iter().zip(&per_project).enumerate() {
        let mut rng = sub_rng(opts.seed, 5, k as u64);
        let until = p.completed.unwrap_or(last_day()).max(p.started);
        let span = (until - p.started).num_days().max(0);
        let rest = n.saturating_sub(1).max(1) as f64;
        for j in 0..*n {
            id += 1;
            let (kind, source, amount, d) = if j == 0 {
                ("commitment", "supporter", p.supporter_fen, p.approved)
            } else {
                let local = p.local_fen > 0 && rng.gen_bool(0.15);
                let pool = if local { p.local_fen } else { p.supporter_fen };
                let kind = if rng.gen_bool(0.55) {
                    "disbursement"
                } else {
                    "expenditure"
                };
                let share = pool as f64 / (rest * 0.5) * rng.gen_range(0.6..1.4);
                let amount = ((share as i64) / 100 * 100).max(100);
                let d = p.started + Duration::days(rng.gen_range(0..=span));
                (kind, if local { "local" } else { "supporter" }, amount, d)
            };
            let [conf, at, reason] = confirmation(&mut rng, d);
            let (c, u) = ts_pair(d, rng.gen_range(0..10));
            let row = [
                int(id),
                c,
                u,
                int(p.id),
                int(p.pairing),
                text(kind),
                text(source),
                int(amount),
                date(d),
                conf,
                at,
                reason,
            ];
            out.put(&mut sink, row).await?;
        }
    }
    counts.transactions = out.flush(&mut sink).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// people, dispatches, stints, appraisals

struct DispatchInfo {
    id: i64,
    pairing_index: usize,
    person: i64,
    role: &'static str,
    batch: i64,
    direction: &'static str,
    home: i64,
    host: i64,
    post: String,
    start: NaiveDate,
    end: NaiveDate,
    behind: bool,
}

/// Dispatch ids per pairing (index into the pairing list), for activities that name the dispatched person.
pub(crate) type DispatchIds = Vec<Vec<i64>>;

async fn dispatches(
    out: &mut Out<'_>,
    opts: &Options,
    targets: &Targets,
    pairs: &[Pair],
    base: &BTreeMap<&str, i64>,
    counts: &mut Counts,
) -> Result<DispatchIds, SynthError> {
    let weights = weights(pairs, [2.0, 3.0, 1.2, 1.0], 0.3);
    let per_pair = split(targets.dispatches, &weights);
    let school_months = WeightedIndex::new(SCHOOL_MONTHS).map_err(|e| StoreError::Other(e.to_string()))?;
    let gov_months = WeightedIndex::new(GOV_MONTHS).map_err(|e| StoreError::Other(e.to_string()))?;
    let mut list: Vec<DispatchInfo> = Vec::with_capacity(targets.dispatches as usize);
    let mut ids: DispatchIds = vec![Vec::new(); pairs.len()];
    let mut id = base["dispatches"];
    let mut person = base["people"];
    for (k, (p, n)) in pairs.iter().zip(&per_pair).enumerate() {
        let mut rng = sub_rng(opts.seed, 6, k as u64);
        for _ in 0..*n {
            id += 1;
            person += 1;
            let role: &'static str = match p.level {
                Level::School => pick_w(&mut rng, &[("teacher", 75), ("manager", 25)]),
                Level::Hospital => pick_w(&mut rng, &[("doctor", 85), ("manager", 10), ("technician", 5)]),
                Level::CityCounty => pick_w(
                    &mut rng,
                    &[
                        ("cadre", 35),
                        ("teacher", 25),
                        ("doctor", 20),
                        ("technician", 10),
                        ("expert", 10),
                    ],
                ),
                Level::ProvincePrefecture => pick_w(&mut rng, &[("cadre", 60), ("expert", 20), ("technician", 20)]),
            };
            let to_supporter = p.level == Level::School && rng.gen_bool(0.15);
            let y = rng.gen_range(p.start.year()..=p.end.year().min(LAST_YEAR));
            let (start, days) = match role {
                "teacher" | "manager" => {
                    let start = if rng.gen_bool(0.6) {
                        ymd(y, 8, 25) + Duration::days(rng.gen_range(0..12))
                    } else {
                        ymd(y, 2, 20) + Duration::days(rng.gen_range(0..14))
                    };
                    let r: f64 = rng.gen();
                    let days = if r < 0.5 {
                        rng.gen_range(110..140)
                    } else if r < 0.9 {
                        rng.gen_range(300..320)
                    } else {
                        rng.gen_range(650..680)
                    };
                    (start, days)
                }
                "doctor" => {
                    let m = if rng.gen_bool(0.6) {
                        *pick(&mut rng, &[3, 9])
                    } else {
                        rng.gen_range(1..=12)
                    };
                    (
                        ymd(y, m, rng.gen_range(1..=28)),
                        *pick(&mut rng, &[180, 365]) + rng.gen_range(-10..10),
                    )
                }
                "cadre" => {
                    let start = if rng.gen_bool(0.7) {
                        ymd(y, 2, 15) + Duration::days(rng.gen_range(0..28))
                    } else {
                        ymd(y, 7, 1) + Duration::days(rng.gen_range(0..30))
                    };
                    (start, *pick(&mut rng, &[540, 1095, 1095]))
                }
                _ => (
                    rhythm_date(&mut rng, &gov_months, ymd(y, 1, 1), ymd(y, 12, 31)),
                    rng.gen_range(30..180),
                ),
            };
            let _ = &school_months;
            let mut start = start;
            if start < p.start || start > p.end {
                let span = (p.end - p.start).num_days().max(1);
                start = p.start + Duration::days(rng.gen_range(0..span));
            }
            let mut end = (start + Duration::days(days)).min(p.end).min(last_day());
            if (end - start).num_days() < 14 {
                end = start + Duration::days(14);
            }
            let batch = match role {
                "cadre" => ((start.year() - 2014) / 3 + 9) as i64,
                _ => (start.year() - FIRST_YEAR + 1) as i64,
            };
            let post = match role {
                "teacher" => format!("{}教师", pick(&mut rng, data::SUBJECTS)),
                "manager" => {
                    if p.level == Level::Hospital {
                        "副院长".to_string()
                    } else {
                        "副校长".to_string()
                    }
                }
                "doctor" => format!("{}医师", pick(&mut rng, data::DEPARTMENTS)),
                "cadre" => format!("{}{}", p.place, pick(&mut rng, data::CADRE_POSTS)),
                "expert" => format!("{}专家顾问", p.place),
                _ => "技术指导".to_string(),
            };
            let (home, host) = if to_supporter {
                (p.receiver, p.supporter)
            } else {
                (p.supporter, p.receiver)
            };
            ids[k].push(id);
            list.push(DispatchInfo {
                id,
                pairing_index: k,
                person,
                role,
                batch,
                direction: if to_supporter { "to_supporter" } else { "to_receiver" },
                home,
                host,
                post,
                start,
                end,
                behind: p.behind,
            });
        }
    }
    // stints and appraisals are counted when written; the estimate is refined then
    out.stage("援派", (list.len() * 5) as u64);
    let mut rng = sub_rng(opts.seed, 7, 0);
    let mut sink = out.sink("people", PEOPLE_COLS);
    for d in &list {
        let male = rng.gen_bool(match d.role {
            "cadre" => 0.75,
            "teacher" => 0.4,
            "doctor" => 0.55,
            _ => 0.6,
        });
        let given = if male { data::GIVEN_MALE } else { data::GIVEN_FEMALE };
        let name = format!("{}{}", pick(&mut rng, data::SURNAMES), pick(&mut rng, given));
        let (title, level): (Option<&str>, &str) = match d.role {
            "teacher" | "manager" => {
                let t = *pick(
                    &mut rng,
                    &["中学高级教师", "中学一级教师", "小学高级教师", "一级教师", "二级教师"],
                );
                (
                    Some(t),
                    if t.contains("高级") {
                        "senior"
                    } else if t.contains("一级") {
                        "intermediate"
                    } else {
                        "junior"
                    },
                )
            }
            "doctor" => {
                let t = *pick(
                    &mut rng,
                    &["主任医师", "副主任医师", "主治医师", "主治医师", "住院医师"],
                );
                (
                    Some(t),
                    if t.contains("主任") {
                        "senior"
                    } else if t == "主治医师" {
                        "intermediate"
                    } else {
                        "junior"
                    },
                )
            }
            "expert" => (Some(*pick(&mut rng, &["教授", "研究员", "高级工程师"])), "senior"),
            "technician" => {
                if rng.gen_bool(0.4) {
                    (Some("高级工程师"), "senior")
                } else {
                    (Some("工程师"), "intermediate")
                }
            }
            _ => (None, "none"),
        };
        let education = pick_w(
            &mut rng,
            &[("bachelor", 55), ("master", 30), ("doctorate", 5), ("college", 10)],
        );
        let (c, u) = ts_pair(d.start, -rng.gen_range(5..30));
        let row = [
            int(d.person),
            c,
            u,
            text(name),
            text(if male { "male" } else { "female" }),
            int((d.start.year() - rng.gen_range(26..56)) as i64),
            text(pick_w(&mut rng, data::ETHNICITIES)),
            text(education),
            Arg::Text(title.map(str::to_string)),
            text(level),
            int(d.home),
        ];
        out.put(&mut sink, row).await?;
    }
    counts.people = out.flush(&mut sink).await?;

    let mut sink = out.sink("dispatches", DISPATCH_COLS);
    for d in &list {
        let pairing = pairs[d.pairing_index].id;
        let [conf, at, reason] = confirmation(&mut rng, d.start);
        let (c, u) = ts_pair(d.start, rng.gen_range(0..15));
        let row = [
            int(d.id),
            c,
            u,
            int(pairing),
            int(d.person),
            text(d.role),
            int(d.batch),
            text(d.direction),
            int(d.home),
            int(d.host),
            text(d.post.clone()),
            date(d.start),
            date(d.end),
            conf,
            at,
            reason,
        ];
        out.put(&mut sink, row).await?;
    }
    counts.dispatches = out.flush(&mut sink).await?;

    let mut sink = out.sink("stints", STINT_COLS);
    let mut id = base["stints"];
    for d in &list {
        let pairing = pairs[d.pairing_index].id;
        let len = (d.end - d.start).num_days().max(7);
        let k = pick_w(&mut rng, &[("1", 50), ("2", 30), ("3", 20)])
            .parse::<i64>()
            .unwrap_or(1);
        let k = k.min((len / 10).max(1));
        for i in 0..k {
            let s = d.start + Duration::days(len * i / k);
            let seg_end = d.start + Duration::days(len * (i + 1) / k);
            let gap = if i + 1 < k { rng.gen_range(1..4) } else { 0 };
            let mut e = seg_end - Duration::days(gap);
            // behind pairings sometimes send people for a few days only (the one-week minimum is missed)
            let min_days = if d.behind && rng.gen_bool(0.3) { 3 } else { 7 };
            if (e - s).num_days() < min_days {
                e = s + Duration::days(min_days);
            }
            id += 1;
            let [conf, at, reason] = confirmation(&mut rng, s);
            let (c, u) = ts_pair(s, rng.gen_range(0..10));
            let row = [
                int(id),
                c,
                u,
                int(d.id),
                int(pairing),
                date(s),
                date(e),
                conf,
                at,
                reason,
            ];
            out.put(&mut sink, row).await?;
        }
    }
    counts.stints = out.flush(&mut sink).await?;

    let mut sink = out.sink("appraisals", APPRAISAL_COLS);
    let mut id = base["appraisals"];
    for d in &list {
        let pairing = pairs[d.pairing_index].id;
        let mut years: Vec<i32> = (d.start.year()..=d.end.year())
            .filter(|y| {
                let from = d.start.max(ymd(*y, 1, 1));
                let to = d.end.min(ymd(*y, 12, 31));
                (to - from).num_days() >= 60
            })
            .collect();
        if years.is_empty() {
            years.push(d.start.year());
        }
        for y in years {
            id += 1;
            let grade = pick_w(
                &mut rng,
                &[
                    ("excellent", 25),
                    ("competent", 70),
                    ("basically_competent", 4),
                    ("incompetent", 1),
                ],
            );
            let comment = match grade {
                "excellent" => Some("工作扎实，成效突出"),
                "basically_competent" => Some("履职基本到位，需加强沟通"),
                "incompetent" => Some("在岗时间不足，未完成年度任务"),
                _ => None,
            };
            let (c, u) = ts_pair(ymd(y, 12, 20), rng.gen_range(0..30));
            let row = [
                int(id),
                c,
                u,
                int(d.id),
                int(pairing),
                int(y as i64),
                text(grade),
                Arg::Text(comment.map(str::to_string)),
            ];
            out.put(&mut sink, row).await?;
        }
    }
    counts.appraisals = out.flush(&mut sink).await?;
    Ok(ids)
}

// ---------------------------------------------------------------------------------------------------------------
// activities

/// Draws one activity row of pairing `p` (its dispatches in `dispatches`).
pub(crate) struct ActivityMaker {
    school: WeightedIndex<u32>,
    gov: WeightedIndex<u32>,
}

const SCHOOL_KINDS: &[(&str, u32)] = &[
    ("teaching", 30),
    ("training", 20),
    ("teaching_research", 15),
    ("exchange", 8),
    ("lecture", 8),
    ("visit", 5),
    ("meeting", 5),
    ("event", 3),
    ("camp", 2),
    ("donation", 2),
    ("other", 2),
];
const GOV_KINDS: &[(&str, u32)] = &[
    ("training", 25),
    ("visit", 15),
    ("meeting", 15),
    ("lecture", 10),
    ("exchange", 10),
    ("donation", 8),
    ("inspection", 5),
    ("teaching", 5),
    ("research", 3),
    ("event", 2),
    ("other", 2),
];

impl ActivityMaker {
    pub(crate) fn new() -> ActivityMaker {
        ActivityMaker {
            school: WeightedIndex::new(SCHOOL_MONTHS).unwrap_or_else(|_| unreachable_months()),
            gov: WeightedIndex::new(GOV_MONTHS).unwrap_or_else(|_| unreachable_months()),
        }
    }

    pub(crate) fn row(&self, rng: &mut ChaCha8Rng, p: &Pair, dispatches: &[i64], id: i64) -> [Arg; 20] {
        let schoolish = matches!(p.level, Level::School | Level::Hospital);
        let kinds = if p.level == Level::School {
            SCHOOL_KINDS
        } else {
            GOV_KINDS
        };
        let kind = loop {
            let k = pick_w(rng, kinds);
            // behind pairings hold few trainings, exchanges and teaching-research sessions
            if p.behind && matches!(k, "training" | "exchange" | "teaching_research") && rng.gen_bool(0.8) {
                continue;
            }
            break k;
        };
        let months = if schoolish { &self.school } else { &self.gov };
        let start = rhythm_date(rng, months, p.start, p.end);
        let label = duikou_domain::schema::ACTIVITY_KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, l)| *l)
            .unwrap_or("活动");
        let topics = match p.level {
            Level::School => data::SCHOOL_TOPICS,
            Level::Hospital => data::HOSPITAL_TOPICS,
            _ => data::GOV_TOPICS,
        };
        let mut audience = None;
        let (mut person_times, mut sessions, mut courses, mut hours, mut items, mut amount) =
            (None, None, None, None, None, None);
        let mut days = 0;
        let mut dispatch = None;
        let title = match kind {
            "teaching" => {
                audience = Some("students");
                person_times = Some(rng.gen_range(30..300));
                courses = Some(rng.gen_range(1..5));
                hours = Some(rng.gen_range(2..40));
                if !dispatches.is_empty() && rng.gen_bool(0.3) {
                    dispatch = Some(*pick(rng, dispatches));
                }
                format!("{}送教授课", pick(rng, data::SUBJECTS))
            }
            "training" => {
                let a = if p.level == Level::School {
                    pick_w(rng, &[("all_staff", 30), ("backbone", 25), ("teachers", 45)])
                } else {
                    pick_w(rng, &[("cadres", 40), ("professionals", 40), ("managers", 20)])
                };
                audience = Some(a);
                person_times = Some(if a == "backbone" {
                    rng.gen_range(1..6)
                } else {
                    rng.gen_range(20..300)
                });
                sessions = Some(rng.gen_range(1..6));
                hours = Some(rng.gen_range(4..41));
                days = rng.gen_range(0..5);
                let what = match a {
                    "all_staff" => "全员培训",
                    "backbone" => "骨干教师培养",
                    _ => "专题培训",
                };
                format!("{}{what}", pick(rng, topics))
            }
            "teaching_research" => {
                audience = Some("teachers");
                person_times = Some(rng.gen_range(10..60));
                sessions = Some(rng.gen_range(1..4));
                format!("{}同课异构教研活动", pick(rng, data::SUBJECTS))
            }
            "lecture" => {
                person_times = Some(rng.gen_range(50..500));
                sessions = Some(1);
                hours = Some(2);
                format!("{}专题讲座", pick(rng, topics))
            }
            "donation" => {
                items = Some(rng.gen_range(1..50));
                amount = Some(rng.gen_range(100..5_000) * 100 * 100);
                format!(
                    "捐赠{}",
                    pick(rng, &["图书", "健身路径器材", "教学设备", "医疗设备", "冬衣"])
                )
            }
            "camp" => {
                audience = Some("students");
                person_times = Some(rng.gen_range(20..120));
                days = rng.gen_range(5..11);
                format!("{}研学夏令营", p.place)
            }
            "meeting" => {
                person_times = Some(rng.gen_range(10..80));
                format!("{}年对口支援工作推进会", start.year())
            }
            "visit" => {
                person_times = Some(rng.gen_range(3..30));
                days = rng.gen_range(1..6);
                format!("赴{}考察对接", p.place)
            }
            _ => {
                person_times = Some(rng.gen_range(5..100));
                format!("{}{label}", pick(rng, topics))
            }
        };
        let end = start + Duration::days(days);
        let [conf, at, reason] = confirmation(rng, start);
        let (c, u) = ts_pair(start, rng.gen_range(0..10));
        [
            int(id),
            c,
            u,
            int(p.id),
            text(kind),
            text(title),
            Arg::Text(audience.map(str::to_string)),
            date(start),
            date(end),
            text(p.region.clone()),
            opt_int(person_times),
            opt_int(sessions),
            opt_int(courses),
            opt_int(hours),
            opt_int(items),
            opt_int(amount),
            opt_int(dispatch),
            conf,
            at,
            reason,
        ]
    }
}

fn unreachable_months() -> WeightedIndex<u32> {
    // the month weights are constants with a positive sum
    WeightedIndex::new([1u32; 12]).unwrap_or_else(|_| panic!("month weights"))
}

async fn activities(
    out: &mut Out<'_>,
    opts: &Options,
    targets: &Targets,
    pairs: &[Pair],
    dispatches: &DispatchIds,
    base: &BTreeMap<&str, i64>,
    counts: &mut Counts,
) -> Result<(), SynthError> {
    let weights = weights(pairs, [1.0, 2.0, 1.3, 0.8], 0.5);
    let per_pair = split(targets.activities, &weights);
    out.stage("活动", targets.activities);
    let maker = ActivityMaker::new();
    let mut sink = out.sink("activities", ACTIVITY_COLS);
    let mut id = base["activities"];
    for (k, (p, n)) in pairs.iter().zip(&per_pair).enumerate() {
        let mut rng = sub_rng(opts.seed, 8, k as u64);
        for _ in 0..*n {
            id += 1;
            let row = maker.row(&mut rng, p, &dispatches[k], id);
            out.put(&mut sink, row).await?;
        }
    }
    counts.activities = out.flush(&mut sink).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// benchmark support

/// Inserts `n` synthetic activity rows into the first pairing of `store` in one transaction, through the bulk sink
/// (`bulk`) or one prepared single-row INSERT per row, and commits. Returns the seconds taken.
pub async fn bench_activities(store: &Store, n: u64, bulk: bool, seed: u64) -> Result<f64, SynthError> {
    let started = std::time::Instant::now();
    let mut tx = store.db().begin().await?;
    let pairing = tx
        .fetch_opt(
            "SELECT pairings.id, orgs.region_code FROM pairings JOIN orgs ON orgs.id = pairings.receiver_org_id \
             ORDER BY pairings.id LIMIT 1",
            &[],
            &[Kind::Int, Kind::Text],
        )
        .await?;
    let Some(row) = pairing else {
        return Err(SynthError::Store(StoreError::Other("没有结对，无法测量".into())));
    };
    let pair = Pair {
        id: row[0].int().unwrap_or(0),
        program: 0,
        level: Level::School,
        supporter: 0,
        receiver: 0,
        region: row[1].text().unwrap_or("650102").to_string(),
        place: "基准".into(),
        start: ymd(FIRST_YEAR, 1, 1),
        end: last_day(),
        parent: None,
        livelihood: 0.9,
        behind: false,
    };
    let mut id = scalar(&mut tx, "SELECT COALESCE(MAX(id), 0) FROM activities").await?;
    let maker = ActivityMaker::new();
    let mut rng = sub_rng(seed, 99, 0);
    let backend = store.backend();
    if bulk {
        let mut sink = Sink::new(backend, "activities", ACTIVITY_COLS);
        for _ in 0..n {
            id += 1;
            sink.row(&mut tx, maker.row(&mut rng, &pair, &[], id)).await?;
        }
        sink.flush(&mut tx).await?;
    } else {
        let sql = crate::sink::insert_sql(backend, "activities", ACTIVITY_COLS, 1);
        for _ in 0..n {
            id += 1;
            crate::sink::execute(&mut tx, &sql, maker.row(&mut rng, &pair, &[], id).to_vec()).await?;
        }
    }
    if backend == Backend::Postgres {
        tx.execute(
            "SELECT setval(pg_get_serial_sequence('activities', 'id'), (SELECT MAX(id) FROM activities))",
            &[],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(started.elapsed().as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use duikou_domain::schema;

    /// Every table the generator writes, with the columns it names.
    const WRITTEN: &[(&str, &[&str])] = &[
        ("orgs", ORG_COLS),
        ("programs", PROGRAM_COLS),
        ("pairings", PAIRING_COLS),
        ("obligations", OBLIGATION_COLS),
        ("indicators", INDICATOR_COLS),
        ("indicator_values", VALUE_COLS),
        ("projects", PROJECT_COLS),
        ("project_funding", FUNDING_COLS),
        ("transactions", TX_COLS),
        ("people", PEOPLE_COLS),
        ("dispatches", DISPATCH_COLS),
        ("stints", STINT_COLS),
        ("appraisals", APPRAISAL_COLS),
        ("activities", ACTIVITY_COLS),
    ];

    /// The column lists are a choice among the schema's columns of their table ([`schema::EntityDef::columns`]), in
    /// its order; what a list leaves out is stored as NULL (the version as 1), so it leaves out nothing the schema
    /// requires or gives a default. A field renamed, removed or made required in the schema fails here, naming the list.
    #[test]
    fn column_lists_are_the_schemas_columns() {
        for (table, cols) in WRITTEN {
            let def = schema::entity(table).unwrap_or_else(|| panic!("{table}: no such entity in the schema"));
            let all = def.columns();
            let mut last = None;
            for c in *cols {
                let at = all
                    .iter()
                    .position(|a| a == c)
                    .unwrap_or_else(|| panic!("{table}.{c}: written by the generator, not a column in the schema"));
                assert!(
                    last.is_none_or(|l| l < at),
                    "{table}.{c}: twice or out of the schema's order ({all:?})"
                );
                last = Some(at);
            }
            for c in schema::SYSTEM_COLUMNS.iter().filter(|c| **c != "version") {
                assert!(
                    cols.contains(c),
                    "{table}.{c}: a system column the generator must write"
                );
            }
            for f in def.stored_fields() {
                assert!(
                    !(f.required || f.default.is_some()) || cols.contains(&f.name),
                    "{table}.{}: the schema requires it or gives it a default, the generator leaves it out",
                    f.name
                );
            }
        }
    }

    #[test]
    fn split_is_exact() {
        for total in [0u64, 1, 7, 1000, 999_999] {
            let parts = split(total, &[0.3, 1.7, 2.0, 0.01, 5.0]);
            assert_eq!(parts.iter().sum::<u64>(), total);
        }
        assert_eq!(split(10, &[1.0, 1.0]), vec![5, 5]);
    }
}
