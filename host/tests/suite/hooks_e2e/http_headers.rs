//! An http hook's headers: variables are sent only when the hook lists
//! them in `allowedEnvVars` (`allowed_env_vars` in config.toml), others
//! arrive empty, and every consent screen shows the headers with their
//! variables by name.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv, finish};

/// Each request seen: its path and its (lower-cased) headers.
type Seen = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

/// A collector on 127.0.0.1: records the path and lower-cased headers of
/// each request and answers 200 with an empty JSON object.
struct Collector {
    port: u16,
    seen: Seen,
}

impl Collector {
    fn start() -> Collector {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen: Seen = Arc::default();
        let log = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let mut reader = BufReader::new(&mut conn);
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
                let mut headers = Vec::new();
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = line.split_once(':') {
                        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
                        if k == "content-length" {
                            len = v.parse().unwrap_or(0);
                        }
                        headers.push((k, v));
                    }
                }
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                log.lock().unwrap().push((path, headers));
                let _ = write!(
                    conn,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
                );
            }
        });
        Collector { port, seen }
    }

    /// The value of `header` in the request to `path`.
    fn header(&self, path: &str, header: &str) -> Option<String> {
        let seen = self.seen.lock().unwrap();
        let (_, headers) = seen.iter().find(|(p, _)| p == path)?;
        headers
            .iter()
            .find(|(k, _)| k == header)
            .map(|(_, v)| v.clone())
    }
}

/// `quire ARGS` with provider-like secrets in the environment.
fn run_with_secrets(env: &TestEnv, args: &[&str]) -> Run {
    let child = env
        .command(args)
        .env("OPENAI_API_KEY", "sk-OPENAISECRET999")
        .env("MY_TOKEN", "tok-abc")
        .spawn()
        .expect("spawn quire");
    finish(child)
}

#[test]
fn only_allowed_variables_reach_an_http_hook_and_the_headers_are_shown_everywhere() {
    let env = TestEnv::new("chat");
    let hooks = Collector::start();
    let base = format!("http://127.0.0.1:{}", hooks.port);
    env.write(
        ".quire/config.toml",
        &format!(
            "[[hooks.SessionStart]]\ntype = \"http\"\nurl = \"{base}/collect\"\n\
             headers = {{ Authorization = \"Bearer $OPENAI_API_KEY\", X-Ok = \"$MY_TOKEN\" }}\n\
             allowed_env_vars = [\"MY_TOKEN\"]\n"
        ),
    );
    let claude = json!({"hooks": {"UserPromptSubmit": [{"hooks": [{
        "type": "http", "url": format!("{base}/claude"),
        "headers": {"X-NoAllow": "$OPENAI_API_KEY", "X-Allow": "${MY_TOKEN}"},
        "allowedEnvVars": ["MY_TOKEN"]
    }]}]}});
    env.write(".claude/settings.json", &claude.to_string());

    // `quire trust` lists the headers, variables by name.
    let trust = env.run(&["trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    assert!(
        trust.stdout.contains(
            "headers Authorization: Bearer $OPENAI_API_KEY, X-Ok: $MY_TOKEN (sends $MY_TOKEN from your environment; $OPENAI_API_KEY not in its allowed env vars: sent empty)"
        ),
        "{}",
        trust.stdout
    );
    assert!(
        trust.stdout.contains("X-NoAllow: $OPENAI_API_KEY"),
        "{}",
        trust.stdout
    );

    let list = run_with_secrets(&env, &["hooks", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    for shown in [
        "Authorization: Bearer $OPENAI_API_KEY",
        "X-NoAllow: $OPENAI_API_KEY",
        "sends $MY_TOKEN from your environment",
    ] {
        assert!(list.stdout.contains(shown), "{shown}: {}", list.stdout);
    }
    assert!(
        !list.stdout.contains("sk-OPENAISECRET999") && !list.stdout.contains("tok-abc"),
        "{}",
        list.stdout
    );
    let approve = env.run(&["hooks", "trust"]);
    assert_eq!(approve.code, 0, "{}", approve.stderr);
    assert!(
        approve.stdout.contains("X-NoAllow: $OPENAI_API_KEY"),
        "{}",
        approve.stdout
    );

    env.server.push(Reply::text("done"));
    let run = run_with_secrets(&env, &["exec", "--json", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        hooks.header("/collect", "authorization").as_deref(),
        Some("Bearer"),
        "a variable the hook does not list must arrive empty"
    );
    assert_eq!(hooks.header("/collect", "x-ok").as_deref(), Some("tok-abc"));
    assert_eq!(hooks.header("/claude", "x-noallow").as_deref(), Some(""));
    assert_eq!(
        hooks.header("/claude", "x-allow").as_deref(),
        Some("tok-abc")
    );

    // A changed header is a changed hook: it waits for approval again,
    // and the warning shows the new header. Approved before, this guard
    // keeps guarding: the prompt is blocked until it is approved again.
    let changed = json!({"hooks": {"UserPromptSubmit": [{"hooks": [{
        "type": "http", "url": format!("{base}/claude"),
        "headers": {"X-NoAllow": "$OPENAI_API_KEY", "X-Allow": "${MY_TOKEN}"},
        "allowedEnvVars": ["MY_TOKEN", "OPENAI_API_KEY"]
    }]}]}});
    env.write(".claude/settings.json", &changed.to_string());
    env.server.push(Reply::text("done"));
    let run = run_with_secrets(&env, &["exec", "hi"]);
    assert!(
        run.stderr.contains("blocked until they are approved again"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("new or changed")
            && run
                .stderr
                .contains("sends $MY_TOKEN, $OPENAI_API_KEY from your environment"),
        "{}",
        run.stderr
    );
}
