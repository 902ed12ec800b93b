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
        /// Stable code: `duplicate`, `in_use`, `stale`, `locked`, `not_empty`.
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
    /// The database failed.
    #[error("数据库错误：{0}")]
    Database(#[from] sqlx::Error),
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
