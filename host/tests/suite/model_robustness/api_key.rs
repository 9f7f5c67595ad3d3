//! An API key with surrounding whitespace is trimmed; one that cannot be
//! a header value names the variable it came from.

use crate::support;

use support::model_server::Reply;
use support::quire::{Run, TestEnv, WIRES};

#[test]
fn an_api_key_with_surrounding_whitespace_is_trimmed() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server.push(Reply::text("ok"));
        let run = run_with_key(&env, " test-key\n", &["exec", "--json", "hi"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let requests = env.server.requests();
        let sent = match wire {
            "anthropic" => requests[0].header("x-api-key").map(str::to_string),
            _ => requests[0].header("authorization").map(str::to_string),
        };
        let want = if wire == "anthropic" {
            "test-key"
        } else {
            "Bearer test-key"
        };
        assert_eq!(sent.as_deref(), Some(want), "{wire}");
    }
}

#[test]
fn an_api_key_with_a_line_break_inside_names_the_variable_not_the_header() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        let run = run_with_key(&env, "test\nkey", &["exec", "hi"]);
        assert_ne!(run.code, 0, "{wire}");
        assert!(
            run.stderr
                .contains("the API key from the environment variable QUIRE_TEST_API_KEY"),
            "{wire}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("header \""), "{wire}: {}", run.stderr);
        assert!(
            !run.stderr.contains("test\nkey"),
            "{wire}: the key is not shown"
        );
        assert!(env.server.requests().is_empty(), "{wire}");
    }
}

/// `quire ARGS` with `key` as the value of the API key's variable.
fn run_with_key(env: &TestEnv, key: &str, args: &[&str]) -> Run {
    let mut cmd = env.command(args);
    cmd.env("QUIRE_TEST_API_KEY", key);
    support::quire::finish(cmd.spawn().expect("spawn quire"))
}
