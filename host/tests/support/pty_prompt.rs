//! quire on a pseudo-terminal at its prompt: the line mode (a dumb
//! terminal) started and its prompt waited for; a line typed, in either
//! view.

use super::pty::Pty;
use super::quire::TestEnv;

/// `quire ARGS` in the line mode (`TERM=dumb`: no full-screen view) on a
/// terminal of `rows` × `cols`, once its prompt `› ` shows.
pub fn line_mode(env: &TestEnv, args: &[&str], rows: u16, cols: u16) -> Pty {
    let mut cmd = env.command(args);
    cmd.env("TERM", "dumb");
    let pty = Pty::spawn(cmd, rows, cols);
    pty.wait_text("› ");
    pty
}

/// Types `text`, then Enter.
pub fn say(pty: &mut Pty, text: &str) {
    pty.send(text);
    pty.send("\r");
}
