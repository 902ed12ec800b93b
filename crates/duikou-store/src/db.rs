//! The two backends behind one small boundary: SQL with `$n` placeholders, typed arguments and typed columns.
//! Everything above this file is written once and runs on SQLite and PostgreSQL alike.

use crate::quick::Readers;
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::types::Json;
use sqlx::{Postgres, Row, Sqlite};
use std::ops::ControlFlow;
use std::str::FromStr;
use std::time::Duration;

pub use crate::values::{Arg, Kind, Val};

/// Which SQL dialect a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// A pool of connections to one of the two backends.
#[derive(Debug, Clone)]
pub enum Db {
    /// SQLite: the pool, and read-only connections for short reads on the calling thread ([`Db::look_up`]).
    Sqlite(SqlitePool, Readers),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// An open transaction on one of the two backends.
pub enum Tx {
    /// SQLite.
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// Runs the same statement-building expression on whichever backend `$e` holds.
macro_rules! on_backend {
    ($e:expr, $c:ident => $body:expr) => {
        match $e {
            Db::Sqlite($c, _) => $body,
            Db::Postgres($c) => $body,
        }
    };
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a.clone() {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Date(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Json(v) => q.bind(v.map(Json)),
                Arg::Ts(v) => q.bind(v),
                Arg::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

fn decode<R>(row: &R, kinds: &[Kind]) -> Result<Vec<Val>, sqlx::Error>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<NaiveDate>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<Json<serde_json::Value>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<DateTime<Utc>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<Vec<u8>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    kinds
        .iter()
        .enumerate()
        .map(|(i, k)| {
            Ok(match k {
                Kind::Int => Val::Int(row.try_get(i)?),
                Kind::Text => Val::Text(row.try_get(i)?),
                Kind::Date => Val::Date(row.try_get(i)?),
                Kind::Bool => Val::Bool(row.try_get(i)?),
                Kind::Json => Val::Json(row.try_get::<Option<Json<serde_json::Value>>, _>(i)?.map(|j| j.0)),
                Kind::Ts => Val::Ts(row.try_get(i)?),
                Kind::Bytes => Val::Bytes(row.try_get(i)?),
            })
        })
        .collect()
}

/// Where [`Db::fetch_each`] hands the rows of a read, one at a time.
pub trait RowSink: Send + 'static {
    /// Takes one row; breaking stops the read.
    fn row(&mut self, vals: Vec<Val>) -> ControlFlow<()>;
}

/// The environment variable giving how long a write waits for the database's write lock, in milliseconds, before it
/// gives up as busy (answered 503 with `Retry-After`); [`DEFAULT_LOCK_WAIT`] when unset or unreadable.
pub const LOCK_WAIT_ENV: &str = "DUIKOU_LOCK_WAIT_MS";

/// How long a write waits for the write lock by default.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(30);

/// How long a write waits for the write lock: SQLite's busy timeout, PostgreSQL's `lock_timeout`.
pub fn lock_wait() -> Duration {
    std::env::var(LOCK_WAIT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_LOCK_WAIT)
}

impl Db {
    /// Connects to `url`: `postgres://…` for PostgreSQL, else a SQLite file path (or `sqlite:` URL), created if missing.
    /// A write waits [`lock_wait`] for the write lock (another write holding it) before it fails as busy.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        let wait = lock_wait();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?.options([("lock_timeout", wait.as_millis().to_string())]);
            // one direct connection first, so a wrong URL fails at once instead of after the pool's retries
            sqlx::Connection::close(<sqlx::PgConnection as sqlx::Connection>::connect_with(&opts).await?).await?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            let path = sqlite_path(url).unwrap_or(url);
            let opts = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(wait);
            // an embedded connection cannot have gone away: no ping before each statement
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .test_before_acquire(false)
                .connect_with(opts)
                .await?;
            Ok(Db::Sqlite(pool, Readers::new(path)))
        }
    }

    /// Which dialect.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies this backend's migrations.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Sqlite(p, _) => sqlx::migrate!("./migrations/sqlite").run(p).await,
            Db::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await,
        }
    }

    /// Starts a transaction.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p, _) => Tx::Sqlite(p.begin().await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Runs a read and decodes each row as `kinds`.
    pub async fn fetch(&self, sql: &str, args: &[Arg], kinds: &[Kind]) -> Result<Vec<Vec<Val>>, sqlx::Error> {
        on_backend!(self, p => {
            let rows = bind_all!(sqlx::query(sql), args).fetch_all(p).await?;
            rows.iter().map(|r| decode(r, kinds)).collect()
        })
    }

    /// Runs a read of many rows and hands each, decoded as `kinds`, to `sink` as it arrives, never holding them all;
    /// the sink stops the read by breaking, and is handed back. On SQLite the rows are read by a blocking task from one
    /// of the read-only connections ([`crate::quick`]), without sqlx's hand-off of every row from its worker thread;
    /// the sink runs there. (Reading on the calling thread with `block_in_place` was measured slower: a program's
    /// summary read its records in 0.8 s instead of 0.4 s.)
    pub async fn fetch_each<S: RowSink>(
        &self,
        sql: String,
        args: Vec<Arg>,
        kinds: Vec<Kind>,
        mut sink: S,
    ) -> Result<S, sqlx::Error> {
        match self {
            Db::Sqlite(_, readers) if readers.on() => {
                let readers = readers.clone();
                tokio::task::spawn_blocking(move || {
                    readers.scan(&sql, &args, &kinds, |vals| sink.row(vals))?;
                    Ok(sink)
                })
                .await
                .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?
            }
            _ => {
                on_backend!(self, p => {
                    let mut rows = bind_all!(sqlx::query(&sql), &args).fetch(p);
                    while let Some(row) = rows.try_next().await? {
                        if sink.row(decode(&row, &kinds)?).is_break() {
                            break;
                        }
                    }
                });
                Ok(sink)
            }
        }
    }

    /// Runs a statement, returning the rows it touched.
    pub async fn execute(&self, sql: &str, args: &[Arg]) -> Result<u64, sqlx::Error> {
        on_backend!(self, p => Ok(bind_all!(sqlx::query(sql), args).execute(p).await?.rows_affected()))
    }

    /// Closes the pool.
    pub async fn close(&self) {
        on_backend!(self, p => p.close().await)
    }

    /// On SQLite, copies everything in the write-ahead log into the database file and empties the log
    /// (`PRAGMA wal_checkpoint(TRUNCATE)`), so the `.db` file alone is the whole database — for a copy made with
    /// plain file tools after `demo`, `migrate` or a stopped server. True when it completed (a reader in the middle
    /// of a read can hold it back); PostgreSQL has nothing to do.
    pub async fn checkpoint(&self) -> Result<bool, sqlx::Error> {
        match self {
            Db::Sqlite(p, _) => {
                let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(p).await?;
                let busy: i64 = row.try_get(0)?;
                Ok(busy == 0)
            }
            Db::Postgres(_) => Ok(true),
        }
    }
}

/// The file path of a SQLite database URL (a path, `sqlite:path` or `sqlite://path`); `None` for PostgreSQL.
pub fn sqlite_path(url: &str) -> Option<&str> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return None;
    }
    Some(
        url.strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url),
    )
}

impl Tx {
    /// Which dialect.
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs a read inside the transaction.
    pub async fn fetch(&mut self, sql: &str, args: &[Arg], kinds: &[Kind]) -> Result<Vec<Vec<Val>>, sqlx::Error> {
        match self {
            Tx::Sqlite(t) => {
                let rows = bind_all!(sqlx::query(sql), args).fetch_all(&mut **t).await?;
                rows.iter().map(|r| decode(r, kinds)).collect()
            }
            Tx::Postgres(t) => {
                let rows = bind_all!(sqlx::query(sql), args).fetch_all(&mut **t).await?;
                rows.iter().map(|r| decode(r, kinds)).collect()
            }
        }
    }

    /// Runs a statement inside the transaction.
    pub async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64, sqlx::Error> {
        match self {
            Tx::Sqlite(t) => Ok(bind_all!(sqlx::query(sql), args)
                .execute(&mut **t)
                .await?
                .rows_affected()),
            Tx::Postgres(t) => Ok(bind_all!(sqlx::query(sql), args)
                .execute(&mut **t)
                .await?
                .rows_affected()),
        }
    }

    /// Inserts many rows with multi-row `INSERT … VALUES (…), (…)` statements, as many rows to a statement as the
    /// backend's limit on bound values allows. SQLite gets anonymous `?` marks: numbered ones make it slow to bind
    /// thousands of values.
    pub async fn insert_rows(&mut self, table: &str, columns: &[&str], rows: &[Vec<Arg>]) -> Result<u64, sqlx::Error> {
        if rows.is_empty() || columns.is_empty() {
            return Ok(0);
        }
        let backend = self.backend();
        let limit = match backend {
            Backend::Sqlite => 32_000,
            Backend::Postgres => 65_000,
        };
        let per_statement = (limit / columns.len()).clamp(1, 2_000);
        let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut written = 0;
        for chunk in rows.chunks(per_statement) {
            let mut sql = String::with_capacity(head.len() + chunk.len() * columns.len() * 6);
            sql.push_str(&head);
            let mut n = 0;
            for (r, row) in chunk.iter().enumerate() {
                debug_assert_eq!(row.len(), columns.len());
                sql.push_str(if r == 0 { "(" } else { ", (" });
                for c in 0..columns.len() {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    match backend {
                        Backend::Sqlite => sql.push('?'),
                        Backend::Postgres => {
                            n += 1;
                            sql.push('$');
                            sql.push_str(&n.to_string());
                        }
                    }
                }
                sql.push(')');
            }
            let args: Vec<&Arg> = chunk.iter().flatten().collect();
            written += match self {
                Tx::Sqlite(t) => bind_all!(sqlx::query(&sql), args)
                    .execute(&mut **t)
                    .await?
                    .rows_affected(),
                Tx::Postgres(t) => bind_all!(sqlx::query(&sql), args)
                    .execute(&mut **t)
                    .await?
                    .rows_affected(),
            };
        }
        Ok(written)
    }

    /// Commits.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    /// Rolls back.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
    }

    /// One row or none.
    pub async fn fetch_opt(
        &mut self,
        sql: &str,
        args: &[Arg],
        kinds: &[Kind],
    ) -> Result<Option<Vec<Val>>, sqlx::Error> {
        Ok(self.fetch(sql, args, kinds).await?.into_iter().next())
    }
}

impl Db {
    /// One row or none.
    pub async fn fetch_opt(&self, sql: &str, args: &[Arg], kinds: &[Kind]) -> Result<Option<Vec<Val>>, sqlx::Error> {
        Ok(self.fetch(sql, args, kinds).await?.into_iter().next())
    }

    /// A short read an index answers in a few rows (who is signed in, one record by id): the same answer as
    /// [`Db::fetch`], read on SQLite on the calling thread without a hand-off to sqlx's worker (see [`crate::quick`]).
    /// Never for scans: the calling thread is the async runtime's.
    pub async fn look_up(&self, sql: &str, args: &[Arg], kinds: &[Kind]) -> Result<Vec<Vec<Val>>, sqlx::Error> {
        match self {
            Db::Sqlite(_, readers) if readers.on() => readers.fetch(sql, args, kinds),
            _ => self.fetch(sql, args, kinds).await,
        }
    }

    /// SQLite: the database's [`crate::quick::Stamp`] now (equal stamps: no write committed in between), read
    /// without a statement; `None` on PostgreSQL, for an in-memory database, or whenever it cannot be known.
    pub fn stamp(&self) -> Option<crate::quick::Stamp> {
        match self {
            Db::Sqlite(_, readers) => readers.stamp(),
            Db::Postgres(_) => None,
        }
    }

    /// One row or none, by [`Db::look_up`].
    pub async fn look_up_opt(&self, sql: &str, args: &[Arg], kinds: &[Kind]) -> Result<Option<Vec<Val>>, sqlx::Error> {
        Ok(self.look_up(sql, args, kinds).await?.into_iter().next())
    }
}

impl Backend {
    /// An aggregate joining the integer `expr` of every row into one comma-separated TEXT (NULL over no rows):
    /// `group_concat` on SQLite, `string_agg` on PostgreSQL. Lets one statement answer a row and a set beside it.
    pub fn join_ints(self, expr: &str) -> String {
        match self {
            Backend::Sqlite => format!("group_concat({expr}, ',')"),
            Backend::Postgres => format!("string_agg(CAST({expr} AS TEXT), ',')"),
        }
    }
}

/// The integers of a [`Backend::join_ints`] answer (none for NULL or empty text).
pub fn split_ints(joined: Option<&str>) -> impl Iterator<Item = i64> + '_ {
    joined
        .unwrap_or("")
        .split(',')
        .filter_map(|s| s.trim().parse::<i64>().ok())
}
