//! Signing in to a streamable-HTTP server that needs OAuth: `quire mcp
//! login NAME` against tests/oauth_mcp_server.py (authorization server and
//! MCP resource in one), with a browser stand-in that follows the
//! redirect, then `quire exec` using the server's tool.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use serde_json::{Value, json};

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv, finish};

/// The Python server, killed when dropped.
struct OAuthServer {
    child: Child,
    base: String,
}

impl OAuthServer {
    fn start() -> OAuthServer {
        OAuthServer::misbehaving("")
    }

    /// With `QUIRE_TEST_OAUTH_MODE=mode` (see the script).
    fn misbehaving(mode: &str) -> OAuthServer {
        OAuthServer::with_env(&[("QUIRE_TEST_OAUTH_MODE", mode)])
    }

    /// With these environment variables (see the script).
    fn with_env(vars: &[(&str, &str)]) -> OAuthServer {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oauth_mcp_server.py");
        let mut python = Command::new("python3");
        python.arg(script).envs(vars.iter().copied());
        let (child, base) = super::web_py::spawn(python);
        OAuthServer { child, base }
    }

    fn url(&self) -> String {
        format!("{}/mcp", self.base)
    }

    /// What it saw: grants, and the Authorization headers of /mcp.
    fn log(&self) -> Vec<Value> {
        let url = format!("{}/admin/log", self.base);
        let out = Command::new("python3")
            .args(["-c", "import sys,urllib.request;print(urllib.request.urlopen(sys.argv[1]).read().decode())", &url])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn grants(&self, grant: &str) -> usize {
        self.log()
            .iter()
            .filter(|e| e["kind"] == "token" && e["grant"] == grant && e["ok"] == true)
            .count()
    }

    /// Every access token becomes invalid.
    fn revoke(&self) {
        let url = format!("{}/admin/revoke", self.base);
        let ok = Command::new("python3")
            .args([
                "-c",
                "import sys,urllib.request;urllib.request.urlopen(sys.argv[1], data=b'')",
                &url,
            ])
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

impl Drop for OAuthServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser stand-in: GETs the URL it is given and follows the redirect
/// to quire's callback; `QUIRE_TEST_TAMPER=state` changes the state on the
/// way back, `=challenge` the PKCE challenge on the way out. Each URL it is
/// given is appended to `opened.txt` next to it.
const BROWSER: &str = r#"#!/usr/bin/env python3
import os, sys, urllib.error, urllib.parse, urllib.request
tamper = os.environ.get("QUIRE_TEST_TAMPER", "")
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "opened.txt"), "a") as f:
    f.write(sys.argv[1] + "\n")
def swap(url, key):
    parts = urllib.parse.urlsplit(url)
    q = [(k, "A" * 43 if k == key else v) for k, v in urllib.parse.parse_qsl(parts.query)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q)))
class Stop(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
url = sys.argv[1]
if tamper == "challenge":
    url = swap(url, "code_challenge")
try:
    urllib.request.build_opener(Stop).open(url)
    sys.exit("no redirect")
except urllib.error.HTTPError as e:
    back = e.headers["Location"]
if tamper == "state":
    back = swap(back, "state")
try:
    urllib.request.urlopen(back).read()
except urllib.error.HTTPError:
    pass
"#;

fn browser(dir: &Path) -> PathBuf {
    let path = dir.join("browser.py");
    std::fs::write(&path, BROWSER).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `quire mcp login NAME` with the browser stand-in.
fn login(env: &TestEnv, name: &str, tamper: &str) -> Run {
    let script = browser(env.home.path());
    let mut cmd = env.command(&["mcp", "login", name]);
    cmd.env("BROWSER", &script).env("QUIRE_TEST_TAMPER", tamper);
    finish(cmd.spawn().unwrap())
}

fn token_files(env: &TestEnv) -> Vec<PathBuf> {
    std::fs::read_dir(env.home.path().join("mcp-oauth"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// The only token file, parsed.
fn tokens(env: &TestEnv) -> (PathBuf, Value) {
    let files = token_files(env);
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    (files[0].clone(), serde_json::from_str(&text).unwrap())
}

fn config(url: &str) -> String {
    format!("[mcp_servers.notes]\nurl = {url:?}\n")
}

/// `quire exec` whose model calls the server's tool; the call's output.
fn call_whoami(env: &TestEnv) -> (Run, String) {
    env.server.push_all([
        Reply::tool_call("c1", "mcp__notes__whoami", json!({})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("who am I?", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run
        .of_type("tool_completed")
        .first()
        .map(|e| e["output"].as_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    (run, out)
}

/// A session runs, with "notes" unavailable and the command that signs
/// in named.
fn assert_needs_login(env: &TestEnv) {
    env.server.push(Reply::text("no tools"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("'notes'") && w.contains("run `quire mcp login notes`")),
        "{}",
        run.stdout
    );
}

#[test]
fn signing_in_lets_a_session_use_the_server_and_logout_signs_out() {
    let server = OAuthServer::start();
    let env = TestEnv::with_config("responses", &config(&server.url()));

    // Not signed in: the server is unavailable, with the command to run.
    assert_needs_login(&env);

    let done = login(&env, "notes", "");
    assert_eq!(done.code, 0, "{}\n{}", done.stdout, done.stderr);
    assert!(done.stdout.contains("/authorize?"), "{}", done.stdout);
    assert!(
        done.stdout.contains("signed in to 'notes'"),
        "{}",
        done.stdout
    );
    let (file, stored) = tokens(&env);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().unwrap()), 0o700);
    assert_eq!(stored["server"], server.url());
    let access = stored["access_token"].as_str().unwrap().to_string();
    let refresh = stored["refresh_token"].as_str().unwrap().to_string();
    assert!(!done.stdout.contains(&access) && !done.stderr.contains(&access));
    // Registered as "quire", asked for the resource and the scope the
    // server's challenge named.
    let log = server.log();
    assert!(
        log.iter()
            .any(|e| e["kind"] == "register" && e["client_name"] == "quire")
    );
    assert!(log.iter().any(|e| e["kind"] == "authorize"
        && e["ok"] == true
        && e["scope"] == "tools"
        && e["resource"] == server.url()));

    let (run, out) = call_whoami(&env);
    assert_eq!(out, "signed in as tester", "{}", run.stdout);
    // The tokens never reach the output or the session.
    let session: String = env
        .session_files()
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    for secret in [&access, &refresh] {
        assert!(!run.stdout.contains(secret.as_str()), "{}", run.stdout);
        assert!(!run.stderr.contains(secret.as_str()), "{}", run.stderr);
        assert!(!session.contains(secret.as_str()));
    }

    let list = env.run(&["mcp", "list"]);
    assert!(list.stdout.contains("notes  ready"), "{}", list.stdout);
    assert!(list.stdout.contains("signed in"), "{}", list.stdout);

    let out = env.run(&["mcp", "logout", "notes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(token_files(&env).is_empty());
    let list = env.run(&["mcp", "list"]);
    assert!(list.stdout.contains("notes  failed"), "{}", list.stdout);
    assert!(
        list.stdout.contains("run `quire mcp login notes`"),
        "{}",
        list.stdout
    );
    let doctor = env.run(&["doctor"]);
    assert!(
        doctor
            .stdout
            .contains("fix: sign in: `quire mcp login notes`"),
        "{}",
        doctor.stdout
    );
}

#[test]
fn an_expired_or_refused_token_is_renewed_and_stored() {
    let server = OAuthServer::start();
    let env = TestEnv::with_config("responses", &config(&server.url()));
    let done = login(&env, "notes", "");
    assert_eq!(done.code, 0, "{}", done.stderr);

    // Expired by the clock: renewed before connecting.
    let (file, mut stored) = tokens(&env);
    let first = stored["access_token"].clone();
    stored["expires_at"] = json!(1);
    std::fs::write(&file, stored.to_string()).unwrap();
    let (run, out) = call_whoami(&env);
    assert_eq!(out, "signed in as tester", "{}", run.stdout);
    assert_eq!(server.grants("refresh_token"), 1);
    let (_, renewed) = tokens(&env);
    assert_ne!(renewed["access_token"], first);
    assert!(renewed["expires_at"].as_u64().unwrap() > 1);

    // Refused by the server (revoked): renewed once on the 401.
    server.revoke();
    let (run, out) = call_whoami(&env);
    assert_eq!(out, "signed in as tester", "{}", run.stdout);
    assert_eq!(server.grants("refresh_token"), 2);
    let (_, again) = tokens(&env);
    assert_ne!(again["access_token"], renewed["access_token"]);

    // Refused during a session (revoked between two calls): the token is
    // renewed on the 401 and that call sent again, so it goes on; the
    // server is not taken for stopped (tester's finding: the call failed,
    // "stopped … can be tried again", and a restart was spent).
    let revoke = format!(
        "python3 -c \"import urllib.request; urllib.request.urlopen('{}/admin/revoke', data=b'')\"",
        server.base
    );
    env.server.push_all([
        Reply::tool_call("c1", "mcp__notes__whoami", json!({})),
        Reply::tool_call("c2", "shell", json!({ "command": revoke })),
        Reply::tool_call("c3", "mcp__notes__whoami", json!({})),
        Reply::tool_call("c4", "mcp__notes__whoami", json!({})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("who am I?", &["--dangerously-bypass-approvals-and-sandbox"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outputs: Vec<String> = run
        .of_type("tool_completed")
        .iter()
        .map(|e| e["output"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(outputs.len(), 4, "{}", run.stdout);
    assert_eq!(outputs[0], "signed in as tester");
    assert_eq!(outputs[2], "signed in as tester", "{}", run.stdout);
    assert_eq!(outputs[3], "signed in as tester", "{}", run.stdout);
    assert_eq!(server.grants("refresh_token"), 3);
    let warnings: Vec<&str> = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str())
        .collect();
    assert!(
        !warnings.iter().any(|w| w.contains("MCP server 'notes'")),
        "{warnings:?}"
    );
}

/// Tester's finding: an authorization server that cannot be reached was
/// reported as having "no authorization server metadata".
#[test]
fn an_unreachable_authorization_server_is_named_as_unreachable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let server = OAuthServer::with_env(&[("QUIRE_TEST_OAUTH_AS", &issuer)]);
    let env = TestEnv::with_config("responses", &config(&server.url()));
    let done = login(&env, "notes", "");
    assert_ne!(done.code, 0, "{}", done.stdout);
    assert!(
        done.stderr.contains(&format!(
            "could not reach its authorization server {issuer}/"
        )) && done.stderr.contains("refused"),
        "{}",
        done.stderr
    );
    assert!(
        !done.stderr.contains("no authorization server metadata"),
        "{}",
        done.stderr
    );
}

#[test]
fn a_callback_with_another_state_or_a_wrong_verifier_is_refused() {
    let server = OAuthServer::start();
    let env = TestEnv::with_config("responses", &config(&server.url()));

    let run = login(&env, "notes", "state");
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stderr.contains("state does not match"),
        "{}",
        run.stderr
    );
    assert!(token_files(&env).is_empty());
    assert_eq!(server.grants("authorization_code"), 0);

    // The code was issued for another challenge: the server refuses
    // quire's verifier, and nothing is stored.
    let run = login(&env, "notes", "challenge");
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(run.stderr.contains("invalid_grant"), "{}", run.stderr);
    assert!(token_files(&env).is_empty());
}

#[test]
fn a_repository_server_of_the_same_name_at_another_url_gets_no_token() {
    let mine = OAuthServer::start();
    let theirs = OAuthServer::start();
    let env = TestEnv::with_config("responses", &config(&mine.url()));
    let done = login(&env, "notes", "");
    assert_eq!(done.code, 0, "{}", done.stderr);

    // The user's table goes; the repository names its own "notes".
    let path = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace(&config(&mine.url()), "")).unwrap();
    let mcp = json!({"mcpServers": {"notes": {"type": "http", "url": theirs.url()}}});
    env.write(".mcp.json", &mcp.to_string());
    let trust = env.run(&["trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);

    assert_needs_login(&env);
    let asked = theirs.log();
    assert!(asked.iter().any(|e| e["kind"] == "mcp"), "{asked:?}");
    assert!(
        asked
            .iter()
            .all(|e| e["kind"] != "mcp" || e["authorization"].is_null()),
        "{asked:?}"
    );
}

#[test]
fn endpoints_other_than_https_or_loopback_http_are_refused_before_the_browser() {
    for (mode, what, bad) in [
        ("file", "authorization endpoint", "file:///etc/passwd"),
        ("js", "authorization endpoint", "javascript:alert"),
        ("plainhttp", "token endpoint", "http://auth.example/token"),
    ] {
        let server = OAuthServer::misbehaving(mode);
        let env = TestEnv::with_config("responses", &config(&server.url()));
        let run = login(&env, "notes", "");
        assert_ne!(run.code, 0, "{mode}: {}", run.stdout);
        // The error names the endpoint, the server, and what is allowed.
        assert!(
            run.stderr.contains(&format!("its {what} '{bad}"))
                && run.stderr.contains(&server.url())
                && run.stderr.contains("https"),
            "{mode}: {}",
            run.stderr
        );
        assert!(
            !env.home.path().join("opened.txt").exists(),
            "{mode}: the browser was started"
        );
        assert!(!run.stdout.contains(bad), "{mode}: {}", run.stdout);
        assert!(token_files(&env).is_empty());
    }
}

#[test]
fn an_oversized_token_answer_or_token_is_refused_and_nothing_stored() {
    for (mode, says) in [
        ("huge", "token answer is larger than 1024 KiB"),
        ("long", "access token is 19 KiB"),
    ] {
        let server = OAuthServer::misbehaving(mode);
        let env = TestEnv::with_config("responses", &config(&server.url()));
        let run = login(&env, "notes", "");
        assert_ne!(run.code, 0, "{mode}: {}", run.stdout);
        assert!(run.stderr.contains(says), "{mode}: {}", run.stderr);
        assert!(token_files(&env).is_empty(), "{mode}");
    }
}
