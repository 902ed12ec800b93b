//! The receiving side's own pages: the people sent to its pairings with their appraisals (援派人员评价), and its
//! local indicator values (本地指标). Only receiver editors are offered them, and the server refuses everyone else;
//! what they list is limited to the editor's orgs (and the orgs below them).

use super::{page_user, refused, render, ui, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use duikou_domain::access;
use duikou_domain::schema;

/// People listed per page.
pub const PEOPLE_PER_PAGE: usize = 100;

/// 待确认 / 已确认 / 有异议.
fn confirmation_label(value: &str) -> String {
    schema::CONFIRMATION_FIELDS
        .iter()
        .find(|f| f.name == "confirmation")
        .and_then(|f| match f.kind {
            schema::FieldKind::Enum(options) => Some(schema::enum_label(options, value)),
            _ => None,
        })
        .filter(|l| !l.is_empty())
        .unwrap_or(value)
        .to_string()
}

/// One person sent, as listed.
struct PersonLine {
    dispatch_id: i64,
    pairing_id: i64,
    person: String,
    role: String,
    batch: String,
    supporter: String,
    post: String,
    dates: String,
    confirmation: String,
    /// Year, grade, the appraisal's id (for its edit link).
    appraisals: Vec<(i64, String, i64)>,
    due_years: Vec<i32>,
}

#[derive(Template)]
#[template(path = "receiver_people.html")]
struct PeoplePage {
    ui: Ui,
    title: String,
    people: Vec<PersonLine>,
    total: usize,
    page: usize,
    pages: usize,
}

/// `GET /receiver/people?page=`: the people sent to the user's receiving pairings, with their appraisal state.
pub async fn people(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let orgs = match access::receiving_orgs(&actor) {
        Ok(o) => o,
        Err(denied) => return refused(&actor, csrf, denied.0),
    };
    let page = serde_urlencoded::from_str::<Vec<(String, String)>>(parts.uri.query().unwrap_or(""))
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let today = state.store.today();
    let sent = match state
        .store
        .people_received(orgs, (page - 1) * PEOPLE_PER_PAGE, PEOPLE_PER_PAGE, today)
        .await
    {
        Ok(s) => s,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let l = &super::ZH;
    let people = sent
        .items
        .into_iter()
        .map(|p| {
            let d = &p.dispatch;
            let text = |k: &str| d[k].as_str().unwrap_or("").to_string();
            PersonLine {
                dispatch_id: d["id"].as_i64().unwrap_or(0),
                pairing_id: d["pairing_id"].as_i64().unwrap_or(0),
                person: p.person,
                role: schema::value_label("dispatches", "role", &text("role")),
                batch: d["batch"]
                    .as_i64()
                    .map(|b| l.batch_n.replace("{}", &b.to_string()))
                    .unwrap_or_default(),
                supporter: p.supporter,
                post: text("post"),
                dates: format!("{} — {}", text("start_date"), text("end_date")),
                confirmation: confirmation_label(&text("confirmation")),
                appraisals: p
                    .appraisals
                    .iter()
                    .map(|a| {
                        (
                            a["year"].as_i64().unwrap_or(0),
                            schema::value_label("appraisals", "grade", a["grade"].as_str().unwrap_or("")),
                            a["id"].as_i64().unwrap_or(0),
                        )
                    })
                    .collect(),
                due_years: p.due_years,
            }
        })
        .collect();
    render(PeoplePage {
        ui: ui(Some(&actor), csrf),
        title: l.receiver_people.into(),
        people,
        total: sent.total,
        page,
        pages: sent.total.div_ceil(PEOPLE_PER_PAGE).max(1),
    })
}

/// One indicator value, as listed.
struct ValueLine {
    id: i64,
    indicator: String,
    place: String,
    period: String,
    value: String,
    source: String,
}

#[derive(Template)]
#[template(path = "receiver_indicators.html")]
struct IndicatorsPage {
    ui: Ui,
    title: String,
    values: Vec<ValueLine>,
    /// Link text and the query that prefills a new value for one of the user's orgs or its region.
    add: Vec<(String, String)>,
}

/// `GET /receiver/indicators`: the indicator values of the user's orgs and their regions, with links to add one.
pub async fn indicators(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let orgs = match access::receiving_orgs(&actor) {
        Ok(o) => o,
        Err(denied) => return refused(&actor, csrf, denied.0),
    };
    let local = match state.store.local_indicators(orgs).await {
        Ok(v) => v,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let l = &super::ZH;
    let values = local
        .values
        .into_iter()
        .map(|v| {
            let text = |k: &str| match &v.value[k] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            ValueLine {
                id: v.value["id"].as_i64().unwrap_or(0),
                indicator: v.indicator,
                place: v.place,
                period: text("period"),
                value: format!("{} {}", text("value"), v.unit).trim().to_string(),
                source: text("source"),
            }
        })
        .collect();
    let mut add = Vec::new();
    for org in local.orgs {
        add.push((l.add_value_for.replace("{}", &org.name), format!("org_id={}", org.id)));
        if let Some((code, region)) = org.region {
            let query = format!("region_code={code}");
            if !add.iter().any(|(_, q)| *q == query) {
                add.push((l.add_value_for.replace("{}", &region), query));
            }
        }
    }
    render(IndicatorsPage {
        ui: ui(Some(&actor), csrf),
        title: l.local_indicators.into(),
        values,
        add,
    })
}
