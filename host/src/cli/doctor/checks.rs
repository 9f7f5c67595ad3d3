//! The local checks: config files and trust, the sandbox, MCP servers,
//! plugins, skills and caches.

use std::path::Path;

use quire::agent::EventSink;
use quire::agent::prompt::repo_root;
use quire::config::Config;
use quire::mcp::{McpManager, load_specs};
use quire::plugins::discover;
use quire::plugins::session::load_one;
use quire::plural::counted;
use quire::tools::sandbox;

use super::Check;
use crate::cli::setup::Setup;

/// Whether the current repository is trusted (its own settings used),
/// and how to change it.
fn trust(setup: &Setup, workspace: &Path) -> Check {
    use quire::config::trust::{TrustLevel, decide_in};
    let shown = workspace.display();
    if repo_root(&setup.cwd).is_none() {
        return Check::ok(
            "trust",
            format!(
                "{shown} is not in a git repository; a repository's own settings are read only once it is trusted (`quire trust` in it)"
            ),
        );
    }
    if setup.config.project_settings_changed {
        return Check::ok(
            "trust",
            format!(
                "{shown} is trusted, but its settings changed since (see below); `quire trust --revoke` stops trusting it"
            ),
        );
    }
    if setup.config.project_trusted {
        return Check::ok(
            "trust",
            format!(
                "{shown} is trusted: its own settings are used; `quire trust --revoke` stops trusting it"
            ),
        );
    }
    match decide_in(&setup.config.projects, workspace) {
        Some(TrustLevel::Untrusted) => Check::ok(
            "trust",
            format!(
                "{shown} is marked untrusted (`quire trust --deny`): its own settings are ignored; `quire trust` there trusts it"
            ),
        ),
        _ => Check::ok(
            "trust",
            format!(
                "{shown} is not trusted: its own settings are ignored; `quire trust` there trusts it"
            ),
        ),
    }
}

/// `notify`, when set: what runs after every turn and where it is set;
/// a program that cannot be found is a warning.
fn notify(setup: &Setup) -> Option<Check> {
    let program = setup.config.notify.first()?;
    // The last layer that set it wins.
    let by = setup
        .sources
        .iter()
        .rfind(|s| s.keys.iter().any(|k| k == "notify"))
        .map_or_else(String::new, |s| format!(" (set in {})", s.origin));
    let shown = quire::printable::shown_command(&setup.config.notify.join(" ")).into_owned();
    let found = if program.contains('/') {
        Path::new(program).is_file()
    } else {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
    };
    Some(if found {
        Check::ok(
            "config",
            format!(
                "notify: `{shown}` runs after every turn, outside the sandbox, with the turn as JSON in its last argument{by}"
            ),
        )
    } else {
        Check::warn(
            "config",
            format!(
                "notify: `{}` is not a program here (no such file, nor on PATH){by}; no notification is sent after turns",
                quire::printable::shown_command(program)
            ),
            "install the program, or fix or remove `notify` in that file",
        )
    })
}

pub fn config(setup: &Setup) -> Vec<Check> {
    let mut out = Vec::new();
    let user = setup.home.join("config.toml");
    if user.exists() {
        out.push(Check::ok("config", format!("{} (yours)", user.display())));
    } else {
        out.push(Check::warn(
            "config",
            format!("no {}; quire runs on its defaults", user.display()),
            "run `quire` in a terminal for the first-run setup, or write the file (see the README)",
        ));
    }
    if !setup.config.codex_names.is_empty() {
        out.push(Check::ok(
            "config",
            format!(
                "read with Codex CLI's names: {} (README: \"Coming from Codex CLI\")",
                setup.config.codex_names.join(", ")
            ),
        ));
    }
    out.extend(notify(setup));
    let workspace = repo_root(&setup.cwd).unwrap_or_else(|| setup.cwd.clone());
    out.push(trust(setup, &workspace));
    let project = workspace.join(".quire/config.toml");
    let found = quire::config::trust::project_settings(&workspace);
    if setup.config.project_trusted {
        if project.exists() {
            out.push(Check::ok(
                "config",
                format!("{} (trusted repository)", project.display()),
            ));
        }
    } else if !found.is_empty() {
        out.push(Check::warn(
            "config",
            format!(
                "{} is not trusted, so its own settings are ignored: {}",
                workspace.display(),
                found.join(", ")
            ),
            "`quire trust` there, once you have read them",
        ));
    }
    for w in &setup.warnings {
        if w.contains("not a trusted repository")
            || super::claude::is_about(&setup.config.claude, w)
        {
            continue;
        }
        let fix = if w.contains("(Codex") {
            "keep it if Codex reads this file too, else remove it (README: \"Coming from Codex CLI\")"
        } else {
            "remove or rename the key (the README lists every key)"
        };
        out.push(Check::warn("config", w.clone(), fix));
    }
    out
}

pub fn sandbox(config: &Config) -> Check {
    match sandbox::check_support(config.sandbox, config.network) {
        Ok(()) => Check::ok(
            "sandbox",
            format!(
                "{} can be enforced here (network {}, Unix sockets {}{})",
                config.sandbox,
                if config.network { "on" } else { "off" },
                if config.unix_sockets || config.sandbox == sandbox::SandboxMode::DangerFullAccess {
                    "on"
                } else {
                    "off: set unix_sockets = true for docker, systemd-run, ssh-agent"
                },
                sysv_ipc(config.sandbox)
            ),
        ),
        Err(e) => Check::fail(
            "sandbox",
            e.to_string(),
            "use a kernel with Landlock (Linux 5.13+), or --sandbox danger-full-access inside a VM or container",
        ),
    }
}

/// What sandboxed commands get of SysV IPC here, after a semicolon.
fn sysv_ipc(mode: sandbox::SandboxMode) -> &'static str {
    use quire::tools::ipc_ns::{Isolation, probe};
    if mode == sandbox::SandboxMode::DangerFullAccess {
        return "";
    }
    match probe() {
        Isolation::Namespace => "; SysV IPC: each command its own",
        Isolation::Refused => {
            "; SysV IPC refused: no IPC namespace without CAP_SYS_ADMIN, so programs using SysV shared memory (PostgreSQL) fail in the sandbox"
        }
    }
}

pub async fn mcp(setup: &Setup) -> Vec<Check> {
    let root = repo_root(&setup.cwd);
    let workspace = root.clone().unwrap_or_else(|| setup.cwd.clone());
    let specs = match load_specs(&setup.config, &workspace, root.as_deref()) {
        Ok((specs, warnings)) => {
            let mut out: Vec<Check> = warnings
                .into_iter()
                .map(|w| Check::warn("mcp", w, "fix the server's entry"))
                .collect();
            if specs.is_empty() {
                out.push(Check::ok("mcp", "no MCP servers configured"));
                return out;
            }
            (specs, out)
        }
        Err(e) => {
            return vec![Check::fail(
                "mcp",
                e.to_string(),
                "fix [mcp_servers] in config.toml or the project's .mcp.json",
            )];
        }
    };
    let (specs, mut out) = specs;
    let manager = McpManager::start(specs, EventSink::null());
    manager.wait_all().await;
    for r in manager.reports() {
        if r.state == "ready" {
            out.push(Check::ok(
                "mcp",
                format!("{}: {}", r.name, counted(r.tools, "tool")),
            ));
        } else if r.state == "disabled" {
            out.push(Check::ok("mcp", format!("{}: disabled", r.name)));
        } else {
            let why = r
                .last_error
                .as_deref()
                .and_then(|e| e.lines().next())
                .unwrap_or("it did not start")
                .to_string();
            // A server that asks for a sign-in needs no other fix.
            let fix = if why.contains("quire mcp login") {
                format!("sign in: `quire mcp login {}`", shell_word(&r.name))
            } else {
                format!(
                    "`quire mcp list` shows its stderr; fix or remove it (`quire mcp remove {}`)",
                    shell_word(&r.name)
                )
            };
            out.push(Check::fail(
                "mcp",
                format!("{} ({}): {why}", r.name, r.target),
                fix,
            ));
        }
    }
    out
}

/// `word` as one shell word: quoted unless it is plain (names loaded from
/// files written by hand may hold spaces or `!`).
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:@".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

pub async fn plugins(setup: &Setup) -> Vec<Check> {
    let workspace = repo_root(&setup.cwd).unwrap_or_else(|| setup.cwd.clone());
    let project = Some(workspace.as_path()).filter(|_| setup.config.project_trusted);
    let d = discover::discover(&setup.home, project, &setup.config.plugins);
    let mut out: Vec<Check> = d
        .warnings
        .iter()
        .map(|w| Check::warn("plugins", w.clone(), "fix or remove that plugin"))
        .collect();
    let (bundles, warnings) =
        quire::plugins::bundle::installed_with_warnings(&setup.config, &setup.cwd);
    for w in warnings {
        out.push(Check::warn(
            "plugins",
            w,
            "fix or remove that plugin bundle",
        ));
    }
    if d.found.is_empty() && bundles.is_empty() && out.is_empty() {
        out.push(Check::ok("plugins", "no plugins installed"));
    }
    for b in &bundles {
        let name = &b.bundle.name;
        let what = format!("{name}: plugin bundle ({})", b.scope.label());
        for p in quire::plugins::bundle::hook_scripts::problems(&b.bundle) {
            out.push(Check::warn(
                "plugins",
                format!("{name}: {p}"),
                format!(
                    "as said; then `quire plugins validate {}` checks the plugin again",
                    shell_word(&b.bundle.root.display().to_string())
                ),
            ));
        }
        out.push(match &b.drift {
            None => Check::ok("plugins", format!("{what}, loaded")),
            Some(why) => Check::warn(
                "plugins",
                format!("{what} not loaded: {why}"),
                quire::plugins::bundle::drift::fix_hint(name, why),
            ),
        });
    }
    for f in &d.found {
        let name = &f.manifest.name;
        match load_one(f, &setup.home, workspace.clone()).await {
            Ok(p) => out.push(Check::ok(
                "plugins",
                format!("{name}: compiles, {}", counted(p.tools.len(), "tool")),
            )),
            Err(e) => out.push(Check::fail(
                "plugins",
                format!("{name}: {e}"),
                format!("rebuild it, or `quire plugins remove {name}`"),
            )),
        }
    }
    out
}

pub fn skills(setup: &Setup) -> Vec<Check> {
    if !setup.config.skills.enabled {
        return vec![Check::ok(
            "skills",
            "skills are turned off (skills.enabled)",
        )];
    }
    let d = crate::cli::skills::find(setup);
    let mut out = vec![Check::ok(
        "skills",
        format!("{} in effect", counted(d.skills.len(), "skill")),
    )];
    for s in &d.skills {
        for w in &s.warnings {
            out.push(Check::warn(
                "skills",
                format!("{}: {w}", s.name),
                format!(
                    "quire skills validate {} shows every problem",
                    s.dir.display()
                ),
            ));
        }
        if let Some(d) = &s.drift {
            out.push(Check::warn(
                "skills",
                format!("{}: {d}", s.name),
                "quire share sync --force",
            ));
        }
    }
    for s in d.shadowed.iter().filter(|s| !s.same_file) {
        out.push(Check::warn(
            "skills",
            format!(
                "{} at {} is shadowed by {}",
                s.skill.name,
                s.skill.dir.display(),
                s.by.display()
            ),
            "rename one of them if both should be used",
        ));
    }
    for s in &d.skipped {
        out.push(Check::warn(
            "skills",
            format!("{} was skipped: {}", s.path.display(), s.reason),
            "quire skills validate on it says how to fix it",
        ));
    }
    out
}

pub fn caches(setup: &Setup) -> Vec<Check> {
    let sessions = setup
        .config
        .sessions_dir
        .clone()
        .unwrap_or_else(|| setup.home.join("sessions"));
    [
        (
            "skills index cache",
            quire::skills::select::cache::dir_in(&setup.home),
        ),
        (
            "plugin code cache",
            quire::plugins::cache::default_dir(&setup.home),
        ),
        ("sessions", sessions),
    ]
    .into_iter()
    .map(|(what, dir)| {
        let (files, bytes) = size_of(&dir);
        Check::ok(
            "caches",
            format!(
                "{what}: {} in {} at {}",
                human_bytes(bytes),
                counted(files, "file"),
                dir.display()
            ),
        )
    })
    .collect()
}

fn size_of(dir: &Path) -> (usize, u64) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(n, b), e| {
            (n + 1, b + e.metadata().map(|m| m.len()).unwrap_or(0))
        })
}

fn human_bytes(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => counted(b, "byte"),
    }
}
