//! Counts the essays tell in units of their own (人, 名, 车次, 户次, 份, 轮次, 所, 项 …), hung on the activities they
//! belong to (issue #16 item 5). Where an activity held such a count in 人次 only because nothing else could hold it
//! (900名 trainees are 900 people, not 900 person-times), the 人次 is taken back.

use crate::loader::Demo;
use duikou_store::{Result, Store};
use serde_json::json;

/// (a part of the activity's title, how many activities carry it, what is counted, the count as written, its unit,
/// the activity's count that held this figure in the wrong unit, taken back)
type Count = (
    &'static str,
    usize,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const COUNTS: &[Count] = &[
    // 第1篇
    ("率考察组来校", 1, "考察组成员", "8", "人", Some("person_times")),
    (
        "招收新疆农业大学博士研究生",
        1,
        "博士研究生",
        "11",
        "名",
        Some("person_times"),
    ),
    (
        "招收新疆农业大学博士研究生",
        1,
        "其中定向培养博士学位教师",
        "2",
        "名",
        None,
    ),
    (
        "招收新疆农业大学硕士研究生",
        1,
        "硕士研究生",
        "2",
        "名",
        Some("person_times"),
    ),
    ("指导本科生毕业论文", 1, "本科生", "30多", "名", Some("person_times")),
    (
        "接收新疆农业大学教师进修",
        1,
        "进修或攻读学位的教师",
        "11",
        "名",
        Some("person_times"),
    ),
    ("研究生院培养处来访", 1, "来访人员", "6", "人", None),
    ("援受双方联合申报课题", 1, "课题", "6", "项", Some("items")),
    ("走访各学院座谈援疆学科建设", 1, "走访学院", "9", "个", None),
    // 第2篇
    ("出动人员开展卫生监督", 1, "出动车辆", "100多", "车次", None),
    ("卫生监督巡查", 1, "全覆盖巡查", "5", "轮", None),
    ("卫生监督巡查", 1, "监督检查", "300余", "户次", Some("sessions")),
    ("发放卫生安全告知书", 1, "卫生安全告知书", "47", "份", Some("items")),
    ("发出监督意见书", 1, "监督意见书", "49", "份", Some("items")),
    ("对管理人员集中培训", 1, "管理人员", "近50", "名", Some("person_times")),
    (
        "管理人员和从业人员培训",
        1,
        "管理人员和从业人员",
        "200多",
        "人",
        Some("person_times"),
    ),
    ("发放宣传培训资料", 1, "宣传培训资料", "300余", "份", Some("items")),
    // the survey's 78 units by kind, the network's people by post, the canteen's diners
    ("摸底调查", 1, "食品生产经营单位", "60", "家", None),
    ("摸底调查", 1, "医疗机构", "10", "家", None),
    ("摸底调查", 1, "临时集中式制水点", "1", "家", None),
    ("摸底调查", 1, "学校", "2", "家", None),
    ("摸底调查", 1, "公共场所", "5", "家", None),
    ("卫生管理网络", 1, "镇卫生监督员", "2", "名", None),
    ("卫生管理网络", 1, "村卫生协管员", "7", "名", None),
    ("板房食堂", 1, "就餐师生", "近500", "名", None),
    ("水井消毒", 1, "监督消毒的水井", "2", "口", None),
    // 第3篇
    ("优秀运动员赴崇义", 1, "优秀运动员", "4", "名", Some("person_times")),
    ("击剑夏令营", 1, "崇义贫困学生", "8", "名", Some("person_times")),
    ("锦标赛裁判工作", 1, "崇义教师", "2", "位", Some("person_times")),
    // 第4篇
    ("经贸洽谈会", 1, "达成合作项目", "17", "个", None),
    (
        "青年科技英才赴浙江培养",
        3,
        "青年科技英才",
        "40",
        "人",
        Some("person_times"),
    ),
    ("青年科技英才赴浙江培养", 3, "每人培养期", "6-12", "个月", None),
    // 第7篇
    (
        "转移输出劳动力",
        1,
        "转移输出劳动力",
        "50500",
        "人",
        Some("person_times"),
    ),
    // 第9篇
    (
        "选派未就业大学毕业生赴湖南",
        1,
        "未就业大学毕业生",
        "900",
        "名",
        Some("person_times"),
    ),
    ("选派未就业大学毕业生赴湖南", 1, "承担培训的湖南院校", "13", "所", None),
    ("基层干部赴湖南轮训", 1, "基层干部", "700", "名", Some("person_times")),
    (
        "培训吐鲁番骨干教师",
        1,
        "骨干教师和教育管理干部",
        "355",
        "名",
        Some("person_times"),
    ),
    (
        "引进湖南教育专家",
        1,
        "来吐鲁番授课的湖南教育专家",
        "46",
        "名",
        Some("person_times"),
    ),
    ("湖南省属高校在吐鲁番定向招生", 1, "招生高校", "14", "所", None),
    (
        "湖南省属高校在吐鲁番定向招生",
        1,
        "定向招收学生",
        "122",
        "名",
        Some("person_times"),
    ),
];

pub(crate) async fn load(d: &mut Demo) -> Result<()> {
    for (title, n, what, value, unit, wrong) in COUNTS {
        for activity in d.activities_titled(title, *n)? {
            d.fact(
                "activity_counts",
                json!({"activity_id": activity, "what": what, "value": value, "unit": unit}),
            )
            .await?;
            if let Some(field) = wrong {
                Store::update_in(&mut d.w, "activities", activity, &json!({ *field: null })).await?;
            }
        }
    }
    Ok(())
}
