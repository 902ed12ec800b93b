//! Publication control: a coordinator previews a program's or pairing's public page exactly as the public will see
//! it (the portal's own page, under a banner) and publishes or withdraws it there; each is one audit event
//! (`publish` / `withdraw`, shown as 公开 / 撤回公开 in the record's history).

use super::{page_user, posting_user, refused};
use crate::pages::esc;
use crate::portal::{pairing_page, program_page};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use duikou_store::StoreError;

/// The publish / withdraw form.
#[derive(serde::Deserialize)]
pub struct PublishForm {
    csrf: String,
    action: String,
}

fn banner(form_action: &str, csrf: &str, public: bool, state_line: &str, back: &str) -> String {
    let (button, value) = if public {
        ("撤回公开", "withdraw")
    } else {
        ("公开", "publish")
    };
    format!(
        "<div class=\"preview\"><strong>预览：公众将看到以下内容</strong><p>{}</p>\
         <form method=\"post\" action=\"{form_action}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <button type=\"submit\" name=\"action\" value=\"{value}\">{button}</button><a href=\"{back}\">返回</a></form></div>",
        esc(state_line),
        esc(csrf)
    )
}

fn failed(actor: &duikou_domain::access::Actor, csrf: String, e: StoreError) -> Response {
    match e {
        StoreError::Forbidden(m) => refused(actor, csrf, m),
        other => crate::error::ApiError::from(other).into_response(),
    }
}

/// `GET /programs/{id}/publication`: the program's public page as the public will see it, and the switch.
pub async fn program_preview(State(state): State<AppState>, parts: Parts, Path(id): Path<i64>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let program = match state.store.get("programs", id).await {
        Ok(p) => p,
        Err(e) => return failed(&actor, csrf, e),
    };
    let public = program["published"] == serde_json::Value::Bool(true);
    let view = match state.store.public_program_preview(id).await {
        Ok(v) => v,
        Err(e) => return failed(&actor, csrf, e),
    };
    let line = if public {
        format!("本计划已公开，公众可在 /public/programs/{id} 看到本页；其结对除标为不公开者外一并公开。")
    } else {
        "本计划尚未公开。公开后，公众将看到本页，其结对除标为不公开者外一并公开。".to_string()
    };
    // the preview pages its pairings as the public page does (`?page=N`; a page that is not one shows the nearest)
    let page = crate::portal::page_asked(parts.uri.query()).unwrap_or(1);
    let b = banner(
        &format!("/programs/{id}/publication"),
        &csrf,
        public,
        &line,
        &format!("/programs/{id}"),
    );
    Html(program_page(&view, Some(&b), page)).into_response()
}

/// `GET /pairings/{id}/publication`.
pub async fn pairing_preview(State(state): State<AppState>, parts: Parts, Path(id): Path<i64>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let pairing = match state.store.get("pairings", id).await {
        Ok(p) => p,
        Err(e) => return failed(&actor, csrf, e),
    };
    let program = match state
        .store
        .get("programs", pairing["program_id"].as_i64().unwrap_or(0))
        .await
    {
        Ok(p) => p,
        Err(e) => return failed(&actor, csrf, e),
    };
    let view = match state.store.public_pairing_preview(id).await {
        Ok(v) => v,
        Err(e) => return failed(&actor, csrf, e),
    };
    let shown = pairing["withheld"] != serde_json::Value::Bool(true);
    let program_public = program["published"] == serde_json::Value::Bool(true);
    let line = match (shown, program_public) {
        (true, true) => format!("本结对已公开，公众可在 /public/pairings/{id} 看到本页。"),
        (true, false) => "本结对未标为不公开，但所属计划尚未公开：计划公开后，公众才能看到本页。".to_string(),
        (false, _) => "本结对已标为不公开，公众看不到本页。".to_string(),
    };
    let b = banner(
        &format!("/pairings/{id}/publication"),
        &csrf,
        shown,
        &line,
        &format!("/pairings/{id}"),
    );
    Html(pairing_page(&view, Some(&b))).into_response()
}

async fn publish(state: &AppState, parts: &Parts, entity: &str, id: i64, f: PublishForm) -> Response {
    let (actor, csrf) = match posting_user(state, parts, Some(f.csrf.as_str())).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let public = match f.action.as_str() {
        "publish" => true,
        "withdraw" => false,
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                "操作只能是公开（publish）或撤回公开（withdraw）",
            )
                .into_response()
        }
    };
    match state.store.set_public(&actor, entity, id, public).await {
        Ok(_) => Redirect::to(&format!("/{entity}/{id}/publication")).into_response(),
        Err(e) => failed(&actor, csrf, e),
    }
}

/// `POST /programs/{id}/publication` with `action=publish|withdraw`.
pub async fn program_publish(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<i64>,
    Form(f): Form<PublishForm>,
) -> Response {
    publish(&state, &parts, "programs", id, f).await
}

/// `POST /pairings/{id}/publication` with `action=publish|withdraw`.
pub async fn pairing_publish(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<i64>,
    Form(f): Form<PublishForm>,
) -> Response {
    publish(&state, &parts, "pairings", id, f).await
}
