//! The files of a new plugin crate. `{{name}}` is the plugin name, `{{lib}}`
//! its library name (the `.wasm` file stem), `{{sdk}}` the `quire-sdk`
//! dependency as TOML, `{{sdk_note}}` what the README says about it.

use std::borrow::Cow;

/// `(path inside the crate, contents)` of every file but the SDK's;
/// `embedded_sdk`: the SDK is copied into the crate as `quire-sdk/`.
pub(super) fn files(
    name: &str,
    sdk_dependency: &str,
    embedded_sdk: bool,
) -> Vec<(String, Cow<'static, str>)> {
    let lib = name.replace('-', "_");
    let note = if embedded_sdk {
        SDK_NOTE_EMBEDDED
    } else {
        SDK_NOTE_PATH
    };
    let fill = |template: &str| {
        Cow::Owned(
            template
                .replace("{{sdk_note}}", note)
                .replace("{{name}}", name)
                .replace("{{lib}}", &lib)
                .replace("{{sdk}}", sdk_dependency),
        )
    };
    vec![
        ("Cargo.toml".into(), fill(CARGO_TOML)),
        (
            "Cargo.lock".into(),
            Cow::Borrowed(super::embedded_sdk::LOCK),
        ),
        ("src/lib.rs".into(), fill(LIB_RS)),
        ("plugin.toml".into(), fill(PLUGIN_TOML)),
        ("README.md".into(), fill(README)),
        (".gitignore".into(), fill(GITIGNORE)),
    ]
}

const SDK_NOTE_EMBEDDED: &str = "`quire-sdk` is not on crates.io: `quire plugins new` copied the SDK of \
the quire that made this crate into `quire-sdk/`, and `Cargo.toml` uses it \
by path (`quire-sdk = { path = \"quire-sdk\" }`). Keep the folder with the \
crate; `Cargo.lock` pins the versions of its dependencies.";

const SDK_NOTE_PATH: &str = "`quire-sdk` is not on crates.io: this crate was made inside a checkout \
of quire, so `Cargo.toml` uses that checkout's `sdk/` by relative path. \
Moving the crate elsewhere breaks that path; make it again with \
`quire plugins new` outside the checkout to get a copy of the SDK.";

const CARGO_TOML: &str = r#"[package]
name = "{{name}}"
version = "0.1.0"
edition = "2024"
description = "A quire plugin"
publish = false

[lib]
# A WebAssembly component: build with --target wasm32-wasip2.
crate-type = ["cdylib"]

[dependencies]
quire-sdk = {{sdk}}
schemars = "1"
serde = { version = "1", features = ["derive"] }

# Small components that quire compiles quickly.
[profile.release]
opt-level = "s"
strip = "debuginfo"

# This crate builds on its own, even inside another Cargo workspace.
[workspace]
"#;

const LIB_RS: &str = r##"//! {{name}}: a quire plugin. Each function inside `plugin!` is a tool the
//! model can call; its doc comment is the description the model reads.

use quire_sdk::prelude::*;

/// The arguments of `greet`.
#[derive(Deserialize, JsonSchema)]
struct GreetArgs {
    /// Who to greet.
    name: String,
    /// Shout the greeting.
    #[serde(default)]
    loud: bool,
}

quire_sdk::plugin! {
    /// Greets someone by name. (An example: replace it with your own tool.)
    #[tool(read_only)]
    fn greet(args: GreetArgs) -> Result<String, ToolError> {
        if args.name.trim().is_empty() {
            return Err(ToolError::invalid_arguments("`name` is empty; say who to greet"));
        }
        quire_sdk::info!("greeting {}", args.name);
        let text = format!("Hello, {}!", args.name);
        Ok(if args.loud { text.to_uppercase() } else { text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_through_the_toolbox() {
        let out = TOOLBOX.call("greet", r#"{"name": "Ada", "loud": true}"#).unwrap();
        assert_eq!(out, "HELLO, ADA!");
        let err = TOOLBOX.call("greet", r#"{"name": " "}"#).unwrap_err();
        assert!(matches!(err, ToolError::InvalidArguments(_)));
    }
}
"##;

const PLUGIN_TOML: &str = r#"# What quire needs to run this plugin. `quire plugins add .` shows the
# permissions and asks before installing.
name = "{{name}}"
version = "0.1.0"
description = "Greets people (replace with what your tools do)."
# The component, next to this file (see README.md for the build).
component = "{{lib}}.wasm"

# Nothing is granted unless listed here.
[permissions]
# Folders: { path = "${workspace}" | "${plugin}" | "${tmp}" | "/abs/path", access = "ro" | "rw" }
fs = []
# Hosts for outgoing HTTP, e.g. ["api.example.com", "*.example.org"]
net = []
# Environment variables the plugin may read, e.g. ["API_TOKEN"]
env = []

[limits]
memory_mb = 64
timeout_ms = 10000
output_kb = 1024
"#;

const README: &str = r#"# {{name}}

A [quire](https://github.com/) plugin written with `quire-sdk`.

{{sdk_note}}

## Build

```sh
rustup target add wasm32-wasip2          # once
cargo build --release --target wasm32-wasip2
cp target/wasm32-wasip2/release/{{lib}}.wasm .
```

`cargo test` runs the tools' unit tests on your machine (no WebAssembly
needed).

## Try and install

```sh
quire plugins inspect .            # tools, schemas, permissions, limits
quire plugins add .                # install (shows the permissions, asks to accept)
quire plugins call {{name}} greet '{"name": "Ada"}'   # run one tool directly
```

The model then sees the tool as `{{name}}__greet`.

Tools are functions inside `quire_sdk::plugin! { ... }` in `src/lib.rs`;
`plugin.toml` declares what the plugin may touch (`[permissions]`) and its
`[limits]`. See the `quire-sdk` README for logging, HTTP and errors.
"#;

const GITIGNORE: &str = "/target\n*.wasm\n";
