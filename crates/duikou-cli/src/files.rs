//! `duikou report`, `export`, `template` and `import`: documents and spreadsheets to and from files.

use anyhow::Context;
use duikou_domain::access::Actor;
use duikou_store::import::{person_columns, IMPORTABLE};
use duikou_store::summary::Scope;
use duikou_store::{ListQuery, Store};

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
pub async fn report(store: &Store, args: ReportArgs<'_>) -> anyhow::Result<()> {
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
    let mut input = store.summary_input(&scope, &period, as_of).await?;
    input.pending = pending;
    let (doc, figures) = match briefing {
        Some(issue) => duikou_summary::briefing::briefing(&input, issue),
        None => duikou_summary::build(&input)?,
    };
    let bytes = match format {
        ReportFormat::Docx => duikou_report::docx(&doc).map_err(|e| anyhow::anyhow!("{e}"))?,
        ReportFormat::Md => duikou_report::markdown(&doc).into_bytes(),
        ReportFormat::Html => duikou_report::html(&doc).into_bytes(),
    };
    match out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("无法写入 {path}"))?;
            eprintln!("已生成 {path}（{} 字节）：{}", bytes.len(), doc.title);
        }
        None if matches!(format, ReportFormat::Docx) => anyhow::bail!("docx 须用 -o 指定输出文件"),
        None => print!("{}", String::from_utf8_lossy(&bytes)),
    }
    if explain {
        for f in figures {
            let ids: Vec<String> = f.records.iter().map(|(e, i)| format!("{e}#{i}")).collect();
            println!("{}\t{}\t{}\t{}", f.key, f.label, f.value, ids.join(","));
        }
    }
    Ok(())
}

fn check_entity(entity: &str) -> anyhow::Result<&'static duikou_domain::schema::EntityDef> {
    duikou_domain::schema::entity(entity).ok_or_else(|| {
        let names: Vec<&str> = duikou_domain::schema::ENTITIES.iter().map(|e| e.name).collect();
        anyhow::anyhow!("没有“{entity}”这种记录，可用：{}", names.join("、"))
    })
}

/// Writes every record of an entity to .xlsx.
pub async fn export(store: &Store, entity: &str, filters: &[String], out: &str) -> anyhow::Result<()> {
    let def = check_entity(entity)?;
    let mut q = ListQuery::default();
    for f in filters {
        let (k, v) = f
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--filter 应为 字段=值，收到“{f}”"))?;
        q.filters.insert(k.to_string(), v.to_string());
    }
    let records = store.list_every(entity, &q).await?;
    let table = duikou_summary::tables::entity_table(def, &records);
    let book = duikou_report::Workbook {
        sheets: vec![duikou_report::Sheet {
            name: def.label.to_string(),
            table,
            validation_rows: 0,
        }],
    };
    let bytes = duikou_report::xlsx(&book).map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::write(out, &bytes).with_context(|| format!("无法写入 {out}"))?;
    eprintln!("已导出{} {} 条到 {out}", def.label, records.len());
    Ok(())
}

/// The import template of an entity.
pub fn template_workbook(entity: &str) -> anyhow::Result<duikou_report::Workbook> {
    if !IMPORTABLE.contains(&entity) {
        anyhow::bail!("不支持导入“{entity}”，可导入：{}", IMPORTABLE.join("、"));
    }
    let def = check_entity(entity)?;
    use duikou_report::Cell::{Date, Int, Money, Text};
    let d = |s: &str| {
        duikou_domain::validate::parse_date(s)
            .map(Date)
            .unwrap_or(duikou_report::Cell::Empty)
    };
    let example: Vec<(&str, duikou_report::Cell)> = match entity {
        "orgs" => vec![
            ("名称", Text("吐鲁番市实验中学".into())),
            ("单位类型", Text("中小学/幼儿园".into())),
            ("所在区划", Text("吐鲁番市".into())),
        ],
        "pairings" => vec![
            ("所属计划", Text("对口援疆".into())),
            ("支援方", Text("湖南省".into())),
            ("受援方", Text("吐鲁番市".into())),
            ("结对层级", Text("省—地州".into())),
            ("开始日期", d("2011-01-01")),
        ],
        "projects" => vec![
            ("结对", Text("湖南省→吐鲁番市".into())),
            ("项目名称", Text("吐鲁番实验中学".into())),
            ("项目类别", Text("民生·教育".into())),
            ("总投资", Money(26_000_000_000)),
            ("开工日期", d("2012-05-02")),
        ],
        "transactions" => vec![
            ("项目", Text("吐鲁番实验中学".into())),
            ("类型", Text("拨付/到位".into())),
            ("资金来源", Text("援助资金".into())),
            ("金额", Money(3_700_000_000)),
            ("日期", d("2012-05-02")),
        ],
        "dispatches" => vec![
            ("结对", Text("湖南省→吐鲁番市".into())),
            ("姓名", Text("张三".into())),
            ("援派类别", Text("援派干部".into())),
            ("批次", Int(6)),
            ("挂职岗位", Text("副县长".into())),
            ("开始日期", d("2011-03-01")),
        ],
        "activities" => vec![
            ("结对", Text("湖南省→吐鲁番市".into())),
            ("活动类型", Text("培训".into())),
            ("标题", Text("骨干教师培训".into())),
            ("开始日期", d("2011-07-01")),
            ("人次", Int(355)),
        ],
        "indicator_values" => vec![
            ("指标", Text("gdp".into())),
            ("区划", Text("吐鲁番市".into())),
            ("期间", Text("2012".into())),
            ("数值", duikou_report::Cell::Number(260.5)),
        ],
        _ => vec![],
    };
    let extra: Vec<(&str, duikou_report::ColumnKind)> = if entity == "dispatches" {
        person_columns()
            .iter()
            .map(|(h, _)| (*h, duikou_report::ColumnKind::Text))
            .collect()
    } else {
        Vec::new()
    };
    Ok(duikou_report::Workbook {
        sheets: vec![duikou_summary::tables::template_sheet(def, &example, &extra)],
    })
}

/// Writes an import template.
pub fn template(entity: &str, out: &str) -> anyhow::Result<()> {
    let bytes = duikou_report::xlsx(&template_workbook(entity)?).map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::write(out, bytes).with_context(|| format!("无法写入 {out}"))?;
    eprintln!("已生成导入模板 {out}");
    Ok(())
}

/// Imports a file, read row by row (never whole); returns false when it had problems (nothing written then).
pub async fn import(store: &Store, entity: &str, file: &str, dry_run: bool) -> anyhow::Result<bool> {
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
    let report = store
        .import_file(&Actor::system(), entity, std::path::Path::new(file), file, dry_run)
        .await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let report = report?;
    if report.problems.is_empty() {
        let verb = if dry_run {
            "试导入（未写入）"
        } else {
            "已导入"
        };
        println!(
            "{verb}：{} 行，新建 {}，更新 {}，未变 {}",
            report.rows, report.created, report.updated, report.unchanged
        );
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
