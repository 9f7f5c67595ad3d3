//! The window resized while an answer streams: every line of the answer
//! reaches the scrollback once, and nothing of the live area (the working
//! line, the composer) is left among them.

use std::time::Duration;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

/// Numbered paragraphs, short enough for the narrowest window, streamed
/// a few at a time with pauses, so lines are committed between resizes.
fn slow_answer(lines: usize) -> Reply {
    let mut steps = Vec::new();
    for i in 0..lines {
        steps.push(Step::Text(format!("answer line {i:03}\n\n")));
        if i % 3 == 2 {
            steps.push(Step::DelayMs(25));
        }
    }
    steps.push(Step::Text("THE-END".into()));
    Reply::steps(steps)
}

/// Ignored: still fails about one run in two. Lines are no longer written
/// at a size the window had before its last resize (tui/term.rs `flush`,
/// unit test there), but a frame already on its way when the window
/// changes is drawn by the terminal at the new size (ratatui positions
/// every row absolutely), and that frame's lines are lost. Run it with
/// `--ignored` when changing how lines reach the scrollback.
#[test]
#[ignore = "a frame in flight during a resize still loses lines (see above)"]
fn resizing_while_an_answer_streams_keeps_every_line_once() {
    let env = TestEnv::new("chat");
    env.server.push(slow_answer(150));
    let mut pty = Pty::spawn(env.command(&[]), 40, 120);
    pty.wait_text("/help for keys");
    pty.send("stream it\r");
    pty.wait_text("answer line 0");
    let sizes = [
        (25, 70),
        (45, 150),
        (20, 60),
        (40, 120),
        (30, 90),
        (45, 150),
    ];
    for (rows, cols) in sizes.iter().cycle().take(8) {
        pty.resize(*rows, *cols);
        std::thread::sleep(Duration::from_millis(100));
    }
    // The turn is over (its tokens counted) and the live area idle.
    pty.wait_for("the turn's end", |s| {
        s.contains("out 20") && !s.contains("Esc to interrupt")
    });
    let rows = pty.transcript();
    let all = rows.join("\n");
    let lines = (0..150).map(|i| format!("answer line {i:03}"));
    for line in lines.chain(["THE-END".to_string()]) {
        let n = rows.iter().filter(|r| r.trim() == line).count();
        assert_eq!(n, 1, "{line} is in the terminal {n} times:\n{all}");
    }
    let end = all.rfind("THE-END").unwrap_or(all.len());
    let before = &all[..end];
    assert!(
        !before.contains("Working") && !before.contains("Esc to interrupt"),
        "the working line was left in the scrollback:\n{all}"
    );
    assert_eq!(
        before.matches("› stream it").count(),
        1,
        "the composer was left in the scrollback:\n{all}"
    );
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
