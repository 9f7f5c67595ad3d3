//! Signals the interactive view listens to: SIGINT from outside counts as
//! Ctrl-C; SIGTERM and SIGHUP (the terminal closed) stop the running turn,
//! restore the terminal and exit with 128 + the signal number.

use tokio::signal::unix::{Signal, SignalKind, signal};

pub enum Got {
    /// SIGINT: like Ctrl-C.
    Interrupt,
    /// SIGTERM or SIGHUP: stop and leave.
    End(i32),
}

pub struct Signals {
    int: Option<Signal>,
    term: Option<Signal>,
    hup: Option<Signal>,
    /// SIGTERM or SIGHUP, once one arrived.
    pub ended_by: Option<i32>,
}

impl Signals {
    pub fn install() -> Signals {
        Signals {
            int: signal(SignalKind::interrupt()).ok(),
            term: signal(SignalKind::terminate()).ok(),
            hup: signal(SignalKind::hangup()).ok(),
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
            };
            if let Got::End(n) = got {
                if self.ended_by.is_some() {
                    continue;
                }
                self.ended_by = Some(n);
            }
            return got;
        }
    }

    /// The exit code when a signal ended the session.
    pub fn exit_code(&self) -> Option<i32> {
        self.ended_by.map(|n| 128 + n)
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
