//! The periods a pairing's work summary is offered for: the last complete year (or school year) first, never the
//! running one without saying so, then the earlier ones and the whole term.

use chrono::{Datelike, NaiveDate};

/// One period a summary can be written for.
pub struct PeriodChoice {
    /// The period in its written form (`2025`, `2024-2025`, `term`).
    pub value: String,
    /// What a person reads (`2025年`, `2024—2025学年（本学年尚未结束）`, `全期`).
    pub label: String,
}

/// The periods of a pairing running `start`..`end` (either unknown), newest complete one first, as of `today`: school
/// years on a school calendar (a school year starting 1 September), calendar years otherwise; the running period last
/// but one, labelled as running; the whole term last. At most `limit` dated periods.
pub fn summary_periods(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    school: bool,
    today: NaiveDate,
    limit: usize,
) -> Vec<PeriodChoice> {
    // the first year of a period containing `d`: its calendar year, or the year its school year began
    let first_year = |d: NaiveDate| {
        if school && d.month() < 9 {
            d.year() - 1
        } else {
            d.year()
        }
    };
    let running = first_year(today);
    let last = end.map_or(running, |e| first_year(e).min(running));
    let first = start
        .map_or(last - (limit as i32 - 1), first_year)
        .max(last - (limit as i32 - 1));
    let write = |y: i32| {
        if school {
            (format!("{y}-{}", y + 1), format!("{y}—{}学年", y + 1))
        } else {
            (y.to_string(), format!("{y}年"))
        }
    };
    let mut out = Vec::new();
    for y in (first..=last).rev().filter(|y| *y < running) {
        let (value, label) = write(y);
        out.push(PeriodChoice { value, label });
    }
    if last == running {
        let (value, label) = write(running);
        let note = if school {
            "（本学年尚未结束）"
        } else {
            "（本年尚未结束）"
        };
        out.push(PeriodChoice {
            value,
            label: format!("{label}{note}"),
        });
    }
    out.push(PeriodChoice {
        value: "term".into(),
        label: "全期（结对以来）".into(),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn values(v: &[PeriodChoice]) -> Vec<&str> {
        v.iter().map(|p| p.value.as_str()).collect()
    }

    #[test]
    fn the_last_complete_year_comes_first_and_the_running_one_says_so() {
        let v = summary_periods(Some(d("2011-01-01")), None, false, d("2026-12-06"), 4);
        assert_eq!(values(&v), ["2025", "2024", "2023", "2026", "term"]);
        assert_eq!(v[3].label, "2026年（本年尚未结束）");
        // a pairing that ended long ago offers its own last years, none running
        let v = summary_periods(Some(d("2010-01-01")), Some(d("2012-12-31")), false, d("2026-12-06"), 10);
        assert_eq!(values(&v), ["2012", "2011", "2010", "term"]);
    }

    #[test]
    fn a_school_calendar_offers_school_years() {
        let v = summary_periods(Some(d("2013-10-01")), Some(d("2016-08-31")), true, d("2026-12-06"), 10);
        assert_eq!(values(&v), ["2015-2016", "2014-2015", "2013-2014", "term"]);
        assert_eq!(v[0].label, "2015—2016学年");
        // in November 2026 the school year 2026-2027 runs; 2025-2026 is the last complete one
        let v = summary_periods(Some(d("2025-09-01")), None, true, d("2026-11-01"), 10);
        assert_eq!(values(&v), ["2025-2026", "2026-2027", "term"]);
        assert_eq!(v[1].label, "2026—2027学年（本学年尚未结束）");
    }
}
