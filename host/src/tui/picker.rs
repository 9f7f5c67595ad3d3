//! The session picker of `quire resume` and `/resume`: past sessions of
//! this directory, newest first, with date, turns and first prompt.

use crossterm::event::{Event as TermEvent, EventStream, KeyCode, KeyModifiers};
use futures::StreamExt;
use quire::store::{self, LoadedSession, SessionSummary};
use ratatui::backend::Backend;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::inline::Inline;
use super::known_size;
use super::relative::Rows;
use super::style::Palette;
use crate::cli::summary::clip;

/// One row: `2026-12-03 09:12  3 turns  fix the failing test`, the date
/// the session was last used (the pickers list the most recently used
/// first, as `sessions list`; `last` is the first row).
pub fn row(s: &SessionSummary, width: u16) -> String {
    let date: String = s.last_used().chars().take(16).collect();
    // A long file is counted in its first part only.
    let more = if s.turns_partial { "+" } else { "" };
    let turns = if s.turns == 1 && !s.turns_partial {
        "1 turn ".to_string()
    } else {
        format!("{}{more} turns", s.turns)
    };
    let head = format!("{date}  {turns:>8}  ");
    let room = usize::from(width)
        .saturating_sub(head.chars().count() + 4)
        .max(10);
    format!(
        "{head}{}",
        clip(&quire::printable::one_line(&s.first_prompt), room)
    )
}

/// Who holds each listed session open (see `store::holder_of`).
pub type Holders = [Option<Option<u32>>];

/// The mark of a session another quire has open: `in use by pid 4242`.
pub fn in_use(holder: Option<u32>) -> String {
    match holder {
        Some(pid) if pid == std::process::id() => "open in this quire".to_string(),
        Some(pid) => format!("in use by pid {pid}"),
        None => "in use by another quire".to_string(),
    }
}

/// What the picker shows: the sessions, who holds each, the selected
/// one, what Esc does, and a notice (why Enter was refused).
pub struct View<'a> {
    pub list: &'a [SessionSummary],
    pub held: &'a Holders,
    pub sel: usize,
    pub esc: &'a str,
    pub notice: Option<&'a str>,
}

pub fn lines(view: &View<'_>, rows: usize, width: u16, pal: &Palette) -> Vec<Line<'static>> {
    let View {
        list,
        held,
        sel,
        esc,
        notice,
    } = *view;
    let mut out = vec![Line::styled(
        format!("Resume a session (↑/↓, Enter; Esc {esc})"),
        pal.bold(),
    )];
    if let Some(n) = notice {
        out.push(Line::styled(clip(n, usize::from(width).max(10)), pal.bad()));
    }
    let room = rows.saturating_sub(out.len()).max(1);
    let first = sel.saturating_sub(room - 1);
    for (i, s) in list.iter().enumerate().skip(first).take(room) {
        let (lead, style) = if i == sel {
            ("› ", pal.accent().patch(pal.bold()))
        } else {
            ("  ", pal.plain())
        };
        let mut spans = vec![Span::styled(lead, pal.accent())];
        match held.get(i).copied().flatten() {
            // Marked, and dimmed: it cannot be resumed while held.
            Some(holder) => {
                let mark = format!("[{}] ", in_use(holder));
                let w = width.saturating_sub(mark.chars().count() as u16);
                spans.push(Span::styled(mark, pal.bad()));
                spans.push(Span::styled(row(s, w), pal.dim()));
            }
            None => spans.push(Span::styled(row(s, width), style)),
        }
        out.push(Line::from(spans));
    }
    out
}

/// How the user left the picker.
pub enum Picked {
    /// Enter on a session.
    Session(SessionSummary),
    /// Esc (or no more terminal events): what `esc` said it does.
    Left,
    /// Ctrl-C or Ctrl-D: quit (at start-up) with this exit code, as
    /// those keys do everywhere else.
    Quit(i32),
}

/// Lets the user pick; [`Picked::Left`] when they leave with Esc (or no
/// terminal events come); `esc` says what Esc does (`starts a new one`). A session another quire holds open is marked and cannot
/// be picked (continuing it would be refused).
pub async fn pick<B: Backend + std::io::Write + Rows>(
    term: &mut Inline<B>,
    keys: &mut EventStream,
    list: &[SessionSummary],
    pal: &Palette,
    esc: &str,
) -> Picked {
    if list.is_empty() {
        return Picked::Left;
    }
    let held: Vec<Option<Option<u32>>> = list.iter().map(|s| store::holder_of(&s.path)).collect();
    let mut sel = 0usize;
    let mut notice: Option<String> = None;
    loop {
        // Drawn with the cursor parked on the first cell, so a resize
        // places the list from its first row (`Inline::fit_screen`).
        let _ = term.draw(|f| {
            let a = f.area();
            f.render_widget(
                Paragraph::new(lines(
                    &View {
                        list,
                        held: &held,
                        sel,
                        esc,
                        notice: notice.as_deref(),
                    },
                    usize::from(a.height),
                    a.width,
                    pal,
                )),
                a,
            );
            None
        });
        let Some(Ok(ev)) = keys.next().await else {
            return Picked::Left;
        };
        let k = match ev {
            TermEvent::Key(k) => k,
            TermEvent::Resize(..) => {
                // The old rows, wherever the terminal moved them, are
                // cleared and the list drawn again at the new size.
                let size = known_size::known(term.size().unwrap_or_default());
                let _ = term.fit_screen(size);
                continue;
            }
            _ => continue,
        };
        notice = None;
        match k.code {
            KeyCode::Up => sel = sel.saturating_sub(1),
            KeyCode::Down => sel = (sel + 1).min(list.len() - 1),
            KeyCode::Enter => match held.get(sel).copied().flatten() {
                Some(holder) => {
                    notice = Some(format!(
                        "that session is {} and cannot be resumed here; pick another, or Esc",
                        in_use(holder)
                    ));
                }
                None => {
                    if let Some(s) = list.get(sel) {
                        return Picked::Session(s.clone());
                    }
                }
            },
            KeyCode::Esc => return Picked::Left,
            KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                return Picked::Quit(crate::cli::EXIT_INTERRUPTED);
            }
            // Ctrl-Z stops quire as it does in the main view.
            KeyCode::Char('z') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                let _ = super::term::stop_and_retake(term);
            }
            // Ctrl-D quits as it does at an empty prompt.
            KeyCode::Char('d') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                return Picked::Quit(crate::cli::EXIT_OK);
            }
            _ => {}
        }
    }
}

/// The sessions a picker offers: not subagents' sessions nor ones without
/// a message ([`store::listed`]).
pub fn pickable(list: &[SessionSummary]) -> Vec<SessionSummary> {
    list.iter().filter(|s| store::listed(s)).cloned().collect()
}

/// Sessions started in `cwd`, the most recently used first.
pub fn here_sessions(dir: &std::path::Path, cwd: &std::path::Path) -> Vec<SessionSummary> {
    let cwd = cwd.display().to_string();
    store::list(dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.cwd == cwd)
        .collect()
}

/// `last` is the most recently used session of this directory with a
/// message (`store::by_last_use`, as `exec --resume last`; continuing it
/// is refused when another quire holds it or its file cannot be written,
/// never passed over for an older one); anything else an id (or a prefix
/// of one).
pub fn find(
    dir: &std::path::Path,
    cwd: &std::path::Path,
    here: &[SessionSummary],
    q: &str,
) -> Result<LoadedSession, String> {
    let path = if q == "last" {
        match store::by_last_use(here.iter().cloned()).into_iter().next() {
            Some(s) => s.path,
            None => {
                return Err(match store::nothing_to_resume(dir, cwd) {
                    damaged @ store::StoreError::LastDamaged { .. } => damaged.to_string(),
                    _ => format!(
                        "no session to resume in this directory; past sessions are in {}",
                        dir.display()
                    ),
                });
            }
        }
    } else {
        // A session of another directory is refused, as `exec --resume`.
        store::resumable(dir, cwd, q)
            .map_err(|e| e.to_string())?
            .path
    };
    store::load(&path).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(turns: usize, turns_partial: bool, first_prompt: &str) -> SessionSummary {
        SessionSummary {
            id: "01a241b9-0000-7000-8000-000000000000".into(),
            created: "2026-12-04T16:00:00+00:00".into(),
            cwd: "/w".into(),
            first_prompt: first_prompt.into(),
            turns,
            turns_partial,
            path: "/s.jsonl".into(),
            parent: None,
            modified: None,
        }
    }

    #[test]
    fn a_row_shows_a_partly_counted_session_as_a_lower_bound_on_one_plain_line() {
        assert_eq!(
            row(&summary(1, false, "fix it"), 80),
            "2026-12-04 16:00   1 turn   fix it"
        );
        assert_eq!(
            row(&summary(1, true, "\u{1b}[31mred\ta\r\nb"), 80),
            "2026-12-04 16:00  1+ turns  red a  b"
        );
    }
}
