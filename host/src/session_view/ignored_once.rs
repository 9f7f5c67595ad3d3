//! One diff per ignored file in `/diff`, however many of the session's
//! patches changed it (before a resume too): what it held before the
//! first of them against what it holds now, as `git diff` shows a tracked
//! file once. What it held before is found by taking the patches' diffs
//! back, last first (`git apply -R`), from a copy of the file as it is
//! now, in a folder of quire's own, never the user's. When that cannot be
//! done — the file changed since its last patch, a diff was cut or left
//! out of the record, a move, text that is not UTF-8 — each patch is
//! shown as it was made, as before.

use std::path::Path;

use quire::store::DIFF_LEFT_OUT;
use quire::tools::apply_patch::{FileDiff, is_partial};
use serde_json::Value;

/// The most of a file taken back through its patches (a larger one is
/// shown patch by patch).
const MAX_BYTES: u64 = 1024 * 1024;

/// `entries` (patched files, in order), each file's several patches made
/// one entry where that can be done; its first place is kept.
pub(super) fn merged(entries: Vec<Value>, cwd: &Path) -> Vec<Value> {
    let mut paths: Vec<&str> = Vec::new();
    for e in &entries {
        if let Some(p) = path_of(e).filter(|p| !paths.contains(p)) {
            paths.push(p);
        }
    }
    let mut out = Vec::new();
    for path in paths {
        let of: Vec<&Value> = entries
            .iter()
            .filter(|e| path_of(e) == Some(path))
            .collect();
        match of.as_slice() {
            [one] => out.push((*one).clone()),
            several => match once(path, several, cwd) {
                Some(one) => out.push(one),
                None => out.extend(several.iter().map(|e| (*e).clone())),
            },
        }
    }
    out
}

fn path_of(f: &Value) -> Option<&str> {
    f.get("path")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
}

/// The patches `of` the file `path` (relative to `cwd`) as one entry:
/// `None` when they cannot be taken back to what was there before.
fn once(path: &str, of: &[&Value], cwd: &Path) -> Option<Value> {
    let rel = Path::new(path);
    let plain = rel
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    let whole = |e: &&Value| {
        e.get("from").is_none()
            && e.get(DIFF_LEFT_OUT).is_none()
            && e.get("diff")
                .and_then(Value::as_str)
                .is_some_and(|d| !d.is_empty() && !is_partial(d))
    };
    if !plain || !of.iter().all(whole) {
        return None;
    }
    let last = of.last()?;
    let real = cwd.join(path);
    if super::patches::changed(last, &real).is_some() {
        return None;
    }
    let now = match last.get("status").and_then(Value::as_str) {
        Some("deleted") => None,
        _ => Some(small_text(&real)?),
    };
    let before = taken_back(now.as_deref(), of)?;
    let status = match (&before, &now) {
        (None, Some(_)) => "added",
        (Some(_), None) => "deleted",
        (Some(_), Some(_)) => "modified",
        // Made and deleted again: nothing of it is left.
        (None, None) => return None,
    };
    let diff = FileDiff::new(
        status,
        path,
        None,
        before.as_deref().unwrap_or_default(),
        now.as_deref().unwrap_or_default(),
    );
    serde_json::to_value(diff).ok()
}

/// The file's text, when it is UTF-8 and not too large.
fn small_text(real: &Path) -> Option<String> {
    let meta = std::fs::metadata(real).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    String::from_utf8(std::fs::read(real).ok()?).ok()
}

/// Takes `diff` (naming the file `f` of `dir`) back with `git apply -R`;
/// `None` when it does not take back (`what` names it in the log).
pub(super) fn take_back(dir: &std::path::Path, diff: &str, what: &str) -> Option<()> {
    let out = quire::git::Git::new(dir)
        .args(["apply", "-R", "--whitespace=nowarn", "-"])
        .input(diff.as_bytes())
        .output()
        .ok()?;
    if !out.status.success() {
        tracing::debug!(
            stderr = %String::from_utf8_lossy(&out.stderr),
            "{what} does not take back"
        );
        return None;
    }
    Some(())
}

/// What the file `rel` held before the patches `of` (`now`: what it holds
/// now, `None` when it is gone): `Some(None)` when the first patch made
/// it; `None` when a diff does not take back.
fn taken_back(now: Option<&str>, of: &[&Value]) -> Option<Option<String>> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("quire-diff-{}-{n}", std::process::id()));
    // Each diff names the file `f` (the patches may have named it
    // through a link or with `..`).
    let copy = dir.join("f");
    let result = (|| {
        std::fs::create_dir_all(&dir).ok()?;
        if let Some(now) = now {
            std::fs::write(&copy, now).ok()?;
        }
        for e in of.iter().rev() {
            let diff = of_f(e.get("diff").and_then(Value::as_str)?)?;
            take_back(&dir, &diff, "/diff: a patch of an ignored file")?;
        }
        match std::fs::read(&copy) {
            Ok(bytes) => Some(Some(String::from_utf8(bytes).ok()?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(None),
            Err(_) => None,
        }
    })();
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        tracing::debug!("cannot remove {}: {e}", dir.display());
    }
    result
}

/// `diff` with its header naming the file `f` (`/dev/null` sides kept);
/// `None` when it has no `---`/`+++` header.
pub(super) fn of_f(diff: &str) -> Option<String> {
    let (old, rest) = diff.strip_prefix("--- ")?.split_once('\n')?;
    let (new, body) = rest.strip_prefix("+++ ")?.split_once('\n')?;
    let side = |p: &str, named: &'static str| if p == "/dev/null" { "/dev/null" } else { named };
    Some(format!(
        "--- {}\n+++ {}\n{body}",
        side(old, "a/f"),
        side(new, "b/f")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(status: &'static str, old: &str, new: &str) -> Value {
        serde_json::to_value(FileDiff::new(status, "gen/out.txt", None, old, new)).unwrap()
    }

    #[test]
    fn a_file_made_then_changed_is_one_added_file_with_what_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("gen")).unwrap();
        std::fs::write(dir.path().join("gen/out.txt"), "a\nB\n").unwrap();
        let entries = vec![
            patch("added", "", "a\nb\n"),
            patch("modified", "a\nb\n", "a\nB\n"),
        ];
        let got = merged(entries, dir.path());
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0]["status"], "added");
        let diff = got[0]["diff"].as_str().unwrap();
        assert!(diff.contains("+a\n+B\n") && !diff.contains("+b"), "{diff}");
    }

    #[test]
    fn a_file_changed_since_its_last_patch_keeps_each_patch() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("gen")).unwrap();
        std::fs::write(dir.path().join("gen/out.txt"), "edited by hand\n").unwrap();
        let entries = vec![
            patch("modified", "x\n", "y\n"),
            patch("modified", "y\n", "z\n"),
        ];
        assert_eq!(merged(entries, dir.path()).len(), 2);
    }
}
