//! Exact quantities with up to four decimals (output quantities, indicator values such as 54.63 or 19.08亿元).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A quantity held exactly as an integer count of ten-thousandths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Qty(i64);

const SCALE: i64 = 10_000;

impl Qty {
    /// The largest quantity one record may hold: 100 亿 (10¹⁰, stored as 10¹⁴ ten-thousandths). Far above any
    /// planned output or indicator value (indicators are kept in 万元/亿元, %, 人 …), and small enough that a value
    /// with its four decimals has at most 15 significant digits, so its JSON number is exact, and that i64 holds
    /// 92 233 such values side by side, so no realistic total overflows.
    pub const MAX: Qty = Qty(10_000_000_000 * SCALE);

    /// True when the value lies within ±[`Qty::MAX`], the range a record may hold.
    pub const fn within_limit(self) -> bool {
        self.0.unsigned_abs() <= Qty::MAX.0.unsigned_abs()
    }

    /// The ceiling as a Chinese message writes it: `10 000 000 000`.
    pub fn max_zh() -> String {
        crate::money::group_digits(&Qty::MAX.to_string())
    }

    /// Sum that stops at the largest (or smallest) value i64 holds instead of wrapping.
    pub const fn saturating_add(self, other: Qty) -> Qty {
        Qty(self.0.saturating_add(other.0))
    }

    /// From the stored integer of ten-thousandths.
    pub const fn from_raw(raw: i64) -> Self {
        Qty(raw)
    }

    /// From a whole number.
    /// From a whole number (saturating at the ends of the stored range rather than wrapping).
    pub const fn from_int(v: i64) -> Self {
        Qty(v.saturating_mul(SCALE))
    }

    /// The stored integer of ten-thousandths.
    pub const fn raw(self) -> i64 {
        self.0
    }

    /// True below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The value as a float, for ratios and charts only (never stored).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    /// The whole part when the value has no decimals.
    pub fn as_int(self) -> Option<i64> {
        (self.0 % SCALE == 0).then_some(self.0 / SCALE)
    }
}

impl fmt::Display for Qty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = abs / SCALE as u64;
        let frac = abs % SCALE as u64;
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let digits = format!("{frac:04}");
            write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// Why a text is not a quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QtyParseError(pub String);

impl fmt::Display for QtyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "数量格式不正确（最多四位小数）：{}", self.0)
    }
}

impl std::error::Error for QtyParseError {}

impl FromStr for Qty {
    type Err = QtyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || QtyParseError(s.to_string());
        let t = s.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t),
        };
        let (i, f) = t.split_once('.').unwrap_or((t, ""));
        if i.is_empty()
            || !i.chars().all(|c| c.is_ascii_digit())
            || !f.chars().all(|c| c.is_ascii_digit())
            || f.len() > 4
            || i.len() > 14
        {
            return Err(err());
        }
        let whole: i64 = i.parse().map_err(|_| err())?;
        let frac: i64 = if f.is_empty() {
            0
        } else {
            format!("{f:0<4}").parse().map_err(|_| err())?
        };
        let v = whole * SCALE + frac;
        Ok(Qty(if neg { -v } else { v }))
    }
}

impl Serialize for Qty {
    /// A JSON number: an integer when whole, else the shortest decimal (exact for up to 15 significant digits).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_int() {
            Some(i) => s.serialize_i64(i),
            None => s.serialize_f64(self.as_f64()),
        }
    }
}

impl<'de> Deserialize<'de> for Qty {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let text = match &v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(serde::de::Error::custom("数量应为数字")),
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_round_trip() {
        for s in ["54.63", "19.08", "1245.3", "8640", "-2.5", "0.0001"] {
            let q: Qty = s.parse().unwrap();
            assert_eq!(q.to_string(), s);
            let j = serde_json::to_string(&q).unwrap();
            assert_eq!(j, s);
            let back: Qty = serde_json::from_str(&j).unwrap();
            assert_eq!(back, q);
        }
        assert!("1.00001".parse::<Qty>().is_err());
        assert!("x".parse::<Qty>().is_err());
    }

    #[test]
    fn the_ceiling_is_ten_billion() {
        assert_eq!(Qty::MAX, Qty::from_int(10_000_000_000));
        assert_eq!(Qty::max_zh(), "10 000 000 000");
        assert!(Qty::MAX.within_limit());
        assert!(!"10000000000.0001".parse::<Qty>().unwrap().within_limit());
        // the largest value a record may hold, with all four decimals, survives JSON exactly
        let q: Qty = "9999999999.9999".parse().unwrap();
        assert!(q.within_limit());
        let back: Qty = serde_json::from_str(&serde_json::to_string(&q).unwrap()).unwrap();
        assert_eq!(back, q);
        assert_eq!(Qty::from_int(i64::MAX).raw(), i64::MAX);
    }
}
