//! Creating many records of one kind at once (imports): the same checks as [`Store::create_in`], asked once per
//! distinct parent, reference, pairing and lock instead of once per row, and rows written with multi-row statements.

use crate::audit::WriteTx;
use crate::db::{Arg, Backend, Kind, Tx, Val};
use crate::rows::{columns, from_val, precision_arg, precision_col, to_arg};
use crate::{Result, Store, StoreError};
use chrono::Utc;
use duikou_domain::access::{self, Actor, Role, Sides, Target};
use duikou_domain::schema::{self, EntityDef, FieldKind, Owner};
use duikou_domain::ValidationErrors;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// Values asked about in one `IN (…)` list.
const IN_CHUNK: usize = 500;

/// Whether [`Store::create_many_in`] can take records of `def`: pairing-bound facts whose checks are all per pairing
/// and per reference (no natural key, no special authorisation, nothing the system alone writes).
pub fn bulk_capable(def: &EntityDef) -> bool {
    def.has_pairing()
        && def.natural_key.is_empty()
        && matches!(def.owner, Owner::Supporter | Owner::Receiver | Owner::Shared)
        && !matches!(
            def.name,
            "pairings" | "obligations" | "people" | "indicator_values" | "document_links" | "programs"
        )
}

/// Reads `SELECT key, extra… FROM table WHERE key IN (values)` in chunks.
async fn lookup(
    tx: &mut Tx,
    table: &str,
    key: &str,
    extra: &[&str],
    values: &BTreeSet<ArgKey>,
    kinds: &[Kind],
) -> Result<Vec<Vec<Val>>> {
    let mut out = Vec::new();
    let values: Vec<&ArgKey> = values.iter().collect();
    for chunk in values.chunks(IN_CHUNK) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let cols: Vec<&str> = std::iter::once(key).chain(extra.iter().copied()).collect();
        let sql = format!(
            "SELECT {} FROM {table} WHERE {key} IN ({})",
            cols.join(", "),
            marks.join(", ")
        );
        let args: Vec<Arg> = chunk.iter().map(|k| k.arg()).collect();
        out.extend(tx.fetch(&sql, &args, kinds).await?);
    }
    Ok(out)
}

/// A reference value as a map key: an id or a code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum ArgKey {
    Int(i64),
    Text(String),
}

impl ArgKey {
    fn of(v: &Value) -> Option<ArgKey> {
        match v {
            Value::Number(n) => n.as_i64().map(ArgKey::Int),
            Value::String(s) => Some(ArgKey::Text(s.clone())),
            _ => None,
        }
    }

    fn of_val(v: &Val) -> Option<ArgKey> {
        match v {
            Val::Int(Some(i)) => Some(ArgKey::Int(*i)),
            Val::Text(Some(s)) => Some(ArgKey::Text(s.clone())),
            _ => None,
        }
    }

    fn arg(&self) -> Arg {
        match self {
            ArgKey::Int(i) => Arg::Int(Some(*i)),
            ArgKey::Text(s) => Arg::Text(Some(s.clone())),
        }
    }

    fn kind(&self) -> Kind {
        match self {
            ArgKey::Int(_) => Kind::Int,
            ArgKey::Text(_) => Kind::Text,
        }
    }
}

/// The next `n` ids of `table`, never reusing one a deleted record had.
async fn reserve_ids(tx: &mut Tx, table: &str, n: usize) -> Result<i64> {
    match tx.backend() {
        Backend::Sqlite => {
            let row = tx
                .fetch_opt(
                    &format!(
                        "SELECT MAX(x) FROM (SELECT MAX(id) AS x FROM {table} \
                         UNION ALL SELECT seq AS x FROM sqlite_sequence WHERE name = $1)"
                    ),
                    &[Arg::Text(Some(table.to_string()))],
                    &[Kind::Int],
                )
                .await?;
            Ok(row.and_then(|r| r[0].int()).unwrap_or(0) + 1)
        }
        Backend::Postgres => {
            // every writer holds the audit head (see WriteTx), so nobody else draws from the sequence meanwhile
            let seq = format!("pg_get_serial_sequence('{table}', 'id')");
            let first = tx
                .fetch_opt(&format!("SELECT nextval({seq})"), &[], &[Kind::Int])
                .await?
                .and_then(|r| r[0].int())
                .unwrap_or(1);
            tx.execute(
                &format!("SELECT setval({seq}, $1)"),
                &[Arg::Int(Some(first + n as i64 - 1))],
            )
            .await?;
            Ok(first)
        }
    }
}

/// The fields of a record that date it (all but text and JSON), without copying the rest.
fn date_fields(rec: &Map<String, Value>) -> Value {
    Value::Object(
        rec.iter()
            .filter(|(_, v)| !v.is_object() && !v.is_array())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

impl Store {
    /// Everything [`Store::create_many_in`] checks before it writes, read in `tx` without writing (an import's check
    /// pass runs it in a read transaction): the refusals by index into `records` (none when all may be created). Fills
    /// each record's pairing from its parent where it hangs off one.
    pub(crate) async fn check_many(
        tx: &mut Tx,
        actor: &Actor,
        def: &'static EntityDef,
        records: &mut [Map<String, Value>],
    ) -> Result<Vec<(usize, StoreError)>> {
        let mut refused: HashMap<usize, ValidationErrors> = HashMap::new();
        let mut denied: Vec<(usize, StoreError)> = Vec::new();
        // the pairing, from the parent where the record hangs off one (a transaction's project)
        if let Some((parent_field, parent_entity)) = def.pairing_via {
            let ids: BTreeSet<ArgKey> = records
                .iter()
                .filter_map(|r| r.get(parent_field).and_then(ArgKey::of))
                .collect();
            let found: HashMap<ArgKey, Option<i64>> =
                lookup(tx, parent_entity, "id", &["pairing_id"], &ids, &[Kind::Int, Kind::Int])
                    .await?
                    .into_iter()
                    .filter_map(|r| Some((ArgKey::of_val(&r[0])?, r[1].int())))
                    .collect();
            let f = def.field(parent_field).map(|f| f.label).unwrap_or("");
            let target = schema::entity(parent_entity).map(|e| e.label).unwrap_or("");
            for (i, rec) in records.iter_mut().enumerate() {
                let key = rec.get(parent_field).and_then(ArgKey::of);
                match key.as_ref().and_then(|k| found.get(k)).copied().flatten() {
                    Some(p) => {
                        rec.insert("pairing_id".into(), Value::from(p));
                    }
                    None => {
                        let shown = rec.get(parent_field).map(|v| v.to_string()).unwrap_or_default();
                        refused.entry(i).or_default().add(
                            parent_field,
                            "unknown_reference",
                            format!("{f}（{parent_field}）：找不到编号为 {shown} 的{target}"),
                        );
                    }
                }
            }
        }
        // every reference exists, and pairing-bound ones belong to the record's own pairing
        for f in def.fields.iter().filter(|f| f.refs.is_some()) {
            let Some((target, key)) = f.refs else { continue };
            let values: BTreeSet<ArgKey> = records
                .iter()
                .filter_map(|r| r.get(f.name).and_then(ArgKey::of))
                .collect();
            if values.is_empty() {
                continue;
            }
            let target_def = schema::entity(target);
            let target_label = target_def.map(|d| d.label).unwrap_or("用户");
            let has_pairing = target_def.is_some_and(|d| d.has_pairing()) && target != "pairings";
            let kind = values.iter().next().map(ArgKey::kind).unwrap_or(Kind::Int);
            let rows = if has_pairing {
                lookup(tx, target, key, &["pairing_id"], &values, &[kind, Kind::Int]).await?
            } else {
                lookup(tx, target, key, &[], &values, &[kind]).await?
            };
            let found: HashMap<ArgKey, Option<i64>> = rows
                .into_iter()
                .filter_map(|r| Some((ArgKey::of_val(&r[0])?, r.get(1).and_then(Val::int))))
                .collect();
            let cross_checked = has_pairing && f.name != "pairing_id" && Some(f.name) != def.pairing_via.map(|p| p.0);
            for (i, rec) in records.iter().enumerate() {
                let Some(v) = rec.get(f.name).filter(|v| !v.is_null()) else {
                    continue;
                };
                let Some(k) = ArgKey::of(v) else { continue };
                match found.get(&k) {
                    None => {
                        let shown = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
                        let what = if key == "code" { "代码为" } else { "编号为" };
                        refused.entry(i).or_default().add(
                            f.name,
                            "unknown_reference",
                            format!("{}（{}）：找不到{what} {shown} 的{target_label}", f.label, f.name),
                        );
                    }
                    Some(Some(theirs)) if cross_checked => {
                        if let Some(mine) = rec.get("pairing_id").and_then(Value::as_i64) {
                            if mine != *theirs {
                                refused.entry(i).or_default().add(
                                    f.name,
                                    "other_pairing",
                                    format!(
                                        "{}（{}）属于另一个结对（编号 {theirs}），不能关联到本结对（编号 {mine}）",
                                        f.label, f.name
                                    ),
                                );
                            }
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        // who may write, and which periods are locked, per pairing
        let pairings: BTreeSet<ArgKey> = records
            .iter()
            .filter_map(|r| r.get("pairing_id").and_then(Value::as_i64).map(ArgKey::Int))
            .collect();
        let mut sides: HashMap<i64, Sides> = HashMap::new();
        let values: Vec<&ArgKey> = pairings.iter().collect();
        for chunk in values.chunks(IN_CHUNK) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let rows = tx
                .fetch(
                    &format!(
                        "SELECT p.id, p.supporter_org_id, p.receiver_org_id, g.authority_org_id FROM pairings p \
                         JOIN programs g ON g.id = p.program_id WHERE p.id IN ({})",
                        marks.join(", ")
                    ),
                    &chunk.iter().map(|k| k.arg()).collect::<Vec<_>>(),
                    &[Kind::Int, Kind::Int, Kind::Int, Kind::Int],
                )
                .await?;
            for r in rows {
                sides.insert(
                    r[0].int().unwrap_or(0),
                    Sides {
                        supporter: r[1].int().unwrap_or(0),
                        receiver: r[2].int().unwrap_or(0),
                        authority: r[3].int().unwrap_or(0),
                    },
                );
            }
        }
        let locks: Vec<(i64, i64, chrono::NaiveDate, chrono::NaiveDate)> = lookup(
            tx,
            "period_locks",
            "pairing_id",
            &["id", "start_date", "end_date"],
            &pairings,
            &[Kind::Int, Kind::Int, Kind::Date, Kind::Date],
        )
        .await?
        .into_iter()
        .filter_map(|r| Some((r[0].int()?, r[1].int()?, r[2].date()?, r[3].date()?)))
        .collect();
        let mut verdicts: HashMap<i64, std::result::Result<(), String>> = HashMap::new();
        let dated = !locks.is_empty();
        for (i, rec) in records.iter().enumerate() {
            let Some(p) = rec.get("pairing_id").and_then(Value::as_i64) else {
                continue;
            };
            if actor.role != Role::Admin {
                let verdict = verdicts.entry(p).or_insert_with(|| {
                    let target = Target {
                        sides: sides.get(&p).copied(),
                        ..Default::default()
                    };
                    access::may_write(actor, def.owner, def.label, &target).map_err(|d| d.0)
                });
                if let Err(m) = verdict {
                    denied.push((i, StoreError::Forbidden(m.clone())));
                    continue;
                }
            }
            let dates = dated
                .then(|| duikou_domain::engine::record_dates(def.name, &date_fields(rec)))
                .flatten();
            if let Some((from, to)) = dates {
                if let Some((_, lock, start, end)) = locks
                    .iter()
                    .find(|(lp, _, start, end)| *lp == p && *start <= to && *end >= from)
                {
                    denied.push((
                        i,
                        StoreError::conflict(
                            "locked",
                            format!(
                                "{start} 至 {end} 的记录已随考核签署而锁定（锁定编号 {lock}），如需修改请联系管理员解锁"
                            ),
                            None,
                        ),
                    ));
                }
            }
        }
        denied.extend(refused.into_iter().map(|(i, e)| (i, StoreError::Invalid(e))));
        denied.sort_by_key(|(i, _)| *i);
        Ok(denied)
    }

    /// Creates every record in `records` (each already normalised by `validate_record`) inside `w`, or none: on any
    /// refusal, the refusals by index into `records`, every one of them. Returns the created ids in order.
    ///
    /// Only for entities [`bulk_capable`] accepts.
    pub async fn create_many_in(
        w: &mut WriteTx,
        def: &'static EntityDef,
        mut records: Vec<Map<String, Value>>,
    ) -> Result<std::result::Result<Vec<i64>, Vec<(usize, StoreError)>>> {
        if !bulk_capable(def) {
            return Err(StoreError::Other(format!("{}不能批量新建", def.label)));
        }
        let denied = Self::check_many(&mut w.tx, &w.actor, def, &mut records).await?;
        if !denied.is_empty() {
            return Ok(Err(denied));
        }
        // write: ids drawn up front, so the audit events can name them without reading anything back
        let all = columns(def);
        let cols: Vec<_> = all.iter().filter(|f| !f.server || f.name == "confirmation").collect();
        let mut names: Vec<String> = ["id", "version", "created_at", "updated_at"].map(String::from).to_vec();
        for f in &cols {
            names.push(f.name.to_string());
            if f.kind == FieldKind::Date {
                names.push(precision_col(f.name));
            }
        }
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let first = reserve_ids(&mut w.tx, def.name, records.len()).await?;
        let now = Utc::now();
        let stamp = Value::from(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        let mut rows = Vec::with_capacity(records.len());
        let mut created = Vec::with_capacity(records.len());
        for (i, rec) in records.iter().enumerate() {
            let id = first + i as i64;
            let mut row = vec![
                Arg::Int(Some(id)),
                Arg::Int(Some(1)),
                Arg::Ts(Some(now)),
                Arg::Ts(Some(now)),
            ];
            let mut after = Map::with_capacity(names.len() + 3);
            after.insert("id".into(), Value::from(id));
            after.insert("version".into(), Value::from(1));
            after.insert("created_at".into(), stamp.clone());
            after.insert("updated_at".into(), stamp.clone());
            for f in &all {
                if f.server && f.name != "confirmation" {
                    after.insert(f.name.into(), Value::Null);
                    continue;
                }
                let v = rec.get(f.name).unwrap_or(&Value::Null);
                let arg = if f.name == "confirmation" {
                    Arg::Text(Some("pending".into()))
                } else {
                    to_arg(f, v)
                };
                if f.kind == FieldKind::Date {
                    // the written form at its precision, as a read answers
                    after.insert(f.name.into(), v.clone());
                    row.push(arg);
                    row.push(precision_arg(v));
                    continue;
                }
                after.insert(f.name.into(), from_val(f, &arg));
                row.push(arg);
            }
            rows.push(row);
            created.push((id, Value::Object(after)));
        }
        w.tx.insert_rows(def.name, &names, &rows).await?;
        drop(rows);
        let ids: Vec<i64> = created.iter().map(|(id, _)| *id).collect();
        w.record_many("create", def.name, created).await?;
        Ok(Ok(ids))
    }
}
