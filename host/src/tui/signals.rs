//! Signals the interactive view listens to: SIGINT from outside counts as
//! Ctrl-C; SIGTERM and SIGHUP (the terminal closed) stop the running turn,
//! restore the terminal and exit with 128 + the signal number; SIGTSTP
//! (a `kill -TSTP`) suspends as Ctrl-Z does, and SIGCONT (after any stop,
//! also an uncatchable SIGSTOP) has the terminal set up and drawn again.

use tokio::signal::unix::{Signal, SignalKind, signal};

pub enum Got {
    /// SIGINT: like Ctrl-C.
    Interrupt,
    /// SIGTERM or SIGHUP: stop and leave.
    End(i32),
    /// SIGTSTP from outside: give the terminal back, then stop.
    Suspend,
    /// SIGCONT: continued after a stop; the terminal may have been changed
    /// meanwhile (the shell puts it back in cooked mode).
    Resume,
}

pub struct Signals {
    int: Option<Signal>,
    term: Option<Signal>,
    hup: Option<Signal>,
    tstp: Option<Signal>,
    cont: Option<Signal>,
    /// The next SIGCONT is the one that ended a stop [`stop`] made, after
    /// which the terminal was already set up again.
    pub own_cont: bool,
    /// SIGTERM or SIGHUP, once one arrived.
    pub ended_by: Option<i32>,
}

impl Signals {
    pub fn install() -> Signals {
        Signals {
            int: signal(SignalKind::interrupt()).ok(),
            term: signal(SignalKind::terminate()).ok(),
            hup: signal(SignalKind::hangup()).ok(),
            tstp: signal(SignalKind::from_raw(libc::SIGTSTP)).ok(),
            cont: signal(SignalKind::from_raw(libc::SIGCONT)).ok(),
            own_cont: false,
            ended_by: None,
        }
    }

    /// The next signal; a second SIGTERM or SIGHUP is not reported.
    pub async fn next(&mut self) -> Got {
        loop {
            let got = tokio::select! {
                _ = recv(&mut self.int) => Got::Interrupt,
                _ = recv(&mut self.term) => Got::End(libc::SIGTERM),
                _ = recv(&mut self.hup) => Got::End(libc::SIGHUP),
                _ = recv(&mut self.tstp) => Got::Suspend,
                _ = recv(&mut self.cont) => {
                    if std::mem::take(&mut self.own_cont) {
                        continue;
                    }
                    Got::Resume
                }
            };
            if let Got::End(n) = got {
                if self.ended_by.is_some() {
                    continue;
                }
                self.ended_by = Some(n);
                quire::protocol::interrupt::stopped_by(n);
            }
            return got;
        }
    }

    /// The exit code when a signal ended the session.
    pub fn exit_code(&self) -> Option<i32> {
        self.ended_by.map(|n| 128 + n)
    }
}

/// Stops the process as the terminal's Ctrl-Z does (SIGTSTP with its
/// default action, so the shell reports it stopped); returns once it is
/// continued. SIGTSTP is caught while the view runs ([`Signals`]), so its
/// default action is put back for the one signal raised here. In an
/// orphaned process group (no shell to continue it) the kernel drops the
/// signal and this returns at once.
pub fn stop(signals: &mut Signals) {
    signals.own_cont = stop_now();
}

/// [`stop`] without a [`Signals`] to tell: whether the stop was raised.
pub fn stop_now() -> bool {
    // SAFETY: sigaction with a zeroed struct whose handler is SIG_DFL, and
    // the previous action kept in a local; raise(3) on this thread.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        let mut previous: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(libc::SIGTSTP, &default, &mut previous) != 0 {
            tracing::warn!("cannot suspend: {}", std::io::Error::last_os_error());
            return false;
        }
        // Delivered to this thread before raise returns: the process
        // stops here and goes on once continued.
        let raised = libc::raise(libc::SIGTSTP) == 0;
        libc::sigaction(libc::SIGTSTP, &previous, std::ptr::null_mut());
        raised
    }
}

async fn recv(s: &mut Option<Signal>) {
    match s {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}
