//! Fresh, isolated stores for tests: a new SQLite file always, and a new PostgreSQL database when
//! `DUIKOU_TEST_POSTGRES_URL` is set (CI sets it), so one suite runs on both backends — and the few helpers every
//! suite uses to put records and users in them.

use crate::accounts::NewUser;
use crate::{AuditKey, Db, KeyConfig, Result, Store};
use duikou_domain::access::{Actor, Role};
use serde_json::Value;

/// The environment variable holding a PostgreSQL URL for tests (a server where we may create databases).
pub const POSTGRES_ENV: &str = "DUIKOU_TEST_POSTGRES_URL";

/// A store created for one test, removed by [`TestStore::finish`].
pub struct TestStore {
    /// `sqlite` or `postgres`, for messages.
    pub backend: &'static str,
    /// The store.
    pub store: Store,
    /// Its SQLite path or PostgreSQL URL, to open a second store on the same data (another app server): see
    /// [`TestStore::open_again`], which brings the audit key.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

/// Replaces the database name at the end of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let head = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{head}/{name}?{q}"),
        None => format!("{head}/{name}"),
    }
}

impl TestStore {
    /// A fresh SQLite store in a new file under the system temp dir.
    pub async fn sqlite() -> Result<TestStore> {
        let path = std::env::temp_dir().join(format!("{}.db", unique("duikou_test")));
        let url = path.to_string_lossy().to_string();
        let store = Store::open(&url).await?;
        Ok(TestStore {
            backend: "sqlite",
            store,
            url,
            cleanup: Cleanup::File(path),
        })
    }

    /// A fresh PostgreSQL database, if `DUIKOU_TEST_POSTGRES_URL` is set.
    pub async fn postgres() -> Result<Option<TestStore>> {
        let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
            return Ok(None);
        };
        let name = unique("duikou_t");
        let admin = Db::connect(&admin_url).await?;
        admin.execute(&format!("CREATE DATABASE {name}"), &[]).await?;
        admin.close().await;
        let url = with_database(&admin_url, &name);
        // PostgreSQL keeps no key of its own: each test database gets a fresh one, as a deployment configures one
        let store = Store::open_with(&url, &KeyConfig::given(AuditKey::generate())).await?;
        Ok(Some(TestStore {
            backend: "postgres",
            store,
            url,
            cleanup: Cleanup::Database { admin_url, name },
        }))
    }

    /// Every backend available here: SQLite, plus PostgreSQL when configured.
    pub async fn all() -> Result<Vec<TestStore>> {
        let mut v = vec![TestStore::sqlite().await?];
        match TestStore::postgres().await? {
            Some(p) => v.push(p),
            None => eprintln!("note: {POSTGRES_ENV} not set — this run covers SQLite only (CI sets it)"),
        }
        Ok(v)
    }

    /// Another store on the same data with the same audit key (another app server, or a restart).
    pub async fn open_again(&self) -> Result<Store> {
        Store::open_with(&self.url, &KeyConfig::given(self.store.audit_key().clone())).await
    }

    /// Closes the store and removes its file or database.
    pub async fn finish(self) -> Result<()> {
        self.store.db().close().await;
        match self.cleanup {
            Cleanup::File(p) => {
                for suffix in ["", "-wal", "-shm", ".lock", ".audit-key"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                let admin = Db::connect(&admin_url).await?;
                admin
                    .execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), &[])
                    .await?;
                admin.close().await;
            }
        }
        Ok(())
    }
}

/// The password of every user [`user`] makes.
pub const PASSWORD: &str = "password-123";

/// Runs `f` on a fresh store of every backend under test (SQLite, and PostgreSQL when `DUIKOU_TEST_POSTGRES_URL` is
/// set) with the backend's name, dropping each store afterwards.
pub async fn for_each_backend<F, Fut>(f: F)
where
    F: Fn(Store, &'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for t in TestStore::all().await.expect("test stores") {
        f(t.store.clone(), t.backend).await;
        t.finish().await.expect("cleanup");
    }
}

/// Creates a record as the system and answers it as stored; a refusal fails the test, naming the input and why.
pub async fn create(store: &Store, entity: &str, v: Value) -> Value {
    store
        .create(&Actor::system(), entity, &v)
        .await
        .unwrap_or_else(|e| panic!("create {entity} {v}: {e:?}"))
}

/// Creates a record as [`create`] does and answers its id.
pub async fn create_id(store: &Store, entity: &str, v: Value) -> i64 {
    create(store, entity, v).await["id"].as_i64().expect("id")
}

/// Creates a user with [`PASSWORD`], its role and orgs, and answers the actor it logs in as (its scope expanded).
pub async fn user(store: &Store, name: &str, role: Role, orgs: Vec<i64>) -> Actor {
    let made = store
        .create_user(
            &Actor::system(),
            &NewUser {
                username: name.into(),
                display_name: None,
                password: PASSWORD.into(),
                role: role.as_str().into(),
                org_ids: orgs,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("create user {name}: {e:?}"));
    store
        .actor(made.id)
        .await
        .unwrap_or_else(|e| panic!("actor of {name}: {e:?}"))
        .expect("the user just made")
}

#[cfg(test)]
mod tests {
    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://u:p@h/db?sslmode=disable", "y"),
            "postgres://u:p@h/y?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h", "z"), "postgres://h/z");
    }
}
