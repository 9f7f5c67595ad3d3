//! A window made tiny mid-turn (1 to 3 rows, 1 to 10 columns): the live
//! area shows what fits, or "window too small", never crashes, and the
//! session goes on once the window is enlarged.

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";
const TOO_SMALL: &str = "window too small";

#[test]
fn tiny_windows_mid_turn_do_not_crash_and_the_session_goes_on() {
    let env = TestEnv::new("chat");
    let gate = env.home.path().join("gate");
    env.server.push_all([
        Reply::steps(vec![
            Step::Text("the first part".into()),
            Step::Hold(gate.clone()),
            Step::Text(" and the rest of the answer".into()),
        ]),
        Reply::text("second answer"),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("first message\r");
    pty.wait_text("the first part");
    // (rows, columns): each too small for the live area, which says so
    // in what fits of one line.
    let sizes = [
        (2, 100),
        (1, 100),
        (3, 10),
        (2, 5),
        (1, 1),
        (3, 3),
        (1, 10),
        (2, 1),
        (3, 7),
    ];
    for (rows, cols) in sizes {
        pty.resize(rows, cols);
        let shown: String = TOO_SMALL.chars().take(usize::from(cols)).collect();
        pty.wait_for(&format!("{rows} x {cols}"), |s| s.contains(&shown));
        assert!(
            pty.child.try_wait().expect("wait").is_none(),
            "quire ended at {rows} x {cols}: {}",
            pty.output()
        );
    }
    pty.resize(30, 100);
    std::fs::write(&gate, "").expect("open the gate");
    pty.wait_text("and the rest of the answer");
    pty.send("another one\r");
    pty.wait_text("second answer");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
    let out = pty.output();
    assert!(!out.contains("panicked"), "{out}");
    // The last synchronized update was ended.
    let last = out.rfind("\u{1b}[?2026").expect("updates");
    assert_eq!(&out[last..last + 8], "\u{1b}[?2026l");
}
