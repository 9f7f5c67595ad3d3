//! Command-line interface: clap commands, thin over the library.

// What the commands print comes in part from repositories, plugins, MCP
// servers and models (descriptions, names, file text). On a terminal it is
// printed without the escape sequences that would act on the terminal
// (`quire::printable`); these shadow the std macros in every module below.
macro_rules! println {
    ($($t:tt)*) => {
        $crate::cli::terminal_print(false, format!("{}\n", format_args!($($t)*)))
    };
}
macro_rules! print {
    ($($t:tt)*) => {
        $crate::cli::terminal_print(false, format!($($t)*))
    };
}
// Stderr carries quire's messages, never a machine format: cleaned on a
// terminal or not (`2> log` then `cat log` must not act on a repository's
// escape sequences either).
macro_rules! eprintln {
    ($($t:tt)*) => {
        $crate::cli::terminal_eprint_clean(format!("{}\n", format_args!($($t)*)))
    };
}
/// `println!` for a listing's human lines (hooks, MCP servers, skills,
/// plugins): what repositories, plugins and servers wrote is cleaned of
/// escape sequences and controls on a terminal and when piped alike
/// (`| head`, `| less -R` would act on them). `--json` lines keep the exact
/// strings, JSON-escaped, through `println!`.
macro_rules! listln {
    ($($t:tt)*) => {
        $crate::cli::terminal_print_clean(format!("{}\n", format_args!($($t)*)))
    };
}
/// `eprintln!` for the warnings and problems of the same commands as
/// [`listln!`]: cleaned of escape sequences and controls, terminal or not.
macro_rules! elistln {
    ($($t:tt)*) => {
        $crate::cli::terminal_eprint_clean(format!("{}\n", format_args!($($t)*)))
    };
}
macro_rules! eprint {
    ($($t:tt)*) => {
        $crate::cli::terminal_eprint_clean(format!($($t)*))
    };
}

mod agents;
pub(crate) mod agents_slash;
mod answer_file;
mod arg_errors;
pub(crate) mod args;
pub(crate) mod bang;
mod call_detail;
pub(crate) mod children;
pub(crate) mod children_earlier;
mod completions;
mod doctor;
mod dumb_line;
mod ephemeral;
pub(crate) mod exec;
mod exec_resume;
mod final_answer;
pub(crate) mod first_run;
mod help;
pub(crate) mod hooks;
pub(crate) mod images;
mod logging;
mod mcp;
mod mcp_add_forms;
mod mcp_login;
mod mcp_secrets;
mod mcp_serve;
pub(crate) mod mention;
pub(crate) mod model_switch;
mod other_flags;
mod output_schema;
mod patch_diff;
pub(crate) mod pipe;
mod pipe_watch;
mod plugins;
mod pwd_link;
mod render;
pub(crate) mod render_agents;
mod render_codex;
pub(crate) mod repl;
mod repl_approver;
mod repl_help;
mod repl_images;
mod repl_input;
mod repl_resume;
pub(crate) mod replayed_calls;
pub(crate) mod review;
mod run;
mod sandbox;
mod sessions;
mod sessions_show;
pub(crate) mod setup;
mod share;
mod share_update;
mod skills;
mod skills_select;
mod skills_semantic;
pub(crate) mod slash;
mod slash_list;
mod slash_skill;
mod stdin;
pub(crate) mod stop_on_ctrl_c;
pub(crate) mod summary;
mod trust;
mod trust_ask;
mod turn_stop;
pub(crate) mod type_ahead;
mod typo;
mod unquoted;

pub use args::{Cli, Command};

/// Prints `text` to stderr or stdout, cleaned of escape sequences when
/// that stream is a terminal.
pub(crate) fn terminal_print(stderr: bool, text: String) {
    use std::io::{IsTerminal, Write};
    let shown = |tty: bool| {
        if tty {
            quire::printable::clean(&text)
        } else {
            std::borrow::Cow::Borrowed(text.as_str())
        }
    };
    // A closed pipe (`| head`) or terminal is not an error: what has no
    // reader left is dropped.
    if stderr {
        let e = std::io::stderr();
        let _ = e.lock().write_all(shown(e.is_terminal()).as_bytes());
    } else {
        let o = std::io::stdout();
        let _ = o.lock().write_all(shown(o.is_terminal()).as_bytes());
    }
}

/// Prints `text` to stdout cleaned of escape sequences, terminal or not.
pub(crate) fn terminal_print_clean(text: String) {
    use std::io::Write;
    let o = std::io::stdout();
    let _ = o
        .lock()
        .write_all(quire::printable::clean(&text).as_bytes());
}

/// Prints `text` to stderr cleaned of escape sequences, terminal or not.
pub(crate) fn terminal_eprint_clean(text: String) {
    use std::io::Write;
    let e = std::io::stderr();
    let _ = e
        .lock()
        .write_all(quire::printable::clean(&text).as_bytes());
}

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_INTERRUPTED: i32 = 130;

pub fn main() -> i32 {
    pipe::quiet_on_broken_pipe();
    if !pipe::stdout_was_open() {
        pipe::err(
            "error: stdout (file descriptor 1) is closed, so nothing quire does could be shown; \
             redirect it instead of closing it (`>/dev/null` to discard the output, `>FILE` to keep it)\n",
        );
        return EXIT_USAGE;
    }
    let raw: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // Built once: the typo check reads its subcommand names.
    let command = help::command();
    if let Some(message) = mcp_add_forms::refusal(&raw) {
        eprintln!("{message}");
        return EXIT_USAGE;
    }
    if let Some(message) = typo::check(&raw, &command) {
        eprintln!("{message}");
        return EXIT_USAGE;
    }
    let cli = match help::parse(command) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            if let Some(why) = arg_errors::slipped_shape(&raw, &e) {
                if let Some(json) = arg_errors::json_saying(&raw, why.clone()) {
                    pipe::out(&json);
                }
                eprintln!("error: {why}");
                return code;
            }
            if let Some(why) = unquoted::refusal(&raw, &e, &help::command()) {
                if let Some(json) = arg_errors::json_saying(&raw, why.clone()) {
                    pipe::out(&json);
                }
                eprintln!("error: {why}");
                return code;
            }
            // `exec --json` and `review --json` promise JSON on stdout,
            // also for arguments refused here.
            if e.use_stderr()
                && let Some(json) = arg_errors::json_for(&raw, &e)
            {
                pipe::out(&json);
            }
            match other_flags::refusal_of(&e)
                .or_else(|| other_flags::config_without_value(&raw, &e))
            {
                Some(instead) => eprintln!("{instead}"),
                None => {
                    let _ = e.print();
                }
            }
            return code;
        }
    };
    // Every git command's deadline: a bad value is refused once, here,
    // not by each command that runs git (or, worse, read as a failure).
    if let Err(why) = quire::git::timeout_set() {
        if let Some(json) = arg_errors::json_saying(&raw, why.clone()) {
            pipe::out(&json);
        }
        eprintln!("error: {why}");
        return EXIT_USAGE;
    }
    logging::init();
    // Orphans of what quire starts are adopted by quire, not init, so
    // every exit path can kill them (child::kill_descendants).
    quire::child::become_subreaper();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_FAILED;
        }
    };
    let code = runtime.block_on(dispatch(cli));
    // Backstop: no MCP server process outlives quire.
    quire::mcp::kill_all_processes();
    // And everything else quire started, or adopted, that still runs.
    quire::child::kill_descendants();
    // The plugins' `${tmp}` folders of this run.
    quire::plugins::run_tmp::remove();
    // The sandboxed commands' private temp folder.
    quire::tools::command_tmp::remove();
    // Tool processes are killed by their own guards; do not wait for
    // blocking tasks (a pending terminal read) on the way out.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    // A dumb terminal's read left waiting (its prompt answered by a
    // signal) must not leave the terminal without echo.
    dumb_line::restore();
    code
}

async fn dispatch(cli: Cli) -> i32 {
    match &cli.command {
        Some(Command::Exec(args)) => exec::run(&cli.global, args).await,
        Some(Command::Sessions(args)) => sessions::run(&cli.global, args),
        Some(Command::Skills(args)) => skills::run(&cli.global, args),
        Some(Command::Mcp(args)) => mcp::run(&cli.global, args).await,
        Some(Command::Plugins(args)) => plugins::run(&cli.global, args).await,
        Some(Command::Trust(args)) => trust::run(&cli.global, args),
        Some(Command::Share(args)) => share::run_interruptible(&cli.global, args).await,
        Some(Command::Commands(args)) => slash_list::run(&cli.global, args),
        Some(Command::Hooks(args)) => hooks::run(&cli.global, args),
        Some(Command::Agents(args)) => agents::run(&cli.global, args),
        Some(Command::Doctor(args)) => doctor::run(&cli.global, args).await,
        Some(Command::Sandbox(args)) => sandbox::run(&cli.global, args).await,
        Some(Command::Review(args)) => review::run(&cli.global, args).await,
        Some(Command::Completions(args)) => completions::completions(args),
        Some(Command::Man(args)) => completions::man(args),
        Some(Command::Resume(words)) => {
            match exec_resume::session_and_task(words, "quire resume") {
                Ok((id, task)) => {
                    let task = task.map(|t| t.to_string_lossy().into_owned());
                    interactive(&cli, Some(id), task).await
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    EXIT_USAGE
                }
            }
        }
        None => {
            let resume = cli
                .resume
                .clone()
                .map(|id| Some(id).filter(|i| !i.is_empty()));
            interactive(&cli, resume, cli.prompt.clone()).await
        }
    }
}

/// The full-screen view on a terminal; the line mode for pipes and dumb
/// terminals.
async fn interactive(cli: &Cli, resume: Option<Option<String>>, prompt: Option<String>) -> i32 {
    use std::io::IsTerminal;
    // `cat err.log | quire "why does this fail"` (Claude Code's `claude -p`
    // habit): one task with the piped text as its context, as `quire exec`
    // runs it, not the task and then each line of the log as a message.
    if let Some(task) = &prompt
        && resume.is_none()
        && !std::io::stdin().is_terminal()
        && !stdin::is_null()
    {
        let args = args::ExecArgs {
            prompt: Some(task.into()),
            json: None,
            experimental_json: false,
            output_schema: None,
            resume: None,
            here: false,
            max_turns: None,
            output_last_message: None,
            images: cli.images.clone(),
            ephemeral: false,
            command: None,
        };
        return exec::run(&cli.global, &args).await;
    }
    // Checked before the terminal view starts: a bad file is an argument
    // error, as in `quire exec`.
    let images = match images::load(&cli.images) {
        Ok(i) => i,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let mut typed = String::new();
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() && !dumb {
        match crate::tui::answers_cursor_query() {
            Ok(()) => return crate::tui::run(&cli.global, prompt, resume, images).await,
            Err(e) => {
                eprintln!(
                    "warning: the terminal view needs a terminal that reports the cursor position, and this one did not ({e}); using the line mode (TERM=dumb starts it without waiting)"
                );
                // Keys typed during that wait are the start of the
                // session's input, not lost.
                typed = crate::tui::typed_meanwhile();
            }
        }
    }
    // The line mode resumes on a terminal (a dumb one, or one that does
    // not report the cursor position); it has no picker.
    let resume = match resume {
        Some(_) if !std::io::stdin().is_terminal() => {
            eprintln!(
                "error: resuming needs a terminal; without one use quire exec --resume last|ID \"TASK\""
            );
            return EXIT_USAGE;
        }
        Some(None) => {
            eprintln!(
                "error: the line mode has no session picker: name the session, quire resume last|ID (`quire sessions list` shows the ids)"
            );
            return EXIT_USAGE;
        }
        Some(Some(q)) => Some(q),
        None => None,
    };
    repl::run(&cli.global, prompt, resume, typed, images).await
}
