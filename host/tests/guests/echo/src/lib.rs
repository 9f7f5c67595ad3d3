//! One tool, `echo`, that returns its arguments unchanged. Built for the
//! frozen world 0.1.0 (not the SDK's newest): a plugin for an older world
//! keeps working.

wit_bindgen::generate!({
    path: "../../../../host/src/plugins/world/wit/0.1.0",
    world: "plugin",
});

use exports::quire::plugin::tools::{Guest, ToolError, ToolInfo};

struct Echo;

impl Guest for Echo {
    fn list_tools() -> Vec<ToolInfo> {
        vec![ToolInfo {
            name: "echo".into(),
            description: "Returns its arguments.".into(),
            input_schema: r#"{"type":"object"}"#.into(),
            read_only: true,
        }]
    }

    fn call_tool(name: String, arguments: String) -> Result<String, ToolError> {
        match name.as_str() {
            "echo" => Ok(arguments),
            _ => Err(ToolError::UnknownTool(name)),
        }
    }
}

export!(Echo);
