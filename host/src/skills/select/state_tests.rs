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
    assert!(other.contains("- pdf-forms: Fill in PDF forms."), "{other}");
    assert_eq!(s.active_names(), vec!["git-bisect"], "nothing activated");
}
