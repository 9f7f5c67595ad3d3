//! `quire review`: a tiered AI review of a change. The target's diff is
//! split into files and hunks ([`diff`], [`scope`], [`chunk`]); a triage
//! pass flags the hunks worth a deep look, each with the concerns that
//! apply ([`triage`]); deep passes run as parallel subagents with
//! read-only tools, one per flagged (file, concern) ([`fanout`],
//! [`concern`], [`runner`]); a final pass merges and ranks ([`merge`]),
//! each finding held to the reviewed change ([`place`]) and read in its
//! new version ([`version`]: never the working tree for a commit, a
//! range, a base or the index). Findings are data
//! ([`finding`], [`report`], schema in `report.schema.json`), printed by
//! [`output`], suppressed by [`suppress`], applied by [`apply`].

pub mod apply;
pub(crate) mod ask;
pub(crate) mod binary;
pub(crate) mod chunk;
pub(crate) mod concern;
pub(crate) mod config;
pub mod diff;
pub(crate) mod fanout;
mod fetch_hint;
pub(crate) mod finding;
pub(crate) mod limits;
pub(crate) mod merge;
pub mod output;
mod pipeline;
pub(crate) mod place;
pub(crate) mod prompt;
pub(crate) mod report;
pub(crate) mod runner;
pub mod schema;
pub(crate) mod scope;
mod shallow;
pub(crate) mod skills;
pub(crate) mod suppress;
pub mod target;
pub(crate) mod triage;
pub mod version;

pub use config::ReviewConfig;
pub use finding::{Finding, Severity};
pub use pipeline::{Failure, Outcome, Request, custom_output, review, reviewed};
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
