//! Validation errors: a field, a stable code and a Chinese message, gathered so a caller sees every problem at once.

use serde::Serialize;

/// One problem with one field of an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The offending field, as named in the API (e.g. `receiver_org_id`).
    pub field: String,
    /// A stable machine-readable code (e.g. `required`, `too_long`, `same_org`).
    pub code: &'static str,
    /// A precise message in Chinese naming the field.
    pub message: String,
}

/// All problems found in one input; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// An empty set of errors.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// A set holding exactly one error.
    pub fn single(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, code, message);
        e
    }

    /// Records one more problem.
    pub fn add(&mut self, field: impl Into<String>, code: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            code,
            message: message.into(),
        });
    }

    /// True when nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty, else `Err(self)`.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// Adds every error of `other`, prefixing field names with `prefix.` when given.
    pub fn extend_prefixed(&mut self, prefix: &str, other: ValidationErrors) {
        for mut e in other.0 {
            if !prefix.is_empty() {
                e.field = format!("{prefix}.{}", e.field);
            }
            self.0.push(e);
        }
    }

    /// The first error, if any.
    pub fn first(&self) -> Option<&FieldError> {
        self.0.first()
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<&str> = self.0.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&parts.join("；"))
    }
}

impl std::error::Error for ValidationErrors {}
