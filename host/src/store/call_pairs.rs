//! Tool calls and results of a session read back, paired as every wire
//! API requires before the history is sent again: each call with an id of
//! its own (not empty), each result after its call, one result per call.
//! quire's recording keeps to this (it renames a server's repeated ids);
//! a file edited by hand or written by another program may not, and a
//! provider would refuse every request of the session. What is repaired
//! is said, as a warning of the resume.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::protocol::Item;

/// One repair of [`pair`].
#[derive(Debug, Clone, PartialEq)]
pub enum Repair {
    /// A result whose call is not before it, left out.
    Orphan(String),
    /// A second result of one call, left out.
    SecondResult(String),
    /// A call whose id was empty or taken by an earlier call, renamed
    /// (and its result with it).
    Renamed { from: String, to: String },
}

impl Repair {
    /// The warning, for the file read from `file`.
    pub fn warning(&self, file: &std::path::Path) -> String {
        let file = file.display();
        match self {
            Repair::Orphan(id) => format!(
                "{file}: left out the result of tool call {id}, whose call could not be read (no wire API accepts a result without its call)"
            ),
            Repair::SecondResult(id) => format!(
                "{file}: left out a second result of tool call {id} (no wire API accepts two results for one call)"
            ),
            Repair::Renamed { from, to } if from.is_empty() => format!(
                "{file}: a tool call without an id is sent as {to} (no wire API accepts a call without one)"
            ),
            Repair::Renamed { from, to } => format!(
                "{file}: tool call id {from} is used more than once; the later call is sent as {to} (no wire API accepts two calls with one id)"
            ),
        }
    }
}

/// Pairs the calls and results of `items` (see the module's doc).
pub fn pair(items: &mut Vec<Item>) -> Vec<Repair> {
    // Every id in the file, so a new one collides with none of them.
    let mut taken: HashSet<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::ToolCall { call_id, .. } => Some(call_id.clone()),
            _ => None,
        })
        .collect();
    let mut given: HashSet<String> = HashSet::new();
    // By the id in the file: the ids sent for its calls still waiting
    // for their result, oldest first.
    let mut waiting: HashMap<String, VecDeque<String>> = HashMap::new();
    let mut answered: HashSet<String> = HashSet::new();
    let mut repairs = Vec::new();
    items.retain_mut(|item| match item {
        Item::ToolCall { call_id, .. } => {
            let sent = if !call_id.is_empty() && given.insert(call_id.clone()) {
                call_id.clone()
            } else {
                let to = fresh(call_id, &taken);
                taken.insert(to.clone());
                given.insert(to.clone());
                repairs.push(Repair::Renamed {
                    from: call_id.clone(),
                    to: to.clone(),
                });
                to
            };
            waiting
                .entry(std::mem::replace(call_id, sent.clone()))
                .or_default()
                .push_back(sent);
            true
        }
        Item::ToolResult { call_id, .. } => {
            match waiting
                .get_mut(call_id.as_str())
                .and_then(VecDeque::pop_front)
            {
                Some(sent) => {
                    answered.insert(std::mem::replace(call_id, sent));
                    true
                }
                None if answered.contains(call_id.as_str()) => {
                    repairs.push(Repair::SecondResult(call_id.clone()));
                    false
                }
                None => {
                    repairs.push(Repair::Orphan(call_id.clone()));
                    false
                }
            }
        }
        _ => true,
    });
    repairs
}

/// An id for a call whose id is `id` (empty or taken): `call_N`, or
/// `ID_N`, that no call of the file has.
fn fresh(id: &str, taken: &HashSet<String>) -> String {
    let (base, first) = if id.is_empty() { ("call", 1) } else { (id, 2) };
    (first..)
        .map(|k| format!("{base}_{k}"))
        .find(|c| !taken.contains(c))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(id: &str) -> Item {
        Item::ToolCall {
            call_id: id.into(),
            name: "shell".into(),
            arguments: "{}".into(),
        }
    }

    fn result(id: &str) -> Item {
        Item::ToolResult {
            call_id: id.into(),
            output: "ok".into(),
            is_error: false,
        }
    }

    fn ids(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::ToolCall { call_id, .. } => Some(format!("call {call_id}")),
                Item::ToolResult { call_id, .. } => Some(format!("result {call_id}")),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn results_without_their_call_are_dropped() {
        let mut items = vec![
            Item::User {
                typed: None,
                text: "u".into(),
            },
            result("lost"),
            call("a"),
            result("a"),
        ];
        assert_eq!(pair(&mut items), vec![Repair::Orphan("lost".into())]);
        assert_eq!(ids(&items), ["call a", "result a"]);
    }

    #[test]
    fn repeated_and_empty_ids_are_renamed_with_their_results() {
        let mut items = vec![
            call("d1"),
            result("d1"),
            call("d1"),
            result("d1"),
            call("x"),
            call("x"),
            result("x"),
            result("x"),
            call(""),
            result(""),
            call("d1_2"),
            result("d1_2"),
        ];
        let repairs = pair(&mut items);
        assert_eq!(
            ids(&items),
            [
                "call d1",
                "result d1",
                "call d1_3",
                "result d1_3",
                "call x",
                "call x_2",
                "result x",
                "result x_2",
                "call call_1",
                "result call_1",
                "call d1_2",
                "result d1_2",
            ]
        );
        assert_eq!(repairs.len(), 3, "{repairs:?}");
    }

    #[test]
    fn a_second_result_of_one_call_is_dropped() {
        let mut items = vec![call("e1"), result("e1"), result("e1")];
        assert_eq!(pair(&mut items), vec![Repair::SecondResult("e1".into())]);
        assert_eq!(ids(&items), ["call e1", "result e1"]);
    }
}
