//! Narrowing a terminal that re-wraps rows (tmux, most modern ones) while
//! rows are shown above the input, or while the session picker is up: the
//! live area is cleared from its first row and drawn again, so none of
//! the old rows stays behind in the transcript.

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";
const ESC: &str = "\x1b";
const CTRL_U: &str = "\x15";

/// Whether the last row of `s` with text is the empty input line's
/// status under an empty `›` row.
fn input_empty(s: &str) -> bool {
    let rows: Vec<&str> = s.lines().filter(|r| !r.trim().is_empty()).collect();
    rows.len() >= 2 && rows[rows.len() - 2].trim_end() == "›"
}

/// Opens rows above the input by sending each key of `open` and waiting
/// for its text (the last: `shown`),
/// narrows the window to 30 columns as a reflowing terminal does, closes
/// it with `close`, widens again and sends a second message: the
/// transcript holds no row of what was shown.
fn nothing_left_after_narrowing(open: &[(&str, &str)], close: &str, gone: &[&str]) {
    let shown = open.last().map_or("", |(_, text)| *text);
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("answer A"), Reply::text("answer B")]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    pty.send("hello\r");
    pty.wait_for("the first answer", |s| {
        s.contains("answer A") && !s.contains("Esc to interrupt")
    });
    for (key, text) in open {
        pty.send(key);
        pty.wait_text(text);
    }
    pty.narrow_reflowing(30, 30);
    // Drawn again at 30 columns: its rows are cut at the width.
    pty.wait_for("the live area drawn at 30 columns", |s| {
        s.lines().any(|r| r.contains(shown)) && s.lines().all(|r| r.chars().count() <= 30)
    });
    pty.send(close);
    pty.wait_for("the input line alone", |s| {
        input_empty(s) && !s.contains(shown)
    });
    pty.resize(30, 100);
    pty.send("next\r");
    pty.wait_for("the second answer", |s| {
        s.contains("answer B") && !s.contains("Esc to interrupt")
    });
    let rows = pty.transcript();
    for text in gone {
        assert!(
            !rows.iter().any(|r| r.contains(text)),
            "a stale copy of {text:?} stayed: {rows:#?}"
        );
    }
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn narrowing_the_window_under_the_slash_menu_leaves_no_copy_of_it() {
    nothing_left_after_narrowing(
        &[("/", "/resume")],
        "\x7f",
        &["/resume", "/model", "start a new conversation"],
    );
}

#[test]
fn narrowing_the_window_under_the_esc_esc_rows_leaves_no_copy_of_them() {
    nothing_left_after_narrowing(
        &[
            (ESC, "Esc again to edit a previous message"),
            (ESC, "message 1 of 1"),
        ],
        CTRL_U,
        &["message 1 of 1", "Enter edits it"],
    );
}

#[test]
fn the_session_picker_is_drawn_again_after_narrowing_and_leaves_nothing_behind() {
    let env = TestEnv::new("chat");
    for question in [
        "an older question about the parser",
        "a newer question about the lexer",
    ] {
        env.server.push(Reply::text("an answer"));
        let run = env.run(&["exec", question]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let mut pty = Pty::spawn(env.command(&["resume"]), 30, 100);
    pty.wait_text("a newer question about the lexer");
    pty.narrow_reflowing(30, 40);
    // Drawn again at 40 columns: each row's question cut to fit, one
    // selection.
    pty.wait_for("the picker drawn at 40 columns", |s| {
        let rows: Vec<&str> = s.lines().collect();
        rows.iter().filter(|r| r.starts_with('›')).count() == 1
            && rows.iter().any(|r| r.starts_with("› ") && r.ends_with('…'))
    });
    pty.send(ESC);
    pty.wait_text("/help for keys");
    let rows = pty.transcript();
    for text in ["Resume a session", "question", "turn"] {
        assert!(
            !rows.iter().any(|r| r.contains(text)),
            "a stale row of the picker ({text:?}) stayed: {rows:#?}"
        );
    }
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
