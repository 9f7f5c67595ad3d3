//! One line per subagent event for the human views (line view and TUI):
//! a child's start and end, and its tool calls indented under its name.

use quire::agent::Event;

use super::summary::{clip, outcome, tool_line};

/// The line for a subagent event (`None`: not shown, or not a subagent
/// event). Lines of a child's own events start with an indent.
pub fn line(event: &Event) -> Option<String> {
    match event {
        Event::AgentSpawned {
            agent_name, task, ..
        } => Some(format!("▸ agent {agent_name}: {}", clip(task, 80))),
        Event::AgentCompleted {
            agent_name,
            status,
            usage,
            duration_ms,
            branch,
            ..
        } => {
            let mut s = format!(
                "◂ agent {agent_name} {status} ({:.1}s, {} tokens)",
                *duration_ms as f64 / 1000.0,
                usage.total()
            );
            if let Some(b) = branch {
                s.push_str(&format!(" on branch {b}"));
            }
            Some(s)
        }
        Event::Agent(a) => {
            let depth = "  ";
            let who = &a.agent_name;
            match &*a.event {
                Event::ToolStarted {
                    name, arguments, ..
                } => Some(format!("{depth}│ {who}: {}", tool_line(name, arguments))),
                Event::ToolCompleted {
                    name,
                    status,
                    exit_code,
                    duration_ms,
                    ..
                } if status != "ok" => {
                    let (mark, detail) = outcome(status.as_str(), *exit_code, *duration_ms);
                    Some(format!("{depth}│ {who}: {mark} {name} ({detail})"))
                }
                Event::Error { message } => Some(format!("{depth}│ {who}: error: {message}")),
                Event::Warning { message } => Some(format!("{depth}│ {who}: warning: {message}")),
                // A grandchild's start and end, one level deeper.
                inner @ (Event::AgentSpawned { .. } | Event::AgentCompleted { .. }) => {
                    line(inner).map(|l| format!("{depth}{l}"))
                }
                _ => None,
            }
        }
        _ => None,
    }
}
