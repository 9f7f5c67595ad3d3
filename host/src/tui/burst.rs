//! A burst of typed input: the terminal events already waiting after the
//! one that woke the loop, taken together so a burst is drawn once, and
//! so a paste typed as keys is seen whole (typed_paste.rs).

use std::collections::VecDeque;
use std::time::Duration;

use crossterm::event::Event as TermEvent;

/// How long the end of a burst is waited for (see [`Burst::new`]).
const BURST_GAP: Duration = Duration::from_millis(1);

/// The terminal events already waiting after one that woke the loop (a
/// burst of typed input), read with at most [`BURST_GAP`] of waiting, at
/// most [`Burst::MAX`] so the agent's events are not held up.
pub(super) struct Burst {
    events: VecDeque<TermEvent>,
}

impl Burst {
    const MAX: usize = 4096;

    /// `first`, then `held` (what an earlier burst left unhandled), then
    /// what waits.
    pub(super) fn new(first: TermEvent, held: VecDeque<TermEvent>) -> Burst {
        let mut events = Vec::with_capacity(1 + held.len());
        events.push(first);
        events.extend(held);
        while events.len() < Self::MAX {
            // The same reader as the EventStream's: an event it already
            // read from the terminal waits in its queue. Nothing ready:
            // the burst ends. Not a zero timeout: crossterm's /dev/tty
            // reader (feature `use-dev-tty`) then returns at once, without
            // handing out the events it parsed from its last read or
            // reading more.
            match crossterm::event::poll(BURST_GAP) {
                Ok(true) => match crossterm::event::read() {
                    Ok(ev) => events.push(ev),
                    Err(_) => break,
                },
                _ => break,
            }
        }
        Burst {
            events: super::typed_paste::group(events),
        }
    }

    pub(super) fn next(&mut self) -> Option<TermEvent> {
        self.events.pop_front()
    }

    /// The events not handled yet: the loop takes them first next time.
    pub(super) fn rest(self) -> VecDeque<TermEvent> {
        self.events
    }
}

/// The next terminal event: one an earlier burst left first, else the
/// terminal's.
pub(super) async fn next_event(
    keys: &mut crossterm::event::EventStream,
    held: &mut VecDeque<TermEvent>,
) -> Option<std::io::Result<TermEvent>> {
    match held.pop_front() {
        Some(ev) => Some(Ok(ev)),
        None => futures::StreamExt::next(keys).await,
    }
}
