//! The GB/T 2260 province → prefecture → county tree, the 兵团 divisions the standard lacks, and historical names,
//! shipped as data in the binary and loaded on first start; and the towns and streets (乡镇/街道) of the NBS
//! 统计用区划代码, shipped too but loaded a county at a time, when a record first names one of them.

use crate::audit::WriteTx;
use crate::db::{Arg, Kind};
use crate::{Result, Store, StoreError};
use chrono::Utc;
use duikou_domain::access::Actor;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const REGIONS: &str = include_str!("../../../data/regions.tsv");
const EXTRAS: &str = include_str!("../../../data/region_extras.tsv");
const ALIASES: &str = include_str!("../../../data/region_aliases.tsv");
const TOWNS: &str = include_str!("../../../data/towns.tsv");

/// One region row of the shipped data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRow {
    /// Six-digit code (nine for a town).
    pub code: String,
    /// Official name.
    pub name: String,
    /// `province`, `prefecture`, `county` or `town`.
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

/// The shipped towns, `(nine-digit code, name)` in code order, read once.
fn towns() -> &'static [(&'static str, &'static str)] {
    static TOWN_LIST: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    TOWN_LIST.get_or_init(|| {
        TOWNS
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once('\t'))
            .map(|(c, n)| (c.trim(), n.trim()))
            .collect()
    })
}

/// Whether `code` is a town (乡镇/街道) code: nine digits.
pub fn is_town_code(code: &str) -> bool {
    code.len() == 9 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The name of a shipped town, by its nine-digit code.
pub fn shipped_town(code: &str) -> Option<&'static str> {
    let all = towns();
    all.binary_search_by(|(c, _)| (*c).cmp(code)).ok().map(|i| all[i].1)
}

/// The shipped towns of a county (its six-digit code), in code order.
pub fn shipped_towns(county: &str) -> Vec<RegionRow> {
    let all = towns();
    let from = all.partition_point(|(c, _)| *c < county);
    all[from..]
        .iter()
        .take_while(|(c, _)| c.starts_with(county) && county.len() == 6)
        .map(|(c, n)| RegionRow {
            code: c.to_string(),
            name: n.to_string(),
            level: "town".into(),
            parent: Some(county.to_string()),
        })
        .collect()
}

/// The codes of the shipped towns called `name`.
fn shipped_towns_named(name: &str) -> Vec<&'static str> {
    towns().iter().filter(|(_, n)| *n == name).map(|(c, _)| *c).collect()
}

/// Whether a town lies in a region: its county, prefecture or province (a prefecture's or province's code ends in
/// zeros, which the town's own code need not share).
fn town_within(town: &str, region: &str) -> bool {
    let mut prefix = region;
    while prefix.len() > 2 && prefix.ends_with("00") {
        prefix = &prefix[..prefix.len() - 2];
    }
    region.len() == 6 && town.starts_with(prefix)
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
        insert_rows(&mut w, &regions, |code| alias_names.get(code).map(|v| v.join("、")))
            .await
            .map_err(|e| StoreError::Other(format!("行政区划数据载入失败：{e}")))?;
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

    /// Loads the shipped towns of a county that are not loaded yet, as `actor`; returns how many were loaded. The
    /// county may be given by its code or name.
    pub async fn load_towns(&self, actor: &Actor, county: &str) -> Result<usize> {
        if actor.role == duikou_domain::access::Role::Viewer {
            return Err(StoreError::Forbidden("只读用户不能载入乡镇".into()));
        }
        let code = match self.resolve_region(county).await? {
            Some(c) if !is_town_code(&c) => c,
            _ => {
                return Err(StoreError::invalid(
                    "county",
                    "unknown_reference",
                    format!("找不到县级行政区划“{county}”，或有多个同名区划（请填县的名称或 6 位代码）"),
                ))
            }
        };
        let mut w = WriteTx::begin(self, actor).await?;
        let n = load_towns_in(&mut w, &code).await?;
        w.commit().await?;
        Ok(n)
    }

    /// Resolves a name or historical name (吐鲁番地区, 农一师) or a code to a current region code; `None` when unknown
    /// or when the name is shared by several regions (then only the code says which).
    pub async fn resolve_region(&self, text: &str) -> Result<Option<String>> {
        let t = text.trim();
        if let Some(code) = self.resolve_loaded(t).await? {
            // a town loaded with its county may share its name with towns of counties not loaded yet
            if is_town_code(&code) && t != code && shipped_towns_named(t).len() > 1 {
                return Ok(None);
            }
            return Ok(Some(code));
        }
        if is_town_code(t) {
            return Ok(shipped_town(t).map(|_| t.to_string()));
        }
        // a town not loaded yet: its bare name when no other town has it, or its name after its county's,
        // prefecture's or province's (绵竹市九龙镇, 德阳市九龙镇)
        let mut found = Vec::new();
        for (code, name) in towns().iter().filter(|(_, n)| t.ends_with(*n)) {
            let above = t[..t.len() - name.len()].trim();
            let inside = match above {
                "" => true,
                above => match self.resolve_loaded(above).await? {
                    Some(region) => town_within(code, &region),
                    None => false,
                },
            };
            if inside && !found.contains(code) {
                found.push(*code);
            }
        }
        Ok(match found.as_slice() {
            [one] => Some(one.to_string()),
            _ => None,
        })
    }

    /// Resolves a name, historical name or code among the regions loaded.
    async fn resolve_loaded(&self, t: &str) -> Result<Option<String>> {
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

/// Inserts region rows, 200 to a statement, each with its aliases (joined) as `aliases` says.
async fn insert_rows(
    w: &mut WriteTx,
    rows: &[RegionRow],
    aliases: impl Fn(&str) -> Option<String>,
) -> std::result::Result<(), StoreError> {
    let now = Utc::now();
    for chunk in rows.chunks(200) {
        let mut values = Vec::new();
        let mut args = Vec::new();
        for r in chunk {
            let b = args.len();
            let marks: Vec<String> = (1..=7).map(|i| format!("${}", b + i)).collect();
            values.push(format!("(1, {})", marks.join(", ")));
            args.extend([
                Arg::Ts(Some(now)),
                Arg::Ts(Some(now)),
                Arg::Text(Some(r.code.clone())),
                Arg::Text(Some(r.name.clone())),
                Arg::Text(Some(r.level.clone())),
                Arg::Text(r.parent.clone()),
                Arg::Text(aliases(&r.code)),
            ]);
        }
        w.tx.execute(
            &format!(
                "INSERT INTO regions (version, created_at, updated_at, code, name, level, parent_code, aliases) VALUES {}",
                values.join(", ")
            ),
            &args,
        )
        .await?;
    }
    Ok(())
}

/// Loads, inside `w`, the shipped towns of `county` not loaded yet; returns how many. Refuses a code that is not a
/// loaded county.
pub(crate) async fn load_towns_in(w: &mut WriteTx, county: &str) -> Result<usize> {
    let level =
        w.tx.fetch_opt(
            "SELECT level, name FROM regions WHERE code = $1",
            &[Arg::Text(Some(county.into()))],
            &[Kind::Text, Kind::Text],
        )
        .await?;
    let name = match level {
        Some(r) if r[0].text() == Some("county") => r[1].text().unwrap_or("").to_string(),
        _ => {
            return Err(StoreError::invalid(
                "county",
                "not_a_county",
                format!("“{county}”不是县级行政区划，乡镇按县载入"),
            ))
        }
    };
    let loaded: std::collections::BTreeSet<String> =
        w.tx.fetch(
            "SELECT code FROM regions WHERE parent_code = $1",
            &[Arg::Text(Some(county.into()))],
            &[Kind::Text],
        )
        .await?
        .into_iter()
        .filter_map(|r| r[0].text().map(str::to_string))
        .collect();
    let towns: Vec<RegionRow> = shipped_towns(county)
        .into_iter()
        .filter(|t| !loaded.contains(&t.code))
        .collect();
    if towns.is_empty() {
        return Ok(0);
    }
    let before =
        w.tx.fetch_opt("SELECT MAX(id) FROM regions", &[], &[Kind::Int])
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
    insert_rows(w, &towns, |_| None)
        .await
        .map_err(|e| StoreError::Other(format!("乡镇数据载入失败（{name}）：{e}")))?;
    if let Some(def) = duikou_domain::schema::entity("regions") {
        w.seal_rows("create", def, before).await?;
    }
    w.record(
        "load_towns",
        "regions",
        0,
        Value::Null,
        serde_json::json!({"county": county, "name": name, "towns": towns.len()}),
    )
    .await?;
    Ok(towns.len())
}

/// Before a record naming a town is written: loads the town's county's towns when the town is shipped but not loaded,
/// so that the reference holds. A code that is neither is left for the reference check to refuse.
pub(crate) async fn ensure_towns(
    w: &mut WriteTx,
    def: &duikou_domain::schema::EntityDef,
    rec: &Map<String, Value>,
) -> Result<()> {
    for f in def.fields.iter().filter(|f| f.refs == Some(("regions", "code"))) {
        let Some(code) = rec.get(f.name).and_then(Value::as_str) else {
            continue;
        };
        if !is_town_code(code) || shipped_town(code).is_none() {
            continue;
        }
        let present =
            w.tx.fetch_opt(
                "SELECT id FROM regions WHERE code = $1",
                &[Arg::Text(Some(code.into()))],
                &[Kind::Int],
            )
            .await?
            .is_some();
        if !present {
            load_towns_in(w, &code[..6]).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_towns_are_sorted_unique_and_under_shipped_counties() {
        let all = towns();
        assert!(all.len() > 40_000, "{}", all.len());
        assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "sorted and unique");
        let counties: std::collections::BTreeSet<String> = shipped_regions()
            .into_iter()
            .filter(|r| r.level == "county")
            .map(|r| r.code)
            .collect();
        assert!(all
            .iter()
            .all(|(c, n)| is_town_code(c) && !n.is_empty() && counties.contains(&c[..6])));
    }

    #[test]
    fn a_county_has_its_towns_and_a_town_lies_in_its_county_prefecture_and_province() {
        let mianzhu = shipped_towns("510683");
        assert!(
            mianzhu.iter().any(|t| t.code == "510683104" && t.name == "九龙镇"),
            "{mianzhu:?}"
        );
        assert!(mianzhu
            .iter()
            .all(|t| t.parent.as_deref() == Some("510683") && t.level == "town"));
        assert_eq!(shipped_town("510683104"), Some("九龙镇"));
        assert_eq!(shipped_town("510683999"), None);
        assert!(shipped_towns_named("九龙镇").len() > 1);
        for region in ["510683", "510600", "510000"] {
            assert!(town_within("510683104", region), "{region}");
        }
        assert!(!town_within("510683104", "510700"));
        assert!(!town_within("510683104", "520000"));
        assert!(shipped_towns("51068").is_empty());
    }
}
