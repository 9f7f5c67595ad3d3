//! `/agents` in the TUI and the line REPL: the children of this session
//! with their status, usage and worktree branch; `/agents show ID` prints
//! a child's transcript; `/agents merge ID` and `/agents discard ID` merge
//! or delete a worktree child's branch (agents/worktree.rs). After a
//! resume the children from before it are listed too
//! ([`super::children_earlier`]).

use std::path::Path;

use quire::agents::worktree;

use super::children::{Children, fields, transcript};
use super::children_earlier::GONE;

pub const USAGE: &str =
    "/agents [show ID | merge ID | discard ID] (ID: the id's last characters or the agent's name)";

/// The lines `/agents ARG` prints, or an error message naming what to do.
pub fn run(children: &mut Children, arg: &str, cwd: &Path) -> Result<Vec<String>, String> {
    let words: Vec<&str> = arg.split_whitespace().collect();
    let verb = words.first().copied().unwrap_or_default();
    let id = words.get(1).copied().unwrap_or_default();
    // An agent's id and name hold no spaces: a word past the one each
    // action takes is refused, never dropped.
    let takes = match verb {
        "" | "list" => 1,
        _ => 2,
    };
    if words.len() > takes {
        let what = match takes {
            1 => "takes no ID",
            _ => "takes one ID",
        };
        return Err(format!(
            "/agents {verb} {what}: \"{}\" is unexpected; usage: {USAGE}",
            words[takes..].join(" "),
        ));
    }
    match verb {
        "" | "list" => Ok(list(children)),
        "show" => {
            let c = found(children, id)?;
            Ok(transcript(c))
        }
        "merge" | "discard" => {
            let c = found(children, id)?;
            if c.status.is_none() {
                return Err(format!(
                    "agent {} is still running; wait for it to end before you {verb} its branch",
                    c.name
                ));
            }
            let Some(branch) = c.branch.clone() else {
                return Err(format!(
                    "agent {} did not work in a worktree (isolation = \"worktree\"): it has no branch to {verb}",
                    c.name
                ));
            };
            match c.branch_state {
                Some(GONE) => return Err(gone(&branch, verb)),
                Some(state) => return Err(format!("branch {branch} was already {state}")),
                None => {}
            }
            let repo = quire::config::repo_root(cwd).ok_or_else(|| {
                format!(
                    "{} is not in a git repository; cannot {verb} {branch}",
                    cwd.display()
                )
            })?;
            if !worktree::branch_exists(&repo, &branch) {
                if let Some(c) = children.find_mut(id) {
                    c.branch_state = Some(GONE);
                }
                return Err(gone(&branch, verb));
            }
            let (out, state) = if verb == "merge" {
                (worktree::merge(&repo, &branch)?, "merged")
            } else {
                (worktree::discard(&repo, &branch)?, "discarded")
            };
            if let Some(c) = children.find_mut(id) {
                c.branch_state = Some(state);
            }
            Ok(out.lines().map(str::to_string).collect())
        }
        other => Err(format!("unknown /agents action {other:?}: {USAGE}")),
    }
}

/// A worktree child's branch that is no longer in the repository.
fn gone(branch: &str, verb: &str) -> String {
    format!(
        "branch {branch} is gone (merged, discarded or deleted since the agent ended): nothing to {verb}; `git branch --list 'quire/agent-*'` lists the agents' branches left"
    )
}

fn found<'a>(children: &'a Children, id: &str) -> Result<&'a super::children::Child, String> {
    if id.is_empty() {
        return Err(format!("which agent? {USAGE}"));
    }
    children
        .find(id)
        .ok_or_else(|| format!("no subagent {id:?} in this session; /agents lists them"))
}

fn list(children: &Children) -> Vec<String> {
    if children.list.is_empty() {
        return vec!["no subagents in this session".into()];
    }
    children
        .list
        .iter()
        .map(|c| format!("{}  {}{}", c.short_id(), c.indent(), fields(c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_past_the_actions_id_is_refused_by_name() {
        let mut children = Children::default();
        let cwd = Path::new("/");
        assert_eq!(
            run(&mut children, "list extra", cwd),
            Err(format!(
                "/agents list takes no ID: \"extra\" is unexpected; usage: {USAGE}"
            ))
        );
        assert_eq!(
            run(&mut children, "merge abcd efgh ijkl", cwd),
            Err(format!(
                "/agents merge takes one ID: \"efgh ijkl\" is unexpected; usage: {USAGE}"
            ))
        );
        assert_eq!(
            run(&mut children, "  list  ", cwd),
            Ok(vec!["no subagents in this session".to_string()])
        );
    }
}
