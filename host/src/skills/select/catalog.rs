//! The skills part of the context after a user message (never the system
//! prompt, which stays the same for the session): which skills are active, the
//! catalog of the skills that fit this message (name, description,
//! location), what did not fit a budget, and how many more can be found
//! with the `skill` tool. The whole part stays within
//! `skills.catalog_chars`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::plan::{Overflow, Plan};
use crate::skills::{Skill, SkillsConfig};

/// Characters of a description shown in the catalog.
pub const DESCRIPTION_CHARS: usize = 200;
/// Characters kept for the names of the next-ranked skills when more
/// match than are described: a few names reach further down the ranking
/// than one more description would (a skill ranked 6th to 15th is named
/// instead of missing from the request).
pub const NAMES_CHARS: usize = 320;
/// Skills named at most after the described ones.
pub const NAMED_MAX: usize = 12;

const HEADER: &str = "# Skills\nA skill is a folder of instructions (SKILL.md) for one kind of task. When a skill listed here fits the task, activate it with the `skill` tool (action \"activate\") before you start, then follow it; run its scripts with `shell`, `workdir` set to the skill's folder.";

/// The header once the conversation has the full one.
const SHORT_HEADER: &str = "# Skills";

/// How locations are shown: relative to the workspace, `~` for the home
/// folder, else absolute.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paths {
    pub workspace: Option<PathBuf>,
    pub home: Option<PathBuf>,
}

impl Paths {
    pub fn show(&self, p: &Path) -> String {
        if let Some(w) = &self.workspace
            && let Ok(rel) = p.strip_prefix(w)
        {
            return rel.display().to_string();
        }
        if let Some(h) = &self.home
            && let Ok(rel) = p.strip_prefix(h)
        {
            return format!("~/{}", rel.display());
        }
        p.display().to_string()
    }
}

/// The rendered catalog.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Catalog {
    pub text: String,
    /// Skills listed with their description (positions in the skills
    /// list), in order.
    pub listed: Vec<usize>,
    /// Skills named after them (the next ones of the ranking), in order.
    pub named: Vec<usize>,
    /// Skills the model may see that are neither listed nor active.
    pub more: usize,
}

/// What earlier catalogs still in the conversation already said: a later
/// catalog does not say it again (the history is resent every request, so
/// a repeated description is paid for again on every later request).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seen {
    /// The explanation of what a skill is and how to activate one.
    pub header: bool,
    /// Skills listed with their description: the description as shown
    /// ([`shown_description`]), so an edited one is shown again.
    pub described: HashMap<String, String>,
}

impl Seen {
    /// Notes what `catalog` described.
    pub fn add(&mut self, skills: &[Skill], catalog: &Catalog) {
        self.header = true;
        self.described.extend(
            catalog
                .listed
                .iter()
                .map(|&i| (skills[i].name.clone(), shown_description(&skills[i]))),
        );
    }

    /// Whether `catalog` describes a skill again because its description
    /// changed since an earlier catalog described it (the skill was
    /// edited): then it is sent even when it offers the same skills.
    pub fn edited(&self, skills: &[Skill], catalog: &Catalog) -> bool {
        catalog.listed.iter().any(|&i| {
            self.described
                .get(&skills[i].name)
                .is_some_and(|d| *d != shown_description(&skills[i]))
        })
    }
}

/// A skill's description as a catalog shows it.
pub fn shown_description(skill: &Skill) -> String {
    clip(&skill.description, DESCRIPTION_CHARS)
}

/// What follows an edited skill's line: the model has its old
/// description in the history.
const EDITED: &str = " (edited: this replaces its earlier description)";

/// Renders the catalog for `plan`. `active` names every skill active
/// after this turn's activations, in activation order. `None` when there
/// is nothing to say (no skills the model may see, none active).
pub fn render(
    skills: &[Skill],
    plan: &Plan,
    active: &[String],
    config: &SkillsConfig,
    paths: &Paths,
) -> Option<Catalog> {
    render_after(skills, plan, active, config, paths, &Seen::default())
}

/// [`render`] after earlier catalogs that said what `seen` holds: the
/// header becomes a title, and a skill described before is listed by name
/// in its place in the ranking.
pub fn render_after(
    skills: &[Skill],
    plan: &Plan,
    active: &[String],
    config: &SkillsConfig,
    paths: &Paths,
    seen: &Seen,
) -> Option<Catalog> {
    if plan.listable == 0 && active.is_empty() && plan.deferred.is_empty() {
        return None;
    }
    let mut head = if seen.header {
        SHORT_HEADER.to_string()
    } else {
        HEADER.to_string()
    };
    if !active.is_empty() {
        head.push_str(&format!(
            "\nActive skills (their instructions are in the conversation): {}.",
            active.join(", ")
        ));
    }
    let listable_active = skills
        .iter()
        .filter(|s| !s.disable_model_invocation && active.contains(&s.name))
        .count();
    let everything = plan.listable <= config.catalog_size;
    let mut entries: Vec<(usize, String)> = plan
        .deferred
        .iter()
        .map(|d| (d.skill, entry(&skills[d.skill], paths, Some(d.overflow))))
        .collect();
    let candidates: Vec<usize> = plan
        .ranked
        .iter()
        .filter(|r| !active.contains(&skills[r.skill].name))
        .filter(|r| !plan.deferred.iter().any(|d| d.skill == r.skill))
        .map(|r| r.skill)
        .collect();
    let budget = config.catalog_chars;
    // Room for names when more skills match than are described.
    let described_budget = if candidates.len() > config.catalog_size {
        budget.saturating_sub(NAMES_CHARS)
    } else {
        budget
    };
    let mut listed_ranked = 0usize;
    let deferred_listable = plan
        .deferred
        .iter()
        .filter(|d| !skills[d.skill].disable_model_invocation)
        .count();
    let more_of = |listed: usize| {
        plan.listable
            .saturating_sub(listable_active + deferred_listable + listed)
    };
    for &skill in candidates.iter().take(config.catalog_size) {
        let s = &skills[skill];
        let line = match seen.described.get(&s.name) {
            Some(d) if *d == shown_description(s) => {
                format!("- {} (described earlier in this conversation)", s.name)
            }
            Some(_) => entry(s, paths, None) + EDITED,
            None => entry(s, paths, None),
        };
        let mut trial = entries.clone();
        trial.push((skill, line));
        let text = assemble(&head, &trial, &[], more_of(listed_ranked + 1), everything);
        if text.chars().count() > described_budget {
            break;
        }
        entries = trial;
        listed_ranked += 1;
    }
    let mut named: Vec<usize> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for &skill in candidates.iter().skip(listed_ranked).take(NAMED_MAX) {
        names.push(&skills[skill].name);
        let more = more_of(listed_ranked + named.len() + 1);
        if assemble(&head, &entries, &names, more, everything)
            .chars()
            .count()
            > budget
        {
            names.pop();
            break;
        }
        named.push(skill);
    }
    let more = more_of(listed_ranked + named.len());
    let text = assemble(&head, &entries, &names, more, everything);
    Some(Catalog {
        text,
        listed: entries.iter().map(|e| e.0).collect(),
        named,
        more,
    })
}

fn assemble(
    head: &str,
    entries: &[(usize, String)],
    names: &[&str],
    more: usize,
    everything: bool,
) -> String {
    let mut s = head.to_string();
    if !entries.is_empty() {
        s.push_str(if everything && more == 0 {
            "\nSkills:"
        } else {
            "\nSkills that fit this message, best first:"
        });
        for (_, line) in entries {
            s.push('\n');
            s.push_str(line);
        }
    }
    if !names.is_empty() {
        s.push_str(&format!(
            "\nAlso near this message (names only; activate one with the `skill` tool): {}.",
            names.join(", ")
        ));
    }
    if more > 0 {
        let (n, verb) = if more == 1 {
            ("skill is", "it")
        } else {
            ("skills are", "them")
        };
        s.push_str(&format!(
            "\n{more} more {n} installed but not listed: find {verb} with the `skill` tool (action \"search\")."
        ));
    }
    s
}

/// What a rendered catalog offers, whatever earlier catalogs had said:
/// the header and each listed skill's line reduced to the skill's name.
/// Two catalogs with the same offer (the same skills listed and named, the
/// same active ones, the same count of others) give the same text.
pub fn offer_of(text: &str) -> String {
    let text = match text.strip_prefix(HEADER) {
        Some(rest) => format!("{SHORT_HEADER}{rest}"),
        None => text.to_string(),
    };
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| match l.strip_prefix("- ") {
            Some(entry) => format!("- {}", entry.split([':', ' ']).next().unwrap_or(entry)),
            None => l.to_string(),
        })
        .collect();
    // Every skill listed ("Skills:", not "best first"): their order says
    // nothing.
    if let Some(at) = lines.iter().position(|l| l == "Skills:") {
        let end = lines[at + 1..]
            .iter()
            .position(|l| !l.starts_with("- "))
            .map_or(lines.len(), |n| at + 1 + n);
        lines[at + 1..end].sort();
    }
    lines.join("\n")
}

fn entry(skill: &Skill, paths: &Paths, overflow: Option<Overflow>) -> String {
    let mut line = format!(
        "- {}: {} ({})",
        skill.name,
        shown_description(skill),
        paths.show(&skill.dir)
    );
    match overflow {
        Some(Overflow::BodyTooLarge { tokens, limit }) => line.push_str(&format!(
            " [asked for but not activated: its instructions are about {tokens} tokens, over the {limit}-token budget; read SKILL.md in parts with the `skill` tool (action \"read\")]"
        )),
        Some(Overflow::TurnBudget { limit, .. }) => line.push_str(&format!(
            " [asked for but not activated: this message's skills already use the {limit}-token budget; activate it with the `skill` tool when you get to it]"
        )),
        None => {}
    }
    line
}

/// `text` on one line, cut to `max` characters with an ellipsis.
pub fn clip(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::skills::select::index::Index;
    use crate::skills::select::plan::plan;
    use crate::skills::select::testing::skill;

    fn many(n: usize) -> Vec<Skill> {
        (0..n)
            .map(|i| {
                skill(
                    &format!("tool-{i}"),
                    &format!("Formats widgets of kind {i} for the widget pipeline, with a fairly long description that goes on about details."),
                )
            })
            .collect()
    }

    #[test]
    fn small_setups_list_everything() {
        let s = many(3);
        let (index, _) = Index::build(&s, None);
        let cfg = SkillsConfig::default();
        let p = plan(&s, &index, &cfg, "hi", None, &HashSet::new());
        let c = render(&s, &p, &[], &cfg, &Paths::default()).unwrap();
        assert_eq!(c.listed.len(), 3);
        assert_eq!(c.more, 0);
        assert!(c.text.contains("\nSkills:\n- tool-0: Formats widgets"));
        assert!(c.text.contains("(/skills/tool-0)"));
    }

    #[test]
    fn large_setups_list_k_within_the_char_budget_and_count_the_rest() {
        let s = many(500);
        let (index, _) = Index::build(&s, None);
        let cfg = SkillsConfig::default();
        let p = plan(&s, &index, &cfg, "format widgets", None, &HashSet::new());
        let c = render(&s, &p, &[], &cfg, &Paths::default()).unwrap();
        assert!(c.text.chars().count() <= cfg.catalog_chars, "{}", c.text);
        assert!(!c.listed.is_empty() && c.listed.len() <= cfg.catalog_size);
        // The next-ranked skills are named after the described ones.
        assert!(!c.named.is_empty() && c.named.len() <= NAMED_MAX);
        assert!(c.named.iter().all(|n| !c.listed.contains(n)));
        let ranked: Vec<usize> = p.ranked.iter().map(|r| r.skill).collect();
        let shown: Vec<usize> = c.listed.iter().chain(&c.named).copied().collect();
        assert_eq!(shown, ranked[..shown.len()], "best first, names after");
        for &n in &c.named {
            assert!(!c.text.contains(&format!("- {}:", s[n].name)));
            assert!(c.text.contains(&s[n].name));
        }
        assert!(c.text.contains("Also near this message (names only"));
        assert_eq!(c.more, 500 - c.listed.len() - c.named.len());
        assert!(
            c.text
                .contains(&format!("{} more skills are installed", c.more))
        );
        let nothing = plan(&s, &index, &cfg, "hello there", None, &HashSet::new());
        let c = render(&s, &nothing, &[], &cfg, &Paths::default()).unwrap();
        assert!(c.listed.is_empty());
        assert!(c.text.contains("500 more skills"));
    }

    #[test]
    fn when_few_skills_match_all_are_described_and_none_only_named() {
        let mut s = many(40);
        s.push(skill("pdf-forms", "Fill in PDF form fields."));
        let (index, _) = Index::build(&s, None);
        let cfg = SkillsConfig::default();
        let p = plan(&s, &index, &cfg, "fill the pdf form", None, &HashSet::new());
        let c = render(&s, &p, &[], &cfg, &Paths::default()).unwrap();
        assert_eq!(c.listed, vec![40]);
        assert!(c.named.is_empty());
        assert!(!c.text.contains("Also near"));
        assert_eq!(c.more, 40);
    }

    #[test]
    fn active_skills_are_named_not_listed() {
        let s = many(3);
        let (index, _) = Index::build(&s, None);
        let cfg = SkillsConfig::default();
        let p = plan(&s, &index, &cfg, "hi", None, &HashSet::new());
        let c = render(&s, &p, &["tool-1".into()], &cfg, &Paths::default()).unwrap();
        assert!(c.text.contains("in the conversation): tool-1."));
        assert_eq!(c.listed, vec![0, 2]);
    }

    #[test]
    fn paths_are_shown_short() {
        let p = Paths {
            workspace: Some("/repo".into()),
            home: Some("/home/u".into()),
        };
        assert_eq!(
            p.show(Path::new("/repo/.quire/skills/a")),
            ".quire/skills/a"
        );
        assert_eq!(
            p.show(Path::new("/home/u/.quire/skills/b")),
            "~/.quire/skills/b"
        );
        assert_eq!(p.show(Path::new("/opt/s")), "/opt/s");
        assert_eq!(clip("a  b\nc", 10), "a b c");
        assert_eq!(clip("abcdefghij", 5), "abcd…");
    }
}
