//! `GET /summary?scope=…&period=…`: the user picks what the work summary covers — a year or school year (the last
//! complete one by default), a semester on a school calendar, or any dates — and how facts awaiting confirmation are
//! treated, reads the summary on the page, then downloads it as Word. The preview is the same document the download
//! writes (one build, rendered twice).

use super::summary_periods::{summary_periods, PeriodChoice};
use super::{page_user, render, ui, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use duikou_domain::Period;
use duikou_store::summary::Scope;
use duikou_summary::Pending;

#[derive(Template)]
#[template(path = "summary.html")]
struct SummaryPage {
    ui: Ui,
    title: String,
    /// The scope as written in links (`pairing:16`).
    scope: String,
    /// What the scope is, in names (`湖南省 → 吐鲁番市`).
    scope_name: String,
    /// Years or school years of the scope's term, the last complete one first, and the whole term.
    periods: Vec<PeriodChoice>,
    /// Semesters of those school years (school calendars only), newest first.
    semesters: Vec<PeriodChoice>,
    /// The chosen period, written (`2014-2015`), and in words.
    period: String,
    period_label: String,
    /// The dates of a chosen date range, to show them again.
    from: String,
    to: String,
    /// `separate`, `include` or `omit`.
    pending: String,
    /// The summary as HTML, or why it could not be written.
    preview: Result<String, String>,
}

/// The query of the page; every field optional, each checked with a message naming it.
#[derive(serde::Deserialize, Default)]
struct Query {
    scope: Option<String>,
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    pending: Option<String>,
}

/// The scope's name, its term and whether it runs on a school calendar.
async fn describe(
    state: &AppState,
    scope: &Scope,
) -> Result<(String, Option<NaiveDate>, Option<NaiveDate>, bool), String> {
    let date = |v: &serde_json::Value| v.as_str().and_then(duikou_domain::validate::parse_date);
    let school = |program: &serde_json::Value| program["calendar"]["kind"].as_str() == Some("school_year");
    let err = |e: duikou_store::StoreError| e.to_string();
    Ok(match scope {
        Scope::Pairing(id) => {
            let d = state.store.pairing_detail(*id).await.map_err(err)?;
            let name = format!(
                "{} → {}",
                d["supporter"]["name"].as_str().unwrap_or(""),
                d["receiver"]["name"].as_str().unwrap_or("")
            );
            (
                name,
                date(&d["pairing"]["start_date"]),
                date(&d["pairing"]["end_date"]),
                school(&d["program"]),
            )
        }
        Scope::Program(id) => {
            let p = state.store.get("programs", *id).await.map_err(err)?;
            let name = p["name"].as_str().unwrap_or("").to_string();
            (name, date(&p["start_date"]), date(&p["end_date"]), school(&p))
        }
        Scope::Org(id) => {
            let o = state.store.get("orgs", *id).await.map_err(err)?;
            (
                format!("{}（所支援和受援的全部结对）", o["name"].as_str().unwrap_or("")),
                None,
                None,
                false,
            )
        }
        Scope::Region(code) => {
            let query = duikou_store::ListQuery {
                filters: [("code".to_string(), code.clone())].into(),
                ..Default::default()
            };
            let found = state.store.list("regions", &query).await.map_err(err)?;
            let Some(r) = found.items.first() else {
                return Err(format!("区划代码“{code}”不存在"));
            };
            (
                format!("{}（受援方在本区划的全部结对）", r["name"].as_str().unwrap_or(code)),
                None,
                None,
                false,
            )
        }
    })
}

/// The semesters of the school years offered, newest first, each in words.
fn semesters_of(periods: &[PeriodChoice]) -> Vec<PeriodChoice> {
    let mut out = Vec::new();
    for p in periods {
        let Ok(Period::SchoolYear(y)) = p.value.parse::<Period>() else {
            continue;
        };
        for (n, word) in [(2, "第二学期（春季）"), (1, "第一学期（秋季）")] {
            out.push(PeriodChoice {
                value: format!("{y}-{}S{n}", y + 1),
                label: format!("{y}—{}学年{word}", y + 1),
            });
        }
    }
    out
}

/// `GET /summary`: the chooser, with the chosen summary shown below it.
pub async fn show(State(state): State<AppState>, parts: Parts) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let page_ui = ui(Some(&actor), csrf);
    let l = page_ui.l;
    let bad = |message: String| {
        let mut r = render(super::RefusedPage {
            ui: ui(Some(&actor), String::new()),
            title: l.summary_of.into(),
            message,
        });
        *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
        r
    };
    let q: Query = match serde_urlencoded::from_str(parts.uri.query().unwrap_or("")) {
        Ok(q) => q,
        Err(e) => return bad(format!("网址参数有误：{e}")),
    };
    let Some(scope_text) = q.scope.filter(|s| !s.trim().is_empty()) else {
        return bad("请给出工作总结的范围（scope），如 pairing:1；可从结对或计划页面进入".into());
    };
    let scope: Scope = match scope_text.parse() {
        Ok(s) => s,
        Err(e) => return bad(e.to_string()),
    };
    let (scope_name, start, end, school) = match describe(&state, &scope).await {
        Ok(d) => d,
        Err(e) => return bad(e),
    };
    let today = state.store.today();
    let periods = summary_periods(start, end, school, today, 12);
    let semesters = if school { semesters_of(&periods) } else { Vec::new() };
    let (from, to) = (q.from.unwrap_or_default(), q.to.unwrap_or_default());
    // the period: dates given win, then a period chosen, then the last complete year (the first offered)
    let period_text = if !from.trim().is_empty() || !to.trim().is_empty() {
        let day = |v: &str, label: &str| {
            duikou_domain::validate::parse_date(v.trim())
                .ok_or_else(|| format!("{label}应为 YYYY-MM-DD 格式的日期，收到“{v}”"))
        };
        match (day(&from, "开始日期"), day(&to, "结束日期")) {
            (Ok(a), Ok(b)) if a <= b => format!("{a}..{b}"),
            (Ok(a), Ok(b)) => return bad(format!("结束日期（{b}）早于开始日期（{a}）")),
            (Err(e), _) | (_, Err(e)) => return bad(e),
        }
    } else {
        q.period
            .filter(|p| !p.trim().is_empty())
            .or_else(|| periods.first().map(|p| p.value.clone()))
            .unwrap_or_else(|| "term".into())
    };
    let period: Period = match period_text.parse() {
        Ok(p) => p,
        Err(e) => return bad(format!("期间（period）：{e}")),
    };
    let pending_text = q.pending.unwrap_or_else(|| "separate".into());
    let pending: Pending = match pending_text.parse() {
        Ok(p) => p,
        Err(e) => return bad(e),
    };
    let period_label = periods
        .iter()
        .chain(semesters.iter())
        .find(|p| p.value == period_text)
        .map(|p| p.label.clone())
        .unwrap_or_else(|| match period {
            Period::Range(a, b) => format!("{} 至 {}", a.format("%Y年%-m月%-d日"), b.format("%Y年%-m月%-d日")),
            _ => period_text.clone(),
        });
    let request = duikou_app::ReportRequest {
        scope,
        period,
        as_of: today,
        pending,
        briefing: None,
    };
    let preview = match state.app().report(&request).await {
        Ok(report) => Ok(duikou_report::html_fragment(&report.document)),
        Err(e) => Err(e.to_string()),
    };
    render(SummaryPage {
        ui: page_ui,
        title: format!("{} · {}", l.summary_of, scope_name),
        scope: scope_text,
        scope_name,
        periods,
        semesters,
        period: period_text,
        period_label,
        from,
        to,
        pending: pending_text,
        preview,
    })
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semesters_follow_the_school_years_newest_first() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let periods = summary_periods(Some(d("2013-10-01")), Some(d("2015-08-31")), true, d("2026-12-06"), 10);
        let v: Vec<String> = semesters_of(&periods).into_iter().map(|p| p.value).collect();
        assert_eq!(v, ["2014-2015S2", "2014-2015S1", "2013-2014S2", "2013-2014S1"]);
    }
}
