//! The import wizard: upload a file, see every bad cell from a dry run, then confirm. The upload is spooled to a
//! temporary file as it arrives and read row by row; it is kept as a document in the database (in pieces), so the
//! confirming request may reach any app server.

use super::{page_user, posting_user, render, ui, Ui};
use crate::extract::Spooled;
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use duikou_app::ImportMode;
use duikou_store::documents::MAX_DOCUMENT_BYTES;
use duikou_store::import::ImportReport;
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
    duikou_app::importable(entity).ok().map(|d| d.label)
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
    page(ui(Some(&actor), csrf), &entity, None, None, None)
}

/// Checks (or, with `write`, imports) the file at `path`, named `name`, row by row.
async fn run(
    state: &AppState,
    actor: &duikou_domain::access::Actor,
    entity: &str,
    path: &std::path::Path,
    name: &str,
    write: bool,
) -> Result<ImportReport, String> {
    let mode = if write { ImportMode::Write } else { ImportMode::Check };
    state
        .app()
        .import(actor, entity, path, name, mode)
        .await
        .map_err(|e| e.to_string())
}

/// A form's file field written to a temporary file as it arrives; None when it is over the limit.
async fn spool_field(field: &mut axum::extract::multipart::Field<'_>) -> Option<Result<Spooled, String>> {
    use std::io::Write;
    let spooled = tempfile::NamedTempFile::new().map_err(|e| {
        tracing::error!(error = %e, "cannot spool an upload to a temporary file");
        "服务器无法暂存上传的文件，请稍后重试或联系管理员".to_string()
    });
    let (file, path) = match spooled {
        Ok(t) => t.into_parts(),
        Err(m) => return Some(Err(m)),
    };
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
    let mut size = 0u64;
    loop {
        match field.chunk().await {
            Ok(Some(data)) => {
                size += data.len() as u64;
                if size > MAX_DOCUMENT_BYTES as u64 {
                    return None;
                }
                // a frame at a time into the page cache: a short write, not worth a thread hand-off
                if let Err(e) = out.write_all(&data) {
                    tracing::error!(error = %e, "cannot spool an upload to a temporary file");
                    return Some(Err("服务器无法暂存上传的文件，请稍后重试或联系管理员".into()));
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return None,
            Err(e) => return Some(Err(format!("上传的文件未能读完：{e}"))),
        }
    }
    if let Err(e) = out.flush() {
        tracing::error!(error = %e, "cannot spool an upload to a temporary file");
        return Some(Err("服务器无法暂存上传的文件，请稍后重试或联系管理员".into()));
    }
    Some(Ok(Spooled { path, size }))
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
    let ui_now = ui(Some(&actor), csrf.clone());
    let too_large = |ui_now| {
        let mut r = page(ui_now, &entity, Some("文件过大：最大 50 MB".into()), None, None);
        *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        r
    };
    let mut sent_csrf = String::new();
    let mut file: Option<(String, Result<Spooled, String>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) => match field.name() {
                Some("csrf") => sent_csrf = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("upload.xlsx").to_string();
                    match spool_field(&mut field).await {
                        Some(spooled) => file = Some((name, spooled)),
                        None => return too_large(ui_now),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(ui_now),
            Err(_) => break,
        }
    }
    if sent_csrf != csrf {
        return (StatusCode::FORBIDDEN, "缺少或错误的 CSRF 令牌").into_response();
    }
    let (name, spooled) = match file {
        Some((name, Ok(s))) if s.size > 0 => (name, s),
        Some((_, Err(m))) => return page(ui_now, &entity, Some(m), None, None),
        _ => return page(ui_now, &entity, Some("请选择要导入的文件".into()), None, None),
    };
    match run(&state, &actor, &entity, &spooled.path, &name, false).await {
        Err(m) => page(ui_now, &entity, Some(m), None, None),
        Ok(r) if !r.problems.is_empty() => page(ui_now, &entity, None, Some(&r), None),
        Ok(r) => {
            let doc = match state.store.stage_import_file(&actor, &name, &*spooled.path).await {
                Ok(d) => d,
                Err(e) => return page(ui_now, &entity, Some(e.to_string()), None, None),
            };
            let msg = format!("文件检查通过：{}。确认后写入。", duikou_app::counts_zh(&r));
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
    let (actor, csrf) = match posting_user(&state, &parts, Some(f.csrf.as_str())).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let ui_now = ui(Some(&actor), csrf);
    // only the file this user staged (checked in the step before), copied out a piece at a time to be read row by row
    let copy = tempfile::NamedTempFile::new().map_err(|e| e.to_string());
    let (file, path) = match copy {
        Ok(t) => t.into_parts(),
        Err(m) => {
            tracing::error!(error = %m, "cannot make a temporary file for a staged import");
            return page(
                ui_now,
                &entity,
                Some("服务器无法暂存导入文件，请稍后重试或联系管理员".into()),
                None,
                None,
            );
        }
    };
    let mut out = std::io::BufWriter::new(file);
    let meta = match state.store.staged_import_file_to(&actor, f.document_id, &mut out).await {
        Ok(meta) => meta,
        Err(e) => {
            let message = e.to_string();
            let mut refused = page(ui_now, &entity, Some(message), None, None);
            *refused.status_mut() = crate::error::ApiError::from(e).status;
            return refused;
        }
    };
    if let Err(e) = std::io::Write::flush(&mut out) {
        tracing::error!(error = %e, "cannot write a staged import to a temporary file");
        return page(
            ui_now,
            &entity,
            Some("服务器无法暂存导入文件，请稍后重试或联系管理员".into()),
            None,
            None,
        );
    }
    drop(out);
    let name = meta["file_name"].as_str().unwrap_or("upload.xlsx").to_string();
    match run(&state, &actor, &entity, &path, &name, true).await {
        Err(m) => page(ui_now, &entity, Some(m), None, None),
        Ok(r) if !r.problems.is_empty() => page(ui_now, &entity, None, Some(&r), None),
        Ok(r) => page(
            ui_now,
            &entity,
            Some(format!("已导入：{}。", duikou_app::counts_zh(&r))),
            None,
            None,
        ),
    }
}
