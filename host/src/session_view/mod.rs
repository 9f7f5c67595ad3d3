//! What the session's slash commands say, for both front ends (the
//! full-screen view, tui/, and the line mode, cli/repl.rs): `/status`,
//! `/diff`, `/undo`, `/skills`, `/mcp`, `/init` (the message it sends),
//! `/approvals` (approvals.rs: the sandbox and approval policy);
//! and what an approval question
//! says (`approval`). Each answers with [`Said`] pieces
//! the front end renders in its own way; the state they read ([`Status`],
//! [`Patches`]) is kept from the agent's events by both.

pub mod approval;
mod approvals;
mod command_view;
pub mod diff;
mod git_diff;
mod ignored;
mod ignored_once;
pub mod init;
pub mod model_wait;
pub mod other_commands;
pub mod patches;
pub mod prices;
pub mod rewind;
pub mod skills;
pub mod status;
pub mod undo;
mod undo_left;
mod undo_rebuilt;
mod undo_steps;
mod undo_write;
mod worktree;

pub use approvals::approvals;
pub use patches::Patches;
pub use status::Status;

/// How a note is meant: the terminal view colours it, the line mode
/// prints its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Dim,
    Accent,
    Ok,
    Bad,
}

/// One piece of a command's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Said {
    /// A note (wrapped to the window by the terminal view).
    Note(Tone, String),
    /// Lines shown as they are (a panel, a list).
    Lines(Vec<String>),
    /// Patched files' diffs, laid out.
    Diff(Vec<diff::DiffLine>),
}

/// What `/diff` shows in `cwd`: in a git repository, the working tree
/// against HEAD with the untracked files (whoever changed them) and the
/// files this session patched that git ignores; outside one, this
/// session's patches, naming the files changed since.
pub fn diff(patches: &Patches, cwd: &std::path::Path) -> Vec<Said> {
    if quire::config::repo_root(cwd).is_some() {
        worktree::shown(cwd, patches)
    } else {
        patches.diff(cwd)
    }
}

/// The line both front ends leave with: how to continue. After `/new`,
/// while the new session has no messages, the session it left (an empty
/// one is neither listed nor worth resuming).
pub fn resume_line(session: &quire::agent::Session) -> String {
    match session.left_for_new() {
        Some(id) => format!("To continue the session before /new: quire resume {id}"),
        None => format!("To continue this session: quire resume {}", session.id()),
    }
}

/// What `/compact` says when it did not finish. An interrupt is no
/// error: the history is only replaced once the summary is in, so the
/// conversation is as it was.
pub fn compaction_failed(e: &quire::agent::AgentError) -> Said {
    match e {
        quire::agent::AgentError::Interrupted => Said::Note(
            Tone::Dim,
            "compaction interrupted; nothing changed".to_string(),
        ),
        other => Said::Note(Tone::Bad, format!("error: compaction failed: {other}")),
    }
}
