//! （四）捐赠与物资支持: money and goods given.

use crate::activities::{of_activities, Act};
use crate::figures::Figures;
use crate::pool::{recs_of, Pool};
use crate::rec::{id, ids, label};
use crate::words::{joined, para, whole_months_between};
use crate::zh;
use duikou_domain::approx::{self, Total};
use duikou_domain::record::Rec;
use duikou_domain::schema::FieldKind;
use duikou_report::{Block, Span};

/// At most this many gifts are named one by one (the largest by money, then by goods); the others are counted
/// ("等N项") and their money is in the total all the same. A program's summary over its term may hold tens of
/// thousands, which nobody reads one by one.
pub(crate) const GIFTS_TOLD: usize = 30;

/// At most this many goods are listed by category; the others are counted.
const GOODS_TOLD: usize = 30;

/// 捐赠与物资支持: the donations among the period's activities.
pub(crate) fn donations(pool: &Pool, figs: &mut Figures) -> Vec<Block> {
    let gifts: Vec<Act> = pool.activities().gifts.iter().collect();
    if gifts.is_empty() {
        return Vec::new();
    }
    // the gifts named are seen generically, by their fields: at most GIFTS_TOLD of them, in their order
    let mut named: Vec<usize> = (0..gifts.len()).collect();
    if gifts.len() > GIFTS_TOLD {
        let size = |a: &Act| {
            let of = |f: Option<approx::Figure>| f.map_or(0, |f| f.value);
            std::cmp::Reverse((of(a.amount_figure()), of(a.items_figure())))
        };
        // a stable sort: among gifts of one size the earlier is named
        named.sort_by_key(|&i| size(&gifts[i]));
        named.truncate(GIFTS_TOLD);
        named.sort_unstable();
    }
    let told: Vec<_> = named.iter().map(|&i| gifts[i].activity()).collect();
    let told = recs_of(&told);
    let told: Vec<&Rec> = told.iter().collect();
    let mut blocks = vec![gifts_para(&gifts, &told, figs)];
    blocks.extend(goods_para(pool, &gifts, figs));
    blocks
}

/// The gifts, each told by its title (with the years it ran over, and its own money and goods when more than one is
/// told), then how many there were in all when not all are told, and what they all come to.
fn gifts_para(gifts: &[Act], donations: &[&Rec], figs: &mut Figures) -> Block {
    let amount: Total = gifts.iter().filter_map(|a| a.amount_figure()).collect();
    let all_ids: Vec<(&'static str, i64)> = gifts.iter().map(|a| ("activities", a.id())).collect();
    let mut spans = vec![Span::text("支援方向受援方捐赠")];
    for (i, d) in donations.iter().enumerate() {
        if i > 0 {
            spans.push(Span::text("、"));
        }
        // "捐赠希望工程爱心助学资金" after "捐赠" reads once
        let title = d["title"].as_str().unwrap_or("");
        spans.push(Span::text(title.strip_prefix("捐赠").unwrap_or(title).to_string()));
        // a gift made over whole years is told with them ("（2010—2014年，5年累计）")
        if let Some(years) =
            whole_months_between(&d["start_date"], &d["end_date"]).filter(|w| w.ends_with('年') && w != "1年")
        {
            let from = d["start_date"].as_str().map(|s| &s[..4]).unwrap_or("");
            let to = d["end_date"].as_str().map(|s| &s[..4]).unwrap_or("");
            spans.push(Span::text(format!("（{from}—{to}年，")));
            spans.push(figs.span(
                &format!("donations.years.{}", id(*d)),
                &format!("{title}（年数）"),
                years,
                vec![("activities", id(*d))],
            ));
            spans.push(Span::text("累计）"));
        }
        // each gift's own money and goods, when more than one is told (one alone is the total below)
        let mut own = Vec::new();
        if let Some(fig) = approx::figure_of(FieldKind::Int, *d, "items").filter(|f| f.value > 0) {
            own.push(("items", approx::written(FieldKind::Int, fig, "台（套）")));
        }
        if gifts.len() > 1 {
            if let Some(fig) = approx::figure_of(FieldKind::Money, *d, "amount").filter(|f| f.value > 0) {
                own.push(("amount", approx::written(FieldKind::Money, fig, "")));
            }
        }
        for (j, (field, text)) in own.into_iter().enumerate() {
            if j > 0 {
                spans.push(Span::text("，"));
            }
            let title = d["title"].as_str().unwrap_or("捐赠");
            spans.push(figs.span(
                &format!("donations.{field}.{}", id(*d)),
                &format!("{title}（{}）", if field == "items" { "数量" } else { "金额" }),
                text,
                vec![("activities", id(*d))],
            ));
        }
    }
    if gifts.len() > donations.len() {
        spans.push(Span::text("等"));
        spans.push(figs.span(
            "donations.count",
            "捐赠项数",
            format!("{}项", gifts.len()),
            all_ids.clone(),
        ));
    }
    if amount.value() > 0 {
        spans.push(Span::text("，折合"));
        spans.push(figs.span("donations.amount", "捐赠金额", zh::money_total(&amount), all_ids));
    }
    spans.push(Span::text("，改善了受援方的办学和工作条件。"));
    para(spans)
}

/// The goods of each donation by category, with quantity and value as written ("健身路径10套，每套5万元").
fn goods_para(pool: &Pool, gifts: &[Act], figs: &mut Figures) -> Option<Block> {
    let donating: Vec<&Act> = gifts.iter().collect();
    let mut told = Vec::new();
    let mut every = Vec::new();
    for (_, goods) in of_activities(pool, "activity_items", &donating) {
        for g in goods {
            every.push(("activity_items", id(g)));
            if told.len() == GOODS_TOLD {
                continue;
            }
            let category = label("activity_items", "category", g["category"].as_str().unwrap_or(""));
            let name = g["name"].as_str().unwrap_or("").to_string();
            let unit = g["unit"].as_str().unwrap_or("");
            let mut text = name;
            if let Some(q) = approx::figure_of(FieldKind::Int, g, "quantity") {
                text.push_str(&approx::written(FieldKind::Int, q, unit));
            }
            if let Some(u) = approx::figure_of(FieldKind::Money, g, "unit_value") {
                text.push_str(&format!(
                    "，每{}{}",
                    if unit.is_empty() { "件" } else { unit },
                    zh::money_total(&[u].into_iter().collect())
                ));
            }
            let mut part = vec![Span::text(format!("{category}："))];
            match approx::figure_of(FieldKind::Money, g, "value") {
                Some(v) => {
                    part.push(Span::text(if text.is_empty() {
                        "价值".to_string()
                    } else {
                        format!("{text}，价值")
                    }));
                    part.push(figs.span(
                        &format!("donations.item.{}", id(g)),
                        &format!("捐赠{category}"),
                        zh::money_total(&[v].into_iter().collect()),
                        ids("activity_items", &[g]),
                    ));
                }
                None => part.push(Span::text(text)),
            }
            told.push(part);
        }
    }
    if told.is_empty() {
        return None;
    }
    let all = every.len();
    let mut spans = joined("捐赠物资按类别：", told, "；");
    if all > GOODS_TOLD {
        spans.push(Span::text("等"));
        spans.push(figs.span("donations.goods_count", "捐赠物资项数", format!("{all}项"), every));
    }
    spans.push(Span::text("。"));
    Some(para(spans))
}
