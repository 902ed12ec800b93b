//! Plans and batches (援建计划/批次) in a summary: the domain's one rule ([`duikou_domain::plans`]) over the
//! summary's period and the facts it counts.

use super::Pool;
use duikou_domain::record::Rec;

pub(crate) type Plans<'a> = duikou_domain::plans::Plans<'a, Rec>;

/// The plans of the pool: those placed in its period stand for their parts.
pub(crate) fn of<'a>(pool: &Pool<'a>) -> Plans<'a> {
    let counted = |entity: &str| -> Vec<&'a Rec> { pool.all(entity).into_iter().filter(|r| pool.counts(r)).collect() };
    Plans::new(
        counted("project_groups"),
        pool.in_period("project_groups"),
        counted("projects"),
        counted("project_funding"),
    )
}
