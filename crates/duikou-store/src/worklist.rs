//! What a unit's editor has to do about confirmation: the facts of its pairings that wait for the receiving side
//! (a supporter's to follow, a receiver's to confirm) and those the receiving side disputed (a supporter's to
//! correct) — counted in one statement per confirmable entity, listed by the newest first.

use crate::db::{Arg, Kind};
use crate::{Result, Store};
use duikou_domain::schema;
use serde_json::Value;
use std::collections::BTreeSet;

/// Which side of their pairings the orgs are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The supporting side (`supporter_org_id`).
    Supporting,
    /// The receiving side (`receiver_org_id`).
    Receiving,
}

impl Side {
    fn column(self) -> &'static str {
        match self {
            Side::Supporting => "supporter_org_id",
            Side::Receiving => "receiver_org_id",
        }
    }
}

/// One fact of a worklist: its entity and the record.
#[derive(Debug, Clone)]
pub struct WorkItem {
    /// The entity's name (`activities`).
    pub entity: &'static str,
    /// The record as read.
    pub record: Value,
}

/// The condition and arguments selecting the facts in `state` of the pairings `orgs` are on `side` of.
fn condition(side: Side, orgs: &BTreeSet<i64>, state: &str) -> (String, Vec<Arg>) {
    let mut args = vec![Arg::Text(Some(state.to_string()))];
    let mut marks = Vec::with_capacity(orgs.len());
    for (i, o) in orgs.iter().enumerate() {
        marks.push(format!("${}", i + 2));
        args.push(Arg::Int(Some(*o)));
    }
    (
        format!(
            "confirmation = $1 AND pairing_id IN (SELECT id FROM pairings WHERE {} IN ({}))",
            side.column(),
            marks.join(", ")
        ),
        args,
    )
}

fn confirmable() -> impl Iterator<Item = &'static schema::EntityDef> {
    schema::ENTITIES
        .iter()
        .filter(|e| e.confirmable && e.field("pairing_id").is_some())
}

impl Store {
    /// How many facts of the pairings `orgs` are on `side` of have the confirmation `state` (`pending`,
    /// `disputed`, `confirmed`). No orgs, no facts.
    pub async fn confirmation_count(&self, side: Side, orgs: &BTreeSet<i64>, state: &str) -> Result<i64> {
        if orgs.is_empty() {
            return Ok(0);
        }
        let (cond, args) = condition(side, orgs, state);
        let mut n = 0;
        for e in confirmable() {
            let rows = self
                .db()
                .fetch(
                    &format!("SELECT COUNT(*) FROM {} WHERE {cond}", e.name),
                    &args,
                    &[Kind::Int],
                )
                .await?;
            n += rows.first().and_then(|r| r[0].int()).unwrap_or(0);
        }
        Ok(n)
    }

    /// The facts counted by [`Store::confirmation_count`], the most recently changed first, at most `limit`.
    pub async fn confirmation_items(
        &self,
        side: Side,
        orgs: &BTreeSet<i64>,
        state: &str,
        limit: usize,
    ) -> Result<Vec<WorkItem>> {
        if orgs.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let (cond, args) = condition(side, orgs, state);
        // (last change, id, entity): every entity's newest `limit`, then the newest `limit` of all, read in full
        let mut found: Vec<(Option<chrono::DateTime<chrono::Utc>>, i64, &'static str)> = Vec::new();
        for e in confirmable() {
            let rows = self
                .db()
                .fetch(
                    &format!(
                        "SELECT id, updated_at FROM {} WHERE {cond} ORDER BY updated_at DESC, id DESC LIMIT {limit}",
                        e.name
                    ),
                    &args,
                    &[Kind::Int, Kind::Ts],
                )
                .await?;
            found.extend(rows.iter().filter_map(|r| Some((r[1].ts(), r[0].int()?, e.name))));
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        found.truncate(limit);
        let mut out = Vec::with_capacity(found.len());
        for (_, id, entity) in found {
            out.push(WorkItem {
                entity,
                record: self.get(entity, id).await?,
            });
        }
        Ok(out)
    }
}
