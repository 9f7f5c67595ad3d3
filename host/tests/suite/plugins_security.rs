//! A hostile plugin (host/tests/guests/hostile, built from source) attacks
//! the host: every attack ends in the expected tool error naming the
//! plugin and the limit, nothing outside the grants is read or written,
//! and the next call succeeds.
use crate::support::http_probe;
use crate::support::plugin_lab;

use http_probe::HttpProbe;
use plugin_lab::{Lab, arg};
use quire::plugins::{CallError, LoadedPlugin};
use serde_json::json;

async fn stopped(p: &LoadedPlugin, tool: &str, args: serde_json::Value) -> String {
    match p.call(tool, &args.to_string()).await.result {
        Err(CallError::Stopped(m)) => m,
        other => panic!("{tool} should have been stopped by the host, got {other:?}"),
    }
}

async fn failed(p: &LoadedPlugin, tool: &str, args: serde_json::Value) -> String {
    match p.call(tool, &args.to_string()).await.result {
        Err(e) => e.message(p.name()),
        Ok(text) => panic!("{tool} {args} should have failed, returned {text:?}"),
    }
}

/// The host keeps serving: a plain call works after the attack.
async fn still_serves(p: &LoadedPlugin) {
    let out = p.call("echo", r#"{"after":"attack"}"#).await;
    assert_eq!(out.result, Ok(r#"{"after":"attack"}"#.to_string()));
}

#[tokio::test]
async fn infinite_loop_is_stopped_at_the_deadline() {
    let lab = Lab::new();
    let p = lab
        .load("hostile", "looper", "[limits]\ntimeout_ms = 300")
        .await;
    let m = stopped(&p, "spin", json!({})).await;
    assert!(m.contains("plugin 'looper'"), "{m}");
    assert!(m.contains("time limit of 300 ms"), "{m}");
    assert!(m.contains("limits.timeout_ms"), "{m}");
    still_serves(&p).await;
}

#[tokio::test]
async fn memory_bomb_hits_the_memory_limit() {
    let lab = Lab::new();
    let p = lab
        .load("hostile", "bomb", "[limits]\nmemory_mb = 16")
        .await;
    let m = stopped(&p, "alloc", json!({})).await;
    assert!(m.contains("plugin 'bomb' ran out of memory"), "{m}");
    assert!(m.contains("16 MiB (limits.memory_mb"), "{m}");
    still_serves(&p).await;
}

#[tokio::test]
async fn unbounded_recursion_is_a_trap_not_a_crash() {
    let lab = Lab::new();
    let p = lab.load("hostile", "recurser", "").await;
    let m = stopped(&p, "recurse", json!({})).await;
    assert!(
        m.contains("plugin 'recurser' overflowed its call stack"),
        "{m}"
    );
    still_serves(&p).await;
    let m = stopped(&p, "recurse-frames", json!({})).await;
    assert!(m.contains("plugin 'recurser' crashed"), "{m}");
    still_serves(&p).await;
}

#[tokio::test]
async fn reads_outside_the_grant_see_nothing() {
    let lab = Lab::new();
    let secret = lab.write("secret.txt", "TOP-SECRET");
    let inside = lab.write("granted/inside.txt", "fine");
    let granted = lab.path("granted");
    std::os::unix::fs::symlink("../secret.txt", granted.join("link-file")).unwrap();
    std::os::unix::fs::symlink("..", granted.join("link-dir")).unwrap();
    std::os::unix::fs::symlink(&secret, granted.join("link-abs")).unwrap();
    let p = lab
        .load(
            "hostile",
            "reader",
            "[permissions]\nfs = [{ path = \"${workspace}/granted\", access = \"ro\" }]",
        )
        .await;
    let ok = p
        .call("read", &json!({"path": arg(&inside)}).to_string())
        .await;
    assert_eq!(ok.result, Ok("fine".to_string()));
    let escapes = [
        format!("{}/../secret.txt", arg(&granted)),
        format!("{}/link-file", arg(&granted)),
        format!("{}/link-dir/secret.txt", arg(&granted)),
        format!("{}/link-abs", arg(&granted)),
        arg(&secret),
        "/etc/passwd".to_string(),
    ];
    for path in escapes {
        let m = failed(&p, "read", json!({ "path": path })).await;
        assert!(!m.contains("TOP-SECRET"), "{path}: {m}");
        assert!(!m.contains("root:"), "{path}: {m}");
    }
    still_serves(&p).await;
}

#[tokio::test]
async fn writes_are_confined_to_read_write_grants() {
    let lab = Lab::new();
    let outside = lab.write("outside.txt", "original");
    lab.write("ro/keep.txt", "keep");
    lab.write("rw/.keep", "");
    let rw = lab.path("rw");
    std::os::unix::fs::symlink(&outside, rw.join("link-out")).unwrap();
    let p = lab
        .load(
            "hostile",
            "writer",
            "[permissions]\nfs = [{ path = \"${workspace}/ro\", access = \"ro\" }, { path = \"${workspace}/rw\", access = \"rw\" }]",
        )
        .await;
    let ro_new = lab.path("ro/new.txt");
    failed(&p, "write", json!({"path": arg(&ro_new), "text": "x"})).await;
    assert!(!ro_new.exists());
    failed(
        &p,
        "write",
        json!({"path": arg(&lab.path("ro/keep.txt")), "text": "x"}),
    )
    .await;
    assert_eq!(
        std::fs::read_to_string(lab.path("ro/keep.txt")).unwrap(),
        "keep"
    );
    failed(
        &p,
        "write",
        json!({"path": arg(&rw.join("link-out")), "text": "pwned"}),
    )
    .await;
    failed(
        &p,
        "write",
        json!({"path": format!("{}/../escaped.txt", arg(&rw)), "text": "x"}),
    )
    .await;
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "original");
    assert!(!lab.path("escaped.txt").exists());
    let ok = p
        .call(
            "write",
            &json!({"path": arg(&rw.join("new.txt")), "text": "hi"}).to_string(),
        )
        .await;
    assert_eq!(ok.result, Ok("written".to_string()));
    assert_eq!(std::fs::read_to_string(rw.join("new.txt")).unwrap(), "hi");
    still_serves(&p).await;
}

#[tokio::test]
async fn only_granted_env_variables_exist() {
    let lab = Lab::new();
    let p = lab
        .load("hostile", "envy", "[permissions]\nenv = [\"PATH\"]")
        .await;
    for name in ["HOME", "USER", "CARGO", "QUIRE_HOME"] {
        let out = p.call("env", &json!({ "name": name }).to_string()).await;
        assert_eq!(out.result, Ok("absent".to_string()), "{name}");
    }
    let path = std::env::var("PATH").unwrap();
    let out = p.call("env", &json!({"name": "PATH"}).to_string()).await;
    assert_eq!(out.result, Ok(format!("present:{path}")));
}

#[tokio::test]
async fn http_to_a_host_not_allowed_is_refused_before_connecting() {
    let server = HttpProbe::answering();
    let lab = Lab::new();
    let p = lab
        .load(
            "hostile",
            "fetcher",
            "[permissions]\nnet = [\"allowed.example\"]",
        )
        .await;
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("http://{host}:{}/leak", server.port());
        let m = failed(&p, "http", json!({ "url": url })).await;
        assert!(m.contains(&format!("host '{host}'")), "{m}");
        assert!(m.contains("permissions.net"), "{m}");
    }
    assert_eq!(server.hits(), 0, "a refused request reached the server");
    still_serves(&p).await;

    // The same request from a plugin that may reach 127.0.0.1 arrives.
    let allowed = lab
        .load("hostile", "allowed", "[permissions]\nnet = [\"127.0.0.1\"]")
        .await;
    let url = format!("http://127.0.0.1:{}/ok", server.port());
    let out = allowed
        .call("http", &json!({ "url": url }).to_string())
        .await;
    assert_eq!(out.result, Ok("200 ok".to_string()));
    assert_eq!(server.hits(), 1);

    // Raw sockets are off, whatever the allow-list says.
    let addr = format!("127.0.0.1:{}", server.port());
    failed(&allowed, "tcp", json!({ "addr": addr })).await;
    assert_eq!(server.hits(), 1, "a raw TCP connection reached the server");
}

#[tokio::test]
async fn output_floods_are_truncated_not_trapping() {
    let lab = Lab::new();
    let p = lab
        .load(
            "hostile",
            "flooder",
            "[limits]\noutput_kb = 64\ntimeout_ms = 2000",
        )
        .await;
    let out = p
        .call("flood", &json!({"bytes": 4 << 20}).to_string())
        .await;
    assert_eq!(out.result, Ok(format!("flooded {} bytes", 4 << 20)));
    assert_eq!(out.trace.stdout.text.len(), 64 * 1024);
    assert_eq!(out.trace.stdout.dropped, (4 << 20) - 64 * 1024);
    let out = p
        .call(
            "log",
            &json!({"count": 100_000, "message": "spam"}).to_string(),
        )
        .await;
    assert_eq!(out.result, Ok("logged".to_string()));
    assert!(
        out.trace.log.len() <= 64 * 1024 / 4,
        "{}",
        out.trace.log.len()
    );
    assert!(out.trace.log_dropped > 0);
    let m = stopped(&p, "flood", json!({"bytes": 0})).await;
    assert!(m.contains("time limit of 2000 ms"), "{m}");
    still_serves(&p).await;
}

#[tokio::test]
async fn a_panic_is_a_tool_error_naming_the_plugin() {
    let lab = Lab::new();
    let p = lab.load("hostile", "panicker", "").await;
    let m = stopped(&p, "panic", json!({"message": "boom"})).await;
    assert!(m.contains("plugin 'panicker' panicked: boom"), "{m}");
    still_serves(&p).await;
}

#[tokio::test]
async fn a_guest_blocked_in_a_host_call_is_stopped_at_its_deadline() {
    let lab = Lab::new();
    let p = lab
        .load("hostile", "sleeper", "[limits]\ntimeout_ms = 300")
        .await;
    let m = stopped(&p, "sleep", json!({"ms": 600_000})).await;
    assert!(
        m.contains("plugin 'sleeper' was stopped at its time limit of 300 ms"),
        "{m}"
    );
    still_serves(&p).await;

    let server = HttpProbe::hanging();
    let p = lab
        .load(
            "hostile",
            "waiter",
            "[permissions]\nnet = [\"127.0.0.1\"]\n[limits]\ntimeout_ms = 300",
        )
        .await;
    let url = format!("http://127.0.0.1:{}/never", server.port());
    let m = stopped(&p, "http", json!({ "url": url })).await;
    assert!(
        m.contains("plugin 'waiter' was stopped at its time limit"),
        "{m}"
    );
    still_serves(&p).await;
}

/// On one thread, a plugin spinning until its deadline does not keep
/// another plugin's call from finishing: the guest yields on every epoch.
#[tokio::test(flavor = "current_thread")]
async fn a_stuck_plugin_does_not_block_other_plugins() {
    let lab = Lab::new();
    let stuck = lab
        .load("hostile", "stuck", "[limits]\ntimeout_ms = 1000")
        .await;
    let other = lab.load("hostile", "other", "").await;
    let spin = stuck.call("spin", "{}");
    let echo = async {
        tokio::task::yield_now().await;
        other.call("echo", "{}").await
    };
    let (spun, echoed) = tokio::join!(spin, echo);
    assert_eq!(echoed.result, Ok("{}".to_string()));
    assert!(matches!(spun.result, Err(CallError::Stopped(_))));
}
