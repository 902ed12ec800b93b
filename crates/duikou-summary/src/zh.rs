//! Numbers as Chinese reports print them: counts exact ("14名"), large tallies rounded down with 余 ("1500余课时"),
//! money in 万元/亿元, rates as whole percents, and 一、二、三 for headings.

use duikou_domain::approx::{Bound, Total};
use duikou_domain::Money;

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// A small number in Chinese numerals, for headings and ordinals (1 → 一, 12 → 十二, 20 → 二十).
pub fn numeral(n: u32) -> String {
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", DIGITS[(n % 10) as usize]),
        20..=99 => {
            let tail = if n.is_multiple_of(10) {
                String::new()
            } else {
                DIGITS[(n % 10) as usize].to_string()
            };
            format!("{}十{tail}", DIGITS[(n / 10) as usize])
        }
        _ => n.to_string(),
    }
}

/// A level-1 heading prefix: 一、
pub fn heading(n: u32) -> String {
    format!("{}、", numeral(n))
}

/// A level-2 heading prefix: （一）
pub fn subheading(n: u32) -> String {
    format!("（{}）", numeral(n))
}

/// A tally as the genre rounds it: below 20 exact; two-digit numbers to the ten, larger ones to two significant
/// digits, rounded down, with 余 when something was cut off (53 → "50余", 40 → "40", 1523 → "1500余"); from 10 000 in
/// 万 (10768 → "1万余", 15000 → "1.5万").
pub fn tally(n: i64) -> String {
    if n < 20 {
        return n.to_string();
    }
    let digits = n.to_string().len() as u32;
    let step = 10i64.pow(digits.saturating_sub(2).max(1));
    let kept = n / step * step;
    let more = if kept < n { "余" } else { "" };
    if kept >= 10_000 {
        let wan = kept / 10_000;
        let rest = kept % 10_000 / 1_000;
        if rest == 0 {
            format!("{wan}万{more}")
        } else {
            format!("{wan}.{rest}万{more}")
        }
    } else {
        format!("{kept}{more}")
    }
}

/// A tally of figures some of which may be approximate, written by the rule of [`duikou_domain::approx::Total`]:
/// exact → [`tally`]; at least (余) → the tally with 余 ("1500余"); at most → "近1523"; about → "约1523"; a range
/// → "20—50" ("约20—50" when also qualified). The unit follows.
pub fn tally_total(t: &Total) -> String {
    let f = t.figure();
    match (f.qualifier, f.upper) {
        (None, None) => tally(f.value),
        (q, Some(u)) => format!("{}{}—{u}", if q.is_some() { "约" } else { "" }, f.value),
        (Some(q), None) => match q.bound() {
            Bound::AtLeast => {
                let s = tally(f.value);
                if s.ends_with('余') {
                    s
                } else {
                    format!("{s}余")
                }
            }
            Bound::AtMost => format!("近{}", f.value),
            Bound::About => format!("约{}", f.value),
        },
    }
}

/// A count of records or projects: exact counts as they are (403, never rounded to "400余"), approximate ones by
/// [`tally_total`] ("300余", "近18").
pub fn count_total(t: &Total) -> String {
    if t.is_exact() {
        t.value().to_string()
    } else {
        tally_total(t)
    }
}

/// A total of money (fen) some of which may be approximate, by the same rule: "4.09亿元", "1500余万元",
/// "约1000万元", "近50万元", "20—50万元".
pub fn money_total(t: &Total) -> String {
    let f = t.figure();
    let lo = money(Money::from_fen(f.value));
    match (f.qualifier, f.upper) {
        (None, None) => lo,
        (q, Some(u)) => {
            let hi = money(Money::from_fen(u));
            let prefix = if q.is_some() { "约" } else { "" };
            let unit = |s: &str| {
                ["亿元", "万元", "元"]
                    .into_iter()
                    .find(|x| s.ends_with(x))
                    .unwrap_or("")
            };
            if unit(&lo) == unit(&hi) {
                format!("{prefix}{}—{hi}", lo.strip_suffix(unit(&lo)).unwrap_or(&lo))
            } else {
                format!("{prefix}{lo}—{hi}")
            }
        }
        (Some(q), None) => match q.bound() {
            Bound::AtLeast => {
                let split = ["亿元", "万元", "元"]
                    .into_iter()
                    .find_map(|x| lo.strip_suffix(x).map(|n| (n, x)));
                match split {
                    Some((n, x)) => format!("{n}余{x}"),
                    None => format!("{lo}余"),
                }
            }
            Bound::AtMost => format!("近{lo}"),
            Bound::About => format!("约{lo}"),
        },
    }
}

/// Money as a report prints it: 亿元 from 1亿 and 万元 from 1万 with up to two decimals, else 元 ("4.09亿元", "3700万元").
pub fn money(m: Money) -> String {
    let fen = m.fen();
    let (div, unit) = if fen.abs() >= 10_000_000_000 {
        (10_000_000_000i128, "亿元")
    } else if fen.abs() >= 1_000_000 {
        (1_000_000, "万元")
    } else {
        (100, "元")
    };
    let hundredths = (fen as i128 * 100 * 2 + div * fen.signum() as i128) / (div * 2);
    let whole = hundredths / 100;
    let frac = (hundredths % 100).abs();
    let text = if frac == 0 {
        whole.to_string()
    } else if frac % 10 == 0 {
        format!("{whole}.{}", frac / 10)
    } else {
        format!("{whole}.{frac:02}")
    };
    format!("{text}{unit}")
}

/// A whole percent, rounded half up ("109%"); `None` when nothing to divide by.
pub fn percent(num: i64, den: i64) -> Option<String> {
    (den > 0).then(|| format!("{}%", (num * 200 + den) / (den * 2)))
}

/// Names joined as a Chinese list: 甲、乙和丙.
pub fn join(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        n => format!("{}和{}", names[..n - 1].join("、"), names[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genre_numbers() {
        assert_eq!(numeral(4), "四");
        assert_eq!(numeral(12), "十二");
        assert_eq!(numeral(20), "二十");
        assert_eq!(numeral(35), "三十五");
        assert_eq!(heading(2), "二、");
        assert_eq!(subheading(3), "（三）");
        assert_eq!(tally(14), "14");
        assert_eq!(tally(40), "40");
        assert_eq!(tally(53), "50余");
        assert_eq!(tally(1523), "1500余");
        assert_eq!(tally(1500), "1500");
        assert_eq!(tally(10768), "1万余");
        assert_eq!(tally(15000), "1.5万");
        assert_eq!(money(Money::from_yuan(408_570_000)), "4.09亿元");
        assert_eq!(money(Money::from_wan(3700)), "3700万元");
        assert_eq!(money(Money::from_yuan(45_641_000)), "4564.1万元");
        assert_eq!(money(Money::from_yuan(80_000)), "8万元");
        assert_eq!(money(Money::from_yuan(5_000)), "5000元");
        assert_eq!(percent(9426, 8640).as_deref(), Some("109%"));
        assert_eq!(percent(5780, 9426).as_deref(), Some("61%"));
        assert_eq!(percent(1, 0), None);
        assert_eq!(join(&["甲".into(), "乙".into(), "丙".into()]), "甲、乙和丙");
    }
}
