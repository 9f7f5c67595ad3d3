//! Approval of repository hooks by hash. A repository's hooks run only in
//! a trusted repository (see [`crate::config::trust`]) and only once the
//! user approved each one: the hash covers the repository, the file, the
//! event and the whole definition, and the content of every file inside
//! the repository that the command can run: files and folders it names
//! (`.claude/hooks/x.py`, `$CLAUDE_PROJECT_DIR/...`, `cd DIR`, a glob's
//! folder) and everything under `.claude/hooks` and `.quire/hooks`. So a
//! new or changed hook or script waits for `quire hooks trust`. A script
//! run by an interpreter (`python3 x/y.py`, `./x/y.sh`) or a Python
//! package run with `-m` is covered with every file of its folder tree
//! ([`program_folders`], [`super::programs`]), following links inside the
//! repository. What such a script loads from elsewhere cannot be told, so
//! its hook is "partly covered" ([`coverage_note`]). A file outside the
//! repository that the command names is covered by its own content only
//! ([`super::outside`]). Approvals live in
//! `$QUIRE_HOME/trusted_hooks.json`, never in the repository.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use super::code_runners::{Runner, coverage_note, plugin_coverage_note, runners};
use super::{HookDef, HookError, HookEvent};

const FILE: &str = "trusted_hooks.json";
/// How much of a named script is hashed (a bigger file is hashed up to
/// here, and a change past it still changes its length).
const SCRIPT_LIMIT: u64 = 4 << 20;

/// The hash a hook is approved by.
pub fn hook_hash(repo: Option<&Path>, source: &Path, event: HookEvent, def: &HookDef) -> String {
    let repo_dir = repo;
    let repo = repo
        .map(|r| crate::config::trust::canonical(r).display().to_string())
        .unwrap_or_default();
    let mut body = serde_json::json!({
        "repo": repo,
        "source": source.display().to_string(),
        "event": event.as_str(),
        "def": def,
    });
    // Only when there are scripts, so approvals of hooks that name none
    // keep their hash.
    let scripts = match (repo_dir, def.kind, def.command.as_deref()) {
        (Some(dir), super::HookKind::Command, Some(cmd)) => script_hashes(dir, cmd),
        _ => BTreeMap::new(),
    };
    if !scripts.is_empty() {
        body["scripts"] = serde_json::json!(scripts);
    }
    hex(&Sha256::digest(body.to_string().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The folders whose files every repository hook's approval covers:
/// where hook scripts live by convention, so a script reached in a way the
/// command does not spell out (`cd .claude/hooks && ./x.sh`, a loop over a
/// glob, one script calling another) still cannot change unseen.
const HOOK_DIRS: &[&str] = &[".claude/hooks", ".quire/hooks"];
/// At most this many files of one folder are hashed (a change to the set
/// of files past it still changes the count).
const DIR_FILES: usize = 256;
const DIR_DEPTH: usize = 4;

/// The files inside `repo` that `command` can run, by their path relative
/// to the repository, with the sha256 of their content:
/// - every word that, without quotes and with `$CLAUDE_PROJECT_DIR` /
///   `$QUIRE_PROJECT_DIR` as the repository, is a path (relative to the
///   repository, where hooks run) to a regular file inside it;
/// - every file under a folder the command names that way (`cd DIR`, the
///   folder of a glob such as `.claude/hooks/*.sh`);
/// - every file under `.claude/hooks` and `.quire/hooks`, when the command
///   names anything inside the repository or those folders exist.
///
/// - a file outside the repository that the command names that way
///   (`$CLAUDE_PROJECT_DIR/../ci/lint.sh`, `/tmp/x/lint.sh`), by its real
///   path ([`super::outside`]): only the file, not its folder;
/// - what the value of a `NAME=path` or `--flag=path` word names
///   (`BASH_ENV=/x/env.sh bash -c …`), inside or outside, the same way.
///
/// Folders are walked only inside the repository.
pub fn script_hashes(repo: &Path, command: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Ok(root) = repo.canonicalize() else {
        return out;
    };
    let mut after_cd = false;
    let words = command_words(&without_output_targets(command));
    // What `NAME=path` and `--flag=path` give (`BASH_ENV=../ci/env.sh`).
    for value in words.iter().flat_map(|w| super::outside::assigned_paths(w)) {
        let path = project_relative(value)
            .map(|rest| root.join(rest))
            .unwrap_or_else(|| root.join(value));
        add_path(&root, &path, &mut out);
    }
    for word in words {
        let word = word.as_str();
        let cd_target = std::mem::replace(&mut after_cd, matches!(word, "cd" | "pushd"));
        if word.is_empty() || !(cd_target || word.contains(['/', '.'])) {
            continue;
        }
        // A glob names the folder it lists.
        let word = match word.find(['*', '?', '[']) {
            Some(at) => match word[..at].rfind('/') {
                Some(slash) => &word[..slash],
                None => ".",
            },
            None => word,
        };
        let path = project_relative(word)
            .map(|rest| root.join(rest))
            .unwrap_or_else(|| root.join(word));
        add_path(&root, &path, &mut out);
    }
    for dir in HOOK_DIRS {
        add_path(&root, &root.join(dir), &mut out);
    }
    for runner in runners(command) {
        for file in runner.files {
            add_path(&root, &root.join(file), &mut out);
        }
    }
    let programs = super::programs::programs(command);
    // The scripts as found after a `cd` (`cd /opt/ci && ./lint.sh`).
    for script in &programs.scripts {
        let path = project_relative(script)
            .map(|rest| root.join(rest))
            .unwrap_or_else(|| root.join(script));
        add_path(&root, &path, &mut out);
    }
    if programs.python_modules {
        add_python_top_level(&root, &mut out);
    }
    out
}

/// `python -m pkg.mod` imports from the working directory first: its
/// top-level modules (`json.py`) and packages (`json/__init__.py`) can
/// stand in for any module `pkg.mod` imports, so they are covered too.
fn add_python_top_level(root: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().to_string();
        let path = entry.path();
        if path.is_dir() {
            add_path(root, &path.join("__init__.py"), out);
        } else if super::programs::python_importable(&name) {
            add_path(root, &path, out);
        }
    }
}

/// At most this many folders reached through links are covered as well.
const LINKED_FOLDERS: usize = 64;

/// The real paths of the folders inside `repo` whose whole tree `command`
/// can run ([`super::programs`]: a script's folder, a Python package, and
/// for a Python module run from the top every top-level package's whole
/// folder), and the folders inside the repository that links in them lead
/// to (`tools/cfg -> ../conf`).
pub fn program_folders(repo: &Path, command: &str) -> Vec<PathBuf> {
    let Ok(root) = repo.canonicalize() else {
        return Vec::new();
    };
    let programs = super::programs::programs(command);
    let mut wanted: Vec<PathBuf> = programs
        .folders
        .iter()
        .map(|folder| {
            project_relative(folder)
                .map(|rest| root.join(rest))
                .unwrap_or_else(|| root.join(folder))
        })
        .collect();
    if programs.python_modules {
        wanted.extend(python_packages(&root));
    }
    let mut out: Vec<PathBuf> = Vec::new();
    for path in wanted {
        if let Ok(real) = path.canonicalize()
            && real.starts_with(&root)
            && real.is_dir()
            && !out.contains(&real)
        {
            out.push(real);
        }
    }
    let named = out.len();
    let mut at = 0;
    while at < out.len() && out.len() < named + LINKED_FOLDERS {
        for target in linked_folders(&out[at]) {
            if target.starts_with(&root)
                && !out.iter().any(|o| target.starts_with(o))
                && out.len() < named + LINKED_FOLDERS
            {
                out.push(target);
            }
        }
        at += 1;
    }
    out
}

/// The repository's top-level Python packages (folders with an
/// `__init__.py`): `python -m` and a top-level script import them.
fn python_packages(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("__init__.py").is_file())
        .collect();
    out.sort();
    out
}

/// The real folders the links under `folder` lead to (its `.git` left out,
/// bounded as the folder's walk is).
fn linked_folders(folder: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(folder)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name() == ".git"))
        .filter_map(Result::ok)
        .take(super::plugin_folder::MAX_FILES)
        .filter(|e| e.path_is_symlink())
        .filter_map(|e| e.path().canonicalize().ok())
        .filter(|real| real.is_dir())
        .collect()
}

/// `hash` of a repository hook, covering also every file of the folders
/// its command runs scripts from ([`program_folders`]).
pub fn program_hook_hash(hash: String, folders: &[super::plugin_folder::FolderFiles]) -> String {
    if folders.is_empty() {
        return hash;
    }
    let files: Vec<_> = folders.iter().map(|f| &f.digests).collect();
    let body = serde_json::json!({"hook": hash, "program_files": files});
    hex(&Sha256::digest(body.to_string().as_bytes()))
}

/// An approved repository or plugin hook's files as they were approved,
/// checked again before each run ([`Pinned::changed`]): a script edited
/// during the session does not run with the approval of the old one. A
/// plugin's hook is pinned by every file of its plugin's folder
/// ([`super::plugin_folder`]), and a repository's plugin's also by the
/// repository's files its command names.
#[derive(Debug, Clone, PartialEq)]
pub struct Pinned {
    /// The repository (files named relative to it).
    roots: Vec<PathBuf>,
    command: String,
    scripts: BTreeMap<String, String>,
    /// The plugin's folder, or the repository folders the command runs
    /// scripts from ([`program_folders`]).
    folders: Vec<super::plugin_folder::FolderFiles>,
}

impl Pinned {
    /// A repository hook, pinned also by every file of `folders` (as
    /// hashed for its approval).
    pub fn new(
        repo: &Path,
        command: &str,
        folders: Vec<super::plugin_folder::FolderFiles>,
    ) -> Pinned {
        Pinned {
            folders,
            ..Pinned::in_roots(vec![repo.to_path_buf()], command)
        }
    }

    /// Pinned by the files of its plugin folder (`folder`, as hashed for
    /// its approval) and, for a repository's plugin, in `repo`.
    pub fn for_plugin(
        repo: Option<&Path>,
        folder: super::plugin_folder::FolderFiles,
        command: &str,
    ) -> Pinned {
        let roots: Vec<PathBuf> = repo.map(Path::to_path_buf).into_iter().collect();
        Pinned {
            folders: vec![folder],
            ..Pinned::in_roots(roots, command)
        }
    }

    fn in_roots(roots: Vec<PathBuf>, command: &str) -> Pinned {
        let scripts = pinned_hashes(&roots, command);
        Pinned {
            roots,
            command: command.to_string(),
            scripts,
            folders: Vec::new(),
        }
    }

    /// The files (relative to the repository, or by full path for a
    /// plugin's) that are new, changed or gone since the approval; empty
    /// when the hook may still run.
    pub fn changed(&self) -> Vec<String> {
        let now = pinned_hashes(&self.roots, &self.command);
        let mut out: Vec<String> = self
            .scripts
            .iter()
            .filter(|(path, digest)| now.get(*path) != Some(*digest))
            .map(|(path, _)| path.clone())
            .collect();
        out.extend(
            now.keys()
                .filter(|path| !self.scripts.contains_key(*path))
                .cloned(),
        );
        for folder in &self.folders {
            out.extend(folder.changed());
        }
        out.sort();
        out.dedup();
        out
    }
}

/// `hash` of a plugin hook, covering also every file of its plugin's
/// folder: a script or a helper it sources changed between sessions waits
/// for approval.
pub fn plugin_hook_hash(hash: String, folder: &super::plugin_folder::FolderFiles) -> String {
    plugin_hook_hash_with(&hash, &plugin_files_json(folder))
}

/// The folder's part of [`plugin_hook_hash`], made once per folder: the
/// hooks of one file share it.
pub fn plugin_files_json(folder: &super::plugin_folder::FolderFiles) -> String {
    serde_json::to_string(&folder.digests).unwrap_or_default()
}

/// [`plugin_hook_hash`] with the folder's part made
/// ([`plugin_files_json`]); the same text `{"hook":…,"plugin_files":…}`.
pub fn plugin_hook_hash_with(hash: &str, files_json: &str) -> String {
    let hook = serde_json::Value::String(hash.to_string());
    let body = format!("{{\"hook\":{hook},\"plugin_files\":{files_json}}}");
    hex(&Sha256::digest(body.as_bytes()))
}

/// [`script_hashes`] of `command` in each of `roots`: the first root's
/// files by their relative path, the others' by their full path.
fn pinned_hashes(roots: &[PathBuf], command: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (i, root) in roots.iter().enumerate() {
        for (rel, digest) in script_hashes(root, command) {
            let key = if i == 0 {
                rel
            } else {
                root.join(rel).display().to_string()
            };
            out.insert(key, digest);
        }
    }
    out
}

/// Adds the file at `path`, or the files under the folder at `path`, when
/// its real path is inside `root` (the repository's real path); a file
/// outside it by its real path ([`super::outside`]).
fn add_path(root: &Path, path: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(real) = path.canonicalize() else {
        return;
    };
    let Ok(rel) = real.strip_prefix(root) else {
        // A file outside the repository (`../ci/lint.sh`, `/tmp/x.sh`):
        // by its real path, so a change stops the hook too.
        if super::outside::sealable(&real)
            && let Some(digest) = file_hash(&real)
        {
            out.insert(real.display().to_string(), digest);
        }
        return;
    };
    if real.is_file() {
        if let Some(digest) = file_hash(&real) {
            out.insert(rel.display().to_string(), digest);
        }
    } else if real.is_dir() && real != root {
        let files = walkdir::WalkDir::new(&real)
            .max_depth(DIR_DEPTH)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file());
        let mut count = 0usize;
        for entry in files {
            count += 1;
            if count <= DIR_FILES
                && let Ok(rel) = entry.path().strip_prefix(root)
                && let Some(digest) = file_hash(entry.path())
            {
                out.insert(rel.display().to_string(), digest);
            }
        }
        if count > DIR_FILES {
            out.insert(format!("{}/…", rel.display()), count.to_string());
        }
    }
}

/// `rest` of `$CLAUDE_PROJECT_DIR/rest` (or `${...}`, or `QUIRE_`).
pub(crate) fn project_relative(word: &str) -> Option<&str> {
    ["CLAUDE_PROJECT_DIR", "QUIRE_PROJECT_DIR"]
        .iter()
        .find_map(|var| {
            word.strip_prefix('$').and_then(|w| {
                w.strip_prefix(var)
                    .or_else(|| w.strip_prefix('{')?.strip_prefix(var)?.strip_prefix('}'))
            })
        })
        .map(|rest| rest.trim_start_matches('/'))
}

pub(crate) fn file_hash(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut hasher = Sha256::new();
    hasher.update(len.to_le_bytes());
    let mut buf = Vec::new();
    file.take(SCRIPT_LIMIT).read_to_end(&mut buf).ok()?;
    hasher.update(&buf);
    Some(hex(&hasher.finalize()))
}

/// What the user approved, to show it again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Approved {
    pub source: String,
    pub event: String,
    pub hook: String,
    /// The hook's identity, apart from its files
    /// ([`super::approved_before::identity`]): a changed guard approved
    /// before is known by it in a later session.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub identity: String,
    /// The matcher as written (`""` when it has none): a guard removed or
    /// changed since still blocks what it matched
    /// ([`super::gone_guards`]). `None` in approvals recorded before
    /// matchers were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matcher: Option<String>,
    /// Read from a Claude Code settings file: its matcher names Claude's
    /// tools (`Bash`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub claude: bool,
    /// Its `if` rule (`Bash(git push:*)`).
    #[serde(default, rename = "if", skip_serializing_if = "Option::is_none")]
    pub if_rule: Option<String>,
}

/// `$QUIRE_HOME/trusted_hooks.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TrustStore {
    #[serde(default)]
    pub trusted: BTreeMap<String, Approved>,
}

impl TrustStore {
    pub fn path(home: &Path) -> PathBuf {
        home.join(FILE)
    }

    pub fn load(home: &Path) -> Result<TrustStore, HookError> {
        let path = Self::path(home);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => return Err(HookError::Read { path, source }),
        };
        serde_json::from_str(&text).map_err(|e| HookError::Invalid {
            path: path.display().to_string(),
            message: format!(
                "{e}; fix or delete the file (approved hooks will be asked for again)"
            ),
        })
    }

    pub fn contains(&self, hash: &str) -> bool {
        self.trusted.contains_key(hash)
    }

    pub fn approve(&mut self, hook: &super::Hook) {
        self.trusted.insert(
            hook.hash.clone(),
            Approved {
                source: hook.source.display().to_string(),
                event: hook.event.as_str().to_string(),
                hook: hook.def.label(),
                identity: super::approved_before::identity(hook),
                matcher: Some(hook.def.matcher.clone().unwrap_or_default()),
                claude: hook.claude,
                if_rule: hook.def.if_rule.clone(),
            },
        );
    }

    pub fn save(&self, home: &Path) -> Result<(), HookError> {
        let path = Self::path(home);
        let err = |message: String| HookError::Write {
            path: path.display().to_string(),
            message,
        };
        std::fs::create_dir_all(home).map_err(|e| err(e.to_string()))?;
        let text = serde_json::to_string_pretty(self).map_err(|e| err(e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| err(e.to_string()))?;
        std::fs::rename(&tmp, &path).map_err(|e| err(e.to_string()))
    }
}

/// `command` without what its output redirections write to (`> /tmp/seen`,
/// `2>>log`, `&>out`): a file written, not run; sealing it would stop the
/// hook after its own first run.
fn without_output_targets(command: &str) -> String {
    let operator =
        |c: &char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '<' | '>');
    let mut out = String::with_capacity(command.len());
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '>' {
            out.push(c);
            continue;
        }
        out.push(' ');
        // `>>`, `>|`, `>&`.
        while chars.next_if(|c| matches!(c, '>' | '|' | '&')).is_some() {}
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        while chars.next_if(|c| !operator(c)).is_some() {}
    }
    out
}

/// The words of a shell command line as paths would be read from it:
/// split at blanks and at `; & | ( ) < >`, quotes and backquotes dropped,
/// a leading `=` (of `--flag=path`) trimmed.
pub(crate) fn command_words(command: &str) -> Vec<String> {
    command
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '<' | '>'))
        .map(|word| {
            let word: String = word
                .chars()
                .filter(|c| !matches!(c, '"' | '\'' | '`'))
                .collect();
            word.trim_start_matches('=').to_string()
        })
        .collect()
}

#[cfg(test)]
#[path = "trust_tests.rs"]
mod tests;
