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

/// Why the review failed, when the machine outputs must say it besides
/// what they already show: `None` for a `--fail-on` refusal that only
/// repeats the "nothing reviewed" or size-limit note.
pub fn failure(report: &super::Report) -> Option<&str> {
    let why = report.error.as_deref()?;
    let repeated = report
        .gate_refusal()
        .is_some_and(|gate| why == format!("--fail-on: {gate}"));
    (!repeated).then_some(why)
}
