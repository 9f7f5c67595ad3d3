//! One session's selection state, shared by the skills extension (prompt
//! and activations per user message) and the `skill` tool: the current
//! skills and index (re-loaded every user message, so edits apply without
//! a restart: an edited description is described again, an active skill's
//! edited instructions are sent again, [`super::edited`]), the skills
//! active in the session (sticky, injected once, re-injected after
//! compaction) and the previous user message.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use super::SkillSet;
use super::catalog::{self, Paths};
use super::content::{INVOKED, activation_text, invoked_text};
use super::edited::{EDIT_SOURCE, edit_item, parse_edit};
use super::learn::{Kind, Learned};
use super::plan::Plan;
use super::semantic::{Semantic, rank};
use crate::protocol::Item;
use crate::skills::{Skill, SkillsConfig};

/// Where the skills come from: called once per user message (discovery).
pub type Loader = Arc<dyn Fn() -> Vec<Skill> + Send + Sync>;

/// What the selection state is built from.
#[derive(Clone)]
pub struct SelectionOptions {
    pub config: SkillsConfig,
    pub loader: Loader,
    /// The index cache folder (`$QUIRE_HOME/cache/skills-index`), if any.
    pub cache_dir: Option<PathBuf>,
    /// How skill locations are shown in the catalog.
    pub paths: Paths,
}

/// An active skill: its name and the text it was injected with.
#[derive(Debug, Clone, PartialEq)]
struct Active {
    name: String,
    text: Option<String>,
}

#[derive(Default)]
struct Inner {
    set: Arc<SkillSet>,
    loaded: bool,
    active: Vec<Active>,
    previous: Option<String>,
    /// The last user message and the catalog rendered for it.
    turn: Option<(String, Option<String>)>,
    /// Skills this turn offered (activated or listed), and those the model
    /// found itself.
    offered: Vec<String>,
    /// What the catalogs in the conversation have said so far.
    seen: catalog::Seen,
    /// The last turn's catalog in full (as if nothing had been said
    /// before), for the history that replaces the old one at compaction.
    full: Option<String>,
    /// What the last catalog in the conversation offered
    /// ([`catalog::offer_of`]): a turn that would offer the same adds no
    /// catalog (the model reads that one in the history).
    last_offer: Option<String>,
    /// The skill the user called with arguments for the next message, and
    /// its instructions filled in.
    invoked: Option<(String, String)>,
}

/// See the module docs.
pub struct SelectionState {
    opts: SelectionOptions,
    inner: Mutex<Inner>,
    learned: Arc<Learned>,
    /// Semantic scoring, when `[selection] embeddings` is set.
    semantic: OnceLock<Arc<Semantic>>,
    /// Where the user is told about skills they named that were not
    /// activated, and about those the model activated.
    events: OnceLock<crate::protocol::EventSink>,
}

impl SelectionState {
    pub fn new(opts: SelectionOptions) -> SelectionState {
        let learned = match &opts.cache_dir {
            Some(dir) => Learned::beside(dir),
            None => Arc::new(Learned::in_memory()),
        };
        SelectionState {
            opts,
            inner: Mutex::new(Inner::default()),
            learned,
            semantic: OnceLock::new(),
            events: OnceLock::new(),
        }
    }

    /// Skills the user names but that are not activated are said here.
    pub fn set_events(&self, events: crate::protocol::EventSink) {
        let _ = self.events.set(events);
    }

    /// Fuses semantic scoring into each turn's ranking (see
    /// [`super::semantic`]).
    pub fn set_semantic(&self, semantic: Arc<Semantic>) {
        let _ = self.semantic.set(semantic);
    }

    /// The plan for `message`, with learned terms and, when configured,
    /// semantic scoring.
    fn plan_for(
        &self,
        set: &super::SkillSet,
        message: &str,
        previous: Option<&str>,
        active: &HashSet<String>,
    ) -> Plan {
        let mut plan =
            set.plan_learned(&self.opts.config, message, previous, active, &self.learned);
        if let Some(s) = self.semantic.get() {
            rank::rerank_skills(
                s,
                &mut plan,
                &set.skills,
                &self.opts.config,
                message,
                previous,
            );
        }
        plan
    }

    pub fn config(&self) -> &SkillsConfig {
        &self.opts.config
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Loads the skills again and re-indexes what changed.
    pub fn refresh(&self) -> Arc<SkillSet> {
        let skills = (self.opts.loader)();
        let (old, loaded) = {
            let g = self.lock();
            (g.set.clone(), g.loaded)
        };
        let cache = self.opts.cache_dir.as_deref();
        let set = Arc::new(if loaded {
            old.refreshed(skills, cache)
        } else {
            SkillSet::build(skills, cache).0
        });
        let mut g = self.lock();
        g.set = set.clone();
        g.loaded = true;
        set
    }

    /// The skills as last loaded (loading them the first time).
    pub fn current(&self) -> Arc<SkillSet> {
        let (set, loaded) = {
            let g = self.lock();
            (g.set.clone(), g.loaded)
        };
        if loaded { set } else { self.refresh() }
    }

    pub fn active_names(&self) -> Vec<String> {
        self.lock().active.iter().map(|a| a.name.clone()).collect()
    }

    pub fn is_active(&self, name: &str) -> bool {
        self.lock().active.iter().any(|a| a.name == name)
    }

    /// Records `name` as active (by the `skill` tool) and says so (a
    /// `skill_activated` event, `by` the model); `false` when it already
    /// was.
    pub fn mark_active(&self, name: &str, text: String) -> bool {
        {
            let mut g = self.lock();
            if g.active.iter().any(|a| a.name == name) {
                return false;
            }
            g.active.push(Active {
                name: name.to_string(),
                text: Some(text),
            });
        }
        if let Some(events) = self.events.get() {
            events.send(crate::protocol::Event::SkillActivated {
                name: name.to_string(),
                by: crate::protocol::ActivatedBy::Model,
            });
        }
        true
    }

    /// The user called skill `name` with arguments: the next message
    /// activates it with `instructions`, also when it is active already.
    pub fn invoked(&self, name: &str, instructions: &str) {
        self.lock().invoked = Some((name.to_string(), instructions.to_string()));
    }

    /// A new user message: reloads the skills, activates what it asks for
    /// and renders the catalog for it. Returns the items to add after the
    /// message: the catalog (an [`Item::Context`] from [`CONTEXT_SOURCE`])
    /// and the activated skills' bodies.
    pub fn begin_turn(&self, message: &str) -> Vec<Item> {
        let set = self.refresh();
        let mut g = self.lock();
        let active: HashSet<String> = g.active.iter().map(|a| a.name.clone()).collect();
        let plan = self.plan_for(&set, message, g.previous.as_deref(), &active);
        log_plan(&set, &plan);
        if let Some(events) = self.events.get() {
            for message in not_activated(&set, &plan) {
                events.send(crate::protocol::Event::Warning { message });
            }
        }
        let mut items = edited_bodies(&set, &mut g.active, self.opts.config.body_tokens);
        let mut invoked = g.invoked.take();
        for a in &plan.activate {
            let skill = &set.skills[a.skill];
            let text = activation_text(skill);
            tracing::info!(skill = %skill.name, reason = ?a.reason, "skill activated");
            g.active.push(Active {
                name: skill.name.clone(),
                text: Some(text.clone()),
            });
            // Called with arguments: sent filled in; later edits are
            // compared with the body as written.
            let body = match invoked.take_if(|(n, _)| *n == skill.name) {
                Some((_, filled)) => invoked_text(skill, &filled),
                None => text,
            };
            items.push(Item::SkillActivation {
                name: skill.name.clone(),
                body,
            });
        }
        // Active already (or not activated by the plan): the user's call
        // with arguments is sent all the same, as Claude Code does.
        if let Some((name, filled)) = invoked
            && let Some(skill) = set.get(&name)
        {
            if !g.active.iter().any(|a| a.name == name) {
                g.active.push(Active {
                    name: name.clone(),
                    text: Some(activation_text(skill)),
                });
            }
            items.push(Item::SkillActivation {
                body: invoked_text(skill, &filled),
                name,
            });
        }
        let names: Vec<String> = g.active.iter().map(|a| a.name.clone()).collect();
        let render = |seen: &catalog::Seen| self.render(&set, &plan, &names, seen);
        let catalog = render(&g.seen);
        g.full = if g.seen == catalog::Seen::default() {
            catalog.as_ref().map(|c| c.text.clone())
        } else {
            render(&catalog::Seen::default()).map(|c| c.text)
        };
        let mut offered = names.clone();
        let mut sent = None;
        if let Some(c) = catalog {
            offered.extend(c.listed.iter().map(|&i| set.skills[i].name.clone()));
            let offer = catalog::offer_of(&c.text);
            // An edited description is described again even in the same
            // offer.
            if g.last_offer.as_ref() != Some(&offer) || g.seen.edited(&set.skills, &c) {
                items.insert(0, context(&c.text));
                g.seen.add(&set.skills, &c);
                g.last_offer = Some(offer);
                sent = Some(c.text);
            }
        }
        g.offered = offered;
        g.turn = Some((message.to_string(), sent));
        g.previous = Some(message.to_string());
        items
    }

    /// The catalog for a turn started by `message`: the one prepared by
    /// [`SelectionState::begin_turn`] (also for an empty message, as used
    /// for compaction and size estimates), else one computed without
    /// activating anything.
    pub fn catalog_for(&self, message: &str) -> Option<String> {
        {
            let g = self.lock();
            if let Some((m, c)) = &g.turn
                && (m == message || message.is_empty())
            {
                return c.clone();
            }
        }
        let set = self.current();
        let g = self.lock();
        let names: Vec<String> = g.active.iter().map(|a| a.name.clone()).collect();
        let active: HashSet<String> = names.iter().cloned().collect();
        let plan = self.plan_for(&set, message, g.previous.as_deref(), &active);
        self.render(&set, &plan, &names, &g.seen).map(|c| c.text)
    }

    /// The catalog for `plan`, after what `seen` says was said before.
    fn render(
        &self,
        set: &SkillSet,
        plan: &Plan,
        active: &[String],
        seen: &catalog::Seen,
    ) -> Option<catalog::Catalog> {
        catalog::render_after(
            &set.skills,
            plan,
            active,
            &self.opts.config,
            &self.opts.paths,
            seen,
        )
    }

    /// The model activated `name` itself: when this turn's selection did
    /// not offer it, the turn's message is remembered for it (see
    /// [`super::learn`]), so a similar message offers it next time.
    pub fn learn_found(&self, name: &str) {
        let message = {
            let mut g = self.lock();
            let Some((message, _)) = &g.turn else { return };
            if message.trim().is_empty() || g.offered.iter().any(|o| o == name) {
                return;
            }
            let message = message.clone();
            g.offered.push(name.to_string());
            message
        };
        tracing::info!(skill = %name, "selector missed a skill the model found; learning the message's terms");
        self.learned.remember(Kind::Skill, name, &message);
    }

    /// The store of learned terms.
    pub fn learned(&self) -> &Arc<Learned> {
        &self.learned
    }

    /// The active skills again, for the history that replaced the old one
    /// after compaction (from the current files when the skill still
    /// exists), after the catalog of the last message.
    pub fn reinject(&self) -> Vec<Item> {
        let set = self.current();
        let mut g = self.lock();
        // The old history and what its catalogs said are gone: the last
        // catalog goes back in full.
        g.seen = catalog::Seen::default();
        if let Some(full) = g.full.clone() {
            g.seen.header = true;
            g.seen.described = described_in(&set.skills, &full);
        }
        let catalog = g.full.as_deref().map(context);
        // The texts sent now are what later edits compare with.
        let bodies: Vec<Item> = g
            .active
            .iter_mut()
            .filter_map(|a| {
                if let Some(s) = set.get(&a.name) {
                    a.text = Some(activation_text(s));
                }
                Some(Item::SkillActivation {
                    name: a.name.clone(),
                    body: a.text.clone()?,
                })
            })
            .collect();
        catalog.into_iter().chain(bodies).collect()
    }

    /// Restores the state from a session's history (on resume; empty after
    /// `/new`): skills activated by injection or by the `skill` tool, and
    /// the last user message.
    pub fn sync_history(&self, history: &[Item]) {
        let mut active: Vec<Active> = Vec::new();
        fn push(active: &mut Vec<Active>, name: &str, text: Option<String>) {
            if !active.iter().any(|a| a.name == name) {
                active.push(Active {
                    name: name.to_string(),
                    text,
                });
            }
        }
        let mut calls: Vec<(String, String)> = Vec::new();
        let mut previous = None;
        let mut catalogs: Vec<&str> = Vec::new();
        for item in history {
            match item {
                Item::User { text, .. } => previous = Some(text.clone()),
                Item::Context { source, text } if source == CONTEXT_SOURCE => catalogs.push(text),
                // Filled in for a call with arguments: the body as
                // written is the baseline for edits.
                Item::SkillActivation { name, body } if body.contains(INVOKED) => {
                    push(&mut active, name, None)
                }
                Item::SkillActivation { name, body } => push(&mut active, name, Some(body.clone())),
                // A later version of an active skill's text replaces it.
                Item::Context { source, text } if source == EDIT_SOURCE => {
                    if let Some((name, body)) = parse_edit(text)
                        && let Some(a) = active.iter_mut().find(|a| a.name == name)
                    {
                        a.text = body.map(str::to_string);
                    }
                }
                Item::ToolCall {
                    call_id,
                    name,
                    arguments,
                } if name == "skill" => {
                    let args: serde_json::Value =
                        serde_json::from_str(arguments).unwrap_or_default();
                    if args["action"] == "activate"
                        && let Some(n) = args["name"].as_str()
                    {
                        calls.push((call_id.clone(), n.to_string()));
                    }
                }
                Item::ToolResult {
                    call_id,
                    is_error: false,
                    ..
                } => {
                    if let Some((_, n)) = calls.iter().find(|(c, _)| c == call_id) {
                        push(&mut active, n, None);
                    }
                }
                _ => {}
            }
        }
        // The skills before the lock (`current` takes it).
        let set = (!catalogs.is_empty()).then(|| self.current());
        let mut g = self.lock();
        g.active = active;
        g.previous = previous;
        g.turn = None;
        g.full = None;
        // A resumed history's last catalog is what the model read last.
        g.last_offer = catalogs.last().map(|t| catalog::offer_of(t));
        // What the history's catalogs said stays said: the model reads
        // them again with the resumed history, so the next catalog does
        // not repeat the header or a description already there.
        g.seen = catalog::Seen::default();
        if let Some(set) = set {
            g.seen.header = true;
            for text in catalogs {
                g.seen.described.extend(described_in(&set.skills, text));
            }
        }
    }
}

/// The `source` of the catalog's [`Item::Context`].
pub const CONTEXT_SOURCE: &str = "skills";

fn context(text: &str) -> Item {
    Item::Context {
        source: CONTEXT_SOURCE.to_string(),
        text: text.to_string(),
    }
}

/// The skills a rendered catalog describes (its `- NAME: description
/// (location)` lines), with the description it shows (what it says, when
/// that is not the skill's current description: it was edited since).
fn described_in(skills: &[Skill], text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("- ")?.split_once(": "))
        .filter_map(|(n, rest)| {
            let skill = skills.iter().find(|s| s.name == n)?;
            let now = catalog::shown_description(skill);
            let said = if rest.starts_with(&format!("{now} (")) {
                now
            } else {
                rest.to_string()
            };
            Some((n.to_string(), said))
        })
        .collect()
}

/// The items telling the model about active skills whose text changed on
/// disk since it was sent ([`super::edited`]); `active` is updated to the
/// new texts. A skill whose text is not known (activated by the `skill`
/// tool in a resumed session) takes the current one as its baseline.
fn edited_bodies(set: &SkillSet, active: &mut [Active], body_tokens: usize) -> Vec<Item> {
    let mut items = Vec::new();
    for a in active.iter_mut() {
        let Some(skill) = set.get(&a.name) else {
            continue;
        };
        let now = activation_text(skill);
        match &a.text {
            Some(was) if *was != now => items.push(edit_item(&a.name, &now, body_tokens)),
            Some(_) => continue,
            None => {}
        }
        a.text = Some(now);
    }
    items
}

/// What the user is told about skills they named (`$name`, `/name`) that
/// this turn does not activate.
fn not_activated(set: &SkillSet, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for d in plan
        .deferred
        .iter()
        .filter(|d| d.reason == super::plan::Reason::Explicit)
    {
        let name = &set.skills[d.skill].name;
        out.push(match d.overflow {
            super::plan::Overflow::BodyTooLarge { tokens, limit } => format!(
                "skill {name} not activated: its instructions are about {tokens} tokens, over skills.body_tokens ({limit}); the model was told to read them in parts (to activate it whole: -c skills.body_tokens={})",
                tokens.next_multiple_of(1000)
            ),
            super::plan::Overflow::TurnBudget { limit, .. } => format!(
                "skill {name} not activated yet: this message's skills already use skills.turn_body_tokens ({limit}); the model may activate it when it gets to it"
            ),
        });
    }
    for (word, i) in &plan.mistyped {
        out.push(format!(
            "no skill {}; did you mean {}?",
            crate::printable::quoted_name(word),
            set.skills[*i].handle()
        ));
    }
    for &i in &plan.not_user_invocable {
        out.push(format!(
            "skill {} not activated: it says `user-invocable: false` (only the model may use it)",
            set.skills[i].name
        ));
    }
    out
}

fn log_plan(set: &SkillSet, plan: &Plan) {
    for d in &plan.deferred {
        tracing::info!(skill = %set.skills[d.skill].name, overflow = ?d.overflow, "skill not activated: over budget");
    }
    for (word, i) in &plan.mistyped {
        tracing::info!(mention = %word, meant = %set.skills[*i].name, "mention names no skill");
    }
    for &i in &plan.not_user_invocable {
        tracing::info!(skill = %set.skills[i].name, "mention ignored: the skill is not user-invocable");
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
