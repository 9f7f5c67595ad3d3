//! At an approval prompt only a letter typed alone answers: Ctrl-A (start
//! of line), Ctrl-Y (yank) or Alt-y are editing habits, and once meant
//! "always allow" or yes. The reason for a no is edited as the composer
//! is.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

#[test]
fn ctrl_and_alt_chords_answer_nothing_at_an_approval_prompt() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("a", "shell", json!({"command": "touch chord.txt"})),
        Reply::tool_call("b", "shell", json!({"command": "touch second.txt"})),
        Reply::text("left alone"),
    ]);
    let mut pty = Pty::spawn(env.command(&["--approval", "untrusted"]), 40, 100);
    pty.wait_text("/help for keys");
    pty.send("make a file\r");
    pty.wait_for("the prompt with always", |s| {
        s.contains("$ touch chord.txt") && s.contains("[a] always allow")
    });
    // Ctrl-A, Ctrl-Y, Alt-y, Ctrl-R, Ctrl-N: had any answered, the
    // command would have run (or the reason field opened) before the `n`.
    for chord in ["\x01", "\x19", "\x1by", "\x12", "\x0e"] {
        pty.send(chord);
    }
    pty.send("n");
    // Asked again for the next command: nothing was allowed "always".
    pty.wait_for("the second prompt", |s| {
        s.contains("$ touch second.txt") && s.contains("[y] yes")
    });
    pty.send("n");
    pty.wait_text("left alone");
    assert!(
        !env.repo.path().join("chord.txt").exists(),
        "a chord said yes"
    );
    assert!(!env.repo.path().join("second.txt").exists());
    let reqs = env.server.requests();
    assert!(
        reqs[1].raw_body.contains("declined"),
        "{}",
        reqs[1].raw_body
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn the_reason_for_a_no_is_edited_like_the_composer() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("a", "shell", json!({"command": "touch why.txt"})),
        Reply::text("understood"),
    ]);
    let mut pty = Pty::spawn(env.command(&["--approval", "untrusted"]), 40, 100);
    pty.wait_text("/help for keys");
    pty.send("make a file\r");
    pty.wait_text("[y] yes");
    pty.send("r");
    pty.wait_text("why not?");
    // Left twice, a letter; Ctrl-W; Ctrl-A and a letter at the start.
    pty.send("abc def");
    pty.send("\x1b[D\x1b[D");
    pty.send("X");
    pty.send("\x05 tail\x17");
    pty.send("\x01Y");
    pty.wait_text("why not? Y▏abc dXef");
    pty.send("\r");
    pty.wait_text("understood");
    let body = &env.server.requests()[1].raw_body;
    assert!(body.contains("said: Yabc dXef"), "{body}");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
