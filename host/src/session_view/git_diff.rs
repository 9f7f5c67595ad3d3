//! `git diff`'s output split into files, each as `/diff` lays it out
//! (`diff::files`: status, path, old path of a move, line counts, hunks).

use quire::review::diff::{path_from_header, unquote};

/// One file of a `git diff`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// `added`, `modified`, `deleted` or `moved`.
    pub status: &'static str,
    pub path: String,
    /// The old path of a move.
    pub from: Option<String>,
    /// git said "Binary files … differ": no lines to show.
    pub binary: bool,
    /// A mode change (`100644 → 100755`), when there is one.
    pub mode: Option<String>,
    /// The hunks, from the first `@@` line on.
    pub hunks: Vec<String>,
    pub added: usize,
    pub removed: usize,
}

impl Section {
    fn new(header: &str) -> Section {
        Section {
            status: "modified",
            path: path_from_header(header),
            from: None,
            binary: false,
            mode: None,
            hunks: Vec::new(),
            added: 0,
            removed: 0,
        }
    }

    /// A header line (before the first hunk).
    fn header(&mut self, line: &str, old_mode: &mut Option<String>) {
        if line.starts_with("new file mode") {
            self.status = "added";
        } else if line.starts_with("deleted file mode") {
            self.status = "deleted";
        } else if let Some(p) = line.strip_prefix("rename from ") {
            self.status = "moved";
            self.from = Some(unquote(p));
        } else if let Some(p) = line.strip_prefix("rename to ") {
            self.path = unquote(p);
        } else if let Some(p) = line.strip_prefix("+++ ") {
            if let Some(p) = unquote(p).strip_prefix("b/") {
                self.path = p.to_string();
            }
        } else if line.starts_with("Binary files ") || line == "GIT binary patch" {
            self.binary = true;
        } else if let Some(m) = line.strip_prefix("old mode ") {
            *old_mode = Some(m.trim().to_string());
        } else if let Some(m) = line.strip_prefix("new mode ") {
            let old = old_mode.take().unwrap_or_default();
            self.mode = Some(format!("{old} → {}", m.trim()));
        }
    }
}

/// The files of `git diff` output, in its order. Lines before the
/// first file are ignored.
pub fn sections(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut old_mode = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("diff --git ") {
            out.push(Section::new(rest));
            old_mode = None;
            continue;
        }
        let Some(s) = out.last_mut() else {
            continue;
        };
        if s.hunks.is_empty() && !line.starts_with("@@") {
            s.header(line, &mut old_mode);
            continue;
        }
        match line.as_bytes().first() {
            Some(b'+') => s.added += 1,
            Some(b'-') => s.removed += 1,
            _ => {}
        }
        s.hunks.push(line.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_split_with_their_status_and_counts() {
        let text = "diff --git a/a.txt b/a.txt\nindex 1..2 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-hello\n+hello WORLD\n\
diff --git a/old name.rs b/new name.rs\nsimilarity index 90%\nrename from old name.rs\nrename to new name.rs\n\
diff --git a/img.png b/img.png\nnew file mode 100644\nindex 0..3\nBinary files /dev/null and b/img.png differ\n\
diff --git \"a/tab\\there\" \"b/tab\\there\"\ndeleted file mode 100644\n--- \"a/tab\\there\"\n+++ /dev/null\n@@ -1 +0,0 @@\n--- not a header\n\
diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n";
        let s = sections(text);
        assert_eq!(s.len(), 5, "{s:?}");
        assert_eq!(
            (s[0].status, s[0].path.as_str(), s[0].added, s[0].removed),
            ("modified", "a.txt", 1, 1)
        );
        assert_eq!(s[0].hunks, ["@@ -1 +1 @@", "-hello", "+hello WORLD"]);
        assert_eq!(
            (s[1].status, s[1].path.as_str(), s[1].from.as_deref()),
            ("moved", "new name.rs", Some("old name.rs"))
        );
        assert!(s[2].binary && s[2].status == "added" && s[2].path == "img.png");
        assert_eq!((s[3].status, s[3].path.as_str()), ("deleted", "tab\there"));
        assert_eq!(s[3].removed, 1, "a removed line that looks like a header");
        assert_eq!(s[4].mode.as_deref(), Some("100644 → 100755"));
    }
}
