//! How an `/undo`'s tries change the record of patches: the live /undo
//! and a resumed session's replay of its records
//! ([`quire::store::PatchLog`]) apply them alike, so after a resume
//! `/undo` takes the same task next as it would have before quitting.

use quire::store::{DIFF_LEFT_OUT, Fate, MAX_RECORDED_DIFFS, PatchLog, PatchStep, UNDO_COPY};
use std::path::Path;

use serde_json::Value;

use super::patches::{Left, Patches};

/// The last task with patches (tasks left empty above it dropped).
pub fn last_task(patches: &mut Patches) -> Option<Vec<Value>> {
    while patches.tasks.last().is_some_and(Vec::is_empty) && patches.tasks.len() > 1 {
        patches.tasks.pop();
    }
    patches.tasks.last().filter(|f| !f.is_empty()).cloned()
}

/// Whether a try put back at least one file.
pub fn any_undone(fates: &[Fate]) -> bool {
    fates.contains(&Fate::Undone)
}

/// The files of `files` a try left as they are, in the task's order.
pub fn kept(files: &[Value], fates: &[Fate]) -> Vec<Left> {
    files
        .iter()
        .zip(fates)
        .filter_map(|(f, fate)| match fate {
            Fate::Left { changed } => Some(Left {
                file: f.clone(),
                changed: changed.clone(),
            }),
            _ => None,
        })
        .collect()
}

fn counted(fates: &[Fate]) -> usize {
    fates
        .iter()
        .filter(|f| matches!(f, Fate::Undone | Fate::Gone))
        .count()
}

/// A second try at the stuck last task (`files`): what it could not
/// undo is left for good (/diff shows it).
pub fn retried(patches: &mut Patches, files: &[Value], fates: &[Fate]) {
    patches.stuck = false;
    patches.tasks.pop();
    patches.undone += counted(fates);
    patches.left.extend(kept(files, fates));
    if patches.tasks.is_empty() {
        patches.tasks.push(Vec::new());
    }
}

/// A first try at the last task (`files`): what it could not undo stays
/// the last task, stuck (the next /undo tries it once more).
pub fn tried(patches: &mut Patches, files: &[Value], fates: &[Fate]) {
    patches.undone += counted(fates);
    patches.tasks.pop();
    let kept = kept(files, fates);
    if !kept.is_empty() {
        patches.stuck = true;
    }
    if !kept.is_empty() || patches.tasks.is_empty() {
        patches
            .tasks
            .push(kept.into_iter().map(|l| l.file).collect());
    }
}

/// Why the file `f`, recorded before a resume, cannot be undone after it:
/// its diff was left out of the record, or quire put it back from a copy
/// kept in memory by the process that made the patch (a deleted text
/// file whose whole diff is recorded is made again from that diff).
pub fn out_of_reach(f: &Value) -> Option<String> {
    let flag = |k: &str| f.get(k).and_then(Value::as_bool) == Some(true);
    if flag(DIFF_LEFT_OUT) {
        return Some(format!(
            "its diff was not kept in the session file (a patch's record keeps at most {} of diffs), so it cannot be undone after a resume",
            quire::plural::size_in_words(MAX_RECORDED_DIFFS as u64)
        ));
    }
    if !flag(UNDO_COPY) || f.get("undo").is_some() || super::undo_rebuilt::fits(f) {
        return None;
    }
    let diff = f.get("diff").and_then(Value::as_str).unwrap_or("");
    let status = f.get("status").and_then(Value::as_str);
    let remade = status == Some("deleted")
        && diff.contains("\n@@")
        && !quire::tools::apply_patch::is_partial(diff);
    (!remade && empty_file_diff(f).is_none()).then(|| {
        "quire puts it back from a copy of the file as it was, kept in memory by the quire that made the patch, and that copy ended with it (the session was resumed since)".to_string()
    })
}

/// For a file the patch `f` added empty or deleted while empty (its
/// record says so: no diff lines, nothing removed; an added one's digest
/// that of no bytes), the git diff whose reverse undoes it — `git apply
/// -R` makes the empty file again, or removes it while it is still
/// empty, with the checks of any other undo; `None` for other files.
pub fn empty_file_diff(f: &Value) -> Option<String> {
    let diff = f.get("diff").and_then(Value::as_str)?;
    let nothing = |k: &str| f.get(k).and_then(Value::as_u64).unwrap_or(0) == 0;
    if !diff.is_empty() || !nothing("added") || !nothing("removed") {
        return None;
    }
    if f.get(DIFF_LEFT_OUT).and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let path = f.get("path").and_then(Value::as_str)?;
    let how = match f.get("status").and_then(Value::as_str)? {
        "deleted" => "deleted",
        "added"
            if f.get("sha256").and_then(Value::as_str)
                == Some(quire::tools::apply_patch::sha256_hex(b"").as_str()) =>
        {
            "new"
        }
        _ => return None,
    };
    // Quoted as git quotes a name it would not write plainly.
    let name = git_quoted(&format!("a/{path}"));
    let other = git_quoted(&format!("b/{path}"));
    Some(format!(
        "diff --git {name} {other}\n{how} file mode 100644\n"
    ))
}

/// `name` as a git diff header holds it: in double quotes with C escapes
/// when it has a space, a quote, a backslash or a control character.
fn git_quoted(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| !c.is_control() && c != '"' && c != '\\' && c != ' ');
    if plain {
        return name.to_string();
    }
    let mut out = String::from('"');
    for b in name.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b' '..=b'~' => out.push(char::from(b)),
            other => out.push_str(&format!("\\{other:03o}")),
        }
    }
    out.push('"');
    out
}

/// Replays a recorded `/undo`; false when its tries do not fit the tasks
/// rebuilt so far (a file edited by hand): the record cannot be trusted.
fn replay_undo(patches: &mut Patches, attempts: &[Vec<Fate>]) -> bool {
    let mut tries = attempts.iter();
    let fits = |files: &[Value], fates: &[Fate]| files.len() == fates.len();
    let mut undone = false;
    if patches.stuck
        && let Some(files) = last_task(patches)
    {
        let Some(fates) = tries.next().filter(|f| fits(&files, f)) else {
            return false;
        };
        retried(patches, &files, fates);
        undone = any_undone(fates);
    }
    if !undone {
        let Some(files) = last_task(patches) else {
            return tries.next().is_none();
        };
        let Some(fates) = tries.next().filter(|f| fits(&files, f)) else {
            return false;
        };
        tried(patches, &files, fates);
    }
    tries.next().is_none()
}

impl Patches {
    /// The patches of a resumed session, as its file recorded them
    /// (`recorded_cwd`: the folder the session began in, where the files'
    /// paths start; `cwd`: where it goes on — elsewhere nothing recorded
    /// is offered). Patches it holds no record of (an older quire's)
    /// cannot be undone, and /diff and /undo say so.
    pub fn resumed(log: &PatchLog, recorded_cwd: &str, cwd: &Path) -> Patches {
        let same_folder = Path::new(recorded_cwd) == cwd
            || std::fs::canonicalize(recorded_cwd)
                .is_ok_and(|r| std::fs::canonicalize(cwd).is_ok_and(|c| r == c));
        let mut p = Patches::default();
        let made = |log: &PatchLog| {
            log.unrecorded || log.steps.iter().any(|s| matches!(s, PatchStep::Files(_)))
        };
        if !same_folder {
            p.before_resume = made(log);
            return p;
        }
        for step in &log.steps {
            match step {
                PatchStep::Task => p.begin_task(),
                PatchStep::Shell => p.shell_ran(),
                PatchStep::Files(files) => p.add_files(files),
                PatchStep::Undo(attempts) => {
                    if !replay_undo(&mut p, attempts) {
                        tracing::warn!("a recorded /undo does not fit the recorded patches");
                        return Patches {
                            before_resume: true,
                            ..Patches::default()
                        };
                    }
                }
            }
        }
        p.before_resume = log.unrecorded;
        p
    }
}

#[cfg(test)]
mod tests {
    use quire::store::{Fate, PatchLog, PatchStep};
    use serde_json::{Value, json};

    use super::super::patches::Patches;

    fn file(path: &str) -> Value {
        json!({"status": "modified", "path": path, "diff": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"})
    }

    fn left(why: Option<&str>) -> Fate {
        Fate::Left {
            changed: why.map(str::to_string),
        }
    }

    fn replayed(steps: Vec<PatchStep>) -> Patches {
        let log = PatchLog {
            steps,
            unrecorded: false,
        };
        let here = std::env::temp_dir();
        Patches::resumed(&log, &here.display().to_string(), &here)
    }

    fn paths(tasks: &[Vec<Value>]) -> Vec<Vec<&str>> {
        tasks
            .iter()
            .filter(|t| !t.is_empty())
            .map(|t| t.iter().filter_map(|f| f["path"].as_str()).collect())
            .collect()
    }

    #[test]
    fn recorded_tasks_come_back_as_they_were() {
        let p = replayed(vec![
            PatchStep::Task,
            PatchStep::Files(vec![file("a")]),
            PatchStep::Task,
            PatchStep::Shell,
            PatchStep::Files(vec![file("b")]),
            PatchStep::Files(vec![file("c")]),
        ]);
        assert_eq!(paths(&p.tasks), vec![vec!["a"], vec!["b", "c"]]);
        assert!(p.last_ran_shell());
        assert!(!p.before_resume && !p.stuck);
    }

    #[test]
    fn recorded_undos_take_their_tasks_off_as_they_did() {
        let two_tasks = || {
            vec![
                PatchStep::Task,
                PatchStep::Files(vec![file("a")]),
                PatchStep::Task,
                PatchStep::Files(vec![file("b"), file("c")]),
            ]
        };
        // b undone, c left: c stays the last task, tried once more next.
        let mut steps = two_tasks();
        steps.push(PatchStep::Undo(vec![vec![Fate::Undone, left(None)]]));
        let p = replayed(steps.clone());
        assert_eq!(paths(&p.tasks), vec![vec!["a"], vec!["c"]]);
        assert!(p.stuck);
        assert_eq!(p.undone, 1);
        // Tried again (still not undone), then the task before: a undone.
        let changed = "it changed since the patch";
        steps.push(PatchStep::Undo(vec![
            vec![left(Some(changed))],
            vec![Fate::Undone],
        ]));
        let p = replayed(steps);
        assert!(paths(&p.tasks).is_empty(), "{:?}", p.tasks);
        assert!(!p.stuck);
        assert_eq!(p.undone, 2);
        assert_eq!(p.left.len(), 1);
        assert_eq!(p.left[0].file["path"], "c");
        assert_eq!(p.left[0].changed.as_deref(), Some(changed));
        // A task made after an undo is the next one undone.
        let mut steps = two_tasks();
        steps.push(PatchStep::Undo(vec![vec![Fate::Undone, Fate::Gone]]));
        steps.push(PatchStep::Task);
        steps.push(PatchStep::Files(vec![file("d")]));
        let p = replayed(steps);
        assert_eq!(paths(&p.tasks), vec![vec!["a"], vec!["d"]]);
        assert_eq!(p.undone, 2);
    }

    #[test]
    fn an_undo_that_does_not_fit_offers_nothing() {
        let p = replayed(vec![
            PatchStep::Task,
            PatchStep::Files(vec![file("a")]),
            PatchStep::Undo(vec![vec![Fate::Undone, Fate::Undone]]),
        ]);
        assert!(paths(&p.tasks).is_empty());
        assert!(p.before_resume);
    }

    #[test]
    fn another_folder_or_unrecorded_patches_say_they_cannot_be_undone() {
        let log = PatchLog {
            steps: vec![PatchStep::Task, PatchStep::Files(vec![file("a")])],
            unrecorded: false,
        };
        let here = std::env::temp_dir();
        let p = Patches::resumed(&log, "/no/such/folder", &here);
        assert!(paths(&p.tasks).is_empty());
        assert!(p.before_resume);
        let old = PatchLog {
            steps: Vec::new(),
            unrecorded: true,
        };
        let p = Patches::resumed(&old, &here.display().to_string(), &here);
        assert!(p.before_resume);
        assert!(p.why_none().contains("cannot be undone here"));
    }

    #[test]
    fn a_file_kept_as_a_copy_is_out_of_reach_after_a_resume_unless_remade_from_its_diff() {
        let moved =
            json!({"status": "moved", "path": "b", "from": "a", "diff": "", "undo_copy": true});
        assert!(super::out_of_reach(&moved).is_some_and(|w| w.contains("copy")));
        let deleted = json!({"status": "deleted", "path": "d", "diff": "--- a/d\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n", "undo_copy": true});
        assert_eq!(super::out_of_reach(&deleted), None);
        let big = json!({"status": "deleted", "path": "d", "diff": "--- a/d\n+++ /dev/null\n[diff not shown: the file is 9.0 MiB]\n", "undo_copy": true});
        assert!(super::out_of_reach(&big).is_some());
        let dropped = json!({"status": "modified", "path": "m", "diff": "", "diff_left_out": true});
        assert!(super::out_of_reach(&dropped).is_some_and(|w| w.contains("1.0 MiB")));
        // Empty when deleted, or added empty: undone from git's own diff.
        let empty = json!({"status": "deleted", "path": "my e.txt", "diff": "", "added": 0, "removed": 0, "undo_copy": true});
        assert_eq!(super::out_of_reach(&empty), None);
        assert_eq!(
            super::empty_file_diff(&empty).as_deref(),
            Some("diff --git \"a/my e.txt\" \"b/my e.txt\"\ndeleted file mode 100644\n")
        );
        let sha = quire::tools::apply_patch::sha256_hex(b"");
        let added =
            json!({"status": "added", "path": "n", "diff": "", "sha256": sha, "undo_copy": true});
        assert_eq!(super::out_of_reach(&added), None);
        assert_eq!(
            super::empty_file_diff(&added).as_deref(),
            Some("diff --git a/n b/n\nnew file mode 100644\n")
        );
        let not_empty =
            json!({"status": "added", "path": "n", "diff": "", "sha256": "00", "undo_copy": true});
        assert!(super::out_of_reach(&not_empty).is_some());
        // In the run that made it: its copy is there.
        let live = json!({"status": "moved", "path": "b", "undo": 3});
        assert_eq!(super::out_of_reach(&live), None);
        assert_eq!(super::out_of_reach(&file("a")), None);
    }
}
