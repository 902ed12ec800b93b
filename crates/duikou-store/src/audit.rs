//! The append-only audit log: events written in the same transaction as the change, chained by hash.

use crate::db::{Arg, Kind, Tx};
use crate::{Result, Store, StoreError};
use duikou_domain::access::Actor;
use duikou_domain::audit::{chain_hash, AuditContent, GENESIS_HASH};
use serde_json::Value;
use std::collections::BTreeSet;

/// A write transaction that holds the audit head: every writer queues on that one row, so the chain never forks.
pub struct WriteTx {
    /// The transaction.
    pub tx: Tx,
    /// Who writes.
    pub actor: Actor,
    next_seq: i64,
    prev_hash: String,
    at: String,
    /// Pairings whose aggregates this transaction's writes changed, refreshed before commit.
    dirty: BTreeSet<i64>,
    rebuild: bool,
}

impl WriteTx {
    /// Begins a write transaction for `actor`, locking the audit head first.
    pub async fn begin(store: &Store, actor: &Actor) -> Result<WriteTx> {
        let mut tx = store.db().begin().await?;
        let row = tx
            .fetch_opt(
                "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash",
                &[],
                &[Kind::Int, Kind::Text],
            )
            .await?
            .ok_or_else(|| StoreError::Other("审计日志头缺失".into()))?;
        Ok(WriteTx {
            tx,
            actor: actor.clone(),
            next_seq: row[0].int().unwrap_or(0) + 1,
            prev_hash: row[1].text().unwrap_or(GENESIS_HASH).to_string(),
            at: crate::now_rfc3339(),
            dirty: BTreeSet::new(),
            rebuild: false,
        })
    }

    /// Appends one audit event for a change made in this transaction.
    pub async fn record(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: i64,
        before: Value,
        after: Value,
    ) -> Result<()> {
        self.mark_from(entity, entity_id, &before, &after).await?;
        let row = self.chain(action, entity, entity_id, before, after);
        self.tx.insert_rows("audit_events", &EVENT_COLUMNS, &[row]).await?;
        Ok(())
    }

    /// The next event of the chain as a row of `audit_events`; moves the chain on.
    fn chain(&mut self, action: &str, entity: &str, entity_id: i64, before: Value, after: Value) -> Vec<Arg> {
        let content = AuditContent {
            seq: self.next_seq,
            at: self.at.clone(),
            user_id: self.actor.user_id,
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id,
            before,
            after,
        };
        let hash = chain_hash(&self.prev_hash, &content);
        self.next_seq += 1;
        vec![
            Arg::Int(Some(content.seq)),
            Arg::Text(Some(content.at)),
            Arg::Int(Some(content.user_id)),
            Arg::Text(Some(content.action)),
            Arg::Text(Some(content.entity)),
            Arg::Int(Some(entity_id)),
            Arg::Json((!content.before.is_null()).then_some(content.before)),
            Arg::Json((!content.after.is_null()).then_some(content.after)),
            Arg::Text(Some(std::mem::replace(&mut self.prev_hash, hash.clone()))),
            Arg::Text(Some(hash)),
        ]
    }

    /// Appends one `action` event for each `(id, after)` of `entity`, chained as [`WriteTx::record`] chains them, written
    /// with multi-row statements (bulk imports).
    pub async fn record_many(&mut self, action: &str, entity: &str, created: Vec<(i64, Value)>) -> Result<()> {
        let mut rows = Vec::with_capacity(created.len());
        let feeds = crate::aggregates::FEEDS.contains(&entity);
        for (entity_id, after) in created {
            if feeds {
                self.dirty.extend(after.get("pairing_id").and_then(Value::as_i64));
            }
            rows.push(self.chain(action, entity, entity_id, Value::Null, after));
        }
        self.tx.insert_rows("audit_events", &EVENT_COLUMNS, &rows).await?;
        Ok(())
    }

    /// Marks a pairing's aggregates for refresh at commit (for writes that bypass [`WriteTx::record`]).
    pub fn mark_dirty(&mut self, pairing: i64) {
        self.dirty.insert(pairing);
    }

    /// Makes [`WriteTx::commit`] rebuild every aggregate from the base tables instead of refreshing the touched
    /// pairings (bulk loads).
    pub fn rebuild_aggregates(&mut self) {
        self.rebuild = true;
    }

    /// The pairings whose aggregates a recorded change touches: the record's pairing before and after, a pairing
    /// itself, the pairings of a project's transactions, the pairings an org receives in when its region changes.
    async fn mark_from(&mut self, entity: &str, id: i64, before: &Value, after: &Value) -> Result<()> {
        if !crate::aggregates::FEEDS.contains(&entity) {
            return Ok(());
        }
        for v in [before, after] {
            if let Some(p) = v.get("pairing_id").and_then(Value::as_i64) {
                self.dirty.insert(p);
            }
        }
        let query = match entity {
            "pairings" => {
                self.dirty.insert(id);
                None
            }
            "projects" if !before.is_null() && !after.is_null() => {
                Some("SELECT DISTINCT pairing_id FROM transactions WHERE project_id = $1 AND pairing_id IS NOT NULL")
            }
            "orgs" if !before.is_null() && before.get("region_code") != after.get("region_code") => {
                Some("SELECT id FROM pairings WHERE receiver_org_id = $1")
            }
            _ => None,
        };
        if let Some(sql) = query {
            for r in self.tx.fetch(sql, &[Arg::Int(Some(id))], &[Kind::Int]).await? {
                self.dirty.extend(r[0].int());
            }
        }
        Ok(())
    }

    /// Brings the aggregates of the touched pairings up to date, moves the audit head to the last event and commits.
    pub async fn commit(mut self) -> Result<()> {
        if self.rebuild {
            crate::aggregates::rebuild_all(&mut self.tx).await?;
        } else if !self.dirty.is_empty() {
            crate::aggregates::refresh(&mut self.tx, &self.dirty).await?;
        }
        self.tx
            .execute(
                "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
                &[
                    Arg::Int(Some(self.next_seq - 1)),
                    Arg::Text(Some(self.prev_hash.clone())),
                ],
            )
            .await?;
        self.tx.commit().await?;
        Ok(())
    }
}

/// One audit event as read back.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEvent {
    /// Position in the chain.
    pub seq: i64,
    /// When.
    pub at: String,
    /// Who.
    pub user_id: i64,
    /// What was done.
    pub action: String,
    /// To which entity.
    pub entity: String,
    /// To which record.
    pub entity_id: i64,
    /// Before.
    pub before: Value,
    /// After.
    pub after: Value,
    /// The previous event's hash.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// The columns of an audit event, in the order [`WriteTx`] writes them.
const EVENT_COLUMNS: [&str; 10] = [
    "seq",
    "at",
    "user_id",
    "action",
    "entity",
    "entity_id",
    "before_json",
    "after_json",
    "prev_hash",
    "hash",
];
const EVENT_COLS: &str = "seq, at, user_id, action, entity, entity_id, before_json, after_json, prev_hash, hash";
const EVENT_KINDS: [Kind; 10] = [
    Kind::Int,
    Kind::Text,
    Kind::Int,
    Kind::Text,
    Kind::Text,
    Kind::Int,
    Kind::Json,
    Kind::Json,
    Kind::Text,
    Kind::Text,
];

fn event(r: Vec<crate::db::Val>) -> AuditEvent {
    AuditEvent {
        seq: r[0].int().unwrap_or(0),
        at: r[1].text().unwrap_or("").to_string(),
        user_id: r[2].int().unwrap_or(0),
        action: r[3].text().unwrap_or("").to_string(),
        entity: r[4].text().unwrap_or("").to_string(),
        entity_id: r[5].int().unwrap_or(0),
        before: r[6].json().cloned().unwrap_or(Value::Null),
        after: r[7].json().cloned().unwrap_or(Value::Null),
        prev_hash: r[8].text().unwrap_or("").to_string(),
        hash: r[9].text().unwrap_or("").to_string(),
    }
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditVerification {
    /// Events checked.
    pub events: i64,
    /// The first event whose hash or link is wrong, if any.
    pub first_broken: Option<i64>,
    /// Whether the head matches the last event.
    pub head_ok: bool,
}

impl AuditVerification {
    /// True when every link and the head are right.
    pub fn ok(&self) -> bool {
        self.first_broken.is_none() && self.head_ok
    }
}

impl Store {
    /// The sequence number of the last audit event: every write moves it, so what was made at one head is current
    /// while the head stays.
    pub async fn audit_head_seq(&self) -> Result<i64> {
        Ok(self
            .db()
            .look_up_opt("SELECT seq FROM audit_head WHERE id = 1", &[], &[Kind::Int])
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0))
    }

    /// The events about one record, oldest first.
    pub async fn audit_for(&self, entity: &str, entity_id: i64) -> Result<Vec<AuditEvent>> {
        let rows = self
            .db()
            .fetch(
                &format!("SELECT {EVENT_COLS} FROM audit_events WHERE entity = $1 AND entity_id = $2 ORDER BY seq"),
                &[Arg::Text(Some(entity.into())), Arg::Int(Some(entity_id))],
                &EVENT_KINDS,
            )
            .await?;
        Ok(rows.into_iter().map(event).collect())
    }

    /// The newest events, newest first.
    pub async fn audit_recent(&self, limit: i64) -> Result<Vec<AuditEvent>> {
        let rows = self
            .db()
            .fetch(
                &format!("SELECT {EVENT_COLS} FROM audit_events ORDER BY seq DESC LIMIT $1"),
                &[Arg::Int(Some(limit))],
                &EVENT_KINDS,
            )
            .await?;
        Ok(rows.into_iter().map(event).collect())
    }

    /// Recomputes every hash of the chain, in pages, and compares the head.
    pub async fn audit_verify(&self) -> Result<AuditVerification> {
        let mut prev = GENESIS_HASH.to_string();
        let mut last_seq = 0;
        let mut count = 0;
        let mut first_broken = None;
        loop {
            let rows = self
                .db()
                .fetch(
                    &format!("SELECT {EVENT_COLS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 5000"),
                    &[Arg::Int(Some(last_seq))],
                    &EVENT_KINDS,
                )
                .await?;
            if rows.is_empty() {
                break;
            }
            for r in rows {
                let e = event(r);
                count += 1;
                let content = AuditContent {
                    seq: e.seq,
                    at: e.at.clone(),
                    user_id: e.user_id,
                    action: e.action.clone(),
                    entity: e.entity.clone(),
                    entity_id: e.entity_id,
                    before: e.before.clone(),
                    after: e.after.clone(),
                };
                if first_broken.is_none()
                    && (e.seq != last_seq + 1 || e.prev_hash != prev || chain_hash(&prev, &content) != e.hash)
                {
                    first_broken = Some(e.seq);
                }
                prev = e.hash;
                last_seq = e.seq;
            }
        }
        let head = self
            .db()
            .fetch_opt(
                "SELECT seq, hash FROM audit_head WHERE id = 1",
                &[],
                &[Kind::Int, Kind::Text],
            )
            .await?;
        let head_ok = head.is_some_and(|h| h[0].int() == Some(last_seq) && h[1].text() == Some(prev.as_str()));
        Ok(AuditVerification {
            events: count,
            first_broken,
            head_ok,
        })
    }
}
