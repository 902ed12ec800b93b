//! What a person reads in place of an id, a code or a raw value: a record by its name (a pairing by its two sides),
//! a region by its names, a server time in Beijing time, a value in its Chinese form.

use crate::AppState;
use duikou_domain::schema::{self, FieldKind};
use duikou_store::db::Arg;
use duikou_store::ListQuery;
use serde_json::Value;

/// What a person calls the record an id field points at: its name or title, a pairing by its two sides.
pub(super) async fn reference_name(state: &AppState, entity: &str, id: i64) -> Option<String> {
    let rec = state.store.get(entity, id).await.ok()?;
    if entity == "pairings" {
        return pairing_name(state, &rec).await;
    }
    ["name", "title", "username"]
        .iter()
        .find_map(|k| rec[*k].as_str().filter(|s| !s.is_empty()))
        .map(str::to_string)
}

/// A pairing record by its two sides: «支援方 → 受援方».
pub(super) async fn pairing_name(state: &AppState, pairing: &Value) -> Option<String> {
    let side = |field: &str| pairing[field].as_i64();
    let supporter = state.store.get("orgs", side("supporter_org_id")?).await.ok()?;
    let receiver = state.store.get("orgs", side("receiver_org_id")?).await.ok()?;
    Some(format!(
        "{} → {}",
        supporter["name"].as_str().unwrap_or(""),
        receiver["name"].as_str().unwrap_or("")
    ))
}

/// What a page calls things, by `(field, raw value)`: see [`list_names`].
pub(super) type Names = std::collections::HashMap<(&'static str, String), String>;

/// The names of `target` records by id: a pairing by its two sides, a dispatch by its person, others by their name
/// or title.
async fn named(state: &AppState, target: &str, ids: &[i64]) -> std::collections::HashMap<i64, String> {
    let mut names = std::collections::HashMap::new();
    if ids.is_empty() {
        return names;
    }
    let args: Vec<Arg> = ids.iter().map(|i| Arg::Int(Some(*i))).collect();
    let Some(def) = schema::entity(target) else {
        return names;
    };
    if target == "pairings" {
        let Ok(rows) = state
            .store
            .fields_where_in_and(
                "pairings",
                &["supporter_org_id", "receiver_org_id"],
                "id",
                &args,
                "",
                &[],
            )
            .await
        else {
            return names;
        };
        let org_ids: Vec<i64> = rows
            .iter()
            .flat_map(|p| [p["supporter_org_id"].as_i64(), p["receiver_org_id"].as_i64()])
            .flatten()
            .collect();
        let orgs = Box::pin(named(state, "orgs", &org_ids)).await;
        for p in rows {
            let side = |k: &str| p[k].as_i64().and_then(|i| orgs.get(&i)).cloned().unwrap_or_default();
            names.insert(
                p["id"].as_i64().unwrap_or(0),
                format!("{} → {}", side("supporter_org_id"), side("receiver_org_id")),
            );
        }
        return names;
    }
    if target == "dispatches" {
        let Ok(rows) = state
            .store
            .fields_where_in_and("dispatches", &["person_id"], "id", &args, "", &[])
            .await
        else {
            return names;
        };
        let people: Vec<i64> = rows.iter().filter_map(|d| d["person_id"].as_i64()).collect();
        let people = Box::pin(named(state, "people", &people)).await;
        for d in rows {
            if let Some(n) = d["person_id"].as_i64().and_then(|i| people.get(&i)) {
                names.insert(d["id"].as_i64().unwrap_or(0), n.clone());
            }
        }
        return names;
    }
    let Some(key) = ["name", "title"].into_iter().find(|k| def.field(k).is_some()) else {
        return names;
    };
    if let Ok(rows) = state
        .store
        .fields_where_in_and(target, &[key], "id", &args, "", &[])
        .await
    {
        for r in rows {
            if let Some(n) = r[key].as_str().filter(|n| !n.trim().is_empty()) {
                names.insert(r["id"].as_i64().unwrap_or(0), n.to_string());
            }
        }
    }
    names
}

/// What a page of records calls things: `("", id)` → the record's own name (its name or title, a pairing's two
/// sides, a dispatch's person), and `(field, raw value)` → the name of what a reference field points to (an org, a
/// pairing, a person, a region by its code, a user). Read with one query per target and page.
pub(super) async fn list_names(state: &AppState, entity: &str, fields: &[&schema::Field], items: &[Value]) -> Names {
    let mut out = std::collections::HashMap::new();
    let ids = |field: &str| -> Vec<i64> {
        let set: std::collections::BTreeSet<i64> = items.iter().filter_map(|r| r[field].as_i64()).collect();
        set.into_iter().collect()
    };
    // each record's own name
    let own = ids("id");
    for (id, name) in named(state, entity, &own).await {
        out.insert(("", id.to_string()), name);
    }
    for f in fields {
        match f.refs {
            Some(("users", "id")) => {
                for (id, name) in state.store.user_names(&ids(f.name)).await.unwrap_or_default() {
                    out.insert((f.name, id.to_string()), name);
                }
            }
            Some(("regions", "code")) => {
                let codes: std::collections::BTreeSet<String> = items
                    .iter()
                    .filter_map(|r| r[f.name].as_str().map(str::to_string))
                    .collect();
                let args: Vec<Arg> = codes.into_iter().map(|c| Arg::Text(Some(c))).collect();
                if args.is_empty() {
                    continue;
                }
                if let Ok(rows) = state
                    .store
                    .fields_where_in_and("regions", &["code", "name"], "code", &args, "", &[])
                    .await
                {
                    for r in rows {
                        if let (Some(c), Some(n)) = (r["code"].as_str(), r["name"].as_str()) {
                            out.insert((f.name, c.to_string()), n.to_string());
                        }
                    }
                }
            }
            Some((target, "id")) => {
                for (id, name) in named(state, target, &ids(f.name)).await {
                    out.insert((f.name, id.to_string()), name);
                }
            }
            _ => {}
        }
    }
    out
}

/// A region by its name with the names above it (`新疆维吾尔自治区 阿克苏地区 温宿县`), for a page that would
/// otherwise show its code.
pub(super) async fn region_name(state: &AppState, code: &str) -> Option<String> {
    let mut names = Vec::new();
    let mut next = Some(code.to_string());
    // at most four levels (province, prefecture, county, town)
    for _ in 0..4 {
        let Some(c) = next.take() else { break };
        let query = ListQuery {
            filters: [("code".to_string(), c)].into(),
            ..Default::default()
        };
        let found = state.store.list("regions", &query).await.ok()?;
        let r = found.items.first()?;
        names.push(r["name"].as_str().unwrap_or("").to_string());
        next = r["parent_code"].as_str().map(str::to_string);
    }
    names.reverse();
    Some(names.join(" "))
}

/// A server time (RFC 3339, UTC) as a person in China reads it: `2026-12-06 10:36`, Beijing time. Anything else is
/// shown as it came.
pub(super) fn beijing_time(at: &str) -> String {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&beijing).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

pub(super) fn shown(kind: FieldKind, v: &Value) -> String {
    match (kind, v) {
        (_, Value::Null) => String::new(),
        (FieldKind::Enum(options), Value::String(s)) => options
            .iter()
            .find(|(o, _)| o == s)
            .map(|(_, l)| l.to_string())
            .unwrap_or_else(|| s.clone()),
        // a date in its Chinese form at its precision: 2011年, 2014年6月, 2014年6月15日 (never a year's first day)
        (FieldKind::Date, Value::String(s)) => s
            .parse::<duikou_domain::RecDate>()
            .map(|d| d.label_zh())
            .unwrap_or_else(|_| s.clone()),
        (FieldKind::Money, Value::String(s)) => s
            .parse::<duikou_domain::Money>()
            .map(|m| m.display_zh())
            .unwrap_or_else(|_| s.clone()),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// A field of a record as a person reads it: an approximate figure in its written form (`1500余课时`).
pub(super) fn shown_field(f: &schema::Field, rec: &Value) -> String {
    // an org's attributes by the registry's words (职工13名；无专职防保人员), others by their key
    if let (true, Value::Object(m)) = (f.name == "attributes", &rec[f.name]) {
        return m
            .iter()
            .map(|(k, v)| {
                duikou_domain::attributes::org_attribute(k)
                    .and_then(|a| duikou_domain::attributes::written(a, v))
                    .unwrap_or_else(|| format!("{k}：{}", shown(FieldKind::Text, v)))
            })
            .collect::<Vec<_>>()
            .join("；");
    }
    // an obligation's rule as its sentence (每年培训不少于 200 人次), never its JSON
    if f.kind == FieldKind::Json(schema::JsonShape::ObligationRule) {
        if let Ok(rule) = duikou_domain::ObligationRule::from_json(&rec[f.name]) {
            return rule.text_zh();
        }
    }
    if f.approx {
        if let Some(w) = duikou_domain::approx::written_field(f.kind, rec, f.name) {
            return w;
        }
    }
    shown(f.kind, &rec[f.name])
}

#[cfg(test)]
mod tests {
    #[test]
    fn server_times_are_read_in_beijing_time() {
        assert_eq!(super::beijing_time("2026-12-06T02:36:01.721603Z"), "2026-12-06 10:36");
        assert_eq!(super::beijing_time("2026-12-06T20:00:00+00:00"), "2026-12-07 04:00");
        assert_eq!(super::beijing_time("昨天"), "昨天");
    }
}
