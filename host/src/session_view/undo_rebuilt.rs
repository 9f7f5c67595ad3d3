//! `/undo` after a resume of a file the live session put back from a copy
//! kept in memory (moved, edited through a linked folder, its hunks
//! placed loosely): that copy ended with the quire that made the patch,
//! so the file as it was is rebuilt from what the session file recorded —
//! the patch's whole diff taken back from the file as the patch left it
//! (its digest checked), in a folder of quire's own — and put back as the
//! live undo does, beneath the workspace and never through a link.
//!
//! A recorded path is trusted only inside the workspace: one leading out
//! of it (`..`, an absolute path, a link pointing out) is refused, named
//! with where it leads, and nothing is written for it.

use std::path::{Path, PathBuf};

use quire::store::{DIFF_LEFT_OUT, UNDO_COPY};
use quire::tools::apply_patch::{Original, Restored, UndoError, is_partial, normalize, real_path};
use serde_json::Value;

/// Why the recorded file `f` may not be written by an `/undo` that has no
/// copy of it (one recorded before a resume): its path or its move's old
/// path leads outside the workspace `cwd`; `None` when both stay inside.
pub(super) fn outside(cwd: &Path, f: &Value) -> Option<String> {
    let root = workspace(cwd);
    let moved = f.get("from").is_some();
    ["path", "from"]
        .iter()
        .filter_map(|k| f.get(*k).and_then(Value::as_str))
        .find(|p| leads_to(&root, p).is_none_or(|real| !inside(&root, &real)))
        .map(|p| {
            let it = match moved {
                true => quire::printable::quoted_name(p).into_owned(),
                false => "it".to_string(),
            };
            format!(
                "{it} is outside the workspace (it leads to {}), and /undo writes there only from the copy kept by the quire that made the patch",
                where_to(&root, p)
            )
        })
}

/// Whether `f`, recorded before a resume, is undone by rebuilding it: its
/// undo needed the in-memory copy, and its record holds the whole diff
/// and the digest of what the patch left.
pub(super) fn fits(f: &Value) -> bool {
    let flag = |k: &str| f.get(k).and_then(Value::as_bool) == Some(true);
    let status = f.get("status").and_then(Value::as_str);
    let diff = f.get("diff").and_then(Value::as_str).unwrap_or("");
    flag(UNDO_COPY)
        && !flag(DIFF_LEFT_OUT)
        && f.get("undo").is_none()
        && matches!(status, Some("moved" | "modified"))
        && f.get("sha256").and_then(Value::as_str).is_some()
        && (status == Some("moved") || !diff.is_empty())
        && !is_partial(diff)
}

/// Why a rebuilt file was not put back. Nothing was written.
pub(super) enum Unbuilt {
    /// As the live undo's refusals.
    Undo(UndoError),
    /// The recorded diff does not take back what the patch left.
    Diff,
}

/// Puts the file of `f` (one [`fits`] took, inside the workspace `cwd`)
/// back as it was before its patch, when it is still what the patch left.
pub(super) fn put_back(cwd: &Path, f: &Value) -> Result<Restored, Unbuilt> {
    let root = workspace(cwd);
    let path = f.get("path").and_then(Value::as_str).unwrap_or_default();
    let left_at = leads_to(&root, path).ok_or(Unbuilt::Diff)?;
    let from = match f.get("from").and_then(Value::as_str) {
        Some(from) => leads_to(&root, from).ok_or(Unbuilt::Diff)?,
        None => left_at.clone(),
    };
    let left = f
        .get("sha256")
        .and_then(Value::as_str)
        .and_then(unhex)
        .ok_or(Unbuilt::Diff)?;
    let now = match std::fs::read(&left_at) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Unbuilt::Undo(UndoError::Gone(path.to_string())));
        }
        Err(source) => {
            return Err(Unbuilt::Undo(UndoError::Io {
                path: path.to_string(),
                source,
            }));
        }
    };
    if quire::tools::apply_patch::sha256_hex(&now) != quire::tools::apply_patch::hex(&left) {
        return Err(Unbuilt::Undo(UndoError::Changed(path.to_string())));
    }
    let diff = f.get("diff").and_then(Value::as_str).unwrap_or("");
    let before = if diff.is_empty() {
        now
    } else {
        taken_back(&now, diff).ok_or(Unbuilt::Diff)?
    };
    let perms = std::fs::metadata(&left_at).ok().map(|m| m.permissions());
    let original = Original {
        path: from,
        bytes: Some((before, perms)),
        left_at,
        left: Some(left),
        made_dirs: Vec::new(),
        roots: vec![root],
    };
    quire::tools::apply_patch::put_back(&original).map_err(Unbuilt::Undo)
}

/// The workspace as paths are compared against it (links resolved).
fn workspace(cwd: &Path) -> PathBuf {
    std::fs::canonicalize(cwd).unwrap_or_else(|_| normalize(cwd))
}

/// Where the recorded path `p` leads from the workspace `root`: its `..`
/// and links resolved; `None` for an absolute path.
fn leads_to(root: &Path, p: &str) -> Option<PathBuf> {
    if p.is_empty() || Path::new(p).is_absolute() {
        return None;
    }
    Some(real_path(&normalize(&root.join(p))))
}

fn inside(root: &Path, real: &Path) -> bool {
    real.starts_with(root) && real != root
}

/// Where `p` leads, as the refusal names it.
fn where_to(root: &Path, p: &str) -> String {
    let at = match Path::new(p).is_absolute() {
        true => real_path(&normalize(Path::new(p))),
        false => real_path(&normalize(&root.join(p))),
    };
    quire::printable::quoted_name(&at.display().to_string()).into_owned()
}

fn unhex(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// What the file held before the patch whose `diff` left `now`: the diff
/// taken back with `git apply -R` from a copy, in a folder of quire's
/// own (its header names a file of that folder, whatever paths the
/// record holds); `None` when it does not take back.
fn taken_back(now: &[u8], diff: &str) -> Option<Vec<u8>> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let diff = super::ignored_once::of_f(diff)?;
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("quire-undo-rebuilt-{}-{n}", std::process::id()));
    let result = (|| {
        std::fs::create_dir_all(&dir).ok()?;
        std::fs::write(dir.join("f"), now).ok()?;
        super::ignored_once::take_back(&dir, &diff, "/undo: a recorded diff")?;
        std::fs::read(dir.join("f")).ok()
    })();
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        tracing::debug!("cannot remove {}: {e}", dir.display());
    }
    result
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn paths_leading_out_of_the_workspace_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let ws = std::fs::canonicalize(dir.path()).unwrap().join("ws");
        std::fs::create_dir_all(ws.join("src")).unwrap();
        std::os::unix::fs::symlink("/tmp", ws.join("out")).unwrap();
        std::os::unix::fs::symlink("src", ws.join("alias")).unwrap();
        let of = |path: &str| json!({"status": "modified", "path": path});
        assert_eq!(outside(&ws, &of("src/a.txt")), None);
        assert_eq!(outside(&ws, &of("alias/a.txt")), None);
        assert_eq!(outside(&ws, &of("./src/../src/a.txt")), None);
        for bad in ["../x.txt", "/etc/hosts", "out/x.txt", "src/../../x"] {
            let why = outside(&ws, &of(bad)).unwrap_or_default();
            assert!(
                why.contains("it is outside the workspace (it leads to "),
                "{bad}: {why}"
            );
        }
        let why = outside(&ws, &of("../x.txt")).unwrap_or_default();
        let out = ws.parent().unwrap().join("x.txt");
        assert!(
            why.contains(&format!("(it leads to {})", out.display())),
            "{why}"
        );
        let moved = json!({"status": "moved", "path": "src/b", "from": "../a"});
        let why = outside(&ws, &moved).unwrap_or_default();
        assert!(why.starts_with("../a is outside the workspace"), "{why}");
    }

    #[test]
    fn a_moved_and_edited_file_is_rebuilt_from_its_diff() {
        let now = b"one\nTWO\nthree\n";
        let diff = "--- a/old.txt\n+++ b/new.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n";
        assert_eq!(
            taken_back(now, diff).as_deref(),
            Some(&b"one\ntwo\nthree\n"[..])
        );
        assert_eq!(taken_back(b"other\n", diff), None);
        assert_eq!(unhex(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(unhex("zz"), None);
    }
}
