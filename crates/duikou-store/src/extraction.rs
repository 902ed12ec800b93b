//! Old summaries read back in: the quantified facts of an uploaded document proposed as draft records of the right
//! type for one pairing and period; a person accepts (possibly edited), or drops each. Nothing enters the record
//! unreviewed: a draft becomes a record only on accept, through the same validation and permissions as any write.

use crate::audit::WriteTx;
use crate::db::{Arg, Kind};
use crate::{Result, Store, StoreError};
use chrono::Utc;
use duikou_domain::access::{self, Actor, Target};
use duikou_domain::schema::{FieldKind, Owner};
use duikou_domain::{Calendar, Period};
use serde_json::{json, Map, Value};

/// The longest text read in one extraction (about 200 pages of a summary).
pub const MAX_TEXT_CHARS: usize = 300_000;

impl Store {
    async fn may_review(&self, actor: &Actor, pairing: i64) -> Result<()> {
        let mut tx = self.db().begin().await?;
        let sides = Self::sides(&mut tx, pairing).await?;
        tx.rollback().await?;
        access::may_write(
            actor,
            Owner::Shared,
            "文档抽取",
            &Target {
                sides: Some(sides),
                ..Default::default()
            },
        )?;
        Ok(())
    }

    /// Keeps an uploaded old summary: the document record and its file in one transaction, so a refused file (too
    /// large, of a kind not kept) leaves no empty document behind.
    pub async fn create_document_with_content(
        &self,
        actor: &Actor,
        input: &Value,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<Value> {
        if bytes.len() > crate::documents::MAX_DOCUMENT_BYTES {
            return Err(StoreError::invalid("content", "too_large", "文件过大：最大 50 MB"));
        }
        let content = crate::documents::Content::from(bytes);
        let content_type = crate::documents::safe_content_type(content_type)?;
        let mut w = WriteTx::begin(self, actor).await?;
        let made = Self::create_in(&mut w, "documents", input).await?;
        let id = made["id"].as_i64().unwrap_or(0);
        Self::put_content_in(&mut w, id, content_type, &content, made).await?;
        w.commit().await?;
        self.get("documents", id).await
    }

    /// One proposal, for those who may review it.
    pub async fn extraction(&self, actor: &Actor, id: i64) -> Result<Value> {
        let ex = self.get("extractions", id).await?;
        self.may_review(actor, ex["pairing_id"].as_i64().unwrap_or(0)).await?;
        Ok(ex)
    }

    /// A document's proposals for `pairing`, in the order of its text, for those who may review them.
    pub async fn extraction_review(&self, actor: &Actor, document: i64, pairing: i64) -> Result<Vec<Value>> {
        self.get("documents", document).await?;
        self.may_review(actor, pairing).await?;
        let mut rows: Vec<Value> = self
            .list_all("extractions", "document_id", document)
            .await?
            .into_iter()
            .filter(|r| r["pairing_id"].as_i64() == Some(pairing))
            .collect();
        rows.sort_by_key(|r| (r["start"].as_i64().unwrap_or(0), r["id"].as_i64().unwrap_or(0)));
        Ok(rows)
    }

    /// Reads a document's figures and proposes them as drafts for `pairing` and `period` (replacing earlier pending
    /// proposals of the same document and pairing). Returns the proposals.
    pub async fn propose_from_document(
        &self,
        actor: &Actor,
        document: i64,
        pairing: i64,
        period: &str,
    ) -> Result<Vec<Value>> {
        let p: Period = period.parse().map_err(|e: duikou_domain::PeriodParseError| {
            StoreError::invalid("period", "period", format!("期间（period）：{e}"))
        })?;
        let doc = self.get("documents", document).await?;
        let pairing_rec = self.get("pairings", pairing).await?;
        self.may_review(actor, pairing).await?;
        let program = self
            .get("programs", pairing_rec["program_id"].as_i64().unwrap_or(0))
            .await?;
        let calendar: Calendar = serde_json::from_value(program["calendar"].clone()).unwrap_or_default();
        let term = match (
            duikou_domain::date::first_day(&pairing_rec["start_date"]),
            duikou_domain::date::last_day(&pairing_rec["end_date"]),
        ) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        };
        let (start, _) = p
            .bounds(&calendar, term)
            .ok_or_else(|| StoreError::invalid("period", "period", "结对没有起止日期，不能用 term，请给出具体期间"))?;
        let text = doc["text"].as_str().filter(|t| !t.is_empty()).ok_or_else(|| {
            StoreError::conflict(
                "no_text",
                "该文档没有可读的文本（请先上传 .txt 或 .docx 文件）",
                Some("document_id"),
            )
        })?;
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(StoreError::conflict(
                "too_long",
                format!(
                    "该文档正文有 {} 字，超过一次提取的上限 {} 字（约 200 页）；请按年度或章节拆成几份文档分别上传、提取",
                    text.chars().count(),
                    MAX_TEXT_CHARS
                ),
                Some("document_id"),
            ));
        }
        let facts = duikou_text::extract(text);
        // an indicator value needs a period a summary can place: the term's first year stands in for "term"
        let hint = match p {
            Period::Term => start.format("%Y").to_string(),
            _ => p.to_string(),
        };
        if facts.is_empty() {
            return Err(StoreError::conflict(
                "no_figures",
                "该文档中没有找到带单位的数字（如“3名”“1500课时”“42.33亿元”），没有可建议的记录",
                Some("document_id"),
            ));
        }
        let receiver = pairing_rec["receiver_org_id"].as_i64().unwrap_or(0);
        let name_of = |r: Value| r["name"].as_str().unwrap_or("").to_string();
        let parties = duikou_text::Parties {
            supporter: name_of(
                self.get("orgs", pairing_rec["supporter_org_id"].as_i64().unwrap_or(0))
                    .await?,
            ),
            receiver: name_of(self.get("orgs", receiver).await?),
        };
        let mut w = WriteTx::begin(self, actor).await?;
        // the pending proposals replaced, each deleted with its own event so the log accounts for every row
        let replaced =
            w.tx.fetch(
                "SELECT id FROM extractions WHERE document_id = $1 AND pairing_id = $2 AND status = 'pending' ORDER BY id",
                &[Arg::Int(Some(document)), Arg::Int(Some(pairing))],
                &[Kind::Int],
            )
            .await?;
        w.tx.execute(
            "DELETE FROM extractions WHERE document_id = $1 AND pairing_id = $2 AND status = 'pending'",
            &[Arg::Int(Some(document)), Arg::Int(Some(pairing))],
        )
        .await?;
        for r in replaced {
            w.record(
                "delete",
                "extractions",
                r[0].int().unwrap_or(0),
                Value::Null,
                Value::Null,
            )
            .await?;
        }
        let now = Utc::now();
        let mut ids = Vec::new();
        let proposals = duikou_text::propose_all(text, &facts, &parties, &start.to_string(), &hint);
        for (f, proposal) in facts.iter().zip(proposals) {
            let target = proposal.draft.as_ref().map(|d| d.target);
            let mut draft = proposal
                .draft
                .as_ref()
                .map_or_else(|| json!({}), duikou_text::Draft::to_json);
            let mut doubts = proposal.doubts.clone();
            if let Some(d) = proposal.draft.as_ref().filter(|d| d.target == "obligations") {
                // a rule of semesters or school years cannot be kept by a program counted in calendar years
                let school = std::iter::once(&d.record)
                    .chain(d.children.iter().map(|c| &c.1))
                    .any(|r| matches!(r["rule"]["window"]["type"].as_str(), Some("semester" | "school_year")));
                if school && calendar.kind == duikou_domain::CalendarKind::CalendarYear {
                    doubts.push(format!(
                        "“{}”按自然年计，没有学期和学年：采纳前请把计划的日历改为学年制，或修改这条规则的期间",
                        program["name"].as_str().unwrap_or("本计划")
                    ));
                }
            }
            draft["doubts"] = json!(doubts);
            draft["sentence"] = json!([proposal.sentence.0, proposal.sentence.1]);
            let draft = Some(draft);
            let id = w
                .tx
                .fetch_opt(
                    "INSERT INTO extractions (version, created_at, updated_at, document_id, pairing_id, period, quote, start, value, unit, measure, kind, target, draft, status) \
                     VALUES (1, $1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending') RETURNING id",
                    &[
                        Arg::Ts(Some(now)),
                        Arg::Int(Some(document)),
                        Arg::Int(Some(pairing)),
                        Arg::Text(Some(p.to_string())),
                        Arg::Text(Some(f.quote.clone())),
                        Arg::Int(Some(f.start as i64)),
                        Arg::Text(f.value.as_ref().map(|v| v.to_string())),
                        Arg::Text(Some(f.unit.clone())),
                        Arg::Text(Some(f.measure.clone())),
                        Arg::Text(serde_json::to_value(f.kind).ok().and_then(|k| k.as_str().map(str::to_string))),
                        Arg::Text(target.map(str::to_string)),
                        Arg::Json(draft),
                    ],
                    &[Kind::Int],
                )
                .await?
                .and_then(|r| r[0].int())
                .unwrap_or(0);
            ids.push(id);
        }
        w.record_many(
            "create",
            "extractions",
            ids.iter().map(|id| (*id, Value::Null)).collect(),
        )
        .await?;
        w.record(
            "extract",
            "documents",
            document,
            Value::Null,
            json!({"pairing_id": pairing, "period": p.to_string(), "facts": ids.len()}),
        )
        .await?;
        w.commit().await?;
        let mut out = Vec::new();
        for id in ids {
            out.push(self.get("extractions", id).await?);
        }
        Ok(out)
    }

    /// Accepts a proposal (with an edited draft and target if given): the record is created as `actor`, through the
    /// usual validation and permissions, and the proposal remembers it. `drop` instead sets it aside. A proposal is
    /// decided once: a second decision, even a concurrent one, is refused and writes nothing.
    pub async fn decide_extraction(
        &self,
        actor: &Actor,
        id: i64,
        accept: bool,
        edited: Option<(&str, &Value)>,
    ) -> Result<Value> {
        let before = self.get("extractions", id).await?;
        if before["status"] != "pending" {
            return Err(StoreError::conflict(
                "decided",
                format!(
                    "“{}”这一条已经{}，不能再次审核",
                    before["quote"].as_str().unwrap_or(""),
                    if before["status"] == "accepted" {
                        "采纳"
                    } else {
                        "舍弃"
                    }
                ),
                Some("status"),
            ));
        }
        let pairing = before["pairing_id"].as_i64().unwrap_or(0);
        self.may_review(actor, pairing).await?;
        let mut w = WriteTx::begin(self, actor).await?;
        let mut record_id = None;
        if accept {
            let (target, draft) = match edited {
                Some((t, d)) => (t.to_string(), d.clone()),
                None => (
                    before["target"].as_str().unwrap_or("").to_string(),
                    before["draft"].clone(),
                ),
            };
            let plan = draft.as_object().cloned().unwrap_or_default();
            let has_record =
                plan.get("record").is_some_and(Value::is_object) || (!plan.is_empty() && !plan.contains_key("doubts"));
            if target.is_empty() || !has_record {
                return Err(StoreError::invalid(
                    "draft",
                    "required",
                    format!(
                        "“{}”没有建议的记录，请选择记录类型并填写后再采纳，或舍弃",
                        before["quote"].as_str().unwrap_or("")
                    ),
                ));
            }
            let document = before["document_id"].as_i64().unwrap_or(0);
            record_id = Some(Self::accept_plan(&mut w, pairing, document, &target, &plan).await?);
        }
        let status = if accept { "accepted" } else { "dropped" };
        // only a pending proposal changes: a concurrent decision that came first leaves nothing to change
        let changed = w
            .tx
            .execute(
                "UPDATE extractions SET status = $1, record_id = $2, decided_by = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND status = 'pending'",
                &[
                    Arg::Text(Some(status.into())),
                    Arg::Int(record_id),
                    Arg::Int((actor.user_id > 0).then_some(actor.user_id)),
                    Arg::Ts(Some(Utc::now())),
                    Arg::Int(Some(id)),
                ],
            )
            .await?;
        if changed == 0 {
            w.tx.rollback().await?;
            return Err(StoreError::conflict(
                "decided",
                "这一条刚被别人审核过，本次操作未写入任何记录",
                Some("status"),
            ));
        }
        w.record(
            if accept { "accept" } else { "drop" },
            "extractions",
            id,
            before,
            json!({"status": status, "record_id": record_id}),
        )
        .await?;
        w.commit().await?;
        self.get("extractions", id).await
    }

    /// Creates the records of an accepted draft `{target, record, project?, children?, copies?}` (or a bare record)
    /// in `pairing`; returns the main record's id. A project or project group of the same name in the pairing is
    /// completed rather than duplicated, so two figures about one project land on one record. An obligation (a rule
    /// of the document, with its other side's rule among the children) belongs to the agreement `document` is
    /// attached to, else to the pairing's program.
    async fn accept_plan(
        w: &mut WriteTx,
        pairing: i64,
        document: i64,
        target: &str,
        plan: &Map<String, Value>,
    ) -> Result<i64> {
        let mut record = match plan.get("record").and_then(Value::as_object) {
            Some(r) => r.clone(),
            None => plan.clone(),
        };
        for k in ["doubts", "sentence", "children", "copies", "project", "target"] {
            if plan.get("record").is_none() {
                record.remove(k);
            }
        }
        match target {
            "obligations" => {
                let mut rules = vec![record];
                for c in plan.get("children").and_then(Value::as_array).into_iter().flatten() {
                    if c["entity"] != "obligations" {
                        return Err(StoreError::invalid(
                            "draft.children",
                            "enum",
                            "目标任务的附属记录只能是另一方向的目标任务",
                        ));
                    }
                    rules.push(c["record"].as_object().cloned().unwrap_or_default());
                }
                let owner = Self::rule_owner(w, pairing, document).await?;
                let mut first = 0;
                for r in rules {
                    let id = Self::obligation_of(w, owner, r).await?;
                    if first == 0 {
                        first = id;
                    }
                }
                Ok(first)
            }
            "activities" | "agreements" | "funds" | "notes" | "needs" => {
                record.insert("pairing_id".into(), Value::from(pairing));
                let copies = plan.get("copies").and_then(Value::as_u64).unwrap_or(1).clamp(1, 50);
                let title = record.get("title").and_then(Value::as_str).map(str::to_string);
                let mut first = 0;
                for i in 1..=copies {
                    if let (true, Some(t)) = (copies > 1, &title) {
                        record.insert("title".into(), Value::from(format!("{t}（{i}/{copies}）")));
                    }
                    let id = Self::create_in(w, target, &Value::Object(record.clone())).await?["id"]
                        .as_i64()
                        .unwrap_or(0);
                    if first == 0 {
                        first = id;
                    }
                }
                if let Some(children) = plan.get("children").and_then(Value::as_array) {
                    for c in children {
                        let entity = c["entity"].as_str().unwrap_or("");
                        if !matches!(entity, "activity_counts" | "activity_items") {
                            return Err(StoreError::invalid(
                                "draft.children",
                                "enum",
                                format!("附属记录类型“{entity}”无效，可选：活动计数、捐赠物资"),
                            ));
                        }
                        let mut r = c["record"].as_object().cloned().unwrap_or_default();
                        r.insert("activity_id".into(), Value::from(first));
                        Self::create_in(w, entity, &Value::Object(r)).await?;
                    }
                }
                Ok(first)
            }
            "projects" | "project_groups" => Self::complete_or_create(w, pairing, target, record).await,
            "outputs" | "project_funding" | "transactions" => {
                let project = match record.get("project_id").and_then(Value::as_i64) {
                    Some(p) => {
                        let alive = w
                            .tx
                            .fetch_opt(
                                "SELECT id FROM projects WHERE id = $1 AND pairing_id = $2",
                                &[Arg::Int(Some(p)), Arg::Int(Some(pairing))],
                                &[Kind::Int],
                            )
                            .await?;
                        if alive.is_none() {
                            return Err(StoreError::conflict(
                                "target_gone",
                                "这条要并入的项目已被删除或不属于本结对；请另选项目或按建议新建后再采纳",
                                Some("draft.project_id"),
                            ));
                        }
                        p
                    }
                    None => {
                        let p = plan.get("project").and_then(Value::as_object).cloned().ok_or_else(|| {
                            StoreError::invalid("draft.project", "required", "请指明这笔资金或产出属于哪个项目")
                        })?;
                        Self::complete_or_create(w, pairing, "projects", p).await?
                    }
                };
                record.insert("project_id".into(), Value::from(project));
                if target == "outputs" {
                    // planned, started and completed counts of one output, told in three figures, meet on one row
                    let same = w
                        .tx
                        .fetch_opt(
                            "SELECT id FROM outputs WHERE project_id = $1 AND name = $2 AND unit = $3 ORDER BY id",
                            &[
                                Arg::Int(Some(project)),
                                Arg::Text(record.get("name").and_then(Value::as_str).map(str::to_string)),
                                Arg::Text(record.get("unit").and_then(Value::as_str).map(str::to_string)),
                            ],
                            &[Kind::Int],
                        )
                        .await?
                        .and_then(|r| r[0].int());
                    if let Some(id) = same {
                        return Self::complete(w, "outputs", id, &record, &["project_id", "name", "unit", "as_of"]).await;
                    }
                }
                Ok(Self::create_in(w, target, &Value::Object(record)).await?["id"].as_i64().unwrap_or(0))
            }
            "indicator_values" => {
                let name = record
                    .remove("indicator_name")
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_else(|| "提取的指标".into());
                let unit = record.remove("unit").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| "%".into());
                if record.remove("org").is_some_and(|o| o == "receiver") {
                    let sides = Self::sides(&mut w.tx, pairing).await?;
                    record.insert("org_id".into(), Value::from(sides.receiver));
                }
                let code: String = record
                    .remove("indicator_code")
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_else(|| format!("extracted:{name}"))
                    .chars()
                    .take(50)
                    .collect();
                let existing = w
                    .tx
                    .fetch_opt("SELECT id FROM indicators WHERE code = $1", &[Arg::Text(Some(code.clone()))], &[Kind::Int])
                    .await?
                    .and_then(|r| r[0].int());
                let indicator = match existing {
                    Some(i) => i,
                    None => Self::create_in(w, "indicators", &json!({"code": code, "name": name, "unit": unit})).await?["id"]
                        .as_i64()
                        .unwrap_or(0),
                };
                record.insert("indicator_id".into(), Value::from(indicator));
                let period = record.get("period").and_then(Value::as_str).unwrap_or("").to_string();
                let org = record.get("org_id").and_then(Value::as_i64);
                let same = w
                    .tx
                    .fetch_opt(
                        "SELECT id FROM indicator_values WHERE indicator_id = $1 AND org_id = $2 AND period = $3",
                        &[Arg::Int(Some(indicator)), Arg::Int(org), Arg::Text(Some(period.clone()))],
                        &[Kind::Int],
                    )
                    .await?
                    .and_then(|r| r[0].int());
                if let Some(id) = same {
                    // the same figure told twice is one value; another figure for the same indicator and period is
                    // a question for the reviewer
                    return Self::complete(w, "indicator_values", id, &record, &["indicator_id", "org_id", "period"])
                        .await
                        .map_err(|_| {
                            StoreError::conflict(
                                "differs",
                                format!("指标“{name}”在期间 {period} 已有另一个数值；请改指标名称或期间后再采纳，或舍弃"),
                                Some("draft.record"),
                            )
                        });
                }
                Ok(Self::create_in(w, "indicator_values", &Value::Object(record)).await?["id"].as_i64().unwrap_or(0))
            }
            other => Err(StoreError::invalid(
                "target",
                "enum",
                format!(
                    "建议记录类型（target）“{other}”无效，可选：活动、协议、项目、项目批次、项目产出、项目资金、资金往来、项目外资金、指标值、工作记述、目标任务"
                ),
            )),
        }
    }

    /// Whose rules a document's are: the agreement of the pairing the document is linked to (the lowest, if
    /// several), else the pairing's program. Returns the owning field and its id.
    async fn rule_owner(w: &mut WriteTx, pairing: i64, document: i64) -> Result<(&'static str, i64)> {
        let agreement =
            w.tx.fetch_opt(
                "SELECT a.id FROM document_links l JOIN agreements a ON a.id = l.entity_id \
                 WHERE l.document_id = $1 AND l.entity = 'agreements' AND a.pairing_id = $2 ORDER BY a.id",
                &[Arg::Int(Some(document)), Arg::Int(Some(pairing))],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int());
        if let Some(a) = agreement {
            return Ok(("agreement_id", a));
        }
        let program =
            w.tx.fetch_opt(
                "SELECT program_id FROM pairings WHERE id = $1",
                &[Arg::Int(Some(pairing))],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .ok_or_else(|| StoreError::conflict("target_gone", "本结对已被删除，不能采纳", Some("pairing_id")))?;
        Ok(("program_id", program))
    }

    /// The obligation of `owner` with this rule: the one already kept (the same rule read twice is one duty), or
    /// a new one through the usual checks (the rule's language, the program's calendar, permissions).
    async fn obligation_of(w: &mut WriteTx, owner: (&str, i64), mut record: Map<String, Value>) -> Result<i64> {
        for k in ["program_id", "agreement_id", "assigned_org_id", "year"] {
            record.remove(k);
        }
        record.insert(owner.0.into(), Value::from(owner.1));
        let wanted = record
            .get("rule")
            .and_then(|r| duikou_domain::obligation::ObligationRule::from_json(r).ok());
        if let Some(wanted) = &wanted {
            let kept =
                w.tx.fetch(
                    &format!("SELECT id, rule FROM obligations WHERE {} = $1 ORDER BY id", owner.0),
                    &[Arg::Int(Some(owner.1))],
                    &[Kind::Int, Kind::Json],
                )
                .await?;
            for row in kept {
                let same = row[1]
                    .json()
                    .and_then(|r| duikou_domain::obligation::ObligationRule::from_json(r).ok())
                    .is_some_and(|r| &r == wanted);
                if same {
                    return Ok(row[0].int().unwrap_or(0));
                }
            }
        }
        Ok(Self::create_in(w, "obligations", &Value::Object(record)).await?["id"]
            .as_i64()
            .unwrap_or(0))
    }

    /// The project (or project group) of this name in the pairing, its empty fields filled from `record`; or a new
    /// one. A figure that differs from the one already kept is refused, naming both.
    async fn complete_or_create(
        w: &mut WriteTx,
        pairing: i64,
        entity: &str,
        mut record: Map<String, Value>,
    ) -> Result<i64> {
        let name = record.get("name").and_then(Value::as_str).unwrap_or("").to_string();
        let existing =
            w.tx.fetch_opt(
                &format!("SELECT id FROM {entity} WHERE pairing_id = $1 AND name = $2 ORDER BY id"),
                &[Arg::Int(Some(pairing)), Arg::Text(Some(name.clone()))],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int());
        let Some(id) = existing else {
            record.insert("pairing_id".into(), Value::from(pairing));
            return Ok(Self::create_in(w, entity, &Value::Object(record)).await?["id"]
                .as_i64()
                .unwrap_or(0));
        };
        Self::complete(w, entity, id, &record, &["name", "pairing_id"]).await
    }

    /// Fills the empty fields of record `id` from `record` (all but `skip`); a figure that differs from the one kept
    /// is refused, naming both.
    async fn complete(
        w: &mut WriteTx,
        entity: &str,
        id: i64,
        record: &Map<String, Value>,
        skip: &[&str],
    ) -> Result<i64> {
        let name = record.get("name").and_then(Value::as_str).unwrap_or("").to_string();
        let def = crate::records::def(entity)?;
        let kept = Self::get_in(&mut w.tx, def, id).await?;
        let mut patch = Map::new();
        for (k, v) in record {
            if skip.contains(&k.as_str()) || v.is_null() {
                continue;
            }
            let old = &kept[k.as_str()];
            if old.is_null() {
                patch.insert(k.clone(), v.clone());
            } else if def
                .field(k)
                .is_some_and(|f| matches!(f.kind, FieldKind::Money | FieldKind::Int | FieldKind::Qty))
            {
                // the low end of a figure as written ("约1000", "50余", "20-50") or as kept ("200000.00")
                let num = |x: &Value| {
                    x.as_f64().or_else(|| {
                        let s = x.as_str()?;
                        let t: String = s
                            .chars()
                            .skip_while(|c| !c.is_ascii_digit())
                            .take_while(|c| c.is_ascii_digit() || *c == '.')
                            .collect();
                        t.parse::<f64>().ok()
                    })
                };
                let same = match (num(old), num(v)) {
                    (Some(a), Some(b)) => (a - b).abs() < 0.005,
                    _ => old == v,
                };
                if !same {
                    return Err(StoreError::conflict(
                        "differs",
                        format!(
                            "本结对已有“{name}”，其{}为 {}，与本条的 {} 不同；请核对后修改本条或舍弃",
                            def.field(k).map_or(k.as_str(), |f| f.label),
                            old.as_str().map_or_else(|| old.to_string(), str::to_string),
                            v.as_str().map_or_else(|| v.to_string(), str::to_string)
                        ),
                        Some("draft.record"),
                    ));
                }
            }
        }
        if !patch.is_empty() {
            Self::update_in(w, entity, id, &Value::Object(patch)).await?;
        }
        Ok(id)
    }
}
