//! 第8篇's first school year assessed and signed: the county education bureau's 2013—2014 assessment of both school
//! pairings, opened, commented on and signed through the store (as the coordinator would in the browser), so the
//! demo shows a signed assessment, its locked period and its downloads.

use duikou_domain::access::Actor;
use duikou_store::assess::NewAssessment;
use duikou_store::{ListQuery, Result, Store, StoreError};

/// The program assessed (第8篇), the period and the day it was judged: after the school year, when every semester
/// and school-year duty of 2013—2014 is decided (the three-year duties run on and stay open).
const PROGRAM: &str = "校对校“对口帮扶”（2013—2016）";
const PERIOD: &str = "2013-2014";
const AS_OF: &str = "2014-09-15";
/// Who signs: the demo coordinator of every program.
const SIGNER: &str = "zhihuibu";
const COMMENTS: &str =
    "经县教育局审核：未达标的事项请支援学校在下一学年补足；受援学校提出异议的记录未计入，请双方核实后重新报送。";

/// Opens, comments on and signs the assessment (after the demo's transaction is committed: the store computes it
/// from the committed record). Returns how many records it wrote: the assessment and one period lock per pairing.
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
    let signer = store
        .list_users(&Actor::system())
        .await?
        .into_iter()
        .find(|u| u.username == SIGNER)
        .ok_or_else(|| StoreError::Other(format!("示例数据内部错误：找不到用户“{SIGNER}”")))?;
    let coordinator = store
        .actor(signer.id)
        .await?
        .ok_or_else(|| StoreError::Other(format!("示例数据内部错误：用户“{SIGNER}”不可用")))?;
    let new = NewAssessment {
        program_id: program,
        pairing_id: None,
        period: PERIOD.into(),
        as_of: Some(AS_OF.into()),
        comments: Some(COMMENTS.into()),
    };
    let a = store.create_assessment(&coordinator, &new).await?;
    let id = a["id"].as_i64().unwrap_or(0);
    store.assessment_action(&coordinator, id, "sign", None).await?;
    let locks = store.list_all("period_locks", "assessment_id", id).await?.len();
    Ok(1 + locks)
}
