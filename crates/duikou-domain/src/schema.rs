//! The record's entities described as data: fields, kinds, Chinese labels, references and rules.
//! Storage, the JSON API, the OpenAPI document and validation all read these descriptions, so they cannot drift apart.

/// The kind of value a field holds, which decides how it is validated, stored and documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A whole number; references to other records are `Int` with `refs`.
    Int,
    /// A short text (a name, a title).
    Text,
    /// A long text (a description, an extracted document text).
    LongText,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// Money: a string of yuan (`"37000000.00"`, `"3700万"`), stored as integer fen.
    Money,
    /// An exact quantity with up to four decimals.
    Qty,
    /// True or false.
    Bool,
    /// A JSON value checked by a rule of its own (see [`JsonShape`]).
    Json(JsonShape),
    /// One of a fixed list of values, each with its Chinese label.
    Enum(&'static [(&'static str, &'static str)]),
    /// A period in the one written form (`2014-2015S1` …).
    Period,
}

/// What a JSON field must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonShape {
    /// Any JSON object (free attributes such as `teacher_count`).
    Object,
    /// A program calendar ([`crate::Calendar`]).
    Calendar,
    /// A rating scale ([`crate::RatingScale`]).
    RatingScale,
    /// An obligation rule ([`crate::ObligationRule`]).
    ObligationRule,
}

/// One field of an entity.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Name in the API, the database and files.
    pub name: &'static str,
    /// Chinese label for messages and headers.
    pub label: &'static str,
    /// What it holds.
    pub kind: FieldKind,
    /// Must be present and non-null on create.
    pub required: bool,
    /// Maximum characters for texts.
    pub max_len: usize,
    /// The entity (and its key column) this field points to.
    pub refs: Option<(&'static str, &'static str)>,
    /// Set by the server, never by a caller (derived from a parent, or computed).
    pub server: bool,
    /// The value a missing field takes on create (an enum value, or `true`/`false`).
    pub default: Option<&'static str>,
}

const fn f(name: &'static str, label: &'static str, kind: FieldKind) -> Field {
    let max_len = match kind {
        FieldKind::Text => 200,
        FieldKind::LongText => 20_000,
        _ => 0,
    };
    Field {
        name,
        label,
        kind,
        required: false,
        max_len,
        refs: None,
        server: false,
        default: None,
    }
}
const fn req(mut x: Field) -> Field {
    x.required = true;
    x
}
const fn id_ref(name: &'static str, label: &'static str, entity: &'static str) -> Field {
    let mut x = f(name, label, FieldKind::Int);
    x.refs = Some((entity, "id"));
    x
}
const fn region_ref(name: &'static str, label: &'static str) -> Field {
    let mut x = f(name, label, FieldKind::Text);
    x.refs = Some(("regions", "code"));
    x.max_len = 12;
    x
}
const fn server(mut x: Field) -> Field {
    x.server = true;
    x
}
const fn dflt(mut x: Field, v: &'static str) -> Field {
    x.default = Some(v);
    x
}
const fn max(mut x: Field, n: usize) -> Field {
    x.max_len = n;
    x
}

/// Which side of a pairing records an entity, which decides who may write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Reference data (regions, indicator definitions): admins and coordinators with no org scope.
    Reference,
    /// Orgs: reference data, but each sits in the tree that scopes users; admins and unscoped coordinators keep every
    /// org, a scoped coordinator the orgs in its scope (its own and those below them).
    Org,
    /// Programs and what hangs off them (pairings, agreements, obligations): the program's coordinators.
    Program,
    /// Facts the supporting side records about its pairing.
    Supporter,
    /// Facts the receiving side records about its pairing.
    Receiver,
    /// Records either side's editors may keep (work notes, indicator values), scoped by their pairing and the orgs
    /// they name; a pairing's record also by its program's coordinators.
    Shared,
    /// Documents: through their pairing (either side's editors, the program's coordinators); a document without a
    /// pairing (a program's) only by the program's coordinators.
    Document,
    /// People: editors and scoped coordinators of their home org, unscoped coordinators and admins; someone without a
    /// home org only by unscoped coordinators and admins.
    Person,
    /// Links between records (a document and what it documents): whoever may write both ends.
    Link,
    /// Records the server writes through its own actions (assessments, period locks); only admins may delete them.
    System,
}

/// A cross-field rule checked on every write.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// The second date may not come before the first.
    DateOrder(&'static str, &'static str),
    /// The two fields may not hold the same value.
    Different(&'static str, &'static str),
    /// Exactly one of these fields must be set.
    ExactlyOne(&'static [&'static str]),
    /// At most one of these fields may be set.
    AtMostOne(&'static [&'static str]),
    /// A quantity may not exceed this whole number.
    NotAbove(&'static str, i64),
}

/// One entity of the record.
#[derive(Debug)]
pub struct EntityDef {
    /// Plural name: the table and the API path (`/api/v1/pairings`).
    pub name: &'static str,
    /// Chinese name ("结对").
    pub label: &'static str,
    /// The fields a caller sees (besides `id`, `version`, `created_at`, `updated_at`).
    pub fields: &'static [Field],
    /// Who writes it.
    pub owner: Owner,
    /// Whether the other side confirms or disputes it.
    pub confirmable: bool,
    /// Fields that identify a record in the world (re-imports and duplicates are detected on them).
    pub natural_key: &'static [&'static str],
    /// Text fields searched by `q=`.
    pub search: &'static [&'static str],
    /// For children whose `pairing_id` comes from a parent: (the parent field, the parent entity).
    pub pairing_via: Option<(&'static str, &'static str)>,
    /// Cross-field rules.
    pub rules: &'static [Rule],
    /// Default sort for lists.
    pub default_sort: &'static str,
}

impl EntityDef {
    /// The fields that identify a row on import: the natural key, or for records without one the fields a
    /// spreadsheet row is recognised by (so re-importing a file does not duplicate it).
    pub fn import_key(&self) -> &'static [&'static str] {
        if !self.natural_key.is_empty() {
            return self.natural_key;
        }
        match self.name {
            "activities" => &["pairing_id", "kind", "title", "start_date"],
            "transactions" => &["project_id", "kind", "source", "date", "amount"],
            "dispatches" => &["pairing_id", "person_id", "role", "start_date"],
            "people" => &["name", "home_org_id", "birth_year"],
            _ => &[],
        }
    }
}

impl EntityDef {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|x| x.name == name)
    }

    /// Whether the entity belongs to one pairing (directly or through its parent).
    pub fn has_pairing(&self) -> bool {
        self.field("pairing_id").is_some()
    }
}

/// Levels of a pairing.
pub const PAIRING_LEVELS: &[(&str, &str)] = &[
    ("province_prefecture", "省—地州"),
    ("city_county", "市—县"),
    ("unit_county", "单位—县"),
    ("school_school", "校—校"),
    ("hospital_hospital", "院—院"),
    ("discipline_discipline", "学科—学科"),
    ("other", "其他"),
];

/// Kinds of org.
pub const ORG_KINDS: &[(&str, &str)] = &[
    ("government", "政府/部门"),
    ("command", "指挥部"),
    ("university", "高校"),
    ("school", "中小学/幼儿园"),
    ("hospital", "医院"),
    ("agency", "事业单位/直属单位"),
    ("department", "院系/科室"),
    ("enterprise", "企业"),
    ("social", "社会组织"),
    ("other", "其他"),
];

/// Project categories; the first five are livelihood (民生).
pub const PROJECT_CATEGORIES: &[(&str, &str)] = &[
    ("housing", "民生·安居"),
    ("education", "民生·教育"),
    ("health", "民生·医疗"),
    ("culture", "民生·文化"),
    ("employment", "民生·就业"),
    ("industry", "产业"),
    ("infrastructure", "基础设施"),
    ("talent", "人才"),
    ("intellectual", "智力"),
    ("other", "其他"),
];

/// Whether a project category counts as livelihood (民生).
pub fn is_livelihood(category: &str) -> bool {
    matches!(category, "housing" | "education" | "health" | "culture" | "employment")
}

/// Sources of money.
pub const FUNDING_SOURCES: &[(&str, &str)] = &[
    ("supporter", "援助资金"),
    ("central", "中央资金"),
    ("local", "地方配套"),
    ("social", "社会资金"),
    ("enterprise", "企业投资"),
    ("other", "其他"),
];

/// Roles of dispatched people.
pub const DISPATCH_ROLES: &[(&str, &str)] = &[
    ("cadre", "援派干部"),
    ("teacher", "支教教师"),
    ("doctor", "援医人员"),
    ("expert", "专家"),
    ("manager", "管理人员"),
    ("technician", "技术人员"),
];

/// Whom an activity is for (全员培训, 骨干教师培养 …).
pub const AUDIENCES: &[(&str, &str)] = &[
    ("all_staff", "全体教职工"),
    ("backbone", "骨干教师"),
    ("teachers", "教师"),
    ("managers", "管理人员"),
    ("cadres", "干部"),
    ("students", "学生"),
    ("professionals", "专业技术人员"),
    ("public", "群众"),
    ("other", "其他"),
];

/// Kinds of activity.
pub const ACTIVITY_KINDS: &[(&str, &str)] = &[
    ("visit", "互访"),
    ("meeting", "会议"),
    ("lecture", "学术报告/讲座"),
    ("training", "培训"),
    ("teaching", "授课"),
    ("teaching_research", "教研"),
    ("inspection", "巡查/监督检查"),
    ("donation", "捐赠"),
    ("camp", "夏令营"),
    ("event", "赛事"),
    ("exchange", "交流"),
    ("enrollment", "招生/学位培养"),
    ("research", "科研合作"),
    ("other", "其他"),
];

const CONFIRMATIONS: &[(&str, &str)] = &[("pending", "待确认"), ("confirmed", "已确认"), ("disputed", "有异议")];

/// The fields every confirmable fact carries, all set by the server.
pub const CONFIRMATION_FIELDS: &[Field] = &[
    server(f("confirmation", "确认状态", FieldKind::Enum(CONFIRMATIONS))),
    server(id_ref("confirmed_by", "确认人", "users")),
    server(f("confirmed_at", "确认时间", FieldKind::Text)),
    server(max(f("dispute_reason", "异议理由", FieldKind::Text), 1000)),
];

/// Every entity of the record, in dependency order (parents first).
pub static ENTITIES: &[EntityDef] = &[
    EntityDef {
        name: "regions",
        label: "行政区划",
        fields: &[
            req(max(f("code", "区划代码", FieldKind::Text), 12)),
            req(f("name", "名称", FieldKind::Text)),
            req(f(
                "level",
                "层级",
                FieldKind::Enum(&[("province", "省级"), ("prefecture", "地级"), ("county", "县级")]),
            )),
            region_ref("parent_code", "上级区划"),
            f("aliases", "别名/曾用名", FieldKind::Text),
        ],
        owner: Owner::Reference,
        confirmable: false,
        natural_key: &["code"],
        search: &["name", "aliases", "code"],
        pairing_via: None,
        rules: &[Rule::Different("code", "parent_code")],
        default_sort: "code",
    },
    EntityDef {
        name: "orgs",
        label: "单位",
        fields: &[
            req(f("name", "名称", FieldKind::Text)),
            max(f("short_name", "简称", FieldKind::Text), 50),
            req(f("kind", "单位类型", FieldKind::Enum(ORG_KINDS))),
            region_ref("region_code", "所在区划"),
            id_ref("parent_id", "上级单位", "orgs"),
            f("attributes", "属性", FieldKind::Json(JsonShape::Object)),
            f("note", "备注", FieldKind::LongText),
        ],
        owner: Owner::Org,
        confirmable: false,
        natural_key: &["name"],
        search: &["name", "short_name", "note"],
        pairing_via: None,
        rules: &[],
        default_sort: "id",
    },
    EntityDef {
        name: "programs",
        label: "计划",
        fields: &[
            req(f("name", "名称", FieldKind::Text)),
            req(id_ref("authority_org_id", "主管单位", "orgs")),
            f("start_date", "开始日期", FieldKind::Date),
            f("end_date", "结束日期", FieldKind::Date),
            f("calendar", "校历/年历", FieldKind::Json(JsonShape::Calendar)),
            f("rating_scale", "评定等次", FieldKind::Json(JsonShape::RatingScale)),
            dflt(f("only_confirmed", "仅计已确认事实", FieldKind::Bool), "true"),
            f("warn_share", "预警时点（考核期已过比例，默认 0.5）", FieldKind::Qty),
            dflt(f("published", "公开", FieldKind::Bool), "false"),
            f("description", "说明", FieldKind::LongText),
        ],
        owner: Owner::Program,
        confirmable: false,
        natural_key: &["name"],
        search: &["name", "description"],
        pairing_via: None,
        rules: &[
            Rule::DateOrder("start_date", "end_date"),
            Rule::NotAbove("warn_share", 1),
        ],
        default_sort: "id",
    },
    EntityDef {
        name: "pairings",
        label: "结对",
        fields: &[
            req(id_ref("program_id", "所属计划", "programs")),
            req(id_ref("supporter_org_id", "支援方", "orgs")),
            req(id_ref("receiver_org_id", "受援方", "orgs")),
            req(f("level", "结对层级", FieldKind::Enum(PAIRING_LEVELS))),
            f("start_date", "开始日期", FieldKind::Date),
            f("end_date", "结束日期", FieldKind::Date),
            id_ref("parent_id", "上级结对", "pairings"),
            f("note", "备注", FieldKind::LongText),
            dflt(
                f("withheld", "不公开（计划公开时仍不公开本结对）", FieldKind::Bool),
                "false",
            ),
        ],
        owner: Owner::Program,
        confirmable: false,
        natural_key: &["program_id", "supporter_org_id", "receiver_org_id", "level"],
        search: &["note"],
        pairing_via: None,
        rules: &[
            Rule::Different("supporter_org_id", "receiver_org_id"),
            Rule::DateOrder("start_date", "end_date"),
        ],
        default_sort: "id",
    },
    EntityDef {
        name: "documents",
        label: "文档",
        fields: &[
            req(f(
                "kind",
                "文档类型",
                FieldKind::Enum(&[
                    ("agreement_text", "协议文本"),
                    ("minutes", "会议纪要"),
                    ("briefing", "简报"),
                    ("summary", "工作总结"),
                    ("plan", "方案/计划"),
                    ("other", "其他"),
                ]),
            )),
            req(f("title", "标题", FieldKind::Text)),
            f("doc_date", "日期", FieldKind::Date),
            id_ref("program_id", "相关计划", "programs"),
            id_ref("pairing_id", "相关结对", "pairings"),
            f("file_name", "文件名", FieldKind::Text),
            server(f("content_type", "文件类型", FieldKind::Text)),
            server(f("size", "大小（字节）", FieldKind::Int)),
            server(max(f("sha256", "校验值", FieldKind::Text), 64)),
            server(max(f("text", "文本内容", FieldKind::LongText), 10_000_000)),
            f("note", "备注", FieldKind::LongText),
        ],
        owner: Owner::Document,
        confirmable: false,
        natural_key: &[],
        search: &["title", "file_name", "text", "note"],
        pairing_via: None,
        rules: &[],
        default_sort: "id",
    },
    EntityDef {
        name: "agreements",
        label: "协议",
        fields: &[
            req(id_ref("pairing_id", "结对", "pairings")),
            req(f(
                "kind",
                "协议类型",
                FieldKind::Enum(&[
                    ("agreement", "协议"),
                    ("memorandum", "备忘录"),
                    ("responsibility_letter", "责任书"),
                    ("plan", "实施方案"),
                ]),
            )),
            req(f("title", "标题", FieldKind::Text)),
            f(
                "tier",
                "签订层级",
                FieldKind::Enum(&[("institution", "校级/省级"), ("department", "院级/部门级")]),
            ),
            f("signed_on", "签订日期", FieldKind::Date),
            f("valid_until", "有效期至", FieldKind::Date),
            id_ref("document_id", "协议文本", "documents"),
            f("note", "备注", FieldKind::LongText),
        ],
        owner: Owner::Program,
        confirmable: false,
        natural_key: &["pairing_id", "title"],
        search: &["title", "note"],
        pairing_via: None,
        rules: &[Rule::DateOrder("signed_on", "valid_until")],
        default_sort: "id",
    },
    EntityDef {
        name: "obligations",
        label: "目标任务",
        fields: &[
            id_ref("program_id", "计划（对所有结对）", "programs"),
            id_ref("agreement_id", "协议（对一个结对）", "agreements"),
            id_ref("assigned_org_id", "责任单位", "orgs"),
            f("year", "年度", FieldKind::Int),
            req(f("title", "任务", FieldKind::Text)),
            f("weight", "权重", FieldKind::Qty),
            req(f("rule", "规则", FieldKind::Json(JsonShape::ObligationRule))),
            f("note", "备注", FieldKind::LongText),
        ],
        owner: Owner::Program,
        confirmable: false,
        natural_key: &[],
        search: &["title", "note"],
        pairing_via: None,
        rules: &[Rule::ExactlyOne(&["program_id", "agreement_id", "assigned_org_id"])],
        default_sort: "id",
    },
    EntityDef {
        name: "needs",
        label: "需求",
        fields: &[
            req(id_ref("pairing_id", "结对", "pairings")),
            req(f("title", "需求", FieldKind::Text)),
            f(
                "category",
                "类别",
                FieldKind::Enum(&[
                    ("teaching", "教学/课程"),
                    ("talent", "人才/师资"),
                    ("training", "培训"),
                    ("research", "科研"),
                    ("equipment", "设备物资"),
                    ("funding", "资金"),
                    ("project", "项目"),
                    ("management", "管理"),
                    ("other", "其他"),
                ]),
            ),
            f(
                "priority",
                "优先级",
                FieldKind::Enum(&[("high", "高"), ("medium", "中"), ("low", "低")]),
            ),
            dflt(
                f(
                    "status",
                    "状态",
                    FieldKind::Enum(&[
                        ("open", "待落实"),
                        ("in_progress", "落实中"),
                        ("met", "已满足"),
                        ("dropped", "已撤销"),
                    ]),
                ),
                "open",
            ),
            f("raised_on", "提出日期", FieldKind::Date),
            f("met_on", "满足日期", FieldKind::Date),
            f("description", "说明", FieldKind::LongText),
        ],
        owner: Owner::Receiver,
        confirmable: false,
        natural_key: &["pairing_id", "title"],
        search: &["title", "description"],
        pairing_via: None,
        rules: &[Rule::DateOrder("raised_on", "met_on")],
        default_sort: "id",
    },
    EntityDef {
        name: "projects",
        label: "援建项目",
        fields: &[
            req(id_ref("pairing_id", "结对", "pairings")),
            req(f("name", "项目名称", FieldKind::Text)),
            req(f("category", "项目类别", FieldKind::Enum(PROJECT_CATEGORIES))),
            region_ref("region_code", "建设地点"),
            f(
                "delivery_mode",
                "援建方式",
                FieldKind::Enum(&[("turnkey", "交钥匙"), ("cheque", "交支票"), ("other", "其他")]),
            ),
            max(f("plan_batch", "计划批次", FieldKind::Text), 100),
            f("approved_on", "立项日期", FieldKind::Date),
            f("started_on", "开工日期", FieldKind::Date),
            f("completed_on", "竣工日期", FieldKind::Date),
            f("accepted_on", "验收日期", FieldKind::Date),
            f("handed_over_on", "移交日期", FieldKind::Date),
            f("total_investment", "总投资", FieldKind::Money),
            f("leveraged_investment", "带动投资", FieldKind::Money),
            f("description", "说明", FieldKind::LongText),
        ],
        owner: Owner::Supporter,
        confirmable: true,
        natural_key: &["pairing_id", "name"],
        search: &["name", "description", "plan_batch"],
        pairing_via: None,
        rules: &[
            Rule::DateOrder("approved_on", "started_on"),
            Rule::DateOrder("started_on", "completed_on"),
            Rule::DateOrder("completed_on", "accepted_on"),
            Rule::DateOrder("accepted_on", "handed_over_on"),
        ],
        default_sort: "id",
    },
    EntityDef {
        name: "project_funding",
        label: "资金构成",
        fields: &[
            req(id_ref("project_id", "项目", "projects")),
            server(id_ref("pairing_id", "结对", "pairings")),
            req(f("source", "资金来源", FieldKind::Enum(FUNDING_SOURCES))),
            req(f("amount", "金额", FieldKind::Money)),
            f("note", "备注", FieldKind::Text),
        ],
        owner: Owner::Supporter,
        confirmable: true,
        natural_key: &["project_id", "source"],
        search: &["note"],
        pairing_via: Some(("project_id", "projects")),
        rules: &[],
        default_sort: "id",
    },
    EntityDef {
        name: "transactions",
        label: "资金往来",
        fields: &[
            req(id_ref("project_id", "项目", "projects")),
            server(id_ref("pairing_id", "结对", "pairings")),
            req(f(
                "kind",
                "类型",
                FieldKind::Enum(&[
                    ("commitment", "计划投资/承诺"),
                    ("disbursement", "拨付/到位"),
                    ("expenditure", "支出"),
                ]),
            )),
            req(f("source", "资金来源", FieldKind::Enum(FUNDING_SOURCES))),
            req(f("amount", "金额", FieldKind::Money)),
            req(f("date", "日期", FieldKind::Date)),
            f("note", "备注", FieldKind::Text),
        ],
        owner: Owner::Supporter,
        confirmable: true,
        natural_key: &[],
        search: &["note"],
        pairing_via: Some(("project_id", "projects")),
        rules: &[],
        default_sort: "date",
    },
    EntityDef {
        name: "outputs",
        label: "建设内容/产出",
        fields: &[
            req(id_ref("project_id", "项目", "projects")),
            server(id_ref("pairing_id", "结对", "pairings")),
            req(f("name", "产出", FieldKind::Text)),
            req(max(f("unit", "单位", FieldKind::Text), 20)),
            f("planned", "计划数量", FieldKind::Qty),
            f("started", "开工数量", FieldKind::Qty),
            f("completed", "完成数量", FieldKind::Qty),
            f("as_of", "截至日期", FieldKind::Date),
        ],
        owner: Owner::Supporter,
        confirmable: true,
        natural_key: &["project_id", "name"],
        search: &["name"],
        pairing_via: Some(("project_id", "projects")),
        rules: &[],
        default_sort: "id",
    },
    EntityDef {
        name: "people",
        label: "人员",
        fields: &[
            req(max(f("name", "姓名", FieldKind::Text), 50)),
            f("gender", "性别", FieldKind::Enum(&[("male", "男"), ("female", "女")])),
            f("birth_year", "出生年份", FieldKind::Int),
            max(f("ethnicity", "民族", FieldKind::Text), 20),
            f(
                "education",
                "学历",
                FieldKind::Enum(&[
                    ("doctorate", "博士研究生"),
                    ("master", "硕士研究生"),
                    ("bachelor", "大学本科"),
                    ("college", "大专"),
                    ("other", "其他"),
                ]),
            ),
            max(f("title", "职称", FieldKind::Text), 50),
            f(
                "title_level",
                "职称级别",
                FieldKind::Enum(&[
                    ("senior", "高级"),
                    ("intermediate", "中级"),
                    ("junior", "初级"),
                    ("none", "无"),
                ]),
            ),
            id_ref("home_org_id", "派出单位", "orgs"),
            f("note", "备注", FieldKind::LongText),
        ],
        owner: Owner::Person,
        confirmable: false,
        natural_key: &[],
        search: &["name", "title", "note"],
        pairing_via: None,
        rules: &[],
        default_sort: "id",
    },
    EntityDef {
        name: "dispatches",
        label: "援派",
        fields: &[
            req(id_ref("pairing_id", "结对", "pairings")),
            req(id_ref("person_id", "人员", "people")),
            req(f("role", "援派类别", FieldKind::Enum(DISPATCH_ROLES))),
            f("batch", "批次", FieldKind::Int),
            dflt(
                f(
                    "direction",
                    "派遣方向",
                    FieldKind::Enum(&[
                        ("to_receiver", "支援方派往受援方"),
                        ("to_supporter", "受援方派往支援方"),
                    ]),
                ),
                "to_receiver",
            ),
            id_ref("home_org_id", "派出单位", "orgs"),
            id_ref("host_org_id", "接收单位", "orgs"),
            max(f("post", "挂职岗位", FieldKind::Text), 100),
            f("start_date", "开始日期", FieldKind::Date),
            f("end_date", "结束日期", FieldKind::Date),
            f("note", "备注", FieldKind::LongText),
        ],
        owner: Owner::Supporter,
        confirmable: true,
        natural_key: &[],
        search: &["post", "note"],
        pairing_via: None,
        rules: &[Rule::DateOrder("start_date", "end_date")],
        default_sort: "id",
    },
    EntityDef {
        name: "stints",
        label: "支教时段",
        fields: &[
            req(id_ref("dispatch_id", "援派", "dispatches")),
            server(id_ref("pairing_id", "结对", "pairings")),
            req(f("start_date", "开始日期", FieldKind::Date)),
            req(f("end_date", "结束日期", FieldKind::Date)),
            f("note", "备注", FieldKind::Text),
        ],
        owner: Owner::Supporter,
        confirmable: true,
        natural_key: &["dispatch_id", "start_date"],
        search: &["note"],
        pairing_via: Some(("dispatch_id", "dispatches")),
        rules: &[Rule::DateOrder("start_date", "end_date")],
        default_sort: "start_date",
    },
    EntityDef {
        name: "appraisals",
        label: "年度考核",
        fields: &[
            req(id_ref("dispatch_id", "援派", "dispatches")),
            server(id_ref("pairing_id", "结对", "pairings")),
            req(f("year", "年度", FieldKind::Int)),
            req(f(
                "grade",
                "考核等次",
                FieldKind::Enum(&[
                    ("excellent", "优秀"),
                    ("competent", "称职"),
                    ("basically_competent", "基本称职"),
                    ("incompetent", "不称职"),
                ]),
            )),
            f("comment", "评语", FieldKind::LongText),
        ],
        owner: Owner::Receiver,
        confirmable: false,
        natural_key: &["dispatch_id", "year"],
        search: &["comment"],
        pairing_via: Some(("dispatch_id", "dispatches")),
        rules: &[],
        default_sort: "id",
    },
    EntityDef {
        name: "activities",
        label: "活动",
        fields: &[
            req(id_ref("pairing_id", "结对", "pairings")),
            req(f("kind", "活动类型", FieldKind::Enum(ACTIVITY_KINDS))),
            req(f("title", "标题", FieldKind::Text)),
            f("audience", "对象", FieldKind::Enum(AUDIENCES)),
            req(f("start_date", "开始日期", FieldKind::Date)),
            f("end_date", "结束日期", FieldKind::Date),
            region_ref("region_code", "地点"),
            f("person_times", "人次", FieldKind::Int),
            f("sessions", "场次", FieldKind::Int),
            f("courses", "门次", FieldKind::Int),
            f("hours", "课时", FieldKind::Int),
            f("items", "台（套/件）", FieldKind::Int),
            f("amount", "金额", FieldKind::Money),
            max(f("participants", "参加人员", FieldKind::Text), 2000),
            id_ref("project_id", "相关项目", "projects"),
            id_ref("dispatch_id", "相关援派", "dispatches"),
            id_ref("need_id", "相关需求", "needs"),
            f("description", "说明", FieldKind::LongText),
        ],
        owner: Owner::Supporter,
        confirmable: true,
        natural_key: &[],
        search: &["title", "participants", "description"],
        pairing_via: None,
        rules: &[Rule::DateOrder("start_date", "end_date")],
        default_sort: "start_date",
    },
    EntityDef {
        name: "indicators",
        label: "指标",
        fields: &[
            req(max(f("code", "代码", FieldKind::Text), 50)),
            req(f("name", "名称", FieldKind::Text)),
            req(max(f("unit", "单位", FieldKind::Text), 20)),
            f(
                "aggregation",
                "汇总方式",
                FieldKind::Enum(&[
                    ("sum", "求和"),
                    ("average", "平均"),
                    ("last", "期末值"),
                    ("rate", "比率"),
                ]),
            ),
            f("description", "说明", FieldKind::LongText),
        ],
        owner: Owner::Reference,
        confirmable: false,
        natural_key: &["code"],
        search: &["code", "name", "description"],
        pairing_via: None,
        rules: &[],
        default_sort: "id",
    },
    EntityDef {
        name: "indicator_values",
        label: "指标值",
        fields: &[
            req(id_ref("indicator_id", "指标", "indicators")),
            region_ref("region_code", "区划"),
            id_ref("org_id", "单位", "orgs"),
            req(f("period", "期间", FieldKind::Period)),
            req(f("value", "数值", FieldKind::Qty)),
            f("source", "数据来源", FieldKind::Text),
            f("note", "备注", FieldKind::Text),
        ],
        owner: Owner::Shared,
        confirmable: false,
        natural_key: &["indicator_id", "region_code", "org_id", "period"],
        search: &["source", "note"],
        pairing_via: None,
        rules: &[Rule::ExactlyOne(&["region_code", "org_id"])],
        default_sort: "period",
    },
    EntityDef {
        name: "document_links",
        label: "文档关联",
        fields: &[
            req(id_ref("document_id", "文档", "documents")),
            req(f(
                "entity",
                "关联对象类型",
                FieldKind::Enum(&[
                    ("programs", "计划"),
                    ("pairings", "结对"),
                    ("agreements", "协议"),
                    ("projects", "项目"),
                    ("dispatches", "援派"),
                    ("activities", "活动"),
                    ("needs", "需求"),
                ]),
            )),
            req(f("entity_id", "关联对象编号", FieldKind::Int)),
        ],
        owner: Owner::Link,
        confirmable: false,
        natural_key: &["document_id", "entity", "entity_id"],
        search: &[],
        pairing_via: None,
        rules: &[],
        default_sort: "id",
    },
    EntityDef {
        name: "notes",
        label: "工作记述",
        fields: &[
            req(id_ref("pairing_id", "结对", "pairings")),
            req(f(
                "kind",
                "类别",
                FieldKind::Enum(&[
                    ("problem", "存在问题"),
                    ("plan", "下一步计划/建议"),
                    ("highlight", "做法与经验"),
                ]),
            )),
            f("period", "期间", FieldKind::Period),
            req(f("text", "内容", FieldKind::LongText)),
        ],
        owner: Owner::Shared,
        confirmable: false,
        natural_key: &[],
        search: &["text"],
        pairing_via: None,
        rules: &[],
        default_sort: "id",
    },
    EntityDef {
        name: "supervisions",
        label: "督办",
        fields: &[
            req(id_ref("pairing_id", "结对", "pairings")),
            req(id_ref("obligation_id", "目标任务", "obligations")),
            req(f("period", "考核期", FieldKind::Period)),
            req(max(f("note", "督办意见", FieldKind::Text), 2000)),
            f("due_on", "整改期限", FieldKind::Date),
            dflt(
                f(
                    "status",
                    "状态",
                    FieldKind::Enum(&[("open", "督办中"), ("resolved", "已办结")]),
                ),
                "open",
            ),
            f("resolution", "办结说明", FieldKind::LongText),
            f("resolved_on", "办结日期", FieldKind::Date),
        ],
        owner: Owner::Program,
        confirmable: false,
        natural_key: &["pairing_id", "obligation_id", "period"],
        search: &["note", "resolution"],
        pairing_via: None,
        rules: &[],
        default_sort: "due_on",
    },
    EntityDef {
        name: "extractions",
        label: "抽取的数字事实",
        fields: &[
            server(id_ref("document_id", "文档", "documents")),
            server(id_ref("pairing_id", "结对", "pairings")),
            server(f("period", "期间", FieldKind::Period)),
            server(f("quote", "原文", FieldKind::Text)),
            server(f("start", "位置（字符）", FieldKind::Int)),
            server(max(f("value", "数值", FieldKind::Text), 60)),
            server(max(f("unit", "单位", FieldKind::Text), 20)),
            server(f("measure", "所指", FieldKind::Text)),
            server(max(f("kind", "类别", FieldKind::Text), 20)),
            server(max(f("target", "建议记录类型", FieldKind::Text), 40)),
            server(f("draft", "建议记录", FieldKind::Json(JsonShape::Object))),
            server(f(
                "status",
                "状态",
                FieldKind::Enum(&[("pending", "待审核"), ("accepted", "已采纳"), ("dropped", "已舍弃")]),
            )),
            server(f("record_id", "生成的记录", FieldKind::Int)),
            server(id_ref("decided_by", "审核人", "users")),
        ],
        owner: Owner::System,
        confirmable: false,
        natural_key: &[],
        search: &["quote", "measure"],
        pairing_via: None,
        rules: &[],
        default_sort: "start",
    },
    EntityDef {
        name: "assessments",
        label: "考核评估",
        fields: &[
            server(id_ref("program_id", "计划", "programs")),
            server(id_ref("pairing_id", "结对（空为整个计划）", "pairings")),
            server(f("period", "考核期间", FieldKind::Period)),
            server(f("as_of", "评估日期", FieldKind::Date)),
            server(f(
                "status",
                "状态",
                FieldKind::Enum(&[("draft", "草稿"), ("signed", "已签署")]),
            )),
            server(f("score", "得分", FieldKind::Qty)),
            server(max(f("rating", "等次", FieldKind::Text), 20)),
            server(f("results", "评估结果", FieldKind::Json(JsonShape::Object))),
            server(f("comments", "评审意见", FieldKind::LongText)),
            server(id_ref("reviewer_id", "评审人", "users")),
            server(id_ref("signed_by", "签署人", "users")),
            server(f("signed_at", "签署时间", FieldKind::Text)),
        ],
        owner: Owner::System,
        confirmable: false,
        natural_key: &[],
        search: &["comments", "rating"],
        pairing_via: None,
        rules: &[],
        default_sort: "id",
    },
    EntityDef {
        name: "period_locks",
        label: "期间锁定",
        fields: &[
            server(id_ref("pairing_id", "结对", "pairings")),
            server(f("start_date", "开始日期", FieldKind::Date)),
            server(f("end_date", "结束日期", FieldKind::Date)),
            server(id_ref("assessment_id", "考核评估", "assessments")),
        ],
        owner: Owner::System,
        confirmable: false,
        natural_key: &[],
        search: &[],
        pairing_via: None,
        rules: &[],
        default_sort: "id",
    },
];

/// The entity named `name` (plural, as in the API path).
pub fn entity(name: &str) -> Option<&'static EntityDef> {
    ENTITIES.iter().find(|e| e.name == name)
}

/// The Chinese label of a value of an entity's enum field (`dispatches`, `role`, `teacher` → 支教教师); the value
/// itself for other fields or unknown values.
pub fn value_label(entity_name: &str, field: &str, value: &str) -> String {
    entity(entity_name)
        .and_then(|d| d.field(field))
        .and_then(|f| match f.kind {
            FieldKind::Enum(options) => options.iter().find(|(v, _)| *v == value).map(|(_, l)| l.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| value.to_string())
}

/// The Chinese label of an enum value, or the value itself when unknown.
pub fn enum_label(options: &'static [(&'static str, &'static str)], value: &str) -> &'static str {
    options.iter().find(|(v, _)| *v == value).map(|(_, l)| *l).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_point_to_known_entities_defined_earlier() {
        for (i, e) in ENTITIES.iter().enumerate() {
            for fld in e.fields {
                if let Some((target, _)) = fld.refs {
                    if target == "users" || target == e.name {
                        continue;
                    }
                    let pos = ENTITIES.iter().position(|x| x.name == target);
                    assert!(pos.is_some(), "{}.{} refers to unknown {target}", e.name, fld.name);
                    assert!(pos.unwrap() < i, "{}.{} refers to later {target}", e.name, fld.name);
                }
            }
            for k in e.natural_key.iter().chain(e.search) {
                assert!(e.field(k).is_some(), "{}: unknown key/search field {k}", e.name);
            }
            if let Some((parent, _)) = e.pairing_via {
                assert!(e.field(parent).is_some());
                assert!(e.field("pairing_id").is_some_and(|p| p.server));
            }
        }
    }
}
