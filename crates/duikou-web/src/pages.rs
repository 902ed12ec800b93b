//! The overview the API serves at `/api/v1/overview` (signed in): what duikou holds and the published programs with
//! their pairings. (The public page at `/` is the portal, `crate::portal`.) Also the HTML escaping every page uses.

use crate::error::ApiResult;
use crate::AppState;
use axum::body::Bytes;

use duikou_domain::schema::ENTITIES;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Escapes text for HTML so nothing a user typed is ever executed.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// How many pairings of each published program the overview lists (the rest are a filtered list away).
pub const OVERVIEW_PAIRINGS: i64 = 20;

/// Counts of every entity (kept at write time) and the published programs with their first pairings.
pub async fn overview_data(state: &AppState) -> ApiResult<Value> {
    let kept = state.store.row_counts().await?;
    let mut counts = serde_json::Map::new();
    for e in ENTITIES {
        let count = kept.get(e.name).copied().unwrap_or(0);
        counts.insert(e.name.into(), json!({ "label": e.label, "count": count }));
    }
    let programs = state.store.published_programs(OVERVIEW_PAIRINGS).await?;
    Ok(json!({ "counts": counts, "programs": programs }))
}

/// The overview as made at one audit head: its data and the JSON text the API serves.
pub struct Overview {
    /// What [`overview_data`] made.
    pub data: Value,
    /// `data` as the JSON text the API serves.
    pub json: Bytes,
}

/// The overview kept while the audit head (every write moves it) stays where it was when it was made, so several
/// servers against one database never serve each other a stale one: each reads the head on every request.
#[derive(Default)]
pub struct OverviewKept {
    kept: std::sync::Mutex<Option<(i64, Arc<Overview>)>>,
    /// One overview made at a time: readers who missed together wait for the first one's.
    making: tokio::sync::Mutex<()>,
    made: AtomicU64,
}

impl OverviewKept {
    /// The overview as of now: the kept one when no write happened since it was made, else a new one.
    pub async fn get(&self, state: &AppState) -> ApiResult<Arc<Overview>> {
        let head = state.store.audit_head_seq().await?;
        // one made at `head` or a later head already holds every write up to `head`
        let kept = || {
            let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            kept.as_ref().filter(|(h, _)| *h >= head).map(|(_, o)| o.clone())
        };
        if let Some(o) = kept() {
            return Ok(o);
        }
        let _making = self.making.lock().await;
        if let Some(o) = kept() {
            return Ok(o);
        }
        // read after `head`: it holds every write up to `head` (maybe later ones too, which only makes it fresher)
        let data = overview_data(state).await?;
        let json = Bytes::from(data.to_string());
        let made = Arc::new(Overview { data, json });
        self.made.fetch_add(1, Ordering::Relaxed);
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.as_ref().is_none_or(|(h, _)| *h <= head) {
            *kept = Some((head, made.clone()));
        }
        Ok(made)
    }

    /// How many overviews were made since start (a read with no write since the last adds none).
    pub fn made(&self) -> u64 {
        self.made.load(Ordering::Relaxed)
    }
}
