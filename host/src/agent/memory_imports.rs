//! Claude Code's `@path` imports in CLAUDE.md files: a word `@docs/style.md`
//! (at a line's start or after a space, outside code spans and fenced
//! blocks) brings that file's text in too, relative to the importing
//! file's folder (`~/` is the home folder), up to [`MAX_DEPTH`] imports
//! deep. A file imported is read once, after the file importing it first.
//!
//! An import is untrusted input when a repository's file makes it: it is
//! read only when it is a regular file inside one of the folders the
//! importing file may reach (the repository for a repository's file, the
//! home folder for the user's own), so `@~/.ssh/id_rsa` in a cloned
//! repository's CLAUDE.md sends nothing to the provider. Nor is a file a
//! Claude Code `Read` deny rule refuses (`@.env` under `Read(./.env)`,
//! from any settings file: deny needs no trust), as the model's own
//! `read_file` of it would be refused. What is not read is said, as the
//! links out of the repository are.

use std::path::{Path, PathBuf};

/// How many imports deep a chain is followed (Claude Code's limit).
pub const MAX_DEPTH: usize = 5;

/// Whether `file` is one of Claude Code's memory files, whose imports
/// count (AGENTS.md files are Codex's and read as written).
pub fn imports_apply(file: &Path) -> bool {
    file.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n == "CLAUDE.md" || n == "CLAUDE.local.md")
}

/// The `@path` words of `text`, in order.
pub fn imports(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut in_code = false;
        let mut prev = ' ';
        for (at, c) in line.char_indices() {
            if c == '`' {
                in_code = !in_code;
            } else if c == '@' && !in_code && prev.is_whitespace() {
                let word: String = line[at + 1..]
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '`')
                    .collect();
                let word = word.trim_end_matches([',', ';', ':', ')', '.']);
                if !word.is_empty() && looks_like_path(word) {
                    out.push(word.to_string());
                }
            }
            prev = c;
        }
    }
    out
}

/// A word that can name a file: not an `@someone` mention without a dot
/// or a slash.
fn looks_like_path(word: &str) -> bool {
    word.contains('/') || word.contains('.')
}

/// Where `import`, written in a file in `dir`, points.
fn resolve(dir: &Path, import: &str) -> Option<PathBuf> {
    if let Some(rest) = import.strip_prefix("~/") {
        return std::env::var_os("HOME").map(|h| PathBuf::from(h).join(rest));
    }
    let path = Path::new(import);
    Some(if path.is_absolute() {
        path.to_path_buf()
    } else {
        dir.join(path)
    })
}

/// `files` with each Claude memory file followed by the files it imports
/// (recursively), each file once. `reach(file)` is the folders a file's
/// imports may be in; an import elsewhere, missing or not a regular file
/// is said in `skipped` (missing ones only logged: `@mentions` are common),
/// as is one `denied` refuses (the `Read` deny rules).
pub fn expand(
    files: Vec<PathBuf>,
    reach: &dyn Fn(&Path) -> Vec<PathBuf>,
    denied: ReadDenied<'_>,
    skipped: &mut Vec<String>,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    for f in files {
        let allowed = reach(&f);
        visit(&f, 0, (&allowed, denied), &mut out, &mut seen, skipped);
    }
    out
}

/// Whether the `Read` deny rules refuse a file (its absolute path).
pub type ReadDenied<'a> = &'a dyn Fn(&Path) -> bool;

/// No file is denied.
pub fn none_denied(_: &Path) -> bool {
    false
}

fn visit(
    file: &Path,
    depth: usize,
    (allowed, denied): (&[PathBuf], ReadDenied<'_>),
    out: &mut Vec<PathBuf>,
    seen: &mut Vec<PathBuf>,
    skipped: &mut Vec<String>,
) {
    let real = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    if seen.contains(&real) {
        return;
    }
    seen.push(real);
    out.push(file.to_path_buf());
    if depth >= MAX_DEPTH || (depth == 0 && !imports_apply(file)) {
        return;
    }
    let Ok((text, _)) = super::doc_text::read(file) else {
        return;
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    for import in imports(&text) {
        let Some(target) = resolve(dir, &import) else {
            continue;
        };
        let Ok(meta) = std::fs::metadata(&target) else {
            tracing::debug!(file = %file.display(), import, "import not found");
            continue;
        };
        let real = std::fs::canonicalize(&target).unwrap_or_else(|_| target.clone());
        if !allowed.iter().any(|a| real.starts_with(a)) {
            skipped.push(format!(
                "{} imports @{import}, which is {}, outside the folders it may read; it was not read (copy the text into the file instead)",
                file.display(),
                real.display()
            ));
        } else if denied(&target) {
            skipped.push(format!(
                "{} imports @{import}, which a `Read` deny rule of the Claude Code settings refuses; it was not read",
                file.display()
            ));
        } else if !meta.is_file() {
            skipped.push(format!(
                "{} imports @{import}, which is not a regular file; it was not read",
                file.display()
            ));
        } else {
            visit(&target, depth + 1, (allowed, denied), out, seen, skipped);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_words_outside_code() {
        let text = "See @docs/style.md and @AGENTS.md.\n\
                    Mail me@example.com, ping @alice.\n\
                    `@not/this.md` is code\n\
                    ```\n@nor/this.md\n```\n\
                    @~/.claude/mine.md (personal)\n";
        assert_eq!(
            imports(text),
            ["docs/style.md", "AGENTS.md", "~/.claude/mine.md"]
        );
    }

    #[test]
    fn imports_follow_inside_the_reach_only_and_each_file_once() {
        let repo = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.md");
        std::fs::write(&secret, "SECRET").unwrap();
        std::fs::create_dir(repo.path().join("docs")).unwrap();
        std::fs::write(
            repo.path().join("docs/style.md"),
            "style, see @../AGENTS.md",
        )
        .unwrap();
        std::fs::write(repo.path().join("AGENTS.md"), "agents").unwrap();
        std::fs::write(
            repo.path().join("CLAUDE.md"),
            format!("@docs/style.md @AGENTS.md @{}", secret.display()),
        )
        .unwrap();
        let root = std::fs::canonicalize(repo.path()).unwrap();
        let mut skipped = Vec::new();
        let files = expand(
            vec![repo.path().join("AGENTS.md"), repo.path().join("CLAUDE.md")],
            &|_| vec![root.clone()],
            &none_denied,
            &mut skipped,
        );
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(repo.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["AGENTS.md", "CLAUDE.md", "docs/style.md"]);
        assert_eq!(skipped.len(), 1, "{skipped:?}");
        assert!(
            skipped[0].contains("outside the folders it may read"),
            "{skipped:?}"
        );
    }

    #[test]
    fn an_import_a_read_deny_rule_refuses_is_named_not_read() {
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(repo.path().join(".env"), "SECRET").unwrap();
        std::fs::write(repo.path().join("notes.md"), "notes").unwrap();
        std::fs::write(repo.path().join("CLAUDE.md"), "@.env @notes.md").unwrap();
        let root = std::fs::canonicalize(repo.path()).unwrap();
        let mut skipped = Vec::new();
        let files = expand(
            vec![repo.path().join("CLAUDE.md")],
            &|_| vec![root.clone()],
            &|p| p.ends_with(".env"),
            &mut skipped,
        );
        assert_eq!(files.len(), 2, "{files:?}");
        assert!(files[1].ends_with("notes.md"));
        assert!(
            skipped.len() == 1 && skipped[0].contains("@.env") && skipped[0].contains("deny rule"),
            "{skipped:?}"
        );
    }

    #[test]
    fn a_chain_of_imports_stops_at_the_depth_limit() {
        let repo = tempfile::tempdir().unwrap();
        for i in 0..8 {
            std::fs::write(
                repo.path().join(format!("{i}.md")),
                format!("@{}.md", i + 1),
            )
            .unwrap();
        }
        std::fs::write(repo.path().join("CLAUDE.md"), "@0.md").unwrap();
        let root = std::fs::canonicalize(repo.path()).unwrap();
        let files = expand(
            vec![repo.path().join("CLAUDE.md")],
            &|_| vec![root.clone()],
            &none_denied,
            &mut Vec::new(),
        );
        assert_eq!(files.len(), 1 + MAX_DEPTH, "{files:?}");
    }
}
