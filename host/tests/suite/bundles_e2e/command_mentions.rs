//! `@path` in custom commands: the files the command's own text and its
//! arguments name are attached once; the output of its `!` lines (a `git
//! diff`) is data, never read for mentions; code (`npm i @scope/pkg`) holds
//! no mention.

use std::io::Write;
use std::process::Stdio;

use super::commands::bodies;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{isolate, run};

/// A repository with `a.txt` committed, a command `/staged` that shows the
/// staged change and names `@plan.txt`, and a staged file whose text
/// mentions `@a.txt` and a file outside the workspace.
fn diff_command_env() -> TestEnv {
    let env = TestEnv::new("responses");
    env.write("a.txt", "A-FILE-CONTENT-3\n");
    env.write("plan.txt", "PLAN-CONTENT-9\n");
    env.write("arg.txt", "ARG-CONTENT-5\n");
    env.commit_all();
    let outside = env.home.path().join("shared.md");
    std::fs::write(&outside, "OUTSIDE-CONTENT-1\n").expect("write outside");
    // Not CLAUDE.md, whose imports are the project's instructions.
    env.write(
        "notes.md",
        &format!(
            "# Project\nSee @../shared.md, @{} and @a.txt too\n",
            outside.display()
        ),
    );
    env.git(&["add", "notes.md"]);
    env.write(
        ".claude/commands/staged.md",
        "---\ndescription: Show the change\n---\nChange: !`git diff --cached`\nFollow @plan.txt for $ARGUMENTS.\n",
    );
    env
}

#[test]
fn a_commands_bang_output_is_never_read_for_mentions_and_its_files_come_once() {
    let env = diff_command_env();
    env.server.push(Reply::text("done"));
    let r = run(&env, &["exec", "--json", "/staged @arg.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = bodies(&env);
    // The diff reached the model as it is…
    assert!(sent.contains("+See @../shared.md"), "{sent}");
    // …and named no file: neither the outside one (no refusal) nor a.txt.
    assert!(!sent.contains("<file path=\\\"a.txt\\\">"), "{sent}");
    assert!(!sent.contains("A-FILE-CONTENT-3"), "{sent}");
    assert!(!sent.contains("OUTSIDE-CONTENT-1"), "{sent}");
    // The command's own file and the argument's: each attached once.
    assert_eq!(
        sent.matches("<file path=\\\"plan.txt\\\">").count(),
        1,
        "{sent}"
    );
    assert_eq!(
        sent.matches("<file path=\\\"arg.txt\\\">").count(),
        1,
        "{sent}"
    );
    assert_eq!(sent.matches("PLAN-CONTENT-9").count(), 1, "{sent}");
    let warnings = r.of_type("warning");
    assert!(
        !warnings
            .iter()
            .any(|w| w["message"].as_str().unwrap_or("").contains("shared.md")),
        "{warnings:?}"
    );
}

#[test]
fn the_line_repl_attaches_a_commands_file_once_and_not_from_bang_output() {
    let env = diff_command_env();
    env.server.push(Reply::text("done"));
    let mut cmd = env.command(&[]);
    isolate(&env, &mut cmd);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"/staged now\n")
        .expect("write");
    let r = super::support::quire::finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = bodies(&env);
    assert_eq!(
        sent.matches("<file path=\\\"plan.txt\\\">").count(),
        1,
        "{sent}\n{}",
        r.stderr
    );
    assert!(!sent.contains("A-FILE-CONTENT-3"), "{sent}");
    assert!(!sent.contains("OUTSIDE-CONTENT-1"), "{sent}");
    assert!(!r.stderr.contains("outside the workspace"), "{}", r.stderr);
}

#[test]
fn npm_names_in_a_commands_code_are_no_file_mentions() {
    let env = TestEnv::new("chat");
    env.write(
        ".claude/commands/setup.md",
        "---\ndescription: Set up\n---\nInstall it:\n\n```bash\nnpm install -g @openai/codex\n```\n\nOr run `npm install @anthropic-ai/claude-agent-sdk@latest` and read @missing/notes.md.\n",
    );
    env.server.push(Reply::text("done"));
    let r = run(&env, &["exec", "--json", "/setup"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warnings: Vec<String> = r
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .filter(|m| m.contains("is not attached"))
        .collect();
    // Only the mention outside code, whole.
    assert_eq!(
        warnings,
        ["@missing/notes.md is not attached: no such file in the workspace"],
        "{}",
        r.stdout
    );
    let sent = bodies(&env);
    assert!(sent.contains("npm install -g @openai/codex"), "{sent}");
}

/// The warnings of `r` that say a mention was not attached.
fn not_attached(r: &super::support::quire::Run) -> Vec<String> {
    r.of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .filter(|m| m.contains("is not attached"))
        .collect()
}

/// A command whose text or arguments name a file outside the workspace —
/// `@../…`, an absolute path, a link leading out — runs as a plain
/// message does: that file is not attached, a warning names it, and the
/// rest of the command is sent with its other files.
#[test]
fn a_commands_outside_mentions_are_warned_about_and_the_rest_is_sent() {
    let env = TestEnv::new("responses");
    env.write("plan.txt", "PLAN-CONTENT-9\n");
    let secret = env.home.path().join("secret.md");
    std::fs::write(&secret, "OUTSIDE-SECRET-4\n").expect("write outside");
    // The same file through `..`: the home folder is the repository's
    // neighbour.
    let home_name = env
        .home
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::os::unix::fs::symlink(&secret, env.repo.path().join("link.md")).expect("link");
    env.write(
        ".quire/commands/look.md",
        &format!(
            "---\ndescription: Look\n---\nLOOK-TEXT-2 at @../{home_name}/secret.md and @plan.txt for $ARGUMENTS.\n"
        ),
    );
    env.server.push(Reply::text("done"));
    let prompt = format!("/look @{} @link.md", secret.display());
    let r = run(&env, &["exec", "--json", &prompt]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = bodies(&env);
    assert!(sent.contains("LOOK-TEXT-2 at @../"), "{sent}");
    assert_eq!(sent.matches("PLAN-CONTENT-9").count(), 1, "{sent}");
    assert!(!sent.contains("OUTSIDE-SECRET-4"), "{sent}");
    let warnings = not_attached(&r);
    for named in [
        format!("@../{home_name}/secret.md"),
        format!("@{}", secret.display()),
        "@link.md".to_string(),
    ] {
        assert!(
            warnings.iter().any(|w| w.starts_with(&format!(
                "{named} is not attached: it is outside the workspace"
            ))),
            "{named}: {warnings:?}"
        );
    }
    assert_eq!(warnings.len(), 3, "{warnings:?}");
}

/// One file under several spellings — `./a.txt`, `src/../a.txt`, a link
/// to it — is attached once, by a command and by a plain message alike.
#[test]
fn a_file_named_under_two_spellings_is_attached_once() {
    let env = TestEnv::new("responses");
    env.write("a.txt", "A-ONCE-CONTENT-6\n");
    env.write("src/keep.txt", "x\n");
    std::os::unix::fs::symlink("a.txt", env.repo.path().join("link.txt")).expect("link");
    env.write(
        ".quire/commands/twice.md",
        "---\ndescription: Twice\n---\nRead @./a.txt and @a.txt for $ARGUMENTS\n",
    );
    env.server.push(Reply::text("done"));
    let r = run(&env, &["exec", "--json", "/twice @src/../a.txt @link.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = bodies(&env);
    assert_eq!(sent.matches("A-ONCE-CONTENT-6").count(), 1, "{sent}");
    assert!(not_attached(&r).is_empty(), "{:?}", not_attached(&r));

    let env = TestEnv::new("responses");
    env.write("a.txt", "A-ONCE-CONTENT-6\n");
    env.write("src/keep.txt", "x\n");
    std::os::unix::fs::symlink("a.txt", env.repo.path().join("link.txt")).expect("link");
    env.server.push(Reply::text("done"));
    let r = run(
        &env,
        &[
            "exec",
            "--json",
            "compare @./a.txt @a.txt @src/../a.txt @link.txt",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = bodies(&env);
    assert_eq!(sent.matches("A-ONCE-CONTENT-6").count(), 1, "{sent}");
    assert!(not_attached(&r).is_empty(), "{:?}", not_attached(&r));
}

/// The text of the last user message of the `n`th request (Chat wire).
fn user_text(env: &TestEnv, n: usize) -> String {
    let raw = env.server.requests()[n].raw_body.clone();
    let body: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
    body["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .map(str::to_string)
        .unwrap_or(raw)
}

/// A command naming a file over 256 KiB and, in its arguments, a binary
/// one runs as a plain message with them does: the large file's first
/// part goes, marked as cut with its real size; the binary one is a note;
/// each gets the plain message's warning. A plain message does the same
/// (with its 64 KiB).
#[test]
fn a_commands_large_and_binary_files_are_cut_and_named_not_refused() {
    let env = TestEnv::new("chat");
    // 300,000 bytes: 15,000 lines of 20.
    let mut big: String = (1..15_000)
        .map(|i| format!("LINE-{i:06} padded.\n"))
        .collect();
    big.push_str("TAIL-MARK-8 the end\n");
    assert_eq!(big.len(), 300_000);
    env.write("big.log", &big);
    std::fs::write(env.repo.path().join("logo.bin"), [0x89, 0xff, 0x00, 0xfe]).expect("write");
    env.write(
        ".claude/commands/scan.md",
        "---\ndescription: Scan\n---\nSCAN-TEXT-1 read @big.log and $ARGUMENTS\n",
    );
    env.server.push(Reply::text("done"));
    env.server.push(Reply::text("done again"));
    let cmd = run(&env, &["exec", "/scan @logo.bin"]);
    assert_eq!(cmd.code, 0, "{}", cmd.stderr);
    let plain = run(&env, &["exec", "SCAN-TEXT-2 read @big.log and @logo.bin"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    for (r, n, limit, marker) in [
        (&cmd, 0, "256 KiB", "SCAN-TEXT-1"),
        (&plain, 1, "64 KiB", "SCAN-TEXT-2"),
    ] {
        let sent = user_text(&env, n);
        assert!(sent.starts_with(marker), "{sent}");
        assert!(
            sent.contains("<file path=\"big.log\">\nLINE-000001 padded.\n"),
            "{sent}"
        );
        assert!(
            sent.contains(&format!(
                " padded.\n[cut here: the file has 300,000 bytes (292 KiB); only its first {limit} are attached]\n</file>"
            )),
            "{sent}"
        );
        assert!(!sent.contains("TAIL-MARK-8"), "{sent}");
        assert!(
            sent.contains("<file path=\"logo.bin\">\n[not attached: the file is binary or not UTF-8 text (4 bytes)]\n</file>"),
            "{sent}"
        );
        assert!(
            r.stderr.contains(&format!(
                "@big.log is cut: it has 300,000 bytes (292 KiB), more than the {limit} attached, so only its first part is attached"
            )),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr
                .contains("@logo.bin is not attached: it is not UTF-8 text (a binary file?)"),
            "{}",
            r.stderr
        );
    }
}
