//! An open 督办 item with the unit's reply, on 第8篇's program: the county education bureau supervises the latest
//! unmet result of one pairing and the responsible school answers it, through the store as the coordinator and the
//! school would in the browser, so the demo's 督办 list and the school's home page show the workflow in progress.

use duikou_domain::access::Actor;
use duikou_domain::engine::Status;
use duikou_store::assess::NewSupervision;
use duikou_store::{ListQuery, Result, Store, StoreError};

const PROGRAM: &str = "校对校“对口帮扶”（2013—2016）";
/// The result the browser test supervises itself (pairing 14's teachers of the 2014-2015 school year) is left alone.
const LEFT_FOR_THE_BROWSER_TEST: &str = "2014-2015";
const NOTE: &str = "请说明该项目标未完成的原因，补报佐证材料，并提出整改措施";
const REPLY: &str = "已查明原因：该学期骨干教师调离，帮扶安排中断；已调整帮扶计划，补足后报受援学校确认（示例回复）";

/// Opens and answers the item (after the demo's transaction is committed: the store assesses the committed record).
/// Returns how many records it wrote.
pub(crate) async fn load(store: &Store) -> Result<usize> {
    let mut q = ListQuery::default();
    q.filters.insert("name".into(), PROGRAM.into());
    let program = store
        .list("programs", &q)
        .await?
        .items
        .first()
        .and_then(|p| p["id"].as_i64())
        .ok_or_else(|| StoreError::Other(format!("示例数据内部错误：找不到计划“{PROGRAM}”")))?;
    let today = store.today();
    let list = store.supervision_list(program, None, today, false).await?;
    // the latest unmet result of a unit that can answer
    let Some(item) = list
        .iter()
        .filter(|i| {
            i.result.status == Status::Unmet
                && i.supervision.is_none()
                && i.org_id.is_some()
                && i.result.window != LEFT_FOR_THE_BROWSER_TEST
        })
        .max_by_key(|i| (i.result.window_start, i.result.obligation_id))
    else {
        return Err(StoreError::Other(
            "示例数据内部错误：第8篇的计划没有可督办的未达标结果".into(),
        ));
    };
    let system = Actor::system();
    let due = today + chrono::Days::new(30);
    let opened = store
        .supervise(
            &system,
            &NewSupervision {
                pairing_id: item.pairing_id,
                obligation_id: item.result.obligation_id,
                period: item.result.window.clone(),
                subject: Some(item.subject.clone()),
                note: NOTE.into(),
                due_on: due.to_string(),
            },
            today,
        )
        .await?;
    let id = opened["id"].as_i64().unwrap_or(0);
    store.reply_supervision(&system, id, REPLY, None, today).await?;
    Ok(1)
}
