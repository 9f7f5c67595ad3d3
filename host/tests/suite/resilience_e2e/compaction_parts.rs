//! Compaction of a long conversation: it starts before the next request
//! (tools and instructions counted) would overflow the window, and a
//! hand-off request refused as too long is summarised in parts, so a
//! decision made in the first turn survives into later requests.

use crate::support;

use support::model_server::{Recorded, Reply};
use support::quire::{Run, TestEnv};

const MARKER: &str = "DECISION-ALPHA";

fn turn(env: &TestEnv, text: &str, resume: bool) -> Run {
    let extra: &[&str] = if resume { &["--resume", "last"] } else { &[] };
    let run = env.exec_json(text, extra);
    assert_eq!(run.code, 0, "{text:.40}: {}", run.stderr);
    run
}

fn padded(i: usize) -> String {
    format!("turn {i}: {}", "lorem ipsum dolor sit amet ".repeat(22))
}

fn summary(k: usize) -> String {
    format!("SUMMARY-{k}-END")
}

/// Whether `request` carries the first turn's decision: in its own text,
/// or in the summary answered to an earlier accepted hand-off request
/// that carried it.
fn carries(request: &Recorded, summaries: &[(String, bool)]) -> bool {
    request.raw_body.contains(MARKER)
        || summaries
            .iter()
            .any(|(s, carried)| *carried && request.raw_body.contains(s.as_str()))
}

/// Turns of 600 characters, then a server that refuses requests past a
/// size the whole hand-off request exceeds: the older part is summarised
/// first (cut before it is sent, the refusal having told the window) and
/// folded into the rest; no later request loses the decision
/// of turn 1, and nothing is left out (no warning).
#[test]
fn a_hand_off_too_long_is_summarised_in_parts() {
    let env = TestEnv::new("chat");
    env.server.route(
        "hand-off summary",
        (1..=9).map(|k| Reply::text(format!("{} of the part", summary(k)))),
    );
    env.server.push_all((0..20).map(|_| Reply::text("ok")));
    turn(&env, &format!("turn 1: {MARKER} use PostgreSQL"), false);
    for i in 2..=8 {
        turn(&env, &padded(i), true);
    }
    let reqs = env.server.requests();
    let first = reqs[0].raw_body.len();
    let per_turn = (reqs[7].raw_body.len() - first) / 7;
    let limit = first + 5 * per_turn;
    env.server.refuse_over(limit);
    let run = turn(&env, &padded(9), true);
    assert_eq!(run.of_type("compaction").len(), 1, "{:?}", run.events);
    assert!(
        run.of_type("warning").is_empty(),
        "nothing left out: {:?}",
        run.of_type("warning")
    );
    turn(&env, &padded(10), true);

    let reqs = env.server.requests();
    let mut summaries: Vec<(String, bool)> = Vec::new();
    let mut refused_hand_offs = 0;
    for r in &reqs {
        if !r.raw_body.contains("hand-off summary") {
            continue;
        }
        if r.raw_body.len() > limit {
            refused_hand_offs += 1;
            continue;
        }
        let carried = carries(r, &summaries);
        summaries.push((summary(summaries.len() + 1), carried));
    }
    // The refusal told quire the window: the parts are cut before they
    // are sent, none is refused again.
    assert_eq!(
        refused_hand_offs, 0,
        "a hand-off past the refused size was sent"
    );
    assert!(summaries.len() >= 2, "summarised in parts: {summaries:?}");
    let last = reqs.last().expect("requests");
    assert!(last.raw_body.contains("turn 10"));
    assert!(
        carries(last, &summaries),
        "turn 1's decision is lost: {summaries:?}\n{}",
        last.raw_body
    );
}

/// The messages alone take about 60% of the window, the tool list and
/// the system prompt the rest: before the next request quire compacts,
/// because they count in the request's size. (A window that the fixed
/// part alone nearly fills is not compacted at all: `compaction_room.rs`.)
#[test]
fn the_tool_list_counts_toward_the_threshold() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("first answer"));
    turn(&env, "first question", false);
    let first = env.server.requests()[0].clone();
    let tools = first.body["tools"].to_string().len();
    let messages = first.body["messages"].to_string().len();
    assert!(tools > 2 * messages, "tools {tools}, messages {messages}");
    let fixed = first.raw_body.len();
    // Two long answers: the messages grow to 1.5 times the fixed part.
    let long = "lorem ipsum dolor sit amet ".repeat(fixed * 3 / 4 / 27);
    env.server.push_all([
        Reply::text(format!("second answer: {long}")),
        Reply::text(format!("third answer: {long}")),
        Reply::text("SUMMARY-OF-THE-TURNS"),
        Reply::text("fourth answer"),
    ]);
    let run = turn(&env, "second question", true);
    assert!(run.of_type("compaction").is_empty(), "default window: none");
    turn(&env, "third question", true);
    let reqs = env.server.requests();
    let last = reqs[reqs.len() - 1].raw_body.len();
    // The next request adds the third answer.
    let window = (last + long.len()) / 4;
    let messages = (last + long.len() - fixed) / 4;
    assert!(
        messages < window * 7 / 10,
        "the messages alone stay well under the threshold: {messages} of {window}"
    );
    let setting = format!("model_context_window={window}");
    let run = env.exec_json("fourth question", &["-c", &setting, "--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let c = run.of_type("compaction");
    assert_eq!(c.len(), 1, "{:?}", run.events);
    assert_eq!(c[0]["reason"], "auto");
    let reqs = env.server.requests();
    assert!(reqs[reqs.len() - 2].raw_body.contains("hand-off summary"));
    assert!(
        reqs[reqs.len() - 1]
            .raw_body
            .contains("SUMMARY-OF-THE-TURNS")
    );
}
