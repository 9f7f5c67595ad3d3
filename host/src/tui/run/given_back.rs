//! The note shown when a message is put back in the input.

/// What is said when an interrupted (or failed) message is put back in
/// the input, `draft`: with what was typed meanwhile under it. Ctrl-C
/// clears the whole input (Ctrl-U only the cursor's line).
pub(super) fn note(draft: bool) -> &'static str {
    if draft {
        "your message is back in the input, what you typed meanwhile under it: Enter sends both, Ctrl-C clears the input"
    } else {
        "your message is back in the input: Enter sends it again, Ctrl-C clears it"
    }
}
