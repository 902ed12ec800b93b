//! Dashboard aggregates kept current at write time, in the same transaction as the base records.
//!
//! Every aggregate table is keyed by a scope (`pairing` with the pairing id, `program` with the program id,
//! `region` with the receiver's county, prefecture and province codes, `all` with '') and its dimensions.
//! A write marks the pairings it touches dirty on its [`WriteTx`](crate::audit::WriteTx); before commit,
//! [`refresh`] recomputes each dirty pairing's rows from its base records with one GROUP BY per aggregate and
//! applies the difference (new − old) to the scopes the pairing belonged to before and belongs to now.
//! Dashboards read only these tables ([`Store::dashboard`]).

use crate::db::{Arg, Backend, Kind, Tx, Val};
pub use crate::scope::Scope;
use crate::{Result, Store, StoreError};
use duikou_domain::approx::{self, Tally};
use duikou_domain::schema::FieldKind;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Adds one stored aggregate value into a dashboard figure. Every stored value is an exact integer (writes that
/// would overflow one are refused), but a figure sums several rows: it is held at the end of i64 rather than
/// wrapping or failing the read, which with every record within the domain's ceilings takes tens of thousands of
/// ceiling-sized records in one scope, and is logged when it happens.
fn add(total: &mut i64, v: i64) {
    *total = total.checked_add(v).unwrap_or_else(|| {
        tracing::warn!(total = *total, adding = v, "dashboard figure held at the end of i64");
        total.saturating_add(v)
    });
}

/// One aggregate table: its dimensions and its additive values (`n` first), and how a pairing's rows are
/// computed from the base tables.
struct Spec {
    table: &'static str,
    dims: &'static [(&'static str, Kind)],
    vals: &'static [&'static str],
    /// The summed values that may be approximate: `(value column, base column)`. Each keeps, after the plain
    /// values, the five parts of its [`Tally`] beyond the sum ([`TALLY_PARTS`]), so the total is written by the
    /// summing rule (1500余课时, 约1000万元).
    figures: &'static [(&'static str, &'static str)],
}

/// The columns each approximate value keeps beside its sum, `{value}_{part}`: the sum of ranges' spans, and how
/// many members have a range and a qualifier of each class (at least, at most, about).
const TALLY_PARTS: [&str; 5] = ["span", "ranged", "ge", "le", "about"];

/// Every additive column of a spec: the plain values, then each figure's tally parts.
fn val_cols(spec: &Spec) -> Vec<String> {
    spec.vals
        .iter()
        .map(|v| v.to_string())
        .chain(
            spec.figures
                .iter()
                .flat_map(|(v, _)| TALLY_PARTS.iter().map(move |p| format!("{v}_{p}"))),
        )
        .collect()
}

/// The base expressions of a figure's tally parts (in [`TALLY_PARTS`] order) over the base column `col` and its
/// companions `{col}_approx`, `{col}_upper`.
fn tally_exprs(col: &str) -> Vec<String> {
    let [ge, le, about] = Tally::class_words();
    let when = |cond: String, then: String| {
        sum(&format!(
            "CASE WHEN {col} IS NOT NULL AND {cond} THEN {then} ELSE 0 END"
        ))
    };
    let class = |words: &[&str]| {
        let list: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        when(format!("{col}_approx IN ({})", list.join(", ")), "1".into())
    };
    vec![
        when(format!("{col}_upper IS NOT NULL"), format!("{col}_upper - {col}")),
        when(format!("{col}_upper IS NOT NULL"), "1".into()),
        class(&ge),
        class(&le),
        class(&about),
    ]
}

/// The tally of figure `i` of a spec from a row's values.
fn tally_at(spec: &Spec, vals: &[i64], i: usize) -> Tally {
    let value_at = spec.vals.iter().position(|v| *v == spec.figures[i].0).unwrap_or(0);
    let at = spec.vals.len() + i * TALLY_PARTS.len();
    let part = |j: usize| vals.get(at + j).copied().unwrap_or(0);
    Tally {
        value: vals.get(value_at).copied().unwrap_or(0),
        span: part(0),
        ranged: part(1),
        at_least: part(2),
        at_most: part(3),
        about: part(4),
    }
}

const MONEY: Spec = Spec {
    table: "agg_money",
    dims: &[
        ("year", Kind::Int),
        ("source", Kind::Text),
        ("category", Kind::Text),
        ("tx_kind", Kind::Text),
        ("confirmed", Kind::Int),
    ],
    vals: &["n", "amount"],
    figures: &[("amount", "t.amount")],
};
const PROJECTS: Spec = Spec {
    table: "agg_projects",
    dims: &[("category", Kind::Text), ("status", Kind::Text)],
    vals: &["n", "investment"],
    figures: &[("investment", "p.total_investment")],
};
const PEOPLE: Spec = Spec {
    table: "agg_people",
    dims: &[("role", Kind::Text), ("batch", Kind::Int), ("confirmed", Kind::Int)],
    vals: &["n"],
    figures: &[],
};
const ACTIVITIES: Spec = Spec {
    table: "agg_activities",
    dims: &[("kind", Kind::Text), ("month", Kind::Text), ("confirmed", Kind::Int)],
    vals: &["n", "person_times", "sessions", "courses", "hours", "items", "amount"],
    figures: &[
        ("person_times", "a.person_times"),
        ("sessions", "a.sessions"),
        ("courses", "a.courses"),
        ("hours", "a.hours"),
        ("items", "a.items"),
        ("amount", "a.amount"),
    ],
};
const SPECS: [&Spec; 4] = [&MONEY, &PROJECTS, &PEOPLE, &ACTIVITIES];

/// The entities whose records feed an aggregate (or decide where a pairing's rows count).
pub const FEEDS: &[&str] = &[
    "transactions",
    "projects",
    "dispatches",
    "activities",
    "pairings",
    "orgs",
];

fn sum(col: &str) -> String {
    format!("CAST(COALESCE(SUM({col}), 0) AS BIGINT)")
}

fn confirmed(col: &str) -> String {
    format!("CAST(CASE WHEN {col} = 'confirmed' THEN 1 ELSE 0 END AS BIGINT)")
}

/// `(pairing column, dimension expressions, value expressions, FROM clause)` of a spec's base query: the plain
/// values, then each figure's tally parts.
fn base(spec: &Spec, backend: Backend) -> (&'static str, Vec<String>, Vec<String>, &'static str) {
    let (pcol, dims, mut vals, from) = base_plain(spec, backend);
    for (_, col) in spec.figures {
        vals.extend(tally_exprs(col));
    }
    (pcol, dims, vals, from)
}

fn base_plain(spec: &Spec, backend: Backend) -> (&'static str, Vec<String>, Vec<String>, &'static str) {
    let year = |c: &str| match backend {
        Backend::Sqlite => format!("CAST(substr({c}, 1, 4) AS INTEGER)"),
        Backend::Postgres => format!("CAST(EXTRACT(YEAR FROM {c}) AS BIGINT)"),
    };
    // a month-precision fact in its month; a year-precision one only in its year (`YYYY`), never in a month it may
    // not belong to: the year's total still holds it, no month's does
    let month = |c: &str| {
        let (m, y) = match backend {
            Backend::Sqlite => (format!("substr({c}, 1, 7)"), format!("substr({c}, 1, 4)")),
            Backend::Postgres => (format!("to_char({c}, 'YYYY-MM')"), format!("to_char({c}, 'YYYY')")),
        };
        format!("CASE WHEN {c}_precision = 'year' THEN {y} ELSE {m} END")
    };
    match spec.table {
        "agg_money" => (
            "t.pairing_id",
            vec![
                year("t.date"),
                "t.source".into(),
                "p.category".into(),
                "t.kind".into(),
                confirmed("t.confirmation"),
            ],
            vec!["CAST(COUNT(*) AS BIGINT)".into(), sum("t.amount")],
            "transactions t JOIN projects p ON p.id = t.project_id",
        ),
        "agg_projects" => (
            "p.pairing_id",
            vec![
                "p.category".into(),
                "CASE WHEN p.completed_on IS NOT NULL THEN 'completed' WHEN p.started_on IS NOT NULL THEN 'started' ELSE 'planned' END".into(),
            ],
            vec!["CAST(COUNT(*) AS BIGINT)".into(), sum("p.total_investment")],
            "projects p",
        ),
        "agg_people" => (
            "d.pairing_id",
            vec!["d.role".into(), "CAST(COALESCE(d.batch, 0) AS BIGINT)".into(), confirmed("d.confirmation")],
            vec!["CAST(COUNT(*) AS BIGINT)".into()],
            "dispatches d",
        ),
        _ => (
            "a.pairing_id",
            vec!["a.kind".into(), month("a.start_date"), confirmed("a.confirmation")],
            vec![
                "CAST(COUNT(*) AS BIGINT)".into(),
                sum("a.person_times"),
                sum("a.sessions"),
                sum("a.courses"),
                sum("a.hours"),
                sum("a.items"),
                sum("a.amount"),
            ],
            "activities a",
        ),
    }
}

/// A dimension value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum Dim {
    /// An integer dimension (year, batch, confirmed).
    Int(i64),
    /// A text dimension.
    Text(String),
}

impl Dim {
    fn from_val(v: &Val) -> Dim {
        match v {
            Val::Int(i) => Dim::Int(i.unwrap_or(0)),
            Val::Text(t) => Dim::Text(t.clone().unwrap_or_default()),
            other => Dim::Text(format!("{other:?}")),
        }
    }
    fn arg(&self) -> Arg {
        match self {
            Dim::Int(i) => Arg::Int(Some(*i)),
            Dim::Text(t) => Arg::Text(Some(t.clone())),
        }
    }
    fn int(&self) -> i64 {
        match self {
            Dim::Int(i) => *i,
            Dim::Text(_) => 0,
        }
    }
    fn text(&self) -> &str {
        match self {
            Dim::Text(t) => t,
            Dim::Int(_) => "",
        }
    }
}

/// One aggregate row, as stored or as recomputed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AggRow {
    /// The aggregate table.
    pub table: String,
    /// `pairing`, `program`, `region` or `all`.
    pub scope_kind: String,
    /// The pairing id, program id, region code or ''.
    pub scope_key: String,
    /// The dimension values, in the table's column order.
    pub dims: Vec<Dim>,
    /// The additive values, `n` first.
    pub vals: Vec<i64>,
}

/// Every aggregate row (and every pairing's scope), sorted: two snapshots are equal when the aggregates agree.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AggSnapshot {
    /// The rows of every aggregate table.
    pub rows: Vec<AggRow>,
    /// `(pairing, program, receiver region)` of every pairing.
    pub scopes: Vec<(i64, i64, Option<String>)>,
}

impl AggSnapshot {
    /// The rows only one side has (or has with other values), for test messages.
    pub fn diff(&self, other: &AggSnapshot) -> String {
        let a: BTreeSet<&AggRow> = self.rows.iter().collect();
        let b: BTreeSet<&AggRow> = other.rows.iter().collect();
        let mut out = String::new();
        for r in a.difference(&b).take(20) {
            out.push_str(&format!("- {r:?}\n"));
        }
        for r in b.difference(&a).take(20) {
            out.push_str(&format!("+ {r:?}\n"));
        }
        if self.scopes != other.scopes {
            out.push_str(&format!("scopes: {:?} vs {:?}\n", self.scopes, other.scopes));
        }
        out
    }
}

/// The region scopes of a receiver region code: the code, its prefecture and its province (distinct).
pub fn region_keys(code: &str) -> Vec<String> {
    let mut keys = vec![code.to_string()];
    if matches!(code.len(), 6 | 9) && code.is_ascii() {
        // a town (nine digits) counts in its county too
        let county = (code.len() == 9).then(|| code[..6].to_string());
        for k in county
            .into_iter()
            .chain([format!("{}00", &code[..4]), format!("{}0000", &code[..2])])
        {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys
}

/// Every scope a pairing's rows count in.
fn scopes_of(pairing: i64, scope: Option<&(i64, Option<String>)>) -> Vec<(&'static str, String)> {
    let mut out = vec![("pairing", pairing.to_string())];
    if let Some((program, region)) = scope {
        out.push(("program", program.to_string()));
        if let Some(code) = region {
            out.extend(region_keys(code).into_iter().map(|k| ("region", k)));
        }
        out.push(("all", String::new()));
    }
    out
}

type Rows = BTreeMap<Vec<Dim>, Vec<i64>>;

fn decode_rows(spec: &Spec, rows: Vec<Vec<Val>>) -> Rows {
    let nd = spec.dims.len();
    rows.into_iter()
        .map(|r| {
            let dims = r[..nd].iter().map(Dim::from_val).collect();
            let vals = r[nd..].iter().map(|v| v.int().unwrap_or(0)).collect();
            (dims, vals)
        })
        .collect()
}

fn kinds(spec: &Spec) -> Vec<Kind> {
    spec.dims
        .iter()
        .map(|d| d.1)
        .chain(val_cols(spec).iter().map(|_| Kind::Int))
        .collect()
}

fn cols(spec: &Spec) -> String {
    spec.dims
        .iter()
        .map(|d| d.0.to_string())
        .chain(val_cols(spec))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn current_scope(tx: &mut Tx, pairing: i64) -> Result<Option<(i64, Option<String>)>> {
    Ok(tx
        .fetch_opt(
            "SELECT p.program_id, o.region_code FROM pairings p JOIN orgs o ON o.id = p.receiver_org_id WHERE p.id = $1",
            &[Arg::Int(Some(pairing))],
            &[Kind::Int, Kind::Text],
        )
        .await?
        .map(|r| (r[0].int().unwrap_or(0), r[1].text().map(str::to_string))))
}

/// Recomputes the aggregates of the given pairings from their base records and applies the differences to every
/// scope they count in. Called by [`WriteTx::commit`](crate::audit::WriteTx::commit) for the pairings its writes touched.
pub async fn refresh(tx: &mut Tx, pairings: &BTreeSet<i64>) -> Result<()> {
    let backend = tx.backend();
    for &pairing in pairings {
        let key = pairing.to_string();
        let old_scope = tx
            .fetch_opt(
                "SELECT program_id, region_code FROM agg_pairing_scope WHERE pairing_id = $1",
                &[Arg::Int(Some(pairing))],
                &[Kind::Int, Kind::Text],
            )
            .await?
            .map(|r| (r[0].int().unwrap_or(0), r[1].text().map(str::to_string)));
        let new_scope = current_scope(tx, pairing).await?;
        let old_scopes = scopes_of(pairing, old_scope.as_ref());
        let new_scopes = scopes_of(pairing, new_scope.as_ref());
        for spec in SPECS {
            let old = decode_rows(
                spec,
                tx.fetch(
                    &format!(
                        "SELECT {} FROM {} WHERE scope_kind = 'pairing' AND scope_key = $1",
                        cols(spec),
                        spec.table
                    ),
                    &[Arg::Text(Some(key.clone()))],
                    &kinds(spec),
                )
                .await?,
            );
            let (pcol, dims, vals, from) = base(spec, backend);
            let group: Vec<String> = (1..=dims.len()).map(|i| i.to_string()).collect();
            let new = decode_rows(
                spec,
                tx.fetch(
                    &format!(
                        "SELECT {}, {} FROM {from} WHERE {pcol} = $1 GROUP BY {}",
                        dims.join(", "),
                        vals.join(", "),
                        group.join(", ")
                    ),
                    &[Arg::Int(Some(pairing))],
                    &kinds(spec),
                )
                .await?,
            );
            if old == new && old_scope == new_scope {
                continue;
            }
            let mut delta: BTreeMap<(&'static str, String, Vec<Dim>), Vec<i64>> = BTreeMap::new();
            for (sign, scopes, rows) in [(-1, &old_scopes, &old), (1, &new_scopes, &new)] {
                for (kind, skey) in scopes {
                    for (d, v) in rows {
                        let e = delta
                            .entry((kind, skey.clone(), d.clone()))
                            .or_insert_with(|| vec![0; v.len()]);
                        for (a, b) in e.iter_mut().zip(v) {
                            *a = b
                                .checked_mul(sign)
                                .and_then(|b| a.checked_add(b))
                                .ok_or_else(StoreError::total_overflow)?;
                        }
                    }
                }
            }
            for ((kind, skey, d), v) in delta {
                if v.iter().all(|x| *x == 0) {
                    continue;
                }
                apply(tx, spec, kind, &skey, &d, &v).await?;
            }
        }
        if old_scope != new_scope {
            tx.execute(
                "DELETE FROM agg_pairing_scope WHERE pairing_id = $1",
                &[Arg::Int(Some(pairing))],
            )
            .await?;
            if let Some((program, region)) = new_scope {
                tx.execute(
                    "INSERT INTO agg_pairing_scope (pairing_id, program_id, region_code) VALUES ($1, $2, $3)",
                    &[Arg::Int(Some(pairing)), Arg::Int(Some(program)), Arg::Text(region)],
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Adds `vals` to one aggregate row (creating it), and removes the row when its count reaches zero.
async fn apply(tx: &mut Tx, spec: &Spec, kind: &str, key: &str, dims: &[Dim], vals: &[i64]) -> Result<()> {
    let t = spec.table;
    let mut args = vec![Arg::Text(Some(kind.into())), Arg::Text(Some(key.into()))];
    args.extend(dims.iter().map(Dim::arg));
    args.extend(vals.iter().map(|v| Arg::Int(Some(*v))));
    let placeholders: Vec<String> = (1..=args.len()).map(|i| format!("${i}")).collect();
    let pk: Vec<&str> = ["scope_kind", "scope_key"]
        .into_iter()
        .chain(spec.dims.iter().map(|d| d.0))
        .collect();
    let sets: Vec<String> = val_cols(spec)
        .iter()
        .map(|v| format!("{v} = {t}.{v} + excluded.{v}"))
        .collect();
    // A sum past i64 fails the statement on PostgreSQL (22003, a 4xx through `From<sqlx::Error>`), but SQLite turns
    // it into a REAL and stores it: the row is then told apart by its type, and the write refused before commit, so
    // an aggregate column never holds anything but an integer.
    let integral = match tx.backend() {
        crate::db::Backend::Postgres => "CAST(1 AS BIGINT)".to_string(),
        crate::db::Backend::Sqlite => {
            let each: Vec<String> = val_cols(spec)
                .iter()
                .map(|v| format!("typeof({v}) = 'integer'"))
                .collect();
            format!("CASE WHEN {} THEN 1 ELSE 0 END", each.join(" AND "))
        }
    };
    let row = tx
        .fetch_opt(
            &format!(
                "INSERT INTO {t} (scope_kind, scope_key, {}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {} \
                 RETURNING n, {integral}",
                cols(spec),
                placeholders.join(", "),
                pk.join(", "),
                sets.join(", ")
            ),
            &args,
            &[Kind::Int, Kind::Int],
        )
        .await?;
    if row.as_ref().and_then(|r| r[1].int()) == Some(0) {
        return Err(StoreError::total_overflow());
    }
    let n = row.and_then(|r| r[0].int()).unwrap_or(0);
    if n < 0 {
        return Err(StoreError::Other(format!(
            "汇总表 {t} 出现负计数（{kind}:{key} {dims:?}），请运行汇总重建"
        )));
    }
    if n == 0 {
        let conds: Vec<String> = pk
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect();
        let pk_args = args[..pk.len()].to_vec();
        tx.execute(&format!("DELETE FROM {t} WHERE {}", conds.join(" AND ")), &pk_args)
            .await?;
    }
    Ok(())
}

/// The `(pairing_id, key)` pairs of the scopes above the pairing, as SQL over `agg_pairing_scope`.
fn scope_map_sql(kind: &str) -> &'static str {
    match kind {
        "program" => "SELECT pairing_id, CAST(program_id AS TEXT) AS k FROM agg_pairing_scope",
        "all" => "SELECT pairing_id, '' AS k FROM agg_pairing_scope",
        _ => {
            "SELECT pairing_id, region_code AS k FROM agg_pairing_scope WHERE region_code IS NOT NULL \
             UNION SELECT pairing_id, substr(region_code, 1, 6) AS k FROM agg_pairing_scope WHERE length(region_code) = 9 \
             UNION SELECT pairing_id, substr(region_code, 1, 4) || '00' AS k FROM agg_pairing_scope WHERE length(region_code) IN (6, 9) \
             UNION SELECT pairing_id, substr(region_code, 1, 2) || '0000' AS k FROM agg_pairing_scope WHERE length(region_code) IN (6, 9)"
        }
    }
}

/// Deletes every aggregate row and recomputes all scopes from the base tables with INSERT … SELECT … GROUP BY
/// (bulk loads call it before commit; [`Store::open`] calls it for a database whose aggregates are missing).
pub async fn rebuild_all(tx: &mut Tx) -> Result<()> {
    let backend = tx.backend();
    tx.execute("DELETE FROM agg_pairing_scope", &[]).await?;
    tx.execute(
        "INSERT INTO agg_pairing_scope (pairing_id, program_id, region_code) \
         SELECT p.id, p.program_id, o.region_code FROM pairings p JOIN orgs o ON o.id = p.receiver_org_id",
        &[],
    )
    .await?;
    for spec in SPECS {
        let t = spec.table;
        tx.execute(&format!("DELETE FROM {t}"), &[]).await?;
        let (pcol, dims, vals, from) = base(spec, backend);
        let group: Vec<String> = (1..=dims.len() + 1).map(|i| (i + 1).to_string()).collect();
        tx.execute(
            &format!(
                "INSERT INTO {t} (scope_kind, scope_key, {}) SELECT 'pairing', CAST({pcol} AS TEXT), {}, {} \
                 FROM {from} WHERE {pcol} IS NOT NULL GROUP BY {}",
                cols(spec),
                dims.join(", "),
                vals.join(", "),
                group.join(", ")
            ),
            &[],
        )
        .await?;
        let dcols: Vec<String> = spec.dims.iter().map(|d| format!("a.{}", d.0)).collect();
        let sums: Vec<String> = val_cols(spec)
            .iter()
            .map(|v| format!("CAST(SUM(a.{v}) AS BIGINT)"))
            .collect();
        for kind in ["program", "region", "all"] {
            tx.execute(
                &format!(
                    // the map drives the join (CROSS JOIN fixes that order on SQLite) and each pairing's rows are found
                    // through the primary key, which starts with (scope_kind, scope_key)
                    "INSERT INTO {t} (scope_kind, scope_key, {}) SELECT '{kind}', m.k, {}, {} FROM ({}) m \
                     CROSS JOIN {t} a WHERE a.scope_kind = 'pairing' AND a.scope_key = CAST(m.pairing_id AS TEXT) \
                     GROUP BY m.k, {}",
                    cols(spec),
                    dcols.join(", "),
                    sums.join(", "),
                    scope_map_sql(kind),
                    dcols.join(", ")
                ),
                &[],
            )
            .await?;
        }
    }
    Ok(())
}

async fn read_scopes(db: &crate::Db) -> Result<Vec<(i64, i64, Option<String>)>> {
    Ok(db
        .fetch(
            "SELECT pairing_id, program_id, region_code FROM agg_pairing_scope ORDER BY pairing_id",
            &[],
            &[Kind::Int, Kind::Int, Kind::Text],
        )
        .await?
        .into_iter()
        .map(|r| {
            (
                r[0].int().unwrap_or(0),
                r[1].int().unwrap_or(0),
                r[2].text().map(str::to_string),
            )
        })
        .collect())
}

/// Every aggregate row as stored.
pub async fn stored(store: &Store) -> Result<AggSnapshot> {
    let mut rows = Vec::new();
    for spec in SPECS {
        let mut k = vec![Kind::Text, Kind::Text];
        k.extend(kinds(spec));
        for r in store
            .db()
            .fetch(
                &format!("SELECT scope_kind, scope_key, {} FROM {}", cols(spec), spec.table),
                &[],
                &k,
            )
            .await?
        {
            let nd = spec.dims.len();
            rows.push(AggRow {
                table: spec.table.into(),
                scope_kind: r[0].text().unwrap_or("").into(),
                scope_key: r[1].text().unwrap_or("").into(),
                dims: r[2..2 + nd].iter().map(Dim::from_val).collect(),
                vals: r[2 + nd..].iter().map(|v| v.int().unwrap_or(0)).collect(),
            });
        }
    }
    rows.sort();
    Ok(AggSnapshot {
        rows,
        scopes: read_scopes(store.db()).await?,
    })
}

/// Every aggregate row computed afresh from the base tables (and the pairings' current scopes), without writing.
pub async fn recompute_from_base(store: &Store) -> Result<AggSnapshot> {
    let backend = store.backend();
    let scopes: Vec<(i64, i64, Option<String>)> = store
        .db()
        .fetch(
            "SELECT p.id, p.program_id, o.region_code FROM pairings p JOIN orgs o ON o.id = p.receiver_org_id ORDER BY p.id",
            &[],
            &[Kind::Int, Kind::Int, Kind::Text],
        )
        .await?
        .into_iter()
        .map(|r| (r[0].int().unwrap_or(0), r[1].int().unwrap_or(0), r[2].text().map(str::to_string)))
        .collect();
    let by_pairing: BTreeMap<i64, (i64, Option<String>)> =
        scopes.iter().map(|(p, g, r)| (*p, (*g, r.clone()))).collect();
    let mut acc: BTreeMap<(&'static str, &'static str, String, Vec<Dim>), Vec<i64>> = BTreeMap::new();
    for spec in SPECS {
        let (pcol, dims, vals, from) = base(spec, backend);
        let group: Vec<String> = (1..=dims.len() + 1).map(|i| i.to_string()).collect();
        let mut k = vec![Kind::Int];
        k.extend(kinds(spec));
        let rows = store
            .db()
            .fetch(
                &format!(
                    "SELECT {pcol}, {}, {} FROM {from} WHERE {pcol} IS NOT NULL GROUP BY {}",
                    dims.join(", "),
                    vals.join(", "),
                    group.join(", ")
                ),
                &[],
                &k,
            )
            .await?;
        let nd = spec.dims.len();
        for r in rows {
            let pairing = r[0].int().unwrap_or(0);
            let d: Vec<Dim> = r[1..1 + nd].iter().map(Dim::from_val).collect();
            let v: Vec<i64> = r[1 + nd..].iter().map(|v| v.int().unwrap_or(0)).collect();
            for (kind, key) in scopes_of(pairing, by_pairing.get(&pairing)) {
                let e = acc
                    .entry((spec.table, kind, key, d.clone()))
                    .or_insert_with(|| vec![0; v.len()]);
                for (a, b) in e.iter_mut().zip(&v) {
                    *a = a.saturating_add(*b);
                }
            }
        }
    }
    let mut rows: Vec<AggRow> = acc
        .into_iter()
        .filter(|(_, v)| v[0] != 0)
        .map(|((table, kind, key, dims), vals)| AggRow {
            table: table.into(),
            scope_kind: kind.into(),
            scope_key: key,
            dims,
            vals,
        })
        .collect();
    rows.sort();
    Ok(AggSnapshot { rows, scopes })
}

/// Whether a database has records but not their aggregates (one migrated from before them): then
/// [`crate::audit::rebuild_aggregates_if_missing`] fills them.
pub(crate) async fn missing(tx: &mut Tx) -> Result<bool> {
    let mut n = [0i64; 2];
    for (i, sql) in [
        "SELECT COUNT(*) FROM pairings",
        "SELECT COUNT(*) FROM agg_pairing_scope",
    ]
    .into_iter()
    .enumerate()
    {
        n[i] = tx
            .fetch_opt(sql, &[], &[Kind::Int])
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
    }
    Ok(n[0] != n[1])
}

/// A summed figure as the summing rule ([`approx::Total`]) writes it: exact only when every member is. Served
/// (as `{sum}_figure`) only when approximate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct TotalFigure {
    /// The total's qualifier (余, 近 or 约), null when the total is exact.
    pub approx: Option<approx::Qualifier>,
    /// The high end of a range total, in the value's own unit (fen for money), null when it is not a range.
    pub upper: Option<i64>,
    /// The total written for a person: `1500余课时`, `约1000万元`, `20—50人次`, `1000万元`.
    pub written: String,
}

impl TotalFigure {
    /// Whether the total is exact: then the plain sum is the figure, and the API leaves the written form out
    /// (a national dashboard has over a thousand rows, each with six sums).
    pub fn is_exact(&self) -> bool {
        self.approx.is_none() && self.upper.is_none()
    }

    /// The written total of a tally of a field of `kind` (Int or Money), with `unit` (money picks its own).
    pub fn of(kind: FieldKind, tally: &Tally, unit: &str) -> TotalFigure {
        let figure = tally.total().figure();
        TotalFigure {
            approx: figure.qualifier,
            upper: figure.upper,
            written: approx::written(kind, figure, unit),
        }
    }

    /// A money total (fen) by the summing rule.
    pub fn money(tally: &Tally) -> TotalFigure {
        TotalFigure::of(FieldKind::Money, tally, "")
    }
}

/// Money of one year, source, project category and transaction kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyRow {
    /// Year of the transaction date.
    pub year: i64,
    /// Source of funds (`transactions.source`).
    pub source: String,
    /// The project's category.
    pub category: String,
    /// Transaction kind (`transactions.kind`).
    pub kind: String,
    /// Amount in fen, all confirmation states.
    pub amount_fen: i64,
    /// Of which confirmed by the receiving side.
    pub confirmed_fen: i64,
    /// Number of transactions.
    pub n: i64,
    /// The amount as the summing rule writes it (约1000万元 when a member is about 1000万元).
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub amount_figure: TotalFigure,
    /// The confirmed amount as the summing rule writes it.
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub confirmed_figure: TotalFigure,
    /// The amount's tally, for sums over rows (not served).
    #[serde(skip)]
    pub amount_tally: Tally,
    /// The confirmed amount's tally (not served).
    #[serde(skip)]
    pub confirmed_tally: Tally,
}

/// Money of one year and source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyYearSource {
    /// Year.
    pub year: i64,
    /// Source of funds.
    pub source: String,
    /// Amount in fen.
    pub amount_fen: i64,
    /// Of which confirmed.
    pub confirmed_fen: i64,
    /// Number of transactions.
    pub n: i64,
    /// The amount as the summing rule writes it.
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub amount_figure: TotalFigure,
    /// The confirmed amount as the summing rule writes it.
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub confirmed_figure: TotalFigure,
}

/// Projects of one category.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ProjectCounts {
    /// Category (`''` for the total).
    pub category: String,
    /// Projects in all.
    pub n: i64,
    /// Not started.
    pub planned: i64,
    /// Started, not completed.
    pub started: i64,
    /// Completed.
    pub completed: i64,
    /// Total investment in fen.
    pub investment_fen: i64,
    /// (started + completed) / n, 0 when there are none.
    pub start_rate: f64,
    /// completed / n.
    pub completion_rate: f64,
    /// Total investment as the summing rule writes it.
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub investment_figure: TotalFigure,
    /// The investment's tally (not served).
    #[serde(skip)]
    pub investment_tally: Tally,
}

impl ProjectCounts {
    fn add(&mut self, status: &str, n: i64, investment: &Tally) {
        add(&mut self.n, n);
        add(&mut self.investment_fen, investment.value);
        self.investment_tally.add(investment);
        match status {
            "completed" => add(&mut self.completed, n),
            "started" => add(&mut self.started, n),
            _ => add(&mut self.planned, n),
        }
    }
    fn rates(&mut self) {
        self.investment_figure = TotalFigure::money(&self.investment_tally);
        if self.n > 0 {
            self.start_rate = (self.started + self.completed) as f64 / self.n as f64;
            self.completion_rate = self.completed as f64 / self.n as f64;
        }
    }
}

/// Dispatched people of one role and batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeopleRow {
    /// Role (`dispatches.role`).
    pub role: String,
    /// Batch (0 when not given).
    pub batch: i64,
    /// Dispatches.
    pub n: i64,
    /// Of which confirmed.
    pub confirmed: i64,
}

/// Activities of one kind (and month, in `by_month`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ActivityRow {
    /// Kind (`activities.kind`).
    pub kind: String,
    /// `YYYY-MM` of the start date; `YYYY` where the start is known only to the year (`''` in the totals by kind).
    pub month: String,
    /// Activities.
    pub n: i64,
    /// Of which confirmed.
    pub confirmed: i64,
    /// Person-times.
    pub person_times: i64,
    /// Sessions.
    pub sessions: i64,
    /// Courses.
    pub courses: i64,
    /// Hours (raw quantity units, as stored).
    pub hours: i64,
    /// Items.
    pub items: i64,
    /// Amount in fen.
    pub amount_fen: i64,
    /// Person-times as the summing rule writes them (500人次以上 is counted 500余人次).
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub person_times_figure: TotalFigure,
    /// Sessions as written.
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub sessions_figure: TotalFigure,
    /// Courses as written.
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub courses_figure: TotalFigure,
    /// Hours as written (1500余课时).
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub hours_figure: TotalFigure,
    /// Items as written.
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub items_figure: TotalFigure,
    /// Amount as written (约1000万元).
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub amount_figure: TotalFigure,
    /// The tallies of person-times, sessions, courses, hours, items and amount (not served).
    #[serde(skip)]
    pub tallies: [Tally; 6],
}

impl ActivityRow {
    /// The fields of the tallies, their kinds and units.
    const FIGURES: [(FieldKind, &'static str); 6] = [
        (FieldKind::Int, "person_times"),
        (FieldKind::Int, "sessions"),
        (FieldKind::Int, "courses"),
        (FieldKind::Int, "hours"),
        (FieldKind::Int, "items"),
        (FieldKind::Money, "amount"),
    ];

    fn add(&mut self, conf: bool, n: i64, tallies: &[Tally; 6]) {
        add(&mut self.n, n);
        if conf {
            add(&mut self.confirmed, n);
        }
        for (t, o) in self.tallies.iter_mut().zip(tallies) {
            t.add(o);
        }
        let v = |i: usize| tallies[i].value;
        add(&mut self.person_times, v(0));
        add(&mut self.sessions, v(1));
        add(&mut self.courses, v(2));
        add(&mut self.hours, v(3));
        add(&mut self.items, v(4));
        add(&mut self.amount_fen, v(5));
    }

    /// The row with its totals written by the summing rule.
    fn written(mut self) -> Self {
        let [a, b, c, d, e, f] = Self::FIGURES.map(|(kind, field)| (kind, approx::unit_for(field)));
        let t = self.tallies;
        self.person_times_figure = TotalFigure::of(a.0, &t[0], a.1);
        self.sessions_figure = TotalFigure::of(b.0, &t[1], b.1);
        self.courses_figure = TotalFigure::of(c.0, &t[2], c.1);
        self.hours_figure = TotalFigure::of(d.0, &t[3], d.1);
        self.items_figure = TotalFigure::of(e.0, &t[4], e.1);
        self.amount_figure = TotalFigure::of(f.0, &t[5], f.1);
        self
    }
}

/// The figures of one dashboard, read only from the aggregate tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    /// `all`, `program:<id>`, `pairing:<id>` or `region:<code>`.
    pub scope: String,
    /// Pairings in scope.
    pub pairings: i64,
    /// Money by year, source, category and kind.
    pub money: Vec<MoneyRow>,
    /// Money by year and source.
    pub money_by_year_source: Vec<MoneyYearSource>,
    /// Money in all, in fen.
    pub money_total_fen: i64,
    /// Money in all as the summing rule writes it.
    #[serde(skip_serializing_if = "TotalFigure::is_exact")]
    pub money_total_figure: TotalFigure,
    /// Projects in all, with start and completion rates.
    pub projects: ProjectCounts,
    /// Projects by category.
    pub projects_by_category: Vec<ProjectCounts>,
    /// People by role and batch.
    pub people: Vec<PeopleRow>,
    /// People by role (batches summed).
    pub people_by_role: Vec<PeopleRow>,
    /// Dispatches in all.
    pub people_total: i64,
    /// Activities by kind.
    pub activities_by_kind: Vec<ActivityRow>,
    /// Activities by kind and month.
    pub activities_by_month: Vec<ActivityRow>,
    /// Activities in all.
    pub activities_total: i64,
    /// The quantities of all activities (kind `''`).
    pub activities_in_all: ActivityRow,
    /// Obligation results as of today (`program_id` 0 where the scope spans programs).
    pub obligations: crate::status::StatusCounts,
}

/// Dashboards kept as served JSON: valid while the audit head (every write moves it) and the day stay the same, so
/// several servers against one database never serve each other a stale one.
#[derive(Debug, Default)]
pub struct DashboardCache {
    entries: HashMap<String, CachedDashboard>,
    uses: u64,
}

#[derive(Debug)]
struct CachedDashboard {
    head: i64,
    day: chrono::NaiveDate,
    dashboard: std::sync::Arc<Dashboard>,
    json: std::sync::Arc<String>,
    used: u64,
}

/// Dashboards kept at most (a pairing's is a few kilobytes, the national one a few hundred).
const DASHBOARDS_KEPT: usize = 64;

impl Store {
    /// The dashboard of a scope as JSON text, made once per write and day and then served as kept.
    pub async fn dashboard_json(&self, scope: &Scope) -> Result<std::sync::Arc<String>> {
        Ok(self.dashboard_kept(scope).await?.1)
    }

    /// As [`Store::dashboard_json`], for a caller who read the audit head `head` just before (with its sign-in,
    /// [`Store::session_seen`]), saving a statement.
    pub async fn dashboard_json_at(&self, scope: &Scope, head: i64) -> Result<std::sync::Arc<String>> {
        Ok(self.dashboard_kept_at(scope, head).await?.1)
    }

    /// The dashboard of a scope and its JSON text, made once per write and day and then kept.
    pub async fn dashboard_kept(&self, scope: &Scope) -> Result<(std::sync::Arc<Dashboard>, std::sync::Arc<String>)> {
        let head = self.audit_head_seq().await?;
        self.dashboard_kept_at(scope, head).await
    }

    /// As [`Store::dashboard_kept`], at the audit head `head` the caller read just before.
    async fn dashboard_kept_at(
        &self,
        scope: &Scope,
        head: i64,
    ) -> Result<(std::sync::Arc<Dashboard>, std::sync::Arc<String>)> {
        let day = self.today();
        let key = scope.to_string();
        let kept = || {
            let mut cache = self.dashboards.lock().unwrap_or_else(|e| e.into_inner());
            cache.uses += 1;
            let uses = cache.uses;
            let e = cache.entries.get_mut(&key).filter(|e| e.head == head && e.day == day)?;
            e.used = uses;
            Some((e.dashboard.clone(), e.json.clone()))
        };
        if let Some(found) = kept() {
            return Ok(found);
        }
        // one dashboard made at a time in this process: readers who missed together wait for the first one's,
        // instead of all making the same one at once (64 connections after a write each took ~1 s)
        let _making = self.dashboard_making.lock().await;
        if let Some(found) = kept() {
            return Ok(found);
        }
        // made from the aggregates as they stand at `head` or later: a write after `head` misses the key next time
        let dashboard = std::sync::Arc::new(self.dashboard(scope).await?);
        let json =
            std::sync::Arc::new(serde_json::to_string(&*dashboard).map_err(|e| StoreError::Other(e.to_string()))?);
        let mut cache = self.dashboards.lock().unwrap_or_else(|e| e.into_inner());
        cache.uses += 1;
        let used = cache.uses;
        if cache.entries.len() >= DASHBOARDS_KEPT && !cache.entries.contains_key(&key) {
            if let Some(oldest) = cache.entries.iter().min_by_key(|(_, e)| e.used).map(|(k, _)| k.clone()) {
                cache.entries.remove(&oldest);
            }
        }
        cache.entries.insert(
            key,
            CachedDashboard {
                head,
                day,
                dashboard: dashboard.clone(),
                json: json.clone(),
                used,
            },
        );
        Ok((dashboard, json))
    }

    async fn agg_rows(&self, spec: &Spec, scope: &Scope) -> Result<Rows> {
        let (kind, key) = scope.key();
        let rows = self
            .db()
            .fetch(
                &format!(
                    "SELECT {} FROM {} WHERE scope_kind = $1 AND scope_key = $2",
                    cols(spec),
                    spec.table
                ),
                &[Arg::Text(Some(kind.into())), Arg::Text(Some(key))],
                &kinds(spec),
            )
            .await?;
        Ok(decode_rows(spec, rows))
    }

    /// The dashboard of a scope, from the aggregate tables only.
    pub async fn dashboard(&self, scope: &Scope) -> Result<Dashboard> {
        let pairings = match scope {
            Scope::All => ("SELECT COUNT(*) FROM agg_pairing_scope", vec![]),
            Scope::Program(p) => (
                "SELECT COUNT(*) FROM agg_pairing_scope WHERE program_id = $1",
                vec![Arg::Int(Some(*p))],
            ),
            Scope::Pairing(p) => (
                "SELECT COUNT(*) FROM agg_pairing_scope WHERE pairing_id = $1",
                vec![Arg::Int(Some(*p))],
            ),
            Scope::Region(r) => (
                "SELECT COUNT(*) FROM agg_pairing_scope WHERE region_code = $1 OR (length(region_code) IN (6, 9) AND \
                 (substr(region_code, 1, 6) = $1 OR substr(region_code, 1, 4) || '00' = $1 \
                 OR substr(region_code, 1, 2) || '0000' = $1))",
                vec![Arg::Text(Some(r.clone()))],
            ),
        };
        let pairings = self
            .db()
            .fetch_opt(pairings.0, &pairings.1, &[Kind::Int])
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);

        let mut money_map: BTreeMap<(i64, String, String, String), MoneyRow> = BTreeMap::new();
        for (d, v) in self.agg_rows(&MONEY, scope).await? {
            let (year, source, category, kind) = (d[0].int(), d[1].text(), d[2].text(), d[3].text());
            let e = money_map
                .entry((year, source.into(), category.into(), kind.into()))
                .or_insert_with(|| MoneyRow {
                    year,
                    source: source.into(),
                    category: category.into(),
                    kind: kind.into(),
                    amount_fen: 0,
                    confirmed_fen: 0,
                    n: 0,
                    amount_figure: TotalFigure::default(),
                    confirmed_figure: TotalFigure::default(),
                    amount_tally: Tally::default(),
                    confirmed_tally: Tally::default(),
                });
            let tally = tally_at(&MONEY, &v, 0);
            add(&mut e.n, v[0]);
            add(&mut e.amount_fen, v[1]);
            e.amount_tally.add(&tally);
            if d[4].int() == 1 {
                add(&mut e.confirmed_fen, v[1]);
                e.confirmed_tally.add(&tally);
            }
        }
        let money: Vec<MoneyRow> = money_map
            .into_values()
            .map(|mut m| {
                m.amount_figure = TotalFigure::money(&m.amount_tally);
                m.confirmed_figure = TotalFigure::money(&m.confirmed_tally);
                m
            })
            .collect();
        let mut ys: BTreeMap<(i64, String), (MoneyYearSource, Tally, Tally)> = BTreeMap::new();
        let mut money_total = Tally::default();
        for m in &money {
            let (e, amount, confirmed) = ys.entry((m.year, m.source.clone())).or_insert_with(|| {
                let row = MoneyYearSource {
                    year: m.year,
                    source: m.source.clone(),
                    amount_fen: 0,
                    confirmed_fen: 0,
                    n: 0,
                    amount_figure: TotalFigure::default(),
                    confirmed_figure: TotalFigure::default(),
                };
                (row, Tally::default(), Tally::default())
            });
            add(&mut e.amount_fen, m.amount_fen);
            add(&mut e.confirmed_fen, m.confirmed_fen);
            add(&mut e.n, m.n);
            amount.add(&m.amount_tally);
            confirmed.add(&m.confirmed_tally);
            money_total.add(&m.amount_tally);
        }
        let money_by_year_source: Vec<MoneyYearSource> = ys
            .into_values()
            .map(|(mut e, amount, confirmed)| {
                e.amount_figure = TotalFigure::money(&amount);
                e.confirmed_figure = TotalFigure::money(&confirmed);
                e
            })
            .collect();
        let money_total_fen = money.iter().fold(0, |t: i64, m| t.saturating_add(m.amount_fen));

        let mut projects = ProjectCounts::default();
        let mut by_cat: BTreeMap<String, ProjectCounts> = BTreeMap::new();
        for (d, v) in self.agg_rows(&PROJECTS, scope).await? {
            let investment = tally_at(&PROJECTS, &v, 0);
            projects.add(d[1].text(), v[0], &investment);
            by_cat
                .entry(d[0].text().into())
                .or_insert_with(|| ProjectCounts {
                    category: d[0].text().into(),
                    ..Default::default()
                })
                .add(d[1].text(), v[0], &investment);
        }
        projects.rates();
        let projects_by_category: Vec<ProjectCounts> = by_cat
            .into_values()
            .map(|mut c| {
                c.rates();
                c
            })
            .collect();

        let mut people_map: BTreeMap<(String, i64), PeopleRow> = BTreeMap::new();
        let mut role_map: BTreeMap<String, PeopleRow> = BTreeMap::new();
        for (d, v) in self.agg_rows(&PEOPLE, scope).await? {
            let (role, batch, conf) = (d[0].text(), d[1].int(), d[2].int() == 1);
            let add = |e: &mut PeopleRow| {
                add(&mut e.n, v[0]);
                if conf {
                    add(&mut e.confirmed, v[0]);
                }
            };
            add(people_map.entry((role.into(), batch)).or_insert_with(|| PeopleRow {
                role: role.into(),
                batch,
                n: 0,
                confirmed: 0,
            }));
            add(role_map.entry(role.into()).or_insert_with(|| PeopleRow {
                role: role.into(),
                batch: 0,
                n: 0,
                confirmed: 0,
            }));
        }
        let people: Vec<PeopleRow> = people_map.into_values().collect();
        let people_total = people.iter().fold(0, |t: i64, p| t.saturating_add(p.n));

        let mut month_map: BTreeMap<(String, String), ActivityRow> = BTreeMap::new();
        let mut kind_map: BTreeMap<String, ActivityRow> = BTreeMap::new();
        let mut activities_in_all = ActivityRow::default();
        for (d, v) in self.agg_rows(&ACTIVITIES, scope).await? {
            let (kind, month, conf) = (d[0].text(), d[1].text(), d[2].int() == 1);
            let tallies: [Tally; 6] = std::array::from_fn(|i| tally_at(&ACTIVITIES, &v, i));
            activities_in_all.add(conf, v[0], &tallies);
            for e in [
                month_map
                    .entry((kind.into(), month.into()))
                    .or_insert_with(|| ActivityRow {
                        kind: kind.into(),
                        month: month.into(),
                        ..Default::default()
                    }),
                kind_map.entry(kind.into()).or_insert_with(|| ActivityRow {
                    kind: kind.into(),
                    ..Default::default()
                }),
            ] {
                e.add(conf, v[0], &tallies);
            }
        }
        let activities_in_all = activities_in_all.written();
        let activities_by_kind: Vec<ActivityRow> = kind_map.into_values().map(ActivityRow::written).collect();
        let activities_total = activities_by_kind.iter().fold(0, |t: i64, a| t.saturating_add(a.n));
        Ok(Dashboard {
            scope: scope.to_string(),
            pairings,
            money,
            money_by_year_source,
            money_total_fen,
            money_total_figure: TotalFigure::money(&money_total),
            projects,
            projects_by_category,
            people,
            people_by_role: role_map.into_values().collect(),
            people_total,
            activities_by_kind,
            activities_by_month: month_map.into_values().map(ActivityRow::written).collect(),
            activities_total,
            activities_in_all,
            obligations: match self.status_in(scope, self.today()).await {
                Ok(c) => c,
                // a program or pairing that cannot be assessed yet still has its money, projects and people shown
                Err(e @ crate::StoreError::Invalid(_)) => {
                    tracing::warn!(scope = %scope, error = %e, "obligation status unavailable");
                    crate::status::StatusCounts::default()
                }
                Err(e) => return Err(e),
            },
        })
    }
}
