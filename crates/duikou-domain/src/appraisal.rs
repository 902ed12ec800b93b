//! Which years of a dispatched person's stay the receiver still owes an annual appraisal (年度考核) for.
//!
//! A year is appraised when the person spent most of it (at least [`HALF_YEAR_DAYS`] days, counted up to today) at
//! the receiver. A stay that never spends that long in one calendar year — a semester's 支教, a few weeks' 挂职 — is
//! appraised once, for any year, after it ends.

use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;

/// Days in a calendar year that make it one of the stay's appraisal years.
pub const HALF_YEAR_DAYS: i64 = 183;

/// The years of a stay from `start` to `end` (open when still running) that want an appraisal and have none in
/// `appraised`, as of `today`.
pub fn years_to_appraise(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    today: NaiveDate,
    appraised: &BTreeSet<i64>,
) -> Vec<i32> {
    let Some(start) = start.filter(|s| *s <= today) else {
        return Vec::new();
    };
    let last = end.map_or(today, |e| e.min(today));
    if last < start {
        return Vec::new();
    }
    let days_in = |year: i32| {
        let (Some(first), Some(next)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year + 1, 1, 1),
        ) else {
            return 0;
        };
        (last.min(next.pred_opt().unwrap_or(next)) - start.max(first)).num_days() + 1
    };
    let long: Vec<i32> = (start.year()..=last.year())
        .filter(|y| days_in(*y) >= HALF_YEAR_DAYS)
        .collect();
    if long.is_empty() {
        // a short stay: one appraisal, once it is over
        let over = end.is_some_and(|e| e <= today);
        return if over && appraised.is_empty() {
            vec![last.year()]
        } else {
            Vec::new()
        };
    }
    long.into_iter()
        .filter(|y| !appraised.contains(&i64::from(*y)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    #[test]
    fn the_years_of_a_stay_still_to_appraise() {
        let today = d("2016-03-01").unwrap();
        let none = BTreeSet::new();
        // a school year: most of 2015 was spent there
        assert_eq!(
            years_to_appraise(d("2014-09-01"), d("2015-07-10"), today, &none),
            vec![2015]
        );
        assert_eq!(
            years_to_appraise(d("2014-09-01"), d("2015-07-10"), today, &[2014].into()),
            vec![2015],
            "another year's appraisal does not count for it"
        );
        // three years: each full year, and not this one (two months in so far)
        assert_eq!(
            years_to_appraise(d("2013-09-01"), None, today, &[2014].into()),
            vec![2015]
        );
        // a semester's stay is appraised once, after it ends, whatever year is written on it
        assert_eq!(
            years_to_appraise(d("2013-10-15"), d("2014-04-17"), today, &none),
            vec![2014]
        );
        assert!(years_to_appraise(d("2013-10-15"), d("2014-04-17"), today, &[2014].into()).is_empty());
        assert!(years_to_appraise(d("2013-10-15"), d("2014-04-17"), today, &[2013].into()).is_empty());
        assert!(
            years_to_appraise(d("2016-01-04"), d("2016-06-30"), today, &none).is_empty(),
            "still running"
        );
        assert!(
            years_to_appraise(d("2016-09-01"), None, today, &none).is_empty(),
            "not begun"
        );
        assert!(years_to_appraise(None, d("2014-01-01"), today, &none).is_empty());
        assert!(years_to_appraise(d("2015-01-01"), d("2014-01-01"), today, &none).is_empty());
    }
}
