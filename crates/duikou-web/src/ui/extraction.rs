//! Old summaries read back in the browser (issue 24 item 4, issue 19 item 5): a pairing's documents with an upload
//! form and "提取"; the review page lists each proposed record beside its sentence (the figure marked), in words,
//! with the reviewer's doubts, to accept, edit or drop one by one, or to accept a paragraph's or a kind's at once.
//! Every decision goes through the store's `decide_extraction`, so it is checked and written to the audit log like
//! any other write; nothing enters the record unreviewed.

use super::{page_user, posting_user, refused, render, ui, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use duikou_domain::access::Actor;
use duikou_domain::schema::{self, FieldKind};
use duikou_store::documents::MAX_DOCUMENT_BYTES;
use duikou_store::{Store, StoreError};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A document of the pairing, as listed.
struct DocRow {
    id: i64,
    title: String,
    has_text: bool,
    proposals: usize,
    pending: usize,
}

#[derive(Template)]
#[template(path = "extraction_documents.html")]
struct DocumentsPage {
    ui: Ui,
    title: String,
    pairing: i64,
    heading: String,
    message: Option<String>,
    docs: Vec<DocRow>,
    period: String,
}

/// One proposal on the review page.
struct DraftRow {
    id: i64,
    paragraph: usize,
    before: String,
    mark: String,
    after: String,
    kind: String,
    fields: Vec<(String, String)>,
    doubts: Vec<String>,
    pending: bool,
    status: String,
    record_href: Option<String>,
    has_draft: bool,
}

#[derive(Template)]
#[template(path = "extraction_review.html")]
struct ReviewPage {
    ui: Ui,
    title: String,
    pairing: i64,
    doc: i64,
    heading: String,
    message: Option<String>,
    pending: usize,
    rows: Vec<DraftRow>,
    /// (target, its label, pending count) for "accept all of this kind".
    kinds: Vec<(String, String, usize)>,
    /// (paragraph, pending count) for "accept all of this paragraph".
    paragraphs: Vec<(usize, usize)>,
}

#[derive(Template)]
#[template(path = "extraction_edit.html")]
struct EditPage {
    ui: Ui,
    title: String,
    id: i64,
    back: String,
    quote: String,
    kind: String,
    message: Option<String>,
    /// (key, label, value, hint)
    inputs: Vec<(String, String, String, String)>,
    project: Option<String>,
    /// The pairing's projects by name, to merge into one of them.
    projects: Vec<String>,
    /// An obligation draft's rules in words.
    rules: Vec<String>,
    /// The kind shown, and the kinds it may be changed to: (code, label, selected).
    target: String,
    kinds: Vec<(String, String, bool)>,
}

/// The kinds a draft may be changed to while editing, each with the fields a draft of that kind holds (an
/// obligation is not among them: a rule is set on the obligations page, not built from a figure by hand).
const KINDS: &[(&str, &[&str])] = &[
    (
        "activities",
        &[
            "kind",
            "title",
            "start_date",
            "direction",
            "audience",
            "person_times",
            "hours",
            "sessions",
            "amount",
        ],
    ),
    ("agreements", &["kind", "title", "signed_on", "tier"]),
    ("projects", &["name", "category", "total_investment", "approved_on"]),
    ("project_groups", &["name", "start_on", "aid_amount", "project_count"]),
    ("outputs", &["name", "unit", "planned", "started", "completed", "as_of"]),
    ("project_funding", &["source", "amount"]),
    ("transactions", &["kind", "source", "amount", "date"]),
    ("funds", &["purpose", "title", "source", "date", "amount"]),
    (
        "indicator_values",
        &["indicator_name", "unit", "period", "value", "org"],
    ),
    ("notes", &["kind", "text"]),
];

/// The draft `plan` (of kind `from`) as a draft of kind `to`: each of the new kind's fields from the form as typed,
/// else from the old draft (a name and a title stand for each other), else empty for the reviewer to fill; a
/// project when the new kind belongs to one; the attached counts only for an activity.
fn changed_plan(from: &str, plan: &Value, to: &str, form: &[(String, String)]) -> Value {
    let typed = |k: &str| {
        form.iter()
            .find(|(f, _)| f.strip_prefix("f.") == Some(k))
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let old = &plan["record"];
    let kept = |k: &str| match &old[k] {
        Value::Null | Value::Object(_) | Value::Array(_) => None,
        Value::String(s) => Some(s.clone()),
        v => Some(v.to_string()),
    };
    let named = typed("title")
        .or_else(|| typed("name"))
        .or_else(|| kept("title"))
        .or_else(|| kept("name"))
        .or_else(|| kept("indicator_name"));
    let mut record = Map::new();
    for k in KINDS.iter().find(|(t, _)| *t == to).map_or(&[][..], |(_, f)| f) {
        let v = typed(k).or_else(|| kept(k)).or_else(|| match *k {
            "title" | "name" | "indicator_name" | "text" => named.clone(),
            _ => None,
        });
        record.insert((*k).to_string(), v.map_or(Value::Null, Value::from));
    }
    let mut out = serde_json::json!({"record": record, "doubts": plan["doubts"], "sentence": plan["sentence"]});
    if matches!(to, "outputs" | "project_funding" | "transactions") {
        out["project"] = if plan["project"].is_object() {
            plan["project"].clone()
        } else {
            serde_json::json!({"name": named.unwrap_or_default(), "category": "other"})
        };
    }
    if to == from || (to == "activities" && from == "activities") {
        out["children"] = plan["children"].clone();
        out["copies"] = plan["copies"].clone();
    }
    out
}

/// What a proposed record kind is called.
fn target_label(target: &str) -> String {
    match target {
        "project_groups" => "项目批次/年度计划".into(),
        "outputs" => "项目产出".into(),
        "project_funding" => "项目资金（出资份额）".into(),
        "transactions" => "资金拨付".into(),
        "indicator_values" => "受援方指标".into(),
        "" => "（无建议）".into(),
        t => schema::entity(t).map_or_else(|| t.to_string(), |d| d.label.to_string()),
    }
}

/// A field of a proposed record in words: its Chinese label and its value (enum values by their label).
fn field_words(target: &str, key: &str, v: &Value, receiver: &str) -> Option<(String, String)> {
    let text = match v {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let special = match key {
        "indicator_name" => Some("指标"),
        "unit" if target == "indicator_values" => Some("单位"),
        "org" => {
            return Some((
                "所属单位".into(),
                if text == "receiver" { receiver.to_string() } else { text },
            ))
        }
        _ => None,
    };
    if let Some(l) = special {
        return Some((l.into(), text));
    }
    let field = schema::entity(target).and_then(|d| d.field(key));
    let label = field.map_or(key, |f| f.label).to_string();
    let value = match field.map(|f| f.kind) {
        Some(FieldKind::Enum(options)) => options
            .iter()
            .find(|(k, _)| *k == text)
            .map_or(text.clone(), |(_, l)| l.to_string()),
        Some(FieldKind::Money) => text
            .parse::<duikou_domain::Money>()
            .map_or_else(|_| format!("{text}元"), |m| m.display_zh()),
        _ => text,
    };
    Some((label, value))
}

/// The proposed record in words: its fields, its project, its attached counts and goods, its copies.
fn describe(target: &str, plan: &Value, receiver: &str) -> Vec<(String, String)> {
    if target == "obligations" {
        return describe_obligation(plan);
    }
    let mut out = Vec::new();
    if let Some(p) = plan["project"].as_object() {
        let cat = field_words(
            "projects",
            "category",
            &p.get("category").cloned().unwrap_or(Value::Null),
            receiver,
        );
        out.push((
            "所属项目".into(),
            format!(
                "{}{}（本结对已有同名项目则并入，否则新建）",
                p.get("name").and_then(Value::as_str).unwrap_or(""),
                cat.map(|c| format!("，{}", c.1)).unwrap_or_default()
            ),
        ));
    }
    // in the order the record's form shows its fields
    let order = |k: &str| {
        schema::entity(target)
            .and_then(|d| d.fields.iter().position(|f| f.name == k))
            .unwrap_or(usize::MAX)
    };
    let mut fields: Vec<(&String, &Value)> = plan
        .get("record")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .collect();
    fields.sort_by_key(|(k, _)| order(k));
    for (k, v) in fields {
        if let Some(w) = field_words(target, k, v, receiver) {
            out.push(w);
        }
    }
    for c in plan["children"].as_array().into_iter().flatten() {
        let r = &c["record"];
        let s = |k: &str| r[k].as_str().map(str::to_string).unwrap_or_else(|| r[k].to_string());
        match c["entity"].as_str() {
            Some("activity_counts") => out.push(("计数".into(), format!("{} {}{}", s("what"), s("value"), s("unit")))),
            Some("activity_items") => {
                let cat = field_words("activity_items", "category", &r["category"], receiver).map(|x| x.1);
                let mut t = format!("{} {}", cat.unwrap_or_default(), r["name"].as_str().unwrap_or(""));
                if r["quantity"].is_string() {
                    t.push_str(&format!(" {}{}", s("quantity"), r["unit"].as_str().unwrap_or("")));
                }
                if r["value"].is_string() {
                    t.push_str(&format!(" 价值 {} 元", s("value")));
                }
                out.push(("捐赠物资".into(), t));
            }
            _ => {}
        }
    }
    if let Some(n) = plan["copies"].as_u64().filter(|n| *n > 1) {
        out.push(("份数".into(), format!("{n} 份（各建一条）")));
    }
    out
}

/// A rule in its own Chinese words, as the obligations page shows it; never its JSON.
fn rule_words(rule: &Value) -> String {
    duikou_domain::ObligationRule::from_json(rule).map_or_else(
        |e| format!("规则无法读出（{e}），请修改后再采纳，或舍弃"),
        |r| r.text_zh(),
    )
}

/// The rules of an obligation draft (a "互派" holds both sides' rules): every rule in words, its title, its owner.
fn rules_of(plan: &Value) -> Vec<&Value> {
    std::iter::once(&plan["record"])
        .chain(
            plan["children"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["entity"] == "obligations")
                .map(|c| &c["record"]),
        )
        .collect()
}

fn describe_obligation(plan: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(t) = plan["record"]["title"].as_str() {
        out.push(("任务".into(), t.to_string()));
    }
    for r in rules_of(plan) {
        out.push(("规则".into(), rule_words(&r["rule"])));
    }
    out.push((
        "归属".into(),
        "本结对所属计划的目标任务（文档关联了本结对的协议时，归该协议）；同一规则已有则不重复".into(),
    ));
    out
}

/// The windows a rule's window may be edited to: (code, words).
const WINDOWS: &[(&str, &str)] = &[
    ("semester", "每学期"),
    ("school_year", "每学年"),
    ("year", "每年"),
    ("term", "帮扶期内"),
];

/// An obligation draft as edited: the title and note as typed, each rule's window and fixed target changed alike
/// (both sides of a "互派" keep one number). Refused in Chinese, naming the field, when the input is not a window
/// or a number.
fn edited_obligation(plan: &Value, form: &[(String, String)]) -> Result<Value, String> {
    let get = |k: &str| {
        form.iter()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let window = match get("f.rule.window") {
        None => None,
        Some(w) => Some(
            WINDOWS
                .iter()
                .find(|(code, zh)| *code == w || *zh == w)
                .map(|(code, _)| *code)
                .ok_or_else(|| format!("考核期间“{w}”无效，可选：每学期、每学年、每年、帮扶期内"))?,
        ),
    };
    let target = match get("f.rule.target") {
        None => None,
        Some(v) => Some(
            v.parse::<duikou_domain::Qty>()
                .map_err(|_| format!("目标值“{v}”不是数字，请写如 2、30 的数"))?,
        ),
    };
    let mut plan = plan.clone();
    let fix = |record: &mut Value| {
        if let Some(w) = window {
            record["rule"]["window"] = serde_json::json!({"type": w});
        }
        if let Some(t) = target {
            if record["rule"]["target"]["type"] == "fixed" {
                let value = serde_json::to_value(t).unwrap_or(Value::Null);
                // a target in days changed by hand is no longer the "1个月" it was written as
                if record["rule"]["target"]["value"] != value {
                    if let Some(m) = record["rule"]["target"].as_object_mut() {
                        m.remove("written");
                    }
                }
                record["rule"]["target"]["value"] = value;
            }
        }
    };
    fix(&mut plan["record"]);
    for k in ["title", "note"] {
        match get(&format!("f.{k}")) {
            Some(v) => plan["record"][k] = Value::from(v),
            None if k == "title" => return Err("任务名称不能为空".into()),
            None => {
                if let Some(o) = plan["record"].as_object_mut() {
                    o.remove(k);
                }
            }
        }
    }
    if let Some(children) = plan["children"].as_array_mut() {
        for c in children.iter_mut().filter(|c| c["entity"] == "obligations") {
            fix(&mut c["record"]);
        }
    }
    Ok(plan)
}

fn message_of(e: &StoreError) -> String {
    match e {
        StoreError::Invalid(v) => v.to_string(),
        other => other.to_string(),
    }
}

/// The pairing's name in words ("南京农业大学 → 新疆农业大学") and its receiver's name.
async fn pairing_names(store: &Store, pairing: i64) -> Result<(String, String), StoreError> {
    let p = store.get("pairings", pairing).await?;
    let name = |r: Value| r["name"].as_str().unwrap_or("").to_string();
    let s = name(store.get("orgs", p["supporter_org_id"].as_i64().unwrap_or(0)).await?);
    let r = name(store.get("orgs", p["receiver_org_id"].as_i64().unwrap_or(0)).await?);
    Ok((format!("{s} → {r}"), r))
}

fn not_found_or(actor: &Actor, csrf: String, e: StoreError) -> Response {
    match e {
        StoreError::Forbidden(m) => refused(actor, csrf, m.to_string()),
        other => crate::error::ApiError::from(other).into_response(),
    }
}

#[derive(Deserialize, Default)]
pub struct Notice {
    #[serde(default)]
    msg: Option<String>,
}

async fn documents_page(
    state: &AppState,
    actor: &Actor,
    csrf: String,
    pairing: i64,
    message: Option<String>,
) -> Response {
    let (heading, _) = match pairing_names(&state.store, pairing).await {
        Ok(n) => n,
        Err(e) => return not_found_or(actor, csrf, e),
    };
    let docs = match state.store.list_all("documents", "pairing_id", pairing).await {
        Ok(d) => d,
        Err(e) => return not_found_or(actor, csrf, e),
    };
    let mut rows = Vec::new();
    for d in docs {
        let id = d["id"].as_i64().unwrap_or(0);
        let ex = state
            .store
            .list_all("extractions", "document_id", id)
            .await
            .unwrap_or_default();
        let ex: Vec<&Value> = ex
            .iter()
            .filter(|x| x["pairing_id"].as_i64() == Some(pairing))
            .collect();
        rows.push(DocRow {
            id,
            title: d["title"].as_str().unwrap_or("").into(),
            has_text: d["text"].as_str().is_some_and(|t| !t.is_empty()) || d["size"].as_i64().unwrap_or(0) > 0,
            proposals: ex.len(),
            pending: ex.iter().filter(|x| x["status"] == "pending").count(),
        });
    }
    // the pairing's whole term where it has one; else the last complete year (a term without dates cannot be read)
    let has_term = state
        .store
        .get("pairings", pairing)
        .await
        .is_ok_and(|p| p["start_date"].is_string());
    let period = if has_term {
        "term".to_string()
    } else {
        (chrono::Datelike::year(&state.store.today()) - 1).to_string()
    };
    render(DocumentsPage {
        ui: ui(Some(actor), csrf),
        title: format!("{heading} · 旧总结提取"),
        pairing,
        heading,
        message,
        docs: rows,
        period,
    })
}

/// `GET /pairings/{id}/documents`: the pairing's documents, an upload form and "提取" for each.
pub async fn documents(
    State(state): State<AppState>,
    parts: Parts,
    Path(pairing): Path<i64>,
    Query(n): Query<Notice>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    documents_page(&state, &actor, csrf, pairing, n.msg).await
}

/// `POST /pairings/{id}/documents` (multipart: csrf, title, file): keeps an old summary as the pairing's document.
pub async fn upload(
    State(state): State<AppState>,
    parts: Parts,
    Path(pairing): Path<i64>,
    mut multipart: Multipart,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (mut sent, mut title, mut file) = (String::new(), String::new(), None::<(String, String, Vec<u8>)>);
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("csrf") => sent = field.text().await.unwrap_or_default(),
                Some("title") => title = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("").to_string();
                    let ct = field.content_type().unwrap_or("application/octet-stream").to_string();
                    match field.bytes().await {
                        Ok(b) if b.len() <= MAX_DOCUMENT_BYTES => file = Some((name, ct, b.to_vec())),
                        _ => {
                            let mut r = documents_page(
                                &state,
                                &actor,
                                csrf,
                                pairing,
                                Some("文件过大或未能读完：最大 50 MB".into()),
                            )
                            .await;
                            *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
                            return r;
                        }
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) => {
                let m = format!("上传的表单未能读完：{e}");
                return documents_page(&state, &actor, csrf, pairing, Some(m)).await;
            }
        }
    }
    if sent != csrf {
        return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response();
    }
    let Some((name, ct, bytes)) = file.filter(|f| !f.2.is_empty()) else {
        let m = "请选择要上传的文件（.docx 或 .txt）".to_string();
        let mut r = documents_page(&state, &actor, csrf, pairing, Some(m)).await;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    };
    let title = if title.trim().is_empty() {
        name.clone()
    } else {
        title.trim().to_string()
    };
    let ct = if name.to_lowercase().ends_with(".docx") {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_string()
    } else if name.to_lowercase().ends_with(".txt") {
        "text/plain".to_string()
    } else {
        ct
    };
    // the record and its file together: a refused file leaves no empty document behind
    let created = state
        .store
        .create_document_with_content(
            &actor,
            &serde_json::json!({"kind": "summary", "title": title, "pairing_id": pairing, "file_name": name}),
            &ct,
            bytes,
        )
        .await;
    let msg = match created {
        Ok(d) => format!(
            "已上传“{}”，可点“提取”读出其中的数字",
            d["title"].as_str().unwrap_or("")
        ),
        Err(e) => {
            let m = format!("未能上传：{}", message_of(&e));
            let mut r = documents_page(&state, &actor, csrf, pairing, Some(m)).await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return r;
        }
    };
    Redirect::to(&format!("/pairings/{pairing}/documents?msg={}", super::urlencode(&msg))).into_response()
}

#[derive(Deserialize)]
pub struct ExtractForm {
    csrf: String,
    #[serde(default)]
    period: String,
}

/// `POST /pairings/{id}/documents/{doc}/extract`: proposes the document's figures as drafts, then shows them.
pub async fn extract(
    State(state): State<AppState>,
    parts: Parts,
    Path((pairing, doc)): Path<(i64, i64)>,
    Form(f): Form<ExtractForm>,
) -> Response {
    let (actor, csrf) = match posting_user(&state, &parts, Some(f.csrf.as_str())).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let period = if f.period.trim().is_empty() {
        "term"
    } else {
        f.period.trim()
    };
    match state.store.propose_from_document(&actor, doc, pairing, period).await {
        Ok(items) => {
            let n = items.iter().filter(|i| i["target"].is_string()).count();
            let msg = format!("读出 {} 个数字，其中 {n} 个有建议的记录；请逐条审核", items.len());
            Redirect::to(&format!(
                "/pairings/{pairing}/documents/{doc}/review?msg={}",
                super::urlencode(&msg)
            ))
            .into_response()
        }
        Err(StoreError::Forbidden(m)) => refused(&actor, csrf, m.to_string()),
        Err(e) => {
            let mut r = documents_page(&state, &actor, csrf, pairing, Some(message_of(&e))).await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
    }
}

/// Splits a sentence around the figure: (before, figure, after).
fn marked(text: &[char], row: &Value) -> (String, String, String) {
    let quote = row["quote"].as_str().unwrap_or("").to_string();
    let start = row["start"].as_u64().unwrap_or(0) as usize;
    let qlen = quote.chars().count();
    let sentence = &row["draft"]["sentence"];
    let (s0, s1) = (
        sentence[0].as_u64().map_or(start, |v| v as usize),
        sentence[1].as_u64().map_or(start + qlen, |v| v as usize),
    );
    let (s0, start, end, s1) = (
        s0.min(text.len()),
        start.min(text.len()),
        (start + qlen).min(text.len()),
        s1.min(text.len()),
    );
    if !(s0 <= start && end <= s1) {
        return (String::new(), quote, String::new());
    }
    let cut = |a: usize, b: usize| text[a..b].iter().collect::<String>().trim().to_string();
    (cut(s0, start), cut(start, end), cut(end, s1))
}

/// `GET /pairings/{id}/documents/{doc}/review`: every proposal beside its sentence, to decide.
pub async fn review(
    State(state): State<AppState>,
    parts: Parts,
    Path((pairing, doc)): Path<(i64, i64)>,
    Query(n): Query<Notice>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let rows = match state.store.extraction_review(&actor, doc, pairing).await {
        Ok(r) => r,
        Err(e) => return not_found_or(&actor, csrf, e),
    };
    let (heading, receiver) = match pairing_names(&state.store, pairing).await {
        Ok(n) => n,
        Err(e) => return not_found_or(&actor, csrf, e),
    };
    let document = match state.store.get("documents", doc).await {
        Ok(d) => d,
        Err(e) => return not_found_or(&actor, csrf, e),
    };
    let text: Vec<char> = document["text"].as_str().unwrap_or("").chars().collect();
    // paragraph numbers: 1 + the line breaks before a figure (blank lines do not count)
    let mut para_at = Vec::with_capacity(text.len() + 1);
    let mut para = 1usize;
    let mut seen_text = false;
    for c in &text {
        para_at.push(para);
        if *c == '\n' {
            if seen_text {
                para += 1;
            }
            seen_text = false;
        } else if !c.is_whitespace() {
            seen_text = true;
        }
    }
    para_at.push(para);
    let mut out = Vec::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut paragraphs: BTreeMap<usize, usize> = BTreeMap::new();
    for r in &rows {
        let target = r["target"].as_str().unwrap_or("").to_string();
        let pending = r["status"] == "pending";
        let start = r["start"].as_u64().unwrap_or(0) as usize;
        let paragraph = para_at.get(start).copied().unwrap_or(para);
        let has_draft = !target.is_empty();
        if pending && has_draft {
            *kinds.entry(target.clone()).or_default() += 1;
            *paragraphs.entry(paragraph).or_default() += 1;
        }
        let (before, mark, after) = marked(&text, r);
        let status = match r["status"].as_str() {
            Some("accepted") => "已采纳",
            Some("dropped") => "已舍弃",
            _ => "待审核",
        };
        let record_href = r["record_id"]
            .as_i64()
            .filter(|_| has_draft)
            .map(|id| format!("/records/{target}/{id}"));
        out.push(DraftRow {
            id: r["id"].as_i64().unwrap_or(0),
            paragraph,
            before,
            mark,
            after,
            kind: target_label(&target),
            fields: describe(&target, &r["draft"], &receiver),
            doubts: r["draft"]["doubts"]
                .as_array()
                .map(|d| d.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            pending,
            status: status.into(),
            record_href,
            has_draft,
        });
    }
    let pending = out.iter().filter(|r| r.pending).count();
    render(ReviewPage {
        ui: ui(Some(&actor), csrf),
        title: format!("{} · 审核提取的记录", document["title"].as_str().unwrap_or("")),
        pairing,
        doc,
        heading: format!("{} · {}", document["title"].as_str().unwrap_or(""), heading),
        message: n.msg,
        pending,
        rows: out,
        kinds: kinds
            .into_iter()
            .map(|(t, n)| (t.clone(), target_label(&t), n))
            .collect(),
        paragraphs: paragraphs.into_iter().collect(),
    })
}

#[derive(Deserialize)]
pub struct DecideForm {
    csrf: String,
}

/// The review page of an extraction, with a notice.
async fn back_to_review(state: &AppState, id: i64, msg: &str) -> Response {
    let ex = state.store.get("extractions", id).await.unwrap_or(Value::Null);
    let (p, d) = (
        ex["pairing_id"].as_i64().unwrap_or(0),
        ex["document_id"].as_i64().unwrap_or(0),
    );
    Redirect::to(&format!(
        "/pairings/{p}/documents/{d}/review?msg={}#x{id}",
        super::urlencode(msg)
    ))
    .into_response()
}

/// `POST /extractions/{id}/decide/{action}` (accept | drop).
pub async fn decide(
    State(state): State<AppState>,
    parts: Parts,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<DecideForm>,
) -> Response {
    let (actor, csrf) = match posting_user(&state, &parts, Some(f.csrf.as_str())).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let accept = match action.as_str() {
        "accept" => true,
        "drop" => false,
        _ => return (StatusCode::NOT_FOUND, "没有这种操作（可用：采纳、舍弃）").into_response(),
    };
    let msg = match state.store.decide_extraction(&actor, id, accept, None).await {
        Ok(x) => format!(
            "“{}”{}",
            x["quote"].as_str().unwrap_or(""),
            if accept { "已采纳" } else { "已舍弃" }
        ),
        Err(StoreError::Forbidden(m)) => return refused(&actor, csrf, m.to_string()),
        Err(StoreError::NotFound { .. }) => return (StatusCode::NOT_FOUND, "没有这条提取的记录").into_response(),
        Err(e) => format!("未能{}：{}", if accept { "采纳" } else { "舍弃" }, message_of(&e)),
    };
    back_to_review(&state, id, &msg).await
}

#[derive(Deserialize)]
pub struct AcceptAllForm {
    csrf: String,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    paragraph: Option<usize>,
}

/// `POST /pairings/{id}/documents/{doc}/accept_all`: accepts, as proposed, every pending proposal of one kind or
/// of one paragraph; each is its own decision (one refused leaves the others), and the notice names what was not.
pub async fn accept_all(
    State(state): State<AppState>,
    parts: Parts,
    Path((pairing, doc)): Path<(i64, i64)>,
    Form(f): Form<AcceptAllForm>,
) -> Response {
    let (actor, csrf) = match posting_user(&state, &parts, Some(f.csrf.as_str())).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let rows = match state.store.extraction_review(&actor, doc, pairing).await {
        Ok(r) => r,
        Err(e) => return not_found_or(&actor, csrf, e),
    };
    let text: Vec<char> = match state.store.get("documents", doc).await {
        Ok(d) => d["text"].as_str().unwrap_or("").chars().collect(),
        Err(e) => return not_found_or(&actor, csrf, e),
    };
    let paragraph_of = |start: usize| {
        let mut p = 1;
        let mut seen = false;
        for c in text.iter().take(start) {
            if *c == '\n' {
                if seen {
                    p += 1;
                }
                seen = false;
            } else if !c.is_whitespace() {
                seen = true;
            }
        }
        p
    };
    let (mut done, mut failed) = (0usize, Vec::new());
    for r in rows
        .iter()
        .filter(|r| r["status"] == "pending" && r["target"].is_string())
    {
        let of_kind = f.target.as_deref().is_none_or(|t| r["target"] == t);
        let of_para = f
            .paragraph
            .is_none_or(|p| paragraph_of(r["start"].as_u64().unwrap_or(0) as usize) == p);
        if !(of_kind && of_para) {
            continue;
        }
        match state
            .store
            .decide_extraction(&actor, r["id"].as_i64().unwrap_or(0), true, None)
            .await
        {
            Ok(_) => done += 1,
            // a rule is the program's: an editor of a side accepts the rest and is told whom to ask for it
            Err(StoreError::Forbidden(m)) if r["target"] == "obligations" => {
                failed.push(format!("“{}”：{m}", r["quote"].as_str().unwrap_or("")))
            }
            Err(StoreError::Forbidden(m)) => return refused(&actor, csrf, m.to_string()),
            Err(e) => failed.push(format!("“{}”：{}", r["quote"].as_str().unwrap_or(""), message_of(&e))),
        }
    }
    let mut msg = format!("已采纳 {done} 条");
    if !failed.is_empty() {
        msg.push_str(&format!("；{} 条未采纳（{}）", failed.len(), failed.join("；")));
    }
    Redirect::to(&format!(
        "/pairings/{pairing}/documents/{doc}/review?msg={}",
        super::urlencode(&msg)
    ))
    .into_response()
}

/// The inputs of the edit form: the proposed record's fields, each with its label and the kind's hint.
fn inputs_of(target: &str, plan: &Value) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    if target == "obligations" {
        let r = &plan["record"];
        let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
        out.push(("title".into(), "任务名称".into(), text(&r["title"]), String::new()));
        let window = r["rule"]["window"]["type"].as_str().unwrap_or("");
        out.push((
            "rule.window".into(),
            "考核期间".into(),
            WINDOWS
                .iter()
                .find(|(c, _)| *c == window)
                .map_or(window.to_string(), |(_, zh)| zh.to_string()),
            "可选：每学期、每学年、每年、帮扶期内".into(),
        ));
        if r["rule"]["target"]["type"] == "fixed" {
            out.push((
                "rule.target".into(),
                "目标值".into(),
                text(&r["rule"]["target"]["value"]),
                format!("单位：{}（不少于此数）", r["rule"]["unit"].as_str().unwrap_or("")),
            ));
        }
        let note = if r["note"].is_null() {
            String::new()
        } else {
            text(&r["note"])
        };
        out.push(("note".into(), "原文（备注）".into(), note, String::new()));
        return out;
    }
    for (k, v) in plan["record"].as_object().into_iter().flatten() {
        let value = match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        let field = schema::entity(target).and_then(|d| d.field(k));
        let label = match k.as_str() {
            "indicator_name" => "指标名称".to_string(),
            "unit" if target == "indicator_values" => "单位".into(),
            "org" => "所属单位（receiver 为受援方）".into(),
            _ => field.map_or(k.clone(), |f| f.label.to_string()),
        };
        let hint = match field.map(|f| f.kind) {
            Some(FieldKind::Enum(options)) => {
                let o: Vec<String> = options.iter().map(|(k, l)| format!("{k}={l}")).collect();
                format!("可选：{}", o.join("，"))
            }
            Some(FieldKind::Date) => "如 2014、2014-06 或 2014-06-15".into(),
            Some(FieldKind::Money) => "元，可写“3700万”“约1000万”".into(),
            _ => String::new(),
        };
        out.push((k.clone(), label, value, hint));
    }
    out
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    state: &AppState,
    actor: &Actor,
    csrf: String,
    id: i64,
    ex: &Value,
    message: Option<String>,
    plan: &Value,
    target: &str,
) -> Response {
    let projects = if plan["project"].is_object() {
        let pairing = ex["pairing_id"].as_i64().unwrap_or(0);
        let mut names: Vec<String> = state
            .store
            .list_all("projects", "pairing_id", pairing)
            .await
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p["name"].as_str().map(str::to_string))
            .collect();
        names.sort();
        names.dedup();
        names
    } else {
        Vec::new()
    };
    render(EditPage {
        ui: ui(Some(actor), csrf),
        title: format!("修改“{}”的建议记录", ex["quote"].as_str().unwrap_or("")),
        id,
        back: format!(
            "/pairings/{}/documents/{}/review#x{id}",
            ex["pairing_id"].as_i64().unwrap_or(0),
            ex["document_id"].as_i64().unwrap_or(0)
        ),
        quote: ex["quote"].as_str().unwrap_or("").into(),
        kind: target_label(target),
        message,
        inputs: inputs_of(target, plan),
        project: plan["project"]["name"].as_str().map(str::to_string),
        projects,
        rules: if target == "obligations" {
            rules_of(plan).iter().map(|r| rule_words(&r["rule"])).collect()
        } else {
            Vec::new()
        },
        target: target.to_string(),
        kinds: KINDS
            .iter()
            .map(|(k, _)| k.to_string())
            .chain((!KINDS.iter().any(|(k, _)| *k == target)).then(|| target.to_string()))
            .map(|k| (k.clone(), target_label(&k), k == target))
            .collect(),
    })
}

/// `GET /extractions/{id}/edit`: the proposed record's fields as a form.
pub async fn edit_form(State(state): State<AppState>, parts: Parts, Path(id): Path<i64>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let ex = match state.store.extraction(&actor, id).await {
        Ok(x) => x,
        Err(e) => return not_found_or(&actor, csrf, e),
    };
    if ex["target"].as_str().is_none() {
        return back_to_review(
            &state,
            id,
            "这条数字没有建议的记录，无法修改；如需记下，请在相应页面新建",
        )
        .await;
    }
    let plan = ex["draft"].clone();
    let target = ex["target"].as_str().unwrap_or("").to_string();
    edit_page(&state, &actor, csrf, id, &ex, None, &plan, &target).await
}

/// `POST /extractions/{id}/edit`: accepts the proposal with the fields as edited (an emptied field is left out).
pub async fn edit_submit(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let sent = form.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str());
    let (actor, csrf) = match posting_user(&state, &parts, sent).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let ex = match state.store.extraction(&actor, id).await {
        Ok(x) => x,
        Err(e) => return not_found_or(&actor, csrf, e),
    };
    // the kind as the form was shown, and as chosen: another kind chosen shows its fields first, writing nothing
    let proposed = ex["target"].as_str().unwrap_or("").to_string();
    let field = |k: &str| form.iter().find(|(f, _)| f == k).map(|(_, v)| v.trim().to_string());
    let shown = field("shown")
        .filter(|t| *t == proposed || KINDS.iter().any(|(k, _)| k == t))
        .unwrap_or_else(|| proposed.clone());
    let target = field("target")
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| shown.clone());
    if target != proposed && !KINDS.iter().any(|(k, _)| *k == target) {
        let m = format!(
            "记录类型“{target}”无效，可选：{}",
            KINDS
                .iter()
                .map(|(k, _)| target_label(k))
                .collect::<Vec<_>>()
                .join("、")
        );
        let mut r = edit_page(&state, &actor, csrf, id, &ex, Some(m), &ex["draft"], &shown).await;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    let base = if shown == proposed {
        ex["draft"].clone()
    } else {
        changed_plan(&proposed, &ex["draft"], &shown, &[])
    };
    if target != shown || field("change").is_some() {
        let plan = if target == proposed {
            ex["draft"].clone()
        } else {
            changed_plan(&shown, &base, &target, &form)
        };
        let m = format!("已改为“{}”：请核对、补全各项后采纳（尚未写入）", target_label(&target));
        return edit_page(&state, &actor, csrf, id, &ex, Some(m), &plan, &target).await;
    }
    if target == "obligations" {
        let plan = match edited_obligation(&ex["draft"], &form) {
            Ok(p) => p,
            Err(m) => {
                let mut r = edit_page(&state, &actor, csrf, id, &ex, Some(m), &ex["draft"], &target).await;
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                return r;
            }
        };
        return accept_edited(&state, &actor, csrf, id, &ex, &plan, &target).await;
    }
    let mut plan = base;
    let mut record = Map::new();
    for (k, v) in &form {
        if let Some(field) = k.strip_prefix("f.") {
            if !v.trim().is_empty() {
                record.insert(field.to_string(), Value::from(v.trim()));
            }
        }
        if k == "project" && plan["project"].is_object() && !v.trim().is_empty() {
            plan["project"]["name"] = Value::from(v.trim());
        }
    }
    plan["record"] = Value::Object(record);
    accept_edited(&state, &actor, csrf, id, &ex, &plan, &target).await
}

/// Accepts a draft as edited: back to the review saying so, or the form again with the input kept and the reason
/// named.
#[allow(clippy::too_many_arguments)]
async fn accept_edited(
    state: &AppState,
    actor: &Actor,
    csrf: String,
    id: i64,
    ex: &Value,
    plan: &Value,
    target: &str,
) -> Response {
    match state
        .store
        .decide_extraction(actor, id, true, Some((target, plan)))
        .await
    {
        Ok(_) => {
            back_to_review(
                state,
                id,
                &format!("“{}”已按修改采纳", ex["quote"].as_str().unwrap_or("")),
            )
            .await
        }
        Err(StoreError::Forbidden(m)) => refused(actor, csrf, m.to_string()),
        Err(e) => {
            let mut r = edit_page(state, actor, csrf, id, ex, Some(message_of(&e)), plan, target).await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
    }
}
