use std::path::{Path, PathBuf};

use super::*;

fn write_skill(dir: &Path, name: &str, description: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("SKILL.md"),
        format!("---\nname: {name}\ndescription: {description}\n---\nbody of {name}\n"),
    )
    .unwrap();
}

struct Env {
    _tmp: tempfile::TempDir,
    repo: PathBuf,
    home: PathBuf,
    user: PathBuf,
}

fn env() -> Env {
    let tmp = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize(tmp.path()).unwrap();
    let repo = base.join("repo");
    let home = base.join("quire-home");
    let user = base.join("user");
    for d in [&repo, &home, &user] {
        std::fs::create_dir_all(d).unwrap();
    }
    Env {
        _tmp: tmp,
        repo,
        home,
        user,
    }
}

impl Env {
    fn opts(&self, cwd: &Path) -> DiscoverOptions {
        DiscoverOptions {
            cwd: cwd.to_path_buf(),
            repo_root: Some(self.repo.clone()),
            quire_home: Some(self.home.clone()),
            user_home: Some(self.user.clone()),
            claude_home: Some(self.user.join(".claude")),
            codex_home: Some(self.user.join(".codex")),
            paths: Vec::new(),
            bundled: BundledSkills::None,
            project: true,
        }
    }
}

#[test]
fn roots_in_precedence_order() {
    let e = env();
    let sub = e.repo.join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    let mut opts = e.opts(&sub);
    opts.paths = vec![PathBuf::from("extra"), PathBuf::from("~/more")];
    opts.bundled = BundledSkills::Dir(e.home.join("bundled"));
    let got: Vec<(String, Scope)> = roots(&opts)
        .into_iter()
        .map(|r| (r.path.display().to_string(), r.scope))
        .collect();
    let r = |p: &Path, s: &str| p.join(s).display().to_string();
    let mut want = Vec::new();
    for dir in [sub.clone(), e.repo.join("a"), e.repo.clone()] {
        for s in PROJECT_ROOTS {
            want.push((r(&dir, s), Scope::Project));
        }
    }
    want.push((r(&e.home, "skills"), Scope::User));
    want.push((r(&e.user, ".agents/skills"), Scope::User));
    want.push((r(&e.user, ".claude/skills"), Scope::User));
    want.push((r(&e.user, ".codex/skills"), Scope::User));
    want.push((r(&e.repo, "extra"), Scope::Configured));
    want.push((r(&e.user, "more"), Scope::Configured));
    want.push((r(&e.home, "bundled"), Scope::Bundled));
    assert_eq!(got, want);
}

#[test]
fn personal_claude_and_codex_skills_are_found_after_quires_own() {
    let e = env();
    write_skill(&e.user.join(".claude/skills/mine"), "mine", "claude");
    write_skill(&e.user.join(".codex/skills/cx"), "cx", "codex");
    write_skill(&e.user.join(".agents/skills/both"), "both", "agents");
    write_skill(&e.user.join(".claude/skills/both"), "both", "claude");
    let d = discover(&e.opts(&e.repo));
    assert_eq!(d.get("mine").map(|s| s.scope), Some(Scope::User));
    assert!(d.get("cx").is_some());
    assert_eq!(
        d.get("both").map(|s| s.description.as_str()),
        Some("agents")
    );
    assert!(
        d.shadowed
            .iter()
            .any(|s| s.skill.file.starts_with(e.user.join(".claude"))),
        "{:?}",
        d.shadowed
    );
}

#[test]
fn an_untrusted_repository_has_no_project_roots() {
    let e = env();
    write_skill(&e.repo.join(".claude/skills/lint"), "lint", "repo lint");
    write_skill(&e.home.join("skills/mine"), "mine", "user skill");
    let opts = e.opts(&e.repo).trusting(false);
    assert!(roots(&opts).iter().all(|r| r.scope != Scope::Project));
    let d = discover(&opts);
    assert!(d.get("lint").is_none());
    assert!(d.get("mine").is_some());
    assert!(discover(&e.opts(&e.repo)).get("lint").is_some());
}

#[test]
fn deeper_project_root_wins_and_loser_is_reported() {
    let e = env();
    let sub = e.repo.join("pkg");
    write_skill(&e.repo.join(".agents/skills/lint"), "lint", "repo lint");
    write_skill(&sub.join(".codex/skills/lint"), "lint", "pkg lint");
    write_skill(&e.home.join("skills/lint"), "lint", "user lint");
    write_skill(&e.user.join(".agents/skills/only-user"), "only-user", "u");
    let d = discover(&e.opts(&sub));
    let lint = d.get("lint").unwrap();
    assert_eq!(lint.description, "pkg lint");
    assert_eq!(lint.scope, Scope::Project);
    assert_eq!(d.shadowed.len(), 2);
    assert!(d.shadowed.iter().all(|s| s.by == lint.file && !s.same_file));
    assert_eq!(d.shadowed[0].skill.description, "repo lint");
    assert_eq!(d.shadowed[1].skill.description, "user lint");
    assert_eq!(d.get("only-user").unwrap().scope, Scope::User);
}

#[test]
fn same_dir_quire_beats_agents_beats_claude_beats_codex() {
    let e = env();
    for (i, r) in PROJECT_ROOTS.iter().enumerate() {
        write_skill(&e.repo.join(r).join("x"), "x", &format!("from {i}"));
    }
    let d = discover(&e.opts(&e.repo));
    assert_eq!(d.get("x").unwrap().description, "from 0");
    let losers: Vec<&str> = d
        .shadowed
        .iter()
        .map(|s| s.skill.description.as_str())
        .collect();
    assert_eq!(losers, ["from 1", "from 2", "from 3"]);
}

#[test]
fn outside_a_repo_only_the_cwd_is_a_project_dir() {
    let e = env();
    let mut opts = e.opts(&e.repo.join("deep"));
    opts.repo_root = None;
    let project: Vec<Root> = roots(&opts)
        .into_iter()
        .filter(|r| r.scope == Scope::Project)
        .collect();
    assert_eq!(project.len(), 4);
    assert!(
        project
            .iter()
            .all(|r| r.path.starts_with(e.repo.join("deep")))
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_followed_once_and_loops_reported() {
    use std::os::unix::fs::symlink;
    let e = env();
    let root = e.repo.join(".quire/skills");
    write_skill(
        &e.user.join("elsewhere/linked"),
        "linked",
        "via a folder symlink",
    );
    std::fs::create_dir_all(&root).unwrap();
    symlink(e.user.join("elsewhere"), root.join("ext")).unwrap();
    symlink(&root, root.join("loop")).unwrap();
    std::fs::create_dir_all(root.join("group")).unwrap();
    symlink("..", root.join("group/up")).unwrap();
    symlink(e.user.join("elsewhere"), root.join("ext-again")).unwrap();
    // A symlinked SKILL.md counts.
    std::fs::create_dir_all(root.join("file-link")).unwrap();
    std::fs::write(
        e.user.join("real.md"),
        "---\nname: file-link\ndescription: d\n---\n",
    )
    .unwrap();
    symlink(e.user.join("real.md"), root.join("file-link/SKILL.md")).unwrap();
    let d = discover(&e.opts(&e.repo));
    let names: Vec<&str> = d.skills.iter().map(|s| s.name.as_str()).collect();
    // Breadth first: shallower folders before deeper ones.
    assert_eq!(names, ["file-link", "linked"]);
    assert!(d.get("linked").unwrap().dir.starts_with(&root));
    let reasons: Vec<String> = d
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.path.display(), s.reason))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:#?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("loop: ") && r.contains("symlink loop"))
    );
    assert!(reasons.iter().any(|r| r.contains("group/up: symlink loop")));
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("ext-again: symlink to") && r.contains("already scanned"))
    );
}

#[test]
fn skips_dot_folders_node_modules_and_stays_within_depth() {
    let e = env();
    let root = e.repo.join(".agents/skills");
    write_skill(&root.join(".hidden/a"), "a", "hidden");
    write_skill(&root.join("node_modules/b"), "b", "vendored");
    write_skill(&root.join("1/2/3/4/5/six"), "six", "at depth 6");
    write_skill(&root.join("1/2/3/4/5/6/seven"), "seven", "at depth 7");
    // A skill's own subfolders are not searched for more skills.
    write_skill(&root.join("outer"), "outer", "o");
    write_skill(&root.join("outer/references/inner"), "inner", "i");
    let d = discover(&e.opts(&e.repo));
    let names: Vec<&str> = d.skills.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["outer", "six"]);
    assert_eq!(d.skipped.len(), 1, "{:?}", d.skipped);
    assert!(d.skipped[0].path.ends_with("6/seven"));
    assert!(d.skipped[0].reason.contains("deeper than 6"));
}

#[test]
fn stops_after_max_dirs_and_says_so() {
    let e = env();
    let root = e.repo.join(".agents/skills");
    for i in 0..MAX_DIRS + 5 {
        std::fs::create_dir_all(root.join(format!("d{i:05}"))).unwrap();
    }
    write_skill(&root.join("a-first"), "a-first", "found before the limit");
    let d = discover(&e.opts(&e.repo));
    assert!(d.get("a-first").is_some());
    assert_eq!(d.skipped.len(), 1);
    assert!(d.skipped[0].reason.contains("stopped after 2000 folders"));
}

#[cfg(unix)]
#[test]
fn a_root_reached_twice_is_scanned_once_and_a_linked_skill_is_marked_same_file() {
    use std::os::unix::fs::symlink;
    let e = env();
    write_skill(&e.repo.join(".agents/skills/s"), "s", "d");
    std::fs::create_dir_all(e.repo.join(".claude")).unwrap();
    symlink(e.repo.join(".agents/skills"), e.repo.join(".claude/skills")).unwrap();
    let d = discover(&e.opts(&e.repo));
    assert_eq!(d.skills.len(), 1);
    assert!(d.shadowed.is_empty());
    assert_eq!(
        d.roots.iter().filter(|r| r.scope == Scope::Project).count(),
        3
    );

    std::fs::create_dir_all(e.repo.join(".codex/skills")).unwrap();
    symlink(
        e.repo.join(".agents/skills/s"),
        e.repo.join(".codex/skills/s"),
    )
    .unwrap();
    let d = discover(&e.opts(&e.repo));
    assert_eq!(d.shadowed.len(), 1);
    assert!(d.shadowed[0].same_file);
}

#[test]
fn a_configured_path_may_be_one_skill_and_empty_paths_are_ignored() {
    let e = env();
    let single = e.user.join("work/one-skill");
    write_skill(&single, "one-skill", "a root that is itself a skill");
    let mut opts = e.opts(&e.repo);
    opts.paths = vec![single.clone(), PathBuf::new()];
    let r = roots(&opts);
    assert_eq!(r.iter().filter(|r| r.scope == Scope::Configured).count(), 1);
    let d = discover(&opts);
    let s = d.get("one-skill").unwrap();
    assert_eq!(
        (s.scope, s.dir.as_path(), s.root.as_path()),
        (Scope::Configured, single.as_path(), single.as_path())
    );
}

#[test]
fn the_steps_give_the_same_result_as_discover() {
    let e = env();
    write_skill(&e.repo.join(".agents/skills/a"), "a", "one");
    write_skill(&e.home.join("skills/a"), "a", "two");
    write_skill(&e.home.join("skills/bad"), "bad", "");
    let opts = e.opts(&e.repo);
    let whole = discover(&opts);
    let (roots, skipped) = all_roots(&opts);
    let (candidates, more) = scan(&roots);
    let parsed = candidates
        .iter()
        .map(|c| parse_candidate(c, &roots))
        .collect();
    let stepwise = assemble(
        roots,
        &candidates,
        parsed,
        skipped.into_iter().chain(more).collect(),
    );
    assert_eq!(whole.skills, stepwise.skills);
    assert_eq!(whole.shadowed, stepwise.shadowed);
    assert_eq!(whole.skipped, stepwise.skipped);
    assert_eq!(whole.skipped.len(), 1);
    assert!(whole.skipped[0].reason.contains("no description"));
}

#[test]
fn many_skills_parse_in_parallel_in_order() {
    let e = env();
    let root = e.repo.join(".quire/skills");
    for i in 0..150 {
        write_skill(&root.join(format!("s{i:03}")), &format!("s{i:03}"), "d");
    }
    let d = discover(&e.opts(&e.repo));
    let names: Vec<String> = d.skills.iter().map(|s| s.name.clone()).collect();
    let want: Vec<String> = (0..150).map(|i| format!("s{i:03}")).collect();
    assert_eq!(names, want);
}

#[cfg(unix)]
#[test]
fn an_unreadable_skill_is_skipped_and_the_others_load() {
    use std::os::unix::fs::PermissionsExt;
    let e = env();
    let root = e.repo.join(".agents/skills");
    write_skill(&root.join("fine"), "fine", "d");
    write_skill(&root.join("locked"), "locked", "d");
    let locked = root.join("locked/SKILL.md");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let d = discover(&e.opts(&e.repo));
    assert!(d.get("fine").is_some());
    // Root reads any file; everyone else gets "permission denied".
    if std::fs::read(&locked).is_ok() {
        assert!(d.get("locked").is_some());
    } else {
        assert_eq!(d.skipped.len(), 1);
        assert!(
            d.skipped[0].reason.contains("cannot read"),
            "{:?}",
            d.skipped
        );
    }
}
