//! The fixed lists the generator draws from.

/// Supporting provinces and municipalities (GB/T 2260 province codes), in the order they are taken.
pub(crate) const SUPPORTERS: &[&str] = &[
    "320000", "330000", "440000", "110000", "310000", "370000", "420000", "430000", "210000", "130000", "410000",
    "340000", "350000", "360000", "120000", "140000", "230000", "220000", "500000", "450000",
];

/// Receiving groups: program index, province-code prefixes, share of the receiving counties.
pub(crate) const RECEIVER_GROUPS: &[(usize, &[&str], f64)] = &[
    (0, &["65"], 0.55),
    (1, &["54"], 0.25),
    (2, &["52", "53", "62", "63", "64"], 0.20),
];

/// Receiving counties at most (the county codes of the receiving provinces in the shipped tree).
pub(crate) const MAX_RECEIVERS: u64 = 500;

/// The programs: name, authority, description. Index 3 is the school program.
pub(crate) const PROGRAMS: &[(&str, &str, &str)] = &[
    (
        "对口支援新疆（合成）",
        "中央新疆工作协调小组办公室",
        "合成数据：援疆省市结对支援新疆各地州及其县市，省—地州、市—县两级结对，医院“组团式”帮扶挂在县级结对下。",
    ),
    (
        "对口支援西藏（合成）",
        "中央西藏工作协调小组办公室",
        "合成数据：援藏省市结对支援西藏各地市及其县区，省—地市、市—县两级结对，医院“组团式”帮扶挂在县级结对下。",
    ),
    (
        "东西部协作（合成）",
        "东西部协作工作领导小组办公室",
        "合成数据：东部省市结对帮扶西部省区的市州和县，产业、劳务、消费、人才协作。",
    ),
    (
        "校对校帮扶（合成）",
        "教育部教师工作司",
        "合成数据：支援方学校结对帮扶受援县学校，三年一轮；互派管理人员和教师、全员培训、骨干培养、教研交流。",
    ),
];

pub(crate) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡",
];

pub(crate) const GIVEN_MALE: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "建国", "志强",
    "海涛", "文斌", "国庆", "俊杰", "宏伟", "振华", "晓东", "子豪", "浩然", "宇航", "立新", "永刚",
];

pub(crate) const GIVEN_FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "颖", "琳", "晶", "秀英", "桂英",
    "丽华", "晓燕", "海燕", "春梅", "雅琴", "欣怡", "梦瑶", "思琪", "佳怡", "婉婷", "淑珍", "文静",
];

pub(crate) const ETHNICITIES: &[(&str, u32)] = &[
    ("汉族", 88),
    ("回族", 3),
    ("满族", 2),
    ("蒙古族", 2),
    ("壮族", 2),
    ("土家族", 3),
];

pub(crate) const SUBJECTS: &[&str] = &[
    "语文",
    "数学",
    "英语",
    "物理",
    "化学",
    "生物",
    "历史",
    "地理",
    "道德与法治",
    "信息技术",
    "音乐",
    "体育",
    "美术",
];

pub(crate) const DEPARTMENTS: &[&str] = &[
    "内科",
    "外科",
    "妇产科",
    "儿科",
    "急诊科",
    "麻醉科",
    "检验科",
    "影像科",
    "眼科",
    "中医科",
    "骨科",
    "心血管内科",
];

pub(crate) const CADRE_POSTS: &[&str] = &[
    "副县长",
    "县委常委、副县长",
    "发展和改革委员会副主任",
    "教育局副局长",
    "卫生健康委员会副主任",
    "农业农村局副局长",
    "工业园区管委会副主任",
    "商务局副局长",
    "人力资源和社会保障局副局长",
    "住房和城乡建设局副局长",
];

pub(crate) const SCHOOL_TOPICS: &[&str] = &[
    "新课标解读",
    "班主任工作",
    "信息化教学",
    "课堂教学改革",
    "作业设计",
    "校园安全",
    "劳动教育",
    "心理健康教育",
    "大单元教学",
    "学科核心素养",
    "家校共育",
    "国家通用语言文字教学",
];

pub(crate) const GOV_TOPICS: &[&str] = &[
    "乡村振兴政策",
    "电子商务",
    "基层治理",
    "特色产业发展",
    "招商引资",
    "劳务协作",
    "医疗质量管理",
    "农业技术推广",
    "文化旅游融合",
    "干部能力提升",
    "消费帮扶",
    "园区建设",
];

pub(crate) const HOSPITAL_TOPICS: &[&str] = &[
    "急危重症救治",
    "院感防控",
    "临床路径管理",
    "护理质量",
    "远程会诊",
    "适宜技术推广",
    "医院等级评审",
    "学科建设",
];

/// Livelihood (民生) project categories with weights, and the others.
pub(crate) const LIVELIHOOD: &[(&str, u32)] = &[
    ("housing", 30),
    ("education", 25),
    ("health", 20),
    ("culture", 10),
    ("employment", 15),
];
pub(crate) const NON_LIVELIHOOD: &[(&str, u32)] = &[
    ("industry", 50),
    ("infrastructure", 35),
    ("talent", 5),
    ("intellectual", 5),
    ("other", 5),
];

/// Project names per category.
pub(crate) fn project_stems(category: &str) -> &'static [&'static str] {
    match category {
        "housing" => &[
            "安居富民房建设",
            "棚户区改造",
            "农村危房改造",
            "保障性住房",
            "易地搬迁安置点配套",
        ],
        "education" => &[
            "中学教学楼",
            "寄宿制学校",
            "幼儿园",
            "职业技术学校实训楼",
            "学校运动场",
            "教育信息化",
        ],
        "health" => &["人民医院住院楼", "乡镇卫生院", "村卫生室", "妇幼保健院", "远程医疗系统"],
        "culture" => &["文化活动中心", "图书馆", "乡村文化广场", "博物馆布展"],
        "employment" => &["就业培训基地", "扶贫车间", "创业孵化园", "劳务输出服务站"],
        "industry" => &[
            "农产品加工园",
            "特色林果基地",
            "设施农业大棚",
            "产业园标准厂房",
            "冷链物流中心",
        ],
        "infrastructure" => &["乡村道路", "安全饮水工程", "供热管网", "污水处理厂", "农田水利"],
        "talent" => &["人才公寓", "干部人才培训"],
        "intellectual" => &["智库咨询", "规划编制"],
        _ => &["综合项目"],
    }
}

/// Monthly weights of school-side facts: peaks in September and March, little in July–August and January–February.
pub(crate) const SCHOOL_MONTHS: [u32; 12] = [3, 2, 15, 12, 11, 8, 2, 2, 16, 12, 11, 6];
/// Monthly weights of government-side facts: a milder rhythm.
pub(crate) const GOV_MONTHS: [u32; 12] = [5, 4, 10, 10, 10, 9, 8, 7, 10, 10, 9, 8];
