//! A URL longer than the window is written whole, on a line of its own,
//! and the terminal wraps it softly: its link detection and a selection
//! take the whole URL, not the part on one row.

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

#[test]
fn a_url_wider_than_the_window_is_wrapped_softly_not_broken() {
    let env = TestEnv::new("chat");
    let url = format!(
        "https://example.com/{}file_name.rs#L120-L145",
        "deeply/nested/".repeat(6)
    );
    assert!(url.len() > 60);
    env.server.push(Reply::text(format!(
        "See {url} and [the docs]({url}?x=1). Done here."
    )));
    let mut pty = Pty::spawn(env.command(&[]), 30, 60);
    pty.wait_text("/help for keys");
    pty.send("links please\r");
    // vt100 joins the rows the terminal wrapped softly (as `tmux
    // capture-pane -J` and a selection do); a hard break stays a newline.
    let screen = pty.wait_text("Done here.");
    assert!(screen.contains(&format!("\n{url}\n")), "{screen}");
    assert!(screen.contains(&format!("\n({url}?x=1).\n")), "{screen}");
    assert!(screen.contains("See\n"), "{screen}");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}
