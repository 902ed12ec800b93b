//! Money held exactly as integer fen (分), read and written as yuan with up to two decimals, shown in 元/万元/亿元.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An exact amount of money in fen (1 元 = 100 分). Never a float.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyParseError(pub String);

impl fmt::Display for MoneyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "金额格式不正确：{}", self.0)
    }
}

impl std::error::Error for MoneyParseError {}

impl Money {
    /// Zero yuan.
    pub const ZERO: Money = Money(0);

    /// From integer fen.
    pub const fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    /// From whole yuan.
    pub const fn from_yuan(yuan: i64) -> Self {
        Money(yuan * 100)
    }

    /// From whole 万元 (10 000 yuan).
    pub const fn from_wan(wan: i64) -> Self {
        Money(wan * 1_000_000)
    }

    /// The amount in fen.
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// The largest amount one record may hold: 1 万亿元 (10¹⁴ fen), above any single sum a counterpart-assistance
    /// program moves (a whole province's yearly assistance is a few hundred 亿元). The ceiling is what keeps totals
    /// exact: i64 fen holds 92 233 such amounts side by side, so the national totals of realistic records never
    /// come near overflowing, and one careless or hostile record cannot spoil anyone else's.
    pub const MAX: Money = Money(100_000_000_000_000);

    /// True when the amount lies within ±[`Money::MAX`], the range a record may hold.
    pub const fn within_limit(self) -> bool {
        self.0.unsigned_abs() <= Money::MAX.0.unsigned_abs()
    }

    /// The ceiling as a Chinese message writes it: `1 000 000 000 000.00 元`.
    pub fn max_zh() -> String {
        format!("{} 元", Money::MAX.grouped())
    }

    /// Yuan with two decimals and the whole part in groups of three (`1 000 000 000 000.00`), for messages.
    pub fn grouped(self) -> String {
        let plain = self.to_string();
        let (sign, rest) = match plain.strip_prefix('-') {
            Some(r) => ("-", r),
            None => ("", plain.as_str()),
        };
        let (whole, frac) = rest.split_once('.').unwrap_or((rest, "00"));
        format!("{sign}{}.{frac}", group_digits(whole))
    }

    /// Sum that reports overflow instead of wrapping.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Sum that stops at the largest (or smallest) amount i64 fen holds instead of wrapping. With every record
    /// within [`Money::MAX`] this takes over 92 000 record-sized amounts to reach.
    pub const fn saturating_add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }

    /// The amount in 万元 as a display string with up to four decimals, trailing zeros trimmed ("3700", "4564.1").
    pub fn wan_string(self) -> String {
        scaled_string(self.0, 1_000_000, 4)
    }

    /// The amount in 亿元 as a display string with up to four decimals ("4.0857").
    pub fn yi_string(self) -> String {
        scaled_string(self.0, 10_000_000_000, 4)
    }

    /// The amount in the unit a Chinese report would choose: 亿元 from 1亿, 万元 from 1万, else 元.
    pub fn display_zh(self) -> String {
        let abs = self.0.unsigned_abs();
        if abs >= 10_000_000_000 {
            format!("{}亿元", self.yi_string())
        } else if abs >= 1_000_000 {
            format!("{}万元", self.wan_string())
        } else {
            format!("{}元", scaled_string(self.0, 100, 2))
        }
    }
}

/// ASCII digits in groups of three separated by spaces (`1000000` → `1 000 000`), as Chinese forms write limits.
pub(crate) fn group_digits(digits: &str) -> String {
    if !digits.is_ascii() {
        return digits.to_string();
    }
    let first = match digits.len() % 3 {
        0 => 3.min(digits.len()),
        r => r,
    };
    let (head, rest) = digits.split_at(first.min(digits.len()));
    let mut out = head.to_string();
    for chunk in rest.as_bytes().chunks(3) {
        out.push(' ');
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
    }
    out
}

/// `value / divisor` written with at most `decimals` decimals (rounded half away from zero), trailing zeros trimmed.
fn scaled_string(value: i64, divisor: i64, decimals: u32) -> String {
    let neg = value < 0;
    let v = value.unsigned_abs() as u128;
    let d = divisor as u128;
    let step = d / 10u128.pow(decimals).min(d);
    let rounded = (v + step / 2) / step * step;
    let whole = rounded / d;
    let mut frac = rounded % d;
    let mut digits = String::new();
    let mut place = d;
    for _ in 0..decimals {
        if place < 10 {
            break;
        }
        place /= 10;
        digits.push(char::from(b'0' + (frac / place) as u8));
        frac %= place;
    }
    let digits = digits.trim_end_matches('0');
    let sign = if neg && (whole > 0 || !digits.is_empty()) {
        "-"
    } else {
        ""
    };
    if digits.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{digits}")
    }
}

impl fmt::Display for Money {
    /// Yuan with exactly two decimals: `37000000.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl FromStr for Money {
    type Err = MoneyParseError;

    /// Accepts yuan with up to two decimals, optionally followed by 元, 万/万元, 亿/亿元 or 万亿/万亿元
    /// (then the number may carry more decimals as long as the result is whole fen): `3700万`, `4.0857亿元`, `1234.56`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || MoneyParseError(s.to_string());
        let t = s.trim().replace([',', '，', ' '], "");
        let t = t.strip_suffix('元').unwrap_or(&t);
        let (num, scale_fen): (&str, i128) = if let Some(n) = t.strip_suffix("万亿") {
            (n, 100_000_000_000_000)
        } else if let Some(n) = t.strip_suffix('亿') {
            (n, 10_000_000_000)
        } else if let Some(n) = t.strip_suffix('万') {
            (n, 1_000_000)
        } else {
            (t, 100)
        };
        let (neg, num) = match num.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, num),
        };
        if num.is_empty() {
            return Err(err());
        }
        let (int_part, frac_part) = match num.split_once('.') {
            Some((i, f)) => (i, f),
            None => (num, ""),
        };
        if int_part.is_empty() && frac_part.is_empty()
            || !int_part.chars().all(|c| c.is_ascii_digit())
            || !frac_part.chars().all(|c| c.is_ascii_digit())
            || int_part.len() > 18
            || frac_part.len() > 12
        {
            return Err(err());
        }
        let int: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| err())?
        };
        let frac: i128 = if frac_part.is_empty() {
            0
        } else {
            frac_part.parse().map_err(|_| err())?
        };
        let frac_div = 10i128.pow(frac_part.len() as u32);
        let frac_fen_num = frac * scale_fen;
        if frac_fen_num % frac_div != 0 {
            return Err(err());
        }
        let total = int
            .checked_mul(scale_fen)
            .and_then(|v| v.checked_add(frac_fen_num / frac_div))
            .ok_or_else(err)?;
        let total = if neg { -total } else { total };
        i64::try_from(total).map(Money).map_err(|_| err())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    /// A string (`"3700万"`, `"1234.56"`) or a JSON number of yuan.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let text = match &v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(serde::de::Error::custom("金额应为字符串或数字")),
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl std::iter::Sum for Money {
    /// Saturating (see [`Money::saturating_add`]): a total never wraps round to a small or negative amount, and
    /// never panics.
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Self {
        iter.fold(Money::ZERO, Money::saturating_add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_exactly() {
        assert_eq!("3700万".parse::<Money>().unwrap(), Money::from_wan(3700));
        assert_eq!("4.0857亿元".parse::<Money>().unwrap(), Money::from_yuan(408_570_000));
        assert_eq!("4564.1万元".parse::<Money>().unwrap(), Money::from_yuan(45_641_000));
        assert_eq!("1234.56".parse::<Money>().unwrap(), Money::from_fen(123_456));
        assert_eq!("12.84亿".parse::<Money>().unwrap(), Money::from_yuan(1_284_000_000));
        assert!("1.234".parse::<Money>().is_err());
        assert!("abc".parse::<Money>().is_err());
        assert!("".parse::<Money>().is_err());
        assert!("99999999999999999999".parse::<Money>().is_err());
    }

    #[test]
    fn displays_in_report_units() {
        assert_eq!(Money::from_wan(3700).display_zh(), "3700万元");
        assert_eq!(Money::from_yuan(408_570_000).display_zh(), "4.0857亿元");
        assert_eq!(Money::from_yuan(45_641_000).display_zh(), "4564.1万元");
        assert_eq!(Money::from_fen(-150).to_string(), "-1.50");
        assert_eq!(Money::from_yuan(80_000).display_zh(), "8万元");
    }

    #[test]
    fn the_ceiling_is_one_wan_yi_yuan() {
        assert_eq!(Money::MAX, Money::from_yuan(1_000_000_000_000));
        assert_eq!("1万亿元".parse::<Money>(), Ok(Money::MAX));
        assert_eq!("0.5万亿".parse::<Money>(), Ok(Money::from_yuan(500_000_000_000)));
        assert_eq!(Money::max_zh(), "1 000 000 000 000.00 元");
        assert!(Money::MAX.within_limit());
        assert!(!Money::from_fen(Money::MAX.fen() + 1).within_limit());
        let probe: Money = "92233720368547758.07".parse().unwrap();
        assert_eq!(probe.fen(), i64::MAX);
        assert!(!probe.within_limit());
        assert_eq!(Money::from_fen(-123_456_789).grouped(), "-1 234 567.89");
        assert_eq!(Money::from_fen(5).grouped(), "0.05");
        // totals saturate instead of wrapping
        let total: Money = [probe, Money::from_fen(1)].into_iter().sum();
        assert_eq!(total.fen(), i64::MAX);
    }

    #[test]
    fn json_round_trip() {
        let m: Money = serde_json::from_str("\"26000万\"").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"260000000.00\"");
        let n: Money = serde_json::from_str("1500.5").unwrap();
        assert_eq!(n, Money::from_fen(150_050));
    }
}
