//! What a receiving org's own pages read: the people sent to its pairings with the appraisals it gave them (and the
//! years still to appraise), and the indicator values of its orgs and of the regions they are in.

use crate::db::Arg;
use crate::{ListQuery, Result, Store};
use chrono::NaiveDate;
use duikou_domain::appraisal::years_to_appraise;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One person sent to a receiver: the dispatch, who, by whom, and the receiver's appraisals.
#[derive(Debug, Clone)]
pub struct SentPerson {
    /// The dispatch record.
    pub dispatch: Value,
    /// The person's name.
    pub person: String,
    /// The supporting org's name.
    pub supporter: String,
    /// The appraisals given, by year.
    pub appraisals: Vec<Value>,
    /// Years of the stay that want an appraisal and have none yet (see [`years_to_appraise`]).
    pub due_years: Vec<i32>,
}

/// A page of the people sent to a receiver.
#[derive(Debug, Clone)]
pub struct SentPeople {
    /// Dispatches to the receiver's pairings in all.
    pub total: usize,
    /// Those of the page asked for.
    pub items: Vec<SentPerson>,
}

/// One indicator value of a receiver's org or region, with what it measures and where.
#[derive(Debug, Clone)]
pub struct LocalValue {
    /// The value record.
    pub value: Value,
    /// The indicator's name.
    pub indicator: String,
    /// The indicator's unit.
    pub unit: String,
    /// The org's or region's name.
    pub place: String,
}

/// A receiver's indicator values and the places it reports for.
#[derive(Debug, Clone, Default)]
pub struct LocalIndicators {
    /// The values of its orgs and their regions, by indicator and latest period first.
    pub values: Vec<LocalValue>,
    /// Its own orgs (not those below them).
    pub orgs: Vec<OwnOrg>,
}

/// One of a receiver's own orgs, for which it reports values.
#[derive(Debug, Clone)]
pub struct OwnOrg {
    /// The org.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its region's code and name, when it has one.
    pub region: Option<(String, String)>,
}

fn date_of(v: &Value) -> Option<NaiveDate> {
    duikou_domain::date::first_day(v)
}

fn ids(records: &[Value], field: &str) -> Vec<i64> {
    let set: BTreeSet<i64> = records.iter().filter_map(|r| r[field].as_i64()).collect();
    set.into_iter().collect()
}

fn names(records: Vec<Value>) -> BTreeMap<i64, String> {
    records
        .into_iter()
        .filter_map(|r| Some((r["id"].as_i64()?, r["name"].as_str().unwrap_or("").to_string())))
        .collect()
}

impl Store {
    /// The pairings in which one of `orgs` is the receiving side.
    pub async fn receiving_pairings(&self, orgs: &BTreeSet<i64>) -> Result<Vec<Value>> {
        let orgs: Vec<i64> = orgs.iter().copied().collect();
        self.all_where_in("pairings", "receiver_org_id", &orgs).await
    }

    /// The people sent to the pairings where one of `orgs` receives (not those the receiver seconded to the supporter),
    /// by pairing, batch and dispatch; `limit` of them from `offset`, each with its appraisals and the years still owed.
    pub async fn people_received(
        &self,
        orgs: &BTreeSet<i64>,
        offset: usize,
        limit: usize,
        today: NaiveDate,
    ) -> Result<SentPeople> {
        let pairings = self.receiving_pairings(orgs).await?;
        let supporter_of: BTreeMap<i64, i64> = pairings
            .iter()
            .filter_map(|p| Some((p["id"].as_i64()?, p["supporter_org_id"].as_i64()?)))
            .collect();
        let mut dispatches = self
            .all_where_in_and(
                "dispatches",
                "pairing_id",
                &ids(&pairings, "id"),
                "COALESCE(direction, '') <> $1",
                &[Arg::Text(Some("to_supporter".into()))],
            )
            .await?;
        dispatches.sort_by_key(|d| {
            (
                d["pairing_id"].as_i64().unwrap_or(0),
                d["batch"].as_i64().unwrap_or(0),
                d["id"].as_i64().unwrap_or(0),
            )
        });
        let total = dispatches.len();
        let page: Vec<Value> = dispatches.into_iter().skip(offset).take(limit).collect();
        let people = names(self.all_where_in("people", "id", &ids(&page, "person_id")).await?);
        let supporters: Vec<i64> = {
            let s: BTreeSet<i64> = page
                .iter()
                .filter_map(|d| supporter_of.get(&d["pairing_id"].as_i64()?).copied())
                .collect();
            s.into_iter().collect()
        };
        let orgs = names(self.all_where_in("orgs", "id", &supporters).await?);
        let mut appraisals: BTreeMap<i64, Vec<Value>> = BTreeMap::new();
        for a in self
            .all_where_in("appraisals", "dispatch_id", &ids(&page, "id"))
            .await?
        {
            appraisals
                .entry(a["dispatch_id"].as_i64().unwrap_or(0))
                .or_default()
                .push(a);
        }
        let items = page
            .into_iter()
            .map(|d| {
                let mut given = appraisals.remove(&d["id"].as_i64().unwrap_or(0)).unwrap_or_default();
                given.sort_by_key(|a| a["year"].as_i64().unwrap_or(0));
                let years: BTreeSet<i64> = given.iter().filter_map(|a| a["year"].as_i64()).collect();
                let supporter = d["pairing_id"]
                    .as_i64()
                    .and_then(|p| supporter_of.get(&p))
                    .and_then(|o| orgs.get(o))
                    .cloned()
                    .unwrap_or_default();
                SentPerson {
                    person: d["person_id"]
                        .as_i64()
                        .and_then(|p| people.get(&p))
                        .cloned()
                        .unwrap_or_default(),
                    supporter,
                    due_years: years_to_appraise(
                        date_of(&d["start_date"]),
                        duikou_domain::date::last_day(&d["end_date"]),
                        today,
                        &years,
                    ),
                    appraisals: given,
                    dispatch: d,
                }
            })
            .collect();
        Ok(SentPeople { total, items })
    }

    /// The indicator values of `orgs` and of the regions those orgs are in, by indicator and latest period first.
    pub async fn local_indicators(&self, orgs: &BTreeSet<i64>) -> Result<LocalIndicators> {
        let org_ids: Vec<i64> = orgs.iter().copied().collect();
        let org_records = self.all_where_in("orgs", "id", &org_ids).await?;
        let regions: BTreeSet<String> = org_records
            .iter()
            .filter_map(|o| o["region_code"].as_str().map(String::from))
            .collect();
        let mut places: BTreeMap<String, String> = BTreeMap::new();
        let mut values = self.all_where_in("indicator_values", "org_id", &org_ids).await?;
        for code in &regions {
            let query = |field: &str| ListQuery {
                filters: [(field.to_string(), code.clone())].into(),
                ..Default::default()
            };
            values.extend(self.list_every("indicator_values", &query("region_code")).await?);
            if let Some(r) = self.list("regions", &query("code")).await?.items.first() {
                places.insert(format!("r{code}"), r["name"].as_str().unwrap_or(code).to_string());
            }
        }
        let own: Vec<OwnOrg> = org_records
            .iter()
            .filter(|o| !o["parent_id"].as_i64().is_some_and(|p| orgs.contains(&p)))
            .filter_map(|o| {
                let region = o["region_code"].as_str().map(|c| {
                    (
                        c.to_string(),
                        places.get(&format!("r{c}")).cloned().unwrap_or(c.to_string()),
                    )
                });
                Some(OwnOrg {
                    id: o["id"].as_i64()?,
                    name: o["name"].as_str().unwrap_or("").to_string(),
                    region,
                })
            })
            .collect();
        for (id, name) in names(org_records) {
            places.insert(format!("o{id}"), name);
        }
        let indicators: BTreeMap<i64, (String, String)> = self
            .all_where_in("indicators", "id", &ids(&values, "indicator_id"))
            .await?
            .into_iter()
            .filter_map(|i| {
                let text = |k: &str| i[k].as_str().unwrap_or("").to_string();
                Some((i["id"].as_i64()?, (text("name"), text("unit"))))
            })
            .collect();
        let mut out: Vec<LocalValue> = values
            .into_iter()
            .map(|v| {
                let (indicator, unit) = v["indicator_id"]
                    .as_i64()
                    .and_then(|i| indicators.get(&i))
                    .cloned()
                    .unwrap_or_default();
                let place = match (v["org_id"].as_i64(), v["region_code"].as_str()) {
                    (Some(o), _) => places.get(&format!("o{o}")).cloned(),
                    (None, Some(r)) => places.get(&format!("r{r}")).cloned().or(Some(r.to_string())),
                    _ => None,
                }
                .unwrap_or_default();
                LocalValue {
                    value: v,
                    indicator,
                    unit,
                    place,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            let period = |x: &LocalValue| x.value["period"].as_str().unwrap_or("").to_string();
            (a.indicator.as_str(), period(b)).cmp(&(b.indicator.as_str(), period(a)))
        });
        Ok(LocalIndicators { values: out, orgs: own })
    }
}
