//! What a source folder holds: the skill or plugin it is, or each one
//! directly inside it, with the name each is installed under.

use std::path::{Path, PathBuf};

use super::lock::Kind;
use super::{ShareError, check};

/// A repository's name as a plugin name: lowercase letters, digits and
/// `-` (`Team_Skills` is `team-skills`); `None` when nothing is left.
pub(super) fn plugin_name(repo: &str) -> Option<String> {
    let mut out = String::new();
    for c in repo.chars() {
        match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9') => out.push(c),
            _ if !out.is_empty() && !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(64).collect();
    let out = out.trim_end_matches('-').to_string();
    Some(out).filter(|n| !n.is_empty())
}

/// One skill or plugin found in a source.
pub(super) struct Item {
    pub kind: Kind,
    pub name: String,
    pub dir: PathBuf,
    /// Its folder's name when found inside the source folder.
    pub child: Option<String>,
}

/// The source folder itself when it is a skill or a plugin, else each
/// folder directly inside it that is one.
pub(super) fn detect(content: &Path, hint: Option<&str>) -> Result<Vec<Item>, ShareError> {
    if let Some(item) = item_at(content, None, hint)? {
        return Ok(vec![item]);
    }
    let mut children: Vec<PathBuf> = std::fs::read_dir(content)
        .map_err(|e| ShareError::Io {
            path: content.to_path_buf(),
            message: e.to_string(),
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    children.sort();
    let mut items = Vec::new();
    for c in children {
        let child = c
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(item) = item_at(&c, Some(child), None)? {
            items.push(item);
        }
    }
    if items.is_empty() {
        return Err(ShareError::Invalid(format!(
            "{} holds no skill (SKILL.md), WASM plugin (plugin.toml) or plugin bundle (.claude-plugin/plugin.json, plugin.json, .codex-plugin/plugin.json, or Claude Code's skills/, commands/, agents/, hooks/hooks.json, .mcp.json), nor do the folders in it",
            std::fs::canonicalize(content)
                .unwrap_or_else(|_| content.to_path_buf())
                .display()
        )));
    }
    Ok(items)
}

fn item_at(
    dir: &Path,
    child: Option<String>,
    hint: Option<&str>,
) -> Result<Option<Item>, ShareError> {
    let skill_file = dir.join("SKILL.md");
    let (kind, name) = if let Some(name) = super::bundle_entry::bundle_name(dir, hint)? {
        (Kind::Bundle, name)
    } else if skill_file.is_file() {
        let origin = crate::skills::parse::Origin {
            dir,
            file: &skill_file,
            root: dir,
            scope: crate::skills::Scope::Project,
        };
        let skill = crate::skills::parse::read_skill(origin)
            .map_err(|e| ShareError::Invalid(format!("{}: {e}", skill_file.display())))?;
        (Kind::Skill, skill.name)
    } else if dir.join(crate::plugins::manifest::MANIFEST_FILE).is_file() {
        let m = crate::plugins::manifest::load(&dir.join(crate::plugins::manifest::MANIFEST_FILE))
            .map_err(|e| ShareError::Invalid(e.to_string()))?;
        (Kind::Plugin, m.name)
    } else {
        return Ok(None);
    };
    check::name(&name, dir)?;
    Ok(Some(Item {
        kind,
        name,
        dir: dir.to_path_buf(),
        child,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn repository_names_become_plugin_names() {
        for (repo, want) in [
            ("team-skills", Some("team-skills")),
            ("Team_Skills", Some("team-skills")),
            (".tmpAb9", Some("tmpab9")),
            ("...", None),
        ] {
            assert_eq!(super::plugin_name(repo).as_deref(), want, "{repo}");
        }
    }
}
