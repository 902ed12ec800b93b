//! A program's page for those who oversee it: money committed and disbursed by year and source, project start and
//! completion rates, people by role, obligation status — all from the program's kept dashboard, drawn once per write
//! and day — and its pairings, 50 to a page, each linking to the pairing's page.

use super::{page_user, refused, render, ui, Labels, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use duikou_domain::access::{self, Actor};
use duikou_domain::approx::Tally;
use duikou_domain::schema::{self, FUNDING_SOURCES};
use duikou_store::aggregates::{Dashboard, Scope, TotalFigure};
use duikou_store::status::StatusCounts;
use duikou_store::ListQuery;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Pairings listed per page.
pub const PAIRINGS_PER_PAGE: i64 = 50;

/// May `actor` see program pages? (The home page shows the links only to those who may.)
pub fn may_oversee(actor: &Actor) -> Result<(), access::Denied> {
    access::may_oversee(actor)
}

/// Money of one year and source, by kind of transaction.
pub(crate) struct MoneyLine {
    year: String,
    source: String,
    committed: String,
    disbursed: String,
    spent: String,
}

/// Projects of one category (or all, first).
pub(crate) struct ProjectLine {
    category: String,
    n: i64,
    planned: i64,
    started: i64,
    completed: i64,
    start_rate: String,
    completion_rate: String,
}

/// What a program's page shows that depends only on the record and the language.
pub(crate) struct ProgramView {
    cards: Vec<(String, String)>,
    money: Vec<MoneyLine>,
    projects: Vec<ProjectLine>,
    people: Vec<(String, i64, i64, String)>,
    obligations: StatusCounts,
    chart: String,
}

fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

/// A sum of money as the summing rule writes it (约1000万元 when a member is about 1000万元), `—` when there is none.
fn money(tally: &Tally) -> String {
    if *tally == Tally::default() {
        "—".into()
    } else {
        TotalFigure::money(tally).written
    }
}

/// The tables and charts of a program's dashboard (no I/O: drawn only when the dashboard is new).
pub(crate) fn program_view(d: &Dashboard, l: &Labels) -> ProgramView {
    let source_rank = |s: &str| FUNDING_SOURCES.iter().position(|(v, _)| *v == s).unwrap_or(usize::MAX);
    let mut by_year_source: BTreeMap<(i64, usize, String), [Tally; 3]> = BTreeMap::new();
    let mut totals = [Tally::default(); 3];
    for m in &d.money {
        let slot = match m.kind.as_str() {
            "commitment" => 0,
            "disbursement" => 1,
            _ => 2,
        };
        by_year_source
            .entry((m.year, source_rank(&m.source), m.source.clone()))
            .or_default()[slot]
            .add(&m.amount_tally);
        totals[slot].add(&m.amount_tally);
    }
    let mut money_lines: Vec<MoneyLine> = by_year_source
        .into_iter()
        .map(|((year, _, source), v)| MoneyLine {
            year: year.to_string(),
            source: schema::value_label("transactions", "source", &source),
            committed: money(&v[0]),
            disbursed: money(&v[1]),
            spent: money(&v[2]),
        })
        .collect();
    if !money_lines.is_empty() {
        money_lines.push(MoneyLine {
            year: l.total_row.into(),
            source: String::new(),
            committed: money(&totals[0]),
            disbursed: money(&totals[1]),
            spent: money(&totals[2]),
        });
    }
    let projects = std::iter::once((l.all_categories.to_string(), &d.projects))
        .chain(
            d.projects_by_category
                .iter()
                .map(|c| (schema::value_label("projects", "category", &c.category), c)),
        )
        .filter(|(_, c)| c.n > 0)
        .map(|(category, c)| ProjectLine {
            category,
            n: c.n,
            planned: c.planned,
            started: c.started,
            completed: c.completed,
            start_rate: percent(c.start_rate),
            completion_rate: percent(c.completion_rate),
        })
        .collect();
    let people = d
        .people_by_role
        .iter()
        .map(|r| {
            let batches: Vec<String> = d
                .people
                .iter()
                .filter(|p| p.role == r.role && p.batch > 0)
                .map(|p| format!("{} {}", l.batch_n.replace("{}", &p.batch.to_string()), p.n))
                .collect();
            (
                schema::value_label("dispatches", "role", &r.role),
                r.n,
                r.confirmed,
                batches.join("，"),
            )
        })
        .collect();
    let cards = vec![
        (l.pairings.to_string(), d.pairings.to_string()),
        (l.money_total.to_string(), d.money_total_figure.written.clone()),
        (l.projects.to_string(), d.projects.n.to_string()),
        (l.dispatches.to_string(), d.people_total.to_string()),
        (l.activities.to_string(), d.activities_total.to_string()),
        (
            l.activity_person_times.to_string(),
            d.activities_in_all.person_times_figure.written.clone(),
        ),
        (
            l.activity_hours.to_string(),
            d.activities_in_all.hours_figure.written.clone(),
        ),
    ];
    let chart = super::dashboard::dashboard_charts(Some(d))
        .iter()
        .map(duikou_report::svg)
        .collect::<String>();
    ProgramView {
        cards,
        money: money_lines,
        projects,
        people,
        obligations: d.obligations.clone(),
        chart,
    }
}

/// One pairing of the program's list.
struct PairingLine {
    id: i64,
    supporter: String,
    receiver: String,
    level: String,
    term: String,
}

#[derive(Template)]
#[template(path = "program.html")]
struct ProgramPage {
    ui: Ui,
    title: String,
    id: i64,
    name: String,
    period: String,
    view: Arc<ProgramView>,
    pairings: Vec<PairingLine>,
    page: i64,
    pages: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// The periods the program's work summary is offered for, the last complete one first.
    summaries: Vec<super::summary_periods::PeriodChoice>,
}

/// A page of pairings as lines: the two sides by name (read in one query), level and term.
async fn pairing_lines(state: &AppState, items: &[serde_json::Value]) -> duikou_store::Result<Vec<PairingLine>> {
    let org_ids: Vec<i64> = {
        let s: std::collections::BTreeSet<i64> = items
            .iter()
            .flat_map(|p| [p["supporter_org_id"].as_i64(), p["receiver_org_id"].as_i64()])
            .flatten()
            .collect();
        s.into_iter().collect()
    };
    // only the names, packed into one answer by the database
    let org_args: Vec<duikou_store::db::Arg> = org_ids.iter().map(|i| duikou_store::db::Arg::Int(Some(*i))).collect();
    let orgs: BTreeMap<i64, String> = state
        .store
        .fields_where_in_and("orgs", &["name"], "id", &org_args, "", &[])
        .await?
        .into_iter()
        .filter_map(|o| Some((o["id"].as_i64()?, o["name"].as_str().unwrap_or("").to_string())))
        .collect();
    let name_of = |v: &serde_json::Value| v.as_i64().and_then(|i| orgs.get(&i)).cloned().unwrap_or_default();
    Ok(items
        .iter()
        .map(|p| PairingLine {
            id: p["id"].as_i64().unwrap_or(0),
            supporter: name_of(&p["supporter_org_id"]),
            receiver: name_of(&p["receiver_org_id"]),
            level: schema::value_label("pairings", "level", p["level"].as_str().unwrap_or("")),
            term: format!(
                "{} — {}",
                p["start_date"].as_str().unwrap_or(""),
                p["end_date"].as_str().unwrap_or("")
            ),
        })
        .collect())
}

/// `GET /programs/{id}?after=&before=&page=`: the program's figures and a page of its pairings.
pub async fn show(State(state): State<AppState>, parts: Parts, Path(id): Path<i64>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(denied) = may_oversee(&actor) {
        return refused(&actor, csrf, denied.0);
    }
    let program = match state.store.get("programs", id).await {
        Ok(p) => p,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let l = &super::ZH;
    let dash = match state.store.dashboard_kept(&Scope::Program(id)).await {
        Ok((d, _)) => d,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let view = state
        .views
        .program
        .get_or_draw(&dash, || async { program_view(&dash, l) })
        .await;

    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap_or_default();
    let number = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.parse::<i64>().ok())
            .filter(|v| *v >= 1)
    };
    let (after, before) = (number("after"), number("before").filter(|_| number("after").is_none()));
    let page = number("page").unwrap_or(1);
    let query = ListQuery {
        filters: [("program_id".to_string(), id.to_string())].into(),
        sort: Some("id".into()),
        // by cursor even on the first page: the count comes from the kept dashboard, not from counting rows
        per_page: Some(PAIRINGS_PER_PAGE),
        after,
        before,
        ..Default::default()
    };
    let list = match state.store.list("pairings", &query).await {
        Ok(p) => p,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let pairings = match pairing_lines(&state, &list.items).await {
        Ok(p) => p,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let prev_href = if after.is_none() && before.is_none() {
        None
    } else {
        Some(match list.prev_before {
            Some(b) if page > 2 => format!("?before={b}&page={}", page - 1),
            _ => "?".to_string(),
        })
    };
    let next_href = list.next_after.map(|a| format!("?after={a}&page={}", page + 1));
    let pages = ((dash.pairings + PAIRINGS_PER_PAGE - 1) / PAIRINGS_PER_PAGE)
        .max(1)
        .to_string();
    let name = program["name"].as_str().unwrap_or("").to_string();
    let period = match (program["start_date"].as_str(), program["end_date"].as_str()) {
        (Some(a), Some(b)) => format!("{a} — {b}"),
        (Some(a), None) => format!("{a} —"),
        _ => String::new(),
    };
    let summaries = super::summary_periods::summary_periods(
        program["start_date"]
            .as_str()
            .and_then(duikou_domain::validate::parse_date),
        program["end_date"]
            .as_str()
            .and_then(duikou_domain::validate::parse_date),
        program["calendar"]["kind"].as_str() == Some("school_year"),
        state.store.today(),
        12,
    );
    render(ProgramPage {
        ui: ui(Some(&actor), csrf),
        summaries,
        title: name.clone(),
        id,
        name,
        period,
        view,
        pairings,
        page,
        pages,
        prev_href,
        next_href,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use duikou_domain::approx::{Figure, Qualifier};
    use duikou_store::aggregates::{MoneyRow, PeopleRow, ProjectCounts};

    #[test]
    fn money_by_year_and_source_with_kinds_side_by_side() {
        let approx_row = |year, source: &str, kind: &str, figure: Figure| MoneyRow {
            year,
            source: source.into(),
            category: "education".into(),
            kind: kind.into(),
            amount_fen: figure.value,
            confirmed_fen: 0,
            n: 1,
            amount_figure: Default::default(),
            confirmed_figure: Default::default(),
            amount_tally: Tally::of(figure),
            confirmed_tally: Tally::default(),
        };
        let row = |year, source: &str, kind: &str, fen| approx_row(year, source, kind, Figure::exact(fen));
        let d = Dashboard {
            scope: "program:1".into(),
            pairings: 2,
            money: vec![
                row(2014, "local", "commitment", 5_000_000),
                row(2014, "supporter", "commitment", 30_000_000),
                row(2014, "supporter", "disbursement", 20_000_000),
                row(2015, "supporter", "expenditure", 100),
                approx_row(
                    2015,
                    "local",
                    "commitment",
                    Figure {
                        value: 10_000_000,
                        qualifier: Some(Qualifier::Yue),
                        upper: None,
                    },
                ),
            ],
            money_by_year_source: vec![],
            money_total_fen: 65_000_100,
            money_total_figure: Default::default(),
            projects: ProjectCounts {
                n: 4,
                planned: 1,
                started: 1,
                completed: 2,
                start_rate: 0.75,
                completion_rate: 0.5,
                ..Default::default()
            },
            projects_by_category: vec![],
            people: vec![PeopleRow {
                role: "teacher".into(),
                batch: 7,
                n: 3,
                confirmed: 1,
            }],
            people_by_role: vec![PeopleRow {
                role: "teacher".into(),
                batch: 0,
                n: 3,
                confirmed: 1,
            }],
            people_total: 3,
            activities_by_kind: vec![],
            activities_by_month: vec![],
            activities_total: 0,
            activities_in_all: Default::default(),
            obligations: Default::default(),
        };
        let v = program_view(&d, &super::super::ZH);
        let lines: Vec<(&str, &str, &str, &str)> = v
            .money
            .iter()
            .map(|m| {
                (
                    m.year.as_str(),
                    m.source.as_str(),
                    m.committed.as_str(),
                    m.disbursed.as_str(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                ("2014", "援助资金", "30万元", "20万元"),
                ("2014", "地方配套", "5万元", "—"),
                ("2015", "援助资金", "—", "—"),
                ("2015", "地方配套", "约10万元", "—"),
                ("合计", "", "约45万元", "20万元"),
            ]
        );
        assert_eq!(v.money[2].spent, "1元");
        assert_eq!(
            (
                v.projects[0].start_rate.as_str(),
                v.projects[0].completion_rate.as_str()
            ),
            ("75.0%", "50.0%")
        );
        assert_eq!(v.people, vec![("支教教师".to_string(), 3, 1, "第7批 3".to_string())]);
        assert!(v.chart.contains("<svg"));
    }
}
