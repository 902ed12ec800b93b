//! 第5篇 and 第6篇: the new round of 对口援疆 as one program (its national totals, the rule that 80% of government aid
//! money goes to livelihood), and the indicator definitions every seed's local figures are recorded against.

use crate::loader::Demo;
use duikou_store::Result;
use serde_json::json;

/// The program's name, as the Xinjiang pairings (第4、7、9篇) look it up.
pub(crate) const AID_XINJIANG: &str = "计划:对口援疆";

/// Indicators the seeds report: code, name, unit, aggregation, what it means.
const INDICATORS: &[(&str, &str, &str, &str, &str)] = &[
    ("gdp", "地区生产总值", "亿元", "sum", "国内（地区）生产总值"),
    (
        "gdp_growth",
        "地区生产总值增速",
        "%",
        "rate",
        "按可比价格计算的同比增长率",
    ),
    ("fai", "固定资产投资", "亿元", "sum", "全社会固定资产投资完成额"),
    ("fai_growth", "固定资产投资增速", "%", "rate", "同比增长率"),
    ("fiscal_revenue", "地方财政一般预算收入", "亿元", "sum", ""),
    (
        "fiscal_revenue_growth",
        "地方财政一般预算收入增速",
        "%",
        "rate",
        "同比增长率",
    ),
    ("retail_sales", "社会消费品零售总额", "亿元", "sum", ""),
    (
        "retail_sales_growth",
        "社会消费品零售总额增速",
        "%",
        "rate",
        "同比增长率",
    ),
    ("agri_output", "农业总产值", "亿元", "sum", ""),
    ("agri_output_growth", "农业总产值增速", "%", "rate", "同比增长率"),
    (
        "rural_income_growth",
        "农村居民人均可支配收入增速",
        "%",
        "rate",
        "同比增长率",
    ),
    (
        "urban_income_growth",
        "城镇居民人均可支配收入增速",
        "%",
        "rate",
        "同比增长率",
    ),
    ("unemployment_rate", "城镇登记失业率", "%", "last", ""),
    ("population", "常住人口", "万人", "last", ""),
    ("minority_share", "少数民族人口占比", "%", "last", ""),
    ("area", "幅员面积", "平方公里", "last", ""),
    ("mountain_share", "山区面积占比", "%", "last", ""),
    ("hill_share", "丘陵面积占比", "%", "last", ""),
    ("plain_share", "平原面积占比", "%", "last", ""),
    ("townships", "乡镇数", "个", "last", ""),
    // a town's baseline (第2篇's 九龙镇) and the rate its support reached
    ("admin_villages", "行政村数", "个", "last", ""),
    ("communities", "社区数", "个", "last", ""),
    ("villager_groups", "村民小组数", "个", "last", ""),
    (
        "resettlement_sites",
        "板房安置点",
        "个",
        "last",
        "地震后设立的板房安置点",
    ),
    ("households", "户数", "户", "last", ""),
    (
        "population_persons",
        "人口（人）",
        "人",
        "last",
        "以人计的人口；县以上常住人口以万人计，见 population",
    ),
    ("private_tcm_clinics", "个体中医诊所", "个", "last", ""),
    ("private_clinic_physicians", "个体诊所执业医师", "名", "last", ""),
    ("food_businesses", "食品生产经营单位", "家", "last", ""),
    ("unit_canteens", "单位食堂", "家", "last", ""),
    ("school_canteens", "学校食堂", "家", "last", ""),
    ("restaurants", "餐馆", "家", "last", ""),
    ("snack_bars", "小吃店（摊）", "家", "last", ""),
    ("pickled_food_stalls", "腌卤摊点", "家", "last", ""),
    ("grocery_stalls", "副食品店（摊）", "家", "last", ""),
    ("meat_stalls", "鲜肉摊", "家", "last", ""),
    ("food_workers", "食品从业人员", "名", "last", ""),
    (
        "food_units_licensed",
        "有卫生许可证的食品生产经营单位",
        "家",
        "last",
        "",
    ),
    ("food_workers_certified", "有健康证的食品从业人员", "名", "last", ""),
    ("water_plants_temporary", "临时集中式制水点", "个", "last", ""),
    ("water_points_scattered", "分散式供水点", "个", "last", ""),
    ("public_venues", "公共场所单位", "家", "last", ""),
    ("public_venue_workers", "公共场所从业人员", "名", "last", ""),
    (
        "training_rate",
        "相关人员培训率",
        "%",
        "rate",
        "管理人员和从业人员中受过培训者的比例",
    ),
    ("aid_projects", "援建项目数", "个", "sum", "对口支援实施的援建项目个数"),
    (
        "livelihood_projects",
        "民生工程项目数",
        "个",
        "sum",
        "安居、教育、医疗、文化、就业等民生类援建项目个数",
    ),
    ("aid_funds", "投入援助资金", "亿元", "sum", "支援方无偿投入的援助资金"),
    (
        "aid_funds_planned",
        "规划援助资金",
        "亿元",
        "sum",
        "五年规划等安排的援助资金总额",
    ),
    (
        "econ_coop_funds",
        "引进经济合作到位资金",
        "亿元",
        "sum",
        "从对口支援省市引进的经济合作到位资金",
    ),
    (
        "econ_coop_funds_growth",
        "引进经济合作到位资金增速",
        "%",
        "rate",
        "同比增长率",
    ),
    ("cadres_dispatched", "选派援疆干部", "名", "sum", ""),
    ("trained_person_times", "培训干部人才", "人次", "sum", ""),
    ("graduates_trained", "未就业高校毕业生赴援疆省市培训", "名", "sum", ""),
    ("supporting_provinces", "对口援疆省市", "个", "last", "结对支援的省市数"),
    (
        "receiving_prefectures",
        "受援地（州）市",
        "个",
        "last",
        "有结对支援的地（州）市数",
    ),
    (
        "receiving_counties",
        "受援县（市）",
        "个",
        "last",
        "有结对支援的县（市）数",
    ),
    (
        "receiving_bingtuan_divisions",
        "受援兵团师",
        "个",
        "last",
        "有结对支援的新疆生产建设兵团师数",
    ),
    (
        "ministries_supporting",
        "参与支援的中央和国家机关部委",
        "个",
        "last",
        "参与对口支援的中央和国家机关部委数",
    ),
];

/// Loads the indicator definitions, the 对口援疆 program with its 80% rule, the national figures of 第5篇 on 新疆, and the
/// documents of 第5篇 and 第6篇.
pub(crate) async fn load(d: &mut Demo) -> Result<()> {
    for (code, name, unit, aggregation, description) in INDICATORS {
        d.indicator(code, name, unit, aggregation, description).await?;
    }
    let authority = d
        .org(
            "中央新疆工作协调小组",
            "government",
            "110000",
            json!({"note": "新一轮对口援疆的组织实施机构（第5篇）"}),
        )
        .await?;
    let program = d
        .add(
            "programs",
            json!({
                "name": "对口援疆",
                "authority_org_id": authority,
                // 第4篇: the national conference that launched the new round closed on 30 March 2010
                "start_date": "2010-03-30",
                "published": true,
                "description": "2010年3月全国对口支援新疆工作会议确定推进新一轮对口援疆，19个援疆省市结对支援新疆12个地（州）市的82个县（市）\
                    和兵团12个师；2011年5月召开第二次全国对口援疆工作会议。第5篇记载的全疆合计：实施援疆项目1627个，投入援助资金153亿元\
                    （约为此前13年无偿援助资金物资累计的4倍）；80%的政府性援疆资金用于民生建设，安排四大类民生工程1024项；\
                    2011年引进对口支援省市经济合作到位资金1281亿元，同比增长60%；选派第七批援疆干部3200多名；培训各类干部人才15万人次；\
                    安排1.38万名未就业高校毕业生赴援疆省市培训；国家30多个部委制定对口支持方案。\
                    本计划下的结对：浙江省—阿克苏地区（第4篇）、江苏省—霍城县（第7篇）、湖南省—吐鲁番（第9篇，第六轮援疆“3393”工程）。",
            }),
        )
        .await?;
    d.remember(AID_XINJIANG, program);
    // 第5篇's rule, counted per calendar year on the money the supporting side disbursed
    d.add(
        "obligations",
        json!({
            "program_id": program,
            "title": "政府性援疆资金用于民生建设不低于80%",
            "weight": 2,
            "rule": {
                "subject": {"type": "pairing"},
                "window": {"type": "year"},
                "measure": {"type": "ratio", "field": "amount",
                            "records": {"entity": "transactions", "filter": {"kind": ["disbursement"], "source": ["supporter"]}},
                            "numerator_filter": {"project.category": ["housing", "education", "health", "culture", "employment"]},
                            "zero_denominator": "skip"},
                "comparison": "at_least",
                "target": {"type": "fixed", "value": 80},
                "label": "援助资金用于民生项目占比",
                "unit": "%"
            },
            "note": "第5篇：各对口支援省市将80%的政府性援疆资金用于民生建设（民生：安居、教育、医疗、文化、就业类项目）。"
        }),
    )
    .await?;
    // the national totals of 第5篇, on 新疆 as a whole: totals since the new round began in 2010, to a cut-off the
    // article does not give (it tells 2011's whole year, so it was written in 2012 at the earliest): held as "since"
    // the start of a period that ends no later than 2012
    const SINCE: (&str, Option<&str>) = ("2010-01-01..2012-12-31", Some("since"));
    const CUT: &str = "新一轮对口援疆开展以来累计，截止日期文中未写明（约两年）";
    d.value_as("第5篇", "aid_projects", "650000", SINCE, "1627", CUT)
        .await?;
    d.value_as("第5篇", "aid_funds", "650000", SINCE, "153", CUT).await?;
    d.value_as("第5篇", "livelihood_projects", "650000", SINCE, "1024", CUT)
        .await?;
    d.value("第5篇", "econ_coop_funds", "650000", "2011", "1281", "")
        .await?;
    d.value("第5篇", "econ_coop_funds_growth", "650000", "2011", "60", "")
        .await?;
    d.value_as(
        "第5篇",
        "cadres_dispatched",
        "650000",
        SINCE,
        "3200多",
        "第七批援疆干部“3200多名”，接近前六批总和",
    )
    .await?;
    d.value_as("第5篇", "trained_person_times", "650000", SINCE, "150000", CUT)
        .await?;
    d.value_as("第5篇", "graduates_trained", "650000", SINCE, "13800", "1.38万名")
        .await?;
    d.value_as(
        "第5篇",
        "ministries_supporting",
        "650000",
        SINCE,
        "30多",
        "中央和国家机关“30多个部委”",
    )
    .await?;
    // the national pairing list of 2010 (第5、6篇), as 新疆's statistics: the demo holds three of its pairings, not the
    // list, and a count of the demo's pairings would not be the program's
    for (code, value) in [
        ("supporting_provinces", "19"),
        ("receiving_prefectures", "12"),
        ("receiving_counties", "82"),
        ("receiving_bingtuan_divisions", "12"),
    ] {
        d.value(
            "第5、6篇",
            code,
            "650000",
            "2010",
            value,
            "2010年全国对口支援新疆工作会议确定的结对范围",
        )
        .await?;
    }
    d.add(
        "documents",
        json!({"kind": "summary", "title": "第5篇 新一轮对口援疆工作成效综述", "program_id": program,
               "note": "全疆汇总数字：项目、资金、民生投向、干部人才；正文未存入"}),
    )
    .await?;
    d.add(
        "documents",
        json!({"kind": "summary", "title": "第6篇 我国对口支援的历史演进与思考",
               "note": "对口支援五个阶段（1949年起）与发展趋势；1979年确定对口支援5个自治区和3个省，2010年19省市结对援疆；正文未存入"}),
    )
    .await?;
    Ok(())
}
