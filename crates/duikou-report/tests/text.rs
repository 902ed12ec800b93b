//! Markdown and HTML of the 工作总结: the text is there, markup typed into any field shows as text.

mod common;

use duikou_report::*;

fn hostile() -> Document {
    let mut doc = common::summary();
    doc.title = "<h1>标题</h1>".into();
    doc.sections[0].heading = "一、基本情况<img src=x onerror=alert(1)>".into();
    doc.sections[0].blocks.push(Block::Paragraph {
        spans: vec![Span::figure("<b>3</b>", "k\"><script>")],
    });
    doc
}

#[test]
fn markdown_has_the_structure_and_the_text() {
    let md = markdown(&common::summary());
    assert!(md.starts_with("# 南京农业大学对口支援新疆农业大学2014—2015学年工作总结\n"));
    for heading in [
        "## 一、基本情况",
        "## 二、工作开展情况",
        "## 三、存在问题",
        "## 四、下一步建议",
        "### （一）援教工作按计划实施",
    ] {
        assert!(md.contains(&format!("\n{heading}\n")), "{heading}");
    }
    assert!(md.contains("先后分5批派出14名优秀教师"));
    assert!(md.contains("直接授课1500余课时"));
    assert!(md.contains("1. 部分援教教师在岗时间不足一个月"));
    assert!(md.contains("| 年度 | 资金来源 | 金额（万元） | 占当年比例 | 拨付日期 |"));
    assert!(md.contains("| 2014 | 中央财政 | 1,200.00 | 54.63% | 2014年12月20日 |"));
    assert!(md.contains(
        "| 1 | 麻浩 | 教师 | 2004年9月1日 | 2005年1月31日 | 100 | &lt;script&gt;alert('x')&lt;/script&gt; |"
    ));
    assert!(md.contains("**图2 援助资金按年度和来源**（万元）"));
    assert!(md.contains("| 2014年 | 1200 | 850 | 146.56 |"));
    assert!(md.contains("| 教师 | 14 | 87.5% |"));
    assert!(md.contains("## 附表"));
    assert!(!md.contains("<script>"));
}

#[test]
fn html_is_a_page_with_the_text_and_inline_svg() {
    let page = html(&common::summary());
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<html lang=\"zh-CN\">") && page.contains("<meta charset=\"utf-8\">"));
    assert!(
        page.contains("仿宋_GB2312") && page.contains("黑体"),
        "Chinese fonts in CSS"
    );
    assert!(page.contains("<h2>一、基本情况</h2>") && page.contains("<h3>（一）援教工作按计划实施</h3>"));
    assert!(page.contains("<span class=\"figure-ref\" data-figure=\"dispatch.teachers\">14</span>"));
    assert!(page.contains("直接授课1500余课时"));
    assert!(page.contains("<th>金额（万元）</th>") && page.contains("<td class=\"num\">1,200.00</td>"));
    assert_eq!(page.matches("<svg ").count(), 2);
    assert!(page.contains("<figcaption>图1 援派人员构成</figcaption>"));
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(!page.contains("<script>"));
}

#[test]
fn markup_in_any_field_is_text() {
    let doc = hostile();
    let page = html(&doc);
    assert!(page.contains("<title>&lt;h1&gt;标题&lt;/h1&gt;</title>"));
    assert!(page.contains("<h2>一、基本情况&lt;img src=x onerror=alert(1)&gt;</h2>"));
    assert!(page.contains("data-figure=\"k&quot;&gt;&lt;script&gt;\">&lt;b&gt;3&lt;/b&gt;</span>"));
    assert!(!page.contains("<img") && !page.contains("<b>") && !page.contains("<script"));
    let fragment = html_fragment(&doc);
    assert!(fragment.starts_with("<h1>&lt;h1&gt;标题&lt;/h1&gt;</h1>"));
    let md = markdown(&doc);
    assert!(!md.contains("<img") && !md.contains("<b>") && !md.contains("<h1>"));
    assert!(md.contains("&lt;b&gt;3&lt;/b&gt;"));
}

#[test]
fn empty_document() {
    let doc = Document {
        title: String::new(),
        subtitle: None,
        sections: vec![],
        appendix: vec![],
    };
    assert_eq!(markdown(&doc), "");
    assert!(html(&doc).contains("<main class=\"page\">\n</main>"));
}
