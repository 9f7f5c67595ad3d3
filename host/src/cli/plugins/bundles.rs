//! `quire plugins validate | install | enable | marketplace | search |
//! bundles`: plugin bundles and their marketplaces.

use std::path::{Path, PathBuf};

use quire::plugins::bundle::{self, validate::validate as check_bundle};
use quire::plugins::market;
use quire::share::{self, Layout, ShareContext};
use serde_json::json;

use super::ScopeArg;
use crate::cli::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

pub async fn validate<F, Fut>(
    cwd: &Path,
    path: &Path,
    seen: bundle::validate::Seen<'_>,
    load_components: F,
) -> i32
where
    F: FnOnce(Vec<PathBuf>) -> Fut,
    Fut: std::future::Future<Output = Vec<bundle::Problem>>,
{
    let root = cwd.join(path);
    if !root.is_dir() {
        if root.exists() {
            eprintln!(
                "error: {} is not a folder: pass the plugin's folder",
                root.display()
            );
        } else {
            eprintln!("error: no such folder: {}", root.display());
        }
        return EXIT_USAGE;
    }
    let mut v = check_bundle(&root, seen);
    if let Some(b) = &v.bundle {
        v.problems
            .extend(load_components(b.components.clone()).await);
    }
    if let Some(b) = &v.bundle {
        let layouts: Vec<&str> = b.layouts.iter().map(|l| l.label()).collect();
        println!(
            "{} ({}): {}, {} command(s), {} agent(s), {} hook file(s), {} MCP file(s), {} WASM component(s)",
            b.name,
            layouts.join(", "),
            quire::plural::counted(v.skills, "skill"),
            v.commands,
            v.agents,
            b.hooks.len(),
            b.mcp.len(),
            b.components.len()
        );
    }
    for n in &v.notes {
        eprintln!("note: {n}");
    }
    for w in &v.warnings {
        eprintln!("warning: {w}");
    }
    if v.problems.is_empty() {
        println!("valid");
        if !v.warnings.is_empty() {
            eprintln!("{}", v.counted());
        }
        return EXIT_OK;
    }
    for p in &v.problems {
        eprintln!("{p}");
    }
    eprintln!("{}", v.counted());
    EXIT_FAILED
}

pub fn install(
    home: &Path,
    cwd: &Path,
    spec: &str,
    (scope, config): (ScopeArg, &quire::config::Config),
    enable: bool,
    (force, yes): (bool, bool),
) -> i32 {
    let trusted = config.project_trusted;
    let seen =
        || bundle::validate::Seen::new(|| crate::cli::agents::skill_names(config, home, cwd));
    let (m, entry) = match market::store::find_plugin(home, spec) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    // A project's plugins are pinned in its quire.lock; the user's
    // (~/.agents/plugins) in the user's own lock, $QUIRE_HOME/quire.lock.
    let (root, layout) = match scope {
        ScopeArg::Project => (
            quire::agent::prompt::repo_root(cwd).unwrap_or_else(|| cwd.to_path_buf()),
            Layout::Project,
        ),
        ScopeArg::User => {
            if bundle::user_plugins_dir().is_none() {
                eprintln!("error: HOME is not set, so ~/.agents/plugins is unknown");
                return EXIT_USAGE;
            }
            if let Err(e) = share::legacy::migrate(home) {
                eprintln!("warning: {e}");
            }
            (home.to_path_buf(), Layout::User)
        }
    };
    // A `ref` on an entry whose url is a folder: the entry's, not a
    // `--ref` the user typed.
    if let market::EntrySource::Git {
        url,
        reference: Some(r),
        ..
    } = &entry.source
        && !matches!(share::Source::parse(url), share::Source::Git(_))
    {
        eprintln!(
            "error: marketplace {}'s entry {} has \"ref\": \"{r}\", which is for a git source, but its \"url\" {url} is a folder, taken as it is; the marketplace should write the url as a git URL (`file://` and an absolute path) or drop \"ref\"",
            m.name, entry.name
        );
        return EXIT_USAGE;
    }
    let mut opts = market::store::install_options(&m, &entry, force);
    if !m.is_git()
        && let share::Source::Path(p) = share::Source::parse(&opts.source)
    {
        opts.source = share::source::folder_from(&root, &root, &p);
    }
    let ctx = ShareContext {
        root: root.clone(),
        layout,
        scratch: home.join("tmp"),
        mcp: Vec::new(),
        // The user chose the marketplace this installs from.
        allow_local: true,
        records: home.join("state").join("share"),
        marketplaces: home.join("marketplaces"),
    };
    let _ = std::fs::create_dir_all(&ctx.scratch);
    let before = share::LockFile::load(&ctx.root).ok();
    let added = match share::add(&ctx, &opts) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    for e in &added {
        // Another source, or another ref of it (a marketplace entry
        // installed over another of the same plugin name, with --force).
        let other = before.as_ref().and_then(|l| {
            share::other_source(l, e).or_else(|| {
                l.find(e.kind, &e.name)
                    .filter(|old| old.reference != e.reference)
            })
        });
        let (verb, was) = match other {
            Some(old) => (
                "replaced",
                format!(
                    " (was from {}{})",
                    share::source_text(old),
                    old.reference
                        .as_deref()
                        .map(|r| format!(" at {r}"))
                        .unwrap_or_default()
                ),
            ),
            None => ("installed", String::new()),
        };
        println!(
            "{verb} {} {} into {} (pinned in {}){was}",
            e.kind.label(),
            e.name,
            share::lock::resolve(&root, &e.installed).display(),
            root.join(share::lock::FILE).display()
        );
        if e.name != entry.name {
            println!(
                "  note: marketplace entry {} is installed as plugin {}, the name its plugin.json gives; commands take that name (`quire plugins remove {}`)",
                entry.name, e.name, e.name
            );
        }
        let dir = share::lock::resolve(&root, &e.installed);
        let counts: Vec<(&String, (usize, usize))> = e
            .hooks
            .keys()
            .map(|f| (f, bundle::hook_paths::counted(&dir.join(f), &dir, home)))
            .collect();
        let files = |pick: &dyn Fn(usize, usize) -> bool| {
            let picked: Vec<&str> = counts
                .iter()
                .filter(|(_, (runs, refused))| pick(*runs, *refused))
                .map(|(f, _)| f.as_str())
                .collect();
            (!picked.is_empty()).then(|| picked.join(", "))
        };
        if let Some(live) = files(&|runs, _| runs > 0) {
            println!("  hooks: {live} — they run once approved (`quire hooks trust`)");
        }
        for (f, (_, refused)) in counts.iter().filter(|(_, (_, r))| *r > 0) {
            println!(
                "  hooks: {f} — {} refused, never run (the warnings below say why)",
                quire::plural::counted(*refused, "hook")
            );
        }
        if let Some(dead) = files(&|runs, refused| runs == 0 && refused == 0) {
            println!("  hooks: {dead} — no hook in it runs (the warnings below say why)");
        }
        if !e.mcp_servers.is_empty() {
            let refused: Vec<String> = bundle::detect(&dir)
                .map(|b| bundle::mcp::refused(&b, home))
                .unwrap_or_default()
                .into_iter()
                .map(|(s, _)| format!("{}_{s}", e.name))
                .collect();
            let (refused, runs): (Vec<&String>, Vec<&String>) =
                e.mcp_servers.iter().partition(|s| refused.contains(s));
            let join = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            if !runs.is_empty() {
                let state = match enable {
                    true => "enabled".to_string(),
                    false => format!("off until `quire plugins enable {}`", e.name),
                };
                println!("  MCP servers: {} ({state})", join(&runs));
            }
            if !refused.is_empty() {
                println!(
                    "  MCP servers: {} (refused: never started, enabled or not; the warnings below say why)",
                    join(&refused)
                );
            }
        }
        super::notes::problems(&e.name, &dir, seen());
        super::notes::name_clash(&dir, matches!(layout, Layout::User), cwd);
        if !super::notes::consent(home, &dir, yes) {
            return EXIT_FAILED;
        }
        if enable {
            let dir = share::lock::resolve(&root, &e.installed);
            let accepted = match bundle::detect(&dir) {
                Ok(b) => bundle::mcp::set_enabled(home, &b, true).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            if let Err(err) = accepted {
                eprintln!("error: cannot enable its MCP servers: {err}");
                return EXIT_FAILED;
            }
        }
    }
    if matches!(layout, Layout::Project) && !trusted {
        let note = crate::cli::trust::ignored_here(&root, "this plugin");
        eprintln!("{}", note.replacen("note:", "warning:", 1));
    }
    EXIT_OK
}

pub fn enable(home: &Path, cwd: &Path, name: &str, on: bool) -> i32 {
    // The repository's bundles count even before it is trusted: enabling
    // records the bundle's folder and the hash of its servers as they are
    // now (a later change waits for `enable` again).
    let found: Vec<bundle::InstalledBundle> = bundle::scan(Some(cwd)).0;
    let names: Vec<&str> = found.iter().map(|i| i.bundle.name.as_str()).collect();
    let mine: Vec<&bundle::InstalledBundle> =
        found.iter().filter(|i| i.bundle.name == name).collect();
    if !on {
        if mine.is_empty() && !bundle::mcp::is_enabled(home, name) {
            return no_such(name, &names);
        }
        return match bundle::mcp::disable(home, name) {
            Ok(()) => {
                println!("MCP servers of {name}: disabled");
                EXIT_OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                EXIT_FAILED
            }
        };
    }
    if mine.is_empty() {
        return no_such(name, &names);
    }
    for i in mine {
        if let Err(e) = bundle::mcp::set_enabled(home, &i.bundle, true) {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
        println!(
            "MCP servers of {name} ({}): enabled as they are now",
            i.bundle.root.display()
        );
        for line in quire::config::trust_review::bundle_mcp_lines(&i.bundle, home) {
            println!("  {}", line.text);
            if line.refused && !line.name.is_empty() {
                eprintln!(
                    "warning: MCP server '{}' of {name} is refused and never runs (said above)",
                    line.name
                );
            }
        }
    }
    EXIT_OK
}

fn no_such(name: &str, names: &[&str]) -> i32 {
    eprintln!("error: no installed plugin is named '{name}'");
    if names.is_empty() {
        eprintln!("  no plugins are installed; `quire plugins install NAME` installs one");
    } else {
        eprintln!("  installed: {}", names.join(", "));
    }
    EXIT_USAGE
}

pub fn list(config: &quire::config::Config, cwd: &Path, json: bool) -> i32 {
    let (found, warnings) = bundle::installed_with_warnings(config, cwd);
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let untrusted = super::untrusted::bundles(config, cwd);
    let names = std::cell::OnceCell::new();
    let marked = found.iter().map(|i| (i, false));
    for (i, not_trusted) in marked.chain(untrusted.iter().map(|i| (i, true))) {
        let b = &i.bundle;
        let layouts: Vec<&str> = b.layouts.iter().map(|l| l.label()).collect();
        let (state, fix) = if not_trusted {
            (super::untrusted::STATE, Some(super::untrusted::note(cwd)))
        } else {
            (state(i), i.drift.as_ref().map(|why| fix(&b.name, why)))
        };
        let (problems, warnings) = if not_trusted {
            (0, 0)
        } else {
            problem_count(i, seen_once(config, cwd, &names))
        };
        if json {
            println!(
                "{}",
                json!({"name": b.name, "scope": i.scope.label(), "layouts": layouts, "path": b.root,
                       "state": state, "problems": problems, "warnings": warnings, "drift": i.drift, "fix": fix,
                       "skills": b.skills, "commands": b.commands, "agents": b.agents, "hooks": b.hooks,
                       "mcp": b.mcp.iter().map(|m| &m.path).collect::<Vec<_>>(), "components": b.components})
            );
        } else {
            println!(
                "{:<24} {:<8} {:<9} {:<28} {}",
                b.name,
                i.scope.label(),
                state_shown(state, problems, warnings),
                layouts.join(","),
                b.root.display()
            );
            if not_trusted {
                println!("  {}", super::untrusted::note(cwd));
                continue;
            }
            if let Some(why) = &i.drift {
                println!("  not loaded: {why}; {}", fix.unwrap_or_default());
            }
            for p in &b.not_loaded {
                println!("  not loaded: {p}");
            }
            if problems + warnings > 0 {
                println!("  {}", problems_note(&b.root));
            }
        }
    }
    EXIT_OK
}

/// How many problems and warnings `quire plugins validate` lists for an
/// installed bundle (none for a drifted one: it is not loaded). Starts
/// from the bundle as loaded; only its parts are read again.
fn problem_count(i: &bundle::InstalledBundle, seen: bundle::validate::Seen) -> (usize, usize) {
    if i.drift.is_some() {
        return (0, 0);
    }
    let v = bundle::validate::validate_bundle(i.bundle.clone(), seen);
    (v.problems.len(), v.warnings.len())
}

/// The skills a session in `cwd` sees, for the agents of the bundles
/// listed: found once (in `names`), when one names a skill not its
/// plugin's.
fn seen_once<'a>(
    config: &'a quire::config::Config,
    cwd: &'a Path,
    names: &'a std::cell::OnceCell<Vec<String>>,
) -> bundle::validate::Seen<'a> {
    bundle::validate::Seen::new(move || {
        names
            .get_or_init(|| {
                crate::cli::agents::skill_names(config, &quire::config::quire_home(), cwd)
            })
            .clone()
    })
}

/// The state, with the count of problems and of warnings when there are
/// any (`ok, 8 problems, 1 warning`).
fn state_shown(state: &str, problems: usize, warnings: usize) -> String {
    let mut out = state.to_string();
    for (n, what) in [(problems, "problem"), (warnings, "warning")] {
        match n {
            0 => {}
            1 => out.push_str(&format!(", 1 {what}")),
            n => out.push_str(&format!(", {n} {what}s")),
        }
    }
    out
}

/// Where to read them.
fn problems_note(root: &Path) -> String {
    format!(
        "its problems and warnings: see them with `quire plugins validate {}`",
        root.display()
    )
}

fn state(i: &bundle::InstalledBundle) -> &'static str {
    if i.drift.is_some() {
        "drifted"
    } else if !i.bundle.not_loaded.is_empty() {
        "partial"
    } else {
        "ok"
    }
}

fn fix(name: &str, why: &str) -> String {
    bundle::drift::fix_hint(name, why)
}

/// The installed bundles' rows of `quire plugins list` (a drifted one
/// says why it is not loaded and what fixes it); how many there are.
pub fn rows(config: &quire::config::Config, cwd: &Path, json: bool) -> usize {
    let (found, _) = bundle::installed_with_warnings(config, cwd);
    for w in bundle::name_clashes(config, cwd) {
        elistln!("warning: {w}");
    }
    let names = std::cell::OnceCell::new();
    for i in &found {
        let name = &i.bundle.name;
        let (problems, warnings) = problem_count(i, seen_once(config, cwd, &names));
        if json {
            println!(
                "{}",
                json!({"name": name, "kind": "bundle", "scope": i.scope.label(),
                       "state": state(i), "problems": problems, "warnings": warnings, "drift": i.drift, "fix": i.drift.as_ref().map(|why| fix(name, why)),
                       "path": i.bundle.root})
            );
        } else if let Some(why) = &i.drift {
            listln!(
                "{name:<24} drifted: plugin bundle not loaded, {why}; {}",
                fix(name, why)
            );
        } else {
            listln!(
                "{name:<24} plugin bundle ({}), {}: {}",
                i.scope.label(),
                state_shown(state(i), problems, warnings),
                i.bundle.root.display()
            );
            for p in &i.bundle.not_loaded {
                listln!("  not loaded: {p}");
            }
            if problems + warnings > 0 {
                listln!("  {}", problems_note(&i.bundle.root));
            }
        }
    }
    let untrusted = super::untrusted::bundles(config, cwd);
    for i in &untrusted {
        let name = &i.bundle.name;
        let note = super::untrusted::note(cwd);
        if json {
            println!(
                "{}",
                json!({"name": name, "kind": "bundle", "scope": i.scope.label(),
                       "state": super::untrusted::STATE, "fix": note, "path": i.bundle.root})
            );
        } else {
            listln!(
                "{name:<24} plugin bundle ({}), {}: {}",
                i.scope.label(),
                super::untrusted::STATE,
                i.bundle.root.display()
            );
            listln!("  {note}");
        }
    }
    found.len() + untrusted.len()
}

/// Removes the installed bundle `name` the way `quire share remove` does
/// (its lock entry and folder, refused on local changes unless `force`);
/// `None` when no bundle has that name.
pub fn remove(
    config: &quire::config::Config,
    home: &Path,
    cwd: &Path,
    name: &str,
    force: bool,
) -> Option<i32> {
    let (found, _) = bundle::installed_with_warnings(config, cwd);
    let i = found.iter().find(|i| i.bundle.name == name)?;
    let (root, layout, flag) = match i.scope {
        bundle::BundleScope::Project => (
            quire::agent::prompt::repo_root(cwd).unwrap_or_else(|| cwd.to_path_buf()),
            Layout::Project,
            "",
        ),
        bundle::BundleScope::User => {
            if let Err(e) = share::legacy::migrate(home) {
                eprintln!("warning: {e}");
            }
            (home.to_path_buf(), Layout::User, " --user")
        }
    };
    let forget = bundle::forget::Forget::of(i);
    Some(match share::remove(&root, layout, name, force) {
        Ok(kinds) => {
            match forget.apply(home) {
                Ok(f) => say_forgotten(name, f),
                Err(e) => eprintln!(
                    "warning: {name} is removed, but what was accepted for it could not be forgotten: {e}; `quire hooks trust` and `quire plugins enable {name} --off` forget it"
                ),
            }
            for k in kinds {
                println!(
                    "removed {} {name} ({} scope): {}",
                    k.label(),
                    i.scope.label(),
                    i.bundle.root.display()
                );
            }
            // A copy of that name in the other scope was left out while
            // this one was there; now it is the one loaded.
            let (left, _) = bundle::installed_with_warnings(config, cwd);
            if let Some(other) = left.iter().find(|o| o.bundle.name == name) {
                println!(
                    "a plugin named {name} remains in the {} scope and is loaded from now on: {} (`quire plugins remove {name}` again removes it too)",
                    other.scope.label(),
                    other.bundle.root.display()
                );
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!(
                "error: plugin bundle {name} ({}): {e}",
                i.bundle.root.display()
            );
            eprintln!(
                "  `quire share remove{flag} {name}` is the same; a folder not installed by quire is deleted by hand"
            );
            EXIT_USAGE
        }
    })
}

/// What removing `name` forgot, said when there was anything.
pub fn say_forgotten(name: &str, f: bundle::forget::Forgotten) {
    if f.hook_approvals > 0 {
        println!(
            "forgot {} hook approval(s) of {name}: its hooks no longer run or guard",
            f.hook_approvals
        );
    }
    if f.mcp_consents > 0 {
        println!(
            "forgot the consent to the MCP servers of {name}: installed again, they stay off until `quire plugins enable {name}`"
        );
    }
}
