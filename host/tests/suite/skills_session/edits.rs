//! A skill edited while a session runs (the real binary, line mode from a
//! pipe): the next request carries the new description of a listed skill
//! and the new instructions of an active one, once.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::model_server::Reply;
use crate::support::quire::{TestEnv, finish};

const ROCKET: &str = ".agents/skills/rocket-launch/SKILL.md";
const ORBIT: &str = ".agents/skills/satellite-orbit/SKILL.md";

fn wait_requests(env: &TestEnv, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while env.server.requests().len() < n {
        assert!(Instant::now() < deadline, "no request {n}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn edits_to_a_listed_or_active_skill_reach_the_model_in_the_same_session() {
    let env = TestEnv::new("chat");
    env.write(
        ROCKET,
        "---\nname: rocket-launch\ndescription: Launches rockets from the pad.\n---\n# Rockets\nOLD-BODY steps.\n",
    );
    env.write(
        ORBIT,
        "---\nname: satellite-orbit\ndescription: Computes satellite orbits. OLD-DESCRIPTION.\n---\n# Orbits\nKepler.\n",
    );
    env.server
        .push_all([Reply::text("one"), Reply::text("two"), Reply::text("three")]);
    let mut cmd = env.command(&[]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut say = |line: &str| {
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .expect("write")
    };

    say("$rocket-launch tell me about launching rockets and satellite orbits");
    wait_requests(&env, 1);
    let first = env.server.requests()[0].raw_body.clone();
    assert!(first.contains("OLD-BODY steps."), "{first}");
    assert!(first.contains("OLD-DESCRIPTION"), "{first}");

    // Both skills edited between two messages of one session.
    env.write(
        ROCKET,
        "---\nname: rocket-launch\ndescription: Launches rockets from the pad.\n---\n# Rockets\nNEW-BODY steps, version two.\n",
    );
    env.write(
        ORBIT,
        "---\nname: satellite-orbit\ndescription: Computes satellite orbits. NEW-DESCRIPTION v2.\n---\n# Orbits\nKepler.\n",
    );
    say("and the satellites?");
    wait_requests(&env, 2);
    say("and once more?");
    wait_requests(&env, 3);
    say("/quit");
    drop(stdin);
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let reqs = env.server.requests();
    let second = &reqs[1].raw_body;
    assert!(
        second.contains("- satellite-orbit: Computes satellite orbits. NEW-DESCRIPTION v2."),
        "{second}"
    );
    assert!(
        second.contains("(edited: this replaces its earlier description)"),
        "{second}"
    );
    assert!(
        second.contains("Skill rocket-launch was edited since it was activated."),
        "{second}"
    );
    assert!(second.contains("NEW-BODY steps, version two."), "{second}");
    assert!(
        second.contains("they replace the earlier version"),
        "{second}"
    );
    // The prefix stays: the first request's messages come first, unchanged.
    assert!(second.contains("OLD-BODY steps."), "{second}");
    // Sent once: the third request has them only from the history.
    let third = &reqs[2].raw_body;
    assert_eq!(third.matches("NEW-BODY steps").count(), 1, "{third}");
    assert_eq!(third.matches("NEW-DESCRIPTION").count(), 1, "{third}");
}

/// The same across `quire exec --resume`: the resumed history's texts are
/// what the edit is compared with.
#[test]
fn edits_reach_the_model_in_a_resumed_session() {
    let env = TestEnv::new("chat");
    env.write(
        ROCKET,
        "---\nname: rocket-launch\ndescription: Launches rockets from the pad.\n---\n# Rockets\nOLD-BODY steps.\n",
    );
    env.write(
        ORBIT,
        "---\nname: satellite-orbit\ndescription: Computes satellite orbits. OLD-DESCRIPTION.\n---\n# Orbits\nKepler.\n",
    );
    env.server
        .push_all([Reply::text("one"), Reply::text("two")]);
    let run = env.run(&[
        "exec",
        "$rocket-launch launch rockets into satellite orbits",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.write(
        ROCKET,
        "---\nname: rocket-launch\ndescription: Launches rockets from the pad.\n---\n# Rockets\nNEW-BODY steps, version two.\n",
    );
    env.write(
        ORBIT,
        "---\nname: satellite-orbit\ndescription: Computes satellite orbits. NEW-DESCRIPTION v2.\n---\n# Orbits\nKepler.\n",
    );
    let run = env.run(&["exec", "--resume", "last", "and the satellites?"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let second = &reqs[1].raw_body;
    assert!(second.contains("OLD-BODY steps."), "{second}");
    assert!(second.contains("NEW-BODY steps, version two."), "{second}");
    assert!(second.contains("NEW-DESCRIPTION v2."), "{second}");
}
