//! Where a hunk's old lines are in a file, in time linear in the file
//! and the hunk: each strictness level (exact, trailing whitespace
//! ignored, leading and trailing whitespace ignored) is one
//! Knuth–Morris–Pratt pass over the file's lines, lines compared as that
//! level sees them. Each level compares by an equivalence (equality of
//! the trimmed text), so the pass finds the same first position a
//! line-by-line try of every position would, without going back: a file
//! of 50,000 identical lines and a hunk of 200 of them and one that is
//! not there costs about 100,000 line comparisons per level, not 10
//! million.

/// How strictly two lines are compared, strictest first: what of a line
/// each level compares.
const LEVELS: [fn(&str) -> &str; 3] = [|l| l, str::trim_end, str::trim];

/// The loosest level: what the diagnosis of a hunk not found uses.
pub(super) const LOOSE: usize = LEVELS.len() - 1;

/// `pat` as level `level` compares it, with its failure table: for each
/// prefix `pat[..=i]`, the length of its longest proper prefix that is
/// also its suffix.
struct Pattern<'p> {
    lines: Vec<&'p str>,
    fail: Vec<usize>,
    level: fn(&str) -> &str,
}

impl<'p> Pattern<'p> {
    fn new(pat: &'p [String], level: usize) -> Pattern<'p> {
        let level = LEVELS[level];
        let lines: Vec<&str> = pat.iter().map(|p| level(p)).collect();
        let mut fail = vec![0; lines.len()];
        let mut k = 0;
        for i in 1..lines.len() {
            while k > 0 && lines[i] != lines[k] {
                k = fail[k - 1];
            }
            if lines[i] == lines[k] {
                k += 1;
            }
            fail[i] = k;
        }
        Pattern { lines, fail, level }
    }

    /// The state after `line` from state `q` (the number of the
    /// pattern's first lines matched by the lines before it, less than
    /// the pattern's length).
    fn step(&self, mut q: usize, line: &str) -> usize {
        let line = (self.level)(line);
        while q > 0 && line != self.lines[q] {
            q = self.fail[q - 1];
        }
        if line == self.lines[q] { q + 1 } else { q }
    }

    /// The first position at or after `from` where the whole pattern
    /// matches (the pattern is not empty).
    fn first(&self, lines: &[&str], from: usize) -> Option<usize> {
        let m = self.lines.len();
        let mut q = 0;
        for (j, line) in lines.iter().enumerate().skip(from) {
            q = self.step(q, line);
            if q == m {
                return Some(j + 1 - m);
            }
        }
        None
    }
}

/// Where `pat` starts at or after `start` (only at the very end when
/// `eof`), trying each strictness level in turn: the first position of
/// the strictest level that has one.
pub(super) fn seek(lines: &[&str], pat: &[String], start: usize, eof: bool) -> Option<usize> {
    let last = lines.len().checked_sub(pat.len())?;
    let from = if eof { last.max(start) } else { start };
    if from > last {
        return None;
    }
    if pat.is_empty() {
        return Some(from);
    }
    (0..LEVELS.len()).find_map(|level| Pattern::new(pat, level).first(lines, from))
}

/// The longest run of `pat`'s first lines found in `lines` at or after
/// `from` at `level`: how many lines, and where the first such run
/// starts; `None` when not even the first line is there.
pub(super) fn longest_prefix(
    lines: &[&str],
    pat: &[String],
    from: usize,
    level: usize,
) -> Option<(usize, usize)> {
    if pat.is_empty() {
        return None;
    }
    let p = Pattern::new(pat, level);
    let m = pat.len();
    let mut best: Option<(usize, usize)> = None;
    let mut q = 0;
    for (j, line) in lines.iter().enumerate().skip(from) {
        q = p.step(q, line);
        // The state is the longest run ending here; the first time the
        // longest of all is reached, its run is the first one.
        if q > 0 && best.is_none_or(|(k, _)| q > k) {
            best = Some((q, j + 1 - q));
        }
        if q == m {
            q = p.fail[m - 1];
        }
    }
    best
}

#[cfg(test)]
#[path = "seek_tests.rs"]
mod tests;
