//! `/approvals` and `/permissions` in a narrow window (60 and 40
//! columns): each preset as typed on a row of its own, what it sets and
//! allows wrapped at words under a 4-column indent (never broken
//! mid-word at the edge), in the full-screen view and the line mode; the
//! messages name the command typed, and a repeated or unknown argument
//! is refused by name.

use crate::support::pty::Pty;
use crate::support::pty_prompt::{line_mode, say};
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

/// What the panel says under each preset, whole.
const ALLOWS: [&str; 4] = [
    "Read Only (read-only · on-request): commands read files but write none (patches refused); quire asks before a command leaves the sandbox",
    "Auto (workspace-write · on-request): commands and patches write in the workspace; quire asks before writing outside it or leaving the sandbox",
    "Full Access (danger-full-access · never): no sandbox and no questions: commands may change any file your user can and use the network",
    "never, on-request or untrusted: the approval policy alone, the sandbox kept",
];

/// The rows' words, one space between them (a word the terminal broke
/// at the edge shows as two).
fn words(rows: &[String]) -> String {
    rows.iter()
        .flat_map(|r| r.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Waits until the screen's words hold `text` (a wrapped line's words
/// read across its rows).
fn wait_words(pty: &Pty, text: &str) {
    pty.wait_for(text, |s| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains(text)
    });
}

/// The last panel `command` showed in `rows`: each preset's row as typed
/// (Auto, in effect, marked `*`), then rows indented 4 columns holding
/// what it allows, whose words make its whole text.
fn check_panel(rows: &[String], command: &str) {
    let shown = rows.join("\n");
    let heads = [
        format!("  {command} read-only"),
        format!("* {command} auto"),
        format!("  {command} full-access --yes"),
        format!("  {command} POLICY"),
    ];
    let mut at = rows
        .iter()
        .rposition(|r| *r == heads[0])
        .unwrap_or_else(|| panic!("no {:?} row:\n{shown}", heads[0]));
    for (head, allows) in heads.iter().zip(ALLOWS) {
        assert_eq!(&rows[at], head, "{shown}");
        at += 1;
        let under: Vec<String> = rows[at..]
            .iter()
            .take_while(|r| r.starts_with("    ") && r.len() > 4)
            .cloned()
            .collect();
        assert!(under.len() > 1, "{allows:?} not wrapped:\n{shown}");
        assert_eq!(words(&under), allows, "{shown}");
        at += under.len();
    }
}

#[test]
fn the_panel_wraps_under_its_indent_at_60_columns() {
    let env = TestEnv::new("responses");
    let mut pty = Pty::spawn(env.command(&[]), 40, 60);
    pty.wait_text("/help for keys");
    say(&mut pty, "/approvals");
    pty.wait_text("POLICY");
    check_panel(&pty.transcript(), "/approvals");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn permissions_at_40_columns_names_itself_and_refuses_repeated_flags() {
    let env = TestEnv::new("responses");
    let mut pty = Pty::spawn(env.command(&[]), 60, 40);
    pty.wait_text("/help for keys");
    say(&mut pty, "/permissions");
    pty.wait_text("POLICY");
    check_panel(&pty.transcript(), "/permissions");
    say(&mut pty, "/permissions full-access");
    wait_words(&pty, "Nothing was changed");
    say(&mut pty, "/permissions auto --yes --yes");
    wait_words(&pty, "given twice");
    say(&mut pty, "/permissions auto extra");
    wait_words(&pty, "unexpected after");
    let all = words(&pty.transcript());
    for said in [
        "Nothing was changed; to allow it, type /permissions full-access --yes",
        "--yes is given twice; nothing was changed. Usage: /permissions [read-only | auto",
        "one setting at a time: \"extra\" is unexpected after \"auto\"",
    ] {
        assert!(all.contains(said), "{said:?} not said:\n{all}");
    }
    assert!(!all.contains("type /approvals"), "{all}");
    // Nothing changed: still Auto.
    assert!(!all.contains("Auto: sandbox"), "{all}");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

/// The line mode on a 60-column terminal wraps the panel as the
/// full-screen view does; `/model` and `/agents` refuse what they do not
/// take, and `--force` on a listed name says it was not needed.
#[test]
fn the_line_mode_wraps_the_panel_and_refuses_repeated_or_unknown_flags() {
    let env = TestEnv::new("responses");
    let mut pty = line_mode(&env, &[], 60, 60);
    say(&mut pty, "/approvals");
    pty.wait_text("POLICY");
    check_panel(&pty.transcript(), "/approvals");
    // Printed as they are (the terminal wraps them): read from the
    // output, not the rows.
    for (typed, said) in [
        ("/model test-model-large --force --force", "given twice"),
        ("/model test-model-large --frce", "unknown option"),
        ("/model test-model-large --force", "not needed"),
        ("/agents list extra", "takes no ID"),
        ("/agents show abcd efgh", "takes one ID"),
    ] {
        say(&mut pty, typed);
        pty.wait_for(said, |_| pty.output().contains(said));
    }
    let all = pty.output();
    for said in [
        "error: --force is given twice; usage: /model [NAME [--force]]; the model stays test-model",
        "error: unknown option --frce; usage: /model [NAME [--force]]; the model stays test-model",
        "model: test-model-large (--force not needed: test lists test-model-large)",
        "error: /agents list takes no ID: \"extra\" is unexpected; usage: /agents [show ID",
        "error: /agents show takes one ID: \"efgh\" is unexpected",
    ] {
        assert!(all.contains(said), "{said:?} not said:\n{all}");
    }
    assert_eq!(pty.quit_at_prompt(), 0);
}
