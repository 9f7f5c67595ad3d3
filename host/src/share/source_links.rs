//! Symbolic links in a fetched source are refused before anything in it
//! is read: a link could make quire read (and parse) files outside the
//! source. The refusal names the link as a path inside the source
//! (`skills/b2 in file:///…/team`), never the temporary checkout.

use std::path::{Component, Path};

use super::ShareError;

/// Refuses any symbolic link on the way from `base` (the fetched source's
/// folder) to `content` (the part shared, `base` itself or a folder in it)
/// and anywhere under `content` (`.git` left out). `source` is the
/// source as the user wrote it.
pub fn refuse_links(base: &Path, content: &Path, source: &str) -> Result<(), ShareError> {
    let mut at = base.to_path_buf();
    if let Ok(rel) = content.strip_prefix(base) {
        for part in rel.components() {
            if let Component::Normal(p) = part {
                at.push(p);
                if is_link(&at) {
                    return Err(refused(base, &at, source, (base, "the shared source")));
                }
            }
        }
    }
    // `content` itself was checked above (or is the source's own folder).
    for entry in walkdir::WalkDir::new(content)
        .follow_links(false)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .flatten()
    {
        if entry.path_is_symlink() {
            let path = entry.path();
            // A skill's SKILL.md is judged against the skill's own folder.
            let skill_file = path
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("SKILL.md"));
            let within = match path.parent() {
                Some(parent) if skill_file => (parent, "the skill's folder"),
                _ => (content, "the folder shared"),
            };
            return Err(refused(base, path, source, within));
        }
    }
    Ok(())
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Why the link at `path` is refused, named inside the source; where it
/// points is told against `within` (a folder and its name for people).
fn refused(base: &Path, path: &Path, source: &str, within: (&Path, &str)) -> ShareError {
    let rel = path
        .strip_prefix(base)
        .map(|r| {
            r.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_else(|_| path.display().to_string());
    let target = std::fs::read_link(path)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    let (folder, what) = within;
    let place = match (std::fs::canonicalize(path), std::fs::canonicalize(folder)) {
        (Ok(real), Ok(root)) if real.starts_with(&root) => format!("inside {what}"),
        (Ok(_), Ok(_)) => format!("outside {what}"),
        _ => "which does not exist".to_string(),
    };
    ShareError::Invalid(format!(
        "`{rel}` in {source} is a symbolic link to {target} ({place}); links are not followed: shared skills and plugins must hold plain files, so replace the link in the source with the files themselves"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linked_skill_folder_is_refused_before_reading_and_named_in_the_source() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside/keep");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("SKILL.md"), "not: [valid").unwrap();
        let src = tmp.path().join("src");
        std::fs::create_dir_all(src.join("skills/ok")).unwrap();
        std::fs::write(src.join("skills/ok/SKILL.md"), "x").unwrap();
        std::os::unix::fs::symlink(&outside, src.join("skills/b2")).unwrap();

        let err = refuse_links(&src, &src.join("skills/b2"), "file:///team")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`skills/b2` in file:///team is a symbolic link to"),
            "{err}"
        );
        assert!(err.contains("(outside the shared source)"), "{err}");
        assert!(!err.contains(&src.display().to_string()), "{err}");

        // The folder of skills holding it: the link is found by the walk.
        let err = refuse_links(&src, &src.join("skills"), "file:///team")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`skills/b2` in file:///team"), "{err}");

        // A link to a file inside the source.
        std::fs::remove_file(src.join("skills/b2")).unwrap();
        std::os::unix::fs::symlink(
            src.join("skills/ok/SKILL.md"),
            src.join("skills/ok/copy.md"),
        )
        .unwrap();
        let err = refuse_links(&src, &src.join("skills/ok"), "file:///team")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`skills/ok/copy.md`"), "{err}");
        assert!(err.contains("(inside the folder shared)"), "{err}");

        std::fs::remove_file(src.join("skills/ok/copy.md")).unwrap();
        assert!(refuse_links(&src, &src, "file:///team").is_ok());
    }
}
