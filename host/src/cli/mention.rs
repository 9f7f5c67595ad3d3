//! `@path` in a message (`@"path with spaces"` quoted): the path stays in
//! the text, and quire adds the file's contents after the message as
//! context, so the model need not read it first. Only regular UTF-8 files
//! inside the workspace are attached, up to [`MAX_BYTES`] (the first part
//! of a larger one, marked as cut; a file that is not UTF-8 text is a note
//! saying so: quire::commands::attach_text); a mention that reads as a
//! path but is not (all) attached gets a warning saying why. An image
//! (`@shot.png`: PNG, JPEG, GIF or WebP) inside the workspace is attached
//! as an image, as a pasted path is. Each file is attached once, by its
//! resolved path (`@./a.txt @a.txt`, a link to it).

use std::path::{Path, PathBuf};

use quire::commands::attach_text::{self, Attachable};
use quire::commands::mentions::{lexically_inside, mentions, outside_note};
use quire::images::Image;

/// The largest file attached whole: of a larger one, the first part.
pub const MAX_BYTES: u64 = 64 * 1024;

/// A message with its files, and what was mentioned but not attached.
#[derive(Default)]
pub struct Attached {
    pub text: String,
    pub warnings: Vec<String>,
    /// Where the files begin in `text`, when any were attached.
    pub files_at: Option<usize>,
    /// The images mentioned, to go with the message.
    pub images: Vec<Image>,
}

/// `message` with the contents of the workspace files it mentions as
/// `@path` appended (each once, in order of mention).
pub fn attach(root: &Path, message: &str) -> Attached {
    let mut out = Attached {
        text: message.to_string(),
        warnings: Vec::new(),
        files_at: None,
        images: Vec::new(),
    };
    let Ok(root) = root.canonicalize() else {
        return out;
    };
    let mut seen: Vec<String> = Vec::new();
    // Each file once, however it is spelled (`@./a.txt @a.txt`, a link).
    let mut attached: Vec<PathBuf> = Vec::new();
    for m in mentions(message) {
        if seen.contains(&m.path) {
            continue;
        }
        seen.push(m.path.clone());
        match image_inside(&root, &m.path) {
            Some(Ok((real, image))) => {
                if !attached.contains(&real) {
                    attached.push(real);
                    out.images.push(image);
                }
                continue;
            }
            Some(Err(why)) => {
                out.warnings.push(format!(
                    "{} is not attached: {why}",
                    quire::commands::mentions::mention_form(&m.path)
                ));
                continue;
            }
            None => {}
        }
        match read_inside(&root, &m.path) {
            Ok((real, _)) if attached.contains(&real) => {}
            Ok((real, what)) => {
                attached.push(real);
                let form = quire::commands::mentions::mention_form(&m.path);
                out.warnings
                    .extend(attach_text::warning(&form, &what, MAX_BYTES));
                out.files_at.get_or_insert(message.len());
                out.text.push_str("\n\n");
                out.text
                    .push_str(&attach_text::block(&m.path, &what, MAX_BYTES));
            }
            Err(why) if m.looks_like_path() => out.warnings.push(format!(
                "{} is not attached: {why}",
                quire::commands::mentions::mention_form(&m.path)
            )),
            Err(_) => {}
        }
    }
    out
}

/// `text` with the files it mentions attached ([`attach`], from the
/// session's folder); what was not attached is said as the session's
/// warnings (shown by every view, `--json` events too). `files_at`: where
/// files `text` already holds begin (a custom command's). The session
/// learns where the files begin, to keep what was typed apart. For the
/// line mode and `quire exec`; the full-screen view shows its own notes.
pub fn attach_in(
    session: &mut quire::agent::Session,
    text: &str,
    files_at: Option<usize>,
) -> String {
    let attached = attach(session.cwd(), text);
    for w in attached.warnings {
        session.warn(w);
    }
    let wire = session.wire_api();
    let mut images = Vec::new();
    for image in attached.images {
        match image.check_for(wire, &image.name) {
            Ok(()) => images.push(image),
            Err(e) => session.warn(format!("@{} is not attached: {e}", image.name)),
        }
    }
    session.add_images(images);
    if let Some(at) = files_at.or(attached.files_at) {
        session.attached_from(at);
    }
    attached.text
}

/// The text of a custom command whose expansion attached its files
/// already; the session learns where they begin.
pub fn attached_already(
    session: &mut quire::agent::Session,
    prepared: &super::slash::Prepared,
) -> String {
    if let Some(at) = prepared.files() {
        session.attached_from(at);
    }
    prepared.text.clone()
}

/// The image `rel` names, when it names an image file (by its extension)
/// inside `root`: `None` for any other mention; an error when it is no
/// image quire can send.
fn image_inside(root: &Path, rel: &str) -> Option<Result<(PathBuf, Image), String>> {
    let ext = Path::new(rel).extension()?.to_str()?.to_ascii_lowercase();
    if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "webp") {
        return None;
    }
    if !lexically_inside(root, rel) {
        return None;
    }
    let path = root.join(rel).canonicalize().ok()?;
    if !path.starts_with(root) || !path.is_file() {
        return None;
    }
    Some(
        Image::load_as(&path, rel)
            .map(|image| (path, image))
            .map_err(|e| e.to_string()),
    )
}

/// The file's resolved path and what of it is attached when `rel` names
/// a file under `root`, else why not.
fn read_inside(root: &Path, rel: &str) -> Result<(PathBuf, Attachable), String> {
    let outside = || outside_note(root);
    // Outside as written (`../a.txt`, `/etc/x`), whether or not it exists.
    if !lexically_inside(root, rel) {
        return Err(outside());
    }
    let path = root
        .join(rel)
        .canonicalize()
        .map_err(|_| "no such file in the workspace (Tab completes @paths)".to_string())?;
    if !path.starts_with(root) {
        return Err(outside());
    }
    let meta = std::fs::metadata(&path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("it is not a file".into());
    }
    let what = attach_text::read(&path, MAX_BYTES).map_err(|e| e.to_string())?;
    Ok((path, what))
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
        assert!(out.text.starts_with(&msg), "the message is kept as typed");
        assert_eq!(out.text.matches("<file path=").count(), 3, "{}", out.text);
        assert_eq!(out.text.matches("<file path=\"src/calc.py\">").count(), 1);
        assert!(
            out.text
                .contains("<file path=\"src/calc.py\">\ndef add(a, b):\n    return a - b\n</file>")
        );
        // The large file's first part, marked; the binary one a note.
        assert!(
            out.text.contains("<file path=\"big.txt\">\nxxx"),
            "{}",
            out.text
        );
        assert!(out.text.contains("[cut here: the file has 65,537 bytes (64 KiB); only its first 64 KiB are attached]\n</file>"), "{}", out.text);
        assert!(out.text.ends_with("<file path=\"bin\">\n[not attached: the file is binary or not UTF-8 text (3 bytes)]\n</file>"), "{}", out.text);
        assert!(
            out.warnings
                .iter()
                .any(|w| w.starts_with("@big.txt is cut: it has 65,537 bytes")),
            "{:?}",
            out.warnings
        );
        assert!(
            out.warnings
                .iter()
                .any(|w| w.starts_with("@bin is not attached: it is not UTF-8 text")),
            "{:?}",
            out.warnings
        );
        assert_eq!(attach(&root, "no mentions").text, "no mentions");
    }

    #[test]
    fn quoted_paths_with_spaces_are_attached() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("my file ü.txt"), "hello").unwrap();
        let out = attach(dir.path(), "read @\"my file ü.txt\" please");
        assert!(
            out.text
                .ends_with("<file path=\"my file ü.txt\">\nhello\n</file>"),
            "{}",
            out.text
        );
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    }

    #[test]
    fn paths_not_attached_are_named_and_prose_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir_all(&root).unwrap();
        let out = attach(
            &root,
            "see @../a.txt and @missing.txt, mail me@example.com, thanks @alice",
        );
        assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
        assert!(
            out.warnings[0].starts_with("@../a.txt is not attached: it is outside the workspace"),
            "{:?}",
            out.warnings
        );
        assert!(
            out.warnings[1].starts_with("@missing.txt is not attached: no such file"),
            "{:?}",
            out.warnings
        );
    }

    #[test]
    fn a_mentioned_image_is_attached_as_an_image() {
        let dir = tempfile::tempdir().unwrap();
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
        std::fs::write(dir.path().join("shot.png"), png).unwrap();
        let out = attach(dir.path(), "what is in @shot.png");
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.text, "what is in @shot.png");
        assert_eq!(out.images.len(), 1);
        assert_eq!(out.images[0].name, "shot.png");
    }
}
