//! One review from target to ranked findings: diff → scope → chunks →
//! triage → deep passes → merge → suppression.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::ask::{Answer, Asker};
use super::chunk;
use super::diff;
use super::place::{self, Reviewed};
use super::prompt::{self, Shared};
use super::report::Report;
use super::runner::Subagents;
use super::suppress::Suppressor;
use super::triage;
use super::{ReviewError, binary, fanout, limits, merge, scope, target};
use crate::agent::{Event, EventSink};
use crate::config::Config;
use crate::model::Usage;

/// What to review and how.
#[derive(Debug, Clone)]
pub struct Request {
    pub target: target::Target,
    /// Free text shown to every pass.
    pub instructions: Option<String>,
    /// Deep passes may run the tests (the shell, in the read-only sandbox).
    pub run_tests: bool,
    /// Where the deep passes' subagent events go (`agent_spawned`,
    /// `agent_completed`, their sessions' events tagged with their ids).
    pub events: EventSink,
}

/// A finished review.
#[derive(Debug)]
pub struct Outcome {
    pub report: Report,
    /// Repairs, drops and skipped passes, for the user (on stderr).
    pub warnings: Vec<String>,
    pub repo: PathBuf,
    /// What was reviewed (its files' code is read from its new version).
    pub target: target::Target,
    /// What the passes were shown (for an `--output-schema` request).
    pub shared: Shared,
    /// Deep passes that failed or whose answer held no findings list: the
    /// review did not look where they were to look.
    pub failed_passes: usize,
}

/// A review that failed: why, and the report so far once the diff was
/// read (its stats count the files, hunks and requests it got to).
#[derive(Debug)]
pub struct Failure {
    pub error: ReviewError,
    pub report: Option<Box<Report>>,
}

impl From<ReviewError> for Failure {
    fn from(error: ReviewError) -> Failure {
        Failure {
            error,
            report: None,
        }
    }
}

/// Reviews `request.target` in the repository around `cwd`.
pub async fn review(
    config: &Config,
    home: &Path,
    cwd: &Path,
    request: Request,
    cancel: &CancellationToken,
) -> Result<Outcome, ReviewError> {
    reviewed(config, home, cwd, request, cancel)
        .await
        .map_err(|f| f.error)
}

/// [`review`], with the report so far when it fails.
pub async fn reviewed(
    config: &Config,
    home: &Path,
    cwd: &Path,
    request: Request,
    cancel: &CancellationToken,
) -> Result<Outcome, Failure> {
    let repo = target::repo_root(cwd)?;
    let text = target::diff(&repo, &request.target)?;
    // .gitattributes and .quire/review.toml as the base of the change
    // has them: the change cannot skip or suppress itself.
    let attributes_from = target::base_source(&repo, &request.target);
    let settings = config
        .review
        .clone()
        .with_repo_file(&repo, config.project_trusted, attributes_from.as_deref())?
        .checked_concerns();
    let suppressor = Suppressor::new(&settings.ignore)?;
    let change = scope::Change {
        repo: &repo,
        target: &request.target,
        attributes_from: attributes_from.as_deref(),
    };
    let (files, mut skipped) = scope::select(&change, diff::parse_bytes(&text), &settings)?;
    let text_as_binary = binary::note(&skipped);
    if let Some(note) = &text_as_binary {
        request.events.send(Event::Warning {
            message: note.clone(),
        });
    }
    // The cost is bounded, and what the bound leaves out said before any
    // request is made.
    let bounded = limits::bound(files, &settings);
    let mut files = bounded.kept;
    diff::renumber(&mut files);
    let mut warnings: Vec<String> = not_utf8(&files).into_iter().collect();
    let size_limited = limits::note(&bounded.left_out);
    if let Some(note) = &size_limited {
        request.events.send(Event::Warning {
            message: note.clone(),
        });
    }
    skipped.extend(bounded.left_out);
    let shared = Shared::gather(
        config,
        &settings,
        home,
        &repo,
        request.instructions.clone(),
        &files,
    );
    let mut report = Report::new(request.target.describe(), request.instructions.clone());
    report.not_reviewed = scope::nothing_reviewed(files.len(), &skipped);
    report.size_limited = size_limited;
    report.text_as_binary = text_as_binary;
    report.skipped = skipped;
    report.stats.triage_bytes = bounded.bytes;
    report.stats.files = files.len();
    report.stats.hunks = files.iter().map(|f| f.hunks.len()).sum();
    if report.stats.hunks == 0 {
        return Ok(Outcome {
            report,
            warnings,
            repo,
            target: request.target,
            shared,
            failed_passes: 0,
        });
    }
    // The model is needed only when there is something to review: an
    // empty diff is reported without a provider or key.
    let asker = Asker::new(config).map_err(|e| failure(e, &report, 0, &Usage::default()))?;
    let triage_model = asker.model(settings.triage_model.as_deref());
    let deep_model = asker.model(settings.deep_model.as_deref());
    let mut usage = Usage::default();
    let mut requests = 0u64;

    let fixed = format!(
        "{}{}",
        prompt::REVIEWER,
        prompt::triage(&shared, &settings.concerns, "")
    );
    let chunks = chunk::pack(
        &files,
        chunk::budget(asker.context_window(&triage_model), &fixed),
    );
    report.stats.triage_requests = chunks.len();
    let parallel = settings.parallel.max(1);
    let concerns = &settings.concerns;
    let found = triage::run(
        &asker,
        &triage_model,
        &shared,
        &chunks,
        concerns,
        parallel,
        cancel,
    )
    .await
    .map_err(|f| {
        // Every chunk was asked: the answers that came, and the rest.
        f.answers.iter().for_each(|a| usage.add(&a.usage));
        failure(f.error, &report, chunks.len() as u64, &usage)
    })?;
    for a in &found.answers {
        count(a, &mut usage, &mut requests);
    }
    warnings.extend(found.warnings);
    let mut flagged: Vec<&str> = found.flags.iter().map(|f| f.hunk.id.as_str()).collect();
    flagged.sort_unstable();
    flagged.dedup();
    report.stats.flagged = flagged.len();

    let fixed = format!(
        "{}{}",
        prompt::REVIEWER,
        prompt::deep(&shared, "", "", "", request.run_tests)
    );
    let budget = chunk::budget(asker.context_window(&deep_model), &fixed);
    let mut tasks = fanout::deep_tasks(&shared, &found.flags, concerns, budget, request.run_tests);
    if tasks.len() > settings.max_deep_passes {
        warnings.push(format!(
            "{} flagged areas and concerns, {} reviewed deeply ([review] max_deep_passes)",
            tasks.len(),
            settings.max_deep_passes
        ));
        tasks.truncate(settings.max_deep_passes);
    }
    report.stats.deep_passes = tasks.len();
    let runner = Subagents::new(
        config,
        home.to_path_buf(),
        repo.clone(),
        (deep_model.clone(), settings.deep_max_turns, parallel),
        request.run_tests,
        request.events.clone(),
    );
    let reviewed: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let at = Reviewed {
        repo: &repo,
        target: &request.target,
        files: &reviewed,
    };
    let mut lengths = place::Lengths::default();
    let mut findings = Vec::new();
    let mut failed_passes = 0;
    let mut interrupted = false;
    for pass in runner.run_all(tasks, cancel).await {
        // Every pass that ran counts, answered, failed or interrupted.
        usage.add(&pass.usage);
        requests += u64::from(pass.requests);
        match pass.answer {
            Ok(a) => {
                let source = format!("deep pass ({}) over {}", a.concern, a.area);
                match merge::findings_in(&a.text, &source, &at, &mut warnings) {
                    Some(found) => findings.extend(place::check(
                        &at,
                        &mut lengths,
                        found,
                        &source,
                        &mut warnings,
                    )),
                    None => failed_passes += 1,
                }
            }
            // Told once all passes are counted.
            Err(ReviewError::Interrupted) => interrupted = true,
            Err(e) => {
                failed_passes += 1;
                warnings.push(e.to_string());
            }
        }
    }
    if interrupted {
        return Err(failure(ReviewError::Interrupted, &report, requests, &usage));
    }
    let (merged, findings) = merge::run(
        at,
        &asker,
        &deep_model,
        &shared,
        findings,
        &mut warnings,
        cancel,
    )
    .await
    // The merge's own request counted too.
    .map_err(|e| failure(e, &report, requests + 1, &usage))?;
    if let Some(a) = &merged {
        count(a, &mut usage, &mut requests);
    }
    // The merge pass's own lines are held to the files' ends too (its
    // files were checked against the change by merge::run).
    let findings = place::check(&at, &mut lengths, findings, "merge pass", &mut warnings);
    let mut versions = super::version::Versions::new(&repo, &request.target);
    let (mut findings, suppressed) = suppressor.filter(&mut versions, findings);
    super::apply::withhold_refused(&repo, &reviewed, &mut findings);
    report.findings = findings;
    report.suppressed = suppressed;
    report.stats.requests = requests;
    report.stats.input_tokens = usage.input_tokens;
    report.stats.output_tokens = usage.output_tokens;
    report.warnings = warnings.clone();
    Ok(Outcome {
        report,
        warnings,
        repo,
        target: request.target,
        shared,
        failed_passes,
    })
}

/// A warning naming the reviewed files that are not UTF-8 (the passes
/// see U+FFFD for their other bytes, and their hunks' headers say so).
fn not_utf8(files: &[diff::FileDiff]) -> Option<String> {
    let names: Vec<String> = files
        .iter()
        .filter(|f| f.hunks.iter().any(|h| h.not_utf8))
        .map(|f| crate::printable::quoted_name(&f.path).into_owned())
        .collect();
    (!names.is_empty()).then(|| {
        format!(
            "{}: not UTF-8 (another encoding, such as Latin-1 or Shift-JIS); their bytes that are not UTF-8 were shown to the model as \u{fffd}, and the model was told so",
            names.join(", ")
        )
    })
}

/// `error` with the report so far, `requests` made and their `usage`.
fn failure(error: ReviewError, report: &Report, requests: u64, usage: &Usage) -> Failure {
    let mut report = report.clone();
    report.stats.requests = requests;
    report.stats.input_tokens = usage.input_tokens;
    report.stats.output_tokens = usage.output_tokens;
    Failure {
        error,
        report: Some(Box::new(report)),
    }
}

fn count(a: &Answer, usage: &mut Usage, requests: &mut u64) {
    usage.add(&a.usage);
    *requests += 1;
}

/// The report in the user's own JSON Schema: asked of the model, checked,
/// asked once more with the problems if it does not fit.
pub async fn custom_output(
    config: &Config,
    outcome: &Outcome,
    schema: &Value,
    cancel: &CancellationToken,
) -> Result<Value, ReviewError> {
    let checker = super::schema::Checker::new(schema.clone(), "--output-schema")?;
    let asker = Asker::new(config)?;
    let model = asker.model(config.review.deep_model.as_deref());
    let report = outcome.report.to_checked_json()?.to_string();
    let schema_text = schema.to_string();
    let mut problems: Option<String> = None;
    for _ in 0..2 {
        let message = prompt::output_schema(&schema_text, &report, problems.as_deref());
        let answer = asker.ask(&model, prompt::REVIEWER, message, cancel).await?;
        let candidate = super::ask::json_value(&answer.text);
        match candidate {
            Some(v) => match checker.check(&v) {
                Ok(()) => return Ok(v),
                Err(e) => problems = Some(e),
            },
            None => problems = Some("the answer was not JSON".into()),
        }
    }
    Err(ReviewError::Schema(format!(
        "the model's answer does not fit --output-schema after a retry: {}",
        problems.unwrap_or_default()
    )))
}
