//! A request refused as too long whose conversation is nothing but the
//! task's own message (with what came with it: piped input, `@path`
//! files, images, context items): a compaction has nothing before it to
//! summarise, and its hand-off request would carry the same message and
//! be refused too. The task fails at once, saying how large the task is
//! against the window and to send less, not to start a new session.

use super::{Session, estimate};
use crate::model::Item;
use crate::plural::thousands;

/// What the user is told of a task too long for the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TooLong {
    /// The task's message and what came with it, in (estimated) tokens.
    pub task: u64,
    /// The instructions and tool definitions sent with it.
    pub fixed: u64,
    /// The window the server's error states, if it says.
    pub stated: Option<u64>,
    /// The window quire assumed (`model_context_window` or its default).
    pub assumed: u64,
}

impl TooLong {
    /// What follows the server's error: the sizes, and what to do.
    pub fn advice(&self) -> String {
        let window = match self.stated {
            Some(n) => format!("the model's context window is {} tokens", thousands(n)),
            None => format!(
                "the server's error does not say its context window (quire assumed {} tokens)",
                thousands(self.assumed)
            ),
        };
        format!(
            "The task alone does not fit: its message (with the input, files and images sent with it) is about {} tokens as quire counts, instructions and tool definitions about {} more, and {window}. Compacting cannot help, there is nothing before the message to summarise. Send less: a shorter task, less piped input, fewer or smaller @files and images (or ask the model to read the files it needs); or use a model with a larger context window",
            thousands(self.task),
            thousands(self.fixed),
        )
    }
}

impl Session {
    /// The sizes of the task when the conversation is its message alone
    /// (one user message, and only what came with it); `None` when there
    /// is more (earlier messages, an answer, tool calls: something to
    /// summarise). `fixed`: the tokens of the instructions and tools.
    pub(super) fn task_alone(&self, message: &str, fixed: u64) -> Option<TooLong> {
        let users = self
            .history
            .iter()
            .filter(|i| matches!(i, Item::User { .. }))
            .count();
        let only_the_task = users == 1
            && self.history.iter().all(|i| {
                matches!(
                    i,
                    Item::User { .. }
                        | Item::Image { .. }
                        | Item::Context { .. }
                        | Item::SkillActivation { .. }
                )
            });
        only_the_task.then(|| TooLong {
            task: estimate::bytes_of_items(&self.history) / estimate::BYTES_PER_TOKEN,
            fixed,
            stated: crate::model::context_size::stated(message),
            assumed: self.config.context_window(&self.model),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_advice_names_the_sizes_and_says_to_send_less() {
        let t = TooLong {
            task: 536_000,
            fixed: 4_200,
            stated: Some(128_000),
            assumed: 200_000,
        };
        let a = t.advice();
        for part in [
            "about 536,000 tokens",
            "about 4,200 more",
            "context window is 128,000 tokens",
            "Send less",
            "larger context window",
        ] {
            assert!(a.contains(part), "{part}: {a}");
        }
        assert!(!a.contains("new session") && !a.contains("--resume"), "{a}");
        let unstated = TooLong { stated: None, ..t }.advice();
        assert!(
            unstated.contains("does not say its context window (quire assumed 200,000 tokens)"),
            "{unstated}"
        );
    }
}
