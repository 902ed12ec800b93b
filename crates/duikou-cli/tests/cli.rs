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
fn audit_head_is_exported_and_verify_expect_finds_a_truncated_log() {
    let d = scratch("audithead");
    let ok = duikou(&d, &["user", "add", "admin", "--password", "password-123"]);
    assert!(ok.status.success(), "{}", text(&ok));
    let key = d.join("duikou.db.audit-key");
    assert!(
        key.exists(),
        "the key is made beside the SQLite database at first start"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let head = duikou(&d, &["audit", "head"]);
    assert!(head.status.success(), "{}", text(&head));
    let first = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let parts: Vec<&str> = first.split(':').collect();
    assert!(
        parts.len() == 3 && parts[1].len() == 64 && parts[2].len() == 64,
        "seq:hash:mac, got {first}"
    );
    assert!(text(&head).contains("保存在数据库之外"), "{}", text(&head));
    std::fs::write(d.join("head.txt"), format!("{first}\n")).unwrap();
    let ok = duikou(&d, &["user", "add", "second", "--password", "password-123"]);
    assert!(ok.status.success(), "{}", text(&ok));
    // an older head, from a file or as text, is still in the chain
    for expect in ["head.txt", first.as_str()] {
        let v = duikou(&d, &["audit", "verify", "--expect", expect]);
        assert!(
            v.status.success() && text(&v).contains("含已导出的日志头"),
            "{}",
            text(&v)
        );
    }
    let later = String::from_utf8_lossy(&duikou(&d, &["audit", "head"]).stdout)
        .trim()
        .to_string();
    // cut the log back to the first head, rewinding the head with its own MAC: the log alone looks whole
    let seq: i64 = parts[0].parse().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = duikou_store::Store::open(&d.join("duikou.db").to_string_lossy()).await.unwrap();
        let arg = [duikou_store::db::Arg::Int(Some(seq))];
        store.db().execute("DELETE FROM audit_events WHERE seq > $1", &arg).await.unwrap();
        store
            .db()
            .execute(
                "UPDATE audit_head SET seq = e.seq, hash = e.hash, mac = e.mac FROM (SELECT seq, hash, mac FROM audit_events WHERE seq = $1) e WHERE id = 1",
                &arg,
            )
            .await
            .unwrap();
        store.db().close().await;
    });
    let v = duikou(&d, &["audit", "verify", "--expect", &later]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(
        text(&v).contains("审计日志比已导出的日志头短：可能被截断") && text(&v).contains("审计校验未通过"),
        "{}",
        text(&v)
    );
    let bad = duikou(&d, &["audit", "verify", "--expect", "12:abc"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad).contains("没有找到审计日志头"), "{}", text(&bad));
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

#[test]
fn templates_yaml_obligations_and_assess() {
    let d = scratch("assess");
    let db = d.join("duikou.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (program, pairing) = rt.block_on(async {
        use duikou_domain::access::Actor;
        use serde_json::json;
        let store = duikou_store::Store::open(&db.to_string_lossy()).await.unwrap();
        let sys = Actor::system();
        let id = |v: serde_json::Value| v["id"].as_i64().unwrap();
        let bureau = id(store.create(&sys, "orgs", &json!({"name": "县教育局", "kind": "government"})).await.unwrap());
        let a = id(store.create(&sys, "orgs", &json!({"name": "城关小学", "kind": "school"})).await.unwrap());
        let b = id(store.create(&sys, "orgs", &json!({"name": "乡镇小学", "kind": "school", "attributes": {"teacher_count": 18}})).await.unwrap());
        let program = id(store
            .create(&sys, "programs", &json!({"name": "校对校帮扶", "authority_org_id": bureau, "calendar": {"kind": "school_year"},
                "start_date": "2013-10-01", "end_date": "2016-08-31", "only_confirmed": false}))
            .await
            .unwrap());
        let pairing = id(store
            .create(&sys, "pairings", &json!({"program_id": program, "supporter_org_id": a, "receiver_org_id": b, "level": "school_school"}))
            .await
            .unwrap());
        store
            .create(&sys, "activities", &json!({"pairing_id": pairing, "kind": "training", "audience": "all_staff", "title": "全员培训", "start_date": "2014-10-11"}))
            .await
            .unwrap();
        store.db().close().await;
        (program, pairing)
    });
    let t = duikou(&d, &["obligation", "templates"]);
    assert!(
        text(&t).contains("school_pairing") && text(&t).contains("livelihood_share"),
        "{}",
        text(&t)
    );
    let p = program.to_string();
    let applied = duikou(
        &d,
        &["obligation", "apply", "--program", &p, "--template", "school_pairing"],
    );
    assert!(text(&applied).contains("已添加 12 项"), "{}", text(&applied));
    let again = duikou(
        &d,
        &["obligation", "apply", "--program", &p, "--template", "school_pairing"],
    );
    assert!(
        text(&again).contains("已添加 0 项"),
        "applying twice adds nothing: {}",
        text(&again)
    );
    let bad = duikou(&d, &["obligation", "apply", "--program", &p, "--template", "nope"]);
    assert!(
        !bad.status.success() && text(&bad).contains("没有模板"),
        "{}",
        text(&bad)
    );
    let list = duikou(&d, &["obligation", "list", "--program", &p]);
    let first_id = String::from_utf8_lossy(&list.stdout)
        .split('\t')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let yaml = duikou(&d, &["obligation", "show", &first_id]);
    let yaml_text = String::from_utf8_lossy(&yaml.stdout).to_string();
    assert!(
        yaml_text.contains("rule:") && yaml_text.contains("distinct_count"),
        "{yaml_text}"
    );
    // round trip: the YAML shown, edited, is accepted back
    let edited = yaml_text
        .replace(
            "每学期支援学校派出管理人员到受援学校挂职不少于1名",
            "每学期派出管理人员（副本）",
        )
        .replace("\nid: ", "\nold_id: ");
    let edited: String = edited
        .lines()
        .filter(|l| !l.starts_with("id:") && !l.starts_with("old_id:"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(d.join("rule.yaml"), edited).unwrap();
    let added = duikou(&d, &["obligation", "add", "rule.yaml"]);
    assert!(added.status.success(), "{}", text(&added));
    std::fs::write(
        d.join("bad.yaml"),
        "title: 坏规则\nprogram_id: 1\nrule:\n  subject: {type: nobody}\n",
    )
    .unwrap();
    let bad = duikou(&d, &["obligation", "add", "bad.yaml"]);
    assert!(!bad.status.success() && text(&bad).contains("rule"), "{}", text(&bad));
    std::fs::write(d.join("broken.yaml"), "title: [unclosed\n").unwrap();
    assert!(text(&duikou(&d, &["obligation", "add", "broken.yaml"])).contains("不是有效的 YAML"));

    let json = duikou(
        &d,
        &[
            "assess",
            "--pairing",
            &pairing.to_string(),
            "--period",
            "2014-2015",
            "--as-of",
            "2015-09-15",
            "--format",
            "json",
        ],
    );
    assert!(json.status.success(), "{}", text(&json));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let results = v[0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .all(|r| ["met", "unmet", "open"].contains(&r["status"].as_str().unwrap()) && r["warning"].is_boolean()));
    let training = results
        .iter()
        .find(|r| r["title"] == "每学年对受援学校教师全员培训一次以上")
        .unwrap();
    assert_eq!(training["status"], "met");
    let teachers = results
        .iter()
        .find(|r| r["title"] == "每学年支援学校派出教师到受援学校任教不少于2名")
        .unwrap();
    assert_eq!(
        (teachers["status"].as_str(), teachers["text"].as_str()),
        (Some("unmet"), Some("2014-2015学年 派出支教教师 0 名，要求不少于 2 名"))
    );
    let csv = duikou(
        &d,
        &[
            "assess",
            "--program",
            &program.to_string(),
            "--period",
            "2014-2015",
            "--as-of",
            "2015-09-15",
            "--format",
            "csv",
        ],
    );
    let csv = String::from_utf8_lossy(&csv.stdout).to_string();
    assert!(
        csv.starts_with("pairing_id,") && csv.contains(",met,") && csv.contains(",unmet,"),
        "{csv}"
    );
    let table = duikou(
        &d,
        &[
            "assess",
            "--program",
            &program.to_string(),
            "--period",
            "2014-2015",
            "--as-of",
            "2015-09-15",
        ],
    );
    assert!(
        text(&table).contains("[未达标]") && text(&table).contains("等次"),
        "{}",
        text(&table)
    );
    let bad_period = duikou(&d, &["assess", "--program", &p, "--period", "2014-2016"]);
    assert!(!bad_period.status.success() && text(&bad_period).contains("期间格式不正确"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn reports_exports_templates_and_imports() {
    let d = scratch("files");
    let db = d.join("duikou.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let pairing = rt.block_on(async {
        use duikou_domain::access::Actor;
        use serde_json::json;
        let store = duikou_store::Store::open(&db.to_string_lossy()).await.unwrap();
        let sys = Actor::system();
        let id = |v: serde_json::Value| v["id"].as_i64().unwrap();
        let hn = id(store.create(&sys, "orgs", &json!({"name": "湖南省", "kind": "government", "region_code": "430000"})).await.unwrap());
        let tlf = id(store.create(&sys, "orgs", &json!({"name": "吐鲁番市", "kind": "government", "region_code": "650400"})).await.unwrap());
        let program = id(store.create(&sys, "programs", &json!({"name": "对口援疆", "authority_org_id": hn, "start_date": "2010-01-01", "only_confirmed": false})).await.unwrap());
        let pairing = id(store
            .create(&sys, "pairings", &json!({"program_id": program, "supporter_org_id": hn, "receiver_org_id": tlf, "level": "province_prefecture", "start_date": "2011-01-01"}))
            .await
            .unwrap());
        let p = id(store
            .create(&sys, "projects", &json!({"pairing_id": pairing, "name": "安居富民工程", "category": "housing", "approved_on": "2011-03-01", "started_on": "2011-04-01"}))
            .await
            .unwrap());
        store
            .create(&sys, "outputs", &json!({"project_id": p, "name": "安居富民房", "unit": "户", "planned": 8640, "started": 9426, "completed": 5780, "as_of": "2012-12-31"}))
            .await
            .unwrap();
        store.db().close().await;
        pairing
    });
    let scope = format!("pairing:{pairing}");
    let md = duikou(
        &d,
        &[
            "report",
            "--scope",
            &scope,
            "--period",
            "2012",
            "--format",
            "md",
            "--as-of",
            "2013-01-01",
            // the project was imported here and nobody confirmed it: counted only when asked to include the pending
            "--pending",
            "include",
        ],
    );
    let text_md = String::from_utf8_lossy(&md.stdout).to_string();
    assert!(md.status.success(), "{}", text(&md));
    assert!(text_md.contains("湖南省对口支援吐鲁番市2012年工作总结"), "{text_md}");
    assert!(
        text_md.contains("安居富民房计划建设8640户，已开工9426户，开工率达109%，竣工5780户，竣工率61%"),
        "{text_md}"
    );
    let docx = duikou(
        &d,
        &[
            "report",
            "--scope",
            &scope,
            "--period",
            "2012",
            "-o",
            "summary.docx",
            "--explain",
            "--pending",
            "include",
        ],
    );
    assert!(docx.status.success(), "{}", text(&docx));
    assert!(
        String::from_utf8_lossy(&docx.stdout).contains("outputs.安居富民房.户.start_rate"),
        "--explain lists figures"
    );
    let bytes = std::fs::read(d.join("summary.docx")).unwrap();
    assert!(bytes.starts_with(b"PK"), "a .docx is a zip");
    let bad_scope = duikou(
        &d,
        &["report", "--scope", "county:1", "--period", "2012", "--format", "md"],
    );
    assert!(!bad_scope.status.success() && text(&bad_scope).contains("范围（scope）"));

    assert!(duikou(&d, &["export", "projects", "-o", "projects.xlsx"])
        .status
        .success());
    let t = duikou(&d, &["template", "activities", "-o", "activities.xlsx"]);
    assert!(t.status.success(), "{}", text(&t));
    assert!(std::fs::read(d.join("activities.xlsx")).unwrap().starts_with(b"PK"));

    std::fs::write(
        d.join("acts.csv"),
        "结对,活动类型,标题,开始日期,人次,金额\n湖南省→吐鲁番市,培训,骨干教师培训,2011年7月1日,３５５,\n湖南省→吐鲁番市,联欢,晚会,2011.13.1,很多,\n",
    )
    .unwrap();
    let bad = duikou(&d, &["import", "activities", "acts.csv"]);
    let out = text(&bad);
    assert!(!bad.status.success(), "{out}");
    assert!(
        out.contains("第3行 活动类型")
            && out.contains("第3行 开始日期")
            && out.contains("第3行 人次")
            && out.contains("未写入任何数据"),
        "{out}"
    );
    std::fs::write(
        d.join("acts.csv"),
        "结对,活动类型,标题,开始日期,人次\n湖南省→吐鲁番市,培训,骨干教师培训,2011年7月1日,３５５\n",
    )
    .unwrap();
    let dry = duikou(&d, &["import", "activities", "acts.csv", "--dry-run"]);
    assert!(
        text(&dry).contains("文件检查通过（未写入）：1 行，将新建 1"),
        "{}",
        text(&dry)
    );
    let ok = duikou(&d, &["import", "activities", "acts.csv"]);
    assert!(text(&ok).contains("已导入：1 行，新建 1"), "{}", text(&ok));
    let again = duikou(&d, &["import", "activities", "acts.csv"]);
    assert!(text(&again).contains("不变 1"), "{}", text(&again));
    std::fs::write(d.join("junk.xlsx"), b"this is not a spreadsheet").unwrap();
    let junk = duikou(&d, &["import", "activities", "junk.xlsx"]);
    assert!(
        !junk.status.success() && text(&junk).contains("junk.xlsx"),
        "{}",
        text(&junk)
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn extract_prints_one_fact_per_line() {
    let d = scratch("extract");
    std::fs::write(
        d.join("summary.txt"),
        "2004年以来，先后分5批派出14名优秀教师，直接授课1500余课时，投入援助资金4.0857亿元。",
    )
    .unwrap();
    let o = duikou(&d, &["extract", "summary.txt"]);
    assert!(o.status.success(), "{}", text(&o));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let quotes: Vec<&str> = lines.iter().filter_map(|l| l["quote"].as_str()).collect();
    assert!(
        quotes.contains(&"14名") && quotes.contains(&"1500余课时") && quotes.contains(&"4.0857亿元"),
        "{quotes:?}"
    );
    assert!(!quotes.iter().any(|q| q.contains("2004")), "years are not quantities");
    let money = lines.iter().find(|l| l["quote"] == "4.0857亿元").unwrap();
    assert_eq!(money["value"], 408570000);
    let table = duikou(&d, &["extract", "summary.txt", "--format", "table"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("1500余课时"));
    std::fs::write(d.join("binary.bin"), [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
    let bad = duikou(&d, &["extract", "binary.bin"]);
    assert!(!bad.status.success() && text(&bad).contains("二进制"), "{}", text(&bad));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn broken_utf8_in_arguments_is_refused_in_chinese() {
    use std::os::unix::ffi::OsStrExt;
    let d = scratch("utf8");
    let bad = std::ffi::OsStr::from_bytes(b"\xff\xfe");
    let o = Command::new(env!("CARGO_BIN_EXE_duikou"))
        .arg("extract")
        .arg(bad)
        .current_dir(&d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("UTF-8"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&d);
}

/// One HTTP/1.1 request to a running `duikou serve`, answered as text (status line, headers, body).
fn http(addr: &str, method: &str, path: &str, bearer: Option<&str>, body: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect to serve");
    let auth = bearer
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n{auth}\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn the_db_file_alone_is_the_database_and_a_running_server_is_never_restored_over() {
    let d = scratch("wal");
    let demo = duikou(&d, &["demo"]);
    assert!(demo.status.success(), "{}", text(&demo));
    // after `demo`, the .db file alone holds everything: a copy of it without the -wal has the demo users (the audit
    // key goes along: it is kept outside the database on purpose)
    let copy = scratch("wal_copy");
    std::fs::copy(d.join("duikou.db"), copy.join("duikou.db")).unwrap();
    std::fs::copy(d.join("duikou.db.audit-key"), copy.join("duikou.db.audit-key")).unwrap();
    let listed = duikou(&copy, &["user", "list"]);
    assert!(text(&listed).contains("xinnong"), "{}", text(&listed));
    let b = duikou(&d, &["backup", "before.db"]);
    assert!(b.status.success(), "{}", text(&b));

    let mut server = Command::new(env!("CARGO_BIN_EXE_duikou"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(&d)
        .env_remove("DUIKOU_DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start serve");
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(server.stdout.take().unwrap()), &mut first).unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("address in {first}"))
        .to_string();

    // restore refuses, even with --force, while the server has the database open
    let r = duikou(&d, &["restore", "--force", "before.db"]);
    assert!(!r.status.success(), "{}", text(&r));
    assert!(text(&r).contains("正在使用中"), "{}", text(&r));

    // a write through the server, then SIGTERM: it stops cleanly with the write in the .db file
    let answer = http(
        &addr,
        "POST",
        "/api/v1/auth/token",
        None,
        r#"{"username": "admin", "password": "duikou-demo"}"#,
    );
    let token = answer
        .split("\"token\":\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("{answer}"))
        .to_string();
    let made = http(
        &addr,
        "POST",
        "/api/v1/users",
        Some(&token),
        r#"{"username": "newcomer", "password": "援疆工作二〇二五年度", "role": "viewer"}"#,
    );
    assert!(made.starts_with("HTTP/1.1 201"), "{made}");
    let term = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "serve ends cleanly on SIGTERM: {status:?}");
    let copy2 = scratch("wal_copy2");
    std::fs::copy(d.join("duikou.db"), copy2.join("duikou.db")).unwrap();
    std::fs::copy(d.join("duikou.db.audit-key"), copy2.join("duikou.db.audit-key")).unwrap();
    let listed = duikou(&copy2, &["user", "list"]);
    assert!(text(&listed).contains("newcomer"), "{}", text(&listed));

    // stopped, the restore goes through
    let r = duikou(&d, &["restore", "--force", "before.db"]);
    assert!(r.status.success(), "{}", text(&r));
    let listed = duikou(&d, &["user", "list"]);
    assert!(!text(&listed).contains("newcomer"), "{}", text(&listed));

    // deactivated from the command line: listed as such, and back
    let off = duikou(&d, &["user", "deactivate", "xinnong"]);
    assert!(
        off.status.success() && text(&off).contains("已停用用户 xinnong"),
        "{}",
        text(&off)
    );
    assert!(text(&duikou(&d, &["user", "list"])).contains("已停用"));
    let on = duikou(&d, &["user", "activate", "xinnong"]);
    assert!(on.status.success(), "{}", text(&on));
    // a weak password is refused from the command line too, naming the field
    let weak = duikou(&d, &["user", "add", "zhangsan", "--password", "1234567890"]);
    assert!(!weak.status.success());
    assert!(text(&weak).contains("密码（password）过于常见"), "{}", text(&weak));
    for dir in [&d, &copy, &copy2] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn export_iati_writes_a_published_program_and_refuses_an_unpublished_one_in_chinese() {
    let d = scratch("iati");
    assert!(duikou(&d, &["demo"]).status.success());
    let ok = duikou(&d, &["export", "iati", "--scope", "program:1", "-o", "p1.xml"]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("6 个 iati-activity"), "{}", text(&ok));
    let xml = std::fs::read_to_string(d.join("p1.xml")).unwrap();
    assert_eq!(xml.matches("<iati-activity ").count(), 6);
    // a plan's aid money is the supporter's commitment when it begins: 浙江's five years, 50.56亿 from 2010
    assert!(
        xml.contains("<value currency=\"CNY\" value-date=\"2010-01-01\">5056000000.00</value>"),
        "{xml}"
    );
    // its yearly plans are within it and not committed again
    assert!(!xml.contains(">4233000000.00</value>"), "{xml}");
    // no public address configured: no document-link; with one (duikou.toml), each activity links its public page
    // and its facts CSV there
    assert!(!xml.contains("document-link"), "{xml}");
    std::fs::write(d.join("duikou.toml"), "public_url = \"https://duikou.example.cn\"\n").unwrap();
    let linked = duikou(&d, &["export", "iati", "--scope", "program:1", "-o", "p1-linked.xml"]);
    assert!(linked.status.success(), "{}", text(&linked));
    let xml = std::fs::read_to_string(d.join("p1-linked.xml")).unwrap();
    assert_eq!(
        xml.matches("<document-link url=\"https://duikou.example.cn/public/pairings/")
            .count(),
        6,
        "{xml}"
    );
    assert_eq!(xml.matches("/facts.csv\" format=\"text/csv\">").count(), 6, "{xml}");
    std::fs::remove_file(d.join("duikou.toml")).unwrap();
    // program 4 of the demo is not published: refused, nothing written
    let no = duikou(&d, &["export", "iati", "--scope", "program:4", "-o", "p4.xml"]);
    assert_eq!(no.status.code(), Some(1));
    assert!(text(&no).contains("计划 4 未公开或不存在"), "{}", text(&no));
    assert!(!d.join("p4.xml").exists());
    let bad = duikou(&d, &["export", "iati", "--scope", "pairing:1", "-o", "x.xml"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad).contains("--scope 应为 program:编号"), "{}", text(&bad));
    let missing = duikou(&d, &["export", "iati", "-o", "x.xml"]);
    assert!(text(&missing).contains("需要 --scope"), "{}", text(&missing));
    let _ = std::fs::remove_dir_all(&d);
}

/// The web's answer to an authenticated GET, as bytes.
async fn web_get(app: &axum::Router, token: &str, uri: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = axum::http::Request::get(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert!(resp.status().is_success(), "{uri}: {}", resp.status());
    resp.into_body().collect().await.unwrap().to_bytes().to_vec()
}

/// Every part of two .xlsx files, by name, but the document properties (which carry the time they were made).
fn workbook_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an .xlsx is a zip");
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name == "docProps/core.xml" {
            continue;
        }
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        parts.push((name, content));
    }
    parts
}

fn part(parts: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, bytes) = parts
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name}"));
    String::from_utf8_lossy(bytes).to_string()
}

#[test]
fn the_command_line_and_the_web_give_the_same_templates_and_exports() {
    let d = scratch("parity");
    let db = d.join("duikou.db");
    let add = duikou(&d, &["user", "add", "admin", "--password", "password-123"]);
    assert!(add.status.success(), "{}", text(&add));
    let token = String::from_utf8_lossy(&duikou(&d, &["user", "token", "admin"]).stdout)
        .trim()
        .to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use duikou_domain::access::Actor;
        use serde_json::json;
        let store = duikou_store::Store::open(&db.to_string_lossy()).await.unwrap();
        let sys = Actor::system();
        let id = |v: serde_json::Value| v["id"].as_i64().unwrap();
        let hn = id(store.create(&sys, "orgs", &json!({"name": "湖南省", "kind": "government", "region_code": "430000"})).await.unwrap());
        let tlf = id(store.create(&sys, "orgs", &json!({"name": "吐鲁番市", "kind": "government", "region_code": "650400"})).await.unwrap());
        let program = id(store.create(&sys, "programs", &json!({"name": "对口援疆", "authority_org_id": hn, "start_date": "2010-01-01"})).await.unwrap());
        store
            .create(&sys, "pairings", &json!({"program_id": program, "supporter_org_id": hn, "receiver_org_id": tlf, "level": "province_prefecture", "start_date": "2011-01-01"}))
            .await
            .unwrap();
        store.db().close().await;
    });
    std::fs::write(
        d.join("acts.csv"),
        "结对,活动类型,标题,开始日期,人次\n湖南省→吐鲁番市,培训,骨干教师培训,2011年7月1日,355\n湖南省→吐鲁番市,交流,考察交流,2012-05-02,12\n",
    )
    .unwrap();
    let imported = duikou(&d, &["import", "activities", "acts.csv"]);
    assert!(text(&imported).contains("已导入：2 行，新建 2"), "{}", text(&imported));

    let mut from_cli: Vec<(String, Vec<u8>)> = Vec::new();
    for entity in duikou_store::import::IMPORTABLE {
        let out = format!("{entity}_template.xlsx");
        let t = duikou(&d, &["template", entity, "-o", &out]);
        assert!(t.status.success(), "{}", text(&t));
        from_cli.push((
            format!("/api/v1/templates/{entity}"),
            std::fs::read(d.join(&out)).unwrap(),
        ));
    }
    for (filters, query) in [(&[][..], ""), (&["--filter", "kind=training"][..], "?kind=training")] {
        let out = format!("export{}.xlsx", from_cli.len());
        let mut args = vec!["export", "activities", "-o", &out];
        args.extend(filters);
        let e = duikou(&d, &args);
        assert!(e.status.success(), "{}", text(&e));
        from_cli.push((
            format!("/api/v1/exports/activities{query}"),
            std::fs::read(d.join(&out)).unwrap(),
        ));
    }

    rt.block_on(async {
        let store = duikou_store::Store::open(&db.to_string_lossy()).await.unwrap();
        let app = duikou_web::app(duikou_web::AppState::new(store.clone()));
        for (uri, cli) in &from_cli {
            let web = web_get(&app, &token, uri).await;
            let (cli, web) = (workbook_parts(cli), workbook_parts(&web));
            assert_eq!(
                cli.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                web.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                "{uri}"
            );
            for ((name, a), (_, b)) in cli.iter().zip(&web) {
                assert!(a == b, "{uri}: {name} differs between the command line and the web");
            }
            let (book, strings) = (part(&cli, "xl/workbook.xml"), part(&cli, "xl/sharedStrings.xml"));
            if uri.contains("templates") {
                // the sheet to fill in first (the one the importer reads), the example beside it
                assert!(book.contains(duikou_app::EXAMPLE_SHEET), "{uri}: {book}");
            } else if uri.contains("training") {
                assert!(
                    strings.contains("骨干教师培训") && !strings.contains("考察交流"),
                    "{uri}: {strings}"
                );
            } else {
                assert!(
                    strings.contains("骨干教师培训") && strings.contains("考察交流"),
                    "{uri}: {strings}"
                );
            }
        }
        store.db().close().await;
    });
    let _ = std::fs::remove_dir_all(&d);
}
