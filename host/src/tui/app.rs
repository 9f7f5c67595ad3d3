//! The state of the terminal view: what is committed to the scrollback,
//! what the live area shows, and how agent events change both.

mod agents;
mod draw;
mod events;
mod prompt_rows;
mod replay;

pub(crate) use replay::recorded_usage;

use std::time::Instant;

use ratatui::text::Line;

use super::approve::Pending;
use super::cells;
use super::composer::Composer;
use super::status::Status;
use super::stream::Stream;
use super::style::Palette;
use crate::session_view::Patches;

/// The most rows the live area takes on a small screen (on a larger one,
/// half of it), and the rows the session picker draws in.
pub const VIEWPORT_ROWS: u16 = 10;

pub struct App {
    pub pal: Palette,
    pub width: u16,
    pub composer: Composer,
    pub stream: Stream,
    /// The streamed answer and reasoning without escape sequences.
    pub text_clean: quire::printable::Stream,
    pub reasoning_clean: quire::printable::Stream,
    /// Calls running: id, summary line, start.
    pub running: Vec<(String, String, Instant)>,
    /// The output of running calls, by call id (the last lines show
    /// under the working line).
    pub outputs: std::collections::HashMap<String, super::live_output::Tail>,
    pub status: Status,
    /// When the running task started.
    pub working: Option<Instant>,
    pub frame: usize,
    pub approval: Option<Pending>,
    /// A one-line hint above the composer (`Ctrl-C again to quit`).
    pub hint: Option<String>,
    /// Messages sent while a turn ran, in order: each is sent when the
    /// turn before it ends.
    pub queued: std::collections::VecDeque<String>,
    /// Completion candidates (text, description) and the selected one.
    pub menu: Vec<(String, String)>,
    pub menu_sel: usize,
    /// Lines waiting to be written to the scrollback.
    pub commit: Vec<Line<'static>>,
    /// Each task's patched files (for /diff and /undo).
    pub patches: Patches,
    pub session_id: String,
    /// The session's file and working directory (`/status`, `/agents`),
    /// kept here so they answer while a turn holds the session.
    pub session_file: std::path::PathBuf,
    pub cwd: std::path::PathBuf,
    /// The reasoning summary streamed since the last text or tool call.
    pub reasoning: String,
    /// Which config layer set what (`/status`).
    pub sources: Vec<quire::config::ConfigSource>,
    /// The subagents seen in this session (live lines, `/agents`, Ctrl-O).
    pub children: crate::cli::children::Children,
    /// The most rows the live area may take (0: the frame's height).
    pub live_cap: u16,
    /// The screen's rows (0: not known yet).
    pub screen_rows: u16,
    /// When a key was last pressed (or text pasted): a prompt that
    /// appears within a second of it waits for typing to pause.
    pub typed_at: Option<Instant>,
    /// Whether the last frame showed the whole approval prompt (a small
    /// window may cut it): keys answer only a prompt that was seen.
    pub prompt_shown: std::cell::Cell<bool>,
    /// Since when the model's answer is awaited (nothing of it came yet).
    pub model_wait: crate::session_view::model_wait::ModelWait,
    /// The history's user messages, as typed (Esc Esc chooses among them).
    pub messages: Vec<String>,
    /// Going back to one of them (tui/backtrack.rs).
    pub backtrack: Option<super::backtrack::Backtrack>,
}

impl App {
    pub fn new(pal: Palette, width: u16, history: Vec<String>) -> App {
        App {
            pal,
            width,
            composer: Composer::new(history),
            stream: Stream::default(),
            text_clean: Default::default(),
            reasoning_clean: Default::default(),
            running: Vec::new(),
            outputs: Default::default(),
            status: Status::default(),
            working: None,
            frame: 0,
            approval: None,
            hint: None,
            queued: Default::default(),
            menu: Vec::new(),
            menu_sel: 0,
            commit: Vec::new(),
            patches: Patches::default(),
            session_id: String::new(),
            session_file: Default::default(),
            cwd: Default::default(),
            reasoning: String::new(),
            sources: Vec::new(),
            children: Default::default(),
            live_cap: 0,
            screen_rows: 0,
            typed_at: None,
            prompt_shown: Default::default(),
            model_wait: Default::default(),
            messages: Vec::new(),
            backtrack: None,
        }
    }

    pub fn note(&mut self, text: &str, style: ratatui::style::Style) {
        self.end_stream();
        let lines = cells::note(text, style, self.width);
        self.commit.extend(lines);
    }

    pub fn push_lines(&mut self, lines: Vec<Line<'static>>) {
        self.end_stream();
        self.commit.extend(lines);
    }

    fn end_stream(&mut self) {
        let lines = self.stream.finish(self.width, &self.pal);
        self.commit.extend(lines);
    }

    /// A task starts with `text`.
    pub fn begin_task(&mut self, text: &str) {
        let lines = cells::user(text, self.width, &self.pal);
        self.commit.extend(lines);
        self.working = Some(Instant::now());
        self.hint = None;
        self.patches.begin_task();
    }

    pub fn end_task(&mut self) {
        self.end_stream();
        // The turn may have made files: `@path` completion lists them again.
        super::complete::forget_files();
        self.working = None;
        self.model_wait.end();
        // No turn runs now: "Ctrl-D does not quit during a turn" is over.
        if self.hint.as_deref() == Some(super::keys::CTRL_D_BUSY_HINT) {
            self.hint = None;
        }
        self.running.clear();
        self.outputs.clear();
        self.reasoning.clear();
        // A prompt whose asker is gone with the turn goes; one still
        // awaited (a subagent started in the background asks) stays until
        // the user answers it: the turn's end is no "no".
        if self.approval.as_ref().is_some_and(|p| !p.awaited()) {
            self.approval = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::approve::shell_request;

    #[test]
    fn the_end_of_a_task_answers_no_prompt_still_awaited() {
        let mut app = App::new(Palette::new(false), 80, Vec::new());
        let (reply, mut answer) = tokio::sync::oneshot::channel();
        app.approval = Some(Pending::new((shell_request("touch x"), reply), None));
        app.end_task();
        assert!(app.approval.is_some(), "a subagent's question stays");
        assert!(answer.try_recv().is_err(), "nobody answered it");
        // Its asker gone, it goes with the next task's end.
        drop(answer);
        app.end_task();
        assert!(app.approval.is_none());
    }
}
