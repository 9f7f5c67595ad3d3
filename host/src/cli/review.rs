//! `quire review` (and the REPL's `/review`): arguments, the review, its
//! output in the chosen format, warnings on stderr, the exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use quire::agent::{Event, EventSink};
use quire::config::Config;
use quire::review::{self, ReviewError, Severity, Target};
use tokio_util::sync::CancellationToken;

use super::args::GlobalArgs;
use super::run::Interrupts;
use super::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, pipe, setup};

/// `quire review`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReviewArgs {
    #[command(subcommand)]
    pub command: Option<ReviewCommand>,
    /// What to look at besides the usual, in your words (shown to every pass).
    #[arg(value_name = "INSTRUCTIONS")]
    pub instructions: Vec<String>,
    /// Review everything not committed yet, staged or not (the default).
    #[arg(long, group = "target")]
    pub uncommitted: bool,
    /// Review only the staged changes.
    #[arg(long, group = "target")]
    pub staged: bool,
    /// Review the commits since the branch left REF (git diff REF...HEAD).
    #[arg(long, group = "target", value_name = "REF")]
    pub base: Option<String>,
    /// Review one commit.
    #[arg(long, group = "target", value_name = "SHA")]
    pub commit: Option<String>,
    /// Review a range of commits.
    #[arg(long, group = "target", value_name = "A..B")]
    pub range: Option<String>,
    /// Print the report as JSON (schema_version 1; the same as --format json); the
    /// deep passes' agent_spawned / agent_completed events go to stderr as JSON lines.
    #[arg(long)]
    pub json: bool,
    /// How to print the findings.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    /// Print the review as JSON valid against this JSON Schema (asked of the model, checked).
    #[arg(long, value_name = "FILE")]
    pub output_schema: Option<PathBuf>,
    /// Exit 1 when a finding at this severity or worse exists (P0, P1, P2, P3).
    #[arg(long, value_name = "LEVEL", value_parser = severity_arg)]
    pub fail_on: Option<Severity>,
    /// Let the deep passes run the tests (read-only sandbox).
    #[arg(long)]
    pub run_tests: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Apply the suggested patch of a finding of the last review.
    Apply {
        /// The finding's id, as the review printed it (R…).
        id: String,
        /// Apply without asking (needed when stdin is not a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Grouped by file, with the code (colour on a terminal unless NO_COLOR).
    Human,
    /// The report (schema_version 1).
    Json,
    /// SARIF 2.1.0 for code-scanning UIs.
    Sarif,
    /// GitHub Actions annotations (::error file=…).
    Github,
}

fn severity_arg(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("\"{s}\" is not a severity: use P0, P1, P2 or P3"))
}

impl ReviewArgs {
    fn target(&self) -> Target {
        if self.staged {
            Target::Staged
        } else if let Some(r) = &self.base {
            Target::Base(r.clone())
        } else if let Some(c) = &self.commit {
            Target::Commit(c.clone())
        } else if let Some(r) = &self.range {
            Target::Range(r.clone())
        } else {
            Target::Uncommitted
        }
    }

    fn format(&self) -> FormatArg {
        match (self.format, self.json) {
            (Some(f), _) => f,
            (None, true) => FormatArg::Json,
            (None, false) => FormatArg::Human,
        }
    }
}

pub async fn run(global: &GlobalArgs, args: &ReviewArgs) -> i32 {
    let setup = match setup::load(global, None) {
        Ok(s) => s,
        Err(e) => {
            let message = format!("{e:#}");
            machine_failure(args, None, &message, Path::new("."));
            return usage(&message);
        }
    };
    for w in &setup.warnings {
        pipe::err_clean(&format!("warning: {w}\n"));
    }
    if let Some(ReviewCommand::Apply { id, yes }) = &args.command {
        return apply(&setup.cwd, id, *yes).await;
    }
    let schema = match &args.output_schema {
        Some(p) => match read_schema(p) {
            Ok(v) => Some(v),
            Err(m) => {
                machine_failure(args, None, &m, &setup.cwd);
                return usage(&m);
            }
        },
        None => None,
    };
    let instructions = match instructions(args) {
        Ok(i) => i,
        Err(m) => {
            machine_failure(args, None, &m, &setup.cwd);
            return usage(&m);
        }
    };
    let request = review::Request {
        target: args.target(),
        instructions,
        run_tests: args.run_tests,
        events: EventSink::null(),
    };
    let interrupts = Interrupts::install();
    let token = interrupts.begin();
    let code = reviewed(
        &setup.config,
        &setup.home,
        &setup.cwd,
        request,
        args,
        schema,
        &token,
    )
    .await;
    interrupts.end();
    interrupts.terminated().unwrap_or(code)
}

/// The free text shown to every pass: the words given, or stdin when
/// the only word is `-` (as `codex review -` reads it).
fn instructions(args: &ReviewArgs) -> Result<Option<String>, String> {
    if args.instructions != ["-"] {
        return Ok(Some(args.instructions.join(" ")).filter(|s| !s.trim().is_empty()));
    }
    let still_reading = |bytes| {
        pipe::err(&format!("{}\n", super::stdin::still_reading_note(bytes)));
    };
    let read = super::stdin::read_all(&still_reading)
        .map_err(|e| format!("quire review -: cannot read the instructions from stdin: {e}"))?;
    if let Some(w) = read.replaced_warning() {
        pipe::err_clean(&format!("warning: {w}\n"));
    }
    if read.text.trim().is_empty() {
        return Err(
            "quire review - reads the instructions from stdin, and stdin held none: pipe them in (echo \"check the SQL\" | quire review -), or give them as words".into(),
        );
    }
    Ok(Some(read.text.trim_end().to_string()))
}

/// Why there was nothing to review, and what would put the files the
/// user may have meant into the diff.
pub fn empty_diff_note(repo: &Path) -> String {
    let untracked = review::target::untracked(repo);
    match untracked.as_slice() {
        [] => "nothing to review: the diff is empty".to_string(),
        files => format!(
            "nothing to review: the diff is empty; {} untracked file(s) ({}{}) are not part of a diff: `git add -N FILE` adds them as new files",
            files.len(),
            files
                .iter()
                .take(3)
                .map(|f| quire::printable::quoted_name(f))
                .collect::<Vec<_>>()
                .join(", "),
            if files.len() > 3 { ", …" } else { "" }
        ),
    }
}

/// Runs the review and prints it; the exit code.
async fn reviewed(
    config: &Config,
    home: &Path,
    cwd: &Path,
    request: review::Request,
    args: &ReviewArgs,
    schema: Option<serde_json::Value>,
    token: &CancellationToken,
) -> i32 {
    let machine = args.format() != FormatArg::Human || args.output_schema.is_some();
    let run = |request| review::reviewed(config, home, cwd, request, token);
    let outcome = match with_agent_events(request, machine, run).await {
        Ok(o) => o,
        Err(review::Failure { error, report }) => {
            machine_failure(args, report.as_deref(), &error.to_string(), cwd);
            return failed(&error);
        }
    };
    for w in &outcome.warnings {
        pipe::err_clean(&format!("warning: {w}\n"));
    }
    if let Some(why) = &outcome.report.not_reviewed {
        // Every changed file was skipped: the diff was not empty.
        pipe::err_clean(&format!("note: {why}\n"));
    } else if outcome.report.stats.hunks == 0 {
        // "No findings" alone would read like a review that passed.
        pipe::err_clean(&format!("note: {}\n", empty_diff_note(&outcome.repo)));
    }
    let passes = outcome.report.stats.deep_passes;
    let failed_passes = outcome.failed_passes;
    if failed_passes > 0 && failed_passes == passes {
        // Nothing was reviewed: "no findings" would be a lie.
        let message = format!(
            "none of the {passes} deep pass(es) gave a usable answer (see the warnings above), so nothing was reviewed; check the model (`quire doctor`) or [review] deep_model"
        );
        machine_failure(args, Some(&outcome.report), &message, &outcome.repo);
        pipe::err(&format!("error: {message}\n"));
        return EXIT_FAILED;
    }
    if failed_passes > 0 {
        pipe::err(&format!(
            "warning: the review is incomplete: {failed_passes} of {passes} deep passes gave no usable answer{}\n",
            if args.fail_on.is_some() {
                "; --fail-on fails it"
            } else {
                ""
            }
        ));
    }
    if let Ok(dir) = review::target::git_dir(&outcome.repo)
        && let Err(e) = outcome.report.save(&dir)
    {
        pipe::err(&format!(
            "warning: {e} (quire review apply will not find this review)\n"
        ));
    }
    // A gate that fails the run because the review is incomplete says
    // why in `error` too, as a failed review does.
    let incomplete = args.fail_on.and_then(|_| {
        outcome.report.gate_refusal().or_else(|| {
            (failed_passes > 0).then(|| {
                format!(
                    "the review is incomplete: {failed_passes} of {passes} deep passes gave no usable answer; a gate does not pass a review that did not look everywhere"
                )
            })
        })
    });
    let mut with_error;
    let report = match &incomplete {
        Some(why) => {
            with_error = outcome.report.clone();
            with_error.error = Some(format!("--fail-on: {why}"));
            &with_error
        }
        None => &outcome.report,
    };
    let printed = if let Some(schema) = schema {
        review::custom_output(config, &outcome, &schema, token)
            .await
            .map(|v| format!("{v:#}\n"))
    } else {
        match args.format() {
            FormatArg::Human => {
                let colour =
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                Ok(review::output::human::render(
                    report,
                    &outcome.repo,
                    &outcome.target,
                    colour,
                ))
            }
            FormatArg::Json => report.to_checked_json().map(|v| format!("{v:#}\n")),
            FormatArg::Sarif => Ok(format!("{:#}\n", review::output::sarif::render(report))),
            FormatArg::Github => Ok(review::output::github::render(report, &outcome.repo)),
        }
    };
    match printed {
        Ok(text) => pipe::out(&text),
        Err(e) => {
            machine_failure(args, Some(report), &e.to_string(), &outcome.repo);
            return failed(&e);
        }
    }
    if args.format() != FormatArg::Human {
        pipe::err(&format!("{}\n", review::output::human::summary(report)));
    }
    if let Some(why) = &incomplete {
        // The deep passes' shortfall was said above, as a warning.
        if failed_passes == 0 || outcome.report.gate_refusal().is_some() {
            pipe::err_clean(&format!("error: --fail-on: {why}\n"));
        }
        return EXIT_FAILED;
    }
    match args.fail_on {
        Some(level) if report.fails(level) => EXIT_FAILED,
        _ => EXIT_OK,
    }
}

/// With `--json` (also with `--output-schema`: a failed review has no
/// document of the user's schema to print), a review that failed still
/// prints a JSON object: the report so far (`report`, or an empty one for
/// the target) with `error` saying why. With `--format sarif` a valid
/// SARIF log whose invocation did not succeed, with why; with `--format
/// github` an error annotation: a CI step reading stdout never gets an
/// empty or invalid file. `repo` is where the findings' patches are
/// checked (github).
fn machine_failure(args: &ReviewArgs, report: Option<&review::Report>, message: &str, repo: &Path) {
    let format = args.format();
    if format == FormatArg::Human {
        return;
    }
    let mut report = report.cloned().unwrap_or_else(|| {
        review::Report::new(
            args.target().describe(),
            Some(args.instructions.join(" ")).filter(|s| !s.trim().is_empty()),
        )
    });
    report.error = Some(message.to_string());
    let text = match format {
        FormatArg::Sarif => format!("{:#}\n", review::output::sarif::render(&report)),
        FormatArg::Github => review::output::github::render(&report, repo),
        _ => {
            let value = report
                .to_checked_json()
                .or_else(|_| serde_json::to_value(&report))
                .unwrap_or_else(|_| serde_json::json!({ "schema_version": 1, "error": message }));
            format!("{value:#}\n")
        }
    };
    pipe::out(&text);
}

/// Runs the review with its subagents' events on stderr: `agent_spawned`
/// and `agent_completed` as JSON lines for the machine formats, one line
/// per subagent event for people.
async fn with_agent_events<F, Fut, E>(
    mut request: review::Request,
    machine: bool,
    run: F,
) -> Result<review::Outcome, E>
where
    F: FnOnce(review::Request) -> Fut,
    Fut: std::future::Future<Output = Result<review::Outcome, E>>,
{
    let (sink, mut rx) = EventSink::channel();
    request.events = sink;
    let mut children = super::children::Children::default();
    let mut show = |event: &Event| {
        if let Event::Warning { message } = event {
            // The review's own warnings, said as they happen (what a
            // size limit leaves out, before any request).
            pipe::err_clean(&format!("warning: {message}\n"));
            return;
        }
        let line = if machine {
            matches!(
                event,
                Event::AgentQueued { .. }
                    | Event::AgentSpawned { .. }
                    | Event::AgentCompleted { .. }
            )
            .then(|| serde_json::to_string(event).ok())
            .flatten()
        } else {
            children.event(event);
            super::render_agents::line(event, &children)
        };
        if let Some(l) = line {
            pipe::err(&format!("{l}\n"));
        }
    };
    let review = run(request);
    tokio::pin!(review);
    let outcome = loop {
        tokio::select! {
            outcome = &mut review => break outcome,
            Some(event) = rx.recv() => show(&event),
        }
    };
    while let Ok(event) = rx.try_recv() {
        show(&event);
    }
    outcome
}

async fn apply(cwd: &Path, id: &str, yes: bool) -> i32 {
    let repo = match review::target::repo_root(cwd) {
        Ok(r) => r,
        Err(e) => return failed(&e),
    };
    let prepared = match review::apply::prepare(&repo, id) {
        Ok(p) => p,
        Err(e) => return failed(&e),
    };
    // What is about to change, before it does.
    pipe::out(&prepared.describe());
    if !yes {
        if !std::io::stdin().is_terminal() {
            return usage(&format!(
                "quire review apply {id}: stdin is not a terminal, so it cannot ask before changing files; nothing was changed (pass --yes to apply the patch shown above)"
            ));
        }
        if !confirmed(&prepared.files) {
            pipe::err("not applied: nothing was changed\n");
            return EXIT_FAILED;
        }
    }
    match review::apply::apply(&repo, &prepared).await {
        Ok(text) => {
            pipe::out(&format!("{text}\n"));
            EXIT_OK
        }
        Err(e) => failed(&e),
    }
}

/// Asks on the terminal whether to apply the patch to `files`: only `y`
/// or `yes` applies it; anything else, or an end of input, does not.
fn confirmed(files: &[String]) -> bool {
    let names: Vec<_> = files
        .iter()
        .map(|f| quire::printable::quoted_name(f))
        .collect();
    pipe::err(&format!("Apply this patch to {}? [y/N] ", names.join(", ")));
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

fn read_schema(path: &Path) -> Result<serde_json::Value, String> {
    let text = super::output_schema::read_text(path)?;
    super::output_schema::parse(path, &text)
}

fn usage(message: &str) -> i32 {
    pipe::err_clean(&format!("error: {message}\n"));
    EXIT_USAGE
}

fn failed(e: &ReviewError) -> i32 {
    pipe::err_clean(&format!("error: {e}\n"));
    match e {
        ReviewError::Usage(_) => EXIT_USAGE,
        ReviewError::Interrupted => EXIT_INTERRUPTED,
        _ => EXIT_FAILED,
    }
}

/// `/review [--staged | --base REF | --commit SHA | --range A..B] [INSTRUCTIONS]`
/// in the line REPL: the human view on stdout.
pub async fn slash(config: &Config, home: &Path, cwd: &Path, arg: &str, token: &CancellationToken) {
    let args = match parse_slash(arg) {
        Ok(a) => a,
        Err(e) => {
            pipe::err(&e);
            return;
        }
    };
    let request = slash_request(&args, EventSink::null());
    reviewed(config, home, cwd, request, &args, None, token).await;
}

/// How `/review` is typed, for its errors.
pub const SLASH_USAGE: &str =
    "/review [--uncommitted|--staged|--base REF|--commit SHA|--range A..B] [--run-tests] [TEXT]";

/// The arguments of `/review` (the REPL's and the TUI's); the error
/// names what was wrong and how `/review` is typed (clap's own wording
/// speaks of `--help`, which a session has not).
pub fn parse_slash(arg: &str) -> Result<ReviewArgs, String> {
    use clap::{Args as _, FromArgMatches as _};
    let words = std::iter::once("/review").chain(arg.split_whitespace());
    let command = ReviewArgs::augment_args(clap::Command::new("/review").no_binary_name(false));
    command
        .try_get_matches_from(words)
        .and_then(|m| ReviewArgs::from_arg_matches(&m))
        .map_err(|e| slash_error(&e))
}

/// A clap error of `/review` in a session's words: `/review: unknown
/// option --bogus; usage: …`.
fn slash_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let what = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            return format!("usage: {SLASH_USAGE}");
        }
        ErrorKind::UnknownArgument => match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(a)) => format!("unknown option {a}"),
            _ => "unknown option".to_string(),
        },
        _ => {
            // clap's sentence, without its `error:` and its tips.
            let text = e.kind().as_str().map(str::to_string).unwrap_or_default();
            let rendered = e.render().to_string();
            rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .map(|l| l.trim_start_matches("error:").trim().to_string())
                .filter(|l| !l.is_empty())
                .unwrap_or(text)
        }
    };
    format!("/review: {what}; usage: {SLASH_USAGE}")
}

/// The review `/review` asks for, its subagents' events going to `events`.
pub fn slash_request(args: &ReviewArgs, events: EventSink) -> review::Request {
    review::Request {
        target: args.target(),
        instructions: Some(args.instructions.join(" ")).filter(|s| !s.trim().is_empty()),
        run_tests: args.run_tests,
        events,
    }
}

#[cfg(test)]
mod slash_tests {
    use super::*;

    #[test]
    fn slash_review_errors_speak_of_the_session_not_of_help() {
        let err = parse_slash("--bogus").unwrap_err();
        assert_eq!(
            err,
            format!("/review: unknown option --bogus; usage: {SLASH_USAGE}")
        );
        let err = parse_slash("--staged --base main").unwrap_err();
        assert!(
            err.starts_with("/review: the argument '--staged' cannot be used with")
                && err.ends_with(&format!("; usage: {SLASH_USAGE}")),
            "{err}"
        );
        let err = parse_slash("--base").unwrap_err();
        assert!(err.contains("--base") && !err.contains("--help"), "{err}");
        assert!(parse_slash("--staged mind the locks").is_ok());
    }
}
