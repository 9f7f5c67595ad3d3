//! One review from target to ranked findings: diff → scope → chunks →
//! triage → deep passes → merge → suppression.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::ask::{Answer, Asker};
use super::chunk::{self, Chunk};
use super::diff::{self, FileDiff};
use super::prompt::{self, Shared};
use super::report::Report;
use super::runner::{DeepRunner, DeepTask, SessionRunner};
use super::suppress::Suppressor;
use super::triage::{self, Flag};
use super::{ReviewError, merge, scope, target};
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
}

/// A finished review.
#[derive(Debug)]
pub struct Outcome {
    pub report: Report,
    /// Repairs, drops and skipped passes, for the user (on stderr).
    pub warnings: Vec<String>,
    pub repo: PathBuf,
    /// What the passes were shown (for an `--output-schema` request).
    pub shared: Shared,
}

/// Reviews `request.target` in the repository around `cwd`.
pub async fn review(
    config: &Config,
    home: &Path,
    cwd: &Path,
    request: Request,
    cancel: &CancellationToken,
) -> Result<Outcome, ReviewError> {
    let repo = target::repo_root(cwd)?;
    let settings = config
        .review
        .clone()
        .with_repo_file(&repo, config.project_trusted)?;
    let suppressor = Suppressor::new(&settings.ignore)?;
    let text = target::diff(&repo, &request.target)?;
    let (files, skipped) = scope::select(&repo, diff::parse(&text), &settings)?;
    let asker = Asker::new(config)?;
    let triage_model = asker.model(settings.triage_model.as_deref());
    let deep_model = asker.model(settings.deep_model.as_deref());
    let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    let shared = Shared::gather(
        config,
        &settings,
        home,
        &repo,
        request.instructions.clone(),
        &paths,
    );
    let mut report = Report::new(request.target.describe(), request.instructions.clone());
    report.skipped = skipped;
    report.stats.files = files.len();
    report.stats.hunks = files.iter().map(|f| f.hunks.len()).sum();
    let mut warnings = Vec::new();
    if report.stats.hunks == 0 {
        return Ok(Outcome {
            report,
            warnings,
            repo,
            shared,
        });
    }
    let mut usage = Usage::default();
    let mut requests = 0u64;

    let fixed = format!("{}{}", prompt::REVIEWER, prompt::triage(&shared, ""));
    let chunks = chunk::pack(
        &files,
        chunk::budget(asker.context_window(&triage_model), &fixed),
    );
    report.stats.triage_requests = chunks.len();
    let parallel = settings.parallel.max(1);
    let found = triage::run(&asker, &triage_model, &shared, &chunks, parallel, cancel).await?;
    for a in &found.answers {
        count(a, &mut usage, &mut requests);
    }
    warnings.extend(found.warnings);
    report.stats.flagged = found.flags.len();

    let fixed = format!(
        "{}{}",
        prompt::REVIEWER,
        prompt::deep(&shared, "", "", "", request.run_tests)
    );
    let budget = chunk::budget(asker.context_window(&deep_model), &fixed);
    let mut tasks = deep_tasks(&shared, &found.flags, budget, request.run_tests);
    if tasks.len() > settings.max_deep_passes {
        warnings.push(format!(
            "{} flagged areas, {} reviewed deeply ([review] max_deep_passes)",
            tasks.len(),
            settings.max_deep_passes
        ));
        tasks.truncate(settings.max_deep_passes);
    }
    report.stats.deep_passes = tasks.len();
    let runner = SessionRunner::new(
        config,
        home.to_path_buf(),
        repo.clone(),
        deep_model.clone(),
        settings.deep_max_turns,
        request.run_tests,
    );
    let mut findings = Vec::new();
    for answer in runner.run_all(tasks, parallel, cancel).await {
        match answer {
            Ok(a) => {
                usage.add(&a.usage);
                requests += u64::from(a.requests);
                let source = format!("deep pass over {}", a.area);
                findings.extend(merge::findings_in(&a.text, &source, &mut warnings));
            }
            Err(ReviewError::Interrupted) => return Err(ReviewError::Interrupted),
            Err(e) => warnings.push(e.to_string()),
        }
    }
    let (merged, findings) = merge::run(
        &asker,
        &deep_model,
        &shared,
        findings,
        &mut warnings,
        cancel,
    )
    .await?;
    if let Some(a) = &merged {
        count(a, &mut usage, &mut requests);
    }
    let (findings, suppressed) = suppressor.filter(&repo, findings);
    report.findings = findings;
    report.suppressed = suppressed;
    report.stats.requests = requests;
    report.stats.input_tokens = usage.input_tokens;
    report.stats.output_tokens = usage.output_tokens;
    Ok(Outcome {
        report,
        warnings,
        repo,
        shared,
    })
}

fn count(a: &Answer, usage: &mut Usage, requests: &mut u64) {
    usage.add(&a.usage);
    *requests += 1;
}

/// One deep pass per flagged file (most flags first), split where the
/// file's flagged hunks do not fit one request.
fn deep_tasks(shared: &Shared, flags: &[Flag], budget: usize, run_tests: bool) -> Vec<DeepTask> {
    let mut by_file: BTreeMap<&str, Vec<&Flag>> = BTreeMap::new();
    for f in flags {
        by_file.entry(f.hunk.file.as_str()).or_default().push(f);
    }
    let mut areas: Vec<(&str, Vec<&Flag>)> = by_file.into_iter().collect();
    areas.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    let mut tasks = Vec::new();
    for (file, flags) in areas {
        let mut concerns: Vec<&str> = flags.iter().map(|f| f.concern.as_str()).collect();
        concerns.dedup();
        let fd = FileDiff {
            path: file.to_string(),
            deleted: false,
            binary: false,
            hunks: flags.iter().map(|f| f.hunk.clone()).collect(),
        };
        let reasons: BTreeMap<&str, String> = flags
            .iter()
            .map(|f| {
                (
                    f.hunk.id.as_str(),
                    format!("Flagged ({}): {}\n", f.concern, f.reason),
                )
            })
            .collect();
        let parts: Vec<Chunk> = chunk::pack(&[fd], budget);
        let n = parts.len();
        for (i, part) in parts.into_iter().enumerate() {
            let mut text = String::new();
            for h in &part.hunks {
                text.push_str(reasons.get(h.id.as_str()).map(String::as_str).unwrap_or(""));
                text.push_str(&h.render());
                text.push('\n');
            }
            let area = if n > 1 {
                format!("{file} (part {})", i + 1)
            } else {
                file.to_string()
            };
            tasks.push(DeepTask {
                prompt: prompt::deep(shared, &area, &concerns.join(", "), &text, run_tests),
                area,
            });
        }
    }
    tasks
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
