//! Project groups (援建计划/批次) hold their parts: the projects filed under a plan, the plans under a larger plan
//! and the plan's category shares may not add up to more than the plan states (issue #16 item 3). Checked on every
//! write of any of them, inside the writing transaction, against the figures as written: "300余项" holds any number
//! of projects from 300 up, "近300项" at most 300, so a write is refused only when the excess is certain.

use crate::db::{Arg, Kind, Tx, Val};
use crate::{Result, Store};
use duikou_domain::approx::{self, Figure};
use duikou_domain::schema::{EntityDef, FieldKind};
use duikou_domain::{Money, ValidationErrors};
use serde_json::{Map, Value};

/// A figure of a group (or a part) as the record states it: the value and its companions.
fn stated(rec: &Map<String, Value>, field: &str, kind: FieldKind) -> Option<Figure> {
    approx::figure_of(kind, &Value::Object(rec.clone()), field)
}

/// A figure read from three columns (value, qualifier, upper) of a row.
fn from_cols(cols: &[Val]) -> Option<Figure> {
    Some(Figure {
        value: cols[0].int()?,
        qualifier: cols[1].text().and_then(|q| q.parse().ok()),
        upper: cols[2].int(),
    })
}

/// One measure of a group checked against its parts: the group's field, the parts' kind and how to tell it.
struct Measure {
    field: &'static str,
    kind: FieldKind,
    label: &'static str,
}

const COUNT: Measure = Measure {
    field: "project_count",
    kind: FieldKind::Int,
    label: "项目数",
};
const INVESTMENT: Measure = Measure {
    field: "total_investment",
    kind: FieldKind::Money,
    label: "总投资",
};
const AID: Measure = Measure {
    field: "aid_amount",
    kind: FieldKind::Money,
    label: "援助资金",
};

fn shown(kind: FieldKind, raw: i64, unit: &str) -> String {
    match kind {
        FieldKind::Money => format!("{}元", Money::from_fen(raw)),
        _ => format!("{raw}{unit}"),
    }
}

/// The record being written, as it would be: which entity, its id (none on create) and its fields.
pub(crate) struct Writing<'a> {
    pub(crate) def: &'a EntityDef,
    pub(crate) id: Option<i64>,
    pub(crate) rec: &'a Map<String, Value>,
}

impl Writing<'_> {
    fn is(&self, entity: &str) -> bool {
        self.def.name == entity
    }
}

impl Store {
    /// Refuses a write after which a group's parts would certainly add up to more than the group states: the group
    /// the written record belongs to (a project's plan, a share's plan, a plan's larger plan) and, when a plan
    /// itself is written, the plan against its own parts.
    pub(crate) async fn check_group_parts(tx: &mut Tx, w: &Writing<'_>) -> Result<()> {
        let parent_field = match w.def.name {
            "projects" | "project_group_shares" => "group_id",
            "project_groups" => "parent_id",
            _ => return Ok(()),
        };
        if let Some(group) = w.rec.get(parent_field).and_then(Value::as_i64) {
            let stated_group = Self::group_row(tx, group).await?;
            if let Some(g) = stated_group {
                Self::check_one_group(tx, group, &g, w, parent_field).await?;
            }
        }
        if w.is("project_groups") {
            if let Some(id) = w.id {
                // the plan's own figures as they would be, against the parts it already has
                Self::check_one_group(tx, id, w.rec, w, "").await?;
            }
        }
        Ok(())
    }

    /// A stored group's figures, as a record map.
    async fn group_row(tx: &mut Tx, id: i64) -> Result<Option<Map<String, Value>>> {
        let mut cols = Vec::new();
        for m in [&COUNT, &INVESTMENT, &AID] {
            cols.push(m.field.to_string());
            cols.push(format!("{}_approx", m.field));
            cols.push(format!("{}_upper", m.field));
        }
        let kinds = [Kind::Int, Kind::Text, Kind::Int].repeat(3);
        let Some(row) = tx
            .fetch_opt(
                &format!("SELECT {}, name FROM project_groups WHERE id = $1", cols.join(", ")),
                &[Arg::Int(Some(id))],
                &[kinds, vec![Kind::Text]].concat(),
            )
            .await?
        else {
            return Ok(None);
        };
        let mut rec = Map::new();
        for (i, m) in [&COUNT, &INVESTMENT, &AID].iter().enumerate() {
            if let Some(fig) = from_cols(&row[i * 3..i * 3 + 3]) {
                rec.insert(m.field.into(), approx::raw_json(m.kind, fig.value));
                if let Some(q) = fig.qualifier {
                    rec.insert(format!("{}_approx", m.field), Value::from(q.word()));
                }
                if let Some(u) = fig.upper {
                    rec.insert(format!("{}_upper", m.field), approx::raw_json(m.kind, u));
                }
            }
        }
        rec.insert("name".into(), row[9].text().map(Value::from).unwrap_or(Value::Null));
        Ok(Some(rec))
    }

    /// Figures of one column over the stored rows of `table` under `group` (by `key`), leaving out the row being
    /// written (it is added as it would be).
    async fn part_figures(
        tx: &mut Tx,
        table: &str,
        key: &str,
        field: &str,
        group: i64,
        w: &Writing<'_>,
    ) -> Result<Vec<Figure>> {
        let skip = if w.is(table) { w.id.unwrap_or(0) } else { 0 };
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {field}, {field}_approx, {field}_upper FROM {table} \
                     WHERE {key} = $1 AND id <> $2 AND {field} IS NOT NULL"
                ),
                &[Arg::Int(Some(group)), Arg::Int(Some(skip))],
                &[Kind::Int, Kind::Text, Kind::Int],
            )
            .await?;
        let mut out: Vec<Figure> = rows.iter().filter_map(|r| from_cols(r)).collect();
        if w.is(table) && w.rec.get(key).and_then(Value::as_i64) == Some(group) {
            let kind = if field == "project_count" {
                FieldKind::Int
            } else {
                FieldKind::Money
            };
            out.extend(stated(w.rec, field, kind));
        }
        Ok(out)
    }

    /// The number of projects filed under `group`, the written one counted as it would be.
    async fn member_count(tx: &mut Tx, group: i64, w: &Writing<'_>) -> Result<i64> {
        let skip = if w.is("projects") { w.id.unwrap_or(0) } else { 0 };
        let n = tx
            .fetch_opt(
                "SELECT COUNT(*) FROM projects WHERE group_id = $1 AND id <> $2",
                &[Arg::Int(Some(group)), Arg::Int(Some(skip))],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        let own = w.is("projects") && w.rec.get("group_id").and_then(Value::as_i64) == Some(group);
        Ok(n + i64::from(own))
    }

    /// Checks one group's stated figures against each set of its parts. `via` names the written record's field
    /// that points at the group (blank when the group itself is written), so the message names it.
    async fn check_one_group(
        tx: &mut Tx,
        group: i64,
        g: &Map<String, Value>,
        w: &Writing<'_>,
        via: &str,
    ) -> Result<()> {
        let name = g
            .get("name")
            .and_then(Value::as_str)
            .or_else(|| w.rec.get("name").and_then(Value::as_str))
            .unwrap_or("")
            .to_string();
        let members = Self::member_count(tx, group, w).await?;
        let sets: Vec<(&Measure, &str, Vec<Figure>)> = vec![
            (&COUNT, "所属项目和下级计划的项目数", {
                let mut v = vec![Figure::exact(members)];
                v.extend(Self::part_figures(tx, "project_groups", "parent_id", "project_count", group, w).await?);
                v
            }),
            (
                &COUNT,
                "分类构成的项目数",
                Self::part_figures(tx, "project_group_shares", "group_id", "project_count", group, w).await?,
            ),
            (&INVESTMENT, "所属项目和下级计划的总投资", {
                let mut v = Self::part_figures(tx, "projects", "group_id", "total_investment", group, w).await?;
                v.extend(Self::part_figures(tx, "project_groups", "parent_id", "total_investment", group, w).await?);
                v
            }),
            (
                &AID,
                "下级计划的援助资金",
                Self::part_figures(tx, "project_groups", "parent_id", "aid_amount", group, w).await?,
            ),
            (
                &AID,
                "分类构成的援助资金",
                Self::part_figures(tx, "project_group_shares", "group_id", "aid_amount", group, w).await?,
            ),
        ];
        let mut errors = ValidationErrors::new();
        for (m, parts, figures) in sets {
            let whole = stated(g, m.field, m.kind);
            if let Some((least, most)) = approx::parts_exceed(whole, figures) {
                let unit = if m.kind == FieldKind::Int { "项" } else { "" };
                let field = if via.is_empty() { m.field } else { via };
                errors.add(
                    field,
                    "group_exceeded",
                    format!(
                        "援建计划/批次“{name}”的{}至多为{}，而{parts}合计已至少{}：请核对计划的{}或所属关系",
                        m.label,
                        shown(m.kind, most, unit),
                        shown(m.kind, least, unit),
                        m.label
                    ),
                );
            }
        }
        errors.into_result().map_err(Into::into)
    }
}
