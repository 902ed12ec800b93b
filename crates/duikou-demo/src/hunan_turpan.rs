//! 第9篇: 湖南省 supporting 吐鲁番 in the sixth round of 援疆 (the “3393” programme, from 2011): yearly investment plans,
//! 安居富民 outputs with their start and completion rates, schools and a hospital with funding by source, enterprise
//! investment, 110 cadres of the 第六批, and the people trained in 湖南.

use crate::loader::Demo;
use crate::national::AID_XINJIANG;
use duikou_store::Result;
use serde_json::{json, Value};

/// 吐鲁番 (a prefecture-level city since 2015; 吐鲁番地区 when the seed was written).
const TURPAN: &str = "650400";

/// Where the 110 cadres came from (第9篇 names 省直厅局, 长沙, 湘潭, 衡阳, 郴州; the split is illustrative).
const CADRE_HOMES: &[(&str, usize)] = &[
    ("湖南省", 40),
    ("长沙市", 30),
    ("湘潭市", 14),
    ("衡阳市", 13),
    ("郴州市", 13),
];

/// Loads 第9篇.
pub(crate) async fn load(d: &mut Demo) -> Result<()> {
    let program = d.id(AID_XINJIANG)?;
    let hunan = d
        .org(
            "湖南省",
            "government",
            "430000",
            json!({"short_name": "湖南", "note": "援疆干部来自省直厅局、长沙市以及湘潭、衡阳、郴州等有关单位"}),
        )
        .await?;
    for (name, code) in [
        ("长沙市", "430100"),
        ("湘潭市", "430300"),
        ("衡阳市", "430400"),
        ("郴州市", "431000"),
    ] {
        d.org(name, "government", code, json!({"parent_id": hunan})).await?;
    }
    let turpan = d
        .org(
            "吐鲁番市",
            "government",
            TURPAN,
            json!({"attributes": {"population_wan": 62, "minority_share_percent": 75},
                   "note": "援疆时为吐鲁番地区，2015年撤地设市；总人口62万，少数民族约占75%；建成中国最大的新能源城市示范区"}),
        )
        .await?;
    for (name, code) in [("鄯善县", "650421"), ("托克逊县", "650422")] {
        d.org(name, "government", code, json!({"parent_id": turpan})).await?;
    }
    for (name, kind) in [
        ("吐鲁番实验中学", "school"),
        ("吐鲁番中等职业技术学校", "school"),
        ("吐鲁番中心医院", "hospital"),
    ] {
        d.org(name, kind, TURPAN, json!({"parent_id": turpan})).await?;
    }
    let pairing = d
        .add(
            "pairings",
            json!({"program_id": program, "supporter_org_id": hunan, "receiver_org_id": turpan,
                   "level": "province_prefecture", "start_date": "2010-03-30",
                   "note": "2010年启动试点项目；2011年湖南省第六轮援疆工作正式开展，总体思路为“3393”工程：科学、务实、真情援疆三大理念，\
                            民生优先、住房就业教育为重等三大原则，三个相结合，援建九大工程。“十二五”期间援助12.84亿元。\
                            到2012年底新建、续建项目31个。"}),
        )
        .await?;

    projects(d, pairing).await?;
    cadres(d, pairing, turpan).await?;
    training(d, pairing).await?;

    for (title, category, priority, status) in [
        ("增派到基层一线的援疆干部", "talent", "medium", "open"),
        ("吐鲁番中心医院新区建设资金", "project", "high", "in_progress"),
    ] {
        d.add(
            "needs",
            json!({"pairing_id": pairing, "title": title, "category": category, "priority": priority,
                   "status": status}),
        )
        .await?;
    }
    let notes = [
        (
            "highlight",
            "2011",
            "援助资金集中于安居富民、基础设施、教育、医疗等民生项目，多为项目启动资金，其余由当地政府和个人承担。",
        ),
        (
            "highlight",
            "2012",
            "发挥湖南教育、文化大省优势，把吐鲁番干部人才送出去培养，选拔未就业大学毕业生继续培养。",
        ),
        (
            "problem",
            "2012",
            "援疆干部多在地区和县两级机关任职，派到基层一线的人少。",
        ),
        (
            "plan",
            "2012",
            "实施青年科技英才计划：2012—2016年计划选派100—200名各领域科技英才赴湖南培养6个月至1年。",
        ),
    ];
    for (kind, period, text) in notes {
        d.add(
            "notes",
            json!({"pairing_id": pairing, "kind": kind, "period": period, "text": text}),
        )
        .await?;
    }
    for (code, period, value, note) in [
        ("population", "2012", "62", "总人口62万；年份未写明，记于文中数据末年"),
        ("minority_share", "2012", "75", "少数民族占人口总数的75%；年份未写明"),
        (
            "aid_projects",
            "2010-01-01..2012-12-31",
            "31",
            "到2012年底湖南援疆新建、续建项目",
        ),
        (
            "aid_funds_planned",
            "十二五",
            "12.84",
            "湖南省“十二五”期间援助资金，重点建设九大工程",
        ),
    ] {
        // the population and its share are told with no year: about the time of the essay's last figures
        let basis = matches!(code, "population" | "minority_share").then_some("about");
        d.value_as("第9篇", code, TURPAN, (period, basis), value, note).await?;
    }
    d.add(
        "documents",
        json!({"kind": "summary", "title": "第9篇 湖南对口支援吐鲁番情况调查", "program_id": program,
               "pairing_id": pairing, "note": "数据截至2013年初；正文未存入"}),
    )
    .await?;
    Ok(())
}

async fn projects(d: &mut Demo, pairing: i64) -> Result<()> {
    let turpan = d.region(TURPAN);
    // the two yearly investment plans (援疆投资计划), as plans: the seed gives their aid money, and the first plan's
    // six projects in four kinds
    for (name, count, amount, date, description) in [
        (
            "2010年援疆试点项目",
            Some("6"),
            "4564.1万",
            "2010",
            "边调查研究、边编制规划、边着手实施，下达援疆投资计划启动4类6个试点项目（第9篇未写明类别）",
        ),
        (
            "2011年援疆投资计划项目",
            None,
            "4.0857亿",
            "2011",
            "年内下达的援疆投资计划；到2012年底新建、续建项目31个",
        ),
    ] {
        d.fact(
            "project_groups",
            json!({"pairing_id": pairing, "name": name, "start_on": date, "project_count": count,
                   "category_count": (name == "2010年援疆试点项目").then_some(4),
                   "aid_amount": amount, "description": description}),
        )
        .await?;
    }
    let housing = d
        .fact(
            "projects",
            json!({"pairing_id": pairing, "name": "安居富民工程", "category": "housing", "region_code": turpan,
                   "started_on": "2011",
                   "description": "2011年计划建设富民安居房6160户，补助资金由湖南省支援，其余由当地政府和个人承担；\
                                   2011年开工（只知年份）"}),
        )
        .await?;
    // the output stated twice, as the seed states it: the 2011 plan, then the plan and progress to the end of 2012
    d.fact(
        "outputs",
        json!({"project_id": housing, "name": "安居富民房", "unit": "户", "planned": 6160, "as_of": "2011"}),
    )
    .await?;
    d.fact(
        "outputs",
        json!({"project_id": housing, "name": "安居富民房", "unit": "户", "planned": 8640, "started": 9426,
               "completed": 5780, "as_of": "2012-12-31"}),
    )
    .await?;
    let rental = d
        .fact(
            "projects",
            json!({"pairing_id": pairing, "name": "城镇廉租房项目", "category": "housing", "region_code": turpan,
                   "started_on": "2011",
                   "description": "2011年计划建设1000套；2011年开工的续建项目（只知年份）"}),
        )
        .await?;
    d.fact(
        "outputs",
        // planned: the 1000套 of the 2011 plan
        json!({"project_id": rental, "name": "廉租房", "unit": "套", "planned": 1000, "completed": 1300,
               "as_of": "2012-12-31"}),
    )
    .await?;
    // a plan the seed states for 2012–2016: its people as the planned output, the training period in its words
    let talent = d
        .fact(
            "projects",
            json!({"pairing_id": pairing, "name": "青年科技英才计划（吐鲁番）", "category": "talent",
                   "region_code": turpan,
                   "description": "2012—2016年计划选派100—200名各领域科技英才赴湖南省培养，每人6个月至1年（第9篇）"}),
        )
        .await?;
    d.fact(
        "outputs",
        json!({"project_id": talent, "name": "赴湖南培养的科技英才", "unit": "名", "planned": "100-200",
               "per_unit_what": "培养期", "per_unit": "6-12", "per_unit_unit": "个月", "as_of": "2012-12-31"}),
    )
    .await?;
    let continued: [(&str, &str, &str); 5] = [
        ("鄯善县职业技术学校项目", "education", "650421"),
        ("托克逊县职业技术学校项目", "education", "650422"),
        ("两县一市福利院建设项目", "other", TURPAN),
        ("鄯善县工业园区科技企业孵化中心项目", "industry", "650421"),
        ("托克逊县工业园区科技企业孵化中心项目", "industry", "650422"),
    ];
    for (name, category, region) in continued {
        d.fact(
            "projects",
            json!({"pairing_id": pairing, "name": name, "category": category, "region_code": d.region(region),
                   "started_on": "2011",
                   "description": "2011年已经开工的续建项目，按计划顺利实施（开工只知年份）"}),
        )
        .await?;
    }
    // the schools and the hospital: total investment and 湖南's share; the rest is not broken down in the seed
    let buildings: [(&str, &str, &str, &str, Value); 3] = [
        (
            "吐鲁番实验中学",
            "education",
            "26000万",
            "3700万",
            json!({"started_on": "2012-05-01", "region_code": d.region("650402"),
                   "description": "一期已于2012年5月初动工"}),
        ),
        (
            "吐鲁番中等职业技术学校",
            "education",
            "28000万",
            "8000万",
            json!({"region_code": turpan.clone(), "description": "进展第9篇未写明"}),
        ),
        (
            "吐鲁番中心医院新区",
            "health",
            "23000万",
            "",
            json!({"approved_on": "2012-12-31", "region_code": turpan.clone(),
                   "description": "截至2013年初前期准备工作已全部完成，尚未开工（立项日期未写明，记为数据截止前）"}),
        ),
    ];
    for (name, category, total, hunan, extra) in buildings {
        let mut p = json!({"pairing_id": pairing, "name": name, "category": category, "total_investment": total});
        if let (Some(o), Value::Object(more)) = (p.as_object_mut(), extra) {
            o.extend(more);
        }
        let project = d.fact("projects", p).await?;
        if hunan.is_empty() {
            continue;
        }
        d.fact(
            "project_funding",
            json!({"project_id": project, "source": "supporter", "amount": hunan, "note": "湖南援助"}),
        )
        .await?;
        let total: i64 = total.trim_end_matches('万').parse().unwrap_or(0);
        let ours: i64 = hunan.trim_end_matches('万').parse().unwrap_or(0);
        if total > ours {
            d.fact(
                "project_funding",
                json!({"project_id": project, "source": "local", "amount": format!("{}万", total - ours),
                       "note": "总投资减湖南援助；来源第9篇未写明，记为地方配套"}),
            )
            .await?;
        }
    }
    // enterprise investment brought by the aid (产业援疆): planned amounts, recorded and awaiting confirmation
    let enterprise: [(&str, &str, &str, &str); 5] = [
        (
            "三一重工装备制造业和煤化工产业",
            "650000",
            "500亿",
            "计划分期投资，在新疆发展",
        ),
        (
            "五凌电力风电、水电、煤电项目",
            "650000",
            "400亿",
            "计划投资，在新疆发展；托克逊风电项目是重点之一，已订购设备",
        ),
        ("湘煤集团鄯善县煤田勘探", "650421", "3亿", "已探明1个储量80亿吨的煤田"),
        ("湖南天利恩泽鄯善20兆瓦光伏发电站", "650421", "2亿", "计划投资"),
        (
            "隆平高科辣椒晒场、物流、加工一体化项目",
            TURPAN,
            "",
            "在吐鲁番选址；金额第9篇未写明",
        ),
    ];
    // the enterprise's money is the project's own funding (one line, source 企业), not investment it brought in
    // besides: recording it also as `leveraged_investment` would print the same 905亿元 twice in the summary
    for (name, region, amount, description) in enterprise {
        let project = d
            .add(
                "projects",
                json!({"pairing_id": pairing, "name": name, "category": "industry", "region_code": d.region(region),
                       "description": format!("湖南企业投资（产业援疆）：{description}")}),
            )
            .await?;
        // what the enterprise's project has found or will build, as the essay states it
        let output = match name {
            // found: one coalfield of 80亿吨 (the reserve is the coalfield's, not the support's)
            "湘煤集团鄯善县煤田勘探" => Some(json!({"name": "煤田", "unit": "个", "completed": 1})),
            "湖南天利恩泽鄯善20兆瓦光伏发电站" => {
                Some(json!({"name": "装机容量", "unit": "兆", "planned": 20}))
            }
            _ => None,
        };
        if let Some(mut o) = output {
            o["project_id"] = json!(project);
            o["as_of"] = json!("2012");
            d.add("outputs", o).await?;
        }
        if !amount.is_empty() {
            d.add(
                "project_funding",
                json!({"project_id": project, "source": "enterprise", "amount": amount, "note": "企业计划投资"}),
            )
            .await?;
        }
    }
    Ok(())
}

async fn cadres(d: &mut Demo, pairing: i64, turpan: i64) -> Result<()> {
    let mut i = 0i64;
    for (home, count) in CADRE_HOMES {
        let home_id = d.id(home)?;
        for _ in 0..*count {
            // exactly 22 postgraduates (5 doctorates) and 31 senior titles, spread over the homes by a stride that visits
            // every position once; birth years in ± pairs around 1973, so the average age in 2011 is 38
            let education = match (i * 13) % 110 {
                0..=4 => "doctorate",
                5..=21 => "master",
                _ => "bachelor",
            };
            let senior = (i * 7) % 110 < 31;
            let k = (i / 2) % 8;
            let birth_year = if i % 2 == 0 { 1973 + k } else { 1973 - k };
            i += 1;
            let person = d
                .add(
                    "people",
                    json!({"name": format!("湖南援疆干部（第六批）{i:03}"), "home_org_id": home_id,
                           "birth_year": birth_year, "education": education,
                           "title_level": if senior { "senior" } else { "intermediate" },
                           "note": "姓名、出生年份为示例占位；第9篇只给出人数、学历、职称和平均年龄"}),
                )
                .await?;
            let dispatch = json!({"pairing_id": pairing, "person_id": person, "role": "cadre", "batch": 6,
                                  "home_org_id": home_id, "host_org_id": turpan, "start_date": "2011",
                                  "note": "2011年抵达吐鲁番（月日未写明）；任职岗位第9篇未写明"});
            // the receiving side has confirmed all but the last few entered
            if i <= 100 {
                d.fact("dispatches", dispatch).await?;
            } else {
                d.add("dispatches", dispatch).await?;
            }
        }
    }
    Ok(())
}

async fn training(d: &mut Demo, pairing: i64) -> Result<()> {
    let talent = d
        .fact(
            "projects",
            json!({"pairing_id": pairing, "name": "大学毕业生赴湖南培养和基层干部赴湖南轮训项目", "category": "talent",
                   "region_code": d.region("430000"), "description": "实施顺利"}),
        )
        .await?;
    let hunan = d.region("430000");
    let acts = [
        json!({"kind": "training", "audience": "teachers", "title": "依托湖南教育资源培训吐鲁番骨干教师和教育管理干部",
               "start_date": "2011", "region_code": hunan.clone(), "person_times": 355}),
        json!({"kind": "training", "audience": "teachers", "title": "引进湖南教育专家来吐鲁番开展师资培训",
               "start_date": "2011", "region_code": d.region(TURPAN),
               "person_times": 46, "description": "人次记的是来吐鲁番授课的湖南教育专家人数（46名），受训人数未写明"}),
        json!({"kind": "enrollment", "audience": "students", "title": "湖南省属高校在吐鲁番定向招生",
               "start_date": "2011", "person_times": 122,
               "participants": "湖南省14所省属高校"}),
        json!({"kind": "training", "audience": "students", "title": "选派未就业大学毕业生赴湖南相关院校培训",
               "start_date": "2012", "region_code": hunan.clone(), "person_times": 900,
               "project_id": talent, "participants": "湖南13所高校承接"}),
        json!({"kind": "training", "audience": "cadres", "title": "基层干部赴湖南轮训",
               "start_date": "2012", "region_code": hunan, "person_times": 700,
               "project_id": talent, "description": "轮训任务已顺利完成"}),
    ];
    for mut a in acts {
        a["pairing_id"] = json!(pairing);
        d.fact("activities", a).await?;
    }
    Ok(())
}
