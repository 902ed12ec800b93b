//! Any kind of record: its list (`/records/{entity}`, searchable in Chinese) and one record's page with its
//! history.

use super::names::{beijing_time, list_names, reference_name, region_name, shown, shown_field, Names};
use super::{page_user, page_user_seen, program, render, ui, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use duikou_domain::schema::{self, FieldKind};
use duikou_store::audit::AuditEvent;
use duikou_store::{ListQuery, Page};
use serde_json::Value;

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    ui: Ui,
    title: String,
    label: String,
    entity: String,
    q: String,
    page: i64,
    view: std::sync::Arc<ListView>,
    link_base: String,
}

/// Lists kept at most at one audit head.
pub const LISTS_KEPT: usize = 1024;

/// What a list shows of the record, the same for every reader (everyone signed in reads the whole record): made
/// once per address and audit head and kept until the next write ([`crate::AppState::lists`]).
pub struct ListView {
    total: String,
    pages: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    note: Option<String>,
    headers: Vec<String>,
    /// Each record: its id (for the links), what it is called (its name, title or two sides), its cells.
    rows: Vec<(i64, String, Vec<String>)>,
}

/// What a list's address asks for: the search, the page (by number near the start, or by a cursor), and the
/// parameters its links keep (`q`, `sort` and field filters such as `?program_id=3`, `?start_date_from=…`).
struct Asked {
    q: String,
    page: i64,
    after: Option<i64>,
    before: Option<i64>,
    kept: Vec<(String, String)>,
}

/// A list's address read: what it asks for, and the store's query for it.
fn asked(def: &schema::EntityDef, raw: &str) -> (Asked, ListQuery) {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let q = get("q").unwrap_or_default();
    let cursor = |name: &str| get(name).and_then(|v| v.parse::<i64>().ok()).filter(|v| *v >= 1);
    let (after, before) = (cursor("after"), cursor("before"));
    // `page` pages by number near the start; with a cursor it only numbers the page shown.
    let page = get("page")
        .and_then(|v| v.parse().ok())
        .filter(|p: &i64| *p >= 1)
        .unwrap_or(1);
    // Field filters (`?program_id=3`, `?start_date_from=…`) and `sort` pass through to the list and its links.
    let is_field = |k: &str| {
        let base = k.strip_suffix("_from").or_else(|| k.strip_suffix("_to")).unwrap_or(k);
        def.fields.iter().any(|f| f.name == k || f.name == base)
    };
    let kept: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, v)| (k == "q" || k == "sort" || is_field(k)) && !v.is_empty())
        .cloned()
        .collect();
    let query = ListQuery {
        q: (!q.is_empty() && !def.search.is_empty()).then(|| q.clone()),
        filters: kept.iter().filter(|(k, _)| k != "q" && k != "sort").cloned().collect(),
        sort: get("sort").filter(|s| !s.is_empty()),
        page: (after.is_none() && before.is_none()).then_some(page),
        per_page: Some(50),
        after: after.filter(|_| before.is_none()),
        before,
    };
    let asked = Asked {
        q,
        page,
        after,
        before,
        kept,
    };
    (asked, query)
}

/// The links to the previous and the next page, keeping the search, filters and sort.
fn page_links(asked: &Asked, result: &Page) -> (Option<String>, Option<String>) {
    let page = asked.page;
    let base = serde_urlencoded::to_string(&asked.kept).unwrap_or_default();
    let href = |extra: String| match (base.is_empty(), extra.is_empty()) {
        (true, _) => format!("?{extra}"),
        (false, true) => format!("?{base}"),
        (false, false) => format!("?{base}&{extra}"),
    };
    let prev_href = if asked.after.is_none() && asked.before.is_none() {
        (page > 1).then(|| {
            href(if page == 2 {
                String::new()
            } else {
                format!("page={}", page - 1)
            })
        })
    } else {
        result.prev_before.map(|b| {
            href(if page <= 2 {
                String::new()
            } else {
                format!("before={b}&page={}", page - 1)
            })
        })
    };
    let next_href = result.next_after.map(|a| href(format!("after={a}&page={}", page + 1)));
    (prev_href, next_href)
}

/// Why a list's count is not exact: a search too short for the index, or more records than are counted.
fn partial_count_note(query: &ListQuery) -> String {
    let short = query
        .q
        .as_deref()
        .is_some_and(|q| q.trim().chars().count() < duikou_store::list::INDEXED_CHARS);
    if short {
        format!(
            "一两个字的搜索不能用全文索引，每次只检索 {} 条记录，条数只计已检索的部分；点“下一页”继续检索，或多输入几个字在全部记录中查找。",
            duikou_store::list::SEARCH_WINDOW
        )
    } else {
        format!(
            "符合条件的记录超过 {} 条，只计到此为止。",
            duikou_store::list::COUNT_CAP
        )
    }
}

/// The rows of a list: each record's id, what it is called, and its cells, references by the names they point to.
fn list_rows(fields: &[&schema::Field], items: &[Value], names: &Names) -> Vec<(i64, String, Vec<String>)> {
    items
        .iter()
        .map(|r| {
            let id = r["id"].as_i64().unwrap_or(0);
            let called = names
                .get(&("", id.to_string()))
                .cloned()
                .unwrap_or_else(|| "查看".to_string());
            let cells = fields
                .iter()
                .map(|f| {
                    let raw = match &r[f.name] {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => String::new(),
                    };
                    match names.get(&(f.name, raw)) {
                        Some(name) => name.clone(),
                        None if f.name.ends_with("_at") => beijing_time(&shown(f.kind, &r[f.name])),
                        None => shown_field(f, r),
                    }
                })
                .collect();
            (id, called, cells)
        })
        .collect()
}

/// `GET /records/{entity}?q=&page=`: any list, searchable in Chinese, with an Excel download.
pub async fn list(State(state): State<AppState>, parts: Parts, Path(entity): Path<String>) -> Response {
    let (actor, csrf, head) = match page_user_seen(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(def) = schema::entity(&entity) else {
        return (StatusCode::NOT_FOUND, "没有这种记录").into_response();
    };
    let raw = parts.uri.query().unwrap_or("");
    let (asked, query) = asked(def, raw);
    let key = (def.name.to_string(), raw.to_string());
    let view = match state.lists.get(head, &key) {
        Some(v) => v,
        None => match list_view(&state, def, &asked, &query).await {
            Ok(v) => state.lists.put(head, key, v),
            Err(r) => return r,
        },
    };
    let link_base = if entity == "pairings" {
        "/pairings/".to_string()
    } else if entity == "programs" && program::may_oversee(&actor).is_ok() {
        "/programs/".to_string()
    } else {
        format!("/records/{entity}/")
    };
    render(ListPage {
        ui: ui(Some(&actor), csrf),
        title: def.label.into(),
        label: def.label.into(),
        entity,
        q: asked.q,
        page: asked.page,
        view,
        link_base,
    })
}

/// The list `query` asks for, with references by the names of what they point to.
async fn list_view(
    state: &AppState,
    def: &'static schema::EntityDef,
    asked: &Asked,
    query: &ListQuery,
) -> Result<ListView, Response> {
    let result = state
        .store
        .list(def.name, query)
        .await
        .map_err(|e| crate::error::ApiError::from(e).into_response())?;
    let (prev_href, next_href) = page_links(asked, &result);
    let note = (!result.total_exact).then(|| partial_count_note(query));
    let (total, pages) = if result.total_exact {
        (result.total.to_string(), ((result.total + 49) / 50).max(1).to_string())
    } else {
        (
            format!("{}+", result.total),
            format!("{}+", ((result.total + 49) / 50).max(1)),
        )
    };
    let fields: Vec<&schema::Field> = def
        .fields
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::Json(_) | FieldKind::LongText) && f.companion.is_none())
        .take(8)
        .collect();
    let mut headers = vec![def.label.to_string()];
    headers.extend(fields.iter().map(|f| f.label.to_string()));
    // references by the names of what they point to, read once per page and target
    let names = list_names(state, def.name, &fields, &result.items).await;
    let rows = list_rows(&fields, &result.items, &names);
    Ok(ListView {
        total,
        pages,
        prev_href,
        next_href,
        note,
        headers,
        rows,
    })
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    ui: Ui,
    title: String,
    heading: String,
    /// The scope of the record's work summary (`org:3`, `region:650000`), for programs, orgs and regions.
    summary_scope: Option<String>,
    /// Whether the user has just saved it (a form's redirect says so).
    saved: bool,
    entity: String,
    id: i64,
    fields: Vec<(String, String)>,
    history: Vec<(String, String, String, String)>,
}

fn action_label(a: &str) -> &str {
    match a {
        "create" => "新建",
        "update" => "修改",
        "delete" => "删除",
        "confirm" => "确认",
        "dispute" => "提出异议",
        "publish" => "公开",
        "withdraw" => "撤回公开",
        other => other,
    }
}

/// A record's fields as a person reads them: references by the names they point to, times in Beijing time.
async fn record_fields(state: &AppState, def: &schema::EntityDef, rec: &Value) -> Vec<(String, String)> {
    let confirm: &[schema::Field] = if def.confirmable {
        schema::CONFIRMATION_FIELDS
    } else {
        &[]
    };
    let mut fields = Vec::new();
    for f in def.fields.iter().chain(confirm).filter(|f| f.companion.is_none()) {
        let mut value = shown_field(f, rec);
        match (f.refs, &rec[f.name]) {
            (Some(("users", "id")), Value::Number(n)) => {
                let uid = n.as_i64().unwrap_or(0);
                value = state
                    .store
                    .user_names(&[uid])
                    .await
                    .ok()
                    .and_then(|m| m.get(&uid).cloned())
                    .unwrap_or_default();
            }
            (Some((target, "id")), Value::Number(n)) => {
                if let Some(name) = reference_name(state, target, n.as_i64().unwrap_or(0)).await {
                    value = name;
                }
            }
            (Some(("regions", "code")), Value::String(code)) => {
                if let Some(name) = region_name(state, code).await {
                    value = name;
                }
            }
            _ if f.name.ends_with("_at") => value = beijing_time(&value),
            _ => {}
        }
        fields.push((f.label.to_string(), value));
    }
    fields
}

/// A record's history: each change's time, who made it, what it did, and the fields it changed with their new
/// values.
async fn history(
    state: &AppState,
    def: &schema::EntityDef,
    entity: &str,
    id: i64,
) -> Vec<(String, String, String, String)> {
    let events = state.store.audit_for(entity, id).await.unwrap_or_default();
    let user_ids: Vec<i64> = events.iter().map(|e| e.user_id).collect();
    let names = state.store.user_names(&user_ids).await.unwrap_or_default();
    // what the history's references point to, by name (a region, an org, a user), never by code or id
    let ref_fields: Vec<&schema::Field> = def.fields.iter().filter(|f| f.refs.is_some()).collect();
    let afters: Vec<Value> = events.iter().map(|e| e.after.clone()).collect();
    let ref_names = list_names(state, entity, &ref_fields, &afters).await;
    events
        .into_iter()
        .map(|e| {
            let at = beijing_time(&e.at);
            (
                at,
                names.get(&e.user_id).cloned().unwrap_or_else(|| "系统".to_string()),
                action_label(&e.action).to_string(),
                changed(def, &e, &ref_names),
            )
        })
        .collect()
}

/// The fields one change of the history changed, with their new values (`名称：…；金额：…`).
fn changed(def: &schema::EntityDef, e: &AuditEvent, ref_names: &Names) -> String {
    let changed: Vec<String> = e
        .after
        .as_object()
        .map(|after| {
            let mut seen = Vec::new();
            after
                .iter()
                .filter(|(k, v)| e.before.get(k.as_str()) != Some(*v))
                // a changed qualifier or range shows as its figure's new written form
                .filter_map(|(k, _)| {
                    def.field(k)
                        .map(|f| f.companion.and_then(|b| def.field(b)).unwrap_or(f))
                })
                .filter(|f| {
                    let fresh = !seen.contains(&f.name);
                    seen.push(f.name);
                    fresh
                })
                .map(|f| {
                    let raw = match &e.after[f.name] {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => String::new(),
                    };
                    let shown = match ref_names.get(&(f.name, raw)) {
                        Some(name) if f.refs.is_some() => name.clone(),
                        _ => shown_field(f, &e.after),
                    };
                    format!("{}：{shown}", f.label)
                })
                .collect()
        })
        .unwrap_or_default();
    changed.join("；")
}

/// `GET /records/{entity}/{id}`: the record, its confirmation state and its history.
pub async fn record(State(state): State<AppState>, parts: Parts, Path((entity, id)): Path<(String, i64)>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if entity == "pairings" {
        return Redirect::to(&format!("/pairings/{id}")).into_response();
    }
    let Some(def) = schema::entity(&entity) else {
        return (StatusCode::NOT_FOUND, "没有这种记录").into_response();
    };
    let rec = match state.store.get(&entity, id).await {
        Ok(r) => r,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let fields = record_fields(&state, def, &rec).await;
    let history = if duikou_domain::access::may_read_audit(&actor).is_ok() {
        history(&state, def, &entity, id).await
    } else {
        Vec::new()
    };
    // the record by what people call it: its name or title (a region's, an org's, an activity's …), else its kind
    let called = ["name", "title"]
        .iter()
        .find_map(|k| rec[*k].as_str().filter(|s| !s.trim().is_empty()))
        .map(|n| format!("{}：{n}", def.label))
        .unwrap_or_else(|| def.label.to_string());
    // where a work summary can be written for this record's scope
    let summary_scope = match entity.as_str() {
        "programs" => Some(format!("program:{id}")),
        "orgs" => Some(format!("org:{id}")),
        "regions" => rec["code"].as_str().map(|c| format!("region:{c}")),
        _ => None,
    };
    render(RecordPage {
        ui: ui(Some(&actor), csrf),
        title: called.clone(),
        heading: called,
        summary_scope,
        saved: parts.uri.query().is_some_and(|q| q.split('&').any(|p| p == "saved=1")),
        entity,
        id,
        fields,
        history,
    })
}
