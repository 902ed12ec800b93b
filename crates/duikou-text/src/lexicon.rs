//! Word lists the extractor consults: units and classifiers, approximators, names and idioms that contain numerals.
//!
//! Kept apart from the logic so that reviewers can extend a list without
//! reading the state machine. Every lookup is by first character, so the
//! cost per candidate number stays constant however long the lists grow.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::fact::{Approx, Kind};

/// A unit or classifier that may follow a number.
pub(crate) struct UnitDef {
    /// The unit as written.
    pub text: &'static str,
    /// The kind of quantity it measures.
    pub kind: Kind,
    /// Characters that, right after the unit, show it is really the start
    /// of another word (人 + 口 = 人口, 条 + 件 = 条件).
    pub blocked_next: &'static str,
    /// Fallback label when no noun can be found around the number.
    pub label: &'static str,
}

const fn u(text: &'static str, kind: Kind, blocked_next: &'static str, label: &'static str) -> UnitDef {
    UnitDef {
        text,
        kind,
        blocked_next,
        label,
    }
}

use Kind::{Area, Count, Duration, Money, Other, Percent, Ratio};

/// All units. Longer forms win over their prefixes (人次 over 人).
static UNITS: &[UnitDef] = &[
    // money
    u("元", Money, "素旦宵首帅老化件", "资金"),
    u("美元", Money, "", "资金"),
    u("欧元", Money, "", "资金"),
    u("港元", Money, "", "资金"),
    u("元人民币", Money, "", "资金"),
    // percent
    u("%", Percent, "", "比例"),
    u("％", Percent, "", "比例"),
    u("‰", Percent, "", "比例"),
    u("个百分点", Percent, "", "百分点"),
    u("百分点", Percent, "", "百分点"),
    // ratio
    u("倍", Ratio, "增数", "倍数"),
    // area
    u("平方公里", Area, "", "面积"),
    u("平方千米", Area, "", "面积"),
    u("平方米", Area, "", "面积"),
    u("平米", Area, "", "面积"),
    u("亩", Area, "", "面积"),
    u("公顷", Area, "", "面积"),
    // duration
    u("年", Duration, "级龄轻华鉴会代度薪", "时长"),
    u("个年头", Duration, "", "时长"),
    u("年头", Duration, "", "时长"),
    u("个月", Duration, "", "时长"),
    u("个多月", Duration, "", "时长"),
    u("周", Duration, "边围年岁末期转到", "时长"),
    u("星期", Duration, "", "时长"),
    u("天", Duration, "然空津下地", "时长"),
    u("小时", Duration, "", "时长"),
    u("分钟", Duration, "", "时长"),
    u("学期", Duration, "", "时长"),
    u("个学期", Duration, "", "时长"),
    u("学年", Duration, "", "时长"),
    u("个学年", Duration, "", "时长"),
    // counts of people
    u("名", Count, "单义称字誉录片著言胜额", "人员"),
    u("人", Count, "民口才员们均性类物士格身力", "人员"),
    u("人次", Count, "", "人次"),
    u("位", Count, "置于数列居", "人员"),
    u("户", Count, "口籍型外主", "户数"),
    u("户次", Count, "", "户次"),
    u("车次", Count, "", "车次"),
    u("班次", Count, "", "班次"),
    u("架次", Count, "", "架次"),
    // counts of things
    u("个", Count, "体性别案税", "数量"),
    u("项", Count, "目", "项目"),
    u("份", Count, "额", "份数"),
    u("笔", Count, "记者试墨画直", "笔数"),
    u("场", Count, "所地馆景面", "场次"),
    u("场次", Count, "", "场次"),
    u("门", Count, "类户口槛诊前外卫", "课程"),
    u("门次", Count, "", "门次"),
    u("课时", Count, "", "课时"),
    u("学时", Count, "", "学时"),
    u("节", Count, "约日能目点奏", "节数"),
    u("堂", Count, "", "堂数"),
    u("所", Count, "有在以属谓得需说提处长", "机构"),
    u("套", Count, "餐", "套数"),
    u("台", Count, "阶湾风词州", "台数"),
    u("批", Count, "准评复示发", "批次"),
    u("家", Count, "长庭属乡族园境具电里务人", "单位"),
    u("次", Count, "要序级日", "次数"),
    u("间", Count, "接断隔", "间数"),
    u("口", Count, "号径岸头碑气", "数量"),
    u("轮", Count, "流番椅廓", "轮次"),
    u("桌", Count, "", "桌数"),
    u("类", Count, "似别型", "类别"),
    u("篇", Count, "章幅", "篇数"),
    u("本", Count, "科地土身着质领级单", "册数"),
    u("册", Count, "", "册数"),
    u("件", Count, "", "件数"),
    u("辆", Count, "", "车辆"),
    u("部", Count, "门分署长队位落", "部数"),
    u("张", Count, "", "张数"),
    u("座", Count, "谈右", "座数"),
    u("栋", Count, "", "栋数"),
    u("幢", Count, "", "栋数"),
    u("处", Count, "理于长室置境分", "处数"),
    u("头", Count, "等脑号", "头数"),
    u("只", Count, "是有要能", "只数"),
    u("条", Count, "件例款", "条数"),
    u("期", Count, "间待望刊限末中", "期数"),
    u("届", Count, "", "届数"),
    u("班", Count, "子级长主组", "班数"),
    u("种", Count, "植子养苗", "种数"),
    u("支", Count, "持援付出部撑", "支数"),
    u("市县", Count, "", "市县"),
    u("县市", Count, "", "县市"),
    // other measures
    u("公里", Other, "", "距离"),
    u("千米", Other, "", "距离"),
    u("米", Other, "饭兰", "长度"),
    u("立方米", Other, "", "体积"),
    u("吨", Other, "位", "重量"),
    u("公斤", Other, "", "重量"),
    u("千克", Other, "", "重量"),
    u("斤", Other, "", "重量"),
    u("兆瓦", Other, "", "装机容量"),
    u("千瓦", Other, "时", "装机容量"),
    u("千瓦时", Other, "", "电量"),
    u("兆", Other, "", "装机容量"),
    u("岁", Other, "月", "年龄"),
];

fn unit_index() -> &'static HashMap<char, Vec<&'static UnitDef>> {
    static INDEX: OnceLock<HashMap<char, Vec<&'static UnitDef>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: HashMap<char, Vec<&'static UnitDef>> = HashMap::new();
        for def in UNITS {
            if let Some(c) = def.text.chars().next() {
                map.entry(c).or_default().push(def);
            }
        }
        for list in map.values_mut() {
            list.sort_by_key(|d| std::cmp::Reverse(d.text.chars().count()));
        }
        map
    })
}

/// True if `chars[at..]` starts with `word`.
pub(crate) fn starts_with(chars: &[char], at: usize, word: &str) -> bool {
    (at..).zip(word.chars()).all(|(i, c)| chars.get(i) == Some(&c))
}

/// True if `chars[..end]` ends with `word`.
pub(crate) fn ends_with(chars: &[char], end: usize, word: &str) -> bool {
    let n = word.chars().count();
    end >= n && starts_with(chars, end - n, word)
}

/// The longest unit at `at`, unless the character after it shows it is part
/// of another word. Returns the definition and its length in chars.
pub(crate) fn unit_at(chars: &[char], at: usize) -> Option<(&'static UnitDef, usize)> {
    let first = *chars.get(at)?;
    let list = unit_index().get(&first)?;
    for def in list {
        if starts_with(chars, at, def.text) {
            let len = def.text.chars().count();
            let blocked = chars.get(at + len).is_some_and(|c| def.blocked_next.contains(*c));
            if blocked {
                // A shorter unit is no better: 人口 must not become 人.
                return None;
            }
            return Some((def, len));
        }
    }
    None
}

/// Approximators written before a number, longest first.
pub(crate) static PREFIX_APPROX: &[(&str, Approx)] = &[
    ("不得少于", Approx::BuShaoYu),
    ("不少于", Approx::BuShaoYu),
    ("不低于", Approx::BuShaoYu),
    ("将近", Approx::Jin),
    ("接近", Approx::Jin),
    ("至少", Approx::ZhiShao),
    ("超过", Approx::YiShang),
    ("大约", Approx::Yue),
    ("约", Approx::Yue),
    ("近", Approx::Jin),
    ("逾", Approx::YiShang),
];

/// Characters before 近 that make it "recent/near", not "nearly" (最近3年).
pub(crate) const NOT_JIN_BEFORE: &str = "最附临靠亲邻远走贴";

/// Approximators written after the unit.
pub(crate) static SUFFIX_APPROX: &[(&str, Approx)] = &[
    ("左右", Approx::ZuoYou),
    ("以上", Approx::YiShang),
    ("以下", Approx::YiXia),
];

/// Words before a number that make it refer back to things already named
/// (这两项工作, 上述三个单位) rather than count anything new.
pub(crate) static ANAPHORA_BEFORE: &[&str] = &["这些", "上述", "前述", "这", "那", "该", "此"];

/// Nouns that, after 个/项/点/条/种, mean the text is enumerating its own
/// parts (四个方面, 三项原则) rather than counting things in the world.
pub(crate) static SELF_NOUNS: &[&str] = &[
    "方面",
    "原则",
    "阶段",
    "部分",
    "问题",
    "特点",
    "要点",
    "措施",
    "理念",
    "层面",
    "内容",
    "步骤",
    "环节",
    "途径",
    "观点",
    "原因",
    "意识",
    "代表",
    "到位",
    "自信",
    "全面",
    "维护",
    "结合",
    "转变",
    "坚持",
    "优势",
    "做法",
    "体会",
    "经验",
    "方向",
    "重点",
    "主题",
    "维度",
    "角度",
    "面向",
    "有利于",
    "必须",
    "务必",
    "确保",
    "目标",
    "任务",
    "领域",
    "板块",
    "关系",
    "基本",
    "现代化",
    "统一",
];

/// Names, slogans and idioms that contain numerals but are not quantities.
/// Matched wherever they overlap the candidate number.
static BLOCKED_PHRASES: &[&str] = &[
    // plans, programmes, slogans
    "十一五",
    "十二五",
    "十三五",
    "十四五",
    "十五五",
    "九五",
    "五年规划",
    "五年计划",
    "三个代表",
    "三个面向",
    "四个全面",
    "四个意识",
    "四个自信",
    "两个维护",
    "两个确立",
    "八项规定",
    "五位一体",
    "三位一体",
    "四个现代化",
    "两学一做",
    "三严三实",
    "一带一路",
    "两个一百年",
    "三农",
    "三公",
    "两会",
    "三支一扶",
    "一国两制",
    "三个有利于",
    "四风",
    "五好",
    "三好学生",
    "973计划",
    "863计划",
    "211工程",
    "985工程",
    "一把手",
    "一票否决",
    // companies and sports that carry numerals
    "三一重工",
    "铁人三项",
    "现代五项",
    "马术三项",
    "七项全能",
    "十项全能",
    "五凌",
    // idioms and set phrases
    "千家万户",
    "三番五次",
    "千方百计",
    "三年五载",
    "一年四季",
    "五花八门",
    "一门心思",
    "三天两头",
    "一天到晚",
    "百年大计",
    "十年树木",
    "百年树人",
    "成千上万",
    "千千万万",
    "一五一十",
    "一心一意",
    "三心二意",
    "五湖四海",
    "四面八方",
    "万无一失",
    "九牛一毛",
    "一举两得",
    "两全其美",
    "十全十美",
    "一石二鸟",
    "接二连三",
    "三三两两",
    "一清二楚",
    "一干二净",
    "七上八下",
    "乱七八糟",
    "三令五申",
    "一日千里",
    "一朝一夕",
    "一己之力",
    "一臂之力",
    "一席之地",
    "事倍功半",
    "事半功倍",
    "一视同仁",
    "一如既往",
    "一成不变",
    "一次性",
    "独一无二",
    "万众一心",
    "百花齐放",
    "千辛万苦",
    "千变万化",
    "千差万别",
    "一年到头",
    "百里挑一",
    "半斤八两",
    "一分为二",
    "不二法门",
    "三十六计",
    "七嘴八舌",
    "一刀切",
    "一站式",
    "一条龙",
    "一揽子",
    "一盘棋",
    "万人空巷",
    "八仙过海",
    "九九归一",
];

/// Blocked phrases keyed by each of their characters, with that character's offset.
type PhraseIndex = HashMap<char, Vec<(Vec<char>, usize)>>;

fn phrase_index() -> &'static PhraseIndex {
    static INDEX: OnceLock<PhraseIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: PhraseIndex = HashMap::new();
        for phrase in BLOCKED_PHRASES {
            let chars: Vec<char> = phrase.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                map.entry(*c).or_default().push((chars.clone(), i));
            }
        }
        map
    })
}

/// If a blocked phrase covers position `at`, the index just past it.
pub(crate) fn blocked_phrase_end(chars: &[char], at: usize) -> Option<usize> {
    let c = *chars.get(at)?;
    let list = phrase_index().get(&c)?;
    list.iter().find_map(|(phrase, offset)| {
        let begin = at.checked_sub(*offset)?;
        let end = begin + phrase.len();
        (chars.get(begin..end)? == phrase.as_slice()).then_some(end)
    })
}

/// Words before a number that make it part of a ranking (排名第3位).
pub(crate) static RANK_CUES: &[&str] = &["排名", "名列", "位列", "位居", "排在", "排第", "居", "列"];

/// Characters that end a label search: punctuation, particles, conjunctions.
pub(crate) const LABEL_STOP: &str = "，。、；：？！,.;:?!（）()《》“”\"'‘’【】[]的和及与或在到至赴于为以并从被把将已均各都也还就对向给由让使是其等了着过来去有共约近每再又仅只占用";

/// Short verbs and adverbs right before a number that are not part of the
/// label ("资金共计5亿元" → 资金, "山区占54.63%" → 山区).
pub(crate) static LABEL_SKIP_BEFORE: &[&str] = &[
    "共计",
    "合计",
    "累计",
    "总计",
    "达到",
    "高达",
    "多达",
    "约为",
    "保持在",
    "共",
    "计",
    "达",
    "约",
    "近",
    "为",
    "有",
    "占",
    "是",
    "各",
    "了",
    "至",
    "到",
];

/// Verbs that often sit between a noun and its number; a label is cut at
/// them (计划总投资 → 总投资, 援疆投资计划 → 援疆投资).
pub(crate) static LABEL_VERBS: &[&str] = &[
    "达成", "投入", "实施", "选派", "承担", "完成", "安排", "培训", "开展", "接收", "招收", "捐赠", "下达", "拨付",
    "提供", "引进", "开工", "竣工", "组织", "建设", "援建", "派出", "出动", "发放", "发出", "赠送", "确定", "落实",
    "参与", "就餐", "参加", "进修", "申报", "攻读", "担任", "前往", "访问", "实现", "带动", "新建", "续建", "计划",
    "累计", "共有", "现有", "拥有", "帮助", "支持", "用于", "作为", "监督", "检查", "进行", "保持", "达到", "先后",
    "互访", "来访", "走访", "举办", "举行", "指导", "探明", "投资",
];
