//! A trusted repository's `.mcp.json` may fill a server's URL and headers
//! from the environment (`${VAR}`, as Claude Code does): the consent
//! screens name the variables, and the values reach the server only —
//! never an error, a warning, `quire mcp list`, the model or the session
//! file.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv, finish};

const SECRET: &str = "sk-secret-4c0ffee-value";

/// A listener on 127.0.0.1 that reads each request's head, keeps it, and
/// closes the connection without an answer.
fn closing_listener() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                head.push_str(&line);
                line.clear();
            }
            seen.lock().unwrap().push(head);
        }
    });
    (port, heads)
}

fn with_secret(env: &TestEnv, args: &[&str]) -> Run {
    let mut cmd = env.command(args);
    cmd.env("SECRET_VAR", SECRET);
    finish(cmd.spawn().unwrap())
}

#[test]
fn a_secret_in_a_url_is_sent_to_the_server_only_and_named_on_consent_screens() {
    let (port, heads) = closing_listener();
    let env = TestEnv::new("responses");
    let mcp = serde_json::json!({"mcpServers": {"leak": {
        "type": "http",
        "url": format!("http://127.0.0.1:{port}/mcp?k=${{SECRET_VAR}}"),
        "headers": {"Authorization": "Bearer ${SECRET_VAR}"}
    }}});
    env.write(".mcp.json", &mcp.to_string());

    // The consent screen names the variable and shows the headers.
    let trust = with_secret(&env, &["trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    assert!(
        trust.stdout.contains(&format!(
            "MCP server leak (.mcp.json): connects to http://127.0.0.1:{port}/mcp?k=${{SECRET_VAR}}, headers Authorization: Bearer ${{SECRET_VAR}} (reads $SECRET_VAR from your environment)"
        )),
        "{}",
        trust.stdout
    );
    assert!(!trust.stdout.contains(SECRET), "{}", trust.stdout);

    env.server.push(Reply::text("done"));
    let run = with_secret(&env, &["exec", "--json", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Expansion still works for a trusted repository: the server got it.
    let got = heads.lock().unwrap().join("\n");
    assert!(got.contains(&format!("/mcp?k={SECRET}")), "{got}");
    assert!(got.contains(&format!("Bearer {SECRET}")), "{got}");
    // The failure is reported, with the URL as written.
    let warned = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str())
        .any(|m| m.contains("MCP server 'leak'") && m.contains("?k=${SECRET_VAR}"));
    assert!(warned, "{}\n{}", run.stdout, run.stderr);
    assert!(
        !run.stdout.contains(SECRET),
        "--json events: {}",
        run.stdout
    );
    assert!(!run.stderr.contains(SECRET), "stderr: {}", run.stderr);
    let requests = env.server.requests();
    assert!(!requests.is_empty());
    for r in &requests {
        assert!(
            !r.raw_body.contains(SECRET),
            "model request: {}",
            r.raw_body
        );
    }
    assert!(
        requests[0].raw_body.contains("leak"),
        "the model hears of the failed server: {}",
        requests[0].raw_body
    );
    for f in env.session_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(!text.contains(SECRET), "{}: {text}", f.display());
    }

    // `quire mcp list`: the error, headers and variables, never the value.
    let list = with_secret(&env, &["mcp", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(
        list.stdout.contains("leak  failed")
            && list
                .stdout
                .contains("(reads $SECRET_VAR from your environment)")
            && list
                .stdout
                .contains("headers Authorization: Bearer ${SECRET_VAR}")
            && list
                .stdout
                .contains("last error: cannot connect to http://127.0.0.1:"),
        "{}",
        list.stdout
    );
    let json = with_secret(&env, &["mcp", "list", "--json"]);
    // rmcp and reqwest log the URL they connect to; quire's log hides it.
    let mut logged = env.command(&["mcp", "list"]);
    logged
        .env("SECRET_VAR", SECRET)
        .env("QUIRE_LOG", "debug,rmcp=debug");
    let logged = finish(logged.spawn().unwrap());
    assert!(logged.stderr.contains("${SECRET_VAR}"), "{}", logged.stderr);
    for out in [
        &list.stdout,
        &list.stderr,
        &json.stdout,
        &json.stderr,
        &logged.stderr,
    ] {
        assert!(!out.contains(SECRET), "{out}");
    }
    assert!(
        json.stdout.contains("\"env_vars\":[\"SECRET_VAR\"]"),
        "{}",
        json.stdout
    );
}

/// A config.toml server's `env` reads `${VAR}` from quire's environment
/// at each start, as a `.mcp.json` one does; an unset one keeps the
/// server from starting with a warning naming server and variable, and
/// `$VAR` without braces (sent as written) is warned about.
#[test]
fn a_config_servers_env_reads_braced_variables_and_warns_about_bare_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tok.txt");
    let bare = dir.path().join("bare.txt");
    let server = |name: &str, file: &std::path::Path, value: &str| {
        format!(
            "\n[mcp_servers.{name}]\ncommand = \"sh\"\nargs = [\"-c\", \"printf %s \\\"$TOK\\\" > '{}'\"]\nenv = {{ TOK = {value:?} }}\n",
            file.display()
        )
    };
    let env = TestEnv::with_config(
        "chat",
        &format!(
            "{}{}",
            server("envd", &out, "${QUIRE_UU8_TOK}"),
            server("bare", &bare, "$QUIRE_UU8_TOK")
        ),
    );
    env.server.push(Reply::text("done"));
    let mut cmd = env.command(&["exec", "hi"]);
    cmd.env("QUIRE_UU8_TOK", SECRET);
    let run = finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), SECRET);
    assert_eq!(std::fs::read_to_string(&bare).unwrap(), "$QUIRE_UU8_TOK");
    assert!(
        run.stderr.contains(
            "warning: mcp_servers.bare.env.TOK holds $QUIRE_UU8_TOK, which is sent as written: quire reads ${QUIRE_UU8_TOK} (with braces)"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(SECRET), "{}", run.stderr);

    std::fs::remove_file(&out).unwrap();
    env.server.push(Reply::text("done"));
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "MCP server 'envd' is not available (it could not start): mcp_servers.envd.env.TOK uses the environment variable QUIRE_UU8_TOK, which is not set"
        ),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}
