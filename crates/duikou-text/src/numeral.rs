//! Numeral parser: Arabic, full-width and Chinese numerals (and mixes like 4.0857亿, 1万3千, 两三) with exact magnitude.
//!
//! Two entry points: [`parse`] reads a whole string ("4.0857亿" → 408570000)
//! and [`scan`] finds the numeral that starts at a position in a text, which
//! the extractor uses. Both are linear in the input and never panic: values
//! that do not fit an `i128` come back as "unreadable" (`value: None`).

use crate::decimal::Decimal;

/// A numeral located in a character slice by [`scan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Numeral {
    /// Index of the first character.
    pub start: usize,
    /// Index one past the last character.
    pub end: usize,
    /// Exact value, or `None` when unreadable ("20xx", or too large).
    pub value: Option<Decimal>,
    /// Upper end for Chinese adjacent-digit ranges like 两三 or 七八十.
    pub value_max: Option<Decimal>,
    /// How many trailing 万/亿 characters the numeral ends with; the
    /// extractor reports them as part of the unit ("20万元" → unit 万元).
    pub magnitude_chars: usize,
    /// Which script the digits were written in.
    pub form: Form,
    /// Looks like a calendar year: four Arabic digits (or "20xx") or four
    /// Chinese digits written one by one (二〇〇六).
    pub year_like: bool,
}

/// The script of a numeral.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// Only Arabic (ASCII or full-width) digits.
    Arabic,
    /// Only Chinese numeral characters.
    Chinese,
    /// Arabic digits with Chinese magnitudes, e.g. 4.0857亿 or 1万3千.
    Mixed,
}

impl Numeral {
    /// True when the numeral is the single character 一 (often the article "a").
    pub fn is_chinese_one(&self, chars: &[char]) -> bool {
        self.end == self.start + 1 && matches!(chars.get(self.start), Some('一' | '壹'))
    }
}

/// Value of an Arabic digit, ASCII or full-width.
pub fn arabic_digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

/// Value of a Chinese digit character (including financial forms and 两).
pub fn chinese_digit(c: char) -> Option<u8> {
    Some(match c {
        '〇' | '零' => 0,
        '一' | '壹' => 1,
        '二' | '贰' | '貳' | '两' | '兩' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Power of ten of a small unit: 十 → 1, 百 → 2, 千 → 3.
pub fn small_unit(c: char) -> Option<u32> {
    match c {
        '十' | '拾' => Some(1),
        '百' | '佰' => Some(2),
        '千' | '仟' => Some(3),
        _ => None,
    }
}

/// Power of ten of a large unit: 万 → 4, 亿 → 8.
pub fn big_unit(c: char) -> Option<u32> {
    match c {
        '万' | '萬' => Some(4),
        '亿' | '億' => Some(8),
        _ => None,
    }
}

/// Value of the contracted tens 廿 (20), 卅 (30), 卌 (40).
fn tens_char(c: char) -> Option<u8> {
    match c {
        '廿' => Some(20),
        '卅' => Some(30),
        '卌' => Some(40),
        _ => None,
    }
}

/// True if `c` can begin a numeral (magnitudes 万/亿 and 零 cannot).
pub fn can_start(c: char) -> bool {
    arabic_digit(c).is_some()
        || small_unit(c).is_some()
        || tens_char(c).is_some()
        || chinese_digit(c).is_some_and(|d| d != 0)
}

/// One lexical piece of a numeral.
#[derive(Clone, Copy, Debug)]
enum Tok {
    /// A number: a whole Arabic run, or one Chinese digit (`chinese` = true).
    Num { value: Option<Decimal>, chinese: bool },
    /// 〇/零 inside a Chinese numeral.
    Zero,
    /// 十百千 as a power of ten.
    Small(u32),
    /// 万亿 as a power of ten.
    Big(u32),
    /// 廿卅卌.
    Tens(u8),
    /// A Chinese fraction after 点 (三点五 → 0.5 added to 三).
    Frac(Option<Decimal>),
}

/// Why a token list could not be read.
enum EvalError {
    /// Not a numeral at all (e.g. 十一五): the caller treats it as text.
    Invalid,
    /// A numeral, but too large to hold: value unreadable.
    Overflow,
}

/// Parse a whole string as one numeral: "4.0857亿", "1万3千", "两", "廿三",
/// "２０", "1,000", "一九九八", "三点五亿". Surrounding whitespace is ignored.
/// Ranges (两三) give their lower end. Returns `None` if the string is not
/// exactly one numeral or its value is unreadable.
pub fn parse(s: &str) -> Option<Decimal> {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = scan(&chars, 0)?;
    if n.end != chars.len() {
        return None;
    }
    n.value
}

/// Find the numeral starting exactly at `start`; `None` if there is none.
pub fn scan(chars: &[char], start: usize) -> Option<Numeral> {
    scan_until(chars, start, chars.len())
}

/// Like [`scan`] but never reads at or beyond `limit`; the extractor uses it
/// to give back a trailing 千 that belongs to a unit such as 千米.
pub fn scan_until(chars: &[char], start: usize, limit: usize) -> Option<Numeral> {
    let limit = limit.min(chars.len());
    if start >= limit || !can_start(chars[start]) {
        return None;
    }
    let mut toks: Vec<Tok> = Vec::new();
    let mut has_arabic = false;
    let mut has_chinese = false;
    let mut unreadable = false;
    let mut arabic_int_digits = 0usize;
    let mut i = start;
    while i < limit {
        let c = chars[i];
        let prev_chinese_digit = matches!(toks.last(), Some(Tok::Num { chinese: true, .. }));
        if arabic_digit(c).is_some() {
            // "三100" is not one numeral: stop at the script change.
            if prev_chinese_digit || matches!(toks.last(), Some(Tok::Num { .. } | Tok::Zero)) {
                break;
            }
            let run = read_arabic(chars, i, limit);
            has_arabic = true;
            unreadable |= run.placeholder;
            if toks.is_empty() {
                arabic_int_digits = run.int_digits;
            }
            toks.push(Tok::Num {
                value: run.value,
                chinese: false,
            });
            i = run.end;
            continue;
        }
        if let Some(d) = chinese_digit(c) {
            if matches!(toks.last(), Some(Tok::Num { chinese: false, .. })) {
                break;
            }
            has_chinese = true;
            toks.push(if d == 0 {
                Tok::Zero
            } else {
                Tok::Num {
                    value: Some(Decimal::from_int(i128::from(d))),
                    chinese: true,
                }
            });
            i += 1;
            continue;
        }
        if let Some(p) = small_unit(c) {
            has_chinese = true;
            toks.push(Tok::Small(p));
            i += 1;
            continue;
        }
        if let Some(p) = big_unit(c) {
            has_chinese = true;
            toks.push(Tok::Big(p));
            i += 1;
            continue;
        }
        if let Some(t) = tens_char(c) {
            has_chinese = true;
            toks.push(Tok::Tens(t));
            i += 1;
            continue;
        }
        let after_chinese = prev_chinese_digit || matches!(toks.last(), Some(Tok::Small(_)));
        if c == '点' && after_chinese {
            // 三点五: only when Chinese digits follow, otherwise 点 is a word (重点, 三点钟).
            let mut j = i + 1;
            let mut frac: Option<i128> = Some(0);
            while j < limit {
                match chinese_digit(chars[j]) {
                    Some(d) => {
                        frac = frac
                            .and_then(|f| f.checked_mul(10))
                            .and_then(|f| f.checked_add(i128::from(d)));
                        j += 1;
                    }
                    None => break,
                }
            }
            if j == i + 1 {
                break;
            }
            let scale = u32::try_from(j - i - 1).ok();
            let value = frac.zip(scale).and_then(|(m, s)| Decimal::new(m, s));
            toks.push(Tok::Frac(value));
            i = j;
            continue;
        }
        break;
    }
    // A numeral does not end in 零 (一百零 is 一百 followed by text).
    while matches!(toks.last(), Some(Tok::Zero)) {
        toks.pop();
        i -= 1;
    }
    if toks.is_empty() {
        return None;
    }
    let magnitude_chars = toks.iter().rev().take_while(|t| matches!(t, Tok::Big(_))).count();
    let all_chinese_digits = toks
        .iter()
        .all(|t| matches!(t, Tok::Num { chinese: true, .. } | Tok::Zero));
    let year_like = (toks.len() == 1 && has_arabic && i - start == 4 && (arabic_int_digits == 4 || unreadable))
        || (all_chinese_digits && toks.len() == 4);
    let (value, value_max) = match evaluate(&toks) {
        Ok(v) => v,
        Err(EvalError::Invalid) => return None,
        Err(EvalError::Overflow) => (None, None),
    };
    let (value, value_max) = if unreadable { (None, None) } else { (value, value_max) };
    let form = match (has_arabic, has_chinese) {
        (true, false) => Form::Arabic,
        (false, _) => Form::Chinese,
        (true, true) => Form::Mixed,
    };
    Some(Numeral {
        start,
        end: i,
        value,
        value_max,
        magnitude_chars,
        form,
        year_like,
    })
}

/// An Arabic digit run with optional thousands commas and decimal point.
struct ArabicRun {
    end: usize,
    value: Option<Decimal>,
    int_digits: usize,
    /// Had x/X placeholders ("20xx"): the value is unreadable.
    placeholder: bool,
}

fn read_arabic(chars: &[char], start: usize, limit: usize) -> ArabicRun {
    let mut mantissa: Option<i128> = Some(0);
    let push = |m: Option<i128>, d: u8| {
        m.and_then(|m| m.checked_mul(10))
            .and_then(|m| m.checked_add(i128::from(d)))
    };
    let mut i = start;
    let mut int_digits = 0usize;
    while i < limit {
        if let Some(d) = arabic_digit(chars[i]) {
            mantissa = push(mantissa, d);
            int_digits += 1;
            i += 1;
        } else if chars[i] == ','
            && i + 4 <= limit
            && chars[i + 1..i + 4].iter().all(|c| c.is_ascii_digit())
            && chars.get(i + 4).is_none_or(|c| arabic_digit(*c).is_none())
        {
            // Thousands separator "1,000": exactly three digits must follow.
            i += 1;
        } else {
            break;
        }
    }
    let mut placeholder = false;
    while i < limit && matches!(chars[i], 'x' | 'X' | 'ｘ' | 'Ｘ') {
        placeholder = true;
        i += 1;
    }
    let mut scale = 0u32;
    if !placeholder && i + 1 < limit && matches!(chars[i], '.' | '．') && arabic_digit(chars[i + 1]).is_some() {
        i += 1;
        while i < limit {
            match arabic_digit(chars[i]) {
                Some(d) => {
                    mantissa = push(mantissa, d);
                    scale = scale.saturating_add(1);
                    i += 1;
                }
                None => break,
            }
        }
    }
    ArabicRun {
        end: i,
        value: mantissa.and_then(|m| Decimal::new(m, scale)),
        int_digits,
        placeholder,
    }
}

fn single_digit(t: &Tok) -> Option<i128> {
    match t {
        Tok::Num {
            value: Some(v),
            chinese: true,
        } => v.to_i128(),
        _ => None,
    }
}

/// Adjacent Chinese digits that form an approximate range: 两三, 七八, 三五.
fn is_range_pair(a: i128, b: i128) -> bool {
    (1..=8).contains(&a) && b == a + 1 || (a, b) == (3, 5)
}

fn evaluate(toks: &[Tok]) -> Result<(Option<Decimal>, Option<Decimal>), EvalError> {
    // 一九九八, 二〇〇六, 三一: digits written one by one are read positionally.
    let all_digits = toks.len() > 1
        && toks
            .iter()
            .all(|t| matches!(t, Tok::Num { chinese: true, .. } | Tok::Zero));
    let pair = toks
        .windows(2)
        .position(|w| matches!((single_digit(&w[0]), single_digit(&w[1])), (Some(a), Some(b)) if is_range_pair(a, b)));
    if let Some(p) = pair {
        if !(all_digits && toks.len() > 2) {
            let mut low: Vec<Tok> = toks.to_vec();
            low.remove(p + 1);
            let mut high: Vec<Tok> = toks.to_vec();
            high.remove(p);
            let lo = eval_plain(&low)?;
            let hi = eval_plain(&high)?;
            return Ok((lo, hi));
        }
    }
    if all_digits {
        let mut m: Option<i128> = Some(0);
        for t in toks {
            let d = single_digit(t).unwrap_or(0);
            m = m.and_then(|m| m.checked_mul(10)).and_then(|m| m.checked_add(d));
        }
        return match m {
            Some(m) => Ok((Some(Decimal::from_int(m)), None)),
            None => Err(EvalError::Overflow),
        };
    }
    Ok((eval_plain(toks)?, None))
}

/// Read a numeral with place values; `Ok(None)` means it overflowed.
fn eval_plain(toks: &[Tok]) -> Result<Option<Decimal>, EvalError> {
    match eval_checked(toks) {
        Ok(v) => Ok(Some(v)),
        Err(EvalError::Overflow) => Ok(None),
        Err(e) => Err(e),
    }
}

fn eval_checked(toks: &[Tok]) -> Result<Decimal, EvalError> {
    let ov = || EvalError::Overflow;
    let mut total = Decimal::ZERO;
    let mut section = Decimal::ZERO;
    let mut current: Option<Decimal> = None;
    let mut current_chinese = false;
    let mut last_big = 0u32;
    // Power of the unit just before a trailing lone digit (一百五 → 150).
    let mut last_unit: Option<u32> = None;
    let mut zero_seen = false;
    for t in toks {
        match *t {
            Tok::Num { value, chinese } => {
                if current.is_some() {
                    return Err(EvalError::Invalid);
                }
                current = Some(value.ok_or_else(ov)?);
                current_chinese = chinese;
            }
            Tok::Zero => {
                if current.is_some() {
                    return Err(EvalError::Invalid);
                }
                zero_seen = true;
                last_unit = None;
            }
            Tok::Frac(f) => {
                let f = f.ok_or_else(ov)?;
                let base = current.take().unwrap_or(Decimal::ZERO);
                current = Some(base.checked_add(f).ok_or_else(ov)?);
                current_chinese = false;
                last_unit = None;
            }
            Tok::Small(p) => {
                let m = current.take().unwrap_or(Decimal::from_int(1));
                let add = m.checked_mul_pow10(p).ok_or_else(ov)?;
                section = section.checked_add(add).ok_or_else(ov)?;
                last_unit = Some(p);
                zero_seen = false;
            }
            Tok::Tens(v) => {
                if current.is_some() {
                    return Err(EvalError::Invalid);
                }
                section = section.checked_add(Decimal::from_int(i128::from(v))).ok_or_else(ov)?;
                last_unit = None;
            }
            Tok::Big(p) => {
                let group = section
                    .checked_add(current.take().unwrap_or(Decimal::ZERO))
                    .ok_or_else(ov)?;
                let group = if group == Decimal::ZERO && total == Decimal::ZERO {
                    Decimal::from_int(1)
                } else {
                    group
                };
                if last_big == 0 || p >= last_big {
                    // 一万亿, 亿亿: the new magnitude scales everything so far.
                    total = total
                        .checked_add(group)
                        .and_then(|v| v.checked_mul_pow10(p))
                        .ok_or_else(ov)?;
                    last_big = p;
                } else {
                    // 三亿五千万: a smaller magnitude scales only its own group.
                    let add = group.checked_mul_pow10(p).ok_or_else(ov)?;
                    total = total.checked_add(add).ok_or_else(ov)?;
                }
                section = Decimal::ZERO;
                last_unit = Some(p);
                zero_seen = false;
            }
        }
    }
    let mut tail = current.unwrap_or(Decimal::ZERO);
    if let (Some(c), Some(p), false, true) = (current, last_unit, zero_seen, current_chinese) {
        // Colloquial contraction: 一百五 = 150, 两万三 = 23000, 十五 stays 15.
        if p >= 1 {
            tail = c.checked_mul_pow10(p - 1).ok_or_else(ov)?;
        }
    }
    total
        .checked_add(section)
        .and_then(|v| v.checked_add(tail))
        .ok_or_else(ov)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<String> {
        parse(s).map(|d| d.to_string())
    }

    #[test]
    fn arabic_and_fullwidth() {
        assert_eq!(p("20"), Some("20".into()));
        assert_eq!(p("２０"), Some("20".into()));
        assert_eq!(p("1245.3"), Some("1245.3".into()));
        assert_eq!(p("54.63"), Some("54.63".into()));
        assert_eq!(p("1,000"), Some("1000".into()));
        assert_eq!(p("１２．５"), Some("12.5".into()));
    }

    #[test]
    fn chinese_basic() {
        assert_eq!(p("一"), Some("1".into()));
        assert_eq!(p("两"), Some("2".into()));
        assert_eq!(p("十"), Some("10".into()));
        assert_eq!(p("十五"), Some("15".into()));
        assert_eq!(p("二十"), Some("20".into()));
        assert_eq!(p("一百零五"), Some("105".into()));
        assert_eq!(p("三千二百"), Some("3200".into()));
        assert_eq!(p("廿"), Some("20".into()));
        assert_eq!(p("廿三"), Some("23".into()));
        assert_eq!(p("一九九八"), Some("1998".into()));
        assert_eq!(p("二〇〇六"), Some("2006".into()));
        assert_eq!(p("壹万贰仟"), Some("12000".into()));
    }

    #[test]
    fn magnitudes_exact() {
        assert_eq!(p("4.0857亿"), Some("408570000".into()));
        assert_eq!(p("20万"), Some("200000".into()));
        assert_eq!(p("1万3千"), Some("13000".into()));
        assert_eq!(p("1.38万"), Some("13800".into()));
        assert_eq!(p("三亿五千万"), Some("350000000".into()));
        assert_eq!(p("一万亿"), Some("1000000000000".into()));
        assert_eq!(p("亿亿"), None, "a numeral cannot start with a magnitude");
        assert_eq!(p("一亿亿"), Some("10000000000000000".into()));
        assert_eq!(p("3千万"), Some("30000000".into()));
        assert_eq!(p("三点五亿"), Some("350000000".into()));
        assert_eq!(p("十二点五"), Some("12.5".into()));
    }

    #[test]
    fn contractions() {
        assert_eq!(p("一百五"), Some("150".into()));
        assert_eq!(p("两万三"), Some("23000".into()));
        assert_eq!(p("三千二"), Some("3200".into()));
    }

    #[test]
    fn ranges_give_both_ends() {
        let chars: Vec<char> = "两三年".chars().collect();
        let n = scan(&chars, 0).expect("numeral");
        assert_eq!(n.end, 2);
        assert_eq!(n.value, Some(Decimal::from_int(2)));
        assert_eq!(n.value_max, Some(Decimal::from_int(3)));
        let chars: Vec<char> = "七八十人".chars().collect();
        let n = scan(&chars, 0).expect("numeral");
        assert_eq!(n.value, Some(Decimal::from_int(70)));
        assert_eq!(n.value_max, Some(Decimal::from_int(80)));
    }

    #[test]
    fn not_numerals() {
        assert_eq!(p("十一五"), None);
        assert_eq!(p("万"), None);
        assert_eq!(p("零"), None);
        assert_eq!(p(""), None);
        assert_eq!(p("abc"), None);
    }

    #[test]
    fn unreadable_and_huge() {
        let chars: Vec<char> = "20xx余口".chars().collect();
        let n = scan(&chars, 0).expect("numeral");
        assert_eq!((n.end, n.value, n.year_like), (4, None, true));
        let forty = "1234567890".repeat(4);
        let chars: Vec<char> = forty.chars().collect();
        let n = scan(&chars, 0).expect("numeral");
        assert_eq!((n.end, n.value), (40, None));
        let many: String = std::iter::once('一').chain(std::iter::repeat_n('亿', 1000)).collect();
        let chars: Vec<char> = many.chars().collect();
        let n = scan(&chars, 0).expect("numeral");
        assert_eq!((n.end, n.value), (1001, None));
    }

    #[test]
    fn year_detection() {
        let y = |s: &str| {
            let chars: Vec<char> = s.chars().collect();
            scan(&chars, 0).map(|n| n.year_like)
        };
        assert_eq!(y("2006年"), Some(true));
        assert_eq!(y("二〇〇六年"), Some(true));
        assert_eq!(y("13年"), Some(false));
        assert_eq!(y("2006.5"), Some(false));
    }

    #[test]
    fn magnitude_suffix_count() {
        let chars: Vec<char> = "15万人次".chars().collect();
        let n = scan(&chars, 0).expect("numeral");
        assert_eq!((n.end, n.magnitude_chars, n.form), (3, 1, Form::Mixed));
    }
}
