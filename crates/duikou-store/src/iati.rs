//! A published program as an IATI 2.03 activity file: one `iati-activity` per public pairing, built from exactly
//! what the public portal shows ([`crate::public`]: confirmed facts of public pairings, no personal data), with the
//! codes of [`duikou_domain::iati`]. The mapping is documented in `docs/iati.md`.

use crate::db::Arg;
use crate::public::{IndicatorChange, PublicFacts, PublicPairing};
use crate::{Result, Store, StoreError};
use chrono::{Datelike, NaiveDate};
use duikou_domain::iati as code;
use duikou_domain::{schema, Calendar, Money, Period, Precision, RecDate};
use duikou_report::{
    IatiActivity, IatiBudget, IatiDocument, IatiFile, IatiLocation, IatiOrg, IatiResult, IatiSector, IatiTransaction,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// What the file says of itself when it has activities.
pub const IATI_NOTE: &str =
    "duikou 对口支援记录的 IATI 2.03 导出：每个公开结对一个 iati-activity；只含受援方已确认的事实，\
不含任何个人信息；金额单位为人民币元（CNY）。字段对应见 docs/iati.md。";
/// Why a file has no activity: the program has no public pairing.
pub const IATI_NO_PAIRING: &str = "本计划没有公开的结对，因此没有可导出的 iati-activity。";
/// Why a file has no activity: nothing the public may see was confirmed.
pub const IATI_NO_FACTS: &str = "本计划暂无已确认的公开事实（只导出受援方已确认的事实，待确认或有异议的不导出），\
因此没有可导出的 iati-activity。";

/// An org as the export needs it.
struct Org {
    id: i64,
    name: String,
    kind: String,
    region_code: Option<String>,
}

impl Org {
    fn iati(&self) -> IatiOrg {
        IatiOrg {
            reference: Some(code::org_ref(self.id)),
            org_type: Some(code::org_type(&self.kind)),
            name: self.name.clone(),
        }
    }
}

fn text(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or("").to_string()
}

fn rec_date(s: Option<&str>) -> Option<RecDate> {
    s.and_then(|s| s.parse().ok())
}

impl Store {
    async fn iati_org(&self, id: i64) -> Result<Org> {
        let o = self.get("orgs", id).await?;
        Ok(Org {
            id,
            name: text(&o, "name"),
            kind: text(&o, "kind"),
            region_code: o["region_code"].as_str().map(str::to_string),
        })
    }

    async fn region_name(&self, code: &str) -> Result<Option<String>> {
        let rows = self
            .all_where_in_args("regions", "code", &[Arg::Text(Some(code.to_string()))], "", &[])
            .await?;
        Ok(rows.first().map(|r| text(r, "name")))
    }

    /// A published program as an IATI file on `today` (which decides each activity's status and which of its dates
    /// are actual), stamped `generated`; `None` when the program is not public (unknown and unpublished alike).
    /// `site`, the portal's public address (`https://duikou.example.cn`), when known, gives each activity its
    /// documents: its public page and its confirmed facts as CSV (no other document is ever public).
    pub async fn iati_program(
        &self,
        program: i64,
        today: NaiveDate,
        generated: &str,
        site: Option<&str>,
    ) -> Result<Option<IatiFile>> {
        let Some((view, facts)) = self.public_program_facts(program).await? else {
            return Ok(None);
        };
        let mut file = IatiFile {
            generated: generated.to_string(),
            note: IATI_NOTE.to_string(),
            activities: Vec::new(),
            currency: "CNY",
        };
        if view.pairings.is_empty() {
            file.note = format!("{IATI_NOTE}{IATI_NO_PAIRING}");
            return Ok(Some(file));
        }
        if facts.is_empty() {
            file.note = format!("{IATI_NOTE}{IATI_NO_FACTS}");
            return Ok(Some(file));
        }
        let p = self.get("programs", program).await?;
        let authority_id = p["authority_org_id"]
            .as_i64()
            .ok_or_else(|| StoreError::Other("计划缺少主管单位".into()))?;
        let authority = self.iati_org(authority_id).await?;
        for pairing in &view.pairings {
            let mut a = self.iati_activity(program, &authority, pairing, &facts, today).await?;
            a.documents = iati_documents(site, pairing);
            file.activities.push(a);
        }
        Ok(Some(file))
    }

    async fn iati_activity(
        &self,
        program: i64,
        authority: &Org,
        pairing: &PublicPairing,
        facts: &PublicFacts,
        today: NaiveDate,
    ) -> Result<IatiActivity> {
        let pr = self.get("pairings", pairing.id).await?;
        let supporter = self.iati_org(pr["supporter_org_id"].as_i64().unwrap_or(0)).await?;
        let receiver = self.iati_org(pr["receiver_org_id"].as_i64().unwrap_or(0)).await?;
        let start = rec_date(pairing.start_date.as_deref()).map(|d| d.first);
        let end = rec_date(pairing.end_date.as_deref()).map(|d| d.last());
        let term = match (&pairing.start_date, &pairing.end_date) {
            (Some(s), Some(e)) => format!("，期限 {s} 至 {e}"),
            (Some(s), None) => format!("，自 {s} 起"),
            (None, Some(e)) => format!("，至 {e}"),
            (None, None) => String::new(),
        };
        let level = schema::value_label("pairings", "level", &pairing.level);
        let location = match &receiver.region_code {
            Some(c) => self.region_name(c).await?.map(|name| IatiLocation {
                reference: format!("CN-GBT2260-{c}"),
                name: format!("{name}（GB/T 2260 行政区划代码 {c}）"),
                class: "1",
            }),
            None => None,
        };

        let mine = |pid: i64| pid == pairing.id;
        let projects: Vec<_> = facts.projects.iter().filter(|x| mine(x.pairing_id)).collect();
        let transactions: Vec<_> = facts.transactions.iter().filter(|x| mine(x.pairing_id)).collect();

        // sectors: the confirmed projects' categories, shared by how many projects each has (DAC and duikou's own);
        // with no project, one DAC sector from the receiver's kind
        let mut categories: BTreeMap<String, u64> = BTreeMap::new();
        for x in &projects {
            *categories.entry(x.category.clone()).or_default() += 1;
        }
        let mut sectors = Vec::new();
        if categories.is_empty() {
            let (c, name) = code::dac_sector_of_receiver(&receiver.kind);
            sectors.push(IatiSector {
                vocabulary: "1",
                code: c.into(),
                name: name.into(),
                percentage: None,
            });
        } else {
            let mut dac: BTreeMap<&str, (&str, u64)> = BTreeMap::new();
            for (cat, n) in &categories {
                let (c, name) = code::dac_sector(cat);
                dac.entry(c).or_insert((name, 0)).1 += n;
            }
            let shares = code::percentages(&dac.values().map(|v| v.1).collect::<Vec<_>>());
            for ((c, (name, _)), pct) in dac.into_iter().zip(shares) {
                sectors.push(IatiSector {
                    vocabulary: "1",
                    code: c.into(),
                    name: name.into(),
                    percentage: pct,
                });
            }
            let shares = code::percentages(&categories.values().copied().collect::<Vec<_>>());
            for ((cat, _), pct) in categories.iter().zip(shares) {
                sectors.push(IatiSector {
                    vocabulary: "99",
                    code: cat.clone(),
                    name: schema::value_label("projects", "category", cat),
                    percentage: pct,
                });
            }
        }

        // transactions and yearly budgets (the confirmed commitments of each year)
        let mut out_tx = Vec::new();
        let mut budgets: BTreeMap<i32, Money> = BTreeMap::new();
        for t in &transactions {
            let (Some(kind), Some(date)) = (code::transaction_type(&t.kind), rec_date(t.date.as_deref())) else {
                continue;
            };
            let source = schema::value_label("transactions", "source", &t.source);
            let mut description = format!("项目：{}；资金来源：{source}", t.project);
            if date.precision != Precision::Day {
                description.push_str(&format!("；日期仅知到{}，记为其第一天", date.label_zh()));
            }
            let provider = if t.source == "supporter" {
                supporter.iati()
            } else {
                IatiOrg {
                    reference: None,
                    org_type: None,
                    name: source.clone(),
                }
            };
            if t.kind == "commitment" {
                let e = budgets.entry(date.first.year()).or_default();
                *e = e.saturating_add(t.amount);
            }
            out_tx.push(IatiTransaction {
                transaction_type: kind,
                date: date.first,
                value: t.amount.to_string(),
                description,
                provider: Some(provider),
                receiver: Some(receiver.iati()),
            });
        }
        // a plan's aid money is the supporter's commitment when the plan begins (a plan held by a larger one is
        // within that one's money, so it is not committed again)
        for g in facts.plans.iter().filter(|g| mine(g.pairing_id) && !g.within_larger) {
            let (Some(amount), Some(date)) = (g.aid_amount, rec_date(g.start_on.as_deref())) else {
                continue;
            };
            let mut description = format!("援建计划/批次：{}", g.name);
            if let Some(n) = g.project_count {
                description.push_str(&format!("（{n}项）"));
            }
            if date.precision != Precision::Day {
                description.push_str(&format!("；日期仅知到{}，记为其第一天", date.label_zh()));
            }
            if g.end_on.is_none() {
                let e = budgets.entry(date.first.year()).or_default();
                *e = e.saturating_add(amount);
            }
            out_tx.push(IatiTransaction {
                transaction_type: code::transaction_type("commitment").unwrap_or("2"),
                date: date.first,
                value: amount.to_string(),
                description,
                provider: Some(supporter.iati()),
                receiver: Some(receiver.iati()),
            });
        }
        let budgets = budgets
            .into_iter()
            .filter_map(|(y, amount)| {
                Some(IatiBudget {
                    budget_type: "1",
                    status: "2",
                    start: NaiveDate::from_ymd_opt(y, 1, 1)?,
                    end: NaiveDate::from_ymd_opt(y, 12, 31)?,
                    value: amount.to_string(),
                })
            })
            .collect();

        let results = facts
            .indicators
            .iter()
            .filter(|i| i.receiver == pairing.receiver)
            .filter_map(iati_result)
            .collect();

        let mut dates = code::activity_dates(start, end, today);
        if dates.is_empty() {
            // a pairing with no known term: the program's term stands for it
            let p = self.get("programs", program).await?;
            let ps = RecDate::of(&p["start_date"]).map(|d| d.first);
            let pe = RecDate::of(&p["end_date"]).map(|d| d.last());
            dates = code::activity_dates(ps, pe, today);
        }
        Ok(IatiActivity {
            identifier: code::activity_identifier(authority.id, program, pairing.id),
            reporting_org: authority.iati(),
            title: format!("{}对口支援{}", supporter.name, receiver.name),
            description: format!(
                "{}：{}（支援方）与{}（受援方）结对，层级{level}{term}。",
                pairing.program, supporter.name, receiver.name
            ),
            participating: vec![
                (code::ROLE_SUPPORTER, supporter.iati()),
                (code::ROLE_AUTHORITY, authority.iati()),
                (code::ROLE_RECEIVER, receiver.iati()),
            ],
            status: code::activity_status(start, end, today),
            dates,
            country: "CN",
            location,
            sectors,
            budgets,
            transactions: out_tx,
            // the pairing's public page and facts, when the portal's address is known ([`iati_documents`]);
            // uploaded documents are never public (the portal's allow-list)
            documents: Vec::new(),
            results,
        })
    }
}

fn period_bounds(p: &str) -> Option<(NaiveDate, NaiveDate)> {
    p.parse::<Period>().ok()?.bounds(&Calendar::school(), None)
}

/// An indicator's earliest and latest value as an impact result (the region's or org's own figure, which the aid
/// contributes to); `None` when a period cannot be read.
fn iati_result(i: &IndicatorChange) -> Option<IatiResult> {
    let base = period_bounds(&i.baseline_period)?;
    let latest = period_bounds(&i.latest_period)?;
    Some(IatiResult {
        result_type: "3",
        title: format!("{}：{}", i.receiver, i.indicator),
        // IndicatorMeasure: 2 percentage for a unit of %, else 1 unit
        measure: if i.unit.trim() == "%" || i.unit.trim() == "％" {
            "2"
        } else {
            "1"
        },
        indicator: format!("{}（{}）", i.indicator, i.unit),
        baseline_year: base.0.year(),
        baseline_date: base.0,
        baseline_value: i.baseline.to_string(),
        baseline_comment: format!("基期 {}", i.baseline_period),
        period: latest,
        actual_value: i.latest.to_string(),
    })
}

/// The moment a file is made (`2026-12-06T09:00:00Z`) and the day it is in China (UTC+8), which decides each
/// activity's status.
pub fn now() -> (String, NaiveDate) {
    let now = chrono::Utc::now();
    let today = (now + chrono::Duration::hours(8)).date_naive();
    (now.format("%Y-%m-%dT%H:%M:%SZ").to_string(), today)
}

/// A public pairing's documents in an IATI file: its page on the portal (DocumentCategory A12, activity web page) and
/// its confirmed facts as CSV (A08, results, outcomes and outputs), at the portal's public address `site`; none when
/// the address is not known (a relative link means nothing to a reader of the file) or is not an http(s) address.
pub fn iati_documents(site: Option<&str>, pairing: &PublicPairing) -> Vec<IatiDocument> {
    let Some(site) = site
        .map(|s| s.trim().trim_end_matches('/'))
        .filter(|s| (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace))
    else {
        return Vec::new();
    };
    let title = format!("{} → {}", pairing.supporter, pairing.receiver);
    vec![
        IatiDocument {
            url: format!("{site}/public/pairings/{}", pairing.id),
            format: "text/html".into(),
            title: format!("{title}：公开页面（结对、主要数字、前后对比）"),
            category: "A12",
            date: None,
        },
        IatiDocument {
            url: format!("{site}/api/v1/public/pairings/{}/facts.csv", pairing.id),
            format: "text/csv".into(),
            title: format!("{title}：受援方已确认的公开事实（CSV）"),
            category: "A08",
            date: None,
        },
    ]
}
