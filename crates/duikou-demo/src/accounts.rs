//! The demo accounts: one per kind of user the seeds describe, each scoped to the org it works for.

use crate::loader::Demo;
use duikou_store::accounts::NewUser;
use duikou_store::{Result, Store};
use std::collections::BTreeMap;

/// The org each scoped demo account works for (accounts not listed see everything their role allows).
const SCOPES: &[(&str, &str)] = &[
    ("jiaoyubu", "教育部"),
    ("nanjing", "南京农业大学"),
    ("xinnong", "新疆农业大学"),
    ("chengguan", "城关第一小学"),
    ("xiangzhen", "石桥乡中心小学"),
    ("hunan", "湖南省"),
    ("tulufan", "吐鲁番市"),
];

/// Creates the demo accounts; returns the receiving orgs' editors (org id → user id), who confirm facts about them.
pub(crate) async fn load(d: &mut Demo) -> Result<BTreeMap<i64, i64>> {
    let mut receivers = BTreeMap::new();
    for (username, role, description) in crate::DEMO_ACCOUNTS {
        let org_ids = match SCOPES.iter().find(|(u, _)| u == username) {
            Some((_, org)) => vec![d.id(org)?],
            None => Vec::new(),
        };
        // the display name is the description up to its first explanation
        let display: String = description
            .split(['：', '（'])
            .next()
            .unwrap_or(description)
            .to_string();
        let user = Store::create_user_in(
            &mut d.w,
            &NewUser {
                username: username.to_string(),
                display_name: Some(display),
                password: crate::DEMO_PASSWORD.to_string(),
                role: role.to_string(),
                org_ids: org_ids.clone(),
            },
        )
        .await?;
        d.count_one();
        if *role == "receiver_editor" {
            for org in org_ids {
                receivers.insert(org, user.id);
            }
        }
    }
    Ok(receivers)
}
