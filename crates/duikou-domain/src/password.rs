//! The password policy: long enough, not the username, not one of the passwords every attacker tries first.
//! Pure: the caller names the field the message should name (`password`, `new_password`).

use crate::ValidationErrors;

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 10;
/// The most characters a password may have (argon2 is fed the whole of it).
pub const MAX_CHARS: usize = 200;

/// The embedded list of well-known passwords, one a line (`#` lines are comments).
const COMMON: &str = include_str!("common_passwords.txt");

/// Whether `password` is in the embedded list of well-known passwords (case does not matter).
pub fn is_common(password: &str) -> bool {
    let p = password.trim().to_lowercase();
    COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l.eq_ignore_ascii_case(&p))
}

/// Checks a new password for `username` against the policy; the messages name `field` (e.g. `password`).
///
/// Refused: fewer than [`MIN_CHARS`] or more than [`MAX_CHARS`] characters, one character repeated, the username
/// itself or containing it (in any case), or a well-known password.
pub fn check(username: &str, password: &str, field: &str) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::new();
    let n = password.chars().count();
    let label = format!("密码（{field}）");
    if n < MIN_CHARS {
        e.add(field, "too_short", format!("{label}至少 {MIN_CHARS} 个字符"));
    } else if n > MAX_CHARS {
        e.add(field, "too_long", format!("{label}最多 {MAX_CHARS} 个字符"));
    }
    let lower = password.to_lowercase();
    let name = username.trim().to_lowercase();
    // a username too short to be one (refused by its own rule) would make nearly every password "contain" it
    if name.chars().count() >= 3 && lower.contains(&name) {
        e.add(field, "contains_username", format!("{label}不能是用户名或包含用户名"));
    } else if is_common(password) {
        e.add(field, "common", format!("{label}过于常见，容易被猜中，请换一个"));
    } else if n >= MIN_CHARS && password.chars().all(|c| password.starts_with(c)) {
        e.add(field, "repeated", format!("{label}不能由同一个字符重复组成"));
    }
    e.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(username: &str, password: &str) -> Option<&'static str> {
        check(username, password, "password").err().map(|e| e.0[0].code)
    }

    #[test]
    fn short_common_and_username_passwords_are_refused_with_the_field_named() {
        assert_eq!(code("alice", "12345678"), Some("too_short"));
        assert_eq!(code("alice", "password"), Some("too_short"));
        assert_eq!(code("alice", "1234567890"), Some("common"));
        assert_eq!(code("alice", "Password123"), Some("common"), "case does not matter");
        assert_eq!(code("alice", "qwertyuiop"), Some("common"));
        assert_eq!(code("alice", "woaini1314"), Some("common"));
        assert_eq!(code("administrator", "administrator"), Some("contains_username"));
        assert_eq!(code("zhangsan", "ZhangSan2024!"), Some("contains_username"));
        assert_eq!(code("alice", "zzzzzzzzzzzz"), Some("repeated"));
        assert_eq!(code("alice", &"长".repeat(201)), Some("too_long"));
        let e = check("alice", "12345678", "new_password").unwrap_err();
        assert_eq!(e.0[0].field, "new_password");
        assert_eq!(e.0[0].message, "密码（new_password）至少 10 个字符");
    }

    #[test]
    fn good_passwords_pass() {
        for (u, p) in [
            ("alice", "correct horse battery"),
            ("admin", "duikou-demo"),
            ("xinnong", "duikou-demo"),
            ("bob", "password-123"),
            ("bob", "援疆工作二〇二五年度"),
        ] {
            assert_eq!(check(u, p, "password"), Ok(()), "{u} / {p}");
        }
    }

    #[test]
    fn the_list_holds_a_few_hundred_lowercase_entries() {
        let entries: Vec<&str> = COMMON
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert!(entries.len() >= 300, "{}", entries.len());
        assert!(
            entries.iter().all(|l| *l == l.to_lowercase()),
            "entries are compared lowercased"
        );
    }
}
