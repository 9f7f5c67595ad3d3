//! One line per subagent event for the line view: a child's start and
//! end (with its status, duration, tokens and tool count), and its tool
//! calls indented under its name, each level of nesting two spaces deeper.

use quire::agent::Event;

use super::children::{Children, UNNAMED, summary_line};
use super::summary::{clip, failure_reason, hook_completed_line, outcome, tool_line};

/// The line for a subagent event (`None`: not shown, or not a subagent
/// event); `children` has already taken the event in.
pub fn line(event: &Event, children: &Children) -> Option<String> {
    let indent = |id: &str| children.find(id).map(|c| c.indent()).unwrap_or_default();
    match event {
        Event::AgentSpawned {
            agent_id,
            agent_name,
            task,
            ..
        } => {
            // A child without a definition is called "agent": said once.
            let who = if agent_name == UNNAMED {
                UNNAMED.to_string()
            } else {
                format!("agent {agent_name}")
            };
            Some(format!("{}▸ {who}: {}", indent(agent_id), clip(task, 80)))
        }
        Event::AgentCompleted { agent_id, .. } => {
            let c = children.find(agent_id)?;
            Some(summary_line(c).replacen('▸', "◂", 1))
        }
        Event::Agent(a) => {
            let pad = format!("{}  │ {}: ", indent(&a.agent_id), a.agent_name);
            match &*a.event {
                Event::ToolStarted {
                    name, arguments, ..
                } => Some(format!("{pad}{}", tool_line(name, arguments))),
                Event::ToolCompleted {
                    name,
                    status,
                    exit_code,
                    duration_ms,
                    output,
                    ..
                } if status != "ok" => {
                    let (mark, detail) = outcome(status.as_str(), *exit_code, *duration_ms);
                    let reason = failure_reason(name, output);
                    let reason = if reason.is_empty() {
                        reason
                    } else {
                        format!(" — {reason}")
                    };
                    Some(format!("{pad}{mark} {name} ({detail}){reason}"))
                }
                Event::Error { message } => Some(format!("{pad}error: {message}")),
                Event::Warning { message } => Some(format!("{pad}warning: {message}")),
                Event::HookCompleted { .. } => {
                    hook_completed_line(event).map(|(line, _)| format!("{pad}{line}"))
                }
                _ => None,
            }
        }
        _ => None,
    }
}
