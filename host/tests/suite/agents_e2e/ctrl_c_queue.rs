//! Ctrl-C in the terminal view stops the turn's own work only: a child
//! an earlier turn spawned that still waits for a slot
//! (`agents.max_parallel`) keeps its place, listed by `/agents` as
//! queued, and runs once a slot is free; one the interrupted turn spawned
//! is dropped, never started, and `/agents` and its session file say so.

use serde_json::{Value, json};
use support::model_server::{Reply, Step};
use support::pty::Pty;
use support::pty_prompt::say;
use support::quire::TestEnv;

use super::{PARENT, spawn_with, support};

fn definition(name: &str) -> String {
    format!("---\nname: {name}\ndescription: The {name} agent.\n---\nYou are {name}.\n")
}

fn background(call: &str, task: &str, agent: &str) -> Step {
    spawn_with(
        call,
        json!({"task": task, "agent_type": agent, "background": true}),
    )
}

/// `/agents` typed; the lines of that listing (after the last `/agents`
/// echoed) once its row of `name` (`ID  NAME STATE …`) says `state`, and
/// that row's index.
fn listed(pty: &mut Pty, name: &str, state: &str) -> (Vec<String>, usize) {
    say(pty, "/agents");
    let wanted = format!("  {name} {state}");
    let rows = |screen: &str| -> Vec<String> {
        let lines: Vec<&str> = screen.lines().collect();
        let from = lines.iter().rposition(|l| l.trim() == "› /agents");
        lines[from.map_or(lines.len(), |i| i + 1)..]
            .iter()
            .map(|l| l.to_string())
            .collect()
    };
    let screen = pty.wait_for(&format!("/agents listing {name} {state}"), |s| {
        rows(s)
            .iter()
            .any(|l| l.get(8..).is_some_and(|r| r.starts_with(&wanted)))
    });
    let lines = rows(&screen);
    let at = lines
        .iter()
        .position(|l| l.get(8..).is_some_and(|r| r.starts_with(&wanted)))
        .unwrap_or(0);
    (lines, at)
}

#[test]
fn ctrl_c_keeps_an_earlier_turns_queued_child_and_drops_its_own() {
    let env = TestEnv::with_config("responses", "[agents]\nmax_parallel = 1\n");
    for name in ["holder", "waiter", "late"] {
        env.write(&format!(".quire/agents/{name}.md"), &definition(name));
    }
    let release = env.repo_path().join("release");
    let release_waiter = env.repo_path().join("release-waiter");
    let busy = env.repo_path().join("busy");
    env.server.route(
        PARENT,
        [
            // Turn one: holder takes the slot, waiter queues behind it.
            Reply::tool_calls(vec![background("s1", "CHILD-H hold", "holder")]),
            Reply::tool_calls(vec![background(
                "s2",
                "CHILD-W wait for a slot\nsecond line",
                "waiter",
            )]),
            Reply::text("TURN-ONE-DONE"),
            // Turn two: late queues too, then a long command: Ctrl-C.
            Reply::tool_calls(vec![background("s3", "CHILD-L never runs", "late")]),
            Reply::tool_call(
                "b1",
                "shell",
                json!({"command": format!("touch '{}'; exec sleep 300", busy.display())}),
            ),
        ],
    );
    env.server.route(
        "CHILD-H",
        [Reply::steps(vec![
            Step::Hold(release.clone()),
            Step::text("held"),
        ])],
    );
    env.server.route(
        "CHILD-W",
        [Reply::steps(vec![
            Step::Hold(release_waiter.clone()),
            Step::text("WAITER-ANSWER"),
        ])],
    );
    env.server.route("CHILD-L", [Reply::text("LATE-RAN")]);

    let mut pty = Pty::spawn(env.command(&[]), 50, 160);
    pty.wait_text("/help for keys");
    say(&mut pty, &format!("{PARENT} start two"));
    pty.wait_text("TURN-ONE-DONE");
    // Queued while it waits, with its task's first line.
    let (lines, at) = listed(&mut pty, "waiter", "queued");
    assert!(lines[at].contains("CHILD-W wait for a slot"), "{lines:#?}");
    assert!(!lines[at].contains("second line"), "{lines:#?}");

    say(&mut pty, &format!("{PARENT} more"));
    pty.wait_for("the turn's long command", |_| busy.exists());
    pty.send("\x03");
    // The interrupted turn's own queued child is dropped and said so …
    pty.wait_text("agent late not started");
    // The message given back to the input is cleared (Ctrl-C again).
    pty.wait_text("your message is back in the input");
    pty.send("\x03");
    pty.wait_for("the input cleared", |s| {
        s.lines()
            .filter(|l| l.starts_with(&format!("› {PARENT} more")))
            .count()
            == 1
    });
    let (lines, at) = listed(&mut pty, "late", "not started");
    assert!(lines[at].contains("free slot"), "{lines:#?}");
    // … the earlier turn's keeps waiting (the row above in the same list) …
    assert!(
        at > 0 && lines[at - 1].contains(" waiter queued"),
        "{lines:#?}"
    );
    // … and runs once the holder ends.
    std::fs::write(&release, "go").unwrap();
    pty.wait_text("waiter runs in the background");
    listed(&mut pty, "waiter", "running");
    std::fs::write(&release_waiter, "go").unwrap();
    pty.wait_text("agent waiter done");
    assert!(
        env.server
            .requests()
            .iter()
            .any(|r| r.raw_body.contains("CHILD-W")),
        "the waiter never ran"
    );
    assert!(
        !env.server
            .requests()
            .iter()
            .any(|r| r.raw_body.contains("CHILD-L") && !r.raw_body.contains(PARENT)),
        "the dropped child ran"
    );
    // Its session file records that it never started, and why.
    let records: Vec<Vec<Value>> = env
        .session_files()
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .map(|t| {
            t.lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect()
        })
        .collect();
    let dropped: Vec<&Vec<Value>> = records
        .iter()
        .filter(|r| r.iter().any(|r| r["event"]["type"] == "not_started"))
        .collect();
    assert_eq!(dropped.len(), 1, "{records:#?}");
    let not_started = dropped[0]
        .iter()
        .find(|r| r["event"]["type"] == "not_started")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        not_started["event"]["reason"], "interrupted by the user",
        "{not_started}"
    );
    assert!(
        dropped[0][0].to_string().contains("late"),
        "{:#?}",
        dropped[0]
    );
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
