//! Synthetic records at scale: supporter provinces and cities, receiving counties with real GB/T 2260 codes, programs
//! with obligations from the built-in templates, pairings, projects and their money, dispatched people with stints and
//! appraisals, activities in the school-year rhythm and regional indicators, 2015–2024.
//!
//! The same seed and scale give the same rows. Everything is written in one transaction with one audit event, so a
//! database holds the whole synthetic record or none of it.

mod data;
mod gen;
mod sink;

use duikou_store::{Store, StoreError};
use serde::Serialize;

pub use gen::generate;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// 1.0 is the full size (see [`Targets::at`]); every count is linear in it.
    pub scale: f64,
    /// The random seed; same seed and scale → same rows.
    pub seed: u64,
    /// Write even when the database already holds records (the synthetic record is added alongside).
    pub force: bool,
}

/// How far the generator is.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// The stage, in Chinese ("活动").
    pub stage: &'static str,
    /// Rows of this stage written.
    pub done: u64,
    /// Rows of this stage planned.
    pub total: u64,
}

/// Rows written per table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub orgs: u64,
    pub programs: u64,
    pub pairings: u64,
    pub obligations: u64,
    pub indicators: u64,
    pub indicator_values: u64,
    pub projects: u64,
    pub project_funding: u64,
    pub transactions: u64,
    pub people: u64,
    pub dispatches: u64,
    pub stints: u64,
    pub appraisals: u64,
    pub activities: u64,
}

impl Counts {
    /// Every row written.
    pub fn total(&self) -> u64 {
        self.rows().iter().map(|(_, n)| n).sum()
    }

    /// (table, rows) in writing order.
    pub fn rows(&self) -> Vec<(&'static str, u64)> {
        vec![
            ("orgs", self.orgs),
            ("programs", self.programs),
            ("pairings", self.pairings),
            ("obligations", self.obligations),
            ("indicators", self.indicators),
            ("indicator_values", self.indicator_values),
            ("projects", self.projects),
            ("project_funding", self.project_funding),
            ("transactions", self.transactions),
            ("people", self.people),
            ("dispatches", self.dispatches),
            ("stints", self.stints),
            ("appraisals", self.appraisals),
            ("activities", self.activities),
        ]
    }
}

/// The sizes aimed at for a scale. Pairings, projects, transactions, dispatches, people, activities and indicator
/// values come out exactly; funding rows, stints and appraisals vary per record (1–3 each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// Supporting provinces/municipalities (at most the 20 this generator knows).
    pub supporters: u64,
    /// Receiving counties (real county codes in 新疆, 西藏 and the western provinces).
    pub receivers: u64,
    pub pairings: u64,
    pub projects: u64,
    pub transactions: u64,
    pub dispatches: u64,
    pub activities: u64,
    /// Values of the regional indicators: every receiving county, every year, every indicator.
    pub indicator_values: u64,
    /// First and last year of the record.
    pub years: (i32, i32),
}

/// First year of the synthetic record.
pub const FIRST_YEAR: i32 = 2015;
/// Last year of the synthetic record.
pub const LAST_YEAR: i32 = 2024;
/// Indicators recorded per receiving county and year.
pub const INDICATORS_PER_REGION: u64 = 5;

fn scaled(full: f64, scale: f64, min: u64) -> u64 {
    ((full * scale).round() as u64).max(min)
}

impl Targets {
    /// The sizes at `scale` (1.0 → about 20 supporters, 150 receiving counties, 2 000 pairings, 30 000 projects,
    /// 1 000 000 transactions, 60 000 dispatches, 5 000 000 activities).
    pub fn at(scale: f64) -> Targets {
        let scale = if scale.is_finite() && scale > 0.0 { scale } else { 0.0 };
        let supporters = scaled(20.0, scale, 1).min(data::SUPPORTERS.len() as u64);
        let receivers = scaled(150.0, scale, 3).min(data::MAX_RECEIVERS);
        // one province→prefecture pairing per receiving prefecture (at most one per county), one city→county pairing
        // per county, and at least one school and one hospital pairing
        let pairings = scaled(2_000.0, scale, 1).max(2 * receivers + 2);
        let years = (FIRST_YEAR, LAST_YEAR);
        Targets {
            supporters,
            receivers,
            pairings,
            projects: scaled(30_000.0, scale, 1),
            transactions: scaled(1_000_000.0, scale, 1),
            dispatches: scaled(60_000.0, scale, 1),
            activities: scaled(5_000_000.0, scale, 1),
            indicator_values: receivers * (years.1 - years.0 + 1) as u64 * INDICATORS_PER_REGION,
            years,
        }
    }
}

/// Why the generator did not write.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The database already holds records and `force` was not given.
    #[error("数据库中已有记录（{0}）：如确需写入合成数据，请加 --force")]
    NotEmpty(String),
    /// The scale is not a positive number.
    #[error("规模须为正数，收到 {0}")]
    BadScale(f64),
    /// The region tree lacks the codes the generator needs.
    #[error("行政区划表中缺少所需的区划：{0}")]
    Regions(String),
    /// Storage failed; nothing was written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for SynthError {
    fn from(e: sqlx::Error) -> Self {
        SynthError::Store(StoreError::Database(e))
    }
}

/// Rows the synthetic record may not be written over: pairings, programs and orgs already present.
pub async fn existing_records(store: &Store) -> Result<(i64, i64, i64), SynthError> {
    let mut out = [0i64; 3];
    for (i, t) in ["pairings", "programs", "orgs"].iter().enumerate() {
        out[i] = store
            .db()
            .fetch_opt(
                &format!("SELECT COUNT(*) FROM {t}"),
                &[],
                &[duikou_store::db::Kind::Int],
            )
            .await
            .map_err(StoreError::from)?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
    }
    Ok((out[0], out[1], out[2]))
}

#[doc(hidden)]
pub mod bench {
    //! What the benchmark binary measures: the bulk sink against single-row prepared inserts.
    pub use crate::gen::bench_activities;
}
