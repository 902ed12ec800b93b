//! Periods: one written form everywhere (API, CLI, files) and their date bounds on a program's calendar.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// When a program's school year and semesters begin. Defaults: school year 1 Sep, semester 2 on 1 Feb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// `school_year` or `calendar_year`: which windows the program counts in.
    pub kind: CalendarKind,
    /// Month and day the school year (and semester 1) starts.
    #[serde(default = "default_sy_start")]
    pub school_year_start: (u32, u32),
    /// Month and day semester 2 starts.
    #[serde(default = "default_s2_start")]
    pub semester2_start: (u32, u32),
}

fn default_sy_start() -> (u32, u32) {
    (9, 1)
}
fn default_s2_start() -> (u32, u32) {
    (2, 1)
}

/// Whether a program runs on school years with two semesters or on calendar years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarKind {
    /// 学年 with two 学期.
    SchoolYear,
    /// 自然年.
    CalendarYear,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            kind: CalendarKind::CalendarYear,
            school_year_start: default_sy_start(),
            semester2_start: default_s2_start(),
        }
    }
}

impl Calendar {
    /// The school-year calendar of Chinese schools (1 Sep / 1 Feb).
    pub fn school() -> Self {
        Calendar {
            kind: CalendarKind::SchoolYear,
            ..Calendar::default()
        }
    }

    /// Checks the month/day pairs are real dates (29 February allowed).
    pub fn validate(&self) -> Result<(), String> {
        for (m, d) in [self.school_year_start, self.semester2_start] {
            if NaiveDate::from_ymd_opt(2000, m, d).is_none() {
                return Err(format!("校历日期无效：{m}月{d}日"));
            }
        }
        Ok(())
    }
}

/// A period of time in the one written form duikou uses everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// `2014`: a calendar year.
    Year(i32),
    /// `2014H1`, `2014H2`.
    Half(i32, u8),
    /// `2014Q3`.
    Quarter(i32, u8),
    /// `2014-06`.
    Month(i32, u32),
    /// `2014-2015`: the school year starting in 2014.
    SchoolYear(i32),
    /// `2014-2015S1` (autumn) / `2014-2015S2` (spring).
    Semester(i32, u8),
    /// `2013-10-01..2016-08-31`: a custom inclusive range.
    Range(NaiveDate, NaiveDate),
    /// `十二五`: a five-year plan period (number 3 or later).
    Plan(u8),
    /// `term`: the whole term of a pairing.
    Term,
}

/// Why a text is not a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodParseError(pub String);

impl fmt::Display for PeriodParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "期间格式不正确：“{}”（应为 2014、2014H1、2014Q3、2014-06、2014-2015、2014-2015S1、2013-10-01..2016-08-31、十二五 或 term）",
            self.0
        )
    }
}

impl std::error::Error for PeriodParseError {}

const PLAN_NUMERALS: [&str; 20] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七",
    "十八", "十九", "二十",
];

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1).and_then(|d| d.pred_opt())
}

fn year_ok(y: i32) -> bool {
    (1900..=2200).contains(&y)
}

impl FromStr for Period {
    type Err = PeriodParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodParseError(s.to_string());
        let t = s.trim();
        if t == "term" {
            return Ok(Period::Term);
        }
        if let Some((a, b)) = t.split_once("..") {
            let from = NaiveDate::parse_from_str(a, "%Y-%m-%d").map_err(|_| err())?;
            let to = NaiveDate::parse_from_str(b, "%Y-%m-%d").map_err(|_| err())?;
            if to < from || !year_ok(from.year()) || !year_ok(to.year()) {
                return Err(err());
            }
            return Ok(Period::Range(from, to));
        }
        if let Some(n) = t.strip_suffix('五') {
            if let Some(i) = PLAN_NUMERALS.iter().position(|x| *x == n) {
                let num = (i + 1) as u8;
                if num >= 3 {
                    return Ok(Period::Plan(num));
                }
            }
            return Err(err());
        }
        // every form left is ASCII: checking it first makes the byte positions below character boundaries, so a
        // multibyte text (`12中456789`) is refused instead of slicing a character in two
        if !t.is_ascii() {
            return Err(err());
        }
        let digits = |x: &str, n: usize| x.len() == n && x.bytes().all(|b| b.is_ascii_digit());
        if digits(t, 4) {
            let y: i32 = t.parse().map_err(|_| err())?;
            return if year_ok(y) { Ok(Period::Year(y)) } else { Err(err()) };
        }
        if t.len() == 6 && digits(&t[..4], 4) {
            let y: i32 = t[..4].parse().map_err(|_| err())?;
            let n = t.as_bytes()[5].wrapping_sub(b'0');
            if !year_ok(y) {
                return Err(err());
            }
            return match t.as_bytes()[4] {
                b'H' if (1..=2).contains(&n) => Ok(Period::Half(y, n)),
                b'Q' if (1..=4).contains(&n) => Ok(Period::Quarter(y, n)),
                _ => Err(err()),
            };
        }
        if t.len() == 7 && digits(&t[..4], 4) && &t[4..5] == "-" && digits(&t[5..], 2) {
            let y: i32 = t[..4].parse().map_err(|_| err())?;
            let m: u32 = t[5..].parse().map_err(|_| err())?;
            if !year_ok(y) || !(1..=12).contains(&m) {
                return Err(err());
            }
            return Ok(Period::Month(y, m));
        }
        if t.len() >= 9 && digits(&t[..4], 4) && &t[4..5] == "-" && digits(&t[5..9], 4) {
            let y1: i32 = t[..4].parse().map_err(|_| err())?;
            let y2: i32 = t[5..9].parse().map_err(|_| err())?;
            if y2 != y1 + 1 || !year_ok(y1) {
                return Err(err());
            }
            return match &t[9..] {
                "" => Ok(Period::SchoolYear(y1)),
                "S1" => Ok(Period::Semester(y1, 1)),
                "S2" => Ok(Period::Semester(y1, 2)),
                _ => Err(err()),
            };
        }
        Err(err())
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Half(y, h) => write!(f, "{y}H{h}"),
            Period::Quarter(y, q) => write!(f, "{y}Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::SchoolYear(y) => write!(f, "{y}-{}", y + 1),
            Period::Semester(y, s) => write!(f, "{y}-{}S{s}", y + 1),
            Period::Range(a, b) => write!(f, "{a}..{b}"),
            Period::Plan(n) => write!(f, "{}五", PLAN_NUMERALS[(n as usize).saturating_sub(1).min(19)]),
            Period::Term => f.write_str("term"),
        }
    }
}

impl Period {
    /// First and last day (inclusive) on `calendar`; `term` needs the pairing's term.
    pub fn bounds(&self, calendar: &Calendar, term: Option<(NaiveDate, NaiveDate)>) -> Option<(NaiveDate, NaiveDate)> {
        let (sm, sd) = calendar.school_year_start;
        let (s2m, s2d) = calendar.semester2_start;
        match *self {
            Period::Year(y) => Some((ymd(y, 1, 1)?, ymd(y, 12, 31)?)),
            Period::Half(y, 1) => Some((ymd(y, 1, 1)?, ymd(y, 6, 30)?)),
            Period::Half(y, _) => Some((ymd(y, 7, 1)?, ymd(y, 12, 31)?)),
            Period::Quarter(y, q) => {
                let m = (q as u32 - 1) * 3 + 1;
                Some((ymd(y, m, 1)?, last_day_of_month(y, m + 2)?))
            }
            Period::Month(y, m) => Some((ymd(y, m, 1)?, last_day_of_month(y, m)?)),
            Period::SchoolYear(y) => Some((ymd(y, sm, sd)?, ymd(y + 1, sm, sd)?.pred_opt()?)),
            Period::Semester(y, 1) => Some((ymd(y, sm, sd)?, ymd(y + 1, s2m, s2d)?.pred_opt()?)),
            Period::Semester(y, _) => Some((ymd(y + 1, s2m, s2d)?, ymd(y + 1, sm, sd)?.pred_opt()?)),
            Period::Range(a, b) => Some((a, b)),
            Period::Plan(n) => {
                let start = 1966 + 5 * (n as i32 - 3);
                Some((ymd(start, 1, 1)?, ymd(start + 4, 12, 31)?))
            }
            Period::Term => term,
        }
    }

    /// A Chinese label for reports: "2014-2015学年第一学期", "2014年", "十二五时期".
    pub fn label_zh(&self) -> String {
        match *self {
            Period::Year(y) => format!("{y}年"),
            Period::Half(y, 1) => format!("{y}年上半年"),
            Period::Half(y, _) => format!("{y}年下半年"),
            Period::Quarter(y, q) => format!("{y}年第{}季度", ["一", "二", "三", "四"][(q as usize - 1).min(3)]),
            Period::Month(y, m) => format!("{y}年{m}月"),
            Period::SchoolYear(y) => format!("{y}-{}学年", y + 1),
            Period::Semester(y, 1) => format!("{y}-{}学年第一学期", y + 1),
            Period::Semester(y, _) => format!("{y}-{}学年第二学期", y + 1),
            Period::Range(a, b) => format!("{}至{}", a.format("%Y年%-m月%-d日"), b.format("%Y年%-m月%-d日")),
            Period::Plan(_) => format!("“{self}”时期"),
            Period::Term => "帮扶期内".to_string(),
        }
    }

    /// The windows of one kind that overlap `[from, to]`, in order (semesters, school years or years).
    pub fn windows(kind: WindowKind, from: NaiveDate, to: NaiveDate, calendar: &Calendar) -> Vec<Period> {
        let mut out = Vec::new();
        let start_year = from.year() - 1;
        for y in start_year..=to.year() {
            let candidates: Vec<Period> = match kind {
                WindowKind::Year => vec![Period::Year(y)],
                WindowKind::SchoolYear => vec![Period::SchoolYear(y)],
                WindowKind::Semester => vec![Period::Semester(y, 1), Period::Semester(y, 2)],
            };
            for p in candidates {
                if let Some((a, b)) = p.bounds(calendar, None) {
                    if a <= to && b >= from {
                        out.push(p);
                    }
                }
            }
        }
        out
    }
}

/// The repeating windows an obligation can be counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    /// 学期.
    Semester,
    /// 学年.
    SchoolYear,
    /// 自然年.
    Year,
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_written_form_round_trips() {
        for s in [
            "2014",
            "2014H1",
            "2014H2",
            "2014Q3",
            "2014-06",
            "2014-2015",
            "2014-2015S1",
            "2014-2015S2",
            "2013-10-01..2016-08-31",
            "十二五",
            "term",
        ] {
            let p: Period = s.parse().unwrap();
            assert_eq!(p.to_string(), s, "{s}");
        }
        for bad in [
            "2014-2016",
            "2014Q5",
            "2014-13",
            "14",
            "2016-08-31..2013-10-01",
            "二五",
            "",
            "2014-2015S3",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn multibyte_text_is_refused_not_a_panic() {
        for bad in [
            "12中456789",
            "2014中",
            "2014-中1",
            "2014-2015中",
            "中14-2015S1",
            "2014Q中",
            "十二五五",
            "é014H1",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// Any text at all (ASCII, CJK, combining marks, emoji, control characters) parses or is refused.
        #[test]
        fn no_text_makes_the_parser_panic(s in "\\PC{0,24}", t in "[0-9中期S五Q\\-.H十]{0,14}") {
            let _ = s.parse::<Period>();
            let _ = t.parse::<Period>();
            let _ = format!("{s}..{t}").parse::<Period>();
        }

        /// Whatever parses writes back to the same period.
        #[test]
        fn what_parses_round_trips(t in "[0-9]{4}(-[0-9]{2,4})?(S[12]|H[12]|Q[1-4])?") {
            if let Ok(p) = t.parse::<Period>() {
                proptest::prop_assert_eq!(p.to_string().parse::<Period>(), Ok(p));
            }
        }
    }

    #[test]
    fn school_calendar_bounds() {
        let c = Calendar::school();
        let b = |s: &str| s.parse::<Period>().unwrap().bounds(&c, None).unwrap();
        assert_eq!(b("2014-2015"), (d("2014-09-01"), d("2015-08-31")));
        assert_eq!(b("2014-2015S1"), (d("2014-09-01"), d("2015-01-31")));
        assert_eq!(b("2014-2015S2"), (d("2015-02-01"), d("2015-08-31")));
        assert_eq!(b("2014Q1"), (d("2014-01-01"), d("2014-03-31")));
        assert_eq!(b("2016-02"), (d("2016-02-01"), d("2016-02-29")));
        assert_eq!(b("十二五"), (d("2011-01-01"), d("2015-12-31")));
        assert_eq!(b("十一五"), (d("2006-01-01"), d("2010-12-31")));
        assert_eq!("term".parse::<Period>().unwrap().bounds(&c, None), None);
    }

    #[test]
    fn semesters_of_the_school_pairing_term() {
        let c = Calendar::school();
        let w = Period::windows(WindowKind::Semester, d("2013-10-01"), d("2016-08-31"), &c);
        let names: Vec<String> = w.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            names,
            [
                "2013-2014S1",
                "2013-2014S2",
                "2014-2015S1",
                "2014-2015S2",
                "2015-2016S1",
                "2015-2016S2"
            ]
        );
        assert_eq!(w[0].label_zh(), "2013-2014学年第一学期");
    }
}
