//! Every slash command of the interactive terminal, typed on a pty as a
//! person would, checked by what shows on the screen and what it changed
//! (requests, files, the session).

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::pty_prompt::say;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

fn start(env: &TestEnv, args: &[&str]) -> Pty {
    let pty = Pty::spawn(env.command(args), 40, 140);
    pty.wait_text("/help for keys");
    pty
}

fn quit(mut pty: Pty) {
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn help_lists_keys_and_commands() {
    let env = TestEnv::new("responses");
    let mut pty = start(&env, &[]);
    say(&mut pty, "/help");
    // The keys come first, `!COMMAND` last: the screen may show the first
    // before the last is written.
    let screen = pty.wait_for("the whole help", |s| {
        s.contains("Shift+Enter") && s.contains("!COMMAND")
    });
    for c in [
        "/new", "/model", "/compact", "/status", "/diff", "/undo", "/skills", "/init",
    ] {
        assert!(screen.contains(c), "{c} missing:\n{screen}");
    }
    // Every description starts in the same column, `!COMMAND`'s too.
    let column = |name: &str| {
        let line = screen
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("{name} missing:\n{screen}"));
        let after = &line[line.find(name).unwrap_or(0) + name.len()..];
        line.len() - after.trim_start().len()
    };
    assert_eq!(column("!COMMAND"), column("/new"), "{screen}");
    quit(pty);
}

#[test]
fn quit_ends_the_session_and_says_how_to_resume() {
    let env = TestEnv::new("chat");
    let mut pty = start(&env, &[]);
    say(&mut pty, "/quit");
    assert_eq!(pty.wait_exit(), 0);
    assert!(
        pty.output()
            .contains("To continue this session: quire resume ")
    );
}

#[test]
fn new_starts_a_fresh_conversation_in_a_new_file() {
    let env = TestEnv::new("responses");
    env.server
        .push_all([Reply::text("first answer"), Reply::text("second answer")]);
    let mut pty = start(&env, &[]);
    say(&mut pty, "remember the word pelican");
    pty.wait_text("first answer");
    say(&mut pty, "/new");
    pty.wait_for("a second session line", |s| {
        s.matches("quire session ").count() >= 2
    });
    say(&mut pty, "what was the word?");
    pty.wait_text("second answer");
    let body = &env.server.requests()[1].raw_body;
    assert!(!body.contains("pelican"), "the old history is gone: {body}");
    quit(pty);
    assert_eq!(env.session_files().len(), 2);
}

/// After `/new`, while the new session has no messages, the exit line
/// names the session `/new` left, not the empty one.
#[test]
fn after_new_the_exit_line_names_the_session_with_messages() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("first answer"));
    let mut pty = start(&env, &[]);
    say(&mut pty, "remember the word pelican");
    pty.wait_text("first answer");
    say(&mut pty, "/new");
    pty.wait_for("a second session line", |s| {
        s.matches("quire session ").count() >= 2
    });
    say(&mut pty, "/quit");
    assert_eq!(pty.wait_exit(), 0);
    let files = env.session_files();
    assert_eq!(files.len(), 2);
    let first = super::line_session::session_id(&files[0]);
    let out = pty.output();
    assert!(
        out.contains(&format!(
            "To continue the session before /new: quire resume {first}"
        )),
        "{out}"
    );
}

#[test]
fn model_switches_the_model_of_the_next_request() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("hi from the other model"));
    let mut pty = start(&env, &[]);
    say(&mut pty, "/model");
    // What the provider lists (short pieces: the screen wraps long lines).
    let screen = pty.wait_text("test lists 3: test-model");
    assert!(
        screen.contains("model: test-model (switch with"),
        "{screen}"
    );
    say(&mut pty, "/model other model");
    pty.wait_text("a model name has no spaces: \"other model\"; the model stays test-model");
    // A name the server does not list is refused before any request.
    say(&mut pty, "/model test-model-lrge");
    let screen = pty.wait_text("did you mean 'test-model-large'?");
    assert!(
        screen.contains("test-model-lrge is not among the 3"),
        "{screen}"
    );
    assert!(!screen.contains("model: test-model-lrge"), "{screen}");
    say(&mut pty, "/model test-model-large");
    pty.wait_text("model: test-model-large");
    // /status tells the configured model is not the one in use.
    say(&mut pty, "/status");
    pty.wait_text("switched with /model");
    say(&mut pty, "hello");
    pty.wait_text("hi from the other model");
    // The model list was asked (GET); the message went to the new model.
    let asked = env.server.model_requests();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].body["model"], "test-model-large");
    quit(pty);
}

#[test]
fn compact_of_a_short_conversation_asks_no_model() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("hello there"));
    let mut pty = start(&env, &[]);
    say(&mut pty, "hi");
    pty.wait_text("hello there");
    say(&mut pty, "/compact");
    pty.wait_text("nothing to compact: the conversation is still short");
    assert_eq!(env.server.requests().len(), 1, "no summary was asked for");
    quit(pty);
}

#[test]
fn compact_summarises_the_conversation() {
    let env = TestEnv::new("anthropic");
    env.server.push_all([
        Reply::text(format!("the answer about ducks:{}", " quack".repeat(400))),
        Reply::text("SUMMARY: we talked about ducks"),
        Reply::text("still ducks"),
    ]);
    let mut pty = start(&env, &[]);
    say(&mut pty, "/compact");
    pty.wait_text("nothing to compact yet: the conversation is empty");
    say(&mut pty, "tell me about ducks");
    pty.wait_text("the answer about ducks");
    say(&mut pty, "/compact");
    pty.wait_text("context compacted (manual)");
    say(&mut pty, "and now?");
    pty.wait_text("still ducks");
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs[2].raw_body.contains("SUMMARY: we talked about ducks"));
    assert!(!reqs[2].raw_body.contains("the answer about ducks"));
    quit(pty);
}

#[test]
fn status_shows_tokens_cost_and_config_sources() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::text("counted"),
        Reply::steps(vec![
            Step::text("the second reply"),
            Step::Usage {
                input: 10_000,
                output: 1_000,
            },
        ]),
    ]);
    env.write("AGENTS.md", "Run tests with make check.");
    let mut pty = start(&env, &["-c", "max_turns=7"]);
    say(&mut pty, "count my tokens");
    pty.wait_text("counted");
    say(&mut pty, "/status");
    // The panel's aligned label: the completion menu's "cost estimate" for
    // `/status` may be on screen before the panel is.
    let screen = pty.wait_text("cost     ");
    assert!(
        screen.contains("tokens   in 100 · cached 0 · out 20"),
        "{screen}"
    );
    assert!(
        screen.contains("cost     unknown price for test-model"),
        "{screen}"
    );
    let user = env.home.path().join("config.toml").display().to_string();
    let line = screen
        .lines()
        .find(|l| l.contains(&format!("{user}: ")))
        .unwrap_or_else(|| panic!("no line for {user}:\n{screen}"));
    for key in ["model", "provider", "providers", "retry"] {
        assert!(line.contains(key), "{line}");
    }
    assert!(screen.contains("-c (and flags): max_turns"), "{screen}");
    // Where the session runs and which instruction files it holds.
    let repo = env.repo.path().display().to_string();
    assert!(screen.contains(&format!("cwd      {repo}")), "{screen}");
    assert!(
        screen.contains(&format!("agents   {repo}/AGENTS.md")),
        "{screen}"
    );
    // A model with a list price gets an estimate.
    say(&mut pty, "/model gpt-5");
    // Typed at once after it, the next line would be read as pasted.
    pty.wait_text("model: gpt-5");
    say(&mut pty, "again");
    pty.wait_text("the second reply");
    say(&mut pty, "/status");
    // 10,100 in, 1,020 out at $1.25 / $10 per million tokens.
    pty.wait_text("cost     ~$0.0228 at list prices for gpt-5");
    quit(pty);
}

#[test]
fn diff_shows_what_the_session_changed() {
    let env = TestEnv::new("responses");
    buggy_calc(&env);
    env.commit_all();
    env.server.push_all([fix_calc(), Reply::text("fixed")]);
    let mut pty = start(&env, &[]);
    say(&mut pty, "/diff");
    pty.wait_text("no changes: the working tree matches HEAD and no file is untracked");
    say(&mut pty, "fix add");
    pty.wait_text("fixed");
    say(&mut pty, "/diff");
    pty.wait_for("the diff shown again", |s| {
        s.matches("+    return a + b").count() >= 2
    });
    quit(pty);
}

const SKILL: &str = "---\nname: pdf-forms\ndescription: Fill in PDF forms with pdftk.\n---\n\nRun `pdftk FORM fill_form DATA output OUT` to fill the form.\n";

#[test]
fn skills_lists_them_and_a_skill_command_activates_one() {
    let env = TestEnv::new("chat");
    env.write(".agents/skills/pdf-forms/SKILL.md", SKILL);
    env.server.push(Reply::text("form filled"));
    let mut pty = start(&env, &[]);
    say(&mut pty, "/skills");
    pty.wait_text("pdf-forms — Fill in PDF forms with pdftk.");
    say(&mut pty, "/pdf-forms fill the tax form");
    pty.wait_text("form filled");
    pty.wait_text("skill: pdf-forms");
    let body = &env.server.requests()[0].raw_body;
    assert!(body.contains("fill the tax form"), "{body}");
    assert!(
        body.contains("pdftk FORM fill_form"),
        "the skill's body was sent: {body}"
    );
    say(&mut pty, "/skills");
    pty.wait_text("● pdf-forms");
    quit(pty);
}

#[test]
fn mcp_reports_the_servers_state() {
    let env = TestEnv::new("responses");
    let mut pty = start(&env, &[]);
    say(&mut pty, "/mcp");
    let screen = pty.wait_text("MCP servers: no problems reported");
    // The command named above its output, as a sent message is.
    let echo = screen.find("› /mcp");
    assert!(
        echo.is_some() && echo < screen.find("MCP servers:"),
        "{screen}"
    );
    quit(pty);
}

#[test]
fn approvals_changes_the_policy_for_the_next_calls() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::tool_call("t", "shell", json!({"command": "touch asked.txt"})),
        Reply::text("made it"),
    ]);
    let mut pty = start(&env, &["--approval", "never"]);
    say(&mut pty, "/approvals");
    pty.wait_text("sandbox workspace-write · approval never");
    say(&mut pty, "/approvals sometimes");
    pty.wait_text("unknown setting \"sometimes\"");
    say(&mut pty, "/approvals untrusted");
    pty.wait_text("sandbox workspace-write · approval untrusted");
    say(&mut pty, "make a file");
    pty.wait_text("[y] yes");
    assert!(!env.repo.path().join("asked.txt").exists());
    pty.send("y");
    pty.wait_text("made it");
    assert!(env.repo.path().join("asked.txt").exists());
    quit(pty);
}

/// `/permissions auto` (Codex's name) in a view begun read-only: the next
/// command writes, the status line shows the new sandbox.
#[test]
fn a_permissions_preset_changes_the_sandbox_for_the_next_call() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::tool_call("t", "shell", json!({"command": "touch made.txt"})),
        Reply::text("made it"),
    ]);
    let mut pty = start(&env, &["--sandbox", "read-only", "--approval", "never"]);
    pty.wait_text("read-only · never");
    say(&mut pty, "/permissions auto");
    pty.wait_text("Auto: sandbox workspace-write · approval on-request");
    pty.wait_text("workspace-write · on-request");
    say(&mut pty, "make a file");
    pty.wait_text("made it");
    assert!(env.repo.path().join("made.txt").exists());
    quit(pty);
}

#[test]
fn a_command_line_covered_but_for_a_redirection_says_so() {
    let env = TestEnv::new("chat");
    env.write(
        ".quire/commands/lg.md",
        "---\nallowed-tools: Bash(git log:*)\n---\nLog: !`git log $ARGUMENTS > out.txt`\n",
    );
    let mut pty = start(&env, &[]);
    // (A `>` in the arguments is a word given to git, not a redirection.)
    say(&mut pty, "/lg -1");
    let screen = pty.wait_text("is refused");
    let flat: String = screen.lines().map(str::trim_end).collect();
    assert!(
        flat.contains("allowed-tools `Bash(git log:*)` covers its start, but it has a redirection"),
        "{screen}"
    );
    assert!(!flat.contains("add `allowed-tools"), "{screen}");
    assert!(!env.repo.path().join("out.txt").exists());
    assert!(env.server.requests().is_empty(), "nothing was sent");
    quit(pty);
}

#[test]
fn resume_with_no_other_session_here_says_so() {
    let env = TestEnv::new("chat");
    let mut pty = start(&env, &[]);
    say(&mut pty, "/resume");
    pty.wait_text("no other session to resume in this directory");
    quit(pty);
}

/// Up walks the history past a recalled `/command` (its menu does not
/// take the key).
#[test]
fn history_walks_past_a_slash_command() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("answer one"), Reply::text("answer two")]);
    let mut pty = start(&env, &[]);
    say(&mut pty, "first msg");
    pty.wait_text("answer one");
    say(&mut pty, "/status");
    pty.wait_text("session  ");
    say(&mut pty, "second msg");
    pty.wait_text("answer two");
    // The composer is the last line starting with the prompt mark.
    let composer = |s: &str| {
        s.lines()
            .rfind(|l| l.starts_with('›'))
            .map(|l| l.trim_end().to_string())
    };
    for (n, want) in [(1, "› second msg"), (2, "› /status"), (3, "› first msg")] {
        pty.send("\x1b[A");
        pty.wait_for(&format!("Up ×{n} recalls {want}"), |s| {
            composer(s).as_deref() == Some(want)
        });
    }
    pty.send("\x1b[B");
    pty.wait_for("Down goes back", |s| {
        composer(s).as_deref() == Some("› /status")
    });
    pty.send("\x03");
    quit(pty);
}

#[test]
fn a_message_starting_with_a_path_is_sent_and_an_unknown_command_says_how_to_send_it() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("it segfaults"));
    let mut pty = start(&env, &[]);
    say(&mut pty, "/usr/bin/python3 crashes when I run it, why?");
    pty.wait_text("it segfaults");
    let body = &env.server.requests()[0].raw_body;
    assert!(
        body.contains("/usr/bin/python3 crashes when I run it, why?"),
        "{body}"
    );
    say(&mut pty, "/tmp is full");
    pty.wait_text("start it with a space: ` /tmp`");
    assert_eq!(env.server.requests().len(), 1, "a command is not sent");
    quit(pty);
}

/// A command that takes no arguments refuses words after it, naming
/// them and its usage (it does not run as if bare); `/review` with an
/// unknown option says so in the session's words, not clap's `--help`.
#[test]
fn unexpected_arguments_are_refused_by_name() {
    let env = TestEnv::new("responses");
    let mut pty = start(&env, &[]);
    say(&mut pty, "/quit now");
    pty.wait_text("/quit takes no arguments: \"now\" is unexpected; usage: /quit — leave");
    say(&mut pty, "/status extra words");
    pty.wait_text("/status takes no arguments: \"extra words\" is unexpected");
    say(&mut pty, "/review --bogus");
    let screen = pty.wait_text("/review: unknown option --bogus; usage: /review [--uncommitted");
    assert!(!screen.contains("--help"), "{screen}");
    assert!(!screen.contains("session  "), "/status ran:\n{screen}");
    // Still running: /quit now did not quit.
    quit(pty);
}

/// A project command named like a built-in (`help.md`) is not offered
/// beside the built-in in the `/` menu: only the built-in runs.
#[test]
fn a_command_named_like_a_builtin_is_listed_once() {
    let env = TestEnv::new("chat");
    env.write(
        ".quire/commands/help.md",
        "---\ndescription: Help override\n---\nHelp.\n",
    );
    env.write(
        ".quire/commands/helper.md",
        "---\ndescription: Helper command\n---\nHelp more.\n",
    );
    let mut pty = start(&env, &[]);
    pty.send("/he");
    let screen = pty.wait_text("command: Helper command");
    assert!(!screen.contains("Help override"), "{screen}");
    let builtin = screen.lines().filter(|l| l.starts_with("  /help ")).count();
    assert_eq!(builtin, 1, "{screen}");
    pty.send("\x15");
    quit(pty);
}

#[test]
fn undo_tells_the_model_and_the_session_file() {
    let env = TestEnv::new("chat");
    buggy_calc(&env);
    env.server
        .push_all([fix_calc(), Reply::text("fixed"), Reply::text("understood")]);
    let mut pty = start(&env, &[]);
    say(&mut pty, "fix add");
    pty.wait_text("fixed");
    say(&mut pty, "/undo");
    pty.wait_text("undone: calc.py");
    say(&mut pty, "what now?");
    pty.wait_text("understood");
    let reqs = env.server.requests();
    let note = "the user reverted your changes to calc.py with /undo";
    assert!(reqs[2].raw_body.contains(note), "{}", reqs[2].raw_body);
    // Added after what was sent before: the earlier prefix is unchanged.
    let sent = reqs[1].body["messages"].as_array().expect("messages");
    let next = reqs[2].body["messages"].as_array().expect("messages");
    assert_eq!(sent[..], next[..sent.len()], "the prefix changed");
    quit(pty);
    let recorded = env.session_records().iter().any(|r| {
        r["item"]["source"] == "undo"
            && r["item"]["text"].as_str().is_some_and(|t| t.contains(note))
    });
    assert!(recorded, "the undo is in the session file");
}

/// Writes calc.py with `add` subtracting.
fn buggy_calc(env: &TestEnv) {
    env.write("calc.py", "def add(a, b):\n    return a - b\n");
}

/// The model's patch that makes calc.py's `add` add.
fn fix_calc() -> Reply {
    Reply::tool_call(
        "p",
        "apply_patch",
        json!({"patch": "*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** End Patch\n"}),
    )
}
