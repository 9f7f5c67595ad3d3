//! A burst of typed input: the terminal events already waiting after the
//! one that woke the loop, taken together so a burst is drawn once.

use std::time::Duration;

use crossterm::event::Event as TermEvent;

/// How long the end of a burst is waited for (see [`Burst::next`]).
const BURST_GAP: Duration = Duration::from_millis(1);

/// The terminal events already waiting after one that woke the loop (a
/// burst of typed input), read with at most [`BURST_GAP`] of waiting, at most [`Burst::MAX`] so
/// the agent's events are not held up.
pub(super) struct Burst {
    first: Option<TermEvent>,
    taken: usize,
}

impl Burst {
    const MAX: usize = 4096;

    pub(super) fn new(ev: TermEvent) -> Burst {
        Burst {
            first: Some(ev),
            taken: 0,
        }
    }

    pub(super) fn next(&mut self) -> Option<TermEvent> {
        self.taken += 1;
        if let Some(ev) = self.first.take() {
            return Some(ev);
        }
        if self.taken > Self::MAX {
            return None;
        }
        // The same reader as the EventStream's: an event it already read
        // from the terminal waits in its queue. Nothing ready: the burst
        // ends. Not a zero timeout: crossterm's /dev/tty reader (feature
        // `use-dev-tty`) then returns at once, without handing out the
        // events it parsed from its last read or reading more.
        match crossterm::event::poll(BURST_GAP) {
            Ok(true) => crossterm::event::read().ok(),
            _ => None,
        }
    }
}
