//! Evaluating a pairing's obligations: load its program, orgs, obligations and records, run the pure engine.

use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use duikou_domain::engine::{self, EvalOptions, ObligationInput, ObligationResult, PairingContext, Records, Score};
use duikou_domain::obligation::Window;
use duikou_domain::{Calendar, ObligationRule, Period, Qty, RatingScale};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// The entities the engine may count.
const COUNTED: &[&str] = &[
    "dispatches",
    "stints",
    "activities",
    "transactions",
    "projects",
    "outputs",
    "appraisals",
    "project_funding",
    "needs",
];

/// One pairing's results and score.
#[derive(Debug, Clone, Serialize)]
pub struct PairingAssessment {
    /// The pairing.
    pub pairing_id: i64,
    /// The supporting org's name.
    pub supporter: String,
    /// The receiving org's name.
    pub receiver: String,
    /// Every obligation × subject × window.
    pub results: Vec<ObligationResult>,
    /// The weighted score and rating.
    pub score: Score,
}

fn parse_date(v: &Value) -> Option<NaiveDate> {
    v.as_str().and_then(duikou_domain::validate::parse_date)
}

impl Store {
    /// Evaluates every obligation that applies to a pairing: its program's, its agreements', and the tasks assigned to its
    /// supporting org. `period` limits the windows; `as_of` decides which windows are over.
    pub async fn assess_pairing(
        &self,
        pairing_id: i64,
        period: Option<&Period>,
        as_of: NaiveDate,
    ) -> Result<PairingAssessment> {
        let pairing = self.get("pairings", pairing_id).await?;
        let program = self
            .get("programs", pairing["program_id"].as_i64().unwrap_or(0))
            .await?;
        let supporter = self
            .get("orgs", pairing["supporter_org_id"].as_i64().unwrap_or(0))
            .await?;
        let receiver = self
            .get("orgs", pairing["receiver_org_id"].as_i64().unwrap_or(0))
            .await?;
        let calendar: Calendar = serde_json::from_value(program["calendar"].clone()).unwrap_or_default();
        let start = parse_date(&pairing["start_date"]).or_else(|| parse_date(&program["start_date"]));
        let end = parse_date(&pairing["end_date"]).or_else(|| parse_date(&program["end_date"]));
        let Some(start) = start else {
            return Err(StoreError::invalid(
                "start_date",
                "required",
                "结对及其计划都没有开始日期（start_date），无法划分考核期",
            ));
        };
        // an open-ended pairing runs until the day it is judged
        let end = end.unwrap_or(as_of.max(start));
        let ctx = PairingContext {
            pairing_id,
            term: (start, end),
            calendar,
            only_confirmed: program["only_confirmed"].as_bool().unwrap_or(true),
            supporter_attributes: supporter["attributes"].clone(),
            receiver_attributes: receiver["attributes"].clone(),
        };
        let mut stored = self
            .list_all("obligations", "program_id", program["id"].as_i64().unwrap_or(0))
            .await?;
        for a in self.list_all("agreements", "pairing_id", pairing_id).await? {
            stored.extend(
                self.list_all("obligations", "agreement_id", a["id"].as_i64().unwrap_or(0))
                    .await?,
            );
        }
        stored.extend(
            self.list_all("obligations", "assigned_org_id", supporter["id"].as_i64().unwrap_or(0))
                .await?,
        );
        let mut obligations = Vec::new();
        let mut weights = HashMap::new();
        for o in stored {
            let Ok(mut rule) = ObligationRule::from_json(&o["rule"]) else {
                continue;
            };
            if let Some(y) = o["year"].as_i64() {
                // a task assigned for one year is counted in that year only
                if let (Some(from), Some(to)) = (
                    NaiveDate::from_ymd_opt(y as i32, 1, 1),
                    NaiveDate::from_ymd_opt(y as i32, 12, 31),
                ) {
                    rule.window = Window::Range { from, to };
                }
            }
            let id = o["id"].as_i64().unwrap_or(0);
            let weight: Qty = serde_json::from_value(o["weight"].clone()).unwrap_or(Qty::from_int(1));
            weights.insert(id, weight);
            obligations.push(ObligationInput {
                id,
                title: o["title"].as_str().unwrap_or("").to_string(),
                weight,
                rule,
            });
        }
        let mut records: Records = HashMap::new();
        for entity in COUNTED {
            records.insert(
                entity.to_string(),
                self.list_all(entity, "pairing_id", pairing_id).await?,
            );
        }
        let mut people = Vec::new();
        for d in records.get("dispatches").into_iter().flatten() {
            if let Some(p) = d["person_id"].as_i64() {
                people.push(self.get("people", p).await?);
            }
        }
        records.insert("people".into(), people);
        let range = period.and_then(|p| p.bounds(&ctx.calendar, Some(ctx.term)));
        let opts = EvalOptions {
            as_of,
            range,
            warn_share: serde_json::from_value::<Qty>(program["warn_share"].clone())
                .map(Qty::as_f64)
                .unwrap_or(0.5),
        };
        let results = engine::evaluate(&ctx, &obligations, &records, &opts);
        let scale = RatingScale::from_json(&program["rating_scale"]).unwrap_or_default();
        let score = engine::score(&results, &weights, &scale);
        Ok(PairingAssessment {
            pairing_id,
            supporter: supporter["name"].as_str().unwrap_or("").into(),
            receiver: receiver["name"].as_str().unwrap_or("").into(),
            results,
            score,
        })
    }

    /// Evaluates every pairing of a program.
    pub async fn assess_program(
        &self,
        program_id: i64,
        period: Option<&Period>,
        as_of: NaiveDate,
    ) -> Result<Vec<PairingAssessment>> {
        self.get("programs", program_id).await?;
        let mut out = Vec::new();
        for p in self.list_all("pairings", "program_id", program_id).await? {
            out.push(
                self.assess_pairing(p["id"].as_i64().unwrap_or(0), period, as_of)
                    .await?,
            );
        }
        Ok(out)
    }
}

/// What it takes to open an assessment.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    /// The program.
    pub program_id: i64,
    /// One pairing, or the whole program when absent.
    #[serde(default)]
    pub pairing_id: Option<i64>,
    /// The period assessed (`2014-2015`, `2014-2015S1`, `term` …).
    pub period: String,
    /// Judge as of this day (default today).
    #[serde(default)]
    pub as_of: Option<String>,
    /// The reviewer's comments.
    #[serde(default)]
    pub comments: Option<String>,
}

impl Store {
    async fn may_assess(&self, actor: &duikou_domain::access::Actor, program_id: i64) -> Result<()> {
        let program = self.get("programs", program_id).await?;
        let target = duikou_domain::access::Target {
            authority: program["authority_org_id"].as_i64(),
            ..Default::default()
        };
        duikou_domain::access::may_write(actor, duikou_domain::schema::Owner::Program, "考核评估", &target)?;
        Ok(())
    }

    async fn compute(
        &self,
        program_id: i64,
        pairing_id: Option<i64>,
        period: &Period,
        as_of: NaiveDate,
    ) -> Result<(Value, Option<Qty>, Option<String>)> {
        let items = match pairing_id {
            Some(p) => {
                let pairing = self.get("pairings", p).await?;
                if pairing["program_id"].as_i64() != Some(program_id) {
                    return Err(StoreError::invalid(
                        "pairing_id",
                        "other_program",
                        format!("结对 {p} 不属于计划 {program_id}"),
                    ));
                }
                vec![self.assess_pairing(p, Some(period), as_of).await?]
            }
            None => self.assess_program(program_id, Some(period), as_of).await?,
        };
        let scores: Vec<f64> = items.iter().filter_map(|a| a.score.score).collect();
        let score =
            (!scores.is_empty()).then(|| (scores.iter().sum::<f64>() / scores.len() as f64 * 10.0).round() / 10.0);
        let program = self.get("programs", program_id).await?;
        let scale = RatingScale::from_json(&program["rating_scale"]).unwrap_or_default();
        let rating = score.and_then(|s| {
            scale
                .levels
                .iter()
                .find(|l| s >= l.min_score.as_f64())
                .map(|l| l.label.clone())
        });
        let score_qty = score.and_then(|s| format!("{s:.1}").parse::<Qty>().ok());
        Ok((serde_json::json!({ "items": items }), score_qty, rating))
    }

    /// Opens a draft assessment of a pairing (or a whole program) for a period, with the results as they stand.
    pub async fn create_assessment(&self, actor: &duikou_domain::access::Actor, new: &NewAssessment) -> Result<Value> {
        let period: Period = new.period.parse().map_err(|e: duikou_domain::PeriodParseError| {
            StoreError::invalid("period", "period", format!("考核期间（period）：{e}"))
        })?;
        let as_of = match &new.as_of {
            Some(d) => duikou_domain::validate::parse_date(d).ok_or_else(|| {
                StoreError::invalid("as_of", "date", format!("评估日期（as_of）应为 YYYY-MM-DD，收到“{d}”"))
            })?,
            None => chrono::Utc::now().date_naive(),
        };
        if new.comments.as_deref().is_some_and(|c| c.chars().count() > 20_000) {
            return Err(StoreError::invalid(
                "comments",
                "too_long",
                "评审意见（comments）最多 20000 个字符",
            ));
        }
        self.may_assess(actor, new.program_id).await?;
        let (results, score, rating) = self.compute(new.program_id, new.pairing_id, &period, as_of).await?;
        let mut w = crate::audit::WriteTx::begin(self, actor).await?;
        let now = chrono::Utc::now();
        use crate::db::{Arg, Kind};
        let id = w
            .tx
            .fetch_opt(
                "INSERT INTO assessments (version, created_at, updated_at, program_id, pairing_id, period, as_of, status, score, rating, results, comments, reviewer_id) \
                 VALUES (1, $1, $1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10) RETURNING id",
                &[
                    Arg::Ts(Some(now)),
                    Arg::Int(Some(new.program_id)),
                    Arg::Int(new.pairing_id),
                    Arg::Text(Some(period.to_string())),
                    Arg::Date(Some(as_of)),
                    Arg::Int(score.map(Qty::raw)),
                    Arg::Text(rating),
                    Arg::Json(Some(results)),
                    Arg::Text(new.comments.clone()),
                    Arg::Int((actor.user_id > 0).then_some(actor.user_id)),
                ],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        let after = Self::get_in(&mut w.tx, crate::records::def("assessments")?, id).await?;
        w.record("create", "assessments", id, Value::Null, summary(&after))
            .await?;
        w.commit().await?;
        self.get("assessments", id).await
    }

    /// Changes a draft: recomputes its results (`recompute`), sets its comments, or signs it (`sign`), which freezes the
    /// results and locks the period's records of every pairing assessed.
    pub async fn assessment_action(
        &self,
        actor: &duikou_domain::access::Actor,
        id: i64,
        action: &str,
        comments: Option<&str>,
    ) -> Result<Value> {
        use crate::db::{Arg, Kind};
        let before = self.get("assessments", id).await?;
        let program_id = before["program_id"].as_i64().unwrap_or(0);
        self.may_assess(actor, program_id).await?;
        if before["status"] == "signed" {
            return Err(StoreError::conflict(
                "signed",
                "该考核评估已签署，结果不再改变",
                Some("status"),
            ));
        }
        let period: Period = before["period"]
            .as_str()
            .unwrap_or("term")
            .parse()
            .unwrap_or(Period::Term);
        let as_of = before["as_of"]
            .as_str()
            .and_then(duikou_domain::validate::parse_date)
            .unwrap_or_else(|| chrono::Utc::now().date_naive());
        let now = chrono::Utc::now();
        let mut w;
        match action {
            "recompute" => {
                let (results, score, rating) = self
                    .compute(program_id, before["pairing_id"].as_i64(), &period, as_of)
                    .await?;
                w = crate::audit::WriteTx::begin(self, actor).await?;
                w.tx.execute(
                    "UPDATE assessments SET results = $1, score = $2, rating = $3, version = version + 1, updated_at = $4 WHERE id = $5",
                    &[Arg::Json(Some(results)), Arg::Int(score.map(Qty::raw)), Arg::Text(rating), Arg::Ts(Some(now)), Arg::Int(Some(id))],
                )
                .await?;
            }
            "comment" => {
                let c = comments.unwrap_or("");
                if c.chars().count() > 20_000 {
                    return Err(StoreError::invalid(
                        "comments",
                        "too_long",
                        "评审意见（comments）最多 20000 个字符",
                    ));
                }
                w = crate::audit::WriteTx::begin(self, actor).await?;
                w.tx.execute(
                    "UPDATE assessments SET comments = $1, version = version + 1, updated_at = $2 WHERE id = $3",
                    &[Arg::Text(Some(c.to_string())), Arg::Ts(Some(now)), Arg::Int(Some(id))],
                )
                .await?;
            }
            "sign" => {
                w = crate::audit::WriteTx::begin(self, actor).await?;
                let program = self.get("programs", program_id).await?;
                let calendar: Calendar = serde_json::from_value(program["calendar"].clone()).unwrap_or_default();
                let pairings: Vec<i64> = before["results"]["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a["pairing_id"].as_i64())
                    .collect();
                for p in pairings {
                    let pairing = self.get("pairings", p).await?;
                    let term = match (parse_date(&pairing["start_date"]), parse_date(&pairing["end_date"])) {
                        (Some(a), Some(b)) => Some((a, b)),
                        _ => match (parse_date(&program["start_date"]), parse_date(&program["end_date"])) {
                            (Some(a), Some(b)) => Some((a, b)),
                            _ => None,
                        },
                    };
                    let Some((from, to)) = period.bounds(&calendar, term) else {
                        continue;
                    };
                    let lock = w
                        .tx
                        .fetch_opt(
                            "INSERT INTO period_locks (version, created_at, updated_at, pairing_id, start_date, end_date, assessment_id) \
                             VALUES (1, $1, $1, $2, $3, $4, $5) RETURNING id",
                            &[Arg::Ts(Some(now)), Arg::Int(Some(p)), Arg::Date(Some(from)), Arg::Date(Some(to)), Arg::Int(Some(id))],
                            &[Kind::Int],
                        )
                        .await?
                        .and_then(|r| r[0].int())
                        .unwrap_or(0);
                    let lock_json = serde_json::json!({"pairing_id": p, "start_date": from.to_string(), "end_date": to.to_string(), "assessment_id": id});
                    w.record("create", "period_locks", lock, Value::Null, lock_json).await?;
                }
                w.tx.execute(
                    "UPDATE assessments SET status = 'signed', signed_by = $1, signed_at = $2, version = version + 1, updated_at = $3 WHERE id = $4",
                    &[
                        Arg::Int((actor.user_id > 0).then_some(actor.user_id)),
                        Arg::Text(Some(crate::now_rfc3339())),
                        Arg::Ts(Some(now)),
                        Arg::Int(Some(id)),
                    ],
                )
                .await?;
            }
            other => {
                return Err(StoreError::invalid(
                    "action",
                    "unknown",
                    format!("考核评估没有“{other}”操作（可用 recompute、comment、sign）"),
                ))
            }
        }
        let after_rows =
            w.tx.fetch_opt(
                "SELECT status, version FROM assessments WHERE id = $1",
                &[Arg::Int(Some(id))],
                &[Kind::Text, Kind::Int],
            )
            .await?;
        let mut after = summary(&before);
        if let Some(r) = after_rows {
            after["status"] = r[0].text().into();
            after["version"] = r[1].int().into();
        }
        after["action"] = Value::from(action);
        w.record(action, "assessments", id, summary(&before), after).await?;
        w.commit().await?;
        self.get("assessments", id).await
    }
}

/// An assessment without its bulky results, for the audit log.
fn summary(a: &Value) -> Value {
    let mut v = a.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("results");
    }
    v
}

/// One assigned task of a template: which unit, which year.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// The template item's key.
    pub key: String,
    /// The unit responsible.
    pub org_id: i64,
    /// The year.
    pub year: i64,
}

impl Store {
    /// Creates a template's obligations on a program (assigned tasks only where an assignment names the unit and year).
    /// Obligations whose title the program already has are skipped, so applying twice changes nothing.
    pub async fn apply_template(
        &self,
        actor: &duikou_domain::access::Actor,
        program_id: i64,
        code: &str,
        assignments: &[Assignment],
    ) -> Result<Vec<Value>> {
        let template = duikou_domain::templates::template(code).ok_or_else(|| {
            let codes: Vec<&str> = duikou_domain::templates::templates().iter().map(|t| t.code).collect();
            StoreError::invalid(
                "template",
                "unknown",
                format!("没有模板“{code}”，可用：{}", codes.join("、")),
            )
        })?;
        self.get("programs", program_id).await?;
        for a in assignments {
            if !template.items.iter().any(|i| i.assigned && i.key == a.key) {
                return Err(StoreError::invalid(
                    "assignments",
                    "unknown",
                    format!("模板“{code}”没有可分配的任务“{}”", a.key),
                ));
            }
        }
        let existing: Vec<String> = self
            .list_all("obligations", "program_id", program_id)
            .await?
            .iter()
            .filter_map(|o| o["title"].as_str().map(str::to_string))
            .collect();
        let mut w = crate::audit::WriteTx::begin(self, actor).await?;
        let mut created = Vec::new();
        for item in &template.items {
            let rule = serde_json::to_value(&item.rule).map_err(|e| StoreError::Other(e.to_string()))?;
            if item.assigned {
                for a in assignments.iter().filter(|a| a.key == item.key) {
                    let input = serde_json::json!({"assigned_org_id": a.org_id, "year": a.year, "title": item.title,
                                                   "weight": item.weight, "rule": rule, "note": item.source});
                    created.push(Self::create_in(&mut w, "obligations", &input).await?);
                }
            } else if !existing.iter().any(|t| t == item.title) {
                let input = serde_json::json!({"program_id": program_id, "title": item.title, "weight": item.weight,
                                               "rule": rule, "note": item.source});
                created.push(Self::create_in(&mut w, "obligations", &input).await?);
            }
        }
        w.commit().await?;
        Ok(created)
    }
}

/// One line of a program's supervision (督办) list: a missed or lagging obligation, or a 督办 mark still open.
#[derive(Debug, Clone, Serialize)]
pub struct SupervisionItem {
    /// The pairing.
    pub pairing_id: i64,
    /// Supporting org.
    pub supporter: String,
    /// Receiving org.
    pub receiver: String,
    /// The result as evaluated now.
    pub result: ObligationResult,
    /// Days past the window's end (negative: days still left in an open window).
    pub lateness_days: i64,
    /// The 督办 mark, if the coordinator made one.
    pub supervision: Option<Value>,
}

impl Store {
    /// Unmet obligations and early warnings across a program, with the coordinator's 督办 marks; open marks stay on the
    /// list until resolved. Sorted by lateness, latest first (`ascending` for the other way).
    pub async fn supervision_list(
        &self,
        program_id: i64,
        period: Option<&Period>,
        as_of: NaiveDate,
        ascending: bool,
    ) -> Result<Vec<SupervisionItem>> {
        let mut items = Vec::new();
        for a in self.assess_program(program_id, period, as_of).await? {
            let marks = self.list_all("supervisions", "pairing_id", a.pairing_id).await?;
            for r in a.results {
                let mark = marks
                    .iter()
                    .find(|m| {
                        m["obligation_id"].as_i64() == Some(r.obligation_id)
                            && m["period"].as_str() == Some(r.window.as_str())
                    })
                    .cloned();
                let problem = r.status == engine::Status::Unmet || r.warning;
                let open_mark = mark.as_ref().is_some_and(|m| m["status"] == "open");
                if problem || open_mark {
                    items.push(SupervisionItem {
                        pairing_id: a.pairing_id,
                        supporter: a.supporter.clone(),
                        receiver: a.receiver.clone(),
                        lateness_days: (as_of - r.window_end).num_days(),
                        result: r,
                        supervision: mark,
                    });
                }
            }
        }
        items.sort_by(|x, y| {
            let o = x.lateness_days.cmp(&y.lateness_days);
            let o = if ascending { o } else { o.reverse() };
            o.then(x.pairing_id.cmp(&y.pairing_id))
                .then(x.result.obligation_id.cmp(&y.result.obligation_id))
        });
        Ok(items)
    }
}
