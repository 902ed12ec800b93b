//! The server-rendered, Chinese-first web pages, one file per page or area: login, the home pages and the dashboard,
//! record lists and pages, a pairing's page, the receiver's confirmation inbox, a unit's pairings, 督办 lists, forms,
//! accounts … This file holds what they share: the logged-in user of a page or form, the menu ([`Ui`]), rendering and
//! the refusal page. Forms carry a CSRF token; every page and action is checked by the same store permissions as the
//! API.

pub mod accounts;
pub mod assessment;
mod cards;
mod dashboard;
pub mod extraction;
pub mod forms;
pub mod home;
pub mod import;
mod inbox;
pub mod kept;
mod labels;
mod login;
mod mine;
mod names;
pub mod obligation_form;
mod pairing;
pub mod program;
pub mod publication;
pub mod receiver;
mod records;
pub(crate) mod summary_page;
pub(crate) mod summary_periods;
mod supervision;
pub mod tasks;

use crate::auth::session_cookie;
use crate::AppState;
use askama::Template;
use axum::http::{request::Parts, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
pub use dashboard::dashboard;
use duikou_domain::access::{self, Actor, Role};
pub use home::home;
pub use inbox::{confirm_all, decide, inbox};
pub use labels::{Labels, ZH};
pub use login::{login, login_form, logout};
pub use mine::{mine, reply_supervision};
pub use pairing::pairing;
pub use records::{list, record, ListView, LISTS_KEPT};
use serde::Deserialize;
pub use supervision::{supervise, supervision};

/// What every page knows: the language, the user, the CSRF token for its forms.
pub struct Ui {
    /// The words.
    pub l: &'static Labels,
    /// "name（role）", when logged in.
    pub who: Option<String>,
    /// The token forms echo.
    pub csrf: String,
    /// Whether to offer write actions (they are still checked by the server).
    pub can_write: bool,
    /// Whether to offer the receiver's pages (appraisals of the people sent, local indicators).
    pub receiver: bool,
    /// Whether to offer the program pages and their 督办 lists (coordinators, admins and viewers).
    pub overseer: bool,
    /// Whether to offer "my pairings" (editors and admins).
    pub mine: bool,
    /// Whether to offer the confirmation inbox (receiver editors and admins).
    pub inbox: bool,
    /// Whether to offer the users' administration (those [`access::may_manage_users`] admits).
    pub users: bool,
    /// How many facts wait for this user's confirmation, shown beside the inbox link (receiving editors; 0 for
    /// everyone else or when nothing waits).
    pub inbox_count: i64,
}

tokio::task_local! {
    /// The count of facts awaiting the requesting user's confirmation, read once by [`page_user`] and shown by every
    /// page's menu (see [`with_inbox_count`]).
    static INBOX_COUNT: std::cell::Cell<i64>;
}

/// How many facts await each receiving scope's confirmation, kept while the audit head stays: every write moves it
/// (on any server sharing the database), so a kept count is never older than the last write, and a page's menu costs
/// nothing beyond the head its sign-in reads instead of a count over every confirmable table.
pub struct InboxCounts(duikou_store::kept::HeadKept<Vec<i64>, i64>);

impl Default for InboxCounts {
    fn default() -> Self {
        // scopes kept at most per head
        InboxCounts(duikou_store::kept::HeadKept::new(1024))
    }
}

impl InboxCounts {
    /// The facts of the pairings `scope` receives that wait for confirmation, for a reader who read the audit head
    /// `head` with its sign-in.
    pub async fn count(&self, store: &duikou_store::Store, scope: &std::collections::BTreeSet<i64>, head: i64) -> i64 {
        let key: Vec<i64> = scope.iter().copied().collect();
        if let Some(n) = self.0.get(head, &key) {
            return *n;
        }
        // read after `head` was: it holds every write up to `head` (maybe later ones, which only makes it fresher)
        let n = store
            .confirmation_count(duikou_store::worklist::Side::Receiving, scope, "pending")
            .await
            .map_err(|e| tracing::error!(error = %e, "inbox count"))
            .unwrap_or(0);
        *self.0.put(head, key, n)
    }
}

/// Gives each request a place for its user's inbox count, so the menu of any page can show it without each page
/// reading it.
pub async fn with_inbox_count(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    INBOX_COUNT.scope(std::cell::Cell::new(0), next.run(req)).await
}

fn ui(who: Option<&Actor>, csrf: String) -> Ui {
    Ui {
        l: &ZH,
        who: who.map(|a| format!("{}（{}）", a.username, a.role.label())),
        csrf,
        can_write: who.is_some_and(|a| a.role != Role::Viewer),
        // each link is offered exactly when the page's own check would serve it
        receiver: who.is_some_and(|a| access::receiving_orgs(a).is_ok()),
        overseer: who.is_some_and(|a| program::may_oversee(a).is_ok()),
        mine: who.is_some_and(|a| access::may_list_own_pairings(a).is_ok()),
        inbox: who.is_some_and(|a| access::may_use_inbox(a).is_ok()),
        users: who.is_some_and(|a| access::may_manage_users(a).is_ok()),
        inbox_count: if who.is_some_and(|a| a.role == Role::ReceiverEditor) {
            INBOX_COUNT.try_with(std::cell::Cell::get).unwrap_or(0)
        } else {
            0
        },
    }
}

fn render(t: impl Template) -> Response {
    match t.render() {
        // tables become cards on a phone: each cell carries its column's header
        Ok(html) => Html(cards::label_cells(&html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "refused.html")]
struct RefusedPage {
    ui: Ui,
    title: String,
    message: String,
}

/// A page the user may not see: 403 and why, as a page with the navigation (not the API's JSON).
fn refused(actor: &Actor, csrf: String, message: String) -> Response {
    let l = &ZH;
    let mut resp = render(RefusedPage {
        ui: ui(Some(actor), csrf),
        title: l.refused.into(),
        message,
    });
    *resp.status_mut() = StatusCode::FORBIDDEN;
    resp
}

/// The logged-in user of a page, or a redirect to the login page.
async fn page_user(state: &AppState, parts: &Parts) -> Result<(Actor, String), Response> {
    page_user_seen(state, parts).await.map(|(actor, csrf, _)| (actor, csrf))
}

/// As [`page_user`], with the audit head read in the same statement: what the page may take from what is kept at
/// that head ([`duikou_store::kept::HeadKept`]).
async fn page_user_seen(state: &AppState, parts: &Parts) -> Result<(Actor, String, i64), Response> {
    let next = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let login = Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response();
    let Some(sid) = session_cookie(parts) else {
        return Err(login);
    };
    match state.store.session_seen(&sid).await {
        Ok(Some(s)) => {
            if s.0.role == Role::ReceiverEditor {
                let n = state.inbox_counts.count(&state.store, &s.0.scope, s.2).await;
                let _ = INBOX_COUNT.try_with(|c| c.set(n));
            }
            Ok(s)
        }
        _ => Err(login),
    }
}

/// The logged-in user of a form's POST, whose CSRF token (`sent`) must be the session's: else a redirect to the
/// login page, or 403 for a missing or wrong token.
async fn posting_user(state: &AppState, parts: &Parts, sent: Option<&str>) -> Result<(Actor, String), Response> {
    let (actor, csrf) = page_user(state, parts).await?;
    if sent != Some(csrf.as_str()) {
        return Err((StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response());
    }
    Ok((actor, csrf))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_./".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// A form with only the CSRF token (and maybe a reason).
#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    #[serde(default)]
    reason: Option<String>,
}
