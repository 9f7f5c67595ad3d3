//! The most a hook adds to the model's context in one run: 10,000
//! characters, as Claude Code caps it. More (plain stdout of a
//! `UserPromptSubmit` / `SessionStart` hook, an `additionalContext`) is
//! cut there with a note for the model, and the hook's line in the
//! terminal and its `hook_completed` event say by how much.

use super::HookResult;

/// Characters of context one hook run may add.
pub const CONTEXT_LIMIT: usize = 10_000;

/// Cuts `r`'s context to [`CONTEXT_LIMIT`] characters; the note for the
/// model and the warning (naming the hook `label` of `event`) say how
/// many the hook printed: all of them, or, when quire read only the first
/// [`super::runner::OUTPUT_LIMIT_KIB`] KiB, at least those read.
pub fn cap(r: &mut HookResult, label: &str, event: super::HookEvent) {
    let Some(context) = &mut r.context else {
        return;
    };
    let (text, past_read) = match super::runner::cut_note(context) {
        Some((text, dropped)) => (text, Some(dropped)),
        None => (context.as_str(), None),
    };
    let Some((end, _)) = text.char_indices().nth(CONTEXT_LIMIT) else {
        return;
    };
    let total = text.chars().count();
    let kib = super::runner::OUTPUT_LIMIT_KIB;
    let printed = match past_read {
        None => format!("{total} characters ({} dropped)", total - CONTEXT_LIMIT),
        Some(Some(dropped)) => format!(
            "at least {total} characters (it printed {} bytes, quire reads the first {kib} KiB)",
            kib * 1024 + dropped
        ),
        Some(None) => format!("at least {total} characters (quire reads the first {kib} KiB)"),
    };
    context.truncate(end);
    context.push_str(&format!(
        "\n[hook context cut to the first {CONTEXT_LIMIT} of {printed}]"
    ));
    let note = format!(
        "context cut to the first {CONTEXT_LIMIT} of {printed} for the model; hook `{label}` ({event})"
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
        assert!(
            c.ends_with("\n[hook context cut to the first 10000 of 10005 characters (5 dropped)]")
        );
        assert_eq!(
            r.warning.as_deref(),
            Some(
                "context cut to the first 10000 of 10005 characters (5 dropped) for the model; hook `big` (UserPromptSubmit)"
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

    /// Output cut where quire stops reading: the counts are of what the
    /// hook printed, not of the note the runner added.
    #[tokio::test]
    async fn output_past_what_quire_reads_is_counted_as_printed() {
        let out = crate::hooks::runner::run_command(
            "head -c 10000000 /dev/zero | tr '\\0' x",
            std::path::Path::new("/"),
            &[],
            None,
            b"",
            std::time::Duration::from_secs(60),
        )
        .await;
        let mut r = HookResult {
            context: Some(out.stdout),
            ..Default::default()
        };
        cap(&mut r, "flood", HookEvent::SessionStart);
        let c = r.context.unwrap();
        assert!(c.starts_with(&"x".repeat(CONTEXT_LIMIT)), "{c:.20}");
        assert!(
            c.ends_with(
                "x\n[hook context cut to the first 10000 of at least 262144 characters (it printed 10000000 bytes, quire reads the first 256 KiB)]"
            ),
            "{}",
            &c[CONTEXT_LIMIT - 5..]
        );
        let w = r.warning.unwrap();
        assert!(
            w.starts_with("context cut to the first 10000 of at least 262144 characters (it printed 10000000 bytes"),
            "{w}"
        );
    }
}
