//! `quire skills list|show|new|validate|to-prompt`, run as the real binary
//! in a temporary repository with its own `QUIRE_HOME` and `HOME`.
use crate::support::skills_common;

mod big_files;
mod hostile_names;
mod loads_as_written;
mod missing_paths;
mod non_utf8_folders;
mod not_activated;

use std::path::Path;

use serde_json::Value;
use skills_common::{SkillsEnv, write_skill};

fn by_name<'a>(lines: &'a [Value], name: &str, status: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|v| v["name"] == name && v["status"] == status)
        .collect()
}

fn file_of(v: &Value) -> &str {
    v["file"].as_str().unwrap_or("")
}

fn p(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn precedence_and_shadowing_across_every_root() {
    let e = SkillsEnv::new();
    let r = &e.repo;
    // Project: the deeper folder wins over the repository root; in one
    // folder .quire > .agents > .claude > .codex.
    write_skill(
        &r.join(".quire/skills/deploy"),
        "deploy",
        "repo quire",
        "",
        "",
    );
    write_skill(
        &r.join(".agents/skills/deploy"),
        "deploy",
        "repo agents",
        "",
        "",
    );
    write_skill(
        &r.join("svc/.codex/skills/deploy"),
        "deploy",
        "svc codex",
        "",
        "",
    );
    write_skill(
        &r.join("svc/.claude/skills/lint"),
        "lint",
        "svc claude",
        "",
        "",
    );
    write_skill(
        &r.join("svc/.codex/skills/lint"),
        "lint",
        "svc codex",
        "",
        "",
    );
    // User: $QUIRE_HOME/skills over ~/.agents/skills; project over user.
    write_skill(&e.home.join("skills/notes"), "notes", "quire home", "", "");
    write_skill(
        &e.user.join(".agents/skills/notes"),
        "notes",
        "agents home",
        "",
        "",
    );
    write_skill(
        &e.user.join(".agents/skills/lint"),
        "lint",
        "agents home",
        "",
        "",
    );
    // Configured over bundled.
    let extra = e.outside.join("team-skills");
    write_skill(
        &extra.join("code-review"),
        "code-review",
        "team review",
        "",
        "",
    );
    write_skill(&extra.join("notes"), "notes", "team notes", "", "");
    std::fs::create_dir_all(r.join("svc/api")).unwrap();

    let paths = format!("skills.paths=[{:?}]", p(&extra));
    let ran = e.run_in(
        "svc/api",
        &["skills", "list", "--all", "--json", "-c", &paths],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let lines = ran.json_lines();
    let win = |name: &str| {
        by_name(&lines, name, "active")[0]["description"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(win("deploy"), "svc codex");
    assert_eq!(win("lint"), "svc claude");
    assert_eq!(win("notes"), "quire home");
    assert_eq!(win("code-review"), "team review");
    let deploy_winner = file_of(by_name(&lines, "deploy", "active")[0]).to_string();
    let losers = by_name(&lines, "deploy", "shadowed");
    let loser_descriptions: Vec<&str> = losers
        .iter()
        .map(|v| v["description"].as_str().unwrap())
        .collect();
    assert_eq!(loser_descriptions, ["repo quire", "repo agents"]);
    assert!(
        losers
            .iter()
            .all(|v| v["shadowed_by"] == deploy_winner.as_str())
    );
    let notes: Vec<&str> = by_name(&lines, "notes", "shadowed")
        .iter()
        .map(|v| v["description"].as_str().unwrap())
        .collect();
    assert_eq!(notes, ["agents home", "team notes"]);
    let bundled_review = by_name(&lines, "code-review", "shadowed");
    assert_eq!(bundled_review.len(), 1);
    assert_eq!(bundled_review[0]["scope"], "bundled");
    assert_eq!(
        by_name(&lines, "code-review", "active")[0]["scope"],
        "configured"
    );

    // The human view names the shadowed copies and what shadows them.
    let ran = e.run_in("svc/api", &["skills", "list", "--all", "-c", &paths]);
    assert!(
        ran.stdout
            .contains("Shadowed (a skill of the same name wins):"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains(&format!("shadowed by {deploy_winner}")));
    // Without --all, a note says there is more.
    let ran = e.run_in("svc/api", &["skills", "list", "-c", &paths]);
    assert!(
        ran.stderr
            .contains("shadowed; `quire skills list --all` shows why"),
        "{}",
        ran.stderr
    );

    // show: origin, shadowed copies, files.
    std::fs::create_dir_all(r.join("svc/.codex/skills/deploy/scripts")).unwrap();
    std::fs::write(
        r.join("svc/.codex/skills/deploy/scripts/go.sh"),
        "echo go\n",
    )
    .unwrap();
    let ran = e.run_in("svc/api", &["skills", "show", "deploy"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("scope:    project"));
    assert!(ran.stdout.contains(&format!("file:     {deploy_winner}")));
    assert!(
        ran.stdout
            .contains(&p(&r.join(".quire/skills/deploy/SKILL.md")))
    );
    assert!(ran.stdout.contains("  scripts/go.sh"), "{}", ran.stdout);
    let ran = e.run_in("svc/api", &["skills", "show", "nope"]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("no skill named 'nope'"));
}

#[test]
fn symlink_loops_do_not_stop_listing() {
    let e = SkillsEnv::new();
    let root = e.repo.join(".agents/skills");
    write_skill(&root.join("ok"), "ok", "fine", "", "");
    std::os::unix::fs::symlink(&root, root.join("again")).unwrap();
    std::os::unix::fs::symlink("..", root.join("ok-parent")).unwrap();
    let ran = e.run(&["skills", "list", "--all", "--json"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let lines = ran.json_lines();
    assert_eq!(by_name(&lines, "ok", "active").len(), 1);
    let loops = lines
        .iter()
        .filter(|v| {
            v["status"] == "skipped"
                && v["reason"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("symlink loop")
        })
        .count();
    assert_eq!(loops, 2, "{lines:#?}");
}

#[test]
fn new_creates_a_skeleton_whose_placeholder_strict_validation_flags() {
    let e = SkillsEnv::new();
    std::fs::create_dir_all(e.repo.join("sub")).unwrap();
    let ran = e.run_in("sub", &["skills", "new", "release-notes"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let dir = e.repo.join(".quire/skills/release-notes");
    assert!(ran.stdout.contains(&p(&dir.join("SKILL.md"))));
    let ran = e.run(&["skills", "validate", &p(&dir)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let ran = e.run(&["skills", "validate", "--strict", &p(&dir)]);
    assert_eq!(ran.code, 1, "{}", ran.stdout);
    assert!(
        ran.stderr
            .contains("Description is still the placeholder from `quire skills new`"),
        "{}",
        ran.stderr
    );
    // Once the description is written, --strict passes.
    let file = dir.join("SKILL.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let start = text.find("description: ").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    let written = format!(
        "{}description: Writes release notes from the merged pull requests; use when the user asks for a changelog.{}",
        &text[..start],
        &text[end..]
    );
    std::fs::write(&file, written).unwrap();
    let ran = e.run(&["skills", "validate", "--strict", &p(&dir)]);
    assert_eq!(ran.code, 0, "{}", ran.stdout);
    assert_eq!(ran.stdout.trim(), format!("ok: {}", p(&dir)));

    let ran = e.run(&["skills", "new", "my-notes", "--scope", "user"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let user_dir = e.home.join("skills/my-notes");
    assert_eq!(e.run(&["skills", "validate", &p(&user_dir)]).code, 0);
    let lines = e.run(&["skills", "list", "--json"]).json_lines();
    assert_eq!(by_name(&lines, "my-notes", "active")[0]["scope"], "user");
    assert_eq!(
        by_name(&lines, "release-notes", "active")[0]["scope"],
        "project"
    );

    let ran = e.run(&["skills", "new", "release-notes"]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("already exists"));
    let ran = e.run(&["skills", "new", "Bad_Name"]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("must be lowercase"));
}

#[test]
fn validate_exit_codes_and_problem_lines() {
    let e = SkillsEnv::new();
    let good = e.outside.join("good");
    write_skill(&good, "good", "Fine.", "", "See [notes](notes.md).\n");
    std::fs::write(good.join("notes.md"), "notes\n").unwrap();
    let bad = e.outside.join("bad");
    write_skill(
        &bad,
        "Bad",
        "Uses <b> tags.",
        "model: x\n",
        "Run scripts/missing.sh\n",
    );

    let ran = e.run(&["skills", "validate", &p(&good), &p(&good.join("SKILL.md"))]);
    assert_eq!(
        (ran.code, ran.stdout.lines().count()),
        (0, 2),
        "{}",
        ran.stderr
    );

    let ran = e.run(&["skills", "validate", &p(&good), &p(&bad)]);
    assert_eq!(ran.code, 1);
    let file = p(&bad.join("SKILL.md"));
    let (notes, problems): (Vec<&str>, Vec<&str>) = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with(&file))
        .partition(|l| l.contains(": note: "));
    assert_eq!(problems.len(), 3, "{}", ran.stderr);
    // Claude Code's own field is a problem for the spec, not for quire.
    assert_eq!(notes.len(), 1, "{}", ran.stderr);
    assert!(
        notes[0].contains("model is Claude Code's"),
        "{}",
        ran.stderr
    );
    assert!(problems[0].contains("Unexpected fields in frontmatter: model."));
    assert!(problems[1].contains("Skill name 'Bad' must be lowercase"));
    assert!(problems[2].contains("Directory name 'bad' must match skill name 'Bad'"));
    assert!(ran.stderr.contains("1 of 2 skills failed validation"));

    let ran = e.run(&["skills", "validate", "--strict", &p(&bad)]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stderr
            .contains("'scripts/missing.sh', which does not exist")
    );
    assert!(ran.stderr.contains("angle brackets"));

    // A bare SKILL.md in the current folder, and `.`.
    write_skill(&e.repo.join("here"), "here", "Here.", "", "");
    for arg in ["SKILL.md", "."] {
        let ran = e.run_in("here", &["skills", "validate", "--strict", arg]);
        assert_eq!(ran.code, 0, "{arg}: {}", ran.stderr);
    }
    let ran = e.run_in("here", &["skills", "to-prompt", "SKILL.md"]);
    assert!(
        ran.stdout.contains(&p(&e.repo.join("here/SKILL.md"))),
        "{}",
        ran.stderr
    );

    let ran = e.run(&["skills", "validate", &p(&e.outside.join("absent"))]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("Path does not exist:"));
    assert_eq!(e.run(&["skills", "validate"]).code, 2);
    assert_eq!(e.run(&["skills"]).code, 2);
    assert_eq!(e.run(&["skills", "list", "--bogus"]).code, 2);
}

#[test]
fn to_prompt_emits_the_skills_ref_block() {
    let e = SkillsEnv::new();
    let a = e.outside.join("pdf");
    write_skill(
        &a,
        "pdf",
        "\"Read <PDF> files & forms; it's quick.\"",
        "",
        "",
    );
    let b = e.outside.join("csv");
    write_skill(&b, "csv", "Tidy CSV.", "", "");
    let ran = e.run(&["skills", "to-prompt", &p(&a), &p(&b.join("SKILL.md"))]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let want = format!(
        "<available_skills>\n<skill>\n<name>\npdf\n</name>\n<description>\nRead &lt;PDF&gt; files &amp; forms; it&#x27;s quick.\n</description>\n<location>\n{}\n</location>\n</skill>\n<skill>\n<name>\ncsv\n</name>\n<description>\nTidy CSV.\n</description>\n<location>\n{}\n</location>\n</skill>\n</available_skills>\n",
        p(&a.join("SKILL.md")),
        p(&b.join("SKILL.md"))
    );
    assert_eq!(ran.stdout, want);
    let broken = e.outside.join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("SKILL.md"), "no frontmatter").unwrap();
    let ran = e.run(&["skills", "to-prompt", &p(&broken)]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("no YAML frontmatter"));
}

#[test]
fn to_prompt_takes_a_folder_of_skills_as_validate_does() {
    let e = SkillsEnv::new();
    let folder = e.outside.join("skills");
    write_skill(
        &folder.join("pdf-forms"),
        "pdf-forms",
        "Fill PDF forms.",
        "",
        "",
    );
    write_skill(&folder.join("csv-tools"), "csv-tools", "Tidy CSV.", "", "");
    let ran = e.run(&["skills", "validate", &p(&folder)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let ran = e.run(&["skills", "to-prompt", &p(&folder)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for name in ["pdf-forms", "csv-tools"] {
        let location = p(&folder.join(name).join("SKILL.md"));
        assert!(ran.stdout.contains(&location), "{name}: {}", ran.stdout);
    }
    assert_eq!(ran.stdout.matches("<skill>").count(), 2, "{}", ran.stdout);

    // A folder with no skill at all is still an error that says what to give.
    let empty = e.outside.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let ran = e.run(&["skills", "to-prompt", &p(&empty)]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("a folder of skills"), "{}", ran.stderr);
}

#[test]
fn bundled_skills_are_materialised_once_and_pass_strict_validation() {
    let e = SkillsEnv::new();
    let lines = e.run(&["skills", "list", "--json"]).json_lines();
    let bundled: Vec<&Value> = lines.iter().filter(|v| v["scope"] == "bundled").collect();
    let names: Vec<&str> = bundled
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "code-review",
            "mcp-integration",
            "plugin-author",
            "skill-creator"
        ]
    );
    let cache = e.home.join("cache/bundled-skills");
    let dirs: Vec<_> = std::fs::read_dir(&cache).unwrap().flatten().collect();
    assert_eq!(dirs.len(), 1);
    let root = dirs[0].path();
    assert!(
        bundled
            .iter()
            .all(|v| v["warnings"].as_array().unwrap().is_empty())
    );
    assert!(bundled.iter().all(|v| file_of(v).starts_with(&p(&root))));
    e.run(&["skills", "list"]);
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1);

    let ran = e.run(&["skills", "validate", "--strict", &p(&root)]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(ran.stdout.lines().count(), 4);
    // The source folder too (what is embedded at build time).
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../skills");
    let ran = e.run(&["skills", "validate", "--strict", &p(&source)]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
}

#[test]
fn loader_and_validator_read_yaml_the_same_way() {
    let e = SkillsEnv::new();
    let skills = e.repo.join(".quire/skills");
    // Invalid YAML: the loader does not load it with a garbage value.
    write_skill(
        &skills.join("open-quote"),
        "open-quote",
        "\"unterminated",
        "",
        "",
    );
    // Valid YAML the loader reads: validate names the real problem only.
    write_skill(
        &skills.join("flow-keywords"),
        "flow-keywords",
        "Fills PDF forms; use for pdf form requests.",
        "keywords: [pdf, forms]\n",
        "",
    );
    let lines = e.run(&["skills", "list", "--all", "--json"]).json_lines();
    assert!(
        by_name(&lines, "open-quote", "active").is_empty(),
        "{lines:#?}"
    );
    let skipped = lines
        .iter()
        .find(|v| {
            v["status"] == "skipped"
                && file_of(v).is_empty()
                && v["path"].as_str().unwrap_or("").contains("open-quote")
        })
        .unwrap_or_else(|| panic!("open-quote not skipped: {lines:#?}"));
    assert!(
        skipped["reason"]
            .as_str()
            .unwrap_or("")
            .contains("unparseable frontmatter"),
        "{skipped}"
    );
    assert_eq!(
        by_name(&lines, "flow-keywords", "active").len(),
        1,
        "{lines:#?}"
    );

    let ran = e.run(&["skills", "validate", &p(&skills.join("open-quote"))]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stderr.contains("Invalid YAML in frontmatter"),
        "{}",
        ran.stderr
    );

    let ran = e.run(&["skills", "validate", &p(&skills.join("flow-keywords"))]);
    assert_eq!(ran.code, 1);
    assert!(!ran.stderr.contains("Invalid YAML"), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("Unexpected fields in frontmatter: keywords."),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("flow-style sequences"),
        "{}",
        ran.stderr
    );
}

/// A skill's name and description are the skill file's text: `validate`
/// shows them without escape sequences, piped or not, and a skill holding
/// one is skipped with the reason (see `skills_cli::hostile_names`).
#[test]
fn skill_text_reaches_no_terminal_as_escape_sequences() {
    let e = SkillsEnv::new();
    let odd = e.repo.join(".quire/skills/odd");
    write_skill(
        &odd,
        "\"odd\\e[31mname\"",
        "\"odd \\e]0;pwned\\a chars\\e[2J\"",
        "",
        "Body.\n",
    );
    let ran = e.run(&["skills", "validate", &p(&odd)]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("Skill name 'oddname'"),
        "{:?}",
        ran.stderr
    );
    assert!(!ran.stderr.contains('\u{1b}'), "{:?}", ran.stderr);

    // Not loaded (the model would read what the terminal hides): said
    // with the character, never shown raw; the other skills stay.
    write_skill(&e.repo.join(".quire/skills/ab"), "ab", "Short.", "", "");
    let ran = e.run(&["skills", "list"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.lines().any(|l| l.starts_with("ab ")),
        "{:?}",
        ran.stdout
    );
    assert!(!ran.stdout.contains("oddname"), "{:?}", ran.stdout);
    let ran = e.run(&["skills", "list", "--all"]);
    let out = format!("{}{}", ran.stdout, ran.stderr);
    assert!(
        out.contains("skill folder 'odd'") && out.contains("U+001B"),
        "{out:?}"
    );
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    let ran = e.run(&["skills", "pick", "odd chars", "--explain"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stdout.contains("oddname"), "{:?}", ran.stdout);
    assert!(!ran.stdout.contains('\u{1b}'), "{:?}", ran.stdout);
}

/// A tab is whitespace to the author: where YAML refuses one, the loader
/// and `validate` say it is a tab and where, and `validate` names every
/// problem of the frontmatter, not only the first.
#[test]
fn tabs_in_frontmatter_are_named_with_their_line() {
    let e = SkillsEnv::new();
    let skills = e.repo.join(".quire/skills");
    let dir = skills.join("tab-name");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("SKILL.md"),
        "---\nname:\ttab-name\ndescription: x\n---\nbody\n",
    )
    .unwrap();
    write_skill(
        &skills.join("tab-indent"),
        "tab-indent",
        "Fills forms.",
        "\tkeywords: [a]\nallowed-tools: [shell]\n",
        "",
    );
    let tab_after = "line 2: a tab after `name:`: YAML needs a space after ':'";
    let tab_indent = "line 4: a tab indents `keywords: [a]`: YAML indents with spaces only";

    let ran = e.run(&["skills", "validate", &p(&dir)]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains(tab_after), "{}", ran.stderr);
    let ran = e.run(&["skills", "validate", &p(&skills.join("tab-indent"))]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains(tab_indent), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("line 5"),
        "the flow list too: {}",
        ran.stderr
    );

    let lines = e.run(&["skills", "list", "--all", "--json"]).json_lines();
    let text = format!("{lines:?}");
    assert!(text.contains(tab_after), "{lines:#?}");
    assert!(text.contains(tab_indent), "{lines:#?}");
}
