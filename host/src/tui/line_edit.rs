//! The line-editing keys, for every text field of the view: the
//! composer and the reason typed for a no at an approval prompt.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::composer::Composer;

/// What `k` does to the text in `c` (moves, deletes, a character typed);
/// whether it was a line-editing key. Enter, Tab, ↑/↓ and Esc are not:
/// each field gives them its own meaning.
pub fn key(c: &mut Composer, k: KeyEvent) -> bool {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    match k.code {
        KeyCode::Char('a') if ctrl => c.home(),
        KeyCode::Char('e') if ctrl => c.end(),
        KeyCode::Char('u') if ctrl => c.kill_to_start(),
        KeyCode::Char('w') if ctrl => c.delete_word(),
        KeyCode::Char('k') if ctrl => c.kill_to_end(),
        KeyCode::Char('d') if ctrl => c.delete(),
        KeyCode::Char('b') if alt => c.word_left(),
        KeyCode::Char('f') if alt => c.word_right(),
        KeyCode::Char('d') if alt => c.delete_word_forward(),
        // A chord with no binding types nothing (it is not a letter).
        KeyCode::Char(ch) if !ctrl && !alt => c.insert(ch),
        KeyCode::Backspace if alt || ctrl => c.delete_word(),
        KeyCode::Backspace => c.backspace(),
        KeyCode::Delete if alt || ctrl => c.delete_word_forward(),
        KeyCode::Delete => c.delete(),
        KeyCode::Left if alt || ctrl => c.word_left(),
        KeyCode::Left => c.left(),
        KeyCode::Right if alt || ctrl => c.word_right(),
        KeyCode::Right => c.right(),
        KeyCode::Home => c.home(),
        KeyCode::End => c.end(),
        _ => return false,
    }
    true
}
