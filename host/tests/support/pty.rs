//! Runs the real `quire` binary in a pseudo-terminal and keeps a virtual
//! screen of what it draws (vt100), so tests can type keys and read the
//! screen as a person would. Cursor-position queries are answered, as a
//! terminal does.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod history;
mod reflow;

/// How long a screen condition is waited for.
pub const WAIT: Duration = Duration::from_secs(30);

pub struct Pty {
    pub child: Child,
    /// `None` once [`Pty::hang_up`] closed the terminal.
    master: Option<File>,
    /// Tells the reader thread to close its copies of the master.
    closing: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Everything the program wrote, raw.
    raw: Arc<Mutex<Vec<u8>>>,
    feed: Arc<Mutex<Feed>>,
}

/// What the program writes goes to the screen through here.
struct Feed {
    /// Where answers to cursor-position queries go (`None` once the
    /// reader stopped: the terminal is closing).
    answer: Option<File>,
    answers_cursor: bool,
    /// Output not shown yet ([`Pty::hold_output`]).
    held: Option<Vec<u8>>,
    /// The screen as shown while a synchronized update is open (mode
    /// 2026, which quire wraps each frame in): a terminal that honours it
    /// keeps showing the last whole frame until the update ends, so a
    /// test never reads a frame half drawn (one written in two pieces).
    shown: Option<(vt100::Screen, Instant)>,
}

impl Feed {
    /// Draws `data`. Answers "where is the cursor?" after drawing what
    /// came before the query, and keeps a screen cleared whole in the
    /// scrollback as tmux does.
    fn process(&mut self, parser: &mut vt100::Parser, data: &[u8]) {
        let mut rest = data;
        while let Some((i, len)) = next_special(rest) {
            parser.process(&rest[..i]);
            let seq = &rest[i..i + len];
            if seq == SYNC_BEGIN {
                self.shown = Some((parser.screen().clone(), Instant::now()));
            } else if seq == SYNC_END {
                self.shown = None;
            } else if seq == b"\x1b[6n" {
                if let Some(answer) = self.answer.as_mut().filter(|_| self.answers_cursor) {
                    let (row, col) = parser.screen().cursor_position();
                    let _ = write!(answer, "\x1b[{};{}R", row + 1, col + 1);
                }
            } else {
                scroll_on_clear(parser, seq);
                parser.process(seq);
            }
            rest = &rest[i + len..];
        }
        parser.process(rest);
    }
}

/// A new pseudo-terminal of `rows` × `cols`: (master, slave). Both fds are
/// close-on-exec from the start: the tests share one process, and a child
/// another test spawns at the same moment must not inherit them (a leaked
/// master keeps the terminal open after the test closes it).
fn open_pty(rows: u16, cols: u16) -> (OwnedFd, OwnedFd) {
    let flags = libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC;
    // SAFETY: a plain open(2) of a NUL-terminated path.
    let fd = unsafe { libc::open(c"/dev/ptmx".as_ptr(), flags) };
    assert!(
        fd >= 0,
        "open /dev/ptmx: {}",
        std::io::Error::last_os_error()
    );
    // SAFETY: the fd was just opened and is owned here.
    let master = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut name = [0 as libc::c_char; 128];
    // SAFETY: `master` is an open pty master; `name` is writable for its length.
    let ok = unsafe {
        libc::grantpt(master.as_raw_fd()) == 0
            && libc::unlockpt(master.as_raw_fd()) == 0
            && libc::ptsname_r(master.as_raw_fd(), name.as_mut_ptr(), name.len()) == 0
    };
    assert!(ok, "pty setup: {}", std::io::Error::last_os_error());
    // SAFETY: ptsname_r wrote a NUL-terminated path into `name`.
    let fd = unsafe { libc::open(name.as_ptr(), flags) };
    assert!(
        fd >= 0,
        "open pty slave: {}",
        std::io::Error::last_os_error()
    );
    // SAFETY: the fd was just opened and is owned here.
    let slave = unsafe { OwnedFd::from_raw_fd(fd) };
    let ws = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCSWINSZ reads one winsize from a valid pointer.
    let r = unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
    assert_eq!(r, 0, "TIOCSWINSZ: {}", std::io::Error::last_os_error());
    (master, slave)
}

impl Pty {
    /// Starts `cmd` (built by `TestEnv::command`) on a new terminal of
    /// `rows` × `cols`.
    pub fn spawn(cmd: Command, rows: u16, cols: u16) -> Pty {
        Pty::spawn_reporting(cmd, rows, cols, (rows, cols))
    }

    /// Starts `cmd` on a terminal that reports `reported` (rows, cols) to
    /// the program (0 × 0: a pty nobody set the size of) while the screen
    /// kept here is `rows` × `cols`.
    pub fn spawn_reporting(cmd: Command, rows: u16, cols: u16, reported: (u16, u16)) -> Pty {
        Pty::start(cmd, rows, cols, reported, true)
    }

    /// Starts `cmd` on a terminal that never answers cursor-position
    /// queries (a serial console, some web terminals).
    pub fn spawn_mute(cmd: Command, rows: u16, cols: u16) -> Pty {
        Pty::start(cmd, rows, cols, (rows, cols), false)
    }

    fn start(
        mut cmd: Command,
        rows: u16,
        cols: u16,
        reported: (u16, u16),
        answers_cursor: bool,
    ) -> Pty {
        let (master, slave) = open_pty(reported.0, reported.1);
        let slave_fd = slave.as_raw_fd();
        // An xterm unless the test chose a terminal (`TERM=dumb`: the line mode).
        if !cmd.get_envs().any(|(k, _)| k == "TERM") {
            cmd.env("TERM", "xterm-256color");
        }
        cmd.stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::from(slave))
            .env_remove("NO_COLOR");
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::ioctl(slave_fd, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn quire on a pty");
        let master = File::from(master);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            rows,
            cols,
            history::SCROLLBACK,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone().expect("dup master");
        let feed = Arc::new(Mutex::new(Feed {
            answer: Some(master.try_clone().expect("dup master")),
            answers_cursor,
            held: None,
            shown: None,
        }));
        let (p, r, f) = (parser.clone(), raw.clone(), feed.clone());
        let closing = Arc::new(AtomicBool::new(false));
        let stop = closing.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                // Woken every 20 ms to see whether the test hangs up, which
                // needs every copy of the master closed.
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let mut pfd = libc::pollfd {
                    fd: reader.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd for the duration of the call.
                let ready = unsafe { libc::poll(&mut pfd, 1, 20) };
                if ready == 0
                    || (ready < 0
                        && std::io::Error::last_os_error().kind()
                            == std::io::ErrorKind::Interrupted)
                {
                    continue;
                }
                let n = match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let data = &buf[..n];
                r.lock().unwrap().extend_from_slice(data);
                let mut feed = f.lock().unwrap();
                if let Some(pending) = feed.held.as_mut() {
                    pending.extend_from_slice(data);
                } else {
                    feed.process(&mut p.lock().unwrap(), data);
                }
            }
            // The last copy of the master closes with the reader.
            f.lock().unwrap().answer = None;
        });
        Pty {
            child,
            master: Some(master),
            closing,
            reader: Some(reader),
            parser,
            raw,
            feed,
        }
    }

    /// From now on what the program writes is kept, not shown, until
    /// [`Pty::release_output`]: as bytes still on their way to a terminal
    /// when its window is resized.
    pub fn hold_output(&self) {
        self.feed.lock().unwrap().held.get_or_insert_with(Vec::new);
    }

    /// Whether the output held since [`Pty::hold_output`] satisfies `cond`.
    pub fn held_output(&self, cond: impl Fn(&[u8]) -> bool) -> bool {
        self.feed.lock().unwrap().held.as_deref().is_some_and(cond)
    }

    /// Shows the output held since [`Pty::hold_output`] (on the screen
    /// as it is now) and what comes after.
    pub fn release_output(&self) {
        let mut feed = self.feed.lock().unwrap();
        if let Some(held) = feed.held.take() {
            feed.process(&mut self.parser.lock().unwrap(), &held);
        }
    }

    /// Closes the terminal (as when its window is closed): every copy of
    /// the master is closed, the program gets SIGHUP and EIO.
    pub fn hang_up(&mut self) {
        self.closing.store(true, Ordering::SeqCst);
        self.master = None;
        if let Some(reader) = self.reader.take() {
            reader.join().expect("pty reader thread");
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Types bytes (keys) into the terminal.
    pub fn send(&mut self, bytes: &str) {
        self.send_bytes(bytes.as_bytes());
    }

    /// Types bytes that need not be UTF-8 (a terminal in another encoding).
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let master = self.master.as_mut().expect("the terminal is open");
        master.write_all(bytes).expect("write to pty");
        master.flush().expect("flush pty");
    }

    /// Whether the terminal is in cooked mode (canonical input with echo),
    /// as a shell leaves it, rather than the raw mode of a full-screen
    /// program. Read through the master, which reports the terminal's
    /// settings.
    pub fn cooked(&self) -> bool {
        let master = self.master.as_ref().expect("the terminal is open");
        // SAFETY: tcgetattr fills one termios from an open fd.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::tcgetattr(master.as_raw_fd(), &mut t) };
        assert_eq!(r, 0, "tcgetattr: {}", std::io::Error::last_os_error());
        t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
    }

    /// The visible screen, rows joined by newlines: while a synchronized
    /// update is open, the last whole frame, as a terminal honouring it
    /// shows (for at most [`SYNC_HELD`], as terminals time it out).
    pub fn screen(&self) -> String {
        // The feed's lock first, as the reader takes them.
        let feed = self.feed.lock().unwrap();
        match feed.shown.as_ref() {
            Some((shown, since)) if since.elapsed() < SYNC_HELD => shown.contents(),
            _ => self.parser.lock().unwrap().screen().contents(),
        }
    }

    /// Everything written so far, escapes removed roughly (for text that
    /// has scrolled out of the screen).
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }

    /// Resizes the terminal as tmux does: a shorter screen loses the rows
    /// under the cursor first, then pushes its top rows into the
    /// scrollback (no reflow: a narrower screen cuts its rows). The program
    /// gets SIGWINCH.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        {
            let mut parser = self.parser.lock().unwrap();
            let (old_rows, _) = parser.screen().size();
            let (row, col) = parser.screen().cursor_position();
            let needed = old_rows.saturating_sub(rows);
            let below = old_rows - 1 - row;
            let push = needed.saturating_sub(below);
            if push > 0 {
                let scroll = format!("\x1b[{old_rows};1H{}", "\n".repeat(usize::from(push)));
                parser.process(scroll.as_bytes());
                let back = format!("\x1b[{};{}H", row - push + 1, col + 1);
                parser.process(back.as_bytes());
            }
            parser.set_size(rows, cols);
        }
        self.tell_size(rows, cols);
    }

    /// Resizes the terminal as tmux does, its scrollback included: a
    /// shorter screen as [`Pty::resize`], a taller one takes rows back
    /// from the scrollback into its top, the cursor moving down with them
    /// ([`history`]; text only, the width kept). The program gets SIGWINCH.
    pub fn resize_pulling_history(&mut self, rows: u16) {
        let (old_rows, cols) = self.parser.lock().unwrap().screen().size();
        if rows > old_rows {
            history::grow(&mut self.parser.lock().unwrap(), rows);
            self.tell_size(rows, cols);
        } else {
            self.resize(rows, cols);
        }
    }

    /// Narrows the terminal as a reflowing one does (tmux, most modern
    /// terminals): rows wider than `cols` are split, the cursor stays on
    /// its cell ([`reflow`]). The program gets SIGWINCH.
    pub fn narrow_reflowing(&mut self, rows: u16, cols: u16) {
        reflow::narrow(&mut self.parser.lock().unwrap(), rows, cols);
        self.tell_size(rows, cols);
    }

    /// Sets the pty's size: the program gets SIGWINCH.
    fn tell_size(&mut self, rows: u16, cols: u16) {
        let master = self.master.as_ref().expect("the terminal is open");
        let ws = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCSWINSZ reads one winsize from a valid pointer.
        let r = unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
        assert_eq!(r, 0, "TIOCSWINSZ: {}", std::io::Error::last_os_error());
    }

    /// How many rows have gone into the scrollback (whatever their
    /// number, unlike [`Pty::transcript`]).
    pub fn scrollback_len(&self) -> usize {
        let mut parser = self.parser.lock().unwrap();
        parser.set_scrollback(usize::MAX);
        let held = parser.screen().scrollback();
        parser.set_scrollback(0);
        held
    }

    /// Every row the terminal holds: its scrollback, then the screen,
    /// trailing blanks cut. vt100 shows at most a screen of scrollback
    /// (a deeper offset overflows): a test keeps its output within that.
    pub fn transcript(&self) -> Vec<String> {
        let mut parser = self.parser.lock().unwrap();
        let (rows, cols) = parser.screen().size();
        parser.set_scrollback(usize::from(rows));
        let held = parser.screen().scrollback();
        let (screen, scrolled): (Vec<String>, Vec<String>) = {
            let page: Vec<String> = parser
                .screen()
                .rows(0, cols)
                .map(|r| r.trim_end().to_string())
                .collect();
            parser.set_scrollback(0);
            let screen = parser
                .screen()
                .rows(0, cols)
                .map(|r| r.trim_end().to_string())
                .collect();
            (screen, page.into_iter().take(held).collect())
        };
        drop(parser);
        assert!(
            held < usize::from(rows),
            "more scrollback than a screen: the test must write less"
        );
        scrolled.into_iter().chain(screen).collect()
    }

    /// Waits until the screen satisfies `cond`; fails with the screen.
    pub fn wait_for(&self, what: &str, cond: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let s = self.screen();
            if cond(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The cursor's row on the screen.
    pub fn cursor_row(&self) -> u16 {
        self.parser.lock().unwrap().screen().cursor_position().0
    }

    /// Waits until the cursor is on a row below `row`.
    pub fn wait_cursor_below(&self, row: u16) {
        self.wait_for(&format!("the cursor below row {row}"), |_| {
            self.cursor_row() > row
        });
    }

    /// Waits until `text` is on the screen.
    pub fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    /// Leaves the line mode with Ctrl-D once its prompt is back (sent
    /// while a turn ends, the terminal's own line editing would take it);
    /// the exit code.
    pub fn quit_at_prompt(&mut self) -> i32 {
        self.wait_for("the prompt back", |s| {
            s.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.starts_with('›'))
        });
        self.send("\x04");
        self.wait_exit()
    }

    /// Waits for the program to exit; its exit code.
    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                // Let the reader catch the last output.
                std::thread::sleep(Duration::from_millis(100));
                return st.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("quire did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the first cursor query or "erase below"/"erase all" in `data`
/// starts, and its length.
/// A synchronized update's start and end (mode 2026).
const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
const SYNC_END: &[u8] = b"\x1b[?2026l";

/// How long a terminal keeps showing the old frame while an update stays
/// open (kitty and foot give up after about a second).
const SYNC_HELD: Duration = Duration::from_secs(1);

fn next_special(data: &[u8]) -> Option<(usize, usize)> {
    const SEQS: [&[u8]; 6] = [
        b"\x1b[6n", b"\x1b[J", b"\x1b[0J", b"\x1b[2J", SYNC_BEGIN, SYNC_END,
    ];
    SEQS.iter()
        .filter_map(|seq| find(data, seq).map(|i| (i, seq.len())))
        .min()
}

/// tmux's `scroll-on-clear` (on by default): erasing the whole screen
/// ("erase all", or "erase below" from the first cell) first moves its
/// rows, up to the last one used, into the scrollback. vt100 just clears;
/// without this a program that clears from the first cell each frame
/// would look fine here and fill a tmux user's scrollback with frames.
fn scroll_on_clear(parser: &mut vt100::Parser, seq: &[u8]) {
    let (row, col) = parser.screen().cursor_position();
    if seq != b"\x1b[2J" && (row, col) != (0, 0) {
        return;
    }
    let (rows, cols) = parser.screen().size();
    let used = parser
        .screen()
        .rows(0, cols)
        .enumerate()
        .filter(|(_, r)| !r.trim().is_empty())
        .map(|(y, _)| y + 1)
        .last()
        .unwrap_or(0);
    if used == 0 {
        return;
    }
    let push = format!(
        "\x1b[{rows};1H{}\x1b[{};{}H",
        "\n".repeat(used),
        row + 1,
        col + 1
    );
    parser.process(push.as_bytes());
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Every descendant process of `pid` (from /proc).
pub fn descendants(pid: i32) -> Vec<i32> {
    let mut parents: Vec<(i32, i32)> = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let Ok(p) = e.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            if let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat"))
                && let Some(rest) = stat.rsplit(')').next()
                && let Some(ppid) = rest.split_whitespace().nth(1).and_then(|x| x.parse().ok())
            {
                parents.push((p, ppid));
            }
        }
    }
    let mut out = Vec::new();
    let mut frontier = vec![pid];
    while let Some(p) = frontier.pop() {
        for (c, pp) in &parents {
            if *pp == p && !out.contains(c) {
                out.push(*c);
                frontier.push(*c);
            }
        }
    }
    out
}
