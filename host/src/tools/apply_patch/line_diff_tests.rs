use super::*;

/// `new` made again from `old` and `ops`, checking that the ops cover
/// both sequences in order and that equal ranges are equal.
fn replayed<T: PartialEq + Clone + std::fmt::Debug>(
    old: &[T],
    new: &[T],
    ops: &[DiffOp],
) -> Vec<T> {
    let (mut o, mut n) = (0, 0);
    let mut out = Vec::new();
    for op in ops {
        // Counted here: similar's index of the other side of an insert
        // or a delete is not always where it happens.
        let (ol, nl) = (op.old_range().len(), op.new_range().len());
        if let DiffOp::Equal { .. } = op {
            assert_eq!(op.old_range(), o..o + ol, "ops in order: {ops:?}");
            assert_eq!(op.new_range(), n..n + nl, "ops in order: {ops:?}");
            assert_eq!(old[o..o + ol], new[n..n + nl], "{ops:?}");
        }
        out.extend_from_slice(&new[n..n + nl]);
        (o, n) = (o + ol, n + nl);
    }
    assert_eq!((o, n), (old.len(), new.len()), "ops cover both: {ops:?}");
    out
}

/// Lines removed plus lines added.
fn changed(ops: &[DiffOp]) -> usize {
    ops.iter()
        .filter(|op| !matches!(op, DiffOp::Equal { .. }))
        .map(|op| op.old_range().len() + op.new_range().len())
        .sum()
}

#[test]
fn small_diffs_are_the_smallest_as_myers_makes_them() {
    let mut rng = fastrand::Rng::with_seed(11);
    for _ in 0..2000 {
        let (n, m) = (rng.usize(0..40), rng.usize(0..40));
        let mut seq = |len: usize| -> Vec<u8> { (0..len).map(|_| rng.u8(0..4)).collect() };
        let (old, new) = (seq(n), seq(m));
        let ops = ops(&old, &new);
        assert_eq!(replayed(&old, &new, &ops), new);
        let myers = capture_diff_slices(Algorithm::Myers, &old, &new);
        assert_eq!(changed(&ops), changed(&myers), "{old:?} {new:?}");
    }
}

#[test]
fn a_20000_line_replacement_is_one_change_between_the_common_ends() {
    let old: Vec<String> = (1..=20_000).map(|i| i.to_string()).collect();
    let mut new = old.clone();
    for line in &mut new[5..19_995] {
        line.insert(0, 'X');
    }
    let ops = ops(&old, &new);
    assert_eq!(replayed(&old, &new, &ops), new);
    assert_eq!(
        ops,
        [
            DiffOp::Equal {
                old_index: 0,
                new_index: 0,
                len: 5
            },
            DiffOp::Delete {
                old_index: 5,
                old_len: 19_990,
                new_index: 5
            },
            DiffOp::Insert {
                old_index: 19_995,
                new_index: 5,
                new_len: 19_990
            },
            DiffOp::Equal {
                old_index: 19_995,
                new_index: 19_995,
                len: 5
            },
        ]
    );
    // Lines only added or only removed need no search at all.
    let more: Vec<String> = old.iter().chain(&old).cloned().collect();
    assert_eq!(changed(&ops_of(&old, &more)), 20_000);
    assert_eq!(changed(&ops_of(&more, &old)), 20_000);
}

fn ops_of(old: &[String], new: &[String]) -> Vec<DiffOp> {
    let ops = ops(old, new);
    assert_eq!(replayed(old, new, &ops), new);
    ops
}

#[test]
fn a_few_changes_far_apart_in_a_large_text_are_still_the_smallest() {
    let old: Vec<String> = (0..20_000).map(|i| format!("line {i}")).collect();
    let mut new = old.clone();
    new[10] = "changed".into();
    new.remove(10_000);
    new.insert(19_990, "added".into());
    let ops = ops_of(&old, &new);
    assert_eq!(changed(&ops), 4, "{ops:?}");
}

#[test]
fn little_in_common_beyond_the_budget_is_one_change() {
    // Little in common, more than the budget allows: removed and added
    // whole, never the search for its few common lines.
    let old: Vec<String> = (0..3_000).map(|i| format!("a{i}")).collect();
    let new: Vec<String> = (0..3_000)
        .map(|i| match i % 500 {
            0 => format!("a{i}"),
            _ => format!("b{i}"),
        })
        .collect();
    let ops = ops_of(&old, &new);
    assert_eq!(changed(&ops), 6_000 - 2, "head and tail kept: {ops:?}");
}
