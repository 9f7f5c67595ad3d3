//! A terminal that reports 0 rows × 0 columns (a pty nobody set the size
//! of: `docker run -t`, some CI and remote terminals) is drawn at 80 × 24.
//! quire used to spin forever in ratatui's `insert_before` there, deaf to
//! signals, and outlived the closed terminal at full CPU.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::{Pty, descendants};
use crate::support::quire::{TestEnv, alive, wait_for_file, wait_gone};

/// quire on a terminal of no size, its screen kept here at 24 × 80.
fn start(env: &TestEnv) -> Pty {
    let pty = Pty::spawn_reporting(env.command(&[]), 24, 80, (0, 0));
    pty.wait_text("/help for keys");
    pty
}

fn recorded(env: &TestEnv, kind: &str, status: &str) -> bool {
    env.session_records().iter().any(|r| {
        let e = if r["record"] == "event" {
            &r["event"]
        } else {
            r
        };
        e["type"] == kind && (status.is_empty() || e["status"] == status)
    })
}

#[test]
fn a_terminal_of_no_size_takes_a_message_and_quits() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("hello from the model"));
    let mut pty = start(&env);
    pty.send("hello there\r");
    pty.wait_text("hello from the model");
    pty.send("/quit\r");
    assert_eq!(pty.wait_exit(), 0);
    assert!(pty.output().contains("quire resume "), "{}", pty.screen());
    assert!(
        recorded(&env, "task_completed", "done"),
        "{:?}",
        env.session_records()
    );
}

#[test]
fn closing_a_terminal_of_no_size_ends_quire() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("hello from the model"));
    let mut pty = start(&env);
    pty.send("hello there\r");
    pty.wait_text("hello from the model");
    pty.hang_up();
    assert_eq!(pty.wait_exit(), 128 + libc::SIGHUP);
    assert!(
        recorded(&env, "task_completed", "done"),
        "{:?}",
        env.session_records()
    );
}

#[test]
fn closing_a_terminal_of_no_size_during_a_turn_stops_it_on_record() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call(
            "slow",
            "shell",
            json!({"command": "sleep 60 & echo $! > sleep.pid; wait"}),
        ),
        Reply::text("unused"),
    ]);
    let mut pty = start(&env);
    pty.send("run it\r");
    let pid: i32 = wait_for_file(&env.repo.path().join("sleep.pid"))
        .parse()
        .expect("a pid");
    assert!(alive(pid));
    let kids = descendants(pty.pid());
    pty.hang_up();
    assert_eq!(pty.wait_exit(), 128 + libc::SIGHUP);
    assert!(wait_gone(pid), "the command's child was killed");
    for k in kids {
        assert!(wait_gone(k), "process {k} outlived quire");
    }
    assert!(
        recorded(&env, "task_completed", "interrupted"),
        "{:?}",
        env.session_records()
    );
}
