//! The text every pass reads: the team's rules, AGENTS.md, the review
//! skills that fit, the user's instructions; and each pass's own task.
//! Each pass's message starts with a `REVIEW-PASS:` line naming it.

use std::fmt::Write as _;
use std::path::Path;

use super::config::ReviewConfig;
use super::diff::FileDiff;

/// What every pass is shown.
#[derive(Debug, Clone, Default)]
pub struct Shared {
    /// The user's instructions given with the target.
    pub instructions: Option<String>,
    /// `[review] rules` and `.quire/review.toml` rules.
    pub rules: Vec<String>,
    /// The repository's AGENTS.md text.
    pub agents_md: String,
    /// (name, body) of the review skills that fit.
    pub skills: Vec<(String, String)>,
}

impl Shared {
    /// Gathers rules, AGENTS.md and the review skills that fit `files`.
    pub fn gather(
        config: &crate::config::Config,
        review: &ReviewConfig,
        home: &Path,
        repo: &Path,
        instructions: Option<String>,
        files: &[FileDiff],
    ) -> Shared {
        // A CLAUDE.md import the Read deny rules refuse is not read.
        let (permissions, _) = crate::tools::permissions::Permissions::new(&config.claude, repo);
        let denied = |p: &Path| permissions.denies_read(&p.display().to_string());
        let docs = crate::agent::prompt::project_docs_capped(
            home,
            repo,
            config.project_doc_max_bytes,
            &denied,
        );
        Shared {
            instructions,
            rules: review.rules.clone(),
            agents_md: docs.text,
            skills: super::skills::fitting(config, home, repo, files),
        }
    }

    /// The block put in front of every pass's task.
    pub fn render(&self) -> String {
        let mut s = String::new();
        if !self.rules.is_empty() {
            s.push_str("## The team's review rules (each one applies to every finding)\n");
            for r in &self.rules {
                let _ = writeln!(s, "- {r}");
            }
            s.push('\n');
        }
        if let Some(i) = self
            .instructions
            .as_deref()
            .filter(|i| !i.trim().is_empty())
        {
            let _ = writeln!(s, "## The requester's instructions\n{}\n", i.trim());
        }
        if !self.agents_md.trim().is_empty() {
            let _ = writeln!(
                s,
                "## AGENTS.md of the repository\n{}\n",
                self.agents_md.trim()
            );
        }
        for (name, body) in &self.skills {
            let _ = writeln!(s, "## Review skill `{name}`\n{}\n", body.trim());
        }
        s
    }
}

/// The system prompt of the passes without tools.
pub const REVIEWER: &str = "You are a senior code reviewer. You review a change (a unified diff) for real problems: bugs, security holes, races, missing tests, broken APIs. You do not comment on taste. You answer with JSON only, exactly in the shape asked for.";

/// The finding shape every pass that reports findings is asked for.
pub const FINDING_SHAPE: &str = r#"{"findings": [{"file": "path/from/repo/root", "line_start": 12, "line_end": 14, "severity": "P0|P1|P2|P3", "category": "correctness|security|concurrency|tests|api|performance|maintainability|style|other", "title": "short", "explanation": "why it is wrong and what happens", "confidence": 0.0-1.0, "suggested_patch": "optional: *** Begin Patch\n*** Update File: path\n@@\n-old\n+new\n*** End Patch"}]}"#;

/// The triage pass over one chunk of the diff.
pub fn triage(shared: &Shared, concerns: &[String], chunk: &str) -> String {
    let list = concerns.join("\", \"");
    format!(
        "REVIEW-PASS: triage\n\n{}## Task\nRead every hunk below. Flag the hunks that deserve a careful look by a reviewer with access to the repository (possible bugs, security, concurrency, missing tests, API changes, violations of the rules above), each with every concern that applies, from: \"{list}\". Each concern gets its own reviewer. Do not flag trivial hunks. Answer with JSON only:\n{{\"flags\": [{{\"hunk\": \"H3\", \"concerns\": [\"{}\"], \"reason\": \"what to check\"}}]}}\n\n## Hunks (lines numbered in the new version)\n{chunk}",
        shared.render(),
        concerns
            .first()
            .map(String::as_str)
            .unwrap_or("correctness")
    )
}

/// One deep pass over a flagged area, for one concern.
pub fn deep(shared: &Shared, area: &str, concern: &str, hunks: &str, run_tests: bool) -> String {
    let tests = if run_tests {
        "Read files with read_file, list_dir and grep; you may run the project's tests and other commands with the shell tool (the sandbox is read-only: nothing can be written)."
    } else {
        "Read files with read_file, list_dir and grep; the shell tool runs read-only commands only (git log, git blame, git show, cat, ls, grep); do not run tests or anything else."
    };
    format!(
        "REVIEW-PASS: deep\nAREA: {area}\nCONCERN: {concern}\n\n{}## Task\nReview the flagged hunks of {area} below for {concern} problems; the triage pass flagged them for it. Look for: {} Read the surrounding code in the repository to confirm or reject each suspicion. {tests} Report only problems you are confident about, with lines in the new version. Answer with JSON only:\n{FINDING_SHAPE}\n\n## Flagged hunks\n{hunks}",
        shared.render(),
        super::concern::guidance(concern)
    )
}

/// The final pass: merge, de-duplicate, rank.
pub fn merge(shared: &Shared, findings_json: &str) -> String {
    format!(
        "REVIEW-PASS: merge\n\n{}## Task\nThese findings come from several reviewers. Merge duplicates (the same problem at the same place), drop findings the rules above say are fine, and rank the rest most severe first. Keep file, lines and suggested patches as they are. Answer with JSON only:\n{FINDING_SHAPE}\n\n## Findings\n{findings_json}",
        shared.render()
    )
}

/// The user's own output schema.
pub fn output_schema(schema: &str, report: &str, problems: Option<&str>) -> String {
    let retry = problems
        .map(|p| format!("\nYour previous answer did not fit the schema:\n{p}\nFix that.\n"))
        .unwrap_or_default();
    format!(
        "REVIEW-PASS: output-schema\n\n## Task\nWrite the review below as one JSON document that is valid against this JSON Schema. Answer with the JSON only.{retry}\n## Schema\n{schema}\n\n## Review\n{report}"
    )
}
