//! The most a hook adds to the model's context in one run: 10,000
//! characters, as Claude Code caps it. More (plain stdout of a
//! `UserPromptSubmit` / `SessionStart` hook, an `additionalContext`) is
//! cut there with a note for the model, and the hook's line in the
//! terminal and its `hook_completed` event say by how much.

use super::HookResult;

/// Characters of context one hook run may add.
pub const CONTEXT_LIMIT: usize = 10_000;

/// Cuts `r`'s context to [`CONTEXT_LIMIT`] characters; the warning says
/// so, naming the hook `label` of `event`.
pub fn cap(r: &mut HookResult, label: &str, event: super::HookEvent) {
    let Some(context) = &mut r.context else {
        return;
    };
    let Some((end, _)) = context.char_indices().nth(CONTEXT_LIMIT) else {
        return;
    };
    let total = context.chars().count();
    let cut = total - CONTEXT_LIMIT;
    let past_read = match super::runner::was_cut(context) {
        true => format!(
            ", besides what it printed past the {} KiB quire reads",
            super::runner::OUTPUT_LIMIT_KIB
        ),
        false => String::new(),
    };
    context.truncate(end);
    context.push_str(&format!(
        "\n[hook context cut at {CONTEXT_LIMIT} characters: {cut} more were dropped]"
    ));
    let note = format!(
        "context cut to the first {CONTEXT_LIMIT} of {total} characters for the model ({cut} dropped{past_read}); hook `{label}` ({event})"
    );
    r.warning = Some(match r.warning.take() {
        Some(w) => format!("{w}; {note}"),
        None => note,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hooks::HookEvent;

    #[test]
    fn context_over_the_limit_is_cut_and_said() {
        let mut r = HookResult {
            context: Some("é".repeat(CONTEXT_LIMIT + 5)),
            ..Default::default()
        };
        cap(&mut r, "big", HookEvent::UserPromptSubmit);
        let c = r.context.unwrap();
        assert!(c.starts_with(&"é".repeat(CONTEXT_LIMIT)));
        assert!(c.ends_with("[hook context cut at 10000 characters: 5 more were dropped]"));
        assert_eq!(
            r.warning.as_deref(),
            Some(
                "context cut to the first 10000 of 10005 characters for the model (5 dropped); hook `big` (UserPromptSubmit)"
            )
        );
        let mut r = HookResult {
            context: Some("x".repeat(CONTEXT_LIMIT)),
            ..Default::default()
        };
        cap(&mut r, "ok", HookEvent::SessionStart);
        assert_eq!(r.context.map(|c| c.len()), Some(CONTEXT_LIMIT));
        assert!(r.warning.is_none());
    }
}
