//! 第2篇: a province's second medical team after the 5·12 earthquake supporting the 九龙镇 health centre in 绵竹市
//! for two months of 2008: inspections, notices, trainings, the local health network, and what the centre still needs.

use crate::loader::Demo;
use duikou_store::Result;
use serde_json::json;

/// 绵竹市.
const MIANZHU: &str = "510683";
/// 九龙镇 of 绵竹市 (统计用区划代码), loaded with 绵竹市's towns when the first record names it.
const JIULONG: &str = "510683104";

/// Loads 第2篇.
pub(crate) async fn load(d: &mut Demo) -> Result<()> {
    let authority = d
        .org(
            "国务院抗震救灾总指挥部",
            "command",
            "110000",
            json!({"note": "第2篇未写明主管单位，示例设定"}),
        )
        .await?;
    let team = d
        .org(
            "××省第二批对口支援绵竹市医疗卫生总队××分队",
            "other",
            "",
            json!({"short_name": "××分队", "note": "第2篇隐去了省名和分队名"}),
        )
        .await?;
    let centre = d
        .org(
            "九龙镇卫生院",
            "hospital",
            JIULONG,
            json!({
                "attributes": {"staff": 13, "licensed_physicians": 2, "assistant_physicians": 3, "licensed_nurses": 2,
                               "full_time_prevention_staff": 0, "part_time_health_inspectors": 2,
                               "village_clinics": 8, "village_doctors": 13},
                "note": "九龙镇：4个行政村和1个社区，69个村民小组，板房安置点1个，4729户11728人；食品生产经营单位60家，从业人员112名。\
                         “5·12”地震中卫生院职工死亡2人，房屋设施设备和卫生监督资料全部毁损。"
            }),
        )
        .await?;
    let program = d
        .add(
            "programs",
            json!({
                "name": "5·12地震灾后对口支援",
                "authority_org_id": authority,
                "start_date": "2008-05-12",
                "description": "汶川特大地震后各省对口支援受灾县市，第2篇为某省医疗卫生总队分队对口支援绵竹市九龙镇的卫生监督工作。",
            }),
        )
        .await?;
    let pairing = d
        .add(
            "pairings",
            json!({"program_id": program, "supporter_org_id": team, "receiver_org_id": centre, "level": "unit_town",
                   "start_date": "2008-07-22", "end_date": "2008-09-21",
                   "note": "第二批队员7月22日到达，与第一批队员工作对接；总结覆盖两个月（结束日期按两个月推算）"}),
        )
        .await?;
    let person = d
        .add(
            "people",
            json!({"name": "××分队卫生监督员01", "home_org_id": team, "title": "卫生监督员",
                   "note": "姓名为示例占位"}),
        )
        .await?;
    let dispatch = d
        .fact(
            "dispatches",
            json!({"pairing_id": pairing, "person_id": person, "role": "doctor", "batch": 2, "home_org_id": team,
                   "host_org_id": centre, "post": "卫生监督员", "start_date": "2008-07-22", "end_date": "2008-09-21"}),
        )
        .await?;
    d.fact(
        "stints",
        json!({"dispatch_id": dispatch, "start_date": "2008-07-22", "end_date": "2008-09-21"}),
    )
    .await?;

    let region = d.region(JIULONG);
    let act = |kind: &str, title: &str, start: &str, end: &str, extra: serde_json::Value| {
        let mut v = json!({"pairing_id": pairing, "kind": kind, "title": title, "start_date": start,
                           "end_date": end, "region_code": region.clone()});
        if let (Some(o), serde_json::Value::Object(more)) = (v.as_object_mut(), extra) {
            o.extend(more);
        }
        v
    };
    let (from, to) = ("2008-07-22", "2008-09-21");
    let confirmed = [
        act(
            "inspection",
            "出动人员开展卫生监督、培训和指导",
            from,
            to,
            json!({"person_times": "500多", "description": "出动人员“500多人次”、车辆“100多车次”"}),
        ),
        act(
            "inspection",
            "摸底调查并建立卫生监督档案",
            from,
            "2008-08-10",
            json!({"sessions": 78, "description": "食品生产经营单位60家、医疗机构10家、临时集中式制水点1家、学校2家、公共场所5家，逐家填写调查登记表"}),
        ),
        act(
            "inspection",
            "食品、生活饮用水、学校等单位卫生监督巡查",
            from,
            to,
            json!({"sessions": "300余", "description": "5轮全覆盖巡查，监督检查“300余户次”，监督覆盖率500%以上"}),
        ),
        act(
            "inspection",
            "九龙学校板房食堂施工现场卫生指导",
            from,
            "2008-08-31",
            json!({"sessions": "10多", "description": "“十多次”参与规划设计；食堂就餐师生近500名，开学后每天检查"}),
        ),
        act(
            "inspection",
            "监督板房区生活饮用水水井消毒",
            from,
            to,
            json!({"description": "镇畜牧站的两口水井是板房区生活饮用水，由分队监督、疾控队员负责消毒（第2篇“存在问题”：分队撤回后难以为继）"}),
        ),
        act("other", "发放卫生安全告知书", from, to, json!({"items": 47})),
        act("other", "发出监督意见书", from, to, json!({"items": 49})),
        act(
            "other",
            "帮助建立镇、村两级卫生管理网络并签订卫生监督协管责任书",
            from,
            "2008-08-31",
            json!({"items": 9, "description": "镇卫生监督员2名、村卫生协管员7名；另帮助制定突发公共卫生事件应急预案和板房安置区卫生防疫工作方案"}),
        ),
        act(
            "training",
            "对管理人员集中培训",
            "2008-08-15",
            "2008-08-15",
            json!({"audience": "managers", "person_times": "近50", "sessions": 1,
                   "participants": "全镇防保医生、乡村医生、村组负责人，较大食品生产经营单位、制水点、学校等单位管理人员",
                   "description": "“近50名”；食品卫生、环境卫生、饮用水卫生、传染病防治和健康教育法律法规与业务知识，半天"}),
        ),
        act(
            "training",
            "相关单位管理人员和从业人员培训",
            from,
            to,
            json!({"audience": "other", "person_times": "200多", "description": "“200多人”，培训率100%；监督检查现场面对面培训"}),
        ),
        act(
            "other",
            "发放宣传培训资料",
            from,
            to,
            json!({"items": "300余", "description": "“300余份”"}),
        ),
        act(
            "training",
            "分散居住村民饮用井水消毒方法现场培训",
            from,
            to,
            json!({"audience": "public", "person_times": "500以上", "description": "“500人次以上”"}),
        ),
    ];
    for a in confirmed {
        d.fact("activities", a).await?;
    }
    // recorded by the team, not yet confirmed by the health centre
    d.add(
        "activities",
        act(
            "inspection",
            "井水消毒、环境消杀和医疗机构传染病防治监督检查",
            from,
            to,
            json!({"sessions": "300余", "description": "监督检查相关单位（户）“300余次”"}),
        ),
    )
    .await?;

    let needs = [
        ("设立乡镇专职防保人员及卫生监督员", "talent", "high"),
        ("卫生监督专项经费和专用物资", "funding", "high"),
        ("修复新建水厂取水口，恢复正常供水", "project", "high"),
        ("分队撤回后板房区水井的持续消毒", "other", "high"),
        ("食品经营户防蝇防尘、清洗消毒设施", "equipment", "medium"),
        ("餐饮单位（特别是学校食堂）量化分级管理", "management", "medium"),
    ];
    for (title, category, priority) in needs {
        d.add(
            "needs",
            json!({"pairing_id": pairing, "title": title, "category": category, "priority": priority,
                   "status": "open", "raised_on": "2008-09-21"}),
        )
        .await?;
    }
    let notes = [
        ("problem", "重医轻防观念重，卫生监督基础薄弱：镇上无专职防保人员和卫生监督员，多数单位无证经营，从业人员健康证持证率低；市卫生执法监督所无专项经费和物资支持。"),
        ("problem", "村民防病意识低：多数使用自家浅井水，不少未消毒，水井周边有污染源；国际红十字会的临时制水点即将撤回。"),
        ("problem", "震后食品经营户卫生设施严重匮乏，餐具洗消与粗加工容器混用，索证制度未落实，腌卤熟食常温存放过久。"),
        ("plan", "加大人员和经费投入，乡镇设专职防保人员和卫生监督员，对辖区单位动态管理；加大监督检测和处罚力度，推行餐饮量化分级管理；协调尽快恢复水厂供水。"),
    ];
    for (kind, text) in notes {
        d.add(
            "notes",
            json!({"pairing_id": pairing, "kind": kind, "period": "2008", "text": text}),
        )
        .await?;
    }
    for (code, value) in [
        ("population", "50.1"),
        ("area", "1245.3"),
        ("mountain_share", "54.63"),
        ("hill_share", "12.48"),
        ("plain_share", "32.89"),
        ("townships", "21"),
    ] {
        d.value("第2篇", code, MIANZHU, "2008", value, "").await?;
    }
    // 九龙镇 as the second team found it, and the training rate it reached: a town's own values, below the county
    for (code, value) in [
        ("admin_villages", "4"),
        ("communities", "1"),
        ("villager_groups", "69"),
        ("resettlement_sites", "1"),
        ("households", "4729"),
        ("population_persons", "11728"),
        ("private_tcm_clinics", "1"),
        ("private_clinic_physicians", "1"),
        ("food_businesses", "60"),
        ("unit_canteens", "3"),
        ("school_canteens", "2"),
        ("restaurants", "1"),
        ("snack_bars", "3"),
        ("pickled_food_stalls", "16"),
        ("grocery_stalls", "24"),
        ("meat_stalls", "13"),
        ("food_workers", "112"),
        ("food_units_licensed", "2"),
        ("food_workers_certified", "5"),
        ("water_plants_temporary", "1"),
        ("water_points_scattered", "21"),
        ("public_venues", "5"),
        ("public_venue_workers", "6"),
        ("training_rate", "100"),
    ] {
        let note = match code {
            "training_rate" => "管理人员和从业人员“百分之百培训率”，两个月内达到",
            _ => "第二批队员到达时（2008年7月）的情况",
        };
        d.value("第2篇", code, JIULONG, "2008", value, note).await?;
    }
    d.add(
        "documents",
        json!({"kind": "summary", "title": "第2篇 ××分队对口支援绵竹市九龙镇卫生监督工作总结",
               "program_id": program, "pairing_id": pairing, "doc_date": "2008-09-21",
               "note": "支援方（医疗卫生分队）所写，两个月工作；日期按两个月推算；正文未存入"}),
    )
    .await?;
    Ok(())
}
