//! `quire exec -o FILE`: the task's answer written to FILE. The path is
//! checked before the task starts (no tokens spent on an answer that
//! cannot be kept), and the file is replaced whole: the text goes to a
//! temporary file in the same folder, renamed over FILE, so a reader sees
//! the old content or the new, never a part.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the answer goes, checked.
#[derive(Debug)]
pub struct AnswerFile {
    /// As given (for messages).
    path: PathBuf,
}

impl AnswerFile {
    /// FILE may be written: it is not a folder, and its folder exists and
    /// takes new files (a FIFO or a device such as /dev/stdout is written
    /// as it is).
    pub fn check(path: &Path) -> Result<AnswerFile, String> {
        if path.as_os_str().is_empty() {
            return Err("-o needs a file path: quire exec -o answer.md \"TASK\"".into());
        }
        let shown = path.display();
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(format!(
                    "cannot write the answer to {shown}: it is a folder; give a file path, such as {}",
                    path.join("answer.md").display()
                ));
            }
            Ok(m) if !m.is_file() => return Ok(AnswerFile { path: path.into() }),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let folder = folder_of(path);
                match std::fs::metadata(&folder) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => {
                        return Err(format!(
                            "cannot write the answer to {shown}: {} is not a folder",
                            folder.display()
                        ));
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        return Err(format!(
                            "cannot write the answer to {shown}: the folder {} does not exist (create it first: mkdir -p {})",
                            folder.display(),
                            folder.display()
                        ));
                    }
                    Err(e) => return Err(format!("cannot write the answer to {shown}: {e}")),
                }
            }
            Err(e) => return Err(format!("cannot write the answer to {shown}: {e}")),
        }
        // The folder takes the temporary file the answer is written to.
        let file = AnswerFile { path: path.into() };
        let (tmp, _) = file.temporary()?;
        let _ = std::fs::remove_file(&tmp);
        Ok(file)
    }

    /// FILE as given, for messages.
    pub fn shown(&self) -> std::path::Display<'_> {
        self.path.display()
    }

    /// Writes `text` in place of FILE's content.
    pub fn write(&self, text: &str) -> Result<(), String> {
        let shown = self.path.display();
        let fail = |e: std::io::Error| format!("cannot write the answer to {shown}: {e}");
        if std::fs::metadata(&self.path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(&self.path)
                .map_err(fail)?;
            return f.write_all(text.as_bytes()).map_err(fail);
        }
        let (tmp, mut f) = self.temporary()?;
        let written = f
            .write_all(text.as_bytes())
            .and_then(|()| f.sync_all())
            .and_then(|()| std::fs::rename(&tmp, self.target()));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(fail(e));
        }
        Ok(())
    }

    /// The file renamed over: FILE, or what the link FILE points to (the
    /// link stays).
    fn target(&self) -> PathBuf {
        std::fs::canonicalize(&self.path).unwrap_or_else(|_| self.path.clone())
    }

    /// A new temporary file next to the target, with the target's
    /// permissions when it exists.
    fn temporary(&self) -> Result<(PathBuf, std::fs::File), String> {
        let target = self.target();
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "answer".into());
        let tmp = folder_of(&target).join(format!(".{name}.quire-{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| {
                format!(
                    "cannot write the answer to {}: cannot create a file in {}: {e} (choose a folder you can write to)",
                    self.path.display(),
                    folder_of(&target).display()
                )
            })?;
        if let Ok(m) = std::fs::metadata(&target) {
            let _ = file.set_permissions(m.permissions());
        }
        Ok((tmp, file))
    }
}

/// The folder a file path names its file in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
