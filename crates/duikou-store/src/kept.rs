//! What is kept until the next write: values by key, valid at one audit head. A reader who read the head `h` before
//! asking (with its sign-in, [`crate::Store::session_seen`]) may be given a value made at `h`; a value made after it
//! only holds more writes, never fewer. A later head clears what was kept, so nothing made before a write is served
//! after it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Values kept at one audit head, at most `cap` of them.
pub struct HeadKept<K, V> {
    inner: Mutex<Inner<K, V>>,
    cap: usize,
}

struct Inner<K, V> {
    head: i64,
    values: HashMap<K, Arc<V>>,
}

impl<K: Hash + Eq, V> HeadKept<K, V> {
    /// Keeps at most `cap` values per head (the rest are made on each request until the head moves).
    pub fn new(cap: usize) -> Self {
        HeadKept {
            inner: Mutex::new(Inner {
                head: i64::MIN,
                values: HashMap::new(),
            }),
            cap,
        }
    }

    /// The value kept for `key` at `head`, if any.
    pub fn get(&self, head: i64, key: &K) -> Option<Arc<V>> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (inner.head == head).then(|| inner.values.get(key).cloned()).flatten()
    }

    /// Keeps `value`, made after `head` was read, for `key`; answers it. A value for an older head than the kept
    /// ones is answered but not kept.
    pub fn put(&self, head: i64, key: K, value: V) -> Arc<V> {
        let value = Arc::new(value);
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if head > inner.head {
            inner.head = head;
            inner.values.clear();
        }
        if head == inner.head && inner.values.len() < self.cap {
            inner.values.insert(key, value.clone());
        }
        value
    }
}

impl<K, V> std::fmt::Debug for HeadKept<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("HeadKept")
            .field("head", &inner.head)
            .field("values", &inner.values.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_at_one_head_and_bounded() {
        let kept: HeadKept<&str, i32> = HeadKept::new(2);
        assert_eq!(kept.get(1, &"a"), None);
        kept.put(1, "a", 10);
        assert_eq!(kept.get(1, &"a").as_deref(), Some(&10));
        assert_eq!(kept.get(2, &"a"), None, "a write moved the head: not served");
        kept.put(1, "b", 20);
        kept.put(1, "c", 30);
        assert_eq!(kept.get(1, &"c"), None, "at most two kept");
        assert_eq!(*kept.put(2, "a", 11), 11);
        assert_eq!(kept.get(1, &"b"), None, "the older head's values are gone");
        assert_eq!(*kept.put(1, "old", 1), 1, "a value made at an older head is answered");
        assert_eq!(kept.get(1, &"old"), None, "… and not kept");
        assert_eq!(kept.get(2, &"a").as_deref(), Some(&11));
    }
}
