//! Completion in the composer: `/` commands (and user-invocable skills as
//! `/skill-name`), `@path` for workspace files.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use quire::commands::mentions::mention_form;

use super::app::App;

/// The slash commands and what they do.
pub const COMMANDS: [(&str, &str); 15] = [
    ("/help", "keys and commands"),
    ("/new", "start a new conversation"),
    ("/resume", "continue a past session"),
    ("/model", "show or switch the model: /model NAME"),
    ("/compact", "summarise the conversation to free context"),
    ("/status", "session, tokens, cost estimate, config"),
    (
        "/diff",
        "the working tree against HEAD, untracked files too (outside git: this session's patches)",
    ),
    ("/undo", "revert the last turn's patches"),
    ("/skills", "skills, with the active ones marked"),
    ("/mcp", "MCP servers and their state"),
    ("/agents", "subagents: list, show ID, merge ID, discard ID"),
    (
        "/init",
        "have the model write AGENTS.md (/init TEXT: improve an existing one)",
    ),
    (
        "/review",
        "review a change: /review [--uncommitted|--staged|--base REF|--commit SHA|--range A..B] [--run-tests] [TEXT]",
    ),
    (
        "/approvals",
        "show or change the policy: /approvals never|on-request|untrusted",
    ),
    ("/quit", "leave (Ctrl-D works too)"),
];

pub use crate::session_view::skills::{SKILLS, user_skills};

/// Workspace files for `@path`: listed on use when there is no list yet,
/// when a turn ended since (the agent may have made or removed files) or
/// when the list is older than [`FILES_MAX_AGE`] (files made by hand).
static FILES: Mutex<Option<Listing>> = Mutex::new(None);
/// How long a listing of the workspace is used.
const FILES_MAX_AGE: Duration = Duration::from_secs(10);

struct Listing {
    made: Instant,
    files: Arc<Vec<String>>,
}
/// Where `@path` is completed from.
pub static ROOT: OnceLock<std::path::PathBuf> = OnceLock::new();

/// Recomputes the menu for the word at the cursor.
pub fn refresh(app: &mut App) {
    let word = app.composer.current_word().to_string();
    let whole = app.composer.text();
    app.menu.clear();
    app.menu_sel = 0;
    if whole.starts_with('/') && !whole.contains([' ', '\n']) {
        app.menu = commands(&whole);
    } else if let Some(prefix) = word.strip_prefix('@') {
        // `@"my fi` completes as `my fi`; a path with spaces is inserted
        // quoted, the form the attachment reads.
        let prefix = prefix.strip_prefix('"').unwrap_or(prefix);
        app.menu = files(prefix)
            .into_iter()
            .map(|f| (mention_form(&f), String::new()))
            .collect();
    }
}

/// Commands and skills starting with `typed`.
pub fn commands(typed: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = COMMANDS
        .iter()
        .filter(|(c, _)| c.starts_with(typed))
        .map(|(c, d)| (c.to_string(), d.to_string()))
        .collect();
    for (name, desc) in SKILLS.get().into_iter().flatten() {
        let c = format!("/{name}");
        if c.starts_with(typed) {
            let desc = quire::printable::one_line(desc);
            out.push((c, format!("skill: {}", first_sentence(&desc))));
        }
    }
    out.extend(crate::cli::slash::menu(typed));
    out
}

fn first_sentence(s: &str) -> String {
    let s = s.split(". ").next().unwrap_or(s);
    crate::cli::summary::clip(s, 60)
}

/// Workspace files whose path contains `prefix` (prefix matches first).
pub fn files(prefix: &str) -> Vec<String> {
    let all = listed();
    let mut starts: Vec<String> = all
        .iter()
        .filter(|f| f.starts_with(prefix))
        .take(20)
        .cloned()
        .collect();
    if starts.len() < 6 {
        starts.extend(
            all.iter()
                .filter(|f| !f.starts_with(prefix) && f.contains(prefix))
                .take(6 - starts.len())
                .cloned(),
        );
    }
    starts
}

/// The workspace's files, listed again when the list is missing or old.
fn listed() -> Arc<Vec<String>> {
    let mut held = FILES.lock().unwrap_or_else(|e| e.into_inner());
    match held.as_ref() {
        Some(l) if l.made.elapsed() < FILES_MAX_AGE => l.files.clone(),
        _ => {
            let files = Arc::new(ROOT.get().map(|r| list_files(r)).unwrap_or_default());
            *held = Some(Listing {
                made: Instant::now(),
                files: files.clone(),
            });
            files
        }
    }
}

/// Forgets the list of workspace files (a turn ended): the next `@path`
/// completion lists them again.
pub fn forget_files() {
    *FILES.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Files under `root`, honouring .gitignore, at most 20,000.
fn list_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(root)
        .hidden(true)
        .build()
        .flatten()
        .take(20_000)
    {
        if entry.file_type().is_some_and(|t| t.is_file())
            && let Ok(rel) = entry.path().strip_prefix(root)
        {
            out.push(rel.display().to_string());
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_review_line_names_every_flag_review_takes() {
        let (_, help) = super::COMMANDS
            .iter()
            .find(|(name, _)| *name == "/review")
            .expect("/review is listed");
        assert!(
            help.ends_with(crate::cli::review::SLASH_USAGE),
            "{help} differs from {}",
            crate::cli::review::SLASH_USAGE
        );
    }
}
