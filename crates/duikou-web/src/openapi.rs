//! The OpenAPI 3 document, generated from the same entity descriptions the API serves, so the two cannot drift.

use duikou_domain::schema::{EntityDef, Field, FieldKind, CONFIRMATION_FIELDS, ENTITIES};
use serde_json::{json, Map, Value};

fn field_schema(f: &Field) -> Value {
    let mut s = match f.kind {
        FieldKind::Int => json!({"type": "integer", "format": "int64"}),
        FieldKind::Text | FieldKind::LongText => json!({"type": "string", "maxLength": f.max_len}),
        FieldKind::Date => json!({"type": "string", "format": "date"}),
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
    }
    s
}

fn entity_schemas(e: &EntityDef) -> (Value, Value) {
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
            input.insert(f.name.into(), field_schema(f));
            if f.required {
                required.push(f.name);
            }
        }
    }
    (
        json!({"type": "object", "description": e.label, "properties": props}),
        json!({"type": "object", "description": format!("{}（新建/修改）", e.label), "properties": input, "required": required, "additionalProperties": false}),
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

fn op(summary: &str, tag: &str, params: Vec<Value>, body: Option<Value>, ok: (&str, Value)) -> Value {
    let mut o = json!({
        "summary": summary,
        "tags": [tag],
        "parameters": params,
        "responses": {
            ok.0: {"description": "成功", "content": {"application/json": {"schema": ok.1}}},
            "4XX": {"description": "输入有误、未登录、无权限、不存在或冲突", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        }
    });
    if let Some(b) = body {
        o["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": b}}});
    }
    o
}

fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}})
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
        let (full, input) = entity_schemas(e);
        schemas.insert(n.clone(), full);
        schemas.insert(format!("{n}Input"), input);
        let r = json!({"$ref": format!("#/components/schemas/{n}")});
        let ri = json!({"$ref": format!("#/components/schemas/{n}Input")});
        let mut list_params = vec![
            json!({"name": "q", "in": "query", "schema": {"type": "string"}, "description": format!("全文搜索：{}", e.search.join("、"))}),
            json!({"name": "sort", "in": "query", "schema": {"type": "string"}, "description": "排序字段，前加 - 为倒序"}),
            json!({"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1},
                   "description": "页码；只用于前 10 000 条，更远处用 after 游标"}),
            json!({"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}),
            json!({"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 1},
                   "description": "游标翻页：列出排在该编号记录之后的记录（取上一页返回的 next_after）；不能与 page、before 同用"}),
            json!({"name": "before", "in": "query", "schema": {"type": "integer", "minimum": 1},
                   "description": "游标翻页：列出排在该编号记录之前的记录（取返回的 prev_before）"}),
        ];
        for f in e.fields.iter().filter(|f| !matches!(f.kind, FieldKind::Json(_))) {
            list_params.push(json!({"name": f.name, "in": "query", "schema": field_schema(f), "description": format!("按{}筛选", f.label)}));
            if f.kind == FieldKind::Date {
                for suffix in ["from", "to"] {
                    list_params.push(json!({"name": format!("{}_{suffix}", f.name), "in": "query", "schema": {"type": "string", "format": "date"}}));
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
                Some(json!({"type": "object"})),
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
        json!({"get": op("计划下所有结对的目标任务评估", "考核", assess_params(), None, ("200", obj.clone()))}),
    );
    let assessment = json!({"type": "object", "required": ["program_id", "period"], "properties": {
        "program_id": {"type": "integer"}, "pairing_id": {"type": "integer", "description": "空为整个计划"},
        "period": {"type": "string", "example": "2014-2015"}, "as_of": {"type": "string", "format": "date"}, "comments": {"type": "string"}}});
    if let Some(p) = paths.get_mut("/api/v1/assessments") {
        p["post"] = op(
            "开始一次考核评估（草稿，含当前结果、得分与等次）",
            "考核",
            vec![],
            Some(assessment),
            ("201", json!({"$ref": "#/components/schemas/Assessments"})),
        );
    }
    for action in ["recompute", "comment", "sign"] {
        let summary = match action {
            "recompute" => "按最新记录重新计算草稿",
            "comment" => "填写评审意见（请求体 {\"comments\": \"…\"}）",
            _ => "签署：冻结结果，并锁定该期间各结对的记录",
        };
        paths.insert(format!("/api/v1/assessments/{{id}}/{action}"), json!({"post": op(summary, "考核", vec![id_param()], None, ("200", json!({"$ref": "#/components/schemas/Assessments"})))}));
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
    ];
    paths.insert("/api/v1/report".into(), json!({"get": op("工作总结（docx/Markdown/HTML，或 JSON：文档结构与每个数字的依据记录）", "报告", scope_params, None, ("200", json!({"type": "string", "format": "binary"})))}));
    let entity_param = json!({"name": "entity", "in": "path", "required": true, "schema": {"type": "string"}});
    paths.insert("/api/v1/templates/{entity}".into(), json!({"get": op("导入模板（.xlsx：中文表头、示例行、下拉选项）", "导入导出", vec![entity_param.clone()], None, ("200", json!({"type": "string", "format": "binary"})))}));
    paths.insert("/api/v1/exports/{entity}".into(), json!({"get": op("导出列表为 .xlsx（查询参数同列表筛选）", "导入导出", vec![entity_param.clone()], None, ("200", json!({"type": "string", "format": "binary"})))}));
    paths.insert("/api/v1/imports/{entity}".into(), json!({"post": {"summary": "导入 .xlsx/.csv（请求体即文件）：全部成功才写入，否则列出每一处问题；dry_run=true 只检查", "tags": ["导入导出"],
        "parameters": [entity_param, {"name": "file_name", "in": "query", "schema": {"type": "string"}}, {"name": "dry_run", "in": "query", "schema": {"type": "boolean"}}],
        "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        "responses": {"200": {"description": "导入报告"}, "4XX": {"description": "出错"}}}}));
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
    paths.insert("/api/v1/documents/{id}/content".into(), json!({
        "get": op("下载文档文件", "文档", vec![id_param()], None, ("200", json!({"type": "string", "format": "binary"}))),
        "put": {"summary": "上传文档文件（请求体即文件，Content-Type 为其类型）", "tags": ["文档"], "parameters": [id_param()],
                "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": {"200": {"description": "成功"}, "4XX": {"description": "出错"}}},
    }));
    let creds = json!({"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}, "name": {"type": "string"}}});
    paths.insert("/api/v1/auth/login".into(), json!({"post": op("登录（设置会话 Cookie，返回 CSRF 令牌；同一账户 15 分钟内失败 5 次或同一地址失败 20 次后返回 429）", "账户", vec![], Some(creds), ("200", obj.clone()))}));
    paths.insert(
        "/api/v1/auth/logout".into(),
        json!({"post": op("退出登录：结束会话；带 API 令牌调用时同时吊销该令牌", "账户", vec![], None, ("204", json!({})))}),
    );
    let token_creds = json!({"type": "object", "required": ["username", "password"], "properties": {
        "username": {"type": "string"}, "password": {"type": "string"}, "name": {"type": "string", "description": "令牌名称，默认 api"},
        "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 366, "default": 90, "description": "有效天数"}}});
    let new_token = json!({"type": "object", "properties": {"id": {"type": "integer"}, "token": {"type": "string", "description": "令牌本身，只显示这一次"},
        "username": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}}});
    paths.insert(
        "/api/v1/auth/token".into(),
        json!({"post": op("以用户名和密码换取 API 令牌（默认 90 天后失效；连续失败过多时返回 429）", "账户", vec![], Some(token_creds), ("201", new_token))}),
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
    paths.insert("/api/v1/audit".into(), json!({"get": op("最新审计事件", "审计", vec![json!({"name": "limit", "in": "query", "schema": {"type": "integer"}})], None, ("200", obj.clone()))}));
    paths.insert(
        "/api/v1/audit/verify".into(),
        json!({"get": op("校验审计日志：哈希链、签名，并逐行核对数据表（problems 列出不符之处）", "审计", vec![], None, ("200", obj.clone()))}),
    );
    paths.insert(
        "/api/v1/overview".into(),
        json!({"get": op("记录概况（各类记录条数）与公开计划；每个计划列出前 20 个结对，pairings_total 为其结对总数", "概况", vec![], None, ("200", obj.clone()))}),
    );
    paths.insert(
        "/api/v1/dashboard".into(),
        json!({"get": op(
            "工作台数据：资金按年度与来源、项目按状态与类别（开工率、竣工率）、援派人员按类别与批次、活动按类型与月份（取自写入时维护的汇总表）；义务考核结果按达标、未达标、进行中与预警计数（按今日，依审计日志增量更新）",
            "概况",
            vec![json!({"name": "scope", "in": "query", "required": false,
                        "description": "范围：all（全部，默认）、program:<计划编号>、pairing:<结对编号>、region:<受援方区划代码，含地州、省级>",
                        "schema": {"type": "string", "pattern": "^(all|program:[0-9]+|pairing:[0-9]+|region:[0-9]{1,12})$"}})],
            None,
            ("200", obj.clone())
        )}),
    );
    paths.insert("/api/v1/region_lookup".into(), json!({"get": op("按名称、曾用名或代码查找行政区划", "行政区划",
        vec![json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string"}})], None, ("200", obj.clone()))}));
    paths.insert(
        "/api/v1/openapi.json".into(),
        json!({"get": op("本文档", "概况", vec![], None, ("200", obj.clone()))}),
    );
    paths.insert(
        "/healthz".into(),
        json!({"get": op("健康检查", "概况", vec![], None, ("200", obj))}),
    );
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
