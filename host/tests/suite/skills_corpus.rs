//! The corpus of malformed and unusual skills
//! (`tests/fixtures/skills-corpus/`, expectations in its `expected.toml`):
//! each is loaded with the expected warnings, shadowed, skipped with the
//! expected reason or ignored; `validate` and `validate --strict` report
//! what the file says; nothing stops the other skills from loading.
use crate::support::skills_common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quire::skills::validate::validate_dir;
use quire::skills::{BundledSkills, DiscoverOptions, Discovery, Skill, discover};
use skills_common::{SkillsEnv, copy_tree, corpus_dir, write_skill};
use toml::{Table, Value};

/// Creates the cases marked `generated` in expected.toml.
fn generate(root: &Path, outside: &Path) {
    write_skill(
        &root.join("node_modules/vendored"),
        "vendored",
        "Vendored.",
        "",
        "",
    );
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect();
    std::fs::create_dir_all(root.join("garbage-bytes")).unwrap();
    std::fs::write(root.join("garbage-bytes/SKILL.md"), garbage).unwrap();
    let mut huge = b"---\nname: huge-file\ndescription: Far too big.\n---\n".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 2 * 1024 * 1024));
    std::fs::create_dir_all(root.join("huge-file")).unwrap();
    std::fs::write(root.join("huge-file/SKILL.md"), huge).unwrap();
    std::fs::create_dir_all(root.join("skill-md-is-dir/SKILL.md")).unwrap();
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12u8 {
        let (name, prev) = ((b'a' + level) as char, (b'a' + level - 1) as char);
        let refs = vec![format!("*{prev}"); 10].join(", ");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    write_skill(
        &root.join("alias-bomb"),
        "alias-bomb",
        "Expands to 10^12 items if followed.",
        &bomb,
        "",
    );
    let deep = format!("x: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    write_skill(
        &root.join("deep-brackets"),
        "deep-brackets",
        "Deeply nested.",
        &deep,
        "",
    );
    let big = format!("x: \"{}\"\n", "y".repeat(100 * 1024));
    write_skill(
        &root.join("huge-frontmatter"),
        "huge-frontmatter",
        "Too much.",
        &big,
        "",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        std::fs::create_dir_all(root.join("fifo")).unwrap();
        let fifo = std::ffi::CString::new(root.join("fifo/SKILL.md").to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0, "mkfifo");
        std::fs::create_dir_all(root.join("dangling-link")).unwrap();
        symlink(
            outside.join("does-not-exist.md"),
            root.join("dangling-link/SKILL.md"),
        )
        .unwrap();
        std::fs::create_dir_all(root.join("self-link")).unwrap();
        symlink(
            root.join("self-link/SKILL.md"),
            root.join("self-link/SKILL.md"),
        )
        .unwrap();
        std::fs::create_dir_all(root.join("linked-skill-md")).unwrap();
        std::fs::write(
            outside.join("real-skill.md"),
            "---\nname: linked-skill-md\ndescription: Reached through a symlinked SKILL.md.\n---\n",
        )
        .unwrap();
        symlink(
            outside.join("real-skill.md"),
            root.join("linked-skill-md/SKILL.md"),
        )
        .unwrap();
        write_skill(
            &outside.join("shared/linked-folder"),
            "linked-folder",
            "Reached through a folder symlink.",
            "",
            "",
        );
        symlink(
            outside.join("shared/linked-folder"),
            root.join("linked-folder"),
        )
        .unwrap();
        symlink(
            outside.join("shared/linked-folder"),
            root.join("linked-folder-again"),
        )
        .unwrap();
        symlink(root, root.join("loop")).unwrap();
        symlink("../..", root.join("nested/group/up")).unwrap();
    }
}

/// What happened to each folder, keyed like expected.toml.
#[derive(Debug)]
enum Outcome<'a> {
    Loaded(&'a Skill),
    Shadowed(&'a Skill, &'a Path),
    Skipped(&'a str),
}

fn key(root: &Path, path: &Path) -> String {
    let dir = match path.file_name().and_then(|n| n.to_str()) {
        Some("SKILL.md" | "skill.md") => path.parent().unwrap_or(path),
        _ => path,
    };
    dir.strip_prefix(root)
        .unwrap_or(dir)
        .to_string_lossy()
        .into_owned()
}

fn outcomes<'a>(root: &Path, d: &'a Discovery) -> BTreeMap<String, Outcome<'a>> {
    let mut out = BTreeMap::new();
    for s in &d.skills {
        out.insert(key(root, &s.dir), Outcome::Loaded(s));
    }
    for s in &d.shadowed {
        out.insert(key(root, &s.skill.dir), Outcome::Shadowed(&s.skill, &s.by));
    }
    for s in &d.skipped {
        let k = key(root, &s.path);
        assert!(
            out.insert(k.clone(), Outcome::Skipped(&s.reason)).is_none(),
            "{k} twice"
        );
    }
    out
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn check_skill(case: &str, e: &Table, s: &Skill, errors: &mut Vec<String>) {
    let folder = case.rsplit('/').next().unwrap_or(case);
    let want_name = e.get("name").and_then(Value::as_str).unwrap_or(folder);
    let mut fail = |what: String| errors.push(format!("{case}: {what}"));
    if s.name != want_name {
        fail(format!("name {:?}, expected {want_name:?}", s.name));
    }
    if let Some(d) = e.get("description").and_then(Value::as_str)
        && s.description != d
    {
        fail(format!("description {:?}, expected {d:?}", s.description));
    }
    let want_warnings = strings(e.get("warnings"));
    if s.warnings.len() != want_warnings.len()
        || !want_warnings
            .iter()
            .all(|w| s.warnings.iter().any(|g| g.contains(w.as_str())))
    {
        fail(format!(
            "warnings {:?}, expected {want_warnings:?}",
            s.warnings
        ));
    }
    let list = |k: &str, got: &[String], fail: &mut dyn FnMut(String)| {
        if e.contains_key(k) && strings(e.get(k)) != got {
            fail(format!("{k} {got:?}, expected {:?}", e[k]));
        }
    };
    list("allowed_tools", &s.allowed_tools, &mut fail);
    list("keywords", &s.keywords, &mut fail);
    let extra: Vec<String> = s.extra.keys().cloned().collect();
    list("extra_keys", &extra, &mut fail);
    for (k, got) in [
        ("disable_model_invocation", s.disable_model_invocation),
        ("user_invocable", s.user_invocable),
    ] {
        if let Some(want) = e.get(k).and_then(Value::as_bool)
            && want != got
        {
            fail(format!("{k} {got}, expected {want}"));
        }
    }
    if let Some(w) = e.get("when_to_use").and_then(Value::as_str)
        && s.when_to_use.as_deref() != Some(w)
    {
        fail(format!("when_to_use {:?}, expected {w:?}", s.when_to_use));
    }
}

fn check_validation(root: &Path, case: &str, e: &Table, errors: &mut Vec<String>) {
    for (k, strict) in [("validate", false), ("strict", true)] {
        let Some(want) = e.get(k).and_then(Value::as_str) else {
            continue;
        };
        let report = validate_dir(&root.join(case), strict);
        let ok = if want == "ok" {
            report.is_valid()
        } else {
            report.problems.iter().any(|p| p.contains(want))
        };
        if !ok {
            errors.push(format!(
                "{case}: {k} gave {:?}, expected {want:?}",
                report.problems
            ));
        }
    }
}

struct Corpus {
    env: SkillsEnv,
    root: PathBuf,
    expected: Table,
}

fn corpus() -> Corpus {
    let env = SkillsEnv::new();
    let root = env.outside.join("corpus");
    copy_tree(&corpus_dir(), &root);
    generate(&root, &env.outside);
    let text = std::fs::read_to_string(corpus_dir().join("expected.toml")).unwrap();
    let expected: Table = toml::from_str(&text).unwrap();
    Corpus {
        env,
        root,
        expected,
    }
}

#[test]
fn every_case_has_its_expected_outcome() {
    let c = corpus();
    assert!(
        c.expected.len() >= 30,
        "the corpus must hold at least 30 cases"
    );
    let d = discover(&DiscoverOptions {
        cwd: c.env.outside.clone(),
        repo_root: None,
        quire_home: Some(c.env.home.clone()),
        user_home: Some(c.env.user.clone()),
        claude_home: None,
        codex_home: None,
        paths: vec![c.root.clone()],
        bundled: BundledSkills::None,
        project: true,
    });
    let got = outcomes(&c.root, &d);
    let mut errors = Vec::new();
    for (case, e) in &c.expected {
        let e = e.as_table().unwrap();
        let want = e["outcome"].as_str().unwrap();
        match (want, got.get(case)) {
            ("ignored", None) => {}
            ("loaded", Some(Outcome::Loaded(s))) => check_skill(case, e, s, &mut errors),
            ("shadowed", Some(Outcome::Shadowed(s, by))) => {
                check_skill(case, e, s, &mut errors);
                let winner = c.root.join(e["by"].as_str().unwrap()).join("SKILL.md");
                if *by != winner {
                    errors.push(format!(
                        "{case}: shadowed by {}, expected {}",
                        by.display(),
                        winner.display()
                    ));
                }
            }
            ("skipped", Some(Outcome::Skipped(reason))) => {
                let want = e["reason"].as_str().unwrap();
                if !reason.contains(want) {
                    errors.push(format!(
                        "{case}: skipped because {reason:?}, expected {want:?}"
                    ));
                }
            }
            (want, got) => errors.push(format!("{case}: expected {want}, got {got:?}")),
        }
        check_validation(&c.root, case, e, &mut errors);
    }
    for case in got.keys() {
        if !c.expected.contains_key(case) {
            errors.push(format!("{case}: not in expected.toml ({:?})", got[case]));
        }
    }
    assert!(
        errors.is_empty(),
        "{} problems:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn the_binary_lists_the_corpus_and_validate_names_each_problem() {
    let c = corpus();
    let paths = format!("skills.paths=[{:?}]", c.root.display().to_string());
    let ran = c
        .env
        .run(&["skills", "list", "--all", "--json", "-c", &paths]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let lines = ran.json_lines();
    let count = |status: &str| {
        let from_corpus = |v: &&serde_json::Value| {
            let p = v["file"].as_str().or(v["path"].as_str()).unwrap_or("");
            p.starts_with(c.root.to_str().unwrap())
        };
        lines
            .iter()
            .filter(|v| v["status"] == status)
            .filter(from_corpus)
            .count()
    };
    let expected = |outcome: &str| {
        c.expected
            .values()
            .filter(|e| e["outcome"].as_str() == Some(outcome))
            .count()
    };
    assert_eq!(count("active"), expected("loaded"));
    assert_eq!(count("shadowed"), expected("shadowed"));
    assert_eq!(count("skipped"), expected("skipped"));
    // Bundled skills are there too.
    assert!(
        lines
            .iter()
            .any(|v| v["name"] == "skill-creator" && v["scope"] == "bundled")
    );

    let ran = c.env.run(&["skills", "validate", c.root.to_str().unwrap()]);
    assert_eq!(ran.code, 1);
    let bom = format!(
        "{}: SKILL.md must start with YAML frontmatter (---)",
        c.root.join("bom/SKILL.md").display()
    );
    assert!(ran.stderr.contains(&bom), "{}", ran.stderr);
    let twin = format!(
        "{}: Directory name 'twin-b' must match skill name 'twin'",
        c.root.join("twin-b/SKILL.md").display()
    );
    assert!(ran.stderr.contains(&twin));
    assert!(
        ran.stdout
            .contains(&format!("ok: {}", c.root.join("clean").display()))
    );
    assert!(ran.stderr.contains("skills failed validation"));
}
