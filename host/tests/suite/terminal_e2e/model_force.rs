//! `/model NAME` refuses a name the server does not list (a typo), and
//! says how to force it; `/model NAME --force` switches anyway, for a
//! server that serves more than it lists (a proxy, a gateway, an alias).

use super::line_session::line_mode;
use crate::support::model_server::{LISTED_MODELS, Reply};
use crate::support::quire::TestEnv;

#[test]
fn an_unlisted_model_is_refused_with_the_hint_and_forced_switches() {
    let env = TestEnv::new("chat");
    assert!(!LISTED_MODELS.contains(&"served-unlisted"));
    env.server.push(Reply::text("from the unlisted model"));
    let r = line_mode(
        &env,
        "/model served-unlisted\n/model served-unlisted --force\nhello\n/help\n",
    );
    let err = &r.stderr;
    assert!(
        err.contains("served-unlisted is not among the 3 models test lists"),
        "{err}"
    );
    assert!(err.contains("The model stays test-model."), "{err}");
    assert!(
        err.contains("`/model served-unlisted --force` switches without checking"),
        "{err}"
    );
    assert!(
        err.contains("model: served-unlisted (forced: not among what test lists"),
        "{err}"
    );
    assert!(r.stdout.contains("from the unlisted model"), "{}", r.stdout);
    // /help names the way.
    assert!(err.contains("--force:"), "{err}");
    let sent = env.server.model_requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body["model"], "served-unlisted");
}
