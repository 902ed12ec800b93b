//! 第8篇: a county education bureau's three-year 校对校“对口帮扶” plan (2013-10 → 2016-08) with every quantified rule
//! as a program obligation, and two school pairings recorded semester by semester — one that keeps every rule and one
//! that misses some (one teacher sent in 2014-2015, a five-day stint, a short semester, a disputed stint …).

use crate::loader::Demo;
use chrono::{Days, NaiveDate};
use duikou_store::{Result, StoreError};
use serde_json::json;

/// The six semesters of the plan: code and the days school is in session (illustrative term dates).
const SEMESTERS: &[(&str, &str, &str)] = &[
    ("2013-2014S1", "2013-10-08", "2014-01-17"),
    ("2013-2014S2", "2014-02-17", "2014-07-04"),
    ("2014-2015S1", "2014-09-01", "2015-01-23"),
    ("2014-2015S2", "2015-03-02", "2015-07-03"),
    ("2015-2016S1", "2015-09-01", "2016-01-22"),
    ("2015-2016S2", "2016-02-22", "2016-07-01"),
];

/// Stints as (days after the semester opens, length in days).
type Pattern = &'static [(u64, u64)];
/// Two stays of 14 and 18 days: 32 days, every stay a week or more.
const KEEPS_RULES: Pattern = &[(7, 14), (42, 18)];
/// 12 + 13 = 25 days: short of the month a semester asks for.
const SHORT_SEMESTER: Pattern = &[(7, 12), (42, 13)];
/// 5 + 27 = 32 days, but the first stay is shorter than a week.
const FIVE_DAY_STINT: Pattern = &[(7, 5), (28, 27)];
/// The receiving school's teachers learning at the supporting school (跟岗学习): a 5-day and a 10-day visit. 第8篇's
/// "每学期累计不少于一个月、每次不少于一周" is the supporting teachers' duty, not theirs, so these are not short of anything.
const LEARNING_VISITS: Pattern = &[(8, 5), (43, 10)];

/// One school pairing of the plan.
struct School {
    supporter: &'static str,
    receiver: &'static str,
    /// Short names for the placeholder people.
    supporter_short: &'static str,
    receiver_short: &'static str,
    /// The receiving school's teachers (decides how many backbone teachers the term asks for).
    receiver_teachers: i64,
    /// Whether this pairing falls short of some rules.
    lagging: bool,
}

const SCHOOLS: &[School] = &[
    School {
        supporter: "城关第一小学",
        receiver: "石桥乡中心小学",
        supporter_short: "城关一小",
        receiver_short: "石桥乡中心小学",
        receiver_teachers: 35,
        lagging: true,
    },
    School {
        supporter: "城关实验中学",
        receiver: "石桥乡初级中学",
        supporter_short: "城关实验中学",
        receiver_short: "石桥乡初中",
        receiver_teachers: 18,
        lagging: false,
    },
];

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| StoreError::Other(format!("示例日期“{s}”无效：{e}")))
}

/// The stints a pattern gives in a semester opening on `open`, shifted by `shift` days so two people differ.
fn stints(open: NaiveDate, pattern: Pattern, shift: u64) -> Vec<(NaiveDate, NaiveDate)> {
    pattern
        .iter()
        .map(|(offset, len)| {
            let start = open + Days::new(offset + shift);
            (start, start + Days::new(len - 1))
        })
        .collect()
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Loads 第8篇.
pub(crate) async fn load(d: &mut Demo) -> Result<()> {
    let bureau = d
        .org(
            "某县教育局",
            "government",
            "",
            json!({"note": "第8篇是县教育局的校对校对口帮扶实施方案，未写县名；下属学校名称均为示例"}),
        )
        .await?;
    for s in SCHOOLS {
        d.org(
            s.supporter,
            "school",
            "",
            json!({"parent_id": bureau, "note": "支援学校（城镇优质学校），校名为示例"}),
        )
        .await?;
        d.org(
            s.receiver,
            "school",
            "",
            json!({"parent_id": bureau, "attributes": {"teacher_count": s.receiver_teachers},
                   "note": "受援学校（乡镇薄弱学校），校名为示例；科任教师人数决定三年内培养县级骨干教师的档次"}),
        )
        .await?;
    }
    let program = d
        .add(
            "programs",
            json!({
                "name": "校对校“对口帮扶”（2013—2016）",
                "authority_org_id": bureau,
                "start_date": "2013-10-01",
                "end_date": "2016-08-31",
                "calendar": {"kind": "school_year"},
                "rating_scale": {"levels": [{"label": "优秀", "min_score": 90}, {"label": "良好", "min_score": 80},
                                            {"label": "合格", "min_score": 60}, {"label": "不合格", "min_score": 0}]},
                "only_confirmed": true,
                "warn_share": "0.5",
                "description": "县内每所优质学校结对帮扶一所乡镇薄弱学校，三年一轮，帮扶管理、师资、教学、校园文化和学生交流；\
                    教育局每学期考核，支教教师的年度考核交由受援学校，帮扶成效计入校长评聘业绩。",
            }),
        )
        .await?;
    // every quantified requirement of the plan, as the built-in template words them
    let template = duikou_domain::templates::template("school_pairing")
        .ok_or_else(|| StoreError::Other("缺少内置模板 school_pairing".into()))?;
    for item in &template.items {
        let rule = serde_json::to_value(&item.rule).map_err(|e| StoreError::Other(e.to_string()))?;
        d.add(
            "obligations",
            json!({"program_id": program, "title": item.title, "weight": item.weight, "rule": rule,
                   "note": format!("第8篇：{}", item.source)}),
        )
        .await?;
    }
    for s in SCHOOLS {
        pairing(d, program, s).await?;
    }
    d.add(
        "documents",
        json!({"kind": "summary", "title": "第8篇 校对校“对口帮扶”实施方案", "program_id": program,
               "note": "县教育局的三年实施方案（指导思想、目标、时限、任务、保障措施）；正文未存入"}),
    )
    .await?;
    Ok(())
}

/// People and their dispatches for one pairing, counted so names stay unique.
struct Counters {
    teachers_out: usize,
    teachers_in: usize,
}

async fn pairing(d: &mut Demo, program: i64, s: &School) -> Result<()> {
    let sup = d.id(s.supporter)?;
    let rec = d.id(s.receiver)?;
    let pairing = d
        .add(
            "pairings",
            json!({"program_id": program, "supporter_org_id": sup, "receiver_org_id": rec, "level": "school_school",
                   "start_date": "2013-10-01", "end_date": "2016-08-31"}),
        )
        .await?;
    d.add(
        "agreements",
        json!({"pairing_id": pairing, "kind": "responsibility_letter", "tier": "institution",
               "title": "校对校对口帮扶责任书（2013—2016）", "signed_on": "2013-10-15", "valid_until": "2016-08-31",
               "note": "明确三年内应实现的预期目标和分年度目标任务"}),
    )
    .await?;

    // managers: one each way every semester (the same two people alternate)
    let person = |name: String, home: i64, title: &str| {
        json!({"name": name, "home_org_id": home, "title": title,
                                                                  "note": "姓名为示例占位"})
    };
    let mut managers = Vec::new();
    for (i, (home, short)) in [(sup, s.supporter_short), (rec, s.receiver_short)].iter().enumerate() {
        let mut ids = Vec::new();
        for n in 1..=2 {
            ids.push(
                d.add(
                    "people",
                    person(
                        format!("{short}管理人员{n:02}"),
                        *home,
                        if i == 0 { "副校长" } else { "教导主任" },
                    ),
                )
                .await?,
            );
        }
        managers.push(ids);
    }
    for (k, (code, open, _)) in SEMESTERS.iter().enumerate() {
        let open = date(open)?;
        let out_pattern = if s.lagging && *code == "2015-2016S1" {
            SHORT_SEMESTER
        } else {
            KEEPS_RULES
        };
        manager_stay(
            d,
            pairing,
            managers[0][k % 2],
            sup,
            rec,
            "to_receiver",
            "挂职副校长",
            open,
            out_pattern,
        )
        .await?;
        // the receiving school sent nobody to the supporting school in spring 2015
        if !(s.lagging && *code == "2014-2015S2") {
            manager_stay(
                d,
                pairing,
                managers[1][k % 2],
                rec,
                sup,
                "to_supporter",
                "跟岗挂职",
                open,
                KEEPS_RULES,
            )
            .await?;
        }
    }

    let mut c = Counters {
        teachers_out: 0,
        teachers_in: 0,
    };
    for sy in 0..3 {
        let s1 = date(SEMESTERS[2 * sy].1)?;
        let s2 = date(SEMESTERS[2 * sy + 1].1)?;
        // 2014-2015: only one teacher went to the receiving school
        let out = if s.lagging && sy == 1 { 1 } else { 2 };
        for k in 0..out {
            c.teachers_out += 1;
            let p = d
                .add(
                    "people",
                    person(
                        format!("{}支教教师{:02}", s.supporter_short, c.teachers_out),
                        sup,
                        "一级教师",
                    ),
                )
                .await?;
            let second = if s.lagging && sy == 1 {
                FIVE_DAY_STINT
            } else {
                KEEPS_RULES
            };
            let mut plan = stints(s1, KEEPS_RULES, k as u64 * 3);
            plan.extend(stints(s2, second, k as u64 * 3));
            // the receiving school disputes one stay of spring 2014 (its sign-in sheet shows 4 days, not 18)
            let disputed = (s.lagging && sy == 0 && k == 1).then_some(3);
            let dispatch = teacher_year(d, pairing, p, sup, rec, "to_receiver", &plan, disputed).await?;
            d.add(
                "appraisals",
                json!({"dispatch_id": dispatch, "year": 2014 + sy as i64,
                       "grade": if k == 0 { "excellent" } else { "competent" },
                       "comment": "受援学校作出的年度考核"}),
            )
            .await?;
        }
        for k in 0..2 {
            c.teachers_in += 1;
            let p = d
                .add(
                    "people",
                    person(
                        format!("{}交流教师{:02}", s.receiver_short, c.teachers_in),
                        rec,
                        "二级教师",
                    ),
                )
                .await?;
            let mut plan = stints(s1, LEARNING_VISITS, k as u64 * 3);
            plan.extend(stints(s2, LEARNING_VISITS, k as u64 * 3));
            teacher_year(d, pairing, p, rec, sup, "to_supporter", &plan, None).await?;
        }
        let year_acts = [
            json!({"kind": "training", "audience": "all_staff", "title": "受援学校教师全员培训",
                   "start_date": ymd(s1 + Days::new(30)), "sessions": 1, "person_times": s.receiver_teachers}),
            json!({"kind": "exchange", "title": "校风、教风、学风建设交流", "start_date": ymd(s2 + Days::new(20)),
                   "sessions": 1}),
        ];
        for mut a in year_acts {
            a["pairing_id"] = json!(pairing);
            d.fact("activities", a).await?;
        }
    }
    for (code, open, _) in SEMESTERS {
        let open = date(open)?;
        let a = json!({"pairing_id": pairing, "kind": "teaching_research", "title": format!("{code} 同学科教研组教学研讨"),
                       "start_date": ymd(open + Days::new(50)), "sessions": 1,
                       "description": "集体备课、随班听课、示范课、说课评课"});
        // the last semester's session of the lagging pairing is recorded but not yet confirmed
        if s.lagging && *code == "2015-2016S2" {
            d.add("activities", a).await?;
        } else {
            d.fact("activities", a).await?;
        }
    }
    let extra = [
        json!({"kind": "training", "audience": "backbone", "title": "培养县级学科骨干教师", "start_date": "2015-05-20",
               "end_date": "2016-06-30", "person_times": 1, "description": "三年内培养并经县级认定的学科骨干教师人数"}),
        json!({"kind": "visit", "audience": "students", "title": "少先队“手拉手”活动", "start_date": "2014-05-30",
               "person_times": 40}),
    ];
    for mut a in extra {
        a["pairing_id"] = json!(pairing);
        d.fact("activities", a).await?;
    }
    if s.lagging {
        d.fact(
            "activities",
            json!({"pairing_id": pairing, "kind": "donation", "title": "提供闲置教学仪器、教具和图书",
                   "start_date": "2014-03-10", "items": 120}),
        )
        .await?;
        for (title, category, status) in [
            ("短缺学科（音乐、美术、英语）教师", "teaching", "in_progress"),
            ("实验室和功能部室建设", "equipment", "in_progress"),
        ] {
            d.add(
                "needs",
                json!({"pairing_id": pairing, "title": title, "category": category, "priority": "high",
                       "status": status, "raised_on": "2013-10-15"}),
            )
            .await?;
        }
        d.add(
            "notes",
            json!({"pairing_id": pairing, "kind": "problem", "period": "2014-2015",
                   "text": "本学年支援学校只派出1名支教教师，且春季学期有一次支教仅5天，未达到方案要求。"}),
        )
        .await?;
    } else {
        d.add(
            "needs",
            json!({"pairing_id": pairing, "title": "利用基础教育网资源开展信息化教学", "category": "training",
                   "priority": "medium", "status": "met", "raised_on": "2013-10-15", "met_on": "2014-06-30"}),
        )
        .await?;
    }
    Ok(())
}

/// One manager's secondment for one semester: a dispatch spanning its stints.
#[allow(clippy::too_many_arguments)]
async fn manager_stay(
    d: &mut Demo,
    pairing: i64,
    person: i64,
    home: i64,
    host: i64,
    direction: &str,
    post: &str,
    open: NaiveDate,
    pattern: Pattern,
) -> Result<()> {
    let plan = stints(open, pattern, 0);
    let (Some(first), Some(last)) = (plan.first(), plan.last()) else {
        return Ok(());
    };
    let dispatch = d
        .fact(
            "dispatches",
            json!({"pairing_id": pairing, "person_id": person, "role": "manager", "direction": direction,
                   "home_org_id": home, "host_org_id": host, "post": post,
                   "start_date": ymd(first.0), "end_date": ymd(last.1)}),
        )
        .await?;
    for (start, end) in plan {
        d.fact(
            "stints",
            json!({"dispatch_id": dispatch, "start_date": ymd(start), "end_date": ymd(end)}),
        )
        .await?;
    }
    Ok(())
}

/// One teacher's school year: a dispatch spanning its stints; `disputed` names a stint the receiving side disputes.
#[allow(clippy::too_many_arguments)]
async fn teacher_year(
    d: &mut Demo,
    pairing: i64,
    person: i64,
    home: i64,
    host: i64,
    direction: &str,
    plan: &[(NaiveDate, NaiveDate)],
    disputed: Option<usize>,
) -> Result<i64> {
    let (Some(first), Some(last)) = (plan.first(), plan.last()) else {
        return Err(StoreError::Other("示例数据内部错误：支教没有时段".into()));
    };
    let dispatch = d
        .fact(
            "dispatches",
            json!({"pairing_id": pairing, "person_id": person, "role": "teacher", "direction": direction,
                   "home_org_id": home, "host_org_id": host,
                   "post": if direction == "to_receiver" { "支教（短缺学科）" } else { "跟岗学习" },
                   "start_date": ymd(first.0), "end_date": ymd(last.1)}),
        )
        .await?;
    for (i, (start, end)) in plan.iter().enumerate() {
        let stint = json!({"dispatch_id": dispatch, "start_date": ymd(*start), "end_date": ymd(*end)});
        if disputed == Some(i) {
            d.disputed("stints", stint, "受援学校签到记录显示本次在校4天，与填报的18天不符")
                .await?;
        } else {
            d.fact("stints", stint).await?;
        }
    }
    Ok(dispatch)
}
