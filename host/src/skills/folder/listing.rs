//! The list of a skill's files an activation shows: the same walk as
//! [`super::files::list`] (dot entries skipped, symlinks followed only
//! while they stay inside the folder, each folder once), without the skill
//! file itself and `node_modules`, cut at a number of entries.

use std::collections::HashSet;
use std::path::Path;

use super::files::children;

/// The files under `dir` (relative, `/`-separated, sorted), at most `max`
/// of them, `max_depth` folder levels down, and whether the list was cut.
pub fn listing(dir: &Path, max: usize, max_depth: usize) -> (Vec<String>, bool) {
    let Ok(root) = std::fs::canonicalize(dir) else {
        return (Vec::new(), false);
    };
    let mut walk = Walk {
        root: &root,
        visited: HashSet::from([root.clone()]),
        out: Vec::new(),
        max,
        max_depth,
        cut: false,
    };
    walk.visit(&root, "", 0);
    let Walk { mut out, cut, .. } = walk;
    out.sort();
    (out, cut)
}

struct Walk<'a> {
    root: &'a Path,
    visited: HashSet<std::path::PathBuf>,
    out: Vec<String>,
    max: usize,
    max_depth: usize,
    cut: bool,
}

impl Walk<'_> {
    fn visit(&mut self, dir: &Path, rel: &str, depth: usize) {
        for (name, path, meta) in children(dir, self.root, &mut self.visited) {
            if self.cut {
                return;
            }
            if name == "node_modules" {
                continue;
            }
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if meta.is_dir() {
                if depth < self.max_depth {
                    self.visit(&path, &child_rel, depth + 1);
                }
                continue;
            }
            if depth == 0 && name.eq_ignore_ascii_case("SKILL.md") {
                continue;
            }
            if self.out.len() >= self.max {
                self.cut = true;
                return;
            }
            self.out.push(child_rel);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn lists_files_inside_and_nothing_that_leads_out() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.txt"), "s").unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("skill");
        fs::create_dir_all(dir.join("scripts/deep")).unwrap();
        fs::create_dir_all(dir.join("node_modules/x")).unwrap();
        fs::create_dir_all(dir.join(".git")).unwrap();
        fs::write(dir.join("SKILL.md"), "---\n---\n").unwrap();
        fs::write(dir.join("scripts/run.sh"), "echo").unwrap();
        fs::write(dir.join("scripts/deep/data.json"), "{}").unwrap();
        fs::write(dir.join("node_modules/x/index.js"), "").unwrap();
        fs::write(dir.join(".git/config"), "").unwrap();
        fs::write(dir.join(".hidden"), "").unwrap();
        let link = |to: &Path, at: &str| std::os::unix::fs::symlink(to, dir.join(at)).unwrap();
        link(&outside.path().join("secret.txt"), "escape.txt");
        link(outside.path(), "escape_dir");
        link(&dir.join("scripts/run.sh"), "alias.sh");
        // A folder that leads back up is walked once.
        std::os::unix::fs::symlink(&dir, dir.join("scripts/deep/up")).unwrap();
        let (files, cut) = listing(&dir, 100, 6);
        assert!(!cut);
        assert_eq!(
            files,
            ["alias.sh", "scripts/deep/data.json", "scripts/run.sh"]
        );
    }

    #[test]
    fn the_list_is_cut_at_max_and_at_the_depth() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for i in 0..5 {
            fs::write(dir.join(format!("f{i}.txt")), "").unwrap();
        }
        fs::create_dir_all(dir.join("a/b")).unwrap();
        fs::write(dir.join("a/b/deep.txt"), "").unwrap();
        let (files, cut) = listing(dir, 3, 6);
        assert_eq!((files.len(), cut), (3, true));
        let (files, cut) = listing(dir, 100, 1);
        assert!(!cut);
        assert!(!files.contains(&"a/b/deep.txt".to_string()), "{files:?}");
        let (files, _) = listing(dir, 100, 2);
        assert!(files.contains(&"a/b/deep.txt".to_string()), "{files:?}");
    }
}
