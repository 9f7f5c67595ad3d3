use super::*;

/// What the seek did before it was linear: every position tried, level
/// by level.
fn seek_by_trying(lines: &[&str], pat: &[String], start: usize, eof: bool) -> Option<usize> {
    let last = lines.len().checked_sub(pat.len())?;
    let from = if eof { last.max(start) } else { start };
    LEVELS.iter().find_map(|level| {
        (from..=last).find(|&i| {
            pat.iter()
                .zip(&lines[i..])
                .all(|(p, l)| level(l) == level(p))
        })
    })
}

/// The longest prefix by trying every position.
fn prefix_by_trying(lines: &[&str], pat: &[String], from: usize) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for at in from..lines.len() {
        let k = pat
            .iter()
            .zip(&lines[at..])
            .take_while(|(p, l)| str::trim(l) == p.trim())
            .count();
        if k > 0 && best.is_none_or(|(bk, _)| k > bk) {
            best = Some((k, at));
        }
    }
    best
}

/// Lines that are equal at some levels only, so that every level and
/// the failure table's fallbacks are exercised.
const WORDS: [&str; 6] = ["a", "a ", " a", "b", "b\t", ""];

/// A small deterministic generator (no seed to keep).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below as u64) as usize
    }

    fn lines(&mut self, max: usize, words: usize) -> Vec<&'static str> {
        let n = self.next(max + 1);
        (0..n).map(|_| WORDS[self.next(words)]).collect()
    }
}

#[test]
fn finds_what_trying_every_position_finds() {
    let mut rng = Lcg(7);
    for round in 0..20_000 {
        // Few distinct words make repeats and near matches likely.
        let words = 2 + round % 5;
        let file = rng.lines(14, words);
        let pat: Vec<String> = rng.lines(5, words).into_iter().map(String::from).collect();
        let start = rng.next(file.len() + 2);
        let eof = rng.next(4) == 0;
        assert_eq!(
            seek(&file, &pat, start, eof),
            seek_by_trying(&file, &pat, start, eof),
            "{file:?} {pat:?} from {start} eof {eof}"
        );
        assert_eq!(
            longest_prefix(&file, &pat, start, LOOSE),
            prefix_by_trying(&file, &pat, start),
            "{file:?} {pat:?} from {start}"
        );
    }
}

#[test]
fn many_identical_lines_and_a_missing_last_one() {
    let file = vec!["x"; 50_000];
    let mut pat = vec!["x".to_string(); 200];
    pat.push("y".into());
    assert_eq!(seek(&file, &pat, 0, false), None);
    assert_eq!(longest_prefix(&file, &pat, 0, LOOSE), Some((200, 0)));
    // Only the loosest level finds it.
    let mut file = vec![" x "; 50_000];
    file.push("y");
    assert_eq!(seek(&file, &pat, 10, false), Some(49_800));
}
