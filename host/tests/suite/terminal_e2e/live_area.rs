//! The live area under the scrollback: as tall as what it shows but never
//! the window's height, a long paragraph's lines committed while it
//! streams, and a resize mid-stream leaving every line in the scrollback
//! once.

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

/// An answer of an intro, lines `end1`..`end{n}` of one paragraph, held
/// after line `hold_after` until `gate` exists, then `DONE-MARK`.
fn paragraph(n: usize, hold_after: usize, gate: &std::path::Path) -> Reply {
    let mut steps = vec![Step::text("Intro.\n\n")];
    for i in 1..=n {
        steps.push(Step::text(format!("Line {i}: alpha beta end{i}\n")));
        if i == hold_after {
            steps.push(Step::Hold(gate.to_path_buf()));
        }
    }
    steps.push(Step::text("\nDONE-MARK"));
    Reply::steps(steps)
}

fn idle(pty: &Pty) {
    pty.wait_for("the turn to end", |s| {
        s.contains("DONE-MARK") && !s.contains("Esc to interrupt")
    });
}

/// How many rows of `rows` end with `endN`.
fn count(rows: &[String], n: usize) -> usize {
    let mark = format!("end{n}");
    rows.iter()
        .filter(|r| r.split_whitespace().any(|w| w == mark))
        .count()
}

#[test]
fn the_input_line_follows_the_transcript_without_blank_rows() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("short answer"));
    let mut pty = Pty::spawn(env.command(&[]), 40, 100);
    let screen = pty.wait_text("/help for keys");
    let rows: Vec<&str> = screen.lines().collect();
    let help = rows.iter().position(|r| r.contains("/help for keys"));
    let prompt = rows.iter().position(|r| r.starts_with('›'));
    assert_eq!(prompt, help.map(|h| h + 1), "{screen}");
    pty.send("hello\r");
    let screen = pty.wait_for("the answer", |s| {
        s.contains("short answer") && !s.contains("Esc to interrupt")
    });
    let rows: Vec<&str> = screen.lines().collect();
    let answer = rows.iter().position(|r| r.contains("short answer"));
    let prompt = rows.iter().rposition(|r| r.starts_with('›'));
    assert_eq!(prompt, answer.map(|a| a + 1), "{screen}");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_long_paragraph_reaches_the_scrollback_while_it_streams() {
    let env = TestEnv::new("chat");
    let gate = env.home.path().join("go-on");
    env.server.push(paragraph(60, 45, &gate));
    let mut pty = Pty::spawn(env.command(&[]), 40, 100);
    pty.wait_text("/help for keys");
    pty.send("tell me\r");
    pty.wait_text("end45");
    // Held mid-paragraph: its first lines are already written, once.
    let rows = pty.transcript();
    assert!(pty.screen().contains("Esc to interrupt"));
    assert!(!pty.screen().contains("end1\n"), "end1 has left the screen");
    for n in 1..=44 {
        assert_eq!(count(&rows, n), 1, "end{n} in {rows:#?}");
    }
    std::fs::write(&gate, "").expect("gate");
    idle(&pty);
    let rows = pty.transcript();
    for n in 1..=60 {
        assert_eq!(count(&rows, n), 1, "end{n} in {rows:#?}");
    }
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

/// vt100 does not re-wrap rows on a resize, so this does not show what a
/// reflowing terminal (tmux) does with the old frame: only that every line
/// is written once and the live area is drawn again at the new size.
#[test]
fn a_resize_mid_stream_writes_every_line_once() {
    let env = TestEnv::new("chat");
    let gate = env.home.path().join("go-on");
    env.server.push(paragraph(45, 25, &gate));
    let mut pty = Pty::spawn(env.command(&[]), 40, 100);
    pty.wait_text("/help for keys");
    pty.send("tell me\r");
    pty.wait_text("end25");
    pty.resize(24, 60);
    // Drawn again at the new size before the stream goes on.
    pty.wait_for("the frame at 60 columns", |s| {
        s.lines()
            .any(|r| r.contains("Esc to interrupt") && r.len() <= 60)
    });
    std::fs::write(&gate, "").expect("gate");
    pty.wait_text("end40");
    pty.resize(34, 80);
    idle(&pty);
    let rows = pty.transcript();
    for n in 1..=45 {
        assert_eq!(count(&rows, n), 1, "end{n} in {rows:#?}");
    }
    assert_eq!(rows.iter().filter(|r| r.contains("Intro.")).count(), 1);
    assert!(
        !rows.iter().any(|r| r.contains("Working")),
        "no frame of the live area is left: {rows:#?}"
    );
    assert_eq!(rows.iter().filter(|r| r.starts_with('›')).count(), 2);
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

/// The rows that show the status line.
fn status_rows(rows: &[String]) -> usize {
    rows.iter()
        .filter(|r| r.contains("workspace-write"))
        .count()
}

/// A window `rows` tall, a 6-line draft typed while the answer streams:
/// the live area stays under the window's height, so writing lines never
/// clears the screen whole (tmux keeps such a screen in the scrollback).
fn a_tall_draft_in_a_short_window(rows: u16, cols: u16) {
    let env = TestEnv::new("chat");
    let gate = env.home.path().join("go-on");
    env.server.push(paragraph(30, 10, &gate));
    env.server.push(Reply::text("SECOND"));
    let mut pty = Pty::spawn(env.command(&[]), rows, cols);
    pty.wait_text("/help for keys");
    pty.send("tell me\r");
    pty.wait_text("end9");
    for i in 1..=6 {
        pty.send(&format!("a{i}"));
        if i < 6 {
            pty.send("\n");
        }
    }
    pty.wait_text("a6");
    let screen = pty.screen();
    let first = screen.lines().next().unwrap_or("").to_string();
    assert!(
        !first.starts_with('›') && !first.contains("Esc to interrupt"),
        "the live area is shorter than the window:\n{screen}"
    );
    std::fs::write(&gate, "").expect("gate");
    pty.wait_text("DONE-MARK");
    // The answer's 32 lines, the prompt and the banner: no more (each
    // frame cleared whole would add a screen's worth).
    let held = pty.scrollback_len();
    assert!(
        held < 45,
        "{held} rows in the scrollback:\n{}",
        pty.screen()
    );
    assert_eq!(
        status_rows(&pty.screen().lines().map(String::from).collect::<Vec<_>>()),
        1
    );
    pty.send("\r");
    pty.wait_for("the draft's answer", |s| {
        s.contains("SECOND") && !s.contains("Esc to interrupt")
    });
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_tall_draft_in_a_9_row_window_leaves_no_frame_in_the_scrollback() {
    a_tall_draft_in_a_short_window(9, 120);
}

#[test]
fn a_tall_draft_in_a_5_row_window_leaves_no_frame_in_the_scrollback() {
    a_tall_draft_in_a_short_window(5, 40);
}
