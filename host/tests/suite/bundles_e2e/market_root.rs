//! A marketplace entry whose source is the marketplace's own root (`"./"`
//! or `"."`, as anthropics/skills lists every plugin) installs that root,
//! with the entry's `skills` as the plugin's skills; a marketplace none of
//! whose entries can be installed says so.

use super::run;
use super::support::quire::TestEnv;

const CATALOG: &str = r#"{"name": "root-skills", "owner": {"name": "t"}, "plugins": [
  {"name": "doc-skills", "source": "./", "strict": false, "skills": ["./skills/alpha"]},
  {"name": "all-skills", "source": ".", "strict": false, "skills": ["./skills/alpha", "./skills/beta"]}]}"#;

/// A folder marketplace at `dir` with `catalog` and the skills alpha and
/// beta under `skills/`; its source text.
fn market(dir: &std::path::Path, catalog: &str) -> String {
    for name in ["alpha", "beta"] {
        let d = dir.join("skills").join(name);
        std::fs::create_dir_all(&d).expect("mkdir");
        std::fs::write(
            d.join("SKILL.md"),
            format!("---\nname: {name}\ndescription: The {name} skill.\n---\nBody.\n"),
        )
        .expect("skill");
    }
    std::fs::create_dir_all(dir.join(".claude-plugin")).expect("mkdir");
    std::fs::write(dir.join(".claude-plugin/marketplace.json"), catalog).expect("catalog");
    dir.canonicalize().expect("market").display().to_string()
}

#[test]
fn an_entry_sourced_at_the_marketplace_root_installs_with_its_skills() {
    let env = TestEnv::new("responses");
    let src = market(&env.home.path().join("skills-market"), CATALOG);
    let r = run(&env, &["plugins", "marketplace", "add", &src]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("leaves the marketplace"), "{}", r.stderr);
    assert!(r.stdout.contains("(2 plugin(s))"), "{}", r.stdout);

    let r = run(&env, &["plugins", "install", "doc-skills"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["plugins", "install", "all-skills"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    // The named skill folders replace `skills/`, as in Claude Code: each
    // plugin has only the skills its entry lists.
    let r = run(&env, &["skills", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (name, present) in [
        ("doc-skills:alpha", true),
        ("doc-skills:beta", false),
        ("all-skills:alpha", true),
        ("all-skills:beta", true),
    ] {
        assert_eq!(r.stdout.contains(name), present, "{name}: {}", r.stdout);
    }
    let r = run(&env, &["plugins", "validate", ".agents/plugins/doc-skills"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("1 skill,"), "{}", r.stdout);
}

#[test]
fn a_marketplace_whose_every_entry_is_refused_says_so() {
    let env = TestEnv::new("responses");
    let catalog = r#"{"name": "all-bad", "owner": {"name": "t"}, "plugins": [
      {"name": "out", "source": "../elsewhere"}, {"name": "up", "source": "./../x"}]}"#;
    let src = market(&env.home.path().join("bad-market"), catalog);
    let r = run(&env, &["plugins", "marketplace", "add", &src]);
    assert!(r.stderr.contains("leaves the marketplace"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: marketplace all-bad lists 2 plugins, and none can be installed"),
        "{}",
        r.stderr
    );
}

/// An entry whose `skills` name only folders that do not exist (a typo,
/// a renamed folder) gets none of `skills/`, and the bad name is said:
/// a one-skill plugin never turns into the whole collection.
#[test]
fn an_entry_whose_named_skills_are_all_missing_loads_none_of_the_others() {
    let env = TestEnv::new("responses");
    let catalog = r#"{"name": "typo-skills", "owner": {"name": "t"}, "plugins": [
  {"name": "typo", "source": "./", "strict": false, "skills": ["./skills/alpah"]}]}"#;
    let src = market(&env.home.path().join("typo-market"), catalog);
    let r = run(&env, &["plugins", "marketplace", "add", &src]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["plugins", "install", "typo"]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(said.contains("./skills/alpah"), "{said}");
    let r = run(&env, &["skills", "list"]);
    assert!(
        !r.stdout.contains("typo:alpha") && !r.stdout.contains("typo:beta"),
        "{}",
        r.stdout
    );
}
