//! One line per subagent event for the line view: a child's start and
//! end (with its status, duration, tokens and tool count), and its tool
//! calls indented under its name, each level of nesting two spaces deeper.
//! A child's call is one line when it ends, with its mark and duration,
//! as the parent's are (`│ agent: ✓ shell: echo ok (12ms)`).

use quire::agent::Event;
use quire::printable::clean;

use super::children::{Children, UNNAMED, summary_line};
use super::summary::{clip, failure_reason, hook_completed_line, outcome, patch_stats};

/// The line for a subagent event (`None`: not shown, or not a subagent
/// event); `children` has already taken the event in. Escape sequences
/// and controls (from the model or a command) are dropped.
pub fn line(event: &Event, children: &Children) -> Option<String> {
    raw_line(event, children).map(|l| clean(&l).into_owned())
}

fn raw_line(event: &Event, children: &Children) -> Option<String> {
    let indent = |id: &str| children.find(id).map(|c| c.indent()).unwrap_or_default();
    // A child without a definition is called "agent": said once.
    let who = |name: &str| {
        if name == UNNAMED {
            UNNAMED.to_string()
        } else {
            format!("agent {name}")
        }
    };
    match event {
        Event::AgentQueued {
            agent_id,
            agent_name,
            task,
            ..
        } => Some(format!(
            "{}◦ {} queued (waits for a free slot, agents.max_parallel): {}",
            indent(agent_id),
            who(agent_name),
            clip(task, 80)
        )),
        Event::AgentSpawned {
            agent_id,
            agent_name,
            task,
            ..
        } => Some(format!(
            "{}▸ {}: {}",
            indent(agent_id),
            who(agent_name),
            clip(task, 80)
        )),
        Event::AgentCompleted { agent_id, .. } => {
            let c = children.find(agent_id)?;
            Some(summary_line(c).replacen('▸', "◂", 1))
        }
        Event::Agent(a) => {
            let pad = format!("{}  │ {}: ", indent(&a.agent_id), a.agent_name);
            match &*a.event {
                Event::ToolCompleted {
                    call_id,
                    name,
                    status,
                    exit_code,
                    signal,
                    duration_ms,
                    output,
                    is_error,
                    files,
                    ..
                } => {
                    let (mark, detail) =
                        outcome(status.as_str(), *exit_code, *signal, *duration_ms);
                    let call = children
                        .find(&a.agent_id)
                        .and_then(|c| c.ended_call(call_id))
                        .unwrap_or(name);
                    let mut text = format!("{pad}{mark} {call} ({detail})");
                    if let Some(stats) = files.as_ref().map(patch_stats).filter(|s| !s.is_empty()) {
                        text.push_str(&format!(" {stats}"));
                    }
                    if *is_error || status != "ok" {
                        let reason = failure_reason(name, output);
                        if !reason.is_empty() {
                            text.push_str(&format!(" — {reason}"));
                        }
                    }
                    Some(text)
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
