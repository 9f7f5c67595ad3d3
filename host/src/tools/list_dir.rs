//! STUB: replaced by the real implementation.

use serde_json::Value;

use super::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};

pub struct ListDirTool {
    spec: ToolSpec,
}

impl ListDirTool {
    pub fn new() -> Self {
        ListDirTool {
            spec: ToolSpec {
                name: "list_dir".into(),
                description: String::new(),
                parameters: serde_json::json!({"type": "object", "properties": {}}),
                read_only: false,
                destructive: false,
            },
        }
    }
}

impl Default for ListDirTool {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait::async_trait]
impl Tool for ListDirTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, _args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        Err(ToolError::Failed("not implemented".into()))
    }
}
