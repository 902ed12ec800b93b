//! A program's assessment for one period in the browser: each pairing's score, rating and the results behind it, by
//! name; the coordinator opens, recomputes, comments and signs it, an admin unlocks it with a reason, and the program's
//! rating scale is set here. Supporters and receivers see their own pairings only. The same rows make the 考核结果
//! workbook (.xlsx) and the 考核通报 (.docx), so a download never says other than the page.

use super::names::beijing_time;
use super::{page_user, refused, render, ui, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use duikou_domain::access::{Actor, Role};
use duikou_domain::Period;
use duikou_report::{Block, Cell, Column, ColumnKind, Document, Section, Sheet, Span, Table, Workbook};
use duikou_store::assessment::{assessed_pairings, AssessedPairing};
use serde_json::Value;
use std::collections::BTreeSet;

/// What the actor may see and do on a program's assessment.
struct Access {
    /// The pairings shown: every one for overseers, the actor's own for editors.
    visible: Option<BTreeSet<i64>>,
    /// Opens, recomputes, comments, signs and sets the scale (the program's coordinators and admins).
    assess: bool,
    /// Unlocks a signed assessment (admins).
    unlock: bool,
}

impl Access {
    fn shows(&self, pairing: i64) -> bool {
        self.visible.as_ref().is_none_or(|v| v.contains(&pairing))
    }

    /// Whether the whole program is shown (its overall score and the reviewer's comments).
    fn whole(&self) -> bool {
        self.visible.is_none()
    }
}

/// Decides what `actor` may see of `program`'s assessment; `Err` with why, in Chinese, when nothing.
async fn access(state: &AppState, actor: &Actor, program: &Value) -> Result<Access, String> {
    let authority = program["authority_org_id"].as_i64();
    match actor.role {
        Role::Admin => Ok(Access {
            visible: None,
            assess: true,
            unlock: true,
        }),
        Role::Coordinator => Ok(Access {
            visible: None,
            assess: actor.scope.is_empty() || authority.is_some_and(|a| actor.scope.contains(&a)),
            unlock: false,
        }),
        Role::Viewer => Ok(Access {
            visible: None,
            assess: false,
            unlock: false,
        }),
        Role::SupporterEditor | Role::ReceiverEditor => {
            let id = program["id"].as_i64().unwrap_or(0);
            let pairings = state
                .store
                .list_all("pairings", "program_id", id)
                .await
                .map_err(|e| e.to_string())?;
            let own: BTreeSet<i64> = pairings
                .iter()
                .filter(|p| {
                    [p["supporter_org_id"].as_i64(), p["receiver_org_id"].as_i64()]
                        .into_iter()
                        .flatten()
                        .any(|o| actor.scope.contains(&o))
                })
                .filter_map(|p| p["id"].as_i64())
                .collect();
            if own.is_empty() {
                return Err("您所在的单位在该计划中没有结对，看不到其考核评估".into());
            }
            Ok(Access {
                visible: Some(own),
                assess: false,
                unlock: false,
            })
        }
    }
}

/// A period as the page names it: 全期 for the whole term, else its Chinese label.
fn period_label(p: &Period) -> String {
    match p {
        Period::Term => "全期".into(),
        p => p.label_zh(),
    }
}

/// One result behind a pairing's score.
struct ResultRow {
    class: &'static str,
    status: &'static str,
    warning: bool,
    title: String,
    subject: String,
    window: String,
    actual: String,
    target: String,
    text: String,
}

/// One pairing of the assessment, as shown and downloaded.
struct PairingRow {
    supporter: String,
    receiver: String,
    /// One decimal ("85.0"), empty without a result that can be scored.
    score: String,
    score_value: Option<f64>,
    rating: String,
    met: usize,
    unmet: usize,
    open: usize,
    results: Vec<ResultRow>,
}

fn pairing_row(p: &AssessedPairing) -> PairingRow {
    PairingRow {
        supporter: p.supporter.clone(),
        receiver: p.receiver.clone(),
        score: p.score.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
        score_value: p.score.score,
        rating: p.score.rating.clone().unwrap_or_default(),
        met: p.score.met,
        unmet: p.score.unmet,
        open: p.score.open,
        results: p
            .results
            .iter()
            .map(|r| ResultRow {
                class: match r.status.as_str() {
                    "met" => "met",
                    "unmet" => "unmet",
                    _ => "open",
                },
                status: r.status_zh(),
                warning: r.warning,
                title: r.title.clone(),
                subject: r.subject_zh(),
                window: r.window.clone(),
                actual: r.actual.to_string(),
                target: r.target.map(|t| t.to_string()).unwrap_or_else(|| "—".into()),
                text: r.text.clone(),
            })
            .collect(),
    }
}

/// A signature or unlock, as the page lists it.
struct HistoryRow {
    what: &'static str,
    by: String,
    at: String,
    reason: String,
}

/// An assessment as the actor may see it: what the page, the workbook and the bulletin all print.
struct Shown {
    id: i64,
    program: String,
    authority: String,
    period_label: String,
    signed: bool,
    as_of: String,
    reviewer: String,
    signer: String,
    signed_at: String,
    /// The program's score and rating, for those who see the whole program.
    overall: Option<String>,
    comments: String,
    pairings: Vec<PairingRow>,
    history: Vec<HistoryRow>,
}

async fn shown(state: &AppState, program: &Value, a: &Value, access: &Access) -> Shown {
    let period: Period = a["period"].as_str().unwrap_or("term").parse().unwrap_or(Period::Term);
    let ids: Vec<i64> = [a["reviewer_id"].as_i64(), a["signed_by"].as_i64()]
        .into_iter()
        .flatten()
        .collect();
    let names = state.store.user_names(&ids).await.unwrap_or_default();
    let name = |k: &str| a[k].as_i64().and_then(|i| names.get(&i)).cloned().unwrap_or_default();
    let authority = match program["authority_org_id"].as_i64() {
        Some(o) => state
            .store
            .get("orgs", o)
            .await
            .ok()
            .and_then(|o| o["name"].as_str().map(str::to_string))
            .unwrap_or_default(),
        None => String::new(),
    };
    let history = state
        .store
        .assessment_history(a["id"].as_i64().unwrap_or(0))
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|e| HistoryRow {
            what: if e.action == "sign" { "签署" } else { "解锁" },
            by: e.by,
            at: beijing_time(&e.at),
            reason: e.reason,
        })
        .collect();
    let overall = access
        .whole()
        .then(|| match (a["score"].as_f64(), a["rating"].as_str()) {
            (Some(s), Some(r)) => format!("{s:.1} 分，{r}"),
            (Some(s), None) => format!("{s:.1} 分"),
            _ => "暂无可评分的结果".into(),
        });
    Shown {
        id: a["id"].as_i64().unwrap_or(0),
        program: program["name"].as_str().unwrap_or("").into(),
        authority,
        period_label: period_label(&period),
        signed: a["status"] == "signed",
        as_of: a["as_of"].as_str().unwrap_or("").into(),
        reviewer: name("reviewer_id"),
        signer: name("signed_by"),
        signed_at: a["signed_at"].as_str().map(beijing_time).unwrap_or_default(),
        overall,
        comments: if access.whole() {
            a["comments"].as_str().unwrap_or("").into()
        } else {
            String::new()
        },
        pairings: assessed_pairings(a)
            .iter()
            .filter(|p| access.shows(p.pairing_id))
            .map(pairing_row)
            .collect(),
        history,
    }
}

/// A period offered in the chooser.
struct Choice {
    value: String,
    label: String,
}

/// One level of the rating scale in its form.
struct LevelRow {
    label: String,
    min: String,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    ui: Ui,
    title: String,
    program_id: i64,
    program: String,
    period: String,
    period_label: String,
    message: Option<String>,
    choices: Vec<Choice>,
    /// The periods already assessed: (value, label, status).
    assessed: Vec<(String, String, &'static str)>,
    shown: Option<Shown>,
    may_assess: bool,
    may_unlock: bool,
    levels: Vec<LevelRow>,
    form_as_of: String,
    form_comments: String,
    form_reason: String,
}

/// What a refused form keeps of what was typed.
#[derive(Default)]
struct Typed {
    as_of: Option<String>,
    comments: Option<String>,
    reason: String,
    levels: Option<Vec<LevelRow>>,
}

fn scale_rows(program: &Value) -> Vec<LevelRow> {
    let scale = duikou_domain::RatingScale::from_json(&program["rating_scale"]).unwrap_or_default();
    let mut rows: Vec<LevelRow> = scale
        .levels
        .iter()
        .map(|l| LevelRow {
            label: l.label.clone(),
            min: l.min_score.to_string(),
        })
        .collect();
    // room for a level more than the scale has, up to six
    while rows.len() < 6 {
        rows.push(LevelRow {
            label: String::new(),
            min: String::new(),
        });
    }
    rows
}

fn query_period(parts: &Parts) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap_or_default();
    pairs
        .into_iter()
        .find(|(k, _)| k == "period")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The period asked for, else the newest assessed one, else the last complete school year or year.
fn chosen_period(asked: Option<&str>, assessed: &[Value], choices: &[Choice]) -> Result<Period, String> {
    let written = asked
        .map(str::to_string)
        .or_else(|| assessed.first().and_then(|a| a["period"].as_str().map(str::to_string)))
        .or_else(|| choices.first().map(|c| c.value.clone()))
        .unwrap_or_else(|| "term".into());
    written
        .parse::<Period>()
        .map_err(|e| format!("考核期间（period）“{written}”无法识别：{e}"))
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    actor: &Actor,
    csrf: String,
    id: i64,
    asked: Option<String>,
    message: Option<String>,
    typed: Typed,
) -> Response {
    let program = match state.store.get("programs", id).await {
        Ok(p) => p,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let access = match access(state, actor, &program).await {
        Ok(a) => a,
        Err(why) => return refused(actor, csrf, why),
    };
    let today = state.store.today();
    let date = |k: &str| program[k].as_str().and_then(duikou_domain::validate::parse_date);
    let mut choices: Vec<Choice> = super::summary_periods::summary_periods(
        date("start_date"),
        date("end_date"),
        program["calendar"]["kind"].as_str() == Some("school_year"),
        today,
        12,
    )
    .into_iter()
    .map(|c| Choice {
        value: c.value,
        label: c.label,
    })
    .collect();
    let all = match state.store.program_assessments(id).await {
        Ok(v) => v,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let (period, mut message) = match chosen_period(asked.as_deref(), &all, &choices) {
        Ok(p) => (p, message),
        Err(why) => (
            chosen_period(None, &all, &choices).unwrap_or(Period::Term),
            Some(message.map_or(why.clone(), |m| format!("{m}；{why}"))),
        ),
    };
    let written = period.to_string();
    if !choices.iter().any(|c| c.value == written) {
        choices.insert(
            0,
            Choice {
                value: written.clone(),
                label: period_label(&period),
            },
        );
    }
    let mut assessed: Vec<(String, String, &'static str)> = Vec::new();
    for a in &all {
        let p = a["period"].as_str().unwrap_or("").to_string();
        if assessed.iter().any(|(v, _, _)| *v == p) {
            continue;
        }
        let label = p
            .parse::<Period>()
            .map(|p| period_label(&p))
            .unwrap_or_else(|_| p.clone());
        assessed.push((p, label, if a["status"] == "signed" { "已签署" } else { "草稿" }));
    }
    let current = all.iter().find(|a| a["period"].as_str() == Some(written.as_str()));
    let shown = match current {
        Some(a) => Some(shown(state, &program, a, &access).await),
        None => None,
    };
    if shown.is_none() && !access.assess && message.is_none() {
        message = Some(format!("{}尚未开展考核评估", period_label(&period)));
    }
    let stored_comments = current.and_then(|a| a["comments"].as_str()).unwrap_or("").to_string();
    let name = program["name"].as_str().unwrap_or("").to_string();
    render(AssessmentPage {
        ui: ui(Some(actor), csrf),
        title: format!("考核评估：{name}"),
        program_id: id,
        program: name,
        period: written,
        period_label: period_label(&period),
        message,
        choices,
        assessed,
        shown,
        may_assess: access.assess,
        may_unlock: access.unlock,
        levels: typed.levels.unwrap_or_else(|| scale_rows(&program)),
        form_as_of: typed.as_of.unwrap_or_else(|| today.to_string()),
        form_comments: typed.comments.unwrap_or(stored_comments),
        form_reason: typed.reason,
    })
}

/// `GET /programs/{id}/assessment?period=`: the program's assessment of a period (the newest assessed one by default).
pub async fn show(State(state): State<AppState>, parts: Parts, Path(id): Path<i64>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let asked = query_period(&parts);
    page(&state, &actor, csrf, id, asked, None, Typed::default()).await
}

/// `POST /programs/{id}/assessment`: `action` = `create` (period, as_of, comments), `recompute` (as_of), `comment`,
/// `sign`, `unlock` (reason) or `scale` (label1…, min1…). Refusals re-show the page with the message and what was typed.
pub async fn act(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let get = |k: &str| posted(&form, k);
    if get("csrf") != csrf {
        return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response();
    }
    let period = get("period").trim().to_string();
    let action = get("action");
    let mut typed = Typed::default();
    let outcome = match action.as_str() {
        "create" => {
            typed.as_of = Some(get("as_of"));
            typed.comments = Some(get("comments"));
            create(&state, &actor, id, &period, &form).await
        }
        "scale" => {
            typed.levels = Some(
                (1..=6)
                    .map(|i| LevelRow {
                        label: get(&format!("label{i}")),
                        min: get(&format!("min{i}")),
                    })
                    .collect(),
            );
            scale(&state, &actor, id, &form).await
        }
        "recompute" | "comment" | "sign" | "unlock" => {
            typed.as_of = Some(get("as_of"));
            typed.comments = (action == "comment").then(|| get("comments"));
            typed.reason = get("reason");
            on_assessment(&state, &actor, id, &action, &form).await
        }
        other => Err(duikou_store::StoreError::invalid(
            "action",
            "unknown",
            format!("考核评估页面没有“{other}”操作"),
        )),
    };
    let (status, message) = match outcome {
        Ok(m) => {
            typed = Typed::default();
            (StatusCode::OK, m)
        }
        Err(e) => {
            let e = crate::error::ApiError::from(e);
            (e.status, e.message)
        }
    };
    let asked = Some(period).filter(|p| !p.is_empty());
    let mut resp = page(&state, &actor, csrf, id, asked, Some(message), typed).await;
    if resp.status() == StatusCode::OK {
        *resp.status_mut() = status;
    }
    resp
}

/// A posted form's field, or empty.
fn posted(form: &[(String, String)], k: &str) -> String {
    form.iter()
        .find(|(f, _)| f == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// `create`: the draft assessment of a period (as of a date, with comments); one per program and period.
async fn create(
    state: &AppState,
    actor: &Actor,
    id: i64,
    period: &str,
    form: &[(String, String)],
) -> duikou_store::Result<String> {
    let get = |k: &str| posted(form, k);
    let new = duikou_store::assess::NewAssessment {
        program_id: id,
        pairing_id: None,
        period: period.to_string(),
        as_of: Some(get("as_of").trim().to_string()).filter(|s| !s.is_empty()),
        comments: Some(get("comments")).filter(|s| !s.trim().is_empty()),
    };
    // one assessment per program and period on this page: a second "create" (a form sent twice) is refused
    let existing = match period.parse::<Period>() {
        Ok(p) => state.store.program_assessment(id, &p).await.ok().flatten(),
        Err(_) => None,
    };
    match existing {
        Some(_) => Err(duikou_store::StoreError::conflict(
            "exists",
            "本期已有考核评估，请在其上重新计算，不再另行生成",
            Some("period"),
        )),
        None => state
            .store
            .create_assessment(actor, &new)
            .await
            .map(|_| "已生成考核评估草稿".to_string()),
    }
}

/// `scale`: the program's rating levels (label1…, min1…; rows left empty skipped).
async fn scale(state: &AppState, actor: &Actor, id: i64, form: &[(String, String)]) -> duikou_store::Result<String> {
    let get = |k: &str| posted(form, k);
    let mut levels = Vec::new();
    for i in 1..=6 {
        let (label, min) = (get(&format!("label{i}")), get(&format!("min{i}")));
        if label.trim().is_empty() && min.trim().is_empty() {
            continue;
        }
        levels.push(serde_json::json!({"label": label, "min_score": min}));
    }
    state
        .store
        .set_rating_scale(actor, id, &serde_json::json!({ "levels": levels }))
        .await
        .map(|_| "已保存评定等次；草稿重新计算后按新等次评定".to_string())
}

/// `recompute` (as_of), `comment`, `sign` or `unlock` (reason): an action on the assessment the form names.
async fn on_assessment(
    state: &AppState,
    actor: &Actor,
    id: i64,
    action: &str,
    form: &[(String, String)],
) -> duikou_store::Result<String> {
    let get = |k: &str| posted(form, k);
    let aid = assessment_of(state, id, &get("assessment")).await?;
    match action {
        "recompute" => {
            let as_of = parse_as_of(&get("as_of"))?;
            state
                .store
                .assessment_action_as_of(actor, aid, "recompute", None, as_of)
                .await
                .map(|_| "已按最新记录重新计算".to_string())
        }
        "comment" => state
            .store
            .assessment_action(actor, aid, "comment", Some(&get("comments")))
            .await
            .map(|_| "已保存评审意见".to_string()),
        "sign" => state
            .store
            .assessment_action(actor, aid, "sign", None)
            .await
            .map(|_| "已签署：本期各结对的记录已锁定".to_string()),
        _ => state
            .store
            .unlock_assessment(actor, aid, &get("reason"))
            .await
            .map(|_| "已解锁：评估回到草稿，本期记录可以修改".to_string()),
    }
}

/// The assessment a form names, checked to be of this program.
async fn assessment_of(state: &AppState, program_id: i64, written: &str) -> duikou_store::Result<i64> {
    let missing = || duikou_store::StoreError::invalid("assessment", "missing", "请先生成本期的考核评估");
    let id: i64 = written.trim().parse().map_err(|_| missing())?;
    let a = state.store.get("assessments", id).await.map_err(|_| missing())?;
    if a["program_id"].as_i64() != Some(program_id) {
        return Err(missing());
    }
    Ok(id)
}

fn parse_as_of(written: &str) -> duikou_store::Result<Option<chrono::NaiveDate>> {
    let w = written.trim();
    if w.is_empty() {
        return Ok(None);
    }
    duikou_domain::validate::parse_date(w).map(Some).ok_or_else(|| {
        duikou_store::StoreError::invalid(
            "as_of",
            "date",
            format!("评估日期（as_of）应为 YYYY-MM-DD 格式的日期，收到“{w}”"),
        )
    })
}

/// The 考核结果 workbook: one row per pairing (sides, score, rating, counts, the reviewer's comments), then every
/// result behind them.
fn workbook(s: &Shown) -> Workbook {
    let col = |h: &str, kind: ColumnKind| Column { header: h.into(), kind };
    let text = |t: &str| {
        if t.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(t.into())
        }
    };
    let rows = s
        .pairings
        .iter()
        .map(|p| {
            vec![
                Cell::Text(p.supporter.clone()),
                Cell::Text(p.receiver.clone()),
                p.score_value
                    .map_or(Cell::Empty, |v| Cell::Number((v * 10.0).round() / 10.0)),
                text(&p.rating),
                Cell::Int(p.met as i64),
                Cell::Int(p.unmet as i64),
                Cell::Int(p.open as i64),
                text(&s.comments),
            ]
        })
        .collect();
    let summary = Table {
        title: format!("{}{}考核结果", s.program, s.period_label),
        columns: vec![
            col("支援方", ColumnKind::Text),
            col("受援方", ColumnKind::Text),
            col("得分", ColumnKind::Number),
            col("等次", ColumnKind::Text),
            col("达标", ColumnKind::Int),
            col("未达标", ColumnKind::Int),
            col("进行中", ColumnKind::Int),
            col("评审意见", ColumnKind::Text),
        ],
        rows,
    };
    let mut detail_rows = Vec::new();
    for p in &s.pairings {
        for r in &p.results {
            detail_rows.push(vec![
                Cell::Text(p.supporter.clone()),
                Cell::Text(p.receiver.clone()),
                Cell::Text(r.title.clone()),
                Cell::Text(r.subject.clone()),
                Cell::Text(r.window.clone()),
                Cell::Text(r.actual.clone()),
                Cell::Text(r.target.clone()),
                Cell::Text(r.status.into()),
                Cell::Text(r.text.clone()),
            ]);
        }
    }
    let detail = Table {
        title: "结果明细".into(),
        columns: [
            "支援方",
            "受援方",
            "目标任务",
            "对象",
            "考核期",
            "实际",
            "要求",
            "结果",
            "说明",
        ]
        .iter()
        .map(|h| col(h, ColumnKind::Text))
        .collect(),
        rows: detail_rows,
    };
    Workbook {
        sheets: vec![
            Sheet {
                name: "考核结果".into(),
                table: summary,
                validation_rows: 0,
            },
            Sheet {
                name: "结果明细".into(),
                table: detail,
                validation_rows: 0,
            },
        ],
    }
}

/// The 考核通报: a short 公文 with the period, a table of pairings with score and rating, the unmet duties by pairing,
/// the reviewer's comments and the signature line.
fn bulletin(s: &Shown) -> Document {
    let intro = bulletin_intro(s);
    let table = bulletin_table(s);
    let unmet = bulletin_unmet(s);
    let mut sections = vec![
        Section {
            heading: "一、考核情况".into(),
            blocks: vec![
                Block::Paragraph {
                    spans: vec![Span::text(intro)],
                },
                Block::Table(table),
            ],
        },
        Section {
            heading: "二、未完成的目标任务".into(),
            blocks: unmet,
        },
    ];
    if !s.comments.trim().is_empty() {
        sections.push(Section {
            heading: "三、评审意见".into(),
            blocks: vec![Block::Paragraph {
                spans: vec![Span::text(s.comments.clone())],
            }],
        });
    }
    let signature = if s.signed {
        format!(
            "签署人：{}　　签署日期：{}",
            s.signer,
            s.signed_at.get(..10).unwrap_or(&s.signed_at)
        )
    } else {
        "（本通报所据考核评估尚未签署，为草稿）".to_string()
    };
    let issuer = if s.authority.is_empty() {
        String::new()
    } else {
        format!("{}　　", s.authority)
    };
    if let Some(last) = sections.last_mut() {
        last.blocks.push(Block::Paragraph {
            spans: vec![Span::text(format!("{issuer}{signature}"))],
        });
    }
    Document {
        title: format!("关于{}{}考核结果的通报", s.program, s.period_label),
        subtitle: Some(format!("{}　{}", s.authority, s.period_label).trim().to_string()),
        sections,
        appendix: Vec::new(),
    }
}

/// The bulletin's opening: what was assessed against which program, and the tally of ratings.
fn bulletin_intro(s: &Shown) -> String {
    let mut ratings: Vec<(String, usize)> = Vec::new();
    for p in &s.pairings {
        let r = if p.rating.is_empty() {
            "未评定".to_string()
        } else {
            p.rating.clone()
        };
        match ratings.iter_mut().find(|(l, _)| *l == r) {
            Some((_, n)) => *n += 1,
            None => ratings.push((r, 1)),
        }
    }
    let tally: Vec<String> = ratings.iter().map(|(r, n)| format!("{r}{n}个")).collect();
    let mut intro = format!(
        "依据《{}》确定的目标任务，对{}个结对{}的工作进行了考核（评估日期：{}）。",
        s.program,
        s.pairings.len(),
        s.period_label,
        s.as_of
    );
    if !tally.is_empty() {
        intro.push_str(&format!("考核结果为：{}。", tally.join("，")));
    }
    if let Some(o) = &s.overall {
        intro.push_str(&format!("计划总体得分 {o}。"));
    }
    intro
}

/// The bulletin's table of pairings with their score and rating.
fn bulletin_table(s: &Shown) -> Table {
    Table {
        title: "表1 考核结果".into(),
        columns: ["支援方", "受援方", "得分", "等次"]
            .iter()
            .map(|h| Column {
                header: h.to_string(),
                kind: ColumnKind::Text,
            })
            .collect(),
        rows: s
            .pairings
            .iter()
            .map(|p| {
                vec![
                    Cell::Text(p.supporter.clone()),
                    Cell::Text(p.receiver.clone()),
                    Cell::Text(if p.score.is_empty() {
                        "—".into()
                    } else {
                        p.score.clone()
                    }),
                    Cell::Text(if p.rating.is_empty() {
                        "—".into()
                    } else {
                        p.rating.clone()
                    }),
                ]
            })
            .collect(),
    }
}

/// The bulletin's unmet duties, by pairing (（一）支援方 → 受援方, then the list), or a line saying there are none.
fn bulletin_unmet(s: &Shown) -> Vec<Block> {
    let numbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let mut unmet = Vec::new();
    let mut k = 0;
    for p in &s.pairings {
        let items: Vec<String> = p
            .results
            .iter()
            .filter(|r| r.class == "unmet")
            .map(|r| r.text.clone())
            .collect();
        if items.is_empty() {
            continue;
        }
        unmet.push(Block::Subheading {
            text: format!("（{}）{} → {}", numbers.get(k).unwrap_or(&"…"), p.supporter, p.receiver),
        });
        unmet.push(Block::List { items });
        k += 1;
    }
    if unmet.is_empty() {
        unmet.push(Block::Paragraph {
            spans: vec![Span::text("本期各结对的目标任务均已完成，没有未达标的事项。")],
        });
    }
    unmet
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `GET /programs/{id}/assessment/{format}?period=`: the 考核结果 as `xlsx` or the 考核通报 as `docx`, of what the
/// actor may see.
pub async fn download(
    State(state): State<AppState>,
    parts: Parts,
    Path((id, format)): Path<(i64, String)>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if format != "xlsx" && format != "docx" {
        return crate::error::ApiError::no_route().into_response();
    }
    let program = match state.store.get("programs", id).await {
        Ok(p) => p,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let access = match access(&state, &actor, &program).await {
        Ok(a) => a,
        Err(why) => return refused(&actor, csrf, why),
    };
    let asked = query_period(&parts).unwrap_or_default();
    let period: Period = match asked.parse() {
        Ok(p) => p,
        Err(e) => {
            return crate::error::ApiError::bad_request(
                "period",
                "period",
                format!("考核期间（period）“{asked}”无法识别：{e}"),
            )
            .into_response()
        }
    };
    let a = match state.store.program_assessment(id, &period).await {
        Ok(Some(a)) => a,
        Ok(None) => {
            return crate::error::ApiError::bad_request(
                "missing",
                "period",
                format!("{}尚未开展考核评估，没有可下载的结果", period_label(&period)),
            )
            .into_response()
        }
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let s = shown(&state, &program, &a, &access).await;
    let (bytes, name, kind) = if format == "xlsx" {
        (
            duikou_report::xlsx(&workbook(&s)),
            format!("{}{}考核结果.xlsx", s.program, s.period_label),
            XLSX,
        )
    } else {
        (
            duikou_report::docx(&bulletin(&s)),
            format!("{}{}考核通报.docx", s.program, s.period_label),
            DOCX,
        )
    };
    match bytes {
        Ok(b) => (
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    crate::extract::attachment_disposition(&name),
                ),
            ],
            b,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, program = id, "assessment file failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "文件生成失败").into_response()
        }
    }
}
