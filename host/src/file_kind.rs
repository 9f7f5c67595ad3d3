//! What a path that is not a regular file is, in words, for messages that
//! refuse it (a FIFO would block a read; a socket or device is no file).

use std::fs::FileType;
use std::os::unix::fs::FileTypeExt;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
