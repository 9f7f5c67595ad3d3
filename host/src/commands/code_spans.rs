//! Where a Markdown text holds code: blocks fenced with ```` ``` ```` or
//! `~~~` (up to the closing fence, or the end of the text) and inline
//! spans between equal runs of backquotes. What is written there is code
//! (`npm install @openai/codex`), not a reference to a file.

use std::ops::Range;

/// The byte ranges of `text` that are code, in order, not overlapping.
pub fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize, usize)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let indented = line.trim_start_matches(' ');
        let opener = fence_run(indented).filter(|_| line.len() - indented.len() <= 3);
        match (fence, opener) {
            (Some((c, n, from)), Some((oc, on)))
                if oc == c && on >= n && indented[on * oc.len_utf8()..].trim().is_empty() =>
            {
                out.push(from..at);
                fence = None;
            }
            (Some(_), _) => {}
            (None, Some((c, n))) => fence = Some((c, n, start)),
            (None, None) => inline_spans(line, start, &mut out),
        }
    }
    if let Some((_, _, from)) = fence {
        out.push(from..text.len());
    }
    out
}

/// The fence character and the run's length when `line` opens or closes
/// a fenced block (three or more backquotes or tildes).
fn fence_run(line: &str) -> Option<(char, usize)> {
    let c = line.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let n = line.chars().take_while(|&x| x == c).count();
    (n >= 3).then_some((c, n))
}

/// The inline code spans of one line (`offset`: where it starts in the
/// text): a run of backquotes up to the next run of the same length.
fn inline_spans(line: &str, offset: usize, out: &mut Vec<Range<usize>>) {
    let bytes = line.as_bytes();
    let run_at = |i: usize| bytes[i..].iter().take_while(|&&b| b == b'`').count();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let mut closed = None;
        while j < bytes.len() {
            if bytes[j] == b'`' {
                let m = run_at(j);
                if m == n {
                    closed = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => {
                out.push(offset + i..offset + end);
                i = end;
            }
            // An unmatched run is text.
            None => i += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Vec<&str> {
        code_ranges(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn inline_spans_and_fenced_blocks_are_code() {
        assert_eq!(
            code("run `npm i @a/b@latest` or ``x ` y`` then ` alone"),
            ["`npm i @a/b@latest`", "``x ` y``"]
        );
        let text = "Install:\n```bash\nnpm install -g @openai/codex\n```\nthen @a.txt\n";
        assert_eq!(code(text), ["```bash\nnpm install -g @openai/codex\n```\n"]);
        assert_eq!(code("~~~\n@x\n```\nstill\n"), ["~~~\n@x\n```\nstill\n"]);
        assert!(code("no code @a.txt").is_empty());
    }
}
