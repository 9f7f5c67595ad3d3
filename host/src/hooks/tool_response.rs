//! What a Claude Code hook sees as `tool_response` (and a Claude-layout
//! transcript as `toolUseResult`): Claude Code's fields per tool, beside
//! quire's own (`output`, `is_error`, `structured`).
//!
//! - `Bash`: `stdout` (what the command printed), `stderr` (empty: quire
//!   runs a command with both on one pipe), `interrupted`, `isImage`.
//! - `Read`: `type: "text"`, `file` with `filePath`, `content` (the lines
//!   shown, without their numbers), `numLines`, `startLine`, `totalLines`.
//! - `Write` (a file a patch adds): `type: "create"`, `filePath`,
//!   `content`, `structuredPatch`, `originalFile`.
//! - `Edit` (a file a patch updates, deletes or moves): `filePath`,
//!   `oldString`, `newString`, `originalFile`, `structuredPatch`,
//!   `userModified`, `replaceAll`.
//! - `TodoWrite`: `oldTodos`, `newTodos` (`content`, `status`,
//!   `activeForm`).
//! - `Agent`: `content` (`[{type: "text", text}]`), `status`.
//!
//! Other tools (`Grep`, `Glob`, MCP tools, plugin tools) keep quire's
//! fields only.

use serde_json::{Map, Value, json};

use super::tool_input::ToolView;

/// quire's fields of a tool's result: what its own hooks get.
pub fn native(text: &str, is_error: bool, structured: Option<&Value>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("output".into(), text.into());
    m.insert("is_error".into(), is_error.into());
    if let Some(s) = structured {
        m.insert("structured".into(), s.clone());
    }
    m
}

/// `native` (quire's fields, as [`native`] makes them) with Claude Code's
/// fields for `view` of a call to `quire_name` added.
pub fn claude(quire_name: &str, view: &ToolView, native: &Map<String, Value>) -> Value {
    let mut m = native.clone();
    let text = native.get("output").and_then(Value::as_str).unwrap_or("");
    let structured = native.get("structured");
    let input = &view.claude_input;
    let file_path = input.get("file_path").cloned().unwrap_or(Value::Null);
    let text_of = |k: &str| input.get(k).cloned().unwrap_or_else(|| "".into());
    let extra = match (quire_name, view.claude_name.as_str()) {
        ("shell", _) => {
            let signal = structured
                .and_then(|s| s.get("signal"))
                .is_some_and(|s| !s.is_null());
            json!({
                "stdout": crate::tools::shell::result_text::printed(text),
                "stderr": "",
                "interrupted": signal,
                "isImage": false,
            })
        }
        ("read_file", _) => read(text, file_path),
        ("apply_patch", "Write") => json!({
            "type": "create",
            "filePath": file_path,
            "content": text_of("content"),
            "structuredPatch": [],
            "originalFile": null,
        }),
        ("apply_patch", _) => json!({
            "filePath": file_path,
            "oldString": text_of("old_string"),
            "newString": text_of("new_string"),
            "originalFile": null,
            "structuredPatch": [],
            "userModified": false,
            "replaceAll": false,
        }),
        ("update_plan", _) => json!({
            "oldTodos": [],
            "newTodos": todos(structured),
        }),
        ("spawn_agent", _) => json!({
            "content": [{"type": "text", "text": text}],
            "status": "completed",
        }),
        _ => Value::Null,
    };
    if let Value::Object(extra) = extra {
        m.extend(extra);
    }
    Value::Object(m)
}

/// `Read`'s result from read_file's text (`     N\tline` per line).
fn read(text: &str, file_path: Value) -> Value {
    let mut content = String::new();
    let (mut start, mut count) = (None, 0u64);
    for line in text.lines() {
        let Some((number, rest)) = line.split_once('\t') else {
            continue;
        };
        let Ok(n) = number.trim().parse::<u64>() else {
            continue;
        };
        start.get_or_insert(n);
        count += 1;
        content.push_str(rest);
        content.push('\n');
    }
    let start = start.unwrap_or(1);
    json!({
        "type": "text",
        "file": {
            "filePath": file_path,
            "content": content,
            "numLines": count,
            "startLine": start,
            "totalLines": (start + count).saturating_sub(1),
        }
    })
}

/// `update_plan`'s steps as TodoWrite's todos.
fn todos(structured: Option<&Value>) -> Value {
    let steps = structured
        .and_then(|s| s.get("plan"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    steps
        .iter()
        .map(|s| {
            let step = s.get("step").cloned().unwrap_or_else(|| "".into());
            json!({
                "content": step,
                "status": s.get("status").cloned().unwrap_or_else(|| "pending".into()),
                "activeForm": step,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::hooks::tool_input::ToolViews;

    fn shown(name: &str, args: Value, text: &str, structured: Option<Value>) -> Vec<Value> {
        let views = ToolViews::new(name, &args, Path::new("/w"));
        let native = native(text, false, structured.as_ref());
        views
            .views
            .iter()
            .map(|v| claude(name, v, &native))
            .collect()
    }

    #[test]
    fn mapped_tools_answer_in_claude_code_fields_beside_quire_own() {
        let bash = shown(
            "shell",
            json!({"command": "echo hi"}),
            "Exit code: 0\nWall time: 0.0 s\nOutput:\nhi\n",
            Some(json!({"exit_code": 0, "signal": null})),
        );
        assert_eq!(bash[0]["stdout"], "hi\n");
        assert_eq!(bash[0]["stderr"], "");
        assert_eq!(bash[0]["interrupted"], false);
        assert_eq!(
            bash[0]["output"],
            "Exit code: 0\nWall time: 0.0 s\nOutput:\nhi\n"
        );
        let read = shown(
            "read_file",
            json!({"path": "a.txt", "offset": 2}),
            "     2\tb\n     3\tc\n",
            None,
        );
        assert_eq!(
            read[0]["file"],
            json!({"filePath": "/w/a.txt", "content": "b\nc\n", "numLines": 2, "startLine": 2, "totalLines": 3})
        );
        assert_eq!(read[0]["type"], "text");
        let patch = "*** Begin Patch\n*** Add File: n.txt\n+x\n*** Update File: o.txt\n@@\n-a\n+b\n*** End Patch\n";
        let p = shown("apply_patch", json!({"patch": patch}), "Success.", None);
        assert_eq!(p[0]["type"], "create");
        assert_eq!(p[0]["filePath"], "/w/n.txt");
        assert_eq!(p[0]["content"], "x\n");
        assert_eq!(p[1]["filePath"], "/w/o.txt");
        assert_eq!(
            (&p[1]["oldString"], &p[1]["newString"]),
            (&json!("a\n"), &json!("b\n"))
        );
        let plan = shown(
            "update_plan",
            json!({"plan": []}),
            "Plan updated.",
            Some(json!({"plan": [{"step": "test", "status": "in_progress"}]})),
        );
        assert_eq!(
            plan[0]["newTodos"],
            json!([{"content": "test", "status": "in_progress", "activeForm": "test"}])
        );
        // A tool without a Claude counterpart keeps quire's fields only.
        let mcp = shown("mcp__s__t", json!({}), "done", None);
        assert_eq!(mcp[0], json!({"output": "done", "is_error": false}));
    }
}
