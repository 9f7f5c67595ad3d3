//! The status line (model, context, tokens, sandbox, approval, skills,
//! MCP) and the working indicator.

use std::time::Duration;

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::style::Palette;
use crate::cli::summary::duration;

pub const SPIN: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub use crate::session_view::Status;

fn tokens(n: u64) -> String {
    match n {
        0..1000 => n.to_string(),
        1000..100_000 => format!("{:.1}k", n as f64 / 1000.0),
        100_000..1_000_000 => format!("{}k", n / 1000),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}

impl Status {
    /// One line; the less important parts are left out when it is too
    /// wide (skills, then tokens, then context), and what is left is cut
    /// with `…`: the sandbox and approval mode stay in sight longest.
    pub fn line(&self, width: u16, pal: &Palette) -> Line<'static> {
        // (text, order of leaving: lower leaves first, None stays)
        let mut parts: Vec<(String, Option<u8>)> = vec![
            (format!("{} · {}", self.model, self.provider), None),
            (format!("ctx {}", self.context_shown()), Some(2)),
            (
                format!(
                    "in {} · {} · out {}",
                    tokens(self.total.input_tokens),
                    self.cache_shown(tokens),
                    tokens(self.total.output_tokens)
                ),
                Some(1),
            ),
            (format!("{} · {}", self.sandbox, self.approval), None),
        ];
        if !self.skills.is_empty() {
            parts.push((format!("skills: {}", self.skills.join(", ")), Some(0)));
        }
        if let Some(m) = &self.mcp {
            // MCP trouble stays, as the model and the mode do.
            parts.push((format!("mcp: {m}"), None));
        }
        let sep = " │ ";
        let width = usize::from(width);
        let joined = |parts: &[(String, Option<u8>)]| {
            parts
                .iter()
                .map(|(p, _)| p.as_str())
                .collect::<Vec<_>>()
                .join(sep)
                .width()
        };
        // Too wide: the cache writes give way before the whole tokens part.
        if joined(&parts) > width && self.total.cache_write_input_tokens > 0 {
            parts[2].0 = format!(
                "in {} · cached {} · out {}",
                tokens(self.total.input_tokens),
                tokens(self.total.cached_input_tokens),
                tokens(self.total.output_tokens)
            );
        }
        while joined(&parts) > width {
            let Some(i) = parts
                .iter()
                .enumerate()
                .filter_map(|(i, (_, order))| order.map(|o| (o, i)))
                .min()
                .map(|(_, i)| i)
            else {
                break;
            };
            parts.remove(i);
        }
        // Still too wide: the model's name gives way first, then the last
        // part is cut, never without a mark.
        let mut texts: Vec<String> = parts.into_iter().map(|(p, _)| p).collect();
        let over = texts.join(sep).width().saturating_sub(width);
        if over > 0 && texts.len() > 1 {
            let room = texts[0].width().saturating_sub(over).max(2);
            texts[0] = super::cells::clip_columns(&texts[0], room);
        }
        let over = texts.join(sep).width().saturating_sub(width);
        if over > 0 {
            let last = texts.len() - 1;
            let room = texts[last].width().saturating_sub(over).max(1);
            texts[last] = super::cells::clip_columns(&texts[last], room);
        }
        let mut spans = Vec::new();
        for (i, p) in texts.into_iter().enumerate() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_narrow_status_line_keeps_the_mode_and_marks_what_it_cut() {
        let s = Status {
            model: "gpt-5.1".into(),
            provider: "openai".into(),
            sandbox: "workspace-write".into(),
            approval: "untrusted".into(),
            context_window: 272_000,
            context_used: 54_400,
            skills: vec!["pdf".into()],
            ..Default::default()
        };
        let pal = Palette::new(false);
        let line = shown(&s.line(40, &pal));
        assert!(line.width() <= 40, "{line}");
        assert!(line.ends_with("workspace-write · untrusted"), "{line}");
        assert!(line.contains('…'), "{line}");
        let line = shown(&s.line(20, &pal));
        assert!(line.width() <= 20 && line.ends_with('…'), "{line}");
        // Wide enough: everything, nothing marked.
        let line = shown(&s.line(200, &pal));
        assert!(
            line.contains("skills: pdf") && !line.contains('…'),
            "{line}"
        );
    }

    /// Cache writes are the first to give way: the token counts stay.
    #[test]
    fn cache_writes_leave_before_the_token_counts() {
        let mut s = Status {
            model: "claude-sonnet-4-5".into(),
            provider: "anthropic".into(),
            sandbox: "workspace-write".into(),
            approval: "untrusted".into(),
            context_window: 200_000,
            context_used: 20_000,
            ..Default::default()
        };
        s.total.input_tokens = 16_000;
        s.total.cached_input_tokens = 13_000;
        s.total.cache_write_input_tokens = 3_100;
        s.total.output_tokens = 900;
        let pal = Palette::new(false);
        let wide = shown(&s.line(200, &pal));
        assert!(wide.contains("cached 13.0k read · 3.1k written"), "{wide}");
        let full = wide.width();
        let line = shown(&s.line(u16::try_from(full - 5).unwrap(), &pal));
        assert!(
            line.contains("in 16.0k · cached 13.0k · out 900") && !line.contains("written"),
            "{line}"
        );
    }

    /// Tester's finding: a warning about a server that runs (a
    /// description cut, a tool left out) showed it `restarting`. Only the
    /// supervisor's warnings (stopped, not available, not started) count.
    #[test]
    fn only_a_servers_stop_or_failure_changes_its_state() {
        let mut s = Status::default();
        for message in [
            "MCP server 'big': the description of tool 'big' is 5000 characters; only the first 2000 are sent",
            "MCP server 'h': a tool with an empty name is left out",
            "MCP server 'h' sent a notice",
        ] {
            s.track(&quire::agent::Event::Warning {
                message: message.into(),
            });
        }
        assert_eq!(s.mcp, None);
        s.track(&quire::agent::Event::Warning {
            message: "MCP server 'local' is not started: tools/mcp.py changed since you trusted /r"
                .into(),
        });
        s.track(&quire::agent::Event::Warning {
            message: "MCP server 'flaky' stopped (the connection failed); restarting it".into(),
        });
        assert_eq!(s.mcp.as_deref(), Some("local failed; flaky restarting"));
    }

    /// Tester's finding: a server that restarted and came back stayed
    /// "restarting" in the status line and `/mcp` for the whole session.
    #[test]
    fn a_server_back_after_its_restart_is_no_longer_restarting() {
        let mut s = Status::default();
        s.track(&quire::agent::Event::Warning {
            message: "MCP server 'flaky' stopped (the connection failed); restarting it".into(),
        });
        assert_eq!(s.mcp.as_deref(), Some("flaky restarting"));
        s.track(&quire::agent::Event::Warning {
            message: "MCP server 'flaky' is running again after its restart".into(),
        });
        assert_eq!(s.mcp, None);
        assert!(
            s.mcp_line().contains("no problems reported"),
            "{}",
            s.mcp_line()
        );
    }

    /// Three servers failing at start (before the view is drawn): the
    /// status line and `/mcp` name every one, not only the last.
    #[test]
    fn every_failed_mcp_server_is_named() {
        let mut s = Status::default();
        for name in ["quick-exit", "no-such-cmd", "junk"] {
            s.track(&quire::agent::Event::Warning {
                message: format!("MCP server '{name}' is not available (it could not start): boom"),
            });
        }
        let want = "quick-exit, no-such-cmd, junk failed";
        let line = shown(&s.line(200, &Palette::new(false)));
        assert!(line.contains(&format!("mcp: {want}")), "{line}");
        assert!(s.mcp_line().contains(want), "{}", s.mcp_line());
        // A server restarting, then failing, is named once, as failed.
        s.track(&quire::agent::Event::Warning {
            message: "MCP server 'flaky' stopped (exit 1); restarting it".into(),
        });
        assert_eq!(
            s.mcp.as_deref(),
            Some("quick-exit, no-such-cmd, junk failed; flaky restarting")
        );
        s.track(&quire::agent::Event::Warning {
            message:
                "MCP server 'flaky' is not available (it stopped more than 5 times in a minute): x"
                    .into(),
        });
        assert_eq!(
            s.mcp.as_deref(),
            Some("quick-exit, no-such-cmd, junk, flaky failed")
        );
        // The wait for starting servers ends: the failed ones stay named.
        s.track(&quire::agent::Event::McpWaiting {
            servers: vec!["slow".into()],
        });
        s.track(&quire::agent::Event::TurnStarted { turn: 1 });
        assert_eq!(
            s.mcp.as_deref(),
            Some("quick-exit, no-such-cmd, junk, flaky failed")
        );
    }
}
