//! `list-tools` gone wrong, two ways. Its mode is the text after
//! `odd-list-mode=` in [`MODE`], kept verbatim in the component's data so a
//! test can patch a copy (same length) instead of building again:
//! - `schema`: tools whose input schemas are a string schema, a JSON
//!   array, an object schema without `type`, and a good one;
//! - `spin`: `list-tools` loops forever.
//!
//! Built for the frozen world 0.1.0, as `echo` is.

wit_bindgen::generate!({
    path: "../../../../host/src/plugins/world/wit/0.1.0",
    world: "plugin",
});

use exports::quire::plugin::tools::{Guest, ToolError, ToolInfo};

/// Patched by tests: `odd-list-mode=spin` followed by spaces.
static MODE: [u8; 32] = *b"odd-list-mode=schema            ";

struct OddList;

fn tool(name: &str, schema: &str) -> ToolInfo {
    ToolInfo {
        name: name.into(),
        description: format!("The {name} tool."),
        input_schema: schema.into(),
        read_only: true,
    }
}

impl Guest for OddList {
    fn list_tools() -> Vec<ToolInfo> {
        // SAFETY: a read of a static; volatile so its bytes stay in data.
        let mode = unsafe { std::ptr::read_volatile(&MODE) };
        if mode.starts_with(b"odd-list-mode=spin") {
            let mut x: u64 = 0;
            loop {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        }
        vec![
            tool("fine", r#"{"type":"object","properties":{}}"#),
            tool("shout", r#"{"type":"string"}"#),
            tool("listy", "[]"),
            tool("bare", r#"{"properties":{"text":{"type":"string"}}}"#),
        ]
    }

    fn call_tool(name: String, arguments: String) -> Result<String, ToolError> {
        match name.as_str() {
            "fine" | "shout" | "listy" | "bare" => Ok(arguments),
            _ => Err(ToolError::UnknownTool(name)),
        }
    }
}

export!(OddList);
