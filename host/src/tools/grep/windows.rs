//! A file with a line longer than the searcher may hold (a minified
//! bundle, a one-line dump of hundreds of MB): searched in windows of
//! [`WINDOW`] bytes, so memory stays bounded whatever the line's length.
//! Each matching line is reported once, with the text around its first
//! match ([`super::shown`]). A match longer than [`MARGIN`] bytes may be
//! missed where two windows meet.

use std::io::Read;
use std::path::Path;

use grep_matcher::Matcher;
use grep_regex::RegexMatcher;

use super::shown::shown;

/// Bytes read at a time.
const WINDOW: usize = 1024 * 1024;
/// A match starting this close to a window's end waits for the next
/// window: one no longer than this is never cut off.
const MARGIN: usize = 8 * 1024;
/// Bytes kept before the search position (what `\b` or `^` look back at).
const LOOK_BEHIND: usize = 256;

/// The matching lines of one file.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub hits: Vec<(u64, String)>,
    /// Stopped at `room` lines.
    pub capped: bool,
    /// A NUL byte: a binary file, skipped as the searcher skips it.
    pub binary: bool,
}

/// Where the search stands in the file.
struct Scan {
    buf: Vec<u8>,
    /// The file offset of `buf[0]`.
    base: u64,
    /// Where the next search starts, in `buf`.
    pos: usize,
    /// Bytes of `buf` whose line breaks are counted.
    counted: usize,
    /// The number of the line `buf[counted]` is on.
    line: u64,
    /// The file offset where that line starts.
    line_start: u64,
    eof: bool,
    /// The line at `pos` was reported: the search goes on after its end.
    skip_line: bool,
}

/// Searches `path` with `matcher` (built with `multi_line`, so `^` and `$`
/// match at line breaks) for at most `room` matching lines; stops early
/// when `cancelled` says so (`None`).
pub(super) fn search(
    path: &Path,
    matcher: &RegexMatcher,
    room: usize,
    cancelled: &dyn Fn() -> bool,
) -> std::io::Result<Option<Found>> {
    let mut file = crate::file_kind::open_regular(path)?;
    let mut found = Found::default();
    let mut s = Scan {
        buf: Vec::with_capacity(WINDOW + MARGIN + LOOK_BEHIND),
        base: 0,
        pos: 0,
        counted: 0,
        line: 1,
        line_start: 0,
        eof: false,
        skip_line: false,
    };
    loop {
        if cancelled() {
            return Ok(None);
        }
        let fresh = s.buf.len();
        s.fill(&mut file)?;
        if memchr::memchr(0, &s.buf[fresh..]).is_some() {
            found.binary = true;
            return Ok(Some(found));
        }
        if s.skip_line {
            s.past_line();
        }
        while !s.skip_line {
            let limit = match s.eof {
                true => s.buf.len(),
                false => s.buf.len().saturating_sub(MARGIN),
            };
            if s.pos >= limit {
                break;
            }
            let at = match matcher.find_at(&s.buf, s.pos) {
                Ok(Some(m)) if m.start() < limit => m.start(),
                _ => {
                    s.pos = limit;
                    break;
                }
            };
            if found.hits.len() >= room {
                found.capped = true;
                return Ok(Some(found));
            }
            s.count_to(at);
            found.hits.push((s.line, s.shown(at)));
            s.pos = at;
            s.skip_line = true;
            s.past_line();
        }
        if s.eof {
            return Ok(Some(found));
        }
        s.drop_searched();
    }
}

impl Scan {
    /// Reads until the buffer holds a window or the file ended.
    fn fill(&mut self, file: &mut std::fs::File) -> std::io::Result<()> {
        let want = self.buf.len().max(WINDOW);
        while !self.eof && self.buf.len() < want {
            let len = self.buf.len();
            self.buf.resize(want, 0);
            match file.read(&mut self.buf[len..]) {
                Ok(0) => {
                    self.buf.truncate(len);
                    self.eof = true;
                }
                Ok(n) => self.buf.truncate(len + n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => self.buf.truncate(len),
                Err(e) => {
                    self.buf.truncate(len);
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// Moves `pos` past the end of its line, or to the end of what is
    /// read when the line goes on.
    fn past_line(&mut self) {
        match memchr::memchr(b'\n', &self.buf[self.pos..]) {
            Some(i) => {
                self.pos += i + 1;
                self.skip_line = false;
            }
            None => self.pos = self.buf.len(),
        }
    }

    /// Counts the line breaks up to `to`.
    fn count_to(&mut self, to: usize) {
        if to <= self.counted {
            return;
        }
        let span = &self.buf[self.counted..to];
        if let Some(last) = memchr::memrchr(b'\n', span) {
            let breaks = memchr::memchr_iter(b'\n', span).count();
            self.line += breaks as u64;
            self.line_start = self.base + (self.counted + last + 1) as u64;
        }
        self.counted = to;
    }

    /// The matching line's text around the match at `at`.
    fn shown(&self, at: usize) -> String {
        let (start, skipped) = match self.line_start.checked_sub(self.base) {
            Some(start) => (start as usize, 0),
            None => (0, self.base - self.line_start),
        };
        let (mut end, more_after) = match memchr::memchr(b'\n', &self.buf[at..]) {
            Some(i) => (at + i, false),
            None => (self.buf.len(), !self.eof),
        };
        if !more_after && end > start && self.buf[end - 1] == b'\r' {
            end -= 1;
        }
        shown(&self.buf[start..end], at - start, skipped, more_after)
    }

    /// Drops what is searched, keeping a little before `pos`.
    fn drop_searched(&mut self) {
        let cut = self.pos.saturating_sub(LOOK_BEHIND);
        if cut == 0 {
            return;
        }
        self.count_to(cut);
        self.buf.drain(..cut);
        self.base += cut as u64;
        self.pos -= cut;
        self.counted -= cut;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grep_regex::RegexMatcherBuilder;

    fn matcher(pattern: &str) -> RegexMatcher {
        RegexMatcherBuilder::new()
            .line_terminator(Some(b'\n'))
            .multi_line(true)
            .build(pattern)
            .unwrap()
    }

    fn search_in(text: &[u8], pattern: &str, room: usize) -> Found {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, text).unwrap();
        search(&path, &matcher(pattern), room, &|| false)
            .unwrap()
            .unwrap()
    }

    #[test]
    fn lines_are_numbered_and_reported_once() {
        let found = search_in(
            b"a needle\nnothing\r\nneedle needle\r\nlast needle",
            "needle",
            10,
        );
        let lines: Vec<_> = found.hits.iter().map(|(n, t)| (*n, t.as_str())).collect();
        assert_eq!(
            lines,
            [(1, "a needle"), (3, "needle needle"), (4, "last needle")]
        );
        assert!(!found.capped && !found.binary);
        let found = search_in(b"x\n^y\ny\n", "^y", 10);
        assert_eq!(found.hits, [(3, "y".to_string())]);
    }

    #[test]
    fn a_match_deep_in_a_line_longer_than_many_windows_is_found() {
        let mut text = vec![b'x'; 5 * WINDOW + 123];
        text.extend_from_slice(b"needle_at_the_end");
        text.extend(std::iter::repeat_n(b'y', 3 * WINDOW));
        text.extend_from_slice(b"\nsecond line needle\n");
        let found = search_in(&text, "needle_at_the_end|needle$", 10);
        assert_eq!(found.hits.len(), 2, "{:?}", found.hits);
        let (line, first) = &found.hits[0];
        assert_eq!(*line, 1);
        assert!(
            first.starts_with(&format!(
                "[{} bytes of the line left out] …",
                5 * WINDOW + 23
            )),
            "{first}"
        );
        assert!(first.contains("xneedle_at_the_endy"), "{first}");
        assert!(first.ends_with("… [line cut]"), "{first}");
        assert_eq!(found.hits[1], (2, "second line needle".to_string()));
    }

    #[test]
    fn matches_where_windows_meet_are_found_and_the_cap_holds() {
        // One match every 1000 bytes, on one line: some straddle the
        // window edges.
        let mut text = Vec::new();
        for _ in 0..3000 {
            text.extend_from_slice(&[b'.'; 994]);
            text.extend_from_slice(b"needle\n");
        }
        let found = search_in(&text, "needle", 5000);
        assert_eq!(found.hits.len(), 3000);
        assert_eq!(found.hits[2999].0, 3000);
        let found = search_in(&text, "needle", 7);
        assert_eq!(found.hits.len(), 7);
        assert!(found.capped);
        let found = search_in(b"text\0needle\n", "needle", 5);
        assert!(found.binary);
    }
}
