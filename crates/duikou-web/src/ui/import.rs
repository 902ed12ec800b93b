//! The import wizard: upload a file, see every bad cell from a dry run, then confirm. The upload is kept as a
//! document in the database, so the confirming request may reach any app server.

use super::{page_user, render, ui, Ui};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use duikou_store::import::{template_headers, ImportReport, ImportTable, IMPORTABLE};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    ui: Ui,
    title: String,
    label: String,
    entity: String,
    message: Option<String>,
    problems: Vec<(u32, String, String, String)>,
    confirm_document: Option<i64>,
}

fn label(entity: &str) -> Option<&'static str> {
    IMPORTABLE
        .contains(&entity)
        .then(|| duikou_domain::schema::entity(entity).map(|d| d.label))
        .flatten()
}

fn page(
    ui: Ui,
    entity: &str,
    message: Option<String>,
    report: Option<&ImportReport>,
    confirm: Option<i64>,
) -> Response {
    let l = label(entity).unwrap_or("");
    render(ImportPage {
        ui,
        title: format!("导入{l}"),
        label: l.into(),
        entity: entity.into(),
        message,
        problems: report
            .map(|r| {
                r.problems
                    .iter()
                    .map(|p| (p.row, p.column.clone(), p.value.clone(), p.message.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        confirm_document: confirm,
    })
}

/// `GET /import/{entity}`.
pub async fn form(State(state): State<AppState>, parts: Parts, Path(entity): Path<String>) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if label(&entity).is_none() {
        return (StatusCode::NOT_FOUND, "不支持导入这种记录").into_response();
    }
    page(ui(&parts.headers, Some(&actor), csrf), &entity, None, None, None)
}

async fn dry_run(
    state: &AppState,
    actor: &duikou_domain::access::Actor,
    entity: &str,
    bytes: &[u8],
    name: &str,
    write: bool,
) -> Result<ImportReport, String> {
    let expected = template_headers(entity)
        .map(|h| h.into_iter().map(|(l, _)| l).collect())
        .unwrap_or_default();
    let options = duikou_report::ReadOptions {
        sheet: None,
        expected_headers: expected,
    };
    let raw = duikou_report::read_table_with(bytes, name, &options).map_err(|e| format!("{name}：{e}"))?;
    state
        .store
        .import(actor, entity, &ImportTable::from_raw(raw), !write)
        .await
        .map_err(|e| e.to_string())
}

/// `POST /import/{entity}` (multipart): keeps the file and shows the dry run.
pub async fn upload(
    State(state): State<AppState>,
    parts: Parts,
    Path(entity): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut sent_csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("csrf") => sent_csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.xlsx").to_string();
                if let Ok(bytes) = field.bytes().await {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    let ui_now = ui(&parts.headers, Some(&actor), csrf.clone());
    if sent_csrf != csrf {
        return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response();
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return page(ui_now, &entity, Some("请选择要导入的文件".into()), None, None);
    };
    match dry_run(&state, &actor, &entity, &bytes, &name, false).await {
        Err(m) => page(ui_now, &entity, Some(m), None, None),
        Ok(r) if !r.problems.is_empty() => page(ui_now, &entity, None, Some(&r), None),
        Ok(r) => {
            let doc = match state.store.stage_import_file(&actor, &name, bytes).await {
                Ok(d) => d,
                Err(e) => return page(ui_now, &entity, Some(e.to_string()), None, None),
            };
            let msg = format!(
                "文件检查通过：{} 行，将新建 {}、更新 {}、不变 {}。确认后写入。",
                r.rows, r.created, r.updated, r.unchanged
            );
            page(ui_now, &entity, Some(msg), None, Some(doc))
        }
    }
}

/// The confirm form.
#[derive(Deserialize)]
pub struct ConfirmForm {
    csrf: String,
    document_id: i64,
}

/// `POST /import/{entity}/confirm`: imports the kept file for real.
pub async fn confirm(
    State(state): State<AppState>,
    parts: Parts,
    Path(entity): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> Response {
    let (actor, csrf) = match page_user(&state, &parts).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if f.csrf != csrf {
        return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response();
    }
    let ui_now = ui(&parts.headers, Some(&actor), csrf);
    // only the file this user staged (checked in the step before)
    let (meta, bytes) = match state.store.staged_import_file(&actor, f.document_id).await {
        Ok(x) => x,
        Err(e) => {
            let message = e.to_string();
            let mut refused = page(ui_now, &entity, Some(message), None, None);
            *refused.status_mut() = crate::error::ApiError::from(e).status;
            return refused;
        }
    };
    let name = meta["file_name"].as_str().unwrap_or("upload.xlsx").to_string();
    match dry_run(&state, &actor, &entity, &bytes, &name, true).await {
        Err(m) => page(ui_now, &entity, Some(m), None, None),
        Ok(r) if !r.problems.is_empty() => page(ui_now, &entity, None, Some(&r), None),
        Ok(r) => page(
            ui_now,
            &entity,
            Some(format!(
                "已导入：{} 行，新建 {}，更新 {}，不变 {}。",
                r.rows, r.created, r.updated, r.unchanged
            )),
            None,
            None,
        ),
    }
}
