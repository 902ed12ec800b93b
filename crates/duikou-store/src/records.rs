//! Create, read, update, delete, list, confirm: one code path for every entity, driven by its description.

use crate::audit::WriteTx;
use crate::db::{Arg, Backend, Kind, Tx, Val};
use crate::rows::{
    by_id_sql, date_expr, kind_of, packed_names, packed_rec, precision_arg, precision_col, row_json, select_sql,
};
pub use crate::rows::{columns, to_arg};
use crate::{Result, Store, StoreError};
use chrono::Utc;
use duikou_domain::access::{self, Actor, Role, Sides, Target};
use duikou_domain::record::Rec;
use duikou_domain::schema::{self, EntityDef, Field, FieldKind, Owner};
use duikou_domain::validate::{caller_fields, validate_record};
use duikou_domain::ValidationErrors;
use serde_json::{Map, Value};

/// Looks up an entity's description by name.
pub fn def(name: &str) -> Result<&'static EntityDef> {
    schema::entity(name).ok_or_else(|| StoreError::UnknownEntity(name.to_string()))
}

/// `IS NOT DISTINCT FROM` in each dialect: equality where NULL equals NULL.
fn same(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "IS",
        Backend::Postgres => "IS NOT DISTINCT FROM",
    }
}

/// `field IN (…)` over `values` 500 at a time, each with `AND (<and>)` whose arguments `and_args` are `$1`…`$k`:
/// the condition and arguments of each lot.
fn in_lots(
    def: &EntityDef,
    field: &str,
    values: &[Arg],
    and: &str,
    and_args: &[Arg],
) -> Result<Vec<(String, Vec<Arg>)>> {
    if field != "id" && def.field(field).is_none() {
        return Err(StoreError::invalid(
            field,
            "unknown_field",
            format!("{}没有字段 {field}", def.label),
        ));
    }
    let first = and_args.len() + 1;
    let and = if and.is_empty() {
        String::new()
    } else {
        format!(" AND ({and})")
    };
    Ok(values
        .chunks(500)
        .map(|chunk| {
            let marks: Vec<String> = (first..first + chunk.len()).map(|i| format!("${i}")).collect();
            let mut args: Vec<Arg> = and_args.to_vec();
            args.extend(chunk.iter().cloned());
            (format!("{field} IN ({}){and}", marks.join(", ")), args)
        })
        .collect())
}

/// Records kept at most at one head.
pub(crate) const RECORDS_KEPT: usize = 4096;

impl Store {
    /// One record by id as JSON text, for a caller who read the audit head `head` before asking (with its sign-in,
    /// [`Store::session_seen`]): kept from an earlier read while the head has not moved, else read and kept.
    pub async fn record_json(&self, entity: &str, id: i64, head: i64) -> Result<std::sync::Arc<String>> {
        let def = def(entity)?;
        if let Some(json) = self.records_kept.get(head, &(def.name, id)) {
            return Ok(json);
        }
        // read after `head` was: it holds every write up to `head` (maybe later ones, which only makes it fresher)
        let json = serde_json::to_string(&self.get(entity, id).await?).map_err(|e| StoreError::Other(e.to_string()))?;
        Ok(self.records_kept.put(head, (def.name, id), json))
    }

    /// One record by id.
    pub async fn get(&self, entity: &str, id: i64) -> Result<Value> {
        let def = def(entity)?;
        let (sql, kinds) = by_id_sql(def);
        let row = self
            .db()
            .look_up_opt(sql, &[Arg::Int(Some(id))], kinds)
            .await?
            .ok_or(StoreError::NotFound { label: def.label, id })?;
        Ok(row_json(def, &row))
    }

    /// Every record whose `field` is one of `values`, whole, read 500 values at a time, each lot in the entity's
    /// default order (so the records of one value come in the order a list of them gives).
    pub async fn all_where_in(&self, entity: &str, field: &str, values: &[i64]) -> Result<Vec<Value>> {
        self.all_where_in_and(entity, field, values, "", &[]).await
    }

    /// As [`Store::all_where_in`], with a further condition `AND (<and>)` whose arguments `and_args` are `$1`…`$k`.
    pub async fn all_where_in_and(
        &self,
        entity: &str,
        field: &str,
        values: &[i64],
        and: &str,
        and_args: &[Arg],
    ) -> Result<Vec<Value>> {
        let values: Vec<Arg> = values.iter().map(|v| Arg::Int(Some(*v))).collect();
        self.all_where_in_args(entity, field, &values, and, and_args).await
    }

    /// As [`Store::all_where_in_and`], for values of any type.
    pub async fn all_where_in_args(
        &self,
        entity: &str,
        field: &str,
        values: &[Arg],
        and: &str,
        and_args: &[Arg],
    ) -> Result<Vec<Value>> {
        let def = def(entity)?;
        let (sql, kinds) = select_sql(def);
        let mut out = Vec::new();
        for (cond, args) in in_lots(def, field, values, and, and_args)? {
            let rows = self
                .db()
                .fetch(
                    &format!("{sql} WHERE {cond} ORDER BY {}, id", def.default_sort),
                    &args,
                    &kinds,
                )
                .await?;
            out.extend(rows.iter().map(|r| row_json(def, r)));
        }
        Ok(out)
    }

    /// As [`Store::all_where_in_and`], but only `id` and the named fields the entity has (others are skipped), and
    /// with each lot packed by the database into one JSON value: many rows then cross from the database as one
    /// message instead of one each. Same records, same order.
    pub async fn fields_where_in_and(
        &self,
        entity: &str,
        fields: &[&str],
        field: &str,
        values: &[Arg],
        and: &str,
        and_args: &[Arg],
    ) -> Result<Vec<Rec>> {
        let mut out = Vec::new();
        for (cond, args) in in_lots(def(entity)?, field, values, and, and_args)? {
            out.extend(self.fields_where(entity, fields, &cond, &args).await?);
        }
        Ok(out)
    }

    /// `id` and the named fields (those the entity has) of every record meeting `cond`, whose arguments are `args`,
    /// in the entity's default order, packed by the database into one JSON value.
    pub async fn fields_where(&self, entity: &str, fields: &[&str], cond: &str, args: &[Arg]) -> Result<Vec<Rec>> {
        let def = def(entity)?;
        let cols: Vec<&'static Field> = columns(def).into_iter().filter(|f| fields.contains(&f.name)).collect();
        let order = format!("{}, id", def.default_sort);
        let rows = self.packed_rows(def, &cols, cond, args, Some(&order)).await?;
        let names = packed_names(&cols);
        Ok(rows.into_iter().map(|row| packed_rec(&names, &cols, row)).collect())
    }

    /// `id` and `cols` of every record of `def` meeting `cond`, packed by the database into one JSON array of
    /// arrays (in `order` where given) and unpacked here.
    pub(crate) async fn packed_rows(
        &self,
        def: &EntityDef,
        cols: &[&Field],
        cond: &str,
        args: &[Arg],
        order: Option<&str>,
    ) -> Result<Vec<Vec<Value>>> {
        let backend = self.backend();
        let exprs: Vec<String> = std::iter::once("id".to_string())
            .chain(cols.iter().map(|f| match (kind_of(f), backend) {
                (Kind::Date, _) => date_expr(f.name),
                (Kind::Json, Backend::Sqlite) => format!("json({})", f.name),
                _ => f.name.to_string(),
            }))
            .collect();
        let order = order.map(|o| format!(" ORDER BY {o}")).unwrap_or_default();
        let pack = match backend {
            Backend::Sqlite => format!("json_group_array(json_array({}){order})", exprs.join(", ")),
            Backend::Postgres => format!(
                "CAST(COALESCE(json_agg(json_build_array({}){order}), '[]') AS TEXT)",
                exprs.join(", ")
            ),
        };
        let packed = self
            .db()
            .fetch_opt(
                &format!("SELECT {pack} FROM {} WHERE {cond}", def.name),
                args,
                &[Kind::Text],
            )
            .await?;
        let text = packed.as_ref().and_then(|r| r[0].text()).unwrap_or("[]");
        serde_json::from_str(text).map_err(|e| StoreError::Other(format!("读取{}时解析打包结果失败：{e}", def.label)))
    }

    pub(crate) async fn get_in(tx: &mut Tx, def: &'static EntityDef, id: i64) -> Result<Value> {
        let (sql, kinds) = by_id_sql(def);
        let row = tx
            .fetch_opt(sql, &[Arg::Int(Some(id))], kinds)
            .await?
            .ok_or(StoreError::NotFound { label: def.label, id })?;
        Ok(row_json(def, &row))
    }

    /// Creates a record after validating it and checking the actor may; writes its audit event in the same transaction.
    pub async fn create(&self, actor: &Actor, entity: &str, input: &Value) -> Result<Value> {
        let mut w = WriteTx::begin(self, actor).await?;
        let out = Self::create_in(&mut w, entity, input).await?;
        w.commit().await?;
        Ok(out)
    }

    /// Everything [`Store::create_in`] checks before it writes, read in `tx` without writing (an import's check pass
    /// runs it in a read transaction): the record as it would be stored. `assumed` names reference fields whose
    /// record the same import makes first (a dispatch's new person), so they are not looked up.
    pub(crate) async fn check_create(
        tx: &mut Tx,
        actor: &Actor,
        def: &'static EntityDef,
        input: &Value,
        assumed: &[&str],
    ) -> Result<Map<String, Value>> {
        let fields = caller_fields(def, input)?;
        let mut rec = validate_record(def, &fields)?;
        Self::derive_pairing(tx, def, &mut rec).await?;
        Self::check_refs(tx, def, &rec, assumed).await?;
        Self::check_calendar(tx, def, &rec).await?;
        if def.owner == Owner::System {
            return Err(StoreError::Forbidden(format!("{}由系统生成，不能直接新建", def.label)));
        }
        Self::authorize(tx, actor, def, &rec).await?;
        if def.name == "orgs" {
            if let Some(parent) = rec.get("parent_id").and_then(Value::as_i64) {
                access::may_place_org(actor, None, Some(parent))?;
            }
        }
        Self::check_unlocked(tx, def, &rec).await?;
        Self::check_natural_key(tx, def, &rec, None).await?;
        let writing = crate::groups::Writing {
            def,
            id: None,
            rec: &rec,
        };
        Self::check_group_parts(tx, &writing).await?;
        Ok(rec)
    }

    /// [`Store::create`] inside an open write transaction (imports, demo data).
    pub async fn create_in(w: &mut WriteTx, entity: &str, input: &Value) -> Result<Value> {
        let def = def(entity)?;
        let rec = Self::check_create(&mut w.tx, &w.actor, def, input, &[]).await?;
        crate::regions::ensure_towns(w, def, &rec).await?;
        let cols = columns(def);
        let now = Utc::now();
        let mut names = vec!["version", "created_at", "updated_at"];
        let mut args = vec![Arg::Int(Some(1)), Arg::Ts(Some(now)), Arg::Ts(Some(now))];
        let mut precisions = Vec::new();
        for f in &cols {
            if let Some(v) = rec.get(f.name) {
                names.push(f.name);
                args.push(to_arg(f, v));
                if f.kind == FieldKind::Date {
                    precisions.push((precision_col(f.name), precision_arg(v)));
                }
            }
        }
        let mut names: Vec<String> = names.into_iter().map(str::to_string).collect();
        for (col, a) in precisions {
            names.push(col);
            args.push(a);
        }
        let placeholders: Vec<String> = (1..=args.len()).map(|i| format!("${i}")).collect();
        let id =
            w.tx.fetch_opt(
                &format!(
                    "INSERT INTO {} ({}) VALUES ({}) RETURNING id",
                    def.name,
                    names.join(", "),
                    placeholders.join(", ")
                ),
                &args,
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .ok_or_else(|| StoreError::Other("插入后未返回编号".into()))?;
        let after = Self::get_in(&mut w.tx, def, id).await?;
        w.record("create", def.name, id, Value::Null, after.clone()).await?;
        // a program made public as it is created was published then: its publication is in the history as one
        if def.name == "programs" && after["published"] == Value::Bool(true) {
            w.record("publish", def.name, id, after.clone(), after.clone()).await?;
        }
        Ok(after)
    }

    /// Changes the fields given in `patch` (others keep their values); `version`, when given, must match.
    pub async fn update(&self, actor: &Actor, entity: &str, id: i64, patch: &Value) -> Result<Value> {
        let mut w = WriteTx::begin(self, actor).await?;
        let out = Self::update_in(&mut w, entity, id, patch).await?;
        w.commit().await?;
        Ok(out)
    }

    /// Everything [`Store::update_in`] checks before it writes, read in `tx` without writing: the record as it stands,
    /// as it would be stored, and whether that changes anything.
    pub(crate) async fn check_update(
        tx: &mut Tx,
        actor: &Actor,
        def: &'static EntityDef,
        id: i64,
        patch: &Value,
    ) -> Result<(Value, Map<String, Value>, bool)> {
        let before = Self::get_in(tx, def, id).await?;
        let changes = caller_fields(def, patch)?;
        if let Some(v) = patch.get("version").filter(|v| !v.is_null()) {
            if v.as_i64() != before["version"].as_i64() {
                return Err(StoreError::conflict(
                    "stale",
                    format!(
                        "该{}已被他人修改（当前版本 {}，您提交的版本 {v}），请刷新后重试",
                        def.label, before["version"]
                    ),
                    Some("version"),
                ));
            }
        }
        let mut merged = Map::new();
        for f in def.fields.iter().filter(|f| !f.server) {
            let v = changes.get(f.name).cloned().unwrap_or_else(|| before[f.name].clone());
            merged.insert(f.name.to_string(), v);
        }
        let mut rec = validate_record(def, &merged)?;
        Self::derive_pairing(tx, def, &mut rec).await?;
        Self::check_refs(tx, def, &rec, &[]).await?;
        Self::check_calendar(tx, def, &rec).await?;
        let new_parent = rec.get("parent_id").and_then(Value::as_i64);
        let moves = new_parent != before["parent_id"].as_i64();
        let org_moves = def.name == "orgs" && moves;
        if moves && matches!(def.name, "orgs" | "pairings" | "project_groups") {
            Self::check_tree(tx, def.name, id, new_parent).await?;
        }
        // The actor must be allowed both where the record was and where it goes.
        let mut old = Map::new();
        for f in def.fields {
            old.insert(f.name.to_string(), before[f.name].clone());
        }
        if def.name == "orgs" {
            // an org is judged by itself (see `target_of`), as it is and as it would be
            old.insert("id".into(), Value::from(id));
            rec.insert("id".into(), Value::from(id));
        }
        if def.owner == Owner::System {
            return Err(StoreError::Forbidden(format!("{}由系统生成，不能直接修改", def.label)));
        }
        Self::authorize(tx, actor, def, &old).await?;
        Self::authorize(tx, actor, def, &rec).await?;
        if org_moves {
            access::may_place_org(actor, Some(id), new_parent)?;
        }
        Self::check_unlocked(tx, def, &old).await?;
        Self::check_unlocked(tx, def, &rec).await?;
        Self::check_natural_key(tx, def, &rec, Some(id)).await?;
        let writing = crate::groups::Writing {
            def,
            id: Some(id),
            rec: &rec,
        };
        Self::check_group_parts(tx, &writing).await?;
        let changed = def
            .fields
            .iter()
            .any(|f| rec.get(f.name).is_some_and(|v| *v != before[f.name]));
        Ok((before, rec, changed))
    }

    /// [`Store::update`] inside an open write transaction.
    pub async fn update_in(w: &mut WriteTx, entity: &str, id: i64, patch: &Value) -> Result<Value> {
        Self::update_in_as(w, entity, id, patch, "update").await
    }

    /// [`Store::update_in`], its audit event named `action` (`publish`, `withdraw`) instead of `update`.
    pub(crate) async fn update_in_as(
        w: &mut WriteTx,
        entity: &str,
        id: i64,
        patch: &Value,
        action: &str,
    ) -> Result<Value> {
        let def = def(entity)?;
        let (before, rec, changed) = Self::check_update(&mut w.tx, &w.actor, def, id, patch).await?;
        if !changed {
            return Ok(before);
        }
        crate::regions::ensure_towns(w, def, &rec).await?;
        // a publication is one whichever way it is made (the publication page, the API, an edit form, an import):
        // its event is named `publish` or `withdraw`, so the history says 公开 / 撤回公开
        let published = |r: &Value| match def.name {
            "programs" => Some(r["published"] == Value::Bool(true)),
            "pairings" => Some(r["withheld"] != Value::Bool(true)),
            _ => None,
        };
        let now_public = published(&Value::Object(rec.clone()));
        let action = match (action, published(&before), now_public) {
            ("update", Some(was), Some(is)) if was != is => {
                if is {
                    "publish"
                } else {
                    "withdraw"
                }
            }
            _ => action,
        };
        let mut sets = vec!["version = version + 1".to_string(), "updated_at = $1".to_string()];
        let mut args = vec![Arg::Ts(Some(Utc::now()))];
        for f in def.fields {
            if let Some(v) = rec.get(f.name) {
                args.push(to_arg(f, v));
                sets.push(format!("{} = ${}", f.name, args.len()));
                if f.kind == FieldKind::Date {
                    args.push(precision_arg(v));
                    sets.push(format!("{} = ${}", precision_col(f.name), args.len()));
                }
            }
        }
        if def.confirmable {
            // A changed fact must be confirmed again by the other side.
            sets.push(
                "confirmation = 'pending', confirmed_by = NULL, confirmed_at = NULL, dispute_reason = NULL".into(),
            );
        }
        args.push(Arg::Int(Some(id)));
        w.tx.execute(
            &format!("UPDATE {} SET {} WHERE id = ${}", def.name, sets.join(", "), args.len()),
            &args,
        )
        .await?;
        let after = Self::get_in(&mut w.tx, def, id).await?;
        w.record(action, def.name, id, before, after.clone()).await?;
        Ok(after)
    }

    /// Deletes a record nothing else refers to.
    pub async fn delete(&self, actor: &Actor, entity: &str, id: i64) -> Result<()> {
        let mut w = WriteTx::begin(self, actor).await?;
        let def = def(entity)?;
        let before = Self::get_in(&mut w.tx, def, id).await?;
        let rec = before.as_object().cloned().unwrap_or_default();
        Self::authorize(&mut w.tx, &w.actor, def, &rec).await?;
        Self::check_unlocked(&mut w.tx, def, &rec).await?;
        let mut users = Vec::new();
        for other in schema::ENTITIES {
            // a reference names its target by id, or by another key (a region by its code)
            for f in other
                .fields
                .iter()
                .filter(|f| f.refs.is_some_and(|(e, _)| e == def.name))
            {
                let key = match f.refs.map(|r| r.1) {
                    Some("id") | None => Arg::Int(Some(id)),
                    Some(col) => match rec.get(col) {
                        Some(Value::String(v)) => Arg::Text(Some(v.clone())),
                        Some(Value::Number(v)) => Arg::Int(v.as_i64()),
                        _ => continue,
                    },
                };
                let n =
                    w.tx.fetch_opt(
                        &format!("SELECT COUNT(*) FROM {} WHERE {} = $1", other.name, f.name),
                        &[key],
                        &[Kind::Int],
                    )
                    .await?
                    .and_then(|r| r[0].int())
                    .unwrap_or(0);
                if n > 0 {
                    users.push(format!("{} {n} 条（{}）", other.label, f.name));
                }
            }
        }
        let links =
            w.tx.fetch_opt(
                "SELECT COUNT(*) FROM document_links WHERE entity = $1 AND entity_id = $2",
                &[Arg::Text(Some(def.name.into())), Arg::Int(Some(id))],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        if links > 0 {
            users.push(format!("文档关联 {links} 条"));
        }
        if def.name == "regions" {
            let n =
                w.tx.fetch_opt(
                    "SELECT COUNT(*) FROM region_aliases WHERE code = $1",
                    &[Arg::Text(rec.get("code").and_then(Value::as_str).map(str::to_string))],
                    &[Kind::Int],
                )
                .await?
                .and_then(|r| r[0].int())
                .unwrap_or(0);
            if n > 0 {
                users.push(format!("区划别名 {n} 条"));
            }
        }
        if def.name == "orgs" {
            let n =
                w.tx.fetch_opt(
                    "SELECT COUNT(*) FROM user_orgs WHERE org_id = $1",
                    &[Arg::Int(Some(id))],
                    &[Kind::Int],
                )
                .await?
                .and_then(|r| r[0].int())
                .unwrap_or(0);
            if n > 0 {
                users.push(format!("用户权限 {n} 条"));
            }
        }
        if !users.is_empty() {
            return Err(StoreError::conflict(
                "in_use",
                format!("该{}仍被引用，不能删除：{}", def.label, users.join("、")),
                None,
            ));
        }
        w.tx.execute(
            &format!("DELETE FROM {} WHERE id = $1", def.name),
            &[Arg::Int(Some(id))],
        )
        .await?;
        w.record("delete", def.name, id, before, Value::Null).await?;
        w.commit().await
    }

    /// The receiving side confirms (`confirmed`) or disputes (`disputed`, with a reason) a fact.
    pub async fn set_confirmation(
        &self,
        actor: &Actor,
        entity: &str,
        id: i64,
        confirmed: bool,
        reason: Option<&str>,
    ) -> Result<Value> {
        let def = def(entity)?;
        if !def.confirmable {
            return Err(StoreError::invalid(
                "entity",
                "not_confirmable",
                format!("{}不需要确认", def.label),
            ));
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if !confirmed && reason.is_none() {
            return Err(StoreError::invalid(
                "reason",
                "required",
                "提出异议时必须填写理由（reason）",
            ));
        }
        if reason.is_some_and(|r| r.chars().count() > 1000) {
            return Err(StoreError::invalid(
                "reason",
                "too_long",
                "异议理由（reason）过长，最多 1000 个字符",
            ));
        }
        let mut w = WriteTx::begin(self, actor).await?;
        let before = Self::get_in(&mut w.tx, def, id).await?;
        let pairing = before["pairing_id"].as_i64().unwrap_or(0);
        let sides = Self::sides(&mut w.tx, pairing).await?;
        access::may_confirm(&w.actor, sides)?;
        Self::check_unlocked(&mut w.tx, def, before.as_object().unwrap_or(&Map::new())).await?;
        let (state, action) = if confirmed {
            ("confirmed", "confirm")
        } else {
            ("disputed", "dispute")
        };
        w.tx.execute(
            &format!(
                "UPDATE {} SET confirmation = $1, confirmed_by = $2, confirmed_at = $3, dispute_reason = $4, \
                     version = version + 1, updated_at = $5 WHERE id = $6",
                def.name
            ),
            &[
                Arg::Text(Some(state.into())),
                Arg::Int((w.actor.user_id > 0).then_some(w.actor.user_id)),
                Arg::Text(Some(crate::now_rfc3339())),
                Arg::Text(reason.map(str::to_string)),
                Arg::Ts(Some(Utc::now())),
                Arg::Int(Some(id)),
            ],
        )
        .await?;
        let after = Self::get_in(&mut w.tx, def, id).await?;
        w.record(action, def.name, id, before, after.clone()).await?;
        w.commit().await?;
        Ok(after)
    }

    /// Fills `pairing_id` of a child from its parent (a stint from its dispatch, a transaction from its project).
    async fn derive_pairing(tx: &mut Tx, def: &EntityDef, rec: &mut Map<String, Value>) -> Result<()> {
        let Some((parent_field, parent_entity)) = def.pairing_via else {
            return Ok(());
        };
        let parent_id = rec.get(parent_field).and_then(Value::as_i64).unwrap_or(0);
        let row = tx
            .fetch_opt(
                &format!("SELECT pairing_id FROM {parent_entity} WHERE id = $1"),
                &[Arg::Int(Some(parent_id))],
                &[Kind::Int],
            )
            .await?;
        match row.and_then(|r| r[0].int()) {
            Some(p) => {
                rec.insert("pairing_id".into(), Value::from(p));
                Ok(())
            }
            None => {
                let f = def.field(parent_field).map(|f| f.label).unwrap_or("");
                let target = schema::entity(parent_entity).map(|e| e.label).unwrap_or("");
                Err(StoreError::invalid(
                    parent_field,
                    "unknown_reference",
                    format!("{f}（{parent_field}）：找不到编号为 {parent_id} 的{target}"),
                ))
            }
        }
    }

    /// Every reference must exist; references to pairing-bound records must stay in the record's own pairing.
    async fn check_refs(tx: &mut Tx, def: &EntityDef, rec: &Map<String, Value>, assumed: &[&str]) -> Result<()> {
        let mut errors = ValidationErrors::new();
        let own_pairing = rec.get("pairing_id").and_then(Value::as_i64);
        for f in def.fields.iter().filter(|f| f.refs.is_some()) {
            let Some((target, key)) = f.refs else { continue };
            let v = rec.get(f.name).cloned().unwrap_or(Value::Null);
            if v.is_null() || assumed.contains(&f.name) {
                continue;
            }
            let target_def = schema::entity(target);
            let target_label = target_def.map(|d| d.label).unwrap_or("用户");
            let has_pairing = target_def.is_some_and(|d| d.has_pairing()) && target != "pairings";
            let exists = tx
                .fetch_opt(
                    &format!("SELECT COUNT(*) FROM {target} WHERE {key} = $1"),
                    &[to_arg(f, &v)],
                    &[Kind::Int],
                )
                .await?
                .and_then(|r| r[0].int())
                .unwrap_or(0)
                > 0
                // a town of the shipped registry is loaded with its county's towns when the record is written
                || (target == "regions"
                    && v.as_str()
                        .is_some_and(|c| crate::regions::is_town_code(c) && crate::regions::shipped_town(c).is_some()));
            let row = if !exists {
                None
            } else if has_pairing {
                tx.fetch_opt(
                    &format!("SELECT pairing_id FROM {target} WHERE {key} = $1"),
                    &[to_arg(f, &v)],
                    &[Kind::Int],
                )
                .await?
            } else {
                Some(vec![Val::Int(None)])
            };
            match row {
                None => {
                    let shown = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
                    let what = if key == "code" { "代码为" } else { "编号为" };
                    errors.add(
                        f.name,
                        "unknown_reference",
                        format!("{}（{}）：找不到{what} {shown} 的{target_label}", f.label, f.name),
                    );
                }
                Some(r) if has_pairing && f.name != "pairing_id" && Some(f.name) != def.pairing_via.map(|p| p.0) => {
                    if let (Some(mine), Some(theirs)) = (own_pairing, r[0].int()) {
                        if mine != theirs {
                            errors.add(
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
        if def.name == "documents" {
            // a pairing's document is of that pairing's program, so nobody files one under another's program
            let program = rec.get("program_id").and_then(Value::as_i64);
            if let (Some(program), Some(pairing)) = (program, own_pairing) {
                let theirs = tx
                    .fetch_opt(
                        "SELECT program_id FROM pairings WHERE id = $1",
                        &[Arg::Int(Some(pairing))],
                        &[Kind::Int],
                    )
                    .await?
                    .and_then(|r| r[0].int());
                if let Some(theirs) = theirs.filter(|t| *t != program) {
                    errors.add(
                        "program_id",
                        "other_program",
                        format!(
                            "相关计划（program_id）：相关结对（编号 {pairing}）属于计划（编号 {theirs}），\
                             与所填计划（编号 {program}）不一致"
                        ),
                    );
                }
            }
        }
        if def.name == "document_links" {
            let entity = rec.get("entity").and_then(Value::as_str).unwrap_or("");
            let id = rec.get("entity_id").and_then(Value::as_i64).unwrap_or(0);
            if let Some(target) = schema::entity(entity) {
                let found = tx
                    .fetch_opt(
                        &format!("SELECT id FROM {} WHERE id = $1", target.name),
                        &[Arg::Int(Some(id))],
                        &[Kind::Int],
                    )
                    .await?;
                if found.is_none() {
                    errors.add(
                        "entity_id",
                        "unknown_reference",
                        format!("关联对象编号（entity_id）：找不到编号为 {id} 的{}", target.label),
                    );
                }
            }
        }
        errors.into_result().map_err(Into::into)
    }

    /// An org's tree (or a pairing's, `table`) stays a tree: its new parent may be neither itself nor any record
    /// below it.
    async fn check_tree(tx: &mut Tx, table: &str, id: i64, parent: Option<i64>) -> Result<()> {
        let Some(parent) = parent else { return Ok(()) };
        let (what, code) = match table {
            "pairings" => ("结对", "pairing_cycle"),
            "project_groups" => ("计划", "group_cycle"),
            _ => ("单位", "org_cycle"),
        };
        let why = if parent == id {
            format!("编号 {parent} 就是本{what}")
        } else {
            // UNION (not UNION ALL) ends even on a cycle stored before this check existed
            let below = tx
                .fetch_opt(
                    &format!(
                        "WITH RECURSIVE below(id) AS (SELECT id FROM {table} WHERE parent_id = $1 \
                         UNION SELECT o.id FROM {table} o JOIN below b ON o.parent_id = b.id) \
                         SELECT COUNT(*) FROM below WHERE id = $2"
                    ),
                    &[Arg::Int(Some(id)), Arg::Int(Some(parent))],
                    &[Kind::Int],
                )
                .await?
                .and_then(|r| r[0].int())
                .unwrap_or(0);
            if below == 0 {
                return Ok(());
            }
            format!("编号 {parent} 的{what}在本{what}之下")
        };
        Err(StoreError::invalid(
            "parent_id",
            code,
            format!("上级{what}（parent_id）不能是本{what}或其下级{what}：{why}"),
        ))
    }

    /// The sides of a pairing and its program's authority.
    pub(crate) async fn sides(tx: &mut Tx, pairing: i64) -> Result<Sides> {
        let row = tx
            .fetch_opt(
                "SELECT p.supporter_org_id, p.receiver_org_id, g.authority_org_id FROM pairings p \
                 JOIN programs g ON g.id = p.program_id WHERE p.id = $1",
                &[Arg::Int(Some(pairing))],
                &[Kind::Int, Kind::Int, Kind::Int],
            )
            .await?
            .ok_or(StoreError::NotFound {
                label: "结对",
                id: pairing,
            })?;
        Ok(Sides {
            supporter: row[0].int().unwrap_or(0),
            receiver: row[1].int().unwrap_or(0),
            authority: row[2].int().unwrap_or(0),
        })
    }

    /// Refuses a write of `rec` (a record of `def` as it is or as it would be) that `actor` may not make.
    pub(crate) async fn authorize(tx: &mut Tx, actor: &Actor, def: &EntityDef, rec: &Map<String, Value>) -> Result<()> {
        if actor.role == Role::Admin {
            return Ok(());
        }
        let mut target = Self::target_of(tx, def, rec).await?;
        if def.owner == Owner::Link {
            // both ends, each read as it stands and judged by its own owner
            let document = schema::entity("documents").ok_or_else(|| StoreError::UnknownEntity("documents".into()))?;
            let entity = rec.get("entity").and_then(Value::as_str).unwrap_or("");
            let linked = schema::entity(entity).ok_or_else(|| {
                StoreError::invalid(
                    "entity",
                    "enum",
                    format!("关联对象类型（entity）：未知的类型“{entity}”"),
                )
            })?;
            for (end, key) in [(document, "document_id"), (linked, "entity_id")] {
                let id = rec.get(key).and_then(Value::as_i64).unwrap_or(0);
                let row = Self::get_in(tx, end, id).await?;
                let row = row.as_object().cloned().unwrap_or_default();
                target.ends.push(access::End {
                    owner: end.owner,
                    label: end.label,
                    target: Self::target_of(tx, end, &row).await?,
                });
            }
        }
        if def.name == "indicator_values" {
            if let Some(code) = rec.get("region_code").and_then(Value::as_str) {
                Self::check_region_scope(tx, actor, code).await?;
            }
        }
        access::may_write(actor, def.owner, def.label, &target)?;
        Ok(())
    }

    /// May `actor` write an indicator value of region `code`? An editor: a region of one of its orgs. A scoped
    /// coordinator: a region of one of its orgs or any region below one. Admins and unscoped coordinators: any.
    async fn check_region_scope(tx: &mut Tx, actor: &Actor, code: &str) -> Result<()> {
        let ok = match actor.role {
            Role::SupporterEditor | Role::ReceiverEditor => {
                let mut ok = false;
                for org in actor.scope.iter().copied() {
                    let r = tx
                        .fetch_opt(
                            "SELECT region_code FROM orgs WHERE id = $1",
                            &[Arg::Int(Some(org))],
                            &[Kind::Text],
                        )
                        .await?;
                    if r.as_ref().and_then(|r| r[0].text()) == Some(code) {
                        ok = true;
                        break;
                    }
                }
                ok
            }
            Role::Coordinator if !actor.scope.is_empty() => {
                // the region and those above it; one of them must be the region of an org in scope (UNION ends
                // even on a cycle of regions)
                let orgs = tx
                    .fetch(
                        "WITH RECURSIVE up(code) AS (SELECT CAST($1 AS TEXT) \
                         UNION SELECT r.parent_code FROM regions r JOIN up u ON r.code = u.code \
                         WHERE r.parent_code IS NOT NULL) \
                         SELECT o.id FROM orgs o JOIN up u ON o.region_code = u.code",
                        &[Arg::Text(Some(code.to_string()))],
                        &[Kind::Int],
                    )
                    .await?;
                orgs.iter()
                    .any(|r| r[0].int().is_some_and(|o| actor.scope.contains(&o)))
            }
            _ => true,
        };
        if ok {
            Ok(())
        } else if actor.role == Role::Coordinator {
            Err(StoreError::Forbidden(format!(
                "区划（region_code）{code} 不是您的单位所在区划或其下级区划"
            )))
        } else {
            Err(StoreError::Forbidden(format!("区划 {code} 不是您所在单位的区划")))
        }
    }

    /// What writing `rec` of `def` touches: the sides of its pairing, the authority of its program, the orgs it
    /// names. A link's ends are added by [`Store::authorize`].
    async fn target_of(tx: &mut Tx, def: &EntityDef, rec: &Map<String, Value>) -> Result<Target> {
        let id = |k: &str| rec.get(k).and_then(Value::as_i64);
        let mut target = Target::default();
        let pairing = match def.name {
            "pairings" => None,
            _ => id("pairing_id"),
        };
        if let Some(p) = pairing {
            target.sides = Some(Self::sides(tx, p).await?);
        }
        match def.name {
            "programs" => target.authority = id("authority_org_id"),
            "pairings" => {
                target.authority = Self::program_authority(tx, id("program_id").unwrap_or(0)).await?;
            }
            // a document of a program but of no pairing is the program's
            "documents" if pairing.is_none() => {
                if let Some(p) = id("program_id") {
                    target.authority = Self::program_authority(tx, p).await?;
                }
            }
            "obligations" => {
                if let Some(p) = id("program_id") {
                    target.authority = Self::program_authority(tx, p).await?;
                }
                if let Some(a) = id("agreement_id") {
                    let row = tx
                        .fetch_opt(
                            "SELECT pairing_id FROM agreements WHERE id = $1",
                            &[Arg::Int(Some(a))],
                            &[Kind::Int],
                        )
                        .await?;
                    if let Some(p) = row.and_then(|r| r[0].int()) {
                        target.sides = Some(Self::sides(tx, p).await?);
                    }
                }
            }
            // an org is in a scope by itself; a new one (no id yet) by the parent it is placed under
            "orgs" => target.orgs.extend(id("id").or_else(|| id("parent_id"))),
            "people" => target.orgs.extend(id("home_org_id")),
            "indicator_values" => target.orgs.extend(id("org_id")),
            // a unit task is its assigning authority's; a progress note on it is the responsible unit's
            "unit_tasks" => target.authority = id("authority_org_id"),
            "unit_task_notes" => {
                let row = tx
                    .fetch_opt(
                        "SELECT org_id FROM unit_tasks WHERE id = $1",
                        &[Arg::Int(id("task_id"))],
                        &[Kind::Int],
                    )
                    .await?;
                target.orgs.push(row.and_then(|r| r[0].int()).unwrap_or(0));
            }
            _ => {}
        }
        Ok(target)
    }

    /// An obligation's window must exist on its program's calendar.
    async fn check_calendar(tx: &mut Tx, def: &EntityDef, rec: &Map<String, Value>) -> Result<()> {
        if def.name != "obligations" {
            return Ok(());
        }
        let program = match (
            rec.get("program_id").and_then(Value::as_i64),
            rec.get("agreement_id").and_then(Value::as_i64),
        ) {
            (Some(p), _) => Some(p),
            (None, Some(a)) => tx
                .fetch_opt(
                    "SELECT p.program_id FROM agreements a JOIN pairings p ON p.id = a.pairing_id WHERE a.id = $1",
                    &[Arg::Int(Some(a))],
                    &[Kind::Int],
                )
                .await?
                .and_then(|r| r[0].int()),
            _ => None,
        };
        let Some(program) = program else { return Ok(()) };
        let calendar = tx
            .fetch_opt(
                "SELECT calendar FROM programs WHERE id = $1",
                &[Arg::Int(Some(program))],
                &[Kind::Json],
            )
            .await?
            .and_then(|r| r[0].json().cloned())
            .and_then(|c| serde_json::from_value::<duikou_domain::Calendar>(c).ok())
            .unwrap_or_default();
        let rule = rec.get("rule").cloned().unwrap_or(Value::Null);
        if let Ok(rule) = duikou_domain::ObligationRule::from_json(&rule) {
            rule.check_calendar(&calendar)
                .map_err(|m| StoreError::invalid("rule", "calendar", format!("规则（rule）：{m}")))?;
        }
        Ok(())
    }

    /// Refuses a change to a record dated inside a period that a signed assessment locked for its pairing.
    async fn check_unlocked(tx: &mut Tx, def: &EntityDef, rec: &Map<String, Value>) -> Result<()> {
        if def.owner == Owner::System {
            return Ok(());
        }
        let Some(pairing) = rec.get("pairing_id").and_then(Value::as_i64) else {
            return Ok(());
        };
        let Some((from, to)) = duikou_domain::engine::record_dates(def.name, &Value::Object(rec.clone())) else {
            return Ok(());
        };
        let lock = tx
            .fetch_opt(
                "SELECT id, start_date, end_date FROM period_locks WHERE pairing_id = $1 AND start_date <= $2 AND end_date >= $3",
                &[Arg::Int(Some(pairing)), Arg::Date(Some(to)), Arg::Date(Some(from))],
                &[Kind::Int, Kind::Date, Kind::Date],
            )
            .await?;
        if let Some(l) = lock {
            return Err(StoreError::conflict(
                "locked",
                format!(
                    "{} 至 {} 的记录已随考核签署而锁定（锁定编号 {}），如需修改请联系管理员解锁",
                    l[1].date().map(|d| d.to_string()).unwrap_or_default(),
                    l[2].date().map(|d| d.to_string()).unwrap_or_default(),
                    l[0].int().unwrap_or(0)
                ),
                None,
            ));
        }
        Ok(())
    }

    async fn program_authority(tx: &mut Tx, program: i64) -> Result<Option<i64>> {
        Ok(tx
            .fetch_opt(
                "SELECT authority_org_id FROM programs WHERE id = $1",
                &[Arg::Int(Some(program))],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int()))
    }

    async fn check_natural_key(
        tx: &mut Tx,
        def: &EntityDef,
        rec: &Map<String, Value>,
        own_id: Option<i64>,
    ) -> Result<()> {
        if def.natural_key.is_empty() {
            return Ok(());
        }
        let op = same(tx.backend());
        let mut args = Vec::new();
        let mut conds = Vec::new();
        for k in def.natural_key {
            let f = def
                .field(k)
                .ok_or_else(|| StoreError::Other(format!("unknown key {k}")))?;
            args.push(to_arg(f, rec.get(*k).unwrap_or(&Value::Null)));
            conds.push(format!("{k} {op} ${}", args.len()));
        }
        args.push(Arg::Int(Some(own_id.unwrap_or(0))));
        conds.push(format!("id <> ${}", args.len()));
        let found = tx
            .fetch_opt(
                &format!("SELECT id FROM {} WHERE {}", def.name, conds.join(" AND ")),
                &args,
                &[Kind::Int],
            )
            .await?;
        if let Some(r) = found {
            let shown: Vec<String> = def
                .natural_key
                .iter()
                .map(|k| format!("{}={}", k, rec.get(*k).map(|v| v.to_string()).unwrap_or_default()))
                .collect();
            return Err(StoreError::conflict(
                "duplicate",
                format!(
                    "已存在相同的{}（编号 {}）：{}",
                    def.label,
                    r[0].int().unwrap_or(0),
                    shown.join("，")
                ),
                Some(def.natural_key[0]),
            ));
        }
        Ok(())
    }
}

impl Store {
    /// Creates a record once per form token: submitting the same form again returns the record the first submit made.
    pub async fn create_once(&self, actor: &Actor, entity: &str, input: &Value, token: &str) -> Result<Value> {
        let def = def(entity)?;
        if token.is_empty() || token.len() > 100 {
            return self.create(actor, entity, input).await;
        }
        let mut w = WriteTx::begin(self, actor).await?;
        let seen =
            w.tx.fetch_opt(
                "SELECT record_id FROM form_submissions WHERE token = $1 AND entity = $2",
                &[Arg::Text(Some(token.into())), Arg::Text(Some(entity.into()))],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int());
        if let Some(id) = seen {
            w.tx.rollback().await?;
            return self.get(def.name, id).await;
        }
        let created = Self::create_in(&mut w, entity, input).await?;
        w.tx.execute(
            "INSERT INTO form_submissions (token, entity, record_id) VALUES ($1, $2, $3)",
            &[
                Arg::Text(Some(token.into())),
                Arg::Text(Some(entity.into())),
                Arg::Int(created["id"].as_i64()),
            ],
        )
        .await?;
        w.commit().await?;
        Ok(created)
    }
}
