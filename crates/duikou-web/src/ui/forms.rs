//! Create and edit forms for every record, built from its description: messages next to the fields, what the user
//! typed kept, a double submit making one record, and a stale edit shown instead of overwriting someone else's change.

use super::{page_user, render, ui, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use duikou_domain::schema::{self, EntityDef, FieldKind};
use duikou_store::StoreError;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One field of a form.
pub struct FormField {
    name: &'static str,
    label: &'static str,
    input: &'static str,
    value: String,
    options: Vec<(String, String, bool)>,
    error: Option<String>,
    required: bool,
    /// What to write (a date: 2011、2014-06 或 2014-06-15).
    placeholder: &'static str,
    /// The picker this text field offers (`/api/v1/pick/{pick}`, `assets/pick.js`): the entity it chooses from, or
    /// empty. Without script the field stays as it is, typed.
    pick: &'static str,
    /// What a person reads for the field's current value when the picker shows it (a name for an id or a code).
    shown: String,
    /// The field drawn by a form of its own (an obligation's rule: [`super::obligation_form`]), instead of one input.
    custom: Option<String>,
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    ui: Ui,
    title: String,
    heading: String,
    action: String,
    message: Option<String>,
    form_token: String,
    version: String,
    submit: String,
    /// Where to go after saving (a page of this site), when the form was opened from one.
    next: String,
    fields: Vec<FormField>,
}

/// `next` when it is a path on this site (never another host), else empty.
fn local_path(next: Option<&str>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or("")
        .to_string()
}

fn text_of(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => {
            if *b {
                "true".into()
            } else {
                "false".into()
            }
        }
        other => other.to_string(),
    }
}

/// Records a field may point at, offered as a list instead of an id to type: by field name, (id, what a person calls it).
type Choices = HashMap<&'static str, Vec<(String, String)>>;

/// Records offered at most in one list; beyond that (a coordinator of the whole country) the id is typed.
const LISTED: usize = 200;

/// What an editor records about, offered as lists for the fields pointing at them: its pairings (those its orgs
/// support, or receive for a receiver editor), the orgs on both sides of them, and the people whose home org is one of
/// those. Other roles, and lists longer than [`LISTED`], type the id.
/// The choices of a form, with the current value of each reference the lists do not hold (a record pointing
/// elsewhere) named, so it stays chosen and readable.
async fn choices_for(
    state: &AppState,
    actor: &duikou_domain::access::Actor,
    def: &EntityDef,
    values: &HashMap<String, String>,
) -> Choices {
    let mut out = choices(state, actor, def).await;
    for f in def.fields.iter().filter(|f| !f.server) {
        let (Some((target, "id")), Some(list)) = (f.refs, out.get_mut(f.name)) else {
            continue;
        };
        let Some(value) = values.get(f.name).filter(|v| !v.is_empty()) else {
            continue;
        };
        if list.is_empty() || list.iter().any(|(v, _)| v == value) {
            continue;
        }
        if let Some(name) = match value.parse::<i64>() {
            Ok(id) => super::names::reference_name(state, target, id).await,
            Err(_) => None,
        } {
            list.push((value.clone(), name));
        }
    }
    // the same words twice are told apart by the order they were made in
    for list in out.values_mut() {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (_, label) in list.iter() {
            *seen.entry(label.clone()).or_default() += 1;
        }
        let mut nth: HashMap<String, usize> = HashMap::new();
        for (_, label) in list.iter_mut() {
            if seen.get(label.as_str()).copied().unwrap_or(0) > 1 {
                let n = nth.entry(label.clone()).or_default();
                *n += 1;
                *label = format!("{label}（其{n}）");
            }
        }
    }
    out
}

async fn choices(state: &AppState, actor: &duikou_domain::access::Actor, def: &EntityDef) -> Choices {
    use duikou_domain::access::Role;
    let mut out = Choices::new();
    let side = match actor.role {
        Role::SupporterEditor => "supporter_org_id",
        Role::ReceiverEditor => "receiver_org_id",
        _ => return out,
    };
    let refs = |target: &'static str| -> Vec<&'static str> {
        def.fields
            .iter()
            .filter(|f| !f.server && f.refs.is_some_and(|(e, key)| e == target && key == "id"))
            .map(|f| f.name)
            .collect()
    };
    let mut pairings = Vec::new();
    for org in &actor.scope {
        pairings.extend(state.store.list_all("pairings", side, *org).await.unwrap_or_default());
        if pairings.len() > LISTED {
            return out;
        }
    }
    let mut orgs: std::collections::BTreeSet<i64> = actor.scope.iter().copied().collect();
    let mut listed = Vec::new();
    for p in &pairings {
        let Some(id) = p["id"].as_i64() else { continue };
        orgs.extend(
            [p["supporter_org_id"].as_i64(), p["receiver_org_id"].as_i64()]
                .into_iter()
                .flatten(),
        );
        let name = super::names::pairing_name(state, p).await.unwrap_or_default();
        listed.push((id, name));
    }
    let mut put = |field: &'static str, mut list: Vec<(i64, String)>| {
        list.sort();
        list.dedup();
        out.insert(
            field,
            list.into_iter().map(|(id, label)| (id.to_string(), label)).collect(),
        );
    };
    for field in refs("pairings") {
        put(field, listed.clone());
    }
    if orgs.len() > LISTED {
        return out;
    }
    let org_fields = refs("orgs");
    if !org_fields.is_empty() {
        let mut list = Vec::new();
        for id in &orgs {
            let name = super::names::reference_name(state, "orgs", *id)
                .await
                .unwrap_or_default();
            list.push((*id, name));
        }
        for field in org_fields {
            put(field, list.clone());
        }
    }
    let people_fields = refs("people");
    if !people_fields.is_empty() {
        let mut list = Vec::new();
        for org in &orgs {
            for p in state
                .store
                .list_all("people", "home_org_id", *org)
                .await
                .unwrap_or_default()
            {
                let (Some(id), Some(name)) = (p["id"].as_i64(), p["name"].as_str()) else {
                    continue;
                };
                // two people of one name are told apart by their birth year
                let born = p["birth_year"]
                    .as_i64()
                    .map(|y| format!("（{y}年生）"))
                    .unwrap_or_default();
                list.push((id, format!("{name}{born}")));
            }
            if list.len() > LISTED {
                return out;
            }
        }
        for field in people_fields {
            put(field, list.clone());
        }
    }
    out
}

/// The picker a field offers when it is a text box: the entity it points at, when a picker chooses from it.
fn pick_kind(f: &schema::Field) -> Option<&'static str> {
    match f.refs {
        Some(("regions", "code")) => Some("regions"),
        Some((target, "id")) => duikou_store::search::PICK_KINDS.iter().copied().find(|k| *k == target),
        _ => None,
    }
}

/// The names of the current values of the fields a picker serves: a record's name for its id, a region's as a
/// person types it for its code.
async fn pick_labels(
    state: &AppState,
    def: &EntityDef,
    values: &HashMap<String, String>,
) -> HashMap<&'static str, String> {
    let mut out = HashMap::new();
    for f in def.fields.iter().filter(|f| !f.server) {
        let (Some(kind), Some(value)) = (pick_kind(f), values.get(f.name).map(|v| v.trim())) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let name = match (kind, value.parse::<i64>()) {
            ("regions", _) if value.chars().all(|c| c.is_ascii_digit()) => Some(region_text(state, value).await),
            ("regions", _) => None,
            (_, Ok(id)) => super::names::reference_name(state, kind, id).await,
            _ => None,
        };
        if let Some(name) = name {
            out.insert(f.name, name);
        }
    }
    out
}

fn fields(
    def: &EntityDef,
    values: &HashMap<String, String>,
    errors: &HashMap<String, String>,
    choices: &Choices,
    labels: &HashMap<&'static str, String>,
) -> Vec<FormField> {
    def.fields
        .iter()
        .filter(|f| !f.server && f.companion.is_none())
        .map(|f| {
            let value = values.get(f.name).cloned().unwrap_or_default();
            let listed = choices.get(f.name).filter(|c| !c.is_empty());
            let (input, options) = match f.kind {
                _ if listed.is_some() => {
                    let mut options: Vec<(String, String, bool)> = listed
                        .into_iter()
                        .flatten()
                        .map(|(v, l)| (v.clone(), l.clone(), *v == value))
                        .collect();
                    // a value the list does not hold (a record pointing elsewhere) stays chosen, not lost
                    if !value.is_empty() && !options.iter().any(|o| o.2) {
                        options.push((value.clone(), "（原有取值）".to_string(), true));
                    }
                    ("select", options)
                }
                FieldKind::Enum(opts) => (
                    "select",
                    opts.iter()
                        .map(|(v, l)| (v.to_string(), l.to_string(), *v == value))
                        .collect(),
                ),
                FieldKind::Bool => (
                    "select",
                    vec![
                        ("true".into(), "是".into(), value == "true"),
                        ("false".into(), "否".into(), value == "false"),
                    ],
                ),
                // a text box, not a day picker: a date may be known only to the month or the year
                FieldKind::Date => ("text", Vec::new()),
                FieldKind::LongText | FieldKind::Json(_) => ("textarea", Vec::new()),
                // an approximate figure is typed as written ("1500余", "20-50", "约1000万")
                _ if f.approx => ("text", Vec::new()),
                FieldKind::Int if f.refs.is_none() => ("number", Vec::new()),
                _ => ("text", Vec::new()),
            };
            // a companion's complaint shows at the one input that carries it
            let error = errors.get(f.name).cloned().or_else(|| {
                f.approx
                    .then(|| [f.approx_name(), f.upper_name()])
                    .and_then(|cs| cs.iter().find_map(|c| errors.get(c).cloned()))
            });
            let pick = pick_kind(f).filter(|_| input == "text").unwrap_or("");
            let shown = labels.get(f.name).cloned().unwrap_or_else(|| value.clone());
            let custom = super::obligation_form::handles(def, f)
                .then(|| super::obligation_form::control(values, error.as_deref()));
            FormField {
                custom,
                name: f.name,
                label: f.label,
                input,
                pick,
                shown,
                value,
                options,
                error,
                required: f.required,
                placeholder: if f.kind == FieldKind::Date {
                    "如 2014-06-15、2014年6月 或 2011年"
                } else if f.refs == Some(("regions", "code")) {
                    "地名，如 吐鲁番市、霍城县；乡镇连同县名，如 绵竹市九龙镇"
                } else if pick_kind(f).is_some() {
                    "输入名称中的几个字，从列表中选择"
                } else {
                    ""
                },
            }
        })
        .collect()
}

/// The JSON a form's text fields stand for; what cannot be read is passed on as text so validation names it.
fn to_input(def: &EntityDef, form: &HashMap<String, String>) -> Value {
    let mut m = Map::new();
    for f in def.fields.iter().filter(|f| !f.server && f.companion.is_none()) {
        let raw = form.get(f.name).map(|s| s.trim().to_string()).unwrap_or_default();
        let v = if raw.is_empty() {
            Value::Null
        } else {
            match f.kind {
                FieldKind::Int => raw.parse::<i64>().map(Value::from).unwrap_or(Value::from(raw)),
                FieldKind::Bool => Value::from(raw == "true"),
                FieldKind::Json(_) => serde_json::from_str(&raw).unwrap_or(Value::from(raw)),
                _ => Value::from(raw),
            }
        };
        m.insert(f.name.to_string(), v);
    }
    if let Some(v) = form.get("version").and_then(|v| v.parse::<i64>().ok()) {
        m.insert("version".into(), Value::from(v));
    }
    Value::Object(m)
}

/// A region as a person types it: its name when the name finds it again, else its name after its parent's
/// (绵竹市九龙镇), else the code.
async fn region_text(state: &AppState, code: &str) -> String {
    let one = |c: &str| duikou_store::ListQuery {
        filters: [("code".to_string(), c.to_string())].into(),
        ..Default::default()
    };
    let Ok(found) = state.store.list("regions", &one(code)).await else {
        return code.to_string();
    };
    let Some(r) = found.items.first() else {
        return code.to_string();
    };
    let name = r["name"].as_str().unwrap_or("").to_string();
    let mut candidates = vec![name.clone()];
    if let Some(parent) = r["parent_code"].as_str() {
        if let Ok(p) = state.store.list("regions", &one(parent)).await {
            if let Some(pn) = p.items.first().and_then(|p| p["name"].as_str()) {
                candidates.push(format!("{pn}{name}"));
            }
        }
    }
    for c in candidates {
        if state.store.resolve_region(&c).await.ok().flatten().as_deref() == Some(code) {
            return c;
        }
    }
    code.to_string()
}

/// The id of the one `kind` record (of those the picker offers `actor`) whose name, or name and hint as the picker
/// lists it, is `text`; a pairing as "支援方 → 受援方". `None` when none or several are.
pub(super) async fn named_record(
    state: &AppState,
    actor: &duikou_domain::access::Actor,
    kind: &str,
    text: &str,
) -> Option<i64> {
    // a pairing's name joins two org names: look for the first
    let q = text.split('→').next().unwrap_or(text).trim();
    let q: String = q.split('（').next().unwrap_or(q).chars().take(100).collect();
    let found = state
        .store
        .pick(actor, kind, &q, duikou_store::search::PICK_LIMIT)
        .await
        .ok()?;
    let listed = |i: &duikou_store::search::Picked| {
        i.name == text || (!i.hint.is_empty() && format!("{}（{}）", i.name, i.hint) == text)
    };
    let mut same = found.items.iter().filter(|i| listed(i));
    match (same.next(), same.next()) {
        (Some(one), None) => one.value.parse().ok(),
        _ => None,
    }
}

/// A form page's answer with the policy that lets it load the pickers' script.
pub(super) fn with_picker(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(crate::FORM_CONTENT_SECURITY_POLICY),
    );
    resp
}

fn token() -> String {
    super::random_token()
}

/// `GET /records/{entity}/new`.
pub async fn show_new(state: State<AppState>, parts: Parts, Path(entity): Path<String>) -> Response {
    show(state, parts, vec![entity]).await
}

/// `GET /records/{entity}/{id}/edit`.
pub async fn show_edit(state: State<AppState>, parts: Parts, Path((entity, id)): Path<(String, String)>) -> Response {
    show(state, parts, vec![entity, id]).await
}

/// `POST /records/{entity}/new`.
pub async fn submit_new(
    state: State<AppState>,
    parts: Parts,
    Path(entity): Path<String>,
    form: Form<Vec<(String, String)>>,
) -> Response {
    submit(state, parts, vec![entity], form).await
}

/// `POST /records/{entity}/{id}/edit`.
pub async fn submit_edit(
    state: State<AppState>,
    parts: Parts,
    Path((entity, id)): Path<(String, String)>,
    form: Form<Vec<(String, String)>>,
) -> Response {
    submit(state, parts, vec![entity, id], form).await
}

async fn show(State(state): State<AppState>, parts: Parts, path: Vec<String>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(def) = path.first().and_then(|e| schema::entity(e)) else {
        return (StatusCode::NOT_FOUND, "没有这种记录").into_response();
    };
    let id = path.get(1).and_then(|i| i.parse::<i64>().ok());
    let mut values = HashMap::new();
    let mut version = String::new();
    // `?dispatch_id=7&year=2014&next=/receiver/people`: a new record prefilled, and where to go once saved
    let query: Vec<(String, String)> = serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap_or_default();
    let next = local_path(query.iter().find(|(k, _)| k == "next").map(|(_, v)| v.as_str()));
    if id.is_none() {
        for (k, v) in query {
            if def.fields.iter().any(|f| f.name == k && !f.server) {
                values.insert(k, v);
            }
        }
    }
    if let Some(id) = id {
        match state.store.get(def.name, id).await {
            Ok(r) => {
                for f in def.fields {
                    let text = match duikou_domain::approx::figure_of(f.kind, &r, f.name) {
                        Some(fig) if f.approx => duikou_domain::approx::cell(f.kind, fig),
                        _ if f.refs == Some(("regions", "code")) => match r[f.name].as_str() {
                            Some(code) => region_text(&state, code).await,
                            None => String::new(),
                        },
                        _ => text_of(&r[f.name]),
                    };
                    values.insert(f.name.to_string(), text);
                }
                version = r["version"].to_string();
            }
            Err(e) => return crate::error::ApiError::from(e).into_response(),
        }
    }
    let (heading, action, submit) = match id {
        Some(i) => (
            format!("修改{}{}", def.label, called(&values)),
            format!("/records/{}/{i}/edit", def.name),
            "保存".to_string(),
        ),
        None => (
            format!("新建{}", def.label),
            format!("/records/{}/new", def.name),
            "新建".to_string(),
        ),
    };
    with_picker(render(FormPage {
        ui: ui(Some(&actor), csrf),
        title: heading.clone(),
        heading,
        action,
        message: None,
        form_token: token(),
        version,
        submit,
        next,
        fields: fields(
            def,
            &values,
            &HashMap::new(),
            &choices_for(&state, &actor, def, &values).await,
            &pick_labels(&state, def, &values).await,
        ),
    }))
}

/// A record's form posted (`path`: its kind, and its id when edited): saved, or answered again as typed with its
/// messages.
async fn submit(
    State(state): State<AppState>,
    parts: Parts,
    path: Vec<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut form: HashMap<String, String> = form.into_iter().collect();
    if form.get("_csrf") != Some(&csrf) {
        return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌，请刷新页面后重试").into_response();
    }
    let Some(def) = path.first().and_then(|e| schema::entity(e)) else {
        return (StatusCode::NOT_FOUND, "没有这种记录").into_response();
    };
    let id = path.get(1).and_then(|i| i.parse::<i64>().ok());
    // an obligation's rule drawn as a form of its own: a step of it (预览, a row more or less, a template) answers the
    // form again, a rule it cannot read is refused; either way nothing is saved
    let again = |message: Option<String>, errors: HashMap<String, String>, status: StatusCode| Again {
        actor: &actor,
        csrf: &csrf,
        def,
        id,
        message,
        errors,
        status,
    };
    match super::obligation_form::step(def, &mut form) {
        super::obligation_form::Step::Stay => {
            return again(None, HashMap::new(), StatusCode::OK).answer(&state, &form).await
        }
        super::obligation_form::Step::Refused(m) => {
            return again(
                Some("请按提示修改后重新提交".to_string()),
                [("rule".to_string(), m)].into(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .answer(&state, &form)
            .await
        }
        super::obligation_form::Step::Generic | super::obligation_form::Step::Save => {}
    }
    let mut input = to_input(def, &form);
    let unplaced = resolve_names(&state, &actor, def, &mut input).await;
    let result = match id {
        Some(id) => state.store.update(&actor, def.name, id, &input).await,
        None => {
            state
                .store
                .create_once(
                    &actor,
                    def.name,
                    &input,
                    form.get("_token").map(String::as_str).unwrap_or(""),
                )
                .await
        }
    };
    let next = local_path(form.get("_next").map(String::as_str));
    match result {
        Ok(_) if !next.is_empty() => Redirect::to(&next).into_response(),
        // the saved record itself, with a word that it was saved (not page 1 of a list it may not be on)
        Ok(rec) => Redirect::to(&format!("/records/{}/{}?saved=1", def.name, rec["id"])).into_response(),
        Err(e) => {
            let mut errors = unplaced;
            let (message, status) = refusal(def, &e, &mut errors);
            again(message, errors, status).answer(&state, &form).await
        }
    }
}

/// The places and records typed by their names (as a picker shows them, or without script) put as the ids and
/// codes the record keeps; what could not be placed, by field.
async fn resolve_names(
    state: &AppState,
    actor: &duikou_domain::access::Actor,
    def: &'static schema::EntityDef,
    input: &mut Value,
) -> HashMap<String, String> {
    // a place is typed by its name (吐鲁番, 绵竹市九龙镇, 吐鲁番地区): the record keeps its code
    let mut unplaced = HashMap::new();
    for f in def.fields.iter().filter(|f| f.refs == Some(("regions", "code"))) {
        let Some(text) = input[f.name].as_str().map(str::to_string) else {
            continue;
        };
        match state.store.resolve_region(&text).await {
            Ok(Some(code)) => input[f.name] = Value::from(code),
            _ => {
                unplaced.insert(
                    f.name.to_string(),
                    format!("找不到“{text}”，或有多个地方叫这个名字：请写全称或连同上级，如“吐鲁番市”“绵竹市九龙镇”"),
                );
            }
        }
    }
    // a pairing, org, person, project or need typed by its name (as the picker shows it, or without script): the
    // one record of that name the user works on
    for f in def.fields.iter().filter(|f| !f.server) {
        let Some(kind) = pick_kind(f).filter(|k| *k != "regions") else {
            continue;
        };
        let Some(text) = input[f.name].as_str().map(str::trim).map(str::to_string) else {
            continue;
        };
        if let Some(id) = named_record(state, actor, kind, &text).await {
            input[f.name] = Value::from(id);
        } else {
            unplaced.insert(
                f.name.to_string(),
                format!(
                    "找不到名为“{text}”的{}，或有多个同名的：请从列表中选择，或写出全称",
                    f.label
                ),
            );
        }
    }
    unplaced
}

/// What the store's refusal says on the form: the message above it and its status, each field's message added to
/// `errors`.
fn refusal(
    def: &schema::EntityDef,
    e: &StoreError,
    errors: &mut HashMap<String, String>,
) -> (Option<String>, StatusCode) {
    let message = match e {
        StoreError::Invalid(v) => {
            for fe in &v.0 {
                errors
                    .entry(fe.field.clone())
                    .or_insert_with(|| plain(def, &fe.message));
            }
            Some("请按提示修改后重新提交".to_string())
        }
        StoreError::Conflict {
            code: "stale", message, ..
        } => Some(message.clone()),
        StoreError::Conflict {
            field: Some(f),
            message,
            ..
        } => {
            errors.insert(f.clone(), plain(def, message));
            Some(plain(def, message))
        }
        StoreError::Forbidden(m) => Some(plain(def, m)),
        other => Some(plain(def, &other.to_string())),
    };
    let status = match e {
        StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
        StoreError::Conflict { .. } => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    (message, status)
}

/// A posted form answered again: as typed, with its messages.
struct Again<'a> {
    actor: &'a duikou_domain::access::Actor,
    csrf: &'a str,
    def: &'static EntityDef,
    id: Option<i64>,
    message: Option<String>,
    errors: HashMap<String, String>,
    status: StatusCode,
}

impl Again<'_> {
    async fn answer(self, state: &AppState, form: &HashMap<String, String>) -> Response {
        let def = self.def;
        let (heading, action, submit) = match self.id {
            Some(i) => (
                format!("修改{}{}", def.label, called(form)),
                format!("/records/{}/{i}/edit", def.name),
                "保存".to_string(),
            ),
            None => (
                format!("新建{}", def.label),
                format!("/records/{}/new", def.name),
                "新建".to_string(),
            ),
        };
        let mut resp = render(FormPage {
            ui: ui(Some(self.actor), self.csrf.to_string()),
            title: heading.clone(),
            heading,
            action,
            message: self.message,
            form_token: form.get("_token").cloned().unwrap_or_else(token),
            version: form.get("version").cloned().unwrap_or_default(),
            submit,
            next: local_path(form.get("_next").map(String::as_str)),
            fields: fields(
                def,
                form,
                &self.errors,
                &choices_for(state, self.actor, def, form).await,
                &pick_labels(state, def, form).await,
            ),
        });
        *resp.status_mut() = self.status;
        with_picker(resp)
    }
}

/// A message as a form shows it: the field's label only, without the machine name the API adds for scripts
/// ("人次（person_times）不能为负数" → "人次不能为负数").
fn plain(def: &EntityDef, message: &str) -> String {
    let mut out = message.to_string();
    for f in def.fields.iter().chain(duikou_domain::schema::CONFIRMATION_FIELDS) {
        out = out.replace(&format!("（{}）", f.name), "");
    }
    out
}

/// What the record being edited is called, as a heading adds it: `：城关小学` (its name or title), or nothing.
fn called(values: &HashMap<String, String>) -> String {
    ["name", "title"]
        .iter()
        .find_map(|k| values.get(*k).filter(|v| !v.trim().is_empty()))
        .map(|v| format!("：{v}"))
        .unwrap_or_default()
}
