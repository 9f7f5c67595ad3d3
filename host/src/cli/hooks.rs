//! `quire hooks list` and `quire hooks trust`: every hook with its source
//! file and trust state, and approving repository hooks by hash.

use clap::{Args, Subcommand};
use quire::config::hooks_root;
use quire::hooks::config::{HookSources, TrustState};
use quire::hooks::trust::TrustStore;
use quire::hooks::{Hook, load_hooks};

use super::args::GlobalArgs;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, setup};

/// Hooks: your own commands at fixed points of the loop (config.toml
/// `[[hooks.EVENT]]`, and Claude Code's settings.json files). A
/// repository's hooks run only in a trusted repository and only after you
/// approved each one; a changed hook must be approved again.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  quire hooks list              # every hook, its file and whether it runs
  quire hooks trust             # approve every new or changed hook of this repository
                                # and of plugins (yours and its), and accept guards
                                # removed or changed since approved
  quire hooks trust 3f9a0c1b2d4e  # approve one hook by the id `list` shows")]
pub struct HooksArgs {
    #[command(subcommand)]
    pub command: HooksCommand,
}

#[derive(Debug, Subcommand)]
pub enum HooksCommand {
    /// Show every hook with its event, matcher, source file and trust state.
    List(ListArgs),
    /// Approve the hooks of this repository and of installed plugins (your
    /// own and the repository's): all new or changed ones, or those given
    /// by id; accept guards removed or changed since approved. Running
    /// sessions pick the approval up.
    Trust(TrustArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// One JSON object per hook.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TrustArgs {
    /// Hook ids from `quire hooks list` (default: every hook waiting for
    /// approval and every guard gone since approved).
    pub ids: Vec<String>,
}

pub fn run(global: &GlobalArgs, args: &HooksArgs) -> i32 {
    let setup = match setup::load(global, None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return EXIT_USAGE;
        }
    };
    let sources = HookSources::new(&setup.config, &setup.home, hooks_root(&setup.cwd));
    let loaded = load_hooks(&sources);
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    let problems = loaded.warnings.len();
    // Guards gone since approved are listed, and accepted by `trust`.
    let hooks: Vec<Hook> = loaded.hooks.into_iter().chain(loaded.gone).collect();
    match &args.command {
        HooksCommand::List(a) => list(&hooks, a.json, problems),
        HooksCommand::Trust(a) => trust(&setup.home, &hooks, &a.ids),
    }
}

/// Text from a hooks file as listed, piped or not: as written, or quoted
/// with its controls escaped when it has any (a `\r` or an escape
/// sequence in a command could hide what it runs behind harmless-looking
/// text).
fn shown(text: &str) -> String {
    quire::printable::shown_command(text).into_owned()
}

fn state_text(state: TrustState) -> &'static str {
    match state {
        TrustState::User => "runs (your own file)",
        TrustState::Trusted => "runs (approved)",
        TrustState::NotApproved => "NOT APPROVED: new or changed, run `quire hooks trust`",
        TrustState::RepoNotTrusted => "does not run: the repository is not trusted (`quire trust`)",
        TrustState::Gone => {
            "GONE since approved — still guarding: removed, or its matcher or command changed; what it matched is blocked until `quire hooks trust` accepts the change"
        }
    }
}

/// [`state_text`], unless the hook cannot run from where its plugin is
/// now, which comes first whatever its approval.
fn state_of(h: &Hook) -> &'static str {
    if h.refused_root().is_some() {
        return "does not run: the path its plugin's folder is run through has a character a shell could act on (the warning above names it); a guard blocks what it matches";
    }
    state_text(h.trust)
}

/// Whether `quire hooks trust` (and the interactive approval) takes `h`
/// without being named: new or changed, or gone since approved. A plugin
/// hook refused for its folder's path would not run once approved: it is
/// not offered (`hooks list` says why).
fn waiting(h: &Hook) -> bool {
    match h.trust {
        TrustState::NotApproved => h.refused_root().is_none(),
        TrustState::Gone => true,
        _ => false,
    }
}

/// What a hook runs, as listed; a gone guard, of which only the label is
/// known, by its label.
fn runs(h: &Hook) -> String {
    match h.trust {
        TrustState::Gone => h.def.label(),
        _ => h.def.runs(),
    }
}

/// Records the user's answer for `h`: a gone guard's approval is
/// forgotten (its block lifts), any other hook is approved.
fn accept(store: &mut TrustStore, h: &Hook) {
    match h.trust {
        TrustState::Gone => {
            quire::hooks::gone_guards::forget(store, h);
        }
        _ => store.approve(h),
    }
}

/// What the approval of a repository or plugin hook does not cover.
fn coverage(h: &Hook) -> Option<String> {
    let command = h.def.command.as_deref()?;
    match &h.plugin_root {
        Some(root) => quire::hooks::trust::plugin_coverage_note(command, root),
        None if h.scope == quire::hooks::HookScope::Project => {
            quire::hooks::trust::coverage_note(command)
        }
        None => None,
    }
}

fn list(hooks: &[Hook], json: bool, problems: usize) -> i32 {
    if hooks.is_empty() && !json {
        if problems == 0 {
            println!("no hooks are configured");
        } else {
            println!("no hook runs: the ones found are skipped (the warnings above say why)");
        }
        return EXIT_OK;
    }
    for h in hooks {
        if json {
            let v = serde_json::json!({
                "id": h.id(),
                "event": h.event.as_str(),
                "name": h.def.name,
                "matcher": h.def.matcher,
                "type": h.def.kind,
                "command": h.def.command,
                "url": h.def.url,
                "headers": h.def.headers,
                "allowed_env_vars": h.def.allowed_env_vars,
                "plugin": h.def.plugin,
                "timeout_sec": h.def.timeout().as_secs(),
                "source": h.source.display().to_string(),
                "scope": h.scope,
                "claude": h.claude,
                "trust": h.trust,
                "coverage": coverage(h),
                "refused": h.refused_root(),
            });
            println!("{v}");
        } else {
            let matcher = shown(h.def.matcher.as_deref().unwrap_or("*"));
            listln!(
                "{}  {:<18} {:<14} {}\n              {}  [{}]",
                h.id(),
                h.event.as_str(),
                matcher,
                shown(&runs(h)),
                shown(&h.source.display().to_string()),
                state_of(h)
            );
            if let Some(note) = coverage(h) {
                listln!("              {note}");
            }
        }
    }
    EXIT_OK
}

fn trust(home: &std::path::Path, hooks: &[Hook], ids: &[String]) -> i32 {
    let mut store = match TrustStore::load(home) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let mut chosen: Vec<&Hook> = Vec::new();
    if ids.is_empty() {
        // In a repository not trusted yet, its hooks never approved wait
        // too (approved as `hooks trust ID` does: they run once it is).
        chosen.extend(hooks.iter().filter(|h| {
            waiting(h) || (h.trust == TrustState::RepoNotTrusted && !store.contains(&h.hash))
        }));
        let refused = hooks
            .iter()
            .filter(|h| h.trust == TrustState::NotApproved && h.refused_root().is_some())
            .count();
        if refused > 0 {
            eprintln!(
                "{} not offered: {} would not run where {} plugin is (`quire hooks list` says why; approve one by its id if you still want to)",
                quire::plural::counted(refused, "plugin hook"),
                if refused == 1 { "it" } else { "they" },
                if refused == 1 { "its" } else { "their" },
            );
        }
        if chosen.is_empty() {
            println!("no repository or plugin hook is waiting for approval");
            return EXIT_OK;
        }
    } else {
        for id in ids {
            let found: Vec<&Hook> = hooks
                .iter()
                .filter(|h| h.hash.starts_with(id.as_str()))
                .collect();
            match found.as_slice() {
                [h] => chosen.push(h),
                [] => {
                    eprintln!("error: no hook has the id {id}; `quire hooks list` shows the ids");
                    return EXIT_USAGE;
                }
                _ => {
                    eprintln!("error: the id {id} fits several hooks; give more of it");
                    return EXIT_USAGE;
                }
            }
        }
    }
    for h in &chosen {
        accept(&mut store, h);
        if h.trust == TrustState::Gone {
            println!(
                "accepted: {} {} `{}` from {} is gone since approved (removed or changed); its approval is forgotten and what it guarded is no longer blocked",
                h.id(),
                h.event.as_str(),
                shown(&runs(h)),
                shown(&h.source.display().to_string())
            );
            continue;
        }
        let note = if h.trust == TrustState::RepoNotTrusted {
            " (it runs once the repository is trusted: `quire trust`)"
        } else {
            ""
        };
        println!(
            "approved {} {} `{}` from {}{note}",
            h.id(),
            h.event.as_str(),
            shown(&h.def.runs()),
            shown(&h.source.display().to_string())
        );
        if let Some(n) = coverage(h) {
            println!("  {n}");
        }
    }
    if let Err(e) = store.save(home) {
        eprintln!("error: {e}");
        return EXIT_FAILED;
    }
    EXIT_OK
}

/// The repository hooks waiting for approval, described for the
/// interactive prompt (`None` when there are none).
pub fn pending(setup: &setup::Setup) -> Option<(String, Vec<Hook>)> {
    let sources = HookSources::new(&setup.config, &setup.home, hooks_root(&setup.cwd));
    let loaded = load_hooks(&sources);
    let hooks: Vec<Hook> = loaded
        .hooks
        .into_iter()
        .chain(loaded.gone)
        .filter(waiting)
        .collect();
    if hooks.is_empty() {
        return None;
    }
    let mut text = pending_heading(&hooks);
    for h in &hooks {
        let gone = match h.trust {
            TrustState::Gone => {
                "\n      GONE since approved (removed, or its matcher or command changed), still blocking what it matched; approving accepts the change"
            }
            _ => "",
        };
        text.push_str(&format!(
            "\n  {} {} [{}] {}  ({}){gone}",
            h.id(),
            h.event.as_str(),
            shown(h.def.matcher.as_deref().unwrap_or("*")),
            shown(&runs(h)),
            shown(&h.source.display().to_string())
        ));
    }
    Some((text, hooks))
}

/// Where the hooks waiting for approval come from, in words: the user's
/// own plugins are not "this repository's".
fn pending_heading(hooks: &[Hook]) -> String {
    let user = hooks
        .iter()
        .any(|h| h.scope == quire::hooks::HookScope::User);
    let repo = hooks
        .iter()
        .any(|h| h.scope == quire::hooks::HookScope::Project);
    let from = match (user, repo) {
        (true, false) => "Your plugins have hooks",
        (false, true) => "This repository has hooks",
        _ => "Your plugins and this repository have hooks",
    };
    format!(
        "{from} that are new or changed since you approved them. They run commands with your rights:"
    )
}

/// Records the approval of `hooks`.
pub fn approve(home: &std::path::Path, hooks: &[Hook]) -> Result<(), String> {
    let mut store = TrustStore::load(home).map_err(|e| e.to_string())?;
    for h in hooks {
        accept(&mut store, h);
    }
    store.save(home).map_err(|e| e.to_string())
}

/// What is said when Ctrl-C stops the hooks question.
pub(crate) const HOOKS_STOPPED: &str =
    "stopped at the hooks question; no hook was approved (run quire again to answer it)";

/// Before an interactive session's first turn (line REPL and TUI alike):
/// lists the repository hooks that are new or changed and asks whether to
/// approve them; unapproved hooks do not run.
pub async fn ask_approval(ask: impl AsyncFnOnce(&str) -> Option<String>, setup: &setup::Setup) {
    let Some((text, pending)) = pending(setup) else {
        return;
    };
    eprintln!("{text}");
    let answer = ask("Approve these hooks? [y]es, [n]o: ").await;
    let yes = answer.is_some_and(|l| {
        let l = l.trim();
        l.eq_ignore_ascii_case("y") || l.eq_ignore_ascii_case("yes")
    });
    if !yes {
        eprintln!("not approved: they do not run (`quire hooks trust` approves them later)");
        return;
    }
    match approve(&setup.home, &pending) {
        Ok(()) => eprintln!("approved {} hook(s)", pending.len()),
        Err(e) => eprintln!("error: {e}"),
    }
}
