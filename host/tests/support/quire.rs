//! Runs the real `quire` binary against the model server, in a temporary
//! git repository with its own `QUIRE_HOME`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::model_server::ModelServer;

/// The wire APIs, as `wire_api` values.
pub const WIRES: [&str; 3] = ["responses", "chat", "anthropic"];

/// How long one quire run may take before the test fails.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// A model server, a temp `QUIRE_HOME` and a temp git repository.
pub struct TestEnv {
    pub server: ModelServer,
    pub home: tempfile::TempDir,
    pub repo: tempfile::TempDir,
}

/// The result of one run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Parsed JSON lines of stdout (with `--json`).
    pub events: Vec<Value>,
}

impl Run {
    pub fn of_type(&self, ty: &str) -> Vec<&Value> {
        self.events.iter().filter(|e| e["type"] == ty).collect()
    }

    pub fn types(&self) -> Vec<String> {
        self.events
            .iter()
            .map(|e| e["type"].as_str().unwrap_or("?").to_string())
            .collect()
    }
}

impl TestEnv {
    pub fn new(wire: &'static str) -> TestEnv {
        TestEnv::with_config(wire, "")
    }

    /// `extra` is appended to the generated config.toml.
    pub fn with_config(wire: &'static str, extra: &str) -> TestEnv {
        let server = ModelServer::start();
        let home = tempfile::tempdir().expect("temp home");
        let repo = tempfile::tempdir().expect("temp repo");
        let status = Command::new("git")
            .args(["init", "-q"])
            .current_dir(repo.path())
            .status()
            .expect("git init");
        assert!(status.success());
        let base = if wire == "anthropic" {
            server.base_url_anthropic()
        } else {
            server.base_url_openai()
        };
        let config = format!(
            "provider = \"test\"\nmodel = \"test-model\"\n{extra}\n\n[providers.test]\nwire_api = \"{wire}\"\nbase_url = \"{base}\"\napi_key_env = \"QUIRE_TEST_API_KEY\"\n\n[retry]\nbase_delay_ms = 5\nmax_delay_ms = 20\n"
        );
        // The test repository is trusted, so its own settings count (as
        // after `quire trust`); trust tests remove this entry.
        let canonical = std::fs::canonicalize(repo.path()).expect("canonical repo");
        let config = format!(
            "{config}\n[projects.{:?}]\ntrust = \"trusted\"\n",
            canonical.display().to_string()
        );
        std::fs::write(home.path().join("config.toml"), config).expect("write config");
        TestEnv { server, home, repo }
    }

    pub fn repo_path(&self) -> PathBuf {
        // Canonical, so paths compare equal to what quire reports.
        std::fs::canonicalize(self.repo.path()).expect("canonical repo")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.repo.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write file");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.repo.path().join(rel)).unwrap_or_default()
    }

    /// Runs git in the test folder ([`git_in`]).
    pub fn git(&self, args: &[&str]) -> String {
        git_in(self.repo.path(), args)
    }

    /// Commits every file of the test folder.
    pub fn commit_all(&self) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", "start"]);
    }

    /// Makes the test folder no git repository (`.git` removed), for what
    /// quire does outside one.
    pub fn leave_git(&self) {
        std::fs::remove_dir_all(self.repo.path().join(".git")).expect("remove .git");
    }

    /// `quire ARGS` with the test environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.program(env!("CARGO_BIN_EXE_quire"));
        cmd.args(args);
        cmd
    }

    /// Any program with the test environment (for wrappers such as
    /// `script`, which gives quire a terminal).
    pub fn program(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.repo.path())
            .env("QUIRE_HOME", self.home.path())
            // Claude Code's user settings (hooks) come from the temp home,
            // never from the developer's ~/.claude.
            .env("CLAUDE_CONFIG_DIR", self.home.path().join("claude"))
            // Codex's user folder (prompts, skills) too.
            .env("CODEX_HOME", self.home.path().join("codex"))
            .env("QUIRE_TEST_API_KEY", "test-key")
            .env("NO_COLOR", "1")
            .env("SHELL", "/bin/bash")
            .env_remove("QUIRE_PROVIDER")
            .env_remove("QUIRE_MODEL")
            .env_remove("QUIRE_SANDBOX")
            .env_remove("QUIRE_APPROVAL")
            .env_remove("QUIRE_MAX_TURNS")
            .env_remove("QUIRE_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Spawns `quire ARGS` without waiting.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args).spawn().expect("spawn quire")
    }

    /// Runs `quire ARGS` to the end (failing the test after [`RUN_TIMEOUT`]).
    pub fn run(&self, args: &[&str]) -> Run {
        finish(self.spawn(args))
    }

    /// `quire ARGS` with `input` on its standard input (closed after it),
    /// to the end: the line mode reading typed lines.
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        let mut cmd = self.command(args);
        cmd.stdin(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn quire");
        let mut stdin = child.stdin.take().expect("stdin");
        std::io::Write::write_all(&mut stdin, input.as_bytes()).expect("write stdin");
        drop(stdin);
        finish(child)
    }

    /// `quire exec --json PROMPT EXTRA...`
    pub fn exec_json(&self, prompt: &str, extra: &[&str]) -> Run {
        let mut args = vec!["exec", "--json"];
        args.extend_from_slice(extra);
        args.push(prompt);
        self.run(&args)
    }

    /// Session files written so far.
    pub fn session_files(&self) -> Vec<PathBuf> {
        let dir = self.home.path().join("sessions");
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Records of the only (or newest) session file, parsed.
    pub fn session_records(&self) -> Vec<Value> {
        let files = self.session_files();
        let last = files.last().expect("a session file");
        std::fs::read_to_string(last)
            .expect("read session")
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

/// Runs git in `dir` (as a test user, unsigned); its stdout. Panics when
/// git fails.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits for a child with a timeout and collects its output.
pub fn finish(mut child: Child) -> Run {
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + RUN_TIMEOUT;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "quire did not finish within {RUN_TIMEOUT:?}; stderr: {}",
                t_err.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = t_out.join().unwrap_or_default();
    let stderr = t_err.join().unwrap_or_default();
    let events = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    use std::os::unix::process::ExitStatusExt;
    let code = status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
    Run {
        code,
        stdout,
        stderr,
        events,
    }
}

/// Waits until `path` exists and holds text (a pid file written by a
/// command), failing the test after 30 s.
pub fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(s) = std::fs::read_to_string(path)
            && !s.trim().is_empty()
        {
            return s.trim().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether a process is still alive (and not a zombie).
pub fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// Waits up to 10 s for a process to be gone.
pub fn wait_gone(pid: i32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}
