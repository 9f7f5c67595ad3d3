//! Files and folders only their owner may read (0600, 0700): what holds
//! the user's prompts or transcripts (session files, the composer's
//! history, terms learned from messages). Ones made earlier with wider
//! permissions are tightened when quire writes to them again.

use std::fs::{DirBuilder, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Mode of a file only its owner reads and writes.
pub const FILE_MODE: u32 = 0o600;
/// Mode of a folder only its owner lists and enters.
pub const DIR_MODE: u32 = 0o700;

/// Creates `dir` (and missing parents, which get 0700 too) and makes sure
/// `dir` itself is not readable by others.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    tighten(&std::fs::metadata(dir)?.permissions(), DIR_MODE, |p| {
        std::fs::set_permissions(dir, p)
    })
}

/// Opens `path` for appending, created 0600 when missing; an existing
/// file readable by others is tightened to 0600 on the open file.
pub fn append(path: &Path) -> io::Result<File> {
    open(path, OpenOptions::new().append(true).create(true))
}

/// Creates `path`, which must not exist yet, 0600, for appending.
pub fn create_new(path: &Path) -> io::Result<File> {
    open(path, OpenOptions::new().append(true).create_new(true))
}

/// Opens an existing `path` for appending and tightens it to 0600.
pub fn append_existing(path: &Path) -> io::Result<File> {
    open(path, OpenOptions::new().append(true))
}

/// Writes `bytes` to a new file `path` (replaced when it exists), 0600.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    open(
        path,
        OpenOptions::new().write(true).create(true).truncate(true),
    )?
    .write_all(bytes)
}

fn open(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    let file = options.mode(FILE_MODE).open(path)?;
    // Only regular files are tightened (never a device or FIFO someone
    // put in the path's place).
    let meta = file.metadata()?;
    if meta.is_file() {
        tighten(&meta.permissions(), FILE_MODE, |p| file.set_permissions(p))?;
    }
    Ok(file)
}

/// Removes the group and other bits of `current` when it has any.
fn tighten(
    current: &Permissions,
    mode: u32,
    set: impl FnOnce(Permissions) -> io::Result<()>,
) -> io::Result<()> {
    let bits = current.mode() & 0o777;
    if bits & 0o077 == 0 {
        return Ok(());
    }
    set(Permissions::from_mode(bits & mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_files_and_folders_are_the_owners_only() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("a/sessions");
        create_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let f = dir.join("s.jsonl");
        create_new(&f).unwrap();
        assert_eq!(mode(&f), 0o600);
        let w = dir.join("w.json");
        write(&w, b"{}").unwrap();
        assert_eq!(mode(&w), 0o600);
    }

    #[test]
    fn existing_ones_readable_by_others_are_tightened() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("sessions");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, Permissions::from_mode(0o755)).unwrap();
        let f = dir.join("history.jsonl");
        std::fs::write(&f, "x\n").unwrap();
        std::fs::set_permissions(&f, Permissions::from_mode(0o644)).unwrap();
        create_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        append(&f).unwrap();
        assert_eq!(mode(&f), 0o600);
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "x\n", "kept");
        // Only bits are removed: 0640 becomes 0600, never wider.
        std::fs::set_permissions(&f, Permissions::from_mode(0o640)).unwrap();
        append_existing(&f).unwrap();
        assert_eq!(mode(&f), 0o600);
    }
}
