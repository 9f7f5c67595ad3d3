//! Renderings of a review: for people ([`human`]), code-scanning UIs
//! ([`sarif`]) and GitHub Actions ([`github`]); `--json` is the report
//! itself ([`super::Report::to_checked_json`]).

pub mod github;
pub mod human;
pub mod sarif;

use super::finding::Severity;

/// SARIF's and GitHub's three levels.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::P0 | Severity::P1 => "error",
        Severity::P2 => "warning",
        Severity::P3 => "note",
    }
}
