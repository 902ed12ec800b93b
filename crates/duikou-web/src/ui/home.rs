//! Each role's home page (`/` after login): what this user has to do, with names and a link on every item.
//!
//! - a supporting editor: its records still awaiting the receiver, those the receiver disputed (with the reason),
//!   the 督办 items addressed to its units that await an answer, and its pairings with their warnings;
//! - a receiving editor: how many records await its confirmation (linking to the inbox), its 督办 items and its
//!   pairings;
//! - a coordinator or an admin: the programs it leads with met / unmet / open / warnings (or 无可考核目标 when a
//!   program has no obligations), the open 督办 items and the warnings of their pairings;
//! - a viewer: the programs it may read.
//!
//! The whole record's figures and charts stay at `/dashboard`, linked from every home.

use super::dashboard::{program_rows, ProgramRow};
use super::inbox::fact_summary;
use super::{page_user, render, ui, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::Response;
use duikou_domain::access::{Actor, Role};
use duikou_domain::schema;
use duikou_store::worklist::Side;
use duikou_store::ListQuery;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Items listed per section (the total is said when there are more).
const SHOWN: usize = 20;

/// One thing to do or to look at: where it is, what it is, and what to know about it.
pub(crate) struct Line {
    href: String,
    what: String,
    detail: String,
    note: String,
}

/// A section's lines and how many there are in all.
pub(crate) struct Section {
    lines: Vec<Line>,
    total: usize,
    /// "共 n 条，仅列最近 m 条" when not all are listed.
    more: Option<String>,
}

impl Section {
    fn new(lines: Vec<Line>, total: usize, l: &super::Labels) -> Section {
        let more = (total > lines.len()).then(|| {
            l.shown_of
                .replace("{n}", &total.to_string())
                .replace("{m}", &lines.len().to_string())
        });
        Section { lines, total, more }
    }

    fn of(mut lines: Vec<Line>, l: &super::Labels) -> Section {
        let total = lines.len();
        lines.truncate(SHOWN);
        Section::new(lines, total, l)
    }
}

/// One of the user's pairings: its name (program：supporter → receiver) and its warned and unmet results.
pub(crate) struct PairingLine {
    id: i64,
    name: String,
    warnings: Vec<String>,
    unmet: usize,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ui: Ui,
    title: String,
    /// The supporter's records awaiting the receiver.
    awaiting: Option<Section>,
    /// The supporter's records the receiver disputed.
    disputed: Option<Section>,
    /// The receiver's count of records to confirm.
    to_confirm: Option<i64>,
    /// 督办 items to answer (editors) or still open (coordinators).
    supervision: Option<Section>,
    /// Whether `supervision` lists the items to answer (editors) rather than those still open.
    answering: bool,
    /// The editor's pairings.
    pairings: Option<Vec<PairingLine>>,
    /// The programs led (coordinators, admins) or readable (viewers).
    programs: Option<Vec<ProgramRow>>,
    /// Whether `programs` are the viewer's readable ones.
    reading: bool,
    /// The warnings of the programs' pairings.
    warnings: Option<Section>,
}

/// `GET /`: the user's own home when logged in, the public overview otherwise.
pub async fn home(State(state): State<AppState>, parts: Parts) -> Response {
    let Ok((actor, csrf)) = page_user(&state, &parts).await else {
        return crate::portal::home(&state, &parts.headers).await;
    };
    let l = &super::ZH;
    let mut page = HomePage {
        ui: ui(Some(&actor), csrf),
        title: l.home_title.into(),
        awaiting: None,
        disputed: None,
        to_confirm: None,
        supervision: None,
        answering: false,
        pairings: None,
        programs: None,
        reading: false,
        warnings: None,
    };
    let mut names = Names::default();
    match actor.role {
        Role::SupporterEditor => {
            page.awaiting = Some(facts(&state, &actor, Side::Supporting, "pending", &mut names, l).await);
            page.disputed = Some(facts(&state, &actor, Side::Supporting, "disputed", &mut names, l).await);
            page.supervision = Some(to_answer(&state, &actor, l).await);
            page.answering = true;
            page.pairings = Some(pairings(&state, &actor, "supporter_org_id", &mut names).await);
        }
        Role::ReceiverEditor => {
            page.to_confirm = Some(page.ui.inbox_count);
            page.supervision = Some(to_answer(&state, &actor, l).await);
            page.answering = true;
            page.pairings = Some(pairings(&state, &actor, "receiver_org_id", &mut names).await);
        }
        Role::Admin | Role::Coordinator => {
            let programs = led_programs(&state, &actor).await;
            let ids: BTreeSet<i64> = programs.iter().filter_map(|p| p["id"].as_i64()).collect();
            page.supervision = Some(open_supervision(&state, &ids, &mut names, l).await);
            page.warnings = Some(warnings(&state, &ids, &mut names, l).await);
            page.programs = Some(program_rows(&state, programs).await);
        }
        Role::Viewer => {
            let programs = readable_programs(&state, &actor).await;
            page.programs = Some(program_rows(&state, programs).await);
            page.reading = true;
        }
    }
    render(page)
}

/// Names read once per page: programs, pairings («program：supporter → receiver»), orgs.
#[derive(Default)]
struct Names {
    orgs: BTreeMap<i64, String>,
    programs: BTreeMap<i64, String>,
    pairings: BTreeMap<i64, (i64, String)>,
}

impl Names {
    async fn org(&mut self, state: &AppState, id: i64) -> String {
        if let Some(n) = self.orgs.get(&id) {
            return n.clone();
        }
        let n = name_of(state, "orgs", id).await;
        self.orgs.insert(id, n.clone());
        n
    }

    async fn program(&mut self, state: &AppState, id: i64) -> String {
        if let Some(n) = self.programs.get(&id) {
            return n.clone();
        }
        let n = name_of(state, "programs", id).await;
        self.programs.insert(id, n.clone());
        n
    }

    /// A pairing's program and its name: «计划：支援方 → 受援方».
    async fn pairing(&mut self, state: &AppState, id: i64) -> (i64, String) {
        if let Some(p) = self.pairings.get(&id) {
            return p.clone();
        }
        let rec = state.store.get("pairings", id).await.unwrap_or(Value::Null);
        self.pairing_of(state, &rec).await
    }

    async fn pairing_of(&mut self, state: &AppState, rec: &Value) -> (i64, String) {
        let id = rec["id"].as_i64().unwrap_or(0);
        let program = rec["program_id"].as_i64().unwrap_or(0);
        let name = format!(
            "{}：{} → {}",
            self.program(state, program).await,
            self.org(state, rec["supporter_org_id"].as_i64().unwrap_or(0)).await,
            self.org(state, rec["receiver_org_id"].as_i64().unwrap_or(0)).await
        );
        self.pairings.insert(id, (program, name.clone()));
        (program, name)
    }
}

async fn name_of(state: &AppState, entity: &str, id: i64) -> String {
    state
        .store
        .get(entity, id)
        .await
        .ok()
        .and_then(|r| r["name"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The facts of the actor's pairings (on `side`) in the confirmation `state`, newest first, each linking to its page;
/// a disputed one says why.
async fn facts(
    state: &AppState,
    actor: &Actor,
    side: Side,
    confirmation: &str,
    names: &mut Names,
    l: &super::Labels,
) -> Section {
    let total = state
        .store
        .confirmation_count(side, &actor.scope, confirmation)
        .await
        .map_err(|e| tracing::error!(error = %e, "worklist count"))
        .unwrap_or(0);
    let items = state
        .store
        .confirmation_items(side, &actor.scope, confirmation, SHOWN)
        .await
        .map_err(|e| tracing::error!(error = %e, "worklist"))
        .unwrap_or_default();
    let mut lines = Vec::new();
    for it in items {
        let Some(def) = schema::entity(it.entity) else { continue };
        let id = it.record["id"].as_i64().unwrap_or(0);
        let (_, pairing) = names
            .pairing(state, it.record["pairing_id"].as_i64().unwrap_or(0))
            .await;
        let reason = it.record["dispute_reason"].as_str().unwrap_or("");
        lines.push(Line {
            href: format!("/records/{}/{id}", it.entity),
            what: def.label.to_string(),
            detail: fact_summary(state, def, &it.record).await,
            note: if reason.is_empty() {
                pairing
            } else {
                format!("{}：{reason}（{pairing}）", l.dispute_reason)
            },
        });
    }
    let total = usize::try_from(total).unwrap_or(0).max(lines.len());
    Section::new(lines, total, l)
}

/// The 督办 items addressed to the actor's units that wait for its answer (督办中 or 未整改), each linking to the
/// reply form on "my pairings".
async fn to_answer(state: &AppState, actor: &Actor, l: &super::Labels) -> Section {
    let mut lines = Vec::new();
    for m in state.store.supervisions_of(&actor.scope).await.unwrap_or_default() {
        if !matches!(m["status"].as_str(), Some("open" | "unrectified") | None) {
            continue;
        }
        lines.push(supervision_line(
            &m,
            "/mine".into(),
            m["pairing"].as_str().unwrap_or(""),
            l,
        ));
    }
    Section::of(lines, l)
}

fn supervision_line(m: &Value, href: String, pairing: &str, l: &super::Labels) -> Line {
    let text = |k: &str| m[k].as_str().unwrap_or("").to_string();
    let overdue = m["overdue_days"].as_i64().unwrap_or(0);
    let mut note = duikou_store::assess::supervision_state_zh(m["status"].as_str().unwrap_or("")).to_string();
    if !text("due_on").is_empty() {
        note.push_str(&format!("，{} {}", l.due_on, text("due_on")));
    }
    if overdue > 0 {
        note.push_str(&l.overdue_days.replace("{n}", &overdue.to_string()));
    }
    Line {
        href,
        what: pairing.to_string(),
        detail: format!("{}（{}）：{}", text("obligation"), text("period"), text("note")),
        note,
    }
}

/// The actor's pairings on one side, named, with their warned and unmet results (one kept read per program).
async fn pairings(state: &AppState, actor: &Actor, field: &str, names: &mut Names) -> Vec<PairingLine> {
    let mut seen = BTreeSet::new();
    let mut by_program: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut out = Vec::new();
    for org in &actor.scope {
        for p in state.store.list_all("pairings", field, *org).await.unwrap_or_default() {
            let Some(id) = p["id"].as_i64().filter(|i| seen.insert(*i)) else {
                continue;
            };
            let (program, name) = names.pairing_of(state, &p).await;
            by_program.entry(program).or_default().push(id);
            out.push(PairingLine {
                id,
                name,
                warnings: Vec::new(),
                unmet: 0,
            });
        }
    }
    let today = state.store.today();
    let mut problems: BTreeMap<i64, Vec<duikou_store::status::Problem>> = BTreeMap::new();
    for (program, ids) in &by_program {
        for problem in state
            .store
            .status_problems(*program, Some(ids), today)
            .await
            .map_err(|e| tracing::error!(error = %e, program, "problems"))
            .unwrap_or_default()
        {
            problems.entry(problem.pairing_id).or_default().push(problem);
        }
    }
    for line in &mut out {
        let mine = problems.remove(&line.id).unwrap_or_default();
        line.unmet = mine.iter().filter(|p| p.status == "unmet").count();
        line.warnings = mine
            .into_iter()
            .filter(|p| p.status == "open")
            .map(|p| p.text)
            .collect();
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Every program, or those of the authorities in a scoped coordinator's scope.
async fn led_programs(state: &AppState, actor: &Actor) -> Vec<Value> {
    if actor.role == Role::Admin || actor.scope.is_empty() {
        return all_programs(state).await;
    }
    let mut out = Vec::new();
    for org in &actor.scope {
        out.extend(
            state
                .store
                .list_all("programs", "authority_org_id", *org)
                .await
                .unwrap_or_default(),
        );
    }
    out.sort_by_key(|p| p["id"].as_i64());
    out
}

/// Every program for a viewer of everything; else the programs of the pairings its orgs are on either side of.
async fn readable_programs(state: &AppState, actor: &Actor) -> Vec<Value> {
    if actor.scope.is_empty() {
        return all_programs(state).await;
    }
    let mut ids = BTreeSet::new();
    for org in &actor.scope {
        for field in ["supporter_org_id", "receiver_org_id"] {
            for p in state.store.list_all("pairings", field, *org).await.unwrap_or_default() {
                ids.extend(p["program_id"].as_i64());
            }
        }
    }
    let mut out = Vec::new();
    for id in ids {
        if let Ok(p) = state.store.get("programs", id).await {
            out.push(p);
        }
    }
    out
}

async fn all_programs(state: &AppState) -> Vec<Value> {
    state
        .store
        .list(
            "programs",
            &ListQuery {
                per_page: Some(100),
                ..Default::default()
            },
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default()
}

/// The 督办 items of these programs not yet closed (督办中, 已回复 awaiting a decision, 未整改), each linking to
/// its program's 督办 list.
async fn open_supervision(state: &AppState, programs: &BTreeSet<i64>, names: &mut Names, l: &super::Labels) -> Section {
    let mut lines = Vec::new();
    for status in ["replied", "open", "unrectified"] {
        let q = ListQuery {
            filters: [("status".to_string(), status.to_string())].into(),
            per_page: Some(200),
            ..Default::default()
        };
        for mut m in state
            .store
            .list("supervisions", &q)
            .await
            .map(|p| p.items)
            .unwrap_or_default()
        {
            let (program, pairing) = names.pairing(state, m["pairing_id"].as_i64().unwrap_or(0)).await;
            if !programs.contains(&program) {
                continue;
            }
            if let Some(ob) = m["obligation_id"].as_i64() {
                m["obligation"] = Value::from(name_or_title(state, "obligations", ob).await);
            }
            lines.push(supervision_line(
                &m,
                format!("/programs/{program}/supervision"),
                &pairing,
                l,
            ));
        }
    }
    Section::of(lines, l)
}

async fn name_or_title(state: &AppState, entity: &str, id: i64) -> String {
    state
        .store
        .get(entity, id)
        .await
        .ok()
        .and_then(|r| {
            ["title", "name"]
                .iter()
                .find_map(|k| r[*k].as_str().map(str::to_string))
        })
        .unwrap_or_default()
}

/// The early warnings of these programs' pairings, each linking to its pairing.
async fn warnings(state: &AppState, programs: &BTreeSet<i64>, names: &mut Names, l: &super::Labels) -> Section {
    let today = state.store.today();
    let mut lines = Vec::new();
    for p in programs {
        for problem in state.store.status_problems(*p, None, today).await.unwrap_or_default() {
            if problem.status != "open" {
                continue;
            }
            let (_, pairing) = names.pairing(state, problem.pairing_id).await;
            lines.push(Line {
                href: format!("/pairings/{}", problem.pairing_id),
                what: pairing,
                detail: problem.title.clone(),
                note: problem.text.clone(),
            });
        }
    }
    Section::of(lines, l)
}
