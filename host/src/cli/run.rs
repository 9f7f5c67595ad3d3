//! Drives one task while rendering its events and watching for Ctrl-C.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};
use std::time::Duration;

use quire::agent::{Event, Session, TaskOutcome};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio_util::sync::CancellationToken;

use super::render::Renderer;

/// Counts Ctrl-C presses: the first interrupts the running task, the second
/// exits the process. SIGTERM (`timeout`, CI runners, `docker stop`) and
/// SIGHUP (the terminal closed) interrupt the running task the same way,
/// and the process then exits with 128 + the signal number
/// ([`Interrupts::terminated`]); with no task running it exits at once.
/// Stdout's pipe losing its reader (EPIPE on a write, or seen by the
/// watcher of `pipe_watch` when nothing is written) interrupts the task too, and
/// the process exits with 141, as if killed by SIGPIPE: a script that
/// stopped reading (`| head -1`) does not leave it running tools unseen.
/// A reader that goes once the task has ended (`| grep -q task_completed`
/// after the last event) interrupted nothing: the exit code stays the
/// task's.
#[derive(Clone, Default)]
pub struct Interrupts {
    count: Arc<AtomicU32>,
    current: Arc<std::sync::Mutex<Option<CancellationToken>>>,
    /// SIGTERM or SIGHUP, once one arrived; SIGPIPE once stdout closed.
    signal: Arc<AtomicI32>,
    /// Stdout's closing cut a task short: it closed while one ran, or
    /// before one began (which is then cancelled from the start).
    pipe_cut_task: Arc<AtomicBool>,
    /// The line mode's prompt waiting: a Ctrl-C (SIGINT, on a terminal
    /// whose driver edits the line) goes there instead of exiting.
    prompt: Arc<std::sync::Mutex<Option<UnboundedSender<()>>>>,
    /// Printed when a Ctrl-C exits at once (the line mode's resume line).
    farewell: Arc<std::sync::Mutex<Option<String>>>,
}

/// How long a task interrupted by SIGTERM or SIGHUP gets to record its end
/// before the process exits anyway.
const TERMINATE_GRACE: Duration = Duration::from_secs(5);

impl Interrupts {
    /// Installs the Ctrl-C, SIGTERM and SIGHUP listeners (registered before
    /// this returns).
    pub fn install() -> Interrupts {
        let me = Interrupts::default();
        let this = me.clone();
        let mut sigint =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
        tokio::spawn(async move {
            loop {
                let got = match sigint.as_mut() {
                    Some(s) => s.recv().await.is_some(),
                    None => tokio::signal::ctrl_c().await.is_ok(),
                };
                if !got {
                    break;
                }
                let n = this.count.fetch_add(1, Ordering::SeqCst) + 1;
                match this.token() {
                    Some(t) if n == 1 => t.cancel(),
                    None if this.tell_prompt() => {}
                    _ => {
                        super::pipe::err("\n");
                        if let Some(line) = this.farewell.lock().ok().and_then(|g| g.clone()) {
                            super::pipe::err(&format!("{line}\n"));
                        }
                        exit_now(super::EXIT_INTERRUPTED);
                    }
                }
            }
        });
        me.listen_for_termination();
        let this = me.clone();
        super::pipe::on_stdout_closed(move || this.output_closed());
        super::pipe_watch::watch_stdout();
        me
    }

    /// Stdout has no reader left: the running task (or the next one) is
    /// interrupted, and the process exits with 141 after it is recorded.
    fn output_closed(&self) {
        let first =
            self.signal
                .compare_exchange(0, libc::SIGPIPE, Ordering::SeqCst, Ordering::SeqCst);
        if first.is_ok() {
            quire::protocol::interrupt::stopped_by(libc::SIGPIPE);
        }
        // Under the lock [`Interrupts::end`] takes: a task either still
        // runs (and is cut short) or has ended (and is left as it ended).
        let Ok(current) = self.current.lock() else {
            return;
        };
        if let Some(t) = current.as_ref() {
            tracing::debug!("stdout closed: interrupting the task");
            self.pipe_cut_task.store(true, Ordering::SeqCst);
            t.cancel();
        }
    }

    /// SIGTERM and SIGHUP: interrupt the task (none running: exit at
    /// once). One arriving while the first is handled is the same request,
    /// not "exit now": GNU `timeout` sends SIGTERM to quire and then to its
    /// whole process group, and a CI runner may repeat it. The task's end
    /// is still recorded, its worktrees removed, a `--json` review's object
    /// printed; [`TERMINATE_GRACE`] bounds the wait. (A second Ctrl-C still
    /// exits at once: that one is a person asking again.)
    fn listen_for_termination(&self) {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            tracing::warn!("cannot listen for SIGTERM and SIGHUP");
            return;
        };
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                let sig = tokio::select! {
                    Some(()) = term.recv() => libc::SIGTERM,
                    Some(()) = hup.recv() => libc::SIGHUP,
                    else => break,
                };
                if stopping(this.signal.load(Ordering::SeqCst)) {
                    tracing::debug!(
                        signal = sig,
                        "already stopping: the task's end is recorded first"
                    );
                    continue;
                }
                // After stdout closed, a signal still gets the task recorded.
                this.signal.store(sig, Ordering::SeqCst);
                quire::protocol::interrupt::stopped_by(sig);
                match this.token() {
                    Some(t) => {
                        tracing::debug!(signal = sig, "interrupting the task");
                        t.cancel();
                        tokio::spawn(async move {
                            tokio::time::sleep(TERMINATE_GRACE).await;
                            exit_now(128 + sig);
                        });
                    }
                    None => exit_now(128 + sig),
                }
            }
        });
    }

    /// Passes a Ctrl-C to the waiting prompt; false when none waits.
    fn tell_prompt(&self) -> bool {
        self.prompt
            .lock()
            .ok()
            .and_then(|g| g.as_ref().map(|tx| tx.send(()).is_ok()))
            .unwrap_or(false)
    }

    /// The line mode's prompt waits (`Some`) or no longer does.
    pub fn at_prompt(&self, listener: Option<UnboundedSender<()>>) {
        if let Ok(mut g) = self.prompt.lock() {
            *g = listener;
        }
    }

    /// The line printed when a Ctrl-C exits at once.
    pub fn farewell(&self, line: Option<String>) {
        if let Ok(mut g) = self.farewell.lock() {
            *g = line;
        }
    }

    fn token(&self) -> Option<CancellationToken> {
        self.current.lock().ok().and_then(|g| g.clone())
    }

    /// The exit code when SIGTERM (143) or SIGHUP (129) arrived, or stdout
    /// closed while a task ran (141): the caller stops after the
    /// interrupted task and exits with it. Stdout closing after the task
    /// ended (the reader read what it wanted, then went) is no reason.
    pub fn terminated(&self) -> Option<i32> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            libc::SIGPIPE if !self.pipe_cut_task.load(Ordering::SeqCst) => None,
            sig => Some(128 + sig),
        }
    }

    /// A token for a new task; resets the count. Cancelled from the start
    /// when stdout has already closed.
    pub fn begin(&self) -> CancellationToken {
        let t = CancellationToken::new();
        self.count.store(0, Ordering::SeqCst);
        if let Ok(mut g) = self.current.lock() {
            *g = Some(t.clone());
        }
        // After the token is in place: stdout closing from now on finds it
        // (`output_closed`), before now it left SIGPIPE here.
        if self.signal.load(Ordering::SeqCst) == libc::SIGPIPE {
            self.pipe_cut_task.store(true, Ordering::SeqCst);
            t.cancel();
        }
        // Ctrl-Z now pauses the model's commands with quire.
        super::turn_stop::turn(true);
        t
    }

    /// Interrupts the running task as a first Ctrl-C does (the line
    /// mode's approval question got Ctrl-C as a key). Nothing when no task
    /// runs (false).
    pub fn interrupt(&self) -> bool {
        let Some(t) = self.token() else {
            return false;
        };
        self.count.store(1, Ordering::SeqCst);
        t.cancel();
        true
    }

    /// No task runs: a Ctrl-C now exits.
    pub fn end(&self) {
        if let Ok(mut g) = self.current.lock() {
            *g = None;
        }
        super::turn_stop::turn(false);
    }
}

/// Kills every process group quire started and exits with `code`.
/// Whether `signal` (what [`Interrupts`] recorded) is a SIGTERM or
/// SIGHUP being handled: the process exits once the task's end is
/// recorded, or when [`TERMINATE_GRACE`] runs out.
fn stopping(signal: i32) -> bool {
    signal == libc::SIGTERM || signal == libc::SIGHUP
}

fn exit_now(code: i32) -> ! {
    super::dumb_line::restore();
    quire::mcp::kill_all_processes();
    quire::child::kill_descendants();
    quire::plugins::run_tmp::remove();
    quire::tools::command_tmp::remove();
    super::ephemeral::remove();
    std::process::exit(code);
}

/// Runs `text` as a task, rendering events as they come.
pub async fn drive(
    session: &mut Session,
    rx: &mut UnboundedReceiver<Event>,
    renderer: &mut dyn Renderer,
    text: &str,
    cancel: CancellationToken,
) -> TaskOutcome {
    drive_future(session.run_task(text, cancel), rx, renderer).await
}

/// Awaits `fut` while rendering events and ticking the spinner.
pub async fn drive_future<T>(
    fut: impl std::future::Future<Output = T>,
    rx: &mut UnboundedReceiver<Event>,
    renderer: &mut dyn Renderer,
) -> T {
    tokio::pin!(fut);
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    let out = loop {
        tokio::select! {
            biased;
            Some(ev) = rx.recv() => renderer.event(&ev),
            out = &mut fut => break out,
            _ = ticker.tick() => renderer.tick(),
        }
    };
    drain(rx, renderer);
    out
}

/// Renders every event already queued.
pub fn drain(rx: &mut UnboundedReceiver<Event>, renderer: &mut dyn Renderer) {
    while let Ok(ev) = rx.try_recv() {
        renderer.event(&ev);
    }
}
