//! duikou's HTTP layer: the JSON API under `/api/v1`, its OpenAPI document, `/healthz`, and the overview page.

pub mod auth;
pub mod error;
pub mod extract;
pub mod methods;
pub mod openapi;
pub mod pages;
pub mod portal;
pub mod routes;
pub mod ui;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use duikou_store::Store;
use routes::{admin, auth as auth_routes, documents, files, pick, records};

/// What every handler shares: the store, settings and kept views. Nothing else lives in the process but caches checked
/// against the database on every read, so servers can be many.
#[derive(Clone)]
pub struct AppState {
    /// The storage.
    pub store: Store,
    /// How long a browser session lasts.
    pub session_hours: i64,
    /// Served over HTTPS: the session cookie is marked `Secure` and `Strict-Transport-Security` is sent.
    pub secure_cookies: bool,
    /// Pages drawn from kept dashboards, kept while their dashboard is (a cache checked on every view).
    pub views: std::sync::Arc<ui::kept::Views>,
    /// The public overview, kept while the audit head stays (checked on every read).
    pub overview: std::sync::Arc<pages::OverviewKept>,
    /// The public portal's pages, downloads and JSON: kept, served at once after an ordinary write while one rebuild
    /// makes the new one, made afresh for the next reader after a publication change (checked on every read).
    pub portal: std::sync::Arc<portal::PortalKept>,
    /// The public API's limit per client address.
    pub public_limit: std::sync::Arc<portal::RateLimit>,
    /// The demo accounts (username, who it is), when the server was started with the demo record: the login page
    /// names them so a newcomer knows whom to log in as. Empty on a real deployment.
    pub demo_accounts: std::sync::Arc<[(&'static str, &'static str)]>,
    /// The portal's public address (`public_url` in the configuration), when known: the IATI file links each
    /// activity to its public page and facts there.
    pub public_url: Option<std::sync::Arc<str>>,
    /// The menu's count of what awaits a receiving editor's confirmation, kept while the audit head stays.
    pub inbox_counts: std::sync::Arc<ui::InboxCounts>,
    /// Record lists as shown (by entity and address), kept while the audit head stays: the same for every reader.
    pub lists: std::sync::Arc<duikou_store::kept::HeadKept<(String, String), ui::ListView>>,
}

impl AppState {
    /// State with default settings.
    pub fn new(store: Store) -> Self {
        AppState {
            store,
            session_hours: 12,
            secure_cookies: false,
            views: Default::default(),
            overview: Default::default(),
            portal: Default::default(),
            public_limit: Default::default(),
            demo_accounts: std::sync::Arc::new([]),
            public_url: None,
            inbox_counts: Default::default(),
            lists: std::sync::Arc::new(duikou_store::kept::HeadKept::new(ui::LISTS_KEPT)),
        }
    }

    /// The use cases the web shares with the command line, over this state's store.
    pub fn app(&self) -> duikou_app::App {
        duikou_app::App::new(self.store.clone())
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    // What every answer passes through, outermost first: the security headers (a handler's own value wins), the
    // request's trace, error pages for browsers, a panic caught as one logged 500, the menu's inbox count, and 405
    // for a method the OpenAPI document does not list. One layer of layers: a `Router::layer` each would wrap, clone
    // and box every route's service once more on every request.
    use axum::http::{header, HeaderValue};
    use tower_http::set_header::SetResponseHeaderLayer;
    let every_answer = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn(error::error_pages_for_browsers))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(error::panic_response))
        .layer(axum::middleware::from_fn(ui::with_inbox_count))
        .layer(axum::middleware::from_fn(methods::only_documented));
    let api = Router::new()
        .route("/api/v1/openapi.json", get(|| async { Json(openapi::document()) }))
        .route("/api/v1/auth/login", post(auth_routes::login))
        .route("/api/v1/auth/logout", post(auth_routes::logout))
        .route("/api/v1/auth/token", post(auth_routes::token))
        .route("/api/v1/auth/me", get(auth_routes::me))
        .route("/api/v1/auth/password", post(auth_routes::change_password))
        .route("/api/v1/auth/tokens", get(auth_routes::list_tokens))
        .route("/api/v1/auth/tokens/{id}", delete(auth_routes::revoke_token))
        .route("/api/v1/users/{id}/{action}", post(admin::set_user_active))
        .route("/api/v1/users", get(admin::list_users).post(admin::create_user))
        .route("/api/v1/audit", get(admin::recent_audit))
        .route("/api/v1/audit/verify", get(admin::verify_audit))
        .route("/api/v1/overview", get(admin::overview))
        .route("/api/v1/dashboard", get(admin::dashboard))
        .route("/api/v1/region_lookup", get(admin::region_lookup))
        .route("/api/v1/pick/{kind}", get(pick::pick))
        .route("/api/v1/region_towns", post(admin::load_towns))
        .route("/api/v1/region_indicators", get(admin::region_indicators))
        .route("/api/v1/obligation_templates", get(records::templates))
        .route("/api/v1/report", get(files::report))
        .route("/api/v1/templates/{entity}", get(files::template))
        .route("/api/v1/exports/{entity}", get(files::export))
        .route(
            "/api/v1/assessments",
            get(records::list_assessments).post(records::create_assessment),
        )
        .route("/api/v1/{entity}", get(records::list).post(records::create))
        .route(
            "/api/v1/{entity}/{id}",
            get(records::read)
                .patch(records::update)
                .put(records::update)
                .delete(records::remove),
        )
        .route("/api/v1/{entity}/{id}/{view}", get(records::view).post(records::act))
        .layer(DefaultBodyLimit::max(2 * 1024 * 1024));
    let uploads = Router::new()
        .route(
            "/api/v1/documents/{id}/content",
            get(documents::download_route).put(documents::upload),
        )
        .route("/api/v1/imports/{entity}", post(files::import))
        .layer(DefaultBodyLimit::max(
            duikou_store::documents::MAX_DOCUMENT_BYTES + 1024,
        ));
    let public_api = Router::new()
        .route("/api/v1/public/programs", get(portal::api_programs))
        .route("/api/v1/public/programs/{id}", get(portal::api_program))
        .route("/api/v1/public/programs/{id}/{file}", get(portal::program_facts))
        .route("/api/v1/public/pairings/{id}", get(portal::api_pairing))
        .route("/api/v1/public/pairings/{id}/{file}", get(portal::pairing_facts))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), portal::limited));
    let router = Router::new()
        .route("/", get(ui::home))
        .route("/dashboard", get(ui::dashboard))
        .route("/public/programs/{id}", get(portal::program))
        .route("/public/pairings/{id}", get(portal::pairing))
        .route(
            "/programs/{id}/publication",
            get(ui::publication::program_preview).post(ui::publication::program_publish),
        )
        .route(
            "/pairings/{id}/publication",
            get(ui::publication::pairing_preview).post(ui::publication::pairing_publish),
        )
        .route("/login", get(ui::login_form).post(ui::login))
        .route("/logout", post(ui::logout))
        .route("/records/{entity}", get(ui::list))
        .route("/records/{entity}/{id}", get(ui::record))
        .route(
            "/import/{entity}",
            get(ui::import::form)
                .post(ui::import::upload)
                .layer(DefaultBodyLimit::max(
                    duikou_store::documents::MAX_DOCUMENT_BYTES + 64 * 1024,
                )),
        )
        .route("/import/{entity}/confirm", post(ui::import::confirm))
        .route(
            "/records/{entity}/new",
            get(ui::forms::show_new).post(ui::forms::submit_new),
        )
        .route(
            "/records/{entity}/{id}/edit",
            get(ui::forms::show_edit).post(ui::forms::submit_edit),
        )
        .route("/pairings/{id}", get(ui::pairing))
        .route(
            "/pairings/{id}/documents",
            get(ui::extraction::documents)
                .post(ui::extraction::upload)
                .layer(DefaultBodyLimit::max(
                    duikou_store::documents::MAX_DOCUMENT_BYTES + 64 * 1024,
                )),
        )
        .route("/pairings/{id}/documents/{doc}/extract", post(ui::extraction::extract))
        .route("/pairings/{id}/documents/{doc}/review", get(ui::extraction::review))
        .route(
            "/pairings/{id}/documents/{doc}/accept_all",
            post(ui::extraction::accept_all),
        )
        .route("/extractions/{id}/decide/{action}", post(ui::extraction::decide))
        .route(
            "/extractions/{id}/edit",
            get(ui::extraction::edit_form).post(ui::extraction::edit_submit),
        )
        .route("/mine", get(ui::mine))
        .route("/summary", get(ui::summary_page::show))
        .route("/programs/{id}", get(ui::program::show))
        .route("/programs/{id}/supervision", get(ui::supervision).post(ui::supervise))
        .route(
            "/programs/{id}/assessment",
            get(ui::assessment::show).post(ui::assessment::act),
        )
        .route("/programs/{id}/assessment/{format}", get(ui::assessment::download))
        .route("/supervisions/{id}/reply", post(ui::reply_supervision))
        .route("/receiver/people", get(ui::receiver::people))
        .route("/receiver/indicators", get(ui::receiver::indicators))
        .route("/tasks", get(ui::tasks::show).post(ui::tasks::add))
        .route("/tasks/{id}/notes", post(ui::tasks::note))
        .route("/account", get(ui::accounts::show))
        .route("/account/password", post(ui::accounts::change_password))
        .route("/account/tokens", post(ui::accounts::create_token))
        .route("/account/tokens/{id}/revoke", post(ui::accounts::revoke_token))
        .route("/admin/users", get(ui::accounts::users).post(ui::accounts::add_user))
        .route("/admin/users/{id}/{action}", post(ui::accounts::set_active))
        .route("/inbox", get(ui::inbox))
        .route("/inbox/confirm_all", post(ui::confirm_all))
        .route("/inbox/{entity}/{id}/{action}", post(ui::decide))
        .route("/healthz", get(admin::healthz))
        .route("/assets/pick.js", get(pick_script))
        .route("/assets/map-outlines.svg", get(map_outlines))
        .merge(uploads)
        .merge(public_api)
        .merge(api)
        .fallback(|| async { error::ApiError::no_route() })
        .layer(every_answer);
    let router = if state.secure_cookies {
        // HTTPS: browsers are told to come back only over HTTPS
        router.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            axum::http::HeaderValue::from_static("max-age=31536000"),
        ))
    } else {
        router
    };
    router.with_state(state)
}

/// `GET /assets/map-outlines.svg`: the outlines every web map is drawn over, the same on every page, so a browser
/// fetches them once and keeps them; each page carries only its own arcs ([`layered_map`]).
async fn map_outlines() -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        duikou_report::map_outlines_svg(),
    )
        .into_response()
}

/// A map on a web page: the shared outlines as a picture the browser keeps, the figure's own layer drawn over it.
pub(crate) fn layered_map(fig: &duikou_report::MapFigure) -> String {
    format!(
        "<div class=\"layers\"><img src=\"/assets/map-outlines.svg\" alt=\"\">{}</div>",
        duikou_report::map_overlay_svg(fig)
    )
}

/// `GET /assets/pick.js`: the forms' search-as-you-type pickers (the one script of the site, served from here).
async fn pick_script() -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../assets/pick.js"),
    )
        .into_response()
}

/// The Content-Security-Policy of the form pages: the site's policy, with scripts from this site allowed (the
/// pickers' `/assets/pick.js`; nothing inline).
pub const FORM_CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// The Content-Security-Policy of every answer but the forms'. These pages run no script at all, so none is allowed; styles are the
/// pages' own `<style>` block and the HTML report's (hence `'unsafe-inline'` for styles only: a style cannot run
/// code); charts are inline SVG; forms post only here; no page may be framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'none'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Wraps routes so that a panic, should one ever happen, is one logged 500 for that request — JSON under `/api/`,
/// a short HTML page elsewhere — and every other request is served on.
pub fn catch_panics<S: Clone + Send + Sync + 'static>(routes: Router<S>) -> Router<S> {
    routes.layer(
        tower::ServiceBuilder::new()
            .layer(axum::middleware::from_fn(error::error_pages_for_browsers))
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(error::panic_response)),
    )
}

/// Replaces the process's panic hook with one that logs a single line (where, and the message) through `tracing`,
/// without a backtrace: a server answers a panic with a 500 ([`app`] catches it) and goes on, and a request that
/// makes one again and again must not fill the log with backtraces. Called by `duikou serve`, not by tests, whose
/// failing assertions are panics that must still be printed.
pub fn log_panics_briefly() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%location, message = %error::panic_message(info.payload()), "panic");
    }));
}
