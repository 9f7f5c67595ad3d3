//! The session's state as both front ends show it (model, context, tokens,
//! sandbox, approval, skills, MCP), kept from the agent's events, and the
//! text of `/status` and `/mcp`.

use std::path::Path;

use quire::agent::Event;
use quire::config::ConfigSource;
use quire::model::Usage;

use super::prices;

/// What one run of the session used: the running total of its last
/// `turn_completed`, and the sum of its `task_completed` usages (these
/// hold the subagents' tokens at once, also when a task was interrupted
/// after its last response). Each is a lower bound of the run's total.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunUsage {
    pub turns: Usage,
    pub tasks: Usage,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Status {
    pub model: String,
    /// `/model` switched the model: the configured one is not in use.
    pub model_switched: bool,
    /// The session's working directory.
    pub cwd: String,
    /// The instruction files the prompt holds (AGENTS.md and the like).
    pub instructions: Vec<std::path::PathBuf>,
    pub provider: String,
    /// The model's configured `reasoning_effort`.
    pub reasoning_effort: Option<String>,
    /// The server refused the field carrying it: it is not sent.
    pub effort_refused: bool,
    pub sandbox: String,
    pub approval: String,
    pub context_window: u64,
    /// Input tokens of the last response (the context in use).
    pub context_used: u64,
    /// `context_used` is quire's estimate: the server reported no usage.
    pub context_estimated: bool,
    pub total: Usage,
    /// What a resumed session had used before this run (in `total`).
    pub resumed: Usage,
    /// What this run used, as its events tell it.
    pub run: RunUsage,
    pub skills: Vec<String>,
    /// MCP servers not (yet) usable, e.g. `1 failed`.
    pub mcp: Option<String>,
    /// Each MCP server in trouble, in the order reported, with its state
    /// (`failed`, `restarting`): `mcp` names them all.
    pub mcp_trouble: Vec<(String, &'static str)>,
}

impl Status {
    pub fn context_percent(&self) -> u64 {
        self.context_used
            .saturating_mul(100)
            .checked_div(self.context_window)
            .unwrap_or(0)
            .min(100)
    }

    /// What `ev` changes of the state (the front ends render it besides).
    pub fn track(&mut self, ev: &Event) {
        match ev {
            Event::SessionStarted {
                provider,
                model,
                sandbox,
                approval,
                cwd,
                reasoning_effort,
                ..
            } => {
                self.cwd = cwd.clone();
                self.reasoning_effort = reasoning_effort.clone();
                self.provider = provider.clone();
                self.model = model.clone();
                // A new or resumed conversation starts on its own model.
                self.model_switched = false;
                // The agent's running total starts again with it.
                self.run = RunUsage::default();
                self.sandbox = sandbox.clone();
                self.approval = approval.clone();
            }
            Event::TurnCompleted {
                usage, total_usage, ..
            } => {
                self.context_used = usage.input_tokens;
                self.context_estimated = false;
                self.run.turns = *total_usage;
                self.count_run();
            }
            Event::TaskCompleted { usage, .. } => {
                self.run.tasks.add(usage);
                self.count_run();
            }
            Event::SkillActivated { name, .. } if !self.skills.contains(name) => {
                self.skills.push(name.clone());
            }
            Event::Warning { message } => {
                if let Some((name, what)) = mcp_state(message) {
                    match self.mcp_trouble.iter_mut().find(|(n, _)| n == name) {
                        _ if what == "ready" => self.mcp_trouble.retain(|(n, _)| n != name),
                        Some(known) => known.1 = what,
                        None => self.mcp_trouble.push((name.to_string(), what)),
                    }
                    self.mcp = self.trouble();
                }
            }
            Event::McpWaiting { servers } => {
                self.mcp = Some(format!("starting {}", servers.join(", ")));
            }
            // The wait for starting servers is over once a request goes.
            Event::TurnStarted { .. }
                if self
                    .mcp
                    .as_deref()
                    .is_some_and(|m| m.starts_with("starting ")) =>
            {
                self.mcp = self.trouble();
            }
            _ => {}
        }
    }

    /// `total`: what the session had used before this run, and this run's
    /// larger count of each kind.
    fn count_run(&mut self) {
        self.total = self.resumed;
        self.total.add(&self.run.turns.max_each(&self.run.tasks));
    }

    /// Every MCP server in trouble, by state: `a, b failed; c restarting`.
    fn trouble(&self) -> Option<String> {
        let mut parts = Vec::new();
        for state in ["failed", "restarting"] {
            let names: Vec<&str> = self
                .mcp_trouble
                .iter()
                .filter(|(_, s)| *s == state)
                .map(|(n, _)| n.as_str())
                .collect();
            if !names.is_empty() {
                parts.push(format!("{} {state}", names.join(", ")));
            }
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// A new conversation (`/new`): its tokens and skills start again,
    /// with the instruction files it read.
    pub fn restart(&mut self, instructions: Vec<std::path::PathBuf>) {
        self.instructions = instructions;
        self.skills.clear();
        self.total = Usage::default();
        self.resumed = Usage::default();
        self.run = RunUsage::default();
        self.context_used = 0;
        self.context_estimated = false;
    }

    /// The optional request fields the session's client goes without
    /// (`Session::fields_left_out`): the effort is not sent when its
    /// field is one (Responses' `reasoning`, Chat's `reasoning_effort`).
    pub fn left_out(&mut self, fields: &[&str]) {
        self.effort_refused = fields
            .iter()
            .any(|f| matches!(*f, "reasoning" | "reasoning_effort"));
    }

    /// quire's own count of the context in use (`Session::context_estimate`)
    /// stands for the server's when the server reported none (llama.cpp
    /// and other local servers send no `usage`).
    pub fn estimate_context(&mut self, tokens: u64) {
        if self.context_used == 0 || self.context_estimated {
            self.context_used = tokens;
            self.context_estimated = tokens > 0;
        }
    }

    /// The context in use as a percentage, `~` before an estimate.
    pub fn context_shown(&self) -> String {
        let about = if self.context_estimated { "~" } else { "" };
        format!("{about}{}%", self.context_percent())
    }

    /// The prompt cache's part of the tokens, counts as `count` writes
    /// them: `cached 13.0k`, and `cached 13.0k read · 3.1k written` when
    /// the provider reported cache writes (Anthropic's
    /// `cache_creation_input_tokens`), as exec's tokens line does.
    pub fn cache_shown(&self, count: impl Fn(u64) -> String) -> String {
        let read = count(self.total.cached_input_tokens);
        match self.total.cache_write_input_tokens {
            0 => format!("cached {read}"),
            w => format!("cached {read} read · {} written", count(w)),
        }
    }

    /// The lines of `/status`.
    pub fn lines(&self, session_id: &str, file: &Path, sources: &[ConfigSource]) -> Vec<String> {
        let mut lines = vec![
            format!("session  {session_id}"),
            format!("file     {}", file.display()),
            format!(
                "model    {} · {}{}{}",
                self.model,
                self.provider,
                match &self.reasoning_effort {
                    Some(effort) if self.effort_refused => {
                        format!(" · reasoning effort {effort} (refused by the server, not sent)")
                    }
                    Some(effort) => format!(" · reasoning effort {effort}"),
                    None => String::new(),
                },
                if self.model_switched {
                    " (switched with /model: not the configured one)"
                } else {
                    ""
                }
            ),
            format!(
                "context  {} of {} tokens{}",
                self.context_shown(),
                self.context_window,
                if self.context_estimated {
                    " (estimated by quire: the server reports no usage)"
                } else {
                    ""
                }
            ),
            format!(
                "tokens   in {} · {} · out {}{}",
                self.total.input_tokens,
                self.cache_shown(|n| n.to_string()),
                self.total.output_tokens,
                match self.total.reasoning_output_tokens {
                    0 => String::new(),
                    r => format!(" (reasoning {r})"),
                }
            ),
            format!("cost     {}", prices::estimate(&self.total, &self.model)),
            format!(
                "policy   sandbox {} · approval {}",
                self.sandbox, self.approval
            ),
            format!("cwd      {}", self.cwd),
        ];
        match self.instructions.split_first() {
            None => lines.push("agents   no AGENTS.md (nor CLAUDE.md) applies here".into()),
            Some((first, rest)) => {
                lines.push(format!("agents   {}", first.display()));
                lines.extend(rest.iter().map(|f| format!("         {}", f.display())));
            }
        }
        if sources.is_empty() {
            lines.push("config   defaults only (no config file, QUIRE_* variable or -c)".into());
        }
        for (i, src) in sources.iter().enumerate() {
            let lead = if i == 0 { "config  " } else { "        " };
            lines.push(format!("{lead} {}: {}", src.origin, src.keys.join(", ")));
        }
        lines
    }

    /// The line of `/mcp`.
    pub fn mcp_line(&self) -> String {
        let state = self.mcp.as_deref().unwrap_or("no problems reported");
        format!("MCP servers: {state}; `quire mcp list` shows each server and its tools")
    }
}

/// The server and its new state when `message` is one of the MCP
/// supervisor's warnings that a server stopped (`restarting`) or will
/// not run (`failed`: not available, not started) or is back after a
/// restart (`ready`); `None` for any other
/// warning, also one about a server that runs (a description cut, a tool
/// left out).
fn mcp_state(message: &str) -> Option<(&str, &'static str)> {
    let (name, rest) = message.strip_prefix("MCP server '")?.split_once('\'')?;
    let rest = rest.strip_prefix(' ')?;
    if rest.starts_with("is not available (") || rest.starts_with("is not started: ") {
        Some((name, "failed"))
    } else if rest.starts_with("stopped (") && rest.ends_with("; restarting it") {
        Some((name, "restarting"))
    } else if rest == "is running again after its restart" {
        Some((name, "ready"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(input: u64, output: u64) -> Usage {
        Usage {
            input_tokens: input,
            output_tokens: output,
            ..Usage::default()
        }
    }

    fn turn(total: Usage) -> Event {
        Event::TurnCompleted {
            turn: 1,
            usage: usage(100, 20),
            total_usage: total,
        }
    }

    fn task(used: Usage) -> Event {
        Event::TaskCompleted {
            status: quire::protocol::TaskState::Interrupted,
            turns: 1,
            usage: used,
            reason: None,
            unsaved_records: 0,
            answer: None,
        }
    }

    /// A task interrupted after its last response: the subagents' tokens
    /// its `task_completed` holds count at once, not at the next turn,
    /// and not twice then.
    #[test]
    fn an_interrupted_task_counts_its_subagents_tokens_at_once() {
        let mut s = Status {
            resumed: usage(1000, 100),
            ..Status::default()
        };
        s.track(&turn(usage(100, 20)));
        assert_eq!(s.total, usage(1100, 120));
        // The children used 5000 / 300 after the parent's response.
        s.track(&task(usage(5100, 320)));
        assert_eq!(s.total, usage(6100, 420));
        // The next task's first turn: its running total holds them too.
        s.track(&turn(usage(5200, 340)));
        assert_eq!(s.total, usage(6200, 440));
        s.track(&task(usage(100, 20)));
        assert_eq!(s.total, usage(6200, 440));
        // A new run of the agent (a session switched to) starts again.
        s.track(&Event::SessionStarted {
            session_id: "s".into(),
            session_file: "f".into(),
            cwd: "/".into(),
            provider: "p".into(),
            model: "m".into(),
            wire_api: "chat".into(),
            sandbox: "read-only".into(),
            approval: "never".into(),
            reasoning_effort: None,
            resumed: true,
        });
        s.track(&turn(usage(10, 1)));
        assert_eq!(s.total, usage(1010, 101));
    }

    #[test]
    fn the_effort_and_the_reasoning_tokens_are_shown() {
        let mut s = Status {
            model: "gpt-5.1".into(),
            provider: "openai".into(),
            reasoning_effort: Some("high".into()),
            ..Status::default()
        };
        s.total.output_tokens = 300;
        s.total.reasoning_output_tokens = 200;
        let lines = s.lines("id", Path::new("/s"), &[]);
        assert_eq!(
            lines[2],
            "model    gpt-5.1 · openai · reasoning effort high"
        );
        assert!(
            lines[4].ends_with("out 300 (reasoning 200)"),
            "{}",
            lines[4]
        );
        // A server that refused the field: the effort is not sent.
        s.left_out(&["include", "reasoning"]);
        let lines = s.lines("id", Path::new("/s"), &[]);
        assert_eq!(
            lines[2],
            "model    gpt-5.1 · openai · reasoning effort high (refused by the server, not sent)"
        );
        s.left_out(&["stream_options"]);
        assert!(s.lines("id", Path::new("/s"), &[])[2].ends_with("effort high"));
        s.reasoning_effort = None;
        s.total.reasoning_output_tokens = 0;
        let lines = s.lines("id", Path::new("/s"), &[]);
        assert_eq!(lines[2], "model    gpt-5.1 · openai");
        assert!(lines[4].ends_with("out 300"), "{}", lines[4]);
    }
}
