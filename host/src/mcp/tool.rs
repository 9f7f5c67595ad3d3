//! One MCP tool as a quire [`Tool`]: exposed under its `mcp__SERVER__TOOL`
//! name, called under its original name, with a timeout that cancels the
//! request on the server.

use std::sync::Arc;

use rmcp::model::{CallToolRequestParams, CallToolResponse};
use serde_json::Value;

use super::results;
use super::server::Server;
use crate::tools::approval::{ask_before_call, asks_first};
use crate::tools::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};

pub struct McpTool {
    server: Arc<Server>,
    original: String,
    spec: ToolSpec,
}

impl McpTool {
    pub(crate) fn new(server: Arc<Server>, tool: &rmcp::model::Tool, exposed: String) -> McpTool {
        let ann = tool.annotations.as_ref();
        let read_only = ann.and_then(|a| a.read_only_hint).unwrap_or(false);
        let destructive = !read_only && ann.and_then(|a| a.destructive_hint).unwrap_or(true);
        let description = tool
            .description
            .as_deref()
            .map(str::to_string)
            .or_else(|| tool.title.clone())
            .or_else(|| ann.and_then(|a| a.title.clone()))
            .unwrap_or_else(|| {
                format!(
                    "The '{}' tool of the MCP server '{}'.",
                    tool.name,
                    server.name()
                )
            });
        let mut parameters = Value::Object((*tool.input_schema).clone());
        if parameters.get("type").is_none()
            && let Some(o) = parameters.as_object_mut()
        {
            o.insert("type".into(), Value::String("object".into()));
        }
        McpTool {
            original: tool.name.to_string(),
            spec: ToolSpec {
                name: exposed,
                description,
                parameters,
                read_only,
                destructive,
            },
            server,
        }
    }

    pub(crate) fn spec_ref(&self) -> &ToolSpec {
        &self.spec
    }
}

#[async_trait::async_trait]
impl Tool for McpTool {
    fn source(&self) -> &'static str {
        "mcp"
    }

    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, args: Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let arguments = match args {
            Value::Object(m) => Some(m),
            Value::Null => None,
            other => {
                return Err(ToolError::InvalidArguments(format!(
                    "the arguments must be a JSON object, got {other}"
                )));
            }
        };
        // Under `untrusted`, a tool the server does not mark
        // `readOnlyHint` asks first. The other policies are about quire's
        // sandbox, which a server's process is outside of (unless its own
        // `sandbox` confines it): its tools run as the server decides.
        if asks_first(ctx.approval_policy, self.spec.read_only) {
            let shown = arguments.clone().map(Value::Object).unwrap_or(Value::Null);
            ask_before_call(
                ctx.approver.as_ref(),
                &self.spec.name,
                &shown,
                format!(
                    "tool '{}' of the MCP server '{}', not marked read-only (readOnlyHint)",
                    self.original,
                    self.server.name()
                ),
                &format!("the MCP tool `{}`", self.spec.name),
            )
            .await?;
        }
        // A lazy server starts at its first call.
        self.server.wake();
        let link = self.server.ready_link().await.map_err(ToolError::Failed)?;
        let mut params = CallToolRequestParams::new(self.original.clone());
        if let Some(a) = arguments {
            params = params.with_arguments(a);
        }
        let timeout = self.server.spec.tool_timeout;
        // Dropping the request future (timeout, or the user interrupting)
        // sends notifications/cancelled to the server.
        match self.server.answer(link.peer.call_tool_once(params)).await {
            Err(Some(fault)) => Err(ToolError::Failed(fault)),
            Err(None) => Err(ToolError::TimedOut(format!(
                "the MCP server '{}' did not answer within {} s (tool_timeout_sec), so the request was cancelled on the server",
                self.server.name(),
                timeout.as_secs_f64()
            ))),
            Ok(Ok(CallToolResponse::Complete(r))) => Ok(results::to_output(r)),
            Ok(Ok(_)) => Err(ToolError::Failed(format!(
                "the MCP server '{}' asked for user input or started a background task, which quire does not support",
                self.server.name()
            ))),
            Ok(Err(rmcp::ServiceError::UnexpectedResponse)) => {
                let why = self
                    .server
                    .inner()
                    .stdout_faults
                    .as_ref()
                    .and_then(|f| f.take_bad_result())
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default();
                Err(ToolError::Failed(format!(
                    "the MCP server '{}' answered tools/call with something that is not a tool result{why}; a result needs `content`, a list of content blocks such as {{\"type\": \"text\", \"text\": \"…\"}}",
                    self.server.name()
                )))
            }
            Ok(Err(e)) => Err(ToolError::Failed(self.server.request_error(&link, e).await)),
        }
    }
}
