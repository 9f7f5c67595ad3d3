//! fs-search: a quire plugin that reads the directories it is granted.

use std::fs;
use std::path::{Path, PathBuf};

use quire_sdk::fs::granted_dirs;
use quire_sdk::prelude::*;

/// Folders never searched.
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules"];
/// Files larger than this are skipped.
const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// A matching line is cut to this many characters.
const MAX_LINE_CHARS: usize = 200;

/// What to search for, and where.
#[derive(Deserialize, JsonSchema)]
struct SearchArgs {
    /// The text to look for in each line.
    pattern: String,
    /// The directory to search: a granted directory or one below it
    /// (default: every granted directory).
    #[serde(default)]
    dir: Option<String>,
    /// Only files whose name ends with this, e.g. ".rs".
    #[serde(default)]
    suffix: Option<String>,
    /// Match regardless of case.
    #[serde(default)]
    ignore_case: bool,
    /// Stop after this many matching lines (default 100, at most 10000).
    #[serde(default)]
    max_results: Option<usize>,
}

#[derive(Deserialize, JsonSchema)]
struct NoArgs {}

quire_sdk::plugin! {
    /// Searches the text files under a directory for lines containing a
    /// pattern (plain text, not a regex). Prints `path:line: text`, one
    /// match per line. Skips .git, target, node_modules and files over 1 MiB.
    #[tool(read_only)]
    fn search(args: SearchArgs) -> Result<String, ToolError> {
        if args.pattern.is_empty() {
            return Err(ToolError::invalid_arguments("`pattern` is empty; give the text to look for"));
        }
        let max = args.max_results.unwrap_or(100);
        if max == 0 || max > 10_000 {
            return Err(ToolError::invalid_arguments(format!("`max_results` is {max}; use 1 to 10000")));
        }
        let roots = match args.dir {
            Some(dir) => vec![PathBuf::from(dir)],
            None => granted_dirs().into_iter().map(PathBuf::from).collect(),
        };
        if roots.is_empty() {
            return Err(ToolError::failed(
                "this plugin was granted no directory; add one to [permissions] fs in its plugin.toml",
            ));
        }
        let mut search = Search::new(&args.pattern, args.ignore_case, args.suffix, max);
        for root in &roots {
            search.dir(root).context(format!("searching {}", root.display()))?;
        }
        Ok(search.report())
    }

    /// Lists the directories this plugin may read (search below them).
    #[tool(read_only)]
    fn roots(_args: NoArgs) -> Result<String, ToolError> {
        let dirs = granted_dirs();
        if dirs.is_empty() {
            return Ok("no directory is granted to this plugin".to_owned());
        }
        Ok(dirs.join("\n"))
    }
}

struct Search {
    needle: String,
    ignore_case: bool,
    suffix: Option<String>,
    max: usize,
    matches: Vec<String>,
    files: usize,
    truncated: bool,
}

impl Search {
    fn new(pattern: &str, ignore_case: bool, suffix: Option<String>, max: usize) -> Self {
        let needle = if ignore_case {
            pattern.to_lowercase()
        } else {
            pattern.to_owned()
        };
        Self {
            needle,
            ignore_case,
            suffix,
            max,
            matches: Vec::new(),
            files: 0,
            truncated: false,
        }
    }

    /// Walks `root` depth-first in name order; symlinks are not followed.
    fn dir(&mut self, root: &Path) -> std::io::Result<()> {
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let mut entries: Vec<_> = fs::read_dir(&dir)?.collect::<Result<_, _>>()?;
            entries.sort_by_key(|e| std::cmp::Reverse(e.file_name()));
            for entry in entries {
                if self.truncated {
                    return Ok(());
                }
                let kind = entry.file_type()?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if kind.is_dir() && !SKIPPED_DIRS.contains(&name.as_str()) {
                    stack.push(entry.path());
                } else if kind.is_file() && self.suffix.as_ref().is_none_or(|s| name.ends_with(s)) {
                    self.file(&entry.path());
                }
            }
        }
        Ok(())
    }

    /// Unreadable, large and non-UTF-8 files are skipped.
    fn file(&mut self, path: &Path) {
        let small = fs::metadata(path).is_ok_and(|m| m.len() <= MAX_FILE_BYTES);
        let Some(text) = small.then(|| fs::read_to_string(path).ok()).flatten() else {
            return;
        };
        self.files += 1;
        for (i, line) in text.lines().enumerate() {
            let hit = if self.ignore_case {
                line.to_lowercase().contains(&self.needle)
            } else {
                line.contains(&self.needle)
            };
            if hit {
                if self.matches.len() == self.max {
                    self.truncated = true;
                    return;
                }
                let shown: String = line.trim().chars().take(MAX_LINE_CHARS).collect();
                self.matches
                    .push(format!("{}:{}: {shown}", path.display(), i + 1));
            }
        }
    }

    fn report(self) -> String {
        if self.matches.is_empty() {
            return format!("no match in {} files", self.files);
        }
        let mut out = self.matches.join("\n");
        if self.truncated {
            out.push_str(&format!(
                "\n[stopped after {} matches; narrow the search or raise max_results]",
                self.max
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_in_name_order_and_skips_ignored_dirs() {
        let dir = std::env::temp_dir().join(format!("fs-search-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("b/.git")).unwrap();
        fs::write(dir.join("a.txt"), "Hello\nnothing\nhello again\n").unwrap();
        fs::write(dir.join("b/c.rs"), "fn hello() {}\n").unwrap();
        fs::write(dir.join("b/.git/config"), "hello\n").unwrap();
        let args = format!(
            r#"{{"pattern": "hello", "dir": "{}", "ignore_case": true}}"#,
            dir.display()
        );
        let out = TOOLBOX.call("search", &args).unwrap();
        let d = dir.display();
        assert_eq!(
            out,
            format!("{d}/a.txt:1: Hello\n{d}/a.txt:3: hello again\n{d}/b/c.rs:1: fn hello() {{}}")
        );

        let args =
            format!(r#"{{"pattern": "hello", "dir": "{d}", "suffix": ".rs", "max_results": 1}}"#);
        assert_eq!(
            TOOLBOX.call("search", &args).unwrap(),
            format!("{d}/b/c.rs:1: fn hello() {{}}")
        );
        let args = format!(r#"{{"pattern": "hello", "dir": "{d}", "max_results": 1}}"#);
        assert!(
            TOOLBOX
                .call("search", &args)
                .unwrap()
                .contains("[stopped after 1 matches")
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_dir_is_a_failure_naming_it() {
        let err = TOOLBOX
            .call("search", r#"{"pattern": "x", "dir": "/no/such/dir"}"#)
            .unwrap_err();
        assert!(
            matches!(&err, ToolError::Failed(m) if m.starts_with("searching /no/such/dir: ")),
            "{err:?}"
        );
    }
}
