//! One MCP tool as a quire [`Tool`]: exposed under its `mcp__SERVER__TOOL`
//! name, called under its original name, with a timeout that cancels the
//! request on the server.

use std::sync::Arc;

use rmcp::model::{CallToolRequestParams, CallToolResponse};
use serde_json::Value;

use super::results;
use super::server::Server;
use crate::tools::approval::{ApprovalDecision, ApprovalPolicy, ApprovalRequest, denial_text};
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

/// Characters of a call's arguments shown when asking.
const SHOWN_ARGUMENTS: usize = 2_000;

/// Whether a call asks first: under `untrusted`, every tool the server
/// does not mark `readOnlyHint` (as for commands not known to be
/// read-only). The other policies are about quire's sandbox, which a
/// server's process is outside of (unless its own `sandbox` confines it):
/// a configured server's tools run as the server decides.
fn needs_approval(policy: ApprovalPolicy, read_only: bool) -> bool {
    policy == ApprovalPolicy::Untrusted && !read_only
}

impl McpTool {
    /// Asks the user before the call; a denial is the tool's result.
    async fn approve(
        &self,
        arguments: Option<&serde_json::Map<String, Value>>,
        ctx: &ToolContext,
    ) -> Result<(), ToolError> {
        let shown = arguments
            .map(|a| Value::Object(a.clone()).to_string())
            .unwrap_or_else(|| "{}".into());
        let shown = if shown.chars().count() > SHOWN_ARGUMENTS {
            let head: String = shown.chars().take(SHOWN_ARGUMENTS).collect();
            format!("{head}… [{} characters]", shown.chars().count())
        } else {
            shown
        };
        let request = ApprovalRequest {
            tool: self.spec.name.clone(),
            summary: format!("{} {shown}", self.spec.name),
            reason: Some(format!(
                "tool '{}' of the MCP server '{}', not marked read-only (readOnlyHint)",
                self.original,
                self.server.name()
            )),
            always_key: Some(self.spec.name.clone()),
            files: Vec::new(),
            agent: None,
        };
        match ctx.approver.ask(request).await {
            ApprovalDecision::Approved | ApprovalDecision::ApprovedAlways => Ok(()),
            ApprovalDecision::Denied => Err(ToolError::Denied(denial_text(
                ctx.approver.as_ref(),
                &format!("the MCP tool `{}`", self.spec.name),
            ))),
        }
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
        if needs_approval(ctx.approval_policy, self.spec.read_only) {
            self.approve(arguments.as_ref(), ctx).await?;
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
            Err(None) => Err(ToolError::Failed(format!(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_untrusted_asks_and_only_for_tools_not_marked_read_only() {
        assert!(needs_approval(ApprovalPolicy::Untrusted, false));
        assert!(!needs_approval(ApprovalPolicy::Untrusted, true));
        assert!(!needs_approval(ApprovalPolicy::OnRequest, false));
        assert!(!needs_approval(ApprovalPolicy::Never, false));
    }
}
