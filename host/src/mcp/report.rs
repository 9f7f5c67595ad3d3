//! What `quire mcp list` and `quire mcp tools` show.

use serde::Serialize;
use serde_json::Value;

use super::manager::McpManager;
use super::naming::NameTable;
use super::server::{STDERR_LINES, Server, Status};
use super::spec::{Source, Transport};

/// One server's state.
#[derive(Debug, Clone, Serialize)]
pub struct ServerReport {
    pub name: String,
    /// `config` or the path of the `.mcp.json`.
    pub source: String,
    /// The plugin bundle that declared it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin: Option<String>,
    /// `stdio` or `http`.
    pub transport: String,
    /// The command line or the URL, as written (`${VAR}` not filled in).
    pub target: String,
    /// An HTTP server's headers, as written.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub headers: std::collections::BTreeMap<String, String>,
    /// The environment variables its settings read (`${VAR}`), by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env_vars: Vec<String>,
    /// `ready`, `failed`, `disabled`, `starting`, `restarting`.
    pub state: String,
    /// Tools offered (after `enabled_tools` / `disabled_tools`).
    pub tools: usize,
    /// Tools the filters hid.
    pub hidden_tools: usize,
    /// Tools listed that cannot be used, each with why.
    pub skipped_tools: Vec<String>,
    /// `enabled_tools` / `disabled_tools` entries that match none of its
    /// tools, each with what to write instead.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filter_misses: Vec<String>,
    pub last_error: Option<String>,
    /// An HTTP server: whether `quire mcp login NAME` left a sign-in for
    /// its URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_in: Option<bool>,
    /// The last lines the server wrote to stderr.
    pub stderr: String,
}

/// One tool of a server.
#[derive(Debug, Clone, Serialize)]
pub struct ToolReport {
    /// The name the model sees.
    pub name: String,
    /// The name on the server.
    pub original: String,
    pub description: String,
    pub read_only: bool,
    pub input_schema: Value,
}

fn report(s: &Server) -> ServerReport {
    let status = s.status();
    let hide = s.spec.redactor();
    let inner = s.inner();
    ServerReport {
        name: s.name().to_string(),
        source: match &s.spec.source {
            Source::Config => "config".into(),
            Source::McpJson(p) => p.display().to_string(),
        },
        plugin: s.spec.plugin.clone(),
        transport: match s.spec.transport {
            Transport::Stdio { .. } => "stdio".into(),
            Transport::Http { .. } => "http".into(),
        },
        target: s.spec.describe(),
        headers: match &s.spec.transport {
            Transport::Http { headers, .. } => headers.clone(),
            Transport::Stdio { .. } => Default::default(),
        },
        env_vars: s.spec.env_read(),
        state: status.label().into(),
        tools: inner.tools.len(),
        hidden_tools: inner.hidden,
        skipped_tools: inner.skipped_tools.clone(),
        filter_misses: inner.filter_misses.clone(),
        last_error: match &status {
            Status::Failed(e) => Some(e.clone()),
            _ => inner.last_error.clone(),
        }
        .map(|e| hide.apply(&e)),
        signed_in: match s.spec.resolved_transport() {
            Ok(Transport::Http { url, .. }) => {
                Some(super::oauth::signed_in(&crate::config::quire_home(), &url))
            }
            _ => None,
        },
        stderr: hide.apply(
            &inner
                .stderr
                .as_ref()
                .map(|l| l.tail(STDERR_LINES))
                .unwrap_or_default(),
        ),
    }
}

impl McpManager {
    /// Every server's state, in configuration order.
    pub fn reports(&self) -> Vec<ServerReport> {
        self.servers().iter().map(|s| report(s)).collect()
    }

    /// The tools of server `name` as the model would see them.
    pub fn tool_reports(&self, name: &str) -> Vec<ToolReport> {
        let mut names = NameTable::new();
        let mut out = Vec::new();
        for s in self.servers() {
            let tools = s.inner().tools.clone();
            for t in tools {
                let exposed = names.assign(s.name(), &t.name);
                if s.name() != name {
                    continue;
                }
                let tool = super::tool::McpTool::new(s.clone(), &t, exposed);
                let spec = tool.spec_ref();
                out.push(ToolReport {
                    name: spec.name.clone(),
                    original: t.name.to_string(),
                    description: spec.description.clone(),
                    read_only: spec.read_only,
                    input_schema: spec.parameters.clone(),
                });
            }
        }
        out
    }
}
