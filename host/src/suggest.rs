//! "Did you mean …?": the one suggestion mechanism for mistyped names
//! (subcommands, config keys, `-c` keys, tool names), by edit distance.

/// The edit distance between `a` and `b` in characters (insertions,
/// deletions, substitutions and swaps of neighbours each count one).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The candidate closest to `word` within `max` edits (ties: the first),
/// never `word` itself. Short words need a closer match: at most a third
/// of their length may change, so that `ls` does not suggest `mcp`.
pub fn closest<'a, I>(word: &str, candidates: I, max: usize) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let len = word.chars().count();
    let limit = max.min(len.div_ceil(3).max(1));
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `"; did you mean 'X'?"` when there is a close candidate, else "".
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    match closest(word, candidates, 2) {
        Some(c) => format!("; did you mean '{c}'?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("statu", "status"), 1);
        assert_eq!(edit_distance("doctr", "doctor"), 1);
        assert_eq!(edit_distance("skils", "skills"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("modle", "model"), 1);
    }

    #[test]
    fn closest_needs_a_near_match() {
        let cmds = ["exec", "skills", "status", "doctor", "mcp"];
        assert_eq!(closest("statu", cmds, 2), Some("status"));
        assert_eq!(closest("skils", cmds, 2), Some("skills"));
        assert_eq!(closest("refactor", cmds, 2), None);
        assert_eq!(closest("ls", cmds, 2), None);
        assert_eq!(closest("exec", cmds, 2), None);
        assert_eq!(
            did_you_mean("modle", ["model", "mode"]),
            "; did you mean 'model'?"
        );
    }
}
