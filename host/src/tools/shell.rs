//! STUB: replaced by the real implementation.

use serde_json::Value;

use super::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};

pub struct ShellTool {
    spec: ToolSpec,
}

impl ShellTool {
    pub fn new() -> Self {
        ShellTool {
            spec: ToolSpec {
                name: "shell".into(),
                description: String::new(),
                parameters: serde_json::json!({"type": "object", "properties": {}}),
                read_only: false,
                destructive: false,
            },
        }
    }
}

impl Default for ShellTool {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait::async_trait]
impl Tool for ShellTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, _args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        Err(ToolError::Failed("not implemented".into()))
    }
}
