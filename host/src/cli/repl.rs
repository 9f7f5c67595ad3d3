//! The interactive session: line editing and history (rustyline), streamed
//! output, slash commands, approval prompts, Ctrl-C to interrupt a turn.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use quire::agent::{CompactReason, Event, EventSink, Session, SessionOptions};
use quire::tools::approval::{PausedWhileAsking, RememberingApprover};

use super::model_switch::Switch;

// Writes to the terminal go through `pipe`, which drops what cannot be
// written (a closed terminal after SIGHUP, a closed pipe) instead of
// panicking, cleaned of escape sequences (a command to approve comes from
// the model): these shadow the macros of `cli` in this module.
macro_rules! eprintln {
    ($($t:tt)*) => {
        super::pipe::err(&quire::printable::clean(&format!("{}\n", format_args!($($t)*))))
    };
}

use super::args::GlobalArgs;
use super::bang;
use super::render::{HumanRenderer, Renderer};
use super::repl_help::HELP;
use super::repl_input::{Input, Reader, spawn_reader};
use super::run::{Interrupts, drive, drive_future};
use super::{EXIT_OK, EXIT_USAGE, setup};
use crate::session_view::{self, Patches, Said, Status};

/// Commands of the full-screen view the line mode does not have: the
/// session picker needs the full screen.
const FULL_SCREEN_ONLY: [&str; 1] = ["resume"];

pub(crate) use super::trust_ask::{TRUST_STOPPED, ask_trust};

/// Hides the spinner while an approval prompt is shown; keeps the state
/// `/status`, `/diff` and `/undo` read.
struct PromptAware {
    inner: HumanRenderer,
    prompting: Arc<AtomicBool>,
    status: Status,
    patches: Patches,
}

impl Renderer for PromptAware {
    fn event(&mut self, event: &Event) {
        self.status.track(event);
        self.patches.track(event);
        self.inner.event(event)
    }
    fn tick(&mut self) {
        if !self.prompting.load(Ordering::SeqCst) {
            self.inner.tick()
        }
    }
    fn clear_status(&mut self) {
        self.inner.clear_status()
    }
}

/// `resume`: `last` or a session id (prefix) to continue, as `quire
/// resume` in the full-screen view.
pub async fn run(
    global: &GlobalArgs,
    first: Option<String>,
    resume: Option<String>,
    typed: String,
    images: super::images::Named,
) -> i32 {
    let loaded = setup::load(global, None);
    let mut setup = match loaded.and_then(|s| super::first_run::ensure(global, None, s)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return EXIT_USAGE;
        }
    };
    let images = match super::images::for_provider(images, &setup.config) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let reader = spawn_reader(setup.home.join("history.txt"));
    // Keys typed before the line mode could read them: a whole line is the
    // first message (when the command line gave none), the rest starts
    // the first prompt's line.
    let (first, rest) = match (first, typed.split_once('\n')) {
        (None, Some((line, rest))) if !line.trim().is_empty() => (Some(line.to_string()), rest),
        (first, _) => (first, typed.rsplit('\n').next().unwrap_or_default()),
    };
    reader.start_with(&rest.replace('\n', " "));
    // Piped input is the session's messages: a first line that is not a
    // y/n answer to the trust question is no (the settings stay off) and
    // the first message, not read again and again as a wrong answer.
    let piped = !std::io::IsTerminal::is_terminal(&std::io::stdin());
    let not_an_answer = std::cell::RefCell::new(None::<String>);
    let ask = async |prompt: &str| match ask_line(&reader, prompt, TRUST_STOPPED).await {
        Some(line) if piped && !super::trust_ask::is_answer(&line) => {
            *not_an_answer.borrow_mut() = Some(line);
            Some("n".to_string())
        }
        other => other,
    };
    match ask_trust(ask, &setup, global).await {
        Ok(Some(trusted)) => setup = trusted,
        Ok(None) => {}
        Err(e) => {
            eprintln!("error: {e:#}");
            return EXIT_USAGE;
        }
    }
    let first = match not_an_answer.into_inner() {
        Some(line) if first.is_none() => {
            eprintln!("(the line after the question is not a y/n answer: it is the first message)");
            Some(line)
        }
        _ => first,
    };
    let ask = async |prompt: &str| ask_line(&reader, prompt, super::hooks::HOOKS_STOPPED).await;
    super::hooks::ask_approval(ask, &setup).await;
    // Before the session starts its MCP servers: a Ctrl-C from here on
    // stops them too.
    let interrupts = Interrupts::install();
    let prompting = Arc::new(AtomicBool::new(false));
    let approver = super::repl_approver::TerminalApprover {
        reader: reader.clone(),
        prompting: prompting.clone(),
        reason: std::sync::Mutex::new(None),
        interrupts: interrupts.clone(),
        one_at_a_time: Default::default(),
    };
    // Piped or redirected stdout: only each message's answer goes there,
    // as with `quire exec` (the steps on the way go to stderr).
    let mut renderer = PromptAware {
        inner: HumanRenderer::new(true).answer_only(),
        prompting,
        status: Status::default(),
        patches: Patches::default(),
    };
    renderer.inner.rewound_in_input = reader.fills_line();
    for w in setup.warnings.iter().chain(&setup.sandbox_warnings()) {
        renderer.event(&Event::Warning { message: w.clone() });
    }
    super::slash::init(&setup.config, &setup.home, &setup.cwd);
    let _ = session_view::skills::SKILLS.set(session_view::skills::user_skills(&setup));
    let sources = setup.sources.clone();
    let (sink, mut rx) = EventSink::channel();
    let for_review = (setup.config.clone(), setup.home.clone(), setup.cwd.clone());
    let sessions_dir = quire::runtime::sessions_dir(&setup.config, &setup.home);
    let loaded = match &resume {
        Some(q) => {
            let here = crate::tui::picker::here_sessions(&sessions_dir, &setup.cwd);
            match crate::tui::picker::find(&sessions_dir, &setup.cwd, &here, q) {
                Ok(l) => Some(l),
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_USAGE;
                }
            }
        }
        None => None,
    };
    let resumed = loaded.as_ref().map(|l| {
        let told = super::repl_resume::Recorded {
            turns: l.turns,
            last_task: l.last_task.clone(),
        };
        let patches = (l.patches.clone(), l.meta.cwd.clone());
        (l.items.clone(), l.path.clone(), told, patches)
    });
    let mut session = match Session::start(SessionOptions {
        config: setup.config,
        home: setup.home,
        cwd: setup.cwd,
        resume: loaded,
        approver: Arc::new(RememberingApprover::new(PausedWhileAsking::new(approver))),
        events: sink,
    }) {
        Ok(s) => s,
        Err(e) => {
            let (code, message) = super::exec::start_error(&e, &sessions_dir);
            eprintln!("error: {message}");
            return code;
        }
    };
    // `-i` images go with the first message.
    session.attach_images(images);
    renderer.status.context_window = session.context_window();
    renderer.status.instructions = session.instruction_files().to_vec();
    super::run::drain(&mut rx, &mut renderer);
    if let Some((items, file, told, (log, recorded_cwd))) = resumed {
        // /undo and /diff go on with the patches the file recorded; the
        // tokens carry on from the file (as the full-screen view's resume).
        renderer.patches = Patches::resumed(&log, &recorded_cwd, session.cwd());
        let (total, last) = crate::tui::recorded_usage(&file);
        renderer.status.resumed = total;
        renderer.status.total = total;
        renderer.status.context_used = last.map_or(0, |u| u.input_tokens);
        renderer.inner.children = super::children_earlier::load(&sessions_dir, session.id());
        super::repl_resume::summary(&items, &told)
            .iter()
            .for_each(|l| eprintln!("{l}"));
    }
    eprintln!("/help for commands · Ctrl-D to quit");
    let mut pending = first;
    let mut exit = EXIT_OK;
    // `!COMMAND`s run since the last message go with the next one.
    let shell = bang::Runner::new(&for_review.0);
    let mut ran_before = bang::Pending::default();
    // Images of a message gone back to, for the next one.
    let mut carried = super::repl_images::Carried::default();
    loop {
        interrupts.farewell(Some(resume_line(&session)));
        // `!` output stays with the conversation it was run in (not the
        // one `/new` starts).
        let left = ran_before.now_in(session.id());
        if left > 0 {
            eprintln!("{}", bang::left_behind_note(left));
        }
        let line = match pending.take() {
            Some(l) => l,
            None => match reader.prompt("› ", &interrupts).await {
                Some(l) => l,
                None => break,
            },
        };
        // `!COMMAND` runs it; a leading space sends `!text` or `/text`
        // as a message.
        let line = match bang::read(&line) {
            bang::Typed::Run(cmd) => {
                let token = interrupts.begin();
                session.run_start_hooks().await;
                let vars = session.hook_shell_vars();
                let ran = shell.run(cmd, session.cwd(), vars, &token).await;
                interrupts.end();
                bang::print(&ran);
                ran_before.push(session.id(), ran);
                if let Some(code) = interrupts.terminated() {
                    exit = code;
                    break;
                }
                continue;
            }
            bang::Typed::Usage => {
                eprintln!("{}", bang::USAGE);
                continue;
            }
            bang::Typed::Message(m) => m.to_string(),
        };
        let command = super::slash::is_command(line.trim_end());
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(cmd) = line.strip_prefix('/').filter(|_| command) {
            let (name, arg) = cmd.split_once(' ').unwrap_or((cmd, ""));
            match name {
                "help" => eprintln!("{HELP}"),
                "quit" | "exit" => break,
                "new" => {
                    match session.restart() {
                        Ok(()) => {
                            carried.clear();
                            renderer.patches.restart();
                            renderer
                                .status
                                .restart(session.instruction_files().to_vec());
                        }
                        Err(e) => eprintln!("error: {e}"),
                    }
                    super::run::drain(&mut rx, &mut renderer);
                    // `/agents` lists this conversation's children only.
                    renderer.inner.children = Default::default();
                }
                "model" if !arg.trim().is_empty() => {
                    let current = session.model().to_string();
                    match super::model_switch::switch(session.provider(), &current, arg.trim()) {
                        Switch::To { model, note } => {
                            session.switch_model(&model);
                            renderer.status.model = session.model().to_string();
                            renderer.status.model_switched = true;
                            renderer.status.context_window = session.context_window();
                            eprintln!("{note}");
                        }
                        Switch::Refused(why) => eprintln!("error: {why}"),
                    }
                }
                "model" => eprintln!(
                    "{}",
                    super::model_switch::show(session.provider(), session.model())
                ),
                "compact" if session.history().is_empty() => {
                    eprintln!("nothing to compact yet: the conversation is empty")
                }
                "compact" if session.little_to_compact() => eprintln!(
                    "nothing to compact: the conversation is still short (a summary would not free anything)"
                ),
                "compact" => {
                    let token = interrupts.begin();
                    let r = drive_future(
                        session.compact(CompactReason::Manual, &token),
                        &mut rx,
                        &mut renderer,
                    )
                    .await;
                    interrupts.end();
                    if let Err(e) = r {
                        show(vec![session_view::compaction_failed(&e)]);
                    }
                }
                "review" => {
                    let token = interrupts.begin();
                    let (config, home, cwd) = &for_review;
                    super::review::slash(config, home, cwd, arg, &token).await;
                    interrupts.end();
                }
                _ if let Some(why) =
                    crate::tui::commands::unexpected(&format!("/{name}"), arg.trim()) =>
                {
                    eprintln!("error: {why}")
                }
                "status" => {
                    renderer.status.estimate_context(session.context_estimate());
                    renderer.status.left_out(&session.fields_left_out());
                    show(vec![Said::Lines(renderer.status.lines(
                        session.id(),
                        session.file(),
                        &sources,
                    ))])
                }
                "diff" => show(session_view::diff(&renderer.patches, session.cwd())),
                "undo" => show(session_view::undo::undo(
                    &mut renderer.patches,
                    &mut session,
                )),
                "rewind" => {
                    let (said, text) = session_view::rewind::run(&mut session, arg);
                    super::run::drain(&mut rx, &mut renderer);
                    show(said);
                    // The next prompt's line holds the message to edit; a
                    // dumb terminal's cannot: its text is printed to copy.
                    if let Some(r) = text {
                        if !reader.fills_line() {
                            show(vec![session_view::rewind::for_copying(&r.text)]);
                        }
                        show(carried.rewound(r.images).into_iter().collect());
                        if reader.fills_line() {
                            reader.start_with(&r.text.replace('\n', " "));
                        }
                    }
                }
                "skills" => show(vec![session_view::skills::listing(
                    &renderer.status.skills,
                    width(),
                )]),
                "mcp" => eprintln!("{}", renderer.status.mcp_line()),
                "approvals" | "permissions" => show_fitted(session_view::approvals(
                    &format!("/{name}"),
                    arg.trim(),
                    &mut session,
                    &mut renderer.status,
                )),
                "agents" => {
                    // What children did while the prompt waited, first.
                    super::run::drain(&mut rx, &mut renderer);
                    let cwd = session.cwd().to_path_buf();
                    match super::agents_slash::run(&mut renderer.inner.children, arg, &cwd) {
                        Ok(lines) => lines.iter().for_each(|l| eprintln!("{l}")),
                        Err(e) => eprintln!("error: {e}"),
                    }
                }
                "init" if let Err(why) = session_view::init::message(session.cwd(), arg) => {
                    eprintln!("{why}")
                }
                // `/init` (built in) or a custom command: the message it makes.
                other if other == "init" || super::slash::known(other) => {
                    let token = interrupts.begin();
                    match super::slash::prepare_interactive(line, &mut session, &token).await {
                        Ok(Some(p)) => {
                            renderer.patches.begin_task();
                            let text = match p.files_attached {
                                true => super::mention::attached_already(&mut session, &p),
                                false => {
                                    super::mention::attach_in(&mut session, &p.text, p.files())
                                }
                            };
                            let text = bang::with_commands(&text, &ran_before.take());
                            drive(&mut session, &mut rx, &mut renderer, &text, token).await;
                            super::slash::restore(&mut session, &p);
                        }
                        Ok(None) => {}
                        Err(e) => eprintln!("error: {e}"),
                    }
                    interrupts.end();
                    if let Some(code) = interrupts.terminated() {
                        exit = code;
                        break;
                    }
                }
                other if session_view::skills::is_user_skill(other) => {
                    // `/skill-name …`: sent as it is; the explicit mention
                    // activates the skill, as in the full-screen view.
                    let token = interrupts.begin();
                    renderer.patches.begin_task();
                    let text = super::mention::attach_in(&mut session, line, None);
                    let text = bang::with_commands(&text, &ran_before.take());
                    drive(&mut session, &mut rx, &mut renderer, &text, token).await;
                    interrupts.end();
                    if let Some(code) = interrupts.terminated() {
                        exit = code;
                        break;
                    }
                }
                other if FULL_SCREEN_ONLY.contains(&other) => eprintln!(
                    "/{other} works in the full-screen view, not in the line mode (quire on a terminal that reports the cursor position, without TERM=dumb); here, leave (Ctrl-D) and run `quire resume ID` or `quire resume last`, which continue a session in the line mode too. To send it as a message, start it with a space: ` /{other}`"
                ),
                other => eprintln!("{}", session_view::other_commands::unknown(other)),
            }
            continue;
        }
        if let Some(note) = carried.attach(&mut session, line) {
            eprintln!("{note}");
        }
        let token = interrupts.begin();
        renderer.patches.begin_task();
        let text = super::mention::attach_in(&mut session, line, None);
        let text = bang::with_commands(&text, &ran_before.take());
        drive(&mut session, &mut rx, &mut renderer, &text, token).await;
        interrupts.end();
        if let Some(code) = interrupts.terminated() {
            exit = code;
            break;
        }
    }
    interrupts.farewell(None);
    let reason = if exit == EXIT_OK {
        "prompt_input_exit"
    } else {
        "other"
    };
    super::run::drive_future(session.end(reason), &mut rx, &mut renderer).await;
    eprintln!("{}", resume_line(&session));
    exit
}

/// A question before the session starts (trust, hooks): a line, or `None`
/// for Ctrl-D. Ctrl-C leaves quire (130) saying `error: {stopped}`, as the
/// full-screen view and the first-run setup do.
async fn ask_line(reader: &Reader, prompt: &str, stopped: &str) -> Option<String> {
    loop {
        match reader.answer(prompt).await {
            Input::Line(l) => return Some(l),
            Input::Failed(why) => eprintln!("error: {why}"),
            Input::Interrupted | Input::Cleared => {
                super::pipe::err(&format!("\nerror: {stopped}\n"));
                super::dumb_line::restore();
                std::process::exit(super::EXIT_INTERRUPTED);
            }
            Input::Eof => return None,
        }
    }
}

/// The line every way out of the line mode ends with.
fn resume_line(session: &Session) -> String {
    session_view::resume_line(session)
}

/// A shared command's answer (session_view/) as plain lines on stderr.
pub(super) fn show(said: Vec<Said>) {
    for s in said {
        match s {
            Said::Note(_, text) => eprintln!("{text}"),
            Said::Lines(lines) => lines.iter().for_each(|l| eprintln!("{l}")),
            Said::Diff(lines) => lines
                .iter()
                .for_each(|l| eprintln!("{}", session_view::diff::text(l))),
        }
    }
}

/// As [`show`], each line wrapped to the terminal's width under its own
/// text (the `/approvals` panel's explanations under their indent), as
/// the full-screen view wraps them; off a terminal, lines stay whole.
fn show_fitted(said: Vec<Said>) {
    let width = width();
    if width == usize::MAX {
        return show(said);
    }
    let width = u16::try_from(width).unwrap_or(u16::MAX);
    for s in said {
        let texts = match s {
            Said::Note(_, text) => vec![text],
            Said::Lines(lines) => lines,
            diff @ Said::Diff(_) => {
                show(vec![diff]);
                continue;
            }
        };
        let style = ratatui::style::Style::default();
        for line in crate::tui::listing::lines(&texts, style, width) {
            eprintln!("{line}");
        }
    }
}

/// The terminal's width for lists cut at its edge; unlimited when stderr
/// is not a terminal (a file or a pipe keeps every line whole).
fn width() -> usize {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return usize::MAX;
    }
    crossterm::terminal::size()
        .ok()
        .map(|(w, _)| usize::from(w))
        .filter(|w| *w > 0)
        .unwrap_or(80)
}
