//! Obligation status per pairing, kept for the dashboards and summaries: what the engine found as of a day, brought up
//! to date from the audit log when read.
//!
//! A program's mark says up to which audit event and for which day its pairings' rows were computed. Reading the
//! status first follows the log from that event: a change to a counted record re-evaluates only its pairings; a change
//! to what every pairing depends on (the program, its obligations, agreements, orgs, people) or a long run of changes
//! re-evaluates the whole program, as does a new day. Nothing is kept in the process, so several servers against one
//! database share it, and a write never waits for it.

use crate::db::{Arg, Kind};
use crate::scope::Scope;
use crate::{Result, Store};
use chrono::NaiveDate;
use duikou_domain::engine::{ObligationResult, Status};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// Follow at most this many audit events before re-evaluating the whole program instead.
const FOLLOW_AT_MOST: i64 = 2_000;

/// Entities whose changes never move an obligation's result.
const INERT: &[&str] = &[
    "regions",
    "documents",
    "document_links",
    "indicators",
    "indicator_values",
    "notes",
    "supervisions",
    "extractions",
    "assessments",
    "period_locks",
    "users",
    "user_orgs",
    "sessions",
];

/// A program's obligation results, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// The program.
    pub program_id: i64,
    /// Pairings assessed.
    pub pairings: i64,
    /// Results met.
    pub met: i64,
    /// Results unmet.
    pub unmet: i64,
    /// Results open.
    pub open: i64,
    /// Open results with an early warning.
    pub warnings: i64,
}

/// One unmet or warned result of a pairing, as kept (without the records counted: the live assessment lists them).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Problem {
    /// The pairing.
    pub pairing_id: i64,
    /// The obligation.
    pub obligation_id: i64,
    /// The obligation's title (absent in rows kept before it was).
    #[serde(default)]
    pub title: String,
    /// `unmet`, or `open` with a warning.
    pub status: String,
    /// The window in its written form.
    pub window: String,
    /// First day of the window.
    pub window_start: NaiveDate,
    /// Last day of the window.
    pub window_end: NaiveDate,
    /// The result in Chinese.
    pub text: String,
}

impl Problem {
    /// The result as the engine gave it, without the figures and records it kept no copy of.
    pub fn into_result(self) -> ObligationResult {
        ObligationResult {
            obligation_id: self.obligation_id,
            title: self.title,
            pairing_id: self.pairing_id,
            subject: duikou_domain::engine::SubjectRef::Pairing,
            window: self.window,
            window_start: self.window_start,
            window_end: self.window_end,
            actual: Default::default(),
            target: None,
            target_max: None,
            status: if self.status == "unmet" {
                Status::Unmet
            } else {
                Status::Open
            },
            warning: self.status == "open",
            counted: Vec::new(),
            text: self.text,
        }
    }
}

fn problem(r: &ObligationResult) -> Option<Problem> {
    let status = match r.status {
        Status::Unmet => "unmet",
        Status::Open if r.warning => "open",
        _ => return None,
    };
    Some(Problem {
        pairing_id: r.pairing_id,
        obligation_id: r.obligation_id,
        title: r.title.clone(),
        status: status.into(),
        window: r.window.clone(),
        window_start: r.window_start,
        window_end: r.window_end,
        text: r.text.clone(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Freshness {
    Fresh,
    Since,
    All,
}

/// What the log says must be evaluated again.
enum Stale {
    Pairings(BTreeSet<i64>),
    All,
}

impl Store {
    /// The obligation results of a program's pairings as of `as_of`, counted; up to date with every write.
    pub async fn status_counts(&self, program_id: i64, as_of: NaiveDate) -> Result<StatusCounts> {
        self.status_in(&Scope::Program(program_id), as_of).await
    }

    /// The obligation results of a dashboard's scope as of `as_of`, counted (every program it spans brought up to
    /// date first).
    pub async fn status_in(&self, scope: &Scope, as_of: NaiveDate) -> Result<StatusCounts> {
        let (programs, cond, args) = match scope {
            Scope::Program(p) => (vec![*p], "program_id = $1", vec![Arg::Int(Some(*p))]),
            Scope::Pairing(p) => {
                let program = self
                    .db()
                    .fetch_opt(
                        "SELECT program_id FROM pairings WHERE id = $1",
                        &[Arg::Int(Some(*p))],
                        &[Kind::Int],
                    )
                    .await?
                    .and_then(|r| r[0].int());
                (
                    program.into_iter().collect(),
                    "pairing_id = $1",
                    vec![Arg::Int(Some(*p))],
                )
            }
            Scope::All | Scope::Region(_) => {
                let all = self
                    .db()
                    .fetch("SELECT id FROM programs ORDER BY id", &[], &[Kind::Int])
                    .await?
                    .into_iter()
                    .filter_map(|r| r[0].int())
                    .collect();
                match scope {
                    Scope::Region(code) => (
                        all,
                        "pairing_id IN (SELECT pairing_id FROM agg_pairing_scope WHERE region_code = $1 OR \
                         (length(region_code) IN (6, 9) AND (substr(region_code, 1, 6) = $1 OR \
                         substr(region_code, 1, 4) || '00' = $1 OR substr(region_code, 1, 2) || '0000' = $1)))",
                        vec![Arg::Text(Some(code.clone()))],
                    ),
                    _ => (all, "1 = 1", vec![]),
                }
            }
        };
        for p in &programs {
            match (self.refresh_status(*p, as_of).await, scope) {
                (Ok(()), _) => {}
                // one program that cannot be assessed (no start date yet) leaves the others' counts standing
                (Err(e @ crate::StoreError::Invalid(_)), Scope::All | Scope::Region(_)) => {
                    tracing::warn!(program = p, error = %e, "obligation status not refreshed");
                }
                (Err(e), _) => return Err(e),
            }
        }
        let row = self
            .db()
            .fetch_opt(
                &format!(
                    "SELECT COUNT(*), CAST(COALESCE(SUM(met), 0) AS BIGINT), CAST(COALESCE(SUM(unmet), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(open_results), 0) AS BIGINT), CAST(COALESCE(SUM(warnings), 0) AS BIGINT) \
                     FROM assessment_status WHERE {cond}"
                ),
                &args,
                &[Kind::Int; 5],
            )
            .await?
            .unwrap_or_default();
        let n = |i: usize| row.get(i).and_then(|v| v.int()).unwrap_or(0);
        Ok(StatusCounts {
            program_id: match scope {
                Scope::Program(p) => *p,
                _ => 0,
            },
            pairings: n(0),
            met: n(1),
            unmet: n(2),
            open: n(3),
            warnings: n(4),
        })
    }

    /// The unmet and warned results of a program's pairings (or of `pairings` only) as of `as_of`, in pairing order.
    pub async fn status_problems(
        &self,
        program_id: i64,
        pairings: Option<&[i64]>,
        as_of: NaiveDate,
    ) -> Result<Vec<Problem>> {
        self.status_problems_within(program_id, pairings, None, as_of).await
    }

    /// As [`Store::status_problems`], of the windows overlapping `within` (first and last day) only: the database
    /// picks them out of the kept lists, so only those are read.
    pub async fn status_problems_within(
        &self,
        program_id: i64,
        pairings: Option<&[i64]>,
        within: Option<(NaiveDate, NaiveDate)>,
        as_of: NaiveDate,
    ) -> Result<Vec<Problem>> {
        self.refresh_status(program_id, as_of).await?;
        let (from, to) = within.map_or((String::new(), "9999-12-31".to_string()), |(a, b)| {
            (a.to_string(), b.to_string())
        });
        let rows = self
            .db()
            .fetch(
                "SELECT pairing_id, problem FROM assessment_problems \
                 WHERE program_id = $1 AND window_end >= $2 AND window_start <= $3 ORDER BY pairing_id, n",
                &[Arg::Int(Some(program_id)), Arg::Text(Some(from)), Arg::Text(Some(to))],
                &[Kind::Int, Kind::Text],
            )
            .await?;
        let wanted: Option<BTreeSet<i64>> = pairings.map(|p| p.iter().copied().collect());
        let mut out = Vec::new();
        for row in rows {
            let p = row[0].int().unwrap_or(0);
            if wanted.as_ref().is_some_and(|w| !w.contains(&p)) {
                continue;
            }
            if let Some(problem) = row[1].text().and_then(|t| serde_json::from_str::<Problem>(t).ok()) {
                out.push(problem);
            }
        }
        Ok(out)
    }

    /// Keeps every program's status fresh for the day, so the first reader of a day does not wait for it: once now,
    /// then a minute after each midnight (UTC, the day the status is judged by). Runs until the process ends; a
    /// program that cannot be assessed is logged and left for its readers.
    pub async fn refresh_every_day(self) {
        loop {
            let today = self.today();
            let programs = self
                .db()
                .fetch("SELECT id FROM programs ORDER BY id", &[], &[Kind::Int])
                .await
                .map(|rows| rows.iter().filter_map(|r| r[0].int()).collect::<Vec<i64>>());
            match programs {
                Ok(programs) => {
                    for p in programs {
                        if let Err(e) = self.refresh_status(p, today).await {
                            tracing::warn!(program = p, error = %e, "obligation status not refreshed");
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "obligation status not refreshed"),
            }
            let next = (today + chrono::Duration::days(1))
                .and_hms_opt(0, 1, 0)
                .map(|t| t.and_utc() - chrono::Utc::now())
                .and_then(|d| d.to_std().ok())
                .unwrap_or(std::time::Duration::from_secs(3600));
            tokio::time::sleep(next).await;
        }
    }

    /// Brings a program's kept status up to date with the audit log and `as_of`.
    pub async fn refresh_status(&self, program_id: i64, as_of: NaiveDate) -> Result<()> {
        if self.stale(program_id, as_of).await?.0 == Freshness::Fresh {
            return Ok(());
        }
        let _one = self.status_refresh.lock().await;
        let (freshness, head, from) = self.stale(program_id, as_of).await?;
        let stale = match freshness {
            Freshness::Fresh => return Ok(()),
            Freshness::All => Stale::All,
            Freshness::Since => self.stale_since(program_id, from, head).await?,
        };
        let full = matches!(stale, Stale::All);
        let ids: Vec<i64> = match stale {
            Stale::All => self.program_pairing_ids(program_id).await?,
            Stale::Pairings(p) => p.into_iter().collect(),
        };
        // evaluated a lot at a time and kept only as counts and problems, so memory stays small
        let mut rows = Vec::with_capacity(ids.len());
        let mut problems_of: Vec<Vec<Problem>> = Vec::with_capacity(ids.len());
        for lot in ids.chunks(40) {
            for a in self.assess_pairings(program_id, lot, as_of).await? {
                problems_of.push(a.results.iter().filter_map(problem).collect());
                rows.push(vec![
                    Arg::Int(Some(a.pairing_id)),
                    Arg::Int(Some(program_id)),
                    Arg::Int(Some(a.score.met as i64)),
                    Arg::Int(Some(a.score.unmet as i64)),
                    Arg::Int(Some(a.score.open as i64)),
                    Arg::Int(Some(a.score.warnings as i64)),
                    Arg::Text(a.score.score.map(|s| format!("{s:.1}"))),
                    Arg::Text(a.score.rating.clone()),
                    // kept one by one in assessment_problems (migration 0006)
                    Arg::Json(Some(Value::Array(Vec::new()))),
                    Arg::Int(Some(head)),
                    Arg::Text(Some(as_of.to_string())),
                ]);
            }
        }
        let mut tx = self.db().begin().await?;
        for (args, problems) in rows.iter().zip(&problems_of) {
            // a refresh that read an older head never overwrites a newer one's row
            let written = tx.execute(
                "INSERT INTO assessment_status (pairing_id, program_id, met, unmet, open_results, warnings, score, \
                 rating, problems, seq, as_of) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (pairing_id) DO UPDATE SET program_id = excluded.program_id, met = excluded.met, \
                 unmet = excluded.unmet, open_results = excluded.open_results, warnings = excluded.warnings, \
                 score = excluded.score, rating = excluded.rating, problems = excluded.problems, seq = excluded.seq, \
                 as_of = excluded.as_of \
                 WHERE assessment_status.seq <= excluded.seq OR assessment_status.as_of <> excluded.as_of",
                args,
            )
            .await?;
            if written == 0 {
                continue;
            }
            // and its problems with it
            let pairing = args[0].clone();
            tx.execute(
                "DELETE FROM assessment_problems WHERE pairing_id = $1",
                std::slice::from_ref(&pairing),
            )
            .await?;
            let lines: Vec<Vec<Arg>> = problems
                .iter()
                .enumerate()
                .map(|(n, p)| {
                    vec![
                        pairing.clone(),
                        Arg::Int(Some(n as i64)),
                        Arg::Int(Some(program_id)),
                        Arg::Text(Some(p.window_start.to_string())),
                        Arg::Text(Some(p.window_end.to_string())),
                        Arg::Text(Some(serde_json::to_string(p).unwrap_or_default())),
                    ]
                })
                .collect();
            tx.insert_rows(
                "assessment_problems",
                &["pairing_id", "n", "program_id", "window_start", "window_end", "problem"],
                &lines,
            )
            .await?;
        }
        if full {
            // pairings no longer in the program
            tx.execute(
                "DELETE FROM assessment_status WHERE program_id = $1 AND seq < $2",
                &[Arg::Int(Some(program_id)), Arg::Int(Some(head))],
            )
            .await?;
            tx.execute(
                "DELETE FROM assessment_problems WHERE program_id = $1 AND pairing_id NOT IN \
                 (SELECT pairing_id FROM assessment_status WHERE program_id = $1)",
                &[Arg::Int(Some(program_id))],
            )
            .await?;
        }
        tx.execute(
            "INSERT INTO assessment_marks (program_id, as_of, seq) VALUES ($1, $2, $3) ON CONFLICT (program_id) DO \
             UPDATE SET as_of = excluded.as_of, seq = excluded.seq \
             WHERE assessment_marks.seq <= excluded.seq OR assessment_marks.as_of <> excluded.as_of",
            &[
                Arg::Int(Some(program_id)),
                Arg::Text(Some(as_of.to_string())),
                Arg::Int(Some(head)),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether the kept status is fresh, and if not, whether the log since the mark (`from`) up to `head` may be
    /// followed.
    async fn stale(&self, program_id: i64, as_of: NaiveDate) -> Result<(Freshness, i64, i64)> {
        // the head is read before the records: a write after it is followed again next time, never lost
        let head = self.audit_head_seq().await?;
        let mark = self
            .db()
            .fetch_opt(
                "SELECT as_of, seq FROM assessment_marks WHERE program_id = $1",
                &[Arg::Int(Some(program_id))],
                &[Kind::Text, Kind::Int],
            )
            .await?;
        Ok(match mark {
            Some(m) if m[0].text() == Some(as_of.to_string().as_str()) => {
                let seq = m[1].int().unwrap_or(0);
                if seq >= head {
                    (Freshness::Fresh, head, seq)
                } else if head - seq > FOLLOW_AT_MOST {
                    (Freshness::All, head, seq)
                } else {
                    (Freshness::Since, head, seq)
                }
            }
            _ => (Freshness::All, head, 0),
        })
    }

    /// The pairings of `program_id` the audit events after `from` up to `to` touch.
    async fn stale_since(&self, program_id: i64, from: i64, to: i64) -> Result<Stale> {
        let events = self
            .db()
            .fetch(
                "SELECT entity, before_json, after_json FROM audit_events WHERE seq > $1 AND seq <= $2",
                &[Arg::Int(Some(from)), Arg::Int(Some(to))],
                &[Kind::Text, Kind::Json, Kind::Json],
            )
            .await?;
        let mut touched = BTreeSet::new();
        for e in &events {
            let entity = e[0].text().unwrap_or("");
            if INERT.contains(&entity) {
                continue;
            }
            if !duikou_domain::obligation::RECORD_ENTITIES.contains(&entity) {
                return Ok(Stale::All);
            }
            let pairings: Vec<i64> = [e[1].json(), e[2].json()]
                .into_iter()
                .flatten()
                .filter_map(|v| v.get("pairing_id").and_then(Value::as_i64))
                .collect();
            if pairings.is_empty() {
                return Ok(Stale::All);
            }
            touched.extend(pairings);
        }
        if touched.is_empty() {
            return Ok(Stale::Pairings(touched));
        }
        // only this program's pairings (a pairing that moved or went is a change to `pairings`: evaluated in full)
        let ids: Vec<i64> = touched.into_iter().collect();
        let mut mine = BTreeSet::new();
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let mut args = vec![Arg::Int(Some(program_id))];
            args.extend(chunk.iter().map(|i| Arg::Int(Some(*i))));
            for r in self
                .db()
                .fetch(
                    &format!(
                        "SELECT id FROM pairings WHERE program_id = $1 AND id IN ({})",
                        marks.join(", ")
                    ),
                    &args,
                    &[Kind::Int],
                )
                .await?
            {
                mine.extend(r[0].int());
            }
        }
        Ok(Stale::Pairings(mine))
    }
}
