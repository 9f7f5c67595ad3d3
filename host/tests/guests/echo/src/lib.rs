//! One tool, `echo`, that returns its arguments unchanged.

wit_bindgen::generate!({
    path: "../../../../sdk/wit",
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
