//! The skills an agent definition names (`skills:`), matched against the
//! skills discovered. A plugin's skills load as `PLUGIN:name`, but the
//! plugin's own agents name them bare, as written for Claude Code: a bare
//! name of a plugin's agent is that plugin's skill first, else the skill
//! of that exact name.

/// `names` as an agent of `plugin` means them: each bare name `x` becomes
/// `PLUGIN:x` followed by `x` (see [`pick`]); names outside a plugin, and
/// names with a `:`, stay as they are.
pub fn expand(names: &[String], plugin: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for n in names {
        if let Some(p) = plugin.filter(|_| !n.contains(':')) {
            out.push(format!("{p}:{n}"));
        }
        out.push(n.clone());
    }
    out
}

/// Whether the skill `name` (one of `available`) is one of the `wanted`
/// (from [`expand`]): a bare skill is passed over when a wanted
/// `PLUGIN:name` of the same name exists (the plugin's own wins).
pub fn pick(wanted: &[String], available: &[&str], name: &str) -> bool {
    if !wanted.iter().any(|w| w == name) {
        return false;
    }
    name.contains(':')
        || !wanted.iter().any(|w| {
            w.split_once(':').is_some_and(|(_, bare)| bare == name)
                && available.contains(&w.as_str())
        })
}

/// The names of `names` (an agent of `plugin`) that match no skill of
/// `available`.
pub fn unmatched(names: &[String], plugin: Option<&str>, available: &[&str]) -> Vec<String> {
    names
        .iter()
        .filter(|n| {
            !expand(std::slice::from_ref(*n), plugin)
                .iter()
                .any(|w| available.contains(&w.as_str()))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_plugin_agents_bare_names_are_its_plugins_skills_first() {
        let wanted = expand(&s(&["runtime", "other:x", "solo"]), Some("codex"));
        assert_eq!(
            wanted,
            s(&["codex:runtime", "runtime", "other:x", "codex:solo", "solo"])
        );
        let available = ["codex:runtime", "runtime", "other:x", "solo", "codex:more"];
        let kept: Vec<&str> = available
            .iter()
            .copied()
            .filter(|n| pick(&wanted, &available, n))
            .collect();
        // The plugin's `runtime` wins over a bare one; `solo` has no
        // plugin skill, so the bare one is it.
        assert_eq!(kept, ["codex:runtime", "other:x", "solo"]);
        assert_eq!(
            unmatched(
                &s(&["runtime", "gone", "other:gone"]),
                Some("codex"),
                &available
            ),
            s(&["gone", "other:gone"])
        );
    }

    #[test]
    fn outside_a_plugin_names_match_exactly() {
        let wanted = expand(&s(&["runtime"]), None);
        assert_eq!(wanted, s(&["runtime"]));
        let available = ["codex:runtime"];
        assert!(!pick(&wanted, &available, "codex:runtime"));
        assert_eq!(unmatched(&wanted, None, &available), s(&["runtime"]));
    }
}
