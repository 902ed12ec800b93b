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
        let (Some(start), Some(end)) = (start, end.or(Some(as_of.max(start.unwrap_or(as_of))))) else {
            return Err(StoreError::invalid(
                "start_date",
                "required",
                "结对及其计划都没有开始日期（start_date），无法划分考核期",
            ));
        };
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
            warn_share: 0.5,
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
