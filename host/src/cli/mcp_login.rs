//! `quire mcp login NAME` and `quire mcp logout NAME`: signing in to a
//! streamable-HTTP MCP server in the browser (quire::mcp::oauth) and
//! signing out.

use std::time::Duration;

use quire::mcp::oauth::{self, LoginSettings};
use quire::mcp::{ServerSpec, Source, Transport};

use super::setup::Setup;
use super::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE};

/// How long the login waits for the browser.
const WAIT: Duration = Duration::from_secs(300);

/// The server `name` among the configured ones, or the error to print.
fn find(setup: &Setup, name: &str) -> Result<ServerSpec, i32> {
    let all = super::mcp::specs(setup)?;
    let known: Vec<String> = all.iter().map(|s| s.name.clone()).collect();
    all.into_iter().find(|s| s.name == name).ok_or_else(|| {
        eprintln!(
            "error: no MCP server '{name}'; configured: {} (`quire mcp list` shows them)",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
        EXIT_USAGE
    })
}

/// The URL of an HTTP server, or the error to print.
fn url_of(spec: &ServerSpec) -> Result<String, i32> {
    match spec.resolved_transport() {
        Ok(Transport::Http { url, .. }) => Ok(url),
        Ok(Transport::Stdio { .. }) => {
            eprintln!(
                "error: '{}' is a stdio server (command); signing in is for servers reached by url",
                spec.name
            );
            Err(EXIT_USAGE)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(EXIT_USAGE)
        }
    }
}

/// Opens `url` in the user's browser: `$BROWSER` (its first entry;
/// `%s` stands for the URL), else xdg-open or open. Whether one started.
fn open_browser(url: &str) -> bool {
    let browser = std::env::var("BROWSER").ok().and_then(|b| {
        let first = b.split(':').next()?.trim().to_string();
        (!first.is_empty()).then_some(first)
    });
    let (program, args): (String, Vec<String>) = match &browser {
        Some(b) => {
            let mut words = b.split_whitespace().map(str::to_string);
            let Some(program) = words.next() else {
                return false;
            };
            let mut args: Vec<String> = words.collect();
            if args.iter().any(|a| a.contains("%s")) {
                args = args.iter().map(|a| a.replace("%s", url)).collect();
            } else {
                args.push(url.to_string());
            }
            (program, args)
        }
        None if cfg!(target_os = "macos") => ("open".into(), vec![url.to_string()]),
        None => ("xdg-open".into(), vec![url.to_string()]),
    };
    let spawned = tokio::process::Command::new(&program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            // Reaped whenever it ends; the login does not wait for it.
            tokio::spawn(async move {
                let _ = child.wait().await;
            });
            true
        }
        Err(e) => {
            tracing::debug!("cannot start the browser {program}: {e}");
            false
        }
    }
}

pub async fn login(setup: &Setup, name: &str) -> i32 {
    let spec = match find(setup, name) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let url = match url_of(&spec) {
        Ok(u) => u,
        Err(code) => return code,
    };
    // A table of config.toml may name a client and scopes; .mcp.json not.
    let table = (spec.source == Source::Config)
        .then(|| setup.config.mcp_servers.0.get(name))
        .flatten();
    let settings = LoginSettings {
        client_id: table.and_then(|t| t.oauth_client_id.clone()),
        scopes: table.map(|t| t.scopes.clone()).unwrap_or_default(),
        callback_port: setup.config.mcp.oauth_callback_port.unwrap_or(0),
    };
    let shown = quire::printable::quoted_name(&spec.describe()).into_owned();
    let pending = tokio::select! {
        r = oauth::begin(&url, &settings) => r,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("sign-in cancelled");
            return EXIT_INTERRUPTED;
        }
    };
    let pending = match pending {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot sign in to '{name}' ({shown}): {e}");
            return EXIT_FAILED;
        }
    };
    let opened = open_browser(pending.url());
    println!(
        "{} sign in to '{name}':\n\n  {}\n\nWaiting for the browser (Ctrl-C cancels)…",
        if opened {
            "A browser was opened; if it is not on this machine, open this URL to"
        } else {
            "Open this URL in a browser to"
        },
        pending.url()
    );
    let home = setup.home.clone();
    let done = tokio::select! {
        r = tokio::time::timeout(WAIT, pending.finish(&home)) => r,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("sign-in cancelled; nothing was stored");
            return EXIT_INTERRUPTED;
        }
    };
    match done {
        Ok(Ok(())) => {
            println!(
                "signed in to '{name}'; the token is in {}",
                oauth::store::folder(&home).display()
            );
            EXIT_OK
        }
        Ok(Err(e)) => {
            eprintln!("error: cannot sign in to '{name}': {e}");
            EXIT_FAILED
        }
        Err(_) => {
            eprintln!(
                "error: no answer from the browser within {} minutes; run `quire mcp login {name}` again",
                WAIT.as_secs() / 60
            );
            EXIT_FAILED
        }
    }
}

pub fn logout(setup: &Setup, name: &str) -> i32 {
    // A URL signs out of a server no longer configured.
    let url = if oauth::server_key(name).is_some() {
        name.to_string()
    } else {
        match find(setup, name).and_then(|s| url_of(&s)) {
            Ok(u) => u,
            Err(code) => return code,
        }
    };
    match oauth::logout(&setup.home, &url) {
        Ok(true) => {
            println!("signed out of '{name}'");
            EXIT_OK
        }
        Ok(false) => {
            println!("'{name}' was not signed in");
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}
