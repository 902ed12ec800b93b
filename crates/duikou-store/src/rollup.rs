//! A region's indicator values with those of the regions below it (issue #16 item 7), by the domain's roll-up rule
//! ([`duikou_domain::rollup`]): the value recorded for the region and the sum of its children's, told apart.

use crate::db::{Arg, Kind};
use crate::{Result, Store, StoreError};
use duikou_domain::approx::{self, Figure};
use duikou_domain::rollup::{adds_up, roll_up};
pub use duikou_domain::rollup::{AreaIndicator, AreaSum};
use duikou_domain::schema::FieldKind;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// An indicator value's indicator, period and how its period is meant: values of one key are one figure by region.
type ValueKey = (i64, String, Option<String>);

/// An [`AreaIndicator`] as JSON for the API, the figures written as the record writes them ("1627个", "150亿元").
pub fn area_json(a: &AreaIndicator) -> Value {
    let written = |f: Figure| approx::written(FieldKind::Qty, f, &a.unit);
    json!({
        "indicator": {"code": a.code, "name": a.name, "unit": a.unit},
        "period": a.period,
        "period_basis": a.basis,
        "recorded": a.recorded.map(|(f, id)| json!({"value": written(f), "record": id})),
        "summed": a.summed.as_ref().map(|s| json!({
            "value": written(s.figure),
            "counted": s.counted,
            "children": s.children,
            "complete": s.complete(),
            "records": s.records,
        })),
    })
}

impl Store {
    /// Every indicator value recorded for `region` or a region below it, by indicator and period: the region's own
    /// value and, for indicators that add up across regions, the sum of its children's. Values of orgs are not
    /// regions' and are left out.
    pub async fn region_indicators(&self, region: &str) -> Result<Vec<AreaIndicator>> {
        let tree = self
            .db()
            .fetch(
                "WITH RECURSIVE s(code) AS (SELECT CAST($1 AS TEXT) UNION SELECT r.code FROM regions r JOIN s ON r.parent_code = s.code) \
                 SELECT r.code, r.name, r.parent_code FROM regions r JOIN s ON s.code = r.code",
                &[Arg::Text(Some(region.into()))],
                &[Kind::Text, Kind::Text, Kind::Text],
            )
            .await?;
        if !tree.iter().any(|r| r[0].text() == Some(region)) {
            return Err(StoreError::invalid(
                "region",
                "unknown_reference",
                format!("找不到代码为 {region} 的行政区划"),
            ));
        }
        let mut names = HashMap::new();
        let mut children_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in &tree {
            let code = r[0].text().unwrap_or("").to_string();
            if let (Some(parent), true) = (r[2].text(), r[0].text() != Some(region)) {
                children_of.entry(parent.to_string()).or_default().push(code.clone());
            }
            names.insert(code, r[1].text().unwrap_or("").to_string());
        }
        let codes: Vec<Arg> = tree
            .iter()
            .map(|r| Arg::Text(r[0].text().map(str::to_string)))
            .collect();
        let values = self
            .all_where_in_args("indicator_values", "region_code", &codes, "", &[])
            .await?;
        let mut defs: HashMap<i64, Value> = HashMap::new();
        // (indicator, period) → region → (figure, record id)
        let mut by: BTreeMap<ValueKey, BTreeMap<String, (Figure, i64)>> = BTreeMap::new();
        for v in &values {
            let (Some(iid), Some(code), Some(period)) = (
                v["indicator_id"].as_i64(),
                v["region_code"].as_str(),
                v["period"].as_str(),
            ) else {
                continue;
            };
            let Some(fig) = approx::figure_of(FieldKind::Qty, v, "value") else {
                continue;
            };
            let basis = v["period_basis"].as_str().map(str::to_string);
            by.entry((iid, period.to_string(), basis))
                .or_default()
                .insert(code.to_string(), (fig, v["id"].as_i64().unwrap_or(0)));
        }
        let mut out = Vec::new();
        for ((iid, period, basis), at) in by {
            let def = match defs.get(&iid) {
                Some(d) => d.clone(),
                None => {
                    let d = self.get("indicators", iid).await?;
                    defs.insert(iid, d.clone());
                    d
                }
            };
            let figures: BTreeMap<String, Figure> = at.iter().map(|(c, (f, _))| (c.clone(), *f)).collect();
            let rolled = roll_up(region, &children_of, &figures);
            let summed = rolled
                .summed
                // a total since a start to an end left open, or a value at an unnamed time, is not added to others
                .filter(|_| basis.is_none() && adds_up(def["aggregation"].as_str().unwrap_or("")))
                .map(|s| {
                    let mut records: Vec<i64> = s
                        .counted
                        .iter()
                        .flat_map(|k| stands_for(&children_of, &at, k, 0))
                        .collect();
                    records.sort_unstable();
                    AreaSum {
                        figure: s.total.figure(),
                        counted: s
                            .counted
                            .iter()
                            .map(|c| names.get(c).cloned().unwrap_or_default())
                            .collect(),
                        children: s.children,
                        records,
                    }
                });
            if rolled.recorded.is_none() && summed.is_none() {
                continue;
            }
            out.push(AreaIndicator {
                code: def["code"].as_str().unwrap_or("").to_string(),
                name: def["name"].as_str().unwrap_or("").to_string(),
                unit: def["unit"].as_str().unwrap_or("").to_string(),
                period,
                basis,
                recorded: at.get(region).copied(),
                summed,
            });
        }
        Ok(out)
    }
}

/// The value records a counted child stands for: its own value, else (its children's sum being complete) theirs.
fn stands_for(
    children_of: &BTreeMap<String, Vec<String>>,
    at: &BTreeMap<String, (Figure, i64)>,
    code: &str,
    depth: usize,
) -> Vec<i64> {
    match at.get(code) {
        Some((_, id)) => vec![*id],
        None if depth < 6 => children_of
            .get(code)
            .into_iter()
            .flatten()
            .flat_map(|c| stands_for(children_of, at, c, depth + 1))
            .collect(),
        None => Vec::new(),
    }
}
