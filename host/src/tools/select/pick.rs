//! Which tools one model request carries: [`pick`] chooses a session's
//! first list (and the list after compaction); later messages only add the
//! tools they clearly need ([`joining`]), so the list, the first part of
//! every prompt, stays a prefix the provider has cached.

use std::collections::BTreeSet;

use super::config::ToolSelectionConfig;
use super::index::ToolIndex;

/// The outcome of [`pick`].
#[derive(Debug, Clone, PartialEq)]
pub struct Picked {
    /// Positions in the index (its stable order).
    pub tools: Vec<usize>,
    /// Selection is on (more tools than the threshold): `tool_search` goes
    /// with the request.
    pub selecting: bool,
}

/// The tools for a turn started by `message`. With at most
/// `threshold` tools (or selection off) every tool goes. Otherwise the
/// tools named in `keep` (built-in ones, `always`, enabled by `tool_search`
/// or used before) go, and the best-ranked others fill up to `max_tools`.
pub fn pick(
    index: &ToolIndex,
    config: &ToolSelectionConfig,
    keep: &BTreeSet<String>,
    message: &str,
    previous: Option<&str>,
) -> Picked {
    if !config.enabled || index.len() <= config.threshold {
        return Picked {
            tools: (0..index.len()).collect(),
            selecting: false,
        };
    }
    let mut chosen: BTreeSet<usize> = index
        .specs
        .iter()
        .enumerate()
        .filter(|(_, s)| keep.contains(&s.name))
        .map(|(i, _)| i)
        .collect();
    let room = config.max_tools.saturating_sub(chosen.len());
    let candidates: Vec<(usize, f32)> = index
        .rank_within(message, previous, config.min_score_ratio)
        .into_iter()
        .filter(|(i, _)| !chosen.contains(i))
        .collect();
    let ranked = within_bytes(index, &candidates, room, config);
    chosen.extend(ranked);
    Picked {
        tools: chosen.into_iter().collect(),
        selecting: true,
    }
}

/// The first `room` of `candidates` (in order, with scores): the first
/// and those scoring at least `config.sure_score_ratio` of the best score
/// whatever they weigh, then those whose definitions still fit in
/// `config.ranked_bytes` together (0: no limit). A score of 0 (a tool
/// only semantic scoring found) is never sure.
fn within_bytes(
    index: &ToolIndex,
    candidates: &[(usize, f32)],
    room: usize,
    config: &ToolSelectionConfig,
) -> Vec<usize> {
    let best = candidates.iter().map(|c| c.1).fold(0.0, f32::max);
    let budget = config.ranked_bytes;
    let mut out = Vec::new();
    let mut used = 0usize;
    for &(i, score) in candidates {
        if out.len() >= room {
            break;
        }
        let bytes = index.bytes.get(i).copied().unwrap_or(0);
        let sure = out.is_empty() || (score > 0.0 && score >= config.sure_score_ratio * best);
        if budget > 0 && !sure && used + bytes > budget {
            continue;
        }
        used += bytes;
        out.push(i);
    }
    out
}

/// At most this many tools join the list for one new message.
pub const JOIN_PER_MESSAGE: usize = 3;
/// A tool joins for a new message only with at least this score…
pub const JOIN_MIN_SCORE: f32 = 1.5;
/// …and at least this share of the best score for the message.
pub const JOIN_MIN_SHARE: f32 = 0.5;

/// Tools a new `message` clearly needs that are not in `listed`: among the
/// [`JOIN_PER_MESSAGE`] best-ranked for the message alone, those scoring at
/// least [`JOIN_MIN_SCORE`] and [`JOIN_MIN_SHARE`] of the best. Weak
/// matches never join: the model can still find them with `tool_search`.
pub fn joining(index: &ToolIndex, message: &str, listed: &BTreeSet<usize>) -> Vec<usize> {
    let ranked = index.rank(message, None);
    let Some(&(_, best)) = ranked.first() else {
        return Vec::new();
    };
    ranked
        .into_iter()
        .take(JOIN_PER_MESSAGE)
        .filter(|&(i, score)| {
            score >= JOIN_MIN_SCORE && score >= best * JOIN_MIN_SHARE && !listed.contains(&i)
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::ToolSpec;
    use serde_json::json;

    fn spec(name: &str, description: &str) -> ToolSpec {
        ToolSpec {
            name: name.into(),
            description: description.into(),
            parameters: json!({"type": "object", "properties": {}}),
            read_only: false,
            destructive: false,
        }
    }

    /// `shell` plus `n` numbered tools about fruit, and one about invoices.
    fn index(n: usize) -> ToolIndex {
        let mut specs = vec![spec("shell", "Runs a command.")];
        for i in 0..n {
            specs.push(spec(&format!("mcp__farm__fruit_{i}"), "Counts apples."));
        }
        specs.push(spec(
            "mcp__books__send_invoice",
            "Sends an invoice to a customer.",
        ));
        ToolIndex::build(specs, 1)
    }

    fn config(threshold: usize, max_tools: usize) -> ToolSelectionConfig {
        ToolSelectionConfig {
            threshold,
            max_tools,
            ..Default::default()
        }
    }

    fn keep(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn everything_goes_up_to_the_threshold() {
        let index = index(8);
        let p = pick(&index, &config(10, 3), &keep(&["shell"]), "invoice", None);
        assert!(!p.selecting);
        assert_eq!(p.tools.len(), 10);
        let off = ToolSelectionConfig {
            enabled: false,
            ..config(2, 1)
        };
        let p = pick(&index, &off, &keep(&[]), "invoice", None);
        assert!(!p.selecting);
        assert_eq!(p.tools.len(), 10);
    }

    #[test]
    fn above_the_threshold_kept_tools_and_the_best_ranked_fill_max_tools() {
        let index = index(50);
        let p = pick(
            &index,
            &config(40, 3),
            &keep(&["shell"]),
            "send the invoice",
            None,
        );
        assert!(p.selecting);
        let names: Vec<&str> = p
            .tools
            .iter()
            .map(|&i| index.specs[i].name.as_str())
            .collect();
        // shell is kept; the invoice tool ranks first; one apple tool does
        // not match at all, so only two are sent.
        assert_eq!(names, vec!["shell", "mcp__books__send_invoice"]);
        let p = pick(
            &index,
            &config(40, 4),
            &keep(&["shell"]),
            "count apples",
            None,
        );
        assert_eq!(p.tools.len(), 4);
        assert!(p.tools.iter().all(|&i| i < 51), "{:?}", p.tools);
    }

    #[test]
    fn kept_tools_are_never_dropped_even_past_max_tools() {
        let index = index(50);
        let many = keep(&["shell", "mcp__farm__fruit_1", "mcp__farm__fruit_2"]);
        let p = pick(&index, &config(40, 2), &many, "send the invoice", None);
        assert_eq!(p.tools, vec![0, 2, 3]);
    }

    #[test]
    fn only_clear_matches_join_later() {
        let index = index(50);
        let none = BTreeSet::new();
        assert_eq!(joining(&index, "send the invoice", &none), vec![51]);
        let listed: BTreeSet<usize> = [51].into();
        assert!(joining(&index, "send the invoice", &listed).is_empty());
        assert!(joining(&index, "thanks, that is all", &none).is_empty());
    }

    #[test]
    fn the_previous_message_still_counts() {
        let index = index(50);
        let p = pick(
            &index,
            &config(40, 5),
            &keep(&[]),
            "and again",
            Some("the invoice"),
        );
        assert_eq!(p.tools, vec![51]);
    }
}
