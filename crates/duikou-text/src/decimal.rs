//! Exact decimal numbers for extracted values, so 4.0857亿 is 408570000 and 54.63% is 54.63 with no float drift.

use std::cmp::Ordering;
use std::fmt;

use serde::{Serialize, Serializer};

/// Largest scale we keep; 10^38 is the biggest power of ten an `i128` holds.
const MAX_SCALE: u32 = 38;

/// An exact base-10 number: `mantissa × 10^-scale`.
///
/// Always normalised (no trailing zeros in the fraction), so two equal
/// numbers have equal fields and `==` / `Hash` mean numeric equality.
/// Arithmetic is checked: anything beyond `i128` gives `None` instead of
/// wrapping, which is how a 40-digit number becomes an unreadable value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal { mantissa: 0, scale: 0 };

    /// `mantissa × 10^-scale`, or `None` if the scale is beyond 38.
    pub fn new(mantissa: i128, scale: u32) -> Option<Decimal> {
        if scale > MAX_SCALE {
            return None;
        }
        Some(Decimal { mantissa, scale }.normalised())
    }

    /// An integer value.
    pub fn from_int(value: i128) -> Decimal {
        Decimal {
            mantissa: value,
            scale: 0,
        }
    }

    /// `10^exp`, or `None` when it does not fit.
    pub fn pow10(exp: u32) -> Option<Decimal> {
        10i128.checked_pow(exp).map(Decimal::from_int)
    }

    /// The unscaled integer.
    pub fn mantissa(&self) -> i128 {
        self.mantissa
    }

    /// Number of digits after the decimal point.
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// True when there is no fractional part.
    pub fn is_integer(&self) -> bool {
        self.scale == 0
    }

    /// The value as an `i128` when it is an integer.
    pub fn to_i128(&self) -> Option<i128> {
        (self.scale == 0).then_some(self.mantissa)
    }

    /// The nearest `f64` (for callers that only need an approximation).
    pub fn to_f64(&self) -> f64 {
        // Parsing the canonical text gives the correctly rounded f64.
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Exact sum, `None` on overflow.
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = align(self, other)?;
        Decimal::new(a.checked_add(b)?, scale)
    }

    /// Exact product, `None` on overflow.
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let mantissa = self.mantissa.checked_mul(other.mantissa)?;
        Decimal::new(mantissa, self.scale.checked_add(other.scale)?)
    }

    /// Multiply by `10^exp`, `None` on overflow.
    pub fn checked_mul_pow10(self, exp: u32) -> Option<Decimal> {
        self.checked_mul(Decimal::pow10(exp)?)
    }

    fn normalised(mut self) -> Decimal {
        if self.mantissa == 0 {
            return Decimal::ZERO;
        }
        while self.scale > 0 && self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.scale -= 1;
        }
        self
    }
}

/// Bring two numbers to a common scale, `None` if that overflows.
fn align(a: Decimal, b: Decimal) -> Option<(i128, i128, u32)> {
    match a.scale.cmp(&b.scale) {
        Ordering::Equal => Some((a.mantissa, b.mantissa, a.scale)),
        Ordering::Less => {
            let f = 10i128.checked_pow(b.scale - a.scale)?;
            Some((a.mantissa.checked_mul(f)?, b.mantissa, b.scale))
        }
        Ordering::Greater => {
            let f = 10i128.checked_pow(a.scale - b.scale)?;
            Some((a.mantissa, b.mantissa.checked_mul(f)?, a.scale))
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match align(*self, *other) {
            Some((a, b, _)) => a.cmp(&b),
            // Only reachable for wildly different scales; f64 is good enough to order them.
            None => self.to_f64().partial_cmp(&other.to_f64()).unwrap_or(Ordering::Equal),
        }
    }
}

impl fmt::Display for Decimal {
    /// Plain positional notation, never an exponent: `408570000`, `54.63`, `-0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        if digits.len() > scale {
            let (int, frac) = digits.split_at(digits.len() - scale);
            write!(f, "{sign}{int}.{frac}")
        } else {
            let zeros = "0".repeat(scale - digits.len());
            write!(f, "{sign}0.{zeros}{digits}")
        }
    }
}

impl Serialize for Decimal {
    /// JSON has one number type but readers differ, so we pick the form that
    /// keeps the printed digits exact:
    ///
    /// * integers that fit `i64`/`u64` are written as JSON integers;
    /// * anything else is written as an `f64` **only if** the shortest text of
    ///   that `f64` is exactly our decimal text (true for 54.63, 1.5, 0.125 …),
    ///   so the JSON shows the same digits the report had;
    /// * otherwise (e.g. a 30-digit integer) it is written as a JSON string of
    ///   the exact digits rather than silently rounded.
    ///
    /// We deliberately do not use serde_json's `arbitrary_precision`, which
    /// would change number handling for the whole workspace.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.scale == 0 {
            if let Ok(v) = i64::try_from(self.mantissa) {
                return serializer.serialize_i64(v);
            }
            if let Ok(v) = u64::try_from(self.mantissa) {
                return serializer.serialize_u64(v);
            }
        }
        let text = self.to_string();
        if let Ok(f) = text.parse::<f64>() {
            if f.is_finite() && format!("{f}") == text {
                return serializer.serialize_f64(f);
            }
        }
        serializer.serialize_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: i128, s: u32) -> Decimal {
        Decimal::new(m, s).expect("small scale")
    }

    #[test]
    fn display_and_normalise() {
        assert_eq!(d(5463, 2).to_string(), "54.63");
        assert_eq!(d(4220, 2).to_string(), "42.2");
        assert_eq!(d(5, 3).to_string(), "0.005");
        assert_eq!(d(-5, 1).to_string(), "-0.5");
        assert_eq!(d(1000, 3), Decimal::from_int(1));
    }

    #[test]
    fn exact_magnitude() {
        let v = d(40857, 4).checked_mul_pow10(8);
        assert_eq!(v, Some(Decimal::from_int(408_570_000)));
        let v = d(15, 1).checked_mul_pow10(8);
        assert_eq!(v, Some(Decimal::from_int(150_000_000)));
    }

    #[test]
    fn overflow_is_none() {
        let big = Decimal::from_int(i128::MAX / 2);
        assert_eq!(big.checked_mul_pow10(1), None);
        assert_eq!(Decimal::pow10(39), None);
        assert_eq!(Decimal::new(1, 39), None);
    }

    #[test]
    fn json_forms() {
        let j = |v: Decimal| serde_json::to_string(&v).unwrap_or_default();
        assert_eq!(j(Decimal::from_int(408_570_000)), "408570000");
        assert_eq!(j(d(5463, 2)), "54.63");
        assert_eq!(j(d(4220, 2)), "42.2");
        let huge = Decimal::from_int(10i128.pow(30) + 7);
        assert_eq!(j(huge), "\"1000000000000000000000000000007\"");
    }

    #[test]
    fn ordering() {
        assert!(d(5, 1) < Decimal::from_int(1));
        assert!(d(1205, 2) > d(12, 0));
    }
}
