//! Helpers for the skills tests: a temporary repository, `QUIRE_HOME` and
//! `HOME`, and running the real `quire skills ...` in them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub struct SkillsEnv {
    _tmp: tempfile::TempDir,
    /// A git repository (canonical path).
    pub repo: PathBuf,
    /// `QUIRE_HOME`.
    pub home: PathBuf,
    /// `HOME` (for `~/.agents/skills`).
    pub user: PathBuf,
    /// Scratch space outside every root.
    pub outside: PathBuf,
}

pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    /// stdout as JSON lines.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

impl SkillsEnv {
    pub fn new() -> SkillsEnv {
        let tmp = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(tmp.path()).unwrap();
        let env = SkillsEnv {
            repo: base.join("repo"),
            home: base.join("quire-home"),
            user: base.join("user"),
            outside: base.join("outside"),
            _tmp: tmp,
        };
        for d in [&env.repo, &env.home, &env.user, &env.outside] {
            std::fs::create_dir_all(d).unwrap();
        }
        let ok = Command::new("git")
            .args(["init", "-q"])
            .current_dir(&env.repo)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git init");
        // Every folder here is trusted (as after `quire trust`), so project
        // skills count.
        let trusted = format!(
            "[projects.{:?}]\ntrust = \"trusted\"\n",
            base.display().to_string()
        );
        std::fs::write(env.home.join("config.toml"), trusted).unwrap();
        env
    }

    /// `quire ARGS` in `cwd` (relative to the repo).
    pub fn run_in(&self, cwd: &str, args: &[&str]) -> Ran {
        let out: Output = Command::new(env!("CARGO_BIN_EXE_quire"))
            .args(args)
            .current_dir(self.repo.join(cwd))
            .env("QUIRE_HOME", &self.home)
            .env("HOME", &self.user)
            // Claude Code's and Codex's user folders under that home.
            .env_remove("CLAUDE_CONFIG_DIR")
            .env_remove("CODEX_HOME")
            .env("NO_COLOR", "1")
            .env_remove("QUIRE_LOG")
            .stdin(Stdio::null())
            .output()
            .expect("run quire");
        Ran {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn run(&self, args: &[&str]) -> Ran {
        self.run_in("", args)
    }
}

/// Writes `dir/SKILL.md` with a name and description (and extra
/// frontmatter lines), and a body.
pub fn write_skill(dir: &Path, name: &str, description: &str, extra: &str, body: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("SKILL.md"),
        format!("---\nname: {name}\ndescription: {description}\n{extra}---\n{body}"),
    )
    .unwrap();
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The corpus folder in the source tree.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/skills-corpus")
}
