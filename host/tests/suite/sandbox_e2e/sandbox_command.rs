//! `quire sandbox -- COMMAND`: a command run in the sandbox the model's
//! commands get — writes in the workspace allowed, elsewhere denied,
//! nothing at all under `-s read-only`, the same environment (keys left
//! out), the network off unless `--network`, and the command's exit
//! status (a signal as 128 + N, 127 for a missing program).

use std::net::TcpListener;

use super::support::outside::outside_dir;
use super::support::quire::TestEnv;

fn sh(env: &TestEnv, flags: &[&str], script: &str) -> super::support::quire::Run {
    let mut args = vec!["sandbox"];
    args.extend_from_slice(flags);
    args.extend_from_slice(&["--", "sh", "-c", script]);
    env.run(&args)
}

#[test]
fn writes_follow_the_sandbox_mode() {
    let env = TestEnv::new("responses");
    let outside = outside_dir();
    let target = outside.path().join("leak.txt");
    let run = sh(
        &env,
        &[],
        &format!("echo in > inside.txt; echo out > {}", target.display()),
    );
    assert_ne!(run.code, 0, "the write outside should fail: {run:?}");
    assert!(run.stderr.contains("Permission denied"), "{}", run.stderr);
    assert_eq!(env.read("inside.txt"), "in\n", "the workspace is writable");
    assert!(!target.exists(), "wrote outside the workspace");

    let run = sh(&env, &["-s", "read-only"], "echo again > second.txt");
    assert_ne!(run.code, 0, "{run:?}");
    assert!(!env.repo_path().join("second.txt").exists());
    assert!(run.stderr.contains("Permission denied"), "{}", run.stderr);
}

#[test]
fn the_environment_is_the_model_commands_one() {
    let env = TestEnv::new("responses");
    let out = env
        .command(&["sandbox", "--", "env"])
        .env("GITHUB_TOKEN", "ghp-secret")
        .env("QUIRE_SANDBOX_PROBE", "kept")
        .output()
        .expect("run quire sandbox");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout.contains("QUIRE_SANDBOX_PROBE=kept"), "{stdout}");
    assert!(
        !stdout.contains("ghp-secret"),
        "a token reached the command"
    );
    assert!(
        !stdout.contains("QUIRE_TEST_API_KEY"),
        "the provider's key reached the command"
    );
}

#[test]
fn the_network_is_off_unless_asked_for() {
    let env = TestEnv::new("responses");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let connect = format!(
        "import socket; socket.create_connection(('127.0.0.1', {port})); print('connected')"
    );
    let off = env.run(&["sandbox", "--", "python3", "-c", &connect]);
    assert_ne!(off.code, 0, "{off:?}");
    assert!(!off.stdout.contains("connected"), "{off:?}");
    let on = env.run(&["sandbox", "--network", "--", "python3", "-c", &connect]);
    assert_eq!(on.code, 0, "{on:?}");
    assert!(on.stdout.contains("connected"), "{on:?}");
}

#[test]
fn the_exit_status_is_the_commands() {
    let env = TestEnv::new("responses");
    assert_eq!(sh(&env, &[], "exit 7").code, 7);
    assert_eq!(sh(&env, &[], "kill -TERM $$").code, 128 + 15);
    let missing = env.run(&["sandbox", "--", "no-such-program-here"]);
    assert_eq!(missing.code, 127, "{missing:?}");
    assert!(
        missing
            .stderr
            .contains("no-such-program-here: command not found"),
        "{}",
        missing.stderr
    );
    let none = env.run(&["sandbox"]);
    assert_eq!(none.code, 2, "{none:?}");
}

/// A Unix socket outside the workspace (as `docker.sock` is) is out of
/// reach, the network on or off, unless `unix_sockets = true`.
#[test]
fn unix_sockets_are_refused_unless_allowed() {
    let env = TestEnv::new("responses");
    let dir = outside_dir();
    let path = dir.path().join("daemon.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let socket = path.to_str().expect("a UTF-8 path");
    let connect = "import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1]); print('connected')";
    let python = ["--", "python3", "-c", connect, socket];
    for flags in [&["sandbox"][..], &["sandbox", "--network"]] {
        let off = env.run(&[flags, &python].concat());
        assert_ne!(off.code, 0, "{flags:?}: {off:?}");
        assert!(off.stderr.contains("Permission denied"), "{off:?}");
        assert!(
            listener.accept().is_err(),
            "{flags:?}: a connection arrived"
        );
    }
    let on = env.run(&[&["sandbox", "-c", "unix_sockets=true"][..], &python].concat());
    assert_eq!(on.code, 0, "{on:?}");
    assert!(on.stdout.contains("connected"), "{on:?}");
    assert!(listener.accept().is_ok(), "no connection arrived");
}
