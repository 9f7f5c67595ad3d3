//! The conversation as a list of wire-neutral items.

use serde::{Deserialize, Serialize};

/// One entry of a session's history. Every wire API translates this list
/// into its own request shape; the store writes each item as one JSON line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Item {
    /// A message typed by the user, with the files quire attached to it
    /// (`@path` mentions, a custom command's files) and the output of `!`
    /// commands after it.
    User {
        text: String,
        /// How much of `text` the user typed, in bytes (all of it when
        /// quire attached nothing): what a resumed view shows and
        /// `/rewind` gives back. `None` in files written before it was
        /// kept and for messages quire writes itself (see
        /// `store::as_typed`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        typed: Option<usize>,
    },
    /// An image attached to the user message before it (`-i FILE`, a
    /// pasted image path), or after the tool results before it (a
    /// `view_image` call): its file name, its media type (`image/png`,
    /// `image/jpeg`, `image/gif`, `image/webp`) and its bytes in base64.
    /// The wires put it into that message's content, or a user message
    /// of its own after tool results (on Anthropic: the user message of
    /// the `tool_result` blocks, after them); a session file holds it
    /// inline, so a resumed session sends it again.
    Image {
        name: String,
        media_type: String,
        data: String,
    },
    /// Text the model answered with (one completed message).
    Assistant { text: String },
    /// A tool call the model asked for; `arguments` is the raw JSON text.
    ToolCall {
        call_id: String,
        name: String,
        arguments: String,
    },
    /// The result sent back for a tool call.
    ToolResult {
        call_id: String,
        output: String,
        #[serde(default)]
        is_error: bool,
    },
    /// A skill body injected into the conversation (sent as a user message).
    SkillActivation { name: String, body: String },
    /// The summary that replaced older history after compaction (sent as a
    /// user message).
    CompactionSummary { text: String },
    /// Context that depends on the user message it follows (the skills
    /// catalog for it, notes about MCP servers or tool search, what
    /// `SessionStart` and `UserPromptSubmit` hooks add), written by
    /// `source`. Sent as a `developer` message on the Responses wire, as a
    /// text block of the user turn on Anthropic and as more text of the
    /// user message on Chat; kept in the history so later requests extend
    /// the same prefix.
    Context { source: String, text: String },
    /// Extended thinking the model did before it answered (an Anthropic
    /// `thinking` block), kept with its `signature` so that it can be
    /// passed back unmodified, as the API requires while a tool-use turn
    /// goes on. Recorded before the answer's text and tool calls; sent on
    /// the Anthropic wire only.
    Thinking { text: String, signature: String },
    /// Thinking the provider encrypted (an Anthropic `redacted_thinking`
    /// block): `data` is passed back as is. Sent on the Anthropic wire only.
    RedactedThinking { data: String },
    /// A Responses API `reasoning` item (OpenAI reasoning models): its
    /// summary texts and the `encrypted_content` the API wants back, as
    /// is, in later requests (`store` is false). Sent on the Responses
    /// wire only.
    Reasoning {
        id: String,
        #[serde(default)]
        summary: Vec<String>,
        #[serde(default)]
        encrypted_content: String,
    },
    /// What a Chat Completions server attached to a tool call besides its
    /// id, name and arguments, in `extra_content` (Gemini's
    /// `google.thought_signature`, which it refuses the next request
    /// without): passed back as is on the call of that id. Recorded before
    /// the call; sent on the Chat wire only.
    CallExtra {
        call_id: String,
        extra_content: serde_json::Value,
    },
}

impl Item {
    /// A user message quire writes itself (nothing of it typed apart).
    pub fn user(text: impl Into<String>) -> Item {
        Item::User {
            text: text.into(),
            typed: None,
        }
    }

    /// Whether the item is the model's thinking (sent back on the wire it
    /// came from only, never shown as part of the conversation).
    pub fn is_thinking(&self) -> bool {
        matches!(
            self,
            Item::Thinking { .. }
                | Item::RedactedThinking { .. }
                | Item::Reasoning { .. }
                | Item::CallExtra { .. }
        )
    }

    /// What stands for an image where its bytes are not sent (a
    /// compaction's hand-off, a record of the conversation): `[image: NAME]`.
    pub fn image_note(name: &str) -> String {
        format!("[image: {name}]")
    }

    /// The text of the last [`Item::Context`] from `source` in `history`:
    /// the note an extension told last, as a resumed or shortened history
    /// holds it.
    pub fn last_context<'a>(history: &'a [Item], source: &str) -> Option<&'a str> {
        history.iter().rev().find_map(|i| match i {
            Item::Context { source: s, text } if s == source => Some(text.as_str()),
            _ => None,
        })
    }
}

/// A complete tool call assembled from a model response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub call_id: String,
    pub name: String,
    /// Raw JSON text as the model produced it (may be invalid JSON).
    pub arguments: String,
}

/// Token usage reported by a provider for one response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Input tokens read from the provider's prompt cache (part of
    /// `input_tokens`).
    #[serde(default)]
    pub cached_input_tokens: u64,
    /// Input tokens written to the prompt cache (Anthropic's
    /// `cache_creation_input_tokens`; part of `input_tokens`).
    #[serde(default)]
    pub cache_write_input_tokens: u64,
    /// Output tokens the model spent reasoning (part of `output_tokens`;
    /// Responses `output_tokens_details.reasoning_tokens`, Chat
    /// `completion_tokens_details.reasoning_tokens`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reasoning_output_tokens: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Usage {
    /// Input plus output tokens. Sums saturate: a server may report any
    /// number (u64::MAX included), and a count is never worth a crash.
    pub fn total(&self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }

    /// Adds `other` to this running total (saturating, as [`Usage::total`]).
    pub fn add(&mut self, other: &Usage) {
        self.input_tokens = self.input_tokens.saturating_add(other.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(other.output_tokens);
        self.cached_input_tokens = self
            .cached_input_tokens
            .saturating_add(other.cached_input_tokens);
        self.cache_write_input_tokens = self
            .cache_write_input_tokens
            .saturating_add(other.cache_write_input_tokens);
        self.reasoning_output_tokens = self
            .reasoning_output_tokens
            .saturating_add(other.reasoning_output_tokens);
    }

    /// Each count the larger of the two (two lower bounds of one total).
    pub fn max_each(&self, other: &Usage) -> Usage {
        Usage {
            input_tokens: self.input_tokens.max(other.input_tokens),
            output_tokens: self.output_tokens.max(other.output_tokens),
            cached_input_tokens: self.cached_input_tokens.max(other.cached_input_tokens),
            cache_write_input_tokens: self
                .cache_write_input_tokens
                .max(other.cache_write_input_tokens),
            reasoning_output_tokens: self
                .reasoning_output_tokens
                .max(other.reasoning_output_tokens),
        }
    }

    /// What was used since `before` (a running total taken earlier).
    pub fn since(&self, before: &Usage) -> Usage {
        Usage {
            input_tokens: self.input_tokens.saturating_sub(before.input_tokens),
            output_tokens: self.output_tokens.saturating_sub(before.output_tokens),
            cached_input_tokens: self
                .cached_input_tokens
                .saturating_sub(before.cached_input_tokens),
            cache_write_input_tokens: self
                .cache_write_input_tokens
                .saturating_sub(before.cache_write_input_tokens),
            reasoning_output_tokens: self
                .reasoning_output_tokens
                .saturating_sub(before.reasoning_output_tokens),
        }
    }
}
