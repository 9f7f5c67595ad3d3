//! Tool-call ids made unique before they are recorded and sent back:
//! strict APIs refuse a request with two calls of the same id (or an empty
//! one), and the session would fail the same way on every later request.

use std::collections::HashSet;

use crate::model::{Item, ToolCall};

/// Gives every call in `calls` an id no other call of the reply or of
/// `history` has: an empty id becomes `call_N`, a repeated one gets a
/// `_N` suffix. Unique ids are left as they are.
pub fn make_unique(calls: &mut [ToolCall], history: &[Item]) {
    let earlier: HashSet<&str> = history
        .iter()
        .filter_map(|i| match i {
            Item::ToolCall { call_id, .. } => Some(call_id.as_str()),
            _ => None,
        })
        .collect();
    // Every id in sight, so a new one collides with none of them.
    let mut taken: HashSet<String> = earlier.iter().map(|s| s.to_string()).collect();
    taken.extend(calls.iter().map(|c| c.call_id.clone()));
    let mut kept: HashSet<String> = HashSet::new();
    for (n, call) in calls.iter_mut().enumerate() {
        if !call.call_id.is_empty()
            && !earlier.contains(call.call_id.as_str())
            && kept.insert(call.call_id.clone())
        {
            continue;
        }
        let base = if call.call_id.is_empty() {
            format!("call_{n}")
        } else {
            call.call_id.clone()
        };
        let mut k = 2usize;
        let mut id = if call.call_id.is_empty() {
            base.clone()
        } else {
            format!("{base}_{k}")
        };
        while taken.contains(&id) {
            k += 1;
            id = format!("{base}_{k}");
        }
        tracing::warn!(given = %call.call_id, now = %id, "tool call id empty or repeated; renamed");
        taken.insert(id.clone());
        kept.insert(id.clone());
        call.call_id = id;
    }
}

/// [`make_unique`], and what the server attached to each call
/// ([`Item::CallExtra`] among `extras`, in the calls' order) follows its
/// call's new id: Gemini refuses a call sent back without its thought
/// signature.
pub fn make_unique_with_extras(calls: &mut [ToolCall], extras: &mut [Item], history: &[Item]) {
    let given: Vec<String> = calls.iter().map(|c| c.call_id.clone()).collect();
    make_unique(calls, history);
    let mut used = vec![false; calls.len()];
    for extra in extras {
        let Item::CallExtra { call_id, .. } = extra else {
            continue;
        };
        if let Some(i) = (0..calls.len()).find(|&i| !used[i] && given[i] == *call_id) {
            used[i] = true;
            call_id.clone_from(&calls[i].call_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(id: &str) -> ToolCall {
        ToolCall {
            call_id: id.into(),
            name: "shell".into(),
            arguments: "{}".into(),
        }
    }

    fn ids(calls: &[ToolCall]) -> Vec<&str> {
        calls.iter().map(|c| c.call_id.as_str()).collect()
    }

    #[test]
    fn a_calls_extra_follows_its_new_id() {
        let history = vec![Item::ToolCall {
            call_id: "f1".into(),
            name: "shell".into(),
            arguments: "{}".into(),
        }];
        let extra = |id: &str, n: u64| Item::CallExtra {
            call_id: id.into(),
            extra_content: serde_json::json!({ "n": n }),
        };
        let mut calls = vec![call("f1"), call("f1")];
        let mut extras = vec![extra("f1", 1), extra("f1", 2)];
        make_unique_with_extras(&mut calls, &mut extras, &history);
        assert_eq!(ids(&calls), ["f1_2", "f1_3"]);
        assert_eq!(extras, vec![extra("f1_2", 1), extra("f1_3", 2)]);
    }

    #[test]
    fn repeated_and_empty_ids_become_unique() {
        let mut calls = vec![call("a"), call("a"), call(""), call(""), call("b")];
        make_unique(&mut calls, &[]);
        assert_eq!(ids(&calls), ["a", "a_2", "call_2", "call_3", "b"]);
    }

    #[test]
    fn ids_of_earlier_calls_count_and_unique_ones_stay() {
        let history = vec![Item::ToolCall {
            call_id: "x".into(),
            name: "shell".into(),
            arguments: "{}".into(),
        }];
        let mut calls = vec![call("x"), call("x_2"), call("y")];
        make_unique(&mut calls, &history);
        assert_eq!(ids(&calls), ["x_3", "x_2", "y"]);
    }
}
