//! Findings out of the passes' answers: repaired or dropped (with a
//! warning), merged by the final pass, de-duplicated and ranked.

use std::path::Path;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::ReviewError;
use super::ask::{Answer, Asker, json_object};
use super::finding::{Finding, repair};
use super::place::Reviewed;
use super::prompt::{self, Shared};

/// The findings in one answer, their paths as the diff of `at` writes
/// them; `source` names the pass in warnings. `None` when the answer held
/// no findings list at all (an empty list is a pass that found nothing).
pub fn findings_in(
    text: &str,
    source: &str,
    at: &Reviewed<'_>,
    warnings: &mut Vec<String>,
) -> Option<Vec<Finding>> {
    let list = match json_object(text).and_then(|v| v.get("findings").cloned()) {
        Some(Value::Array(list)) => list,
        _ => {
            warnings.push(format!(
                "{source}: the answer held no findings list; nothing was taken from it"
            ));
            return None;
        }
    };
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        match repair(v, at) {
            Ok((f, notes)) => {
                if !notes.is_empty() {
                    warnings.push(format!(
                        "{source}: finding {} ({}) repaired: {}",
                        i + 1,
                        f.title,
                        notes.join("; ")
                    ));
                }
                out.push(f);
            }
            Err(why) => warnings.push(format!("{source}: finding {} dropped: {why}", i + 1)),
        }
    }
    Some(out)
}

/// The final pass over `found` (skipped when there is nothing to merge,
/// and — with a warning — when the findings would not fit the model's
/// context window: they are then only de-duplicated and ranked here);
/// its answer, if any, and the merged, ranked findings. A merged finding
/// on a file neither `reviewed` (the files of the diff sent to the
/// model) nor named by a finding it was given is dropped with a warning;
/// an answer left with nothing usable keeps `found` as it was. Suggested
/// patches apply would refuse in `repo` are withheld first, so a repeat
/// merged into another keeps a patch that is offered.
pub async fn run(
    at: Reviewed<'_>,
    asker: &Asker,
    model: &str,
    shared: &Shared,
    found: Vec<Finding>,
    warnings: &mut Vec<String>,
    cancel: &CancellationToken,
) -> Result<(Option<Answer>, Vec<Finding>), ReviewError> {
    let (repo, reviewed) = (at.repo, at.files);
    if found.is_empty() {
        return Ok((None, found));
    }
    let listed =
        serde_json::to_string_pretty(&serde_json::json!({ "findings": found })).unwrap_or_default();
    let fixed = format!("{}{}", prompt::REVIEWER, prompt::merge(shared, ""));
    let budget = super::chunk::budget(asker.context_window(model), &fixed);
    if crate::skills::select::plan::estimate_tokens(&listed) > budget {
        warnings.push(format!(
            "merge pass skipped: {} findings do not fit one request to {model}; they are de-duplicated and ranked without it",
            found.len()
        ));
        return Ok((None, ranked(repo, reviewed, found)));
    }
    let answer = asker
        .ask(
            model,
            prompt::REVIEWER,
            prompt::merge(shared, &listed),
            cancel,
        )
        .await?;
    let mut merge_warnings = Vec::new();
    let merged =
        findings_in(&answer.text, "merge pass", &at, &mut merge_warnings).unwrap_or_default();
    let (merged, dropped) = known_files(merged, reviewed, &found, warnings);
    let findings = if merged.is_empty() && (dropped > 0 || !merge_warnings.is_empty()) {
        warnings.push(
            "merge pass: its answer was unusable; the deep passes' findings are kept as they were"
                .into(),
        );
        found
    } else {
        warnings.extend(merge_warnings);
        merged
    };
    Ok((Some(answer), ranked(repo, reviewed, findings)))
}

/// The merged findings on a file that was `reviewed` or that a finding
/// of `found` names: the merge pass only merges, so a finding elsewhere
/// (a file `?`, one not in the change) is invented and dropped, with a
/// warning. Also how many were dropped.
fn known_files(
    merged: Vec<Finding>,
    reviewed: &[&str],
    found: &[Finding],
    warnings: &mut Vec<String>,
) -> (Vec<Finding>, usize) {
    let known = |file: &str| reviewed.contains(&file) || found.iter().any(|f| f.file == file);
    let (kept, dropped): (Vec<Finding>, Vec<Finding>) =
        merged.into_iter().partition(|f| known(&f.file));
    if !dropped.is_empty() {
        let mut files: Vec<String> = dropped
            .iter()
            .map(|f| crate::printable::quoted_name(&f.file).into_owned())
            .collect();
        files.dedup();
        let files = files.join(", ");
        tracing::warn!(count = dropped.len(), %files, "merge pass: findings on files not reviewed dropped");
        warnings.push(format!(
            "merge pass: {} finding(s) on files not reviewed ({files}) dropped",
            dropped.len()
        ));
    }
    (kept, dropped.len())
}

/// [`rank`] after the patches apply would refuse in `repo` (or that
/// change a file not `reviewed`) are withheld.
fn ranked(repo: &Path, reviewed: &[&str], mut findings: Vec<Finding>) -> Vec<Finding> {
    super::apply::withhold_refused(repo, reviewed, &mut findings);
    rank(findings)
}

/// Drops repeats (same file, overlapping lines, same title) and sorts most
/// severe first, then by confidence, file and line. A repeat keeps the
/// first suggested patch still offered (a withheld one has only its
/// `suggested_patch_refused`); the first refusal when none is.
pub fn rank(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in findings {
        let repeat = out.iter_mut().find(|o| {
            o.file == f.file
                && o.line_start <= f.line_end
                && f.line_start <= o.line_end
                && o.title.eq_ignore_ascii_case(&f.title)
        });
        match repeat {
            Some(o) => {
                if f.severity < o.severity {
                    o.severity = f.severity;
                }
                o.confidence = o.confidence.max(f.confidence);
                if o.suggested_patch.is_none() {
                    if f.suggested_patch.is_some() {
                        o.suggested_patch = f.suggested_patch;
                        o.suggested_patch_refused = None;
                    } else if o.suggested_patch_refused.is_none() {
                        o.suggested_patch_refused = f.suggested_patch_refused;
                    }
                }
            }
            None => out.push(f),
        }
    }
    out.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.file.cmp(&b.file))
            .then(a.line_start.cmp(&b.line_start))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_merge_and_the_worst_comes_first() {
        let text = r#"{"findings": [
            {"file": "a.rs", "line_start": 3, "severity": "P2", "category": "tests", "title": "No test", "explanation": "", "confidence": 0.4},
            {"file": "b.rs", "line_start": 9, "severity": "P0", "category": "security", "title": "Injection", "explanation": "", "confidence": 0.9},
            {"file": "a.rs", "line_start": 3, "line_end": 5, "severity": "P1", "category": "tests", "title": "no test", "explanation": "", "confidence": 0.7},
            {"title": "nowhere"}
        ]}"#;
        let mut warnings = Vec::new();
        let files = ["a.rs", "b.rs"];
        let at = Reviewed {
            repo: Path::new("/nonexistent/repo"),
            target: &super::super::Target::Staged,
            files: &files,
        };
        let found = findings_in(text, "deep pass", &at, &mut warnings).unwrap();
        assert_eq!(found.len(), 3);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(findings_in("no JSON here", "deep pass", &at, &mut warnings).is_none());
        let ranked = rank(found);
        assert_eq!(ranked.len(), 2);
        assert_eq!(ranked[0].file, "b.rs");
        assert_eq!(ranked[1].severity, super::super::finding::Severity::P1);
    }
}
