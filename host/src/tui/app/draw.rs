//! Drawing the live area: approval prompt or working indicator (with the
//! reasoning summary under it), hint, completion menu, composer, status.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::App;
use crate::tui::soft_wrap::{first_shown, soft_wrap};
use crate::tui::status;
use crate::tui::wrap::wrap;

/// Rows of reasoning shown under the working indicator.
const REASONING_ROWS: usize = 2;

/// The most rows the composer grows to; longer input scrolls.
const COMPOSER_ROWS: usize = 6;

/// What the live area shows, top to bottom.
struct Layout {
    /// Prompt or working rows, queued messages, hint, menu.
    top: Vec<Line<'static>>,
    composer: Vec<Line<'static>>,
    /// The cursor's row and column in the composer.
    cursor: (usize, usize),
    status: Line<'static>,
    /// Rows of `top` cut for want of room (its first ones).
    cut: usize,
    /// The request is paged in the prompt (`request_pager`): whether the
    /// window reaches its last row.
    paged: Option<bool>,
}

impl App {
    /// Draws the live area.
    #[cfg(test)]
    pub fn draw(&self, f: &mut Frame<'_>) {
        if let Some(p) = self.draw_at(f) {
            f.set_cursor_position(p);
        }
    }

    /// The rows the live area needs at `width` (at most its cap).
    pub fn live_rows(&self, width: u16) -> u16 {
        let cap = self.live_cap.max(1);
        let l = self.layout(width, cap);
        let rows = l.top.len() + l.composer.len() + 1;
        (rows as u16).min(cap)
    }

    /// Draws the live area (its rows at the bottom of the frame); where
    /// the cursor goes, or `None` while a turn runs, a question is asked
    /// or rows are shown above the caret (a menu, the Esc Esc rows, a
    /// draft's earlier rows): the composer then shows a drawn caret, the
    /// terminal's cursor stays parked (tui/inline.rs).
    pub fn draw_at(&self, f: &mut Frame<'_>) -> Option<Position> {
        let area = f.area();
        self.prompt_shown.set(false);
        if too_small(area) {
            // Nothing useful fits: one line says so (cut to the width);
            // the session goes on and is drawn whole once enlarged.
            let line = Line::styled(TOO_SMALL, self.pal.dim());
            let last = Rect::new(area.x, area.bottom().saturating_sub(1), area.width, 1);
            f.render_widget(Paragraph::new(line), last.intersection(area));
            return None;
        }
        let cap = if self.live_cap > 0 {
            self.live_cap
        } else {
            area.height
        };
        let Layout {
            top,
            composer,
            cursor,
            status,
            cut,
            paged,
        } = self.layout(area.width, cap);
        let fixed = composer.len() + 1;
        let room = usize::from(area.height).saturating_sub(fixed);
        let skip = top.len().saturating_sub(room);
        // A prompt answers keys only while its question and choices are
        // all on screen (keys.rs): none is answered unseen. One cut short
        // says why keys do nothing in place of its choices.
        let whole = skip == 0 && cut == 0;
        self.prompt_shown.set(self.approval.is_some() && whole);
        if let Some(p) = &self.approval {
            p.pager.drawn(paged.is_some(), paged == Some(true), whole);
        }
        let top: Vec<Line<'static>> = if self.approval.is_some() && !whole {
            let lines = wrap(
                &[Span::styled(CANNOT_ANSWER, self.pal.warn())],
                usize::from(area.width),
                &[],
                &[],
            );
            lines.into_iter().take(room).collect()
        } else {
            top.into_iter().skip(skip).collect()
        };
        let top_h = top.len() as u16;
        // The live rows sit right above the composer.
        let comp_h = composer.len() as u16;
        let bottom = area.y + area.height;
        let comp_y = bottom.saturating_sub(1 + comp_h);
        // Each part inside the frame, whatever its size (a widget drawn
        // past the buffer's edge panics).
        let within = |r: Rect| r.intersection(area);
        f.render_widget(
            Paragraph::new(top),
            within(Rect::new(
                area.x,
                comp_y.saturating_sub(top_h),
                area.width,
                top_h,
            )),
        );
        f.render_widget(
            Paragraph::new(composer),
            within(Rect::new(area.x, comp_y, area.width, comp_h)),
        );
        f.render_widget(
            Paragraph::new(status),
            within(Rect::new(area.x, bottom.saturating_sub(1), area.width, 1)),
        );
        // An armed prompt takes the keys; one still waiting for typing to
        // pause leaves them to the composer (its caret stays drawn).
        if self.approval.as_ref().is_some_and(|p| p.armed) {
            return None;
        }
        let (row, col) = cursor;
        let at = Position::new(area.x + 2 + col as u16, comp_y + row as u16);
        // The terminal's cursor marks the live area's place through a
        // resize (tui/inline.rs): it stays in the composer only on the
        // area's first row, with no menu, hint or row of a draft above it
        // that a reflowing terminal could split.
        if self.working.is_none() && at.y == area.y {
            return Some(at);
        }
        if area.contains(at) {
            let cell = &mut f.buffer_mut()[at];
            cell.set_style(cell.style().add_modifier(Modifier::REVERSED));
        }
        None
    }

    fn layout(&self, width: u16, cap: u16) -> Layout {
        let area = Rect::new(0, 0, width, cap);
        let mut rows: Vec<Line<'static>> = Vec::new();
        // Where the approval's choices are in `rows`.
        let mut choices = 0..0;
        // The working line's row and the rows under it (the command's
        // output, the reasoning): cut first when rows are short.
        let mut working = None;
        if let Some(p) = &self.approval {
            let (prompt, at) = super::prompt_rows::rows(p, usize::from(area.width), &self.pal);
            rows = prompt;
            choices = at;
        } else if let Some(start) = self.working {
            // A URL kept whole for the scrollback is cut into rows here.
            let live = crate::tui::fit::fit(self.stream.live(area.width, &self.pal), area.width);
            let room = usize::from(area.height).saturating_sub(4);
            let skip = live.len().saturating_sub(room.saturating_sub(1));
            rows.extend(live.into_iter().skip(skip));
            rows.extend(self.child_rows(area.width, std::time::Instant::now()));
            let (what, since) = match (self.running.first(), self.model_wait.since()) {
                (Some((_, line, t)), _) => (line.clone(), *t),
                (None, Some(t)) => (WAITING.to_string(), t),
                (None, None) => ("Working".to_string(), start),
            };
            rows.push(status::working(
                &what,
                since.elapsed(),
                self.frame,
                &self.pal,
            ));
            let at = rows.len() - 1;
            let output = self.output_rows(area.width);
            let shown = output.len();
            rows.extend(output);
            rows.extend(self.reasoning_rows(area.width));
            working = Some((at, shown, rows.len()));
        } else {
            rows.extend(self.background_rows(area.width));
        }
        // Wrapped, not cut at the edge: their last words say what to do.
        let dim_rows = |text: String| {
            wrap(
                &[Span::styled(text, self.pal.dim())],
                usize::from(area.width),
                &[],
                &[],
            )
        };
        for q in &self.queued {
            // The message cut to what leaves its row room for the rest.
            let room = usize::from(area.width).saturating_sub(QUEUED_COLUMNS);
            let first =
                crate::tui::cells::clip_columns(q.lines().next().unwrap_or(""), room.max(10));
            rows.extend(dim_rows(format!("queued: {first} {QUEUED_END}")));
        }
        if let Some(h) = &self.hint {
            rows.extend(dim_rows(h.clone()));
        }
        rows.extend(crate::tui::backtrack::rows(self));
        let (composer, cursor) = self.composer_lines(area);
        // The menu last above the composer, in the rows there are (rows
        // above it are cut first: its selection stays shown); none while a question is asked: the
        // prompt takes the room (and the keys).
        if self.approval.is_none() {
            let room = usize::from(area.height).saturating_sub(composer.len() + 1);
            rows.extend(crate::tui::menu::rows(self, room.max(1)));
        }
        let status = self.status.line(area.width, &self.pal);
        let paged = self.page_request(&mut rows, area, composer.len() + 1, choices);
        let room = usize::from(area.height).saturating_sub(composer.len() + 1);
        // Rows cut from the top would reach the working line: the oldest
        // output lines under it go instead, then reasoning.
        let drop = working.map_or(0, |(at, _, end)| {
            let over = rows.len().saturating_sub(room);
            over.saturating_sub(at).min(end - at - 1)
        });
        if let Some((at, shown, _)) = working.filter(|_| drop > 0) {
            let keep = shown.saturating_sub(drop);
            let output = self.output_tail(area.width, keep);
            rows.splice(at + 1..at + 1 + shown, output);
            let reasoning = at + 1 + keep;
            rows.drain(reasoning..reasoning + (drop - (shown - keep)));
        }
        let skip = rows.len().saturating_sub(room);
        let top = rows.into_iter().skip(skip).collect();
        Layout {
            top,
            composer,
            cursor,
            status,
            cut: skip,
            paged,
        }
    }

    /// The pending request put in front of `rows` when it cannot be seen
    /// whole above the prompt (`fixed`: the composer's and status rows):
    /// whether the window shows its last row, `None` when not paged. With
    /// no room for even one of its rows, yes and always cannot be given:
    /// the `choices` rows say so instead of offering them.
    fn page_request(
        &self,
        rows: &mut Vec<Line<'static>>,
        area: Rect,
        fixed: usize,
        choices: std::ops::Range<usize>,
    ) -> Option<bool> {
        let p = self.approval.as_ref()?;
        let render = || crate::tui::approve::request_lines(&p.request, &self.pal, area.width);
        let live = rows.len() + fixed;
        let tall = p.pager.with_rows(area.width, render, |r| r.len());
        if p.pager.fits_above(tall, live, self.screen_rows) {
            return None;
        }
        let room = usize::from(area.height).saturating_sub(live);
        let heading = |first: usize, last: usize, of: usize, end: bool| {
            let more = if end {
                ""
            } else {
                ": yes and always once you have read to the end"
            };
            // Wrapped: its end says why yes waits.
            let text = format!("the request, rows {first}–{last} of {of} (↑ ↓ PgUp PgDn){more}");
            wrap(
                &[Span::styled(text, self.pal.warn())],
                usize::from(area.width),
                &[],
                &[],
            )
        };
        let window = p
            .pager
            .with_rows(area.width, render, |r| p.pager.window(r, room, heading));
        let Some((window, end)) = window else {
            if !choices.is_empty() {
                let said = wrap(
                    &[Span::styled(NO_ROOM, self.pal.warn())],
                    usize::from(area.width),
                    &[],
                    &[],
                );
                rows.splice(choices, said);
            }
            return Some(false);
        };
        rows.splice(0..0, window);
        Some(end)
    }

    /// The last lines of the output of the call the working line names.
    pub(in crate::tui) fn output_rows(&self, width: u16) -> Vec<Line<'static>> {
        self.output_tail(width, crate::tui::live_output::ROWS)
    }

    /// Its `last` lines at most (a window too short for them all).
    fn output_tail(&self, width: u16, last: usize) -> Vec<Line<'static>> {
        let tail = self
            .running
            .first()
            .and_then(|(id, _, _)| self.outputs.get(id));
        tail.map(|t| t.rows(width, last, &self.pal))
            .unwrap_or_default()
    }

    /// The last lines of the reasoning summary, wrapped and dimmed.
    pub(in crate::tui) fn reasoning_rows(&self, width: u16) -> Vec<Line<'static>> {
        // Summaries open with a `**Title**`: shown as plain text.
        let text = self.reasoning.trim().replace("**", "");
        if text.is_empty() {
            return Vec::new();
        }
        let style = self
            .pal
            .dim()
            .add_modifier(ratatui::style::Modifier::ITALIC);
        let lines = wrap(
            &[Span::styled(text, style)],
            usize::from(width).saturating_sub(1),
            &[Span::raw("  ")],
            &[Span::raw("  ")],
        );
        let skip = lines.len().saturating_sub(REASONING_ROWS);
        lines.into_iter().skip(skip).collect()
    }

    /// The composer's rows, soft-wrapped at the width and scrolled to
    /// keep the cursor in view, and the cursor within them.
    fn composer_lines(&self, area: Rect) -> (Vec<Line<'static>>, (usize, usize)) {
        let text_width = usize::from(area.width).saturating_sub(2);
        // Tabs shown to their stops, as in code and command output (they
        // stay tabs in what is sent); the cursor's column counted alike.
        let lines: Vec<String> = self
            .composer
            .lines()
            .iter()
            .map(|l| quire::tabs::expand(l).into_owned())
            .collect();
        let column = quire::tabs::expand(self.composer.around_cursor().0).width();
        let at = (self.composer.cursor().0, column);
        let wrapped = soft_wrap(&lines, at, text_width);
        let max = COMPOSER_ROWS.min(usize::from(area.height).saturating_sub(2).max(1));
        let (row, col) = wrapped.cursor;
        let first = first_shown(wrapped.rows.len(), max, row);
        let lines = wrapped
            .rows
            .into_iter()
            .enumerate()
            .skip(first)
            .take(max)
            .map(|(i, (text, starts))| {
                let lead = if i == 0 && starts { "› " } else { "  " };
                Line::from(vec![Span::styled(lead, self.pal.accent()), Span::raw(text)])
            })
            .collect();
        (lines, (row - first, col))
    }
}

/// The working line while no part of the model's answer has come.
pub(in crate::tui) const WAITING: &str = "Waiting for the model";

/// What the live area shows in place of an approval prompt it cannot
/// show whole (its keys are refused until it can).
pub(in crate::tui) const CANNOT_ANSWER: &str =
    "a question waits: enlarge the window to answer it · Esc interrupts";

/// What an approval prompt offers in place of its choices when not a
/// row of the request it asks about fits on screen.
pub(in crate::tui) const NO_ROOM: &str =
    "enlarge the window to read the request and answer yes · [n] no · Esc interrupts";

/// What a queued message's row says after it.
const QUEUED_END: &str = "(sent when this turn ends)";

/// The columns of a queued message's row besides the message.
const QUEUED_COLUMNS: usize = "queued: ".len() + 1 + QUEUED_END.len();

/// What a window too small for the live area shows instead.
const TOO_SMALL: &str = "window too small";

/// The live area's least room: the composer and the status line, and
/// columns for a few characters after the `› `.
fn too_small(area: Rect) -> bool {
    area.height < 2 || area.width < 12
}

#[cfg(test)]
mod tests {
    use crate::tui::app::App;
    use crate::tui::approve::{Pending, show_request};
    use crate::tui::style::Palette;

    #[test]
    fn an_approval_shows_the_command_once_in_full_above_its_prompt() {
        let mut app = App::new(Palette::new(false), 60, Vec::new());
        let command = "cargo test --workspace -- --include-ignored a_rather_long_filter_name";
        let request = quire::tools::ApprovalRequest {
            tool: "shell".into(),
            summary: command.into(),
            reason: None,
            always_key: Some("cargo test".into()),
            files: Vec::new(),
            agent: None,
            escalated: false,
            code_in: Vec::new(),
            asked_again: None,
            workspace_programs: Vec::new(),
            outside_writes: None,
        };
        let pager = show_request(&mut app, &request);
        let (reply, _answer) = tokio::sync::oneshot::channel();
        let mut pending = Pending::new((request, reply), None);
        pending.pager = pager;
        app.approval = Some(pending);
        app.screen_rows = 24;
        let scrollback: String = app.commit.iter().map(|l| format!("{l}\n")).collect();
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(60, 10))
            .expect("test terminal");
        term.draw(|f| app.draw(f)).expect("draw");
        let buf = term.backend().buffer();
        let live: String = (0..buf.area.height)
            .map(|y| {
                let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
                format!("{}\n", row.trim_end())
            })
            .collect();
        // The whole command, wrapped, in the scrollback…
        assert!(
            scrollback.contains("a_rather_long_filter_name"),
            "{scrollback}"
        );
        // …and the prompt points at it without repeating it.
        assert!(
            live.contains("shell wants to run the command above:"),
            "{live}"
        );
        assert!(!live.contains("cargo test --workspace"), "{live}");
        assert!(live.contains("[y] yes"), "{live}");
    }

    #[test]
    fn every_size_down_to_one_cell_draws_and_hides_a_prompt_it_cannot_show() {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        app.working = Some(std::time::Instant::now());
        app.composer
            .insert_str("a draft that is longer than any of these windows");
        app.hint = Some("a hint".into());
        let request = quire::tools::ApprovalRequest {
            tool: "shell".into(),
            summary: "make test".into(),
            reason: None,
            always_key: Some("make test".into()),
            files: Vec::new(),
            agent: None,
            escalated: true,
            code_in: Vec::new(),
            asked_again: None,
            workspace_programs: Vec::new(),
            outside_writes: None,
        };
        let (reply, _answer) = tokio::sync::oneshot::channel();
        app.approval = Some(Pending::new((request, reply), None));
        for width in 1..=14 {
            for height in 1..=4 {
                app.live_cap = height;
                let mut term =
                    ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
                        .expect("test terminal");
                term.draw(|f| {
                    app.draw_at(f);
                })
                .expect("draw");
                if width < 12 || height < 2 {
                    let buf = term.backend().buffer();
                    let last: String = (0..width)
                        .map(|x| buf[(x, height - 1)].symbol().to_string())
                        .collect();
                    assert!("window too small".starts_with(last.trim_end()), "{last:?}");
                }
                // Too small for the question and its choices: keys do not
                // answer it, and no choice is offered.
                assert!(!app.prompt_shown.get(), "{width} x {height}");
                let buf = term.backend().buffer();
                let drawn: String = buf.content().iter().map(|c| c.symbol()).collect();
                assert!(!drawn.contains("[y]"), "{width} x {height}: {drawn:?}");
            }
        }
        app.live_cap = 10;
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(60, 10))
            .expect("test terminal");
        term.draw(|f| {
            app.draw_at(f);
        })
        .expect("draw");
        assert!(app.prompt_shown.get());
    }

    #[test]
    fn a_prompt_cut_short_says_to_enlarge_the_window_in_place_of_its_choices() {
        let mut app = App::new(Palette::new(false), 60, Vec::new());
        app.screen_rows = 4;
        app.live_cap = 4;
        let request = crate::tui::approve::shell_request("make test");
        let (reply, _answer) = tokio::sync::oneshot::channel();
        app.approval = Some(Pending::new((request, reply), None));
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(60, 4))
            .expect("test terminal");
        term.draw(|f| {
            app.draw_at(f);
        })
        .expect("draw");
        let drawn: String = term
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(!app.prompt_shown.get());
        assert!(
            drawn.contains("enlarge the window to answer it"),
            "{drawn:?}"
        );
        assert!(!drawn.contains("[n]"), "{drawn:?}");
    }

    #[test]
    fn tabs_in_the_input_go_to_stops_of_four_and_the_cursor_with_them() {
        let mut app = App::new(Palette::new(false), 40, Vec::new());
        app.composer.paste("a\t\t\tbcd");
        app.composer.left();
        app.composer.left();
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(40, 2))
            .expect("test terminal");
        term.draw(|f| app.draw(f)).expect("draw");
        let buf = term.backend().buffer();
        let row: String = (0..40).map(|x| buf[(x, 0)].symbol()).collect();
        assert_eq!(row.trim_end(), "› a           bcd");
        // On the `c`: column 2 of `› `, then `a`, the tabs to 12, `b`.
        let at = term.get_cursor_position().expect("cursor");
        assert_eq!((at.x, at.y), (15, 0));
        assert_eq!(app.composer.text(), "a\t\t\tbcd");
    }
}
