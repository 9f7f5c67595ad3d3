//! quire tools offered as MCP tools: the [`Tool`] specs as MCP tool
//! definitions (input schema, `readOnlyHint`, `destructiveHint`) and calls
//! run with the server's [`ToolContext`].

use std::collections::HashSet;
use std::sync::Arc;

use rmcp::ErrorData;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool as McpTool, ToolAnnotations};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::tools::registry::{cap_output, error_text};
use crate::tools::{Tool, ToolContext, ToolError, schema};

/// The tools `quire mcp serve` offers and the context their calls run in
/// (sandbox, network, approval, cwd). Fill it with [`ToolSource::add`].
#[derive(Clone)]
pub struct ToolSource {
    tools: Vec<(String, Arc<dyn Tool>)>,
    ctx: ToolContext,
}

impl ToolSource {
    /// No tools yet; calls will run with `ctx` (its `cancel` token is
    /// replaced per call by the client's cancellation).
    pub fn new(ctx: ToolContext) -> ToolSource {
        ToolSource {
            tools: Vec::new(),
            ctx,
        }
    }

    /// Adds tools. A name already taken gets a numbered suffix (`name_2`),
    /// as in a session's registry.
    pub fn add(&mut self, tools: impl IntoIterator<Item = Arc<dyn Tool>>) {
        let mut taken: HashSet<String> = self.tools.iter().map(|(n, _)| n.clone()).collect();
        for t in tools {
            let base = t.spec().name.clone();
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{base}_{n}");
                n += 1;
            }
            if name != base {
                tracing::warn!(tool = %base, renamed = %name, "tool name clash");
            }
            taken.insert(name.clone());
            self.tools.push((name, t));
        }
    }

    /// The names offered, in order.
    pub fn names(&self) -> Vec<&str> {
        self.tools.iter().map(|(n, _)| n.as_str()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }

    pub fn context(&self) -> &ToolContext {
        &self.ctx
    }

    /// `tools/list`: every tool with its schema and hints.
    pub fn list(&self) -> Vec<McpTool> {
        self.tools
            .iter()
            .map(|(name, t)| definition(name, t.as_ref()))
            .collect()
    }

    /// `tools/call`. An unknown tool is a protocol error; bad arguments
    /// and failures are results with `isError`, for the calling model to
    /// read. `cancel` is the client's cancellation of this request.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<JsonObject>,
        cancel: CancellationToken,
    ) -> Result<CallToolResult, ErrorData> {
        let Some((_, tool)) = self.tools.iter().find(|(n, _)| n == name) else {
            return Err(ErrorData::invalid_params(
                format!(
                    "unknown tool '{name}'; tools/list shows the tools offered: {}",
                    if self.tools.is_empty() {
                        "none".to_string()
                    } else {
                        self.names().join(", ")
                    }
                ),
                None,
            ));
        };
        let args = Value::Object(arguments.unwrap_or_default());
        if let Err(e) = schema::validate(&args, &tool.spec().parameters) {
            return Ok(error_result(format!("invalid arguments for '{name}': {e}")));
        }
        let mut ctx = self.ctx.clone();
        ctx.cancel = cancel.clone();
        let output = tokio::select! {
            r = tool.call(args, &ctx) => r,
            _ = cancel.cancelled() => Err(ToolError::Failed("the call was cancelled by the client".into())),
        };
        Ok(match output {
            Ok(out) => {
                // Capped where every output is: the registry's cap module.
                let text = match tool.output_limit() {
                    Some(limit) => cap_output(&out.text, limit).0,
                    None => out.text,
                };
                let mut r = if out.is_error {
                    CallToolResult::error(vec![ContentBlock::text(text)])
                } else {
                    CallToolResult::success(vec![ContentBlock::text(text)])
                };
                r.structured_content = out.structured;
                r
            }
            Err(e) => error_result(error_text(name, &e)),
        })
    }
}

fn error_result(text: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(text)])
}

/// The MCP definition of one tool, under the name it is offered as.
fn definition(name: &str, tool: &dyn Tool) -> McpTool {
    let spec = tool.spec();
    let schema = match &spec.parameters {
        Value::Object(m) => m.clone(),
        _ => {
            let mut m = JsonObject::new();
            m.insert("type".into(), Value::String("object".into()));
            m
        }
    };
    let mut hints = ToolAnnotations::new().read_only(spec.read_only);
    if !spec.read_only {
        hints = hints.destructive(spec.destructive);
    }
    McpTool::new(name.to_string(), spec.description.clone(), Arc::new(schema))
        .with_annotations(hints)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::EventSink;
    use crate::tools::approval::DenyAll;
    use crate::tools::{ApprovalPolicy, SandboxMode, ToolOutput, ToolSpec};

    struct Fixed(ToolSpec);

    #[async_trait::async_trait]
    impl Tool for Fixed {
        fn spec(&self) -> &ToolSpec {
            &self.0
        }
        async fn call(&self, args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
            match args["n"].as_i64() {
                Some(n) if n < 0 => Err(ToolError::Failed("negative".into())),
                Some(n) => Ok(ToolOutput {
                    text: format!("got {n}"),
                    structured: Some(serde_json::json!({"n": n})),
                    is_error: false,
                }),
                None => Ok(ToolOutput::error("no n")),
            }
        }
    }

    fn fixed(name: &str, read_only: bool) -> Arc<dyn Tool> {
        Arc::new(Fixed(ToolSpec {
            name: name.into(),
            description: "A test tool.".into(),
            parameters: serde_json::json!({"type": "object", "properties": {"n": {"type": "integer"}}}),
            read_only,
            destructive: !read_only,
        }))
    }

    fn source() -> ToolSource {
        ToolSource::new(ToolContext {
            cwd: std::env::temp_dir(),
            workspace: std::env::temp_dir(),
            sandbox: SandboxMode::WorkspaceWrite,
            network: false,
            unix_sockets: false,
            writable_roots: Vec::new(),
            plugin_data: Vec::new(),
            approval_policy: ApprovalPolicy::Never,
            sandbox_fixed: false,
            approver: Arc::new(DenyAll),
            cancel: CancellationToken::new(),
            events: EventSink::null(),
            call_id: None,
            shell_env: Default::default(),
        })
    }

    #[test]
    fn definitions_carry_schema_and_hints_and_names_stay_unique() {
        let mut s = source();
        s.add([
            fixed("look", true),
            fixed("write", false),
            fixed("look", false),
        ]);
        assert_eq!(s.names(), ["look", "write", "look_2"]);
        let defs = s.list();
        let look = serde_json::to_value(&defs[0]).unwrap();
        assert_eq!(look["annotations"]["readOnlyHint"], true);
        assert!(look["annotations"].get("destructiveHint").is_none());
        assert_eq!(look["inputSchema"]["properties"]["n"]["type"], "integer");
        let write = serde_json::to_value(&defs[1]).unwrap();
        assert_eq!(write["annotations"]["readOnlyHint"], false);
        assert_eq!(write["annotations"]["destructiveHint"], true);
    }

    #[tokio::test]
    async fn calls_map_results_errors_and_bad_arguments() {
        let mut s = source();
        s.add([fixed("t", true)]);
        let args = |v: Value| v.as_object().cloned();
        let c = CancellationToken::new();
        let ok = s
            .call("t", args(serde_json::json!({"n": 3})), c.clone())
            .await
            .unwrap();
        assert_eq!(ok.is_error, Some(false));
        assert_eq!(ok.structured_content, Some(serde_json::json!({"n": 3})));
        let failed = s
            .call("t", args(serde_json::json!({"n": -1})), c.clone())
            .await
            .unwrap();
        assert_eq!(failed.is_error, Some(true));
        let bad = s
            .call("t", args(serde_json::json!({"n": "x"})), c.clone())
            .await
            .unwrap();
        assert_eq!(bad.is_error, Some(true));
        let text = serde_json::to_string(&bad.content).unwrap();
        assert!(text.contains("must be of type integer"), "{text}");
        let unknown = s.call("nope", None, c).await.unwrap_err();
        assert!(unknown.message.contains("unknown tool 'nope'") && unknown.message.contains("t"));
    }
}
