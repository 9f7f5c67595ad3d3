//! Keys typed for the next message never answer an approval prompt that
//! appears meanwhile: the `a` of "after" once chose "always" and ran a
//! command outside the sandbox. In the full-screen view the prompt takes
//! keys only after typing pauses; in the line mode a line typed before the
//! question is taken away, not read as its answer.

use std::time::Duration;

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

/// A reply held until `gate` exists, then a call that runs `touch
/// escalated.txt` outside the sandbox (asked about, with "always").
fn escalation_after(gate: &std::path::Path) -> Reply {
    Reply::steps(vec![
        Step::Hold(gate.to_path_buf()),
        Step::ToolCall {
            id: "e".into(),
            name: "shell".into(),
            arguments: json!({"command": "touch escalated.txt", "escalate": true, "justification": "needs it"})
                .to_string(),
        },
    ])
}

/// The seconds the working line shows while the model is awaited.
fn waited(screen: &str) -> Option<f64> {
    let line = screen
        .lines()
        .find(|l| l.contains("Waiting for the model"))?;
    let secs = line
        .split("Waiting for the model ")
        .nth(1)?
        .split('s')
        .next()?;
    secs.parse().ok()
}

#[test]
fn keys_typed_as_a_prompt_appears_go_to_the_draft_until_typing_pauses() {
    let env = TestEnv::new("chat");
    let gate = env.home.path().join("gate");
    env.server
        .push_all([escalation_after(&gate), Reply::text("left alone")]);
    let mut pty = Pty::spawn(env.command(&[]), 40, 120);
    pty.wait_text("/help for keys");
    pty.send("run the build please\r");
    // Sent (a key right after the Enter, in the same burst, would make
    // the two a paste).
    env.server.wait_for_requests(1, Duration::from_secs(20));
    // Typing goes on, a key every 50 ms, from before the prompt appears
    // until well after it: every answer letter (y, n, r, a) is in it.
    let typed = "okay, and after that say yes or no, right away, and keep typing along";
    let mut keys = typed.chars();
    for c in keys.by_ref().take(10) {
        pty.send(&c.to_string());
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::write(&gate, "").expect("open the gate");
    let mut after_prompt = 0;
    for c in keys {
        pty.send(&c.to_string());
        std::thread::sleep(Duration::from_millis(50));
        if pty.screen().contains("OUTSIDE the sandbox") {
            after_prompt += 1;
        }
    }
    assert!(after_prompt >= 20, "the prompt came too late to test");
    // Typing paused: the prompt takes keys now, the text is in the draft.
    // (Both waited for: a frame can reach the screen in two pieces.)
    pty.wait_for("the prompt over the draft", |s| {
        s.contains("[y] yes") && s.contains(&format!("› {typed}"))
    });
    assert!(
        pty.output()
            .contains("a 1 s pause in typing arms this prompt"),
        "the prompt said it waits for typing to pause"
    );
    assert!(!env.repo.path().join("escalated.txt").exists());
    assert_eq!(
        env.server.requests().len(),
        1,
        "nothing answered the prompt"
    );
    pty.send("n");
    pty.wait_text("left alone");
    assert!(!env.repo.path().join("escalated.txt").exists());
    let reqs = env.server.requests();
    assert!(
        reqs[1].raw_body.contains("declined"),
        "{}",
        reqs[1].raw_body
    );
    // The draft is still there, not sent (waited for: "left alone" can be
    // on the screen a moment before the input area is drawn again under it).
    pty.wait_text(&format!("› {typed}"));
    pty.send("\x15");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

/// The full-screen view with the escalation's prompt on screen, shown to
/// a user who typed nothing for well over a second (armed at once);
/// `after`: the replies that follow the answer.
fn prompt_to_an_idle_user<const N: usize>(env: &TestEnv, after: [Reply; N]) -> Pty {
    let gate = env.home.path().join("gate");
    env.server.push(escalation_after(&gate));
    env.server.push_all(after);
    let mut pty = Pty::spawn(env.command(&[]), 40, 120);
    pty.wait_text("/help for keys");
    pty.send("run the build please\r");
    // Idle: no key for well over a second (the screen's own clock says so).
    pty.wait_for("a wait of 1.5 s", |s| waited(s).is_some_and(|w| w >= 1.5));
    std::fs::write(&gate, "").expect("open the gate");
    pty.wait_text("OUTSIDE the sandbox");
    pty
}

#[test]
fn a_prompt_that_appears_while_the_user_is_idle_answers_at_once() {
    let env = TestEnv::new("chat");
    let mut pty = prompt_to_an_idle_user(&env, [Reply::text("ran it")]);
    pty.send("y");
    pty.wait_text("ran it");
    assert!(env.repo.path().join("escalated.txt").exists());
    assert!(
        !pty.output().contains("arms this prompt"),
        "an idle user's prompt is armed at once"
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

/// A paste at an armed prompt answers nothing and lands in the draft.
#[test]
fn a_paste_at_an_armed_prompt_goes_to_the_draft() {
    let env = TestEnv::new("chat");
    let mut pty = prompt_to_an_idle_user(
        &env,
        [
            Reply::text("not run then"),
            Reply::text("got the pasted text"),
        ],
    );
    pty.send("\x1b[200~yes, and pasted at the prompt\x1b[201~");
    pty.send("n");
    pty.wait_text("not run then");
    assert!(!env.repo.path().join("escalated.txt").exists());
    pty.wait_text("yes, and pasted at the prompt");
    pty.send("\r");
    pty.wait_text("got the pasted text");
    let sent = &env.server.requests()[2].body["messages"];
    assert!(
        sent.to_string().contains("yes, and pasted at the prompt"),
        "{sent}"
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

/// The line mode (a dumb terminal): a line typed while the turn ran is
/// no answer to the question that came after it.
#[test]
fn a_line_typed_before_the_question_is_not_its_answer() {
    let env = TestEnv::new("chat");
    let gate = env.home.path().join("gate");
    env.server
        .push_all([escalation_after(&gate), Reply::text("left alone")]);
    let mut cmd = env.command(&[]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 40, 120);
    pty.wait_text("Ctrl-D to quit");
    pty.send("run the build please\r");
    env.server.wait_for_requests(1, Duration::from_secs(30));
    pty.send("a\r");
    std::fs::write(&gate, "").expect("open the gate");
    let screen = pty.wait_text("typed before this question, so not taken as its answer: \"a\"");
    assert!(screen.contains("OUTSIDE the sandbox"), "{screen}");
    assert_eq!(env.server.requests().len(), 1, "nothing answered yet");
    pty.send("n\r");
    pty.wait_text("left alone");
    assert!(!env.repo.path().join("escalated.txt").exists());
    pty.hang_up();
}
