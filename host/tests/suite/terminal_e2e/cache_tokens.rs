//! The prompt cache's reads and writes (Anthropic's
//! `cache_creation_input_tokens`) on the status line and in `/status`,
//! as exec's closing tokens line shows them.

use crate::support::model_server::{Reply, Step};
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

#[test]
fn cache_writes_show_beside_cache_reads() {
    let env = TestEnv::new("anthropic");
    env.server.push(Reply::steps(vec![
        Step::text("cached answer"),
        Step::Usage {
            input: 16_200,
            output: 20,
        },
        Step::Cached {
            read: 13_000,
            written: 3_100,
        },
    ]));
    let mut pty = Pty::spawn(env.command(&[]), 40, 140);
    pty.wait_text("/help for keys");
    pty.send("remember this\r");
    pty.wait_text("cached answer");
    pty.wait_text("in 16.2k · cached 13.0k read · 3.1k written · out 20");
    pty.send("/status\r");
    let screen = pty.wait_text("cost     ");
    assert!(
        screen.contains("tokens   in 16200 · cached 13000 read · 3100 written · out 20"),
        "{screen}"
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
