//! Drives one task while rendering its events and watching for Ctrl-C.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use quire::agent::{Event, Session, TaskOutcome};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::sync::CancellationToken;

use super::render::Renderer;

/// Counts Ctrl-C presses: the first interrupts the running task, the second
/// exits the process.
#[derive(Clone, Default)]
pub struct Interrupts {
    count: Arc<AtomicU32>,
    current: Arc<std::sync::Mutex<Option<CancellationToken>>>,
}

impl Interrupts {
    /// Installs the Ctrl-C listener (registered before this returns).
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
                let token = this.current.lock().ok().and_then(|g| g.clone());
                match token {
                    Some(t) if n == 1 => t.cancel(),
                    _ => {
                        eprintln!();
                        quire::mcp::kill_all_processes();
                        std::process::exit(super::EXIT_INTERRUPTED);
                    }
                }
            }
        });
        me
    }

    /// A token for a new task; resets the count.
    pub fn begin(&self) -> CancellationToken {
        let t = CancellationToken::new();
        self.count.store(0, Ordering::SeqCst);
        if let Ok(mut g) = self.current.lock() {
            *g = Some(t.clone());
        }
        t
    }

    /// No task runs: a Ctrl-C now exits.
    pub fn end(&self) {
        if let Ok(mut g) = self.current.lock() {
            *g = None;
        }
    }
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
