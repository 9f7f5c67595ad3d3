//! Replies chosen by what a request says, for clients that send requests
//! in parallel (no FIFO order to script), and a barrier that holds such
//! requests until a number of them are in flight at once.
//!
//! ```ignore
//! server.push_keyed("AREA: src/db.rs", Reply::text("{…}"));
//! server.barrier("REVIEW-PASS: deep", 3); // answers once 3 are in flight
//! // … run the client …
//! assert_eq!(server.barrier_state(), Some(BarrierState::Released));
//! ```

use std::collections::VecDeque;
use std::time::Duration;

use super::{ModelServer, Reply, Shared, State};

/// How long a held request waits for the others before it is answered
/// anyway (the barrier then counts as timed out).
pub const BARRIER_WAIT: Duration = Duration::from_secs(30);

/// What became of the barrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarrierState {
    /// Fewer requests than needed have arrived.
    Waiting,
    /// The needed number was in flight at once.
    Released,
    /// A held request gave up waiting.
    TimedOut,
}

#[derive(Debug)]
pub struct Barrier {
    marker: String,
    needed: usize,
    arrived: usize,
    state: BarrierState,
}

/// Keyed replies: the first marker the request body contains whose queue
/// is not empty.
pub(super) fn take_keyed(state: &mut State, body: &str) -> Option<Reply> {
    state
        .keyed
        .iter_mut()
        .find(|(marker, queue)| !queue.is_empty() && body.contains(marker.as_str()))
        .and_then(|(_, queue)| queue.pop_front())
}

/// Holds a request that carries the barrier's marker until enough are in
/// flight (or [`BARRIER_WAIT`] passed).
pub(super) async fn hold(shared: &Shared, body: &str) {
    let mut rx = shared.barrier_tx.subscribe();
    {
        let mut state = shared.lock();
        let Some(b) = state.barrier.as_mut() else {
            return;
        };
        if !body.contains(b.marker.as_str()) {
            return;
        }
        b.arrived += 1;
        if b.arrived >= b.needed && b.state == BarrierState::Waiting {
            b.state = BarrierState::Released;
        }
    }
    shared.barrier_tx.send_modify(|n| *n += 1);
    let released = |s: &Shared| {
        s.lock()
            .barrier
            .as_ref()
            .is_none_or(|b| b.state != BarrierState::Waiting)
    };
    let waited = tokio::time::timeout(BARRIER_WAIT, async {
        while !released(shared) {
            if rx.changed().await.is_err() {
                return;
            }
        }
    })
    .await;
    if waited.is_err() {
        if let Some(b) = shared.lock().barrier.as_mut() {
            b.state = BarrierState::TimedOut;
        }
        shared.barrier_tx.send_modify(|n| *n += 1);
    }
}

impl ModelServer {
    /// Answers the next request whose body contains `marker` with `reply`
    /// (before the FIFO script; several per marker are used in order).
    pub fn push_keyed(&self, marker: &str, reply: Reply) {
        let mut state = self.shared.lock();
        match state.keyed.iter_mut().find(|(m, _)| m == marker) {
            Some((_, queue)) => queue.push_back(reply),
            None => state
                .keyed
                .push((marker.to_string(), VecDeque::from([reply]))),
        }
    }

    /// Holds every request containing `marker` until `needed` of them are
    /// in flight at the same time.
    pub fn barrier(&self, marker: &str, needed: usize) {
        self.shared.lock().barrier = Some(Barrier {
            marker: marker.to_string(),
            needed,
            arrived: 0,
            state: BarrierState::Waiting,
        });
    }

    /// The barrier's state, if one was set.
    pub fn barrier_state(&self) -> Option<BarrierState> {
        self.shared.lock().barrier.as_ref().map(|b| b.state)
    }
}
