//! Reading a hook's `CLAUDE_ENV_FILE` safely: a regular file only
//! (never a link's target, a folder, a FIFO or a device), of bounded size.

use std::path::Path;

/// The most a hook's file may hold; a bigger one is not read.
const MAX_FILE: u64 = 1024 * 1024;

/// The bytes of `file` when it is a regular file of at most [`MAX_FILE`]
/// bytes; `Ok(None)` when it is gone, `Err` saying why it is not read
/// otherwise. A link is not followed and a FIFO or device is never
/// opened for reading (a FIFO would block quire for good).
pub(super) fn read_regular(file: &Path) -> Result<Option<Vec<u8>>, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let not_file =
        "is not read: it is not a regular file (a link, folder, FIFO or device was left there)";
    match std::fs::symlink_metadata(file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("is not read: {e}")),
        Ok(m) if !m.file_type().is_file() => return Err(not_file.into()),
        Ok(_) => {}
    }
    // Swapped since the check: O_NOFOLLOW and O_NONBLOCK keep a link or
    // FIFO from being followed or blocking; the handle is checked again.
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(file);
    let f = match opened {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("is not read: {e}")),
    };
    match f.metadata() {
        Ok(m) if !m.file_type().is_file() => return Err(not_file.into()),
        Ok(m) if m.len() > MAX_FILE => {
            return Err(format!(
                "is not read: it has {} bytes, more than the {MAX_FILE} read",
                m.len()
            ));
        }
        Ok(_) => {}
        Err(e) => return Err(format!("is not read: {e}")),
    }
    let mut bytes = Vec::new();
    match f.take(MAX_FILE + 1).read_to_end(&mut bytes) {
        Ok(n) if n as u64 > MAX_FILE => Err(format!(
            "is not read: it has more than the {MAX_FILE} bytes read"
        )),
        Ok(_) => Ok(Some(bytes)),
        Err(e) => Err(format!("is not read: {e}")),
    }
}
