//! Exact quantities with up to four decimals (output quantities, indicator values such as 54.63 or 19.08亿元).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A quantity held exactly as an integer count of ten-thousandths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Qty(i64);

const SCALE: i64 = 10_000;

impl Qty {
    /// From the stored integer of ten-thousandths.
    pub const fn from_raw(raw: i64) -> Self {
        Qty(raw)
    }

    /// From a whole number.
    pub const fn from_int(v: i64) -> Self {
        Qty(v * SCALE)
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
}
