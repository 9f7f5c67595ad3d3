//! `/review [target flags] [instructions]` in the terminal view: the
//! review runs while its subagents show up like any child's, then the
//! findings land in the scrollback grouped by file, most severe first.

use quire::agent::EventSink;
use quire::review::{self, Report, Severity};
use ratatui::text::{Line, Span};
use tokio_util::sync::CancellationToken;

use super::cells;
use super::style::Palette;
use super::wrap::wrap;
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
            let passes = outcome.report.stats.deep_passes;
            let failed = outcome.failed_passes;
            if failed > 0 && failed == passes {
                // No pass gave a findings list: "No findings" would read
                // like a review that passed.
                lines.extend(notes(
                    &format!(
                        "Review of {} inconclusive: none of the {passes} deep pass(es) gave a usable answer (see the warnings above), so nothing was reviewed; check the model (`quire doctor`) or [review] deep_model",
                        outcome.report.target
                    ),
                    pal.bad(),
                ));
                return lines;
            }
            if failed > 0 {
                lines.extend(notes(
                    &format!(
                        "warning: the review is incomplete: {failed} of {passes} deep passes gave no usable answer"
                    ),
                    pal.warn(),
                ));
            }
            lines.extend(findings(&outcome.report, &outcome.repo, pal, width));
            if outcome.report.not_reviewed.is_none() && outcome.report.stats.hunks == 0 {
                // "No findings" alone would read like a review that passed
                // (of unstaged changes, say, after `/review --staged`).
                let note = crate::cli::review::empty_diff_note(&outcome.repo);
                lines.extend(notes(&format!("note: {note}"), pal.warn()));
            }
            lines
        }
        Err(e) => notes(&format!("error: {e}"), pal.bad()),
    }
}

/// The report as lines: a heading, then each file and its findings, each
/// wrapped at `width` under its indent (never cut at the window's edge).
pub fn findings(
    report: &Report,
    repo: &std::path::Path,
    pal: &Palette,
    width: u16,
) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let indent = [Span::raw("       ")];
    let heading = Span::styled(format!("Review of {}", report.target), pal.heading());
    let mut lines = wrap(&[heading], width, &[], &[Span::raw("  ")]);
    let mut files: Vec<&str> = Vec::new();
    for f in &report.findings {
        if !files.contains(&f.file.as_str()) {
            files.push(&f.file);
        }
    }
    for file in files {
        lines.push(Line::styled(
            format!("  {}", quire::printable::quoted_name(file)),
            pal.bold(),
        ));
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
            let head = [
                Span::styled(format!("{} ", f.severity.label()), sev),
                Span::styled(f.title.clone(), pal.bold()),
                Span::styled(format!(" [{}] {place} · {}", f.category, f.id), pal.dim()),
            ];
            lines.extend(wrap(&head, width, &[Span::raw("    ")], &indent));
            for l in f.explanation.lines().filter(|l| !l.trim().is_empty()) {
                lines.extend(wrap(&[Span::raw(l.to_string())], width, &indent, &indent));
            }
            if let Some((ok, text)) = review::output::human::fix(f, repo) {
                let style = if ok { pal.ok() } else { pal.warn() };
                lines.push(Line::styled(
                    format!("       {}", quire::printable::clean(&text)),
                    style,
                ));
            }
        }
    }
    for why in [
        &report.not_reviewed,
        &report.size_limited,
        &report.text_as_binary,
    ]
    .into_iter()
    .flatten()
    {
        lines.extend(wrap(
            &[Span::styled(why.clone(), pal.warn())],
            width,
            &[Span::raw("  ")],
            &[Span::raw("  ")],
        ));
    }
    let summary = Span::styled(review::output::human::summary(report), pal.dim());
    lines.extend(wrap(&[summary], width, &[], &[Span::raw("  ")]));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use quire::review::Finding;

    #[test]
    fn findings_wrap_under_their_indent_and_lose_no_word() {
        let mut report = Report::new("the working tree".into(), None);
        let explanation = "The loop reads past the end of the buffer when the input ends in a partial frame, so a short read corrupts the next message.";
        report.findings.push(
            Finding {
                id: String::new(),
                file: "src/frame.rs".into(),
                line_start: 10,
                line_end: 12,
                severity: Severity::P1,
                category: "correctness".into(),
                title: "Out-of-bounds read on a partial frame at the end of input".into(),
                explanation: explanation.into(),
                confidence: 0.9,
                suggested_patch: None,
                suggested_patch_refused: None,
            }
            .with_id(),
        );
        let lines = findings(&report, std::path::Path::new("."), &Palette::new(false), 40);
        let text: Vec<String> = lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        for l in &text {
            assert!(
                unicode_width::UnicodeWidthStr::width(l.as_str()) <= 40,
                "{l:?} in {text:#?}"
            );
        }
        let joined = text.join(" ");
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        let all = words(&joined);
        for w in words(explanation) {
            assert!(all.contains(&w), "{w} lost in {text:#?}");
        }
        assert!(
            text.iter().any(|l| l.starts_with("    P1 Out-of-bounds")),
            "{text:#?}"
        );
        assert!(
            text.iter().any(|l| l.starts_with("       The loop")),
            "{text:#?}"
        );
    }

    #[test]
    fn a_fix_names_its_file_or_why_it_is_refused() {
        let text = |patch: &str| {
            let mut report = Report::new("the working tree".into(), None);
            report.findings.push(
                Finding {
                    id: String::new(),
                    file: "a.rs".into(),
                    line_start: 1,
                    line_end: 1,
                    severity: Severity::P1,
                    category: "correctness".into(),
                    title: "t".into(),
                    explanation: String::new(),
                    confidence: 0.9,
                    suggested_patch: Some(patch.into()),
                    suggested_patch_refused: None,
                }
                .with_id(),
            );
            findings(
                &report,
                std::path::Path::new("."),
                &Palette::new(false),
                200,
            )
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
        };
        let own = text("*** Begin Patch\n*** Update File: a.rs\n@@\n-a\n+b\n*** End Patch\n");
        assert!(
            own.contains("fix available (a.rs): quire review apply R"),
            "{own}"
        );
        let git =
            text("*** Begin Patch\n*** Update File: .git/config\n@@\n-a\n+b\n*** End Patch\n");
        assert!(
            git.contains("suggested fix refused: it touches .git/config"),
            "{git}"
        );
        assert!(!git.contains("fix available"), "{git}");
    }
}
