//! The receiver's confirmation inbox (`/inbox`): the facts recorded about its orgs that wait for it, confirmed or
//! disputed one by one or all at once.

use super::names::{reference_name, shown};
use super::{page_user, posting_user, refused, render, ui, ActionForm, Ui, ZH};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use duikou_domain::access::{self, Role};
use duikou_domain::schema;
use duikou_store::ListQuery;
use serde_json::Value;

struct InboxItem {
    entity: String,
    id: i64,
    label: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    ui: Ui,
    title: String,
    message: Option<String>,
    items: Vec<InboxItem>,
}

/// `GET /inbox`: facts recorded about the user's receiving orgs that wait for confirmation.
pub async fn inbox(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(denied) = access::may_use_inbox(&actor) {
        return refused(&actor, csrf, denied.0);
    }
    let mut pairings = Vec::new();
    if actor.role == Role::Admin {
        if let Ok(p) = state
            .store
            .list(
                "pairings",
                &ListQuery {
                    per_page: Some(500),
                    ..Default::default()
                },
            )
            .await
        {
            pairings = p.items;
        }
    } else if actor.role == Role::ReceiverEditor {
        for org in &actor.scope {
            pairings.extend(
                state
                    .store
                    .list_all("pairings", "receiver_org_id", *org)
                    .await
                    .unwrap_or_default(),
            );
        }
    }
    let mut items = Vec::new();
    for p in &pairings {
        let pid = p["id"].as_i64().unwrap_or(0);
        for e in schema::ENTITIES.iter().filter(|e| e.confirmable) {
            let q = ListQuery {
                filters: [
                    ("pairing_id".to_string(), pid.to_string()),
                    ("confirmation".to_string(), "pending".to_string()),
                ]
                .into(),
                per_page: Some(100),
                ..Default::default()
            };
            for r in state.store.list(e.name, &q).await.map(|p| p.items).unwrap_or_default() {
                let summary = fact_summary(&state, e, &r).await;
                items.push(InboxItem {
                    entity: e.name.into(),
                    id: r["id"].as_i64().unwrap_or(0),
                    label: e.label.into(),
                    summary,
                });
            }
        }
    }
    let message = parts
        .uri
        .query()
        .filter(|q| q.contains("done=1"))
        .map(|_| ZH.done.to_string());
    render(InboxPage {
        ui: ui(Some(&actor), csrf),
        title: ZH.inbox.into(),
        message,
        items,
    })
}

/// A fact in a line, for a person: whom it is about (a dispatch's person, a stint's or appraisal's through its
/// dispatch), then its title or name, role, kind, dates and figures, as shown on its page.
pub(super) async fn fact_summary(state: &AppState, e: &schema::EntityDef, r: &Value) -> String {
    // who it is about (a dispatch's person; a stint's or an appraisal's through its dispatch), then what
    let person = match (r["person_id"].as_i64(), r["dispatch_id"].as_i64()) {
        (Some(p), _) => Some(p),
        (None, Some(d)) => state
            .store
            .get("dispatches", d)
            .await
            .ok()
            .and_then(|d| d["person_id"].as_i64()),
        _ => None,
    };
    let mut summary: Vec<String> = Vec::new();
    if let Some(p) = person {
        summary.extend(reference_name(state, "people", p).await);
    }
    for k in [
        "title",
        "name",
        "role",
        "kind",
        "start_date",
        "date",
        "amount",
        "hours",
        "person_times",
    ] {
        let Some(f) = e.field(k) else { continue };
        let mut shown_value = shown(f.kind, &r[k]);
        if k == "start_date" && !shown_value.is_empty() {
            if let Some(end) = r.get("end_date").filter(|v| !v.is_null()) {
                shown_value = format!("{shown_value} 至 {}", shown(f.kind, end));
            }
        }
        // a count says what it counts: 60人次, 2课时
        if matches!(k, "hours" | "person_times") && !shown_value.is_empty() && !shown_value.ends_with(f.label) {
            shown_value.push_str(f.label);
        }
        if !shown_value.is_empty() {
            summary.push(shown_value);
        }
    }
    summary.join("，")
}

/// `POST /inbox/{entity}/{id}/{confirm|dispute}`.
pub async fn decide(
    State(state): State<AppState>,
    parts: Parts,
    Path((entity, id, action)): Path<(String, i64, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    let (actor, _) = match posting_user(&state, &parts, Some(f.csrf.as_str())).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let confirmed = action == "confirm";
    match state
        .store
        .set_confirmation(&actor, &entity, id, confirmed, f.reason.as_deref())
        .await
    {
        Ok(_) => Redirect::to("/inbox?done=1").into_response(),
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}

/// `POST /inbox/confirm_all`: confirms every listed fact the user may confirm; stops at the first refusal.
pub async fn confirm_all(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if !form.iter().any(|(k, v)| k == "csrf" && *v == csrf) {
        return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response();
    }
    for (_, item) in form.iter().filter(|(k, _)| k == "item") {
        let Some((entity, id)) = item
            .split_once(':')
            .and_then(|(e, i)| i.parse::<i64>().ok().map(|i| (e, i)))
        else {
            continue;
        };
        if let Err(e) = state.store.set_confirmation(&actor, entity, id, true, None).await {
            return crate::error::ApiError::from(e).into_response();
        }
    }
    Redirect::to("/inbox?done=1").into_response()
}
