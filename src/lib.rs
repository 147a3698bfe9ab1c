//! piflow: map personal-information flows and judge them under PIPL and GDPR.
//!
//! Data moves one way: [`load`] reads inventory files into the [`model`], [`graph`] derives what
//! each flow is (kind, provenance, regimes, border crossings), [`rules`] turn the graph into
//! [`finding`]s, and [`report`] renders them. [`source`] (reading, line index, display paths,
//! terminal escaping) comes first. The `piflow` binary (its own `cli` module, not part of this
//! library) only wires these up.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod fides;
pub mod finding;
pub mod graph;
pub mod load;
pub mod model;
pub mod notice;
pub mod output;
pub mod parallel;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
