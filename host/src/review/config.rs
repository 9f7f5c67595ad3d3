//! `[review]` in config.toml and the repository's `.quire/review.toml`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ReviewError;

/// `[review]`: models, parallelism, what is skipped and suppressed, and
/// the team's rules. `.quire/review.toml` (same keys, without the table)
/// adds to `skip`, `ignore` and `rules` in a trusted repository (its
/// keys may also stand under a `[review]` table, as in config.toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewConfig {
    /// The model of the triage pass (default: the session's model).
    pub triage_model: Option<String>,
    /// The model of the deep passes and the merge pass (default: the
    /// session's model).
    pub deep_model: Option<String>,
    /// Deep passes running at the same time.
    pub parallel: usize,
    /// At most this many deep passes per review (the most flagged areas first).
    pub max_deep_passes: usize,
    /// Model round trips of one deep pass.
    pub deep_max_turns: u32,
    /// Globs of files never reviewed (added to lockfiles and files marked
    /// `linguist-generated` / `linguist-vendored` in .gitattributes).
    pub skip: Vec<String>,
    /// Review generated, vendored and lock files too.
    pub include_generated: bool,
    /// Findings to suppress: `GLOB` (by file) or `GLOB#TEXT` (by file and
    /// a text in the title, case-insensitive).
    pub ignore: Vec<String>,
    /// The team's rules, shown to every pass.
    pub rules: Vec<String>,
    /// The concerns triage may mark a hunk with; one deep pass runs per
    /// flagged (file, concern).
    pub concerns: Vec<String>,
    /// A file whose diff is larger (bytes of its lines) is not reviewed,
    /// and named (0: no limit).
    pub max_file_bytes: u64,
    /// The diff triage reads, in all, at most (bytes of its lines); files
    /// past it are not reviewed, and named (0: no limit).
    pub max_triage_bytes: u64,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            triage_model: None,
            deep_model: None,
            parallel: 4,
            max_deep_passes: 12,
            deep_max_turns: 12,
            skip: Vec::new(),
            include_generated: false,
            ignore: Vec::new(),
            rules: Vec::new(),
            concerns: DEFAULT_CONCERNS.iter().map(|c| c.to_string()).collect(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_triage_bytes: DEFAULT_MAX_TRIAGE_BYTES,
        }
    }
}

/// `[review] max_file_bytes` unless set: 256 KiB of diff for one file.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024;
/// `[review] max_triage_bytes` unless set: 1 MiB of diff for a review
/// (about 260k tokens of triage input).
pub const DEFAULT_MAX_TRIAGE_BYTES: u64 = 1024 * 1024;

/// The concerns of a review unless `[review] concerns` says otherwise.
pub const DEFAULT_CONCERNS: &[&str] = &["correctness", "security", "concurrency", "tests", "api"];

/// `.quire/review.toml`: the repository's additions.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RepoReview {
    skip: Vec<String>,
    ignore: Vec<String>,
    rules: Vec<String>,
    triage_model: Option<String>,
    deep_model: Option<String>,
    concerns: Option<Vec<String>>,
}

/// `.quire/review.toml` written as the `[review]` table of config.toml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RepoReviewTable {
    review: RepoReview,
}

impl RepoReview {
    /// The file's keys, at the top level or under a `[review]` table (as
    /// in config.toml), not both.
    fn parse(text: &str) -> Result<RepoReview, toml::de::Error> {
        let table: toml::Table = toml::from_str(text)?;
        if table.contains_key("review") {
            toml::from_str::<RepoReviewTable>(text).map(|t| t.review)
        } else {
            toml::from_str(text)
        }
    }
}

/// The name of the repository's review file, under `.quire/`.
pub const REPO_FILE: &str = "review.toml";

impl ReviewConfig {
    /// Adds the repository's `.quire/review.toml` (only when `trusted`),
    /// read at `from` (a revision: the base of the change, so a change
    /// cannot skip or suppress its own findings; `None`: the working tree).
    pub fn with_repo_file(
        mut self,
        repo: &Path,
        trusted: bool,
        from: Option<&str>,
    ) -> Result<Self, ReviewError> {
        if !trusted {
            return Ok(self);
        }
        let Some((text, name)) = repo_file(repo, from)? else {
            return Ok(self);
        };
        let extra = RepoReview::parse(&text).map_err(|e| {
            ReviewError::Usage(format!(
                "{name} is not valid: {e} (keys: skip, ignore, rules, triage_model, deep_model, concerns)"
            ))
        })?;
        self.skip.extend(extra.skip);
        self.ignore.extend(extra.ignore);
        self.rules.extend(extra.rules);
        if self.triage_model.is_none() {
            self.triage_model = extra.triage_model;
        }
        if self.deep_model.is_none() {
            self.deep_model = extra.deep_model;
        }
        if let Some(c) = extra.concerns {
            self.concerns = c;
        }
        Ok(self)
    }

    /// The concerns lower-cased without blanks or repeats; when none is
    /// left, the defaults (a review always has at least one concern).
    pub fn checked_concerns(mut self) -> Self {
        let mut seen: Vec<String> = Vec::new();
        for c in &self.concerns {
            let c = c.trim().to_lowercase();
            if !c.is_empty() && !seen.contains(&c) {
                seen.push(c);
            }
        }
        if seen.is_empty() {
            seen = DEFAULT_CONCERNS.iter().map(|c| c.to_string()).collect();
        }
        self.concerns = seen;
        self
    }
}

/// The text of `.quire/review.toml` at `from` (a revision) or in the
/// working tree, and its name for messages; `None` when there is none.
fn repo_file(repo: &Path, from: Option<&str>) -> Result<Option<(String, String)>, ReviewError> {
    let relative = format!(".quire/{REPO_FILE}");
    let Some(rev) = from else {
        let path = repo.join(&relative);
        if !path.is_file() {
            return Ok(None);
        }
        let text = crate::file_kind::read_to_string(&path)
            .map_err(|e| ReviewError::Usage(format!("cannot read {}: {e}", path.display())))?;
        return Ok(Some((text, path.display().to_string())));
    };
    // Not at that revision (or no base at all): none.
    let Ok(text) = crate::git::run(repo, &["cat-file", "blob", &format!("{rev}:{relative}")])
    else {
        return Ok(None);
    };
    let short: String = rev.chars().take(12).collect();
    Ok(Some((
        text,
        format!("{relative} of {short} (the base of the reviewed change)"),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_file_adds_rules_only_when_trusted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".quire")).unwrap();
        std::fs::write(
            dir.path().join(".quire/review.toml"),
            "rules = [\"every SQL query goes through the query builder\"]\nignore = [\"gen/**\"]\n",
        )
        .unwrap();
        let untrusted = ReviewConfig::default()
            .with_repo_file(dir.path(), false, None)
            .unwrap();
        assert!(untrusted.rules.is_empty());
        let trusted = ReviewConfig::default()
            .with_repo_file(dir.path(), true, None)
            .unwrap();
        assert_eq!(trusted.rules.len(), 1);
        assert_eq!(trusted.ignore, vec!["gen/**".to_string()]);
    }

    #[test]
    fn repo_file_may_hold_a_review_table() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".quire")).unwrap();
        std::fs::write(
            dir.path().join(".quire/review.toml"),
            "[review]\nrules = [\"one\"]\n",
        )
        .unwrap();
        let trusted = ReviewConfig::default()
            .with_repo_file(dir.path(), true, None)
            .unwrap();
        assert_eq!(trusted.rules, vec!["one".to_string()]);
        std::fs::write(
            dir.path().join(".quire/review.toml"),
            "rules = [\"top\"]\n[review]\nrules = [\"one\"]\n",
        )
        .unwrap();
        let both = ReviewConfig::default().with_repo_file(dir.path(), true, None);
        assert!(both.is_err());
    }

    #[test]
    fn a_bad_repo_file_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".quire")).unwrap();
        std::fs::write(dir.path().join(".quire/review.toml"), "rule = 1\n").unwrap();
        let err = ReviewConfig::default()
            .with_repo_file(dir.path(), true, None)
            .unwrap_err();
        assert!(err.to_string().contains("review.toml"), "{err}");
    }
}
