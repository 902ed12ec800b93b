//! The audit log's hash chain: each event's hash covers the previous hash and the event's canonical JSON.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash before the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change to the record, as chained (everything but the hash itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditContent {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who (user id; 0 for the system).
    pub user_id: i64,
    /// `create`, `update`, `delete`, `confirm`, `dispute`, `login` …
    pub action: String,
    /// The entity (`pairings`).
    pub entity: String,
    /// The record's id.
    pub entity_id: i64,
    /// The record before, or null.
    pub before: serde_json::Value,
    /// The record after, or null.
    pub after: serde_json::Value,
}

/// The hash of an event given the previous event's hash: SHA-256 over `prev` + newline + canonical JSON (sorted keys).
pub fn chain_hash(prev: &str, content: &AuditContent) -> String {
    let canonical = serde_json::to_string(content).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_change_breaks_the_chain() {
        let c = AuditContent {
            seq: 1,
            at: "2026-01-01T00:00:00Z".into(),
            user_id: 1,
            action: "create".into(),
            entity: "orgs".into(),
            entity_id: 5,
            before: serde_json::Value::Null,
            after: serde_json::json!({"name": "南京农业大学", "b": 1, "a": 2}),
        };
        let h = chain_hash(GENESIS_HASH, &c);
        assert_eq!(h.len(), 64);
        let mut c2 = c.clone();
        c2.after["name"] = "北京林业大学".into();
        assert_ne!(chain_hash(GENESIS_HASH, &c2), h);
        assert_ne!(chain_hash(&h, &c), h);
    }
}
