//! A record read for evaluation or a summary: its values in one row, beside the field names that every record of
//! the same read shares. A JSON object per record would build a map and a new string for every field name of
//! every record; at hundreds of thousands of records that building, and freeing, is most of the cost of a read.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};
use std::ops::Index;
use std::sync::Arc;

static NULL: Value = Value::Null;

/// Field names shared by the records of one read.
pub type Names = Arc<[Box<str>]>;

/// One record: `values[i]` is the field `names[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rec {
    names: Names,
    values: Box<[Value]>,
}

/// Read access to a record's fields by name, for records kept either way (a [`Rec`] or a JSON object).
pub trait Fields {
    /// The field's value; `None` where the record has no such field.
    fn field(&self, name: &str) -> Option<&Value>;
}

impl Fields for Value {
    fn field(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

impl<T: Fields + ?Sized> Fields for &T {
    fn field(&self, name: &str) -> Option<&Value> {
        (**self).field(name)
    }
}

impl Fields for Rec {
    fn field(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

/// Names for [`Rec::new`], made once per read.
pub fn names<'a>(names: impl IntoIterator<Item = &'a str>) -> Names {
    names.into_iter().map(Box::from).collect()
}

/// JSON objects as records, each with its own names (for records made by hand, as in tests).
pub fn recs(v: Vec<Value>) -> Vec<Rec> {
    v.into_iter().map(Rec::from).collect()
}

impl Rec {
    /// A record of `values` named by `names`; missing values are null, values beyond the names are dropped.
    pub fn new(names: Names, mut values: Vec<Value>) -> Rec {
        values.resize(names.len(), Value::Null);
        Rec {
            names,
            values: values.into_boxed_slice(),
        }
    }

    /// A field's value; `None` where the record has no such field.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.names.iter().position(|n| **n == *name).map(|i| &self.values[i])
    }

    /// The record's `id` (0 where it has none).
    pub fn id(&self) -> i64 {
        self.get("id").and_then(Value::as_i64).unwrap_or(0)
    }

    /// Each field's name and value, in the read's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.names.iter().map(|n| &**n).zip(self.values.iter())
    }

    /// The record as a JSON object.
    pub fn to_value(&self) -> Value {
        Value::Object(
            self.iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<Map<_, _>>(),
        )
    }
}

impl Index<&str> for Rec {
    type Output = Value;

    /// The field's value, null where the record has no such field (as indexing a JSON object answers).
    fn index(&self, name: &str) -> &Value {
        self.get(name).unwrap_or(&NULL)
    }
}

impl From<Value> for Rec {
    /// A JSON object's fields as a record; anything else is a record without fields.
    fn from(v: Value) -> Rec {
        let Value::Object(m) = v else {
            return Rec::new(names([]), Vec::new());
        };
        let (keys, values): (Vec<String>, Vec<Value>) = m.into_iter().unzip();
        Rec::new(keys.into_iter().map(String::into_boxed_str).collect(), values)
    }
}

impl Serialize for Rec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.values.len()))?;
        for (k, v) in self.iter() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_answers_as_its_json_object_would() {
        let v = json!({"id": 7, "kind": "teaching", "hours": 12, "note": null});
        let r = Rec::from(v.clone());
        for k in ["id", "kind", "hours", "note", "missing"] {
            assert_eq!(r[k], v[k], "{k}");
            assert_eq!(r.get(k), v.get(k), "{k}");
        }
        assert_eq!(r.id(), 7);
        assert_eq!(r.to_value(), v);
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
    }

    #[test]
    fn records_of_one_read_share_their_names() {
        let n = names(["id", "kind"]);
        let a = Rec::new(n.clone(), vec![json!(1), json!("training")]);
        let b = Rec::new(n.clone(), vec![json!(2)]);
        assert_eq!(Arc::strong_count(&n), 3);
        assert_eq!(a["kind"], "training");
        assert_eq!(b["kind"], Value::Null, "a missing value is null");
        assert_eq!(b.get("kind"), Some(&Value::Null));
        assert_eq!(Rec::from(json!([1, 2])).get("id"), None);
    }
}
