//! A skill's own `SKILL.md` that is a symbolic link out of its folder.
//! Discovery reads it (the skill loads), but the skill's files are served
//! and listed only when they stay inside the folder, so such a link is
//! not followed there; this names it instead of calling the file missing.

use std::path::Path;

use crate::skills::Skill;

/// Why `skill`'s `SKILL.md` is not followed, when it is a symbolic link
/// that leads out of the skill's folder (or nowhere).
pub fn skill_file_link_out(skill: &Skill) -> Option<String> {
    link_out(&skill.dir, &skill.file)
}

fn link_out(dir: &Path, file: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(file).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    let target = std::fs::read_link(file)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let real_dir = std::fs::canonicalize(dir).ok()?;
    match std::fs::canonicalize(file) {
        Ok(real) if real.starts_with(&real_dir) => None,
        Ok(real) => {
            // The real path only when it says more than the link's target.
            let real = real.display().to_string();
            let real = if real == target {
                String::new()
            } else {
                format!(" ({real})")
            };
            Some(format!(
                "{} is a symbolic link to {target}{real}, outside the skill's folder {}; links out of a skill are not followed, so its {name} is not served: put the file in the folder",
                file.display(),
                dir.display()
            ))
        }
        Err(e) => Some(format!(
            "{} is a symbolic link to {target}, which cannot be followed: {e}",
            file.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::link_out;
    use std::os::unix::fs::symlink;

    #[test]
    fn only_links_that_leave_the_folder_are_named() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("skill");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(t.path().join("elsewhere.md"), "x").unwrap();
        std::fs::write(dir.join("real.md"), "x").unwrap();
        symlink(t.path().join("elsewhere.md"), dir.join("SKILL.md")).unwrap();
        let why = link_out(&dir, &dir.join("SKILL.md")).unwrap();
        assert!(
            why.contains("is a symbolic link to")
                && why.contains("elsewhere.md")
                && why.contains("outside the skill's folder")
                && why.contains("not followed"),
            "{why}"
        );
        // The target is not repeated as its own real path.
        assert_eq!(why.matches("elsewhere.md").count(), 1, "{why}");
        assert_eq!(link_out(&dir, &dir.join("real.md")), None);
        symlink("real.md", dir.join("inside.md")).unwrap();
        assert_eq!(link_out(&dir, &dir.join("inside.md")), None);
    }
}
