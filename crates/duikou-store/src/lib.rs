//! duikou's storage: one boundary over SQLite (embedded, the default) and PostgreSQL, with migrations per backend.
//! Every write is a transaction that also appends its audit event.

pub mod accounts;
pub mod aggregates;
pub mod assess;
pub mod assessment;
pub mod audit;
pub mod audit_key;
pub mod backup;
pub mod bulk;
pub mod db;
pub mod documents;
mod error;
pub mod extraction;
mod groups;
pub mod iati;
pub mod import;
pub mod kept;
pub mod list;
mod map;
pub mod overview;
pub mod public;
pub mod quick;
pub mod receiving;
pub mod records;
pub mod regions;
pub mod rollup;
mod rows;
mod scope;
pub mod search;
pub mod status;
pub mod summary;
pub mod tasks;
pub mod testing;
mod typed;
mod values;
pub mod views;
pub mod worklist;

pub use audit_key::{AuditKey, KeyConfig};
pub use db::{Backend, Db};
pub use error::{is_busy, Result, StoreError};
pub use list::{ListQuery, Page};

/// The storage of one duikou deployment.
#[derive(Debug, Clone)]
pub struct Store {
    db: Db,
    /// One refresh of the kept obligation status at a time in this process (the others then find it done).
    status_refresh: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Dashboards as served, by scope, with the audit head and day they were made at (see [`Store::dashboard_json`]).
    dashboards: std::sync::Arc<std::sync::Mutex<aggregates::DashboardCache>>,
    /// One dashboard made at a time in this process (the others then find it kept).
    dashboard_making: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Records as served JSON, valid at one audit head (see [`Store::record_json`]).
    records_kept: std::sync::Arc<kept::HeadKept<(&'static str, i64), String>>,
    /// Who a session or token names, with the audit head, kept while the database's stamp stays (SQLite).
    signed_in: std::sync::Arc<accounts::SignedIn>,
    /// SQLite: the shared hold on the database's lock file while this store is open, so `restore` refuses to
    /// replace a database in use (see [`backup::InUse`]).
    _in_use: Option<std::sync::Arc<backup::InUse>>,
    /// The secret the audit log's MACs are made with (never stored in the database).
    audit_key: std::sync::Arc<AuditKey>,
    /// The day this store takes for today, when fixed ([`Store::on_day`]); else the clock's (UTC).
    day: Option<chrono::NaiveDate>,
}

/// Now, as RFC 3339 UTC with microseconds.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

impl Store {
    /// Connects to `url` (a SQLite path or a `postgres://` URL), migrates, and loads the region tree on first start,
    /// with the audit key from the environment ([`KeyConfig::from_env`]) or, for SQLite, beside the database file.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, &KeyConfig::from_env()?).await
    }

    /// [`Store::open`] with the audit key from `keys`: refuses a PostgreSQL database without one, and a database
    /// whose log is already signed when its key file is missing.
    pub async fn open_with(url: &str, keys: &KeyConfig) -> Result<Store> {
        Self::open_held(url, keys, true).await
    }

    /// [`Store::open_with`], holding the SQLite database as in use when `hold` (a restore only probes a backup).
    pub(crate) async fn open_held(url: &str, keys: &KeyConfig, hold: bool) -> Result<Store> {
        let in_use = match db::sqlite_path(url) {
            Some(path) if hold => backup::InUse::hold(path)?.map(std::sync::Arc::new),
            _ => None,
        };
        let db = Db::connect(url).await?;
        db.migrate().await?;
        let signed = audit::head_is_signed(&db).await?;
        let key = match keys.resolve(url, db.backend() == Backend::Postgres, signed) {
            Ok(k) => k,
            Err(e) => {
                db.close().await;
                return Err(e);
            }
        };
        let store = Store {
            db,
            status_refresh: Default::default(),
            dashboards: Default::default(),
            dashboard_making: Default::default(),
            records_kept: std::sync::Arc::new(kept::HeadKept::new(records::RECORDS_KEPT)),
            signed_in: Default::default(),
            _in_use: in_use,
            audit_key: std::sync::Arc::new(key),
            day: None,
        };
        store.load_regions_if_empty().await?;
        audit::seal_unsealed_rows(&store).await?;
        audit::rebuild_aggregates_if_missing(&store).await?;
        Ok(store)
    }

    /// Today (UTC), or the day fixed by [`Store::on_day`]: every figure, warning and default period that depends on
    /// the day takes it from here, so one request sees one day and a test can fix it.
    pub fn today(&self) -> chrono::NaiveDate {
        self.day.unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    /// The same store taking `day` for today (tests and snapshots; times of writes stay the clock's).
    pub fn on_day(&self, day: chrono::NaiveDate) -> Store {
        Store {
            day: Some(day),
            ..self.clone()
        }
    }

    /// The audit key this store signs the log with (to open another store on the same data, e.g. a backup).
    pub fn audit_key(&self) -> &AuditKey {
        &self.audit_key
    }

    /// The connection pool.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Whether the record holds no programs yet (the demo loads only into such a database).
    pub async fn is_empty(&self) -> Result<bool> {
        let n = self
            .db
            .fetch_opt("SELECT COUNT(*) FROM programs", &[], &[db::Kind::Int])
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        Ok(n == 0)
    }
}
