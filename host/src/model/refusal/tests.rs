use super::*;
use crate::model::WireApi;

fn provider() -> ProviderConfig {
    ProviderConfig {
        name: "local".into(),
        wire_api: WireApi::Chat,
        base_url: "http://127.0.0.1:1/v1".into(),
        api_key_env: None,
        api_key: None,
        headers: Default::default(),
        default_model: "m".into(),
        connect_timeout_secs: 1,
        stream_idle_timeout_secs: 1,
        stream_usage: true,
        thinking_budget: None,
        base_url_from: None,
    }
}

fn said(body: &str) -> String {
    explained(body, &provider())
}

#[test]
fn the_servers_message_comes_first() {
    let text = said(
        r#"{"error":{"message":"registry.ollama.ai/library/gemma:2b does not support tools","type":"api_error","param":null,"code":null}}"#,
    );
    assert!(
        text.starts_with("registry.ollama.ai/library/gemma:2b does not support tools ("),
        "{text}"
    );
    assert!(text.contains("cannot call tools"), "{text}");
    assert!(!text.contains("base_url"), "{text}");
}

#[test]
fn a_field_the_server_names_is_the_hint() {
    let cases = [
        (
            r#"{"object":"error","message":"[{'type': 'extra_forbidden', 'loc': ('body', 'stream_options'), 'msg': 'Extra inputs are not permitted'}]","type":"BadRequestError","param":null,"code":400}"#,
            "stream_usage = false in providers.local",
        ),
        (
            r#"{"object":"error","message":"Extra inputs are not permitted: stream_options","type":"BadRequestError","code":400}"#,
            "stream_usage = false",
        ),
        (
            r#"{"error":{"message":"Unknown parameter: 'max_tokens'.","type":"invalid_request_error","param":"max_tokens"}}"#,
            "max_output_tokens",
        ),
        (
            r#"{"error":{"message":"Unrecognized request argument supplied: parallel_tool_calls"}}"#,
            "the server refused parallel_tool_calls of the request",
        ),
        (
            r#"{"type":"error","error":{"type":"invalid_request_error","message":"messages.1.content.0: unexpected `tool_use_id` found in `tool_result` blocks"}}"#,
            "the server refused messages.1.content.0 of the conversation",
        ),
        (
            r#"{"type":"error","error":{"type":"invalid_request_error","message":"tools.3.custom.name: String should match pattern"}}"#,
            "turn off the plugin or MCP server",
        ),
    ];
    for (body, want) in cases {
        let text = said(body);
        assert!(text.contains(want), "{body}\n{text}");
        assert!(!text.contains("check the model name"), "{text}");
    }
}

#[test]
fn vllm_without_tool_calling_says_how_to_start_it() {
    let text = said(
        r#"{"object":"error","message":"\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set","type":"BadRequestError","code":400}"#,
    );
    assert!(
        text.contains("start vLLM with --enable-auto-tool-choice"),
        "{text}"
    );
}

#[test]
fn the_generic_hint_only_when_nothing_better_is_known() {
    for body in [
        r#"{"error":{"message":"bad request: model not found"}}"#,
        "Bad Request",
        "",
    ] {
        let text = said(body);
        assert!(
            text.contains("provider local refused the request: check the model name")
                && text.contains("wire_api = \"chat\" of providers.local"),
            "{text}"
        );
    }
}
