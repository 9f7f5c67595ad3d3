//! `quire share update` of a plugin bundle from a marketplace served by
//! `git daemon` on 127.0.0.1: the update shows what changes and asks
//! first; declined (no terminal, or "n") nothing changes, accepted ("y" on
//! a terminal) the new hook is installed and pinned by hash.

use std::io::Write;
use std::path::Path;

use super::install::{lock, marketplace};
use super::support::quire::{Run, TestEnv, finish};
use super::{git, isolate, run};

/// `git daemon` serving `base` on 127.0.0.1; killed when dropped.
struct Daemon {
    child: std::process::Child,
    port: u16,
}

impl Daemon {
    fn start(base: &Path) -> Daemon {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let child = std::process::Command::new("git")
            .args([
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--listen=127.0.0.1",
                &format!("--port={port}"),
                &format!("--base-path={}", base.display()),
                &base.display().to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start git daemon");
        // Ready once it accepts connections.
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Daemon { child, port }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `quire share update` on a terminal (a pty from `script`), answering `answer`.
fn update_answering(env: &TestEnv, answer: &str) -> Run {
    let line = format!("{} share update codex-kit", env!("CARGO_BIN_EXE_quire"));
    let mut cmd = env.program("script");
    cmd.args(["-qfec", &line, "/dev/null"])
        .stdin(std::process::Stdio::piped());
    isolate(env, &mut cmd);
    let mut child = cmd.spawn().expect("script (util-linux) is installed");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(answer.as_bytes()).expect("answer");
    stdin.flush().expect("flush");
    let r = finish(child);
    drop(stdin);
    r
}

#[test]
fn a_marketplace_over_git_daemon_installs_and_an_update_with_a_new_hook_asks_again() {
    let env = TestEnv::new("responses");
    let market = marketplace(env.home.path());
    let daemon = Daemon::start(env.home.path());
    let url = format!("git://127.0.0.1:{}/team-market", daemon.port);
    let r = run(
        &env,
        &["plugins", "marketplace", "add", &url, "--ref", "main"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        &env,
        &["plugins", "install", "codex-kit", "--scope", "project"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let locked = lock(&env);
    assert!(locked.contains(&format!("source = \"{url}\"")), "{locked}");
    let installed = env.repo_path().join(".agents/plugins/codex-kit");
    let hook = installed.join("hooks/hooks.json");

    // The publisher adds a hook and a command.
    let hooks = market.join("plugins/codex-kit/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::write(
        hooks.join("hooks.json"),
        r#"{"hooks": {"SessionStart": [{"hooks": [{"type": "command", "command": "echo hi"}]}]}}"#,
    )
    .unwrap();
    git(&market, &["add", "-A"]);
    git(&market, &["commit", "-q", "-m", "add a hook"]);

    // Without a terminal: the changes are shown, nothing is installed.
    let r = run(&env, &["share", "update"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("new hook file hooks/hooks.json"),
        "{}",
        r.stdout
    );
    // What the new hook runs, and on which event.
    assert!(
        r.stdout.contains("    hook SessionStart: runs echo hi"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert_eq!(lock(&env), locked);
    assert!(!hook.exists());

    // On a terminal, "n": still the old version.
    let r = update_answering(&env, "n\n");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("new hook file hooks/hooks.json"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Install the update of codex-kit? [y/N]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("kept plugin bundle codex-kit as locked"),
        "{}",
        r.stdout
    );
    assert_eq!(lock(&env), locked);
    assert!(!hook.exists());

    // "y": installed, and the hook pinned by its hash.
    let r = update_answering(&env, "y\n");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("needs approval: new hook file hooks/hooks.json"),
        "{}",
        r.stdout
    );
    assert!(hook.is_file());
    let digest = format!(
        "\"hooks/hooks.json\" = \"sha256:{} 100644\"",
        sha256_hex(&std::fs::read(&hook).unwrap())
    );
    let now = lock(&env);
    assert_ne!(now, locked);
    assert!(now.contains(&digest), "{digest} not in\n{now}");
    assert!(
        now.contains(git(&market, &["rev-parse", "HEAD"]).trim()),
        "{now}"
    );
    // The hook itself still waits for approval by hash.
    let r = run(&env, &["hooks", "list", "--json"]);
    assert!(
        r.stdout.contains("not_approved"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

/// The sha256 of `bytes` in hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
