//! Tools and the table of them that [`crate::plugin!`] builds: listing,
//! argument decoding, dispatch. Everything here is plain Rust, so it runs
//! (and is tested) on the host target as well as inside a plugin.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ToolError;

/// One tool, as [`crate::plugin!`] registers it.
pub struct Tool {
    /// The name the model calls it by (the function's name).
    pub name: &'static str,
    /// The lines of the function's doc comment.
    pub doc: &'static [&'static str],
    /// The tool only reads.
    pub read_only: bool,
    /// JSON Schema of the arguments, as JSON text.
    pub schema: fn() -> String,
    /// Decodes the arguments, runs the function, encodes its result.
    pub call: fn(&str) -> Result<String, ToolError>,
}

impl Tool {
    /// The description the model reads: the doc comment as one text.
    pub fn description(&self) -> String {
        description_from_doc(self.doc)
    }
}

/// What `list-tools` reports for one tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolInfo {
    pub name: String,
    pub description: String,
    /// JSON Schema of the arguments object, as JSON text.
    pub input_schema: String,
    pub read_only: bool,
}

impl From<ToolInfo> for crate::bindings::quire::plugin::types::ToolInfo {
    fn from(info: ToolInfo) -> Self {
        Self {
            name: info.name,
            description: info.description,
            input_schema: info.input_schema,
            read_only: info.read_only,
        }
    }
}

/// The tools of a plugin. [`crate::plugin!`] defines one as `TOOLBOX`,
/// which plugin tests can call with JSON exactly as the host would:
/// `TOOLBOX.call("word_count", r#"{"text": "a b"}"#)`.
pub struct Toolbox {
    tools: &'static [Tool],
}

impl Toolbox {
    pub const fn new(tools: &'static [Tool]) -> Self {
        Self { tools }
    }

    pub fn tools(&self) -> &'static [Tool] {
        self.tools
    }

    /// `list-tools`: name, description, schema and read-only hint of each.
    pub fn list(&self) -> Vec<ToolInfo> {
        self.tools
            .iter()
            .map(|t| ToolInfo {
                name: t.name.to_owned(),
                description: t.description(),
                input_schema: (t.schema)(),
                read_only: t.read_only,
            })
            .collect()
    }

    /// `call-tool`: runs the tool `name` with `arguments` (a JSON object).
    pub fn call(&self, name: &str, arguments: &str) -> Result<String, ToolError> {
        match self.tools.iter().find(|t| t.name == name) {
            Some(tool) => (tool.call)(arguments),
            None => {
                let known: Vec<&str> = self.tools.iter().map(|t| t.name).collect();
                Err(ToolError::UnknownTool(format!(
                    "this plugin has no tool `{name}`; its tools are: {}",
                    known.join(", ")
                )))
            }
        }
    }
}

/// What a tool function may return: `Result<T, E>` where `T` is a `String`
/// (text for the model), [`Json`] (serialised) or `serde_json::Value`, and
/// `E` converts into [`ToolError`].
pub trait IntoToolResult {
    fn into_tool_result(self) -> Result<String, ToolError>;
}

/// A tool result sent to the model as JSON text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Json<T>(pub T);

/// The text a tool returns, before any error is considered.
pub trait ToolOutput {
    fn into_text(self) -> Result<String, ToolError>;
}

impl ToolOutput for String {
    fn into_text(self) -> Result<String, ToolError> {
        Ok(self)
    }
}

impl ToolOutput for &'static str {
    fn into_text(self) -> Result<String, ToolError> {
        Ok(self.to_owned())
    }
}

impl ToolOutput for serde_json::Value {
    fn into_text(self) -> Result<String, ToolError> {
        Ok(self.to_string())
    }
}

impl<T: Serialize> ToolOutput for Json<T> {
    fn into_text(self) -> Result<String, ToolError> {
        serde_json::to_string(&self.0)
            .map_err(|e| ToolError::failed(format!("could not encode the result as JSON: {e}")))
    }
}

impl<T: ToolOutput, E: Into<ToolError>> IntoToolResult for Result<T, E> {
    fn into_tool_result(self) -> Result<String, ToolError> {
        self.map_err(Into::into)?.into_text()
    }
}

/// A tool that cannot fail may return its text directly.
impl IntoToolResult for String {
    fn into_tool_result(self) -> Result<String, ToolError> {
        Ok(self)
    }
}

impl<T: Serialize> IntoToolResult for Json<T> {
    fn into_tool_result(self) -> Result<String, ToolError> {
        self.into_text()
    }
}

/// Decodes `arguments` into `A`: the error names the tool and says what
/// to send instead. Empty text counts as `{}` (a tool without arguments).
/// Anything but a JSON object is refused, also when `A` could be read
/// from it (serde reads a struct from an array of its fields, a `String`
/// from a JSON string): a tool's input schema is an object schema.
pub fn decode_arguments<A: DeserializeOwned>(tool: &str, arguments: &str) -> Result<A, ToolError> {
    let text = if arguments.trim().is_empty() {
        "{}"
    } else {
        arguments
    };
    if !text.trim_start().starts_with('{')
        && let Some(kind) = json_kind(text)
    {
        return Err(ToolError::InvalidArguments(format!(
            "the arguments of `{tool}` are {kind}, not a JSON object; \
             send one JSON object as its input schema describes"
        )));
    }
    serde_json::from_str(text).map_err(|e| {
        ToolError::InvalidArguments(format!(
            "the arguments of `{tool}` do not fit its input schema: {e}; \
             send one JSON object as the schema describes"
        ))
    })
}

/// What kind of JSON value `text` is (`an array`), or `None` when it is
/// not JSON (the decoder then says where it breaks).
fn json_kind(text: &str) -> Option<&'static str> {
    Some(
        match serde_json::from_str::<serde_json::Value>(text).ok()? {
            serde_json::Value::Null => "null",
            serde_json::Value::Bool(_) => "a boolean",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::String(_) => "a string",
            serde_json::Value::Array(_) => "an array",
            serde_json::Value::Object(_) => "an object",
        },
    )
}

/// Decodes the arguments, runs `f`, turns its result into text or an error.
pub fn invoke<A, R>(tool: &str, arguments: &str, f: fn(A) -> R) -> Result<String, ToolError>
where
    A: DeserializeOwned,
    R: IntoToolResult,
{
    f(decode_arguments(tool, arguments)?).into_tool_result()
}

/// The JSON Schema of `A` as the model sees it: draft 2020-12, subschemas
/// inlined, no `$schema` or `title` (the tool has its own name and
/// description).
pub fn schema_for<A: JsonSchema>() -> serde_json::Value {
    let mut schema = SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<A>();
    schema.remove("title");
    schema.to_value()
}

/// [`schema_for`] as JSON text (what `list-tools` carries).
pub fn schema_json<A: JsonSchema>() -> String {
    schema_for::<A>().to_string()
}

/// Joins doc comment lines (`/// text` arrives as `" text"`) into one text:
/// the one leading space of each line is dropped, blank lines at the ends
/// too.
pub fn description_from_doc(lines: &[&str]) -> String {
    let text: Vec<&str> = lines
        .iter()
        .flat_map(|l| l.split('\n'))
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end())
        .collect();
    text.join("\n").trim().to_owned()
}

/// A valid tool name: 1 to 64 of lowercase ASCII letters, digits, `_`, `-`,
/// starting with a letter. `const` so [`crate::plugin!`] checks it while
/// compiling.
pub const fn valid_tool_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > 64 || !bytes[0].is_ascii_lowercase() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-') {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
#[path = "tool_tests.rs"]
mod tests;
