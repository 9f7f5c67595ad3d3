//! Which sessions the default listings show: `quire sessions list` and the
//! resume pickers leave out subagents' sessions (they belong to their
//! parent's) and sessions with no message (a `/new` never used).

use super::SessionSummary;

/// Whether a listing shows `s` by default.
pub fn listed(s: &SessionSummary) -> bool {
    s.parent.is_none() && s.turns > 0
}

/// Every session, each subagent's right after its parent's (deeper ones
/// after theirs); a child whose parent is not in `sessions` stays where it
/// was. The order of the top-level sessions is kept.
pub fn under_parents(sessions: Vec<SessionSummary>) -> Vec<SessionSummary> {
    let ids: std::collections::HashSet<String> = sessions.iter().map(|s| s.id.clone()).collect();
    let (top, children): (Vec<_>, Vec<_>) = sessions
        .into_iter()
        .partition(|s| s.parent.as_ref().is_none_or(|p| !ids.contains(p)));
    let mut out = Vec::with_capacity(top.len() + children.len());
    for s in top {
        push_with_children(s, &children, &mut out, 0);
    }
    out
}

fn push_with_children(
    s: SessionSummary,
    children: &[SessionSummary],
    out: &mut Vec<SessionSummary>,
    depth: usize,
) {
    let id = s.id.clone();
    out.push(s);
    // Bounded: a parent loop in damaged files cannot recurse forever.
    if depth >= 16 {
        return;
    }
    for c in children.iter().filter(|c| c.parent.as_deref() == Some(&id)) {
        push_with_children(c.clone(), children, out, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: &str, parent: Option<&str>, turns: usize) -> SessionSummary {
        SessionSummary {
            id: id.into(),
            created: String::new(),
            cwd: String::new(),
            first_prompt: String::new(),
            turns,
            turns_partial: false,
            path: id.into(),
            parent: parent.map(Into::into),
            modified: None,
        }
    }

    #[test]
    fn children_and_empty_sessions_are_not_listed() {
        assert!(listed(&s("a", None, 1)));
        assert!(!listed(&s("b", Some("a"), 1)));
        assert!(!listed(&s("c", None, 0)));
    }

    #[test]
    fn children_follow_their_parent() {
        let all = vec![
            s("kid", Some("p1"), 1),
            s("p2", None, 1),
            s("p1", None, 1),
            s("orphan", Some("gone"), 1),
        ];
        let ids: Vec<String> = under_parents(all).into_iter().map(|s| s.id).collect();
        assert_eq!(ids, ["p2", "p1", "kid", "orphan"]);
    }
}
