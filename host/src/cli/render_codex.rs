//! `--json=codex`: the event stream as `codex exec --json` prints it, so a
//! CI script written for Codex CLI reads quire's run unchanged.
//!
//! Codex's stream is made of a thread (`thread.started`), one turn per task
//! (`turn.started`, then `turn.completed` with the task's usage or
//! `turn.failed`) and items (`item.started` / `item.updated` /
//! `item.completed`, each `{id, type, …}`): `agent_message`, `reasoning`,
//! `command_execution`, `file_change`, `mcp_tool_call`, `todo_list`,
//! `collab_tool_call` and `error` (a warning). Quire's round trips
//! (`turn_started`), deltas, hooks, retries and compactions have no Codex
//! counterpart and are left out; a subagent's own events too (Codex shows
//! the spawn and its end). Quire's tools Codex has no item for (read_file,
//! grep, list_dir, view_image, skill…) are `mcp_tool_call` items of the
//! server `quire`.

use std::collections::HashMap;
use std::path::Path;

use quire::agent::Event;
use quire::protocol::{CallStatus, PlanStep, TaskState, Usage};
use quire::tools::shell::result_text;
use serde_json::{Value, json};

use super::pipe::out;
use super::render::Renderer;

/// A JSON object whose keys keep the order given (`type` first, as Codex
/// prints them); quire's `serde_json` sorts a `Value`'s keys.
struct Obj(Vec<(&'static str, Value)>);

impl serde::Serialize for Obj {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One line of the stream: `{"type": KIND, …fields}`.
fn line(kind: &str, fields: Vec<(&'static str, Value)>) -> String {
    let mut all = vec![("type", Value::from(kind))];
    all.extend(fields);
    serde_json::to_string(&Obj(all)).unwrap_or_default()
}

/// What a tool call became, kept from its start to its end.
enum Open {
    Command {
        id: String,
        command: String,
    },
    Patch {
        id: String,
    },
    Tool {
        id: String,
        server: String,
        tool: String,
        arguments: Value,
    },
    /// update_plan and the subagent tools: their own events say it.
    Silent,
}

type Fields = Vec<(&'static str, Value)>;

#[derive(Default)]
pub struct CodexJsonRenderer {
    next_item: u64,
    cwd: String,
    started: bool,
    /// Lines said before the thread started (Codex's first event).
    early: Vec<String>,
    reasoning: String,
    calls: HashMap<String, Open>,
    /// The to-do list's item id and its steps, once a plan was given.
    todo: Option<(String, Value)>,
    /// Each running subagent's item id and task.
    agents: HashMap<String, (String, String)>,
    /// The last error said: why a failed task failed.
    last_error: Option<String>,
}

impl CodexJsonRenderer {
    fn item_id(&mut self) -> String {
        let id = format!("item_{}", self.next_item);
        self.next_item += 1;
        id
    }

    fn emit(&mut self, line: String) {
        if !self.started {
            self.early.push(line);
            return;
        }
        out(&format!("{line}\n"));
    }

    /// `item.started` / `item.updated` / `item.completed` of the item
    /// `{id, type, …fields}`.
    fn item(&mut self, event: &str, id: &str, kind: &str, fields: Fields) {
        let mut all = vec![("id", Value::from(id)), ("type", Value::from(kind))];
        all.extend(fields);
        let item = serde_json::to_string(&Obj(all)).unwrap_or_default();
        self.emit(format!(r#"{{"type":"{event}","item":{item}}}"#));
    }

    fn flush_reasoning(&mut self) {
        if self.reasoning.trim().is_empty() {
            self.reasoning.clear();
            return;
        }
        let text = std::mem::take(&mut self.reasoning);
        let id = self.item_id();
        self.item(
            "item.completed",
            &id,
            "reasoning",
            vec![("text", text.into())],
        );
    }

    fn tool_started(&mut self, call_id: &str, name: &str, arguments: &Value) {
        let open = match name {
            "shell" => {
                let command = match &arguments["command"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let id = self.item_id();
                self.item(
                    "item.started",
                    &id,
                    "command_execution",
                    command_fields(&command, "", None, "in_progress"),
                );
                Open::Command { id, command }
            }
            "apply_patch" => Open::Patch { id: self.item_id() },
            "update_plan" | "spawn_agent" | "wait_agents" | "send_agent" | "close_agent" => {
                Open::Silent
            }
            _ => {
                let (server, tool) = server_and_tool(name);
                let id = self.item_id();
                self.item(
                    "item.started",
                    &id,
                    "mcp_tool_call",
                    tool_fields(
                        &server,
                        &tool,
                        arguments,
                        Value::Null,
                        Value::Null,
                        "in_progress",
                    ),
                );
                Open::Tool {
                    id,
                    server,
                    tool,
                    arguments: arguments.clone(),
                }
            }
        };
        self.calls.insert(call_id.to_string(), open);
    }

    fn tool_completed(&mut self, call_id: &str, end: &ToolEnd) {
        match self.calls.remove(call_id) {
            Some(Open::Command { id, command }) => {
                let status = match end.status {
                    CallStatus::Ok => "completed",
                    CallStatus::Denied => "declined",
                    _ => "failed",
                };
                // A command stopped (timeout, interrupt): what it printed
                // follows quire's line saying so.
                let printed = match end.output.split_once("; output so far:\n") {
                    Some((_, printed))
                        if matches!(end.status, CallStatus::TimedOut | CallStatus::Interrupted) =>
                    {
                        result_text::printed(printed)
                    }
                    _ => result_text::printed(end.output),
                };
                let fields = command_fields(&command, printed, end.exit_code, status);
                self.item("item.completed", &id, "command_execution", fields);
            }
            Some(Open::Patch { id }) => {
                let status = if end.status == CallStatus::Ok {
                    "completed"
                } else {
                    "failed"
                };
                let fields = vec![
                    ("changes", changes(end.files, &self.cwd)),
                    ("status", status.into()),
                ];
                self.item("item.completed", &id, "file_change", fields);
            }
            Some(Open::Tool {
                id,
                server,
                tool,
                arguments,
            }) => {
                let ok = end.status == CallStatus::Ok;
                let (result, error, status) = if ok {
                    let result = json!({
                        "content": [{"type": "text", "text": end.output}],
                        "structured_content": end.structured,
                    });
                    (result, Value::Null, "completed")
                } else {
                    (Value::Null, json!({"message": end.output}), "failed")
                };
                let fields = tool_fields(&server, &tool, &arguments, result, error, status);
                self.item("item.completed", &id, "mcp_tool_call", fields);
            }
            Some(Open::Silent) | None => {}
        }
    }

    fn plan(&mut self, plan: &[PlanStep]) {
        let items: Value = plan
            .iter()
            .map(|s| json!({"text": s.step, "completed": s.status == "completed"}))
            .collect();
        let (event, id) = match &self.todo {
            Some((id, _)) => ("item.updated", id.clone()),
            None => ("item.started", self.item_id()),
        };
        self.todo = Some((id.clone(), items.clone()));
        self.item(event, &id, "todo_list", vec![("items", items)]);
    }

    /// A subagent started (`end` None) or ended with the status `end`.
    fn agent(&mut self, agent_id: &str, parent_id: &str, end: Option<&str>, task: &str) {
        let (id, prompt) = match self.agents.remove(agent_id) {
            Some(open) => open,
            None => (self.item_id(), task.to_string()),
        };
        let (event, status, state) = match end {
            None => ("item.started", "in_progress", "running"),
            Some("done") => ("item.completed", "completed", "completed"),
            Some(_) => ("item.completed", "failed", "errored"),
        };
        let fields = vec![
            ("tool", "spawn_agent".into()),
            ("sender_thread_id", parent_id.into()),
            ("receiver_thread_ids", json!([agent_id])),
            ("prompt", prompt.clone().into()),
            (
                "agents_states",
                json!({agent_id: {"status": state, "message": null}}),
            ),
            ("status", status.into()),
        ];
        if end.is_none() {
            self.agents
                .insert(agent_id.to_string(), (id.clone(), prompt));
        }
        self.item(event, &id, "collab_tool_call", fields);
    }

    fn task_completed(&mut self, status: TaskState, usage: &Usage, reason: Option<&str>) {
        self.flush_reasoning();
        if let Some((id, items)) = self.todo.take() {
            self.item("item.completed", &id, "todo_list", vec![("items", items)]);
        }
        if status == TaskState::Done {
            let usage = serde_json::to_string(&Obj(vec![
                ("input_tokens", usage.input_tokens.into()),
                ("cached_input_tokens", usage.cached_input_tokens.into()),
                (
                    "cache_write_input_tokens",
                    usage.cache_write_input_tokens.into(),
                ),
                ("output_tokens", usage.output_tokens.into()),
                (
                    "reasoning_output_tokens",
                    usage.reasoning_output_tokens.into(),
                ),
            ]))
            .unwrap_or_default();
            self.emit(format!(r#"{{"type":"turn.completed","usage":{usage}}}"#));
            return;
        }
        let message = match (status, reason) {
            (_, Some(r)) => r.to_string(),
            (TaskState::Failed, None) => self
                .last_error
                .clone()
                .unwrap_or_else(|| "the task failed".into()),
            (TaskState::MaxTurns, None) => {
                "the task used all its model round trips (--max-turns)".into()
            }
            (TaskState::Blocked, None) => "a hook stopped the task".into(),
            (s, None) => format!("the task ended {}", s.as_str()),
        };
        self.emit(line(
            "turn.failed",
            vec![("error", json!({"message": message}))],
        ));
    }
}

/// How a tool call ended, as `tool_completed` carries it.
struct ToolEnd<'a> {
    status: CallStatus,
    exit_code: Option<i32>,
    files: Option<&'a Value>,
    output: &'a str,
    structured: Option<&'a Value>,
}

fn command_fields(command: &str, output: &str, exit_code: Option<i32>, status: &str) -> Fields {
    vec![
        ("command", command.into()),
        ("aggregated_output", output.into()),
        ("exit_code", exit_code.into()),
        ("status", status.into()),
    ]
}

fn tool_fields(
    server: &str,
    tool: &str,
    arguments: &Value,
    result: Value,
    error: Value,
    status: &str,
) -> Fields {
    vec![
        ("server", server.into()),
        ("tool", tool.into()),
        ("arguments", arguments.clone()),
        ("result", result),
        ("error", error),
        ("status", status.into()),
    ]
}

/// `mcp__SERVER__TOOL` → (SERVER, TOOL); quire's own tools are the server
/// `quire`'s.
fn server_and_tool(name: &str) -> (String, String) {
    match name
        .strip_prefix("mcp__")
        .and_then(|rest| rest.split_once("__"))
    {
        Some((server, tool)) => (server.to_string(), tool.to_string()),
        None => ("quire".to_string(), name.to_string()),
    }
}

/// apply_patch's `files` as Codex's changes: absolute paths, `add`,
/// `delete` or `update` (a move is an update of its new path).
fn changes(files: Option<&Value>, cwd: &str) -> Value {
    let Some(Value::Array(files)) = files else {
        return json!([]);
    };
    files
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap_or_default();
            let kind = match f["status"].as_str() {
                Some("added") => "add",
                Some("deleted") => "delete",
                _ => "update",
            };
            json!({"path": Path::new(cwd).join(path).display().to_string(), "kind": kind})
        })
        .collect()
}

impl Renderer for CodexJsonRenderer {
    fn event(&mut self, event: &Event) {
        match event {
            Event::SessionStarted {
                session_id, cwd, ..
            } => {
                self.cwd = cwd.clone();
                self.started = true;
                out(&format!(
                    "{}\n",
                    line(
                        "thread.started",
                        vec![("thread_id", session_id.clone().into())]
                    )
                ));
                for early in std::mem::take(&mut self.early) {
                    self.emit(early);
                }
                self.emit(line("turn.started", Vec::new()));
            }
            Event::ReasoningDelta { delta } => self.reasoning.push_str(delta),
            Event::MessageCompleted { text } => {
                self.flush_reasoning();
                if !text.is_empty() {
                    let id = self.item_id();
                    let fields = vec![("text", text.clone().into())];
                    self.item("item.completed", &id, "agent_message", fields);
                }
            }
            Event::ToolStarted {
                call_id,
                name,
                arguments,
            } => {
                self.flush_reasoning();
                self.tool_started(call_id, name, arguments);
            }
            Event::ToolCompleted {
                call_id,
                status,
                exit_code,
                files,
                output,
                structured,
                ..
            } => {
                let end = ToolEnd {
                    status: *status,
                    exit_code: *exit_code,
                    files: files.as_ref(),
                    output,
                    structured: structured.as_ref(),
                };
                self.tool_completed(call_id, &end);
            }
            Event::PlanUpdated { plan, .. } => self.plan(plan),
            Event::AgentSpawned {
                agent_id,
                parent_id,
                task,
                ..
            } => self.agent(agent_id, parent_id, None, task),
            Event::AgentCompleted {
                agent_id,
                parent_id,
                status,
                ..
            } => self.agent(agent_id, parent_id, Some(status), ""),
            Event::Warning { message } => {
                let id = self.item_id();
                let fields = vec![("message", message.clone().into())];
                self.item("item.completed", &id, "error", fields);
            }
            Event::Error { message } => {
                // A failure before the session started ends the run: what
                // was said before it goes out first.
                self.started = true;
                for early in std::mem::take(&mut self.early) {
                    self.emit(early);
                }
                self.last_error = Some(message.clone());
                self.emit(line("error", vec![("message", message.clone().into())]));
            }
            Event::TaskCompleted {
                status,
                usage,
                reason,
                ..
            } => self.task_completed(*status, usage, reason.as_deref()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcp_names_split_into_server_and_tool_and_quire_s_own_tools_are_quire_s() {
        let pair = |n| server_and_tool(n);
        assert_eq!(
            pair("mcp__github__create_issue"),
            ("github".into(), "create_issue".into())
        );
        assert_eq!(pair("mcp__fs__read__x"), ("fs".into(), "read__x".into()));
        assert_eq!(pair("grep"), ("quire".into(), "grep".into()));
        assert_eq!(pair("mcp__odd"), ("quire".into(), "mcp__odd".into()));
    }

    #[test]
    fn patch_files_become_absolute_paths_of_codex_s_kinds() {
        let files = json!([
            {"status": "added", "path": "a.txt"},
            {"status": "deleted", "path": "d/b.txt"},
            {"status": "modified", "path": "c.txt"},
            {"status": "renamed", "path": "new.txt", "from": "old.txt"},
        ]);
        assert_eq!(
            changes(Some(&files), "/r"),
            json!([
                {"path": "/r/a.txt", "kind": "add"},
                {"path": "/r/d/b.txt", "kind": "delete"},
                {"path": "/r/c.txt", "kind": "update"},
                {"path": "/r/new.txt", "kind": "update"},
            ])
        );
        assert_eq!(changes(None, "/r"), json!([]));
    }

    #[test]
    fn lines_keep_codex_s_key_order() {
        let l = line("turn.failed", vec![("error", json!({"message": "m"}))]);
        assert_eq!(l, r#"{"type":"turn.failed","error":{"message":"m"}}"#);
    }
}
