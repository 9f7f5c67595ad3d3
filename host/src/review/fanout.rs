//! The deep passes of a review: one per flagged (file, concern), the file's
//! flagged hunks split where they do not fit one request. Only hunks that
//! triage flagged for that concern reach its pass.

use std::collections::BTreeMap;

use super::chunk::{self, Chunk};
use super::diff::FileDiff;
use super::prompt::{self, Shared};
use super::runner::DeepTask;
use super::triage::Flag;

/// The deep tasks for `flags`: the areas with the most flags first, then
/// by file and by the order of `concerns`.
pub fn deep_tasks(
    shared: &Shared,
    flags: &[Flag],
    concerns: &[String],
    budget: usize,
    run_tests: bool,
) -> Vec<DeepTask> {
    let mut groups: BTreeMap<(&str, usize), Vec<&Flag>> = BTreeMap::new();
    for f in flags {
        let rank = concerns
            .iter()
            .position(|c| *c == f.concern)
            .unwrap_or(concerns.len());
        groups
            .entry((f.hunk.file.as_str(), rank))
            .or_default()
            .push(f);
    }
    let mut groups: Vec<((&str, usize), Vec<&Flag>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let mut tasks = Vec::new();
    for ((file, _), flags) in groups {
        let Some(concern) = flags.first().map(|f| f.concern.clone()) else {
            continue;
        };
        let fd = FileDiff {
            path: file.to_string(),
            deleted: false,
            binary: false,
            symlink: false,
            submodule: false,
            renamed_from: None,
            hunks: flags.iter().map(|f| f.hunk.clone()).collect(),
        };
        let reasons: BTreeMap<&str, String> = flags
            .iter()
            .map(|f| {
                (
                    f.hunk.id.as_str(),
                    format!("Flagged ({}): {}\n", f.concern, f.reason),
                )
            })
            .collect();
        let parts: Vec<Chunk> = chunk::pack(&[fd], budget);
        let n = parts.len();
        for (i, part) in parts.into_iter().enumerate() {
            let mut text = String::new();
            for h in &part.hunks {
                text.push_str(reasons.get(h.id.as_str()).map(String::as_str).unwrap_or(""));
                text.push_str(&h.render());
                text.push('\n');
            }
            // A name with a line break or another control character is
            // quoted (`"new\nline.txt"`): the pass reads one line per field.
            let shown = crate::printable::quoted_name(file);
            let area = if n > 1 {
                format!("{shown} (part {})", i + 1)
            } else {
                shown.into_owned()
            };
            tasks.push(DeepTask {
                prompt: prompt::deep(shared, &area, &concern, &text, run_tests),
                area,
                concern: concern.clone(),
            });
        }
    }
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::diff::Hunk;

    fn flag(id: &str, file: &str, concern: &str) -> Flag {
        Flag {
            hunk: Hunk {
                id: id.into(),
                file: file.into(),
                new_start: 1,
                lines: vec![format!("+{id}_LINE")],
                not_utf8: false,
            },
            concern: concern.into(),
            reason: "check".into(),
        }
    }

    #[test]
    fn one_task_per_file_and_concern_with_only_its_hunks() {
        let concerns: Vec<String> = ["correctness", "security"].map(String::from).to_vec();
        let flags = [
            flag("H1", "a.rs", "security"),
            flag("H2", "a.rs", "correctness"),
            flag("H1", "a.rs", "correctness"),
            flag("H3", "b.rs", "security"),
        ];
        let tasks = deep_tasks(&Shared::default(), &flags, &concerns, 100_000, false);
        let got: Vec<_> = tasks
            .iter()
            .map(|t| (t.area.as_str(), t.concern.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("a.rs", "correctness"),
                ("a.rs", "security"),
                ("b.rs", "security")
            ]
        );
        assert!(tasks[0].prompt.contains("H1_LINE") && tasks[0].prompt.contains("H2_LINE"));
        assert!(tasks[1].prompt.contains("H1_LINE") && !tasks[1].prompt.contains("H2_LINE"));
        assert!(tasks[1].prompt.contains("CONCERN: security"));
    }
}
