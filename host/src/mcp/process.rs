//! stdio server processes: each runs in its own process group (so `npx` →
//! `node` grandchildren die with it), its stderr goes to a bounded log and
//! never to quire's output, and every live group is registered so any exit
//! path — even `std::process::exit` on a second Ctrl-C — can kill them.
//! Once an exit path has killed them none starts any more: a session
//! still starting on its own thread (the user quit meanwhile) cannot
//! launch a server behind the exit's back.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::watch;

/// Bytes of stderr kept per server.
pub const STDERR_KEEP: usize = 16 * 1024;

/// Process groups of live servers, for the exit paths, and whether quire
/// is exiting (no server starts then).
#[derive(Default)]
struct Groups {
    live: BTreeSet<i32>,
    closed: bool,
}

static GROUPS: Mutex<Groups> = Mutex::new(Groups {
    live: BTreeSet::new(),
    closed: false,
});

/// The registry, also after a panic while it was held (it holds plain
/// numbers, never left half-changed).
fn groups(of: &Mutex<Groups>) -> std::sync::MutexGuard<'_, Groups> {
    of.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn unregister(pgid: i32) {
    groups(&GROUPS).live.remove(&pgid);
}

/// Why a server was not started.
#[derive(Debug)]
enum NotStarted {
    /// quire is exiting ([`kill_all`] ran).
    Exiting,
    Spawn(std::io::Error),
}

/// Spawns `cmd` and registers its group in `of`, unless quire is exiting.
/// The check, the spawn and the registration hold the registry's lock: a
/// server starts before [`kill_all`] (which then kills it) or not at all.
fn spawn_registered(cmd: &mut Command, of: &Mutex<Groups>) -> Result<Child, NotStarted> {
    let mut g = groups(of);
    if g.closed {
        return Err(NotStarted::Exiting);
    }
    let child = crate::child::spawn_tokio(cmd).map_err(NotStarted::Spawn)?;
    if let Some(pid) = child.id() {
        g.live.insert(pid as i32);
    }
    Ok(child)
}

/// Marks `of` closed and takes its live groups.
fn close(of: &Mutex<Groups>) -> Vec<i32> {
    let mut g = groups(of);
    g.closed = true;
    std::mem::take(&mut g.live).into_iter().collect()
}

/// Sends `signal` to every process of group `pgid`.
pub fn signal_group(pgid: i32, signal: i32) {
    if pgid > 1 {
        // SAFETY: kill(2) with a negative pid signals a process group; it
        // has no memory effects.
        unsafe {
            libc::kill(-pgid, signal);
        }
    }
}

/// Whether any process (a zombie included) is left in group `pgid`.
pub fn group_exists(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks that the group exists.
    pgid > 1 && unsafe { libc::kill(-pgid, 0) } == 0
}

/// Kills every registered server process group at once (SIGKILL), and
/// no server starts after it. Safe to call more than once; used right
/// before the process exits.
pub fn kill_all() {
    for pgid in close(&GROUPS) {
        signal_group(pgid, libc::SIGKILL);
    }
}

/// Stops the groups politely: SIGTERM, up to `grace` for them to go, then
/// SIGKILL for whatever is left (grandchildren that ignored SIGTERM).
pub fn terminate_groups(pgids: &[i32], grace: Duration) {
    for &g in pgids {
        signal_group(g, libc::SIGTERM);
    }
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline && pgids.iter().any(|&g| group_exists(g)) {
        std::thread::sleep(Duration::from_millis(10));
    }
    for &g in pgids {
        signal_group(g, libc::SIGKILL);
        unregister(g);
    }
}

/// The tail of a server's stderr, bounded to [`STDERR_KEEP`] bytes.
#[derive(Debug, Default)]
pub struct StderrLog {
    buf: Mutex<VecDeque<u8>>,
    closed: std::sync::atomic::AtomicBool,
    notify: tokio::sync::Notify,
}

impl StderrLog {
    fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Waits (at most `max`) until the pipe is closed and everything the
    /// process wrote is in the log.
    pub async fn wait_closed(&self, max: Duration) {
        let deadline = tokio::time::Instant::now() + max;
        loop {
            let notified = self.notify.notified();
            if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return;
            }
        }
    }

    pub fn push(&self, bytes: &[u8]) {
        if let Ok(mut b) = self.buf.lock() {
            b.extend(bytes);
            let over = b.len().saturating_sub(STDERR_KEEP);
            b.drain(..over);
        }
    }

    /// The last `lines` lines (whole lines only when the log was cut).
    pub fn tail(&self, lines: usize) -> String {
        let bytes: Vec<u8> = match self.buf.lock() {
            Ok(b) => b.iter().copied().collect(),
            Err(_) => return String::new(),
        };
        let text = String::from_utf8_lossy(&bytes);
        let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

/// A running stdio server.
pub struct ServerProcess {
    pub pgid: i32,
    pub stdin: ChildStdin,
    pub stdout: ChildStdout,
    pub stderr: Arc<StderrLog>,
    /// Becomes `Some(description)` when the process has exited.
    pub exited: watch::Receiver<Option<String>>,
}

/// Starts `command` in its own process group with piped stdio. The error
/// says what could not be started.
pub fn spawn(
    command: &str,
    args: &[String],
    env: &BTreeMap<String, String>,
    cwd: &Path,
    sandbox: Option<&crate::tools::sandbox::SandboxPolicy>,
) -> Result<ServerProcess, String> {
    let mut cmd = Command::new(command);
    cmd.args(args)
        .envs(env)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    // Backstop: the server and what it started die if quire dies
    // without cleaning up (SIGKILL).
    crate::child::die_with_quire(cmd.as_std_mut());
    if let Some(policy) = sandbox {
        crate::tools::sandbox::confine(&mut cmd, policy)
            .map_err(|e| format!("cannot start `{command}` in its sandbox: {e}"))?;
    }
    let mut child: Child = spawn_registered(&mut cmd, &GROUPS).map_err(|e| match e {
        NotStarted::Exiting => format!("`{command}` is not started: quire is exiting"),
        NotStarted::Spawn(e) if e.kind() == std::io::ErrorKind::NotFound => format!(
            "cannot start `{command}`: not found (is it installed and on PATH, and does the working directory {} exist?)",
            cwd.display()
        ),
        NotStarted::Spawn(e) => format!("cannot start `{command}`: {e}"),
    })?;
    let pgid = child.id().map(|p| p as i32).unwrap_or(0);
    let (Some(stdin), Some(stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        terminate_groups(&[pgid], Duration::ZERO);
        return Err(format!("cannot start `{command}`: its pipes are missing"));
    };
    let log = Arc::new(StderrLog::default());
    let sink = log.clone();
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf).await {
            if n == 0 {
                break;
            }
            sink.push(&buf[..n]);
        }
        sink.close();
    });
    let (tx, exited) = watch::channel(None);
    tokio::spawn(async move {
        let status = child.wait().await;
        // The leader is gone: whatever it left in its group goes too.
        signal_group(pgid, libc::SIGKILL);
        unregister(pgid);
        let what = match status {
            Ok(s) => match (s.code(), std::os::unix::process::ExitStatusExt::signal(&s)) {
                (Some(c), _) => format!("exited with status {c}"),
                (None, Some(sig)) => format!("was killed by signal {sig}"),
                _ => "exited".to_string(),
            },
            Err(e) => format!("could not be waited for: {e}"),
        };
        let _ = tx.send(Some(what));
    });
    Ok(ServerProcess {
        pgid,
        stdin,
        stdout,
        stderr: log,
        exited,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_log_keeps_the_tail() {
        let log = StderrLog::default();
        for i in 0..5000 {
            log.push(format!("line {i}\n").as_bytes());
        }
        let tail = log.tail(2);
        assert_eq!(tail, "line 4998\nline 4999");
        assert!(log.buf.lock().unwrap().len() <= STDERR_KEEP);
    }

    #[tokio::test]
    async fn a_group_and_its_grandchildren_are_killed() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let script = format!(
            "sleep 300 & echo $! > {}; echo started >&2; wait",
            pidfile.display()
        );
        let p = spawn(
            "sh",
            &["-c".into(), script],
            &BTreeMap::new(),
            dir.path(),
            None,
        )
        .unwrap();
        let grandchild: i32 = loop {
            if let Ok(s) = std::fs::read_to_string(&pidfile)
                && let Ok(pid) = s.trim().parse()
            {
                break pid;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        assert!(GROUPS.lock().unwrap().live.contains(&p.pgid));
        terminate_groups(&[p.pgid], Duration::from_millis(500));
        let mut exited = p.exited.clone();
        let _ = exited.wait_for(|e| e.is_some()).await;
        // kill(pid, 0) fails once the grandchild is gone (or only a zombie
        // that init will reap).
        let gone = (0..500).any(|_| {
            let stat = std::fs::read_to_string(format!("/proc/{grandchild}/stat"));
            let dead = stat.map(|s| s.contains(") Z")).unwrap_or(true);
            if !dead {
                std::thread::sleep(Duration::from_millis(10));
            }
            dead
        });
        assert!(gone, "grandchild {grandchild} survived");
        assert!(!GROUPS.lock().unwrap().live.contains(&p.pgid));
        assert!(p.stderr.tail(5).contains("started") || p.stderr.tail(5).is_empty());
    }

    /// Once the exit's clean-up ran, a server the session's start asks
    /// for later is not started (a registry of its own: the process's
    /// is shared by the other tests).
    #[tokio::test]
    async fn no_server_starts_after_the_exit_killed_them() {
        let dir = tempfile::tempdir().unwrap();
        let mark = dir.path().join("ran");
        let registry = Mutex::new(Groups::default());
        let command = || {
            let mut cmd = Command::new("sh");
            cmd.arg("-c")
                .arg(format!("touch {}; sleep 300", mark.display()))
                .process_group(0)
                .kill_on_drop(true);
            cmd
        };
        // Before: started and registered, so the exit kills it.
        let mut before = spawn_registered(&mut command(), &registry).unwrap();
        let pgid = before.id().unwrap() as i32;
        assert!(groups(&registry).live.contains(&pgid));
        assert_eq!(close(&registry), vec![pgid]);
        signal_group(pgid, libc::SIGKILL);
        let _ = before.wait().await;
        std::fs::remove_file(&mark).ok();
        // After: refused, nothing run.
        let after = spawn_registered(&mut command(), &registry);
        assert!(matches!(after, Err(NotStarted::Exiting)), "{after:?}");
        assert!(groups(&registry).live.is_empty());
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!mark.exists(), "the command ran after the exit's clean-up");
    }
}
