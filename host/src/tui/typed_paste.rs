//! A paste that arrives as plain keys (a terminal or multiplexer without
//! bracketed paste: `tmux paste-buffer`, `xdotool type`, some serial and
//! web terminals): keys that came in one burst with text after an Enter
//! are one paste, as the line mode takes lines that arrive together.
//! Its Enters are line breaks in the message: nothing is sent, no
//! `/command` runs, and no key of it answers an approval prompt.

use std::collections::VecDeque;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// `events` (one burst) with every run of typed text that holds a line
/// break followed by more text made one [`Event::Paste`].
pub fn group(events: impl IntoIterator<Item = Event>) -> VecDeque<Event> {
    let mut out = VecDeque::new();
    let mut run: Vec<Event> = Vec::new();
    let mut text = String::new();
    for ev in events {
        match typed(&ev) {
            Some(Some(c)) => {
                text.push(c);
                run.push(ev);
            }
            // A key release inside a run is no input: it stays out.
            Some(None) => {}
            None => {
                end_run(&mut out, &mut run, &mut text);
                out.push_back(ev);
            }
        }
    }
    end_run(&mut out, &mut run, &mut text);
    out
}

/// The run so far: a paste when one of its line breaks has text before
/// and after it (Enter, Enter, `n` at a prompt is keys), else its keys
/// as they came.
fn end_run(out: &mut VecDeque<Event>, run: &mut Vec<Event>, text: &mut String) {
    let lines = text.trim_start_matches('\n');
    let pasted = lines
        .find('\n')
        .is_some_and(|at| lines[at..].chars().any(|c| c != '\n'));
    if pasted {
        out.push_back(Event::Paste(std::mem::take(text)));
        run.clear();
    } else {
        out.extend(run.drain(..));
        text.clear();
    }
}

/// What a key types as part of text: `Some(Some(char))`; `Some(None)`
/// for a key release; `None` for anything that is not typing (a chord,
/// an arrow, a resize).
fn typed(ev: &Event) -> Option<Option<char>> {
    let Event::Key(KeyEvent {
        code,
        modifiers,
        kind,
        ..
    }) = ev
    else {
        return None;
    };
    if *kind == KeyEventKind::Release {
        return Some(None);
    }
    let plain = (*modifiers - KeyModifiers::SHIFT).is_empty();
    match code {
        KeyCode::Char(c) if plain => Some(Some(*c)),
        KeyCode::Enter if plain => Some(Some('\n')),
        // A line feed in raw mode reads as Ctrl-J.
        KeyCode::Char('j') if *modifiers == KeyModifiers::CONTROL => Some(Some('\n')),
        KeyCode::Tab if plain => Some(Some('\t')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> Vec<Event> {
        s.chars()
            .map(|c| {
                let code = match c {
                    '\r' => KeyCode::Enter,
                    '\t' => KeyCode::Tab,
                    c => KeyCode::Char(c),
                };
                Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
            })
            .collect()
    }

    #[test]
    fn lines_typed_in_one_burst_are_one_paste() {
        let got = group(keys("review:\r/approvals never\r\tthanks"));
        assert_eq!(
            got,
            [Event::Paste("review:\n/approvals never\n\tthanks".into())]
        );
        // A trailing Enter is part of it: nothing is sent.
        let got = group(keys("a\rb\r"));
        assert_eq!(got, [Event::Paste("a\nb\n".into())]);
    }

    #[test]
    fn one_line_then_enter_stays_keys_that_send_it() {
        let burst = keys("send me\r");
        assert_eq!(group(burst.clone()), burst);
        let burst = keys("\r\r");
        assert_eq!(group(burst.clone()), burst, "Enters alone are keys");
        let burst = keys("\r\rn");
        assert_eq!(group(burst.clone()), burst, "no text before a break");
    }

    #[test]
    fn a_chord_or_an_arrow_ends_a_run() {
        let mut burst = keys("one\r");
        let left = Event::Key(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
        burst.push(left.clone());
        burst.extend(keys("two"));
        assert_eq!(group(burst.clone()), burst);
        let mut burst = keys("x");
        burst.push(left.clone());
        burst.extend(keys("a\rb"));
        let got = group(burst);
        assert_eq!(
            got,
            [keys("x")[0].clone(), left, Event::Paste("a\nb".into())]
        );
    }
}
