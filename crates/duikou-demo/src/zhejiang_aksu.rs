//! 第4篇: 浙江省 supporting 阿克苏地区 in the new round of 对口援疆 (from 2010): yearly project batches, five years of
//! public-facility money by category with housing outputs, the bilingual kindergarten, donations, 200 bilingual teachers,
//! the young-talent training, and the prefecture's indicators before and after.

use crate::loader::Demo;
use crate::national::AID_XINJIANG;
use duikou_store::Result;
use serde_json::{json, Value};

/// 阿克苏地区.
const AKSU: &str = "652900";

/// The cities whose teachers went to the 阿克苏 teaching point, and those that went to 库车 (第4篇).
const AKSU_POINT_CITIES: &[&str] = &[
    "杭州市",
    "温州市",
    "湖州市",
    "绍兴市",
    "金华市",
    "衢州市",
    "台州市",
    "舟山市",
];
const KUQA_POINT_CITIES: &[&str] = &["宁波市", "嘉兴市", "丽水市"];

/// Every 浙江 city that sends people: name and region code.
const CITIES: &[(&str, &str)] = &[
    ("杭州市", "330100"),
    ("宁波市", "330200"),
    ("温州市", "330300"),
    ("嘉兴市", "330400"),
    ("湖州市", "330500"),
    ("绍兴市", "330600"),
    ("金华市", "330700"),
    ("衢州市", "330800"),
    ("舟山市", "330900"),
    ("台州市", "331000"),
    ("丽水市", "331100"),
];

/// The six batches of bilingual teachers 2010–2014: dates (illustrative) and how many (200 in all).
const TEACHER_BATCHES: &[(&str, &str, usize)] = &[
    ("2010-09-01", "2011-01-20", 34),
    ("2011-02-20", "2011-12-31", 34),
    ("2012-02-20", "2012-12-31", 33),
    ("2013-02-20", "2013-07-15", 33),
    ("2013-09-01", "2014-01-20", 33),
    ("2014-02-20", "2014-07-15", 33),
];

/// Loads 第4篇.
pub(crate) async fn load(d: &mut Demo) -> Result<()> {
    let program = d.id(AID_XINJIANG)?;
    let zhejiang = d
        .org("浙江省", "government", "330000", json!({"short_name": "浙江"}))
        .await?;
    d.org(
        "浙江省援疆指挥部",
        "command",
        AKSU,
        json!({"parent_id": zhejiang, "note": "2014年7月上报年度第二批项目实施计划，经浙江省发改委批复"}),
    )
    .await?;
    let aksu = d
        .org(
            "阿克苏地区",
            "government",
            AKSU,
            json!({"note": "下辖八县一市，地处塔里木盆地腹地、毗邻塔克拉玛干沙漠"}),
        )
        .await?;
    for (name, code) in CITIES {
        d.org(name, "government", code, json!({"parent_id": zhejiang})).await?;
    }
    let aksu_city = d
        .org("阿克苏市", "government", "652901", json!({"parent_id": aksu}))
        .await?;
    let kuqa = d
        .org(
            "库车市",
            "government",
            "652902",
            json!({"parent_id": aksu, "note": "援疆时为库车县，2019年撤县设市"}),
        )
        .await?;
    let baicheng = d
        .org("拜城县", "government", "652926", json!({"parent_id": aksu}))
        .await?;
    let point_aksu = d
        .org(
            "阿克苏地区“双语”培训阿克苏教学点",
            "school",
            "652901",
            json!({"parent_id": aksu}),
        )
        .await?;
    let point_kuqa = d
        .org(
            "阿克苏地区“双语”培训库车教学点",
            "school",
            "652902",
            json!({"parent_id": aksu}),
        )
        .await?;

    let pairing = d
        .add(
            "pairings",
            json!({"program_id": program, "supporter_org_id": zhejiang, "receiver_org_id": aksu,
                   "level": "province_prefecture", "start_date": "2010-03-30",
                   "note": "2010年全国对口支援新疆工作会议确定浙江9市县对口阿克苏地区八县一市，在资金、人才、项目三方面支援。\
                            近五年累计投入公共设施援疆资金50.56亿元、实施援建项目403个（按类别的五个项目合计48亿元，余额第4篇未分类）。\
                            双语支教教师：第4篇写共选派200名，又写8市126名、3市90名（合216名），两处不一致；示例按200名录入。"}),
        )
        .await?;
    let mut children = Vec::new();
    for (city, county, county_name) in [
        ("杭州市", aksu_city, "阿克苏市"),
        ("宁波市", kuqa, "库车"),
        ("温州市", baicheng, "拜城县"),
    ] {
        let supporter = d.id(city)?;
        let child = d
            .add(
                "pairings",
                json!({"program_id": program, "supporter_org_id": supporter, "receiver_org_id": county,
                       "level": "city_county", "start_date": "2010-03-30", "parent_id": pairing,
                       "note": format!("第4篇只写“浙江9市县对口阿克苏地区八县一市”，未列出各市与{county_name}的结对；\
                                        此结对按公开报道的2010年结对关系设定，使用前请核对")}),
            )
            .await?;
        children.push(child);
    }
    let wenzhou_baicheng = children[2];

    projects(d, pairing, wenzhou_baicheng).await?;
    teachers(d, pairing, point_aksu, point_kuqa).await?;
    indicators(d).await?;

    let notes = [
        ("problem", "自然环境恶劣，适合对口支援的项目少，水利、高科技等项目难以落地。"),
        ("problem", "当地农村劳动力素质与现代企业要求差距大，引进企业难以吸收当地劳动力。"),
        ("problem", "基础设施和公共产品项目多，能长期带动本地发展的产业和技术支持不足。"),
        ("problem", "缺少完善的考核机制：援疆干部两三年一换，援疆干部绩效、资金落实和成效没有评估。"),
        ("plan", "结合本地资源优势与支援方的人才、技术、资金，建立长期互利合作；建立对口援疆考核评估机制，对援疆干部进行绩效考核。"),
    ];
    for (kind, text) in notes {
        d.add(
            "notes",
            json!({"pairing_id": pairing, "kind": kind, "period": "2014", "text": text}),
        )
        .await?;
    }
    d.add(
        "documents",
        json!({"kind": "summary", "title": "第4篇 浙江对口支援阿克苏地区的实施情况与成效",
               "program_id": program, "pairing_id": pairing,
               "note": "研究性总结，对比阿克苏地区受援前后经济指标；正文未存入"}),
    )
    .await?;
    Ok(())
}

async fn projects(d: &mut Demo, pairing: i64, wenzhou_baicheng: i64) -> Result<()> {
    let region = d.region(AKSU);
    // the five years' plan (近五年…累计投入公共设施援疆资金50.56亿元，实施各类援建项目403个) holds the yearly plans
    let five = d
        .fact(
            "project_groups",
            json!({"pairing_id": pairing, "name": "2010—2014年公共设施援疆项目", "start_on": "2010", "end_on": "2014",
                   "project_count": "403", "aid_amount": "50.56亿",
                   "description": "近五年累计投入公共设施援疆资金50.56亿元，实施各类援建项目403个；按类别的资金见分类构成"}),
        )
        .await?;
    d.fact(
        "project_groups",
        json!({"pairing_id": pairing, "parent_id": five, "name": "2013年度援疆项目", "start_on": "2013",
               "project_count": "300", "aid_amount": "42.33亿",
               "description": "2013年阿克苏地区共安排援疆项目300项、资金42.33亿元，以安居富民、定居兴牧、教育、医疗、文化、就业等为重点"}),
    )
    .await?;
    d.fact(
        "project_groups",
        json!({"pairing_id": pairing, "parent_id": five, "name": "2014年度第二批援疆项目", "start_on": "2014-07",
               "project_count": "86", "total_investment": "5亿", "leveraged_investment": "42.77亿",
               "description": "浙江省援疆指挥部上报的2014年度第二批项目实施计划，2014年7月浙江省发改委批复：实施项目86项，\
                               计划总投资5亿元，带动地区直接投资42.77亿元"}),
    )
    .await?;
    // the five years' aid money by category (第4篇: 安居工程19.5亿 … 设备器材1.5多亿)
    let shares: [(&str, &str, &str); 5] = [
        ("housing", "19.5亿", "安居工程：援建城乡住房"),
        (
            "education",
            "13.5亿",
            "社会事业：教育、卫生、文化、科技、民政等（类别按教育记）",
        ),
        (
            "industry",
            "8亿",
            "富民产业：设施农业示范基地、核桃提质增效、肉羊产业提升、中小企业创业园、旅游集散中心等",
        ),
        ("infrastructure", "5.5亿", "城乡基础设施建设"),
        (
            "other",
            "1.5多亿",
            "设备器材援助：教学、医疗、环保、消防、就业培训等设备器材，原文“1.5多亿元”",
        ),
    ];
    for (category, amount, note) in shares {
        let share = json!({"group_id": five, "category": category, "aid_amount": amount, "note": note});
        if category == "other" {
            d.disputed(
                "project_group_shares",
                share,
                "原文为“1.5多亿元”，只知下限，请补充准确金额",
            )
            .await?;
        } else {
            d.fact("project_group_shares", share).await?;
        }
    }
    // the homes built in the five years, as outputs of the plan's housing work
    let housing = d
        .fact(
            "projects",
            json!({"pairing_id": pairing, "group_id": five, "name": "安居工程（2010—2014年）", "category": "housing",
                   "region_code": region,
                   "description": "近五年援建城乡住房的建设内容；资金见“2010—2014年公共设施援疆项目”的分类构成"}),
        )
        .await?;
    for (output, unit, n) in [
        ("安居富民房", "套", "140000"),
        ("乡村教师医生周转房", "套", "2000"),
        ("人才公寓", "套", "1150"),
        ("干部公租房", "套", "2040"),
        ("棚户区改造", "户", "2500"),
    ] {
        d.fact(
            "outputs",
            json!({"project_id": housing, "name": output, "unit": unit, "completed": n, "as_of": "2014-12-31"}),
        )
        .await?;
    }
    let kindergarten = d
        .fact(
            "projects",
            json!({"pairing_id": wenzhou_baicheng, "name": "温拜新星“双语”幼儿园", "category": "education",
                   "region_code": d.region("652926"), "delivery_mode": "turnkey", "total_investment": "1278万",
                   "completed_on": "2014-12-31",
                   "description": "温州市全额援建，工程概算投资1278万元，已竣工；竣工日期第4篇未写明，记为文中数据末年年底"}),
        )
        .await?;
    d.fact(
        "project_funding",
        json!({"project_id": kindergarten, "source": "supporter", "amount": "1278万", "note": "全额援建"}),
    )
    .await?;
    let talent = d
        .fact(
            "projects",
            json!({"pairing_id": pairing, "name": "青年科技英才培养计划（阿克苏地区）", "category": "talent",
                   "total_investment": "约1000万",
                   "description": "2012年起每年选派40人赴浙江各援疆市及中央和国家有关部委培养6个月至1年；培养经费约1000万元"}),
        )
        .await?;
    for (source, amount, note) in [
        ("supporter", "约825万", "浙江各援疆市承担约825万元"),
        ("local", "约275万", "自治区人才发展专项资金承担约275万元"),
    ] {
        d.fact(
            "project_funding",
            json!({"project_id": talent, "source": source, "amount": amount, "note": note}),
        )
        .await?;
    }
    for year in 2012..=2014 {
        d.fact(
            "activities",
            json!({"pairing_id": pairing, "kind": "training", "title": format!("{year}年青年科技英才赴浙江培养"),
                   "audience": "professionals", "start_date": format!("{year}-01-01"),
                   "end_date": format!("{year}-12-31"), "region_code": d.region("330000"), "person_times": 40,
                   "project_id": talent, "description": "每年选派40人，培养6个月至1年；具体日期未写明"}),
        )
        .await?;
    }
    let others: [Value; 4] = [
        json!({"kind": "meeting", "title": "浙江—阿克苏经贸洽谈会", "start_date": "2010-08-01", "end_date": "2010-08-31",
               "sessions": 1, "amount": "171.4亿",
               "participants": "省物产集团、洁丽雅公司、中行浙江省分行等",
               "description": "达成合作项目17个，合同总金额171.4亿元；日期只知在8月"}),
        json!({"kind": "visit", "title": "共青团浙江省委对接落实青少年事业对口援助", "start_date": "2011-07-01",
               "end_date": "2011-07-31", "region_code": region.clone(),
               "participants": "团省委副书记带领各市团委书记及部分青联委员",
               "description": "赴阿克苏地区和新疆生产建设兵团农一师；日期只知在7月"}),
        json!({"kind": "donation", "title": "捐赠希望工程爱心助学资金", "start_date": "2010-01-01", "end_date": "2014-12-31",
               "amount": "420万", "description": "5年来累计"}),
        json!({"kind": "donation", "title": "浙江省人民教育基金会荣盛基金捐赠", "start_date": "2010-01-01",
               "end_date": "2014-12-31", "amount": "2000万",
               "description": "用于阿克苏地区教育和贫困学生资助；日期未写明"}),
    ];
    for mut a in others {
        a["pairing_id"] = json!(pairing);
        d.fact("activities", a).await?;
    }
    Ok(())
}

async fn teachers(d: &mut Demo, pairing: i64, point_aksu: i64, point_kuqa: i64) -> Result<()> {
    let (mut n, mut to_aksu, mut to_kuqa) = (0usize, 0usize, 0usize);
    for (b, (start, end, count)) in TEACHER_BATCHES.iter().enumerate() {
        for _ in 0..*count {
            // 126 of every 200 to the 阿克苏 point, the rest to 库车, spread evenly over the batches
            let aksu_point = n % 100 < 63;
            let (home, host) = if aksu_point {
                to_aksu += 1;
                (AKSU_POINT_CITIES[to_aksu % AKSU_POINT_CITIES.len()], point_aksu)
            } else {
                to_kuqa += 1;
                (KUQA_POINT_CITIES[to_kuqa % KUQA_POINT_CITIES.len()], point_kuqa)
            };
            n += 1;
            let home = d.id(home)?;
            let person = d
                .add(
                    "people",
                    json!({"name": format!("浙江援疆双语教师{n:03}"), "home_org_id": home,
                           "note": "姓名为示例占位，第4篇只给出人数"}),
                )
                .await?;
            let dispatch = json!({"pairing_id": pairing, "person_id": person, "role": "teacher", "batch": b + 1,
                                  "home_org_id": home, "host_org_id": host, "post": "“双语”培训支教",
                                  "start_date": start, "end_date": end,
                                  "note": "批次日期为示例：第4篇只写“2010年~2014年共六批”"});
            // the last two batches are still waiting for the receiving side's confirmation
            if b < 4 {
                d.fact("dispatches", dispatch).await?;
            } else {
                d.add("dispatches", dispatch).await?;
            }
        }
    }
    Ok(())
}

async fn indicators(d: &mut Demo) -> Result<()> {
    const FIVE: &str = "2010-01-01..2014-12-31";
    let values = [
        ("fai_growth", "2011", "48.42", ""),
        ("fai_growth", "2012", "42.20", ""),
        (
            "gdp_growth",
            FIVE,
            "30",
            "受援后最高增速“达到30%”，年份未写明，此后逐年回落",
        ),
        (
            "rural_income_growth",
            FIVE,
            "25",
            "2010年以后“基本保持了25%的增长率”（约数）",
        ),
        ("urban_income_growth", FIVE, "20左右", "“保持在20%左右”（约数）"),
        ("unemployment_rate", "2010", "近4", "“将近4%”（约数）"),
        (
            "unemployment_rate",
            "2014",
            "2",
            "“逐年下降至2%”并保持；降到2%的年份未写明，记于文中数据末年",
        ),
        ("aid_projects", FIVE, "403", "近五年浙江省实施各类援建项目"),
        ("aid_funds", FIVE, "50.56", "近五年累计投入公共设施援疆资金"),
        ("aid_projects", "2013", "300", "2013年度援疆项目"),
        (
            "receiving_counties",
            "2010",
            "9",
            "2010年确定浙江9市县对口阿克苏地区八县一市（示例只录入其中3个结对）",
        ),
    ];
    for (code, period, value, note) in values {
        // the seed's peak in a year it does not name, and two rates whose years it does not name either
        let basis = match (code, period) {
            ("gdp_growth", _) => Some("peak"),
            ("unemployment_rate", _) => Some("about"),
            _ => None,
        };
        d.value_as("第4篇", code, AKSU, (period, basis), value, note).await?;
    }
    Ok(())
}
