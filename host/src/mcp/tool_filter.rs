//! `enabled_tools` / `disabled_tools` entries that name no tool of their
//! server: a typo, or quire's own name (`mcp__h__echo`) where the server's
//! (`echo`) is meant, would hide every tool or none without a word, so
//! each such entry is named in a warning with what to write instead.

use super::spec::ServerSpec;

/// One line per filter entry of `spec` that matches none of `tools` (the
/// server's own names), saying what to write instead when it can tell.
pub(crate) fn unmatched(spec: &ServerSpec, tools: &[&str]) -> Vec<String> {
    let enabled = spec
        .enabled_tools
        .iter()
        .flatten()
        .map(|e| ("enabled_tools", e));
    let disabled = spec.disabled_tools.iter().map(|e| ("disabled_tools", e));
    enabled
        .chain(disabled)
        .filter(|(_, entry)| !tools.contains(&entry.as_str()))
        .map(|(key, entry)| {
            let hint = hint(entry, tools);
            format!(
                "MCP server '{}': {key} entry '{}' matches none of its tools{hint}",
                spec.name,
                crate::printable::quoted_name(entry)
            )
        })
        .collect()
}

/// What to write instead of `entry`: the server's own name when it is
/// quire's `mcp__SERVER__TOOL` form, a close name, else the names there are.
fn hint(entry: &str, tools: &[&str]) -> String {
    if let Some((_, own)) = entry.rsplit_once("__")
        && let Some(t) = tools.iter().find(|t| t.eq_ignore_ascii_case(own))
    {
        return format!(
            "; write the server's own name '{t}' (quire's mcp__SERVER__TOOL names do not match)"
        );
    }
    if let Some(t) = crate::suggest::closest(entry, tools.iter().copied(), 2) {
        return format!("; did you mean '{t}'?");
    }
    const SHOWN: usize = 10;
    let mut names: Vec<&str> = tools.iter().copied().take(SHOWN).collect();
    if tools.len() > SHOWN {
        names.push("…");
    }
    if names.is_empty() {
        "; it lists no tools".into()
    } else {
        format!("; its tools: {}", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::{McpServerConfig, Source};

    #[test]
    fn entries_naming_no_tool_are_named_with_what_to_write() {
        let c = McpServerConfig::stdio("srv", Vec::new());
        let mut spec = ServerSpec::new("h", Source::Config, &c, std::path::Path::new("/w"));
        spec.enabled_tools = Some(vec!["mcp__h__echo".into(), "ech".into(), "add".into()]);
        spec.disabled_tools = vec!["nosuch".into()];
        let got = unmatched(&spec, &["echo", "add"]);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(
            got[0].contains("enabled_tools entry 'mcp__h__echo'")
                && got[0].contains("own name 'echo'"),
            "{}",
            got[0]
        );
        assert!(got[1].contains("did you mean 'echo'?"), "{}", got[1]);
        assert!(
            got[2].contains("disabled_tools entry 'nosuch'")
                && got[2].contains("its tools: echo, add"),
            "{}",
            got[2]
        );
    }
}
