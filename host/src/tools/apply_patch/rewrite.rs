//! One file of a patch rewritten from the fields of Claude Code's `Write`
//! (`content`) and `Edit` (`old_string`, `new_string`), as a hook's
//! `updatedInput` gives them back; the patch is written out again.

use super::parse::{self, FileOp, Hunk, HunkLine};

/// What a hook changed of one file of a patch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileRewrite {
    /// The file's new path (as written in the patch).
    pub path: Option<String>,
    /// An added file's whole content (`Write`'s `content`).
    pub content: Option<String>,
    /// An update's text replaced (`Edit`'s `old_string`, `new_string`).
    pub replace: Option<(String, String)>,
}

/// `patch` with its `index`th file changed by `rw`; the error says why it
/// cannot be.
pub fn rewrite_file(patch: &str, index: usize, rw: FileRewrite) -> Result<String, String> {
    let mut ops = parse::parse(patch).map_err(|e| e.to_string())?;
    let op = ops
        .get_mut(index)
        .ok_or_else(|| format!("the patch has no file number {}", index + 1))?;
    match op {
        FileOp::Add { path, lines } => {
            if rw.replace.is_some() {
                return Err("old_string/new_string were given for an added file".into());
            }
            if let Some(c) = rw.content {
                *lines = c.lines().map(str::to_string).collect();
            }
            if let Some(p) = rw.path {
                *path = p;
            }
        }
        FileOp::Update { path, hunks, .. } => {
            if rw.content.is_some() {
                return Err("content was given for an edited file".into());
            }
            if let Some((old, new)) = rw.replace {
                if hunks.len() != 1 {
                    return Err(format!(
                        "the patch changes {} places of the file; old_string/new_string map back only onto one",
                        hunks.len()
                    ));
                }
                let mut lines: Vec<HunkLine> =
                    old.lines().map(|l| HunkLine::Remove(l.into())).collect();
                lines.extend(new.lines().map(|l| HunkLine::Add(l.into())));
                hunks[0] = Hunk {
                    header: hunks[0].header.clone(),
                    lines,
                    end_of_file: hunks[0].end_of_file,
                    text: Vec::new(),
                };
            }
            if let Some(p) = rw.path {
                *path = p;
            }
        }
        FileOp::Delete { path } => {
            if rw.content.is_some() || rw.replace.is_some() {
                return Err("a deleted file has no text to change".into());
            }
            if let Some(p) = rw.path {
                *path = p;
            }
        }
    }
    Ok(render(&ops))
}

/// `ops` as patch text.
fn render(ops: &[FileOp]) -> String {
    let mut out = String::from("*** Begin Patch\n");
    for op in ops {
        match op {
            FileOp::Add { path, lines } => {
                out.push_str(&format!("*** Add File: {path}\n"));
                for l in lines {
                    out.push_str(&format!("+{l}\n"));
                }
            }
            FileOp::Delete { path } => out.push_str(&format!("*** Delete File: {path}\n")),
            FileOp::Update {
                path,
                move_to,
                hunks,
            } => {
                out.push_str(&format!("*** Update File: {path}\n"));
                if let Some(to) = move_to {
                    out.push_str(&format!("*** Move to: {to}\n"));
                }
                for h in hunks {
                    match &h.header {
                        Some(head) if !head.is_empty() => out.push_str(&format!("@@ {head}\n")),
                        _ => out.push_str("@@\n"),
                    }
                    for l in &h.lines {
                        let (mark, t) = match l {
                            HunkLine::Context(t) => (' ', t),
                            HunkLine::Remove(t) => ('-', t),
                            HunkLine::Add(t) => ('+', t),
                        };
                        out.push(mark);
                        out.push_str(t);
                        out.push('\n');
                    }
                    if h.end_of_file {
                        out.push_str("*** End of File\n");
                    }
                }
            }
        }
    }
    out.push_str("*** End Patch\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "*** Begin Patch\n*** Add File: b.txt\n+one\n*** Update File: a.txt\n@@\n-hello\n+hello world\n*** End Patch\n";

    fn files(patch: &str) -> Vec<super::super::PatchFile> {
        super::super::patch_files(patch)
    }

    #[test]
    fn a_write_and_an_edit_map_back_into_the_patch() {
        let wrote = rewrite_file(
            PATCH,
            0,
            FileRewrite {
                content: Some("ONE\nTWO\n".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(files(&wrote)[0].new_text, "ONE\nTWO\n");
        let edited = rewrite_file(
            PATCH,
            1,
            FileRewrite {
                replace: Some(("hello\n".into(), "HELLO WORLD\n".into())),
                ..Default::default()
            },
        )
        .unwrap();
        let f = &files(&edited)[1];
        assert_eq!(
            (f.old_text.as_str(), f.new_text.as_str()),
            ("hello\n", "HELLO WORLD\n")
        );
        assert_eq!(
            files(&edited)[0].new_text,
            "one\n",
            "the other file is kept"
        );
    }

    #[test]
    fn rewrites_that_do_not_fit_the_file_are_refused() {
        let e = rewrite_file(
            PATCH,
            1,
            FileRewrite {
                content: Some("x".into()),
                ..Default::default()
            },
        );
        assert!(e.is_err());
        assert!(rewrite_file(PATCH, 5, FileRewrite::default()).is_err());
    }
}
