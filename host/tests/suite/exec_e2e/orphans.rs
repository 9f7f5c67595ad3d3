//! Processes that leave their process group (`setsid`, `setpgid(0, 0)`)
//! are adopted by quire and die with it; adopted orphans that exit are
//! reaped during the session.

use super::*;
use support::quire::{wait_for_file, wait_gone};

/// A command that starts a process in a session of its own and one that
/// moves itself to a group of its own, then exits: both are gone once
/// quire has exited.
#[test]
fn processes_that_leave_their_group_do_not_outlive_quire() {
    let env = TestEnv::new("responses");
    let command = "setsid sleep 302 > /dev/null 2>&1 & echo $! > setsid.pid; \
        perl -e 'setpgrp(0, 0); open(my $f, \">\", \"pgid.tmp\"); print $f $$; close $f; \
        rename(\"pgid.tmp\", \"pgid.pid\"); sleep 303' > /dev/null 2>&1 & \
        while [ ! -s pgid.pid ]; do sleep 0.05; done";
    env.server.push_all([
        Reply::tool_call("escape", "shell", json!({ "command": command })),
        Reply::text("started"),
    ]);
    let run = env.exec_json("start two daemons", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in ["setsid.pid", "pgid.pid"] {
        let pid: i32 = wait_for_file(&env.repo.path().join(file)).parse().unwrap();
        assert!(wait_gone(pid), "{file}: process {pid} outlived quire");
    }
}

/// An adopted orphan that exits is reaped when the next command ends, so
/// no zombies pile up in a long session.
#[test]
fn adopted_orphans_that_exit_are_reaped() {
    let env = TestEnv::new("responses");
    let start =
        "mkfifo gate; setsid sh -c 'cat gate > /dev/null' > /dev/null 2>&1 & echo $! > orphan.pid";
    let release = "p=$(cat orphan.pid); echo go > gate; \
        while [ -e /proc/$p ] && [ \"$(cut -d' ' -f3 /proc/$p/stat)\" != Z ]; do sleep 0.05; done";
    let check = "p=$(cat orphan.pid); if [ -e /proc/$p ]; then echo ORPHAN-LEFT; else echo ORPHAN-REAPED; fi";
    env.server.push_all([
        Reply::tool_call("start", "shell", json!({ "command": start })),
        Reply::tool_call("release", "shell", json!({ "command": release })),
        Reply::tool_call("check", "shell", json!({ "command": check })),
        Reply::text("done"),
    ]);
    let run = env.exec_json("orphan", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let last = &reqs.last().unwrap().raw_body;
    assert!(last.contains("ORPHAN-REAPED"), "{last}");
}

/// A command killed by its timeout takes what left its group with it (a
/// subshell's orphan, a `setsid` child of the shell), while the session
/// goes on; what an earlier command left running stays up. (Looked up in
/// /proc: where Landlock scopes signals, `kill -0` cannot reach another
/// command's process.)
#[test]
fn a_timed_out_command_takes_what_left_its_group_with_it() {
    let env = TestEnv::new("responses");
    let earlier = "setsid sleep 304 > /dev/null 2>&1 & echo $! > earlier.pid";
    let escaping = "(setsid sleep 303 > /dev/null 2>&1 & echo $! > orphan.pid); \
        setsid sleep 305 > /dev/null 2>&1 & echo $! > child.pid; sleep 301";
    let check = "for f in earlier orphan child; do p=$(cat $f.pid 2>/dev/null); \
        if [ -z \"$p\" ]; then echo $f-NO-PID; \
        elif [ -e /proc/$p ] && ! grep -q zombie /proc/$p/status 2>/dev/null; \
        then echo $f-ALIVE; else echo $f-GONE; fi; done";
    env.server.push_all([
        Reply::tool_call("early", "shell", json!({ "command": earlier })),
        Reply::tool_call(
            "hold",
            "shell",
            json!({ "command": escaping, "timeout_ms": 3000 }),
        ),
        Reply::tool_call("check", "shell", json!({ "command": check })),
        Reply::text("done"),
    ]);
    let run = env.exec_json("time out", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let timed_out = &reqs[2].raw_body;
    assert!(timed_out.contains("timed out"), "{timed_out}");
    let last = &reqs.last().unwrap().raw_body;
    for word in ["earlier-ALIVE", "orphan-GONE", "child-GONE"] {
        assert!(last.contains(word), "{word} not in {last}");
    }
}
