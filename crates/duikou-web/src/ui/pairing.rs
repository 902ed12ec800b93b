//! A pairing's page (`/pairings/{id}`): who, what was done, how the obligations stand, and its file.

use super::{page_user, render, summary_periods, ui, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use duikou_domain::access::Role;
use duikou_domain::schema::{self, FieldKind};
use duikou_store::ListQuery;

#[derive(Template)]
#[template(path = "pairing.html")]
struct PairingPage {
    ui: Ui,
    title: String,
    id: i64,
    heading: String,
    program: String,
    /// The program, for the link to its assessments (each side sees its own pairing's).
    program_id: i64,
    term: String,
    /// The periods its work summary is offered for, the last complete one first.
    periods: Vec<summary_periods::PeriodChoice>,
    cards: Vec<(String, String)>,
    score: String,
    results: Vec<(&'static str, &'static str, bool, String)>,
    /// The pairing's file (档案): each kind of record it holds, how many, and where to read them.
    file: Vec<FileTab>,
}

/// One kind of record in a pairing's file: its name, how many the pairing holds, the list of them, and what to do
/// when there are none.
struct FileTab {
    label: &'static str,
    count: String,
    href: String,
    /// Where to record the first one (for those who may write), shown when there are none.
    new_href: Option<String>,
}

/// The kinds of record a pairing's file lists, in the order a reader looks for them.
const FILE_ENTITIES: &[&str] = &[
    "agreements",
    "dispatches",
    "projects",
    "activities",
    "needs",
    "documents",
    "indicator_values",
];

/// The pairing's file: a count per kind of record (one small count each), linking to the list filtered to it.
async fn pairing_file(state: &AppState, id: i64, can_write: bool) -> Vec<FileTab> {
    let mut out = Vec::new();
    for entity in FILE_ENTITIES {
        let Some(def) = schema::entity(entity) else { continue };
        if def.field("pairing_id").is_none() {
            continue;
        }
        let query = ListQuery {
            filters: [("pairing_id".to_string(), id.to_string())].into(),
            per_page: Some(1),
            ..Default::default()
        };
        let (count, none) = match state.store.list(entity, &query).await {
            Ok(l) if l.total_exact => (l.total.to_string(), l.total == 0),
            Ok(l) => (format!("{}+", l.total), false),
            Err(_) => ("—".to_string(), false),
        };
        out.push(FileTab {
            label: def.label,
            count,
            href: format!("/records/{entity}?pairing_id={id}"),
            new_href: (none && can_write).then(|| format!("/records/{entity}/new?pairing_id={id}")),
        });
    }
    out
}

/// `GET /pairings/{id}`: who, what was done, and how the obligations stand.
pub async fn pairing(State(state): State<AppState>, parts: Parts, Path(id): Path<i64>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let detail = match state.store.pairing_detail(id).await {
        Ok(d) => d,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let today = state.store.today();
    let assessed = state.store.assess_pairing(id, None, today).await;
    let t = &detail["totals"];
    let cards = vec![
        ("援派人员".to_string(), format!("{} 名", t["people"]["persons"])),
        // totals carry their qualifier and range ("1500余课时", "20—50人次")
        (
            "授课".to_string(),
            duikou_domain::approx::written_field(FieldKind::Int, &t["activities"], "hours")
                .unwrap_or_else(|| "0课时".into()),
        ),
        (
            "培训".to_string(),
            duikou_domain::approx::written_field(FieldKind::Int, &t["activities"], "person_times")
                .unwrap_or_else(|| "0人次".into()),
        ),
        ("援建项目".to_string(), format!("{} 个", t["projects"]["count"])),
    ];
    let mut cards = cards;
    // money outside any project, when there is some
    if t["funds"]["count"].as_i64().unwrap_or(0) > 0 {
        let amount = t["funds"]["amount"]
            .as_str()
            .and_then(|m| m.parse::<duikou_domain::Money>().ok())
            .unwrap_or_default();
        cards.push(("项目外资金".to_string(), amount.display_zh()));
    }
    let (score, results) = match assessed {
        Ok(a) => (
            match (a.score.score, a.score.rating) {
                (Some(s), Some(r)) => format!("得分 {s:.1}，等次 {r}"),
                _ => "暂无可评分的结果".into(),
            },
            a.results
                .iter()
                .map(|r| {
                    let (class, label) = match r.status {
                        duikou_domain::engine::Status::Met => ("met", "达标"),
                        duikou_domain::engine::Status::Unmet => ("unmet", "未达标"),
                        duikou_domain::engine::Status::Open => ("open", "进行中"),
                    };
                    (class, label, r.warning, r.text.clone())
                })
                .collect(),
        ),
        Err(e) => (e.to_string(), Vec::new()),
    };
    let p = &detail["pairing"];
    let file = pairing_file(&state, id, actor.role != Role::Viewer).await;
    let heading = format!(
        "{} → {}",
        detail["supporter"]["name"].as_str().unwrap_or(""),
        detail["receiver"]["name"].as_str().unwrap_or("")
    );
    render(PairingPage {
        ui: ui(Some(&actor), csrf),
        title: heading.clone(),
        file,
        id,
        heading,
        program: detail["program"]["name"].as_str().unwrap_or("").into(),
        program_id: detail["program"]["id"].as_i64().unwrap_or(0),
        term: format!(
            "{} — {}",
            p["start_date"].as_str().unwrap_or(""),
            p["end_date"].as_str().unwrap_or("")
        ),
        periods: summary_periods::summary_periods(
            duikou_domain::date::first_day(&p["start_date"]),
            duikou_domain::date::last_day(&p["end_date"]),
            detail["program"]["calendar"]["kind"].as_str() == Some("school_year"),
            today,
            12,
        ),
        cards,
        score,
        results,
    })
}
