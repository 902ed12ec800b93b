//! What the public may see: the published programs, their public pairings and their confirmed facts.
//!
//! **The publication rule.** A program is public when its `published` flag is set. A pairing is public when its
//! program is public and the pairing is not `withheld` (so publishing a program publishes its pairings, and a
//! coordinator withholds the few that must not be shown). Anything else — an unpublished program, a withheld pairing,
//! an id that does not exist — is simply absent: the reads below answer `None` for all alike.
//!
//! **Only confirmed facts.** The figures and the listed facts are the facts the other side confirmed (a pending or
//! disputed fact is neither counted nor listed). The figures come from [`pairing_totals`] with `only_confirmed`, the
//! same computation the signed-in pairing page makes, over the public pairings' records.
//!
//! **The allow-list.** Each `Public*` struct below is the whole of what is exposed of its entity; nothing else is
//! copied out of a record. Never exposed: people (names, ids, ID-card and phone numbers, birth years, education,
//! titles), dispatches one by one (only counts by role), appraisals, users, confirmers, dispute reasons, notes,
//! descriptions, activities' participants, audit authors, documents. [`PUBLIC_FIELDS`] lists the allow-list in one
//! place, and the tests hold every public answer to it.

use crate::db::Arg;
use crate::views::{pairing_totals, Bundle};
use crate::{ListQuery, Result, Store};
use duikou_domain::entities::{Coded, Confirmation, PairingId, Transaction};
use duikou_domain::{schema, Money, Qty};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The fields each entity shows in public (on the portal, in its downloads and its JSON), and nothing else.
pub const PUBLIC_FIELDS: &[(&str, &[&str])] = &[
    (
        "programs",
        &["id", "name", "authority_org_id(名称)", "start_date", "end_date"],
    ),
    (
        "pairings",
        &[
            "id",
            "program_id",
            "supporter_org_id(名称；所在区划只用于画示意图)",
            "receiver_org_id(名称；所在区划只用于画示意图)",
            "level",
            "start_date",
            "end_date",
        ],
    ),
    (
        "activities",
        &[
            "pairing_id",
            "kind",
            "title",
            "audience",
            "start_date",
            "end_date",
            "person_times",
            "sessions",
            "courses",
            "hours",
            "items",
            "amount",
        ],
    ),
    (
        "projects",
        &[
            "id",
            "pairing_id",
            "name",
            "category",
            "started_on",
            "completed_on",
            "total_investment",
        ],
    ),
    (
        "project_groups",
        &[
            "pairing_id",
            "name",
            "start_on",
            "end_on",
            "project_count",
            "aid_amount",
            "total_investment",
            "parent_id(是否有上级计划)",
        ],
    ),
    (
        "transactions",
        &["pairing_id", "project_id(名称)", "kind", "source", "amount", "date"],
    ),
    (
        "outputs",
        &[
            "pairing_id",
            "project_id(名称)",
            "name",
            "unit",
            "planned",
            "started",
            "completed",
            "as_of",
        ],
    ),
    ("dispatches", &["pairing_id", "role", "人数（按人计，不列姓名）"]),
    (
        "indicator_values",
        &["indicator_id(名称、单位)", "period", "value", "受援方名称"],
    ),
];

/// What a scope's plans make of its figures ([`Store::plan_figures`]).
struct PlanFigures {
    total_investment: Option<Money>,
    total_investment_known: Money,
    total_investment_left_out: Vec<String>,
    plans: i64,
    plan_projects: Option<i64>,
    plan_aid: Option<Money>,
}

/// A published program as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicProgram {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The name of the org in charge.
    pub authority: String,
    /// First day.
    pub start_date: Option<String>,
    /// Last day.
    pub end_date: Option<String>,
    /// How many of its pairings are public.
    pub public_pairings: i64,
}

/// A public pairing as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicPairing {
    /// Its id.
    pub id: i64,
    /// Its program's id.
    pub program_id: i64,
    /// Its program's name.
    pub program: String,
    /// The supporting org's name.
    pub supporter: String,
    /// The receiving org's name.
    pub receiver: String,
    /// The supporting org's region code (for the map only; not in the JSON).
    #[serde(skip)]
    pub supporter_region: Option<String>,
    /// The receiving org's region code (for the map only; not in the JSON).
    #[serde(skip)]
    pub receiver_region: Option<String>,
    /// The level (`school_school` …).
    pub level: String,
    /// First day.
    pub start_date: Option<String>,
    /// Last day.
    pub end_date: Option<String>,
}

/// A confirmed activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicActivity {
    /// The pairing.
    pub pairing_id: i64,
    /// Kind (`training` …).
    pub kind: String,
    /// Title.
    pub title: String,
    /// For whom.
    pub audience: Option<String>,
    /// First day.
    pub start_date: Option<String>,
    /// Last day.
    pub end_date: Option<String>,
    /// 人次.
    pub person_times: Option<i64>,
    /// 场次.
    pub sessions: Option<i64>,
    /// 门次.
    pub courses: Option<i64>,
    /// 课时.
    pub hours: Option<i64>,
    /// 台（套/件）.
    pub items: Option<i64>,
    /// Amount in yuan.
    pub amount: Option<Money>,
}

/// A confirmed project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicProject {
    /// Its id.
    pub id: i64,
    /// The pairing.
    pub pairing_id: i64,
    /// Name.
    pub name: String,
    /// Category.
    pub category: String,
    /// Started on.
    pub started_on: Option<String>,
    /// Completed on.
    pub completed_on: Option<String>,
    /// Total investment.
    pub total_investment: Option<Money>,
}

/// A confirmed transaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicTransaction {
    /// The pairing.
    pub pairing_id: i64,
    /// The project's name (when the project itself is confirmed; else `未确认的项目`).
    pub project: String,
    /// Kind (commitment, disbursement, expenditure).
    pub kind: String,
    /// Source of funds.
    pub source: String,
    /// Amount.
    pub amount: Money,
    /// Date.
    pub date: Option<String>,
}

/// A confirmed plan or batch of projects (援建计划/批次).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicPlan {
    /// The pairing.
    pub pairing_id: i64,
    /// Its name.
    pub name: String,
    /// Its first year (or month, or day) as written.
    pub start_on: Option<String>,
    /// Its last, when it spans more than one.
    pub end_on: Option<String>,
    /// Its number of projects, as stated.
    pub project_count: Option<i64>,
    /// The aid money it states.
    pub aid_amount: Option<Money>,
    /// The total investment it states.
    pub total_investment: Option<Money>,
    /// Whether a larger confirmed plan holds it (its money is within that plan's).
    pub within_larger: bool,
}

/// A confirmed output of a project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicOutput {
    /// The pairing.
    pub pairing_id: i64,
    /// The project's name (as for transactions).
    pub project: String,
    /// What is built.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Planned.
    pub planned: Option<Qty>,
    /// Started.
    pub started: Option<Qty>,
    /// Completed.
    pub completed: Option<Qty>,
    /// As of.
    pub as_of: Option<String>,
}

/// How many people of one role were sent (confirmed dispatches; each person once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicDispatchCount {
    /// The pairing (0 in a program's total).
    pub pairing_id: i64,
    /// Role.
    pub role: String,
    /// People.
    pub persons: i64,
}

/// An indicator of a receiver before and after: its earliest and its latest value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorChange {
    /// The receiver's name.
    pub receiver: String,
    /// The indicator's name.
    pub indicator: String,
    /// Its unit.
    pub unit: String,
    /// The earliest period.
    pub baseline_period: String,
    /// The earliest value.
    pub baseline: Qty,
    /// The latest period.
    pub latest_period: String,
    /// The latest value.
    pub latest: Qty,
}

/// Money of one year, kind and source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyLine {
    /// Year (0 when the date is missing).
    pub year: i64,
    /// Transaction kind.
    pub kind: String,
    /// Source.
    pub source: String,
    /// Amount.
    pub amount: Money,
}

/// The headline figures of a public program or pairing, from its confirmed facts only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicFigures {
    /// People sent (each once).
    pub persons: i64,
    /// People sent by role.
    pub persons_by_role: Vec<PublicDispatchCount>,
    /// Projects.
    pub projects: i64,
    /// Of which started.
    pub projects_started: i64,
    /// Of which completed.
    pub projects_completed: i64,
    /// The projects' total investment, a plan counted as it states it (or as its parts do, when they are all of
    /// it); `None` when a plan leaves it unknown — never the part that happens to be recorded.
    pub total_investment: Option<Money>,
    /// The part of the projects' total investment that is known: the projects told on their own and the plans that
    /// state it (or whose parts are all of it). Equal to `total_investment` when no plan is left out.
    pub total_investment_known: Money,
    /// The plans (援建计划/批次) left out of `total_investment_known` because their total investment is not
    /// recorded, by name; empty when the total is whole.
    pub total_investment_left_out: Vec<String>,
    /// Plans and batches (援建计划/批次) that stand for their parts: none inside a larger one.
    pub plans: i64,
    /// The projects those plans arrange, as they state it; `None` when one of them does not say.
    pub plan_projects: Option<i64>,
    /// The 援助资金 of those plans; `None` when one of them leaves it unknown.
    pub plan_aid: Option<Money>,
    /// Money given outside any project (项目外资金: 课题经费, 公益金 …), counted beside the projects' money.
    pub funds: Money,
    /// Money by kind and source.
    pub money_by_source: Vec<MoneyLine>,
    /// Money by year, kind and source.
    pub money_by_year: Vec<MoneyLine>,
    /// Activities.
    pub activities: i64,
    /// Trainings (activities of kind training).
    pub trainings: i64,
    /// Their person-times.
    pub training_person_times: i64,
    /// Indicators before and after.
    pub indicators: Vec<IndicatorChange>,
    /// Each public pairing's projects' total investment and people sent (the map's widths; not in the JSON).
    #[serde(skip)]
    pub by_pairing: BTreeMap<i64, PairingWeight>,
}

/// What one pairing weighs on the map: its confirmed projects' total investment and the people it sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PairingWeight {
    /// Total investment of its confirmed projects.
    pub invested: Money,
    /// People sent (each once).
    pub persons: i64,
}

/// The confirmed facts of a public scope, each as the allow-list has it.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct PublicFacts {
    /// Activities.
    pub activities: Vec<PublicActivity>,
    /// Projects.
    pub projects: Vec<PublicProject>,
    /// Transactions.
    pub transactions: Vec<PublicTransaction>,
    /// Plans and batches of projects.
    pub plans: Vec<PublicPlan>,
    /// Outputs.
    pub outputs: Vec<PublicOutput>,
    /// People sent by pairing and role.
    pub dispatches: Vec<PublicDispatchCount>,
    /// Indicators before and after.
    pub indicators: Vec<IndicatorChange>,
}

impl PublicFigures {
    /// Whether no confirmed fact is counted at all.
    pub fn is_empty(&self) -> bool {
        self.persons == 0
            && self.projects == 0
            && self.activities == 0
            && self.money_by_source.is_empty()
            && self.indicators.is_empty()
    }
}

impl PublicFacts {
    /// Whether there is no fact at all.
    pub fn is_empty(&self) -> bool {
        self.activities.is_empty()
            && self.projects.is_empty()
            && self.plans.is_empty()
            && self.transactions.is_empty()
            && self.outputs.is_empty()
            && self.dispatches.is_empty()
            && self.indicators.is_empty()
    }
}

/// A public program with its public pairings and figures (its facts, which at national scale run to millions, are
/// read only for its downloads: [`Store::public_program_facts`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicProgramView {
    /// The program.
    pub program: PublicProgram,
    /// Its public pairings.
    pub pairings: Vec<PublicPairing>,
    /// Figures over its public pairings.
    pub figures: PublicFigures,
}

/// A public pairing with its figures and facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicPairingView {
    /// The pairing.
    pub pairing: PublicPairing,
    /// Figures.
    pub figures: PublicFigures,
    /// The facts behind them.
    pub facts: PublicFacts,
}

fn text(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or("").to_string()
}
fn opt_text(v: &Value, k: &str) -> Option<String> {
    v[k].as_str().map(str::to_string)
}
fn money(v: &Value) -> Option<Money> {
    v.as_str().and_then(|s| s.parse().ok())
}
fn qty(v: &Value) -> Option<Qty> {
    serde_json::from_value(v.clone()).ok().filter(|_| !v.is_null())
}
fn id(v: &Value, k: &str) -> i64 {
    v[k].as_i64().unwrap_or(0)
}

impl Store {
    /// The published programs, in id order, each with its number of public pairings.
    pub async fn public_programs(&self) -> Result<Vec<PublicProgram>> {
        let q = ListQuery {
            filters: [("published".to_string(), "true".to_string())].into(),
            sort: Some("id".into()),
            ..Default::default()
        };
        let programs = self.list_every("programs", &q).await?;
        let mut out = Vec::with_capacity(programs.len());
        for p in programs {
            out.push(self.public_program_of(&p).await?);
        }
        Ok(out)
    }

    async fn public_program_of(&self, p: &Value) -> Result<PublicProgram> {
        let authority = match p["authority_org_id"].as_i64() {
            Some(org) => self
                .get("orgs", org)
                .await
                .map(|o| text(&o, "name"))
                .unwrap_or_default(),
            None => String::new(),
        };
        let public_pairings = self
            .db()
            .fetch_opt(
                "SELECT COUNT(*) FROM pairings WHERE program_id = $1 AND NOT withheld",
                &[Arg::Int(p["id"].as_i64())],
                &[crate::db::Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        Ok(PublicProgram {
            id: id(p, "id"),
            name: text(p, "name"),
            authority,
            start_date: opt_text(p, "start_date"),
            end_date: opt_text(p, "end_date"),
            public_pairings,
        })
    }

    /// The program when it is published, else `None` (unknown and unpublished alike).
    async fn published_program(&self, program: i64) -> Result<Option<Value>> {
        match self.get("programs", program).await {
            Ok(p) if p["published"] == Value::Bool(true) => Ok(Some(p)),
            Ok(_) | Err(crate::StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A published program with its public pairings, figures and confirmed facts; `None` when it is not public.
    pub async fn public_program(&self, program: i64) -> Result<Option<PublicProgramView>> {
        let Some(p) = self.published_program(program).await? else {
            return Ok(None);
        };
        self.program_view(&p).await.map(Some)
    }

    /// A program's public page as it would be if it were published (the coordinator's preview).
    pub async fn public_program_preview(&self, program: i64) -> Result<PublicProgramView> {
        let p = self.get("programs", program).await?;
        self.program_view(&p).await
    }

    /// The confirmed facts of a published program's public pairings (for its downloads); `None` when not public.
    pub async fn public_program_facts(&self, program: i64) -> Result<Option<(PublicProgramView, PublicFacts)>> {
        let Some(p) = self.published_program(program).await? else {
            return Ok(None);
        };
        let view = self.program_view(&p).await?;
        let (_, facts) = self.public_figures(&view.pairings).await?;
        Ok(Some((view, facts)))
    }

    async fn program_view(&self, p: &Value) -> Result<PublicProgramView> {
        let program = self.public_program_of(p).await?;
        let pairings = self.public_pairings_of(&program).await?;
        let figures = self.program_figures(program.id, &pairings).await?;
        Ok(PublicProgramView {
            program,
            pairings,
            figures,
        })
    }

    /// A program's public pairings (those not withheld), in id order: the one read the program's page, its figures
    /// and its downloads all start from.
    async fn public_pairings_of(&self, program: &PublicProgram) -> Result<Vec<PublicPairing>> {
        let pairings = self
            .all_where_in_and("pairings", "program_id", &[program.id], "NOT withheld", &[])
            .await?;
        let mut public = Vec::with_capacity(pairings.len());
        for pr in &pairings {
            public.push(self.public_pairing_of(pr, &program.name).await?);
        }
        Ok(public)
    }

    /// Every published program's view (the portal's home: its table and its map), in id order.
    pub async fn public_program_views(&self) -> Result<Vec<PublicProgramView>> {
        let programs = self.public_programs().await?;
        let mut out = Vec::with_capacity(programs.len());
        for program in programs {
            let pairings = self.public_pairings_of(&program).await?;
            let figures = self.program_figures(program.id, &pairings).await?;
            out.push(PublicProgramView {
                program,
                pairings,
                figures,
            });
        }
        Ok(out)
    }

    /// A program's figures over the confirmed facts of its public pairings, counted by the database (a national
    /// program has millions): each figure as [`pairing_totals`] counts it over the same records (people once each,
    /// projects started and completed by their dates, money by kind and source) — the tests hold the two equal.
    async fn program_figures(&self, program: i64, pairings: &[PublicPairing]) -> Result<PublicFigures> {
        use crate::db::{Backend, Kind};
        let scope = "pairing_id IN (SELECT id FROM pairings WHERE program_id = $1 AND NOT withheld) \
                     AND confirmation = 'confirmed'";
        let arg = [Arg::Int(Some(program))];
        let (db, arg) = (self.db(), &arg);
        let one = |sql: String, kinds: Vec<Kind>| async move { db.fetch(&sql, arg, &kinds).await };
        let int = |v: &crate::db::Val| v.int().unwrap_or(0);
        let text = |v: &crate::db::Val| v.text().unwrap_or("").to_string();
        let fen = |v: &crate::db::Val| Money::from_fen(v.int().unwrap_or(0));

        let people = one(
            format!("SELECT CAST(COUNT(DISTINCT person_id) AS BIGINT) FROM dispatches WHERE {scope}"),
            vec![Kind::Int],
        )
        .await?;
        let by_role = one(
            format!(
                "SELECT role, CAST(COUNT(DISTINCT person_id) AS BIGINT) FROM dispatches WHERE {scope} GROUP BY role ORDER BY role"
            ),
            vec![Kind::Text, Kind::Int],
        )
        .await?;
        let projects = one(
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT), CAST(COUNT(started_on) AS BIGINT), CAST(COUNT(completed_on) AS BIGINT), \
                 CAST(COALESCE(SUM(total_investment), 0) AS BIGINT) FROM projects WHERE {scope}"
            ),
            vec![Kind::Int, Kind::Int, Kind::Int, Kind::Int],
        )
        .await?;
        let by_source = one(
            format!(
                "SELECT kind, source, CAST(SUM(amount) AS BIGINT) FROM transactions WHERE {scope} \
                 GROUP BY kind, source ORDER BY kind, source"
            ),
            vec![Kind::Text, Kind::Text, Kind::Int],
        )
        .await?;
        let year = match self.backend() {
            Backend::Sqlite => "CAST(substr(date, 1, 4) AS INTEGER)",
            Backend::Postgres => "CAST(EXTRACT(YEAR FROM date) AS BIGINT)",
        };
        let by_year = one(
            format!(
                "SELECT CAST(COALESCE({year}, 0) AS BIGINT) AS y, kind, source, CAST(SUM(amount) AS BIGINT) FROM transactions \
                 WHERE {scope} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
            ),
            vec![Kind::Int, Kind::Text, Kind::Text, Kind::Int],
        )
        .await?;
        let funds = one(
            format!("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM funds WHERE {scope}"),
            vec![Kind::Int],
        )
        .await?;
        let activities = one(
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN kind = 'training' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                 CAST(COALESCE(SUM(CASE WHEN kind = 'training' THEN person_times ELSE 0 END), 0) AS BIGINT) \
                 FROM activities WHERE {scope}"
            ),
            vec![Kind::Int, Kind::Int, Kind::Int],
        )
        .await?;
        let invested = one(
            format!(
                "SELECT pairing_id, CAST(COALESCE(SUM(total_investment), 0) AS BIGINT) FROM projects WHERE {scope} \
                 GROUP BY pairing_id ORDER BY pairing_id"
            ),
            vec![Kind::Int, Kind::Int],
        )
        .await?;
        let sent = one(
            format!(
                "SELECT pairing_id, CAST(COUNT(DISTINCT person_id) AS BIGINT) FROM dispatches WHERE {scope} \
                 GROUP BY pairing_id ORDER BY pairing_id"
            ),
            vec![Kind::Int, Kind::Int],
        )
        .await?;
        let mut by_pairing: BTreeMap<i64, PairingWeight> = BTreeMap::new();
        for r in &invested {
            by_pairing.entry(int(&r[0])).or_default().invested = fen(&r[1]);
        }
        for r in &sent {
            by_pairing.entry(int(&r[0])).or_default().persons = int(&r[1]);
        }
        let first = |rows: &Vec<Vec<crate::db::Val>>, i: usize| rows.first().map(|r| int(&r[i])).unwrap_or(0);
        // plans are few: their figures by the domain's one rule over the plans and the projects they hold
        let PlanFigures {
            total_investment,
            total_investment_known,
            total_investment_left_out,
            plans: plan_count,
            plan_projects,
            plan_aid,
        } = self
            .plan_figures(
                &pairings.iter().map(|p| p.id).collect::<Vec<_>>(),
                Money::from_fen(first(&projects, 3)),
            )
            .await?;
        Ok(PublicFigures {
            persons: first(&people, 0),
            persons_by_role: by_role
                .iter()
                .map(|r| PublicDispatchCount {
                    pairing_id: 0,
                    role: text(&r[0]),
                    persons: int(&r[1]),
                })
                .collect(),
            projects: first(&projects, 0),
            projects_started: first(&projects, 1),
            projects_completed: first(&projects, 2),
            total_investment,
            total_investment_known,
            total_investment_left_out,
            funds: Money::from_fen(first(&funds, 0)),
            plans: plan_count,
            plan_projects,
            plan_aid,
            money_by_source: by_source
                .iter()
                .map(|r| MoneyLine {
                    year: 0,
                    kind: text(&r[0]),
                    source: text(&r[1]),
                    amount: fen(&r[2]),
                })
                .collect(),
            money_by_year: by_year
                .iter()
                .map(|r| MoneyLine {
                    year: int(&r[0]),
                    kind: text(&r[1]),
                    source: text(&r[2]),
                    amount: fen(&r[3]),
                })
                .collect(),
            activities: first(&activities, 0),
            trainings: first(&activities, 1),
            training_person_times: first(&activities, 2),
            indicators: self.indicator_changes(pairings).await?,
            by_pairing,
        })
    }

    /// The figures plans make of a scope's projects: the total investment (`all_projects`, the sum over every
    /// confirmed project, with each plan's projects replaced by the plan), its known part and the plans left out of
    /// it, the plans that stand, the projects and the aid they state.
    async fn plan_figures(&self, pairings: &[i64], all_projects: Money) -> Result<PlanFigures> {
        let confirmed = [Arg::Text(Some("confirmed".into()))];
        let plans = self
            .all_where_in_and(
                "project_groups",
                "pairing_id",
                pairings,
                "confirmation = $1",
                &confirmed,
            )
            .await?;
        if plans.is_empty() {
            return Ok(PlanFigures {
                total_investment: Some(all_projects),
                total_investment_known: all_projects,
                total_investment_left_out: Vec::new(),
                plans: 0,
                plan_projects: None,
                plan_aid: None,
            });
        }
        let gids: Vec<i64> = plans.iter().map(|g| id(g, "id")).collect();
        let members = self
            .all_where_in_and("projects", "group_id", &gids, "confirmation = $1", &confirmed)
            .await?;
        let member_ids: Vec<i64> = members.iter().map(|p| id(p, "id")).collect();
        let funding = self
            .all_where_in_and(
                "project_funding",
                "project_id",
                &member_ids,
                "confirmation = $1",
                &confirmed,
            )
            .await?;
        let p = duikou_domain::plans::Plans::new(&plans, &plans, &members, &funding);
        // every project filed under a confirmed plan is held by a plan that stands (over the whole record, each
        // confirmed plan is in the span)
        let held = members
            .iter()
            .map(|m| money(&m["total_investment"]).unwrap_or_default())
            .fold(Money::default(), Money::saturating_add);
        let own = Money::from_fen(all_projects.fen().saturating_sub(held.fen()));
        let known = p.known("total_investment");
        let total_investment_known = own.saturating_add(Money::from_fen(known.total.value()));
        Ok(PlanFigures {
            total_investment: known.left_out.is_empty().then_some(total_investment_known),
            total_investment_known,
            total_investment_left_out: known.left_out_names(),
            plans: p.top.len() as i64,
            plan_projects: p.top_total("project_count").map(|t| t.value()),
            plan_aid: p.top_total("aid_amount").map(|t| Money::from_fen(t.value())),
        })
    }

    async fn public_pairing_of(&self, pr: &Value, program: &str) -> Result<PublicPairing> {
        let org = |org: Option<i64>| async move {
            match org {
                Some(o) => self
                    .get("orgs", o)
                    .await
                    .map(|o| (text(&o, "name"), opt_text(&o, "region_code"))),
                None => Ok((String::new(), None)),
            }
        };
        let (supporter, supporter_region) = org(pr["supporter_org_id"].as_i64()).await?;
        let (receiver, receiver_region) = org(pr["receiver_org_id"].as_i64()).await?;
        Ok(PublicPairing {
            id: id(pr, "id"),
            program_id: id(pr, "program_id"),
            program: program.to_string(),
            supporter,
            receiver,
            supporter_region,
            receiver_region,
            level: text(pr, "level"),
            start_date: opt_text(pr, "start_date"),
            end_date: opt_text(pr, "end_date"),
        })
    }

    /// A public pairing with its figures and confirmed facts; `None` when it is not public.
    pub async fn public_pairing(&self, pairing: i64) -> Result<Option<PublicPairingView>> {
        let pr = match self.get("pairings", pairing).await {
            Ok(p) => p,
            Err(crate::StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        if pr["withheld"] == Value::Bool(true) {
            return Ok(None);
        }
        let Some(p) = self.published_program(id(&pr, "program_id")).await? else {
            return Ok(None);
        };
        self.pairing_view(&pr, &p).await.map(Some)
    }

    /// A pairing's public page as it would be if it (and its program) were public (the coordinator's preview).
    pub async fn public_pairing_preview(&self, pairing: i64) -> Result<PublicPairingView> {
        let pr = self.get("pairings", pairing).await?;
        let p = self.get("programs", id(&pr, "program_id")).await?;
        self.pairing_view(&pr, &p).await
    }

    async fn pairing_view(&self, pr: &Value, p: &Value) -> Result<PublicPairingView> {
        let pairing = self.public_pairing_of(pr, &text(p, "name")).await?;
        let (figures, facts) = self.public_figures(std::slice::from_ref(&pairing)).await?;
        Ok(PublicPairingView {
            pairing,
            figures,
            facts,
        })
    }

    /// The figures and confirmed facts of some public pairings: one read per entity, then [`pairing_totals`] over
    /// the confirmed records of them all (people are never read: the counts come from the dispatches).
    async fn public_figures(&self, pairings: &[PublicPairing]) -> Result<(PublicFigures, PublicFacts)> {
        let ids: Vec<i64> = pairings.iter().map(|p| p.id).collect();
        let confirmed = |entity: &'static str| {
            let ids = ids.clone();
            async move {
                self.all_where_in_and(
                    entity,
                    "pairing_id",
                    &ids,
                    "confirmation = $1",
                    &[Arg::Text(Some("confirmed".into()))],
                )
                .await
            }
        };
        let projects = confirmed("projects").await?;
        let funding = confirmed("project_funding").await?;
        let transactions: Vec<Transaction> = self
            .transactions_of(&ids.iter().copied().map(PairingId).collect::<Vec<_>>(), None)
            .await?
            .into_iter()
            .filter(|t| t.confirmation == Confirmation::Confirmed)
            .collect();
        let funds = confirmed("funds").await?;
        let plans = confirmed("project_groups").await?;
        let outputs = confirmed("outputs").await?;
        let dispatches = confirmed("dispatches").await?;
        let activities = confirmed("activities").await?;
        let totals = pairing_totals(&Bundle {
            agreements: &[],
            needs: &[],
            plans: &plans,
            projects: &projects,
            funding: &funding,
            transactions: &transactions,
            funds: &funds,
            outputs: &outputs,
            dispatches: &dispatches,
            people: &[],
            activities: &activities,
            only_confirmed: true,
        });

        let project_names: BTreeMap<i64, String> = projects.iter().map(|p| (id(p, "id"), text(p, "name"))).collect();
        let project_of = |v: &Value| {
            project_names
                .get(&id(v, "project_id"))
                .cloned()
                .unwrap_or_else(|| "未确认的项目".into())
        };
        let mut facts = PublicFacts {
            activities: activities
                .iter()
                .map(|a| PublicActivity {
                    pairing_id: id(a, "pairing_id"),
                    kind: text(a, "kind"),
                    title: text(a, "title"),
                    audience: opt_text(a, "audience"),
                    start_date: opt_text(a, "start_date"),
                    end_date: opt_text(a, "end_date"),
                    person_times: a["person_times"].as_i64(),
                    sessions: a["sessions"].as_i64(),
                    courses: a["courses"].as_i64(),
                    hours: a["hours"].as_i64(),
                    items: a["items"].as_i64(),
                    amount: money(&a["amount"]),
                })
                .collect(),
            projects: projects
                .iter()
                .map(|p| PublicProject {
                    id: id(p, "id"),
                    pairing_id: id(p, "pairing_id"),
                    name: text(p, "name"),
                    category: text(p, "category"),
                    started_on: opt_text(p, "started_on"),
                    completed_on: opt_text(p, "completed_on"),
                    total_investment: money(&p["total_investment"]),
                })
                .collect(),
            transactions: transactions
                .iter()
                .map(|t| PublicTransaction {
                    pairing_id: t.pairing_id.map_or(0, |p| p.0),
                    project: project_names
                        .get(&t.project_id.0)
                        .cloned()
                        .unwrap_or_else(|| "未确认的项目".into()),
                    kind: t.kind.code().to_string(),
                    source: t.source.code().to_string(),
                    amount: t.amount,
                    date: Some(t.date.to_string()),
                })
                .collect(),
            plans: {
                let known: BTreeSet<i64> = plans.iter().map(|g| id(g, "id")).collect();
                plans
                    .iter()
                    .map(|g| PublicPlan {
                        pairing_id: id(g, "pairing_id"),
                        name: text(g, "name"),
                        start_on: opt_text(g, "start_on"),
                        end_on: opt_text(g, "end_on"),
                        project_count: g["project_count"].as_i64(),
                        aid_amount: money(&g["aid_amount"]),
                        total_investment: money(&g["total_investment"]),
                        within_larger: g["parent_id"].as_i64().is_some_and(|p| known.contains(&p)),
                    })
                    .collect()
            },
            outputs: outputs
                .iter()
                .map(|o| PublicOutput {
                    pairing_id: id(o, "pairing_id"),
                    project: project_of(o),
                    name: text(o, "name"),
                    unit: text(o, "unit"),
                    planned: qty(&o["planned"]),
                    started: qty(&o["started"]),
                    completed: qty(&o["completed"]),
                    as_of: opt_text(o, "as_of"),
                })
                .collect(),
            dispatches: Vec::new(),
            indicators: Vec::new(),
        };
        // people by pairing and role, each person once per pairing and role
        let mut sent: BTreeMap<(i64, String), BTreeSet<i64>> = BTreeMap::new();
        for d in &dispatches {
            sent.entry((id(d, "pairing_id"), text(d, "role")))
                .or_default()
                .insert(id(d, "person_id"));
        }
        facts.dispatches = sent
            .into_iter()
            .map(|((pairing_id, role), people)| PublicDispatchCount {
                pairing_id,
                role,
                persons: people.len() as i64,
            })
            .collect();
        facts.indicators = self.indicator_changes(pairings).await?;

        let t = &totals;
        let int = |v: &Value| v.as_i64().unwrap_or(0);
        let mut money_by_source = Vec::new();
        if let Some(kinds) = t["projects"]["transactions"].as_object() {
            for (kind, sources) in kinds {
                for (source, amount) in sources.as_object().into_iter().flatten() {
                    money_by_source.push(MoneyLine {
                        year: 0,
                        kind: kind.clone(),
                        source: source.clone(),
                        amount: money(amount).unwrap_or_default(),
                    });
                }
            }
        }
        let mut by_year: BTreeMap<(i64, String, String), Money> = BTreeMap::new();
        for tx in &facts.transactions {
            let year = tx
                .date
                .as_deref()
                .and_then(|d| d.get(..4))
                .and_then(|y| y.parse().ok())
                .unwrap_or(0);
            let e = by_year.entry((year, tx.kind.clone(), tx.source.clone())).or_default();
            *e = e.saturating_add(tx.amount);
        }
        let mut by_pairing: BTreeMap<i64, PairingWeight> = BTreeMap::new();
        for p in &facts.projects {
            let w = by_pairing.entry(p.pairing_id).or_default();
            w.invested = w.invested.saturating_add(p.total_investment.unwrap_or_default());
        }
        let mut people: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        for d in &dispatches {
            people
                .entry(id(d, "pairing_id"))
                .or_default()
                .insert(id(d, "person_id"));
        }
        for (pairing, p) in people {
            by_pairing.entry(pairing).or_default().persons = p.len() as i64;
        }
        let training = &t["activities"]["by_kind"]["training"];
        let figures = PublicFigures {
            persons: int(&t["people"]["persons"]),
            persons_by_role: t["people"]["by_role"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(role, n)| PublicDispatchCount {
                    pairing_id: 0,
                    role: role.clone(),
                    persons: int(n),
                })
                .collect(),
            projects: int(&t["projects"]["count"]),
            projects_started: int(&t["projects"]["started"]),
            projects_completed: int(&t["projects"]["completed"]),
            total_investment: money(&t["projects"]["total_investment"]),
            total_investment_known: money(&t["projects"]["total_investment_known"]).unwrap_or_default(),
            total_investment_left_out: t["projects"]["total_investment_left_out"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect(),
            funds: money(&t["funds"]["amount"]).unwrap_or_default(),
            plans: int(&t["projects"]["plans"]["count"]),
            plan_projects: t["projects"]["plans"]["project_count"]
                .as_i64()
                .filter(|_| int(&t["projects"]["plans"]["count"]) > 0),
            plan_aid: money(&t["projects"]["plans"]["aid_amount"])
                .filter(|_| int(&t["projects"]["plans"]["count"]) > 0),
            money_by_source,
            money_by_year: by_year
                .into_iter()
                .map(|((year, kind, source), amount)| MoneyLine {
                    year,
                    kind,
                    source,
                    amount,
                })
                .collect(),
            activities: int(&t["activities"]["count"]),
            trainings: int(&training["count"]),
            training_person_times: int(&training["person_times"]),
            indicators: facts.indicators.clone(),
            by_pairing,
        };
        Ok((figures, facts))
    }

    /// Each receiver's indicators with an earliest and a later value (values kept for the receiving org or its
    /// region), earliest first; the aid told as an indicator (`aid_…`, counted from the record itself) is left out,
    /// as the summaries leave it out.
    async fn indicator_changes(&self, pairings: &[PublicPairing]) -> Result<Vec<IndicatorChange>> {
        let mut receivers: BTreeMap<i64, (String, Option<String>)> = BTreeMap::new();
        for p in pairings {
            let pr = self.get("pairings", p.id).await?;
            let org_id = id(&pr, "receiver_org_id");
            if let std::collections::btree_map::Entry::Vacant(e) = receivers.entry(org_id) {
                let org = self.get("orgs", org_id).await?;
                e.insert((text(&org, "name"), opt_text(&org, "region_code")));
            }
        }
        let mut out = Vec::new();
        let mut names: BTreeMap<i64, (String, String, String)> = BTreeMap::new();
        for (org_id, (receiver, region)) in &receivers {
            let mut values = self.all_where_in("indicator_values", "org_id", &[*org_id]).await?;
            if let Some(code) = region {
                values.extend(
                    self.all_where_in_args(
                        "indicator_values",
                        "region_code",
                        &[Arg::Text(Some(code.clone()))],
                        "",
                        &[],
                    )
                    .await?,
                );
            }
            let mut by_indicator: BTreeMap<i64, Vec<&Value>> = BTreeMap::new();
            for v in &values {
                by_indicator.entry(id(v, "indicator_id")).or_default().push(v);
            }
            for (indicator, mut vs) in by_indicator {
                if let std::collections::btree_map::Entry::Vacant(e) = names.entry(indicator) {
                    let i = self.get("indicators", indicator).await?;
                    e.insert((text(&i, "code"), text(&i, "name"), text(&i, "unit")));
                }
                let (code, name, unit) = &names[&indicator];
                if code.starts_with("aid_") {
                    continue;
                }
                vs.sort_by_key(|a| text(a, "period"));
                let (Some(first), Some(last)) = (vs.first(), vs.last()) else {
                    continue;
                };
                if text(first, "period") == text(last, "period") {
                    continue;
                }
                out.push(IndicatorChange {
                    receiver: receiver.clone(),
                    indicator: name.clone(),
                    unit: unit.clone(),
                    baseline_period: text(first, "period"),
                    baseline: qty(&first["value"]).unwrap_or_default(),
                    latest_period: text(last, "period"),
                    latest: qty(&last["value"]).unwrap_or_default(),
                });
            }
        }
        Ok(out)
    }

    /// The last audit event after `after` and up to `upto` that could change what is public, if any: any event on a
    /// program or a pairing (a publication or withdrawal, `published` or `withheld` changed however it was written,
    /// a pairing moved to another program, one created, loaded or deleted). A fact's event never is one: facts only
    /// change figures. Events are numbered in commit order (each write holds the audit head), so every event up to a
    /// head read is already here. The portal reads only the events since it last asked (see its kept answers).
    pub async fn publication_event_between(&self, after: i64, upto: i64) -> Result<Option<i64>> {
        Ok(self
            .db()
            .fetch_opt(
                "SELECT MAX(seq) FROM audit_events WHERE seq > $1 AND seq <= $2 AND entity IN ('programs', 'pairings')",
                &[Arg::Int(Some(after)), Arg::Int(Some(upto))],
                &[crate::db::Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int()))
    }

    /// Publishes (`public`) or withdraws a program, or withholds or shows a pairing of a published program, as
    /// `actor` (who must be allowed to change it): one audit event whose action is `publish` or `withdraw`.
    pub async fn set_public(
        &self,
        actor: &duikou_domain::access::Actor,
        entity: &str,
        id: i64,
        public: bool,
    ) -> Result<Value> {
        let patch = match entity {
            "programs" => serde_json::json!({ "published": public }),
            "pairings" => serde_json::json!({ "withheld": !public }),
            other => return Err(crate::StoreError::UnknownEntity(other.to_string())),
        };
        let action = if public { "publish" } else { "withdraw" };
        let mut w = crate::audit::WriteTx::begin(self, actor).await?;
        let out = Self::update_in_as(&mut w, entity, id, &patch, action).await?;
        w.commit().await?;
        Ok(out)
    }
}

/// One public pairing as the map draws it, weighted by `figures` (its program's or its own).
pub fn map_pairing(program: &str, p: &PublicPairing, figures: &PublicFigures) -> duikou_report::MapPairing {
    let w = figures.by_pairing.get(&p.id).copied().unwrap_or_default();
    duikou_report::MapPairing {
        program: program.to_string(),
        from: duikou_report::MapEnd {
            name: p.supporter.clone(),
            region_code: p.supporter_region.clone(),
        },
        to: duikou_report::MapEnd {
            name: p.receiver.clone(),
            region_code: p.receiver_region.clone(),
        },
        money_fen: w.invested.fen(),
        persons: w.persons,
    }
}

/// The public pairings of some programs as the map draws them: each from its supporter's region to its receiver's,
/// as wide as its confirmed projects' total investment (or people sent).
pub fn map_pairings<'a>(views: impl IntoIterator<Item = &'a PublicProgramView>) -> Vec<duikou_report::MapPairing> {
    let mut out = Vec::new();
    for v in views {
        for p in &v.pairings {
            out.push(map_pairing(&v.program.name, p, &v.figures));
        }
    }
    out
}

/// The Chinese label of a value of an entity's enum field (the value itself when it has none).
pub fn label(entity: &str, field: &str, value: &str) -> String {
    schema::value_label(entity, field, value)
}
