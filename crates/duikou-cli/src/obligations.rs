//! `duikou obligation`: obligations as readable YAML, built-in templates, and applying them to a program.

use anyhow::Context;
use duikou_domain::access::Actor;
use duikou_store::Store;
use serde_json::Value;

/// `obligation` subcommands.
#[derive(clap::Subcommand)]
pub enum ObligationCommand {
    /// 列出内置模板 / list the built-in templates
    Templates,
    /// 把模板加到计划上 / apply a template to a program
    Apply {
        /// 计划编号 / program id
        #[arg(long)]
        program: i64,
        /// 模板代码 / template code
        #[arg(long)]
        template: String,
        /// 分配任务：键:单位编号:年度，可多次 / assign a task: key:org_id:year (repeatable)
        #[arg(long = "assign")]
        assign: Vec<String>,
    },
    /// 列出计划的目标任务 / list a program's obligations
    List {
        /// 计划编号 / program id
        #[arg(long)]
        program: i64,
    },
    /// 以 YAML 显示一项目标任务 / show an obligation as YAML
    Show {
        /// 编号 / obligation id
        id: i64,
    },
    /// 从 YAML 文件新建目标任务 / add an obligation from a YAML file
    Add {
        /// YAML 文件 / YAML file
        file: String,
    },
}

/// Runs an `obligation` subcommand as the system.
pub async fn run(cmd: ObligationCommand, store: &Store) -> anyhow::Result<()> {
    let system = Actor::system();
    match cmd {
        ObligationCommand::Templates => {
            for t in duikou_domain::templates::templates() {
                println!("{}　{}\n  {}", t.code, t.name, t.description);
                for i in &t.items {
                    let assigned = if i.assigned {
                        "（须分配单位和年度）"
                    } else {
                        ""
                    };
                    println!("  - {}：{}{assigned}", i.key, i.title);
                }
                println!();
            }
        }
        ObligationCommand::Apply {
            program,
            template,
            assign,
        } => {
            let mut assignments = Vec::new();
            for a in &assign {
                let parts: Vec<&str> = a.split(':').collect();
                let parsed =
                    match parts.as_slice() {
                        [key, org, year] => org.parse().ok().zip(year.parse().ok()).map(|(org_id, year)| {
                            duikou_store::assess::Assignment {
                                key: key.to_string(),
                                org_id,
                                year,
                            }
                        }),
                        _ => None,
                    };
                assignments.push(parsed.ok_or_else(|| anyhow::anyhow!("--assign 应为 键:单位编号:年度，收到“{a}”"))?);
            }
            let created = store.apply_template(&system, program, &template, &assignments).await?;
            println!("已添加 {} 项目标任务", created.len());
            for o in created {
                println!("  {}\t{}", o["id"], o["title"].as_str().unwrap_or(""));
            }
        }
        ObligationCommand::List { program } => {
            for o in store.list_all("obligations", "program_id", program).await? {
                println!(
                    "{}\t权重 {}\t{}",
                    o["id"],
                    o["weight"],
                    o["title"].as_str().unwrap_or("")
                );
            }
        }
        ObligationCommand::Show { id } => {
            let o = store.get("obligations", id).await?;
            print!("{}", to_yaml(&o)?);
        }
        ObligationCommand::Add { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("无法读取 {file}（须为 UTF-8 文本）"))?;
            let input: Value =
                serde_norway::from_str(&text).map_err(|e| anyhow::anyhow!("{file} 不是有效的 YAML：{e}"))?;
            let o = store.create(&system, "obligations", &input).await?;
            println!("已新建目标任务 {}：{}", o["id"], o["title"].as_str().unwrap_or(""));
        }
    }
    Ok(())
}

/// An obligation as YAML, system fields first dropped.
fn to_yaml(o: &Value) -> anyhow::Result<String> {
    let mut v = o.clone();
    if let Some(m) = v.as_object_mut() {
        for k in ["version", "created_at", "updated_at"] {
            m.remove(k);
        }
        m.retain(|_, v| !v.is_null());
    }
    Ok(serde_norway::to_string(&v)?)
}
