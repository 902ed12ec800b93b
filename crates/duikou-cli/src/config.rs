//! Layered configuration: defaults → a TOML file → `DUIKOU_*` environment → command-line flags.

use serde::Deserialize;

/// duikou's settings.
#[derive(Clone, Deserialize)]
pub struct Config {
    /// A SQLite file path or a `postgres://` URL.
    pub database_url: String,
    /// Where `serve` listens.
    pub addr: String,
    /// The log filter (`info`, `duikou=debug` …).
    pub log: String,
    /// How long a browser session lasts, in hours.
    pub session_hours: i64,
    /// Served over HTTPS (behind a TLS proxy): the session cookie is marked `Secure` and `Strict-Transport-Security`
    /// is sent (`secure_cookies = true`, or `DUIKOU_SECURE_COOKIES=true`). Off for the local demo over plain HTTP.
    pub secure_cookies: bool,
    /// The audit key itself (`DUIKOU_AUDIT_KEY`); better kept in a file, see `audit_key_file`.
    #[serde(default)]
    pub audit_key: Option<String>,
    /// A file holding the audit key (`DUIKOU_AUDIT_KEY_FILE`), made there at first start; without either, a SQLite
    /// database keeps its key in `<database>.audit-key` and PostgreSQL refuses to start.
    #[serde(default)]
    pub audit_key_file: Option<String>,
    /// The portal's public address (`public_url = "https://duikou.example.cn"`, or `DUIKOU_PUBLIC_URL`): the IATI
    /// file then links each activity to its public page and facts (`document-link`); without it, it links none.
    #[serde(default)]
    pub public_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "duikou.db".into(),
            addr: "127.0.0.1:8080".into(),
            log: "info,sqlx::query=error".into(),
            session_hours: 12,
            secure_cookies: false,
            audit_key: None,
            audit_key_file: None,
            public_url: None,
        }
    }
}

impl std::fmt::Debug for Config {
    /// Hides a password in the database URL.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact(&self.database_url))
            .field("addr", &self.addr)
            .field("log", &self.log)
            .field("session_hours", &self.session_hours)
            .field("secure_cookies", &self.secure_cookies)
            .field("audit_key", &self.audit_key.as_ref().map(|_| "***"))
            .field("audit_key_file", &self.audit_key_file)
            .field("public_url", &self.public_url)
            .finish()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((creds, host)) = rest.split_once('@') {
            if let Some((user, _)) = creds.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

impl Config {
    /// Where the audit key comes from, as configured.
    pub fn keys(&self) -> anyhow::Result<duikou_store::KeyConfig> {
        let key = match self.audit_key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => Some(
                duikou_store::AuditKey::from_secret(k).map_err(|e| anyhow::anyhow!("审计密钥（audit_key）：{e}"))?,
            ),
            None => None,
        };
        Ok(duikou_store::KeyConfig {
            key,
            file: self
                .audit_key_file
                .as_deref()
                .filter(|f| !f.is_empty())
                .map(std::path::PathBuf::from),
        })
    }

    /// Reads the layers; `file` defaults to `duikou.toml` in the working directory (optional).
    pub fn load(file: Option<&str>) -> anyhow::Result<Config> {
        use figment::providers::{Env, Format, Serialized, Toml};
        let path = file.unwrap_or("duikou.toml");
        if file.is_some() && !std::path::Path::new(path).exists() {
            anyhow::bail!("找不到配置文件 {path}");
        }
        let cfg: Config = figment::Figment::from(Serialized::defaults(ConfigDefaults::from(Config::default())))
            .merge(Toml::file(path))
            .merge(Env::prefixed("DUIKOU_"))
            .extract()
            .map_err(|e| anyhow::anyhow!("配置有误：{e}"))?;
        Ok(cfg)
    }
}

#[derive(serde::Serialize)]
struct ConfigDefaults {
    database_url: String,
    addr: String,
    log: String,
    session_hours: i64,
    secure_cookies: bool,
}

impl From<Config> for ConfigDefaults {
    fn from(c: Config) -> Self {
        ConfigDefaults {
            database_url: c.database_url,
            addr: c.addr,
            log: c.log,
            session_hours: c.session_hours,
            secure_cookies: c.secure_cookies,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(
            redact("postgres://duikou:s3cret@db:5432/duikou"),
            "postgres://duikou:***@db:5432/duikou"
        );
        assert_eq!(redact("duikou.db"), "duikou.db");
        let c = Config {
            database_url: "postgres://a:b@h/d".into(),
            ..Config::default()
        };
        assert!(!format!("{c:?}").contains(":b@"));
    }
}
