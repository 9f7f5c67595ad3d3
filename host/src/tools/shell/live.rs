//! A running command's output sent as it comes
//! ([`Event::ToolOutputDelta`]), for the terminal view's live lines under
//! the running call. Coalesced: at most one event per [`INTERVAL`] per
//! call, each of at most [`DELTA_MAX`] bytes (when more came, its end
//! after a `\n` that ends the line shown before: the line cut shows its
//! end), never a character cut in two. The model's result is not made
//! from these (exec.rs keeps and caps the output as before).

use std::time::Duration;

use tokio::time::Instant;

use crate::protocol::{Event, EventSink};

/// The least time between two events of one call.
pub const INTERVAL: Duration = Duration::from_millis(100);
/// The most bytes of output one event carries.
pub const DELTA_MAX: usize = 4096;

/// One call's output on its way to the events.
pub struct Live {
    events: EventSink,
    call_id: String,
    pending: Vec<u8>,
    /// The head of `pending` was dropped since the last event.
    cut: bool,
    /// When the next event may go.
    next: Instant,
}

impl Live {
    pub fn new(events: EventSink, call_id: String) -> Live {
        Live {
            events,
            call_id,
            pending: Vec::new(),
            cut: false,
            next: Instant::now(),
        }
    }

    /// Takes a chunk of output; sends it at once when the last event is
    /// [`INTERVAL`] old, else keeps it (its end) for [`Live::flush`].
    pub fn push(&mut self, bytes: &[u8]) {
        let room = DELTA_MAX.saturating_sub(bytes.len().min(DELTA_MAX));
        if self.pending.len() > room {
            let drop = self.pending.len() - room;
            self.pending.drain(..drop);
            self.cut = true;
        }
        let from = bytes.len().saturating_sub(DELTA_MAX);
        if from > 0 {
            self.cut = true;
        }
        self.pending.extend_from_slice(&bytes[from..]);
        if Instant::now() >= self.next {
            self.flush();
        }
    }

    /// When output waits to be sent, and not before then.
    pub fn due(&self) -> Option<Instant> {
        (!self.pending.is_empty()).then_some(self.next)
    }

    /// Sends what waits (less a character not complete yet).
    pub fn flush(&mut self) {
        let end = complete_end(&self.pending);
        let mut start = 0;
        if self.cut {
            // The line cut keeps its end, from a character's start: it
            // may be the last line written, or the only one (the view
            // cuts a long line at its width anyway).
            start = self.pending[..end]
                .iter()
                .position(|&b| !is_continuation(b))
                .unwrap_or(end);
        }
        let text = String::from_utf8_lossy(&self.pending[start..end]);
        let delta = match self.cut {
            // Ends the line shown before: what followed it was dropped.
            true => format!("\n{text}"),
            false => text.into_owned(),
        };
        self.pending.drain(..end);
        self.cut = false;
        self.next = Instant::now() + INTERVAL;
        if delta.is_empty() {
            return;
        }
        self.events.send(Event::ToolOutputDelta {
            call_id: self.call_id.clone(),
            delta,
        });
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Where `bytes` end less a UTF-8 character begun and not complete.
fn complete_end(bytes: &[u8]) -> usize {
    let len = bytes.len();
    for back in 1..=len.min(4) {
        let b = bytes[len - back];
        if is_continuation(b) {
            continue;
        }
        let needs = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if needs > back { len - back } else { len };
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deltas(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(Event::ToolOutputDelta { call_id, delta }) = rx.try_recv() {
            assert_eq!(call_id, "call_1");
            out.push(delta);
        }
        out
    }

    /// The interval since the last event as not over yet.
    fn hold(live: &mut Live) {
        live.next = Instant::now() + Duration::from_secs(3600);
    }

    /// The interval since the last event as over.
    fn elapse(live: &mut Live) {
        live.next = Instant::now();
    }

    #[test]
    fn output_goes_at_once_then_at_most_once_an_interval_and_bounded() {
        let (sink, mut rx) = EventSink::channel();
        let mut live = Live::new(sink, "call_1".into());
        live.push(b"first line\n");
        assert_eq!(deltas(&mut rx), ["first line\n"], "the first at once");
        assert!(live.next > Instant::now(), "the next waits an interval");
        hold(&mut live);
        // A flood within the interval: nothing sent, its end kept.
        for i in 0..10_000 {
            live.push(format!("line {i}\n").as_bytes());
        }
        assert!(deltas(&mut rx).is_empty());
        assert_eq!(live.due(), Some(live.next));
        elapse(&mut live);
        live.flush();
        let sent = deltas(&mut rx);
        assert_eq!(sent.len(), 1);
        assert!(sent[0].len() <= DELTA_MAX + 1, "{}", sent[0].len());
        assert!(sent[0].starts_with('\n'), "the line shown before ended");
        assert!(sent[0].ends_with("line 9999\n"), "the end kept");
        assert_eq!(live.due(), None);
    }

    #[test]
    fn a_character_split_between_chunks_is_sent_whole() {
        let (sink, mut rx) = EventSink::channel();
        let mut live = Live::new(sink, "call_1".into());
        let text = "naïve ✓ done\n".as_bytes();
        let split = text.iter().position(|&b| b == 0xE2).unwrap() + 1;
        live.push(&text[..split]);
        assert_eq!(deltas(&mut rx), ["naïve "], "the begun ✓ held back");
        elapse(&mut live);
        live.push(&text[split..]);
        assert_eq!(deltas(&mut rx), ["✓ done\n"]);
    }

    #[test]
    fn one_huge_chunk_sends_its_end_only() {
        let (sink, mut rx) = EventSink::channel();
        let mut live = Live::new(sink, "call_1".into());
        let mut big = "x".repeat(1 << 20);
        big.push_str("\nlast\n");
        live.push(big.as_bytes());
        let sent = deltas(&mut rx);
        assert_eq!(sent.len(), 1);
        assert!(sent[0].len() <= DELTA_MAX + 1, "{}", sent[0].len());
        assert!(sent[0].starts_with("\nxxx") && sent[0].ends_with("x\nlast\n"));
    }

    #[test]
    fn a_line_longer_than_an_event_shows_its_end() {
        // A long line, then a short one, within one interval: both shown.
        let (sink, mut rx) = EventSink::channel();
        let mut live = Live::new(sink, "call_1".into());
        hold(&mut live);
        live.push(format!("{}\nok\n", "L".repeat(5000)).as_bytes());
        elapse(&mut live);
        live.flush();
        let sent = deltas(&mut rx).concat();
        assert!(
            sent.starts_with("\nLLL") && sent.ends_with("L\nok\n"),
            "{sent}"
        );
        // Its end only, cut between characters: the last line whole.
        hold(&mut live);
        live.push(format!("{}\n", "L".repeat(5000)).as_bytes());
        live.push(format!("{}\n", "中".repeat(3000)).as_bytes());
        elapse(&mut live);
        live.flush();
        let sent = deltas(&mut rx).concat();
        assert!(
            sent.starts_with("\n中中") && sent.ends_with("中\n"),
            "{sent:?}"
        );
        assert!(sent.len() <= DELTA_MAX + 1);
    }

    #[test]
    fn a_sink_of_a_subagent_drops_output_deltas() {
        let (sink, mut rx) = EventSink::channel();
        let child = sink.tagged(crate::protocol::AgentTag {
            agent_id: "c1".into(),
            parent_id: "p".into(),
            agent_name: "rev".into(),
        });
        child.send(Event::ToolOutputDelta {
            call_id: "call_1".into(),
            delta: "x\n".into(),
        });
        assert!(rx.try_recv().is_err());
    }
}
