//! An assessment's life beyond its computation: the program's rating scale checked field by field, the draft of a
//! program and period found again, its stored results read back as typed rows, the admin's unlock with a reason, and
//! the results that still keep it from being signed.

use crate::db::{Arg, Kind};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use duikou_domain::access::{Actor, Role};
use duikou_domain::obligation::RatingLevel;
use duikou_domain::{Calendar, Period, Qty, RatingScale};
use serde::Deserialize;
use serde_json::{json, Value};

/// Checks a rating scale as a person typed it, best level first: each level named (names unique), each lowest score
/// within 0–100 with at most four decimals, the lowest scores strictly falling (no two levels share a score line), and
/// the last level starting at 0 so every score has a rating. The message names the level and the field.
pub fn check_rating_scale(v: &Value) -> Result<RatingScale> {
    let bad = |code: &'static str, msg: String| StoreError::invalid("rating_scale", code, msg);
    let Some(levels) = v.get("levels").and_then(Value::as_array) else {
        return Err(bad("required", "评定等次（rating_scale）应列出各等次及其最低分".into()));
    };
    if levels.is_empty() {
        return Err(bad("required", "评定等次（rating_scale）至少需要一个等次".into()));
    }
    let mut out: Vec<RatingLevel> = Vec::with_capacity(levels.len());
    for (i, level) in levels.iter().enumerate() {
        let n = i + 1;
        let label = level["label"].as_str().unwrap_or("").trim().to_string();
        if label.is_empty() {
            return Err(bad("label_required", format!("第{n}个等次的名称（label）不能为空")));
        }
        if label.chars().count() > 20 {
            return Err(bad(
                "label_too_long",
                format!("第{n}个等次的名称（label）“{label}”过长，最多 20 个字"),
            ));
        }
        if out.iter().any(|l| l.label == label) {
            return Err(bad(
                "label_duplicate",
                format!("等次名称（label）“{label}”重复：每个等次的名称应不同"),
            ));
        }
        let written = match &level["min_score"] {
            Value::String(s) => s.trim().to_string(),
            Value::Number(x) => x.to_string(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        if written.is_empty() {
            return Err(bad(
                "min_required",
                format!("等次“{label}”的最低分（min_score）不能为空"),
            ));
        }
        let min: Qty = written.parse().map_err(|_| {
            bad(
                "min_number",
                format!("等次“{label}”的最低分（min_score）应为 0 到 100 之间的数（最多四位小数），收到“{written}”"),
            )
        })?;
        if min.is_negative() || min > Qty::from_int(100) {
            return Err(bad(
                "min_range",
                format!("等次“{label}”的最低分（min_score）{min} 超出范围：应在 0 到 100 之间"),
            ));
        }
        if let Some(prev) = out.last() {
            if min == prev.min_score {
                return Err(bad(
                    "overlap",
                    format!(
                        "等次“{}”与“{label}”的最低分（min_score）都是 {min}，分数线重叠：较低等次的最低分应低于较高等次",
                        prev.label
                    ),
                ));
            }
            if min > prev.min_score {
                return Err(bad(
                    "order",
                    format!(
                        "等次“{label}”的最低分（min_score）{min} 高于上一等次“{}”的 {}：等次应按最低分从高到低排列",
                        prev.label, prev.min_score
                    ),
                ));
            }
        }
        out.push(RatingLevel { label, min_score: min });
    }
    if let Some(last) = out.last().filter(|l| l.min_score != Qty::from_int(0)) {
        return Err(bad(
            "floor",
            format!(
                "最低一个等次“{}”的最低分（min_score）应为 0，否则低于 {} 分的结对没有等次",
                last.label, last.min_score
            ),
        ));
    }
    Ok(RatingScale { levels: out })
}

/// One result as an assessment stored it.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredResult {
    /// The obligation.
    pub obligation_id: i64,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// Who it is about: `{"type": "pairing"}`, or a dispatch or stint with the person's `name`.
    #[serde(default)]
    pub subject: Value,
    /// The window in its written form.
    #[serde(default)]
    pub window: String,
    /// The window's last day.
    pub window_end: Option<NaiveDate>,
    /// What was achieved.
    #[serde(default)]
    pub actual: Qty,
    /// The target.
    #[serde(default)]
    pub target: Option<Qty>,
    /// `met`, `unmet` or `open`.
    #[serde(default)]
    pub status: String,
    /// Open and lagging.
    #[serde(default)]
    pub warning: bool,
    /// The result in Chinese, with the rule and the figure.
    #[serde(default)]
    pub text: String,
}

impl StoredResult {
    /// 达标 / 未达标 / 进行中.
    pub fn status_zh(&self) -> &'static str {
        match self.status.as_str() {
            "met" => "达标",
            "unmet" => "未达标",
            _ => "进行中",
        }
    }

    /// Who the result is about, as a person reads it: 本结对, or the person's name.
    pub fn subject_zh(&self) -> String {
        match self.subject["name"].as_str() {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => "本结对".into(),
        }
    }
}

/// A pairing's score as stored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StoredScore {
    /// 0–100, one decimal; none without a result that can be scored.
    #[serde(default)]
    pub score: Option<f64>,
    /// Its rating.
    #[serde(default)]
    pub rating: Option<String>,
    /// Met results.
    #[serde(default)]
    pub met: usize,
    /// Unmet results.
    #[serde(default)]
    pub unmet: usize,
    /// Open results.
    #[serde(default)]
    pub open: usize,
}

/// One pairing of an assessment as stored: its sides by name, its results and its score.
#[derive(Debug, Clone, Deserialize)]
pub struct AssessedPairing {
    /// The pairing.
    pub pairing_id: i64,
    /// The supporting org's name.
    #[serde(default)]
    pub supporter: String,
    /// The receiving org's name.
    #[serde(default)]
    pub receiver: String,
    /// Its results.
    #[serde(default)]
    pub results: Vec<StoredResult>,
    /// Its score.
    #[serde(default)]
    pub score: StoredScore,
}

impl AssessedPairing {
    /// "支援方 → 受援方".
    pub fn name(&self) -> String {
        format!("{} → {}", self.supporter, self.receiver)
    }
}

/// The pairings an assessment holds, as stored (none for a draft without results).
pub fn assessed_pairings(assessment: &Value) -> Vec<AssessedPairing> {
    assessment["results"]["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| serde_json::from_value(i.clone()).ok())
        .collect()
}

/// A signature or an unlock of an assessment, from its audit trail.
#[derive(Debug, Clone)]
pub struct AssessmentEvent {
    /// `sign` or `unlock`.
    pub action: String,
    /// Who, by the name people know them by.
    pub by: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The reason given for an unlock.
    pub reason: String,
}

/// A pairing's term as its dates state it, for the periods an assessment signs and locks: both of its own dates, else
/// both of its program's; `None` when neither states both. (The engine's term, [`crate::assess::term_of`], takes each
/// end apart and runs an open-ended pairing until the day it is judged.)
pub(crate) fn stated_term(program: &Value, pairing: &Value) -> Option<(NaiveDate, NaiveDate)> {
    use duikou_domain::date::{first_day, last_day};
    match (first_day(&pairing["start_date"]), last_day(&pairing["end_date"])) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => match (first_day(&program["start_date"]), last_day(&program["end_date"])) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        },
    }
}

impl Store {
    /// Checks and sets a program's rating scale (see [`check_rating_scale`]); nothing is written when it is refused.
    pub async fn set_rating_scale(&self, actor: &Actor, program_id: i64, scale: &Value) -> Result<Value> {
        let scale = check_rating_scale(scale)?;
        let value = serde_json::to_value(&scale).map_err(|e| StoreError::Other(e.to_string()))?;
        self.update(actor, "programs", program_id, &json!({ "rating_scale": value }))
            .await
    }

    /// The assessments of a whole program (not of one pairing), newest first.
    pub async fn program_assessments(&self, program_id: i64) -> Result<Vec<Value>> {
        let mut all: Vec<Value> = self
            .list_all("assessments", "program_id", program_id)
            .await?
            .into_iter()
            .filter(|a| a["pairing_id"].is_null())
            .collect();
        all.sort_by_key(|a| std::cmp::Reverse(a["id"].as_i64().unwrap_or(0)));
        Ok(all)
    }

    /// The newest assessment of a whole program for `period` (in its written form), if one was opened.
    pub async fn program_assessment(&self, program_id: i64, period: &Period) -> Result<Option<Value>> {
        let written = period.to_string();
        Ok(self
            .program_assessments(program_id)
            .await?
            .into_iter()
            .find(|a| a["period"].as_str() == Some(written.as_str())))
    }

    /// The results of an assessment still open that its period decides — a window ending within the period, judged
    /// before it ended — counted per pairing (by name). A window running past the period (the whole term, in a
    /// school year's assessment) is progress, not this period's result, and does not count.
    pub async fn open_in_period(&self, assessment: &Value) -> Result<Vec<(String, usize)>> {
        let period: Period = assessment["period"]
            .as_str()
            .unwrap_or("term")
            .parse()
            .unwrap_or(Period::Term);
        let program = self
            .get("programs", assessment["program_id"].as_i64().unwrap_or(0))
            .await?;
        let calendar: Calendar = serde_json::from_value(program["calendar"].clone()).unwrap_or_default();
        let mut out = Vec::new();
        for item in assessed_pairings(assessment) {
            let pairing = self.get("pairings", item.pairing_id).await.unwrap_or(Value::Null);
            let end = period
                .bounds(&calendar, stated_term(&program, &pairing))
                .map(|(_, to)| to);
            let open = item
                .results
                .iter()
                .filter(|r| r.status == "open")
                .filter(|r| match (end, r.window_end) {
                    (Some(end), Some(w)) => w <= end,
                    _ => true,
                })
                .count();
            if open > 0 {
                out.push((item.name(), open));
            }
        }
        Ok(out)
    }

    /// Unlocks a signed assessment: only an admin, only with a reason. Its period locks are removed (each removal
    /// audited), it is a draft again (recomputable, signable), and the unlock with its reason is in its audit trail.
    pub async fn unlock_assessment(&self, actor: &Actor, id: i64, reason: &str) -> Result<Value> {
        if actor.role != Role::Admin {
            return Err(StoreError::Forbidden("只有系统管理员可以解锁已签署的考核评估".into()));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid("reason", "required", "解锁理由（reason）不能为空"));
        }
        if reason.chars().count() > 2000 {
            return Err(StoreError::invalid(
                "reason",
                "too_long",
                "解锁理由（reason）最多 2000 个字",
            ));
        }
        let before = self.get("assessments", id).await?;
        if before["status"] != "signed" {
            return Err(StoreError::conflict(
                "not_signed",
                "该考核评估尚未签署，不需要解锁",
                Some("status"),
            ));
        }
        let mut w = crate::audit::WriteTx::begin(self, actor).await?;
        let locks =
            w.tx.fetch(
                "SELECT id, pairing_id, start_date, end_date FROM period_locks WHERE assessment_id = $1 ORDER BY id",
                &[Arg::Int(Some(id))],
                &[Kind::Int, Kind::Int, Kind::Date, Kind::Date],
            )
            .await?;
        let mut removed = Vec::new();
        for l in locks {
            let lock_id = l[0].int().unwrap_or(0);
            let lock = json!({"id": lock_id, "pairing_id": l[1].int(), "assessment_id": id,
                              "start_date": l[2].date().map(|d| d.to_string()),
                              "end_date": l[3].date().map(|d| d.to_string())});
            w.tx.execute("DELETE FROM period_locks WHERE id = $1", &[Arg::Int(Some(lock_id))])
                .await?;
            w.record("delete", "period_locks", lock_id, lock.clone(), Value::Null)
                .await?;
            removed.push(lock);
        }
        // (an unlock racing another leaves one: the second finds a draft and writes nothing)
        let changed =
            w.tx.execute(
                "UPDATE assessments SET status = 'draft', signed_by = NULL, signed_at = NULL, version = version + 1, \
                 updated_at = $1 WHERE id = $2 AND status = 'signed'",
                &[Arg::Ts(Some(chrono::Utc::now())), Arg::Int(Some(id))],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::conflict(
                "not_signed",
                "该考核评估尚未签署，不需要解锁",
                Some("status"),
            ));
        }
        let mut was = before.clone();
        if let Some(o) = was.as_object_mut() {
            o.remove("results");
        }
        let mut after = was.clone();
        after["status"] = "draft".into();
        after["signed_by"] = Value::Null;
        after["signed_at"] = Value::Null;
        after["version"] = Value::from(before["version"].as_i64().unwrap_or(0) + 1);
        after["reason"] = reason.into();
        after["unlocked_periods"] = Value::from(removed);
        w.record("unlock", "assessments", id, was, after).await?;
        w.commit().await?;
        self.get("assessments", id).await
    }

    /// The signatures and unlocks of an assessment, oldest first, with who did them and the reason of each unlock.
    pub async fn assessment_history(&self, id: i64) -> Result<Vec<AssessmentEvent>> {
        let events: Vec<_> = self
            .audit_for("assessments", id)
            .await?
            .into_iter()
            .filter(|e| e.action == "sign" || e.action == "unlock")
            .collect();
        let ids: Vec<i64> = events.iter().map(|e| e.user_id).collect();
        let names = self.user_names(&ids).await?;
        Ok(events
            .into_iter()
            .map(|e| AssessmentEvent {
                by: names.get(&e.user_id).cloned().unwrap_or_else(|| "系统".into()),
                reason: e.after["reason"].as_str().unwrap_or("").to_string(),
                action: e.action,
                at: e.at,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(v: Value) -> (String, String) {
        match check_rating_scale(&v) {
            Err(StoreError::Invalid(e)) => {
                let f = &e.0[0];
                (f.code.to_string(), f.message.clone())
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    fn scale(levels: &[(&str, &str)]) -> Value {
        json!({"levels": levels.iter().map(|(l, m)| json!({"label": l, "min_score": m})).collect::<Vec<_>>()})
    }

    #[test]
    fn a_scale_is_refused_naming_the_level_and_field() {
        let ok = scale(&[("优秀", "90"), ("良好", "80"), ("合格", "60"), ("不合格", "0")]);
        assert_eq!(check_rating_scale(&ok).unwrap(), RatingScale::default());
        let (code, msg) = field(scale(&[("优秀", "90"), ("良好", "90"), ("不合格", "0")]));
        assert_eq!(code, "overlap");
        assert!(msg.contains("“优秀”与“良好”") && msg.contains("重叠"), "{msg}");
        let (code, msg) = field(scale(&[("优秀", "80"), ("良好", "85"), ("不合格", "0")]));
        assert_eq!(code, "order");
        assert!(msg.contains("“良好”") && msg.contains("从高到低"), "{msg}");
        let (code, msg) = field(scale(&[("优秀", "101"), ("不合格", "0")]));
        assert_eq!(code, "min_range");
        assert!(msg.contains("“优秀”的最低分（min_score）101"), "{msg}");
        assert_eq!(field(scale(&[("优秀", "90"), ("不合格", "-1")])).0, "min_range");
        let (code, msg) = field(scale(&[("优秀", "90"), ("  ", "0")]));
        assert_eq!(code, "label_required");
        assert!(msg.contains("第2个等次的名称（label）"), "{msg}");
        assert_eq!(field(scale(&[("优秀", "90"), ("优秀", "0")])).0, "label_duplicate");
        assert_eq!(field(scale(&[("优秀", "九十"), ("不合格", "0")])).0, "min_number");
        assert_eq!(field(scale(&[("优秀", ""), ("不合格", "0")])).0, "min_required");
        assert_eq!(field(scale(&[("优秀", "90"), ("合格", "60")])).0, "floor");
        assert_eq!(field(json!({"levels": []})).0, "required");
        assert_eq!(field(json!({})).0, "required");
    }
}
