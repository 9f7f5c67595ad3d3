//! STUB: replaced by the real implementation.

use serde_json::Value;

use super::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};

pub struct ReadFileTool {
    spec: ToolSpec,
}

impl ReadFileTool {
    pub fn new() -> Self {
        ReadFileTool {
            spec: ToolSpec {
                name: "read_file".into(),
                description: String::new(),
                parameters: serde_json::json!({"type": "object", "properties": {}}),
                read_only: false,
                destructive: false,
            },
        }
    }
}

impl Default for ReadFileTool {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait::async_trait]
impl Tool for ReadFileTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, _args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        Err(ToolError::Failed("not implemented".into()))
    }
}
