//! `duikou assess`: a program's (or one pairing's) obligations evaluated, as a table, JSON or CSV.

use duikou_store::assess::PairingAssessment;
use std::fmt::Write;

/// How to print results.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// 对齐的中文表格 / an aligned table.
    Table,
    /// JSON: every result with `status` met/unmet/open and `warning`.
    Json,
    /// CSV, one row per result.
    Csv,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Renders the assessments.
pub fn render(items: &[PairingAssessment], format: Format) -> anyhow::Result<String> {
    let mut out = String::new();
    match format {
        Format::Json => out = serde_json::to_string_pretty(items)?,
        Format::Csv => {
            out.push_str(
                "pairing_id,supporter,receiver,obligation_id,title,window,actual,target,status,warning,text\n",
            );
            for a in items {
                for r in &a.results {
                    let row = [
                        a.pairing_id.to_string(),
                        a.supporter.clone(),
                        a.receiver.clone(),
                        r.obligation_id.to_string(),
                        r.title.clone(),
                        r.window.clone(),
                        r.actual.to_string(),
                        r.target.map(|t| t.to_string()).unwrap_or_default(),
                        serde_json::to_value(r.status)?.as_str().unwrap_or("").to_string(),
                        r.warning.to_string(),
                        r.text.clone(),
                    ];
                    let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
                    out.push_str(&fields.join(","));
                    out.push('\n');
                }
            }
        }
        Format::Table => {
            for a in items {
                let score = a
                    .score
                    .score
                    .map(|s| format!("{s:.1} 分"))
                    .unwrap_or_else(|| "暂无可评分结果".into());
                writeln!(
                    out,
                    "结对 {}：{} → {}　得分 {}　等次 {}　（达标 {}，未达标 {}，进行中 {}，预警 {}）",
                    a.pairing_id,
                    a.supporter,
                    a.receiver,
                    score,
                    a.score.rating.as_deref().unwrap_or("—"),
                    a.score.met,
                    a.score.unmet,
                    a.score.open,
                    a.score.warnings
                )?;
                for r in &a.results {
                    let flag = if r.warning { "⚠ 预警" } else { "" };
                    writeln!(out, "  [{}]{} {}", r.status.label(), flag, r.text)?;
                }
                if a.results.is_empty() {
                    writeln!(out, "  （该期间没有需要评估的目标任务）")?;
                }
                out.push('\n');
            }
        }
    }
    Ok(out)
}
