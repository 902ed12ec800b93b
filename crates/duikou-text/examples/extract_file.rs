//! Print the facts of one file, as the CLI will: `cargo run --example extract_file -- <file> [jsonl|table]`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("用法：extract_file <文件> [jsonl|table]");
        return ExitCode::from(2);
    };
    let format = args.next().unwrap_or_else(|| "jsonl".to_string());
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("无法读取 {path}：{e}");
            return ExitCode::FAILURE;
        }
    };
    let text = match duikou_text::decode(&bytes) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}：{e}");
            return ExitCode::FAILURE;
        }
    };
    let facts = duikou_text::extract(&text);
    if format == "table" {
        print!("{}", duikou_text::to_table(&facts));
    } else {
        print!("{}", duikou_text::to_jsonl(&facts));
    }
    ExitCode::SUCCESS
}
