//! The audit log's hash chain: each event's hash covers the previous hash, the event's canonical JSON and the hash of
//! the record's row as it is after the change; each event and the head carry a keyed MAC (HMAC-SHA256) with a server
//! secret kept outside the database, so a log recomputed with plain SHA-256 no longer verifies.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The hash before the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The row hash of an event whose record no longer exists after it (a delete).
pub const DELETED: &str = "deleted";

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
    /// [`row_hash`] of the record's row as stored after the change, [`DELETED`] when the change removed it, absent
    /// for events about no one row (and for events written before rows were hashed, whose chain hash stays as it was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_hash: Option<String>,
}

/// The hash of an event given the previous event's hash: SHA-256 over `prev` + newline + canonical JSON (sorted keys).
pub fn chain_hash(prev: &str, content: &AuditContent) -> String {
    // field order as declared, objects inside with sorted keys: the form every event so far was hashed in
    let canonical = serde_json::to_string(content).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

/// JSON text with every object's keys sorted and no spaces: the same value always gives the same text, whatever order
/// its members were built in.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        scalar => {
            let _ = write!(out, "{scalar}");
        }
    }
}

/// The hash of one row of `entity` in its canonical form (the record's JSON as the store reads it: id, version,
/// timestamps, every field and confirmation field): computed when the row is written and again when it is verified.
pub fn row_hash(entity: &str, row: &Value) -> String {
    let mut h = Sha256::new();
    h.update(entity.as_bytes());
    h.update(b"\n");
    h.update(canonical_json(row).as_bytes());
    hex::encode(h.finalize())
}

/// The keyed MAC of a chain position: HMAC-SHA256 with the server's audit key over `seq:hash`, hex.
pub fn head_mac(key: &[u8], seq: i64, hash: &str) -> String {
    hex::encode(mac_of(key, seq, hash).finalize().into_bytes())
}

/// Whether `mac` (hex) is the MAC of `seq:hash` under `key`, compared in constant time.
pub fn mac_matches(key: &[u8], seq: i64, hash: &str, mac: &str) -> bool {
    match hex::decode(mac) {
        Ok(bytes) => mac_of(key, seq, hash).verify_slice(&bytes).is_ok(),
        Err(_) => false,
    }
}

fn mac_of(key: &[u8], seq: i64, hash: &str) -> Hmac<Sha256> {
    // HMAC takes a key of any length, so this never fails
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts any key"));
    m.update(format!("{seq}:{hash}").as_bytes());
    m
}

/// An audit head as exported for the operator to keep outside the database: `seq:hash:mac`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeadMark {
    /// The last event's position.
    pub seq: i64,
    /// The last event's hash.
    pub hash: String,
    /// Its MAC under the server's audit key.
    pub mac: String,
}

impl std::fmt::Display for HeadMark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.seq, self.hash, self.mac)
    }
}

impl HeadMark {
    /// Finds a head written by [`HeadMark`]'s `Display` in `text` (the line itself, or a file holding it among other
    /// lines); the message says what is wrong otherwise.
    pub fn find(text: &str) -> Result<HeadMark, String> {
        let is_hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        for token in text.split(|c: char| c.is_whitespace()) {
            let parts: Vec<&str> = token.trim().split(':').collect();
            if let [seq, hash, mac] = parts[..] {
                if let Ok(seq) = seq.parse::<i64>() {
                    if seq >= 0 && is_hex(hash, 64) && is_hex(mac, 64) {
                        return Ok(HeadMark {
                            seq,
                            hash: hash.to_ascii_lowercase(),
                            mac: mac.to_ascii_lowercase(),
                        });
                    }
                }
            }
        }
        Err("没有找到审计日志头：应为“序号:哈希:签名”（由 duikou audit head 输出）".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> AuditContent {
        AuditContent {
            seq: 1,
            at: "2026-01-01T00:00:00Z".into(),
            user_id: 1,
            action: "create".into(),
            entity: "orgs".into(),
            entity_id: 5,
            before: serde_json::Value::Null,
            after: serde_json::json!({"name": "南京农业大学", "b": 1, "a": 2}),
            row_hash: None,
        }
    }

    #[test]
    fn any_change_breaks_the_chain() {
        let c = content();
        let h = chain_hash(GENESIS_HASH, &c);
        assert_eq!(h.len(), 64);
        let mut c2 = c.clone();
        c2.after["name"] = "北京林业大学".into();
        assert_ne!(chain_hash(GENESIS_HASH, &c2), h);
        assert_ne!(chain_hash(&h, &c), h);
        let mut c3 = c.clone();
        c3.row_hash = Some(row_hash("orgs", &c.after));
        assert_ne!(chain_hash(GENESIS_HASH, &c3), h, "the row hash is chained");
    }

    #[test]
    fn an_event_without_a_row_hash_keeps_its_old_hash() {
        // the hash of an event written before rows were hashed, as it was computed then
        let old = {
            let v = r#"{"seq":1,"at":"2026-01-01T00:00:00Z","user_id":1,"action":"create","entity":"orgs","entity_id":5,"before":null,"after":{"a":2,"b":1,"name":"南京农业大学"}}"#;
            let mut h = Sha256::new();
            h.update(GENESIS_HASH.as_bytes());
            h.update(b"\n");
            h.update(v.as_bytes());
            hex::encode(h.finalize())
        };
        assert_eq!(chain_hash(GENESIS_HASH, &content()), old);
    }

    #[test]
    fn row_hash_ignores_member_order_but_not_values() {
        let a = serde_json::json!({"id": 1, "amount": "12.00", "x": {"b": 1, "a": [1, 2]}});
        let mut m = serde_json::Map::new();
        m.insert("x".into(), serde_json::json!({"a": [1, 2], "b": 1}));
        m.insert("amount".into(), "12.00".into());
        m.insert("id".into(), 1.into());
        assert_eq!(row_hash("t", &a), row_hash("t", &Value::Object(m)));
        assert_ne!(row_hash("t", &a), row_hash("u", &a));
        let mut b = a.clone();
        b["amount"] = "12.01".into();
        assert_ne!(row_hash("t", &a), row_hash("t", &b));
    }

    #[test]
    fn the_mac_needs_the_key() {
        let m = head_mac(b"k1", 7, "ab");
        assert!(mac_matches(b"k1", 7, "ab", &m));
        assert!(!mac_matches(b"k2", 7, "ab", &m));
        assert!(!mac_matches(b"k1", 8, "ab", &m));
        assert!(!mac_matches(b"k1", 7, "ac", &m));
        assert!(!mac_matches(b"k1", 7, "ab", "zz"));
    }

    #[test]
    fn a_head_mark_round_trips_and_is_found_in_a_file() {
        let h = HeadMark {
            seq: 42,
            hash: "a".repeat(64),
            mac: "b".repeat(64),
        };
        assert_eq!(HeadMark::find(&h.to_string()), Ok(h.clone()));
        assert_eq!(HeadMark::find(&format!("审计日志头\n{h}\n")), Ok(h.clone()));
        assert!(HeadMark::find("42:abc:def").is_err());
        assert!(HeadMark::find("").is_err());
    }
}
