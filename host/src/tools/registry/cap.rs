//! The one owner of output capping, head + tail kept: [`cap_output`] cuts
//! what goes back to the model (the registry applies it to every call, at
//! the session's `tool_output_limit` or a tool's own smaller
//! [`Tool::output_limit`](crate::tools::Tool::output_limit)); [`HeadTail`]
//! bounds output while it streams in, for sources that must not hold it
//! all in memory (the shell). Tools hand over raw output otherwise.

use std::collections::VecDeque;

/// Caps `text` at about `limit` bytes, keeping the head and the tail and
/// saying how much was cut. Returns the text and the number of bytes cut.
pub fn cap_output(text: &str, limit: usize) -> (String, usize) {
    if text.len() <= limit {
        return (text.to_string(), 0);
    }
    let head_len = text.floor_char_boundary(limit / 2);
    let tail_start = text.ceil_char_boundary(text.len() - (limit - limit / 2));
    let cut = tail_start - head_len;
    let out = format!(
        "{}\n[… {cut} bytes cut from the middle of this output …]\n{}",
        &text[..head_len],
        &text[tail_start..]
    );
    (out, cut)
}

/// A bounded buffer for output that streams in (a command's stdout and
/// stderr): keeps the first and the last bytes and counts what falls in
/// between, so a source that prints without end cannot exhaust memory.
#[derive(Debug)]
pub struct HeadTail {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    head_cap: usize,
    tail_cap: usize,
    dropped: u64,
}

impl HeadTail {
    /// A buffer keeping at most `limit` bytes: half head, half tail.
    pub fn new(limit: usize) -> Self {
        let head_cap = limit / 2;
        HeadTail {
            head: Vec::new(),
            tail: VecDeque::new(),
            head_cap,
            tail_cap: limit - head_cap,
            dropped: 0,
        }
    }

    pub fn push(&mut self, mut data: &[u8]) {
        if self.head.len() < self.head_cap {
            let n = data.len().min(self.head_cap - self.head.len());
            self.head.extend_from_slice(&data[..n]);
            data = &data[n..];
        }
        if data.is_empty() {
            return;
        }
        if data.len() >= self.tail_cap {
            let skip = data.len() - self.tail_cap;
            self.dropped += (self.tail.len() + skip) as u64;
            self.tail.clear();
            self.tail.extend(&data[skip..]);
            return;
        }
        let overflow = (self.tail.len() + data.len()).saturating_sub(self.tail_cap);
        if overflow > 0 {
            self.tail.drain(..overflow);
            self.dropped += overflow as u64;
        }
        self.tail.extend(data);
    }

    /// Bytes dropped from the middle so far.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Bytes held in memory.
    pub fn kept(&self) -> usize {
        self.head.len() + self.tail.len()
    }

    /// The kept output as text (invalid UTF-8 replaced), with a marker
    /// where bytes were dropped.
    pub fn into_text(self) -> String {
        let dropped = self.dropped;
        let mut head = self.head;
        let tail: Vec<u8> = self.tail.into();
        if dropped == 0 {
            head.extend_from_slice(&tail);
            return String::from_utf8_lossy(&head).into_owned();
        }
        // Do not show half characters at the cut.
        let head_end = head.len() - incomplete_suffix(&head);
        let tail_start = tail
            .iter()
            .take(3)
            .take_while(|b| (**b & 0xC0) == 0x80)
            .count();
        format!(
            "{}\n[… {dropped} bytes of output dropped here …]\n{}",
            String::from_utf8_lossy(&head[..head_end]),
            String::from_utf8_lossy(&tail[tail_start..])
        )
    }
}

/// Length of an incomplete UTF-8 sequence at the end of `bytes`.
fn incomplete_suffix(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let b = bytes[bytes.len() - back];
        if (b & 0xC0) == 0x80 {
            continue;
        }
        let needed = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return 0,
        };
        return if needed > back { back } else { 0 };
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_keeps_head_and_tail() {
        let text = format!("{}{}{}", "a".repeat(100), "b".repeat(1000), "c".repeat(100));
        let (out, cut) = cap_output(&text, 200);
        assert_eq!(cut, 1000);
        assert!(out.starts_with(&"a".repeat(100)));
        assert!(out.ends_with(&"c".repeat(100)));
        assert!(out.contains("1000 bytes cut"));
        let (same, none) = cap_output("short", 200);
        assert_eq!((same.as_str(), none), ("short", 0));
    }

    #[test]
    fn cap_respects_char_boundaries() {
        let text = "é".repeat(1000);
        let (out, cut) = cap_output(&text, 101);
        assert!(cut > 0);
        assert!(out.contains("bytes cut"));
    }

    #[test]
    fn small_output_is_kept_whole() {
        let mut b = HeadTail::new(100);
        b.push(b"hello ");
        b.push(b"world");
        assert_eq!(b.dropped(), 0);
        assert_eq!(b.into_text(), "hello world");
    }

    #[test]
    fn keeps_head_and_tail_and_counts_the_rest() {
        let mut b = HeadTail::new(10);
        for chunk in [b"aaaa".as_slice(), b"abbbbbbbbb", b"bbbcc", b"cccc"] {
            b.push(chunk);
        }
        assert_eq!(b.kept(), 10);
        assert_eq!(b.dropped(), 23 - 10);
        let text = b.into_text();
        assert!(text.starts_with("aaaaa\n"), "{text}");
        assert!(text.ends_with("\nccccc"), "{text}");
        assert!(text.contains("13 bytes of output dropped"), "{text}");
    }

    #[test]
    fn one_huge_chunk_keeps_its_end() {
        let mut b = HeadTail::new(4);
        let data: Vec<u8> = (0..100u8).collect();
        b.push(&data);
        assert_eq!(b.kept(), 4);
        assert_eq!(b.dropped(), 96);
        b.push(&[200]);
        assert_eq!(b.dropped(), 97);
    }

    #[test]
    fn cut_does_not_split_characters() {
        let mut b = HeadTail::new(9);
        b.push("ééééééééééé".as_bytes());
        let text = b.into_text();
        assert!(!text.contains('\u{FFFD}'), "{text}");
        assert!(text.starts_with("éé\n"), "{text}");
    }
}
