//! Claude Code's permission rules (`permissions.deny`, `ask`, `allow` of
//! its settings files, read by `config::claude_settings`) applied to
//! quire's tool calls before they run, by the registry ([`gate`]).
//!
//! A rule is `Tool` or `Tool(pattern)` in Claude Code's syntax, read by
//! `hooks::if_rule` as the `if` of a hook is: `Bash(rm:*)`, `Bash(npm run
//! test *)`, `Read(./.env)`, `Edit(src/**)`, `//abs`, `~/`; a call is seen
//! under Claude's names (`hooks::tool_input`: `shell` is `Bash`, each file
//! of a patch an `Edit` or `Write`). `Read` rules also hold for `grep` and
//! `list_dir` on the path they read; `mcp__server` is every tool of that
//! server, `mcp__server__tool` one (`mcp__plugin_P_S…`, Claude Code's name
//! of a plugin's server, is quire's `mcp__P_S…`). Order: deny, then ask, then allow.
//! Deny and ask apply from every file, an untrusted repository's too (they
//! only restrict); allow only from the user's file or a trusted
//! repository's whose text is as trusted (`config::claude_seal`).

pub mod gate;
pub(crate) mod real_path;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::claude_settings::{ClaudeSettings, RuleKind};
use crate::hooks::if_rule::{Fit, IfRule};
use crate::hooks::tool_input::ToolViews;

#[derive(Debug, Clone)]
enum Matcher {
    Claude(IfRule),
    /// `mcp__server`: every tool whose name starts with `prefix`;
    /// `mcp__server__tool`: the tool named `exact`.
    Mcp {
        prefix: String,
        exact: Option<String>,
    },
}

#[derive(Debug, Clone)]
struct Rule {
    kind: RuleKind,
    text: String,
    file: PathBuf,
    matcher: Matcher,
}

/// What the rules say of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Refused: the text for the model.
    Deny(String),
    /// The user is asked first: why.
    Ask(String),
    /// Runs without the approval it would otherwise need (never outside
    /// the sandbox without asking): which rule.
    Allow(String),
    /// No rule fits.
    None,
}

/// What [`Permissions::new`] says of the rules it leaves out.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    /// Rules not used: each one a warning.
    pub unusable: Vec<String>,
    /// Rules of tools quire does not have (`WebFetch`): nothing to do.
    pub not_needed: Vec<String>,
}

/// The compiled rules of a session.
#[derive(Debug, Clone, Default)]
pub struct Permissions {
    rules: Vec<Rule>,
    /// Relative rules are taken from here (the project's root).
    root: PathBuf,
    /// The root's real path, for the real paths of calls ([`real_path`]).
    real_root: PathBuf,
}

impl Permissions {
    /// The rules of `settings`, and a note for each rule quire cannot use
    /// (an unknown tool, a pattern it cannot read, an untrusted
    /// repository's allow rules) or does not need.
    pub fn new(settings: &ClaudeSettings, cwd: &Path) -> (Permissions, Notes) {
        let mut rules = Vec::new();
        let mut notes = Notes::default();
        for file in &settings.files {
            let at = file.path.display();
            let mut unused_allow = Vec::new();
            for (kind, text) in &file.rules {
                if *kind == RuleKind::Allow && !settings.may_widen(file) {
                    unused_allow.push(text.as_str());
                    continue;
                }
                match compile(text) {
                    Ok(Some(matcher)) => rules.push(Rule {
                        kind: *kind,
                        text: text.clone(),
                        file: file.path.clone(),
                        matcher,
                    }),
                    Ok(None) => notes.not_needed.push(format!(
                        "{at}: the {} rule \"{text}\" names a Claude Code tool quire does not have; nothing it could match runs in quire",
                        kind.as_str()
                    )),
                    Err(e) => notes.unusable.push(format!(
                        "{at}: the {} rule \"{text}\" is not used: {e}",
                        kind.as_str()
                    )),
                }
            }
            if let Some(why) = settings
                .not_widening(file)
                .filter(|_| !unused_allow.is_empty())
            {
                notes.unusable.push(format!(
                    "{at}: its allow rules ({}) are not used: {why}; its deny and ask rules apply",
                    unused_allow.join(", ")
                ));
            }
        }
        let root = settings
            .project_root
            .clone()
            .unwrap_or_else(|| cwd.to_path_buf());
        let real_root = real_path::real(&root).unwrap_or_else(|| root.clone());
        (
            Permissions {
                rules,
                root,
                real_root,
            },
            notes,
        )
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// What the rules say of a call of quire's tool `name` with `args`
    /// (relative paths from `cwd`).
    pub fn check(&self, name: &str, args: &Value, cwd: &Path) -> Verdict {
        if self.rules.is_empty() {
            return Verdict::None;
        }
        let views = ToolViews::new(name, args, cwd);
        // The call's own `path` as the kernel reads it (`link/..`).
        let raw = args
            .get("path")
            .and_then(Value::as_str)
            .filter(|_| views.views.len() == 1)
            .map(|p| cwd.join(p));
        // Each view's real paths, resolved once for all the rules.
        let reals: Vec<Vec<Value>> = views
            .views
            .iter()
            .map(|v| real_path::real_inputs(&v.claude_input, raw.as_deref()))
            .collect();
        let views = (views, reals);
        let said = |r: &Rule| format!("\"{}\" in {}", r.text, r.file.display());
        let fits = |r: &Rule, every: bool| self.fit(r, name, &views, every);
        let mut unsure = None;
        for r in self.rules.iter().filter(|r| r.kind == RuleKind::Deny) {
            match fits(r, false) {
                Fit::Yes => {
                    return Verdict::Deny(format!(
                        "{name} was denied by the permission rule {}: do not try it again in another way; tell the user if the task needs it",
                        said(r)
                    ));
                }
                Fit::Unsure if unsure.is_none() => unsure = Some(r),
                _ => {}
            }
        }
        if let Some(r) = unsure {
            return Verdict::Ask(format!(
                "quire cannot tell the commands of this line apart, so cannot check it against the deny rule {}",
                said(r)
            ));
        }
        for r in self.rules.iter().filter(|r| r.kind == RuleKind::Ask) {
            if fits(r, false) != Fit::No {
                return Verdict::Ask(format!("the permission rule {} asks first", said(r)));
            }
        }
        for r in self.rules.iter().filter(|r| r.kind == RuleKind::Allow) {
            if fits(r, true) == Fit::Yes {
                return Verdict::Allow(said(r));
            }
        }
        Verdict::None
    }

    /// Whether a `Read` deny rule refuses the file at `path` (absolute),
    /// as named or as its real path (links resolved).
    pub fn denies_read(&self, path: &str) -> bool {
        let input = serde_json::json!({ "file_path": path });
        let real = real_path::real_inputs(&input, None);
        self.rules.iter().any(|r| {
            r.kind == RuleKind::Deny
                && matches!(&r.matcher, Matcher::Claude(c) if c.tool() == "Read"
                && (c.fit("Read", "read_file", &input, &self.root, false) == Fit::Yes
                    || real.iter().any(|i| {
                        c.fit("Read", "read_file", i, &self.real_root, false) == Fit::Yes
                    })))
        })
    }

    /// How `rule` fits the call: any view for deny and ask, every view
    /// (each file of a patch) for allow; a path rule, on the path as
    /// given or its real path for deny and ask, on both for allow
    /// ([`real_path`]; `reals` holds each view's real paths).
    fn fit(
        &self,
        rule: &Rule,
        name: &str,
        (views, reals): &(ToolViews, Vec<Vec<Value>>),
        every: bool,
    ) -> Fit {
        let rule_fit = |(view, real): (&crate::hooks::tool_input::ToolView, &Vec<Value>)| {
            let given = self.fit_input(rule, name, view, &view.claude_input, &self.root, every);
            real.iter().fold(given, |fit, input| {
                let other = self.fit_input(rule, name, view, input, &self.real_root, every);
                match (every, fit, other) {
                    (true, Fit::Yes, Fit::Yes) => Fit::Yes,
                    (true, _, _) => Fit::No,
                    (false, Fit::Yes, _) | (false, _, Fit::Yes) => Fit::Yes,
                    (false, fit, _) => fit,
                }
            })
        };
        let fits: Vec<Fit> = views.views.iter().zip(reals).map(rule_fit).collect();
        if every {
            if !fits.is_empty() && fits.iter().all(|f| *f == Fit::Yes) {
                Fit::Yes
            } else {
                Fit::No
            }
        } else if fits.contains(&Fit::Yes) {
            Fit::Yes
        } else if fits.contains(&Fit::Unsure) {
            Fit::Unsure
        } else {
            Fit::No
        }
    }

    /// How `rule` fits one view of the call with the Claude input `input`
    /// (relative rules from `root`).
    fn fit_input(
        &self,
        rule: &Rule,
        name: &str,
        view: &crate::hooks::tool_input::ToolView,
        input: &Value,
        root: &Path,
        every: bool,
    ) -> Fit {
        match &rule.matcher {
            Matcher::Mcp { prefix, exact } => {
                let hit = match exact {
                    Some(t) => name == t,
                    None => name.starts_with(prefix.as_str()),
                };
                if hit { Fit::Yes } else { Fit::No }
            }
            Matcher::Claude(r) => {
                let own = r.fit(&view.claude_name, name, input, root, every);
                // `Read` rules hold for the tools that read files too.
                let reads = matches!(view.claude_name.as_str(), "Grep" | "Glob" | "LS");
                if own == Fit::No && reads && r.tool() == "Read" {
                    r.fit("Read", name, input, root, every)
                } else {
                    own
                }
            }
        }
    }
}

/// One rule: `Ok(None)` for a tool quire does not have.
fn compile(text: &str) -> Result<Option<Matcher>, String> {
    let text = text.trim();
    let tool = text.split('(').next().unwrap_or_default().trim();
    if crate::hooks::claude::CLAUDE_ONLY.contains(&tool) {
        return Ok(None);
    }
    // Claude Code's name of a plugin's MCP tool is quire's name of it.
    let mapped = crate::mcp::claude_names::quire_form(tool);
    if let Some(rest) = mapped.strip_prefix("mcp__") {
        if text.contains('(') {
            return Err("MCP rules name a server or a tool, without `( )`".into());
        }
        let (server, tool) = match rest.split_once("__") {
            Some((s, "*")) => (s, None),
            Some((s, t)) => (s, Some(t.to_string())),
            None => (rest, None),
        };
        if server.is_empty() {
            return Err("no server is named after `mcp__`".into());
        }
        return Ok(Some(Matcher::Mcp {
            prefix: format!("mcp__{}__", crate::mcp::naming::sanitize(server)),
            exact: tool.map(|t| crate::mcp::naming::exposed_name(server, &t)),
        }));
    }
    let known = crate::hooks::claude::quire_name(tool).is_some()
        || crate::agents::definition::KNOWN_TOOLS.contains(&tool);
    if !known {
        return Err(format!(
            "`{tool}` is no tool of Claude Code's or quire's{}",
            crate::suggest::did_you_mean(
                tool,
                crate::hooks::claude::TOOL_MAP.iter().map(|(c, _)| *c)
            )
        ));
    }
    IfRule::parse(text).map(|r| Some(Matcher::Claude(r)))
}

#[cfg(test)]
mod tests;
