//! The pairings as the map of who helps whom draws them for signed-in users (the dashboard): every pairing, from its
//! supporter's region to its receiver's, as wide as its projects' total investment (or the people it sent). The
//! public portal's map draws only public pairings and confirmed facts: [`crate::public::map_pairings`].

use crate::{Result, Store};
use duikou_report::{MapEnd, MapPairing};

impl Store {
    /// Every pairing (of the programs given, or of all when `programs` is empty), in program and pairing order: one
    /// read, the sums counted by the database.
    pub async fn map_pairings(&self, programs: &[i64]) -> Result<Vec<MapPairing>> {
        use crate::db::{Arg, Kind};
        let (filter, args): (String, Vec<Arg>) = if programs.is_empty() {
            (String::new(), Vec::new())
        } else {
            let marks: Vec<String> = (1..=programs.len()).map(|i| format!("${i}")).collect();
            (
                format!("WHERE p.program_id IN ({})", marks.join(", ")),
                programs.iter().map(|id| Arg::Int(Some(*id))).collect(),
            )
        };
        let rows = self
            .db()
            .fetch(
                &format!(
                    "SELECT pr.name, s.name, s.region_code, r.name, r.region_code, \
                     CAST(COALESCE((SELECT SUM(j.total_investment) FROM projects j WHERE j.pairing_id = p.id), 0) AS BIGINT), \
                     CAST((SELECT COUNT(DISTINCT d.person_id) FROM dispatches d WHERE d.pairing_id = p.id) AS BIGINT) \
                     FROM pairings p JOIN programs pr ON pr.id = p.program_id \
                     LEFT JOIN orgs s ON s.id = p.supporter_org_id LEFT JOIN orgs r ON r.id = p.receiver_org_id \
                     {filter} ORDER BY p.program_id, p.id"
                ),
                &args,
                &[Kind::Text, Kind::Text, Kind::Text, Kind::Text, Kind::Text, Kind::Int, Kind::Int],
            )
            .await?;
        let text = |v: &crate::db::Val| v.text().map(str::to_string);
        Ok(rows
            .iter()
            .map(|r| MapPairing {
                program: text(&r[0]).unwrap_or_default(),
                from: MapEnd {
                    name: text(&r[1]).unwrap_or_default(),
                    region_code: text(&r[2]),
                },
                to: MapEnd {
                    name: text(&r[3]).unwrap_or_default(),
                    region_code: text(&r[4]),
                },
                money_fen: r[5].int().unwrap_or(0),
                persons: r[6].int().unwrap_or(0),
            })
            .collect())
    }
}
