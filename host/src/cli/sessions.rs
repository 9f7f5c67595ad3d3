//! `quire sessions list` (show and delete: sessions_show.rs).

use quire::printable::one_line;
use quire::store;

use super::args::{GlobalArgs, SessionsArgs, SessionsCommand};
use super::summary::clip;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, setup};

pub fn run(global: &GlobalArgs, args: &SessionsArgs) -> i32 {
    let setup = match setup::load(global, None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return EXIT_USAGE;
        }
    };
    let dir = setup
        .config
        .sessions_dir
        .clone()
        .unwrap_or_else(|| setup.home.join("sessions"));
    let (json, all) = match &args.command {
        SessionsCommand::List { json, all } => (*json, *all),
        SessionsCommand::Show { id } => return super::sessions_show::show(&dir, id),
        SessionsCommand::Delete { ids } => return super::sessions_show::delete(&dir, ids),
    };
    let (sessions, unreadable, copies) = match store::list_all(&dir) {
        Ok(l) => (l.sessions, l.unreadable, l.copies),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    // Files that hold no session (empty, only junk) are named, not hidden.
    for u in &unreadable {
        eprintln!(
            "warning: {} is not a readable session ({}); move or delete it",
            u.path.display(),
            u.reason
        );
    }
    // A second file naming a session's id (a backup copy, a foreign file)
    // is not shown as that session: the file named for it is.
    for c in &copies {
        eprintln!(
            "warning: {} also holds session {} (a copy?): not listed; the session's own file is {}; move the copy out of the sessions folder",
            c.path.display(),
            one_line(&c.id),
            c.original.display()
        );
    }
    if json {
        for s in &sessions {
            if let Ok(line) = serde_json::to_string(s) {
                println!("{line}");
            }
        }
        return EXIT_OK;
    }
    let sessions = if all {
        store::under_parents(sessions)
    } else {
        sessions.into_iter().filter(store::listed).collect()
    };
    if sessions.is_empty() && unreadable.is_empty() && copies.is_empty() {
        eprintln!("no sessions yet in {}", dir.display());
        return EXIT_OK;
    }
    if sessions.is_empty() {
        return EXIT_OK;
    }
    println!(
        "{:<36}  {:<19}  {:<30}  FIRST PROMPT",
        "ID", "LAST USED", "CWD"
    );
    for s in sessions {
        let date = s.last_used();
        // A subagent's session (`--all`) under its parent's, indented.
        let id = if s.parent.is_some() {
            format!("  {}", one_line(&s.id))
        } else {
            one_line(&s.id)
        };
        println!(
            "{:<36}  {:<19}  {:<30}  {}",
            id,
            one_line(&date),
            clip(&one_line(&s.cwd), 30),
            // Cleaned whether or not stdout is a terminal: a summary
            // column holds one line of text, nothing that acts.
            clip(&one_line(&s.first_prompt), 60)
        );
    }
    EXIT_OK
}
