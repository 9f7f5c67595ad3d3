//! What one finished thing looks like in the scrollback: a user message,
//! a tool call's header line with its folded output or its diff, notes.

use quire::tools::shell::result_text;
use ratatui::text::{Line, Span};
use serde_json::Value;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::diff;
use super::style::Palette;
use super::wrap::{Keep, wrap, wrap_as};
use crate::cli::summary::{failure_reason, outcome, patch_stats};

/// Lines of command output shown from the start and the end.
const HEAD: usize = 2;
const TAIL: usize = 3;

/// `› message`, wrapped.
pub fn user(text: &str, width: u16, pal: &Palette) -> Vec<Line<'static>> {
    // A large paste shows its head: the scrollback keeps the conversation.
    let (shown, more) = super::preview::bounded(text);
    // Tabs to their stops, as in code and command output.
    let spans = vec![Span::styled(
        quire::tabs::expand(shown).into_owned(),
        pal.user(),
    )];
    let mut lines = vec![Line::default()];
    lines.extend(wrap_as(
        &spans,
        usize::from(width),
        &[Span::styled("› ", pal.accent())],
        &[Span::raw("  ")],
        Keep::INDENT,
    ));
    if let Some(more) = more {
        lines.extend(wrap(
            &[Span::styled(more, pal.dim())],
            usize::from(width),
            &[Span::raw("  ")],
            &[Span::raw("  ")],
        ));
    }
    lines.push(Line::default());
    lines
}

/// A finished tool call.
pub struct ToolDone<'a> {
    pub line: &'a str,
    pub name: &'a str,
    pub status: &'a str,
    pub exit_code: Option<i32>,
    /// The signal that killed a shell command.
    pub signal: Option<i32>,
    pub duration_ms: u64,
    pub files: Option<&'a Value>,
    pub output: &'a str,
}

pub fn tool(t: &ToolDone<'_>, width: u16, pal: &Palette) -> Vec<Line<'static>> {
    let (mark, detail) = outcome(t.status, t.exit_code, t.signal, t.duration_ms);
    let mark_style = match mark {
        "✓" => pal.ok(),
        "✗" => pal.bad(),
        _ => pal.warn(),
    };
    let mut spans = vec![
        Span::styled(format!("{mark} "), mark_style),
        Span::styled(t.line.to_string(), pal.bold()),
        Span::styled(format!(" ({detail})"), pal.dim()),
    ];
    if let Some(stats) = t.files.map(patch_stats).filter(|s| !s.is_empty()) {
        spans.push(Span::styled(format!(" {stats}"), pal.dim()));
    }
    let mut out = wrap(&spans, usize::from(width), &[], &[Span::raw("  ")]);
    if let Some(files) = t.files {
        out.extend(diff::files(files, width, pal));
        return out;
    }
    if t.name == "shell" && t.status != "denied" {
        out.extend(shell_output(t.output, width, pal));
    } else if t.status != "ok" {
        let reason = failure_reason(t.name, t.output);
        if !reason.is_empty() {
            out.extend(wrap(
                &[Span::styled(reason, pal.bad())],
                usize::from(width),
                &[Span::raw("  └ ")],
                &[Span::raw("    ")],
            ));
        }
    }
    out
}

/// What a shell command printed, folded as under its call's line (the
/// live cell and a resumed session's replay alike).
pub fn shell_output(output: &str, width: u16, pal: &Palette) -> Vec<Line<'static>> {
    let shown = total_cut(result_text::printed(output), result_text::dropped(output));
    folded(&shown, width, pal)
}

const CUT_MARK: (&str, &str) = ("[… ", " bytes cut from the middle of this output …]");

/// The output with its cap marker counting every byte left out: the
/// shell's drop before the cap and the cap's own cut (the model is told
/// both; the screen shows their sum, not the cap's part alone).
fn total_cut(text: &str, before: u64) -> String {
    if before == 0 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for l in text.split_inclusive('\n') {
        let cut = l
            .trim_end_matches('\n')
            .strip_prefix(CUT_MARK.0)
            .and_then(|r| r.strip_suffix(CUT_MARK.1))
            .and_then(|n| n.parse::<u64>().ok());
        match cut {
            Some(n) => {
                let total = n.saturating_add(before);
                out.push_str(&format!("{}{total}{}", CUT_MARK.0, CUT_MARK.1));
                if l.ends_with('\n') {
                    out.push('\n');
                }
            }
            None => out.push_str(l),
        }
    }
    out
}

/// `line` cut to `max` terminal columns (a wide character such as `漢`
/// takes two), ending in `…` when anything was cut.
pub(super) fn clip_columns(line: &str, max: usize) -> String {
    if UnicodeWidthStr::width(line) <= max {
        return line.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max.saturating_sub(1) {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The first and last lines of output, the middle folded.
fn folded(text: &str, width: u16, pal: &Palette) -> Vec<Line<'static>> {
    let lines: Vec<&str> = text.lines().collect();
    let max = usize::from(width).saturating_sub(4).max(10);
    // As a terminal would have left each line: progress bars at their
    // last frame, colours gone.
    let clip = |l: &str| {
        let shown = quire::printable::as_terminal_line(l);
        clip_columns(&quire::tabs::expand(&shown), max)
    };
    let mut out = Vec::new();
    let mut push = |i: usize, l: &str| {
        let lead = if i == 0 { "  └ " } else { "    " };
        out.push(Line::from(vec![
            Span::raw(lead),
            Span::styled(clip(l), pal.dim()),
        ]));
    };
    if lines.len() <= HEAD + TAIL + 1 {
        for (i, l) in lines.iter().enumerate() {
            push(i, l);
        }
        return out;
    }
    for (i, l) in lines[..HEAD].iter().enumerate() {
        push(i, l);
    }
    let middle = &lines[HEAD..lines.len() - TAIL];
    // The output sent on was already cut in its middle (the tool output
    // cap): the lines counted here are not all there were.
    let cut = middle
        .iter()
        .any(|l| l.starts_with(CUT_MARK.0) && l.ends_with(CUT_MARK.1));
    let hidden = middle.len() - usize::from(cut);
    let more = if cut {
        " and more cut by the output limit"
    } else {
        ""
    };
    let noun = if hidden == 1 { "line" } else { "lines" };
    out.push(Line::styled(
        format!("    … {hidden} {noun}{more} …"),
        pal.dim(),
    ));
    for l in &lines[lines.len() - TAIL..] {
        out.push(Line::from(vec![
            Span::raw("    "),
            Span::styled(clip(l), pal.dim()),
        ]));
    }
    out
}

/// A one-line note (warnings, errors, retries, skills).
pub fn note(text: &str, style: ratatui::style::Style, width: u16) -> Vec<Line<'static>> {
    wrap(
        &[Span::styled(text.to_string(), style)],
        usize::from(width),
        &[],
        &[Span::raw("  ")],
    )
}

#[cfg(test)]
mod tests {
    use super::folded;
    use crate::tui::style::Palette;

    fn text_of(lines: &[ratatui::text::Line<'_>]) -> String {
        lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_fold_counts_the_lines_it_hides_and_says_when_the_output_was_cut() {
        let pal = Palette::new(false);
        let whole: String = (1..=10).map(|n| format!("{n}\n")).collect();
        assert!(text_of(&folded(&whole, 80, &pal)).contains("… 5 lines …"));
        let cut =
            "1\n2\n3\n[… 7547 bytes cut from the middle of this output …]\n4998\n4999\n5000\n";
        let shown = text_of(&folded(cut, 80, &pal));
        assert!(
            shown.contains("… 1 line and more cut by the output limit …"),
            "{shown}"
        );
    }

    #[test]
    fn progress_bars_show_their_last_frame_and_colours_go() {
        let pal = Palette::new(false);
        let out = "progress 10%\rprogress 60%\rprogress 100%\n\u{1b}[32mPASSED\u{1b}[0m test_a\n";
        let shown = text_of(&folded(out, 80, &pal));
        assert!(shown.contains("progress 100%"), "{shown}");
        assert!(!shown.contains("10%"), "{shown}");
        assert!(shown.contains("PASSED test_a"), "{shown}");
        assert!(
            !shown.contains("[32m") && !shown.contains('\u{1b}'),
            "{shown}"
        );
    }

    #[test]
    fn the_cut_shown_is_the_total_the_model_is_told() {
        let pal = Palette::new(false);
        let output = "Exit code: 0\nWall time: 2.0 s\nOutput truncated: 50951424 bytes dropped from the middle\nOutput:\naaaa\n[… 1032336 bytes cut from the middle of this output …]\nzzzz\n";
        let lines = super::tool(
            &super::ToolDone {
                line: "$ yes",
                name: "shell",
                status: "ok",
                exit_code: Some(0),
                signal: None,
                duration_ms: 2000,
                files: None,
                output,
            },
            80,
            &pal,
        );
        let shown = text_of(&lines);
        assert!(
            shown.contains("[… 51983760 bytes cut from the middle of this output …]"),
            "{shown}"
        );
        assert!(!shown.contains("1032336"), "{shown}");
    }

    #[test]
    fn a_wide_line_is_cut_by_columns_and_marked() {
        let pal = Palette::new(false);
        let line = format!("{}EEE", "漢".repeat(48));
        let shown = text_of(&folded(&line, 60, &pal));
        let body = shown.trim_start_matches("  └ ");
        assert!(body.ends_with('…'), "{shown}");
        // 56 columns at most: 27 wide characters and the marker.
        assert_eq!(unicode_width::UnicodeWidthStr::width(body), 55, "{shown}");
        // A line that fits is left whole.
        let short = format!("{}EEE", "漢".repeat(20));
        assert!(text_of(&folded(&short, 60, &pal)).ends_with("EEE"));
    }
}
