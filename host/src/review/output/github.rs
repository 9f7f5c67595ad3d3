//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice`
//! line per finding, shown as annotations on the pull request's diff.

use super::super::finding::Severity;
use super::super::report::Report;

/// One annotation line per finding, then nothing else; when the review
/// failed, first an error saying why; when every
/// changed file was skipped, one line saying nothing was reviewed (an
/// error when `--fail-on` would refuse it); when a size limit left files
/// out, an error naming them.
pub fn render(report: &Report, repo: &std::path::Path) -> String {
    let mut out = String::new();
    if let Some(why) = super::failure(report) {
        out.push_str(&format!(
            "::error title={}::{}\n",
            property("quire review failed"),
            data(why)
        ));
    }
    if let Some(why) = &report.not_reviewed {
        let command = if report.gate_refusal().is_some() {
            "error"
        } else {
            "notice"
        };
        out.push_str(&format!(
            "::{command} title={}::{}\n",
            property("quire review: nothing reviewed"),
            data(why)
        ));
    }
    if let Some(why) = &report.size_limited {
        out.push_str(&format!(
            "::error title={}::{}\n",
            property("quire review: files not reviewed (size limits)"),
            data(why)
        ));
    }
    if let Some(why) = &report.text_as_binary {
        out.push_str(&format!(
            "::error title={}::{}\n",
            property("quire review: files not reviewed (text read as binary)"),
            data(why)
        ));
    }
    for f in &report.findings {
        let command = match f.severity {
            Severity::P0 | Severity::P1 => "error",
            Severity::P2 => "warning",
            Severity::P3 => "notice",
        };
        let title = format!("{} {}: {}", f.severity.label(), f.category, f.title);
        // `quire review apply` only for a finding that has a fix apply
        // would take, with the files it changes.
        let apply = if let Some(patch) = &f.suggested_patch
            && super::super::apply::refusal_in(repo, f).is_none()
        {
            format!(
                " · quire review apply {} (changes {})",
                f.id,
                super::super::apply::touched(patch).join(", ")
            )
        } else {
            String::new()
        };
        let message = if f.explanation.is_empty() {
            format!("{} ({}){apply}", f.title, f.id)
        } else {
            format!("{}\n\n{}{apply}", f.explanation, f.id)
        };
        out.push_str(&format!(
            "::{command} file={},line={},endLine={},title={}::{}\n",
            property(&f.file),
            f.line_start,
            f.line_end,
            property(&title),
            data(&message)
        ));
    }
    out
}

/// Escapes a command's message.
fn data(s: &str) -> String {
    // A model's text may carry escape sequences: a workflow log would act
    // on them (colours, hidden lines), so they go first.
    crate::printable::clean(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_in_values_are_escaped() {
        assert_eq!(property("a,b:c%\nd"), "a%2Cb%3Ac%25%0Ad");
        assert_eq!(data("1:2,3\n"), "1:2,3%0A");
        assert_eq!(data("red\u{1b}[31m::error::x\u{7}"), "red::error::x");
    }
}
