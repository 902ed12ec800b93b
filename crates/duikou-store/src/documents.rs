//! Document files kept in the database, so several app servers share them; their text is kept for search.

use crate::audit::WriteTx;
use crate::db::{Arg, Kind};
use crate::{Result, Store, StoreError};
use chrono::Utc;
use duikou_domain::access::{self, Actor, Role, Target};
use duikou_domain::schema::Owner;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The largest file kept (50 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 50 * 1024 * 1024;

/// The searchable text of a file: UTF-8 or GBK text, or the paragraphs of a .docx; none for other files.
fn text_of(bytes: &[u8]) -> Option<String> {
    duikou_text::decode(bytes).ok().filter(|t| !t.is_empty())
}

impl Store {
    /// Stores (or replaces) the file of a document and its extracted text. Given a `Vec`, the file is handed to the
    /// database as it is, not copied once more.
    pub async fn put_document_content(
        &self,
        actor: &Actor,
        id: i64,
        content_type: &str,
        bytes: impl Into<Vec<u8>>,
    ) -> Result<Value> {
        let bytes: Vec<u8> = bytes.into();
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(StoreError::invalid("content", "too_large", "文件过大：最大 50 MB"));
        }
        let mut w = WriteTx::begin(self, actor).await?;
        let def = crate::records::def("documents")?;
        let before = self.get("documents", id).await?;
        if actor.role != Role::Admin {
            let mut target = Target::default();
            if let Some(p) = before["pairing_id"].as_i64() {
                target.sides = Some(Self::sides(&mut w.tx, p).await?);
            }
            access::may_write(actor, Owner::Shared, def.label, &target)?;
        }
        let sha = hex::encode(Sha256::digest(&bytes));
        let text = text_of(&bytes);
        let size = bytes.len() as i64;
        w.tx.execute(
            "DELETE FROM document_contents WHERE document_id = $1",
            &[Arg::Int(Some(id))],
        )
        .await?;
        w.tx.execute(
            "INSERT INTO document_contents (document_id, bytes) VALUES ($1, $2)",
            &[Arg::Int(Some(id)), Arg::Bytes(Some(bytes))],
        )
        .await?;
        w.tx
            .execute(
                "UPDATE documents SET content_type = $1, size = $2, sha256 = $3, text = $4, version = version + 1, updated_at = $5 WHERE id = $6",
                &[
                    Arg::Text(Some(content_type.chars().take(200).collect())),
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
        w.record("upload", "documents", id, strip(before), strip(after)).await?;
        w.commit().await?;
        self.get("documents", id).await
    }

    /// A document's metadata and file.
    pub async fn document_content(&self, id: i64) -> Result<(Value, Vec<u8>)> {
        let meta = self.get("documents", id).await?;
        let row = self
            .db()
            .fetch_opt(
                "SELECT bytes FROM document_contents WHERE document_id = $1",
                &[Arg::Int(Some(id))],
                &[Kind::Bytes],
            )
            .await?
            .ok_or_else(|| StoreError::conflict("no_content", "该文档尚未上传文件", None))?;
        Ok((
            meta,
            row.into_iter().next().and_then(|v| v.into_bytes()).unwrap_or_default(),
        ))
    }
}
