//! The statuses events carry, as enums. Each serialises to the snake_case
//! word the JSON stream has always used (`done`, `context_window`, …) and
//! compares equal to that word, so renderers can match on either.

use serde::{Deserialize, Serialize};

macro_rules! labelled {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $label:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// The word the JSON stream carries.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

labelled! {
    /// How a task (one user message) ended: `TaskCompleted.status`.
    TaskState {
        /// The model answered without tool calls.
        Done => "done",
        /// A provider error (after retries) or another failure.
        Failed => "failed",
        /// The user interrupted.
        Interrupted => "interrupted",
        /// `max_turns` round trips were used up.
        MaxTurns => "max_turns",
        /// A hook blocked the prompt or stopped the agent.
        Blocked => "blocked",
        /// A subagent's token budget was used up.
        Budget => "budget",
    }
}

labelled! {
    /// What is wrong with the answer of a task that ended `done`:
    /// `TaskCompleted.answer` (absent when nothing is).
    AnswerGap {
        /// The output-token limit cut the last response (Chat
        /// `finish_reason` `length`, Anthropic `stop_reason` `max_tokens`,
        /// Responses `incomplete` for `max_output_tokens`).
        Cut => "cut",
        /// The last response held no text and no tool call.
        Empty => "empty",
    }
}

labelled! {
    /// Why compaction ran: `Compaction.reason`.
    CompactReason {
        /// Usage passed the threshold.
        Auto => "auto",
        /// `/compact`.
        Manual => "manual",
        /// The provider rejected the request as too long.
        ContextWindow => "context_window",
    }
}

labelled! {
    /// How a tool call ended: `ToolCompleted.status`.
    CallStatus {
        Ok => "ok",
        /// The tool failed (a non-zero exit, a patch that did not apply).
        Failed => "failed",
        /// Refused: by the user, the approval policy, the sandbox or a hook.
        Denied => "denied",
        TimedOut => "timed_out",
        Interrupted => "interrupted",
    }
}

labelled! {
    /// How a hook run ended: `HookCompleted.outcome`.
    HookOutcome {
        Ok => "ok",
        /// The hook blocked the action.
        Blocked => "blocked",
        /// Failed, crashed or printed garbage: a warning.
        Error => "error",
        #[serde(rename = "timeout")]
        TimedOut => "timeout",
        /// Stopped before it finished (Ctrl-C, SIGTERM): killed.
        Interrupted => "interrupted",
    }
}

labelled! {
    /// What activated a skill: `SkillActivated.by`.
    ActivatedBy {
        /// The user's message: it named the skill (`$name`, `/name`) or
        /// clearly matched it.
        Message => "message",
        /// The model, with the `skill` tool.
        Model => "model",
    }
}

impl Default for ActivatedBy {
    /// What events recorded before the field existed meant.
    fn default() -> ActivatedBy {
        ActivatedBy::Message
    }
}

impl CallStatus {
    /// Same as [`CallStatus::as_str`] (the name callers used before).
    pub fn label(self) -> &'static str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_serialise_to_the_words_of_the_json_stream() {
        let words = |v: Vec<String>| v.join(",");
        let tasks = [
            TaskState::Done,
            TaskState::Failed,
            TaskState::Interrupted,
            TaskState::MaxTurns,
            TaskState::Blocked,
        ];
        let json: Vec<String> = tasks
            .iter()
            .map(|s| serde_json::to_string(s).unwrap_or_default())
            .collect();
        assert_eq!(
            words(json),
            r#""done","failed","interrupted","max_turns","blocked""#
        );
        for s in tasks {
            assert_eq!(
                format!("\"{s}\""),
                serde_json::to_string(&s).unwrap_or_default()
            );
            assert!(s == s.as_str());
        }
        let reasons = [
            CompactReason::Auto,
            CompactReason::Manual,
            CompactReason::ContextWindow,
        ];
        let json: Vec<String> = reasons
            .iter()
            .map(|s| serde_json::to_string(s).unwrap_or_default())
            .collect();
        assert_eq!(words(json), r#""auto","manual","context_window""#);
        let calls = [
            CallStatus::Ok,
            CallStatus::Failed,
            CallStatus::Denied,
            CallStatus::TimedOut,
            CallStatus::Interrupted,
        ];
        for s in calls {
            assert_eq!(
                format!("\"{s}\""),
                serde_json::to_string(&s).unwrap_or_default()
            );
        }
        assert_eq!(
            serde_json::from_str::<CallStatus>("\"timed_out\"").ok(),
            Some(CallStatus::TimedOut)
        );
        let hooks = [
            HookOutcome::Ok,
            HookOutcome::Blocked,
            HookOutcome::Error,
            HookOutcome::TimedOut,
            HookOutcome::Interrupted,
        ];
        let json: Vec<String> = hooks
            .iter()
            .map(|s| serde_json::to_string(s).unwrap_or_default())
            .collect();
        assert_eq!(
            words(json),
            r#""ok","blocked","error","timeout","interrupted""#
        );
        for s in hooks {
            assert_eq!(
                format!("\"{s}\""),
                serde_json::to_string(&s).unwrap_or_default()
            );
        }
    }
}
