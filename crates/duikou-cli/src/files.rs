//! `duikou report`, `export`, `template` and `import`: documents and spreadsheets to and from files.

use anyhow::Context;
use duikou_app::{App, DocFormat, ImportMode, ReportRequest};
use duikou_domain::access::Actor;
use duikou_store::summary::Scope;

/// Output formats of `report`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ReportFormat {
    /// Word 文档
    Docx,
    /// Markdown
    Md,
    /// 网页 HTML
    Html,
}

/// What `report` was asked for.
pub struct ReportArgs<'a> {
    /// pairing:1, program:2 …
    pub scope: &'a str,
    /// The period in its written form.
    pub period: &'a str,
    /// Judge obligations as of this day.
    pub as_of: chrono::NaiveDate,
    /// Output format.
    pub format: ReportFormat,
    /// Output file, or standard output.
    pub out: Option<&'a str>,
    /// List the records behind every figure.
    pub explain: bool,
    /// Write a briefing with this issue number instead of a summary.
    pub briefing: Option<u32>,
    /// How facts awaiting confirmation enter it.
    pub pending: duikou_summary::Pending,
}

/// Writes the 工作总结 (or 简报) of a scope and period.
pub async fn report(app: &App, args: ReportArgs<'_>) -> anyhow::Result<()> {
    let ReportArgs {
        scope,
        period,
        as_of,
        format,
        out,
        explain,
        briefing,
        pending,
    } = args;
    let scope: Scope = scope.parse()?;
    let period: duikou_domain::Period = period.parse().map_err(|e| anyhow::anyhow!("--period：{e}"))?;
    let request = ReportRequest {
        scope,
        period,
        as_of,
        pending,
        briefing,
    };
    let report = app.report(&request).await?;
    let file = report.file(match format {
        ReportFormat::Docx => DocFormat::Docx,
        ReportFormat::Md => DocFormat::Markdown,
        ReportFormat::Html => DocFormat::Html,
    })?;
    match out {
        Some(path) => {
            std::fs::write(path, &file.bytes).with_context(|| format!("无法写入 {path}"))?;
            eprintln!("已生成 {path}（{} 字节）：{}", file.bytes.len(), report.document.title);
        }
        None if matches!(format, ReportFormat::Docx) => anyhow::bail!("docx 须用 -o 指定输出文件"),
        None => print!("{}", String::from_utf8_lossy(&file.bytes)),
    }
    if explain {
        for f in report.figures {
            let ids: Vec<String> = f.records.iter().map(|(e, i)| format!("{e}#{i}")).collect();
            println!("{}\t{}\t{}\t{}", f.key, f.label, f.value, ids.join(","));
        }
    }
    Ok(())
}

/// The entity named on the command line; an unknown one is refused with the list of those there are.
fn check_entity(entity: &str) -> anyhow::Result<()> {
    match duikou_domain::schema::entity(entity) {
        Some(_) => Ok(()),
        None => {
            let names: Vec<&str> = duikou_domain::schema::ENTITIES.iter().map(|e| e.name).collect();
            anyhow::bail!("没有“{entity}”这种记录，可用：{}", names.join("、"))
        }
    }
}

/// Writes every record of an entity that passes the `字段=值` filters to .xlsx.
pub async fn export(app: &App, entity: &str, filters: &[String], out: &str) -> anyhow::Result<()> {
    check_entity(entity)?;
    let pairs = filters
        .iter()
        .map(|f| {
            f.split_once('=')
                .ok_or_else(|| anyhow::anyhow!("--filter 应为 字段=值，收到“{f}”"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let exported = app.export(entity, pairs).await?;
    std::fs::write(out, &exported.file.bytes).with_context(|| format!("无法写入 {out}"))?;
    eprintln!("已导出{} {} 条到 {out}", exported.label, exported.records);
    Ok(())
}

/// Writes an import template: the sheet to fill in, and an example beside it.
pub fn template(entity: &str, out: &str) -> anyhow::Result<()> {
    let file = duikou_app::template(entity)?;
    std::fs::write(out, file.bytes).with_context(|| format!("无法写入 {out}"))?;
    eprintln!("已生成导入模板 {out}");
    Ok(())
}

/// Imports a file, read row by row (never whole); returns false when it had problems (nothing written then).
pub async fn import(app: &App, entity: &str, file: &str, dry_run: bool) -> anyhow::Result<bool> {
    let size = std::fs::File::open(file)
        .and_then(|f| f.metadata())
        .with_context(|| format!("无法读取 {file}"))?
        .len();
    let bar = (size > 1024 * 1024).then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_message(format!(
            "正在{}（{} MB）…",
            if dry_run { "检查" } else { "导入" },
            size / (1024 * 1024)
        ));
        b.enable_steady_tick(std::time::Duration::from_millis(200));
        b
    });
    let mode = if dry_run { ImportMode::Check } else { ImportMode::Write };
    let report = app
        .import(&Actor::system(), entity, std::path::Path::new(file), file, mode)
        .await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let report = report?;
    if report.problems.is_empty() {
        let verb = if dry_run {
            "文件检查通过（未写入）"
        } else {
            "已导入"
        };
        println!("{verb}：{}", duikou_app::counts_zh(&report));
        Ok(true)
    } else {
        println!(
            "导入失败，未写入任何数据。共 {} 处问题：",
            report.problems.len() + report.more_problems
        );
        for p in &report.problems {
            let value = if p.value.is_empty() {
                String::new()
            } else {
                format!("（“{}”）", p.value)
            };
            println!("  第{}行 {}{}：{}", p.row, p.column, value, p.message);
        }
        if report.more_problems > 0 {
            println!(
                "  另有 {} 处问题未列出（只列出前 {} 处）",
                report.more_problems,
                report.problems.len()
            );
        }
        Ok(false)
    }
}
