//! The files a trusted repository's MCP servers run, as they were when the
//! user trusted it.
//!
//! Trust covers the text of `.mcp.json` and `.quire/config.toml`
//! (`config::seal`), yet `python3 tools/mcp.py` runs whatever
//! `tools/mcp.py` holds, and a sandboxed command may write it: the server,
//! started or restarted outside the sandbox, would run the model's code.
//! So trusting a repository also records, for each of its stdio servers,
//! the repository's files it runs ([`files`]): every word of its command
//! and arguments that is a file inside the repository (a bare word found
//! on the `PATH` the server's `env` gives it, the file its `BASH_ENV`
//! or `ENV` names, and the files and folders its loader variables such as
//! `LD_PRELOAD` or `PYTHONPATH` name, too: `seal_env`), the whole folder tree of a script it
//! runs and the package of `python -m pkg` (as a hook's approval covers them,
//! `hooks::programs`), the top-level Python modules `python -m` or a
//! top-level script imports, and what a runner reads (`package.json` of
//! `npm`/`npx`, a Makefile). A file outside the repository that its
//! command, arguments or `BASH_ENV` name (`python3 ../tools/srv.py`) is
//! recorded too, by its real path: only that file, not its folder
//! (`hooks::outside`). Before every start and restart a server whose
//! files changed, appeared or went away since is not started, and a
//! warning names the files and says to run `quire trust` again.
//!
//! An enabled plugin's servers are checked the same way before every
//! start ([`Sealed::plugin`]), against every file of the plugin's folder
//! as it was when the user enabled them (`plugins::bundle::mcp`); one of
//! a plugin held back (drifted from its lock) never starts
//! ([`Sealed::held`]). Sealed servers start with `PYTHONDONTWRITEBYTECODE`
//! (`mcp::client`), so their own `__pycache__` is no change.
//!
//! Not covered: what those files load from elsewhere (a package in
//! `node_modules`, what `npx NAME` or `npm run` resolves to, a module on
//! the interpreter's path, a path built at run time). The records live in
//! `$QUIRE_HOME/trusted_servers.json`. A server with no record (trusted
//! before records existed, or what it runs differs from what was recorded
//! because the user's own config changed it) is recorded when first
//! loaded, as `config::seal` records a repository trusted through a
//! folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::seal_message::{self, Since};
use super::spec::{ServerSpec, Source, Transport};
use super::{seal_env, seal_folder};
use crate::hooks::{plugin_folder, programs, trust as hook_trust};

const FILE: &str = "trusted_servers.json";

/// One server as trusted: what it runs (its command, arguments and
/// folder as written) and its files (relative to the repository) with the
/// sha256 of their content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Record {
    runs: String,
    files: BTreeMap<String, String>,
}

/// By repository (canonical path), by server name.
type Records = BTreeMap<String, BTreeMap<String, Record>>;

/// A server's files as the user accepted them, checked before every
/// start: a trusted repository's own server, or an enabled plugin's.
#[derive(Debug, Clone, PartialEq)]
pub struct Sealed {
    root: PathBuf,
    files: BTreeMap<String, String>,
    /// The records could not be read, or the server is held back (the
    /// reason): it does not start.
    unreadable: Option<String>,
    of: SealOf,
}

/// Whose consent a [`Sealed`] server runs on.
#[derive(Debug, Clone, PartialEq)]
enum SealOf {
    /// The repository's trust (`quire trust`): the files its command
    /// names and their folders ([`files`]).
    Repository,
    /// The plugin's enabling (`quire plugins enable NAME`): every file of
    /// the plugin's folder, as its hooks' approval covers
    /// ([`plugin_files`]); its name and data folder
    /// (`${CLAUDE_PLUGIN_DATA}`), where the server should write.
    Plugin { name: String, data: Option<PathBuf> },
}

impl Sealed {
    /// A plugin's server, enabled while the plugin folder `root` held
    /// `files` ([`plugin_files`]); `data` is its data folder, named when
    /// a file that is not code appears in `root`.
    pub fn plugin(
        root: &Path,
        plugin: &str,
        data: Option<&Path>,
        files: BTreeMap<String, String>,
    ) -> Sealed {
        Sealed {
            root: root.to_path_buf(),
            files,
            unreadable: None,
            of: SealOf::Plugin {
                name: plugin.to_string(),
                data: data.map(Path::to_path_buf),
            },
        }
    }

    /// A plugin's server that may not start at all, for `why` (said
    /// after "MCP server 'NAME' is not started: ").
    pub fn held(root: &Path, plugin: &str, why: String) -> Sealed {
        Sealed {
            unreadable: Some(why),
            ..Sealed::plugin(root, plugin, None, BTreeMap::new())
        }
    }
}

/// Every file of the plugin folder `root`, by its path relative to it,
/// with its sha256 (as a plugin hook's approval takes them:
/// [`plugin_folder::hash`]).
pub fn plugin_files(root: &Path) -> BTreeMap<String, String> {
    plugin_folder::hash(root).digests
}

impl Sealed {
    /// Why `spec`'s server may not start now: its files changed since the
    /// repository was trusted (`None`: it may).
    pub fn refusal(&self, spec: &ServerSpec) -> Option<String> {
        if let Some(e) = &self.unreadable {
            return Some(format!("MCP server '{}' is not started: {e}", spec.name));
        }
        let now = match &self.of {
            SealOf::Repository => {
                let (now, too_big) = checked_files(&self.root, spec);
                if let Some(why) = too_big.first() {
                    return Some(format!("MCP server '{}' is not started: {why}", spec.name));
                }
                now
            }
            SealOf::Plugin { .. } => plugin_files(&self.root),
        };
        let since = match &self.of {
            SealOf::Repository => Since::Trusted(&self.root),
            SealOf::Plugin { name, data } => Since::Enabled {
                plugin: name,
                root: &self.root,
                data: data.as_deref(),
            },
        };
        seal_message::refusal(&spec.name, &self.files, &now, since)
    }
}

/// What `spec` runs, as written: the same for the record and the check.
fn runs(spec: &ServerSpec) -> String {
    match &spec.transport {
        Transport::Stdio { cwd, .. } => format!("{} (in {})", spec.describe(), cwd.display()),
        Transport::Http { url, .. } => url.clone(),
    }
}

/// The files inside `root` that `spec`'s server runs, by their path
/// relative to `root`, with the sha256 of their content.
pub fn files(root: &Path, spec: &ServerSpec) -> BTreeMap<String, String> {
    checked_files(root, spec).0
}

/// [`files`], and why an outside folder it loads from cannot be sealed
/// (too big: `seal_folder`), in words.
fn checked_files(root: &Path, spec: &ServerSpec) -> (BTreeMap<String, String>, Vec<String>) {
    let mut out = BTreeMap::new();
    let mut too_big = Vec::new();
    let Ok(root) = root.canonicalize() else {
        return (out, too_big);
    };
    // Its files do not depend on the values of its environment: a
    // `${TOKEN}` unset when the repository is trusted and set when the
    // server starts must not make its files look as if they appeared.
    // The server's `env` is then taken as written: its `PATH` still says
    // where the command is looked up.
    let Transport::Stdio {
        command,
        args,
        cwd,
        env,
        ..
    } = spec
        .resolved_transport()
        .or_else(|_| {
            let mut bare = spec.clone();
            let mut written = BTreeMap::new();
            if let Transport::Stdio { env, .. } = &mut bare.transport {
                written = std::mem::take(env);
            }
            let mut t = bare.resolved_transport()?;
            if let Transport::Stdio { env, .. } = &mut t {
                *env = written;
            }
            Ok::<_, String>(t)
        })
        .unwrap_or_else(|_| spec.transport.clone())
    else {
        return (out, too_big);
    };
    let line: Vec<&str> = std::iter::once(command.as_str())
        .chain(args.iter().map(String::as_str))
        .collect();
    let line = line.join(" ");
    // A bare word (the command, or one in its `sh -c` line) runs what the
    // child finds on the `PATH` its `env` gives it.
    for word in hook_trust::command_words(&line) {
        let word = word.rsplit_once('=').map_or(word.as_str(), |(_, v)| v);
        if !word.is_empty() {
            add_named_file(&root, &cwd.join(word), &mut out);
        }
        if let Some(found) = seal_env::on_path(word, &cwd, &env) {
            add_file(&root, &found, &mut out);
        }
    }
    if let Some(found) = seal_env::on_path(&command, &cwd, &env) {
        add_file(&root, &found, &mut out);
    }
    for file in seal_env::startup_files(&cwd, &env) {
        add_named_file(&root, &file, &mut out);
    }
    for path in seal_env::folder_paths(&cwd, &env) {
        if let Err(why) = seal_folder::add(&root, &path, &mut out) {
            too_big.push(why);
        }
    }
    for path in seal_env::loaded_paths(&cwd, &env) {
        add_named_file(&root, &path, &mut out);
        add_folder(&root, &path, &mut out);
        // `PYTHONPATH = "."` (or an empty entry, from the top folder)
        // imports the repository's top-level modules (`sitecustomize.py`
        // at every start); `LD_LIBRARY_PATH` loads its libraries.
        if path.canonicalize().is_ok_and(|p| p == root) {
            python_top_level(&root, &root, &mut out);
            top_level_libraries(&root, &mut out);
        }
    }
    if let Some(folder) = run_folder(&command, &args) {
        add_folder(&root, &cwd.join(folder), &mut out);
    }
    // Folder trees and packages, found from where the server starts.
    let from = cwd
        .canonicalize()
        .ok()
        .filter(|c| c.starts_with(&root) && *c != root)
        .and_then(|c| c.strip_prefix(&root).ok().map(Path::to_path_buf));
    let line = match &from {
        Some(rel) => format!("cd {} && {line}", rel.display()),
        None => line,
    };
    for dir in hook_trust::program_folders(&root, &line) {
        let Ok(rel) = dir.strip_prefix(&root) else {
            continue;
        };
        for (file, digest) in plugin_folder::hash_program_folder(&dir).digests {
            out.insert(rel.join(file).display().to_string(), digest);
        }
    }
    if programs::programs(&line).python_modules {
        python_top_level(&root, &cwd, &mut out);
    }
    for runner in hook_trust::runners(&line) {
        for file in runner.files {
            add_file(&root, &cwd.join(file), &mut out);
        }
    }
    (out, too_big)
}

/// The file `path` (links resolved) when it is a regular file inside
/// `root`.
fn add_file(root: &Path, path: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(real) = path.canonicalize() else {
        return;
    };
    if let (Ok(rel), true) = (real.strip_prefix(root), real.is_file())
        && let Some(digest) = hook_trust::file_hash(&real)
    {
        out.insert(rel.display().to_string(), digest);
    }
}

/// [`add_file`], and a regular file outside `root` by its real path
/// (`python3 ../tools/srv.py`, `/tmp/x/srv.py`): a file the server's
/// command or arguments name, whose change stops it as one inside does
/// (`hooks::outside`). Not a program found on `PATH`: that is the user's
/// own installation, not the repository's choice of file.
fn add_named_file(root: &Path, path: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(real) = path.canonicalize() else {
        return;
    };
    if real.starts_with(root) {
        return add_file(root, &real, out);
    }
    if crate::hooks::outside::sealable(&real)
        && let Some(digest) = hook_trust::file_hash(&real)
    {
        out.insert(real.display().to_string(), digest);
    }
}

/// The folder an interpreter is started on (`python3 tools` runs its
/// `__main__.py`, `node srv` its `index.js`): its first argument that is
/// not an option. A folder given to a server as data (`server-filesystem
/// src`) is not one: its files are the model's to edit.
fn run_folder<'a>(command: &str, args: &'a [String]) -> Option<&'a str> {
    let name = Path::new(command).file_name()?.to_str()?;
    let interpreter = ["python", "node", "bun", "deno"].iter().any(|i| {
        name == *i
            || name
                .strip_prefix(i)
                .is_some_and(|v| v.starts_with(['3', '.']))
    });
    if !interpreter {
        return None;
    }
    args.iter()
        .map(String::as_str)
        .find(|a| !a.starts_with('-'))
}

/// Every file of the folder `path` (links resolved) when it lies inside
/// `root` and is not `root` itself: a server started on a folder
/// (`python3 tools` running its `__main__.py`, `node srv` its
/// `index.js`) runs what the folder holds.
fn add_folder(root: &Path, path: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(real) = path.canonicalize() else {
        return;
    };
    let Ok(rel) = real.strip_prefix(root) else {
        return;
    };
    if !real.is_dir() || rel.as_os_str().is_empty() {
        return;
    }
    for (file, digest) in plugin_folder::hash_program_folder(&real).digests {
        out.insert(rel.join(file).display().to_string(), digest);
    }
}

/// The shared libraries (`*.so`, `*.so.N`) at the top of `root`.
fn top_level_libraries(root: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".so") || name.contains(".so.") {
            add_file(root, &entry.path(), out);
        }
    }
}

/// The importable top-level files of `dir` (inside `root`): `python -m`
/// imports them before the standard library.
fn python_top_level(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().to_string();
        if programs::python_importable(&name) {
            add_file(root, &entry.path(), out);
        }
    }
}

/// The repository's own stdio servers: `.mcp.json` and `[mcp_servers]` of
/// its `.quire/config.toml`, as a trusted load reads them (one that does
/// not parse is left out: the load refuses it).
fn repo_servers(root: &Path) -> Vec<ServerSpec> {
    let mut out = Vec::new();
    let json = root.join(".mcp.json");
    if let Ok(servers) = super::spec::read_mcp_json(&json, &mut Vec::new()) {
        for (name, c) in servers {
            out.push(ServerSpec::new(
                &name,
                Source::McpJson(json.clone()),
                &c,
                root,
            ));
        }
    }
    for (name, value) in project_tables(root) {
        let json = serde_json::to_value(&value).unwrap_or_default();
        if let Ok(c) = super::McpServerConfig::from_value(&format!("mcp_servers.{name}"), &json) {
            out.push(ServerSpec::new(&name, Source::Config, &c, root));
        }
    }
    out
}

/// `[mcp_servers.NAME]` tables of the repository's `.quire/config.toml`.
fn project_tables(root: &Path) -> Vec<(String, toml::Value)> {
    crate::file_kind::read_to_string(&root.join(".quire/config.toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|mut t| t.remove("mcp_servers"))
        .and_then(|v| v.as_table().cloned())
        .map(|t| t.into_iter().collect())
        .unwrap_or_default()
}

fn store(home: &Path) -> PathBuf {
    home.join(FILE)
}

fn key(root: &Path) -> String {
    crate::config::trust::canonical(root).display().to_string()
}

fn load(home: &Path) -> Result<Records, String> {
    crate::config::seal::read_store(
        &store(home),
        "delete it, then run `quire trust` in your repositories to record their MCP servers' files again",
    )
}

fn save(home: &Path, records: &Records) -> Result<(), String> {
    crate::config::seal::write_store(&store(home), records)
}

fn record_of(root: &Path, spec: &ServerSpec) -> Record {
    Record {
        runs: runs(spec),
        files: files(root, spec),
    }
}

/// Records the files of `root`'s servers as they are now (the user
/// trusts the repository).
pub fn record(home: &Path, root: &Path) -> Result<(), String> {
    let mut records = load(home).unwrap_or_default();
    let servers = repo_servers(root)
        .iter()
        .filter(|s| matches!(s.transport, Transport::Stdio { .. }))
        .map(|s| (s.name.clone(), record_of(root, s)))
        .collect();
    records.insert(key(root), servers);
    save(home, &records)
}

/// Gives each of the trusted repository `root`'s own servers among
/// `specs` its [`Sealed`] files: `.mcp.json` servers, and those of
/// `[mcp_servers]` that its `.quire/config.toml` names. When the records
/// cannot be read, none of them starts.
pub fn attach(home: &Path, root: &Path, specs: &mut [ServerSpec]) {
    let json = root.join(".mcp.json");
    let named: Vec<String> = project_tables(root).into_iter().map(|(n, _)| n).collect();
    let ours = |s: &ServerSpec| {
        s.plugin.is_none()
            && matches!(s.transport, Transport::Stdio { .. })
            && match &s.source {
                Source::McpJson(p) => *p == json,
                Source::Config => named.contains(&s.name),
            }
    };
    let (mut records, broken) = match load(home) {
        Ok(r) => (r, None),
        Err(e) => (Records::new(), Some(e)),
    };
    let mut added = false;
    let repo = records.entry(key(root)).or_default();
    for spec in specs.iter_mut().filter(|s| ours(s)) {
        let files = match repo.get(&spec.name) {
            Some(r) if r.runs == runs(spec) => r.files.clone(),
            _ if broken.is_some() => BTreeMap::new(),
            _ => {
                tracing::info!(server = %spec.name, "recording the files of a trusted repository's MCP server");
                let r = record_of(root, spec);
                let files = r.files.clone();
                repo.insert(spec.name.clone(), r);
                added = true;
                files
            }
        };
        spec.sealed = Some(Sealed {
            root: root.to_path_buf(),
            files,
            unreadable: broken.clone(),
            of: SealOf::Repository,
        });
    }
    if added && let Err(e) = save(home, &records) {
        tracing::warn!("MCP servers' files not recorded: {e}");
    }
}

#[cfg(test)]
#[path = "seal_tests.rs"]
mod tests;
