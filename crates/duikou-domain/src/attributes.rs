//! The attributes an org may carry (`orgs.attributes`), each with the Chinese label and unit a person reads it by:
//! the receiver's baseline (a health centre's 职工13名, a school's 教师35名) and what a supporter brings (援建学科10个).
//! An attribute not listed here is kept and shown by its key, but never told in a summary: nobody could say what it
//! counts.

/// One known attribute: its key in `orgs.attributes`, its label and its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute {
    /// The key (`teacher_count`).
    pub key: &'static str,
    /// What it counts (教师).
    pub label: &'static str,
    /// Its unit (名).
    pub unit: &'static str,
}

const fn a(key: &'static str, label: &'static str, unit: &'static str) -> Attribute {
    Attribute { key, label, unit }
}

/// The known attributes, in the order a summary tells them.
pub const ORG_ATTRIBUTES: &[Attribute] = &[
    a("staff", "职工", "名"),
    a("licensed_physicians", "执业医师", "名"),
    a("assistant_physicians", "执业助理医师", "名"),
    a("licensed_nurses", "执业护师", "名"),
    a("full_time_prevention_staff", "专职防保人员", "名"),
    a("part_time_health_inspectors", "兼职卫生监督员", "名"),
    a("village_clinics", "村卫生室", "个"),
    a("village_doctors", "乡村医生", "名"),
    a("teacher_count", "教师", "名"),
    a("student_count", "学生", "名"),
    a("aided_disciplines", "援建学科", "个"),
    a("colleges", "学院", "个"),
    a("direct_units", "直属单位", "个"),
    a("olympic_sports", "奥运项目", "个"),
    a("population_wan", "人口", "万人"),
    a("minority_share_percent", "少数民族人口占比", "%"),
];

/// The known attribute with this key.
pub fn org_attribute(key: &str) -> Option<&'static Attribute> {
    ORG_ATTRIBUTES.iter().find(|a| a.key == key)
}

/// An attribute's value as a person reads it: `职工13名`, `无专职防保人员` for none; `None` when the value is not a
/// number.
pub fn written(attr: &Attribute, value: &serde_json::Value) -> Option<String> {
    let n = match value {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if n == 0.0 {
        return Some(format!("无{}", attr.label));
    }
    let shown = if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    };
    Some(format!("{}{shown}{}", attr.label, attr.unit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_attribute_reads_with_its_label_and_unit_and_none_as_none() {
        let staff = org_attribute("staff").unwrap();
        assert_eq!(written(staff, &json!(13)).as_deref(), Some("职工13名"));
        assert_eq!(written(staff, &json!("13")).as_deref(), Some("职工13名"));
        let none = org_attribute("full_time_prevention_staff").unwrap();
        assert_eq!(written(none, &json!(0)).as_deref(), Some("无专职防保人员"));
        let pop = org_attribute("population_wan").unwrap();
        assert_eq!(written(pop, &json!(50.1)).as_deref(), Some("人口50.1万人"));
        assert_eq!(written(staff, &json!("很多")), None);
        assert!(org_attribute("colleges_visited_2006").is_none());
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<&str> = ORG_ATTRIBUTES.iter().map(|a| a.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), ORG_ATTRIBUTES.len());
    }
}
