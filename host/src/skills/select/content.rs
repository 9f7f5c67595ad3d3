//! What an activation puts into the conversation (the body wrapped as
//! `<skill_content>`, with the folder and a list of its files), and reading
//! one file of a skill without ever leaving its folder.

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
    #[error("'{path}' is a binary file ({bytes} bytes) and cannot be shown as text")]
    Binary { path: String, bytes: u64 },
    #[error("cannot read '{path}': {message}")]
    Io { path: String, message: String },
}

/// The text injected when `skill` is activated.
pub fn activation_text(skill: &Skill) -> String {
    let (files, cut) = list_files(&skill.dir);
    let mut s = format!(
        "<skill_content name=\"{}\">\nSkill folder: {}\nRun its scripts with the `shell` tool, `workdir` set to this folder. Read its other files with the `skill` tool (action \"read\", path relative to the folder).\n",
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
    s.push_str(skill.body.trim());
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
        Ok(Located::Dir(_)) | Err(Refused::Special) => Err(ReadError::NotAFile(rel.to_string())),
        Err(Refused::Outside) => Err(ReadError::Outside(rel.to_string())),
        Err(Refused::LinkOut) => Err(ReadError::LinkOut(rel.to_string())),
        Err(Refused::NotFound) => Err(ReadError::NotFound(rel.to_string())),
        Err(Refused::Io(message)) => Err(ReadError::Io {
            path: rel.to_string(),
            message,
        }),
    }
}

/// The text of the file at `rel` inside `skill`'s folder.
pub fn read(skill: &Skill, rel: &str) -> Result<String, ReadError> {
    let full = resolve(skill, rel)?;
    let bytes = std::fs::read(&full).map_err(|e| ReadError::Io {
        path: rel.to_string(),
        message: e.to_string(),
    })?;
    let len = bytes.len() as u64;
    String::from_utf8(bytes).map_err(|_| ReadError::Binary {
        path: rel.to_string(),
        bytes: len,
    })
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
}
