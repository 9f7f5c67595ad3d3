//! Files and folders only their owner may read (0600, 0700): what holds
//! the user's prompts or transcripts (session files, the composer's
//! history, terms learned from messages). Files made earlier with wider
//! permissions are tightened when quire writes to them again. A folder
//! is made 0700 when quire creates it; an existing one is left as it is
//! (a `sessions_dir` may name /tmp, a team share or the workspace, whose
//! mode is not quire's to change), except quire's own folder made wider
//! by an older quire ([`tighten_own_dir`]).

use std::fs::{DirBuilder, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Mode of a file only its owner reads and writes.
pub const FILE_MODE: u32 = 0o600;
/// Mode of a folder only its owner lists and enters.
pub const DIR_MODE: u32 = 0o700;

/// Creates `dir` (and missing parents, which get 0700 too). A folder that
/// exists already is used as it is, its mode unchanged; a path that is
/// not a folder is an error saying so.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => return Ok(()),
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "it exists and is not a folder",
            ));
        }
        Err(_) => {}
    }
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)
}

/// Tightens `dir`, a folder of quire's own naming ($QUIRE_HOME/sessions),
/// to 0700 when an older quire left it readable by others. Only a plain
/// folder (not a link) owned by this user, with no sticky, setgid or
/// setuid bit, is changed; anything else, or a missing folder, is left.
pub fn tighten_own_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    if !meta.is_dir() || meta.uid() != me || meta.mode() & 0o7000 != 0 {
        return Ok(());
    }
    tighten(&meta.permissions(), DIR_MODE, |p| {
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
    fn existing_files_readable_by_others_are_tightened() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("history.jsonl");
        std::fs::write(&f, "x\n").unwrap();
        std::fs::set_permissions(&f, Permissions::from_mode(0o644)).unwrap();
        append(&f).unwrap();
        assert_eq!(mode(&f), 0o600);
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "x\n", "kept");
        // Only bits are removed: 0640 becomes 0600, never wider.
        std::fs::set_permissions(&f, Permissions::from_mode(0o640)).unwrap();
        append_existing(&f).unwrap();
        assert_eq!(mode(&f), 0o600);
    }

    fn full_mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn an_existing_folder_keeps_its_mode() {
        let d = tempfile::tempdir().unwrap();
        for m in [0o1777, 0o2775, 0o755] {
            let dir = d.path().join(format!("shared{m:o}"));
            std::fs::create_dir(&dir).unwrap();
            std::fs::set_permissions(&dir, Permissions::from_mode(m)).unwrap();
            create_dir(&dir).unwrap();
            assert_eq!(full_mode(&dir), m, "{}", dir.display());
        }
        let file = d.path().join("plain");
        std::fs::write(&file, "").unwrap();
        let e = create_dir(&file).unwrap_err();
        assert!(e.to_string().contains("not a folder"), "{e}");
    }

    #[test]
    fn quires_own_folder_is_tightened_unless_shared() {
        let d = tempfile::tempdir().unwrap();
        let own = d.path().join("sessions");
        std::fs::create_dir(&own).unwrap();
        std::fs::set_permissions(&own, Permissions::from_mode(0o755)).unwrap();
        tighten_own_dir(&own).unwrap();
        assert_eq!(full_mode(&own), 0o700);
        let sticky = d.path().join("tmp");
        std::fs::create_dir(&sticky).unwrap();
        std::fs::set_permissions(&sticky, Permissions::from_mode(0o1777)).unwrap();
        tighten_own_dir(&sticky).unwrap();
        assert_eq!(full_mode(&sticky), 0o1777);
        tighten_own_dir(&d.path().join("missing")).unwrap();
    }
}
