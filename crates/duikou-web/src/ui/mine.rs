//! A unit's pairings (`/mine`): its 督办 items to answer (and the answer), then what its pairings still owe.

use super::supervision::{mark_of, SupervisionMark};
use super::{page_user, refused, render, ui, Ui, ZH};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use duikou_domain::access::{self, Actor};

struct MinePairing {
    id: i64,
    heading: String,
    score: String,
    due: Vec<(&'static str, &'static str, bool, String, i64)>,
}

/// A 督办 item on a unit's home page, with the pairing's documents it may attach.
struct MineItem {
    mark: SupervisionMark,
    pairing: String,
    obligation: String,
    period: String,
    documents: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    ui: Ui,
    title: String,
    message: Option<String>,
    items: Vec<MineItem>,
    pairings: Vec<MinePairing>,
    /// The year whose work summary each pairing offers to download: the last complete one.
    period: String,
}

/// `GET /mine`: the pairings of the user's orgs, with what is still owed in the windows now running and how far along.
pub async fn mine(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let replied = parts
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "replied=1"));
    mine_page(&state, &actor, csrf, replied.then(|| "已回复".to_string())).await
}

/// The home page of a unit: its 督办 items to answer, then its pairings with what is still owed.
async fn mine_page(state: &AppState, actor: &Actor, csrf: String, message: Option<String>) -> Response {
    if let Err(denied) = access::may_list_own_pairings(actor) {
        return refused(actor, csrf, denied.0);
    }
    let mut items = Vec::new();
    for m in state.store.supervisions_of(&actor.scope).await.unwrap_or_default() {
        let pairing = m["pairing_id"].as_i64().unwrap_or(0);
        let documents = state
            .store
            .list_all("documents", "pairing_id", pairing)
            .await
            .unwrap_or_default()
            .iter()
            .map(|d| {
                (
                    d["id"].as_i64().unwrap_or(0),
                    d["title"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        items.push(MineItem {
            mark: mark_of(&m, m["overdue_days"].as_i64().unwrap_or(0)),
            pairing: m["pairing"].as_str().unwrap_or("").to_string(),
            obligation: m["obligation"].as_str().unwrap_or("").to_string(),
            period: m["period"].as_str().unwrap_or("").to_string(),
            documents,
        });
    }
    let mut ids: Vec<i64> = Vec::new();
    for org in &actor.scope {
        for field in ["supporter_org_id", "receiver_org_id"] {
            for p in state.store.list_all("pairings", field, *org).await.unwrap_or_default() {
                if let Some(id) = p["id"].as_i64().filter(|i| !ids.contains(i)) {
                    ids.push(id);
                }
            }
        }
    }
    let today = state.store.today();
    let mut pairings = Vec::new();
    for id in ids {
        let Ok(a) = state.store.assess_pairing(id, None, today).await else {
            continue;
        };
        let mut due: Vec<_> = a
            .results
            .iter()
            .filter(|r| r.status == duikou_domain::engine::Status::Open || r.warning)
            .map(|r| {
                let pct = match r.target {
                    Some(t) if t.as_f64() > 0.0 => {
                        ((r.actual.as_f64() / t.as_f64()) * 100.0).clamp(0.0, 100.0).round() as i64
                    }
                    _ => 0,
                };
                ("open", "进行中", r.warning, r.text.clone(), pct)
            })
            .collect();
        due.sort_by_key(|d| d.4);
        let score = match (a.score.score, a.score.rating.as_deref()) {
            (Some(s), Some(r)) => format!(
                "得分 {s:.1}，{r}；达标 {}，未达标 {}，进行中 {}",
                a.score.met, a.score.unmet, a.score.open
            ),
            _ => format!("进行中 {}", a.score.open),
        };
        pairings.push(MinePairing {
            id,
            heading: format!("{} → {}", a.supporter, a.receiver),
            score,
            due,
        });
    }
    let l = &ZH;
    render(MinePage {
        ui: ui(Some(actor), csrf),
        title: l.mine.into(),
        message,
        items,
        pairings,
        period: (chrono::Datelike::year(&state.store.today()) - 1).to_string(),
    })
}

/// `POST /supervisions/{id}/reply`: the responsible unit answers a 督办 item from its home page, with a note and
/// (if it chose one) a document of the pairing already uploaded.
pub async fn reply_supervision(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
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
    let document = get("document_id").parse::<i64>().ok();
    match state
        .store
        .reply_supervision(&actor, id, &get("reply"), document, today)
        .await
    {
        Ok(_) => Redirect::to("/mine?replied=1").into_response(),
        Err(e) => {
            let e = crate::error::ApiError::from(e);
            let mut page = mine_page(&state, &actor, csrf, Some(e.message)).await;
            *page.status_mut() = e.status;
            page
        }
    }
}
