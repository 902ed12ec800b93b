//! The `duikou` binary as a user runs it: help in both languages, exit codes and Chinese errors, users, audit, backup.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn duikou(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duikou"))
        .args(args)
        .current_dir(dir)
        .env_remove("DUIKOU_DATABASE_URL")
        .env_remove("DUIKOU_PASSWORD")
        .output()
        .expect("run duikou")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("duikou_cli_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn help_lists_every_verb_in_chinese_and_english() {
    let d = scratch("help");
    let o = duikou(&d, &["--help"]);
    assert!(o.status.success());
    let t = text(&o);
    for verb in ["serve", "migrate", "demo", "user", "backup", "restore", "audit"] {
        assert!(t.contains(verb), "{verb} in {t}");
    }
    assert!(
        t.contains("启动网页与 JSON 接口服务") && t.contains("run the web server"),
        "{t}"
    );
    let o = duikou(&d, &["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("错误"), "{}", text(&o));
}

#[test]
fn users_audit_and_backup_from_the_command_line() {
    let d = scratch("users");
    let ok = duikou(&d, &["user", "add", "admin", "--password", "password-123"]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(d.join("duikou.db").exists(), "the default database is ./duikou.db");
    let dup = duikou(&d, &["user", "add", "admin", "--password", "password-123"]);
    assert!(!dup.status.success());
    assert!(text(&dup).contains("已被使用"), "{}", text(&dup));
    let bad = duikou(&d, &["user", "add", "x", "--password", "short", "--role", "king"]);
    assert_eq!(bad.status.code(), Some(1));
    let t = text(&bad);
    assert!(
        t.contains("username") && t.contains("password") && t.contains("role"),
        "every problem at once: {t}"
    );
    let scoped = duikou(
        &d,
        &[
            "user",
            "add",
            "editor",
            "--password",
            "password-123",
            "--role",
            "supporter_editor",
            "--org",
            "99",
        ],
    );
    assert!(text(&scoped).contains("找不到编号为 99 的单位"), "{}", text(&scoped));
    let list = duikou(&d, &["user", "list"]);
    assert!(text(&list).contains("admin"));
    let token = duikou(&d, &["user", "token", "admin"]);
    assert!(String::from_utf8_lossy(&token.stdout).trim().starts_with("dk_"));
    let v = duikou(&d, &["audit", "verify"]);
    assert!(v.status.success() && text(&v).contains("哈希链无误"), "{}", text(&v));
    let b = duikou(&d, &["backup", "copy.db"]);
    assert!(b.status.success(), "{}", text(&b));
    let again = duikou(&d, &["backup", "copy.db"]);
    assert!(!again.status.success(), "never overwrite a backup");
    let r = duikou(&d, &["--database", "restored.db", "restore", "copy.db"]);
    assert!(r.status.success(), "{}", text(&r));
    let listed = duikou(&d, &["--database", "restored.db", "user", "list"]);
    assert!(text(&listed).contains("admin"), "{}", text(&listed));
    let notdb = std::fs::write(d.join("junk.db"), b"not a database");
    assert!(notdb.is_ok());
    let r = duikou(&d, &["--database", "other.db", "restore", "junk.db"]);
    assert!(!r.status.success() && text(&r).contains("不是 SQLite"), "{}", text(&r));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_bad_database_url_fails_clearly() {
    let d = scratch("baddb");
    let o = duikou(&d, &["--database", "postgres://nobody@127.0.0.1:1/none", "migrate"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("无法打开数据库"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&d);
}
