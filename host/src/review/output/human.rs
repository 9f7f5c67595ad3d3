//! The review for people: findings grouped by file, most severe first,
//! each with its explanation and the code it points at; colour only when
//! asked (the CLI decides: a terminal and no NO_COLOR).

use std::fmt::Write as _;
use std::path::Path;

use super::super::finding::{Finding, Severity};
use super::super::report::Report;
use super::super::target::Target;
use super::super::version::Versions;
use crate::plural::counted;
use crate::printable::{clean, escaped_line};

/// Lines of code shown around a finding, at most.
const EXCERPT_LINES: usize = 8;

/// Renders `report` of `target`'s review in `repo`; the code under each
/// finding is read from the reviewed version of its file.
pub fn render(report: &Report, repo: &Path, target: &Target, colour: bool) -> String {
    // The findings come from a model and the excerpts from the repository:
    // escape sequences in either are dropped, not sent to the terminal.
    let paint = |code: &str, s: &str| {
        let s = clean(s);
        if colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.into_owned()
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        paint("1", &format!("Review of {}", report.target))
    );
    let mut files: Vec<&str> = Vec::new();
    for f in &report.findings {
        if !files.contains(&f.file.as_str()) {
            files.push(&f.file);
        }
    }
    let mut versions = Versions::new(repo, target);
    for file in &files {
        let _ = writeln!(
            out,
            "\n{}",
            paint("1;4", &crate::printable::quoted_name(file))
        );
        for f in report.findings.iter().filter(|f| f.file == *file) {
            finding(&mut out, f, repo, &mut versions, &paint);
        }
    }
    skipped(&mut out, report, &paint);
    if let Some(why) = &report.not_reviewed {
        let _ = writeln!(out, "\n{}", paint("1;33", &capital(why)));
    }
    for why in [&report.size_limited, &report.text_as_binary]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(out, "\n{}", paint("1;33", &capital(why)));
    }
    let _ = writeln!(out, "\n{}", summary(report));
    out
}

/// Skipped files listed at most, in the human view (`--json` has all).
const SKIPPED_SHOWN: usize = 10;

/// The files left out and why, as `--json`'s `skipped` (those a size
/// limit left out are named by the `size_limited` note instead).
fn skipped(out: &mut String, report: &Report, paint: &dyn Fn(&str, &str) -> String) {
    let list: Vec<_> = report
        .skipped
        .iter()
        .filter(|s| s.limit.is_none())
        .collect();
    if list.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        paint(
            "1",
            &format!("Skipped {} file(s), not reviewed:", list.len())
        )
    );
    for s in list.iter().take(SKIPPED_SHOWN) {
        let _ = writeln!(
            out,
            "  {} {}",
            clean(&crate::printable::quoted_name(&s.path)),
            paint("2", &format!("({})", s.reason))
        );
    }
    if list.len() > SKIPPED_SHOWN {
        let _ = writeln!(
            out,
            "  {}",
            paint(
                "2",
                &format!(
                    "… and {} more (--json lists them all)",
                    list.len() - SKIPPED_SHOWN
                )
            )
        );
    }
}

/// `s` with its first letter in upper case.
fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn finding(
    out: &mut String,
    f: &Finding,
    repo: &Path,
    versions: &mut Versions<'_>,
    paint: &dyn Fn(&str, &str) -> String,
) {
    let sev = match f.severity {
        Severity::P0 => paint("1;31", "P0"),
        Severity::P1 => paint("31", "P1"),
        Severity::P2 => paint("33", "P2"),
        Severity::P3 => paint("34", "P3"),
    };
    let lines = if f.line_end > f.line_start {
        format!("lines {}-{}", f.line_start, f.line_end)
    } else {
        format!("line {}", f.line_start)
    };
    let _ = writeln!(
        out,
        "  {sev} {} [{}] {}",
        // One line per finding, whatever the model put in its title.
        paint("1", &escaped_line(&f.title)),
        clean(&f.category.to_string()),
        paint(
            "2",
            &format!(
                "{lines} · confidence {:.0}% · {}",
                f.confidence * 100.0,
                f.id
            )
        )
    );
    for l in f.explanation.lines().filter(|l| !l.trim().is_empty()) {
        let _ = writeln!(out, "      {}", clean(l));
    }
    for (n, code) in excerpt(versions, f) {
        let _ = writeln!(
            out,
            "      {} {}",
            paint("2", &format!("{n:>5} │")),
            clean(&code)
        );
    }
    if let Some((ok, text)) = fix(f, repo) {
        let colour = if ok { "32" } else { "33" };
        let _ = writeln!(out, "      {}", paint(colour, &escaped_line(&text)));
    }
}

/// The line about a finding's suggested patch: `fix available (FILE):
/// quire review apply ID` (true), or why apply in `repo` would refuse it
/// (false); `None` without a patch.
pub fn fix(f: &Finding, repo: &Path) -> Option<(bool, String)> {
    if let Some(why) = &f.suggested_patch_refused {
        return Some((false, format!("suggested fix refused: {why}")));
    }
    let patch = f.suggested_patch.as_deref()?;
    Some(match super::super::apply::refusal_in(repo, f) {
        None => (
            true,
            format!(
                "fix available ({}): quire review apply {}",
                super::super::apply::touched(patch).join(", "),
                f.id
            ),
        ),
        Some(why) => (false, format!("suggested fix refused: {why}")),
    })
}

/// The finding's lines in the reviewed version of its file (the commit,
/// the index, … — the working tree only for `--uncommitted`); none when
/// it cannot be read.
fn excerpt(versions: &mut Versions<'_>, f: &Finding) -> Vec<(usize, String)> {
    let Some(text) = versions.text(&f.file) else {
        return Vec::new();
    };
    let from = f.line_start.max(1) as usize;
    let to = (f.line_end.max(f.line_start) as usize).min(from + EXCERPT_LINES - 1);
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(n, _)| (from..=to).contains(n))
        .map(|(n, l)| (n, l.chars().take(160).collect()))
        .collect()
}

/// `3 findings (1 P1, 2 P2) in 2 files · 1 suppressed · 5 requests, 12k tokens`.
pub fn summary(report: &Report) -> String {
    let n = report.findings.len();
    let mut s = if report.not_reviewed.is_some() {
        // "No findings" would read like a review that passed.
        "Nothing reviewed".to_string()
    } else if n == 0 {
        "No findings".to_string()
    } else {
        let mut by = Vec::new();
        for sev in [Severity::P0, Severity::P1, Severity::P2, Severity::P3] {
            let c = report.findings.iter().filter(|f| f.severity == sev).count();
            if c > 0 {
                by.push(format!("{c} {}", sev.label()));
            }
        }
        format!("{} ({})", counted(n, "finding"), by.join(", "))
    };
    if report.suppressed > 0 {
        let _ = write!(s, " · {} suppressed", report.suppressed);
    }
    if !report.skipped.is_empty() {
        let _ = write!(s, " · {} file(s) skipped", report.skipped.len());
    }
    let st = &report.stats;
    let _ = write!(
        s,
        " · {}, {} flagged, {} · {}, {} tokens in, {} out",
        counted(st.hunks, "hunk"),
        st.flagged,
        counted(st.deep_passes, "deep pass"),
        counted(st.requests, "request"),
        st.input_tokens,
        st.output_tokens
    );
    s
}
