//! A handler's `if` (Claude Code's permission-rule syntax): `Tool` or
//! `Tool(pattern)`. The hook runs only for calls it matches. `Bash`: the
//! command, `prefix:*` for "starts with", else `*` as a wildcard, matched
//! against each simple command of the line (`ls && FOO=1 git push`). File
//! tools: the file's path as a glob (`**` across folders), relative to
//! the project folder (`//abs` absolute, `~/` the home folder); a
//! pattern without `/` also matches the file name anywhere. A hook's
//! file rule fits the path as written or the file it reaches (links
//! resolved).

use std::path::Path;

use globset::{GlobBuilder, GlobMatcher};
use regex_automata::hybrid::dfa::DFA;
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input};
use serde_json::Value;

const FILE_TOOLS: &[&str] = &[
    "Read",
    "Edit",
    "Write",
    "MultiEdit",
    "NotebookEdit",
    "Glob",
    "Grep",
    "LS",
];

#[derive(Debug, Clone)]
enum Pattern {
    Any,
    Command(Box<CommandPattern>),
    Path { glob: GlobMatcher, name_only: bool },
}

/// A parsed `if`.
#[derive(Debug, Clone)]
pub struct IfRule {
    tool: String,
    pattern: Pattern,
}

impl IfRule {
    /// Parses `text`; the error says what quire cannot read in it.
    pub fn parse(text: &str) -> Result<IfRule, String> {
        let text = text.trim();
        let (tool, inner) = match text.split_once('(') {
            None => (text, None),
            Some((t, rest)) => {
                let inner = rest.strip_suffix(')').ok_or("it does not end with `)`")?;
                (t, Some(inner))
            }
        };
        if tool.is_empty() || !tool.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`{tool}` is not a tool name"));
        }
        let pattern = match inner.map(str::trim) {
            None | Some("*") => Pattern::Any,
            Some("") => return Err("the pattern in `( )` is empty".into()),
            Some(p) if tool == "Bash" => Pattern::Command(Box::new(CommandPattern::new(p)?)),
            Some(p) if FILE_TOOLS.contains(&tool) => path_pattern(p)?,
            Some(_) => {
                return Err(format!(
                    "quire reads patterns only for Bash and the file tools, not {tool}"
                ));
            }
        };
        Ok(IfRule {
            tool: tool.to_string(),
            pattern,
        })
    }

    /// Whether a call of `claude_name` (quire's `quire_name`) with Claude's
    /// `input` matches; relative paths are taken from `root`.
    pub fn matches(&self, claude_name: &str, quire_name: &str, input: &Value, root: &Path) -> bool {
        if !self.same_tool(claude_name, quire_name) {
            return false;
        }
        match &self.pattern {
            Pattern::Command(p) => field(input, "command").is_some_and(|c| p.matches(c)),
            _ => self.fits_path(input, root) || self.fits_real_path(input, root),
        }
    }

    /// A file rule: whether it fits the file `input` names as the kernel
    /// reaches it (links resolved, relative to the project's real path),
    /// so that a link the model made (`lnk` → `src`) does not step round
    /// `Edit(src/**)`.
    fn fits_real_path(&self, input: &Value, root: &Path) -> bool {
        if !matches!(self.pattern, Pattern::Path { .. }) {
            return false;
        }
        let reals = crate::tools::permissions::real_path::real_inputs(input, None);
        if reals.is_empty() {
            return false;
        }
        let real_root =
            crate::tools::permissions::real_path::real(root).unwrap_or_else(|| root.to_path_buf());
        reals.iter().any(|i| self.fits_path(i, &real_root))
    }

    /// The tool the rule names (`Bash`, `Read`, `mcp__x`).
    pub fn tool(&self) -> &str {
        &self.tool
    }

    fn same_tool(&self, claude_name: &str, quire_name: &str) -> bool {
        let edit = |n: &str| matches!(n, "Edit" | "Write" | "MultiEdit");
        self.tool == claude_name
            || self.tool == quire_name
            || (edit(&self.tool) && edit(claude_name))
    }

    /// A rule without a pattern, or a file rule: whether it fits `input`.
    fn fits_path(&self, input: &Value, root: &Path) -> bool {
        match &self.pattern {
            Pattern::Any => true,
            Pattern::Command(_) => false,
            Pattern::Path { glob, name_only } => {
                let Some(path) = field(input, "file_path").or_else(|| field(input, "path")) else {
                    return false;
                };
                let path = Path::new(path);
                if *name_only && path.file_name().is_some_and(|n| glob.is_match(n)) {
                    return true;
                }
                glob.is_match(path) || path.strip_prefix(root).is_ok_and(|r| glob.is_match(r))
            }
        }
    }

    /// How the rule, as a permission rule, fits a call. `every`: an
    /// `allow` rule, which must fit every simple command of a command
    /// line (`npm test && rm x` is not `Bash(npm test:*)`) and never one
    /// quire cannot split; else (`deny`, `ask`) one command is enough, and
    /// a line quire cannot split fits when its first word may begin the
    /// rule's command, else is [`Fit::Unsure`].
    pub fn fit(
        &self,
        claude_name: &str,
        quire_name: &str,
        input: &Value,
        root: &Path,
        every: bool,
    ) -> Fit {
        if !self.same_tool(claude_name, quire_name) {
            return Fit::No;
        }
        let yes = |b: bool| if b { Fit::Yes } else { Fit::No };
        let Pattern::Command(p) = &self.pattern else {
            return yes(self.fits_path(input, root));
        };
        let Some(command) = field(input, "command") else {
            return Fit::No;
        };
        let command = command.trim();
        let parts = super::subcommands::split(command);
        match (every, parts) {
            (true, Some(parts)) => {
                yes(!parts.is_empty() && parts.iter().all(|s| !s.open && p.re.is_match(&s.text)))
            }
            (true, None) => Fit::No,
            (false, Some(_)) => yes(p.matches(command)),
            (false, None) if p.re.is_match(command) => Fit::Yes,
            (false, None) => {
                let first: String = command
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !";&|()$<>`'\"\\".contains(*c))
                    .collect();
                let name = first.rsplit('/').next().unwrap_or_default();
                if !name.is_empty() && p.may_start(name) {
                    Fit::Yes
                } else {
                    Fit::Unsure
                }
            }
        }
    }
}

/// How a permission rule fits a call ([`IfRule::fit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Yes,
    No,
    /// A command line quire cannot split: it may hold the rule's command.
    Unsure,
}

fn field<'a>(input: &'a Value, key: &str) -> Option<&'a str> {
    input.get(key).and_then(Value::as_str)
}

/// The parsed `if` of `def` (a hook of `event`); the error names it.
pub fn for_hook(event: super::HookEvent, def: &super::HookDef) -> Result<Option<IfRule>, String> {
    let Some(text) = def.if_rule.as_deref() else {
        return Ok(None);
    };
    let parsed = if event.is_tool_event() {
        IfRule::parse(text)
    } else {
        Err("`if` applies only to tool events".into())
    };
    parsed
        .map(Some)
        .map_err(|e| format!("quire cannot read its `if` {text:?}: {e}"))
}

/// A `Bash(...)` pattern: the regex, and its lazy DFA to tell whether a
/// command known only in its first words may match.
#[derive(Debug, Clone)]
struct CommandPattern {
    re: Regex,
    dfa: DFA,
}

impl CommandPattern {
    fn new(p: &str) -> Result<CommandPattern, String> {
        let source = command_regex(p);
        Ok(CommandPattern {
            re: Regex::new(&source).map_err(|e| e.to_string())?,
            dfa: DFA::new(&source).map_err(|e| e.to_string())?,
        })
    }

    /// Whether the pattern matches the whole of `command` or one of its
    /// simple commands ([`super::subcommands`]); a command line quire
    /// cannot split matches, so the hook runs.
    fn matches(&self, command: &str) -> bool {
        let command = command.trim();
        if self.re.is_match(command) {
            return true;
        }
        match super::subcommands::split(command) {
            Some(parts) => parts.iter().any(|p| {
                if p.open {
                    self.may_start(&p.text)
                } else {
                    self.re.is_match(&p.text)
                }
            }),
            None => true,
        }
    }

    /// Whether a command whose text begins with the words `known`, then
    /// words quire cannot know (any words, or none), may match.
    fn may_start(&self, known: &str) -> bool {
        if known.is_empty() {
            return true;
        }
        let mut cache = self.dfa.create_cache();
        let input = Input::new(known).anchored(Anchored::Yes);
        let Ok(mut state) = self.dfa.start_state_forward(&mut cache, &input) else {
            return true;
        };
        for &b in known.as_bytes() {
            match self.dfa.next_state(&mut cache, state, b) {
                Ok(next) if next.is_dead() => return false,
                Ok(next) if !next.is_quit() => state = next,
                _ => return true,
            }
        }
        // Nothing follows, or a space and anything.
        let ends = self.dfa.next_eoi_state(&mut cache, state);
        let goes_on = self.dfa.next_state(&mut cache, state, b' ');
        ends.is_ok_and(|s| s.is_match()) || !matches!(goes_on, Ok(s) if s.is_dead())
    }
}

/// The regex of a pattern: `prefix:*` is "starts with prefix";
/// elsewhere `*` matches anything (newlines too).
fn command_regex(p: &str) -> String {
    let (body, open_end) = match p.strip_suffix(":*") {
        Some(prefix) => (prefix, true),
        None => (p, false),
    };
    let mut re = String::from("(?s)^");
    for (i, part) in body.split('*').enumerate() {
        if i > 0 {
            re.push_str(".*");
        }
        re.push_str(&escape(part));
    }
    // `git push:*` is `git push` alone or followed by arguments.
    re.push_str(if open_end { "(?:\\s.*)?$" } else { "$" });
    re
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn path_pattern(p: &str) -> Result<Pattern, String> {
    let home = std::env::var("HOME").unwrap_or_default();
    let (text, name_only) = if let Some(abs) = p.strip_prefix("//") {
        (format!("/{abs}"), false)
    } else if let Some(rest) = p.strip_prefix("~/") {
        (format!("{home}/{rest}"), false)
    } else {
        let rel = p.trim_start_matches("./").trim_start_matches('/');
        (rel.to_string(), !rel.contains('/'))
    };
    let glob = GlobBuilder::new(&text)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("`{p}` is not a glob: {e}"))?
        .compile_matcher();
    Ok(Pattern::Path { glob, name_only })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn bash(rule: &str, command: &str) -> bool {
        IfRule::parse(rule).unwrap().matches(
            "Bash",
            "shell",
            &json!({"command": command}),
            Path::new("/w"),
        )
    }

    fn edit(rule: &str, name: &str, file: &str) -> bool {
        IfRule::parse(rule).unwrap().matches(
            name,
            "apply_patch",
            &json!({"file_path": file}),
            Path::new("/w"),
        )
    }

    #[test]
    fn bash_rules_match_prefixes_and_wildcards() {
        assert!(bash("Bash(git push:*)", "git push origin main"));
        assert!(bash("Bash(git push:*)", "git push"));
        assert!(!bash("Bash(git push:*)", "git pushy"));
        assert!(!bash("Bash(git push:*)", "echo git push"));
        assert!(!bash("Bash(git push:*)", "echo 'a; git push'"));
        assert!(bash("Bash(git push:*)", "ls >/dev/null && git push x"));
        assert!(bash("Bash(git push:*)", "FOO=bar git push x"));
        assert!(bash("Bash(git push:*)", "git  push x"));
        assert!(bash("Bash(git push:*)", "true; git push x"));
        assert!(bash("Bash(git push:*)", "cat f | git push"));
        // Not split by quire: the hook runs.
        assert!(bash("Bash(git push:*)", "echo $(date)"));
        assert!(bash("Bash(git *)", "git status"));
        assert!(!bash("Bash(git *)", "gitk"));
        assert!(bash("Bash", "anything"));
        assert!(!IfRule::parse("Bash").unwrap().matches(
            "Read",
            "read_file",
            &json!({}),
            Path::new("/")
        ));
    }

    #[test]
    fn bash_rules_see_commands_as_bash_runs_them() {
        // `$'\''` is one quote: the newline ends `ls`, `rm` runs.
        assert!(bash("Bash(rm:*)", "ls $'\\'' \nrm f #'"));
        assert!(bash("Bash(rm:*)", "'rm' f"));
        assert!(bash("Bash(rm:*)", "r\\\nm f"));
        assert!(bash("Bash(rm:*)", "/bin/rm f"));
        assert!(bash("Bash(rm:*)", "ls # \\\nrm f"));
        assert!(bash("Bash(git push:*)", "git push 'a\nb'"));
        // Words quire cannot know may be the ones the rule names.
        assert!(bash("Bash(rm:*)", "${X:-rm} f"));
        assert!(bash("Bash(rm:*)", "$X f"));
        assert!(bash("Bash(rm:*)", "r? f"));
        assert!(bash("Bash(git push:*)", "git pus? x"));
        assert!(bash("Bash(git push:*)", "git $x"));
        assert!(bash("Bash(rm:*)", "rm *"));
        assert!(bash("Bash(rm -rf *)", "rm -rf $x"));
        // ... and only those.
        assert!(!bash("Bash(rm:*)", "ls *.rs"));
        assert!(!bash("Bash(git push:*)", "git pull $x"));
        assert!(!bash("Bash(git push:*)", "git pushy *"));
        assert!(!bash("Bash(rm:*)", "echo 'rm x'"));
    }

    #[test]
    fn file_rules_match_globs_relative_to_the_project() {
        assert!(edit("Edit(src/**)", "Edit", "/w/src/a/b.rs"));
        assert!(edit("Edit(src/**)", "Write", "/w/src/new.rs"));
        assert!(!edit("Edit(src/**)", "Edit", "/w/docs/a.md"));
        assert!(edit("Edit(*.env)", "Write", "/w/deep/.env"));
        assert!(edit("Write(//etc/**)", "Write", "/etc/passwd"));
        assert!(!edit("Read(src/**)", "Edit", "/w/src/a.rs"));
    }

    #[test]
    fn rules_quire_cannot_read_are_errors() {
        for bad in [
            "WebFetch(domain:x.com)",
            "Bash(git",
            "Edit()",
            "Bash git",
            "",
        ] {
            assert!(IfRule::parse(bad).is_err(), "{bad}");
        }
    }
}
