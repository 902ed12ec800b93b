//! Figures collected while the summary is written: each measure once, with one value.

use crate::{Figure, Inconsistent, Records};
use duikou_report::Span;

/// Collects figures while the text, the tables and the charts are written: each measure (key) once, with one value.
#[derive(Default)]
pub(crate) struct Figures {
    pub(crate) list: Vec<Figure>,
    /// Measures that were given a second, different value.
    clashes: Vec<Inconsistent>,
}

impl Figures {
    /// A figure of the prose.
    pub(crate) fn span(&mut self, key: &str, label: &str, value: String, records: impl Into<Records>) -> Span {
        self.note(key, label, value.clone(), records);
        Span::figure(value, key)
    }

    /// A figure a table or chart shows (or the prose states again): the same measure must have the same value.
    pub(crate) fn note(&mut self, key: &str, label: &str, value: String, records: impl Into<Records>) {
        match self.list.iter().find(|f| f.key == key) {
            Some(f) if f.value == value => {}
            Some(f) => self.clashes.push(Inconsistent {
                key: key.into(),
                label: label.into(),
                values: (f.value.clone(), value),
            }),
            None => self.list.push(Figure {
                key: key.into(),
                label: label.into(),
                value,
                records: records.into(),
            }),
        }
    }

    /// The figures, or the first measure given two values.
    pub(crate) fn check(self) -> Result<Vec<Figure>, Inconsistent> {
        match self.clashes.into_iter().next() {
            Some(c) => Err(c),
            None => Ok(self.list),
        }
    }
}
