//! The line diff of two sequences in bounded time, the same on every
//! machine. Myers' search for the smallest diff costs about (N+M)·D steps
//! (D: lines removed plus lines added), so two large texts that share
//! little (8,000 lines replaced) take minutes. Here the common head and
//! tail are set aside (linear), then a first forward pass counts the
//! steps the search takes and stops at [`BUDGET`]: within it the smallest
//! diff is made (similar's Myers, which takes about as many), beyond it
//! the lines between head and tail are one change, all old lines removed
//! and all new lines added. No clock decides it: the diff shown does not
//! depend on the machine's load.

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// The most steps (a diagonal tried or a line compared) the search for
/// the smallest diff may take: about 700 lines replaced by 700 others
/// that share none (at most about half a second in a debug build); a
/// few changes far apart in a large text take a few times its lines.
pub const BUDGET: usize = 1_000_000;

/// The diff of `old` and `new` as similar's ops, in order: the smallest
/// when finding it is within [`BUDGET`], else the common head and tail
/// kept and the lines between them removed and added.
pub fn ops<T: Eq + std::hash::Hash + Ord>(old: &[T], new: &[T]) -> Vec<DiffOp> {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let (old_rest, new_rest) = (&old[head..], &new[head..]);
    let tail = old_rest
        .iter()
        .rev()
        .zip(new_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let a = &old_rest[..old_rest.len() - tail];
    let b = &new_rest[..new_rest.len() - tail];
    let mut out = Vec::new();
    if head > 0 {
        out.push(DiffOp::Equal {
            old_index: 0,
            new_index: 0,
            len: head,
        });
    }
    if !a.is_empty() && !b.is_empty() && within_budget(a, b) {
        out.extend(
            capture_diff_slices(Algorithm::Myers, a, b)
                .into_iter()
                .map(|op| shifted(op, head)),
        );
    } else {
        if !a.is_empty() {
            out.push(DiffOp::Delete {
                old_index: head,
                old_len: a.len(),
                new_index: head,
            });
        }
        if !b.is_empty() {
            out.push(DiffOp::Insert {
                old_index: head + a.len(),
                new_index: head,
                new_len: b.len(),
            });
        }
    }
    if tail > 0 {
        out.push(DiffOp::Equal {
            old_index: head + a.len(),
            new_index: head + b.len(),
            len: tail,
        });
    }
    out
}

/// `op` with both its indices moved on by `by`.
fn shifted(op: DiffOp, by: usize) -> DiffOp {
    match op {
        DiffOp::Equal {
            old_index,
            new_index,
            len,
        } => DiffOp::Equal {
            old_index: old_index + by,
            new_index: new_index + by,
            len,
        },
        DiffOp::Delete {
            old_index,
            old_len,
            new_index,
        } => DiffOp::Delete {
            old_index: old_index + by,
            old_len,
            new_index: new_index + by,
        },
        DiffOp::Insert {
            old_index,
            new_index,
            new_len,
        } => DiffOp::Insert {
            old_index: old_index + by,
            new_index: new_index + by,
            new_len,
        },
        DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } => DiffOp::Replace {
            old_index: old_index + by,
            old_len,
            new_index: new_index + by,
            new_len,
        },
    }
}

/// Whether Myers' greedy forward search (the furthest point reached on
/// each diagonal, per number of changes) reaches the end of `a` and `b`
/// within [`BUDGET`] steps. Its diagonals are not clamped to the edit
/// graph, as similar's are not, so the count follows similar's cost.
fn within_budget<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (n, m) = (a.len(), b.len());
    // Each round `d` tries d + 1 diagonals: the rounds that fit.
    let rounds = (n + m).min(BUDGET.isqrt() * 2);
    let offset = rounds + 1;
    // v[offset + k]: the furthest x on diagonal k (y = x - k).
    let mut v = vec![0usize; 2 * rounds + 3];
    let mut steps = 0usize;
    for d in 0..=rounds {
        for j in 0..=d {
            // k = -d, -d + 2, …, d, as an index into `v`.
            let i = offset - d + 2 * j;
            let mut x = if j == 0 || (j != d && v[i - 1] < v[i + 1]) {
                v[i + 1]
            } else {
                v[i - 1] + 1
            };
            // y = x - k = x + offset - i, never below 0.
            let mut y = (x + offset).saturating_sub(i);
            while x < n && y < m && a[x] == b[y] {
                x += 1;
                y += 1;
                steps += 1;
            }
            v[i] = x;
            if x >= n && y >= m {
                return true;
            }
            steps += 1;
            if steps > BUDGET {
                return false;
            }
        }
    }
    false
}

#[cfg(test)]
#[path = "line_diff_tests.rs"]
mod tests;
