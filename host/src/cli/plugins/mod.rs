//! `quire plugins list|inspect|add|remove|new|call` (WASM components) and
//! `validate|install|enable|marketplace|search|bundles` (plugin bundles).

pub(crate) mod bundles;
mod marketplaces;
pub(super) mod notes;
mod show;
mod tool_schemas;
mod untrusted;

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use quire::agent::prompt::repo_root;
use quire::plugins::consent::{ConsentStatus, ConsentStore};
use quire::plugins::discover::{self, Found, Scope};
use quire::plugins::install::{self, InstallScope};
use quire::plugins::session::load_one;
use quire::plugins::{LoadedPlugin, scaffold, tool_name};
use serde_json::json;

use super::args::GlobalArgs;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use show::{ask_consent, call, inspect};

#[derive(Debug, Args)]
pub struct PluginsArgs {
    #[command(subcommand)]
    pub command: PluginsCommand,
}

#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// Show the plugins quire finds: name, version, scope, consent, folder.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Load a plugin (a folder, a plugin.toml or an installed NAME) and show its world
    /// version, tools with schemas, permissions and limits.
    Inspect {
        /// A plugin folder, its plugin.toml, or the name of an installed plugin.
        #[arg(value_name = "PATH|NAME")]
        target: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Check a plugin, show the permissions it asks for, ask for consent and install it.
    Add {
        /// The plugin folder (or its plugin.toml).
        path: PathBuf,
        /// Accept the requested permissions without asking (for scripts).
        #[arg(long)]
        yes: bool,
        /// Install for this user (~/.quire/plugins) or this repository (.quire/plugins).
        #[arg(long, value_enum, default_value = "user")]
        scope: ScopeArg,
    },
    /// Uninstall a plugin (or a plugin bundle, with its quire.lock entry) and forget the permissions you accepted for it.
    Remove {
        /// The plugin's name, as `quire plugins list` shows it.
        name: String,
        /// Remove a bundle even when its installed files have local changes.
        #[arg(long)]
        force: bool,
    },
    /// Create a new plugin crate (Rust, quire-sdk) named NAME.
    New {
        /// The plugin's name: lowercase letters, digits and hyphens (also the crate's name).
        name: String,
        /// Where to create it (default: the current directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Run one tool of a plugin directly, for plugin authors.
    Call {
        /// A plugin folder, its plugin.toml, or the name of an installed plugin.
        #[arg(value_name = "PATH|NAME")]
        target: String,
        /// The tool: its own name or the PLUGIN__TOOL name `inspect` and sessions show.
        tool: String,
        /// The arguments, a JSON object.
        #[arg(default_value = "{}")]
        arguments: String,
        /// Grant the requested permissions for this call without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Check a plugin bundle (Agent Plugins 1.0, Claude Code, Codex, plugin.toml): manifests, skills, commands, hooks, MCP declarations; exit 1 with every problem and its file.
    Validate {
        /// The plugin folder.
        path: PathBuf,
    },
    /// Install a plugin from an added marketplace, pinned in quire.lock.
    Install {
        /// NAME or NAME@MARKETPLACE.
        #[arg(value_name = "NAME[@MARKETPLACE]")]
        name: String,
        /// This repository (.agents/plugins/NAME, its quire.lock) or this user (~/.agents/plugins/NAME).
        #[arg(long, value_enum, default_value = "project")]
        scope: ScopeArg,
        /// Enable the plugin's MCP servers now (they stay off until enabled).
        #[arg(long)]
        enable: bool,
        /// Replace a folder of the same name that was not installed this way.
        #[arg(long)]
        force: bool,
        /// Accept the grants its WASM components ask for without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Enable (or with --off disable) the MCP servers of an installed plugin.
    Enable {
        /// The plugin's name.
        name: String,
        /// Disable them instead.
        #[arg(long)]
        off: bool,
    },
    /// Plugin marketplaces: add, list and remove them.
    Marketplace {
        #[command(subcommand)]
        command: marketplaces::MarketplaceCommand,
    },
    /// Search the plugins of the added marketplaces.
    Search {
        /// Words describing what you need.
        text: String,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// The installed plugin bundles: name, layouts, scope and what each carries.
    Bundles {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScopeArg {
    User,
    Project,
}

struct Ctx {
    home: PathBuf,
    cwd: PathBuf,
    workspace: PathBuf,
    /// The repository is trusted: its `.quire/plugins` count.
    project: bool,
    config: quire::plugins::PluginsConfig,
}

impl Ctx {
    /// The workspace whose `.quire/plugins` are used, if trusted.
    fn project_plugins(&self) -> Option<&Path> {
        Some(self.workspace.as_path()).filter(|_| self.project)
    }
}

pub async fn run(global: &GlobalArgs, args: &PluginsArgs) -> i32 {
    let setup = match super::setup::load_or_say(global) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let workspace = repo_root(&setup.cwd).unwrap_or_else(|| setup.cwd.clone());
    let full_config = setup.config.clone();
    let ctx = Ctx {
        home: setup.home,
        cwd: setup.cwd,
        workspace,
        project: setup.config.project_trusted,
        config: setup.config.plugins,
    };
    match &args.command {
        PluginsCommand::List { json } => list(&ctx, &full_config, *json),
        PluginsCommand::Inspect { target, json } => inspect(&ctx, target, *json).await,
        PluginsCommand::Add { path, yes, scope } => add(&ctx, path, *yes, *scope).await,
        PluginsCommand::Remove { name, force } => {
            bundles::remove(&full_config, &ctx.home, &ctx.cwd, name, *force)
                .unwrap_or_else(|| remove(&ctx, name))
        }
        PluginsCommand::New { name, dir } => new(&ctx, name, dir.as_deref()),
        PluginsCommand::Call {
            target,
            tool,
            arguments,
            yes,
        } => call(&ctx, target, tool, arguments, *yes).await,
        PluginsCommand::Validate { path } => {
            let seen = quire::plugins::bundle::validate::Seen::new(|| {
                crate::cli::agents::skill_names(&full_config, &ctx.home, &ctx.cwd)
            });
            bundles::validate(&ctx.cwd, path, seen, |c| {
                tool_schemas::problems(&ctx.home, &ctx.workspace, c)
            })
            .await
        }
        PluginsCommand::Install {
            name,
            scope,
            enable,
            force,
            yes,
        } => bundles::install(
            &ctx.home,
            &ctx.cwd,
            name,
            (*scope, &full_config),
            *enable,
            (*force, *yes),
        ),
        PluginsCommand::Enable { name, off } => bundles::enable(&ctx.home, &ctx.cwd, name, !*off),
        PluginsCommand::Marketplace { command } => {
            marketplaces::marketplace(&ctx.home, &ctx.cwd, command)
        }
        PluginsCommand::Search { text, json } => marketplaces::search(&ctx.home, text, *json),
        PluginsCommand::Bundles { json } => bundles::list(&full_config, &ctx.cwd, *json),
    }
}

/// The WASM components, then the installed bundles.
fn list(ctx: &Ctx, full: &quire::config::Config, json: bool) -> i32 {
    let d = discover::discover(&ctx.home, ctx.project_plugins(), &ctx.config);
    for w in &d.warnings {
        eprintln!("warning: {w}");
    }
    let consent = ConsentStore::open(&ctx.home);
    if json {
        for f in &d.found {
            let m = &f.manifest;
            let line = json!({
                "name": m.name, "version": m.version, "description": m.description,
                "scope": f.scope.to_string(), "consent": consent_word(&consent.status(m)),
                "path": m.dir().display().to_string(),
            });
            println!("{line}");
        }
        bundles::rows(full, &ctx.cwd, json);
        return EXIT_OK;
    }
    if d.found.is_empty() {
        if bundles::rows(full, &ctx.cwd, json) == 0 {
            eprintln!(
                "no plugins found (looked in {}, {}, plugins.paths and the bundles in .agents/plugins, ~/.agents/plugins); add one with `quire plugins add PATH` or `quire plugins install NAME`",
                discover::project_dir(&ctx.workspace).display(),
                discover::user_dir(&ctx.home).display()
            );
        }
        return EXIT_OK;
    }
    listln!(
        "{:<24} {:<10} {:<8} {:<12} FOLDER",
        "NAME",
        "VERSION",
        "SCOPE",
        "CONSENT"
    );
    for f in &d.found {
        let m = &f.manifest;
        listln!(
            "{:<24} {:<10} {:<8} {:<12} {}",
            m.name,
            m.version,
            f.scope.to_string(),
            consent_word(&consent.status(m)),
            m.dir().display()
        );
    }
    // What is not loaded, and why, as a session says it at its start.
    for f in &d.found {
        let status = consent.status(&f.manifest);
        if !status.allows_loading() {
            eprintln!(
                "warning: {}",
                quire::plugins::consent::not_loaded_warning(&f.manifest, &status)
            );
        }
    }
    bundles::rows(full, &ctx.cwd, json);
    EXIT_OK
}

fn consent_word(s: &ConsentStatus) -> &'static str {
    match s {
        ConsentStatus::NotNeeded => "not-needed",
        ConsentStatus::Accepted => "accepted",
        ConsentStatus::Missing => "missing",
        ConsentStatus::Changed => "changed",
        ConsentStatus::CodeChanged => "code-changed",
        ConsentStatus::CodeUnknown => "code-unknown",
    }
}

/// A folder or plugin.toml path, else an installed plugin's name.
/// `path` from the working folder, without `..` or `.` (canonical when
/// it exists), so what is shown of it is the folder's real path.
fn source_path(ctx: &Ctx, path: &Path) -> PathBuf {
    let joined = ctx.cwd.join(path);
    joined.canonicalize().unwrap_or(joined)
}

/// A bare name of an installed plugin means that plugin, even when a
/// folder of that name is in the working folder (a cloned repository's
/// `hx/` must not stand in for your `hx`); a path looks like one (`./hx`,
/// `a/b`, `.`, `plugin.toml`). A bare name that is not installed may
/// still be a folder.
fn resolve_target(ctx: &Ctx, target: &str) -> Result<Found, String> {
    let path = source_path(ctx, Path::new(target));
    let path_like =
        target.contains('/') || matches!(target, "." | "..") || target.ends_with(".toml");
    if !path_like {
        let d = discover::discover(&ctx.home, ctx.project_plugins(), &ctx.config);
        if let Some(found) = d.by_name(target) {
            return Ok(found.clone());
        }
    }
    if path_like || path.exists() {
        return install::read_source(&path)
            .map(|manifest| Found {
                manifest,
                scope: Scope::Configured,
            })
            .map_err(|e| e.to_string());
    }
    Err(format!(
        "no plugin named '{target}' (and no such folder): see `quire plugins list`"
    ))
}

async fn load(ctx: &Ctx, found: &Found) -> Result<LoadedPlugin, String> {
    let p = load_one(found, &ctx.home, ctx.workspace.clone())
        .await
        .map_err(|e| e.to_string())?;
    for w in &p.grants.warnings {
        eprintln!("warning: {w}");
    }
    Ok(p)
}

async fn add(ctx: &Ctx, path: &Path, yes: bool, scope: ScopeArg) -> i32 {
    let source = source_path(ctx, path);
    let manifest = match install::read_source(&source) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let found = Found {
        manifest: manifest.clone(),
        scope: Scope::Configured,
    };
    // A plugin that does not load is a setup problem of its folder.
    let plugin = match load(ctx, &found).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let scope = match scope {
        ScopeArg::User => InstallScope::User,
        ScopeArg::Project => InstallScope::Project,
    };
    let dest = install::destination(&manifest, scope, &ctx.home, &ctx.workspace, &ctx.config);
    if let Some(r) = install::replaces(&manifest, &dest, &ctx.home) {
        let from = match &r.from {
            Some(f) => format!("copied from {}", f.display()),
            None => "copied from a folder quire did not record".to_owned(),
        };
        eprintln!(
            "note: this replaces the installed plugin '{}' {} in {} ({from}); nothing of it is kept",
            manifest.name,
            r.version,
            r.dir.display()
        );
    }
    if !yes && !manifest.permissions.is_empty() {
        match ask_consent(&manifest, "Install it with these permissions?") {
            Ok(true) => {}
            Ok(false) => {
                eprintln!("not installed");
                return EXIT_FAILED;
            }
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    match install::install(&manifest, &dest, &ctx.home) {
        Ok(m) => {
            let names: Vec<String> = plugin
                .tools
                .iter()
                .map(|t| tool_name(&m.name, &t.name))
                .collect();
            let tools = match names.len() {
                0 => "no tools".to_owned(),
                n => format!("{n} tool(s): {}", names.join(", ")),
            };
            println!(
                "installed '{}' {} in {} with {tools}",
                m.name,
                m.version,
                m.dir().display(),
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_usage() {
                EXIT_USAGE
            } else {
                EXIT_FAILED
            }
        }
    }
}

fn remove(ctx: &Ctx, name: &str) -> i32 {
    if let Some(real) = marketplaces::installed_as(&ctx.home, &ctx.cwd, name) {
        eprintln!(
            "error: no installed plugin is named '{name}': marketplace entry {name} is installed as plugin {real}, the name its plugin.json gives; run `quire plugins remove {real}`"
        );
        return EXIT_USAGE;
    }
    let places = quire::plugins::remove::Places {
        home: &ctx.home,
        workspace: &ctx.workspace,
        trusted: ctx.project,
        config: &ctx.config,
    };
    match quire::plugins::remove::remove(name, &places) {
        Ok(r) if r.untrusted_repository => {
            println!(
                "removed '{name}' from the plugins folder of this repository, which is not trusted (it was not loaded): deleted {}",
                r.dir.display()
            );
            EXIT_OK
        }
        Ok(r) => {
            println!("removed '{name}' ({})", r.dir.display());
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_usage() {
                EXIT_USAGE
            } else {
                EXIT_FAILED
            }
        }
    }
}

fn new(ctx: &Ctx, name: &str, dir: Option<&Path>) -> i32 {
    let parent = dir
        .map(|d| ctx.cwd.join(d))
        .unwrap_or_else(|| ctx.cwd.clone());
    match scaffold::new_plugin(&parent, name) {
        Ok(path) => {
            println!("created {}", path.display());
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            match e {
                scaffold::ScaffoldError::Io { .. } => EXIT_FAILED,
                _ => EXIT_USAGE,
            }
        }
    }
}
