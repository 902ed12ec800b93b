//! 第3篇's 2014 task list (任务清单): the tasks the 2014年重点工作方案 (体群字[2014]63号) assigned to 国家体育总局's
//! units, with only the figures the seed states. The seed does not say whether the units delivered, and the demo holds
//! no record of their donations, so each task's progress reads 0 and, 2014 being over, 未完成 — said as "尚无已确认的
//! 相关记录", not as a finding of the seed.

use crate::loader::Demo;
use duikou_store::Result;
use serde_json::json;

/// The units of 第3篇 the 2014 tasks went to.
pub(crate) struct Units {
    /// 国家体育总局, the assigning authority.
    pub authority: i64,
    /// The program the tasks serve.
    pub program: i64,
    /// 群众体育司.
    pub mass: i64,
    /// 青少年体育司.
    pub youth: i64,
    /// 体育基金管理中心.
    pub fund: i64,
    /// 自行车击剑运动管理中心.
    pub centre: i64,
}

/// Loads the 2014 task list.
pub(crate) async fn load(d: &mut Demo, u: &Units) -> Result<()> {
    let source = |page: u32| format!("2014年重点工作方案（体群字[2014]63号，第{page}页）");
    let list = [
        json!({"org_id": u.mass, "title": "健身路径器材10套（每套5万元）",
               "measure": "donated_quantity", "item_category": "sports", "target_count": 10, "target_unit": "套",
               "unit_value": 50000,
               "note": format!("{}：群众体育司每套5万元的健身路径器材10套。第3篇未写明完成情况。", source(8))}),
        json!({"org_id": u.youth, "title": "捐赠健身器材14万元",
               "measure": "donated_value", "item_category": "sports", "target_amount": "14万",
               "note": format!("{}：青少年体育司捐赠14万元健身器材和4万元图书。第3篇未写明完成情况。", source(9))}),
        json!({"org_id": u.youth, "title": "捐赠图书4万元",
               "measure": "donated_value", "item_category": "books", "target_amount": "4万",
               "note": format!("{}：青少年体育司捐赠14万元健身器材和4万元图书。第3篇未写明完成情况。", source(9))}),
        json!({"org_id": u.fund, "title": "健身器材10万元",
               "measure": "donated_value", "item_category": "sports", "target_amount": "10万",
               "note": format!("{}：体育基金管理中心10万元健身器材。第3篇未写明完成情况。", source(13))}),
        json!({"org_id": u.centre, "title": "在崇义建立自行车比赛路线",
               "note": "年度方案的任务（2014、2015年为自行车，2016年为铁人三项比赛路线），没有量化目标；\
                        第3篇作者认为未结合当地经济、环境、交通和项目普及条件，效果不会很好。"}),
    ];
    for mut t in list {
        t["authority_org_id"] = json!(u.authority);
        t["program_id"] = json!(u.program);
        t["year"] = json!(2014);
        t["due_on"] = json!("2014");
        d.add("unit_tasks", t).await?;
    }
    Ok(())
}
