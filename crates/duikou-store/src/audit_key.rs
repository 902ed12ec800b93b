//! The server's audit key: the secret the audit log's MACs are made with. It never lives in the database, so whoever
//! can write the database still cannot make a rewritten log verify.

use crate::{Result, StoreError};
use rand::RngCore;
use std::path::{Path, PathBuf};

/// The environment variable holding the audit key itself.
pub const KEY_ENV: &str = "DUIKOU_AUDIT_KEY";
/// The environment variable naming a file that holds the audit key.
pub const KEY_FILE_ENV: &str = "DUIKOU_AUDIT_KEY_FILE";

/// The shortest key accepted: shorter secrets are guessable.
const MIN_KEY_LEN: usize = 16;

/// A secret for the audit log's HMACs. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey(Vec<u8>);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(***)")
    }
}

impl AuditKey {
    /// A key from its text (surrounding whitespace ignored), at least 16 characters.
    pub fn from_secret(secret: &str) -> Result<AuditKey> {
        let s = secret.trim();
        if s.len() < MIN_KEY_LEN {
            return Err(StoreError::Other(format!(
                "审计密钥太短：至少 {MIN_KEY_LEN} 个字符（建议用 duikou 生成的 64 位十六进制密钥）"
            )));
        }
        Ok(AuditKey(s.as_bytes().to_vec()))
    }

    /// A new random key (256 bits, as 64 hex digits).
    pub fn generate() -> AuditKey {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        AuditKey(hex::encode(bytes).into_bytes())
    }

    /// The key's bytes, for the MACs.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// Reads the key in `path`; when the file does not exist and `create` is set, makes a new key there, readable
    /// by its owner only.
    pub fn read_or_create(path: &Path, create: bool) -> Result<AuditKey> {
        match std::fs::read_to_string(path) {
            Ok(text) => AuditKey::from_secret(&text)
                .map_err(|e| StoreError::Other(format!("审计密钥文件 {} 无效：{e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let key = AuditKey::generate();
                write_private(path, key.bytes())
                    .map_err(|e| StoreError::Other(format!("无法创建审计密钥文件 {}：{e}", path.display())))?;
                tracing::info!("已生成审计密钥文件 {}（请与数据库分开备份）", path.display());
                Ok(key)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::Other(format!(
                "审计密钥文件 {} 不存在，但审计日志已用密钥签名：请恢复原来的密钥文件（或用环境变量 {KEY_ENV} 给出原密钥），\
                 否则无法写入，也无法校验审计日志",
                path.display()
            ))),
            Err(e) => Err(StoreError::Other(format!(
                "无法读取审计密钥文件 {}：{e}",
                path.display()
            ))),
        }
    }
}

/// Writes `key` to a new file readable by its owner only.
pub(crate) fn write_key_file(path: &Path, key: &AuditKey) -> std::io::Result<()> {
    write_private(path, key.bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.write_all(b"\n")?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.write_all(b"\n")?;
    f.sync_all()
}

/// Where the audit key comes from: the key itself, or a file holding it; with neither, a SQLite database keeps its
/// key in `<database>.audit-key` (made at first start) and a PostgreSQL database refuses to open.
#[derive(Debug, Clone, Default)]
pub struct KeyConfig {
    /// The key (from `DUIKOU_AUDIT_KEY` or the configuration's `audit_key`).
    pub key: Option<AuditKey>,
    /// A file holding the key (`DUIKOU_AUDIT_KEY_FILE`, configuration `audit_key_file`); made there at first start.
    pub file: Option<PathBuf>,
}

impl KeyConfig {
    /// A given key.
    pub fn given(key: AuditKey) -> KeyConfig {
        KeyConfig {
            key: Some(key),
            file: None,
        }
    }

    /// From `DUIKOU_AUDIT_KEY` and `DUIKOU_AUDIT_KEY_FILE`.
    pub fn from_env() -> Result<KeyConfig> {
        let key = match std::env::var(KEY_ENV) {
            Ok(s) if !s.trim().is_empty() => {
                Some(AuditKey::from_secret(&s).map_err(|e| StoreError::Other(format!("环境变量 {KEY_ENV}：{e}")))?)
            }
            _ => None,
        };
        let file = std::env::var_os(KEY_FILE_ENV)
            .filter(|f| !f.is_empty())
            .map(PathBuf::from);
        Ok(KeyConfig { key, file })
    }

    /// The key for the database at `url`; `signed` says whether its audit log already carries MACs (then a missing
    /// key file is an error, not a reason to make a new key).
    pub(crate) fn resolve(&self, url: &str, postgres: bool, signed: bool) -> Result<AuditKey> {
        if let Some(k) = &self.key {
            return Ok(k.clone());
        }
        if let Some(f) = &self.file {
            return AuditKey::read_or_create(f, !signed);
        }
        if postgres {
            return Err(StoreError::Other(format!(
                "使用 PostgreSQL 时必须配置审计密钥：密钥不能存放在数据库中，否则能改数据库的人也能重写审计日志。\
                 请设置环境变量 {KEY_ENV}（至少 {MIN_KEY_LEN} 个字符），或在配置文件中设置 audit_key_file \
                 （也可用环境变量 {KEY_FILE_ENV}）指向一个文件——该文件不存在时将在那里生成新密钥"
            )));
        }
        AuditKey::read_or_create(&sqlite_key_path(url), !signed)
    }
}

/// `<database>.audit-key` beside a SQLite database file.
pub fn sqlite_key_path(url: &str) -> PathBuf {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    PathBuf::from(format!("{path}.audit-key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_made_once_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.db.audit-key");
        assert!(
            AuditKey::read_or_create(&p, false).is_err(),
            "not made when the log is signed"
        );
        let k = AuditKey::read_or_create(&p, true).unwrap();
        assert_eq!(AuditKey::read_or_create(&p, true).unwrap(), k);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(format!("{k:?}"), "AuditKey(***)");
    }

    #[test]
    fn postgres_without_a_key_refuses_in_chinese() {
        let e = KeyConfig::default()
            .resolve("postgres://h/db", true, false)
            .unwrap_err();
        assert!(e.to_string().contains("必须配置审计密钥"), "{e}");
        assert!(AuditKey::from_secret("short").is_err());
        assert_eq!(sqlite_key_path("sqlite://a/b.db"), PathBuf::from("a/b.db.audit-key"));
    }
}
