//! The extracted fact record (one quantity mention) and its JSON Lines / table renderings.

use serde::{Serialize, Serializer};

use crate::decimal::Decimal;

/// One quantity mentioned in a text, e.g. "近500名" at offset 3120.
///
/// Serialises to exactly the JSON fields, in this order:
/// `quote`, `start`, `value`, `value_max` (only for ranges), `approx`,
/// `unit`, `measure`, `kind`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// Shortest exact substring holding the number, any touching
    /// approximator and the unit ("近500名", "1.5多亿元", "20%左右").
    pub quote: String,
    /// Offset of `quote` in the text, in Unicode scalar values from 0.
    pub start: usize,
    /// Value with magnitude expanded (4.0857亿 → 408570000; percent as the
    /// percent number); `None` (JSON null) when unreadable, e.g. "20xx".
    pub value: Option<Decimal>,
    /// Upper end of a range (20-50人, 两三年); absent from JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_max: Option<Decimal>,
    /// Approximator touching the number, if any.
    pub approx: Option<Approx>,
    /// Unit or classifier as written, including 万/亿 (万元, 万人次, %).
    pub unit: String,
    /// Short Chinese label of what is counted (援教教师, 援助资金 …).
    pub measure: String,
    /// Broad kind of quantity.
    pub kind: Kind,
}

/// What sort of quantity a fact is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// People, items, projects … (名, 人, 个, 项, 套 …).
    Count,
    /// Amounts of money (元, 万元, 亿元).
    Money,
    /// Percentages (%, 百分之…, 个百分点).
    Percent,
    /// Areas (平方公里, 亩, 公顷).
    Area,
    /// Lengths of time (年, 个月, 天).
    Duration,
    /// Multipliers (倍).
    Ratio,
    /// Places in a ranking (排名第3位).
    Rank,
    /// Anything else with a unit (米, 吨, 岁, 兆瓦 …).
    Other,
}

impl Kind {
    /// The lowercase English name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Money => "money",
            Kind::Percent => "percent",
            Kind::Area => "area",
            Kind::Duration => "duration",
            Kind::Ratio => "ratio",
            Kind::Rank => "rank",
            Kind::Other => "other",
        }
    }
}

/// An approximator word attached to a number, normalised to the issue's
/// set: 将近/接近 → 近, 大约 → 约, 不得少于/不低于 → 不少于, 超过/逾 → 以上.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Approx {
    /// 余 (50余人次).
    Yu,
    /// 多 (30多名, 1.5多亿元).
    Duo,
    /// 近, 将近, 接近.
    Jin,
    /// 约, 大约.
    Yue,
    /// 左右.
    ZuoYou,
    /// 以上, 超过, 逾.
    YiShang,
    /// 以下.
    YiXia,
    /// 不少于, 不得少于, 不低于.
    BuShaoYu,
    /// 至少.
    ZhiShao,
}

impl Approx {
    /// The Chinese word written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Approx::Yu => "余",
            Approx::Duo => "多",
            Approx::Jin => "近",
            Approx::Yue => "约",
            Approx::ZuoYou => "左右",
            Approx::YiShang => "以上",
            Approx::YiXia => "以下",
            Approx::BuShaoYu => "不少于",
            Approx::ZhiShao => "至少",
        }
    }
}

impl Serialize for Approx {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One JSON object per line, fields as in [`Fact`]; empty string for no facts.
pub fn to_jsonl(facts: &[Fact]) -> String {
    let mut out = String::new();
    for fact in facts {
        // Serialising plain strings and numbers cannot fail; skip defensively.
        if let Ok(line) = serde_json::to_string(fact) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// A human-readable table with Chinese headers, columns aligned for
/// terminals where CJK characters take two cells.
pub fn to_table(facts: &[Fact]) -> String {
    let header = ["位置", "原文", "数值", "上限", "约数", "单位", "度量", "类别"];
    let rows: Vec<[String; 8]> = facts
        .iter()
        .map(|f| {
            [
                f.start.to_string(),
                f.quote.clone(),
                f.value.map_or_else(|| "—".to_string(), |v| v.to_string()),
                f.value_max.map_or_else(String::new, |v| v.to_string()),
                f.approx.map_or_else(String::new, |a| a.as_str().to_string()),
                f.unit.clone(),
                f.measure.clone(),
                kind_zh(f.kind).to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(display_width);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(display_width(cell));
        }
    }
    let mut out = String::new();
    let push_row = |out: &mut String, cells: &[&str]| {
        let mut line = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths.iter()).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            // Numbers read best right-aligned, but padding after keeps it simple
            // and lets the last column run free without trailing blanks.
            if i + 1 < cells.len() {
                line.push_str(&" ".repeat(w.saturating_sub(display_width(cell))));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    push_row(&mut out, &header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    let rule_refs: Vec<&str> = rule.iter().map(String::as_str).collect();
    push_row(&mut out, &rule_refs);
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        push_row(&mut out, &cells);
    }
    out.push_str(&format!("共 {} 条\n", facts.len()));
    out
}

/// Chinese name of a kind for the table.
fn kind_zh(kind: Kind) -> &'static str {
    match kind {
        Kind::Count => "数量",
        Kind::Money => "金额",
        Kind::Percent => "百分比",
        Kind::Area => "面积",
        Kind::Duration => "时长",
        Kind::Ratio => "倍数",
        Kind::Rank => "名次",
        Kind::Other => "其他",
    }
}

/// Terminal cells a string takes: East Asian wide and full-width characters count two.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let wide = (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
                || (0x20000..=0x3FFFD).contains(&u);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Fact {
        Fact {
            quote: "20-50人".into(),
            start: 7,
            value: Some(Decimal::from_int(20)),
            value_max: Some(Decimal::from_int(50)),
            approx: None,
            unit: "人".into(),
            measure: "科任教师".into(),
            kind: Kind::Count,
        }
    }

    #[test]
    fn jsonl_fields_and_order() {
        let line = to_jsonl(&[sample()]);
        assert_eq!(
            line,
            "{\"quote\":\"20-50人\",\"start\":7,\"value\":20,\"value_max\":50,\"approx\":null,\"unit\":\"人\",\"measure\":\"科任教师\",\"kind\":\"count\"}\n"
        );
        let mut single = sample();
        single.value_max = None;
        single.approx = Some(Approx::Jin);
        let line = to_jsonl(&[single]);
        assert!(!line.contains("value_max"));
        assert!(line.contains("\"approx\":\"近\""));
    }

    #[test]
    fn table_aligns_cjk() {
        let t = to_table(&[sample()]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("位置"));
        assert!(lines[2].contains("20-50人"));
        assert_eq!(lines[3], "共 1 条");
        assert_eq!(display_width("近500名"), 2 + 3 + 2);
    }
}
