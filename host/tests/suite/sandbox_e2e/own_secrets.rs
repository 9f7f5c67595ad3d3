//! quire's own environment (its API keys) is out of reach of the
//! commands it runs in the sandbox: quire is not dumpable, and a command
//! run as root does not keep CAP_SYS_PTRACE, so `/proc/PPID/environ`
//! cannot be read (as root in CI and as another user alike).

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::{TestEnv, finish};

#[test]
fn a_sandboxed_command_cannot_read_quires_environment() {
    let env = TestEnv::new("chat");
    let secret = format!("s3cret-{}", std::process::id());
    let command = "grep Cap /proc/self/status; cat /proc/$PPID/comm; tr '\\0' '\\n' < /proc/$PPID/environ; \
                   tr '\\0' '\\n' < /proc/$PPID/task/$PPID/environ; \
                   head -c 64 /proc/$PPID/mem; echo end-of-check";
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": command})),
        Reply::text("done"),
    ]);
    let child = env
        .command(&["exec", "--json", "--approval", "never", "go"])
        .env("QUIRE_TEST_SECRET_TOKEN", &secret)
        .spawn()
        .expect("spawn quire");
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    let output = done[0]["output"].as_str().unwrap_or("").to_string();
    // The command did reach quire's own /proc folder...
    assert!(output.contains("quire"), "{output}");
    assert!(output.contains("end-of-check"), "{output}");
    // ...and got nothing of its environment.
    assert!(!output.contains(&secret), "{output}");
    assert!(!output.contains("QUIRE_TEST_API_KEY"), "{output}");
}
