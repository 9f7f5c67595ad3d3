//! The line mode's reading on a dumb terminal (`TERM=dumb` on a tty): the
//! terminal driver's own line editing (canonical mode) keeps at most 4095
//! bytes of a line and cuts the rest, possibly inside a UTF-8 character,
//! and cannot tell a paste from typing. So quire reads byte by byte
//! (non-canonical mode) while it asks for a line, and edits the line
//! itself with the terminal's own keys (erase, kill, interrupt, end of
//! file), echoing only when the terminal echoed (Emacs' shell does not),
//! and without any escape sequence. Lines that end while more input is
//! already waiting are a paste: they are joined into one message.

use std::io::Write;
use std::os::fd::RawFd;
use std::time::Duration;

/// How long the input after a line's end is waited for before the line
/// is taken as typed rather than pasted. Longer than the terminal view's
/// burst gap (`tui/burst.rs`, 1 ms on events crossterm already parsed):
/// a paste comes here straight from the driver, 4 KiB at a time, and the
/// terminal writing it may be a moment late with the next part. No one
/// types the next key within this after Enter.
const PASTE_GAP: Duration = Duration::from_millis(25);

/// How often a waiting read checks whether it is still wanted.
const CHECK: Duration = Duration::from_millis(100);

/// The terminal's settings before quire changed them, for [`restore`].
static SAVED: std::sync::OnceLock<libc::termios> = std::sync::OnceLock::new();

/// Puts the dumb terminal's settings back (quire exits at once on a
/// signal while a read may have them changed). Nothing when quire never
/// read a dumb terminal, or another job has the terminal now (its
/// settings are that job's shell's to keep).
pub(super) fn restore() {
    if let Some(saved) = SAVED.get().filter(|_| foreground()) {
        // SAFETY: tcsetattr reads one termios, saved from stdin.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved) };
    }
}

/// Puts quire's between-reads settings on the dumb terminal again (after
/// `fg`: the shell left it in its own, cooked mode, where a Ctrl-D typed
/// while the turn goes on would be taken as a line end and lost).
/// Nothing when quire never read a dumb terminal.
pub(super) fn idle_again() {
    if let Some(saved) = SAVED.get().filter(|_| foreground()) {
        // SAFETY: tcsetattr reads one termios, made from the saved one.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &idle(saved)) };
    }
}

/// Whether quire has the terminal (continued with `bg`, changing its
/// settings would stop quire again).
fn foreground() -> bool {
    // SAFETY: tcgetpgrp and getpgrp read the ids only.
    unsafe { libc::tcgetpgrp(libc::STDIN_FILENO) == libc::getpgrp() }
}

/// What one read of a line gave.
#[derive(Debug, PartialEq)]
pub(super) enum Read {
    Line(String),
    /// Ctrl-C (the terminal's interrupt key); `dropped`: typed text went.
    Interrupted {
        dropped: bool,
    },
    /// Ctrl-D on an empty line, or the terminal closed.
    Eof,
    /// The line is not UTF-8: what to tell the user (nothing was sent).
    Invalid(String),
    /// The asker went away (its turn was interrupted) before a line came.
    Abandoned,
}

/// The terminal's editing keys and whether it echoed, from its settings
/// when quire started.
pub(super) struct DumbTerminal {
    fd: RawFd,
    saved: libc::termios,
    echo: bool,
    /// Bytes read from the terminal and not handled yet.
    pending: std::collections::VecDeque<u8>,
}

/// The settings between reads: no line editing or echo by the driver,
/// Ctrl-C still a signal.
fn idle(saved: &libc::termios) -> libc::termios {
    let mut idle = *saved;
    idle.c_lflag &= !(libc::ICANON | libc::ECHO | libc::IEXTEN);
    idle.c_cc[libc::VMIN] = 1;
    idle.c_cc[libc::VTIME] = 0;
    idle
}

/// Puts the between-reads settings back when a read ends, however it ends.
struct Restore(RawFd, libc::termios);

impl Drop for Restore {
    fn drop(&mut self) {
        // SAFETY: tcsetattr reads one termios, saved from this fd.
        unsafe { libc::tcsetattr(self.0, libc::TCSANOW, &self.1) };
    }
}

/// The line being edited: its bytes and where an escape sequence (an
/// arrow key, which a dumb terminal cannot act on) is being skipped.
#[derive(Default)]
struct Editing {
    bytes: Vec<u8>,
    escape: u8,
}

impl DumbTerminal {
    /// Standard input's terminal; an error when it is none.
    pub(super) fn open() -> std::io::Result<DumbTerminal> {
        let fd = libc::STDIN_FILENO;
        // SAFETY: tcgetattr fills one termios from an open fd.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let _ = SAVED.set(saved);
        Ok(DumbTerminal {
            fd,
            echo: saved.c_lflag & libc::ECHO != 0,
            saved,
            pending: Default::default(),
        })
    }

    /// Everything typed and not read as a line yet: bytes read ahead and
    /// what the terminal holds (see `type_ahead`).
    pub(super) fn take_typed(&mut self) -> Vec<u8> {
        let mut taken: Vec<u8> = self.pending.drain(..).collect();
        taken.extend(super::type_ahead::take(self.fd));
        taken
    }

    fn key(&self, which: usize) -> Option<u8> {
        // _POSIX_VDISABLE (0) turns a key off.
        Some(self.saved.c_cc[which]).filter(|k| *k != 0)
    }

    /// Shows `prompt` and reads one line (or a pasted block of lines).
    /// `wanted` is asked now and then while nothing is typed; false
    /// abandons the read.
    pub(super) fn read_line(&mut self, prompt: &str, wanted: &dyn Fn() -> bool) -> Read {
        let mut raw = self.saved;
        raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG | libc::IEXTEN);
        raw.c_cc[libc::VMIN] = 1;
        raw.c_cc[libc::VTIME] = 0;
        // SAFETY: tcsetattr reads one termios. TCSANOW keeps typed-ahead
        // input.
        if unsafe { libc::tcsetattr(self.fd, libc::TCSANOW, &raw) } != 0 {
            return Read::Eof;
        }
        // Between reads the terminal stays uncooked (quire's signal keys
        // still signal): in the driver's own mode a Ctrl-D typed while a
        // turn runs would be taken as a line end and lost, and a long
        // line typed ahead cut. The saved settings come back at exit
        // ([`restore`]).
        let _idle = Restore(self.fd, idle(&self.saved));
        let me = self;
        out(prompt.as_bytes());
        let mut line = Editing::default();
        loop {
            if me.pending.is_empty() {
                match me.fill(CHECK) {
                    Fill::Got => {}
                    Fill::Nothing if wanted() => continue,
                    Fill::Nothing => return Read::Abandoned,
                    Fill::Closed => return Read::Eof,
                }
            }
            let mut echo = Vec::new();
            let done = me.edit(&mut line, &mut echo, prompt);
            if me.echo {
                out(&echo);
            }
            if let Some(read) = done {
                if let Read::Line(text) = &read {
                    let lines = text.lines().count();
                    if lines > 1 {
                        let chars = text.chars().count();
                        out(format!("[pasted {lines} lines, {chars} chars]\r\n").as_bytes());
                    }
                }
                return read;
            }
        }
    }

    /// Handles the pending bytes; `Some` when the read is over.
    fn edit(&mut self, line: &mut Editing, echo: &mut Vec<u8>, prompt: &str) -> Option<Read> {
        let intr = self.key(libc::VINTR);
        let eof = self.key(libc::VEOF);
        let erase = self.key(libc::VERASE);
        let kill = self.key(libc::VKILL);
        while let Some(b) = self.pending.pop_front() {
            if line.escape == 1 {
                line.escape = if b == b'[' || b == b'O' { 2 } else { 0 };
                continue;
            }
            if line.escape == 2 {
                if (0x40..=0x7e).contains(&b) {
                    line.escape = 0;
                }
                continue;
            }
            match b {
                _ if Some(b) == intr => {
                    echo.extend_from_slice(b"^C\r\n");
                    return Some(Read::Interrupted {
                        dropped: !line.bytes.is_empty(),
                    });
                }
                _ if Some(b) == eof && line.bytes.is_empty() => return Some(Read::Eof),
                // End of file right after a line's end (`script` sends it
                // when its input ends, in the same read as the last line):
                // not more of a paste. The lines so far are the message,
                // and the end of file is the next read's.
                _ if Some(b) == eof && line.bytes.last() == Some(&b'\n') => {
                    line.bytes.pop();
                    self.pending.push_front(b);
                    return Some(finish(std::mem::take(&mut line.bytes)));
                }
                // Ctrl-D with text typed does nothing.
                _ if Some(b) == eof => {}
                b'\r' | b'\n' => {
                    if b == b'\r' && self.pending.front() == Some(&b'\n') {
                        self.pending.pop_front();
                    }
                    // `\` then Enter: a new line in the message, as in
                    // the full-screen view (the backslash is dropped).
                    if line.bytes.last() == Some(&b'\\') && self.pending.is_empty() {
                        line.bytes.pop();
                        line.bytes.push(b'\n');
                        echo.extend_from_slice(b"\x08 \x08\r\n");
                        continue;
                    }
                    echo.extend_from_slice(b"\r\n");
                    // More input already there, or on its way: a paste.
                    if !self.pending.is_empty() || self.waiting(PASTE_GAP) {
                        line.bytes.push(b'\n');
                        continue;
                    }
                    return Some(finish(std::mem::take(&mut line.bytes)));
                }
                0x7f | 0x08 => erase_char(line, echo),
                _ if Some(b) == erase => erase_char(line, echo),
                _ if Some(b) == kill => {
                    let start = line
                        .bytes
                        .iter()
                        .rposition(|c| *c == b'\n')
                        .map_or(0, |i| i + 1);
                    line.bytes.truncate(start);
                    echo.extend_from_slice(b"^U\r\n");
                    if start == 0 {
                        echo.extend_from_slice(prompt.as_bytes());
                    }
                }
                0x1b => line.escape = 1,
                b'\t' => {
                    line.bytes.push(b);
                    echo.push(b);
                }
                0x20.. => {
                    line.bytes.push(b);
                    echo.push(b);
                }
                // Other control keys do nothing, as in the driver's editing.
                _ => {}
            }
        }
        None
    }

    /// Whether input arrives within `gap` (reading it into `pending`).
    fn waiting(&mut self, gap: Duration) -> bool {
        matches!(self.fill(gap), Fill::Got)
    }

    /// Reads what the terminal has, waiting at most `wait` for it.
    fn fill(&mut self, wait: Duration) -> Fill {
        let mut p = libc::pollfd {
            fd: self.fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = i32::try_from(wait.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: poll reads one pollfd.
        let r = unsafe { libc::poll(&mut p, 1, ms) };
        if r == 0 {
            return Fill::Nothing;
        }
        if r < 0 {
            return if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                Fill::Nothing
            } else {
                Fill::Closed
            };
        }
        let mut buf = [0u8; 8192];
        // SAFETY: read writes at most buf.len() bytes into buf.
        let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
        match usize::try_from(n) {
            Ok(0) => Fill::Closed,
            Ok(n) => {
                self.pending.extend(&buf[..n]);
                Fill::Got
            }
            Err(_) if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {
                Fill::Nothing
            }
            Err(_) => Fill::Closed,
        }
    }
}

enum Fill {
    Got,
    Nothing,
    Closed,
}

/// Drops the last character (not across a pasted line's end: a dumb
/// terminal cannot go back up).
fn erase_char(line: &mut Editing, echo: &mut Vec<u8>) {
    if line.bytes.last().is_none_or(|b| *b == b'\n') {
        return;
    }
    while let Some(b) = line.bytes.pop() {
        // A UTF-8 character's continuation bytes, then its first.
        if b & 0xc0 != 0x80 {
            break;
        }
    }
    echo.extend_from_slice(b"\x08 \x08");
}

/// The line read, as text.
fn finish(bytes: Vec<u8>) -> Read {
    match String::from_utf8(bytes) {
        Ok(text) => Read::Line(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let byte = e.as_bytes().get(at).copied().unwrap_or(0);
            Read::Invalid(format!(
                "the line was not sent: it is not UTF-8 text (byte {byte:#04x} after {at} bytes); set the terminal's encoding to UTF-8 and type it again"
            ))
        }
    }
}

/// Writes to the terminal (stdout, as rustyline does its prompt; stderr
/// when stdout is piped, which gets only the answers).
fn out(bytes: &[u8]) {
    use std::io::IsTerminal;
    if bytes.is_empty() {
        return;
    }
    let written = if std::io::stdout().is_terminal() {
        let mut o = std::io::stdout().lock();
        o.write_all(bytes).and_then(|()| o.flush())
    } else {
        let mut e = std::io::stderr().lock();
        e.write_all(bytes).and_then(|()| e.flush())
    };
    let _ = written;
}
