//! A long session file's turn count read from its end: every user
//! message's record carries its running number (`Record::Item::turn`),
//! so the last one, less the withdrawals after it, is the count. Only a
//! bounded end of the file is read, so a long session lists fast.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

/// The ends of a file read in turn, each larger, until a numbered user
/// message is found; past the last, the count stays a lower bound.
const WINDOWS: [u64; 3] = [64 * 1024, 1024 * 1024, 8 * 1024 * 1024];

/// How a user message's record begins when it carries its number.
const NUMBERED: &[u8] = b"{\"record\":\"item\",\"turn\":";
/// How a withdrawal's record begins.
const WITHDRAWN: &[u8] = b"{\"record\":\"withdrawn\"";

/// The session's turns, from the last numbered user message within the
/// file's last 8 MiB; `None` when there is none there (a file written
/// before messages were numbered, or a last turn longer than that).
pub(super) fn turns(file: &mut File, len: u64) -> Option<usize> {
    let mut buf = Vec::new();
    for window in WINDOWS {
        let start = len.saturating_sub(window);
        file.seek(SeekFrom::Start(start)).ok()?;
        buf.clear();
        file.by_ref().take(len - start).read_to_end(&mut buf).ok()?;
        // The first piece of a window that starts mid-file may be the
        // end of a line: not read as one.
        let whole = if start == 0 {
            &buf[..]
        } else {
            match buf.iter().position(|b| *b == b'\n') {
                Some(at) => &buf[at + 1..],
                None => continue,
            }
        };
        if let Some(n) = count(whole) {
            return Some(n);
        }
        if start == 0 {
            return None;
        }
    }
    None
}

/// How an event's record begins.
const EVENT: &[u8] = b"{\"record\":\"event\"";

/// The count from whole lines: the last numbered message, less the
/// withdrawals and the messages rewinds dropped after it.
fn count(lines: &[u8]) -> Option<usize> {
    let mut withdrawn = 0usize;
    for line in lines.rsplit(|b| *b == b'\n') {
        if line.starts_with(WITHDRAWN) {
            withdrawn += 1;
        } else if line.starts_with(EVENT) {
            withdrawn += rewind_dropped(line).unwrap_or(0);
        } else if let Some(rest) = line.strip_prefix(NUMBERED) {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let n: usize = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
            return Some(n.saturating_sub(withdrawn));
        }
    }
    None
}

/// The messages a rewind's record dropped (only rewinds are parsed).
fn rewind_dropped(line: &[u8]) -> Option<usize> {
    if !line.windows(9).any(|w| w == b"\"rewound\"") {
        return None;
    }
    match serde_json::from_slice(line).ok()? {
        super::Record::Event { event } => super::rewound::dropped(&event),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn the_last_numbered_message_less_later_withdrawals_is_the_count() {
        let text = concat!(
            "{\"record\":\"item\",\"turn\":6,\"item\":{\"type\":\"user\",\"text\":\"a\"}}\n",
            "{\"record\":\"item\",\"turn\":7,\"item\":{\"type\":\"user\",\"text\":\"b\"}}\n",
            "{\"record\":\"item\",\"item\":{\"type\":\"assistant\",\"text\":\"c\"}}\n",
            "{\"record\":\"withdrawn\",\"count\":2}\n",
        );
        assert_eq!(count(text.as_bytes()), Some(6));
        let rewound = format!(
            "{text}{}\n",
            "{\"record\":\"event\",\"event\":{\"dropped_messages\":2,\"text\":\"a\",\"to_user_message\":2,\"type\":\"rewound\"}}"
        );
        assert_eq!(count(rewound.as_bytes()), Some(4));
        assert_eq!(count(b"{\"record\":\"item\",\"item\":{}}\n"), None);
    }
}
