//! From a fact to the record it suggests (issue 24): the kind of record, the party and direction, the name, the
//! date at the text's precision and the category, all read from the sentence around the figure. Pure: the store
//! turns a [`Draft`] into records when a reviewer accepts it; what the text does not say becomes a doubt for the
//! reviewer, never a guess.

use serde_json::{json, Map, Value};

use crate::fact::{Fact, Kind};

mod rules;

/// The two sides of the pairing the document is read for, by name (short forms are derived).
#[derive(Clone, Debug, Default)]
pub struct Parties {
    /// The supporting side's name (南京农业大学, 湖南省 …).
    pub supporter: String,
    /// The receiving side's name (新疆农业大学, 吐鲁番地区 …).
    pub receiver: String,
}

/// A proposed record: what a reviewer accepts, edits or drops.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// The entity of the record proposed (`activities`, `projects`, `outputs`, `project_funding`, `transactions`,
    /// `project_groups`, `agreements`, `funds`, `indicator_values`, `notes`, or `obligations` for a rule: its
    /// record is `{title, rule, note}`, the rule in the engine's language).
    pub target: &'static str,
    /// Its fields, without the pairing (set by the store); an indicator value names its indicator instead of an id.
    pub record: Value,
    /// For a project's output, funding or transaction: the project it belongs to, found by name in the pairing
    /// or created.
    pub project: Option<Value>,
    /// Records attached to the main one (an activity's counts and donated items; the other side's rule of a
    /// "互派").
    pub children: Vec<(&'static str, Value)>,
    /// How many records of this kind the figure stands for (agreements: "校级协议3份" → 3).
    pub copies: u32,
}

impl Draft {
    fn new(target: &'static str, record: Value) -> Draft {
        Draft {
            target,
            record,
            project: None,
            children: Vec::new(),
            copies: 1,
        }
    }

    /// The draft as stored with an extraction: `{target, record, project?, children, copies}`.
    pub fn to_json(&self) -> Value {
        let mut v = json!({"target": self.target, "record": self.record, "copies": self.copies,
            "children": self.children.iter().map(|(e, r)| json!({"entity": e, "record": r})).collect::<Vec<_>>()});
        if let Some(p) = &self.project {
            v["project"] = p.clone();
        }
        v
    }
}

/// What a fact suggests: a draft (or none, with the reason among the doubts) and what the reviewer must check.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    /// The record proposed, if any.
    pub draft: Option<Draft>,
    /// Questions for the reviewer, in Chinese (who gave it, which year …), or why nothing is proposed.
    pub doubts: Vec<String>,
    /// The sentence holding the figure, as char offsets into the text (start, end).
    pub sentence: (usize, usize),
}

/// The record a fact suggests for the pairing of `parties`. `default_date` (the period's first day) dates a record
/// whose sentence gives no date, and says so; `period` is the indicator value's period when no year is given.
pub fn propose(text: &str, fact: &Fact, parties: &Parties, default_date: &str, period: &str) -> Proposal {
    let chars: Vec<char> = text.chars().collect();
    let at = fact.start.min(chars.len());
    let end = (at + fact.quote.chars().count()).min(chars.len());
    let (s0, s1) = sentence_bounds(&chars, at, end);
    let sentence: String = chars[s0..s1].iter().collect();
    let before: String = chars[s0..at].iter().collect();
    let clause = clause_of(&chars, at, end);
    let para0 = chars[..at].iter().rposition(|c| *c == '\n').map_or(0, |p| p + 1);
    let paragraph: String = chars[para0..at].iter().collect();
    let mut doubts = Vec::new();
    let mut ctx = Ctx {
        fact,
        sentence: &sentence,
        before: &before,
        paragraph: &paragraph,
        clause: &clause,
        doubts: &mut doubts,
        date: None,
        default_date,
        period,
        earlier_year: last_date(&chars[..s0]).map(|d| d.chars().take(4).collect()),
        parties,
    };
    let draft = match fact.value.as_ref().map(|v| v.to_string()) {
        None => {
            ctx.doubts.push("原文的数字无法读出，不建议记录".into());
            None
        }
        Some(value) => {
            ctx.date = date_in(&chars, s0, at);
            let draft = ctx.draft(&value, parties);
            if draft.is_some() {
                ctx.party_doubt(parties);
            }
            draft
        }
    };
    Proposal {
        draft,
        doubts,
        sentence: (s0, s1),
    }
}

/// The proposals for all the facts of one text, in order. An indicator told twice with different values (the
/// staff of the food businesses, then of the public venues) is named the second time by what its clause is about,
/// so that accepting both keeps both; the reviewer is told.
pub fn propose_all(text: &str, facts: &[Fact], parties: &Parties, default_date: &str, period: &str) -> Vec<Proposal> {
    let chars: Vec<char> = text.chars().collect();
    let mut seen: std::collections::HashMap<(String, String), String> = std::collections::HashMap::new();
    // a rule told in several figures (the tiers of one target, "互派" told twice) is proposed once, at its first
    let mut rules_seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(facts.len());
    for f in facts {
        let mut p = propose(text, f, parties, default_date, period);
        if let Some(d) = p.draft.as_ref().filter(|d| d.target == "obligations") {
            let key = json!([
                d.record["rule"],
                d.children.iter().map(|c| &c.1["rule"]).collect::<Vec<_>>()
            ])
            .to_string();
            if let Some(first) = rules_seen.get(&key) {
                p.doubts = vec![format!(
                    "“{}”与前面的“{first}”同属一条要求，已在那一条建议为目标任务，这里不再重复",
                    f.quote
                )];
                p.draft = None;
            } else {
                rules_seen.insert(key, f.quote.clone());
            }
        }
        if let Some(d) = p.draft.as_mut().filter(|d| d.target == "indicator_values") {
            let key = |d: &Draft| {
                (
                    d.record["indicator_name"].as_str().unwrap_or("").to_string(),
                    d.record["period"].as_str().unwrap_or("").to_string(),
                )
            };
            let value = d.record["value"].as_str().unwrap_or("").to_string();
            let k = key(d);
            if seen.get(&k).is_some_and(|v| *v != value) {
                let before: String = chars[p.sentence.0..f.start.min(chars.len())].iter().collect();
                let subject = before
                    .split(CLAUSE_STOPS)
                    .rev()
                    .skip(1)
                    .map(|seg| trim_filler(&seg.chars().filter(|c| is_cjk(*c)).collect::<String>()))
                    .find(|seg| seg.chars().count() >= 2 && !seg.contains(&k.0));
                let renamed = match subject {
                    Some(sub) => format!("{}{}", cut(&sub, 12), k.0),
                    None => format!("{}（{}）", k.0, f.quote),
                };
                p.doubts.push(format!(
                    "“{}”在文中另有一个数值，这一条改名为“{renamed}”，请核对名称",
                    k.0
                ));
                d.record["indicator_name"] = Value::from(renamed);
            }
            seen.entry(key(d)).or_insert(value);
        }
        out.push(p);
    }
    out
}

struct Ctx<'a> {
    fact: &'a Fact,
    sentence: &'a str,
    before: &'a str,
    /// The figure's paragraph up to the figure (where a rule's window is named: "3年内…", "每学期…").
    paragraph: &'a str,
    clause: &'a str,
    doubts: &'a mut Vec<String>,
    date: Option<String>,
    default_date: &'a str,
    period: &'a str,
    /// The last year the text names before the figure's sentence (an indicator's fallback period).
    earlier_year: Option<String>,
    parties: &'a Parties,
}

fn any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

impl Ctx<'_> {
    /// The measure and the clause: what the figure counts.
    fn about(&self, words: &[&str]) -> bool {
        any(&self.fact.measure, words) || any(self.clause, words)
    }

    /// `about`, or the words just before the figure in its sentence (a bracket may stand between them).
    fn near(&self, words: &[&str]) -> bool {
        let tail: String = {
            let c: Vec<char> = self.before.chars().collect();
            c[c.len().saturating_sub(20)..].iter().collect()
        };
        self.about(words) || any(&tail, words)
    }

    fn date(&mut self) -> String {
        match &self.date {
            Some(d) => d.clone(),
            None => {
                self.doubts.push(format!(
                    "原文未给出日期，暂记为期间起始日 {}，请核对",
                    self.default_date
                ));
                self.default_date.to_string()
            }
        }
    }

    /// The figure as the record reads it written: "50余", "约1000", "20-50", "500以上".
    fn figure(&self, m: &mut Map<String, Value>, field: &str, value: &str) {
        m.insert(field.into(), Value::from(written(value, self.fact)));
    }

    fn draft(&mut self, value: &str, parties: &Parties) -> Option<Draft> {
        let unit = self.fact.unit.as_str();
        if self.is_requirement() {
            return self.obligation(value);
        }
        let m = self.fact.measure.clone();
        let money_words = ["经费", "资金", "投资", "援疆", "援藏", "援助", "拨款"];
        let bare_magnitude = matches!(unit, "万" | "亿") && (self.about(&money_words) || self.near(&["课题", "经费"]));
        match self.fact.kind {
            Kind::Money | Kind::Count | Kind::Other if bare_magnitude => self.money(value, parties),
            Kind::Money => self.money(value, parties),
            Kind::Percent if self.about(&["开工率", "竣工率", "到位率", "完成率", "覆盖率"]) => {
                self.doubts.push(format!(
                    "“{}”是由其他数字算出的比率，记下那些数字后 duikou 会自己算出，不建议另记",
                    self.fact.quote
                ));
                None
            }
            Kind::Percent => Some(self.indicator(value, "%")),
            Kind::Count => self.count(value, unit),
            Kind::Area if self.about(&["建筑面积", "建成", "新建", "改造", "援建"]) => {
                Some(self.output(value, unit, &m))
            }
            Kind::Area | Kind::Other if self.about(&["GDP", "生产总值", "收入", "人口", "面积"]) => {
                Some(self.indicator(value, unit))
            }
            _ => {
                self.doubts.push(format!(
                    "“{}”是{}，不是援助工作的记录；如需记下，请改为工作记述",
                    self.fact.quote,
                    kind_zh(self.fact.kind)
                ));
                None
            }
        }
    }

    fn money(&mut self, value: &str, parties: &Parties) -> Option<Draft> {
        if self.about(&["节省", "节约"]) {
            self.doubts
                .push("这是节省下的钱，不是投入或援助的钱，不建议记录".into());
            return None;
        }
        if self.about(&[
            "生产总值",
            "GDP",
            "固定资产投资",
            "预算收入",
            "财政收入",
            "零售总额",
            "总产值",
            "增加值",
            "人均收入",
        ]) && !self.about(&["援"])
        {
            return Some(self.indicator(value, "元"));
        }
        let name = self.name();
        let category = category(&format!("{}{}", self.clause, name));
        if self.about(&["企业", "公司", "集团", "重工", "招商", "引进", "民间", "社会资本"])
            && !self.about(&["援助", "援建资金"])
        {
            // enterprise money is the enterprise's share of a project it builds, never the pairing's own money
            let mut rec = Map::new();
            rec.insert("source".into(), Value::from("enterprise"));
            self.figure(&mut rec, "amount", value);
            self.doubts
                .push("企业投资记为企业出资（带动投资），不计入援助资金；计划投资请核实是否到位".into());
            let mut d = Draft::new("project_funding", Value::Object(rec));
            d.project = Some(self.project_of(&name, category));
            return Some(d);
        }
        let purpose = if self.near(&["课题", "科研", "研究经费"]) {
            Some("research")
        } else if self.about(&["奖学金", "助学", "奖助"]) {
            Some("scholarship")
        } else if self.about(&["公益金"]) {
            Some("welfare")
        } else if self.about(&["培养资金", "人才培养", "培训经费"]) {
            Some("talent")
        } else if self.about(&["工作经费", "活动经费"]) {
            Some("operations")
        } else {
            None
        };
        if let Some(purpose) = purpose {
            let mut rec = Map::new();
            rec.insert("purpose".into(), Value::from(purpose));
            rec.insert("title".into(), Value::from(name));
            rec.insert("source".into(), Value::from("supporter"));
            rec.insert("date".into(), Value::from(self.date()));
            self.figure(&mut rec, "amount", value);
            return Some(Draft::new("funds", Value::Object(rec)));
        }
        if self.about(&["捐赠", "捐款", "捐助", "捐资", "赠送", "捐献"]) {
            let mut rec = json!({"kind": "donation", "title": name, "start_date": self.date()});
            let mut item = Map::new();
            item.insert("category".into(), Value::from(item_category(self.clause)));
            item.insert("name".into(), Value::from(self.fact.measure.clone()));
            self.figure(&mut item, "value", value);
            rec["direction"] = Value::from("to_receiver");
            let mut d = Draft::new("activities", rec);
            d.children.push(("activity_items", Value::Object(item)));
            return Some(d);
        }
        let after = self.after_quote();
        let plan_after = after.chars().take(8).collect::<String>().contains("计划");
        let plan = (self.about(&["期间", "规划", "计划", "累计", "共安排", "年度", "批次"])
            && !has_project_word(&name))
            || plan_after
            || counts_projects(self.before);
        if plan {
            // a plan total or a year's batch: one project group, never one project named after the plan
            let mut rec = Map::new();
            let base = if plan_after {
                let a: String = after.chars().collect();
                a[..a.find("计划").map_or(a.len(), |p| p + "计划".len())].to_string()
            } else {
                name.clone()
            };
            rec.insert(
                "name".into(),
                Value::from(group_name(&base, self.date.as_deref(), parties)),
            );
            rec.insert("start_on".into(), Value::from(self.date()));
            let field = if self.about(&["总投资", "计划投资"]) && !self.about(&["援助", "援疆"]) {
                "total_investment"
            } else {
                "aid_amount"
            };
            self.figure(&mut rec, field, value);
            return Some(Draft::new("project_groups", Value::Object(rec)));
        }
        let project = self.project_of(&name, category);
        if self.about(&["总投资"])
            || !self.about(&["援助", "援建", "援疆", "援藏", "支援", "投入", "资助", "到位", "拨付"])
        {
            let mut p = project;
            if let Some(o) = p.as_object_mut() {
                self.figure(o, "total_investment", value);
            }
            let mut d = Draft::new("projects", p);
            self.dated_project(&mut d);
            return Some(d);
        }
        let source = if self.about(&["中央"]) {
            "central"
        } else if self.about(&["地方配套", "自筹", "本级"]) {
            "local"
        } else {
            "supporter"
        };
        let mut rec = Map::new();
        rec.insert("source".into(), Value::from(source));
        self.figure(&mut rec, "amount", value);
        let target = if self.about(&["到位", "拨付", "下达", "拨款"]) {
            rec.insert("kind".into(), Value::from("disbursement"));
            rec.insert("date".into(), Value::from(self.date()));
            "transactions"
        } else {
            "project_funding"
        };
        let mut d = Draft::new(target, Value::Object(rec));
        d.project = Some(project);
        Some(d)
    }

    /// The clause's text after the figure.
    fn after_quote(&self) -> String {
        match self.clause.find(&self.fact.quote) {
            Some(p) => self.clause[p + self.fact.quote.len()..].to_string(),
            None => String::new(),
        }
    }

    fn dated_project(&mut self, d: &mut Draft) {
        if let Some(date) = self.date.clone() {
            let field = if self.about(&["竣工", "建成", "完工", "投入使用"]) {
                "completed_on"
            } else if self.about(&["开工", "动工", "在建"]) {
                "started_on"
            } else {
                "approved_on"
            };
            d.record[field] = Value::from(date);
        }
    }

    fn project_of(&self, name: &str, category: &str) -> Value {
        json!({"name": name, "category": category})
    }

    fn count(&mut self, value: &str, unit: &str) -> Option<Draft> {
        let n: i64 = value.parse().ok()?;
        let m = self.fact.measure.clone();
        if self.about(&["协议", "备忘录", "责任书", "合同"]) && matches!(unit, "份" | "个" | "项") {
            let tier = if self.about(&["校级", "省级", "厅级"]) {
                Some("institution")
            } else if self.about(&["院级", "系级", "科室"]) {
                Some("department")
            } else {
                None
            };
            let kind = if self.about(&["备忘录"]) {
                "memorandum"
            } else if self.about(&["责任书"]) {
                "responsibility"
            } else {
                "agreement"
            };
            let mut rec = json!({"kind": kind, "title": self.name(), "signed_on": self.date});
            if let Some(t) = tier {
                rec["tier"] = Value::from(t);
            }
            if self.date.is_none() {
                self.doubts.push("原文未给签订日期，请补上".into());
            }
            let mut d = Draft::new("agreements", rec);
            d.copies = u32::try_from(n.clamp(1, 50)).unwrap_or(1);
            if n > 50 {
                self.doubts.push("协议超过 50 份，只建议前 50 份，请核对".into());
            }
            return Some(d);
        }
        let base_unit = unit.strip_prefix('万').unwrap_or(unit);
        if matches!(base_unit, "户" | "套" | "栋" | "间" | "平方米" | "公里" | "千米" | "座")
            && self.about(&[
                "安居",
                "富民",
                "住房",
                "廉租",
                "保障房",
                "开工",
                "竣工",
                "完工",
                "建成",
                "房",
                "公寓",
                "定居",
                "道路",
                "公路",
                "校舍",
            ])
        {
            return Some(self.output(value, unit, &m));
        }
        if matches!(unit, "项" | "个") && self.about(&["项目"]) {
            let mut rec = Map::new();
            let name = self.name();
            rec.insert("name".into(), Value::from(name));
            rec.insert("start_on".into(), Value::from(self.date()));
            self.figure(&mut rec, "project_count", value);
            return Some(Draft::new("project_groups", Value::Object(rec)));
        }
        let person_unit = matches!(unit, "名" | "人" | "位" | "人次" | "万人次");
        let times = unit.ends_with("人次");
        if self.about(&["考察", "来访", "回访", "互访", "调研", "访问", "参观", "看望", "慰问"]) {
            return Some(self.activity("visit", value, unit, person_unit && times));
        }
        if self.about(&["博士", "硕士", "研究生", "招生", "学位", "定向"]) && person_unit {
            return Some(self.activity("enrollment", value, unit, false));
        }
        if self.about(&["培训", "培养", "进修", "研修", "跟岗", "轮训", "学习"]) && person_unit {
            return Some(self.activity("training", value, unit, times));
        }
        let sent = [
            "选派", "派出", "援派", "派遣", "挂职", "支教", "援疆", "援藏", "援教", "援医", "干部", "教师", "医生",
            "专家",
        ];
        if person_unit && !times && (self.about(&sent) || any(self.before, &sent)) {
            return Some(self.dispatch_count(value, unit));
        }
        match unit {
            "课时" => Some(self.activity("teaching", value, unit, false)),
            "门次" | "门" => Some(self.activity("teaching", value, unit, false)),
            "场" | "场次" => {
                let kind = if self.about(&["报告", "讲座", "学术"]) {
                    "lecture"
                } else {
                    "event"
                };
                Some(self.activity(kind, value, unit, false))
            }
            "期" | "次" | "批" | "轮" => {
                let kind = if self.about(&["培训", "研修"]) {
                    "training"
                } else {
                    "other"
                };
                Some(self.activity(kind, value, unit, false))
            }
            "台" | "套" | "件" | "册" | "本" | "批次" if self.about(&["捐", "赠", "配备", "配送", "送去"]) =>
            {
                let mut rec = json!({"kind": "donation", "title": self.name(), "start_date": self.date(), "direction": "to_receiver"});
                let mut item = Map::new();
                item.insert(
                    "category".into(),
                    Value::from(item_category(&format!("{}{m}", self.clause))),
                );
                item.insert("name".into(), Value::from(m.clone()));
                self.figure(&mut item, "quantity", value);
                item.insert("unit".into(), Value::from(if unit == "本" { "册" } else { unit }));
                rec["items"] = Value::Null;
                if let Some(o) = rec.as_object_mut() {
                    o.remove("items");
                }
                let mut d = Draft::new("activities", rec);
                d.children.push(("activity_items", Value::Object(item)));
                Some(d)
            }
            "人次" | "万人次" => Some(self.activity("other", value, unit, true)),
            _ if person_unit => {
                self.doubts.push(format!(
                    "原文未说明这{}{}是派出、培训还是受援方的情况，请确认",
                    self.fact.quote, ""
                ));
                Some(self.indicator(value, unit))
            }
            _ => {
                self.doubts
                    .push("这个数字不属于派人、项目、资金或活动，暂列为受援方指标，请确认".into());
                Some(self.indicator(value, unit))
            }
        }
    }

    /// An activity of `kind` with the figure as person-times (`times`) or as a count in its own unit.
    fn activity(&mut self, kind: &str, value: &str, unit: &str, times: bool) -> Draft {
        let title = self.name();
        let mut rec = Map::new();
        rec.insert("kind".into(), Value::from(kind));
        rec.insert("title".into(), Value::from(title));
        rec.insert("start_date".into(), Value::from(self.date()));
        if let Some(a) = audience(&format!("{}{}", self.clause, self.fact.measure)) {
            rec.insert("audience".into(), Value::from(a));
        }
        if matches!(kind, "visit" | "training" | "enrollment" | "exchange") {
            match toward(self.sentence, self.parties).or_else(|| direction(self.before, self.sentence)) {
                Some(d) => {
                    rec.insert("direction".into(), Value::from(d));
                }
                None => self
                    .doubts
                    .push("原文未说明是受援方来访（来培训）还是支援方出访（去培训），请选择方向".into()),
            }
        }
        let mut d;
        let simple = match unit {
            "人次" if times => Some("person_times"),
            "课时" => Some("hours"),
            "门次" | "门" => Some("courses"),
            "场" | "场次" => Some("sessions"),
            _ => None,
        };
        if let Some(field) = simple {
            self.figure(&mut rec, field, value);
            d = Draft::new("activities", Value::Object(rec));
        } else {
            d = Draft::new("activities", Value::Object(rec));
            let mut c = Map::new();
            c.insert("what".into(), Value::from(cut(&self.fact.measure, 50)));
            self.figure(&mut c, "value", value);
            c.insert("unit".into(), Value::from(count_unit(unit)));
            d.children.push(("activity_counts", Value::Object(c)));
        }
        d
    }

    /// N people sent: one record of the aggregate (an activity with its head count), never N invented persons.
    fn dispatch_count(&mut self, value: &str, unit: &str) -> Draft {
        let is = |words: &[&str]| self.near(words);
        let role = if is(&["干部", "挂职"]) {
            "援派干部"
        } else if is(&["教师", "老师", "支教", "援教"]) {
            "支教教师"
        } else if is(&["医", "护"]) {
            "援医人员"
        } else if is(&["专家"]) {
            "专家"
        } else if is(&["管理"]) {
            "管理人员"
        } else {
            "援派人员"
        };
        if any(self.before, &["其中"]) {
            self.doubts.push(format!(
                "“{}”是前文人数中的一部分（其中…），采纳会把这些人再计一次；建议舍弃，或改为说明",
                self.fact.quote
            ));
        }
        let title = format!("派出{role}（汇总）");
        let mut d = self.activity("other", value, unit, false);
        d.record["title"] = Value::from(title);
        d.record["direction"] = Value::from("to_receiver");
        if let Some((_, c)) = d.children.first_mut() {
            c["what"] = Value::from(role);
        }
        self.doubts.push(format!(
            "记为一条{}人数的汇总记录，不生成人员；逐人信息请在人员页补录",
            role
        ));
        d
    }

    fn output(&mut self, value: &str, unit: &str, measure: &str) -> Draft {
        let stage = if self.about(&["竣工", "建成", "完工", "交付", "入住"]) {
            "completed"
        } else if self.about(&["开工", "动工", "在建"]) {
            "started"
        } else {
            "planned"
        };
        // what is built, named the same for its planned, started and completed counts so they meet on one output
        let subject = OUTPUTS
            .iter()
            .find(|(w, _)| measure.contains(w))
            .or_else(|| {
                OUTPUTS
                    .iter()
                    .filter_map(|o| self.before.rfind(o.0).map(|p| (p, o)))
                    .max_by_key(|(p, _)| *p)
                    .map(|(_, o)| o)
            })
            .map(|(_, n)| n.to_string());
        let name = subject.clone().unwrap_or_else(|| {
            if measure.trim().is_empty() {
                self.name()
            } else {
                measure.to_string()
            }
        });
        let unit = unit.strip_prefix('万').unwrap_or(unit);
        let mut rec = Map::new();
        rec.insert("name".into(), Value::from(name.clone()));
        rec.insert("unit".into(), Value::from(unit));
        self.figure(&mut rec, stage, value);
        let as_of = self.date();
        rec.insert("as_of".into(), Value::from(as_of));
        let project_name = match subject {
            Some(s) => format!("{}工程", s.trim_end_matches(['房', '户'])),
            None => {
                let n = self.name();
                if has_project_word(&n) {
                    n
                } else {
                    format!("{}工程", name.trim_end_matches(['房', '户']))
                }
            }
        };
        let mut d = Draft::new("outputs", Value::Object(rec));
        d.project = Some(self.project_of(&project_name, category(&format!("{}{name}", self.clause))));
        d
    }

    fn indicator(&mut self, value: &str, unit: &str) -> Draft {
        let name = self.indicator_name();

        let period = match (&self.date, &self.earlier_year) {
            (Some(d), _) => d.chars().take(4).collect(),
            (None, Some(y)) => {
                self.doubts
                    .push(format!("这句未给年份，取前文最近提到的 {y} 年，请核对"));
                y.clone()
            }
            (None, None) => {
                self.doubts
                    .push(format!("原文未给年份，暂记为期间 {}", self.period_hint()));
                self.period_hint()
            }
        };
        let mut rec = Map::new();
        rec.insert("indicator_name".into(), Value::from(name));
        rec.insert("unit".into(), Value::from(unit));
        rec.insert("period".into(), Value::from(period));
        rec.insert("org".into(), Value::from("receiver"));
        self.figure(&mut rec, "value", value);
        Draft::new("indicator_values", Value::Object(rec))
    }

    /// An indicator's name: the clause's phrase when it holds the measure ("有健康证的从业人员"), a change named
    /// with what changed ("增长" after "社会消费品零售总额5.46亿元" → "社会消费品零售总额增长"), else the measure.
    fn indicator_name(&self) -> String {
        let m = self.fact.measure.trim().to_string();
        let phrase = self.name();
        let generic = matches!(
            m.as_str(),
            "增长" | "下降" | "同比增长" | "增速" | "增幅" | "比例" | "单位" | ""
        );
        if generic {
            let segs: Vec<&str> = self.before.split(CLAUSE_STOPS).collect();
            let prev = segs.iter().rev().nth(1).copied().unwrap_or("");
            let subject: String = prev.chars().take_while(|c| is_cjk(*c)).collect();
            let mut subject = subject.as_str();
            for lead in ["实现", "完成", "全年", "全县", "全市"] {
                subject = subject.strip_prefix(lead).unwrap_or(subject);
            }
            let subject = trim_filler(subject);
            if subject.chars().count() >= 2 {
                return format!("{subject}{}", if m.is_empty() { "" } else { m.as_str() });
            }
            return phrase;
        }
        if phrase.contains(&m) && phrase.chars().count() <= 16 {
            phrase
        } else {
            m
        }
    }

    fn period_hint(&self) -> String {
        self.period.to_string()
    }

    /// The phrase that names what the figure is about: a quoted or project-like name before the figure in its
    /// sentence, else the clause without the figure, else the measure.
    fn name(&self) -> String {
        if let Some(n) = quoted_name(self.before) {
            return n;
        }
        if let Some(n) = project_phrase(self.before) {
            return n;
        }
        let c = self.clause.replace(&self.fact.quote, "");
        let c = trim_filler(&c);
        if c.chars().count() >= 2 && c.chars().count() <= 40 {
            return c;
        }
        if !self.fact.measure.trim().is_empty() {
            return self.fact.measure.clone();
        }
        cut(&c, 40)
    }

    /// A party other than the pairing's two named in the sentence, or no party at all for money: a question.
    fn party_doubt(&mut self, parties: &Parties) {
        let others: Vec<String> = org_names(self.sentence)
            .into_iter()
            .filter(|o| !same_party(o, &parties.supporter) && !same_party(o, &parties.receiver))
            .collect();
        if let Some(o) = others.first() {
            self.doubts.push(format!(
                "句中提到“{o}”，它不是本结对的一方：请确认这是{}还是{}所为，否则舍弃",
                parties.supporter, parties.receiver
            ));
        } else if self.fact.kind == Kind::Money
            && !mentions(self.sentence, &parties.supporter)
            && !mentions(self.sentence, &parties.receiver)
            && !any(
                self.sentence,
                &[
                    "我校",
                    "我省",
                    "我院",
                    "我市",
                    "我区",
                    "我县",
                    "我局",
                    "援疆",
                    "援藏",
                    "对口支援",
                ],
            )
        {
            self.doubts.push("原文未说明这笔钱由谁出、给谁，请确认".into());
        }
    }
}

/// A figure written with its qualifier and range, as the record's figure fields read it.
pub fn written(value: &str, fact: &Fact) -> String {
    let v = match fact.value_max {
        Some(max) => format!("{value}-{max}"),
        None => value.to_string(),
    };
    match fact.approx.map(|a| a.as_str()) {
        Some(q @ ("近" | "约" | "不少于" | "至少")) => format!("{q}{v}"),
        Some(q) => format!("{v}{q}"),
        None => v,
    }
}

fn kind_zh(kind: Kind) -> &'static str {
    match kind {
        Kind::Duration => "时长",
        Kind::Ratio => "倍数",
        Kind::Rank => "名次",
        Kind::Area => "面积",
        _ => "其他数量",
    }
}

const STOPS: &[char] = &['。', '！', '？', '；', '\n', '!', '?', ';'];
const CLAUSE_STOPS: &[char] = &[
    '。', '！', '？', '；', '\n', '，', ',', '、', '：', ':', '!', '?', ';', '（', '）', '(', ')',
];

fn sentence_bounds(chars: &[char], at: usize, end: usize) -> (usize, usize) {
    let s0 = chars[..at].iter().rposition(|c| STOPS.contains(c)).map_or(0, |p| p + 1);
    let s1 = chars[end..]
        .iter()
        .position(|c| STOPS.contains(c))
        .map_or(chars.len(), |p| end + p + 1);
    (s0, s1.min(chars.len()))
}

fn clause_of(chars: &[char], at: usize, end: usize) -> String {
    let c0 = chars[..at]
        .iter()
        .rposition(|c| CLAUSE_STOPS.contains(c))
        .map_or(0, |p| p + 1);
    let c1 = chars[end..]
        .iter()
        .position(|c| CLAUSE_STOPS.contains(c))
        .map_or(chars.len(), |p| end + p);
    chars[c0..c1].iter().collect::<String>().trim().to_string()
}

/// The date nearest before the figure in its sentence ("2004年" → "2004", "2014年6月" → "2014-06"), else the one
/// opening its paragraph. A year that opens a span ("2010年以来", "2011—2015年") is not the fact's date.
fn date_in(chars: &[char], s0: usize, at: usize) -> Option<String> {
    let para0 = chars[..at].iter().rposition(|c| *c == '\n').map_or(0, |p| p + 1);
    let found = last_date(&chars[s0..at]);
    found.or_else(|| {
        let head_end = chars[para0..at]
            .iter()
            .position(|c| STOPS.contains(c) || *c == '，')
            .map_or(at, |p| para0 + p);
        last_date(&chars[para0..head_end.min(s0.max(para0))])
    })
}

fn last_date(cs: &[char]) -> Option<String> {
    let mut best = None;
    let mut i = 0;
    while i + 4 < cs.len() {
        let digits = cs[i..i + 4].iter().all(char::is_ascii_digit);
        let prev_digit = i > 0 && cs[i - 1].is_ascii_digit();
        if digits && !prev_digit && cs[i + 4] == '年' {
            let y: String = cs[i..i + 4].iter().collect();
            let year: i32 = y.parse().unwrap_or(0);
            let after: String = cs[i + 5..(i + 8).min(cs.len())].iter().collect();
            let span = after.starts_with("以来")
                || after.starts_with("至")
                || after.starts_with('到')
                || after.starts_with('—')
                || after.starts_with('-')
                || after.starts_with('起')
                || (i > 0 && matches!(cs[i - 1], '—' | '-' | '至' | '~'));
            if (1950..=2100).contains(&year) && !span {
                let mut j = i + 5;
                let mut month = String::new();
                while j < cs.len() && cs[j].is_ascii_digit() && month.len() < 2 {
                    month.push(cs[j]);
                    j += 1;
                }
                let m: u32 = month.parse().unwrap_or(0);
                best = if j < cs.len() && cs[j] == '月' && (1..=12).contains(&m) {
                    Some(format!("{y}-{m:02}"))
                } else {
                    Some(y)
                };
            }
            i += 5;
        } else {
            i += 1;
        }
    }
    best
}

/// What housing and building outputs are called (word in the text → the output's name).
const OUTPUTS: &[(&str, &str)] = &[
    ("安居富民", "安居富民房"),
    ("富民安居", "富民安居房"),
    ("定居兴牧", "定居兴牧房"),
    ("廉租房", "廉租房"),
    ("周转房", "周转房"),
    ("人才公寓", "人才公寓"),
    ("公租房", "公租房"),
    ("棚户", "棚户区改造"),
];

const PROJECT_SUFFIXES: &[&str] = &[
    "项目",
    "工程",
    "综合楼",
    "教学楼",
    "大楼",
    "医院",
    "中学",
    "小学",
    "学校",
    "中心",
    "基地",
    "园区",
    "小区",
    "公路",
    "大桥",
    "实验室",
    "图书馆",
    "体育馆",
    "学院",
];

fn has_project_word(s: &str) -> bool {
    any(s, PROJECT_SUFFIXES)
}

/// “…” or 《…》 right before the figure.
fn quoted_name(before: &str) -> Option<String> {
    for (open, close) in [('“', '”'), ('《', '》'), ('"', '"')] {
        if let Some(e) = before.rfind(close) {
            if let Some(s) = before[..e].rfind(open) {
                let n = before[s + open.len_utf8()..e].trim();
                if (2..=40).contains(&n.chars().count()) {
                    return Some(n.to_string());
                }
            }
        }
    }
    None
}

const STARTERS: &[&str] = &[
    "援建", "新建", "扩建", "改建", "建设", "实施", "启动", "完成", "开工", "竣工", "建成", "投资", "其中", "包括",
    "的", "为", "和", "及", "对", "在",
];

/// The last project-like phrase before the figure: from a clause boundary or a starting verb to its suffix.
fn project_phrase(before: &str) -> Option<String> {
    let chars: Vec<char> = before.chars().collect();
    let mut best: Option<(usize, usize)> = None;
    for suf in PROJECT_SUFFIXES {
        let sc: Vec<char> = suf.chars().collect();
        let mut i = 0;
        while i + sc.len() <= chars.len() {
            if chars[i..i + sc.len()] == sc[..] {
                let e = i + sc.len();
                if best.is_none_or(|(_, be)| e > be) {
                    best = Some((i, e));
                }
            }
            i += 1;
        }
    }
    let (_, e) = best?;
    if chars.len() - e > 24 {
        return None; // too far from the figure to name it
    }
    let mut s = chars[..e]
        .iter()
        .rposition(|c| CLAUSE_STOPS.contains(c) || c.is_whitespace())
        .map_or(0, |p| p + 1);
    // from the last starting verb inside the phrase
    let phrase: String = chars[s..e].iter().collect();
    let mut cut_at = 0;
    for st in STARTERS {
        if let Some(p) = phrase.rfind(st) {
            let after = p + st.len();
            let rest_chars = phrase[after..].chars().count();
            if rest_chars >= 3 && after > cut_at {
                cut_at = after;
            }
        }
    }
    s += phrase[..cut_at].chars().count();
    let n: String = chars[s..e].iter().collect();
    let n = trim_filler(&n);
    (n.chars().count() >= 3 && n.chars().count() <= 40).then_some(n)
}

const FILLERS: &[&str] = &[
    "其中",
    "共计",
    "累计",
    "共有",
    "签订了",
    "签订",
    "签署了",
    "签署",
    "下达了",
    "下达",
    "安排了",
    "安排",
    "又",
    "共",
    "合计",
    "总计",
    "达到",
    "达",
    "约",
    "为",
    "有",
    "了",
    "是",
    "先后",
    "已",
    "并",
    "和",
    "及",
    "等",
    "近",
    "余",
    "多",
    "名",
    "人",
    "元",
];

fn trim_filler(s: &str) -> String {
    let mut t = s.trim().to_string();
    loop {
        let before = t.clone();
        for f in FILLERS {
            if let Some(r) = t.strip_prefix(f) {
                t = r.trim().to_string();
            }
            if let Some(r) = t.strip_suffix(f) {
                t = r.trim().to_string();
            }
        }
        if t == before {
            return t;
        }
    }
}

fn cut(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// The category from the words around the figure (安居富民 → housing, 双语 → education …).
pub fn category(words: &str) -> &'static str {
    let table: &[(&str, &[&str])] = &[
        ("housing", &["安居", "富民", "住房", "廉租", "保障房", "安置"]),
        ("health", &["医院", "卫生", "医疗", "诊所", "疾控"]),
        (
            "education",
            &[
                "学校",
                "中学",
                "小学",
                "幼儿园",
                "双语",
                "教育",
                "教学",
                "校舍",
                "职业技术",
                "学院",
                "大学",
            ],
        ),
        ("culture", &["文化", "体育", "广播", "图书馆", "博物馆"]),
        ("employment", &["就业", "创业"]),
        (
            "infrastructure",
            &["道路", "公路", "供水", "饮水", "电网", "桥", "基础设施", "水利"],
        ),
        (
            "industry",
            &["产业", "园区", "工业", "农业", "企业", "旅游", "光伏", "煤"],
        ),
        ("talent", &["人才"]),
    ];
    table.iter().find(|(_, ws)| any(words, ws)).map_or("other", |(c, _)| c)
}

fn item_category(words: &str) -> &'static str {
    if any(words, &["图书", "书籍", "册"]) {
        "books"
    } else if any(words, &["电脑", "计算机"]) {
        "computers"
    } else if any(words, &["体育", "健身", "器材"]) {
        "sports"
    } else if any(words, &["药"]) {
        "medicine"
    } else if any(words, &["设备", "仪器"]) {
        "equipment"
    } else if any(words, &["资料", "教材"]) {
        "materials"
    } else if any(words, &["衣", "被", "物资", "粮"]) {
        "supplies"
    } else {
        "other"
    }
}

fn audience(words: &str) -> Option<&'static str> {
    let a = if any(words, &["骨干教师"]) {
        "backbone"
    } else if any(words, &["教师", "老师"]) {
        "teachers"
    } else if any(words, &["干部"]) {
        "cadres"
    } else if any(words, &["管理人员"]) {
        "managers"
    } else if any(words, &["学生", "研究生", "博士", "硕士", "毕业生"]) {
        "students"
    } else if any(words, &["医生", "护士", "医务", "专业技术"]) {
        "professionals"
    } else {
        return None;
    };
    Some(a)
}

/// 来访 / trained at the supporter → `to_supporter`; 出访 / 送教 / sent to the receiver → `to_receiver`.
/// A movement named with its destination ("赴湖南", "来吐鲁番", "到南京农业大学"): toward the party named.
fn toward(sentence: &str, parties: &Parties) -> Option<&'static str> {
    for verb in ["赴", "到", "前往", "来", "去"] {
        for (i, _) in sentence.match_indices(verb) {
            let rest = &sentence[i + verb.len()..];
            if forms(&parties.supporter).iter().any(|f| rest.starts_with(f.as_str())) {
                return Some("to_supporter");
            }
            if forms(&parties.receiver).iter().any(|f| rest.starts_with(f.as_str())) {
                return Some("to_receiver");
            }
        }
    }
    None
}

fn direction(before: &str, sentence: &str) -> Option<&'static str> {
    let to_supporter = [
        "来访",
        "来我",
        "来校",
        "来湘",
        "来宁",
        "到我",
        "赴内地",
        "来内地",
        "回访",
        "邀请",
        "接待",
        "在我",
        "为吐鲁番",
        "为新疆",
        "为受援",
        "来",
    ];
    let to_receiver = [
        "出访",
        "赴疆",
        "赴藏",
        "送教",
        "送医",
        "深入",
        "前往",
        "到受援",
        "赴新疆",
        "进疆",
        "赴",
        "到",
    ];
    // the verb nearest before the figure decides
    let near = |words: &[&str]| words.iter().filter_map(|w| before.rfind(w)).max();
    match (near(&to_supporter), near(&to_receiver)) {
        (Some(a), Some(b)) => Some(if a >= b { "to_supporter" } else { "to_receiver" }),
        (Some(_), None) => Some("to_supporter"),
        (None, Some(_)) => Some("to_receiver"),
        (None, None) => {
            if any(sentence, &["来访", "考察组"]) {
                Some("to_supporter")
            } else {
                None
            }
        }
    }
}

fn count_unit(unit: &str) -> &str {
    match unit {
        "万人次" => "人次",
        "门" => "门次",
        "场次" => "场",
        "本" => "册",
        u => u,
    }
}

/// Names of organisations in a sentence (…大学, …学院, …医院, …公司, …集团): up to eight characters before the suffix.
fn org_names(sentence: &str) -> Vec<String> {
    let chars: Vec<char> = sentence.chars().collect();
    let mut out = Vec::new();
    for suf in ["大学", "学院", "医院", "公司", "集团", "重工"] {
        let sc: Vec<char> = suf.chars().collect();
        let mut i = 0;
        while i + sc.len() <= chars.len() {
            if chars[i..i + sc.len()] == sc[..] {
                let e = i + sc.len();
                let s = chars[..i]
                    .iter()
                    .rposition(|c| CLAUSE_STOPS.contains(c) || !is_cjk(*c) || "为向给与和由在把被对的".contains(*c))
                    .map_or(0, |p| p + 1)
                    .max(i.saturating_sub(8));
                // 大学生, 大学毕业生, 医院里 …: a word, not an organisation's name
                let next: String = chars[e..(e + 2).min(chars.len())].iter().collect();
                let word = next.starts_with('生') || next.starts_with("毕业");
                if i - s >= 2 && !word {
                    out.push(chars[s..e].iter().collect());
                }
                i = e;
            } else {
                i += 1;
            }
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The forms a party is named by: its full name, without 省/市/自治区…, and the first two characters of a
/// university's name with its field (南京农业大学 → 南农).
fn forms(name: &str) -> Vec<String> {
    let mut v = vec![name.to_string()];
    for suf in ["维吾尔自治区", "自治区", "地区", "省", "市", "县", "自治州", "州"] {
        if let Some(s) = name.strip_suffix(suf) {
            if s.chars().count() >= 2 {
                v.push(s.to_string());
            }
        }
    }
    if let Some(s) = name.strip_suffix("大学") {
        let c: Vec<char> = s.chars().collect();
        if c.len() >= 3 {
            v.push(format!("{}{}", c[0], c[c.len() - 2]));
        }
    }
    v
}

fn mentions(sentence: &str, party: &str) -> bool {
    !party.is_empty() && forms(party).iter().any(|f| sentence.contains(f.as_str()))
}

fn same_party(org: &str, party: &str) -> bool {
    !party.is_empty() && forms(party).iter().any(|f| org.contains(f.as_str()) || f.contains(org))
}

/// A yearly batch is named by its year, so that its count of projects and its money, told in two figures, land
/// in one group; a plan without a year keeps its own phrase.
fn group_name(name: &str, date: Option<&str>, parties: &Parties) -> String {
    let year = date.map(|d| d.chars().take(4).collect::<String>());
    match year {
        Some(y) if name.contains("计划") && !name.starts_with(&y) => format!("{y}年{name}"),
        Some(y) if !name.contains("计划") => format!("{y}年度援助项目"),
        _ if name.chars().count() >= 4 => name.to_string(),
        _ => format!("{}援助计划", parties.supporter),
    }
}

/// Whether the text before a figure counts projects ("安排援疆项目300项," "有15个项目"): its money is the batch's.
fn counts_projects(before: &str) -> bool {
    let chars: Vec<char> = before.chars().collect();
    (1..chars.len())
        .any(|i| chars[i - 1].is_ascii_digit() && (chars[i] == '项' || chars[i..].starts_with(&['个', '项', '目'])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract;

    fn parties() -> Parties {
        Parties {
            supporter: "湖南省".into(),
            receiver: "吐鲁番地区".into(),
        }
    }

    /// The proposal for the fact quoted `quote` in `text`.
    fn for_quote(text: &str, quote: &str) -> Proposal {
        let facts = extract(text);
        let f = facts
            .iter()
            .find(|f| f.quote == quote)
            .unwrap_or_else(|| panic!("no fact {quote} in {facts:?}"));
        propose(text, f, &parties(), "2012-01-01", "2012")
    }

    fn draft(p: &Proposal) -> &Draft {
        p.draft.as_ref().expect("a draft")
    }

    #[test]
    fn enterprise_investment_is_leveraged_not_the_pairings_project() {
        let p = for_quote("三一重工在吐鲁番计划分期投资500亿元建设风电产业园。", "500亿元");
        let d = draft(&p);
        assert_eq!(d.target, "project_funding");
        assert_eq!(d.record["source"], "enterprise");
        assert_eq!(d.record["amount"], "50000000000");
        assert_eq!(d.project.as_ref().unwrap()["category"], "industry");
    }

    #[test]
    fn money_saved_is_not_money_given() {
        let p = for_quote("通过集中采购为我校节省了约15万元。", "约15万元");
        assert!(p.draft.is_none());
        assert!(p.doubts[0].contains("节省"));
    }

    #[test]
    fn trained_in_hunan_is_a_training_not_a_dispatch() {
        let p = for_quote("2013年在长沙为吐鲁番培训355名骨干教师。", "355名");
        let d = draft(&p);
        assert_eq!(d.target, "activities");
        assert_eq!(d.record["kind"], "training");
        assert_eq!(d.record["direction"], "to_supporter");
        assert_eq!(d.record["start_date"], "2013");
        assert_eq!(d.record["audience"], "backbone");
        assert_eq!(d.children[0].0, "activity_counts");
        assert_eq!(d.children[0].1["value"], "355");
        assert_eq!(d.children[0].1["unit"], "名");
    }

    #[test]
    fn an_inspection_group_is_a_visit() {
        let p = for_quote("自治区考察组7名专家来校考察两天。", "7名");
        let d = draft(&p);
        assert_eq!(d.record["kind"], "visit");
        assert_eq!(d.record["direction"], "to_supporter");
    }

    #[test]
    fn cadres_sent_are_one_aggregate_record() {
        let p = for_quote("2010年以来湖南省先后选派援疆干部110人。", "110人");
        let d = draft(&p);
        assert_eq!(d.target, "activities");
        assert_eq!(d.copies, 1);
        assert_eq!(d.children.len(), 1);
        assert_eq!(d.children[0].1["value"], "110");
        assert_eq!(d.children[0].1["what"], "援派干部");
        assert!(p.doubts.iter().any(|q| q.contains("不生成人员")));
        // 2010年以来 opens a span: not the date of the fact
        assert!(p.doubts.iter().any(|q| q.contains("未给出日期")));
    }

    #[test]
    fn a_plan_total_is_a_project_group_not_a_project_named_after_it() {
        let p = for_quote("十二五期间援助12.84亿元。", "12.84亿元");
        let d = draft(&p);
        assert_eq!(d.target, "project_groups");
        assert_eq!(d.record["aid_amount"], "1284000000");
        assert_ne!(d.record["name"], "期间援助");
    }

    #[test]
    fn a_projects_funding_share_names_the_project() {
        let text = "援建吐鲁番实验中学项目，总投资26000万元，其中湖南援助3700万元。";
        let total = for_quote(text, "26000万元");
        let share = for_quote(text, "3700万元");
        let t = draft(&total);
        assert_eq!(t.target, "projects");
        assert_eq!(t.record["name"], "吐鲁番实验中学项目");
        assert_eq!(t.record["category"], "education");
        assert_eq!(t.record["total_investment"], "260000000");
        let s = draft(&share);
        assert_eq!(s.target, "project_funding");
        assert_eq!(s.record["source"], "supporter");
        assert_eq!(s.project.as_ref().unwrap()["name"], "吐鲁番实验中学项目");
    }

    #[test]
    fn housing_outputs_by_stage_and_category() {
        let text = "2012年安居富民计划8640户，已开工9426户，竣工5780户。";
        let planned = draft(&for_quote(text, "8640户")).clone();
        assert_eq!(planned.target, "outputs");
        assert_eq!(planned.record["planned"], "8640");
        assert_eq!(planned.record["as_of"], "2012");
        assert_eq!(planned.project.as_ref().unwrap()["category"], "housing");
        assert_eq!(draft(&for_quote(text, "9426户")).record["started"], "9426");
        assert_eq!(draft(&for_quote(text, "5780户")).record["completed"], "5780");
    }

    #[test]
    fn agreements_by_tier_and_count() {
        let text = "2011年3月两校签订校级对口支援协议3份、院级协议3份。";
        let p = for_quote(text, "3份");
        let d = draft(&p);
        assert_eq!(d.target, "agreements");
        assert_eq!(d.copies, 3);
        assert_eq!(d.record["tier"], "institution");
        assert_eq!(d.record["signed_on"], "2011-03");
    }

    #[test]
    fn a_partner_universitys_gift_is_questioned() {
        let text = "新疆农业大学资助北京林业大学一名教师科研经费2万元。";
        let f = extract(text)
            .into_iter()
            .find(|f| f.quote == "2万元")
            .expect("the figure");
        let ours = Parties {
            supporter: "南京农业大学".into(),
            receiver: "新疆农业大学".into(),
        };
        let p = propose(text, &f, &ours, "2012-01-01", "2012");
        assert_eq!(draft(&p).target, "funds");
        assert!(p.doubts.iter().any(|d| d.contains("北京林业大学")), "{:?}", p.doubts);
    }

    #[test]
    fn donated_goods_keep_their_items() {
        let p = for_quote("2014年向受援学校捐赠电脑50台。", "50台");
        let d = draft(&p);
        assert_eq!(d.record["kind"], "donation");
        assert_eq!(d.children[0].0, "activity_items");
        assert_eq!(d.children[0].1["category"], "computers");
        assert_eq!(d.children[0].1["quantity"], "50");
    }

    #[test]
    fn person_times_and_hours() {
        let p = for_quote("2015年6月全年开展各类培训1200余人次。", "1200余人次");
        let d = draft(&p);
        assert_eq!(d.record["person_times"], "1200余");
        assert_eq!(d.record["start_date"], "2015-06");
    }

    /// The rule of an obligation draft as the engine reads it, in its own words.
    fn rule_text(record: &Value) -> String {
        duikou_domain::ObligationRule::from_json(&record["rule"])
            .unwrap_or_else(|e| panic!("{e}: {record}"))
            .text_zh()
    }

    fn obligation(p: &Proposal) -> (&Draft, Vec<String>) {
        let d = draft(p);
        assert_eq!(d.target, "obligations", "{p:?}");
        let mut texts = vec![rule_text(&d.record)];
        texts.extend(d.children.iter().map(|(e, r)| {
            assert_eq!(*e, "obligations");
            rule_text(r)
        }));
        (d, texts)
    }

    #[test]
    fn a_rule_is_an_obligation_not_a_record() {
        let p = for_quote("每学期支教时间累计不少于一个月，每学年至少派出2名教师。", "2名");
        let (d, texts) = obligation(&p);
        assert_eq!(texts, vec!["支援方派往受援方：每学年派出教师不少于 2 名"]);
        assert_eq!(d.record["rule"]["measure"]["type"], "distinct_count");
        assert_eq!(
            d.record["rule"]["measure"]["records"]["filter"]["role"],
            json!(["teacher"])
        );
        assert!(p.doubts.iter().any(|q| q.contains("义务")), "{:?}", p.doubts);
    }

    #[test]
    fn managers_exchanged_each_semester_hold_both_sides() {
        let text = "支援学校和受援学校每学期互派至少1名经验丰富的管理人员到对口学校挂职，参与学校的决策与管理。";
        let p = for_quote(text, "至少1名");
        let (d, texts) = obligation(&p);
        assert_eq!(
            texts,
            vec![
                "支援方派往受援方：每学期派出挂职管理人员不少于 1 名",
                "受援方派往支援方：每学期受援方派出挂职管理人员不少于 1 名"
            ]
        );
        assert_eq!(d.record["note"], text);
    }

    #[test]
    fn a_month_is_kept_as_written_judged_as_thirty_days_with_a_doubt_and_a_week_seven() {
        let text = "3、支援学校和受援学校每学期互派至少1名管理人员到对口学校挂职。支教领导每学期支教累计不少于一个月，每次连续开展指导工作不少于一周。";
        let month = for_quote(text, "不少于一个月");
        let (d, texts) = obligation(&month);
        assert_eq!(
            texts,
            vec!["支援方管理人员每人每学期累计挂职指导不少于 1个月（按30天计）"]
        );
        assert_eq!(d.record["rule"]["target"]["value"], 30);
        assert_eq!(
            d.record["rule"]["target"]["written"],
            json!({"value": 1, "unit": "个月"})
        );
        assert!(
            month.doubts.iter().any(|q| q == "一个月按30天计，请核对"),
            "{:?}",
            month.doubts
        );
        let week = for_quote(text, "不少于一周");
        let (d, texts) = obligation(&week);
        assert_eq!(texts, vec!["支援方管理人员每次连续指导不少于 1周（7天）（按学期考核）"]);
        assert_eq!(d.record["rule"]["measure"]["type"], "min_stint_days");
        assert!(week.doubts.iter().all(|q| !q.contains("30天")), "{:?}", week.doubts);
        // a teacher's days, told with 不得少于
        let text = "支援学校教师每学期支教时间累积不得少于一个月，每次连续开展支教时间不得少于一周。";
        let (_, texts) = obligation(&for_quote(text, "不得少于一个月"));
        assert_eq!(texts, vec!["支援方教师每人每学期累计支教不少于 1个月（按30天计）"]);
        let (_, texts) = obligation(&for_quote(text, "不得少于一周"));
        assert_eq!(texts, vec!["支援方教师每次连续支教不少于 1周（7天）（按学期考核）"]);
    }

    #[test]
    fn a_yearly_training_above_once_is_counted_by_its_kind_and_audience() {
        let text = "对受援学校教师每年全员培训一次以上，3年内支援学校要帮助受援学校培养一定数量的县级学科骨干教师。";
        let p = for_quote(text, "一次以上");
        let (d, texts) = obligation(&p);
        assert_eq!(texts, vec!["每年全员培训不少于 1 次"]);
        assert_eq!(
            d.record["rule"]["measure"]["records"]["filter"],
            json!({"kind": ["training"], "audience": ["all_staff"]})
        );
    }

    #[test]
    fn tiers_by_the_receivers_teachers_are_one_obligation_proposed_once() {
        let text = "1、对受援学校教师每年全员培训一次以上，3年内支援学校要帮助受援学校培养一定数量的县级学科骨干教师。\
                    受援学校科任教师人数在20人以下，至少培养1名，受援学校科任教师在20-50人，至少培养2名，受援学校科任教师在50人以上，至少培养3名。";
        let p = for_quote(text, "20人以下");
        let (d, texts) = obligation(&p);
        assert_eq!(
            texts,
            vec!["帮扶期内培养县级学科骨干教师不少于 （按受援方教师人数分档：20人以下1名，20—50人2名，50人以上3名）"]
        );
        assert_eq!(d.record["rule"]["window"]["type"], "term");
        // the six figures of the tiers: one draft, at the first; the others point to it
        let facts = extract(text);
        let all = propose_all(text, &facts, &parties(), "2012-01-01", "2012");
        let tier_quotes = ["20人以下", "1名", "20-50人", "2名", "50人以上", "3名"];
        let of_tiers: Vec<&Proposal> = facts
            .iter()
            .zip(&all)
            .filter(|(f, _)| tier_quotes.contains(&f.quote.as_str()))
            .map(|(_, p)| p)
            .collect();
        assert_eq!(of_tiers.len(), 6, "{facts:?}");
        assert!(of_tiers[0].draft.is_some());
        for p in &of_tiers[1..] {
            assert!(p.draft.is_none(), "{p:?}");
            assert!(p.doubts[0].contains("同属一条要求"), "{:?}", p.doubts);
        }
    }

    #[test]
    fn the_receiving_sides_people_and_a_research_count() {
        let text = "受援学校每学年选派不少于2名教师到支援学校跟岗学习。";
        let p = for_quote(text, "不少于2名");
        let (_, texts) = obligation(&p);
        assert_eq!(texts, vec!["受援方派往支援方：每学年受援方派出交流教师不少于 2 名"]);
        let text = "每学期开展同类学科教研活动不少于2次。";
        let p = for_quote(text, "不少于2次");
        let (d, texts) = obligation(&p);
        assert_eq!(texts, vec!["每学期教研不少于 2 次"]);
        assert_eq!(
            d.record["rule"]["measure"]["records"]["filter"]["kind"],
            json!(["teaching_research"])
        );
        // the pairing's activities, both sides' alike: no side to ask about
        assert!(p.doubts.iter().all(|q| !q.contains("哪一方")), "{:?}", p.doubts);
    }

    #[test]
    fn a_rule_without_a_window_or_a_count_is_asked_not_guessed() {
        // no window: the whole term, with a doubt
        let p = for_quote("支援学校至少派出3名骨干教师到受援学校支教。", "3名");
        let (d, _) = obligation(&p);
        assert_eq!(d.record["rule"]["window"]["type"], "term");
        assert!(p.doubts.iter().any(|q| q.contains("暂按帮扶期内")), "{:?}", p.doubts);
        // a floor on money: a rule, but not one the draft can count; told, nothing proposed
        let p = for_quote("每年援助资金应不少于5000万元。", "不少于5000万元");
        assert!(p.draft.is_none(), "{p:?}");
        assert!(
            p.doubts.iter().any(|q| q.contains("未说清它统计什么")),
            "{:?}",
            p.doubts
        );
    }

    #[test]
    fn a_past_figure_with_a_floor_stays_a_record() {
        for (text, quote) in [
            ("2012年共选派支教教师不少于20名。", "不少于20名"),
            ("2013年选派支教教师不少于20名赴受援学校。", "不少于20名"),
            ("截至目前已累计培训骨干教师至少300名。", "至少300名"),
        ] {
            let p = for_quote(text, quote);
            assert!(
                p.draft.as_ref().is_some_and(|d| d.target == "activities"),
                "{text}: {p:?}"
            );
        }
    }

    #[test]
    fn a_floor_in_rhetoric_is_no_obligation() {
        for (text, quote) in [
            ("仅此一项，至少为农民增收200万元。", "200万元"),
            ("这样的帮扶，至少惠及了2000名学生。", "2000名"),
        ] {
            let p = for_quote(text, quote);
            assert!(
                p.draft.as_ref().is_none_or(|d| d.target != "obligations"),
                "{text}: {p:?}"
            );
        }
    }

    #[test]
    fn planned_started_and_completed_meet_on_one_output() {
        let text = "2012年安居富民计划8640户，已开工9426户，竣工5780户。";
        let names: Vec<(String, String)> = ["8640户", "9426户", "5780户"]
            .iter()
            .map(|q| {
                let d = draft(&for_quote(text, q)).clone();
                (
                    d.record["name"].as_str().unwrap().to_string(),
                    d.project.unwrap()["name"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert!(names.iter().all(|n| n == &names[0]), "{names:?}");
        assert_eq!(names[0], ("安居富民房".to_string(), "安居富民工程".to_string()));
    }

    #[test]
    fn trainees_sent_to_the_supporter_go_toward_it() {
        let p = for_quote("2012年组织900名未就业大学毕业生赴湖南轮训。", "900名");
        let d = draft(&p);
        assert_eq!(
            (d.record["kind"].as_str(), d.record["direction"].as_str()),
            (Some("training"), Some("to_supporter"))
        );
        assert!(p.doubts.iter().all(|q| !q.contains("大学")), "{:?}", p.doubts);
    }

    #[test]
    fn category_words() {
        assert_eq!(category("双语幼儿园"), "education");
        assert_eq!(category("安居富民房"), "housing");
        assert_eq!(category("人民医院综合楼"), "health");
        assert_eq!(category("会议室"), "other");
    }

    #[test]
    fn dates_at_the_texts_precision() {
        let c: Vec<char> = "2004年起至今，2014年6月完成".chars().collect();
        assert_eq!(last_date(&c), Some("2014-06".into()));
        let c: Vec<char> = "2010年以来".chars().collect();
        assert_eq!(last_date(&c), None);
        let c: Vec<char> = "2004年".chars().collect();
        assert_eq!(last_date(&c), Some("2004".into()));
    }
}
