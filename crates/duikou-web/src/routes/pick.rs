//! `GET /api/v1/pick/{kind}?q=`: search-as-you-type for the forms' pickers — names of pairings, orgs, people,
//! projects, needs, programs, agreements and regions containing the typed text, within what the caller works on
//! (the store's [`duikou_store::Store::pick`]).

use crate::auth::CurrentActor;
use crate::error::{ApiError, ApiResult};
use crate::extract::query_pairs;
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use duikou_store::search::{Picks, PICK_LIMIT};

/// `GET /api/v1/pick/{kind}?q=吐鲁番&limit=20`.
pub async fn pick(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(kind): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Picks>> {
    let pairs = query_pairs(raw.as_deref())?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let q = get("q").unwrap_or_default();
    let limit = match get("limit") {
        None => PICK_LIMIT,
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=PICK_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "range",
                    "limit",
                    format!("条数（limit）应为 1 到 {PICK_LIMIT} 之间的整数"),
                )
            })?,
    };
    Ok(Json(state.store.pick(&actor, &kind, &q, limit).await?))
}
