//! Short reads on SQLite without a thread hand-off.
//!
//! sqlx runs each SQLite connection on a worker thread of its own and moves every statement and row across a
//! channel: a one-row lookup costs a few context switches, which under many connections is most of a small
//! request's time. The lookups a request makes before its real work (who is signed in, the audit head, one record by
//! id) are answered by an index in microseconds, so they are read here on the calling thread, from a small set of
//! read-only connections to the same file. Only reads answered by an index in a few rows belong here
//! ([`crate::Db::look_up`]); scans stay on the pool, where they do not hold up the async runtime.

use crate::values::{Arg, Kind, Val};
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use rusqlite::types::{Type, ValueRef};
use rusqlite::{Connection, OpenFlags};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Idle connections kept at most; more may be open at once (one per thread reading), the rest are closed after use.
const IDLE_KEPT: usize = 8;

/// A read of at least this many rows gives its connection's page cache back when it ends.
const LONG_READ: usize = 5_000;

/// Statements kept prepared per connection.
const STATEMENTS_KEPT: usize = 64;

/// Read-only connections to one SQLite file, used on the calling thread.
#[derive(Clone)]
pub struct Readers {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// What [`Readers::stamp`] reads, made at its first call (none where the database is not in WAL mode).
    pin: std::sync::OnceLock<Option<Pin>>,
}

/// A connection kept open for as long as the readers are, and the file of the write-ahead log's index beside the
/// database (`<database>-shm`). While a connection of this process has the index mapped, no other process can remove
/// or replace that file (SQLite holds a shared lock on it), so the file read here stays the one every writer updates.
struct Pin {
    _conn: Mutex<Connection>,
    #[cfg(unix)]
    shm: std::fs::File,
}

/// The header of SQLite's write-ahead-log index as a committed write leaves it (48 bytes; see
/// <https://www.sqlite.org/walformat.html>, "the WAL-index header"). Every commit, by any connection of any process,
/// changes it (its change counter, the log's last frame, or the log's salts when the log starts over); SQLite itself
/// compares it with the header it read last to know whether its cache still holds.
pub type Stamp = [u8; 48];

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            Some(i) => write!(f, "Readers({})", i.path.display()),
            None => write!(f, "Readers(off)"),
        }
    }
}

impl Readers {
    /// Readers of the SQLite file at `path`; none (every read goes to the pool) for an in-memory database, whose
    /// contents another connection would not see.
    pub fn new(path: &str) -> Readers {
        let in_memory = path.is_empty() || path.contains(":memory:") || path.contains("mode=memory");
        Readers {
            inner: (!in_memory).then(|| {
                Arc::new(Inner {
                    path: PathBuf::from(path),
                    idle: Mutex::new(Vec::new()),
                    pin: std::sync::OnceLock::new(),
                })
            }),
        }
    }

    /// Whether reads go through these connections.
    pub fn on(&self) -> bool {
        self.inner.is_some()
    }

    /// Runs a read and decodes each row as `kinds`, with `$n` in `sql` bound to `args[n - 1]` (as sqlx binds it).
    pub fn fetch(&self, sql: &str, args: &[Arg], kinds: &[Kind]) -> Result<Vec<Vec<Val>>, sqlx::Error> {
        let mut out = Vec::new();
        self.scan(sql, args, kinds, |vals| {
            out.push(vals);
            ControlFlow::Continue(())
        })?;
        Ok(out)
    }
}

impl Readers {
    /// Runs a read on this thread, handing each row, decoded as `kinds`, to `each` until it breaks. A read of many
    /// rows belongs on a blocking task ([`crate::Db::fetch_each`]), never on the async runtime's threads.
    pub fn scan(
        &self,
        sql: &str,
        args: &[Arg],
        kinds: &[Kind],
        each: impl FnMut(Vec<Val>) -> ControlFlow<()>,
    ) -> Result<(), sqlx::Error> {
        let Some(inner) = &self.inner else {
            return Err(sqlx::Error::PoolClosed);
        };
        let taken = inner.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match taken {
            Some(c) => c,
            None => open(&inner.path).map_err(driver)?,
        };
        let out = read_each(&conn, sql, args, kinds, each).map_err(driver);
        // a long read leaves the connection's page cache full (2 MB): given back, so the idle connections and those
        // of a summary's reads at once do not each keep theirs
        if out.as_ref().is_ok_and(|rows| *rows >= LONG_READ) {
            let _ = conn.execute_batch("PRAGMA shrink_memory");
        }
        let out = out.map(|_| ());
        let mut idle = inner.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < IDLE_KEPT {
            idle.push(conn);
        }
        out
    }

    /// The database's [`Stamp`] now, without a statement or a lock (one read of 96 bytes): equal stamps mean no write
    /// was committed between the two reads. `None` when it cannot be known — an in-memory database, one not in WAL
    /// mode, a header being written at this moment (its two copies differ) or one whose checksum does not hold; the
    /// caller then reads the database.
    pub fn stamp(&self) -> Option<Stamp> {
        let inner = self.inner.as_ref()?;
        let pin = inner.pin.get_or_init(|| pin(&inner.path)).as_ref()?;
        read_stamp(pin)
    }
}

#[cfg(unix)]
fn read_stamp(pin: &Pin) -> Option<Stamp> {
    use std::os::unix::fs::FileExt;
    // the two copies of the header, as SQLite keeps them: a writer writes the second, then the first
    let mut both = [0u8; 96];
    pin.shm.read_exact_at(&mut both, 0).ok()?;
    let (first, second) = both.split_at(48);
    let ready = first[12] == 1; // isInit
    (first == second && ready && checksum_holds(first)).then(|| first.try_into().ok())?
}

#[cfg(not(unix))]
fn read_stamp(_pin: &Pin) -> Option<Stamp> {
    None
}

/// The header's checksum (its last 8 bytes, over the 40 before, in the machine's byte order) is SQLite's.
fn checksum_holds(header: &[u8]) -> bool {
    let word = |i: usize| u32::from_ne_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    let (mut s0, mut s1) = (0u32, 0u32);
    for i in (0..40).step_by(8) {
        s0 = s0.wrapping_add(word(i)).wrapping_add(s1);
        s1 = s1.wrapping_add(word(i + 4)).wrapping_add(s0);
    }
    s0 == word(40) && s1 == word(44)
}

/// Opens the connection that keeps the log's index in place, and the index's file; none unless in WAL mode.
fn pin(path: &std::path::Path) -> Option<Pin> {
    let conn = open(path).ok()?;
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).ok()?;
    if !mode.eq_ignore_ascii_case("wal") {
        return None;
    }
    // a read maps the index; the connection keeps it mapped until it closes
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
        .ok()?;
    #[cfg(unix)]
    let shm = {
        let mut name = path.as_os_str().to_owned();
        name.push("-shm");
        std::fs::File::open(name).ok()?
    };
    Some(Pin {
        _conn: Mutex::new(conn),
        #[cfg(unix)]
        shm,
    })
}

fn driver(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::AnyDriverError(Box::new(e))
}

fn open(path: &std::path::Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "query_only", true)?;
    conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
    Ok(conn)
}

/// Runs a read, handing each row decoded as `kinds` to `each` until it breaks.
fn read_each(
    conn: &Connection,
    sql: &str,
    args: &[Arg],
    kinds: &[Kind],
    mut each: impl FnMut(Vec<Val>) -> ControlFlow<()>,
) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare_cached(sql)?;
    for i in 1..=stmt.parameter_count() {
        // `$n` (or `?n`) names the argument; a bare `?` takes the next one
        let n = match stmt.parameter_name(i) {
            Some(name) => name[1..]
                .parse::<usize>()
                .map_err(|_| rusqlite::Error::InvalidParameterName(name.to_string()))?,
            None => i,
        };
        match args.get(n.wrapping_sub(1)) {
            Some(a) => bind(&mut stmt, i, a)?,
            None => stmt.raw_bind_parameter(i, rusqlite::types::Null)?,
        }
    }
    let mut rows = stmt.raw_query();
    let mut n = 0;
    while let Some(row) = rows.next()? {
        n += 1;
        let mut vals = Vec::with_capacity(kinds.len());
        for (i, k) in kinds.iter().enumerate() {
            vals.push(decode(row.get_ref(i)?, *k).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(i, row.get_ref_unwrap(i).data_type(), e.into())
            })?);
        }
        if each(vals).is_break() {
            break;
        }
    }
    Ok(n)
}

/// Binds an argument the way sqlx writes it to SQLite, so text comparisons with stored values agree.
fn bind(stmt: &mut rusqlite::Statement<'_>, i: usize, a: &Arg) -> rusqlite::Result<()> {
    match a {
        Arg::Int(v) => stmt.raw_bind_parameter(i, v),
        Arg::Text(v) => stmt.raw_bind_parameter(i, v.as_deref()),
        Arg::Date(v) => stmt.raw_bind_parameter(i, v.map(|d| d.format("%F").to_string())),
        Arg::Bool(v) => stmt.raw_bind_parameter(i, v.map(i64::from)),
        Arg::Json(v) => stmt.raw_bind_parameter(i, v.as_ref().map(|j| j.to_string())),
        Arg::Ts(v) => stmt.raw_bind_parameter(i, v.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, false))),
        Arg::Bytes(v) => stmt.raw_bind_parameter(i, v.as_deref()),
    }
}

type Problem = String;

fn text<'a>(v: &ValueRef<'a>) -> Result<&'a str, Problem> {
    match *v {
        ValueRef::Text(t) | ValueRef::Blob(t) => std::str::from_utf8(t).map_err(|e| e.to_string()),
        _ => Err(format!("expected text, found {}", v.data_type())),
    }
}

/// A column as sqlx decodes it for the same kind.
fn decode(v: ValueRef<'_>, kind: Kind) -> Result<Val, Problem> {
    if v.data_type() == Type::Null {
        return Ok(match kind {
            Kind::Int => Val::Int(None),
            Kind::Text => Val::Text(None),
            Kind::Date => Val::Date(None),
            Kind::Bool => Val::Bool(None),
            Kind::Json => Val::Json(None),
            Kind::Ts => Val::Ts(None),
            Kind::Bytes => Val::Bytes(None),
        });
    }
    Ok(match kind {
        Kind::Int => Val::Int(Some(match v {
            ValueRef::Integer(i) => i,
            ValueRef::Real(f) => f as i64,
            _ => text(&v)?
                .trim()
                .parse()
                .map_err(|_| "expected an integer".to_string())?,
        })),
        Kind::Text => Val::Text(Some(match v {
            ValueRef::Integer(i) => i.to_string(),
            ValueRef::Real(f) => f.to_string(),
            _ => text(&v)?.to_string(),
        })),
        // ISO 8601 `YYYY-MM-DD`, as sqlx writes it (`%F`), parsed without a format string
        Kind::Date => Val::Date(Some(text(&v)?.parse::<NaiveDate>().map_err(|e| e.to_string())?)),
        Kind::Bool => Val::Bool(Some(match v {
            ValueRef::Integer(i) => i != 0,
            ValueRef::Real(f) => f != 0.0,
            _ => return Err(format!("expected a boolean, found {}", v.data_type())),
        })),
        Kind::Json => Val::Json(Some(match v {
            ValueRef::Integer(i) => serde_json::Value::from(i),
            ValueRef::Real(f) => serde_json::Value::from(f),
            _ => serde_json::from_str(text(&v)?).map_err(|e| e.to_string())?,
        })),
        Kind::Ts => Val::Ts(Some(match v {
            ValueRef::Integer(i) => Utc.timestamp_opt(i, 0).single().ok_or("timestamp out of range")?,
            _ => timestamp(text(&v)?).ok_or_else(|| format!("invalid datetime: {}", text(&v).unwrap_or("")))?,
        })),
        Kind::Bytes => Val::Bytes(Some(match v {
            ValueRef::Blob(b) | ValueRef::Text(b) => b.to_vec(),
            _ => return Err(format!("expected bytes, found {}", v.data_type())),
        })),
    })
}

/// A timestamp in any of the forms sqlx reads from SQLite: RFC 3339, or SQLite's own `YYYY-MM-DD HH:MM[:SS[.f]]`
/// with or without an offset (none meaning UTC).
fn timestamp(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    const FORMATS: [&str; 12] = [
        "%F %T%.f",
        "%F %R",
        "%F %RZ",
        "%F %R%:z",
        "%F %T%.fZ",
        "%F %T%.f%:z",
        "%FT%R",
        "%FT%RZ",
        "%FT%R%:z",
        "%FT%T%.f",
        "%FT%T%.fZ",
        "%FT%T%.f%:z",
    ];
    FORMATS.iter().find_map(|f| {
        DateTime::parse_from_str(s, f)
            .map(|t| t.with_timezone(&Utc))
            .ok()
            .or_else(|| {
                NaiveDateTime::parse_from_str(s, f)
                    .ok()
                    .map(|n| Utc.from_utc_datetime(&n))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_every_form_sqlite_writes() {
        let want = Utc.with_ymd_and_hms(2026, 11, 28, 21, 5, 7).unwrap();
        for s in [
            "2026-11-28T21:05:07+00:00",
            "2026-11-28T21:05:07Z",
            "2026-11-28 21:05:07",
            "2026-11-29T05:05:07+08:00",
            "2026-11-28 21:05:07.000",
        ] {
            assert_eq!(timestamp(s), Some(want), "{s}");
        }
        assert_eq!(timestamp("2026-11-28 21:05"), Some(want - chrono::Duration::seconds(7)));
        assert_eq!(timestamp("28.11.2026"), None);
    }

    #[test]
    fn in_memory_databases_are_not_read_beside_the_pool() {
        assert!(!Readers::new(":memory:").on());
        assert!(!Readers::new("file:x?mode=memory").on());
        assert!(Readers::new("/tmp/duikou.db").on());
    }

    #[test]
    fn the_stamp_changes_with_every_commit_and_only_then() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stamp.db");
        let writer = Connection::open(&path).unwrap();
        writer.pragma_update(None, "journal_mode", "wal").unwrap();
        writer.execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
        let readers = Readers::new(path.to_str().unwrap());
        let first = readers.stamp().expect("a WAL database has a stamp");
        assert_eq!(readers.stamp(), Some(first), "nothing committed: the same stamp");
        // reads change nothing
        assert_eq!(
            readers
                .fetch("SELECT count(*) FROM t", &[], &[Kind::Int])
                .unwrap()
                .len(),
            1
        );
        assert_eq!(readers.stamp(), Some(first));
        // a commit by any connection changes it; a rolled-back write does not
        writer.execute("INSERT INTO t VALUES (1)", []).unwrap();
        let second = readers.stamp().unwrap();
        assert_ne!(second, first);
        writer
            .execute_batch("BEGIN; INSERT INTO t VALUES (2); ROLLBACK;")
            .unwrap();
        assert_eq!(readers.stamp(), Some(second), "a rollback commits nothing");
        let other = Connection::open(&path).unwrap();
        other.execute("UPDATE t SET x = 3", []).unwrap();
        let third = readers.stamp().unwrap();
        assert_ne!(third, second);
        // the log emptied into the database and started over: still a new stamp at the next commit
        writer
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        writer.execute("INSERT INTO t VALUES (4)", []).unwrap();
        let fourth = readers.stamp().unwrap();
        assert!(![first, second, third].contains(&fourth));
    }

    #[test]
    fn no_stamp_without_a_write_ahead_log() {
        assert_eq!(Readers::new(":memory:").stamp(), None);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rollback.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
            .unwrap();
        assert_eq!(
            Readers::new(path.to_str().unwrap()).stamp(),
            None,
            "a rollback-journal database"
        );
    }

    #[test]
    fn a_header_being_written_or_damaged_is_no_stamp() {
        let mut header = [0u8; 48];
        header[12] = 1;
        // a checksum made as SQLite makes it holds; change one byte and it does not
        let word = |h: &[u8], i: usize| u32::from_ne_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
        header[8] = 7; // the change counter
        let (mut s0, mut s1) = (0u32, 0u32);
        for i in (0..40).step_by(8) {
            s0 = s0.wrapping_add(word(&header, i)).wrapping_add(s1);
            s1 = s1.wrapping_add(word(&header, i + 4)).wrapping_add(s0);
        }
        header[40..44].copy_from_slice(&s0.to_ne_bytes());
        header[44..48].copy_from_slice(&s1.to_ne_bytes());
        assert!(checksum_holds(&header));
        header[9] ^= 1;
        assert!(!checksum_holds(&header));
    }
}
