//! Write quire plugins in Rust.
//!
//! A quire plugin is a WebAssembly component for the world
//! `quire:plugin/plugin@0.2.0` (in `wit/world.wit`), built with
//! `cargo build --target wasm32-wasip2`. With this crate a tool is a
//! function taking a `Deserialize + JsonSchema` argument type, inside one
//! [`plugin!`] invocation:
//!
//! ```
//! use quire_sdk::{ToolError, plugin};
//! use schemars::JsonSchema;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct Args {
//!     /// The text to count words in.
//!     text: String,
//! }
//!
//! plugin! {
//!     /// Counts the words of a text.
//!     #[tool(read_only)]
//!     fn word_count(args: Args) -> Result<String, ToolError> {
//!         Ok(args.text.split_whitespace().count().to_string())
//!     }
//! }
//!
//!
//! # fn main() {
//! // What the host sees, callable in tests:
//! assert_eq!(TOOLBOX.list()[0].name, "word_count");
//! assert_eq!(TOOLBOX.call("word_count", r#"{"text": "a b c"}"#).unwrap(), "3");
//! # }
//! ```
//!
//! A plugin may also handle hook events with `#[hook]` functions (see
//! [`hook`] and [`plugin!`]).
//!
//! Also here: logging into quire's log ([`info!`], [`warn!`], ...), a small
//! HTTP client ([`http`]) and [`ToolError`], which every error of a tool
//! becomes. The README is a tutorial from an empty folder to an installed
//! plugin.
//!
//! Everything except the calls into the host builds and runs on the host
//! target as well, so plugins can unit-test their tools with `cargo test`.

pub mod error;
pub mod fs;
pub mod hook;
pub mod http;
pub mod log;
mod macros;
pub mod tool;

pub use error::{Context, ToolError};
pub use hook::{HookDecision, HookEvent};
pub use tool::{Json, ToolInfo};

/// The bindings wit-bindgen generates for `wit/world.wit`. [`plugin!`]
/// uses them; plugins rarely need them directly.
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit",
        world: "quire:plugin/plugin",
        pub_export_macro: true,
        export_macro_name: "__export_plugin",
        default_bindings_module: "quire_sdk::bindings",
    });
}

/// The version of the WIT world this SDK builds plugins for.
pub const WORLD_VERSION: &str = "0.2.0";

/// What most plugins import: `use quire_sdk::prelude::*;`.
pub mod prelude {
    pub use crate::error::{Context, ToolError};
    pub use crate::hook::{HookDecision, HookEvent};
    pub use crate::tool::Json;
    pub use crate::{debug, error, info, plugin, trace, warn};
    pub use schemars::JsonSchema;
    pub use serde::{Deserialize, Serialize};
}

#[cfg(test)]
mod tests {
    #[test]
    fn world_version_matches_the_wit_package() {
        let wit = include_str!("../wit/world.wit");
        let package = format!("package quire:plugin@{};", super::WORLD_VERSION);
        assert!(
            wit.contains(&package),
            "world.wit does not declare {package}"
        );
    }
}
