//! The result of a review: findings and what it took, as the versioned
//! JSON of `quire review --json`, and where the last one is kept for
//! `quire review apply`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ReviewError;
use super::finding::{Finding, Severity};
use super::schema::{Checker, SCHEMA_VERSION};
use super::scope::Skipped;

/// Counts of one review.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub files: usize,
    pub hunks: usize,
    pub flagged: usize,
    pub triage_requests: usize,
    pub deep_passes: usize,
    /// Bytes of diff triage read (bounded by `[review] max_triage_bytes`).
    #[serde(default)]
    pub triage_bytes: u64,
    /// Every model request: triage, deep passes' round trips, merge.
    pub requests: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

/// One review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub target: String,
    pub instructions: Option<String>,
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    pub suppressed: usize,
    /// Set when every changed file was skipped: how many and why.
    #[serde(default)]
    pub not_reviewed: Option<String>,
    /// Set when a size limit (`[review] max_file_bytes`,
    /// `max_triage_bytes`) left files out: which, why, and how to review
    /// them (they are in `skipped`, with `limit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_limited: Option<String>,
    /// Set when files that are text were read by git as binary (a NUL
    /// byte, UTF-16; they are in `skipped`, with `text_as_binary`):
    /// which and why. Their code was not reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_as_binary: Option<String>,
    /// What went wrong along the way without failing the review (a
    /// triage answer naming hunks it was not shown, findings repaired or
    /// dropped, passes skipped): the warnings printed on stderr.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Set when the review failed: why (the rest says what was done).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub stats: Stats,
}

impl Report {
    pub fn new(target: String, instructions: Option<String>) -> Report {
        Report {
            schema_version: SCHEMA_VERSION,
            target,
            instructions,
            findings: Vec::new(),
            skipped: Vec::new(),
            suppressed: 0,
            not_reviewed: None,
            size_limited: None,
            text_as_binary: None,
            warnings: Vec::new(),
            error: None,
            stats: Stats::default(),
        }
    }

    /// The report as JSON, checked against the documented schema.
    pub fn to_checked_json(&self) -> Result<serde_json::Value, ReviewError> {
        let v = serde_json::to_value(self)
            .map_err(|e| ReviewError::Schema(format!("cannot write the report: {e}")))?;
        Checker::report()?
            .check(&v)
            .map_err(|e| ReviewError::Schema(format!("the report does not fit its schema: {e}")))?;
        Ok(v)
    }

    /// Whether a finding at `level` or worse exists.
    pub fn fails(&self, level: Severity) -> bool {
        self.findings.iter().any(|f| f.severity <= level)
    }

    /// Why a gate (`--fail-on`) cannot pass this review: a size limit
    /// left files out, or git read text files as binary, so the review is
    /// incomplete; or every changed file
    /// was skipped and some by the attributes or `[review] skip`, so the
    /// review did not happen. Changes that are only deletions, binaries
    /// or lockfiles have nothing to review and pass.
    pub fn gate_refusal(&self) -> Option<String> {
        if let Some(why) = &self.size_limited {
            return Some(format!(
                "the review is incomplete: {why}; a gate does not pass a review that left files out"
            ));
        }
        if let Some(why) = &self.text_as_binary {
            return Some(format!(
                "the review is incomplete: {why}; a gate does not pass a review that left files out"
            ));
        }
        let why = self.not_reviewed.as_ref()?;
        self.skipped.iter().any(|s| s.by_choice()).then(|| {
            format!(
                "{why}; a review that did not happen cannot pass: review generated files with -c review.include_generated=true, or narrow [review] skip"
            )
        })
    }

    /// Keeps the report for `quire review apply` in the repository's git folder.
    pub fn save(&self, git_dir: &Path) -> Result<PathBuf, ReviewError> {
        let path = last_path(git_dir);
        let text =
            serde_json::to_string_pretty(self).map_err(|e| ReviewError::Schema(e.to_string()))?;
        std::fs::write(&path, text)
            .map_err(|e| ReviewError::Git(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    }

    /// The last review of the repository.
    pub fn load_last(git_dir: &Path) -> Result<Report, ReviewError> {
        let path = last_path(git_dir);
        let text = std::fs::read_to_string(&path).map_err(|_| {
            ReviewError::Usage(
                "there is no review to apply from yet: run quire review first".into(),
            )
        })?;
        serde_json::from_str(&text).map_err(|e| {
            ReviewError::Usage(format!(
                "{} is not a review quire can read ({e}): run quire review again",
                path.display()
            ))
        })
    }
}

fn last_path(git_dir: &Path) -> PathBuf {
    git_dir.join("quire-review-last.json")
}
