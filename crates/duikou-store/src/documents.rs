//! Document files kept in the database, so several app servers share them; their text is kept for search. A file is
//! kept in pieces of [`CHUNK_BYTES`] (`document_chunks`), written and read a piece at a time: an upload of tens of
//! megabytes, spooled to a temporary file as it arrived, is never held whole.

use crate::audit::WriteTx;
use crate::db::{Arg, Kind};
use crate::{Result, Store, StoreError};
use chrono::Utc;
use duikou_domain::access::{Actor, Role};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest file kept (50 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 50 * 1024 * 1024;

/// The size of the pieces a file is kept in.
pub const CHUNK_BYTES: usize = 1024 * 1024;

/// Files whose text is looked for only when their first bytes look like text or a .docx: a NUL byte in the first
/// 64 KiB (images, archives, binaries), or the mark of a PDF, an old Office file or RTF, says there is none to find
/// (as [`duikou_text::decode`] would find), and the file is then never read whole.
const SNIFF_BYTES: usize = 64 * 1024;

/// A file to keep: bytes in memory, or a file on disk (an upload spooled as it arrived).
#[derive(Debug, Clone)]
pub enum Content<'a> {
    /// The bytes.
    Bytes(Vec<u8>),
    /// A file to read.
    File(&'a Path),
}

impl From<Vec<u8>> for Content<'_> {
    fn from(b: Vec<u8>) -> Self {
        Content::Bytes(b)
    }
}

impl From<&[u8]> for Content<'_> {
    fn from(b: &[u8]) -> Self {
        Content::Bytes(b.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Content<'_> {
    fn from(b: &[u8; N]) -> Self {
        Content::Bytes(b.to_vec())
    }
}

impl<'a> From<&'a Path> for Content<'a> {
    fn from(p: &'a Path) -> Self {
        Content::File(p)
    }
}

impl<'a> From<&'a PathBuf> for Content<'a> {
    fn from(p: &'a PathBuf) -> Self {
        Content::File(p)
    }
}

impl Content<'_> {
    fn size(&self) -> Result<u64> {
        match self {
            Content::Bytes(b) => Ok(b.len() as u64),
            Content::File(p) => Ok(std::fs::metadata(p)
                .map_err(|e| StoreError::Other(format!("无法读取上传的文件：{e}")))?
                .len()),
        }
    }

    fn reader(&self) -> Result<Box<dyn Read + Send + '_>> {
        match self {
            Content::Bytes(b) => Ok(Box::new(std::io::Cursor::new(b.as_slice()))),
            Content::File(p) => Ok(Box::new(
                std::fs::File::open(p).map_err(|e| StoreError::Other(format!("无法读取上传的文件：{e}")))?,
            )),
        }
    }

    /// The searchable text, reading the whole file only when its first bytes say there may be some.
    fn text(&self) -> Result<Option<String>> {
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        self.reader()?
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| StoreError::Other(format!("无法读取上传的文件：{e}")))?;
        let unicode_text = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
        let none_to_find = head.starts_with(b"%PDF")
            || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
            || head.starts_with(b"{\\rtf")
            || (head.contains(&0) && !head.starts_with(b"PK\x03\x04") && !unicode_text);
        if none_to_find {
            return Ok(None);
        }
        match self {
            Content::Bytes(b) => Ok(text_of(b)),
            Content::File(p) => {
                let bytes = std::fs::read(p).map_err(|e| StoreError::Other(format!("无法读取上传的文件：{e}")))?;
                Ok(text_of(&bytes))
            }
        }
    }
}

/// The searchable text of a file: UTF-8 or GBK text, or the paragraphs of a .docx; none for other files.
fn text_of(bytes: &[u8]) -> Option<String> {
    duikou_text::decode(bytes).ok().filter(|t| !t.is_empty())
}

/// Types a browser would run rather than show or save (pages, scripts, XML that may carry either, plug-ins).
fn is_active(essence: &str) -> bool {
    let (kind, sub) = essence.split_once('/').unwrap_or((essence, ""));
    let plain_text = matches!(
        sub,
        "plain" | "csv" | "tab-separated-values" | "markdown" | "x-markdown" | "rtf"
    );
    (kind == "text" && !plain_text)
        || kind == "multipart"
        || kind == "message"
        || sub == "xml"
        || sub.ends_with("+xml")
        || sub.contains("javascript")
        || sub.contains("ecmascript")
        || sub.contains("html")
        || matches!(
            sub,
            "x-shockwave-flash" | "futuresplash" | "java-archive" | "x-java-jnlp-file"
        )
}

/// The type a document's file is kept and served with: the declared type without its parameters (a text type keeps
/// its charset), lower-cased; `application/octet-stream` when none is given or it cannot be read. A type a browser
/// would run (a page, a script, SVG) is refused, so a document can never be made into a page of this site.
pub fn safe_content_type(declared: &str) -> Result<String> {
    let declared = declared.trim();
    if declared.is_empty() {
        return Ok(OCTET_STREAM.into());
    }
    let Ok(parsed) = declared.parse::<mime::Mime>() else {
        return Ok(OCTET_STREAM.into());
    };
    let essence = parsed.essence_str().to_ascii_lowercase();
    if is_active(&essence) {
        return Err(StoreError::invalid(
            "content_type",
            "unsafe_type",
            format!(
                "文件类型（Content-Type）“{essence}”会被浏览器当作网页或脚本执行，不能作为文档上传；\
                 请上传 PDF、Word、Excel、图片或纯文本文件"
            ),
        ));
    }
    match parsed.get_param(mime::CHARSET) {
        Some(charset)
            if parsed.type_() == mime::TEXT
                && charset
                    .as_str()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c)) =>
        {
            Ok(format!("{essence}; charset={}", charset.as_str()))
        }
        _ => Ok(essence),
    }
}

/// The type of a file whose kind is unknown: browsers save it rather than show it.
pub const OCTET_STREAM: &str = "application/octet-stream";

impl Store {
    /// Stores (or replaces) the file of a document and its extracted text.
    pub async fn put_document_content<'c>(
        &self,
        actor: &Actor,
        id: i64,
        content_type: &str,
        content: impl Into<Content<'c>>,
    ) -> Result<Value> {
        let content: Content = content.into();
        if content.size()? > MAX_DOCUMENT_BYTES as u64 {
            return Err(StoreError::invalid("content", "too_large", "文件过大：最大 50 MB"));
        }
        let content_type = safe_content_type(content_type)?;
        let mut w = WriteTx::begin(self, actor).await?;
        let def = crate::records::def("documents")?;
        let before = Self::get_in(&mut w.tx, def, id).await?;
        // the file is the document: whoever may change the document may replace its file, nobody else
        Self::authorize(
            &mut w.tx,
            actor,
            def,
            before.as_object().unwrap_or(&serde_json::Map::new()),
        )
        .await?;
        Self::put_content_in(&mut w, id, content_type, &content, before).await?;
        w.commit().await?;
        self.get("documents", id).await
    }

    /// Keeps a file `actor` is about to import (the import wizard's check step) as a new document of no pairing, so
    /// the confirm step imports exactly the file that was checked; answers its id. Anyone who may import may stage a
    /// file: it is a new record of their own, not a change to anyone's document, and like every document of no
    /// pairing only coordinators and admins may change it afterwards.
    pub async fn stage_import_file<'c>(
        &self,
        actor: &Actor,
        name: &str,
        content: impl Into<Content<'c>>,
    ) -> Result<i64> {
        let content: Content = content.into();
        if actor.role == Role::Viewer {
            return Err(StoreError::Forbidden("只读用户不能导入数据".into()));
        }
        if content.size()? > MAX_DOCUMENT_BYTES as u64 {
            return Err(StoreError::invalid("content", "too_large", "文件过大：最大 50 MB"));
        }
        let mut w = WriteTx::begin(self, actor).await?;
        // made with an admin's right to a document of no pairing, still recorded in the audit as the actor's
        let acting = std::mem::replace(
            &mut w.actor,
            Actor {
                role: Role::Admin,
                ..actor.clone()
            },
        );
        let made = Self::create_in(
            &mut w,
            "documents",
            &json!({"kind": "other", "title": format!("导入文件：{name}"), "file_name": name}),
        )
        .await;
        w.actor = acting;
        let made = made?;
        let id = made["id"].as_i64().unwrap_or(0);
        Self::put_content_in(&mut w, id, OCTET_STREAM.into(), &content, made).await?;
        w.tx.execute(
            "INSERT INTO staged_imports (document_id, user_id) VALUES ($1, $2)",
            &[Arg::Int(Some(id)), Arg::Int(Some(actor.user_id))],
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// The file `actor` staged as document `id` for an import (metadata and bytes), to confirm it: only the user who
    /// staged a file may import it, so nobody imports another's upload, nor any other document, by its number.
    pub async fn staged_import_file(&self, actor: &Actor, id: i64) -> Result<(Value, Vec<u8>)> {
        self.check_staged_by(actor, id).await?;
        self.document_content(id).await
    }

    /// [`Store::staged_import_file`] written into `out` a piece at a time (to import it from a file): its metadata.
    pub async fn staged_import_file_to(&self, actor: &Actor, id: i64, out: &mut impl std::io::Write) -> Result<Value> {
        self.check_staged_by(actor, id).await?;
        self.document_content_to(id, out).await
    }

    async fn check_staged_by(&self, actor: &Actor, id: i64) -> Result<()> {
        let staged_by = self
            .db()
            .fetch_opt(
                "SELECT user_id FROM staged_imports WHERE document_id = $1",
                &[Arg::Int(Some(id))],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int());
        if staged_by != Some(actor.user_id) {
            return Err(StoreError::Forbidden(format!(
                "导入文件（document_id {id}）不是您本人上传并检查过的文件，不能确认导入；请重新上传"
            )));
        }
        Ok(())
    }

    /// Replaces document `id`'s file inside `w`, whose metadata `before` was read there, and records the upload. The
    /// file is read and written a piece at a time.
    pub(crate) async fn put_content_in(
        w: &mut WriteTx,
        id: i64,
        content_type: String,
        content: &Content<'_>,
        before: Value,
    ) -> Result<()> {
        let text = content.text()?;
        w.tx.execute(
            "DELETE FROM document_chunks WHERE document_id = $1",
            &[Arg::Int(Some(id))],
        )
        .await?;
        let mut reader = content.reader()?;
        let mut sha = Sha256::new();
        let mut size: i64 = 0;
        let mut seq: i64 = 0;
        loop {
            let mut piece = Vec::with_capacity(CHUNK_BYTES);
            (&mut reader)
                .take(CHUNK_BYTES as u64)
                .read_to_end(&mut piece)
                .map_err(|e| StoreError::Other(format!("无法读取上传的文件：{e}")))?;
            // an empty file is kept as one empty piece; otherwise the end is the first empty read
            if piece.is_empty() && seq > 0 {
                break;
            }
            sha.update(&piece);
            size += piece.len() as i64;
            let last = piece.len() < CHUNK_BYTES;
            w.tx.execute(
                "INSERT INTO document_chunks (document_id, seq, bytes) VALUES ($1, $2, $3)",
                &[Arg::Int(Some(id)), Arg::Int(Some(seq)), Arg::Bytes(Some(piece))],
            )
            .await?;
            seq += 1;
            if last {
                break;
            }
        }
        let sha = hex::encode(sha.finalize());
        w.tx
            .execute(
                "UPDATE documents SET content_type = $1, size = $2, sha256 = $3, text = $4, version = version + 1, updated_at = $5 WHERE id = $6",
                &[
                    Arg::Text(Some(content_type)),
                    Arg::Int(Some(size)),
                    Arg::Text(Some(sha)),
                    Arg::Text(text),
                    Arg::Ts(Some(Utc::now())),
                    Arg::Int(Some(id)),
                ],
            )
            .await?;
        let rows =
            w.tx.fetch(
                "SELECT content_type, size, sha256 FROM documents WHERE id = $1",
                &[Arg::Int(Some(id))],
                &[Kind::Text, Kind::Int, Kind::Text],
            )
            .await?;
        let mut after = before.clone();
        if let Some(r) = rows.first() {
            after["content_type"] = r[0].text().into();
            after["size"] = r[1].int().into();
            after["sha256"] = r[2].text().into();
        }
        // the audit keeps the metadata, not the file
        let strip = |mut v: Value| {
            if let Some(o) = v.as_object_mut() {
                o.remove("text");
            }
            v
        };
        w.record("upload", "documents", id, strip(before), strip(after)).await
    }

    /// A document's metadata and file.
    pub async fn document_content(&self, id: i64) -> Result<(Value, Vec<u8>)> {
        let mut bytes = Vec::new();
        let meta = self.document_content_to(id, &mut bytes).await?;
        Ok((meta, bytes))
    }

    /// A document's file written into `out` a piece at a time: its metadata. The pieces are read in one transaction
    /// (a snapshot), so a file replaced meanwhile is never read half old, half new.
    pub async fn document_content_to(&self, id: i64, out: &mut impl std::io::Write) -> Result<Value> {
        let mut tx = self.db().begin().await?;
        if tx.backend() == crate::Backend::Postgres {
            tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", &[])
                .await?;
        }
        let meta = Self::get_in(&mut tx, crate::records::def("documents")?, id).await?;
        let mut seq = 0;
        while let Some(piece) = tx
            .fetch_opt(
                "SELECT bytes FROM document_chunks WHERE document_id = $1 AND seq = $2",
                &[Arg::Int(Some(id)), Arg::Int(Some(seq))],
                &[Kind::Bytes],
            )
            .await?
            .and_then(|r| r.into_iter().next())
            .and_then(|v| v.into_bytes())
        {
            out.write_all(&piece)
                .map_err(|e| StoreError::Other(format!("无法写出文档文件：{e}")))?;
            seq += 1;
        }
        tx.rollback().await?;
        if seq == 0 {
            return Err(StoreError::conflict("no_content", "该文档尚未上传文件", None));
        }
        Ok(meta)
    }
}
