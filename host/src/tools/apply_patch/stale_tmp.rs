//! quire's temp files beside the files it writes, and the ones a killed
//! quire left. A temp file is named `.quire-KIND-PID-START-XXXXXXXX`:
//! the process writing it (its id and its start time, so a reused id is
//! told apart) and a random part. apply_patch and `/undo` remove the ones
//! in a folder they write in whose process is gone, when the file is a
//! regular file of the user running quire; the older names of
//! `.quire-KIND-XXXXXXXX` (no process in them) once they are an hour old.
//! Nothing else is touched: links, other names, other users' files.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

/// How old a temp file of the older name is before it counts as left over.
pub const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

const KINDS: [&str; 2] = ["patch", "undo"];

/// A new temp file name of `kind` (`patch`, `undo`) for this process:
/// at most 13 + 10 + 1 + 20 + 1 + 8 bytes, short whatever the name of the
/// file it replaces (which may be as long as NAME_MAX, 255 bytes).
pub fn name(kind: &str) -> String {
    format!(
        ".quire-{kind}-{}-{}-{:08x}",
        std::process::id(),
        own_start(),
        fastrand::u32(..)
    )
}

/// Who wrote a temp file, read from its name.
#[derive(Debug, PartialEq, Eq)]
enum Writer {
    /// A process: its id and start time (0: not known where it was made).
    Process { pid: u32, start: u64 },
    /// The older name, without a process.
    Unknown,
}

/// Who wrote `name`, when it is exactly one of quire's temp file names.
fn writer(name: &str) -> Option<Writer> {
    let rest = KINDS.iter().find_map(|k| {
        name.strip_prefix(".quire-")?
            .strip_prefix(k)?
            .strip_prefix('-')
    })?;
    let hex8 = |s: &str| {
        s.len() == 8
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    match rest.split('-').collect::<Vec<_>>()[..] {
        [random] if hex8(random) => Some(Writer::Unknown),
        [pid, start, random] if hex8(random) => Some(Writer::Process {
            pid: u32::try_from(number(pid)?).ok()?,
            start: number(start)?,
        }),
        _ => None,
    }
}

/// Whether `name` is one of quire's temp file names, exactly.
pub fn is_tmp_name(name: &str) -> bool {
    writer(name).is_some()
}

/// This process's start time (clock ticks after boot), 0 where unknown.
fn own_start() -> u64 {
    static START: OnceLock<u64> = OnceLock::new();
    *START.get_or_init(|| start_of(std::process::id()).unwrap_or(0))
}

/// When process `pid` started (field 22 of `/proc/PID/stat`); `None`
/// when there is no such process (or no /proc).
fn start_of(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name in parentheses may hold spaces: count after its end.
    let after = stat.rsplit_once(')')?.1;
    after.split_whitespace().nth(19)?.parse().ok()
}

/// Whether the process that named a temp file `pid`/`start` is gone.
fn gone(pid: u32, start: u64) -> bool {
    if pid == std::process::id() && start == own_start() {
        return false;
    }
    if Path::new("/proc/self/stat").exists() {
        // No such process, or another one that got the same id.
        return start_of(pid).is_none_or(|s| start != 0 && s != start);
    }
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

/// Whether the file `name` with metadata `meta` is a temp file a quire
/// that is gone left.
fn stale(name: &str, meta: &std::fs::Metadata, now: SystemTime) -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if !meta.is_file() || meta.uid() != unsafe { libc::geteuid() } {
        return false;
    }
    match writer(name) {
        Some(Writer::Process { pid, start }) => gone(pid, start),
        Some(Writer::Unknown) => meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= STALE_AFTER),
        None => false,
    }
}

/// Removes the temp files in `dir` that a quire which is gone left.
/// Best effort: a folder that cannot be read or a file that cannot be
/// removed is left as it is.
pub fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str().filter(|n| is_tmp_name(n)) else {
            continue;
        };
        // Not followed: a link with such a name is not ours.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !stale(name, &meta, now) {
            continue;
        }
        match std::fs::remove_file(entry.path()) {
            Ok(()) => {
                tracing::debug!(path = %entry.path().display(), "removed a left-over temp file")
            }
            Err(e) => {
                tracing::debug!(path = %entry.path().display(), error = %e, "cannot remove a left-over temp file")
            }
        }
    }
}

/// [`sweep`] of a folder opened beneath the workspace root, reached
/// through its descriptor (no path walked again).
pub fn sweep_dir(dir: &super::beneath::Dir) {
    sweep(Path::new(&format!("/proc/self/fd/{}", dir.fd())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_names_count() {
        assert!(is_tmp_name(".quire-patch-0a1b2c3d"));
        assert!(is_tmp_name(".quire-undo-ffffffff"));
        assert!(is_tmp_name(".quire-patch-123-456-0a1b2c3d"));
        assert!(is_tmp_name(&name("patch")));
        assert!(is_tmp_name(&name("undo")));
        for other in [
            ".quire-patch-0a1b2c3",
            ".quire-patch-0a1b2c3d4",
            ".quire-patch-0A1B2C3D",
            ".quire-other-0a1b2c3d",
            "x.quire-patch-0a1b2c3d",
            ".quire-patch-12-0a1b2c3d",
            ".quire-patch--4-0a1b2c3d",
            ".quire-patch-1x-4-0a1b2c3d",
            ".quire-patch-1-2-3-0a1b2c3d",
        ] {
            assert!(!is_tmp_name(other), "{other}");
        }
    }

    #[test]
    fn a_name_says_which_process_wrote_it() {
        let own = name("patch");
        let Some(Writer::Process { pid, start }) = writer(&own) else {
            panic!("{own}");
        };
        assert_eq!(pid, std::process::id());
        assert!(!gone(pid, start), "this process is running");
        // The same id with another start time: a process that had it before.
        assert!(gone(pid, start + 1) || start == 0);
    }
}
