//! The values that cross the storage boundary: what a statement binds ([`Arg`]), what a column is read as ([`Kind`])
//! and what it reads back ([`Val`]). Both backends and SQLite's quick reads ([`crate::quick`]) speak them; they are
//! named from [`crate::db`] everywhere else.

use chrono::{DateTime, NaiveDate, Utc};

/// A value bound to a statement; the variant (not the value) fixes its SQL type, so NULLs are typed too.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// BIGINT.
    Int(Option<i64>),
    /// TEXT.
    Text(Option<String>),
    /// DATE (TEXT on SQLite).
    Date(Option<NaiveDate>),
    /// BOOLEAN.
    Bool(Option<bool>),
    /// JSON (JSONB on PostgreSQL, TEXT on SQLite).
    Json(Option<serde_json::Value>),
    /// TIMESTAMPTZ (TEXT on SQLite).
    Ts(Option<DateTime<Utc>>),
    /// BYTEA / BLOB.
    Bytes(Option<Vec<u8>>),
}

/// The type to read a column as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// BIGINT.
    Int,
    /// TEXT.
    Text,
    /// DATE.
    Date,
    /// BOOLEAN.
    Bool,
    /// JSON.
    Json,
    /// TIMESTAMPTZ.
    Ts,
    /// BYTEA / BLOB.
    Bytes,
}

/// A column read back; same variants as [`Arg`].
pub type Val = Arg;

impl Arg {
    /// The integer, if this is a non-null integer.
    pub fn int(&self) -> Option<i64> {
        match self {
            Arg::Int(v) => *v,
            _ => None,
        }
    }
    /// The text, if this is a non-null text.
    pub fn text(&self) -> Option<&str> {
        match self {
            Arg::Text(v) => v.as_deref(),
            _ => None,
        }
    }
    /// The date, if any.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Arg::Date(v) => *v,
            _ => None,
        }
    }
    /// The timestamp, if any.
    pub fn ts(&self) -> Option<DateTime<Utc>> {
        match self {
            Arg::Ts(v) => *v,
            _ => None,
        }
    }
    /// The boolean, if any.
    pub fn bool(&self) -> Option<bool> {
        match self {
            Arg::Bool(v) => *v,
            _ => None,
        }
    }
    /// The JSON value, if any.
    pub fn json(&self) -> Option<&serde_json::Value> {
        match self {
            Arg::Json(v) => v.as_ref(),
            _ => None,
        }
    }
    /// Takes the bytes, if any.
    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self {
            Arg::Bytes(v) => v,
            _ => None,
        }
    }
}
