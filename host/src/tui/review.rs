//! `/review [target flags] [instructions]` in the terminal view: the
//! review runs while its subagents show up like any child's, then the
//! findings land in the scrollback grouped by file, most severe first.

use quire::agent::EventSink;
use quire::review::{self, Report, Severity};
use ratatui::text::{Line, Span};
use tokio_util::sync::CancellationToken;

use super::cells;
use super::style::Palette;
use crate::cli::setup::Setup;

/// Runs `/review ARG`; the lines to show.
pub async fn run(
    setup: &Setup,
    arg: &str,
    events: EventSink,
    pal: &Palette,
    width: u16,
    cancel: &CancellationToken,
) -> Vec<Line<'static>> {
    // Errors and warnings wrap at the window's edge (never cut).
    let notes = |text: &str, style| -> Vec<Line<'static>> {
        text.lines()
            .flat_map(|l| cells::note(l, style, width))
            .collect()
    };
    let args = match crate::cli::review::parse_slash(arg) {
        Ok(a) => a,
        Err(e) => return notes(&e, pal.bad()),
    };
    let request = crate::cli::review::slash_request(&args, events);
    match review::review(&setup.config, &setup.home, &setup.cwd, request, cancel).await {
        Ok(outcome) => {
            if let Ok(dir) = review::target::git_dir(&outcome.repo) {
                let _ = outcome.report.save(&dir);
            }
            let mut lines: Vec<Line<'static>> = outcome
                .warnings
                .iter()
                .flat_map(|w| notes(&format!("warning: {w}"), pal.warn()))
                .collect();
            lines.extend(findings(&outcome.report, pal));
            lines
        }
        Err(e) => notes(&format!("error: {e}"), pal.bad()),
    }
}

/// The report as lines: a heading, then each file and its findings.
pub fn findings(report: &Report, pal: &Palette) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!("Review of {}", report.target),
        pal.heading(),
    )];
    let mut files: Vec<&str> = Vec::new();
    for f in &report.findings {
        if !files.contains(&f.file.as_str()) {
            files.push(&f.file);
        }
    }
    for file in files {
        lines.push(Line::styled(format!("  {file}"), pal.bold()));
        for f in report.findings.iter().filter(|f| f.file == file) {
            let sev = match f.severity {
                Severity::P0 | Severity::P1 => pal.bad(),
                Severity::P2 => pal.warn(),
                Severity::P3 => pal.accent(),
            };
            let place = if f.line_end > f.line_start {
                format!("lines {}-{}", f.line_start, f.line_end)
            } else {
                format!("line {}", f.line_start)
            };
            lines.push(Line::from(vec![
                Span::styled(format!("    {} ", f.severity.label()), sev),
                Span::styled(f.title.clone(), pal.bold()),
                Span::styled(format!(" [{}] {place} · {}", f.category, f.id), pal.dim()),
            ]));
            for l in f.explanation.lines().filter(|l| !l.trim().is_empty()) {
                lines.push(Line::from(format!("       {l}")));
            }
            if f.suggested_patch.is_some() {
                lines.push(Line::styled(
                    format!("       fix available: quire review apply {}", f.id),
                    pal.ok(),
                ));
            }
        }
    }
    lines.push(Line::styled(
        review::output::human::summary(report),
        pal.dim(),
    ));
    lines
}
