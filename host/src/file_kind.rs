//! What a path that is not a regular file is, in words, for messages that
//! refuse it (a FIFO would block a read; a socket or device is no file).

use std::fs::{File, FileType};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// "a directory", "a named pipe" (a FIFO), "a socket", "a device", or
/// "a regular file" / "a symbolic link" for those.
pub fn name(ty: FileType) -> &'static str {
    if ty.is_file() {
        "a regular file"
    } else if ty.is_dir() {
        "a directory"
    } else if ty.is_symlink() {
        "a symbolic link"
    } else if ty.is_fifo() {
        "a named pipe"
    } else if ty.is_socket() {
        "a socket"
    } else if ty.is_char_device() || ty.is_block_device() {
        "a device"
    } else {
        "something other than a file"
    }
}

/// `path` opened for reading when it is a regular file (a link is
/// followed). It is opened non-blocking, so opening a FIFO returns at once,
/// and its type is checked on the open file itself (no check-then-open
/// race). Anything else is an `InvalidInput` error saying what it is
/// ("a named pipe, not a regular file").
pub fn open_regular(path: &Path) -> std::io::Result<File> {
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => f,
        // A socket (or a device without a driver) cannot be opened at all:
        // say what it is rather than "No such device or address".
        Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
            return Err(match std::fs::metadata(path) {
                Ok(m) if !m.is_file() => not_regular(m.file_type()),
                _ => e,
            });
        }
        Err(e) => return Err(e),
    };
    let ty = file.metadata()?.file_type();
    if ty.is_file() {
        return Ok(file);
    }
    Err(not_regular(ty))
}

/// The `InvalidInput` error saying what a path of type `ty` is instead of
/// a regular file ("a named pipe, not a regular file").
pub fn not_regular(ty: FileType) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("{}, not a regular file", name(ty)),
    )
}

/// [`std::fs::read_to_string`] that never blocks on a FIFO or device: only
/// a regular file is read ([`open_regular`]). A leading UTF-8 byte order
/// mark (Windows editors write one) is dropped: every user file read here
/// (settings.json, plugin.json, hooks.json, .mcp.json, marketplace.json,
/// config.toml, AGENTS.md) parses as the same text without it.
pub fn read_to_string(path: &Path) -> std::io::Result<String> {
    let mut text = String::new();
    open_regular(path)?.read_to_string(&mut text)?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// [`std::fs::read`] that never blocks on a FIFO or device.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("settings.json");
        std::fs::write(&p, "\u{feff}{\"hooks\": {}}\r\n").unwrap();
        let text = read_to_string(&p).unwrap();
        assert_eq!(text, "{\"hooks\": {}}\r\n");
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    }

    #[test]
    fn folders_and_fifos_are_named() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            name(std::fs::metadata(dir.path()).unwrap().file_type()),
            "a directory"
        );
        let fifo = dir.path().join("p");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let ty = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert_eq!(name(ty), "a named pipe");
    }

    #[test]
    fn a_fifo_is_refused_without_blocking_and_a_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("p");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let err = read_to_string(&fifo).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert_eq!(err.to_string(), "a named pipe, not a regular file");
        let file = dir.path().join("f");
        std::fs::write(&file, "text").unwrap();
        assert_eq!(read_to_string(&file).unwrap(), "text");
        assert_eq!(read(&file).unwrap(), b"text");
    }

    #[test]
    fn a_socket_is_named_not_reported_as_a_missing_device() {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("s");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let err = read_to_string(&sock).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert_eq!(err.to_string(), "a socket, not a regular file");
    }
}
