//! Views drawn from a kept dashboard (its charts and tables), kept themselves, so a repeat view of an unchanged
//! record draws nothing. An entry serves only requests that got the very dashboard it was drawn from: the store
//! replaces that dashboard whenever a write moves the audit head (on any server sharing the database) or the day
//! changes, so a kept view is never older than the dashboard the request would have drawn it from.

use duikou_store::aggregates::Dashboard;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Views kept at most per kind of page (one per scope); the least recently used goes first.
pub const VIEWS_KEPT: usize = 64;

/// One kind of page's views, by the dashboard's scope.
pub struct Kept<V> {
    entries: Mutex<Entries<V>>,
    /// One drawing at a time, so many requests missing together draw once and the rest wait for it.
    drawing: tokio::sync::Mutex<()>,
    drawn: AtomicU64,
}

struct Entries<V> {
    map: HashMap<String, Entry<V>>,
    uses: u64,
}

struct Entry<V> {
    /// Held, so its address cannot be reused by another dashboard while the entry lives: identity is exact.
    dashboard: Arc<Dashboard>,
    view: Arc<V>,
    used: u64,
}

impl<V> Default for Kept<V> {
    fn default() -> Self {
        Kept {
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                uses: 0,
            }),
            drawing: tokio::sync::Mutex::new(()),
            drawn: AtomicU64::new(0),
        }
    }
}

impl<V> Kept<V> {
    fn lookup(&self, key: &str, dashboard: &Arc<Dashboard>) -> Option<Arc<V>> {
        let mut e = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        e.uses += 1;
        let uses = e.uses;
        let entry = e.map.get_mut(key).filter(|x| Arc::ptr_eq(&x.dashboard, dashboard))?;
        entry.used = uses;
        Some(entry.view.clone())
    }

    /// The view of `dashboard`, drawn by `draw` only when no view of this very dashboard is kept.
    pub async fn get_or_draw<F, Fut>(&self, dashboard: &Arc<Dashboard>, draw: F) -> Arc<V>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let key = dashboard.scope.clone();
        if let Some(v) = self.lookup(&key, dashboard) {
            return v;
        }
        let _one = self.drawing.lock().await;
        if let Some(v) = self.lookup(&key, dashboard) {
            return v;
        }
        let view = Arc::new(draw().await);
        self.drawn.fetch_add(1, Ordering::Relaxed);
        let mut e = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        e.uses += 1;
        let used = e.uses;
        if e.map.len() >= VIEWS_KEPT && !e.map.contains_key(&key) {
            if let Some(oldest) = e.map.iter().min_by_key(|(_, x)| x.used).map(|(k, _)| k.clone()) {
                e.map.remove(&oldest);
            }
        }
        e.map.insert(
            key,
            Entry {
                dashboard: dashboard.clone(),
                view: view.clone(),
                used,
            },
        );
        view
    }

    /// How many views were drawn since start (a repeat view of an unchanged record adds none).
    pub fn drawn(&self) -> u64 {
        self.drawn.load(Ordering::Relaxed)
    }

    /// How many views are kept now.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).map.len()
    }

    /// Whether no view is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The kept views of every page drawn from a dashboard.
#[derive(Default)]
pub struct Views {
    pub(crate) home: Kept<super::dashboard::HomeView>,
    pub(crate) program: Kept<super::program::ProgramView>,
}

impl Views {
    /// How many views were drawn since start, over all pages.
    pub fn drawn(&self) -> u64 {
        self.home.drawn() + self.program.drawn()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dashboard(scope: &str) -> Arc<Dashboard> {
        Arc::new(Dashboard {
            scope: scope.into(),
            pairings: 0,
            money: vec![],
            money_by_year_source: vec![],
            money_total_fen: 0,
            money_total_figure: Default::default(),
            projects: Default::default(),
            projects_by_category: vec![],
            people: vec![],
            people_by_role: vec![],
            people_total: 0,
            activities_by_kind: vec![],
            activities_by_month: vec![],
            activities_total: 0,
            activities_in_all: Default::default(),
            obligations: Default::default(),
        })
    }

    #[tokio::test]
    async fn drawn_once_per_dashboard_and_bounded() {
        let kept: Kept<String> = Kept::default();
        let a = dashboard("all");
        let v = kept.get_or_draw(&a, || async { "一".to_string() }).await;
        assert_eq!(*v, "一");
        let v = kept.get_or_draw(&a, || async { "二".to_string() }).await;
        assert_eq!((v.as_str(), kept.drawn()), ("一", 1), "a repeat view draws nothing");
        // the same scope's dashboard made again (after a write): drawn again, even though equal in content
        let b = dashboard("all");
        let v = kept.get_or_draw(&b, || async { "三".to_string() }).await;
        assert_eq!((v.as_str(), kept.drawn()), ("三", 2));
        for i in 0..(VIEWS_KEPT as i64 + 10) {
            let d = dashboard(&format!("program:{i}"));
            kept.get_or_draw(&d, || async { String::new() }).await;
        }
        assert_eq!(kept.len(), VIEWS_KEPT);
    }
}
