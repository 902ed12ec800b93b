//! Users (argon2id passwords), their role and org scope, browser sessions and API tokens — all in the database,
//! so several app servers share them.

use crate::audit::WriteTx;
use crate::db::{Arg, Kind};
use crate::{Result, Store, StoreError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, Utc};
use duikou_domain::access::{self, Actor, Role};
use duikou_domain::ValidationErrors;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// A user as shown to admins (never the password hash).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Role.
    pub role: String,
    /// Whether the user may log in.
    pub active: bool,
    /// The orgs the role is scoped to.
    pub org_ids: Vec<i64>,
}

/// What is needed to create a user.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Login name: 3–50 letters, digits, `_`, `.`, `-`.
    pub username: String,
    /// Name shown in the UI.
    #[serde(default)]
    pub display_name: Option<String>,
    /// At least 8 characters.
    pub password: String,
    /// `admin`, `coordinator`, `supporter_editor`, `receiver_editor` or `viewer`.
    pub role: String,
    /// The orgs the role is scoped to.
    #[serde(default)]
    pub org_ids: Vec<i64>,
}

/// A new browser session: the cookie value and the token forms must echo.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The secret the cookie carries.
    pub id: String,
    /// The CSRF token.
    pub csrf: String,
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Other(format!("密码哈希失败：{e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2vNYNL1q9PPdJ6LsIT6uBQ3Jr3Ho8QfV3lIK2rsWbGA";

fn check_new_user(u: &NewUser) -> std::result::Result<Role, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let name_ok = (3..=50).contains(&u.username.chars().count())
        && u.username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !name_ok {
        e.add(
            "username",
            "invalid",
            "用户名（username）应为 3–50 个字母、数字或 _ . -",
        );
    }
    if u.password.chars().count() < 8 {
        e.add("password", "too_short", "密码（password）至少 8 个字符");
    }
    if u.password.chars().count() > 200 {
        e.add("password", "too_long", "密码（password）最多 200 个字符");
    }
    if u.display_name.as_deref().is_some_and(|d| d.chars().count() > 100) {
        e.add("display_name", "too_long", "显示名称（display_name）最多 100 个字符");
    }
    let role = Role::parse(&u.role);
    if role.is_none() {
        e.add(
            "role",
            "enum",
            format!(
                "角色（role）“{}”无效，可选：admin、coordinator、supporter_editor、receiver_editor、viewer",
                u.role
            ),
        );
    }
    if matches!(role, Some(Role::SupporterEditor | Role::ReceiverEditor)) && u.org_ids.is_empty() {
        e.add("org_ids", "required", "填报员必须指定所属单位（org_ids）");
    }
    e.into_result().map(|_| role.unwrap_or(Role::Viewer))
}

/// The columns [`Store::actor_sql`] answers first: user id, username, role, active, joined scope, and the audit head
/// as the credential was read (every write moves it; what is kept by head is current while it stays).
const ACTOR_KINDS: [Kind; 6] = [Kind::Int, Kind::Text, Kind::Text, Kind::Bool, Kind::Text, Kind::Int];

/// Where the audit head sits in an [`ACTOR_KINDS`] row.
const HEAD: usize = 5;

/// What names a user in [`Store::actor_sql`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credential {
    /// The user's id.
    UserId,
    /// A browser session's id hash; adds its CSRF token and expiry.
    Session,
    /// An API token's hash.
    Token,
}

impl Credential {
    /// A query of at most one row with a `user_id` column, and further columns of it (as `cred.…`) to answer.
    fn query(self) -> (&'static str, &'static str) {
        match self {
            Credential::UserId => ("SELECT id AS user_id FROM users WHERE id = $1", ""),
            Credential::Session => (
                "SELECT user_id, csrf_token, expires_at FROM sessions WHERE id = $1",
                ", cred.csrf_token, cred.expires_at",
            ),
            Credential::Token => ("SELECT user_id FROM api_tokens WHERE token_hash = $1", ""),
        }
    }
}

/// The actor of a row led by [`ACTOR_KINDS`]: none when the user is gone, inactive or has no known role.
fn actor_of(row: &[crate::db::Val]) -> Option<Actor> {
    let user_id = row[0].int()?;
    if row[3].bool() != Some(true) {
        return None;
    }
    let role = row[2].text().and_then(Role::parse)?;
    Some(Actor {
        user_id,
        username: row[1].text().unwrap_or("").into(),
        role,
        scope: crate::db::split_ints(row[4].text()).collect::<BTreeSet<i64>>(),
    })
}

impl Store {
    /// Creates a user; the actor must be an admin (the CLI acts as the system).
    pub async fn create_user(&self, actor: &Actor, new: &NewUser) -> Result<User> {
        let mut w = WriteTx::begin(self, actor).await?;
        let user = Self::create_user_in(&mut w, new).await?;
        w.commit().await?;
        Ok(user)
    }

    /// [`Store::create_user`] inside an open write transaction (the demo loader).
    pub async fn create_user_in(w: &mut WriteTx, new: &NewUser) -> Result<User> {
        access::may_manage_users(&w.actor)?;
        check_new_user(new)?;
        let hash = hash_password(&new.password)?;
        let taken =
            w.tx.fetch_opt(
                "SELECT id FROM users WHERE username = $1",
                &[Arg::Text(Some(new.username.clone()))],
                &[Kind::Int],
            )
            .await?;
        if taken.is_some() {
            return Err(StoreError::conflict(
                "duplicate",
                format!("用户名“{}”已被使用", new.username),
                Some("username"),
            ));
        }
        let mut missing = ValidationErrors::new();
        for org in &new.org_ids {
            let found =
                w.tx.fetch_opt(
                    "SELECT id FROM orgs WHERE id = $1",
                    &[Arg::Int(Some(*org))],
                    &[Kind::Int],
                )
                .await?;
            if found.is_none() {
                missing.add(
                    "org_ids",
                    "unknown_reference",
                    format!("所属单位（org_ids）：找不到编号为 {org} 的单位"),
                );
            }
        }
        missing.into_result()?;
        let display = new.display_name.clone().unwrap_or_else(|| new.username.clone());
        let id =
            w.tx.fetch_opt(
                "INSERT INTO users (username, display_name, password_hash, role, active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    Arg::Text(Some(new.username.clone())),
                    Arg::Text(Some(display)),
                    Arg::Text(Some(hash)),
                    Arg::Text(Some(new.role.clone())),
                    Arg::Bool(Some(true)),
                    Arg::Ts(Some(Utc::now())),
                ],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        for org in &new.org_ids {
            w.tx.execute(
                "INSERT INTO user_orgs (user_id, org_id) VALUES ($1, $2)",
                &[Arg::Int(Some(id)), Arg::Int(Some(*org))],
            )
            .await?;
        }
        let user = Self::user_in(&mut w.tx, id).await?;
        w.record(
            "create",
            "users",
            id,
            serde_json::Value::Null,
            serde_json::to_value(&user).unwrap_or_default(),
        )
        .await?;
        Ok(user)
    }

    async fn user_in(tx: &mut crate::db::Tx, id: i64) -> Result<User> {
        let r = tx
            .fetch_opt(
                "SELECT id, username, display_name, role, active FROM users WHERE id = $1",
                &[Arg::Int(Some(id))],
                &[Kind::Int, Kind::Text, Kind::Text, Kind::Text, Kind::Bool],
            )
            .await?
            .ok_or(StoreError::NotFound { label: "用户", id })?;
        let orgs = tx
            .fetch(
                "SELECT org_id FROM user_orgs WHERE user_id = $1 ORDER BY org_id",
                &[Arg::Int(Some(id))],
                &[Kind::Int],
            )
            .await?;
        Ok(User {
            id,
            username: r[1].text().unwrap_or("").into(),
            display_name: r[2].text().unwrap_or("").into(),
            role: r[3].text().unwrap_or("").into(),
            active: r[4].bool().unwrap_or(false),
            org_ids: orgs.iter().filter_map(|o| o[0].int()).collect(),
        })
    }

    /// Every user, for admins.
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<User>> {
        access::may_manage_users(actor)?;
        let ids = self
            .db()
            .fetch("SELECT id FROM users ORDER BY id", &[], &[Kind::Int])
            .await?;
        let mut tx = self.db().begin().await?;
        let mut out = Vec::new();
        for r in ids {
            out.push(Self::user_in(&mut tx, r[0].int().unwrap_or(0)).await?);
        }
        tx.rollback().await?;
        Ok(out)
    }

    /// How many users exist (to tell a fresh install).
    pub async fn user_count(&self) -> Result<i64> {
        Ok(self
            .db()
            .fetch_opt("SELECT COUNT(*) FROM users", &[], &[Kind::Int])
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0))
    }

    /// Sets a user's password (admins, or the CLI).
    pub async fn set_password(&self, actor: &Actor, username: &str, password: &str) -> Result<()> {
        access::may_manage_users(actor)?;
        if password.chars().count() < 8 {
            return Err(StoreError::invalid(
                "password",
                "too_short",
                "密码（password）至少 8 个字符",
            ));
        }
        let hash = hash_password(password)?;
        let mut w = WriteTx::begin(self, actor).await?;
        let row =
            w.tx.fetch_opt(
                "SELECT id FROM users WHERE username = $1",
                &[Arg::Text(Some(username.into()))],
                &[Kind::Int],
            )
            .await?;
        let Some(id) = row.and_then(|r| r[0].int()) else {
            return Err(StoreError::invalid(
                "username",
                "unknown",
                format!("找不到用户“{username}”"),
            ));
        };
        w.tx.execute(
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            &[Arg::Text(Some(hash)), Arg::Int(Some(id))],
        )
        .await?;
        w.tx.execute("DELETE FROM sessions WHERE user_id = $1", &[Arg::Int(Some(id))])
            .await?;
        w.record(
            "set_password",
            "users",
            id,
            serde_json::Value::Null,
            serde_json::Value::Null,
        )
        .await?;
        w.commit().await
    }

    /// Checks a username and password; `None` when either is wrong or the user is inactive.
    pub async fn authenticate(&self, username: &str, password: &str) -> Result<Option<Actor>> {
        let row = self
            .db()
            .fetch_opt(
                "SELECT id, password_hash, active FROM users WHERE username = $1",
                &[Arg::Text(Some(username.into()))],
                &[Kind::Int, Kind::Text, Kind::Bool],
            )
            .await?;
        let Some(row) = row else {
            // spend the same time as a real check, so a wrong name is not told apart from a wrong password
            let _ = verify_password(password, DUMMY_HASH);
            return Ok(None);
        };
        if !verify_password(password, row[1].text().unwrap_or("")) || row[2].bool() != Some(true) {
            return Ok(None);
        }
        self.actor(row[0].int().unwrap_or(0)).await
    }

    /// The actor for a user id: role and org scope expanded to every org below.
    pub async fn actor(&self, user_id: i64) -> Result<Option<Actor>> {
        let sql = self.actor_sql(Credential::UserId);
        let row = self
            .db()
            .look_up_opt(sql, &[Arg::Int(Some(user_id))], &ACTOR_KINDS)
            .await?;
        Ok(row.and_then(|r| actor_of(&r)))
    }

    /// One statement answering the actor of the user a [`Credential`] names: user id, username, role, active, the
    /// org scope expanded to every org below (joined by [`crate::db::Backend::join_ints`]), then the credential's
    /// own further columns. No row when the credential matches none; the user's columns are NULL when the user is
    /// gone. One round trip instead of three (credential, user, scope); the text is made once per backend.
    fn actor_sql(&self, credential: Credential) -> &'static str {
        static MADE: std::sync::OnceLock<Vec<(crate::Backend, Credential, String)>> = std::sync::OnceLock::new();
        let made = MADE.get_or_init(|| {
            let mut v = Vec::new();
            for backend in [crate::Backend::Sqlite, crate::Backend::Postgres] {
                for c in [Credential::UserId, Credential::Session, Credential::Token] {
                    let (query, extra) = c.query();
                    let scope = backend.join_ints("id");
                    let sql = format!(
                        "WITH RECURSIVE cred AS ({query}), \
                         s(id) AS (SELECT org_id FROM user_orgs WHERE user_id = (SELECT user_id FROM cred) \
                         UNION SELECT o.id FROM orgs o JOIN s ON o.parent_id = s.id) \
                         SELECT u.id, u.username, u.role, u.active, (SELECT {scope} FROM s), \
                         (SELECT seq FROM audit_head WHERE id = 1){extra} \
                         FROM cred LEFT JOIN users u ON u.id = cred.user_id"
                    );
                    v.push((backend, c, sql));
                }
            }
            v
        });
        let backend = self.backend();
        made.iter()
            .find(|(b, c, _)| *b == backend && *c == credential)
            .map(|(_, _, sql)| sql.as_str())
            .unwrap_or_default()
    }

    /// Opens a browser session lasting `hours`.
    pub async fn create_session(&self, user_id: i64, hours: i64) -> Result<NewSession> {
        let s = NewSession {
            id: random_hex(32),
            csrf: random_hex(16),
        };
        let now = Utc::now();
        self.db()
            .execute(
                "INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[
                    Arg::Text(Some(sha256_hex(&s.id))),
                    Arg::Int(Some(user_id)),
                    Arg::Text(Some(s.csrf.clone())),
                    Arg::Ts(Some(now)),
                    Arg::Ts(Some(now + Duration::hours(hours))),
                ],
            )
            .await?;
        Ok(s)
    }

    /// The actor and CSRF token of a live session (an expired one is deleted), in one round trip.
    pub async fn session(&self, session_id: &str) -> Result<Option<(Actor, String)>> {
        Ok(self.session_seen(session_id).await?.map(|(a, csrf, _)| (a, csrf)))
    }

    /// As [`Store::session`], with the audit head read in the same statement (see [`Store::record_json`]).
    pub async fn session_seen(&self, session_id: &str) -> Result<Option<(Actor, String, i64)>> {
        let sql = self.actor_sql(Credential::Session);
        let mut kinds = ACTOR_KINDS.to_vec();
        kinds.extend([Kind::Text, Kind::Ts]);
        let row = self
            .db()
            .look_up_opt(sql, &[Arg::Text(Some(sha256_hex(session_id)))], &kinds)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let n = ACTOR_KINDS.len();
        if row[n + 1].ts().is_none_or(|t| t < Utc::now()) {
            self.end_session(session_id).await?;
            return Ok(None);
        }
        let csrf = row[n].text().unwrap_or("").to_string();
        let head = row[HEAD].int().unwrap_or(0);
        Ok(actor_of(&row).map(|a| (a, csrf, head)))
    }

    /// Ends a session.
    pub async fn end_session(&self, session_id: &str) -> Result<()> {
        self.db()
            .execute(
                "DELETE FROM sessions WHERE id = $1",
                &[Arg::Text(Some(sha256_hex(session_id)))],
            )
            .await?;
        Ok(())
    }

    /// Issues an API token for a user; the plain token is returned once and only its hash is kept.
    pub async fn create_token(&self, user_id: i64, name: &str) -> Result<String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::invalid(
                "name",
                "invalid",
                "令牌名称（name）应为 1–100 个字符",
            ));
        }
        let token = format!("dk_{}", random_hex(24));
        self.db()
            .execute(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)",
                &[
                    Arg::Int(Some(user_id)),
                    Arg::Text(Some(name.into())),
                    Arg::Text(Some(sha256_hex(&token))),
                    Arg::Ts(Some(Utc::now())),
                ],
            )
            .await?;
        Ok(token)
    }

    /// The actor behind an API token, in one round trip.
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>> {
        Ok(self.token_seen(token).await?.map(|(a, _)| a))
    }

    /// As [`Store::token_actor`], with the audit head read in the same statement (see [`Store::record_json`]).
    pub async fn token_seen(&self, token: &str) -> Result<Option<(Actor, i64)>> {
        let sql = self.actor_sql(Credential::Token);
        let row = self
            .db()
            .look_up_opt(sql, &[Arg::Text(Some(sha256_hex(token)))], &ACTOR_KINDS)
            .await?;
        Ok(row.and_then(|r| Some((actor_of(&r)?, r[HEAD].int().unwrap_or(0)))))
    }

    /// The user id of a username.
    pub async fn user_id(&self, username: &str) -> Result<Option<i64>> {
        Ok(self
            .db()
            .fetch_opt(
                "SELECT id FROM users WHERE username = $1",
                &[Arg::Text(Some(username.into()))],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int()))
    }
}
