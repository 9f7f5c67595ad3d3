//! The status line (model, context, tokens, sandbox, approval, skills,
//! MCP) and the working indicator.

use std::time::Duration;

use quire::model::Usage;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::style::Palette;
use crate::cli::summary::duration;

pub const SPIN: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Status {
    pub model: String,
    pub provider: String,
    pub sandbox: String,
    pub approval: String,
    pub context_window: u64,
    /// Input tokens of the last response (the context in use).
    pub context_used: u64,
    pub total: Usage,
    /// What a resumed session had used before this run (in `total`).
    pub resumed: Usage,
    pub skills: Vec<String>,
    /// MCP servers not (yet) usable, e.g. `1 failed`.
    pub mcp: Option<String>,
}

fn tokens(n: u64) -> String {
    match n {
        0..1000 => n.to_string(),
        1000..100_000 => format!("{:.1}k", n as f64 / 1000.0),
        100_000..1_000_000 => format!("{}k", n / 1000),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}

impl Status {
    pub fn context_percent(&self) -> u64 {
        (self.context_used * 100)
            .checked_div(self.context_window)
            .unwrap_or(0)
            .min(100)
    }

    /// One line; the less important parts are left out when it is too
    /// wide.
    pub fn line(&self, width: u16, pal: &Palette) -> Line<'static> {
        let mut parts = vec![
            format!("{} · {}", self.model, self.provider),
            format!("ctx {}%", self.context_percent()),
            format!(
                "in {} · cached {} · out {}",
                tokens(self.total.input_tokens),
                tokens(self.total.cached_input_tokens),
                tokens(self.total.output_tokens)
            ),
            format!("{} · {}", self.sandbox, self.approval),
        ];
        if !self.skills.is_empty() {
            parts.push(format!("skills: {}", self.skills.join(", ")));
        }
        if let Some(m) = &self.mcp {
            parts.push(format!("mcp: {m}"));
        }
        let sep = " │ ";
        while parts.len() > 1 && parts.join(sep).width() > usize::from(width) {
            // Keep the model, context and MCP trouble; drop from the middle.
            let drop = if self.mcp.is_some() && parts.len() > 2 {
                parts.len() - 2
            } else {
                parts.len() - 1
            };
            parts.remove(drop);
        }
        let mut spans = Vec::new();
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(sep, pal.dim()));
            }
            let style = if p.starts_with("mcp:") {
                pal.warn()
            } else {
                pal.dim()
            };
            spans.push(Span::styled(p, style));
        }
        Line::from(spans)
    }
}

/// `⠙ Working 3.2s · Esc to interrupt`, or the running tool.
pub fn working(what: &str, elapsed: Duration, frame: usize, pal: &Palette) -> Line<'static> {
    let ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
    Line::from(vec![
        Span::styled(format!("{} ", SPIN[frame % SPIN.len()]), pal.accent()),
        Span::styled(what.to_string(), pal.bold()),
        Span::styled(format!(" {}", duration(ms)), pal.dim()),
        Span::styled(" · Esc to interrupt", pal.dim()),
    ])
}
