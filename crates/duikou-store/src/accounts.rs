//! Users (argon2id passwords), their role and org scope, browser sessions and API tokens — all in the database,
//! so several app servers share them.

use crate::audit::WriteTx;
use crate::db::{Arg, Kind};
use crate::{Result, Store, StoreError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, Utc};
use duikou_domain::access::{self, Actor, Role};
use duikou_domain::{password, ValidationErrors};
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
    /// As [`duikou_domain::password::check`] asks: at least 10 characters, not the username, not a well-known one.
    pub password: String,
    /// `admin`, `coordinator`, `supporter_editor`, `receiver_editor` or `viewer`.
    pub role: String,
    /// The orgs the role is scoped to.
    #[serde(default)]
    pub org_ids: Vec<i64>,
}

/// How many failed logins are let through before an account or a client address is made to wait.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    /// Failures of one account within the window.
    pub per_account: i64,
    /// Failures from one client address within the window (many accounts guessed from one place).
    pub per_address: i64,
    /// The sliding window, in minutes: a failure older than this no longer counts.
    pub window_minutes: i64,
}

/// The throttle every login goes through: 5 failures of an account, or 20 from an address, in 15 minutes.
pub const THROTTLE: Throttle = Throttle {
    per_account: 5,
    per_address: 20,
    window_minutes: 15,
};

/// What a login attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Login {
    /// The right password of an active user.
    Ok(Actor),
    /// A wrong username or password, or an inactive user (told apart to nobody).
    Bad,
    /// Refused unseen: too many failures lately; the next attempt is let through in this many minutes.
    Throttled {
        /// Minutes to wait, at least 1.
        minutes: i64,
    },
}

fn throttled(minutes: i64) -> StoreError {
    StoreError::Throttled { minutes }
}

/// How long an API token lasts unless told otherwise, in days.
pub const TOKEN_DAYS: i64 = 90;
/// The longest an API token may last, in days.
pub const MAX_TOKEN_DAYS: i64 = 366;

/// A token just issued: the secret is shown this once.
#[derive(Debug, Clone, Serialize)]
pub struct NewToken {
    /// Its id, to revoke it by.
    pub id: i64,
    /// The secret (`dk_…`).
    pub token: String,
    /// When it stops working.
    pub expires_at: chrono::DateTime<Utc>,
}

/// A token as listed to its owner: never the secret.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TokenInfo {
    /// Id.
    pub id: i64,
    /// The name given when issued.
    pub name: String,
    /// When issued.
    pub created_at: Option<chrono::DateTime<Utc>>,
    /// When it stops working.
    pub expires_at: Option<chrono::DateTime<Utc>>,
    /// When last used, if recorded.
    pub last_used_at: Option<chrono::DateTime<Utc>>,
    /// Whether it has stopped working.
    pub expired: bool,
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
    if let Err(p) = password::check(&u.username, &u.password, "password") {
        e.extend_prefixed("", p);
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

/// Who each session or API token named when the database last had one [`crate::quick::Stamp`] (SQLite), so that a
/// request whose credential was read at the same stamp needs no statement at all: no write has been committed since,
/// so the credential, its user, the user's orgs and the audit head are as read. Any write anywhere (a sign-out, a
/// revoked token, a deactivated user, a new record — here or in another process on the same file) changes the stamp
/// and empties what is kept. Expiry is checked against the clock on every use. PostgreSQL has no stamp: every
/// request reads the database, as before.
#[derive(Debug, Default)]
pub(crate) struct SignedIn {
    kept: std::sync::Mutex<SignedInKept>,
}

#[derive(Debug, Default)]
struct SignedInKept {
    stamp: Option<crate::quick::Stamp>,
    by_credential: std::collections::HashMap<(Credential, String), Seen>,
}

/// What one credential named: the actor, the audit head, the session's CSRF token and when it expires.
#[derive(Debug, Clone)]
struct Seen {
    actor: Actor,
    head: i64,
    csrf: String,
    expires: chrono::DateTime<Utc>,
}

/// Credentials kept at one stamp at most (a bound on memory, not a limit on users: the rest are read each time).
const SIGNED_IN_KEPT: usize = 10_000;

impl SignedIn {
    /// What `hash` named at `stamp`, if kept and not expired.
    fn get(&self, stamp: Option<crate::quick::Stamp>, credential: Credential, hash: &str) -> Option<Seen> {
        let stamp = stamp?;
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.stamp != Some(stamp) {
            return None;
        }
        // the key is borrowed as a pair of owned values: one allocation on a hit is cheaper than a statement
        let seen = kept.by_credential.get(&(credential, hash.to_string()))?;
        (seen.expires > Utc::now()).then(|| seen.clone())
    }

    /// Keeps what `hash` named, read after `stamp` was (so it holds every write up to `stamp`).
    fn put(&self, stamp: Option<crate::quick::Stamp>, credential: Credential, hash: String, seen: Seen) {
        let Some(stamp) = stamp else { return };
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.stamp != Some(stamp) {
            kept.stamp = Some(stamp);
            kept.by_credential.clear();
        }
        if kept.by_credential.len() < SIGNED_IN_KEPT {
            kept.by_credential.insert((credential, hash), seen);
        }
    }
}

/// What names a user in [`Store::actor_sql`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
            Credential::Token => (
                "SELECT user_id, expires_at FROM api_tokens WHERE token_hash = $1",
                ", cred.expires_at",
            ),
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

    /// The names people know users by (the display name, else the login name), for the users `ids` names that exist;
    /// for pages that show who did what (a record's history).
    pub async fn user_names(&self, ids: &[i64]) -> Result<std::collections::BTreeMap<i64, String>> {
        let mut out = std::collections::BTreeMap::new();
        let unique: std::collections::BTreeSet<i64> = ids.iter().copied().collect();
        for id in unique {
            let row = self
                .db()
                .fetch_opt(
                    "SELECT username, display_name FROM users WHERE id = $1",
                    &[Arg::Int(Some(id))],
                    &[Kind::Text, Kind::Text],
                )
                .await?;
            if let Some(r) = row {
                let display = r[1].text().unwrap_or("").trim().to_string();
                let name = if display.is_empty() {
                    r[0].text().unwrap_or("").to_string()
                } else {
                    display
                };
                out.insert(id, name);
            }
        }
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

    /// Sets a user's password (admins, or the CLI), as the policy allows; ends every session and API token of the
    /// user, so whoever knew the old password keeps nothing of it.
    pub async fn set_password(&self, actor: &Actor, username: &str, password: &str) -> Result<()> {
        access::may_manage_users(actor)?;
        password::check(username, password, "password")?;
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
        Self::replace_password_in(&mut w, id, hash).await?;
        w.commit().await
    }

    /// A user changes its own password, giving the current one (checked as a login is, so it cannot be guessed
    /// this way either). Every session and token of the user ends, the caller's too.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        address: Option<&str>,
    ) -> Result<()> {
        match self.login(&actor.username, current, address).await? {
            Login::Ok(a) if a.user_id == actor.user_id => {}
            Login::Throttled { minutes } => return Err(throttled(minutes)),
            _ => {
                return Err(StoreError::invalid(
                    "current_password",
                    "wrong",
                    "当前密码（current_password）不正确",
                ))
            }
        }
        password::check(&actor.username, new, "new_password")?;
        if new == current {
            return Err(StoreError::invalid(
                "new_password",
                "unchanged",
                "新密码（new_password）不能与当前密码相同",
            ));
        }
        let hash = hash_password(new)?;
        let mut w = WriteTx::begin(self, actor).await?;
        Self::replace_password_in(&mut w, actor.user_id, hash).await?;
        w.commit().await
    }

    async fn replace_password_in(w: &mut WriteTx, id: i64, hash: String) -> Result<()> {
        w.tx.execute(
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            &[Arg::Text(Some(hash)), Arg::Int(Some(id))],
        )
        .await?;
        Self::end_credentials_in(w, id).await?;
        w.record(
            "set_password",
            "users",
            id,
            serde_json::Value::Null,
            serde_json::Value::Null,
        )
        .await
    }

    /// Deletes every session and API token of a user.
    async fn end_credentials_in(w: &mut WriteTx, id: i64) -> Result<()> {
        w.tx.execute("DELETE FROM sessions WHERE user_id = $1", &[Arg::Int(Some(id))])
            .await?;
        w.tx.execute("DELETE FROM api_tokens WHERE user_id = $1", &[Arg::Int(Some(id))])
            .await?;
        Ok(())
    }

    /// Deactivates (`active = false`) or activates a user: users are never deleted, their records keep naming them.
    /// A deactivated user cannot log in and its sessions and tokens are deleted (activating again revives none).
    /// An admin cannot deactivate itself, so there is always one to undo it.
    pub async fn set_active(&self, actor: &Actor, user_id: i64, active: bool) -> Result<User> {
        access::may_manage_users(actor)?;
        if !active && user_id == actor.user_id {
            return Err(StoreError::invalid("id", "self", "不能停用自己的账户"));
        }
        let mut w = WriteTx::begin(self, actor).await?;
        let before = Self::user_in(&mut w.tx, user_id).await?;
        w.tx.execute(
            "UPDATE users SET active = $1 WHERE id = $2",
            &[Arg::Bool(Some(active)), Arg::Int(Some(user_id))],
        )
        .await?;
        if !active {
            Self::end_credentials_in(&mut w, user_id).await?;
        }
        let after = Self::user_in(&mut w.tx, user_id).await?;
        w.record(
            if active { "activate" } else { "deactivate" },
            "users",
            user_id,
            serde_json::to_value(&before).unwrap_or_default(),
            serde_json::to_value(&after).unwrap_or_default(),
        )
        .await?;
        w.commit().await?;
        Ok(after)
    }

    /// A login attempt, throttled per account and per client address (see [`THROTTLE`]): refused without looking
    /// at the password while too many attempts failed lately, else checked; a success clears the account's failures.
    ///
    /// The attempt is written down before the password is checked, so a burst of parallel guesses counts at once
    /// (the check takes argon2's time); it is taken back when refused unseen or when the password was right.
    pub async fn login(&self, username: &str, password: &str, address: Option<&str>) -> Result<Login> {
        let now = Utc::now().timestamp_millis();
        let window = THROTTLE.window_minutes * 60_000;
        let since = now - window;
        let id = self
            .db()
            .fetch_opt(
                "INSERT INTO login_failures (username, address, at_ms) VALUES ($1, $2, $3) RETURNING id",
                &[
                    Arg::Text(Some(username.into())),
                    Arg::Text(address.map(str::to_string)),
                    Arg::Int(Some(now)),
                ],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        // the earliest time the account (or the address) is let try again, if its recent failures reach the limit
        let mut until: Option<i64> = None;
        let mut checks = vec![("username", username, THROTTLE.per_account)];
        if let Some(a) = address {
            checks.push(("address", a, THROTTLE.per_address));
        }
        for (column, value, limit) in checks {
            let rows = self
                .db()
                .fetch(
                    &format!(
                        "SELECT at_ms FROM login_failures WHERE {column} = $1 AND at_ms > $2 AND id <> $3 \
                         ORDER BY at_ms DESC LIMIT {limit}"
                    ),
                    &[Arg::Text(Some(value.into())), Arg::Int(Some(since)), Arg::Int(Some(id))],
                    &[Kind::Int],
                )
                .await?;
            if rows.len() as i64 >= limit {
                let free_at = rows.last().and_then(|r| r[0].int()).unwrap_or(now) + window;
                until = Some(until.map_or(free_at, |u| u.max(free_at)));
            }
        }
        if let Some(until) = until {
            self.forget_attempt(id).await?;
            let minutes = ((until - now).max(1) + 59_999) / 60_000;
            return Ok(Login::Throttled { minutes });
        }
        match self.authenticate(username, password).await? {
            Some(actor) => {
                self.db()
                    .execute(
                        "DELETE FROM login_failures WHERE username = $1 OR at_ms < $2",
                        &[Arg::Text(Some(username.into())), Arg::Int(Some(since))],
                    )
                    .await?;
                Ok(Login::Ok(actor))
            }
            None => {
                // failures older than the window count for nobody: keep the table to the window
                self.db()
                    .execute("DELETE FROM login_failures WHERE at_ms < $1", &[Arg::Int(Some(since))])
                    .await?;
                Ok(Login::Bad)
            }
        }
    }

    async fn forget_attempt(&self, id: i64) -> Result<()> {
        self.db()
            .execute("DELETE FROM login_failures WHERE id = $1", &[Arg::Int(Some(id))])
            .await?;
        Ok(())
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
                    // Asked on every request, so it makes no temporary table where none is needed: the credential
                    // is a subquery read once (a CTE named twice is materialised), and the orgs under the user's
                    // orgs are walked (a recursive CTE: a queue and a set) only for a user who has orgs. A temporary
                    // table's pages are allocated and freed with each statement, which made glibc trim and regrow
                    // its heap on every request.
                    let sql = format!(
                        "SELECT u.id, u.username, u.role, u.active, \
                         CASE WHEN EXISTS (SELECT 1 FROM user_orgs WHERE user_id = cred.user_id) THEN \
                         (WITH RECURSIVE s(id) AS (SELECT org_id FROM user_orgs WHERE user_id = cred.user_id \
                         UNION SELECT o.id FROM orgs o JOIN s ON o.parent_id = s.id) SELECT {scope} FROM s) END, \
                         (SELECT seq FROM audit_head WHERE id = 1){extra} \
                         FROM ({query}) AS cred LEFT JOIN users u ON u.id = cred.user_id"
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
        let hash = sha256_hex(session_id);
        // read before the statement: what the statement then reads holds every write up to it
        let stamp = self.db().stamp();
        if let Some(seen) = self.signed_in.get(stamp, Credential::Session, &hash) {
            return Ok(Some((seen.actor, seen.csrf, seen.head)));
        }
        let sql = self.actor_sql(Credential::Session);
        let mut kinds = ACTOR_KINDS.to_vec();
        kinds.extend([Kind::Text, Kind::Ts]);
        let row = self
            .db()
            .look_up_opt(sql, &[Arg::Text(Some(hash.clone()))], &kinds)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let n = ACTOR_KINDS.len();
        let Some(expires) = row[n + 1].ts().filter(|t| *t >= Utc::now()) else {
            self.end_session(session_id).await?;
            return Ok(None);
        };
        let csrf = row[n].text().unwrap_or("").to_string();
        let head = row[HEAD].int().unwrap_or(0);
        let Some(actor) = actor_of(&row) else { return Ok(None) };
        let seen = Seen {
            actor: actor.clone(),
            head,
            csrf: csrf.clone(),
            expires,
        };
        self.signed_in.put(stamp, Credential::Session, hash, seen);
        Ok(Some((actor, csrf, head)))
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

    /// Issues an API token for a user lasting [`TOKEN_DAYS`]; the plain token is returned once and only its hash is
    /// kept.
    pub async fn create_token(&self, user_id: i64, name: &str) -> Result<String> {
        Ok(self.create_token_for(user_id, name, TOKEN_DAYS).await?.token)
    }

    /// Issues an API token for a user lasting `days` (1–[`MAX_TOKEN_DAYS`]).
    pub async fn create_token_for(&self, user_id: i64, name: &str, days: i64) -> Result<NewToken> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::invalid(
                "name",
                "invalid",
                "令牌名称（name）应为 1–100 个字符",
            ));
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(StoreError::invalid(
                "expires_in_days",
                "range",
                format!("有效天数（expires_in_days）应为 1–{MAX_TOKEN_DAYS} 的整数"),
            ));
        }
        let token = format!("dk_{}", random_hex(24));
        let now = Utc::now();
        let expires_at = now + Duration::days(days);
        let id = self
            .db()
            .fetch_opt(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    Arg::Int(Some(user_id)),
                    Arg::Text(Some(name.into())),
                    Arg::Text(Some(sha256_hex(&token))),
                    Arg::Ts(Some(now)),
                    Arg::Ts(Some(expires_at)),
                ],
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        Ok(NewToken { id, token, expires_at })
    }

    /// A user's own API tokens, newest first, without their secrets.
    pub async fn list_tokens(&self, user_id: i64) -> Result<Vec<TokenInfo>> {
        let rows = self
            .db()
            .fetch(
                "SELECT id, name, created_at, expires_at, last_used_at FROM api_tokens WHERE user_id = $1 \
                 ORDER BY id DESC",
                &[Arg::Int(Some(user_id))],
                &[Kind::Int, Kind::Text, Kind::Ts, Kind::Ts, Kind::Ts],
            )
            .await?;
        let now = Utc::now();
        Ok(rows
            .into_iter()
            .map(|r| TokenInfo {
                id: r[0].int().unwrap_or(0),
                name: r[1].text().unwrap_or("").into(),
                created_at: r[2].ts(),
                expires_at: r[3].ts(),
                last_used_at: r[4].ts(),
                expired: r[3].ts().is_none_or(|t| t <= now),
            })
            .collect())
    }

    /// Revokes (deletes) one of a user's own tokens; false when the user has no token of that id.
    pub async fn revoke_token(&self, user_id: i64, token_id: i64) -> Result<bool> {
        let n = self
            .db()
            .execute(
                "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
                &[Arg::Int(Some(token_id)), Arg::Int(Some(user_id))],
            )
            .await?;
        Ok(n > 0)
    }

    /// Revokes the token whose secret this is (a logout with it).
    pub async fn revoke_token_secret(&self, token: &str) -> Result<()> {
        self.db()
            .execute(
                "DELETE FROM api_tokens WHERE token_hash = $1",
                &[Arg::Text(Some(sha256_hex(token)))],
            )
            .await?;
        Ok(())
    }

    /// The actor behind a live API token, in one round trip.
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>> {
        Ok(self.token_seen(token).await?.map(|(a, _)| a))
    }

    /// As [`Store::token_actor`], with the audit head read in the same statement (see [`Store::record_json`]). An
    /// expired token names nobody.
    pub async fn token_seen(&self, token: &str) -> Result<Option<(Actor, i64)>> {
        let hash = sha256_hex(token);
        // read before the statement: what the statement then reads holds every write up to it
        let stamp = self.db().stamp();
        if let Some(seen) = self.signed_in.get(stamp, Credential::Token, &hash) {
            return Ok(Some((seen.actor, seen.head)));
        }
        let sql = self.actor_sql(Credential::Token);
        let mut kinds = ACTOR_KINDS.to_vec();
        kinds.push(Kind::Ts);
        let row = self
            .db()
            .look_up_opt(sql, &[Arg::Text(Some(hash.clone()))], &kinds)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let Some(expires) = row[ACTOR_KINDS.len()].ts().filter(|t| *t > Utc::now()) else {
            return Ok(None);
        };
        let Some(actor) = actor_of(&row) else { return Ok(None) };
        let head = row[HEAD].int().unwrap_or(0);
        let seen = Seen {
            actor: actor.clone(),
            head,
            csrf: String::new(),
            expires,
        };
        self.signed_in.put(stamp, Credential::Token, hash, seen);
        Ok(Some((actor, head)))
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
