//! Instruction files of the folders the model works in: when a call of
//! `read_file` or `apply_patch` touches a file under a folder of the
//! workspace whose AGENTS.md (or CLAUDE.md) was not in the system prompt
//! (a folder below the working directory, or beside it), that file's text
//! is added after the call's result as an [`Item::Context`], once per
//! conversation (as Claude Code does with a sub-folder's CLAUDE.md). The
//! system prompt never changes: the text joins the history, so later
//! requests extend the same prefix.
//!
//! Only a call that worked counts (status ok): one a rule, a hook, the
//! user or the sandbox refused, or one that failed (a file that does not
//! exist), read nothing there. The files follow the root files' rules: a
//! `Read` deny rule keeps a file (or an import) out, a CLAUDE.md's
//! `@imports` are followed from its own folder inside the workspace, and
//! what is not sent is named in a warning, once.

use std::path::{Path, PathBuf};

use super::Session;
use super::memory_imports::ReadDenied;
use crate::lexical_path::normalize as lexical;
use crate::protocol::{CallResult, CallStatus, Event, Item, ToolCall};

/// The `source` of the [`Item::Context`] holding a folder's files.
pub(crate) const SOURCE: &str = "folder_instructions";

/// How the context's text begins; the folder follows, then `">`.
const OPEN: &str = "<folder_instructions folder=\"";

/// The files a call reads or edits, as the model wrote them.
fn touched(call: &ToolCall) -> Vec<String> {
    let Ok(args) = serde_json::from_str::<serde_json::Value>(&call.arguments) else {
        return Vec::new();
    };
    match call.name.as_str() {
        "read_file" => args["path"]
            .as_str()
            .map(str::to_string)
            .into_iter()
            .collect(),
        "apply_patch" => args["patch"]
            .as_str()
            .map(crate::tools::apply_patch::affected_paths)
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The folders whose files are already in `history`.
fn attached(history: &[Item]) -> Vec<PathBuf> {
    history
        .iter()
        .filter_map(|item| match item {
            Item::Context { source, text } if source == SOURCE => text
                .strip_prefix(OPEN)
                .and_then(|rest| rest.split_once("\">"))
                .map(|(folder, _)| PathBuf::from(folder)),
            _ => None,
        })
        .collect()
}

/// `call` as it ran (with the arguments `PreToolUse` hooks rewrote), when
/// its result says it worked; `None` for a refused or failed call.
pub(crate) fn worked(call: &ToolCall, result: &CallResult) -> Option<ToolCall> {
    if result.status != CallStatus::Ok || result.is_error {
        return None;
    }
    let mut call = call.clone();
    if let Some(rw) = &result.rewritten {
        call.arguments = rw.arguments.to_string();
    }
    Some(call)
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The folders of `file` (relative to `cwd`) inside `workspace` whose
/// instruction files the system prompt does not hold (it holds those of
/// `cwd` and the folders above it), the outermost first.
fn folders_of(file: &str, cwd: &Path, workspace: &Path) -> Vec<PathBuf> {
    let path = cwd.join(file);
    let Some(parent) = path.parent() else {
        return Vec::new();
    };
    let workspace = canonical(workspace);
    let cwd = canonical(cwd);
    let Ok(parent) = std::fs::canonicalize(parent) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = parent
        .ancestors()
        .take_while(|d| d.starts_with(&workspace))
        .filter(|d| !cwd.starts_with(d))
        .map(Path::to_path_buf)
        .collect();
    dirs.reverse();
    dirs
}

/// The folders of `file` (relative to `cwd`) that lie in `workspace` by
/// name but are a link (or below one) leading out of it, each with where
/// it leads.
fn linked_out(file: &str, cwd: &Path, workspace: &Path) -> Vec<(PathBuf, PathBuf)> {
    let path = lexical(&cwd.join(file));
    let workspace = lexical(workspace);
    let real_workspace = canonical(&workspace);
    let Some(parent) = path.parent() else {
        return Vec::new();
    };
    let mut dirs: Vec<&Path> = parent
        .ancestors()
        .take_while(|d| d.starts_with(&workspace) && *d != workspace)
        .collect();
    dirs.reverse();
    dirs.into_iter()
        .filter_map(|d| {
            let real = std::fs::canonicalize(d).ok()?;
            (!real.starts_with(&real_workspace)).then(|| (d.to_path_buf(), real))
        })
        .collect()
}

/// One folder's instruction files as context, capped at `cap` bytes of
/// their text (their imports included); what was skipped or cut goes to
/// `warnings`. A file (or import) `denied` refuses is named, not read.
fn folder_text(
    dir: &Path,
    workspace: &Path,
    (cap, denied): (usize, ReadDenied<'_>),
    warnings: &mut Vec<String>,
) -> Option<String> {
    let workspace = canonical(workspace);
    let mut files = Vec::new();
    for found in super::prompt::folder_files(dir, warnings) {
        let target = canonical(&found);
        if !target.starts_with(&workspace) {
            warnings.push(format!(
                "{} links to {}, outside the workspace; it was not read (copy the text into the file instead)",
                found.display(),
                target.display()
            ));
        } else if denied(&found) {
            warnings.push(format!(
                "{} is refused by a `Read` deny rule of the Claude Code settings; it was not sent",
                found.display()
            ));
        } else {
            files.push(found);
        }
    }
    // A workspace's file imports from the workspace only.
    let reach = |_: &Path| vec![workspace.clone()];
    let files = super::memory_imports::expand(files, &reach, denied, warnings);
    let mut joined = super::doc_text::Joined::new(cap);
    for found in files {
        if joined.full() {
            warnings.push(cut_note(&found, cap));
            continue;
        }
        if joined.add(&found, warnings) == super::doc_text::Added::Cut {
            warnings.push(cut_note(&found, cap));
        }
    }
    let body_text = joined.text;
    if body_text.is_empty() {
        return None;
    }
    Some(format!(
        "{OPEN}{}\">\nInstructions for the files under {} (found while working there; deeper folders take precedence):\n\n{}</folder_instructions>",
        dir.display(),
        dir.display(),
        body_text.trim_end()
    ))
}

/// The files' names, for a warning: `AGENTS.md, CLAUDE.md`.
fn names(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| {
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| f.display().to_string())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn cut_note(file: &Path, cap: usize) -> String {
    format!(
        "{} exceeds {} (project_doc_max_bytes) with the other instruction files of its folder; it was cut: shorten them, or move detail into skills",
        file.display(),
        super::prompt::size(cap)
    )
}

impl Session {
    /// After a round of calls: the instruction files of the folders they
    /// read or edited, each folder's once per conversation.
    pub(crate) fn record_folder_docs(&mut self, calls: &[ToolCall]) {
        let cap = self.config.project_doc_max_bytes;
        if cap == 0 {
            return;
        }
        let permissions = self.tools.permissions();
        let denied =
            |p: &Path| permissions.is_some_and(|r| r.denies_read(&p.display().to_string()));
        let mut seen = attached(&self.history);
        seen.extend(self.folder_docs_warned.iter().cloned());
        let mut warnings = Vec::new();
        let mut items = Vec::new();
        for file in calls.iter().flat_map(touched) {
            for (dir, target) in linked_out(&file, &self.cwd, &self.workspace) {
                if seen.contains(&dir) {
                    continue;
                }
                seen.push(dir.clone());
                let files = super::prompt::folder_files(&target, &mut Vec::new());
                if !files.is_empty() {
                    warnings.push(format!(
                        "{} leads to {}, outside the workspace; its instruction files ({}) were not read (copy the text into the workspace instead)",
                        dir.display(),
                        target.display(),
                        names(&files)
                    ));
                    self.folder_docs_warned.push(dir);
                }
            }
            for dir in folders_of(&file, &self.cwd, &self.workspace) {
                if seen.contains(&dir) {
                    continue;
                }
                seen.push(dir.clone());
                let before = warnings.len();
                match folder_text(&dir, &self.workspace, (cap, &denied), &mut warnings) {
                    Some(text) => items.push(Item::Context {
                        source: SOURCE.into(),
                        text,
                    }),
                    // Said once: not again at the next call there.
                    None if warnings.len() > before => self.folder_docs_warned.push(dir),
                    None => {}
                }
            }
        }
        for message in warnings {
            self.events.send(Event::Warning { message });
        }
        for item in items {
            self.record(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::memory_imports::none_denied as none;

    fn call(name: &str, args: serde_json::Value) -> ToolCall {
        ToolCall {
            call_id: "c".into(),
            name: name.into(),
            arguments: args.to_string(),
        }
    }

    #[test]
    fn reads_and_patches_name_their_files() {
        let read = call("read_file", serde_json::json!({"path": "pkg/a.py"}));
        assert_eq!(touched(&read), vec!["pkg/a.py"]);
        let patch = "*** Begin Patch\n*** Add File: b/x.txt\n+x\n*** End Patch";
        let patch = call("apply_patch", serde_json::json!({ "patch": patch }));
        assert_eq!(touched(&patch), vec!["b/x.txt"]);
        assert!(touched(&call("shell", serde_json::json!({"command": "ls"}))).is_empty());
        assert!(touched(&call("read_file", serde_json::json!("not an object"))).is_empty());
    }

    #[test]
    fn only_folders_below_or_beside_the_cwd_inside_the_workspace() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let ws = tmp.path();
        std::fs::create_dir_all(ws.join("app/pkg/deep")).expect("mkdir");
        std::fs::create_dir_all(ws.join("lib")).expect("mkdir");
        let cwd = ws.join("app");
        let ws_c = canonical(ws);
        assert_eq!(
            folders_of("pkg/deep/x.py", &cwd, ws),
            vec![ws_c.join("app/pkg"), ws_c.join("app/pkg/deep")]
        );
        assert_eq!(folders_of("../lib/x.py", &cwd, ws), vec![ws_c.join("lib")]);
        assert!(folders_of("x.py", &cwd, ws).is_empty());
        assert!(folders_of("../../x.py", &cwd, ws).is_empty());
    }

    #[test]
    fn a_folder_reached_through_a_link_out_is_found() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let elsewhere = tempfile::tempdir().expect("tempdir");
        let ws = tmp.path();
        std::fs::create_dir_all(elsewhere.path().join("sub")).expect("mkdir");
        std::fs::create_dir_all(ws.join("in")).expect("mkdir");
        std::os::unix::fs::symlink(elsewhere.path(), ws.join("ext")).expect("link");
        let real = canonical(elsewhere.path());
        assert_eq!(
            linked_out("ext/sub/x.txt", ws, ws),
            vec![
                (ws.join("ext"), real.clone()),
                (ws.join("ext/sub"), real.join("sub"))
            ]
        );
        assert_eq!(linked_out("../ext/x.txt", &ws.join("in"), ws).len(), 1);
        assert!(linked_out("in/x.txt", ws, ws).is_empty());
        assert!(folders_of("ext/x.txt", ws, ws).is_empty());
    }

    #[test]
    fn a_folder_attached_is_known_from_the_history() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(tmp.path().join("AGENTS.md"), "use snake_case\n").expect("write");
        let mut warnings = Vec::new();
        let text = folder_text(tmp.path(), tmp.path(), (1000, &none), &mut warnings).expect("text");
        assert!(text.contains("use snake_case"), "{text}");
        let history = vec![Item::Context {
            source: SOURCE.into(),
            text,
        }];
        assert_eq!(attached(&history), vec![tmp.path().to_path_buf()]);
        let cut = folder_text(tmp.path(), tmp.path(), (4, &none), &mut warnings).expect("text");
        assert!(
            cut.contains("use \n") && cut.contains("cut at 4 bytes"),
            "{cut}"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }
}
