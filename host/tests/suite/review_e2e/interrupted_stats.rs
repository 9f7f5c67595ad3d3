//! A `--json` review stopped by SIGTERM (`timeout`) while a deep pass
//! waits for the model: its `stats` count every pass that ran — the one
//! that finished before the signal and the one it cut — not only triage.

use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use super::repo::*;
use crate::support::model_server::Reply;

#[test]
fn an_interrupted_review_counts_the_deep_passes_that_ran() {
    let env = repo_with(&[("app.py", "a\n")]);
    env.write("app.py", "a\nAPP_MARK\n");
    env.server.push_keyed(
        TRIAGE,
        Reply::text(
            json!({"flags": [
                {"hunk": "H1", "concerns": ["correctness", "security"], "reason": "check it"}
            ]})
            .to_string(),
        ),
    );
    // The first pass (correctness) never gets its answer; the second
    // (security) answers at once.
    env.server.push_keyed("CONCERN: correctness", Reply::Hang);
    env.server.push_keyed(
        "CONCERN: security",
        findings(json!([finding("app.py", 2, "P2", "Unchecked")])),
    );
    let mut child = env.spawn(&["review", "--json"]);
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut err = Vec::new();
    let security = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("the security pass never ended:\n{}", err.join("\n")));
        err.push(line.clone());
        let Ok(event) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if event["type"] == "agent_completed" && event["agent_name"] == "review-security" {
            break event;
        }
    };
    assert_eq!(security["status"], "done", "{security}");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while requests_of(&env, "CONCERN: correctness").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "no correctness request"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let quire = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: a signal to the quire process this test started.
    unsafe { libc::kill(quire, libc::SIGTERM) };
    let mut out = child.stdout.take().expect("stdout");
    let stdout = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("quire did not stop after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    let _ = reader.join();
    err.extend(rx.try_iter());
    let err = err.join("\n");
    use std::os::unix::process::ExitStatusExt;
    let code = status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
    assert_eq!(code, 143, "{err}");
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("no JSON object on stdout ({e}): {stdout:?}"));
    assert_eq!(report["error"], "interrupted", "{report}");
    let stats = &report["stats"];
    assert_eq!(stats["deep_passes"], 2, "{report}");
    // Triage, the security pass, and the correctness request it cut.
    assert_eq!(stats["requests"], 3, "{report}\n{err}");
    let security_in = security["usage"]["input_tokens"].as_u64().unwrap_or(0);
    assert!(security_in > 0, "{security}");
    assert!(
        stats["input_tokens"].as_u64().unwrap_or(0) > security_in,
        "triage's tokens and the security pass's: {report}"
    );
}
