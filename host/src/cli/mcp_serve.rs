//! `quire mcp serve [--http ADDR] [--builtin]`: quire's tools and skills
//! to any MCP client. In stdio mode stdout carries only protocol messages;
//! everything else goes to stderr.

use quire::mcp::serve::{
    QuireServer, ToolSource, bind_http, builtin_tools, plugin_tools, serve_http, serve_stdio,
    skill_catalog, tool_context,
};
use tokio_util::sync::CancellationToken;

use super::setup::Setup;
use super::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE};

pub async fn run(setup: &Setup, http: Option<&str>, builtin: bool) -> i32 {
    let ctx = match tool_context(&setup.config, &setup.cwd) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let sandbox = ctx.sandbox;
    let network = ctx.network;
    let mut tools = ToolSource::new(ctx);
    tools.add(plugin_tools(&setup.config, &setup.home, &setup.cwd));
    if builtin {
        tools.add(builtin_tools(&setup.config));
    }
    let skills = skill_catalog(&setup.config, &setup.home, &setup.cwd);
    let listener = match http {
        Some(addr) => match bind_http(addr).await {
            Ok(l) => Some(l),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let tool_names = if tools.is_empty() {
        "none (--builtin adds quire's builtin tools)".to_string()
    } else {
        tools.names().join(", ")
    };
    eprintln!(
        "quire mcp serve ({}): tools: {tool_names}; {}; sandbox {sandbox}, network {}",
        if listener.is_some() {
            "streamable HTTP"
        } else {
            "stdio"
        },
        quire::plural::counted(skills.names().len(), "skill"),
        if network { "on" } else { "off" },
    );
    if let Some(l) = &listener {
        match l.local_addr() {
            Ok(a) => eprintln!("listening on http://{a}/mcp"),
            Err(e) => eprintln!("warning: cannot tell the address listened on: {e}"),
        }
    }
    let server = QuireServer::new(tools, skills);
    let shutdown = CancellationToken::new();
    let signalled = CancellationToken::new();
    let watcher = tokio::spawn(stop_on_signal(shutdown.clone(), signalled.clone()));
    let result = match listener {
        Some(l) => serve_http(server, l, shutdown.clone()).await,
        None => serve_stdio(server, shutdown.clone()).await,
    };
    watcher.abort();
    match result {
        Ok(()) if signalled.is_cancelled() => EXIT_INTERRUPTED,
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

/// Cancels `shutdown` on Ctrl-C, SIGTERM or SIGHUP, so that running tool
/// commands are stopped rather than left behind.
async fn stop_on_signal(shutdown: CancellationToken, signalled: CancellationToken) {
    use tokio::signal::unix::SignalKind;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = unix_signal(SignalKind::terminate()) => {}
        _ = unix_signal(SignalKind::hangup()) => {}
    }
    signalled.cancel();
    shutdown.cancel();
}

/// Resolves when `kind` arrives (never, when it cannot be watched).
async fn unix_signal(kind: tokio::signal::unix::SignalKind) {
    match tokio::signal::unix::signal(kind) {
        Ok(mut s) => {
            s.recv().await;
        }
        Err(_) => std::future::pending::<()>().await,
    }
}
