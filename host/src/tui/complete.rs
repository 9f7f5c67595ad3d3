//! Completion in the composer: `/` commands (and user-invocable skills as
//! `/skill-name`), `@path` for workspace files.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use quire::commands::mentions::mention_form;

use super::app::App;
use super::workspace_files::{self, Files};

/// The slash commands and what they do.
pub const COMMANDS: [(&str, &str); 17] = [
    ("/help", "keys and commands"),
    ("/new", "start a new conversation"),
    ("/resume", "continue a past session"),
    (
        "/model",
        "show or switch the model: /model NAME (--force: a name the provider does not list)",
    ),
    ("/compact", "summarise the conversation to free context"),
    ("/status", "session, tokens, cost estimate, config"),
    (
        "/diff",
        "the working tree against HEAD, untracked files too (outside git: this session's patches)",
    ),
    ("/undo", "revert the last turn's patches"),
    (
        "/rewind",
        "go back to an earlier message to edit it: /rewind N (later messages dropped; Esc Esc too); /rewind lists them",
    ),
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
        "sandbox and approval: /approvals read-only|auto|full-access --yes, or never|on-request|untrusted (approval alone)",
    ),
    ("/permissions", "the same as /approvals (Codex's name)"),
    ("/quit", "leave (Ctrl-D works too)"),
];

pub use crate::session_view::skills::{SKILLS, user_skills};

/// Workspace files for `@path`: listed on use when there is no list yet
/// of the folder the typed path names, when a turn ended since (the agent
/// may have made or removed files) or when the list is older than
/// [`FILES_MAX_AGE`] (files made by hand).
static FILES: Mutex<Option<Listing>> = Mutex::new(None);
/// How long a listing of the workspace is used.
const FILES_MAX_AGE: Duration = Duration::from_secs(10);

struct Listing {
    made: Instant,
    root: PathBuf,
    start: String,
    /// What was typed, when the listing stopped short (it depends on it).
    typed: Option<String>,
    files: Arc<Files>,
}
/// Where `@path` is completed from.
pub static ROOT: OnceLock<std::path::PathBuf> = OnceLock::new();

/// Recomputes the menu for the word at the cursor.
pub fn refresh(app: &mut App) {
    let word = app.composer.current_word().to_string();
    let whole = app.composer.text();
    app.menu.clear();
    app.menu_sel = 0;
    // No menu while a question is asked (it is not drawn then).
    if app.approval.is_some() {
        return;
    }
    if whole.starts_with('/') && !whole.contains([' ', '\n']) {
        app.menu = commands(&whole);
    } else if let Some(prefix) = word.strip_prefix('@') {
        // `@"my fi` completes as `my fi`; a path with spaces is inserted
        // quoted, the form the attachment reads.
        let prefix = prefix.strip_prefix('"').unwrap_or(prefix);
        if let Some(root) = ROOT.get() {
            app.menu = file_menu(&listed(root, prefix), prefix);
        }
    }
}

/// The `@path` menu: matching files as mentions; when the listing
/// stopped short, the first line says so (or, with no match, a line of
/// its own that completes to what was typed).
fn file_menu(files: &Files, prefix: &str) -> Vec<(String, String)> {
    let mut menu: Vec<(String, String)> = matching(&files.paths, prefix)
        .into_iter()
        .map(|f| (mention_form(&f), String::new()))
        .collect();
    if files.stopped {
        let note = format!(
            "only the first {} entries were looked at: type a folder (@dir/) to look in it",
            super::preview::thousands(workspace_files::MAX_ENTRIES)
        );
        match menu.first_mut() {
            Some((_, desc)) => *desc = note,
            None => menu.push((format!("@{prefix}"), note)),
        }
    }
    menu
}

/// Commands and skills starting with `typed`.
pub fn commands(typed: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = COMMANDS
        .iter()
        .filter(|(c, _)| c.starts_with(typed))
        .map(|(c, d)| (c.to_string(), d.to_string()))
        .collect();
    for skill in SKILLS.get().into_iter().flatten() {
        let c = format!("/{}", skill.call);
        if c.starts_with(typed) {
            let desc = quire::printable::one_line(&skill.description);
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

/// Files whose path contains `prefix` (prefix matches first).
fn matching(all: &[String], prefix: &str) -> Vec<String> {
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

/// The files for `typed` (under the folder it names, if any), listed
/// again when the list is missing, of another folder, or old.
fn listed(root: &Path, typed: &str) -> Arc<Files> {
    let start = workspace_files::start_for(root, typed);
    let mut held = FILES.lock().unwrap_or_else(|e| e.into_inner());
    match held.as_ref() {
        Some(l)
            if l.made.elapsed() < FILES_MAX_AGE
                && l.root == root
                && l.start == start
                && l.typed.as_deref().is_none_or(|t| t == typed) =>
        {
            l.files.clone()
        }
        _ => {
            let files = Arc::new(workspace_files::list(root, &start, typed));
            *held = Some(Listing {
                made: Instant::now(),
                root: root.to_path_buf(),
                start,
                typed: files.stopped.then(|| typed.to_string()),
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

#[cfg(test)]
mod tests {
    use super::{Files, file_menu};

    #[test]
    fn a_listing_that_stopped_short_says_so_in_the_menu() {
        let files = Files {
            paths: vec!["lines.txt".into(), "src/lines.rs".into()],
            stopped: true,
        };
        let menu = file_menu(&files, "lines");
        assert_eq!(menu[0].0, "@lines.txt");
        assert!(
            menu[0].1.starts_with("only the first 20,000 entries"),
            "{menu:?}"
        );
        assert_eq!(menu[1], ("@src/lines.rs".to_string(), String::new()));
        let none = file_menu(&files, "zzz");
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].0, "@zzz");
        let complete = Files {
            paths: files.paths.clone(),
            stopped: false,
        };
        assert!(file_menu(&complete, "zzz").is_empty());
    }

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
