//! `quire share add | sync | verify | remove | list`: skills and plugins
//! shared by a team through `quire.lock` (see `quire::share`).

use clap::{Args, Subcommand};
use quire::agent::prompt::repo_root;
use quire::plugins::manifest::{self, MANIFEST_FILE};
use quire::share::{self, AddOptions, Entry, Kind, Layout, LockFile, ShareContext, Synced};
use serde_json::json;

use super::args::GlobalArgs;
use super::setup::{self, Setup};
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

/// Share skills and plugins with your team: install them from a folder or a
/// git repository into this repository (`.quire/skills`, `.quire/plugins`,
/// `.agents/plugins`),
/// recorded in `quire.lock` with the commit and the sha256 of every file.
/// Commit `quire.lock`; a teammate or CI runs `quire share sync` to get
/// exactly the same files, and `quire share verify` to check them.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  quire share add https://github.com/acme/team-skills.git --ref v1.2 --path skills/pdf-forms
  quire share add ../shared/skills            # every skill in a folder
  quire share add mcp:team/pdf-forms          # a skill the MCP server [mcp_servers.team] serves
  quire share verify                          # exit 1 when installed files differ from quire.lock
  quire share sync                            # a teammate or CI: install exactly what quire.lock says

Skills go to .quire/skills/NAME, WASM plugins (plugin.toml) to .quire/plugins/NAME,
plugin bundles (Agent Plugins, Claude Code, Codex) to .agents/plugins/NAME; commit quire.lock.
Local changes and folders quire share did not install are never replaced without --force.")]
pub struct ShareArgs {
    /// Your own lock instead of the repository's: ~/.quire/quire.lock, installing
    /// into ~/.quire/skills, ~/.quire/plugins and ~/.agents/plugins (for every repository).
    #[arg(long, global = true)]
    pub user: bool,
    /// Let the repository's quire.lock fetch git repositories on this machine
    /// (file://… or a path) in sync and update; without it they are refused.
    #[arg(long, global = true)]
    pub allow_local_sources: bool,
    #[command(subcommand)]
    pub command: ShareCommand,
}

#[derive(Debug, Subcommand)]
pub enum ShareCommand {
    /// Install a skill or plugin (or each one directly inside the source folder) and lock it.
    Add {
        /// A folder, a git URL (https://…, git@…, file://…, or ending in .git), or
        /// mcp:SERVER[/SKILL] for skills a configured MCP server serves.
        source: String,
        /// A branch, tag or commit of a git source (default: its default branch).
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
        /// The folder inside the source that holds the skill or plugin (or several).
        #[arg(long = "path", value_name = "SUBDIR")]
        subdir: Option<String>,
        /// Replace a folder of the same name that quire share did not install, or its local changes.
        #[arg(long)]
        force: bool,
    },
    /// Install again what is missing from quire.lock's files, exactly as locked.
    Sync {
        /// Also replace local changes to installed files.
        #[arg(long)]
        force: bool,
    },
    /// Fetch the newest version of the locked ref (a branch's newest commit, where a tag
    /// points now), show what changes (hooks, MCP servers, grants, agents, commands,
    /// files) and install and lock it once you accept.
    Update {
        /// Only this one (default: everything in quire.lock).
        name: Option<String>,
        /// Also replace local changes to installed files.
        #[arg(long)]
        force: bool,
        /// Install every update without asking (what changes is still shown);
        /// without a terminal to ask on, updates are refused unless given.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Check the installed files against quire.lock (exit 1 when any differ).
    Verify {
        /// One JSON object per entry.
        #[arg(long)]
        json: bool,
    },
    /// Uninstall a shared skill or plugin and drop it from quire.lock.
    Remove {
        /// The skill's or plugin's name, as `quire share list` shows it.
        name: String,
        /// Also when its installed files have local changes.
        #[arg(long)]
        force: bool,
    },
    /// Show what quire.lock holds.
    List {
        /// One JSON object per entry.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `quire share …` (blocking), removing its checkouts and half-made
/// copies when Ctrl-C, SIGTERM or SIGHUP ends it.
pub async fn run_interruptible(global: &GlobalArgs, args: &ShareArgs) -> i32 {
    let listener = tokio::spawn(remove_leftovers_on_signal());
    let code = tokio::task::block_in_place(|| run(global, args));
    listener.abort();
    code
}

/// On the first Ctrl-C, SIGTERM or SIGHUP: stops git, removes the working
/// folders in use (a checkout, a `.NAME.new-…` copy) and exits with
/// 128 + the signal.
async fn remove_leftovers_on_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        tracing::warn!("cannot listen for Ctrl-C, SIGTERM and SIGHUP");
        return;
    };
    let sig = tokio::select! {
        _ = int.recv() => libc::SIGINT,
        _ = term.recv() => libc::SIGTERM,
        _ = hup.recv() => libc::SIGHUP,
    };
    share::leftovers::note_interrupt();
    quire::child::kill_descendants();
    share::leftovers::remove_pending();
    elistln!(
        "\ninterrupted: the partial copy and checkout were removed; run the command again to finish"
    );
    std::process::exit(128 + sig);
}

pub fn run(global: &GlobalArgs, args: &ShareArgs) -> i32 {
    let setup = match setup::load(global, None) {
        Ok(s) => s,
        Err(e) => {
            elistln!("error: {e:#}");
            return EXIT_USAGE;
        }
    };
    let (root, layout) = if args.user {
        if let Err(e) = share::legacy::migrate(&setup.home) {
            elistln!("warning: {e}");
        }
        (setup.home.clone(), Layout::User)
    } else {
        let Some(root) = repo_root(&setup.cwd) else {
            elistln!(
                "error: {} is not in a git repository; quire.lock sits at a repository's root (run `git init` first, or use --user for your own lock in ~/.quire)",
                setup.cwd.display()
            );
            return EXIT_USAGE;
        };
        (root, Layout::Project)
    };
    let workspace = repo_root(&setup.cwd).unwrap_or_else(|| setup.cwd.clone());
    let mcp = match quire::mcp::load_specs(&setup.config, &workspace, Some(&workspace)) {
        Ok((specs, _)) => specs,
        Err(e) => {
            elistln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let ctx = ShareContext {
        root: root.clone(),
        layout,
        scratch: setup.home.join("cache").join("share"),
        mcp,
        allow_local: args.allow_local_sources,
        records: setup.home.join("state").join("share"),
        marketplaces: setup.home.join("marketplaces"),
    };
    match &args.command {
        ShareCommand::Add {
            source,
            reference,
            subdir,
            force,
        } => add(
            &ctx,
            (setup.config.project_trusted || args.user, &|| {
                super::agents::skill_names(&setup.config, &setup.home, &setup.cwd)
            }),
            &AddOptions {
                source: match share::Source::parse(source) {
                    share::Source::Path(p) => share::source::folder_from(&setup.cwd, &root, &p),
                    _ => source.clone(),
                },
                reference: reference.clone(),
                subdir: subdir.clone(),
                force: *force,
                marketplace: None,
                name: None,
                manifest: None,
            },
        ),
        ShareCommand::Sync { force } => sync(&setup, &ctx, *force),
        ShareCommand::Update { name, force, yes } => {
            super::share_update::run(&ctx, name.as_deref(), *force, *yes)
        }
        ShareCommand::Verify { json } => verify(&ctx, *json),
        ShareCommand::Remove { name, force } => remove(&setup, &ctx, name, *force),
        ShareCommand::List { json } => list(&ctx, *json),
    }
}

fn short(commit: Option<&str>) -> String {
    commit
        .map(|c| format!(" at {}", &c[..c.len().min(12)]))
        .unwrap_or_default()
}

/// For a plugin that asks for permissions: it runs only once accepted
/// (one that asks for none is loaded as is: nothing to say).
fn consent_note(ctx: &ShareContext, e: &Entry) {
    let file = share::lock::resolve(&ctx.root, &e.installed).join(MANIFEST_FILE);
    let asks_nothing = || manifest::load(&file).is_ok_and(|m| m.permissions.is_empty());
    if e.kind == Kind::Plugin && !asks_nothing() {
        let at = match ctx.layout {
            Layout::Project => e.installed.clone(),
            Layout::User => share::lock::resolve(&ctx.root, &e.installed)
                .display()
                .to_string(),
        };
        elistln!(
            "note: plugin {} runs only after you accept its permissions: `quire plugins add {at}`",
            e.name
        );
    }
}

/// What `quire plugins validate` would say of a bundle just added: the
/// parts it names are not loaded, and the user hears it now.
fn bundle_problems(ctx: &ShareContext, e: &Entry, seen: &dyn Fn() -> Vec<String>) {
    if e.kind != Kind::Bundle {
        return;
    }
    let dir = share::lock::resolve(&ctx.root, &e.installed);
    let seen = quire::plugins::bundle::validate::Seen::new(seen);
    super::plugins::notes::problems(&e.name, &dir, seen);
}

/// `text` with the user's lock named by its path (`quire.lock` alone
/// would read as the repository's).
pub(super) fn name_lock(ctx: &ShareContext, text: &str) -> String {
    if ctx.layout == Layout::Project {
        return text.to_string();
    }
    let path = ctx.root.join(share::lock::FILE).display().to_string();
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(share::lock::FILE) {
        let before = &rest[..i];
        out.push_str(before);
        let bare = !before.ends_with(['/', '.', '-']);
        out.push_str(if bare { &path } else { share::lock::FILE });
        rest = &rest[i + share::lock::FILE.len()..];
    }
    out.push_str(rest);
    out
}

/// Files of an entry at least this big are pointed out when it is added.
const LARGE_FILE: u64 = 10 * 1024 * 1024;

/// Points out the files of `e` of [`LARGE_FILE`] or more: in a
/// repository they are committed with it.
fn large_files(ctx: &ShareContext, e: &Entry) {
    let dir = share::lock::resolve(&ctx.root, &e.installed);
    for rel in e.files.keys() {
        let Ok(meta) = std::fs::metadata(dir.join(rel)) else {
            continue;
        };
        if meta.len() < LARGE_FILE {
            continue;
        }
        let mb = meta.len() / (1024 * 1024);
        let rel = quire::printable::quoted_name(rel);
        match ctx.layout {
            Layout::Project => listln!(
                "  note: {rel} is {mb} MB and is committed with the repository; keep large data out of shared skills"
            ),
            Layout::User => listln!("  note: {rel} is {mb} MB"),
        }
    }
}

/// `seen`: the skills a session here finds (the bundle's agents may name
/// them).
fn add(
    ctx: &ShareContext,
    (trusted, seen): (bool, &dyn Fn() -> Vec<String>),
    opts: &AddOptions,
) -> i32 {
    let before = share::LockFile::load(&ctx.root).ok();
    match share::add(ctx, opts) {
        Ok(entries) => {
            for e in &entries {
                let into = match ctx.layout {
                    Layout::Project => e.installed.clone(),
                    Layout::User => share::lock::resolve(&ctx.root, &e.installed)
                        .display()
                        .to_string(),
                };
                let (verb, was) = match before.as_ref().and_then(|l| share::other_source(l, e)) {
                    Some(old) => (
                        "replaced",
                        format!(" (was from {})", share::source_text(old)),
                    ),
                    None => ("added", String::new()),
                };
                listln!(
                    "{verb} {} {} from {}{} ({}) into {into}{was}",
                    e.kind.label(),
                    e.name,
                    e.source,
                    short(e.commit.as_deref()),
                    quire::plural::counted(e.files.len(), "file"),
                );
                // A bundle's hooks, MCP servers and grants run only once
                // approved, as `quire share update` says of new ones.
                let none = Entry {
                    hooks: Default::default(),
                    mcp_servers: Vec::new(),
                    grants: Vec::new(),
                    ..e.clone()
                };
                let dir = share::lock::resolve(&ctx.root, &e.installed);
                for change in share::bundle_entry::review_changes(&none, e, Some(&dir)) {
                    listln!("  needs approval: {change}");
                }
                consent_note(ctx, e);
                bundle_problems(ctx, e, seen);
                if e.kind == Kind::Bundle
                    && let Ok(cwd) = std::env::current_dir()
                {
                    super::plugins::notes::name_clash(
                        &share::lock::resolve(&ctx.root, &e.installed),
                        ctx.layout == Layout::User,
                        &cwd,
                    );
                }
                large_files(ctx, e);
            }
            match ctx.layout {
                Layout::Project => listln!("recorded in {}; commit it", share::lock::FILE),
                Layout::User => listln!(
                    "recorded in your own lock, {}",
                    ctx.root.join(share::lock::FILE).display()
                ),
            }
            if !trusted {
                elistln!(
                    "{}",
                    super::trust::ignored_here(&ctx.root, "what was added")
                );
            }
            EXIT_OK
        }
        Err(e) => {
            elistln!("error: {}", name_lock(ctx, &e.to_string()));
            EXIT_USAGE
        }
    }
}

fn sync(setup: &Setup, ctx: &ShareContext, force: bool) -> i32 {
    if ctx.layout == Layout::Project && !setup.config.project_trusted {
        elistln!(
            "error: {} is not a trusted repository; sync fetches what its quire.lock names, so trust it first (`quire trust`)",
            ctx.root.display()
        );
        return EXIT_USAGE;
    }
    let results = match share::sync(ctx, force) {
        Ok(r) => r,
        Err(e) => {
            elistln!("error: {}", name_lock(ctx, &e.to_string()));
            return EXIT_USAGE;
        }
    };
    let mut failed = 0;
    for (e, outcome) in &results {
        match outcome {
            Synced::Unchanged => listln!("unchanged {} {}", e.kind.label(), e.name),
            Synced::Restored => {
                listln!(
                    "restored {} {}{}",
                    e.kind.label(),
                    e.name,
                    short(e.commit.as_deref())
                );
                consent_note(ctx, e);
            }
            Synced::Failed(why) => {
                failed += 1;
                elistln!(
                    "failed {} {}: {}",
                    e.kind.label(),
                    e.name,
                    name_lock(ctx, why)
                );
            }
        }
    }
    if results.is_empty() {
        listln!("{} lists nothing to install", share::lock::FILE);
    }
    if failed > 0 { EXIT_FAILED } else { EXIT_OK }
}

fn verify(ctx: &ShareContext, json: bool) -> i32 {
    let results = match share::verify(&ctx.root, ctx.layout) {
        Ok(r) => r,
        Err(e) => {
            elistln!("error: {}", name_lock(ctx, &e.to_string()));
            return EXIT_USAGE;
        }
    };
    let mut drifted = 0;
    for (e, drift) in &results {
        let clean = drift.is_clean();
        if !clean {
            drifted += 1;
        }
        if json {
            println!(
                "{}",
                json!({
                    "kind": e.kind.label(),
                    "name": e.name,
                    "installed": e.installed,
                    "ok": clean,
                    "changed": drift.changed,
                    "missing": drift.missing,
                    "added": drift.added,
                    "not_a_folder": drift.not_a_folder,
                    "wrong_kind": drift.wrong_kind,
                    "manifest": drift.manifest,
                    "unreadable": drift.unreadable,
                })
            );
        } else if clean {
            listln!("ok       {} {}", e.kind.label(), e.name);
        } else {
            listln!(
                "drifted  {} {}: {}",
                e.kind.label(),
                e.name,
                drift.describe()
            );
        }
    }
    if results.is_empty() && !json {
        listln!("{} lists nothing to verify", share::lock::FILE);
    }
    if drifted > 0 {
        if !json {
            // `sync` never installs these: say what does, apart.
            let (tampered, drifts): (Vec<_>, Vec<_>) = results
                .iter()
                .filter(|(_, d)| !d.is_clean())
                .partition(|(_, d)| d.manifest.is_some());
            for (e, _) in &tampered {
                elistln!(
                    "{}: `quire share sync` does not install a plugin whose marketplace entry in quire.lock differs from it; {}",
                    e.name,
                    share::reinstall(e)
                );
            }
            let what = match drifts.len() {
                1 => "1 entry differs".to_string(),
                n => format!("{n} entries differ"),
            };
            if drifts.iter().any(|(_, d)| d.is_local()) {
                elistln!(
                    "{what} from quire.lock; `quire share sync --force` replaces local changes with the locked files (`quire share sync` alone installs only what is missing)"
                );
            } else if !drifts.is_empty() {
                let modes = drifts
                    .iter()
                    .any(|(_, d)| !d.executable.is_empty() || !d.not_executable.is_empty());
                let does = match modes {
                    true => "restores the locked files and modes",
                    false => "installs what is missing again",
                };
                elistln!("{what} from quire.lock; `quire share sync` {does}");
            }
        }
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

fn list(ctx: &ShareContext, json: bool) -> i32 {
    let lock = match LockFile::load(&ctx.root) {
        Ok(l) => l,
        Err(e) => {
            elistln!("error: {}", name_lock(ctx, &e.to_string()));
            return EXIT_USAGE;
        }
    };
    for e in &lock.entries {
        if json {
            let line = serde_json::to_string(e).unwrap_or_else(|_| "{}".into());
            println!("{}", quire::config::shown_url::shown_url(&line));
        } else {
            let at = e
                .reference
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            // As wide as the longest kind, "plugin bundle".
            listln!(
                "{:<13} {:<24} {}{at}{}  → {}",
                e.kind.label(),
                e.name,
                e.source,
                short(e.commit.as_deref()),
                e.installed
            );
        }
    }
    if lock.entries.is_empty() && !json {
        elistln!("nothing shared yet; `quire share add SOURCE` installs a skill or plugin");
    }
    EXIT_OK
}

/// `share remove`: the lock entry and folder, and what was accepted for
/// the plugin (its hooks' approvals, its MCP consent).
fn remove(setup: &Setup, ctx: &ShareContext, name: &str, force: bool) -> i32 {
    let scope = match ctx.layout {
        Layout::User => quire::plugins::bundle::BundleScope::User,
        Layout::Project => quire::plugins::bundle::BundleScope::Project,
    };
    let (found, _) = quire::plugins::bundle::installed_with_warnings(&setup.config, &setup.cwd);
    let forget = found
        .iter()
        .find(|i| i.bundle.name == name && i.scope == scope)
        .map(quire::plugins::bundle::forget::Forget::of);
    match share::remove(&ctx.root, ctx.layout, name, force) {
        Ok(kinds) => {
            if let Some(forget) = forget {
                match forget.apply(&setup.home) {
                    Ok(f) => super::plugins::bundles::say_forgotten(name, f),
                    Err(e) => elistln!(
                        "warning: {name} is removed, but what was accepted for it could not be forgotten: {e}"
                    ),
                }
            }
            for k in kinds {
                listln!("removed {} {name}", k.label());
            }
            EXIT_OK
        }
        Err(e) => {
            elistln!("error: {}", name_lock(ctx, &e.to_string()));
            EXIT_USAGE
        }
    }
}
