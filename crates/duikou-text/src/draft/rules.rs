//! A rule of an old plan or agreement ("每学期互派至少1名…挂职", "每学期支教累计不少于一个月", "受援学校科任教师
//! 20人以下至少培养1名…") proposed as an obligation in the language the engine evaluates: whom it holds (支援方 /
//! 受援方, which people), what is counted, the window (学期 / 学年 / 年 / 帮扶期), the target. A figure of the past
//! ("2012年共选派不少于20名") stays a record; a rule whose count the text does not make clear is a question for the
//! reviewer, never a guess.

use super::{any, cut, last_date, Ctx, Draft, CLAUSE_STOPS};
use serde_json::{json, Map, Value};

/// Words that set a floor.
const FLOORS: &[&str] = &["不得少于", "不少于", "至少", "不低于", "不得低于"];

/// Words that tell what was done, not what must be.
const PAST: &[&str] = &[
    "已",
    "共计",
    "共有",
    "共派",
    "共选",
    "共培",
    "共开展",
    "共接",
    "先后",
    "完成了",
    "实现了",
    "累计完成",
    "累计派",
    "累计选派",
    "累计培训",
];

/// A window word → the rule's window and how a rule reads it.
const WINDOWS: &[(&str, &str, &str)] = &[
    ("每学期", "semester", "每学期"),
    ("每学年", "school_year", "每学年"),
    ("每年度", "year", "每年"),
    ("每年", "year", "每年"),
    ("帮扶期内", "term", "帮扶期内"),
    ("年内", "term", "帮扶期内"),
];

/// The window named nearest the end of `text`: (window, its words). "年内" counts only after a number of years
/// ("3年内", "三年内"), not in "今年内".
fn window_in(text: &str) -> Option<(&'static str, &'static str)> {
    let mut best: Option<(usize, &'static str, &'static str)> = None;
    for (w, code, zh) in WINDOWS {
        for (i, _) in text.match_indices(w) {
            if *w == "年内" {
                let prev = text[..i].chars().last();
                if !prev.is_some_and(|c| c.is_ascii_digit() || "一二两三四五六七八九十".contains(c)) {
                    continue;
                }
            }
            // "每年" inside "每年度" is the same place; the longer word was seen first
            if best.is_none_or(|(b, _, _)| i > b) {
                best = Some((i, code, zh));
            }
        }
    }
    best.map(|(_, c, z)| (c, z))
}

/// The kind of people a rule holds, by the words naming them (a leader before a teacher: "支教领导" is a manager).
fn role_in(text: &str) -> Option<&'static str> {
    let table: &[(&str, &[&str])] = &[
        ("manager", &["领导", "管理人员", "挂职", "校长", "管理干部"]),
        ("doctor", &["医生", "医务", "医疗队", "医护"]),
        ("cadre", &["干部"]),
        ("expert", &["专家"]),
        ("technician", &["技术人员"]),
        ("teacher", &["教师", "老师", "支教", "任教", "援教"]),
    ];
    table.iter().find(|(_, ws)| any(text, ws)).map(|(r, _)| *r)
}

fn role_noun(role: &str) -> &'static str {
    match role {
        "manager" => "管理人员",
        "doctor" => "医务人员",
        "cadre" => "干部",
        "expert" => "专家",
        "technician" => "技术人员",
        _ => "教师",
    }
}

/// One tier as the source writes it: the attribute's range (both ends included) and the target.
#[derive(Debug, PartialEq)]
struct WrittenTier {
    from: Option<u64>,
    to: Option<u64>,
    target: u64,
}

/// Leading ASCII digits of `s` and the rest.
fn digits(s: &str) -> Option<(u64, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    (end > 0)
        .then(|| (s[..end].parse().ok(), &s[end..]))
        .and_then(|(n, r)| n.map(|n| (n, r)))
}

/// A tier's range in a clause: "20人以下" → (None, 20), "20-50人" → (20, 50), "50人以上" → (50, None).
fn range_in(clause: &str) -> Option<(Option<u64>, Option<u64>)> {
    for (i, c) in clause.char_indices() {
        if !c.is_ascii_digit() || clause[..i].chars().last().is_some_and(|p| p.is_ascii_digit()) {
            continue;
        }
        let (a, rest) = digits(&clause[i..])?;
        for sep in ["-", "—", "－", "～", "~", "至", "到"] {
            if let Some((b, r)) = rest.strip_prefix(sep).and_then(digits) {
                if r.starts_with('人') || r.starts_with('名') {
                    return Some((Some(a), Some(b)));
                }
            }
        }
        for unit in ["人", "名"] {
            if let Some(r) = rest.strip_prefix(unit) {
                if r.starts_with("以下") || r.starts_with("及以下") {
                    return Some((None, Some(a)));
                }
                if r.starts_with("以上") || r.starts_with("及以上") {
                    return Some((Some(a), None));
                }
            }
        }
    }
    None
}

/// The target of a tier in a clause: "至少培养1名" → 1.
fn tier_target(clause: &str) -> Option<u64> {
    let at = FLOORS
        .iter()
        .filter_map(|f| clause.find(f).map(|p| p + f.len()))
        .min()?;
    let rest = &clause[at..];
    let start = rest.find(|c: char| c.is_ascii_digit())?;
    let (n, r) = digits(&rest[start..])?;
    (r.starts_with('名') || r.starts_with('人')).then_some(n)
}

/// Tiers written in one sentence ("…在20人以下，至少培养1名，…在20-50人，至少培养2名，…在50人以上，至少培养3名"):
/// each range followed by its target, in the sentence's order.
fn tiers_in(sentence: &str) -> Vec<WrittenTier> {
    let clauses: Vec<&str> = sentence.split(CLAUSE_STOPS).collect();
    let mut out = Vec::new();
    let mut open: Option<(Option<u64>, Option<u64>)> = None;
    for c in clauses {
        if let Some(r) = range_in(c) {
            open = Some(r);
            // a range and its target in one clause ("20人以下的至少1名")
            let after_range = c.find(['下', '上']).map_or("", |p| &c[p..]);
            if let Some(t) = tier_target(after_range) {
                out.push(WrittenTier {
                    from: r.0,
                    to: r.1,
                    target: t,
                });
                open = None;
            }
            continue;
        }
        if let (Some(r), Some(t)) = (open, tier_target(c)) {
            out.push(WrittenTier {
                from: r.0,
                to: r.1,
                target: t,
            });
            open = None;
        }
    }
    out
}

/// A figure's value as a rule's target: a whole number as a JSON number, else as written.
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        Value::from(v as i64)
    } else {
        Value::from(format!("{v}"))
    }
}

impl Ctx<'_> {
    /// Whether the figure is a requirement rather than something done: a floor ("不少于", "至少"), tiers, or a
    /// figure "以上" in a recurring window ("每年全员培训一次以上"), not told as done ("已", "共计", a year before it
    /// without a window: "2012年选派教师不少于20名" is a past figure).
    pub(super) fn is_requirement(&self) -> bool {
        let approx = self.fact.approx.map(|a| a.as_str());
        let window_here = window_in(self.clause).is_some();
        let before_in_clause = match self.clause.find(&self.fact.quote) {
            Some(p) => &self.clause[..p],
            None => self.clause,
        };
        let dated = last_date(&before_in_clause.chars().collect::<Vec<_>>()).is_some();
        let past = any(self.clause, PAST) || (dated && !window_here);
        if past {
            return false;
        }
        let floor_here = matches!(approx, Some("不少于" | "至少")) || any(self.clause, FLOORS);
        let ruled_sentence = any(
            self.sentence,
            &["不得少于", "不少于", "至少", "应当", "必须", "每学期", "每学年"],
        ) && !any(self.clause, &["共", "累计", "先后"]);
        floor_here || ruled_sentence || tiers_in(self.sentence).len() >= 2 || (approx == Some("以上") && window_here)
    }

    /// The rule as an obligation draft, or none with the reason among the doubts.
    pub(super) fn obligation(&mut self, value: &str) -> Option<Draft> {
        let v: f64 = value.parse().ok()?;
        let unit = self.fact.unit.clone();
        let window = window_in(self.paragraph).or_else(|| window_in(self.clause));
        let tiers = tiers_in(self.sentence);
        let drafted = if tiers.len() >= 2 {
            self.tiered(&tiers, window)
        } else if matches!(unit.as_str(), "周" | "星期" | "个月" | "月" | "天" | "日") {
            self.days(v, &unit, window)
        } else if matches!(unit.as_str(), "名" | "人" | "位") {
            self.people(v, window)
        } else if matches!(unit.as_str(), "次" | "场" | "期" | "回") {
            self.activities(v, &unit, window)
        } else {
            None
        };
        match drafted {
            Some(d) => {
                self.doubts.push(
                    "这是一项要求（义务），不是已做的事：采纳后作为本结对所属计划（文档附在协议上时为该协议）的目标任务，按规则考核"
                        .into(),
                );
                Some(d)
            }
            None => {
                self.doubts.push(format!(
                    "“{}”是一项要求（义务），不是已做的事，但原文未说清它统计什么：请在目标任务页按它设定考核规则，这里不建议记录",
                    self.fact.quote
                ));
                None
            }
        }
    }

    /// The window, or the whole term with a doubt when the text names none.
    fn window_or_term(&mut self, window: Option<(&'static str, &'static str)>) -> (&'static str, &'static str) {
        window.unwrap_or_else(|| {
            self.doubts
                .push("原文未说明按学期、学年还是每年计，暂按帮扶期内合计，请核对".into());
            ("term", "帮扶期内")
        })
    }

    /// Whose people a rule holds: 互派 → both ways; the receiving side named alone → its people; else the
    /// supporting side's (a doubt when neither side is named).
    fn directions(&mut self) -> Vec<&'static str> {
        let head = format!("{}{}", self.before, self.clause);
        if any(&head, &["互派", "相互派", "互相派", "双方互"]) {
            return vec!["to_receiver", "to_supporter"];
        }
        let supporter = any(self.before, &["支援学校", "支援方", "支援单位"])
            || super::mentions(self.before, &self.parties.supporter);
        let receiver = any(self.before, &["受援学校", "受援方", "受援单位"])
            || super::mentions(self.before, &self.parties.receiver);
        match (supporter, receiver) {
            (false, true) => vec!["to_supporter"],
            (true, _) => vec!["to_receiver"],
            (false, false) => {
                self.doubts
                    .push("原文未说明是哪一方的人员，暂按支援方派往受援方，请核对".into());
                vec!["to_receiver"]
            }
        }
    }

    fn role(&mut self) -> &'static str {
        role_in(self.clause)
            .or_else(|| role_in(self.before))
            .or_else(|| role_in(self.paragraph))
            .unwrap_or_else(|| {
                self.doubts
                    .push("原文未说明是哪类人员，暂按支教教师，请核对援派类别".into());
                "teacher"
            })
    }

    /// The rule's record: its title, the rule and the source sentence as its note.
    fn record(&self, title: String, rule: Value) -> Value {
        json!({"title": cut(&title, 100), "rule": rule, "note": cut(self.sentence.trim(), 500)})
    }

    /// "每学期支教累计不少于一个月" (per person) or "每次连续…不少于一周" (per stint), in days.
    fn days(&mut self, v: f64, unit: &str, window: Option<(&'static str, &'static str)>) -> Option<Draft> {
        // a target in months is kept as written (1个月) and judged as 30 days each, which the rule's text says
        let months = matches!(unit, "个月" | "月") && v.fract() == 0.0;
        let days = match unit {
            "周" | "星期" => v * 7.0,
            "个月" | "月" => {
                self.doubts.push("一个月按30天计，请核对".into());
                v * 30.0
            }
            _ => v,
        };
        let target = if months {
            json!({"type": "fixed", "value": number(days), "written": {"value": number(v), "unit": "个月"}})
        } else {
            json!({"type": "fixed", "value": number(days)})
        };
        let shown = if months {
            format!("{}个月", number(v))
        } else {
            format!("{}天", number(days))
        };
        let stint = any(self.clause, &["每次", "连续"]);
        let role = self.role();
        let dirs = self.directions();
        let (window, window_zh) = if stint {
            // a stint is judged in the window holding most of its days; the sentence's own window, else the semester
            window.unwrap_or(("semester", "每学期"))
        } else {
            self.window_or_term(window)
        };
        let doing = if role == "manager" && !stint {
            "挂职指导"
        } else if any(self.clause, &["指导"]) {
            "指导"
        } else if any(self.clause, &["挂职"]) {
            "挂职"
        } else if any(self.clause, &["支教", "任教"]) {
            "支教"
        } else {
            "在岗"
        };
        let label = format!("{}{doing}", if stint { "连续" } else { "累计" });
        let mut drafts = dirs.iter().map(|dir| {
            let side = if *dir == "to_supporter" {
                "受援方"
            } else {
                "支援方"
            };
            let (subject, measure, title) = if stint {
                (
                    json!({"type": "each_stint", "role": role}),
                    json!({"type": "min_stint_days", "records": {"entity": "stints"}}),
                    format!("{side}{}每次{label}不少于{shown}", role_noun(role)),
                )
            } else {
                (
                    json!({"type": "each_dispatch", "role": role}),
                    json!({"type": "cumulative_days", "records": {"entity": "stints"}}),
                    format!("{side}{}每人{window_zh}{label}不少于{shown}", role_noun(role)),
                )
            };
            let rule = json!({"subject": subject, "window": {"type": window}, "direction": dir, "measure": measure,
                "comparison": "at_least", "target": target.clone(), "label": label, "unit": "天"});
            self.record(title, rule)
        });
        let mut d = Draft::new("obligations", drafts.next()?);
        d.children.extend(drafts.map(|r| ("obligations", r)));
        Some(d)
    }

    /// "每学期互派至少1名管理人员到对口学校挂职", "每学年要互派教师不少于2名": distinct people dispatched; "至少培养
    /// 10名骨干教师": people trained.
    fn people(&mut self, v: f64, window: Option<(&'static str, &'static str)>) -> Option<Draft> {
        let words = format!("{}{}", self.before, self.clause);
        let dispatched = any(self.clause, &["派", "挂职", "支教", "任教", "援教"]);
        let trained = any(&words, &["培养", "培训", "进修"]);
        if dispatched {
            let role = self.role();
            let (window, window_zh) = self.window_or_term(window);
            let noun = role_noun(role);
            let doing = if any(self.clause, &["挂职"]) {
                "挂职"
            } else if any(self.clause, &["任教", "支教"]) {
                "任教"
            } else {
                ""
            };
            let dirs = self.directions();
            // the template's words: 派出挂职管理人员, 派出支教教师, 受援方派出交流教师
            let doing_noun = match (doing, role) {
                ("任教", "teacher") => "支教教师".to_string(),
                _ => format!("{doing}{noun}"),
            };
            let mut records = dirs.iter().map(|dir| {
                let label = match (*dir, role) {
                    ("to_supporter", "teacher") => "受援方派出交流教师".to_string(),
                    ("to_supporter", _) => format!("受援方派出{doing}{noun}"),
                    _ => format!("派出{doing_noun}"),
                };
                let side = if *dir == "to_supporter" { "受援方" } else { "支援方" };
                let rule = json!({"subject": {"type": "pairing"}, "window": {"type": window}, "direction": dir,
                    "measure": {"type": "distinct_count", "field": "person_id",
                                "records": {"entity": "dispatches", "filter": {"role": [role]}}},
                    "comparison": "at_least", "target": {"type": "fixed", "value": number(v)}, "label": label, "unit": "名"});
                self.record(format!("{window_zh}{side}{}不少于{}名", label.trim_start_matches("受援方"), number(v)), rule)
            });
            let mut d = Draft::new("obligations", records.next()?);
            d.children.extend(records.map(|r| ("obligations", r)));
            return Some(d);
        }
        if trained {
            let (window, window_zh) = self.window_or_term(window);
            let mut filter = Map::new();
            filter.insert("kind".into(), json!(["training"]));
            let backbone = any(&words, &["骨干"]);
            if backbone {
                filter.insert("audience".into(), json!(["backbone"]));
            }
            let label = if backbone { "培养骨干教师" } else { "培训" };
            let rule = json!({"subject": {"type": "pairing"}, "window": {"type": window},
                "measure": {"type": "sum", "field": "person_times", "records": {"entity": "activities", "filter": filter}},
                "comparison": "at_least", "target": {"type": "fixed", "value": number(v)}, "label": label, "unit": "名"});
            self.doubts
                .push("按培训活动的人次合计考核，请核对培训活动是否记了人次".into());
            return Some(Draft::new(
                "obligations",
                self.record(format!("{window_zh}{label}不少于{}名", number(v)), rule),
            ));
        }
        None
    }

    /// "每年全员培训一次以上", "每学期开展教研活动不少于2次": activities of a kind counted.
    fn activities(&mut self, v: f64, unit: &str, window: Option<(&'static str, &'static str)>) -> Option<Draft> {
        let kinds: &[(&str, &str, Option<&str>)] = &[
            ("全员培训", "training", Some("all_staff")),
            ("骨干教师培训", "training", Some("backbone")),
            ("培训", "training", None),
            ("教研", "teaching_research", None),
            ("教学研讨", "teaching_research", None),
            ("讲座", "lecture", None),
            ("学术报告", "lecture", None),
            ("交流", "exchange", None),
        ];
        let words = format!("{}{}", self.before, self.clause);
        let (label, kind, audience) = kinds
            .iter()
            .find(|(w, _, _)| self.clause.contains(w) || words.contains(w))?;
        let (window, window_zh) = self.window_or_term(window);
        let mut filter = Map::new();
        filter.insert("kind".into(), json!([kind]));
        if let Some(a) = audience {
            filter.insert("audience".into(), json!([a]));
        }
        let rule = json!({"subject": {"type": "pairing"}, "window": {"type": window},
            "measure": {"type": "count", "records": {"entity": "activities", "filter": filter}},
            "comparison": "at_least", "target": {"type": "fixed", "value": number(v)}, "label": label, "unit": unit});
        Some(Draft::new(
            "obligations",
            self.record(format!("{window_zh}{label}不少于{}{unit}", number(v)), rule),
        ))
    }

    /// Tiers of a target by an attribute of one side ("受援学校科任教师人数在20人以下，至少培养1名…").
    fn tiered(&mut self, tiers: &[WrittenTier], window: Option<(&'static str, &'static str)>) -> Option<Draft> {
        if !any(self.sentence, &["教师"]) {
            return None;
        }
        let of = if any(self.sentence, &["受援"]) {
            "receiver"
        } else if any(self.sentence, &["支援"]) {
            "supporter"
        } else {
            self.doubts
                .push("原文未说明按哪一方的教师人数分档，暂按受援方，请核对".into());
            "receiver"
        };
        // what the tiers' targets count: the paragraph before names it ("培养一定数量的县级学科骨干教师")
        let context = format!("{}{}", self.paragraph, self.sentence);
        if !any(&context, &["培养", "培训"]) {
            return None;
        }
        let backbone = any(&context, &["骨干"]);
        // the paragraph before the sentence: the tiers' own "至少培养1名" name nothing
        let earlier = self.paragraph.strip_suffix(self.before).unwrap_or(self.paragraph);
        let label = match (earlier.rfind("培养"), backbone) {
            (Some(p), true) => {
                let rest = &earlier[p..];
                rest.find("骨干教师").map_or_else(
                    || "培养骨干教师".to_string(),
                    |e| {
                        rest[..e + "骨干教师".len()]
                            .replace("一定数量的", "")
                            .replace("一批", "")
                            .replace("若干", "")
                    },
                )
            }
            (_, true) => "培养骨干教师".into(),
            _ => "培养教师".into(),
        };
        let (window, window_zh) = self.window_or_term(window);
        let mut filter = Map::new();
        filter.insert("kind".into(), json!(["training"]));
        if backbone {
            filter.insert("audience".into(), json!(["backbone"]));
        }
        let tiers: Vec<Value> = tiers
            .iter()
            .map(|t| {
                let mut o = Map::new();
                if let Some(f) = t.from {
                    o.insert("from".into(), Value::from(f));
                }
                if let Some(to) = t.to {
                    o.insert("to".into(), Value::from(to));
                }
                o.insert("target".into(), Value::from(t.target));
                Value::Object(o)
            })
            .collect();
        self.doubts
            .push("分档按单位属性“教师人数”取值，请在单位资料中填写该方的教师人数".into());
        let rule = json!({"subject": {"type": "pairing"}, "window": {"type": window},
            "measure": {"type": "sum", "field": "person_times", "records": {"entity": "activities", "filter": filter}},
            "comparison": "at_least",
            "target": {"type": "tiered", "of": of, "attribute": "teacher_count", "tiers": tiers},
            "label": label, "unit": "名"});
        let side = if of == "supporter" { "支援方" } else { "受援方" };
        Some(Draft::new(
            "obligations",
            self.record(format!("{window_zh}{label}（按{side}教师人数分档）"), rule),
        ))
    }
}
