//! Money the essays tell outside any project (issue #16 item 4): research funds a supporting teacher won for the
//! receiving university (第1篇) and the sports lottery fund granted for a race (第3篇). Each is its own record with its
//! purpose, source, amount as written and date at its precision, tied to the activity it paid for; the activity no
//! longer holds the amount (it would be counted twice).

use crate::loader::Demo;
use duikou_store::{Result, Store, StoreError};
use serde_json::json;

/// (a part of the activity's title, purpose, what the money was for, amount as written, date, note)
type Fund = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const FUNDS: &[Fund] = &[
    // 第1篇
    (
        "创新群体课题",
        "research",
        "教育厅创新群体课题（作物遗传育种）经费",
        "20万",
        "2006",
        "援疆教师主持申报；申报年份未写明，按援疆期间记为2006年",
    ),
    (
        "重大项目（鹰嘴豆）",
        "research",
        "教育厅重大项目（鹰嘴豆）经费",
        "10万",
        "2006",
        "援疆教师主持申报；申报年份未写明，按援疆期间记为2006年",
    ),
    (
        "伊犁奶牛高效生产技术",
        "research",
        "伊犁奶牛高效生产技术研究课题经费",
        "8万",
        "2006",
        "援疆教师协助动物科学学院申报；申报年份未写明，按援疆期间记为2006年",
    ),
    // 第3篇
    (
        "绿色骑行",
        "welfare",
        "体育公益金（绿色骑行崇义站活动经费）",
        "10万",
        "2015",
        "自行车部下拨；具体日期未写明",
    ),
];

pub(crate) async fn load(d: &mut Demo) -> Result<()> {
    for (part, purpose, title, amount, date, note) in FUNDS {
        let [activity] = d.activities_titled(part, 1)?[..] else {
            return Err(StoreError::Other(format!("示例数据内部错误：活动“{part}”不唯一")));
        };
        let before = Store::update_in(&mut d.w, "activities", activity, &json!({"amount": null})).await?;
        d.fact(
            "funds",
            json!({"pairing_id": before["pairing_id"], "activity_id": activity, "purpose": purpose,
                   "title": title, "source": "supporter", "amount": amount, "date": date, "note": note}),
        )
        .await?;
    }
    Ok(())
}
