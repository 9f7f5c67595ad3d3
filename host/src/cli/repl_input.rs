//! The line mode's reading of the terminal: rustyline on a thread of its
//! own (on a dumb terminal quire's own reading, `dumb_line`), and the main
//! prompt's Ctrl-C — the first clears what was typed (or, on an empty
//! line, says a second quits), the second quits.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustyline::{Cmd, ConditionalEventHandler, EventContext, EventHandler, KeyEvent, Movement};
use tokio::sync::{mpsc, oneshot};

use super::run::Interrupts;

mod route;
use route::{Msg, Question, Questions, Router, serve};

/// What the TUI says after a first Ctrl-C on an empty input, said the same.
pub(super) const QUIT_HINT: &str = "press Ctrl-C again (or Ctrl-D) to quit";

/// A line read from the terminal, or why there is none.
pub(super) enum Input {
    Line(String),
    Interrupted,
    /// Ctrl-C on a dumb terminal with text typed: the text is gone.
    Cleared,
    /// The line could not be read (not UTF-8): what to tell the user.
    /// Nothing was sent; the session goes on.
    Failed(String),
    Eof,
}

/// Consecutive read errors after which the terminal is taken as gone.
const MAX_FAILURES: u32 = 3;

pub(super) struct ReadRequest {
    prompt: String,
    /// The main prompt's read (its line goes to the history); any other
    /// read is a question's (`route` hands a line over to it).
    history: bool,
    /// A question: what was typed before it is taken away first
    /// (`type_ahead`), never read as its answer.
    fresh: bool,
    /// Text the line starts with (typed before the reader could read).
    initial: String,
    reply: oneshot::Sender<Input>,
}

/// The terminal reader: rustyline blocks, so it runs on its own thread.
#[derive(Clone)]
pub(super) struct Reader {
    requests: mpsc::UnboundedSender<Msg>,
    /// The approval questions open (see `route`).
    questions: Arc<Questions>,
    /// Set when a Ctrl-C cleared typed text (rustyline's own editing).
    cleared: Arc<AtomicBool>,
    /// What the next main prompt's line starts with ([`Reader::start_with`]).
    initial: Arc<std::sync::Mutex<String>>,
    /// A dumb terminal's lines are read by quire, which cannot put text
    /// on the line to edit: `initial` is not shown there.
    plain: Arc<AtomicBool>,
}

/// Enter after a `\` at the line's end: a new line in the message, as
/// in the full-screen view. rustyline cannot replace the backslash and
/// leave the cursor after the new line, so the new line goes in after it
/// and the backslash's place is noted, to be taken out of the line read
/// ([`without_continuations`]); a `\` before a pasted line's end stays.
struct BackslashEnter(Arc<std::sync::Mutex<Vec<usize>>>);

impl ConditionalEventHandler for BackslashEnter {
    fn handle(
        &self,
        _: &rustyline::Event,
        _: rustyline::RepeatCount,
        _: bool,
        ctx: &EventContext,
    ) -> Option<Cmd> {
        let line = ctx.line();
        if ctx.pos() != line.len() || !line.ends_with('\\') {
            return None;
        }
        if let Ok(mut at) = self.0.lock() {
            at.push(line.len() - 1);
        }
        Some(Cmd::Newline)
    }
}

/// `line` without the backslashes noted by [`BackslashEnter`] (each one
/// still before a new line; one edited away since is left alone).
fn without_continuations(mut line: String, noted: &mut Vec<usize>) -> String {
    noted.sort_unstable();
    for &at in noted.iter().rev() {
        if line.get(at..).is_some_and(|rest| rest.starts_with("\\\n")) {
            line.remove(at);
        }
    }
    noted.clear();
    line
}

/// Ctrl-C with text on the line clears it, as in a shell; on an empty
/// line it ends the read as interrupted.
struct CtrlC(Arc<AtomicBool>);

impl ConditionalEventHandler for CtrlC {
    fn handle(
        &self,
        _evt: &rustyline::Event,
        _n: rustyline::RepeatCount,
        _positive: bool,
        ctx: &EventContext,
    ) -> Option<Cmd> {
        if ctx.line().is_empty() {
            return None;
        }
        self.0.store(true, Ordering::SeqCst);
        Some(Cmd::Kill(Movement::WholeLine))
    }
}

pub(super) fn spawn_reader(history_file: std::path::PathBuf) -> Reader {
    let (tx, rx) = mpsc::unbounded_channel::<Msg>();
    let questions = Arc::new(Questions::default());
    let router = Router::new(rx, questions.clone());
    let cleared = Arc::new(AtomicBool::new(false));
    let on_ctrl_c = cleared.clone();
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb") && std::io::stdin().is_terminal();
    // The reader is set up before this returns, so that what it does to
    // the signal handlers is done before quire installs its own.
    let (ready, set_up) = std::sync::mpsc::sync_channel::<()>(1);
    let plain = Arc::new(AtomicBool::new(false));
    let plain_set = plain.clone();
    std::thread::spawn(move || {
        if dumb && let Ok(terminal) = super::dumb_line::DumbTerminal::open() {
            plain_set.store(true, Ordering::SeqCst);
            let _ = ready.send(());
            return read_dumb(terminal, router);
        }
        read_rustyline(history_file, on_ctrl_c, router, ready)
    });
    let _ = set_up.recv();
    Reader {
        requests: tx,
        questions,
        cleared,
        initial: Arc::default(),
        plain,
    }
}

/// A dumb terminal's lines, read by quire (see `dumb_line`).
fn read_dumb(mut terminal: super::dumb_line::DumbTerminal, router: Router) {
    use super::dumb_line::Read;
    serve(router, |req| {
        if req.fresh {
            say_taken(&terminal.take_typed());
        }
        // An asker gone (a turn interrupted while its approval question
        // waited) gets no line: the next one typed is for the next asker.
        let read = terminal.read_line(&req.prompt, &|| !req.reply.is_closed());
        Some(match read {
            Read::Line(l) => Input::Line(l),
            Read::Interrupted { dropped: true } => Input::Cleared,
            Read::Interrupted { dropped: false } => Input::Interrupted,
            Read::Eof => Input::Eof,
            Read::Invalid(why) => Input::Failed(why),
            Read::Abandoned => return None,
        })
    })
}

fn read_rustyline(
    history_file: std::path::PathBuf,
    on_ctrl_c: Arc<AtomicBool>,
    router: Router,
    ready: std::sync::mpsc::SyncSender<()>,
) {
    // A piped stdout gets only the answers: the prompt and the line being
    // edited go to the terminal (`quire | next-step`); with no terminal
    // to type on there is no prompt.
    let stdout_piped = !std::io::stdout().is_terminal();
    let typed = std::io::stdin().is_terminal();
    let config = rustyline::Config::builder()
        .behavior(if stdout_piped && typed {
            rustyline::config::Behavior::PreferTerm
        } else {
            rustyline::config::Behavior::Stdio
        })
        .build();
    let made = keeping_sigint(|| rustyline::DefaultEditor::with_config(config));
    let _ = ready.send(());
    let mut editor = match made {
        Ok(e) => e,
        Err(e) => {
            super::pipe::err_clean(&format!("error: cannot open the terminal for input: {e}\n"));
            return serve(router, |_| Some(Input::Eof));
        }
    };
    editor.bind_sequence(
        KeyEvent::ctrl('C'),
        EventHandler::Conditional(Box::new(CtrlC(on_ctrl_c))),
    );
    let continued = Arc::new(std::sync::Mutex::new(Vec::new()));
    editor.bind_sequence(
        KeyEvent(rustyline::KeyCode::Enter, rustyline::Modifiers::NONE),
        EventHandler::Conditional(Box::new(BackslashEnter(continued.clone()))),
    );
    let _ = editor.load_history(&history_file);
    let mut failures = 0;
    let questions = router.questions();
    serve(router, |req| {
        if req.fresh && std::io::stdin().is_terminal() {
            say_taken(&super::type_ahead::take(libc::STDIN_FILENO));
        }
        // Nobody types (input and output piped): no prompt, as rustyline
        // shows none on a terminal it supports.
        let prompt = if stdout_piped && !typed {
            ""
        } else {
            req.prompt.as_str()
        };
        let read = if req.initial.is_empty() {
            editor.readline(prompt)
        } else {
            editor.readline_with_initial(prompt, (&req.initial, ""))
        };
        let mut noted = continued
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default();
        let input = match read {
            Ok(line) => {
                let line = without_continuations(line, &mut noted);
                // A question's answer typed at the main prompt (`route`)
                // is no message to recall.
                if req.history && !line.trim().is_empty() && !questions.any_open() {
                    let _ = editor.add_history_entry(line.as_str());
                    let _ = editor.save_history(&history_file);
                }
                Input::Line(line)
            }
            Err(rustyline::error::ReadlineError::Interrupted) => Input::Interrupted,
            Err(rustyline::error::ReadlineError::Eof) => Input::Eof,
            // Bytes that are not UTF-8 (a terminal in another encoding,
            // a line cut inside a character): said, and read again.
            Err(rustyline::error::ReadlineError::Io(e))
                if e.kind() == std::io::ErrorKind::InvalidData && failures < MAX_FAILURES =>
            {
                failures += 1;
                Input::Failed(format!(
                    "the line was not sent: it is not UTF-8 text ({e}); set the terminal's encoding to UTF-8 and type it again"
                ))
            }
            Err(_) => Input::Eof,
        };
        if matches!(input, Input::Line(_)) {
            failures = 0;
        }
        Some(input)
    })
}

/// Runs `make` and puts SIGINT's handler back as it was. rustyline's
/// editor takes SIGINT for its whole life (and passes it to no one): a
/// Ctrl-C or `kill -INT` during a turn then reached neither quire's
/// handler nor the turn. The editor does not need it: it reads Ctrl-C as
/// a key, its terminal in raw mode.
fn keeping_sigint<T>(make: impl FnOnce() -> T) -> T {
    // SAFETY: a zeroed sigaction is a valid out-parameter; sigaction with
    // a null new action only reads the current one.
    let mut before: libc::sigaction = unsafe { std::mem::zeroed() };
    let read = unsafe { libc::sigaction(libc::SIGINT, std::ptr::null(), &mut before) } == 0;
    let made = make();
    if read {
        // SAFETY: puts back the action read above, unchanged.
        unsafe { libc::sigaction(libc::SIGINT, &before, std::ptr::null_mut()) };
    }
    made
}

/// Says what was typed before a question and taken away.
fn say_taken(taken: &[u8]) {
    if let Some(notice) = super::type_ahead::notice(taken) {
        super::pipe::err(&notice);
    }
}

impl Reader {
    /// Asks for a line; the answer comes on the receiver.
    fn ask(&self, prompt: &str, history: bool) -> oneshot::Receiver<Input> {
        self.request(prompt, history, false)
    }

    fn request(&self, prompt: &str, history: bool, fresh: bool) -> oneshot::Receiver<Input> {
        let (reply, rx) = oneshot::channel();
        // Only the main prompt's line starts with what was typed early.
        let initial = match self.initial.lock() {
            Ok(mut g) if history => std::mem::take(&mut *g),
            _ => String::new(),
        };
        // A reader gone answers Eof (the sender dropped).
        let _ = self.requests.send(Msg::Read(ReadRequest {
            prompt: prompt.to_string(),
            history,
            fresh,
            initial,
            reply,
        }));
        rx
    }

    /// Opens an approval question: until it is dropped, lines go to its
    /// reads, also the line of a main prompt already waiting.
    pub(super) fn question(&self) -> Question {
        Question::open(self.questions.clone(), self.requests.clone())
    }

    /// Whether the main prompt's line can start with text to edit
    /// ([`Reader::start_with`]): not on a dumb terminal.
    pub(super) fn fills_line(&self) -> bool {
        !self.plain.load(Ordering::SeqCst)
    }

    /// The next main prompt's line starts with `text` (keys typed before
    /// the reader could read them), to edit or send.
    pub(super) fn start_with(&self, text: &str) {
        if let Ok(mut g) = self.initial.lock() {
            *g = text.to_string();
        }
    }

    pub(super) async fn read(&self, prompt: &str, history: bool) -> Input {
        self.ask(prompt, history).await.unwrap_or(Input::Eof)
    }

    /// The answer to a question just asked: input typed before it is
    /// taken away (and said) first.
    pub(super) async fn answer(&self, prompt: &str) -> Input {
        self.request(prompt, false, true)
            .await
            .unwrap_or(Input::Eof)
    }

    /// The main prompt: a line to handle, or `None` to quit (Ctrl-D, or
    /// Ctrl-C twice on a terminal). A Ctrl-C arrives as a key (rustyline's,
    /// or quire's reading of a dumb terminal); a SIGINT sent while the
    /// prompt waits ([`Interrupts`] passes it here) counts the same.
    pub(super) async fn prompt(&self, prompt: &str, interrupts: &Interrupts) -> Option<String> {
        let mut answer = self.ask(prompt, true);
        let (tx, mut signals) = mpsc::unbounded_channel();
        // Input from a pipe has no line to clear: a SIGINT there exits at
        // once, as before a turn of `quire exec`.
        if std::io::stdin().is_terminal() {
            interrupts.at_prompt(Some(tx));
        }
        self.cleared.store(false, Ordering::SeqCst);
        let mut armed = false;
        let out = loop {
            tokio::select! {
                input = &mut answer => match input.unwrap_or(Input::Eof) {
                    Input::Line(l) => break Some(l),
                    Input::Eof => {
                        // Ctrl-D leaves the cursor after the prompt: what
                        // follows, and the shell's prompt, start on a new
                        // line.
                        if std::io::stdin().is_terminal() {
                            super::pipe::err("\n");
                        }
                        break None;
                    }
                    Input::Failed(why) => {
                        super::pipe::err(&format!("error: {why}\n"));
                        answer = self.ask(prompt, true);
                    }
                    // quire's reading of a dumb terminal: Ctrl-C dropped
                    // the typed text, as the driver's editing did.
                    Input::Cleared => {
                        armed = true;
                        super::pipe::err(&format!("(input cleared) {QUIT_HINT}\n"));
                        answer = self.ask(prompt, true);
                    }
                    Input::Interrupted => {
                        // Text cleared since the hint: the count starts again.
                        if self.cleared.swap(false, Ordering::SeqCst) {
                            armed = false;
                        }
                        if armed {
                            break None;
                        }
                        armed = true;
                        super::pipe::err(&format!("{QUIT_HINT}\n"));
                        answer = self.ask(prompt, true);
                    }
                },
                Some(()) = signals.recv() => {
                    if armed {
                        super::pipe::err("\n");
                        break None;
                    }
                    armed = true;
                    // A terminal whose driver edits the line (rustyline
                    // on a dumb terminal quire could not set up) dropped
                    // the typed text; the read goes on.
                    super::pipe::err(&format!("\n(input cleared) {QUIT_HINT}\n{prompt}"));
                }
            }
        };
        interrupts.at_prompt(None);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_noted_backslashes_before_a_new_line_go() {
        // The one at 8 was edited away since; a pasted `\` before a new
        // line stays.
        let mut noted = vec![2, 8];
        let line = "ab\\\ncd \\\nef".to_string();
        assert_eq!(without_continuations(line, &mut noted), "ab\ncd \\\nef");
        assert!(noted.is_empty());
    }
}
