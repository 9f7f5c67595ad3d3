//! What the terminal view writes, checked cell by cell: wide characters
//! written once, long input wrapped in the composer, the order of an
//! answer's text and the approval prompt it leads to.

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";
const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";

fn start(env: &TestEnv, args: &[&str], cols: u16) -> Pty {
    let pty = Pty::spawn(env.command(args), 30, cols);
    pty.wait_text("/help for keys");
    pty
}

fn quit(mut pty: Pty) {
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn wide_characters_take_two_cells_and_are_written_once() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("答えは 日本語 🚀 です"));
    let mut pty = start(&env, &[], 100);
    pty.send("UNICODE 日本語\r");
    let screen = pty.wait_text("です");
    assert!(screen.contains("› UNICODE 日本語"), "{screen}");
    assert!(screen.contains("答えは 日本語 🚀 です"), "{screen}");
    let out = pty.output();
    assert!(
        !out.contains("日 本") && !out.contains("答 え"),
        "no blank cell is written after a wide character: {out:?}"
    );
    quit(pty);
}

#[test]
fn long_input_wraps_in_the_composer() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("read it all"));
    let mut pty = start(&env, &[], 60);
    let words: String = (0..30).map(|i| format!("word{i:02} ")).collect();
    pty.send(&format!("{words}THE-END"));
    let screen = pty.wait_text("THE-END");
    assert!(screen.contains("› word00"), "{screen}");
    pty.send(" 日本語日本語日本語日本語日本語日本語日本語日本語日本語日本語WIDE-END");
    let screen = pty.wait_text("WIDE-END");
    assert_eq!(screen.matches('語').count(), 10, "{screen}");
    pty.send("\r");
    pty.wait_text("read it all");
    let body = &env.server.requests()[0].raw_body;
    assert!(body.contains("word29 THE-END 日本語"), "{body}");
    quit(pty);
}

#[test]
fn help_wraps_its_key_line() {
    let env = TestEnv::new("chat");
    // Tall enough for all of the help.
    let mut pty = Pty::spawn(env.command(&[]), 60, 60);
    pty.wait_text("/help for keys");
    pty.send("/help\r");
    let screen = pty.wait_text("/quit");
    assert!(screen.contains("Ctrl-D quits"), "{screen}");
    assert!(screen.contains("interrupts a turn"), "{screen}");
    // A description wider than the window goes on under itself.
    assert!(
        screen.contains("--range A..B] [--run-tests] [TEXT]"),
        "{screen}"
    );
    assert!(screen.contains("skills; / lists them)"), "{screen}");
    quit(pty);
}

#[test]
fn lists_cut_at_the_window_edge_end_with_an_ellipsis() {
    let env = TestEnv::new("chat");
    env.write(
        ".agents/skills/pdf-forms/SKILL.md",
        "---\nname: pdf-forms\ndescription: Fill in PDF forms with pdftk, checking each field against the schema.\n---\n\nRun pdftk.\n",
    );
    let mut pty = start(&env, &[], 40);
    pty.send("/skills\r");
    let screen = pty.wait_text("pdf-forms — ");
    let line = screen
        .lines()
        .find(|l| l.contains("pdf-forms — "))
        .unwrap_or_default();
    assert!(line.trim_end().ends_with('…'), "{screen}");
    quit(pty);
}

#[test]
fn text_before_a_call_shows_before_its_approval_prompt() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::steps(vec![
            Step::text("Let me look at the files first."),
            Step::tool_call("t", "shell", json!({"command": "touch made.txt"})),
        ]),
        Reply::text("unused"),
    ]);
    let mut pty = start(&env, &["--approval", "untrusted"], 100);
    pty.send("make a file\r");
    let screen = pty.wait_text("[y] yes");
    let text = screen.find("Let me look at the files first.");
    let ask = screen.find("shell asks for approval");
    assert!(
        text.is_some() && ask.is_some() && text < ask,
        "the answer's text comes first: {screen}"
    );
    pty.send(ESC);
    pty.wait_text("⊘ interrupted");
    pty.send(CTRL_C); // the message came back to the composer
    quit(pty);
}

#[test]
fn a_resumed_session_counts_on_from_its_tokens() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("the first answer"));
    let run = env.run(&["exec", "the first question"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.server.push(Reply::text("the second answer"));
    let mut pty = start(&env, &["resume", "last"], 100);
    // The history and the status line may come in separate frames: wait for both.
    let screen = pty.wait_text("in 100 · cached 0 · out 20");
    assert!(screen.contains("the first answer"), "{screen}");
    pty.send("and again\r");
    pty.wait_text("the second answer");
    pty.wait_text("in 200 · cached 0 · out 40");
    quit(pty);
}

/// An answer and a command's output carrying escape sequences: none
/// reaches the terminal, the screen is not cleared, the text shows.
#[test]
fn escape_sequences_in_answers_and_output_never_reach_the_terminal() {
    let env = TestEnv::new("responses");
    let hostile = "\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07\x1b[2J\x1b[H";
    env.server.push_all([
        Reply::steps(vec![
            Step::text(format!("before{hostile}after")),
            Step::tool_call(
                "esc",
                "shell",
                json!({"command": "printf 'out\\033]52;c;ZXZpbA==\\007\\033[2J'; exit 3"}),
            ),
        ]),
        Reply::text("all done"),
    ]);
    let mut pty = start(&env, &["--approval", "never"], 100);
    pty.send("go\r");
    let screen = pty.wait_text("all done");
    assert!(screen.contains("beforeafter"), "{screen}");
    assert!(
        screen.contains("/help for keys") && screen.contains("› go"),
        "nothing was cleared: {screen}"
    );
    let raw = pty.output();
    for bad in ["\x1b]52", "\x1b[2J", "\x07"] {
        assert!(!raw.contains(bad), "{bad:?} reached the terminal");
    }
    quit(pty);
}

#[test]
fn a_review_error_wraps_at_the_window_edge() {
    let env = TestEnv::new("chat");
    let mut pty = start(&env, &[], 40);
    pty.send("/review --base no-such-branch-anywhere\r");
    // Every word of the message is on the screen, the lines joined.
    let joined = |s: &str| s.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    let screen = pty.wait_for("the whole error", |s| {
        joined(s).contains("(no commit is named no-such-branch-anywhere here: check the name (git branch -a, git log))")
    });
    assert!(
        joined(&screen).contains("error: git cannot diff changes since no-such-branch-anywhere"),
        "{screen}"
    );
    quit(pty);
}

/// `quire resume ID` of a session started in another directory is
/// refused before the terminal view opens, naming that directory.
#[test]
fn resuming_a_session_of_another_directory_is_refused() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("the first answer"));
    let run = env.run(&["exec", "--json", "the first question"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let repo = env.repo_path().display().to_string();
    let elsewhere = tempfile::tempdir().unwrap();
    let mut cmd = env.command(&["resume", &id]);
    cmd.current_dir(elsewhere.path());
    let mut pty = Pty::spawn(cmd, 30, 200);
    pty.wait_text(&format!("belongs to {repo}; cd there or pass -C {repo}"));
    assert_eq!(pty.wait_exit(), 2);
    assert_eq!(env.server.requests().len(), 1, "nothing was sent");
}
