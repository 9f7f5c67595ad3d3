//! The skills a plugin's agent definitions name (`skills:`) that match
//! none of the plugin's own skills (named bare, as written for Claude
//! Code, or `PLUGIN:name`) nor a skill the user sees (their own, the
//! repository's, the bundled ones, other plugins'): warnings of `quire
//! plugins validate`, as `quire agents validate` warns of any agent's,
//! with the nearest name when there is one. Matched as a session matches
//! them (`skills::wanted`).

use super::Bundle;
use crate::agents::AgentDef;
use crate::skills::discover::{Root, scan};
use crate::skills::parse::{Origin, read_skill};
use crate::skills::{Scope, wanted};

/// The skills of `b` that load, named as a session names them
/// (`PLUGIN:name`).
pub fn own(b: &Bundle) -> Vec<String> {
    let roots: Vec<Root> = b
        .skills
        .iter()
        .filter(|d| super::paths::stays_inside(&b.root, d))
        .map(|d| Root {
            path: d.clone(),
            scope: Scope::Configured,
        })
        .collect();
    let (candidates, _) = scan(&roots);
    let mut out: Vec<String> = Vec::new();
    for c in &candidates {
        let Some(root) = roots.get(c.root) else {
            continue;
        };
        let skill = read_skill(Origin {
            dir: &c.dir,
            file: &c.file,
            root: &root.path,
            scope: root.scope,
        });
        if let Ok(s) = skill {
            let name = format!("{}:{}", b.name, s.name);
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// The skills the user sees outside the plugin, asked for once, and only
/// when an agent names a skill that is not the plugin's.
pub struct Seen<'a> {
    ask: Option<Box<dyn FnOnce() -> Vec<String> + 'a>>,
    names: Vec<String>,
}

impl<'a> Seen<'a> {
    pub fn new(ask: impl FnOnce() -> Vec<String> + 'a) -> Self {
        Seen {
            ask: Some(Box::new(ask)),
            names: Vec::new(),
        }
    }

    fn names(&mut self) -> &[String] {
        if let Some(ask) = self.ask.take() {
            self.names = ask();
        }
        &self.names
    }
}

/// The warnings on the skills `def`, an agent of the plugin `plugin`
/// whose own skills are `own`, names.
pub fn of_agent(plugin: &str, own: &[String], seen: &mut Seen, def: &AgentDef) -> Vec<String> {
    let names = def.skills.clone().unwrap_or_default();
    let own_refs: Vec<&str> = own.iter().map(String::as_str).collect();
    let missing = wanted::unmatched(&names, Some(plugin), &own_refs);
    if missing.is_empty() {
        return Vec::new();
    }
    let seen = seen.names();
    let mut available = own_refs.clone();
    available.extend(seen.iter().map(String::as_str));
    let prefix = format!("{plugin}:");
    // The plugin's own skills are suggested as its agents write them: bare.
    let candidates: Vec<&str> = own_refs
        .iter()
        .filter_map(|n| n.strip_prefix(&prefix))
        .chain(seen.iter().map(String::as_str))
        .collect();
    wanted::unmatched(&missing, Some(plugin), &available)
        .into_iter()
        .map(|n| {
            format!(
                "skills: \"{n}\" matches none of the plugin's skills nor any skill found here, so the agent runs without it{}",
                crate::suggest::did_you_mean(&n, candidates.iter().copied())
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(skills: &[&str]) -> AgentDef {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        let list: String = skills.iter().map(|s| format!("\n  - {s}")).collect();
        std::fs::write(
            &file,
            format!("---\nname: a\ndescription: d\nskills:{list}\n---\nbody\n"),
        )
        .unwrap();
        crate::agents::definition::read(&file).unwrap()
    }

    #[test]
    fn names_neither_the_plugins_nor_seen_are_warned_with_the_nearest() {
        let own = vec!["kit:lint-rules".to_string()];
        let mut asked = 0;
        let mut seen = Seen::new(|| {
            asked += 1;
            vec!["pdf".to_string()]
        });
        let def = agent(&["lint-rules", "kit:lint-rules", "pdf", "lint-rule", "gone"]);
        let notes = of_agent("kit", &own, &mut seen, &def);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("skills: \"lint-rule\" matches none"));
        assert!(
            notes[0].ends_with("did you mean 'lint-rules'?"),
            "{notes:?}"
        );
        assert!(!notes[1].contains("did you mean"), "{notes:?}");
        let _ = of_agent("kit", &own, &mut seen, &def);
        drop(seen);
        assert_eq!(asked, 1, "the skills seen are asked for once");
    }

    #[test]
    fn an_agent_naming_only_its_plugins_skills_asks_for_nothing() {
        let mut seen = Seen::new(|| panic!("not asked"));
        let def = agent(&["lint-rules"]);
        let own = vec!["kit:lint-rules".to_string()];
        assert!(of_agent("kit", &own, &mut seen, &def).is_empty());
    }
}
