//! Backups: a consistent online copy of the SQLite file (`VACUUM INTO`), and restore into a stopped deployment —
//! refused while any duikou process has the database open (each holds a shared lock on `<db>.lock`, which the
//! operating system lets go when the process ends, however it ends). PostgreSQL deployments use `pg_dump`, which
//! this prints advice for.

use crate::audit_key::{sqlite_key_path, write_key_file, AuditKey, KeyConfig};
use crate::db::{Arg, Db};
use crate::{Result, Store, StoreError};
use fs4::fs_std::FileExt;
use std::path::Path;

/// A SQLite database held as in use: a shared lock on its lock file, `<db>.lock`, for as long as a store is open on
/// it. Many servers and CLI verbs share it; `restore` needs it alone.
#[derive(Debug)]
pub struct InUse {
    _file: std::fs::File,
}

/// The lock file beside a SQLite database.
pub fn lock_path(database: &str) -> String {
    format!("{database}.lock")
}

fn open_lock(database: &str) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(database))
}

impl InUse {
    /// Holds `database` as in use; refused while a restore replaces it. `None` for an in-memory database, or when
    /// the lock file cannot be made (a read-only folder): then nothing is held, and the database opens as before.
    pub fn hold(database: &str) -> Result<Option<InUse>> {
        if database.is_empty() || database.contains(":memory:") || database.contains("mode=memory") {
            return Ok(None);
        }
        let file = match open_lock(database) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(error = %e, lock = %lock_path(database), "cannot make the lock file; restore cannot tell this database is in use");
                return Ok(None);
            }
        };
        // the trait's method, not std's newer inherent one of the same name
        match FileExt::try_lock_shared(&file) {
            Ok(true) => Ok(Some(InUse { _file: file })),
            Ok(false) => Err(StoreError::Other(format!(
                "数据库 {database} 正在恢复（duikou restore），请等恢复完成后再试"
            ))),
            Err(e) => {
                tracing::warn!(error = %e, lock = %lock_path(database), "cannot lock the lock file");
                Ok(None)
            }
        }
    }
}

/// What a backup did.
pub enum Backup {
    /// The SQLite copy was written, this many bytes.
    Written(u64),
    /// PostgreSQL: how to back it up instead.
    UsePgDump(String),
}

impl Store {
    /// Writes a consistent copy of the SQLite database to `file` while the server may be running.
    pub async fn backup_to(&self, file: &str) -> Result<Backup> {
        match self.db() {
            Db::Postgres(_) => Ok(Backup::UsePgDump(
                "PostgreSQL 数据库请用 pg_dump 备份，例如：pg_dump --format=custom --file=duikou.dump \"$DUIKOU_DATABASE_URL\"；\
                 恢复：pg_restore --clean --dbname=\"$DUIKOU_DATABASE_URL\" duikou.dump"
                    .into(),
            )),
            Db::Sqlite(..) => {
                if Path::new(file).exists() {
                    return Err(StoreError::Other(format!("备份文件 {file} 已存在，请换一个文件名")));
                }
                self.db().execute("VACUUM INTO $1", &[Arg::Text(Some(file.to_string()))]).await?;
                // a backup's audit log verifies only with its key: keep a copy beside it (store the two apart)
                let key_file = crate::audit_key::sqlite_key_path(file);
                if !key_file.exists() {
                    crate::audit_key::write_key_file(&key_file, self.audit_key()).map_err(|e| {
                        StoreError::Other(format!("无法写入审计密钥文件 {}：{e}", key_file.display()))
                    })?;
                }
                let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
                Ok(Backup::Written(bytes))
            }
        }
    }
}

/// Restores a SQLite backup over `database` (a path); refuses PostgreSQL URLs, non-SQLite files and, without `force`,
/// an existing database. The server must be stopped. The backup's audit log is checked with the configured key, else
/// the key file beside the backup, else the one beside `database`; a restored database without a key file beside it
/// gets that key.
pub async fn restore_sqlite(backup: &str, database: &str, force: bool, keys: &KeyConfig) -> Result<()> {
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        return Err(StoreError::Other("PostgreSQL 数据库请用 pg_restore 恢复".into()));
    }
    let bytes = std::fs::read(backup).map_err(|e| StoreError::Other(format!("无法读取备份文件 {backup}：{e}")))?;
    if !bytes.starts_with(b"SQLite format 3\0") {
        return Err(StoreError::Other(format!("{backup} 不是 SQLite 数据库文件")));
    }
    let target = database
        .strip_prefix("sqlite://")
        .or_else(|| database.strip_prefix("sqlite:"))
        .unwrap_or(database);
    if Path::new(target).exists() && !force {
        return Err(StoreError::Other(format!(
            "数据库 {target} 已存在；确认覆盖请加 --force（并先停止服务）"
        )));
    }
    // nobody may have the database open while it is replaced: a server reading the old file under the new one
    // answers "database disk image is malformed". Held until the copy is done, so no server starts meanwhile.
    let lock =
        open_lock(target).map_err(|e| StoreError::Other(format!("无法创建锁文件 {}：{e}", lock_path(target))))?;
    if !FileExt::try_lock_exclusive(&lock)
        .map_err(|e| StoreError::Other(format!("无法锁定 {}：{e}", lock_path(target))))?
    {
        return Err(StoreError::Other(format!(
            "数据库 {target} 正在使用中（duikou serve 或其他 duikou 命令打开着它），请先停止服务再恢复"
        )));
    }
    // check the backup opens and its audit chain holds before replacing anything
    let key = match (&keys.key, &keys.file) {
        (Some(k), _) => k.clone(),
        (None, Some(f)) => AuditKey::read_or_create(f, false)?,
        (None, None) => {
            let beside_backup = sqlite_key_path(backup);
            let from = if beside_backup.exists() {
                beside_backup
            } else {
                sqlite_key_path(database)
            };
            AuditKey::read_or_create(&from, false)?
        }
    };
    let probe = Store::open_held(backup, &KeyConfig::given(key.clone()), false).await?;
    let verified = probe.audit_verify().await?;
    probe.db().checkpoint().await?;
    probe.db().close().await;
    drop(probe);
    if !verified.ok() {
        return Err(StoreError::Other("备份中的审计日志校验失败，未恢复".into()));
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{target}{suffix}"));
        let _ = std::fs::remove_file(format!("{backup}{suffix}"));
    }
    std::fs::copy(backup, target).map_err(|e| StoreError::Other(format!("无法写入 {target}：{e}")))?;
    let key_file = sqlite_key_path(target);
    if keys.key.is_none() && keys.file.is_none() && !key_file.exists() {
        write_key_file(&key_file, &key)
            .map_err(|e| StoreError::Other(format!("无法写入审计密钥文件 {}：{e}", key_file.display())))?;
    }
    drop(lock);
    Ok(())
}
