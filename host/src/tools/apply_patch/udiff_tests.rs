use super::*;

/// `lines` as a file's text, each with its end (the last without one
/// unless `final_newline`).
fn joined(lines: &[Ended], final_newline: bool) -> String {
    let mut s = String::new();
    for (l, crlf) in lines {
        s.push_str(l);
        s.push_str(eol(*crlf));
    }
    if !final_newline && let Some((_, crlf)) = lines.last() {
        s.truncate(s.len() - eol(*crlf).len());
    }
    s
}

fn text<'a>(lines: &[Ended<'a>], final_newline: bool) -> Text<'a> {
    Text {
        lines: lines.iter().map(|l| l.0).collect(),
        crlf: lines.iter().map(|l| l.1).collect(),
        majority_crlf: false,
        final_newline: final_newline || lines.is_empty(),
        bom: false,
    }
}

/// `lines`, each ending in LF.
fn lf<'a>(lines: &[&'a str]) -> Vec<Ended<'a>> {
    lines.iter().map(|l| (*l, false)).collect()
}

/// The new lines after `edits`.
fn patched<'a>(old: &[Ended<'a>], edits: &[Edit<'a>]) -> Vec<Ended<'a>> {
    let mut out = Vec::new();
    let mut cursor = 0;
    for (at, len, new) in edits {
        out.extend_from_slice(&old[cursor..*at]);
        out.extend_from_slice(new);
        cursor = at + len;
    }
    out.extend_from_slice(&old[cursor..]);
    out
}

/// Applies the hunks of `diff` to `old` (texts as lines with their
/// ends), checking every context and removed line and every count; the
/// new text.
fn apply(old: &str, diff: &str) -> String {
    let old: Vec<&str> = old.split_inclusive('\n').collect();
    // Lines of the diff with the newline a "\ No newline" marker takes back.
    let mut lines: Vec<String> = Vec::new();
    for l in diff.split_inclusive('\n') {
        if l.starts_with('\\') {
            let last = lines.last_mut().unwrap();
            assert!(last.ends_with('\n'), "{diff}");
            last.pop();
        } else {
            lines.push(l.to_string());
        }
    }
    let mut out = String::new();
    let mut cursor = 0;
    let mut i = 0;
    while i < lines.len() {
        let header = lines[i].strip_prefix("@@ -").expect(diff);
        let (old_range, rest) = header.split_once(" +").unwrap();
        let new_range = rest.strip_suffix(" @@\n").unwrap();
        let parse = |r: &str| -> (usize, usize) {
            match r.split_once(',') {
                Some((a, b)) => (a.parse().unwrap(), b.parse().unwrap()),
                None => (r.parse().unwrap(), 1),
            }
        };
        let ((os, ol), (_, nl)) = (parse(old_range), parse(new_range));
        let start = if ol == 0 { os } else { os - 1 };
        assert!(start >= cursor, "hunks overlap or go back: {diff}");
        out.extend(old[cursor..start].iter().copied());
        cursor = start;
        i += 1;
        let (mut seen_old, mut seen_new) = (0, 0);
        while i < lines.len() && !lines[i].starts_with("@@") {
            let (mark, l) = lines[i].split_at(1);
            if mark != "+" {
                assert_eq!(
                    old.get(cursor).copied(),
                    Some(l),
                    "at old line {cursor} of {old:?}: {diff}"
                );
                cursor += 1;
                seen_old += 1;
            }
            if mark != "-" {
                out.push_str(l);
                seen_new += 1;
            }
            i += 1;
        }
        assert_eq!((seen_old, seen_new), (ol, nl), "{diff}");
    }
    out.extend(old[cursor..].iter().copied());
    out
}

#[test]
fn a_simple_change_reads_as_a_whole_file_diff_does() {
    let old = lf(&["a", "b", "c", "d", "e", "f", "g", "h"]);
    let edits = [(3, 1, lf(&["D", "D2"]))];
    let t = text(&old, true);
    let b = body(&t, &edits);
    let new = joined(&patched(&old, &edits), true);
    let whole = similar::TextDiff::from_lines(&joined(&old, true), &new)
        .unified_diff()
        .context_radius(3)
        .to_string();
    assert_eq!(b.text, whole);
    assert_eq!((b.added, b.removed), (2, 1));
}

#[test]
fn a_lost_or_gained_final_newline_is_a_change_of_the_last_line() {
    // Appended to a file without a final newline.
    let old = lf(&["a", "b"]);
    let edits = [(2, 0, lf(&["c"]))];
    let b = body(&text(&old, false), &edits);
    assert_eq!(
        b.text,
        "@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n\\ No newline at end of file\n"
    );
    // The last line removed: the one before it loses its newline.
    let old = lf(&["a", "b", "c"]);
    let edits = [(2, 1, vec![])];
    let b = body(&text(&old, false), &edits);
    assert_eq!(apply("a\nb\nc", &b.text), "a\nb");
}

#[test]
fn random_edits_make_diffs_that_apply_with_each_line_s_own_end() {
    let words = ["x", "y", "", "z  ", "fn a() {", "}"];
    let mut rng = fastrand::Rng::with_seed(7);
    for round in 0..2000 {
        let n = rng.usize(0..30);
        // Each line ends in LF or CRLF, as in a file mixing them.
        let mut line = || (words[rng.usize(..words.len())], rng.bool());
        let old: Vec<Ended> = (0..n).map(|_| line()).collect();
        let mut edits = Vec::new();
        let mut at = 0;
        while at <= n && rng.u8(..4) != 0 {
            at += rng.usize(0..=(n - at).min(8));
            let len = rng.usize(0..=(n - at).min(3));
            let new: Vec<Ended> = (0..rng.usize(0..4))
                .map(|_| (words[rng.usize(..words.len())], rng.bool()))
                .collect();
            edits.push((at, len, new));
            at += len;
            if at >= n {
                break;
            }
        }
        // A text never splits into lines ending with an empty one and no
        // final newline (that text is the one before it, with a newline).
        let final_newline = rng.bool() || old.last().is_some_and(|l| l.0.is_empty());
        let t = text(&old, final_newline);
        let b = body(&t, &edits);
        let before = joined(&old, t.final_newline);
        let after = joined(&patched(&old, &edits), t.final_newline);
        let applied = std::panic::catch_unwind(|| apply(&before, &b.text))
            .unwrap_or_else(|_| panic!("round {round}: {old:?} {edits:?} {final_newline}"));
        assert_eq!(
            applied, after,
            "round {round}: {old:?} {edits:?} final newline {final_newline}\n{}",
            b.text
        );
        // The counts are the diff's own lines.
        let marked = |m: char| {
            b.text
                .lines()
                .filter(|l| l.starts_with(m) && !l.starts_with("@@"))
                .count()
        };
        assert_eq!((b.added, b.removed), (marked('+'), marked('-')));
    }
}

#[test]
fn a_20000_line_replacement_makes_a_diff_that_applies() {
    // Each line replaced in one hunk: diffed in bounded time as all its
    // old lines removed and its new ones added.
    let numbers: Vec<String> = (1..=30_000).map(|i| i.to_string()).collect();
    let marked: Vec<String> = numbers.iter().map(|n| format!("X{n}")).collect();
    let old: Vec<Ended> = numbers.iter().map(|l| (l.as_str(), false)).collect();
    let new: Vec<Ended> = marked[1_000..21_000]
        .iter()
        .map(|l| (l.as_str(), false))
        .collect();
    for final_newline in [true, false] {
        let edits = [(1_000, 20_000, new.clone())];
        let t = text(&old, final_newline);
        let b = body(&t, &edits);
        let before = joined(&old, final_newline);
        let after = joined(&patched(&old, &edits), final_newline);
        assert_eq!(apply(&before, &b.text), after);
        assert_eq!((b.added, b.removed), (20_000, 20_000));
        assert!(b.text.starts_with("@@ -998,20006 +998,20006 @@\n 998\n"));
    }
}
