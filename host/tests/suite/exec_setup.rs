//! `quire exec` refuses a setup that cannot work before it talks to the
//! model, naming what to change: zero timeouts and turn limits (one
//! sentence per range, the flag or `-c` or file line the user wrote), a
//! `-C` that is not a directory, a sessions folder that cannot be written.
//! Also: the missing-key message, the exit codes in `--help`, and the
//! tokens line after SIGTERM.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv, finish, wait_for_file};

/// `run` stopped before any work with exit 2, saying `want` on stderr.
fn refused(run: &Run, want: &str) {
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(want), "{}", run.stderr);
}

const TURNS: &str = "max_turns must be a whole number from 1 to 4294967295, got 0";

#[test]
fn zero_timeouts_are_refused_where_they_were_set() {
    let env = TestEnv::new("chat");
    let run = env.run(&["exec", "-c", "shell_timeout_ms=0", "hi"]);
    refused(
        &run,
        "-c shell_timeout_ms=0: shell_timeout_ms must be a whole number of milliseconds, at least 1, got 0",
    );
    assert!(env.server.requests().is_empty());
    // A fresh repository each: a trusted one's settings are sealed at the
    // first run.
    let env = TestEnv::new("chat");
    env.write(
        ".quire/config.toml",
        "[providers.test]\nstream_idle_timeout_secs = 0\n",
    );
    let run = env.run(&["exec", "hi"]);
    refused(
        &run,
        ".quire/config.toml:2: providers.test.stream_idle_timeout_secs must be a whole number of seconds, at least 1, got 0",
    );
    assert!(env.server.requests().is_empty());
    let env = TestEnv::new("chat");
    env.write(
        ".quire/config.toml",
        "[providers.test]\nconnect_timeout_secs = -4\n",
    );
    let run = env.run(&["exec", "hi"]);
    refused(
        &run,
        "connect_timeout_secs must be a whole number of seconds, at least 1, got -4",
    );
    assert!(env.server.requests().is_empty());
}

/// `max_output_tokens = 0` would ask for an answer of no tokens.
#[test]
fn a_zero_output_token_limit_is_refused() {
    let env = TestEnv::new("chat");
    let run = env.run(&["exec", "-c", "max_output_tokens=0", "hi"]);
    refused(
        &run,
        "-c max_output_tokens=0: max_output_tokens must be a whole number of tokens from 1 to 4294967295, got 0",
    );
    assert!(env.server.requests().is_empty());
    let env = TestEnv::new("chat");
    env.write(
        ".quire/config.toml",
        "[models.test-model]\nmax_output_tokens = 0\n",
    );
    let run = env.run(&["exec", "hi"]);
    refused(
        &run,
        ".quire/config.toml:2: models.test-model.max_output_tokens must be a whole number of tokens from 1 to 4294967295, got 0",
    );
    assert!(env.server.requests().is_empty());
}

#[test]
fn a_zero_turn_limit_reads_the_same_wherever_it_was_written() {
    let env = TestEnv::new("chat");
    let run = env.run(&["exec", "--max-turns", "0", "hi"]);
    refused(
        &run,
        "'--max-turns <N>': must be a whole number from 1 to 4294967295",
    );
    assert!(!run.stderr.contains("-c max_turns"), "{}", run.stderr);
    let run = env.run(&["exec", "--max-turns", "-3", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("'--max-turns <N>'"), "{}", run.stderr);
    let run = env.run(&["exec", "-c", "max_turns=0", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("-c max_turns=0: {TURNS}")),
        "{}",
        run.stderr
    );
    let run = finish(
        env.command(&["exec", "hi"])
            .env("QUIRE_MAX_TURNS", "0")
            .spawn()
            .expect("spawn"),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("QUIRE_MAX_TURNS: {TURNS}")),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
}

#[test]
fn dash_c_must_name_an_existing_directory() {
    let env = TestEnv::new("chat");
    env.write("notes.txt", "x\n");
    let file = env.repo_path().join("notes.txt");
    let file = file.to_str().expect("utf-8 path");
    let run = env.run(&["exec", "-C", file, "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("-C {file}: not a directory")),
        "{}",
        run.stderr
    );
    let missing = env.repo_path().join("nope");
    let missing = missing.to_str().expect("utf-8 path");
    let run = env.run(&["exec", "--cd", missing, "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("--cd {missing}: no such directory")),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
}

#[test]
fn a_sessions_folder_that_cannot_be_written_says_what_to_set() {
    // `sessions` under QUIRE_HOME is a file: no folder can be made there
    // (whoever runs the test, root included).
    let env = TestEnv::new("chat");
    std::fs::write(env.home.path().join("sessions"), "").expect("write");
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let dir = env.home.path().join("sessions");
    for want in [
        format!("cannot write sessions to {}", dir.display()),
        "`sessions_dir`".to_string(),
        "QUIRE_HOME".to_string(),
    ] {
        assert!(run.stderr.contains(&want), "{want}: {}", run.stderr);
    }
    // The same for a `sessions_dir` of its own.
    let env = TestEnv::new("chat");
    env.write("plain", "");
    let dir = env.repo_path().join("plain").join("sessions");
    let setting = format!("sessions_dir={:?}", dir.display().to_string());
    let run = env.run(&["exec", "-c", &setting, "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("cannot write sessions to {}", dir.display())),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
}

#[test]
fn the_missing_key_message_names_each_key_once() {
    let env = TestEnv::new("chat");
    let empty = tempfile::tempdir().expect("temp home");
    let run = finish(
        env.command(&["exec", "--provider", "anthropic", "hi"])
            .env("QUIRE_HOME", empty.path())
            .env_remove("ANTHROPIC_API_KEY")
            .env_remove("OPENAI_API_KEY")
            .spawn()
            .expect("spawn"),
    );
    refused(
        &run,
        "export ANTHROPIC_API_KEY=… (or OPENAI_API_KEY with --provider openai;",
    );
    assert!(
        !run.stderr.contains("or ANTHROPIC_API_KEY"),
        "{}",
        run.stderr
    );
}

#[test]
fn exec_help_lists_every_exit_code_and_piped_context() {
    let env = TestEnv::new("chat");
    let run = env.run(&["exec", "--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for want in [
        "0    done",
        "1    failed",
        "2    usage, configuration or setup error",
        "129  SIGHUP",
        "130  interrupted",
        "143  SIGTERM",
        "git diff | quire exec \"review this\"",
    ] {
        assert!(run.stdout.contains(want), "{want}: {}", run.stdout);
    }
}

#[test]
fn sigterm_still_prints_the_tokens_line() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::tool_call(
        "c1",
        "shell",
        json!({"command": "echo up > started.txt; sleep 300", "timeout_ms": 600000}),
    ));
    let child = env.spawn(&["exec", "go"]);
    wait_for_file(&env.repo_path().join("started.txt"));
    // SAFETY: signalling the child process this test spawned.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let run = finish(child);
    assert_eq!(run.code, 143, "{}", run.stderr);
    assert!(run.stderr.contains("\ntokens: "), "{}", run.stderr);
}

/// The interactive view says the same when the sessions folder cannot be
/// written, and exits 2 with the terminal restored.
#[test]
fn the_terminal_view_says_what_to_set_for_an_unwritable_sessions_folder() {
    let env = TestEnv::new("chat");
    std::fs::write(env.home.path().join("sessions"), "").expect("write");
    let mut pty = crate::support::pty::Pty::spawn(env.command(&[]), 30, 200);
    assert_eq!(pty.wait_exit(), 2);
    let shown = pty.output();
    assert!(
        shown.contains("cannot write sessions to") && shown.contains("`sessions_dir`"),
        "{shown}"
    );
}

/// `-c model=` (empty) clears the configured model: the error blames the
/// override, not a config.toml that does set `model`.
#[test]
fn an_empty_model_override_is_named_as_the_cause() {
    let env = TestEnv::new("chat");
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(config.contains("model = "), "{config}");
    let run = env.run(&["exec", "-c", "model=", "hi"]);
    refused(
        &run,
        "no model is set for provider 'test': `-c model=` set the model to an empty name",
    );
    assert!(run.stderr.contains("-c model=NAME"), "{}", run.stderr);
    assert!(env.server.requests().is_empty());
}

/// `QUIRE_LOG`'s lines are colourless when stderr is no terminal (a CI
/// log), also without `NO_COLOR`; a filter that does not parse is said
/// once, with what is logged instead, and the task still runs.
#[test]
fn the_log_is_plain_off_a_terminal_and_a_bad_filter_is_said() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("hello"));
    let run = finish(
        env.command(&["exec", "hi"])
            .env_remove("NO_COLOR")
            .env("QUIRE_LOG", "debug")
            .spawn()
            .expect("spawn quire"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("DEBUG"), "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);

    env.server.push(Reply::text("hello"));
    let run = finish(
        env.command(&["exec", "hi"])
            .env("QUIRE_LOG", "garbage[[[")
            .spawn()
            .expect("spawn quire"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let said: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("QUIRE_LOG"))
        .collect();
    assert_eq!(said.len(), 1, "{}", run.stderr);
    assert!(
        said[0].starts_with("warning: QUIRE_LOG=\"garbage[[[\" is not understood (")
            && said[0].contains("only errors are logged"),
        "{}",
        run.stderr
    );
}
