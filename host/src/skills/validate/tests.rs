use std::path::Path;

use super::*;

fn skill(dir: &Path, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("SKILL.md"), text).unwrap();
}

#[test]
fn a_valid_skill_has_no_problems() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("pdf-forms");
    skill(
        &d,
        "---\nname: pdf-forms\ndescription: Fill PDF forms.\nlicense: MIT\nmetadata:\n  author: me\n---\nBody\n",
    );
    let r = validate_dir(&d, true);
    assert!(r.is_valid(), "{:?}", r.problems);
    assert_eq!(r.file, Some(d.join("SKILL.md")));
}

#[test]
fn reports_every_reference_check() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("my-skill");
    skill(
        &d,
        &format!(
            "---\nname: My-Skill\ndescription: '{}'\ncompatibility:\n  - a\nwhen_to_use: x\nmodel: y\n---\n",
            "x".repeat(1025)
        ),
    );
    let r = validate_dir(&d, false);
    assert_eq!(
        r.problems,
        vec![
            "Unexpected fields in frontmatter: model, when_to_use. Only ['allowed-tools', 'compatibility', 'description', 'license', 'metadata', 'name'] are allowed.",
            "Skill name 'My-Skill' must be lowercase",
            "Directory name 'my-skill' must match skill name 'My-Skill'",
            "Description exceeds 1024 character limit (1025 chars)",
            "Field 'compatibility' must be a string",
        ]
    );
}

#[test]
fn missing_fields_and_files() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("a");
    skill(&d, "---\nlicense: MIT\n---\n");
    assert_eq!(
        validate_dir(&d, false).problems,
        vec![
            "Missing required field in frontmatter: name",
            "Missing required field in frontmatter: description"
        ]
    );
    let empty = t.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert_eq!(
        validate_dir(&empty, false).problems,
        vec!["Missing required file: SKILL.md"]
    );
    let nope = t.path().join("nope");
    assert!(validate_dir(&nope, false).problems[0].starts_with("Path does not exist: "));
    skill(
        &t.path().join("bom"),
        "\u{feff}---\nname: bom\ndescription: d\n---\n",
    );
    assert!(validate_dir(&t.path().join("bom"), false).problems[0].contains("byte order mark"));
    skill(
        &t.path().join("crlf"),
        "---\r\nname: crlf\r\ndescription: d\r\n---\r\n",
    );
    assert!(validate_dir(&t.path().join("crlf"), false).is_valid());
}

#[test]
fn strict_checks() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("s");
    let long: String = (0..501).map(|i| format!("line {i}\n")).collect();
    skill(
        &d,
        &format!(
            "---\nname: s\ndescription: Use for <html> files\n---\nSee [guide](references/Guide.md) and scripts/run.sh and [up](../x.md).\n{long}"
        ),
    );
    std::fs::create_dir_all(d.join("references")).unwrap();
    std::fs::write(d.join("references/guide.md"), "").unwrap();
    assert!(validate_dir(&d, false).is_valid());
    let p = validate_dir(&d, true).problems;
    assert_eq!(p.len(), 5, "{p:#?}");
    assert!(p[0].contains("502 lines"));
    assert!(p[1].contains("'references/Guide.md', which does not exist"));
    assert!(p[2].contains("'scripts/run.sh'"));
    assert!(p[3].contains("'../x.md', which is outside"));
    assert!(p[4].contains("angle brackets"));
    let big = t.path().join("big");
    skill(
        &big,
        &format!(
            "---\nname: big\ndescription: d\n---\n{}",
            "word ".repeat(4100)
        ),
    );
    let p = validate_dir(&big, true).problems;
    assert!(p.len() == 1 && p[0].contains("about 5125 tokens"), "{p:?}");
}

#[test]
fn a_folder_of_skills_validates_each() {
    let t = tempfile::tempdir().unwrap();
    skill(&t.path().join("a"), "---\nname: a\ndescription: d\n---\n");
    skill(&t.path().join("b"), "---\nname: c\ndescription: d\n---\n");
    let reports = validate_path(t.path(), false);
    assert_eq!(reports.len(), 2);
    assert!(reports[0].is_valid());
    assert!(!reports[1].is_valid());
    let one = validate_path(&t.path().join("a/SKILL.md"), false);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].dir, t.path().join("a"));
}

#[test]
fn a_skill_the_loader_would_skip_is_not_valid() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("pdf-forms");
    // Valid for the reference validator; quire skips it (the model would
    // read "Fill PDF forms" reversed differently than the user).
    skill(
        &d,
        "---\nname: pdf-forms\ndescription: Fill PDF \u{202e}forms.\n---\nBody\n",
    );
    for strict in [false, true] {
        let r = validate_dir(&d, strict);
        assert!(!r.is_valid(), "strict {strict}");
        assert!(
            r.problems.iter().any(|p| p.contains("U+202E")),
            "{:?}",
            r.problems
        );
    }
}
