//! Where commands come from, in order (the first of a name wins):
//! the project's `.quire/commands/` and `.claude/commands/` (from the
//! working directory up to the repository root, only in a trusted
//! repository), `~/.quire/commands/`, Claude Code's `~/.claude/commands/`,
//! Codex's `~/.codex/prompts/`, then
//! plugins, whose commands are named `PLUGIN:name` and so never shadow the
//! user's own. Sub-folders group files; the name is the file's stem.

use std::path::{Path, PathBuf};

use super::parse::read_command;
use super::{CommandSource, SlashCommand};

/// How deep sub-folders of a commands folder are read.
const MAX_DEPTH: usize = 3;

/// A plugin's commands folder, or one command file its manifest names.
#[derive(Debug, Clone)]
pub struct PluginCommands {
    pub plugin: String,
    /// A folder of commands, or one `.md` file.
    pub dir: PathBuf,
    /// The plugin's folder: `${CLAUDE_PLUGIN_ROOT}` (and `${PLUGIN_ROOT}`)
    /// in a command's body and `allowed-tools` become it.
    pub root: PathBuf,
}

/// The folders to read.
#[derive(Debug, Clone, Default)]
pub struct CommandRoots {
    /// Project folders, nearest first: `.quire/commands` and
    /// `.claude/commands` are read in each.
    pub project: Vec<PathBuf>,
    /// quire's home (`~/.quire`).
    pub quire_home: Option<PathBuf>,
    /// Claude Code's user folder (`$CLAUDE_CONFIG_DIR`, else `~/.claude`):
    /// its `commands/`.
    pub claude_home: Option<PathBuf>,
    /// Codex's home (`$CODEX_HOME`, else `~/.codex`).
    pub codex_home: Option<PathBuf>,
    pub plugins: Vec<PluginCommands>,
}

impl CommandRoots {
    /// The standard folders for a session in `cwd`. The project's folders
    /// are read only when it is `trusted`.
    pub fn standard(cwd: &Path, trusted: bool, quire_home: &Path) -> CommandRoots {
        let mut project = Vec::new();
        if trusted {
            for dir in cwd.ancestors() {
                project.push(dir.to_path_buf());
                if dir.join(".git").exists() {
                    break;
                }
            }
            if !project.last().is_some_and(|d| d.join(".git").exists()) {
                project.truncate(1);
            }
        }
        CommandRoots {
            project,
            quire_home: Some(quire_home.to_path_buf()),
            claude_home: crate::config::other_tools::claude_dir(),
            codex_home: crate::config::other_tools::codex_dir(),
            plugins: Vec::new(),
        }
    }
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovered {
    pub commands: Vec<SlashCommand>,
    /// Files that could not be used, and shadowed names, for people.
    pub problems: Vec<String>,
}

/// Reads every command of `roots`.
pub fn discover(roots: &CommandRoots) -> Discovered {
    let mut found = Discovered::default();
    let mut folders: Vec<(PathBuf, CommandSource, Option<PluginOf>)> = Vec::new();
    for dir in &roots.project {
        folders.push((dir.join(".quire/commands"), CommandSource::Project, None));
        folders.push((
            dir.join(".claude/commands"),
            CommandSource::ProjectClaude,
            None,
        ));
    }
    if let Some(home) = &roots.quire_home {
        folders.push((home.join("commands"), CommandSource::User, None));
    }
    if let Some(claude) = &roots.claude_home {
        folders.push((claude.join("commands"), CommandSource::UserClaude, None));
    }
    if let Some(codex) = &roots.codex_home {
        folders.push((codex.join("prompts"), CommandSource::CodexPrompts, None));
    }
    for p in &roots.plugins {
        folders.push((
            p.dir.clone(),
            CommandSource::Plugin(p.plugin.clone()),
            Some((p.plugin.as_str(), p.root.as_path())),
        ));
    }
    for (dir, source, plugin) in folders {
        read_folder(&dir, &source, plugin, &mut found);
    }
    found
}

/// A plugin folder's plugin: its name and its folder.
type PluginOf<'a> = (&'a str, &'a Path);

fn read_folder(
    dir: &Path,
    source: &CommandSource,
    plugin: Option<PluginOf>,
    found: &mut Discovered,
) {
    // A plugin's manifest may name one command file: read as a folder's.
    let plugin_file = plugin.is_some() && dir.is_file();
    if !dir.is_dir() && !plugin_file {
        return;
    }
    let walk = walkdir::WalkDir::new(dir)
        .max_depth(MAX_DEPTH)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walk.into_iter().filter_map(Result::ok) {
        let path = entry.path();
        if entry.file_type().is_dir() || path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        if entry.path_is_symlink() {
            found.problems.push(format!(
                "{}: a symbolic link; commands must be plain files — skipped",
                path.display()
            ));
            continue;
        }
        if !entry.file_type().is_file() {
            found.problems.push(format!(
                "{}: {}; commands must be plain files — skipped",
                path.display(),
                crate::file_kind::name(entry.file_type())
            ));
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if !is_command_name(stem) {
            found.problems.push(format!(
                "{}: the name '{stem}' cannot be a command (letters, digits, '-', '_' and '.'); rename the file",
                path.display()
            ));
            continue;
        }
        let name = match plugin {
            Some((p, _)) => format!("{p}:{stem}"),
            None => stem.to_string(),
        };
        if let Some(first) = found.commands.iter().find(|c| c.name == name) {
            // The same file named twice (a manifest's path inside the
            // plugin's `commands/`): read once.
            if first.path == path {
                continue;
            }
            found.problems.push(format!(
                "{}: /{name} is shadowed by {}",
                path.display(),
                first.path.display()
            ));
            continue;
        }
        match read_command(path, name, source.clone()) {
            Ok(mut c) => {
                if let Some((name, root)) = plugin {
                    plugin_root(&mut c, name, root);
                }
                for w in &c.warnings {
                    found.problems.push(format!("{}: {w}", path.display()));
                }
                found.commands.push(c)
            }
            Err(e) => found.problems.push(e.to_string()),
        }
    }
}

/// `${CLAUDE_PLUGIN_ROOT}` / `${PLUGIN_ROOT}` in a plugin command's body
/// and `allowed-tools` become the plugin's folder, `${CLAUDE_PLUGIN_DATA}`
/// / `${PLUGIN_DATA}` its data folder, before any check (in a rule as one
/// shell word: rules are read as command lines).
fn plugin_root(c: &mut super::SlashCommand, plugin: &str, root: &Path) {
    let data = crate::plugins::bundle::mcp::data_dir(&crate::config::quire_home(), plugin);
    let sub = |s: &str, root: &str, data: &str| {
        s.replace("${CLAUDE_PLUGIN_ROOT}", root)
            .replace("${PLUGIN_ROOT}", root)
            .replace("${CLAUDE_PLUGIN_DATA}", data)
            .replace("${PLUGIN_DATA}", data)
    };
    let (text, data_text) = (root.display().to_string(), data.display().to_string());
    c.body = sub(&c.body, &text, &data_text);
    let word = super::allowed::shell_word(&text);
    let data_word = super::allowed::shell_word(&data_text);
    for t in &mut c.allowed_tools {
        *t = sub(t, &word, &data_word);
    }
    c.plugin_root = Some(root.to_path_buf());
    c.plugin_data = Some(data);
}

/// Letters, digits, `-`, `_`, `.`, not starting with `.` or `-`.
pub fn is_command_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).ok();
        }
        std::fs::write(path, text).ok();
    }

    #[test]
    fn project_first_then_user_then_codex_then_namespaced_plugins() {
        let t = tempfile::tempdir().ok();
        let Some(t) = t else { return };
        let root = t.path();
        write(
            &root.join("repo/.claude/commands/fix.md"),
            "Fix from claude\n",
        );
        write(
            &root.join("repo/.quire/commands/fix.md"),
            "Fix from quire\n",
        );
        write(&root.join("home/commands/fix.md"), "Fix from home\n");
        write(&root.join("home/commands/notes/todo.md"), "Todo\n");
        write(&root.join("codex/prompts/plan.md"), "Plan\n");
        write(&root.join("claude/commands/fix.md"), "Fix from ~/.claude\n");
        write(&root.join("claude/commands/review.md"), "Review\n");
        write(&root.join("plug/commands/fix.md"), "Plugin fix\n");
        let roots = CommandRoots {
            project: vec![root.join("repo")],
            quire_home: Some(root.join("home")),
            claude_home: Some(root.join("claude")),
            codex_home: Some(root.join("codex")),
            plugins: vec![PluginCommands {
                plugin: "tools".into(),
                root: PathBuf::new(),
                dir: root.join("plug/commands"),
            }],
        };
        let d = discover(&roots);
        let names: Vec<(&str, &str)> = d
            .commands
            .iter()
            .map(|c| (c.name.as_str(), c.description.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("fix", "Fix from quire"),
                ("todo", "Todo"),
                ("review", "Review"),
                ("plan", "Plan"),
                ("tools:fix", "Plugin fix")
            ]
        );
        assert_eq!(d.problems.len(), 3, "{:?}", d.problems);
    }
}
