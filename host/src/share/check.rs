//! Paths read from a `quire.lock` are untrusted: the lock arrives with the
//! repository (a pull request, a clone) and is synced by CI or a teammate.
//! Every entry must install into `<kind folder>/<name>` and name files
//! inside it; no folder on the way may be a symbolic link. Anything else is
//! refused before a file is written or removed.

use std::path::{Component, Path};

use super::ShareError;
use super::lock::{Entry, FILE, Layout, LockFile};

/// The longest name [`is_safe_name`] takes, in bytes: well under a file
/// name's limit (255 bytes on most file systems) with the suffixes quire
/// adds to a half-made copy's folder name.
pub const MAX_NAME: usize = 128;

/// What [`is_safe_name`] takes, said to the user.
pub const NAME_RULE: &str =
    "letters, digits, '-', '_' and '.', not starting with '.', at most 128 characters";

/// A name that is safe as a folder name: letters, digits, `-`, `_`, `.`,
/// not starting with `.`, at most [`MAX_NAME`] bytes.
pub fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether `rel` is a relative path of plain names (no `..`, `.`, root or
/// empty parts), so joined to a folder it stays inside it.
pub fn is_inside(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && rel
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Whether a folder source of a repository's lock stays inside the
/// repository or beside it: relative, with `..` only as its first part and
/// followed by a folder name (`shared/pdf`, `../team-skills/pdf`, `.`).
/// `.` parts name no folder and are read past (`./vendor/pdf` is
/// `vendor/pdf`); `..` anywhere else, a root or an empty part still
/// refuse it.
pub fn is_shared_folder(source: &str) -> bool {
    let s = without_dots(source.trim_end_matches('/'));
    s == "." || is_inside(s.strip_prefix("../").unwrap_or(&s))
}

/// `path` with its `.` parts left out (`.` when nothing else is left);
/// every other part, empty ones and a leading `/` included, kept.
fn without_dots(path: &str) -> String {
    let kept: Vec<&str> = path.split('/').filter(|p| *p != ".").collect();
    if kept.is_empty() {
        ".".to_string()
    } else {
        kept.join("/")
    }
}

/// The rule [`is_shared_folder`] checks, said to the user.
pub const SHARED_FOLDER_RULE: &str = "a repository's quire.lock may only name a folder inside the repository or in a sibling checkout beside it (relative, like ../shared/skills)";

/// A folder source `source` of a repository's lock, at `dir` on disk:
/// refused when it is not [`is_shared_folder`], or when a symbolic link
/// takes it out of the repository's parent folder. Checked before the
/// folder is read.
pub fn shared_folder(root: &Path, source: &str, dir: &Path) -> Result<(), ShareError> {
    if !is_shared_folder(source) {
        return Err(ShareError::Invalid(format!(
            "the folder {source} is outside the repository and its parent folder; {SHARED_FOLDER_RULE}, so the lock works in every clone — publish it as a git repository and add its URL, or check it out next to the repository"
        )));
    }
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let (Some(parent), Ok(real)) = (root.parent(), std::fs::canonicalize(dir)) else {
        return Ok(());
    };
    if real.starts_with(parent) {
        return Ok(());
    }
    Err(ShareError::Invalid(format!(
        "the folder {source} leads through a symbolic link to {}, outside {}; {SHARED_FOLDER_RULE}, and links out of it are not followed",
        real.display(),
        parent.display()
    )))
}

/// Whether the fetched folder `content` of a locked entry is what the
/// entry's `kind` says: a skill has its `SKILL.md`, a plugin its
/// `plugin.toml`, a bundle a plugin manifest or layout. A lock (untrusted
/// input) saying `kind = "plugin"` of a skill is refused before installing.
/// `place` names `content` in the error ("its source shared/pdf").
pub fn kind_matches(e: &Entry, content: &Path, place: &str) -> Result<(), ShareError> {
    use super::lock::Kind;
    let skill = ["SKILL.md", "skill.md"]
        .iter()
        .any(|f| content.join(f).is_file());
    let plugin = content
        .join(crate::plugins::manifest::MANIFEST_FILE)
        .is_file();
    let bundle = || {
        super::bundle_entry::bundle_name(content, Some(&e.name))
            .ok()
            .flatten()
            .is_some()
    };
    let (ok, needs) = match e.kind {
        Kind::Skill => (skill, "a SKILL.md"),
        Kind::Plugin => (plugin, "a plugin.toml"),
        Kind::Bundle => (
            bundle(),
            "a plugin manifest (.plugin/plugin.json, .claude-plugin/plugin.json, …)",
        ),
    };
    if ok {
        return Ok(());
    }
    let holds = if plugin {
        "a plugin (plugin.toml)"
    } else if skill {
        "a skill (SKILL.md)"
    } else if bundle() {
        "a plugin bundle"
    } else {
        "no skill or plugin"
    };
    Err(ShareError::Invalid(format!(
        "{FILE}: the {kind} entry '{name}' is no {kind}: {place} has no {needs}, it holds {holds}; fix the entry's kind (and installed) or remove it, then run `quire share add` to record it again (it may come from an untrusted change)",
        kind = e.kind.label(),
        name = e.name,
        needs = needs.trim_start_matches("a "),
    )))
}

/// Checks one lock entry: its name, that `installed` is exactly
/// `<kind folder>/<name>`, that every file and the folder inside the
/// source are relative paths without `..`.
pub fn entry(e: &Entry, layout: Layout) -> Result<(), ShareError> {
    let bad = |what: String| {
        ShareError::Invalid(format!(
            "{FILE}: the {} entry '{}' {what}; a lock may only install into its own folder — fix or remove the entry (it may come from an untrusted change)",
            e.kind.label(),
            e.name
        ))
    };
    if !is_safe_name(&e.name) {
        return Err(bad(format!(
            "has a name that cannot be a folder name ({NAME_RULE})"
        )));
    }
    let expected = format!("{}/{}", e.kind.folder(layout), e.name);
    if e.installed != expected {
        return Err(bad(format!(
            "has installed = \"{}\", which must be \"{expected}\"",
            e.installed
        )));
    }
    if let Some(rel) = e.files.keys().find(|k| !is_inside(k)) {
        return Err(bad(format!(
            "lists the file \"{rel}\", which is not a relative path inside its folder"
        )));
    }
    if let Some(rel) = e.hooks.keys().find(|k| !is_inside(k)) {
        return Err(bad(format!(
            "lists the hook file \"{rel}\", which is not a relative path inside its folder"
        )));
    }
    if let Some(sub) = e
        .subdir
        .as_deref()
        .filter(|s| !is_inside(s.trim_end_matches('/')))
    {
        return Err(bad(format!(
            "has subdir = \"{sub}\", which is not a relative path inside its source"
        )));
    }
    if let Some(folder) = e.folder.as_deref() {
        // `subdir` is `<folder>/<one folder>`: update reads the folder.
        // `.`: the source's top folder was added whole.
        let top = folder == super::lock::TOP_FOLDER;
        let child = e.subdir.as_deref().and_then(|s| {
            let rest = if top {
                Some(s)
            } else {
                s.strip_prefix(folder).and_then(|r| r.strip_prefix('/'))
            };
            rest.filter(|r| is_inside(r) && !r.contains('/'))
        });
        if !(top || is_inside(folder)) || child.is_none() {
            return Err(bad(format!(
                "has folder = \"{}\", which is not a relative path inside its source holding its subdir",
                folder.escape_debug()
            )));
        }
    }
    if let Some(c) = e.commit.as_deref().filter(|c| !is_commit(c)) {
        return Err(bad(format!(
            "has commit = \"{c}\", which is not a commit id (hexadecimal)"
        )));
    }
    if layout == Layout::Project
        && let super::Source::Path(p) = super::Source::parse(&e.source)
        && !is_shared_folder(&p)
    {
        return Err(ShareError::Invalid(format!(
            "{FILE}: the {} entry '{}' has source = \"{}\", a folder outside the repository and its parent folder; {SHARED_FOLDER_RULE} — fix or remove the entry (it may come from an untrusted change)",
            e.kind.label(),
            e.name,
            e.source.escape_debug()
        )));
    }
    for (key, value) in [("source", Some(&e.source)), ("ref", e.reference.as_ref())] {
        if let Some(v) = value.filter(|v| v.starts_with('-') || v.chars().any(char::is_control)) {
            return Err(bad(format!(
                "has {key} = \"{}\", which may not start with '-' or hold control characters",
                v.escape_debug()
            )));
        }
    }
    if let super::Source::Git(url) = super::Source::parse(&e.source)
        && let Err(why) = super::transport::check(&url)
    {
        return Err(ShareError::Invalid(format!(
            "{FILE}: the {} entry '{}' has source = \"{}\", which {why} — fix or remove the entry (it may come from an untrusted change)",
            e.kind.label(),
            e.name,
            e.source.escape_debug()
        )));
    }
    Ok(())
}

/// Whether a git source names a repository on this machine: a `file://`
/// URL, or a path that is not beside the repository ([`is_shared_folder`]).
pub fn is_local_git(source: &str) -> bool {
    let super::Source::Git(url) = super::Source::parse(source) else {
        return false;
    };
    if url.starts_with("file:") {
        return true;
    }
    if url.contains("://") {
        return false;
    }
    // scp-like `host:path` (`git@host:org/repo.git`): a colon before any slash.
    let remote = url
        .split_once(':')
        .is_some_and(|(host, _)| !host.is_empty() && !host.contains('/'));
    !remote && !is_shared_folder(&url)
}

/// A repository's lock entry whose git source is on this machine is
/// fetched only when the user allowed it (`allow_local`); the error names
/// the entry and the flag.
pub fn local_source(e: &Entry, layout: Layout, allow_local: bool) -> Result<(), ShareError> {
    if layout == Layout::User || allow_local || !is_local_git(&e.source) {
        return Ok(());
    }
    Err(ShareError::Invalid(format!(
        "{FILE}: the {} entry '{}' has source = \"{}\", a git repository on this machine; a repository's lock is not trusted to read local repositories (it may come from an untrusted change) — publish it and lock its URL, or, if you trust this entry, run again with --allow-local-sources",
        e.kind.label(),
        e.name,
        e.source.escape_debug()
    )))
}

/// A full or abbreviated commit id.
fn is_commit(c: &str) -> bool {
    (4..=64).contains(&c.len()) && c.chars().all(|ch| ch.is_ascii_hexdigit())
}

/// Refuses when a folder from `root` down to `root/installed` (itself
/// included) is a symbolic link: writing through it would land elsewhere.
/// Parts that do not exist yet are fine.
pub fn no_symlinks(root: &Path, installed: &str) -> Result<(), ShareError> {
    let mut at = root.to_path_buf();
    for part in installed.split('/') {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(ShareError::Invalid(format!(
                    "{} is a symbolic link; quire share installs only into plain folders inside {} (remove the link)",
                    at.display(),
                    root.display()
                )));
            }
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Refuses a symbolic link on the way to `installed` in a repository
/// (the user's own folders in `$QUIRE_HOME` may be links they made).
pub fn links(root: &Path, installed: &str, layout: Layout) -> Result<(), ShareError> {
    match layout {
        Layout::Project => no_symlinks(root, installed),
        Layout::User => Ok(()),
    }
}

/// The lock under `root` with every entry checked ([`entry`], and
/// no symbolic link on the way to a repository's install folders): an
/// entry pointing anywhere else makes the whole lock invalid.
pub fn load(root: &Path, layout: Layout) -> Result<LockFile, ShareError> {
    let lock = LockFile::load(root)?;
    entries(&lock, root, layout)?;
    Ok(lock)
}

/// [`entries`] for a command that rewrites the lock (add, remove, an
/// update's install): the error also says that nothing was `done`
/// ("added", "removed"), as nothing is written or deleted.
pub fn before_writing(
    lock: &LockFile,
    root: &Path,
    layout: Layout,
    done: &str,
) -> Result<(), ShareError> {
    entries(lock, root, layout).map_err(|e| ShareError::Invalid(format!("{e}; nothing was {done}")))
}

/// Checks every entry of `lock`, read from `root`, as [`load`] does.
pub fn entries(lock: &LockFile, root: &Path, layout: Layout) -> Result<(), ShareError> {
    for e in &lock.entries {
        entry(e, layout)?;
        digests(e)?;
        links(root, &e.installed, layout)?;
    }
    Ok(())
}

/// Refuses an entry whose files or hook files have a digest that is not
/// `sha256:` and 64 lowercase hexadecimal digits, then (since lock
/// version 2) ` 100644` or ` 100755`: a broken lock, not a source that
/// changed.
pub fn digests(e: &Entry) -> Result<(), ShareError> {
    let well_formed = |d: &str| {
        let (hash, mode) = super::digest::split(d);
        let mode_ok = mode.is_some() || !d.contains(' ');
        mode_ok
            && hash.strip_prefix("sha256:").is_some_and(|hex| {
                hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            })
    };
    let files = e.files.iter().map(|f| ("file", f));
    let hooks = e.hooks.iter().map(|f| ("hook file", f));
    match files.chain(hooks).find(|(_, (_, d))| !well_formed(d)) {
        None => modes_throughout(e),
        Some((what, (rel, d))) => Err(ShareError::Invalid(format!(
            "{FILE}: the {} entry '{}' has a malformed digest for the {what} \"{}\": \"{}\" (a digest is sha256: and 64 lowercase hexadecimal digits, then 100644 or 100755); run `quire share add` again to record it, or restore quire.lock from git (it may come from an untrusted change)",
            e.kind.label(),
            e.name,
            rel.escape_debug(),
            d.escape_debug()
        ))),
    }
}

/// Refuses an entry where some files record their mode and others do
/// not: an entry is written at once, all with modes (version 2) or none
/// (an entry from a version 1 lock, compared by content only), so a
/// digest without its mode among others with one was cut by hand — and
/// would hide a lost executable bit.
fn modes_throughout(e: &Entry) -> Result<(), ShareError> {
    for (what, map) in [("file", &e.files), ("hook file", &e.hooks)] {
        let with = |m: bool| {
            map.iter()
                .find(|(_, d)| super::digest::split(d).1.is_some() == m)
        };
        if let (Some(_), Some((rel, _))) = (with(true), with(false)) {
            return Err(ShareError::Invalid(format!(
                "{FILE}: the {} entry '{}' records no mode for the {what} \"{}\" where its other files have one (100644 or 100755 after the digest); run `quire share add` again to record it, or restore quire.lock from git (it may come from an untrusted change)",
                e.kind.label(),
                e.name,
                rel.escape_debug()
            )));
        }
    }
    Ok(())
}

/// A name that is safe as a folder name.
pub fn name(name: &str, dir: &Path) -> Result<(), ShareError> {
    if is_safe_name(name) {
        Ok(())
    } else {
        Err(ShareError::Invalid(format!(
            "{}: the name '{name}' cannot be a folder name; use {NAME_RULE}",
            dir.display()
        )))
    }
}

/// A relative path without `..` (so it stays inside the source).
pub fn subdir(s: &str) -> Result<String, ShareError> {
    let p = Path::new(s);
    let inside = p
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if s.is_empty() || !inside {
        return Err(ShareError::Invalid(format!(
            "--path '{s}' must be a folder inside the source (relative, without '..')"
        )));
    }
    Ok(s.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::super::lock::Kind;
    use super::*;

    fn entry_with(installed: &str, file: &str) -> Entry {
        Entry {
            kind: Kind::Skill,
            name: "pdf".into(),
            source: "../s".into(),
            reference: None,
            subdir: None,
            folder: None,
            commit: None,
            installed: installed.into(),
            files: [(file.to_string(), "sha256:00".to_string())].into(),
            marketplace: None,
            hooks: Default::default(),
            mcp_servers: Vec::new(),
            grants: Vec::new(),
            manifest: None,
        }
    }

    #[test]
    fn a_name_longer_than_a_folder_name_may_be_is_refused() {
        assert!(is_safe_name(&"s".repeat(MAX_NAME)));
        assert!(!is_safe_name(&"s".repeat(MAX_NAME + 1)));
        assert!(!is_safe_name(&"s".repeat(300)));
        let err = name(&"s".repeat(300), Path::new("src")).unwrap_err();
        assert!(err.to_string().contains("at most 128"), "{err}");
    }

    #[test]
    fn only_the_kind_folder_and_inner_files_pass() {
        let ok = entry_with(".quire/skills/pdf", "scripts/fill.py");
        entry(&ok, Layout::Project).unwrap();
        assert!(entry(&ok, Layout::User).is_err());
        entry(&entry_with("skills/pdf", "SKILL.md"), Layout::User).unwrap();
        for (installed, file) in [
            ("../victim", "SKILL.md"),
            ("/etc/victim", "SKILL.md"),
            (".quire/skills/../../victim", "SKILL.md"),
            (".quire/skills/other", "SKILL.md"),
            (".quire/skills/pdf", "../../../outside"),
            (".quire/skills/pdf", "/etc/passwd"),
            (".quire/skills/pdf", "a//b"),
            (".quire/skills/pdf", "./a"),
        ] {
            let err = entry(&entry_with(installed, file), Layout::Project)
                .unwrap_err()
                .to_string();
            assert!(err.contains("'pdf'"), "{err}");
        }
    }

    /// A lock's `folder` is read by update: a path inside the source that
    /// holds the entry's own folder, nothing else.
    #[test]
    fn a_folder_must_hold_the_entry_inside_its_source() {
        let with = |subdir: &str, folder: &str| Entry {
            subdir: Some(subdir.into()),
            folder: Some(folder.into()),
            ..entry_with(".quire/skills/pdf", "SKILL.md")
        };
        entry(&with("skills/pdf", "skills"), Layout::Project).unwrap();
        entry(&with("team/skills/pdf", "team/skills"), Layout::Project).unwrap();
        // The source's top folder: the entry is one folder at the top.
        entry(&with("pdf", "."), Layout::Project).unwrap();
        for (subdir, folder) in [
            ("skills/pdf", "."),
            ("pdf", "./"),
            ("pdf", ".."),
            ("skills/pdf", "../skills"),
            ("skills/pdf", "/etc"),
            ("skills/pdf", "other"),
            ("skills/pdf", "skills/pdf"),
            ("skills/a/pdf", "skills"),
            ("skillsx/pdf", "skills"),
            ("skills/pdf", ""),
        ] {
            let err = entry(&with(subdir, folder), Layout::Project)
                .unwrap_err()
                .to_string();
            assert!(err.contains("has folder"), "{subdir} {folder}: {err}");
        }
    }

    #[test]
    fn symlinked_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".quire")).unwrap();
        no_symlinks(dir.path(), ".quire/skills/pdf").unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join(".quire/skills")).unwrap();
        let err = no_symlinks(dir.path(), ".quire/skills/pdf")
            .unwrap_err()
            .to_string();
        assert!(err.contains("symbolic link"), "{err}");
    }

    #[test]
    fn a_shared_folder_may_be_written_with_dot_parts_but_not_leave() {
        for ok in [
            "vendor/pdf",
            "./vendor/pdf",
            "vendor/./pdf",
            "././vendor/pdf/",
            "./",
            ".",
            "../team/pdf",
            "./../team/pdf",
        ] {
            assert!(is_shared_folder(ok), "{ok}");
        }
        for refused in [
            "..",
            "./..",
            "../..",
            "./../../pdf",
            "vendor/../../pdf",
            "vendor/./../pdf",
            "/etc/pdf",
            "/./etc",
            "./vendor//pdf",
            "",
        ] {
            assert!(!is_shared_folder(refused), "{refused}");
        }
    }

    #[test]
    fn git_sources_on_this_machine_are_told_from_remote_ones() {
        for local in [
            "file:///home/me/secret.git",
            "file://localhost/srv/x",
            "/srv/team.git",
            "git+/srv/plain-repo",
            "git+../../far/away",
        ] {
            assert!(is_local_git(local), "{local}");
        }
        for not in [
            "https://github.com/acme/skills.git",
            "ssh://git@host/org/repo.git",
            "git@github.com:acme/skills.git",
            "../team-skills.git",
            "shared/skills",
            "mcp:team/pdf",
        ] {
            assert!(!is_local_git(not), "{not}");
        }
    }
}
