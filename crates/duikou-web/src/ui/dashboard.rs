//! The dashboard of the whole record (`/dashboard`): its figures, the programs' obligation results and the charts
//! (the program rows and charts are also drawn on the home pages and a program's page).

use super::{page_user, render, ui, Labels, Ui, ZH};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::Response;
use duikou_domain::schema;
use duikou_store::ListQuery;
use serde_json::Value;

pub(super) struct ProgramRow {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) pairings: usize,
    pub(super) met: usize,
    pub(super) unmet: usize,
    pub(super) open: usize,
    pub(super) warnings: usize,
    /// No result at all though the program sets obligations of its own (no pairing yet, or none assessed).
    pub(super) set_but_unassessed: bool,
}

/// What the dashboard shows that depends only on the record and the language: drawn once per write and day.
pub(crate) struct HomeView {
    cards: Vec<(String, String)>,
    programs: Vec<ProgramRow>,
    chart: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    ui: Ui,
    title: String,
    view: std::sync::Arc<HomeView>,
}

/// `GET /dashboard`: the figures, programs and charts of the whole record (every logged-in user's `/` showed it
/// before each role had its own home; linked from there).
pub async fn dashboard(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let l = &ZH;
    let view = match state.store.dashboard_kept(&duikou_store::aggregates::Scope::All).await {
        Ok((dash, _)) => {
            state
                .views
                .home
                .get_or_draw(&dash, || home_view(&state, Some(dash.as_ref()), l))
                .await
        }
        Err(e) => {
            tracing::error!(error = %e, "dashboard aggregates");
            std::sync::Arc::new(home_view(&state, None, l).await)
        }
    };
    render(Dashboard {
        ui: ui(Some(&actor), csrf),
        title: l.overview_all.into(),
        view,
    })
}

/// The figures, program rows and charts of the dashboard: one status read per program, then the drawing.
async fn home_view(state: &AppState, dash: Option<&duikou_store::aggregates::Dashboard>, l: &Labels) -> HomeView {
    let mut cards = Vec::new();
    if let Some(d) = dash {
        for (e, n) in [
            ("pairings", d.pairings),
            ("projects", d.projects.n),
            ("dispatches", d.people_total),
            ("activities", d.activities_total),
        ] {
            if let Some(def) = schema::entity(e) {
                cards.push((def.label.to_string(), n.to_string()));
            }
        }
        // sums as the summing rule writes them: 约1000万元 where a member is about 1000万元, 1500余课时 …
        for (label, figure) in [
            (l.money_total, &d.money_total_figure),
            (l.activity_person_times, &d.activities_in_all.person_times_figure),
            (l.activity_hours, &d.activities_in_all.hours_figure),
        ] {
            cards.push((label.to_string(), figure.written.clone()));
        }
    }
    let all = state
        .store
        .list(
            "programs",
            &ListQuery {
                per_page: Some(100),
                ..Default::default()
            },
        )
        .await;
    let programs = program_rows(state, all.map(|p| p.items).unwrap_or_default()).await;
    let mut chart = duikou_report::svg(&duikou_report::Chart {
        title: l.obligations.into(),
        kind: duikou_report::ChartKind::StackedBar,
        categories: programs.iter().map(|p| p.name.chars().take(12).collect()).collect(),
        series: vec![
            duikou_report::Series {
                name: l.met.into(),
                values: programs.iter().map(|p| p.met as f64).collect(),
            },
            duikou_report::Series {
                name: l.unmet.into(),
                values: programs.iter().map(|p| p.unmet as f64).collect(),
            },
            duikou_report::Series {
                name: l.open.into(),
                values: programs.iter().map(|p| p.open as f64).collect(),
            },
        ],
        unit: "项".into(),
    });
    for extra in dashboard_charts(dash) {
        chart.push_str(&duikou_report::svg(&extra));
    }
    // the map of who helps whom: every pairing, from the supporter's region to the receiver's
    match state.store.map_pairings(&[]).await {
        Ok(pairings) if !pairings.is_empty() => {
            let fig = duikou_report::map_figure("对口支援关系示意图", &pairings);
            chart.push_str("<figure class=\"map\" id=\"map\">");
            chart.push_str(&crate::layered_map(&fig));
            chart.push_str("<figcaption>图：对口支援关系示意图</figcaption></figure>");
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "map of pairings"),
    }
    HomeView { cards, programs, chart }
}

/// The programs' rows: their pairings and obligation results, one kept status read per program.
pub(super) async fn program_rows(state: &AppState, programs: Vec<Value>) -> Vec<ProgramRow> {
    let today = state.store.today();
    let mut rows = Vec::new();
    for p in programs {
        let id = p["id"].as_i64().unwrap_or(0);
        // kept up to date from the audit log: a view re-evaluates only what changed since the last one
        let status = state
            .store
            .status_counts(id, today)
            .await
            .map_err(|e| tracing::error!(error = %e, program = id, "obligation status"))
            .unwrap_or_default();
        let set_but_unassessed = status.met + status.unmet + status.open == 0
            && state
                .store
                .list(
                    "obligations",
                    &ListQuery {
                        filters: [("program_id".to_string(), id.to_string())].into(),
                        per_page: Some(1),
                        ..Default::default()
                    },
                )
                .await
                .is_ok_and(|page| !page.items.is_empty());
        rows.push(ProgramRow {
            id,
            name: p["name"].as_str().unwrap_or("").into(),
            pairings: status.pairings as usize,
            met: status.met as usize,
            unmet: status.unmet as usize,
            open: status.open as usize,
            warnings: status.warnings as usize,
            set_but_unassessed,
        });
    }
    rows
}

/// Money by year and source, people in post by role, activities by kind — read from the write-time aggregates.
pub(super) fn dashboard_charts(dash: Option<&duikou_store::aggregates::Dashboard>) -> Vec<duikou_report::Chart> {
    use std::collections::BTreeMap;
    let mut money: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    let mut roles: BTreeMap<String, f64> = BTreeMap::new();
    let mut kinds: BTreeMap<String, f64> = BTreeMap::new();
    if let Some(d) = dash {
        for m in &d.money {
            let source = schema::value_label("transactions", "source", &m.source);
            let kind = schema::value_label("transactions", "kind", &m.kind);
            *money
                .entry(format!("{source}（{kind}）"))
                .or_default()
                .entry(m.year.to_string())
                .or_default() += m.amount_fen as f64 / 1e6;
        }
        for p in &d.people_by_role {
            *roles
                .entry(schema::value_label("dispatches", "role", &p.role))
                .or_default() += p.n as f64;
        }
        for a in &d.activities_by_kind {
            *kinds
                .entry(schema::value_label("activities", "kind", &a.kind))
                .or_default() += a.n as f64;
        }
    }
    let years: std::collections::BTreeSet<String> = money.values().flat_map(|m| m.keys().cloned()).collect();
    vec![
        duikou_report::Chart {
            title: "资金按年度和来源".into(),
            kind: duikou_report::ChartKind::StackedBar,
            categories: years.iter().map(|y| format!("{y}年")).collect(),
            series: money
                .iter()
                .map(|(name, m)| duikou_report::Series {
                    name: name.clone(),
                    values: years.iter().map(|y| *m.get(y).unwrap_or(&0.0)).collect(),
                })
                .collect(),
            unit: "万元".into(),
        },
        duikou_report::Chart {
            title: "援派人员按类别".into(),
            kind: duikou_report::ChartKind::Bar,
            categories: roles.keys().cloned().collect(),
            series: vec![duikou_report::Series {
                name: "人数".into(),
                values: roles.values().copied().collect(),
            }],
            unit: "人".into(),
        },
        duikou_report::Chart {
            title: "活动按类型".into(),
            kind: duikou_report::ChartKind::Bar,
            categories: kinds.keys().cloned().collect(),
            series: vec![duikou_report::Series {
                name: "次数".into(),
                values: kinds.values().copied().collect(),
            }],
            unit: "次".into(),
        },
    ]
}
