//! The line mode's reading of the terminal: rustyline on a thread of its
//! own, and the main prompt's Ctrl-C — the first clears what was typed
//! (or, on an empty line, says a second quits), the second quits.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustyline::{Cmd, ConditionalEventHandler, EventContext, EventHandler, KeyEvent, Movement};
use tokio::sync::{mpsc, oneshot};

use super::run::Interrupts;

/// What the TUI says after a first Ctrl-C on an empty input, said the same.
pub(super) const QUIT_HINT: &str = "press Ctrl-C again (or Ctrl-D) to quit";

/// A line read from the terminal, or why there is none.
pub(super) enum Input {
    Line(String),
    Interrupted,
    Eof,
}

pub(super) struct ReadRequest {
    prompt: String,
    history: bool,
    reply: oneshot::Sender<Input>,
}

/// The terminal reader: rustyline blocks, so it runs on its own thread.
#[derive(Clone)]
pub(super) struct Reader {
    requests: mpsc::UnboundedSender<ReadRequest>,
    /// Set when a Ctrl-C cleared typed text (rustyline's own editing).
    cleared: Arc<AtomicBool>,
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
    let (tx, mut rx) = mpsc::unbounded_channel::<ReadRequest>();
    let cleared = Arc::new(AtomicBool::new(false));
    let on_ctrl_c = cleared.clone();
    std::thread::spawn(move || {
        let mut editor = match rustyline::DefaultEditor::new() {
            Ok(e) => e,
            Err(e) => {
                super::pipe::err_clean(&format!(
                    "error: cannot open the terminal for input: {e}\n"
                ));
                while let Some(req) = rx.blocking_recv() {
                    let _ = req.reply.send(Input::Eof);
                }
                return;
            }
        };
        editor.bind_sequence(
            KeyEvent::ctrl('C'),
            EventHandler::Conditional(Box::new(CtrlC(on_ctrl_c))),
        );
        let _ = editor.load_history(&history_file);
        while let Some(req) = rx.blocking_recv() {
            let input = match editor.readline(&req.prompt) {
                Ok(line) => {
                    if req.history && !line.trim().is_empty() {
                        let _ = editor.add_history_entry(line.as_str());
                        let _ = editor.save_history(&history_file);
                    }
                    Input::Line(line)
                }
                Err(rustyline::error::ReadlineError::Interrupted) => Input::Interrupted,
                Err(_) => Input::Eof,
            };
            let _ = req.reply.send(input);
        }
    });
    Reader {
        requests: tx,
        cleared,
    }
}

impl Reader {
    /// Asks for a line; the answer comes on the receiver.
    fn ask(&self, prompt: &str, history: bool) -> oneshot::Receiver<Input> {
        let (reply, rx) = oneshot::channel();
        // A reader gone answers Eof (the sender dropped).
        let _ = self.requests.send(ReadRequest {
            prompt: prompt.to_string(),
            history,
            reply,
        });
        rx
    }

    pub(super) async fn read(&self, prompt: &str, history: bool) -> Input {
        self.ask(prompt, history).await.unwrap_or(Input::Eof)
    }

    /// The main prompt: a line to handle, or `None` to quit (Ctrl-D, or
    /// Ctrl-C twice on a terminal). On a terminal rustyline edits, a Ctrl-C arrives as
    /// a key; on a dumb one the line is the terminal driver's, which sends
    /// SIGINT and drops the typed text itself ([`Interrupts`] passes the
    /// signal here while the prompt waits).
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
                    // The driver dropped the typed text; the read goes on.
                    super::pipe::err(&format!("\n(input cleared) {QUIT_HINT}\n{prompt}"));
                }
            }
        };
        interrupts.at_prompt(None);
        out
    }
}
