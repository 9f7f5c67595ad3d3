//! Built against `quire:plugin@0.9.0` (a copy of the world with a newer
//! version), which this quire does not support.

wit_bindgen::generate!({
    path: "wit",
    world: "plugin",
});

use exports::quire::plugin::tools::{Guest, ToolError, ToolInfo};

struct Future;

impl Guest for Future {
    fn list_tools() -> Vec<ToolInfo> {
        Vec::new()
    }

    fn call_tool(name: String, _arguments: String) -> Result<String, ToolError> {
        Err(ToolError::UnknownTool(name))
    }
}

export!(Future);
