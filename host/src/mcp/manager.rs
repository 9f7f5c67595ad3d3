//! Starts every server concurrently in the background, supervises each
//! (refresh on `tools/list_changed`, restart with backoff, fail after too
//! many restarts) and queues the tool changes the session picks up between
//! model round trips. Dropping the manager stops every server process.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::cache::ToolCache;
use super::client::{self, Connection, Notice};
use super::naming::NameTable;
use super::process;
use super::resources::ResourcesTool;
use super::server::{Link, Server, Status};
use super::spec::ServerSpec;
use super::tool::McpTool;
use super::tool_fit;
use crate::protocol::{Event, EventSink};
use crate::tools::ToolChange;
use crate::tools::ToolSpec;

/// How long stopping servers may take before they are killed.
const STOP_GRACE: Duration = Duration::from_millis(250);

pub(crate) struct Shared {
    pub servers: Vec<Arc<Server>>,
    names: Mutex<NameTable>,
    pending: Mutex<Vec<ToolChange>>,
    /// Per server: the exposed names and specs handed to the session.
    published: Mutex<BTreeMap<String, Vec<ToolSpec>>>,
    resources_published: AtomicBool,
    pub shutdown: CancellationToken,
    events: EventSink,
    cache: Option<ToolCache>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

impl Shared {
    /// Queues the difference between what the session has of `server`'s
    /// tools and what the server offers now.
    fn publish(&self, server: &Arc<Server>) {
        let tools = server.inner().tools.clone();
        let mut new_tools = Vec::with_capacity(tools.len());
        {
            let mut names = lock(&self.names);
            for t in tools {
                let exposed = names.assign(server.name(), &t.name);
                new_tools.push(McpTool::new(server.clone(), &t, exposed));
            }
        }
        let mut changes = Vec::new();
        let mut published = lock(&self.published);
        let old = published.remove(server.name()).unwrap_or_default();
        for spec in &old {
            if !new_tools.iter().any(|t| t.spec_ref() == spec) {
                changes.push(ToolChange::Removed(spec.name.clone()));
            }
        }
        let mut now = Vec::with_capacity(new_tools.len());
        for t in new_tools {
            now.push(t.spec_ref().clone());
            if !old.contains(t.spec_ref()) {
                changes.push(ToolChange::Added(Arc::new(t)));
            }
        }
        published.insert(server.name().to_string(), now);
        drop(published);
        if server.has_resources() && !self.resources_published.swap(true, Ordering::SeqCst) {
            changes.push(ToolChange::Added(Arc::new(ResourcesTool::new(
                self.servers.clone(),
            ))));
        }
        lock(&self.pending).extend(changes);
    }

    /// Takes `server`'s tools away from the session.
    fn unpublish(&self, server: &Server) {
        let old = lock(&self.published)
            .remove(server.name())
            .unwrap_or_default();
        lock(&self.pending).extend(old.into_iter().map(|s| ToolChange::Removed(s.name)));
    }

    pub fn take_changes(&self) -> Vec<ToolChange> {
        std::mem::take(&mut *lock(&self.pending))
    }

    /// Keeps `server`'s current tool list (and its instructions) in the
    /// cache.
    fn remember(&self, server: &Server) {
        if let Some(cache) = &self.cache {
            // One lock at a time: a guard inside the struct literal would
            // live to the end of the statement.
            let tools = server.inner().listed.clone();
            let cached = super::cache::Cached {
                tools,
                resources: server.has_resources(),
                instructions: server.instructions(),
            };
            cache.save(&server.spec, cached);
        }
    }

    fn warn(&self, message: String) {
        tracing::warn!("{message}");
        self.events.send(Event::Warning { message });
    }
}

/// The MCP servers of a session (or of `quire mcp list`).
pub struct McpManager {
    pub(crate) shared: Arc<Shared>,
}

impl McpManager {
    /// Starts every enabled server in the background and returns at once.
    /// Must be called inside a tokio runtime.
    pub fn start(specs: Vec<ServerSpec>, events: EventSink) -> McpManager {
        McpManager::start_with(specs, events, None)
    }

    /// [`McpManager::start`] with a tool-list cache: a server whose list is
    /// cached offers those tools at once (a call waits for the server), and
    /// a `lazy` one starts only when [`Server::wake`] is called (by its
    /// first call, or [`McpManager::wake_for`] when its tools are sent).
    pub fn start_with(
        specs: Vec<ServerSpec>,
        events: EventSink,
        cache: Option<ToolCache>,
    ) -> McpManager {
        let servers: Vec<Arc<Server>> = specs.into_iter().map(Server::new).collect();
        let shared = Arc::new(Shared {
            servers,
            names: Mutex::new(NameTable::new()),
            pending: Mutex::new(Vec::new()),
            published: Mutex::new(BTreeMap::new()),
            resources_published: AtomicBool::new(false),
            shutdown: CancellationToken::new(),
            events,
            cache,
        });
        for s in &shared.servers {
            if !s.spec.enabled {
                continue;
            }
            let cached = shared.cache.as_ref().and_then(|c| c.load(&s.spec));
            if let Some(cached) = cached {
                // Its instructions go with the list: the note after the
                // first message has them whether or not the server is up.
                s.inner().instructions = cached.instructions;
                let notes = set_tools(s, &mut s.inner(), cached.tools, Vec::new());
                for n in notes {
                    shared.warn(n);
                }
                s.set_tools_from_cache();
                shared.publish(s);
                // Offered last time: the tool list has `mcp_resources` from
                // the start, as it had then (a resumed session sends the
                // list it recorded).
                if cached.resources && !shared.resources_published.swap(true, Ordering::SeqCst) {
                    lock(&shared.pending).push(ToolChange::Added(Arc::new(ResourcesTool::new(
                        shared.servers.clone(),
                    ))));
                }
            }
            // Lazy only with a cached list (else its tools are unknown), and
            // never when the first request must wait for it anyway.
            if !(s.spec.lazy && !s.spec.required && s.tools_from_cache()) {
                s.wake();
            }
            tokio::spawn(supervise(shared.clone(), s.clone()));
        }
        McpManager { shared }
    }

    /// Wakes the lazy servers that own any of the tools `names`.
    pub fn wake_for(&self, names: &[String]) {
        let published = lock(&self.shared.published);
        for s in &self.shared.servers {
            if s.is_woken() {
                continue;
            }
            let owns = published
                .get(s.name())
                .is_some_and(|specs| specs.iter().any(|t| names.contains(&t.name)));
            if owns {
                tracing::info!(server = %s.name(), "lazy MCP server started: one of its tools is sent");
                s.wake();
            }
        }
    }

    pub fn servers(&self) -> &[Arc<Server>] {
        &self.shared.servers
    }

    /// Waits until every server is ready, failed or disabled (lazy ones
    /// not started yet are skipped).
    pub async fn wait_all(&self) {
        futures::future::join_all(
            self.shared
                .servers
                .iter()
                .filter(|s| s.is_woken())
                .map(|s| s.settled()),
        )
        .await;
    }

    /// Tool changes since the last call.
    pub fn take_changes(&self) -> Vec<ToolChange> {
        self.shared.take_changes()
    }

    /// Stops every server: SIGTERM to each process group, a short grace,
    /// then SIGKILL. Also done on drop.
    pub fn shutdown(&self) {
        self.shared.shutdown.cancel();
        let groups: Vec<i32> = self
            .shared
            .servers
            .iter()
            .filter_map(|s| s.inner().pgid.take())
            .collect();
        if !groups.is_empty() {
            process::terminate_groups(&groups, STOP_GRACE);
        }
    }
}

impl Drop for McpManager {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Runs one server for the session: start, serve, restart, fail.
async fn supervise(shared: Arc<Shared>, server: Arc<Server>) {
    tokio::select! {
        _ = shared.shutdown.cancelled() => return,
        _ = server.woken() => {}
    }
    let mut ever_ready = false;
    // It stopped and is being started again: when it is back, say so
    // (the terminal view clears its "restarting").
    let mut restarting = false;
    loop {
        // A repository's server whose files changed since the user
        // trusted it does not start, nor start again (mcp::seal).
        if let Some(why) = server
            .spec
            .sealed
            .as_ref()
            .and_then(|s| s.refusal(&server.spec))
        {
            // Said before anything can see it failed.
            shared.warn(why.clone());
            server.inner().link = None;
            shared.unpublish(&server);
            server.inner().last_error = Some(why.clone());
            server.set_status(Status::Failed(why));
            return;
        }
        let (tx, mut notices) = mpsc::unbounded_channel();
        let started = tokio::select! {
            _ = shared.shutdown.cancelled() => return,
            r = tokio::time::timeout(server.spec.startup_timeout, start(&server, tx)) => r,
        };
        let what = match started {
            Ok(Ok((conn, notes))) => {
                for n in notes {
                    shared.warn(n);
                }
                ever_ready = true;
                shared.remember(&server);
                shared.publish(&server);
                // Said before a call waiting for it can go on.
                if std::mem::take(&mut restarting) {
                    shared.warn(format!(
                        "MCP server '{}' is running again after its restart",
                        server.name()
                    ));
                }
                server.set_status(Status::Ready);
                tracing::info!(server = %server.name(), "MCP server ready");
                match serve(&shared, &server, conn, &mut notices).await {
                    Some(what) => what,
                    None => return,
                }
            }
            Ok(Err(e)) => server.with_stdout_noise(e),
            Err(_) => server.with_stdout_noise(format!(
                "it did not start within {} s (startup_timeout_sec)",
                server.spec.startup_timeout.as_secs_f64()
            )),
        };
        // Whatever is left of the old process goes before anything new.
        if let Some(pgid) = server.inner().pgid.take() {
            process::terminate_groups(&[pgid], Duration::ZERO);
        }
        // Everything it wrote to stderr belongs in the error.
        let log = server.inner().stderr.clone();
        if let Some(log) = log {
            log.wait_closed(Duration::from_millis(500)).await;
        }
        // Nothing expansion put in (a key in the URL) goes further.
        let what = server.spec.redact(&what);
        let error = server.spec.redact(&server.with_stderr(&what));
        server.inner().last_error = Some(error.clone());
        let delay = if ever_ready {
            server.next_restart()
        } else {
            None
        };
        let Some(delay) = delay else {
            server.inner().link = None;
            shared.unpublish(&server);
            server.set_status(Status::Failed(error.clone()));
            let why = if ever_ready {
                format!(
                    "it stopped more than {} times in a minute",
                    super::server::MAX_RESTARTS
                )
            } else {
                "it could not start".to_string()
            };
            shared.warn(format!(
                "MCP server '{}' is not available ({why}): {error}",
                server.name()
            ));
            return;
        };
        server.set_status(Status::Restarting);
        restarting = true;
        shared.warn(format!(
            "MCP server '{}' stopped ({what}); restarting it",
            server.name()
        ));
        tokio::select! {
            _ = shared.shutdown.cancelled() => return,
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

/// Connects and lists the tools: what "ready" means.
async fn start(
    server: &Arc<Server>,
    tx: mpsc::UnboundedSender<Notice>,
) -> Result<(Connection, Vec<String>), String> {
    let mut on_spawn = |p: &client::ProcessInfo| {
        let mut inner = server.inner();
        inner.pgid = Some(p.pgid);
        inner.stderr = Some(p.stderr.clone());
        inner.stdout_noise = Some(p.stdout_noise.clone());
        inner.stdout_faults = Some(p.stdout_faults.clone());
    };
    let conn = client::connect(&server.spec, tx, &mut on_spawn).await?;
    let capabilities = conn.service.peer_info().map(|i| i.capabilities.clone());
    let instructions = conn
        .service
        .peer_info()
        .and_then(|i| i.instructions.clone());
    let (tools, skipped) = if capabilities.as_ref().is_none_or(|c| c.tools.is_some()) {
        super::tool_list::list_tools(conn.service.peer())
            .await
            .map_err(|e| format!("tools/list failed: {e}"))?
    } else {
        (Vec::new(), Vec::new())
    };
    // Instructions go into every request's context: one with a hidden
    // character is left out, as a tool with one is.
    let (instructions, hidden) = match instructions {
        Some(text) => match crate::hidden_text::in_text(&text) {
            Some(c) => (
                None,
                Some(format!(
                    "MCP server '{}': its instructions are left out: they hold the invisible character {}",
                    server.name(),
                    crate::hidden_text::code(c)
                )),
            ),
            None => (Some(text), None),
        },
        None => (None, None),
    };
    let mut inner = server.inner();
    inner.capabilities = capabilities;
    inner.instructions = instructions;
    let mut notes = set_tools(server, &mut inner, tools, skipped);
    if let Some(note) = hidden {
        tracing::warn!(server = %server.name(), "{note}");
        notes.push(note);
    }
    inner.link = Some(Link {
        peer: conn.service.peer().clone(),
        broken: CancellationToken::new(),
    });
    Ok((conn, notes))
}

/// Keeps the tools the filters allow, cut to size ([`tool_fit`]); returns
/// what the user has not been told yet (tools left out, descriptions cut).
fn set_tools(
    server: &Server,
    inner: &mut super::server::Inner,
    tools: Vec<rmcp::model::Tool>,
    mut skipped: Vec<String>,
) -> Vec<String> {
    let total = tools.len();
    inner.listed = tools.clone();
    let all: Vec<String> = tools.iter().map(|t| t.name.to_string()).collect();
    let names: Vec<&str> = all.iter().map(String::as_str).collect();
    let allowed: Vec<_> = tools
        .into_iter()
        .filter(|t| server.spec.allows(&t.name))
        .collect();
    inner.hidden = total - allowed.len();
    inner.filter_misses = super::tool_filter::unmatched(&server.spec, &names);
    let mut notes: Vec<String> = skipped
        .iter()
        .map(|s| format!("MCP server '{}': {s}", server.name()))
        .collect();
    notes.extend(inner.filter_misses.iter().cloned());
    inner.tools = allowed
        .into_iter()
        .filter_map(|t| match tool_fit::fit(server.name(), t) {
            Ok((t, cut)) => {
                notes.extend(cut);
                Some(t)
            }
            Err(e) => {
                notes.push(e.clone());
                skipped.push(e);
                None
            }
        })
        .collect();
    inner.skipped_tools = skipped;
    notes.retain(|n| !inner.tools_warned.contains(n));
    for n in &notes {
        tracing::warn!(server = %server.name(), "{n}");
    }
    inner.tools_warned.extend(notes.iter().cloned());
    notes
}

/// Serves a ready connection until it dies (`Some(why)`) or quire shuts
/// down (`None`).
async fn serve(
    shared: &Shared,
    server: &Arc<Server>,
    conn: Connection,
    notices: &mut mpsc::UnboundedReceiver<Notice>,
) -> Option<String> {
    let Connection { service, process } = conn;
    let stop = service.cancellation_token();
    let peer = service.peer().clone();
    let broken = server
        .inner()
        .link
        .as_ref()
        .map(|l| l.broken.clone())
        .unwrap_or_default();
    let mut waiting = Box::pin(service.waiting());
    loop {
        let default = tokio::select! {
            _ = shared.shutdown.cancelled() => {
                stop.cancel();
                return None;
            }
            _ = &mut waiting => "the connection closed",
            _ = broken.cancelled() => {
                stop.cancel();
                "the connection failed"
            }
            Some(Notice::ToolsChanged) = notices.recv() => {
                while notices.try_recv().is_ok() {}
                match tokio::time::timeout(server.spec.startup_timeout, super::tool_list::list_tools(&peer)).await {
                    Ok(Ok((tools, skipped))) => {
                        let notes = set_tools(server, &mut server.inner(), tools, skipped);
                        for n in notes {
                            shared.warn(n);
                        }
                        shared.remember(server);
                        shared.publish(server);
                    }
                    Ok(Err(e)) => tracing::warn!(server = %server.name(), "tools/list after list_changed failed: {}", server.spec.redact(&e.to_string())),
                    Err(_) => tracing::warn!(server = %server.name(), "tools/list after list_changed timed out"),
                }
                continue;
            }
        };
        let how = match &process {
            Some(p) => p.exit_status(Duration::from_secs(1)).await,
            None => None,
        };
        return Some(
            how.map(|h| format!("the server {h}"))
                .unwrap_or_else(|| default.into()),
        );
    }
}
