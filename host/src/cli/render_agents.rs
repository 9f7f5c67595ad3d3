//! One line per subagent event for the line view: a child's start and
//! end (with its status, duration, tokens and tool count), and its tool
//! calls indented under its name, each level of nesting two spaces deeper.

use quire::agent::Event;

use super::children::{Children, fields};
use super::summary::{clip, outcome, tool_line};

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
        } => Some(format!(
            "{}▸ agent {agent_name}: {}",
            indent(agent_id),
            clip(task, 80)
        )),
        Event::AgentCompleted { agent_id, .. } => {
            let c = children.find(agent_id)?;
            Some(format!("{}◂ agent {}", c.indent(), fields(c)))
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
                    ..
                } if status != "ok" => {
                    let (mark, detail) = outcome(status.as_str(), *exit_code, *duration_ms);
                    Some(format!("{pad}{mark} {name} ({detail})"))
                }
                Event::Error { message } => Some(format!("{pad}error: {message}")),
                Event::Warning { message } => Some(format!("{pad}warning: {message}")),
                _ => None,
            }
        }
        _ => None,
    }
}
