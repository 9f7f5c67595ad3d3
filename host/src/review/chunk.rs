//! Groups hunks into requests that fit the model's context window, using
//! the codebase's token estimate (about four bytes a token).

use super::diff::{FileDiff, Hunk, split_long};
use crate::skills::select::plan::estimate_tokens;

/// The hunks of one request and their rendered text.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub hunks: Vec<Hunk>,
    pub text: String,
}

/// The share of the context window one request's diff may use (the rest
/// holds instructions, rules, skills and the answer).
pub const DIFF_SHARE: f64 = 0.5;

/// The token budget for the diff part of one request.
pub fn budget(context_window: u64, fixed_text: &str) -> usize {
    let window = (context_window as f64 * DIFF_SHARE) as usize;
    window.saturating_sub(estimate_tokens(fixed_text)).max(200)
}

/// Packs every hunk of `files` into as few chunks as fit `budget` tokens,
/// splitting a hunk that alone is too large. Hunks stay in diff order.
pub fn pack(files: &[FileDiff], budget: usize) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut current = Chunk {
        hunks: Vec::new(),
        text: String::new(),
    };
    for hunk in files.iter().flat_map(|f| &f.hunks) {
        for part in fit(hunk, budget) {
            let text = part.render();
            let fits = estimate_tokens(&current.text) + estimate_tokens(&text) <= budget;
            if !fits && !current.hunks.is_empty() {
                chunks.push(std::mem::replace(
                    &mut current,
                    Chunk {
                        hunks: Vec::new(),
                        text: String::new(),
                    },
                ));
            }
            current.text.push_str(&text);
            current.text.push('\n');
            current.hunks.push(part);
        }
    }
    if !current.hunks.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// A hunk as parts that each fit `budget` (lines differ in length, so
/// the part size shrinks until every part fits).
fn fit(hunk: &Hunk, budget: usize) -> Vec<Hunk> {
    let tokens = estimate_tokens(&hunk.render());
    if tokens <= budget {
        return vec![hunk.clone()];
    }
    let per_line = (tokens / hunk.lines.len().max(1)).max(1);
    let mut max_lines = (budget / per_line).max(1);
    loop {
        let parts = split_long(hunk, max_lines);
        if max_lines == 1 || parts.iter().all(|p| estimate_tokens(&p.render()) <= budget) {
            return parts;
        }
        max_lines = (max_lines * 9 / 10).max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(n_hunks: usize, lines: usize) -> FileDiff {
        FileDiff {
            path: "src/big.rs".into(),
            deleted: false,
            binary: false,
            symlink: false,
            submodule: false,
            renamed_from: None,
            hunks: (0..n_hunks)
                .map(|i| Hunk {
                    id: format!("H{}", i + 1),
                    file: "src/big.rs".into(),
                    new_start: (i * 100 + 1) as u32,
                    lines: (0..lines).map(|l| format!("+let v{l} = {l};")).collect(),
                    not_utf8: false,
                })
                .collect(),
        }
    }

    #[test]
    fn no_chunk_exceeds_the_budget_and_every_line_is_kept() {
        let files = vec![file(6, 40), file(1, 900)];
        let budget = 600;
        let chunks = pack(&files, budget);
        assert!(chunks.len() > 3, "{}", chunks.len());
        for c in &chunks {
            assert!(
                estimate_tokens(&c.text) <= budget + 2,
                "{}",
                estimate_tokens(&c.text)
            );
        }
        let lines: usize = chunks
            .iter()
            .flat_map(|c| &c.hunks)
            .map(|h| h.lines.len())
            .sum();
        assert_eq!(lines, 6 * 40 + 900);
    }
}
