//! `quire exec --ephemeral` (Codex's flag): the run keeps no session file.
//! quire needs one while the task runs (subagents, hooks' transcripts,
//! the records of a stop), so the session is written into a private
//! folder inside the sessions folder, `.ephemeral-PID-RANDOM` (mode
//! 0700, where the sessions folder's protection covers it; `quire
//! sessions` lists no subfolder), and the folder is removed when the run
//! ends, on every exit path ([`remove`] is also called when a signal ends
//! quire at once). Folders of ephemeral runs that were killed are removed
//! by the next one.

use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const PREFIX: &str = ".ephemeral-";

/// This run's folder, while it exists.
static DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The run's ephemeral sessions folder; removed when dropped.
pub struct Ephemeral(PathBuf);

impl Ephemeral {
    /// The folder to write the run's sessions to.
    pub fn dir(&self) -> &Path {
        &self.0
    }
}

impl Drop for Ephemeral {
    fn drop(&mut self) {
        remove();
    }
}

/// Makes the run's folder inside `sessions`, the configured sessions
/// folder (made if missing). The error says what to do.
pub fn start(sessions: &Path) -> Result<Ephemeral, String> {
    let cannot = |e: std::io::Error| {
        format!(
            "--ephemeral: cannot make a temporary sessions folder in {} ({e}); set one that can be written with -c sessions_dir=DIR",
            sessions.display()
        )
    };
    quire::owner_only::create_dir(sessions).map_err(cannot)?;
    remove_left(sessions);
    let pid = std::process::id();
    let mut last = None;
    for _ in 0..8 {
        let dir = sessions.join(format!("{PREFIX}{pid}-{:08x}", random()));
        // mkdir fails on anything already there, a link too.
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => {
                if let Ok(mut g) = DIR.lock() {
                    *g = Some(dir.clone());
                }
                return Ok(Ephemeral(dir));
            }
            Err(e) => last = Some(e),
        }
    }
    Err(cannot(
        last.unwrap_or_else(|| std::io::Error::other("no free name")),
    ))
}

/// Removes this run's folder, if it has one.
pub fn remove() {
    let dir = DIR.lock().ok().and_then(|mut g| g.take());
    if let Some(dir) = dir
        && let Err(e) = std::fs::remove_dir_all(&dir)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(dir = %dir.display(), error = %e, "ephemeral sessions folder not removed");
    }
}

/// Removes the folders of ephemeral runs whose process is gone.
fn remove_left(sessions: &Path) {
    let Ok(entries) = std::fs::read_dir(sessions) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<libc::pid_t>().ok())
        else {
            continue;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } == -1
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if gone && is_dir {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn random() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish() as u32
}
