//! The names the model sees for MCP tools: `mcp__SERVER__TOOL`, named by
//! [`crate::tools::naming`] (sanitised, at most 64 characters, cut names
//! end in a short hash of the original), and unique across all servers.
//! The original name is kept for calling.

use std::collections::HashMap;

pub use crate::tools::naming::{MAX_NAME, sanitize};
use crate::tools::naming::{qualified, with_hash};

/// The exposed name of `tool` on `server`, before collisions are resolved.
pub fn exposed_name(server: &str, tool: &str) -> String {
    qualified(&["mcp", server, tool])
}

/// Assigns exposed names, keeping each (server, tool) pair's name stable for
/// the session and never giving two pairs the same name.
#[derive(Debug, Default)]
pub struct NameTable {
    by_pair: HashMap<(String, String), String>,
    taken: HashMap<String, (String, String)>,
}

impl NameTable {
    pub fn new() -> Self {
        NameTable::default()
    }

    /// The name of `tool` on `server`: the same as before if it had one;
    /// on a clash the later pair gets a hash suffix.
    pub fn assign(&mut self, server: &str, tool: &str) -> String {
        let pair = (server.to_string(), tool.to_string());
        if let Some(n) = self.by_pair.get(&pair) {
            return n.clone();
        }
        let mut name = exposed_name(server, tool);
        let mut salt = 0;
        while self.taken.contains_key(&name) {
            salt += 1;
            let base = format!("mcp__{}__{}", sanitize(server), sanitize(tool));
            name = with_hash(&base, &format!("mcp\0{server}\0{tool}\0{salt}"));
        }
        self.taken.insert(name.clone(), pair.clone());
        self.by_pair.insert(pair, name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_prefixed_and_sanitised() {
        assert_eq!(
            exposed_name("github", "create_issue"),
            "mcp__github__create_issue"
        );
        assert_eq!(exposed_name("my.srv", "a b/c"), "mcp__my_srv__a_b_c");
        assert_eq!(exposed_name("s", "get-sum"), "mcp__s__get-sum");
        assert_eq!(exposed_name("s", "naïve"), "mcp__s__na_ve");
    }

    #[test]
    fn long_names_are_cut_with_a_hash() {
        let long = "x".repeat(100);
        let a = exposed_name("srv", &long);
        assert_eq!(a.len(), MAX_NAME);
        assert!(a.starts_with("mcp__srv__xxx"));
        let b = exposed_name("srv", &format!("{long}y"));
        assert_eq!(b.len(), MAX_NAME);
        assert_ne!(a, b, "different originals get different hashes");
        assert_eq!(a, exposed_name("srv", &long), "stable");
        let ok = format!("mcp__srv__{}", "z".repeat(MAX_NAME - 10));
        assert_eq!(exposed_name("srv", &"z".repeat(MAX_NAME - 10)), ok);
    }

    #[test]
    fn collisions_are_resolved_and_names_stay_stable() {
        let mut t = NameTable::new();
        let a = t.assign("s", "a.b");
        let b = t.assign("s", "a_b");
        assert_eq!(a, "mcp__s__a_b");
        assert_ne!(a, b);
        assert!(b.starts_with("mcp__s__a_b_") && b.len() <= MAX_NAME, "{b}");
        assert_eq!(t.assign("s", "a_b"), b);
        assert_eq!(t.assign("s", "a.b"), a);
        let c = t.assign("x.y", "t");
        let d = t.assign("x_y", "t");
        assert_ne!(c, d);
        for n in [&a, &b, &c, &d] {
            assert!(
                n.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
            );
        }
    }
}
