//! The `notice-*` rules: where a published privacy notice and the inventory disagree. They judge
//! the notice, not a flow, so they carry no regime; each cites the PIPL and GDPR articles that
//! require the notice to say it. The functions that fire them live in `notice::check`, which reads
//! the notice; their entries are in the catalogue.

use crate::finding::Rule;

pub use super::catalogue::notice::*;

/// Whether `rule` is one of the `notice-*` rules (the ones `notice-check` can report); the
/// catalogue test holds every entry of `catalogue::notice`, and only those, to the prefix.
pub fn is_notice_rule(rule: &Rule) -> bool {
    rule.code.starts_with("notice-")
}
