//! Review skills reach every pass when they fit the change: the bundled
//! `code-review` always, a team's `sql-rules` when the diff touches SQL,
//! a `css-rules` skill not when it does not.

use serde_json::json;

use super::repo::*;

const SQL_SKILL: &str = "---\nname: sql-rules\ndescription: Review rules for database code. Use when a change touches SQL queries (SELECT, INSERT, UPDATE, DELETE) or the database layer.\n---\n\nSQL_RULES_BODY: every SQL query goes through the query builder; flag SQL built from strings.\n";
const CSS_SKILL: &str = "---\nname: css-rules\ndescription: Review rules for stylesheets. Use when a change touches CSS, colours or layout.\n---\n\nCSS_RULES_BODY: colours come from the theme variables.\n";

#[test]
fn fitting_review_skills_reach_triage_deep_and_merge() {
    let env = repo_with(&[
        ("src/db.rs", "pub fn find() {}\n"),
        (".agents/skills/sql-rules/SKILL.md", SQL_SKILL),
        (".agents/skills/css-rules/SKILL.md", CSS_SKILL),
    ]);
    env.write(
        "src/db.rs",
        "pub fn find(id: &str) -> String {\n    format!(\"SELECT name FROM users WHERE id = {id}\")\n}\n",
    );
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    let one = json!([finding("src/db.rs", 2, "P1", "SQL built from a string")]);
    env.server
        .push_keyed("AREA: src/db.rs", findings(one.clone()));
    env.server.push_keyed(MERGE, findings(one));
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    for pass in [TRIAGE, DEEP, MERGE] {
        let reqs = requests_of(&env, pass);
        assert_eq!(reqs.len(), 1, "{pass}");
        let body = &reqs[0];
        assert!(
            body.contains("Review skill `code-review`"),
            "{pass}: no code-review"
        );
        assert!(body.contains("SQL_RULES_BODY"), "{pass}: no sql-rules");
        assert!(
            !body.contains("CSS_RULES_BODY"),
            "{pass}: css-rules does not fit"
        );
    }
}
