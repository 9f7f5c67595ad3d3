//! A plugin's `log` lines beyond `limits.output_kb` are dropped, and
//! `quire plugins call` says how many, as it does for stdout.

use super::{seed_cache, source_plugin};
use crate::support::quire::TestEnv;

#[test]
fn dropped_log_lines_are_counted() {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let plugin = source_plugin(src.path(), "logger", "[limits]\noutput_kb = 1");
    let args = r#"{"message":"spam line","count":1000}"#;
    let call = env.run(&["plugins", "call", plugin.to_str().unwrap(), "log", args]);
    assert_eq!(call.code, 0, "{}", call.stderr);
    let shown = call.stderr.matches("spam line").count();
    assert!(shown > 0 && shown < 1000, "{}", call.stderr);
    let dropped = 1000 - shown;
    assert!(
        call.stderr.contains(&format!(
            "[log] … {dropped} more lines dropped (limits.output_kb)"
        )),
        "{}",
        call.stderr
    );
}
