//! `skills validate` runs quire's own load check also when the spec's
//! validator objects only to fields it does not know (Claude Code's), and
//! never says "the skill loads and works in quire" when quire skips it or
//! reads it otherwise than written.

use crate::support::skills_common::{SkillsEnv, write_skill};

#[test]
fn validate_says_what_quire_makes_of_a_skill_with_claude_code_fields() {
    let e = SkillsEnv::new();
    // A hidden character in when_to_use: quire skips the skill.
    let hidden = e.outside.join("wtu-skill");
    write_skill(
        &hidden,
        "wtu-skill",
        "Deploys the app.",
        "when_to_use: \"deploy \\u2066now\"\n",
        "# Deploy\n",
    );
    let ran = e.run(&["skills", "validate", hidden.to_str().unwrap()]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("quire does not load this skill:") && ran.stderr.contains("U+2066"),
        "{}",
        ran.stderr
    );
    assert!(
        !ran.stderr.contains("loads and works in quire"),
        "{}",
        ran.stderr
    );

    // A value the loader reads otherwise than written: said, not "works".
    let maybe = e.outside.join("disable-bad");
    write_skill(
        &maybe,
        "disable-bad",
        "Wipes prod.",
        "disable-model-invocation: maybe\n",
        "",
    );
    let ran = e.run(&["skills", "validate", "--strict", maybe.to_str().unwrap()]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("warning: quire loads this skill with a warning:")
            && ran.stderr.contains("not 'maybe'; using false"),
        "{}",
        ran.stderr
    );
    assert!(
        !ran.stderr.contains("loads and works in quire"),
        "{}",
        ran.stderr
    );

    // A Claude Code field quire reads as written: the note says it works.
    let fine = e.outside.join("gated");
    write_skill(
        &fine,
        "gated",
        "Wipes staging.",
        "disable-model-invocation: true\n",
        "",
    );
    let ran = e.run(&["skills", "validate", fine.to_str().unwrap()]);
    assert!(
        ran.stderr.contains("the skill loads and works in quire"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("warning:"), "{}", ran.stderr);
}
