//! The examples of issue 17, replayed through the JSON API on SQLite and on PostgreSQL: a work summary counts a fact
//! in a period by its own date and only then, counts a plan and its projects once, counts money when it moved and never
//! again when a project finishes, never counts a disputed fact but names it, and states a pending one apart. Each
//! figure is read from the report's own list of figures (`format=json`), the one computation the text is written from.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use duikou_domain::access::Role;
use duikou_store::testing::{for_each_backend, user};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Client {
    app: Router,
    token: String,
}

impl Client {
    async fn send(&self, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.map(|b| Body::from(b.to_string())).unwrap_or_else(Body::empty))
            .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// Creates a record and answers its id; anything but 201 fails the test with the answer.
    async fn create(&self, entity: &str, body: Value) -> i64 {
        let (s, v) = self.send(Method::POST, &format!("/api/v1/{entity}"), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{entity}: {v}");
        v["id"].as_i64().unwrap()
    }

    async fn act(&self, entity: &str, id: i64, action: &str, body: Value) {
        let (s, v) = self
            .send(Method::POST, &format!("/api/v1/{entity}/{id}/{action}"), Some(body))
            .await;
        assert_eq!(s, StatusCode::OK, "{entity} {id} {action}: {v}");
    }

    /// The summary of the pairing for a period: its text (paragraphs joined) and its figures by key.
    async fn summary(&self, pairing: i64, period: &str, pending: &str) -> Summary {
        let uri = format!("/api/v1/report?scope=pairing:{pairing}&period={period}&pending={pending}&format=json");
        let (s, v) = self.send(Method::GET, &uri, None).await;
        assert_eq!(s, StatusCode::OK, "{period}: {v}");
        let mut text = String::new();
        collect_text(&v["document"], &mut text);
        let figures = v["figures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["key"].as_str().unwrap().to_string(),
                    f["value"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        Summary { text, figures }
    }
}

/// Every string inside the document, in order: the text a reader reads.
fn collect_text(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Array(a) => a.iter().for_each(|x| collect_text(x, out)),
        Value::Object(m) => m.values().for_each(|x| collect_text(x, out)),
        _ => {}
    }
}

struct Summary {
    text: String,
    figures: Vec<(String, String)>,
}

impl Summary {
    fn figure(&self, key: &str) -> Option<&str> {
        self.figures.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Every figure's key and value, for a failing assertion's message.
    fn all(&self) -> String {
        self.figures
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[tokio::test]
async fn the_examples_of_the_summary_issue_give_the_right_figures() {
    for_each_backend(|store, backend| async move {
        user(&store, "admin", Role::Admin, vec![]).await;
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        let anon = Client {
            app: app.clone(),
            token: String::new(),
        };
        let (s, v) = anon
            .send(
                Method::POST,
                "/api/v1/auth/token",
                Some(json!({"username": "admin", "password": "password-123"})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let c = Client {
            app,
            token: v["token"].as_str().unwrap().to_string(),
        };

        let hunan = c.create("orgs", json!({"name": "湖南省", "kind": "government"})).await;
        let turpan = c
            .create("orgs", json!({"name": "吐鲁番市", "kind": "government", "region_code": "650400"}))
            .await;
        let program = c
            .create("programs", json!({"name": "对口援疆", "authority_org_id": hunan, "start_date": "2010-01-01"}))
            .await;
        let pairing = c
            .create(
                "pairings",
                json!({"program_id": program, "supporter_org_id": hunan, "receiver_org_id": turpan,
                       "level": "province_prefecture", "start_date": "2010-01-01"}),
            )
            .await;

        // 1. a cadre sent in 2011 and one whose dispatch carries no date
        let jia = c.create("people", json!({"name": "甲"})).await;
        let yi = c.create("people", json!({"name": "乙"})).await;
        let dated = c
            .create("dispatches", json!({"pairing_id": pairing, "person_id": jia, "role": "cadre", "start_date": "2011-02"}))
            .await;
        let undated = c
            .create("dispatches", json!({"pairing_id": pairing, "person_id": yi, "role": "cadre"}))
            .await;

        // 2. a yearly plan of two projects, stating its own aid, and the projects' own money
        let plan = c
            .create(
                "project_groups",
                json!({"pairing_id": pairing, "name": "2011年度援疆项目", "start_on": "2011", "project_count": 2,
                       "aid_amount": "3000万"}),
            )
            .await;
        // 3. a school planned and paid in 2011, finished in 2012
        let school = c
            .create(
                "projects",
                json!({"pairing_id": pairing, "name": "实验中学", "category": "education", "group_id": plan,
                       "approved_on": "2011-03-01", "started_on": "2011-04-01", "completed_on": "2012-06-30",
                       "total_investment": "1000万"}),
            )
            .await;
        let school_aid = c
            .create("project_funding", json!({"project_id": school, "source": "supporter", "amount": "1000万"}))
            .await;
        let school_paid = c
            .create(
                "transactions",
                json!({"project_id": school, "kind": "disbursement", "source": "supporter", "amount": "1000万",
                       "date": "2011-05-01"}),
            )
            .await;
        let hospital = c
            .create(
                "projects",
                json!({"pairing_id": pairing, "name": "人民医院", "category": "health", "group_id": plan,
                       "approved_on": "2011-04-01", "total_investment": "2500万"}),
            )
            .await;
        let hospital_aid = c
            .create("project_funding", json!({"project_id": hospital, "source": "supporter", "amount": "2000万"}))
            .await;
        // 4. the receiver disputes the local share; a 2012 payment still awaits its confirmation
        let local = c
            .create("project_funding", json!({"project_id": hospital, "source": "local", "amount": "500万"}))
            .await;
        let pending = c
            .create(
                "transactions",
                json!({"project_id": hospital, "kind": "disbursement", "source": "supporter", "amount": "800万",
                       "date": "2012-03-01"}),
            )
            .await;
        for (entity, id) in [
            ("dispatches", dated),
            ("dispatches", undated),
            ("project_groups", plan),
            ("projects", school),
            ("project_funding", school_aid),
            ("transactions", school_paid),
            ("projects", hospital),
            ("project_funding", hospital_aid),
        ] {
            c.act(entity, id, "confirm", json!({})).await;
        }
        c.act("project_funding", local, "dispute", json!({"reason": "地方配套未落实"}))
            .await;

        let y2011 = c.summary(pairing, "2011", "separate").await;
        let y2012 = c.summary(pairing, "2012", "separate").await;
        let y2026 = c.summary(pairing, "2026", "separate").await;
        let both = c.summary(pairing, "2011-01-01..2012-12-31", "separate").await;
        let why = |s: &Summary| format!("{backend}: {}\n{}", s.all(), s.text);

        // 1. the undated cadre counts in no year, and is said to be apart; 2026 sends nobody
        assert_eq!(y2011.figure("people.total"), Some("1名"), "{}", why(&y2011));
        assert_eq!(y2011.figure("apart.undated"), Some("1条"), "{}", why(&y2011));
        assert!(y2011.text.contains("未注明日期，未计入本期"), "{}", why(&y2011));
        assert_eq!(y2026.figure("people.total"), None, "{}", why(&y2026));
        assert!(!y2026.text.contains("选派"), "{}", why(&y2026));
        assert_eq!(y2026.figure("apart.undated"), Some("1条"), "{}", why(&y2026));

        // 2. the plan and its projects count once: the projects' own aid (1000万 + 2000万) and the plan's stated
        // 3000万 are one sum of money, never 6000万; the plan counts as its two projects
        assert_eq!(y2011.figure("money.supporter"), Some("3000万元"), "{}", why(&y2011));
        assert_eq!(y2011.figure("money.total_investment"), Some("3500万元"), "{}", why(&y2011));
        assert_eq!(y2011.figure("projects.new"), Some("2个"), "{}", why(&y2011));
        assert_eq!(y2011.figure("plans.1.aid_amount"), Some("3000万元"), "{}", why(&y2011));
        assert!(!y2011.text.contains("6000万"), "{}", why(&y2011));

        // 3. money counts when it moved: the school's 1000万 paid in 2011 is not told again when it is finished in 2012
        assert_eq!(y2011.figure("money.disbursed"), Some("1000万元"), "{}", why(&y2011));
        assert_eq!(y2012.figure("projects.completed"), Some("1个"), "{}", why(&y2012));
        for key in ["money.supporter", "money.total_investment", "money.disbursed"] {
            assert_eq!(y2012.figure(key), None, "{key} {}", why(&y2012));
            // the two years together are the two years added (2012 adds nothing confirmed)
            assert_eq!(both.figure(key), y2011.figure(key), "{key} {}", why(&both));
        }
        assert_eq!(both.figure("people.total"), Some("1名"), "{}", why(&both));

        // 4. the disputed local share is in no figure and is named in 存在问题 with its money and reason; the pending
        // payment is stated apart, and counts only when asked
        assert!(
            y2011
                .text
                .contains("受援方对项目“人民医院”的地方配套（500万元）提出异议，未计入本总结的任何数字；异议理由：地方配套未落实。"),
            "{}",
            why(&y2011)
        );
        assert!(!y2011.figures.iter().any(|(_, v)| v == "500万元"), "{}", why(&y2011));
        assert_eq!(y2012.figure("pending.transactions.amount"), Some("800万元"), "{}", why(&y2012));
        assert!(y2012.text.contains("经受援方确认前未计入以上数字"), "{}", why(&y2012));
        let with_pending = c.summary(pairing, "2012", "include").await;
        assert_eq!(with_pending.figure("money.disbursed"), Some("800万元"), "{}", why(&with_pending));
        let without = c.summary(pairing, "2012", "omit").await;
        assert!(!without.text.contains("800万"), "{}", why(&without));
        c.act("transactions", pending, "confirm", json!({})).await;
        let confirmed = c.summary(pairing, "2012", "separate").await;
        assert_eq!(confirmed.figure("money.disbursed"), Some("800万元"), "{}", why(&confirmed));
        assert_eq!(confirmed.figure("pending.transactions"), None, "{}", why(&confirmed));
    })
    .await;
}
