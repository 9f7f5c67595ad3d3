//! Reading a bundle folder: each manifest found adds its layout and the
//! folders it names; default folders (`skills/`, `commands/`, `agents/`,
//! `hooks/hooks.json`, `mcp.json` / `.mcp.json`, `dev.quire/`) are used
//! when present.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::paths::resolve;
use super::{Bundle, BundleError, CLIENT_FOLDER, Layout, McpFile, Problem};
use crate::plugins::manifest::{self as wasm_manifest, MANIFEST_FILE};

/// The fields Agent Plugins 1.0 allows in `plugin.json`.
pub const AGENT_PLUGINS_FIELDS: [&str; 10] = [
    "$schema",
    "name",
    "version",
    "description",
    "author",
    "homepage",
    "repository",
    "license",
    "keywords",
    "extensions",
];

/// Manifest files bigger than this are refused.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

/// Reads the bundle in `root`; a manifest that cannot be read is an error.
pub fn detect(root: &Path) -> Result<Bundle, BundleError> {
    detect_with(root, false)
}

/// [`detect`] that goes on past a manifest it cannot read (recorded in
/// `problems`; the plugin named after its folder), so `validate` lists
/// every other problem too. Never for loading: such a bundle is refused.
pub fn detect_all(root: &Path) -> Result<Bundle, BundleError> {
    detect_with(root, true)
}

fn detect_with(root: &Path, go_on: bool) -> Result<Bundle, BundleError> {
    let mut b = Bundle {
        root: root.to_path_buf(),
        ..Bundle::default()
    };
    let mut names: Vec<(String, PathBuf)> = Vec::new();
    // A manifest's fields, or (going on) None with its error recorded.
    let read = |file: &Path, b: &mut Bundle| match read_json(file) {
        Ok(m) => Ok(Some(m)),
        Err(BundleError::Invalid { file, message }) if go_on => {
            b.problems.push(Problem { file, message });
            Ok(None)
        }
        Err(e) => Err(e),
    };
    let ap = root.join("plugin.json");
    if ap.is_file() {
        let m = read(&ap, &mut b)?;
        b.layouts.push(Layout::AgentPlugins);
        if let Some(m) = m {
            agent_plugins(&ap, &m, &mut b);
            take_name(&ap, &m, &mut names, &mut b);
        }
    }
    let claude = root.join(".claude-plugin/plugin.json");
    if claude.is_file() {
        let m = read(&claude, &mut b)?;
        b.layouts.push(Layout::ClaudeCode);
        if let Some(m) = m {
            claude_code(&claude, &m, &mut b);
            take_name(&claude, &m, &mut names, &mut b);
        }
    }
    let codex = root.join(".codex-plugin/plugin.json");
    if codex.is_file() {
        let m = read(&codex, &mut b)?;
        b.layouts.push(Layout::Codex);
        if let Some(m) = m {
            codex_manifest(&codex, &m, &mut b);
            take_name(&codex, &m, &mut names, &mut b);
        }
    }
    let toml = root.join(MANIFEST_FILE);
    if toml.is_file() {
        let m = match wasm_manifest::load(&toml) {
            Ok(m) => Some(m),
            Err(e) if go_on => {
                b.problems.push(Problem::of_manifest(&toml, &e));
                None
            }
            Err(e) => {
                let p = Problem::of_manifest(&toml, &e);
                return Err(BundleError::Invalid {
                    file: p.file,
                    message: p.message,
                });
            }
        };
        if b.layouts.is_empty() {
            b.layouts.push(Layout::Wasm);
        }
        if let Some(m) = m {
            b.components.push(root.to_path_buf());
            if b.description.is_none() {
                b.description = Some(m.description.clone());
            }
            names.push((m.name.clone(), toml));
        }
    }
    if b.layouts.is_empty() && has_standard_layout(root) {
        // Claude Code's manifest is optional: the standard folders make
        // the plugin, its name is its folder's (installed plugins live in
        // a folder named after their marketplace entry).
        b.layouts.push(Layout::ClaudeCode);
        let folder = folder_name(root);
        if !is_plugin_name(&folder) {
            b.problems.push(Problem {
                file: root.to_path_buf(),
                message: format!(
                    "has no manifest, so the plugin is named after its folder, but '{folder}' is not a plugin name: lowercase letters, digits and '-'; add .claude-plugin/plugin.json with a \"name\""
                ),
            });
        }
    }
    let name = match names.first() {
        Some((n, _)) => n.clone(),
        // A manifest without a usable name: the folder's name, so every
        // other problem is still reported.
        None if !b.layouts.is_empty() => folder_name(root),
        None => return Err(BundleError::NoManifest(root.to_path_buf())),
    };
    for (other, file) in names.iter().skip(1) {
        if *other != name {
            b.problems.push(Problem {
                file: file.clone(),
                message: format!(
                    "names the plugin '{other}', but another manifest names it '{name}'; use one name"
                ),
            });
        }
    }
    b.name = name;
    defaults(&mut b);
    super::hook_paths::refused(&mut b);
    Ok(b)
}

fn folder_name(root: &Path) -> String {
    root.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A folder without any manifest that has one of Claude Code's standard
/// plugin parts: `skills/`, `commands/`, `agents/`, `hooks/hooks.json`,
/// `.mcp.json` (and no `SKILL.md` or `plugin.toml` of its own).
pub fn has_standard_layout(root: &Path) -> bool {
    let manifests = [
        "plugin.json",
        ".claude-plugin/plugin.json",
        ".codex-plugin/plugin.json",
        MANIFEST_FILE,
        "SKILL.md",
    ];
    !manifests.iter().any(|m| root.join(m).exists())
        && (["skills", "commands", "agents"]
            .iter()
            .any(|d| root.join(d).is_dir())
            || ["hooks/hooks.json", ".mcp.json"]
                .iter()
                .any(|f| root.join(f).is_file()))
}

fn read_json(file: &Path) -> Result<Map<String, Value>, BundleError> {
    let invalid = |message: String| BundleError::Invalid {
        file: file.to_path_buf(),
        message,
    };
    let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    if len > MAX_MANIFEST_BYTES {
        return Err(invalid(format!("{len} bytes is too large for a manifest")));
    }
    let text = crate::file_kind::read_to_string(file)
        .map_err(|e| invalid(format!("cannot read it: {e}")))?;
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(invalid("must be a JSON object".into())),
        Err(e) => Err(invalid(format!("is not valid JSON: {e}"))),
    }
}

fn take_name(
    file: &Path,
    m: &Map<String, Value>,
    names: &mut Vec<(String, PathBuf)>,
    b: &mut Bundle,
) {
    match m.get("name").and_then(Value::as_str) {
        Some(n) if is_plugin_name(n) => names.push((n.to_string(), file.to_path_buf())),
        Some(n) => b.problems.push(Problem {
            file: file.to_path_buf(),
            message: format!(
                "\"name\": \"{n}\" is not a plugin name: lowercase letters, digits and '-', at most 64 characters"
            ),
        }),
        None => b.problems.push(Problem {
            file: file.to_path_buf(),
            message: match m.get("name") {
                Some(v) => format!(
                    "\"name\" must be a string such as \"my-plugin\" (found {})",
                    json_kind(v)
                ),
                None => "\"name\" is missing; every manifest needs the plugin's name".into(),
            },
        }),
    }
    // Claude Code's types for the descriptive fields; a wrong one is said
    // and the field left out.
    for (key, want, fits) in [
        (
            "version",
            "a string such as \"1.2.0\"",
            Value::is_string as fn(&Value) -> bool,
        ),
        ("description", "a string", Value::is_string),
        (
            "author",
            "an object such as {\"name\": \"Ada\", \"email\": \"ada@example.com\"}",
            Value::is_object,
        ),
        ("homepage", "a URL string", Value::is_string),
        ("license", "a string such as \"MIT\"", Value::is_string),
        ("keywords", "a list of strings", |v: &Value| {
            v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
        }),
    ] {
        if let Some(v) = m.get(key)
            && !fits(v)
        {
            b.problems.push(Problem {
                file: file.to_path_buf(),
                message: format!(
                    "\"{key}\" must be {want} (found {}); it is ignored",
                    json_kind(v)
                ),
            });
        }
    }
    if b.version.is_none() {
        b.version = m.get("version").and_then(Value::as_str).map(str::to_string);
    }
    if b.description.is_none() {
        b.description = m
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
}

/// What a JSON value is, in words: "a list", "a number".
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Lowercase letters, digits and `-`, 1 to 64 characters, not starting or
/// ending with `-`.
pub fn is_plugin_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 64
        && !n.starts_with('-')
        && !n.ends_with('-')
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn agent_plugins(file: &Path, m: &Map<String, Value>, b: &mut Bundle) {
    match m.get("$schema").and_then(Value::as_str) {
        Some(s) if s == super::PLUGIN_SCHEMA_1_0 => {}
        Some(s) => b.problems.push(Problem {
            file: file.to_path_buf(),
            message: format!(
                "\"$schema\": \"{s}\" is not a supported Agent Plugins schema; use \"{}\"",
                super::PLUGIN_SCHEMA_1_0
            ),
        }),
        None => b.problems.push(Problem {
            file: file.to_path_buf(),
            message: format!(
                "\"$schema\" is missing; add \"$schema\": \"{}\"",
                super::PLUGIN_SCHEMA_1_0
            ),
        }),
    }
    for key in m
        .keys()
        .filter(|k| !AGENT_PLUGINS_FIELDS.contains(&k.as_str()))
    {
        b.problems.push(Problem {
            file: file.to_path_buf(),
            message: format!(
                "unknown field \"{key}\" (Agent Plugins 1.0 allows {}); it is ignored",
                AGENT_PLUGINS_FIELDS.join(", ")
            ),
        });
    }
    let mcp = b.root.join("mcp.json");
    if mcp.is_file() {
        b.mcp.push(McpFile {
            path: mcp,
            layout: Layout::AgentPlugins,
            inline: None,
        });
    }
}

fn claude_code(file: &Path, m: &Map<String, Value>, b: &mut Bundle) {
    b.skills_declared |= m.contains_key("skills");
    for (key, target) in [("commands", 0), ("agents", 1), ("skills", 2)] {
        for p in named_paths(file, m, key, b) {
            if !named_kind_fits(file, key, &p, b) {
                continue;
            }
            match target {
                0 => b.commands.push(p),
                1 => b.agents.push(p),
                _ => {
                    b.named_skills.push(p.clone());
                    b.skills.push(p);
                }
            }
        }
    }
    hooks(file, m, b);
    mcp_servers(file, m, Layout::ClaudeCode, b);
}

fn codex_manifest(file: &Path, m: &Map<String, Value>, b: &mut Bundle) {
    b.skills_declared |= m.contains_key("skills");
    for p in named_paths(file, m, "skills", b) {
        if !named_kind_fits(file, "skills", &p, b) {
            continue;
        }
        b.named_skills.push(p.clone());
        b.skills.push(p);
    }
    hooks(file, m, b);
    mcp_servers(file, m, Layout::Codex, b);
}

/// Whether the path `key` names is of a kind it loads: `commands` and
/// `agents` a folder or one `.md` file (loaded as a folder's file is,
/// `PLUGIN:name`), `skills` a folder. Else a problem naming the entry,
/// and the path is not loaded.
fn named_kind_fits(file: &Path, key: &str, path: &Path, b: &mut Bundle) -> bool {
    let markdown = path.is_file() && path.extension().is_some_and(|e| e == "md");
    let (fits, is_not, want) = match key {
        "skills" => (
            path.is_dir(),
            "not a folder",
            "a folder of skills (NAME/SKILL.md)",
        ),
        _ => (
            path.is_dir() || markdown,
            "neither a folder nor a .md file",
            "a folder or one .md file",
        ),
    };
    if !fits {
        let rel = path.strip_prefix(&b.root).unwrap_or(path).display();
        let message = format!(
            "\"{key}\" names \"{rel}\", which is {is_not}, so it is not loaded; name {want}"
        );
        not_loaded(b, file, message);
    }
    fits
}

/// `hooks`: the paths of hook files, or the hooks written inline (the
/// events map, or it wrapped in `{"hooks": {...}}` as in hooks.json): then
/// the manifest itself is the hook file, read by
/// `hooks::claude::read_settings_skipping` like any other.
fn hooks(file: &Path, m: &Map<String, Value>, b: &mut Bundle) {
    if let Some(Value::Object(_)) = m.get("hooks") {
        if !b.hooks.iter().any(|h| h == file) {
            b.hooks.push(file.to_path_buf());
        }
        return;
    }
    for p in named_paths(file, m, "hooks", b) {
        if !b.hooks.contains(&p) {
            b.hooks.push(p);
        }
    }
}

/// `mcpServers`: the paths of files, or the servers written inline.
fn mcp_servers(file: &Path, m: &Map<String, Value>, layout: Layout, b: &mut Bundle) {
    if let Some(inline @ Value::Object(_)) = m.get("mcpServers") {
        b.mcp.push(McpFile {
            path: file.to_path_buf(),
            layout,
            inline: Some(inline.clone()),
        });
        return;
    }
    for p in named_paths(file, m, "mcpServers", b) {
        b.mcp.push(McpFile {
            path: p,
            layout,
            inline: None,
        });
    }
}

/// A part the manifest `file` declares that is not loaded: a problem, and
/// shown by `plugins install` and `list`.
fn not_loaded(b: &mut Bundle, file: &Path, message: String) {
    let p = Problem {
        file: file.to_path_buf(),
        message,
    };
    b.not_loaded.push(p.clone());
    b.problems.push(p);
}

/// The paths `key` names (a string or a list of strings), each checked.
fn named_paths(file: &Path, m: &Map<String, Value>, key: &str, b: &mut Bundle) -> Vec<PathBuf> {
    let raw: Vec<&str> = match m.get(key) {
        None => return Vec::new(),
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::Object(_)) => {
            let message = format!(
                "\"{key}\" is written inline, so it is not loaded: quire reads it from a path — move it into its own folder and name that path"
            );
            not_loaded(b, file, message);
            return Vec::new();
        }
        Some(_) => {
            b.problems.push(Problem {
                file: file.to_path_buf(),
                message: format!("\"{key}\" must be a path or a list of paths"),
            });
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for rel in raw {
        match resolve(&b.root, rel) {
            Ok(p) if p.exists() => out.push(p),
            Ok(_) => b.problems.push(Problem {
                file: file.to_path_buf(),
                message: format!("\"{key}\" names \"{rel}\", which does not exist"),
            }),
            // A part the manifest declares that is refused: not loaded.
            Err(message) => not_loaded(b, file, format!("\"{key}\": {message}; it is not loaded")),
        }
    }
    out
}

/// The conventional folders, when present and not named already.
fn defaults(b: &mut Bundle) {
    let root = b.root.clone();
    let client = root.join(CLIENT_FOLDER);
    let add = |list: &mut Vec<PathBuf>, p: PathBuf| {
        if p.exists() && super::paths::stays_inside(&root, &p) && !list.contains(&p) {
            list.push(p);
        }
    };
    // As in Claude Code, skill paths a manifest names replace `skills/`
    // (anthropics/skills' entries each name a few of its root's skills),
    // also when none of them loads: one renamed folder must not turn a
    // one-skill plugin into every skill of the collection.
    if b.named_skills.is_empty() && !b.skills_declared {
        add(&mut b.skills, root.join("skills"));
    }
    add(&mut b.commands, root.join("commands"));
    add(&mut b.commands, client.join("commands"));
    add(&mut b.agents, root.join("agents"));
    add(&mut b.agents, client.join("agents"));
    add(&mut b.hooks, root.join("hooks/hooks.json"));
    add(&mut b.hooks, client.join("hooks/hooks.json"));
    let dot_mcp = root.join(".mcp.json");
    if dot_mcp.is_file()
        && !b.mcp.iter().any(|m| m.path == dot_mcp)
        && super::paths::stays_inside(&root, &dot_mcp)
    {
        b.mcp.push(McpFile {
            path: dot_mcp,
            layout: Layout::ClaudeCode,
            inline: None,
        });
    }
    if let Ok(entries) = std::fs::read_dir(client.join("components")) {
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join(MANIFEST_FILE).is_file() && super::paths::stays_inside(&root, p))
            .collect();
        dirs.sort();
        b.components.extend(dirs);
    }
}
