//! The demo record: the real programs of the nine seed work summaries, with their figures, and demo accounts.
//!
//! The record is written in one transaction, so a database either holds the whole record or none of it; then 第8篇's
//! 2013—2014 assessment is opened and signed, and one 督办 item opened and answered, through the store as a coordinator
//! and a school would, from the committed record. People the
//! seeds only count get numbered placeholder names; dates the seeds do not give are marked as such in each record's note.

mod accounts;
mod assessment;
mod counts;
mod funds;
mod hunan_turpan;
mod jiangsu_huocheng;
mod loader;
mod mianzhu;
mod national;
mod school_pairing;
mod sports_chongyi;
mod supervision;
mod tasks;
mod universities;
mod zhejiang_aksu;

use duikou_store::{Result, Store, StoreError};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "duikou-demo";

/// The demo accounts for the README: username, role, what the account is for (in Chinese).
pub const DEMO_ACCOUNTS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "系统管理员：用户、解锁和全部数据"),
    (
        "jiaoyubu",
        "coordinator",
        "教育部协调员：对口支援西部高校计划和援疆学科建设计划",
    ),
    ("zhihuibu", "coordinator", "指挥部协调员：不限单位，协调全部计划"),
    ("nanjing", "supporter_editor", "南京农业大学填报员（支援方）"),
    (
        "xinnong",
        "receiver_editor",
        "新疆农业大学填报员（受援方，确认支援方填报的事实）",
    ),
    ("chengguan", "supporter_editor", "城关第一小学填报员（第8篇支援学校）"),
    ("xiangzhen", "receiver_editor", "石桥乡中心小学填报员（第8篇受援学校）"),
    ("hunan", "supporter_editor", "湖南省援疆填报员（支援方）"),
    ("tulufan", "receiver_editor", "吐鲁番市填报员（受援方）"),
    ("guest", "viewer", "只读用户：浏览公开与全部记录"),
];

/// Loads the demo record into an empty database; returns how many records were written.
pub async fn load(store: &Store) -> Result<usize> {
    // the demo names real orgs and programs once; loading it over existing data would clash or duplicate them
    if !store.is_empty().await? {
        return Err(StoreError::conflict(
            "not_empty",
            "数据库中已有计划记录，示例数据只载入空数据库",
            None,
        ));
    }
    let mut d = loader::Demo::begin(store).await?;
    national::load(&mut d).await?;
    universities::load(&mut d).await?;
    mianzhu::load(&mut d).await?;
    sports_chongyi::load(&mut d).await?;
    zhejiang_aksu::load(&mut d).await?;
    jiangsu_huocheng::load(&mut d).await?;
    school_pairing::load(&mut d).await?;
    hunan_turpan::load(&mut d).await?;
    counts::load(&mut d).await?;
    funds::load(&mut d).await?;
    let receivers = accounts::load(&mut d).await?;
    let written = d.finish(&receivers).await?;
    let assessed = assessment::load(store).await?;
    Ok(written + assessed + supervision::load(store).await?)
}
