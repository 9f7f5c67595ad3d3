//! An answer that is a tool call written as text: the model called a
//! tool, but the server did not turn its output into `tool_calls` (a
//! llama.cpp server started without `--jinja`, vLLM without a tool-call
//! parser, an Ollama model whose template has no tools). Nothing runs, so
//! the task must not end as done.

use serde_json::Value;

/// The markers models write a tool call with when the server leaves it as
/// text.
const MARKERS: &[&str] = &[
    "<tool_call>",
    "<function=",
    "[TOOL_CALLS]",
    "<|python_tag|>",
    "<|tool_call",
    "<tool_calls>",
];

/// How `text` starts when it is a tool call written as text: the marker,
/// or the JSON object naming one of `tools`. `None` for an answer.
pub fn written_call(text: &str, tools: &[String]) -> Option<String> {
    let start = text.trim_start();
    if let Some(marker) = MARKERS.iter().find(|m| start.starts_with(**m)) {
        return Some((*marker).to_string());
    }
    if !start.starts_with('{') {
        return None;
    }
    let mut values = serde_json::Deserializer::from_str(start).into_iter::<Value>();
    let first = values.next()?.ok()?;
    let name = first.get("name")?.as_str()?;
    let has_arguments = first.get("arguments").is_some() || first.get("parameters").is_some();
    (has_arguments && tools.iter().any(|t| t == name))
        .then(|| format!("{{\"name\": \"{name}\", …}}"))
}

/// The task's failure when the answer was a written call starting with
/// `start`.
pub fn failure(start: &str) -> String {
    format!(
        "the model wrote a tool call as text (its answer starts with {start}) and the server did not \
         turn it into a call, so nothing was run. The server must parse tool calls: start \
         llama-server with --jinja, vLLM with --enable-auto-tool-choice --tool-call-parser NAME, \
         or use an Ollama model whose template supports tools (README: A local server)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tools() -> Vec<String> {
        vec!["shell".into(), "apply_patch".into()]
    }

    #[test]
    fn marked_calls_are_written_calls() {
        let text =
            "<tool_call>{\"name\": \"shell\", \"arguments\": {\"command\": \"ls\"}}</tool_call>";
        assert_eq!(written_call(text, &tools()).as_deref(), Some("<tool_call>"));
        assert!(written_call("\n [TOOL_CALLS][{\"name\":\"shell\"}]", &tools()).is_some());
    }

    #[test]
    fn a_bare_json_call_counts_only_for_a_sent_tool() {
        let call = "{\"name\": \"shell\", \"arguments\": {\"command\": \"ls\"}}";
        assert!(written_call(call, &tools()).is_some());
        let other = "{\"name\": \"weather\", \"arguments\": {}}";
        assert_eq!(written_call(other, &tools()), None);
        assert_eq!(written_call("{\"name\": \"shell\"}", &tools()), None);
    }

    #[test]
    fn answers_that_mention_calls_are_answers() {
        let text = "Done. I ran `ls`; a server shows calls as <tool_call> when…";
        assert_eq!(written_call(text, &tools()), None);
        assert_eq!(written_call("{not json", &tools()), None);
    }
}
