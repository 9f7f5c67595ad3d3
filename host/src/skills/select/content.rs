//! What an activation puts into the conversation (the body wrapped as
//! `<skill_content>`, with the folder and a list of its files), and reading
//! one file of a skill without ever leaving its folder.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::skills::Skill;
use crate::skills::folder::{Located, Refused, listing, locate};

/// Files listed in an activation.
pub const MAX_FILES_LISTED: usize = 200;
/// Folder depth walked for that list.
const MAX_DEPTH: usize = 6;

/// Why a file of a skill cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    #[error(
        "'{0}' is outside the skill's folder: give a path relative to the folder, without '..'"
    )]
    Outside(String),
    #[error(
        "'{0}' leads through a symbolic link to outside the skill's folder; links out of a skill are not followed (read the files the skill holds itself)"
    )]
    LinkOut(String),
    #[error("'{0}' does not exist in the skill's folder; the activation lists its files")]
    NotFound(String),
    #[error("'{0}' is a directory, not a file; the activation lists the files inside it")]
    NotAFile(String),
    #[error(
        "'{0}' is not a regular file (a named pipe, socket or device) and cannot be read; the activation lists the skill's files"
    )]
    Special(String),
    #[error("'{path}' is a binary file ({bytes} bytes) and cannot be shown as text")]
    Binary { path: String, bytes: u64 },
    #[error("cannot read '{path}': {message}")]
    Io { path: String, message: String },
}

/// The text injected when `skill` is activated.
pub fn activation_text(skill: &Skill) -> String {
    wrap(skill, &skill.body, "")
}

/// What marks the text of a skill the user called with arguments
/// ([`invoked_text`]) in its opening tag.
pub const INVOKED: &str = " invoked=\"user\">";

/// The text injected when the user called `skill` with arguments:
/// `instructions` (its body filled in) in place of its body.
pub fn invoked_text(skill: &Skill, instructions: &str) -> String {
    wrap(skill, instructions, INVOKED.trim_end_matches('>'))
}

fn wrap(skill: &Skill, body: &str, mark: &str) -> String {
    let (files, cut) = list_files(&skill.dir);
    let mut s = format!(
        "<skill_content name=\"{}\"{mark}>\nSkill folder: {}\nRun its scripts with the `shell` tool, `workdir` set to this folder. Read its other files with the `skill` tool (action \"read\", path relative to the folder).\n",
        skill.name.replace('&', "&amp;").replace('"', "&quot;"),
        skill.dir.display()
    );
    if files.is_empty() {
        s.push_str("Files: none besides SKILL.md.\n");
    } else {
        s.push_str("Files:\n");
        for f in &files {
            s.push_str(&format!("- {f}\n"));
        }
        if cut {
            s.push_str(&format!(
                "- … (only the first {MAX_FILES_LISTED} are listed)\n"
            ));
        }
    }
    s.push('\n');
    s.push_str(body.trim());
    s.push_str("\n</skill_content>");
    s
}

/// The files under `dir` (relative, sorted; `SKILL.md` itself, dot entries,
/// `node_modules` and anything leading outside the folder left out) and
/// whether the list was cut at [`MAX_FILES_LISTED`]: the walk of
/// [`crate::skills::folder`].
pub fn list_files(dir: &Path) -> (Vec<String>, bool) {
    listing(dir, MAX_FILES_LISTED, MAX_DEPTH)
}

/// The file at `rel` inside `skill`'s folder. Absolute paths, `..` and
/// symlinks that lead out of the folder are refused
/// ([`crate::skills::folder::locate`]).
pub fn resolve(skill: &Skill, rel: &str) -> Result<PathBuf, ReadError> {
    match locate(&skill.dir, rel) {
        Ok(Located::File(full)) => Ok(full),
        Ok(Located::Dir(_)) => Err(ReadError::NotAFile(rel.to_string())),
        Err(Refused::Special) => Err(ReadError::Special(rel.to_string())),
        Err(Refused::Outside) => Err(ReadError::Outside(rel.to_string())),
        Err(Refused::LinkOut) => Err(ReadError::LinkOut(rel.to_string())),
        Err(Refused::NotFound) => Err(ReadError::NotFound(rel.to_string())),
        Err(Refused::Io(message)) => Err(ReadError::Io {
            path: rel.to_string(),
            message,
        }),
    }
}

/// Leading bytes looked at for a NUL, as `read_file` does: a file
/// holding one is binary.
const BINARY_SNIFF_BYTES: u64 = 8 * 1024;

/// The part of a skill's file one answer shows: `text` starts at byte
/// `start` (a character boundary at or before the offset asked for) of a
/// file of `total` bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Window {
    pub text: String,
    pub start: usize,
    pub total: usize,
}

/// The text of the file at `rel` inside `skill`'s folder from byte
/// `offset`, at least `size` bytes of it when the file has them (a few
/// more, so that the page can end on a character). Only that window is
/// read, whatever the file's size; a file with a NUL byte in its first
/// 8 KiB or in the window, or that is not UTF-8 there, is binary.
pub fn read_window(
    skill: &Skill,
    rel: &str,
    offset: usize,
    size: usize,
) -> Result<Window, ReadError> {
    let full = resolve(skill, rel)?;
    let io = |e: std::io::Error| ReadError::Io {
        path: rel.to_string(),
        message: e.to_string(),
    };
    let mut file = crate::file_kind::open_regular(&full).map_err(io)?;
    let total = file.metadata().map_err(io)?.len();
    let binary = || ReadError::Binary {
        path: rel.to_string(),
        bytes: total,
    };
    let mut head = Vec::new();
    (&mut file)
        .take(BINARY_SNIFF_BYTES)
        .read_to_end(&mut head)
        .map_err(io)?;
    if head.contains(&0) {
        return Err(binary());
    }
    let offset = (offset as u64).min(total);
    // Up to 3 bytes before the offset to find the character it falls in,
    // 4 after the page to end on a whole one.
    let lo = offset.saturating_sub(3);
    file.seek(SeekFrom::Start(lo)).map_err(io)?;
    let want = (offset - lo).saturating_add(size as u64).saturating_add(4);
    let mut buf = Vec::new();
    (&mut file).take(want).read_to_end(&mut buf).map_err(io)?;
    let mut at = ((offset - lo) as usize).min(buf.len());
    while at > 0 && at < buf.len() && (buf[at] & 0xC0) == 0x80 {
        at -= 1;
    }
    let mut bytes = buf.split_off(at);
    if bytes.contains(&0) {
        return Err(binary());
    }
    let end = lo + (at + bytes.len()) as u64;
    if let Err(e) = std::str::from_utf8(&bytes) {
        // A character cut by the end of the window is not an error.
        match e.error_len() {
            None if end < total => bytes.truncate(e.valid_up_to()),
            _ => return Err(binary()),
        }
    }
    let text = String::from_utf8(bytes).map_err(|_| binary())?;
    Ok(Window {
        text,
        start: (lo as usize).saturating_add(at),
        total: total as usize,
    })
}

/// The whole text of the file at `rel` inside `skill`'s folder (a window
/// as large as the file).
#[cfg(test)]
pub fn read(skill: &Skill, rel: &str) -> Result<String, ReadError> {
    read_window(skill, rel, 0, usize::MAX / 2).map(|w| w.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::select::testing::{skill, write};

    fn fixture() -> (tempfile::TempDir, Skill) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("skills");
        let s = write(&root, skill("pdf-forms", "PDF forms.")).unwrap();
        std::fs::create_dir_all(s.dir.join("scripts")).unwrap();
        std::fs::write(s.dir.join("scripts/fill.py"), "print('fill')\n").unwrap();
        std::fs::create_dir_all(s.dir.join(".git")).unwrap();
        std::fs::write(s.dir.join(".git/HEAD"), "x").unwrap();
        std::fs::write(s.dir.join("logo.png"), [0xff, 0xd8, 0x00, 0x9f]).unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "TOP-SECRET").unwrap();
        (tmp, s)
    }

    #[test]
    fn activation_wraps_the_body_with_folder_and_files() {
        let (_tmp, s) = fixture();
        let text = activation_text(&s);
        assert!(text.starts_with("<skill_content name=\"pdf-forms\">\nSkill folder: "));
        assert!(text.contains(&format!("Skill folder: {}\n", s.dir.display())));
        assert!(text.contains("Files:\n- logo.png\n- scripts/fill.py\n\n# pdf-forms"));
        assert!(!text.contains(".git") && !text.contains("print('fill')"));
        assert!(text.ends_with("</skill_content>"));
    }

    #[test]
    fn reads_files_inside_the_folder() {
        let (_tmp, s) = fixture();
        assert_eq!(read(&s, "scripts/fill.py").unwrap(), "print('fill')\n");
        assert_eq!(read(&s, "./scripts/fill.py").unwrap(), "print('fill')\n");
        assert!(read(&s, "SKILL.md").unwrap().contains("name: pdf-forms"));
        assert!(matches!(
            read(&s, "logo.png"),
            Err(ReadError::Binary { .. })
        ));
        assert!(matches!(read(&s, "scripts"), Err(ReadError::NotAFile(_))));
        assert!(matches!(read(&s, "nope.md"), Err(ReadError::NotFound(_))));
    }

    #[test]
    fn a_named_pipe_is_said_to_be_one_not_a_directory() {
        let (_tmp, s) = fixture();
        let fifo = s.dir.join("pipe.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|st| st.success()), "mkfifo");
        let err = read(&s, "pipe.md").unwrap_err();
        assert!(matches!(err, ReadError::Special(_)), "{err}");
        assert!(err.to_string().contains("named pipe"), "{err}");
    }

    #[test]
    fn a_window_starts_and_ends_on_characters() {
        let (_tmp, s) = fixture();
        std::fs::write(s.dir.join("u.md"), "aé€b\n").unwrap();
        // Byte 2 is inside 'é': the window starts at 1.
        let w = read_window(&s, "u.md", 2, 2).unwrap();
        assert_eq!((w.start, w.total), (1, 8));
        assert_eq!(w.text, "é€b\n");
        std::fs::write(s.dir.join("e.md"), "a€€€€").unwrap();
        // 1 + 4 bytes read: the second '€' cut there is left out.
        let w = read_window(&s, "e.md", 0, 1).unwrap();
        assert_eq!(w.text, "a€");
        let w = read_window(&s, "e.md", 99, 10).unwrap();
        assert_eq!((w.start, w.text.as_str()), (13, ""));
    }

    #[test]
    fn a_nul_in_the_window_or_the_head_is_binary() {
        let (_tmp, s) = fixture();
        let mut text = "x".repeat(10_000);
        text.push('\0');
        std::fs::write(s.dir.join("late.md"), &text).unwrap();
        assert_eq!(read_window(&s, "late.md", 0, 100).unwrap().text.len(), 104);
        assert!(matches!(
            read_window(&s, "late.md", 9_950, 100),
            Err(ReadError::Binary { bytes: 10_001, .. })
        ));
        std::fs::write(s.dir.join("head.md"), format!("\0{}", "y".repeat(20_000))).unwrap();
        assert!(matches!(
            read_window(&s, "head.md", 15_000, 100),
            Err(ReadError::Binary { .. })
        ));
    }
}
