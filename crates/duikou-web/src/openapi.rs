//! The OpenAPI 3 document, generated from the same entity descriptions the API serves, so the two cannot drift.

use duikou_domain::schema::{EntityDef, Field, FieldKind, CONFIRMATION_FIELDS, ENTITIES};
use duikou_store::import::IMPORTABLE;
use serde_json::{json, Map, Value};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A date at its precision: a year, a month or a day. Reads answer in these written forms; a write may also send the
/// Chinese forms (2011年, 2014年6月, 2014年6月15日) and 2014-6, 2014.06, 2014/06.
fn date_schema() -> Value {
    json!({"type": "string", "pattern": DATE_PATTERN, "example": "2014-06",
           "description": "日期，按已知精度：年 2011、年月 2014-06 或年月日 2014-06-15（写入时也可用 2011年、2014年6月、2014.06 等）"})
}

/// The written forms of a date at its three precisions.
/// Every form a write accepts (reads answer the first three: `2011`, `2014-06`, `2014-06-15`): a year, a year and
/// month or a day with `-`, `/` or `.` (one kind per date, months and days of one or two digits), eight digits run
/// together, the Chinese `2011年`, `2014年6月`, `2014年6月15日`, and blank space around (as the parser trims it).
pub const DATE_PATTERN: &str = "^[\\s\\u0085]*[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?|/[0-9]{1,2}(/[0-9]{1,2})?|\\.[0-9]{1,2}(\\.[0-9]{1,2})?|[0-9]{4}|年([0-9]{1,2}月([0-9]{1,2}日)?)?)?[\\s\\u0085]*$";

fn field_schema(f: &Field) -> Value {
    let mut s = match f.kind {
        FieldKind::Int => json!({"type": "integer", "format": "int64"}),
        FieldKind::Text | FieldKind::LongText => json!({"type": "string", "maxLength": f.max_len}),
        FieldKind::Date => date_schema(),
        FieldKind::Money => {
            json!({"type": "string", "description": "金额（元，两位小数；输入可带 万/亿）", "example": "37000000.00"})
        }
        FieldKind::Qty => json!({"type": "number"}),
        FieldKind::Bool => json!({"type": "boolean"}),
        FieldKind::Json(_) => json!({"type": "object"}),
        FieldKind::Enum(options) => {
            let values: Vec<&str> = options.iter().map(|(v, _)| *v).collect();
            let labels: Vec<String> = options.iter().map(|(v, l)| format!("{v}={l}")).collect();
            json!({"type": "string", "enum": values, "description": labels.join("，")})
        }
        FieldKind::Period => {
            json!({"type": "string", "example": "2014-2015S1", "description": "期间：2014、2014H1、2014Q3、2014-06、2014-2015、2014-2015S1、起..止、十二五、term"})
        }
    };
    if let (Some(base), Some(o)) = (f.companion, s.as_object_mut()) {
        let what = if matches!(f.kind, FieldKind::Enum(_)) {
            format!("{base} 的限定词（中文原词）；null 为确数")
        } else {
            format!("{base} 为范围时的上限（与 {base} 同单位，不小于 {base}）；null 为非范围")
        };
        o.insert("description".into(), Value::from(what));
    }
    if let Some(o) = s.as_object_mut() {
        let prefix = o
            .get("description")
            .and_then(Value::as_str)
            .map(|d| format!("{}。{d}", f.label));
        o.insert(
            "description".into(),
            Value::from(prefix.unwrap_or_else(|| f.label.to_string())),
        );
        if let Some((entity, key)) = f.refs {
            o.insert("x-references".into(), Value::from(format!("{entity}.{key}")));
        }
        if f.server {
            o.insert("readOnly".into(), Value::from(true));
        }
        // a field a caller may leave out is stored and answered as null (and may be cleared with null); a field with a
        // default takes its default when sent as null
        if f.server || !f.required || f.default.is_some() {
            o.insert("nullable".into(), Value::from(true));
            // in OpenAPI 3.0 an enum lists every value allowed, null included
            if let Some(Value::Array(values)) = o.get_mut("enum") {
                values.push(Value::Null);
            }
        }
    }
    s
}

/// A field as a caller may send it: money also as a plain number of yuan (the answer always gives a string); an
/// approximate figure also in its written form, which the server splits into the value and its companions.
fn input_schema(f: &Field) -> Value {
    let s = field_schema(f);
    let written = json!({"type": "string", "maxLength": 60, "example": "1500余",
        "description": "书面写法：数字可带限定词（余、多、近、约、左右、以上、不少于、至少、以下）或范围（20-50、20～50、20至50），可带单位（1500余课时、约1000万元、50人以上）；服务器拆分为数值、{字段}_approx 与 {字段}_upper"});
    match f.kind {
        FieldKind::Money if f.approx => {
            json!({"anyOf": [s, {"type": "number", "description": "金额（元）"}, written], "nullable": !f.required})
        }
        FieldKind::Money => {
            json!({"anyOf": [s, {"type": "number", "description": "金额（元）"}], "nullable": !f.required})
        }
        _ if f.approx => json!({"anyOf": [s, written], "nullable": !f.required}),
        _ => s,
    }
}

fn entity_schemas(e: &EntityDef) -> (Value, Value, Value) {
    let mut props = Map::new();
    props.insert("id".into(), json!({"type": "integer", "readOnly": true}));
    props.insert(
        "version".into(),
        json!({"type": "integer", "readOnly": true, "description": "版本号：修改时回传以检测并发修改"}),
    );
    props.insert(
        "created_at".into(),
        json!({"type": "string", "format": "date-time", "readOnly": true}),
    );
    props.insert(
        "updated_at".into(),
        json!({"type": "string", "format": "date-time", "readOnly": true}),
    );
    let confirm: &[Field] = if e.confirmable { CONFIRMATION_FIELDS } else { &[] };
    let mut input = Map::new();
    let mut required = Vec::new();
    for f in e.fields.iter().chain(confirm) {
        props.insert(f.name.into(), field_schema(f));
        if !f.server {
            input.insert(f.name.into(), input_schema(f));
            if f.required {
                required.push(f.name);
            }
        }
    }
    let mut patch = input.clone();
    patch.insert(
        "version".into(),
        json!({"type": "integer", "nullable": true, "description": "读取时的版本号：与当前不符时拒绝（409），以免覆盖他人的修改；不给或 null 则不检查"}),
    );
    (
        json!({"type": "object", "description": e.label, "properties": props}),
        json!({"type": "object", "description": format!("{}（新建）", e.label), "properties": input, "required": required, "additionalProperties": false}),
        json!({"type": "object", "description": format!("{}（修改：只给出要改的字段）", e.label), "properties": patch, "additionalProperties": false}),
    )
}

fn name(e: &EntityDef) -> String {
    e.name
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The error answer every operation may give: 4XX with the JSON error body.
fn error_response() -> Value {
    json!({"description": "输入有误、未登录、无权限、不存在或冲突：稳定的 code、中文 message 与出错字段 field",
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// The answer when the database is busy (a write held its lock past the wait): any operation may get it, an import or
/// an upload most likely; nothing was written, and the same request may succeed after `Retry-After` seconds.
fn busy_response() -> Value {
    json!({"description": "数据库正忙（其他写入占用时间过长）：什么也没写入，请在 Retry-After 秒后重试；code 为 busy",
           "headers": {"Retry-After": {"description": "建议等待的秒数", "schema": {"type": "integer", "minimum": 1}}},
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// One operation answering `ok.0` with a JSON body of schema `ok.1` (no body for 204), or an error.
fn op(summary: &str, tag: &str, params: Vec<Value>, body: Option<Value>, ok: (&str, Value)) -> Value {
    let success = if ok.0 == "204" {
        json!({"description": "成功（无内容）"})
    } else {
        json!({"description": "成功", "content": {"application/json": {"schema": ok.1}}})
    };
    raw_op(summary, tag, params, body, ok.0, success)
}

/// The dashboard's answer: its sums in raw units (`*_fen` in fen) and, beside each sum that is approximate, the
/// total as the summing rule writes it (`*_figure`: 1500余课时, 约1000万元, 20—50人次).
fn dashboard_schemas(schemas: &mut Map<String, Value>) {
    let figure = json!({"$ref": "#/components/schemas/TotalFigure"});
    let int = json!({"type": "integer"});
    let text = json!({"type": "string"});
    schemas.insert("TotalFigure".into(), json!({
        "type": "object", "required": ["approx", "upper", "written"],
        "description": "合计的书面写法，仅当合计为约数或范围时出现（缺省即准确，数值本身就是合计）：全部成员为准确数时准确；含“余/多/以上/不少于/至少”者（其余准确）为“余”，含“近/以下”者为“近”，含“约/左右”或两类并存为“约”；范围上下限分别相加，带限定词的范围为“约”",
        "properties": {
            "approx": {"type": "string", "enum": ["余", "近", "约"], "nullable": true, "description": "合计的限定词，准确时为 null"},
            "upper": {"type": "integer", "nullable": true, "description": "范围合计的上限（与数值同单位，金额为分），不是范围时为 null"},
            "written": {"type": "string", "description": "书面写法，如 1500余课时、约1000万元、20—50人次"}}}));
    let money_row = |extra: &[(&str, Value)]| {
        let mut props = Map::new();
        for (k, v) in [
            ("year", int.clone()),
            ("source", text.clone()),
            ("amount_fen", int.clone()),
            ("confirmed_fen", int.clone()),
            ("n", int.clone()),
            ("amount_figure", figure.clone()),
            ("confirmed_figure", figure.clone()),
        ] {
            props.insert(k.into(), v);
        }
        for (k, v) in extra {
            props.insert((*k).into(), v.clone());
        }
        json!({"type": "object", "required": ["year", "source", "amount_fen", "confirmed_fen", "n"], "properties": props})
    };
    schemas.insert(
        "DashboardMoney".into(),
        money_row(&[("category", text.clone()), ("kind", text.clone())]),
    );
    schemas.insert("DashboardMoneyYearSource".into(), money_row(&[]));
    schemas.insert("DashboardProjects".into(), json!({
        "type": "object", "required": ["category", "n", "planned", "started", "completed", "investment_fen"],
        "properties": {"category": text, "n": int, "planned": int, "started": int, "completed": int,
            "investment_fen": int, "investment_figure": figure, "start_rate": {"type": "number"}, "completion_rate": {"type": "number"}}}));
    let quantities = ["person_times", "sessions", "courses", "hours", "items"];
    let mut act = Map::new();
    let mut required = vec![];
    for (k, v) in [
        ("kind", text.clone()),
        ("month", text.clone()),
        ("n", int.clone()),
        ("confirmed", int.clone()),
        ("amount_fen", int.clone()),
    ] {
        act.insert(k.into(), v);
        required.push(k.to_string());
    }
    for q in quantities.iter().chain(&["amount"]) {
        if *q != "amount" {
            act.insert(q.to_string(), int.clone());
            required.push(q.to_string());
        }
        act.insert(format!("{q}_figure"), figure.clone());
    }
    schemas.insert(
        "DashboardActivities".into(),
        json!({"type": "object", "required": required, "properties": act}),
    );
    let r = |n: &str| json!({"$ref": format!("#/components/schemas/{n}")});
    let list = |n: &str| json!({"type": "array", "items": r(n)});
    schemas.insert("Dashboard".into(), json!({
        "type": "object",
        "required": ["scope", "pairings", "money", "money_by_year_source", "money_total_fen", "projects",
                     "projects_by_category", "people", "people_by_role", "people_total", "activities_by_kind",
                     "activities_by_month", "activities_total", "activities_in_all", "obligations"],
        "properties": {
            "scope": text, "pairings": int,
            "money": list("DashboardMoney"), "money_by_year_source": list("DashboardMoneyYearSource"),
            "money_total_fen": int, "money_total_figure": figure,
            "projects": r("DashboardProjects"), "projects_by_category": list("DashboardProjects"),
            "people": {"type": "array", "items": {"type": "object"}}, "people_by_role": {"type": "array", "items": {"type": "object"}},
            "people_total": int,
            "activities_by_kind": list("DashboardActivities"), "activities_by_month": list("DashboardActivities"),
            "activities_total": int,
            "activities_in_all": {"allOf": [r("DashboardActivities")], "description": "全部活动的数量合计（kind、month 为空）"},
            "obligations": {"type": "object"}}}));
}

/// One operation with its success answer given whole (for files and other non-JSON answers).
fn raw_op(summary: &str, tag: &str, params: Vec<Value>, body: Option<Value>, status: &str, success: Value) -> Value {
    let mut o = json!({
        "summary": summary,
        "tags": [tag],
        "parameters": params,
        "responses": {status: success, "4XX": error_response(), "503": busy_response()}
    });
    if let Some(b) = body {
        o["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": b}}});
    }
    o
}

/// A file answer of the given media types.
fn file_response(description: &str, types: &[&str]) -> Value {
    let content: Map<String, Value> = types
        .iter()
        .map(|t| (t.to_string(), json!({"schema": {"type": "string", "format": "binary"}})))
        .collect();
    json!({"description": description, "content": content})
}

/// An operation anyone may call, signed in or not.
fn public(mut o: Value) -> Value {
    o["security"] = json!([]);
    o
}

fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "description": "记录编号（正整数）",
           "schema": {"type": "integer", "format": "int64", "minimum": 1}})
}

/// The schema of a list filter on a field: as the field, without a length limit (a longer text only finds nothing).
fn filter_schema(f: &Field) -> Value {
    let mut s = field_schema(f);
    if let Some(o) = s.as_object_mut() {
        for k in ["maxLength", "readOnly", "nullable"] {
            o.remove(k);
        }
        if let Some(Value::Array(values)) = o.get_mut("enum") {
            values.retain(|v| !v.is_null());
        }
    }
    s
}

/// The whole document.
pub fn document() -> Value {
    let mut schemas = Map::new();
    let mut paths = Map::new();
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "properties": {"error": {"type": "object", "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string", "nullable": true},
            "details": {"type": "array", "nullable": true, "items": {"type": "object", "properties": {
                "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}}}}),
    );
    for e in ENTITIES {
        let n = name(e);
        let (full, input, patch) = entity_schemas(e);
        schemas.insert(n.clone(), full);
        schemas.insert(format!("{n}Input"), input);
        schemas.insert(format!("{n}Patch"), patch);
        let r = json!({"$ref": format!("#/components/schemas/{n}")});
        let ri = json!({"$ref": format!("#/components/schemas/{n}Input")});
        let rp = json!({"$ref": format!("#/components/schemas/{n}Patch")});
        let confirm: &[Field] = if e.confirmable { CONFIRMATION_FIELDS } else { &[] };
        let sortable: Vec<String> = ["id", "created_at", "updated_at"]
            .into_iter()
            .chain(
                e.fields
                    .iter()
                    .chain(confirm)
                    .filter(|f| !matches!(f.kind, FieldKind::Json(_)))
                    .map(|f| f.name),
            )
            .flat_map(|n| [n.to_string(), format!("-{n}")])
            .collect();
        let mut list_params = vec![
            json!({"name": "sort", "in": "query", "schema": {"type": "string", "enum": sortable}, "description": "排序字段，前加 - 为倒序"}),
            json!({"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1},
                   "description": "页码；只用于前 10 000 条，更远处用 after 游标"}),
            json!({"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}),
            json!({"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 1},
                   "description": "游标翻页：列出排在该编号记录之后的记录（取上一页返回的 next_after）；不能与 page、before 同用"}),
            json!({"name": "before", "in": "query", "schema": {"type": "integer", "minimum": 1},
                   "description": "游标翻页：列出排在该编号记录之前的记录（取返回的 prev_before）"}),
        ];
        if e.field("period").is_none() && duikou_domain::schema::dated_by(e.name).is_some() {
            list_params.push(json!({"name": "period", "in": "query", "schema": {"type": "string", "example": "2014-2015S1"},
                "description": "只列出时间完全落在该期间内的记录（如 2011、2014-2015S1、2014-06；年或月精度的日期按其整年、整月计，跨越期间边界的不列出）"}));
        }
        if !e.search.is_empty() {
            list_params.push(json!({"name": "q", "in": "query", "schema": {"type": "string"}, "description": format!("全文搜索：{}", e.search.join("、"))}));
        }
        for f in e.fields.iter().filter(|f| !matches!(f.kind, FieldKind::Json(_))) {
            list_params.push(json!({"name": f.name, "in": "query", "schema": filter_schema(f), "description": format!("按{}筛选", f.label)}));
            if f.kind == FieldKind::Date {
                for suffix in ["from", "to"] {
                    list_params.push(
                        json!({"name": format!("{}_{suffix}", f.name), "in": "query", "schema": date_schema(),
                        "description": "起（from，含其第一天）或止（to，含其最后一天）"}),
                    );
                }
            }
        }
        let page = json!({"type": "object", "properties": {
            "items": {"type": "array", "items": r},
            "total": {"type": "integer", "description": "符合条件的记录数；total_exact 为 false 时是下限（筛选结果计到 10 000 为止，全文搜索只计已检索的范围）"},
            "total_exact": {"type": "boolean"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "next_after": {"type": "integer", "nullable": true, "description": "下一页的 after 参数；没有下一页时为 null"},
            "prev_before": {"type": "integer", "nullable": true, "description": "上一页的 before 参数；没有上一页时为 null"}}});
        let system = e.owner == duikou_domain::schema::Owner::System;
        let mut collection = json!({"get": op(&format!("列出{}", e.label), e.label, list_params, None, ("200", page))});
        let mut item = json!({
            "get": op(&format!("读取{}", e.label), e.label, vec![id_param()], None, ("200", r.clone())),
            "delete": op(&format!("删除{}（仍被引用时拒绝）", e.label), e.label, vec![id_param()], None, ("204", json!({}))),
        });
        if system {
            item["delete"]["summary"] = Value::from(format!("删除{}（仅管理员；删除期间锁定即解锁）", e.label));
        } else {
            collection["post"] = op(
                &format!("新建{}", e.label),
                e.label,
                vec![],
                Some(ri.clone()),
                ("201", r.clone()),
            );
            item["patch"] = op(
                &format!("修改{}（只需给出要改的字段；回传 version 以检测并发修改）", e.label),
                e.label,
                vec![id_param()],
                Some(rp.clone()),
                ("200", r.clone()),
            );
            item["put"] = op(
                &format!("修改{}（同 PATCH）", e.label),
                e.label,
                vec![id_param()],
                Some(rp),
                ("200", r.clone()),
            );
        }
        paths.insert(format!("/api/v1/{}", e.name), collection);
        paths.insert(format!("/api/v1/{}/{{id}}", e.name), item);
        paths.insert(
            format!("/api/v1/{}/{{id}}/audit", e.name),
            json!({"get": op(&format!("{}的修改历史", e.label), e.label, vec![id_param()], None, ("200", json!({"type": "object"})))}),
        );
        if e.confirmable {
            paths.insert(
                format!("/api/v1/{}/{{id}}/confirm", e.name),
                json!({"post": op(&format!("受援方确认{}", e.label), e.label, vec![id_param()], None, ("200", r.clone()))}),
            );
            paths.insert(
                format!("/api/v1/{}/{{id}}/dispute", e.name),
                json!({"post": op(&format!("受援方对{}提出异议", e.label), e.label, vec![id_param()],
                    Some(json!({"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}})), ("200", r.clone()))}),
            );
        }
    }
    let obj = json!({"type": "object"});
    paths.insert("/api/v1/pairings/{id}/detail".into(), json!({"get": op("结对详情：协议、目标任务、需求、项目、援派、活动及合计", "结对", vec![id_param()], None, ("200", obj.clone()))}));
    let assess_params = || {
        vec![
            id_param(),
            json!({"name": "period", "in": "query", "schema": {"type": "string"}, "description": "只看与该期间重叠的考核期，如 2014-2015"}),
            json!({"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "评估日期（默认今天）：此后结束的考核期为进行中"}),
        ]
    };
    paths.insert("/api/v1/pairings/{id}/obligations".into(), json!({"get": op("结对的目标任务逐期评估：实际、要求、达标/未达标/进行中、预警、计入的记录、中文说明，及加权得分与等次", "考核", assess_params(), None, ("200", obj.clone()))}));
    paths.insert(
        "/api/v1/programs/{id}/obligations".into(),
        json!({"get": op("计划下所有结对的目标任务评估（{\"items\": [...]}，按结对编号逐批写出，不在服务端整体成形）", "考核", assess_params(), None, ("200", obj.clone()))}),
    );
    let assessment = json!({"type": "object", "required": ["program_id", "period"], "properties": {
        "program_id": {"type": "integer"}, "pairing_id": {"type": "integer", "nullable": true, "description": "空为整个计划"},
        "period": {"type": "string", "example": "2014-2015"}, "as_of": {"type": "string", "format": "date", "nullable": true},
        "comments": {"type": "string", "nullable": true}}});
    if let Some(p) = paths.get_mut("/api/v1/assessments") {
        p["post"] = op(
            "开始一次考核评估（草稿，含当前结果、得分与等次）",
            "考核",
            vec![],
            Some(assessment),
            ("201", json!({"$ref": "#/components/schemas/Assessments"})),
        );
    }
    for action in ["recompute", "comment", "sign", "unlock"] {
        let summary = match action {
            "recompute" => "按最新记录重新计算草稿",
            "comment" => "填写评审意见（请求体 {\"comments\": \"…\"}）",
            "unlock" => "解锁（仅系统管理员，请求体 {\"reason\": \"…\"} 必填）：解除期间锁定，评估回到草稿",
            _ => "签署：冻结结果，并锁定该期间各结对的记录（本期仍有未到期结果时拒绝）",
        };
        let body = match action {
            "comment" => Some(
                json!({"type": "object", "nullable": true, "properties": {"comments": {"type": "string", "nullable": true}}}),
            ),
            "unlock" => {
                Some(json!({"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}))
            }
            _ => None,
        };
        let mut post = op(
            summary,
            "考核",
            vec![id_param()],
            body,
            ("200", json!({"$ref": "#/components/schemas/Assessments"})),
        );
        // the comment's body may be left out (no comment), as the server takes it
        if action == "comment" {
            post["requestBody"]["required"] = json!(false);
        }
        paths.insert(format!("/api/v1/assessments/{{id}}/{action}"), json!({ "post": post }));
    }
    let mut supervision_params = assess_params();
    supervision_params
        .push(json!({"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["-lateness", "lateness"]}}));
    paths.insert("/api/v1/programs/{id}/supervision".into(), json!({"get": op("督办清单：计划内未达标与预警的目标任务，按逾期天数排序，附督办标记（督办中的一直显示到办结）", "考核", supervision_params, None, ("200", obj.clone()))}));
    let scope_params = vec![
        json!({"name": "scope", "in": "query", "required": true, "schema": {"type": "string"}, "description": "pairing:编号、program:编号、org:编号 或 region:区划代码"}),
        json!({"name": "period", "in": "query", "required": true, "schema": {"type": "string"}, "description": "期间，如 2014、2014-2015"}),
        json!({"name": "format", "in": "query", "schema": {"type": "string", "enum": ["docx", "md", "html", "json"]}}),
        json!({"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"}}),
        json!({"name": "pending", "in": "query", "schema": {"type": "string", "enum": ["include", "separate", "omit"], "default": "separate"},
            "description": "待受援方确认的记录：include 计入合计、separate 不计入合计并单列（默认）、omit 不写"}),
        json!({"name": "briefing", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
            "description": "给出期号（1 至 1000000）时改为生成简报"}),
    ];
    let mut report = file_response(
        "工作总结文件（format=json 时为文档结构与每个数字的依据记录）",
        &[DOCX, "text/markdown", "text/html"],
    );
    report["content"]["application/json"] = json!({"schema": {"type": "object", "required": ["document", "figures"],
        "properties": {"document": {"type": "object"}, "figures": {"type": "array", "items": {"type": "object"}}}}});
    paths.insert("/api/v1/report".into(), json!({"get": raw_op("工作总结（docx/Markdown/HTML，或 JSON：文档结构与每个数字的依据记录）", "报告", scope_params, None, "200", report)}));
    let importable = json!({"name": "entity", "in": "path", "required": true, "description": "可导入的记录类型",
        "schema": {"type": "string", "enum": IMPORTABLE}});
    let entity_names: Vec<&str> = ENTITIES.iter().map(|e| e.name).collect();
    let any_entity = json!({"name": "entity", "in": "path", "required": true, "description": "记录类型",
        "schema": {"type": "string", "enum": entity_names}});
    paths.insert("/api/v1/templates/{entity}".into(), json!({"get": raw_op("导入模板（.xlsx：中文表头、示例行、下拉选项）", "导入导出", vec![importable.clone()], None, "200", file_response("导入模板", &[XLSX]))}));
    let mut export_params = vec![any_entity];
    export_params
        .push(json!({"name": "q", "in": "query", "schema": {"type": "string"}, "description": "全文搜索（同列表）"}));
    paths.insert("/api/v1/exports/{entity}".into(), json!({"get": raw_op("导出列表为 .xlsx（其余查询参数同列表筛选：字段名=值）", "导入导出", export_params, None, "200", file_response("列表文件", &[XLSX]))}));
    let problem = json!({"type": "object", "required": ["row", "column", "value", "message"], "properties": {
        "row": {"type": "integer", "description": "表格行号（1 为表头）"}, "column": {"type": "string", "description": "列标题"},
        "value": {"type": "string", "description": "原值"}, "message": {"type": "string", "description": "问题（中文）"}}});
    schemas.insert("ImportReport".into(), json!({"type": "object", "required": ["entity", "rows", "created", "updated", "unchanged", "problems", "more_problems", "dry_run"], "properties": {
        "entity": {"type": "string"}, "rows": {"type": "integer", "description": "读到的数据行数"},
        "created": {"type": "integer"}, "updated": {"type": "integer"}, "unchanged": {"type": "integer"},
        "problems": {"type": "array", "items": problem, "maxItems": duikou_store::import::MAX_LISTED_PROBLEMS,
            "description": "问题（按行排列，最多列出前 1000 处）；不为空时什么也没写入"},
        "more_problems": {"type": "integer", "minimum": 0, "description": "未列出的其余问题数"},
        "dry_run": {"type": "boolean"}}}));
    let mut import = raw_op(
        "导入 .xlsx/.csv（请求体即文件，最大 50 MB）：逐行检查，全部无误才写入，否则列出问题；dry_run=true 只检查（不占用写锁）；数据库正忙时返回 503 与 Retry-After",
        "导入导出",
        vec![
            importable,
            json!({"name": "file_name", "in": "query", "schema": {"type": "string"}, "description": "文件名（据扩展名判断格式，默认 upload.xlsx）"}),
            json!({"name": "dry_run", "in": "query", "schema": {"type": "boolean"}}),
        ],
        None,
        "200",
        json!({"description": "导入报告", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportReport"}}}}),
    );
    import["requestBody"] = json!({"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}});
    paths.insert("/api/v1/imports/{entity}".into(), json!({"post": import}));
    paths.insert("/api/v1/documents/{id}/extract".into(), json!({"post": op("从已上传的工作总结中抽取数字事实，作为某结对某期间的建议记录（待审核）", "文档", vec![id_param()],
        Some(json!({"type": "object", "required": ["pairing_id", "period"], "properties": {"pairing_id": {"type": "integer"}, "period": {"type": "string"}}})), ("200", obj.clone()))}));
    paths.insert("/api/v1/extractions/{id}/accept".into(), json!({"post": op("采纳一条建议（可改：给出 target 与 draft）：按常规校验与权限生成记录", "文档", vec![id_param()],
        Some(json!({"type": "object", "properties": {"target": {"type": "string"}, "draft": {"type": "object"}}})), ("200", obj.clone()))}));
    paths.insert(
        "/api/v1/extractions/{id}/drop".into(),
        json!({"post": op("舍弃一条建议", "文档", vec![id_param()], None, ("200", obj.clone()))}),
    );
    paths.insert("/api/v1/obligation_templates".into(), json!({"get": op("内置目标任务模板（第8篇校对校帮扶、第5篇民生资金80%、第3篇年度任务）", "考核", vec![], None, ("200", obj.clone()))}));
    paths.insert("/api/v1/programs/{id}/apply_template".into(), json!({"post": op("把模板的目标任务加到计划上（已有同名任务则跳过）", "考核", vec![id_param()],
        Some(json!({"type": "object", "required": ["template"], "properties": {"template": {"type": "string"},
            "assignments": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "org_id": {"type": "integer"}, "year": {"type": "integer"}}}}}})),
        ("200", obj.clone()))}));
    let mut upload = op(
        "上传文档文件（请求体即文件，最大 50 MB；Content-Type 为其类型）",
        "文档",
        vec![id_param()],
        None,
        ("200", json!({"$ref": "#/components/schemas/Documents"})),
    );
    upload["requestBody"] =
        json!({"required": true, "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}});
    paths.insert("/api/v1/documents/{id}/content".into(), json!({
        "get": raw_op("下载文档文件（以上传时的类型）", "文档", vec![id_param()], None, "200", file_response("文档文件", &["*/*"])),
        "put": upload,
    }));
    let creds = json!({"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}, "name": {"type": "string"}}});
    paths.insert("/api/v1/auth/login".into(), json!({"post": public(op("登录（设置会话 Cookie，返回 CSRF 令牌；同一账户 15 分钟内失败 5 次或同一地址失败 20 次后返回 429）", "账户", vec![], Some(creds),
        ("200", json!({"type": "object", "required": ["username", "role", "csrf_token"], "properties": {
            "username": {"type": "string"}, "role": {"type": "string"}, "csrf_token": {"type": "string"}}}))))}));
    paths.insert(
        "/api/v1/auth/logout".into(),
        json!({"post": public(op("退出登录：结束会话；带 API 令牌调用时同时吊销该令牌（未登录也成功）", "账户", vec![], None, ("204", json!({}))))}),
    );
    let token_creds = json!({"type": "object", "required": ["username", "password"], "properties": {
        "username": {"type": "string"}, "password": {"type": "string"}, "name": {"type": "string", "description": "令牌名称，默认 api"},
        "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 366, "default": 90, "description": "有效天数"}}});
    let new_token = json!({"type": "object", "properties": {"id": {"type": "integer"}, "token": {"type": "string", "description": "令牌本身，只显示这一次"},
        "username": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}}});
    paths.insert(
        "/api/v1/auth/token".into(),
        json!({"post": public(op("以用户名和密码换取 API 令牌（默认 90 天后失效；连续失败过多时返回 429）", "账户", vec![], Some(token_creds), ("201", new_token)))}),
    );
    let token_info = json!({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"}, "expires_at": {"type": "string", "format": "date-time"},
        "last_used_at": {"type": "string", "format": "date-time", "nullable": true}, "expired": {"type": "boolean"}}});
    paths.insert(
        "/api/v1/auth/tokens".into(),
        json!({"get": op("我的 API 令牌（不含令牌本身）", "账户", vec![], None,
            ("200", json!({"type": "object", "properties": {"items": {"type": "array", "items": token_info}}})))}),
    );
    paths.insert(
        "/api/v1/auth/tokens/{id}".into(),
        json!({"delete": op("吊销我的一个 API 令牌", "账户", vec![id_param()], None, ("204", json!({})))}),
    );
    paths.insert(
        "/api/v1/auth/password".into(),
        json!({"post": op("修改自己的密码（须给出当前密码；成功后本人全部会话与 API 令牌失效，须重新登录）", "账户", vec![],
            Some(json!({"type": "object", "required": ["current_password", "new_password"], "properties": {
                "current_password": {"type": "string"},
                "new_password": {"type": "string", "minLength": 10, "description": "至少 10 个字符，不能包含用户名，不能是常见密码"}}})),
            ("204", json!({})))}),
    );
    for (action, summary) in [
        (
            "deactivate",
            "停用用户（管理员；不删除，其会话与 API 令牌随即失效，不能再登录）",
        ),
        ("activate", "重新启用用户（管理员）"),
    ] {
        paths.insert(
            format!("/api/v1/users/{{id}}/{action}"),
            json!({"post": op(summary, "账户", vec![id_param()], None, ("200", obj.clone()))}),
        );
    }
    paths.insert(
        "/api/v1/auth/me".into(),
        json!({"get": op("当前用户、角色与单位范围", "账户", vec![], None, ("200", obj.clone()))}),
    );
    paths.insert("/api/v1/users".into(), json!({
        "get": op("用户列表（管理员）", "账户", vec![], None, ("200", obj.clone())),
        "post": op("新建用户（管理员）", "账户", vec![], Some(json!({"type": "object", "required": ["username", "password", "role"], "properties": {
            "username": {"type": "string"}, "display_name": {"type": "string"}, "password": {"type": "string", "minLength": 10, "description": "至少 10 个字符，不能包含用户名，不能是常见密码"},
            "role": {"type": "string", "enum": ["admin", "coordinator", "supporter_editor", "receiver_editor", "viewer"]},
            "org_ids": {"type": "array", "items": {"type": "integer"}}}})), ("201", obj.clone())),
    }));
    paths.insert("/api/v1/audit".into(), json!({"get": op("最新审计事件", "审计", vec![json!({"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}, "description": "条数，默认 100"})], None, ("200", obj.clone()))}));
    paths.insert(
        "/api/v1/audit/verify".into(),
        json!({"get": op("校验审计日志：哈希链、签名，并逐行核对数据表（problems 列出不符之处）", "审计", vec![], None, ("200", obj.clone()))}),
    );
    paths.insert(
        "/api/v1/overview".into(),
        json!({"get": op("记录概况（各类记录条数）与公开计划；每个计划列出前 20 个结对，pairings_total 为其结对总数", "概况", vec![], None, ("200", obj.clone()))}),
    );
    dashboard_schemas(&mut schemas);
    paths.insert(
        "/api/v1/dashboard".into(),
        json!({"get": op(
            "工作台数据：资金按年度与来源、项目按状态与类别（开工率、竣工率）、援派人员按类别与批次、活动按类型与月份（取自写入时维护的汇总表）；合计含约数或范围的成员时，旁附 *_figure 给出按汇总规则的书面写法（1500余课时、约1000万元、20—50人次），准确的合计不附；义务考核结果按达标、未达标、进行中与预警计数（按今日，依审计日志增量更新）",
            "概况",
            vec![json!({"name": "scope", "in": "query", "required": false,
                        "description": "范围：all 或空（全部，默认）、program:<计划编号>、pairing:<结对编号>、region:<受援方区划代码，含地州、省级>",
                        "schema": {"type": "string", "pattern": "^(|all|program:[0-9]+|pairing:[0-9]+|region:[0-9]{1,12})$"}})],
            None,
            ("200", json!({"$ref": "#/components/schemas/Dashboard"}))
        )}),
    );
    paths.insert("/api/v1/region_lookup".into(), json!({"get": op("按名称、曾用名或代码查找行政区划", "行政区划",
        vec![json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string"}})], None, ("200", obj.clone()))}));
    let picked = json!({"type": "object", "required": ["value", "name", "hint"], "properties": {
        "value": {"type": "string", "description": "表单提交的值：记录编号；行政区划为区划代码"},
        "name": {"type": "string", "description": "给人看的名称：结对为“支援方 → 受援方”"},
        "hint": {"type": "string", "description": "区分同名者的说明：结对所属计划、人员出生年份与单位、项目（需求、协议）所属结对、计划的主管单位、区划的上级"}}});
    paths.insert("/api/v1/pick/{kind}".into(), json!({"get": op(
        "边输入边选择：名称含所输文字的结对、单位、人员、项目、需求、计划、协议或行政区划（省/市/县，可输名称或代码），最多 20 条，\
         只含当前用户工作范围内的记录（填报员：本单位的结对及其双方、人员、项目、需求；有范围的协调管理人员：所管计划的结对；\
         行政区划对所有人相同）。三个字及以上经全文索引在全表查找；一两个字在大表中只查最新的 5000 条，此时 partial 为 true",
        "检索",
        vec![
            json!({"name": "kind", "in": "path", "required": true, "schema": {"type": "string", "enum": duikou_store::search::PICK_KINDS}}),
            json!({"name": "q", "in": "query", "required": false, "schema": {"type": "string", "maxLength": 100}, "description": "所输文字；为空时不返回任何选项"}),
            json!({"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 20}, "description": "最多返回几条，默认 20"}),
        ],
        None,
        ("200", json!({"type": "object", "required": ["items", "partial"], "properties": {
            "items": {"type": "array", "items": picked},
            "partial": {"type": "boolean", "description": "一两个字只查了大表中最新的一部分记录：多输几个字可找到其余的"}}})))}));
    paths.insert("/api/v1/region_towns".into(), json!({"post": op(
        "载入一个县的乡镇、街道（国家统计局统计用区划代码，随程序发布），返回其全部乡镇；记录首次写到某乡镇时也会自动载入",
        "行政区划",
        vec![],
        Some(json!({"type": "object", "required": ["county"], "properties": {"county": {"type": "string", "description": "县级区划的名称、曾用名或 6 位代码，如“绵竹市”"}}})),
        ("200", json!({"type": "object", "properties": {"county": {"type": "string"}, "loaded": {"type": "integer"}, "items": {"type": "array", "items": obj.clone()}}})))}));
    paths.insert("/api/v1/region_indicators".into(), json!({"get": op(
        "一个行政区划的指标值：本级记录的数值，与可逐级相加的指标（总量、期末值）由下级区划合计的数值分开给出，并写明合计了哪些下级、共有几个下级",
        "行政区划",
        vec![json!({"name": "region", "in": "query", "required": true, "schema": {"type": "string"}, "description": "区划的名称、曾用名或代码"})],
        None,
        ("200", json!({"type": "object", "properties": {"region": {"type": "string"}, "items": {"type": "array", "items": obj.clone()}}})))}));
    public_paths(&mut schemas, &mut paths);
    paths.insert(
        "/api/v1/openapi.json".into(),
        json!({"get": public(op("本文档", "概况", vec![], None, ("200", obj.clone())))}),
    );
    let health = json!({"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]}, "backend": {"type": "string"}}});
    let mut healthz = public(op(
        "健康检查：数据库可用时 200，否则 503",
        "概况",
        vec![],
        None,
        ("200", health.clone()),
    ));
    healthz["responses"]["503"] =
        json!({"description": "数据库不可用", "content": {"application/json": {"schema": health}}});
    paths.insert("/healthz".into(), json!({"get": healthz}));
    json!({
        "openapi": "3.0.3",
        "info": {"title": "duikou 对口支援工作平台 API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "结对、协议与目标任务、援建项目与资金、援派人员、活动、指标与文档的完整记录。错误以 JSON 返回：稳定的 code、中文 message 与出错字段 field。"},
        "servers": [{"url": "/"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token 换取的令牌"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "duikou_session", "description": "浏览器会话；非 GET 请求须带 X-CSRF-Token 头"},
            }
        },
        "security": [{"bearer": []}, {"cookie": []}],
        "paths": paths,
    })
}

/// The public portal's API: no sign-in (`security: []`), rate-limited per address (429 with `Retry-After`); what a
/// program or pairing shows is the allow-list of `duikou_store::public`.
fn public_paths(schemas: &mut Map<String, Value>, paths: &mut Map<String, Value>) {
    let s = |t: &str| json!({"type": t});
    let ns = |t: &str| json!({"type": t, "nullable": true});
    let money = json!({"type": "string", "description": "金额（元，两位小数）", "example": "37000000.00"});
    let nmoney = json!({"type": "string", "nullable": true, "description": "金额（元，两位小数）"});
    let date = json!({"type": "string", "nullable": true, "description": "日期"});
    let qty = json!({"type": "number", "nullable": true});
    let obj = |props: Value, required: &[&str]| json!({"type": "object", "properties": props, "required": required});
    let r = |n: &str| json!({"$ref": format!("#/components/schemas/{n}")});
    let arr = |n: &str| json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{n}")}});
    schemas.insert(
        "PublicProgram".into(),
        obj(
            json!({
        "id": s("integer"), "name": s("string"), "authority": {"type": "string", "description": "主管单位名称"},
        "start_date": date, "end_date": date, "public_pairings": {"type": "integer", "description": "公开的结对数"}}),
            &["id", "name", "authority", "public_pairings"],
        ),
    );
    schemas.insert("PublicPairing".into(), obj(json!({
        "id": s("integer"), "program_id": s("integer"), "program": {"type": "string", "description": "计划名称"},
        "supporter": {"type": "string", "description": "支援方名称"}, "receiver": {"type": "string", "description": "受援方名称"},
        "level": {"type": "string", "description": "结对层级"}, "start_date": date, "end_date": date}),
        &["id", "program_id", "program", "supporter", "receiver", "level"]));
    let count = obj(
        json!({"pairing_id": {"type": "integer", "description": "结对编号（计划合计中为 0）"}, "role": s("string"), "persons": s("integer")}),
        &["pairing_id", "role", "persons"],
    );
    schemas.insert("PublicDispatchCount".into(), count);
    schemas.insert("PublicMoneyLine".into(), obj(json!({"year": {"type": "integer", "description": "年度（按来源汇总时为 0）"}, "kind": s("string"), "source": s("string"), "amount": money}), &["year", "kind", "source", "amount"]));
    schemas.insert(
        "PublicIndicatorChange".into(),
        obj(
            json!({"receiver": s("string"), "indicator": s("string"), "unit": s("string"),
        "baseline_period": s("string"), "baseline": s("number"), "latest_period": s("string"), "latest": s("number")}),
            &[
                "receiver",
                "indicator",
                "unit",
                "baseline_period",
                "baseline",
                "latest_period",
                "latest",
            ],
        ),
    );
    schemas.insert("PublicFigures".into(), obj(json!({
        "persons": {"type": "integer", "description": "援派人员（人）"}, "persons_by_role": arr("PublicDispatchCount"),
        "projects": s("integer"), "projects_started": s("integer"), "projects_completed": s("integer"),
        "total_investment": {"type": "string", "nullable": true, "description": "项目总投资（元）；有援建计划未记录总投资时为 null，不以已记录的部分代替"},
        "total_investment_known": {"type": "string", "description": "项目总投资中已知的部分（元）：单列项目和写明（或其项目齐全可加总）总投资的计划；无计划缺总投资时等于 total_investment"},
        "total_investment_left_out": {"type": "array", "items": s("string"), "description": "未记录总投资、因而不计入 total_investment_known 的援建计划和批次（名称）；页面写作“项目总投资（不含未记录总投资的“…”）”"},
        "funds": {"type": "string", "description": "项目外资金（元）：课题经费、公益金等不属于任何项目的资金，不计入项目总投资"},
        "plans": {"type": "integer", "description": "援建计划和批次（不含其中的小计划）"},
        "plan_projects": {"type": "integer", "nullable": true, "description": "这些计划安排的项目数；有计划未写明时为 null"},
        "plan_aid": {"type": "string", "nullable": true, "description": "这些计划的援助资金（元）；有计划未写明时为 null"},
        "money_by_source": arr("PublicMoneyLine"), "money_by_year": arr("PublicMoneyLine"), "activities": s("integer"),
        "trainings": s("integer"), "training_person_times": s("integer"), "indicators": arr("PublicIndicatorChange")}),
        &["persons", "persons_by_role", "projects", "projects_started", "projects_completed", "total_investment", "total_investment_known", "total_investment_left_out", "funds", "plans", "plan_projects", "plan_aid", "money_by_source", "money_by_year", "activities", "trainings", "training_person_times", "indicators"]));
    schemas.insert("PublicFacts".into(), obj(json!({
        "activities": {"type": "array", "items": obj(json!({"pairing_id": s("integer"), "kind": s("string"), "title": s("string"), "audience": ns("string"),
            "start_date": date, "end_date": date, "person_times": ns("integer"), "sessions": ns("integer"), "courses": ns("integer"),
            "hours": ns("integer"), "items": ns("integer"), "amount": nmoney}), &["pairing_id", "kind", "title"])},
        "projects": {"type": "array", "items": obj(json!({"id": s("integer"), "pairing_id": s("integer"), "name": s("string"), "category": s("string"),
            "started_on": date, "completed_on": date, "total_investment": nmoney}), &["id", "pairing_id", "name", "category"])},
        "transactions": {"type": "array", "items": obj(json!({"pairing_id": s("integer"), "project": s("string"), "kind": s("string"),
            "source": s("string"), "amount": money, "date": date}), &["pairing_id", "project", "kind", "source", "amount"])},
        "plans": {"type": "array", "description": "援建计划/批次：一个计划计为其项目数和资金；within_larger 为真时其资金已含在更大的计划内",
            "items": obj(json!({"pairing_id": s("integer"), "name": s("string"), "start_on": date, "end_on": date,
            "project_count": ns("integer"), "aid_amount": nmoney, "total_investment": nmoney, "within_larger": s("boolean")}),
            &["pairing_id", "name", "within_larger"])},
        "outputs": {"type": "array", "items": obj(json!({"pairing_id": s("integer"), "project": s("string"), "name": s("string"), "unit": s("string"),
            "planned": qty, "started": qty, "completed": qty, "as_of": date}), &["pairing_id", "project", "name", "unit"])},
        "dispatches": arr("PublicDispatchCount"), "indicators": arr("PublicIndicatorChange")}),
        &["activities", "projects", "plans", "transactions", "outputs", "dispatches", "indicators"]));
    let note = json!({"type": "string", "nullable": true, "description": "无已确认的公开事实时说明原因，否则为 null"});
    let tag = "公开信息";
    let ok = |summary: &str, params: Vec<Value>, schema: Value| public(op(summary, tag, params, None, ("200", schema)));
    let mut program_item = r("PublicProgram");
    program_item = json!({"allOf": [program_item, {"type": "object", "properties": {"figures": r("PublicFigures")}}]});
    paths.insert(
        "/api/v1/public/programs".into(),
        json!({"get": ok(
        "公开的计划及其主要数字（无需登录；按地址限流，超限 429 并给出 Retry-After）", vec![],
        obj(json!({"items": {"type": "array", "items": program_item}, "note": note}), &["items"]))}),
    );
    paths.insert("/api/v1/public/programs/{id}".into(), json!({"get": ok(
        "一个公开计划：全部公开的结对（不分页；网页每页列 50 个）与主要数字（只计已确认事实；事实明细见各结对或本计划的 CSV/Excel 下载）；未公开或不存在均为 404。公开接口的回答均带 ETag：一般写入后可能先返回写入前的回答，随后几秒内更新；公开、撤回公开或标为不公开后，下一次请求即为新的回答", vec![id_param()],
        obj(json!({"program": r("PublicProgram"), "pairings": arr("PublicPairing"), "figures": r("PublicFigures"), "note": note}),
            &["program", "pairings", "figures"]))}));
    paths.insert("/api/v1/public/pairings/{id}".into(), json!({"get": ok(
        "一个公开结对：主要数字（只计已确认事实）与事实明细；未公开或不存在均为 404", vec![id_param()],
        obj(json!({"pairing": r("PublicPairing"), "figures": r("PublicFigures"), "facts": r("PublicFacts"), "note": note}),
            &["pairing", "figures", "facts"]))}));
    for scope in ["programs", "pairings"] {
        let what = if scope == "programs" { "计划" } else { "结对" };
        paths.insert(format!("/api/v1/public/{scope}/{{id}}/facts.csv"), json!({"get": public(raw_op(
            &format!("公开{what}的已确认事实（CSV，UTF-8；每行一项事实；无事实时只有表头和一行说明）"), tag, vec![id_param()], None, "200",
            file_response("CSV 文件", &["text/csv"])))}));
        paths.insert(format!("/api/v1/public/{scope}/{{id}}/facts.xlsx"), json!({"get": public(raw_op(
            &format!("公开{what}的已确认事实（Excel：活动、援建项目、援建计划和批次、资金往来、建设内容、援派人数、指标前后对比；首页说明口径）"), tag, vec![id_param()], None, "200",
            file_response("Excel 文件", &[XLSX])))}));
    }
    paths.insert("/api/v1/public/programs/{id}/iati.xml".into(), json!({"get": public(raw_op(
        "公开计划的 IATI 2.03 活动文件（XML；每个公开结对一个 iati-activity，只含已确认事实，不含个人信息；无已确认事实时为空文件并在注释中说明原因；字段对应见 docs/iati.md）；未公开或不存在均为 404",
        tag, vec![id_param()], None, "200", file_response("IATI 2.03 XML 文件", &["application/xml"])))}));
}
