//! Tests of the `plan` module.

use super::*;
use crate::skills::select::testing::skill;

/// The plan for `message` alone (no previous message, nothing active),
/// with the default settings.
fn pick(s: &[Skill], index: &Index, message: &str) -> Plan {
    plan(
        s,
        index,
        &SkillsConfig::default(),
        message,
        None,
        &HashSet::new(),
    )
}

fn skills() -> Vec<Skill> {
    vec![
        skill("pdf-forms", "Fill in and flatten PDF forms."),
        skill("docker-compose", "Write and debug docker compose files."),
        skill("release-notes", "Draft release notes from the git log."),
        skill("usr", "A skill named like a system folder."),
    ]
}

#[test]
fn mentions_are_whole_words_and_not_paths() {
    let s = skills();
    assert_eq!(mentions("use $pdf-forms now", &s), vec![0]);
    assert_eq!(mentions("/release-notes: draft them", &s), vec![2]);
    assert_eq!(
        mentions("(see $docker-compose.) and $pdf-forms", &s),
        vec![1, 0]
    );
    assert!(mentions("$USR and $Pdf-forms", &s).is_empty());
    assert!(mentions("run /usr/bin/env and a$pdf-forms", &s).is_empty());
    assert!(mentions("$unknown and $ and /", &s).is_empty());
    assert_eq!(mentions("$pdf-forms $pdf-forms", &s), vec![0]);
}

#[test]
fn explicit_mentions_activate_and_active_skills_are_skipped() {
    let s = skills();
    let (index, _) = Index::build(&s, None);
    let cfg = SkillsConfig::default();
    let p = plan(&s, &index, &cfg, "$docker-compose", None, &HashSet::new());
    assert_eq!(p.activate.len(), 1);
    assert_eq!(p.activate[0].skill, 1);
    assert_eq!(p.activate[0].reason, Reason::Explicit);
    let active: HashSet<String> = ["docker-compose".to_string()].into();
    let p = plan(&s, &index, &cfg, "$docker-compose", None, &active);
    assert!(p.activate.is_empty());
}

#[test]
fn a_clear_winner_is_activated_unless_switched_off() {
    let s = skills();
    let (index, _) = Index::build(&s, None);
    let mut cfg = SkillsConfig::default();
    let msg = "fill and flatten the pdf forms";
    let p = plan(&s, &index, &cfg, msg, None, &HashSet::new());
    assert_eq!(p.activate.len(), 1, "{p:?}");
    assert!(matches!(p.activate[0].reason, Reason::Auto { .. }));
    cfg.auto_activate = false;
    assert!(
        plan(&s, &index, &cfg, msg, None, &HashSet::new())
            .activate
            .is_empty()
    );
    // One weak match is not enough.
    cfg.auto_activate = true;
    let p = plan(&s, &index, &cfg, "pdf", None, &HashSet::new());
    assert!(p.activate.is_empty(), "{p:?}");
}

#[test]
fn words_a_skill_only_mentions_in_its_body_activate_nothing() {
    // The bundled skill-creator's body gives "fill in this PDF form" as an
    // example task; "write a pdf form filler" is not about writing skills.
    let mut creator = skill(
        "skill-creator",
        "Write and validate the frontmatter of an agent skill.",
    );
    creator.body = "Get the task in the user's words (\"fill in this PDF form\"). \
                    Describe it: \"Fills PDF forms. Use when asked to fill a PDF form.\""
        .into();
    let s = vec![
        creator,
        skill("docker-compose", "Write and debug docker compose files."),
        skill("release-notes", "Draft release notes from the git log."),
    ];
    let (index, _) = Index::build(&s, None);
    let p = pick(&s, &index, "write a pdf form filler");
    assert_eq!(p.ranked[0].skill, 0, "still ranked first: {p:?}");
    assert!(p.activate.is_empty(), "{p:?}");
    // Its own subject still activates it, when the message names it (in
    // a set this small, see `names_subject`).
    let p = pick(&s, &index, "have the skill creator check this frontmatter");
    assert_eq!(p.activate.len(), 1, "{p:?}");
    let p = pick(&s, &index, "validate this frontmatter");
    assert!(p.activate.is_empty(), "the subject unsaid: {p:?}");
}

#[test]
fn in_a_small_set_only_a_message_naming_the_subject_activates() {
    // quire's bundled skills, in short: with four skills every word of
    // one is "rare", so "message" or "config" and "timeout" made clear
    // winners of skills the message is not about.
    let s = vec![
        skill(
            "skill-creator",
            "Write and validate a skill: its message, description and frontmatter.",
        ),
        skill(
            "mcp-integration",
            "Add and configure MCP servers in config.toml: timeouts, options, env.",
        ),
        skill("code-review", "Review a change and report findings."),
        skill("plugin-author", "Write and build a WASM plugin."),
    ];
    let (index, _) = Index::build(&s, None);
    for message in ["message two", "add a config option for the timeout"] {
        let p = pick(&s, &index, message);
        assert!(p.activate.is_empty(), "{message}: {p:?}");
        assert_eq!(p.ranked.len(), 4, "all still listed: {p:?}");
    }
    let p = pick(&s, &index, "put the jira MCP server in the toml file");
    assert_eq!(p.activate.len(), 1, "{p:?}");
    assert_eq!(s[p.activate[0].skill].name, "mcp-integration");
}

#[test]
fn small_setups_rank_every_skill_and_hidden_ones_never() {
    let mut s = skills();
    s[3].disable_model_invocation = true;
    let (index, _) = Index::build(&s, None);
    let cfg = SkillsConfig::default();
    let p = plan(&s, &index, &cfg, "hello", None, &HashSet::new());
    assert_eq!(p.ranked.len(), 3);
    assert!(p.ranked.iter().all(|r| r.skill != 3));
    let p = plan(&s, &index, &cfg, "$usr", None, &HashSet::new());
    assert_eq!(p.activate[0].skill, 3, "explicit still works");
    let cfg = SkillsConfig {
        catalog_size: 1,
        ..SkillsConfig::default()
    };
    let p = plan(
        &s,
        &index,
        &cfg,
        "draft release notes",
        None,
        &HashSet::new(),
    );
    assert_eq!(p.ranked.len(), 1, "only matching skills past K");
}

#[test]
fn budgets_defer_what_does_not_fit() {
    let mut s = skills();
    s[0].body = "x".repeat(4 * 6000);
    s[1].body = "y".repeat(4 * 3000);
    s[2].body = "z".repeat(4 * 3000);
    let (index, _) = Index::build(&s, None);
    let cfg = SkillsConfig {
        turn_body_tokens: 5000,
        ..SkillsConfig::default()
    };
    let p = plan(
        &s,
        &index,
        &cfg,
        "$pdf-forms $docker-compose $release-notes",
        None,
        &HashSet::new(),
    );
    assert_eq!(p.activate.iter().map(|a| a.skill).collect::<Vec<_>>(), [1]);
    assert_eq!(
        p.deferred.iter().map(|d| d.overflow).collect::<Vec<_>>(),
        [
            Overflow::BodyTooLarge {
                tokens: 6000,
                limit: 5000
            },
            Overflow::TurnBudget {
                tokens: 3000,
                limit: 5000
            }
        ]
    );
}

#[test]
fn a_follow_up_that_turns_to_a_new_subject_lists_that_skill_first() {
    let mut s = vec![
        skill(
            "ios-design",
            "Design iOS screens in SwiftUI following Apple's Human Interface Guidelines.",
        ),
        skill(
            "android-design",
            "Design Android screens in Jetpack Compose following Material Design.",
        ),
        skill(
            "app-stores",
            "Submit iOS and Android builds to the App Store and Google Play.",
        ),
    ];
    s.extend(skills());
    let (index, _) = Index::build(&s, None);
    let cfg = SkillsConfig::default();
    let first = |previous: &str| {
        let p = plan(
            &s,
            &index,
            &cfg,
            "and the android one?",
            Some(previous),
            &HashSet::new(),
        );
        p.ranked.first().map(|r| s[r.skill].name.clone())
    };
    // The iOS design skill says nothing of Android: the new subject wins.
    assert_eq!(
        first("design the settings screen in SwiftUI with Apple's guidelines").as_deref(),
        Some("android-design")
    );
    // The store skill covers Android too: it stays first.
    assert_eq!(
        first("submit the app to the App Store and Google Play").as_deref(),
        Some("app-stores")
    );
}

#[test]
fn the_skill_holding_most_of_the_message_ranks_above_one_heavy_word() {
    // Without coverage umap-learn comes first: "umap" in its name (boosted
    // as a name the message covers) and all over its description
    // outweighs the three other words scanpy holds.
    let mut s = vec![
        skill(
            "umap-learn",
            "UMAP: UMAP embeddings, UMAP parameters, plotting a UMAP.",
        ),
        skill(
            "scanpy",
            "Single-cell analysis of data files: clusters, marker genes, umap.",
        ),
    ];
    // Other skills share scanpy's words, so each of them weighs less.
    for (i, words) in ["data files", "clusters of points", "genes and variants"]
        .iter()
        .cycle()
        .take(15)
        .enumerate()
    {
        s.push(skill(&format!("other-{i}"), &format!("Work with {words}.")));
    }
    let (index, _) = Index::build(&s, None);
    let message = "data files from the sequencer: genes and a umap";
    let query = index.query(message, None);
    let mut raw = index.scores(&query);
    super::super::specific::boost_names(
        &index,
        &query,
        &mut raw,
        super::super::specific::SKILL_NAME_BOOST,
        |i| s[i].name.as_str(),
    );
    assert!(raw[0] > raw[1], "score without coverage: {raw:?}");
    let share = index.coverage(&query);
    assert!(share[1] > 0.99 && share[0] < share[1], "{share:?}");
    let p = plan(
        &s,
        &index,
        &SkillsConfig::default(),
        message,
        None,
        &HashSet::new(),
    );
    assert_eq!(p.ranked[0].skill, 1, "{:?}", p.ranked);
    // Coverage orders; it does not make a skill active on its own.
    assert!(p.activate.iter().all(|a| a.skill != 1), "{:?}", p.activate);
}

#[test]
fn counts_and_places_are_no_evidence() {
    // A set larger than one catalog (so the subject rule is not what
    // stops it); the skill says "message" where it says what it is for
    // and "two" often in its body.
    let mut creator = skill(
        "skill-creator",
        "Write a skill and check which skill is picked for a message.",
    );
    creator.body = "Give two or three examples. Write two sentences. Two skills may share a name; \
                    keep two copies apart."
        .into();
    let mut s = vec![creator];
    for (name, what) in [
        ("pdf-forms", "Fill in and flatten PDF forms."),
        ("docker-compose", "Write and debug docker compose files."),
        ("release-notes", "Draft release notes from the git log."),
        ("sql-tuning", "Speed up slow SQL queries with indexes."),
        ("k8s-deploy", "Deploy services to Kubernetes clusters."),
        ("css-layout", "Fix flexbox and grid layouts."),
        ("py-typing", "Add type hints to Python code."),
        ("rust-errors", "Design error types for Rust libraries."),
        (
            "terraform",
            "Write Terraform modules for cloud infrastructure.",
        ),
    ] {
        s.push(skill(name, what));
    }
    let (index, _) = Index::build(&s, None);
    let p = pick(&s, &index, "message two");
    assert_eq!(p.ranked[0].skill, 0, "still ranked first: {p:?}");
    assert!(p.activate.is_empty(), "{p:?}");
}

#[test]
fn in_a_set_of_a_few_dozen_common_words_are_no_evidence() {
    let mut s = vec![skill(
        "code-review",
        "Review a change (a diff, a branch, a commit) and report findings.",
    )];
    for i in 0..20 {
        s.push(skill(
            &format!("tool-{i}"),
            "Draw charts of telescope readings.",
        ));
    }
    let (index, _) = Index::build(&s, None);
    let p = pick(&s, &index, "make a new branch and commit this");
    assert_eq!(p.ranked[0].skill, 0, "still ranked first: {p:?}");
    assert!(p.activate.is_empty(), "{p:?}");
    // A common word that names the skill still counts: "branch" for
    // branch-pruner.
    s.push(skill("branch-pruner", "Prune stale branches after merges."));
    let (index, _) = Index::build(&s, None);
    let p = pick(&s, &index, "prune the branches");
    assert_eq!(p.activate.len(), 1, "{p:?}");
    assert_eq!(s[p.activate[0].skill].name, "branch-pruner");
}
