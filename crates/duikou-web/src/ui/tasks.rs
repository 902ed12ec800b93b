//! The 任务清单 page (`/tasks?org=…&year=…`): the yearly tasks an authority assigned to its units and those a unit
//! holds, each with its target, progress from the unit's own records and status (已完成 / 未完成 / 进行中); a form
//! for the authority to assign a task (units chosen by name) and one for the responsible unit to note its progress.
//! Who sees which task is [`duikou_domain::task::may_see`]; every write goes through the store's permissions.

use super::{page_user, posting_user, render, ui, urlencode, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use duikou_domain::access::{Actor, Role};
use duikou_domain::schema;
use duikou_domain::task::{self, Measure};
use duikou_store::tasks::TaskLine;
use duikou_store::ListQuery;
use serde_json::{json, Map, Value};

/// One task as the page lists it.
struct Row {
    id: i64,
    authority_id: i64,
    org_id: i64,
    authority: String,
    org: String,
    serves: String,
    title: String,
    target: String,
    measure: String,
    actual: String,
    remarks: String,
    status: &'static str,
    class: &'static str,
    due: String,
    note: String,
    /// (date, text) of each progress note.
    notes: Vec<(String, String)>,
}

/// What a write left to say: its message (and whether it was refused), and what was typed into the add form, given
/// back when it was refused.
#[derive(Default)]
struct Outcome {
    message: Option<String>,
    failed: bool,
    typed: Typed,
}

/// What was typed into the add form.
#[derive(Default)]
struct Typed {
    org_id: String,
    title: String,
    measure: String,
    activity_kind: String,
    item_category: String,
    target: String,
    target_unit: String,
    due_on: String,
    note: String,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    ui: Ui,
    title: String,
    org_id: i64,
    org_name: String,
    year: i64,
    years: Vec<i64>,
    /// The orgs to pick the list of: (id, name, selected).
    choices: Vec<(i64, String, bool)>,
    assigned: Vec<Row>,
    own: Vec<Row>,
    message: Option<String>,
    failed: bool,
    can_assign: bool,
    /// The units a task may go to: (id, name).
    units: Vec<(i64, String)>,
    measures: &'static [(&'static str, &'static str)],
    kinds: &'static [(&'static str, &'static str)],
    categories: &'static [(&'static str, &'static str)],
    count_units: &'static [(&'static str, &'static str)],
    typed: Typed,
}

fn query(parts: &Parts) -> Vec<(String, String)> {
    serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap_or_default()
}

fn get(form: &[(String, String)], k: &str) -> String {
    form.iter()
        .find(|(f, _)| f == k)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

fn row(line: TaskLine) -> Row {
    let r = &line.record;
    let text = |k: &str| r[k].as_str().unwrap_or("").to_string();
    Row {
        id: line.task.id,
        authority_id: line.task.authority_org_id,
        org_id: line.task.org_id,
        authority: line.authority,
        org: line.org,
        serves: line.serves,
        title: line.task.title.clone(),
        target: line
            .task
            .target
            .as_ref()
            .map(|t| t.written())
            .unwrap_or_else(|| "—".into()),
        measure: line.task.measure_zh(),
        actual: if line.progress.actual.is_some() {
            line.progress.actual_written.clone()
        } else {
            "—".into()
        },
        remarks: line.progress.remarks_zh(),
        status: line.progress.status.label_zh(),
        class: line.progress.status.class(),
        due: line
            .task
            .due_on
            .map(|d| d.label_zh())
            .unwrap_or_else(|| format!("{}年底", line.task.year)),
        note: text("note"),
        notes: line
            .notes
            .iter()
            .map(|n| {
                (
                    n["noted_on"].as_str().unwrap_or("").to_string(),
                    n["text"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect(),
    }
}

/// Whether `actor` is offered the form to assign tasks (the store still decides).
fn may_assign(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Coordinator)
}

/// The page when no unit has tasks yet and the actor has no unit of its own.
fn no_tasks(actor: &Actor, csrf: String, typed: Typed) -> Response {
    render(TasksPage {
        ui: ui(Some(actor), csrf),
        title: "任务清单".into(),
        org_id: 0,
        org_name: String::new(),
        year: 0,
        years: Vec::new(),
        choices: Vec::new(),
        assigned: Vec::new(),
        own: Vec::new(),
        message: Some("还没有任何单位的年度任务。".into()),
        failed: false,
        can_assign: false,
        units: Vec::new(),
        measures: task::MEASURES,
        kinds: schema::ACTIVITY_KINDS,
        categories: schema::ITEM_CATEGORIES,
        count_units: schema::COUNT_UNITS,
        typed,
    })
}

/// Draws the page of `org` (or the actor's first, or the first with tasks) and `year` (or its latest).
async fn page(
    state: &AppState,
    actor: &Actor,
    csrf: String,
    org: Option<i64>,
    year: Option<i64>,
    outcome: Outcome,
) -> Response {
    let Outcome { message, failed, typed } = outcome;
    let store = &state.store;
    let with_tasks = match store.unit_task_orgs().await {
        Ok(o) => o,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let everyone =
        matches!(actor.role, Role::Admin | Role::Viewer) || (actor.role == Role::Coordinator && actor.scope.is_empty());
    // the orgs the actor is offered: those with tasks it may see (its own, for a scoped user), and the one shown
    let choices: Vec<(i64, String)> = with_tasks
        .iter()
        .filter(|(id, _)| everyone || actor.scope.contains(id))
        .cloned()
        .collect();
    let org = org
        .or_else(|| choices.first().map(|c| c.0))
        .or_else(|| actor.scope.iter().next().copied());
    let Some(org) = org else {
        return no_tasks(actor, csrf, typed);
    };
    let org_name = match store.get("orgs", org).await {
        Ok(o) => o["name"].as_str().unwrap_or("").to_string(),
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let mut choices = choices;
    if !choices.iter().any(|(id, _)| *id == org) {
        choices.push((org, org_name.clone()));
    }
    let mut years = store.unit_task_years(org).await.unwrap_or_default();
    let today = state.store.today();
    let year = year
        .or_else(|| years.first().copied())
        .unwrap_or_else(|| i64::from(chrono::Datelike::year(&today)));
    if !years.contains(&year) {
        years.push(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    let list = match store.unit_task_list(org, year, today).await {
        Ok(l) => l,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let visible = |l: &TaskLine| task::may_see(actor, l.task.authority_org_id, l.task.org_id);
    let assigned: Vec<Row> = list.assigned.into_iter().filter(visible).map(row).collect();
    let own: Vec<Row> = list.own.into_iter().filter(visible).map(row).collect();
    let can_assign = may_assign(actor);
    let units = if can_assign {
        assignable_units(state, org).await
    } else {
        Vec::new()
    };
    let mut choices: Vec<(i64, String, bool)> = choices.into_iter().map(|(id, n)| (id, n, id == org)).collect();
    choices.sort_by(|a, b| a.1.cmp(&b.1));
    render(TasksPage {
        ui: ui(Some(actor), csrf),
        title: format!("任务清单：{org_name} {year}年"),
        org_id: org,
        org_name,
        year,
        years,
        choices,
        assigned,
        own,
        message,
        failed,
        can_assign,
        units,
        measures: task::MEASURES,
        kinds: schema::ACTIVITY_KINDS,
        categories: schema::ITEM_CATEGORIES,
        count_units: schema::COUNT_UNITS,
        typed,
    })
}

/// The units `org` may assign tasks to: its own first, then every other by name.
async fn assignable_units(state: &AppState, org: i64) -> Vec<(i64, String)> {
    let orgs = state
        .store
        .list_every("orgs", &ListQuery::default())
        .await
        .unwrap_or_default();
    let mut units: Vec<(i64, String)> = orgs
        .iter()
        .filter_map(|o| Some((o["id"].as_i64()?, o["name"].as_str()?.to_string())))
        .filter(|(id, _)| *id != org)
        .collect();
    // the authority's own units first, then every other by name
    units.sort_by_key(|(id, name)| (orgs_parent(&orgs, *id) != Some(org), name.clone()));
    units
}

fn orgs_parent(orgs: &[Value], id: i64) -> Option<i64> {
    orgs.iter()
        .find(|o| o["id"].as_i64() == Some(id))
        .and_then(|o| o["parent_id"].as_i64())
}

/// `GET /tasks?org=&year=`: the task list of an org and year.
pub async fn show(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let q = query(&parts);
    let org = get(&q, "org").parse().ok();
    let year = get(&q, "year").parse().ok();
    let message = match get(&q, "done").as_str() {
        "added" => Some("已下达任务".to_string()),
        "noted" => Some("已记录进展".to_string()),
        _ => None,
    };
    let outcome = Outcome {
        message,
        ..Outcome::default()
    };
    page(&state, &actor, csrf, org, year, outcome).await
}

/// The task the add form describes, as the API takes it: the target goes to the amount for a money measure, else
/// to the count; empty fields are left out.
fn task_input(form: &[(String, String)]) -> Value {
    let mut v = Map::new();
    let mut put = |k: &str, val: Value| {
        v.insert(k.to_string(), val);
    };
    for k in ["authority_org_id", "org_id", "year"] {
        let s = get(form, k);
        if !s.is_empty() {
            put(k, s.parse::<i64>().map(Value::from).unwrap_or(Value::from(s)));
        }
    }
    for k in [
        "title",
        "measure",
        "activity_kind",
        "item_category",
        "target_unit",
        "due_on",
        "note",
    ] {
        let s = get(form, k);
        if !s.is_empty() {
            put(k, Value::from(s));
        }
    }
    let target = get(form, "target");
    if !target.is_empty() {
        let money = Measure::parse(&get(form, "measure")).is_some_and(|m| m.is_money());
        put(
            if money { "target_amount" } else { "target_count" },
            Value::from(target),
        );
    }
    Value::Object(v)
}

/// `POST /tasks`: the authority assigns a task; refused input comes back with the Chinese message and what was typed.
pub async fn add(State(state): State<AppState>, parts: Parts, Form(form): Form<Vec<(String, String)>>) -> Response {
    let (actor, csrf) = match posting_user(&state, &parts, Some(get(&form, "csrf").as_str())).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let org = get(&form, "authority_org_id").parse::<i64>().ok();
    let year = get(&form, "year").parse::<i64>().ok();
    match state.store.create(&actor, "unit_tasks", &task_input(&form)).await {
        Ok(_) => Redirect::to(&format!(
            "/tasks?org={}&year={}&done=added",
            org.unwrap_or(0),
            year.unwrap_or(0)
        ))
        .into_response(),
        Err(e) => {
            let e = crate::error::ApiError::from(e);
            let typed = Typed {
                org_id: get(&form, "org_id"),
                title: get(&form, "title"),
                measure: get(&form, "measure"),
                activity_kind: get(&form, "activity_kind"),
                item_category: get(&form, "item_category"),
                target: get(&form, "target"),
                target_unit: get(&form, "target_unit"),
                due_on: get(&form, "due_on"),
                note: get(&form, "note"),
            };
            let outcome = Outcome {
                message: Some(e.message),
                failed: true,
                typed,
            };
            let mut resp = page(&state, &actor, csrf, org, year, outcome).await;
            *resp.status_mut() = e.status;
            resp
        }
    }
}

/// `POST /tasks/{id}/notes`: the responsible unit (or the authority) notes the task's progress.
pub async fn note(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, csrf) = match posting_user(&state, &parts, Some(get(&form, "csrf").as_str())).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let org = get(&form, "org").parse::<i64>().ok();
    let year = get(&form, "year").parse::<i64>().ok();
    let today = state.store.today().to_string();
    let input = json!({"task_id": id, "noted_on": today, "text": get(&form, "text")});
    match state.store.create(&actor, "unit_task_notes", &input).await {
        Ok(_) => Redirect::to(&format!(
            "/tasks?org={}&year={}&done=noted",
            urlencode(&org.unwrap_or(0).to_string()),
            year.unwrap_or(0)
        ))
        .into_response(),
        Err(e) => {
            let e = crate::error::ApiError::from(e);
            let outcome = Outcome {
                message: Some(e.message),
                failed: true,
                typed: Typed::default(),
            };
            let mut resp = page(&state, &actor, csrf, org, year, outcome).await;
            *resp.status_mut() = e.status;
            resp
        }
    }
}
