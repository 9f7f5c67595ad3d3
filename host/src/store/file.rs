//! Opening a session file without ever blocking on it: a FIFO, socket or
//! device named `*.jsonl` in the sessions folder is named, not opened for
//! a read that never ends.

use std::fs::File;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Why a path is not a session file that can be read.
#[derive(Debug)]
pub enum Unfit {
    /// It could not be opened (missing, a dangling link, no permission).
    Io(std::io::Error),
    /// It is not a regular file: what it is ("a FIFO", "a directory").
    Kind(&'static str),
}

impl std::fmt::Display for Unfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unfit::Io(e) => write!(f, "cannot be opened: {e}"),
            Unfit::Kind(kind) => write!(f, "{kind}, not a regular file"),
        }
    }
}

/// `path` opened for reading when it is a regular file (a link is
/// followed, as before). It is opened non-blocking, so opening a FIFO
/// returns at once, and its type is checked on the open file itself.
pub fn open_regular(path: &Path) -> Result<File, Unfit> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(Unfit::Io)?;
    let ty = file.metadata().map_err(Unfit::Io)?.file_type();
    if ty.is_file() {
        return Ok(file);
    }
    Err(Unfit::Kind(crate::file_kind::name(ty)))
}
