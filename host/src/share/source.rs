//! Where shared skills and plugins come from: a local folder or a git
//! repository (a branch, tag or commit, and a folder inside it; see
//! [`super::git`]).

use std::path::{Path, PathBuf};

use super::ShareError;

/// A source as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A folder (relative paths are from the repository root).
    Path(String),
    /// A git repository.
    Git(String),
    /// Skills served by a configured MCP server: all, or the one named.
    Mcp {
        text: String,
        server: String,
        skill: Option<String>,
    },
}

impl Source {
    /// Git for URLs (`https://`, `http://`, `ssh://`, `git://`, `file://`,
    /// `git@host:`), a `git+` prefix, or a name ending in `.git`; a folder
    /// otherwise.
    pub fn parse(text: &str) -> Source {
        if let Some(rest) = text.strip_prefix("mcp:") {
            let (server, skill) = match rest.split_once('/') {
                Some((s, k)) => (s, Some(k.to_string()).filter(|k| !k.is_empty())),
                None => (rest, None),
            };
            return Source::Mcp {
                text: text.to_string(),
                server: server.to_string(),
                skill,
            };
        }
        if let Some(rest) = text.strip_prefix("git+") {
            return Source::Git(rest.to_string());
        }
        let git = ["https://", "http://", "ssh://", "git://", "file://", "git@"]
            .iter()
            .any(|p| text.starts_with(p))
            || text.trim_end_matches('/').ends_with(".git");
        if git {
            Source::Git(text.to_string())
        } else {
            Source::Path(text.to_string())
        }
    }

    /// A git repository's name: the last part of its URL without `.git`
    /// (`team-skills` for `https://host/org/team-skills.git`).
    pub fn repo_name(&self) -> Option<&str> {
        let Source::Git(url) = self else {
            return None;
        };
        let url = url.trim_end_matches('/');
        let url = url.strip_suffix(".git").unwrap_or(url);
        url.rsplit(['/', ':'])
            .next()
            .filter(|n| !n.is_empty() && *n != "." && *n != "..")
    }

    /// Refuses a git URL holding a credential ([`shown_url`] masks one):
    /// a password or a token as its user information
    /// (`https://user:TOKEN@host/…`, `https://TOKEN@host/…`) or a query
    /// parameter named like one (`?token=…`). `record` (`quire.lock`,
    /// `marketplaces.json`) keeps the source as written, and every
    /// message shows it.
    ///
    /// [`shown_url`]: crate::config::shown_url::shown_url
    pub fn refuse_secret(&self, record: &str) -> Result<(), ShareError> {
        let Source::Git(url) = self else {
            return Ok(());
        };
        let shown = crate::config::shown_url::shown_url(url);
        if shown == url.as_str() {
            return Ok(());
        }
        Err(ShareError::Invalid(format!(
            "{shown} holds a password or token in its URL, which {record} would record and every message show; give the URL without it and let git find the credentials: a git credential helper (`git config --global credential.helper …`, or your host's), or an SSH URL (git@host:org/repo.git)"
        )))
    }

    pub fn text(&self) -> &str {
        match self {
            Source::Path(p) | Source::Git(p) => p,
            Source::Mcp { text, .. } => text,
        }
    }
}

/// A folder source as the lock records it: `path` (relative to `cwd` when
/// relative) written relative to the repository `root`, with `..` where
/// needed, so the lock works in every clone; absolute when it shares no
/// folder with the root.
pub fn folder_from(cwd: &Path, root: &Path, path: &str) -> String {
    let abs = std::fs::canonicalize(cwd.join(path)).unwrap_or_else(|_| cwd.join(path));
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let a: Vec<_> = abs.components().collect();
    let r: Vec<_> = root.components().collect();
    let common = a.iter().zip(&r).take_while(|(x, y)| x == y).count();
    if common <= 1 {
        return abs.display().to_string();
    }
    let mut parts: Vec<String> = vec!["..".to_string(); r.len() - common];
    parts.extend(
        a[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// A source's files on disk; a git checkout is removed when dropped.
pub struct Fetched {
    /// The folder holding the source (the checkout, or the local folder).
    pub dir: PathBuf,
    /// The commit checked out (git).
    pub commit: Option<String>,
    /// Removes the checkout when dropped, or when quire is interrupted.
    _checkout: Option<super::leftovers::Scratch>,
}

/// Gets `source` at `revision` (a branch, tag or commit; the default
/// branch when `None`; ignored for folders). `scratch` is where checkouts
/// go.
pub fn fetch(
    source: &Source,
    revision: Option<&str>,
    ctx: &super::ShareContext,
) -> Result<Fetched, ShareError> {
    let (root, scratch) = (ctx.root.as_path(), ctx.scratch.as_path());
    match source {
        Source::Mcp { server, skill, .. } => {
            let spec = ctx.mcp.iter().find(|s| &s.name == server).ok_or_else(|| {
                let names: Vec<&str> = ctx.mcp.iter().map(|s| s.name.as_str()).collect();
                ShareError::Invalid(format!(
                    "no MCP server named '{server}' is configured (configured: {}); add it with `quire mcp add`",
                    if names.is_empty() { "none".to_string() } else { names.join(", ") }
                ))
            })?;
            if let Some(k) = skill
                && !super::check::is_safe_name(k)
            {
                return Err(ShareError::Invalid(format!(
                    "{}: '{}' cannot be a skill's folder name ({}); name one skill the server serves, or none for all",
                    source.text().escape_debug(),
                    k.escape_debug(),
                    super::check::NAME_RULE
                )));
            }
            let dir = scratch.join(format!("mcp-{}-{}", std::process::id(), fastrand::u64(..)));
            let fetched = Fetched {
                dir: match skill {
                    Some(k) => dir.join(k),
                    None => dir.clone(),
                },
                commit: None,
                _checkout: Some(super::leftovers::Scratch::new(dir.clone())),
            };
            super::mcp_source::fetch_skills(spec, skill.as_deref(), &dir)?;
            Ok(fetched)
        }
        Source::Path(p) => {
            let dir = root.join(p);
            if ctx.layout == super::Layout::Project {
                super::check::shared_folder(root, p, &dir)?;
            }
            if !dir.is_dir() {
                return Err(ShareError::Invalid(format!(
                    "{} is not a folder (a source is a folder or a git URL such as https://host/org/repo.git)",
                    dir.display()
                )));
            }
            Ok(Fetched {
                dir,
                commit: None,
                _checkout: None,
            })
        }
        Source::Git(url) => {
            std::fs::create_dir_all(scratch).map_err(|e| ShareError::Io {
                path: scratch.to_path_buf(),
                message: e.to_string(),
            })?;
            let checkout = scratch.join(format!(
                "checkout-{}-{}",
                std::process::id(),
                fastrand::u64(..)
            ));
            let mut fetched = Fetched {
                dir: checkout.clone(),
                commit: None,
                _checkout: Some(super::leftovers::Scratch::new(checkout.clone())),
            };
            fetched.commit = Some(super::git::checkout(url, revision, &checkout)?);
            Ok(fetched)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_recorded_relative_to_the_repository() {
        let tmp = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(tmp.path()).unwrap();
        let root = base.join("work/repo");
        let shared = base.join("work/shared/skills");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(&shared).unwrap();
        let sub = root.join("sub");
        assert_eq!(
            folder_from(&sub, &root, "../../shared/skills"),
            "../shared/skills"
        );
        assert_eq!(folder_from(&sub, &root, "."), "sub");
        assert_eq!(
            folder_from(&root, &root, shared.to_str().unwrap()),
            "../shared/skills"
        );
    }

    #[test]
    fn urls_are_git_and_the_rest_are_folders() {
        for g in [
            "https://github.com/org/skills",
            "git@github.com:org/skills.git",
            "file:///srv/skills.git",
            "../team-skills.git",
            "git+/srv/plain-repo",
        ] {
            assert!(matches!(Source::parse(g), Source::Git(_)), "{g}");
        }
        assert_eq!(
            Source::parse("mcp:team/pdf-forms"),
            Source::Mcp {
                text: "mcp:team/pdf-forms".into(),
                server: "team".into(),
                skill: Some("pdf-forms".into())
            }
        );
        assert!(matches!(
            Source::parse("mcp:team"),
            Source::Mcp { skill: None, .. }
        ));
        assert_eq!(Source::parse("git+/srv/r").text(), "/srv/r");
        for (url, name) in [
            ("https://github.com/org/team-skills.git", "team-skills"),
            ("git@github.com:org/kit.git/", "kit"),
            ("git@host:kit", "kit"),
            ("file:///tmp/up", "up"),
        ] {
            assert_eq!(Source::parse(url).repo_name(), Some(name), "{url}");
        }
        assert_eq!(Source::parse("../up").repo_name(), None);
        for p in ["../shared/skills", "/opt/skills/pdf", "tools"] {
            assert_eq!(Source::parse(p), Source::Path(p.into()));
        }
    }
}
