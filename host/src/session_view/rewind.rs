//! `/rewind [N]` (Claude Code's name; Esc Esc in the terminal view, as
//! Codex's backtrack): going back to an earlier message, for both front
//! ends. Without N the messages are listed, numbered; with N the history
//! from message N on is dropped (`Session::rewind`) and its text comes
//! back for the front end to put in the input, with its images (the
//! terminal view attaches them again at their placeholders; the line
//! mode sends them with the next message: `carried` says so). The line the transcript shows (`marker`) is drawn from the
//! `rewound` event.

use quire::agent::{Rewound, Session};
use quire::images::Image;

use super::{Said, Tone};
use crate::cli::summary::clip;

/// What files the model changed become (they are not reverted).
pub const FILES_STAY: &str = "files the model changed stay as they are (/undo reverts the last task's patches, one task at a time)";

/// What `/rewind ARG` says, and the message (text and images) to put in
/// the input when it went back.
pub fn run(session: &mut Session, arg: &str) -> (Vec<Said>, Option<Rewound>) {
    let arg = arg.trim();
    if arg.is_empty() {
        return (listing(&session.user_messages()), None);
    }
    let Ok(n) = arg.parse::<usize>() else {
        let why = format!(
            "/rewind takes a message number: \"{arg}\" is not one; /rewind alone lists the messages, numbered"
        );
        return (vec![Said::Note(Tone::Bad, format!("error: {why}"))], None);
    };
    match session.rewind(n) {
        Ok(r) => (Vec::new(), Some(r)),
        Err(e) => (vec![Said::Note(Tone::Bad, format!("error: {e}"))], None),
    }
}

/// The messages one can go back to, numbered from 1.
pub fn listing(messages: &[String]) -> Vec<Said> {
    if messages.is_empty() {
        return vec![Said::Note(
            Tone::Dim,
            "nothing to go back to: the conversation holds no message yet".to_string(),
        )];
    }
    let mut lines = vec![
        "messages to go back to: /rewind N drops message N and all after it from the conversation and gives its text back to edit".to_string(),
    ];
    for (i, m) in messages.iter().enumerate() {
        lines.push(format!("  {}. {}", i + 1, clip(first_line(m), 70)));
    }
    lines.push(format!("  ({FILES_STAY})"));
    vec![Said::Lines(lines)]
}

/// The line the transcript shows where the conversation went back
/// (it cannot erase what is above).
pub fn marker(to_user_message: usize, dropped_messages: usize) -> String {
    let later = dropped_messages.saturating_sub(1);
    let what = match later {
        0 => format!("message {to_user_message} is dropped from the conversation"),
        n => format!(
            "it and {} after it are dropped from the conversation",
            quire::plural::counted(n, "message")
        ),
    };
    format!("── back to message {to_user_message}: {what} ──")
}

/// What follows the marker: where the text went, and the files.
pub fn after_marker(in_input: &str) -> String {
    format!("its text is {in_input} to edit and send; {FILES_STAY}")
}

/// What follows the marker where the input cannot be filled (a dumb
/// terminal): the message's text, printed to copy, edit and send again.
pub fn for_copying(text: &str) -> Said {
    let mut lines = vec![format!(
        "this terminal cannot put the message back in the input (TERM=dumb): its text follows, to copy, edit and send again; {FILES_STAY}"
    )];
    lines.extend(text.lines().map(str::to_string));
    Said::Lines(lines)
}

/// What the line mode says of the images of a message gone back to: they
/// go with the next message sent, its text edited or not (the line mode
/// has no placeholders to take them out by).
pub fn carried(images: &[Image]) -> Option<Said> {
    let (its, names) = its_images(images)?;
    Some(Said::Note(
        Tone::Dim,
        format!(
            "{its} ({names}) {} with the message you send next, edited or not (/new leaves {})",
            if images.len() == 1 { "goes" } else { "go" },
            if images.len() == 1 { "it" } else { "them" }
        ),
    ))
}

/// What both front ends say when a message sent again as it was typed
/// before (↑ and Enter) gets the images it was sent with.
pub fn attached_again(images: &[Image]) -> Option<String> {
    let (its, names) = its_images(images)?;
    Some(format!(
        "{its} ({names}) attached again, as when this message was sent before"
    ))
}

/// "its image" or "its images", and their names; `None` without any.
fn its_images(images: &[Image]) -> Option<(&'static str, String)> {
    if images.is_empty() {
        return None;
    }
    let names: Vec<&str> = images.iter().map(|i| i.name.as_str()).collect();
    let its = if images.len() == 1 {
        "its image"
    } else {
        "its images"
    };
    Some((its, names.join(", ")))
}

/// The first line of a message with text (what a list shows of it).
pub fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_counts_the_later_messages() {
        assert_eq!(
            marker(3, 3),
            "── back to message 3: it and 2 messages after it are dropped from the conversation ──"
        );
        assert_eq!(
            marker(2, 1),
            "── back to message 2: message 2 is dropped from the conversation ──"
        );
    }

    #[test]
    fn the_listing_numbers_first_lines() {
        let said = listing(&["\n  fix the bug\nin main".into(), "and test it".into()]);
        let Said::Lines(lines) = &said[0] else {
            panic!("{said:?}")
        };
        assert_eq!(lines[1], "  1. fix the bug");
        assert_eq!(lines[2], "  2. and test it");
    }
}
