//! Prompt assembly: quire's instructions, the AGENTS.md files that apply to
//! the cwd, and an environment block.

use std::path::{Path, PathBuf};

use super::memory_imports::{ReadDenied, none_denied};
use crate::tools::{ApprovalPolicy, SandboxMode};

/// quire's own instructions (the first part of every system prompt).
pub const BASE_INSTRUCTIONS: &str = include_str!("instructions.md");

/// Total size of the AGENTS.md text included in the prompt.
pub const AGENTS_MD_CAP: usize = crate::config::DEFAULT_PROJECT_DOC_MAX_BYTES;

/// The AGENTS.md part of the prompt.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectDocs {
    /// The text for the prompt (empty when there are no files).
    pub text: String,
    /// The files that were read, in order.
    pub files: Vec<PathBuf>,
    /// Set when the cap cut the text.
    pub truncated: bool,
    /// When the cap cut the text: the file cut, then those left out.
    pub cut: Vec<PathBuf>,
    /// Why files were left out (a link leading out of the repository,
    /// something that is not a regular file).
    pub skipped: Vec<String>,
}

pub use crate::config::repo_root;

/// Whether `path` is a regular file (a link followed). Something else
/// there (a FIFO, a device, a folder, a link to one: reading it would
/// block or never end) is added to `skipped`, said so.
fn regular(path: &Path, skipped: &mut Vec<String>) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if meta.is_file() {
        return true;
    }
    let link = std::fs::read_link(path)
        .map(|to| format!(" (a link to {})", to.display()))
        .unwrap_or_default();
    skipped.push(format!(
        "{}{link} is {}, not a regular file; it was not read (make it a plain text file)",
        path.display(),
        crate::file_kind::name(meta.file_type())
    ));
    false
}

/// The user's own instructions: `home/AGENTS.md`, else Codex's
/// (`$CODEX_HOME/AGENTS.override.md`, then `AGENTS.md`), else Claude
/// Code's (`$CLAUDE_CONFIG_DIR/CLAUDE.md`), so that what a user wrote for
/// those tools applies here too.
fn user_docs(home: &Path) -> Option<PathBuf> {
    let codex = crate::config::other_tools::codex_dir();
    let claude = crate::config::other_tools::claude_dir();
    std::iter::once(home.join("AGENTS.md"))
        .chain(
            codex
                .iter()
                .flat_map(|d| FOLDER_FILES.iter().map(|f| d.join(f))),
        )
        .chain(claude.map(|d| d.join("CLAUDE.md")))
        .find(|p| p.is_file())
}

/// Codex's instruction files, the first found read: its override, then
/// AGENTS.md.
const FOLDER_FILES: [&str; 2] = ["AGENTS.override.md", "AGENTS.md"];

/// Claude Code's instruction files of a folder, each read: CLAUDE.md,
/// .claude/CLAUDE.md and the personal CLAUDE.local.md.
const CLAUDE_FILES: [&str; 3] = ["CLAUDE.md", ".claude/CLAUDE.md", "CLAUDE.local.md"];

/// `dir`'s instruction files: Codex's ([`FOLDER_FILES`], the first found)
/// and Claude Code's ([`CLAUDE_FILES`], each), so a repository written
/// for either tool, or both, is read as that tool reads it.
pub(super) fn folder_files(dir: &Path, skipped: &mut Vec<String>) -> Vec<PathBuf> {
    FOLDER_FILES
        .iter()
        .map(|f| dir.join(f))
        .find(|p| regular(p, skipped))
        .into_iter()
        .chain(
            CLAUDE_FILES
                .iter()
                .map(|f| dir.join(f))
                .filter(|p| regular(p, skipped)),
        )
        .collect()
}

/// Reads the user's own instructions ([`user_docs`]), then, from the
/// repository root down to `cwd`, each folder's `AGENTS.override.md`,
/// else `AGENTS.md`, else `CLAUDE.md`. The
/// files' text is capped at [`AGENTS_MD_CAP`] bytes in all (the headings
/// naming them and the cut note do not count). A repository's file that is
/// a symbolic link is followed only to a file inside the repository or
/// `home` (a link to `~/.ssh/id_rsa` would send the key to the provider);
/// others are skipped and said so in [`ProjectDocs::skipped`].
pub fn project_docs(home: &Path, cwd: &Path) -> ProjectDocs {
    project_docs_capped(home, cwd, AGENTS_MD_CAP, &none_denied)
}

/// [`project_docs`] with the files' text capped at `cap` bytes (the config's
/// `project_doc_max_bytes`; 0 reads none) and no CLAUDE.md import that
/// `denied` (the Claude Code `Read` deny rules) refuses.
pub fn project_docs_capped(
    home: &Path,
    cwd: &Path,
    cap: usize,
    denied: ReadDenied<'_>,
) -> ProjectDocs {
    if cap == 0 {
        return ProjectDocs::default();
    }
    let mut files: Vec<PathBuf> = user_docs(home).into_iter().collect();
    let root = repo_root(cwd).unwrap_or_else(|| cwd.to_path_buf());
    let mut dirs: Vec<&Path> = cwd
        .ancestors()
        .take_while(|d| d.starts_with(&root))
        .collect();
    dirs.reverse();
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let allowed = [canonical(&root), canonical(home)];
    let mut skipped = Vec::new();
    for dir in dirs {
        for found in folder_files(dir, &mut skipped) {
            let target = canonical(&found);
            if allowed.iter().any(|a| target.starts_with(a)) {
                files.push(found);
            } else {
                skipped.push(format!(
                    "{} links to {}, outside the repository; it was not read (copy the text into the file instead)",
                    found.display(),
                    target.display()
                ));
            }
        }
    }
    // A repository's file imports from the repository; the user's own
    // from their home folders.
    let user_reach: Vec<PathBuf> = std::env::var_os("HOME")
        .map(PathBuf::from)
        .into_iter()
        .chain([home.to_path_buf()])
        .map(|p| canonical(&p))
        .collect();
    let reach = |f: &Path| -> Vec<PathBuf> {
        if canonical(f).starts_with(&allowed[0]) {
            vec![allowed[0].clone()]
        } else {
            user_reach.clone()
        }
    };
    let files = super::memory_imports::expand(files, &reach, denied, &mut skipped);
    let mut joined = super::doc_text::Joined::new(cap);
    let mut truncated = false;
    let mut read = Vec::new();
    let mut cut = Vec::new();
    for f in files {
        if truncated {
            cut.push(f);
            continue;
        }
        match joined.add(&f, &mut skipped) {
            super::doc_text::Added::Skipped => continue,
            super::doc_text::Added::Cut => {
                truncated = true;
                cut.push(f.clone());
            }
            super::doc_text::Added::Whole => {}
        }
        read.push(f);
    }
    let text = joined.text;
    ProjectDocs {
        text,
        files: read,
        truncated,
        cut,
        skipped,
    }
}

/// `cap` bytes in words: `32 KiB`, `1000 bytes`.
pub fn size(cap: usize) -> String {
    if cap.is_multiple_of(1024) {
        format!("{} KiB", cap / 1024)
    } else {
        format!("{cap} bytes")
    }
}

/// Facts about where the agent runs.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub cwd: PathBuf,
    pub workspace: PathBuf,
    pub shell: String,
    pub date: String,
    pub sandbox: SandboxMode,
    pub network: bool,
    /// Sandboxed commands may create Unix sockets (`unix_sockets`); said
    /// of the sandboxed modes only.
    pub unix_sockets: bool,
    pub approval: ApprovalPolicy,
    /// More folders commands may write (`writable_roots`), under
    /// `workspace-write`; said only when there are some.
    pub writable_roots: Vec<PathBuf>,
}

impl Environment {
    pub fn detect(
        cwd: &Path,
        workspace: &Path,
        sandbox: SandboxMode,
        network: bool,
        approval: ApprovalPolicy,
    ) -> Self {
        let shell = std::env::var("SHELL")
            .ok()
            .and_then(|s| s.rsplit('/').next().map(str::to_string))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "sh".into());
        Environment {
            cwd: cwd.to_path_buf(),
            workspace: workspace.to_path_buf(),
            shell,
            date: chrono::Local::now().format("%Y-%m-%d").to_string(),
            sandbox,
            network,
            unix_sockets: false,
            approval,
            writable_roots: Vec::new(),
        }
    }

    pub fn render(&self) -> String {
        format!(
            "<environment>\ncwd: {}\nworkspace: {}\nos: {}\nshell: {}\ndate: {}\n{}\n</environment>",
            self.cwd.display(),
            self.workspace.display(),
            std::env::consts::OS,
            self.shell,
            self.date,
            self.settings(),
        )
    }

    /// The block's lines a session may change while it runs (sandbox,
    /// network, writable folders, approval): a change is said in a note
    /// after the next message, never by rewriting the system prompt.
    pub fn settings(&self) -> String {
        let writable = match self.writable_roots.is_empty() {
            true => String::new(),
            false => format!(
                "\ncommands and apply_patch may also write: {}",
                self.writable_roots
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let unix = match self.sandbox {
            SandboxMode::DangerFullAccess => "",
            _ if self.unix_sockets => ", Unix sockets on",
            _ => ", Unix sockets off",
        };
        // Without a sandbox nothing holds the network back, whatever
        // `network` says (it is the sandbox's setting).
        let network = self.network || self.sandbox == SandboxMode::DangerFullAccess;
        format!(
            "sandbox: {} (network {}{unix}){writable}\napproval: {}",
            self.sandbox,
            if network { "on" } else { "off" },
            self.approval,
        )
    }
}

/// The whole system prompt.
pub fn instructions(docs: &ProjectDocs, env: &Environment) -> String {
    let mut s = String::from(BASE_INSTRUCTIONS.trim_end());
    if !docs.text.is_empty() {
        s.push_str("\n\n# Project instructions (AGENTS.md)\n\n");
        s.push_str(docs.text.trim_end());
    }
    s.push_str("\n\n");
    s.push_str(&env.render());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_access_says_the_network_is_on_whatever_the_sandbox_setting() {
        let env = |sandbox| Environment {
            cwd: PathBuf::from("/w"),
            workspace: PathBuf::from("/w"),
            shell: "bash".into(),
            date: "2026-12-07".into(),
            sandbox,
            network: false,
            unix_sockets: false,
            approval: ApprovalPolicy::OnRequest,
            writable_roots: Vec::new(),
        };
        assert!(
            env(SandboxMode::DangerFullAccess)
                .settings()
                .starts_with("sandbox: danger-full-access (network on)")
        );
        assert!(
            env(SandboxMode::WorkspaceWrite)
                .settings()
                .starts_with("sandbox: workspace-write (network off,")
        );
    }

    #[test]
    fn docs_from_root_down_codex_and_claude_files_alike() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let sub = repo.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::create_dir_all(repo.path().join(".git")).unwrap();
        std::fs::create_dir_all(repo.path().join(".claude")).unwrap();
        std::fs::create_dir_all(repo.path().join("docs")).unwrap();
        std::fs::write(home.path().join("AGENTS.md"), "user rules").unwrap();
        std::fs::write(repo.path().join("AGENTS.md"), "root rules").unwrap();
        // Claude Code's files beside AGENTS.md are read too (a Claude Code
        // user's repository often has both), with their imports.
        std::fs::write(
            repo.path().join("CLAUDE.md"),
            "claude root, see @docs/style.md",
        )
        .unwrap();
        std::fs::write(repo.path().join("docs/style.md"), "imported style").unwrap();
        std::fs::write(repo.path().join(".claude/CLAUDE.md"), "dot claude rules").unwrap();
        std::fs::write(repo.path().join("CLAUDE.local.md"), "my local rules").unwrap();
        std::fs::write(repo.path().join("a/CLAUDE.md"), "folder a rules").unwrap();
        std::fs::write(sub.join("AGENTS.md"), "deep rules").unwrap();
        // A copy of the AGENTS.md beside it is read once.
        std::fs::write(sub.join("CLAUDE.md"), "deep rules\n").unwrap();
        let d = project_docs(home.path(), &sub);
        let order: Vec<usize> = [
            "user rules",
            "root rules",
            "claude root",
            "imported style",
            "dot claude rules",
            "my local rules",
            "folder a rules",
            "deep rules",
        ]
        .iter()
        .map(|t| {
            d.text
                .find(t)
                .unwrap_or_else(|| panic!("{t} missing: {}", d.text))
        })
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{}", d.text);
        assert_eq!(d.text.matches("deep rules").count(), 1, "{}", d.text);
        assert!(!d.truncated);
    }

    #[test]
    fn a_repository_import_outside_it_is_not_read() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir(repo.path().join(".git")).unwrap();
        let key = outside.path().join("id_rsa");
        std::fs::write(&key, "PRIVATE KEY").unwrap();
        std::fs::write(
            repo.path().join("CLAUDE.md"),
            format!("rules @{}", key.display()),
        )
        .unwrap();
        let d = project_docs(home.path(), repo.path());
        assert!(d.text.contains("rules"), "{}", d.text);
        assert!(!d.text.contains("PRIVATE KEY"), "{}", d.text);
        assert!(
            d.skipped
                .iter()
                .any(|s| s.contains("id_rsa") && s.contains("not read")),
            "{:?}",
            d.skipped
        );
    }

    #[test]
    fn an_override_file_wins_over_agents_md_in_its_folder() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let sub = repo.path().join("a");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::create_dir(repo.path().join(".git")).unwrap();
        std::fs::write(repo.path().join("AGENTS.md"), "root rules").unwrap();
        std::fs::write(sub.join("AGENTS.override.md"), "override rules").unwrap();
        std::fs::write(sub.join("AGENTS.md"), "shadowed rules").unwrap();
        let d = project_docs(home.path(), &sub);
        assert!(d.text.contains("root rules"), "{}", d.text);
        assert!(d.text.contains("override rules"), "{}", d.text);
        assert!(!d.text.contains("shadowed rules"), "{}", d.text);
    }

    #[test]
    fn a_cut_names_the_file_cut_and_those_left_out() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let sub = repo.path().join("a");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::create_dir(repo.path().join(".git")).unwrap();
        std::fs::write(repo.path().join("AGENTS.md"), "x".repeat(40_000)).unwrap();
        std::fs::write(sub.join("AGENTS.md"), "sub rules").unwrap();
        let d = project_docs(home.path(), &sub);
        assert!(d.truncated);
        assert_eq!(
            d.cut,
            [repo.path().join("AGENTS.md"), sub.join("AGENTS.md")]
        );
        assert!(!d.text.contains("sub rules"));
    }

    #[test]
    fn docs_are_capped_with_a_marker() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir(repo.path().join(".git")).unwrap();
        std::fs::write(repo.path().join("AGENTS.md"), "x".repeat(40_000)).unwrap();
        let d = project_docs(home.path(), repo.path());
        assert!(d.truncated);
        assert!(d.text.len() < AGENTS_MD_CAP + 100);
        assert!(d.text.contains("cut at 32 KiB"));
        // project_doc_max_bytes moves the cap, both ways; 0 reads none.
        let d = project_docs_capped(home.path(), repo.path(), 64 * 1024, &none_denied);
        assert!(!d.truncated && d.text.contains(&"x".repeat(40_000)));
        let d = project_docs_capped(home.path(), repo.path(), 1000, &none_denied);
        assert!(d.truncated && d.text.len() < 1100, "{}", d.text.len());
        assert!(d.text.contains("cut at 1000 bytes"));
        assert_eq!(
            project_docs_capped(home.path(), repo.path(), 0, &none_denied),
            ProjectDocs::default()
        );
    }

    #[test]
    fn the_cap_counts_only_the_files_own_bytes() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let sub = repo.path().join("a");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::create_dir(repo.path().join(".git")).unwrap();
        let rules = "AGENTS rule one: always foo.\nrule two: bar.";
        std::fs::write(repo.path().join("AGENTS.md"), format!("{rules}\n")).unwrap();
        std::fs::write(sub.join("AGENTS.md"), "sub rules").unwrap();
        let heading = format!("## {}\n\n", repo.path().join("AGENTS.md").display());
        // 30 bytes: the heading is whole, then 30 bytes of the file.
        let d = project_docs_capped(home.path(), &sub, 30, &none_denied);
        assert!(d.truncated);
        assert!(
            d.text
                .starts_with(&format!("{heading}{}\n\n[…", &rules[..30])),
            "{}",
            d.text
        );
        assert!(!d.text.contains("sub rules"), "{}", d.text);
        // 10 bytes: the path is not cut.
        let d = project_docs_capped(home.path(), &sub, 10, &none_denied);
        assert!(
            d.text.starts_with(&format!("{heading}AGENTS rul\n")),
            "{}",
            d.text
        );
        // Exactly both files' text: nothing cut, however long the paths.
        let d = project_docs_capped(
            home.path(),
            &sub,
            rules.len() + "sub rules".len(),
            &none_denied,
        );
        assert!(!d.truncated, "{}", d.text);
        assert!(d.text.contains(rules) && d.text.contains("sub rules"));
    }

    #[test]
    fn links_out_of_the_repository_are_not_followed() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let secret = tempfile::tempdir().unwrap();
        std::fs::create_dir(repo.path().join(".git")).unwrap();
        std::fs::create_dir(repo.path().join("sub")).unwrap();
        std::fs::write(secret.path().join("id_rsa"), "PRIVATE KEY").unwrap();
        std::fs::write(repo.path().join("docs.md"), "inside rules").unwrap();
        std::os::unix::fs::symlink(secret.path().join("id_rsa"), repo.path().join("AGENTS.md"))
            .unwrap();
        std::os::unix::fs::symlink("../docs.md", repo.path().join("sub/AGENTS.md")).unwrap();
        let d = project_docs(home.path(), &repo.path().join("sub"));
        assert!(!d.text.contains("PRIVATE KEY"), "{}", d.text);
        assert!(d.text.contains("inside rules"), "{}", d.text);
        assert_eq!(d.skipped.len(), 1, "{:?}", d.skipped);
        assert!(d.skipped[0].contains("outside the repository"));
    }

    #[test]
    fn files_that_are_not_regular_are_skipped_and_said_so() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir(repo.path().join(".git")).unwrap();
        std::fs::create_dir(repo.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", repo.path().join("AGENTS.md")).unwrap();
        std::fs::write(repo.path().join("CLAUDE.md"), "claude rules").unwrap();
        let fifo = repo.path().join("sub/AGENTS.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let d = project_docs(home.path(), &repo.path().join("sub"));
        assert!(d.text.contains("claude rules"), "{}", d.text);
        assert_eq!(d.skipped.len(), 2, "{:?}", d.skipped);
        assert!(
            d.skipped[0].contains("(a link to /dev/zero) is a device, not a regular file"),
            "{:?}",
            d.skipped
        );
        assert!(
            d.skipped[1].contains("sub/AGENTS.md is a named pipe, not a regular file"),
            "{:?}",
            d.skipped
        );
    }
}
