//! The GB/T 2260 province → prefecture → county tree, the 兵团 divisions the standard lacks, and historical names,
//! shipped as data in the binary and loaded on first start.

use crate::audit::WriteTx;
use crate::db::{Arg, Kind};
use crate::{Result, Store, StoreError};
use chrono::Utc;
use duikou_domain::access::Actor;
use std::collections::BTreeMap;

const REGIONS: &str = include_str!("../../../data/regions.tsv");
const EXTRAS: &str = include_str!("../../../data/region_extras.tsv");
const ALIASES: &str = include_str!("../../../data/region_aliases.tsv");

/// One region row of the shipped data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRow {
    /// Six-digit code.
    pub code: String,
    /// Official name.
    pub name: String,
    /// `province`, `prefecture` or `county`.
    pub level: String,
    /// Parent code, if any.
    pub parent: Option<String>,
}

fn rows(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

/// The shipped regions, standard and extras, parents before children.
pub fn shipped_regions() -> Vec<RegionRow> {
    let mut out: Vec<RegionRow> = rows(REGIONS)
        .chain(rows(EXTRAS))
        .filter(|c| c.len() >= 3)
        .map(|c| RegionRow {
            code: c[0].trim().to_string(),
            name: c[1].trim().to_string(),
            level: c[2].trim().to_string(),
            parent: c.get(3).map(|p| p.trim().to_string()).filter(|p| !p.is_empty()),
        })
        .collect();
    let rank = |l: &str| match l {
        "province" => 0,
        "prefecture" => 1,
        _ => 2,
    };
    out.sort_by(|a, b| rank(&a.level).cmp(&rank(&b.level)).then(a.code.cmp(&b.code)));
    out
}

/// The shipped aliases: (alias, old code, current code, note).
pub fn shipped_aliases() -> Vec<(String, Option<String>, String, String)> {
    rows(ALIASES)
        .filter(|c| c.len() >= 3)
        .map(|c| {
            (
                c[0].trim().to_string(),
                Some(c[1].trim().to_string()).filter(|s| !s.is_empty()),
                c[2].trim().to_string(),
                c.get(3).map(|s| s.trim().to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

impl Store {
    /// Loads the shipped region tree when the regions table is empty; returns how many were loaded.
    pub async fn load_regions_if_empty(&self) -> Result<usize> {
        let n = self
            .db()
            .fetch_opt("SELECT COUNT(*) FROM regions", &[], &[Kind::Int])
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        if n > 0 {
            return Ok(0);
        }
        let regions = shipped_regions();
        let aliases = shipped_aliases();
        let mut alias_names: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (a, _, code, _) in &aliases {
            alias_names.entry(code.as_str()).or_default().push(a.as_str());
        }
        let mut w = WriteTx::begin(self, &Actor::system()).await?;
        let now = Utc::now();
        for chunk in regions.chunks(200) {
            let mut values = Vec::new();
            let mut args = Vec::new();
            for r in chunk {
                let base = args.len();
                values.push(format!(
                    "(1, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    base + 1,
                    base + 2,
                    base + 3,
                    base + 4,
                    base + 5,
                    base + 6,
                    base + 7
                ));
                args.push(Arg::Ts(Some(now)));
                args.push(Arg::Ts(Some(now)));
                args.push(Arg::Text(Some(r.code.clone())));
                args.push(Arg::Text(Some(r.name.clone())));
                args.push(Arg::Text(Some(r.level.clone())));
                args.push(Arg::Text(r.parent.clone()));
                args.push(Arg::Text(alias_names.get(r.code.as_str()).map(|v| v.join("、"))));
            }
            w.tx
                .execute(
                    &format!(
                        "INSERT INTO regions (version, created_at, updated_at, code, name, level, parent_code, aliases) VALUES {}",
                        values.join(", ")
                    ),
                    &args,
                )
                .await
                .map_err(|e| StoreError::Other(format!("行政区划数据载入失败：{e}")))?;
        }
        for (alias, old, code, note) in &aliases {
            w.tx.execute(
                "INSERT INTO region_aliases (alias, old_code, code, note) VALUES ($1, $2, $3, $4)",
                &[
                    Arg::Text(Some(alias.clone())),
                    Arg::Text(old.clone()),
                    Arg::Text(Some(code.clone())),
                    Arg::Text(Some(note.clone())),
                ],
            )
            .await?;
        }
        // one event per region, each committing to its row: reference data is evidence like any other table
        if let Some(def) = duikou_domain::schema::entity("regions") {
            w.seal_rows("create", def, 0).await?;
        }
        w.record(
            "load",
            "regions",
            0,
            serde_json::Value::Null,
            serde_json::json!({"regions": regions.len(), "aliases": aliases.len()}),
        )
        .await?;
        w.commit().await?;
        Ok(regions.len())
    }

    /// Resolves a name or historical name (吐鲁番地区, 农一师) or a code to a current region code; `None` when unknown
    /// or when the name is shared by several regions (then only the code says which).
    pub async fn resolve_region(&self, text: &str) -> Result<Option<String>> {
        let t = text.trim();
        let direct = self
            .db()
            .fetch(
                "SELECT code FROM regions WHERE code = $1 OR name = $1 LIMIT 2",
                &[Arg::Text(Some(t.into()))],
                &[Kind::Text],
            )
            .await?;
        match direct.len() {
            1 => return Ok(direct[0][0].text().map(str::to_string)),
            // 29 names (朝阳区 …) are shared by regions in different places: a name alone does not say which
            2.. => return Ok(None),
            _ => {}
        }
        let alias = self
            .db()
            .fetch_opt(
                "SELECT code FROM region_aliases WHERE alias = $1 OR old_code = $1 LIMIT 1",
                &[Arg::Text(Some(t.into()))],
                &[Kind::Text],
            )
            .await?;
        Ok(alias.and_then(|r| r[0].text().map(str::to_string)))
    }
}
