//! `quire exec`: one task, non-interactive.

use std::io::IsTerminal;
use std::sync::Arc;

use quire::agent::{
    AgentError, Event, EventSink, Session, SessionOptions, TaskStatus, find_session,
};
use quire::store::StoreError;
use quire::tools::approval::{DenyAll, RememberingApprover};

use super::answer_file::AnswerFile;
use super::args::{ExecArgs, GlobalArgs, JsonFormat};
use super::final_answer::Noting;
use super::render::{HumanRenderer, JsonRenderer, Renderer};
use super::render_codex::CodexJsonRenderer;
use super::run::{Interrupts, drive};
use super::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, setup};

/// `--ephemeral`: the run's sessions go to a folder removed at its end.
fn ephemeral(
    args: &ExecArgs,
    resuming: bool,
    setup: &mut setup::Setup,
) -> Result<Option<super::ephemeral::Ephemeral>, String> {
    if !args.ephemeral {
        return Ok(None);
    }
    if resuming {
        return Err("--ephemeral cannot continue a session: resuming appends to the session's file, which --ephemeral would not keep; leave out one or the other".into());
    }
    let sessions = quire::runtime::sessions_dir(&setup.config, &setup.home);
    let e = super::ephemeral::start(&sessions)?;
    setup.config.sessions_dir = Some(e.dir().to_path_buf());
    Ok(Some(e))
}

pub async fn run(global: &GlobalArgs, args: &ExecArgs) -> i32 {
    let json = args.json_format();
    let mut renderer: Box<dyn Renderer> = match json {
        Some(JsonFormat::Quire) => Box::new(JsonRenderer),
        Some(JsonFormat::Codex) => Box::new(CodexJsonRenderer::default()),
        None => Box::new(HumanRenderer::new(true).answer_only()),
    };
    let fail = |renderer: &mut Box<dyn Renderer>, code: i32, message: String| {
        if json.is_some() {
            renderer.event(&Event::Error {
                message: message.clone(),
            });
        }
        super::pipe::err_clean(&format!("error: {message}\n"));
        code
    };
    // `--json codex` runs a task named "codex": surely `--json=codex`.
    if json == Some(JsonFormat::Quire)
        && let Some(task) = args.prompt.as_deref().and_then(|p| p.to_str())
        && matches!(task, "codex" | "quire")
    {
        return fail(
            &mut renderer,
            EXIT_USAGE,
            super::arg_errors::json_shape_slip(task),
        );
    }
    // Before anything else: a path that cannot take the answer must not
    // cost a task.
    let answer_file = match args.output_last_message.as_deref().map(AnswerFile::check) {
        Some(Err(msg)) => return fail(&mut renderer, EXIT_USAGE, msg),
        Some(Ok(f)) => Some(f),
        None => None,
    };
    let schema = match args
        .output_schema
        .as_deref()
        .map(super::output_schema::load)
    {
        Some(Err(msg)) => return fail(&mut renderer, EXIT_USAGE, msg),
        Some(Ok(s)) => Some(s),
        None => None,
    };
    // Images too: a file that cannot be sent must not cost a task.
    let images = match super::images::load(&args.images) {
        Ok(i) => i,
        Err(msg) => return fail(&mut renderer, EXIT_USAGE, msg),
    };
    // Codex's `exec resume --last "TASK"` is `exec --resume last "TASK"`.
    let (task, resume) = match super::exec_resume::exec_task(args) {
        Ok(t) => t,
        Err(message) => return fail(&mut renderer, EXIT_USAGE, message),
    };
    let setup = match setup::load(global, args.max_turns) {
        Ok(s) => s,
        Err(e) => return fail(&mut renderer, EXIT_USAGE, format!("{e:#}")),
    };
    let mut setup = match super::first_run::ensure(global, args.max_turns, setup) {
        Ok(s) => s,
        Err(e) => return fail(&mut renderer, EXIT_USAGE, format!("{e:#}")),
    };
    // Removed when this function returns (and by every exit at once).
    let _ephemeral = match ephemeral(args, resume.is_some(), &mut setup) {
        Ok(e) => e,
        Err(message) => return fail(&mut renderer, EXIT_USAGE, message),
    };
    let images = match super::images::for_provider(images, &setup.config) {
        Ok(i) => i,
        Err(msg) => return fail(&mut renderer, EXIT_USAGE, msg),
    };
    let (prompt, context) = match read_prompt(task.as_deref()) {
        Ok(p) => p,
        Err(msg) => return fail(&mut renderer, EXIT_USAGE, msg),
    };
    let notes = setup.sandbox_warnings();
    for w in setup.warnings.iter().chain(&notes).chain(&prompt.warnings) {
        renderer.event(&Event::Warning { message: w.clone() });
    }
    let prompt = prompt.text;
    let resume = match &resume {
        Some(q) if args.here && q == "last" => {
            return fail(
                &mut renderer,
                EXIT_USAGE,
                "--here continues a session named by its id in this folder (`quire sessions list` shows the ids and folders); `last` is always this folder's own: quire exec --resume ID --here \"TASK\"".into(),
            );
        }
        Some(q) => match find_session(&setup.config, &setup.home, &setup.cwd, q, args.here) {
            Ok(s) => Some(s),
            Err(e) => return fail(&mut renderer, EXIT_USAGE, e.to_string()),
        },
        None if args.here => {
            return fail(
                &mut renderer,
                EXIT_USAGE,
                "--here goes with the session to continue: quire exec --resume ID --here \"TASK\""
                    .into(),
            );
        }
        None => None,
    };
    let slash = super::slash::init(&setup.config, &setup.home, &setup.cwd);
    let skills = || crate::session_view::skills::user_skills(&setup);
    if let Some(message) = super::slash::exec_warning(&prompt, &slash.commands, skills) {
        renderer.event(&Event::Warning { message });
    }
    let sessions_dir = quire::runtime::sessions_dir(&setup.config, &setup.home);
    let (sink, mut rx) = EventSink::channel();
    // Before the session starts its MCP servers: a Ctrl-C from here on
    // stops them too.
    let interrupts = Interrupts::install();
    let session = Session::start(SessionOptions {
        config: setup.config,
        home: setup.home,
        cwd: setup.cwd,
        resume,
        approver: Arc::new(RememberingApprover::new(DenyAll)),
        events: sink,
    });
    let mut session = match session {
        Ok(s) => s,
        Err(e) => {
            let (code, message) = start_error(&e, &sessions_dir);
            return fail(&mut renderer, code, message);
        }
    };
    let token = interrupts.begin();
    // `-i` images first, then those the task names as `@shot.png`.
    session.attach_images(images);
    // `/name args` of a custom command: its expanded message (and model),
    // its files attached. Otherwise `@path` in the task: the file's
    // contents after it (not in piped context, which is data).
    let prompt = match super::slash::prepare(&prompt, &mut session, &token).await {
        Ok(Some(p)) if p.files_attached => super::mention::attached_already(&mut session, &p),
        Ok(Some(p)) => super::mention::attach_in(&mut session, &p.text, p.files()),
        Ok(None) => super::mention::attach_in(&mut session, &prompt, None),
        Err(message) => {
            interrupts.end();
            super::run::drive_future(session.end("other"), &mut rx, renderer.as_mut()).await;
            return fail(&mut renderer, EXIT_USAGE, message);
        }
    };
    // Piped context goes after the task, also after a command's expansion.
    let prompt = match &context {
        Some(c) => super::stdin::with_context(&prompt, c),
        None => prompt,
    };
    let prompt = match &schema {
        Some((value, _)) => {
            session.set_output_schema(Some(value.clone()));
            super::output_schema::task_with(&prompt, value)
        }
        None => prompt,
    };
    // Background subagents still at work stop with the task, said (and
    // their usage counted) before its `task_completed`.
    session.stop_background_at_end();
    let mut noting = Noting::new(renderer.as_mut());
    // With --output-schema the answer is checked before anything shows it.
    let (outcome, mismatch) = match (&schema, args.output_schema.as_deref()) {
        (Some((_, checker)), Some(file)) => {
            let mut gate = super::output_schema::Gate::new(&mut noting, checker, file);
            let outcome = drive(&mut session, &mut rx, &mut gate, &prompt, token).await;
            (outcome, gate.mismatch)
        }
        _ => {
            let outcome = drive(&mut session, &mut rx, &mut noting, &prompt, token).await;
            (outcome, None)
        }
    };
    interrupts.end();
    // What is said about the answer comes before `task_completed`.
    let answer = noting.answer.answer().map(str::to_string);
    let answer_kept = match (&answer_file, &mismatch) {
        // Emptied: a file left from an earlier run must not pass for this
        // run's answer.
        (Some(file), Some(_)) => file.write("").map_err(|_| None),
        (Some(file), None) => keep_answer(file, answer.as_deref(), noting.inner),
        (None, _) => Ok(()),
    };
    noting.end_task(match &answer_kept {
        Err(Some(message)) => Some(message.clone()),
        _ => None,
    });
    super::run::drive_future(session.end("other"), &mut rx, &mut noting).await;
    let answer_kept = answer_kept.is_ok();
    if json.is_none() {
        super::pipe::err(&format!("{}\n", super::summary::usage_line(&outcome.usage)));
        let unsaved = session.unsaved_records();
        if unsaved > 0 {
            super::pipe::err(&format!(
                "warning: the session file {} misses {} (writing them failed); `--resume` continues without them (free space on its disk)\n",
                session.file().display(),
                quire::plural::counted(unsaved, "record")
            ));
        }
    }
    if let Some(e) = super::pipe::stdout_error() {
        super::pipe::err(&format!(
            "error: cannot write to stdout: {e}; the task was stopped (free space on the disk that holds the output, or write it elsewhere)\n"
        ));
        return EXIT_FAILED;
    }
    if let Some(code) = interrupts.terminated() {
        return code;
    }
    if mismatch.is_some() {
        return EXIT_FAILED;
    }
    match outcome.status {
        TaskStatus::Done if !answer_kept => EXIT_FAILED,
        TaskStatus::Done => EXIT_OK,
        TaskStatus::Interrupted => EXIT_INTERRUPTED,
        TaskStatus::Failed(_)
        | TaskStatus::MaxTurns
        | TaskStatus::Blocked(_)
        | TaskStatus::Budget => EXIT_FAILED,
    }
}

/// Writes the task's answer to `-o FILE` (empty, with a warning, when the
/// task ended without one); the error it told when it could not be written.
fn keep_answer(
    file: &AnswerFile,
    answer: Option<&str>,
    renderer: &mut dyn Renderer,
) -> Result<(), Option<String>> {
    // The same bytes stdout gets in a file or pipe.
    let text = match answer {
        Some(a) => {
            let mut text = quire::printable::clean(a).into_owned();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        }
        None => {
            renderer.event(&Event::Warning {
                message: format!(
                    "the task ended without an answer (its last message was followed by more work, or there was none), so {} is left empty",
                    file.shown()
                ),
            });
            String::new()
        }
    };
    file.write(&text).map_err(|message| {
        renderer.event(&Event::Error {
            message: message.clone(),
        });
        Some(message)
    })
}

/// The task, and warnings about how it was read.
struct Prompt {
    text: String,
    warnings: Vec<String>,
}

/// The task (from the argument or stdin) and, for a task given as an
/// argument, the context piped in on stdin.
fn read_prompt(arg: Option<&std::ffi::OsStr>) -> Result<(Prompt, Option<String>), String> {
    use super::stdin::{self, Context};
    use std::os::unix::ffi::OsStrExt;
    let from_stdin = match arg.map(|a| stdin::Text::decode(a.as_bytes())) {
        Some(p) if p.text == "-" => true,
        Some(p) => {
            let task_warning = p.replaced_warning_in("the task argument");
            let task = non_empty(p.text)?;
            let (context, warnings) = match stdin::read_context(&still_reading) {
                Ok(Context::Text(t)) => (Some(t.text.clone()), t.replaced_warning()),
                Ok(Context::None) => (None, None),
                Ok(Context::Silent) => (
                    None,
                    Some(format!(
                        "nothing arrived on stdin within {}s, so the task runs without it (redirect stdin from /dev/null to skip this wait, or write the input to a file first)",
                        stdin::CONTEXT_GRACE.as_secs()
                    )),
                ),
                Err(e) => return Err(format!("cannot read stdin: {e}")),
            };
            let prompt = Prompt {
                text: task,
                warnings: task_warning.into_iter().chain(warnings).collect(),
            };
            return Ok((prompt, context));
        }
        None => !std::io::stdin().is_terminal(),
    };
    if !from_stdin {
        return Err(
            "quire exec needs a task: quire exec \"describe the task\" (or pipe it on stdin)"
                .into(),
        );
    }
    let read = stdin::read_all(&still_reading)
        .map_err(|e| format!("cannot read the task from stdin: {e}"))?;
    if read.text.trim().is_empty() {
        let what = if read.text.is_empty() && stdin::is_null() {
            "stdin is closed or /dev/null, so no task can be read from it"
        } else if read.text.is_empty() {
            "stdin was empty"
        } else {
            "stdin held only blank space"
        };
        return Err(format!(
            "quire exec needs a task: none was given as an argument and {what}: quire exec \"describe the task\" (or pipe it on stdin)"
        ));
    }
    let prompt = Prompt {
        warnings: read.replaced_warning().into_iter().collect(),
        text: read.text,
    };
    Ok((prompt, None))
}

fn non_empty(s: String) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("quire exec needs a task, and the one given is empty: quire exec \"describe the task\" (or pipe it on stdin)".into())
    } else {
        Ok(s)
    }
}

/// The exit code and message of a session that could not start. A
/// sessions folder that cannot be written is the setup's to fix (exit 2),
/// and the message says how.
pub(crate) fn start_error(e: &AgentError, sessions_dir: &std::path::Path) -> (i32, String) {
    if let AgentError::Store(StoreError::Io { path, source, .. }) = e
        && path.starts_with(sessions_dir)
    {
        return (
            EXIT_USAGE,
            format!(
                "cannot write sessions to {}: {source}. Point `sessions_dir` in config.toml (or -c sessions_dir=PATH) at a writable directory, or set QUIRE_HOME to one",
                sessions_dir.display()
            ),
        );
    }
    let code = if e.is_usage() {
        EXIT_USAGE
    } else {
        EXIT_FAILED
    };
    (code, e.to_string())
}

/// Says on stderr why nothing happens while an open pipe keeps sending.
fn still_reading(bytes: u64) {
    super::pipe::err(&format!("{}\n", super::stdin::still_reading_note(bytes)));
}
