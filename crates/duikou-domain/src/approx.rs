//! Approximate figures and ranges: a count, an amount or a quantity as the record's sources write it ("1500余课时",
//! "约1000万元", "20-50人", "50人以上"). A figure is its value, an optional [`Qualifier`] and an optional upper
//! bound (a range); it is read from its written form, written back in the same words, and summed by one rule
//! ([`Total`]).

use crate::record::Fields;
use crate::schema::FieldKind;
use crate::{Money, Qty};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::fmt;
use std::str::FromStr;

/// The word that qualifies a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualifier {
    /// 余: a little more than (1500余).
    Yu,
    /// 多: more than (300多).
    Duo,
    /// 近: nearly, a little under (近3000).
    Jin,
    /// 约: about (约1000万元).
    Yue,
    /// 左右: about (1000万元左右).
    Zuoyou,
    /// 以上: the figure or more (50人以上).
    Yishang,
    /// 不少于: no fewer than.
    Bushaoyu,
    /// 至少: at least.
    Zhishao,
    /// 以下: the figure or less.
    Yixia,
}

/// Which way a qualified figure may differ from the written number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The true figure is the number or more (余, 多, 以上, 不少于, 至少).
    AtLeast,
    /// The true figure is the number or less (近, 以下).
    AtMost,
    /// Either way (约, 左右).
    About,
}

impl Qualifier {
    /// Every qualifier, in the order messages list them.
    pub const ALL: [Qualifier; 9] = [
        Qualifier::Yu,
        Qualifier::Duo,
        Qualifier::Jin,
        Qualifier::Yue,
        Qualifier::Zuoyou,
        Qualifier::Yishang,
        Qualifier::Bushaoyu,
        Qualifier::Zhishao,
        Qualifier::Yixia,
    ];

    /// The Chinese word.
    pub const fn word(self) -> &'static str {
        match self {
            Qualifier::Yu => "余",
            Qualifier::Duo => "多",
            Qualifier::Jin => "近",
            Qualifier::Yue => "约",
            Qualifier::Zuoyou => "左右",
            Qualifier::Yishang => "以上",
            Qualifier::Bushaoyu => "不少于",
            Qualifier::Zhishao => "至少",
            Qualifier::Yixia => "以下",
        }
    }

    /// Which way the figure may differ.
    pub const fn bound(self) -> Bound {
        match self {
            Qualifier::Yu | Qualifier::Duo | Qualifier::Yishang | Qualifier::Bushaoyu | Qualifier::Zhishao => {
                Bound::AtLeast
            }
            Qualifier::Jin | Qualifier::Yixia => Bound::AtMost,
            Qualifier::Yue | Qualifier::Zuoyou => Bound::About,
        }
    }

    /// Where the word stands: before the number (约, 近, 不少于, 至少), right after it (余, 多) or after the unit
    /// (以上, 以下, 左右).
    const fn place(self) -> Place {
        match self {
            Qualifier::Yue | Qualifier::Jin | Qualifier::Bushaoyu | Qualifier::Zhishao => Place::Before,
            Qualifier::Yu | Qualifier::Duo => Place::AfterNumber,
            Qualifier::Yishang | Qualifier::Yixia | Qualifier::Zuoyou => Place::AfterUnit,
        }
    }

    /// Whether a range may carry it: 以上/以下 bound one end and make no sense with two.
    pub const fn allows_range(self) -> bool {
        !matches!(self, Qualifier::Yishang | Qualifier::Yixia)
    }

    /// The allowed words as a message lists them: `余、多、近、约、左右、以上、不少于、至少、以下`.
    pub fn list_zh() -> String {
        Qualifier::ALL.iter().map(|q| q.word()).collect::<Vec<_>>().join("、")
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Before,
    AfterNumber,
    AfterUnit,
}

/// The qualifiers as the options of an enum field: the stored value is the Chinese word itself.
pub const QUALIFIER_OPTIONS: &[(&str, &str)] = &[
    ("余", "余"),
    ("多", "多"),
    ("近", "近"),
    ("约", "约"),
    ("左右", "左右"),
    ("以上", "以上"),
    ("不少于", "不少于"),
    ("至少", "至少"),
    ("以下", "以下"),
];

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// A word that is not one of the qualifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualifierParseError(pub String);

impl fmt::Display for QualifierParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "“{}”不是可用的限定词，可用：{}", self.0, Qualifier::list_zh())
    }
}

impl std::error::Error for QualifierParseError {}

impl FromStr for Qualifier {
    type Err = QualifierParseError;

    /// The Chinese word (`余`), or its pinyin name (`yu`, `zuoyou` …).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Qualifier::ALL
            .into_iter()
            .find(|q| q.word() == t || format!("{q:?}").eq_ignore_ascii_case(t))
            .ok_or_else(|| QualifierParseError(s.to_string()))
    }
}

impl Serialize for Qualifier {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.word())
    }
}

impl<'de> Deserialize<'de> for Qualifier {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A figure: its value, qualifier and range upper bound, each in the field's own raw unit (a count, fen, or
/// ten-thousandths for quantities).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    /// The number written (the low end of a range).
    pub value: i64,
    /// The qualifier, if any.
    pub qualifier: Option<Qualifier>,
    /// The high end of a range, if any.
    pub upper: Option<i64>,
}

impl Figure {
    /// An exact figure.
    pub const fn exact(value: i64) -> Self {
        Figure {
            value,
            qualifier: None,
            upper: None,
        }
    }

    /// Whether the figure is exact (no qualifier and no range).
    pub const fn is_exact(&self) -> bool {
        self.qualifier.is_none() && self.upper.is_none()
    }

    /// The most the true figure can be, when the writing says so: a range's high end, an exact number, or a number
    /// the truth does not exceed (近, 以下); `None` when it may be more (余, 多, 以上, 约, 左右 …).
    pub fn most(&self) -> Option<i64> {
        if let Some(u) = self.upper {
            return Some(u);
        }
        match self.qualifier.map(Qualifier::bound) {
            None | Some(Bound::AtMost) => Some(self.value),
            Some(Bound::AtLeast | Bound::About) => None,
        }
    }

    /// The least the true figure can be: the number written (a range's low end), unless the truth may be below it
    /// (近, 以下, 约, 左右), when nothing is certain but zero.
    pub fn least(&self) -> i64 {
        match self.qualifier.map(Qualifier::bound) {
            None | Some(Bound::AtLeast) => self.value,
            Some(Bound::AtMost | Bound::About) if self.upper.is_some() => self.value,
            Some(Bound::AtMost | Bound::About) => 0,
        }
    }
}

/// Whether parts certainly add up to more than their whole (a yearly plan's projects to more than the plan): the
/// least the parts can be, summed, against the most the whole can be. `Some((least, most))` when they do; `None`
/// when they fit or nothing is certain (the whole is "300余项", or not stated).
pub fn parts_exceed(whole: Option<Figure>, parts: impl IntoIterator<Item = Figure>) -> Option<(i64, i64)> {
    let most = whole?.most()?;
    let least = parts.into_iter().fold(0i64, |acc, p| acc.saturating_add(p.least()));
    (least > most).then_some((least, most))
}

/// Why a written figure could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApproxError {
    /// The number itself is not readable.
    Number(String),
    /// Text after (or before) the number that is neither a qualifier nor a unit (`1500许`).
    Qualifier(String),
    /// A range whose low end is above its high end.
    Range(String, String),
    /// 以上/以下 on a range.
    RangeQualifier(Qualifier),
}

impl fmt::Display for ApproxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApproxError::Number(s) => write!(f, "无法识别的数字“{s}”"),
            ApproxError::Qualifier(s) => {
                write!(f, "无法识别的限定词“{s}”，可用：{}", Qualifier::list_zh())
            }
            ApproxError::Range(lo, hi) => write!(f, "范围的下限 {lo} 大于上限 {hi}"),
            ApproxError::RangeQualifier(q) => write!(f, "范围不能带“{q}”"),
        }
    }
}

/// Units a written figure may carry after its number (they are dropped: the field knows its unit).
const UNITS: &[&str] = &[
    "元",
    "人次",
    "课时",
    "学时",
    "门次",
    "场次",
    "车次",
    "户次",
    "轮次",
    "台套",
    "人",
    "名",
    "位",
    "场",
    "次",
    "门",
    "节",
    "台",
    "套",
    "件",
    "册",
    "本",
    "份",
    "个",
    "项",
    "所",
    "期",
    "天",
    "户",
    "批",
    "家",
    "处",
    "株",
    "亩",
    "平方米",
    "米",
    "公里",
    "吨",
];

const RANGE_SEPARATORS: &[&str] = &["-", "—", "–", "～", "~", "至", "到"];

/// The pieces of a written figure before the number is read for a field's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pieces {
    low: String,
    upper: Option<String>,
    qualifier: Option<Qualifier>,
}

fn strip_units(mut s: &str) -> &str {
    // a unit after a number; several (`万元`) are covered by the longest-first order
    loop {
        let before = s;
        for u in UNITS {
            if let Some(r) = s.strip_suffix(u) {
                if r.ends_with(|c: char| c.is_ascii_digit() || c == '余' || c == '多' || c == '万' || c == '亿') {
                    s = r;
                    break;
                }
            }
        }
        if s == before {
            return s;
        }
    }
}

/// The scale word ending a number (万, 亿) and what is left.
fn scale_suffix(s: &str) -> (&str, &'static str) {
    for w in ["万亿", "亿", "万"] {
        if let Some(r) = s.strip_suffix(w) {
            return (r, w);
        }
    }
    (s, "")
}

fn split(text: &str) -> Result<Pieces, ApproxError> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
        .collect();
    let mut rest = t.as_str();
    let mut qualifier = None;
    let set = |q: Qualifier, qualifier: &mut Option<Qualifier>| -> Result<(), ApproxError> {
        if qualifier.is_some() {
            return Err(ApproxError::Qualifier(text.trim().to_string()));
        }
        *qualifier = Some(q);
        Ok(())
    };
    for q in [Qualifier::Bushaoyu, Qualifier::Zhishao, Qualifier::Yue, Qualifier::Jin] {
        if let Some(r) = rest.strip_prefix(q.word()) {
            set(q, &mut qualifier)?;
            rest = r;
            break;
        }
    }
    for q in [Qualifier::Yishang, Qualifier::Yixia, Qualifier::Zuoyou] {
        if let Some(r) = rest.strip_suffix(q.word()) {
            set(q, &mut qualifier)?;
            rest = r;
            break;
        }
    }
    rest = strip_units(rest);
    if rest.is_empty() {
        return Err(ApproxError::Number(text.trim().to_string()));
    }
    // a range: the separator after a digit
    let mut upper = None;
    let mut low = rest.to_string();
    for sep in RANGE_SEPARATORS {
        if let Some(pos) = rest.find(sep).filter(|p| *p > 0) {
            let (a, b) = (&rest[..pos], &rest[pos + sep.len()..]);
            if a.ends_with(|c: char| c.is_ascii_digit() || c == '万' || c == '亿') {
                low = strip_units(a).to_string();
                upper = Some(b.to_string());
                break;
            }
        }
    }
    // 余/多 right after the number (before a scale word: 1500余万元)
    let take_after = |s: &mut String, qualifier: &mut Option<Qualifier>| -> Result<(), ApproxError> {
        let (num, scale) = scale_suffix(s);
        for q in [Qualifier::Yu, Qualifier::Duo] {
            if let Some(n) = num.strip_suffix(q.word()) {
                if qualifier.is_some() {
                    return Err(ApproxError::Qualifier(text.trim().to_string()));
                }
                *qualifier = Some(q);
                *s = format!("{n}{scale}");
                return Ok(());
            }
        }
        Ok(())
    };
    match upper.as_mut() {
        Some(u) => take_after(u, &mut qualifier)?,
        None => take_after(&mut low, &mut qualifier)?,
    }
    // what is left must be a number: anything else after it is an unknown word
    let check = |s: &str| -> Result<(), ApproxError> {
        let (num, _) = scale_suffix(s);
        let tail: String = num
            .trim_start_matches('-')
            .chars()
            .skip_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if num.trim_start_matches('-').starts_with(|c: char| c.is_ascii_digit()) && !tail.is_empty() {
            return Err(ApproxError::Qualifier(tail));
        }
        let head: String = num.chars().take_while(|c| !c.is_ascii_digit()).collect();
        if !head.is_empty() && head != "-" && num.chars().any(|c| c.is_ascii_digit()) {
            return Err(ApproxError::Qualifier(head));
        }
        Ok(())
    };
    check(&low)?;
    if let Some(u) = &upper {
        check(u)?;
        // 20-50万: the high end's scale word is the low end's too
        let (_, s_low) = scale_suffix(&low);
        let (_, s_up) = scale_suffix(u);
        if s_low.is_empty() && !s_up.is_empty() {
            low.push_str(s_up);
        }
    }
    if let (Some(q), Some(_)) = (qualifier, &upper) {
        if !q.allows_range() {
            return Err(ApproxError::RangeQualifier(q));
        }
    }
    Ok(Pieces { low, upper, qualifier })
}

/// Reads one number of a field's kind into its raw unit.
fn number(kind: FieldKind, s: &str) -> Result<i64, ApproxError> {
    let bad = || ApproxError::Number(s.to_string());
    match kind {
        FieldKind::Money => s.parse::<Money>().map(Money::fen).map_err(|_| bad()),
        FieldKind::Int | FieldKind::Qty => {
            let (num, scale) = scale_suffix(s);
            let q: Qty = num.parse().map_err(|_| bad())?;
            let factor: i64 = match scale {
                "万" => 10_000,
                "亿" => 100_000_000,
                "万亿" => 1_000_000_000_000,
                _ => 1,
            };
            let raw = q.raw().checked_mul(factor).ok_or_else(bad)?;
            if kind == FieldKind::Int {
                Qty::from_raw(raw).as_int().ok_or_else(bad)
            } else {
                Ok(raw)
            }
        }
        _ => Err(bad()),
    }
}

/// Whether a text carries more than a plain number: a qualifier, a range or a unit (then it is a written figure).
pub fn is_written(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix('-').unwrap_or(t);
    !t.is_empty()
        && !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || c == '+' || c == 'e' || c == 'E')
}

/// Reads a written figure ("1500余", "约1000万元", "20-50", "50人以上") for a field of `kind` (Int, Money or Qty):
/// the low end, qualifier and high end in the kind's raw unit. A range's low end above its high end, 以上/以下
/// on a range, and a word that is neither a qualifier nor a unit are refused.
pub fn parse_figure(kind: FieldKind, text: &str) -> Result<Figure, ApproxError> {
    let p = split(text)?;
    let value = number(kind, &p.low)?;
    let upper = p.upper.as_deref().map(|u| number(kind, u)).transpose()?;
    if let Some(u) = upper {
        if u < value {
            return Err(ApproxError::Range(raw_plain(kind, value), raw_plain(kind, u)));
        }
    }
    Ok(Figure {
        value,
        qualifier: p.qualifier,
        upper,
    })
}

/// A raw value of `kind` as the API writes it (a count, yuan with two decimals, a quantity).
fn raw_plain(kind: FieldKind, raw: i64) -> String {
    match kind {
        FieldKind::Money => Money::from_fen(raw).to_string(),
        FieldKind::Qty => Qty::from_raw(raw).to_string(),
        _ => raw.to_string(),
    }
}

/// A raw value of `kind` as JSON the API answers (`1500`, `"10000000.00"`, `12.5`).
pub fn raw_json(kind: FieldKind, raw: i64) -> Value {
    match kind {
        FieldKind::Money => Value::from(Money::from_fen(raw).to_string()),
        FieldKind::Qty => serde_json::to_value(Qty::from_raw(raw)).unwrap_or(Value::Null),
        _ => Value::from(raw),
    }
}

/// A JSON value of `kind` (as the API answers it) in the raw unit.
pub fn json_raw(kind: FieldKind, v: &Value) -> Option<i64> {
    match kind {
        FieldKind::Money => serde_json::from_value::<Money>(v.clone()).ok().map(Money::fen),
        FieldKind::Qty => serde_json::from_value::<Qty>(v.clone()).ok().map(Qty::raw),
        _ => v.as_i64(),
    }
}

/// A figure written in Chinese order with its unit: `1500余课时`, `约1000万元`, `20—50人次`, `50人以上`. Money
/// (`kind` Money, raw fen) picks 元/万元/亿元 itself and ignores `unit`; a range shares the high end's scale when
/// both ends have it (`20—50万元`).
pub fn written(kind: FieldKind, fig: Figure, unit: &str) -> String {
    let (low, high, unit) = match kind {
        FieldKind::Money => {
            let (l, lu) = money_parts(fig.value);
            match fig.upper.map(money_parts) {
                Some((h, hu)) if hu == lu => (l, Some(h), hu.to_string()),
                Some((h, hu)) => (format!("{l}{lu}"), Some(h), hu.to_string()),
                None => (l, None, lu.to_string()),
            }
        }
        _ => (
            raw_plain(kind, fig.value),
            fig.upper.map(|u| raw_plain(kind, u)),
            unit.to_string(),
        ),
    };
    // 余/多 stand before a money scale (1500余万元), before any other unit (1500余课时)
    let (scale, rest_unit) = match unit.strip_suffix('元') {
        Some(s) if kind == FieldKind::Money => (s.to_string(), "元".to_string()),
        _ => (String::new(), unit.clone()),
    };
    let number = match high {
        Some(h) => format!("{low}—{h}"),
        None => low,
    };
    match fig.qualifier {
        None => format!("{number}{unit}"),
        Some(q) => match q.place() {
            Place::Before => format!("{q}{number}{unit}"),
            Place::AfterNumber => format!("{number}{q}{scale}{rest_unit}"),
            Place::AfterUnit => format!("{number}{unit}{q}"),
        },
    }
}

/// Money in the unit a report chooses, split into the number and its unit (`("1000", "万元")`).
fn money_parts(fen: i64) -> (String, &'static str) {
    let m = Money::from_fen(fen);
    let abs = fen.unsigned_abs();
    if abs >= 10_000_000_000 {
        (m.yi_string(), "亿元")
    } else if abs >= 1_000_000 {
        (m.wan_string(), "万元")
    } else {
        let s = m.to_string();
        (s.strip_suffix(".00").map(str::to_string).unwrap_or(s), "元")
    }
}

/// A figure written for a field's cell or input, without unit: `1500余`, `约10000000.00`, `20-50`, `50以上`.
/// [`parse_figure`] reads it back to the same figure, so export → import round-trips.
pub fn cell(kind: FieldKind, fig: Figure) -> String {
    let low = raw_plain(kind, fig.value);
    let number = match fig.upper {
        Some(u) => format!("{low}-{}", raw_plain(kind, u)),
        None => low,
    };
    match fig.qualifier {
        None => number,
        Some(q) if q.place() == Place::Before => format!("{q}{number}"),
        Some(q) => format!("{number}{q}"),
    }
}

/// A total of figures, approximate as soon as one member is.
///
/// The rule: all exact → exact. Members whose qualifiers all say "at least" (余, 多, 以上, 不少于, 至少), with any
/// exact ones → 余. All "at most" (近, 以下) with any exact ones → 近. Any 约/左右, or a mix of at-least and at-most →
/// 约. Ranges add low to low and high to high (an exact member or one without a range adds its value to both
/// ends); a range total that is also qualified is 约.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Total {
    low: i64,
    high: i64,
    ranged: bool,
    at_least: bool,
    at_most: bool,
    about: bool,
}

impl Total {
    /// Nothing counted yet.
    pub const fn new() -> Self {
        Total {
            low: 0,
            high: 0,
            ranged: false,
            at_least: false,
            at_most: false,
            about: false,
        }
    }

    /// Adds a figure (saturating, like the totals of money).
    pub fn add(&mut self, f: Figure) {
        self.low = self.low.saturating_add(f.value);
        self.high = self.high.saturating_add(f.upper.unwrap_or(f.value));
        self.ranged |= f.upper.is_some();
        match f.qualifier.map(Qualifier::bound) {
            Some(Bound::AtLeast) => self.at_least = true,
            Some(Bound::AtMost) => self.at_most = true,
            Some(Bound::About) => self.about = true,
            None => {}
        }
    }

    /// Adds another total.
    pub fn merge(&mut self, o: Total) {
        self.low = self.low.saturating_add(o.low);
        self.high = self.high.saturating_add(o.high);
        self.ranged |= o.ranged;
        self.at_least |= o.at_least;
        self.at_most |= o.at_most;
        self.about |= o.about;
    }

    /// The total as a figure.
    pub fn figure(&self) -> Figure {
        let mut qualifier = match (self.about, self.at_least, self.at_most) {
            (false, false, false) => None,
            (false, true, false) => Some(Qualifier::Yu),
            (false, false, true) => Some(Qualifier::Jin),
            _ => Some(Qualifier::Yue),
        };
        let upper = (self.ranged && self.high != self.low).then_some(self.high);
        if upper.is_some() && qualifier.is_some() {
            qualifier = Some(Qualifier::Yue);
        }
        Figure {
            value: self.low,
            qualifier,
            upper,
        }
    }

    /// The low end (the value written).
    pub const fn value(&self) -> i64 {
        self.low
    }

    /// Whether the total is exact.
    pub fn is_exact(&self) -> bool {
        self.figure().is_exact()
    }
}

/// A total in additive form, for stores that add and subtract members as records change (the kept dashboard
/// aggregates): the sum of values, the sum of ranges' spans (high end − value), and how many members have a range
/// and a qualifier of each class. Tallies add and subtract member by member; [`Tally::total`] applies the rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// The sum of the values (the low ends).
    pub value: i64,
    /// The sum of `upper − value` over members with a range.
    pub span: i64,
    /// Members with a range.
    pub ranged: i64,
    /// Members qualified "at least" (余, 多, 以上, 不少于, 至少).
    pub at_least: i64,
    /// Members qualified "at most" (近, 以下).
    pub at_most: i64,
    /// Members qualified "about" (约, 左右).
    pub about: i64,
}

impl Tally {
    /// One member's part.
    pub fn of(f: Figure) -> Tally {
        let bound = f.qualifier.map(Qualifier::bound);
        Tally {
            value: f.value,
            span: f.upper.map_or(0, |u| u.saturating_sub(f.value)),
            ranged: i64::from(f.upper.is_some()),
            at_least: i64::from(bound == Some(Bound::AtLeast)),
            at_most: i64::from(bound == Some(Bound::AtMost)),
            about: i64::from(bound == Some(Bound::About)),
        }
    }

    /// Adds another tally (saturating, like the totals of money).
    pub fn add(&mut self, o: &Tally) {
        self.value = self.value.saturating_add(o.value);
        self.span = self.span.saturating_add(o.span);
        self.ranged = self.ranged.saturating_add(o.ranged);
        self.at_least = self.at_least.saturating_add(o.at_least);
        self.at_most = self.at_most.saturating_add(o.at_most);
        self.about = self.about.saturating_add(o.about);
    }

    /// The total by the summing rule.
    pub fn total(&self) -> Total {
        Total {
            low: self.value,
            high: self.value.saturating_add(self.span),
            ranged: self.ranged > 0,
            at_least: self.at_least > 0,
            at_most: self.at_most > 0,
            about: self.about > 0,
        }
    }

    /// The qualifier words of each class, for a store's query: `(at least, at most, about)`.
    pub fn class_words() -> [Vec<&'static str>; 3] {
        let words = |b: Bound| {
            Qualifier::ALL
                .into_iter()
                .filter(|q| q.bound() == b)
                .map(Qualifier::word)
                .collect::<Vec<_>>()
        };
        [words(Bound::AtLeast), words(Bound::AtMost), words(Bound::About)]
    }
}

impl std::iter::FromIterator<Figure> for Total {
    fn from_iter<I: IntoIterator<Item = Figure>>(iter: I) -> Self {
        let mut t = Total::new();
        for f in iter {
            t.add(f);
        }
        t
    }
}

/// The unit a field's figure is written with when the record names none of its own (`hours` → 课时); money picks
/// its own (元/万元/亿元), and outputs and indicator values carry theirs.
pub fn unit_for(field: &str) -> &'static str {
    match field {
        "person_times" => "人次",
        "sessions" => "场",
        "courses" => "门次",
        "hours" => "课时",
        "items" => "台（套）",
        _ => "",
    }
}

/// An approximate field of a record written for a person: `1500余课时`, `约1000万元`, `20—50人次`; the record's
/// own `unit` (outputs) when it has one. `None` when the value is null.
pub fn written_field(kind: FieldKind, rec: &impl Fields, field: &str) -> Option<String> {
    let fig = figure_of(kind, rec, field)?;
    let unit = rec
        .field("unit")
        .and_then(Value::as_str)
        .unwrap_or_else(|| unit_for(field));
    Some(written(kind, fig, unit))
}

/// The figure of an approximate field in a record (JSON as the API answers it): its value, `{field}_approx` and
/// `{field}_upper`; `None` when the value is null.
pub fn figure_of(kind: FieldKind, rec: &impl Fields, field: &str) -> Option<Figure> {
    let value = json_raw(kind, rec.field(field)?)?;
    let qualifier = rec
        .field(&format!("{field}_approx"))
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok());
    let upper = rec
        .field(&format!("{field}_upper"))
        .filter(|v| !v.is_null())
        .and_then(|v| json_raw(kind, v));
    Some(Figure {
        value,
        qualifier,
        upper,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(value: i64, q: Option<Qualifier>, upper: Option<i64>) -> Figure {
        Figure {
            value,
            qualifier: q,
            upper,
        }
    }

    #[test]
    fn parts_exceed_their_whole_only_when_certain() {
        let exact = |v| Figure::exact(v);
        let q = |v, w: &str| fig(v, Some(w.parse().unwrap()), None);
        // 300项 with 301 member projects: certainly too many
        assert_eq!(
            parts_exceed(Some(exact(300)), (0..301).map(|_| exact(1))),
            Some((301, 300))
        );
        assert_eq!(parts_exceed(Some(exact(300)), (0..300).map(|_| exact(1))), None);
        // 300余项 may be more than 301: nothing certain
        assert_eq!(parts_exceed(Some(q(300, "余")), (0..301).map(|_| exact(1))), None);
        // 近300项 is at most 300
        assert_eq!(
            parts_exceed(Some(q(300, "近")), (0..301).map(|_| exact(1))),
            Some((301, 300))
        );
        // a range's high end bounds it
        assert_eq!(parts_exceed(Some(fig(20, None, Some(50))), [exact(51)]), Some((51, 50)));
        assert_eq!(parts_exceed(Some(fig(20, None, Some(50))), [exact(50)]), None);
        // a part written 约 may be less than written: it certainly adds nothing
        assert_eq!(parts_exceed(Some(exact(10)), [q(100, "约"), exact(10)]), None);
        // 1.5多亿 is at least 1.5亿
        assert_eq!(parts_exceed(Some(exact(100)), [q(101, "多")]), Some((101, 100)));
        // no whole stated: nothing to exceed
        assert_eq!(parts_exceed(None, [exact(i64::MAX), exact(i64::MAX)]), None);
    }

    #[test]
    fn reads_the_written_forms() {
        use Qualifier::*;
        let int = |s| parse_figure(FieldKind::Int, s);
        assert_eq!(int("1500余"), Ok(fig(1500, Some(Yu), None)));
        assert_eq!(int("1500余课时"), Ok(fig(1500, Some(Yu), None)));
        assert_eq!(int("300多人"), Ok(fig(300, Some(Duo), None)));
        assert_eq!(int("近3000人次"), Ok(fig(3000, Some(Jin), None)));
        assert_eq!(int("50人以上"), Ok(fig(50, Some(Yishang), None)));
        assert_eq!(int("50以下"), Ok(fig(50, Some(Yixia), None)));
        assert_eq!(int("不少于20场"), Ok(fig(20, Some(Bushaoyu), None)));
        assert_eq!(int("至少 5"), Ok(fig(5, Some(Zhishao), None)));
        assert_eq!(int("200左右"), Ok(fig(200, Some(Zuoyou), None)));
        assert_eq!(int("20-50"), Ok(fig(20, None, Some(50))));
        assert_eq!(int("20～50人"), Ok(fig(20, None, Some(50))));
        assert_eq!(int("100至200名"), Ok(fig(100, None, Some(200))));
        assert_eq!(int("20—50人次"), Ok(fig(20, None, Some(50))));
        assert_eq!(int("约20-50"), Ok(fig(20, Some(Yue), Some(50))));
        assert_eq!(int("1.2万人次"), Ok(fig(12_000, None, None)));
        assert_eq!(int("1500"), Ok(fig(1500, None, None)));
        let money = |s| parse_figure(FieldKind::Money, s);
        assert_eq!(money("约1000万元"), Ok(fig(1_000_000_000, Some(Yue), None)));
        assert_eq!(money("1500余万元"), Ok(fig(1_500_000_000, Some(Yu), None)));
        assert_eq!(money("1000万元左右"), Ok(fig(1_000_000_000, Some(Zuoyou), None)));
        assert_eq!(money("20-50万元"), Ok(fig(20_000_000, None, Some(50_000_000))));
        assert_eq!(money("3000.50"), Ok(fig(300_050, None, None)));
        let qty = |s| parse_figure(FieldKind::Qty, s);
        assert_eq!(qty("12.5余"), Ok(fig(125_000, Some(Yu), None)));
    }

    #[test]
    fn refuses_bad_written_forms() {
        assert_eq!(
            parse_figure(FieldKind::Int, "1500许"),
            Err(ApproxError::Qualifier("许".into()))
        );
        assert_eq!(
            parse_figure(FieldKind::Int, "大概1500"),
            Err(ApproxError::Qualifier("大概".into()))
        );
        assert_eq!(
            parse_figure(FieldKind::Int, "50-20"),
            Err(ApproxError::Range("50".into(), "20".into()))
        );
        assert_eq!(
            parse_figure(FieldKind::Int, "20-50人以上"),
            Err(ApproxError::RangeQualifier(Qualifier::Yishang))
        );
        assert!(parse_figure(FieldKind::Int, "1.5").is_err());
        assert!(parse_figure(FieldKind::Int, "约").is_err());
        assert!(parse_figure(FieldKind::Int, "约1500余").is_err());
        let msg = parse_figure(FieldKind::Int, "1500许").unwrap_err().to_string();
        assert_eq!(
            msg,
            "无法识别的限定词“许”，可用：余、多、近、约、左右、以上、不少于、至少、以下"
        );
    }

    #[test]
    fn writes_back_in_chinese_order() {
        use Qualifier::*;
        assert_eq!(written(FieldKind::Int, fig(1500, Some(Yu), None), "课时"), "1500余课时");
        assert_eq!(
            written(FieldKind::Money, fig(1_000_000_000, Some(Yue), None), ""),
            "约1000万元"
        );
        assert_eq!(
            written(FieldKind::Money, fig(1_500_000_000, Some(Yu), None), ""),
            "1500余万元"
        );
        assert_eq!(written(FieldKind::Int, fig(20, None, Some(50)), "人次"), "20—50人次");
        assert_eq!(written(FieldKind::Int, fig(50, Some(Yishang), None), "人"), "50人以上");
        assert_eq!(
            written(FieldKind::Int, fig(3000, Some(Jin), None), "人次"),
            "近3000人次"
        );
        assert_eq!(
            written(FieldKind::Money, fig(20_000_000, None, Some(50_000_000)), ""),
            "20—50万元"
        );
        assert_eq!(written(FieldKind::Money, fig(5_000, None, None), ""), "50元");
        for (kind, f) in [
            (FieldKind::Int, fig(1500, Some(Yu), None)),
            (FieldKind::Int, fig(20, None, Some(50))),
            (FieldKind::Int, fig(50, Some(Yishang), None)),
            (FieldKind::Money, fig(1_000_000_000, Some(Yue), None)),
            (FieldKind::Money, fig(1_000_000_000, Some(Zuoyou), None)),
            (FieldKind::Qty, fig(125_000, Some(Duo), Some(200_000))),
            (FieldKind::Int, fig(7, None, None)),
        ] {
            assert_eq!(parse_figure(kind, &cell(kind, f)), Ok(f), "{}", cell(kind, f));
            assert_eq!(
                parse_figure(kind, &written(kind, f, "人")),
                Ok(f),
                "{}",
                written(kind, f, "人")
            );
        }
    }

    #[test]
    fn sums_by_the_rule() {
        use Qualifier::*;
        let total = |fs: &[Figure]| fs.iter().copied().collect::<Total>().figure();
        assert_eq!(total(&[fig(10, None, None), fig(5, None, None)]), fig(15, None, None));
        assert_eq!(total(&[]), fig(0, None, None));
        assert_eq!(
            total(&[fig(1500, Some(Yu), None), fig(20, None, None)]),
            fig(1520, Some(Yu), None)
        );
        assert_eq!(
            total(&[
                fig(1500, Some(Yu), None),
                fig(20, Some(Yishang), None),
                fig(3, Some(Zhishao), None)
            ]),
            fig(1523, Some(Yu), None)
        );
        assert_eq!(
            total(&[fig(100, Some(Jin), None), fig(20, Some(Yixia), None)]),
            fig(120, Some(Jin), None)
        );
        assert_eq!(
            total(&[fig(100, Some(Jin), None), fig(20, None, None)]),
            fig(120, Some(Jin), None)
        );
        assert_eq!(
            total(&[fig(100, Some(Jin), None), fig(20, Some(Duo), None)]),
            fig(120, Some(Yue), None)
        );
        assert_eq!(
            total(&[fig(100, Some(Zuoyou), None), fig(20, Some(Yu), None)]),
            fig(120, Some(Yue), None)
        );
        assert_eq!(
            total(&[fig(20, None, Some(50)), fig(100, None, Some(200))]),
            fig(120, None, Some(250))
        );
        assert_eq!(
            total(&[fig(20, None, Some(50)), fig(10, None, None)]),
            fig(30, None, Some(60))
        );
        assert_eq!(
            total(&[fig(20, None, Some(50)), fig(10, Some(Yu), None)]),
            fig(30, Some(Yue), Some(60))
        );
        let mut a: Total = [fig(1, Some(Yu), None)].into_iter().collect();
        a.merge([fig(2, None, None)].into_iter().collect());
        assert_eq!(a.figure(), fig(3, Some(Yu), None));
    }

    #[test]
    fn tallies_sum_by_the_same_rule() {
        use Qualifier::*;
        let sets: [&[Figure]; 5] = [
            &[fig(10, None, None), fig(5, None, None)],
            &[fig(1500, Some(Yu), None), fig(20, None, None)],
            &[fig(100, Some(Jin), None), fig(20, Some(Duo), None)],
            &[fig(20, None, Some(50)), fig(10, Some(Yu), None)],
            &[
                fig(20, None, Some(50)),
                fig(100, None, Some(200)),
                fig(7, Some(Zuoyou), None),
            ],
        ];
        for set in sets {
            let mut t = Tally::default();
            for f in set {
                t.add(&Tally::of(*f));
            }
            assert_eq!(t.total(), set.iter().copied().collect::<Total>(), "{set:?}");
        }
        // taking a member out again (the store subtracts its part) makes the total exact again
        let mut t = Tally::of(fig(1500, Some(Yu), None));
        t.add(&Tally::of(fig(20, None, None)));
        let gone = Tally::of(fig(1500, Some(Yu), None));
        t.add(&Tally {
            value: -gone.value,
            span: -gone.span,
            ranged: -gone.ranged,
            at_least: -gone.at_least,
            at_most: -gone.at_most,
            about: -gone.about,
        });
        assert_eq!(t.total().figure(), fig(20, None, None));
        assert_eq!(
            Tally::class_words(),
            [
                vec!["余", "多", "以上", "不少于", "至少"],
                vec!["近", "以下"],
                vec!["约", "左右"]
            ]
        );
    }

    #[test]
    fn qualifier_words_and_serde() {
        for q in Qualifier::ALL {
            assert_eq!(q.word().parse::<Qualifier>(), Ok(q));
            assert_eq!(serde_json::to_value(q).unwrap(), Value::from(q.word()));
            assert!(QUALIFIER_OPTIONS.iter().any(|(v, _)| *v == q.word()));
        }
        assert_eq!("zuoyou".parse::<Qualifier>(), Ok(Qualifier::Zuoyou));
        assert!("许".parse::<Qualifier>().is_err());
        assert!(serde_json::from_value::<Qualifier>(Value::from("许")).is_err());
    }
}
