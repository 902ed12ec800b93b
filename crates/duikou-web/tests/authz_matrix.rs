//! The authorization matrix: every entity of the schema × every role × a record in the user's own scope and in
//! another's × every verb (create, read, update, move into the own scope, delete, confirm, upload, link), the answer
//! expected from the role rules stated once below and compared with what the HTTP API answers, on SQLite and
//! PostgreSQL. One database per backend, requests in-process through the router.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use duikou_domain::access::Role;
use duikou_domain::schema::{self, EntityDef, Owner};
use duikou_store::db::Arg;
use duikou_store::testing::{create_id, user, TestStore, PASSWORD};
use duikou_store::Store;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::fmt::Write as _;
use tower::ServiceExt;

/// The users of the matrix, one per role and scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Admin,
    /// A coordinator scoped to the own authority (and every org below it).
    CoordScoped,
    /// A coordinator with no org scope: every program.
    CoordAll,
    /// An editor of the own pairing's supporting org.
    Supporter,
    /// An editor of the own pairing's receiving org.
    Receiver,
    Viewer,
}

const WHO: [Who; 6] = [
    Who::Admin,
    Who::CoordScoped,
    Who::CoordAll,
    Who::Supporter,
    Who::Receiver,
    Who::Viewer,
];

/// Where a record is: in the scope of the matrix's scoped users, or in another authority's and pairing's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Own,
    Other,
}

/// Kinds of owner, as the rules state them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Reference data of no org's scope (regions, indicator definitions).
    Reference,
    /// Orgs, in the scope of whoever's orgs they sit under (creating an org under a parent, changing, re-parenting,
    /// deleting one).
    Tree,
    /// A program and what hangs off it.
    Program,
    /// Facts the supporting side records.
    Supporter,
    /// Facts the receiving side records.
    Receiver,
    /// Records of a pairing either side keeps (work notes).
    PairingShared,
    /// Records naming an org (indicator values of an org) or a region (of an org in scope, or below it).
    OrgShared,
    /// Documents of a pairing.
    Document,
    /// People with a home org.
    Person,
    /// People without a home org.
    PersonNoHome,
    /// Writing what the server generates.
    SystemWrite,
    /// Deleting (unlocking) what the server generated.
    SystemDelete,
    /// Confirming or disputing a fact.
    Confirm,
}

const BOTH: (bool, bool) = (true, true);
const OWN: (bool, bool) = (true, false);
const NONE: (bool, bool) = (false, false);

/// The role rules: per kind of owner, for each user in [`WHO`] order, whether it may write (in its own scope, in
/// another's). A link between a document and a record may be written by whoever may write both ends.
const RULES: &[(Kind, [(bool, bool); 6])] = &[
    //                    admin coord(scoped) coord(all) supporter receiver viewer
    (Kind::Reference, [BOTH, NONE, BOTH, NONE, NONE, NONE]),
    (Kind::Tree, [BOTH, OWN, BOTH, NONE, NONE, NONE]),
    (Kind::Program, [BOTH, OWN, BOTH, NONE, NONE, NONE]),
    (Kind::Supporter, [BOTH, OWN, BOTH, OWN, NONE, NONE]),
    (Kind::Receiver, [BOTH, OWN, BOTH, NONE, OWN, NONE]),
    (Kind::PairingShared, [BOTH, OWN, BOTH, OWN, OWN, NONE]),
    (Kind::OrgShared, [BOTH, OWN, BOTH, OWN, OWN, NONE]),
    (Kind::Document, [BOTH, OWN, BOTH, OWN, OWN, NONE]),
    (Kind::Person, [BOTH, OWN, BOTH, OWN, OWN, NONE]),
    (Kind::PersonNoHome, [BOTH, NONE, BOTH, NONE, NONE, NONE]),
    (Kind::SystemWrite, [NONE, NONE, NONE, NONE, NONE, NONE]),
    (Kind::SystemDelete, [BOTH, NONE, NONE, NONE, NONE, NONE]),
    (Kind::Confirm, [BOTH, NONE, NONE, NONE, OWN, NONE]),
];

/// May `who` write a record of `kind` in `scope`, by the rules?
fn may(kind: Kind, who: Who, scope: Scope) -> bool {
    let row = RULES.iter().find(|(k, _)| *k == kind).expect("every kind has a rule").1;
    let (own, other) = row[WHO.iter().position(|w| *w == who).expect("a user of the matrix")];
    match scope {
        Scope::Own => own,
        Scope::Other => other,
    }
}

/// The kind of owner of an entity's records, read from the schema; `variant` names records of the entity that the
/// rules treat apart (a program's document, a person without a home org).
fn kind_of(def: &EntityDef, variant: Option<&str>) -> Kind {
    match (def.owner, variant) {
        // a document of no pairing is its program's
        (Owner::Document, Some("program")) => Kind::Program,
        (Owner::Person, Some("no_home")) => Kind::PersonNoHome,
        (Owner::Reference, _) => Kind::Reference,
        (Owner::Org, _) => Kind::Tree,
        (Owner::Program, _) => Kind::Program,
        (Owner::Supporter, _) => Kind::Supporter,
        (Owner::Receiver, _) => Kind::Receiver,
        (Owner::Shared, _) if def.has_pairing() => Kind::PairingShared,
        (Owner::Shared, _) => Kind::OrgShared,
        (Owner::Document, _) => Kind::Document,
        (Owner::Person, _) => Kind::Person,
        (Owner::System, _) => Kind::SystemWrite,
        (Owner::Link, _) => unreachable!("links are judged by their ends"),
    }
}

struct Client {
    app: Router,
    token: String,
}

impl Client {
    async fn send(&self, method: Method, uri: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("a request");
        let resp = self.app.clone().oneshot(req).await.expect("an answer");
        let status = resp.status();
        let bytes = resp.into_body().collect().await.expect("a body").to_bytes();
        let v =
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, v)
    }
    async fn json(&self, method: Method, uri: &str, body: &Value) -> (StatusCode, Value) {
        let bytes = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        self.send(method, uri, "application/json", bytes).await
    }
}

async fn token(app: &Router, name: &str) -> String {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/token")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"username": name, "password": PASSWORD}).to_string()))
        .expect("a request");
    let resp = app.clone().oneshot(req).await.expect("an answer");
    let bytes = resp.into_body().collect().await.expect("a body").to_bytes();
    let v: Value = serde_json::from_slice(&bytes).expect("json");
    v["token"]
        .as_str()
        .unwrap_or_else(|| panic!("token for {name}: {v}"))
        .to_string()
}

const RULE: &str = r#"{"subject": {"type": "pairing"}, "window": {"type": "year"},
    "measure": {"type": "count", "records": {"entity": "activities"}},
    "comparison": "at_least", "target": {"type": "fixed", "value": 1}, "label": "活动", "unit": "次"}"#;

/// Two worlds of records: the own (authority, program, pairing of the scoped users) and another.
struct World {
    store: Store,
    authority: [i64; 2],
    /// An org below each authority.
    below: [i64; 2],
    supporter: [i64; 2],
    receiver: [i64; 2],
    program: [i64; 2],
    pairing: [i64; 2],
    document: [i64; 2],
    project: [i64; 2],
    /// A county below the authority's prefecture, where each pairing's schools are.
    county: [String; 2],
    n: i64,
}

fn ix(s: Scope) -> usize {
    match s {
        Scope::Own => 0,
        Scope::Other => 1,
    }
}

impl World {
    async fn new(store: &Store) -> World {
        let mut w = World {
            store: store.clone(),
            authority: [0; 2],
            below: [0; 2],
            supporter: [0; 2],
            receiver: [0; 2],
            program: [0; 2],
            pairing: [0; 2],
            document: [0; 2],
            project: [0; 2],
            county: [String::new(), String::new()],
            n: 0,
        };
        for (i, side) in ["本方", "他方"].into_iter().enumerate() {
            let prefecture = format!("97{}100", i + 1);
            w.county[i] = format!("97{}101", i + 1);
            create_id(
                store,
                "regions",
                json!({"code": prefecture, "name": format!("{side}地区"), "level": "prefecture"}),
            )
            .await;
            create_id(
                store,
                "regions",
                json!({"code": w.county[i], "name": format!("{side}县"), "level": "county", "parent_code": prefecture}),
            )
            .await;
            w.authority[i] = create_id(
                store,
                "orgs",
                json!({"name": format!("{side}指挥部"), "kind": "command", "region_code": prefecture}),
            )
            .await;
            w.below[i] = create_id(
                store,
                "orgs",
                json!({"name": format!("{side}指挥部办公室"), "kind": "agency", "parent_id": w.authority[i]}),
            )
            .await;
            w.supporter[i] = create_id(
                store,
                "orgs",
                json!({"name": format!("{side}支援学校"), "kind": "school", "region_code": w.county[i]}),
            )
            .await;
            w.receiver[i] = create_id(
                store,
                "orgs",
                json!({"name": format!("{side}受援学校"), "kind": "school", "region_code": w.county[i]}),
            )
            .await;
            w.program[i] = create_id(
                store,
                "programs",
                json!({"name": format!("{side}计划"), "authority_org_id": w.authority[i], "start_date": "2014-01-01"}),
            )
            .await;
            w.pairing[i] = create_id(
                store,
                "pairings",
                json!({"program_id": w.program[i], "supporter_org_id": w.supporter[i],
                       "receiver_org_id": w.receiver[i], "level": "school_school"}),
            )
            .await;
            w.document[i] = create_id(
                store,
                "documents",
                json!({"kind": "summary", "title": format!("{side}总结"), "pairing_id": w.pairing[i]}),
            )
            .await;
            // a text to read figures from
            store
                .put_document_content(
                    &duikou_domain::access::Actor::system(),
                    w.document[i],
                    "text/plain; charset=utf-8",
                    "本学期开展教师培训3次。".as_bytes(),
                )
                .await
                .expect("a document's text");
            w.project[i] = create_id(
                store,
                "projects",
                json!({"pairing_id": w.pairing[i], "name": format!("{side}项目"), "category": "education"}),
            )
            .await;
        }
        w
    }

    fn next(&mut self) -> i64 {
        self.n += 1;
        self.n
    }

    /// The org a record naming one is of: in the user's own scope, or in nobody's of the matrix.
    fn org_of(&self, who: Who, s: Scope) -> i64 {
        match (s, who) {
            (Scope::Other, _) => self.supporter[1],
            (Scope::Own, Who::Supporter) => self.supporter[0],
            (Scope::Own, Who::Receiver) => self.receiver[0],
            (Scope::Own, _) => self.below[0],
        }
    }

    async fn sys(&mut self, entity: &str, v: Value) -> i64 {
        create_id(&self.store, entity, v).await
    }

    async fn dispatch(&mut self, s: Scope) -> i64 {
        let n = self.next();
        let person = self.sys("people", json!({"name": format!("教师{n}")})).await;
        let pairing = self.pairing[ix(s)];
        self.sys(
            "dispatches",
            json!({"pairing_id": pairing, "person_id": person, "role": "teacher"}),
        )
        .await
    }

    async fn activity(&mut self, s: Scope) -> i64 {
        let n = self.next();
        let pairing = self.pairing[ix(s)];
        self.sys(
            "activities",
            json!({"pairing_id": pairing, "kind": "training", "title": format!("培训{n}"), "start_date": "2015-03-01"}),
        )
        .await
    }

    /// A new, valid record of `entity` (`variant`) in scope `s` as `who` would send it, making what it refers to.
    async fn body(&mut self, entity: &str, variant: Option<&str>, who: Who, s: Scope) -> Value {
        let n = self.next();
        let i = ix(s);
        let pairing = self.pairing[i];
        match (entity, variant) {
            ("regions", _) => json!({"code": format!("99{n:04}"), "name": format!("测试县{n}"), "level": "county"}),
            ("orgs", _) => json!({"name": format!("单位{n}"), "kind": "school", "parent_id": self.below[i]}),
            ("programs", _) => json!({"name": format!("计划{n}"), "authority_org_id": self.authority[i]}),
            ("pairings", _) => {
                let supporter = self
                    .sys("orgs", json!({"name": format!("支援单位{n}"), "kind": "school"}))
                    .await;
                json!({"program_id": self.program[i], "supporter_org_id": supporter,
                       "receiver_org_id": self.receiver[i], "level": "school_school"})
            }
            ("documents", Some("program")) => {
                json!({"kind": "plan", "title": format!("计划文件{n}"), "program_id": self.program[i]})
            }
            ("documents", _) => json!({"kind": "briefing", "title": format!("简报{n}"), "pairing_id": pairing}),
            ("agreements", _) => json!({"pairing_id": pairing, "kind": "agreement", "title": format!("协议{n}")}),
            ("obligations", _) => json!({"program_id": self.program[i], "title": format!("任务{n}"),
                                         "rule": serde_json::from_str::<Value>(RULE).expect("rule")}),
            ("needs", _) => json!({"pairing_id": pairing, "title": format!("需求{n}")}),
            ("projects", _) => json!({"pairing_id": pairing, "name": format!("项目{n}"), "category": "education"}),
            ("project_funding", _) => {
                let project = self
                    .sys(
                        "projects",
                        json!({"pairing_id": pairing, "name": format!("资金项目{n}"), "category": "housing"}),
                    )
                    .await;
                json!({"project_id": project, "source": "supporter", "amount": "100.00"})
            }
            // each its own amount, so no two are the same transaction
            ("transactions", _) => json!({"project_id": self.project[i], "kind": "commitment", "source": "supporter",
                                          "amount": format!("{n}.00"), "date": "2015-03-01"}),
            ("funds", _) => json!({"pairing_id": pairing, "purpose": "research", "title": format!("课题{n}"),
                                   "source": "supporter", "amount": "20万", "date": "2015-03"}),
            ("outputs", _) => {
                json!({"project_id": self.project[i], "name": format!("产出{n}"), "unit": "所", "as_of": "2015-03-01"})
            }
            ("people", Some("no_home")) => json!({"name": format!("无单位人员{n}")}),
            ("people", _) => json!({"name": format!("人员{n}"), "home_org_id": self.org_of(who, s)}),
            ("dispatches", _) => {
                let person = self.sys("people", json!({"name": format!("干部{n}")})).await;
                json!({"pairing_id": pairing, "person_id": person, "role": "cadre"})
            }
            ("stints", _) => {
                let dispatch = self.dispatch(s).await;
                json!({"dispatch_id": dispatch, "start_date": "2015-03-01", "end_date": "2015-06-30"})
            }
            ("appraisals", _) => {
                let dispatch = self.dispatch(s).await;
                json!({"dispatch_id": dispatch, "year": 2015, "grade": "excellent"})
            }
            ("activities", _) => json!({"pairing_id": pairing, "kind": "meeting", "title": format!("会议{n}"),
                                        "start_date": "2015-04-01"}),
            ("indicators", _) => json!({"code": format!("T{n}"), "name": format!("指标{n}"), "unit": "人"}),
            ("indicator_values", _) => {
                let indicator = self
                    .sys(
                        "indicators",
                        json!({"code": format!("V{n}"), "name": format!("值指标{n}"), "unit": "人"}),
                    )
                    .await;
                match variant {
                    // a region's: the county of the pairing's schools, below the authority's prefecture
                    Some("region") => {
                        json!({"indicator_id": indicator, "region_code": self.county[i], "period": "2015", "value": "1"})
                    }
                    _ => {
                        json!({"indicator_id": indicator, "org_id": self.org_of(who, s), "period": "2015", "value": "1"})
                    }
                }
            }
            ("document_links", _) => {
                let activity = self.activity(s).await;
                json!({"document_id": self.document[i], "entity": "activities", "entity_id": activity})
            }
            ("notes", _) => json!({"pairing_id": pairing, "kind": "problem", "text": format!("问题{n}")}),
            ("project_groups", _) => json!({"pairing_id": pairing, "name": format!("计划{n}"), "start_on": "2015"}),
            ("project_group_shares", _) => {
                let plan = self
                    .sys(
                        "project_groups",
                        json!({"pairing_id": pairing, "name": format!("分类计划{n}"), "start_on": "2015"}),
                    )
                    .await;
                json!({"group_id": plan, "category": "housing", "aid_amount": "100万"})
            }
            ("activity_counts", _) => {
                let activity = self.activity(s).await;
                json!({"activity_id": activity, "what": "学员", "value": 30, "unit": "人"})
            }
            ("activity_items", _) => {
                let activity = self.activity(s).await;
                json!({"activity_id": activity, "category": "books", "quantity": 100, "unit": "册"})
            }
            ("supervisions", _) => {
                let obligation = self
                    .sys(
                        "obligations",
                        json!({"program_id": self.program[i], "title": format!("督办任务{n}"),
                               "rule": serde_json::from_str::<Value>(RULE).expect("rule")}),
                    )
                    .await;
                json!({"pairing_id": pairing, "obligation_id": obligation, "period": "2015", "note": "请整改"})
            }
            ("unit_tasks", _) => json!({"authority_org_id": self.authority[i], "org_id": self.below[i],
                                        "year": 2015, "title": format!("年度任务{n}")}),
            // a progress note is the responsible unit's: a task held by the user's own org, or by another's
            ("unit_task_notes", _) => {
                let task = self
                    .sys(
                        "unit_tasks",
                        json!({"authority_org_id": self.authority[i], "org_id": self.org_of(who, s),
                               "year": 2015, "title": format!("进展任务{n}")}),
                    )
                    .await;
                json!({"task_id": task, "text": format!("进展{n}")})
            }
            // what the server generates takes nothing from a caller
            ("extractions" | "assessments" | "period_locks", _) => json!({}),
            (other, _) => panic!("the matrix has no record for {other}: add one"),
        }
    }

    /// A new record of `entity` in scope `s`, stored as the system (what the server generates, written directly).
    async fn record(&mut self, entity: &str, variant: Option<&str>, who: Who, s: Scope) -> i64 {
        let i = ix(s);
        let stamp = "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'";
        let (sql, args) = match entity {
            "extractions" => (
                format!(
                    "INSERT INTO extractions (version, created_at, updated_at, document_id, pairing_id, quote, start) \
                     VALUES (1, {stamp}, $1, $2, '培训 3 次', 0) RETURNING id"
                ),
                vec![Arg::Int(Some(self.document[i])), Arg::Int(Some(self.pairing[i]))],
            ),
            "assessments" => (
                format!(
                    "INSERT INTO assessments (version, created_at, updated_at, program_id, pairing_id, period, as_of) \
                     VALUES (1, {stamp}, $1, $2, '2015', '2016-01-01') RETURNING id"
                ),
                vec![Arg::Int(Some(self.program[i])), Arg::Int(Some(self.pairing[i]))],
            ),
            // a lock long before every dated record of the matrix, so it locks nothing the matrix writes
            "period_locks" => (
                format!(
                    "INSERT INTO period_locks (version, created_at, updated_at, pairing_id, start_date, end_date) \
                     VALUES (1, {stamp}, $1, '1901-01-01', '1901-12-31') RETURNING id"
                ),
                vec![Arg::Int(Some(self.pairing[i]))],
            ),
            _ => {
                let body = self.body(entity, variant, who, s).await;
                return self.sys(entity, body).await;
            }
        };
        let row = self
            .store
            .db()
            .fetch_opt(&sql, &args, &[duikou_store::db::Kind::Int])
            .await
            .unwrap_or_else(|e| panic!("{entity}: {e}"))
            .expect("a row");
        row[0].int().expect("an id")
    }
}

/// The statuses of an allowed answer and of a refusal.
fn expected(allowed: bool, ok: StatusCode) -> StatusCode {
    if allowed {
        ok
    } else {
        StatusCode::FORBIDDEN
    }
}

/// What the matrix asked and what it found.
#[derive(Default)]
struct Tally {
    asked: usize,
    wrong: String,
}

impl Tally {
    fn check(&mut self, what: String, want: StatusCode, got: (StatusCode, Value)) {
        self.asked += 1;
        let (status, body) = got;
        if status != want {
            let _ = writeln!(self.wrong, "{what}: expected {want}, got {status}: {body}");
        } else if status == StatusCode::FORBIDDEN {
            // a refusal says why, in Chinese
            let msg = body["error"]["message"].as_str().unwrap_or("");
            if !msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                let _ = writeln!(self.wrong, "{what}: refused without a Chinese message: {body}");
            }
        }
    }
}

async fn matrix(store: Store, backend: &'static str) {
    let mut w = World::new(&store).await;
    let scope = |who: Who| match who {
        Who::CoordScoped => vec![w.authority[0]],
        Who::Supporter => vec![w.supporter[0]],
        Who::Receiver => vec![w.receiver[0]],
        _ => vec![],
    };
    let roles = [
        (Who::Admin, "m_admin", Role::Admin),
        (Who::CoordScoped, "m_coord", Role::Coordinator),
        (Who::CoordAll, "m_coord_all", Role::Coordinator),
        (Who::Supporter, "m_supporter", Role::SupporterEditor),
        (Who::Receiver, "m_receiver", Role::ReceiverEditor),
        (Who::Viewer, "m_viewer", Role::Viewer),
    ];
    let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
    let mut clients = Vec::new();
    for (who, name, role) in roles {
        user(&store, name, role, scope(who)).await;
        clients.push((
            who,
            Client {
                app: app.clone(),
                token: token(&app, name).await,
            },
        ));
    }
    let mut cases: Vec<(&'static EntityDef, Option<&str>)> = schema::ENTITIES.iter().map(|d| (d, None)).collect();
    let documents = schema::entity("documents").expect("documents");
    let people = schema::entity("people").expect("people");
    let values = schema::entity("indicator_values").expect("indicator_values");
    cases.push((documents, Some("program")));
    cases.push((people, Some("no_home")));
    cases.push((values, Some("region")));
    let mut t = Tally::default();
    for (def, variant) in cases {
        if def.owner == Owner::Link {
            continue; // links are asked below, each end in each scope
        }
        let e = def.name;
        let kind = kind_of(def, variant);
        let system = kind == Kind::SystemWrite;
        let label = format!("{e}{}", variant.map(|v| format!("({v})")).unwrap_or_default());
        for (who, c) in &clients {
            let who = *who;
            for s in [Scope::Own, Scope::Other] {
                let at = |verb: &str| format!("{backend} {label} {who:?} {s:?} {verb}");
                // create
                let body = w.body(e, variant, who, s).await;
                let (uri, allowed) = match (e, kind) {
                    // an assessment is opened through its own route, by the program's coordinators
                    ("assessments", _) => ("/api/v1/assessments".to_string(), may(Kind::Program, who, s)),
                    ("orgs", _) => (format!("/api/v1/{e}"), may(Kind::Tree, who, s)),
                    (_, k) => (format!("/api/v1/{e}"), may(k, who, s)),
                };
                let body = if e == "assessments" {
                    json!({"program_id": w.program[ix(s)], "pairing_id": w.pairing[ix(s)], "period": "2015"})
                } else {
                    body
                };
                let got = c.json(Method::POST, &uri, &body).await;
                // what the system makes is not offered for writing at all: the API does not list the method (405)
                let want = if system && e != "assessments" {
                    StatusCode::METHOD_NOT_ALLOWED
                } else {
                    expected(allowed, StatusCode::CREATED)
                };
                t.check(at("create"), want, got);
                // read: every signed-in user reads every record
                let id = w.record(e, variant, who, s).await;
                let got = c.json(Method::GET, &format!("/api/v1/{e}/{id}"), &Value::Null).await;
                t.check(at("read"), StatusCode::OK, got);
                // update in place (a new valid record's fields, in the same scope)
                let patch = if system {
                    json!({})
                } else {
                    w.body(e, variant, who, s).await
                };
                let got = c.json(Method::PATCH, &format!("/api/v1/{e}/{id}"), &patch).await;
                let want = if system {
                    StatusCode::METHOD_NOT_ALLOWED
                } else {
                    expected(may(kind, who, s), StatusCode::OK)
                };
                t.check(at("update"), want, got);
                // move into the own scope: allowed only to who may write it both where it was and where it goes
                if s == Scope::Other && !system {
                    let id = w.record(e, variant, who, Scope::Other).await;
                    let patch = w.body(e, variant, who, Scope::Own).await;
                    let k = if e == "orgs" { Kind::Tree } else { kind };
                    let allowed = may(k, who, Scope::Own) && may(k, who, Scope::Other);
                    let got = c.json(Method::PATCH, &format!("/api/v1/{e}/{id}"), &patch).await;
                    t.check(at("move in"), expected(allowed, StatusCode::OK), got);
                }
                // delete
                let id = w.record(e, variant, who, s).await;
                let k = if system { Kind::SystemDelete } else { kind };
                let got = c.json(Method::DELETE, &format!("/api/v1/{e}/{id}"), &Value::Null).await;
                t.check(at("delete"), expected(may(k, who, s), StatusCode::NO_CONTENT), got);
                // confirm and dispute, where the other side does
                if def.confirmable {
                    for (action, reason) in [("confirm", Value::Null), ("dispute", json!({"reason": "数字不符"}))] {
                        let id = w.record(e, variant, who, s).await;
                        let got = c
                            .json(Method::POST, &format!("/api/v1/{e}/{id}/{action}"), &reason)
                            .await;
                        t.check(at(action), expected(may(Kind::Confirm, who, s), StatusCode::OK), got);
                    }
                }
                // the actions a record of some entities has besides the generic verbs
                match e {
                    // obligations from a template, written for the program by its coordinators
                    "programs" => {
                        let id = w.record(e, variant, who, s).await;
                        let got = c
                            .json(
                                Method::POST,
                                &format!("/api/v1/programs/{id}/apply_template"),
                                &json!({"template": "livelihood_share"}),
                            )
                            .await;
                        t.check(
                            at("apply template"),
                            expected(may(Kind::Program, who, s), StatusCode::OK),
                            got,
                        );
                    }
                    // an assessment's draft, changed and signed by the program's coordinators (a draft of no results
                    // locks nothing when signed, so the matrix's later writes stay open)
                    "assessments" => {
                        for (action, body) in [
                            ("recompute", Value::Null),
                            ("comment", json!({"comments": "请补充佐证材料"})),
                            ("sign", Value::Null),
                        ] {
                            let id = w.record(e, variant, who, s).await;
                            let got = c
                                .json(Method::POST, &format!("/api/v1/assessments/{id}/{action}"), &body)
                                .await;
                            t.check(at(action), expected(may(Kind::Program, who, s), StatusCode::OK), got);
                        }
                    }
                    // a figure read from a document, reviewed by whoever keeps the pairing's shared records
                    "extractions" => {
                        let doc = w.document[ix(s)];
                        let got = c
                            .json(
                                Method::POST,
                                &format!("/api/v1/documents/{doc}/extract"),
                                &json!({"pairing_id": w.pairing[ix(s)], "period": "2015"}),
                            )
                            .await;
                        t.check(
                            at("extract"),
                            expected(may(Kind::PairingShared, who, s), StatusCode::OK),
                            got,
                        );
                        let id = w.record(e, variant, who, s).await;
                        let got = c
                            .json(Method::POST, &format!("/api/v1/extractions/{id}/drop"), &Value::Null)
                            .await;
                        let allowed = may(Kind::PairingShared, who, s);
                        t.check(at("drop"), expected(allowed, StatusCode::OK), got);
                        // accepting also writes the record the figure proposes: a supporting side's activity
                        let id = w.record(e, variant, who, s).await;
                        let draft = json!({"target": "activities",
                                           "draft": {"kind": "training", "title": "据文档培训", "start_date": "2015-05-01"}});
                        let got = c
                            .json(Method::POST, &format!("/api/v1/extractions/{id}/accept"), &draft)
                            .await;
                        let allowed = allowed && may(Kind::Supporter, who, s);
                        t.check(at("accept"), expected(allowed, StatusCode::OK), got);
                    }
                    _ => {}
                }
                // a document's file
                if e == "documents" {
                    let id = w.record(e, variant, who, s).await;
                    let got = c
                        .send(
                            Method::PUT,
                            &format!("/api/v1/documents/{id}/content"),
                            "text/plain; charset=utf-8",
                            "工作简报".as_bytes().to_vec(),
                        )
                        .await;
                    t.check(at("upload"), expected(may(kind, who, s), StatusCode::OK), got);
                }
            }
        }
    }
    // links: every kind of record a document may be linked to, the document and the record each in either scope
    let links = schema::entity("document_links").expect("document_links");
    let targets: Vec<&str> = match links.field("entity").map(|f| f.kind) {
        Some(schema::FieldKind::Enum(options)) => options.iter().map(|(v, _)| *v).collect(),
        _ => panic!("document_links.entity is an enum"),
    };
    for target in targets {
        let tdef = schema::entity(target).expect("a linkable entity");
        for (who, c) in &clients {
            let who = *who;
            for doc_s in [Scope::Own, Scope::Other] {
                for rec_s in [Scope::Own, Scope::Other] {
                    let at = |verb: &str| {
                        format!("{backend} document_links {who:?} document {doc_s:?} {target} {rec_s:?} {verb}")
                    };
                    let allowed = may(Kind::Document, who, doc_s) && may(kind_of(tdef, None), who, rec_s);
                    let link_to =
                        |doc: i64, record: i64| json!({"document_id": doc, "entity": target, "entity_id": record});
                    let doc = w.document[ix(doc_s)];
                    let record = w.record(target, None, who, rec_s).await;
                    let got = c
                        .json(Method::POST, "/api/v1/document_links", &link_to(doc, record))
                        .await;
                    t.check(at("create"), expected(allowed, StatusCode::CREATED), got);
                    // a link already made: may this user read it, move it onto its own record, undo it?
                    let record = w.record(target, None, who, rec_s).await;
                    let link = w.sys("document_links", link_to(doc, record)).await;
                    let got = c
                        .json(Method::GET, &format!("/api/v1/document_links/{link}"), &Value::Null)
                        .await;
                    t.check(at("read"), StatusCode::OK, got);
                    let own_record = w.record(target, None, who, Scope::Own).await;
                    let moved =
                        allowed && may(Kind::Document, who, Scope::Own) && may(kind_of(tdef, None), who, Scope::Own);
                    let got = c
                        .json(
                            Method::PATCH,
                            &format!("/api/v1/document_links/{link}"),
                            &link_to(w.document[0], own_record),
                        )
                        .await;
                    t.check(at("move in"), expected(moved, StatusCode::OK), got);
                    let record = w.record(target, None, who, rec_s).await;
                    let link = w.sys("document_links", link_to(doc, record)).await;
                    let got = c
                        .json(Method::DELETE, &format!("/api/v1/document_links/{link}"), &Value::Null)
                        .await;
                    t.check(at("delete"), expected(allowed, StatusCode::NO_CONTENT), got);
                }
            }
        }
    }
    imports(&mut w, &clients, &mut t, backend).await;
    users(&clients, &mut t, backend).await;
    eprintln!("{backend}: {} requests asked", t.asked);
    assert!(
        t.wrong.is_empty(),
        "{backend}: answers that break the role rules:\n{}",
        t.wrong
    );
    // every entity of the schema was asked about: a new entity needs a record in the matrix
    assert!(
        t.asked > schema::ENTITIES.len() * WHO.len() * 2 * 4,
        "{backend}: {} requests",
        t.asked
    );
}

#[tokio::test]
async fn every_write_endpoint_answers_as_the_role_rules_say() {
    for t in TestStore::all().await.expect("test stores") {
        matrix(t.store.clone(), t.backend).await;
        t.finish().await.expect("cleanup");
    }
}

/// The rows of `entity` stored.
async fn count(store: &Store, entity: &str) -> i64 {
    store
        .db()
        .fetch_opt(
            &format!("SELECT COUNT(*) FROM {entity}"),
            &[],
            &[duikou_store::db::Kind::Int],
        )
        .await
        .expect("a count")
        .and_then(|r| r[0].int())
        .expect("a number")
}

/// Records as a CSV sheet headed by their field names.
fn csv_of(rows: &[Value]) -> Vec<u8> {
    let mut headers: Vec<String> = Vec::new();
    for r in rows {
        for k in r.as_object().expect("a record").keys() {
            if !headers.contains(k) {
                headers.push(k.clone());
            }
        }
    }
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => format!("\"{}\"", s.replace('"', "\"\"")),
        other => other.to_string(),
    };
    let mut out = headers.join(",");
    for r in rows {
        out.push('\n');
        let cells: Vec<String> = headers.iter().map(|h| cell(&r[h.as_str()])).collect();
        out.push_str(&cells.join(","));
    }
    out.push('\n');
    out.into_bytes()
}

/// Imports (`POST /api/v1/imports/{entity}`): a sheet of rows in the own scope, in another's, and both mixed. Allowed
/// only when every row is; a refused sheet names every refused row and writes nothing.
async fn imports(w: &mut World, clients: &[(Who, Client)], t: &mut Tally, backend: &str) {
    for e in duikou_store::import::IMPORTABLE {
        let def = schema::entity(e).expect("an importable entity");
        let kind = kind_of(def, None);
        for (who, c) in clients {
            let who = *who;
            for sheet in [
                [Scope::Own, Scope::Own],
                [Scope::Other, Scope::Other],
                [Scope::Own, Scope::Other],
            ] {
                let what = format!("{backend} import {e} {who:?} {sheet:?}");
                let mut rows = Vec::new();
                for s in sheet {
                    rows.push(w.body(e, None, who, s).await);
                }
                let before = count(&w.store, e).await;
                let (status, report) = c
                    .send(
                        Method::POST,
                        &format!("/api/v1/imports/{e}?file_name=sheet.csv"),
                        "text/csv",
                        csv_of(&rows),
                    )
                    .await;
                t.asked += 1;
                let written = count(&w.store, e).await - before;
                let refused_rows: Vec<u64> = report["problems"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p["row"].as_u64())
                    .collect();
                // sheet row 1 is the header
                let want_refused: Vec<u64> = sheet
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| !may(kind, who, **s))
                    .map(|(i, _)| i as u64 + 2)
                    .collect();
                if status != StatusCode::OK {
                    let _ = writeln!(t.wrong, "{what}: expected 200 with a report, got {status}: {report}");
                } else if want_refused.is_empty() && (!refused_rows.is_empty() || written != rows.len() as i64) {
                    let _ = writeln!(
                        t.wrong,
                        "{what}: expected all {} rows written, {written} were: {report}",
                        rows.len()
                    );
                } else if !want_refused.is_empty() && (written != 0 || refused_rows != want_refused) {
                    let _ = writeln!(
                        t.wrong,
                        "{what}: expected rows {want_refused:?} refused and nothing written; rows {refused_rows:?} \
                         refused, {written} written: {report}"
                    );
                }
            }
        }
    }
}

/// User management (`/api/v1/users…`): admins only.
async fn users(clients: &[(Who, Client)], t: &mut Tally, backend: &str) {
    let admin = &clients.iter().find(|(w, _)| *w == Who::Admin).expect("an admin").1;
    for (i, (who, c)) in clients.iter().enumerate() {
        let at = |verb: &str| format!("{backend} users {who:?} {verb}");
        let allowed = *who == Who::Admin;
        let got = c.json(Method::GET, "/api/v1/users", &Value::Null).await;
        t.check(at("list"), expected(allowed, StatusCode::OK), got);
        let new = json!({"username": format!("m_new_{i}"), "password": "Matrix-pass-2024", "role": "viewer"});
        let got = c.json(Method::POST, "/api/v1/users", &new).await;
        t.check(at("create"), expected(allowed, StatusCode::CREATED), got);
        // someone else's account, made by the admin
        let (_, made) = admin
            .json(
                Method::POST,
                "/api/v1/users",
                &json!({"username": format!("m_other_{i}"), "password": "Matrix-pass-2024", "role": "viewer"}),
            )
            .await;
        let id = made["id"].as_i64().unwrap_or_else(|| panic!("a user: {made}"));
        for action in ["deactivate", "activate"] {
            let got = c
                .json(Method::POST, &format!("/api/v1/users/{id}/{action}"), &Value::Null)
                .await;
            t.check(at(action), expected(allowed, StatusCode::OK), got);
        }
    }
}
