//! `plugin!` as a plugin crate uses it, checked through the `TOOLBOX` it
//! defines (what `list-tools` and `call-tool` answer).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use quire_sdk::prelude::*;
use serde_json::{Value, json};

/// Text to work on.
#[derive(Deserialize, JsonSchema)]
struct TextArgs {
    /// Any text.
    text: String,
}

#[derive(Deserialize, JsonSchema)]
struct NoArgs {}

#[derive(Serialize)]
struct Stats {
    words: usize,
    chars: usize,
}

quire_sdk::plugin! {
    /// Blocks `rm -rf`, rewrites `ls` to `ls -a`.
    #[hook(PreToolUse)]
    fn guard(event: HookEvent) -> HookDecision {
        match event.tool_input().and_then(|i| i["command"].as_str()) {
            Some(c) if c.contains("rm -rf") => HookDecision::block("no rm -rf"),
            Some("ls") => HookDecision::rewrite(json!({"command": "ls -a"})).with_context("rewrote ls"),
            _ => HookDecision::allow(),
        }
    }

    #[hook]
    fn note(event: HookEvent) -> Result<HookDecision, ToolError> {
        if event.name == "Stop" {
            return Err(ToolError::failed("cannot stop"));
        }
        Ok(HookDecision::context(format!("seen {}", event.name)))
    }

    /// Counts words and characters.
    ///
    /// Returns JSON.
    #[tool(read_only)]
    fn stats(args: TextArgs) -> Result<Json<Stats>, ToolError> {
        Ok(Json(Stats {
            words: args.text.split_whitespace().count(),
            chars: args.text.chars().count(),
        }))
    }

    /// Shouts the text back.
    fn shout(args: TextArgs) -> Result<String, ToolError> {
        if args.text.is_empty() {
            return Err(ToolError::invalid_arguments("`text` is empty; send some text"));
        }
        info!("shouting {} bytes", args.text.len());
        Ok(args.text.to_uppercase())
    }

    /// Fails on purpose.
    #[tool(read_only,)]
    fn broken(_args: NoArgs) -> Result<Value, std::io::Error> {
        Err(std::io::Error::other("the disk is on fire"))
    }

    /// Says pong. (A bare `#[tool]` is the same as none.)
    #[tool]
    fn ping(_args: NoArgs) -> String {
        "pong".to_owned()
    }
}

#[test]
fn lists_every_tool_with_its_doc_schema_and_hint() {
    let list = TOOLBOX.list();
    let names: Vec<&str> = list.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["stats", "shout", "broken", "ping"]);
    assert_eq!(
        list[0].description,
        "Counts words and characters.\n\nReturns JSON."
    );
    let read_only: Vec<bool> = list.iter().map(|t| t.read_only).collect();
    assert_eq!(read_only, [true, false, true, false]);

    let schema: Value = serde_json::from_str(&list[0].input_schema).unwrap();
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["description"], "Text to work on.");
    assert_eq!(schema["properties"]["text"]["description"], "Any text.");
    assert_eq!(schema["required"], json!(["text"]));
    let empty: Value = serde_json::from_str(&list[3].input_schema).unwrap();
    assert_eq!(empty["type"], "object");
}

#[test]
fn calls_decode_arguments_and_encode_results() {
    let out = TOOLBOX
        .call("stats", r#"{"text": "héllo big world"}"#)
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"words": 3, "chars": 15})
    );
    assert_eq!(TOOLBOX.call("shout", r#"{"text": "hi"}"#).unwrap(), "HI");
    assert_eq!(TOOLBOX.call("ping", "").unwrap(), "pong");
    // The functions stay plain functions.
    assert_eq!(ping(NoArgs {}), "pong");
}

#[test]
fn errors_reach_the_host_as_tool_errors() {
    let err = TOOLBOX.call("stats", r#"{"txt": "typo"}"#).unwrap_err();
    assert!(
        matches!(&err, ToolError::InvalidArguments(m) if m.contains("`stats`") && m.contains("missing field `text`")),
        "{err:?}"
    );
    assert_eq!(
        TOOLBOX.call("shout", r#"{"text": ""}"#).unwrap_err(),
        ToolError::invalid_arguments("`text` is empty; send some text")
    );
    assert_eq!(
        TOOLBOX.call("broken", "{}").unwrap_err(),
        ToolError::failed("the disk is on fire")
    );
    assert!(matches!(
        TOOLBOX.call("nope", "{}").unwrap_err(),
        ToolError::UnknownTool(m) if m.contains("stats, shout, broken, ping")
    ));
}

#[test]
fn hooks_run_in_order_for_their_events_and_a_block_ends_the_run() {
    assert_eq!(HOOKS.names(), ["guard", "note"]);
    let ev = |name: &str, command: &str| {
        HookEvent::new(
            name,
            &json!({"tool_input": {"command": command}}).to_string(),
        )
    };
    let d = HOOKS.handle(&ev("PreToolUse", "rm -rf /")).unwrap();
    assert_eq!(d.block.as_deref(), Some("no rm -rf"));
    assert!(d.additional_context.is_none(), "a block ends the run");
    let d = HOOKS.handle(&ev("PreToolUse", "ls")).unwrap();
    assert_eq!(d.updated_input, Some(json!({"command": "ls -a"})));
    assert_eq!(
        d.additional_context.as_deref(),
        Some("rewrote ls\nseen PreToolUse")
    );
    let d = HOOKS.handle(&ev("PostToolUse", "rm -rf /")).unwrap();
    assert_eq!(d, HookDecision::context("seen PostToolUse"));
    let err = HOOKS.handle(&ev("Stop", "")).unwrap_err();
    assert!(err.contains("note") && err.contains("cannot stop"), "{err}");
}
