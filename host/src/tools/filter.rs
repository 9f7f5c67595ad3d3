//! Which tools a session may register (a subagent's narrowing).

/// Which tools a session may register (by the registry's names). A name
/// ending in `*` is a prefix (`mcp__github__*`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolFilter {
    /// `None`: every tool.
    pub allow: Option<Vec<String>>,
    /// Names never registered (applied after `allow`).
    pub deny: Vec<String>,
}

impl ToolFilter {
    /// Every tool.
    pub fn all() -> ToolFilter {
        ToolFilter::default()
    }

    /// Whether a tool named `name` is allowed.
    pub fn allows(&self, name: &str) -> bool {
        let hit = |p: &String| match p.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => p == name,
        };
        if self.deny.iter().any(hit) {
            return false;
        }
        self.allow.as_ref().is_none_or(|a| a.iter().any(hit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_allows_prefixes_and_denies_first() {
        let f = ToolFilter {
            allow: Some(vec!["shell".into(), "mcp__gh__*".into()]),
            deny: vec!["mcp__gh__delete".into()],
        };
        assert!(f.allows("shell"));
        assert!(f.allows("mcp__gh__list"));
        assert!(!f.allows("mcp__gh__delete"));
        assert!(!f.allows("read_file"));
        assert!(ToolFilter::all().allows("anything"));
    }
}
