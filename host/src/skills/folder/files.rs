//! The files of one skill folder and their `skill://` URIs.
//!
//! A skill's files are every regular file below its folder, except entries
//! whose names start with `.` (`.git`, `.DS_Store`). Symlinks are followed
//! only when they stay inside the folder. The skill's own `SKILL.md` (or
//! `skill.md`) is always `skill://NAME/SKILL.md`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::skills::Skill;

pub const SCHEME: &str = "skill://";
pub const SKILL_MD: &str = "SKILL.md";
/// Files per skill the extension says every host must accept; larger
/// skills are not served.
pub const MAX_FILES: usize = 512;
/// Bytes per skill (the sum of its files), likewise.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;
/// Folder levels below a skill's folder that are looked at.
const MAX_DEPTH: usize = 16;

/// Characters kept as they are in a URI path segment (RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One file of a skill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillFile {
    /// Relative to the skill's folder, `/`-separated (`SKILL.md` for the
    /// skill file whatever its case on disk).
    pub rel: String,
    pub path: PathBuf,
    pub size: u64,
}

/// `skill://NAME` or `skill://NAME/REL`, each segment percent-encoded.
pub fn uri(name: &str, rel: &str) -> String {
    let mut out = format!("{SCHEME}{}", utf8_percent_encode(name, SEGMENT));
    for seg in rel.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.extend(utf8_percent_encode(seg, SEGMENT));
    }
    out
}

/// Splits a `skill://` URI into the skill name and the relative path
/// (empty for the skill's folder). `None` for other URIs, `.`/`..`
/// segments, hidden names, and queries or fragments.
pub fn parse_uri(uri: &str) -> Option<(String, String)> {
    let rest = uri.strip_prefix(SCHEME)?;
    if rest.contains(['?', '#']) {
        return None;
    }
    let mut segs = Vec::new();
    for raw in rest.split('/') {
        let seg = percent_decode_str(raw).decode_utf8().ok()?;
        if seg.is_empty() || seg.starts_with('.') || seg.contains(['/', '\\', '\0']) {
            return None;
        }
        segs.push(seg.into_owned());
    }
    let name = segs.first()?.clone();
    Some((name, segs[1..].join("/")))
}

/// The file name of the skill's own file in its folder (`SKILL.md` or
/// `skill.md`).
fn skill_file_name(skill: &Skill) -> Option<String> {
    skill
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
}

/// Every file of `skill`, sorted by relative path. Errors name the skill
/// and the problem (unreadable folder, over the limits).
pub fn list(skill: &Skill) -> Result<Vec<SkillFile>, String> {
    let root = std::fs::canonicalize(&skill.dir)
        .map_err(|e| format!("cannot read {}: {e}", skill.dir.display()))?;
    let own = skill_file_name(skill);
    let mut out = Vec::new();
    let mut visited = HashSet::from([root.clone()]);
    let mut stack = vec![(root.clone(), String::new(), 0usize)];
    while let Some((dir, rel, depth)) = stack.pop() {
        for (name, path, meta) in children(&dir, &root, &mut visited) {
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if meta.is_dir() {
                if depth < MAX_DEPTH {
                    stack.push((path, child_rel, depth + 1));
                }
                continue;
            }
            let rel = if rel.is_empty() && Some(&name) == own.as_ref() {
                SKILL_MD.to_string()
            } else if rel.is_empty() && name == SKILL_MD {
                continue; // Another spelling of the skill file; quire read `own`.
            } else {
                child_rel
            };
            out.push(SkillFile {
                rel,
                path,
                size: meta.len(),
            });
            if out.len() > MAX_FILES {
                return Err(format!(
                    "the skill '{}' has more than {MAX_FILES} files, the most the MCP skills extension allows",
                    skill.name
                ));
            }
        }
    }
    let total: u64 = out.iter().map(|f| f.size).sum();
    if total > MAX_BYTES {
        return Err(format!(
            "the files of the skill '{}' hold {total} bytes; the MCP skills extension allows {MAX_BYTES}",
            skill.name
        ));
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

/// The visible entries of `dir` (canonical paths inside `root`), regular
/// files and folders only, each folder once.
pub(super) fn children(
    dir: &Path,
    root: &Path,
    visited: &mut HashSet<PathBuf>,
) -> Vec<(String, PathBuf, std::fs::Metadata)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let Ok(path) = std::fs::canonicalize(e.path()) else {
            continue; // A dangling symlink.
        };
        if !path.starts_with(root) {
            tracing::debug!(path = %e.path().display(), "skill file leads outside the skill; not served");
            continue;
        }
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() && !visited.insert(path.clone()) {
            continue;
        }
        if meta.is_dir() || meta.is_file() {
            out.push((name, path, meta));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// What a relative path names inside a skill.
pub enum Target {
    File(PathBuf),
    Dir(PathBuf),
}

/// Resolves `rel` (from [`parse_uri`]) inside `skill`'s folder under the
/// same rules as [`list`] (through [`super::locate`]); `None` when it names
/// nothing served.
pub fn resolve(skill: &Skill, rel: &str) -> Option<Target> {
    let rel = if rel == SKILL_MD {
        skill_file_name(skill)?
    } else if !rel.contains('/') && skill_file_name(skill).as_deref() == Some(rel) {
        return None; // Served as SKILL.md.
    } else if rel.is_empty() {
        ".".to_string()
    } else {
        rel.to_string()
    };
    match super::locate(&skill.dir, &rel).ok()? {
        super::Located::Dir(path) => Some(Target::Dir(path)),
        super::Located::File(path) => Some(Target::File(path)),
    }
}

/// The direct children of the folder `rel` of `skill`: `(name, is_dir,
/// size)`, sorted by name.
pub fn read_dir(skill: &Skill, dir: &Path, rel: &str) -> Vec<(String, bool, u64)> {
    let Ok(root) = std::fs::canonicalize(&skill.dir) else {
        return Vec::new();
    };
    let own = skill_file_name(skill);
    // As in `list`, a folder leading back up (a symlink loop) is no child.
    let mut visited: HashSet<PathBuf> = dir
        .ancestors()
        .take_while(|a| a.starts_with(&root))
        .map(Path::to_path_buf)
        .collect();
    children(dir, &root, &mut visited)
        .into_iter()
        .filter_map(|(name, _, meta)| {
            if rel.is_empty() && !meta.is_dir() && Some(&name) == own.as_ref() {
                return Some((SKILL_MD.to_string(), false, meta.len()));
            }
            if rel.is_empty() && name == SKILL_MD {
                return None;
            }
            Some((name, meta.is_dir(), meta.len()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::Scope;
    use crate::skills::parse::{Origin, read_skill};

    /// A skill `demo` in a temp folder, its skill file named `file`.
    fn demo(file: &str) -> (tempfile::TempDir, Skill) {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("demo");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(file),
            "---\nname: demo\ndescription: A demo.\n---\nBody.\n",
        )
        .unwrap();
        let skill = read_skill(Origin {
            dir: &dir,
            file: &dir.join(file),
            root: root.path(),
            scope: Scope::User,
        })
        .unwrap();
        (root, skill)
    }

    fn rels(skill: &Skill) -> Vec<String> {
        list(skill).unwrap().into_iter().map(|f| f.rel).collect()
    }

    #[test]
    fn lists_every_visible_file_and_no_escapes() {
        let (root, skill) = demo("SKILL.md");
        let dir = &skill.dir;
        std::fs::create_dir_all(dir.join("references/deep")).unwrap();
        std::fs::write(dir.join("references/deep/a.md"), "a").unwrap();
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join(".git/HEAD"), "ref").unwrap();
        std::fs::write(dir.join(".env"), "SECRET=1").unwrap();
        let outside = root.path().join("outside.txt");
        std::fs::write(&outside, "secret").unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(dir.join("references/deep/a.md"), dir.join("alias.md")).unwrap();
        std::os::unix::fs::symlink(dir, dir.join("references/loop")).unwrap();
        assert_eq!(
            rels(&skill),
            ["SKILL.md", "alias.md", "references/deep/a.md"]
        );
        assert!(resolve(&skill, "leak.txt").is_none());
        assert!(matches!(resolve(&skill, "alias.md"), Some(Target::File(_))));
        let Some(Target::Dir(refs)) = resolve(&skill, "references") else {
            panic!("references is a folder");
        };
        let names: Vec<String> = read_dir(&skill, &refs, "references")
            .into_iter()
            .map(|(n, _, _)| n)
            .collect();
        assert_eq!(names, ["deep"], "the loop back to the skill is no child");
        let root = std::fs::canonicalize(dir).unwrap();
        let top: Vec<(String, bool)> = read_dir(&skill, &root, "")
            .into_iter()
            .map(|(n, d, _)| (n, d))
            .collect();
        assert_eq!(
            top,
            [
                ("SKILL.md".into(), false),
                ("alias.md".into(), false),
                ("references".into(), true)
            ]
        );
    }

    #[test]
    fn a_lowercase_skill_file_is_served_as_skill_md() {
        let (_root, skill) = demo("skill.md");
        assert_eq!(rels(&skill), ["SKILL.md"]);
        assert!(matches!(resolve(&skill, "SKILL.md"), Some(Target::File(_))));
        assert!(resolve(&skill, "skill.md").is_none());
    }

    #[test]
    fn a_skill_file_outside_its_folder_is_not_served() {
        let (root, skill) = demo("SKILL.md");
        let real = root.path().join("elsewhere.md");
        std::fs::rename(&skill.file, &real).unwrap();
        std::os::unix::fs::symlink(&real, &skill.file).unwrap();
        assert!(resolve(&skill, "SKILL.md").is_none());
        assert!(rels(&skill).is_empty());
    }

    #[test]
    fn skills_over_the_extension_limits_are_refused() {
        let (_root, skill) = demo("SKILL.md");
        for i in 0..MAX_FILES {
            std::fs::write(skill.dir.join(format!("f{i}.txt")), "x").unwrap();
        }
        let err = list(&skill).unwrap_err();
        assert!(err.contains("more than 512 files"), "{err}");
        let (_root, skill) = demo("SKILL.md");
        let big = std::fs::File::create(skill.dir.join("big.bin")).unwrap();
        big.set_len(MAX_BYTES).unwrap();
        let err = list(&skill).unwrap_err();
        assert!(err.contains("allows 16777216"), "{err}");
    }

    #[test]
    fn uris_round_trip_and_reject_escapes() {
        let u = uri("pdf", "references/my file.md");
        assert_eq!(u, "skill://pdf/references/my%20file.md");
        assert_eq!(
            parse_uri(&u),
            Some(("pdf".into(), "references/my file.md".into()))
        );
        assert_eq!(
            parse_uri("skill://pdf"),
            Some(("pdf".into(), String::new()))
        );
        for bad in [
            "skill://pdf/../etc/passwd",
            "skill://pdf/%2e%2e/x",
            "skill://pdf/.git/config",
            "skill://pdf/a%2Fb",
            "skill://pdf/a?x=1",
            "skill://pdf//x",
            "file:///etc/passwd",
            "skill://",
        ] {
            assert_eq!(parse_uri(bad), None, "{bad}");
        }
    }
}
