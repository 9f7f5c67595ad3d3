use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use super::parameters_for;
use crate::tools::Tool;
use crate::tools::{apply_patch, grep, list_dir, read_file, shell, update_plan};

/// The parameters the builtin tools had when their schemas were written by
/// hand: the generated ones must say the same to the model.
#[test]
fn builtin_parameters_match_the_hand_written_schemas() {
    let cases = [
        (
            shell::ShellTool::with_default_timeout(5000).spec().clone(),
            json!({
                "type": "object",
                "properties": {
                    "command": {"type": "string", "description": "The command line, run with `bash -c`."},
                    "workdir": {"type": "string", "description": "Directory to run in, relative to the session's working directory (default: that directory)."},
                    "timeout_ms": {"type": "integer", "minimum": 1, "maximum": 600000, "description": "Kill the command after this many milliseconds (default 5000, at most 600000)."},
                    "escalate": {"type": "boolean", "description": "Run outside the sandbox. Needs the user's approval; give a justification."},
                    "justification": {"type": "string", "description": "One sentence telling the user why the command must run outside the sandbox."}
                },
                "required": ["command"],
                "additionalProperties": false
            }),
        ),
        (
            apply_patch::ApplyPatchTool::new().spec().clone(),
            json!({
                "type": "object",
                "properties": {
                    "patch": {"type": "string", "description": "The whole patch, from '*** Begin Patch' to '*** End Patch'."}
                },
                "required": ["patch"],
                "additionalProperties": false
            }),
        ),
        (
            read_file::ReadFileTool::new().spec().clone(),
            json!({
                "type": "object",
                "properties": {
                    "path": {"type": "string", "description": "The file to read, absolute or relative to the working directory."},
                    "offset": {"type": "integer", "minimum": 1, "description": "The first line to show, 1-based. Default 1."},
                    "limit": {"type": "integer", "minimum": 1, "description": "How many lines to show. Default 1000."}
                },
                "required": ["path"],
                "additionalProperties": false
            }),
        ),
        (
            list_dir::ListDirTool::new().spec().clone(),
            json!({
                "type": "object",
                "properties": {
                    "path": {"type": "string", "description": "The directory to list, absolute or relative to the working directory. Default \".\"."},
                    "depth": {"type": "integer", "minimum": 1, "maximum": 5, "description": "How many levels to descend: 1 lists only the directory's own entries. Default 2."}
                },
                "required": [],
                "additionalProperties": false
            }),
        ),
        (
            grep::GrepTool::new().spec().clone(),
            json!({
                "type": "object",
                "properties": {
                    "pattern": {"type": "string", "description": "Rust regex matched against each line, e.g. `fn\\s+parse_\\w+` or `TODO`. Escape regex metacharacters to match them literally."},
                    "path": {"type": "string", "description": "File or directory to search, absolute or relative to the working directory. Default \".\"."},
                    "glob": {"type": "string", "description": "Only search files matching this glob, relative to `path`, e.g. `*.rs` or `src/**/*.ts`."},
                    "case_insensitive": {"type": "boolean", "description": "Match regardless of case. Default false."},
                    "max_results": {"type": "integer", "minimum": 1, "maximum": 2000, "description": "Most matching lines returned. Default 200, at most 2000."}
                },
                "required": ["pattern"],
                "additionalProperties": false
            }),
        ),
        (
            update_plan::UpdatePlanTool::new().spec().clone(),
            json!({
                "type": "object",
                "properties": {
                    "explanation": {"type": "string", "description": "Optional: why the plan is what it is or what changed."},
                    "plan": {
                        "type": "array",
                        "description": "The full plan, in order.",
                        "items": {
                            "type": "object",
                            "properties": {
                                "step": {"type": "string", "description": "One short step, e.g. \"Add the parser tests\"."},
                                "status": {"type": "string", "enum": ["pending", "in_progress", "completed"]}
                            },
                            "required": ["step", "status"],
                            "additionalProperties": false
                        }
                    }
                },
                "required": ["plan"],
                "additionalProperties": false
            }),
        ),
    ];
    for (spec, expected) in cases {
        assert_eq!(spec.parameters, expected, "parameters of {}", spec.name);
    }
}

/// The tools that are not [`super::Typed`] (one impl for several names, or
/// state to build) generate their parameters the same way; these are the
/// schemas they had when written by hand.
#[test]
fn other_tool_parameters_match_the_hand_written_schemas() {
    use crate::agents::tools::{Kind, parameters};
    let cases = [
        (
            "skill",
            crate::tools::typed::parameters_for::<crate::skills::tool::Args>(),
            json!({
                "type": "object",
                "properties": {
                    "action": {"type": "string", "enum": ["search", "activate", "read"], "description": "What to do."},
                    "query": {"type": "string", "description": "search: words describing the task."},
                    "name": {"type": "string", "description": "activate, read: the skill's name."},
                    "path": {"type": "string", "description": "read: a file path relative to the skill's folder, e.g. references/api.md."},
                    "offset": {"type": "integer", "minimum": 0, "description": "activate, read: where to continue when an earlier answer was cut."}
                },
                "required": ["action"],
                "additionalProperties": false
            }),
        ),
        (
            "spawn_agent",
            parameters(Kind::Spawn),
            json!({"type": "object", "properties": {
                "task": {"type": "string", "description": "What the subagent should do, with everything it needs to know."},
                "agent_type": {"type": "string", "description": "The name of a defined agent."},
                "model": {"type": "string", "description": "A model other than the defined or current one."},
                "background": {"type": "boolean", "description": "Return the id at once instead of the answer."},
                "isolation": {"type": "string", "enum": ["none", "worktree"], "description": "worktree: work on a new git branch in its own worktree."}
            }, "required": ["task"]}),
        ),
        (
            "wait_agents",
            parameters(Kind::Wait),
            json!({"type": "object", "properties": {
                "ids": {"type": "array", "items": {"type": "string"}},
                "timeout_sec": {"type": "number", "description": "Stop waiting after this many seconds (the running ones are reported as running)."}
            }}),
        ),
        (
            "send_agent",
            parameters(Kind::Send),
            json!({"type": "object", "properties": {
                "id": {"type": "string"},
                "message": {"type": "string"},
                "timeout_sec": {"type": "number", "description": "For a finished subagent: stop waiting for its answer after this many seconds (it is reported as running; wait_agents collects the answer)."}
            }, "required": ["id", "message"]}),
        ),
        (
            "close_agent",
            parameters(Kind::Close),
            json!({"type": "object", "properties": {
                "id": {"type": "string"},
                "worktree": {"type": "string", "enum": ["merge", "discard", "keep"]}
            }, "required": ["id"]}),
        ),
        (
            "tool_search",
            crate::tools::select::search::spec().parameters,
            json!({
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "What the tool should do, in a few words."},
                    "names": {"type": "array", "items": {"type": "string"}, "description": "Exact tool names to enable."},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 20, "description": "How many tools the query may enable (default 5)."}
                },
                "additionalProperties": false
            }),
        ),
        (
            "mcp_resources",
            crate::tools::typed::parameters_for::<crate::mcp::resources::Args>(),
            json!({
                "type": "object",
                "properties": {
                    "action": {"type": "string", "enum": ["list", "read"]},
                    "server": {"type": "string", "description": "The MCP server. Needed for read; list covers every server when left out."},
                    "uri": {"type": "string", "description": "The resource to read."}
                },
                "required": ["action"],
                "additionalProperties": false
            }),
        ),
        (
            "call_tool",
            crate::tools::call_tool::spec().parameters,
            json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "The exact name of the tool to call."},
                    "arguments": {"type": "object", "description": "The tool's arguments."}
                },
                "required": ["name"],
                "additionalProperties": false
            }),
        ),
    ];
    for (name, generated, expected) in cases {
        assert_eq!(generated, expected, "parameters of {name}");
    }
}

/// Fields may be called like schema keywords; only keywords are dropped.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Keywords {
    /// The title.
    title: Option<String>,
    format: Vec<Option<u8>>,
    #[serde(default)]
    default: bool,
}

#[test]
fn tidy_drops_keywords_but_never_field_names() {
    let schema = parameters_for::<Keywords>();
    assert_eq!(
        schema,
        json!({
            "type": "object",
            "properties": {
                "title": {"type": "string", "description": "The title."},
                "format": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 255}},
                "default": {"type": "boolean"}
            },
            "required": ["format"]
        })
    );
}

#[tokio::test]
async fn bad_arguments_are_the_tools_own_error() {
    let dir = std::env::temp_dir();
    let ctx = crate::tools::ToolContext::standalone(&dir);
    let err = shell::ShellTool::new()
        .call(json!({"workdir": "."}), &ctx)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `command`"), "{err}");
    assert!(err.contains("Pass at least `command`."), "{err}");
}

#[tokio::test]
async fn hand_decoded_tools_name_the_missing_argument() {
    let dir = std::env::temp_dir();
    let ctx = crate::tools::ToolContext::standalone(&dir);
    let err = crate::mcp::resources::ResourcesTool::new(Vec::new())
        .call(json!({"server": "docs"}), &ctx)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `action`"), "{err}");
    assert!(err.contains("\"list\" or \"read\""), "{err}");
    let err = crate::agents::tools::decode::<crate::agents::tools::SendArgs>(json!({"id": "a1"}))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("missing field `message`"), "{err}");
}
