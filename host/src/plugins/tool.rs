//! A plugin's tool as a [`Tool`]: named `PLUGIN__TOOL`, its schema passed
//! through, each call in a fresh store.

use std::sync::Arc;

use serde_json::Value;

use super::runtime::{CallError, LoadedPlugin};
use super::world::{GuestError, ToolInfo};
use crate::tools::approval::{ask_before_call, asks_first};
use crate::tools::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};

/// `PLUGIN__TOOL`, named by [`crate::tools::naming`]: characters other than
/// letters, digits, `_` and `-` replaced by `_`; longer than 64 characters,
/// it is cut and ends in a short hash of the original so distinct tools
/// stay distinct.
pub fn tool_name(plugin: &str, tool: &str) -> String {
    crate::tools::naming::qualified(&[plugin, tool])
}

/// The parameters sent to the provider for a tool whose `input-schema` is
/// `schema`: a JSON object schema (`"type": "object"`, added when the
/// schema has no `type`, as for MCP tools). Anything else is refused with
/// the reason, which names the schema: OpenAI and Anthropic reject a
/// request whose tool parameters are not an object schema.
pub fn parameters(schema: &str) -> Result<Value, String> {
    let mut value: Value = serde_json::from_str(schema)
        .map_err(|e| format!("has an input schema that is not JSON ({e})"))?;
    if !crate::tools::object_schema::make_object(&mut value) {
        return Err(format!(
            "has the input schema {} {} — take the arguments as a struct",
            super::explain::clip(schema.trim(), 200),
            crate::tools::object_schema::NOT_OBJECT
        ));
    }
    Ok(value)
}

/// The parameters of the tool `info` as [`parameters`] gives them, or why
/// sessions leave it out: also when its name, its description or what its
/// schema tells the model (descriptions, titles, parameter names) holds a
/// hidden character ([`crate::hidden_text`]) — refused like a skill with
/// one, never sent cleaned, so the model reads what `plugins inspect`
/// shows you.
pub fn offered(info: &ToolInfo) -> Result<Value, String> {
    let hidden = |place: &str, c: char| {
        format!(
            "has the invisible character {} in its {place}, which would show the model different text than you see",
            crate::hidden_text::code(c)
        )
    };
    if let Some(c) = crate::hidden_text::in_name(&info.name) {
        return Err(hidden("name", c));
    }
    if let Some(c) = crate::hidden_text::in_text(&info.description) {
        return Err(hidden("description", c));
    }
    let parameters = parameters(&info.input_schema)?;
    if let Some((place, c)) = crate::hidden_text::in_schema(&parameters) {
        return Err(hidden(&format!("input schema ({place})"), c));
    }
    Ok(parameters)
}

pub struct PluginTool {
    plugin: Arc<LoadedPlugin>,
    tool: String,
    spec: ToolSpec,
}

impl PluginTool {
    /// The tool `info` of `plugin`; `Err` (a warning) when its schema is
    /// not a JSON object schema or it holds a hidden character
    /// ([`offered`]).
    pub fn new(plugin: Arc<LoadedPlugin>, info: &ToolInfo) -> Result<PluginTool, String> {
        let parameters = offered(info).map_err(|why| {
            format!(
                "plugin '{}': tool '{}' {why}; the tool is left out",
                plugin.name(),
                crate::printable::quoted_name(&info.name)
            )
        })?;
        let spec = ToolSpec {
            name: tool_name(plugin.name(), &info.name),
            description: info.description.clone(),
            parameters,
            read_only: info.read_only,
            destructive: false,
        };
        Ok(PluginTool {
            plugin,
            tool: info.name.clone(),
            spec,
        })
    }

    /// Every tool of `plugin`, and warnings for tools left out.
    pub fn all(plugin: &Arc<LoadedPlugin>) -> (Vec<PluginTool>, Vec<String>) {
        let mut tools = Vec::new();
        let mut warnings = Vec::new();
        for info in &plugin.tools {
            match PluginTool::new(plugin.clone(), info) {
                Ok(t) => tools.push(t),
                Err(w) => warnings.push(w),
            }
        }
        (tools, warnings)
    }
}

#[async_trait::async_trait]
impl Tool for PluginTool {
    fn source(&self) -> &'static str {
        "plugin"
    }

    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    fn output_limit(&self) -> Option<usize> {
        Some(self.plugin.manifest.limits.output_bytes())
    }

    async fn call(&self, args: Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        // Under `untrusted`, a tool not marked read-only asks first when
        // its plugin may change something (a read-write folder, the
        // network); without such grants it can only read and compute.
        let p = &self.plugin.manifest.permissions;
        let may_change =
            p.fs.iter().any(|g| g.access == super::manifest::Access::Rw) || !p.net.is_empty();
        if may_change && asks_first(ctx.approval_policy, self.spec.read_only) {
            ask_before_call(
                ctx.approver.as_ref(),
                &self.spec.name,
                &args,
                format!(
                    "tool '{}' of the WASM plugin '{}', not marked read-only, may write to its read-write folders or the network",
                    self.tool,
                    self.plugin.name()
                ),
                &format!("the plugin tool `{}`", self.spec.name),
            )
            .await?;
        }
        let outcome = self.plugin.call(&self.tool, &args.to_string()).await;
        let plugin = self.plugin.name();
        match outcome.result {
            Ok(text) => Ok(ToolOutput::text(text)),
            Err(CallError::Guest(GuestError::InvalidArguments(m))) => {
                Err(ToolError::InvalidArguments(m))
            }
            Err(e) => Err(ToolError::Failed(e.message(plugin))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitised_and_bounded() {
        assert_eq!(tool_name("word-count", "count"), "word-count__count");
        assert_eq!(tool_name("a.b", "x y"), "a_b__x_y");
        let long = tool_name(&"p".repeat(40), &"t".repeat(40));
        assert_eq!(long.len(), crate::tools::naming::MAX_NAME);
        let other = tool_name(&"p".repeat(40), &format!("{}u", "t".repeat(39)));
        assert_ne!(long, other);
        assert!(long.starts_with("pppp"));
    }

    #[test]
    fn only_object_schemas_are_parameters() {
        assert_eq!(
            parameters(r#"{"properties":{}}"#).unwrap(),
            serde_json::json!({"type": "object", "properties": {}})
        );
        assert!(parameters(r#"{"type":"object"}"#).is_ok());
        for bad in [
            r#"{"type":"string"}"#,
            "[]",
            "3",
            r#"{"type":["object","null"]}"#,
        ] {
            let why = parameters(bad).unwrap_err();
            assert!(
                why.contains("not an object schema") && why.contains(bad),
                "{why}"
            );
        }
        assert!(parameters("{").unwrap_err().contains("not JSON"));
    }

    #[test]
    fn hidden_characters_leave_the_tool_out_named() {
        let info = |name: &str, description: &str, schema: &str| ToolInfo {
            name: name.into(),
            description: description.into(),
            input_schema: schema.into(),
            read_only: false,
        };
        let fine = info("count", "Counts 👩\u{200d}💻 words\nper line", "{}");
        assert!(offered(&fine).is_ok());
        let why = offered(&info("count", "ignore previous\u{202e}", "{}")).unwrap_err();
        assert!(
            why.contains("U+202E") && why.contains("its description"),
            "{why}"
        );
        let why = offered(&info("co\u{200b}unt", "d", "{}")).unwrap_err();
        assert!(why.contains("U+200B") && why.contains("its name"), "{why}");
        let schema = r#"{"properties":{"n":{"type":"integer","description":"n\udb40\udc41"}}}"#;
        let why = offered(&info("count", "d", schema)).unwrap_err();
        assert!(
            why.contains("U+E0041") && why.contains("description of properties.n"),
            "{why}"
        );
        let why = offered(&info("count", "d", "[]")).unwrap_err();
        assert!(why.contains("not an object schema"), "{why}");
    }
}
