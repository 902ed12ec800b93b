//! How a cell or figure is written out in text (docx, Markdown, HTML): money in 万元, percents, Chinese dates.
//! One place, so that every output of the same table reads the same.

use crate::model::{Cell, Column, ColumnKind};
use chrono::{Datelike, NaiveDate};

/// Money in fen as 万元 with two decimals and thousands separators ("12,345.67"), rounded half away from zero.
///
/// Integer arithmetic throughout: fen are exact, and a float would print 0.005 万元 differently on different inputs.
pub fn money_wan(fen: i64) -> String {
    // One hundredth of a 万元 is 100 元, i.e. 10 000 fen.
    let neg = fen < 0;
    let abs = fen.unsigned_abs();
    let mut hundredths = abs / 10_000;
    if abs % 10_000 >= 5_000 {
        hundredths += 1;
    }
    let whole = group_thousands(hundredths / 100);
    let frac = hundredths % 100;
    if neg && hundredths != 0 {
        format!("-{whole}.{frac:02}")
    } else {
        format!("{whole}.{frac:02}")
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A date as a Chinese document writes it: "2014年9月1日".
pub(crate) fn date_cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A float with `decimals` places, halves rounded away from zero (as in money), and no "-0.00".
pub(crate) fn fixed(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    // `format!` alone rounds exact halves to even (54.625 → "54.62"); people expect "54.63".
    let scale = 10f64.powi(decimals.min(15) as i32);
    let rounded = (v * scale).round() / scale;
    let v = if rounded.is_finite() { rounded } else { v };
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A quantity with at most two decimals, trailing zeros dropped ("1500", "3.5").
pub(crate) fn trimmed(v: f64) -> String {
    let s = fixed(v, 2);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The text of one cell as shown in a document table. Money is 万元 (the unit goes in the header, see
/// [`header_text`]), percents carry "%".
pub fn format_cell(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Int(i) => i.to_string(),
        Cell::Number(v) => trimmed(*v),
        Cell::Money(fen) => money_wan(*fen),
        Cell::Percent(p) => {
            if p.is_finite() {
                format!("{}%", fixed(*p, 2))
            } else {
                "—".to_string()
            }
        }
        Cell::Date(d) => date_cn(*d),
    }
}

/// A column header as printed: money columns say their unit once, here, rather than in every cell.
pub(crate) fn header_text(col: &Column) -> String {
    match col.kind {
        ColumnKind::Money if !col.header.contains("万元") => format!("{}（万元）", col.header),
        _ => col.header.clone(),
    }
}

/// Whether a column's cells line up on the right (figures) rather than the left or centre.
pub(crate) fn is_numeric(kind: &ColumnKind) -> bool {
    matches!(
        kind,
        ColumnKind::Int | ColumnKind::Number | ColumnKind::Money | ColumnKind::Percent
    )
}

/// Display width in half-width columns: CJK and full-width characters count 2, the rest 1.
pub(crate) fn display_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// East Asian Wide and Full-width ranges (UAX #11), enough for layout estimates.
pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_wan_rounds_half_away_from_zero() {
        assert_eq!(money_wan(0), "0.00");
        assert_eq!(money_wan(123_456_789), "123.46");
        assert_eq!(money_wan(5_000), "0.01");
        assert_eq!(money_wan(4_999), "0.00");
        assert_eq!(money_wan(-4_999), "0.00");
        assert_eq!(money_wan(-15_000), "-0.02");
        assert_eq!(money_wan(1_234_567_890_000), "1,234,567.89");
        assert_eq!(money_wan(i64::MIN), "-9,223,372,036,854.78");
    }

    #[test]
    fn cells_read_as_a_chinese_table_would() {
        assert_eq!(format_cell(&Cell::Percent(54.625)), "54.63%");
        assert_eq!(format_cell(&Cell::Number(-0.0001)), "0");
        assert_eq!(format_cell(&Cell::Number(f64::NAN)), "—");
        assert_eq!(format_cell(&Cell::Number(3.50)), "3.5");
        let d = NaiveDate::from_ymd_opt(2014, 9, 1).unwrap();
        assert_eq!(format_cell(&Cell::Date(d)), "2014年9月1日");
        assert_eq!(display_width("表1 援派人员"), 12);
    }
}
