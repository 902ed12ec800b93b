//! 第3篇: the General Administration of Sport's counterpart support to 崇义县 (2014–2020), the Cycling and Fencing
//! Centre's camps, events and visits, and the 2014 task list the authority assigned to its units.

use crate::loader::Demo;
use duikou_store::Result;
use serde_json::json;

/// 崇义县.
const CHONGYI: &str = "360725";

/// Loads 第3篇.
pub(crate) async fn load(d: &mut Demo) -> Result<()> {
    let gas = d
        .org(
            "国家体育总局",
            "government",
            "110000",
            json!({"short_name": "体育总局", "attributes": {"direct_units": 28},
                   "note": "向28个直属单位逐年提出对口支援重点工作方案及责任分工；示例记入其中4个"}),
        )
        .await?;
    let under = |short: &str| json!({"parent_id": gas, "short_name": short});
    let centre = d
        .org(
            "国家体育总局自行车击剑运动管理中心",
            "agency",
            "110107",
            {
                let mut v = under("自剑中心");
                v["attributes"] = json!({"olympic_sports": 5});
                v["note"] = json!("管理自行车、击剑、现代五项、铁人三项、马术5个奥运项目");
                v
            },
        )
        .await?;
    let mass = d
        .org("国家体育总局群众体育司", "department", "110000", under("群体司"))
        .await?;
    let youth = d
        .org("国家体育总局青少年体育司", "department", "110000", under("青少司"))
        .await?;
    let fund = d
        .org("国家体育总局体育基金管理中心", "agency", "110000", under("基金中心"))
        .await?;
    let county = d
        .org(
            "崇义县",
            "government",
            CHONGYI,
            json!({"note": "江西省赣州市崇义县（原中央苏区）"}),
        )
        .await?;
    d.org(
        "崇义县体育局",
        "government",
        CHONGYI,
        json!({"parent_id": county, "note": "对接自剑中心各项对口支援工作，承办绿色骑行崇义站"}),
    )
    .await?;

    let program = d
        .add(
            "programs",
            json!({
                "name": "国家体育总局对口支援赣州崇义县振兴发展",
                "authority_org_id": gas,
                "start_date": "2014-06-01",
                "end_date": "2020-12-31",
                "published": true,
                "description": "依据国务院支持赣南等原中央苏区振兴发展的意见及中央国家机关对口支援实施方案，国家体育总局2014年6月印发\
                    对口支援赣州崇义县振兴发展工作实施方案（2014-2020年），建立协调机制，向28个直属单位制定年度重点工作方案和责任分工，\
                    目标涵盖群众体育、竞技体育、体育产业和体育设施。",
            }),
        )
        .await?;
    let pairing = |supporter: i64, note: &str| {
        json!({"program_id": program, "supporter_org_id": supporter, "receiver_org_id": county,
               "level": "unit_county", "start_date": "2014-06-01", "end_date": "2020-12-31", "note": note})
    };
    let main = d
        .add(
            "pairings",
            pairing(
                centre,
                "科训部牵头，财务、行政、党办及各项目部配合；崇义县体育局主动对接。",
            ),
        )
        .await?;
    let units = crate::tasks::Units {
        authority: gas,
        program,
        mass,
        youth,
        fund,
        centre,
    };
    crate::tasks::load(d, &units).await?;
    activities(d, main).await?;

    let needs = [
        json!({"pairing_id": main, "title": "赛事组织、裁判员培养、赛道设计与建设的指导", "category": "training",
               "priority": "medium", "status": "in_progress",
               "description": "绿色骑行后双方商定，中国自行车运动协会今后给予更多指导和支持"}),
        json!({"pairing_id": main, "title": "在崇义举办自行车、铁人三项赛事所需经费", "category": "funding",
               "priority": "medium", "status": "open",
               "description": "没有公益金资助办赛难度很大，部分赛事方案止于计划"}),
    ];
    for n in needs {
        d.add("needs", n).await?;
    }
    let notes = [
        ("problem", "持续的资金、物资支援并非最有效的帮扶；在当地建比赛路线未结合经济、环境、交通和项目普及条件，效果有限。"),
        ("problem", "多个项目部计划在崇义办赛，但未列入年度赛事计划、缺少公益金资助，方案未能实施。"),
        ("problem", "年度方案要求在当地建立自行车（2014、2015年）或铁人三项（2016年）比赛路线，未结合当地条件，作者认为效果不会很好；该任务没有量化目标，另录入为定性年度任务。"),
        ("highlight", "结合项目中心特长，以科技、智力和人才培养为主：夏令营优先吸收崇义贫困学生，邀请当地教师参加高水平赛事裁判工作。"),
        ("plan", "拟成立由中心领导牵头的对口支援领导小组，设专项经费、定工作规章，与崇义建立常态化的双向交流。"),
    ];
    for (kind, text) in notes {
        d.add(
            "notes",
            json!({"pairing_id": main, "kind": kind, "period": "2016", "text": text}),
        )
        .await?;
    }
    d.add(
        "documents",
        json!({"kind": "plan", "title": "国家体育总局对口支援赣州崇义县振兴发展工作实施方案（2014-2020年）",
               "program_id": program, "note": "体群字[2014]63号"}),
    )
    .await?;
    d.add(
        "documents",
        json!({"kind": "summary", "title": "第3篇 自剑中心对口支援崇义县振兴发展的思考",
               "program_id": program, "pairing_id": main,
               "note": "支援方（自剑中心）所写，回顾2014—2016年；正文未存入"}),
    )
    .await?;
    Ok(())
}

async fn activities(d: &mut Demo, main: i64) -> Result<()> {
    let chongyi = d.region(CHONGYI);
    let acts = [
        json!({"kind": "donation", "title": "向崇义县体育局拨付专项资金一笔并捐赠办公电脑一批",
               "start_date": "2014-06-01", "end_date": "2016-12-31", "region_code": chongyi,
               "description": "金额、台数和日期第3篇未写明"}),
        json!({"kind": "event", "title": "2015中国绿色骑行（崇义阳岭站）山地自行车赛暨崇义县全民健身大联赛自行车赛",
               "start_date": "2015", "region_code": chongyi, "amount": "10万",
               "participants": "中国自行车运动协会主办，崇义县体育局承办",
               "description": "自行车部列为2015年最重要的一站，下拨体育公益金10万元作为活动经费；具体日期未写明"}),
        json!({"kind": "camp", "title": "2015中国体育铁人三项青少年夏令营", "audience": "students",
               "start_date": "2015-07-26", "end_date": "2015-07-31", "region_code": chongyi,
               "description": "在崇义县金坑乡开办，铁人三项部主任出席并为营员授课"}),
        json!({"kind": "camp", "title": "2015年全国现代五项青少年夏令营", "audience": "students",
               "start_date": "2015-07-19", "end_date": "2015-07-25", "region_code": d.region("441900"),
               "description": "在东莞市举办，优先安排崇义县金坑乡贫困学生参营，与当地营员结对同住"}),
        json!({"kind": "camp", "title": "击剑夏令营（优先吸收崇义贫困学生）", "audience": "students",
               "start_date": "2015", "region_code": d.region("110107"),
               "person_times": 8, "description": "在北京市石景山区老山举行，吸收崇义贫困学生8名；日期未写明"}),
        json!({"kind": "visit", "title": "国家击剑队、现代五项队优秀运动员赴崇义开展爱国主义教育并与学生互动",
               "start_date": "2015", "end_date": "2016", "region_code": chongyi, "person_times": 4,
               "participants": "运动员4名，中心书记、副主任带队",
               "description": "日期未写明"}),
        json!({"kind": "training", "title": "崇义教师参加2015年全国马术三项赛锦标赛裁判工作", "audience": "teachers",
               "start_date": "2015", "region_code": d.region("441300"),
               "person_times": 2, "participants": "崇义县金坑中学、金坑中心小学教师各1名，由崇义县体育局选派",
               "description": "在广东省惠州市举办；日期未写明"}),
        json!({"kind": "meeting", "title": "自剑中心对口支援部署会", "start_date": "2016-05-25",
               "region_code": d.region("110107"), "sessions": 1}),
    ];
    for mut a in acts {
        a["pairing_id"] = json!(main);
        d.fact("activities", a).await?;
    }
    Ok(())
}
