//! Waiting for a git command: its input written and its output read
//! while it runs (so it never waits on a full pipe), its standard output
//! read up to a limit (past it git is stopped: the rest is not wanted),
//! and stopped when it runs past a deadline. Without a limit or a
//! timeout, everything is read and git runs to its end.

use std::io::{Read, Write};
use std::process::{Child, ExitStatus};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// What a git command printed, and how it ended.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The output was longer than the limit: the rest was not read (and
    /// git was stopped).
    pub cut: bool,
}

/// The most of a command's error output kept when its output is
/// limited (the rest is read and dropped).
const MAX_STDERR: usize = 64 * 1024;

/// How often the end of a command is looked for when it has a deadline.
const POLL: Duration = Duration::from_millis(5);

/// How a command with a deadline ended.
pub(super) enum Ended {
    Exited(Output),
    /// Still running at its deadline: it was killed.
    TimedOut,
}

/// Writes `input` to `child`, reads its output (stdout up to `limit`)
/// and waits for it, until `timeout` at most. Fails when it cannot be
/// waited for, or when git succeeded without taking all of `input`.
pub(super) fn finish(
    mut child: Child,
    mark: &crate::child::CommandMark,
    input: Option<Vec<u8>>,
    timeout: Option<Duration>,
    limit: Option<usize>,
) -> std::io::Result<Ended> {
    let deadline = timeout.map(|t| Instant::now() + t);
    // No input: stdin is null, or closed here.
    let stdin = child.stdin.take();
    let writer = input
        .zip(stdin)
        .map(|(bytes, mut stdin)| thread::spawn(move || stdin.write_all(&bytes)));
    let (read, all_read) = mpsc::channel();
    let stdout = child.stdout.take();
    let out_reader = thread::spawn(move || {
        let out = stdout.map(|s| read_capped(s, limit)).unwrap_or_default();
        let _ = read.send(());
        out
    });
    let stderr = child.stderr.take();
    let err_reader = thread::spawn(move || {
        let Some(mut s) = stderr else {
            return Vec::new();
        };
        let (kept, _) = read_capped(&mut s, limit.map(|_| MAX_STDERR));
        // Read to the end (the rest dropped), so git never waits on it.
        let _ = std::io::copy(&mut s, &mut std::io::sink());
        kept
    });
    let read_in_time = match deadline {
        Some(d) => all_read
            .recv_timeout(d.saturating_duration_since(Instant::now()))
            .is_ok(),
        // Without a deadline, until the reader is done (or gone).
        None => {
            let _ = all_read.recv();
            true
        }
    };
    if !read_in_time {
        // The readers end when git's pipes close.
        stop(&mut child, mark);
        return Ok(Ended::TimedOut);
    }
    let (stdout, cut) = out_reader.join().unwrap_or_default();
    if cut {
        // The rest is not wanted: git need not finish writing it.
        let _ = child.kill();
    }
    let Some(status) = wait(&mut child, deadline)? else {
        stop(&mut child, mark);
        return Ok(Ended::TimedOut);
    };
    let stderr = err_reader.join().unwrap_or_default();
    let written = writer.map_or(Ok(()), |w| {
        w.join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the writing thread failed")))
    });
    if let Err(e) = written
        && status.success()
    {
        return Err(std::io::Error::new(
            e.kind(),
            format!("cannot pass input to git: {e}"),
        ));
    }
    Ok(Ended::Exited(Output {
        status,
        stdout,
        stderr,
        cut,
    }))
}

/// `child`'s exit status; `None` when it still runs at `deadline`.
fn wait(child: &mut Child, deadline: Option<Instant>) -> std::io::Result<Option<ExitStatus>> {
    let failed =
        |e: std::io::Error| std::io::Error::new(e.kind(), format!("git did not finish: {e}"));
    let Some(deadline) = deadline else {
        return child.wait().map(Some).map_err(failed);
    };
    loop {
        if let Some(status) = child.try_wait().map_err(failed)? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        thread::sleep(POLL);
    }
}

/// Kills `child`, what it started (its group, what carries its `mark`)
/// and reaps it.
fn stop(child: &mut Child, mark: &crate::child::CommandMark) {
    match i32::try_from(child.id()) {
        Ok(pid) => crate::child::stop_command(pid, mark),
        Err(_) => {
            let _ = child.kill();
        }
    }
    let _ = child.wait();
}

/// Up to `max` bytes of `from` (all of it without one); whether there
/// was more.
fn read_capped(from: impl Read, max: Option<usize>) -> (Vec<u8>, bool) {
    let mut bytes = Vec::new();
    let Some(max) = max else {
        let mut from = from;
        let _ = from.read_to_end(&mut bytes);
        return (bytes, false);
    };
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let _ = from.take(limit).read_to_end(&mut bytes);
    let cut = bytes.len() > max;
    bytes.truncate(max);
    (bytes, cut)
}
