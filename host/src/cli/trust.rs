//! `quire trust`: mark a repository (or a folder of them) trusted, so its
//! own settings are used, or untrusted; list the entries.

use std::path::{Path, PathBuf};

use clap::Args;
use quire::agent::prompt::repo_root;
use quire::config::trust::{self, TrustLevel};
use quire::config::{self};

use super::args::GlobalArgs;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// Trust a repository so quire uses its own settings: `.quire/config.toml`,
/// `.mcp.json` (which starts programs), project skills and
/// `.quire/plugins`. Until then quire ignores them and says so. Trusting a
/// folder trusts every repository inside it, not repositories nested in
/// another (a vendored clone, a submodule). Recorded in
/// ~/.quire/config.toml as `[projects."PATH"] trust = "trusted"`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  quire trust                 # the current repository
  quire trust ~/work          # every repository under ~/work (not nested ones)
  quire trust --deny          # ignore this repository's settings and stop asking
  quire trust --list

Until a repository is trusted, quire ignores its .quire/config.toml, .mcp.json,
project skills and .quire/plugins (and says so); AGENTS.md is always read.")]
pub struct TrustArgs {
    /// The repository or folder (default: the current repository, or the
    /// current directory outside one).
    pub path: Option<PathBuf>,
    /// Mark it untrusted (its settings are ignored and the interactive
    /// session does not ask again).
    #[arg(long, conflicts_with_all = ["revoke", "list"])]
    pub deny: bool,
    /// Remove its entry (back to not trusted, asked again).
    #[arg(long, conflicts_with = "list")]
    pub revoke: bool,
    /// Show every trusted and untrusted folder.
    #[arg(long)]
    pub list: bool,
}

pub fn run(global: &GlobalArgs, args: &TrustArgs) -> i32 {
    let home = config::quire_home();
    let file = home.join("config.toml");
    if args.list {
        return list(&file);
    }
    let target = match target(global, args.path.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let level = if args.revoke {
        None
    } else if args.deny {
        Some(TrustLevel::Untrusted)
    } else {
        Some(TrustLevel::Trusted)
    };
    // What would be used must load: a mistake found now, not at the next
    // command (the settings are not trusted until it is fixed).
    if level == Some(TrustLevel::Trusted) {
        match check_settings(&home, &target) {
            // Keys its config sets that do nothing: shown to whoever is
            // reviewing the settings now.
            Ok(warnings) => {
                for w in warnings {
                    eprintln!("warning: {w}");
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                eprintln!("{}", not_trusted(&target));
                return EXIT_USAGE;
            }
        }
    }
    if let Err(e) = trust::record(&file, &target, level) {
        eprintln!("error: {e}");
        return EXIT_FAILED;
    }
    // Trusting takes the settings as they are now (see config::seal).
    if level == Some(TrustLevel::Trusted)
        && let Err(e) = quire::config::seal::record(&home, &target)
    {
        eprintln!("error: {e}");
        return EXIT_FAILED;
    }
    let found = trust::project_settings(&target);
    let uses = if found.is_empty() {
        String::new()
    } else {
        format!(" ({})", found.join(", "))
    };
    match level {
        Some(TrustLevel::Trusted) => {
            println!("trusted {}: its settings{uses} are used", target.display());
            let notable = quire::config::trust_review::notable_settings(&target);
            if !notable.is_empty() {
                println!("what they change:");
                for line in notable {
                    println!("  {line}");
                }
            }
        }
        Some(TrustLevel::Untrusted) => println!(
            "untrusted {}: its settings{uses} are ignored",
            target.display()
        ),
        None => println!(
            "removed {}: its settings are ignored until you trust it",
            target.display()
        ),
    }
    EXIT_OK
}

/// What is said after settings that do not load: not trusted, and how on.
fn not_trusted(target: &Path) -> String {
    format!(
        "{} is not trusted: fix the mistake above, then run `quire trust` again",
        target.display()
    )
}

/// [`check_settings`] for the trust question: the mistake, then that
/// `target` is not trusted (else every later run would stop on it).
pub(crate) fn loadable(home: &Path, target: &Path) -> Result<(), String> {
    check_settings(home, target)
        .map(|_| ())
        .map_err(|e| format!("{e}\n{}", not_trusted(target)))
}

/// The warnings about `target`'s own config (unknown keys, with file,
/// line and "did you mean"), for the trust question; none when it does
/// not load (the question's answer says that).
pub(crate) fn repo_warnings(home: &Path, target: &Path) -> Vec<String> {
    check_settings(home, target).unwrap_or_default()
}

/// Loads `target`'s own settings as a trusted repository would:
/// `.quire/config.toml` and `.mcp.json`, as they are now (also when it
/// was trusted before with other settings). Returns the warnings about
/// its `.quire/config.toml`, in the order of its lines.
fn check_settings(home: &Path, target: &Path) -> Result<Vec<String>, String> {
    let opts = config::LoadOptions {
        home: home.to_path_buf(),
        repo_root: Some(target.to_path_buf()),
        workspace: None,
        overrides: Vec::new(),
        profile: None,
    };
    let (config, warnings) = config::load_to_trust(&opts).map_err(|e| e.to_string())?;
    quire::mcp::load_specs(&config, target, Some(target)).map_err(|e| e.to_string())?;
    let own = target.join(".quire").join("config.toml");
    let own = own.display().to_string();
    Ok(warnings
        .into_iter()
        .filter(|w| w.starts_with(&own))
        .collect())
}

/// The folder to record: PATH, or the repository of `--cd`/the cwd.
fn target(global: &GlobalArgs, path: Option<&Path>) -> Result<PathBuf, String> {
    let cwd = match &global.cd {
        Some(d) => d.clone(),
        None => std::env::current_dir()
            .map_err(|e| format!("cannot read the current directory: {e}"))?,
    };
    let dir = match path {
        Some(p) => cwd.join(p),
        None => repo_root(&cwd).unwrap_or(cwd),
    };
    if !dir.is_dir() {
        return Err(format!(
            "{} is not a folder; give the repository to trust",
            dir.display()
        ));
    }
    Ok(trust::canonical(&dir))
}

fn list(file: &Path) -> i32 {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return EXIT_FAILED;
        }
    };
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {} is not valid TOML: {e}", file.display());
            return EXIT_USAGE;
        }
    };
    let projects = table.get("projects").and_then(|v| v.as_table());
    let mut any = false;
    for (path, entry) in projects.into_iter().flatten() {
        if let Some(level) = entry.get("trust").and_then(|v| v.as_str()) {
            println!("{level:<9}  {path}");
            any = true;
        }
    }
    if !any {
        println!("no repository is trusted yet; run `quire trust` in one");
    }
    EXIT_OK
}

/// The note after creating something a repository's own settings hold
/// (a project skill, a shared skill or plugin) while it is not trusted.
pub(super) fn ignored_here(root: &Path, what: &str) -> String {
    ignored_kinds(root, "skills and plugins", what)
}

/// [`ignored_here`] for other kinds of project files (`kinds`: "agents").
pub(super) fn ignored_kinds(root: &Path, kinds: &str, what: &str) -> String {
    format!(
        "note: {} is not a trusted repository, so quire ignores its project {kinds}, {what} included, until you run `quire trust` there",
        root.display()
    )
}

/// The note for `quire agents|commands` in an untrusted repository whose
/// project folders (`folders`, relative to `root`) hold files: they exist,
/// and are not used until trusted. `None` when trusted or none exist.
pub(super) fn unused_folders(
    root: &Path,
    trusted: bool,
    folders: &[&str],
    kinds: &str,
) -> Option<String> {
    if trusted {
        return None;
    }
    let present: Vec<&str> = folders
        .iter()
        .copied()
        .filter(|f| std::fs::read_dir(root.join(f)).is_ok_and(|mut d| d.next().is_some()))
        .collect();
    if present.is_empty() {
        return None;
    }
    Some(format!(
        "note: {} is not a trusted repository, so quire ignores its project {kinds} ({}) until you run `quire trust` there",
        root.display(),
        present.join(", ")
    ))
}
