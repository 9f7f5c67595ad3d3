//! Tests of the `state` module.

use super::*;
use crate::skills::select::testing::skill;

fn state() -> SelectionState {
    SelectionState::new(SelectionOptions {
        config: SkillsConfig::default(),
        loader: Arc::new(|| {
            vec![
                skill("pdf-forms", "Fill in PDF forms."),
                skill("git-bisect", "Find a regression with git bisect."),
            ]
        }),
        cache_dir: None,
        paths: Paths::default(),
    })
}

#[test]
fn a_resumed_history_restores_active_skills_and_new_clears_them() {
    let s = state();
    s.sync_history(&[
        Item::User {
            typed: None,
            text: "$pdf-forms go".into(),
        },
        Item::SkillActivation {
            name: "pdf-forms".into(),
            body: "BODY".into(),
        },
        Item::ToolCall {
            call_id: "c1".into(),
            name: "skill".into(),
            arguments: r#"{"action":"activate","name":"git-bisect"}"#.into(),
        },
        Item::ToolResult {
            call_id: "c1".into(),
            output: "<skill_content …".into(),
            is_error: false,
        },
    ]);
    assert_eq!(s.active_names(), vec!["pdf-forms", "git-bisect"]);
    let items = s.begin_turn("$pdf-forms and $git-bisect");
    assert_eq!(activations(&items), 0, "{items:?}");
    assert!(
        matches!(&items[0], Item::Context { source, .. } if source == CONTEXT_SOURCE),
        "the catalog comes first: {items:?}"
    );
    let again = s.reinject();
    assert_eq!(activations(&again), 2);
    assert_eq!(again[0], items[0], "the message's catalog comes back too");
    s.sync_history(&[]);
    assert!(s.active_names().is_empty());
    assert_eq!(activations(&s.begin_turn("$pdf-forms")), 1);
}

fn activations(items: &[Item]) -> usize {
    items
        .iter()
        .filter(|i| matches!(i, Item::SkillActivation { .. }))
        .count()
}

/// Many skills, so that the catalog lists only the best few.
fn crowded() -> SelectionState {
    SelectionState::new(SelectionOptions {
        config: SkillsConfig::default(),
        loader: Arc::new(|| {
            let mut v: Vec<Skill> = (0..40)
                .map(|i| {
                    skill(
                        &format!("chore-{i}"),
                        &format!("Handles chore number {i} for the team."),
                    )
                })
                .collect();
            v.push(skill(
                "invoice-organizer",
                "Organize invoices for tax preparation.",
            ));
            v
        }),
        cache_dir: None,
        paths: Paths::default(),
    })
}

#[test]
fn a_skill_the_model_found_is_offered_for_the_next_similar_message() {
    let s = crowded();
    let message = "tidy the receipt pile from last quarter";
    s.begin_turn(message);
    let before = s.catalog_for(message).unwrap_or_default();
    assert!(!before.contains("invoice-organizer:"), "{before}");
    // The model searched and activated it itself: a miss, learned.
    s.mark_active("invoice-organizer", "text".into());
    s.learn_found("invoice-organizer");
    let next = "the receipt pile again, this quarter";
    s.sync_history(&[]);
    s.begin_turn(next);
    let after = s.catalog_for(next).unwrap_or_default();
    assert!(after.contains("- invoice-organizer:"), "{after}");
    let set = s.current();
    let plan = set.plan_learned(s.config(), next, None, &HashSet::new(), s.learned());
    assert_eq!(set.skills[plan.ranked[0].skill].name, "invoice-organizer");
    assert!(!plan.learned.is_empty());
    // Without what was learned, the same message finds nothing.
    let plain = set.plan(s.config(), next, None, &HashSet::new());
    assert!(
        plain
            .ranked
            .iter()
            .all(|r| set.skills[r.skill].name != "invoice-organizer"),
        "{plain:?}"
    );
}

#[test]
fn the_catalog_of_a_turn_is_kept_for_its_round_trips() {
    let s = state();
    s.begin_turn("$git-bisect");
    let c = s.catalog_for("$git-bisect").unwrap();
    assert!(c.contains("): git-bisect."), "{c}");
    assert_eq!(s.catalog_for(""), Some(c), "compaction sees the same");
    let other = s.catalog_for("fill the pdf form").unwrap();
    assert!(
        other.contains("- pdf-forms (described earlier in this conversation)"),
        "{other}"
    );
    assert_eq!(s.active_names(), vec!["git-bisect"], "nothing activated");
}

#[test]
fn a_later_catalog_does_not_repeat_what_the_conversation_already_says() {
    let s = state();
    // The first message activates pdf-forms; git-bisect is listed.
    let first = context_text(&s.begin_turn("fill the pdf form"));
    assert!(
        first.contains("A skill is a folder of instructions"),
        "{first}"
    );
    assert!(
        first.contains("- git-bisect: Find a regression with git bisect."),
        "{first}"
    );
    // The same offer again: no catalog, the model reads the first one.
    let second = s.begin_turn("and the other pdf form too");
    assert_eq!(context_text(&second), "", "{second:?}");
    assert_eq!(s.catalog_for(""), None, "an estimate counts no catalog");
    // Another offer (git-bisect activated): a catalog again, without the
    // header or descriptions the conversation already holds.
    let third = context_text(&s.begin_turn("$git-bisect now find the regression"));
    assert!(!third.contains("A skill is a folder"), "{third}");
    assert!(third.contains("pdf-forms, git-bisect"), "{third}");
    assert!(
        third.len() * 2 < first.len(),
        "{} then {} bytes",
        first.len(),
        third.len()
    );
    // Compaction drops the old catalogs: the last one goes back in full,
    // and the next turn, offering the same, adds nothing.
    let back = context_text(&s.reinject());
    assert!(back.contains("A skill is a folder"), "{back}");
    assert!(back.contains("pdf-forms, git-bisect"), "{back}");
    assert_eq!(context_text(&s.begin_turn("one more pdf form")), "");
    // A resumed or new conversation hears everything once again.
    s.sync_history(&[]);
    let fresh = context_text(&s.begin_turn("fill the pdf form"));
    assert!(
        fresh.contains("- git-bisect: Find a regression with git bisect."),
        "{fresh}"
    );
}

/// The text of the skills catalog among `items`.
fn context_text(items: &[Item]) -> String {
    items
        .iter()
        .find_map(|i| match i {
            Item::Context { source, text } if source == CONTEXT_SOURCE => Some(text.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

#[test]
fn a_resumed_history_keeps_what_its_catalogs_said() {
    let s = state();
    let message = "find the regression with git bisect";
    let first = s.begin_turn(message);
    let Some(Item::Context { text: said, .. }) = first.first() else {
        panic!("no catalog: {first:?}");
    };
    assert!(said.contains("A skill is a folder"), "{said}");
    let described: Vec<&str> = said.lines().filter(|l| l.starts_with("- ")).collect();
    assert!(!described.is_empty(), "{said}");
    let mut history = vec![Item::User {
        typed: None,
        text: message.into(),
    }];
    history.extend(first.iter().cloned());
    // A new process resumes the session from its history; its next
    // message offers something else (a second skill activated).
    let resumed = state();
    resumed.sync_history(&history);
    let next = resumed.begin_turn("fill the pdf form");
    let Some(Item::Context { text, .. }) = next.first() else {
        panic!("no catalog: {next:?}");
    };
    assert!(
        !text.contains("A skill is a folder"),
        "header repeated: {text}"
    );
    for line in &described {
        assert!(!text.contains(line), "{line} repeated: {text}");
    }
    // Without catalogs in the history, the first one says everything.
    let fresh = state();
    fresh.sync_history(&history[..1]);
    let items = fresh.begin_turn(message);
    assert!(
        matches!(items.first(), Some(Item::Context { text, .. }) if text.contains("A skill is a folder"))
    );
}

#[test]
fn a_resumed_history_whose_last_catalog_offers_the_same_gets_none() {
    let s = state();
    let mut history = vec![Item::User {
        typed: None,
        text: "fill the pdf form".into(),
    }];
    history.extend(s.begin_turn("fill the pdf form"));
    assert!(!context_text(&history).is_empty());
    let resumed = state();
    resumed.sync_history(&history);
    let next = resumed.begin_turn("and the other pdf form too");
    assert_eq!(context_text(&next), "", "{next:?}");
    // A new conversation hears it all again.
    resumed.sync_history(&[]);
    assert!(!context_text(&resumed.begin_turn("fill the pdf form")).is_empty());
}

#[test]
fn an_offer_is_the_same_whether_said_in_full_or_in_short() {
    let s = state();
    let full = context_text(&s.begin_turn("fill the pdf form"));
    let short = s.catalog_for("and another pdf form").unwrap_or_default();
    assert_ne!(full, short);
    assert!(short.contains("(described earlier"), "{short}");
    assert_eq!(catalog::offer_of(&full), catalog::offer_of(&short));
}

#[test]
fn when_every_skill_is_listed_their_order_is_no_new_offer() {
    let s = state();
    let first = context_text(&s.begin_turn("hello there"));
    assert!(first.contains("\nSkills:\n"), "{first}");
    let swapped = first
        .replace("- git-bisect", "- TMP")
        .replace("- pdf-forms", "- git-bisect")
        .replace("- TMP", "- pdf-forms");
    assert_eq!(catalog::offer_of(&first), catalog::offer_of(&swapped));
    let ranked = first.replace("Skills:", "Skills that fit this message, best first:");
    let ranked_swapped = swapped.replace("Skills:", "Skills that fit this message, best first:");
    assert_ne!(
        catalog::offer_of(&ranked),
        catalog::offer_of(&ranked_swapped)
    );
}
