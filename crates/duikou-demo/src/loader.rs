//! The loader every seed module writes through: one write transaction, a count of records written, org lookup by
//! name, region codes checked against the shipped tree, and the other side's confirmations applied at the end.

use chrono::Utc;
use duikou_domain::schema;
use duikou_store::audit::WriteTx;
use duikou_store::db::Arg;
use duikou_store::{Result, Store, StoreError};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// What the other side said about a fact, applied after every record is written.
#[derive(Debug, Clone)]
enum Verdict {
    Confirmed,
    Disputed(String),
}

/// A confirmable fact waiting for its verdict.
#[derive(Debug, Clone)]
struct Queued {
    entity: &'static str,
    id: i64,
    pairing_id: Option<i64>,
    verdict: Verdict,
}

/// The demo loader's state: the open transaction and what the modules need to find again.
pub(crate) struct Demo {
    /// The one transaction the whole demo is written in.
    pub(crate) w: WriteTx,
    written: usize,
    regions: BTreeSet<String>,
    ids: BTreeMap<String, i64>,
    receivers: BTreeMap<i64, i64>,
    queue: Vec<Queued>,
    /// Every activity written, by title: counts and goods are hung on them afterwards.
    activities: Vec<(String, i64)>,
}

/// Where the demo's indicator values come from.
const SOURCE: &str = "对口支援工作总结精选（九篇）";

/// Builds the error a module returns when it names a record it never created (a programming slip, caught by the tests).
fn missing(what: &str, name: &str) -> StoreError {
    StoreError::Other(format!("示例数据内部错误：找不到{what}“{name}”"))
}

impl Demo {
    /// Opens the transaction as the system actor.
    pub(crate) async fn begin(store: &Store) -> Result<Demo> {
        let w = WriteTx::begin(store, &duikou_domain::access::Actor::system()).await?;
        // Region fields are optional: a code the shipped tree lacks is left out rather than failing the whole load.
        let regions = duikou_store::regions::shipped_regions()
            .into_iter()
            .map(|r| r.code)
            .collect();
        Ok(Demo {
            w,
            written: 0,
            regions,
            ids: BTreeMap::new(),
            receivers: BTreeMap::new(),
            queue: Vec::new(),
            activities: Vec::new(),
        })
    }

    /// The region code as a JSON value, or null when the shipped tree does not have it.
    /// A town's nine-digit code is loaded with its county's towns when the first record names it.
    pub(crate) fn region(&self, code: &str) -> Value {
        if self.regions.contains(code) || duikou_store::regions::shipped_town(code).is_some() {
            Value::from(code)
        } else {
            Value::Null
        }
    }

    /// Creates one record and returns it as stored. Errors name the entity and the record's title so a bad seed row is
    /// easy to find.
    pub(crate) async fn create(&mut self, entity: &'static str, input: Value) -> Result<Value> {
        let input = strip_nulls(input);
        let rec = Store::create_in(&mut self.w, entity, &input).await.map_err(|e| {
            let title = ["name", "title", "post", "period", "start_date"]
                .iter()
                .find_map(|k| input.get(*k).and_then(Value::as_str))
                .unwrap_or("");
            StoreError::Other(format!("示例数据写入失败（{entity}：{title}）：{e}"))
        })?;
        self.written += 1;
        if entity == "pairings" {
            if let (Some(id), Some(r)) = (rec["id"].as_i64(), rec["receiver_org_id"].as_i64()) {
                self.receivers.insert(id, r);
            }
        }
        if entity == "activities" {
            if let (Some(id), Some(t)) = (rec["id"].as_i64(), rec["title"].as_str()) {
                self.activities.push((t.to_string(), id));
            }
        }
        Ok(rec)
    }

    /// Creates one record and returns its id.
    pub(crate) async fn add(&mut self, entity: &'static str, input: Value) -> Result<i64> {
        let rec = self.create(entity, input).await?;
        rec["id"]
            .as_i64()
            .ok_or_else(|| StoreError::Other(format!("{entity} 写入后没有编号")))
    }

    /// Creates a fact the other side has confirmed.
    pub(crate) async fn fact(&mut self, entity: &'static str, input: Value) -> Result<i64> {
        self.judged(entity, input, Verdict::Confirmed).await
    }

    /// Creates a fact the other side has disputed, with its reason.
    pub(crate) async fn disputed(&mut self, entity: &'static str, input: Value, reason: &str) -> Result<i64> {
        self.judged(entity, input, Verdict::Disputed(reason.to_string())).await
    }

    async fn judged(&mut self, entity: &'static str, input: Value, verdict: Verdict) -> Result<i64> {
        let rec = self.create(entity, input).await?;
        let id = rec["id"]
            .as_i64()
            .ok_or_else(|| StoreError::Other(format!("{entity} 写入后没有编号")))?;
        if schema::entity(entity).is_some_and(|d| d.confirmable) {
            self.queue.push(Queued {
                entity,
                id,
                pairing_id: rec["pairing_id"].as_i64(),
                verdict,
            });
        }
        Ok(id)
    }

    /// The activities whose title holds `part`: exactly `n` of them, or the demo is wrong.
    pub(crate) fn activities_titled(&self, part: &str, n: usize) -> Result<Vec<i64>> {
        let found: Vec<i64> = self
            .activities
            .iter()
            .filter(|(t, _)| t.contains(part))
            .map(|(_, id)| *id)
            .collect();
        if found.len() == n {
            Ok(found)
        } else {
            Err(missing(&format!("{n} 项活动"), part))
        }
    }

    /// Creates an org and remembers it by name.
    pub(crate) async fn org(&mut self, name: &str, kind: &str, region: &str, extra: Value) -> Result<i64> {
        let mut input = json!({"name": name, "kind": kind, "region_code": self.region(region)});
        if let (Some(obj), Value::Object(more)) = (input.as_object_mut(), extra) {
            obj.extend(more);
        }
        let id = self.add("orgs", input).await?;
        self.remember(name, id);
        Ok(id)
    }

    /// Remembers a record's id under a key (an org's name, `指标:gdp_growth`, `计划:对口援疆`).
    pub(crate) fn remember(&mut self, key: &str, id: i64) {
        self.ids.insert(key.to_string(), id);
    }

    /// The id remembered under `key` (an org by its name).
    pub(crate) fn id(&self, key: &str) -> Result<i64> {
        self.ids.get(key).copied().ok_or_else(|| missing("记录", key))
    }

    /// Defines an indicator and remembers it as `指标:<code>`.
    pub(crate) async fn indicator(
        &mut self,
        code: &str,
        name: &str,
        unit: &str,
        aggregation: &str,
        description: &str,
    ) -> Result<i64> {
        let id = self
            .add(
                "indicators",
                json!({"code": code, "name": name, "unit": unit, "aggregation": aggregation, "description": description}),
            )
            .await?;
        self.remember(&format!("指标:{code}"), id);
        Ok(id)
    }

    /// Records one value of an indicator for a region, citing the seed (`第4篇`); skipped when the region is not in the shipped tree, because a
    /// value must name a region or an org.
    pub(crate) async fn value(
        &mut self,
        seed: &str,
        code: &str,
        region: &str,
        period: &str,
        value: &str,
        note: &str,
    ) -> Result<()> {
        self.value_as(seed, code, region, (period, None), value, note).await
    }

    /// [`Demo::value`] with how the period is meant when the seed leaves it open (`since`, `peak`, `about` …:
    /// `schema::PERIOD_BASES`).
    pub(crate) async fn value_as(
        &mut self,
        seed: &str,
        code: &str,
        region: &str,
        (period, basis): (&str, Option<&str>),
        value: &str,
        note: &str,
    ) -> Result<()> {
        let region = self.region(region);
        if region.is_null() {
            return Ok(());
        }
        let indicator = self.id(&format!("指标:{code}"))?;
        let note = (!note.is_empty()).then_some(note);
        self.add(
            "indicator_values",
            json!({"indicator_id": indicator, "region_code": region, "period": period, "period_basis": basis,
                   "value": value, "source": format!("{SOURCE}·{seed}"), "note": note}),
        )
        .await?;
        Ok(())
    }

    /// Applies the queued confirmations and disputes as the receiving side's demo account would have made them, each
    /// with its audit event, then commits. `receiver_users` maps a receiving org to the user who confirms for it.
    pub(crate) async fn finish(mut self, receiver_users: &BTreeMap<i64, i64>) -> Result<usize> {
        let queue = std::mem::take(&mut self.queue);
        for q in queue {
            let by = q
                .pairing_id
                .and_then(|p| self.receivers.get(&p))
                .and_then(|org| receiver_users.get(org))
                .copied();
            let (state, action, reason) = match &q.verdict {
                Verdict::Confirmed => ("confirmed", "confirm", None),
                Verdict::Disputed(r) => ("disputed", "dispute", Some(r.clone())),
            };
            let at = duikou_store::now_rfc3339();
            self.w
                .tx
                .execute(
                    &format!(
                        "UPDATE {} SET confirmation = $1, confirmed_by = $2, confirmed_at = $3, dispute_reason = $4, \
                         version = version + 1, updated_at = $5 WHERE id = $6",
                        q.entity
                    ),
                    &[
                        Arg::Text(Some(state.into())),
                        Arg::Int(by),
                        Arg::Text(Some(at.clone())),
                        Arg::Text(reason.clone()),
                        Arg::Ts(Some(Utc::now())),
                        Arg::Int(Some(q.id)),
                    ],
                )
                .await?;
            // Every change is an audit event, even in demo data, so the record shows who confirmed what.
            self.w
                .record(
                    action,
                    q.entity,
                    q.id,
                    json!({"confirmation": "pending"}),
                    json!({"confirmation": state, "confirmed_by": by, "confirmed_at": at, "dispute_reason": reason}),
                )
                .await?;
        }
        let n = self.written;
        self.w.commit().await?;
        Ok(n)
    }

    /// Counts a record written outside [`Demo::create`] (users).
    pub(crate) fn count_one(&mut self) {
        self.written += 1;
    }
}

/// Drops null and empty-text members so optional fields left unknown are simply absent.
fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}
