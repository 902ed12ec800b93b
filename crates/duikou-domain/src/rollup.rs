//! Indicator values of a region and of the regions below it (issue #16 item 7): a value recorded for the region
//! itself (新疆's 1627个 aid projects, recorded at 650000) and the sum of its children's (its prefectures' values) are
//! two different figures, told apart and never mixed.
//!
//! The rule, for one indicator and one period:
//! - A child stands for everything below it by its own recorded value; a child without one stands by the sum of its
//!   own children, but only when every one of them has a value (a partial sum is not a child's value).
//! - The region's sum counts the children that have a value and says how many of how many: "3 of 14 prefectures" is
//!   not 新疆's total, and the caller must say so.
//! - Only stocks and flows add up across regions (`sum` and `last`); rates and averages never do.

use crate::approx::{Figure, Total};
use std::collections::BTreeMap;

/// Whether values of an indicator with this aggregation (`sum`, `average`, `last`, `rate`) add up across regions.
pub fn adds_up(aggregation: &str) -> bool {
    matches!(aggregation, "sum" | "last")
}

/// What is known of one indicator in one period for one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolledUp {
    /// The value recorded for the region itself.
    pub recorded: Option<Figure>,
    /// The sum over the region's children, when at least one has a value.
    pub summed: Option<ChildSum>,
}

/// The sum of a region's children's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildSum {
    /// The total, approximate when a member is.
    pub total: Total,
    /// The children counted, in code order.
    pub counted: Vec<String>,
    /// How many children the region has.
    pub children: usize,
}

impl ChildSum {
    /// Whether every child is counted: only then is the sum the region's whole.
    pub fn complete(&self) -> bool {
        self.counted.len() == self.children
    }
}

/// Rolls up the values `recorded` (region code → figure, one indicator, one period) for `region`, over the tree
/// `children_of` (region code → its children's codes).
pub fn roll_up(
    region: &str,
    children_of: &BTreeMap<String, Vec<String>>,
    recorded: &BTreeMap<String, Figure>,
) -> RolledUp {
    RolledUp {
        recorded: recorded.get(region).copied(),
        summed: child_sum(region, children_of, recorded, 0),
    }
}

/// A tree deeper than this is not a region tree (province, prefecture, county, town).
const DEPTH: usize = 6;

fn child_sum(
    region: &str,
    children_of: &BTreeMap<String, Vec<String>>,
    recorded: &BTreeMap<String, Figure>,
    depth: usize,
) -> Option<ChildSum> {
    let children = children_of.get(region).filter(|c| !c.is_empty() && depth < DEPTH)?;
    let mut total = Total::new();
    let mut counted = Vec::new();
    for child in children {
        let stands = match recorded.get(child) {
            Some(f) => Some(Total::from_iter([*f])),
            None => child_sum(child, children_of, recorded, depth + 1)
                .filter(ChildSum::complete)
                .map(|s| s.total),
        };
        if let Some(t) = stands {
            total.merge(t);
            counted.push(child.clone());
        }
    }
    counted.sort();
    (!counted.is_empty()).then_some(ChildSum {
        total,
        counted,
        children: children.len(),
    })
}

/// One indicator in one period for a region, as [`Store::region_indicators`] tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaIndicator {
    /// The indicator's code, name, unit and aggregation.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// The period as stored (`2011`, `2010-01-01..2011-12-31`).
    pub period: String,
    /// How the period is meant when the source leaves it open (`since`, `peak`, `within`, `about`: see
    /// [`crate::schema::PERIOD_BASES`]); such values are told as recorded and never summed.
    pub basis: Option<String>,
    /// The value recorded for the region itself, with the id of the value record.
    pub recorded: Option<(Figure, i64)>,
    /// The sum over the region's children, with the names of those counted, how many children there are and the ids
    /// of the value records summed.
    pub summed: Option<AreaSum>,
}

/// The children's sum of an [`AreaIndicator`].
#[derive(Debug, Clone, PartialEq)]
pub struct AreaSum {
    /// The total.
    pub figure: Figure,
    /// The children counted, by name, in code order.
    pub counted: Vec<String>,
    /// How many children the region has.
    pub children: usize,
    /// The value records summed (each child's own, or its children's).
    pub records: Vec<i64>,
}

impl AreaSum {
    /// Whether every child is counted.
    pub fn complete(&self) -> bool {
        self.counted.len() == self.children
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approx::Qualifier;

    fn tree(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(p, c)| (p.to_string(), c.iter().map(|c| c.to_string()).collect()))
            .collect()
    }

    fn values(pairs: &[(&str, i64)]) -> BTreeMap<String, Figure> {
        pairs.iter().map(|(c, v)| (c.to_string(), Figure::exact(*v))).collect()
    }

    #[test]
    fn the_recorded_value_and_the_childrens_sum_are_told_apart() {
        let t = tree(&[("65", &["6501", "6502", "6503"])]);
        let r = roll_up("65", &t, &values(&[("65", 1627), ("6501", 100), ("6502", 50)]));
        assert_eq!(r.recorded, Some(Figure::exact(1627)));
        let s = r.summed.unwrap();
        assert_eq!(s.total.value(), 150);
        assert_eq!(
            (s.counted, s.children),
            (vec!["6501".to_string(), "6502".to_string()], 3)
        );
    }

    #[test]
    fn a_child_stands_by_its_own_value_else_by_its_complete_sum() {
        let t = tree(&[
            ("65", &["6501", "6502"]),
            ("6501", &["650101", "650102"]),
            ("6502", &["650201", "650202"]),
        ]);
        // 6501 has its own value and children's values: its own counts, once
        // 6502 has none, and only one of its two children: it is not counted
        let v = values(&[("6501", 10), ("650101", 4), ("650102", 5), ("650201", 7)]);
        let s = roll_up("65", &t, &v).summed.unwrap();
        assert_eq!((s.total.value(), s.counted.len(), s.children), (10, 1, 2));
        assert!(!s.complete());
        // with both of 6502's children, 6502 stands by their sum
        let v = values(&[("6501", 10), ("650101", 4), ("650201", 7), ("650202", 1)]);
        let s = roll_up("65", &t, &v).summed.unwrap();
        assert_eq!((s.total.value(), s.counted.len()), (18, 2));
        assert!(s.complete());
        assert_eq!(roll_up("65", &t, &v).recorded, None);
    }

    #[test]
    fn a_sum_is_approximate_when_a_member_is_and_nothing_is_summed_without_values() {
        let t = tree(&[("65", &["6501", "6502"])]);
        let mut v = values(&[("6501", 300)]);
        v.insert(
            "6502".into(),
            Figure {
                value: 200,
                qualifier: Some(Qualifier::Yu),
                upper: None,
            },
        );
        let s = roll_up("65", &t, &v).summed.unwrap();
        assert_eq!(s.total.figure().value, 500);
        assert_eq!(s.total.figure().qualifier, Some(Qualifier::Yu));
        assert_eq!(
            roll_up("65", &t, &values(&[])),
            RolledUp {
                recorded: None,
                summed: None
            }
        );
        assert_eq!(roll_up("6501", &t, &v).summed, None, "a leaf has no children to sum");
    }

    #[test]
    fn only_stocks_and_flows_add_up() {
        assert!(adds_up("sum") && adds_up("last"));
        assert!(!adds_up("rate") && !adds_up("average") && !adds_up(""));
    }
}
