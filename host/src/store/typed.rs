//! What the user typed of a user message. quire appends the files a
//! message's `@path` mentions (and a custom command's files) as
//! `<file path="…">` blocks after a blank line; a message records how much
//! of it was typed ([`Item::User`]'s `typed`), so text the user typed or
//! pasted in the same form stays theirs. A message recorded without it (a
//! file written by an older quire) has only the trailing blocks in
//! quire's own form left out.
//!
//! [`Item::User`]: crate::protocol::Item::User

/// The typed part of a user message's `text`: its first `typed` bytes
/// when recorded, else [`as_typed`]'s guess.
pub fn typed_part(text: &str, typed: Option<usize>) -> &str {
    match typed {
        Some(n) if text.is_char_boundary(n) => &text[..n],
        _ => as_typed(text),
    }
}

/// `text` without the files quire attached to it, for a message whose
/// typed length was not recorded: the `<file path="…">` blocks from the
/// first one on that reach the end of the message (with at most the
/// block of `!` commands' output or piped input quire puts after them)
/// are left out; such a block with text the user typed after it stays.
pub fn as_typed(text: &str) -> &str {
    let mut from = 0;
    while let Some(i) = text[from..].find(ATTACHED) {
        let at = from + i;
        if attached(&text[at..]) {
            return &text[..at];
        }
        from = at + ATTACHED.len();
    }
    text
}

/// How an attached file begins in a sent message.
const ATTACHED: &str = "\n\n<file path=\"";
/// How it ends.
const END: &str = "</file>";
/// The labels of the blocks quire appends after the files: the output of
/// commands run with `!` before the message (cli/bang.rs) and piped
/// input (cli/stdin.rs), each followed by a fence.
const AFTER: [&str; 3] = [
    "I ran this command in the workspace",
    "I ran these commands in the workspace",
    "stdin:",
];

/// Whether `tail`, which begins with [`ATTACHED`], is in the form quire
/// appends: files one after the other to the end of the message, each a
/// header and its text up to `</file>`, then nothing or one of the blocks
/// of [`AFTER`].
fn attached(tail: &str) -> bool {
    let mut rest = tail;
    'files: loop {
        let Some(file) = rest.strip_prefix(ATTACHED) else {
            return false;
        };
        let Some(close) = file.find("\">\n") else {
            return false;
        };
        if file[..close].contains(['"', '\n']) {
            return false;
        }
        let mut from = close;
        while let Some(i) = file[from..].find(END) {
            // Text typed after a block, then another block: not one file.
            if file[from..from + i].contains(ATTACHED) {
                return false;
            }
            let after = &file[from + i + END.len()..];
            if after.is_empty() || after_block(after) {
                return true;
            }
            if after.starts_with(ATTACHED) {
                rest = after;
                continue 'files;
            }
            from += i + END.len();
        }
        return false;
    }
}

/// Whether `after` is one of the blocks of [`AFTER`] (after a blank line).
fn after_block(after: &str) -> bool {
    after.strip_prefix("\n\n").is_some_and(|block| {
        AFTER.iter().any(|label| {
            block.starts_with(label)
                && block
                    .split_once('\n')
                    .is_some_and(|(_, body)| body.starts_with("```"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\n\n<file path=\"src/a.rs\">\nfn a() {}\n</file>";

    #[test]
    fn a_recorded_length_is_what_was_typed() {
        let typed = "compare:\n\n<file path=\"b.txt\">\nold\n</file>";
        let text = format!("{typed}{FILE}");
        assert_eq!(typed_part(&text, Some(typed.len())), typed);
        // All of it typed: nothing left out, even a block at the end.
        assert_eq!(typed_part(typed, Some(typed.len())), typed);
    }

    #[test]
    fn a_length_off_a_character_is_guessed_instead() {
        let text = format!("ü{FILE}");
        assert_eq!(typed_part(&text, Some(1)), "ü");
        assert_eq!(typed_part(&text, Some(999)), "ü");
    }

    #[test]
    fn unrecorded_leaves_out_trailing_files_only() {
        assert_eq!(
            as_typed(&format!("look at @src/a.rs{FILE}{FILE}")),
            "look at @src/a.rs"
        );
        let typed = "compare:\n\n<file path=\"b.txt\">\nold\n</file>\n\nkeep this line";
        assert_eq!(as_typed(typed), typed);
        assert_eq!(as_typed(&format!("{typed}{FILE}")), typed);
        assert_eq!(as_typed("no files"), "no files");
    }

    #[test]
    fn unrecorded_files_before_commands_output_are_left_out() {
        let text = format!(
            "see @src/a.rs{FILE}\n\nI ran this command in the workspace before this message (`!`), with its output:\n```\n$ ls\na\n```\n"
        );
        assert_eq!(as_typed(&text), "see @src/a.rs");
        let text = format!("x{FILE}\n\nstdin:\n```\npiped\n```\n");
        assert_eq!(as_typed(&text), "x");
    }
}
