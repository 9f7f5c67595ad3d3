//! A runaway server-sent event ends the turn with an error naming the
//! limit of one event.

use crate::support;

use support::model_server::Reply;
use support::quire::TestEnv;

/// A server that sends one line without end: quire stops reading at the
/// limit of one event (16 MiB) and says so, instead of buffering (and
/// re-scanning) it for minutes.
#[test]
fn a_runaway_event_ends_the_turn_with_an_error_naming_the_limit() {
    let env = TestEnv::new("chat");
    let mib = vec![b'x'; 1024 * 1024];
    let mut chunks = vec![b"data: {\"choices\":[{\"delta\":{\"content\":\"".to_vec()];
    chunks.extend(std::iter::repeat_n(mib, 17));
    env.server.push(Reply::Raw(chunks));
    let run = env.run(&["exec", "hi"]);
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("exceeds 16 MiB (quire's limit for one event)"),
        "{}",
        run.stderr
    );
    // Not retried: the same request would get the same answer.
    assert_eq!(env.server.requests().len(), 1);
}
