//! The plugin world, one module per released version, side by side: a
//! component says which version it targets by the name of the interface it
//! exports (`quire:plugin/tools@0.1.0`); the host runs every version in
//! [`SUPPORTED`] and refuses others, naming both.

pub mod v0_1_0;
pub mod v0_2_0;

use wasmtime::component::{Component, InstancePre, Linker};
use wasmtime::{Engine, Store};

use super::state::PluginState;

/// The WIT package of the world.
pub const PACKAGE: &str = "quire:plugin";

/// Every world version this host runs, oldest first. A new version gets a
/// module next to `v0_1_0` and a line here; old plugins keep working.
pub const SUPPORTED: &[&str] = &[v0_1_0::VERSION, v0_2_0::VERSION];

/// One tool as a plugin describes it (all versions map to this).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolInfo {
    pub name: String,
    pub description: String,
    pub input_schema: String,
    pub read_only: bool,
}

/// The `tool-error` a plugin returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuestError {
    InvalidArguments(String),
    UnknownTool(String),
    Failed(String),
}

/// One hook event for a plugin's `hooks` export (world 0.2.0 and later).
#[derive(Debug, Clone, Copy)]
pub struct HookCall<'a> {
    /// The event name (`PreToolUse`, …).
    pub event: &'a str,
    /// The hook input, a JSON object as text.
    pub payload: &'a str,
}

/// The `hook-decision` a plugin returned; nothing set means "go on".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookReply {
    pub block: Option<String>,
    pub updated_input: Option<String>,
    pub additional_context: Option<String>,
    pub system_message: Option<String>,
}

/// Why a component is not a plugin this host can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorldMismatch {
    /// It exports no `quire:plugin/tools` interface.
    NotAPlugin,
    /// It targets a version this host does not know.
    Unsupported { found: String },
}

impl WorldMismatch {
    pub fn explain(&self) -> String {
        let supported = SUPPORTED
            .iter()
            .map(|v| format!("{PACKAGE}@{v}"))
            .collect::<Vec<_>>()
            .join(", ");
        match self {
            WorldMismatch::NotAPlugin => format!(
                "it does not export {PACKAGE}/tools: build it for the world in sdk/wit ({supported})"
            ),
            WorldMismatch::Unsupported { found } => format!(
                "it targets the world {PACKAGE}@{found}, but this quire supports {supported}: rebuild the plugin with a quire-sdk for {supported}, or update quire"
            ),
        }
    }
}

/// The world version `component` targets, if this host supports it.
pub fn version_of(component: &Component, engine: &Engine) -> Result<&'static str, WorldMismatch> {
    let ty = component.component_type();
    let prefix = format!("{PACKAGE}/tools");
    let mut found = None;
    for (name, _) in ty.exports(engine) {
        if let Some(rest) = name.strip_prefix(&prefix) {
            found = Some(rest.strip_prefix('@').unwrap_or("").to_string());
            break;
        }
    }
    let found = found.ok_or(WorldMismatch::NotAPlugin)?;
    SUPPORTED
        .iter()
        .find(|v| **v == found)
        .copied()
        .ok_or(WorldMismatch::Unsupported {
            found: if found.is_empty() {
                "(no version)".to_string()
            } else {
                found
            },
        })
}

/// Adds the imports of every supported version to `linker`.
pub fn add_to_linker(linker: &mut Linker<PluginState>) -> wasmtime::Result<()> {
    v0_1_0::add_to_linker(linker)?;
    v0_2_0::add_to_linker(linker)
}

/// A linked component of some supported version.
pub enum PluginPre {
    V0_1_0(v0_1_0::Pre),
    V0_2_0(v0_2_0::Pre),
}

impl PluginPre {
    pub fn new(version: &str, pre: InstancePre<PluginState>) -> wasmtime::Result<PluginPre> {
        match version {
            v0_1_0::VERSION => Ok(PluginPre::V0_1_0(v0_1_0::Pre::new(pre)?)),
            v0_2_0::VERSION => Ok(PluginPre::V0_2_0(v0_2_0::Pre::new(pre)?)),
            other => Err(wasmtime::Error::msg(format!(
                "world version {other} has no bindings"
            ))),
        }
    }

    /// Instantiates into `store` and lists the tools.
    pub async fn list_tools(
        &self,
        store: &mut Store<PluginState>,
    ) -> wasmtime::Result<Vec<ToolInfo>> {
        match self {
            PluginPre::V0_1_0(p) => p.list_tools(store).await,
            PluginPre::V0_2_0(p) => p.list_tools(store).await,
        }
    }

    /// Instantiates into `store` and runs one tool.
    pub async fn call_tool(
        &self,
        store: &mut Store<PluginState>,
        name: &str,
        arguments: &str,
    ) -> wasmtime::Result<Result<String, GuestError>> {
        match self {
            PluginPre::V0_1_0(p) => p.call_tool(store, name, arguments).await,
            PluginPre::V0_2_0(p) => p.call_tool(store, name, arguments).await,
        }
    }

    /// Whether components of this version can handle hook events.
    pub fn has_hooks(&self) -> bool {
        !matches!(self, PluginPre::V0_1_0(_))
    }

    /// Instantiates into `store` and handles one hook event. `Ok(Err)` is
    /// the plugin's own error; a version without `hooks` answers "go on".
    pub async fn handle_hook(
        &self,
        store: &mut Store<PluginState>,
        call: &HookCall<'_>,
    ) -> wasmtime::Result<Result<HookReply, String>> {
        match self {
            PluginPre::V0_1_0(_) => Ok(Ok(HookReply::default())),
            PluginPre::V0_2_0(p) => p.handle_hook(store, call).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The newest supported version's frozen WIT is the SDK's WIT.
    #[test]
    fn newest_frozen_world_is_the_sdk_world() {
        let newest = SUPPORTED.last().copied().unwrap_or_default();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let frozen =
            std::fs::read_to_string(root.join(format!("src/plugins/world/wit/{newest}/world.wit")))
                .unwrap();
        let sdk = std::fs::read_to_string(root.join("../sdk/wit/world.wit")).unwrap();
        assert_eq!(
            frozen, sdk,
            "sdk/wit/world.wit changed: freeze the new version next to {newest}"
        );
        assert!(sdk.contains(&format!("package {PACKAGE}@{newest};")));
    }

    #[test]
    fn mismatch_names_both_versions() {
        let m = WorldMismatch::Unsupported {
            found: "0.9.0".into(),
        };
        let text = m.explain();
        assert!(text.contains("quire:plugin@0.9.0"), "{text}");
        assert!(text.contains("quire:plugin@0.1.0"), "{text}");
        assert!(text.contains("quire:plugin@0.2.0"), "{text}");
    }
}
