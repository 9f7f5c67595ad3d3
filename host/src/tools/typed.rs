//! Builtin tools declared by type: a tool is its arguments struct
//! (`Deserialize + JsonSchema`) plus one function ([`TypedTool::run`]).
//! [`Typed`] turns that into a [`Tool`] whose parameters are the schema
//! schemars generates, tidied to what the model needs.

use std::future::Future;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};

/// A tool described by its arguments type.
pub trait TypedTool: Send + Sync + 'static {
    /// The arguments the model passes; their schema is the tool's parameters.
    type Args: DeserializeOwned + JsonSchema + Send;
    const NAME: &'static str;
    const DESCRIPTION: &'static str;
    /// Only reads (may run concurrently with other read-only calls).
    const READ_ONLY: bool;
    /// May destroy data (hints for approval and MCP clients).
    const DESTRUCTIVE: bool;

    /// Runs one call with decoded arguments.
    fn run(
        &self,
        args: Self::Args,
        ctx: &ToolContext,
    ) -> impl Future<Output = Result<ToolOutput, ToolError>> + Send;

    /// Adjusts the generated parameters (a description that depends on how
    /// the tool was built).
    fn adjust_schema(&self, _parameters: &mut Value) {}

    /// The error for arguments that do not decode into `Args`.
    fn invalid_arguments(e: serde_json::Error) -> ToolError {
        ToolError::InvalidArguments(e.to_string())
    }
}

/// A [`TypedTool`] as a [`Tool`].
pub struct Typed<T> {
    spec: ToolSpec,
    tool: T,
}

impl<T: TypedTool> Typed<T> {
    /// Wraps `tool`, generating its spec once.
    pub fn of(tool: T) -> Self {
        let mut parameters = parameters_for::<T::Args>();
        tool.adjust_schema(&mut parameters);
        let spec = ToolSpec {
            name: T::NAME.into(),
            description: T::DESCRIPTION.into(),
            parameters,
            read_only: T::READ_ONLY,
            destructive: T::DESTRUCTIVE,
        };
        Typed { spec, tool }
    }

    /// The wrapped tool.
    pub fn inner(&self) -> &T {
        &self.tool
    }
}

impl<T: TypedTool + Default> Typed<T> {
    pub fn new() -> Self {
        Self::of(T::default())
    }
}

impl<T: TypedTool + Default> Default for Typed<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait::async_trait]
impl<T: TypedTool> Tool for Typed<T> {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, args: Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let args: T::Args = serde_json::from_value(args).map_err(T::invalid_arguments)?;
        self.tool.run(args, ctx).await
    }
}

/// The JSON Schema of `A` as the model sees it: subschemas inlined, no
/// `$schema`, `title`, `format` or `default`, optional fields without a
/// `null` alternative (absent means default), no description at the top
/// (the tool has its own), and `required` always present. Kept small:
/// tool schemas are paid for in every request.
pub fn parameters_for<A: JsonSchema>() -> Value {
    let schema = SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<A>();
    let mut value = schema.to_value();
    tidy(&mut value);
    if let Value::Object(root) = &mut value {
        root.remove("description");
        root.entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    value
}

/// `parameters_for::<A>()` without `required` when nothing is required:
/// for tools whose schema never listed it (what the model was always sent).
pub fn parameters_without_empty_required<A: JsonSchema>() -> Value {
    let mut value = parameters_for::<A>();
    if let Value::Object(root) = &mut value
        && root
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
    {
        root.remove("required");
    }
    value
}

/// Drops what the model does not need from a schema, recursively (the
/// names under `properties` are field names, never dropped).
fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in ["$schema", "title", "format", "default"] {
                map.remove(key);
            }
            // `"type": ["string", "null"]` → `"type": "string"`.
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            // `"anyOf": [S, {"type": "null"}]` → S.
            if let Some(Value::Array(any)) = map.get("anyOf") {
                let mut rest = any
                    .iter()
                    .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"));
                if let (Some(Value::Object(inner)), None) = (rest.next().cloned(), rest.next()) {
                    map.remove("anyOf");
                    for (k, v) in inner {
                        map.entry(k).or_insert(v);
                    }
                }
            }
            if let Some(Value::Array(members)) = map.get_mut("enum") {
                members.retain(|m| !m.is_null());
            }
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("properties" | "$defs", Value::Object(fields)) => {
                        fields.values_mut().for_each(tidy);
                    }
                    ("enum" | "const" | "required" | "examples", _) => {}
                    (_, child) => tidy(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
