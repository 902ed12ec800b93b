//! Search-as-you-type pickers: the names of pairings, orgs, people, projects, needs and regions that match what a
//! person types, found through the search index (migration 0024, [`crate::list`]'s search) and limited to what the
//! actor works on ([`access::pick_scope`]). Names for people; the value (an id, a region's code) for the form.

use crate::db::{Arg, Kind, Val};
use crate::list::{Binds, Search, SEARCH_WINDOW};
use crate::records::def;
use crate::{Result, Store, StoreError};
use duikou_domain::access::{self, Actor, PickScope};
use std::collections::{BTreeSet, HashMap};

/// What the pickers offer, by the entity they choose from.
pub const PICK_KINDS: [&str; 8] = [
    "pairings",
    "orgs",
    "people",
    "projects",
    "needs",
    "programs",
    "agreements",
    "regions",
];

/// Most choices one answer holds.
pub const PICK_LIMIT: i64 = 20;

/// A table with at most this many rows is searched whole even by a text too short for the index; a larger one by
/// its [`SEARCH_WINDOW`] newest rows, and the answer says it is partial.
const SMALL_TABLE: i64 = 50_000;

/// One choice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Picked {
    /// What the form keeps: the record's id, a region's code.
    pub value: String,
    /// What a person reads.
    pub name: String,
    /// What tells two alike apart: a pairing's program, a person's birth year and org, a region's province and city.
    pub hint: String,
}

/// The choices for one typed text.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Picks {
    /// At most [`PICK_LIMIT`] choices, oldest record first.
    pub items: Vec<Picked>,
    /// True when a text shorter than three characters was looked for only among the newest records of a large
    /// table: typing more finds the rest.
    pub partial: bool,
}

/// `col IN (…)` of a scope's org ids (integers, written out).
fn in_orgs(col: &str, orgs: &BTreeSet<i64>) -> String {
    if orgs.is_empty() {
        return "1 = 0".into();
    }
    let ids: Vec<String> = orgs.iter().map(i64::to_string).collect();
    format!("{col} IN ({})", ids.join(", "))
}

/// The condition on `pairings` (unqualified columns) of the pairings a scope offers.
fn pairing_scope(scope: &PickScope<'_>) -> String {
    match scope {
        PickScope::All => "1 = 1".into(),
        PickScope::Supporting(o) => in_orgs("supporter_org_id", o),
        PickScope::Receiving(o) => in_orgs("receiver_org_id", o),
        PickScope::Leading(o) => format!(
            "program_id IN (SELECT id FROM programs WHERE {})",
            in_orgs("authority_org_id", o)
        ),
        PickScope::EitherSide(o) => format!(
            "({} OR {})",
            in_orgs("supporter_org_id", o),
            in_orgs("receiver_org_id", o)
        ),
    }
}

/// The programs within `scope`: those it leads, else those of the pairings it works on.
fn program_scope(scope: &PickScope<'_>) -> String {
    match scope {
        PickScope::All => "1 = 1".into(),
        PickScope::Leading(o) => in_orgs("authority_org_id", o),
        _ => format!("id IN (SELECT program_id FROM pairings WHERE {})", pairing_scope(scope)),
    }
}

/// The orgs a scope offers: its own and both sides of its pairings (a condition on `col`, an org id).
fn org_scope(col: &str, scope: &PickScope<'_>) -> String {
    let own = match scope {
        PickScope::All => return "1 = 1".into(),
        PickScope::Supporting(o) | PickScope::Receiving(o) | PickScope::Leading(o) | PickScope::EitherSide(o) => {
            in_orgs(col, o)
        }
    };
    let p = pairing_scope(scope);
    format!(
        "({own} OR {col} IN (SELECT supporter_org_id FROM pairings WHERE {p}) \
         OR {col} IN (SELECT receiver_org_id FROM pairings WHERE {p}))"
    )
}

impl Store {
    /// The ids of `entity`'s records matching `search`, as a subquery, and whether it looked at only part of the
    /// table (a text too short for the index, on a large table).
    async fn matching(&self, entity: &str, search: &Search, b: &mut Binds) -> Result<(String, bool)> {
        let d = def(entity)?;
        let cond = search.sql(self.backend(), d, b);
        if search.indexed {
            return Ok((format!("SELECT id FROM {entity} WHERE {cond}"), false));
        }
        let rows = self.row_counts().await?.get(entity).copied().unwrap_or(0);
        if rows <= SMALL_TABLE {
            return Ok((format!("SELECT id FROM {entity} WHERE {cond}"), false));
        }
        let window = b.push(Arg::Int(Some(SEARCH_WINDOW)));
        Ok((
            format!("SELECT id FROM (SELECT * FROM {entity} ORDER BY id DESC LIMIT {window}) w WHERE {cond}"),
            true,
        ))
    }

    /// The choices of `kind` (one of [`PICK_KINDS`]) whose names contain `q`, within what `actor` works on; at most
    /// `limit` (1 to [`PICK_LIMIT`]). An empty text answers no choices.
    pub async fn pick(&self, actor: &Actor, kind: &str, q: &str, limit: i64) -> Result<Picks> {
        if !PICK_KINDS.contains(&kind) {
            return Err(StoreError::invalid(
                "kind",
                "unknown_kind",
                format!("不能按名称选择“{kind}”，可选：结对、单位、人员、项目、需求、计划、协议、行政区划"),
            ));
        }
        if q.chars().count() > 100 {
            return Err(StoreError::invalid("q", "too_long", "要查找的名称（q）最多 100 个字"));
        }
        let Some(search) = Search::new(q) else {
            return Ok(Picks {
                items: Vec::new(),
                partial: false,
            });
        };
        let limit = limit.clamp(1, PICK_LIMIT);
        let scope = access::pick_scope(actor);
        let mut b = Binds::default();
        let (sql, partial, kinds): (String, bool, Vec<Kind>) = match kind {
            "pairings" => {
                let (orgs, p1) = self.matching("orgs", &search, &mut b).await?;
                let (programs, p2) = self.matching("programs", &search, &mut b).await?;
                let (notes, p3) = self.matching("pairings", &search, &mut b).await?;
                let lim = b.push(Arg::Int(Some(limit)));
                (
                    format!(
                        "SELECT p.id, s.name, r.name, g.name FROM pairings p JOIN orgs s ON s.id = p.supporter_org_id \
                         JOIN orgs r ON r.id = p.receiver_org_id JOIN programs g ON g.id = p.program_id \
                         WHERE p.id IN (SELECT id FROM pairings WHERE {scope} AND (supporter_org_id IN ({orgs}) \
                         OR receiver_org_id IN ({orgs}) OR program_id IN ({programs}) OR id IN ({notes}))) \
                         ORDER BY p.id LIMIT {lim}",
                        scope = pairing_scope(&scope)
                    ),
                    p1 || p2 || p3,
                    vec![Kind::Int, Kind::Text, Kind::Text, Kind::Text],
                )
            }
            "orgs" => {
                let (m, partial) = self.matching("orgs", &search, &mut b).await?;
                let lim = b.push(Arg::Int(Some(limit)));
                (
                    format!(
                        "SELECT o.id, o.name, o.short_name, u.name FROM orgs o LEFT JOIN orgs u ON u.id = o.parent_id \
                         WHERE o.id IN ({m}) AND {} ORDER BY o.id LIMIT {lim}",
                        org_scope("o.id", &scope)
                    ),
                    partial,
                    vec![Kind::Int, Kind::Text, Kind::Text, Kind::Text],
                )
            }
            "people" => {
                let (m, partial) = self.matching("people", &search, &mut b).await?;
                let lim = b.push(Arg::Int(Some(limit)));
                (
                    format!(
                        "SELECT p.id, p.name, p.birth_year, o.name FROM people p LEFT JOIN orgs o ON o.id = p.home_org_id \
                         WHERE p.id IN ({m}) AND {} ORDER BY p.id LIMIT {lim}",
                        org_scope("p.home_org_id", &scope)
                    ),
                    partial,
                    vec![Kind::Int, Kind::Text, Kind::Int, Kind::Text],
                )
            }
            "programs" => {
                let (m, partial) = self.matching("programs", &search, &mut b).await?;
                let lim = b.push(Arg::Int(Some(limit)));
                (
                    format!(
                        "SELECT g.id, g.name, a.name, '' FROM programs g LEFT JOIN orgs a ON a.id = g.authority_org_id \
                         WHERE g.id IN ({m}) AND g.id IN (SELECT id FROM programs WHERE {}) ORDER BY g.id LIMIT {lim}",
                        program_scope(&scope)
                    ),
                    partial,
                    vec![Kind::Int, Kind::Text, Kind::Text, Kind::Text],
                )
            }
            "projects" | "needs" | "agreements" => {
                let (m, partial) = self.matching(kind, &search, &mut b).await?;
                let lim = b.push(Arg::Int(Some(limit)));
                let name = if kind == "projects" { "name" } else { "title" };
                (
                    format!(
                        "SELECT x.id, x.{name}, s.name, r.name FROM {kind} x JOIN pairings p ON p.id = x.pairing_id \
                         JOIN orgs s ON s.id = p.supporter_org_id JOIN orgs r ON r.id = p.receiver_org_id \
                         WHERE x.id IN ({m}) AND x.pairing_id IN (SELECT id FROM pairings WHERE {}) \
                         ORDER BY x.id LIMIT {lim}",
                        pairing_scope(&scope)
                    ),
                    partial,
                    vec![Kind::Int, Kind::Text, Kind::Text, Kind::Text],
                )
            }
            // regions: the shared reference of every record, the same for everyone
            _ => {
                let (m, partial) = self.matching("regions", &search, &mut b).await?;
                let lim = b.push(Arg::Int(Some(limit)));
                (
                    format!(
                        "SELECT id, code, name, parent_code FROM regions WHERE id IN ({m}) \
                         ORDER BY LENGTH(code), code LIMIT {lim}"
                    ),
                    partial,
                    vec![Kind::Int, Kind::Text, Kind::Text, Kind::Text],
                )
            }
        };
        let rows = self.db().fetch(&sql, &b.0, &kinds).await?;
        let text = |v: &Val| v.text().unwrap_or("").to_string();
        let items = match kind {
            "regions" => self.region_choices(&rows).await?,
            _ => rows
                .iter()
                .map(|r| {
                    let value = r[0].int().unwrap_or(0).to_string();
                    let (name, hint) = match kind {
                        "pairings" => (format!("{} → {}", text(&r[1]), text(&r[2])), text(&r[3])),
                        "programs" => (text(&r[1]), text(&r[2])),
                        "orgs" => {
                            let short = text(&r[2]);
                            let parent = text(&r[3]);
                            let hint = [short, parent].into_iter().filter(|s| !s.is_empty());
                            (text(&r[1]), hint.collect::<Vec<_>>().join("，"))
                        }
                        "people" => {
                            let born = r[2].int().map(|y| format!("{y}年生")).into_iter();
                            let org = Some(text(&r[3])).filter(|s| !s.is_empty()).into_iter();
                            (text(&r[1]), born.chain(org).collect::<Vec<_>>().join("，"))
                        }
                        _ => (text(&r[1]), format!("{} → {}", text(&r[2]), text(&r[3]))),
                    };
                    Picked { value, name, hint }
                })
                .collect(),
        };
        Ok(Picks { items, partial })
    }

    /// Regions as choices: the code kept, the name read, and the province and city above it as the hint.
    async fn region_choices(&self, rows: &[Vec<Val>]) -> Result<Vec<Picked>> {
        // (code → (name, parent code)) of the regions and every region above them, read a level at a time
        let mut known: HashMap<String, (String, Option<String>)> = HashMap::new();
        for r in rows {
            if let Some(code) = r[1].text() {
                let parent = r[3].text().map(str::to_string);
                known.insert(code.to_string(), (r[2].text().unwrap_or("").to_string(), parent));
            }
        }
        for _ in 0..4 {
            let wanted: BTreeSet<String> = known
                .values()
                .filter_map(|(_, p)| p.clone())
                .filter(|p| !known.contains_key(p))
                .collect();
            if wanted.is_empty() {
                break;
            }
            let args: Vec<Arg> = wanted.iter().map(|c| Arg::Text(Some(c.clone()))).collect();
            let marks: Vec<String> = (1..=args.len()).map(|i| format!("${i}")).collect();
            let found = self
                .db()
                .fetch(
                    &format!(
                        "SELECT code, name, parent_code FROM regions WHERE code IN ({})",
                        marks.join(", ")
                    ),
                    &args,
                    &[Kind::Text, Kind::Text, Kind::Text],
                )
                .await?;
            for f in &found {
                if let Some(code) = f[0].text() {
                    let parent = f[2].text().map(str::to_string);
                    known.insert(code.to_string(), (f[1].text().unwrap_or("").to_string(), parent));
                }
            }
            // a parent code that names no region stops the walk there
            for w in wanted {
                known.entry(w).or_insert_with(|| (String::new(), None));
            }
        }
        Ok(rows
            .iter()
            .map(|r| {
                let code = r[1].text().unwrap_or("").to_string();
                let mut above = Vec::new();
                let mut at = r[3].text().map(str::to_string);
                while let Some(p) = at {
                    match known.get(&p) {
                        Some((name, next)) if !name.is_empty() && above.len() < 4 => {
                            above.push(name.clone());
                            at = next.clone();
                        }
                        _ => break,
                    }
                }
                above.reverse();
                Picked {
                    value: code,
                    name: r[2].text().unwrap_or("").to_string(),
                    hint: above.join(" › "),
                }
            })
            .collect())
    }
}
