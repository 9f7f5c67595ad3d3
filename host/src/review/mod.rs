//! `quire review`: a tiered AI review of a change. The target's diff is
//! split into files and hunks ([`diff`], [`scope`], [`chunk`]); a triage
//! pass flags the hunks worth a deep look, each with the concerns that
//! apply ([`triage`]); deep passes run as parallel subagents with
//! read-only tools, one per flagged (file, concern) ([`fanout`],
//! [`concern`], [`runner`]); a final pass merges and ranks ([`merge`]). Findings are data
//! ([`finding`], [`report`], schema in `report.schema.json`), printed by
//! [`output`], suppressed by [`suppress`], applied by [`apply`].

pub mod apply;
pub mod ask;
pub mod chunk;
pub mod concern;
pub mod config;
pub mod diff;
pub mod fanout;
pub mod finding;
pub mod merge;
pub mod output;
mod pipeline;
pub mod prompt;
pub mod report;
pub mod runner;
pub mod schema;
pub mod scope;
pub mod skills;
pub mod suppress;
pub mod target;
pub mod triage;

pub use config::ReviewConfig;
pub use finding::{Finding, Severity};
pub use pipeline::{Outcome, Request, custom_output, review};
pub use report::{Report, Stats};
pub use target::Target;

/// Why a review could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// Bad input: a revision, a setting, a file (exit 2).
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Git(String),
    #[error("{0}")]
    Model(String),
    #[error("{0}")]
    Schema(String),
    #[error("interrupted")]
    Interrupted,
}
