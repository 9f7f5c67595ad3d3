//! The loop of the interactive session: wait for a message, run it while
//! rendering events and answering keys, repeat.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::EventStream;
use quire::agent::{CompactReason, Event, EventSink, SessionOptions, TaskStatus};
use quire::store;
use quire::tools::approval::{PausedWhileAsking, RememberingApprover};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::sync::CancellationToken;

use super::app::{App, VIEWPORT_ROWS};
use super::approve::{Answer, Ask, TuiApprover};
use super::burst::{Burst, next_event};
use super::commands::{self, Flow};
use super::input::Idle;
use super::keys::{self, Action};
use super::signals::{Got, Signals};
use super::style::Palette;
use super::term::{self, Term};
use super::{complete, history, input, picker};
use crate::cli::args::GlobalArgs;
use crate::cli::mention;
use crate::cli::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, repl, setup};

/// The live area's rows when the terminal is taken (the composer and the
/// status line; the first frame sizes it to what it shows).
const FIRST_ROWS: u16 = 2;

mod ask_line;
mod asks;
mod bang;
mod given_back;
mod job_control;
mod starting;
mod switch_session;
use job_control::{resume, suspend};

/// The shortest time between two redraws while events stream in.
const FRAME: Duration = Duration::from_millis(16);

/// Everything the loop reads from.
struct Io {
    term: Term,
    keys: EventStream,
    events: UnboundedReceiver<Event>,
    approvals: UnboundedReceiver<Ask>,
    signals: Signals,
    /// False once the terminal's input ended (EOF, EIO: it was closed).
    keys_open: bool,
    /// Events of a burst left unhandled (it ended at a sent message, a
    /// prompt or Ctrl-Z): read before the terminal's.
    held: std::collections::VecDeque<crossterm::event::Event>,
    /// Where sent messages and commands are remembered (↑ in a later run).
    history: std::path::PathBuf,
}

/// `resume`: `None` for a new session, `Some(None)` to pick one,
/// `Some(Some(ID|last))` to continue that one.
pub async fn run(
    global: &GlobalArgs,
    first: Option<String>,
    resume: Option<Option<String>>,
    images: crate::cli::images::Named,
) -> i32 {
    // Nothing configured: the guided setup asks first (before the
    // terminal is raw), as `quire exec` and the line view do.
    let loaded =
        setup::load(global, None).and_then(|s| crate::cli::first_run::ensure(global, None, s));
    let mut setup = match loaded {
        Ok(s) => s,
        Err(e) => {
            crate::cli::pipe::err_clean(&format!("error: {e:#}\n"));
            return EXIT_USAGE;
        }
    };
    let Ok(images) = super::images::checked(images, &setup.config) else {
        return EXIT_USAGE;
    };
    let ask = async |p: &str| ask_line::stdin_line(p, repl::TRUST_STOPPED);
    match repl::ask_trust(ask, &setup, global).await {
        Ok(Some(trusted)) => setup = trusted,
        Ok(None) => {}
        Err(e) => {
            crate::cli::pipe::err_clean(&format!("error: {e:#}\n"));
            return EXIT_USAGE;
        }
    }
    // New or changed repository hooks are approved before the first turn,
    // as in the line REPL (the question comes before the terminal is raw).
    let ask = async |p: &str| ask_line::stdin_line(p, crate::cli::hooks::HOOKS_STOPPED);
    crate::cli::hooks::ask_approval(ask, &setup).await;
    let sessions_dir = quire::runtime::sessions_dir(&setup.config, &setup.home);
    let here = picker::here_sessions(&sessions_dir, &setup.cwd);
    let mut loaded = match &resume {
        Some(Some(q)) => match picker::find(&sessions_dir, &setup.cwd, &here, q) {
            Ok(l) => Some(l),
            Err(e) => {
                crate::cli::pipe::err_clean(&format!("error: {e}\n"));
                return EXIT_USAGE;
            }
        },
        // `quire resume` where nothing can be resumed: said, as for
        // `--last`, not a blank session opened in silence.
        Some(None) if picker::pickable(&here).is_empty() => {
            crate::cli::pipe::err_clean(&format!(
                "error: no session to resume in this directory (past sessions are in {}); `quire` starts a new one\n",
                sessions_dir.display()
            ));
            return EXIT_USAGE;
        }
        _ => None,
    };
    let pal = Palette::from_env();
    let mut warnings = setup.warnings.clone();
    warnings.extend(setup.sandbox_warnings());
    let (term, guard) = match term::open(FIRST_ROWS) {
        Ok(t) => t,
        Err(e) => {
            crate::cli::pipe::err_clean(&format!("error: cannot set up the terminal: {e}\n"));
            return EXIT_FAILED;
        }
    };
    let (approver, approvals) = TuiApprover::new();
    let (sink, events) = EventSink::channel();
    let review_events = sink.clone();
    let mut io = Io {
        term,
        keys: EventStream::new(),
        events,
        approvals,
        signals: Signals::install(),
        keys_open: true,
        held: Default::default(),
        history: setup.home.join("history.jsonl"),
    };
    if matches!(resume, Some(None)) {
        let _ = io.term.set_height(VIEWPORT_ROWS);
        let picked = picker::pick(
            &mut io.term,
            &mut io.keys,
            &picker::pickable(&here),
            &pal,
            "starts a new one",
        )
        .await;
        let _ = io.term.clear();
        match picked {
            picker::Picked::Session(s) => match store::load(&s.path) {
                Ok(l) => loaded = Some(l),
                Err(e) => warnings.push(format!("cannot resume {}: {e}", s.id)),
            },
            picker::Picked::Left => {}
            picker::Picked::Quit(code) => {
                drop(io);
                drop(guard);
                return code;
            }
        }
    }
    let history_file = setup.home.join("history.jsonl");
    let width = io.term.size().map(|s| s.width).unwrap_or(80);
    let mut app = App::new(pal, width, history::load(&history_file));
    app.sources = setup.sources.clone();
    for w in &warnings {
        app.note(&format!("warning: {w}"), pal.warn());
    }
    let _ = complete::ROOT
        .set(quire::agent::prompt::repo_root(&setup.cwd).unwrap_or_else(|| setup.cwd.clone()));
    let _ = complete::SKILLS.set(complete::user_skills(&setup));
    crate::cli::slash::init(&setup.config, &setup.home, &setup.cwd);
    let replay = loaded.as_ref().map(|l| {
        let patches = (l.patches.clone(), l.meta.cwd.clone());
        (l.items.clone(), l.statuses.clone(), l.path.clone(), patches)
    });
    let opts = SessionOptions {
        config: setup.config.clone(),
        home: setup.home.clone(),
        cwd: setup.cwd.clone(),
        resume: loaded,
        approver: Arc::new(RememberingApprover::new(PausedWhileAsking::new(approver))),
        events: sink,
    };
    let mut session = match starting::start(&mut io, &mut app, opts).await {
        Some(Ok(s)) => s,
        None => {
            let code = io.signals.exit_code().unwrap_or(EXIT_INTERRUPTED);
            drop(io);
            drop(guard);
            crate::cli::pipe::err_clean("quire: stopped before the session started\n");
            return code;
        }
        Some(Err(e)) => {
            drop(io);
            drop(guard);
            let (code, message) = crate::cli::exec::start_error(&e, &sessions_dir);
            crate::cli::pipe::err_clean(&format!("error: {message}\n"));
            return code;
        }
    };
    app.status.context_window = session.context_window();
    app.status.instructions = session.instruction_files().to_vec();
    drain(&mut io, &mut app);
    if let Some((items, statuses, file, (log, recorded_cwd))) = replay {
        app.replay(&items, &statuses);
        app.patches = crate::session_view::Patches::resumed(&log, &recorded_cwd, session.cwd());
        app.resumed_from(&file);
        app.children = crate::cli::children_earlier::load(&sessions_dir, session.id());
    }
    app.note("/help for keys and commands · Ctrl-D to quit", pal.dim());
    let mut pending = super::images::start(&mut app, images, first);
    let mut shell = bang::Shell {
        runner: crate::cli::bang::Runner::new(&setup.config).live_on(review_events.clone()),
        pending: Default::default(),
    };
    loop {
        // A message typed while the last turn ran goes next.
        app.session_id = session.id().to_string();
        app.session_file = session.file().to_path_buf();
        app.cwd = session.cwd().to_path_buf();
        // `!` output stays with the conversation it was run in (not a
        // new one, not one switched to).
        let left = shell.pending.now_in(session.id());
        if left > 0 {
            app.note(&crate::cli::bang::left_behind_note(left), pal.dim());
        }
        // The server may report no usage (llama.cpp): quire's own count.
        app.status.estimate_context(session.context_estimate());
        app.status.left_out(&session.fields_left_out());
        // What Esc Esc chooses among.
        app.messages = session.user_messages();
        let text = match pending.take().or_else(|| app.queued.pop_front()) {
            Some(t) => t,
            None => match idle(&mut io, &mut app).await {
                Some(Idle::Send(t)) => t,
                Some(Idle::Rewind(n)) => {
                    commands::rewind(&mut app, &mut session, &n.to_string());
                    continue;
                }
                None => break,
            },
        };
        if text.trim().is_empty() {
            continue;
        }
        history::append(&history_file, &text);
        if !history::fits(&text) {
            app.note(
                "(this message is too long for the input history: ↑ will not bring it back)",
                pal.dim(),
            );
        }
        let cwd = session.cwd().to_path_buf();
        // A `!COMMAND` gets what SessionStart hooks set: they run first.
        if matches!(
            crate::cli::bang::read(&text),
            crate::cli::bang::Typed::Run(_)
        ) {
            session.run_start_hooks().await;
        }
        let vars = session.hook_shell_vars();
        let Some(text) = bang::typed(&mut io, &mut app, &mut shell, (&cwd, vars), text).await
        else {
            continue;
        };
        let message = if crate::cli::slash::is_command(&text) {
            match commands::run(text.trim(), &mut app, &mut session) {
                Flow::Continue => continue,
                Flow::Quit => break,
                Flow::Send(t) => t,
                Flow::Compact => {
                    let cancel = CancellationToken::new();
                    app.working = Some(std::time::Instant::now());
                    let r = drive(
                        &mut io,
                        &mut app,
                        &cancel,
                        session.compact(CompactReason::Manual, &cancel),
                    )
                    .await;
                    app.end_task();
                    if let Err(e) = r {
                        commands::show(&mut app, vec![crate::session_view::compaction_failed(&e)]);
                    }
                    continue;
                }
                Flow::Review(arg) => {
                    let cancel = CancellationToken::new();
                    app.begin_task(&text);
                    let run = super::review::run(
                        &setup,
                        &arg,
                        review_events.clone(),
                        &pal,
                        app.width,
                        &cancel,
                    );
                    let lines = drive(&mut io, &mut app, &cancel, run).await;
                    app.end_task();
                    app.push_lines(lines);
                    continue;
                }
                Flow::Resume => {
                    switch_session::pick_and_switch(
                        &mut io,
                        &mut app,
                        &mut session,
                        &sessions_dir,
                        &setup.cwd,
                        pal,
                    )
                    .await;
                    continue;
                }
            }
        } else {
            text
        };
        let cancel = CancellationToken::new();
        // A custom command's expanded message (and model).
        let custom =
            match crate::cli::slash::prepare_interactive(&message, &mut session, &cancel).await {
                Ok(p) => p,
                Err(e) => {
                    app.note(&format!("error: {e}"), pal.bad());
                    continue;
                }
            };
        // A custom command's files are attached by its expansion.
        let attached = match &custom {
            Some(p) if p.files_attached => mention::Attached {
                text: p.text.clone(),
                ..Default::default()
            },
            Some(p) => mention::attach(&setup.cwd, &p.text),
            None => mention::attach(&setup.cwd, &message),
        };
        let again = match super::images::attach(&mut app, &mut session, &message, attached.images) {
            Ok(again) => again,
            Err(e) => {
                app.note(&format!("error: {e}"), pal.bad());
                app.composer.set(&message);
                continue;
            }
        };
        app.begin_task(&message);
        if let Some(note) = again {
            let style = match note.starts_with("warning:") {
                true => pal.warn(),
                false => pal.dim(),
            };
            app.note(&note, style);
        }
        for w in &attached.warnings {
            app.note(&format!("warning: {w}"), pal.warn());
        }
        let ran = shell.pending.take();
        if !ran.is_empty() {
            app.note(&crate::cli::bang::carried_note(ran.len()), pal.dim());
        }
        let text = crate::cli::bang::with_commands(&attached.text, &ran);
        if let Some(at) = custom
            .as_ref()
            .and_then(|p| p.files())
            .or(attached.files_at)
        {
            session.attached_from(at);
        }
        let outcome = drive(
            &mut io,
            &mut app,
            &cancel,
            session.run_task(&text, cancel.clone()),
        )
        .await;
        app.end_task();
        if let Some(p) = &custom {
            crate::cli::slash::restore(&mut session, p);
        }
        if matches!(
            outcome.status,
            TaskStatus::Interrupted | TaskStatus::Failed(_)
        ) {
            // The interrupted (or failed: the server gone, retries used up)
            // message comes back, ready to edit or send again, with what
            // was queued after it: nothing is sent until the user says so.
            // Given back, it leaves the history: sent again (edited or
            // not), the history holds it once.
            if session.take_back_unanswered().is_some() {
                shell.pending.give_back(ran);
            }
            // The message first (its pastes as placeholders again), then
            // what was typed meanwhile, then what was queued.
            let draft = (!app.composer.is_empty()).then(|| app.composer.text());
            let mut back = vec![app.composer.with_placeholders(&message)];
            back.extend(draft.iter().cloned());
            let queued: Vec<String> = app.queued.drain(..).collect();
            back.extend(queued.iter().map(|q| app.composer.with_placeholders(q)));
            app.composer.set(&back.join("\n"));
            // Said, so that what is typed next is not taken for a new
            // message while it extends the one given back.
            let dim = app.pal.dim();
            app.note(given_back::note(draft.is_some()), dim);
        }
        let _ = term::flush(&mut io.term, &mut app);
        if io.signals.ended_by.is_some() {
            break;
        }
    }
    // SessionEnd, as exec and the line mode run it: hooks bounded by their
    // timeouts, their events shown.
    let reason = match io.signals.ended_by {
        Some(_) => "other",
        None => "prompt_input_exit",
    };
    drive(
        &mut io,
        &mut app,
        &CancellationToken::new(),
        session.end(reason),
    )
    .await;
    let _ = term::flush(&mut io.term, &mut app);
    let _ = io.term.clear();
    let io_signals_exit = io.signals.exit_code();
    drop(io);
    drop(guard);
    crate::cli::pipe::out(&format!("{}\n", crate::session_view::resume_line(&session)));
    io_signals_exit.unwrap_or(EXIT_OK)
}

/// Waits for a message; `None` to quit. A subagent working in the
/// background may ask for approval meanwhile: its prompt shows at once.
async fn idle(io: &mut Io, app: &mut App) -> Option<Idle> {
    loop {
        asks::settle(app);
        let _ = term::flush(&mut io.term, app);
        tokio::select! {
            Some(ev) = io.events.recv() => app.event(&ev),
            Some(ask) = io.approvals.recv(), if app.approval.is_none() => {
                asks::show(io, app, ask, false)
            }
            _ = tokio::time::sleep(asks::ARM_CHECK), if asks::arming(app) => {}
            got = io.signals.next() => match got {
                Got::End(_) => return None,
                Got::Suspend => suspend(io, app),
                Got::Resume => resume(io, app),
                Got::Interrupt => {
                    if let Action::Quit = keys::key(app, keys::ctrl_c_key(), false) {
                        return None;
                    }
                }
            },
            ev = next_event(&mut io.keys, &mut io.held), if io.keys_open || !io.held.is_empty() => match ev {
                Some(Ok(ev)) => {
                    // A burst of typed keys is taken in whole, then drawn once.
                    let mut burst = Burst::new(ev, std::mem::take(&mut io.held));
                    let mut out = None;
                    while let Some(ev) = burst.next() {
                        match input::event(app, ev, false) {
                            Action::Submit(t) => out = Some(Some(Idle::Send(t))),
                            Action::Rewind(n) => out = Some(Some(Idle::Rewind(n))),
                            Action::Quit => out = Some(None),
                            Action::Suspend => suspend(io, app),
                            // Esc at a prompt (no turn to interrupt): no.
                            Action::Interrupt => {
                                if let Some(p) = app.approval.as_mut() {
                                    p.answer(Answer::No);
                                }
                            }
                            // A key that answers a prompt ends the burst:
                            // the rest is read once the prompt is gone.
                            Action::None if app.approval.as_ref().is_some_and(|p| p.armed) => {}
                            Action::None => continue,
                        }
                        break;
                    }
                    io.held = burst.rest();
                    if let Some(out) = out {
                        return out;
                    }
                }
                Some(Err(_)) | None => {
                    terminal_gone(io);
                    return None;
                }
            },
        }
    }
}

/// Awaits `fut` (a task or a compaction) while rendering its events,
/// showing approval prompts and turning Ctrl-C / Esc into `cancel`.
async fn drive<T>(
    io: &mut Io,
    app: &mut App,
    cancel: &CancellationToken,
    fut: impl Future<Output = T>,
) -> T {
    tokio::pin!(fut);
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    // Streamed events redraw at most once a frame (the agent's future is
    // polled by this loop too); keys and prompts redraw at once.
    let mut drawn = Instant::now();
    let mut pending = true;
    let mut urgent = true;
    let out = loop {
        if pending && (urgent || drawn.elapsed() >= FRAME) {
            let _ = term::flush(&mut io.term, app);
            drawn = Instant::now();
            (pending, urgent) = (false, false);
        }
        let next_frame = tokio::time::Instant::from_std(drawn + FRAME);
        tokio::select! {
            biased;
            Some(ev) = io.events.recv() => {
                app.event(&ev);
                // Render a burst of events once.
                while let Ok(ev) = io.events.try_recv() {
                    app.event(&ev);
                }
                pending = true;
                continue;
            }
            _ = tokio::time::sleep_until(next_frame), if pending => continue,
            out = &mut fut => break out,
            got = io.signals.next() => match got {
                Got::Suspend => suspend(io, app),
                Got::Resume => resume(io, app),
                Got::Interrupt => asks::interrupt(app, cancel, false),
                Got::End(_) => asks::interrupt(app, cancel, true),
            },
            ev = next_event(&mut io.keys, &mut io.held), if io.keys_open || !io.held.is_empty() => {
                let Some(Ok(ev)) = ev else {
                    // Nobody is left to watch the turn: it stops as on
                    // SIGHUP (a closed input would be ready again at once,
                    // so it is not polled any more).
                    terminal_gone(io);
                    asks::interrupt(app, cancel, true);
                    continue;
                };
                // A burst of typed keys is taken in whole, then drawn once.
                let mut burst = Burst::new(ev, std::mem::take(&mut io.held));
                while let Some(ev) = burst.next() {
                    match input::event(app, ev, true) {
                        Action::Interrupt => asks::interrupt(app, cancel, false),
                        // What only reads the view answers now.
                        Action::Submit(t) if commands::read_only(&t) => {
                            history::append(&io.history, &t);
                            commands::answer(&t, app)
                        }
                        Action::Submit(t) => app.queued.push_back(t),
                        Action::Suspend => {
                            suspend(io, app);
                            break;
                        }
                        Action::Quit | Action::Rewind(_) | Action::None => {}
                    }
                    // A key that answers a prompt ends the burst: the rest
                    // is read once the prompt is gone.
                    if app.approval.as_ref().is_some_and(|p| p.armed) {
                        break;
                    }
                }
                io.held = burst.rest();
            }
            // One prompt at a time: a second request (another subagent's)
            // waits in the channel until the first is answered.
            Some(ask) = io.approvals.recv(), if app.approval.is_none() => {
                asks::show(io, app, ask, cancel.is_cancelled())
            }
            _ = tick.tick() => app.frame = app.frame.wrapping_add(1),
        }
        (pending, urgent) = (true, true);
        // Checked at least every tick.
        asks::settle(app);
    };
    drain(io, app);
    out
}

/// The terminal's input ended (closed: EOF or EIO): the session ends as
/// on SIGHUP, which usually comes with it.
fn terminal_gone(io: &mut Io) {
    io.keys_open = false;
    io.signals.ended_by.get_or_insert(libc::SIGHUP);
}

fn drain(io: &mut Io, app: &mut App) {
    while let Ok(ev) = io.events.try_recv() {
        app.event(&ev);
    }
    let _ = term::flush(&mut io.term, app);
}
