//! `duikou export iati --scope program:ID -o FILE`: a published program as an IATI 2.03 activity file.

use anyhow::Context;
use duikou_store::Store;

/// The program id of a scope written `program:ID`, or a Chinese error naming `--scope`.
pub fn program_of(scope: Option<&str>) -> anyhow::Result<i64> {
    let scope = scope.ok_or_else(|| anyhow::anyhow!("导出 IATI 需要 --scope program:编号（如 --scope program:1）"))?;
    scope
        .strip_prefix("program:")
        .and_then(|id| id.trim().parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(|| anyhow::anyhow!("--scope 应为 program:编号（如 program:1），收到“{scope}”"))
}

/// Writes the file (its activities linked to their public pages at `site`, the configured `public_url`, when there
/// is one); a program that is not published (or does not exist) is refused with a Chinese error.
pub async fn export(store: &Store, scope: Option<&str>, out: &str, site: Option<&str>) -> anyhow::Result<()> {
    let program = program_of(scope)?;
    let (generated, today) = duikou_store::iati::now();
    let file = store
        .iati_program(program, today, &generated, site)
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "计划 {program} 未公开或不存在：IATI 只导出已公开的计划（请协调员先在计划页“公开与预览”中公开）"
            )
        })?;
    let xml = duikou_report::iati_xml(&file);
    std::fs::write(out, xml.as_bytes()).with_context(|| format!("无法写入 {out}"))?;
    if file.activities.is_empty() {
        eprintln!("已写出空的 IATI 文件 {out}：{}", file.note);
    } else {
        let tx: usize = file.activities.iter().map(|a| a.transactions.len()).sum();
        eprintln!(
            "已导出 IATI 2.03 文件 {out}：{} 个 iati-activity（每个公开结对一个），{tx} 笔资金往来",
            file.activities.len()
        );
    }
    Ok(())
}
