//! The public overview's read model: the published programs, each with how many pairings it has and its first
//! pairings with both orgs' names — one query per program, whatever the size of the record.

use crate::db::{Arg, Kind};
use crate::records::def;
use crate::rows::{row_json, select_cols_of};
use crate::{ListQuery, Result, Store};
use serde_json::Value;

/// A published program, its number of pairings and the first of them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublishedProgram {
    /// The program record.
    pub program: Value,
    /// How many pairings the program has.
    pub pairings_total: i64,
    /// Its first pairings by id.
    pub pairings: Vec<PublishedPairing>,
}

/// A pairing with the names of its two sides.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublishedPairing {
    /// The pairing record.
    pub pairing: Value,
    /// The supporting org's name.
    pub supporter: Option<String>,
    /// The receiving org's name.
    pub receiver: Option<String>,
}

impl Store {
    /// The published programs (at most 500) with up to `per_program` pairings each, in id order.
    pub async fn published_programs(&self, per_program: i64) -> Result<Vec<PublishedProgram>> {
        let published = ListQuery {
            filters: [("published".to_string(), "true".to_string())].into(),
            sort: Some("id".into()),
            per_page: Some(500),
            ..Default::default()
        };
        let programs = self.list("programs", &published).await?.items;
        let pairings = def("pairings")?;
        let (cols, mut kinds) = select_cols_of(pairings, "p");
        kinds.extend([Kind::Text, Kind::Text]);
        let sql = format!(
            "SELECT {}, s.name, r.name FROM pairings p \
             LEFT JOIN orgs s ON s.id = p.supporter_org_id LEFT JOIN orgs r ON r.id = p.receiver_org_id \
             WHERE p.program_id = $1 ORDER BY p.id LIMIT $2",
            cols
        );
        let mut out = Vec::with_capacity(programs.len());
        for program in programs {
            let id = Arg::Int(program["id"].as_i64());
            let pairings_total = self
                .db()
                .fetch_opt(
                    "SELECT COUNT(*) FROM pairings WHERE program_id = $1",
                    std::slice::from_ref(&id),
                    &[Kind::Int],
                )
                .await?
                .and_then(|r| r[0].int())
                .unwrap_or(0);
            let rows = self
                .db()
                .fetch(&sql, &[id, Arg::Int(Some(per_program))], &kinds)
                .await?;
            let n = kinds.len();
            let pairings = rows
                .iter()
                .map(|r| PublishedPairing {
                    pairing: row_json(pairings, &r[..n - 2]),
                    supporter: r[n - 2].text().map(str::to_string),
                    receiver: r[n - 1].text().map(str::to_string),
                })
                .collect();
            out.push(PublishedProgram {
                program,
                pairings_total,
                pairings,
            });
        }
        Ok(out)
    }
}
