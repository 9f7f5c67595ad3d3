//! One command file: optional `---` frontmatter, then the Markdown body.
//! Frontmatter is read leniently (the YAML reader of skills, then its
//! line-based fallback), because `argument-hint: [pr] [priority]` is what
//! people write and is not valid YAML.

use std::path::Path;

use super::{CommandError, CommandSource, SlashCommand};
use crate::skills::parse::{split_frontmatter, yaml_guard};
use crate::skills::yaml::{self, Mapping, Value};

/// The frontmatter keys a command may have (Claude Code's; Codex
/// prompts use `description` and `argument-hint`;
/// `hide-from-slash-command-tool` is in Anthropic's own plugins: it
/// keeps the command from Claude's SlashCommand tool, which quire does not
/// have, so it is accepted and has no effect).
const KNOWN_KEYS: [&str; 7] = [
    "description",
    "argument-hint",
    "allowed-tools",
    "model",
    "disable-model-invocation",
    "name",
    "hide-from-slash-command-tool",
];

/// Command files larger than this are refused.
pub const MAX_COMMAND_BYTES: u64 = 256 * 1024;

/// Reads the command `name` from `path`.
pub fn read_command(
    path: &Path,
    name: String,
    source: CommandSource,
) -> Result<SlashCommand, CommandError> {
    let invalid = |message: String| CommandError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let file = crate::file_kind::open_regular(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidInput => {
            invalid(format!("{e}; commands must be plain files — skipped"))
        }
        _ => invalid(format!("cannot read it: {e}")),
    })?;
    let meta = file
        .metadata()
        .map_err(|e| invalid(format!("cannot read it: {e}")))?;
    if meta.len() > MAX_COMMAND_BYTES {
        return Err(invalid(format!(
            "it has {} bytes, more than the {MAX_COMMAND_BYTES} a command may have; shorten it",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut &file, &mut bytes)
        .map_err(|e| invalid(format!("cannot read it: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| invalid("it is not UTF-8 text; save it as UTF-8".into()))?;
    parse_command(&text, name, path, source)
}

/// Parses the text of a command file.
pub fn parse_command(
    text: &str,
    name: String,
    path: &Path,
    source: CommandSource,
) -> Result<SlashCommand, CommandError> {
    let invalid = |message: String| CommandError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (front, body) = if text.trim_start().starts_with("---") {
        let mut warnings = Vec::new();
        let (front, body) = split_frontmatter(text, &mut warnings).map_err(|e| invalid(e.0))?;
        (Some(front), body)
    } else {
        (None, text)
    };
    let map = match front {
        Some(f) => read_front(f).map_err(invalid)?,
        None => Mapping::new(),
    };
    let string = |key: &str| -> Option<String> {
        match map.get(key) {
            Some(Value::Null) | None => None,
            Some(v @ (Value::Sequence(_) | Value::Mapping(_))) => front
                .and_then(|f| raw_value(f, key))
                .or_else(|| Some(v.text())),
            Some(v) => Some(v.text()).filter(|s| !s.trim().is_empty()),
        }
    };
    let description = string("description").unwrap_or_else(|| first_line(body));
    let allowed_tools = match map.get("allowed-tools") {
        Some(Value::Sequence(items)) => items.iter().map(|i| i.text()).collect(),
        Some(v) => super::allowed::split_list(&v.text()),
        None => Vec::new(),
    };
    let mut warnings = Vec::new();
    for (key, _) in map.iter() {
        let key = key.text();
        if !KNOWN_KEYS.contains(&key.as_str()) {
            warnings.push(format!(
                "unknown frontmatter key `{key}` ignored{}",
                crate::suggest::did_you_mean(&key, KNOWN_KEYS)
            ));
        }
    }
    // Claude Code's aliases name a Claude model, not one of the configured
    // provider: the command runs on the session's model (as agents do).
    let model = string("model").filter(|m| !crate::agents::definition::is_claude_model_alias(m));
    Ok(SlashCommand {
        name,
        description,
        argument_hint: front
            .and_then(|f| raw_value(f, "argument-hint"))
            .or_else(|| string("argument-hint")),
        allowed_tools,
        model,
        body: body.to_string(),
        path: path.to_path_buf(),
        source,
        plugin_root: None,
        plugin_data: None,
        warnings,
    })
}

fn read_front(front: &str) -> Result<Mapping, String> {
    yaml_guard(front)?;
    match yaml::from_str(front) {
        Ok(Value::Mapping(m)) => Ok(m),
        Ok(Value::Null) => Ok(Mapping::new()),
        Ok(_) => Err("the frontmatter is not a list of key: value lines".into()),
        Err(e) => lines(front).ok_or_else(|| {
            format!(
                "the frontmatter is not valid YAML ({}); write one key: value per line",
                e.in_file(2)
            )
        }),
    }
}

/// The first non-empty line of the body, as a description.
fn first_line(body: &str) -> String {
    let line = body
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .find(|l| !l.is_empty())
        .unwrap_or("");
    line.chars().take(100).collect()
}

/// The text after `key:` on its line at column 0, without surrounding
/// quotes.
fn raw_value(front: &str, key: &str) -> Option<String> {
    front.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.trim_start().strip_prefix(':')?;
        let rest = rest.trim().trim_matches(|c| c == '"' || c == '\'');
        (!rest.is_empty()).then(|| rest.to_string())
    })
}

/// `key: value` lines and `- item` lists under a key, for frontmatter that
/// is not valid YAML; `None` when a line fits neither.
fn lines(front: &str) -> Option<Mapping> {
    let mut map = Mapping::new();
    let mut list: Option<(String, Vec<Value>)> = None;
    for line in front.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let (Some(item), Some((_, items))) = (t.strip_prefix("- "), list.as_mut())
            && line.starts_with([' ', '\t', '-'])
        {
            items.push(Value::String(item.trim().to_string()));
            continue;
        }
        if let Some((k, items)) = list.take() {
            map.insert(Value::String(k), Value::Sequence(items));
        }
        let (key, value) = t.split_once(':')?;
        if line.starts_with([' ', '\t']) || key.contains(' ') {
            return None;
        }
        if let Some(items) = crate::skills::parse::flow_list(value) {
            let items = items.into_iter().map(Value::String).collect();
            map.insert(Value::String(key.to_string()), Value::Sequence(items));
            continue;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        if value.is_empty() {
            list = Some((key.to_string(), Vec::new()));
        } else {
            map.insert(
                Value::String(key.to_string()),
                Value::String(value.to_string()),
            );
        }
    }
    if let Some((k, items)) = list {
        map.insert(Value::String(k), Value::Sequence(items));
    }
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> SlashCommand {
        match parse_command(text, "c".into(), Path::new("c.md"), CommandSource::User) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn frontmatter_fields_are_read() {
        let c = parse(
            "---\ndescription: Commit the work\nargument-hint: [message] [scope]\nallowed-tools: Bash(git add:*), Bash(git status:*)\nmodel: small-model\n---\n## Context\n- Status: !`git status`\n",
        );
        assert_eq!(c.description, "Commit the work");
        assert_eq!(c.argument_hint.as_deref(), Some("[message] [scope]"));
        assert_eq!(c.allowed_tools, ["Bash(git add:*)", "Bash(git status:*)"]);
        assert_eq!(c.model.as_deref(), Some("small-model"));
        assert!(c.body.starts_with("## Context"));
    }

    #[test]
    fn claude_model_aliases_mean_the_sessions_model_and_unknown_keys_are_named() {
        let c = parse("---\nmodel: haiku\nallowed_tools: Bash(git:*)\n---\nGo\n");
        assert_eq!(c.model, None);
        assert_eq!(
            c.warnings,
            ["unknown frontmatter key `allowed_tools` ignored; did you mean 'allowed-tools'?"]
        );
        assert!(c.allowed_tools.is_empty());
        let c = parse("---\nmodel: my-model\ndisable-model-invocation: true\n---\nGo\n");
        assert_eq!(c.model.as_deref(), Some("my-model"));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn without_frontmatter_the_first_line_describes_it() {
        let c = parse("# Review the diff\n\nLook at $ARGUMENTS.\n");
        assert_eq!(c.description, "Review the diff");
        assert!(c.allowed_tools.is_empty());
        assert_eq!(c.body, "# Review the diff\n\nLook at $ARGUMENTS.\n");
    }

    #[test]
    fn an_unclosed_frontmatter_names_the_file() {
        let e = parse_command(
            "---\ndescription: x\n",
            "c".into(),
            Path::new("c.md"),
            CommandSource::User,
        );
        assert!(matches!(e, Err(CommandError::Invalid { .. })));
        let text = e
            .map(|_| ())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(text.starts_with("c.md:"), "{text}");
    }

    #[test]
    fn allowed_tools_as_a_yaml_list() {
        let c = parse("---\nallowed-tools:\n  - Bash(git diff:*)\n  - Read\n---\nbody\n");
        assert_eq!(c.allowed_tools, ["Bash(git diff:*)", "Read"]);
    }
}
