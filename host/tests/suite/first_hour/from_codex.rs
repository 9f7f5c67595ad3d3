//! A Codex CLI user's settings and flags: `sandbox_mode`,
//! `approval_policy`, `model_provider` and `[model_providers.NAME]` take
//! effect in every layer (never ignored, leaving the sandbox wider than
//! asked), one key under both names is refused, and Codex's flags
//! (`-s`, `-a`, `--full-auto`, `--yolo`, `--skip-git-repo-check`) work.

use std::io::Write;
use std::process::Stdio;

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv, finish};

/// The sandbox and approval of the session a run started.
fn policy(run: &Run) -> (String, String) {
    let started = run.of_type("session_started");
    let s = started.first().expect("a session_started event");
    (
        s["sandbox"].as_str().unwrap_or("").to_string(),
        s["approval"].as_str().unwrap_or("").to_string(),
    )
}

fn warnings(run: &Run) -> Vec<String> {
    run.of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect()
}

/// `sandbox_mode = "read-only"` in the user's file makes the sandbox
/// read-only: the model's write is refused. `approval_policy` in the
/// repository's file sets the approval. Neither is an unknown key.
#[test]
fn codex_keys_in_the_files_take_effect() {
    let env = TestEnv::with_config("chat", "sandbox_mode = \"read-only\"");
    env.write(".quire/config.toml", "approval_policy = \"never\"\n");
    assert_eq!(env.run(&["trust"]).code, 0);
    env.server.push_all([
        Reply::tool_call(
            "w",
            "shell",
            json!({"command": "echo written > written.txt"}),
        ),
        Reply::text("tried"),
    ]);
    let run = env.exec_json("write a file", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(policy(&run), ("read-only".into(), "never".into()));
    assert!(
        !env.repo_path().join("written.txt").exists(),
        "the read-only sandbox let a write through"
    );
    let call = run.of_type("tool_completed")[0].clone();
    assert_ne!(call["exit_code"], 0, "{call}");
    assert!(
        warnings(&run)
            .iter()
            .all(|w| !w.contains("unknown config key")),
        "{:?}",
        warnings(&run)
    );
}

/// `model_provider` picks a `[model_providers.NAME]` table written as
/// Codex writes it: its base_url, its env_key's key, its wire_api.
#[test]
fn a_codex_provider_table_is_a_provider() {
    let env = TestEnv::new("chat");
    let config = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text
        .replace("provider = \"test\"\n", "model_provider = \"codexish\"\n")
        .replace(
            "[providers.test]\n",
            &format!(
                "[model_providers.codexish]\nname = \"Codex-ish\"\nbase_url = \"{}\"\nenv_key = \"CODEXISH_KEY\"\nwire_api = \"chat\"\n\n[providers.test]\n",
                env.server.base_url_openai()
            ),
        );
    std::fs::write(&config, text).unwrap();
    env.server.push(Reply::text("hello"));
    let run = env
        .command(&["exec", "--json", "hi"])
        .env("CODEXISH_KEY", "codexish-key")
        .spawn()
        .map(finish)
        .unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let started = &run.of_type("session_started")[0];
    assert_eq!(started["provider"], "codexish");
    assert_eq!(started["wire_api"], "chat");
    let requests = env.server.requests();
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer codexish-key")
    );
}

/// One key under both names in one layer, and a provider key quire
/// cannot honour, stop quire where they were written; nothing is sent.
#[test]
fn both_names_and_keys_without_a_meaning_are_refused_where_written() {
    let env = TestEnv::with_config(
        "chat",
        "sandbox = \"danger-full-access\"\nsandbox_mode = \"read-only\"",
    );
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let config = env.home.path().join("config.toml");
    let want = format!(
        "{}:4: sandbox_mode and sandbox are both set (sandbox_mode is Codex's name for sandbox): keep one",
        config.display()
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);

    // Azure's api-version cannot be sent: refused, by its line; `quire
    // trust` of a repository holding it says so too.
    let azure = "[model_providers.azure]\nbase_url = \"https://x.example/openai\"\nquery_params = { api-version = \"2025-04-01-preview\" }";
    let env = TestEnv::with_config("chat", azure);
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let config = env.home.path().join("config.toml");
    let want = format!(
        "{}:5: model_providers.azure.query_params has no quire equivalent: quire cannot add query parameters",
        config.display()
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    let env = TestEnv::new("chat");
    env.write(".quire/config.toml", &format!("{azure}\n"));
    let run = env.run(&["trust"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(".quire/config.toml:3: model_providers.azure.query_params"),
        "{}",
        run.stderr
    );

    let run = env.run(&[
        "-c",
        "sandbox_mode=read-only",
        "-c",
        "sandbox=danger-full-access",
        "exec",
        "hi",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("-c sandbox_mode=… and -c sandbox=… set the same key"),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
}

/// `-c approval_policy=never` and Codex's `on-failure` (in `-c` and
/// `QUIRE_APPROVAL`) are read, the latter as `on-request` with a warning.
#[test]
fn c_overrides_and_the_environment_take_codex_names_and_words() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("ok"));
    let run = env.exec_json(
        "hi",
        &[
            "-c",
            "approval_policy=never",
            "-c",
            "sandbox_mode=read-only",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(policy(&run), ("read-only".into(), "never".into()));

    for (args, var) in [
        (vec!["-c", "approval_policy=on-failure"], None),
        (vec!["-a", "on-failure"], None),
        (vec![], Some("on-failure")),
    ] {
        env.server.push(Reply::text("ok"));
        let mut all = vec!["exec", "--json"];
        all.extend(&args);
        all.push("hi");
        let mut cmd = env.command(&all);
        if let Some(v) = var {
            cmd.env("QUIRE_APPROVAL", v);
        }
        let run = finish(cmd.spawn().unwrap());
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_eq!(policy(&run).1, "on-request", "{args:?}");
        assert!(
            warnings(&run).iter().any(
                |w| w.contains("on-failure") && w.contains("(Codex) is read as \"on-request\"")
            ),
            "{args:?}: {:?}",
            warnings(&run)
        );
    }
}

/// Codex's flags, on the top level and on `exec`.
#[test]
fn codex_flags_set_the_sandbox_and_approval() {
    let env = TestEnv::with_config("chat", "sandbox = \"read-only\"\napproval = \"untrusted\"");
    for (flags, want) in [
        (
            vec!["-s", "danger-full-access"],
            ("danger-full-access", "untrusted"),
        ),
        (vec!["-a", "never"], ("read-only", "never")),
        (
            vec!["--ask-for-approval", "on-request"],
            ("read-only", "on-request"),
        ),
        (vec!["--full-auto"], ("workspace-write", "on-request")),
        (vec!["--yolo"], ("danger-full-access", "never")),
        (
            vec!["--dangerously-bypass-approvals-and-sandbox"],
            ("danger-full-access", "never"),
        ),
        (vec!["--skip-git-repo-check"], ("read-only", "untrusted")),
    ] {
        for before in [true, false] {
            env.server.push(Reply::text("ok"));
            let mut args: Vec<&str> = Vec::new();
            if before {
                args.extend(&flags);
            }
            args.extend(["exec", "--json"]);
            if !before {
                args.extend(&flags);
            }
            args.push("hi");
            let run = env.run(&args);
            assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
            let (sandbox, approval) = policy(&run);
            assert_eq!((sandbox.as_str(), approval.as_str()), want, "{args:?}");
        }
    }
    // As in Codex, --full-auto and --yolo do not mix with -s or -a.
    for args in [
        ["exec", "--full-auto", "-s", "read-only", "hi"],
        ["exec", "--yolo", "-a", "untrusted", "hi"],
        ["exec", "--yolo", "--full-auto", "--json", "hi"],
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
    }
}

/// `/status` says which layer set the sandbox, by quire's name and as
/// written.
#[test]
fn status_names_the_layer_that_set_the_sandbox() {
    let env = TestEnv::with_config("chat", "sandbox_mode = \"read-only\"");
    let mut cmd = env.command(&["-c", "approval_policy=never"]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"/status\n").unwrap();
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(
        out.contains("policy   sandbox read-only · approval never"),
        "{out}"
    );
    let config = env.home.path().join("config.toml");
    assert!(
        out.lines()
            .any(|l| l.contains(&format!("{}: ", config.display()))
                && l.ends_with(", sandbox (sandbox_mode)")),
        "{out}"
    );
    assert!(
        out.contains("-c (and flags): approval (approval_policy)"),
        "{out}"
    );
}

/// Codex's `exec --color`, `--oss`, `--search` and `--include-plan-tool` are refused with what
/// quire offers, not clap's nearest spelling (`--yolo` for `--color`).
#[test]
fn codex_options_quire_lacks_are_refused_with_what_quire_offers() {
    let env = TestEnv::new("chat");
    for (args, says) in [
        (&["exec", "--color", "never", "hi"][..], "NO_COLOR=1"),
        (&["exec", "--oss", "hi"][..], "--provider ollama"),
        (&["--search"][..], "no web search of its own"),
        (&["exec", "--include-plan-tool", "hi"][..], "update_plan"),
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("in Codex it"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("--yolo"), "{args:?}: {}", run.stderr);
    }
    assert!(env.server.requests().is_empty());
}

/// Codex's `exec --ephemeral`: the run works (its session written while it
/// runs) and leaves no session file, also when SIGTERM stops it; it does
/// not go with `resume`.
#[test]
fn exec_ephemeral_keeps_no_session_file() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::tool_call(
        "c1",
        "shell",
        json!({"command": "echo ran > ran.txt"}),
    ));
    env.server.push(Reply::text("EPHEMERAL-DONE"));
    let run = env.exec_json("go", &["--ephemeral"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("EPHEMERAL-DONE"), "{}", run.stdout);
    let file = run.of_type("session_started")[0]["session_file"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(file.contains("/.ephemeral-"), "{file}");
    assert!(!std::path::Path::new(&file).exists(), "{file} was kept");
    assert!(env.session_files().is_empty(), "{:?}", env.session_files());
    assert_eq!(env.read("ran.txt"), "ran\n");

    // Stopped by SIGTERM: nothing kept either.
    env.server.push(Reply::tool_call(
        "c2",
        "shell",
        json!({"command": "echo up > up.txt; sleep 300", "timeout_ms": 600000}),
    ));
    let child = env.spawn(&["exec", "--json", "--ephemeral", "wait"]);
    crate::support::quire::wait_for_file(&env.repo_path().join("up.txt"));
    let quire = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: a signal to the quire process this test started.
    unsafe { libc::kill(quire, libc::SIGTERM) };
    let run = finish(child);
    assert_eq!(run.code, 143, "{}", run.stderr);
    assert!(env.session_files().is_empty(), "{:?}", env.session_files());

    let run = env.run(&["exec", "--ephemeral", "resume", "--last", "more"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--ephemeral cannot continue a session"),
        "{}",
        run.stderr
    );
}
