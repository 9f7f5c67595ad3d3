//! What the tool line of a `skill` or subagent call (`spawn_agent`,
//! `wait_agents`, `send_agent`, `close_agent`) says after the tool's name,
//! in words rather than its JSON arguments: `activate greeting`,
//! `reviewer (background): check the tests`. Used by every view's tool
//! line (cli/summary.rs `tool_line`).

use serde_json::Value;

/// The detail, or `None` when `name` is not one of these tools or its
/// arguments are not what it takes (the raw arguments are shown then).
pub fn detail(name: &str, args: &Value) -> Option<String> {
    let s = |k: &str| {
        args.get(k)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    match name {
        "skill" => skill(args, s("action")?, s),
        "spawn_agent" => {
            let task = s("task")?;
            let mut how: Vec<&str> = Vec::new();
            if args.get("background").and_then(Value::as_bool) == Some(true) {
                how.push("background");
            }
            if s("isolation") == Some("worktree") {
                how.push("worktree");
            }
            if let Some(m) = s("model") {
                how.push(m);
            }
            let how = how.join(", ");
            Some(match (s("agent_type"), how.is_empty()) {
                (Some(kind), true) => format!("{kind}: {task}"),
                (Some(kind), false) => format!("{kind} ({how}): {task}"),
                (None, true) => task.to_string(),
                (None, false) => format!("{how}: {task}"),
            })
        }
        "wait_agents" => {
            let ids: Vec<&str> = match args.get("ids") {
                Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let mut d = match ids.is_empty() {
                true => "all running".to_string(),
                false => ids.join(", "),
            };
            if let Some(t) = args.get("timeout_sec").and_then(Value::as_f64) {
                d.push_str(&format!(" (up to {t}s)"));
            }
            Some(d)
        }
        "send_agent" => Some(format!("{}: {}", s("id")?, s("message")?)),
        "close_agent" => Some(match s("worktree") {
            Some(w) => format!("{} ({w} its worktree)", s("id")?),
            None => s("id")?.to_string(),
        }),
        _ => None,
    }
}

/// `activate greeting`, `search "pdf forms"`, `read greeting refs/api.md`;
/// ` (from offset N)` when it continues a cut answer.
fn skill<'a>(args: &'a Value, action: &str, s: impl Fn(&str) -> Option<&'a str>) -> Option<String> {
    let mut d = match action {
        "activate" => format!("activate {}", s("name")?),
        "search" => format!("search \"{}\"", s("query")?),
        "read" => format!("read {} {}", s("name")?, s("path")?),
        _ => return None,
    };
    if let Some(o) = args
        .get("offset")
        .and_then(Value::as_u64)
        .filter(|o| *o > 0)
    {
        d.push_str(&format!(" (from offset {o})"));
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn skill_calls_read_as_words() {
        let d = |v: Value| detail("skill", &v);
        assert_eq!(
            d(json!({"action": "activate", "name": "greeting"})).as_deref(),
            Some("activate greeting")
        );
        assert_eq!(
            d(json!({"action": "search", "query": "pdf forms"})).as_deref(),
            Some("search \"pdf forms\"")
        );
        assert_eq!(
            d(json!({"action": "read", "name": "greeting", "path": "refs/a.md", "offset": 4000}))
                .as_deref(),
            Some("read greeting refs/a.md (from offset 4000)")
        );
        // Not what the tool takes: the raw arguments are shown instead.
        assert_eq!(d(json!({"action": "dance"})), None);
        assert_eq!(d(json!({"action": "activate"})), None);
    }

    #[test]
    fn agent_calls_read_as_words() {
        assert_eq!(
            detail("spawn_agent", &json!({"task": "count files"})).as_deref(),
            Some("count files")
        );
        assert_eq!(
            detail(
                "spawn_agent",
                &json!({"task": "check it", "agent_type": "reviewer", "background": true})
            )
            .as_deref(),
            Some("reviewer (background): check it")
        );
        assert_eq!(
            detail(
                "spawn_agent",
                &json!({"task": "fix it", "isolation": "worktree", "background": true})
            )
            .as_deref(),
            Some("background, worktree: fix it")
        );
        assert_eq!(
            detail("wait_agents", &json!({})).as_deref(),
            Some("all running")
        );
        assert_eq!(
            detail(
                "wait_agents",
                &json!({"ids": ["a1", "b2"], "timeout_sec": 30})
            )
            .as_deref(),
            Some("a1, b2 (up to 30s)")
        );
        assert_eq!(
            detail("send_agent", &json!({"id": "a1", "message": "go on"})).as_deref(),
            Some("a1: go on")
        );
        assert_eq!(
            detail("close_agent", &json!({"id": "a1", "worktree": "merge"})).as_deref(),
            Some("a1 (merge its worktree)")
        );
        assert_eq!(detail("close_agent", &json!({})), None);
        assert_eq!(detail("shell", &json!({"command": "ls"})), None);
    }
}
