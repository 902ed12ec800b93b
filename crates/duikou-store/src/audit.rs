//! The append-only audit log: events written in the same transaction as the change, chained by hash; each event
//! commits to the hash of its record's row as stored after the change and carries a MAC with the server's audit key,
//! so `verify` can compare every data table with the log and tell a log rewritten without the key.

use crate::audit_key::AuditKey;
use crate::db::{Arg, Db, Kind, Tx};
use crate::rows::{row_json, select_cols};
use crate::{Result, Store, StoreError};
use duikou_domain::access::Actor;
use duikou_domain::audit::{
    chain_hash, head_mac, mac_matches, row_hash, AuditContent, HeadMark, DELETED, GENESIS_HASH,
};
use duikou_domain::schema::{self, EntityDef};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

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
    key: Arc<AuditKey>,
    /// The sequence number the head held when the transaction began: a commit without events leaves the head alone.
    began_at: i64,
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
        let seq = row[0].int().unwrap_or(0);
        Ok(WriteTx {
            tx,
            actor: actor.clone(),
            next_seq: seq + 1,
            prev_hash: row[1].text().unwrap_or(GENESIS_HASH).to_string(),
            at: crate::now_rfc3339(),
            dirty: BTreeSet::new(),
            rebuild: false,
            key: store.audit_key.clone(),
            began_at: seq,
        })
    }

    /// Appends one audit event for a change made in this transaction. When `entity` is a data table and `entity_id`
    /// one of its rows, the event commits to that row as it now stands (read back here, so whatever `after` shows,
    /// the evidence is the stored row), or to its absence after a delete.
    pub async fn record(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: i64,
        before: Value,
        after: Value,
    ) -> Result<()> {
        self.mark_from(entity, entity_id, &before, &after).await?;
        let state = match schema::entity(entity) {
            Some(def) if entity_id > 0 => Some(
                self.row_hashes(def, &[entity_id])
                    .await?
                    .remove(&entity_id)
                    .unwrap_or_else(|| DELETED.to_string()),
            ),
            _ => None,
        };
        let row = self.chain(action, entity, entity_id, before, after, state);
        self.tx.insert_rows("audit_events", &EVENT_COLUMNS, &[row]).await?;
        Ok(())
    }

    /// The [`row_hash`] of each of `ids` of `def`'s table that exists, read in this transaction.
    async fn row_hashes(&mut self, def: &'static EntityDef, ids: &[i64]) -> Result<HashMap<i64, String>> {
        let (cols, kinds) = select_cols(def);
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let args: Vec<Arg> = chunk.iter().map(|i| Arg::Int(Some(*i))).collect();
            let rows = self
                .tx
                .fetch(
                    &format!("SELECT {cols} FROM {} WHERE id IN ({})", def.name, marks.join(", ")),
                    &args,
                    &kinds,
                )
                .await?;
            for r in rows {
                out.insert(r[0].int().unwrap_or(0), row_hash(def.name, &row_json(def, &r)));
            }
        }
        Ok(out)
    }

    /// Appends one `action` event, with no before or after, for every row of `def`'s table whose id is above
    /// `after_id`, each committing to its row as stored (loads written in bulk, and the rows of a log kept before
    /// rows were hashed). Reads the table in pages, so memory stays flat.
    pub async fn seal_rows(&mut self, action: &str, def: &'static EntityDef, after_id: i64) -> Result<u64> {
        let (cols, kinds) = select_cols(def);
        let sql = format!("SELECT {cols} FROM {} WHERE id > $1 ORDER BY id LIMIT 2000", def.name);
        let mut last = after_id;
        let mut n = 0;
        loop {
            let rows = self.tx.fetch(&sql, &[Arg::Int(Some(last))], &kinds).await?;
            let Some(end) = rows.last().and_then(|r| r[0].int()) else {
                break;
            };
            let mut events = Vec::with_capacity(rows.len());
            for r in &rows {
                let id = r[0].int().unwrap_or(0);
                let hash = row_hash(def.name, &row_json(def, r));
                events.push(self.chain(action, def.name, id, Value::Null, Value::Null, Some(hash)));
            }
            n += events.len() as u64;
            self.tx.insert_rows("audit_events", &EVENT_COLUMNS, &events).await?;
            last = end;
        }
        Ok(n)
    }

    /// The next event of the chain as a row of `audit_events`, with its MAC; moves the chain on.
    fn chain(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: i64,
        before: Value,
        after: Value,
        row_hash: Option<String>,
    ) -> Vec<Arg> {
        let content = AuditContent {
            seq: self.next_seq,
            at: self.at.clone(),
            user_id: self.actor.user_id,
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id,
            before,
            after,
            row_hash,
        };
        let hash = chain_hash(&self.prev_hash, &content);
        let mac = head_mac(self.key.bytes(), content.seq, &hash);
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
            Arg::Text(content.row_hash),
            Arg::Text(Some(mac)),
        ]
    }

    /// Appends one `action` event for each `(id, after)` of `entity`, chained as [`WriteTx::record`] chains them, written
    /// with multi-row statements (bulk imports).
    pub async fn record_many(&mut self, action: &str, entity: &str, created: Vec<(i64, Value)>) -> Result<()> {
        let mut rows = Vec::with_capacity(created.len());
        let feeds = crate::aggregates::FEEDS.contains(&entity);
        // the rows as stored, read back: the evidence must be what verify will read, not what was meant to be written
        let mut hashes = match schema::entity(entity) {
            Some(def) => {
                let ids: Vec<i64> = created.iter().map(|(id, _)| *id).collect();
                Some(self.row_hashes(def, &ids).await?)
            }
            None => None,
        };
        for (entity_id, after) in created {
            if feeds {
                self.dirty.extend(after.get("pairing_id").and_then(Value::as_i64));
            }
            let state = hashes
                .as_mut()
                .map(|h| h.remove(&entity_id).unwrap_or_else(|| DELETED.to_string()));
            rows.push(self.chain(action, entity, entity_id, Value::Null, after, state));
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

    /// Brings the aggregates of the touched pairings up to date, moves the audit head to the last event (with its
    /// MAC) and commits. A transaction that wrote no event leaves the head as it found it: signing the head it read
    /// would bless a head someone had rewritten.
    pub async fn commit(mut self) -> Result<()> {
        if self.rebuild {
            crate::aggregates::rebuild_all(&mut self.tx).await?;
        } else if !self.dirty.is_empty() {
            crate::aggregates::refresh(&mut self.tx, &self.dirty).await?;
        }
        let seq = self.next_seq - 1;
        if seq != self.began_at {
            self.tx
                .execute(
                    "UPDATE audit_head SET seq = $1, hash = $2, mac = $3 WHERE id = 1",
                    &[
                        Arg::Int(Some(seq)),
                        Arg::Text(Some(self.prev_hash.clone())),
                        Arg::Text(Some(head_mac(self.key.bytes(), seq, &self.prev_hash))),
                    ],
                )
                .await?;
        }
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
    /// The hash of the record's row after the event (`deleted` after a delete), if the event is about one row.
    pub row_hash: Option<String>,
    /// The event's MAC under the server's audit key.
    pub mac: Option<String>,
}

/// The columns of an audit event, in the order [`WriteTx`] writes them.
const EVENT_COLUMNS: [&str; 12] = [
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
    "row_hash",
    "mac",
];
const EVENT_COLS: &str =
    "seq, at, user_id, action, entity, entity_id, before_json, after_json, prev_hash, hash, row_hash, mac";
const EVENT_KINDS: [Kind; 12] = [
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
        row_hash: r[10].text().map(str::to_string),
        mac: r[11].text().map(str::to_string),
    }
}

/// At most this many problems are described one by one; the rest are counted.
const PROBLEMS_SHOWN: usize = 200;

/// Rows and events read per statement when verifying.
const PAGE: i64 = 2000;

/// The outcome of checking the log and the data tables against it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditVerification {
    /// Events checked.
    pub events: i64,
    /// Rows of the data tables checked.
    pub rows: i64,
    /// The first event whose hash or link is wrong, if any.
    pub first_broken: Option<i64>,
    /// Whether the head matches the last event and its MAC verifies.
    pub head_ok: bool,
    /// What is wrong, in Chinese, each naming the event or the table and row (the first [`PROBLEMS_SHOWN`]).
    pub problems: Vec<String>,
    /// How many problems were found in all.
    pub problem_count: i64,
}

impl AuditVerification {
    /// True when the chain, its MACs, the head and every data table agree.
    pub fn ok(&self) -> bool {
        self.problem_count == 0 && self.first_broken.is_none() && self.head_ok
    }

    fn problem(&mut self, message: String) {
        self.problem_count += 1;
        if self.problems.len() < PROBLEMS_SHOWN {
            self.problems.push(message);
        }
    }
}

/// Whether the audit head carries a MAC (the log has been signed with some key).
pub(crate) async fn head_is_signed(db: &Db) -> Result<bool> {
    Ok(db
        .fetch_opt("SELECT mac FROM audit_head WHERE id = 1", &[], &[Kind::Text])
        .await?
        .is_some_and(|r| r[0].text().is_some()))
}

/// Brings a log kept before rows were hashed and events signed (a database made by an earlier version) under the
/// evidence, once, when it is first opened with a key: signs its events and appends a `baseline` event for every row
/// of every data table. Changes made before this are taken as they stand; a log whose head is signed is left alone.
pub(crate) async fn seal_unsealed_rows(store: &Store) -> Result<()> {
    if head_is_signed(store.db()).await? || store.audit_head_seq().await? == 0 {
        return Ok(());
    }
    tracing::warn!("审计日志尚未签名（由旧版本写入）：正在签名并为现有记录建立基线，只需一次");
    let mut w = WriteTx::begin(store, &Actor::system()).await?;
    let mut last = 0;
    loop {
        let rows =
            w.tx.fetch(
                "SELECT seq, hash FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 5000",
                &[Arg::Int(Some(last))],
                &[Kind::Int, Kind::Text],
            )
            .await?;
        let Some(end) = rows.last().and_then(|r| r[0].int()) else {
            break;
        };
        for r in rows {
            let (seq, hash) = (r[0].int().unwrap_or(0), r[1].text().unwrap_or(""));
            w.tx.execute(
                "UPDATE audit_events SET mac = $1 WHERE seq = $2",
                &[Arg::Text(Some(head_mac(w.key.bytes(), seq, hash))), Arg::Int(Some(seq))],
            )
            .await?;
        }
        last = end;
    }
    for def in schema::ENTITIES {
        w.seal_rows("baseline", def, 0).await?;
    }
    w.commit().await
}

/// One side of the merge of a table with its last events: a buffer refilled a page at a time, in id order.
struct Pages<T> {
    buf: VecDeque<(i64, T)>,
    after: i64,
    done: bool,
}

impl<T> Pages<T> {
    fn new() -> Self {
        Pages {
            buf: VecDeque::new(),
            after: 0,
            done: false,
        }
    }

    fn fill(&mut self, page: Vec<(i64, T)>) {
        self.done = (page.len() as i64) < PAGE;
        if let Some((id, _)) = page.last() {
            self.after = *id;
        }
        self.buf.extend(page);
    }

    fn front_id(&self) -> Option<i64> {
        self.buf.front().map(|(id, _)| *id)
    }
}

/// A row as read for verifying: its hash and its JSON (to name the fields that differ).
struct RowSeen {
    hash: String,
    json: Value,
}

/// A row's last event: its position and the row hash it committed to.
struct LastEvent {
    seq: i64,
    row_hash: String,
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

    /// The audit head with its MAC, for the operator to keep outside the database (`duikou audit head`).
    pub async fn audit_head(&self) -> Result<HeadMark> {
        let r = self
            .db()
            .fetch_opt(
                "SELECT seq, hash, mac FROM audit_head WHERE id = 1",
                &[],
                &[Kind::Int, Kind::Text, Kind::Text],
            )
            .await?
            .ok_or_else(|| StoreError::Other("审计日志头缺失".into()))?;
        Ok(HeadMark {
            seq: r[0].int().unwrap_or(0),
            hash: r[1].text().unwrap_or(GENESIS_HASH).to_string(),
            mac: r[2].text().unwrap_or("").to_string(),
        })
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

    /// [`Store::audit_verify_against`] without an exported head.
    pub async fn audit_verify(&self) -> Result<AuditVerification> {
        self.audit_verify_against(None).await
    }

    /// Checks, in one consistent snapshot: every event's hash, link and MAC; the head and its MAC; that the chain
    /// still holds `expect` (a head exported earlier) at its position; and every row of every data table against its
    /// last event — its content, that it has events, that a deleted row is gone and a live one is there. Reads
    /// events and rows in pages, in order, so memory stays flat whatever the size.
    pub async fn audit_verify_against(&self, expect: Option<&HeadMark>) -> Result<AuditVerification> {
        let mut tx = self.db().begin().await?;
        if tx.backend() == crate::Backend::Postgres {
            // one snapshot for the whole check, so writes meanwhile are not taken for tampering
            tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", &[])
                .await?;
        }
        let mut v = AuditVerification {
            events: 0,
            rows: 0,
            first_broken: None,
            head_ok: false,
            problems: Vec::new(),
            problem_count: 0,
        };
        self.verify_chain(&mut tx, &mut v, expect).await?;
        for def in schema::ENTITIES {
            self.verify_table(&mut tx, &mut v, def).await?;
        }
        tx.rollback().await?;
        Ok(v)
    }

    /// The chain: links, hashes, MACs, the head, and the exported head if given.
    async fn verify_chain(&self, tx: &mut Tx, v: &mut AuditVerification, expect: Option<&HeadMark>) -> Result<()> {
        let key = self.audit_key.bytes();
        let mut prev = GENESIS_HASH.to_string();
        let mut last_seq = 0;
        let mut bad_macs = 0i64;
        let mut first_bad_mac = None;
        let mut expected_found = None;
        loop {
            let rows = tx
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
                v.events += 1;
                if e.seq != last_seq + 1 {
                    v.first_broken.get_or_insert(last_seq + 1);
                    v.problem(format!(
                        "审计日志第 {} 至 {} 条缺失：日志被删改过",
                        last_seq + 1,
                        e.seq - 1
                    ));
                }
                if e.prev_hash != prev {
                    v.first_broken.get_or_insert(e.seq);
                    v.problem(format!("审计日志第 {} 条与前一条的链接不符：日志被删改过", e.seq));
                }
                let content = AuditContent {
                    seq: e.seq,
                    at: e.at,
                    user_id: e.user_id,
                    action: e.action,
                    entity: e.entity,
                    entity_id: e.entity_id,
                    before: e.before,
                    after: e.after,
                    row_hash: e.row_hash,
                };
                if chain_hash(&e.prev_hash, &content) != e.hash {
                    v.first_broken.get_or_insert(e.seq);
                    v.problem(format!(
                        "审计日志第 {} 条（{} {} 第 {} 行）的内容与其哈希不符：该事件被修改过",
                        e.seq, content.action, content.entity, content.entity_id
                    ));
                }
                if !e.mac.as_deref().is_some_and(|m| mac_matches(key, e.seq, &e.hash, m)) {
                    bad_macs += 1;
                    first_bad_mac.get_or_insert(e.seq);
                }
                if expect.is_some_and(|x| x.seq == e.seq) {
                    expected_found = Some(e.hash.clone());
                }
                prev = e.hash;
                last_seq = e.seq;
            }
        }
        if let Some(first) = first_bad_mac {
            v.problem(format!(
                "审计日志自第 {first} 条起共 {bad_macs} 条事件的签名不符：日志可能被重写（或本机的审计密钥不是签名时所用的）"
            ));
        }
        let head = tx
            .fetch_opt(
                "SELECT seq, hash, mac FROM audit_head WHERE id = 1",
                &[],
                &[Kind::Int, Kind::Text, Kind::Text],
            )
            .await?;
        match head {
            None => v.problem("审计日志头缺失：日志可能被重写".into()),
            Some(h) => {
                let (seq, hash) = (h[0].int().unwrap_or(0), h[1].text().unwrap_or(""));
                let signed = match h[2].text() {
                    Some(mac) => mac_matches(key, seq, hash, mac),
                    // a log without events has never been signed
                    None => seq == 0 && v.events == 0,
                };
                if seq > last_seq {
                    v.problem(format!(
                        "审计日志头指向第 {seq} 条，但日志只有 {last_seq} 条：日志可能被截断"
                    ));
                } else if seq < last_seq {
                    v.problem(format!(
                        "审计日志头停在第 {seq} 条，但日志有 {last_seq} 条：日志头被改动过"
                    ));
                } else if hash != prev {
                    v.problem("审计日志头的哈希与最后一条事件不符：日志可能被重写".into());
                }
                if !signed {
                    v.problem("审计日志头的签名不符：日志可能被重写".into());
                }
                v.head_ok = seq == last_seq && hash == prev && signed;
            }
        }
        if let Some(x) = expect {
            if !mac_matches(key, x.seq, &x.hash, &x.mac) {
                v.problem(format!(
                    "导出的审计日志头（第 {} 条）的签名与本机审计密钥不符：导出的内容有误，或审计密钥已被更换",
                    x.seq
                ));
            }
            match expected_found {
                _ if x.seq == 0 => {}
                None => v.problem(format!(
                    "审计日志比已导出的日志头短：可能被截断（导出时有 {} 条，现在只有 {last_seq} 条）",
                    x.seq
                )),
                Some(h) if h != x.hash => {
                    v.problem(format!("审计日志第 {} 条与已导出的日志头不符：日志可能被重写", x.seq))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// One data table against the log: its rows and the last event of each row, merged in id order.
    async fn verify_table(&self, tx: &mut Tx, v: &mut AuditVerification, def: &'static EntityDef) -> Result<()> {
        let (cols, kinds) = select_cols(def);
        let rows_sql = format!("SELECT {cols} FROM {} WHERE id > $1 ORDER BY id LIMIT {PAGE}", def.name);
        let events_sql = format!(
            "SELECT e.entity_id, e.seq, e.row_hash FROM audit_events e JOIN \
             (SELECT entity_id, MAX(seq) AS last FROM audit_events WHERE entity = $1 AND entity_id > $2 \
              AND row_hash IS NOT NULL GROUP BY entity_id ORDER BY entity_id LIMIT {PAGE}) m ON e.seq = m.last \
             ORDER BY e.entity_id"
        );
        let mut rows: Pages<RowSeen> = Pages::new();
        let mut events: Pages<LastEvent> = Pages::new();
        let table = def.name;
        loop {
            if rows.buf.is_empty() && !rows.done {
                let page = tx.fetch(&rows_sql, &[Arg::Int(Some(rows.after))], &kinds).await?;
                rows.fill(
                    page.iter()
                        .map(|r| {
                            let json = row_json(def, r);
                            let hash = row_hash(table, &json);
                            (r[0].int().unwrap_or(0), RowSeen { hash, json })
                        })
                        .collect(),
                );
            }
            if events.buf.is_empty() && !events.done {
                let page = tx
                    .fetch(
                        &events_sql,
                        &[Arg::Text(Some(table.into())), Arg::Int(Some(events.after))],
                        &[Kind::Int, Kind::Int, Kind::Text],
                    )
                    .await?;
                events.fill(
                    page.iter()
                        .map(|r| {
                            let last = LastEvent {
                                seq: r[1].int().unwrap_or(0),
                                row_hash: r[2].text().unwrap_or("").to_string(),
                            };
                            (r[0].int().unwrap_or(0), last)
                        })
                        .collect(),
                );
            }
            match (rows.front_id(), events.front_id()) {
                (None, None) => break,
                (Some(r), e) if e.is_none_or(|e| r < e) => {
                    rows.buf.pop_front();
                    v.rows += 1;
                    v.problem(format!("{table} 第 {r} 行没有审计记录：可能绕过系统直接写入了数据库"));
                }
                (r, Some(e)) if r.is_none_or(|r| e < r) => {
                    let Some((_, last)) = events.buf.pop_front() else { break };
                    if last.row_hash != DELETED {
                        v.problem(format!(
                            "{table} 第 {e} 行已被删除，但审计日志中没有删除记录（最后一条事件为第 {} 条）",
                            last.seq
                        ));
                    }
                }
                _ => {
                    let (Some((id, row)), Some((_, last))) = (rows.buf.pop_front(), events.buf.pop_front()) else {
                        break;
                    };
                    v.rows += 1;
                    if last.row_hash == DELETED {
                        v.problem(format!(
                            "{table} 第 {id} 行在审计日志中已删除（第 {} 条事件），但仍在表中",
                            last.seq
                        ));
                    } else if last.row_hash != row.hash {
                        let what = self.differing_fields(tx, def, last.seq, &row.json).await?;
                        v.problem(format!(
                            "{table} 第 {id} 行的{what}与审计日志不符（最后一条事件为第 {} 条）",
                            last.seq
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The fields of `row` that differ from what event `seq` recorded after the change, as “金额（amount）”; “内容”
    /// when the event's after holds none of them (events that keep only the row's hash).
    async fn differing_fields(&self, tx: &mut Tx, def: &EntityDef, seq: i64, row: &Value) -> Result<String> {
        let after = tx
            .fetch_opt(
                "SELECT after_json FROM audit_events WHERE seq = $1",
                &[Arg::Int(Some(seq))],
                &[Kind::Json],
            )
            .await?
            .and_then(|r| r[0].json().cloned())
            .unwrap_or(Value::Null);
        let mut named = Vec::new();
        let system = [
            ("version", "版本"),
            ("created_at", "创建时间"),
            ("updated_at", "修改时间"),
        ];
        let fields = crate::rows::columns(def);
        let labelled = fields.iter().map(|f| (f.name, f.label)).chain(system.iter().copied());
        for (name, label) in labelled {
            if let Some(was) = after.get(name) {
                if row.get(name) != Some(was) {
                    named.push(format!("{label}（{name}）"));
                }
            }
        }
        Ok(if named.is_empty() {
            "内容".to_string()
        } else {
            named.join("、")
        })
    }
}

/// Fills the aggregates of a database that has records but no aggregates yet (one migrated from before them).
/// Runs under the audit-head lock like every write, so two servers starting at once rebuild one after the other.
pub(crate) async fn rebuild_aggregates_if_missing(store: &Store) -> Result<()> {
    let mut probe = store.db().begin().await?;
    let needed = crate::aggregates::missing(&mut probe).await?;
    probe.rollback().await?;
    if !needed {
        return Ok(());
    }
    let mut w = WriteTx::begin(store, &duikou_domain::access::Actor::system()).await?;
    if crate::aggregates::missing(&mut w.tx).await? {
        w.rebuild_aggregates();
        w.commit().await?;
    } else {
        w.tx.rollback().await?;
    }
    Ok(())
}
