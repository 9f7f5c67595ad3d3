//! Identical hooks run once, as in Claude Code ("Multiple identical hook
//! commands are deduplicated automatically"): the same command (an HTTP
//! hook: the same URL) found for one event and call several times — in
//! the repository's and the user's settings, or in one file under two
//! matchers that both fit — runs once with the same input. The first
//! occurrence's settings are kept, with the longest timeout of them all,
//! so none is cut shorter than it was written.

use std::borrow::Cow;
use std::path::Path;

use serde_json::{Map, Value};

use super::{Hook, HookKind};

/// What makes two runs of hooks the same run: the program (a command
/// line and the plugin folder it gets, or a URL) and the input.
fn key(hook: &Hook) -> Option<(HookKind, &str, Option<&Path>)> {
    // A changed guard approved before runs nothing: it blocks on its own.
    if hook.approved_before {
        return None;
    }
    match hook.def.kind {
        HookKind::Command => Some((
            HookKind::Command,
            hook.def.command.as_deref()?,
            hook.plugin_root.as_deref(),
        )),
        HookKind::Http => Some((HookKind::Http, hook.def.url.as_deref()?, None)),
        HookKind::Wasm => None,
    }
}

/// `jobs` (hooks with their input, in the order they are configured)
/// with each identical one after the first left out.
pub fn runs_once<'a>(
    jobs: Vec<(&'a Hook, Map<String, Value>)>,
) -> Vec<(Cow<'a, Hook>, Map<String, Value>)> {
    let mut out: Vec<(Cow<'a, Hook>, Map<String, Value>)> = Vec::with_capacity(jobs.len());
    for (hook, input) in jobs {
        let Some(k) = key(hook) else {
            out.push((Cow::Borrowed(hook), input));
            continue;
        };
        let same = out
            .iter_mut()
            .find(|(h, i)| key(h) == Some(k) && *i == input);
        match same {
            Some((first, _)) => {
                if hook.def.timeout() > first.def.timeout() {
                    first.to_mut().def.timeout_sec = Some(hook.def.timeout().as_secs());
                }
            }
            None => out.push((Cow::Borrowed(hook), input)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(command: &str, timeout_sec: Option<u64>) -> Hook {
        Hook {
            event: super::super::HookEvent::PreToolUse,
            def: super::super::HookDef {
                matcher: None,
                kind: HookKind::Command,
                command: Some(command.into()),
                url: None,
                headers: Default::default(),
                allowed_env_vars: Vec::new(),
                timeout_sec,
                plugin: None,
                name: None,
                if_rule: None,
                background: false,
            },
            matcher: None,
            claude_matcher: None,
            source: "config.toml".into(),
            scope: super::super::HookScope::User,
            claude: false,
            plugin_root: None,
            root_alias: None,
            plugin_data: None,
            condition: None,
            hash: String::new(),
            trust: super::super::config::TrustState::User,
            pinned: None,
            approved_before: false,
        }
    }

    fn input(tool: &str) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("tool_name".into(), tool.into());
        m
    }

    #[test]
    fn an_identical_command_with_the_same_input_runs_once_with_the_longest_timeout() {
        let (a, b, c) = (
            hook("log.sh", Some(5)),
            hook("log.sh", Some(30)),
            hook("other.sh", None),
        );
        let jobs = vec![
            (&a, input("shell")),
            (&c, input("shell")),
            (&b, input("shell")),
            (&b, input("read_file")),
        ];
        let out = runs_once(jobs);
        let runs: Vec<(&str, u64)> = out
            .iter()
            .map(|(h, _)| {
                (
                    h.def.command.as_deref().unwrap_or(""),
                    h.def.timeout().as_secs(),
                )
            })
            .collect();
        assert_eq!(runs, vec![("log.sh", 30), ("other.sh", 60), ("log.sh", 30)]);
        assert_eq!(out[2].1, input("read_file"));
    }
}
