//! The live area while a command runs, in a window too short for all of
//! it: the working line stays, the command's oldest output lines go
//! first (the composer and the status line keep their rows).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use super::super::app::App;
use super::super::style::Palette;
use super::styled;

/// The live area of a running `make test` that printed six lines, drawn
/// at `width` × `height`; the working line's elapsed time as `T`.
fn live(width: u16, height: u16, pal: &Palette) -> String {
    use quire::agent::Event;
    let mut app = App::new(*pal, width, Vec::new());
    app.begin_task("run the tests");
    app.event(&Event::ToolStarted {
        call_id: "c1".into(),
        name: "shell".into(),
        arguments: json!({"command": "make test"}),
    });
    app.event(&Event::ToolOutputDelta {
        call_id: "c1".into(),
        delta: "one\ntwo\nthree\nfour\nfive\nsix\n".into(),
    });
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    term.draw(|f| app.draw(f)).expect("draw");
    let end = " · Esc to interrupt";
    styled(term.backend().buffer())
        .lines()
        .map(|row| match row.find(end) {
            Some(at) => {
                let time = row[..at].rfind(' ').map_or(at, |s| s + 1);
                format!("{}T{}\n", &row[..time], &row[at..])
            }
            None => format!("{row}\n"),
        })
        .collect()
}

/// `shown` without its `«style»` marks.
fn plain(shown: &str) -> String {
    let mut out = String::new();
    let mut rest = shown;
    while let Some(at) = rest.find('«') {
        out.push_str(&rest[..at]);
        rest = rest[at..].split_once('»').map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

#[test]
fn a_short_window_keeps_the_working_line_over_the_output() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.bind(|| {
        for color in [true, false] {
            let pal = Palette::new(color);
            let tag = if color { "color" } else { "no_color" };
            insta::assert_snapshot!(format!("live_area_80x6_{tag}"), live(80, 6, &pal));
        }
    });
    let short = plain(&live(80, 6, &Palette::new(false)));
    let rows: Vec<&str> = short.lines().collect();
    assert!(
        rows[0].contains("make test"),
        "the working line first: {short}"
    );
    assert_eq!(&rows[1..4], ["  └ four", "    five", "    six"], "{short}");
    // With room, the five last lines under it.
    let tall = plain(&live(80, 12, &Palette::new(false)));
    assert!(
        tall.contains("make test") && tall.contains("  └ two") && tall.contains("    six"),
        "{tall}"
    );
}
