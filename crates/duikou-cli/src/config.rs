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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "duikou.db".into(),
            addr: "127.0.0.1:8080".into(),
            log: "info,sqlx::query=error".into(),
            session_hours: 12,
            secure_cookies: false,
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
