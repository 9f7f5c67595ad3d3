//! `plugin!`: the one macro a plugin needs.

/// Defines the tools of a plugin and exports them as the component's
/// `quire:plugin/tools` interface (`list-tools` and `call-tool`).
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
///   reads, so the host may run it alongside other reads.
///
/// Only doc comments and `#[tool(...)]` may precede a tool's `fn`. These
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
/// The functions stay ordinary functions of the module (call them in
/// tests). The macro also defines `TOOLBOX`, a
/// [`Toolbox`](crate::tool::Toolbox) that tests can call with JSON text as
/// the host would. Invoke the macro once per plugin, in the crate root.
#[macro_export]
macro_rules! plugin {
    ($(
        $(#[doc = $doc:literal])*
        $(#[tool($($option:ident),* $(,)?)])?
        fn $name:ident ( $arg:ident : $args:ty $(,)? ) -> $ret:ty $body:block
    )+) => {
        $(
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
        )+

        /// The tools of this plugin, as `quire_sdk::plugin!` registered them.
        #[allow(dead_code)]
        pub(crate) static TOOLBOX: $crate::tool::Toolbox = $crate::tool::Toolbox::new({
            const TOOLS: &[$crate::tool::Tool] = &[$(
                $crate::tool::Tool {
                    name: ::core::stringify!($name),
                    doc: &[$($doc),*],
                    read_only: false $($(|| $crate::__tool_option!($option))*)?,
                    schema: $crate::tool::schema_json::<$args>,
                    call: |arguments| {
                        $crate::tool::invoke(::core::stringify!($name), arguments, $name)
                    },
                },
            )+];
            TOOLS
        });

        #[doc(hidden)]
        mod __quire_plugin_export {
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
