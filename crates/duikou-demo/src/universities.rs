//! 第1篇: 南京农业大学 and four more universities supporting 新疆农业大学 under the Ministry of Education's
//! 对口支援西部地区高等学校计划 (2002) and 援疆学科建设计划 (2006): agreements, 14 teachers in 5 batches, courses, hours,
//! lectures, visits, enrolment, donations and joint research.

use crate::loader::Demo;
use duikou_store::Result;
use serde_json::{json, Value};

/// 南农's five teaching batches since 2004: dates (illustrative: the seed gives only the count), teachers, managers.
/// The batches hold 14 teachers and 2 managers, and teach 40 course offerings and 1500 class hours between them.
const BATCHES: &[(&str, &str, usize, usize)] = &[
    ("2004-09-01", "2005-01-20", 3, 0),
    ("2005-02-20", "2005-07-10", 3, 1),
    ("2005-09-01", "2006-01-20", 3, 0),
    ("2006-02-20", "2006-07-10", 3, 1),
    ("2006-09-01", "2007-01-20", 2, 0),
];

/// Loads 第1篇.
pub(crate) async fn load(d: &mut Demo) -> Result<()> {
    let moe = d
        .org("教育部", "government", "110000", json!({"short_name": "教育部"}))
        .await?;
    let nau = d
        .org(
            "南京农业大学",
            "university",
            "320100",
            json!({"short_name": "南农", "note": "1999年通过教育部本科教学工作优秀学校评估"}),
        )
        .await?;
    let xau = d
        .org(
            "新疆农业大学",
            "university",
            "650100",
            json!({"short_name": "新疆农大", "attributes": {"aided_disciplines": 10}}),
        )
        .await?;
    let cau = d
        .org(
            "中国农业大学",
            "university",
            "110108",
            json!({"short_name": "中国农大"}),
        )
        .await?;
    let bfu = d
        .org("北京林业大学", "university", "110108", json!({"short_name": "北林"}))
        .await?;
    let hhu = d
        .org("河海大学", "university", "320100", json!({"short_name": "河海"}))
        .await?;
    let jnu = d
        .org("江南大学", "university", "320211", json!({"short_name": "江南"}))
        .await?;

    let west = d
        .add(
            "programs",
            json!({
                "name": "对口支援西部地区高等学校计划",
                "authority_org_id": moe,
                // 第1篇: "2002年教育部实施" — the day is not given
                "start_date": "2002-01-01",
                "published": true,
                "description": "教育部组织东部高校对口支援西部高校。第1篇：2002年计划实施后，南京农业大学与新疆农业大学的对口支援关系得到明确，\
                    以学科专业建设、师资队伍建设、科学研究和学校管理为重点。",
            }),
        )
        .await?;
    let discipline = d
        .add(
            "programs",
            json!({
                "name": "援疆学科建设计划",
                "authority_org_id": moe,
                "start_date": "2006-06-01",
                "published": true,
                "description": "教育部2006年6月启动，由内地五所高校（中国农业大学、南京农业大学、北京林业大学、河海大学、江南大学）\
                    支援新疆农业大学十个学科；受援学科以5年为一周期提出实施方案。",
            }),
        )
        .await?;

    let pair = |program: i64, supporter: i64, start: &str, note: &str| {
        json!({"program_id": program, "supporter_org_id": supporter, "receiver_org_id": xau,
               "level": "school_school", "start_date": start, "note": note})
    };
    let a = d
        .add(
            "pairings",
            pair(
                west,
                nau,
                "2002-01-01",
                "成立以校长为组长的对口支援领导小组；两校主要领导每年会晤一次；南农开放国家重点实验室和工程研究中心。\
                 另在评估建设、图书馆建设和管理方面达成援助协议（份数未写明）。",
            ),
        )
        .await?;
    let b = d
        .add(
            "pairings",
            pair(discipline, nau, "2006-06-01", "学科计划实施后与对口支援工作结合进行。"),
        )
        .await?;
    let c = d
        .add(
            "pairings",
            pair(
                discipline,
                cau,
                "2006-06-01",
                "对口学科：生物学、畜牧学、农业资源利用、农业工程。",
            ),
        )
        .await?;
    let bf = d.add("pairings", pair(discipline, bfu, "2006-06-01", "")).await?;
    let hh = d.add("pairings", pair(discipline, hhu, "2006-06-01", "")).await?;
    let jn = d.add("pairings", pair(discipline, jnu, "2006-06-01", "")).await?;

    agreements(d, a, &[b, c, bf, hh, jn]).await?;
    dispatches(d, a, nau, xau, c, cau, bf, bfu).await?;
    activities(d, a, b, c, bf, hh).await?;
    needs_and_notes(d, a, b, c).await?;

    d.add(
        "documents",
        json!({"kind": "summary", "title": "第1篇 新疆农业大学对口支援和援疆学科建设计划工作总结",
               "program_id": west, "pairing_id": a,
               "note": "受援方（新疆农业大学）所写，约2007年上半年；正文未存入"}),
    )
    .await?;
    Ok(())
}

async fn agreements(d: &mut Demo, a: i64, discipline_pairings: &[i64]) -> Result<()> {
    // 校级3份、院级3份 between the two schools; their dates and titles are not given
    for (i, n) in ["一", "二", "三"].iter().enumerate() {
        d.add(
            "agreements",
            json!({"pairing_id": a, "kind": "agreement", "tier": "institution",
                   "title": format!("南京农业大学对口支援新疆农业大学校级协议（{n}）"),
                   "note": if i == 0 { "第1篇只给出份数（校级3份、院级3份），标题为示例" } else { "" }}),
        )
        .await?;
        d.add(
            "agreements",
            json!({"pairing_id": a, "kind": "agreement", "tier": "department",
                   "title": format!("南京农业大学对口支援新疆农业大学院级协议（{n}）")}),
        )
        .await?;
    }
    // 学科计划: 校级协议5份 — one per supporting university is the natural reading, the seed gives only the total
    for p in discipline_pairings {
        d.add(
            "agreements",
            json!({"pairing_id": p, "kind": "agreement", "tier": "institution",
                   "title": "援疆学科建设计划校级对口支援协议",
                   "note": "第1篇：学科计划下共签订校级协议5份（按每所支援高校1份记录）"}),
        )
        .await?;
    }
    let (nau, cau) = (discipline_pairings[0], discipline_pairings[1]);
    d.add(
        "agreements",
        json!({"pairing_id": cau, "kind": "memorandum", "tier": "institution",
               "title": "中国农业大学与新疆农业大学学科建设对口支援备忘录", "signed_on": "2006-06-02",
               "note": "在新疆农业大学举行签字仪式"}),
    )
    .await?;
    for n in ["一", "二"] {
        d.add(
            "agreements",
            json!({"pairing_id": nau, "kind": "memorandum", "tier": "institution",
                   "title": format!("回访备忘录（{n}）"),
                   "note": "2006年10月上旬赴五所支援高校回访时签订；第1篇未写明与哪所高校签订，示例记在南农结对下"}),
        )
        .await?;
    }
    d.add(
        "agreements",
        json!({"pairing_id": nau, "kind": "agreement", "tier": "department",
               "title": "共建棉花分子育种实验室协议",
               "note": "新疆农业大学农学院与南京农业大学作物遗传育种国家重点实验室签订，待中心实验楼建成后实施"}),
    )
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn dispatches(d: &mut Demo, a: i64, nau: i64, xau: i64, c: i64, cau: i64, bf: i64, bfu: i64) -> Result<()> {
    let (mut teacher, mut manager) = (0, 0);
    for (i, (start, end, teachers, managers)) in BATCHES.iter().enumerate() {
        let batch = i as i64 + 1;
        let roles = std::iter::repeat_n("teacher", *teachers).chain(std::iter::repeat_n("manager", *managers));
        for role in roles {
            let (name, post) = if role == "teacher" {
                teacher += 1;
                (format!("南农援教教师{teacher:02}"), Value::Null)
            } else {
                manager += 1;
                (format!("南农挂职管理干部{manager:02}"), Value::from("挂职援助"))
            };
            let person = d
                .add(
                    "people",
                    json!({"name": name, "home_org_id": nau, "note": "姓名为示例占位，第1篇只给出人数"}),
                )
                .await?;
            let dispatch = d
                .fact(
                    "dispatches",
                    json!({"pairing_id": a, "person_id": person, "role": role, "batch": batch,
                           "home_org_id": nau, "host_org_id": xau, "post": post,
                           "start_date": start, "end_date": end,
                           "note": "批次日期为示例：第1篇只写“2004年以来先后分5批”"}),
                )
                .await?;
            d.fact(
                "stints",
                json!({"dispatch_id": dispatch, "start_date": start, "end_date": end}),
            )
            .await?;
        }
    }
    // 中国农大 and 北林 also sent cadres and teachers after the 学科计划 began; the seed names no dates
    let cadre = d
        .add(
            "people",
            json!({"name": "中国农大援疆干部01", "home_org_id": cau, "title_level": "senior", "title": "教授"}),
        )
        .await?;
    d.fact(
        "dispatches",
        json!({"pairing_id": c, "person_id": cadre, "role": "cadre", "home_org_id": cau, "host_org_id": xau,
               "post": "新疆农业大学副校长",
               "note": "推动与南农共建棉花分子育种实验室，协助申报第十批博士点、硕士点"}),
    )
    .await?;
    for n in 1..=2 {
        let person = d
            .add(
                "people",
                json!({"name": format!("北林援疆教师{n:02}"), "home_org_id": bfu}),
            )
            .await?;
        d.fact(
            "dispatches",
            json!({"pairing_id": bf, "person_id": person, "role": "teacher", "home_org_id": bfu, "host_org_id": xau,
                   "post": "资源与环境学院支教"}),
        )
        .await?;
    }
    Ok(())
}

async fn activities(d: &mut Demo, a: i64, b: i64, c: i64, bf: i64, hh: i64) -> Result<()> {
    // 40门次 and 1500余课时 over the five batches: 8 course offerings and 300 hours each
    for (i, (start, end, _, _)) in BATCHES.iter().enumerate() {
        d.fact(
            "activities",
            json!({"pairing_id": a, "kind": "teaching", "title": format!("第{}批援教教师开设新课和急需课程", i + 1),
                   "audience": "students", "start_date": start, "end_date": end, "courses": 8, "hours": "300余",
                   "description": "五批合计开出新课和急需课程40门次、直接授课1500余课时，涉及农、理、经、管、工、法六大学科领域；\
                                   按批次的拆分（每批300余课时）为示例"}),
        )
        .await?;
    }
    let acts = [
        json!({"pairing_id": a, "kind": "visit", "title": "两校领导、对口部门、院系领导和学科教师互访",
               "start_date": "2002-01-01", "end_date": "2007-03-31", "person_times": "50余",
               "description": "累计“50余人次”"}),
        json!({"pairing_id": b, "kind": "meeting", "title": "校领导走访各学院座谈援疆学科建设",
               "start_date": "2006-09-06", "end_date": "2006-09-07", "region_code": d.region("650100"),
               "description": "副校长、研究生处和学位办走访九个学院，与学院领导、学科带头人、学术骨干座谈，听取发挥“援疆学科建设”作用的意见"}),
        json!({"pairing_id": a, "kind": "lecture", "title": "援教教师为本科生和研究生举办学术讲座、专题报告",
               "audience": "students", "start_date": "2004-09-01", "end_date": "2007-01-20", "sessions": "40余",
               "description": "累计“40余场”"}),
        json!({"pairing_id": a, "kind": "lecture", "title": "南农副校长（土地资源管理专家）来校学术报告和专题讲座",
               "start_date": "2006-05-10", "sessions": 3, "region_code": d.region("650100"),
               "description": "学术报告2场、学位与研究生教育专题讲座1场，并与经济管理学院座谈"}),
        json!({"pairing_id": a, "kind": "enrollment", "title": "南京农业大学招收新疆农业大学博士研究生",
               "start_date": "2002-01-01", "end_date": "2007-03-31", "person_times": 11,
               "description": "其中定向培养博士学位教师2名"}),
        json!({"pairing_id": a, "kind": "enrollment", "title": "南京农业大学招收新疆农业大学硕士研究生",
               "start_date": "2002-01-01", "end_date": "2007-03-31", "person_times": 2}),
        json!({"pairing_id": a, "kind": "teaching", "title": "指导本科生毕业论文", "audience": "students",
               "start_date": "2004-09-01", "end_date": "2007-01-20", "person_times": "30多", "description": "“30多名”"}),
        json!({"pairing_id": a, "kind": "research", "title": "援疆教师主持申报教育厅创新群体课题（作物遗传育种）",
               "start_date": "2006-01-01", "end_date": "2006-12-31", "amount": "20万",
               "description": "申报年份未写明"}),
        json!({"pairing_id": a, "kind": "research", "title": "援疆教师主持申报教育厅重大项目（鹰嘴豆）",
               "start_date": "2006-01-01", "end_date": "2006-12-31", "amount": "10万",
               "description": "申报年份未写明"}),
        json!({"pairing_id": a, "kind": "research", "title": "援疆教师协助动物科学学院申报伊犁奶牛高效生产技术研究课题",
               "start_date": "2006-01-01", "end_date": "2006-12-31", "amount": "8万",
               "description": "申报年份未写明"}),
        json!({"pairing_id": b, "kind": "visit", "title": "五所支援高校的学校、学院领导或学科带头人来访",
               "start_date": "2006-06-01", "end_date": "2007-03-31", "person_times": 11,
               "description": "五所支援高校合计“11人次”（含下列各次来访），开展讲学、讲座、培训、指导"}),
        json!({"pairing_id": b, "kind": "lecture", "title": "南农经济学专家为经济管理学院研究生作学术报告",
               "audience": "students", "start_date": "2006-07-23", "sessions": 2}),
        json!({"pairing_id": b, "kind": "visit", "title": "南农公共管理学院专家来校指导学科建设并考察哈密实习基地",
               "start_date": "2006-08-11", "end_date": "2006-08-20", "description": "3名教授；人次计入五校来访合计"}),
        json!({"pairing_id": b, "kind": "visit", "title": "南农研究生院培养处来访商讨学科援建组织落实",
               "start_date": "2006-08-20", "description": "一行6人；人次计入五校来访合计"}),
        json!({"pairing_id": b, "kind": "visit", "title": "南农作物遗传与种质创新国家重点实验室主任来访",
               "start_date": "2006-09-02",
               "description": "就共建棉花分子育种实验室达成初步意见，磋商联合成立新疆野生植物资源保护与利用研究所"}),
        json!({"pairing_id": b, "kind": "visit", "title": "新疆农业大学校领导赴五所支援高校回访",
               "start_date": "2006-10-01", "end_date": "2006-10-10",
               "participants": "新疆农业大学党委书记、校长、副校长，研究生处和受援学科所在学院领导",
               "description": "十月上旬；与支援学校签订回访备忘录"}),
        json!({"pairing_id": b, "kind": "enrollment", "title": "内地五所高校接收新疆农业大学教师进修或攻读学位",
               "start_date": "2006-06-01", "end_date": "2007-03-31", "person_times": 11,
               "description": "五所支援高校合计"}),
        json!({"pairing_id": b, "kind": "research", "title": "援受双方联合申报课题",
               "start_date": "2006-06-01", "end_date": "2007-03-31", "items": 6,
               "description": "五所支援高校合计6项（件数记在“台（套/件）”），正在实施"}),
        json!({"pairing_id": b, "kind": "donation", "title": "南京农业大学图书馆赠送电视机和DVD机",
               "start_date": "2007-03-01", "items": 15, "description": "“近日”赠送，日期为示例"}),
        json!({"pairing_id": c, "kind": "visit", "title": "中国农业大学副校长率考察组来校交流协商",
               "start_date": "2006-06-01", "end_date": "2006-06-02", "person_times": 8,
               "region_code": d.region("650100"),
               "description": "就生物学、畜牧学、农业资源利用、农业工程等学科建设达成合作共识；6月2日签署备忘录"}),
        json!({"pairing_id": c, "kind": "lecture", "title": "中国农业大学专家为师生作学术报告",
               "start_date": "2006-06-01", "end_date": "2006-06-02", "sessions": 5}),
        json!({"pairing_id": c, "kind": "donation", "title": "中国农业大学资源与环境学院赠送电动取土机",
               "start_date": "2007-03-01", "description": "用于科研；“近日”赠送，日期为示例"}),
        json!({"pairing_id": c, "kind": "research", "title": "罗布泊地区土壤联合研究",
               "start_date": "2006-06-01", "end_date": "2007-03-31",
               "description": "两校教授联合主持；中国农大在考察经费、仪器设备与人力方面给予支持"}),
        json!({"pairing_id": bf, "kind": "other", "title": "在森林生态系统定位监测研究站（新疆南山林场）建成教学实习基地",
               "start_date": "2006-06-01", "end_date": "2007-03-31", "description": "北林援疆教师促成，已挂牌"}),
        json!({"pairing_id": bf, "kind": "research", "title": "林学院国家自然科学基金项目邀请北林援疆教师参与研究",
               "start_date": "2006-06-01", "end_date": "2007-03-31",
               "description": "新疆农业大学林学院教师主持的国家自然科学基金项目申报成功后，邀请北林援疆教师参与，提供8万元经费支持；日期为示例"}),
        json!({"pairing_id": hh, "kind": "donation", "title": "河海大学图书馆赠送计算机",
               "start_date": "2007-03-01", "items": 4, "description": "图书馆工作人员个人捐款；“近日”赠送，日期为示例"}),
    ];
    for act in acts {
        d.fact("activities", act).await?;
    }
    // money outside any project: the receiving college's research grant supporting the 北林 teacher's work
    // 第1篇 gives the soil sampler as 1套: goods in their own unit, not the generic 台（套）
    let sampler = d.activities_titled("赠送电动取土机", 1)?[0];
    d.fact(
        "activity_items",
        json!({"activity_id": sampler, "category": "equipment", "name": "电动取土机", "quantity": 1, "unit": "套"}),
    )
    .await?;
    let research = d.activities_titled("邀请北林援疆教师参与研究", 1)?[0];
    d.fact(
        "funds",
        json!({"pairing_id": bf, "activity_id": research, "purpose": "research", "source": "central",
               "title": "林学院国家自然科学基金项目为北林援疆教师提供研究经费", "amount": 80000, "date": "2007",
               "note": "国家自然科学基金项目经费，由受援方（新疆农业大学林学院）提供；年份为示例"}),
    )
    .await?;
    Ok(())
}

async fn needs_and_notes(d: &mut Demo, a: i64, b: i64, c: i64) -> Result<()> {
    let system = d
        .add(
            "needs",
            json!({"pairing_id": a, "title": "本科教学管理信息化（迎接2007年本科教学工作评估）", "category": "management",
                   "priority": "high", "status": "met",
                   "description": "成绩网上管理、教师网上报送成绩、学生网上选课；网上教学质量评价系统调试中"}),
        )
        .await?;
    let system_gift = d
        .disputed(
            "activities",
            json!({"pairing_id": a, "kind": "donation", "title": "南京农业大学无偿移植整套教学管理系统",
               "start_date": "2006-09-01", "end_date": "2007-03-31", "amount": "10多万", "need_id": system,
               "description": "开发投入“10多万元”，为受援方节省约15万元市场开发费用；日期为示例"}),
            "“10多万元”是南农的开发投入，不是捐赠给我校的金额；请改记节省的约15万元开发费用或不记金额",
        )
        .await?;
    // the gift as goods, valued as the receiver does: the market development cost it saved (约15万元)
    d.fact(
        "activity_items",
        json!({"activity_id": system_gift, "category": "other", "name": "整套教学管理系统", "quantity": 1, "unit": "套",
               "value": "约15万", "note": "价值按受援方节省的市场开发费用计（约15万元）"}),
    )
    .await?;
    let needs = [
        json!({"pairing_id": b, "title": "共建棉花分子育种实验室", "category": "research", "priority": "high",
               "status": "in_progress", "raised_on": "2006-09-02",
               "description": "协议已签，待新疆农业大学中心实验楼建成后实施"}),
        json!({"pairing_id": b, "title": "联合成立新疆野生植物资源保护与利用研究所", "category": "research",
               "priority": "medium", "status": "open", "raised_on": "2006-09-02"}),
        json!({"pairing_id": b, "title": "受援学科的师资培养与科研人才", "category": "talent", "priority": "high",
               "status": "in_progress",
               "description": "各学院座谈认为仪器设备已部分解决，最急需的是人才（十个援建学科）"}),
        json!({"pairing_id": c, "title": "研究生管理软件及管理人员培训", "category": "management", "priority": "medium",
               "status": "in_progress", "description": "中国农大、北林表示可接收研究生管理人员学习并提供软件"}),
    ];
    for n in needs {
        d.add("needs", n).await?;
    }
    let notes = [
        json!({"pairing_id": a, "kind": "highlight",
               "text": "把对口支援作为“一把手工程”：校长任领导小组组长，定期例会并形成纪要，专项经费列入年度预算；为援教教师安排住房和生活用品。"}),
        json!({"pairing_id": b, "kind": "highlight",
               "text": "以学科建设为中心，培养师资、定点培养研究生为重点；由两校相关学院签订合作协议，实现工作重心下移。"}),
        json!({"pairing_id": b, "kind": "plan", "period": "2007",
               "text": "2007年6月上旬在乌鲁木齐召开对口支援及援疆学科建设计划工作委员会第一次全体会议，实行轮值主席制，每年一次年会。"}),
        json!({"pairing_id": a, "kind": "plan",
               "text": "“十一五”期间以新疆特色项目为依托，与支援高校合作申报国家课题；落实教师援教和双向干部挂职、在职教师攻读学位和进修。"}),
    ];
    for n in notes {
        d.add("notes", n).await?;
    }
    Ok(())
}
