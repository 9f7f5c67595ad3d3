//! Codex's `notify`: the program runs when a turn ends with the turn as
//! JSON in its last argument, is not waited for (it may finish after
//! quire), a program that cannot start is said once, and a repository's
//! `notify` runs only once the repository is trusted.
use super::*;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::quire::wait_for_file;

/// A notify program (Python) that writes its last argument to
/// `OUT/PID.json` (whole: written aside, then renamed), after `GO`
/// exists when a second argument names it.
const SCRIPT: &str = r#"
import os, sys, time
out, payload = sys.argv[1], sys.argv[-1]
if len(sys.argv) == 4:
    while not os.path.exists(sys.argv[2]):
        time.sleep(0.02)
tmp = os.path.join(out, ".%d" % os.getpid())
with open(tmp, "w") as f:
    f.write(payload)
os.rename(tmp, os.path.join(out, "%d.json" % os.getpid()))
"#;

/// The test env with `notify` running [`SCRIPT`] into `home/out`, with
/// `extra` arguments before the JSON; and that folder.
fn notifying(wire: &'static str, extra: &[&Path]) -> (TestEnv, PathBuf) {
    let env = TestEnv::new(wire);
    let home = env.home.path();
    let (script, out) = (home.join("notify.py"), home.join("out"));
    std::fs::write(&script, SCRIPT).unwrap();
    std::fs::create_dir(&out).unwrap();
    let mut argv = vec!["python3".to_string(), script.display().to_string()];
    argv.push(out.display().to_string());
    argv.extend(extra.iter().map(|p| p.display().to_string()));
    // A top-level key goes before the file's tables.
    let config = home.join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("notify = {argv:?}\n{text}")).unwrap();
    (env, out)
}

/// The notifications written to `out` once there are `n` of them.
fn notifications(out: &Path, n: usize) -> Vec<Value> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let mut found: Vec<Value> = std::fs::read_dir(out)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
            .map(|e| serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap())
            .collect();
        if found.len() >= n {
            found.sort_by_key(|v| v["input-messages"][0].as_str().map(str::to_string));
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} of {n} notifications",
            found.len()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// `quire exec`: the JSON Codex sends, and quire does not wait for the
/// program (it finishes after quire exited, unharmed).
#[test]
fn exec_runs_notify_with_the_turn_and_does_not_wait_for_it() {
    let go = tempfile::tempdir().unwrap();
    let go = go.path().join("go");
    let (env, out) = notifying("responses", &[go.as_path()]);
    env.server.push(Reply::text("All done: the tests pass."));
    let run = env.exec_json("run the tests", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("warning").is_empty(), "{:?}", run.events);
    // quire is gone; the program still waits for `go`.
    assert!(std::fs::read_dir(&out).unwrap().next().is_none());
    std::fs::write(&go, "").unwrap();
    let got = notifications(&out, 1).remove(0);
    let started = &run.of_type("session_started")[0];
    assert_eq!(got["type"], "agent-turn-complete");
    assert_eq!(got["thread-id"], started["session_id"]);
    assert_eq!(got["cwd"], started["cwd"]);
    assert_eq!(got["input-messages"], json!(["run the tests"]));
    assert_eq!(got["last-assistant-message"], "All done: the tests pass.");
    assert!(
        got["turn-id"].as_str().is_some_and(|t| !t.is_empty()),
        "{got}"
    );
}

/// The line mode: one notification per turn, one thread, two turns.
#[test]
fn each_turn_of_the_line_mode_notifies() {
    let (env, out) = notifying("chat", &[]);
    env.server
        .push_all([Reply::text("first answer"), Reply::text("second answer")]);
    let run = env.run_with_input(&[], "one\ntwo\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = notifications(&out, 2);
    assert_eq!(got[0]["input-messages"], json!(["one"]));
    assert_eq!(got[0]["last-assistant-message"], "first answer");
    assert_eq!(got[1]["input-messages"], json!(["two"]));
    assert_eq!(got[1]["last-assistant-message"], "second answer");
    assert_eq!(got[0]["thread-id"], got[1]["thread-id"]);
    assert_ne!(got[0]["turn-id"], got[1]["turn-id"]);
    // `quire doctor` says it is set, and where.
    let doctor = env.run(&["doctor"]);
    let said = format!("{}{}", doctor.stdout, doctor.stderr);
    assert!(
        said.contains("notify: `python3 ")
            && said.contains("runs after every turn, outside the sandbox")
            && said.contains("(set in "),
        "{said}"
    );
}

/// A program that is not there: the turns go on, said once.
#[test]
fn a_missing_notify_program_is_one_warning() {
    let env = TestEnv::with_config("chat", "notify = [\"/nonexistent/quire-notify\", \"x\"]");
    env.server
        .push_all([Reply::text("first answer"), Reply::text("second answer")]);
    let run = env.run_with_input(&[], "one\ntwo\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("second answer"), "{}", run.stdout);
    assert_eq!(
        run.stderr.matches("notify: cannot run").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("/nonexistent/quire-notify") && run.stderr.contains("no such program"),
        "{}",
        run.stderr
    );
    let doctor = env.run(&["doctor"]);
    let said = format!("{}{}", doctor.stdout, doctor.stderr);
    assert!(
        said.contains("notify: `/nonexistent/quire-notify` is not a program here"),
        "{said}"
    );
}

/// A repository's `notify` runs only once the repository is trusted; the
/// trust listing names it.
#[test]
fn a_repositorys_notify_needs_trust() {
    let (env, out) = notifying("responses", &[]);
    let marker = env.repo_path().join("repo-notify-ran");
    env.write(
        ".quire/config.toml",
        &format!(
            "notify = [\"sh\", \"-c\", \"echo ran > {}\"]\n",
            marker.display()
        ),
    );
    assert_eq!(env.run(&["trust", "--revoke"]).code, 0);
    env.server.push(Reply::text("one"));
    let run = env.exec_json("hello", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The user's program ran for the turn, so the repository's did not.
    notifications(&out, 1);
    assert!(!marker.exists(), "the untrusted repository's notify ran");
    let warned = run.of_type("warning").iter().any(|w| {
        w["message"].as_str().is_some_and(|m| {
            m.contains("not a trusted repository") && m.contains(".quire/config.toml")
        })
    });
    assert!(warned, "{:?}", run.events);

    let trust = env.run(&["trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    assert!(
        trust
            .stdout
            .contains("notify = [\"sh\", \"-c\", \"echo ran > ")
            && trust
                .stdout
                .contains("runs that program, outside the sandbox, after every turn"),
        "{}",
        trust.stdout
    );
    env.server.push(Reply::text("two"));
    let run = env.exec_json("hello", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(wait_for_file(&marker), "ran");
}

/// An answer longer than the kernel's limit for one argument (128 KiB)
/// still notifies: the JSON is whole, the message and the answer cut
/// with a marker saying how much is left out (tester T21).
#[test]
fn a_huge_answer_still_notifies_with_its_start() {
    let (env, out) = notifying("responses", &[]);
    // Two bytes a character: a cut never splits one.
    let answer = "é".repeat(100 * 1024);
    env.server.push(Reply::text(answer.clone()));
    let run = env.exec_json("write a lot", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("warning").is_empty(), "{:?}", run.events);
    let got = notifications(&out, 1).remove(0);
    assert_eq!(got["input-messages"], json!(["write a lot"]));
    let last = got["last-assistant-message"].as_str().expect("the answer");
    let (kept, mark) = last.split_once("… [cut by quire: ").expect(last);
    assert!(
        answer.starts_with(kept) && kept.len() >= 16 * 1024,
        "{last}"
    );
    assert_eq!(mark, format!("{} more bytes]", answer.len() - kept.len()));
}
