//! `--strict`: what makes a skill work well in practice, beyond the spec.
//! A body over [`BODY_MAX_LINES`] lines or about [`BODY_MAX_TOKENS`]
//! tokens; relative file references in the body that do not exist
//! (case-sensitive) or leave the folder; angle brackets in the description;
//! the placeholder description of `quire skills new`.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use super::StrictValue;

pub const BODY_MAX_LINES: usize = 500;

/// How the description `quire skills new` writes starts; `--strict`
/// flags it until it is replaced.
pub const PLACEHOLDER_DESCRIPTION: &str =
    "TODO: replace with what the skill does and when to use it";
pub const BODY_MAX_TOKENS: usize = 5000;

/// About one token per four bytes of text.
pub fn estimate_tokens(text: &str) -> usize {
    text.len().div_ceil(4)
}

pub fn check(front: &BTreeMap<String, StrictValue>, body: &str, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let lines = body.lines().count();
    if lines > BODY_MAX_LINES {
        out.push(format!(
            "SKILL.md body has {lines} lines; keep it under {BODY_MAX_LINES} (move detail into references/)"
        ));
    }
    let tokens = estimate_tokens(body);
    if tokens > BODY_MAX_TOKENS {
        out.push(format!(
            "SKILL.md body is about {tokens} tokens; keep it under {BODY_MAX_TOKENS} (move detail into references/)"
        ));
    }
    for reference in file_references(body) {
        match resolve(dir, &reference) {
            Resolved::Exists => {}
            Resolved::Missing => out.push(format!(
                "Body references '{reference}', which does not exist in the skill folder (names are case-sensitive)"
            )),
            Resolved::Outside => out.push(format!(
                "Body references '{reference}', which is outside the skill folder (the skill tool only reads files inside it)"
            )),
        }
    }
    if let Some(d) = front.get("description").and_then(StrictValue::as_text)
        && d.trim_start().starts_with(PLACEHOLDER_DESCRIPTION)
    {
        out.push(
            "Description is still the placeholder from `quire skills new`; write what the skill does and when to use it (this text decides when it is picked)"
                .into(),
        );
    }
    if let Some(d) = front.get("description").and_then(StrictValue::as_text)
        && d.contains(['<', '>'])
    {
        out.push(
            "Description contains angle brackets (< or >); remove them, they break the XML skill catalog"
                .into(),
        );
    }
    out
}

/// Relative paths the body refers to: Markdown link and image targets
/// (`[x](path)`, `[x]: path`) and paths starting with `scripts/`,
/// `references/` or `assets/`. URLs, anchors, absolute paths and
/// templates (`<name>`, `{x}`, `$X`, `*`) are left out.
pub fn file_references(body: &str) -> Vec<String> {
    // (byte offset, reference), sorted by offset at the end.
    let mut found: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    while let Some(i) = body[at..].find("](") {
        at += i + 2;
        let rest = &body[at..];
        let end = rest.find(')').unwrap_or(rest.len());
        let target = rest[..end].trim();
        let target = target
            .strip_prefix('<')
            .and_then(|t| t.split_once('>').map(|(a, _)| a))
            .unwrap_or_else(|| target.split_whitespace().next().unwrap_or(""));
        if is_local(target) {
            found.push((at, target));
        }
    }
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some((label, target)) = t.split_once("]: ")
            && label.starts_with('[')
            && !label.contains(']')
        {
            let target = target.split_whitespace().next().unwrap_or("");
            if is_local(target) {
                found.push((offset, target));
            }
        }
        offset += line.len();
    }
    let is_boundary = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "`'\"(=".contains(c));
    for prefix in ["scripts/", "references/", "assets/"] {
        for (i, _) in body.match_indices(prefix) {
            let start = if body[..i].ends_with("./") { i - 2 } else { i };
            if !is_boundary(body[..start].chars().next_back()) {
                continue;
            }
            let tail = &body[i..];
            let end = tail
                .find(|c: char| c.is_whitespace() || "`'\")]>,;:|".contains(c))
                .unwrap_or(tail.len());
            let token = tail[..end].trim_end_matches(['.', '/']);
            if token.len() > prefix.len() && is_local(token) {
                found.push((i, token));
            }
        }
    }
    found.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, r) in found {
        let r = clean(r);
        if !r.is_empty() && !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

fn is_local(target: &str) -> bool {
    !(target.is_empty()
        || target.contains("://")
        || target.starts_with(['#', '/', '~', '\\'])
        || target.starts_with("mailto:")
        || target.contains(['<', '>', '{', '}', '$', '*', '?', '[']))
}

/// Without `#fragment`, `?query` or a leading `./`; `%20` decoded.
fn clean(r: &str) -> String {
    let r = r.split('#').next().unwrap_or("");
    let r = r.strip_prefix("./").unwrap_or(r);
    r.replace("%20", " ")
}

enum Resolved {
    Exists,
    Missing,
    Outside,
}

/// Checks `reference` under `dir` one component at a time against the
/// real directory entries, so `Scripts/` does not match `scripts/` even on
/// a case-insensitive file system.
fn resolve(dir: &Path, reference: &str) -> Resolved {
    let mut depth = 0usize;
    let mut parts = Vec::new();
    for c in Path::new(reference).components() {
        match c {
            Component::Normal(p) => {
                depth += 1;
                parts.push(p.to_string_lossy().into_owned());
            }
            Component::CurDir => {}
            Component::ParentDir => {
                if depth == 0 {
                    return Resolved::Outside;
                }
                depth -= 1;
                parts.pop();
            }
            _ => return Resolved::Outside,
        }
    }
    let mut cur = dir.to_path_buf();
    for p in parts {
        let Ok(entries) = std::fs::read_dir(&cur) else {
            return Resolved::Missing;
        };
        if !entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy() == p)
        {
            return Resolved::Missing;
        }
        cur.push(p);
    }
    Resolved::Exists
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_and_folder_paths() {
        let body = "See [the guide](references/guide.md#top) and ![img](./assets/a.png \"t\").\n\
            Run `python scripts/fill.py --in x` or scripts/run.sh.\n\
            [ref]: references/other.md\n\
            Not: https://x.io/scripts/a, [web](https://e.com), [anchor](#a), /abs/path,\n\
            scripts/<name>.py, myscripts/x, [t](<templates/a b.md>)";
        assert_eq!(
            file_references(body),
            vec![
                "references/guide.md",
                "assets/a.png",
                "scripts/fill.py",
                "scripts/run.sh",
                "references/other.md",
                "templates/a b.md"
            ]
        );
    }

    #[test]
    fn resolves_case_sensitively_and_refuses_escapes() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("scripts")).unwrap();
        std::fs::write(d.path().join("scripts/Run.sh"), "").unwrap();
        assert!(matches!(
            resolve(d.path(), "scripts/Run.sh"),
            Resolved::Exists
        ));
        assert!(matches!(
            resolve(d.path(), "scripts/run.sh"),
            Resolved::Missing
        ));
        assert!(matches!(resolve(d.path(), "../x"), Resolved::Outside));
        assert!(matches!(
            resolve(d.path(), "scripts/../../x"),
            Resolved::Outside
        ));
        assert!(matches!(
            resolve(d.path(), "scripts/../scripts/Run.sh"),
            Resolved::Exists
        ));
    }
}
