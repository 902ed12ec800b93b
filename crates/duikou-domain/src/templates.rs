//! Built-in obligation templates that reproduce the seed programs' rules exactly: the 第8篇 校对校对口帮扶 plan,
//! the 第5篇 rule that at least 80 % of government aid money goes to livelihood projects, and a 第3篇-style yearly
//! task list assigned by an authority to its units.

use crate::obligation::ObligationRule;
use crate::Qty;
use serde::Serialize;
use serde_json::{json, Value};

/// One obligation of a template.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateItem {
    /// A short stable key within the template.
    pub key: &'static str,
    /// The title the obligation gets.
    pub title: &'static str,
    /// The seed's own words the rule comes from.
    pub source: &'static str,
    /// Its weight in the assessment.
    pub weight: Qty,
    /// The rule.
    pub rule: ObligationRule,
    /// Whether it is assigned to one unit for one year (then `assigned_org_id` and `year` must be given).
    pub assigned: bool,
}

/// A named set of obligations.
#[derive(Debug, Clone, Serialize)]
pub struct Template {
    /// Stable code (`school_pairing`).
    pub code: &'static str,
    /// Chinese name.
    pub name: &'static str,
    /// What it is for.
    pub description: &'static str,
    /// The calendar the program should use.
    pub calendar: Value,
    /// Its obligations.
    pub items: Vec<TemplateItem>,
}

fn rule(v: Value) -> ObligationRule {
    // the templates are written here and covered by tests; a broken one is a programming error caught there
    serde_json::from_value(v).unwrap_or_else(|e| panic!("built-in template rule: {e}"))
}

fn count_dispatched(role: &str, direction: &str, window: &str, target: i64, label: &str) -> ObligationRule {
    rule(json!({
        "subject": {"type": "pairing"}, "window": {"type": window}, "direction": direction,
        "measure": {"type": "distinct_count", "field": "person_id",
                    "records": {"entity": "dispatches", "filter": {"role": [role]}}},
        "comparison": "at_least", "target": {"type": "fixed", "value": target}, "label": label, "unit": "名"
    }))
}

/// Each of the supporting side's people of `role`, each semester (第8篇 holds the supporting school's people to it),
/// for at least `months` months as the source writes them, judged as 30 days each.
fn months_each(role: &str, months: i64, label: &str) -> ObligationRule {
    rule(json!({
        "subject": {"type": "each_dispatch", "role": role}, "window": {"type": "semester"}, "direction": "to_receiver",
        "measure": {"type": "cumulative_days", "records": {"entity": "stints"}},
        "comparison": "at_least",
        "target": {"type": "fixed", "value": months * 30, "written": {"value": months, "unit": "个月"}},
        "label": label, "unit": "天"
    }))
}

/// Each stint of the supporting side's people of `role`, judged in the semester holding most of its days.
fn stint_min(role: &str, target: i64, label: &str) -> ObligationRule {
    rule(json!({
        "subject": {"type": "each_stint", "role": role}, "window": {"type": "semester"}, "direction": "to_receiver",
        "measure": {"type": "min_stint_days", "records": {"entity": "stints"}},
        "comparison": "at_least", "target": {"type": "fixed", "value": target}, "label": label, "unit": "天"
    }))
}

fn activities(window: &str, filter: Value, target: i64, label: &str) -> ObligationRule {
    rule(json!({
        "subject": {"type": "pairing"}, "window": {"type": window},
        "measure": {"type": "count", "records": {"entity": "activities", "filter": filter}},
        "comparison": "at_least", "target": {"type": "fixed", "value": target}, "label": label, "unit": "次"
    }))
}

fn item(key: &'static str, title: &'static str, source: &'static str, rule: ObligationRule) -> TemplateItem {
    TemplateItem {
        key,
        title,
        source,
        weight: Qty::from_int(1),
        rule,
        assigned: false,
    }
}

/// Every built-in template.
pub fn templates() -> Vec<Template> {
    vec![school_pairing(), livelihood_share(), yearly_tasks()]
}

/// The template with this code.
pub fn template(code: &str) -> Option<Template> {
    templates().into_iter().find(|t| t.code == code)
}

fn school_pairing() -> Template {
    Template {
        code: "school_pairing",
        name: "校对校对口帮扶（三年）",
        description: "第8篇 校对校“对口帮扶”实施方案的全部量化要求：每学期互派管理人员、每学年互派教师，\
                      每学期累计不少于一个月、每次连续不少于一周；每年全员培训；三年内按受援学校科任教师人数分档培养县级骨干教师；\
                      每年校风教风学风交流；每学期教研活动。",
        calendar: json!({"kind": "school_year"}),
        items: vec![
            item("managers_out", "每学期支援学校派出管理人员到受援学校挂职不少于1名", "每学期互派至少1名经验丰富的管理人员到对口学校挂职",
                 count_dispatched("manager", "to_receiver", "semester", 1, "派出挂职管理人员")),
            item("managers_in", "每学期受援学校派出管理人员到支援学校挂职不少于1名", "每学期互派至少1名经验丰富的管理人员到对口学校挂职",
                 count_dispatched("manager", "to_supporter", "semester", 1, "受援学校派出挂职管理人员")),
            item("manager_days", "挂职管理人员每学期累计不少于一个月", "支教领导每学期支教累计不少于一个月",
                 months_each("manager", 1, "累计挂职指导")),
            item("manager_stint", "挂职管理人员每次连续指导不少于一周", "每次连续开展指导工作不少于一周",
                 stint_min("manager", 7, "连续指导")),
            item("teachers_out", "每学年支援学校派出教师到受援学校任教不少于2名", "每学年要互派教师不少于2名到对口学校任教",
                 count_dispatched("teacher", "to_receiver", "school_year", 2, "派出支教教师")),
            item("teachers_in", "每学年受援学校派出教师到支援学校不少于2名", "每学年要互派教师不少于2名到对口学校任教",
                 count_dispatched("teacher", "to_supporter", "school_year", 2, "受援学校派出交流教师")),
            item("teacher_days", "支教教师每学期累计支教不少于一个月", "支援学校教师每学期支教时间累积不得少于一个月",
                 months_each("teacher", 1, "累计支教")),
            item("teacher_stint", "支教教师每次连续支教不少于一周", "每次连续开展支教时间不得少于一周",
                 stint_min("teacher", 7, "连续支教")),
            item("all_staff_training", "每学年对受援学校教师全员培训一次以上", "对受援学校教师每年全员培训一次以上",
                 activities("school_year", json!({"kind": ["training"], "audience": ["all_staff"]}), 1, "全员培训")),
            item("backbone", "三年内培养县级学科骨干教师（按科任教师人数分档）",
                 "科任教师20人以下至少培养1名，20-50人至少2名，50人以上至少3名",
                 rule(json!({
                     "subject": {"type": "pairing"}, "window": {"type": "term"},
                     "measure": {"type": "sum", "field": "person_times",
                                 "records": {"entity": "activities", "filter": {"kind": ["training"], "audience": ["backbone"]}}},
                     "comparison": "at_least",
                     "target": {"type": "tiered", "of": "receiver", "attribute": "teacher_count",
                                "tiers": [{"to": 20, "target": 1}, {"from": 20, "to": 50, "target": 2}, {"from": 50, "target": 3}]},
                     "label": "培养县级学科骨干教师", "unit": "名"
                 }))),
            item("ethos_exchange", "每学年开展校风、教风、学风建设交流不少于1次", "每年要开展校风、教风、学风建设等方面工作的交流与学习",
                 activities("school_year", json!({"kind": ["exchange"]}), 1, "校风教风学风交流")),
            item("teaching_research", "每学期开展同类学科教研活动不少于1次", "每学期开展同类学科教研组或年级组教学研讨活动",
                 activities("semester", json!({"kind": ["teaching_research"]}), 1, "教研活动")),
        ],
    }
}

fn livelihood_share() -> Template {
    Template {
        code: "livelihood_share",
        name: "援助资金民生投向（80%）",
        description: "第5篇：将80%的政府性援疆资金用于民生建设——每年拨付的援助资金中，安居、教育、医疗、文化、就业类项目所占比例不低于80%。",
        calendar: json!({"kind": "calendar_year"}),
        items: vec![item(
            "livelihood_80",
            "每年政府性援助资金用于民生项目不低于80%",
            "将80%的政府性援疆资金用于民生建设",
            rule(json!({
                "subject": {"type": "pairing"}, "window": {"type": "year"},
                "measure": {"type": "ratio", "field": "amount",
                            "records": {"entity": "transactions", "filter": {"kind": ["disbursement"], "source": ["supporter"]}},
                            "numerator_filter": {"project.category": ["housing", "education", "health", "culture", "employment"]}, "zero_denominator": "skip"},
                "comparison": "at_least", "target": {"type": "fixed", "value": 80}, "label": "民生项目资金占比", "unit": "%"
            })),
        )],
    }
}

fn yearly_tasks() -> Template {
    let task = |key, title, source, filter: Value, measure: Value, target: i64, label, unit| TemplateItem {
        key,
        title,
        source,
        weight: Qty::from_int(1),
        rule: rule(json!({
            "subject": {"type": "pairing"}, "window": {"type": "year"},
            "measure": measure_with(measure, filter),
            "comparison": "at_least", "target": {"type": "fixed", "value": target}, "label": label, "unit": unit
        })),
        assigned: true,
    };
    Template {
        code: "yearly_tasks",
        name: "年度重点工作与责任分工（捐赠类）",
        description: "第3篇：主管部门向直属单位逐年下达任务，如群众体育司捐赠每套5万元的健身路径器材10套、青少年体育司捐赠14万元健身器材和4万元图书、\
                      体育基金管理中心捐赠10万元健身器材。每项任务须指定责任单位（assigned_org_id）和年度（year）。",
        calendar: json!({"kind": "calendar_year"}),
        items: vec![
            task("equipment_sets", "捐赠健身路径器材不少于10套", "群众体育司每套5万元的健身路径器材10套",
                 json!({"kind": ["donation"]}), json!({"type": "sum", "field": "items"}), 10, "捐赠健身路径器材", "套"),
            task("equipment_money", "捐赠健身器材金额不少于14万元", "青少年体育司捐赠14万元健身器材",
                 json!({"kind": ["donation"]}), json!({"type": "sum", "field": "amount"}), 140_000, "捐赠健身器材", "元"),
            task("books_money", "捐赠图书金额不少于4万元", "青少年体育司捐赠4万元图书",
                 json!({"kind": ["donation"]}), json!({"type": "sum", "field": "amount"}), 40_000, "捐赠图书", "元"),
        ],
    }
}

fn measure_with(mut measure: Value, filter: Value) -> Value {
    measure["records"] = json!({"entity": "activities", "filter": filter});
    measure
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_rule_is_valid_and_keys_are_unique() {
        for t in templates() {
            let mut keys = std::collections::BTreeSet::new();
            for i in &t.items {
                assert!(keys.insert(i.key), "{} repeats {}", t.code, i.key);
                let v = serde_json::to_value(&i.rule).unwrap();
                assert!(ObligationRule::from_json(&v).is_ok(), "{}.{}", t.code, i.key);
            }
            assert!(template(t.code).is_some());
        }
        assert_eq!(template("school_pairing").map(|t| t.items.len()), Some(12));
    }

    #[test]
    fn the_school_rules_say_whom_they_hold() {
        let t = template("school_pairing").unwrap();
        let text = |key: &str| t.items.iter().find(|i| i.key == key).unwrap().rule.text_zh();
        assert_eq!(
            text("teacher_stint"),
            "支援方教师每次连续支教不少于 1周（7天）（按学期考核）"
        );
        assert_eq!(
            text("teacher_days"),
            "支援方教师每人每学期累计支教不少于 1个月（按30天计）"
        );
        assert_eq!(
            text("manager_stint"),
            "支援方管理人员每次连续指导不少于 1周（7天）（按学期考核）"
        );
        assert_eq!(
            text("teachers_in"),
            "受援方派往支援方：每学年受援学校派出交流教师不少于 2 名"
        );
        assert_eq!(text("all_staff_training"), "每学年全员培训不少于 1 次");
    }
}
