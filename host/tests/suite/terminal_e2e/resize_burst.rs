//! Resizes in quick succession while a turn runs (a window's edge being
//! dragged): they are taken together, and the transcript above the live
//! area — the session header, the user's message — stays, once. Also
//! with rows in the scrollback, which tmux pulls back into a taller
//! screen (the live area then lies lower than quire laid it out), and
//! whatever the gap between the resizes.

use std::time::Duration;

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

#[test]
fn resizes_in_a_row_during_a_turn_keep_the_message_line() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::text("answer A"),
        Reply::gate("held", 2, Reply::text("answer B")),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("first-msg\r");
    pty.wait_for("the first answer", |s| {
        s.contains("answer A") && !s.contains("Esc to interrupt")
    });
    pty.send("second-msg\r");
    pty.wait_text("Esc to interrupt");
    for rows in [44, 5, 44, 20, 8, 30] {
        pty.resize(rows, 100);
        std::thread::sleep(Duration::from_millis(40));
    }
    env.server.pass_gate("held");
    pty.wait_for("the second answer", |s| {
        s.contains("answer B") && !s.contains("Esc to interrupt")
    });
    let rows = pty.transcript();
    for line in ["› first-msg", "› second-msg", "answer A", "answer B"] {
        let n = rows.iter().filter(|r| r.trim_end() == line).count();
        assert_eq!(n, 1, "{line:?} should be in the transcript once: {rows:#?}");
    }
    assert!(
        rows.iter().any(|r| r.starts_with("quire session")),
        "the session header was wiped: {rows:#?}"
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

/// The first answer's rows: enough to fill the screen, so rows are in the
/// scrollback when the window grows.
const FIRST_ROWS: usize = 30;

/// Resizes to each height of `heights` in turn, tmux's way (rows pulled
/// back from the scrollback), `gap` apart.
fn burst(pty: &mut Pty, heights: &[u16], gap: Duration) {
    for &rows in heights {
        pty.resize_pulling_history(rows);
        std::thread::sleep(gap);
    }
}

#[test]
fn resize_bursts_at_any_gap_with_a_scrollback_keep_every_line_once() {
    let env = TestEnv::new("chat");
    let gates: Vec<_> = (1..=3)
        .map(|i| env.home.path().join(format!("go-{i}")))
        .collect();
    let first: String = (1..=FIRST_ROWS).map(|i| format!("row-{i:02}\n")).collect();
    env.server.push_all([
        Reply::text(first),
        Reply::steps(vec![
            Step::text("second-one\n"),
            Step::Hold(gates[0].clone()),
            Step::text("second-two\n"),
            Step::Hold(gates[1].clone()),
            Step::text("second-three\n"),
            Step::Hold(gates[2].clone()),
            Step::text("second-end"),
        ]),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("first-msg\r");
    pty.wait_for("the first answer", |s| {
        s.contains(&format!("row-{FIRST_ROWS}")) && !s.contains("Esc to interrupt")
    });
    assert!(pty.scrollback_len() > 0, "the screen has not scrolled yet");
    pty.send("second-msg\r");
    // Each burst while the answer streams, between two of its lines: no
    // gap (quire sees only the last size, the same as before: the rows
    // moved under a live area it does not place again), 40 ms (less than
    // its settling) and 250 ms (more: placed again after each).
    let bursts: [(&str, &[u16], u64); 3] = [
        ("second-one", &[44, 5, 44, 30], 0),
        ("second-two", &[44, 8, 40, 12, 30], 40),
        ("second-three", &[44, 5, 44, 30], 250),
    ];
    for ((line, heights, gap), gate) in bursts.into_iter().zip(&gates) {
        pty.wait_text(line);
        burst(&mut pty, heights, Duration::from_millis(gap));
        std::fs::write(gate, "").expect("gate");
    }
    pty.wait_for("the second answer", |s| {
        s.contains("second-end") && !s.contains("Esc to interrupt")
    });
    let mut lines: Vec<String> = vec!["› first-msg".into(), "› second-msg".into()];
    lines.extend((1..=FIRST_ROWS).map(|i| format!("row-{i:02}")));
    lines.extend(["second-one", "second-two", "second-three", "second-end"].map(String::from));
    // A frame is drawn in several writes: read until it is whole. A row
    // wiped or written twice stays so, and fails at the deadline.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let rows = pty.transcript();
        let missing: Vec<&String> = lines
            .iter()
            .filter(|l| rows.iter().filter(|r| r.trim_end() == l.as_str()).count() != 1)
            .collect();
        let header = rows
            .iter()
            .filter(|r| r.starts_with("quire session"))
            .count();
        if missing.is_empty() && header == 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not once each: {missing:?}, the header {header} times: {rows:#?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
