//! `mcp_resources`: lists and reads the resources of the servers that
//! offer them.

use std::sync::Arc;

use rmcp::model::ReadResourceRequestParams;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use rmcp::ServiceError;

use super::resource_list::{self, ListError};
use super::results::{human_size, resource_text};
use super::server::{Server, Status};
use crate::tools::typed::parameters_for;
use crate::tools::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};

pub const NAME: &str = "mcp_resources";

/// The `mcp_resources` arguments; their schema is its parameters. The
/// action stays a string so an unknown one gets the tool's own error.
#[derive(Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub(crate) struct Args {
    #[schemars(extend("enum" = ["list", "read"]))]
    action: String,
    /// The MCP server. Needed for read; list covers every server when left out.
    server: Option<String>,
    /// The resource to read.
    uri: Option<String>,
}

pub struct ResourcesTool {
    servers: Vec<Arc<Server>>,
    spec: ToolSpec,
}

impl ResourcesTool {
    pub(crate) fn new(servers: Vec<Arc<Server>>) -> ResourcesTool {
        ResourcesTool {
            servers,
            spec: ToolSpec {
                name: NAME.into(),
                description: "Lists or reads resources (files, documents, data) offered by MCP servers. \
                    action \"list\" shows each resource's server, URI, name and type (and URI templates); \
                    action \"read\" returns the contents of one resource, given its server and uri."
                    .into(),
                parameters: parameters_for::<Args>(),
                read_only: true,
                destructive: false,
            },
        }
    }

    /// The servers (all, or the one named `only`) whose capabilities are
    /// not known yet because they are still starting: a cached tool list
    /// offers this tool before they are up, so it waits for them as a tool
    /// call does (at most their `startup_timeout_sec`). What kept one from
    /// becoming ready, one line each.
    async fn wait_for_starting(&self, only: Option<&str>) -> Vec<String> {
        let starting = self.servers.iter().filter(|s| {
            only.is_none_or(|n| s.name() == n)
                && s.capabilities_unknown()
                && matches!(s.status(), Status::Starting | Status::Restarting)
                // A lazy server not woken is waited for only when named.
                && (only.is_some() || s.is_woken())
        });
        let waits = starting.map(|s| async move {
            s.wake();
            s.ready_link().await.err()
        });
        futures::future::join_all(waits)
            .await
            .into_iter()
            .flatten()
            .collect()
    }

    fn with_resources(&self, only: Option<&str>) -> Result<Vec<Arc<Server>>, String> {
        let names: Vec<&str> = self
            .servers
            .iter()
            .filter(|s| s.has_resources())
            .map(|s| s.name())
            .collect();
        match only {
            Some(n) => match self.servers.iter().find(|s| s.name() == n) {
                Some(s) if s.has_resources() => Ok(vec![s.clone()]),
                _ if names.is_empty() => Err(format!(
                    "no MCP server '{n}' with resources; no MCP server offers resources now"
                )),
                _ => Err(format!(
                    "no MCP server '{n}' with resources; servers with resources: {}",
                    names.join(", ")
                )),
            },
            None => Ok(self
                .servers
                .iter()
                .filter(|s| s.has_resources() && s.status() == Status::Ready)
                .cloned()
                .collect()),
        }
    }

    /// Every resource (and template) of the servers; any server whose
    /// listing failed or timed out fails the call, with what was listed.
    async fn list(&self, only: Option<&str>) -> Result<String, ToolError> {
        let mut out = Vec::new();
        let mut failed = false;
        let mut timed_out = false;
        let not_ready = self.wait_for_starting(only).await;
        if let (Some(_), Some(why)) = (only, not_ready.first()) {
            return Err(ToolError::Failed(why.clone()));
        }
        failed |= !not_ready.is_empty();
        out.extend(not_ready);
        for s in self.with_resources(only).map_err(ToolError::Failed)? {
            let link = s.ready_link().await.map_err(ToolError::Failed)?;
            let peer = &link.peer;
            let t = s.spec.tool_timeout;
            let late = |what: &str| {
                format!(
                    "{}: {what} did not finish within {} s (tool_timeout_sec)",
                    s.name(),
                    t.as_secs_f64()
                )
            };
            match tokio::time::timeout(t, resource_list::resources(peer)).await {
                Ok(Ok(list)) => {
                    for r in list {
                        let mut line = format!("{} {} — {}", s.name(), r.uri, r.name);
                        if let Some(m) = &r.mime_type {
                            line.push_str(&format!(" ({m})"));
                        }
                        if let Some(size) = r.size {
                            line.push_str(&format!(", {}", human_size(size as usize)));
                        }
                        if let Some(d) = &r.description {
                            line.push_str(&format!(": {d}"));
                        }
                        out.push(line);
                    }
                }
                Ok(Err(e)) => {
                    failed = true;
                    out.push(list_error(&s, &link, e).await);
                }
                Err(_) => {
                    timed_out = true;
                    out.push(late("resources/list"));
                }
            }
            match tokio::time::timeout(t, resource_list::templates(peer)).await {
                Ok(Ok(templates)) => {
                    for tpl in templates {
                        out.push(format!(
                            "{} {} — {} (URI template: fill it in to read)",
                            s.name(),
                            tpl.uri_template,
                            tpl.name
                        ));
                    }
                }
                // A server without templates may answer "method not found".
                Ok(Err(ListError::Request(ServiceError::McpError(_)))) => {}
                Ok(Err(e)) => {
                    failed = true;
                    out.push(list_error(&s, &link, e).await);
                }
                Err(_) => {
                    timed_out = true;
                    out.push(late("resources/templates/list"));
                }
            }
        }
        if out.is_empty() {
            out.push("No resources.".into());
        }
        let text = out.join("\n");
        if failed {
            Err(ToolError::Failed(text))
        } else if timed_out {
            Err(ToolError::TimedOut(text))
        } else {
            Ok(text)
        }
    }

    /// The resource's text; a timeout is [`ToolError::TimedOut`].
    async fn read(&self, server: &str, uri: &str) -> Result<String, ToolError> {
        if let Some(why) = self.wait_for_starting(Some(server)).await.pop() {
            return Err(ToolError::Failed(why));
        }
        let s = self
            .with_resources(Some(server))
            .map_err(ToolError::Failed)?
            .remove(0);
        let link = s.ready_link().await.map_err(ToolError::Failed)?;
        let req = link.peer.read_resource(ReadResourceRequestParams::new(uri));
        match s.answer(req).await {
            Err(Some(fault)) => Err(ToolError::Failed(fault)),
            Err(None) => Err(ToolError::TimedOut(format!(
                "the MCP server '{server}' did not answer within {} s (tool_timeout_sec); the request was cancelled",
                s.spec.tool_timeout.as_secs_f64()
            ))),
            Ok(Err(e)) => Err(ToolError::Failed(s.request_error(&link, e).await)),
            Ok(Ok(r)) if r.contents.is_empty() => Ok(format!("{uri} is empty")),
            Ok(Ok(r)) => Ok(r
                .contents
                .iter()
                .map(resource_text)
                .collect::<Vec<_>>()
                .join("\n")),
        }
    }
}

/// One line naming the server and why its listing stopped.
async fn list_error(s: &Server, link: &super::server::Link, e: ListError) -> String {
    match e {
        ListError::Request(e) => format!("{}: {}", s.name(), s.request_error(link, e).await),
        ListError::Paging(why) => format!("{}: the MCP server '{}' {why}", s.name(), s.name()),
    }
}

#[async_trait::async_trait]
impl Tool for ResourcesTool {
    fn source(&self) -> &'static str {
        "mcp"
    }

    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let args: Args = serde_json::from_value(args).map_err(|e| {
            ToolError::InvalidArguments(format!(
                "{e}; action must be \"list\" or \"read\" (read also needs server and uri)"
            ))
        })?;
        let server = args.server.as_deref();
        let r = match args.action.as_str() {
            "list" => self.list(server).await,
            "read" => {
                let (Some(server), Some(uri)) = (server, args.uri.as_deref()) else {
                    return Err(ToolError::InvalidArguments(
                        "read needs server and uri (see action \"list\")".into(),
                    ));
                };
                self.read(server, uri).await
            }
            _ => {
                return Err(ToolError::InvalidArguments(
                    "action must be \"list\" or \"read\"".into(),
                ));
            }
        };
        r.map(ToolOutput::text)
    }
}
