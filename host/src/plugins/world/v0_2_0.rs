//! The world `quire:plugin@0.2.0`, from the frozen copy in
//! `wit/0.2.0/world.wit`: 0.1.0 plus the `hooks` export (a plugin handles
//! hook events). The same text as `sdk/wit/world.wit` while 0.2.0 is the
//! newest version; a test keeps them equal.

use wasmtime::Store;
use wasmtime::component::{HasSelf, InstancePre, Linker};

use super::{GuestError, HookCall, HookReply, ToolInfo};
use crate::plugins::state::{LogLevel, PluginState};

mod bindings {
    #![allow(unused_variables)]
    wasmtime::component::bindgen!({
        path: "src/plugins/world/wit/0.2.0",
        world: "plugin",
        exports: { default: async },
    });
}

use bindings::exports::quire::plugin::tools as guest;
use bindings::quire::plugin::{log, types};

pub const VERSION: &str = "0.2.0";

impl log::Host for PluginState {
    fn log(&mut self, level: log::Level, message: String) {
        let level = match level {
            log::Level::Trace => LogLevel::Trace,
            log::Level::Debug => LogLevel::Debug,
            log::Level::Info => LogLevel::Info,
            log::Level::Warn => LogLevel::Warn,
            log::Level::Error => LogLevel::Error,
        };
        let plugin = self.plugin.clone();
        self.log.push(&plugin, level, message);
    }
}

impl types::Host for PluginState {}

/// Adds this version's imports (`log@0.2.0`) to the linker.
pub fn add_to_linker(linker: &mut Linker<PluginState>) -> wasmtime::Result<()> {
    bindings::Plugin::add_to_linker::<PluginState, HasSelf<PluginState>>(linker, |s| s)
}

/// A component of this version, linked and ready to instantiate.
pub struct Pre(bindings::PluginPre<PluginState>);

impl Pre {
    pub fn new(pre: InstancePre<PluginState>) -> wasmtime::Result<Pre> {
        Ok(Pre(bindings::PluginPre::new(pre)?))
    }

    pub async fn list_tools(
        &self,
        store: &mut Store<PluginState>,
    ) -> wasmtime::Result<Vec<ToolInfo>> {
        let plugin = self.0.instantiate_async(&mut *store).await?;
        let tools = plugin
            .quire_plugin_tools()
            .call_list_tools(&mut *store)
            .await?;
        Ok(tools
            .into_iter()
            .map(|t| ToolInfo {
                name: t.name,
                description: t.description,
                input_schema: t.input_schema,
                read_only: t.read_only,
            })
            .collect())
    }

    pub async fn call_tool(
        &self,
        store: &mut Store<PluginState>,
        name: &str,
        arguments: &str,
    ) -> wasmtime::Result<Result<String, GuestError>> {
        let plugin = self.0.instantiate_async(&mut *store).await?;
        let r = plugin
            .quire_plugin_tools()
            .call_call_tool(&mut *store, name, arguments)
            .await?;
        Ok(r.map_err(|e| match e {
            guest::ToolError::InvalidArguments(m) => GuestError::InvalidArguments(m),
            guest::ToolError::UnknownTool(m) => GuestError::UnknownTool(m),
            guest::ToolError::Failed(m) => GuestError::Failed(m),
        }))
    }

    pub async fn handle_hook(
        &self,
        store: &mut Store<PluginState>,
        call: &HookCall<'_>,
    ) -> wasmtime::Result<Result<HookReply, String>> {
        let plugin = self.0.instantiate_async(&mut *store).await?;
        let event = types::HookEvent {
            name: call.event.to_string(),
            payload: call.payload.to_string(),
        };
        let r = plugin
            .quire_plugin_hooks()
            .call_handle(&mut *store, &event)
            .await?;
        Ok(r.map(|d| HookReply {
            block: d.block,
            updated_input: d.updated_input,
            additional_context: d.additional_context,
            system_message: d.system_message,
        }))
    }
}
