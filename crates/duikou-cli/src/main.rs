//! `duikou`: the one binary — the web server and JSON API, and CLI verbs for everything a script needs.

mod assess;
mod config;
mod files;
mod iati;
mod obligations;

use anyhow::Context;
use clap::{Parser, Subcommand};
use config::Config;
use duikou_domain::access::Actor;
use duikou_store::accounts::NewUser;
use duikou_store::Store;
use std::process::ExitCode;

// jemalloc (configured in .cargo/config.toml): a background thread hands memory back to the system a quarter of a
// second after it was freed. Against glibc's allocator on the national record (BENCHMARKS.md, session 19, with a
// second): 5 s after program 4's whole-term summary `serve` holds 83–93 MB, not 298–314 MB; its peak is 296–327 MB
// against 347–364 MB; the JSON API answers 65–71 k req/s against 55–65 k; an import of 1 M rows runs at 9 016 rows/s
// against 7 191. (mimalloc, used from session 4 to 16, held more than either.) Built without the `jemalloc` feature,
// it runs on the system's allocator, whose calls a heap profiler such as heaptrack sees.
#[cfg(feature = "jemalloc")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "duikou",
    version,
    about = "对口支援工作平台 / counterpart-assistance platform"
)]
struct Cli {
    /// 配置文件（默认 ./duikou.toml，可选）/ config file
    #[arg(long, global = true)]
    config: Option<String>,
    /// 数据库：SQLite 文件路径或 postgres:// URL（覆盖 DUIKOU_DATABASE_URL）/ database path or URL
    #[arg(long, global = true)]
    database: Option<String>,
    /// 日志级别 / log level (e.g. info, debug)
    #[arg(long, global = true)]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 启动网页与 JSON 接口服务 / run the web server and JSON API
    Serve {
        /// 监听地址 / listen address
        #[arg(long)]
        addr: Option<String>,
        /// 数据库为空时先载入示例数据 / load the demo record first if the database is empty
        #[arg(long)]
        demo: bool,
    },
    /// 创建或升级数据库结构 / create or upgrade the database schema
    Migrate,
    /// 向空数据库载入示例数据（来自九篇工作总结）；加 --scale 则生成大规模合成数据 / load the demo record, or with
    /// --scale a synthetic record at scale (1.0 ≈ 2 000 pairings, 5 000 000 activities)
    Demo {
        /// 合成数据规模（1.0 约为 2000 个结对、500 万条活动）；不给则载入九篇示例 / synthetic scale
        #[arg(long)]
        scale: Option<f64>,
        /// 随机种子：同一种子与规模生成相同的数据 / random seed (same seed and scale → same rows)
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// 数据库已有记录时仍写入合成数据 / write the synthetic record even if the database holds records
        #[arg(long)]
        force: bool,
    },
    /// 用户与令牌管理 / users and API tokens
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// 联机备份 SQLite 数据库 / consistent online backup of the SQLite database
    Backup {
        /// 备份文件 / backup file to write
        file: String,
    },
    /// 从备份恢复 SQLite 数据库（服务须已停止）/ restore the SQLite database from a backup (server stopped)
    Restore {
        /// 备份文件 / backup file to read
        file: String,
        /// 覆盖已有数据库 / overwrite an existing database
        #[arg(long)]
        force: bool,
    },
    /// 评估目标任务完成情况 / evaluate obligations: met, unmet, open, warnings, score
    Assess {
        /// 计划编号 / program id
        #[arg(long, required_unless_present = "pairing")]
        program: Option<i64>,
        /// 只评估一个结对 / one pairing only
        #[arg(long)]
        pairing: Option<i64>,
        /// 期间，如 2014-2015、2014-2015S1、2014、term / period
        #[arg(long)]
        period: Option<String>,
        /// 评估日期（默认今天）/ judge as of this date (YYYY-MM-DD)
        #[arg(long)]
        as_of: Option<String>,
        /// 输出格式 / output format
        #[arg(long, value_enum, default_value = "table")]
        format: assess::Format,
    },
    /// 从旧工作总结中抽取数字事实 / extract every quantified fact from a report (.txt, .docx)
    Extract {
        /// 文件（UTF-8/GBK 文本或 .docx）/ file
        file: String,
        /// 输出格式 / output format
        #[arg(long, value_enum, default_value = "jsonl")]
        format: ExtractFormat,
    },
    /// 生成工作总结 / write the work summary of a scope and period
    Report {
        /// 范围：pairing:编号、program:编号、org:编号、region:区划代码 / scope
        #[arg(long)]
        scope: String,
        /// 期间，如 2014、2014-2015、2014-2015S1 / period
        #[arg(long)]
        period: String,
        /// 格式 / format
        #[arg(long, value_enum, default_value = "docx")]
        format: files::ReportFormat,
        /// 输出文件 / output file
        #[arg(short, long)]
        output: Option<String>,
        /// 列出每个数字的依据记录 / list the records behind every figure
        #[arg(long)]
        explain: bool,
        /// 改为生成简报，给出期号 / write a briefing (简报) with this issue number instead
        #[arg(long)]
        briefing: Option<u32>,
        /// 评估日期（默认今天）/ judge obligations as of this date
        #[arg(long)]
        as_of: Option<String>,
        /// 待受援方确认的记录：include 计入、separate 不计入合计并单列（默认）、omit 不写 / facts awaiting confirmation
        #[arg(long, default_value = "separate", value_parser = |s: &str| s.parse::<duikou_summary::Pending>())]
        pending: duikou_summary::Pending,
    },
    /// 导出为 Excel；`export iati --scope program:ID` 导出 IATI 2.03 XML / export a list to .xlsx, or a published
    /// program as IATI 2.03 XML
    Export {
        /// 记录类型，如 activities；或 iati / entity, or iati
        entity: String,
        /// 导出 iati 时的范围：program:编号 / the scope of an iati export: program:ID
        #[arg(long)]
        scope: Option<String>,
        /// 输出文件 / output file
        #[arg(short, long)]
        output: String,
        /// 筛选 字段=值，可多次 / filter field=value (repeatable)
        #[arg(long = "filter")]
        filters: Vec<String>,
    },
    /// 下载导入模板 / write an import template (.xlsx)
    Template {
        /// 记录类型 / entity
        entity: String,
        /// 输出文件 / output file
        #[arg(short, long)]
        output: String,
    },
    /// 从 Excel/CSV 导入（全部成功或全部不写）/ import .xlsx or .csv, all or nothing
    Import {
        /// 记录类型：orgs、pairings、projects、transactions、dispatches、activities、indicator_values、people
        entity: String,
        /// 文件 / file
        file: String,
        /// 只检查不写入 / check only
        #[arg(long)]
        dry_run: bool,
    },
    /// 目标任务（YAML）与内置模板 / obligations as YAML, built-in templates
    Obligation {
        #[command(subcommand)]
        action: obligations::ObligationCommand,
    },
    /// 审计日志 / audit log
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// 行政区划：载入一个县的乡镇、街道 / regions: load a county's towns and streets
    Regions {
        #[command(subcommand)]
        action: RegionCommand,
    },
}

#[derive(Subcommand)]
enum RegionCommand {
    /// 载入一个县（区、市）的乡镇、街道（国家统计局统计用区划代码），并列出 / load and list a county's towns
    Towns {
        /// 县级区划的名称、曾用名或 6 位代码，如“绵竹市” / the county's name, former name or code
        county: String,
    },
}

/// Output of `extract`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ExtractFormat {
    /// JSON Lines, one fact per line
    Jsonl,
    /// 对齐的表格 / an aligned table
    Table,
}

#[derive(Subcommand)]
enum UserCommand {
    /// 新建用户 / add a user
    Add {
        /// 用户名 / username
        username: String,
        /// 角色 / role: admin, coordinator, supporter_editor, receiver_editor, viewer
        #[arg(long, default_value = "admin")]
        role: String,
        /// 密码（或用环境变量 DUIKOU_PASSWORD）/ password (or DUIKOU_PASSWORD)
        #[arg(long, env = "DUIKOU_PASSWORD", hide_env_values = true)]
        password: String,
        /// 显示名称 / display name
        #[arg(long)]
        name: Option<String>,
        /// 所属单位编号，可多次给出 / org id the role is scoped to (repeatable)
        #[arg(long = "org")]
        orgs: Vec<i64>,
    },
    /// 列出用户 / list users
    List,
    /// 重设密码 / set a password
    Passwd {
        /// 用户名 / username
        username: String,
        /// 新密码 / new password
        #[arg(long, env = "DUIKOU_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// 为用户签发 API 令牌 / issue an API token
    Token {
        /// 用户名 / username
        username: String,
        /// 令牌名称 / token name
        #[arg(long, default_value = "cli")]
        name: String,
        /// 有效天数（1–366）/ days the token lasts
        #[arg(long, default_value_t = duikou_store::accounts::TOKEN_DAYS)]
        days: i64,
    },
    /// 停用用户（不删除；其会话与令牌随即失效）/ deactivate a user (kept; its sessions and tokens end)
    Deactivate {
        /// 用户名 / username
        username: String,
    },
    /// 重新启用用户 / activate a user again
    Activate {
        /// 用户名 / username
        username: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// 校验哈希链、签名，并逐行核对数据表 / verify the chain, its MACs and every data table against it
    Verify {
        /// 先前用 audit head 导出的日志头（字符串或文件路径），检查日志仍含该日志头 / a head exported by
        /// `audit head` (the text or a file holding it): the chain must still hold it at its position
        #[arg(long)]
        expect: Option<String>,
    },
    /// 输出当前日志头（序号:哈希:签名），请保存在数据库之外 / print the head (seq:hash:mac) to keep outside
    /// the database
    Head,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let prefix = match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => "",
                ErrorKind::InvalidUtf8 => "错误：参数含有无效的 UTF-8 编码。\n",
                ErrorKind::InvalidValue | ErrorKind::ValueValidation => "错误：参数值无效。\n",
                ErrorKind::UnknownArgument | ErrorKind::InvalidSubcommand => "错误：未知的参数或子命令。\n",
                ErrorKind::MissingRequiredArgument | ErrorKind::MissingSubcommand => "错误：缺少必需的参数。\n",
                _ => "错误：命令行参数有误。\n",
            };
            eprint!("{prefix}");
            let _ = e.print();
            return ExitCode::from(if prefix.is_empty() { 0 } else { 2 });
        }
    };
    let mut cfg = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("错误：{e:#}");
            return ExitCode::from(2);
        }
    };
    if let Some(db) = &cli.database {
        cfg.database_url = db.clone();
    }
    if let Some(l) = &cli.log {
        cfg.log = l.clone();
    }
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&cfg.log).unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli.command, cfg)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(cfg: &Config) -> anyhow::Result<Store> {
    Store::open_with(&cfg.database_url, &cfg.keys()?)
        .await
        .with_context(|| format!("无法打开数据库 {}", config::redact(&cfg.database_url)))
}

/// Ends `serve` on Ctrl-C (SIGINT) or, on Unix, SIGTERM (what `systemctl stop` and `docker stop` send).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Closes a store on a clean exit: on SQLite the write-ahead log is first folded into the database file, so the
/// `.db` file alone holds everything (a copy of it is the database).
async fn close(store: &Store) {
    match store.db().checkpoint().await {
        Ok(true) => {}
        Ok(false) => tracing::warn!("the write-ahead log could not be folded in completely (a reader was busy)"),
        Err(e) => tracing::warn!(error = %e, "checkpoint failed"),
    }
    store.db().close().await;
}

async fn run(command: Command, cfg: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { addr, demo } => {
            let store = open(&cfg).await?;
            if demo && store.is_empty().await? {
                let n = duikou_demo::load(&store).await.context("载入示例数据失败")?;
                eprintln!(
                    "已载入示例数据：{n} 条记录。示例账户见 README.md（密码均为 {}）",
                    duikou_demo::DEMO_PASSWORD
                );
            }
            let addr = addr.unwrap_or(cfg.addr.clone());
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .with_context(|| format!("无法监听 {addr}"))?;
            let local = listener.local_addr()?;
            println!(
                "duikou 已启动：http://{local}/  （数据库：{}）",
                config::redact(&cfg.database_url)
            );
            duikou_web::log_panics_briefly();
            // the day's obligation status made ahead of the first reader (it is checked against the log anyway)
            tokio::spawn(store.clone().refresh_every_day());
            let demo_accounts: Vec<(&'static str, &'static str)> = if demo {
                duikou_demo::DEMO_ACCOUNTS
                    .iter()
                    .map(|(u, _, who)| (*u, *who))
                    .collect()
            } else {
                Vec::new()
            };
            let state = duikou_web::AppState {
                session_hours: cfg.session_hours,
                secure_cookies: cfg.secure_cookies,
                demo_accounts: demo_accounts.into(),
                public_url: cfg.public_url.as_deref().map(Into::into),
                ..duikou_web::AppState::new(store.clone())
            };
            // the client's address is the key of the per-address login throttle
            let app = duikou_web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, app).with_graceful_shutdown(stop_signal()).await?;
            eprintln!("正在停止：把预写日志并入数据库文件……");
            close(&store).await;
        }
        Command::Migrate => {
            close(&open(&cfg).await?).await;
            println!("数据库结构已是最新：{}", config::redact(&cfg.database_url));
        }
        Command::Demo {
            scale: Some(scale),
            seed,
            force,
        } => {
            let store = open(&cfg).await?;
            let result = synth(&store, scale, seed, force).await;
            close(&store).await;
            result?
        }
        Command::Demo { scale: None, .. } => {
            let store = open(&cfg).await?;
            if !store.is_empty().await? {
                anyhow::bail!("数据库中已有计划记录，示例数据只载入空数据库");
            }
            let n = duikou_demo::load(&store).await.context("载入示例数据失败")?;
            close(&store).await;
            println!(
                "已载入示例数据：{n} 条记录。示例账户密码均为 {}",
                duikou_demo::DEMO_PASSWORD
            );
        }
        Command::User { action } => {
            let store = open(&cfg).await?;
            let result = user(action, &store).await;
            close(&store).await;
            result?
        }
        Command::Backup { file } => {
            let store = open(&cfg).await?;
            match store.backup_to(&file).await? {
                duikou_store::backup::Backup::Written(bytes) => println!("已备份到 {file}（{bytes} 字节）"),
                duikou_store::backup::Backup::UsePgDump(advice) => println!("{advice}"),
            }
        }
        Command::Restore { file, force } => {
            duikou_store::backup::restore_sqlite(&file, &cfg.database_url, force, &cfg.keys()?).await?;
            println!("已从 {file} 恢复到 {}", cfg.database_url);
        }
        Command::Report {
            scope,
            period,
            format,
            output,
            explain,
            as_of,
            briefing,
            pending,
        } => {
            let as_of = match as_of {
                Some(d) => duikou_domain::validate::parse_date(&d)
                    .ok_or_else(|| anyhow::anyhow!("--as-of 应为 YYYY-MM-DD，收到“{d}”"))?,
                None => chrono::Utc::now().date_naive(),
            };
            let store = open(&cfg).await?;
            let out = output.as_deref();
            let args = files::ReportArgs {
                scope: &scope,
                period: &period,
                as_of,
                format,
                out,
                explain,
                briefing,
                pending,
            };
            files::report(&duikou_app::App::new(store), args).await?;
        }
        Command::Export {
            entity,
            scope,
            output,
            filters,
        } if entity == "iati" => {
            if !filters.is_empty() {
                anyhow::bail!("导出 IATI 不接受 --filter：范围用 --scope program:编号");
            }
            iati::export(&open(&cfg).await?, scope.as_deref(), &output, cfg.public_url.as_deref()).await?
        }
        Command::Export {
            entity,
            scope,
            output,
            filters,
        } => {
            if scope.is_some() {
                anyhow::bail!("--scope 只用于 export iati；导出 {entity} 请用 --filter 字段=值");
            }
            files::export(&duikou_app::App::new(open(&cfg).await?), &entity, &filters, &output).await?
        }
        Command::Template { entity, output } => files::template(&entity, &output)?,
        Command::Import { entity, file, dry_run } => {
            let app = duikou_app::App::new(open(&cfg).await?);
            let done = files::import(&app, &entity, &file, dry_run).await;
            close(app.store()).await;
            if !done? {
                anyhow::bail!("导入未完成：请按上面的提示修改文件后重试");
            }
        }
        Command::Extract { file, format } => {
            let bytes = std::fs::read(&file).with_context(|| format!("无法读取 {file}"))?;
            let text = duikou_text::decode(&bytes).map_err(|e| anyhow::anyhow!("{file}：{e}"))?;
            let facts = duikou_text::extract(&text);
            match format {
                ExtractFormat::Jsonl => print!("{}", duikou_text::to_jsonl(&facts)),
                ExtractFormat::Table => print!("{}", duikou_text::to_table(&facts)),
            }
        }
        Command::Obligation { action } => obligations::run(action, &open(&cfg).await?).await?,
        Command::Assess {
            program,
            pairing,
            period,
            as_of,
            format,
        } => {
            let period = period
                .map(|p| p.parse::<duikou_domain::Period>())
                .transpose()
                .map_err(|e| anyhow::anyhow!("--period：{e}"))?;
            let as_of = match as_of {
                Some(d) => duikou_domain::validate::parse_date(&d)
                    .ok_or_else(|| anyhow::anyhow!("--as-of 应为 YYYY-MM-DD，收到“{d}”"))?,
                None => chrono::Utc::now().date_naive(),
            };
            let store = open(&cfg).await?;
            let items = match (pairing, program) {
                (Some(p), _) => vec![store.assess_pairing(p, period.as_ref(), as_of).await?],
                (None, Some(p)) => store.assess_program(p, period.as_ref(), as_of).await?,
                (None, None) => anyhow::bail!("请给出 --program 或 --pairing"),
            };
            print!("{}", assess::render(&items, format)?);
        }
        Command::Regions {
            action: RegionCommand::Towns { county },
        } => {
            let store = open(&cfg).await?;
            let loaded = store.load_towns(&Actor::system(), &county).await?;
            let code = store.resolve_region(&county).await?.unwrap_or_default();
            let mut q = duikou_store::ListQuery::default();
            q.filters.insert("parent_code".into(), code);
            let towns = store.list_every("regions", &q).await?;
            for t in &towns {
                println!(
                    "{}\t{}",
                    t["code"].as_str().unwrap_or(""),
                    t["name"].as_str().unwrap_or("")
                );
            }
            eprintln!("{county}：乡镇、街道 {} 个（本次载入 {loaded} 个）", towns.len());
        }
        Command::Audit {
            action: AuditCommand::Head,
        } => {
            let store = open(&cfg).await?;
            let head = store.audit_head().await?;
            println!("{head}");
            eprintln!(
                "审计日志头：第 {} 条事件。请把上面一行保存在数据库之外（纸面、另一台机器），日后用 \
                 duikou audit verify --expect 核对日志未被截断或重写",
                head.seq
            );
        }
        Command::Audit {
            action: AuditCommand::Verify { expect },
        } => {
            let expect = match expect {
                Some(x) => {
                    let text = if std::path::Path::new(&x).is_file() {
                        std::fs::read_to_string(&x).with_context(|| format!("无法读取日志头文件 {x}"))?
                    } else {
                        x
                    };
                    Some(duikou_domain::audit::HeadMark::find(&text).map_err(|e| anyhow::anyhow!("--expect：{e}"))?)
                }
                None => None,
            };
            let store = open(&cfg).await?;
            let started = std::time::Instant::now();
            let v = store.audit_verify_against(expect.as_ref()).await?;
            let secs = started.elapsed().as_secs_f64();
            let rate = (v.rows as f64 + v.events as f64) / secs.max(0.001);
            if v.ok() {
                println!(
                    "审计日志完整：{} 条事件，哈希链无误，签名有效；数据表 {} 行均与审计日志一致{}（用时 {secs:.1} 秒，每秒 {rate:.0} 条）",
                    v.events,
                    v.rows,
                    if expect.is_some() { "；含已导出的日志头" } else { "" }
                );
            } else {
                for p in &v.problems {
                    println!("{p}");
                }
                if v.problem_count > v.problems.len() as i64 {
                    println!("……另有 {} 处不符未逐条列出", v.problem_count - v.problems.len() as i64);
                }
                anyhow::bail!(
                    "审计校验未通过：发现 {} 处不符（已检查 {} 条事件、{} 行数据）",
                    v.problem_count,
                    v.events,
                    v.rows
                );
            }
        }
    }
    Ok(())
}

async fn user(action: UserCommand, store: &Store) -> anyhow::Result<()> {
    let system = Actor::system();
    match action {
        UserCommand::Add {
            username,
            role,
            password,
            name,
            orgs,
        } => {
            let u = store
                .create_user(
                    &system,
                    &NewUser {
                        username,
                        display_name: name,
                        password,
                        role,
                        org_ids: orgs,
                    },
                )
                .await?;
            println!("已创建用户 {}（编号 {}，角色 {}）", u.username, u.id, u.role);
        }
        UserCommand::List => {
            for u in store.list_users(&system).await? {
                println!(
                    "{}\t{}\t{}\t{}\t单位 {:?}{}",
                    u.id,
                    u.username,
                    u.display_name,
                    u.role,
                    u.org_ids,
                    if u.active { "" } else { "\t已停用" }
                );
            }
        }
        UserCommand::Passwd { username, password } => {
            store.set_password(&system, &username, &password).await?;
            println!("已重设 {username} 的密码，其登录会话与 API 令牌已失效");
        }
        UserCommand::Token { username, name, days } => {
            let id = user_id(store, &username).await?;
            let t = store.create_token_for(id, &name, days).await?;
            println!("{}", t.token);
            eprintln!(
                "令牌编号 {}，有效期至 {}",
                t.id,
                t.expires_at.format("%Y-%m-%d %H:%M UTC")
            );
        }
        UserCommand::Deactivate { username } => {
            let u = store
                .set_active(&system, user_id(store, &username).await?, false)
                .await?;
            println!("已停用用户 {}：不能再登录，其会话与 API 令牌已失效", u.username);
        }
        UserCommand::Activate { username } => {
            let u = store
                .set_active(&system, user_id(store, &username).await?, true)
                .await?;
            println!("已重新启用用户 {}", u.username);
        }
    }
    Ok(())
}

async fn user_id(store: &Store, username: &str) -> anyhow::Result<i64> {
    store
        .user_id(username)
        .await?
        .ok_or_else(|| anyhow::anyhow!("找不到用户“{username}”"))
}

/// `duikou demo --scale`: the synthetic record, with a progress bar per stage.
async fn synth(store: &Store, scale: f64, seed: u64, force: bool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:8} [{bar:40}] {pos}/{len} 行 {per_sec} 剩余 {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut stage = "";
    let opts = duikou_synth::Options { scale, seed, force };
    let result = duikou_synth::generate(store, &opts, &mut |p| {
        if p.stage != stage {
            stage = p.stage;
            bar.reset();
            bar.set_message(p.stage);
        }
        bar.set_length(p.total.max(p.done));
        bar.set_position(p.done);
    })
    .await;
    bar.finish_and_clear();
    let counts = match result {
        Ok(c) => c,
        Err(e @ duikou_synth::SynthError::NotEmpty(_)) => anyhow::bail!("{e}"),
        Err(e) => return Err(anyhow::Error::new(e).context("生成合成数据失败，数据库未作任何改动")),
    };
    let secs = started.elapsed().as_secs_f64();
    println!("已写入合成数据（规模 {scale}，种子 {seed}）：");
    for (table, n) in counts.rows() {
        println!("  {table:<18} {n:>12}");
    }
    println!(
        "共 {} 行，用时 {secs:.1} 秒（{:.0} 行/秒）",
        counts.total(),
        counts.total() as f64 / secs.max(1e-9)
    );
    Ok(())
}
