//! Whether a compaction can free enough to be worth its request.
//!
//! A compaction replaces the conversation, never the fixed part of each
//! request (the system prompt: quire's instructions, AGENTS.md, what
//! extensions add; and the tool definitions), and it keeps some of the
//! conversation (the latest user messages, the skills catalog and active
//! skills that come back, the summary itself). When the window is so
//! small that what a compaction leaves is already near the threshold,
//! compacting would throw the conversation away and run again on the next
//! turn: quire then does not compact on its own and says why, once.

use super::{Event, Session, compact_keep, estimate};
use crate::model::Item;
use crate::tools::ToolSpec;

/// What a compaction leaves may take at most this share of the
/// threshold, so that at least a quarter of it is room for the
/// conversation again before the next compaction.
pub(super) const LEAVES_AT_MOST: f64 = 0.75;

/// Tokens allowed for the hand-off summary: an eighth of the window, at
/// most this many.
const SUMMARY_TOKENS: u64 = 1024;

/// The parts of the next request a compaction cannot shrink, and what it
/// would leave of the conversation, in (estimated) tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Room {
    pub window: u64,
    /// The window is the one the server stated in an error (smaller than
    /// `model_context_window`), not the configured one.
    pub learned: bool,
    /// Where automatic compaction starts (`compact_threshold` of the
    /// window).
    pub threshold: u64,
    /// quire's instructions and the environment block.
    pub base: u64,
    /// The project's AGENTS.md files.
    pub agents_md: u64,
    /// What extensions (skills, MCP) add to the system prompt.
    pub extensions: u64,
    /// The tool definitions, and how many there are.
    pub tools: u64,
    pub tool_count: usize,
    /// What a compaction keeps of the conversation (the latest user
    /// messages, skill bodies, the last context item of each source)
    /// plus an allowance for the summary.
    pub kept: u64,
}

impl Room {
    /// Tokens of the system prompt and the tool list.
    pub fn fixed(&self) -> u64 {
        self.base + self.agents_md + self.extensions + self.tools
    }

    /// Tokens of the first request after a compaction.
    pub fn after(&self) -> u64 {
        self.fixed() + self.kept
    }

    /// Whether an automatic compaction frees enough to matter: what it
    /// leaves is at most three quarters of the threshold.
    pub fn worth_compacting(&self) -> bool {
        self.after() as f64 <= self.threshold as f64 * LEAVES_AT_MOST
    }

    /// Whether a request refused as too long could fit after a
    /// compaction.
    pub fn could_fit(&self) -> bool {
        self.after() < self.window
    }

    /// Which window, as the user is told.
    fn which_window(&self) -> String {
        if self.learned {
            format!(
                "the {} tokens of the server's context window (learned from its refusal: the window its error states, or the refused request's size as quire counts tokens when that is smaller; below `model_context_window`)",
                self.window
            )
        } else {
            format!("the {} tokens of `model_context_window`", self.window)
        }
    }

    /// What to do about a window this small.
    fn advice(&self) -> &'static str {
        if self.learned {
            "Start the server with a larger window if it can (`llama-server -c 16384`, Ollama's `num_ctx` or `OLLAMA_CONTEXT_LENGTH`), or use a model with one"
        } else {
            "Set `model_context_window` to the window the server really runs with, and start it with a larger one if it can (`llama-server -c 16384`, Ollama's `num_ctx` or `OLLAMA_CONTEXT_LENGTH`)"
        }
    }

    /// The warning: how the window is taken, and what to do.
    pub fn warning(&self) -> String {
        let mut parts = vec![format!("quire's instructions {}", self.base)];
        if self.agents_md > 0 {
            parts.push(format!("AGENTS.md {}", self.agents_md));
        }
        if self.extensions > 0 {
            parts.push(format!("skills and MCP instructions {}", self.extensions));
        }
        parts.push(format!(
            "{} tool definitions {}",
            self.tool_count, self.tools
        ));
        format!(
            "the context window is too small for compaction to help: the fixed part of each request takes about {} of {} ({}), and a compaction keeps about {} more (your latest messages, the skills catalog and active skills, the summary), while compaction starts at {} tokens (`compact_threshold`). quire does not compact on its own in this session (it would throw the conversation away on every turn); a request longer than the server's window is refused with its error. {}; or make the prompt smaller: fewer MCP servers or plugins, `[tool_selection]` with a lower `threshold` or `max_tools`, a shorter AGENTS.md.",
            self.fixed(),
            self.which_window(),
            parts.join(", "),
            self.kept,
            self.threshold,
            self.advice(),
        )
    }

    /// Why a request refused as too long is not compacted (see
    /// [`Room::could_fit`]): the fixed part is larger than the window, or
    /// it and what a compaction keeps would fill it.
    pub fn cannot_fit(&self) -> String {
        let why = if self.fixed() >= self.window {
            format!(
                "The fixed part of the request alone (instructions and tool definitions, about {} tokens) is larger than {}, so compacting the conversation could not make it fit.",
                self.fixed(),
                self.which_window(),
            )
        } else {
            format!(
                "The fixed part of the request (instructions and tool definitions, about {} tokens) and what a compaction keeps (about {} more) would take {} of {}, so compacting the conversation could not make it fit.",
                self.fixed(),
                self.kept,
                self.after(),
                self.which_window(),
            )
        };
        format!(
            "{why} {}; or send fewer tools (fewer MCP servers or plugins, `[tool_selection]`).",
            self.advice()
        )
    }
}

impl Session {
    /// The room a compaction would leave before the next request carrying
    /// `tools` (see [`Room`]).
    pub(crate) fn compaction_room(&self, tools: &[ToolSpec]) -> Room {
        let window = self.context_window();
        let instructions = self.instructions();
        let agents_md = self.docs.text.len() as u64;
        let extensions: u64 = self
            .extensions
            .iter()
            .filter_map(|e| e.instructions())
            .map(|s| s.len() as u64 + 2)
            .sum();
        let base = (instructions.len() as u64).saturating_sub(agents_md + extensions);
        let kept_items = kept_by_compaction(&self.history);
        let summary = (window / 8).min(SUMMARY_TOKENS);
        let tokens = |bytes: u64| bytes / estimate::BYTES_PER_TOKEN;
        Room {
            window,
            learned: window < self.config.context_window(&self.model),
            threshold: (window as f64 * self.config.compact_threshold) as u64,
            base: tokens(base),
            agents_md: tokens(agents_md),
            extensions: tokens(extensions),
            tools: tokens(estimate::bytes_of_tools(tools)),
            tool_count: tools.len(),
            kept: tokens(estimate::bytes_of_items(&kept_items)) + summary,
        }
    }

    /// Says once per session that the window is too small for compaction
    /// to help.
    pub(crate) fn warn_small_window(&mut self, room: &Room) {
        if self.small_window_warned {
            return;
        }
        self.small_window_warned = true;
        tracing::info!(?room, "window too small for compaction to help");
        self.events.send(Event::Warning {
            message: room.warning(),
        });
    }
}

/// What of `history` a compaction keeps or brings back: the latest user
/// messages (clipped), the active skills' bodies and the last context
/// item of each source (the skills catalog, notes of tools and servers).
/// Read from the history: the extensions' own `after_compaction` changes
/// their state.
fn kept_by_compaction(history: &[Item]) -> Vec<Item> {
    let mut kept = compact_keep::recent_user_messages(history);
    let mut sources: Vec<&str> = Vec::new();
    for item in history.iter().rev() {
        match item {
            Item::SkillActivation { .. } => kept.push(item.clone()),
            Item::Context { source, .. } if !sources.contains(&source.as_str()) => {
                sources.push(source);
                kept.push(item.clone());
            }
            _ => {}
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(window: u64, fixed: u64, kept: u64) -> Room {
        Room {
            window,
            learned: false,
            threshold: window * 9 / 10,
            base: fixed,
            agents_md: 0,
            extensions: 0,
            tools: 0,
            tool_count: 0,
            kept,
        }
    }

    #[test]
    fn a_fixed_part_near_the_threshold_is_not_worth_compacting() {
        // 4096 tokens, a fixed part of 3000: a compaction would leave
        // about 3500, near the threshold of 3686.
        let r = room(4096, 3000, 500);
        assert!(!r.worth_compacting());
        assert!(r.could_fit());
        // Over the window on its own: not even a refused request is
        // compacted.
        assert!(!room(4096, 5000, 500).could_fit());
        // The same prompt with a 16k window compacts as before.
        assert!(room(16384, 3000, 1024).worth_compacting());
    }

    #[test]
    fn why_a_refused_request_cannot_fit_says_which_part_is_too_big() {
        let alone = room(4096, 5000, 500).cannot_fit();
        assert!(
            alone.contains("about 5000 tokens) is larger than the 4096 tokens"),
            "{alone}"
        );
        let with_kept = room(4096, 3800, 500).cannot_fit();
        assert!(
            with_kept.contains("about 3800 tokens) and what a compaction keeps (about 500 more) would take 4300 of the 4096 tokens"),
            "{with_kept}"
        );
        for text in [alone, with_kept] {
            assert!(!text.contains(".."), "{text}");
            assert!(text.ends_with("`[tool_selection]`)."), "{text}");
        }
    }

    #[test]
    fn the_warning_names_the_parts_and_what_to_do() {
        let mut r = room(4096, 1500, 600);
        r.agents_md = 300;
        r.tools = 2000;
        r.tool_count = 9;
        let w = r.warning();
        for part in [
            "about 3800 of the 4096 tokens",
            "quire's instructions 1500",
            "AGENTS.md 300",
            "9 tool definitions 2000",
            "model_context_window",
            "llama-server -c",
            "num_ctx",
            "[tool_selection]",
        ] {
            assert!(w.contains(part), "{part}: {w}");
        }
        assert!(!w.contains("skills and MCP instructions"), "{w}");
    }

    #[test]
    fn compaction_keeps_recent_messages_skills_and_the_last_context() {
        let history = vec![
            Item::User {
                typed: None,
                text: "u1".into(),
            },
            Item::Context {
                source: "skills".into(),
                text: "old catalog".into(),
            },
            Item::SkillActivation {
                name: "s".into(),
                body: "body".into(),
            },
            Item::Assistant {
                text: "long answer".into(),
            },
            Item::User {
                typed: None,
                text: "u2".into(),
            },
            Item::Context {
                source: "skills".into(),
                text: "new catalog".into(),
            },
        ];
        let kept = kept_by_compaction(&history);
        let text = serde_json::to_string(&kept).unwrap();
        assert!(text.contains("u1") && text.contains("u2"), "{text}");
        assert!(text.contains("new catalog") && !text.contains("old catalog"));
        assert!(text.contains("body") && !text.contains("long answer"));
    }
}
