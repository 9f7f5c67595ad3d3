//! Finding and reading every hook: the user's and Claude Code's files,
//! the repository's, installed plugins', each hook with its source, its
//! compiled matcher and whether it may run (trust and approval).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::config::{Hook, HookDef, HookScope, TrustState, compile_matcher, read_toml};
use super::{HookEvent, claude, trust};

/// What [`load_hooks`] reads.
#[derive(Debug, Clone)]
pub struct HookSources {
    /// `$QUIRE_HOME`.
    pub home: PathBuf,
    /// Claude Code's user folder (`$CLAUDE_CONFIG_DIR`, else `~/.claude`).
    pub claude_home: Option<PathBuf>,
    /// The repository root.
    pub repo_root: Option<PathBuf>,
    /// Whether the repository's hooks may run by their approvals
    /// ([`crate::config::Config::project_hooks_trusted`]).
    pub project_trusted: bool,
    pub claude_compat: bool,
    /// Hook files of installed plugin bundles, with the bundle's folder
    /// (`${CLAUDE_PLUGIN_ROOT}` / `${PLUGIN_ROOT}` in their commands),
    /// scope and data folder (`${CLAUDE_PLUGIN_DATA}` / `${PLUGIN_DATA}`). They run only once approved by hash, like a repository's;
    /// a user plugin's approval holds in every directory.
    pub plugin_files: Vec<crate::plugins::bundle::PluginHookFile>,
    /// `[plugins]`: where the plugins whose `[[hooks]]` count are found.
    pub plugins: crate::plugins::PluginsConfig,
    /// Why the hooks of installed plugins that changed since they were
    /// installed (drift) do not run, and which plugins are not loaded
    /// because another of their name is, one line a plugin.
    pub plugins_not_loaded: Vec<String>,
}

impl HookSources {
    pub fn new(config: &crate::config::Config, home: &Path, repo_root: Option<PathBuf>) -> Self {
        // A trusted repository whose sealed settings changed since keeps
        // its hooks (each by its approval), its plugins' hooks included.
        let for_hooks;
        let config = match config.project_settings_changed && !config.project_trusted {
            true => {
                for_hooks = crate::config::Config {
                    project_trusted: true,
                    ..config.clone()
                };
                &for_hooks
            }
            false => config,
        };
        let cwd = std::env::current_dir().unwrap_or_else(|_| home.to_path_buf());
        let plugin_files = crate::plugins::bundle::hook_files_for(
            config,
            home,
            repo_root.as_deref().unwrap_or(&cwd),
        );
        let (bundles, _) = crate::plugins::bundle::installed_with_warnings(
            config,
            repo_root.as_deref().unwrap_or(&cwd),
        );
        // A plugin left out for its name (a repository's copy of the
        // user's own) is said in every session.
        let mut plugins_not_loaded =
            crate::plugins::bundle::name_clashes(config, repo_root.as_deref().unwrap_or(&cwd));
        let drifted: Vec<String> = bundles
            .iter()
            .filter(|b| !b.bundle.hooks.is_empty())
            .filter_map(|b| {
                let why = b.drift.as_ref()?;
                Some(format!(
                    "the hooks of plugin '{}' do not run: the plugin is not loaded ({why}); {}",
                    b.bundle.name,
                    crate::plugins::bundle::drift::fix_hint(&b.bundle.name, why)
                ))
            })
            .collect();
        plugins_not_loaded.extend(drifted);
        HookSources {
            home: home.to_path_buf(),
            claude_home: claude::user_dir(),
            repo_root,
            project_trusted: config.project_trusted,
            claude_compat: config.hooks.claude_compat,
            plugin_files,
            plugins: config.plugins.clone(),
            plugins_not_loaded,
        }
    }
}

/// Every hook found, runnable or not, and what was wrong with the files.
#[derive(Debug, Default)]
pub struct LoadedHooks {
    pub hooks: Vec<Hook>,
    /// Guards approved for this repository that its files no longer hold,
    /// as hooks that block what they matched ([`super::gone_guards`]).
    pub gone: Vec<Hook>,
    pub warnings: Vec<String>,
}

impl LoadedHooks {
    /// Repository hooks that do not run because they are not approved.
    pub fn not_approved(&self) -> impl Iterator<Item = &Hook> {
        self.hooks
            .iter()
            .filter(|h| h.trust == TrustState::NotApproved)
    }
}

/// The folders hashed for hooks' approvals, each once: its files and, for
/// a plugin's, its part of each hook's hash ([`trust::plugin_files_json`]).
type Folders = BTreeMap<PathBuf, (super::plugin_folder::FolderFiles, String)>;

/// One file hooks are read from.
struct HookFile {
    path: PathBuf,
    scope: HookScope,
    /// Claude Code's settings.json format (else quire's config.toml).
    claude: bool,
    /// The plugin bundle the file belongs to.
    plugin_root: Option<PathBuf>,
    /// Its link under `$QUIRE_HOME` when its path is not plain
    /// ([`super::root_alias`]).
    root_alias: Option<PathBuf>,
    /// The plugin's data folder.
    plugin_data: Option<PathBuf>,
}

/// Reads every hook source in order: the user's config.toml, Claude
/// Code's user settings, the repository's `.quire/config.toml`, its
/// `.claude/settings.json` and `.claude/settings.local.json`, installed
/// plugins' hook files, plugins' WebAssembly hooks.
pub fn load_hooks(src: &HookSources) -> LoadedHooks {
    let mut out = LoadedHooks {
        warnings: src.plugins_not_loaded.clone(),
        ..Default::default()
    };
    let approved = match trust::TrustStore::load(&src.home) {
        Ok(s) => s,
        Err(e) => {
            out.warnings.push(e.to_string());
            trust::TrustStore::default()
        }
    };
    let mut folders = BTreeMap::new();
    for file in hook_files(src) {
        // The link is made before the hooks are read: an approved hook's
        // scripts are pinned through it.
        let link_error = match (&file.root_alias, &file.plugin_root) {
            (Some(link), Some(root)) if super::root_name::check(link, root).is_ok() => {
                super::root_alias::ensure(link, root).err()
            }
            _ => None,
        };
        let defs = if file.claude && file.plugin_root.is_some() {
            claude::read_plugin_hooks_skipping(&file.path)
        } else if file.claude {
            claude::read_settings_skipping(&file.path)
        } else {
            read_toml(&file.path).map(|d| (d, Vec::new()))
        };
        let defs = match defs {
            Ok((d, skipped)) => {
                for s in skipped {
                    let what = if claude::is_note(&s) {
                        "note:"
                    } else {
                        "skipped"
                    };
                    out.warnings
                        .push(format!("{}: {what} {s}", file.path.display()));
                }
                d
            }
            // An untrusted repository's files are not used, so not
            // reported on either (`quire hooks list` shows they exist).
            Err(e)
                if file.scope == HookScope::Project
                    && file.plugin_root.is_none()
                    && !src.project_trusted =>
            {
                tracing::debug!("untrusted repository's hooks not read: {e}");
                continue;
            }
            Err(e) => {
                out.warnings.push(format!("hooks not loaded: {e}"));
                continue;
            }
        };
        for (event, def, at) in defs {
            if event.is_tool_event()
                && let Some(m) = &def.matcher
            {
                for note in claude::matcher_notes(m, file.claude) {
                    out.warnings.push(format!(
                        "{}: {at}: its matcher {m:?} names a tool it can never match: {note}",
                        file.path.display()
                    ));
                }
            }
            // A script of the plugin it runs that is missing or not
            // executable: said now rather than each time the hook fires.
            if let (Some(root), Some(command), super::HookKind::Command) =
                (&file.plugin_root, def.command.as_deref(), def.kind)
                && let Err(why) = super::plugin_scripts::check(command, root)
            {
                out.warnings
                    .push(format!("{}: {at} {why}", file.path.display()));
            }
            match hook(src, &approved, &mut folders, &file, event, def) {
                Ok(h) => {
                    if h.plugin_root.is_some()
                        && h.def.kind == super::HookKind::Command
                        && let Some(why) = h.refused_root().or_else(|| link_error.clone())
                    {
                        out.warnings
                            .push(format!("{}: {at} does not run: {why}", file.path.display()));
                    }
                    out.hooks.push(h)
                }
                Err(why) => out
                    .warnings
                    .push(format!("{}: {at} is skipped: {why}", file.path.display())),
            }
        }
    }
    for (files, _) in folders.values() {
        if let Some(w) = &files.over {
            out.warnings.push(w.clone());
        }
    }
    let (wasm, warnings) = super::wasm::plugin_hooks(src, &approved);
    out.hooks.extend(wasm);
    out.warnings.extend(warnings);
    out.gone = super::gone_guards::find(src, &approved, &out.hooks);
    out
}

/// The files of [`load_hooks`], in order.
fn hook_files(src: &HookSources) -> Vec<HookFile> {
    let file = |path: PathBuf, scope, claude| HookFile {
        path,
        scope,
        claude,
        plugin_root: None,
        root_alias: None,
        plugin_data: None,
    };
    let mut files = vec![file(src.home.join("config.toml"), HookScope::User, false)];
    if src.claude_compat
        && let Some(dir) = &src.claude_home
    {
        files.push(file(dir.join("settings.json"), HookScope::User, true));
    }
    if let Some(root) = &src.repo_root {
        files.push(file(
            root.join(".quire/config.toml"),
            HookScope::Project,
            false,
        ));
        if src.claude_compat {
            for name in ["settings.json", "settings.local.json"] {
                files.push(file(
                    root.join(".claude").join(name),
                    HookScope::Project,
                    true,
                ));
            }
        }
    }
    for f in &src.plugin_files {
        let (root, scope) = (&f.root, f.scope);
        let user = scope == crate::plugins::bundle::BundleScope::User;
        files.push(HookFile {
            path: f.path.clone(),
            scope: if user {
                HookScope::User
            } else {
                HookScope::Project
            },
            claude: true,
            plugin_root: Some(root.clone()),
            root_alias: super::root_alias::alias(&src.home, root),
            plugin_data: Some(f.data.clone()),
        });
    }
    files
}

/// One definition of `file` as a hook: its plugin root expanded, checked,
/// its `if` rule and matcher compiled, its trust decided. `Err` says why
/// it is skipped.
fn hook(
    src: &HookSources,
    approved: &trust::TrustStore,
    folders: &mut Folders,
    file: &HookFile,
    event: HookEvent,
    mut def: HookDef,
) -> Result<Hook, String> {
    if let (Some(root), Some(c)) = (&file.plugin_root, def.command.as_mut()) {
        super::plugin_paths::check(c, root)?;
        // The folder, or its plain alias, put in; a path a shell could act
        // on is not: the hook does not run (`root_name`; the warning is
        // `load_hooks`'s).
        let put = file.root_alias.as_deref().unwrap_or(root);
        if super::root_name::check(put, root).is_ok() {
            let text = match &file.root_alias {
                Some(link) => super::root_alias::written(link),
                None => root.display().to_string(),
            };
            *c = super::root_quote::substitute(c, &text);
        }
        // The data folder as written, when plain; else the shell fills
        // it in from the hook's environment (`dispatch`).
        if let Some(data) = &file.plugin_data {
            let text = data.display().to_string();
            if super::root_quote::plain(&text) {
                *c = c
                    .replace("${CLAUDE_PLUGIN_DATA}", &text)
                    .replace("${PLUGIN_DATA}", &text);
            }
        }
    }
    def.check_as(if file.claude {
        "timeout"
    } else {
        "timeout_sec"
    })?;
    let condition = super::if_rule::for_hook(event, &def).map_err(|e| e.to_string())?;
    let matcher_text = def.matcher.as_deref().map(|m| {
        if file.claude && event.is_tool_event() {
            claude::map_matcher(m)
        } else {
            m.to_string()
        }
    });
    let matcher = compile_matcher(matcher_text.as_deref()).map_err(|e| {
        format!(
            "its matcher {:?} is not a valid regex: {e}",
            def.matcher.as_deref().unwrap_or("")
        )
    })?;
    let claude_matcher = match file.claude && event.is_tool_event() {
        true => super::config::compile_claude_matcher(def.matcher.as_deref()),
        false => None,
    };
    let rel = match (&src.repo_root, file.scope) {
        (Some(root), HookScope::Project) => file.path.strip_prefix(root).unwrap_or(&file.path),
        _ => file.path.as_path(),
    };
    // The user's own hooks (a user plugin's) are approved wherever they
    // run: the repository is not part of their hash.
    let repo = match file.scope {
        HookScope::User => None,
        HookScope::Project => src.repo_root.as_deref(),
    };
    let mut hash = trust::hook_hash(repo, rel, event, &def);
    let is_command = def.kind == super::HookKind::Command && def.command.is_some();
    // The folder is hashed once, its part of the hash made once: every
    // hook of the file shares them.
    let folder = match &file.plugin_root {
        Some(plugin) if is_command => {
            let (_, json) = folders.entry(plugin.clone()).or_insert_with(|| {
                let files = super::plugin_folder::hash(plugin);
                let json = trust::plugin_files_json(&files);
                (files, json)
            });
            hash = trust::plugin_hook_hash_with(&hash, json);
            Some(plugin)
        }
        _ => None,
    };
    // A repository hook running a script or a package: every file of its
    // folder tree is covered (a module it imports, a helper it sources).
    let mut program = Vec::new();
    if let (Some(root), None, HookScope::Project, Some(cmd), true) = (
        &src.repo_root,
        &file.plugin_root,
        file.scope,
        def.command.as_deref(),
        is_command,
    ) {
        for dir in trust::program_folders(root, cmd) {
            let (files, _) = folders.entry(dir.clone()).or_insert_with(|| {
                (
                    super::plugin_folder::hash_program_folder(&dir),
                    String::new(),
                )
            });
            program.push(files.clone());
        }
        hash = trust::program_hook_hash(hash, &program);
    }
    let plugin = file.plugin_root.is_some();
    let trust = match file.scope {
        _ if plugin && approved.contains(&hash) => TrustState::Trusted,
        _ if plugin => TrustState::NotApproved,
        HookScope::User => TrustState::User,
        HookScope::Project if !src.project_trusted => TrustState::RepoNotTrusted,
        HookScope::Project if approved.contains(&hash) => TrustState::Trusted,
        HookScope::Project => TrustState::NotApproved,
    };
    let command = def
        .command
        .as_deref()
        .filter(|_| def.kind == super::HookKind::Command);
    let pinned = match (&src.repo_root, folder, trust, command) {
        (_, Some(folder), TrustState::Trusted, Some(cmd)) => folders
            .get(folder)
            .map(|(files, _)| trust::Pinned::for_plugin(repo, files.clone(), cmd)),
        (Some(root), None, TrustState::Trusted, Some(cmd)) => {
            Some(trust::Pinned::new(root, cmd, program))
        }
        _ => None,
    };
    let mut hook = Hook {
        event,
        def,
        matcher,
        claude_matcher,
        source: file.path.clone(),
        scope: file.scope,
        claude: file.claude,
        plugin_root: file.plugin_root.clone(),
        root_alias: file.root_alias.clone(),
        plugin_data: file.plugin_data.clone(),
        condition,
        hash,
        trust,
        pinned,
        approved_before: false,
    };
    hook.approved_before = super::approved_before::applies(&hook, approved);
    Ok(hook)
}
