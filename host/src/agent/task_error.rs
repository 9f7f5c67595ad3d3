//! How a task that failed on a model error is told: what went wrong and
//! what to do about it.

use super::AgentError;
use super::turn::TaskStatus;
use crate::model::ModelError;
use crate::model::retry::CompleteError;

/// The status of a task whose request failed with `e`.
pub(super) fn status_of(e: CompleteError) -> TaskStatus {
    match e {
        CompleteError::Interrupted => TaskStatus::Interrupted,
        CompleteError::Model(e) => TaskStatus::Failed(describe(&e)),
    }
}

/// The status of a task whose compaction failed with `e`.
pub(super) fn agent_status(e: AgentError) -> TaskStatus {
    match e {
        AgentError::Interrupted => TaskStatus::Interrupted,
        // Not `describe`'s advice: that says a compaction was done.
        AgentError::Model(e @ ModelError::ContextWindow(_)) => TaskStatus::Failed(format!(
            "compaction failed: {e}. The conversation could not be summarised within the model's window: start a new session (/new in the terminal view, or `quire exec` without --resume); if the model's window is smaller than quire assumes, set `model_context_window` to it so quire compacts earlier"
        )),
        AgentError::Model(e) => TaskStatus::Failed(format!("compaction failed: {}", describe(&e))),
        other => TaskStatus::Failed(other.to_string()),
    }
}

/// The message for a model error, with what to do about it.
pub fn describe(e: &ModelError) -> String {
    // What to do depends on the last error when the retries ran out.
    let last = match e {
        ModelError::GaveUp { last, .. } => last.as_ref(),
        other => other,
    };
    match last {
        // The error already names the variable when one is set.
        ModelError::Auth { .. } if e.to_string().contains("api_key_env") => format!("{e}."),
        ModelError::Auth { .. } => format!(
            "{e}. Check the API key (the provider's api_key_env variable) and that it has access to this model."
        ),
        // Reached only once compaction was tried (a first context-window
        // error compacts and asks again).
        ModelError::ContextWindow(_) => format!(
            "{e}. quire compacted the conversation and it still does not fit: start a new session (/new in the terminal view, or `quire exec` without --resume), or send a shorter message; if the model's window is smaller than quire assumes, set `model_context_window` to it so quire compacts earlier"
        ),
        // Retries, if any, were each told as they happened.
        ModelError::Connect { from: None, .. } => {
            format!(
                "{e}. Is the server running and is base_url right?{}",
                unread_base_variable()
            )
        }
        // No base_url was set: name where the URL came from.
        ModelError::Connect {
            from: Some(from), ..
        } => format!(
            "{e}. Is the server running? The URL is from {from}.{}",
            unread_base_variable()
        ),
        _ => e.to_string(),
    }
}

/// Another tool's base-URL variable that is set but that quire does not
/// read (the old `OPENAI_API_BASE` of the openai library and LangChain),
/// and what to set instead; empty when there is none.
fn unread_base_variable() -> String {
    let set = |var: &str| std::env::var(var).is_ok_and(|v| !v.trim().is_empty());
    if set("OPENAI_API_BASE") && !set("OPENAI_BASE_URL") {
        " (OPENAI_API_BASE is set, but quire does not read it: use OPENAI_BASE_URL, or base_url in a [providers.NAME] table)".to_string()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod describe_tests {
    use super::*;

    /// What to do is said after the retries ran out as well.
    #[test]
    fn a_connect_error_after_the_retries_still_says_what_to_check() {
        let e = ModelError::GaveUp {
            retries: 1,
            last: Box::new(ModelError::Connect {
                url: "http://127.0.0.1:9/v1/chat/completions".into(),
                message: "Connection refused (os error 111)".into(),
                from: None,
            }),
        };
        assert_eq!(
            describe(&e),
            "cannot reach http://127.0.0.1:9/v1/chat/completions: Connection refused (os error 111); gave up after 1 retry (retry.max_retries sets how many). Is the server running and is base_url right?"
        );
    }
}
