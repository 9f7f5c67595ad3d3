//! STUB: replaced by the real implementation.

use serde_json::Value;

use super::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};

pub struct ApplyPatchTool {
    spec: ToolSpec,
}

impl ApplyPatchTool {
    pub fn new() -> Self {
        ApplyPatchTool {
            spec: ToolSpec {
                name: "apply_patch".into(),
                description: String::new(),
                parameters: serde_json::json!({"type": "object", "properties": {}}),
                read_only: false,
                destructive: false,
            },
        }
    }
}

impl Default for ApplyPatchTool {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait::async_trait]
impl Tool for ApplyPatchTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, _args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        Err(ToolError::Failed("not implemented".into()))
    }
}
