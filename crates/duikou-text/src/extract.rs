//! Fact extraction: find every quantity with its unit in a Chinese narrative text, skipping dates, ordinals, names and anaphora.
//!
//! The text is walked once, left to right. At each character that can start
//! a numeral we read the numeral, the approximators and unit around it, and
//! then apply the exclusion rules. Every step looks at a bounded window
//! around the number, so the whole pass is linear in the text length.

use crate::decimal::Decimal;
use crate::fact::{Approx, Fact, Kind};
use crate::lexicon::{
    blocked_phrase_end, ends_with, starts_with, unit_at, UnitDef, ANAPHORA_BEFORE, LABEL_SKIP_BEFORE, LABEL_STOP,
    LABEL_VERBS, NOT_JIN_BEFORE, PREFIX_APPROX, RANK_CUES, SELF_NOUNS, SUFFIX_APPROX,
};
use crate::numeral::{self, big_unit, Form, Numeral};

/// Extract every quantified fact from `text`, in text order.
///
/// Offsets are counted in Unicode scalar values (Rust `char`s) from 0.
/// Runs in linear time; malformed or hostile input yields fewer facts,
/// never a panic.
pub fn extract(text: &str) -> Vec<Fact> {
    let chars: Vec<char> = text.chars().collect();
    let mut facts = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let step = if c == '百' || c == '千' {
            match percent_words(&chars, i) {
                Some(found) => Ok(found),
                None => candidate(&chars, i),
            }
        } else if numeral::can_start(c) {
            candidate(&chars, i)
        } else {
            Err(i + 1)
        };
        match step {
            Ok((fact, next)) => {
                facts.push(fact);
                i = next.max(i + 1);
            }
            Err(next) => i = next.max(i + 1),
        }
    }
    facts
}

/// Outcome of looking at one position: a fact and where to resume, or only
/// where to resume.
type Step = Result<(Fact, usize), usize>;

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

fn slice(chars: &[char], from: usize, to: usize) -> String {
    chars.get(from..to).map(|s| s.iter().collect()).unwrap_or_default()
}

/// 百分之五十, 百分之百, 千分之三, 百分百.
fn percent_words(chars: &[char], i: usize) -> Option<(Fact, usize)> {
    let (num_at, unit) = if starts_with(chars, i, "百分之") {
        (i + 3, "%")
    } else if starts_with(chars, i, "千分之") {
        (i + 3, "‰")
    } else if starts_with(chars, i, "百分百") {
        (i + 2, "%")
    } else {
        return None;
    };
    let (value, end) = if num_at == i + 2 {
        (Some(Decimal::from_int(100)), i + 3)
    } else {
        let n = numeral::scan(chars, num_at)?;
        (n.value, n.end)
    };
    let (approx, quote_start) = prefix_approx(chars, i);
    let (suffix, end) = suffix_approx(chars, end, Kind::Percent);
    let approx = approx.or(suffix);
    let measure = label(chars, quote_start, end, Kind::Percent, "比例");
    Some((
        Fact {
            quote: slice(chars, quote_start, end),
            start: quote_start,
            value,
            value_max: None,
            approx,
            unit: unit.to_string(),
            measure,
            kind: Kind::Percent,
        },
        end,
    ))
}

/// The approximator written just before position `at`, and where the quote
/// then starts.
fn prefix_approx(chars: &[char], at: usize) -> (Option<Approx>, usize) {
    for (word, approx) in PREFIX_APPROX {
        if ends_with(chars, at, word) {
            let len = word.chars().count();
            if *word == "近" && at >= 2 && NOT_JIN_BEFORE.contains(chars[at - 2]) {
                continue;
            }
            return (Some(*approx), at - len);
        }
    }
    (None, at)
}

/// The approximator written right after a unit (左右, 以上, 以下; 多/余 after
/// time and ratio units: 两倍多, 一年余), and where the quote then ends.
fn suffix_approx(chars: &[char], at: usize, kind: Kind) -> (Option<Approx>, usize) {
    for (word, approx) in SUFFIX_APPROX {
        if starts_with(chars, at, word) {
            return (Some(*approx), at + word.chars().count());
        }
    }
    if matches!(kind, Kind::Ratio | Kind::Duration) {
        let next_ok = chars.get(at + 1).is_none_or(|c| !"次种个名人项位".contains(*c));
        match chars.get(at) {
            Some('多') if next_ok => return (Some(Approx::Duo), at + 1),
            Some('余') if next_ok => return (Some(Approx::Yu), at + 1),
            _ => {}
        }
    }
    (None, at)
}

/// Range separators between two numbers.
fn separator_len(chars: &[char], at: usize) -> usize {
    match chars.get(at) {
        Some('-' | '－' | '–' | '—' | '―' | '~' | '～' | '〜' | '至' | '到') => {
            // A doubled dash (——) is still one separator.
            if matches!(chars.get(at + 1), Some('—' | '-')) {
                2
            } else {
                1
            }
        }
        _ => 0,
    }
}

/// Months in one unit of a duration, for ranges like 6个月至1年.
fn months_in(unit: &str) -> Option<i128> {
    match unit {
        "个月" => Some(1),
        "年" | "学年" => Some(12),
        _ => None,
    }
}

/// The unit found after a number, with any 万/亿 written before it.
struct UnitHit {
    /// Full unit as written (万元, 万人次, 万 alone).
    text: String,
    /// Definition of the unit word, `None` for a bare 万/亿.
    def: Option<&'static UnitDef>,
    /// Index just past the unit.
    end: usize,
    /// Approximator hidden inside the unit (一个多月).
    inner_approx: Option<Approx>,
}

fn unit_after(chars: &[char], at: usize, magnitude: &str) -> Option<UnitHit> {
    match unit_at(chars, at) {
        Some((def, len)) => {
            let (text, inner_approx) = if def.text == "个多月" {
                ("个月", Some(Approx::Duo))
            } else {
                (def.text, None)
            };
            Some(UnitHit {
                text: format!("{magnitude}{text}"),
                def: Some(def),
                end: at + len,
                inner_approx,
            })
        }
        None if !magnitude.is_empty() => Some(UnitHit {
            text: magnitude.to_string(),
            def: None,
            end: at,
            inner_approx: None,
        }),
        None => None,
    }
}

/// A number with what directly follows it: infix approximator and extra 万/亿.
struct Reading {
    n: Numeral,
    value: Option<Decimal>,
    value_max: Option<Decimal>,
    approx: Option<Approx>,
    magnitude: String,
    /// Index after the number, its infix approximator and magnitude.
    end: usize,
}

fn read_number(chars: &[char], at: usize) -> Option<Reading> {
    let mut n = numeral::scan(chars, at)?;
    // Give back a final 千 that belongs to a unit (5千米, 3千克, 10千瓦).
    if n.end > at + 1 && chars.get(n.end - 1) == Some(&'千') {
        if let Some((def, _)) = unit_at(chars, n.end - 1) {
            if def.text.starts_with('千') {
                n = numeral::scan_until(chars, at, n.end - 1)?;
            }
        }
    }
    let mut value = n.value;
    let mut value_max = n.value_max;
    let mut magnitude: String = slice(chars, n.end - n.magnitude_chars, n.end);
    let mut pos = n.end;
    let mut approx = None;
    let next = chars.get(pos).copied();
    let after = chars.get(pos + 1).copied();
    let unit_or_mag_follows =
        |p: usize| chars.get(p).is_some_and(|c| big_unit(*c).is_some()) || unit_at(chars, p).is_some();
    match next {
        Some('多') | Some('余') if unit_or_mag_follows(pos + 1) => {
            approx = Some(if next == Some('多') { Approx::Duo } else { Approx::Yu });
            pos += 1;
        }
        Some('几')
            if n.form == Form::Chinese
                && chars
                    .get(pos.wrapping_sub(1))
                    .is_some_and(|c| numeral::small_unit(*c).is_some())
                && after.is_some() =>
        {
            // 十几名: "ten-odd".
            approx = Some(Approx::Duo);
            pos += 1;
        }
        _ => {}
    }
    if approx.is_some() {
        while let Some(p) = chars.get(pos).and_then(|c| big_unit(*c)) {
            magnitude.push(chars[pos]);
            value = value.and_then(|v| v.checked_mul_pow10(p));
            value_max = value_max.and_then(|v| v.checked_mul_pow10(p));
            pos += 1;
        }
    }
    Some(Reading {
        n,
        value,
        value_max,
        approx,
        magnitude,
        end: pos,
    })
}

/// End of the run of numeral characters starting at `at`.
fn numeral_run_end(chars: &[char], at: usize) -> usize {
    let mut j = at;
    while j < chars.len() {
        let c = chars[j];
        let numeric = numeral::arabic_digit(c).is_some()
            || numeral::chinese_digit(c).is_some()
            || numeral::small_unit(c).is_some()
            || big_unit(c).is_some()
            || "廿卅卌".contains(c);
        if !numeric {
            break;
        }
        j += 1;
    }
    j.max(at + 1)
}

/// Heading numbers at the start of a line: 一、 (二) 3. 4．
fn at_line_start(chars: &[char], at: usize) -> bool {
    let mut j = at;
    while j > 0 {
        let c = chars[j - 1];
        if c == '\n' || c == '\r' {
            return true;
        }
        if c.is_whitespace() || c == '(' || c == '（' {
            j -= 1;
            continue;
        }
        return false;
    }
    true
}

/// A section number like "1." or "2．" at the start of a line, glued to
/// the text after it; returns the index of the dot.
fn heading_dot(chars: &[char], at: usize) -> Option<usize> {
    if !at_line_start(chars, at) {
        return None;
    }
    let mut j = at;
    while j < chars.len() && chars[j].is_ascii_digit() && j - at < 3 {
        j += 1;
    }
    (j > at && matches!(chars.get(j), Some('.' | '．'))).then_some(j)
}

/// If the number sits inside a short quoted name (“3393”工程, “512”地震),
/// the index after the closing quote.
fn inside_short_quote(chars: &[char], start: usize, end: usize) -> Option<usize> {
    const MAX: usize = 8;
    let open = (start.saturating_sub(MAX)..start)
        .rev()
        .take_while(|j| !matches!(chars[*j], '”' | '」' | '\n' | '。' | '，'))
        .find(|j| matches!(chars[*j], '“' | '「'))?;
    let close = (end..(open + MAX + 2).min(chars.len()))
        .take_while(|j| !matches!(chars[*j], '“' | '「' | '\n' | '。'))
        .find(|j| matches!(chars[*j], '”' | '」'))?;
    Some(close + 1)
}

fn candidate(chars: &[char], i: usize) -> Step {
    let skip_to = |end: usize| Err(end);
    if let Some(end) = blocked_phrase_end(chars, i) {
        return skip_to(end);
    }
    let Some(r) = read_number(chars, i) else {
        // Not a readable numeral (十一五…): skip the whole run of numeral
        // characters, so a long run is not rescanned from every position.
        return skip_to(numeral_run_end(chars, i));
    };
    let n_end = r.n.end;
    if let Some(dot) = heading_dot(chars, i) {
        // "1.2010年以来" at the start of a line is heading 1 then a year.
        return skip_to(dot + 1);
    }
    // Part of a code or identifier: F127, GB2312, v3.
    let prev = i.checked_sub(1).map(|j| chars[j]);
    if prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        || chars.get(n_end).is_some_and(|c| c.is_ascii_alphabetic())
    {
        return skip_to(n_end);
    }
    if let Some(end) = inside_short_quote(chars, i, n_end) {
        return skip_to(end);
    }
    if prev == Some('第') {
        return rank(chars, i, &r);
    }
    if prev == Some('每') && r.n.is_chinese_one(chars) {
        return skip_to(n_end);
    }
    if r.approx.is_none() {
        if let Some(range) = range_fact(chars, i, &r) {
            return range;
        }
    }
    let unit = match unit_after(chars, r.end, &r.magnitude) {
        Some(u) => u,
        None => {
            if at_line_start(chars, i) {
                return skip_to(n_end + 1);
            }
            return skip_to(if r.end > n_end { r.end } else { n_end });
        }
    };
    let kind_hint = unit.def.map_or(Kind::Count, |d| d.kind);
    let (prefix, quote_start) = prefix_approx(chars, i);
    let (suffix, end) = suffix_approx(chars, unit.end, kind_hint);
    let approx = prefix.or(r.approx).or(unit.inner_approx).or(suffix);
    if let Some(reason_end) = excluded(chars, i, &r, &unit, approx, end) {
        return skip_to(reason_end);
    }
    let (kind, measure) = classify(chars, quote_start, end, &unit);
    Ok((
        Fact {
            quote: slice(chars, quote_start, end),
            start: quote_start,
            value: r.value,
            value_max: r.value_max,
            approx,
            unit: unit.text,
            measure,
            kind,
        },
        end,
    ))
}

/// Exclusion rules that need the unit: dates, batch ordinals, anaphora,
/// the article 一, and the text enumerating itself. Returns where to resume.
fn excluded(
    chars: &[char],
    i: usize,
    r: &Reading,
    unit: &UnitHit,
    approx: Option<Approx>,
    end: usize,
) -> Option<usize> {
    let unit_word = unit.def.map_or("", |d| d.text);
    // 2006年, 二〇〇六年, 20xx年: calendar years, not durations.
    if unit_word == "年" && r.n.year_like && approx.is_none() && unit.text == "年" {
        return Some(end);
    }
    let prev = i.checked_sub(1).map(|j| chars[j]);
    // 前六批, 后两届: positions in a sequence.
    if matches!(prev, Some('前' | '后' | '头')) && matches!(unit_word, "批" | "届" | "期" | "轮" | "名" | "位")
    {
        return Some(end);
    }
    let kind = unit.def.map_or(Kind::Count, |d| d.kind);
    if kind != Kind::Duration && ANAPHORA_BEFORE.iter().any(|w| ends_with(chars, i, w)) {
        return Some(end);
    }
    if matches!(unit_word, "个" | "项" | "条" | "种" | "类")
        && SELF_NOUNS.iter().any(|w| starts_with(chars, unit.end, w))
    {
        return Some(end);
    }
    if r.n.is_chinese_one(chars) && r.value_max.is_none() && approx.is_none() {
        // 一 before a classifier and a noun is the article "a" (一项重要工作);
        // it counts only when the phrase ends there (电脑一批。) or is listed
        // (一个和两个), or after 为期/共计 (为期一年).
        let next = chars.get(end).copied();
        let ends_phrase =
            next.is_none_or(|c| c.is_whitespace() || "，。、；：！？,.;:!?)）”」』】和及与或".contains(c));
        let counted_before = ["为期", "共计", "合计", "累计", "仅", "只有"]
            .iter()
            .any(|w| ends_with(chars, i, w));
        if !(ends_phrase || counted_before) {
            return Some(end);
        }
    }
    None
}

/// 排名第3位: a rank fact; other 第N (第七批, 第一次) are ordinals and skipped.
fn rank(chars: &[char], i: usize, r: &Reading) -> Step {
    let di = i - 1;
    let cue = (0..=4).any(|gap| di >= gap && RANK_CUES.iter().any(|w| ends_with(chars, di - gap, w)));
    let unit = unit_at(chars, r.end);
    match unit {
        Some((def, len)) if cue && matches!(def.text, "名" | "位") => {
            let end = r.end + len;
            Ok((
                Fact {
                    quote: slice(chars, di, end),
                    start: di,
                    value: r.value,
                    value_max: None,
                    approx: None,
                    unit: def.text.to_string(),
                    measure: "排名".to_string(),
                    kind: Kind::Rank,
                },
                end,
            ))
        }
        Some((_, len)) => Err(r.end + len),
        None => Err(r.n.end),
    }
}

/// 20-50人, 100～200名, 3-5万元, 6个月至1年, 一、两年. `None` when the number
/// is not the start of a range, so the caller reads it alone.
fn range_fact(chars: &[char], i: usize, r: &Reading) -> Option<Step> {
    let unit1 = unit_after(chars, r.end, &r.magnitude).filter(|u| u.def.is_some());
    let sep_at = unit1.as_ref().map_or(r.end, |u| u.end);
    let mut sep = separator_len(chars, sep_at);
    let enumerated = sep == 0 && chars.get(sep_at) == Some(&'、') && unit1.is_none();
    if enumerated {
        // 一、两年: only adjacent single Chinese digits, and never a heading.
        let one_digit = |n: &Numeral| n.end == n.start + 1 && n.form == Form::Chinese;
        if !one_digit(&r.n) || at_line_start(chars, i) {
            return None;
        }
        sep = 1;
    }
    if sep == 0 {
        return None;
    }
    let r2 = read_number(chars, sep_at + sep)?;
    if enumerated {
        let ok = r2.n.end == r2.n.start + 1
            && r2.n.form == Form::Chinese
            && matches!((r.value, r2.value), (Some(a), Some(b)) if b.checked_add(Decimal::from_int(-1)) == Some(a));
        if !ok {
            return None;
        }
    }
    let unit2 = unit_after(chars, r2.end, &r2.magnitude)?;
    let mut low = r.value;
    let mut high = r2.value;
    let unit = match unit1 {
        None => {
            if r.magnitude.is_empty() && !r2.magnitude.is_empty() {
                // 3-5万元 means 3万 to 5万.
                let p: u32 = r2.magnitude.chars().filter_map(big_unit).sum();
                low = low.and_then(|v| v.checked_mul_pow10(p));
            }
            unit2
        }
        Some(u1) => {
            if u1.text == unit2.text {
                u1
            } else {
                let w1 = u1.def.map_or("", |d| d.text);
                let w2 = unit2.def.map_or("", |d| d.text);
                let (m1, m2) = (months_in(w1)?, months_in(w2)?);
                if !u1.text.starts_with(w1) || !unit2.text.starts_with(w2) || m2 % m1 != 0 {
                    return None;
                }
                // 6个月至1年 → 6 to 12 个月: the range is told in the first unit.
                high = high.and_then(|v| v.checked_mul(Decimal::from_int(m2 / m1)));
                UnitHit { end: unit2.end, ..u1 }
            }
        }
    };
    let kind_hint = unit.def.map_or(Kind::Count, |d| d.kind);
    let (prefix, quote_start) = prefix_approx(chars, i);
    let (suffix, end) = suffix_approx(chars, unit.end, kind_hint);
    let approx = prefix.or(suffix);
    // 2010-2014年, 7月26-31日 (no unit), 1997年至2010年: spans of dates.
    let unit_word = unit.def.map_or("", |d| d.text);
    if unit_word == "年" && (r.n.year_like || r2.n.year_like) {
        return Some(Err(end));
    }
    let prev = i.checked_sub(1).map(|j| chars[j]);
    if prev == Some('第') {
        return Some(Err(end));
    }
    let (kind, measure) = classify(chars, quote_start, end, &unit);
    Some(Ok((
        Fact {
            quote: slice(chars, quote_start, end),
            start: quote_start,
            value: low,
            value_max: high,
            approx,
            unit: unit.text,
            measure,
            kind,
        },
        end,
    )))
}

/// Kind and measure label of a fact spanning `start..end`.
fn classify(chars: &[char], start: usize, end: usize, unit: &UnitHit) -> (Kind, String) {
    match unit.def {
        Some(def) => {
            let measure = label(chars, start, end, def.kind, def.label);
            (def.kind, measure)
        }
        None => {
            // A bare 万/亿 (20万, 62万): money only if the words say so.
            let measure = label(chars, start, end, Kind::Other, "");
            let money = ["资", "金", "费", "款", "投", "额", "收入", "产值", "预算"]
                .iter()
                .any(|w| measure.contains(w));
            if money {
                (Kind::Money, measure)
            } else if measure.is_empty() {
                (Kind::Other, "数量".to_string())
            } else {
                (Kind::Count, measure)
            }
        }
    }
}

fn label_char(c: char) -> bool {
    is_cjk(c) && !LABEL_STOP.contains(c)
}

/// A short label for what a number measures, from the words around it.
///
/// Counts usually put the noun after the classifier (11名博士研究生), while
/// money, percentages and durations usually follow their noun (资金42.33亿元,
/// 山区占54.63%), so the side tried first depends on the kind.
fn label(chars: &[char], start: usize, end: usize, kind: Kind, fallback: &str) -> String {
    let after = || {
        let run: Vec<char> = chars
            .get(end..)
            .unwrap_or(&[])
            .iter()
            .take(8)
            .take_while(|c| label_char(**c))
            .copied()
            .collect();
        // Cut at the first verb that leaves a noun of two or more characters.
        let cut = (2..run.len())
            .find(|&i| LABEL_VERBS.iter().any(|v| starts_with(&run, i, v)))
            .unwrap_or(run.len());
        let run = &run[..cut.min(6)];
        (run.len() >= 2).then(|| run.iter().collect::<String>())
    };
    let before = || {
        let mut e = start;
        for _ in 0..2 {
            if let Some(w) = LABEL_SKIP_BEFORE.iter().find(|w| ends_with(chars, e, w)) {
                e -= w.chars().count();
            }
        }
        let mut b = e;
        while b > 0 && e - b < 8 && label_char(chars[b - 1]) {
            b -= 1;
        }
        let run = &chars[b..e];
        // Start after the last verb (投入援助资金 → 援助资金), unless the
        // verb ends the run: then it is the label itself (增长).
        let from = (0..run.len().saturating_sub(2))
            .rev()
            .find_map(|i| {
                LABEL_VERBS
                    .iter()
                    .find(|v| starts_with(run, i, v))
                    .map(|v| i + v.chars().count())
                    .filter(|after| run.len() - after >= 2)
            })
            .unwrap_or(0);
        let run = &run[from.max(run.len().saturating_sub(6))..];
        (run.len() >= 2).then(|| run.iter().collect::<String>())
    };
    let found = match kind {
        Kind::Count | Kind::Other => after().or_else(before),
        _ => before().or_else(after),
    };
    found.unwrap_or_else(|| fallback.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (quote, value, value_max, approx, unit) of each fact.
    fn q(text: &str) -> Vec<(String, String, String, String, String)> {
        extract(text)
            .into_iter()
            .map(|f| {
                (
                    f.quote,
                    f.value.map_or("null".into(), |v| v.to_string()),
                    f.value_max.map_or(String::new(), |v| v.to_string()),
                    f.approx.map_or(String::new(), |a| a.as_str().to_string()),
                    f.unit,
                )
            })
            .collect()
    }

    fn quotes(text: &str) -> Vec<String> {
        extract(text).into_iter().map(|f| f.quote).collect()
    }

    fn one(text: &str) -> (String, String, String, String, String) {
        let v = q(text);
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        v.into_iter().next().unwrap_or_default()
    }

    fn t(a: &str, b: &str, c: &str, d: &str, e: &str) -> (String, String, String, String, String) {
        (a.into(), b.into(), c.into(), d.into(), e.into())
    }

    #[test]
    fn plain_counts_and_money() {
        assert_eq!(one("选派援教教师12名。"), t("12名", "12", "", "", "名"));
        assert_eq!(
            one("投入资金4.0857亿元。"),
            t("4.0857亿元", "408570000", "", "", "亿元")
        );
        assert_eq!(
            one("下达4.0857亿援疆投资计划"),
            t("4.0857亿", "408570000", "", "", "亿")
        );
        assert_eq!(one("培训15万人次"), t("15万人次", "150000", "", "", "万人次"));
        assert_eq!(one("共1万3千人参加"), t("1万3千人", "13000", "", "", "人"));
        assert_eq!(one("援建二十套住房"), t("二十套", "20", "", "", "套"));
    }

    #[test]
    fn approximators() {
        assert_eq!(one("有近500名师生"), t("近500名", "500", "", "近", "名"));
        assert_eq!(one("另有1.5多亿元用于"), t("1.5多亿元", "150000000", "", "多", "亿元"));
        assert_eq!(one("投入10多万元"), t("10多万元", "100000", "", "多", "万元"));
        assert_eq!(one("互访50余人次"), t("50余人次", "50", "", "余", "人次"));
        assert_eq!(one("节省了约15万元"), t("约15万元", "150000", "", "约", "万元"));
        assert_eq!(one("保持在20%左右"), t("20%左右", "20", "", "左右", "%"));
        assert_eq!(one("从将近4%下降"), t("将近4%", "4", "", "近", "%"));
        assert_eq!(one("达到500%以上"), t("500%以上", "500", "", "以上", "%"));
        assert_eq!(one("不少于2名教师"), t("不少于2名", "2", "", "不少于", "名"));
        assert_eq!(one("不得少于一个月。"), t("不得少于一个月", "1", "", "不少于", "个月"));
        assert_eq!(one("每学期至少1名"), t("至少1名", "1", "", "至少", "名"));
        assert_eq!(one("超过300人参加"), t("超过300人", "300", "", "以上", "人"));
        assert_eq!(one("在20人以下的"), t("20人以下", "20", "", "以下", "人"));
        assert_eq!(one("培训十几名骨干"), t("十几名", "10", "", "多", "名"));
        assert_eq!(quotes("最近3年"), vec!["3年"]);
    }

    #[test]
    fn ranges() {
        assert_eq!(one("在20-50人之间"), t("20-50人", "20", "50", "", "人"));
        assert_eq!(one("选派100～200名"), t("100～200名", "100", "200", "", "名"));
        assert_eq!(one("大多两三年一换"), t("两三年", "2", "3", "", "年"));
        assert_eq!(one("进行6个月至1年的培养"), t("6个月至1年", "6", "12", "", "个月"));
        assert_eq!(one("资助3-5万元"), t("3-5万元", "30000", "50000", "", "万元"));
        assert_eq!(one("不是一、两年的事"), t("一、两年", "1", "2", "", "年"));
    }

    #[test]
    fn percent_and_multiplier() {
        assert_eq!(one("山区占54.63%"), t("54.63%", "54.63", "", "", "%"));
        assert_eq!(one("实现百分之百培训率"), t("百分之百", "100", "", "", "%"));
        assert_eq!(one("占百分之三十五"), t("百分之三十五", "35", "", "", "%"));
        assert_eq!(one("是过去的近4倍"), t("近4倍", "4", "", "近", "倍"));
        assert_eq!(one("人数的两倍多。"), t("两倍多", "2", "", "多", "倍"));
        assert_eq!(one("提高3个百分点"), t("3个百分点", "3", "", "", "个百分点"));
    }

    #[test]
    fn exclusions() {
        for text in [
            "2006年6月,教育部启动",
            "2010—2014年间",
            "从2013年10月开始",
            "第七批援疆干部",
            "一、基本情况",
            "(二)技术人才支援",
            "实施973计划",
            "三一重工计划投资",
            "十二五期间",
            "铁人三项部主任",
            "总体思路为“3393”工程",
            "实践三个代表",
            "两校领导高度重视",
            "援受双方积极沟通",
            "有以下四个方面",
            "三大原则",
            "这两项工作",
            "千家万户",
            "三番五次",
            "7月26-31日",
            "中图分类号:F127",
            "成为一项重要工作",
            "每一批援疆干部",
            "接近前六批的总和",
            "在“512”地震中",
            "十分关心",
            "第十二个五年规划纲要",
        ] {
            assert_eq!(quotes(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn article_one_counts_only_when_listed() {
        assert_eq!(quotes("捐赠办公电脑一批。"), vec!["一批"]);
        assert_eq!(quotes("县发改委主任一名,共计9名干部"), vec!["一名", "9名"]);
        assert_eq!(quotes("为期一年的培训"), vec!["一年"]);
        assert_eq!(quotes("开放一个课题"), Vec::<String>::new());
    }

    #[test]
    fn dates_versus_durations() {
        assert_eq!(quotes("为期7年的方案,2020年结束"), vec!["7年"]);
        assert_eq!(quotes("近五年"), vec!["近五年"]);
        assert_eq!(quotes("二〇〇六年"), Vec::<String>::new());
        assert_eq!(quotes("20xx年"), Vec::<String>::new());
        assert_eq!(one("井水20xx余口"), t("20xx余口", "null", "", "余", "口"));
    }

    #[test]
    fn rank_is_kept() {
        let f = extract("排名全国第3位");
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].quote.as_str(), f[0].kind), ("第3位", Kind::Rank));
    }

    #[test]
    fn offsets_are_chars() {
        let f = extract("一、共有50.1万人口");
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].start, f[0].quote.as_str()), (4, "50.1万"));
    }

    #[test]
    fn labels() {
        let m = |s: &str| extract(s).into_iter().map(|f| f.measure).collect::<Vec<_>>();
        assert_eq!(
            m("已招收我校11名博士研究生和2名硕士研究生"),
            vec!["博士研究生", "硕士研究生"]
        );
        assert_eq!(m("执业医师2名,"), vec!["执业医师"]);
        assert_eq!(m("投入援助资金153亿元"), vec!["援助资金"]);
        assert_eq!(m("山区占54.63%"), vec!["山区"]);
    }
}
