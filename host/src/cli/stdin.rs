//! What `quire exec` reads from stdin: the task itself (`quire exec -`, or
//! no task argument with input piped in), or context added to the task
//! given (`git diff | quire exec "review this"`). Input that is not UTF-8
//! is decoded lossily; the caller warns with [`Text::replaced_warning`].

use std::io::{IsTerminal, Read};
use std::os::fd::AsFd;
use std::os::unix::fs::FileTypeExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// How long piped context may take to start arriving before quire goes on
/// without it (a pipe that stays open and silent must not hang `exec`).
pub const CONTEXT_GRACE: Duration = Duration::from_secs(3);

/// How long input that has started may keep the pipe open before quire
/// says it is still waiting for the end (it reads to the end, as `codex
/// exec` does: input is never cut short).
pub const STILL_READING_AFTER: Duration = Duration::from_secs(5);

/// The note when stdin has sent `bytes` but is still open after
/// [`STILL_READING_AFTER`].
pub fn still_reading_note(bytes: u64) -> String {
    format!(
        "note: reading stdin until it closes ({bytes} bytes so far); the task starts when the writer ends its output (close the pipe, or write the input to a file first)"
    )
}

/// Text read from stdin, and how many bytes were not UTF-8.
#[derive(Debug, Default)]
pub struct Text {
    pub text: String,
    /// Bytes replaced by U+FFFD.
    pub replaced: usize,
}

impl Text {
    /// `bytes` as UTF-8, each invalid sequence replaced by U+FFFD.
    pub fn decode(bytes: &[u8]) -> Text {
        let mut text = String::with_capacity(bytes.len());
        let mut replaced = 0;
        for chunk in bytes.utf8_chunks() {
            text.push_str(chunk.valid());
            if !chunk.invalid().is_empty() {
                replaced += chunk.invalid().len();
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
        Text { text, replaced }
    }

    /// The warning when bytes were replaced.
    pub fn replaced_warning(&self) -> Option<String> {
        self.replaced_warning_in("stdin")
    }

    /// The warning when bytes of `what` (stdin, the task argument) were
    /// replaced.
    pub fn replaced_warning_in(&self, what: &str) -> Option<String> {
        match self.replaced {
            0 => None,
            1 => Some(format!(
                "{what} is not valid UTF-8: 1 byte was replaced with U+FFFD"
            )),
            n => Some(format!(
                "{what} is not valid UTF-8: {n} bytes were replaced with U+FFFD"
            )),
        }
    }
}

/// Context on stdin for a task given as an argument.
#[derive(Debug)]
pub enum Context {
    /// A terminal, `/dev/null` or another device, a closed or empty pipe.
    None,
    Text(Text),
    /// A pipe that gave nothing within [`CONTEXT_GRACE`].
    Silent,
}

/// Reads all of stdin (the task itself); `note` is called once with the
/// bytes read so far when the end has not come after
/// [`STILL_READING_AFTER`].
pub fn read_all(note: &dyn Fn(u64)) -> std::io::Result<Text> {
    let (read, done) = spawn_reader(false);
    let bytes = wait_for_end(&read, &done, note)?;
    Ok(Text::decode(&bytes))
}

/// Reads stdin to its end on a thread of its own: what it read so far,
/// a message when the first read returned (when `signal_start`), and
/// the whole input at the end.
fn spawn_reader(signal_start: bool) -> (std::sync::Arc<AtomicU64>, mpsc::Receiver<Reading>) {
    let read = std::sync::Arc::new(AtomicU64::new(0));
    let counter = read.clone();
    let (tx, rx) = mpsc::channel::<Reading>();
    std::thread::spawn(move || {
        let mut lock = std::io::stdin().lock();
        let mut bytes = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut first = true;
        let result = loop {
            match lock.read(&mut buf) {
                Ok(0) => break Ok(std::mem::take(&mut bytes)),
                Ok(n) => {
                    bytes.extend_from_slice(&buf[..n]);
                    counter.fetch_add(n as u64, Ordering::Relaxed);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => break Err(e),
            }
            if first && signal_start {
                let _ = tx.send(Reading::Started);
            }
            first = false;
        };
        let _ = tx.send(Reading::Done(result));
    });
    (read, rx)
}

/// What the reader thread reports.
enum Reading {
    /// The first bytes arrived.
    Started,
    /// The end of the input (or a read error).
    Done(std::io::Result<Vec<u8>>),
}

/// Waits for the reader's end, calling `note` once when it takes longer
/// than [`STILL_READING_AFTER`].
fn wait_for_end(
    read: &AtomicU64,
    done: &mpsc::Receiver<Reading>,
    note: &dyn Fn(u64),
) -> std::io::Result<Vec<u8>> {
    let stopped = || std::io::Error::other("the stdin reader stopped");
    let mut noted = false;
    loop {
        let got = if noted {
            done.recv().map_err(|_| stopped())
        } else {
            match done.recv_timeout(STILL_READING_AFTER) {
                Ok(r) => Ok(r),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    noted = true;
                    note(read.load(Ordering::Relaxed));
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => Err(stopped()),
            }
        };
        match got? {
            Reading::Started => continue,
            Reading::Done(result) => return result,
        }
    }
}

/// Whether stdin is closed or the null device: a closed stdin is
/// `/dev/null` by the time `main` runs (Rust's runtime opens it there), so
/// the two cannot be told apart.
pub fn is_null() -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else {
        return true;
    };
    let (Ok(ours), Ok(null)) = (
        std::fs::File::from(fd).metadata(),
        std::fs::metadata("/dev/null"),
    ) else {
        return false;
    };
    ours.file_type().is_char_device() && ours.rdev() == null.rdev()
}

/// Stdin as context: read only from a pipe, a socket or a file (never a
/// terminal or a device such as `/dev/null`); a pipe that stays silent for
/// [`CONTEXT_GRACE`] is left alone.
pub fn read_context(note: &dyn Fn(u64)) -> std::io::Result<Context> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(Context::None);
    }
    // A closed descriptor cannot be duplicated: nothing to read.
    let Ok(fd) = stdin.as_fd().try_clone_to_owned() else {
        return Ok(Context::None);
    };
    let kind = std::fs::File::from(fd).metadata()?.file_type();
    if !(kind.is_fifo() || kind.is_socket() || kind.is_file()) {
        return Ok(Context::None);
    }
    // Reads on its own thread, so that waiting for the first bytes can
    // give up; a silent pipe leaves the thread blocked until exit.
    let (read, reading) = spawn_reader(true);
    let bytes = match reading.recv_timeout(CONTEXT_GRACE) {
        Ok(Reading::Done(result)) => result?,
        Ok(Reading::Started) => wait_for_end(&read, &reading, note)?,
        Err(mpsc::RecvTimeoutError::Timeout) => return Ok(Context::Silent),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            return Err(std::io::Error::other("the stdin reader stopped"));
        }
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Context::None);
    }
    Ok(Context::Text(Text::decode(&bytes)))
}

/// The task with piped context after it: a blank line, `stdin:` and the
/// input in a fence longer than any run of backticks inside it.
pub fn with_context(task: &str, context: &str) -> String {
    with_block(task, "stdin:", context)
}

/// `task`, then `label` and `context` fenced past its own backticks (also
/// the commands run with `!` before a message: cli/bang.rs).
pub fn with_block(task: &str, label: &str, context: &str) -> String {
    let longest = context.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let body = context.trim_end_matches(['\n', '\r']);
    format!("{}\n\n{label}\n{fence}\n{body}\n{fence}\n", task.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_are_replaced_and_counted() {
        let t = Text::decode(b"ok \xff\xfe then \xc3");
        assert_eq!(t.text, "ok \u{fffd}\u{fffd} then \u{fffd}");
        assert_eq!(t.replaced, 3);
        assert_eq!(
            t.replaced_warning().as_deref(),
            Some("stdin is not valid UTF-8: 3 bytes were replaced with U+FFFD")
        );
        assert!(Text::decode("é".as_bytes()).replaced_warning().is_none());
    }

    #[test]
    fn context_is_fenced_past_its_own_backticks() {
        assert_eq!(
            with_context("review this", "diff\n"),
            "review this\n\nstdin:\n```\ndiff\n```\n"
        );
        assert!(with_context("t", "a ```` b").contains("\n`````\na ```` b\n`````\n"));
    }
}
