//! The bulk writer: rows buffered per table and written as multi-row `INSERT … VALUES (…),(…),…` statements, each
//! chunk below the backend's limit of bound variables.
//!
//! SQLite gets plain `?` placeholders: with numbered `$n` placeholders SQLite's binding of a statement with tens of
//! thousands of variables turns quadratic. PostgreSQL gets `$n`.

use duikou_store::db::{Arg, Backend, Tx};
use sqlx::types::Json;

/// SQLite's default limit of variables in one statement (SQLITE_MAX_VARIABLE_NUMBER since 3.32).
const SQLITE_MAX_VARS: usize = 32_766;
/// PostgreSQL's limit of parameters in one statement (a 16-bit count).
const PG_MAX_VARS: usize = 65_535;
/// Rows per statement at most, whatever the limits allow (bigger statements stop paying off).
const MAX_ROWS: usize = 2_000;

/// Buffered rows of one table.
pub(crate) struct Sink {
    backend: Backend,
    table: &'static str,
    cols: &'static [&'static str],
    chunk_rows: usize,
    buf: Vec<Arg>,
    rows: usize,
    full_sql: Option<String>,
    /// Rows written so far.
    pub(crate) written: u64,
}

impl Sink {
    pub(crate) fn new(backend: Backend, table: &'static str, cols: &'static [&'static str]) -> Sink {
        Sink::with_chunk(backend, table, cols, MAX_ROWS)
    }

    /// A sink writing at most `max_rows` rows per statement (the benchmark compares chunk sizes).
    pub(crate) fn with_chunk(
        backend: Backend,
        table: &'static str,
        cols: &'static [&'static str],
        max_rows: usize,
    ) -> Sink {
        let limit = match backend {
            Backend::Sqlite => SQLITE_MAX_VARS,
            Backend::Postgres => PG_MAX_VARS,
        };
        let chunk_rows = (limit / cols.len()).clamp(1, max_rows.max(1));
        Sink {
            backend,
            table,
            cols,
            chunk_rows,
            buf: Vec::with_capacity(chunk_rows * cols.len()),
            rows: 0,
            full_sql: None,
            written: 0,
        }
    }

    /// Adds one row (values in column order); writes a chunk when the buffer is full. Returns the rows written now.
    pub(crate) async fn row<const N: usize>(&mut self, tx: &mut Tx, row: [Arg; N]) -> Result<u64, sqlx::Error> {
        debug_assert_eq!(N, self.cols.len(), "{}: row width", self.table);
        self.buf.extend(row);
        self.rows += 1;
        if self.rows >= self.chunk_rows {
            return self.flush(tx).await;
        }
        Ok(0)
    }

    /// Writes what is buffered. Returns the rows written.
    pub(crate) async fn flush(&mut self, tx: &mut Tx) -> Result<u64, sqlx::Error> {
        if self.rows == 0 {
            return Ok(0);
        }
        let n = self.rows;
        let sql = if n == self.chunk_rows {
            if self.full_sql.is_none() {
                self.full_sql = Some(insert_sql(self.backend, self.table, self.cols, n));
            }
            self.full_sql.clone().unwrap_or_default()
        } else {
            insert_sql(self.backend, self.table, self.cols, n)
        };
        let args = std::mem::replace(&mut self.buf, Vec::with_capacity(self.chunk_rows * self.cols.len()));
        execute(tx, &sql, args).await?;
        self.rows = 0;
        self.written += n as u64;
        Ok(n as u64)
    }
}

/// `INSERT INTO t (a, b) VALUES (?, ?), (?, ?)` for `rows` rows.
pub(crate) fn insert_sql(backend: Backend, table: &str, cols: &[&str], rows: usize) -> String {
    let mut s = String::with_capacity(40 + rows * cols.len() * 8);
    s.push_str("INSERT INTO ");
    s.push_str(table);
    s.push_str(" (");
    s.push_str(&cols.join(", "));
    s.push_str(") VALUES ");
    let mut n = 0usize;
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols.len() {
            if c > 0 {
                s.push_str(", ");
            }
            match backend {
                Backend::Sqlite => s.push('?'),
                Backend::Postgres => {
                    n += 1;
                    s.push('$');
                    s.push_str(&n.to_string());
                }
            }
        }
        s.push(')');
    }
    s
}

macro_rules! bind_owned {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
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

/// Runs one statement with these arguments (taken by value: no copies of the texts).
pub(crate) async fn execute(tx: &mut Tx, sql: &str, args: Vec<Arg>) -> Result<u64, sqlx::Error> {
    Ok(match tx {
        Tx::Sqlite(t) => bind_owned!(sqlx::query(sql), args)
            .execute(&mut **t)
            .await?
            .rows_affected(),
        Tx::Postgres(t) => bind_owned!(sqlx::query(sql), args)
            .execute(&mut **t)
            .await?
            .rows_affected(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_per_backend() {
        assert_eq!(
            insert_sql(Backend::Sqlite, "t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
        assert_eq!(
            insert_sql(Backend::Postgres, "t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }
}
