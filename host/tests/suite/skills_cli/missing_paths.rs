//! A `[skills] paths` entry that names nothing (a typo, `$HOME/…` which
//! config.toml does not expand) is said, in `skills list --all` and as a
//! session warning, not ignored; the skills of the entries that exist
//! still load.

use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

#[test]
fn a_skills_path_that_names_nothing_is_said() {
    let env = TestEnv::new("chat");
    env.write(
        "team-skills/lint/SKILL.md",
        "---\nname: lint\ndescription: Run the linters.\n---\nRun them.\n",
    );
    let paths = "skills.paths=[\"$HOME/skills\", \"team-skills\", \"tema-skills\"]";
    let list = env.run(&["skills", "list", "--all", "-c", paths]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let out = format!("{}{}", list.stdout, list.stderr);
    assert!(out.contains("lint"), "{out}");
    assert!(
        out.contains("skills.paths names $HOME/skills, which does not exist (config.toml does not expand variables")
            && out.contains("skills.paths names tema-skills, which does not exist"),
        "{out}"
    );
    assert!(!out.contains("skills.paths names team-skills"), "{out}");
    env.server.push(Reply::text("ok"));
    let run = env.run(&["exec", "-c", paths, "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("skills.paths names tema-skills").count(),
        1,
        "{}",
        run.stderr
    );
}
