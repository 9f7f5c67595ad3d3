//! One session file record as the lines of Claude Code's transcript.
//!
//! Each line: `type` (`user`, `assistant`, `system`), `message` (`role`,
//! `content`: a user's typed text as a string, else content blocks
//! `text`, `thinking`, `image`, `tool_use` with Claude's tool name and
//! input, `tool_result`), `uuid`, `parentUuid` (the line before it in the
//! conversation), `sessionId`, `timestamp`, `cwd`, `isSidechain` (a
//! subagent's session), `userType`, `version`. A tool result's line also
//! has `toolUseResult` (Claude's result fields, as hooks get them in
//! `tool_response`) and `sourceToolAssistantUUID`. A model message is one
//! line per block, as Claude Code writes it. Context quire adds after a
//! message (skills catalog, notes, hook context) and reasoning the
//! provider encrypted have no line; a skill's body is a user line with
//! `isMeta`, a compaction a `compact_boundary` system line and its summary
//! a user line with `isCompactSummary`. A withdrawn message or a rewind
//! leaves its lines, as Claude Code's branches stay: the next line's
//! `parentUuid` goes back past them.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::hooks::tool_input::ToolViews;
use crate::hooks::tool_response;
use crate::protocol::Item;
use crate::store::Record;

/// Where the conversation stood before an item (for taking items back).
struct Mark {
    parent: Option<String>,
    user: bool,
}

/// The state carried from one record to the next.
#[derive(Default)]
pub struct Converter {
    session_id: String,
    cwd: String,
    model: String,
    sidechain: bool,
    /// The uuid of the conversation's last line.
    last: Option<String>,
    /// One per history item since the last compaction.
    marks: Vec<Mark>,
    /// Calls without their result yet: name, arguments, its line's uuid.
    calls: HashMap<String, (String, Value, String)>,
    /// Lines made from the current record (for their uuids).
    made: u32,
    offset: u64,
}

impl Converter {
    /// Appends the lines of `record`, read at byte `offset` of the
    /// session file, to `out` (`now`: their timestamp).
    pub fn record(&mut self, record: Record, offset: u64, now: &str, out: &mut String) {
        self.offset = offset;
        self.made = 0;
        match record {
            Record::Meta(meta) => {
                self.session_id = meta.id;
                self.cwd = meta.cwd;
                self.model = meta.model;
                self.sidechain = meta.parent.is_some();
            }
            Record::Item { item, .. } => self.item(item, now, out),
            Record::Compacted { items } => {
                let mut line = self.line("system", now);
                line.insert("subtype".into(), "compact_boundary".into());
                line.insert("content".into(), "Conversation compacted".into());
                line.insert("level".into(), "info".into());
                line.insert("logicalParentUuid".into(), self.last.clone().into());
                line.insert("parentUuid".into(), Value::Null);
                self.last = line.get("uuid").and_then(Value::as_str).map(str::to_string);
                self.marks.clear();
                push(out, line);
                for item in items {
                    self.item(item, now, out);
                }
            }
            Record::Withdrawn { count, .. } => {
                let at = self.marks.len().saturating_sub(count);
                self.back_to(at);
            }
            Record::Event { event } => {
                let rewound = event.get("type").and_then(Value::as_str) == Some("rewound");
                let nth = event.get("to_user_message").and_then(Value::as_u64);
                if let (true, Some(n)) = (rewound, nth) {
                    let at = self
                        .marks
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| m.user)
                        .nth(usize::try_from(n).unwrap_or(usize::MAX).saturating_sub(1))
                        .map(|(at, _)| at);
                    if let Some(at) = at {
                        self.back_to(at);
                    }
                }
            }
            Record::Tools { .. } => {}
        }
    }

    /// Takes the items from `at` on back: the next line follows the one
    /// before them.
    fn back_to(&mut self, at: usize) {
        if let Some(mark) = self.marks.get(at) {
            self.last = mark.parent.clone();
        }
        self.marks.truncate(at);
    }

    fn item(&mut self, item: Item, now: &str, out: &mut String) {
        self.marks.push(Mark {
            parent: self.last.clone(),
            user: matches!(item, Item::User { .. }),
        });
        let (kind, content, extra) = match item {
            Item::User { text, .. } => ("user", Value::from(text), Map::new()),
            Item::Image {
                media_type, data, ..
            } => (
                "user",
                json!([{"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}]),
                Map::new(),
            ),
            Item::Assistant { text } => (
                "assistant",
                json!([{"type": "text", "text": text}]),
                Map::new(),
            ),
            Item::Thinking { text, signature } => (
                "assistant",
                json!([{"type": "thinking", "thinking": text, "signature": signature}]),
                Map::new(),
            ),
            Item::ToolCall {
                call_id,
                name,
                arguments,
            } => {
                let args = serde_json::from_str(&arguments).unwrap_or_else(|_| json!({}));
                let views = ToolViews::new(&name, &args, Path::new(&self.cwd));
                let (claude_name, input) = views
                    .views
                    .first()
                    .map(|v| (v.claude_name.clone(), v.claude_input.clone()))
                    .unwrap_or_else(|| (name.clone(), args.clone()));
                // The uuid its line gets.
                let uuid = self.uuid_at(self.made);
                self.calls.insert(call_id.clone(), (name, args, uuid));
                (
                    "assistant",
                    json!([{"type": "tool_use", "id": call_id, "name": claude_name, "input": input}]),
                    Map::new(),
                )
            }
            Item::ToolResult {
                call_id,
                output,
                is_error,
            } => {
                let mut extra = Map::new();
                if let Some((name, args, source)) = self.calls.remove(&call_id) {
                    extra.insert(
                        "toolUseResult".into(),
                        result(&name, &args, &self.cwd, &output, is_error),
                    );
                    extra.insert("sourceToolAssistantUUID".into(), source.into());
                }
                let block = json!([{"type": "tool_result", "tool_use_id": call_id, "content": output, "is_error": is_error}]);
                ("user", block, extra)
            }
            Item::SkillActivation { body, .. } => {
                let mut extra = Map::new();
                extra.insert("isMeta".into(), true.into());
                ("user", Value::from(body), extra)
            }
            Item::CompactionSummary { text } => {
                let mut extra = Map::new();
                extra.insert("isCompactSummary".into(), true.into());
                ("user", Value::from(text), extra)
            }
            Item::Context { .. }
            | Item::RedactedThinking { .. }
            | Item::Reasoning { .. }
            | Item::CallExtra { .. } => return,
        };
        let mut line = self.line(kind, now);
        let mut message = Map::new();
        if kind == "assistant" {
            message.insert("type".into(), "message".into());
            message.insert("model".into(), self.model.clone().into());
        }
        message.insert("role".into(), kind.into());
        message.insert("content".into(), content);
        line.insert("message".into(), Value::Object(message));
        line.extend(extra);
        self.last = line.get("uuid").and_then(Value::as_str).map(str::to_string);
        push(out, line);
    }

    /// A line's common fields, with a new uuid after the last line.
    fn line(&mut self, kind: &str, now: &str) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("parentUuid".into(), self.last.clone().into());
        m.insert("isSidechain".into(), self.sidechain.into());
        m.insert("userType".into(), "external".into());
        m.insert("cwd".into(), self.cwd.clone().into());
        m.insert("sessionId".into(), self.session_id.clone().into());
        m.insert("version".into(), env!("CARGO_PKG_VERSION").into());
        m.insert("type".into(), kind.into());
        m.insert("uuid".into(), self.uuid_at(self.made).into());
        self.made += 1;
        m.insert("timestamp".into(), now.into());
        m
    }

    /// The uuid of the `n`-th line of this record: the same for the same
    /// record of the same session, however often the file is rebuilt.
    fn uuid_at(&self, n: u32) -> String {
        let mut h = Sha256::new();
        h.update(self.session_id.as_bytes());
        h.update(self.offset.to_le_bytes());
        h.update(n.to_le_bytes());
        let digest = h.finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

/// A tool result's `toolUseResult`: Claude's fields for a tool Claude Code
/// has, else the output's text.
fn result(name: &str, args: &Value, cwd: &str, output: &str, is_error: bool) -> Value {
    let views = ToolViews::new(name, args, Path::new(cwd));
    let native = tool_response::native(output, is_error, None);
    match views
        .views
        .first()
        .map(|v| tool_response::claude(name, v, &native))
    {
        Some(Value::Object(mut m)) if m.len() > native.len() => {
            m.remove("output");
            m.remove("is_error");
            Value::Object(m)
        }
        _ => output.into(),
    }
}

fn push(out: &mut String, line: Map<String, Value>) {
    if let Ok(text) = serde_json::to_string(&Value::Object(line)) {
        out.push_str(&text);
        out.push('\n');
    }
}
