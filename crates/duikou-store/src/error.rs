//! What can go wrong in storage, in terms the HTTP and CLI layers turn into answers.

use duikou_domain::ValidationErrors;

/// A storage failure: the caller's fault (invalid, not found, forbidden, conflict) or the database's.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The input broke one or more rules; nothing was written.
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// No such record.
    #[error("找不到编号为 {id} 的{label}")]
    NotFound {
        /// The entity's Chinese name.
        label: &'static str,
        /// The id asked for.
        id: i64,
    },
    /// No such kind of record.
    #[error("没有“{0}”这种记录")]
    UnknownEntity(String),
    /// The actor may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The write clashes with the record as it stands (duplicate, in use, stale).
    #[error("{message}")]
    Conflict {
        /// Stable code: `duplicate`, `in_use`, `stale`, `locked`, `not_empty`, `overflow`.
        code: &'static str,
        /// Chinese message.
        message: String,
        /// The offending field, if one.
        field: Option<String>,
    },
    /// Too many failed logins lately for the account or the client address: try again in this many minutes.
    #[error("登录失败次数过多，请于 {minutes} 分钟后再试")]
    Throttled {
        /// Minutes until the next attempt is let through.
        minutes: i64,
    },
    /// The database is busy: another write held its lock past the wait (SQLite's busy timeout, PostgreSQL's lock
    /// timeout or a serialization failure), or no connection came free in time. Nothing was written; the same
    /// request may succeed a moment later.
    #[error("数据库正忙，请稍后重试")]
    Busy,
    /// A file to import could not be read: its name and why, worded for the user. Nothing was written.
    #[error("{0}")]
    BadFile(String),
    /// The database failed.
    #[error("数据库错误：{0}")]
    Database(sqlx::Error),
    /// Migrations failed.
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Something else went wrong (a data file, a hash).
    #[error("{0}")]
    Other(String),
}

impl StoreError {
    /// A validation error on one field.
    pub fn invalid(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        StoreError::Invalid(ValidationErrors::single(field, code, message))
    }

    /// A conflict.
    pub fn conflict(code: &'static str, message: impl Into<String>, field: Option<&str>) -> Self {
        StoreError::Conflict {
            code,
            message: message.into(),
            field: field.map(str::to_string),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    /// A database error the caller's input caused becomes the caller's error (nothing was written: the statement
    /// failed inside its transaction, which is then dropped): a reference the write would break, a total that would
    /// leave the range a database integer holds, a text PostgreSQL cannot store. Anything else stays the database's.
    fn from(e: sqlx::Error) -> Self {
        if is_busy(&e) {
            return StoreError::Busy;
        }
        let Some(db) = e.as_database_error() else {
            return StoreError::Database(e);
        };
        let code = db.code().unwrap_or_default();
        let message = db.message();
        if db.is_foreign_key_violation() {
            return StoreError::conflict(
                "in_use",
                "该操作会破坏记录之间的引用关系（仍被其他记录引用，或所引用的记录不存在），未做任何修改",
                None,
            );
        }
        // PostgreSQL: numeric_value_out_of_range; SQLite: `SUM` over integers past i64
        if code == "22003" || message.contains("integer overflow") {
            return StoreError::total_overflow();
        }
        // PostgreSQL refuses a NUL character in text (character_not_in_repertoire / untranslatable_character)
        if code == "22021" || code == "22P05" {
            return StoreError::invalid(
                "",
                "control_char",
                "文本中含有不允许的空字符（NUL）或无法保存的字符，未做任何修改",
            );
        }
        StoreError::Database(e)
    }
}

/// Whether a database error means "busy, try again": SQLite's `SQLITE_BUSY` / `SQLITE_LOCKED` (with any extended
/// code: "database is locked"), PostgreSQL's lock_not_available (55P03), serialization_failure (40001) and
/// deadlock_detected (40P01), and no pooled connection free within the pool's wait.
pub fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // the primary result code is the low byte of the extended one
                code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
            } else {
                matches!(code.as_ref(), "55P03" | "40001" | "40P01")
            }
        }
        _ => false,
    }
}

impl StoreError {
    /// A write refused because a kept total would leave the range a database integer holds (it cannot with values
    /// within the domain's ceilings, short of tens of thousands of ceiling-sized records).
    pub fn total_overflow() -> Self {
        StoreError::conflict(
            "overflow",
            "本次写入会使汇总合计超出可记录的范围（单条记录金额最多 1 万亿元），未做任何修改；请核对金额和数量",
            None,
        )
    }
}

impl From<ValidationErrors> for StoreError {
    fn from(e: ValidationErrors) -> Self {
        StoreError::Invalid(e)
    }
}

impl From<duikou_domain::access::Denied> for StoreError {
    fn from(d: duikou_domain::access::Denied) -> Self {
        StoreError::Forbidden(d.0)
    }
}

/// Storage results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
