//! `plugin!`: the one macro a plugin needs.

/// Defines the tools and hooks of a plugin and exports them as the
/// component's `quire:plugin/tools` interface (`list-tools` and
/// `call-tool`) and its `quire:plugin/hooks` interface (`handle`).
///
/// Each tool is a function written inside the macro, taking one argument
/// whose type is `Deserialize + JsonSchema` (a struct: the model sends a
/// JSON object) and returning `Result<T, E>` where `T` is `String`,
/// [`Json<_>`](crate::Json) or `serde_json::Value` and `E` converts into
/// [`ToolError`](crate::ToolError):
///
/// ```
/// use quire_sdk::prelude::*;
///
/// #[derive(Deserialize, JsonSchema)]
/// struct CountArgs {
///     /// The text to count words in.
///     text: String,
/// }
///
/// quire_sdk::plugin! {
///     /// Counts the words of a text.
///     #[tool(read_only)]
///     fn word_count(args: CountArgs) -> Result<String, ToolError> {
///         Ok(args.text.split_whitespace().count().to_string())
///     }
/// }
/// # fn main() {
/// # assert!(TOOLBOX.list()[0].read_only);
/// # }
/// ```
///
/// - The function's name is the tool's name (lowercase letters, digits,
///   `_`; checked while compiling).
/// - Its doc comment is the description the model reads (required).
/// - `#[tool(read_only)]`, after the doc comment, marks a tool that only
///   reads, so the host may run it alongside other reads. A bare `#[tool]`
///   is the same as no attribute.
///
/// Only doc comments and `#[tool]` / `#[tool(...)]` may precede a tool's
/// `fn`. These
/// mistakes stop the build with a message saying what to fix: a tool
/// without a doc comment, a name that is not lowercase, an unknown option.
///
/// ```compile_fail
/// # use quire_sdk::prelude::*;
/// # #[derive(Deserialize, JsonSchema)] struct A {}
/// quire_sdk::plugin! {
///     fn undocumented(_a: A) -> Result<String, ToolError> { Ok(String::new()) }
/// }
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// # use quire_sdk::prelude::*;
/// # #[derive(Deserialize, JsonSchema)] struct A {}
/// quire_sdk::plugin! {
///     /// Shouts.
///     fn Shout(_a: A) -> Result<String, ToolError> { Ok(String::new()) }
/// }
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// # use quire_sdk::prelude::*;
/// # #[derive(Deserialize, JsonSchema)] struct A {}
/// quire_sdk::plugin! {
///     /// Runs fast.
///     #[tool(fast)]
///     fn run(_a: A) -> Result<String, ToolError> { Ok(String::new()) }
/// }
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// # use quire_sdk::prelude::*;
/// # #[derive(Deserialize, JsonSchema)] struct A {}
/// quire_sdk::plugin! {
///     /// Runs.
///     #[tool(read_only = true)]
///     fn run(_a: A) -> Result<String, ToolError> { Ok(String::new()) }
/// }
/// # fn main() {}
/// ```
///
/// A hook is a function marked `#[hook]` (every event that reaches the
/// plugin) or `#[hook(PreToolUse, …)]` (only those events), taking a
/// [`HookEvent`](crate::hook::HookEvent) and returning a
/// [`HookDecision`](crate::hook::HookDecision) (or `Result<HookDecision,
/// E>`, `E: Display`); see [`hook`](crate::hook). Which events reach the
/// plugin its `plugin.toml` declares (`[[hooks]]`):
///
/// ```
/// use quire_sdk::prelude::*;
///
/// quire_sdk::plugin! {
///     /// Refuses `rm -rf /`.
///     #[hook(PreToolUse)]
///     fn guard(event: HookEvent) -> HookDecision {
///         let command = event.tool_input().and_then(|i| i["command"].as_str()).unwrap_or("");
///         if command.contains("rm -rf /") {
///             HookDecision::block("not the root folder")
///         } else {
///             HookDecision::allow()
///         }
///     }
/// }
/// # fn main() {
/// let event = HookEvent::new("PreToolUse", r#"{"tool_input": {"command": "rm -rf /"}}"#);
/// assert_eq!(HOOKS.handle(&event).unwrap().block.as_deref(), Some("not the root folder"));
/// # }
/// ```
///
/// The functions stay ordinary functions of the module (call them in
/// tests). The macro also defines `TOOLBOX`, a
/// [`Toolbox`](crate::tool::Toolbox) that tests can call with JSON text as
/// the host would, and `HOOKS`, a [`Hookbox`](crate::hook::Hookbox).
/// Invoke the macro once per plugin, in the crate root.
#[macro_export]
macro_rules! plugin {
    ($($items:tt)+) => {
        $crate::__plugin_items! { [] [] $($items)+ }
    };
}

/// Reads the items of [`plugin!`] one by one (tools and hooks in any
/// order), then defines `TOOLBOX`, `HOOKS` and the component's exports.
#[doc(hidden)]
#[macro_export]
macro_rules! __plugin_items {
    // A hook: `#[hook]` or `#[hook(Event, …)]`.
    ([$($tools:tt)*] [$($hooks:tt)*]
        $(#[doc = $doc:literal])*
        #[hook $(($($event:ident),* $(,)?))?]
        fn $name:ident ( $arg:ident : $argty:ty $(,)? ) -> $ret:ty $body:block
        $($rest:tt)*
    ) => {
        $(#[doc = $doc])*
        fn $name($arg: $argty) -> $ret $body

        $crate::__plugin_items! {
            [$($tools)*] [$($hooks)* ($name [$($($event)*)?])] $($rest)*
        }
    };
    // A tool.
    ([$($tools:tt)*] [$($hooks:tt)*]
        $(#[doc = $doc:literal])*
        $(#[tool $(($($option:ident),* $(,)?))?])?
        fn $name:ident ( $arg:ident : $args:ty $(,)? ) -> $ret:ty $body:block
        $($rest:tt)*
    ) => {
        $(#[doc = $doc])*
        fn $name($arg: $args) -> $ret $body

        const _: () = {
            if !$crate::tool::valid_tool_name(::core::stringify!($name)) {
                ::core::panic!(::core::concat!(
                    "tool name `", ::core::stringify!($name),
                    "`: use lowercase letters, digits and `_`, starting with a letter"
                ));
            }
            let doc: &[&str] = &[$($doc),*];
            if doc.is_empty() {
                ::core::panic!(::core::concat!(
                    "tool `", ::core::stringify!($name),
                    "` needs a doc comment: it is the description the model reads"
                ));
            }
        };

        $crate::__plugin_items! {
            [$($tools)* ($name [$($doc)*] [false $($($(|| $crate::__tool_option!($option))*)?)?] $args)]
            [$($hooks)*]
            $($rest)*
        }
    };
    // A `#[tool ...]` of another form: say which forms there are.
    ([$($tools:tt)*] [$($hooks:tt)*]
        $(#[doc = $doc:literal])*
        #[tool $($bad:tt)*]
        $($rest:tt)*
    ) => {
        ::core::compile_error!(::core::concat!(
            "`#[tool", $(" ", ::core::stringify!($bad),)* "]` is not a tool attribute: ",
            "write `#[tool]`, `#[tool(read_only)]` or nothing before the tool's `fn`"
        ));
    };
    // Everything read.
    ([$( ($tname:ident [$($tdoc:literal)*] [$($ro:tt)*] $targs:ty) )*]
     [$( ($hname:ident [$($hevent:ident)*]) )*]) => {
        /// The tools of this plugin, as `quire_sdk::plugin!` registered them.
        #[allow(dead_code)]
        pub(crate) static TOOLBOX: $crate::tool::Toolbox = $crate::tool::Toolbox::new({
            const TOOLS: &[$crate::tool::Tool] = &[$(
                $crate::tool::Tool {
                    name: ::core::stringify!($tname),
                    doc: &[$($tdoc),*],
                    read_only: $($ro)*,
                    schema: $crate::tool::schema_json::<$targs>,
                    call: |arguments| {
                        $crate::tool::invoke(::core::stringify!($tname), arguments, $tname)
                    },
                },
            )*];
            TOOLS
        });

        /// The hooks of this plugin, as `quire_sdk::plugin!` registered them.
        #[allow(dead_code)]
        pub(crate) static HOOKS: $crate::hook::Hookbox = $crate::hook::Hookbox::new({
            const HOOKS: &[$crate::hook::Hook] = &[$(
                $crate::hook::Hook {
                    name: ::core::stringify!($hname),
                    events: &[$(::core::stringify!($hevent)),*],
                    call: |event| $crate::hook::invoke($hname, event),
                },
            )*];
            HOOKS
        });

        #[doc(hidden)]
        mod __quire_plugin_export {
            use $crate::bindings::exports::quire::plugin::hooks as wit_hooks;
            use $crate::bindings::exports::quire::plugin::tools as wit;

            struct Plugin;

            impl wit::Guest for Plugin {
                fn list_tools() -> ::std::vec::Vec<wit::ToolInfo> {
                    super::TOOLBOX.list().into_iter().map(::core::convert::Into::into).collect()
                }

                fn call_tool(
                    name: ::std::string::String,
                    arguments: ::std::string::String,
                ) -> ::core::result::Result<::std::string::String, wit::ToolError> {
                    super::TOOLBOX
                        .call(&name, &arguments)
                        .map_err(::core::convert::Into::into)
                }
            }

            impl wit_hooks::Guest for Plugin {
                fn handle(
                    event: wit_hooks::HookEvent,
                ) -> ::core::result::Result<wit_hooks::HookDecision, ::std::string::String> {
                    let event = $crate::hook::HookEvent::new(&event.name, &event.payload);
                    super::HOOKS.handle(&event).map(::core::convert::Into::into)
                }
            }

            $crate::bindings::__export_plugin!(Plugin with_types_in $crate::bindings);
        }
    };
}

/// The options of `#[tool(...)]`; each is `true` when given.
#[doc(hidden)]
#[macro_export]
macro_rules! __tool_option {
    (read_only) => {
        true
    };
    ($other:ident) => {
        ::core::compile_error!(::core::concat!(
            "unknown tool option `",
            ::core::stringify!($other),
            "`; the only option is `read_only`"
        ))
    };
}
