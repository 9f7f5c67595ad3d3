//! `call_tool`: calls a tool of the session by name. With tool selection
//! on, the tool list a session sends stays as first sent (tools are the
//! first part of every prompt, so changing them would make the provider
//! re-read the whole prompt); a tool that becomes needed later is described
//! in the history and called through this one. The registry resolves a
//! `call_tool` call to the named tool before anything else sees it, so
//! hooks, approvals, events and the JSON stream all see the real tool.

use schemars::JsonSchema;
use serde_json::Value;

use super::ToolSpec;
use super::typed::parameters_for;
use crate::protocol::ToolCall;

pub const NAME: &str = "call_tool";

const DESCRIPTION: &str = "Calls a tool of this session that is not in your tool list: one described in the conversation (after a message, or found by `tool_search`). Give its exact `name` and its `arguments` as an object matching the parameters described for it.";

/// The `call_tool` arguments, for their schema: [`resolve`] reads them
/// by hand, as models also send `arguments` as a JSON string.
#[derive(JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
#[allow(dead_code)]
struct Args {
    /// The exact name of the tool to call.
    name: String,
    /// The tool's arguments.
    #[serde(default)]
    #[schemars(schema_with = "any_object")]
    arguments: Option<Value>,
}

/// `{"type": "object"}`: any arguments object.
fn any_object(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "object"})
}

/// The `call_tool` spec.
pub fn spec() -> ToolSpec {
    ToolSpec {
        name: NAME.into(),
        description: DESCRIPTION.into(),
        parameters: parameters_for::<Args>(),
        read_only: false,
        destructive: false,
    }
}

/// The call `call_tool` stands for: same call id, the named tool and its
/// arguments. Any other call is returned as it is. The error is for the
/// model.
pub fn resolve(call: &ToolCall) -> Result<ToolCall, String> {
    if call.name != NAME {
        return Ok(call.clone());
    }
    let usage = "call `call_tool` with {\"name\": \"TOOL\", \"arguments\": {...}}";
    let args: Value = serde_json::from_str(&call.arguments)
        .map_err(|e| format!("the arguments of `{NAME}` are not valid JSON ({e}); {usage}"))?;
    let name = args
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| format!("`{NAME}` needs the tool's `name`; {usage}"))?;
    if name == NAME {
        return Err(format!("`{NAME}` cannot call itself; {usage}"));
    }
    let arguments = match args.get("arguments") {
        None | Some(Value::Null) => "{}".to_string(),
        // Some models send the arguments as a JSON string.
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    Ok(ToolCall {
        call_id: call.call_id.clone(),
        name: name.to_string(),
        arguments,
    })
}

/// The tool a call in the history stands for (`call_tool` resolved).
pub fn target(call_name: &str, arguments: &str) -> Option<String> {
    if call_name != NAME {
        return Some(call_name.to_string());
    }
    let args: Value = serde_json::from_str(arguments).ok()?;
    args.get("name").and_then(Value::as_str).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(name: &str, arguments: &str) -> ToolCall {
        ToolCall {
            call_id: "c1".into(),
            name: name.into(),
            arguments: arguments.into(),
        }
    }

    #[test]
    fn resolves_to_the_named_tool_with_its_arguments() {
        let r = resolve(&call(
            NAME,
            r#"{"name":"mcp__jira__create","arguments":{"title":"x"}}"#,
        ))
        .unwrap();
        assert_eq!(r.call_id, "c1");
        assert_eq!(r.name, "mcp__jira__create");
        assert_eq!(
            serde_json::from_str::<Value>(&r.arguments).unwrap(),
            json!({"title": "x"})
        );
    }

    #[test]
    fn arguments_may_be_missing_or_a_json_string() {
        assert_eq!(
            resolve(&call(NAME, r#"{"name":"t"}"#)).unwrap().arguments,
            "{}"
        );
        assert_eq!(
            resolve(&call(NAME, r#"{"name":"t","arguments":"{\"a\":1}"}"#))
                .unwrap()
                .arguments,
            r#"{"a":1}"#
        );
    }

    #[test]
    fn other_calls_pass_unchanged() {
        let c = call("shell", r#"{"command":"ls"}"#);
        assert_eq!(resolve(&c).unwrap(), c);
    }

    #[test]
    fn bad_calls_say_how_to_call_it() {
        for bad in [
            "not json",
            "{}",
            r#"{"name":""}"#,
            r#"{"name":"call_tool"}"#,
        ] {
            let e = resolve(&call(NAME, bad)).unwrap_err();
            assert!(e.contains("\"name\": \"TOOL\""), "{bad}: {e}");
        }
    }

    #[test]
    fn target_names_the_real_tool() {
        assert_eq!(
            target(NAME, r#"{"name":"mcp__a__b"}"#).as_deref(),
            Some("mcp__a__b")
        );
        assert_eq!(target("shell", "{}").as_deref(), Some("shell"));
        assert_eq!(target(NAME, "nope"), None);
    }
}
