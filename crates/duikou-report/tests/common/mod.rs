//! A realistic 工作总结 and workbook shared by the integration tests (figures in the genre of the seeds, 第1篇).
#![allow(dead_code)]

use chrono::NaiveDate;
use duikou_report::*;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn col(header: &str, kind: ColumnKind) -> Column {
    Column {
        header: header.into(),
        kind,
    }
}

fn text(t: &str) -> Cell {
    Cell::Text(t.into())
}

/// 援派人员 by batch: text, int, date and choice columns; one remark holds markup that must stay text.
pub fn people_table() -> Table {
    let roles = vec!["教师".to_string(), "管理干部".to_string()];
    let mut rows = Vec::new();
    let batches = [(1, 2004, 3), (2, 2005, 3), (3, 2006, 3), (4, 2007, 3), (5, 2008, 4)];
    let names = [
        "吴未",
        "梁亚荣",
        "麻浩",
        "韩兆玉",
        "戴伟",
        "高述民",
        "王涛",
        "李霞",
        "张天真",
        "曲福田",
        "钟甫宁",
        "欧名豪",
        "吴群",
        "郭贯成",
        "宋华明",
        "陈彤",
    ];
    let mut i = 0;
    for (batch, year, count) in batches {
        for _ in 0..count {
            let role = if i % 7 == 6 { "管理干部" } else { "教师" };
            rows.push(vec![
                Cell::Int(batch),
                text(names[i]),
                text(role),
                Cell::Date(date(year, 9, 1)),
                Cell::Date(date(year + 1, 1, 31)),
                Cell::Int(90 + (i as i64 % 4) * 5),
                if i == 2 {
                    text("<script>alert('x')</script>")
                } else {
                    Cell::Empty
                },
            ]);
            i += 1;
        }
    }
    Table {
        title: "表1 援派人员（按批次）".into(),
        columns: vec![
            col("批次", ColumnKind::Int),
            col("姓名", ColumnKind::Text),
            col("身份", ColumnKind::Choice { options: roles }),
            col("派出日期", ColumnKind::Date),
            col("返回日期", ColumnKind::Date),
            col("授课课时", ColumnKind::Int),
            col("备注", ColumnKind::Text),
        ],
        rows,
    }
}

/// 援助资金 by year and source, in fen.
pub fn money_table() -> Table {
    let sources = vec!["中央财政".to_string(), "支援方自筹".to_string(), "社会捐赠".to_string()];
    let rows = vec![
        vec![
            Cell::Int(2014),
            text("中央财政"),
            Cell::Money(1_200_000_000),
            Cell::Percent(54.63),
            Cell::Date(date(2014, 12, 20)),
        ],
        vec![
            Cell::Int(2014),
            text("支援方自筹"),
            Cell::Money(850_000_000),
            Cell::Percent(38.70),
            Cell::Date(date(2014, 11, 3)),
        ],
        vec![
            Cell::Int(2014),
            text("社会捐赠"),
            Cell::Money(146_555_500),
            Cell::Percent(6.67),
            Cell::Date(date(2014, 10, 1)),
        ],
        vec![
            Cell::Int(2015),
            text("中央财政"),
            Cell::Money(1_500_000_000),
            Cell::Percent(60.0),
            Cell::Date(date(2015, 12, 31)),
        ],
        vec![
            text("合计"),
            Cell::Empty,
            Cell::Money(3_696_555_500),
            Cell::Empty,
            Cell::Empty,
        ],
    ];
    Table {
        title: "表2 援助资金（按年度和来源）".into(),
        columns: vec![
            col("年度", ColumnKind::Int),
            col("资金来源", ColumnKind::Choice { options: sources }),
            col("金额", ColumnKind::Money),
            col("占当年比例", ColumnKind::Percent),
            col("拨付日期", ColumnKind::Date),
        ],
        rows,
    }
}

pub fn money_chart() -> Chart {
    Chart {
        title: "援助资金按年度和来源".into(),
        kind: ChartKind::StackedBar,
        categories: vec!["2014年".into(), "2015年".into(), "2016年".into()],
        series: vec![
            Series {
                name: "中央财政".into(),
                values: vec![1200.0, 1500.0, 1620.5],
            },
            Series {
                name: "支援方自筹".into(),
                values: vec![850.0, 900.0, 0.0],
            },
            Series {
                name: "社会捐赠".into(),
                values: vec![146.56, 80.0, 210.0],
            },
        ],
        unit: "万元".into(),
    }
}

pub fn people_chart() -> Chart {
    Chart {
        title: "援派人员构成".into(),
        kind: ChartKind::Pie,
        categories: vec!["教师".into(), "管理干部".into(), "医生".into()],
        series: vec![Series {
            name: "人数".into(),
            values: vec![14.0, 2.0, 0.0],
        }],
        unit: "人".into(),
    }
}

fn p(spans: Vec<Span>) -> Block {
    Block::Paragraph { spans }
}

/// The 工作总结 with the four sections of the genre.
pub fn summary() -> Document {
    Document {
        title: "南京农业大学对口支援新疆农业大学2014—2015学年工作总结".into(),
        subtitle: Some("（2014年9月1日至2015年8月31日）".into()),
        sections: vec![
            Section {
                heading: "一、基本情况".into(),
                blocks: vec![p(vec![
                    Span::text("2002年教育部实施“对口支援西部地区高等学校计划”以来，两校先后签订校级对口支援协议"),
                    Span::figure("3", "agreements.school"),
                    Span::text("份、院级对口支援协议"),
                    Span::figure("3", "agreements.college"),
                    Span::text("份，双方校领导、对口部门与院系领导以及学科教师互访50余人次。"),
                ])],
            },
            Section {
                heading: "二、工作开展情况".into(),
                blocks: vec![
                    Block::Subheading { text: "（一）援教工作按计划实施".into() },
                    p(vec![
                        Span::text("2004年以来，南京农业大学先后分"),
                        Span::figure("5", "dispatch.batches"),
                        Span::text("批派出"),
                        Span::figure("14", "dispatch.teachers"),
                        Span::text("名优秀教师、2名优秀管理干部到我校援教和挂职援助，帮助开出新课和急需课程40门次，直接授课1500余课时。"),
                    ]),
                    Block::Table(people_table()),
                    Block::Chart(people_chart()),
                    Block::Subheading { text: "（二）援助资金".into() },
                    p(vec![Span::text("三年累计到位援助资金3696.56万元，其中中央财政资金占比超过一半。")]),
                    Block::Table(money_table()),
                    Block::Chart(money_chart()),
                ],
            },
            Section {
                heading: "三、存在问题".into(),
                blocks: vec![Block::List {
                    items: vec![
                        "部分援教教师在岗时间不足一个月，未达到协议要求。".into(),
                        "受援方提出的实验室建设需求尚有2项未落实。".into(),
                    ],
                }],
            },
            Section {
                heading: "四、下一步建议".into(),
                blocks: vec![p(vec![Span::text(
                    "进一步完善援受双方沟通机制，加强学科建设和师资培养，确保援建项目如期完成。",
                )])],
            },
        ],
        appendix: vec![Table {
            title: "附表1 数据来源".into(),
            columns: vec![col("指标", ColumnKind::Text), col("数值", ColumnKind::Number), col("记录数", ColumnKind::Int)],
            rows: vec![vec![text("援派教师（人）"), Cell::Number(14.0), Cell::Int(14)]],
        }],
    }
}

/// A workbook: an export sheet and an import template with drop-downs.
pub fn workbook() -> Workbook {
    Workbook {
        sheets: vec![
            Sheet {
                name: "援助资金".into(),
                table: money_table(),
                validation_rows: 0,
            },
            Sheet {
                name: "援派人员".into(),
                table: people_table(),
                validation_rows: 200,
            },
        ],
    }
}
