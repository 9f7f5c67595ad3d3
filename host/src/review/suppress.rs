//! Known findings, suppressed: `[review] ignore` patterns (`GLOB` or
//! `GLOB#TEXT`) and `quire-review: ignore` comments on the finding's
//! lines or the line above them, in the reviewed version of the file (a
//! comment only in the working tree does not silence a finding on a
//! commit).

use super::ReviewError;
use super::finding::Finding;
use super::version::Versions;

/// The marker a comment carries to silence findings on its line, the
/// line below it, or the lines of a finding that contains it.
pub const INLINE_MARKER: &str = "quire-review: ignore";

/// Compiled `[review] ignore` patterns.
pub struct Suppressor {
    rules: Vec<(globset::GlobMatcher, Option<String>)>,
}

impl Suppressor {
    pub fn new(patterns: &[String]) -> Result<Suppressor, ReviewError> {
        let mut rules = Vec::new();
        for p in patterns {
            let (glob, text) = match p.split_once('#') {
                Some((g, t)) => (g, Some(t.trim().to_lowercase())),
                None => (p.as_str(), None),
            };
            let m = globset::Glob::new(glob.trim())
                .map_err(|e| {
                    ReviewError::Usage(format!(
                        "[review] ignore: \"{p}\" is not GLOB or GLOB#TEXT: {e}"
                    ))
                })?
                .compile_matcher();
            rules.push((m, text));
        }
        Ok(Suppressor { rules })
    }

    /// Keeps the findings no rule or comment suppresses; the count of the rest.
    pub fn filter(
        &self,
        versions: &mut Versions<'_>,
        findings: Vec<Finding>,
    ) -> (Vec<Finding>, usize) {
        let before = findings.len();
        let kept: Vec<Finding> = findings
            .into_iter()
            .filter(|f| !self.by_pattern(f) && !inline(versions, f))
            .collect();
        let gone = before - kept.len();
        (kept, gone)
    }

    fn by_pattern(&self, f: &Finding) -> bool {
        self.rules.iter().any(|(m, text)| {
            m.is_match(&f.file)
                && text
                    .as_ref()
                    .is_none_or(|t| f.title.to_lowercase().contains(t.as_str()))
        })
    }
}

/// Whether the reviewed version of the file has the marker on the
/// finding's lines or the line above.
fn inline(versions: &mut Versions<'_>, f: &Finding) -> bool {
    // `f.file` was checked to stay inside the repository (finding::repair).
    let Some(text) = versions.text(&f.file) else {
        return false;
    };
    let from = f.line_start.saturating_sub(1).max(1) as usize;
    let to = f.line_end.max(f.line_start) as usize;
    text.lines()
        .enumerate()
        .any(|(i, l)| (from..=to).contains(&(i + 1)) && l.contains(INLINE_MARKER))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::finding::Severity;

    fn finding(file: &str, line: u32, title: &str) -> Finding {
        Finding {
            id: String::new(),
            file: file.into(),
            line_start: line,
            line_end: line,
            severity: Severity::P2,
            category: "other".into(),
            title: title.into(),
            explanation: String::new(),
            confidence: 0.5,
            suggested_patch: None,
            suggested_patch_refused: None,
        }
    }

    #[test]
    fn patterns_and_inline_comments_suppress() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.rs"),
            "fn a() {}\n// quire-review: ignore\nlet x = y.unwrap();\nlet z = 1;\n",
        )
        .unwrap();
        let s = Suppressor::new(&["gen/**".into(), "src/*.rs#unused".into()]).unwrap();
        let target = crate::review::Target::Uncommitted;
        let (kept, gone) = s.filter(
            &mut Versions::new(dir.path(), &target),
            vec![
                finding("gen/x.rs", 1, "anything"),
                finding("src/m.rs", 4, "Unused import"),
                finding("src/m.rs", 4, "Real bug"),
                finding("a.rs", 3, "unwrap"),
                finding("a.rs", 4, "z"),
            ],
        );
        assert_eq!(gone, 3);
        let titles: Vec<_> = kept.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(titles, ["Real bug", "z"]);
    }
}
