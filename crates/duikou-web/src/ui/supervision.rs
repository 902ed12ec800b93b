//! A program's 督办 list (`/programs/{id}/supervision`): the unmet and warned results, with the items opened on
//! them and their decisions.

use super::{page_user, program, refused, render, ui, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use duikou_domain::access::Actor;
use serde_json::Value;

struct SupervisionRow {
    pairing_id: i64,
    pairing: String,
    class: &'static str,
    text: String,
    org: String,
    obligation_id: i64,
    window: String,
    subject: String,
    /// The item: its id, state, instruction, deadline, overdue days, reply, decision note.
    item: Option<SupervisionMark>,
    /// The pairing's term is over: overdue days no longer count.
    ended: bool,
}

pub(super) struct SupervisionMark {
    pub(super) id: i64,
    pub(super) status: String,
    pub(super) state: &'static str,
    pub(super) note: String,
    pub(super) due_on: String,
    pub(super) overdue: i64,
    pub(super) reply: String,
    pub(super) resolution: String,
}

pub(super) fn mark_of(v: &Value, overdue: i64) -> SupervisionMark {
    let text = |k: &str| v[k].as_str().unwrap_or("").to_string();
    SupervisionMark {
        id: v["id"].as_i64().unwrap_or(0),
        status: text("status"),
        state: duikou_store::assess::supervision_state_zh(v["status"].as_str().unwrap_or("")),
        note: text("note"),
        due_on: text("due_on"),
        overdue,
        reply: text("reply"),
        resolution: text("resolution"),
    }
}

#[derive(Template)]
#[template(path = "supervision.html")]
struct SupervisionPage {
    ui: Ui,
    title: String,
    program: String,
    program_id: i64,
    message: Option<String>,
    items: Vec<SupervisionRow>,
    today: String,
}

async fn supervision_page(state: &AppState, actor: &Actor, csrf: String, id: i64, message: Option<String>) -> Response {
    let program = match state.store.get("programs", id).await {
        Ok(p) => p,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let today = state.store.today();
    // an item whose result has turned met is closed, saying so, before the list is drawn
    if let Err(e) = state.store.settle_supervisions(id, today).await {
        tracing::warn!(error = %e, program = id, "督办 not settled");
    }
    let items = match state.store.supervision_list(id, None, today, false).await {
        Ok(v) => v,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let rows = items
        .into_iter()
        .map(|i| SupervisionRow {
            pairing_id: i.pairing_id,
            pairing: format!("{} → {}", i.supporter, i.receiver),
            class: match i.result.status {
                duikou_domain::engine::Status::Unmet => "unmet",
                duikou_domain::engine::Status::Met => "met",
                duikou_domain::engine::Status::Open => "open",
            },
            text: i.result.text.clone(),
            org: i.org.clone(),
            obligation_id: i.result.obligation_id,
            window: i.result.window.clone(),
            subject: i.subject.clone(),
            item: i.supervision.as_ref().map(|m| mark_of(m, i.lateness_days)),
            ended: i.ended,
        })
        .collect();
    render(SupervisionPage {
        ui: ui(Some(actor), csrf),
        title: "督办清单".into(),
        program: program["name"].as_str().unwrap_or("").into(),
        program_id: id,
        message,
        items: rows,
        today: today.to_string(),
    })
}

/// `GET /programs/{id}/supervision`: the unmet and warned results across a program, with their 督办 items.
pub async fn supervision(State(state): State<AppState>, parts: Parts, Path(id): Path<i64>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(denied) = program::may_oversee(&actor) {
        return refused(&actor, csrf, denied.0);
    }
    supervision_page(&state, &actor, csrf, id, None).await
}

/// `POST /programs/{id}/supervision`: opens a 督办 item on a result (instruction and deadline), or decides one
/// (`decision`: 已整改 `rectified`, 未整改 `unrectified`, 办结 `close` with a note).
pub async fn supervise(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(denied) = program::may_oversee(&actor) {
        return refused(&actor, csrf, denied.0);
    }
    let get = |k: &str| {
        form.iter()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if get("csrf") != csrf {
        return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response();
    }
    let today = state.store.today();
    let decision = get("decision");
    let outcome = if decision.is_empty() {
        let new = duikou_store::assess::NewSupervision {
            pairing_id: get("pairing_id").parse().unwrap_or(0),
            obligation_id: get("obligation_id").parse().unwrap_or(0),
            period: get("period"),
            subject: Some(get("subject")).filter(|s| !s.is_empty()),
            note: get("note"),
            due_on: get("due_on"),
        };
        state
            .store
            .supervise(&actor, &new, today)
            .await
            .map(|_| "已督办".to_string())
    } else {
        let item = get("item").parse().unwrap_or(0);
        state
            .store
            .decide_supervision(&actor, item, &decision, &get("note"), today)
            .await
            .map(|after| {
                format!(
                    "已更新：{}",
                    duikou_store::assess::supervision_state_zh(after["status"].as_str().unwrap_or(""))
                )
            })
    };
    let (status, message) = match outcome {
        Ok(m) => (StatusCode::OK, m),
        Err(e) => {
            let e = crate::error::ApiError::from(e);
            (e.status, e.message)
        }
    };
    let mut page = supervision_page(&state, &actor, csrf, id, Some(message)).await;
    if page.status() == StatusCode::OK {
        *page.status_mut() = status;
    }
    page
}
