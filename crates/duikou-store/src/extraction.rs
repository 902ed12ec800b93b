//! Old summaries read back in: the quantified facts of an uploaded document proposed as draft records of the right
//! type for one pairing and period; a person accepts (possibly edited), or drops each. Nothing enters the record
//! unreviewed: a draft becomes a record only on accept, through the same validation and permissions as any write.

use crate::audit::WriteTx;
use crate::db::{Arg, Kind};
use crate::{Result, Store, StoreError};
use chrono::{NaiveDate, Utc};
use duikou_domain::access::{self, Actor, Target};
use duikou_domain::schema::Owner;
use duikou_domain::{Calendar, Period};
use duikou_text::{Fact, Kind as FactKind};
use serde_json::{json, Value};

/// The record a fact suggests: (target, draft). `None` when no record type fits (the fact is listed for review only).
pub fn draft_for(fact: &Fact, start: NaiveDate, receiver_org: i64, period: &str) -> Option<(&'static str, Value)> {
    let value = fact.value.as_ref()?.to_string();
    let int = value.parse::<i64>().ok();
    let m = fact.measure.as_str();
    let title = if m.trim().is_empty() {
        fact.quote.clone()
    } else {
        m.to_string()
    };
    let has = |words: &[&str]| words.iter().any(|w| m.contains(w));
    let date = start.to_string();
    let activity =
        |kind: &str, field: &str, n: i64| json!({"kind": kind, "title": title, "start_date": date, field: n});
    match (fact.kind, fact.unit.as_str()) {
        (_, "课时") => int.map(|n| ("activities", activity("teaching", "hours", n))),
        (_, "门次" | "门") => int.map(|n| ("activities", activity("teaching", "courses", n))),
        (_, "人次" | "万人次") => {
            let kind = if has(&["互访", "来访", "考察", "回访", "交流"]) {
                "visit"
            } else {
                "training"
            };
            int.map(|n| ("activities", activity(kind, "person_times", n)))
        }
        (_, "场" | "场次") => {
            let kind = if has(&["报告", "讲座", "学术"]) {
                "lecture"
            } else {
                "event"
            };
            int.map(|n| ("activities", activity(kind, "sessions", n)))
        }
        (_, "台" | "套" | "件") => int.map(|n| ("activities", activity("donation", "items", n))),
        (FactKind::Money, _) => Some((
            "projects",
            json!({"name": title, "category": "other", "total_investment": value}),
        )),
        (FactKind::Count, "名" | "人" | "位") => {
            let role = if has(&["教师", "老师", "支教", "援教"]) {
                "teacher"
            } else if has(&["干部", "挂职"]) {
                "cadre"
            } else if has(&["医", "护"]) {
                "doctor"
            } else if has(&["专家"]) {
                "expert"
            } else if has(&["管理"]) {
                "manager"
            } else {
                return None;
            };
            int.filter(|n| (1..=500).contains(n)).map(|n| {
                (
                    "dispatches_count",
                    json!({"role": role, "count": n, "start_date": date, "label": title}),
                )
            })
        }
        (FactKind::Percent, _) => Some((
            "indicator_values",
            json!({"indicator_code": format!("extracted:{title}"), "indicator_name": title, "unit": "%",
                   "org_id": receiver_org, "period": period, "value": value}),
        )),
        _ => None,
    }
}

impl Store {
    async fn may_review(&self, actor: &Actor, pairing: i64) -> Result<()> {
        let mut tx = self.db().begin().await?;
        let sides = Self::sides(&mut tx, pairing).await?;
        tx.rollback().await?;
        access::may_write(
            actor,
            Owner::Shared,
            "文档抽取",
            &Target {
                sides: Some(sides),
                ..Default::default()
            },
        )?;
        Ok(())
    }

    /// Reads a document's figures and proposes them as drafts for `pairing` and `period` (replacing earlier pending
    /// proposals of the same document and pairing). Returns the proposals.
    pub async fn propose_from_document(
        &self,
        actor: &Actor,
        document: i64,
        pairing: i64,
        period: &str,
    ) -> Result<Vec<Value>> {
        let p: Period = period.parse().map_err(|e: duikou_domain::PeriodParseError| {
            StoreError::invalid("period", "period", format!("期间（period）：{e}"))
        })?;
        let doc = self.get("documents", document).await?;
        let pairing_rec = self.get("pairings", pairing).await?;
        self.may_review(actor, pairing).await?;
        let program = self
            .get("programs", pairing_rec["program_id"].as_i64().unwrap_or(0))
            .await?;
        let calendar: Calendar = serde_json::from_value(program["calendar"].clone()).unwrap_or_default();
        let term = match (
            duikou_domain::date::first_day(&pairing_rec["start_date"]),
            duikou_domain::date::last_day(&pairing_rec["end_date"]),
        ) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        };
        let (start, _) = p
            .bounds(&calendar, term)
            .ok_or_else(|| StoreError::invalid("period", "period", "结对没有起止日期，不能用 term，请给出具体期间"))?;
        let text = doc["text"].as_str().filter(|t| !t.is_empty()).ok_or_else(|| {
            StoreError::conflict(
                "no_text",
                "该文档没有可读的文本（请先上传 .txt 或 .docx 文件）",
                Some("document_id"),
            )
        })?;
        let facts = duikou_text::extract(text);
        let receiver = pairing_rec["receiver_org_id"].as_i64().unwrap_or(0);
        let mut w = WriteTx::begin(self, actor).await?;
        // the pending proposals replaced, each deleted with its own event so the log accounts for every row
        let replaced =
            w.tx.fetch(
                "SELECT id FROM extractions WHERE document_id = $1 AND pairing_id = $2 AND status = 'pending' ORDER BY id",
                &[Arg::Int(Some(document)), Arg::Int(Some(pairing))],
                &[Kind::Int],
            )
            .await?;
        w.tx.execute(
            "DELETE FROM extractions WHERE document_id = $1 AND pairing_id = $2 AND status = 'pending'",
            &[Arg::Int(Some(document)), Arg::Int(Some(pairing))],
        )
        .await?;
        for r in replaced {
            w.record(
                "delete",
                "extractions",
                r[0].int().unwrap_or(0),
                Value::Null,
                Value::Null,
            )
            .await?;
        }
        let now = Utc::now();
        let mut ids = Vec::new();
        for f in &facts {
            let (target, draft) = match draft_for(f, start, receiver, &p.to_string()) {
                Some((t, d)) => (Some(t), Some(d)),
                None => (None, None),
            };
            let id = w
                .tx
                .fetch_opt(
                    "INSERT INTO extractions (version, created_at, updated_at, document_id, pairing_id, period, quote, start, value, unit, measure, kind, target, draft, status) \
                     VALUES (1, $1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending') RETURNING id",
                    &[
                        Arg::Ts(Some(now)),
                        Arg::Int(Some(document)),
                        Arg::Int(Some(pairing)),
                        Arg::Text(Some(p.to_string())),
                        Arg::Text(Some(f.quote.clone())),
                        Arg::Int(Some(f.start as i64)),
                        Arg::Text(f.value.as_ref().map(|v| v.to_string())),
                        Arg::Text(Some(f.unit.clone())),
                        Arg::Text(Some(f.measure.clone())),
                        Arg::Text(serde_json::to_value(f.kind).ok().and_then(|k| k.as_str().map(str::to_string))),
                        Arg::Text(target.map(str::to_string)),
                        Arg::Json(draft),
                    ],
                    &[Kind::Int],
                )
                .await?
                .and_then(|r| r[0].int())
                .unwrap_or(0);
            ids.push(id);
        }
        w.record_many(
            "create",
            "extractions",
            ids.iter().map(|id| (*id, Value::Null)).collect(),
        )
        .await?;
        w.record(
            "extract",
            "documents",
            document,
            Value::Null,
            json!({"pairing_id": pairing, "period": p.to_string(), "facts": ids.len()}),
        )
        .await?;
        w.commit().await?;
        let mut out = Vec::new();
        for id in ids {
            out.push(self.get("extractions", id).await?);
        }
        Ok(out)
    }

    /// Accepts a proposal (with an edited draft and target if given): the record is created as `actor`, through the
    /// usual validation and permissions, and the proposal remembers it. `drop` instead sets it aside.
    pub async fn decide_extraction(
        &self,
        actor: &Actor,
        id: i64,
        accept: bool,
        edited: Option<(&str, &Value)>,
    ) -> Result<Value> {
        let before = self.get("extractions", id).await?;
        if before["status"] != "pending" {
            return Err(StoreError::conflict("decided", "该条已审核过", Some("status")));
        }
        let pairing = before["pairing_id"].as_i64().unwrap_or(0);
        self.may_review(actor, pairing).await?;
        let mut w = WriteTx::begin(self, actor).await?;
        let mut record_id = None;
        if accept {
            let (target, draft) = match edited {
                Some((t, d)) => (t.to_string(), d.clone()),
                None => (
                    before["target"].as_str().unwrap_or("").to_string(),
                    before["draft"].clone(),
                ),
            };
            let Some(draft) = draft.as_object().cloned() else {
                return Err(StoreError::invalid(
                    "draft",
                    "required",
                    "这条事实没有建议的记录，请给出 target 和 draft 后再采纳，或舍弃",
                ));
            };
            record_id = Some(match target.as_str() {
                "activities" | "projects" | "needs" | "notes" => {
                    let mut d = draft;
                    d.insert("pairing_id".into(), Value::from(pairing));
                    Self::create_in(&mut w, &target, &Value::Object(d)).await?["id"].as_i64().unwrap_or(0)
                }
                "dispatches_count" => {
                    let n = draft.get("count").and_then(Value::as_i64).filter(|n| (1..=500).contains(n)).ok_or_else(|| {
                        StoreError::invalid("draft.count", "range", "人数（draft.count）应为 1–500 的整数")
                    })?;
                    let role = draft.get("role").and_then(Value::as_str).unwrap_or("teacher");
                    let label = draft.get("label").and_then(Value::as_str).unwrap_or("援派人员");
                    let doc = before["document_id"].as_i64().unwrap_or(0);
                    // sent by the supporting side (the dispatch's default direction), so that is their home org:
                    // people are kept by the editors of their home org
                    let home = Self::sides(&mut w.tx, pairing).await?.supporter;
                    let mut first = 0;
                    for i in 1..=n {
                        let person = Self::create_in(
                            &mut w,
                            "people",
                            &json!({"name": format!("{label}{i}（据文档{doc}）"), "home_org_id": home, "note": before["quote"]}),
                        )
                        .await?;
                        let d = Self::create_in(
                            &mut w,
                            "dispatches",
                            &json!({"pairing_id": pairing, "person_id": person["id"], "role": role, "start_date": draft.get("start_date"),
                                    "batch": draft.get("batch"), "note": format!("由文档{doc}中“{}”生成", before["quote"].as_str().unwrap_or(""))}),
                        )
                        .await?;
                        if first == 0 {
                            first = d["id"].as_i64().unwrap_or(0);
                        }
                    }
                    first
                }
                "indicator_values" => {
                    let code = draft.get("indicator_code").and_then(Value::as_str).unwrap_or("extracted").to_string();
                    let existing = w
                        .tx
                        .fetch_opt("SELECT id FROM indicators WHERE code = $1", &[Arg::Text(Some(code.clone()))], &[Kind::Int])
                        .await?
                        .and_then(|r| r[0].int());
                    let indicator = match existing {
                        Some(i) => i,
                        None => Self::create_in(
                            &mut w,
                            "indicators",
                            &json!({"code": code.chars().take(50).collect::<String>(), "name": draft.get("indicator_name").cloned().unwrap_or(Value::from(code.clone())),
                                    "unit": draft.get("unit").cloned().unwrap_or(Value::from("%"))}),
                        )
                        .await?["id"]
                            .as_i64()
                            .unwrap_or(0),
                    };
                    let mut v = json!({"indicator_id": indicator});
                    for k in ["region_code", "org_id", "period", "value", "source", "note"] {
                        if let Some(x) = draft.get(k) {
                            v[k] = x.clone();
                        }
                    }
                    Self::create_in(&mut w, "indicator_values", &v).await?["id"].as_i64().unwrap_or(0)
                }
                other => {
                    return Err(StoreError::invalid(
                        "target",
                        "enum",
                        format!("建议记录类型（target）“{other}”无效，可选：activities、projects、needs、notes、dispatches_count、indicator_values"),
                    ))
                }
            });
        }
        let status = if accept { "accepted" } else { "dropped" };
        w.tx.execute(
            "UPDATE extractions SET status = $1, record_id = $2, decided_by = $3, version = version + 1, updated_at = $4 WHERE id = $5",
            &[
                Arg::Text(Some(status.into())),
                Arg::Int(record_id),
                Arg::Int((actor.user_id > 0).then_some(actor.user_id)),
                Arg::Ts(Some(Utc::now())),
                Arg::Int(Some(id)),
            ],
        )
        .await?;
        w.record(
            if accept { "accept" } else { "drop" },
            "extractions",
            id,
            before,
            json!({"status": status, "record_id": record_id}),
        )
        .await?;
        w.commit().await?;
        self.get("extractions", id).await
    }
}
