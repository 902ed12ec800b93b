//! The codes duikou's IATI 2.03 export chooses for its own values (the mapping table of `docs/iati.md`): pure
//! functions, each value checked against IATI's codelists by the export's tests.

use chrono::NaiveDate;

/// The prefix of every identifier duikou makes (IATI has no registration agency for duikou's own ids).
pub const REF_PREFIX: &str = "CN-DUIKOU";

/// An org's reference: `CN-DUIKOU-O{id}`.
pub fn org_ref(org: i64) -> String {
    format!("{REF_PREFIX}-O{org}")
}

/// A pairing's activity identifier: the reporting org's reference, the program and the pairing
/// (`CN-DUIKOU-O5-P1-16`), stable while the program's authority stays.
pub fn activity_identifier(authority: i64, program: i64, pairing: i64) -> String {
    format!("{}-P{program}-{pairing}", org_ref(authority))
}

/// The OrganisationType of an org kind.
pub fn org_type(kind: &str) -> &'static str {
    match kind {
        "government" | "command" => "10",
        "university" | "school" => "80",
        "hospital" | "agency" | "department" => "15",
        "enterprise" => "70",
        "social" => "22",
        _ => "90",
    }
}

/// OrganisationRole of the supporting org: 1 Funding (it brings the aid money; money of other sources — central,
/// local matching, enterprises — is told per transaction as its provider).
pub const ROLE_SUPPORTER: &str = "1";
/// OrganisationRole of the receiving org: 4 Implementing.
pub const ROLE_RECEIVER: &str = "4";
/// OrganisationRole of the program's authority: 2 Accountable.
pub const ROLE_AUTHORITY: &str = "2";

/// The TransactionType of a transaction kind: commitment 2, disbursement 3, expenditure 4.
pub fn transaction_type(kind: &str) -> Option<&'static str> {
    match kind {
        "commitment" => Some("2"),
        "disbursement" => Some("3"),
        "expenditure" => Some("4"),
        _ => None,
    }
}

/// The ActivityStatus of a pairing on `today` from its term: before its start 1 (pipeline), within it (or with no
/// end) 2 (implementation), after its end 4 (closed).
pub fn activity_status(start: Option<NaiveDate>, end: Option<NaiveDate>, today: NaiveDate) -> &'static str {
    match (start, end) {
        (Some(s), _) if today < s => "1",
        (_, Some(e)) if today > e => "4",
        _ => "2",
    }
}

/// The activity dates of a term (its first and last day): planned start 1 and planned end 3 always, actual start 2
/// once the start is past and actual end 4 once the end is past (IATI forbids actual dates in the future).
pub fn activity_dates(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<(&'static str, NaiveDate)> {
    let mut out = Vec::new();
    if let Some(s) = start {
        out.push(("1", s));
        if s <= today {
            out.push(("2", s));
        }
    }
    if let Some(e) = end {
        out.push(("3", e));
        if e < today {
            out.push(("4", e));
        }
    }
    out
}

/// The OECD DAC 5-digit purpose code (SectorVocabulary 1) of a project category, with its Chinese name.
pub fn dac_sector(category: &str) -> (&'static str, &'static str) {
    match category {
        "housing" => ("16040", "低收入住房（安居）"),
        "education" => ("11120", "教育设施与培训"),
        "health" => ("12230", "基本卫生基础设施"),
        "culture" => ("16061", "文化与娱乐"),
        "employment" => ("16020", "创造就业"),
        "industry" => ("32120", "工业发展"),
        "infrastructure" => ("43040", "农村发展（基础设施）"),
        "talent" => ("43081", "多部门教育/培训（人才）"),
        "intellectual" => ("15110", "公共部门政策与行政管理（智力支援）"),
        _ => ("99810", "未指明部门"),
    }
}

/// The DAC sector of a pairing with no confirmed project, from the receiving org's kind.
pub fn dac_sector_of_receiver(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "school" => ("11130", "教师培训"),
        "university" => ("11420", "高等教育"),
        "hospital" => ("12191", "医疗服务"),
        _ => ("43010", "多部门援助"),
    }
}

/// Shares in percent with two decimals of some weights, summing to exactly 100.00 (the rounding remainder goes to
/// the largest share); `None` for each when there is only one, or the weights are all zero.
pub fn percentages(weights: &[u64]) -> Vec<Option<String>> {
    let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if weights.len() < 2 || total == 0 {
        return vec![None; weights.len()];
    }
    // hundredths of a percent
    let mut parts: Vec<u128> = weights.iter().map(|w| u128::from(*w) * 10_000 / total).collect();
    let short = 10_000 - parts.iter().sum::<u128>();
    if let Some(i) = (0..weights.len()).max_by_key(|i| (weights[*i], std::cmp::Reverse(*i))) {
        parts[i] += short;
    }
    parts
        .into_iter()
        .map(|p| Some(format!("{}.{:02}", p / 100, p % 100)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn status_follows_the_term() {
        let (s, e) = (Some(d(2014, 1, 1)), Some(d(2016, 12, 31)));
        assert_eq!(activity_status(s, e, d(2013, 12, 31)), "1");
        assert_eq!(activity_status(s, e, d(2014, 1, 1)), "2");
        assert_eq!(activity_status(s, e, d(2016, 12, 31)), "2");
        assert_eq!(activity_status(s, e, d(2017, 1, 1)), "4");
        assert_eq!(activity_status(None, None, d(2017, 1, 1)), "2");
    }

    #[test]
    fn actual_dates_never_in_the_future() {
        let dates = activity_dates(Some(d(2014, 1, 1)), Some(d(2030, 12, 31)), d(2026, 12, 6));
        assert_eq!(
            dates,
            vec![("1", d(2014, 1, 1)), ("2", d(2014, 1, 1)), ("3", d(2030, 12, 31))]
        );
    }

    #[test]
    fn percentages_sum_to_a_hundred() {
        assert_eq!(percentages(&[5]), vec![None]);
        assert_eq!(
            percentages(&[1, 1, 1]),
            vec![Some("33.34".into()), Some("33.33".into()), Some("33.33".into())]
        );
        assert_eq!(percentages(&[3, 1]), vec![Some("75.00".into()), Some("25.00".into())]);
        assert_eq!(percentages(&[0, 0]), vec![None, None]);
    }
}
