//! A record's date at the precision it is known: a day (`2014-06-15`), a month (`2014-06`) or a year (`2011`).
//! A fact known only as "2011年" belongs to 2011 and to no other year: it stands for the whole of 2011, never for
//! 1 January. One rule ([`attribute`]) decides, for the summary, the obligation windows and list filters alike,
//! whether a record counts in a period.
//!
//! Written forms accepted ([`RecDate::from_str`]):
//! - a day: `2014-06-15` (the fast path), `2014-6-5`, `2014/6/5`, `2014.6.5`, `2014年6月5日`, `20140615`;
//! - a month: `2014-06`, `2014-6`, `2014/06`, `2014.06`, `2014年6月`;
//! - a year: `2011`, `2011年`.
//!
//! Refused as ambiguous or incomplete: a year of fewer than four digits (`14-6`, `14年6月`: which century?), six
//! digits run together (`201406`: 2014-06 or 20-14-06?), a separator with nothing after it (`2014-6-`, `2014年6`:
//! a month, or a day cut off?), separators mixed in one date (`2014-06/15`), and anything else that is not one of
//! the forms above. Years run from 1900 to 2200, as periods do.

use chrono::{Datelike, NaiveDate};
use serde_json::Value;
use std::fmt;
use std::str::FromStr;

/// How precisely a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Precision {
    /// A day.
    Day,
    /// A month: the fact lies somewhere in it.
    Month,
    /// A year: the fact lies somewhere in it.
    Year,
}

impl Precision {
    /// The stored name: `day`, `month`, `year`.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }

    /// The stored name read back; NULL (`None`) and anything unknown are a day (rows written before precisions).
    pub fn from_stored(s: Option<&str>) -> Precision {
        match s {
            Some("month") => Precision::Month,
            Some("year") => Precision::Year,
            _ => Precision::Day,
        }
    }

    /// The Chinese name: 日、月、年.
    pub fn label_zh(self) -> &'static str {
        match self {
            Precision::Day => "日",
            Precision::Month => "月",
            Precision::Year => "年",
        }
    }
}

/// A date at its precision: `first` is the first day it may stand for (the day itself, the 1st of the month, 1 January).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecDate {
    /// The first day (for a day, the day).
    pub first: NaiveDate,
    /// How precisely it is known.
    pub precision: Precision,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateParseError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it, in Chinese (empty for "not a date at all").
    pub reason: &'static str,
}

impl fmt::Display for DateParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "应为日期：年（2011 或 2011年）、年月（2014-06 或 2014年6月）或年月日（2014-06-15 或 2014年6月15日），收到“{}”",
            self.text
        )?;
        if !self.reason.is_empty() {
            write!(f, "（{}）", self.reason)?;
        }
        Ok(())
    }
}

impl std::error::Error for DateParseError {}

const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

fn last_of_month(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

impl RecDate {
    /// A day.
    pub fn day(d: NaiveDate) -> RecDate {
        RecDate {
            first: d,
            precision: Precision::Day,
        }
    }

    /// A month (`None` for a month that does not exist).
    pub fn month(y: i32, m: u32) -> Option<RecDate> {
        Some(RecDate {
            first: NaiveDate::from_ymd_opt(y, m, 1)?,
            precision: Precision::Month,
        })
    }

    /// A year.
    pub fn year(y: i32) -> Option<RecDate> {
        Some(RecDate {
            first: NaiveDate::from_ymd_opt(y, 1, 1)?,
            precision: Precision::Year,
        })
    }

    /// The date as stored (its first day and its precision) read back; the first day is brought to the start of
    /// its month or year, so a stored row can never stand for days outside its precision.
    pub fn from_stored(first: NaiveDate, precision: Option<&str>) -> RecDate {
        match Precision::from_stored(precision) {
            Precision::Day => RecDate::day(first),
            Precision::Month => RecDate::month(first.year(), first.month()).unwrap_or(RecDate::day(first)),
            Precision::Year => RecDate::year(first.year()).unwrap_or(RecDate::day(first)),
        }
    }

    /// The last day it may stand for.
    pub fn last(&self) -> NaiveDate {
        match self.precision {
            Precision::Day => self.first,
            Precision::Month => last_of_month(self.first.year(), self.first.month()),
            Precision::Year => NaiveDate::from_ymd_opt(self.first.year(), 12, 31).unwrap_or(self.first),
        }
    }

    /// Its first and last day, inclusive.
    pub fn interval(&self) -> (NaiveDate, NaiveDate) {
        (self.first, self.last())
    }

    /// The Chinese form at its precision: 2011年、2014年6月、2014年6月15日.
    pub fn label_zh(&self) -> String {
        let d = self.first;
        match self.precision {
            Precision::Day => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            Precision::Month => format!("{}年{}月", d.year(), d.month()),
            Precision::Year => format!("{}年", d.year()),
        }
    }

    /// A record's date value (its written form) read; `None` for null, a non-text or a text that is not a date.
    pub fn of(v: &Value) -> Option<RecDate> {
        v.as_str().and_then(|s| s.parse().ok())
    }
}

impl fmt::Display for RecDate {
    /// The written form at its precision: `2011`, `2014-06`, `2014-06-15`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.first;
        match self.precision {
            Precision::Day => write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            Precision::Month => write!(f, "{:04}-{:02}", d.year(), d.month()),
            Precision::Year => write!(f, "{:04}", d.year()),
        }
    }
}

/// `YYYY-MM-DD` read directly (dates are read for every record the engine counts).
fn fast_day(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| {
        r.map(|i| b[i])
            .try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let y = y as i32;
    YEARS.contains(&y).then(|| NaiveDate::from_ymd_opt(y, m, d)).flatten()
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl FromStr for RecDate {
    type Err = DateParseError;

    fn from_str(s: &str) -> Result<RecDate, DateParseError> {
        if let Some(d) = fast_day(s.as_bytes()) {
            return Ok(RecDate::day(d));
        }
        let err = |reason: &'static str| DateParseError {
            text: s.to_string(),
            reason,
        };
        let t = s.trim();
        // the Chinese form: 2011年 / 2014年6月 / 2014年6月15日, each unit closed by its character
        let parts: Vec<&str> = if t.contains(['年', '月', '日']) {
            let mut parts = Vec::new();
            let mut rest = t;
            for unit in ['年', '月', '日'] {
                if rest.is_empty() {
                    break;
                }
                match rest.split_once(unit) {
                    Some((n, r)) => {
                        parts.push(n);
                        rest = r;
                    }
                    None => return Err(err("年、月、日后的数字须各以“年”“月”“日”结束")),
                }
            }
            if !rest.is_empty() {
                return Err(err(""));
            }
            parts
        } else {
            let seps: Vec<char> = t.chars().filter(|c| matches!(c, '-' | '/' | '.')).collect();
            if seps.windows(2).any(|w| w[0] != w[1]) {
                return Err(err("一个日期中混用了不同的分隔符"));
            }
            match seps.first() {
                Some(&c) => t.split(c).collect(),
                None if t.len() == 8 && digits(t) => vec![&t[..4], &t[4..6], &t[6..]],
                None if t.len() == 6 && digits(t) => {
                    return Err(err("六位数字无法区分年月，请写作 2014-06 或 2014年6月"))
                }
                None => vec![t],
            }
        };
        if parts.iter().skip(1).any(|p| p.is_empty()) {
            return Err(err("分隔符后缺少数字"));
        }
        if !parts.iter().all(|p| digits(p)) {
            return Err(err(""));
        }
        if parts[0].len() != 4 {
            return Err(err("年份须写全四位数字"));
        }
        if parts.iter().skip(1).any(|p| p.len() > 2) {
            return Err(err("月、日最多两位数字"));
        }
        let n = |p: &str| p.parse::<u32>().unwrap_or(0);
        let y = n(parts[0]) as i32;
        if !YEARS.contains(&y) {
            return Err(err("年份应在 1900 至 2200 之间"));
        }
        match parts.as_slice() {
            [_] => RecDate::year(y).ok_or_else(|| err("")),
            [_, m] => RecDate::month(y, n(m)).ok_or_else(|| err("没有这个月份")),
            [_, m, d] => NaiveDate::from_ymd_opt(y, n(m), n(d))
                .map(RecDate::day)
                .ok_or_else(|| err("没有这一天")),
            _ => Err(err("")),
        }
    }
}

/// The first day a record's date value may stand for (a term's start): `None` for no date.
pub fn first_day(v: &Value) -> Option<NaiveDate> {
    RecDate::of(v).map(|d| d.first)
}

/// The last day a record's date value may stand for (a term's end: "2016" runs to 31 December 2016).
pub fn last_day(v: &Value) -> Option<NaiveDate> {
    RecDate::of(v).map(|d| d.last())
}

/// Where a record falls against a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribution {
    /// Its whole interval lies within the period: it counts there.
    In,
    /// It lies wholly outside the period.
    Out,
    /// It overlaps the period only in part: it cannot be attributed to the period (never counted twice).
    Straddles,
}

/// A record's interval from its start (or only) date and its end date: `[start.first, (end or start).last()]`.
pub fn record_interval(start: RecDate, end: Option<RecDate>) -> (NaiveDate, NaiveDate) {
    let last = end.unwrap_or(start).last().max(start.first);
    (start.first, last)
}

/// The one rule: a record whose interval lies within `period` counts there; one that overlaps it only in part is
/// not attributable to it; one that does not touch it is out.
pub fn attribute(interval: (NaiveDate, NaiveDate), period: (NaiveDate, NaiveDate)) -> Attribution {
    let (a, b) = interval;
    let (from, to) = period;
    if a >= from && b <= to {
        Attribution::In
    } else if b < from || a > to {
        Attribution::Out
    } else {
        Attribution::Straddles
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Calendar, Period};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn p(s: &str) -> RecDate {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn every_accepted_form_parses_at_its_precision() {
        for (s, written) in [
            ("2011", "2011"),
            ("2011年", "2011"),
            (" 2011年 ", "2011"),
            ("2014-06", "2014-06"),
            ("2014-6", "2014-06"),
            ("2014年6月", "2014-06"),
            ("2014年06月", "2014-06"),
            ("2014.06", "2014-06"),
            ("2014/06", "2014-06"),
            ("2014.6", "2014-06"),
            ("2014-06-15", "2014-06-15"),
            ("2014-6-5", "2014-06-05"),
            ("2014/6/5", "2014-06-05"),
            ("2014.6.5", "2014-06-05"),
            ("2014年6月15日", "2014-06-15"),
            ("20140615", "2014-06-15"),
        ] {
            assert_eq!(p(s).to_string(), written, "{s}");
            assert_eq!(p(written), p(s), "{s} round-trips");
        }
        assert_eq!(p("2011").precision, Precision::Year);
        assert_eq!(p("2014年6月").precision, Precision::Month);
        assert_eq!(p("2014-06-15").precision, Precision::Day);
        assert_eq!(p("2011").label_zh(), "2011年");
        assert_eq!(p("2014-06").label_zh(), "2014年6月");
        assert_eq!(p("2014-06-05").label_zh(), "2014年6月5日");
    }

    #[test]
    fn ambiguous_or_incomplete_forms_are_refused_with_a_reason() {
        for (s, reason) in [
            ("14-6", "四位"),
            ("14年6月", "四位"),
            ("2014-6-", "缺少数字"),
            ("2014-", "缺少数字"),
            ("201406", "六位数字"),
            ("2014年6", "结束"),
            ("2014-06/15", "混用"),
            ("2014-13", "月份"),
            ("2014-02-30", "这一天"),
            ("1899", "1900"),
            ("2014-006", "两位"),
        ] {
            let e = s.parse::<RecDate>().expect_err(s);
            assert!(e.reason.contains(reason), "{s}: {}", e.reason);
            assert!(e.to_string().contains(s), "{s}: the message names the text");
        }
        for bad in ["", "六月", "2014年6月15日上午", "abcd", "2014-06-15T00:00", "２０１４"] {
            assert!(bad.parse::<RecDate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn intervals_at_each_precision() {
        assert_eq!(p("2011").interval(), (d("2011-01-01"), d("2011-12-31")));
        assert_eq!(p("2016-02").interval(), (d("2016-02-01"), d("2016-02-29")));
        assert_eq!(p("2014-12").interval(), (d("2014-12-01"), d("2014-12-31")));
        assert_eq!(p("2014-06-15").interval(), (d("2014-06-15"), d("2014-06-15")));
        assert_eq!(
            record_interval(p("2014-06"), Some(p("2015"))),
            (d("2014-06-01"), d("2015-12-31"))
        );
        assert_eq!(RecDate::from_stored(d("2011-05-03"), Some("year")), p("2011"));
        assert_eq!(RecDate::from_stored(d("2011-05-03"), None), p("2011-05-03"));
    }

    #[test]
    fn attribution_in_years_semesters_and_terms() {
        let c = Calendar::school();
        let b = |s: &str| s.parse::<Period>().unwrap().bounds(&c, None).unwrap();
        let one = |s: &str| p(s).interval();
        // a fact of "2011" counts in 2011 and in no other year
        assert_eq!(attribute(one("2011"), b("2011")), Attribution::In);
        assert_eq!(attribute(one("2011"), b("2012")), Attribution::Out);
        assert_eq!(attribute(one("2011"), b("2010")), Attribution::Out);
        // …and no semester or school year holds the whole of 2011
        assert_eq!(attribute(one("2011"), b("2011-2012S1")), Attribution::Straddles);
        assert_eq!(attribute(one("2011"), b("2010-2011")), Attribution::Straddles);
        assert_eq!(attribute(one("2011"), b("十二五")), Attribution::In);
        // a month inside a semester that contains the whole month counts there
        assert_eq!(attribute(one("2014-06"), b("2013-2014S2")), Attribution::In);
        assert_eq!(attribute(one("2014-06"), b("2014-2015S1")), Attribution::Out);
        assert_eq!(attribute(one("2014-06"), b("2014")), Attribution::In);
        assert_eq!(attribute(one("2014-06"), b("2014Q2")), Attribution::In);
        // a semester ending mid-month (a calendar whose spring term starts on 15 February)
        let mid = Calendar {
            semester2_start: (2, 15),
            ..Calendar::school()
        };
        let s1 = "2014-2015S1".parse::<Period>().unwrap().bounds(&mid, None).unwrap();
        assert_eq!(s1.1, d("2015-02-14"));
        assert_eq!(attribute(one("2015-02"), s1), Attribution::Straddles);
        assert_eq!(attribute(one("2015-01"), s1), Attribution::In);
        // a day is in or out, never straddling
        assert_eq!(attribute(one("2015-02-14"), s1), Attribution::In);
        assert_eq!(attribute(one("2015-02-15"), s1), Attribution::Out);
        // a term (a range) holds what lies within it
        let term = "2013-10-01..2016-08-31"
            .parse::<Period>()
            .unwrap()
            .bounds(&c, None)
            .unwrap();
        assert_eq!(attribute(one("2014"), term), Attribution::In);
        assert_eq!(attribute(one("2013"), term), Attribution::Straddles);
        assert_eq!(
            attribute(record_interval(p("2013-09"), Some(p("2013-10-02"))), term),
            Attribution::Straddles
        );
    }

    proptest::proptest! {
        /// Any text parses or is refused, never a panic; what parses writes back to the same date.
        #[test]
        fn no_text_panics_and_what_parses_round_trips(s in "\\PC{0,16}", t in "[0-9年月日/.\\-]{0,12}") {
            let _ = s.parse::<RecDate>();
            if let Ok(x) = t.parse::<RecDate>() {
                proptest::prop_assert_eq!(x.to_string().parse::<RecDate>(), Ok(x));
            }
        }
    }
}
