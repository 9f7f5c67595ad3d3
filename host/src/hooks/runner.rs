//! Runs one hook handler. A command runs with `bash -c` in its own process
//! group with the input JSON on stdin; at its timeout (or when the caller
//! gives up) it is killed with everything it started, also what left its
//! group, so a hook never hangs the loop nor leaves processes behind. A
//! command whose first line of stdout is Claude Code's async answer goes
//! on in the background ([`super::detach`]). An HTTP hook POSTs the input
//! JSON; the response body is its output.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use super::detach::FirstLine;
use crate::child::CommandMark;

/// The most of a hook's stdout or stderr that is kept.
const OUTPUT_LIMIT: usize = 256 * 1024;
/// How the note that output was cut at [`OUTPUT_LIMIT`] starts (a
/// command's stdout, an HTTP hook's body).
const CUT_NOTES: [&str; 2] = ["\n[hook output cut at ", "\n[hook answer cut at "];

/// The cap on a hook's output, in KiB, for messages.
pub const OUTPUT_LIMIT_KIB: usize = OUTPUT_LIMIT / 1024;

/// Whether `output` (stdout or an HTTP body, trimmed or not) was cut at
/// the cap: it ends with the note the runner adds.
pub fn was_cut(output: &str) -> bool {
    cut_note(output).is_some()
}

/// When `output` was cut at the cap: the text before the runner's note,
/// and how many bytes past the cap the hook printed (`None` for an HTTP
/// body, whose rest is not read).
pub fn cut_note(output: &str) -> Option<(&str, Option<usize>)> {
    let at = output.trim_end().rfind('\n')?;
    let last = &output[at..];
    if last.starts_with(CUT_NOTES[1]) {
        return Some((&output[..at], None));
    }
    let counted = last.strip_prefix(CUT_NOTES[0])?;
    let dropped = counted
        .split_once(": ")
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|n| n.parse().ok());
    Some((&output[..at], dropped))
}
/// How long output is still read after the hook exited (a background
/// child may hold the pipe open); then what was read is kept.
const DRAIN_GRACE: Duration = Duration::from_millis(500);

/// How a hook ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunStatus {
    /// Exit code (HTTP: 0 for a 2xx answer).
    Exited(i32),
    /// Killed by a signal it did not get from us.
    Signaled(i32),
    /// Killed at its timeout.
    TimedOut,
    /// Could not start or reach it.
    Failed(String),
    /// Its first line was the async answer: it goes on in the background
    /// ([`super::detach`]), bounded by this.
    Detached(Duration),
}

/// A hook's raw result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutput {
    pub status: RunStatus,
    pub stdout: String,
    pub stderr: String,
}

impl RunOutput {
    fn failed(msg: String) -> RunOutput {
        RunOutput {
            status: RunStatus::Failed(msg),
            stdout: String::new(),
            stderr: String::new(),
        }
    }
}

/// Kills the hook when dropped (a timeout, or the caller's future dropped
/// at an interrupt): its process group and what left the group (`setsid`,
/// a daemonising helper), found by the mark in their environment
/// ([`crate::child::stop_command`]).
struct GroupGuard(Option<(i32, CommandMark)>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some((pid, mark)) = self.0.take() {
            crate::child::stop_command(pid, &mark);
        }
    }
}

/// Runs `command` with `bash -c` in `cwd`, `input` on stdin, `env` added
/// to quire's environment, and `path` (when given) as its `PATH`, bash
/// itself looked for there too.
#[cfg(test)]
pub async fn run_command(
    command: &str,
    cwd: &Path,
    env: &[(&str, String)],
    path: Option<&std::ffi::OsStr>,
    input: &[u8],
    timeout: Duration,
) -> RunOutput {
    run_command_then(command, cwd, env, path, input, Wait::For(timeout), |_| {}).await
}

/// How long a command hook is waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Until it ends, or it answers async; killed at this timeout.
    For(Duration),
    /// Not at all: a handler with Claude Code's `"async": true` goes on in
    /// the background from its start, killed at this timeout.
    Background(Duration),
}

/// [`run_command`]; a hook that detaches ([`RunStatus::Detached`]: its
/// async answer, or [`Wait::Background`]) goes on in the background,
/// killed at its timeout, and `then` gets how it ended (its whole
/// output).
pub async fn run_command_then(
    command: &str,
    cwd: &Path,
    env: &[(&str, String)],
    path: Option<&std::ffi::OsStr>,
    input: &[u8],
    wait: Wait,
    then: impl FnOnce(RunOutput) + Send + 'static,
) -> RunOutput {
    let (timeout, at_start) = match wait {
        Wait::For(t) => (t, false),
        Wait::Background(t) => (t, true),
    };
    let mut cmd = Command::new("bash");
    let mark = CommandMark::next();
    cmd.env(crate::child::MARK_VAR, mark.value());
    // Set on the command, it is where `bash` itself is looked for too.
    if let Some(p) = path {
        cmd.env("PATH", p);
    }
    cmd.arg("-c")
        .arg(command)
        .current_dir(cwd)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // Its own process group, killed with quire even on SIGKILL.
    crate::child::die_with_quire(cmd.as_std_mut());
    let mut child = match crate::child::spawn_tokio(&mut cmd) {
        Ok(c) => c,
        Err(e) => return RunOutput::failed(format!("cannot start bash: {e}")),
    };
    let mut guard = GroupGuard(child.id().map(|p| (p as i32, mark)));
    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let input = input.to_vec();
    // The hook may not read its input; a closed pipe is fine.
    let feed = async move {
        if let Some(mut s) = stdin {
            let _ = s.write_all(&input).await;
            let _ = s.shutdown().await;
        }
    };
    let (out_stop, out_stopped) = tokio::sync::oneshot::channel();
    let (err_stop, err_stopped) = tokio::sync::oneshot::channel();
    let (async_said, mut async_heard) = tokio::sync::oneshot::channel();
    // A background handler is not waited for; its output is no async
    // answer (Claude Code reads it when it ends).
    let async_said = match at_start {
        true => {
            let _ = async_said.send(None);
            None
        }
        false => Some(async_said),
    };
    let out_task = tokio::spawn(read_capped(stdout, out_stopped, async_said));
    let err_task = tokio::spawn(read_capped(stderr, err_stopped, None));
    // Waited for in a task of its own, so that a detached hook's wait can
    // be handed to the background.
    let mut waiter = tokio::spawn(async move {
        let (_, status) = tokio::join!(feed, child.wait());
        status
    });
    let waited = tokio::time::timeout(timeout, async {
        let mut listening = true;
        loop {
            tokio::select! {
                biased;
                s = &mut waiter => return Ok(s),
                said = &mut async_heard, if listening => match said {
                    Ok(async_timeout) => return Err(async_timeout.unwrap_or(timeout)),
                    // The first line was no async answer.
                    Err(_) => listening = false,
                },
            }
        }
    })
    .await;
    let status = match waited {
        Err(_) => {
            drop(guard);
            let _ = waiter.await;
            RunStatus::TimedOut
        }
        Ok(Err(limit)) => {
            let outputs = (out_task, out_stop, err_task, err_stop);
            tokio::spawn(background(waiter, guard, limit, outputs, then));
            return RunOutput {
                status: RunStatus::Detached(limit),
                stdout: String::new(),
                stderr: String::new(),
            };
        }
        Ok(Ok(Err(e))) => RunStatus::Failed(format!("waiting for the hook failed: {e}")),
        Ok(Ok(Ok(Err(e)))) => RunStatus::Failed(format!("waiting for the hook failed: {e}")),
        Ok(Ok(Ok(Ok(s)))) => {
            // The hook is done; what it left running is not ours to keep.
            guard.0 = None;
            exit_status(s)
        }
    };
    let stdout = drain(out_task, out_stop).await;
    let stderr = drain(err_task, err_stop).await;
    RunOutput {
        status,
        stdout,
        stderr,
    }
}

type Outputs = (
    tokio::task::JoinHandle<String>,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<String>,
    tokio::sync::oneshot::Sender<()>,
);

/// A detached hook: waited for until `limit`, then killed with all it
/// started; `then` gets how it ended.
async fn background(
    mut waiter: tokio::task::JoinHandle<std::io::Result<std::process::ExitStatus>>,
    mut guard: GroupGuard,
    limit: Duration,
    (out_task, out_stop, err_task, err_stop): Outputs,
    then: impl FnOnce(RunOutput),
) {
    let status = match tokio::time::timeout(limit, &mut waiter).await {
        Err(_) => {
            drop(guard);
            let _ = waiter.await;
            RunStatus::TimedOut
        }
        Ok(Ok(Ok(s))) => {
            guard.0 = None;
            exit_status(s)
        }
        Ok(Ok(Err(e))) => RunStatus::Failed(format!("waiting for the hook failed: {e}")),
        Ok(Err(e)) => RunStatus::Failed(format!("waiting for the hook failed: {e}")),
    };
    let stdout = drain(out_task, out_stop).await;
    let stderr = drain(err_task, err_stop).await;
    tracing::debug!(?status, %stdout, %stderr, "a detached hook ended");
    then(RunOutput {
        status,
        stdout,
        stderr,
    });
}

fn exit_status(s: std::process::ExitStatus) -> RunStatus {
    use std::os::unix::process::ExitStatusExt;
    match (s.code(), s.signal()) {
        (Some(c), _) => RunStatus::Exited(c),
        (None, Some(sig)) => RunStatus::Signaled(sig),
        (None, None) => RunStatus::Failed("ended without a status".into()),
    }
}

/// What a reader got: all of it when the pipe closes within
/// [`DRAIN_GRACE`], else what it had read by then. The hook has exited, so
/// its answer is whole; a background child it left holding the pipe (a
/// sound player, a logger) only keeps the pipe from closing.
async fn drain(
    mut task: tokio::task::JoinHandle<String>,
    stop: tokio::sync::oneshot::Sender<()>,
) -> String {
    if let Ok(done) = tokio::time::timeout(DRAIN_GRACE, &mut task).await {
        return done.unwrap_or_default();
    }
    let _ = stop.send(());
    task.await.unwrap_or_default()
}

/// Reads `pipe` to its end, or until `stop` fires, keeping at most
/// [`OUTPUT_LIMIT`] bytes. `async_said` (stdout) is told when the first
/// line is Claude Code's async answer, with its timeout.
async fn read_capped<R: AsyncRead + Unpin>(
    pipe: Option<R>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
    mut async_said: Option<tokio::sync::oneshot::Sender<Option<Duration>>>,
) -> String {
    let Some(mut pipe) = pipe else {
        return String::new();
    };
    let mut buf = Vec::new();
    let mut dropped = 0usize;
    let mut chunk = [0u8; 8192];
    loop {
        // `read` is cancel-safe: a stop between reads loses nothing read.
        let n = tokio::select! {
            biased;
            read = pipe.read(&mut chunk) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            },
            _ = &mut stop => break,
        };
        let take = n.min(OUTPUT_LIMIT - buf.len());
        buf.extend_from_slice(&chunk[..take]);
        dropped += n - take;
        if async_said.is_some() {
            match super::detach::first_line(&buf, false) {
                FirstLine::Pending => {}
                FirstLine::Sync => async_said = None,
                FirstLine::Async(timeout) => {
                    if let Some(tx) = async_said.take() {
                        let _ = tx.send(timeout);
                    }
                }
            }
        }
    }
    let mut text = String::from_utf8_lossy(&buf).into_owned();
    if dropped > 0 {
        // Whoever reads it (the model, as context) knows it is not whole.
        text.push_str(&format!(
            "\n[hook output cut at {} KB: {dropped} more bytes were dropped]",
            OUTPUT_LIMIT / 1024
        ));
    }
    text
}

/// POSTs `input` to `url`. A 2xx answer is exit 0 with the body as
/// stdout (cut at the limit of a command's stdout); any other status is a
/// failure with the body as stderr. The timeout covers the whole answer,
/// body included: a server still sending at the timeout has timed out.
pub async fn run_http(
    client: &reqwest::Client,
    url: &str,
    headers: &std::collections::BTreeMap<String, String>,
    allowed_env_vars: &[String],
    input: Vec<u8>,
    timeout: Duration,
) -> RunOutput {
    let mut req = client
        .post(url)
        .header("content-type", "application/json")
        .body(input);
    for (k, v) in headers {
        req = req.header(k, super::http_env::expand(v, allowed_env_vars));
    }
    let answer = async {
        let resp = req
            .send()
            .await
            .map_err(|e| format!("POST {url} failed: {e}"))?;
        let status = resp.status();
        let body = read_body_capped(resp)
            .await
            .map_err(|e| format!("reading the answer of POST {url} failed: {e}"))?;
        Ok::<_, String>((status, body))
    };
    match tokio::time::timeout(timeout, answer).await {
        Err(_) => RunOutput {
            status: RunStatus::TimedOut,
            stdout: String::new(),
            stderr: String::new(),
        },
        Ok(Err(msg)) => RunOutput::failed(msg),
        Ok(Ok((status, body))) if status.is_success() => RunOutput {
            status: RunStatus::Exited(0),
            stdout: body,
            stderr: String::new(),
        },
        Ok(Ok((status, body))) => {
            RunOutput::failed(format!("POST {url} answered {status}: {}", body.trim()))
        }
    }
}

/// The body of `resp`, at most [`OUTPUT_LIMIT`] bytes; past it the rest is
/// not read (the connection is dropped) and a note says the body was cut.
async fn read_body_capped(mut resp: reqwest::Response) -> Result<String, reqwest::Error> {
    let mut buf = Vec::new();
    let mut cut = false;
    while let Some(chunk) = resp.chunk().await? {
        let take = chunk.len().min(OUTPUT_LIMIT - buf.len());
        buf.extend_from_slice(&chunk[..take]);
        if take < chunk.len() {
            cut = true;
            break;
        }
    }
    let mut text = String::from_utf8_lossy(&buf).into_owned();
    if cut {
        text.push_str(&format!(
            "\n[hook answer cut at {} KB: the rest was not read]",
            OUTPUT_LIMIT / 1024
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_command_gets_its_input_and_its_exit_code_and_output_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = run_command(
            "cat; echo \"dir=$PWD x=$X\" >&2; exit 3",
            dir.path(),
            &[("X", "y".into())],
            None,
            b"{\"a\":1}",
            Duration::from_secs(20),
        )
        .await;
        assert_eq!(out.status, RunStatus::Exited(3));
        assert_eq!(out.stdout, "{\"a\":1}");
        assert!(out.stderr.contains("x=y"), "{}", out.stderr);
    }

    #[tokio::test]
    async fn a_hook_past_its_timeout_is_killed_with_its_children() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("child-alive");
        let cmd = format!("(sleep 3; touch {}) & sleep 30", marker.display());
        let out = run_command(&cmd, dir.path(), &[], None, b"", Duration::from_secs(1)).await;
        assert_eq!(out.status, RunStatus::TimedOut);
        tokio::time::sleep(Duration::from_secs(4)).await;
        assert!(!marker.exists(), "the hook's child outlived the timeout");
    }

    #[tokio::test]
    async fn what_a_hook_printed_is_kept_when_a_background_child_holds_its_output() {
        let dir = tempfile::tempdir().unwrap();
        let started = std::time::Instant::now();
        let out = run_command(
            "sleep 5 & echo answer; echo why >&2; exit 2",
            dir.path(),
            &[],
            None,
            b"",
            Duration::from_secs(20),
        )
        .await;
        assert_eq!(out.status, RunStatus::Exited(2));
        assert_eq!(
            (out.stdout.as_str(), out.stderr.as_str()),
            ("answer\n", "why\n")
        );
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "waited for the child"
        );
    }
}
