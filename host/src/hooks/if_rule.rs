//! A handler's `if` (Claude Code's permission-rule syntax): `Tool` or
//! `Tool(pattern)`. The hook runs only for calls it matches. `Bash`: the
//! command, `prefix:*` for "starts with", else `*` as a wildcard, matched
//! against each simple command of the line (`ls && FOO=1 git push`). File
//! tools: the file's path as a glob (`**` across folders), relative to
//! the project folder (`//abs` absolute, `~/` the home folder); a
//! pattern without `/` also matches the file name anywhere.

use std::path::Path;

use globset::{GlobBuilder, GlobMatcher};
use regex_automata::meta::Regex;
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
    Command(Regex),
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
            Some(p) if tool == "Bash" => Pattern::Command(command_regex(p)?),
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
        let edit = |n: &str| matches!(n, "Edit" | "Write" | "MultiEdit");
        let same_tool = self.tool == claude_name
            || self.tool == quire_name
            || (edit(&self.tool) && edit(claude_name));
        if !same_tool {
            return false;
        }
        let field = |k: &str| input.get(k).and_then(Value::as_str);
        match &self.pattern {
            Pattern::Any => true,
            Pattern::Command(re) => field("command").is_some_and(|c| command_matches(re, c)),
            Pattern::Path { glob, name_only } => {
                let Some(path) = field("file_path").or_else(|| field("path")) else {
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

/// Whether `re` matches the whole of `command` or one of its simple
/// commands ([`super::subcommands`]); a command line quire cannot split
/// matches, so the hook runs.
fn command_matches(re: &Regex, command: &str) -> bool {
    let command = command.trim();
    if re.is_match(command) {
        return true;
    }
    match super::subcommands::split(command) {
        Some(parts) => parts.iter().any(|p| re.is_match(p)),
        None => true,
    }
}

/// `prefix:*` is "starts with prefix"; elsewhere `*` matches anything.
fn command_regex(p: &str) -> Result<Regex, String> {
    let (body, open_end) = match p.strip_suffix(":*") {
        Some(prefix) => (prefix, true),
        None => (p, false),
    };
    let mut re = String::from("^");
    for (i, part) in body.split('*').enumerate() {
        if i > 0 {
            re.push_str(".*");
        }
        re.push_str(&escape(part));
    }
    // `git push:*` is `git push` alone or followed by arguments.
    re.push_str(if open_end { "(?:\\s.*)?$" } else { "$" });
    Regex::new(&re).map_err(|e| e.to_string())
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
