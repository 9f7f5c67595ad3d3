//! Colours fitted to the terminal: none where it has none, no 24-bit
//! colour unless it says it takes it (`COLORTERM`), highlighting for a
//! light background when `COLORFGBG` names one.

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const ANSWER: &str = "Here:\n\n```rust\nfn add(a: i32) -> i32 {\n    a + 1\n}\n```\n\nAll done.";

/// Everything quire wrote to a terminal `term` (with `vars`) for one
/// message and an answer with a highlighted code block.
fn session(term: &str, vars: &[(&str, &str)]) -> String {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text(ANSWER));
    let mut cmd = env.command(&[]);
    cmd.env("TERM", term)
        .env_remove("COLORTERM")
        .env_remove("COLORFGBG");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut pty = Pty::spawn(cmd, 30, 100);
    pty.wait_text("/help for keys");
    pty.send("show me the code\r");
    pty.wait_text("All done.");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    pty.output()
}

/// The colour attributes of every SGR sequence written (`32`, `38;2;…`,
/// `48;5;…`), in order; resets to the terminal's own colours (39, 49,
/// 59) are none.
fn colours(out: &str) -> Vec<String> {
    let mut found = Vec::new();
    for seq in out.split("\x1b[").skip(1) {
        let Some(end) = seq.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
            continue;
        };
        if !seq[end..].starts_with('m') {
            continue;
        }
        let params: Vec<&str> = seq[..end].split(';').collect();
        let mut i = 0;
        while i < params.len() {
            let n: u16 = params[i].parse().unwrap_or(0);
            let take = match n {
                38 | 48 | 58 if params.get(i + 1) == Some(&"2") => 5,
                38 | 48 | 58 => 3,
                30..=37 | 40..=47 | 90..=97 | 100..=107 => 1,
                _ => 0,
            };
            if take > 0 {
                let end = (i + take).min(params.len());
                found.push(params[i..end].join(";"));
                i = end;
            } else {
                i += 1;
            }
        }
    }
    found
}

#[test]
fn a_terminal_without_colour_gets_none() {
    let out = session("xterm-mono", &[("COLORTERM", "truecolor")]);
    assert!(out.contains("All done."), "{out:?}");
    assert_eq!(colours(&out), Vec::<String>::new(), "{out:?}");
    let out = session("vt100", &[]);
    assert_eq!(colours(&out), Vec::<String>::new(), "{out:?}");
}

#[test]
fn a_16_colour_terminal_gets_the_16_colour_codes() {
    let found = colours(&session("xterm", &[]));
    assert!(!found.is_empty(), "still coloured");
    for c in &found {
        assert!(
            !c.starts_with("38;") && !c.starts_with("48;"),
            "{c} in {found:?}"
        );
    }
    // `fn` in the theme's purple, as ANSI magenta.
    assert!(found.contains(&"35".to_string()), "{found:?}");
}

#[test]
fn truecolor_only_where_the_terminal_says_so() {
    let found = colours(&session("xterm-256color", &[]));
    assert!(found.iter().all(|c| !c.starts_with("38;2;")), "{found:?}");
    assert!(found.iter().any(|c| c.starts_with("38;5;")), "{found:?}");
    let found = colours(&session("xterm-256color", &[("COLORTERM", "truecolor")]));
    assert!(found.contains(&"38;2;180;142;173".to_string()), "{found:?}");
}

#[test]
fn a_light_background_gets_a_light_theme_and_the_terminals_own_text_colour() {
    let vars = [("COLORTERM", "truecolor"), ("COLORFGBG", "0;15")];
    let found = colours(&session("xterm-256color", &vars));
    // InspiredGitHub's keyword red, not base16-ocean's pale purple.
    assert!(found.contains(&"38;2;167;29;93".to_string()), "{found:?}");
    assert!(
        !found.contains(&"38;2;180;142;173".to_string()),
        "{found:?}"
    );
    // No white or light grey text: the user's message and the code's
    // plain text are in the terminal's own colour.
    for light in ["97", "37", "38;5;15", "38;5;7", "38;2;192;197;206"] {
        assert!(!found.contains(&light.to_string()), "{light} in {found:?}");
    }
}
