//! `@path` in a message: the path stays in the text, and quire adds the
//! file's contents after the message as context, so the model need not
//! read it first. Only regular UTF-8 files inside the workspace, up to
//! [`MAX_BYTES`], are attached; anything else is left as typed.

use std::path::Path;

/// The largest file attached whole.
pub const MAX_BYTES: u64 = 64 * 1024;

/// `message` with the contents of the workspace files it mentions as
/// `@path` appended (each once, in order of mention).
pub fn attach(root: &Path, message: &str) -> String {
    let Ok(root) = root.canonicalize() else {
        return message.to_string();
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut out = message.to_string();
    for word in message.split_whitespace() {
        let Some(rel) = word.strip_prefix('@') else {
            continue;
        };
        let rel = rel.trim_end_matches([',', '.', ';', ':', ')', '?', '!']);
        if rel.is_empty() || seen.contains(&rel) {
            continue;
        }
        if let Some(text) = read_inside(&root, rel) {
            seen.push(rel);
            out.push_str(&format!("\n\n<file path=\"{rel}\">\n{text}"));
            if !text.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("</file>");
        }
    }
    out
}

/// The file's text when `rel` names a small UTF-8 file under `root`.
fn read_inside(root: &Path, rel: &str) -> Option<String> {
    let path = root.join(rel).canonicalize().ok()?;
    if !path.starts_with(root) {
        return None;
    }
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    String::from_utf8(std::fs::read(&path).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_files_are_attached_once_and_nothing_else() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "no").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(
            root.join("src/calc.py"),
            "def add(a, b):\n    return a - b\n",
        )
        .unwrap();
        std::fs::write(root.join("big.txt"), "x".repeat(MAX_BYTES as usize + 1)).unwrap();
        std::fs::write(root.join("bin"), [0xff, 0xfe, 0x00]).unwrap();
        let escape = outside.path().join("secret.txt");
        let msg = format!(
            "fix @src/calc.py, see @src/calc.py and @big.txt @bin @missing @../ws/../../{} @{}",
            escape.strip_prefix("/").unwrap().display(),
            escape.display()
        );
        let out = attach(&root, &msg);
        assert!(out.starts_with(&msg), "the message is kept as typed");
        assert_eq!(out.matches("<file path=").count(), 1, "{out}");
        assert!(
            out.ends_with("<file path=\"src/calc.py\">\ndef add(a, b):\n    return a - b\n</file>")
        );
        assert_eq!(attach(&root, "no mentions"), "no mentions");
    }
}
