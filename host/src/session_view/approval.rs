//! What an approval question says, for both front ends: the full-screen
//! view (tui/approve.rs, tui/app/draw.rs) and the line mode
//! (cli/repl.rs). The request in full (the command, or each file of a
//! patch with its diff), the question pointing at it, and the answers.

use quire::tools::ApprovalRequest;

use super::{Said, Tone, diff};

/// The request's first line: who asks.
pub fn heading(r: &ApprovalRequest) -> String {
    match &r.agent {
        Some(agent) => format!("[{agent}] {} asks for approval:", r.tool),
        None => format!("{} asks for approval:", r.tool),
    }
}

/// The request in full: the command, or each file of the patch named
/// with what happens to it (A, M, D, R old → new) above its hunks, as
/// the finished patch shows it; then the model's reason.
pub fn body(r: &ApprovalRequest) -> Vec<Said> {
    let mut out = Vec::new();
    if r.files.is_empty() {
        out.push(Said::Note(Tone::Accent, format!("  $ {}", r.summary)));
    } else {
        let files = serde_json::to_value(&r.files).unwrap_or_default();
        out.push(Said::Diff(diff::files(&files)));
    }
    if let Some(reason) = &r.reason {
        out.push(Said::Note(Tone::Dim, format!("  reason: {reason}")));
    }
    out
}

/// The question, pointing at the request shown above it.
pub fn question(r: &ApprovalRequest) -> String {
    let verb = match r.tool.as_str() {
        "apply_patch" => "change files (diff above):",
        "shell" => "run the command above:",
        _ => "act (see above):",
    };
    format!("{} wants to {verb}", r.tool)
}

/// The answers: yes, no, no-and-tell-why, and always for the command
/// prefix when there is one.
pub fn choices(r: &ApprovalRequest) -> String {
    let always = match &r.always_key {
        Some(k) => format!("  [a] always allow \"{k}\""),
        None => String::new(),
    };
    format!("[y] yes  [n] no  [r] no, and tell it why{always}")
}

/// What asks for the reason after `r`.
pub const WHY_NOT: &str = "why not?";
