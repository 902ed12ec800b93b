//! 第7篇: 江苏省 supporting 霍城县 since 2002 — the 第七批 cadres in the county's leading posts, the first half of 2011
//! in figures, its projects, training and labour transfer, and the problems the author names.

use crate::loader::Demo;
use crate::national::AID_XINJIANG;
use duikou_store::Result;
use serde_json::json;

/// 霍城县.
const HUOCHENG: &str = "654023";

/// The nine 第七批 cadres' posts in the county, and whether each is the head of its unit (第7篇: six are).
const POSTS: &[(&str, bool)] = &[
    ("县委书记", true),
    ("县委副书记", false),
    ("常务副县长", false),
    ("经济技术开发区工委书记", true),
    ("经济技术开发区管委会副主任", false),
    ("财政局局长", true),
    ("经贸局局长", true),
    ("规划局局长", true),
    ("发改委主任", true),
];

/// Loads 第7篇.
pub(crate) async fn load(d: &mut Demo) -> Result<()> {
    let program = d.id(AID_XINJIANG)?;
    let jiangsu = d
        .org("江苏省", "government", "320000", json!({"short_name": "江苏"}))
        .await?;
    let county = d
        .org(
            "霍城县",
            "government",
            HUOCHENG,
            json!({"note": "2002年起为中组部援疆干部担任县委书记的试点县（2005年试点扩大到5个县市）"}),
        )
        .await?;
    for (name, kind, was) in [
        ("霍城县江苏医院", "hospital", "霍城县第一人民医院"),
        ("霍城县江苏中学", "school", "霍城县第三中学"),
    ] {
        d.org(
            name,
            kind,
            HUOCHENG,
            json!({"parent_id": county, "note": format!("原名{was}，援建后改名")}),
        )
        .await?;
    }
    let pairing = d
        .add(
            "pairings",
            json!({"program_id": program, "supporter_org_id": jiangsu, "receiver_org_id": county, "level": "province_county",
                   "start_date": "2002",
                   "note": "省—县结对；2002年起江苏省对口支援霍城县，早于新一轮援疆，已走过10个年头。"}),
        )
        .await?;
    for (i, (post, head)) in POSTS.iter().enumerate() {
        let person = d
            .add(
                "people",
                json!({"name": format!("江苏援疆干部（第七批）{:02}", i + 1), "home_org_id": jiangsu,
                       "note": "姓名为示例占位"}),
            )
            .await?;
        d.fact(
            "dispatches",
            json!({"pairing_id": pairing, "person_id": person, "role": "cadre", "batch": 7, "home_org_id": jiangsu,
                   "host_org_id": county, "post": post,
                   // the seed's 9 posts, 6 of them 正职; the other three are 副书记, 常务副县长 and 副主任
                   "post_level": if *head { "principal" } else { "deputy" },
                   "note": "任职日期第7篇未写明"}),
        )
        .await?;
    }
    let region = d.region(HUOCHENG);
    let batch = d
        .fact(
            "project_groups",
            json!({"pairing_id": pairing, "name": "2011年上半年集中开工项目", "start_on": "2011-01", "end_on": "2011-06",
                   "project_count": "15", "total_investment": "20.04亿",
                   "description": "2011年1—6月15个项目集中开工，投资额20.04亿元"}),
        )
        .await?;
    for (name, phrase, output, n) in [
        ("安居富民工程（霍城县2011年上半年）", "安居富民", "安居富民房", "3400"),
        ("定居兴牧工程（霍城县2011年上半年）", "定居兴牧", "定居兴牧房", "150"),
    ] {
        let project = d
            .fact(
                "projects",
                json!({"pairing_id": pairing, "group_id": batch, "name": name, "category": "housing", "region_code": region,
                       "started_on": "2011-06",
                       "description": format!("第7篇只写“{phrase}{n}户”，未说明是开工还是竣工，记为未注明阶段的数量")}),
            )
            .await?;
        d.fact(
            "outputs",
            json!({"project_id": project, "name": output, "unit": "户", "reported": n, "as_of": "2011-06-30"}),
        )
        .await?;
    }
    for a in [
        json!({"pairing_id": pairing, "kind": "training", "title": "农牧民培训", "audience": "public",
               "start_date": "2011-01", "end_date": "2011-06", "region_code": region, "person_times": 10768}),
        json!({"pairing_id": pairing, "kind": "other", "title": "转移输出劳动力", "start_date": "2011-01",
               "end_date": "2011-06", "region_code": region, "person_times": 50500,
               "description": "“5.05万人”（人数记在人次）"}),
    ] {
        d.fact("activities", a).await?;
    }
    const H1: &str = "2011H1";
    for (code, value) in [
        ("gdp", "19.08"),
        ("gdp_growth", "12"),
        ("fai", "5.44"),
        ("fai_growth", "23.7"),
        ("fiscal_revenue", "1.06"),
        ("fiscal_revenue_growth", "44.78"),
        ("retail_sales", "5.46"),
        ("retail_sales_growth", "9.8"),
        ("agri_output", "4.39"),
        ("agri_output_growth", "7.6"),
    ] {
        d.value("第7篇", code, HUOCHENG, H1, value, "").await?;
    }
    let notes = [
        (
            "problem",
            "对口援疆的法律依据不健全，主要依靠纲领性和政策性文件，执行中浮动空间大。",
        ),
        ("problem", "政策宣传不到位，全社会对援疆的必要性缺乏共同愿景。"),
        (
            "problem",
            "援建项目援疆烙印过多（如医院、中学以支援省命名），可能使当地民众产生抵触情绪。",
        ),
        (
            "problem",
            "援疆干部担任9个领导岗位中的6个正职，本地副职干部晋升受影响。",
        ),
    ];
    for (kind, text) in notes {
        d.add(
            "notes",
            json!({"pairing_id": pairing, "kind": kind, "period": "2011", "text": text}),
        )
        .await?;
    }
    d.add(
        "documents",
        json!({"kind": "summary", "title": "第7篇 对口援疆政策在霍城县的实施与问题",
               "program_id": program, "pairing_id": pairing, "note": "研究性总结；正文未存入"}),
    )
    .await?;
    Ok(())
}
