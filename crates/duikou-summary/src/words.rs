//! The wording shared by the sections: paragraphs, dates, terms and periods in the genre's words.

use crate::rec::date;
use chrono::Datelike;
use duikou_domain::{Precision, RecDate};
use duikou_report::{Block, Cell, Span};
use serde_json::Value;

/// A lead and its parts, each part's spans kept (with their figures), the parts set apart by `sep`.
pub(crate) fn joined(lead: impl Into<String>, parts: impl IntoIterator<Item = Vec<Span>>, sep: &str) -> Vec<Span> {
    let mut spans = vec![Span::text(lead.into())];
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::text(sep));
        }
        spans.extend(p);
    }
    spans
}

/// A paragraph of spans.
pub(crate) fn para(spans: Vec<Span>) -> Block {
    Block::Paragraph { spans }
}

/// A date to its month ("2004年9月"), or its year alone when only the year is known ("2004年").
pub(crate) fn fmt_date(s: &str) -> String {
    match s.parse::<RecDate>() {
        Ok(d) if d.precision == Precision::Year => d.label_zh(),
        Ok(d) => d.first.format("%Y年%-m月").to_string(),
        Err(_) => s.to_string(),
    }
}

/// A date in a table: a day as a date cell, a month or a year in its Chinese form (never as its first day).
pub(crate) fn date_cell(v: &Value) -> Cell {
    match date(v) {
        Some(d) if d.precision == Precision::Day => Cell::Date(d.first),
        Some(d) => Cell::Text(d.label_zh()),
        None => Cell::Empty,
    }
}

/// How long a record's term runs when it is whole months from its first day to its last, both known to the day:
/// "2个月", "3年"; `None` otherwise.
pub(crate) fn whole_months(r: &Value) -> Option<String> {
    whole_months_between(&r["start_date"], &r["end_date"])
}

/// [`whole_months`] of a first and a last day.
pub(crate) fn whole_months_between(start: &Value, end: &Value) -> Option<String> {
    use chrono::Months;
    let (a, b) = (date(start)?, date(end)?);
    if a.precision != Precision::Day || b.precision != Precision::Day {
        return None;
    }
    let n =
        (1..=600).find(|n| a.first.checked_add_months(Months::new(*n)).and_then(|d| d.pred_opt()) == Some(b.first))?;
    // 35个月 is true but no one writes it: months under a year, else whole years only
    match n {
        1..=11 => Some(format!("{n}个月")),
        _ if n % 12 == 0 => Some(format!("{}年", n / 12)),
        _ => None,
    }
}

/// An indicator value's period in words: "2011年上半年", "2010—2014年" for a range of whole years.
fn period_words(period: &str) -> String {
    match period.parse::<duikou_domain::Period>() {
        Ok(duikou_domain::Period::Range(a, b))
            if (a.month(), a.day(), b.month(), b.day()) == (1, 1, 12, 31) && a.year() < b.year() =>
        {
            format!("{}—{}年", a.year(), b.year())
        }
        Ok(p) => p.label_zh(),
        Err(_) => period.to_string(),
    }
}

/// An indicator value's time in words, as its period is meant ([`schema::PERIOD_BASES`]): "2012年", "2010年以来"
/// (a total since then, its end left open by the source), "2010—2014年间最高", "2012年前后".
pub(crate) fn when_words(v: &crate::IndicatorValue) -> String {
    based_period_words(&v.period, v.period_basis.as_deref())
}

/// [`when_words`] of a period and its basis.
pub(crate) fn based_period_words(period: &str, basis: Option<&str>) -> String {
    let words = period_words(period);
    match basis {
        Some("since") => match period
            .parse::<duikou_domain::Period>()
            .ok()
            .and_then(|p| p.bounds(&Default::default(), None))
        {
            Some((a, _)) => format!("{}年以来", a.year()),
            None => format!("{words}以来"),
        },
        Some("peak") => format!("{words}间最高"),
        Some("within") => format!("{words}间某时（未注明具体时间）"),
        Some("about") => format!("{words}前后"),
        _ => words,
    }
}
