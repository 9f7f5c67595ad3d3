//! `quire share update`: shows what each update changes and asks before
//! installing it (a y/N question on a terminal; without one, `--yes` is
//! needed). A declined update leaves the files and `quire.lock` alone.

use std::io::{BufRead, IsTerminal, Write};

use quire::share::{self, Pending, ShareContext};

use super::share::name_lock;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

// Every line of these commands has the password of a URL masked: a lock
// written before such URLs were refused may hold one (`shown_url`).
macro_rules! listln {
    ($($t:tt)*) => {
        $crate::cli::terminal_print_clean(
            quire::config::shown_url::shown_url(&format!("{}\n", format_args!($($t)*))).into_owned(),
        )
    };
}
macro_rules! elistln {
    ($($t:tt)*) => {
        $crate::cli::terminal_eprint_clean(
            quire::config::shown_url::shown_url(&format!("{}\n", format_args!($($t)*))).into_owned(),
        )
    };
}

pub fn run(ctx: &ShareContext, name: Option<&str>, force: bool, yes: bool) -> i32 {
    let planned = match share::plan(ctx, name, force) {
        Ok(p) => p,
        Err(e) => {
            elistln!("error: {}", name_lock(ctx, &e.to_string()));
            return EXIT_USAGE;
        }
    };
    if planned.is_empty() {
        listln!(
            "{}",
            name_lock(
                ctx,
                &format!(
                    "{} lists nothing to update; `quire share add SOURCE` installs a skill or plugin",
                    share::lock::FILE
                )
            )
        );
        return EXIT_OK;
    }
    let terminal = std::io::stdin().is_terminal();
    let (mut failed, mut refused) = (0, 0);
    for (old, pending) in &planned {
        let label = old.kind.label();
        if let Ok(Pending {
            note: Some(note), ..
        }) = pending
        {
            elistln!("note: {label} {}: {}", old.name, name_lock(ctx, note));
        }
        let p = match pending {
            Ok(p) if p.is_current() => {
                listln!("up to date {label} {}", old.name);
                continue;
            }
            Ok(p) => p,
            Err(why) => {
                failed += 1;
                elistln!("failed {label} {}: {}", old.name, name_lock(ctx, why));
                continue;
            }
        };
        let how = transition(p);
        listln!("update for {label} {}{how}:", old.name);
        for change in &p.changes {
            listln!("  {change}");
        }
        let accepted = if yes {
            true
        } else if terminal {
            ask(&format!("Install the update of {}?", old.name))
        } else {
            refused += 1;
            elistln!(
                "not updated {label} {}: there is no terminal to ask on; review the changes above and run `{}` to install them",
                old.name,
                again(ctx, &old.name, force)
            );
            continue;
        };
        if !accepted {
            listln!("kept {label} {} as locked", old.name);
            continue;
        }
        match share::apply(ctx, p) {
            Ok(new) => {
                listln!("updated {label} {}{how}", old.name);
                // A bundle's new hooks, MCP servers and grants still need
                // their own approval: hooks by hash (`quire hooks trust`),
                // servers by `quire plugins enable`, grants by consent.
                let dir = share::lock::resolve(&ctx.root, &new.installed);
                for change in share::bundle_entry::review_changes(old, &new, Some(&dir)) {
                    listln!("  needs approval: {change}");
                }
            }
            Err(e) => {
                failed += 1;
                elistln!(
                    "failed {label} {}: {}",
                    old.name,
                    name_lock(ctx, &e.to_string())
                );
            }
        }
    }
    if name.is_none() {
        let before: Vec<share::Entry> = planned.iter().map(|(e, _)| e.clone()).collect();
        new_in_folders(ctx, &before);
    }
    if failed > 0 || refused > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// What upstream added to the folders added whole (`--path DIR`): named
/// with the command that adds each, not installed (share/folder_news.rs
/// says why): what appeared there since the commits `before` locked. A
/// folder that cannot be read is said, without failing the update (its
/// entries' own updates say what went wrong).
fn new_in_folders(ctx: &ShareContext, before: &[share::Entry]) {
    let Ok(folders) = share::folder_news::scan(ctx, before) else {
        return;
    };
    for (shown, news) in folders {
        match news {
            Ok(n) if n.found.is_empty() => {}
            Ok(n) => {
                let names: Vec<&str> = n.found.iter().map(|(_, name, _)| name.as_str()).collect();
                // The source itself when it was added whole.
                let place = match n.folder.as_str() {
                    share::TOP_FOLDER => shown.as_str(),
                    folder => folder,
                };
                listln!(
                    "new upstream in {place} (not installed): {}",
                    names.join(", ")
                );
                for (kind, name, cmd) in &n.found {
                    listln!("  `{cmd}` adds {} {name}", kind.label());
                }
            }
            Err(why) => elistln!(
                "could not look for new skills in {shown}: {}",
                name_lock(ctx, &why)
            ),
        }
    }
}

/// The `quire share update NAME --yes` that installs the update, with the
/// flags this run had (`--user`, `--allow-local-sources`, `--force`), so
/// it is not refused for a reason this one was not.
fn again(ctx: &ShareContext, name: &str, force: bool) -> String {
    let mut cmd = String::from("quire share");
    if ctx.layout == share::Layout::User {
        cmd.push_str(" --user");
    }
    if ctx.allow_local {
        cmd.push_str(" --allow-local-sources");
    }
    cmd.push_str(" update ");
    cmd.push_str(&quire::printable::quoted_name(name));
    if force {
        cmd.push_str(" --force");
    }
    cmd.push_str(" --yes");
    cmd
}

/// ": OLD → NEW" for git sources, else " (its files changed)".
fn transition(p: &Pending) -> String {
    match (&p.old.commit, &p.new.commit) {
        (Some(a), Some(b)) if a != b => {
            format!(": {} → {}", &a[..a.len().min(12)], &b[..b.len().min(12)])
        }
        _ => " (its files changed)".to_string(),
    }
}

/// A y/N question on the terminal; anything but yes is no.
fn ask(question: &str) -> bool {
    let mut err = std::io::stderr();
    let _ = write!(err, "{} [y/N] ", quire::printable::one_line(question));
    let _ = err.flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim(), "y" | "Y" | "yes")
}
