//! The completion menu's rows: a window of at most [`MENU_ROWS`] entries
//! that follows the selection (what Enter and Tab take is always shown),
//! and, when the menu is longer, a row saying how many are above and
//! below it.

use ratatui::text::{Line, Span};

use super::app::App;
use super::soft_wrap::first_shown;

/// The most entries shown at once.
pub const MENU_ROWS: usize = 6;

/// The menu's rows, in at most `room` rows (at least the selection).
pub fn rows(app: &App, room: usize) -> Vec<Line<'static>> {
    let len = app.menu.len();
    if len == 0 {
        return Vec::new();
    }
    let sel = app.menu_sel.min(len - 1);
    // A row for "N more" when not all entries fit (and there is room
    // for it besides the selection).
    let (shown, more_row) = if len <= MENU_ROWS.min(room) {
        (len, false)
    } else if room < 2 {
        (1, false)
    } else {
        (MENU_ROWS.min(room - 1), true)
    };
    let first = first_shown(len, shown, sel);
    let mut rows: Vec<Line<'static>> = app
        .menu
        .iter()
        .enumerate()
        .skip(first)
        .take(shown)
        .map(|(i, (text, desc))| {
            let style = if i == sel {
                app.pal.accent().patch(app.pal.bold())
            } else {
                app.pal.dim()
            };
            Line::from(vec![
                Span::styled(format!("  {text:<20}"), style),
                Span::styled(format!(" {desc}"), app.pal.dim()),
            ])
        })
        .collect();
    if more_row {
        let after = len - first - shown;
        let more = match (first, after) {
            (0, n) => format!("  ↓ {n} more"),
            (n, 0) => format!("  ↑ {n} more"),
            (a, b) => format!("  ↑ {a} more · ↓ {b} more"),
        };
        rows.push(Line::styled(more, app.pal.dim()));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::style::Palette;

    fn texts(rows: &[Line<'static>]) -> Vec<String> {
        rows.iter()
            .map(|l| l.to_string().trim_end().to_string())
            .collect()
    }

    fn menu(n: usize) -> App {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        app.menu = (0..n).map(|i| (format!("/c{i}"), String::new())).collect();
        app
    }

    #[test]
    fn the_window_follows_the_selection_and_says_what_is_not_shown() {
        let mut app = menu(10);
        let r = texts(&rows(&app, 20));
        assert_eq!(r.len(), 7);
        assert_eq!(r[0], "  /c0");
        assert_eq!(r[6], "  ↓ 4 more");
        app.menu_sel = 7;
        let r = texts(&rows(&app, 20));
        assert_eq!(r[0], "  /c2");
        assert_eq!(r[5], "  /c7");
        assert_eq!(r[6], "  ↑ 2 more · ↓ 2 more");
        app.menu_sel = 9;
        let r = texts(&rows(&app, 20));
        assert_eq!(r[5], "  /c9");
        assert_eq!(r[6], "  ↑ 4 more");
    }

    #[test]
    fn a_short_menu_has_no_more_row_and_a_small_room_keeps_the_selection() {
        let app = menu(6);
        assert_eq!(texts(&rows(&app, 20)).len(), 6);
        let mut app = menu(10);
        app.menu_sel = 8;
        let r = texts(&rows(&app, 3));
        assert_eq!(r, ["  /c7", "  /c8", "  ↑ 7 more · ↓ 1 more"]);
        assert_eq!(texts(&rows(&app, 1)), ["  /c8"]);
    }
}
