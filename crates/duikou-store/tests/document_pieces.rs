//! Document files kept in 1 MiB pieces, on SQLite and on PostgreSQL: an upload read from a file comes back byte for
//! byte with its size and hash, a replacement leaves no piece of the old file, and migration 0013 cuts the files kept
//! whole before it into pieces without losing a byte.

use duikou_domain::access::Actor;
use duikou_store::db::{Arg, Db, Kind};
use duikou_store::documents::CHUNK_BYTES;
use duikou_store::testing::{create, TestStore, POSTGRES_ENV};
use serde_json::json;
use sha2::{Digest, Sha256};

/// Bytes no text reader takes for text (a NUL early), of length `n`, different at every position mod 251.
fn binary(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

async fn pieces(db: &Db, id: i64) -> Vec<i64> {
    db.fetch(
        "SELECT seq FROM document_chunks WHERE document_id = $1 ORDER BY seq",
        &[Arg::Int(Some(id))],
        &[Kind::Int],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| r[0].int().unwrap())
    .collect()
}

#[tokio::test]
async fn a_file_goes_in_and_comes_back_in_pieces() {
    for t in TestStore::all().await.unwrap() {
        let (store, backend) = (&t.store, t.backend);
        let sys = Actor::system();
        let doc = create(
            store,
            "documents",
            json!({"kind": "other", "title": "大文件", "file_name": "a.bin"}),
        )
        .await;
        let id = doc["id"].as_i64().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let bytes = binary(2 * CHUNK_BYTES + CHUNK_BYTES / 2 + 17);
        let path = dir.path().join("a.bin");
        std::fs::write(&path, &bytes).unwrap();
        let meta = store
            .put_document_content(&sys, id, "application/octet-stream", path.as_path())
            .await
            .unwrap();
        assert_eq!(meta["size"].as_i64(), Some(bytes.len() as i64), "{backend}");
        assert_eq!(
            meta["sha256"].as_str(),
            Some(hex::encode(Sha256::digest(&bytes)).as_str()),
            "{backend}"
        );
        assert_eq!(
            meta["text"],
            serde_json::Value::Null,
            "{backend}: a binary file has no text"
        );
        assert_eq!(pieces(store.db(), id).await, [0, 1, 2], "{backend}");
        let (_, back) = store.document_content(id).await.unwrap();
        assert!(back == bytes, "{backend}: the same bytes back");
        // exactly one piece long: one piece, not an empty second one
        let one = binary(CHUNK_BYTES);
        store
            .put_document_content(&sys, id, "application/octet-stream", one.clone())
            .await
            .unwrap();
        assert_eq!(pieces(store.db(), id).await, [0], "{backend}");
        assert!(store.document_content(id).await.unwrap().1 == one, "{backend}");
        // replaced by a short text: its text is kept, and nothing of the old file stays
        let text = "工作总结：全年培训教师 355 人次。";
        let meta = store
            .put_document_content(&sys, id, "text/plain; charset=utf-8", text.as_bytes())
            .await
            .unwrap();
        assert_eq!(meta["size"].as_i64(), Some(text.len() as i64), "{backend}");
        assert_eq!(pieces(store.db(), id).await, [0], "{backend}");
        let (meta, back) = store.document_content(id).await.unwrap();
        assert_eq!(
            (back.as_slice(), meta["content_type"].as_str()),
            (text.as_bytes(), Some("text/plain; charset=utf-8"))
        );
        let kept_text = store
            .db()
            .fetch_opt(
                "SELECT text FROM documents WHERE id = $1",
                &[Arg::Int(Some(id))],
                &[Kind::Text],
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept_text[0].text(), Some(text), "{backend}");
        // an empty file is one empty piece
        store
            .put_document_content(&sys, id, "text/plain", Vec::new())
            .await
            .unwrap();
        assert_eq!(pieces(store.db(), id).await, [0], "{backend}");
        assert!(store.document_content(id).await.unwrap().1.is_empty(), "{backend}");
        t.finish().await.unwrap();
    }
}

/// Runs a migration file of `backend` on `db`.
async fn run_migration(db: &Db, backend: &str, file: &str) {
    let path = format!("{}/migrations/{backend}/{file}", env!("CARGO_MANIFEST_DIR"));
    let sql = std::fs::read_to_string(&path).unwrap();
    match db {
        Db::Sqlite(pool, _) => sqlx::raw_sql(&sql).execute(pool).await.map(|_| ()),
        Db::Postgres(pool) => sqlx::raw_sql(&sql).execute(pool).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{path}: {e}"));
}

/// A database to migrate: its backend, its URL, and (PostgreSQL) the admin URL and name to drop it by afterwards.
type Target = (&'static str, String, Option<(String, String)>);

#[tokio::test]
async fn migration_0013_cuts_the_files_kept_whole_into_pieces() {
    let mut targets: Vec<Target> = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    targets.push(("sqlite", dir.path().join("old.db").to_string_lossy().to_string(), None));
    if let Ok(admin_url) = std::env::var(POSTGRES_ENV) {
        let name = format!("duikou_m13_{}", std::process::id());
        let admin = Db::connect(&admin_url).await.unwrap();
        admin
            .execute(&format!("DROP DATABASE IF EXISTS {name}"), &[])
            .await
            .unwrap();
        admin.execute(&format!("CREATE DATABASE {name}"), &[]).await.unwrap();
        admin.close().await;
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        targets.push(("postgres", format!("{base}/{name}"), Some((admin_url.clone(), name))));
    }
    for (backend, url, drop_after) in targets {
        let db = Db::connect(&url).await.unwrap();
        let mut files: Vec<String> = std::fs::read_dir(format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        files.sort();
        let (before, after): (Vec<String>, Vec<String>) = files.into_iter().partition(|f| f.as_str() < "0013");
        for f in &before {
            run_migration(&db, backend, f).await;
        }
        // two documents kept whole the old way: one of 2.5 MiB and 17 bytes, one empty
        let big = binary(2 * CHUNK_BYTES + CHUNK_BYTES / 2 + 17);
        for (id, bytes) in [(1, big.clone()), (2, Vec::new())] {
            db.execute(
                "INSERT INTO documents (id, created_at, updated_at, kind, title) VALUES ($1, $2, $2, 'other', 'x')",
                &[Arg::Int(Some(id)), Arg::Ts(Some(chrono::Utc::now()))],
            )
            .await
            .unwrap();
            db.execute(
                "INSERT INTO document_contents (document_id, bytes) VALUES ($1, $2)",
                &[Arg::Int(Some(id)), Arg::Bytes(Some(bytes))],
            )
            .await
            .unwrap();
        }
        assert_eq!(
            after.first().map(String::as_str),
            Some("0013_document_chunks.sql"),
            "{backend}"
        );
        run_migration(&db, backend, "0013_document_chunks.sql").await;
        assert_eq!(pieces(&db, 1).await, [0, 1, 2], "{backend}");
        assert_eq!(pieces(&db, 2).await, [0], "{backend}");
        let rows = db
            .fetch(
                "SELECT bytes FROM document_chunks WHERE document_id = 1 ORDER BY seq",
                &[],
                &[Kind::Bytes],
            )
            .await
            .unwrap();
        let sizes: Vec<usize> = rows.iter().map(|r| r[0].clone().into_bytes().unwrap().len()).collect();
        assert_eq!(sizes, [CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES / 2 + 17], "{backend}");
        let joined: Vec<u8> = rows
            .into_iter()
            .flat_map(|r| r[0].clone().into_bytes().unwrap())
            .collect();
        assert!(joined == big, "{backend}: not a byte lost");
        let gone = db
            .fetch("SELECT COUNT(*) FROM document_contents", &[], &[Kind::Int])
            .await
            .is_err();
        assert!(gone, "{backend}: the old table is dropped");
        db.close().await;
        if let Some((admin_url, name)) = drop_after {
            let admin = Db::connect(&admin_url).await.unwrap();
            admin
                .execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), &[])
                .await
                .unwrap();
            admin.close().await;
        }
    }
}
